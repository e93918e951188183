//! Writing articles: the field rules are the domain's (`newsdesk_domain::article_input`); here
//! the relations are resolved and the rows written. Everything runs inside the caller's
//! transaction, so a rejected reference (an unknown author slug, say) leaves nothing
//! half-written.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDateTime;
use newsdesk_domain::article::{MAX_LINKS, MAX_TITLE};
use newsdesk_domain::article_input as field;
use newsdesk_domain::validation::{http_url, required_text};
use newsdesk_domain::{body, embargo, Action, ArticleStatus, Violations};
use newsdesk_persistence::articles::relations::{self, LinkTarget};
use newsdesk_persistence::articles::{self as store, assignments, slugs, ArticleChanges, ArticleRow, NewArticle};
use newsdesk_persistence::{authors, new_id, now, sections, sources, tags, DbConn, StoreResult};

use super::history::{after_change, Saved};
use super::input::{ArticleCreate, ArticlePatch, FeaturedImage, RelatedIn};
use crate::actor::{Actor, Caller};
use crate::change::ArticleAction;
use crate::error::{NewsroomError, NewsroomResult};
use crate::precondition::Precondition;
use crate::time::naive;
use crate::tx::{Recorded, Tx};

/// Resolves a list of slugs to ids, in order, reporting unknown and repeated ones by index.
fn resolve_slugs(
    v: &mut Violations,
    field: &str,
    slugs: &[String],
    lookup: impl FnOnce(&[String]) -> StoreResult<HashMap<String, String>>,
) -> StoreResult<Vec<String>> {
    if slugs.len() > MAX_LINKS {
        v.add(field, format!("must list at most {MAX_LINKS} entries"));
        return Ok(Vec::new());
    }
    let found = lookup(slugs)?;
    let mut seen = HashSet::new();
    let mut ids = Vec::with_capacity(slugs.len());
    for (i, slug) in slugs.iter().enumerate() {
        match found.get(slug) {
            Some(_) if !seen.insert(slug) => v.add(format!("{field}[{i}]"), "is listed twice"),
            Some(id) => ids.push(id.clone()),
            None => v.add(format!("{field}[{i}]"), format!("no {} with slug `{slug}`", field.trim_end_matches('s'))),
        }
    }
    Ok(ids)
}

/// Resolves one optional slug (section or source) to an id.
fn resolve_one(
    v: &mut Violations,
    field: &str,
    slug: &str,
    lookup: impl FnOnce(&[String]) -> StoreResult<HashMap<String, String>>,
) -> StoreResult<Option<String>> {
    let found = lookup(&[slug.to_owned()])?;
    let id = found.get(slug).cloned();
    if id.is_none() {
        v.add(field, format!("no {field} with slug `{slug}`"));
    }
    Ok(id)
}

/// The user whose view limits which articles may be linked: authors and contributors may
/// link only published articles and their own, so a link never reveals someone else's draft.
fn restricted_viewer(user: Option<&Caller>) -> Option<&str> {
    user.filter(|u| u.require(Action::ReadOthersArticles).is_err()).map(|u| u.id.as_str())
}

fn resolve_related(
    conn: &mut DbConn,
    v: &mut Violations,
    related: &[RelatedIn],
    own_id: Option<&str>,
    viewer: Option<&str>,
) -> StoreResult<Vec<LinkTarget>> {
    if related.len() > MAX_LINKS {
        v.add("related", format!("must list at most {MAX_LINKS} entries"));
        return Ok(Vec::new());
    }
    let slugs: Vec<String> = related.iter().filter_map(|r| r.article.clone()).collect();
    let ids = store::ids_by_slug(conn, &slugs, viewer)?;
    let mut links = Vec::with_capacity(related.len());
    for (i, entry) in related.iter().enumerate() {
        let field = format!("related[{i}]");
        match (&entry.article, &entry.url) {
            (Some(slug), None) if entry.title.is_none() && entry.source_name.is_none() => match ids.get(slug) {
                Some(id) if Some(id.as_str()) == own_id => {
                    v.add(format!("{field}.article"), "an article cannot be related to itself")
                }
                Some(id) => links.push(LinkTarget::Article { id: id.clone() }),
                None => v.add(format!("{field}.article"), format!("no article with slug `{slug}`")),
            },
            (None, Some(url)) => {
                let url = v.check(&format!("{field}.url"), http_url(url));
                let title = entry
                    .title
                    .as_deref()
                    .and_then(|t| v.check(&format!("{field}.title"), required_text(t, MAX_TITLE)));
                let source_name = entry
                    .source_name
                    .as_deref()
                    .and_then(|s| v.check(&format!("{field}.source_name"), required_text(s, 200)));
                if let Some(url) = url {
                    links.push(LinkTarget::External { url, title, source_name });
                }
            }
            (Some(_), None) => {
                v.add(&field, "an article link takes only `article`; title and source come from that article")
            }
            _ => v.add(&field, "give exactly one of `article` (a slug) or `url`"),
        }
    }
    Ok(links)
}

/// 409 when `slug` still redirects to another article: old links must keep working.
fn check_slug_free(conn: &mut DbConn, slug: &str, article_id: Option<&str>) -> NewsroomResult<()> {
    match slugs::owner_of(conn, slug)? {
        Some(owner) if Some(owner.as_str()) != article_id => {
            Err(NewsroomError::Conflict(vec![newsdesk_domain::FieldError {
                field: "slug".into(),
                message: "is taken: it still redirects to another article".into(),
            }]))
        }
        _ => Ok(()),
    }
}

/// Variants of a slug tried per query, and the most tried before giving up with the 409.
const VARIANTS_PER_QUERY: usize = 50;
const MOST_VARIANTS: usize = 1000;

/// The slug an article of `caller` gets when it asks for `wanted`. A caller who cannot read
/// every article gets the first free variant (`wanted-2`, `wanted-3`, …) when any other article
/// holds `wanted`, as Ghost and WordPress do, whoever holds it and in whatever state: so the
/// answer never tells them that an article they may not read exists, nor anything about it.
/// Editors and admins, who can see what holds a slug, keep `wanted` (and get the 409).
pub fn slug_for(
    conn: &mut DbConn,
    wanted: &str,
    article_id: Option<&str>,
    caller: Option<&Caller>,
) -> NewsroomResult<String> {
    if caller.is_none_or(Caller::sees_all_articles) {
        return Ok(wanted.to_owned());
    }
    for first in (0..MOST_VARIANTS).step_by(VARIANTS_PER_QUERY) {
        let candidates: Vec<String> = (first..first + VARIANTS_PER_QUERY).map(|n| slug_variant(wanted, n)).collect();
        let taken = slugs::taken(conn, &candidates, article_id)?;
        if let Some(free) = candidates.into_iter().find(|slug| !taken.contains(slug)) {
            return Ok(free);
        }
    }
    Ok(wanted.to_owned())
}

/// `slug` itself for 0, else `slug-2`, `slug-3`, …, shortened to fit the longest slug.
fn slug_variant(slug: &str, n: usize) -> String {
    if n == 0 {
        return slug.to_owned();
    }
    let suffix = format!("-{}", n + 1);
    let room = newsdesk_domain::slug::MAX_SLUG_LEN.saturating_sub(suffix.len()).min(slug.len());
    format!("{}{suffix}", slug[..room].trim_end_matches('-'))
}

/// Moves an article to a new slug; a published article keeps its old one as a redirect.
pub fn change_slug(conn: &mut DbConn, current: &ArticleRow, new_slug: &str) -> NewsroomResult<()> {
    if current.slug == new_slug {
        return Ok(());
    }
    check_slug_free(conn, new_slug, Some(&current.id))?;
    slugs::reclaim(conn, &current.id, new_slug)?;
    if current.status == ArticleStatus::Published {
        slugs::remember(conn, &current.id, &current.slug)?;
    }
    Ok(())
}

/// 409 unless the article is out of the trash, and not retracted (a retraction is a public
/// record: the article is kept as it was retracted, its slug included).
pub fn not_trashed(row: &ArticleRow) -> NewsroomResult<()> {
    if row.trashed_at.is_some() {
        return Err(NewsroomError::InvalidState("the article is in the trash; restore it first".into()));
    }
    if row.status == ArticleStatus::Retracted {
        return Err(newsdesk_domain::article::Refused::Retracted.into());
    }
    Ok(())
}

/// Creates a draft (or, for demo content and imports, an article with a given status and date).
pub fn create(
    tx: &mut Tx,
    input: ArticleCreate,
    user: Option<&Caller>,
    status: ArticleStatus,
    published_at: Option<NaiveDateTime>,
    actor: &Actor,
) -> NewsroomResult<Recorded<Saved>> {
    let conn = tx.conn();
    let mut v = Violations::new();
    let fields = input.fields().check(&mut v);
    let embargo_until = v.time("embargo_until", input.embargo_until).map(naive);
    let section_id = match &input.section {
        Some(slug) => resolve_one(&mut v, "section", slug, |s| sections::ids_by_slug(conn, s))?,
        None => None,
    };
    let source_id = match &input.source {
        Some(slug) => resolve_one(&mut v, "source", slug, |s| sources::ids_by_slug(conn, s))?,
        None => None,
    };
    let author_ids = resolve_slugs(&mut v, "authors", input.authors.as_deref().unwrap_or_default(), |s| {
        authors::ids_by_slug(conn, s)
    })?;
    let tag_ids =
        resolve_slugs(&mut v, "tags", input.tags.as_deref().unwrap_or_default(), |s| tags::ids_by_slug(conn, s))?;
    let links =
        resolve_related(conn, &mut v, input.related.as_deref().unwrap_or_default(), None, restricted_viewer(user))?;
    v.into_result()?;
    let mut fields = fields.ok_or_else(|| NewsroomError::Internal("validated article fields missing".into()))?;
    fields.slug = slug_for(conn, &fields.slug, None, user)?;
    check_slug_free(conn, &fields.slug, None)?;
    let at = now();
    let published_at = published_at.or_else(|| (status == ArticleStatus::Published).then_some(at));
    if let Some(until) = embargo_until {
        embargo::may_set(status, published_at, until, at)?;
    }
    let created_by = user.map(|u| u.id.clone());
    let new = NewArticle {
        section_id,
        source_id,
        embargo_until,
        ..NewArticle::of(new_id(), fields, status, published_at, created_by, (at, at))
    };
    let row = store::insert(conn, &new)?;
    // A new article has no relations to replace.
    relations::add_authors(conn, &row.id, &author_ids)?;
    relations::add_tags(conn, &row.id, &tag_ids)?;
    relations::add_links(conn, &row.id, &links)?;
    Ok(after_change(tx, row, ArticleAction::Create, actor)?)
}

/// Loads an article and checks the user may edit it.
pub fn editable(conn: &mut DbConn, id: &str, user: &Caller) -> NewsroomResult<ArticleRow> {
    let row = visible(conn, id, user)?;
    if check_visible(&row, user).is_err() {
        // Visible, but neither theirs nor the role's: it is assigned to them.
        let public =
            matches!(row.status, ArticleStatus::Scheduled | ArticleStatus::Published | ArticleStatus::Retracted);
        user.require(Action::EditAssignedArticle { public })?;
        return Ok(row);
    }
    let own = row.created_by.as_deref() == Some(user.id.as_str());
    user.require(Action::EditArticle { own, published: row.status != ArticleStatus::Draft })?;
    Ok(row)
}

/// [`editable`], but not through an assignment: an article assigned to a writer is theirs to
/// edit, not to trash or take out of the trash (the desk's and its creator's call).
pub fn trashable(conn: &mut DbConn, id: &str, user: &Caller) -> NewsroomResult<ArticleRow> {
    let row = editable(conn, id, user)?;
    if check_visible(&row, user).is_err() {
        return Err(NewsroomError::Forbidden("an article assigned to you is not yours to trash or restore".into()));
    }
    Ok(row)
}

/// 404 unless the user may see the article (their own, or any for editors and admins); others'
/// articles are not even confirmed to exist.
pub fn check_visible(row: &ArticleRow, user: &Caller) -> NewsroomResult<()> {
    if row.created_by.as_deref() != Some(user.id.as_str()) && !user.sees_all_articles() {
        return Err(NewsroomError::NotFound("article"));
    }
    Ok(())
}

/// 404 unless the user may see the article: [`check_visible`], or it is assigned to them.
pub fn may_see(conn: &mut DbConn, row: &ArticleRow, user: &Caller) -> NewsroomResult<()> {
    if check_visible(row, user).is_ok() || assignments::is_assigned(conn, &row.id, &user.id)? {
        return Ok(());
    }
    Err(NewsroomError::NotFound("article"))
}

/// Article `id` if the user may see it (as [`visible`]), none if it is hidden from them: for
/// reads, which answer in storage's terms.
pub fn readable(conn: &mut DbConn, id: &str, user: &Caller) -> StoreResult<Option<ArticleRow>> {
    let row = store::find(conn, id)?;
    let seen = check_visible(&row, user).is_ok() || assignments::is_assigned(conn, &row.id, &user.id)?;
    Ok(seen.then_some(row))
}

/// Loads an article the user may see (theirs, assigned to them, or any for editors and admins).
pub fn visible(conn: &mut DbConn, id: &str, user: &Caller) -> NewsroomResult<ArticleRow> {
    let row = store::find(conn, id).map_err(NewsroomError::not_found_as("article"))?;
    may_see(conn, &row, user)?;
    Ok(row)
}

/// Applies a PATCH: columns and whole-list relations, one new version.
pub fn update(
    tx: &mut Tx,
    id: &str,
    precondition: Precondition,
    patch: ArticlePatch,
    user: &Caller,
) -> NewsroomResult<Recorded<Saved>> {
    let conn = tx.conn();
    let current = editable(conn, id, user)?;
    super::locks::check_unlocked(conn, id, user)?;
    let expected = precondition.required(patch.version)?.expect(current.version)?;
    // A `version` in the body must match too, whatever the header says.
    if patch.version.is_some_and(|v| v != current.version) {
        return Err(NewsroomError::PreconditionFailed { current: current.version });
    }
    not_trashed(&current)?;
    let mut v = Violations::new();
    let mut changes = ArticleChanges {
        title: patch.title.as_deref().and_then(|t| field::title(&mut v, t)),
        slug: patch.slug.as_deref().and_then(|s| field::slug(&mut v, s)),
        summary: patch.summary.map(|s| s.and_then(|s| field::summary(&mut v, &s))),
        language: patch.language.as_deref().and_then(|l| field::language_tag(&mut v, l)),
        source_url: patch.source_url.map(|u| u.and_then(|u| field::source_url(&mut v, &u))),
        embargo_until: patch.embargo_until.map(|at| v.time("embargo_until", at).map(naive)),
        meta_title: patch.meta_title.map(|t| t.and_then(|t| field::meta_title(&mut v, &t))),
        meta_description: patch.meta_description.map(|d| d.and_then(|d| field::meta_description(&mut v, &d))),
        social_image_url: patch.social_image_url.map(|u| u.and_then(|u| field::social_image_url(&mut v, &u))),
        canonical_url: patch.canonical_url.map(|u| u.and_then(|u| field::canonical_url(&mut v, &u))),
        ..ArticleChanges::default()
    };
    if let Some(markdown) = patch.body.as_deref().and_then(|b| field::body(&mut v, b)) {
        let rendered = body::render(&markdown);
        changes.body_markdown = Some(markdown);
        changes.body_html = Some(rendered.html);
        changes.body_text = Some(rendered.text);
        changes.word_count = Some(rendered.word_count);
        changes.reading_time_minutes = Some(rendered.reading_time_minutes);
    }
    if let Some(image) = &patch.featured_image {
        let [url, alt, caption, credit] = field::featured_image(&mut v, image.as_ref().map(FeaturedImage::input));
        (changes.featured_image_url, changes.featured_image_alt) = (Some(url), Some(alt));
        (changes.featured_image_caption, changes.featured_image_credit) = (Some(caption), Some(credit));
    }
    if let Some(section) = &patch.section {
        changes.section_id = Some(match section {
            Some(slug) => resolve_one(&mut v, "section", slug, |s| sections::ids_by_slug(conn, s))?,
            None => None,
        });
    }
    if let Some(source) = &patch.source {
        changes.source_id = Some(match source {
            Some(slug) => resolve_one(&mut v, "source", slug, |s| sources::ids_by_slug(conn, s))?,
            None => None,
        });
    }
    let author_ids = match &patch.authors {
        Some(slugs) => Some(resolve_slugs(&mut v, "authors", slugs, |s| authors::ids_by_slug(conn, s))?),
        None => None,
    };
    let tag_ids = match &patch.tags {
        Some(slugs) => Some(resolve_slugs(&mut v, "tags", slugs, |s| tags::ids_by_slug(conn, s))?),
        None => None,
    };
    let links = match &patch.related {
        Some(related) => {
            Some(resolve_related(conn, &mut v, related, Some(&current.id), restricted_viewer(Some(user)))?)
        }
        None => None,
    };
    v.into_result()?;
    if let Some(Some(until)) = changes.embargo_until {
        embargo::may_set(current.status, current.published_at, until, now())?;
    }
    if let Some(wanted) = changes.slug.take() {
        let slug = slug_for(conn, &wanted, Some(&current.id), Some(user))?;
        change_slug(conn, &current, &slug)?;
        changes.slug = Some(slug);
    }
    // Without a version from the client (`If-Match: *`), still write only over what was checked.
    let row = store::update(conn, id, expected.or(Some(current.version)), &changes)?;
    if let Some(ids) = author_ids {
        relations::set_authors(conn, id, &ids)?;
    }
    if let Some(ids) = tag_ids {
        relations::set_tags(conn, id, &ids)?;
    }
    if let Some(links) = links {
        relations::set_links(conn, id, &links)?;
    }
    Ok(after_change(tx, row, ArticleAction::Update, &user.actor())?)
}

#[cfg(test)]
mod tests {
    use newsdesk_domain::slug::{Slug, MAX_SLUG_LEN};

    use super::slug_variant;

    #[test]
    fn variants_count_from_two_and_stay_valid_slugs() {
        assert_eq!(slug_variant("storm", 0), "storm");
        assert_eq!(slug_variant("storm", 1), "storm-2");
        assert_eq!(slug_variant("storm", 9), "storm-10");
        let longest = format!("{}-b", "a".repeat(MAX_SLUG_LEN - 2));
        for n in [1, 99, 999] {
            let variant = slug_variant(&longest, n);
            assert!(variant.len() <= MAX_SLUG_LEN, "{variant}");
            Slug::parse(&variant).unwrap_or_else(|e| panic!("{variant}: {e}"));
        }
        // Cut at a hyphen: no double hyphen.
        assert!(!slug_variant(&longest, 1).contains("--"));
    }
}
