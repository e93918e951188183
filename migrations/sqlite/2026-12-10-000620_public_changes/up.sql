-- The log of changes the public can see (an article published, updated, unpublished or
-- retracted), in commit order: `GET /v1/changes` streams it, and a reader that reconnects with
-- `Last-Event-ID` is sent what it missed from here. Pruned after seven days.
-- Keep in step with the postgres folder of the same name.
CREATE TABLE public_changes (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    at TIMESTAMP NOT NULL,
    kind TEXT NOT NULL,
    article_id TEXT NOT NULL,
    slug TEXT NOT NULL,
    version BIGINT NOT NULL
);
CREATE INDEX public_changes_at ON public_changes (at);
