//! `joubun search`: ranked clauses with highlighted snippets and facet counts, for people or as JSON Lines.

use std::io::Write;

use crate::cli::{FilterArgs, IndexLocation, SearchArgs};
use crate::error::Result;
use crate::index::ClauseIndex;
use crate::query::{Answer, Filters, Hit, Search};

use super::index::open_or_build;
use super::{Outcome, stdout};

/// Characters of context shown around the first highlight.
const SNIPPET_CHARS: usize = 120;

/// Values of each facet summarised under the hits, the most frequent (Elasticsearch's terms
/// aggregation shows ten too); `joubun facets` lists them all.
const SUMMARY_VALUES: usize = 10;

/// Runs `joubun search`.
pub fn run(args: &SearchArgs) -> Result<Outcome> {
    let query = args.query.join(" ");
    let (index, search) = open_search(&args.location, Some(&query), &args.filters)?;
    let search = search.top_facet_values(SUMMARY_VALUES);
    if args.explain {
        for line in search.explanation() {
            eprintln!("joubun: read {line}");
        }
    }
    if args.by.is_some() {
        return by_article(&index, &search, args);
    }
    let answer = search.run(&index, args.limit, args.offset)?;
    let mut out = stdout();
    if args.json {
        for hit in &answer.hits {
            serde_json::to_writer(&mut out, hit).map_err(std::io::Error::from)?;
            writeln!(out)?;
        }
        let summary =
            serde_json::json!({ "summary": { "total": answer.total, "facets": answer.facets } });
        writeln!(out, "{summary}")?;
    } else {
        print_human(&mut out, &answer, args.offset, args.color.enabled())?;
    }
    out.flush()?;
    // The process ends here: unmapping every segment file one by one, while the search threads
    // still run, took a twentieth of a search; the exiting process drops them at once.
    std::mem::forget(index);
    Ok(if answer.total > 0 {
        Outcome::Success
    } else {
        Outcome::NothingFound
    })
}

/// How many hits are read to fill each article group: grouping looks further down the ranking than the
/// page it shows.
const HITS_PER_GROUP: usize = 20;

/// Most hits read for grouping, whatever the page: each is held in memory with its clause text.
const MAX_GROUPED_HITS: usize = 20_000;

/// Hits grouped by article, articles ranked by their best clause.
fn by_article(
    index: &crate::index::ClauseIndex,
    search: &Search,
    args: &SearchArgs,
) -> Result<Outcome> {
    let wanted = ((args.offset + args.limit) * HITS_PER_GROUP).min(MAX_GROUPED_HITS);
    let answer = search.run(index, wanted, 0)?;
    let mut groups: Vec<(String, Vec<&Hit>)> = Vec::new();
    let mut group_of: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for hit in &answer.hits {
        let c = &hit.clause;
        let key = format!("{}\u{0}{:?}\u{0}{:?}", c.doc, c.article, c.heading);
        match group_of.get(&key) {
            Some(&g) => groups[g].1.push(hit),
            None => {
                group_of.insert(key.clone(), groups.len());
                groups.push((key, vec![hit]));
            }
        }
    }
    // An article's clauses read in the order the article states them.
    for (_, hits) in &mut groups {
        hits.sort_by_key(|h| (h.clause.line_start, h.clause.line_end));
    }
    let mut out = stdout();
    let colour = !args.json && args.color.enabled();
    let (mark, mark_end) = if colour {
        ("\x1b[1;31m", "\x1b[0m")
    } else {
        ("«", "»")
    };
    for (rank, (_, hits)) in groups.iter().enumerate().skip(args.offset).take(args.limit) {
        let c = &hits[0].clause;
        if args.json {
            let group = serde_json::json!({
                "doc": c.doc, "company": c.company, "article": c.article, "heading": c.heading,
                "score": hits[0].score, "hits": hits,
            });
            writeln!(out, "{group}")?;
            continue;
        }
        let article = c.article_name();
        writeln!(
            out,
            "{}. {}  {}  {}  ({} clauses, score {:.2})",
            rank + 1,
            c.company.as_deref().unwrap_or("-"),
            c.doc,
            article,
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
    }
    if args.json {
        writeln!(
            out,
            "{}",
            serde_json::json!({ "summary": { "total": answer.total, "articles": groups.len(), "facets": answer.facets } })
        )?;
    } else {
        writeln!(
            out,
            "{} clauses match; {} articles among the top {wanted}",
            answer.total,
            groups.len()
        )?;
    }
    out.flush()?;
    Ok(if answer.total > 0 {
        Outcome::Success
    } else {
        Outcome::NothingFound
    })
}

/// Opens the index (building it on first use) and parses a query and filter flags against it.
pub fn open_search(
    location: &IndexLocation,
    query: Option<&str>,
    filter_args: &FilterArgs,
) -> Result<(ClauseIndex, Search)> {
    let by_check = super::check::filter(filter_args)?;
    let index = open_or_build(&location.index, &location.corpus)?;
    let index = match location.no_update {
        true => index,
        false => freshen(index, &location.index)?,
    };
    let mut filters = filters(filter_args);
    if let Some(by_check) = &by_check {
        let documents = super::check::documents_kept(&index, by_check)?;
        filters.documents = Some((documents, by_check.describe()));
    }
    // Segment readers open (every file mapped and its footer read, its size checked) while the query
    // is analysed.
    let query = crate::query::input::normalize(&[query.unwrap_or("")]);
    let (opened, search) = std::thread::scope(|scope| {
        let opened = scope.spawn(|| index.check().map(drop));
        let search = Search::new(&index, &query, &filters);
        let opened = opened
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (opened, search)
    });
    opened?;
    Ok((index, search?))
}

/// Corpora of up to this many documents are checked file by file before each search; larger ones by
/// their root folder's and `joubun.toml`'s times only (which a new, removed or renamed file changes),
/// so that a search stays quick at any size: a stat of 10,000 files took longer than the search.
const CHECKED_FILES: usize = 2000;

/// Brings the index up to date with the corpus it was built from when that changed since, saying so;
/// where it cannot (a read-only index), says that the answers are from the older state.
fn freshen(index: ClauseIndex, path: &std::path::Path) -> Result<ClauseIndex> {
    let corpus = index.meta.corpus.clone();
    let since = index.meta.indexed_at;
    let config = corpus.join("joubun.toml");
    // Times are whole seconds: a file written in the second the index was made counts as newer.
    let newer = |p: &std::path::Path| {
        std::fs::metadata(p)
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .is_some_and(|t| t.as_secs() >= since)
    };
    if !corpus.is_dir() {
        return Ok(index);
    }
    let rebuild = newer(&config);
    let changed = rebuild
        || newer(&corpus)
        || (index.meta.documents <= CHECKED_FILES && files_changed(&corpus, &newer));
    if !changed {
        return Ok(index);
    }
    drop(index);
    match crate::index::update(path, &corpus, rebuild, |_| {}) {
        Ok(report) => {
            if rebuild || !report.indexed.is_empty() || !report.removed.is_empty() {
                eprintln!(
                    "joubun: {} changed since the index was made; updating the index first",
                    corpus.display()
                );
                super::index::summarise(&report);
            }
        }
        Err(e) => eprintln!(
            "joubun: {} changed since the index was made, but the index cannot be updated ({e}); \
             these answers are from the older index (run joubun index)",
            corpus.display()
        ),
    }
    Ok(ClauseIndex::open(path)?)
}

/// Whether any folder or document under `corpus` is `newer`: a file added, removed or renamed changes
/// its folder's time, an edited one its own.
fn files_changed(corpus: &std::path::Path, newer: &dyn Fn(&std::path::Path) -> bool) -> bool {
    walkdir::WalkDir::new(corpus)
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_dir() || crate::corpus::is_document(e.path()))
        .any(|e| newer(e.path()))
}

/// The filter flags as query filters.
pub fn filters(args: &FilterArgs) -> Filters {
    Filters {
        facets: (args.facets().into_iter())
            .map(|(facet, values)| (facet, values.to_vec()))
            .collect(),
        since: args.since.clone(),
        until: args.until.clone(),
        documents: None,
    }
}

fn print_human(
    out: &mut impl Write,
    answer: &Answer,
    offset: usize,
    colour: bool,
) -> std::io::Result<()> {
    let (bold, bold_end, mark, mark_end) = if colour {
        ("\x1b[1m", "\x1b[0m", "\x1b[1;31m", "\x1b[0m")
    } else {
        ("", "", "«", "»")
    };
    for (i, hit) in answer.hits.iter().enumerate() {
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
    writeln!(out, "{} clauses match", answer.total)?;
    for (name, counts) in &answer.facets {
        if counts.is_empty() {
            continue;
        }
        let shown: Vec<String> = counts.iter().map(|(v, n)| format!("{v} {n}")).collect();
        writeln!(out, "  {name}: {}", shown.join(", "))?;
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
