//! `[alerts]` and `[smtp]`: the alert policy defaults, delivery retries, grouping and the mail
//! server, checked at start-up.

use std::num::NonZeroU32;
use std::time::Duration;

use anyhow::{Context, bail};
use lookout_domain::alerting::{
    AlertDefaults, AlertPolicy, ChannelPacing, FlapPolicy, RetryPolicy, Secret,
};
use lookout_notify::{NotifyOptions, SmtpTls};
use serde::Deserialize;

use crate::settings::Settings;

/// `[alerts]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct AlertSettings {
    pub(crate) failure_threshold: u32,
    pub(crate) success_threshold: u32,
    pub(crate) confirm_after_secs: u64,
    pub(crate) reminder_every_secs: u64,
    pub(crate) max_reminders: u32,
    pub(crate) retry_max_secs: u64,
    pub(crate) give_up_after_secs: u64,
    pub(crate) group_wait_secs: u64,
    pub(crate) send_timeout_secs: u64,
    pub(crate) flap_transitions: u32,
    pub(crate) flap_window_secs: u64,
    pub(crate) rate_limit_per_hour: u32,
}

/// `[smtp]` (the password is a secret: `Debug` never shows it).
#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SmtpSettings {
    /// "" = no mail server (email channels cannot be created).
    pub(crate) host: String,
    pub(crate) port: u16,
    /// none, starttls or tls
    pub(crate) tls: String,
    pub(crate) username: String,
    pub(crate) password: String,
    pub(crate) from: String,
}

impl std::fmt::Debug for SmtpSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpSettings")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("tls", &self.tls)
            .field("username", &self.username)
            .field("password", &if self.password.is_empty() { "" } else { "***" })
            .field("from", &self.from)
            .finish()
    }
}

impl AlertSettings {
    /// The defaults of every site's policy, checked with the same rules as a site's own.
    pub(crate) fn defaults(&self) -> anyhow::Result<AlertDefaults> {
        let (Some(failure), Some(success)) =
            (NonZeroU32::new(self.failure_threshold), NonZeroU32::new(self.success_threshold))
        else {
            bail!("alerts.failure_threshold and alerts.success_threshold must be at least 1");
        };
        let as_policy = AlertPolicy {
            failure_threshold: Some(failure),
            success_threshold: Some(success),
            confirm_after_secs: Some(self.confirm_after_secs),
            reminder_every_secs: Some(self.reminder_every_secs),
            max_reminders: Some(self.max_reminders),
            ..AlertPolicy::default()
        };
        as_policy.validate("alerts")?;
        Ok(AlertDefaults {
            failure_threshold: failure,
            success_threshold: success,
            confirm_after: Duration::from_secs(self.confirm_after_secs),
            reminder_every: (self.reminder_every_secs > 0)
                .then(|| Duration::from_secs(self.reminder_every_secs)),
            max_reminders: self.max_reminders,
            flap: FlapPolicy {
                transitions: self.flap_transitions,
                window: Duration::from_secs(self.flap_window_secs),
            },
        })
    }

    /// Retries of failed deliveries.
    pub(crate) fn retry_policy(&self) -> anyhow::Result<RetryPolicy> {
        if self.retry_max_secs == 0 {
            bail!("alerts.retry_max_secs must be at least 1");
        }
        if self.give_up_after_secs < 60 {
            bail!("alerts.give_up_after_secs must be at least 60");
        }
        Ok(RetryPolicy {
            first: Duration::from_secs(1),
            max: Duration::from_secs(self.retry_max_secs),
            give_up_after: Duration::from_secs(self.give_up_after_secs),
        })
    }

    /// How often one channel gets a message.
    pub(crate) fn pacing(&self) -> ChannelPacing {
        ChannelPacing {
            group_wait: Duration::from_secs(self.group_wait_secs),
            per_hour: self.rate_limit_per_hour,
        }
    }

    /// The bound on one send.
    pub(crate) fn send_timeout(&self) -> anyhow::Result<Duration> {
        if !(1..=300).contains(&self.send_timeout_secs) {
            bail!("alerts.send_timeout_secs must be between 1 and 300");
        }
        Ok(Duration::from_secs(self.send_timeout_secs))
    }

    /// Checks every key (at start-up).
    pub(crate) fn validate(&self) -> anyhow::Result<()> {
        self.defaults()?;
        self.retry_policy()?;
        self.send_timeout()?;
        if self.flap_transitions == 0 || self.flap_window_secs == 0 {
            bail!("alerts.flap_transitions and alerts.flap_window_secs must be at least 1");
        }
        if self.rate_limit_per_hour == 0 {
            bail!("alerts.rate_limit_per_hour must be at least 1");
        }
        Ok(())
    }
}

impl SmtpSettings {
    pub(crate) fn validate(&self) -> anyhow::Result<()> {
        if self.host.is_empty() {
            return Ok(());
        }
        if !matches!(self.tls.as_str(), "none" | "starttls" | "tls") {
            bail!("smtp.tls must be none, starttls or tls, not {:?}", self.tls);
        }
        if !self.from.contains('@') {
            bail!("smtp.from must be a mail address (e.g. lookout@example.com)");
        }
        Ok(())
    }
}

/// The notifier's options: the send bound, the same address guard as the probe, the probe's
/// extra CA certificates, and the mail server.
pub(crate) fn notify_options(settings: &Settings) -> anyhow::Result<NotifyOptions> {
    let smtp = &settings.smtp;
    let mail = if smtp.host.is_empty() {
        None
    } else {
        let extra_roots = settings.probe_options()?.extra_roots;
        Some(lookout_notify::SmtpSettings {
            host: smtp.host.clone(),
            port: smtp.port,
            tls: SmtpTls::parse(&smtp.tls).context("smtp.tls")?,
            username: Some(smtp.username.clone()).filter(|u| !u.is_empty()),
            password: Some(smtp.password.clone()).filter(|p| !p.is_empty()).map(Secret::new),
            from: smtp.from.clone(),
            extra_roots,
        })
    };
    Ok(NotifyOptions {
        timeout: settings.alerts.send_timeout()?,
        addresses: settings.address_policy()?,
        extra_roots: settings.probe_options()?.extra_roots,
        smtp: mail,
    })
}
