//! The outgoing HTTP client: timeouts, no redirects, and (unless allowed) no requests to an
//! address that is not globally routable ([`newsdesk_domain::address`]), checked on the
//! addresses DNS returns so a name that resolves (or later re-resolves) to an internal address
//! cannot get through.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use newsdesk_domain::address::is_global;
use reqwest::dns::{Addrs, Name, Resolve, Resolving};

use super::Settings;

/// Why an address is refused, as the endpoint's `url` error says it.
pub const REFUSED: &str =
    "must point at a globally routable address, not a loopback, private, link-local or other special-purpose one";

/// Builds the client deliveries are sent with.
pub fn build(settings: &Settings) -> reqwest::Result<reqwest::Client> {
    build_resolving(settings, Arc::new(PublicOnly(SystemResolver)))
}

/// [`build`], with names resolved by `resolver` when private targets are not allowed.
fn build_resolving<R: Resolve + 'static>(settings: &Settings, resolver: Arc<R>) -> reqwest::Result<reqwest::Client> {
    let mut builder = reqwest::Client::builder()
        .timeout(settings.timeout)
        .connect_timeout(settings.timeout / 3)
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!("Newsdesk-Webhooks/", env!("CARGO_PKG_VERSION")));
    if !settings.allow_private {
        builder = builder.dns_resolver(resolver);
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
        url::Host::Ipv4(ip) => !is_global(IpAddr::V4(ip)),
        url::Host::Ipv6(ip) => !is_global(IpAddr::V6(ip)),
        url::Host::Domain(name) => {
            let name = name.trim_end_matches('.').to_ascii_lowercase();
            name == "localhost" || name.ends_with(".localhost")
        }
    };
    refused.then(|| REFUSED.to_owned())
}

/// The system resolver.
struct SystemResolver;

impl Resolve for SystemResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let host = name.as_str().to_owned();
        Box::pin(async move {
            let found: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            let addrs: Addrs = Box::new(found.into_iter());
            Ok(addrs)
        })
    }
}

/// Resolves with `R` and drops every address that is not globally routable, so the client
/// connects only to the addresses that are left.
struct PublicOnly<R>(R);

impl<R: Resolve> Resolve for PublicOnly<R> {
    fn resolve(&self, name: Name) -> Resolving {
        let host = name.as_str().to_owned();
        let resolving = self.0.resolve(name);
        Box::pin(async move {
            let public: Vec<SocketAddr> = resolving.await?.filter(|a| is_global(a.ip())).collect();
            if public.is_empty() {
                let refused: Box<dyn std::error::Error + Send + Sync> =
                    format!("{host} resolves only to addresses that are not globally routable, which are not allowed")
                        .into();
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

    /// The causes of an error, outermost first.
    fn chain(error: &reqwest::Error) -> Vec<String> {
        let mut chain = Vec::new();
        let mut source: Option<&dyn std::error::Error> = Some(error);
        while let Some(e) = source {
            chain.push(e.to_string());
            source = e.source();
        }
        chain
    }

    /// Whatever a name resolves to is checked when the request is made, so a name registered
    /// while it pointed elsewhere cannot reach loopback later (DNS rebinding).
    #[tokio::test]
    async fn names_resolving_to_private_addresses_are_refused_when_sent() {
        let settings = Settings { allow_private: false, ..Settings::default() };
        let client = build(&settings).unwrap();
        let error = client.get("http://localhost:9/").send().await.unwrap_err();
        assert!(chain(&error).iter().any(|m| m.contains("not allowed")), "{:?}", chain(&error));
    }

    /// A resolver that answers every name with one address, as a hostile DNS server could.
    struct Answers(IpAddr);

    impl Resolve for Answers {
        fn resolve(&self, _: Name) -> Resolving {
            let addrs: Addrs = Box::new(std::iter::once(SocketAddr::new(self.0, 0)));
            Box::pin(std::future::ready(Ok(addrs)))
        }
    }

    /// Each special-purpose form a name can resolve to is refused before connecting: a
    /// listener on loopback, which the plain and IPv4-mapped forms would reach, sees nothing.
    #[tokio::test]
    async fn names_resolving_to_any_special_purpose_address_are_not_connected_to() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let port = listener.local_addr().unwrap().port();
        let settings =
            Settings { allow_private: false, timeout: std::time::Duration::from_secs(2), ..Settings::default() };
        for ip in [
            "127.0.0.1",
            "198.18.0.1",
            "::127.0.0.1",
            "::ffff:127.0.0.1",
            "::ffff:0:7f00:1",
            "64:ff9b::7f00:1",
            "64:ff9b:1::7f00:1",
            "2002:7f00:1::",
            "2001:0:4136:e378:8000:63bf:80ff:fffe",
            "fec0::1",
        ] {
            let client = build_resolving(&settings, Arc::new(PublicOnly(Answers(ip.parse().unwrap())))).unwrap();
            let error = client.post(format!("http://hooks.example.test:{port}/")).send().await.unwrap_err();
            assert!(chain(&error).iter().any(|m| m.contains("not allowed")), "{ip}: {:?}", chain(&error));
        }
        assert!(listener.accept().is_err_and(|e| e.kind() == std::io::ErrorKind::WouldBlock), "nothing connected");
    }
}
