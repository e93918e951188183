//! Content negotiation by `Accept`, for the routes that offer more than one form of the same
//! resource (an article as Newsdesk JSON or as IPTC ninjs).

use actix_web::http::header::{self, HeaderMap};

/// The media type of an IPTC ninjs news item.
pub const NINJS: &str = "application/ninjs+json";

/// Whether the client's most preferred type in `Accept` is ninjs. The response cache keeps
/// the two forms apart by it, and the handler answers by it, so they always agree.
pub fn prefers_ninjs(headers: &HeaderMap) -> bool {
    let Some(value) = headers.get(header::ACCEPT) else { return false };
    // Cheap test first: the typed parse only runs for the rare request that names ninjs.
    if !value.to_str().is_ok_and(|v| v.contains(NINJS)) {
        return false;
    }
    let Ok(mut items) =
        header::from_comma_delimited::<_, header::QualityItem<mime::Mime>>(headers.get_all(header::ACCEPT))
    else {
        return false;
    };
    // `q=0` means "not this one".
    items.retain(|item| item.quality > header::Quality::ZERO);
    header::Accept(items).ranked().into_iter().next().is_some_and(|preferred| preferred.essence_str() == NINJS)
}

#[cfg(test)]
mod tests {
    use actix_web::http::header::{HeaderMap, HeaderValue, ACCEPT};

    use super::prefers_ninjs;

    fn accepting(value: &'static str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(ACCEPT, HeaderValue::from_static(value));
        headers
    }

    #[test]
    fn ninjs_only_when_it_is_the_first_choice() {
        assert!(prefers_ninjs(&accepting("application/ninjs+json")));
        assert!(prefers_ninjs(&accepting("application/json;q=0.5, application/ninjs+json")));
        assert!(!prefers_ninjs(&accepting("application/json, application/ninjs+json;q=0.5")));
        assert!(!prefers_ninjs(&accepting("application/ninjs+json;q=0")));
        assert!(!prefers_ninjs(&accepting("*/*")));
        assert!(!prefers_ninjs(&HeaderMap::new()));
    }
}
