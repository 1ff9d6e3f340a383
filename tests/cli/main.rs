//! Integration tests: each drives the real `joubun` binary, in a temp dir of its own where it needs files.

mod analyze;
mod check;
mod export;
mod facts;
mod golden;
mod parse;
mod proximity;
mod readers;
mod robust;
mod search;
mod storage;
mod surface;
mod util;
