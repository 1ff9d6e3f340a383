//! joubun (条文): a search engine for privacy policies and other legal documents, Japanese first.
//!
//! The modules follow the data flow: `analysis` turns text into terms; `commands` drive it from the CLI.

pub mod allocator;
pub mod analysis;
pub mod check;
pub mod classify;
pub mod clause;
pub mod cli;
pub mod commands;
pub mod corpus;
pub mod error;
pub mod facet;
pub mod furniture;
pub mod index;
pub mod ingest;
pub mod query;
pub mod render;
pub mod segment;
pub mod suggest;
pub mod text;
