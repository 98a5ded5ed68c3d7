//! Which fields of a stored site a declared one changes, and the patch that makes them so.

use crate::{NewWebsite, Website, WebsitePatch};

/// A field of a site, as the API names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SiteField {
    Url,
    Name,
    Enabled,
    CheckInterval,
    Alerts,
    Request,
    Assertions,
    DegradedAbove,
    Public,
    Regions,
    Quorum,
}

impl SiteField {
    /// The field's name in the API and the document.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Url => "url",
            Self::Name => "name",
            Self::Enabled => "enabled",
            Self::CheckInterval => "check_interval",
            Self::Alerts => "alerts",
            Self::Request => "request",
            Self::Assertions => "assertions",
            Self::DegradedAbove => "degraded_above_ms",
            Self::Public => "public",
            Self::Regions => "regions",
            Self::Quorum => "quorum",
        }
    }
}

/// The declared site with the stored one's secrets where it sends them back masked.
pub(super) fn with_kept_secrets(declared: &NewWebsite, current: &Website) -> NewWebsite {
    let mut declared = declared.clone();
    declared.check.request = declared.check.request.keep_secrets_from(&current.check.request);
    declared
}

/// The fields `declared` changes on `current`, in the API's order (a URL counts as changed
/// when it is written differently, even if it normalises the same).
pub(super) fn changed_fields(current: &Website, declared: &NewWebsite) -> Vec<SiteField> {
    let pairs = [
        (SiteField::Url, current.url.given() != declared.url.given()),
        (SiteField::Name, current.name != declared.name),
        (SiteField::Enabled, current.enabled != declared.enabled),
        (SiteField::CheckInterval, current.check_interval != declared.check_interval),
        (SiteField::Alerts, current.alerts != declared.alerts),
        (SiteField::Request, current.check.request != declared.check.request),
        (SiteField::Assertions, current.check.assertions != declared.check.assertions),
        (SiteField::DegradedAbove, current.check.degraded_above != declared.check.degraded_above),
        (SiteField::Public, current.public != declared.public),
        (SiteField::Regions, current.regions.regions() != declared.regions.regions()),
        (SiteField::Quorum, current.regions.quorum() != declared.regions.quorum()),
    ];
    pairs.into_iter().filter(|(_, changed)| *changed).map(|(field, _)| field).collect()
}

/// A patch that sets every field to the declared value.
pub(super) fn replacing_patch(declared: &NewWebsite) -> WebsitePatch {
    WebsitePatch {
        url: Some(declared.url.clone()),
        name: Some(declared.name.clone()),
        enabled: Some(declared.enabled),
        check_interval: Some(declared.check_interval),
        alerts: Some(declared.alerts.clone()),
        request: Some(declared.check.request.clone()),
        assertions: Some(declared.check.assertions.clone()),
        degraded_above: Some(declared.check.degraded_above),
        public: Some(declared.public),
        regions: Some(declared.regions.regions().to_vec()),
        quorum: Some(declared.regions.quorum()),
    }
}
