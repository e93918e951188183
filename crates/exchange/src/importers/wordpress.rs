//! WordPress's export, WXR ("WordPress eXtended RSS"): an RSS 2.0 `<channel>` holding
//! `<wp:author>` entries and one `<item>` per post, page, attachment or menu item, with
//! `<wp:post_type>`, `<wp:status>`, `<wp:post_name>`, `<wp:post_date_gmt>`,
//! `<dc:creator>` (an author login), `<content:encoded>`, `<excerpt:encoded>`,
//! `<category domain="category|post_tag" nicename="…">Name</category>` and `<wp:postmeta>`.
//!
//! Read as a stream of XML events. WordPress always writes the `wp:`, `dc:`, `content:` and
//! `excerpt:` prefixes, so elements are matched by their prefixed names.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDateTime, Utc};
use newsdesk_domain::exchange::{ArticleRecord, AuthorRecord, ImageRecord, LabelRecord, RecordStatus};
use newsdesk_domain::Slug;
use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

use super::names::{term_slug, Slugs};
use super::{line_and_column, ConvertError, Converted};

/// WordPress's default category, given to every post nobody categorized: not a section.
const UNCATEGORIZED: &str = "uncategorized";

#[derive(Default)]
struct Item {
    title: String,
    pub_date: String,
    creator: String,
    content: String,
    excerpt: String,
    post_id: String,
    post_date: String,
    post_date_gmt: String,
    post_modified_gmt: String,
    post_name: String,
    status: String,
    post_type: String,
    attachment_url: String,
    /// `(domain, nicename, name)` in document order.
    categories: Vec<(String, String, String)>,
    meta: Vec<(String, String)>,
}

#[derive(Default)]
struct Export {
    language: Option<String>,
    /// Author login -> display name.
    authors: HashMap<String, String>,
    items: Vec<Item>,
}

/// Converts a WXR document.
pub fn convert(bytes: &[u8], name: &str) -> Result<Converted, ConvertError> {
    let export = parse(bytes, name)?;
    Ok(Converter::new(&export).run(&export))
}

fn parse(bytes: &[u8], name: &str) -> Result<Export, ConvertError> {
    let malformed = |offset: u64, message: String| {
        let (line, column) = line_and_column(bytes, usize::try_from(offset).unwrap_or(usize::MAX));
        ConvertError::Malformed { path: name.to_owned(), line, column, message }
    };
    let mut reader = Reader::from_reader(bytes);
    let mut buf = Vec::new();
    let mut stack: Vec<String> = Vec::new();
    let mut text = String::new();
    let mut export = Export::default();
    let mut item: Option<Item> = None;
    let mut category = (String::new(), String::new());
    let mut meta = (String::new(), String::new());
    let mut author = (String::new(), String::new());
    let mut saw_root = false;
    loop {
        let event = reader
            .read_event_into(&mut buf)
            .map_err(|e| malformed(reader.error_position(), format!("not well-formed XML: {e}")))?;
        match event {
            Event::Start(start) => {
                let element = element_name(&start);
                if stack.is_empty() {
                    if element != "rss" {
                        let message = format!("not a WordPress export: the root element is <{element}>, not <rss>");
                        return Err(malformed(reader.buffer_position(), message));
                    }
                    saw_root = true;
                }
                match (stack.last().map(String::as_str), element.as_str()) {
                    (Some("channel"), "item") => item = Some(Item::default()),
                    (Some("item"), "category") => {
                        let attribute = |key: &str| {
                            start
                                .try_get_attribute(key)
                                .ok()
                                .flatten()
                                .and_then(|a| a.unescape_value().ok().map(|v| v.into_owned()))
                                .unwrap_or_default()
                        };
                        category = (attribute("domain"), attribute("nicename"));
                    }
                    _ => {}
                }
                text.clear();
                stack.push(element);
            }
            Event::Empty(start) if stack.is_empty() => {
                let message = format!("not a WordPress export: the root element is <{}/>", element_name(&start));
                return Err(malformed(reader.buffer_position(), message));
            }
            Event::Text(t) => {
                let unescaped = t
                    .unescape()
                    .map_err(|e| malformed(reader.buffer_position(), format!("not well-formed XML: {e}")))?;
                text.push_str(&unescaped);
            }
            Event::CData(c) => text.push_str(&String::from_utf8_lossy(&c.into_inner())),
            Event::End(_) => {
                let element = stack.pop().unwrap_or_default();
                let value = std::mem::take(&mut text);
                match (stack.last().map(String::as_str), element.as_str()) {
                    (Some("channel"), "language") => export.language = Some(value.trim().to_owned()),
                    (Some("channel"), "item") => export.items.extend(item.take()),
                    (Some("channel"), "wp:author") => {
                        let (login, display) = std::mem::take(&mut author);
                        export.authors.insert(login, display);
                    }
                    (Some("wp:author"), "wp:author_login") => author.0 = value.trim().to_owned(),
                    (Some("wp:author"), "wp:author_display_name") => author.1 = value.trim().to_owned(),
                    (Some("wp:postmeta"), "wp:meta_key") => meta.0 = value,
                    (Some("wp:postmeta"), "wp:meta_value") => meta.1 = value,
                    (Some("item"), field) => {
                        if let Some(item) = item.as_mut() {
                            item.set(field, value, &mut category, &mut meta);
                        }
                    }
                    _ => {}
                }
            }
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    if let Some(open) = stack.last() {
        return Err(malformed(reader.buffer_position(), format!("the file ends inside <{open}>")));
    }
    if !saw_root {
        return Err(malformed(0, "not a WordPress export: no <rss> element".into()));
    }
    Ok(export)
}

fn element_name(start: &BytesStart<'_>) -> String {
    String::from_utf8_lossy(start.name().as_ref()).into_owned()
}

impl Item {
    fn set(&mut self, field: &str, value: String, category: &mut (String, String), meta: &mut (String, String)) {
        let slot = match field {
            "title" => &mut self.title,
            "pubDate" => &mut self.pub_date,
            "dc:creator" => &mut self.creator,
            "content:encoded" => &mut self.content,
            "excerpt:encoded" => &mut self.excerpt,
            "wp:post_id" => &mut self.post_id,
            "wp:post_date" => &mut self.post_date,
            "wp:post_date_gmt" => &mut self.post_date_gmt,
            "wp:post_modified_gmt" => &mut self.post_modified_gmt,
            "wp:post_name" => &mut self.post_name,
            "wp:status" => &mut self.status,
            "wp:post_type" => &mut self.post_type,
            "wp:attachment_url" => &mut self.attachment_url,
            "category" => {
                let (domain, nicename) = std::mem::take(category);
                self.categories.push((domain, nicename, value.trim().to_owned()));
                return;
            }
            "wp:postmeta" => {
                self.meta.push(std::mem::take(meta));
                return;
            }
            _ => return,
        };
        *slot = value;
    }

    fn meta<'a>(&'a self, key: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.meta.iter().filter(move |(k, _)| k == key).map(|(_, v)| v.trim())
    }
}

struct Converter<'a> {
    attachments: HashMap<&'a str, &'a str>,
    authors: &'a HashMap<String, String>,
    language: Option<String>,
    slugs: Slugs,
    out: Converted,
}

impl<'a> Converter<'a> {
    fn new(export: &'a Export) -> Self {
        let attachments = export
            .items
            .iter()
            .filter(|i| i.post_type == "attachment" && !i.attachment_url.trim().is_empty())
            .map(|i| (i.post_id.trim(), i.attachment_url.trim()))
            .collect();
        let language = export.language.as_deref().and_then(|l| newsdesk_domain::article::language(l).ok());
        Self { attachments, authors: &export.authors, language, slugs: Slugs::default(), out: Converted::default() }
    }

    fn run(mut self, export: &'a Export) -> Converted {
        for item in &export.items {
            if let Some(record) = self.item(item) {
                self.out.records.push(record);
            }
        }
        self.out
    }

    fn item(&mut self, item: &Item) -> Option<ArticleRecord> {
        let label = format!("item `{}` (post_id {})", item.post_name.trim(), item.post_id.trim());
        match item.post_type.trim() {
            "post" => {}
            "page" => return self.skipped(label, "a page, not an article"),
            "attachment" => return self.skipped(label, "an attachment (a media file), not an article"),
            other => return self.skipped(label, format!("post type `{other}` is not an article")),
        }
        let (mut status, note) = match item.status.trim() {
            "publish" => (RecordStatus::Published, None),
            "future" => (RecordStatus::Scheduled, None),
            "draft" => (RecordStatus::Draft, None),
            "pending" => (RecordStatus::InReview, None),
            "private" => (RecordStatus::Draft, Some("private in WordPress; imported as a draft so it stays unpublic")),
            "trash" => return self.skipped(label, "in the WordPress trash"),
            "auto-draft" => return self.skipped(label, "an auto-draft WordPress created, never saved by a person"),
            other => return self.skipped(label, format!("status `{other}` is not one Newsdesk knows")),
        };
        let title = item.title.trim();
        if title.is_empty() {
            return self.skipped(label, "no title");
        }
        let (slug, slug_note) = match self.slugs.article(Some(&item.post_name), title) {
            Ok(found) => found,
            Err(reason) => return self.skipped(label, reason),
        };
        let label = format!("item `{slug}` (post_id {})", item.post_id.trim());
        for note in note.map(str::to_owned).into_iter().chain(slug_note) {
            self.out.adjust(&label, note);
        }
        let created_at = gmt(&item.post_date_gmt);
        let mut published_at = None;
        if status.needs_date() {
            published_at = created_at.or_else(|| rfc2822(&item.pub_date));
            if published_at.is_none() {
                let taken = "no GMT date; its local `wp:post_date` was taken as UTC";
                published_at = self.out.fallback_date(&label, gmt(&item.post_date), taken, &mut status);
            }
        }
        let (section, tags) = self.terms(item);
        let previous_slugs = self.previous_slugs(item, &slug);
        Some(ArticleRecord {
            slug: slug.into_inner(),
            title: title.to_owned(),
            summary: Some(item.excerpt.trim().to_owned()).filter(|s| !s.is_empty()),
            body: item.content.clone(),
            status,
            published_at,
            created_at,
            updated_at: gmt(&item.post_modified_gmt),
            language: self.language.clone(),
            featured_image: self.image(&label, item),
            section,
            authors: self.author(&label, item),
            tags,
            previous_slugs,
            ..ArticleRecord::new("", "")
        })
    }

    fn skipped(&mut self, item: String, reason: impl Into<String>) -> Option<ArticleRecord> {
        self.out.skip(item, reason);
        None
    }

    fn author(&mut self, label: &str, item: &Item) -> Vec<AuthorRecord> {
        let login = item.creator.trim();
        if login.is_empty() {
            return Vec::new();
        }
        let name = self.authors.get(login).map(String::as_str).filter(|n| !n.is_empty()).unwrap_or(login);
        match term_slug(Some(login), name) {
            Some(slug) => vec![AuthorRecord { slug, name: name.to_owned(), bio: None }],
            None => {
                self.out.adjust(label, format!("author `{login}` has no usable slug; left out"));
                Vec::new()
            }
        }
    }

    /// The first real category is the section; further categories and the tags are tags.
    fn terms(&self, item: &Item) -> (Option<LabelRecord>, Vec<LabelRecord>) {
        let mut section = None;
        let mut tags: Vec<LabelRecord> = Vec::new();
        for (domain, nicename, name) in &item.categories {
            let Some(slug) = term_slug(Some(nicename), name) else { continue };
            let label = LabelRecord { slug, name: if name.is_empty() { nicename.clone() } else { name.clone() } };
            match domain.as_str() {
                "category" if label.slug == UNCATEGORIZED => {}
                "category" if section.is_none() => section = Some(label),
                "category" | "post_tag" if !tags.iter().any(|t| t.slug == label.slug) => tags.push(label),
                _ => {}
            }
        }
        (section, tags)
    }

    fn image(&mut self, label: &str, item: &Item) -> Option<ImageRecord> {
        let id = item.meta("_thumbnail_id").next()?;
        let Some(url) = self.attachments.get(id) else {
            self.out.adjust(label, format!("featured image (attachment {id}) is not in the export; left out"));
            return None;
        };
        // The same check the article rules apply, so an odd URL drops the image, not the article.
        if newsdesk_domain::validation::http_url(url).is_err() {
            self.out.adjust(label, format!("featured image `{url}` is not an absolute http(s) URL; left out"));
            return None;
        }
        Some(ImageRecord { url: (*url).to_owned(), alt: None, caption: None, credit: None })
    }

    /// WordPress keeps the slugs a post had before in `_wp_old_slug`; they become redirects.
    fn previous_slugs(&self, item: &Item, current: &Slug) -> Vec<String> {
        let mut previous: Vec<String> = Vec::new();
        for old in item.meta("_wp_old_slug") {
            if Slug::parse(old).is_ok() && old != current.as_str() && !previous.iter().any(|p| p == old) {
                previous.push(old.to_owned());
            }
        }
        previous
    }
}

/// A `wp:post_date_gmt`; WordPress writes `0000-00-00 00:00:00` for "none".
fn gmt(value: &str) -> Option<DateTime<Utc>> {
    NaiveDateTime::parse_from_str(value.trim(), "%Y-%m-%d %H:%M:%S").ok().map(|n| n.and_utc())
}

fn rfc2822(value: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc2822(value.trim()).ok().map(|d| d.with_timezone(&Utc))
}
