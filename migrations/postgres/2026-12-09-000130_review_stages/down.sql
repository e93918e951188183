-- Articles in review or approved go back to being drafts (the totals follow by trigger).
UPDATE articles SET status = 'draft' WHERE status IN ('in_review', 'approved');
ALTER TABLE articles DROP CONSTRAINT articles_status_check;
ALTER TABLE articles ADD CONSTRAINT articles_status_check
    CHECK (status IN ('draft', 'scheduled', 'published', 'archived'));
