//! One writer for tables of named columns, in every format a memo or a spreadsheet takes: CSV, TSV,
//! Markdown, JSON, JSON Lines and xlsx. Rows are streamed; only xlsx is assembled at the end.

use std::io::{self, Write};
use std::path::Path;

use clap::ValueEnum;
use serde_json::Value;

use super::xlsx::Sheet;

/// The formats a table is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// RFC 4180 CSV with a header row.
    Csv,
    /// Tab-separated values with a header row (quoted only where a cell holds a tab, quote or line break).
    Tsv,
    /// A Markdown table.
    Md,
    /// One JSON array of objects keyed by column name.
    Json,
    /// One JSON object per line, keyed by column name.
    Jsonl,
    /// An Excel workbook of one sheet.
    Xlsx,
}

/// One cell: text, a number, or a list (joined with `; ` where a cell holds only text).
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// Text, always stored as text (a label `1-1` never becomes a date in a spreadsheet).
    Text(String),
    /// A number, stored as a number in xlsx and JSON.
    Number(f64),
    /// A list of values: an array in JSON.
    List(Vec<String>),
    /// A value no column of text holds (a flag, the highlight spans): as is in JSON, its compact JSON
    /// text elsewhere.
    Json(Value),
    /// Rows of named columns inside one cell (an article's hits): objects in JSON, their JSON text
    /// elsewhere.
    Rows {
        /// The columns of every row.
        columns: &'static [&'static str],
        /// The rows, each its cells in column order.
        rows: Vec<Vec<Cell>>,
    },
    /// No value: empty, or `null` in JSON.
    Empty,
}

impl Cell {
    /// Text, or [`Cell::Empty`] for none.
    pub fn text(value: Option<&str>) -> Cell {
        value.map_or(Cell::Empty, |v| Cell::Text(v.to_string()))
    }

    /// The cell as text, lists joined with `; `.
    pub fn to_text(&self) -> String {
        match self {
            Cell::Text(t) => t.clone(),
            Cell::Number(n) => n.to_string(),
            Cell::List(items) => items.join("; "),
            Cell::Json(Value::String(t)) => t.clone(),
            Cell::Json(_) | Cell::Rows { .. } => serde_json::to_string(self).unwrap_or_default(),
            Cell::Empty => String::new(),
        }
    }
}

impl serde::Serialize for Cell {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Cell::Text(t) => serializer.serialize_str(t),
            // A whole number (a line number) as an integer, as JSON readers expect one.
            Cell::Number(n) if n.fract() == 0.0 && n.abs() < 2f64.powi(53) => {
                serializer.serialize_i64(*n as i64)
            }
            Cell::Number(n) if n.is_finite() => serializer.serialize_f64(*n),
            Cell::Number(_) | Cell::Empty => serializer.serialize_none(),
            Cell::List(items) => items.serialize(serializer),
            Cell::Json(value) => value.serialize(serializer),
            Cell::Rows { columns, rows } => {
                use serde::ser::SerializeSeq;
                let mut seq = serializer.serialize_seq(Some(rows.len()))?;
                for cells in rows {
                    seq.serialize_element(&Object { columns, cells })?;
                }
                seq.end()
            }
        }
    }
}

/// The format named by `path`'s extension, as one of `F`'s values (`out.xlsx` → `xlsx`); an error
/// naming the formats when the extension names none.
pub fn format_from_extension<F: ValueEnum>(path: &Path) -> Result<F, String> {
    let extension = path.extension().and_then(|e| e.to_str()).unwrap_or("");
    F::from_str(extension, true).map_err(|_| {
        // Each format by its shortest spelling, which is the usual extension (`txt` for `table`).
        let names: Vec<String> = F::value_variants()
            .iter()
            .filter_map(ValueEnum::to_possible_value)
            .filter_map(|v| {
                v.get_name_and_aliases()
                    .min_by_key(|n| n.len())
                    .map(str::to_string)
            })
            .collect();
        let found = match extension {
            "" => "has no extension".to_string(),
            other => format!("ends in .{other}"),
        };
        format!(
            "{} {found}, which names no format; end it in .{} or give --format",
            path.display(),
            names.join(" .")
        )
    })
}

/// A table being written: the header on creation, then one row at a time, then [`TableWriter::finish`].
pub struct TableWriter<W: Write> {
    columns: Vec<String>,
    sink: Sink<W>,
}

enum Sink<W: Write> {
    Delimited(Box<csv::Writer<W>>),
    Markdown(W),
    Json { out: W, rows: usize },
    JsonLines(W),
    Xlsx { out: W, sheet: Box<Sheet> },
}

impl<W: Write> TableWriter<W> {
    /// Starts a table of `columns` in `format`, writing its header; see [`TableWriter::new_in`].
    pub fn new(out: W, format: Format, columns: &[&str]) -> io::Result<Self> {
        Self::new_in(out, format, columns, &std::env::temp_dir())
    }

    /// Starts a table of `columns` in `format`, writing its header. An xlsx sheet keeps its rows in a
    /// temporary file in `scratch` until it is finished.
    pub fn new_in(
        mut out: W,
        format: Format,
        columns: &[&str],
        scratch: &Path,
    ) -> io::Result<Self> {
        let columns: Vec<String> = columns.iter().map(|c| c.to_string()).collect();
        let sink = match format {
            Format::Csv | Format::Tsv => {
                let delimiter = if format == Format::Tsv { b'\t' } else { b',' };
                let mut csv = csv::WriterBuilder::new()
                    .delimiter(delimiter)
                    .from_writer(out);
                csv.write_record(&columns).map_err(csv_error)?;
                Sink::Delimited(Box::new(csv))
            }
            Format::Md => {
                let header: Vec<Cell> = columns.iter().map(|c| Cell::Text(c.clone())).collect();
                write_markdown_row(&mut out, &header)?;
                writeln!(out, "|{}", "---|".repeat(columns.len()))?;
                Sink::Markdown(out)
            }
            Format::Json => {
                out.write_all(b"[")?;
                Sink::Json { out, rows: 0 }
            }
            Format::Jsonl => Sink::JsonLines(out),
            Format::Xlsx => Sink::Xlsx {
                out,
                sheet: Box::new(Sheet::new(&columns, scratch)?),
            },
        };
        Ok(TableWriter { columns, sink })
    }

    /// Writes one row, its cells in column order.
    pub fn row(&mut self, cells: &[Cell]) -> io::Result<()> {
        debug_assert_eq!(cells.len(), self.columns.len());
        match &mut self.sink {
            Sink::Delimited(csv) => csv
                .write_record(cells.iter().map(Cell::to_text))
                .map_err(csv_error),
            Sink::Markdown(out) => write_markdown_row(out, cells),
            Sink::Json { out, rows } => {
                out.write_all(if *rows == 0 { b"\n" } else { b",\n" })?;
                *rows += 1;
                serde_json::to_writer(&mut *out, &object(&self.columns, cells))?;
                Ok(())
            }
            Sink::JsonLines(out) => {
                serde_json::to_writer(&mut *out, &object(&self.columns, cells))?;
                writeln!(out)
            }
            Sink::Xlsx { sheet, .. } => sheet.row(cells),
        }
    }

    /// Ends the table (the closing bracket of JSON, the whole workbook of xlsx) and hands back the
    /// writer.
    pub fn finish(self) -> io::Result<W> {
        match self.sink {
            Sink::Delimited(csv) => csv
                .into_inner()
                .map_err(|e| io::Error::new(e.error().kind(), e.error().to_string())),
            Sink::Markdown(out) | Sink::JsonLines(out) => Ok(out),
            Sink::Json { mut out, .. } => {
                out.write_all(b"\n]\n")?;
                Ok(out)
            }
            Sink::Xlsx { mut out, sheet } => {
                out.write_all(&sheet.finish()?)?;
                Ok(out)
            }
        }
    }
}

/// A row as a JSON object keyed by column name, its keys in column order.
struct Object<'a, C> {
    columns: &'a [C],
    cells: &'a [Cell],
}

impl<C: AsRef<str>> serde::Serialize for Object<'_, C> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(Some(self.columns.len()))?;
        for (name, cell) in self.columns.iter().zip(self.cells) {
            map.serialize_entry(name.as_ref(), cell)?;
        }
        map.end()
    }
}

fn object<'a>(columns: &'a [String], cells: &'a [Cell]) -> Object<'a, String> {
    Object { columns, cells }
}

fn write_markdown_row(out: &mut impl Write, cells: &[Cell]) -> io::Result<()> {
    let cells: Vec<String> = cells.iter().map(|c| markdown_cell(&c.to_text())).collect();
    writeln!(out, "| {} |", cells.join(" | "))
}

/// A Markdown table cell: pipes escaped, line breaks as `<br>`.
fn markdown_cell(text: &str) -> String {
    text.replace('|', "\\|")
        .replace("\r\n", "<br>")
        .replace('\n', "<br>")
}

/// A CSV writer's error as an I/O error; a failed write stays the I/O error it was, so that a closed
/// pipe is still recognised as one.
fn csv_error(e: csv::Error) -> io::Error {
    if !e.is_io_error() {
        return io::Error::other(e);
    }
    match e.into_kind() {
        csv::ErrorKind::Io(io) => io,
        other => io::Error::other(format!("{other:?}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(format: Format) -> String {
        let mut table = TableWriter::new(Vec::new(), format, &["label", "laws"]).unwrap();
        table
            .row(&[
                Cell::Text("1-1 | a\nb".into()),
                Cell::List(vec!["APPI".into(), "GDPR".into()]),
            ])
            .unwrap();
        table.row(&[Cell::Empty, Cell::Number(2.5)]).unwrap();
        String::from_utf8(table.finish().unwrap()).unwrap()
    }

    #[test]
    fn every_text_format_keeps_the_cells() {
        assert_eq!(
            table(Format::Csv),
            "label,laws\n\"1-1 | a\nb\",APPI; GDPR\n,2.5\n"
        );
        assert_eq!(
            table(Format::Tsv),
            "label\tlaws\n\"1-1 | a\nb\"\tAPPI; GDPR\n\t2.5\n"
        );
        assert_eq!(
            table(Format::Md),
            "| label | laws |\n|---|---|\n| 1-1 \\| a<br>b | APPI; GDPR |\n|  | 2.5 |\n"
        );
        assert_eq!(
            table(Format::Jsonl),
            "{\"label\":\"1-1 | a\\nb\",\"laws\":[\"APPI\",\"GDPR\"]}\n{\"label\":null,\"laws\":2.5}\n"
        );
        let json: Value = serde_json::from_str(&table(Format::Json)).unwrap();
        assert_eq!(json[1]["laws"], 2.5);
    }

    #[test]
    fn structured_cells_are_json_in_json_and_json_text_elsewhere() {
        let cells = [
            Cell::Json(serde_json::json!([[0, 3], [7, 9]])),
            Cell::Rows {
                columns: &["id", "line"],
                rows: vec![vec![Cell::Text("a#1".into()), Cell::Number(3.0)]],
            },
        ];
        let write = |format| {
            let mut table = TableWriter::new(Vec::new(), format, &["spans", "hits"]).unwrap();
            table.row(&cells).unwrap();
            String::from_utf8(table.finish().unwrap()).unwrap()
        };
        assert_eq!(
            write(Format::Jsonl),
            "{\"spans\":[[0,3],[7,9]],\"hits\":[{\"id\":\"a#1\",\"line\":3}]}\n"
        );
        assert_eq!(
            write(Format::Tsv),
            "spans\thits\n[[0,3],[7,9]]\t\"[{\"\"id\"\":\"\"a#1\"\",\"\"line\"\":3}]\"\n"
        );
    }

    #[test]
    fn formats_come_from_extensions() {
        use crate::cli::ExportFormat;
        let f = |name: &str| format_from_extension::<ExportFormat>(Path::new(name));
        assert_eq!(f("memo.XLSX"), Ok(ExportFormat::Xlsx));
        assert_eq!(f("a.markdown"), Ok(ExportFormat::Md));
        assert_eq!(f("a.ndjson"), Ok(ExportFormat::Jsonl));
        let error = f("memo.docx").unwrap_err();
        assert!(error.contains(".csv .tsv .jsonl"), "{error}");
        assert!(f("memo").unwrap_err().contains("no extension"));
    }
}
