//! Alert policies: when a site's incident opens and resolves, who hears about it, how often
//! they are reminded and when it escalates. A site carries its own settings (every field
//! optional); the rest comes from the defaults in config (`alerts.*`), and the channels from
//! those marked `default`.

use std::num::NonZeroU32;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::ChannelId;

/// Most escalation steps one policy may have.
pub const MAX_ESCALATION_STEPS: usize = 10;
/// Most channels one policy (or one escalation step) may name.
pub const MAX_POLICY_CHANNELS: usize = 50;
/// Longest confirmation delay, reminder period or escalation delay: a week.
const MAX_DELAY_SECS: u64 = 7 * 24 * 3600;
/// Highest failure or success threshold.
const MAX_THRESHOLD: u32 = 1000;
/// Most reminders for one incident.
const MAX_REMINDERS: u32 = 1000;

/// One escalation step: after the incident has been open (and not acknowledged) this long,
/// these channels are told too.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Escalation<C = ChannelId> {
    pub after_secs: u64,
    pub channels: Vec<C>,
}

/// A site's own alert settings, as the client sent them: every field optional. Channels are
/// named by id (`C` is something else only in a document, which may name them by key).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AlertPolicy<C = ChannelId> {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channels: Option<Vec<C>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failure_threshold: Option<NonZeroU32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub success_threshold: Option<NonZeroU32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confirm_after_secs: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reminder_every_secs: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_reminders: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub escalate: Option<Vec<Escalation<C>>>,
}

impl<C> Default for AlertPolicy<C> {
    fn default() -> Self {
        Self {
            channels: None,
            failure_threshold: None,
            success_threshold: None,
            confirm_after_secs: None,
            reminder_every_secs: None,
            max_reminders: None,
            escalate: None,
        }
    }
}

impl<C> AlertPolicy<C> {
    /// The same policy with every channel named by `name(channel)` instead; the first
    /// channel `name` refuses is the error.
    pub fn try_map_channels<D, E>(
        &self,
        mut name: impl FnMut(&C) -> Result<D, E>,
    ) -> Result<AlertPolicy<D>, E> {
        let mut list =
            |channels: &[C]| -> Result<Vec<D>, E> { channels.iter().map(&mut name).collect() };
        let channels = match &self.channels {
            Some(channels) => Some(list(channels)?),
            None => None,
        };
        let escalate = match &self.escalate {
            Some(steps) => Some(
                steps
                    .iter()
                    .map(|step| {
                        Ok(Escalation {
                            after_secs: step.after_secs,
                            channels: list(&step.channels)?,
                        })
                    })
                    .collect::<Result<_, E>>()?,
            ),
            None => None,
        };
        Ok(AlertPolicy {
            channels,
            failure_threshold: self.failure_threshold,
            success_threshold: self.success_threshold,
            confirm_after_secs: self.confirm_after_secs,
            reminder_every_secs: self.reminder_every_secs,
            max_reminders: self.max_reminders,
            escalate,
        })
    }
}

/// One field of a policy that cannot be accepted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct PolicyFieldError {
    /// The field's path in the request, e.g. `alerts.failure_threshold`.
    pub field: String,
    pub message: String,
}

/// The settings config gives every site that does not set its own (`alerts.*`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AlertDefaults {
    pub failure_threshold: NonZeroU32,
    pub success_threshold: NonZeroU32,
    pub confirm_after: Duration,
    /// `None`: no reminders.
    pub reminder_every: Option<Duration>,
    pub max_reminders: u32,
    /// When a site counts as flapping (config `alerts.flap_*`; the same for every site).
    pub flap: FlapPolicy,
}

/// A site whose incident opened more than `transitions` times within `window` is flapping:
/// its channels get one `flapping` event, then nothing until it has been stable (no incident
/// opened) for a whole `window`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FlapPolicy {
    pub transitions: u32,
    pub window: Duration,
}

impl Default for FlapPolicy {
    fn default() -> Self {
        Self { transitions: 5, window: Duration::from_secs(1800) }
    }
}

impl FlapPolicy {
    /// Whether `openings` incidents opened within one window (the latest included) is flapping.
    pub fn is_flapping(&self, openings: u64) -> bool {
        openings > u64::from(self.transitions)
    }
}

impl Default for AlertDefaults {
    fn default() -> Self {
        Self {
            failure_threshold: NonZeroU32::new(2).unwrap_or(NonZeroU32::MIN),
            success_threshold: NonZeroU32::MIN,
            confirm_after: Duration::from_secs(30),
            reminder_every: Some(Duration::from_secs(3600)),
            max_reminders: 24,
            flap: FlapPolicy::default(),
        }
    }
}

/// The policy that applies to one site: its own settings over the defaults.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EffectivePolicy {
    pub channels: Vec<ChannelId>,
    pub failure_threshold: NonZeroU32,
    pub success_threshold: NonZeroU32,
    pub confirm_after: Duration,
    pub reminder_every: Option<Duration>,
    pub max_reminders: u32,
    pub escalate: Vec<Escalation>,
}

impl AlertPolicy {
    /// Checks every field's range; errors name the field under `prefix` (e.g. `alerts`).
    pub fn validate(&self, prefix: &str) -> Result<(), PolicyFieldError> {
        let field = |name: &str| format!("{prefix}.{name}");
        let fail =
            |name: &str, message: String| Err(PolicyFieldError { field: field(name), message });
        for (name, value) in [
            ("failure_threshold", self.failure_threshold),
            ("success_threshold", self.success_threshold),
        ] {
            if value.is_some_and(|v| v.get() > MAX_THRESHOLD) {
                return fail(name, format!("must be between 1 and {MAX_THRESHOLD}"));
            }
        }
        if let Some(secs) = self.confirm_after_secs
            && !(1..=MAX_DELAY_SECS).contains(&secs)
        {
            return fail("confirm_after_secs", format!("must be between 1 and {MAX_DELAY_SECS}"));
        }
        if let Some(secs) = self.reminder_every_secs
            && secs != 0
            && !(60..=MAX_DELAY_SECS).contains(&secs)
        {
            return fail(
                "reminder_every_secs",
                format!("must be 0 (no reminders) or between 60 and {MAX_DELAY_SECS}"),
            );
        }
        if self.max_reminders.is_some_and(|n| n > MAX_REMINDERS) {
            return fail("max_reminders", format!("must be at most {MAX_REMINDERS}"));
        }
        if self.channels.as_ref().is_some_and(|c| c.len() > MAX_POLICY_CHANNELS) {
            return fail("channels", format!("at most {MAX_POLICY_CHANNELS} channels"));
        }
        let steps = self.escalate.as_deref().unwrap_or_default();
        if steps.len() > MAX_ESCALATION_STEPS {
            return fail("escalate", format!("at most {MAX_ESCALATION_STEPS} steps"));
        }
        for (i, step) in steps.iter().enumerate() {
            if !(1..=MAX_DELAY_SECS).contains(&step.after_secs) {
                return fail(
                    &format!("escalate[{i}].after_secs"),
                    format!("must be between 1 and {MAX_DELAY_SECS}"),
                );
            }
            if step.channels.is_empty() || step.channels.len() > MAX_POLICY_CHANNELS {
                return fail(
                    &format!("escalate[{i}].channels"),
                    format!("must name between 1 and {MAX_POLICY_CHANNELS} channels"),
                );
            }
        }
        Ok(())
    }

    /// Every channel the policy names (its own and its escalation steps'), each once.
    pub fn channel_ids(&self) -> Vec<ChannelId> {
        let mut ids: Vec<ChannelId> = self.channels.iter().flatten().copied().collect();
        for step in self.escalate.iter().flatten() {
            ids.extend(step.channels.iter().copied());
        }
        ids.sort_unstable();
        ids.dedup();
        ids
    }

    /// The policy that applies: these settings, the defaults for the rest, and the default
    /// channels when the site names none.
    pub fn resolve(
        &self,
        defaults: &AlertDefaults,
        default_channels: &[ChannelId],
    ) -> EffectivePolicy {
        let reminder_every = match self.reminder_every_secs {
            Some(0) => None,
            Some(secs) => Some(Duration::from_secs(secs)),
            None => defaults.reminder_every,
        };
        let mut escalate = self.escalate.clone().unwrap_or_default();
        escalate.sort_by_key(|step| step.after_secs);
        EffectivePolicy {
            channels: self.channels.clone().unwrap_or_else(|| default_channels.to_vec()),
            failure_threshold: self.failure_threshold.unwrap_or(defaults.failure_threshold),
            success_threshold: self.success_threshold.unwrap_or(defaults.success_threshold),
            confirm_after: self
                .confirm_after_secs
                .map_or(defaults.confirm_after, Duration::from_secs),
            reminder_every,
            max_reminders: self.max_reminders.unwrap_or(defaults.max_reminders),
            escalate,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(raw: i64) -> ChannelId {
        ChannelId::new(raw).unwrap()
    }

    #[test]
    fn a_site_without_settings_gets_the_defaults_and_the_default_channels() {
        let policy = AlertPolicy::default().resolve(&AlertDefaults::default(), &[id(4)]);
        assert_eq!(policy.channels, vec![id(4)]);
        assert_eq!(policy.failure_threshold.get(), 2);
        assert_eq!(policy.success_threshold.get(), 1);
        assert_eq!(policy.confirm_after, Duration::from_secs(30));
        assert_eq!(policy.reminder_every, Some(Duration::from_secs(3600)));
        assert_eq!(policy.max_reminders, 24);
    }

    #[test]
    fn a_site_own_settings_win_and_zero_turns_reminders_off() {
        let own = AlertPolicy {
            channels: Some(vec![id(1)]),
            failure_threshold: NonZeroU32::new(3),
            reminder_every_secs: Some(0),
            escalate: Some(vec![
                Escalation { after_secs: 3600, channels: vec![id(3)] },
                Escalation { after_secs: 1800, channels: vec![id(2)] },
            ]),
            ..AlertPolicy::default()
        };
        let policy = own.resolve(&AlertDefaults::default(), &[id(9)]);
        assert_eq!(policy.channels, vec![id(1)]);
        assert_eq!(policy.failure_threshold.get(), 3);
        assert_eq!(policy.reminder_every, None);
        assert_eq!(policy.escalate[0].after_secs, 1800, "steps in the order they fire");
        assert_eq!(own.channel_ids(), vec![id(1), id(2), id(3)]);
    }

    #[test]
    fn more_openings_than_the_limit_in_a_window_is_flapping() {
        let flap = FlapPolicy::default();
        assert!(!flap.is_flapping(5));
        assert!(flap.is_flapping(6));
    }

    #[test]
    fn out_of_range_fields_are_named() {
        let bad = AlertPolicy { confirm_after_secs: Some(0), ..AlertPolicy::default() };
        assert_eq!(bad.validate("alerts").unwrap_err().field, "alerts.confirm_after_secs");
        let bad = AlertPolicy { reminder_every_secs: Some(5), ..AlertPolicy::default() };
        assert_eq!(bad.validate("alerts").unwrap_err().field, "alerts.reminder_every_secs");
        let bad = AlertPolicy {
            escalate: Some(vec![Escalation { after_secs: 60, channels: vec![] }]),
            ..AlertPolicy::default()
        };
        assert_eq!(bad.validate("alerts").unwrap_err().field, "alerts.escalate[0].channels");
        assert!(
            AlertPolicy { reminder_every_secs: Some(0), ..AlertPolicy::default() }
                .validate("alerts")
                .is_ok()
        );
    }
}
