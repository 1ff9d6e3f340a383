//! One reader per input format, driven through `joubun parse` and `joubun index`: e-Gov statute XML,
//! PDF, Word .docx, HTML and Markdown with HTML in it.

use std::io::Write;
use std::path::Path;

use lopdf::content::{Content, Operation};
use lopdf::{Document, Object, Stream, dictionary};
use serde_json::Value;

use crate::util::{index_into, joubun, json_lines, stdout_of, succeed};

fn fixture(name: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn texts(clauses: &[Value]) -> Vec<String> {
    clauses
        .iter()
        .map(|c| c["text"].as_str().unwrap_or("").to_string())
        .collect()
}

fn parse(path: &Path) -> Vec<Value> {
    json_lines(&succeed(joubun().args(["parse", "--json"]).arg(path)))
}

/// A clause is never a bare number, a table's rule or a lone tag.
fn assert_no_markup(texts: &[String]) {
    for t in texts {
        assert!(
            t.chars().any(|c| c.is_alphabetic()),
            "a clause without words: {t:?}"
        );
        assert!(
            !t.trim_start().starts_with('<'),
            "markup as a clause: {t:?}"
        );
    }
}

#[test]
fn a_statute_in_egov_xml_reads_with_its_title_and_text() {
    let clauses = parse(&fixture("appi-excerpt.egov.xml"));
    let texts = texts(&clauses);
    assert!(
        clauses
            .iter()
            .all(|c| c["title"] == "個人情報の保護に関する法律"),
        "{:?}",
        clauses.first()
    );
    for wanted in [
        "法令に基づく場合",
        "この法律において「個人識別符号」とは",
        "個人情報取扱事業者は、次に掲げる場合を除くほか",
    ] {
        assert!(
            texts.iter().any(|t| t.contains(wanted)),
            "{wanted}: {texts:?}"
        );
    }
    // The table of contents and the XML's own markup never become text.
    assert!(!texts.iter().any(|t| t.contains("目次")));
    assert_no_markup(&texts);
}

#[test]
fn xml_that_is_not_a_statute_is_skipped_with_a_reason() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("feed.xml"),
        "<rss><channel><title>x</title></channel></rss>",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("policy.txt"),
        "第1条（目的）\n当社は個人情報を守ります。\n",
    )
    .unwrap();
    let out = succeed(joubun().args(["parse", "--json"]).arg(dir.path()));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("skipped")
            && stderr.contains("feed.xml")
            && stderr.contains("not a statute"),
        "{stderr}"
    );
    assert!(json_lines(&out).iter().all(|c| c["doc"] == "policy.txt"));
}

#[test]
fn an_old_japanese_pdf_reads_into_its_numbered_sections() {
    // An old government notice whose fonts write Shift_JIS through the 90ms-RKSJ-H CMap.
    let clauses = parse(&fixture("meti-security-standard.pdf"));
    let texts = texts(&clauses);
    for wanted in [
        "一　主旨",
        "二　用語の定義",
        "三　基準の構成",
        "四　適用区分",
    ] {
        assert!(
            texts.iter().any(|t| t.starts_with(wanted)),
            "{wanted}: {texts:?}"
        );
    }
    // A paragraph wrapped over three lines reads as one.
    assert!(texts.iter().any(|t| t.contains(
        "自然災害、機器の障害、故意・過失等のリスクを未然に防止し、また、発生したときの影響の最小化及び回復の迅速化を図るため"
    )), "{texts:?}");
    assert_no_markup(&texts);
}

/// A PDF of `pages`, each a list of (x, y, Shift_JIS text) drawn in a Japanese font through the
/// 90ms-RKSJ-H CMap, as old Japanese word processors wrote them.
fn japanese_pdf(pages: &[Vec<(f32, f32, &str)>]) -> Vec<u8> {
    let mut doc = Document::with_version("1.4");
    let pages_id = doc.new_object_id();
    let font = doc.add_object(dictionary! {
        "Type" => "Font",
        "Subtype" => "Type0",
        "BaseFont" => "MS-Mincho",
        "Encoding" => "90ms-RKSJ-H",
    });
    let resources = doc.add_object(dictionary! { "Font" => dictionary! { "F1" => font } });
    let mut kids = Vec::new();
    for lines in pages {
        let mut ops = vec![Operation::new("BT", vec![])];
        ops.push(Operation::new("Tf", vec!["F1".into(), 10.into()]));
        for (x, y, text) in lines {
            let bytes = encoding_rs::SHIFT_JIS.encode(text).0.into_owned();
            ops.push(Operation::new(
                "Tm",
                vec![
                    1.into(),
                    0.into(),
                    0.into(),
                    1.into(),
                    (*x).into(),
                    (*y).into(),
                ],
            ));
            ops.push(Operation::new(
                "Tj",
                vec![Object::String(bytes, lopdf::StringFormat::Hexadecimal)],
            ));
        }
        ops.push(Operation::new("ET", vec![]));
        let content = Content { operations: ops };
        let stream = doc.add_object(Stream::new(dictionary! {}, content.encode().unwrap()));
        kids.push(
            doc.add_object(dictionary! {
                "Type" => "Page",
                "Parent" => pages_id,
                "Contents" => stream,
                "Resources" => resources,
                "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
            })
            .into(),
        );
    }
    let count = kids.len() as i64;
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! { "Type" => "Pages", "Kids" => kids, "Count" => count }),
    );
    let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog);
    let mut bytes = Vec::new();
    doc.save_to(&mut bytes).unwrap();
    bytes
}

#[test]
fn a_pdf_loses_its_page_furniture_and_keeps_its_paragraphs() {
    let body = |n: usize| -> Vec<(f32, f32, &'static str)> {
        let mut lines = vec![(50.0, 800.0, "株式会社テスト　社外秘")];
        lines.extend(match n {
            0 => vec![
                (50.0, 700.0, "第１条（目的）"),
                (
                    50.0,
                    680.0,
                    "当社は、お客様の個人情報を適切に取り扱うため、この規程を定めるものとし",
                ),
                (50.0, 665.0, "、全ての従業者はこれに従う。"),
            ],
            1 => vec![
                (50.0, 700.0, "第２条（定義）"),
                (
                    50.0,
                    680.0,
                    "この規程において個人情報とは、生存する個人に関する情報であって、特定の",
                ),
                (50.0, 665.0, "個人を識別することができるものをいう。"),
            ],
            _ => vec![
                (50.0, 700.0, "第３条（改定）"),
                (50.0, 680.0, "当社は、この規程を改定することがある。"),
            ],
        });
        lines.push((
            280.0,
            40.0,
            match n {
                0 => "- 1 -",
                1 => "- 2 -",
                _ => "- 3 -",
            },
        ));
        lines
    };
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("kitei.pdf");
    std::fs::write(&path, japanese_pdf(&[body(0), body(1), body(2)])).unwrap();
    let texts = texts(&parse(&path));
    assert!(
        !texts
            .iter()
            .any(|t| t.contains("社外秘") || t.contains("- 2 -")),
        "{texts:?}"
    );
    assert!(
        texts
            .iter()
            .any(|t| t.contains("この規程を定めるものとし、全ての従業者はこれに従う。")),
        "{texts:?}"
    );
    assert!(
        texts
            .iter()
            .any(|t| t.contains("特定の個人を識別することができるものをいう。")),
        "{texts:?}"
    );
    assert_no_markup(&texts);
}

#[test]
fn a_pdf_without_text_or_broken_is_skipped_with_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("scan.pdf"), japanese_pdf(&[vec![], vec![]])).unwrap();
    std::fs::write(
        dir.path().join("broken.pdf"),
        b"%PDF-1.4\n1 0 obj << /Type /Catalog",
    )
    .unwrap();
    let mut truncated = japanese_pdf(&[vec![(50.0, 700.0, "第１条　本文")]]);
    truncated.truncate(truncated.len() / 3);
    std::fs::write(dir.path().join("cut.pdf"), truncated).unwrap();
    let out = joubun()
        .args(["parse", "--json"])
        .arg(dir.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("scan.pdf: PDF without a text layer"),
        "{stderr}"
    );
    assert!(
        stderr.contains("skipped") && stderr.contains("broken.pdf"),
        "{stderr}"
    );
    assert!(stderr.contains("cut.pdf"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(stdout_of(&out), "", "nothing is indexed as junk");
    assert_eq!(out.status.code(), Some(1));
}

/// A `.docx` made of `document`'s body XML, with a heading style and two list formats: articles
/// numbered 第%1条 with paragraphs ２, ３ below them, and bullets.
fn docx(body: &str) -> Vec<u8> {
    const W: &str = "xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"";
    let document = format!(
        "<?xml version=\"1.0\"?><w:document {W}><w:body>{body}<w:sectPr/></w:body></w:document>"
    );
    let styles = format!(
        "<?xml version=\"1.0\"?><w:styles {W}>\
         <w:style w:type=\"paragraph\" w:styleId=\"1\"><w:name w:val=\"heading 1\"/></w:style>\
         <w:style w:type=\"paragraph\" w:styleId=\"a5\"><w:name w:val=\"List Paragraph\"/></w:style>\
         </w:styles>"
    );
    let numbering = format!(
        "<?xml version=\"1.0\"?><w:numbering {W}>\
         <w:abstractNum w:abstractNumId=\"0\">\
           <w:lvl w:ilvl=\"0\"><w:start w:val=\"1\"/><w:numFmt w:val=\"decimal\"/><w:lvlText w:val=\"第%1条\"/></w:lvl>\
           <w:lvl w:ilvl=\"1\"><w:start w:val=\"2\"/><w:numFmt w:val=\"decimalFullWidth\"/><w:lvlText w:val=\"%2\"/></w:lvl>\
           <w:lvl w:ilvl=\"2\"><w:start w:val=\"1\"/><w:numFmt w:val=\"japaneseCounting\"/><w:lvlText w:val=\"%3\"/></w:lvl>\
         </w:abstractNum>\
         <w:abstractNum w:abstractNumId=\"1\">\
           <w:lvl w:ilvl=\"0\"><w:numFmt w:val=\"bullet\"/><w:lvlText w:val=\"\u{F0B7}\"/></w:lvl>\
         </w:abstractNum>\
         <w:num w:numId=\"1\"><w:abstractNumId w:val=\"0\"/></w:num>\
         <w:num w:numId=\"2\"><w:abstractNumId w:val=\"1\"/></w:num>\
         </w:numbering>"
    );
    let mut bytes = Vec::new();
    {
        let mut zip = zip::ZipWriter::new(std::io::Cursor::new(&mut bytes));
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        for (name, text) in [
            (
                "[Content_Types].xml",
                "<?xml version=\"1.0\"?><Types/>".to_string(),
            ),
            ("word/document.xml", document),
            ("word/styles.xml", styles),
            ("word/numbering.xml", numbering),
        ] {
            zip.start_file(name, options).unwrap();
            zip.write_all(text.as_bytes()).unwrap();
        }
        zip.finish().unwrap();
    }
    bytes
}

fn para(text: &str, style: Option<&str>, num: Option<(u32, u32)>) -> String {
    let style = style.map_or(String::new(), |s| format!("<w:pStyle w:val=\"{s}\"/>"));
    let num = num.map_or(String::new(), |(id, level)| {
        format!("<w:numPr><w:ilvl w:val=\"{level}\"/><w:numId w:val=\"{id}\"/></w:numPr>")
    });
    format!(
        "<w:p><w:pPr>{style}{num}</w:pPr><w:r><w:t xml:space=\"preserve\">{text}</w:t></w:r></w:p>"
    )
}

#[test]
fn a_docx_reads_headings_numbering_and_tables() {
    let cell = |t: &str| format!("<w:tc>{}</w:tc>", para(t, None, None));
    let body = [
        para("個人情報取扱規程", Some("1"), None),
        para("（目的）", None, None),
        para("この規程は、個人情報の取扱いを定める。", None, Some((1, 0))),
        para("（定義）", None, None),
        para("この規程で用いる用語は、次のとおりとする。", None, Some((1, 0))),
        para("個人情報とは、生存する個人に関する情報をいう。", None, Some((1, 2))),
        para("本人とは、個人情報によって識別される個人をいう。", None, Some((1, 2))),
        para("前項の定めは、従業者に適用する。", None, Some((1, 1))),
        para("氏名", Some("a5"), Some((2, 0))),
        format!(
            "<w:tbl><w:tr>{}{}</w:tr><w:tr>{}{}</w:tr></w:tbl>",
            cell("送料"),
            cell("無料"),
            cell("返品"),
            cell("到着後8日以内")
        ),
        "<w:p><w:r><w:t>株式会社テスト</w:t><w:br/><w:t>代表取締役</w:t></w:r><w:r><w:delText>削除済み</w:delText></w:r></w:p>"
            .to_string(),
    ]
    .concat();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("kitei.docx");
    std::fs::write(&path, docx(&body)).unwrap();
    let clauses = parse(&path);
    let texts = texts(&clauses);
    assert!(
        clauses.iter().all(|c| c["title"] == "個人情報取扱規程"),
        "{clauses:?}"
    );
    for wanted in [
        "この規程は、個人情報の取扱いを定める。",
        "個人情報とは、生存する個人に関する情報をいう。",
        "前項の定めは、従業者に適用する。",
        "氏名",
    ] {
        assert!(
            texts.iter().any(|t| t.contains(wanted)),
            "{wanted}: {texts:?}"
        );
    }
    // Word's numbers are written out: the articles are found by the numbers Word shows.
    let articles: Vec<&str> = clauses
        .iter()
        .filter_map(|c| c["article"].as_str())
        .collect();
    assert!(
        articles.contains(&"第1条") && articles.contains(&"第2条"),
        "{articles:?}"
    );
    // A table row is one clause with both its cells.
    assert!(
        texts
            .iter()
            .any(|t| t.contains("送料") && t.contains("無料")),
        "{texts:?}"
    );
    assert!(
        !texts.iter().any(|t| t.contains("削除済み")),
        "deleted text is not text"
    );
    assert_no_markup(&texts);
}

#[test]
fn a_file_named_docx_that_is_not_one_is_skipped() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("fake.docx"), "plain text, not a zip").unwrap();
    let out = joubun().args(["parse"]).arg(dir.path()).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("skipped") && stderr.contains("not a Word .docx"),
        "{stderr}"
    );
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn deeply_nested_html_is_read() {
    // 100,000 nested elements: html5ever's tree builder took half a minute on this; reading tokens
    // takes each tag once.
    let depth = 100_000;
    let html = format!(
        "<html><body>{}<p>当社は個人情報を守ります。</p>{}</body></html>",
        "<div>".repeat(depth),
        "</div>".repeat(depth)
    );
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("deep.html");
    std::fs::write(&path, html).unwrap();
    let texts = texts(&parse(&path));
    assert_eq!(texts, ["当社は個人情報を守ります。"]);
}

#[test]
fn html_tables_lists_and_breaks_read_as_lines() {
    let html = "<html><head><style>td{}</style></head><body><header><nav><a>ホーム</a></nav></header>\
        <h1>特定商取引法に基づく表記</h1>\
        <table><tr><th>販売業者</th><td>株式会社テスト<br>代表 山田</td></tr>\
        <tr><th>送料</th><td>8,800</td></tr></table>\
        <ol><li>氏名</li><li>住所</li></ol><footer>© 2024 テスト</footer></body></html>";
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("tokusho.html");
    std::fs::write(&path, html).unwrap();
    let texts = texts(&parse(&path));
    assert!(
        texts
            .iter()
            .any(|t| t.contains("販売業者") && t.contains("代表 山田")),
        "{texts:?}"
    );
    assert!(
        texts
            .iter()
            .any(|t| t.contains("送料") && t.contains("8,800")),
        "{texts:?}"
    );
    assert!(
        !texts
            .iter()
            .any(|t| t == "8,800" || t.contains("ホーム") || t.contains("©"))
    );
    assert!(texts.iter().any(|t| t.ends_with("住所")), "{texts:?}");
    assert_no_markup(&texts);
}

#[test]
fn markdown_reads_its_html_blocks_as_html_on_their_own_lines() {
    let md = "---\ntitle: プライバシーポリシー\n---\n\n<div class=\"policy\">\n  <!-- 基本方針 -->\n  \
              <h2>基本方針</h2>\n  <p>\n    当事務所は個人情報を保護します。\n  </p>\n\n  <ul>\n    \
              <li><strong>氏名</strong>：必須</li>\n  </ul>\n</div>\n\n<!-- textlint-disable -->\n本文です。<br>\n";
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("privacy.md");
    std::fs::write(&path, md).unwrap();
    let clauses = parse(&path);
    let texts = texts(&clauses);
    assert_no_markup(&texts);
    assert!(
        !texts.iter().any(|t| t.contains('<') || t.contains("-->")),
        "{texts:?}"
    );
    // Each clause still points at the line of the file where its text is.
    let line_of = |needle: &str| {
        clauses
            .iter()
            .find(|c| c["text"].as_str().unwrap_or("").contains(needle))
            .map(|c| c["line_start"].as_u64().unwrap())
    };
    assert_eq!(line_of("当事務所は個人情報を保護します。"), Some(9));
    assert_eq!(line_of("必須"), Some(13));
    assert_eq!(line_of("本文です。"), Some(18));
}

#[test]
fn index_takes_every_format() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus");
    std::fs::create_dir(&corpus).unwrap();
    std::fs::copy(
        fixture("meti-security-standard.pdf"),
        corpus.join("meti.pdf"),
    )
    .unwrap();
    std::fs::copy(fixture("appi-excerpt.egov.xml"), corpus.join("appi.xml")).unwrap();
    std::fs::write(
        corpus.join("kitei.docx"),
        docx(&para("委託先の監督について定める。", None, Some((1, 0)))),
    )
    .unwrap();
    let index = dir.path().join("index");
    index_into(&corpus, &index);
    for (query, doc) in [
        ("可用性", "meti.pdf"),
        ("個人識別符号", "appi.xml"),
        ("委託先", "kitei.docx"),
    ] {
        let out = succeed(
            joubun()
                .args(["search", query, "--json", "--index"])
                .arg(&index),
        );
        let hits = json_lines(&out);
        assert!(
            hits.iter().any(|h| h["doc"] == doc),
            "{query} not found in {doc}: {}",
            stdout_of(&out)
        );
    }
}

/// The statutes of `../shared/` (CI has them at the same place), read whole.
fn shared_statute(path: &str) -> (String, Vec<Value>) {
    let file = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared")
        .join(path);
    let xml = std::fs::read_to_string(&file).unwrap();
    (xml, parse(&file))
}

#[test]
fn every_article_of_the_shared_statutes_is_citable_under_its_caption_and_chapter() {
    let (_, appi) = shared_statute("legal/appi.egov.xml");
    let by_cite = |cite: &str| {
        appi.iter()
            .find(|c| c["cite"] == cite)
            .unwrap_or_else(|| panic!("no clause cited {cite}"))
    };
    let item = by_cite("第27条第1項第1号");
    assert_eq!(item["text"], "一　法令に基づく場合");
    assert_eq!(item["heading"], "第三者提供の制限");
    assert_eq!(
        item["chapter"],
        "第四章　個人情報取扱事業者等の義務等 / 第二節　個人情報取扱事業者及び個人関連情報取扱事業者の義務"
    );
    assert!(
        by_cite("第2条第2項")["text"]
            .as_str()
            .unwrap()
            .starts_with("２　この法律において「個人識別符号」とは")
    );
    assert_eq!(by_cite("第1条第1項")["chapter"], "第一章　総則");
    for path in [
        "legal/appi.egov.xml",
        "legal/labor-standards.egov.xml",
        "devset/statutes/",
    ] {
        let files: Vec<String> = if path.ends_with('/') {
            let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../shared")
                .join(path);
            std::fs::read_dir(dir)
                .unwrap()
                .map(|e| format!("{path}{}", e.unwrap().file_name().to_string_lossy()))
                .collect()
        } else {
            vec![path.to_string()]
        };
        for file in files {
            let (xml, clauses) = shared_statute(&file);
            // Every caption the statute gives an article is that article's heading.
            let captions = xml.matches("<ArticleCaption").count();
            // An article is named by its chapter (each amendment's 附則 is one) and its label.
            let headed: std::collections::HashSet<(String, String)> = clauses
                .iter()
                .filter(|c| c["heading"].is_string() && c["article"].is_string())
                .map(|c| (c["chapter"].to_string(), c["article"].to_string()))
                .collect();
            assert!(
                headed.len() >= captions,
                "{file}: {captions} captions, {} articles headed",
                headed.len()
            );
            // Every clause of an article is cited by article and paragraph (an article with no body,
            // 「第八条　削除」, by article alone), and no two alike.
            let in_articles: Vec<&Value> = clauses
                .iter()
                .filter(|c| c["article"].is_string())
                .collect();
            for c in &in_articles {
                let cite = c["cite"].as_str().unwrap();
                let whole_article = c["level"] == "article";
                assert!(
                    cite.contains('条') && (whole_article || cite.contains('項')),
                    "{file}: {c}"
                );
            }
            let mut cites: Vec<&str> = in_articles
                .iter()
                .map(|c| c["cite"].as_str().unwrap())
                .collect();
            let all = cites.len();
            cites.sort();
            cites.dedup();
            assert!(
                cites.len() * 100 >= all * 95,
                "{file}: {} of {all} citations unique",
                cites.len()
            );
        }
    }
}
