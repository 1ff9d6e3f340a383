//! `joubun show`: one clause by id, with its source; `--context` shows its whole article around it.

use std::io::Write;

use unicode_normalization::UnicodeNormalization;

use crate::clause::Clause;
use crate::cli::ShowArgs;
use crate::error::{Error, Result};
use crate::index::ClauseIndex;
use crate::query::Search;

use super::open::open_or_build;
use super::{Outcome, stdout};

/// Runs `joubun show`.
pub fn run(args: &ShowArgs) -> Result<Outcome> {
    let index = open_or_build(&args.location.index, &args.location.corpus)?;
    index.check()?;
    let clause = match &args.cite {
        None => Search::by_id(&index, &args.id)?.ok_or_else(|| {
            Error::Input(format!(
                "no clause has id {:?} (ids are printed by search and export)",
                args.id
            ))
        })?,
        Some(cite) => by_cite(&index, &args.id, cite)?,
    };
    let shown: Vec<Clause> = if args.context {
        Search::document(&index, &clause.doc)?
            .into_iter()
            .filter(|c| (&c.article, &c.heading) == (&clause.article, &clause.heading))
            .collect()
    } else {
        vec![clause.clone()]
    };
    let mut out = stdout();
    for c in &shown {
        if args.json {
            serde_json::to_writer(&mut out, c).map_err(std::io::Error::from)?;
            writeln!(out)?;
            continue;
        }
        let marker = if args.context && c.id == clause.id {
            "▶ "
        } else {
            "  "
        };
        let article = c.article_name();
        writeln!(
            out,
            "{marker}{}  {}  {}:{}-{}  {}  {} ¶{}  [{}]",
            c.id,
            c.citation(),
            c.doc,
            c.line_start,
            c.line_end,
            c.company.as_deref().unwrap_or("-"),
            article,
            c.label.as_deref().unwrap_or("-"),
            c.kind
        )?;
        if let Some(chapter) = &c.chapter {
            writeln!(out, "    in {chapter}")?;
        }
        for line in c.text.lines() {
            writeln!(out, "    {line}")?;
        }
    }
    out.flush()?;
    Ok(Outcome::Success)
}

/// The clause of document `doc` (an id's stem or the document's path) cited as `cite`.
fn by_cite(index: &ClauseIndex, doc: &str, cite: &str) -> Result<Clause> {
    let mut clauses = Search::document(index, doc)?;
    if clauses.is_empty() {
        clauses = Search::document_by_stem(index, doc)?;
    }
    if clauses.is_empty() {
        return Err(Error::Input(format!(
            "no document {doc:?} in the index (name it as ids begin, or by its path)"
        )));
    }
    let wanted = normalize_cite(cite);
    match clauses.iter().find(|c| normalize_cite(&c.cite) == wanted) {
        Some(clause) => Ok(clause.clone()),
        None => {
            let known: Vec<&str> = clauses.iter().take(5).map(|c| c.cite.as_str()).collect();
            Err(Error::Input(format!(
                "{doc} has no clause cited {cite:?} (its citations look like: {})",
                known.join(", ")
            )))
        }
    }
}

/// A citation compared without width or spaces: `第１２条 第２項` is `第12条第2項`.
fn normalize_cite(cite: &str) -> String {
    cite.nfkc().filter(|c| !c.is_whitespace()).collect()
}
