//! Lawyers' proximity operators (`/s`, `/p`, `/N`) and English as lawyers type it, through
//! `joubun search`.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use predicates::prelude::*;
use serde_json::Value;

use crate::util::{corpus, index_into, joubun, json_lines, json_search, succeed};

/// Hits and summary of a JSON search; fails unless the search ran (exit 0 or 1).
fn search(index: &Path, args: &[&str]) -> (Vec<Value>, Value) {
    let (mut lines, summary) = json_search(index, args, &["--limit", "1000", "--no-update"]);
    // Clauses holding only some of several words follow, marked; the operators' answer is the rest.
    lines.retain(|hit| hit["partial"] == false);
    assert_eq!(
        summary["total"].as_u64().unwrap() as usize,
        lines.len(),
        "{args:?}: the total counts the clauses shown"
    );
    (lines, summary)
}

fn text(hit: &Value) -> &str {
    hit["text"].as_str().unwrap()
}

/// The ids a JSON Lines corpus gave its hits.
fn ids(hits: &[Value]) -> BTreeSet<String> {
    hits.iter()
        .map(|h| {
            let id = h["id"].as_str().unwrap();
            id.strip_prefix("clauses.jsonl#").unwrap_or(id).to_string()
        })
        .collect()
}

/// The sum of one facet's counts in a summary: a clause has one language, so this is its total.
fn lang_total(summary: &Value) -> u64 {
    summary["facets"]["lang"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v[1].as_u64().unwrap())
        .sum()
}

/// An index of one JSON Lines file of `lines` in `dir`.
fn index_of_clauses(dir: &Path, lines: &[&str]) -> PathBuf {
    let corpus = dir.join("corpus");
    std::fs::create_dir(&corpus).unwrap();
    std::fs::write(corpus.join("clauses.jsonl"), lines.join("\n")).unwrap();
    let index = dir.join("index");
    index_into(&corpus, &index);
    index
}

/// Japanese sentences of `text`, as a reader splits them.
fn japanese_sentences(text: &str) -> Vec<&str> {
    text.split_inclusive(['。', '！', '？']).collect()
}

#[test]
fn operators_keep_only_clauses_where_the_words_stand_close() {
    let dir = tempfile::tempdir().unwrap();
    let index = index_of_clauses(
        dir.path(),
        &[
            r#"{"id":"apart","text":"We sell personal information to advertisers. We obtain your consent first.","company":"A"}"#,
            r#"{"id":"together","text":"We obtain your consent before we sell data, e.g. names. Nothing else.","company":"B"}"#,
            r#"{"id":"ja-apart","text":"当社は第三者に個人データを提供します。本人の同意を得ます。","company":"A"}"#,
            r#"{"id":"ja-together","text":"本人の同意を得て、第三者に提供します。","company":"B"}"#,
        ],
    );
    let found = |args: &[&str]| ids(&search(&index, args).0);
    let set = |ids: &[&str]| ids.iter().map(|s| s.to_string()).collect::<BTreeSet<_>>();
    // One sentence, against one clause; "e.g." ends no sentence.
    assert_eq!(found(&["sell /s consent"]), set(&["together"]));
    assert_eq!(found(&["sell /p consent"]), set(&["apart", "together"]));
    assert_eq!(found(&["sell w/s consent"]), set(&["together"]), "Lexis");
    assert_eq!(found(&["第三者 /s 同意"]), set(&["ja-together"]));
    assert_eq!(
        found(&["第三者 ／ｓ 同意"]),
        set(&["ja-together"]),
        "as an IME types it"
    );
    assert_eq!(
        found(&["第三者 /p 同意"]),
        set(&["ja-apart", "ja-together"])
    );
    // Within N words, either order: sell personal information is two apart.
    assert_eq!(found(&["sell /2 information"]), set(&["apart"]));
    assert_eq!(found(&["information /2 sell"]), set(&["apart"]));
    assert!(found(&["sell /1 information"]).is_empty());
    // Japanese counts morphemes, particles included: 第三者 に 提供 is two apart.
    assert_eq!(found(&["第三者 /2 提供"]), set(&["ja-together"]));
    assert!(found(&["第三者 /1 提供"]).is_empty());
    // A chain: each operator between its neighbours, on the same occurrences.
    assert_eq!(found(&["同意 /s 第三者 /2 提供"]), set(&["ja-together"]));
    // OR binds tighter than an operator, quoted phrases and other words combine, filters apply.
    assert_eq!(
        found(&["sell /s consent OR advertisers"]),
        set(&["apart", "together"])
    );
    assert_eq!(found(&["\"第三者に提供\" /s 同意"]), set(&["ja-together"]));
    assert_eq!(
        found(&["\"personal information\" /3 sell"]),
        set(&["apart"])
    );
    assert!(found(&["sell /s consent advertisers"]).is_empty());
    assert_eq!(
        found(&["第三者 /p 同意", "--company", "A"]),
        set(&["ja-apart"])
    );
    // Highlights mark the occurrences that satisfy the operator.
    let (hits, _) = search(&index, &["sell /s consent"]);
    let hit = &hits[0];
    let marked: Vec<&str> = hit["highlights"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| &text(hit)[r[0].as_u64().unwrap() as usize..r[1].as_u64().unwrap() as usize])
        .collect();
    assert_eq!(marked, ["consent", "sell"]);
    // Nothing standing close is nothing found, exit 1.
    joubun()
        .args(["search", "sell /1 consent", "--no-update", "--index"])
        .arg(&index)
        .assert()
        .code(1);
}

#[test]
fn operators_on_the_bundled_corpus_count_only_what_holds() {
    let dir = tempfile::tempdir().unwrap();
    index_into(corpus(), dir.path());
    let index = dir.path();
    let (and, _) = search(index, &["第三者 提供"]);
    let (sentence, summary) = search(index, &["第三者 /s 提供"]);
    assert!(!sentence.is_empty() && sentence.len() < and.len());
    assert_eq!(
        lang_total(&summary) as usize,
        sentence.len(),
        "facets count the same clauses"
    );
    for hit in &sentence {
        assert!(
            japanese_sentences(text(hit))
                .iter()
                .any(|s| s.contains("第三者") && s.contains("提供")),
            "not in one sentence: {}",
            text(hit)
        );
    }
    let (clause, _) = search(index, &["第三者 /p 提供"]);
    assert!(clause.len() >= sentence.len() && clause.len() <= and.len());
    assert!(
        clause
            .iter()
            .all(|h| text(h).contains("第三者") && text(h).contains("提供"))
    );
    // Combined with another word: (第三者 /s 提供) and 同意, which stands for 承諾 too.
    let (consent, _) = search(index, &["第三者 /s 提供 同意"]);
    assert!(!consent.is_empty() && consent.len() < sentence.len());
    assert!(
        consent
            .iter()
            .all(|h| text(h).contains("同意") || text(h).contains("承諾"))
    );
    // With a filter, and through export, the same clauses.
    let (lnsoft, _) = search(index, &["第三者 /s 提供", "--company", "lnsoft"]);
    assert!(!lnsoft.is_empty() && lnsoft.iter().all(|h| h["company"] == "LNSOFT"));
    assert!(lnsoft.len() < sentence.len());
    let out = succeed(
        joubun()
            .args([
                "export",
                "第三者 /s 提供",
                "--format",
                "jsonl",
                "--no-update",
                "--index",
            ])
            .arg(index),
    );
    assert_eq!(json_lines(&out).len(), sentence.len());
    // English words within N words of each other.
    let (near, _) = search(index, &["personal /3 information"]);
    assert!(!near.is_empty());
    for hit in &near {
        let words: Vec<String> = text(hit)
            .split(|c: char| !c.is_ascii_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(str::to_lowercase)
            .collect();
        // The stemmer makes personal and persons one word, as it makes information and inform.
        let at = |stem: &str| {
            (words.iter().enumerate())
                .filter(|(_, x)| x.starts_with(stem))
                .map(|(i, _)| i)
                .collect::<Vec<_>>()
        };
        let close = at("person")
            .iter()
            .any(|&p| at("inform").iter().any(|&i| p.abs_diff(i) <= 3));
        assert!(close, "{}", text(hit));
    }
    // --explain says how the operator was read.
    let out = succeed(
        joubun()
            .args([
                "search",
                "第三者 /s 提供",
                "--explain",
                "--no-update",
                "--index",
            ])
            .arg(index),
    );
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("第三者 and 提供 in one sentence"),
        "{stderr}"
    );
}

#[test]
fn malformed_operators_are_errors_naming_the_query_and_slashes_in_words_are_not_operators() {
    let dir = tempfile::tempdir().unwrap();
    index_into(corpus(), dir.path());
    let index = dir.path();
    for (query, says) in [
        ("第三者 /s", "needs a word"),
        ("/3 提供", "needs a word"),
        ("/0", "counted from 1"),
        ("第三者 /0 提供", "counted from 1"),
        ("第三者 /s /3 提供", "needs a word"),
        ("第三者 OR /s 提供", "needs a word"),
        ("type:cookie /s Google", "no words to find"),
        ("-Google /s Cookie", "excludes"),
        ("(第三者 /s 提供) OR 委託", "inside ( )"),
        ("the /s privacy", "stop word"),
    ] {
        let out = joubun()
            .args(["search", query, "--no-update", "--index"])
            .arg(index)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{query}");
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert!(stderr.contains(says), "{query}: {stderr}");
        assert!(stderr.contains(query), "names the query: {stderr}");
    }
    // and/or is a word with a slash, as before.
    let (hits, _) = search(index, &["and/or"]);
    assert!(!hits.is_empty());
    assert!(hits.iter().all(|h| text(h).contains("and/or")));
    // So is a quoted address.
    let (hits, _) = search(index, &["\"tools.google.com/dlpage/gaoptout\""]);
    assert!(!hits.is_empty());
    assert!(
        hits.iter()
            .all(|h| text(h).contains("tools.google.com/dlpage/gaoptout"))
    );
}

#[test]
fn english_as_lawyers_type_it() {
    let dir = tempfile::tempdir().unwrap();
    let index = index_of_clauses(
        dir.path(),
        &[
            r#"{"id":"optin","text":"We send marketing messages only after you opt-in to receive them."}"#,
            r#"{"id":"optout","text":"You may opt-out of marketing messages at any time."}"#,
            r#"{"id":"email","text":"Contact us by email with your request."}"#,
            r#"{"id":"e-mail","text":"Send an e-mail to our privacy team to exercise your rights."}"#,
            r#"{"id":"dontsell","text":"We don't sell your personal information to anyone."}"#,
            r#"{"id":"sold","text":"Personal information was not sold in the preceding twelve months."}"#,
            r#"{"id":"kids","text":"Children's privacy matters: we do not knowingly collect data from a child under 13."}"#,
            r#"{"id":"retain","text":"We retain account data while the account is open."}"#,
            r#"{"id":"retention","text":"Our retention schedule lists each category of data."}"#,
            r#"{"id":"forgotten","text":"The right to be forgotten applies in the European Union."}"#,
        ],
    );
    let found = |args: &[&str]| ids(&search(&index, args).0);
    let set = |ids: &[&str]| ids.iter().map(|s| s.to_string()).collect::<BTreeSet<_>>();
    // A hyphenated word is a phrase: e-mail is email, opt-in is not opt-out.
    assert_eq!(found(&["e-mail"]), set(&["email", "e-mail"]));
    assert_eq!(found(&["email"]), set(&["email", "e-mail"]));
    assert_eq!(found(&["opt-in"]), set(&["optin"]));
    assert_eq!(found(&["opt-out"]), set(&["optout"]));
    // Apostrophes and possessives, quoted or not.
    assert_eq!(found(&["children's privacy"]), set(&["kids"]));
    assert_eq!(found(&["\"children's privacy\""]), set(&["kids"]));
    assert_eq!(found(&["\"don't sell\""]), set(&["dontsell"]));
    assert_eq!(found(&["don't sell"]), set(&["dontsell"]));
    // Irregular forms meet.
    assert_eq!(found(&["child"]), set(&["kids"]));
    assert_eq!(found(&["children"]), set(&["kids"]));
    assert_eq!(found(&["sell"]), set(&["dontsell", "sold"]));
    assert_eq!(found(&["sold"]), set(&["dontsell", "sold"]));
    assert_eq!(found(&["retain"]), set(&["retain", "retention"]));
    assert_eq!(found(&["retention"]), set(&["retain", "retention"]));
    // Stop words ask for nothing outside quotes, and for themselves inside.
    assert_eq!(
        found(&["the right to be forgotten"]),
        found(&["right forgotten"])
    );
    assert_eq!(found(&["\"to be forgotten\""]), set(&["forgotten"]));
    assert!(found(&["\"right to forgotten\""]).is_empty());
    // Wildcards and fuzziness are refused with a reason, never an empty answer.
    for refused in ["prov*", "consnet~1"] {
        joubun()
            .args(["search", refused, "--no-update", "--index"])
            .arg(&index)
            .assert()
            .code(2)
            .stderr(predicate::str::contains("not supported"));
    }
}
