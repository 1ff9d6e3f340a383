//! `joubun export`: every matching clause, streamed to a file in the format asked for.
//!
//! The file appears only when complete: rows go to a temporary file beside it, put in place at the end, so
//! an interrupted export never leaves half a spreadsheet behind. Only a regular file (or a symbolic link)
//! is ever replaced, and only with `--force`; a file that appears while the export runs is left alone.

use std::fs::{self, File};
use std::io::{self, BufWriter, IsTerminal, Write};
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::clause::Clause;
use crate::cli::{ExportArgs, ExportFormat};
use crate::error::{Error, Result};
use crate::query::{Hit, Search};

use super::search::open_search;
use super::{Outcome, stdout};

/// The columns of CSV and Markdown exports, in order.
const COLUMNS: [&str; 17] = [
    "id",
    "doc",
    "company",
    "title",
    "date",
    "lang",
    "jurisdictions",
    "cites",
    "type",
    "article",
    "heading",
    "label",
    "line_start",
    "line_end",
    "text",
    "score",
    "cite",
];

/// An exported clause: its fields and its score.
#[derive(Serialize)]
struct Row<'a> {
    #[serde(flatten)]
    clause: &'a Clause,
    score: f32,
}

/// One match as a JSON object: the clause fields and its score.
fn write_row(out: impl Write, hit: &Hit) -> std::io::Result<()> {
    let row = Row {
        clause: &hit.clause,
        score: hit.score,
    };
    Ok(serde_json::to_writer(out, &row)?)
}

/// Runs `joubun export`.
pub fn run(args: &ExportArgs) -> Result<Outcome> {
    if args.bom && matches!(args.format, ExportFormat::Jsonl | ExportFormat::Json) {
        return Err(Error::Input(
            "--bom is for CSV and Markdown (for Excel); JSON parsers reject a byte-order mark"
                .to_string(),
        ));
    }
    let (index, search) = open_search(&args.location, args.query.as_deref(), &args.filters)?;
    let output = args.output.as_deref().filter(|p| *p != Path::new("-"));
    if let Some(path) = output {
        let corpora = [index.meta.corpus.as_path(), args.location.corpus.as_path()];
        refuse_inside_corpus(path, &corpora)?;
    }
    let total = match output {
        None => {
            let mut out = stdout();
            let total = write_all(&mut out, &search, &index, args, false)?;
            out.flush()?;
            total
        }
        Some(path) => {
            let target = Target::create(path, args.force)?;
            let progress = io::stderr().is_terminal();
            let mut out = BufWriter::new(target.file.try_clone().map_err(|e| target.error(e))?);
            let total = write_all(&mut out, &search, &index, args, progress)?;
            out.flush().map_err(|e| target.error(e))?;
            drop(out);
            target.commit()?;
            eprintln!("joubun: exported {total} clauses to {}", path.display());
            total
        }
    };
    Ok(if total > 0 {
        Outcome::Success
    } else {
        Outcome::NothingFound
    })
}

fn write_all(
    out: &mut impl Write,
    search: &Search,
    index: &crate::index::ClauseIndex,
    args: &ExportArgs,
    progress: bool,
) -> Result<usize> {
    if args.bom {
        out.write_all("\u{feff}".as_bytes())?;
    }
    let mut written = 0usize;
    let total = match args.format {
        ExportFormat::Csv => {
            let mut csv = csv::Writer::from_writer(&mut *out);
            csv.write_record(COLUMNS).map_err(csv_error)?;
            let total = search.each_match(index, |hit| {
                csv.write_record(cells(&hit)).map_err(csv_error)?;
                tick(&mut written, progress);
                Ok(())
            })?;
            csv.flush()?;
            total
        }
        ExportFormat::Jsonl => search.each_match(index, |hit| {
            write_row(&mut *out, &hit)?;
            tick(&mut written, progress);
            writeln!(out)
        })?,
        ExportFormat::Json => {
            out.write_all(b"[")?;
            let total = search.each_match(index, |hit| {
                out.write_all(if written == 0 { b"\n" } else { b",\n" })?;
                write_row(&mut *out, &hit)?;
                tick(&mut written, progress);
                Ok(())
            })?;
            out.write_all(b"\n]\n")?;
            total
        }
        ExportFormat::Md => {
            writeln!(out, "| {} |", COLUMNS.join(" | "))?;
            writeln!(out, "|{}", "---|".repeat(COLUMNS.len()))?;
            search.each_match(index, |hit| {
                let cells: Vec<String> = cells(&hit).iter().map(|c| markdown_cell(c)).collect();
                tick(&mut written, progress);
                writeln!(out, "| {} |", cells.join(" | "))
            })?
        }
    };
    if progress {
        eprint!("\r");
    }
    Ok(total)
}

/// Counts a row, showing the count on a terminal every thousand rows.
fn tick(written: &mut usize, progress: bool) {
    *written += 1;
    if progress && written.is_multiple_of(1000) {
        eprint!("\rjoubun: {written} clauses written");
    }
}

/// A CSV writer's error as an I/O error; a failed write stays the I/O error it was, so that a closed
/// pipe is still recognised as one.
fn csv_error(e: csv::Error) -> io::Error {
    if !e.is_io_error() {
        return io::Error::other(e);
    }
    match e.into_kind() {
        csv::ErrorKind::Io(io) => io,
        other => io::Error::other(format!("{other:?}")),
    }
}

/// A hit as text cells, in [`COLUMNS`] order; lists are joined with `;`.
fn cells(hit: &Hit) -> Vec<String> {
    let c = &hit.clause;
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    vec![
        c.id.clone(),
        c.doc.clone(),
        text(&c.company),
        text(&c.title),
        text(&c.date),
        c.lang.code().to_string(),
        c.jurisdictions.join(";"),
        c.cites.join(";"),
        c.kind.clone(),
        text(&c.article),
        text(&c.heading),
        text(&c.label),
        c.line_start.to_string(),
        c.line_end.to_string(),
        c.text.clone(),
        format!("{:.4}", hit.score),
        c.cite.clone(),
    ]
}

/// A Markdown table cell: pipes escaped, line breaks as `<br>`.
fn markdown_cell(text: &str) -> String {
    text.replace('|', "\\|")
        .replace("\r\n", "<br>")
        .replace('\n', "<br>")
}

/// Refuses an export the next `joubun index` would read back as clauses: a document-type file (`.jsonl`,
/// `.md`) inside the corpus folder.
fn refuse_inside_corpus(path: &Path, corpora: &[&Path]) -> Result<()> {
    if !crate::corpus::is_document(path) {
        return Ok(());
    }
    let folder = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let Ok(folder) = folder.canonicalize() else {
        return Ok(());
    };
    for corpus in corpora {
        if let Ok(corpus) = corpus.canonicalize()
            && folder.starts_with(&corpus)
        {
            return Err(Error::Input(format!(
                "{} is inside the corpus folder {}: the next `joubun index` would read the export as \
                 clauses; write it elsewhere",
                path.display(),
                corpus.display()
            )));
        }
    }
    Ok(())
}

/// The output file being written: a temporary file beside the target, put in its place at the end.
struct Target {
    path: PathBuf,
    temp: PathBuf,
    file: File,
    /// Whether a file stood at `path` when the export started and `--force` allows replacing it; a
    /// file that appears later is never replaced.
    replace: bool,
}

impl Target {
    fn create(path: &Path, force: bool) -> Result<Target> {
        let replace = match fs::symlink_metadata(path) {
            Err(_) => false,
            Ok(found) => {
                check_replaceable(path, &found)?;
                if !force {
                    let what = match found.is_symlink() {
                        true => "is a symbolic link; use --force to replace the link itself",
                        false => "exists; use --force to replace it",
                    };
                    return Err(Error::Input(format!("{} {what}", path.display())));
                }
                true
            }
        };
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default();
        remove_stale_temporaries(path, &name);
        let temp = path.with_file_name(format!(".{name}.joubun-{}.tmp", std::process::id()));
        let file = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&temp)
            .map_err(|e| Error::Input(format!("cannot write {}: {e}", path.display())))?;
        Ok(Target {
            path: path.to_path_buf(),
            temp,
            file,
            replace,
        })
    }

    fn error(&self, e: io::Error) -> Error {
        let _ = fs::remove_file(&self.temp);
        Error::Input(format!("cannot write {}: {e}", self.path.display()))
    }

    fn commit(self) -> Result<()> {
        self.file.sync_all().map_err(|e| self.error(e))?;
        if self.replace {
            // What stands there now may have changed since the start: check it again.
            if let Ok(found) = fs::symlink_metadata(&self.path) {
                check_replaceable(&self.path, &found)?;
            }
            return fs::rename(&self.temp, &self.path).map_err(|e| self.error(e));
        }
        // A hard link is made only where no file exists, atomically: of two exports racing to one
        // new name, the second is refused instead of silently replacing the first.
        match fs::hard_link(&self.temp, &self.path) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Err(self.appeared()),
            // A file system without hard links: check, then rename (a narrow race remains there).
            Err(_) if fs::symlink_metadata(&self.path).is_ok() => Err(self.appeared()),
            Err(_) => fs::rename(&self.temp, &self.path).map_err(|e| self.error(e)),
        }
    }

    fn appeared(&self) -> Error {
        Error::Input(format!(
            "{} appeared while the export ran (another export?); it was left as it is and nothing \
             was written",
            self.path.display()
        ))
    }
}

/// Refuses to replace anything but a regular file or a symbolic link to one (or to nothing): a device,
/// FIFO, socket or folder, even with `--force`.
fn check_replaceable(path: &Path, found: &fs::Metadata) -> Result<()> {
    let regular = match found.is_symlink() {
        // A dangling link is replaceable; a link to a device is not.
        true => fs::metadata(path).map_or(true, |target| target.is_file()),
        false => found.is_file(),
    };
    match regular {
        true => Ok(()),
        false => Err(Error::Input(format!(
            "{} is not a regular file (a device, FIFO, socket or folder); joubun writes exports only \
             to regular files",
            path.display()
        ))),
    }
}

/// Removes the temporary files of earlier exports to the same target whose process was killed.
fn remove_stale_temporaries(path: &Path, name: &str) {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let prefix = format!(".{name}.joubun-");
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let file = entry.file_name().to_string_lossy().to_string();
        let pid = file
            .strip_prefix(&prefix)
            .and_then(|rest| rest.strip_suffix(".tmp"))
            .and_then(|p| p.parse().ok());
        // One with this process's own pid was left by an earlier process that had the same pid.
        if pid.is_some_and(|pid| pid == std::process::id() || !crate::index::process_alive(pid)) {
            let _ = fs::remove_file(entry.path());
        }
    }
}

impl Drop for Target {
    fn drop(&mut self) {
        // After a successful rename the temporary name no longer exists; otherwise clean up.
        let _ = fs::remove_file(&self.temp);
    }
}
