//! Search hits as people read them (ranked lines with highlighted snippets, then the counts) or as
//! JSON Lines through the table writer, in the columns export writes them in: one hit (or article) a
//! line, then a summary line.

use std::collections::{BTreeMap, HashMap};
use std::io::{self, Write};

use crate::query::{Answer, FacetCounts, Hit};

use super::columns::{self, HIT};
use super::{Cell, Format, TableWriter};

/// Characters of context shown around the first highlight.
const SNIPPET_CHARS: usize = 120;

/// The columns of an article group in JSON: the article, its best score, and its matching clauses.
const GROUP: [&str; 6] = ["doc", "company", "article", "heading", "score", "hits"];

/// How hits are written, chosen once from the flags.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HitPrinter {
    /// Ranked lines for people, each hit's citation, place and id, and a snippet with its matches
    /// marked.
    Human {
        /// Whether matches are coloured (else marked with « »).
        colour: bool,
    },
    /// One JSON object a line, then `{"summary": …}`.
    JsonLines,
}

impl HitPrinter {
    /// The printer `--json` and `--color` ask for.
    pub fn new(json: bool, colour: bool) -> HitPrinter {
        match json {
            true => HitPrinter::JsonLines,
            false => HitPrinter::Human { colour },
        }
    }

    /// A page of `answer` whose first hit has rank `offset + 1`, then the total and facet counts.
    pub fn answer(&self, out: &mut dyn Write, answer: &Answer, offset: usize) -> io::Result<()> {
        match *self {
            HitPrinter::JsonLines => {
                let mut table = TableWriter::new(&mut *out, Format::Jsonl, &HIT)?;
                for hit in &answer.hits {
                    table.row(&columns::cells(hit, &HIT))?;
                }
                table.finish()?;
                let summary = serde_json::json!({
                    "summary": {
                        "total": answer.total,
                        "partial": answer.partial,
                        "facets": answer.facets,
                    }
                });
                writeln!(out, "{summary}")
            }
            HitPrinter::Human { colour } => human_answer(out, answer, offset, colour),
        }
    }

    /// A page of article groups, `limit` from rank `offset + 1`; then the total, how many articles
    /// the best hits fall in, and (in JSON) the facet counts.
    pub fn groups(
        &self,
        out: &mut dyn Write,
        articles: &ArticleGroups,
        offset: usize,
        limit: usize,
    ) -> io::Result<()> {
        let ArticleGroups {
            groups,
            read,
            total,
            facets,
        } = articles;
        let shown = groups.iter().enumerate().skip(offset).take(limit);
        match *self {
            HitPrinter::JsonLines => {
                let mut table = TableWriter::new(&mut *out, Format::Jsonl, &GROUP)?;
                for (_, hits) in shown {
                    let mut row = columns::cells(hits[0], &GROUP[..GROUP.len() - 1]);
                    row.push(Cell::Rows {
                        columns: &HIT,
                        rows: hits.iter().map(|h| columns::cells(h, &HIT)).collect(),
                    });
                    table.row(&row)?;
                }
                table.finish()?;
                let summary = serde_json::json!({
                    "summary": { "total": total, "articles": groups.len(), "facets": facets }
                });
                writeln!(out, "{summary}")
            }
            HitPrinter::Human { colour } => {
                let (mark, mark_end) = marks(colour);
                for (rank, hits) in shown {
                    human_group(out, rank, hits, mark, mark_end)?;
                }
                writeln!(
                    out,
                    "{total} clauses match; {} articles among the top {read}",
                    groups.len()
                )
            }
        }
    }
}

/// Hits grouped by article, as `search --by article` shows them.
pub struct ArticleGroups<'a> {
    /// Each article once, ranked by its best clause; its clauses in the order the article states them.
    pub groups: Vec<Vec<&'a Hit>>,
    /// How many of the best hits were asked for to form the groups.
    pub read: usize,
    /// How many clauses match in all.
    pub total: usize,
    /// Facet counts over every match.
    pub facets: &'a BTreeMap<String, FacetCounts>,
}

impl<'a> ArticleGroups<'a> {
    /// The hits of `answer`, the best `read` asked for, grouped by article.
    pub fn of(answer: &'a Answer, read: usize) -> ArticleGroups<'a> {
        let mut groups: Vec<Vec<&Hit>> = Vec::new();
        let mut group_of: HashMap<(&str, Option<&str>, Option<&str>), usize> = HashMap::new();
        for hit in &answer.hits {
            let c = &hit.clause;
            let key = (c.doc.as_str(), c.article.as_deref(), c.heading.as_deref());
            match group_of.get(&key) {
                Some(&g) => groups[g].push(hit),
                None => {
                    group_of.insert(key, groups.len());
                    groups.push(vec![hit]);
                }
            }
        }
        // An article's clauses read in the order the article states them.
        for hits in &mut groups {
            hits.sort_by_key(|h| (h.clause.line_start, h.clause.line_end));
        }
        ArticleGroups {
            groups,
            read,
            total: answer.total,
            facets: &answer.facets,
        }
    }
}

/// Highlight marks: colour on a terminal, « » elsewhere.
fn marks(colour: bool) -> (&'static str, &'static str) {
    match colour {
        true => ("\x1b[1;31m", "\x1b[0m"),
        false => ("«", "»"),
    }
}

fn human_answer(
    out: &mut dyn Write,
    answer: &Answer,
    offset: usize,
    colour: bool,
) -> io::Result<()> {
    let (bold, bold_end) = match colour {
        true => ("\x1b[1m", "\x1b[0m"),
        false => ("", ""),
    };
    let (mark, mark_end) = marks(colour);
    for (i, hit) in answer.hits.iter().enumerate() {
        if hit.partial && (i == 0 || !answer.hits[i - 1].partial) {
            writeln!(
                out,
                "-- fewer clauses hold every word; these hold some of them (not counted) --"
            )?;
        }
        let c = &hit.clause;
        let article = c.article_name();
        writeln!(
            out,
            "{bold}{}. {}{bold_end}  {}  {}  {}:{}-{}  [{}] {}  {}  score {:.2}  (show {})",
            offset + i + 1,
            c.company.as_deref().unwrap_or("-"),
            c.citation(),
            if article.is_empty() {
                "-".to_string()
            } else {
                article
            },
            c.doc,
            c.line_start,
            c.line_end,
            c.kind,
            c.label
                .as_deref()
                .map(|l| format!("¶{l}"))
                .unwrap_or_default(),
            c.jurisdictions.join(","),
            hit.score,
            c.id,
        )?;
        writeln!(out, "   {}", snippet(hit, mark, mark_end))?;
    }
    match answer.partial {
        0 => writeln!(out, "{} clauses match", answer.total)?,
        more => writeln!(
            out,
            "{} clauses match; {more} more hold some of the words (not counted)",
            answer.total
        )?,
    }
    for (name, counts) in &answer.facets {
        if counts.is_empty() {
            continue;
        }
        let shown: Vec<String> = counts.iter().map(|(v, n)| format!("{v} {n}")).collect();
        writeln!(out, "  {name}: {}", shown.join(", "))?;
    }
    Ok(())
}

fn human_group(
    out: &mut dyn Write,
    rank: usize,
    hits: &[&Hit],
    mark: &str,
    mark_end: &str,
) -> io::Result<()> {
    let c = &hits[0].clause;
    writeln!(
        out,
        "{}. {}  {}  {}  ({} clauses, score {:.2})",
        rank + 1,
        c.company.as_deref().unwrap_or("-"),
        c.doc,
        c.article_name(),
        hits.len(),
        hits[0].score
    )?;
    for hit in hits {
        let h = &hit.clause;
        writeln!(
            out,
            "   {} ¶{} {}:{}-{}  {}",
            if h.cite.is_empty() { "-" } else { &h.cite },
            h.label.as_deref().unwrap_or("-"),
            h.doc,
            h.line_start,
            h.line_end,
            snippet(hit, mark, mark_end)
        )?;
    }
    Ok(())
}

/// Up to [`SNIPPET_CHARS`] of the clause around its first highlight, highlights marked, on one line.
fn snippet(hit: &Hit, mark: &str, mark_end: &str) -> String {
    let text = &hit.clause.text;
    let first = hit.highlights.first().map_or(0, |h| h.0);
    // Start a little before the first match, on a character boundary.
    let start = text[..first]
        .char_indices()
        .rev()
        .nth(30)
        .map_or(0, |(i, _)| i);
    let end = text[start..]
        .char_indices()
        .nth(SNIPPET_CHARS)
        .map_or(text.len(), |(i, _)| start + i);
    let mut out = String::new();
    if start > 0 {
        out.push('…');
    }
    let mut at = start;
    for &(s, e) in &hit.highlights {
        if e <= start || s >= end {
            continue;
        }
        let (s, e) = (s.max(at), e.min(end));
        out.push_str(&text[at..s]);
        out.push_str(mark);
        out.push_str(&text[s..e]);
        out.push_str(mark_end);
        at = e;
    }
    out.push_str(&text[at..end]);
    if end < text.len() {
        out.push('…');
    }
    out.replace('\n', " ")
}
