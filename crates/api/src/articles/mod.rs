//! Articles: the editorial API (`/v1/admin/articles`) and the public one (`/v1/articles`).

pub mod admin;
pub mod dto;
pub mod public;
pub mod query;
pub mod view;
pub mod write;
