//! `joubun check`: each privacy policy, item by item, against what the APPI requires it to make known.
//!
//! Documents come parsed on the fly from PATH (like `joubun parse`) or from the index; the filters choose
//! documents (a document is checked when any of its clauses passes them). Exits like a linter: 0 when every
//! applicable item is present, 1 when any is weak or missing, 2 on error.

use std::path::Path;

use crate::check::filter::CheckFilter;
use crate::check::render::{self as check_render, Format};
use crate::check::{self, BUILT_IN, DocumentCheck, Rules};
use crate::clause::{Clause, CorpusConfig};
use crate::cli::{CheckArgs, CheckFormat, FilterArgs};
use crate::corpus::{self, WalkOptions};
use crate::error::{Error, Result};
use crate::ingest;
use crate::query::Search;
use crate::render::{self, table::format_from_extension};

use super::Outcome;
use super::open::open_search;
use super::output::{refuse_inside_corpus, write_to};

/// Runs `joubun check`.
pub fn run(args: &CheckArgs) -> Result<Outcome> {
    let custom;
    let rules: &Rules = match &args.rules {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| Error::Input(format!("{}: {e}", path.display())))?;
            custom = Rules::from_toml(&text)
                .map_err(|e| Error::Input(format!("{}: {e}", path.display())))?;
            &custom
        }
        None => &BUILT_IN,
    };
    let by_check = CheckFilter::new(
        rules,
        &args.filters.missing,
        &args.filters.weak,
        &args.filters.present,
    )
    .map_err(Error::Input)?;
    let output = args.output.as_deref().filter(|p| *p != Path::new("-"));
    let format = match (args.format, output) {
        (Some(format), _) => format,
        (None, Some(path)) => format_from_extension(path).map_err(Error::Input)?,
        (None, None) => CheckFormat::Table,
    };
    let format = match format {
        CheckFormat::Table => Format::Table,
        CheckFormat::Json => Format::Json,
        CheckFormat::Md => Format::Md,
        CheckFormat::Csv => Format::Rows(render::Format::Csv),
        CheckFormat::Tsv => Format::Rows(render::Format::Tsv),
        CheckFormat::Xlsx => Format::Rows(render::Format::Xlsx),
    };
    if let Some(path) = output {
        let walked = args.path.as_deref().filter(|p| p.is_dir());
        let corpora: Vec<&Path> = [Some(args.location.corpus.as_path()), walked]
            .into_iter()
            .flatten()
            .collect();
        refuse_inside_corpus(path, &corpora)?;
    }
    let (documents, unread) = match &args.path {
        Some(path) => from_files(path, args)?,
        None => (from_index(args)?, 0),
    };
    let checks: Vec<DocumentCheck> = documents
        .iter()
        .map(|clauses| check::check(clauses, rules))
        .filter(|c| by_check.as_ref().is_none_or(|f| f.keeps_check(c)))
        .collect();
    if checks.is_empty() {
        return Err(Error::Input(match unread {
            0 => "no privacy policy matches the filters".to_string(),
            _ => format!(
                "{unread} file(s) could not be read (listed above); no other policy was checked"
            ),
        }));
    }
    let binary = format == Format::Rows(render::Format::Xlsx);
    write_to(output, args.force, binary, |out, scratch| {
        if args.summary {
            check_render::summary(out, &checks, rules, format, scratch)?;
        } else {
            check_render::findings(out, &checks, rules, format, args.explain, scratch)?;
        }
        Ok(())
    })?;
    if let Some(path) = output {
        eprintln!(
            "joubun: wrote the check of {} document(s) to {}",
            checks.len(),
            path.display()
        );
    }
    if unread > 0 {
        return Err(Error::Input(format!(
            "{unread} file(s) could not be read (listed above) and were not checked"
        )));
    }
    // Exit 1, as a linter that found problems, when any counted item is weak or missing.
    Ok(if checks.iter().any(DocumentCheck::fails) {
        Outcome::NothingFound
    } else {
        Outcome::Success
    })
}

/// The documents under `path`, parsed, with how many files could not be read (reported on stderr). A
/// folder's documents that do not read as privacy policies are passed over; a file named is always checked.
fn from_files(path: &Path, args: &CheckArgs) -> Result<(Vec<Vec<Clause>>, usize)> {
    if !path.exists() {
        return Err(Error::Input(format!(
            "{}: no such file or folder",
            path.display()
        )));
    }
    let root = if path.is_dir() {
        path.to_path_buf()
    } else {
        path.parent().map(Path::to_path_buf).unwrap_or_default()
    };
    let config = CorpusConfig::load(&root).map_err(Error::Input)?;
    let (files, skipped) = corpus::walk(
        path,
        WalkOptions {
            follow_links: args.follow,
        },
    );
    let mut unread = skipped.len();
    for skip in &skipped {
        eprintln!("joubun: skipped {}: {}", skip.path.display(), skip.reason);
    }
    let mut documents = Vec::new();
    for file in &files {
        let mut clauses = Vec::new();
        let facts = config.files.get(&corpus::relative(file, &root));
        let problems =
            match ingest::clauses_of_file(file, &root, facts, |clause, _| clauses.push(clause)) {
                Ok(problems) => problems,
                Err(skip) => {
                    eprintln!("joubun: skipped {}: {}", skip.path.display(), skip.reason);
                    unread += 1;
                    continue;
                }
            };
        for problem in problems {
            eprintln!("joubun: {}: {problem} (skipped)", file.display());
        }
        if clauses.is_empty() || !clauses.iter().any(|c| passes(c, &args.filters)) {
            continue;
        }
        if path.is_dir() && !check::is_privacy_policy(&clauses) {
            eprintln!(
                "joubun: {}: not a privacy policy, not checked (name the file to check it)",
                file.display()
            );
            continue;
        }
        documents.push(clauses);
    }
    if files.is_empty() && skipped.is_empty() {
        return Err(Error::Input(format!(
            "{}: no documents (.txt .md .markdown .html .htm) found",
            path.display()
        )));
    }
    Ok((documents, unread))
}

/// The documents of the index that have a clause passing the filters, each whole, in path order.
fn from_index(args: &CheckArgs) -> Result<Vec<Vec<Clause>>> {
    // Check filters are applied by `run`, under the checklist in use.
    let filters = FilterArgs {
        missing: Vec::new(),
        weak: Vec::new(),
        present: Vec::new(),
        ..args.filters.clone()
    };
    let (index, search) = open_search(&args.location, None, &filters)?;
    let mut docs = std::collections::BTreeSet::new();
    search.each_match(&index, |hit| {
        docs.insert(hit.clause.doc);
        Ok(())
    })?;
    let mut documents = Vec::new();
    for doc in docs {
        let clauses = Search::document(&index, &doc)?;
        if check::is_privacy_policy(&clauses) {
            documents.push(clauses);
        }
    }
    Ok(documents)
}

/// Whether a clause parsed on the fly passes the filter flags, as the index would filter it: under
/// any of the values it is filed under, the dates inclusive.
fn passes(clause: &Clause, filters: &FilterArgs) -> bool {
    let filed = filters.facets().into_iter().all(|(facet, typed)| {
        let values = facet.values_of(clause);
        typed.is_empty()
            || typed
                .iter()
                .any(|t| values.iter().any(|v| facet.accepts(t, v)))
    });
    let date = clause.date.as_deref();
    filed
        && (filters.since.as_deref()).is_none_or(|since| date.is_some_and(|d| d >= since))
        && (filters.until.as_deref()).is_none_or(|until| date.is_some_and(|d| d <= until))
}
