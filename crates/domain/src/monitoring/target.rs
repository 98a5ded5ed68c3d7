//! `CheckTarget`: what a check needs to know about a site, handed out by the schedule.

use serde::{Deserialize, Serialize};

use crate::{Website, WebsiteId, WebsiteName, WebsiteUrl};

/// The site a due check is for: its id, the URL to fetch, the name for log lines.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckTarget {
    pub id: WebsiteId,
    pub url: WebsiteUrl,
    pub name: WebsiteName,
}

impl From<&Website> for CheckTarget {
    fn from(website: &Website) -> Self {
        Self { id: website.id, url: website.url.clone(), name: website.name.clone() }
    }
}
