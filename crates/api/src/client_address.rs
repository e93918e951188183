//! The address a request came from: the socket's peer or, when that peer is a proxy named in
//! `NEWSDESK_TRUSTED_PROXIES`, the nearest address in `X-Forwarded-For` that is not one of
//! them. A client can write anything into that header, so it counts only past proxies trusted
//! to append the address they were reached from.

use std::net::IpAddr;

use actix_web::HttpRequest;
use ipnet::IpNet;

#[derive(Debug, Clone, Default)]
pub struct TrustedProxies(Vec<IpNet>);

/// Parses one trusted proxy: a network (`10.0.0.0/8`) or one address (`10.0.0.7`).
pub fn parse_proxy(text: &str) -> Result<IpNet, String> {
    let text = text.trim();
    text.parse::<IpNet>()
        .or_else(|_| text.parse::<IpAddr>().map(IpNet::from))
        .map_err(|_| format!("`{text}` is neither an address nor a network (such as 10.0.0.0/8)"))
}

impl TrustedProxies {
    pub fn new(proxies: Vec<IpNet>) -> Self {
        Self(proxies)
    }

    fn trusts(&self, address: IpAddr) -> bool {
        self.0.iter().any(|net| net.contains(&address))
    }

    /// The client's address, if the request came over a socket.
    pub fn client(&self, req: &HttpRequest) -> Option<IpAddr> {
        let peer = req.peer_addr()?.ip();
        if !self.trusts(peer) {
            return Some(peer);
        }
        let hops: Vec<&str> = req
            .headers()
            .get_all("x-forwarded-for")
            .filter_map(|value| value.to_str().ok())
            .flat_map(|value| value.split(','))
            .map(str::trim)
            .collect();
        // The nearest hop first: each trusted proxy appended the address it was reached from.
        let mut client = peer;
        for hop in hops.iter().rev() {
            match hop.parse::<IpAddr>() {
                Ok(address) if self.trusts(address) => client = address,
                Ok(address) => return Some(address),
                // What a proxy would not write: stop at the last address a trusted one did.
                Err(_) => break,
            }
        }
        Some(client)
    }
}

#[cfg(test)]
mod tests {
    use actix_web::test::TestRequest;

    use super::*;

    fn from(peer: &str, forwarded: Option<&str>) -> TestRequest {
        let request = TestRequest::default().peer_addr(format!("{peer}:4000").parse().unwrap());
        match forwarded {
            Some(header) => request.insert_header(("x-forwarded-for", header)),
            None => request,
        }
    }

    #[test]
    fn only_trusted_proxies_may_name_the_client() {
        let trusted = TrustedProxies::new(vec![parse_proxy("10.0.0.0/8").unwrap(), parse_proxy("192.0.2.7").unwrap()]);
        let client = |peer: &str, header: Option<&str>| trusted.client(&from(peer, header).to_http_request());
        let ip = |s: &str| Some(s.parse::<IpAddr>().unwrap());
        // A stranger's header is ignored.
        assert_eq!(client("203.0.113.9", Some("198.51.100.1")), ip("203.0.113.9"));
        // Behind two trusted proxies, the nearest untrusted hop; what the client wrote before it
        // does not count.
        assert_eq!(client("10.1.1.1", Some("6.6.6.6, 198.51.100.1, 192.0.2.7")), ip("198.51.100.1"));
        // Garbage stops the walk at the last trusted hop.
        assert_eq!(client("10.1.1.1", Some("198.51.100.1, nonsense")), ip("10.1.1.1"));
        assert_eq!(client("10.1.1.1", None), ip("10.1.1.1"));
        assert!(parse_proxy("not an address").is_err());
    }
}
