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
    }
}

diesel::table! {
    refresh_tokens (token_hash) {
        token_hash -> Text,
        user_id -> Text,
        expires_at -> Timestamp,
        revoked_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
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

diesel::joinable!(article_authors -> articles (article_id));
diesel::joinable!(article_authors -> authors (author_id));
diesel::joinable!(article_tags -> articles (article_id));
diesel::joinable!(article_tags -> tags (tag_id));
diesel::joinable!(refresh_tokens -> users (user_id));
diesel::joinable!(users -> authors (author_id));

diesel::allow_tables_to_appear_in_same_query!(
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
);
