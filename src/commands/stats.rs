//! `joubun stats`: what the index holds and which build made it.

use std::io::Write;

use tantivy::time::OffsetDateTime;

use crate::cli::StatsArgs;
use crate::error::{Error, Result};
use crate::query::{Filters, Search};

use super::open::open_or_build;
use super::{Outcome, stdout};

/// Values of each facet listed in the human report, the most frequent; a corpus of thousands of
/// companies made one unreadable line. `--json` and `joubun facets` give them all.
const SHOWN_VALUES: usize = 10;

/// Runs `joubun stats`.
pub fn run(args: &StatsArgs) -> Result<Outcome> {
    let index = open_or_build(&args.location.index, &args.location.corpus)?;
    index.check()?;
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
        writeln!(out, "indexed at    {}", utc(meta.indexed_at))?;
        writeln!(
            out,
            "versions      schema {}, analysis {}, clause rules {}, {}",
            meta.schema_version, meta.analysis_version, meta.rules, meta.dictionary
        )?;
        for (name, counts) in &answer.facets {
            let mut shown: Vec<String> = (counts.iter().take(SHOWN_VALUES))
                .map(|(v, n)| format!("{v} {n}"))
                .collect();
            let more = counts.len().saturating_sub(SHOWN_VALUES);
            if more > 0 {
                shown.push(format!("and {more} more (joubun facets --field {name})"));
            }
            writeln!(out, "{name:<13} {}", shown.join(", "))?;
        }
    }
    out.flush()?;
    Ok(Outcome::Success)
}

/// Seconds since the Unix epoch as a UTC date and time, `2026-11-25 02:18:12 UTC`, through the `time`
/// crate tantivy already uses for its dates.
fn utc(seconds: u64) -> String {
    let time = i64::try_from(seconds)
        .ok()
        .and_then(|s| OffsetDateTime::from_unix_timestamp(s).ok());
    match time {
        Some(t) => format!(
            "{:04}-{:02}-{:02} {:02}:{:02}:{:02} UTC",
            t.year(),
            u8::from(t.month()),
            t.day(),
            t.hour(),
            t.minute(),
            t.second()
        ),
        None => format!("{seconds} (Unix time)"),
    }
}

#[cfg(test)]
mod tests {
    use super::utc;

    #[test]
    fn unix_times_read_as_utc_dates() {
        assert_eq!(utc(0), "1970-01-01 00:00:00 UTC");
        assert_eq!(utc(951_782_400), "2000-02-29 00:00:00 UTC");
        assert_eq!(utc(1_795_573_092), "2026-11-25 02:18:12 UTC");
        assert_eq!(utc(4_107_542_399), "2100-02-28 23:59:59 UTC");
    }
}
