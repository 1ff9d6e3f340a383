//! `joubun index` and `joubun search` end to end, on the bundled corpus and on temp-dir corpora.

use std::collections::BTreeSet;
use std::path::Path;

use predicates::prelude::*;
use serde_json::Value;

use crate::util::{corpus, index_into, joubun, json_lines, json_search, succeed};

/// An index of the bundled corpus in a temp dir of its own.
fn bundled_index() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    index_into(corpus(), dir.path());
    dir
}

/// Hits and summary of a JSON search.
fn search(index: &Path, args: &[&str]) -> (Vec<Value>, Value) {
    json_search(index, args, &["--limit", "500"])
}

fn text(hit: &Value) -> &str {
    hit["text"].as_str().unwrap()
}

#[test]
fn bundled_corpus_answers_lawyers_questions() {
    let dir = bundled_index();
    let index = dir.path();

    // 第三者提供: the third-party provision clauses of all four Japanese policies, a clause of that type
    // first (the ones naming 第三者提供の停止 or 第三者提供記録 only mention it).
    let (hits, summary) = search(index, &["第三者提供"]);
    let companies: BTreeSet<&str> = hits
        .iter()
        .filter(|h| h["type"] == "third-party")
        .filter_map(|h| h["company"].as_str())
        .collect();
    assert_eq!(
        companies,
        BTreeSet::from(["HeyImg", "LNSOFT", "Live2D", "Livals"])
    );
    assert_eq!(hits[0]["type"], "third-party", "{}", text(&hits[0]));
    assert!(hits.iter().any(|h| text(h).contains("第三者への提供")));
    assert!(
        hits.iter()
            .any(|h| text(h).contains("第三者に個人データを提供"))
    );
    assert_eq!(summary["total"].as_u64().unwrap() as usize, hits.len());

    // 取扱い finds 取り扱い through the reading field, and highlights it.
    let (hits, _) = search(index, &["取扱い"]);
    let variant = hits
        .iter()
        .find(|h| text(h).contains("取り扱い"))
        .expect("取り扱い found");
    let highlighted: Vec<&str> = variant["highlights"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| &text(variant)[r[0].as_u64().unwrap() as usize..r[1].as_u64().unwrap() as usize])
        .collect();
    assert!(
        highlighted.iter().any(|h| h.contains("取り扱い")),
        "{highlighted:?}"
    );

    // ＣＯＯＫＩＥ: cookie clauses in both languages.
    let (hits, _) = search(index, &["ＣＯＯＫＩＥ"]);
    let langs: BTreeSet<&str> = hits.iter().filter_map(|h| h["lang"].as_str()).collect();
    assert_eq!(langs, BTreeSet::from(["en", "ja"]));
    // In the text or the heading, or as its synonym クッキー.
    assert!(hits.iter().all(|h| {
        let found = heading_and_text(h).to_lowercase();
        found.contains("cookie") || found.contains("ｃｏｏｋｉｅ") || found.contains("クッキー")
    }));

    // "third parties" finds the English third-party clauses.
    let (hits, _) = search(index, &["\"third parties\""]);
    assert!(hits.iter().all(|h| h["lang"] == "en"));
    assert!(
        hits.iter()
            .any(|h| h["type"] == "third-party" && h["doc"] == "english-policy.txt")
    );

    // Filters: LNSOFT's Google Analytics clause, the one mainly about cookies; a type filter also finds
    // clauses of which cookies are a second type (the list of collected data naming クッキー).
    let (hits, _) = search(index, &["--type", "cookies", "--company", "LNSOFT"]);
    let mainly: Vec<&Value> = hits.iter().filter(|h| h["type"] == "cookies").collect();
    assert_eq!(mainly.len(), 1);
    assert!(text(mainly[0]).contains("Google Analytics"));
    assert!(
        hits.iter()
            .all(|h| h["types"].as_array().unwrap().contains(&"cookies".into()))
    );

    // The same flag twice is OR; different flags AND; US covers US-CA.
    let (both, _) = search(index, &["--company", "LNSOFT", "--company", "HeyImg"]);
    let (lnsoft, _) = search(index, &["--company", "LNSOFT"]);
    assert!(both.len() > lnsoft.len());
    let (us, _) = search(index, &["--jurisdiction", "US"]);
    let (ca, _) = search(index, &["--jurisdiction", "US-CA"]);
    assert!(!us.is_empty() && us.len() == ca.len());

    // A substring of a compound the dictionary keeps whole, through bigrams: ポリシ in プライバシーポリシー.
    let (hits, _) = search(index, &["ポリシ"]);
    assert!(
        hits.iter()
            .any(|h| text(h).contains("プライバシーポリシー"))
    );
}

#[test]
fn highlights_are_exact_and_never_split_characters() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus");
    std::fs::create_dir(&corpus).unwrap();
    std::fs::write(
        corpus.join("kabu.txt"),
        "第1条（目的）\n㈱テスト①は、㍿として個人情報をｶﾞｲﾄﾞに従い第三者に提供します。\n",
    )
    .unwrap();
    let index = dir.path().join("index");
    for query in [
        "株式会社",
        "(株)",
        "株",
        "1",
        "ガイド",
        "第三者提供",
        "㈱テスト",
    ] {
        let out = joubun()
            .args(["search", query, "--json", "--index"])
            .arg(&index)
            .arg("--corpus")
            .arg(&corpus)
            .output()
            .unwrap();
        assert!(
            out.status.code().unwrap() < 2,
            "{query}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        for hit in json_lines(&out).iter().filter(|l| l.get("text").is_some()) {
            let t = text(hit);
            for r in hit["highlights"].as_array().unwrap() {
                let (s, e) = (
                    r[0].as_u64().unwrap() as usize,
                    r[1].as_u64().unwrap() as usize,
                );
                assert!(
                    t.is_char_boundary(s) && t.is_char_boundary(e) && s < e,
                    "{query}: {s}..{e} in {t}"
                );
            }
        }
        // The human view highlights too, without panicking.
        joubun()
            .args(["search", query, "--index"])
            .arg(&index)
            .assert()
            .code(predicate::in_iter([0, 1]));
    }
}

#[test]
fn malformed_queries_are_one_line_errors() {
    let dir = bundled_index();
    let long = "個人情報 ".repeat(2000);
    for (query, says) in [
        ("\"unclosed", "unclosed '\"'"),
        ("AND AND", "two operators"),
        (long.as_str(), "limit is"),
        ("(a", "unclosed '('"),
        ("title:x", "unknown field"),
    ] {
        let out = joubun()
            .args(["search", query, "--index"])
            .arg(dir.path())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{query}");
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert!(stderr.contains(says), "{stderr}");
    }
}

#[test]
fn exit_status_is_like_grep() {
    let dir = bundled_index();
    joubun()
        .args(["search", "個人情報", "--index"])
        .arg(dir.path())
        .assert()
        .code(0);
    joubun()
        .args(["search", "存在しない語彙です", "--index"])
        .arg(dir.path())
        .assert()
        .code(1);
    // A value no clause could have is an error a script can tell from "nothing matched".
    joubun()
        .args(["search", "--type", "cookiez", "--index"])
        .arg(dir.path())
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("no type \"cookiez\"")
                .and(predicate::str::contains("did you mean cookie")),
        );
}

#[test]
fn first_use_builds_the_default_index() {
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("corpus");
    std::fs::create_dir(&copy).unwrap();
    for entry in std::fs::read_dir(corpus()).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), copy.join(entry.file_name())).unwrap();
    }
    joubun()
        .current_dir(dir.path())
        .args(["search", "第三者提供"])
        .assert()
        .code(0)
        .stderr(predicate::str::contains("building it from corpus first"));
    assert!(dir.path().join("index/joubun.json").exists());
    // The second run finds it and says nothing.
    joubun()
        .current_dir(dir.path())
        .args(["search", "第三者提供"])
        .assert()
        .code(0)
        .stderr("");
}

#[test]
fn missing_corrupt_and_incompatible_indexes_say_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    let nowhere = dir.path().join("nowhere");
    joubun()
        .args(["search", "x", "--index"])
        .arg(&nowhere)
        .arg("--corpus")
        .arg(&nowhere)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no index").and(predicate::str::contains("joubun index")));

    let built = bundled_index();
    let meta = built.path().join("joubun.json");
    let text = std::fs::read_to_string(&meta).unwrap();
    std::fs::write(
        &meta,
        text.replace(
            &format!("\"schema_version\": {}", joubun::index::SCHEMA_VERSION),
            "\"schema_version\": 999",
        ),
    )
    .unwrap();
    joubun()
        .args(["search", "x", "--index"])
        .arg(built.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("schema 999").and(predicate::str::contains("--rebuild")));
    std::fs::write(&meta, "{ not json").unwrap();
    joubun()
        .args(["search", "x", "--index"])
        .arg(built.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("damaged").and(predicate::str::contains("joubun index")));
    // --rebuild recovers.
    succeed(
        joubun()
            .arg("index")
            .arg(corpus())
            .arg("--rebuild")
            .arg("--index")
            .arg(built.path()),
    );
    joubun()
        .args(["search", "個人情報", "--index"])
        .arg(built.path())
        .assert()
        .code(0);
}

#[test]
fn incremental_indexing_touches_only_what_changed() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = numbered_policies(dir.path(), 1000, |i| {
        format!("第1条（目的）\n当社{i}は個人情報を守ります。\n")
    });
    let index = dir.path().join("index");
    let run = || {
        let out = index_into(&corpus, &index);
        String::from_utf8(out.stderr).unwrap()
    };
    assert!(run().contains("indexed 1000 files (0 unchanged, 0 removed), 1000 clauses"));
    std::fs::write(
        corpus.join("p0500.txt"),
        "第1条（目的）\n当社は匿名加工情報を作成します。\n",
    )
    .unwrap();
    std::fs::remove_file(corpus.join("p0999.txt")).unwrap();
    let summary = run();
    assert!(
        summary.contains("indexed 1 files (998 unchanged, 1 removed), 1 clauses"),
        "{summary}"
    );
    let (hits, _) = search(&index, &["匿名加工情報"]);
    assert_eq!(
        hits.iter()
            .map(|h| h["doc"].as_str().unwrap())
            .collect::<Vec<_>>(),
        ["p0500.txt"]
    );
    let (hits, summary) = search(&index, &["個人情報"]);
    assert_eq!(summary["total"], 998);
    assert!(
        !hits
            .iter()
            .any(|h| h["doc"] == "p0999.txt" || h["doc"] == "p0500.txt")
    );
}

#[test]
fn parsing_on_more_threads_indexes_the_same_clauses_and_reports_the_same_files() {
    let dir = tempfile::tempdir().unwrap();
    let c = dir.path().join("corpus");
    for copy in ["a", "b", "c"] {
        std::fs::create_dir_all(c.join(copy)).unwrap();
        for entry in std::fs::read_dir(corpus()).unwrap() {
            let entry = entry.unwrap();
            std::fs::copy(entry.path(), c.join(copy).join(entry.file_name())).unwrap();
        }
    }
    std::fs::write(c.join("b/binary.txt"), b"\0\0\0\x01\x02").unwrap();
    std::fs::write(
        c.join("b/clauses.jsonl"),
        "{\"text\":\"当社は第三者に提供しません。\"}\nnot json\n",
    )
    .unwrap();
    let index_on = |threads: &str, extra: &[&str]| {
        let index = dir.path().join(format!("index-{threads}"));
        let out = joubun()
            .env("JOUBUN_PARSE_THREADS", threads)
            .arg("index")
            .arg(&c)
            .args(extra)
            .arg("--index")
            .arg(&index)
            .output()
            .unwrap();
        let stderr = String::from_utf8(out.stderr).unwrap();
        // What was read and skipped, without the time and memory it took.
        let report: Vec<String> = stderr
            .lines()
            .map(|l| l.split(" in ").next().unwrap().to_string())
            .collect();
        (out.status.code(), report, index)
    };
    let (status, one, one_index) = index_on("1", &[]);
    assert_eq!(status, Some(0), "{one:?}");
    assert!(
        one.iter()
            .any(|l| l.contains("skipped") && l.contains("binary.txt: binary file")),
        "{one:?}"
    );
    assert!(
        one.iter().any(|l| l.contains("clauses.jsonl: line 2:")),
        "{one:?}"
    );
    assert!(
        one.iter().any(|l| l.contains("indexed 16 files")),
        "{one:?}"
    );
    let (status, four, four_index) = index_on("4", &[]);
    assert_eq!((status, &four), (Some(0), &one));
    // tantivy's two indexing threads share out the clauses between segments as they come, so an
    // export's order differs from run to run whatever the parsing: the lines are compared sorted.
    let export = |index: &Path| {
        let out = succeed(
            joubun()
                .args(["export", "--format", "jsonl", "--index"])
                .arg(index),
        );
        let mut lines: Vec<String> = String::from_utf8(out.stdout)
            .unwrap()
            .lines()
            .map(String::from)
            .collect();
        lines.sort();
        lines
    };
    let exported = export(&one_index);
    assert!(exported.len() > 100, "{} clauses", exported.len());
    assert_eq!(export(&four_index), exported);
    // --strict still fails the run over the skipped file.
    let (status, strict, _) = index_on("4", &["--strict"]);
    assert_eq!(status, Some(2), "{strict:?}");
}

#[test]
fn an_index_made_under_other_clause_rules_reads_every_file_again() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = numbered_policies(dir.path(), 3, |i| {
        format!("第1条（目的）\n当社{i}はGDPRに基づき個人情報を扱います。\n")
    });
    let index = dir.path().join("index");
    let run = || String::from_utf8(index_into(&corpus, &index).stderr).unwrap();
    run();
    // As an older build left it: clauses made under rules before they were recorded.
    let meta_path = index.join("meta.json");
    let mut meta: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&meta_path).unwrap()).unwrap();
    let payload = meta["payload"].as_str().unwrap();
    let mut record = joubun::index::CommitRecord::from_payload(payload).unwrap();
    record.rules = 0;
    meta["payload"] = record.to_payload().into();
    std::fs::write(&meta_path, meta.to_string()).unwrap();
    let summary = run();
    assert!(summary.contains("other clause rules"), "{summary}");
    assert!(
        summary.contains("indexed 3 files (0 unchanged, 0 removed), 3 clauses"),
        "{summary}"
    );
    let (_, found) = search(&index, &["個人情報", "--cites", "GDPR"]);
    assert_eq!(found["total"], 3, "no clause is lost or doubled");
    let summary = run();
    assert!(
        summary.contains("(3 unchanged, 0 removed)") && !summary.contains("other clause rules"),
        "{summary}"
    );
}

#[test]
fn exports_hold_every_match_and_round_trip() {
    let dir = bundled_index();
    let index = dir.path();
    let (_, summary) = search(index, &["個人情報"]);
    let total = summary["total"].as_u64().unwrap() as usize;
    assert!(total > 10);

    let csv_path = index.join("out.csv");
    succeed(
        joubun()
            .args(["export", "個人情報", "--format", "csv", "--bom", "-o"])
            .arg(&csv_path)
            .arg("--index")
            .arg(index),
    );
    let bytes = std::fs::read(&csv_path).unwrap();
    assert!(
        bytes.starts_with("\u{feff}".as_bytes()),
        "--bom writes a byte-order mark"
    );
    let mut reader = csv::Reader::from_reader(&bytes[3..]);
    let headers = reader.headers().unwrap().clone();
    assert_eq!(&headers[0], "id");
    assert_eq!(&headers[14], "text");
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(
        rows.len(),
        total,
        "export row count equals the search total"
    );
    // The text survives commas, quotes and line breaks: compare with the JSON export.
    let out = succeed(
        joubun()
            .args(["export", "個人情報", "--format", "jsonl", "--index"])
            .arg(index),
    );
    let lines = json_lines(&out);
    assert_eq!(lines.len(), total);
    let by_id: std::collections::HashMap<&str, &str> = lines
        .iter()
        .map(|l| (l["id"].as_str().unwrap(), l["text"].as_str().unwrap()))
        .collect();
    for row in &rows {
        assert_eq!(by_id[&row[0]], &row[14]);
    }

    // Never overwrite without --force; an unwritable place is a clear error.
    joubun()
        .args(["export", "--format", "md", "-o"])
        .arg(&csv_path)
        .arg("--index")
        .arg(index)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--force"));
    succeed(
        joubun()
            .args(["export", "--format", "md", "--force", "-o"])
            .arg(&csv_path)
            .arg("--index")
            .arg(index),
    );
    assert!(
        std::fs::read_to_string(&csv_path)
            .unwrap()
            .starts_with("| id |")
    );
    joubun()
        .args([
            "export",
            "--format",
            "csv",
            "-o",
            "/no/such/dir/x.csv",
            "--index",
        ])
        .arg(index)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("cannot write /no/such/dir/x.csv"));
    // A full disk, where the system has one to show (/dev/full): a clear error and exit 2.
    if let Ok(full) = std::fs::File::create("/dev/full") {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_joubun"))
            .args(["export", "--format", "csv", "--index"])
            .arg(index)
            .stdout(full)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{stderr}");
        assert!(
            stderr.contains("cannot write") && stderr.contains("No space left"),
            "{stderr}"
        );
    }
    let leftovers: Vec<_> = std::fs::read_dir(index)
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "no temporary files left behind");

    let out = succeed(
        joubun()
            .args(["export", "個人情報", "--format", "json", "--index"])
            .arg(index),
    );
    let array: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(array.len(), total);
}

#[test]
fn facets_show_and_stats() {
    let dir = bundled_index();
    let index = dir.path();
    let out = succeed(
        joubun()
            .args([
                "facets",
                "第三者提供",
                "--json",
                "--field",
                "company",
                "--index",
            ])
            .arg(index),
    );
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let companies = report["facets"]["company"].as_array().unwrap();
    assert_eq!(companies.len(), 4);
    let summed: u64 = companies.iter().map(|c| c[1].as_u64().unwrap()).sum();
    assert_eq!(
        summed,
        report["total"].as_u64().unwrap(),
        "every match has one company"
    );
    assert!(
        report["facets"].get("type").is_none(),
        "--field keeps one facet"
    );
    joubun()
        .args(["facets", "--field", "colour", "--index"])
        .arg(index)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("facets are"));

    let out = succeed(
        joubun()
            .args(["show", "lnsoft#12.2", "--json", "--index"])
            .arg(index),
    );
    assert_eq!(json_lines(&out)[0]["text"], "法令に基づく場合");
    let out = succeed(
        joubun()
            .args(["show", "lnsoft#12.2", "--context", "--json", "--index"])
            .arg(index),
    );
    let article = json_lines(&out);
    assert_eq!(article.len(), 11, "all of 第12条");
    assert!(article.iter().all(|c| c["article"] == "第12条"));
    joubun()
        .args(["show", "lnsoft#99", "--index"])
        .arg(index)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no clause has id"));

    let out = succeed(joubun().args(["stats", "--json", "--index"]).arg(index));
    let stats: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(stats["documents"], 5);
    assert_eq!(stats["clauses"], 239);
    assert!(stats["index_bytes"].as_u64().unwrap() > 10_000);
    assert!(
        stats["dictionary"]
            .as_str()
            .unwrap()
            .contains("mecab-ipadic-2.7.0-20070801")
    );
}

#[test]
fn stats_lists_the_most_frequent_values_and_says_how_many_more() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus");
    std::fs::create_dir(&corpus).unwrap();
    // Twelve companies; the first has three clauses, so it is listed first.
    let mut lines: Vec<String> = (1..=12)
        .map(|n| format!(r#"{{"text":"当社は個人情報を管理します。","company":"社{n:02}"}}"#))
        .collect();
    let more = r#"{"text":"当社は個人情報を保護します。","company":"社01"}"#;
    lines.extend(std::iter::repeat_n(more.to_string(), 2));
    std::fs::write(corpus.join("clauses.jsonl"), lines.join("\n")).unwrap();
    let index = dir.path().join("index");
    index_into(&corpus, &index);
    let out = succeed(joubun().args(["stats", "--index"]).arg(&index));
    let report = String::from_utf8(out.stdout).unwrap();
    let companies = report
        .lines()
        .find(|l| l.starts_with("company "))
        .expect("a company line");
    assert!(companies.contains("社01 3, 社02 1,"), "{companies}");
    assert_eq!(
        companies.matches(" 1,").count(),
        9,
        "ten shown: {companies}"
    );
    assert!(
        companies.ends_with("and 2 more (joubun facets --field company)"),
        "{companies}"
    );
    let out = succeed(joubun().args(["stats", "--json", "--index"]).arg(&index));
    let stats: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(stats["facets"]["company"].as_array().unwrap().len(), 12);
}

#[test]
fn json_lines_corpora_keep_given_fields_and_report_bad_lines() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus");
    std::fs::create_dir(&corpus).unwrap();
    let lines = [
        r#"{"text":"当社は第三者に個人情報を提供しません。","company":"ACME"}"#,
        "not json",
        r#"{"id":"opp#7","text":"We use cookies for analytics.","type":"cookies","heading":"Cookies","lang":"en"}"#,
        r#"{"title":"no text"}"#,
    ];
    // A BOM, CRLF line ends and a line that is not UTF-8 (files are streamed a line at a time).
    let mut bytes = "\u{feff}".as_bytes().to_vec();
    bytes.extend(lines.join("\r\n").as_bytes());
    bytes.extend(b"\r\n\x80\xFFbroken\r\n");
    bytes.extend(r#"{"text":"利用目的を変更します。"}"#.as_bytes());
    std::fs::write(corpus.join("clauses.jsonl"), bytes).unwrap();
    let index = dir.path().join("index");
    let out = index_into(&corpus, &index);
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("clauses.jsonl: line 2:")
            && stderr.contains("clauses.jsonl: line 4: missing field `text`")
            && stderr.contains("clauses.jsonl: line 5: not UTF-8"),
        "{stderr}"
    );
    assert!(stderr.contains("3 clauses"), "{stderr}");
    let (hits, _) = search(&index, &["第三者提供"]);
    assert_eq!(
        (
            hits[0]["company"].as_str(),
            hits[0]["type"].as_str(),
            hits[0]["lang"].as_str()
        ),
        (Some("ACME"), Some("third-party"), Some("ja"))
    );
    assert_eq!(hits[0]["line_start"], 1);
    let (hits, _) = search(&index, &["heading:cookies"]);
    // A given id names the clause within its file: it cannot collide with another document's.
    assert_eq!(hits[0]["id"], "clauses.jsonl#opp#7");
    // Fingerprinted while streamed the first time, before reading the next: the two must agree.
    let again = || String::from_utf8(index_into(&corpus, &index).stderr).unwrap();
    let stderr = again();
    assert!(
        stderr.contains("indexed 0 files (1 unchanged, 0 removed)"),
        "{stderr}"
    );
    let mut file = std::fs::OpenOptions::new()
        .append(true)
        .open(corpus.join("clauses.jsonl"))
        .unwrap();
    std::io::Write::write_all(
        &mut file,
        "\n{\"text\":\"匿名加工情報を作成します。\"}".as_bytes(),
    )
    .unwrap();
    let stderr = again();
    assert!(
        stderr.contains("indexed 1 files (0 unchanged, 0 removed), 4 clauses"),
        "{stderr}"
    );
    assert_eq!(search(&index, &["匿名加工情報"]).1["total"], 1);
    assert!(again().contains("(1 unchanged, 0 removed)"));
}

#[test]
fn by_article_groups_clauses_under_their_article() {
    let dir = bundled_index();
    let out = succeed(
        joubun()
            .args([
                "search",
                "第三者提供",
                "--by",
                "article",
                "--json",
                "--index",
            ])
            .arg(dir.path()),
    );
    let mut groups = json_lines(&out);
    let summary = groups.pop().unwrap();
    assert!(summary["summary"]["articles"].as_u64().unwrap() >= groups.len() as u64);
    let mut seen = BTreeSet::new();
    for g in &groups {
        assert!(
            seen.insert((
                g["doc"].to_string(),
                g["article"].to_string(),
                g["heading"].to_string()
            )),
            "each article once"
        );
        for hit in g["hits"].as_array().unwrap() {
            assert_eq!((&hit["doc"], &hit["article"]), (&g["doc"], &g["article"]));
        }
    }
    let lnsoft = groups.iter().find(|g| g["article"] == "第12条").unwrap();
    assert!(lnsoft["hits"].as_array().unwrap().len() >= 3);
}

#[test]
fn summaries_keep_the_ten_commonest_values_and_facets_keep_all() {
    // Company k has k clauses; one more clause names no company.
    let mut lines = vec![r#"{"text":"個人情報を守ります。"}"#.to_string()];
    for k in 1..=12 {
        for _ in 0..k {
            lines.push(format!(
                r#"{{"text":"個人情報を守ります。","company":"会社{k:02}"}}"#
            ));
        }
    }
    let (_dir, index) = index_of_clauses(&lines);
    let counts = |facets: &Value| -> Vec<(String, u64)> {
        facets["company"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| (c[0].as_str().unwrap().to_string(), c[1].as_u64().unwrap()))
            .collect()
    };
    let expected: Vec<(String, u64)> = (1..=12).rev().map(|k| (format!("会社{k:02}"), k)).collect();

    let (_, summary) = search(&index, &["個人情報"]);
    assert_eq!(summary["total"], 79);
    assert_eq!(counts(&summary["facets"]), expected[..10].to_vec());

    let out = succeed(
        joubun()
            .args(["facets", "個人情報", "--json", "--index"])
            .arg(&index),
    );
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        counts(&report["facets"]),
        expected,
        "every company, and no empty one for the clause without"
    );
}

#[test]
fn a_word_ranks_above_the_same_string_inside_a_compound() {
    let lines = [
        r#"{"id":"compound","text":"関西国際空港に到着します。"}"#,
        r#"{"id":"word","text":"空港で旅券を確認します。"}"#,
        r#"{"id":"reversed","text":"港空という並びは別物です。"}"#,
        r#"{"id":"reading","text":"クウコウで待ち合わせます。"}"#,
    ];
    let (_dir, index) = index_of_clauses(&lines);
    let (hits, summary) = search(&index, &["空港"]);
    // Each given id names its clause within the file.
    let ids: Vec<&str> = hits.iter().map(|h| given_id(&h["id"])).collect();
    // The word itself first, then its spelling in kana (through readings), then the substring of a
    // compound (through bigrams); bigrams out of order are no match.
    assert_eq!(ids, ["word", "reading", "compound"], "{hits:?}");
    assert_eq!(summary["total"], 3);
}

#[test]
fn a_word_in_kanji_meets_its_kana_spelling_not_its_homophones() {
    let lines = [
        r#"{"id":"word","text":"保存の期間は一年とします。"}"#,
        r#"{"id":"kana","text":"保存のキカンは一年とします。"}"#,
        r#"{"id":"homophone","text":"行政機関に届け出ます。"}"#,
    ];
    let (_dir, index) = index_of_clauses(&lines);
    let ids = |query: &str| {
        let (hits, _) = search(&index, &[query]);
        let mut ids: Vec<String> = hits
            .iter()
            .map(|h| given_id(&h["id"]).to_string())
            .collect();
        ids.sort();
        ids
    };
    // 期間 and 機関 are both read キカン: a lawyer asking for periods must not count agencies.
    assert_eq!(ids("期間"), ["kana", "word"]);
    // Typed by its sound, a word means every spelling of that sound.
    assert_eq!(ids("キカン"), ["homophone", "kana", "word"]);
}

#[test]
fn a_substring_matches_only_with_every_bigram_in_sequence() {
    let lines = [
        r#"{"id":"compound","text":"関西国際空港に到着します。"}"#,
        // Every bigram of 西国際空 (西国, 国際, 際空), but not in sequence.
        r#"{"id":"apart","text":"国際的な西国の人と交際空間を作ります。"}"#,
    ];
    let (_dir, index) = index_of_clauses(&lines);
    let (hits, summary) = search(&index, &["西国際空"]);
    let ids: Vec<&str> = hits.iter().map(|h| given_id(&h["id"])).collect();
    assert_eq!(ids, ["compound"], "{hits:?}");
    assert_eq!(summary["total"], 1);
}

#[test]
fn two_quoted_characters_are_a_string_too() {
    let lines = [
        // The dictionary reads なされる as なさ れる: no word され stands here, but the string does.
        r#"{"id":"inside","text":"事業の承継がなされる場合"}"#,
        r#"{"id":"word","text":"規約が変更されます。"}"#,
        r#"{"id":"none","text":"事業を承継する場合"}"#,
    ];
    let (_dir, index) = index_of_clauses(&lines);
    let (hits, summary) = search(&index, &["\"され\""]);
    let mut ids: Vec<&str> = hits.iter().map(|h| given_id(&h["id"])).collect();
    ids.sort();
    assert_eq!(ids, ["inside", "word"], "{hits:?}");
    assert_eq!(summary["total"], 2);
}

/// A `corpus` folder in `dir` of `count` files `p0000.txt`, `p0001.txt`, …, the i-th holding `text(i)`.
fn numbered_policies(
    dir: &Path,
    count: usize,
    text: impl Fn(usize) -> String,
) -> std::path::PathBuf {
    let corpus = dir.join("corpus");
    std::fs::create_dir(&corpus).unwrap();
    for i in 0..count {
        std::fs::write(corpus.join(format!("p{i:04}.txt")), text(i)).unwrap();
    }
    corpus
}

/// The id a line of [`index_of_clauses`] gave its clause: the clause id without the file's part.
fn given_id(id: &Value) -> &str {
    let id = id.as_str().unwrap();
    id.strip_prefix("clauses.jsonl#")
        .unwrap_or_else(|| panic!("{id} is not scoped to its file"))
}

/// An index of one JSON Lines file of `lines`, in a temporary directory kept alive by the first value.
fn index_of_clauses(lines: &[impl AsRef<str>]) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus");
    std::fs::create_dir(&corpus).unwrap();
    let text: Vec<&str> = lines.iter().map(AsRef::as_ref).collect();
    std::fs::write(corpus.join("clauses.jsonl"), text.join("\n")).unwrap();
    let index = dir.path().join("index");
    index_into(&corpus, &index);
    (dir, index)
}

#[test]
fn show_finds_a_clause_by_its_citation() {
    let dir = bundled_index();
    let index = dir.path();
    let out = succeed(
        joubun()
            .args(["show", "lnsoft", "第１２条 第2項", "--json", "--index"])
            .arg(index),
    );
    let shown = json_lines(&out);
    assert_eq!(shown.len(), 1);
    assert_eq!(shown[0]["cite"], "第12条第2項");
    assert_eq!(shown[0]["id"], "lnsoft#12.2");
    // The human output of search names what show needs.
    let out = succeed(joubun().args(["search", "第三者", "--index"]).arg(index));
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(text.contains("(show lnsoft#12."), "{text}");
    joubun()
        .args(["show", "lnsoft", "第99条", "--index"])
        .arg(index)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no clause cited"));
    joubun()
        .args(["show", "nosuchdoc", "第1条", "--index"])
        .arg(index)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no document"));
}

/// The heading and text of a hit, as one string: a word may be found in either.
fn heading_and_text(hit: &Value) -> String {
    format!("{}\n{}", hit["heading"].as_str().unwrap_or(""), text(hit))
}

#[test]
fn compound_words_mean_the_compound() {
    let dir = bundled_index();
    let index = dir.path();
    // 個人情報 … 関連する法令 holds the parts of 個人関連情報, scattered: no clause holds the word.
    joubun()
        .args(["search", "個人関連情報", "--index"])
        .arg(index)
        .assert()
        .code(1);
    let (hits, summary) = search(index, &["第三者提供"]);
    assert!(!hits.is_empty());
    assert_eq!(summary["total"].as_u64().unwrap() as usize, hits.len());
    let close = regex::Regex::new("第三者[^。、]{0,8}?(提供|開示)").unwrap();
    for hit in &hits {
        let found = heading_and_text(hit);
        assert!(close.is_match(&found), "scattered: {found}");
    }
    // 提供先の第三者 alone (the parts in the wrong order) is no match.
    assert!(
        hits.iter()
            .all(|h| !text(h).starts_with("5. 提供先の第三者が学術研究機関等"))
    );
    // Facet counts count only such clauses (by language: one value a clause, where a clause may
    // have two types).
    let third_party: u64 = summary["facets"]["lang"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v[1].as_u64().unwrap())
        .sum();
    assert_eq!(third_party as usize, hits.len());
}

#[test]
fn a_parenthetical_may_stand_inside_a_compound_a_comma_may_not() {
    let lines = [
        r#"{"id":"parenthetical","text":"当社は、第三者（当社の子会社及び関連会社並びに業務提携先を含みます。）に提供することがあります。"}"#,
        r#"{"id":"particles","text":"個人データを第三者へ提供しません。"}"#,
        r#"{"id":"comma","text":"当社は第三者、提供元及び委託先と協議します。"}"#,
        r#"{"id":"sentence","text":"詳細は第三者。提供については別に定めます。"}"#,
        r#"{"id":"after","text":"第三者（当社を除く）、提供元と協議します。"}"#,
        r#"{"id":"unclosed","text":"第三者（当社を除く提供元と協議します。"}"#,
    ];
    let (_dir, index) = index_of_clauses(&lines);
    let (hits, summary) = search(&index, &["第三者提供"]);
    let mut ids: Vec<&str> = hits.iter().map(|h| given_id(&h["id"])).collect();
    ids.sort();
    assert_eq!(ids, ["parenthetical", "particles"], "{hits:?}");
    assert_eq!(summary["total"], 2);
}

#[test]
fn a_compound_of_three_words_holds_them_in_one_chain() {
    // Each two neighbouring words stand joined in every clause here; only where one 関連 joins both
    // is it 個人関連情報.
    let lines = [
        r#"{"id":"once","text":"当社は個人関連情報を取得します。"}"#,
        r#"{"id":"twice","text":"個人関連情報の提供先が関連情報を受け取ります。"}"#,
        r#"{"id":"two-chains","text":"個人関連の事項、および関連情報を定めます。"}"#,
    ];
    let (_dir, index) = index_of_clauses(&lines);
    let (hits, summary) = search(&index, &["個人関連情報"]);
    let mut ids: Vec<&str> = hits.iter().map(|h| given_id(&h["id"])).collect();
    ids.sort();
    assert_eq!(ids, ["once", "twice"], "{hits:?}");
    assert_eq!(summary["total"], 2);
}

#[test]
fn quotes_mean_exactly_that_text_particles_included() {
    let dir = bundled_index();
    for query in [
        "\"第三者に提供\"",
        "「第三者に提供」",
        "『第三者に提供』",
        "“第三者に提供”",
    ] {
        let (hits, _) = search(dir.path(), &[query]);
        assert!(!hits.is_empty(), "{query}");
        for hit in &hits {
            assert!(text(hit).contains("第三者に提供"), "{query}: {}", text(hit));
        }
    }
    // 「第三者が提供する」 is the opposite: it is not 第三者に提供.
    let (hits, _) = search(dir.path(), &["\"第三者が提供\""]);
    assert!(hits.iter().all(|h| text(h).contains("第三者が提供")));
    assert!(!hits.is_empty());
}

#[test]
fn japanese_input_works_as_typed() {
    let dir = bundled_index();
    let index = dir.path();
    let (one, _) = search(index, &["同意　第三者"]);
    let (two, _) = search(index, &["同意", "第三者"]);
    assert!(!one.is_empty());
    assert_eq!(one, two, "a full-width space and two arguments read alike");
    // Several arguments and filters after them.
    let (typed, _) = search(index, &["同意", "第三者", "--type", "third-party"]);
    // A filter holds for every hit, those holding only some of the words too.
    assert!(!typed.is_empty());
    for hit in &typed {
        let types = hit["types"].as_array().unwrap();
        assert!(types.iter().any(|t| t == "third-party"), "{hit}");
    }
    // －, ＮＯＴ and a -word argument exclude.
    for args in [
        &["第三者 －委託"][..],
        &["第三者", "-委託"],
        &["第三者 ＮＯＴ 委託"],
    ] {
        let (hits, _) = search(index, args);
        assert!(!hits.is_empty(), "{args:?}");
        assert!(hits.iter().all(|h| !text(h).contains("委託")), "{args:?}");
    }
    let (hits, _) = search(index, &["Cookie", "-Google"]);
    assert!(!hits.is_empty());
    assert!(
        hits.iter()
            .all(|h| !text(h).to_lowercase().contains("google"))
    );
    // ＯＲ is OR.
    let (or, _) = search(index, &["第三者提供 ＯＲ 外国"]);
    let (alone, _) = search(index, &["第三者提供"]);
    // An AND would find no more than 外国's single clause.
    assert!(or.len() >= alone.len() && alone.len() > 1);
}

#[test]
fn synonyms_and_spellings_meet_and_explain_says_how() {
    let dir = bundled_index();
    let index = dir.path();
    let (cookie, _) = search(index, &["Cookie"]);
    let (katakana, _) = search(index, &["クッキー"]);
    assert_eq!(cookie.len(), katakana.len());
    assert!(!cookie.is_empty());
    let out = succeed(
        joubun()
            .args(["search", "保存期間", "--explain", "--index"])
            .arg(index),
    );
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("保持期間") && stderr.contains("保管期間"),
        "{stderr}"
    );
    // A synonym's match is highlighted as the synonym.
    let (hits, _) = search(index, &["クッキー"]);
    let hit = hits
        .iter()
        .find(|h| text(h).contains("Cookie"))
        .expect("a Cookie clause");
    let marked: Vec<&str> = hit["highlights"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| &text(hit)[r[0].as_u64().unwrap() as usize..r[1].as_u64().unwrap() as usize])
        .collect();
    assert!(
        marked.iter().any(|m| m.eq_ignore_ascii_case("cookie")),
        "{marked:?}"
    );
}

#[test]
fn facet_values_as_people_write_them() {
    let dir = bundled_index();
    let index = dir.path();
    let (english, _) = search(index, &["--type", "third-party"]);
    for value in ["第三者提供", "THIRD-PARTY", "third party"] {
        let (hits, _) = search(index, &["--type", value]);
        assert_eq!(hits.len(), english.len(), "{value}");
    }
    let (live2d, _) = search(index, &["-c", "live2d", "-l", "jp"]);
    assert!(!live2d.is_empty());
    assert!(
        live2d
            .iter()
            .all(|h| h["company"] == "Live2D" && h["lang"] == "ja")
    );
    let (in_query, _) = search(index, &["company:live2d"]);
    assert!(!in_query.is_empty() && in_query.iter().all(|h| h["company"] == "Live2D"));
    joubun()
        .args(["search", "--company", "live3d", "--index"])
        .arg(index)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("did you mean Live2D"));
    // Filter-only listings come in document order.
    let (listed, _) = search(index, &["--company", "LNSOFT"]);
    let lines: Vec<u64> = listed
        .iter()
        .map(|h| h["line_start"].as_u64().unwrap())
        .collect();
    assert!(lines.windows(2).all(|w| w[0] <= w[1]), "{lines:?}");
}

#[test]
fn english_as_lawyers_type_it() {
    let dir = bundled_index();
    let index = dir.path();
    // An apostrophe is no quote; a possessive is the word.
    let out = joubun()
        .args(["search", "children's", "--index"])
        .arg(index)
        .output()
        .unwrap();
    assert!(out.status.code().unwrap() < 2);
    // Irregular forms meet.
    let (children, _) = search(index, &["children"]);
    let (child, _) = search(index, &["child"]);
    assert_eq!(children.len(), child.len());
    // A stop word asks for nothing.
    let (with, _) = search(index, &["delete the account"]);
    let (without, _) = search(index, &["delete account"]);
    assert_eq!(with, without);
    for refused in ["prov*", "consnet~1"] {
        joubun()
            .args(["search", refused, "--index"])
            .arg(index)
            .assert()
            .code(2)
            .stderr(predicate::str::contains("not supported"));
    }
}

#[test]
fn an_edited_corpus_is_found_by_the_next_search() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus");
    std::fs::create_dir(&corpus).unwrap();
    std::fs::write(
        corpus.join("a.txt"),
        "第1条 目的\n当社は個人情報を適切に取り扱います。\n",
    )
    .unwrap();
    let index = dir.path().join("index");
    index_into(&corpus, &index);
    joubun()
        .args(["search", "仮名加工情報", "--index"])
        .arg(&index)
        .assert()
        .code(1);
    // Edited in place: the folder's time need not change, the file's does.
    std::fs::write(
        corpus.join("a.txt"),
        "第1条 目的\n当社は仮名加工情報を作成しません。\n",
    )
    .unwrap();
    joubun()
        .args(["search", "仮名加工情報", "--index"])
        .arg(&index)
        .assert()
        .code(0)
        .stderr(predicate::str::contains("updating the index first"));
    // A file added.
    std::fs::write(
        corpus.join("b.txt"),
        "第1条 保存\n保存期間は一年とします。\n",
    )
    .unwrap();
    let (hits, _) = search(&index, &["保存期間"]);
    assert_eq!(hits.len(), 1);
}

#[test]
fn clauses_holding_some_of_the_words_follow_marked_and_uncounted() {
    let lines = [
        r#"{"id":"both","text":"当社は委託先を監督します。"}"#,
        r#"{"id":"first","text":"当社は委託先を選定します。"}"#,
        r#"{"id":"second","text":"当社は従業者を監督します。"}"#,
        r#"{"id":"none","text":"本規約は日本法に準拠します。"}"#,
    ];
    let (_dir, index) = index_of_clauses(&lines);
    let (hits, summary) = search(&index, &["委託先", "監督"]);
    let marked: Vec<(&str, bool)> = hits
        .iter()
        .map(|h| (given_id(&h["id"]), h["partial"].as_bool().unwrap()))
        .collect();
    // Every clause holding all the words first; then those holding some, marked.
    assert_eq!(marked[0], ("both", false), "{marked:?}");
    let mut rest: Vec<_> = marked[1..].to_vec();
    rest.sort();
    assert_eq!(rest, [("first", true), ("second", true)]);
    // Counts and facets count only the clauses holding every word.
    assert_eq!(summary["total"], 1);
    assert_eq!(summary["partial"], 2);
    assert_eq!(summary["facets"]["lang"][0][1], 1);
    // An exclusion holds for them too.
    let (hits, _) = search(&index, &["委託先", "監督", "-従業者"]);
    assert!(
        hits.iter().all(|h| given_id(&h["id"]) != "second"),
        "{hits:?}"
    );
    // No clause holds both: nothing matched (exit 1), and the closest are still shown, marked.
    let out = joubun()
        .args(["search", "委託先", "準拠", "--index"])
        .arg(&index)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let shown = String::from_utf8_lossy(&out.stdout);
    assert!(shown.contains("hold some of them"), "{shown}");
    // both and first hold 委託先, none holds 準拠.
    assert!(
        shown.contains("0 clauses match; 3 more hold some of the words"),
        "{shown}"
    );
    // A quoted phrase or a single word is all or nothing.
    let (hits, _) = search(&index, &["委託先"]);
    assert!(hits.iter().all(|h| h["partial"] == false));
}
