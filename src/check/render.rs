//! How `joubun check` prints its findings: per document (one row per item) or as a documents × items
//! matrix (`--summary`), as a table for people, JSON, Markdown, or rows of a spreadsheet (CSV, TSV, xlsx).

use std::io::{self, Write};
use std::path::Path;

use serde::Serialize;

use crate::render::{self, Cell, TableWriter};

use super::{DocumentCheck, Finding, Kind, Rules, Status};

/// The output formats of `joubun check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Aligned text for the terminal.
    Table,
    /// One JSON value.
    Json,
    /// Markdown tables, for memos.
    Md,
    /// One row per item (or per document with `--summary`), in a spreadsheet format.
    Rows(render::Format),
}

/// Writes each document's findings, one row per item. An xlsx sheet keeps its rows in `scratch` until
/// it is done.
pub fn findings(
    out: &mut dyn Write,
    checks: &[DocumentCheck],
    rules: &Rules,
    format: Format,
    explain: bool,
    scratch: &Path,
) -> io::Result<()> {
    match format {
        Format::Table => findings_table(out, checks, rules, explain),
        Format::Json => {
            serde_json::to_writer(&mut *out, checks)?;
            writeln!(out)
        }
        Format::Rows(format) => findings_rows(out, checks, format, scratch),
        Format::Md => findings_md(out, checks),
    }
}

/// Writes the documents × items matrix and, per item, how many documents miss it or say it weakly.
pub fn summary(
    out: &mut dyn Write,
    checks: &[DocumentCheck],
    rules: &Rules,
    format: Format,
    scratch: &Path,
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
        Format::Rows(format) => {
            let mut header = vec!["doc", "company"];
            header.extend(&ids);
            let mut table = TableWriter::new_in(out, format, &header, scratch)?;
            for c in checks {
                let mut row = vec![Cell::Text(c.doc.clone()), Cell::text(c.company.as_deref())];
                row.extend(
                    c.items
                        .iter()
                        .map(|f| Cell::Text(f.status.name().to_string())),
                );
                table.row(&row)?;
            }
            for status in [Status::Missing, Status::Weak] {
                let mut row = vec![
                    Cell::Text(format!("documents {}", status.name())),
                    Cell::Empty,
                ];
                row.extend((0..ids.len()).map(|i| Cell::Number(count(i, status) as f64)));
                table.row(&row)?;
            }
            table.finish()?;
            Ok(())
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
    out: &mut dyn Write,
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
fn write_cues(out: &mut dyn Write, item: &super::Item) -> io::Result<()> {
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

/// The columns of per-item rows (CSV, TSV, xlsx).
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

fn findings_rows(
    out: &mut dyn Write,
    checks: &[DocumentCheck],
    format: render::Format,
    scratch: &Path,
) -> io::Result<()> {
    let mut table = TableWriter::new_in(out, format, &COLUMNS, scratch)?;
    for c in checks {
        for f in &c.items {
            table.row(&cells(c, f))?;
        }
    }
    table.finish()?;
    Ok(())
}

/// One finding as cells, in [`COLUMNS`] order.
fn cells(c: &DocumentCheck, f: &Finding) -> [Cell; 10] {
    let list = |parts: Vec<String>| Cell::List(parts);
    [
        Cell::Text(c.doc.clone()),
        Cell::text(c.company.as_deref()),
        Cell::Text(f.item.clone()),
        Cell::Text(f.kind.name().to_string()),
        Cell::Text(f.counts.to_string()),
        Cell::Text(f.status.name().to_string()),
        Cell::Text(f.rule.clone()),
        list(f.evidence.iter().map(|e| e.cite.clone()).collect()),
        list(f.evidence.iter().map(|e| e.location.clone()).collect()),
        list(
            f.found
                .iter()
                .map(|x| format!("{}={}", x.detail, x.cue))
                .collect(),
        ),
    ]
}

fn findings_md(out: &mut dyn Write, checks: &[DocumentCheck]) -> io::Result<()> {
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
                    evidence.join("\n"),
                    f.rule.clone(),
                ]
            })
            .collect();
        write_md_table(out, &header, &rows)?;
        writeln!(out)?;
    }
    Ok(())
}

fn write_md_table(out: &mut dyn Write, header: &[String], rows: &[Vec<String>]) -> io::Result<()> {
    let header: Vec<&str> = header.iter().map(String::as_str).collect();
    let mut table = TableWriter::new(out, render::Format::Md, &header)?;
    for row in rows {
        let cells: Vec<Cell> = row.iter().map(|c| Cell::Text(c.clone())).collect();
        table.row(&cells)?;
    }
    table.finish()?;
    Ok(())
}

/// Columns padded to their widest cell (a wide character counts as two columns).
fn write_aligned(out: &mut dyn Write, header: &[String], rows: &[Vec<String>]) -> io::Result<()> {
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
