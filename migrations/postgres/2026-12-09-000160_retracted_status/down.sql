-- Retracted articles become archived (never public, slug still held).
UPDATE articles SET status = 'archived' WHERE status = 'retracted';
ALTER TABLE articles DROP CONSTRAINT articles_status_check;
ALTER TABLE articles ADD CONSTRAINT articles_status_check
    CHECK (status IN ('draft', 'in_review', 'approved', 'scheduled', 'published', 'archived'));
