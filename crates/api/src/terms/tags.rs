//! Tags (topics): `/v1/tags` and `/v1/admin/tags`.

super::labels::label_term!(Tags, "tag", Tag, tags, TagRow, NewTag, TagChanges);

super::term_routes!(
    Tags,
    "tags",
    "/v1/admin/tags",
    "/v1/admin/tags/{id}",
    "/v1/tags",
    "/v1/tags/{slug}",
    LabelCreate,
    LabelPatch,
    LabelOut
);
