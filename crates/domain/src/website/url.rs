//! `WebsiteUrl`: an absolute http(s) URL with a host, parsed once.

use std::fmt;

/// Longest URL accepted, in bytes of its normalised form.
pub const MAX_URL_LEN: usize = 2048;

/// An absolute `http://` or `https://` URL with a host.
///
/// Checked and compared in the normalised form of the WHATWG URL standard (lower-case scheme
/// and host, IDN hosts in punycode, an empty path written as `/`), so that two spellings of
/// the same address are recognised as duplicates; answered as the client gave it
/// ([`WebsiteUrl::given`]), so that a client comparing what it sent with what it reads back sees
/// no drift. Equality and hashing look at the normalised form only.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct WebsiteUrl {
    normalised: String,
    given: String,
}

impl PartialEq for WebsiteUrl {
    fn eq(&self, other: &Self) -> bool {
        self.normalised == other.normalised
    }
}

impl Eq for WebsiteUrl {}

impl std::hash::Hash for WebsiteUrl {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.normalised.hash(state);
    }
}

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
        let given = raw;
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
        Ok(Self { normalised, given: given.to_owned() })
    }

    /// The normalised URL (what is checked, stored as the key for duplicates, and logged).
    pub fn as_str(&self) -> &str {
        &self.normalised
    }

    /// The URL exactly as the client gave it (what the API answers).
    pub fn given(&self) -> &str {
        &self.given
    }

    /// The same URL as the client once gave it (`None`: as normalised; rows stored before the
    /// given form was kept). A `given` that is another address is ignored.
    pub fn with_given(self, given: Option<String>) -> Self {
        match given {
            Some(given) if Self::parse(&given).is_ok_and(|other| other == self) => {
                Self { given, ..self }
            }
            _ => self,
        }
    }

    /// The host when it is an IP address literal (`http://10.0.0.1/`, `http://[::1]/`).
    pub fn literal_ip(&self) -> Option<std::net::IpAddr> {
        match ::url::Url::parse(&self.normalised).ok()?.host()? {
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
        match ::url::Url::parse(&self.normalised) {
            Ok(mut url) if !url.username().is_empty() || url.password().is_some() => {
                let _ = url.set_password(None);
                let _ = url.set_username("***");
                f.write_str(url.as_str())
            }
            _ => f.write_str(&self.normalised),
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
        value.normalised
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
    fn keeps_the_url_as_given_and_compares_the_normalised_form() {
        let given = WebsiteUrl::parse("https://Example.com").unwrap();
        assert_eq!(
            (given.as_str(), given.given()),
            ("https://example.com/", "https://Example.com")
        );
        let other = WebsiteUrl::parse("https://example.com/").unwrap();
        assert_eq!(given, other, "two spellings of one address are duplicates");
        let stored = other.clone().with_given(Some("https://EXAMPLE.com".into()));
        assert_eq!(stored.given(), "https://EXAMPLE.com");
        let ignored = other.with_given(Some("https://elsewhere.example".into()));
        assert_eq!(ignored.given(), "https://example.com/", "a given form of another address");
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
