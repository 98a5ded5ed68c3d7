//! Sites as a document declares them: known by url, compared field by field, written back
//! as a patch that replaces every field.

use super::plan::{ItemKind, Refusal};
use super::{ChannelRef, Managed};
use crate::alerting::ChannelId;
use crate::{NewWebsite, Website, WebsitePatch, WebsiteUrl};

/// A declared site: its alerts may name channels by their key in the document.
pub type DeclaredSite = NewWebsite<ChannelRef>;

/// The `websites` of a document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sites;

impl ItemKind for Sites {
    const LIST: &'static str = "websites";
    const IDENTITY: &'static str = "url";
    type Item = DeclaredSite;
    type Stored = Website;
    type Identity = WebsiteUrl;
    type Field = SiteField;

    fn item_identity(item: &DeclaredSite) -> &WebsiteUrl {
        &item.url
    }

    fn stored_identity(stored: &Website) -> &WebsiteUrl {
        &stored.url
    }

    fn stored_id(stored: &Website) -> i64 {
        stored.id.get()
    }

    fn managed(stored: &Website) -> Option<&Managed> {
        stored.managed.as_ref()
    }

    fn compare(
        stored: &Website,
        item: &DeclaredSite,
    ) -> Result<(DeclaredSite, Vec<SiteField>), Refusal> {
        let item = with_kept_secrets(item, stored);
        let fields = changed_fields(stored, &item);
        Ok((item, fields))
    }

    fn creatable(_: &DeclaredSite) -> Result<(), Refusal> {
        Ok(())
    }
}

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
fn with_kept_secrets(declared: &DeclaredSite, current: &Website) -> DeclaredSite {
    let mut declared = declared.clone();
    declared.check.request = declared.check.request.keep_secrets_from(&current.check.request);
    declared
}

/// The fields `declared` changes on `current`, in the API's order (a URL counts as changed
/// when it is written differently, even if it normalises the same).
fn changed_fields(current: &Website, declared: &DeclaredSite) -> Vec<SiteField> {
    let alerts = current.alerts.as_ref().map(|policy| {
        policy.try_map_channels(|id| Ok::<_, std::convert::Infallible>(ChannelRef::Id(*id)))
    });
    let alerts_changed = match alerts {
        Some(Ok(policy)) => declared.alerts.as_ref() != Some(&policy),
        Some(Err(never)) => match never {},
        None => declared.alerts.is_some(),
    };
    let pairs = [
        (SiteField::Url, current.url.given() != declared.url.given()),
        (SiteField::Name, current.name != declared.name),
        (SiteField::Enabled, current.enabled != declared.enabled),
        (SiteField::CheckInterval, current.check_interval != declared.check_interval),
        (SiteField::Alerts, alerts_changed),
        (SiteField::Request, current.check.request != declared.check.request),
        (SiteField::Assertions, current.check.assertions != declared.check.assertions),
        (SiteField::DegradedAbove, current.check.degraded_above != declared.check.degraded_above),
        (SiteField::Public, current.public != declared.public),
        (SiteField::Regions, current.regions.regions() != declared.regions.regions()),
        (SiteField::Quorum, current.regions.quorum() != declared.regions.quorum()),
    ];
    pairs.into_iter().filter(|(_, changed)| *changed).map(|(field, _)| field).collect()
}

/// A patch that sets every field to the declared value (its channels named by id).
pub fn replacing_patch(declared: &NewWebsite<ChannelId>) -> WebsitePatch {
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
