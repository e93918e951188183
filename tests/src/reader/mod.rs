//! What readers get besides the articles themselves: the most-viewed list fed by a view
//! beacon, related reading (the editors' picks, then shared topics), and full-text search.

mod most_viewed;
mod related;
mod search;
