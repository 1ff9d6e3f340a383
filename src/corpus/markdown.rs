//! Markdown with raw HTML in it, as its renderer shows it: HTML blocks are read as HTML, comments
//! vanish, and inline tags (`<br>`, `<span>`) leave their text behind.
//!
//! Every line keeps its number, so a clause still points at the lines of the file a user opens; an HTML
//! block's lines stand where their text begins inside it.

use std::sync::LazyLock;

use regex::Regex;

use super::html::{html_lines, layout};

/// Elements that open an HTML block when a line begins with them, even right after text (CommonMark's
/// kinds 1 and 6).
const BLOCK_TAGS: [&str; 44] = [
    "address",
    "article",
    "aside",
    "blockquote",
    "body",
    "center",
    "details",
    "dd",
    "div",
    "dl",
    "dt",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hr",
    "html",
    "li",
    "main",
    "nav",
    "ol",
    "p",
    "section",
    "summary",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "tr",
    "ul",
    "script",
    "style",
    "pre",
    "noscript",
];

/// Elements with no end tag, which never deepen an HTML block.
const VOID_TAGS: [&str; 13] = [
    "br", "hr", "img", "input", "meta", "link", "wbr", "col", "area", "base", "embed", "source",
    "track",
];

static TAG: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"<(/?)([A-Za-z][A-Za-z0-9]*)\b[^<>]*?(/?)>").unwrap());
static INLINE_TAG: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)</?(?:br|span|small|strong|b|i|em|u|font|sup|sub|mark|wbr|ruby|rt|rp)\b[^<>]*>",
    )
    .unwrap()
});
static COMMENT: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"<!--.*?-->").unwrap());

/// Reads the HTML blocks, comments and inline tags of a Markdown text, keeping its line count.
pub fn read_html_blocks(text: &str) -> String {
    let lines: Vec<&str> = text.split('\n').collect();
    let mut out: Vec<String> = Vec::with_capacity(lines.len());
    let mut fence: Option<&str> = None;
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        let trimmed = line.trim_start();
        if let Some(marker) = fence {
            if trimmed.starts_with(marker) {
                fence = None;
            }
            out.push(line.to_string());
            i += 1;
            continue;
        }
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            fence = Some(&trimmed[..3]);
            out.push(line.to_string());
            i += 1;
            continue;
        }
        if trimmed.starts_with("<!--") {
            let end = (i..lines.len())
                .find(|&j| lines[j].contains("-->"))
                .unwrap_or(lines.len() - 1);
            // Text after the comment on its last line is still text.
            let rest = lines[end].split_once("-->").map_or("", |(_, r)| r);
            for _ in i..end {
                out.push(String::new());
            }
            out.push(inline(rest.trim_start()));
            i = end + 1;
            continue;
        }
        let after_text = i > 0 && !lines[i - 1].trim().is_empty();
        if opens_html_block(trimmed) || (!after_text && is_lone_tag(trimmed)) {
            let end = block_end(&lines, i);
            let html = lines[i..=end].join("\n");
            let read = layout(&html_lines(&html), 1);
            let mut read: Vec<String> = read.lines().map(str::to_string).collect();
            // A block reads into no more lines than it has, save when one source line held several
            // blocks; then the lines after it move down.
            while read.len() < end - i + 1 {
                read.push(String::new());
            }
            out.extend(read);
            i = end + 1;
            continue;
        }
        out.push(inline(line));
        i += 1;
    }
    out.join("\n")
}

/// Whether a line opens an HTML block: it begins with the start or end tag of a block element.
fn opens_html_block(trimmed: &str) -> bool {
    let Some(rest) = trimmed.strip_prefix('<') else {
        return false;
    };
    let rest = rest.strip_prefix('/').unwrap_or(rest);
    let (name, after) = rest.split_at(rest.bytes().take_while(u8::is_ascii_alphanumeric).count());
    BLOCK_TAGS.contains(&name.to_ascii_lowercase().as_str())
        && (after.is_empty() || after.starts_with(['>', ' ', '/', '\t']))
}

/// Whether a line is one tag and nothing else (CommonMark's kind 7, which cannot interrupt a
/// paragraph).
fn is_lone_tag(trimmed: &str) -> bool {
    TAG.find(trimmed)
        .is_some_and(|m| m.start() == 0 && trimmed[m.end()..].trim().is_empty())
}

/// The last line of the HTML block opening at `start`: the first line before a blank one once every
/// element it opened is closed, or before a blank line followed by Markdown rather than HTML.
fn block_end(lines: &[&str], start: usize) -> usize {
    // Scripts, styles and preformatted text hold blank lines and text of their own: they end with
    // their end tag.
    let opening = lines[start].trim_start().to_ascii_lowercase();
    for raw in ["script", "style", "pre", "textarea"] {
        if opening.starts_with(&format!("<{raw}")) {
            let end_tag = format!("</{raw}");
            return (start..lines.len())
                .find(|&i| lines[i].to_ascii_lowercase().contains(&end_tag))
                .unwrap_or(lines.len() - 1);
        }
    }
    let mut depth: i64 = 0;
    for (i, line) in lines.iter().enumerate().skip(start) {
        let line = COMMENT.replace_all(line, "");
        for tag in TAG.captures_iter(&line) {
            let name = tag[2].to_ascii_lowercase();
            if VOID_TAGS.contains(&name.as_str()) || &tag[3] == "/" {
                continue;
            }
            depth += if &tag[1] == "/" { -1 } else { 1 };
        }
        let next_blank = lines.get(i + 1).is_none_or(|l| l.trim().is_empty());
        if next_blank {
            let next_text = lines[i + 1..].iter().find(|l| !l.trim().is_empty());
            let html_goes_on = next_text.is_some_and(|l| l.trim_start().starts_with('<'));
            if depth <= 0 || !html_goes_on {
                return i;
            }
        }
    }
    lines.len() - 1
}

/// A Markdown line with its inline tags removed; a `<br>` becomes a space.
fn inline(line: &str) -> String {
    if !line.contains('<') {
        return line.to_string();
    }
    let line = COMMENT.replace_all(line, "");
    let replaced = INLINE_TAG.replace_all(&line, |c: &regex::Captures| {
        if c[0].to_ascii_lowercase().contains("br") {
            " "
        } else {
            ""
        }
    });
    // A tag that began the line leaves no space in its place.
    let replaced = match line.starts_with(char::is_whitespace) {
        true => replaced.trim_end(),
        false => replaced.trim(),
    };
    replaced.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_html_block_reads_as_html_and_keeps_the_line_count() {
        let md = "# 題\n\n<div class=\"x\">\n  <h2>基本方針</h2>\n  <p>\n    当事務所は、\n  </p>\n\n  <ul><li>氏名</li></ul>\n</div>\n\n本文";
        let read = read_html_blocks(md);
        assert_eq!(read.split('\n').count(), md.split('\n').count());
        let lines: Vec<&str> = read.lines().filter(|l| !l.is_empty()).collect();
        assert_eq!(
            lines,
            ["# 題", "## 基本方針", "当事務所は、", "* 氏名", "本文"]
        );
        assert_eq!(read.split('\n').nth(3), Some("## 基本方針"));
    }

    #[test]
    fn comments_and_inline_tags_leave_only_text() {
        let md =
            "<!-- textlint-disable -->\n本文です。\n<br>\n</br>P.O. Box 90596\n<small>小</small>";
        assert_eq!(read_html_blocks(md), "\n本文です。\n\nP.O. Box 90596\n小");
    }

    #[test]
    fn a_style_block_ends_with_its_end_tag() {
        let md = "<style>\n.a {\n  color: red;\n}\n\n.b { }\n</style>\n\n本文";
        let read = read_html_blocks(md);
        assert_eq!(read.split('\n').count(), md.split('\n').count());
        assert_eq!(read.trim(), "本文");
    }

    #[test]
    fn a_code_fence_is_left_alone() {
        let md = "```\n<div>x</div>\n```";
        assert_eq!(read_html_blocks(md), md);
    }

    #[test]
    fn markdown_after_an_unclosed_block_is_markdown() {
        let md = "<details>\n<summary>要約</summary>\n\n## 見出し\n* 項目\n</details>";
        let read = read_html_blocks(md);
        assert_eq!(read, "\n要約\n\n## 見出し\n* 項目\n");
    }
}
