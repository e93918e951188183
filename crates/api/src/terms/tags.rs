//! Tags (topics): `/v1/tags` and `/v1/admin/tags`.

super::labels::label_term!(Tags, "tag", "tags", Tag, tags, TagRow, NewTag, TagChanges);
