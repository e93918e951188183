DROP INDEX articles_embargo_until;
ALTER TABLE articles DROP COLUMN embargo_until;
