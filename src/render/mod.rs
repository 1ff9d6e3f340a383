//! Output that drops into a memo, written one way whatever the command: one writer for tables of named
//! columns (CSV, TSV, Markdown, JSON, JSON Lines, xlsx) that `export`, `check` and `search --json` print
//! through, the columns a clause is written as, the printer of search hits, and facet counts.

pub mod columns;
pub mod counts;
pub mod hits;
pub mod table;
mod xlsx;

pub use hits::{ArticleGroups, HitPrinter};
pub use table::{Cell, Format, TableWriter};
