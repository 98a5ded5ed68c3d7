//! The `channels` list of a document: each item is what `POST /api/channels` takes, plus its
//! `key` (default: its name) and `adopt`. A secret given as `"***"` (as an export shows it)
//! keeps the stored value; `${SLACK_WEBHOOK_URL}` gives it from the environment.

use lookout_domain::alerting::NewChannel;
use lookout_domain::manifest::Declared;
use serde_json::Value;

use super::items::ListReader;
use super::{DocumentError, Located};
use crate::dto::CreateChannelRequest;

/// Every declared channel, or every problem found in any of them.
pub(super) fn declared(
    located: &Located,
    items: &[Value],
) -> Result<Vec<Declared<NewChannel>>, Vec<DocumentError>> {
    let reader = ListReader {
        located,
        list: "channels",
        shape: "a channel is a mapping of its fields (name, kind, config, …)",
    };
    reader.all(items, |index, mut fields| {
        let (key, adopt) = reader.key_and_adopt(index, &mut fields)?;
        let request: CreateChannelRequest = reader.request(index, fields)?;
        let item = request.try_into_declared().map_err(|e| reader.refused(index, &e))?;
        let key = reader.key_or(index, key, "name", item.name.as_str())?;
        Ok(Declared { key, adopt, item })
    })
}
