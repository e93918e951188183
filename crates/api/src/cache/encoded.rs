//! Cached bodies in the encoding the client asked for, compressed once per entry.
//!
//! Otherwise every hit for a browser (which sends `Accept-Encoding: gzip, br`) would be
//! compressed again on its way out, at many times the cost of the hit. A cached answer carries
//! `Content-Encoding`, which the compression middlewares pass through.

use std::sync::OnceLock;

use actix_web::web::Bytes;

use crate::compression::Coding;

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

#[cfg(test)]
mod tests {
    use super::*;

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
