//! Golden tests: `parse --json` on the bundled corpus and on fixtures of real document shapes, compared
//! exactly with `tests/golden/*.jsonl`, so that any change to the clause tree shows as a reviewable diff.
//! `JOUBUN_BLESS=1 cargo test --test cli golden` rewrites them.

use std::path::{Path, PathBuf};

use crate::util::{corpus, joubun, stdout_of, succeed};

fn golden_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden")
}

/// Parses `input` and compares the JSON Lines with the golden file `name`, or rewrites it when asked.
fn check(input: &Path, name: &str) {
    let out = succeed(joubun().arg("parse").arg(input).arg("--json"));
    let got = stdout_of(&out);
    let path = golden_dir().join(format!("{name}.jsonl"));
    if std::env::var_os("JOUBUN_BLESS").is_some() {
        std::fs::write(&path, &got).unwrap();
        return;
    }
    let want = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (JOUBUN_BLESS=1 writes it)", path.display()));
    if got != want {
        let first = got
            .lines()
            .zip(want.lines())
            .position(|(g, w)| g != w)
            .unwrap_or(got.lines().count().min(want.lines().count()));
        panic!(
            "{name}: parse output differs from {} at line {}:\n got: {}\nwant: {}\n(JOUBUN_BLESS=1 rewrites it after review)",
            path.display(),
            first + 1,
            got.lines().nth(first).unwrap_or("<end>"),
            want.lines().nth(first).unwrap_or("<end>")
        );
    }
}

#[test]
fn golden_bundled_corpus() {
    for name in ["lnsoft", "heyimg", "livals", "live2d", "english-policy"] {
        check(&corpus().join(format!("{name}.txt")), name);
    }
}

#[test]
fn golden_statute_in_plain_text_form() {
    check(&golden_dir().join("input/appi-excerpt.txt"), "appi-excerpt");
}

#[test]
fn golden_markdown_holding_html_tables_and_lists() {
    check(&golden_dir().join("input/markup.md"), "markup");
}

#[test]
fn golden_articles_of_association_in_markdown() {
    check(
        &golden_dir().join("input/codeforfukui_teikan.md"),
        "codeforfukui_teikan",
    );
}
