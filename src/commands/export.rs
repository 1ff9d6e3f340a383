//! `joubun export`: every matching clause, streamed to a file in the format asked for.
//!
//! The file appears only when complete: rows go to a temporary file beside it, renamed at the end, so an
//! interrupted export never leaves half a spreadsheet behind.

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
    let (index, search) = open_search(&args.location, args.query.as_deref(), &args.filters)?;
    let total = match &args.output {
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

fn csv_error(e: csv::Error) -> io::Error {
    io::Error::other(e)
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

/// The output file being written: a temporary file beside the target, renamed over it at the end.
struct Target {
    path: PathBuf,
    temp: PathBuf,
    file: File,
}

impl Target {
    fn create(path: &Path, force: bool) -> Result<Target> {
        if path.exists() && !force {
            return Err(Error::Input(format!(
                "{} exists; use --force to replace it",
                path.display()
            )));
        }
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default();
        remove_stale_temporaries(path, &name);
        let temp = path.with_file_name(format!(".{name}.joubun-{}.tmp", std::process::id()));
        let file = File::create(&temp)
            .map_err(|e| Error::Input(format!("cannot write {}: {e}", path.display())))?;
        Ok(Target {
            path: path.to_path_buf(),
            temp,
            file,
        })
    }

    fn error(&self, e: io::Error) -> Error {
        let _ = fs::remove_file(&self.temp);
        Error::Input(format!("cannot write {}: {e}", self.path.display()))
    }

    fn commit(self) -> Result<()> {
        self.file.sync_all().map_err(|e| self.error(e))?;
        fs::rename(&self.temp, &self.path).map_err(|e| self.error(e))
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
        if pid.is_some_and(|pid| !crate::index::process_alive(pid)) {
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
