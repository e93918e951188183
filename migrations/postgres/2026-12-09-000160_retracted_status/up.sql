-- Retraction: a published article can be `retracted` (pulled for good with a public reason; its
-- URL answers 410). Keep in step with the sqlite folder of the same name.
ALTER TABLE articles DROP CONSTRAINT articles_status_check;
ALTER TABLE articles ADD CONSTRAINT articles_status_check
    CHECK (status IN ('draft', 'in_review', 'approved', 'scheduled', 'published', 'archived', 'retracted'));
