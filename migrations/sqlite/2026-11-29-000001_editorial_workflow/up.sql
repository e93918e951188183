-- Editorial workflow: trash, revisions, slug history, API keys, audit log.
-- Keep in step with the postgres folder of the same name.
ALTER TABLE articles ADD COLUMN trashed_at TIMESTAMP;
-- The scheduler claims due rows with this.
CREATE INDEX articles_scheduled ON articles (status, published_at);

CREATE TABLE article_revisions (
    id TEXT PRIMARY KEY NOT NULL,
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    version BIGINT NOT NULL,
    action TEXT NOT NULL,
    changed_fields TEXT NOT NULL,
    snapshot TEXT NOT NULL,
    actor_id TEXT,
    actor_name TEXT,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX article_revisions_article ON article_revisions (article_id, created_at DESC);

-- Slugs an article used to have; each answers 301 to the article's current slug.
CREATE TABLE article_slug_history (
    slug TEXT PRIMARY KEY NOT NULL,
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX article_slug_history_article ON article_slug_history (article_id);

CREATE TABLE api_keys (
    id TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('admin', 'editor', 'author', 'contributor')),
    prefix TEXT NOT NULL UNIQUE,
    secret_hash TEXT NOT NULL,
    created_by TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    expires_at TIMESTAMP,
    revoked_at TIMESTAMP,
    last_used_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE audit_log (
    id TEXT PRIMARY KEY NOT NULL,
    at TIMESTAMP NOT NULL,
    actor_type TEXT NOT NULL,
    actor_id TEXT,
    actor_label TEXT,
    action TEXT NOT NULL,
    target_type TEXT,
    target_id TEXT,
    request_id TEXT,
    client_ip TEXT,
    detail TEXT
);
CREATE INDEX audit_log_at ON audit_log (at DESC, id DESC);
CREATE INDEX audit_log_actor ON audit_log (actor_id);
CREATE INDEX audit_log_target ON audit_log (target_id);
CREATE INDEX audit_log_action ON audit_log (action);
