//! Webhook rules: which events exist and which addresses an outgoing request may reach. Which
//! change causes which event is `newsdesk_newsroom::change`.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// Every event an endpoint can subscribe to.
pub const EVENTS: [&str; 18] = [
    "article.published",
    "article.updated",
    "article.unpublished",
    "article.trashed",
    "article.scheduled",
    "author.created",
    "author.updated",
    "author.deleted",
    "source.created",
    "source.updated",
    "source.deleted",
    "tag.created",
    "tag.updated",
    "tag.deleted",
    "section.created",
    "section.updated",
    "section.deleted",
    "site.changed",
];

/// The event sent by an explicit test ping; not subscribable.
pub const PING: &str = "ping";

/// The event sent once per write that may change what the public sees.
pub const SITE_CHANGED: &str = "site.changed";

/// Checks a subscription list: known names, at least one, no duplicates. Errors name `events[i]`.
pub fn parse_events(names: &[String]) -> Result<Vec<String>, Vec<(String, String)>> {
    if names.is_empty() {
        return Err(vec![("events".into(), "must name at least one event".into())]);
    }
    let mut errors = Vec::new();
    let mut seen: Vec<String> = Vec::new();
    for (i, name) in names.iter().enumerate() {
        if !EVENTS.contains(&name.as_str()) {
            errors.push((format!("events[{i}]"), format!("`{name}` is not an event; see the list in the API docs")));
        } else if seen.contains(name) {
            errors.push((format!("events[{i}]"), format!("`{name}` is listed twice")));
        } else {
            seen.push(name.clone());
        }
    }
    if errors.is_empty() {
        Ok(seen)
    } else {
        Err(errors)
    }
}

/// Whether an outgoing request may go to `ip` when private targets are not allowed: no
/// loopback, private, link-local, unique-local, shared (CGNAT), multicast or unspecified address.
pub fn is_public_address(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => is_public_v4(v4),
            None => is_public_v6(v6),
        },
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, ..] = ip.octets();
    let shared = a == 100 && (64..128).contains(&b);
    let this_network = a == 0;
    !(ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_unspecified()
        || ip.is_broadcast()
        || ip.is_multicast()
        || ip.is_documentation()
        || shared
        || this_network)
}

fn is_public_v6(ip: Ipv6Addr) -> bool {
    let first = ip.segments()[0];
    let unique_local = first & 0xfe00 == 0xfc00;
    let link_local = first & 0xffc0 == 0xfe80;
    !(ip.is_loopback() || ip.is_unspecified() || ip.is_multicast() || unique_local || link_local)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_and_repeated_events_are_named_by_index() {
        let names = ["tag.created", "tag.exploded", "tag.created"].map(String::from);
        let errors = parse_events(&names).unwrap_err();
        assert_eq!(errors.iter().map(|e| e.0.as_str()).collect::<Vec<_>>(), ["events[1]", "events[2]"]);
        assert!(parse_events(&[]).is_err());
    }

    #[test]
    fn private_addresses_are_refused() {
        for ip in ["127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254", "0.0.0.0", "100.64.0.1"] {
            assert!(!is_public_address(ip.parse().unwrap()), "{ip}");
        }
        for ip in ["::1", "::", "fd00::1", "fe80::1", "::ffff:127.0.0.1", "::ffff:10.0.0.1"] {
            assert!(!is_public_address(ip.parse().unwrap()), "{ip}");
        }
        assert!(is_public_address("93.184.216.34".parse().unwrap()));
        assert!(is_public_address("2606:2800:220:1:248:1893:25c8:1946".parse().unwrap()));
    }
}
