//! A status page and its fields, parsed once.

use time::OffsetDateTime;

use crate::WebsiteId;
use crate::manifest::Managed;

/// Most sites on one status page.
pub const MAX_PAGE_SITES: usize = 500;

/// The page's address: `/status/{slug}`. 1–64 of `a-z`, `0-9` and `-`, starting and ending with
/// a letter or digit.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct StatusPageSlug(String);

impl StatusPageSlug {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let ok_chars =
            raw.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        let ok_ends = !raw.starts_with('-') && !raw.ends_with('-');
        if raw.is_empty() || raw.len() > 64 || !ok_chars || !ok_ends {
            return Err(format!(
                "slug must be 1-64 lower-case letters, digits and dashes, not starting or ending \
                 with a dash; got {raw:?}"
            ));
        }
        Ok(Self(raw.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A field that is not what it must be: its path (`websites[2]`) and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct StatusPageFieldError {
    pub field: String,
    pub message: String,
}

fn field_error(field: impl Into<String>, message: impl Into<String>) -> StatusPageFieldError {
    StatusPageFieldError { field: field.into(), message: message.into() }
}

/// The fields as sent (`None`: not sent).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StatusPageDraft {
    pub slug: Option<String>,
    pub title: Option<String>,
    /// `Some(None)`: sent as `null`.
    pub description: Option<Option<String>>,
    pub websites: Option<Vec<i64>>,
}

/// A whole page's definition, parsed (`S` is something else only in a document, which may
/// name sites by key).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusPageSpec<S = WebsiteId> {
    pub slug: StatusPageSlug,
    pub title: String,
    pub description: Option<String>,
    /// In the order they are shown; no site twice.
    pub websites: Vec<S>,
}

impl<S> StatusPageSpec<S> {
    /// The same page with every site named by `name(site)` instead, in the same order.
    pub fn try_map_sites<T, E>(
        &self,
        name: impl FnMut(&S) -> Result<T, E>,
    ) -> Result<StatusPageSpec<T>, E> {
        Ok(StatusPageSpec {
            slug: self.slug.clone(),
            title: self.title.clone(),
            description: self.description.clone(),
            websites: self.websites.iter().map(name).collect::<Result<_, E>>()?,
        })
    }
}

/// A change to a page; `None` leaves a field as it is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StatusPagePatch {
    pub slug: Option<StatusPageSlug>,
    pub title: Option<String>,
    pub description: Option<Option<String>>,
    pub websites: Option<Vec<WebsiteId>>,
}

fn title(raw: &str) -> Result<String, StatusPageFieldError> {
    let trimmed = raw.trim();
    if trimmed.is_empty() || trimmed.chars().count() > 200 {
        return Err(field_error("title", "title must be 1-200 characters"));
    }
    Ok(trimmed.to_owned())
}

fn description(raw: Option<String>) -> Result<Option<String>, StatusPageFieldError> {
    match raw.map(|d| d.trim().to_owned()) {
        Some(d) if d.chars().count() > 2000 => {
            Err(field_error("description", "description must be at most 2000 characters"))
        }
        Some(d) if d.is_empty() => Ok(None),
        other => Ok(other),
    }
}

fn websites(raw: &[i64]) -> Result<Vec<WebsiteId>, StatusPageFieldError> {
    if raw.len() > MAX_PAGE_SITES {
        return Err(field_error("websites", format!("at most {MAX_PAGE_SITES} sites per page")));
    }
    let mut ids = Vec::with_capacity(raw.len());
    for (i, id) in raw.iter().enumerate() {
        let id = WebsiteId::new(*id).map_err(|_| {
            field_error(format!("websites[{i}]"), format!("{id} is not a website id"))
        })?;
        if ids.contains(&id) {
            return Err(field_error(
                format!("websites[{i}]"),
                format!("website {id} is listed twice"),
            ));
        }
        ids.push(id);
    }
    Ok(ids)
}

impl StatusPageDraft {
    /// A new page: `slug` and `title` required.
    pub fn into_spec(self) -> Result<StatusPageSpec, StatusPageFieldError> {
        let slug = self.slug.ok_or_else(|| field_error("slug", "slug is required"))?;
        Ok(StatusPageSpec {
            slug: StatusPageSlug::parse(&slug).map_err(|m| field_error("slug", m))?,
            title: title(
                self.title.as_deref().ok_or_else(|| field_error("title", "title is required"))?,
            )?,
            description: description(self.description.flatten())?,
            websites: websites(&self.websites.unwrap_or_default())?,
        })
    }

    /// A change: only what was sent.
    pub fn into_patch(self) -> Result<StatusPagePatch, StatusPageFieldError> {
        Ok(StatusPagePatch {
            slug: self
                .slug
                .map(|s| StatusPageSlug::parse(&s).map_err(|m| field_error("slug", m)))
                .transpose()?,
            title: self.title.as_deref().map(title).transpose()?,
            description: self.description.map(description).transpose()?,
            websites: self.websites.as_deref().map(websites).transpose()?,
        })
    }
}

/// A stored status page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusPage {
    pub id: i64,
    pub slug: StatusPageSlug,
    pub title: String,
    pub description: Option<String>,
    pub websites: Vec<WebsiteId>,
    /// The document that manages it, if any (issue 16).
    pub managed: Option<Managed>,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft(slug: &str, sites: Vec<i64>) -> StatusPageDraft {
        StatusPageDraft {
            slug: Some(slug.into()),
            title: Some(" Shop status ".into()),
            description: Some(Some(String::new())),
            websites: Some(sites),
        }
    }

    #[test]
    fn a_page_parses_once_and_names_the_bad_field() {
        let spec = draft("shop-eu", vec![3, 1]).into_spec().unwrap();
        assert_eq!(spec.title, "Shop status");
        assert_eq!(spec.description, None, "blank is none");
        assert_eq!(spec.websites.iter().map(|w| w.get()).collect::<Vec<_>>(), [3, 1]);
        for slug in ["", "-a", "a-", "Shop", "a b", &"a".repeat(65)] {
            assert_eq!(draft(slug, vec![]).into_spec().unwrap_err().field, "slug", "{slug:?}");
        }
        assert_eq!(draft("s", vec![1, 0]).into_spec().unwrap_err().field, "websites[1]");
        assert_eq!(draft("s", vec![1, 1]).into_spec().unwrap_err().field, "websites[1]");
        let missing = StatusPageDraft { title: None, ..draft("s", vec![]) };
        assert_eq!(missing.into_spec().unwrap_err().field, "title");
    }

    #[test]
    fn a_patch_keeps_what_was_not_sent() {
        let patch = StatusPageDraft { title: Some("New".into()), ..StatusPageDraft::default() }
            .into_patch()
            .unwrap();
        assert_eq!(
            patch,
            StatusPagePatch { title: Some("New".into()), ..StatusPagePatch::default() }
        );
        let cleared = StatusPageDraft { description: Some(None), ..StatusPageDraft::default() };
        assert_eq!(cleared.into_patch().unwrap().description, Some(None));
    }
}
