//! Ghost's JSON export (Settings → Advanced → Export): `{"db":[{"meta":{…},"data":{…}}]}`,
//! or the same `{"meta","data"}` object unwrapped. `data` mirrors Ghost's tables: `posts`,
//! `users`, `tags`, and the join tables `posts_authors`, `posts_tags` (ordered by
//! `sort_order`) and `posts_meta`.

use std::collections::{BTreeSet, HashMap};

use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};
use newsdesk_domain::exchange::{ArticleRecord, AuthorRecord, ImageRecord, LabelRecord, RecordStatus};
use serde::Deserialize;
use serde_json::Value;

use super::names::{term_slug, Slugs};
use super::{ConvertError, Converted};

/// Ghost writes its own origin as this placeholder so an export can move between domains;
/// removing it leaves root-relative links.
const URL_PLACEHOLDER: &str = "__GHOST_URL__";

#[derive(Deserialize)]
struct File {
    #[serde(default)]
    db: Vec<Export>,
    data: Option<Data>,
}

#[derive(Deserialize)]
struct Export {
    data: Data,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Data {
    posts: Vec<Post>,
    users: Vec<User>,
    tags: Vec<Tag>,
    posts_tags: Vec<Link>,
    posts_authors: Vec<Link>,
    posts_meta: Vec<PostMeta>,
    settings: Vec<Setting>,
}

/// Ids are strings in current exports and numbers in old ones.
#[derive(Deserialize, Clone, PartialEq, Eq, Hash, Debug)]
#[serde(untagged)]
enum Id {
    Text(String),
    Number(i64),
}

impl std::fmt::Display for Id {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Id::Text(t) => f.write_str(t),
            Id::Number(n) => write!(f, "{n}"),
        }
    }
}

#[derive(Deserialize)]
struct Post {
    id: Id,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    slug: Option<String>,
    #[serde(default)]
    html: Option<String>,
    #[serde(default)]
    lexical: Option<String>,
    #[serde(default)]
    mobiledoc: Option<String>,
    #[serde(default)]
    custom_excerpt: Option<String>,
    #[serde(default)]
    feature_image: Option<String>,
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    visibility: Option<String>,
    #[serde(default, rename = "type")]
    kind: Option<String>,
    /// Before Ghost 2 a page was a post with `page: true` (or 1).
    #[serde(default)]
    page: Option<Value>,
    #[serde(default)]
    created_at: Option<Value>,
    #[serde(default)]
    updated_at: Option<Value>,
    #[serde(default)]
    published_at: Option<Value>,
    #[serde(default)]
    author_id: Option<Id>,
}

#[derive(Deserialize)]
struct User {
    id: Id,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    slug: Option<String>,
    #[serde(default)]
    bio: Option<String>,
}

#[derive(Deserialize)]
struct Tag {
    id: Id,
    name: String,
    #[serde(default)]
    slug: Option<String>,
    #[serde(default)]
    visibility: Option<String>,
}

/// A row of `posts_tags` or `posts_authors`: a post and the tag or user it points at.
#[derive(Deserialize)]
struct Link {
    post_id: Id,
    #[serde(alias = "tag_id", alias = "author_id")]
    target: Id,
    #[serde(default)]
    sort_order: Option<i64>,
}

#[derive(Deserialize)]
struct PostMeta {
    post_id: Id,
    #[serde(default)]
    feature_image_alt: Option<String>,
    #[serde(default)]
    feature_image_caption: Option<String>,
}

#[derive(Deserialize)]
struct Setting {
    key: String,
    #[serde(default)]
    value: Option<Value>,
}

/// Converts a Ghost export document.
pub fn convert(bytes: &[u8], name: &str) -> Result<Converted, ConvertError> {
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let file: File = serde_path_to_error::deserialize(&mut deserializer).map_err(|e| malformed(name, &e))?;
    let data = match (file.db.into_iter().next(), file.data) {
        (Some(export), _) => export.data,
        (None, Some(data)) => data,
        (None, None) => {
            return Err(ConvertError::Malformed {
                path: name.to_owned(),
                line: 1,
                column: 1,
                message: "not a Ghost export: expected `{\"db\":[{\"meta\":…,\"data\":…}]}`".into(),
            })
        }
    };
    Ok(Converter::new(&data).run(&data))
}

fn malformed(name: &str, error: &serde_path_to_error::Error<serde_json::Error>) -> ConvertError {
    let inner = error.inner();
    let text = inner.to_string();
    // serde_json appends the position to its message; it goes in its own fields instead.
    let text = text.rsplit_once(" at line ").map_or(text.as_str(), |(m, _)| m);
    let path = error.path().to_string();
    let message = if path == "." { text.to_owned() } else { format!("at `{path}`: {text}") };
    ConvertError::Malformed { path: name.to_owned(), line: inner.line(), column: inner.column(), message }
}

struct Converter<'a> {
    users: HashMap<&'a Id, &'a User>,
    tags: HashMap<&'a Id, &'a Tag>,
    post_tags: HashMap<&'a Id, Vec<&'a Link>>,
    post_authors: HashMap<&'a Id, Vec<&'a Link>>,
    meta: HashMap<&'a Id, &'a PostMeta>,
    language: Option<String>,
    internal_tags: BTreeSet<String>,
    slugs: Slugs,
    out: Converted,
}

impl<'a> Converter<'a> {
    fn new(data: &'a Data) -> Self {
        let ordered = |links: &'a [Link]| {
            let mut by_post: HashMap<&Id, Vec<&Link>> = HashMap::new();
            for link in links {
                by_post.entry(&link.post_id).or_default().push(link);
            }
            // Stable, so rows without `sort_order` keep the file's order.
            by_post.values_mut().for_each(|v| v.sort_by_key(|l| l.sort_order.unwrap_or(0)));
            by_post
        };
        let language = data
            .settings
            .iter()
            .find(|s| s.key == "locale")
            .and_then(|s| s.value.as_ref()?.as_str())
            .and_then(|l| newsdesk_domain::article::language(l).ok());
        Self {
            users: data.users.iter().map(|u| (&u.id, u)).collect(),
            tags: data.tags.iter().map(|t| (&t.id, t)).collect(),
            post_tags: ordered(&data.posts_tags),
            post_authors: ordered(&data.posts_authors),
            meta: data.posts_meta.iter().map(|m| (&m.post_id, m)).collect(),
            language,
            internal_tags: BTreeSet::new(),
            slugs: Slugs::default(),
            out: Converted::default(),
        }
    }

    fn run(mut self, data: &'a Data) -> Converted {
        for post in &data.posts {
            if let Some(record) = self.post(post) {
                self.out.records.push(record);
            }
        }
        for tag in std::mem::take(&mut self.internal_tags) {
            self.out.skip(format!("tag `{tag}`"), "internal tag (Ghost uses these for theming); left off every post");
        }
        self.out
    }

    fn post(&mut self, post: &'a Post) -> Option<ArticleRecord> {
        let item = format!("post `{}` (id {})", post.slug.as_deref().unwrap_or(""), post.id);
        let is_page = post.kind.as_deref() == Some("page")
            || matches!(post.page, Some(Value::Bool(true)))
            || post.page.as_ref().and_then(Value::as_i64) == Some(1);
        if is_page {
            self.out.skip(item, "a page, not an article");
            return None;
        }
        let title = post.title.as_deref().map(str::trim).unwrap_or_default();
        if title.is_empty() {
            self.out.skip(item, "no title");
            return None;
        }
        let mut status = match post.status.as_deref().unwrap_or("draft") {
            "published" => RecordStatus::Published,
            "draft" => RecordStatus::Draft,
            "scheduled" => RecordStatus::Scheduled,
            "sent" => {
                self.out.skip(item, "sent as an email newsletter only, never on the web");
                return None;
            }
            other => {
                self.out.skip(item, format!("status `{other}` is not one Newsdesk knows"));
                return None;
            }
        };
        let (slug, note) = match self.slugs.article(post.slug.as_deref(), title) {
            Ok(found) => found,
            Err(reason) => {
                self.out.skip(item, reason);
                return None;
            }
        };
        let item = format!("post `{slug}` (id {})", post.id);
        if let Some(note) = note {
            self.out.adjust(&item, note);
        }
        let visibility = post.visibility.as_deref().unwrap_or("public");
        if visibility != "public" && status != RecordStatus::Draft {
            self.out.adjust(
                &item,
                format!(
                    "visible only to `{visibility}` readers in Ghost; imported as a draft so it does not become public"
                ),
            );
            status = RecordStatus::Draft;
        }
        let created_at = self.date(&item, "created_at", post.created_at.as_ref());
        let updated_at = self.date(&item, "updated_at", post.updated_at.as_ref());
        let mut published_at = self.date(&item, "published_at", post.published_at.as_ref());
        if published_at.is_none() && status != RecordStatus::Draft {
            let taken = "no `published_at`; its last change date was taken";
            published_at = self.out.fallback_date(&item, updated_at.or(created_at), taken, &mut status);
        }
        let body = match (&post.html, &post.lexical, &post.mobiledoc) {
            (Some(html), _, _) => html.replace(URL_PLACEHOLDER, ""),
            (None, None, None) => String::new(),
            (None, _, _) => {
                self.out.adjust(&item, "the export holds no HTML rendition of this post; body left empty");
                String::new()
            }
        };
        let (tags, section) = self.tags(&post.id);
        Some(ArticleRecord {
            slug: slug.into_inner(),
            title: title.to_owned(),
            summary: post.custom_excerpt.clone().filter(|s| !s.trim().is_empty()),
            body,
            status,
            published_at,
            created_at,
            updated_at,
            language: self.language.clone(),
            source_url: None,
            featured_image: self.image(&item, post),
            section,
            source: None,
            authors: self.authors(&item, post),
            tags,
            related: Vec::new(),
            previous_slugs: Vec::new(),
            meta_title: None,
            meta_description: None,
            social_image_url: None,
            canonical_url: None,
        })
    }

    fn date(&mut self, item: &str, field: &str, value: Option<&Value>) -> Option<DateTime<Utc>> {
        let value = value.filter(|v| !v.is_null())?;
        let parsed = parse_date(value);
        if parsed.is_none() {
            self.out.adjust(item, format!("`{field}` {value} is not a date; left out"));
        }
        parsed
    }

    fn authors(&mut self, item: &str, post: &Post) -> Vec<AuthorRecord> {
        let ids: Vec<&Id> = match self.post_authors.get(&post.id) {
            Some(links) => links.iter().map(|l| &l.target).collect(),
            None => post.author_id.iter().collect(),
        };
        let mut authors: Vec<AuthorRecord> = Vec::new();
        for id in ids {
            let Some(user) = self.users.get(id) else {
                self.out.adjust(item, format!("author id {id} is not among the export's users; left out"));
                continue;
            };
            let name = user.name.clone().filter(|n| !n.trim().is_empty()).unwrap_or_else(|| id.to_string());
            match term_slug(user.slug.as_deref(), &name) {
                Some(slug) if !authors.iter().any(|a| a.slug == slug) => {
                    authors.push(AuthorRecord { slug, name, bio: user.bio.clone().filter(|b| !b.trim().is_empty()) })
                }
                Some(_) => {}
                None => self.out.adjust(item, format!("author `{name}` has no usable slug; left out")),
            }
        }
        authors
    }

    /// The post's public tags in order; the first (Ghost's primary tag) is also its section.
    fn tags(&mut self, post: &Id) -> (Vec<LabelRecord>, Option<LabelRecord>) {
        let mut tags: Vec<LabelRecord> = Vec::new();
        for link in self.post_tags.get(post).map(Vec::as_slice).unwrap_or_default() {
            let Some(tag) = self.tags.get(&link.target) else { continue };
            if tag.visibility.as_deref() == Some("internal") || tag.name.starts_with('#') {
                self.internal_tags.insert(tag.name.clone());
                continue;
            }
            if let Some(slug) = term_slug(tag.slug.as_deref(), &tag.name) {
                if !tags.iter().any(|t| t.slug == slug) {
                    tags.push(LabelRecord { slug, name: tag.name.clone() });
                }
            }
        }
        let section = tags.first().cloned();
        (tags, section)
    }

    fn image(&mut self, item: &str, post: &Post) -> Option<ImageRecord> {
        let raw = post.feature_image.as_deref().filter(|u| !u.trim().is_empty())?;
        let url = raw.replace(URL_PLACEHOLDER, "");
        // The same check the article rules apply, so an odd URL drops the image, not the article.
        if newsdesk_domain::validation::http_url(&url).is_err() {
            self.out.adjust(item, format!("feature image `{raw}` is not an absolute http(s) URL; left out"));
            return None;
        }
        let meta = self.meta.get(&post.id);
        Some(ImageRecord {
            url,
            alt: meta.and_then(|m| m.feature_image_alt.clone()),
            caption: meta.and_then(|m| m.feature_image_caption.clone()),
            credit: None,
        })
    }
}

/// Ghost dates: ISO 8601 in current exports, `YYYY-MM-DD HH:MM:SS` (UTC) in hand-made ones,
/// epoch milliseconds in old ones.
fn parse_date(value: &Value) -> Option<DateTime<Utc>> {
    match value {
        Value::String(text) => DateTime::parse_from_rfc3339(text)
            .map(|d| d.with_timezone(&Utc))
            .or_else(|_| NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S%.f").map(|n| n.and_utc()))
            .ok(),
        Value::Number(n) => n.as_i64().and_then(|ms| Utc.timestamp_millis_opt(ms).single()),
        _ => None,
    }
}
