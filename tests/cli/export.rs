//! Exports that drop into a memo: the format named by the file's extension, xlsx workbooks read back
//! cell by cell, chosen columns, and `check` written as a spreadsheet.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;

use predicates::prelude::*;
use serde_json::Value;

use super::util::{corpus, index_into, joubun, json_lines, json_search, stdout_of, succeed};

/// The bundled corpus indexed into a temp dir: (the dir, the index inside it).
fn bundled() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let index = dir.path().join("index");
    index_into(corpus(), &index);
    (dir, index)
}

/// Runs `joubun export ARGS --index INDEX`.
fn export(index: &Path, args: &[&str]) -> assert_cmd::assert::Assert {
    joubun()
        .arg("export")
        .args(args)
        .arg("--index")
        .arg(index)
        .assert()
}

/// One cell of a sheet as written: its type attribute (`inlineStr`, `s`, `n`, or empty) and its text.
#[derive(Debug, Clone, PartialEq)]
struct XlsxCell {
    kind: String,
    text: String,
}

/// The first sheet of an xlsx workbook, read from its XML: the sheet's whole XML, and its cells by row
/// and column (both 1-based).
fn read_xlsx(path: &Path) -> (String, BTreeMap<(usize, usize), XlsxCell>) {
    let mut zip =
        zip::ZipArchive::new(std::fs::File::open(path).unwrap()).expect("an xlsx is a zip");
    let read = |zip: &mut zip::ZipArchive<std::fs::File>, name: &str| {
        let mut text = String::new();
        if let Ok(mut file) = zip.by_name(name) {
            file.read_to_string(&mut text).unwrap();
        }
        text
    };
    let sheet = read(&mut zip, "xl/worksheets/sheet1.xml");
    assert!(!sheet.is_empty(), "the workbook has a first sheet");
    let shared: Vec<String> = read(&mut zip, "xl/sharedStrings.xml")
        .split("<si>")
        .skip(1)
        .map(|si| unescape(&texts_of(si)))
        .collect();
    let mut cells = BTreeMap::new();
    for cell in sheet.split("<c ").skip(1) {
        let head = &cell[..cell.find('>').unwrap()];
        let attr = |name: &str| {
            head.split(&format!("{name}=\""))
                .nth(1)
                .map(|rest| rest[..rest.find('"').unwrap()].to_string())
                .unwrap_or_default()
        };
        let reference = attr("r");
        let kind = attr("t");
        let body = if head.ends_with('/') {
            ""
        } else {
            &cell[head.len() + 1..cell.find("</c>").unwrap()]
        };
        let text = match kind.as_str() {
            "s" => shared[value_of(body).parse::<usize>().unwrap()].clone(),
            "inlineStr" => unescape(&texts_of(body)),
            _ => value_of(body),
        };
        cells.insert(position(&reference), XlsxCell { kind, text });
    }
    (sheet, cells)
}

/// The text of every `<t>` element in `xml`, joined.
fn texts_of(xml: &str) -> String {
    xml.split("<t")
        .skip(1)
        .filter_map(|t| {
            let start = t.find('>')? + 1;
            Some(t[start..t.find("</t>")?].to_string())
        })
        .collect()
}

/// The content of a `<v>` element, or empty.
fn value_of(xml: &str) -> String {
    xml.split("<v>")
        .nth(1)
        .and_then(|v| v.split("</v>").next())
        .unwrap_or("")
        .to_string()
}

fn unescape(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

/// `AB12` as (row 12, column 28).
fn position(reference: &str) -> (usize, usize) {
    let split = reference.find(|c: char| c.is_ascii_digit()).unwrap();
    let column = reference[..split]
        .bytes()
        .fold(0, |n, b| n * 26 + usize::from(b - b'A' + 1));
    (reference[split..].parse().unwrap(), column)
}

/// The cells of a sheet as rows of text, each as wide as the header; a missing cell is empty.
fn rows_of(cells: &BTreeMap<(usize, usize), XlsxCell>) -> Vec<Vec<String>> {
    let width = cells.keys().filter(|(r, _)| *r == 1).count();
    let height = cells.keys().map(|(r, _)| *r).max().unwrap_or(0);
    (1..=height)
        .map(|r| {
            (1..=width)
                .map(|c| {
                    cells
                        .get(&(r, c))
                        .map(|x| x.text.clone())
                        .unwrap_or_default()
                })
                .collect()
        })
        .collect()
}

/// A CSV (or TSV) as rows of text, header first.
fn csv_rows(bytes: &[u8], delimiter: u8) -> Vec<Vec<String>> {
    csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .from_reader(bytes)
        .records()
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect()
}

#[test]
fn the_file_extension_names_the_format_and_format_still_wins() {
    let (dir, index) = bundled();
    let out = |name: &str| dir.path().join(name);
    for name in [
        "a.csv",
        "a.tsv",
        "a.md",
        "a.json",
        "a.jsonl",
        "a.xlsx",
        "b.MARKDOWN",
    ] {
        export(&index, &["-o", out(name).to_str().unwrap()])
            .code(0)
            .stderr(predicate::str::contains("exported 239 clauses"));
    }
    let text = |name: &str| std::fs::read_to_string(out(name)).unwrap();
    assert_eq!(csv_rows(text("a.csv").as_bytes(), b',').len(), 240);
    assert_eq!(
        csv_rows(text("a.tsv").as_bytes(), b'\t')[0][..3],
        ["id", "doc", "company"]
    );
    assert!(text("a.md").starts_with("| id | doc | company |"));
    assert!(text("b.MARKDOWN").starts_with("| id |"));
    let array: Vec<Value> = serde_json::from_str(&text("a.json")).unwrap();
    assert_eq!(array.len(), 239);
    assert_eq!(text("a.jsonl").lines().count(), 239);
    let (_, cells) = read_xlsx(&out("a.xlsx"));
    assert_eq!(rows_of(&cells).len(), 240, "a header and every clause");

    // --format wins over the extension.
    export(
        &index,
        &["--format", "jsonl", "-o", out("c.csv").to_str().unwrap()],
    )
    .code(0);
    let first = text("c.csv").lines().next().unwrap().to_string();
    assert!(serde_json::from_str::<Value>(&first).is_ok(), "{first}");

    // An extension that names no format is refused before anything is written.
    for name in ["memo.docx", "memo"] {
        export(&index, &["-o", out(name).to_str().unwrap()])
            .code(2)
            .stderr(predicate::str::contains(".csv .tsv .jsonl .json .md .xlsx"))
            .stderr(predicate::str::contains("--format"));
        assert!(!out(name).exists());
    }
    // Standard output has no extension: the format must be given.
    export(&index, &[])
        .code(2)
        .stderr(predicate::str::contains("give --format"));
}

#[test]
fn xlsx_holds_the_csv_cells_with_labels_ids_and_dates_as_text() {
    let (dir, index) = bundled();
    let xlsx = dir.path().join("clauses.xlsx");
    export(&index, &["-o", xlsx.to_str().unwrap()]).code(0);
    let csv = succeed(
        joubun()
            .args(["export", "--format", "csv", "--index"])
            .arg(&index),
    );
    let expected = csv_rows(&csv.stdout, b',');
    let (sheet, cells) = read_xlsx(&xlsx);
    let rows = rows_of(&cells);
    assert_eq!(rows, expected, "the sheet holds exactly the CSV's cells");

    let header = &rows[0];
    let column = |name: &str| 1 + header.iter().position(|h| h == name).unwrap();
    for name in [
        "id", "label", "date", "article", "citation", "source", "doc",
    ] {
        for row in 2..=rows.len() {
            if let Some(cell) = cells.get(&(row, column(name))) {
                assert!(
                    cell.kind == "inlineStr" || cell.kind == "s",
                    "{name} in row {row} is stored as {:?}, not as text: {cell:?}",
                    cell.kind
                );
            }
        }
    }
    // Labels Excel would read as dates, and a date, are text cells holding what the clause says.
    let cell_of = |id: &str, name: &str| {
        let row = (2..=rows.len())
            .find(|r| cells[&(*r, column("id"))].text == id)
            .unwrap_or_else(|| panic!("no row {id}"));
        cells.get(&(row, column(name))).cloned()
    };
    let label = cell_of("english-policy#s1.1.1", "label").unwrap();
    assert_eq!(
        (label.kind.as_str(), label.text.as_str()),
        ("inlineStr", "1-1")
    );
    let date = cell_of("livals#1.1", "date").unwrap();
    assert_eq!(
        (date.kind.as_str(), date.text.as_str()),
        ("inlineStr", "2025-01-01")
    );
    assert_eq!(
        cell_of("lnsoft#12.2", "citation").unwrap().text,
        "LNSOFT プライバシーポリシー 第12条第2項"
    );
    assert_eq!(
        cell_of("lnsoft#12.2", "source").unwrap().text,
        "lnsoft.txt:95-95"
    );
    // Line numbers are numbers, for sorting.
    assert_eq!(cell_of("lnsoft#12.2", "line_start").unwrap().kind, "");

    // A bold frozen header with a filter over the rows, and the text column wide enough to read.
    assert!(
        sheet.contains(r#"ySplit="1""#) && sheet.contains(r#"state="frozen""#),
        "the header row is frozen"
    );
    assert!(sheet.contains(&format!(r#"<autoFilter ref="A1:S{}"/>"#, rows.len())));
    let text_column = column("text");
    assert!(
        sheet.contains(&format!(
            r#"<col min="{text_column}" max="{text_column}" width="80"#
        )),
        "the text column is wide"
    );
}

#[test]
fn columns_are_chosen_and_ordered_in_every_format() {
    let (dir, index) = bundled();
    let columns = "citation,id,source,label";
    let out = succeed(
        joubun()
            .args([
                "export",
                "第三者",
                "--format",
                "csv",
                "--columns",
                columns,
                "--index",
            ])
            .arg(&index),
    );
    let rows = csv_rows(&out.stdout, b',');
    assert_eq!(rows[0], ["citation", "id", "source", "label"]);
    assert!(rows.len() > 5);
    assert!(
        rows[1..]
            .iter()
            .all(|r| r[2].contains(".txt:") || r[2].contains(".md:"))
    );

    let out = succeed(
        joubun()
            .args([
                "export",
                "第三者",
                "--format",
                "jsonl",
                "--columns",
                "id,cites,line_end",
            ])
            .arg("--index")
            .arg(&index),
    );
    for line in stdout_of(&out).lines() {
        let object: serde_json::Map<String, Value> = serde_json::from_str(line).unwrap();
        assert_eq!(object.len(), 3, "{line}");
        let at = |key: &str| line.find(&format!("\"{key}\":")).unwrap();
        assert!(
            at("id") < at("cites") && at("cites") < at("line_end"),
            "{line}"
        );
        assert!(
            object["cites"].is_array() && object["line_end"].is_u64(),
            "{line}"
        );
    }

    let md = dir.path().join("memo.md");
    export(
        &index,
        &["第三者", "--columns", "id,text", "-o", md.to_str().unwrap()],
    )
    .code(0);
    assert!(
        std::fs::read_to_string(&md)
            .unwrap()
            .starts_with("| id | text |\n|---|---|\n")
    );
    let xlsx = dir.path().join("memo.xlsx");
    export(
        &index,
        &[
            "第三者",
            "--columns",
            "label,citation",
            "-o",
            xlsx.to_str().unwrap(),
        ],
    )
    .code(0);
    let (_, cells) = read_xlsx(&xlsx);
    assert_eq!(rows_of(&cells)[0], ["label", "citation"]);

    // An unknown column: exit 2, the nearest name and every known one.
    let target = dir.path().join("bad.csv");
    export(
        &index,
        &["--columns", "id,cittion", "-o", target.to_str().unwrap()],
    )
    .code(2)
    .stderr(predicate::str::contains(
        "no column \"cittion\" (did you mean citation?)",
    ))
    .stderr(predicate::str::contains("id,doc,company,title"));
    assert!(!target.exists());
}

#[test]
fn xlsx_goes_to_a_pipe_but_not_to_a_terminal() {
    let (_dir, index) = bundled();
    let out = succeed(
        joubun()
            .args(["export", "--format", "xlsx", "-o", "-", "--index"])
            .arg(&index),
    );
    assert!(out.stdout.starts_with(b"PK"), "a zip on standard output");
    // `script` gives the command a terminal for standard output, where it exists.
    if Path::new("/usr/bin/script").exists() {
        let command = format!(
            "{} export --format xlsx --index {}",
            env!("CARGO_BIN_EXE_joubun"),
            index.display()
        );
        let out = std::process::Command::new("/usr/bin/script")
            .args(["-qec", &command, "/dev/null"])
            .output()
            .unwrap();
        let shown = String::from_utf8_lossy(&out.stdout);
        assert_eq!(out.status.code(), Some(2), "{shown}");
        assert!(
            shown.contains("binary") && shown.contains("-o FILE.xlsx"),
            "{shown}"
        );
        assert!(!shown.contains("PK"), "{shown}");
    }
}

/// A policy that states its purposes and nothing else: `check` finds items missing.
const THIN: &str = "株式会社サンプル プライバシーポリシー

第1条（利用目的）
当社は、個人情報を以下の目的で利用します。
(1) 本サービスの提供のため
(2) お問い合わせへの回答のため

第2条（お問い合わせ窓口）
個人情報の取扱いに関する苦情及びお問い合わせは、privacy@example.jp までご連絡ください。
";

#[test]
fn check_writes_the_csv_rows_as_xlsx_and_tsv() {
    let dir = tempfile::tempdir().unwrap();
    let policies = dir.path().join("policies");
    std::fs::create_dir(&policies).unwrap();
    std::fs::write(policies.join("thin-privacy.txt"), THIN).unwrap();
    let check = |args: &[&str]| {
        joubun()
            .arg("check")
            .arg(&policies)
            .args(args)
            .output()
            .unwrap()
    };
    for summary in [&[][..], &["--summary"][..]] {
        let csv = check(&[summary, &["--format", "csv"]].concat());
        assert_eq!(csv.status.code(), Some(1), "items are missing");
        let expected = csv_rows(&csv.stdout, b',');
        assert!(
            expected.len() >= 4,
            "a header, a document and two counts at least"
        );

        let xlsx = dir.path().join(format!("check{}.xlsx", summary.len()));
        let written = check(&[summary, &["-o", xlsx.to_str().unwrap()]].concat());
        assert_eq!(
            written.status.code(),
            Some(1),
            "{}",
            String::from_utf8_lossy(&written.stderr)
        );
        assert!(written.stdout.is_empty());
        let (sheet, cells) = read_xlsx(&xlsx);
        assert_eq!(rows_of(&cells), expected, "the same rows as CSV");
        assert!(sheet.contains(r#"state="frozen""#));

        let tsv = check(&[summary, &["--format", "tsv"]].concat());
        assert_eq!(csv_rows(&tsv.stdout, b'\t'), expected);

        // Never replaced without --force; replaced with it.
        let again = check(&[summary, &["-o", xlsx.to_str().unwrap()]].concat());
        assert_eq!(again.status.code(), Some(2));
        assert!(String::from_utf8_lossy(&again.stderr).contains("--force"));
        let forced = check(&[summary, &["--force", "-o", xlsx.to_str().unwrap()]].concat());
        assert_eq!(forced.status.code(), Some(1));
    }
    // Other extensions name their format too; one that names none is refused.
    let md = dir.path().join("check.md");
    assert_eq!(check(&["-o", md.to_str().unwrap()]).status.code(), Some(1));
    assert!(
        std::fs::read_to_string(&md)
            .unwrap()
            .contains("| item | status |")
    );
    // A Markdown report inside the folder checked would be read as a policy next time: refused.
    let inside = policies.join("report.md");
    let refused = check(&["-o", inside.to_str().unwrap()]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("inside the corpus folder"));
    assert!(!inside.exists());
    let bad = check(&["-o", dir.path().join("check.pdf").to_str().unwrap()]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains(".txt .json .csv .tsv .md .xlsx"));
}

/// `search --json` and `export` write a clause through the same columns: a hit's every field is the
/// exported clause's, and the columns `--columns` picks hold the same values in CSV as in JSON.
#[test]
fn search_and_export_write_a_hit_alike() {
    let (_dir, index) = bundled();
    let (hits, summary) = json_search(&index, &["個人情報"], &["--limit", "10000"]);
    let total = summary["total"].as_u64().unwrap() as usize;
    assert!(total > 10, "{total}");
    assert_eq!(hits.len(), total);
    let out = succeed(
        joubun()
            .args(["export", "個人情報", "--format", "jsonl", "--index"])
            .arg(&index),
    );
    let exported: BTreeMap<String, Value> = json_lines(&out)
        .into_iter()
        .map(|l| (l["id"].as_str().unwrap().to_string(), l))
        .collect();
    assert_eq!(exported.len(), total);
    let keys = |v: &Value| v.as_object().unwrap().keys().cloned().collect::<Vec<_>>();
    for hit in &hits {
        assert_eq!(
            keys(hit),
            keys(&hits[0]),
            "every hit line has the same keys"
        );
        let mut record = hit.clone();
        // A clause found through its article heading alone has no highlights, but still the key.
        let highlights = record.as_object_mut().unwrap().remove("highlights");
        // Whether the clause holds only some of the words is the search's, not the clause's.
        assert!(record.as_object_mut().unwrap().remove("partial").is_some());
        assert!(highlights.is_some_and(|h| h.is_array()), "{hit}");
        assert_eq!(exported[hit["id"].as_str().unwrap()], record);
    }
    for key in [
        "id", "cite", "company", "type", "types", "chapter", "level", "score",
    ] {
        assert!(hits[0].get(key).is_some(), "a hit has {key}: {}", hits[0]);
    }

    let out = succeed(
        joubun()
            .args(["export", "個人情報", "--format", "csv"])
            .args(["--columns", "id,cite,company,source,highlights", "--index"])
            .arg(&index),
    );
    let rows = csv_rows(&out.stdout, b',');
    assert_eq!(rows[0], ["id", "cite", "company", "source", "highlights"]);
    assert_eq!(rows.len(), total + 1);
    let by_id: BTreeMap<&str, &Value> = hits
        .iter()
        .map(|h| (h["id"].as_str().unwrap(), h))
        .collect();
    for row in &rows[1..] {
        let hit = by_id[row[0].as_str()];
        assert_eq!(row[1], hit["cite"].as_str().unwrap_or(""));
        assert_eq!(row[2], hit["company"].as_str().unwrap_or(""));
        let source = format!(
            "{}:{}-{}",
            hit["doc"].as_str().unwrap(),
            hit["line_start"],
            hit["line_end"]
        );
        assert_eq!(row[3], source);
        let highlights: Value = serde_json::from_str(&row[4]).unwrap();
        assert_eq!(highlights, hit["highlights"]);
    }
}

/// An article group of `search --by article --json` names its article as its clauses do, and holds
/// them as the flat hit lines write them.
#[test]
fn article_groups_hold_hits_as_search_writes_them() {
    let (_dir, index) = bundled();
    let (flat, _) = json_search(&index, &["第三者"], &["--limit", "10000"]);
    let (groups, summary) = json_search(&index, &["第三者"], &["--by", "article"]);
    assert!(summary["articles"].as_u64().unwrap() >= groups.len() as u64);
    assert!(!groups.is_empty());
    let flat: BTreeMap<&str, &Value> = flat
        .iter()
        .map(|h| (h["id"].as_str().unwrap(), h))
        .collect();
    for group in &groups {
        let hits = group["hits"].as_array().unwrap();
        for hit in hits {
            for key in ["doc", "article", "heading", "company"] {
                assert_eq!(group[key], hit[key], "{key} of {group}");
            }
            assert_eq!(flat[hit["id"].as_str().unwrap()], hit);
        }
        let lines: Vec<u64> = hits
            .iter()
            .map(|h| h["line_start"].as_u64().unwrap())
            .collect();
        assert!(
            lines.is_sorted(),
            "an article's clauses in document order: {lines:?}"
        );
    }
}
