//! A site's own alert settings as rows: `alert_policies` (thresholds, delays) and
//! `alert_policy_channels` (its channels, and each escalation step's). Loaded with the site,
//! saved in the site's transaction, read by the check writer for the sites it needs.

use std::collections::HashMap;
use std::num::NonZeroU32;

use diesel::prelude::*;
use lookout_domain::alerting::{AlertPolicy, ChannelId, Escalation};

use crate::schema::{alert_policies, alert_policy_channels, channels};

#[derive(Debug, Clone, Queryable, Insertable, AsChangeset)]
#[diesel(table_name = alert_policies, primary_key(website_id), treat_none_as_null = true)]
pub(crate) struct PolicyRow {
    pub(crate) website_id: i64,
    failure_threshold: Option<i32>,
    success_threshold: Option<i32>,
    confirm_after_secs: Option<i64>,
    reminder_every_secs: Option<i64>,
    max_reminders: Option<i32>,
    channels_set: bool,
}

#[derive(Debug, Clone, Queryable, Insertable)]
#[diesel(table_name = alert_policy_channels)]
pub(crate) struct PolicyChannelRow {
    pub(crate) website_id: i64,
    pub(crate) channel_id: i64,
    escalate_after_secs: i64,
}

/// The rows that store `policy` for `site`.
pub(crate) fn policy_rows(site: i64, policy: &AlertPolicy) -> (PolicyRow, Vec<PolicyChannelRow>) {
    let int = |v: Option<u32>| v.map(|v| i32::try_from(v).unwrap_or(i32::MAX));
    let long = |v: Option<u64>| v.map(|v| i64::try_from(v).unwrap_or(i64::MAX));
    let row = PolicyRow {
        website_id: site,
        failure_threshold: int(policy.failure_threshold.map(NonZeroU32::get)),
        success_threshold: int(policy.success_threshold.map(NonZeroU32::get)),
        confirm_after_secs: long(policy.confirm_after_secs),
        reminder_every_secs: long(policy.reminder_every_secs),
        max_reminders: int(policy.max_reminders),
        channels_set: policy.channels.is_some(),
    };
    let mut channels: Vec<PolicyChannelRow> = policy
        .channels
        .iter()
        .flatten()
        .map(|c| PolicyChannelRow { website_id: site, channel_id: c.get(), escalate_after_secs: 0 })
        .collect();
    for step in policy.escalate.iter().flatten() {
        let after = i64::try_from(step.after_secs).unwrap_or(i64::MAX);
        channels.extend(step.channels.iter().map(|c| PolicyChannelRow {
            website_id: site,
            channel_id: c.get(),
            escalate_after_secs: after,
        }));
    }
    channels.sort_by_key(|r| (r.escalate_after_secs, r.channel_id));
    channels.dedup_by_key(|r| (r.escalate_after_secs, r.channel_id));
    (row, channels)
}

/// Builds each site's policy from its rows.
pub(crate) fn assemble(
    rows: Vec<PolicyRow>,
    channel_rows: Vec<PolicyChannelRow>,
) -> HashMap<i64, AlertPolicy> {
    let mut by_site: HashMap<i64, Vec<PolicyChannelRow>> = HashMap::new();
    for row in channel_rows {
        by_site.entry(row.website_id).or_default().push(row);
    }
    let nonzero = |v: Option<i32>| v.and_then(|v| NonZeroU32::new(u32::try_from(v).ok()?));
    let unsigned = |v: Option<i64>| v.and_then(|v| u64::try_from(v).ok());
    rows.into_iter()
        .map(|row| {
            let mut own = Vec::new();
            let mut steps: Vec<Escalation> = Vec::new();
            for channel in by_site.remove(&row.website_id).unwrap_or_default() {
                let Ok(id) = ChannelId::new(channel.channel_id) else { continue };
                let after = u64::try_from(channel.escalate_after_secs).unwrap_or(0);
                if after == 0 {
                    own.push(id);
                } else if let Some(step) = steps.iter_mut().find(|s| s.after_secs == after) {
                    step.channels.push(id);
                } else {
                    steps.push(Escalation { after_secs: after, channels: vec![id] });
                }
            }
            steps.sort_by_key(|s| s.after_secs);
            let policy = AlertPolicy {
                channels: row.channels_set.then_some(own),
                failure_threshold: nonzero(row.failure_threshold),
                success_threshold: nonzero(row.success_threshold),
                confirm_after_secs: unsigned(row.confirm_after_secs),
                reminder_every_secs: unsigned(row.reminder_every_secs),
                max_reminders: row.max_reminders.and_then(|v| u32::try_from(v).ok()),
                escalate: (!steps.is_empty()).then_some(steps),
            };
            (row.website_id, policy)
        })
        .collect()
}

/// The policy rows of `sites`.
#[diesel::dsl::auto_type(no_type_alias)]
pub(crate) fn policies_query<'a>(sites: &'a [i64]) -> _ {
    alert_policies::table.filter(alert_policies::website_id.eq_any(sites)).select((
        alert_policies::website_id,
        alert_policies::failure_threshold,
        alert_policies::success_threshold,
        alert_policies::confirm_after_secs,
        alert_policies::reminder_every_secs,
        alert_policies::max_reminders,
        alert_policies::channels_set,
    ))
}

/// The policy channel rows of `sites`.
#[diesel::dsl::auto_type(no_type_alias)]
pub(crate) fn policy_channels_query<'a>(sites: &'a [i64]) -> _ {
    alert_policy_channels::table.filter(alert_policy_channels::website_id.eq_any(sites)).select((
        alert_policy_channels::website_id,
        alert_policy_channels::channel_id,
        alert_policy_channels::escalate_after_secs,
    ))
}

/// The ids of the channels marked default.
#[diesel::dsl::auto_type(no_type_alias)]
pub(crate) fn default_channels_query() -> _ {
    channels::table.filter(channels::is_default.eq(true)).order(channels::id).select(channels::id)
}

/// Replaces a site's policy rows in the caller's (async) transaction; returns
/// `Err(PolicyTxError::UnknownChannels(..))` from the enclosing closure when the policy names
/// channels that do not exist.
macro_rules! save_policy {
    ($conn:expr, $site:expr, $policy:expr) => {{
        use diesel::prelude::*;
        use diesel_async::RunQueryDsl;
        use $crate::schema::{alert_policies, alert_policy_channels, channels};
        let (row, channel_rows) = $crate::alert_policies::policy_rows($site, $policy);
        let wanted = $policy.channel_ids();
        if !wanted.is_empty() {
            let raw: Vec<i64> = wanted.iter().map(|c| c.get()).collect();
            let existing: Vec<i64> = channels::table
                .filter(channels::id.eq_any(&raw))
                .select(channels::id)
                .load($conn)
                .await?;
            let missing = $crate::alert_policies::missing_channels(&wanted, &existing);
            if !missing.is_empty() {
                return Err(PolicyTxError::UnknownChannels(missing));
            }
        }
        diesel::delete(
            alert_policy_channels::table.filter(alert_policy_channels::website_id.eq($site)),
        )
        .execute($conn)
        .await?;
        diesel::insert_into(alert_policies::table)
            .values(&row)
            .on_conflict(alert_policies::website_id)
            .do_update()
            .set(&row)
            .execute($conn)
            .await?;
        for channel in &channel_rows {
            diesel::insert_into(alert_policy_channels::table)
                .values(channel)
                .execute($conn)
                .await?;
        }
    }};
}
pub(crate) use save_policy;

/// Those of `ids` that name no channel.
pub(crate) fn missing_channels(ids: &[ChannelId], existing: &[i64]) -> Vec<ChannelId> {
    ids.iter().copied().filter(|id| !existing.contains(&id.get())).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(raw: i64) -> ChannelId {
        ChannelId::new(raw).unwrap()
    }

    #[test]
    fn a_policy_round_trips_through_its_rows() {
        let policy = AlertPolicy {
            channels: Some(vec![id(1), id(2)]),
            failure_threshold: NonZeroU32::new(3),
            success_threshold: None,
            confirm_after_secs: Some(15),
            reminder_every_secs: Some(0),
            max_reminders: Some(5),
            escalate: Some(vec![
                Escalation { after_secs: 600, channels: vec![id(3)] },
                Escalation { after_secs: 1800, channels: vec![id(4), id(5)] },
            ]),
        };
        let (row, channels) = policy_rows(9, &policy);
        assert_eq!(assemble(vec![row], channels).remove(&9), Some(policy));
    }

    #[test]
    fn no_channels_named_and_an_empty_list_differ() {
        let unnamed =
            AlertPolicy { failure_threshold: NonZeroU32::new(2), ..AlertPolicy::default() };
        let (row, channels) = policy_rows(1, &unnamed);
        assert_eq!(assemble(vec![row], channels)[&1].channels, None);
        let silent = AlertPolicy { channels: Some(vec![]), ..AlertPolicy::default() };
        let (row, channels) = policy_rows(1, &silent);
        assert_eq!(assemble(vec![row], channels)[&1].channels, Some(vec![]));
    }
}
