DROP TRIGGER articles_fts_delete;
DROP TRIGGER articles_fts_update;
DROP TRIGGER articles_fts_insert;
DROP TABLE articles_fts;
DROP TABLE article_search_ids;
DROP TABLE article_views;
