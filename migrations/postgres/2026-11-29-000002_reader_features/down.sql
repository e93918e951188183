DROP INDEX articles_search;
ALTER TABLE articles DROP COLUMN search;
DROP TABLE article_views;
