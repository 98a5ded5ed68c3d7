//! Which addresses a website may point at: by default none on loopback, private (RFC 1918),
//! link-local (incl. 169.254.169.254), CGNAT, unique-local or unspecified networks, so that
//! lookout cannot be turned against its own network. `allow_private` or an allow-list of CIDRs
//! lifts that.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::str::FromStr;

/// True for addresses inside the networks a public monitor must not reach by default.
pub fn is_private_address(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_private_v4(v4),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => is_private_v4(v4),
            None => is_private_v6(v6),
        },
    }
}

fn is_private_v4(ip: Ipv4Addr) -> bool {
    let [a, b, ..] = ip.octets();
    ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_unspecified()
        || ip.is_broadcast()
        || ip.is_multicast()
        || a == 0
        || (a == 100 && (64..=127).contains(&b))
}

fn is_private_v6(ip: Ipv6Addr) -> bool {
    let first = ip.segments()[0];
    ip.is_loopback()
        || ip.is_unspecified()
        || ip.is_multicast()
        || (first & 0xfe00) == 0xfc00
        || (first & 0xffc0) == 0xfe80
}

/// A network in CIDR notation, e.g. `10.20.0.0/16` or `fd00::/8`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cidr {
    network: IpAddr,
    prefix: u8,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a CIDR network (like 10.0.0.0/8): {0:?}")]
pub struct CidrError(pub String);

impl FromStr for Cidr {
    type Err = CidrError;

    fn from_str(raw: &str) -> Result<Self, CidrError> {
        let error = || CidrError(raw.to_owned());
        let (address, prefix) = raw.trim().split_once('/').ok_or_else(error)?;
        let network: IpAddr = address.parse().map_err(|_| error())?;
        let prefix: u8 = prefix.parse().map_err(|_| error())?;
        let max = if network.is_ipv4() { 32 } else { 128 };
        if prefix > max {
            return Err(error());
        }
        Ok(Self { network, prefix })
    }
}

impl Cidr {
    pub fn contains(self, ip: IpAddr) -> bool {
        match (self.network, ip) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                let mask = u32::MAX.checked_shl(32 - u32::from(self.prefix)).unwrap_or(0);
                u32::from(net) & mask == u32::from(ip) & mask
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                let mask = u128::MAX.checked_shl(128 - u32::from(self.prefix)).unwrap_or(0);
                u128::from(net) & mask == u128::from(ip) & mask
            }
            _ => false,
        }
    }
}

impl fmt::Display for Cidr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.network, self.prefix)
    }
}

/// The rule applied to every address a check would connect to.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AddressPolicy {
    allow_private: bool,
    allowed: Vec<Cidr>,
}

impl AddressPolicy {
    pub fn new(allow_private: bool, allowed: Vec<Cidr>) -> Self {
        Self { allow_private, allowed }
    }

    /// Every address allowed (tests and benchmarks on loopback).
    pub fn allow_all() -> Self {
        Self { allow_private: true, allowed: Vec::new() }
    }

    pub fn permits(&self, ip: IpAddr) -> bool {
        self.allow_private
            || !is_private_address(ip)
            || self.allowed.iter().any(|cidr| cidr.contains(ip))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(raw: &str) -> IpAddr {
        raw.parse().unwrap()
    }

    #[test]
    fn private_networks_are_recognised() {
        for raw in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "172.31.255.255",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "100.127.255.255",
            "0.0.0.0",
            "255.255.255.255",
            "::1",
            "::",
            "fc00::1",
            "fd12:3456::1",
            "fe80::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
        ] {
            assert!(is_private_address(ip(raw)), "{raw}");
        }
        for raw in ["8.8.8.8", "172.32.0.1", "100.128.0.1", "93.184.216.34", "2606:4700::1111"] {
            assert!(!is_private_address(ip(raw)), "{raw}");
        }
    }

    #[test]
    fn cidrs_parse_and_contain() {
        let net: Cidr = "10.20.0.0/16".parse().unwrap();
        assert!(net.contains(ip("10.20.5.6")));
        assert!(!net.contains(ip("10.21.0.1")));
        assert!(!net.contains(ip("::1")));
        let v6: Cidr = "fd00::/8".parse().unwrap();
        assert!(v6.contains(ip("fd12::1")));
        let all: Cidr = "0.0.0.0/0".parse().unwrap();
        assert!(all.contains(ip("127.0.0.1")));
        for bad in ["10.0.0.0", "10.0.0.0/33", "x/8", "::/129", ""] {
            assert!(bad.parse::<Cidr>().is_err(), "{bad}");
        }
    }

    #[test]
    fn the_policy_blocks_private_unless_allowed() {
        let default = AddressPolicy::default();
        assert!(!default.permits(ip("127.0.0.1")));
        assert!(default.permits(ip("93.184.216.34")));
        let listed = AddressPolicy::new(false, vec!["10.20.0.0/16".parse().unwrap()]);
        assert!(listed.permits(ip("10.20.1.1")));
        assert!(!listed.permits(ip("10.21.1.1")));
        assert!(AddressPolicy::allow_all().permits(ip("::1")));
    }
}
