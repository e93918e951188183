CREATE INDEX articles_scheduled ON articles (status, published_at);
