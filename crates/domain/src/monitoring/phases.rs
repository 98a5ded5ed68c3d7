//! Where a check's time went: DNS, connect, TLS, time to first byte, transfer. They add up to
//! the check's `response_time` (over every redirect hop); a phase that did not happen (no DNS
//! for an address literal, no TLS over http) is `None`.

use std::time::Duration;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Phases {
    pub dns: Option<Duration>,
    pub connect: Option<Duration>,
    pub tls: Option<Duration>,
    /// From the request's first byte (after the handshakes) to the response's headers.
    pub ttfb: Option<Duration>,
    /// Reading the body.
    pub transfer: Option<Duration>,
}

impl Phases {
    /// The phases of two hops (a redirect) together.
    pub fn plus(self, other: Self) -> Self {
        let add = |a: Option<Duration>, b: Option<Duration>| match (a, b) {
            (None, None) => None,
            (a, b) => Some(a.unwrap_or_default() + b.unwrap_or_default()),
        };
        Self {
            dns: add(self.dns, other.dns),
            connect: add(self.connect, other.connect),
            tls: add(self.tls, other.tls),
            ttfb: add(self.ttfb, other.ttfb),
            transfer: add(self.transfer, other.transfer),
        }
    }

    /// Their sum.
    pub fn total(&self) -> Duration {
        [self.dns, self.connect, self.tls, self.ttfb, self.transfer].into_iter().flatten().sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hops_add_up_and_missing_phases_stay_missing() {
        let ms = Duration::from_millis;
        let first = Phases {
            dns: Some(ms(3)),
            connect: Some(ms(1)),
            tls: None,
            ttfb: Some(ms(5)),
            transfer: Some(ms(1)),
        };
        let second = Phases {
            dns: None,
            connect: Some(ms(2)),
            tls: None,
            ttfb: Some(ms(4)),
            transfer: Some(ms(2)),
        };
        let both = first.plus(second);
        assert_eq!(
            both,
            Phases {
                dns: Some(ms(3)),
                connect: Some(ms(3)),
                tls: None,
                ttfb: Some(ms(9)),
                transfer: Some(ms(3))
            }
        );
        assert_eq!(both.total(), ms(18));
    }
}
