//! Reading a corpus: walk a folder, decode each file whatever its encoding, and turn every format into
//! plain text lines for the segmenter.
//!
//! One reader per input format: [`html`], [`markdown`] (its raw HTML blocks), [`egov`] (statute XML),
//! [`pdf`] and [`docx`]. Each hands back text in the plain forms the segmenter already reads: Markdown
//! `#` headings, `* ` and `1. ` list items, table rows as `| cell | cell |`, statutes as printed.
//!
//! A file that cannot be read or decoded becomes a [`Skipped`] with its path and the reason; the walk goes
//! on, so one bad file never costs the rest of the corpus.

mod decode;
mod docx;
mod egov;
mod html;
mod markdown;
mod pdf;
mod walk;

use std::fs;
use std::path::{Path, PathBuf};

pub use decode::decode;
pub use html::html_to_lines;
pub use walk::{EXTENSIONS, WalkOptions, is_document, walk};

/// One document's text, decoded, with where it came from.
#[derive(Debug, Clone)]
pub struct SourceDoc {
    /// Path relative to the corpus root, with `/` separators (the file itself when given a file).
    pub rel_path: String,
    /// The decoded text; for HTML, PDF, Word and statute XML, the lines their reader made.
    pub text: String,
    /// The encoding the bytes were in, or the format the text was taken from (`PDF`, `DOCX`).
    pub encoding: &'static str,
}

/// A file that was passed over, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    /// The file, as the user named or walked it.
    pub path: PathBuf,
    /// Why it was skipped, in words a user can act on.
    pub reason: String,
}

impl Skipped {
    /// `path` passed over, for `reason`.
    pub fn new(path: &Path, reason: String) -> Skipped {
        Skipped {
            path: path.to_path_buf(),
            reason,
        }
    }
}

/// The input formats, told by a file's name ending.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Text,
    Markdown,
    Html,
    /// Statute XML; other XML is skipped once its content shows it is not a statute.
    Xml,
    Pdf,
    Docx,
}

impl Format {
    fn of(path: &Path) -> Format {
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or("")
            .to_ascii_lowercase();
        match ext.as_str() {
            "md" | "markdown" => Format::Markdown,
            "html" | "htm" => Format::Html,
            "xml" => Format::Xml,
            "pdf" => Format::Pdf,
            "docx" => Format::Docx,
            _ => Format::Text,
        }
    }
}

/// Reads and decodes one file; `root` is what its path is made relative to.
pub fn read(path: &Path, root: &Path) -> Result<SourceDoc, Skipped> {
    match fs::read(path) {
        Ok(bytes) => decode_document(bytes, path, root),
        Err(e) => Err(Skipped {
            path: path.to_path_buf(),
            reason: e.to_string(),
        }),
    }
}

/// Decodes the bytes of the file at `path` with the reader its format needs.
pub fn decode_document(bytes: Vec<u8>, path: &Path, root: &Path) -> Result<SourceDoc, Skipped> {
    let skip = |reason: String| Skipped {
        path: path.to_path_buf(),
        reason,
    };
    let (text, encoding) = match Format::of(path) {
        Format::Pdf => (pdf::to_lines(&bytes).map_err(skip)?, "PDF"),
        Format::Docx => (docx::to_lines(&bytes).map_err(skip)?, "DOCX"),
        format => {
            let (text, encoding) = decode(bytes).map_err(skip)?;
            let text = match format {
                Format::Html => html_to_lines(&text),
                Format::Markdown => markdown::read_html_blocks(&lone_cr_to_lf(text)),
                Format::Xml => egov::to_lines(&text).map_err(skip)?,
                _ => lone_cr_to_lf(text),
            };
            (text, encoding)
        }
    };
    Ok(SourceDoc {
        rel_path: relative(path, root),
        text,
        encoding,
    })
}

/// Old Mac line ends (a lone CR) become LF, so that line numbers count them; CRLF is left alone.
fn lone_cr_to_lf(text: String) -> String {
    let bytes = text.as_bytes();
    if !bytes
        .iter()
        .enumerate()
        .any(|(i, &b)| b == b'\r' && bytes.get(i + 1) != Some(&b'\n'))
    {
        return text;
    }
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\r' && chars.peek() != Some(&'\n') {
            out.push('\n');
        } else {
            out.push(c);
        }
    }
    out
}

/// `path` relative to `root`, with `/` separators; a file given on its own is named by its file name.
pub fn relative(path: &Path, root: &Path) -> String {
    let rel = path
        .strip_prefix(root)
        .ok()
        .filter(|r| !r.as_os_str().is_empty());
    let rel = rel.unwrap_or_else(|| Path::new(path.file_name().unwrap_or(path.as_os_str())));
    rel.to_string_lossy().replace('\\', "/")
}

/// Whether a line begins with a clause number or a bullet (`第1条`, `一　`, `(1)`, `1.`, `①`, `ア．`, `・`):
/// such a line starts a clause of its own, and carries its own number.
fn starts_with_marker(text: &str) -> bool {
    let mut chars = text.chars();
    let first = chars.next().unwrap_or(' ');
    let second = chars.next().unwrap_or(' ');
    let kanji_number = |c: char| "一二三四五六七八九十".contains(c);
    let digit = |c: char| c.is_ascii_digit() || ('０'..='９').contains(&c);
    matches!(
        first,
        '(' | '（' | '[' | '［' | '【' | '〔' | '\u{2460}'
            ..='\u{2473}' | '・' | '●' | '■' | '◆' | '□' | '○' | '◎' | '※' | '-' | '*'
    ) || (first == '第' && (kanji_number(second) || digit(second)))
        || (digit(first)
            && (digit(second) || matches!(second, '.' | '．' | ')' | '）' | ' ' | '　' | '、')))
        || (kanji_number(first)
            && (kanji_number(second) || matches!(second, '　' | ' ' | '、' | '．')))
        || (matches!(first, 'ア'..='ン' | 'a'..='z' | 'A'..='Z' | 'Ⅰ'..='Ⅻ')
            && matches!(second, '．' | '.' | ')' | '）' | '　'))
}

/// Whether `c` is a Japanese (wide) character: no space stands between two of them when lines join.
fn is_wide(c: char) -> bool {
    matches!(c, '\u{2E80}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}' | '\u{FF00}'..='\u{FFEF}')
}
