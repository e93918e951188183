DROP TABLE article_notes;
