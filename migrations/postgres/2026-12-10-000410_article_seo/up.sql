-- Search and social overrides (NULL: fall back to the title, the summary, the featured image and
-- the article's own page). Keep in step with the sqlite folder of the same name.
ALTER TABLE articles ADD COLUMN meta_title TEXT;
ALTER TABLE articles ADD COLUMN meta_description TEXT;
ALTER TABLE articles ADD COLUMN social_image_url TEXT;
ALTER TABLE articles ADD COLUMN canonical_url TEXT;
