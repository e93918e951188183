DROP TABLE article_retractions;
