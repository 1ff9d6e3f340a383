//! Document and clause facts through the binary: issuer, date, laws, several types per clause, and
//! JSON Lines as people export it.

use serde_json::Value;

use crate::util::{index_into, joubun, json_lines, json_search, succeed};

fn hits(index: &std::path::Path, args: &[&str]) -> Vec<Value> {
    json_search(index, args, &["--limit", "100"]).0
}

#[test]
fn a_policy_gives_its_issuer_latest_date_and_cited_articles() {
    let dir = tempfile::tempdir().unwrap();
    let policy = dir.path().join("policy.md");
    std::fs::write(
        &policy,
        "# プライバシーポリシー\n\n\
         株式会社サンプル商事（以下「当社」といいます。）は、個人情報を適切に取り扱います。\n\n\
         ## 第1条（第三者提供）\n\n\
         当社は、個人情報保護法第27条第1項に基づく場合を除き、個人データを第三者に提供しません。\n\n\
         ## 第2条（委託）\n\n\
         当社は、利用目的の達成に必要な範囲で個人データの取扱いを委託することがあります。\n\n\
         令和２年４月１日　制定\n\n\
         令和５年１０月１日　改定\n",
    )
    .unwrap();
    let out = succeed(joubun().arg("parse").arg(&policy).arg("--json"));
    let clauses = json_lines(&out);
    assert!(
        clauses.iter().all(|c| c["company"] == "サンプル商事"),
        "{clauses:?}"
    );
    assert!(
        clauses.iter().all(|c| c["date"] == "2023-10-01"),
        "{clauses:?}"
    );
    let cited = clauses
        .iter()
        .find(|c| c["text"].as_str().unwrap().contains("第27条"))
        .unwrap();
    assert_eq!(cited["cites"][0], "APPI 第27条第1項");
    assert_eq!(cited["type"], "third-party");
    assert_eq!(cited["types"][0], "third-party");

    let index = dir.path().join("index");
    index_into(dir.path(), &index);
    // Every APPI citation, whatever its article.
    let appi = hits(&index, &["--cites", "APPI"]);
    assert_eq!(appi.len(), 1, "{appi:?}");
    assert_eq!(hits(&index, &["--cites", "APPI 第27条第1項"]).len(), 1);
}

#[test]
fn a_clause_that_does_two_things_is_found_and_counted_under_both() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus");
    std::fs::create_dir(&corpus).unwrap();
    let line = r#"{"text":"We may share your information with service providers who process it on our behalf.","lang":"en"}"#;
    std::fs::write(corpus.join("opp.jsonl"), line).unwrap();
    let index = dir.path().join("index");
    index_into(&corpus, &index);
    let found = hits(&index, &["--type", "outsourcing"]);
    assert_eq!(found.len(), 1);
    let types: Vec<&str> = found[0]["types"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap())
        .collect();
    assert!(
        types.contains(&"outsourcing") && types.contains(&"third-party"),
        "{types:?}"
    );
    assert_eq!(hits(&index, &["--type", "third-party"]).len(), 1);
    let out = succeed(
        joubun()
            .args(["facets", "--field", "type", "--json", "--index"])
            .arg(&index),
    );
    let facets = String::from_utf8(out.stdout).unwrap();
    assert!(
        facets.contains("outsourcing") && facets.contains("third-party"),
        "{facets}"
    );
}

#[test]
fn json_lines_keep_given_facts_take_numbers_and_count_bad_lines() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus");
    std::fs::create_dir(&corpus).unwrap();
    let mut lines = vec![
        r#"{"doc":"acme/privacy.html","company":"ACME","date":"2021-03-01","article":3,"label":2,"text":"当社は第三者に個人情報を提供しません。"}"#.to_string(),
    ];
    lines.extend((1..=8).map(|n| format!("broken line {n}")));
    std::fs::write(corpus.join("export.jsonl"), lines.join("\n")).unwrap();
    let index = dir.path().join("index");
    let out = index_into(&corpus, &index);
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("8 bad lines"), "{stderr}");
    assert!(stderr.contains("… and 3 more bad lines"), "{stderr}");
    assert_eq!(stderr.matches("export.jsonl: line").count(), 5, "{stderr}");
    let found = hits(&index, &["--company", "ACME"]);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0]["doc"], "acme/privacy.html");
    assert_eq!(found[0]["date"], "2021-03-01");
    assert_eq!(found[0]["article"], "3");
    assert_eq!(found[0]["label"], "2");
}
