-- articles_status_published (status, published_at DESC, id DESC) serves the scheduler's
-- `status = 'scheduled' AND published_at <= now` just as well, so this index only cost every
-- write to an article one more B-tree to update (on SQLite, a page more in each commit).
DROP INDEX articles_scheduled;
