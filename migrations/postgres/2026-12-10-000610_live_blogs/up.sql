-- Live blogs: an article under live coverage, and the entries editors post to it. Every entry
-- write takes the next `seq` of its article (UPDATE live_blogs SET seq = seq + 1 … RETURNING seq
-- in the write's transaction, whose row lock puts writers to one article in commit order), and
-- stamps it on the entry: a reader that saw up to seq N asks for the entries changed after N.
-- A deleted entry keeps its row (`deleted_at` set, a tombstone), so that reader learns of it.
-- Keep in step with the sqlite folder of the same name.
CREATE TABLE live_blogs (
    article_id TEXT PRIMARY KEY NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    seq BIGINT NOT NULL DEFAULT 0,
    started_at TIMESTAMP NOT NULL,
    ended_at TIMESTAMP
);
CREATE TABLE live_entries (
    id TEXT PRIMARY KEY NOT NULL,
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    seq BIGINT NOT NULL,
    created_seq BIGINT NOT NULL,
    body_markdown TEXT NOT NULL,
    body_html TEXT NOT NULL,
    author_id TEXT REFERENCES authors(id) ON DELETE SET NULL,
    image_url TEXT,
    image_alt TEXT,
    image_caption TEXT,
    pinned BOOLEAN NOT NULL DEFAULT FALSE,
    version BIGINT NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    deleted_at TIMESTAMP
);
-- What changed after a seq (the live stream's resume), in order.
CREATE INDEX live_entries_changes ON live_entries (article_id, seq);
-- The public list, newest first.
CREATE INDEX live_entries_newest ON live_entries (article_id, created_at, id);
-- An author's deletion sets their entries' author_id to NULL without reading every entry.
CREATE INDEX live_entries_author ON live_entries (author_id);
