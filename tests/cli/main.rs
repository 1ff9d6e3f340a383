//! Integration tests: each drives the real `joubun` binary, in a temp dir of its own where it needs files.

mod analyze;
mod check;
mod parse;
mod robust;
mod search;
mod util;
