//! Cached bodies in the encoding the client asked for, compressed once per entry.
//!
//! Otherwise every hit for a browser (which sends `Accept-Encoding: gzip, br`) would be
//! compressed again by the `Compress` middleware, at a hundred times the cost of the hit. A cached
//! answer carries `Content-Encoding`, which `Compress` passes through.

use std::io::Write;
use std::sync::OnceLock;

use actix_web::http::header::{AcceptEncoding, Encoding, Header};
use actix_web::web::Bytes;
use actix_web::HttpMessage;

/// How a cached body goes out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Coding {
    Identity,
    Gzip,
    Brotli,
}

impl Coding {
    /// The client's preference among what the cache keeps, by actix's own negotiation (the one
    /// `Compress` uses), so the answer is always one the client accepts. `None` when it accepts
    /// none of them (only deflate, say): the cache then answers in identity and `Compress`
    /// encodes that itself. (A client that accepts nothing `Compress` offers gets its 406.)
    pub fn preferred(req: &impl HttpMessage) -> Option<Self> {
        if !req.headers().contains_key(AcceptEncoding::name()) {
            return Some(Self::Identity);
        }
        let accepted = AcceptEncoding::parse(req).ok()?;
        let kept = [Encoding::identity(), Encoding::brotli(), Encoding::gzip()];
        match accepted.negotiate(kept.iter())? {
            e if e == Encoding::brotli() => Some(Self::Brotli),
            e if e == Encoding::gzip() => Some(Self::Gzip),
            _ => Some(Self::Identity),
        }
    }

    pub fn header_value(self) -> Option<&'static str> {
        match self {
            Self::Identity => None,
            Self::Gzip => Some("gzip"),
            Self::Brotli => Some("br"),
        }
    }
}

/// The compressed forms of a body, each kept once made.
#[derive(Debug, Default)]
pub struct Encodings {
    gzip: OnceLock<Bytes>,
    brotli: OnceLock<Bytes>,
}

impl Encodings {
    fn slot(&self, coding: Coding) -> Option<&OnceLock<Bytes>> {
        match coding {
            Coding::Identity => None,
            Coding::Gzip => Some(&self.gzip),
            Coding::Brotli => Some(&self.brotli),
        }
    }

    /// `body` in `coding`, if that form is made already.
    pub fn ready(&self, body: &Bytes, coding: Coding) -> Option<Bytes> {
        match self.slot(coding) {
            None => Some(body.clone()),
            Some(slot) => slot.get().cloned(),
        }
    }

    /// Keeps `made` as the form in `coding`, unless another request kept one first; returns
    /// the form kept. Two requests may both compress, but neither waits for the other.
    pub fn keep(&self, coding: Coding, made: Bytes) -> Bytes {
        match self.slot(coding) {
            None => made,
            Some(slot) => slot.get_or_init(|| made).clone(),
        }
    }
}

/// `body` in `coding`. Stronger than `Compress`'s per-response settings (gzip fast, brotli 3):
/// it is done once per entry, and every hit after it sends fewer bytes.
pub fn compress(body: &Bytes, coding: Coding) -> Bytes {
    let mut out = Vec::with_capacity(body.len() / 4);
    match coding {
        Coding::Identity => return body.clone(),
        Coding::Gzip => {
            let mut encoder = flate2::write::GzEncoder::new(&mut out, flate2::Compression::default());
            // Writing to a Vec cannot fail.
            let _ = encoder.write_all(body).and_then(|()| encoder.try_finish());
        }
        Coding::Brotli => {
            // Quality 5 with a 1 MiB window: most of brotli's gain on JSON, at about gzip's speed.
            let mut writer = brotli::CompressorWriter::new(&mut out, 16 * 1024, 5, 20);
            let _ = writer.write_all(body);
        }
    }
    // Exactly its length, so the cache's weight for it holds.
    Bytes::from(out.into_boxed_slice())
}

#[cfg(test)]
mod tests {
    use std::io::Read;

    use actix_web::test::TestRequest;

    use super::*;

    fn preferred(accept: Option<&str>) -> Option<Coding> {
        let mut req = TestRequest::default();
        if let Some(accept) = accept {
            req = req.insert_header(("accept-encoding", accept));
        }
        Coding::preferred(&req.to_http_request())
    }

    #[test]
    fn the_client_gets_an_encoding_it_accepts() {
        assert_eq!(preferred(None), Some(Coding::Identity));
        assert_eq!(preferred(Some("gzip")), Some(Coding::Gzip));
        assert_eq!(preferred(Some("gzip, deflate, br")), Some(Coding::Brotli));
        assert_eq!(preferred(Some("br;q=0.5, gzip;q=0.9")), Some(Coding::Gzip));
        assert_eq!(preferred(Some("deflate")), Some(Coding::Identity));
        assert_eq!(preferred(Some("*")), Some(Coding::Identity));
        assert_eq!(preferred(Some("identity;q=0, gzip;q=0")), None);
        assert_eq!(preferred(Some("deflate, identity;q=0")), None, "Compress deflates the identity body");
    }

    #[test]
    fn compressed_forms_decode_to_the_body() {
        let body = Bytes::from(r#"{"data":[{"title":"Harbour report"}]}"#.repeat(200));
        let mut unzipped = Vec::new();
        let gzip = compress(&body, Coding::Gzip);
        flate2::read::GzDecoder::new(&gzip[..]).read_to_end(&mut unzipped).unwrap();
        assert_eq!(unzipped, body);
        let mut unbrotlied = Vec::new();
        brotli::Decompressor::new(&compress(&body, Coding::Brotli)[..], 4096).read_to_end(&mut unbrotlied).unwrap();
        assert_eq!(unbrotlied, body);
        assert!(gzip.len() < body.len() / 10);
        assert_eq!(compress(&body, Coding::Identity), body);
    }

    #[test]
    fn each_form_is_kept_once() {
        let body = Bytes::from_static(b"{}");
        let kept = Encodings::default();
        assert_eq!(kept.ready(&body, Coding::Identity), Some(body.clone()));
        assert_eq!(kept.ready(&body, Coding::Gzip), None);
        let first = kept.keep(Coding::Gzip, Bytes::from_static(b"first"));
        let second = kept.keep(Coding::Gzip, Bytes::from_static(b"second"));
        assert_eq!((first.as_ref(), second.as_ref()), (&b"first"[..], &b"first"[..]), "the first form made stays");
        assert_eq!(kept.ready(&body, Coding::Gzip), Some(first));
        assert_eq!(kept.ready(&body, Coding::Brotli), None, "each coding has its own form");
    }
}
