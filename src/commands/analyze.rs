//! `joubun analyze`: every term an analyser produces, with surface, base form, part of speech and offsets.

use std::io::{Read, Write};

use serde::Serialize;

use crate::analysis::Term;
use crate::cli::AnalyzeArgs;
use crate::error::{Error, Result};

use super::{Outcome, finish, stdout};

/// A term as `analyze` reports it: the original surface beside what is indexed.
#[derive(Serialize)]
struct Row<'a> {
    surface: &'a str,
    #[serde(flatten)]
    term: &'a Term,
}

/// Runs `joubun analyze`.
pub fn run(args: &AnalyzeArgs) -> Result<Outcome> {
    let text = match args.text.as_deref() {
        Some(text) if text != "-" => text.to_string(),
        _ => read_stdin()?,
    };
    let terms = args.analyzer.analyze(&text, true);
    let rows = terms.iter().map(|term| Row {
        surface: &text[term.start..term.end],
        term,
    });
    let mut out = stdout();
    if args.json {
        #[derive(Serialize)]
        struct Report<'a> {
            analyzer: &'static str,
            tokens: Vec<Row<'a>>,
        }
        let report = Report {
            analyzer: args.analyzer.name(),
            tokens: rows.collect(),
        };
        serde_json::to_writer_pretty(&mut out, &report).map_err(std::io::Error::from)?;
        writeln!(out)?;
    } else {
        writeln!(
            out,
            "pos\tsurface\tterm\tbase_form\tpart_of_speech\treading\tbytes"
        )?;
        for row in rows {
            let t = row.term;
            let or_dash = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".into());
            writeln!(
                out,
                "{}\t{}\t{}\t{}\t{}\t{}\t{}..{}",
                t.position,
                printable(row.surface),
                printable(&t.text),
                or_dash(&t.base_form),
                or_dash(&t.part_of_speech),
                or_dash(&t.reading),
                t.start,
                t.end
            )?;
        }
    }
    finish(out)
}

fn read_stdin() -> Result<String> {
    let mut bytes = Vec::new();
    std::io::stdin()
        .read_to_end(&mut bytes)
        .map_err(|e| Error::Input(format!("cannot read stdin: {e}")))?;
    String::from_utf8(bytes).map_err(|e| {
        Error::Input(format!(
            "stdin is not valid UTF-8 (first bad byte at offset {}); convert it first, e.g. with iconv",
            e.utf8_error().valid_up_to()
        ))
    })
}

/// Control characters would break the table; show them escaped.
fn printable(s: &str) -> String {
    if s.chars().any(char::is_control) {
        s.escape_debug().to_string()
    } else {
        s.to_string()
    }
}
