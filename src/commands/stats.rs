//! `joubun stats`: what the index holds and which build made it.

use std::io::Write;

use crate::cli::StatsArgs;
use crate::error::{Error, Result};
use crate::query::{Filters, Search};

use super::index::open_or_build;
use super::{Outcome, stdout};

/// Runs `joubun stats`.
pub fn run(args: &StatsArgs) -> Result<Outcome> {
    let index = open_or_build(&args.location.index, &args.location.corpus)?;
    let answer = Search::new(&index, "", &Filters::default())?.run(&index, 0, 0)?;
    let entries = std::fs::read_dir(&args.location.index)
        .map_err(|e| Error::Input(format!("{}: {e}", args.location.index.display())))?;
    let bytes: u64 = entries
        .flatten()
        .filter_map(|e| e.metadata().ok())
        .filter(|m| m.is_file())
        .map(|m| m.len())
        .sum();
    let meta = &index.meta;
    let report = serde_json::json!({
        "documents": meta.documents,
        "clauses": answer.total,
        "index_bytes": bytes,
        "corpus": meta.corpus,
        "indexed_at": meta.indexed_at,
        "schema_version": meta.schema_version,
        "analysis_version": meta.analysis_version,
        "dictionary": meta.dictionary,
        "rules_version": meta.rules,
        "facets": answer.facets,
    });
    let mut out = stdout();
    if args.json {
        writeln!(out, "{report}")?;
    } else {
        writeln!(out, "documents     {}", meta.documents)?;
        writeln!(out, "clauses       {}", answer.total)?;
        writeln!(
            out,
            "index size    {:.1} MB ({})",
            bytes as f64 / 1e6,
            args.location.index.display()
        )?;
        writeln!(out, "corpus        {}", meta.corpus.display())?;
        writeln!(out, "indexed at    {} (Unix time)", meta.indexed_at)?;
        writeln!(
            out,
            "versions      schema {}, analysis {}, clause rules {}, {}",
            meta.schema_version, meta.analysis_version, meta.rules, meta.dictionary
        )?;
        for (name, counts) in &answer.facets {
            let shown: Vec<String> = counts.iter().map(|(v, n)| format!("{v} {n}")).collect();
            writeln!(out, "{name:<13} {}", shown.join(", "))?;
        }
    }
    out.flush()?;
    Ok(Outcome::Success)
}
