//! Output that drops into a memo: one writer for tables of named columns (CSV, TSV, Markdown, JSON,
//! JSON Lines, xlsx) that `export` and `check` print through, and the columns a clause is written as.

pub mod columns;
pub mod table;
mod xlsx;

pub use table::{Cell, Format, TableWriter};
