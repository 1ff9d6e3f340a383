//! The index as commands open it: built on first use and brought up to date with its corpus (saying so
//! on stderr), with a query and the filter flags parsed against it.

use std::io::IsTerminal;
use std::path::Path;

use indicatif::{ProgressBar, ProgressStyle};

use crate::check::BUILT_IN;
use crate::check::filter::CheckFilter;
use crate::cli::{FilterArgs, IndexLocation};
use crate::error::{Error, Result};
use crate::index::{self, ClauseIndex, IndexError, IndexReport};
use crate::query::{Filters, Search};

/// Opens the index (building it on first use) and parses a query and filter flags against it.
pub fn open_search(
    location: &IndexLocation,
    query: Option<&str>,
    filter_args: &FilterArgs,
) -> Result<(ClauseIndex, Search)> {
    let by_check = check_filter(filter_args)?;
    let index = open_or_build(&location.index, &location.corpus)?;
    let index = match location.no_update {
        true => index,
        false => freshen(index, &location.index)?,
    };
    let mut filters = filters(filter_args);
    if let Some(by_check) = &by_check {
        let documents = documents_kept(&index, by_check)?;
        filters.documents = Some((documents, by_check.describe()));
    }
    // Segment readers open (every file mapped and its footer read, its size checked) while the query
    // is analysed.
    let query = crate::query::input::normalize(&[query.unwrap_or("")]);
    let (opened, search) = std::thread::scope(|scope| {
        let opened = scope.spawn(|| index.check().map(drop));
        let search = Search::new(&index, &query, &filters);
        let opened = opened
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (opened, search)
    });
    opened?;
    Ok((index, search?))
}

/// Corpora of up to this many documents are checked file by file before each search; larger ones by
/// their root folder's and `joubun.toml`'s times only (which a new, removed or renamed file changes),
/// so that a search stays quick at any size: a stat of 10,000 files took longer than the search.
const CHECKED_FILES: usize = 2000;

/// Brings the index up to date with the corpus it was built from when that changed since, saying so;
/// where it cannot (a read-only index), says that the answers are from the older state.
fn freshen(index: ClauseIndex, path: &Path) -> Result<ClauseIndex> {
    let corpus = index.meta.corpus.clone();
    let since = index.meta.indexed_at;
    let config = corpus.join("joubun.toml");
    // Times are whole seconds: a file written in the second the index was made counts as newer.
    let newer = |p: &Path| {
        std::fs::metadata(p)
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .is_some_and(|t| t.as_secs() >= since)
    };
    if !corpus.is_dir() {
        return Ok(index);
    }
    let rebuild = newer(&config);
    let changed = rebuild
        || newer(&corpus)
        || (index.meta.documents <= CHECKED_FILES && files_changed(&corpus, &newer));
    if !changed {
        return Ok(index);
    }
    drop(index);
    match crate::index::update(path, &corpus, rebuild, |_| {}) {
        Ok(report) => {
            if rebuild || !report.indexed.is_empty() || !report.removed.is_empty() {
                eprintln!(
                    "joubun: {} changed since the index was made; updating the index first",
                    corpus.display()
                );
                summarise(&report);
            }
        }
        Err(e) => eprintln!(
            "joubun: {} changed since the index was made, but the index cannot be updated ({e}); \
             these answers are from the older index (run joubun index)",
            corpus.display()
        ),
    }
    Ok(ClauseIndex::open(path)?)
}

/// Whether any folder or document under `corpus` is `newer`: a file added, removed or renamed changes
/// its folder's time, an edited one its own.
fn files_changed(corpus: &Path, newer: &dyn Fn(&Path) -> bool) -> bool {
    walkdir::WalkDir::new(corpus)
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_dir() || crate::corpus::is_document(e.path()))
        .any(|e| newer(e.path()))
}

/// The filter flags as query filters.
fn filters(args: &FilterArgs) -> Filters {
    Filters {
        facets: (args.facets().into_iter())
            .map(|(facet, values)| (facet, values.to_vec()))
            .collect(),
        since: args.since.clone(),
        until: args.until.clone(),
        documents: None,
    }
}

/// Runs an indexing pass, with a live line of files, clauses and MB/s when stderr is a terminal.
pub fn build(index: &Path, corpus: &Path, rebuild: bool) -> Result<IndexReport> {
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

/// The check filter the flags ask for, under the built-in checklist; `None` without one.
pub fn check_filter(args: &FilterArgs) -> Result<Option<CheckFilter>> {
    // Without a check flag the checklist is not even loaded: compiling its cues cost a search 15 ms.
    if args.missing.is_empty() && args.weak.is_empty() && args.present.is_empty() {
        return Ok(None);
    }
    CheckFilter::new(&BUILT_IN, &args.missing, &args.weak, &args.present).map_err(Error::Input)
}

/// The documents of the index that `filter` keeps, checked now from their clauses as indexed: the
/// answer is always the one `joubun check --index` gives under the checklist of this build.
fn documents_kept(index: &ClauseIndex, filter: &CheckFilter) -> Result<Vec<String>> {
    let mut kept = Vec::new();
    for doc in Search::documents(index)? {
        let clauses = Search::document(index, &doc)?;
        if filter.keeps(&clauses, &BUILT_IN) {
            kept.push(doc);
        }
    }
    Ok(kept)
}
