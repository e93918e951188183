//! The one schema both backends share. Only portable types: Text, BigInt, Integer, Bool, Timestamp.

diesel::table! {
    authors (id) {
        id -> Text,
        slug -> Text,
        name -> Text,
        email -> Nullable<Text>,
        bio -> Nullable<Text>,
        avatar_url -> Nullable<Text>,
        website -> Nullable<Text>,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    sources (id) {
        id -> Text,
        slug -> Text,
        name -> Text,
        short_name -> Nullable<Text>,
        homepage_url -> Nullable<Text>,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    sections (id) {
        id -> Text,
        slug -> Text,
        name -> Text,
        description -> Nullable<Text>,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    tags (id) {
        id -> Text,
        slug -> Text,
        name -> Text,
        description -> Nullable<Text>,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    users (id) {
        id -> Text,
        email -> Text,
        name -> Text,
        role -> Text,
        password_hash -> Text,
        author_id -> Nullable<Text>,
        disabled -> Bool,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        token_generation -> BigInt,
    }
}

diesel::table! {
    refresh_tokens (token_hash) {
        token_hash -> Text,
        user_id -> Text,
        expires_at -> Timestamp,
        revoked_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        family_id -> Text,
    }
}

diesel::table! {
    articles (id) {
        id -> Text,
        slug -> Text,
        title -> Text,
        summary -> Nullable<Text>,
        body_markdown -> Text,
        body_html -> Text,
        body_text -> Text,
        status -> Text,
        section_id -> Nullable<Text>,
        source_id -> Nullable<Text>,
        source_url -> Nullable<Text>,
        language -> Text,
        featured_image_url -> Nullable<Text>,
        featured_image_alt -> Nullable<Text>,
        featured_image_caption -> Nullable<Text>,
        featured_image_credit -> Nullable<Text>,
        word_count -> Integer,
        reading_time_minutes -> Integer,
        created_by -> Nullable<Text>,
        published_at -> Nullable<Timestamp>,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        trashed_at -> Nullable<Timestamp>,
        /// Before this time the article may not be published.
        embargo_until -> Nullable<Timestamp>,
        meta_title -> Nullable<Text>,
        meta_description -> Nullable<Text>,
        social_image_url -> Nullable<Text>,
        canonical_url -> Nullable<Text>,
    }
}

diesel::table! {
    article_authors (article_id, author_id) {
        article_id -> Text,
        author_id -> Text,
        position -> Integer,
    }
}

diesel::table! {
    article_tags (article_id, tag_id) {
        article_id -> Text,
        tag_id -> Text,
        position -> Integer,
        /// The article's publication time while it is published, NULL otherwise (kept by triggers).
        published_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    article_links (article_id, position) {
        article_id -> Text,
        position -> Integer,
        target_article_id -> Nullable<Text>,
        url -> Nullable<Text>,
        title -> Nullable<Text>,
        source_name -> Nullable<Text>,
    }
}

diesel::table! {
    article_revisions (id) {
        id -> Text,
        article_id -> Text,
        version -> BigInt,
        action -> Text,
        changed_fields -> Text,
        snapshot -> Text,
        actor_id -> Nullable<Text>,
        actor_name -> Nullable<Text>,
        created_at -> Timestamp,
        note -> Nullable<Text>,
    }
}

diesel::table! {
    /// Corrections, clarifications and updates on an article; removed ones stay, marked.
    article_corrections (id) {
        id -> Text,
        article_id -> Text,
        kind -> Text,
        text_markdown -> Text,
        text_html -> Text,
        created_at -> Timestamp,
        created_by -> Nullable<Text>,
        amended_at -> Nullable<Timestamp>,
        amended_by -> Nullable<Text>,
        removed_at -> Nullable<Timestamp>,
        removed_by -> Nullable<Text>,
        removal_reason -> Nullable<Text>,
    }
}

diesel::table! {
    article_slug_history (slug) {
        slug -> Text,
        article_id -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    /// Edit locks: one lease per article, live until `expires_at`.
    article_locks (article_id) {
        article_id -> Text,
        holder_id -> Text,
        taken_at -> Timestamp,
        expires_at -> Timestamp,
    }
}

diesel::table! {
    /// The public notice of a retracted article: why, and when.
    article_retractions (article_id) {
        article_id -> Text,
        reason -> Text,
        retracted_at -> Timestamp,
    }
}

diesel::table! {
    /// Who an article is assigned to (at most one user).
    article_assignments (article_id) {
        article_id -> Text,
        user_id -> Text,
        assigned_by -> Nullable<Text>,
        assigned_at -> Timestamp,
    }
}

diesel::table! {
    /// The desk's internal notes on an article; never public.
    article_notes (id) {
        id -> Text,
        article_id -> Text,
        author_id -> Nullable<Text>,
        text -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    api_keys (id) {
        id -> Text,
        name -> Text,
        role -> Text,
        prefix -> Text,
        secret_hash -> Text,
        created_by -> Text,
        expires_at -> Nullable<Timestamp>,
        revoked_at -> Nullable<Timestamp>,
        last_used_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    audit_log (id) {
        id -> Text,
        at -> Timestamp,
        actor_type -> Text,
        actor_id -> Nullable<Text>,
        actor_label -> Nullable<Text>,
        action -> Text,
        target_type -> Nullable<Text>,
        target_id -> Nullable<Text>,
        request_id -> Nullable<Text>,
        client_ip -> Nullable<Text>,
        detail -> Nullable<Text>,
    }
}

diesel::table! {
    article_views (article_id, day) {
        article_id -> Text,
        day -> Timestamp,
        views -> BigInt,
    }
}

diesel::table! {
    live_blogs (article_id) {
        article_id -> Text,
        seq -> BigInt,
        started_at -> Timestamp,
        ended_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    live_entries (id) {
        id -> Text,
        article_id -> Text,
        seq -> BigInt,
        created_seq -> BigInt,
        body_markdown -> Text,
        body_html -> Text,
        author_id -> Nullable<Text>,
        image_url -> Nullable<Text>,
        image_alt -> Nullable<Text>,
        image_caption -> Nullable<Text>,
        pinned -> Bool,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        deleted_at -> Nullable<Timestamp>,
    }
}

diesel::joinable!(article_authors -> articles (article_id));
diesel::joinable!(article_views -> articles (article_id));
diesel::joinable!(article_revisions -> articles (article_id));
diesel::joinable!(article_corrections -> articles (article_id));
diesel::joinable!(article_slug_history -> articles (article_id));
diesel::joinable!(article_retractions -> articles (article_id));
diesel::joinable!(article_locks -> articles (article_id));
diesel::joinable!(article_locks -> users (holder_id));
diesel::joinable!(article_assignments -> articles (article_id));
diesel::joinable!(live_blogs -> articles (article_id));
diesel::joinable!(live_entries -> articles (article_id));
diesel::joinable!(live_entries -> authors (author_id));
diesel::joinable!(article_assignments -> users (user_id));
diesel::joinable!(article_notes -> articles (article_id));
diesel::joinable!(article_authors -> authors (author_id));
diesel::joinable!(article_tags -> articles (article_id));
diesel::joinable!(article_tags -> tags (tag_id));
diesel::joinable!(refresh_tokens -> users (user_id));
diesel::joinable!(users -> authors (author_id));

diesel::table! {
    /// Articles per status, in and out of the trash; kept by triggers on `articles`.
    article_totals (status, trashed) {
        status -> Text,
        trashed -> Bool,
        n -> BigInt,
    }
}

// SQLite's full-text index: FTS5 keys its rows by integer, and `article_search_ids` maps them
// to articles. Only the SQLite search reads them (see the search module).
diesel::table! {
    article_search_ids (rowid) {
        rowid -> BigInt,
        article_id -> Text,
    }
}

diesel::table! {
    articles_fts (rowid) {
        rowid -> BigInt,
    }
}

diesel::joinable!(article_search_ids -> articles (article_id));

/// Full-text rows joined to their articles, ready for the article filters.
pub type SearchRows = diesel::dsl::IntoBoxed<
    'static,
    diesel::dsl::InnerJoinOn<
        diesel::dsl::InnerJoin<article_search_ids::table, articles::table>,
        articles_fts::table,
        diesel::dsl::Eq<articles_fts::rowid, article_search_ids::rowid>,
    >,
    crate::Db,
>;

diesel::allow_tables_to_appear_in_same_query!(
    article_search_ids,
    articles_fts,
    authors,
    sources,
    sections,
    tags,
    users,
    refresh_tokens,
    articles,
    article_authors,
    article_tags,
    article_links,
    article_revisions,
    article_corrections,
    article_slug_history,
    article_retractions,
    article_locks,
    article_assignments,
    article_notes,
    live_blogs,
    live_entries,
    api_keys,
    audit_log,
    article_views,
);
