//! `CheckTarget`: what a check needs to know about a site, handed out by the schedule.

use std::sync::Arc;

use crate::checks::CheckSpec;
use crate::{Website, WebsiteId, WebsiteName, WebsiteUrl};

/// The site a due check is for: its id, the URL to fetch, the name for log lines, and how to
/// ask it and judge the answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckTarget {
    pub id: WebsiteId,
    pub url: WebsiteUrl,
    pub name: WebsiteName,
    pub check: Arc<CheckSpec>,
}

impl From<&Website> for CheckTarget {
    fn from(website: &Website) -> Self {
        Self {
            id: website.id,
            url: website.url.clone(),
            name: website.name.clone(),
            check: Arc::new(website.check.clone()),
        }
    }
}
