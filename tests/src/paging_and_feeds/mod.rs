//! Reading the news at scale: cursor pagination that stays correct while the newsroom keeps
//! publishing, sparse `fields=`, HTTP caching and compression, and the RSS, Atom and JSON
//! feeds and the sitemap, read with real feed and XML parsers.

mod caching;
mod feeds;
mod lists;
mod sitemaps;

use crate::common::values::slug_of;
use crate::common::Reply;

/// The slugs of a list page, in order.
fn slugs(reply: &Reply) -> Vec<String> {
    reply.body["data"].as_array().unwrap_or_else(|| panic!("a list: {}", reply.text)).iter().map(slug_of).collect()
}

pub(super) const PUBLIC_URL: &str = "https://news.example.org";

/// The public address of an article page.
pub(super) fn article_url(slug: &str) -> String {
    format!("{PUBLIC_URL}/articles/{slug}")
}

/// The slug of an absolute article URL; fails when the URL is not one.
pub(super) fn slug_in(url: &str) -> String {
    url.strip_prefix(&format!("{PUBLIC_URL}/articles/"))
        .unwrap_or_else(|| panic!("`{url}` is not an absolute article URL under {PUBLIC_URL}"))
        .to_owned()
}

/// The text of every element named `name` (local name), in document order.
pub(super) fn texts_of(xml: &str, name: &str) -> Vec<String> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(xml);
    let (mut found, mut current) = (Vec::new(), None::<String>);
    loop {
        match reader.read_event().unwrap_or_else(|e| panic!("well-formed XML ({e}): {xml}")) {
            Event::Start(e) if e.local_name().as_ref() == name.as_bytes() => current = Some(String::new()),
            Event::Text(t) => {
                if let Some(text) = current.as_mut() {
                    text.push_str(&t.unescape().unwrap_or_else(|e| panic!("XML text ({e})")));
                }
            }
            Event::CData(t) => {
                if let Some(text) = current.as_mut() {
                    text.push_str(&String::from_utf8_lossy(&t));
                }
            }
            Event::End(e) if e.local_name().as_ref() == name.as_bytes() => {
                found.extend(current.take());
            }
            Event::Eof => return found,
            _ => {}
        }
    }
}
