//! `joubun parse`: the clause tree of a file or folder, as a tree for people or JSON Lines for machines.

use std::io::{self, Write};
use std::path::Path;

use crate::clause::{Clause, CorpusConfig, Explanation};
use crate::cli::ParseArgs;
use crate::corpus::{self, WalkOptions};
use crate::error::{Error, Result};
use crate::ingest;
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
    let mut tree = Tree::default();
    for file in &files {
        let rel = corpus::relative(file, &root);
        let facts = config.files.get(&rel);
        // Clauses are printed as they come, so a large file is never held as a list of them.
        let mut failed = None;
        let emit = |clause: Clause, explanation: Explanation| {
            clauses_seen += 1;
            if failed.is_none() {
                let written = if args.json {
                    write_json(&mut out, &clause, args.explain.then_some(&explanation))
                } else {
                    tree.write(&mut out, &clause, &explanation, args.explain)
                };
                failed = written.err();
            }
        };
        // Read as `index` reads it: a JSON Lines file streamed, a document whole up to the size limit.
        let problems = match ingest::clauses_of_file(file, &root, facts, emit) {
            Ok(problems) => problems,
            Err(skip) => {
                skipped.push(skip);
                continue;
            }
        };
        if let Some(err) = failed {
            return Err(err.into());
        }
        for problem in problems.iter().take(super::open::SHOWN_BAD_LINES) {
            eprintln!("joubun: {}: {problem} (skipped)", file.display());
        }
        if problems.len() > super::open::SHOWN_BAD_LINES {
            eprintln!(
                "joubun: {}: {} bad lines skipped in all",
                file.display(),
                problems.len()
            );
        }
    }
    out.flush()?;
    for skip in &skipped {
        eprintln!("joubun: skipped {}: {}", skip.path.display(), skip.reason);
    }
    if files.is_empty() && skipped.is_empty() {
        let endings: Vec<String> = corpus::EXTENSIONS.iter().map(|e| format!(".{e}")).collect();
        return Err(Error::Input(format!(
            "{}: no documents ({}) found",
            args.path.display(),
            endings.join(" ")
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
) -> io::Result<()> {
    let mut value = serde_json::to_value(clause)?;
    if let (Some(e), Some(map)) = (explanation, value.as_object_mut()) {
        map.insert("explain".to_string(), serde_json::to_value(e)?);
    }
    serde_json::to_writer(&mut *out, &value)?;
    writeln!(out)
}

/// The human view: a header per document and per article, then one line per clause.
#[derive(Default)]
struct Tree {
    doc: Option<String>,
    chapter: Option<String>,
    article: Option<(Option<String>, Option<String>)>,
}

impl Tree {
    fn write(
        &mut self,
        out: &mut impl Write,
        clause: &Clause,
        explanation: &Explanation,
        explain: bool,
    ) -> io::Result<()> {
        let or_dash = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".to_string());
        if self.doc.as_ref() != Some(&clause.doc) {
            let inferred = if clause.jurisdictions_inferred {
                " (inferred)"
            } else {
                ""
            };
            writeln!(
                out,
                "{}  company: {}  title: {}  date: {}  jurisdictions: {}{inferred}",
                clause.doc,
                or_dash(&clause.company),
                or_dash(&clause.title),
                or_dash(&clause.date),
                clause.jurisdictions.join(", ")
            )?;
            if explain {
                writeln!(out, "  company from: {}", explanation.company_cue)?;
                if !explanation.date_cue.is_empty() {
                    writeln!(out, "  date from: {}", explanation.date_cue)?;
                }
            }
            self.doc = Some(clause.doc.clone());
            self.chapter = None;
            self.article = None;
        }
        if clause.chapter.is_some() && self.chapter != clause.chapter {
            writeln!(out, "  [{}]", clause.chapter.as_deref().unwrap_or_default())?;
            self.chapter = clause.chapter.clone();
        }
        let article = (clause.article.clone(), clause.heading.clone());
        if self.article.as_ref() != Some(&article) {
            let name = clause.article_name();
            let unnamed = if clause.id.contains("#0.") {
                "(preamble)"
            } else {
                "(unheaded section)"
            };
            writeln!(out, "  {}", if name.is_empty() { unnamed } else { &name })?;
            self.article = Some(article);
        }
        let indent = match clause.level {
            Level::Article | Level::Paragraph => "    ",
            Level::Item => "      ",
        };
        let first_line = clause.text.lines().next().unwrap_or("");
        let short: String = first_line.chars().take(60).collect();
        let more = if first_line.chars().count() > 60 || clause.text.contains('\n') {
            "…"
        } else {
            ""
        };
        let cites = if clause.cites.is_empty() {
            String::new()
        } else {
            format!(" cites {}", clause.cites.join(", "))
        };
        writeln!(
            out,
            "{indent}{} {} [{}] {} {}:{}-{}{cites}  {short}{more}",
            clause.label.as_deref().unwrap_or("·"),
            if clause.cite.is_empty() {
                "-"
            } else {
                &clause.cite
            },
            clause.kind,
            clause.lang.code(),
            clause.doc,
            clause.line_start,
            clause.line_end,
        )?;
        if explain {
            writeln!(
                out,
                "{indent}  id {}; type from {}",
                clause.id, explanation.type_cue
            )?;
        }
        Ok(())
    }
}
