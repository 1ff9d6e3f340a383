//! One corpus file to its clauses, as `index` and `parse` both read it: a document whole (up to a size
//! limit), a JSON Lines file streamed a line at a time (each line up to a limit).

use std::fs;
use std::io::{BufRead, Read};
use std::path::Path;

use crate::clause::{Clause, Explanation, FileFacts, parse_document, parse_jsonl};
use crate::corpus::{self, Skipped};

/// The largest document read: a document is held whole while it is cut into clauses. Larger files
/// (a disk image named `.txt`, a sparse file) are skipped with a reason.
pub const MAX_DOCUMENT_BYTES: u64 = 1 << 30;
/// The longest line of a JSON Lines file, one clause; longer lines are skipped with a reason. The line
/// is read into a buffer that doubles as it grows: at 64 MB a run over a long line peaked at 300 MB.
pub const MAX_LINE_BYTES: u64 = 32 << 20;

/// A document's bytes, or `None` when it is over [`MAX_DOCUMENT_BYTES`] (checked before reading it).
pub fn read_document(path: &Path) -> std::io::Result<Option<Vec<u8>>> {
    let file = fs::File::open(path)?;
    let len = file.metadata()?.len();
    if len > MAX_DOCUMENT_BYTES {
        return Ok(None);
    }
    let mut bytes = Vec::with_capacity(len as usize);
    // A file that grows while it is read is held to the limit too.
    file.take(MAX_DOCUMENT_BYTES + 1).read_to_end(&mut bytes)?;
    Ok((bytes.len() as u64 <= MAX_DOCUMENT_BYTES).then_some(bytes))
}

/// The reason a document over [`MAX_DOCUMENT_BYTES`] is skipped.
pub fn too_large() -> String {
    format!(
        "larger than {} MB, the limit for one document; split it, or give its clauses as JSON Lines",
        MAX_DOCUMENT_BYTES >> 20
    )
}

/// The lines of a JSON Lines file, each either text or why it cannot be read; a read error ends them.
/// A line over [`MAX_LINE_BYTES`] is passed over without being held.
pub fn jsonl_lines(mut lines: impl BufRead) -> impl Iterator<Item = Result<String, String>> {
    let mut failed = false;
    std::iter::from_fn(move || {
        if failed {
            return None;
        }
        let mut line = Vec::new();
        let read = (&mut lines)
            .take(MAX_LINE_BYTES + 1)
            .read_until(b'\n', &mut line);
        let too_long = || {
            format!(
                "longer than {} MB, the limit for one JSON line",
                MAX_LINE_BYTES >> 20
            )
        };
        let outcome = match read {
            Ok(0) => return None,
            Ok(_) if line.last() == Some(&b'\n') => {
                line.pop();
                Ok(line)
            }
            Ok(_) if line.len() as u64 > MAX_LINE_BYTES => match skip_line(&mut lines) {
                Ok(()) => return Some(Err(too_long())),
                Err(e) => Err(e),
            },
            Ok(_) => Ok(line),
            Err(e) => Err(e),
        };
        Some(match outcome {
            Ok(bytes) => String::from_utf8(bytes)
                .map_err(|_| "not UTF-8 (JSON Lines files are UTF-8)".to_string()),
            Err(e) => {
                failed = true;
                Err(e.to_string())
            }
        })
    })
}

/// Reads past the rest of the current line without keeping it.
fn skip_line(lines: &mut impl BufRead) -> std::io::Result<()> {
    loop {
        let buf = lines.fill_buf()?;
        if buf.is_empty() {
            return Ok(());
        }
        match buf.iter().position(|&b| b == b'\n') {
            Some(end) => {
                lines.consume(end + 1);
                return Ok(());
            }
            None => {
                let n = buf.len();
                lines.consume(n);
            }
        }
    }
}

/// The clauses of a JSON Lines file streamed from `lines`, handed to `emit`; returns the lines passed
/// over, each with why.
pub fn clauses_of_lines(
    rel_path: &str,
    lines: impl BufRead,
    facts: Option<&FileFacts>,
    emit: impl FnMut(Clause, Explanation),
) -> Vec<String> {
    parse_jsonl(rel_path, jsonl_lines(lines), facts, emit)
}

/// The clauses of the document `file` (under `root`) whose bytes are `bytes`, handed to `emit`; or why
/// it cannot be read as its format.
pub fn clauses_of_document(
    bytes: Vec<u8>,
    file: &Path,
    root: &Path,
    facts: Option<&FileFacts>,
    emit: impl FnMut(Clause, Explanation),
) -> Result<(), Skipped> {
    let source = corpus::decode_document(bytes, file, root)?;
    parse_document(&source, facts, emit);
    Ok(())
}

/// The clauses of `file` (under `root`), handed to `emit` as they come: a JSON Lines file streamed, any
/// other document read whole up to [`MAX_DOCUMENT_BYTES`]. Returns the JSON lines passed over, or why
/// the file was.
pub fn clauses_of_file(
    file: &Path,
    root: &Path,
    facts: Option<&FileFacts>,
    emit: impl FnMut(Clause, Explanation),
) -> Result<Vec<String>, Skipped> {
    let rel = corpus::relative(file, root);
    if crate::clause::is_jsonl(&rel) {
        let lines = fs::File::open(file).map_err(|e| Skipped::new(file, e.to_string()))?;
        return Ok(clauses_of_lines(
            &rel,
            std::io::BufReader::with_capacity(1 << 20, lines),
            facts,
            emit,
        ));
    }
    match read_document(file) {
        Ok(Some(bytes)) => clauses_of_document(bytes, file, root, facts, emit).map(|()| Vec::new()),
        Ok(None) => Err(Skipped::new(file, too_large())),
        Err(e) => Err(Skipped::new(file, e.to_string())),
    }
}
