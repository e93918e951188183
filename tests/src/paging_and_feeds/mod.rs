//! Reading the news at scale: cursor pagination that stays correct while the newsroom keeps
//! publishing, sparse `fields=`, HTTP caching and compression, and the RSS, Atom and JSON
//! feeds and the sitemap, read with real feed and XML parsers.

mod caching;
mod feeds;
mod lists;

use crate::common::values::slug_of;
use crate::common::Reply;

/// The slugs of a list page, in order.
fn slugs(reply: &Reply) -> Vec<String> {
    reply.body["data"].as_array().unwrap_or_else(|| panic!("a list: {}", reply.text)).iter().map(slug_of).collect()
}
