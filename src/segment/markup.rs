//! Markup that is never a clause: HTML inside Markdown, comments, code fences, attribute lines,
//! separators and table syntax. Raw lines go in; logical lines of plain text come out, each knowing the
//! source lines it spans, so that whatever reader made the text, no clause is made of markup.

use std::sync::LazyLock;

use regex::Regex;

/// One logical line: plain text (Markdown heading and list marks kept), with its source lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Raw {
    /// First source line, 1-based.
    pub first: usize,
    /// Last source line, 1-based.
    pub last: usize,
    /// Leading spaces of the source line (a tab counts four), for nesting Markdown lists.
    pub indent: usize,
    /// The text, trimmed.
    pub text: String,
}

/// Either a logical line or a break between paragraphs (a blank line, the end of a list or block).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece {
    /// A line of content.
    Line(Raw),
    /// A blank line or an equivalent break.
    Break,
}

static TAG: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"<(/?)([A-Za-z][A-Za-z0-9]*)\b(?:[^>\x22']|\x22[^\x22]*\x22|'[^']*')*?(/?)>")
        .unwrap()
});
static ATTRIBUTES: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\{:[^}]*\}").unwrap());
static SEPARATOR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^(?:[-*_=]\s*){3,}$|^\|?(?:\s*:?-{2,}:?\s*\|)+\s*:?-*:?\s*\|?$|^-{3,}(?:\|-+)+\|?$",
    )
    .unwrap()
});
static EMPHASIS_ONLY: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^[*_~`]+$").unwrap());

/// Elements whose text is never content.
const HIDDEN: [&str; 6] = ["script", "style", "template", "noscript", "nav", "button"];

/// Elements that begin and end a line of their own.
const BLOCKS: [&str; 27] = [
    "p",
    "div",
    "section",
    "article",
    "main",
    "aside",
    "header",
    "footer",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "ul",
    "ol",
    "dl",
    "dt",
    "dd",
    "table",
    "tr",
    "blockquote",
    "pre",
    "form",
    "thead",
    "tbody",
];

/// Turns raw lines into logical lines, handing each to `f`.
pub struct Cleaner {
    in_comment: bool,
    in_fence: bool,
    /// Open block elements: while any is open, text lines belong to HTML and join as HTML text does.
    depth: usize,
    hidden: usize,
    html: Option<Pending>,
    /// Markdown lists (`<ol>` counters, `None` for `<ul>`) open in HTML.
    lists: Vec<Option<usize>>,
    row: Option<Row>,
    header: Vec<String>,
    /// The last Markdown table row, held until the next line says whether it was the header.
    table_row: Option<(Raw, Vec<String>)>,
}

/// HTML text being gathered into one logical line.
#[derive(Debug, Default)]
struct Pending {
    first: usize,
    last: usize,
    prefix: String,
    text: String,
}

/// An HTML table row being gathered: its cells, and whether each is a header cell.
#[derive(Debug, Default)]
struct Row {
    first: usize,
    cells: Vec<(bool, String)>,
    cell: Option<(bool, String)>,
}

impl Default for Cleaner {
    fn default() -> Self {
        Cleaner::new()
    }
}

impl Cleaner {
    /// A cleaner at the start of a document.
    pub fn new() -> Cleaner {
        Cleaner {
            in_comment: false,
            in_fence: false,
            depth: 0,
            hidden: 0,
            html: None,
            lists: Vec::new(),
            row: None,
            header: Vec::new(),
            table_row: None,
        }
    }

    /// Reads source line `number` (1-based).
    pub fn push(&mut self, number: usize, line: &str, f: &mut impl FnMut(Piece)) {
        let indent = line
            .chars()
            .take_while(|c| *c == ' ' || *c == '\t')
            .map(|c| if c == '\t' { 4 } else { 1 })
            .sum();
        let mut line = line.trim().trim_start_matches('\u{feff}').to_string();
        // Comments may span lines; what is outside them stays.
        if self.in_comment || line.contains("<!--") {
            line = self.drop_comments(&line);
        }
        let trimmed = line.trim();
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            self.in_fence = !self.in_fence;
            self.flush_table(f);
            f(Piece::Break);
            return;
        }
        let line = ATTRIBUTES.replace_all(trimmed, "").trim().to_string();
        if self.table(number, indent, &line, f) {
            return;
        }
        if self.depth > 0 || self.row.is_some() || (!self.in_fence && TAG.is_match(&line)) {
            self.html_line(number, &line, f);
            return;
        }
        if line.is_empty() {
            // A line that was only a comment or attributes is nothing, not a paragraph break.
            if trimmed.is_empty() {
                f(Piece::Break);
            }
            return;
        }
        if EMPHASIS_ONLY.is_match(&line) {
            return;
        }
        f(Piece::Line(Raw {
            first: number,
            last: number,
            indent,
            text: decode_entities(&line),
        }));
    }

    /// Ends the document.
    pub fn finish(&mut self, f: &mut impl FnMut(Piece)) {
        self.flush_table(f);
        self.end_row(f);
        self.flush_html(f);
    }

    /// Whether `line` is a separator (`---`, `| --- |`): never text; under a line it may underline a
    /// Setext heading, which the caller decides.
    pub fn is_separator(line: &str) -> bool {
        SEPARATOR.is_match(line.trim())
    }

    fn drop_comments(&mut self, line: &str) -> String {
        let mut out = String::new();
        let mut rest = line;
        loop {
            if self.in_comment {
                match rest.find("-->") {
                    Some(end) => {
                        self.in_comment = false;
                        rest = &rest[end + 3..];
                    }
                    None => return out,
                }
            } else {
                match rest.find("<!--") {
                    Some(start) => {
                        out.push_str(&rest[..start]);
                        self.in_comment = true;
                        rest = &rest[start + 4..];
                    }
                    None => {
                        out.push_str(rest);
                        return out;
                    }
                }
            }
        }
    }

    /// Markdown tables: a row is one line, its cells joined; the header row is kept as the context of
    /// each row (`header: cell`), and the separator row is dropped. Returns whether the line was a
    /// table's.
    fn table(
        &mut self,
        number: usize,
        indent: usize,
        line: &str,
        f: &mut impl FnMut(Piece),
    ) -> bool {
        let is_row = line.starts_with('|') && line.len() > 1;
        if Cleaner::is_separator(line) && (line.contains('|') || self.table_row.is_some()) {
            // The row above was the header.
            if let Some((_, cells)) = self.table_row.take() {
                self.header = cells;
            }
            return true;
        }
        if !is_row {
            self.flush_table(f);
            if !line.contains('|') {
                self.header.clear();
            }
            return false;
        }
        self.flush_table(f);
        let cells: Vec<String> = line
            .trim_matches('|')
            .split('|')
            .map(|c| decode_entities(&strip_tags(c.trim())))
            .collect();
        self.table_row = Some((
            Raw {
                first: number,
                last: number,
                indent,
                text: String::new(),
            },
            cells,
        ));
        true
    }

    fn flush_table(&mut self, f: &mut impl FnMut(Piece)) {
        if let Some((mut raw, cells)) = self.table_row.take() {
            raw.text = join_cells(&self.header, &cells);
            if !raw.text.is_empty() {
                f(Piece::Line(raw));
            }
        }
    }

    /// A line inside HTML: tags end and begin lines, text between them joins.
    fn html_line(&mut self, number: usize, line: &str, f: &mut impl FnMut(Piece)) {
        if line.is_empty() {
            // A blank line inside a block still ends a paragraph.
            self.flush_html(f);
            return;
        }
        let mut at = 0;
        for tag in TAG.captures_iter(line) {
            let whole = tag.get(0).unwrap();
            self.text(number, &line[at..whole.start()]);
            at = whole.end();
            let closing = !tag[1].is_empty();
            let name = tag[2].to_ascii_lowercase();
            let self_closing = !tag[3].is_empty();
            self.tag(number, &name, closing, self_closing, f);
        }
        self.text(number, &line[at..]);
        // Outside any block a line of inline HTML is a line of its own.
        if self.depth == 0 && self.row.is_none() {
            self.flush_html(f);
        } else if let Some(pending) = &mut self.html {
            pending.last = number;
        }
    }

    fn text(&mut self, number: usize, text: &str) {
        if self.hidden > 0 {
            return;
        }
        let text = decode_entities(text.trim());
        if text.is_empty() {
            return;
        }
        if let Some(row) = &mut self.row {
            let cell = row.cell.get_or_insert((false, String::new()));
            join_into(&mut cell.1, &text);
            return;
        }
        let pending = self.html.get_or_insert_with(|| Pending {
            first: number,
            last: number,
            ..Pending::default()
        });
        join_into(&mut pending.text, &text);
        pending.last = number;
    }

    fn tag(
        &mut self,
        number: usize,
        name: &str,
        closing: bool,
        self_closing: bool,
        f: &mut impl FnMut(Piece),
    ) {
        if HIDDEN.contains(&name) {
            if closing {
                self.hidden = self.hidden.saturating_sub(1);
            } else if !self_closing {
                self.hidden += 1;
            }
            return;
        }
        match name {
            "br" => {
                if let Some(row) = &mut self.row
                    && let Some(cell) = &mut row.cell
                {
                    cell.1.push(' ');
                } else if let Some(pending) = &mut self.html {
                    pending.text.push(' ');
                }
                return;
            }
            "hr" => {
                self.flush_html(f);
                f(Piece::Break);
                return;
            }
            "tr" => {
                self.end_row(f);
                if !closing {
                    self.flush_html(f);
                    self.row = Some(Row {
                        first: number,
                        ..Row::default()
                    });
                }
                return;
            }
            "td" | "th" => {
                if let Some(row) = &mut self.row {
                    if let Some(cell) = row.cell.take() {
                        row.cells.push(cell);
                    }
                    if !closing {
                        row.cell = Some((name == "th", String::new()));
                    }
                }
                return;
            }
            _ => {}
        }
        if !BLOCKS.contains(&name) {
            return;
        }
        if self_closing {
            return;
        }
        if name == "table" {
            self.end_row(f);
            self.header.clear();
        }
        self.flush_html(f);
        if closing {
            self.depth = self.depth.saturating_sub(1);
            if matches!(name, "ul" | "ol") {
                self.lists.pop();
                // The end of a list ends its last item: the text after it is not the item's.
                f(Piece::Break);
            }
            if matches!(name, "p" | "div" | "section" | "table" | "blockquote") {
                f(Piece::Break);
            }
            return;
        }
        self.depth += 1;
        let prefix = match name {
            "ul" => {
                self.lists.push(None);
                String::new()
            }
            "ol" => {
                self.lists.push(Some(0));
                String::new()
            }
            "li" => match self.lists.last_mut() {
                Some(Some(n)) => {
                    *n += 1;
                    format!("{n}. ")
                }
                _ => "* ".to_string(),
            },
            h if h.len() == 2 && h.starts_with('h') => {
                let level = h[1..].parse::<usize>().unwrap_or(2);
                format!("{} ", "#".repeat(level))
            }
            _ => String::new(),
        };
        let indent = 2 * self.lists.len().saturating_sub(1);
        self.html = Some(Pending {
            first: number,
            last: number,
            prefix: if name == "li" {
                format!("{}{prefix}", " ".repeat(indent))
            } else {
                prefix
            },
            text: String::new(),
        });
    }

    fn end_row(&mut self, f: &mut impl FnMut(Piece)) {
        let Some(mut row) = self.row.take() else {
            return;
        };
        if let Some(cell) = row.cell.take() {
            row.cells.push(cell);
        }
        let cells: Vec<(bool, String)> = row
            .cells
            .into_iter()
            .map(|(h, c)| (h, c.split_whitespace().collect::<Vec<_>>().join(" ")))
            .collect();
        if cells.iter().all(|(_, c)| c.is_empty()) {
            return;
        }
        // A row of header cells only is the table's header: context for the rows below.
        if cells.iter().all(|(h, _)| *h) && cells.len() > 1 {
            self.header = cells.into_iter().map(|(_, c)| c).collect();
            return;
        }
        let text = if cells.iter().any(|(h, _)| *h) {
            // `<th>label</th><td>value</td>`: the row's own header.
            let (heads, values): (Vec<_>, Vec<_>) = cells.iter().partition(|(h, _)| *h);
            let heads: Vec<&str> = heads.iter().map(|(_, c)| c.as_str()).collect();
            let values: Vec<&str> = values.iter().map(|(_, c)| c.as_str()).collect();
            format!("{}: {}", heads.join(" "), values.join(" / "))
        } else {
            let cells: Vec<String> = cells.into_iter().map(|(_, c)| c).collect();
            join_cells(&self.header, &cells)
        };
        f(Piece::Line(Raw {
            first: row.first,
            last: row.first.max(self.html.as_ref().map_or(0, |p| p.last)),
            indent: 0,
            text,
        }));
    }

    fn flush_html(&mut self, f: &mut impl FnMut(Piece)) {
        if let Some(pending) = self.html.take() {
            let text = pending
                .text
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ");
            if !text.is_empty() {
                f(Piece::Line(Raw {
                    first: pending.first,
                    last: pending.last,
                    indent: pending.prefix.len() - pending.prefix.trim_start().len(),
                    text: format!("{}{text}", pending.prefix.trim_start()),
                }));
            }
        }
    }
}

/// A table row's cells as one line: `header: cell / header: cell`, or the cells alone.
fn join_cells(header: &[String], cells: &[String]) -> String {
    let parts: Vec<String> = cells
        .iter()
        .enumerate()
        .filter(|(_, c)| !c.is_empty())
        .map(|(i, c)| match header.get(i).filter(|h| !h.is_empty()) {
            Some(h) => format!("{h}: {c}"),
            None => c.clone(),
        })
        .collect();
    parts.join(" / ")
}

/// Joins text from two source lines: with a space between words of alphabetic scripts, none in
/// Japanese.
fn join_into(into: &mut String, text: &str) {
    let needs_space = into
        .chars()
        .last()
        .is_some_and(|c| c.is_ascii_alphanumeric() || c.is_ascii_punctuation())
        && text.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '(');
    if needs_space {
        into.push(' ');
    }
    into.push_str(text);
}

/// Tags removed from a line of text.
pub fn strip_tags(text: &str) -> String {
    TAG.replace_all(text, " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The few character references scraped Markdown keeps.
fn decode_entities(text: &str) -> String {
    if !text.contains('&') {
        return text.to_string();
    }
    text.replace("&nbsp;", " ")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clean(text: &str) -> Vec<String> {
        let mut cleaner = Cleaner::new();
        let mut out = Vec::new();
        let mut f = |p: Piece| {
            if let Piece::Line(raw) = p {
                out.push(raw.text);
            }
        };
        for (i, line) in text.lines().enumerate() {
            cleaner.push(i + 1, line, &mut f);
        }
        cleaner.finish(&mut f);
        out
    }

    #[test]
    fn html_in_markdown_becomes_plain_lines() {
        let text = "<div class=\"x\">\n  <!-- 基本方針 -->\n  <h2>基本方針</h2>\n  <p>\n    当事務所は個人情報を\n    保護します。\n  </p>\n  <ul>\n    <li><strong>氏名</strong>：必須</li>\n  </ul>\n</div>\n後の段落。\n";
        assert_eq!(
            clean(text),
            [
                "## 基本方針",
                "当事務所は個人情報を保護します。",
                "* 氏名：必須",
                "後の段落。"
            ]
        );
    }

    #[test]
    fn a_table_row_is_one_line_with_its_header() {
        let md = "|Cookie|Purpose|\n|--- |--- |\n|__ssid|Payment.|\n|akm|Mobile view.|\n\nAfter.\n";
        assert_eq!(
            clean(md),
            [
                "Cookie: __ssid / Purpose: Payment.",
                "Cookie: akm / Purpose: Mobile view.",
                "After."
            ]
        );
        let html = "<table>\n<tr>\n<th>販売事業者 <br>Seller</th>\n<td>よろず<br>Yorozuya</td>\n</tr>\n</table>\n";
        assert_eq!(clean(html), ["販売事業者 Seller: よろず Yorozuya"]);
    }

    #[test]
    fn separators_fences_comments_and_attributes_vanish() {
        let text = "---\n```\ncode note\n```\n<!-- textlint-disable -->\n{: datetime=\"2020\" }\n***\n本文。{: .x}\n";
        assert_eq!(clean(text), ["---", "code note", "本文。"]);
    }
}
