//! Cutting a document into the units people cite: article → paragraph → item.
//!
//! Each line is classified by its numbering (第N条, `### 1\.`, `N 見出し`, `N.M`, `1.`, `(1)`, `①`, `ア`,
//! English title lines); the document's own article style is the most authoritative one it uses, and the
//! other numberings nest inside it like a Markdown list. Pure: text in, segments out.

use std::collections::HashMap;
use std::sync::LazyLock;

use regex::Regex;

use crate::furniture::{is_furniture, plain};

/// Where a segment sits in the tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// An article's own text (an article with no body is one clause of its heading).
    Article,
    /// A paragraph (項) of an article, numbered or not.
    Paragraph,
    /// An item (号) or sub-item inside a paragraph.
    Item,
}

/// The article a segment belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArticleRef {
    /// As the document writes it: `第12条`, `3`; `None` for a title-line or unheaded section.
    pub label: Option<String>,
    /// Its heading, when it has one.
    pub heading: Option<String>,
    /// The id part: the article number, or `s` + its ordinal for unnumbered sections; `0` is the preamble.
    pub key: String,
}

/// One clause's place and text, before metadata.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    /// The article, or `None` for the preamble before the first article.
    pub article: Option<ArticleRef>,
    /// The clause's own label within its article (`2`, `2-(1)`, `6.2.1`); `None` for article-level text.
    pub label: Option<String>,
    /// The id part below the article (`2.1`).
    pub key: String,
    /// Depth in the tree.
    pub level: Level,
    /// First line, 1-based, in the source text.
    pub line_start: usize,
    /// Last line, 1-based, inclusive.
    pub line_end: usize,
    /// The clause text, Markdown removed, lines joined by `\n`.
    pub text: String,
}

/// What the first pass learnt about the document itself.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Outline {
    /// The document's title: front matter, first heading, or a first line naming a policy.
    pub title: Option<String>,
    /// The line the title stands on, when it is in the text.
    pub title_line: Option<usize>,
    /// `key: value` pairs of YAML front matter.
    pub front_matter: HashMap<String, String>,
    /// The most authoritative article style the document uses.
    style: Option<Style>,
}

/// The first of two passes over a document: its title, front matter and article style. Every line of
/// content (headings included) is handed to `read`, for facts about the whole document.
///
/// Two passes over the text instead of one over a list of its lines: a 50 MB file is held once.
pub fn outline(text: &str, mut read: impl FnMut(&str)) -> Outline {
    let mut outline = Outline::default();
    let mut counts: HashMap<Style, usize> = HashMap::new();
    let mut pending: Option<Line> = None;
    let mut count = |line: &Line, next: Option<&Line>| {
        // A title line heads a section only when body text follows it.
        if let Kind::Article { style, .. } = line.kind
            && (style != Style::TitleLine || followed_by_body(next))
        {
            *counts.entry(style).or_default() += 1;
        }
        if number_dot_heading(line, next).is_some() {
            *counts.entry(Style::NumberDot).or_default() += 1;
        }
    };
    prepare(text, &mut outline, |line| {
        read(&line.text);
        if line.kind != Kind::Title
            && let Some(previous) = pending.replace(line)
        {
            count(&previous, pending.as_ref());
        }
    });
    if let Some(last) = pending {
        count(&last, None);
    }
    let mut styles: Vec<Style> = counts
        .iter()
        .filter(|(s, n)| **n >= 2 || **s <= Style::MarkdownNumbered)
        .map(|(s, _)| *s)
        .collect();
    styles.sort();
    outline.style = styles.first().copied();
    outline
}

/// The second pass: cuts `text` into clauses, handing them to `emit` one article at a time.
pub fn segment(text: &str, outline: &Outline, mut emit: impl FnMut(Vec<Segment>)) {
    let mut builder = Builder::new(outline.style);
    let mut pending: Option<Line> = None;
    let mut emitted = false;
    let mut flush = |builder: &mut Builder| {
        for article in builder.ready.drain(..) {
            emitted |= !article.is_empty();
            emit(article);
        }
    };
    // The first pass already fixed the title; this one only needs the lines again.
    let mut again = Outline::default();
    prepare(text, &mut again, |line| {
        if line.kind == Kind::Title {
            return;
        }
        if let Some(previous) = pending.replace(line) {
            builder.push(&previous, pending.as_ref());
            flush(&mut builder);
        }
    });
    if let Some(last) = pending {
        builder.push(&last, None);
    }
    builder.finish();
    flush(&mut builder);
    // A document that is nothing but its title is still one clause.
    if !emitted
        && let (Some(title), Some(line)) = (&outline.title, outline.title_line)
        && !title.trim().is_empty()
    {
        emit(vec![Segment {
            article: None,
            label: None,
            key: "1".to_string(),
            level: Level::Paragraph,
            line_start: line,
            line_end: line,
            text: title.clone(),
        }]);
    }
}

/// A classified line.
#[derive(Debug, Clone)]
struct Line {
    number: usize,
    text: String,
    kind: Kind,
    /// Blank lines immediately before this one.
    blanks_before: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Kind {
    /// The document's title: read for facts, never a clause.
    Title,
    /// An article candidate of some style.
    Article {
        style: Style,
        number: Option<String>,
        heading: Option<String>,
        body: String,
    },
    /// A numbered or bulleted line.
    Marked {
        marker: Marker,
        label: String,
        number: Option<String>,
        body: String,
    },
    Text,
}

/// Article styles, most authoritative first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Style {
    Jo,
    MarkdownNumbered,
    NumberSpace,
    MarkdownPlain,
    NumberDot,
    TitleLine,
}

/// Kinds of paragraph and item numbering, which nest like Markdown lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Marker {
    Decimal,
    Dotted,
    Paren,
    Circled,
    Iroha,
    Bullet,
    Plain,
}

macro_rules! re {
    ($name:ident, $pattern:expr) => {
        static $name: LazyLock<Regex> = LazyLock::new(|| Regex::new($pattern).unwrap());
    };
}

re!(
    JO,
    r"^(?:#{1,6}\s*)?第\s*([0-9０-９]+|[一二三四五六七八九十百〇]+)\s*条\s*(?:[（(]\s*([^）)]*?)\s*[）)])?\s*(.*)$"
);
re!(MD_NUMBERED, r"^#{1,6}\s*([0-9０-９]{1,3})[.．]?\s+(.+)$");
re!(MD_PLAIN, r"^(#{1,6})\s+(.+)$");
re!(NUMBER_SPACE, r"^([0-9０-９]{1,2})[ 　]+(\S.{0,40})$");
re!(NUMBER_DOT, r"^([0-9０-９]{1,3})[.．]\s*(.*)$");
re!(DOTTED, r"^([0-9]{1,3}(?:\.[0-9]{1,3}){1,3})\.?\s+(.*)$");
re!(
    PAREN,
    r"^[（(]([0-9０-９]{1,3}|[一二三四五六七八九十]{1,3}|[a-zａ-ｚ])[）)]\s*(.*)$"
);
re!(CIRCLED, r"^([①-⑳])\s*(.*)$");
re!(
    IROHA,
    r"^([アイウエオカキクケコサシスセソタチツテトナニヌネノ])[　 ]+(.+)$"
);
re!(BULLET, r"^[*\-+・•●■◆]\s*(.+)$");
re!(FRONT_MATTER_PAIR, r"^([A-Za-z_][\w-]*)\s*:\s*(.*)$");

/// Cleans, de-furnishes and classifies the lines one at a time, handing each to `f`; fills the outline's
/// title and front matter on the way.
fn prepare(text: &str, outline: &mut Outline, mut f: impl FnMut(Line)) {
    let mut raw = text.lines().enumerate().peekable();
    // YAML front matter: `---` first, closed by `---` within a few dozen lines.
    if text.lines().next().map(str::trim) == Some("---")
        && let Some(end) = text
            .lines()
            .take(60)
            .skip(1)
            .position(|l| l.trim() == "---")
    {
        for (_, line) in raw.by_ref().take(end + 2).skip(1) {
            if let Some(c) = FRONT_MATTER_PAIR.captures(line.trim()) {
                let value = c[2].trim().trim_matches(['"', '\'']).to_string();
                outline.front_matter.insert(c[1].to_lowercase(), value);
            }
        }
    }
    outline.title = outline.front_matter.get("title").cloned();
    let mut blanks = 0;
    let mut first = true;
    while let Some((i, raw_line)) = raw.next() {
        let number = i + 1;
        let trimmed = raw_line.trim().trim_start_matches('\u{feff}');
        if trimmed.is_empty() || is_furniture(trimmed) {
            // Furniture counts as nothing at all, so it cannot split or join sections.
            if trimmed.is_empty() {
                blanks += 1;
            }
            continue;
        }
        // Setext headings: the underline makes the line above a heading.
        let underline = raw.peek().map_or("", |(_, l)| l.trim());
        let setext = underline.len() >= 3
            && (underline.chars().all(|c| c == '=') || underline.chars().all(|c| c == '-'));
        let mut text = plain(trimmed);
        if setext {
            let marks = if underline.starts_with('=') {
                "#"
            } else {
                "##"
            };
            text = format!("{marks} {text}");
            raw.next();
        }
        if text.trim().is_empty() {
            continue;
        }
        let kind = classify(&text);
        let stripped = strip_heading_marks(&text);
        // A heading mark with nothing after it (`#`) heads nothing.
        if stripped.is_empty() {
            continue;
        }
        let level_one = text.starts_with("# ")
            && matches!(
                kind,
                Kind::Article {
                    style: Style::MarkdownPlain,
                    ..
                }
            );
        // The first line may name the policy ("LNSOFT プライバシーポリシー") and so be its title.
        let names_policy = first
            && outline.title.is_none()
            && is_title_like(&stripped)
            && ["ポリシー", "方針", "規約", "policy", "Policy"]
                .iter()
                .any(|w| stripped.contains(w));
        first = false;
        if level_one || names_policy {
            outline.title.get_or_insert_with(|| stripped.clone());
            outline.title_line.get_or_insert(number);
        }
        // A level-one heading, or a line that merely repeats the title, is not a clause or an article.
        let is_title = level_one
            || (outline.title.as_deref() == Some(stripped.as_str()) && is_title_like(&stripped));
        f(Line {
            number,
            text: stripped,
            kind: if is_title { Kind::Title } else { kind },
            blanks_before: blanks,
        });
        blanks = 0;
    }
}

fn strip_heading_marks(text: &str) -> String {
    text.trim_start_matches('#').trim().to_string()
}

fn classify(text: &str) -> Kind {
    let article =
        |style, number: Option<String>, heading: Option<&str>, body: &str| Kind::Article {
            style,
            number,
            heading: heading
                .map(str::trim)
                .filter(|h| !h.is_empty())
                .map(String::from),
            body: body.trim().to_string(),
        };
    if let Some(c) = JO.captures(text) {
        let n = ascii_number(&c[1]);
        return article(Style::Jo, Some(n), c.get(2).map(|m| m.as_str()), &c[3]);
    }
    if let Some(c) = MD_NUMBERED.captures(text) {
        return article(
            Style::MarkdownNumbered,
            Some(ascii_number(&c[1])),
            Some(&c[2]),
            "",
        );
    }
    if let Some(c) = MD_PLAIN.captures(text) {
        return article(Style::MarkdownPlain, None, Some(&c[2]), "");
    }
    if let Some(c) = DOTTED.captures(text) {
        return marked(Marker::Dotted, &c[1], Some(c[1].to_string()), &c[2]);
    }
    if let Some(c) = NUMBER_SPACE.captures(text)
        && !ends_sentence(&c[2])
        && !c[2].starts_with(|ch: char| ch.is_ascii_digit())
    {
        return article(
            Style::NumberSpace,
            Some(ascii_number(&c[1])),
            Some(&c[2]),
            "",
        );
    }
    if let Some(c) = NUMBER_DOT.captures(text) {
        let n = ascii_number(&c[1]);
        let body = c[2].trim();
        // `2. (1)登録希望者…`: a list number in front of a real item marker is only Markdown's.
        if let kind @ Kind::Marked { .. } = classify_item(body) {
            return kind;
        }
        return marked(Marker::Decimal, &n, Some(n.clone()), body);
    }
    if let kind @ Kind::Marked { .. } = classify_item(text) {
        return kind;
    }
    if is_title_line(text) {
        return article(Style::TitleLine, None, Some(text), "");
    }
    Kind::Text
}

fn classify_item(text: &str) -> Kind {
    if let Some(c) = PAREN.captures(text) {
        return marked(
            Marker::Paren,
            &format!("({})", &c[1]),
            Some(ascii_number(&c[1])),
            &c[2],
        );
    }
    if let Some(c) = CIRCLED.captures(text) {
        let n = c[1]
            .chars()
            .next()
            .map(|ch| (ch as u32 - '①' as u32 + 1).to_string());
        return marked(Marker::Circled, &c[1], n, &c[2]);
    }
    if let Some(c) = IROHA.captures(text) {
        return marked(Marker::Iroha, &c[1], None, &c[2]);
    }
    if let Some(c) = BULLET.captures(text)
        && !text.starts_with("**")
    {
        return marked(Marker::Bullet, "", None, &c[1]);
    }
    Kind::Text
}

fn marked(marker: Marker, label: &str, number: Option<String>, body: &str) -> Kind {
    Kind::Marked {
        marker,
        label: label.to_string(),
        number,
        body: body.trim().to_string(),
    }
}

/// Full-width and kanji numerals as ASCII digits (十二 → 12).
fn ascii_number(s: &str) -> String {
    if s.chars().all(|c| c.is_ascii_digit()) {
        return s.to_string();
    }
    if s.chars().all(|c| ('０'..='９').contains(&c)) {
        return s
            .chars()
            .map(|c| char::from(b'0' + (c as u32 - '０' as u32) as u8))
            .collect();
    }
    let digit = |c: char| "〇一二三四五六七八九".chars().position(|d| d == c);
    let (mut total, mut current) = (0usize, 0usize);
    for c in s.chars() {
        match c {
            '十' => {
                total += current.max(1) * 10;
                current = 0;
            }
            '百' => {
                total += current.max(1) * 100;
                current = 0;
            }
            _ => current = current * 10 + digit(c).unwrap_or(0),
        }
    }
    (total + current).to_string()
}

fn ends_sentence(s: &str) -> bool {
    s.trim_end()
        .ends_with(['。', '.', '、', ',', '：', ':', '；', ';', '）', ')'])
}

/// A short line with no sentence punctuation: a heading candidate.
fn is_title_like(s: &str) -> bool {
    s.chars().count() <= 60 && !s.contains('。') && !ends_sentence(s)
}

/// An English title line: short, capitalised words, no closing punctuation ("Purpose of Use").
fn is_title_line(s: &str) -> bool {
    const SMALL: [&str; 16] = [
        "of", "and", "to", "the", "a", "an", "for", "in", "on", "with", "or", "by", "from",
        "about", "at", "as",
    ];
    let words: Vec<&str> = s.split_whitespace().collect();
    if words.is_empty()
        || words.len() > 10
        || s.len() > 90
        || !s.starts_with(|c: char| c.is_ascii_uppercase())
        || ends_sentence(s)
    {
        return false;
    }
    let capitalised = words
        .iter()
        .filter(|w| {
            w.starts_with(|c: char| c.is_uppercase() || !c.is_alphabetic()) || SMALL.contains(w)
        })
        .count();
    capitalised == words.len()
}

/// `1. 見出し` followed by unnumbered body text: a section heading in a document numbered no other way.
/// Returns the number and the heading.
fn number_dot_heading<'a>(line: &'a Line, next: Option<&Line>) -> Option<(&'a str, &'a str)> {
    let Kind::Marked {
        marker: Marker::Decimal,
        number: Some(number),
        body,
        ..
    } = &line.kind
    else {
        return None;
    };
    let body_follows = next.is_some_and(|n| n.kind == Kind::Text) && followed_by_body(next);
    (is_title_like(body) && !body.is_empty() && body_follows)
        .then_some((number.as_str(), body.as_str()))
}

/// Whether `next` is body text (long, or a sentence), as a heading needs below it.
fn followed_by_body(next: Option<&Line>) -> bool {
    next.is_some_and(|l| {
        matches!(l.kind, Kind::Text | Kind::Marked { .. })
            && (l.text.chars().count() > 60 || ends_sentence(&l.text))
    })
}

/// Assembles classified lines into segments.
struct Builder {
    style: Option<Style>,
    article: Option<ArticleRef>,
    articles_seen: usize,
    /// Open list levels: the marker kind and the label path at that depth.
    stack: Vec<(Marker, String, String)>,
    /// Unnumbered paragraphs counted per article, for their labels.
    plain_count: usize,
    /// Unnumbered items (bullets) counted per article, for their labels.
    unnumbered_count: usize,
    /// Indices of this article's unnumbered paragraphs, and whether it also has numbered ones.
    plain_paragraphs: Vec<usize>,
    numbered_paragraphs: bool,
    /// The current article's segments.
    segments: Vec<Segment>,
    /// Finished articles, waiting to be handed on.
    ready: Vec<Vec<Segment>>,
    article_has_body: bool,
    heading_line: usize,
    /// The last segment may absorb following text lines (a short numbered heading with its body).
    open_heading: bool,
}

impl Builder {
    fn new(style: Option<Style>) -> Builder {
        Builder {
            style,
            article: None,
            articles_seen: 0,
            stack: Vec::new(),
            plain_count: 0,
            unnumbered_count: 0,
            plain_paragraphs: Vec::new(),
            numbered_paragraphs: false,
            segments: Vec::new(),
            ready: Vec::new(),
            article_has_body: true,
            heading_line: 0,
            open_heading: false,
        }
    }

    fn push(&mut self, line: &Line, next: Option<&Line>) {
        let unheaded_break = line.blanks_before >= 2
            && matches!(self.style, None | Some(Style::TitleLine))
            && self.article.is_some()
            && !matches!(line.kind, Kind::Article { .. });
        if unheaded_break {
            // Two blank lines in a document without numbered articles end a section whose heading the
            // page lost; what follows is a section of its own.
            self.start_article(None, None, None, line.number);
        }
        if self.style == Some(Style::NumberDot)
            && let Some((number, heading)) = number_dot_heading(line, next)
        {
            self.start_article(
                Some(number.to_string()),
                Some(number.to_string()),
                Some(heading.to_string()),
                line.number,
            );
            return;
        }
        match &line.kind {
            Kind::Article {
                style,
                number,
                heading,
                body,
            } if Some(*style) == self.style
                && (*style != Style::TitleLine || followed_by_body(next)) =>
            {
                // A 第N条 article is cited as written; other numbered articles by their number.
                let label = match style {
                    Style::Jo => number.as_ref().map(|n| format!("第{n}条")),
                    _ => number.clone(),
                };
                self.start_article(number.clone(), label, heading.clone(), line.number);
                if !body.is_empty() {
                    self.paragraph(Marker::Plain, None, body, line.number);
                }
            }
            Kind::Article {
                style: Style::MarkdownPlain,
                heading,
                ..
            } => {
                // An unnumbered Markdown heading between numbered articles (a translation's title) is a
                // section boundary, not text of the article before it.
                self.start_article(None, None, heading.clone(), line.number);
            }
            Kind::Article {
                style: Style::NumberSpace,
                number,
                ..
            } => {
                self.paragraph(Marker::Decimal, number.clone(), &line.text, line.number);
            }
            Kind::Marked {
                marker,
                label,
                number,
                ..
            } => {
                self.paragraph(
                    *marker,
                    number
                        .clone()
                        .or_else(|| (!label.is_empty()).then(|| label.clone())),
                    &line.text,
                    line.number,
                );
            }
            _ => {
                if (self.open_heading && line.blanks_before <= 1)
                    || self.continues_wrapped_line(line)
                {
                    self.extend_last(&line.text, line.number);
                } else {
                    self.paragraph(Marker::Plain, None, &line.text, line.number);
                }
            }
        }
    }

    fn continues_wrapped_line(&self, line: &Line) -> bool {
        let Some(last) = self.segments.last() else {
            return false;
        };
        line.blanks_before == 0
            && last.line_end + 1 == line.number
            && last.text.lines().last().is_some_and(|l| {
                l.chars().count() >= 40 && !ends_sentence(l) && !l.ends_with(['」', '』'])
            })
            && line.text.starts_with(|c: char| c.is_lowercase())
    }

    fn start_article(
        &mut self,
        number: Option<String>,
        label: Option<String>,
        heading: Option<String>,
        line: usize,
    ) {
        self.close_article();
        self.articles_seen += 1;
        let key = number.unwrap_or_else(|| format!("s{}", self.articles_seen));
        self.article = Some(ArticleRef {
            label,
            heading,
            key,
        });
        self.stack.clear();
        self.plain_count = 0;
        self.unnumbered_count = 0;
        self.article_has_body = false;
        self.heading_line = line;
        self.open_heading = false;
    }

    /// An article with a heading and no body is one clause of its heading.
    fn close_article(&mut self) {
        // An unnumbered paragraph beside numbered ones (Live2D's intro before 2.1, 2.2) would share their
        // id part; it becomes `p1`.
        if self.numbered_paragraphs {
            for &i in &self.plain_paragraphs {
                self.segments[i].key.insert(0, 'p');
            }
        }
        self.plain_paragraphs.clear();
        self.numbered_paragraphs = false;
        if !self.article_has_body
            && let Some(article) = &self.article
        {
            let text = [article.label.clone(), article.heading.clone()]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" ");
            self.segments.push(Segment {
                article: Some(article.clone()),
                label: None,
                key: String::new(),
                level: Level::Article,
                line_start: self.heading_line,
                line_end: self.heading_line,
                text,
            });
        }
        if !self.segments.is_empty() {
            self.ready.push(std::mem::take(&mut self.segments));
        }
    }

    fn paragraph(&mut self, marker: Marker, number: Option<String>, text: &str, line: usize) {
        // Nest like a Markdown list: a marker kind already open closes what is below it; a new kind opens
        // one level deeper. Unnumbered text always returns to the paragraph level.
        let depth = if marker == Marker::Plain {
            0
        } else if marker == Marker::Dotted {
            // `N.M` carries its own depth: 3.1 is a paragraph of article 3, 6.2.1 an item of 6.2.
            let dots = number.as_deref().unwrap_or("").matches('.').count();
            (dots.saturating_sub(1)).min(
                self.stack
                    .iter()
                    .take_while(|(m, _, _)| *m == Marker::Dotted)
                    .count(),
            )
        } else {
            match self.stack.iter().position(|(m, _, _)| *m == marker) {
                Some(depth) => depth,
                None => self.stack.len(),
            }
        };
        self.stack.truncate(depth);
        let ordinal = if marker == Marker::Plain {
            self.plain_count += 1;
            self.plain_count.to_string()
        } else {
            self.unnumbered_count += 1;
            number
                .clone()
                .unwrap_or_else(|| self.unnumbered_count.to_string())
        };
        let own_label = match marker {
            Marker::Plain => ordinal.clone(),
            Marker::Bullet => ordinal.clone(),
            _ => number_label(marker, number.as_deref()),
        };
        let (parent_label, parent_key) = self
            .stack
            .last()
            .map(|(_, l, k)| (l.clone(), k.clone()))
            .unwrap_or_default();
        let (label, key) = if marker == Marker::Dotted {
            // The number is already a full path; drop the article's own number from the id part.
            let article_key = self.article.as_ref().map_or("", |a| a.key.as_str());
            let key = ordinal
                .strip_prefix(&format!("{article_key}."))
                .unwrap_or(&ordinal)
                .to_string();
            (ordinal.clone(), key)
        } else {
            let label = if parent_label.is_empty() {
                own_label
            } else {
                format!("{parent_label}-{own_label}")
            };
            let key_part = id_part(&ordinal);
            let key = if parent_key.is_empty() {
                key_part
            } else {
                format!("{parent_key}.{key_part}")
            };
            (label, key)
        };
        self.stack.push((marker, label.clone(), key.clone()));
        let level = if depth == 0 {
            Level::Paragraph
        } else {
            Level::Item
        };
        self.article_has_body = true;
        match (marker, depth) {
            (Marker::Plain, _) => self.plain_paragraphs.push(self.segments.len()),
            (_, 0) => self.numbered_paragraphs = true,
            _ => {}
        }
        // A short numbered line with no sentence in it ("6.2.1 Google Inc.") heads the lines below it.
        self.open_heading =
            marker != Marker::Plain && text.chars().count() <= 40 && !text.contains('。');
        self.segments.push(Segment {
            article: self.article.clone(),
            label: Some(label),
            key,
            level,
            line_start: line,
            line_end: line,
            text: text.to_string(),
        });
    }

    fn extend_last(&mut self, text: &str, line: usize) {
        if let Some(last) = self.segments.last_mut() {
            last.text.push('\n');
            last.text.push_str(text);
            last.line_end = line;
        }
    }

    fn finish(&mut self) {
        self.close_article();
    }
}

/// The label a numbered line shows: `2`, `(1)`, `①`, `ア`, `6.2.1`.
fn number_label(marker: Marker, number: Option<&str>) -> String {
    match marker {
        Marker::Paren => format!("({})", number.unwrap_or("")),
        Marker::Circled => number
            .and_then(|n| n.parse::<u32>().ok())
            .and_then(|n| char::from_u32('①' as u32 + n - 1))
            .map(String::from)
            .unwrap_or_default(),
        Marker::Iroha => number.unwrap_or("").to_string(),
        _ => number.unwrap_or("").to_string(),
    }
}

/// A label made safe and short for ids: `6.2.1` stays, `(1)` becomes `1`.
fn id_part(label: &str) -> String {
    label
        .chars()
        .filter(|c| c.is_alphanumeric() || *c == '.')
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Both passes, collected.
    fn segment(text: &str) -> (Outline, Vec<Segment>) {
        let outline = outline(text, |_| {});
        let mut segments = Vec::new();
        super::segment(text, &outline, |article| segments.extend(article));
        (outline, segments)
    }

    #[test]
    fn an_empty_heading_alone_is_no_clause() {
        for text in ["#", "# ", "#\n\n##"] {
            let (_, segments) = segment(text);
            assert!(
                segments.iter().all(|s| !s.text.trim().is_empty()),
                "{text:?}: {segments:?}"
            );
        }
    }

    fn labels(text: &str) -> Vec<(Option<String>, Option<String>, Level)> {
        segment(text)
            .1
            .into_iter()
            .map(|s| (s.article.and_then(|a| a.label), s.label, s.level))
            .collect()
    }

    #[test]
    fn kanji_and_full_width_article_numbers() {
        assert_eq!(ascii_number("十二"), "12");
        assert_eq!(ascii_number("二十"), "20");
        assert_eq!(ascii_number("百一"), "101");
        assert_eq!(ascii_number("１２"), "12");
        let text = "第一条（目的）\n本規程は目的を定める。\n\n第 2 条\n当社は守る。\n\n第１２条（変更）\n変更する。\n";
        let got: Vec<String> = segment(text)
            .1
            .into_iter()
            .filter_map(|s| s.article.and_then(|a| a.label))
            .collect();
        assert_eq!(got, ["第1条", "第2条", "第12条"]);
    }

    #[test]
    fn numbered_paragraphs_nest_items() {
        let text = "## 第 4 条（第三者提供）\n\n1. 当社は提供しません。\n   (1) 法令に基づく場合\n   (2) 人の生命\n2. 当社は同意に基づき提供します。\n   ① 事前の同意\n";
        let got = labels(text);
        let p = |l: &str, level| (Some("第4条".to_string()), Some(l.to_string()), level);
        assert_eq!(
            got,
            [
                p("1", Level::Paragraph),
                p("1-(1)", Level::Item),
                p("1-(2)", Level::Item),
                p("2", Level::Paragraph),
                p("2-①", Level::Item)
            ]
        );
    }

    #[test]
    fn dotted_paragraphs_and_iroha_items() {
        let text = "### 3\\. 第三者提供\n\n当社は次の場合を除き提供しません。\n\n3.1 本人の同意がある場合\n\n3.2 法令に基づく場合\n\nア　登録情報\n";
        let got = labels(text);
        assert_eq!(
            got.iter().map(|g| g.1.clone().unwrap()).collect::<Vec<_>>(),
            ["1", "3.1", "3.2", "3.2-ア"]
        );
    }

    #[test]
    fn english_title_lines_head_sections() {
        let text = "Privacy Policy\n\nWe respect your privacy and explain here how we handle it.\n\nPurpose of Use\n\nWe use personal information to provide the service to customers.\n\n  1. Billing\n  2. Support\n\nContact Us\n\nWrite to us at the address below, and we will answer.\n";
        let (outline, segs) = segment(text);
        assert_eq!(outline.title.as_deref(), Some("Privacy Policy"));
        assert_eq!(segs[0].article, None);
        let a = segs[1].article.clone().unwrap();
        assert_eq!(a.heading.as_deref(), Some("Purpose of Use"));
        assert_eq!(
            segs.iter()
                .skip(1)
                .map(|s| s.label.clone())
                .collect::<Vec<_>>(),
            [
                Some("1".into()),
                Some("1-1".into()),
                Some("1-2".into()),
                Some("1".into())
            ],
            "{segs:#?}"
        );
    }

    #[test]
    fn no_structure_gives_one_clause_per_paragraph() {
        let segs = segment("当社は個人情報を守ります。\n\nお問い合わせはこちらへ。\n").1;
        assert_eq!(segs.len(), 2);
        assert_eq!(
            (segs[1].line_start, segs[1].text.as_str()),
            (3, "お問い合わせはこちらへ。")
        );
    }

    #[test]
    fn front_matter_is_read_and_skipped() {
        let (outline, segs) = segment(
            "---\ntitle: テスト方針\ncompany: 株式会社テスト\n---\n\n# テスト方針\n\n本文です。\n",
        );
        assert_eq!(
            outline.front_matter.get("company").map(String::as_str),
            Some("株式会社テスト")
        );
        assert_eq!(outline.title.as_deref(), Some("テスト方針"));
        assert_eq!(segs.len(), 1);
        assert_eq!(segs[0].line_start, 8);
    }
}
