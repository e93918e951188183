DROP TABLE article_assignments;
