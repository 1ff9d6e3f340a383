//! How `joubun check` prints its findings: per document (one row per item) or as a documents × items
//! matrix (`--summary`), as a table for people, JSON, CSV or Markdown.

use std::io::{self, Write};

use serde::Serialize;

use super::{DocumentCheck, Finding, Kind, Rules, Status};

/// The output formats of `joubun check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Aligned text for the terminal.
    Table,
    /// One JSON value.
    Json,
    /// RFC 4180 CSV with a header row.
    Csv,
    /// Markdown tables, for memos.
    Md,
}

/// Writes each document's findings, one row per item.
pub fn findings(
    out: &mut impl Write,
    checks: &[DocumentCheck],
    rules: &Rules,
    format: Format,
    explain: bool,
) -> io::Result<()> {
    match format {
        Format::Table => findings_table(out, checks, rules, explain),
        Format::Json => {
            serde_json::to_writer(&mut *out, checks)?;
            writeln!(out)
        }
        Format::Csv => findings_csv(out, checks),
        Format::Md => findings_md(out, checks),
    }
}

/// Writes the documents × items matrix and, per item, how many documents miss it or say it weakly.
pub fn summary(
    out: &mut impl Write,
    checks: &[DocumentCheck],
    rules: &Rules,
    format: Format,
) -> io::Result<()> {
    let ids: Vec<&str> = rules.items.iter().map(|i| i.id.as_str()).collect();
    let count = |item: usize, status: Status| {
        checks
            .iter()
            .filter(|c| c.items[item].status == status)
            .count()
    };
    match format {
        Format::Json => {
            #[derive(Serialize)]
            struct ItemCounts<'a> {
                item: &'a str,
                kind: Kind,
                present: usize,
                weak: usize,
                missing: usize,
                na: usize,
            }
            #[derive(Serialize)]
            struct Row<'a> {
                doc: &'a str,
                company: Option<&'a str>,
                fails: bool,
                statuses: serde_json::Map<String, serde_json::Value>,
            }
            #[derive(Serialize)]
            struct Summary<'a> {
                documents: Vec<Row<'a>>,
                items: Vec<ItemCounts<'a>>,
            }
            let summary = Summary {
                documents: checks
                    .iter()
                    .map(|c| Row {
                        doc: &c.doc,
                        company: c.company.as_deref(),
                        fails: c.fails(),
                        statuses: c
                            .items
                            .iter()
                            .map(|f| (f.item.clone(), f.status.name().into()))
                            .collect(),
                    })
                    .collect(),
                items: rules
                    .items
                    .iter()
                    .enumerate()
                    .map(|(i, item)| ItemCounts {
                        item: &item.id,
                        kind: item.kind,
                        present: count(i, Status::Present),
                        weak: count(i, Status::Weak),
                        missing: count(i, Status::Missing),
                        na: count(i, Status::Na),
                    })
                    .collect(),
            };
            serde_json::to_writer(&mut *out, &summary)?;
            writeln!(out)
        }
        Format::Csv => {
            let mut csv = csv::Writer::from_writer(&mut *out);
            let mut header = vec!["doc", "company"];
            header.extend(&ids);
            csv.write_record(&header)?;
            for c in checks {
                let mut row = vec![c.doc.clone(), c.company.clone().unwrap_or_default()];
                row.extend(c.items.iter().map(|f| f.status.name().to_string()));
                csv.write_record(&row)?;
            }
            for status in [Status::Missing, Status::Weak] {
                let mut row = vec![format!("documents {}", status.name()), String::new()];
                row.extend((0..ids.len()).map(|i| count(i, status).to_string()));
                csv.write_record(&row)?;
            }
            csv.flush()
        }
        Format::Table | Format::Md => {
            let mut rows: Vec<Vec<String>> = Vec::new();
            for c in checks {
                let mut row = vec![c.doc.clone()];
                row.extend(c.items.iter().map(|f| f.status.name().to_string()));
                rows.push(row);
            }
            for status in [Status::Missing, Status::Weak] {
                let mut row = vec![format!("documents {}", status.name())];
                row.extend((0..ids.len()).map(|i| count(i, status).to_string()));
                rows.push(row);
            }
            let mut header = vec!["doc".to_string()];
            header.extend(ids.iter().map(|id| match rules.item(id).map(|i| i.kind) {
                Some(Kind::Advisory) => format!("{id}*"),
                _ => id.to_string(),
            }));
            if format == Format::Md {
                write_md_table(out, &header, &rows)?;
            } else {
                write_aligned(out, &header, &rows)?;
            }
            writeln!(out, "* advisory: reported, not counted for the exit status")
        }
    }
}

fn findings_table(
    out: &mut impl Write,
    checks: &[DocumentCheck],
    rules: &Rules,
    explain: bool,
) -> io::Result<()> {
    for (n, c) in checks.iter().enumerate() {
        if n > 0 {
            writeln!(out)?;
        }
        writeln!(out, "{}  {}", c.doc, verdict(c))?;
        if let Some(company) = &c.company {
            writeln!(out, "  company: {company}")?;
        }
        for f in &c.items {
            let advisory = if f.counts { "" } else { "advisory; " };
            writeln!(
                out,
                "  {:<17} {:<8} {advisory}{}",
                f.item,
                f.status.name(),
                f.rule
            )?;
            for e in &f.evidence {
                let details = if e.details.is_empty() {
                    "mention".to_string()
                } else {
                    e.details.join(", ")
                };
                writeln!(
                    out,
                    "  {:<17} {:<8} {}  {}  [{details}]",
                    "", "", e.cite, e.location
                )?;
            }
            if explain {
                for found in &f.found {
                    writeln!(
                        out,
                        "  {:<26} found {}: «{}» in {}",
                        "", found.detail, found.cue, found.clause
                    )?;
                }
                if let Some(item) = rules.item(&f.item) {
                    write_cues(out, item)?;
                }
            }
        }
    }
    Ok(())
}

/// The cues of one item, for `--explain`.
fn write_cues(out: &mut impl Write, item: &super::Item) -> io::Result<()> {
    let pad = " ".repeat(28);
    writeln!(
        out,
        "{pad}{} / {} ({})",
        item.name, item.name_en, item.basis
    )?;
    let lists = [
        ("trigger", &item.trigger),
        ("not if", &item.not_trigger),
        ("topic", &item.topic),
        ("heading", &item.heading),
        ("not about it", &item.exclude),
        ("ignored", &item.ignore),
    ];
    for (name, cues) in lists {
        if !cues.is_empty() {
            writeln!(
                out,
                "{pad}{name}: {}",
                cues.written().collect::<Vec<_>>().join(" | ")
            )?;
        }
    }
    for detail in &item.details {
        let required = if item.require.contains(&detail.name) {
            " (required)"
        } else {
            ""
        };
        writeln!(
            out,
            "{pad}detail {}{required}: {}",
            detail.name,
            detail.cues.written().collect::<Vec<_>>().join(" | ")
        )?;
    }
    Ok(())
}

/// One line saying whether the document passes.
fn verdict(c: &DocumentCheck) -> String {
    let counted: Vec<&Finding> = c.items.iter().filter(|f| f.counts).collect();
    let n = |s: Status| counted.iter().filter(|f| f.status == s).count();
    let (weak, missing) = (n(Status::Weak), n(Status::Missing));
    if weak + missing == 0 {
        format!("ok: every applicable item present ({} na)", n(Status::Na))
    } else {
        format!("needs attention: {missing} missing, {weak} weak")
    }
}

/// The CSV columns of per-item rows.
const COLUMNS: [&str; 10] = [
    "doc",
    "company",
    "item",
    "kind",
    "counts",
    "status",
    "rule",
    "cites",
    "locations",
    "found",
];

fn findings_csv(out: &mut impl Write, checks: &[DocumentCheck]) -> io::Result<()> {
    let mut csv = csv::Writer::from_writer(&mut *out);
    csv.write_record(COLUMNS)?;
    for c in checks {
        for f in &c.items {
            csv.write_record(cells(c, f))?;
        }
    }
    csv.flush()
}

/// One finding as text cells, in [`COLUMNS`] order.
fn cells(c: &DocumentCheck, f: &Finding) -> [String; 10] {
    let join = |parts: Vec<String>| parts.join("; ");
    [
        c.doc.clone(),
        c.company.clone().unwrap_or_default(),
        f.item.clone(),
        f.kind.name().to_string(),
        f.counts.to_string(),
        f.status.name().to_string(),
        f.rule.clone(),
        join(f.evidence.iter().map(|e| e.cite.clone()).collect()),
        join(f.evidence.iter().map(|e| e.location.clone()).collect()),
        join(
            f.found
                .iter()
                .map(|x| format!("{}={}", x.detail, x.cue))
                .collect(),
        ),
    ]
}

fn findings_md(out: &mut impl Write, checks: &[DocumentCheck]) -> io::Result<()> {
    let header: Vec<String> = ["item", "status", "evidence", "rule"]
        .map(String::from)
        .to_vec();
    for c in checks {
        writeln!(out, "### {}\n", c.doc)?;
        writeln!(out, "{}\n", verdict(c))?;
        let rows: Vec<Vec<String>> = c
            .items
            .iter()
            .map(|f| {
                let evidence: Vec<String> = f
                    .evidence
                    .iter()
                    .map(|e| format!("{} ({})", e.cite, e.location))
                    .collect();
                let item = if f.counts {
                    f.item.clone()
                } else {
                    format!("{} (advisory)", f.item)
                };
                vec![
                    item,
                    f.status.name().to_string(),
                    evidence.join("<br>"),
                    f.rule.clone(),
                ]
            })
            .collect();
        write_md_table(out, &header, &rows)?;
        writeln!(out)?;
    }
    Ok(())
}

fn write_md_table(out: &mut impl Write, header: &[String], rows: &[Vec<String>]) -> io::Result<()> {
    let line = |cells: &[String]| {
        let cells: Vec<String> = cells
            .iter()
            .map(|c| c.replace('|', "\\|").replace('\n', " "))
            .collect();
        format!("| {} |", cells.join(" | "))
    };
    writeln!(out, "{}", line(header))?;
    writeln!(out, "|{}", "---|".repeat(header.len()))?;
    for row in rows {
        writeln!(out, "{}", line(row))?;
    }
    Ok(())
}

/// Columns padded to their widest cell (a wide character counts as two columns).
fn write_aligned(out: &mut impl Write, header: &[String], rows: &[Vec<String>]) -> io::Result<()> {
    let width = |s: &str| {
        s.chars()
            .map(|c| if c.is_ascii() { 1 } else { 2 })
            .sum::<usize>()
    };
    let widths: Vec<usize> = (0..header.len())
        .map(|i| {
            rows.iter()
                .filter_map(|r| r.get(i))
                .chain([&header[i]])
                .map(|c| width(c))
                .max()
                .unwrap_or(0)
        })
        .collect();
    for row in std::iter::once(header).chain(rows.iter().map(Vec::as_slice)) {
        let mut line = String::new();
        for (i, cell) in row.iter().enumerate() {
            line.push_str(cell);
            if i + 1 < row.len() {
                line.push_str(&" ".repeat(widths[i] - width(cell) + 2));
            }
        }
        writeln!(out, "{line}")?;
    }
    Ok(())
}
