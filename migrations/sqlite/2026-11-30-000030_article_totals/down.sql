DROP TRIGGER article_totals_update;
DROP TRIGGER article_totals_delete;
DROP TRIGGER article_totals_insert;
DROP TABLE article_totals;
