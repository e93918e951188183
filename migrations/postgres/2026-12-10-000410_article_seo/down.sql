ALTER TABLE articles DROP COLUMN canonical_url;
ALTER TABLE articles DROP COLUMN social_image_url;
ALTER TABLE articles DROP COLUMN meta_description;
ALTER TABLE articles DROP COLUMN meta_title;
