-- A page of articles reads the bylines and tags of all its articles in one statement each.
-- Through the primary keys, (article_id, author_id) and (article_id, tag_id), each row cost a
-- second lookup for its position and a sort; these indexes hold what those statements read, in
-- the order they want it. A tag's label is read from its own index the same way.
CREATE INDEX article_authors_reading ON article_authors (article_id, position, author_id);
CREATE INDEX article_tags_reading ON article_tags (article_id, position, tag_id);
CREATE INDEX tags_label ON tags (id) INCLUDE (slug, name);
