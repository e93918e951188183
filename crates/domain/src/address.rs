//! Which IP addresses are globally routable, so an outgoing request (a webhook) may go there.
//!
//! The tables follow the IANA special-purpose address registries:
//! <https://www.iana.org/assignments/iana-ipv4-special-registry/> and
//! <https://www.iana.org/assignments/iana-ipv6-special-registry/> (both as of 2024), plus
//! multicast and, for IPv6, everything outside global unicast `2000::/3`. An address that embeds
//! an IPv4 address (IPv4-mapped, NAT64 `64:ff9b::/96`, 6to4 `2002::/16`) is judged by the IPv4
//! address it carries, since that is where a packet to it ends up.
//!
//! No crate fits: `Ipv4Addr::is_global` and `Ipv6Addr::is_global` are unstable in std, `ip_rfc`
//! has had one release (2020) and copies an old nightly, and the network-tool crates that port
//! `is_global` do not look inside embedded IPv4 addresses. The rule is small and stable enough
//! to keep here with its sources.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// IPv4 blocks whose addresses are not globally reachable, or not unicast.
const IPV4_NOT_GLOBAL: [(Ipv4Addr, u8); 15] = [
    (Ipv4Addr::new(0, 0, 0, 0), 8),      // "this network" (RFC 791)
    (Ipv4Addr::new(10, 0, 0, 0), 8),     // private-use (RFC 1918)
    (Ipv4Addr::new(100, 64, 0, 0), 10),  // shared address space, carrier-grade NAT (RFC 6598)
    (Ipv4Addr::new(127, 0, 0, 0), 8),    // loopback (RFC 1122)
    (Ipv4Addr::new(169, 254, 0, 0), 16), // link-local, cloud metadata (RFC 3927)
    (Ipv4Addr::new(172, 16, 0, 0), 12),  // private-use (RFC 1918)
    // IETF protocol assignments (RFC 6890); its two anycast services (.9, .10) are reachable,
    // but are never a webhook receiver, so the whole block is refused.
    (Ipv4Addr::new(192, 0, 0, 0), 24),
    (Ipv4Addr::new(192, 0, 2, 0), 24),    // documentation, TEST-NET-1 (RFC 5737)
    (Ipv4Addr::new(192, 88, 99, 0), 24),  // deprecated 6to4 relay anycast (RFC 7526)
    (Ipv4Addr::new(192, 168, 0, 0), 16),  // private-use (RFC 1918)
    (Ipv4Addr::new(198, 18, 0, 0), 15),   // benchmarking (RFC 2544)
    (Ipv4Addr::new(198, 51, 100, 0), 24), // documentation, TEST-NET-2 (RFC 5737)
    (Ipv4Addr::new(203, 0, 113, 0), 24),  // documentation, TEST-NET-3 (RFC 5737)
    (Ipv4Addr::new(224, 0, 0, 0), 4),     // multicast (RFC 5771)
    (Ipv4Addr::new(240, 0, 0, 0), 4),     // reserved, and 255.255.255.255 broadcast (RFC 1112, 919)
];

/// Blocks inside global unicast `2000::/3` that are not globally reachable.
const IPV6_NOT_GLOBAL: [(Ipv6Addr, u8); 3] = [
    // IETF protocol assignments (RFC 2928), with Teredo `2001::/32` (RFC 4380), benchmarking
    // `2001:2::/48` and ORCHID; its few reachable anycast services are no webhook receivers.
    (Ipv6Addr::new(0x2001, 0, 0, 0, 0, 0, 0, 0), 23),
    (Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 0), 32), // documentation (RFC 3849)
    (Ipv6Addr::new(0x3fff, 0, 0, 0, 0, 0, 0, 0), 20),     // documentation (RFC 9637)
];

/// Whether `ip` is globally routable: not loopback, private, link-local, shared, reserved,
/// documentation, benchmarking, multicast or unspecified, in either family or embedded.
pub fn is_global(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_global_v4(v4),
        IpAddr::V6(v6) => is_global_v6(v6),
    }
}

fn is_global_v4(ip: Ipv4Addr) -> bool {
    let bits = u32::from(ip);
    !IPV4_NOT_GLOBAL.iter().any(|&(net, len)| prefix_v4(bits, len) == u32::from(net))
}

fn is_global_v6(ip: Ipv6Addr) -> bool {
    let bits = u128::from(ip);
    let o = ip.octets();
    let low_v4 = Ipv4Addr::new(o[12], o[13], o[14], o[15]);
    // IPv4-mapped `::ffff:0:0/96` (RFC 4291): a socket sends it to the IPv4 address.
    if prefix_v6(bits, 96) == 0xffff_0000_0000 {
        return is_global_v4(low_v4);
    }
    // NAT64 well-known prefix `64:ff9b::/96` (RFC 6052): a translator forwards to the IPv4 address.
    if prefix_v6(bits, 96) == u128::from(Ipv6Addr::new(0x64, 0xff9b, 0, 0, 0, 0, 0, 0)) {
        return is_global_v4(low_v4);
    }
    // 6to4 `2002::/16` (RFC 3056): the next 32 bits are the IPv4 address of the site.
    if prefix_v6(bits, 16) == u128::from(Ipv6Addr::new(0x2002, 0, 0, 0, 0, 0, 0, 0)) {
        return is_global_v4(Ipv4Addr::new(o[2], o[3], o[4], o[5]));
    }
    // Everything else outside `2000::/3` is loopback, unspecified, IPv4-compatible `::/96`
    // (deprecated, RFC 4291), IPv4-translated `::ffff:0:0:0/96`, discard-only `100::/64`, local-use
    // NAT64 `64:ff9b:1::/48` (RFC 8215), segment-routing `5f00::/16`, unique-local `fc00::/7`,
    // link-local `fe80::/10`, deprecated site-local `fec0::/10`, multicast `ff00::/8`, or
    // not yet allocated.
    let global_unicast = prefix_v6(bits, 3) == u128::from(Ipv6Addr::new(0x2000, 0, 0, 0, 0, 0, 0, 0));
    global_unicast && !IPV6_NOT_GLOBAL.iter().any(|&(net, len)| prefix_v6(bits, len) == u128::from(net))
}

/// The first `len` bits of `bits`, the rest zero.
fn prefix_v4(bits: u32, len: u8) -> u32 {
    bits & u32::MAX.checked_shl(32 - u32::from(len)).unwrap_or(0)
}

fn prefix_v6(bits: u128, len: u8) -> u128 {
    bits & u128::MAX.checked_shl(128 - u32::from(len)).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn global(ip: &str) -> bool {
        is_global(ip.parse().unwrap())
    }

    #[test]
    fn internal_and_special_ipv4_addresses_are_not_global() {
        for ip in [
            "0.0.0.0",
            "0.1.2.3",
            "10.1.2.3",
            "100.64.0.1",
            "100.127.255.254",
            "127.0.0.1",
            "127.255.0.9",
            "169.254.169.254",
            "172.16.0.1",
            "172.31.255.255",
            "192.0.0.8",
            "192.0.2.7",
            "192.88.99.1",
            "192.168.1.1",
            "198.18.0.1",
            "198.19.255.255",
            "198.51.100.4",
            "203.0.113.9",
            "224.0.0.251",
            "239.255.255.250",
            "240.0.0.1",
            "255.255.255.255",
        ] {
            assert!(!global(ip), "{ip}");
        }
        for ip in ["93.184.216.34", "8.8.8.8", "100.63.255.255", "100.128.0.1", "172.32.0.1", "198.20.0.1", "1.1.1.1"] {
            assert!(global(ip), "{ip}");
        }
    }

    #[test]
    fn internal_ipv6_addresses_and_embedded_ipv4_are_not_global() {
        for ip in [
            "::",
            "::1",
            "::127.0.0.1",      // IPv4-compatible
            "::8.8.8.8",        // IPv4-compatible, deprecated whatever it embeds
            "::ffff:127.0.0.1", // IPv4-mapped
            "::ffff:10.0.0.1",
            "::ffff:198.18.0.1",
            "::ffff:0:7f00:1",                      // IPv4-translated
            "64:ff9b::7f00:1",                      // NAT64 of 127.0.0.1
            "64:ff9b::a9fe:a9fe",                   // NAT64 of 169.254.169.254
            "64:ff9b:1::808:808",                   // local-use NAT64
            "2002:7f00:1::",                        // 6to4 of 127.0.0.1
            "2002:c0a8:101::1",                     // 6to4 of 192.168.1.1
            "2001:0:4136:e378:8000:63bf:80ff:fffe", // Teredo, client 127.0.0.1 (obfuscated)
            "2001:2::1",
            "2001:db8::1",
            "3fff::1",
            "100::1",
            "5f00::1",
            "fc00::1",
            "fd12:3456::1",
            "fe80::1",
            "fec0::1",
            "ff02::1",
        ] {
            assert!(!global(ip), "{ip}");
        }
        for ip in [
            "2606:2800:220:1:248:1893:25c8:1946",
            "2a00:1450:4001:80b::200e",
            "::ffff:93.184.216.34",
            "64:ff9b::5db8:d822",
            "2002:5db8:d822::1",
        ] {
            assert!(global(ip), "{ip}");
        }
    }
}
