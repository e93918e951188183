-- The sitemaps read the published archive oldest first, by keyset, from this index alone
-- (index-only scans): no row, no body. See the SQLite migration for the figures.
CREATE INDEX articles_sitemap ON articles (status, published_at, id) INCLUDE (updated_at, slug) WHERE trashed_at IS NULL;
