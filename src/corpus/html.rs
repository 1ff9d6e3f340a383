//! HTML to text lines, as a reader sees the page: headings as Markdown headings, list items as `* ` or
//! `1. ` lines, a table row as one `| cell | cell |` line, every other block as a paragraph of its own.
//! Scripts, styles, navigation and the page's own header and footer are dropped.
//!
//! Built on html5ever's tokenizer alone, not a DOM: the tree builder checks the stack of open elements on
//! every tag, so a page nested 100,000 `<div>`s deep took half a minute. Turning tokens into lines needs
//! no tree; each token is looked at a bounded number of times.

use std::cell::RefCell;

use html5ever::tendril::StrTendril;
use html5ever::tokenizer::states::RawKind;
use html5ever::tokenizer::{
    BufferQueue, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts,
};

use super::{is_wide, starts_with_marker};

/// Elements dropped with everything inside them: never text a reader came for.
const DROPPED: [&str; 13] = [
    "script", "style", "template", "noscript", "head", "title", "nav", "iframe", "svg", "object",
    "canvas", "select", "button",
];

/// Elements that begin and end a line of their own.
const BLOCKS: [&str; 39] = [
    "p",
    "div",
    "li",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "tr",
    "section",
    "article",
    "header",
    "footer",
    "ul",
    "ol",
    "dl",
    "dt",
    "dd",
    "table",
    "blockquote",
    "pre",
    "main",
    "aside",
    "address",
    "figure",
    "figcaption",
    "form",
    "fieldset",
    "legend",
    "caption",
    "thead",
    "tbody",
    "tfoot",
    "hr",
    "details",
    "summary",
    "body",
    "center",
];

/// A cell longer than this, in lines or characters, makes its table a layout table, read as paragraphs.
const CELL_MAX_LINES: usize = 6;
const CELL_MAX_CHARS: usize = 1000;

/// Turns HTML into text lines, each separated from the next by a blank line (see the module doc).
pub fn html_to_lines(html: &str) -> String {
    layout(&html_lines(html), 1)
}

/// The lines of an HTML text, each with the line of the source where its text begins (1-based).
pub fn html_lines(html: &str) -> Vec<(usize, String)> {
    let pieces = tokenize(html);
    let ends = matching_ends(&pieces);
    let mut builder = Builder::default();
    let mut i = 0;
    while i < pieces.len() {
        match &pieces[i] {
            Piece::Start { name, .. } if is_dropped(name, builder.sectioning) => {
                if let Some(end) = ends[i] {
                    i = end;
                }
            }
            Piece::Start {
                name,
                start,
                self_closing,
            } => {
                builder.open(name, *start);
                if *self_closing {
                    builder.close(name);
                }
            }
            Piece::End(name) => builder.close(name),
            Piece::Text(text, line) => builder.text(text, *line),
        }
        i += 1;
    }
    builder.finish()
}

/// Lays `lines` out as text whose line `n` holds what began on source line `n` where it can, starting
/// at source line `first`: a line never comes earlier than the one before it plus a blank line.
pub fn layout(lines: &[(usize, String)], first: usize) -> String {
    let mut out = String::new();
    let mut at = first;
    let mut written_any = false;
    for (source_line, text) in lines {
        let target = if written_any {
            (*source_line).max(at + 2)
        } else {
            (*source_line).max(at)
        };
        while at < target {
            out.push('\n');
            at += 1;
        }
        out.push_str(text);
        written_any = true;
    }
    if written_any {
        out.push('\n');
    }
    out
}

fn is_dropped(name: &str, sectioning: usize) -> bool {
    // A header or footer inside an article or section belongs to it (its title, its date); only the
    // page's own are furniture.
    DROPPED.contains(&name) || (sectioning == 0 && matches!(name, "header" | "footer"))
}

/// One token as the line builder needs it.
#[derive(Debug)]
enum Piece {
    Start {
        name: String,
        /// An `<ol start="N">`'s first number.
        start: Option<u32>,
        self_closing: bool,
    },
    End(String),
    /// Text with the source line it begins on.
    Text(String, usize),
}

/// For each start tag, the index of its matching end tag, if the page closes it: only a closed element
/// is dropped, so an unclosed `<nav>` never swallows the rest of a page.
fn matching_ends(pieces: &[Piece]) -> Vec<Option<usize>> {
    let mut ends = vec![None; pieces.len()];
    let mut open: std::collections::HashMap<&str, Vec<usize>> = Default::default();
    for (i, piece) in pieces.iter().enumerate() {
        match piece {
            Piece::Start {
                name,
                self_closing: false,
                ..
            } => open.entry(name).or_default().push(i),
            Piece::End(name) => {
                if let Some(start) = open.get_mut(name.as_str()).and_then(Vec::pop) {
                    ends[start] = Some(i);
                }
            }
            _ => {}
        }
    }
    ends
}

fn tokenize(html: &str) -> Vec<Piece> {
    let sink = Sink::default();
    let tokenizer = Tokenizer::new(sink, TokenizerOpts::default());
    let input = BufferQueue::default();
    input.push_back(StrTendril::from_slice(html));
    // The sink never asks to run a script, so the tokenizer only stops at the end of its input.
    let _ = tokenizer.feed(&input);
    tokenizer.end();
    tokenizer.sink.pieces.into_inner()
}

#[derive(Default)]
struct Sink {
    pieces: RefCell<Vec<Piece>>,
}

impl TokenSink for Sink {
    type Handle = ();

    fn process_token(&self, token: Token, line_number: u64) -> TokenSinkResult<()> {
        let mut pieces = self.pieces.borrow_mut();
        match token {
            Token::TagToken(tag) => {
                let name = tag.name.to_string();
                if tag.kind == TagKind::EndTag {
                    pieces.push(Piece::End(name));
                    return TokenSinkResult::Continue;
                }
                let start = tag
                    .attrs
                    .iter()
                    .find(|a| &*a.name.local == "start")
                    .and_then(|a| a.value.trim().parse().ok());
                let raw = match name.as_str() {
                    "script" => Some(RawKind::ScriptData),
                    "style" | "xmp" | "iframe" | "noembed" | "noframes" => Some(RawKind::Rawtext),
                    "title" | "textarea" => Some(RawKind::Rcdata),
                    _ => None,
                };
                pieces.push(Piece::Start {
                    name,
                    start,
                    self_closing: tag.self_closing,
                });
                match raw {
                    Some(kind) if !tag.self_closing => TokenSinkResult::RawData(kind),
                    _ => TokenSinkResult::Continue,
                }
            }
            Token::CharacterTokens(text) => {
                // The tokenizer reports the line it has reached, the end of the text: count back to
                // where the text's first visible character stands.
                let visible = text.trim_start();
                let newlines = visible.bytes().filter(|&b| b == b'\n').count();
                let line = (line_number as usize).saturating_sub(newlines).max(1);
                match pieces.last_mut() {
                    // The tokenizer may hand over one text in several pieces.
                    Some(Piece::Text(previous, _)) => previous.push_str(&text),
                    _ => pieces.push(Piece::Text(text.to_string(), line)),
                }
                TokenSinkResult::Continue
            }
            _ => TokenSinkResult::Continue,
        }
    }
}

/// A table row being read: its cells, each a list of lines.
#[derive(Default)]
struct Row {
    cells: Vec<Vec<(usize, String)>>,
    /// Whether a table nests in one of its cells: a row holding a table lays out a page.
    holds_table: bool,
}

/// Turns the token stream into lines.
#[derive(Default)]
struct Builder {
    out: Vec<(usize, String)>,
    line: String,
    /// The source line where `line`'s text began.
    line_at: usize,
    /// Written before `line`: a heading's `#`s or a list item's marker.
    prefix: String,
    /// Open lists: `None` for a bulleted one, the next number for a numbered one.
    lists: Vec<Option<u32>>,
    /// Open table rows, innermost last (tables nest).
    rows: Vec<Row>,
    /// How many `<pre>` are open: their line breaks are kept.
    pre: usize,
    /// How many articles, sections and mains are open.
    sectioning: usize,
}

impl Builder {
    fn open(&mut self, name: &str, start: Option<u32>) {
        match name {
            "br" => self.line_break(),
            "td" | "th" => {
                self.flush();
                if let Some(row) = self.rows.last_mut() {
                    row.cells.push(Vec::new());
                }
            }
            "tr" => {
                self.flush();
                self.rows.push(Row::default());
            }
            "ul" | "ol" => {
                self.flush();
                self.lists.push((name == "ol").then(|| start.unwrap_or(1)));
            }
            "li" => {
                self.flush();
                let depth = self.lists.len().max(1);
                let marker = match self.lists.last_mut() {
                    Some(Some(number)) => {
                        *number += 1;
                        format!("{}. ", *number - 1)
                    }
                    _ => "* ".to_string(),
                };
                self.prefix = format!("{}{marker}", "  ".repeat(depth - 1));
            }
            _ if BLOCKS.contains(&name) => {
                self.flush();
                if let Some(level) = heading_level(name) {
                    self.prefix = format!("{} ", "#".repeat(level));
                }
                if matches!(name, "pre") {
                    self.pre += 1;
                }
                if matches!(name, "article" | "section" | "main") {
                    self.sectioning += 1;
                }
            }
            _ => {}
        }
    }

    fn close(&mut self, name: &str) {
        match name {
            "br" => self.line_break(),
            "td" | "th" => self.flush(),
            "tr" => self.end_row(),
            "table" => {
                // Rows a page forgot to close end with their table.
                while !self.rows.is_empty() {
                    self.end_row();
                }
                self.flush();
            }
            "ul" | "ol" => {
                self.flush();
                self.lists.pop();
            }
            _ if BLOCKS.contains(&name) => {
                self.flush();
                if name == "pre" {
                    self.pre = self.pre.saturating_sub(1);
                }
                if matches!(name, "article" | "section" | "main") {
                    self.sectioning = self.sectioning.saturating_sub(1);
                }
            }
            _ => {}
        }
    }

    /// A `<br>`: a new line, except inside a table cell, whose lines stay one row.
    fn line_break(&mut self) {
        if self.in_cell() {
            if !self.line.ends_with(' ') {
                self.line.push(' ');
            }
        } else {
            let prefix = self.prefix.clone();
            self.flush();
            // The lines after a `<br>` in a list item continue that item, unmarked.
            if prefix.ends_with("* ") || prefix.ends_with(". ") {
                self.prefix = " ".repeat(prefix.len());
            }
        }
    }

    fn in_cell(&self) -> bool {
        self.rows.last().is_some_and(|row| !row.cells.is_empty())
    }

    fn text(&mut self, text: &str, line: usize) {
        if self.pre > 0 {
            for (i, part) in text.split('\n').enumerate() {
                if i > 0 {
                    self.flush();
                }
                if !part.trim().is_empty() {
                    self.begin(line + i);
                    self.line.push_str(part.trim_end());
                }
            }
            return;
        }
        if text.trim().is_empty() {
            if !text.is_empty() && !self.line.is_empty() && !self.line.ends_with(' ') {
                self.line.push(' ');
            }
            return;
        }
        self.begin(line);
        collapse_into(&mut self.line, text);
    }

    fn begin(&mut self, line: usize) {
        if self.line.trim().is_empty() {
            self.line_at = line;
        }
    }

    /// Ends the current line: into the open table cell if there is one, else into the output.
    fn flush(&mut self) {
        let text = self.line.trim();
        if !text.is_empty() {
            let prefix = match self.prefix.trim_start() {
                // A numbered or bulleted item that carries its own number or bullet keeps only that.
                p if (p.ends_with(". ") || p == "* ") && starts_with_marker(text) => {
                    &self.prefix[..self.prefix.len() - p.len()]
                }
                _ => &self.prefix,
            };
            let line = format!("{prefix}{text}");
            match self.rows.last_mut().and_then(|row| row.cells.last_mut()) {
                Some(cell) => cell.push((self.line_at, line)),
                None => self.out.push((self.line_at, line)),
            }
        }
        self.line.clear();
        self.prefix.clear();
    }

    /// Ends a table row: one line of cells for a data row; the lines of each cell in turn for a row
    /// that only lays out a page (a single cell, or a cell holding whole paragraphs).
    fn end_row(&mut self) {
        self.flush();
        let Some(row) = self.rows.pop() else {
            return;
        };
        let mut cells: Vec<_> = row.cells.into_iter().filter(|c| !c.is_empty()).collect();
        let layout = cells.len() < 2
            || row.holds_table
            || cells.iter().any(|cell| {
                cell.len() > CELL_MAX_LINES
                    || cell.iter().map(|(_, l)| l.chars().count()).sum::<usize>() > CELL_MAX_CHARS
            });
        // A cell holding only a bullet or number (`■`, `1）`) marks the paragraph in the next one.
        let marker = |cell: &[(usize, String)]| {
            let text = cell[0].1.trim();
            cell.len() == 1
                && text.chars().count() <= 4
                && (starts_with_marker(text) || !text.chars().any(char::is_alphanumeric))
        };
        let lines: Vec<(usize, String)> = if cells.len() == 2 && marker(&cells[0]) {
            let bullet = cells.remove(0).remove(0).1;
            let mut lines = cells.remove(0);
            lines[0].1 = format!("{} {}", bullet.trim(), lines[0].1);
            lines
        } else if layout {
            cells.into_iter().flatten().collect()
        } else {
            let at = cells[0][0].0;
            let joined: Vec<String> = cells
                .iter()
                .map(|cell| {
                    let texts: Vec<&str> = cell.iter().map(|(_, l)| l.trim()).collect();
                    texts.join(" ").replace('|', "｜")
                })
                .collect();
            vec![(at, format!("| {} |", joined.join(" | ")))]
        };
        match self.rows.last_mut() {
            Some(outer) if !outer.cells.is_empty() => {
                outer.holds_table = true;
                outer.cells.last_mut().expect("not empty").extend(lines);
            }
            _ => self.out.extend(lines),
        }
    }

    fn finish(mut self) -> Vec<(usize, String)> {
        while !self.rows.is_empty() {
            self.end_row();
        }
        self.flush();
        self.out
    }
}

fn heading_level(name: &str) -> Option<usize> {
    match name.as_bytes() {
        [b'h', level @ b'1'..=b'6'] => Some((level - b'0') as usize),
        _ => None,
    }
}

/// Appends `text` to `line` with its white space collapsed as a browser does: a run of spaces becomes
/// one, and a line break between two Japanese characters disappears.
fn collapse_into(line: &mut String, text: &str) {
    let mut pending_space = false;
    let mut pending_newline = false;
    for c in text.chars() {
        if c.is_whitespace() {
            pending_space = true;
            pending_newline |= c == '\n';
            continue;
        }
        if pending_space && !line.is_empty() {
            let before = line.chars().last().unwrap_or(' ');
            let joins_wide = pending_newline && is_wide(before) && is_wide(c);
            if !before.is_whitespace() && !joins_wide {
                line.push(' ');
            }
        }
        pending_space = false;
        pending_newline = false;
        line.push(c);
    }
    if pending_space && !line.ends_with(' ') {
        line.push(' ');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(html: &str) -> Vec<String> {
        html_lines(html).into_iter().map(|(_, l)| l).collect()
    }

    #[test]
    fn html_keeps_headings_items_and_paragraphs() {
        let html = "<html><head><title>x</title><script>var a=1;</script></head><body>\
                    <h2>第1条（目的）</h2><p>当社は<a href='/x'>個人情報</a>を守ります。</p>\
                    <ul><li>氏名</li><li>住所</li></ul></body></html>";
        assert_eq!(
            lines(html),
            [
                "## 第1条（目的）",
                "当社は個人情報を守ります。",
                "* 氏名",
                "* 住所"
            ]
        );
    }

    #[test]
    fn a_table_row_is_one_line_and_a_layout_table_is_paragraphs() {
        let html = "<table><tr><th>販売事業者 <br>Seller</th><td>よろずや<br>Yorozuya</td></tr>\
                    <tr><td>送料</td><td>0</td></tr></table>\
                    <table><tr><td><p>第1条 本規約は…</p><p>第2条 当社は…</p></td></tr></table>";
        assert_eq!(
            lines(html),
            [
                "| 販売事業者 Seller | よろずや Yorozuya |",
                "| 送料 | 0 |",
                "第1条 本規約は…",
                "第2条 当社は…"
            ]
        );
    }

    #[test]
    fn a_bullet_cell_marks_its_paragraph_and_a_nested_table_lays_out() {
        let html = "<table><tr><td>■</td><td><p>弊社は、以下の場合に開示します。</p>\
                    <table><tr><td>1）</td><td>法令に基づく場合</td></tr></table></td></tr></table>";
        assert_eq!(
            lines(html),
            ["■ 弊社は、以下の場合に開示します。", "1） 法令に基づく場合"]
        );
    }

    #[test]
    fn lists_number_nest_and_keep_their_own_markers() {
        let html = "<ol><li>氏名<ul><li>漢字</li></ul></li><li>住所</li></ol>\
                    <ol start='3'><li>電話</li></ol><ol><li>(1) 自前の番号</li></ol><p>a<br>b</p>";
        assert_eq!(
            lines(html),
            [
                "1. 氏名",
                "  * 漢字",
                "2. 住所",
                "3. 電話",
                "(1) 自前の番号",
                "a",
                "b"
            ]
        );
    }

    #[test]
    fn furniture_is_dropped_but_an_articles_own_header_is_kept() {
        let html = "<body><header><a>ホーム</a></header><nav>メニュー</nav>\
                    <article><header><h1>プライバシーポリシー</h1></header><p>本文</p></article>\
                    <footer>© 2024</footer><style>p{}</style></body>";
        assert_eq!(lines(html), ["# プライバシーポリシー", "本文"]);
    }

    #[test]
    fn an_unclosed_nav_loses_nothing() {
        assert_eq!(lines("<nav>メニュー<p>本文</p>"), ["メニュー", "本文"]);
    }

    #[test]
    fn line_breaks_between_japanese_characters_vanish() {
        assert_eq!(
            lines("<p>個人情報を\n  適切に取り扱います。 Cookie\n policy</p>"),
            ["個人情報を適切に取り扱います。 Cookie policy"]
        );
    }

    #[test]
    fn lines_stand_where_their_text_begins_in_the_source() {
        let html = "<html>\n<body>\n<h1>題</h1>\n\n<p>\n  本文\n</p><p>次</p>\n</body>";
        assert_eq!(
            html_lines(html),
            [(3, "# 題".into()), (6, "本文".into()), (7, "次".into())]
        );
        assert_eq!(html_to_lines(html), "\n\n# 題\n\n\n本文\n\n次\n");
    }
}
