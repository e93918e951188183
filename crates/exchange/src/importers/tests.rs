//! The converters against the fixtures in `tests/fixtures/` and against broken input.

use chrono::{TimeZone, Utc};
use newsdesk_domain::exchange::{ArticleRecord, RecordStatus};

use super::{ghost, wordpress, ConvertError, Converted};

const GHOST: &[u8] = include_bytes!("../../../../tests/fixtures/ghost-export.json");
const WORDPRESS: &[u8] = include_bytes!("../../../../tests/fixtures/wordpress-export.xml");

fn find<'a>(out: &'a Converted, slug: &str) -> &'a ArticleRecord {
    out.records.iter().find(|r| r.slug == slug).unwrap_or_else(|| panic!("no record `{slug}` in {out:#?}"))
}

fn record_slugs(out: &Converted) -> Vec<&str> {
    out.records.iter().map(|r| r.slug.as_str()).collect()
}

fn slugs(labels: &[newsdesk_domain::exchange::LabelRecord]) -> Vec<&str> {
    labels.iter().map(|l| l.slug.as_str()).collect()
}

fn reasons(notices: &[super::Notice]) -> Vec<String> {
    notices.iter().map(|n| format!("{}: {}", n.item, n.reason)).collect()
}

#[test]
fn ghost_posts_become_records() {
    let out = ghost::convert(GHOST, "ghost.json").unwrap();
    assert_eq!(
        record_slugs(&out),
        ["harbour-pilots-walk-out", "tidal-lagoon-notes", "council-budget-preview", "dredging-contract-briefing"]
    );

    let pilots = find(&out, "harbour-pilots-walk-out");
    assert_eq!(pilots.status, RecordStatus::Published);
    assert_eq!(pilots.published_at, Some(Utc.with_ymd_and_hms(2026, 3, 2, 7, 15, 0).unwrap()));
    assert_eq!(pilots.created_at, Some(Utc.with_ymd_and_hms(2026, 3, 2, 6, 40, 0).unwrap()));
    let authors: Vec<&str> = pilots.authors.iter().map(|a| a.slug.as_str()).collect();
    assert_eq!(authors, ["tomas-lindqvist", "mira-okafor"], "byline in posts_authors.sort_order");
    assert_eq!(pilots.authors[1].bio.as_deref(), Some("Covers the harbour and the council."));
    assert_eq!(slugs(&pilots.tags), ["harbour", "climate"], "internal #tags are left off");
    assert_eq!(pilots.section.as_ref().map(|s| s.slug.as_str()), Some("harbour"), "primary tag is the section");
    assert_eq!(pilots.summary.as_deref(), Some("Pilots say two-person night crews are unsafe."));
    assert!(pilots.body.contains("<strong>Eastmere</strong>"));
    assert!(pilots.body.contains("href=\"/tag/harbour/\""), "the URL placeholder is removed: {}", pilots.body);
    let image = pilots.featured_image.as_ref().unwrap();
    assert_eq!(image.alt.as_deref(), Some("Pilot boats moored at dawn"));
    assert_eq!(pilots.language.as_deref(), Some("en"));

    let draft = find(&out, "tidal-lagoon-notes");
    assert_eq!((draft.status, draft.published_at), (RecordStatus::Draft, None));
    assert!(draft.featured_image.is_none(), "a relative image URL is left out");
    let scheduled = find(&out, "council-budget-preview");
    assert_eq!(scheduled.status, RecordStatus::Scheduled);
    assert_eq!(scheduled.published_at, Some(Utc.with_ymd_and_hms(2030, 1, 5, 6, 0, 0).unwrap()));
    assert_eq!(find(&out, "dredging-contract-briefing").status, RecordStatus::Draft, "paid posts stay private");

    let skipped = reasons(&out.skipped);
    assert!(skipped.iter().any(|s| s.contains("`about`") && s.contains("a page")), "{skipped:?}");
    assert!(skipped.iter().any(|s| s.contains("`weekly-letter-12`") && s.contains("email")), "{skipped:?}");
    assert!(skipped.iter().any(|s| s.contains("`#hero`") && s.contains("internal")), "{skipped:?}");
    let adjusted = reasons(&out.adjusted);
    assert!(adjusted.iter().any(|s| s.contains("dredging-contract-briefing") && s.contains("paid")), "{adjusted:?}");
    assert!(adjusted.iter().any(|s| s.contains("tidal-lagoon-notes") && s.contains("__GHOST_URL__")), "{adjusted:?}");
}

#[test]
fn ghost_accepts_the_unwrapped_and_old_shapes() {
    let old = br#"{"meta":{"exported_on":1388805572000,"version":"003"},"data":{"posts":[
        {"id":5,"title":"Old post","slug":"old-post","html":"<p>x</p>","page":0,"status":"published",
         "author_id":1,"created_at":1283780649000,"published_at":"2010-09-06 13:44:09"}],
        "users":[{"id":1,"name":"Owner","slug":"owner"}]}}"#;
    let out = ghost::convert(old, "old.json").unwrap();
    let post = find(&out, "old-post");
    assert_eq!(post.authors[0].slug, "owner");
    assert_eq!(post.published_at, Some(Utc.with_ymd_and_hms(2010, 9, 6, 13, 44, 9).unwrap()));
    assert_eq!(post.created_at, Some(Utc.with_ymd_and_hms(2010, 9, 6, 13, 44, 9).unwrap()));
}

#[test]
fn malformed_ghost_files_name_the_position() {
    let broken = b"{\"db\":[{\"data\":{\"posts\":[\n  {\"id\":\"1\",\"title\":\"A\",}\n]}}]}";
    let ConvertError::Malformed { line, message, .. } = ghost::convert(broken, "x.json").unwrap_err() else {
        panic!("expected a position")
    };
    assert_eq!(line, 2, "{message}");
    let wrong_type = b"{\"db\":[{\"data\":{\"posts\":[{\"id\":\"1\",\"title\":7}]}}]}";
    let error = ghost::convert(wrong_type, "x.json").unwrap_err().to_string();
    assert!(error.contains("db[0].data.posts[0].title") && error.starts_with("x.json: line 1"), "{error}");
    let not_ghost = ghost::convert(b"{\"posts\":[]}", "x.json").unwrap_err().to_string();
    assert!(not_ghost.contains("not a Ghost export"), "{not_ghost}");
}

#[test]
fn wordpress_items_become_records() {
    let out = wordpress::convert(WORDPRESS, "wp.xml").unwrap();
    assert_eq!(
        record_slugs(&out),
        [
            "ferry-timetable-cuts",
            "lighthouse-keepers-remember-the-long-nights",
            "market-hall-reopens",
            "cafe-lumen",
            "flood-appeal-notes"
        ]
    );
    let ferry = find(&out, "ferry-timetable-cuts");
    assert_eq!(ferry.status, RecordStatus::Published);
    assert_eq!(ferry.published_at, Some(Utc.with_ymd_and_hms(2026, 2, 10, 8, 0, 0).unwrap()));
    assert_eq!(ferry.updated_at, Some(Utc.with_ymd_and_hms(2026, 2, 11, 9, 30, 0).unwrap()));
    assert_eq!(ferry.authors.len(), 1);
    assert_eq!((ferry.authors[0].slug.as_str(), ferry.authors[0].name.as_str()), ("jdoyle", "June Doyle"));
    assert_eq!(ferry.section.as_ref().map(|s| s.name.as_str()), Some("News"));
    assert_eq!(slugs(&ferry.tags), ["ferries", "features", "winter"], "a second category becomes a tag");
    assert_eq!(ferry.summary.as_deref(), Some("Two crossings go from the winter timetable."));
    assert!(ferry.body.contains("<em>06:10</em>") && ferry.body.contains("<script>"), "the body is kept as exported");
    assert_eq!(
        ferry.featured_image.as_ref().map(|i| i.url.as_str()),
        Some("https://courier.example.net/wp-content/uploads/2026/02/ferry.jpg")
    );
    assert_eq!(ferry.previous_slugs, ["ferry-timetable"]);
    assert_eq!(ferry.language.as_deref(), Some("en-GB"));

    let draft = find(&out, "lighthouse-keepers-remember-the-long-nights");
    assert_eq!((draft.status, draft.published_at, draft.created_at), (RecordStatus::Draft, None, None));
    assert_eq!(draft.authors[0].slug, "r-amani");
    assert!(draft.section.is_none(), "Uncategorized is not a section");
    assert!(draft.body.contains("storms &amp; silence"));
    assert_eq!(find(&out, "market-hall-reopens").status, RecordStatus::Scheduled);
    assert_eq!(find(&out, "flood-appeal-notes").status, RecordStatus::Draft);

    let skipped = reasons(&out.skipped);
    assert_eq!(skipped.len(), 3, "{skipped:?}");
    assert!(skipped.iter().any(|s| s.contains("old-rumour__trashed") && s.contains("trash")), "{skipped:?}");
    assert!(skipped.iter().any(|s| s.contains("`about`") && s.contains("a page")), "{skipped:?}");
    assert!(skipped.iter().any(|s| s.contains("`ferry`") && s.contains("attachment")), "{skipped:?}");
    let adjusted = reasons(&out.adjusted);
    assert!(adjusted.iter().any(|s| s.contains("caf%c3%a9-lumen")), "{adjusted:?}");
    assert!(adjusted.iter().any(|s| s.contains("flood-appeal-notes") && s.contains("private")), "{adjusted:?}");
}

#[test]
fn wordpress_posts_pending_review_wait_in_review() {
    let file =
        String::from_utf8_lossy(WORDPRESS).replace("<wp:status><![CDATA[private]]>", "<wp:status><![CDATA[pending]]>");
    let out = wordpress::convert(file.as_bytes(), "wp.xml").unwrap();
    let pending = find(&out, "flood-appeal-notes");
    assert_eq!((pending.status, pending.published_at), (RecordStatus::InReview, None));
    assert!(!reasons(&out.adjusted).iter().any(|s| s.contains("flood-appeal-notes")), "nothing to report");
}

#[test]
fn malformed_wordpress_files_name_the_position() {
    let truncated = &WORDPRESS[..WORDPRESS.len() / 2];
    let error = wordpress::convert(truncated, "wp.xml").unwrap_err().to_string();
    assert!(error.starts_with("wp.xml: line "), "{error}");
    let mismatched = b"<rss>\n<channel>\n<item><title>A</item>\n</channel></rss>";
    let ConvertError::Malformed { line, message, .. } = wordpress::convert(mismatched, "wp.xml").unwrap_err() else {
        panic!("expected a position")
    };
    assert_eq!(line, 3, "{message}");
    let not_wxr = wordpress::convert(b"<feed></feed>", "wp.xml").unwrap_err().to_string();
    assert!(not_wxr.contains("not a WordPress export"), "{not_wxr}");
    let json = wordpress::convert(b"{\"db\":[]}", "wp.xml").unwrap_err().to_string();
    assert!(json.contains("not a WordPress export"), "{json}");
}

#[test]
fn ghost_posts_without_a_publication_date_say_so() {
    let file = br#"{"data":{"posts":[
        {"id":"1","title":"Dated by its edit","slug":"a","status":"published","updated_at":"2026-01-02T03:04:05.000Z"},
        {"id":"2","title":"No date at all","slug":"b","status":"published"}]}}"#;
    let out = ghost::convert(file, "x.json").unwrap();
    assert_eq!(find(&out, "a").published_at, Some(Utc.with_ymd_and_hms(2026, 1, 2, 3, 4, 5).unwrap()));
    assert_eq!(find(&out, "b").status, RecordStatus::Draft);
    let adjusted = reasons(&out.adjusted);
    assert!(adjusted.iter().any(|s| s.contains("`a`") && s.contains("last change")), "{adjusted:?}");
    assert!(adjusted.iter().any(|s| s.contains("`b`") && s.contains("draft")), "{adjusted:?}");
}
