//! `joubun facets`: how the matching clauses divide by type, company, jurisdiction, language and law.

use std::io::Write;

use crate::cli::FacetsArgs;
use crate::error::Result;
use crate::render::counts::FacetReport;

use super::open::{check_filter, open_search};
use super::{Outcome, stdout};

/// Runs `joubun facets`.
pub fn run(args: &FacetsArgs) -> Result<Outcome> {
    let query = args.query.join(" ");
    let (index, search) = open_search(&args.location, Some(&query), &args.filters)?;
    let mut answer = search.run(&index, 0, 0)?;
    answer
        .facets
        .retain(|name, _| args.field.is_none_or(|f| f.name() == name));
    // Asked which policies miss an item, the answer is documents as much as clauses: they are listed,
    // each with how many of its clauses match.
    let documents = match check_filter(&args.filters)? {
        Some(_) => {
            let mut documents = std::collections::BTreeMap::<String, u64>::new();
            search.each_match(&index, |hit| {
                *documents.entry(hit.clause.doc).or_default() += 1;
                Ok(())
            })?;
            Some(documents)
        }
        None => None,
    };
    let mut out = stdout();
    let report = FacetReport {
        total: answer.total,
        facets: &answer.facets,
        documents: documents.as_ref(),
    };
    report.write(&mut out, args.json)?;
    out.flush()?;
    Ok(if answer.total > 0 {
        Outcome::Success
    } else {
        Outcome::NothingFound
    })
}
