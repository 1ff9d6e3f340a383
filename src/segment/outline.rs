//! The first pass: the document's title, front matter and article style, decided once from all its lines.

use std::collections::{HashMap, HashSet};

use super::Outline;
use super::line::{Kind, Line, Style, ends_sentence, is_title_like, prepare};
use super::numbering::Marker;

/// The first of two passes over a document: its title, front matter and article style. Every line of
/// content (headings included) is handed to `read`, for facts about the whole document.
///
/// Two passes over the text instead of one over a list of its lines: a 50 MB file is held once.
pub fn outline(text: &str, mut read: impl FnMut(&str)) -> Outline {
    let mut outline = Outline::default();
    let mut counts: HashMap<Style, usize> = HashMap::new();
    let mut pending: Option<Line> = None;
    let mut contents = Contents::default();
    let mut count = |line: &Line, next: Option<&Line>| {
        contents.read(line);
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
    outline.contents = contents.lines();
    outline
}

/// A table of contents, found by what it is: a run of two or more bare article headings or list items
/// naming articles the document has further on (`第1条 目的` … then `第1条（目的）` and its text; `1.
/// Information We Collect` … then `## 1. Information We Collect`), with the 目次 / Contents line above
/// it. Only heading-like lines are remembered, so a long document costs little.
#[derive(Default)]
struct Contents {
    entries: Vec<Entry>,
}

/// A line as a table of contents is judged.
#[derive(Debug, PartialEq)]
enum Entry {
    /// `目次`, `Contents`: the heading of a table of contents.
    Heading(usize),
    /// An article heading with no text of its own (number, heading).
    Bare(usize, Option<String>, Option<String>),
    /// A list item short enough to name an article (its text).
    Item(usize, String),
    /// An article with its number and heading, standing further on.
    Article(Option<String>, Option<String>),
    /// Any other line: ends a run.
    Break,
}

impl Contents {
    fn read(&mut self, line: &Line) {
        // A table of contents is one block: a blank line ends it (but may follow its heading).
        if line.blanks_before > 0
            && !matches!(
                self.entries.last(),
                None | Some(Entry::Heading(_) | Entry::Break)
            )
        {
            self.entries.push(Entry::Break);
        }
        let entry = match &line.kind {
            _ if is_contents_heading(&line.text) => Entry::Heading(line.number),
            Kind::Article {
                number,
                heading,
                body,
                ..
            } if body.is_empty() => Entry::Bare(line.number, number.clone(), heading.clone()),
            Kind::Article {
                number, heading, ..
            } => Entry::Article(number.clone(), heading.clone()),
            Kind::Marked { body, .. } if is_title_like(body) && body.chars().count() <= 40 => {
                Entry::Item(line.number, body.trim().to_lowercase())
            }
            _ => Entry::Break,
        };
        if !(entry == Entry::Break && self.entries.last() == Some(&Entry::Break)) {
            self.entries.push(entry);
        }
    }

    /// The lines of every table of contents found. Read from the end, so that the articles further on
    /// are gathered once (a 200 MB document has thousands of runs of list items).
    fn lines(&self) -> Vec<usize> {
        // Each run of bare headings and list items, as (start, end).
        let mut runs = Vec::new();
        let mut i = 0;
        while i < self.entries.len() {
            let run = self.entries[i..]
                .iter()
                .take_while(|e| matches!(e, Entry::Bare(..) | Entry::Item(..)))
                .count();
            if run >= 2 {
                runs.push((i, i + run));
            }
            i += run.max(1);
        }
        let key = |h: &str| h.trim().to_lowercase();
        // The articles from the current point on: their numbers (of those without a heading) and headings.
        let mut numbers: HashSet<&str> = HashSet::new();
        let mut headings: HashSet<String> = HashSet::new();
        let mut gathered = self.entries.len();
        let mut out = Vec::new();
        for &(start, end) in runs.iter().rev() {
            for e in &self.entries[end..gathered] {
                if let Entry::Article(n, h) | Entry::Bare(_, n, h) = e {
                    match h {
                        Some(h) => {
                            headings.insert(key(h));
                        }
                        None => {
                            numbers.extend(n.as_deref());
                        }
                    }
                }
            }
            gathered = end;
            // Each entry names an article further on: by its heading, or a bare number by its number
            // (numbers alone would take any numbered list before its sections).
            let named = |e: &Entry| match e {
                Entry::Bare(_, n, Some(h)) => {
                    headings.contains(&key(h)) || n.as_deref().is_some_and(|n| numbers.contains(n))
                }
                Entry::Bare(_, Some(n), None) => numbers.contains(n.as_str()),
                Entry::Item(_, body) => headings.contains(body),
                _ => false,
            };
            let run_entries = &self.entries[start..end];
            // Under a 目次 / Contents heading, any entries; without one, only numbered article
            // headings (第1条 目的), so that no run of short lines is taken for one by chance.
            let headed = start > 0 && matches!(self.entries[start - 1], Entry::Heading(_));
            let numbered = run_entries
                .iter()
                .all(|e| matches!(e, Entry::Bare(_, Some(_), _)));
            let run = end - start;
            if (headed || numbered)
                && run_entries.iter().filter(|e| named(e)).count() * 3 >= run * 2
            {
                if let (true, Entry::Heading(line)) = (headed, &self.entries[start.max(1) - 1]) {
                    out.push(*line);
                }
                out.extend(run_entries.iter().filter_map(|e| match e {
                    Entry::Bare(line, ..) | Entry::Item(line, _) => Some(*line),
                    _ => None,
                }));
            }
        }
        out.sort_unstable();
        out
    }
}

/// `目次`, `もくじ`, `Contents`, `Table of Contents`: a line that heads a table of contents.
fn is_contents_heading(text: &str) -> bool {
    let t = text
        .trim()
        .trim_matches(|c: char| {
            c == '#' || c == ':' || c == '：' || c == '【' || c == '】' || c.is_whitespace()
        })
        .to_lowercase();
    matches!(
        t.as_str(),
        "目次" | "もくじ" | "contents" | "table of contents"
    )
}

/// `1. 見出し` followed by unnumbered body text: a section heading in a document numbered no other way.
/// Returns the number and the heading.
pub fn number_dot_heading<'a>(line: &'a Line, next: Option<&Line>) -> Option<(&'a str, &'a str)> {
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
pub fn followed_by_body(next: Option<&Line>) -> bool {
    next.is_some_and(|l| {
        matches!(l.kind, Kind::Text | Kind::Marked { .. })
            && (l.text.chars().count() > 60 || ends_sentence(&l.text))
    })
}
