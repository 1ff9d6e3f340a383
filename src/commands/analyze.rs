//! `joubun analyze`: every term an analyser produces, with surface, base form, part of speech and offsets.

use std::io::{Read, Write};

use serde::Serialize;

use crate::analysis::Term;
use crate::cli::AnalyzeArgs;
use crate::error::{Error, Result};
use crate::text::{PIECE_BYTES, pieces};

use super::{Outcome, finish, stdout};

/// A term as `analyze` reports it: the original surface beside what is indexed.
#[derive(Serialize)]
struct Row<'a> {
    surface: &'a str,
    #[serde(flatten)]
    term: &'a Term,
}

/// Runs `joubun analyze`.
///
/// A long text is analysed in pieces of at most [`PIECE_BYTES`], cut at sentence ends, and each piece's
/// terms are written before the next is analysed: memory stays bounded whatever the input's size.
/// Offsets and positions run on across pieces, as if the text had been analysed whole.
pub fn run(args: &AnalyzeArgs) -> Result<Outcome> {
    let text = match args.text.as_deref() {
        Some(text) if text != "-" => text.to_string(),
        _ => read_stdin()?,
    };
    let mut out = stdout();
    if args.json {
        write!(
            out,
            "{{\n  \"analyzer\": \"{}\",\n  \"tokens\": [",
            args.analyzer.name()
        )?;
    } else {
        writeln!(
            out,
            "pos\tsurface\tterm\tbase_form\tpart_of_speech\treading\tbytes"
        )?;
    }
    let mut first_position = 0;
    let mut written = 0usize;
    for piece in pieces(&text, PIECE_BYTES) {
        let mut terms = args.analyzer.analyze(&text[piece.clone()], true);
        let mut next_position = first_position;
        for term in &mut terms {
            term.start += piece.start;
            term.end += piece.start;
            term.position += first_position;
            next_position = next_position.max(term.position + 1);
        }
        first_position = next_position;
        for term in &terms {
            let surface = &text[term.start..term.end];
            if args.json {
                out.write_all(if written == 0 { b"\n    " } else { b",\n    " })?;
                serde_json::to_writer(&mut out, &Row { surface, term })
                    .map_err(std::io::Error::from)?;
            } else {
                write_row(&mut out, surface, term)?;
            }
            written += 1;
        }
    }
    if args.json {
        writeln!(out, "\n  ]\n}}")?;
    }
    finish(out)
}

/// One term as a line of the table.
fn write_row(out: &mut impl Write, surface: &str, t: &Term) -> std::io::Result<()> {
    let or_dash = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".into());
    writeln!(
        out,
        "{}\t{}\t{}\t{}\t{}\t{}\t{}..{}",
        t.position,
        printable(surface),
        printable(&t.text),
        or_dash(&t.base_form),
        or_dash(&t.part_of_speech),
        or_dash(&t.reading),
        t.start,
        t.end
    )
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
