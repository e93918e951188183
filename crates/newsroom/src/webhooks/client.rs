//! The outgoing HTTP client: timeouts, no redirects, and (unless allowed) no requests to
//! loopback or private addresses, checked on the addresses DNS returns so a name that
//! resolves (or later re-resolves) to an internal address cannot get through.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use newsdesk_domain::webhook::is_public_address;
use reqwest::dns::{Addrs, Name, Resolve, Resolving};

use super::Settings;

/// Builds the client deliveries are sent with.
pub fn build(settings: &Settings) -> reqwest::Result<reqwest::Client> {
    let mut builder = reqwest::Client::builder()
        .timeout(settings.timeout)
        .connect_timeout(settings.timeout / 3)
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!("Newsdesk-Webhooks/", env!("CARGO_PKG_VERSION")));
    if !settings.allow_private {
        builder = builder.dns_resolver(Arc::new(PublicOnly));
    }
    builder.build()
}

/// Why a URL may not be called, when its host is a literal IP (which skips DNS) or a name
/// that is always local. `None` when it may be tried.
pub fn refuse_literal(url: &str, allow_private: bool) -> Option<String> {
    if allow_private {
        return None;
    }
    let parsed = url::Url::parse(url).ok()?;
    let refused = match parsed.host()? {
        url::Host::Ipv4(ip) => !is_public_address(IpAddr::V4(ip)),
        url::Host::Ipv6(ip) => !is_public_address(IpAddr::V6(ip)),
        url::Host::Domain(name) => {
            let name = name.trim_end_matches('.').to_ascii_lowercase();
            name == "localhost" || name.ends_with(".localhost")
        }
    };
    refused.then(|| "must not point at a loopback, private or link-local address".to_owned())
}

/// Resolves with the system resolver and drops every non-public address.
struct PublicOnly;

impl Resolve for PublicOnly {
    fn resolve(&self, name: Name) -> Resolving {
        let host = name.as_str().to_owned();
        Box::pin(async move {
            let found: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            let public: Vec<SocketAddr> = found.into_iter().filter(|a| is_public_address(a.ip())).collect();
            if public.is_empty() {
                let refused: Box<dyn std::error::Error + Send + Sync> =
                    format!("{host} resolves only to loopback or private addresses, which are not allowed").into();
                return Err(refused);
            }
            let addrs: Addrs = Box::new(public.into_iter());
            Ok(addrs)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literal_private_addresses_are_refused_unless_allowed() {
        for url in ["http://127.0.0.1/", "http://[::1]:8080/", "http://10.0.0.1/", "http://LOCALHOST./x"] {
            assert!(refuse_literal(url, false).is_some(), "{url}");
            assert!(refuse_literal(url, true).is_none(), "{url}");
        }
        assert!(refuse_literal("https://hooks.example.org/x", false).is_none());
    }

    /// Whatever a name resolves to is checked when the request is made, so a name registered
    /// while it pointed elsewhere cannot reach loopback later (DNS rebinding).
    #[tokio::test]
    async fn names_resolving_to_private_addresses_are_refused_when_sent() {
        let settings = Settings { allow_private: false, ..Settings::default() };
        let client = build(&settings).unwrap();
        let error = client.get("http://localhost:9/").send().await.unwrap_err();
        let mut chain = Vec::new();
        let mut source: Option<&dyn std::error::Error> = Some(&error);
        while let Some(e) = source {
            chain.push(e.to_string());
            source = e.source();
        }
        assert!(chain.iter().any(|m| m.contains("not allowed")), "{chain:?}");
    }
}
