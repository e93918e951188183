DROP TRIGGER article_totals_update ON articles;
DROP TRIGGER article_totals_insert_delete ON articles;
DROP FUNCTION article_totals_follow();
DROP TABLE article_totals;
