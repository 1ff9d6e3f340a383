//! Article-type accuracy on the bundled corpus, against labels a reader gave every clause
//! (`tests/fixtures/types-gold.tsv`). Prints per-type precision and recall; run with `--nocapture`.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use joubun::classify::article_type;
use joubun::clause::{Clause, parse_document};
use joubun::corpus::{self, WalkOptions};

fn corpus_clauses() -> Vec<Clause> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
    let (files, skipped) = corpus::walk(&root, WalkOptions::default());
    assert!(skipped.is_empty(), "{skipped:?}");
    let mut clauses = Vec::new();
    for file in &files {
        parse_document(&corpus::read(file, &root).unwrap(), None, |clause, _| {
            clauses.push(clause)
        });
    }
    clauses
}

fn gold() -> HashMap<String, String> {
    include_str!("fixtures/types-gold.tsv")
        .lines()
        .filter(|l| !l.starts_with('#'))
        .map(|l| {
            let (id, kind) = l.split_once('\t').unwrap();
            (id.to_string(), kind.to_string())
        })
        .collect()
}

#[test]
fn every_clause_has_a_judgment() {
    let gold = gold();
    let clauses = corpus_clauses();
    assert_eq!(
        clauses.len(),
        gold.len(),
        "the corpus and the labels disagree on the clauses"
    );
    for c in &clauses {
        assert!(gold.contains_key(&c.id), "{} has no label", c.id);
    }
}

/// Every article of the corpus gets the type a reader gave it, from its heading or, where the heading
/// names none (「その他」), from its text.
#[test]
fn every_article_gets_its_type() {
    // Keyed by the id of the article's first clause: unheaded sections have no other name.
    let gold: HashMap<String, String> = include_str!("fixtures/article-types-gold.tsv")
        .lines()
        .filter(|l| !l.starts_with('#'))
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            (f[0].to_string(), f[2].to_string())
        })
        .collect();
    let clauses = corpus_clauses();
    let mut wrong = Vec::new();
    let mut checked = 0;
    for run in clauses
        .chunk_by(|a, b| (&a.doc, &a.article, &a.heading) == (&b.doc, &b.article, &b.heading))
    {
        let first = &run[0];
        if first.article.is_none() && first.heading.is_none() && first.id.contains("#0.") {
            continue; // the preamble is typed clause by clause
        }
        let key = &first.id;
        let expected = gold
            .get(key)
            .unwrap_or_else(|| panic!("no label for the article of {key}"));
        let texts: Vec<&str> = run.iter().map(|c| c.text.as_str()).collect();
        let got = article_type(first.heading.as_deref(), &texts).value;
        checked += 1;
        if &got != expected {
            wrong.push(format!(
                "{key} 「{}」: {got}, expected {expected}",
                first.heading.as_deref().unwrap_or("")
            ));
        }
    }
    assert_eq!(checked, gold.len(), "every labelled article was checked");
    assert!(
        wrong.is_empty(),
        "{} of {checked} articles typed wrong:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

#[test]
fn clause_type_accuracy() {
    let gold = gold();
    let clauses = corpus_clauses();
    let mut right = 0;
    let mut per_type: BTreeMap<String, (usize, usize, usize)> = BTreeMap::new(); // (true pos, predicted, gold)
    let mut misses = Vec::new();
    for c in &clauses {
        let expected = &gold[&c.id];
        per_type.entry(c.kind.clone()).or_default().1 += 1;
        per_type.entry(expected.clone()).or_default().2 += 1;
        if &c.kind == expected {
            right += 1;
            per_type.get_mut(expected).unwrap().0 += 1;
        } else {
            misses.push(format!("{}: {} (expected {expected})", c.id, c.kind));
        }
    }
    let accuracy = right as f64 / clauses.len() as f64;
    eprintln!(
        "type accuracy {right}/{} = {:.1}%",
        clauses.len(),
        accuracy * 100.0
    );
    eprintln!("| type | gold | predicted | precision | recall |\n|---|---|---|---|---|");
    for (kind, (tp, predicted, expected)) in &per_type {
        let ratio = |a: usize, b: usize| {
            if b == 0 {
                "-".to_string()
            } else {
                format!("{:.0}%", 100.0 * a as f64 / b as f64)
            }
        };
        eprintln!(
            "| {kind} | {expected} | {predicted} | {} | {} |",
            ratio(*tp, *predicted),
            ratio(*tp, *expected)
        );
    }
    eprintln!("misses:\n{}", misses.join("\n"));
    assert!(
        accuracy >= 0.9,
        "type accuracy fell to {:.1}%:\n{}",
        accuracy * 100.0,
        misses.join("\n")
    );
}
