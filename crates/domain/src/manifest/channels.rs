//! Channels as a document declares them: known by name, compared field by field; secrets
//! given as `"***"` (as an export shows them) keep their stored values.

use super::plan::{ItemKind, Refusal};
use super::{Managed, PlanProblem};
use crate::alerting::{Channel, ChannelName, NewChannel};

/// A field of a channel, as the API names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ChannelField {
    Name,
    Config,
    Default,
}

impl ChannelField {
    /// The field's name in the API and the document.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Name => "name",
            Self::Config => "config",
            Self::Default => "default",
        }
    }

    /// Every field, in the API's order (a creation lists them all).
    pub const ALL: [ChannelField; 3] = [Self::Name, Self::Config, Self::Default];
}

/// The `channels` of a document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Channels;

impl ItemKind for Channels {
    const LIST: &'static str = "channels";
    const IDENTITY: &'static str = "name";
    type Item = NewChannel;
    type Stored = Channel;
    type Identity = ChannelName;
    type Field = ChannelField;

    fn item_identity(item: &NewChannel) -> &ChannelName {
        &item.name
    }

    fn stored_identity(stored: &Channel) -> &ChannelName {
        &stored.name
    }

    fn stored_id(stored: &Channel) -> i64 {
        stored.id.get()
    }

    fn managed(stored: &Channel) -> Option<&Managed> {
        stored.managed.as_ref()
    }

    fn compare(
        stored: &Channel,
        item: &NewChannel,
    ) -> Result<(NewChannel, Vec<ChannelField>), Refusal> {
        let (from, to) = (stored.config.kind(), item.config.kind());
        if from != to {
            return Err(("kind", PlanProblem::KindChanged { from, to }));
        }
        let config = item
            .config
            .keep_secrets_from(&stored.config)
            .map_err(|field| (field, PlanProblem::MaskedWithoutValue))?;
        let item = NewChannel { config, ..item.clone() };
        let pairs = [
            (ChannelField::Name, stored.name != item.name),
            (ChannelField::Config, stored.config != item.config),
            (ChannelField::Default, stored.is_default != item.is_default),
        ];
        let fields = pairs.into_iter().filter(|(_, changed)| *changed).map(|(f, _)| f).collect();
        Ok((item, fields))
    }

    fn creatable(item: &NewChannel) -> Result<(), Refusal> {
        match item.config.masked_field() {
            Some(field) => Err((field, PlanProblem::MaskedWithoutValue)),
            None => Ok(()),
        }
    }
}
