//! `joubun facets`: how the matching clauses divide by type, company, jurisdiction, language and law.

use std::io::Write;

use crate::cli::FacetsArgs;
use crate::error::{Error, Result};
use crate::index::FACETS;

use super::search::open_search;
use super::{Outcome, stdout};

/// Runs `joubun facets`.
pub fn run(args: &FacetsArgs) -> Result<Outcome> {
    if let Some(field) = &args.field
        && !FACETS.contains(&field.as_str())
    {
        return Err(Error::Input(format!(
            "unknown facet {field:?}; facets are {}",
            FACETS.join(", ")
        )));
    }
    let query = args.query.join(" ");
    let (index, search) = open_search(&args.location, Some(&query), &args.filters)?;
    let mut answer = search.run(&index, 0, 0)?;
    answer
        .facets
        .retain(|name, _| args.field.as_ref().is_none_or(|f| f == name));
    let mut out = stdout();
    if args.json {
        let report = serde_json::json!({ "total": answer.total, "facets": answer.facets });
        writeln!(out, "{report}")?;
    } else {
        writeln!(out, "{} clauses", answer.total)?;
        for name in FACETS.iter().filter(|n| answer.facets.contains_key(**n)) {
            writeln!(out, "{name}")?;
            for (value, count) in &answer.facets[*name] {
                writeln!(out, "  {count:>7}  {value}")?;
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
