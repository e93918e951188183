-- The log of changes the public can see (an article published, updated, unpublished or
-- retracted), in commit order: `GET /v1/changes` streams it, and a reader that reconnects with
-- `Last-Event-ID` is sent what it missed from here. Pruned after seven days. Writers take a
-- transaction-scoped advisory lock before they insert, so `seq` order is commit order.
-- Keep in step with the sqlite folder of the same name.
CREATE TABLE public_changes (
    seq BIGSERIAL PRIMARY KEY,
    at TIMESTAMP NOT NULL,
    kind TEXT NOT NULL,
    article_id TEXT NOT NULL,
    slug TEXT NOT NULL,
    version BIGINT NOT NULL
);
CREATE INDEX public_changes_at ON public_changes (at);
