//! `joubun search`: ranked clauses with highlighted snippets and facet counts, for people or as JSON Lines.

use std::io::Write;

use crate::cli::SearchArgs;
use crate::error::Result;
use crate::render::{ArticleGroups, HitPrinter};

use super::open::open_search;
use super::{Outcome, stdout};

/// Values of each facet summarised under the hits, the most frequent (Elasticsearch's terms
/// aggregation shows ten too); `joubun facets` lists them all.
const SUMMARY_VALUES: usize = 10;

/// How many hits are read to fill each article group: grouping looks further down the ranking than the
/// page it shows.
const HITS_PER_GROUP: usize = 20;

/// Most hits read for grouping, whatever the page: each is held in memory with its clause text.
const MAX_GROUPED_HITS: usize = 20_000;

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
    let printer = HitPrinter::new(args.json, args.color.enabled());
    let mut out = stdout();
    let total = match args.by {
        Some(_) => {
            let wanted = ((args.offset + args.limit) * HITS_PER_GROUP).min(MAX_GROUPED_HITS);
            let answer = search.run(&index, wanted, 0)?;
            let groups = ArticleGroups::of(&answer, wanted);
            printer.groups(&mut out, &groups, args.offset, args.limit)?;
            answer.total
        }
        None => {
            let answer = search.run(&index, args.limit, args.offset)?;
            printer.answer(&mut out, &answer, args.offset)?;
            answer.total
        }
    };
    out.flush()?;
    // The process ends here: unmapping every segment file one by one, while the search threads
    // still run, took a twentieth of a search; the exiting process drops them at once.
    std::mem::forget(index);
    Ok(if total > 0 {
        Outcome::Success
    } else {
        Outcome::NothingFound
    })
}
