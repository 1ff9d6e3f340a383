//! `joubun facets`: how the matching clauses divide by type, company, jurisdiction, language and law.

use std::io::Write;

use crate::cli::FacetsArgs;
use crate::error::Result;
use crate::facet::Facet;

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
    if args.json {
        let mut report = serde_json::json!({ "total": answer.total, "facets": answer.facets });
        if let Some(documents) = &documents {
            report["documents"] = serde_json::json!(documents);
        }
        writeln!(out, "{report}")?;
    } else {
        match &documents {
            Some(documents) => writeln!(
                out,
                "{} clauses in {} documents",
                answer.total,
                documents.len()
            )?,
            None => writeln!(out, "{} clauses", answer.total)?,
        }
        for facet in Facet::ALL {
            let Some(counts) = answer.facets.get(facet.name()) else {
                continue;
            };
            writeln!(out, "{}", facet.name())?;
            for (value, count) in counts {
                writeln!(out, "  {count:>7}  {value}")?;
            }
        }
        if let Some(documents) = &documents {
            writeln!(out, "document")?;
            for (doc, count) in documents {
                writeln!(out, "  {count:>7}  {doc}")?;
            }
        }
    }
    out.flush()?;
    Ok(if answer.total > 0 {
        Outcome::Success
    } else {
        Outcome::NothingFound
    })
}
