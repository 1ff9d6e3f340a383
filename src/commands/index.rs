//! `joubun index`: build or update the index, with a one-line summary of what was done.

use std::io::IsTerminal;
use std::path::Path;

use indicatif::{ProgressBar, ProgressStyle};

use crate::cli::IndexArgs;
use crate::error::{Error, Result};
use crate::index::{self, ClauseIndex, IndexError, IndexReport};

use super::Outcome;

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

/// Runs an indexing pass, with a live line of files, clauses and MB/s when stderr is a terminal.
fn build(index: &Path, corpus: &Path, rebuild: bool) -> Result<IndexReport> {
    let bar = std::io::stderr().is_terminal().then(|| {
        let bar = ProgressBar::new_spinner();
        bar.set_style(
            ProgressStyle::with_template("{spinner} {elapsed} {msg}").expect("valid template"),
        );
        bar
    });
    let started = std::time::Instant::now();
    let report = index::update(index, corpus, rebuild, |r| {
        if let Some(bar) = &bar {
            let mb = r.bytes as f64 / 1e6;
            let secs = started.elapsed().as_secs_f64().max(1e-3);
            bar.set_message(format!(
                "{} files, {} clauses, {:.1} MB/s",
                r.indexed.len(),
                r.clauses,
                mb / secs
            ));
            bar.tick();
        }
    });
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    Ok(report?)
}

/// How many bad JSON lines are printed one by one before the rest are only counted.
pub const SHOWN_BAD_LINES: usize = 5;

/// Prints what an indexing run did, and every file it skipped with the reason, on stderr.
pub fn summarise(report: &IndexReport) {
    for (path, reason) in &report.skipped {
        eprintln!("joubun: skipped {}: {reason}", path.display());
    }
    // A broken export can have thousands of bad lines: the first few show what is wrong.
    for line in report.bad_lines.iter().take(SHOWN_BAD_LINES) {
        eprintln!("joubun: skipped {line}");
    }
    if report.bad_lines.len() > SHOWN_BAD_LINES {
        eprintln!(
            "joubun: … and {} more bad lines",
            report.bad_lines.len() - SHOWN_BAD_LINES
        );
    }
    if let Some(why) = &report.read_again {
        eprintln!("joubun: {why}; every file was read again");
    }
    let mb = report.bytes as f64 / 1e6;
    let peak = peak_memory().map_or(String::new(), |b| format!(", peak memory {} MB", b >> 20));
    eprintln!(
        "joubun: indexed {} files ({} unchanged, {} removed), {} clauses, {} skipped, {} bad lines, in {:.2} s ({:.1} MB/s{peak})",
        report.indexed.len(),
        report.unchanged,
        report.removed.len(),
        report.clauses,
        report.skipped.len(),
        report.bad_lines.len(),
        report.seconds,
        if report.seconds > 0.0 {
            mb / report.seconds
        } else {
            0.0
        },
    );
}

/// The most memory this process has held (peak resident set), where the system says (Linux).
fn peak_memory() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

/// Opens the index at `path` (its segments are checked by [`ClauseIndex::check`]). On first use it is
/// built from `corpus` first, saying so: where there is no index yet, or an empty folder, or an index
/// whose first build was interrupted. A folder holding anything else is refused by the index layer.
pub fn open_or_build(path: &Path, corpus: &Path) -> Result<ClauseIndex> {
    match ClauseIndex::open(path) {
        Err(IndexError::Missing(_) | IndexError::Unfinished(_)) if corpus.is_dir() => {}
        other => return Ok(other?),
    }
    eprintln!(
        "joubun: no index at {} yet; building it from {} first",
        path.display(),
        corpus.display()
    );
    summarise(&build(path, corpus, false)?);
    Ok(ClauseIndex::open(path)?)
}
