-- How many articles each status holds, in and out of the trash, kept by triggers. A list's total
-- is then one small read instead of a count of every article it keeps, which grows with the
-- corpus.
CREATE TABLE article_totals (
    status TEXT NOT NULL,
    trashed BOOLEAN NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (status, trashed)
);

INSERT INTO article_totals (status, trashed, n)
    SELECT status, trashed_at IS NOT NULL, COUNT(*) FROM articles GROUP BY status, trashed_at IS NOT NULL;

CREATE FUNCTION article_totals_follow() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        UPDATE article_totals SET n = n - 1
            WHERE status = OLD.status AND trashed = (OLD.trashed_at IS NOT NULL);
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') THEN
        INSERT INTO article_totals (status, trashed, n) VALUES (NEW.status, NEW.trashed_at IS NOT NULL, 1)
            ON CONFLICT (status, trashed) DO UPDATE SET n = article_totals.n + 1;
    END IF;
    RETURN NULL;
END
$$;

-- Deferred to commit: concurrent writes all touch the same few counter rows, and this way each
-- holds a row's lock only while it commits, not for the rest of its transaction.
CREATE CONSTRAINT TRIGGER article_totals_insert_delete AFTER INSERT OR DELETE ON articles
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION article_totals_follow();

CREATE CONSTRAINT TRIGGER article_totals_update AFTER UPDATE OF status, trashed_at ON articles
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
    WHEN (OLD.status IS DISTINCT FROM NEW.status OR (OLD.trashed_at IS NULL) <> (NEW.trashed_at IS NULL))
    EXECUTE FUNCTION article_totals_follow();
