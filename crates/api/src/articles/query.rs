//! Query parameters for article lists: filters, order, `include` and `formats`.

use chrono::{DateTime, Utc};
use newsdesk_persistence::articles::{ArticleFilter, ArticleSort, AssigneeFilter};
use serde::Deserialize;
use utoipa::IntoParams;

use super::view::Shape;
use crate::error::ApiError;
use crate::time::naive;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ArticleListQuery {
    /// Full-text search over title, summary and body (at most 200 characters). Results are
    /// ranked by relevance unless `sort` says otherwise, and each carries a `snippet`. A search
    /// looks at the newest 1,000 matches the other filters keep (the server's
    /// `NEWSDESK_SEARCH_WINDOW`; on SQLite newest by when they were added), ranks or sorts
    /// those, and `total` counts them; narrow it (for example with `published_before`) to reach
    /// older matches.
    #[param(max_length = 200)]
    pub q: Option<String>,
    /// Only articles in this section (slug).
    pub section: Option<String>,
    /// Only articles with this tag (slug).
    pub tag: Option<String>,
    /// Only articles by this author (slug).
    pub author: Option<String>,
    /// Only articles from this source (slug).
    pub source: Option<String>,
    /// Only articles published after this instant (RFC 3339).
    pub published_after: Option<DateTime<Utc>>,
    /// Only articles published before this instant (RFC 3339).
    pub published_before: Option<DateTime<Utc>>,
    /// Order: newest first by default.
    pub sort: Option<SortParam>,
    /// Relations to embed, comma-separated: `authors,tags,source,section,related,corrections`.
    #[param(
        example = "authors,tags,source,section",
        pattern = r"^((authors|tags|source|section|related|corrections)(,(authors|tags|source|section|related|corrections))*)?$"
    )]
    pub include: Option<String>,
    /// Body formats to embed, comma-separated: `html,markdown,text`. Lists carry no body unless asked.
    #[param(pattern = r"^((html|markdown|text)(,(html|markdown|text))*)?$")]
    pub formats: Option<String>,
    /// Only these top-level fields of each article, comma-separated (e.g. `slug,title,summary`).
    #[param(example = "slug,title,summary,published_at")]
    pub fields: Option<String>,
}

/// How a list is ordered.
#[derive(Debug, Clone, Copy, Default, Deserialize, utoipa::ToSchema)]
pub enum SortParam {
    /// Newest published first.
    #[default]
    #[serde(rename = "-published_at")]
    NewestPublished,
    #[serde(rename = "published_at")]
    OldestPublished,
    #[serde(rename = "-updated_at")]
    RecentlyUpdated,
    #[serde(rename = "title")]
    TitleAsc,
    #[serde(rename = "-title")]
    TitleDesc,
    /// Best match first (the default with `q`).
    #[serde(rename = "relevance")]
    Relevance,
}

/// `status` filter, admin API only.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StatusQuery {
    /// Only articles in this status.
    pub status: Option<newsdesk_domain::ArticleStatus>,
    /// Only articles assigned to this user (an id), to the caller (`me`), or to nobody (`none`).
    #[param(example = "me")]
    pub assignee: Option<String>,
}

impl StatusQuery {
    /// The `assignee` filter, `me` being `caller`. An unknown id keeps nothing, like a slug filter.
    pub fn assignee_filter(&self, caller: &str) -> Option<AssigneeFilter> {
        match self.assignee.as_deref()?.trim() {
            "me" => Some(AssigneeFilter::User(caller.to_owned())),
            "none" => Some(AssigneeFilter::Unassigned),
            id => Some(AssigneeFilter::User(id.to_owned())),
        }
    }
}

impl ArticleListQuery {
    /// The search text, trimmed; 422 when it is too long or has nothing to search for.
    pub fn search(&self) -> Result<Option<String>, ApiError> {
        let Some(q) = self.q.as_deref().map(str::trim) else { return Ok(None) };
        if q.chars().count() > 200 {
            return Err(ApiError::invalid("q", "must be at most 200 characters"));
        }
        if !q.chars().any(char::is_alphanumeric) {
            return Err(ApiError::invalid("q", "must contain a word to search for"));
        }
        Ok(Some(q.to_owned()))
    }

    pub fn filter(&self) -> Result<ArticleFilter, ApiError> {
        let mut v = newsdesk_domain::Violations::new();
        let published_after = v.time("published_after", self.published_after);
        let published_before = v.time("published_before", self.published_before);
        v.into_result()?;
        Ok(ArticleFilter {
            q: self.search()?,
            section: self.section.clone(),
            tag: self.tag.clone(),
            author: self.author.clone(),
            source: self.source.clone(),
            published_after: published_after.map(naive),
            published_before: published_before.map(naive),
            ..ArticleFilter::default()
        })
    }

    pub fn sort(&self) -> ArticleSort {
        let default = if self.q.is_some() { SortParam::Relevance } else { SortParam::NewestPublished };
        match self.sort.unwrap_or(default) {
            SortParam::NewestPublished => ArticleSort::NewestPublished,
            SortParam::OldestPublished => ArticleSort::OldestPublished,
            SortParam::RecentlyUpdated => ArticleSort::RecentlyUpdated,
            SortParam::TitleAsc => ArticleSort::TitleAsc,
            SortParam::TitleDesc => ArticleSort::TitleDesc,
            SortParam::Relevance => ArticleSort::Relevance,
        }
    }

    /// The response shape asked for; `public` hides unpublished related articles.
    pub fn shape(&self, public: bool) -> Result<Shape, ApiError> {
        let mut shape = Shape { public, ..Shape::default() };
        shape.apply_include(self.include.as_deref())?;
        shape.apply_formats(self.formats.as_deref(), false)?;
        Ok(shape)
    }
}

fn items(value: &str) -> impl Iterator<Item = &str> {
    value.split(',').map(str::trim).filter(|s| !s.is_empty())
}

/// Turns on the flag each comma-separated item of `value` names; an item naming no flag is an
/// invalid `param` (`what` says what an item is).
fn switch_on(param: &str, what: &str, value: &str, flags: &mut [(&str, &mut bool)]) -> Result<(), ApiError> {
    for item in items(value) {
        match flags.iter_mut().find(|(name, _)| *name == item) {
            Some((_, flag)) => **flag = true,
            None => {
                let known: Vec<&str> = flags.iter().map(|(name, _)| *name).collect();
                return Err(ApiError::invalid(param, format!("unknown {what} `{item}`; use {}", known.join(", "))));
            }
        }
    }
    Ok(())
}

impl Shape {
    pub fn apply_include(&mut self, include: Option<&str>) -> Result<(), ApiError> {
        let flags = &mut [
            ("authors", &mut self.authors),
            ("tags", &mut self.tags),
            ("source", &mut self.source),
            ("section", &mut self.section),
            ("related", &mut self.related),
            ("corrections", &mut self.corrections),
        ];
        switch_on("include", "relation", include.unwrap_or_default(), flags)
    }

    /// Sets the body formats; with none given, `html` when `default_html`.
    pub fn apply_formats(&mut self, formats: Option<&str>, default_html: bool) -> Result<(), ApiError> {
        let Some(formats) = formats else {
            self.html = default_html;
            return Ok(());
        };
        let flags = &mut [("html", &mut self.html), ("markdown", &mut self.markdown), ("text", &mut self.text)];
        switch_on("formats", "format", formats, flags)
    }
}

/// Names one list (endpoint, filters and order) so a cursor cannot be reused on another.
pub fn list_fingerprint(endpoint: &str, filter: &ArticleFilter, sort: ArticleSort) -> String {
    let canonical = format!("{filter:?}|{sort:?}");
    format!("{endpoint}:{:016x}", xxhash_rust::xxh3::xxh3_64(canonical.as_bytes()))
}
