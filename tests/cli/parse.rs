//! `joubun parse` on the bundled corpus and on small fixtures of every numbering style and encoding.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use predicates::prelude::*;
use serde_json::Value;

use crate::util::{corpus, joubun, json_lines, succeed};

fn parse(path: &Path) -> Vec<Value> {
    json_lines(&succeed(joubun().args(["parse", "--json"]).arg(path)))
}

/// The numbered articles, in order, whose first clause is in `lang`.
fn articles(clauses: &[Value], lang: &str) -> Vec<String> {
    let mut seen = Vec::new();
    let mut current = None;
    for c in clauses {
        let this = (c["article"].clone(), c["heading"].clone());
        if current.as_ref() == Some(&this) {
            continue;
        }
        current = Some(this);
        if c["lang"] == lang
            && let Some(a) = c["article"].as_str()
        {
            seen.push(a.to_string());
        }
    }
    seen
}

fn str_of(v: &Value) -> &str {
    v.as_str().unwrap_or("")
}

#[test]
fn lnsoft_has_eighteen_articles() {
    let clauses = parse(&corpus().join("lnsoft.txt"));
    let expected: Vec<String> = (1..=18).map(|n| format!("第{n}条")).collect();
    assert_eq!(articles(&clauses, "ja"), expected);
    assert!(clauses.iter().all(|c| c["company"] == "LNSOFT"));
    let ga = clauses
        .iter()
        .find(|c| str_of(&c["text"]).contains("Google Analytics"))
        .unwrap();
    assert_eq!(
        (ga["article"].as_str(), ga["type"].as_str()),
        (Some("第17条"), Some("cookies"))
    );
    let third = clauses.iter().find(|c| c["article"] == "第12条").unwrap();
    assert_eq!(third["type"], "third-party");
    assert_eq!(third["id"], "lnsoft#12.1");
}

#[test]
fn heyimg_paragraphs_hold_their_items() {
    let clauses = parse(&corpus().join("heyimg.txt"));
    assert_eq!(
        articles(&clauses, "ja"),
        (1..=10).map(|n| format!("第{n}条")).collect::<Vec<_>>()
    );
    let art4: Vec<(&str, &str)> = clauses
        .iter()
        .filter(|c| c["article"] == "第4条")
        .map(|c| (str_of(&c["label"]), str_of(&c["level"])))
        .collect();
    assert_eq!(
        art4[..3],
        [("1", "paragraph"), ("1-(1)", "item"), ("1-(2)", "item")]
    );
    assert!(art4.contains(&("2", "paragraph")) && art4.contains(&("2-(4)", "item")));
    assert!(clauses.iter().all(|c| c["company"] == "HeyImg"));
    assert!(
        !clauses
            .iter()
            .any(|c| str_of(&c["text"]).starts_with("title:")),
        "front matter is not a clause"
    );
}

#[test]
fn live2d_has_eight_sections_per_language_and_no_furniture() {
    let clauses = parse(&corpus().join("live2d.txt"));
    let numbers: Vec<String> = (1..=8).map(|n| n.to_string()).collect();
    assert_eq!(articles(&clauses, "ja"), numbers);
    assert_eq!(articles(&clauses, "en"), numbers);
    for furniture in [
        "事業紹介",
        "採用情報",
        "閉じる",
        "印刷用ページ",
        "©",
        "ロゴガイドライン",
        "twitter.com",
    ] {
        assert!(
            !clauses
                .iter()
                .any(|c| str_of(&c["text"]).contains(furniture)),
            "{furniture} leaked into a clause"
        );
    }
    let p = clauses
        .iter()
        .find(|c| c["label"] == "3.2" && c["lang"] == "en")
        .unwrap();
    assert_eq!(
        (p["article"].as_str(), p["heading"].as_str()),
        (Some("3"), Some("Provision to A Third Party"))
    );
    assert_eq!(p["type"], "third-party");
    assert!(clauses.iter().all(|c| c["company"] == "Live2D"));
    assert_eq!(clauses[0]["date"], "2022-02-02");
}

#[test]
fn livals_has_a_preamble_and_seven_sections() {
    let clauses = parse(&corpus().join("livals.txt"));
    assert!(
        clauses[0]["article"].is_null() && clauses[0]["heading"].is_null(),
        "preamble first"
    );
    assert_eq!(
        articles(&clauses, "ja"),
        (1..=7).map(|n| n.to_string()).collect::<Vec<_>>()
    );
    assert_eq!(clauses[0]["date"], "2025-01-01");
    assert_eq!(clauses[0]["jurisdictions"], serde_json::json!(["JP"]));
    assert_eq!(clauses[0]["jurisdictions_inferred"], true);
}

#[test]
fn english_policy_sections_and_jurisdictions() {
    let clauses = parse(&corpus().join("english-policy.txt"));
    let headings: BTreeSet<&str> = clauses
        .iter()
        .filter_map(|c| c["heading"].as_str())
        .collect();
    for h in [
        "Specific Information",
        "Purpose of Use",
        "Automatic Acquisition",
        "Use of Cookie",
        "Provision to Abroad",
    ] {
        assert!(headings.contains(h), "{h} missing from {headings:?}");
    }
    assert!(
        clauses.iter().all(|c| c["company"].is_null()),
        "no company is named"
    );
    assert!(clauses.iter().all(|c| c["lang"] == "en"));
    assert_eq!(
        clauses[0]["jurisdictions"],
        serde_json::json!(["EU", "JP", "US-CA"])
    );
    assert_eq!(
        clauses[0]["cites"],
        serde_json::json!(["APPI", "GDPR", "CCPA"])
    );
}

#[test]
fn ids_are_unique_and_stable() {
    let first = parse(&corpus());
    let second = parse(&corpus());
    let ids: Vec<&str> = first.iter().map(|c| str_of(&c["id"])).collect();
    assert_eq!(
        ids.iter().collect::<BTreeSet<_>>().len(),
        ids.len(),
        "duplicate ids"
    );
    assert_eq!(
        ids,
        second.iter().map(|c| str_of(&c["id"])).collect::<Vec<_>>()
    );
    let per_doc: BTreeMap<&str, usize> = first.iter().fold(BTreeMap::new(), |mut m, c| {
        *m.entry(str_of(&c["doc"])).or_default() += 1;
        m
    });
    assert_eq!(per_doc.len(), 5);
}

#[test]
fn every_numbering_style_is_recognised() {
    let dir = tempfile::tempdir().unwrap();
    let text = "第一条（目的）\n本規程の目的を定める。\n\n第 2 条（定義）\n１．用語を定義する。\n（1）個人情報\n（2）個人データ\n① 氏名\n\n第十二条（変更）\n変更する。\n";
    std::fs::write(dir.path().join("jo.txt"), text).unwrap();
    let c = parse(&dir.path().join("jo.txt"));
    assert_eq!(articles(&c, "ja"), ["第1条", "第2条", "第12条"]);
    let labels: Vec<&str> = c
        .iter()
        .filter(|c| c["article"] == "第2条")
        .map(|c| str_of(&c["label"]))
        .collect();
    assert_eq!(labels, ["1", "1-(1)", "1-(2)", "1-(2)-①"]);

    let md = "# 方針\n\n## 第 1 条（総則）\n\n本文。\n\n### 2\\. 利用目的\n\n2.1 営業のため\n\nア　登録情報\n";
    std::fs::write(dir.path().join("md.md"), md).unwrap();
    let c = parse(&dir.path().join("md.md"));
    assert_eq!(articles(&c, "ja"), ["第1条"]);

    let dotted = "プライバシーポリシー\n\n1. 個人情報の管理\n\n当社は個人情報を適切に管理します。\n\n2. 第三者提供\n\n当社は次の場合を除き提供しません。\n(1) 法令に基づく場合\n";
    std::fs::write(dir.path().join("dotted.txt"), dotted).unwrap();
    let c = parse(&dir.path().join("dotted.txt"));
    assert_eq!(articles(&c, "ja"), ["1", "2"]);
    let last = c.last().unwrap();
    assert_eq!(
        (
            str_of(&last["heading"]),
            str_of(&last["label"]),
            str_of(&last["type"])
        ),
        ("第三者提供", "1-(1)", "third-party")
    );

    let sections =
        "1 個人情報の管理\n\n管理します。\n\n2 個人情報の取得\n\n1. 適正に取得します。\n";
    std::fs::write(dir.path().join("sections.txt"), sections).unwrap();
    let c = parse(&dir.path().join("sections.txt"));
    assert_eq!(articles(&c, "ja"), ["1", "2"]);
}

#[test]
fn every_encoding_decodes() {
    let dir = tempfile::tempdir().unwrap();
    let text = "第1条（目的）\n当社は、個人情報を適切に取り扱います。\n";
    std::fs::write(
        dir.path().join("sjis.txt"),
        encoding_rs::SHIFT_JIS.encode(text).0,
    )
    .unwrap();
    std::fs::write(
        dir.path().join("euc.txt"),
        encoding_rs::EUC_JP.encode(text).0,
    )
    .unwrap();
    let mut utf16 = vec![0xFF, 0xFE];
    utf16.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    std::fs::write(dir.path().join("utf16.txt"), utf16).unwrap();
    std::fs::write(
        dir.path().join("bom.txt"),
        [b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat(),
    )
    .unwrap();
    let html = "<html><body><nav><a href='/'>ホーム</a></nav><h2>第1条（目的）</h2><p>当社は、個人情報を<a href='#'>適切に</a>取り扱います。</p></body></html>";
    std::fs::write(dir.path().join("page.html"), html).unwrap();
    let c = parse(dir.path());
    let texts: Vec<&str> = c.iter().map(|c| str_of(&c["text"])).collect();
    for doc in ["bom.txt", "euc.txt", "page.html", "sjis.txt", "utf16.txt"] {
        let clause = c
            .iter()
            .find(|c| c["doc"] == doc)
            .unwrap_or_else(|| panic!("{doc} missing: {texts:?}"));
        assert_eq!(
            clause["text"], "当社は、個人情報を適切に取り扱います。",
            "{doc}"
        );
        assert_eq!(clause["article"], "第1条", "{doc}");
    }
}

#[test]
fn bad_files_are_reported_and_the_rest_parsed() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("empty.txt"), "").unwrap();
    std::fs::write(
        d.join("binary.txt"),
        [0x7F, b'E', b'L', b'F', 0, 0, 0, 1, 2, 3],
    )
    .unwrap();
    let mut truncated = encoding_rs::SHIFT_JIS
        .encode("当社は個人情報を守ります。")
        .0
        .into_owned();
    truncated.pop();
    std::fs::write(d.join("truncated-sjis.txt"), truncated).unwrap();
    std::fs::write(
        d.join("plain.txt"),
        "構造のない文章です。\n\n二つ目の段落です。\n",
    )
    .unwrap();
    std::fs::write(
        d.join("one-line.txt"),
        "個人情報を守ります。".repeat(1024 * 1024 / 30),
    )
    .unwrap();
    std::fs::write(
        d.join("garbage.txt"),
        [0x81, 0xFF, 0xFE, 0x80, 0xFD, 0xA0, 0xFF],
    )
    .unwrap();
    let out = joubun().args(["parse", "--json"]).arg(d).output().unwrap();
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("binary.txt: binary file"), "{stderr}");
    assert!(
        stderr.contains("garbage.txt") && stderr.contains("cannot decode"),
        "{stderr}"
    );
    let clauses = json_lines(&out);
    let docs: BTreeSet<&str> = clauses.iter().map(|c| str_of(&c["doc"])).collect();
    assert_eq!(
        docs,
        BTreeSet::from(["one-line.txt", "plain.txt", "truncated-sjis.txt"])
    );
    assert_eq!(
        clauses.iter().filter(|c| c["doc"] == "plain.txt").count(),
        2
    );
    assert!(
        clauses
            .iter()
            .any(|c| str_of(&c["text"]).starts_with("当社は個人情報を守ります"))
    );
}

#[test]
fn a_fifty_megabyte_file_is_parsed() {
    let dir = tempfile::tempdir().unwrap();
    let article = "第1条（目的）\n\n当社は、個人情報を適切に取り扱います。\n\n";
    let body = article.repeat(50 * 1024 * 1024 / article.len());
    std::fs::write(dir.path().join("big.txt"), &body).unwrap();
    let out = succeed(
        joubun()
            .args(["parse", "--json"])
            .arg(dir.path().join("big.txt")),
    );
    let lines = out.stdout.iter().filter(|b| **b == b'\n').count();
    assert_eq!(lines, 50 * 1024 * 1024 / article.len());
}

#[test]
fn explain_shows_the_cues() {
    let out = joubun()
        .args(["parse", "--explain"])
        .arg(corpus().join("lnsoft.txt"))
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("company from: title 「LNSOFT プライバシーポリシー」"),
        "{text}"
    );
    assert!(
        text.contains("type from article: heading 「第三者への提供等」 has “第三者への提供”"),
        "{text}"
    );
}

#[test]
fn a_missing_path_is_an_error() {
    joubun()
        .args(["parse", "/no/such/place"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("no such file or folder"));
}

#[test]
fn hidden_files_are_skipped_and_links_followed_only_when_asked() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let body = "第1条（目的）\n当社は個人情報を守ります。\n";
    std::fs::create_dir_all(d.join(".git")).unwrap();
    std::fs::write(d.join(".git/policy.txt"), body).unwrap();
    std::fs::write(d.join(".hidden.txt"), body).unwrap();
    std::fs::write(d.join("b.md"), body).unwrap();
    std::fs::write(d.join("a.txt"), body).unwrap();
    std::fs::write(d.join("notes.pdf"), body).unwrap();
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("linked.txt"), body).unwrap();
    std::os::unix::fs::symlink(outside.path(), d.join("link")).unwrap();
    std::os::unix::fs::symlink(d, d.join("loop")).unwrap();

    let docs = |clauses: Vec<Value>| {
        clauses
            .iter()
            .map(|c| str_of(&c["doc"]).to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(
        docs(parse(d)),
        ["a.txt", "b.md"],
        "hidden, non-document and linked files are left out"
    );
    let out = succeed(joubun().args(["parse", "--json", "--follow"]).arg(d));
    assert_eq!(docs(json_lines(&out)), ["a.txt", "b.md", "link/linked.txt"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("symbolic link loop"));
}

#[test]
fn asserted_facts_beat_the_text() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let body =
        "株式会社テキスト（以下「当社」といいます。）は、2020年4月1日制定のこの方針を守ります。\n";
    std::fs::write(d.join("asserted.txt"), body).unwrap();
    std::fs::write(
        d.join("front.md"),
        format!("---\ntitle: 方針\ncompany: 株式会社フロント\ndate: 2024-05-01\n---\n\n{body}"),
    )
    .unwrap();
    std::fs::write(d.join("read.txt"), body).unwrap();
    std::fs::write(
        d.join("joubun.toml"),
        "[files.\"asserted.txt\"]\ncompany = \"Asserted KK\"\ndate = \"2023-01-01\"\njurisdiction = [\"JP\", \"EU\"]\n",
    )
    .unwrap();
    let clauses = parse(d);
    let fact =
        |doc: &str, field: &str| clauses.iter().find(|c| c["doc"] == doc).unwrap()[field].clone();
    assert_eq!(fact("asserted.txt", "company"), "Asserted KK");
    assert_eq!(fact("asserted.txt", "date"), "2023-01-01");
    assert_eq!(
        fact("asserted.txt", "jurisdictions"),
        serde_json::json!(["JP", "EU"])
    );
    assert_eq!(fact("front.md", "company"), "フロント");
    assert_eq!(fact("front.md", "date"), "2024-05-01");
    assert_eq!(fact("read.txt", "company"), "テキスト");
    assert_eq!(fact("read.txt", "date"), "2020-04-01");
}

#[test]
fn a_bad_joubun_toml_is_an_error_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.txt"), "本文。\n").unwrap();
    std::fs::write(
        dir.path().join("joubun.toml"),
        "[files.\"a.txt\"]\ncompnay = \"typo\"\n",
    )
    .unwrap();
    joubun()
        .args(["parse"])
        .arg(dir.path())
        .assert()
        .code(2)
        .stderr(predicates::str::contains("joubun.toml").and(predicates::str::contains("compnay")));
}

/// Parses `text` saved as `name` and returns (cite, text) of every clause.
fn cites(name: &str, text: &str) -> Vec<(String, String)> {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(name), text).unwrap();
    parse(&dir.path().join(name))
        .iter()
        .map(|c| {
            (
                str_of(&c["cite"]).to_string(),
                str_of(&c["text"]).to_string(),
            )
        })
        .collect()
}

#[test]
fn every_clause_is_cited_in_the_documents_own_terms() {
    let statute = "個人情報の保護に関する法律\n\n第一章　総則\n（定義）\n第二条　この法律において「個人情報」とは、次の各号のいずれかに該当するものをいう。\n一　氏名\n二　個人識別符号が含まれるもの\n２　この法律において「個人識別符号」とは、符号をいう。\n（第三者提供の制限）\n第二十七条　個人情報取扱事業者は、次に掲げる場合を除くほか、提供してはならない。\n一　法令に基づく場合\nイ　細目\n第二十七条の二　前条の規定は、適用しない。\n";
    let got = cites("statute.txt", statute);
    let cite_of = |anchor: &str| {
        got.iter()
            .find(|(_, t)| t.contains(anchor))
            .map(|(c, _)| c.as_str())
            .unwrap_or("missing")
    };
    assert_eq!(cite_of("法令に基づく場合"), "第27条第1項第1号");
    assert_eq!(cite_of("「個人識別符号」とは"), "第2条第2項");
    assert_eq!(cite_of("二　個人識別符号"), "第2条第1項第2号");
    assert_eq!(cite_of("細目"), "第27条第1項第1号イ");
    assert_eq!(cite_of("前条の規定"), "第27条の2第1項");
    assert!(
        got.iter().all(|(_, t)| !t.contains("総則")),
        "a chapter title is no clause"
    );

    // Markdown articles: `第N条 見出し`, nested ordered lists, the first paragraph unnumbered.
    let md = "## 第5条 第三者提供\n\n1. 当社は提供しません。\n    1. 人の生命の保護\n    2. 公衆衛生の向上\n2. 前項にかかわらず、委託先は第三者に当たりません。\n\n## 第6条：使用制限\n\n宗教活動には貸し出さない。\n\n2.使用予約は３カ月先までとする。\n";
    let got = cites("md.md", md);
    let cite_of = |anchor: &str| {
        got.iter()
            .find(|(_, t)| t.contains(anchor))
            .map(|(c, _)| c.clone())
            .unwrap_or_default()
    };
    assert_eq!(cite_of("公衆衛生"), "第5条第1項第2号");
    assert_eq!(cite_of("委託先"), "第5条第2項");
    assert_eq!(cite_of("使用予約"), "第6条第2項");

    // Sections without articles: `5.1(2)` and `§3 ¶2` style.
    let sections = "# Policy\n\n## 5. Sharing\n\n5.1 We share data only as follows.\n\n(1) With consent.\n\n(2) By law.\n";
    let got = cites("sections.md", sections);
    assert!(
        got.contains(&("5.1(2)".to_string(), "(2) By law.".to_string())),
        "{got:?}"
    );
}

#[test]
fn markup_is_never_a_clause() {
    let md = "<div>\n<!-- note -->\n<h2>方針</h2>\n<p>当社は守ります。</p>\n</div>\n\n|区分|金額|\n|---|---|\n|振込|330円|\n\n---\n\n```\n注記です。\n```\n{: .x }\n";
    let got = cites("markup.md", md);
    let texts: Vec<&str> = got.iter().map(|(_, t)| t.as_str()).collect();
    assert_eq!(
        texts,
        ["当社は守ります。", "区分: 振込 / 金額: 330円", "注記です。"]
    );
}
