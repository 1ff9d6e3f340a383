//! Reading corpus files into clauses on a few threads while the writer indexes. Cutting files into
//! clauses and finding their facts took a whole core while tantivy's analysers waited; now one thread
//! reads the files in walk order, a few parse them side by side, and the writer is handed each file's
//! clauses in walk order again, so a run adds the same clauses in the same order whatever the number
//! of threads.
//!
//! Memory stays bounded: at most [`FILES_AHEAD`] files per thread are read ahead of the writer, each
//! with at most [`BATCHES_AHEAD`] batches of clauses waiting, and documents read and not yet parsed
//! hold at most [`READ_AHEAD_BYTES`] between them (a larger one waits until it is the only one).

use std::fs;
use std::io::{Read, Seek};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, SyncSender};
use std::sync::{Arc, Condvar, Mutex};

use tantivy::TantivyDocument;

use super::Fields;
use super::fingerprint::{Fingerprint, Fingerprinting};
use super::record::Fingerprints;
use crate::clause::{Clause, CorpusConfig, is_jsonl};
use crate::corpus::{self, Skipped};
use crate::ingest;

/// The most threads parsing files, whatever the machine. One parses about 15,000 clauses a second and
/// tantivy's two indexing threads take about 40,000 (bench/RESULTS.md at 10,000 documents), so three
/// keep them busy; each adds about 25 MB to the peak memory (measured at 1,000 documents).
const MAX_PARSE_THREADS: usize = 3;
/// Files read ahead of the writer, per parsing thread: enough that a thread done with a small file
/// finds the next one waiting.
const FILES_AHEAD: usize = 4;
/// Clauses go to the writer this many at once: a message per clause woke the writer per clause, and
/// cost a tenth more time in system calls.
const BATCH_CLAUSES: usize = 32;
/// A batch holds at most about this much text, so that a batch of pieces of a long line (each up to
/// 32 KB) stays small too.
const BATCH_BYTES: usize = 256 << 10;
/// Batches of one file parsed and not yet taken by the writer; a thread that gets this far ahead
/// waits.
const BATCHES_AHEAD: usize = 2;
/// The bytes of documents read and still being parsed, between all threads. A document is held whole
/// while it is parsed, and parsing one takes several times its size: two 30 MB documents at once would
/// double the peak a single one makes.
const READ_AHEAD_BYTES: u64 = 32 << 20;

/// What the parsing threads read besides the files.
pub struct Sources<'a> {
    /// The corpus folder.
    pub root: &'a Path,
    /// The corpus's `joubun.toml`.
    pub config: &'a CorpusConfig,
    /// The files the index holds, with their fingerprints: those unchanged are not parsed.
    pub known: &'a Fingerprints,
    /// The index's fields, to make each clause a document.
    pub fields: &'a Fields,
}

/// What one file gives the writer, piece by piece.
pub enum Piece {
    /// Clauses in order, as documents, each with the bytes of text in it that the analysers will read.
    Clauses(Vec<(TantivyDocument, usize)>),
    /// How the file ended: always the last piece.
    End(Outcome),
}

/// What became of one file.
pub enum Outcome {
    /// It is as the index holds it: nothing was parsed.
    Unchanged(Fingerprint),
    /// It was passed over, for the reason given; none of its clauses were given.
    Skipped(PathBuf, String),
    /// It was read: the fingerprint of what was read, and the JSON lines passed over.
    Read(Fingerprint, Vec<String>),
}

/// One file of the corpus, as the writer takes it.
pub struct FileRead {
    /// The file.
    pub file: PathBuf,
    /// Its path relative to the corpus folder.
    pub rel: String,
    pieces: Receiver<Piece>,
}

impl FileRead {
    /// The file's pieces as they are parsed, ending with [`Piece::End`]; without it when a parsing
    /// thread failed.
    pub fn pieces(&self) -> impl Iterator<Item = Piece> + '_ {
        self.pieces.iter()
    }
}

/// Reads and parses `files` on [`parse_threads`] threads, handing each to `take` in the order given,
/// with its pieces in the order the file gives them. An error from `take` stops the reading and is
/// returned.
pub fn read_in_order<E>(
    sources: &Sources,
    files: &[PathBuf],
    take: impl FnMut(FileRead) -> Result<(), E>,
) -> Result<(), E> {
    read_on(parse_threads(), sources, files, take)
}

/// [`read_in_order`] on `threads` parsing threads.
fn read_on<E>(
    threads: usize,
    sources: &Sources,
    files: &[PathBuf],
    mut take: impl FnMut(FileRead) -> Result<(), E>,
) -> Result<(), E> {
    let stop = AtomicBool::new(false);
    let budget = Budget::new(READ_AHEAD_BYTES);
    std::thread::scope(|scope| {
        let (order, in_order) = mpsc::sync_channel(threads * FILES_AHEAD);
        let (jobs, next_job) = mpsc::sync_channel(threads);
        // Shared by the parsing threads alone: were they all to fail, the reader's next job would
        // find no one to take it, and stop instead of waiting.
        let next_job = Arc::new(Mutex::new(next_job));
        let (stop, budget) = (&stop, &budget);
        scope.spawn(move || read_files(sources, files, budget, stop, order, jobs));
        for _ in 0..threads {
            let next_job = Arc::clone(&next_job);
            scope.spawn(move || {
                loop {
                    // A statement of its own, so that the lock is held only to take a job: in a
                    // `while let` the guard would live on while the job is parsed, and the threads
                    // would parse one at a time.
                    let job = next_job.lock().unwrap_or_else(|p| p.into_inner()).recv();
                    let Ok(job) = job else { break };
                    parse(sources, job, stop);
                }
            });
        }
        drop(next_job);
        // However this ends (an error, a parsing thread's panic), the threads then stop early: the
        // files and pieces not taken are dropped, which ends every wait on them.
        let _stopping = Stopping(stop);
        for file in in_order {
            take(file)?;
        }
        Ok(())
    })
}

/// The number of threads parsing files: a core is left to the writer's threads and the rest parse, at
/// least one and at most [`MAX_PARSE_THREADS`]. On two cores a second parsing thread only took time
/// from tantivy's analysers (the whole run is bound by both cores' work: 10,000 documents took as long)
/// and cost its 25 MB. The environment variable `JOUBUN_PARSE_THREADS` sets the number (for tests and
/// measurements); it never changes what is indexed.
fn parse_threads() -> usize {
    let given = std::env::var("JOUBUN_PARSE_THREADS")
        .ok()
        .and_then(|n| n.trim().parse::<usize>().ok());
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    given
        .unwrap_or_else(|| cores.saturating_sub(1).min(MAX_PARSE_THREADS))
        .max(1)
}

/// One file for a parsing thread.
struct Job<'a> {
    file: &'a Path,
    rel: String,
    content: Content<'a>,
    pieces: SyncSender<Piece>,
}

/// A file's content as read for parsing.
enum Content<'a> {
    /// A JSON Lines file, streamed by the parsing thread.
    Lines,
    /// A document read whole, with its share of the read-ahead budget.
    Document(Vec<u8>, Grant<'a>),
}

/// Reads the files in order: each is announced to the writer, then read (a document whole, within
/// the budget) and handed to a parsing thread.
fn read_files<'f>(
    sources: &Sources,
    files: &'f [PathBuf],
    budget: &'f Budget,
    stop: &AtomicBool,
    order: SyncSender<FileRead>,
    jobs: SyncSender<Job<'f>>,
) {
    for file in files {
        if stop.load(Ordering::Relaxed) {
            return;
        }
        let rel = corpus::relative(file, sources.root);
        let (pieces, receiver) = mpsc::sync_channel(BATCHES_AHEAD);
        let announced = FileRead {
            file: file.clone(),
            rel: rel.clone(),
            pieces: receiver,
        };
        if order.send(announced).is_err() {
            return;
        }
        let content = if is_jsonl(&rel) {
            Content::Lines
        } else {
            let size = fs::metadata(file).map_or(0, |m| m.len());
            let grant = budget.take(size);
            let skipped = |reason| Piece::End(Outcome::Skipped(file.to_path_buf(), reason));
            match ingest::read_document(file) {
                Ok(Some(bytes)) => Content::Document(bytes, grant),
                Ok(None) => {
                    let _ = pieces.send(skipped(ingest::too_large()));
                    continue;
                }
                Err(e) => {
                    let _ = pieces.send(skipped(e.to_string()));
                    continue;
                }
            }
        };
        let job = Job {
            file,
            rel,
            content,
            pieces,
        };
        if jobs.send(job).is_err() {
            return;
        }
    }
}

/// Parses one file, sending its clauses and then how it ended; a file the index holds unchanged is
/// only fingerprinted.
fn parse(sources: &Sources, job: Job, stop: &AtomicBool) {
    let Job {
        file,
        rel,
        content,
        pieces,
    } = job;
    let facts = sources.config.files.get(&rel);
    let known = sources.known.get(&rel);
    let mut batches = Batches {
        fields: sources.fields,
        pieces,
        batch: Vec::new(),
        bytes: 0,
        taken: true,
    };
    let mut emit = |clause, _| batches.add(&clause);
    let outcome = match content {
        Content::Document(bytes, _grant) => {
            let print = Fingerprint::of(&bytes);
            if known == Some(&print.hex()) {
                Outcome::Unchanged(print)
            } else {
                match ingest::clauses_of_document(bytes, file, sources.root, facts, &mut emit) {
                    Ok(()) => Outcome::Read(print, Vec::new()),
                    Err(Skipped { path, reason }) => Outcome::Skipped(path, reason),
                }
            }
        }
        Content::Lines => {
            match open_lines(file, known, stop) {
                Ok(Lines::Unchanged(print)) => Outcome::Unchanged(print),
                Ok(Lines::Changed(lines)) => {
                    let mut lines = std::io::BufReader::with_capacity(1 << 20, lines);
                    let problems = ingest::clauses_of_lines(&rel, &mut lines, facts, &mut emit);
                    // The fingerprint of what was indexed: a file that failed half-way, or changed
                    // since it was first fingerprinted, is found changed by the next run and read again.
                    Outcome::Read(lines.into_inner().fingerprint(), problems)
                }
                Err(e) => Outcome::Skipped(file.to_path_buf(), e.to_string()),
            }
        }
    };
    batches.end(outcome);
}

/// One file's clauses on their way to the writer, as documents, a batch at a time.
struct Batches<'a> {
    fields: &'a Fields,
    pieces: SyncSender<Piece>,
    batch: Vec<(TantivyDocument, usize)>,
    /// Text in the batch.
    bytes: usize,
    /// Whether the writer still takes pieces: once it stops, the rest of the file is parsed for
    /// nothing.
    taken: bool,
}

impl Batches<'_> {
    fn add(&mut self, clause: &Clause) {
        if self.taken {
            let (document, analysed) = self.fields.document(clause);
            self.batch.push((document, analysed));
            self.bytes += analysed;
            if self.batch.len() >= BATCH_CLAUSES || self.bytes >= BATCH_BYTES {
                self.send();
            }
        }
    }

    fn send(&mut self) {
        self.bytes = 0;
        let batch = std::mem::take(&mut self.batch);
        if self.taken && !batch.is_empty() {
            self.taken = self.pieces.send(Piece::Clauses(batch)).is_ok();
        }
    }

    /// Sends the last clauses, then how the file ended.
    fn end(mut self, outcome: Outcome) {
        self.send();
        let _ = self.pieces.send(Piece::End(outcome));
    }
}

/// A JSON Lines file found unchanged, or ready to be streamed.
enum Lines<'a> {
    Unchanged(Fingerprint),
    Changed(Fingerprinting<Stoppable<'a>>),
}

/// Opens a JSON Lines file to stream it. Clauses segmented elsewhere can come by the million: one the
/// index holds (with the fingerprint `known`) is fingerprinted first, to be skipped unparsed.
fn open_lines<'a>(
    file: &Path,
    known: Option<&String>,
    stop: &'a AtomicBool,
) -> std::io::Result<Lines<'a>> {
    let mut f = fs::File::open(file)?;
    if let Some(known) = known {
        let print = Fingerprinting::new(&mut f).finish()?;
        if *known == print.hex() {
            return Ok(Lines::Unchanged(print));
        }
        f.rewind()?;
    }
    Ok(Lines::Changed(Fingerprinting::new(Stoppable {
        file: f,
        stop,
    })))
}

/// A file that reads as ended once the run stops, so a thread streaming a large one ends soon.
struct Stoppable<'a> {
    file: fs::File,
    stop: &'a AtomicBool,
}

impl Read for Stoppable<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.stop.load(Ordering::Relaxed) {
            return Ok(0);
        }
        self.file.read(buf)
    }
}

/// Tells every thread to stop when dropped.
struct Stopping<'a>(&'a AtomicBool);

impl Drop for Stopping<'_> {
    fn drop(&mut self) {
        self.0.store(true, Ordering::Relaxed);
    }
}

/// Bytes of documents that may be held at once, shared by the threads.
struct Budget {
    limit: u64,
    held: Mutex<u64>,
    freed: Condvar,
}

/// A share of the [`Budget`], given back when dropped.
struct Grant<'a> {
    budget: &'a Budget,
    bytes: u64,
}

impl Budget {
    fn new(limit: u64) -> Budget {
        Budget {
            limit,
            held: Mutex::new(0),
            freed: Condvar::new(),
        }
    }

    /// Waits until `bytes` more fit in the budget, and takes them; more than the whole budget waits
    /// until nothing else is held. Only the reading thread takes, so shares are taken in file order,
    /// and every share held belongs to a file the writer takes before the one waiting.
    fn take(&self, bytes: u64) -> Grant<'_> {
        let bytes = bytes.min(self.limit);
        let mut held = self.held.lock().unwrap_or_else(|p| p.into_inner());
        while *held + bytes > self.limit {
            held = self.freed.wait(held).unwrap_or_else(|p| p.into_inner());
        }
        *held += bytes;
        Grant {
            budget: self,
            bytes,
        }
    }
}

impl Drop for Grant<'_> {
    fn drop(&mut self) {
        let mut held = self.budget.held.lock().unwrap_or_else(|p| p.into_inner());
        *held -= self.bytes;
        self.budget.freed.notify_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::schema::Value;

    /// What a file gave, as text: its clause ids, then how it ended.
    type Given = (String, Vec<String>, String);

    fn read(threads: usize, sources: &Sources, files: &[PathBuf]) -> Vec<Given> {
        let mut given = Vec::new();
        read_on(threads, sources, files, |file| {
            let mut ids = Vec::new();
            for piece in file.pieces() {
                let end = match piece {
                    Piece::Clauses(batch) => {
                        for (document, _) in batch {
                            let id = document
                                .get_first(sources.fields.id)
                                .and_then(|v| v.as_str());
                            ids.push(id.unwrap().to_string());
                        }
                        continue;
                    }
                    Piece::End(Outcome::Unchanged(_)) => "unchanged".to_string(),
                    Piece::End(Outcome::Skipped(path, reason)) => {
                        format!("skipped {}: {reason}", path.display())
                    }
                    Piece::End(Outcome::Read(_, problems)) => format!("read {problems:?}"),
                };
                given.push((file.rel.clone(), std::mem::take(&mut ids), end));
            }
            Ok::<_, ()>(())
        })
        .unwrap();
        given
    }

    /// A corpus of the bundled documents four times over with a JSON Lines file, a binary file, a
    /// broken PDF and a file that is gone; its files in a walk's order, and the index's fingerprints.
    fn corpus_with_bad_files() -> (tempfile::TempDir, Vec<PathBuf>, Fingerprints) {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let bundled = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
        let mut files = Vec::new();
        for copy in 0..4 {
            for entry in fs::read_dir(&bundled).unwrap() {
                let entry = entry.unwrap();
                let file = root.join(format!("{copy}-{}", entry.file_name().to_string_lossy()));
                fs::copy(entry.path(), &file).unwrap();
                files.push(file);
            }
        }
        let mut write = |name: &str, bytes: &[u8]| {
            fs::write(root.join(name), bytes).unwrap();
            files.insert(files.len() / 2, root.join(name));
        };
        write(
            "lines.jsonl",
            "{\"text\":\"当社は第三者に提供しません。\"}\nnot json\n{\"text\":\"Cookies.\"}\n"
                .as_bytes(),
        );
        write("binary.txt", b"\0\0\0\x01\x02");
        write("broken.pdf", b"%PDF-1.4 not really");
        files.insert(3, root.join("gone.txt"));
        // One file the index holds as it is, one it holds otherwise.
        let mut known = Fingerprints::new();
        known.insert(
            "2-heyimg.txt".into(),
            Fingerprint::of(&fs::read(root.join("2-heyimg.txt")).unwrap()).hex(),
        );
        known.insert("lines.jsonl".into(), "0".into());
        (dir, files, known)
    }

    #[test]
    fn files_come_in_order_with_the_clauses_one_thread_makes() {
        let (dir, files, known) = corpus_with_bad_files();
        let root = dir.path();
        let config = CorpusConfig::default();
        let fields = super::super::schema().1;
        let sources = Sources {
            root,
            config: &config,
            known: &known,
            fields: &fields,
        };

        // What reading the files one after the other makes, as before threads.
        let expected: Vec<Given> = files
            .iter()
            .map(|file| {
                let rel = corpus::relative(file, root);
                let print = fs::read(file).map(|b| Fingerprint::of(&b).hex());
                if known
                    .get(&rel)
                    .is_some_and(|k| print.is_ok_and(|p| p == *k))
                {
                    return (rel, Vec::new(), "unchanged".to_string());
                }
                let mut ids = Vec::new();
                let end = match ingest::clauses_of_file(file, root, None, |c, _| ids.push(c.id)) {
                    Ok(problems) => format!("read {problems:?}"),
                    Err(Skipped { path, reason }) => {
                        format!("skipped {}: {reason}", path.display())
                    }
                };
                (rel, ids, end)
            })
            .collect();
        assert_eq!(expected.len(), 24);
        let skipped: Vec<&str> = expected
            .iter()
            .map(|g| g.2.as_str())
            .filter(|e| e.starts_with("skipped"))
            .collect();
        assert_eq!(skipped.len(), 3, "{skipped:?}");
        assert!(expected.iter().any(|g| g.2 == "unchanged"));
        assert!(expected.iter().filter(|g| !g.1.is_empty()).count() >= 19);
        for threads in [1, 2, 4] {
            assert_eq!(
                read(threads, &sources, &files),
                expected,
                "{threads} threads"
            );
        }
    }

    #[test]
    fn a_writer_that_fails_stops_every_thread() {
        let (dir, files, known) = corpus_with_bad_files();
        let (config, fields) = (CorpusConfig::default(), super::super::schema().1);
        let sources = Sources {
            root: dir.path(),
            config: &config,
            known: &known,
            fields: &fields,
        };
        let mut taken = 0;
        // Failing on the third file, before its pieces are taken: the threads parsing the files
        // after it wait on pieces nobody takes, until they are told to stop.
        let outcome = read_on(2, &sources, &files, |_| {
            taken += 1;
            if taken == 3 { Err("disk full") } else { Ok(()) }
        });
        assert_eq!(outcome, Err("disk full"));
        assert_eq!(taken, 3);
    }

    #[test]
    fn a_document_larger_than_the_budget_waits_until_it_is_alone() {
        let budget = Budget::new(10);
        let small = budget.take(4);
        let released = AtomicBool::new(false);
        std::thread::scope(|scope| {
            scope.spawn(|| {
                let _large = budget.take(100);
                assert!(
                    released.load(Ordering::SeqCst),
                    "taken while another was held"
                );
            });
            std::thread::sleep(std::time::Duration::from_millis(50));
            released.store(true, Ordering::SeqCst);
            drop(small);
        });
        assert_eq!(*budget.held.lock().unwrap(), 0);
    }
}
