//! `WebsiteUrl`: an absolute http(s) URL with a host, parsed once.

use std::fmt;

/// Longest URL accepted, in bytes of its normalised form.
pub const MAX_URL_LEN: usize = 2048;

/// An absolute `http://` or `https://` URL with a host.
///
/// Stored in the normalised form of the WHATWG URL standard (lower-case scheme and host,
/// IDN hosts in punycode, an empty path written as `/`), so that two spellings of the same
/// address are recognised as duplicates.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct WebsiteUrl(String);

/// Why a string is not a website URL.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WebsiteUrlError {
    #[error("url must not be empty")]
    Empty,
    #[error("url must be at most {MAX_URL_LEN} characters long")]
    TooLong,
    #[error("url must not contain whitespace or control characters")]
    InvalidCharacters,
    #[error("url must start with http:// or https://")]
    UnsupportedScheme,
    #[error("url is not a valid absolute URL: {0}")]
    Malformed(String),
    #[error("url must name a host")]
    MissingHost,
}

impl WebsiteUrl {
    /// Parses and normalises a URL given by a user.
    pub fn parse(raw: &str) -> Result<Self, WebsiteUrlError> {
        let raw = raw.trim();
        if raw.is_empty() {
            return Err(WebsiteUrlError::Empty);
        }
        if raw.len() > MAX_URL_LEN {
            return Err(WebsiteUrlError::TooLong);
        }
        if raw.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(WebsiteUrlError::InvalidCharacters);
        }
        let lower = raw.to_ascii_lowercase();
        let Some(rest) = lower.strip_prefix("http://").or_else(|| lower.strip_prefix("https://"))
        else {
            return Err(WebsiteUrlError::UnsupportedScheme);
        };
        // The WHATWG parser would read `https:///path` as the host `path`: insist on an
        // authority right after the scheme.
        if rest.is_empty() || rest.starts_with(['/', '\\']) {
            return Err(WebsiteUrlError::MissingHost);
        }
        let parsed = ::url::Url::parse(raw).map_err(|e| match e {
            ::url::ParseError::EmptyHost => WebsiteUrlError::MissingHost,
            other => WebsiteUrlError::Malformed(other.to_string()),
        })?;
        match parsed.host_str() {
            Some(host) if !host.is_empty() => {}
            _ => return Err(WebsiteUrlError::MissingHost),
        }
        let normalised = String::from(parsed);
        if normalised.len() > MAX_URL_LEN {
            return Err(WebsiteUrlError::TooLong);
        }
        Ok(Self(normalised))
    }

    /// The normalised URL.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The host when it is an IP address literal (`http://10.0.0.1/`, `http://[::1]/`).
    pub fn literal_ip(&self) -> Option<std::net::IpAddr> {
        match ::url::Url::parse(&self.0).ok()?.host()? {
            ::url::Host::Ipv4(ip) => Some(ip.into()),
            ::url::Host::Ipv6(ip) => Some(ip.into()),
            ::url::Host::Domain(_) => None,
        }
    }
}

/// Displays the URL with any credentials replaced by `***`, so that log lines and error texts
/// never carry them. [`WebsiteUrl::as_str`] is the full URL (for checking and storing).
impl fmt::Display for WebsiteUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match ::url::Url::parse(&self.0) {
            Ok(mut url) if !url.username().is_empty() || url.password().is_some() => {
                let _ = url.set_password(None);
                let _ = url.set_username("***");
                f.write_str(url.as_str())
            }
            _ => f.write_str(&self.0),
        }
    }
}

impl TryFrom<String> for WebsiteUrl {
    type Error = WebsiteUrlError;

    fn try_from(raw: String) -> Result<Self, Self::Error> {
        Self::parse(&raw)
    }
}

impl From<WebsiteUrl> for String {
    fn from(value: WebsiteUrl) -> Self {
        value.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(raw: &str) -> Result<String, WebsiteUrlError> {
        WebsiteUrl::parse(raw).map(|u| u.as_str().to_owned())
    }

    #[test]
    fn accepts_http_and_https_and_normalises() {
        assert_eq!(parse("https://example.com"), Ok("https://example.com/".into()));
        assert_eq!(
            parse("  HTTP://Example.COM:8080/a?b=1 "),
            Ok("http://example.com:8080/a?b=1".into())
        );
        assert_eq!(parse("https://bücher.example/"), Ok("https://xn--bcher-kva.example/".into()));
        assert_eq!(parse("http://127.0.0.1:9/health"), Ok("http://127.0.0.1:9/health".into()));
    }

    #[test]
    fn rejects_other_schemes() {
        for raw in [
            "ftp://example.com",
            "javascript:alert(1)",
            "file:///etc/passwd",
            "example.com",
            "//example.com",
        ] {
            assert_eq!(parse(raw), Err(WebsiteUrlError::UnsupportedScheme), "{raw}");
        }
    }

    #[test]
    fn rejects_missing_host_empty_and_spaces() {
        assert_eq!(parse(""), Err(WebsiteUrlError::Empty));
        assert_eq!(parse("   "), Err(WebsiteUrlError::Empty));
        assert_eq!(parse("http://"), Err(WebsiteUrlError::MissingHost));
        assert_eq!(parse("https:///path"), Err(WebsiteUrlError::MissingHost));
        assert_eq!(parse("https://exa mple.com"), Err(WebsiteUrlError::InvalidCharacters));
        assert_eq!(parse("https://example.com/\u{7}"), Err(WebsiteUrlError::InvalidCharacters));
        assert!(matches!(parse("http://[::1"), Err(WebsiteUrlError::Malformed(_))));
    }

    #[test]
    fn credentials_never_show_in_display() {
        let url = WebsiteUrl::parse("https://admin:s3cret@example.com/health").unwrap();
        assert_eq!(url.as_str(), "https://admin:s3cret@example.com/health");
        assert_eq!(url.to_string(), "https://***@example.com/health");
        let user_only = WebsiteUrl::parse("https://token@example.com/").unwrap();
        assert_eq!(user_only.to_string(), "https://***@example.com/");
        let plain = WebsiteUrl::parse("https://example.com/").unwrap();
        assert_eq!(plain.to_string(), "https://example.com/");
    }

    #[test]
    fn tells_literal_ips_from_names() {
        let ip = |raw: &str| WebsiteUrl::parse(raw).unwrap().literal_ip().map(|ip| ip.to_string());
        assert_eq!(ip("http://10.0.0.1:8080/x"), Some("10.0.0.1".into()));
        assert_eq!(ip("http://[::1]/"), Some("::1".into()));
        assert_eq!(ip("https://example.com/"), None);
    }

    #[test]
    fn enforces_the_length_limit() {
        let base = "https://example.com/";
        let at_limit = format!("{base}{}", "a".repeat(MAX_URL_LEN - base.len()));
        assert!(parse(&at_limit).is_ok());
        let over = format!("{at_limit}a");
        assert_eq!(parse(&over), Err(WebsiteUrlError::TooLong));
    }
}
