//! Integration tests: each drives the real `joubun` binary, in a temp dir of its own where it needs files.

mod analyze;
mod parse;
mod robust;
mod search;
mod surface;
mod util;
