//! Integration tests: each drives the real `joubun` binary, in a temp dir of its own where it needs files.

mod analyze;
mod facts;
mod parse;
mod robust;
mod search;
mod util;
