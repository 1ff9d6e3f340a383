//! `joubun stats`: what the index holds and which build made it.

use std::io::Write;

use crate::cli::StatsArgs;
use crate::error::{Error, Result};
use crate::query::{Filters, Search};

use super::index::open_or_build;
use super::{Outcome, stdout};

/// Values of each facet listed in the human report, the most frequent; a corpus of thousands of
/// companies made one unreadable line. `--json` and `joubun facets` give them all.
const SHOWN_VALUES: usize = 10;

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
            if let Some(more) = counts.len().checked_sub(SHOWN_VALUES).filter(|&n| n > 0) {
                shown.push(format!("and {more} more (joubun facets --field {name})"));
            }
            writeln!(out, "{name:<13} {}", shown.join(", "))?;
        }
    }
    out.flush()?;
    Ok(Outcome::Success)
}

/// Seconds since the Unix epoch as a UTC date and time, `2026-11-25 02:18:12 UTC`.
fn utc(seconds: u64) -> String {
    let (days, time) = (seconds / 86_400, seconds % 86_400);
    // Howard Hinnant's civil_from_days, for days on or after 1970-01-01.
    let z = days + 719_468;
    let era = z / 146_097;
    let day_of_era = z % 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1_460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let shifted_month = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * shifted_month + 2) / 5 + 1;
    let month = if shifted_month < 10 {
        shifted_month + 3
    } else {
        shifted_month - 9
    };
    let year = year_of_era + era * 400 + u64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02} UTC",
        time / 3_600,
        time % 3_600 / 60,
        time % 60
    )
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
