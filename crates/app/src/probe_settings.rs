//! `[probe]`: how checks are made — bounds, retries, redirects, the address guard, extra CA
//! certificates and the local address checks connect from — parsed once into `ProbeOptions`.

use std::net::IpAddr;
use std::time::Duration;

use anyhow::{Context, bail};
use lookout_domain::website::{AddressPolicy, Cidr};
use lookout_probe::ProbeOptions;
use serde::Deserialize;

/// `[probe]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ProbeSettings {
    pub(crate) timeout_secs: f64,
    pub(crate) retries: u32,
    pub(crate) follow_redirects: bool,
    pub(crate) max_body_bytes: usize,
    pub(crate) http2: bool,
    pub(crate) ca_file: String,
    pub(crate) allow_private: bool,
    pub(crate) allowed_cidrs: Vec<String>,
    /// An IPv4 or IPv6 address of this host; empty: the one the system picks.
    pub(crate) source_address: String,
}

impl ProbeSettings {
    /// The probe's options, every value checked.
    pub(crate) fn options(&self) -> anyhow::Result<ProbeOptions> {
        if !(self.timeout_secs.is_finite() && self.timeout_secs > 0.0) {
            bail!("probe.timeout_secs must be a positive number of seconds");
        }
        let extra_roots = match self.ca_file.trim() {
            "" => Vec::new(),
            path => lookout_probe::load_ca_file(std::path::Path::new(path))?,
        };
        Ok(ProbeOptions {
            timeout: Duration::from_secs_f64(self.timeout_secs),
            retries: self.retries,
            follow_redirects: self.follow_redirects,
            max_body_bytes: self.max_body_bytes,
            http2: self.http2,
            addresses: self.address_policy()?,
            source_address: self.source_address()?,
            extra_roots,
            ..ProbeOptions::default()
        })
    }

    /// Which addresses sites may point at (`probe.allow_private`, `probe.allowed_cidrs`).
    pub(crate) fn address_policy(&self) -> anyhow::Result<AddressPolicy> {
        let cidrs = self
            .allowed_cidrs
            .iter()
            .filter(|raw| !raw.trim().is_empty())
            .map(|raw| raw.parse::<Cidr>())
            .collect::<Result<Vec<_>, _>>()
            .context("probe.allowed_cidrs")?;
        Ok(AddressPolicy::new(self.allow_private, cidrs))
    }

    /// `probe.source_address`: `None` when empty.
    fn source_address(&self) -> anyhow::Result<Option<IpAddr>> {
        match self.source_address.trim() {
            "" => Ok(None),
            raw => match raw.parse::<IpAddr>() {
                Ok(address) => Ok(Some(address)),
                Err(_) => bail!(
                    "probe.source_address {raw:?} is not an IP address (e.g. 203.0.113.7 or 2001:db8::7)"
                ),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_source(source_address: &str) -> ProbeSettings {
        ProbeSettings {
            timeout_secs: 30.0,
            retries: 3,
            follow_redirects: false,
            max_body_bytes: 1024,
            http2: true,
            ca_file: String::new(),
            allow_private: false,
            allowed_cidrs: Vec::new(),
            source_address: source_address.to_owned(),
        }
    }

    fn source_of(source_address: &str) -> Option<IpAddr> {
        with_source(source_address).options().map(|options| options.source_address).unwrap()
    }

    #[test]
    fn the_source_address_is_parsed_once_and_empty_means_none() {
        assert_eq!(source_of(""), None);
        assert_eq!(source_of(" "), None);
        assert_eq!(source_of("127.0.0.2"), Some(IpAddr::from([127, 0, 0, 2])));
        assert_eq!(source_of("::1"), Some(IpAddr::from([0, 0, 0, 0, 0, 0, 0, 1])));
    }

    #[test]
    fn an_invalid_source_address_names_the_key() {
        for raw in ["localhost", "127.0.0.256", "[::1]", "10.0.0.0/8"] {
            let error = with_source(raw).options().map(|_| ()).unwrap_err();
            let text = format!("{error:#}");
            assert!(text.contains("probe.source_address"), "{raw}: {text}");
            assert!(text.contains(raw), "{raw}: {text}");
        }
    }
}
