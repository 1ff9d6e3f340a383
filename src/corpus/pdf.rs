//! PDF with a text layer to paragraphs: the text of each page placed in lines by where it is drawn, page
//! headers, footers and numbers dropped, and lines re-joined into the paragraphs they were wrapped from.
//!
//! lopdf parses, decrypts and decompresses; the text is decoded here, because old Japanese PDFs write it
//! in Shift_JIS or EUC-JP through predefined CMaps (`90ms-RKSJ-H`) that no PDF crate reads, and a font
//! with neither such a CMap nor a Unicode map has no recoverable text: its strings are counted, never
//! guessed at. A PDF whose text cannot be read is refused with the reason, never indexed as junk.

use std::cell::Cell;
use std::collections::HashMap;
use std::panic::{self, AssertUnwindSafe};
use std::sync::Once;

use encoding_rs::{EUC_JP, SHIFT_JIS, UTF_16BE};
use lopdf::content::Content;
use lopdf::{Dictionary, Document, Encoding, Object, ObjectId};

use super::{is_wide, starts_with_marker};

/// Most decompressed content one page may have; a larger one is a decompression bomb, not a page.
const PAGE_CONTENT_LIMIT: usize = 64 << 20;

/// Fewer readable characters than this in a whole PDF means it has no text layer (a scan).
const MIN_TEXT_CHARS: usize = 20;

/// The text of a PDF as lines, one paragraph a line with a blank line between paragraphs.
pub fn to_lines(bytes: &[u8]) -> Result<String, String> {
    let pages = quietly(|| read_pages(bytes))
        .map_err(|panic| format!("unreadable PDF (the PDF reader failed: {panic})"))??;
    let readable: usize = pages
        .iter()
        .flatten()
        .map(|l| l.text.chars().filter(|c| !c.is_whitespace()).count())
        .sum();
    if readable < MIN_TEXT_CHARS {
        return Err("PDF without a text layer (scanned images?): nothing to index".to_string());
    }
    Ok(paragraphs(drop_furniture(pages)))
}

/// Runs `f`, turning a panic into an error; the panic's message is not printed, since the caller
/// reports the file as skipped.
fn quietly<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    thread_local!(static QUIET: Cell<bool> = const { Cell::new(false) });
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if !QUIET.with(Cell::get) {
                previous(info)
            }
        }));
    });
    QUIET.with(|q| q.set(true));
    let result = panic::catch_unwind(AssertUnwindSafe(f));
    QUIET.with(|q| q.set(false));
    result.map_err(|payload| {
        payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown error".to_string())
    })
}

/// One line of text as drawn on a page.
#[derive(Debug, Clone)]
struct Line {
    text: String,
    /// Where the line begins and (estimated) ends across the page, and its height on it.
    x: f32,
    x_end: f32,
    y: f32,
    size: f32,
}

fn read_pages(bytes: &[u8]) -> Result<Vec<Vec<Line>>, String> {
    let doc = Document::load_mem(bytes).map_err(|e| format!("unreadable PDF: {e}"))?;
    if doc.is_encrypted() && !doc.was_encrypted() {
        return Err("encrypted PDF: it needs a password to be read".to_string());
    }
    let mut pages = Vec::new();
    let mut undecodable = 0;
    for (number, page) in doc.get_pages() {
        let content = doc
            .get_page_content_with_limit(page, PAGE_CONTENT_LIMIT)
            .map_err(|e| format!("unreadable PDF: page {number}: {e}"))?;
        let content =
            Content::decode(&content).map_err(|e| format!("unreadable PDF: page {number}: {e}"))?;
        let fonts = page_fonts(&doc, page);
        let mut reader = PageReader::new(&fonts);
        reader.run(&content.operations);
        undecodable += reader.undecodable;
        pages.push(reader.finish());
    }
    let decoded: usize = pages.iter().flatten().map(|l| l.text.len()).sum();
    if decoded == 0 && undecodable > 0 {
        return Err(
            "PDF whose fonts map their text to no characters (no Unicode map): text cannot be read"
                .to_string(),
        );
    }
    Ok(pages)
}

/// How a font's string bytes become text.
enum Decoder<'a> {
    /// A predefined Japanese CMap over Shift_JIS (`90ms-RKSJ-H`) or EUC-JP (`EUC-H`), or UCS-2.
    Legacy(&'static encoding_rs::Encoding),
    /// A Unicode map or a one-byte encoding, as lopdf reads it.
    Mapped(Encoding<'a>),
    /// Glyph ids with no Unicode map: no text to recover.
    Unknown,
}

fn page_fonts(doc: &Document, page: ObjectId) -> HashMap<Vec<u8>, Decoder<'_>> {
    let Ok(fonts) = doc.get_page_fonts(page) else {
        return HashMap::new();
    };
    fonts
        .into_iter()
        .map(|(name, font)| (name, decoder(doc, font)))
        .collect()
}

fn decoder<'a>(doc: &'a Document, font: &'a Dictionary) -> Decoder<'a> {
    let encoding = font
        .get(b"Encoding")
        .and_then(Object::as_name)
        .map(|n| String::from_utf8_lossy(n).into_owned())
        .unwrap_or_default();
    let has_unicode_map = font.get(b"ToUnicode").is_ok();
    if !has_unicode_map {
        if encoding.contains("RKSJ") {
            return Decoder::Legacy(SHIFT_JIS);
        }
        if encoding.contains("EUC") {
            return Decoder::Legacy(EUC_JP);
        }
        if encoding.contains("UCS2") || encoding.contains("UTF16") {
            return Decoder::Legacy(UTF_16BE);
        }
        if encoding.starts_with("Identity") {
            return Decoder::Unknown;
        }
    }
    match font.get_font_encoding(doc) {
        Ok(encoding) => Decoder::Mapped(encoding),
        Err(_) => Decoder::Unknown,
    }
}

impl Decoder<'_> {
    fn decode(&self, bytes: &[u8]) -> Option<String> {
        match self {
            Decoder::Legacy(encoding) => Some(encoding.decode_without_bom_handling(bytes).0.into()),
            Decoder::Mapped(encoding) => Document::decode_text(encoding, bytes).ok(),
            Decoder::Unknown => None,
        }
    }
}

/// A 2-D affine matrix `[a b c d e f]`, as PDF writes them.
#[derive(Debug, Clone, Copy)]
struct Matrix([f32; 6]);

impl Matrix {
    const IDENTITY: Matrix = Matrix([1.0, 0.0, 0.0, 1.0, 0.0, 0.0]);

    /// `self` applied first, then `then`.
    fn times(self, then: Matrix) -> Matrix {
        let [a, b, c, d, e, f] = self.0;
        let [a2, b2, c2, d2, e2, f2] = then.0;
        Matrix([
            a * a2 + b * c2,
            a * b2 + b * d2,
            c * a2 + d * c2,
            c * b2 + d * d2,
            e * a2 + f * c2 + e2,
            e * b2 + f * d2 + f2,
        ])
    }

    fn translate(x: f32, y: f32) -> Matrix {
        Matrix([1.0, 0.0, 0.0, 1.0, x, y])
    }
}

/// Follows one page's content stream, collecting the text it draws into lines.
struct PageReader<'f, 'd> {
    fonts: &'f HashMap<Vec<u8>, Decoder<'d>>,
    font: Option<&'f Decoder<'d>>,
    font_size: f32,
    leading: f32,
    /// Extra space after each character (`Tc`) and after each space (`Tw`), in text space.
    char_spacing: f32,
    word_spacing: f32,
    ctm: Matrix,
    saved: Vec<Matrix>,
    tm: Matrix,
    tlm: Matrix,
    lines: Vec<Line>,
    undecodable: usize,
}

impl<'f, 'd> PageReader<'f, 'd> {
    fn new(fonts: &'f HashMap<Vec<u8>, Decoder<'d>>) -> Self {
        PageReader {
            fonts,
            font: None,
            font_size: 1.0,
            leading: 0.0,
            char_spacing: 0.0,
            word_spacing: 0.0,
            ctm: Matrix::IDENTITY,
            saved: Vec::new(),
            tm: Matrix::IDENTITY,
            tlm: Matrix::IDENTITY,
            lines: Vec::new(),
            undecodable: 0,
        }
    }

    fn run(&mut self, operations: &[lopdf::content::Operation]) {
        for op in operations {
            let num = |i: usize| {
                op.operands
                    .get(i)
                    .and_then(|o| o.as_float().ok())
                    .unwrap_or(0.0)
            };
            match op.operator.as_str() {
                "q" => self.saved.push(self.ctm),
                "Q" => self.ctm = self.saved.pop().unwrap_or(Matrix::IDENTITY),
                "cm" => {
                    let m = Matrix([num(0), num(1), num(2), num(3), num(4), num(5)]);
                    self.ctm = m.times(self.ctm);
                }
                "BT" => {
                    self.tm = Matrix::IDENTITY;
                    self.tlm = Matrix::IDENTITY;
                }
                "Tf" => {
                    self.font = op
                        .operands
                        .first()
                        .and_then(|o| o.as_name().ok())
                        .and_then(|name| self.fonts.get(name));
                    self.font_size = num(1);
                }
                "TL" => self.leading = num(0),
                "Tc" => self.char_spacing = num(0),
                "Tw" => self.word_spacing = num(0),
                "Td" => self.move_line(num(0), num(1)),
                "TD" => {
                    self.leading = -num(1);
                    self.move_line(num(0), num(1));
                }
                "Tm" => {
                    self.tlm = Matrix([num(0), num(1), num(2), num(3), num(4), num(5)]);
                    self.tm = self.tlm;
                }
                "T*" => self.move_line(0.0, -self.leading),
                "Tj" => self.show_operand(op.operands.first()),
                "'" => {
                    self.move_line(0.0, -self.leading);
                    self.show_operand(op.operands.first());
                }
                "\"" => {
                    self.move_line(0.0, -self.leading);
                    self.show_operand(op.operands.get(2));
                }
                "TJ" => {
                    if let Some(Object::Array(parts)) = op.operands.first() {
                        for part in parts {
                            match part {
                                Object::String(..) => self.show_operand(Some(part)),
                                // A large negative adjustment is a gap between words.
                                other => {
                                    let shift = other.as_float().unwrap_or(0.0);
                                    self.advance(-shift / 1000.0 * self.font_size);
                                }
                            }
                        }
                    }
                }
                _ => {}
            }
        }
    }

    fn move_line(&mut self, x: f32, y: f32) {
        self.tlm = Matrix::translate(x, y).times(self.tlm);
        self.tm = self.tlm;
    }

    fn advance(&mut self, by: f32) {
        self.tm = Matrix::translate(by, 0.0).times(self.tm);
    }

    fn show_operand(&mut self, operand: Option<&Object>) {
        let Some(Object::String(bytes, _)) = operand else {
            return;
        };
        let Some(font) = self.font else {
            self.undecodable += 1;
            return;
        };
        let Some(text) = font.decode(bytes) else {
            self.undecodable += 1;
            return;
        };
        let text: String = text.chars().filter(|c| !c.is_control()).collect();
        let at = self.tm.times(self.ctm);
        let [a, b, _, d, x, y] = at.0;
        let scale = (a * a + b * b).sqrt().max(d.abs()).max(0.01);
        let size = (self.font_size * scale).abs().max(1.0);
        // Glyph widths are not read: an estimate (full width for Japanese, half for the rest) is
        // enough to tell a wrapped line from a short one and a word gap from none.
        let width_em: f32 = text.chars().map(em_width).sum();
        let spacing = text.chars().count() as f32 * self.char_spacing
            + text.chars().filter(|&c| c == ' ').count() as f32 * self.word_spacing;
        let advance = width_em * self.font_size + spacing;
        self.advance(advance);
        // The line ends at its last glyph, not after the spacing that follows it.
        let x_end = x + (advance - self.char_spacing) * size / self.font_size.abs().max(0.01);
        match self.lines.last_mut() {
            Some(line) if (line.y - y).abs() < line.size.min(size) * 0.5 => {
                let gap = x - line.x_end;
                let joins_wide = line.text.chars().last().is_some_and(is_wide)
                    && text.chars().next().is_some_and(is_wide);
                // A gap of a full character or more between Japanese text (a heading's number and
                // its title, two table cells) is a full-width space; between words, a space.
                if joins_wide && gap > size * 0.5 {
                    line.text.push('\u{3000}');
                } else if gap > size * 0.25 && !joins_wide && !line.text.ends_with(' ') {
                    line.text.push(' ');
                }
                line.text.push_str(&text);
                line.x_end = line.x_end.max(x_end);
            }
            _ => {
                if !text.trim().is_empty() {
                    self.lines.push(Line {
                        text,
                        x,
                        x_end,
                        y,
                        size,
                    });
                }
            }
        }
    }

    fn finish(self) -> Vec<Line> {
        self.lines
            .into_iter()
            .map(|mut l| {
                l.text = l
                    .text
                    .split_ascii_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ");
                l
            })
            .filter(|l| !l.text.is_empty())
            .collect()
    }
}

/// Drops what is page furniture: page numbers (`3`, `- 3 -`, `3/12`) at the top or bottom of a page,
/// and the runs of lines at a page's top or bottom that recur in the same place, numbers aside, on a
/// quarter or more of the pages (running headers and footers, a table's header repeated on every page).
fn drop_furniture(mut pages: Vec<Vec<Line>>) -> Vec<Vec<Line>> {
    /// How far into a page a running header or footer may reach, in lines.
    const REACH: usize = 12;
    let shape = |line: &Line| -> String {
        line.text
            .chars()
            .map(|c| if c.is_numeric() { '#' } else { c })
            .filter(|c| !c.is_whitespace())
            .collect()
    };
    // A line is keyed by its place from the page's edge as well: furniture stands in the same place
    // on every page, while a short line of text ("こと。") may recur anywhere.
    let mut tops: HashMap<(usize, String), usize> = HashMap::new();
    let mut bottoms: HashMap<(usize, String), usize> = HashMap::new();
    for page in &pages {
        for (i, line) in page.iter().take(REACH).enumerate() {
            *tops.entry((i, shape(line))).or_default() += 1;
        }
        for (i, line) in page.iter().rev().take(REACH).enumerate() {
            *bottoms.entry((i, shape(line))).or_default() += 1;
        }
    }
    let enough = 3.max(pages.len().div_ceil(4));
    let recurs = |seen: &HashMap<(usize, String), usize>, i: usize, line: &Line| {
        is_page_number(&line.text) || seen.get(&(i, shape(line))).is_some_and(|&n| n >= enough)
    };
    for page in &mut pages {
        let top = (page.iter().take(REACH).enumerate())
            .take_while(|(i, l)| recurs(&tops, *i, l))
            .count();
        page.drain(..top);
        let bottom = (page.iter().rev().take(REACH).enumerate())
            .take_while(|(i, l)| recurs(&bottoms, *i, l))
            .count();
        page.truncate(page.len() - bottom);
    }
    pages
}

/// A character's estimated width in ems: Latin letters are about half as wide as Japanese ones.
fn em_width(c: char) -> f32 {
    match c {
        '\u{0}'..='\u{36F}' | '\u{FF61}'..='\u{FF9F}' => 0.5,
        _ => 1.0,
    }
}

fn is_page_number(text: &str) -> bool {
    let core: String = text
        .chars()
        .filter(|c| {
            !c.is_whitespace()
                && !matches!(c, '-' | '－' | '—' | '‐' | '–' | '(' | ')' | '（' | '）')
        })
        .collect();
    let core = core
        .trim_start_matches(['P', 'p'])
        .trim_start_matches("age")
        .trim_start_matches('.');
    !core.is_empty()
        && core.split(['/', '／']).all(|part| {
            !part.is_empty()
                && part
                    .chars()
                    .all(|c| c.is_ascii_digit() || ('０'..='９').contains(&c))
        })
}

/// Joins lines wrapped at the right margin back into paragraphs; a line that begins with a number or
/// a bullet, or is indented, starts a new one.
fn paragraphs(pages: Vec<Vec<Line>>) -> String {
    // The right margin: where most long lines end (a few run past it into the margin).
    let mut ends: Vec<f32> = pages.iter().flatten().map(|l| l.x_end).collect();
    ends.sort_by(f32::total_cmp);
    let right = ends.get(ends.len() * 9 / 10).copied().unwrap_or(0.0);
    let mut out = String::new();
    let mut previous: Option<Line> = None;
    for line in pages.into_iter().flatten() {
        // A wrapped line reached the right margin. The next one goes on with it unless it opens a
        // paragraph: a number or bullet first, or an indent of one character (a hanging indent,
        // deeper than that, is the wrapped item going on).
        let continues = previous.as_ref().is_some_and(|p| {
            let indent = (line.x - p.x) / p.size;
            p.x_end >= right - 3.0 * p.size
                && !(0.5..1.5).contains(&indent)
                && !starts_with_marker(&line.text)
        });
        match (continues, previous.as_ref()) {
            (true, Some(p)) => {
                let wide = p.text.chars().last().is_some_and(is_wide)
                    && line.text.chars().next().is_some_and(is_wide);
                if !wide {
                    out.push(' ');
                }
            }
            (_, Some(_)) => out.push_str("\n\n"),
            _ => {}
        }
        out.push_str(&line.text);
        previous = Some(line);
    }
    if !out.is_empty() {
        out.push('\n');
    }
    out
}
