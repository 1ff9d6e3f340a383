//! Reading a corpus: walk a folder, decode each file whatever its encoding, and turn HTML into lines.
//!
//! A file that cannot be read or decoded becomes a [`Skipped`] with its path and the reason; the walk goes
//! on, so one bad file never costs the rest of the corpus.

use std::fs;
use std::path::{Path, PathBuf};

use encoding_rs::{EUC_JP, Encoding, SHIFT_JIS, UTF_16BE, UTF_16LE};
use walkdir::WalkDir;

/// File name endings joubun reads as documents.
/// `jsonl` files hold clauses segmented elsewhere, one JSON object a line.
pub const EXTENSIONS: [&str; 6] = ["txt", "md", "markdown", "html", "htm", "jsonl"];

/// One document's text, decoded, with where it came from.
#[derive(Debug, Clone)]
pub struct SourceDoc {
    /// Path relative to the corpus root, with `/` separators (the file itself when given a file).
    pub rel_path: String,
    /// The decoded text; for HTML, one line per heading, paragraph or list item.
    pub text: String,
    /// The encoding the bytes were in.
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

/// How to walk a corpus.
#[derive(Debug, Clone, Copy, Default)]
pub struct WalkOptions {
    /// Follow symbolic links (loops are detected and reported).
    pub follow_links: bool,
}

/// The document files under `root` (or `root` itself if it is a file), in a stable order, plus the
/// entries that could not be walked.
pub fn walk(root: &Path, options: WalkOptions) -> (Vec<PathBuf>, Vec<Skipped>) {
    let mut files = Vec::new();
    let mut skipped = Vec::new();
    let walker = WalkDir::new(root)
        .follow_links(options.follow_links)
        .sort_by_file_name()
        .into_iter()
        // The root itself may be named with a leading dot (`./corpus`); only hide what is below it.
        .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'));
    for entry in walker {
        match entry {
            Ok(entry)
                if entry.file_type().is_file()
                    && (entry.depth() == 0 || is_document(entry.path())) =>
            {
                files.push(entry.into_path())
            }
            // Not followed, so nothing outside the corpus is read and no file twice; said, not dropped.
            Ok(entry)
                if entry.path_is_symlink()
                    && entry.depth() > 0
                    && (is_document(entry.path())
                        || fs::metadata(entry.path()).is_ok_and(|m| m.is_dir())) =>
            {
                skipped.push(Skipped {
                    path: entry.into_path(),
                    reason: "symbolic link, not followed (copy its target into the corpus)"
                        .to_string(),
                })
            }
            Ok(_) => {}
            Err(err) => skipped.push(Skipped {
                path: err
                    .path()
                    .map(Path::to_path_buf)
                    .unwrap_or_else(|| root.to_path_buf()),
                reason: walk_error(&err),
            }),
        }
    }
    (files, skipped)
}

fn walk_error(err: &walkdir::Error) -> String {
    if err.loop_ancestor().is_some() {
        return "symbolic link loop".to_string();
    }
    match err.io_error() {
        Some(io) => io.to_string(),
        None => err.to_string(),
    }
}

/// Whether `path` has one of the [`EXTENSIONS`].
pub fn is_document(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| EXTENSIONS.iter().any(|x| x.eq_ignore_ascii_case(e)))
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

/// Decodes the bytes of the file at `path`, turning HTML into lines.
pub fn decode_document(bytes: Vec<u8>, path: &Path, root: &Path) -> Result<SourceDoc, Skipped> {
    let (text, encoding) = decode(bytes).map_err(|reason| Skipped {
        path: path.to_path_buf(),
        reason,
    })?;
    let is_html = path
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("html") || e.eq_ignore_ascii_case("htm"));
    let text = if is_html {
        html_to_lines(&text)
    } else {
        lone_cr_to_lf(text)
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

/// Decodes bytes as UTF-8 (with or without BOM), UTF-16 with BOM, Shift_JIS/CP932 or EUC-JP, detected
/// rather than assumed. Binary data and text in none of these are errors.
pub fn decode(bytes: Vec<u8>) -> Result<(String, &'static str), String> {
    if let Some((encoding, bom_len)) = Encoding::for_bom(&bytes) {
        let (text, had_errors) = encoding.decode_without_bom_handling(&bytes[bom_len..]);
        if had_errors {
            return Err(format!(
                "invalid {} after its byte-order mark",
                encoding.name()
            ));
        }
        return Ok((text.into_owned(), encoding.name()));
    }
    if bytes.is_empty() {
        return Ok((String::new(), "UTF-8"));
    }
    // NUL never occurs in text in these encodings (UTF-16 without a BOM is not supported).
    let head = &bytes[..bytes.len().min(64 * 1024)];
    if head.contains(&0) {
        let hint = if looks_like_utf16(head) {
            " (UTF-16 without a byte-order mark?)"
        } else {
            ""
        };
        return Err(format!("binary file, not text{hint}"));
    }
    let bytes = match String::from_utf8(bytes) {
        Ok(text) => return Ok((text, "UTF-8")),
        Err(e) => e.into_bytes(),
    };
    // Legacy Japanese encodings: take whichever decodes cleanly; when both do, the one that yields more
    // kana and common kanji is the right one (random byte pairs rarely form frequent characters).
    // A file cut mid-character (a truncated download) still counts as clean if all but its last
    // character decodes; that character becomes U+FFFD.
    let clean = |enc: &'static Encoding| {
        let (text, had_errors) = enc.decode_without_bom_handling(&bytes);
        let truncated = || {
            (1..=2).any(|cut| {
                !enc.decode_without_bom_handling(&bytes[..bytes.len().saturating_sub(cut)])
                    .1
            })
        };
        (!had_errors || truncated()).then(|| (japanese_score(&text), text.into_owned(), enc.name()))
    };
    [SHIFT_JIS, EUC_JP]
        .into_iter()
        .filter_map(clean)
        .max_by_key(|(score, _, _)| *score)
        .map(|(_, text, name)| (text, name))
        .ok_or_else(|| {
            "cannot decode: not valid UTF-8, UTF-16 (with BOM), Shift_JIS or EUC-JP".to_string()
        })
}

fn looks_like_utf16(head: &[u8]) -> bool {
    let (text, had_errors) = UTF_16LE.decode_without_bom_handling(head);
    let (text_be, had_errors_be) = UTF_16BE.decode_without_bom_handling(head);
    (!had_errors && japanese_score(&text) > 0) || (!had_errors_be && japanese_score(&text_be) > 0)
}

/// How many characters of `text` are hiragana, katakana or the most frequent punctuation.
fn japanese_score(text: &str) -> usize {
    text.chars()
        .filter(|c| matches!(c, '\u{3041}'..='\u{3096}' | '\u{30A1}'..='\u{30FA}' | '、' | '。' | '「' | '」'))
        .count()
}

/// Turns HTML into text lines: headings as Markdown headings, list items as `* ` lines, every other
/// block as a paragraph. Scripts, styles and templates are dropped.
pub fn html_to_lines(html: &str) -> String {
    use scraper::{Html, Node};
    let document = Html::parse_document(html);
    let mut out = String::new();
    let mut line = String::new();
    // An explicit stack instead of recursion: scraped pages can nest thousands of levels deep.
    let mut stack = vec![(document.tree.root(), false)];
    while let Some((node, leaving)) = stack.pop() {
        match node.value() {
            Node::Text(text) if !leaving => {
                let collapsed = text.split_whitespace().collect::<Vec<_>>().join(" ");
                if !collapsed.is_empty() {
                    if !line.is_empty() && text.starts_with(char::is_whitespace) {
                        line.push(' ');
                    }
                    line.push_str(&collapsed);
                    if text.ends_with(char::is_whitespace) {
                        line.push(' ');
                    }
                }
            }
            Node::Element(element) => {
                let name = element.name();
                // Navigation, headers and footers are page furniture, never clauses.
                if matches!(
                    name,
                    "script"
                        | "style"
                        | "template"
                        | "noscript"
                        | "head"
                        | "nav"
                        | "footer"
                        | "header"
                ) {
                    continue;
                }
                let block = matches!(
                    name,
                    "p" | "div"
                        | "li"
                        | "h1"
                        | "h2"
                        | "h3"
                        | "h4"
                        | "h5"
                        | "h6"
                        | "br"
                        | "tr"
                        | "section"
                        | "article"
                        | "header"
                        | "footer"
                        | "nav"
                        | "ul"
                        | "ol"
                        | "dl"
                        | "dt"
                        | "dd"
                        | "table"
                        | "blockquote"
                        | "pre"
                        | "main"
                        | "aside"
                );
                if block {
                    flush(&mut out, &mut line);
                }
                if !leaving {
                    if let Some(level) =
                        name.strip_prefix('h').and_then(|l| l.parse::<usize>().ok())
                    {
                        line.push_str(&"#".repeat(level.clamp(1, 6)));
                        line.push(' ');
                    } else if name == "li" {
                        line.push_str("* ");
                    }
                    stack.push((node, true));
                    stack.extend(node.children().rev().map(|c| (c, false)));
                }
            }
            Node::Document | Node::Fragment if !leaving => {
                stack.extend(node.children().rev().map(|c| (c, false)));
            }
            _ => {}
        }
    }
    flush(&mut out, &mut line);
    out
}

fn flush(out: &mut String, line: &mut String) {
    let trimmed = line.trim();
    // A heading or list marker with nothing after it is not a line.
    if !trimmed.is_empty() && !trimmed.chars().all(|c| c == '#' || c == '*' || c == ' ') {
        out.push_str(trimmed);
        out.push_str("\n\n");
    }
    line.clear();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_each_encoding() {
        let text = "第1条（目的）当社は、個人情報を適切に取り扱います。";
        let utf8 = decode(text.as_bytes().to_vec()).unwrap();
        assert_eq!(utf8, (text.to_string(), "UTF-8"));
        let bom = [b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat();
        assert_eq!(decode(bom).unwrap().0, text);
        for enc in [SHIFT_JIS, EUC_JP] {
            let bytes = enc.encode(text).0.into_owned();
            assert_eq!(
                decode(bytes).unwrap(),
                (text.to_string(), enc.name()),
                "{}",
                enc.name()
            );
        }
        let mut utf16 = vec![0xFF, 0xFE];
        utf16.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
        assert_eq!(decode(utf16).unwrap(), (text.to_string(), "UTF-16LE"));
    }

    #[test]
    fn binary_and_garbage_are_refused_with_a_reason() {
        assert!(
            decode(vec![0x7F, b'E', b'L', b'F', 0, 0, 1])
                .unwrap_err()
                .contains("binary")
        );
        assert!(
            decode(vec![0xFF, 0xFF, 0xFF, 0x80, 0x80])
                .unwrap_err()
                .contains("cannot decode")
        );
    }

    #[test]
    fn html_keeps_headings_items_and_paragraphs() {
        let html = "<html><head><title>x</title><script>var a=1;</script></head><body>\
                    <h2>第1条（目的）</h2><p>当社は<a href='/x'>個人情報</a>を守ります。</p>\
                    <ul><li>氏名</li><li>住所</li></ul></body></html>";
        let text = html_to_lines(html);
        let lines: Vec<&str> = text.lines().filter(|l| !l.is_empty()).collect();
        assert_eq!(
            lines,
            [
                "## 第1条（目的）",
                "当社は個人情報を守ります。",
                "* 氏名",
                "* 住所"
            ]
        );
    }
}
