//! The route table: every route the server answers, declared once. Registering a handler here
//! routes it and puts it in the OpenAPI document (see [`crate::routes`]).

use actix_web::web;

use crate::routes;
use crate::routes::{RouteEntry, Routes};
use crate::{
    api_keys, articles, audit, auth, feeds, operations, reader, sitemaps, streams, terms, users, views, webhooks,
};

/// Every route, in the order actix matches them. Registering a handler here also documents it
/// (see [`crate::routes`]); only the reader's pages are left out of the API document.
pub fn declare(api: &mut Routes) {
    api.page("/", reader::page)
        .page("/articles/{slug}", reader::article_page)
        .page("/reader.js", reader::script)
        .page("/reader.css", reader::style)
        .add(routes!(operations::health::healthz))
        .add(routes!(operations::health::readyz))
        .add(routes!(operations::metrics::scrape))
        .add(routes!(articles::public::list))
        // Before `{slug}`, which would otherwise match "most-viewed".
        .add(routes!(views::most_viewed))
        .add(routes!(articles::public::get))
        .add(routes!(articles::related::related))
        .add(routes!(articles::live_public::list))
        .add(routes!(streams::entries::stream))
        .add(routes!(views::beacon))
        .add(routes!(feeds::rss_feed))
        .add(routes!(feeds::atom_feed))
        .add(routes!(feeds::json_feed))
        .add(routes!(articles::syndication::feed))
        .add(routes!(streams::changes::stream))
        .add(routes!(sitemaps::index))
        .add(routes!(sitemaps::child))
        .add(routes!(sitemaps::news))
        .add(routes!(sitemaps::robots))
        .add(routes!(auth::handlers::login))
        .add(routes!(auth::handlers::refresh))
        .add(routes!(auth::handlers::logout))
        .add(routes!(users::me))
        .add(routes!(articles::desk::my_assignments))
        .add(routes!(articles::admin::list, articles::admin::create))
        // Before `{id}`, which would otherwise match "bulk".
        .add(routes!(articles::bulk::bulk))
        .add(routes!(articles::admin::get, articles::admin::update, articles::admin::delete))
        .add(routes!(articles::workflow::submit))
        .add(routes!(articles::workflow::approve))
        .add(routes!(articles::workflow::return_to_draft))
        .add(routes!(articles::retraction::retract))
        .add(routes!(articles::locks::lock, articles::locks::release))
        .add(routes!(articles::locks::take_over))
        .add(routes!(articles::workflow::publish))
        .add(routes!(articles::workflow::unpublish))
        .add(routes!(articles::workflow::schedule))
        .add(routes!(articles::workflow::unschedule))
        .add(routes!(articles::workflow::restore))
        .add(routes!(articles::corrections::add, articles::corrections::list))
        .add(routes!(articles::corrections::amend))
        .add(routes!(articles::corrections::remove))
        .add(routes!(articles::desk::assign))
        .add(routes!(articles::live::set_live))
        .add(routes!(articles::live::list, articles::live::post))
        .add(routes!(articles::live::update, articles::live::delete))
        .add(routes!(articles::desk::list_notes, articles::desk::add_note))
        .add(routes!(articles::preview::create))
        .add(routes!(articles::revisions::list))
        .add(routes!(articles::revisions::get))
        .add(routes!(articles::revisions::restore))
        .add(routes!(articles::workflow::trash_list))
        .add(routes!(articles::embargo::feed))
        .add(routes!(articles::workflow::purge))
        .add(routes!(articles::preview::show))
        .add(routes!(api_keys::list, api_keys::create))
        .add(routes!(api_keys::revoke))
        .add(routes!(audit::list))
        .add(routes!(users::list, users::create))
        .add(routes!(users::get, users::update));
    terms::routes::<terms::authors::Authors>(api);
    terms::routes::<terms::sources::Sources>(api);
    terms::routes::<terms::labels::Sections>(api);
    terms::routes::<terms::labels::Tags>(api);
    webhooks::routes(api);
}

/// Routes every [`declare`]d route into an app.
pub fn routes(app: &mut web::ServiceConfig) {
    declare(&mut Routes::serving(app));
}

/// Every routed path and method, for the test that holds them against the document.
pub fn route_table() -> Vec<RouteEntry> {
    let mut api = Routes::listing();
    declare(&mut api);
    api.into_table()
}
