//! `joubun check` against item-by-item labels a reader wrote from the policies' text alone, never seeing
//! joubun's output (`tests/fixtures/check-labels.tsv`: the four Japanese policies of the bundled corpus and
//! fifteen of the dev set in `../shared/devset/ja`, or `$JOUBUN_DEVSET/ja`). Prints agreement and, per
//! item, precision and recall of "missing"; run with `--nocapture`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use joubun::check::{self, BUILT_IN, Status};
use joubun::clause::{Clause, parse};
use joubun::corpus;

/// Where a labelled file is: `corpus/…` in this repository, `devset/…` in the shared dev set.
fn source_path(file: &str) -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    match file.strip_prefix("devset/") {
        Some(rest) => std::env::var_os("JOUBUN_DEVSET")
            .map_or_else(|| manifest.join("../shared/devset"), PathBuf::from)
            .join(rest),
        None => manifest.join(file),
    }
}

fn clauses(file: &str) -> Vec<Clause> {
    let path = source_path(file);
    assert!(
        path.exists(),
        "{} is missing: the dev set is needed (set JOUBUN_DEVSET to its folder)",
        path.display()
    );
    let root = path.parent().unwrap();
    let source = corpus::read(&path, root).unwrap();
    let mut clauses = Vec::new();
    parse(&source, None, |c, _| clauses.push(c));
    clauses
}

/// (file, item) → status, as labelled.
fn labels() -> BTreeMap<(String, String), String> {
    include_str!("fixtures/check-labels.tsv")
        .lines()
        .skip(1)
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            ((f[0].to_string(), f[1].to_string()), f[2].to_string())
        })
        .collect()
}

/// (file, item) → status as joubun decides it.
fn decided(labels: &BTreeMap<(String, String), String>) -> BTreeMap<(String, String), Status> {
    let mut files: Vec<&String> = labels.keys().map(|(f, _)| f).collect();
    files.dedup();
    let mut decided = BTreeMap::new();
    for file in files {
        let report = check::check(&clauses(file), &BUILT_IN);
        for finding in report.items {
            decided.insert((file.clone(), finding.item), finding.status);
        }
    }
    decided
}

#[test]
fn the_labels_cover_every_item_of_nineteen_policies() {
    let labels = labels();
    assert_eq!(labels.len(), 19 * BUILT_IN.items.len());
    for (file, item) in labels.keys() {
        assert!(BUILT_IN.item(item).is_some(), "{file}: unknown item {item}");
    }
}

/// Item-level agreement with the labels, and per item how well "missing" is found.
#[test]
fn check_agrees_with_a_readers_labels() {
    let labels = labels();
    let decided = decided(&labels);
    let mut agree = 0;
    let mut per_item: BTreeMap<&str, [usize; 4]> = BTreeMap::new(); // agree, total, tp, fp+fn parts
    let mut missing: BTreeMap<&str, (usize, usize, usize)> = BTreeMap::new(); // tp, fp, fn
    let mut overclaimed = Vec::new();
    for ((file, item), label) in &labels {
        let status = decided[&(file.clone(), item.clone())].name();
        let counts = per_item.entry(item.as_str()).or_default();
        counts[1] += 1;
        if status == label {
            agree += 1;
            counts[0] += 1;
        } else {
            println!("{file}\t{item}\tlabel {label}\tjoubun {status}");
        }
        let m = missing.entry(item.as_str()).or_default();
        match (status == "missing", label == "missing") {
            (true, true) => m.0 += 1,
            (true, false) => m.1 += 1,
            (false, true) => m.2 += 1,
            _ => {}
        }
        if status == "present" && (label == "missing" || label == "na") {
            overclaimed.push(format!("{file} {item}: label {label}"));
        }
    }
    let ratio = |a: usize, b: usize| {
        if b == 0 {
            "-".to_string()
        } else {
            format!("{:.0}%", 100.0 * a as f64 / b as f64)
        }
    };
    println!("item              agree   missing: precision recall (tp/fp/fn)");
    for (item, [a, n, ..]) in &per_item {
        let (tp, fp, fneg) = missing[item];
        println!(
            "{item:<17} {:>5}   {:>6} {:>6}  ({tp}/{fp}/{fneg})",
            ratio(*a, *n),
            ratio(tp, tp + fp),
            ratio(tp, tp + fneg)
        );
    }
    let total = labels.len();
    println!(
        "agreement {agree}/{total} = {}; present where the label says missing or na: {}",
        ratio(agree, total),
        overclaimed.len()
    );
    assert!(
        agree * 100 >= total * 90,
        "agreement {agree}/{total} fell below 90%"
    );
    assert!(
        overclaimed.is_empty(),
        "items called present where the reader found nothing: {overclaimed:#?}"
    );
}
