//! The first pass: the document's title, front matter and article style, decided once from all its lines.

use std::collections::HashMap;

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
