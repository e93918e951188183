//! gzip and brotli for answers with a whole body: once per cache entry, strongly, or once per
//! answer, quickly.
//!
//! actix's `Compress` sets up a brotli encoder with a 4 MiB window for every answer and runs it
//! on the blocking pool, where the database work waits too. For a 30 KB list page that cost
//! about 2 ms of CPU, most of it the kernel handing out and zeroing fresh pages for the
//! encoder, and 64 clients at once took the server from 61 to 253 MB (10,000 articles).
//! [`compress_answers`] compresses such answers itself, with a window no larger than the body;
//! `Compress` still handles the rest (streamed bodies, a client that accepts only deflate).

use std::io::Write;

use actix_web::body::{BodySize, BoxBody, EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, AcceptEncoding, Encoding, Header, HeaderValue};
use actix_web::middleware::Next;
use actix_web::web::Bytes;
use actix_web::HttpMessage;

/// How a body goes out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Coding {
    Identity,
    Gzip,
    Brotli,
}

impl Coding {
    /// The client's preference among what we compress to, by actix's own negotiation (the one
    /// `Compress` uses), so the answer is always one the client accepts. `None` when it accepts
    /// none of them (only deflate, say): `Compress` then encodes the identity body itself. (A
    /// client that accepts nothing `Compress` offers gets its 406.)
    pub fn preferred(req: &impl HttpMessage) -> Option<Self> {
        if !req.headers().contains_key(AcceptEncoding::name()) {
            return Some(Self::Identity);
        }
        let accepted = AcceptEncoding::parse(req).ok()?;
        let offered = [Encoding::identity(), Encoding::brotli(), Encoding::gzip()];
        match accepted.negotiate(offered.iter())? {
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

/// How hard to compress.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effort {
    /// A cache entry's form, made once and sent with every hit: gzip level 6, brotli quality 5
    /// with a 1 MiB window (most of brotli's gain on JSON, at about gzip's speed).
    Kept,
    /// One answer: gzip level 1 and brotli quality 3, as `Compress` has them, but with a brotli
    /// window no larger than the body: as small an output, without setting up 4 MiB for it.
    OneAnswer,
}

/// `body` in `coding`.
pub fn compress(body: &[u8], coding: Coding, effort: Effort) -> Bytes {
    let mut out = Vec::with_capacity(body.len() / 4);
    match coding {
        Coding::Identity => return Bytes::copy_from_slice(body),
        Coding::Gzip => {
            let level = match effort {
                Effort::Kept => flate2::Compression::default(),
                Effort::OneAnswer => flate2::Compression::fast(),
            };
            let mut encoder = flate2::write::GzEncoder::new(&mut out, level);
            // Writing to a Vec cannot fail.
            let _ = encoder.write_all(body).and_then(|()| encoder.try_finish());
        }
        Coding::Brotli => {
            let (quality, window_bits) = match effort {
                // Quality 5 takes a different matcher at 16 bits or less, 20 times slower here.
                Effort::Kept => (5, 20),
                Effort::OneAnswer => (3, window_bits_for(body.len())),
            };
            let mut writer = brotli::CompressorWriter::new(&mut out, 16 * 1024, quality, window_bits);
            let _ = writer.write_all(body);
        }
    }
    // Exactly its length, so a cache's weight for it holds.
    Bytes::from(out.into_boxed_slice())
}

/// The smallest brotli window (in bits, 10 to 22) that holds `len` bytes (a window of `b` bits
/// holds 2^b - 16): a larger one only costs memory to set up.
fn window_bits_for(len: usize) -> u32 {
    (usize::BITS - (len.saturating_add(16) - 1).leading_zeros()).clamp(10, 22)
}

/// Bodies up to this size are compressed on the worker, like the JSON they were written as
/// (about 0.1 ms for a list page); larger ones (a sitemap can be megabytes) on the blocking pool.
const INLINE_LIMIT: u64 = 128 * 1024;

/// What `Compress` would compress too: not a partial answer or one already encoded, nor an
/// image (SVG apart) or a video, which are compressed already.
fn worth_compressing(response: &ServiceResponse<impl MessageBody>) -> bool {
    let headers = response.headers();
    let media = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default();
    let packed_media =
        (media.starts_with("image/") && !media.starts_with("image/svg+xml")) || media.starts_with("video/");
    response.status() != actix_web::http::StatusCode::PARTIAL_CONTENT
        && !headers.contains_key(header::CONTENT_ENCODING)
        && !packed_media
}

/// Compresses a whole-body answer that is not compressed yet, for a client that prefers gzip or
/// brotli. Answers from the response cache come compressed already and pass through.
pub async fn compress_answers(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody, BoxBody>>, actix_web::Error> {
    let response = next.call(req).await?;
    let size = match response.response().body().size() {
        BodySize::Sized(size) if size > 0 => size,
        _ => return Ok(response.map_into_left_body()),
    };
    let coding = worth_compressing(&response).then(|| Coding::preferred(response.request())).flatten();
    let (coding, name) = match coding.and_then(|c| Some((c, c.header_value()?))) {
        Some(found) => found,
        None => return Ok(response.map_into_left_body()),
    };
    let (req, response) = response.into_parts();
    let (head, body) = response.into_parts();
    let body =
        actix_web::body::to_bytes(body).await.map_err(|e| actix_web::error::ErrorInternalServerError(e.into()))?;
    let compressed = if size <= INLINE_LIMIT {
        compress(&body, coding, Effort::OneAnswer)
    } else {
        actix_web::web::block(move || compress(&body, coding, Effort::OneAnswer)).await?
    };
    let mut response = head.set_body(compressed);
    response.headers_mut().insert(header::CONTENT_ENCODING, HeaderValue::from_static(name));
    Ok(ServiceResponse::new(req, response.map_into_boxed_body()).map_into_right_body())
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
        for len in [1, 700, 40_000, 300_000] {
            let body: Vec<u8> = r#"{"data":[{"title":"Harbour report"}]}"#.bytes().cycle().take(len).collect();
            for effort in [Effort::Kept, Effort::OneAnswer] {
                let mut unzipped = Vec::new();
                let gzip = compress(&body, Coding::Gzip, effort);
                flate2::read::GzDecoder::new(&gzip[..]).read_to_end(&mut unzipped).unwrap();
                assert_eq!(unzipped, body, "gzip, {len} bytes, {effort:?}");
                let mut unbrotlied = Vec::new();
                let brotli = compress(&body, Coding::Brotli, effort);
                brotli::Decompressor::new(&brotli[..], 4096).read_to_end(&mut unbrotlied).unwrap();
                assert_eq!(unbrotlied, body, "brotli, {len} bytes, {effort:?}");
                if len >= 700 {
                    assert!(gzip.len() < body.len() / 5 && brotli.len() < body.len() / 5, "{len} bytes, {effort:?}");
                }
            }
            assert_eq!(compress(&body, Coding::Identity, Effort::OneAnswer), body);
        }
    }

    async fn answer(body: actix_web::HttpResponse, accept: &str) -> (Option<String>, Bytes) {
        use actix_web::{middleware::from_fn, test, web, App};
        let body = std::rc::Rc::new(std::cell::RefCell::new(Some(body)));
        let app = App::new()
            .wrap(from_fn(compress_answers))
            .route("/", web::get().to(move || std::future::ready(body.borrow_mut().take().unwrap())));
        let app = test::init_service(app).await;
        let reply = test::call_service(
            &app,
            test::TestRequest::get().uri("/").insert_header(("accept-encoding", accept)).to_request(),
        )
        .await;
        let sent = reply.headers().get(header::CONTENT_ENCODING).map(|v| v.to_str().unwrap().to_owned());
        (sent, test::read_body(reply).await)
    }

    fn unbrotli(raw: &[u8]) -> Vec<u8> {
        let mut plain = Vec::new();
        brotli::Decompressor::new(raw, 4096).read_to_end(&mut plain).unwrap();
        plain
    }

    #[actix_web::test]
    async fn large_and_small_bodies_decode_and_the_rest_is_left_to_compress() {
        let large: Vec<u8> =
            b"<url><loc>https://example.net/a</loc></url>".iter().copied().cycle().take(300_000).collect();
        let (sent, raw) = answer(actix_web::HttpResponse::Ok().body(large.clone()), "br").await;
        assert_eq!(sent.as_deref(), Some("br"));
        assert_eq!(unbrotli(&raw), large);
        let (sent, raw) = answer(actix_web::HttpResponse::Ok().body("{}"), "gzip;q=0.5, br").await;
        assert_eq!((sent.as_deref(), unbrotli(&raw)), (Some("br"), b"{}".to_vec()));
        // Already compressed, or streamed: `Compress` decides, outside this middleware.
        let done = actix_web::HttpResponse::Ok().insert_header((header::CONTENT_ENCODING, "gzip")).body("packed");
        assert_eq!(answer(done, "br").await, (Some("gzip".to_owned()), Bytes::from_static(b"packed")));
        let chunks = futures_util::stream::iter([Ok::<_, actix_web::Error>(Bytes::from_static(b"streamed"))]);
        let streamed = actix_web::HttpResponse::Ok().streaming(chunks);
        assert_eq!(answer(streamed, "br").await, (None, Bytes::from_static(b"streamed")));
        let png = actix_web::HttpResponse::Ok().content_type("image/png").body("\u{89}PNG");
        assert_eq!(answer(png, "br").await.0, None, "an image is compressed already");
        let svg = actix_web::HttpResponse::Ok().content_type("image/svg+xml").body("<svg/>");
        assert_eq!(answer(svg, "br").await.0.as_deref(), Some("br"), "SVG is text");
        assert_eq!(answer(actix_web::HttpResponse::Ok().body("plain"), "identity").await.0, None);
    }

    #[test]
    fn the_window_fits_the_body() {
        assert_eq!(window_bits_for(0), 10);
        assert_eq!(window_bits_for(1008), 10);
        assert_eq!(window_bits_for(1009), 11);
        assert_eq!(window_bits_for(30_000), 15);
        assert_eq!(window_bits_for(32_752), 15);
        assert_eq!(window_bits_for(32_753), 16);
        assert_eq!(window_bits_for(usize::MAX), 22);
    }
}
