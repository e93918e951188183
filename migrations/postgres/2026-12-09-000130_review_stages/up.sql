-- Review stages: an article can be `in_review` (submitted, waiting for an editor) or `approved`
-- between a draft and publication. Keep in step with the sqlite folder of the same name.
ALTER TABLE articles DROP CONSTRAINT articles_status_check;
ALTER TABLE articles ADD CONSTRAINT articles_status_check
    CHECK (status IN ('draft', 'in_review', 'approved', 'scheduled', 'published', 'archived'));
