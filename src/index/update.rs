//! Bringing an index up to date with a corpus, file by file, in one commit that also records which
//! files it holds.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::Instant;

use serde::Serialize;
use tantivy::{IndexWriter, Term};

use super::backlog::Backlog;
use super::fingerprint::Fingerprint;
use super::readers::{self, Outcome, Piece, Sources};
use super::record::{self, CommitRecord, Fingerprints};
use super::{ClauseIndex, FolderState, IndexError, WriteLock, folder};
use crate::analysis;
use crate::clause::{CorpusConfig, RULES_VERSION};
use crate::corpus::{self, WalkOptions};

/// The indexing threads' memory for segments being built, shared by both. Segments twice as large as
/// with 64 MB mean fewer merges: 10,000 and 50,000 documents index in a tenth less time, for 10 MB more
/// peak memory at 50,000 (228 MB). With 192 MB the peak passed 300 MB.
const WRITER_MEMORY: usize = 128_000_000;
/// Segments merged at once: a merge maps every segment it reads, so merging four, not tantivy's
/// eight, keeps a 50,000-document run's peak memory down.
const MERGE_AT_ONCE: usize = 4;
/// Segments this large are left alone: merging them again would map hundreds of megabytes at once.
const MERGE_MAX_DOCS: usize = 100_000;
/// What an indexing run did.
#[derive(Debug, Default, Clone, Serialize)]
pub struct IndexReport {
    /// Documents read and (re)indexed.
    pub indexed: Vec<String>,
    /// Documents unchanged since the last run.
    pub unchanged: usize,
    /// Why every document was read again, when the index could not tell unchanged files (other
    /// clause rules, a changed `joubun.toml`, a damaged index rebuilt).
    pub read_again: Option<String>,
    /// Documents gone from the corpus, whose clauses were removed.
    pub removed: Vec<String>,
    /// Clauses added.
    pub clauses: usize,
    /// Bytes of text read.
    pub bytes: u64,
    /// Files passed over, with reasons.
    pub skipped: Vec<(PathBuf, String)>,
    /// Lines of JSON Lines files passed over, as `file: line N: reason`.
    pub bad_lines: Vec<String>,
    /// Wall time.
    pub seconds: f64,
}

/// Brings the index at `index_path` up to date with `corpus`: changed files replace their clauses,
/// deleted files lose theirs, unchanged files are not analysed again. `rebuild` starts from empty.
///
/// A folder that is not a joubun index is refused before anything is written in it. A damaged index
/// is rebuilt from the corpus, and the report says why.
pub fn update(
    index_path: &Path,
    corpus_root: &Path,
    rebuild: bool,
    mut progress: impl FnMut(&IndexReport),
) -> Result<IndexReport, IndexError> {
    let started = Instant::now();
    analysis::dictionary::expect_bulk();
    if let FolderState::Foreign(example) = folder::state(index_path)? {
        return Err(IndexError::NotAnIndex {
            path: index_path.to_path_buf(),
            example,
        });
    }
    let _lock = WriteLock::acquire(index_path)?;
    let mut report = IndexReport::default();
    // A rebuild of a readable index empties it in the same commit that refills it, so searches keep
    // answering from the old contents until then; only a damaged or incompatible one is recreated.
    let mut index = match open_checked(index_path) {
        Ok(index) => index,
        Err(IndexError::Missing(_)) => ClauseIndex::create(index_path)?,
        Err(e @ IndexError::Incompatible { .. }) if !rebuild => return Err(e),
        Err(IndexError::Incompatible { .. }) => ClauseIndex::create(index_path)?,
        Err(IndexError::Damaged { reason, .. }) => {
            report.read_again = Some(format!(
                "the index was damaged ({reason}); it was rebuilt from the corpus"
            ));
            ClauseIndex::create(index_path)?
        }
        Err(e) => return Err(e),
    };
    let settings = settings_print(corpus_root)?;
    // Without fingerprints no file is known to be unchanged or gone, and under other rules or other
    // settings an unchanged file would make other clauses: start from empty.
    let mut empty_first = true;
    let known = match &index.record {
        _ if rebuild => Fingerprints::new(),
        None => Fingerprints::new(),
        Some(r) if r.rules != RULES_VERSION => {
            report.read_again = Some("the index was made under other clause rules".into());
            Fingerprints::new()
        }
        Some(r) if r.settings != settings => {
            report.read_again = Some("joubun.toml changed since the last run".into());
            Fingerprints::new()
        }
        Some(r) => match r.fingerprints(index_path) {
            Some(known) => {
                empty_first = false;
                known
            }
            None => {
                report.read_again =
                    Some("the record of indexed files was missing or damaged".into());
                Fingerprints::new()
            }
        },
    };
    let config = CorpusConfig::load(corpus_root).map_err(IndexError::Corpus)?;
    let failed = |e: tantivy::TantivyError| IndexError::written(index_path, &e);
    // Analysis runs inside tantivy's indexing threads: both cores.
    let mut writer: IndexWriter = index
        .index
        .writer_with_num_threads(2, WRITER_MEMORY)
        .map_err(failed)?;
    // What a failed or killed run left (segments it never committed, its record of files) goes
    // first: a retry after a full disk has that space back.
    writer.garbage_collect_files().wait().map_err(failed)?;
    let committed_files = index.record.as_ref().map(|r| r.files.clone());
    record::remove_other_fingerprints(index_path, committed_files.as_deref());
    let mut merges = tantivy::indexer::LogMergePolicy::default();
    merges.set_min_num_segments(MERGE_AT_ONCE);
    merges.set_max_docs_before_merge(MERGE_MAX_DOCS);
    writer.set_merge_policy(Box::new(merges));
    let plan = Plan {
        corpus_root,
        config,
        known,
        empty_first,
    };
    let committed = fill(&mut writer, &index, &plan, &mut report, &mut progress)
        .and_then(|seen| commit(&mut writer, index_path, &plan, settings, seen));
    let record = match committed {
        Ok(record) => record,
        Err(e) => {
            // Whatever was written since the last commit is removed now, so that the index folder
            // holds no more than its last complete state (and a full disk has its space back).
            let _ = writer.rollback();
            let _ = writer.garbage_collect_files().wait();
            record::remove_other_fingerprints(index_path, committed_files.as_deref());
            return Err(e);
        }
    };
    crash_point("commit");
    writer.wait_merging_threads().map_err(failed)?;
    record::remove_other_fingerprints(index_path, Some(&record.files));
    index.record = Some(record);
    report.seconds = started.elapsed().as_secs_f64();
    Ok(report)
}

/// Commits what the writer holds with the record of the files `seen`: the fingerprints are written
/// and made durable first, then named by the payload of the commit.
fn commit(
    writer: &mut IndexWriter,
    index_path: &Path,
    plan: &Plan,
    settings: String,
    seen: Fingerprints,
) -> Result<CommitRecord, IndexError> {
    let failed = |e: tantivy::TantivyError| IndexError::written(index_path, &e);
    let mut prepared = writer.prepare_commit().map_err(failed)?;
    let (files, files_check) = record::save_fingerprints(index_path, prepared.opstamp(), &seen)
        .map_err(|e| IndexError::io(index_path, &e))?;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let record = CommitRecord {
        corpus: plan.corpus_root.to_path_buf(),
        indexed_at: now,
        documents: seen.len(),
        rules: RULES_VERSION,
        settings,
        files,
        files_check,
    };
    prepared.set_payload(&record.to_payload());
    crash_point("prepare");
    prepared.commit().map_err(failed)?;
    Ok(record)
}

/// Opens the index at `path` for writing, and checks it whole: every segment opens, holds the
/// clauses `meta.json` says, and passes its checksum.
fn open_checked(path: &Path) -> Result<ClauseIndex, IndexError> {
    let index = ClauseIndex::open_with(path, true)?;
    if index.record.is_none() {
        return Ok(index);
    }
    // tantivy panics on some damage; here that is one more way to find the index damaged.
    let checked = super::without_panicking(|| {
        index.check()?;
        index
            .index
            .validate_checksum()
            .map_err(|e| IndexError::tantivy(path, &e))
    });
    let damaged = checked.unwrap_or_else(|message| {
        Err(IndexError::Damaged {
            path: path.to_path_buf(),
            reason: folder::short(&format!("reading a segment failed: {message}")),
        })
    })?;
    if let Some(file) = damaged.iter().next() {
        return Err(IndexError::Damaged {
            path: path.to_path_buf(),
            reason: format!(
                "{} fails its checksum{}",
                file.display(),
                match damaged.len() {
                    1 => String::new(),
                    n => format!(", as do {} other files", n - 1),
                }
            ),
        });
    }
    Ok(index)
}

/// What a run is to do, decided before it reads a file.
struct Plan<'a> {
    corpus_root: &'a Path,
    /// The corpus's `joubun.toml`.
    config: CorpusConfig,
    /// The files the last commit holds, with their fingerprints.
    known: Fingerprints,
    /// Whether every clause goes first (in the same commit).
    empty_first: bool,
}

/// Adds the clauses of every new or changed file of the corpus, and deletes those of changed or gone
/// files; returns the fingerprints of the files the index will hold.
fn fill(
    writer: &mut IndexWriter,
    index: &ClauseIndex,
    plan: &Plan,
    report: &mut IndexReport,
    progress: &mut impl FnMut(&IndexReport),
) -> Result<Fingerprints, IndexError> {
    let Plan {
        corpus_root,
        config,
        known,
        empty_first,
    } = plan;
    let index_path = index.path();
    if *empty_first {
        writer
            .delete_all_documents()
            .map_err(|e| IndexError::written(index_path, &e))?;
    }
    let (files, walk_skipped) = corpus::walk(corpus_root, WalkOptions::default());
    report
        .skipped
        .extend(walk_skipped.into_iter().map(|s| (s.path, s.reason)));
    let mut seen = Fingerprints::new();
    let mut backlog = Backlog::new();
    let sources = Sources {
        root: corpus_root,
        config,
        known,
        fields: &index.fields,
    };
    readers::read_in_order(&sources, &files, |file| {
        // Only a file indexed before has clauses to replace, and they go before its new ones.
        // Deleting for every file of a rebuild queued a delete per file, each tried against every
        // new segment.
        let mut replaced = !known.contains_key(&file.rel);
        for piece in file.pieces() {
            let outcome = match piece {
                Piece::Clauses(batch) => {
                    if !replaced {
                        writer.delete_term(Term::from_field_text(index.fields.doc, &file.rel));
                        replaced = true;
                    }
                    for (document, analysed) in batch {
                        writer
                            .add_document(document)
                            .map_err(|e| IndexError::written(index_path, &e))?;
                        backlog.given(analysed);
                        report.clauses += 1;
                    }
                    continue;
                }
                Piece::End(outcome) => outcome,
            };
            match outcome {
                Outcome::Unchanged(print) => {
                    seen.insert(file.rel.clone(), print.hex());
                    report.unchanged += 1;
                }
                // A file indexed before and unreadable now is not seen: its clauses go below.
                Outcome::Skipped(path, reason) => report.skipped.push((path, reason)),
                Outcome::Read(print, problems) => {
                    if !replaced {
                        writer.delete_term(Term::from_field_text(index.fields.doc, &file.rel));
                    }
                    seen.insert(file.rel.clone(), print.hex());
                    report.bytes += print.len;
                    report
                        .bad_lines
                        .extend(problems.into_iter().map(|p| format!("{}: {p}", file.rel)));
                    report.indexed.push(file.rel.clone());
                    progress(report);
                }
            }
            return Ok(());
        }
        // The pieces ended without an end: a parsing thread panicked, and its panic is raised again
        // once the threads are joined.
        Err(IndexError::Corpus(format!(
            "{}: reading it stopped half-way",
            file.file.display()
        )))
    })?;
    for gone in known.keys().filter(|d| !seen.contains_key(*d)) {
        writer.delete_term(Term::from_field_text(index.fields.doc, gone));
        report.removed.push(gone.clone());
    }
    Ok(seen)
}

/// The fingerprint of the corpus's `joubun.toml` ("" without one): the facts it gives are in the
/// clauses, so a change to it is a change to every file.
fn settings_print(corpus_root: &Path) -> Result<String, IndexError> {
    match fs::read(corpus_root.join("joubun.toml")) {
        Ok(bytes) => Ok(Fingerprint::of(&bytes).hex()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(String::new()),
        Err(e) => Err(IndexError::Corpus(format!(
            "{}: {e}",
            corpus_root.join("joubun.toml").display()
        ))),
    }
}

/// Test-only: `JOUBUN_TEST_CRASH_AFTER=prepare` or `=commit` aborts the process at that point of a
/// run, as a power cut would, so the tests can prove that a crash there loses nothing.
fn crash_point(point: &str) {
    if std::env::var_os("JOUBUN_TEST_CRASH_AFTER").is_some_and(|p| p == point) {
        std::process::abort();
    }
}
