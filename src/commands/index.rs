//! `joubun index`: build or update the index, with a one-line summary of what was done.

use crate::cli::IndexArgs;
use crate::error::{Error, Result};

use super::Outcome;
use super::open::{build, summarise};

/// Runs `joubun index`.
pub fn run(args: &IndexArgs) -> Result<Outcome> {
    if !args.corpus.is_dir() {
        return Err(Error::Input(format!(
            "{}: no such corpus folder",
            args.corpus.display()
        )));
    }
    let report = build(&args.index, &args.corpus, args.rebuild)?;
    summarise(&report);
    let skipped = report.skipped.len() + report.bad_lines.len();
    if args.strict && skipped > 0 {
        return Err(Error::Input(format!(
            "{skipped} files or lines were skipped (--strict)"
        )));
    }
    Ok(Outcome::Success)
}
