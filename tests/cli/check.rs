//! `joubun check`: outputs, the corpus matrix and the exit status, through the binary.

use std::fs;

use super::util::{corpus, index_into, joubun, stdout_of};

/// A policy that says everything the checklist asks, joint use included.
const COMPLETE: &str = "株式会社サンプル プライバシーポリシー

株式会社サンプル（以下「当社」といいます。）は、個人情報を次のとおり取り扱います。

第1条（事業者）
当社の名称、住所及び代表者は次のとおりです。
住所：〒100-0001 東京都千代田区千代田1-1
代表者：代表取締役 山田太郎

第2条（利用目的）
当社は、個人情報を以下の目的で利用します。
(1) 本サービスの提供のため
(2) お問い合わせへの回答のため
(3) 新商品のご案内のため

第3条（共同利用）
当社は、個人データを次のとおり共同利用します。
(1) 共同して利用される個人データの項目：氏名、メールアドレス
(2) 共同して利用する者の範囲：当社の子会社
(3) 利用する者の利用目的：第2条に定める利用目的
(4) 個人データの管理について責任を有する者：当社（住所及び代表者は第1条のとおり）

第4条（安全管理措置）
当社は、個人データの取扱規程を策定し、責任者を設置します。従業者に定期的な研修を行い、アクセス制御を実施します。

第5条（開示等の請求）
保有個人データの利用目的の通知、開示、訂正、追加又は削除、利用停止又は消去、第三者提供の停止の請求は、第7条の窓口にご連絡ください。

第6条（保存期間）
当社は、個人情報を利用目的の達成に必要な期間保存し、その後遅滞なく消去します。

第7条（お問い合わせ窓口）
個人情報の取扱いに関する苦情及びお問い合わせは、下記までご連絡ください。
メール：privacy@example.jp
";

/// A policy that only promises.
const VAGUE: &str = "プライバシーポリシー

当社は、個人情報を事業活動に用いるために利用します。
当社は、個人情報について適切な安全管理措置を講じます。
";

fn policies() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("complete-privacy.txt"), COMPLETE).unwrap();
    fs::write(dir.path().join("vague-privacy.txt"), VAGUE).unwrap();
    dir
}

fn json(output: &std::process::Output) -> serde_json::Value {
    serde_json::from_str(&stdout_of(output)).expect("one JSON value")
}

/// The status of `item` in one document of `check --format json`.
fn status<'a>(doc: &'a serde_json::Value, item: &str) -> &'a str {
    doc["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["item"] == item)
        .and_then(|f| f["status"].as_str())
        .unwrap_or_else(|| panic!("no item {item}"))
}

#[test]
fn a_complete_policy_passes_with_evidence_for_every_item() {
    let dir = policies();
    let out = joubun()
        .args(["check", "--format", "json"])
        .arg(dir.path().join("complete-privacy.txt"))
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let docs = json(&out);
    let doc = &docs[0];
    for item in [
        "business",
        "purposes",
        "requests",
        "security",
        "complaints",
        "joint-use",
        "retention",
    ] {
        assert_eq!(status(doc, item), "present", "{item}");
    }
    for item in ["opt-out", "foreign-transfer", "pseudonymised"] {
        assert_eq!(status(doc, item), "na", "{item}");
    }
    // Advisory items never fail a policy.
    assert_eq!(status(doc, "minors"), "missing");
    for finding in doc["items"].as_array().unwrap() {
        if finding["status"] == "present" {
            let evidence = finding["evidence"].as_array().unwrap();
            assert!(!evidence.is_empty(), "{finding}");
            let location = evidence[0]["location"].as_str().unwrap();
            assert!(location.starts_with("complete-privacy.txt:"), "{location}");
        }
    }
}

#[test]
fn promises_alone_are_weak_and_the_exit_status_is_1() {
    let dir = policies();
    let out = joubun()
        .args(["check", "--format", "json"])
        .arg(dir.path().join("vague-privacy.txt"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let docs = json(&out);
    assert_eq!(status(&docs[0], "security"), "weak");
    assert_eq!(status(&docs[0], "purposes"), "weak");
    assert_eq!(status(&docs[0], "requests"), "missing");
}

#[test]
fn the_table_names_each_item_its_status_and_where_it_is_said() {
    let out = joubun()
        .args(["check"])
        .arg(corpus().join("heyimg.txt"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = stdout_of(&out);
    assert!(text.starts_with("heyimg.txt  needs attention"), "{text}");
    assert!(text.contains("第6条 ¶1  heyimg.txt:57-57"), "{text}");
    for id in [
        "business",
        "purposes",
        "requests",
        "security",
        "complaints",
        "minors",
    ] {
        assert!(
            text.lines().any(|l| l.trim_start().starts_with(id)),
            "{id} in {text}"
        );
    }
}

#[test]
fn explain_shows_the_cues_found_and_the_rules() {
    let out = joubun()
        .args(["check", "--explain"])
        .arg(corpus().join("heyimg.txt"))
        .output()
        .unwrap();
    let text = stdout_of(&out);
    assert!(text.contains("found technical: «アクセス制限»"), "{text}");
    assert!(text.contains("APPI Art. 23, 32(1)(iv)"), "{text}");
}

#[test]
fn csv_has_one_row_per_document_and_item() {
    let dir = policies();
    let out = joubun()
        .args(["check", "--format", "csv"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let mut reader = csv::Reader::from_reader(out.stdout.as_slice());
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(
        header[..6],
        ["doc", "company", "item", "kind", "counts", "status"]
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 2 * 12);
    let joint = rows
        .iter()
        .find(|r| &r[0] == "complete-privacy.txt" && &r[2] == "joint-use")
        .unwrap();
    assert_eq!(&joint[5], "present");
    assert!(joint[8].starts_with("complete-privacy.txt:"), "{joint:?}");
}

#[test]
fn the_summary_is_a_matrix_with_counts_of_documents_missing_each_item() {
    let dir = policies();
    let out = joubun()
        .args(["check", "--summary"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = stdout_of(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert!(
        lines[0].starts_with("doc") && lines[0].contains("security"),
        "{text}"
    );
    assert!(lines[1].starts_with("complete-privacy.txt"), "{text}");
    let missing: Vec<&str> = lines[3].split_whitespace().collect();
    // documents missing: business, purposes, requests ... one of the two policies misses requests.
    assert_eq!(missing[..2], ["documents", "missing"]);
    assert_eq!(missing[2 + 2], "1", "{text}");

    let out = joubun()
        .args(["check", "--summary", "--format", "json"])
        .arg(dir.path())
        .output()
        .unwrap();
    let summary = json(&out);
    let requests = summary["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["item"] == "requests")
        .unwrap();
    assert_eq!(requests["missing"], 1);
    assert_eq!(requests["present"], 1);
    assert_eq!(summary["documents"][0]["statuses"]["joint-use"], "present");
    assert_eq!(summary["documents"][1]["fails"], true);

    let out = joubun()
        .args(["check", "--summary", "--format", "md"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(stdout_of(&out).contains("| complete-privacy.txt | present |"));
}

#[test]
fn a_folder_walk_checks_only_privacy_policies() {
    let dir = policies();
    fs::write(
        dir.path().join("terms.txt"),
        "利用規約\n\n第1条（適用）\n本規約は、本サービスの利用に適用されます。\n",
    )
    .unwrap();
    let out = joubun()
        .args(["check", "--format", "json"])
        .arg(dir.path())
        .output()
        .unwrap();
    let docs = json(&out);
    assert_eq!(docs.as_array().unwrap().len(), 2);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("terms.txt: not a privacy policy"),
        "{stderr}"
    );
}

#[test]
fn the_index_gives_the_same_findings_as_the_files() {
    let dir = policies();
    let index = tempfile::tempdir().unwrap();
    index_into(dir.path(), index.path());
    let from_index = joubun()
        .args(["check", "--format", "json", "--index"])
        .arg(index.path())
        .output()
        .unwrap();
    let from_files = joubun()
        .args(["check", "--format", "json"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(from_index.status.code(), Some(1));
    assert_eq!(json(&from_index), json(&from_files));
}

#[test]
fn filters_choose_documents() {
    let out = joubun()
        .args(["check", "--format", "json", "--lang", "en"])
        .arg(corpus())
        .output()
        .unwrap();
    let docs = json(&out);
    let names: Vec<&str> = docs
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["doc"].as_str().unwrap())
        .collect();
    assert!(names.contains(&"english-policy.txt"), "{names:?}");
    assert!(!names.contains(&"lnsoft.txt"), "{names:?}");
}

#[test]
fn errors_exit_2_and_name_the_culprit() {
    let out = joubun()
        .args(["check", "no-such-policy.txt"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no-such-policy.txt"));

    let dir = policies();
    let rules = dir.path().join("rules.toml");
    fs::write(&rules, "[[item]]\nid = \"x\"\n").unwrap();
    let out = joubun()
        .args(["check", "--rules"])
        .arg(&rules)
        .arg(dir.path().join("vague-privacy.txt"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("rules.toml"));
}

/// The documents `facets --json` lists under a check filter.
fn documents_kept(index: &std::path::Path, flag: &str, item: &str) -> Vec<String> {
    let out = joubun()
        .args(["facets", "--json", "--no-update", flag, item, "--index"])
        .arg(index)
        .output()
        .unwrap();
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report = json(&out);
    report["documents"]
        .as_object()
        .unwrap_or_else(|| panic!("no documents in {report}"))
        .keys()
        .cloned()
        .collect()
}

#[test]
fn check_filters_keep_exactly_the_documents_check_reports() {
    let index = tempfile::tempdir().unwrap();
    index_into(corpus(), index.path());
    let out = joubun()
        .args([
            "check",
            "--summary",
            "--format",
            "json",
            "--no-update",
            "--index",
        ])
        .arg(index.path())
        .output()
        .unwrap();
    let summary = json(&out);
    let mut kept_any = 0;
    for item in summary["items"].as_array().unwrap() {
        let id = item["item"].as_str().unwrap();
        for status in ["missing", "weak", "present"] {
            let expected: Vec<String> = summary["documents"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|d| d["statuses"][id] == status)
                .map(|d| d["doc"].as_str().unwrap().to_string())
                .collect();
            assert_eq!(item[status], expected.len(), "{id} {status}");
            let kept = documents_kept(index.path(), &format!("--{status}"), id);
            assert_eq!(kept, expected, "--{status} {id}");
            kept_any += kept.len();
        }
    }
    assert!(kept_any > 0, "{summary}");

    // search gives the clauses of those documents, and every one of them.
    let missing = documents_kept(index.path(), "--missing", "retention");
    assert!(!missing.is_empty());
    let out = joubun()
        .args([
            "search",
            "--json",
            "-n",
            "10000",
            "--no-update",
            "--missing",
            "retention",
        ])
        .arg("--index")
        .arg(index.path())
        .output()
        .unwrap();
    let lines = super::util::json_lines(&out);
    let (summary, hits) = lines.split_last().unwrap();
    let mut docs: Vec<String> = hits
        .iter()
        .map(|h| h["doc"].as_str().unwrap().to_string())
        .collect();
    docs.dedup();
    docs.sort();
    docs.dedup();
    assert_eq!(docs, missing);
    // Every clause of those documents, as `parse` makes them.
    let expected: usize = missing
        .iter()
        .map(|doc| {
            let out = joubun()
                .args(["parse", "--json"])
                .arg(corpus().join(doc))
                .output()
                .unwrap();
            stdout_of(&out).lines().count()
        })
        .sum();
    assert_eq!(summary["summary"]["total"], expected);
}

#[test]
fn check_filters_leave_out_documents_that_are_not_privacy_policies() {
    let dir = policies();
    fs::write(
        dir.path().join("terms.txt"),
        "利用規約\n\n第1条（適用）\n本規約は、本サービスの利用に適用されます。\n",
    )
    .unwrap();
    let index = tempfile::tempdir().unwrap();
    index_into(dir.path(), index.path());
    // The terms say nothing about security measures, yet are no policy that fails to.
    assert_eq!(
        documents_kept(index.path(), "--missing", "requests"),
        ["vague-privacy.txt"]
    );
    // A Japanese name and an alias name the same item.
    for name in [
        "安全管理措置",
        "Security-Measures",
        "保有個人データの安全管理のために講じた措置",
    ] {
        assert_eq!(
            documents_kept(index.path(), "--weak", name),
            ["vague-privacy.txt"],
            "{name}"
        );
    }
    let out = joubun()
        .args([
            "search",
            "--no-update",
            "--missing",
            "requests",
            "本規約",
            "--index",
        ])
        .arg(index.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stdout_of(&out));

    // check itself takes the same filters, from files as from the index.
    for from_files in [true, false] {
        let mut cmd = joubun();
        cmd.args(["check", "--format", "json", "--missing", "requests"]);
        match from_files {
            true => cmd.arg(dir.path()),
            false => cmd.arg("--index").arg(index.path()),
        };
        let docs = json(&cmd.output().unwrap());
        let names: Vec<&str> = docs
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["doc"].as_str().unwrap())
            .collect();
        assert_eq!(names, ["vague-privacy.txt"], "from files: {from_files}");
    }
}

#[test]
fn an_unknown_check_item_exits_2_naming_the_known_ones() {
    let dir = tempfile::tempdir().unwrap();
    let index = dir.path().join("index");
    for command in ["search", "facets", "export", "check"] {
        let mut cmd = joubun();
        cmd.args([command, "--missing", "securty", "--index"])
            .arg(&index)
            .arg("--corpus")
            .arg(corpus());
        if command == "export" {
            cmd.args(["--format", "csv"]);
        }
        let out = cmd.output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{command}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains("did you mean security"),
            "{command}: {stderr}"
        );
        assert!(stderr.contains("retention"), "{command}: {stderr}");
    }
    // Refused before any index is built.
    assert!(!index.exists());
}

#[test]
fn a_business_named_only_in_the_title_is_weak_citing_the_title() {
    let dir = tempfile::tempdir().unwrap();
    let policy = dir.path().join("titled-privacy.txt");
    fs::write(
        &policy,
        "株式会社タイトル プライバシーポリシー\n\n第1条（利用目的）\n当社は、個人情報をサービスの提供及びお問い合わせへの回答のために利用します。\n",
    )
    .unwrap();
    let docs = json(
        &joubun()
            .args(["check", "--format", "json"])
            .arg(&policy)
            .output()
            .unwrap(),
    );
    let business = docs[0]["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["item"] == "business")
        .unwrap();
    assert_eq!(business["status"], "weak", "{business}");
    assert_eq!(business["evidence"][0]["cite"], "title", "{business}");
    assert_eq!(
        business["evidence"][0]["location"], "titled-privacy.txt (title)",
        "{business}"
    );
}

/// A facet filter keeps the same policies whether they are parsed on the fly or read from the index:
/// values in any case, Japanese type names, a clause's other types and wider jurisdictions alike.
#[test]
fn facet_filters_choose_the_same_policies_from_files_and_index() {
    let index = tempfile::tempdir().unwrap();
    index_into(corpus(), index.path());
    let docs = |source: &[&std::ffi::OsStr], filter: &[&str]| {
        let out = joubun()
            .args(["check", "--format", "json"])
            .args(filter)
            .args(source)
            .output()
            .unwrap();
        match out.status.code() {
            Some(2) => Vec::new(),
            _ => (json(&out).as_array().unwrap().iter())
                .map(|d| d["doc"].as_str().unwrap().to_string())
                .collect::<Vec<_>>(),
        }
    };
    let (corpus, index) = (corpus(), index.path().as_os_str().to_owned());
    for filter in [
        ["--type", "第三者提供"],
        ["--type", "Outsourcing"],
        ["--lang", "JP"],
        ["--cites", "appi"],
        ["--jurisdiction", "us"],
        ["--company", "live2d"],
    ] {
        let from_files = docs(&[corpus.as_os_str()], &filter);
        let from_index = docs(&["--index".as_ref(), &index], &filter);
        assert_eq!(from_files, from_index, "{filter:?}");
        assert!(!from_files.is_empty(), "{filter:?} keeps some policy");
    }
}
