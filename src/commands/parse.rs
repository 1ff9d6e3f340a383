//! `joubun parse`: the clause tree of a file or folder, as a tree for people or JSON Lines for machines.

use std::io::Write;
use std::path::Path;

use crate::clause::{Clause, CorpusConfig, Explanation, parse_document};
use crate::cli::ParseArgs;
use crate::corpus::{self, WalkOptions};
use crate::error::{Error, Result};
use crate::segment::Level;

use super::{Outcome, stdout};

/// Runs `joubun parse`.
pub fn run(args: &ParseArgs) -> Result<Outcome> {
    if !args.path.exists() {
        return Err(Error::Input(format!(
            "{}: no such file or folder",
            args.path.display()
        )));
    }
    let root = if args.path.is_dir() {
        args.path.clone()
    } else {
        args.path
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default()
    };
    let config = CorpusConfig::load(&root).map_err(Error::Input)?;
    let (files, mut skipped) = corpus::walk(
        &args.path,
        WalkOptions {
            follow_links: args.follow,
        },
    );
    let mut out = stdout();
    let mut clauses_seen = 0;
    for file in &files {
        let source = match corpus::read(file, &root) {
            Ok(source) => source,
            Err(skip) => {
                skipped.push(skip);
                continue;
            }
        };
        let clauses = parse_document(&source, config.files.get(&source.rel_path));
        clauses_seen += clauses.len();
        if args.json {
            for (clause, explanation) in &clauses {
                write_json(&mut out, clause, args.explain.then_some(explanation))?;
            }
        } else {
            write_tree(&mut out, &clauses, args.explain)?;
        }
    }
    out.flush()?;
    for skip in &skipped {
        eprintln!("joubun: skipped {}: {}", skip.path.display(), skip.reason);
    }
    if files.is_empty() && skipped.is_empty() {
        return Err(Error::Input(format!(
            "{}: no documents (.txt .md .markdown .html .htm) found",
            args.path.display()
        )));
    }
    Ok(if clauses_seen > 0 {
        Outcome::Success
    } else {
        Outcome::NothingFound
    })
}

fn write_json(
    out: &mut impl Write,
    clause: &Clause,
    explanation: Option<&Explanation>,
) -> Result<()> {
    let mut value = serde_json::to_value(clause).map_err(std::io::Error::from)?;
    if let (Some(e), Some(map)) = (explanation, value.as_object_mut()) {
        map.insert(
            "explain".to_string(),
            serde_json::to_value(e).map_err(std::io::Error::from)?,
        );
    }
    serde_json::to_writer(&mut *out, &value).map_err(std::io::Error::from)?;
    writeln!(out)?;
    Ok(())
}

fn write_tree(
    out: &mut impl Write,
    clauses: &[(Clause, Explanation)],
    explain: bool,
) -> Result<()> {
    let Some((first, explanation)) = clauses.first() else {
        return Ok(());
    };
    let or_dash = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".to_string());
    let inferred = if first.jurisdictions_inferred {
        " (inferred)"
    } else {
        ""
    };
    writeln!(
        out,
        "{}  company: {}  title: {}  date: {}  jurisdictions: {}{inferred}",
        first.doc,
        or_dash(&first.company),
        or_dash(&first.title),
        or_dash(&first.date),
        first.jurisdictions.join(", ")
    )?;
    if explain {
        writeln!(out, "  company from: {}", explanation.company_cue)?;
        if !explanation.date_cue.is_empty() {
            writeln!(out, "  date from: {}", explanation.date_cue)?;
        }
    }
    let mut article: Option<(Option<String>, Option<String>)> = None;
    for (clause, explanation) in clauses {
        let this = (clause.article.clone(), clause.heading.clone());
        if article.as_ref() != Some(&this) {
            let name = [clause.article.clone(), clause.heading.clone()]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" ");
            let unnamed = if clause.id.contains("#0.") {
                "(preamble)"
            } else {
                "(unheaded section)"
            };
            writeln!(
                out,
                "  {}",
                if name.is_empty() {
                    unnamed.to_string()
                } else {
                    name
                }
            )?;
            article = Some(this);
        }
        let indent = match clause.level {
            Level::Article | Level::Paragraph => "    ",
            Level::Item => "      ",
        };
        let first_line = clause.text.lines().next().unwrap_or("");
        let short: String = first_line.chars().take(60).collect();
        let cites = if clause.cites.is_empty() {
            String::new()
        } else {
            format!(" cites {}", clause.cites.join(", "))
        };
        writeln!(
            out,
            "{indent}{} [{}] {} {}:{}-{}{cites}  {short}{}",
            clause.label.as_deref().unwrap_or("·"),
            clause.kind,
            clause.lang.code(),
            clause.doc,
            clause.line_start,
            clause.line_end,
            if first_line.chars().count() > 60 || clause.text.contains('\n') {
                "…"
            } else {
                ""
            },
        )?;
        if explain {
            writeln!(
                out,
                "{indent}  id {}; type from {}",
                clause.id, explanation.type_cue
            )?;
        }
    }
    Ok(())
}
