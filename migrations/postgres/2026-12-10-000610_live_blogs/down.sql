DROP TABLE live_entries;
DROP TABLE live_blogs;
