//! `joubun show`: one clause by id, with its source; `--context` shows its whole article around it.

use std::io::Write;

use crate::clause::Clause;
use crate::cli::ShowArgs;
use crate::error::{Error, Result};
use crate::query::Search;

use super::index::open_or_build;
use super::{Outcome, stdout};

/// Runs `joubun show`.
pub fn run(args: &ShowArgs) -> Result<Outcome> {
    let index = open_or_build(&args.location.index, &args.location.corpus)?;
    index.check()?;
    let Some(clause) = Search::by_id(&index, &args.id)? else {
        return Err(Error::Input(format!(
            "no clause has id {:?} (ids are printed by search and export)",
            args.id
        )));
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
            "{marker}{}  {}:{}-{}  {}  {} ¶{}  [{}]",
            c.id,
            c.doc,
            c.line_start,
            c.line_end,
            c.company.as_deref().unwrap_or("-"),
            article,
            c.label.as_deref().unwrap_or("-"),
            c.kind
        )?;
        for line in c.text.lines() {
            writeln!(out, "    {line}")?;
        }
    }
    out.flush()?;
    Ok(Outcome::Success)
}
