//! A table as an Excel workbook: every text cell stored as text (Excel must not read the label `1-1` as
//! a date or an id `0012` as a number), a bold frozen header with a filter, and columns sized for what
//! they hold.
//!
//! Rows go to a temporary file as they come (rust_xlsxwriter's constant-memory sheet), so a large export
//! costs no more memory than a small one.

use std::io;
use std::path::Path;

use rust_xlsxwriter::{Format, FormatAlign, Workbook, XlsxError};

use super::table::Cell;

/// The most rows a sheet holds, header included (Excel's limit).
const MAX_ROWS: u32 = 1_048_576;

/// The most characters (UTF-16 units) a cell holds (Excel's limit).
const MAX_CELL: usize = 32_767;

/// A sheet being written, one row at a time.
pub struct Sheet {
    workbook: Workbook,
    /// The next row to write.
    row: u32,
    /// The column names, for warnings.
    names: Vec<String>,
    top: Format,
    wrapped: Format,
    /// Which columns hold running text, wrapped in their cells.
    wrap: Vec<bool>,
}

impl Sheet {
    /// A sheet with `columns` as its header; rows wait in a temporary file in `scratch`.
    pub fn new(columns: &[String], scratch: &Path) -> io::Result<Sheet> {
        let mut workbook = Workbook::new();
        workbook.set_tempdir(scratch).map_err(xlsx_error)?;
        let header = Format::new().set_bold().set_align(FormatAlign::Top);
        let top = Format::new().set_align(FormatAlign::Top);
        let wrapped = top.clone().set_text_wrap();
        let sheet = workbook
            .add_worksheet_with_constant_memory()
            .map_err(xlsx_error)?;
        let wrap: Vec<bool> = columns.iter().map(|c| width(c).1).collect();
        for (col, name) in (0u16..).zip(columns) {
            sheet
                .set_column_width(col, width(name).0)
                .and_then(|s| s.write_string_with_format(0, col, name, &header))
                .map_err(xlsx_error)?;
        }
        sheet.set_freeze_panes(1, 0).map_err(xlsx_error)?;
        Ok(Sheet {
            workbook,
            row: 1,
            names: columns.to_vec(),
            top,
            wrapped,
            wrap,
        })
    }

    /// Writes one row of cells.
    pub fn row(&mut self, cells: &[Cell]) -> io::Result<()> {
        if self.row >= MAX_ROWS {
            return Err(io::Error::other(format!(
                "more than {} rows, the most an Excel sheet holds; export CSV instead, or narrow the \
                 query",
                MAX_ROWS - 1
            )));
        }
        let sheet = self.workbook.worksheet_from_index(0).map_err(xlsx_error)?;
        for ((col, cell), wrap) in (0u16..).zip(cells).zip(&self.wrap) {
            let format = if *wrap { &self.wrapped } else { &self.top };
            let written = match cell {
                Cell::Number(n) => sheet.write_number_with_format(self.row, col, *n, format),
                Cell::Empty => continue,
                text => {
                    let (text, cut) = fit(text.to_text());
                    if text.is_empty() {
                        continue;
                    }
                    if cut {
                        eprintln!(
                            "joubun: warning: row {} of the sheet: its {} holds more than Excel's {MAX_CELL} \
                             characters a cell; the cell ends with a note where it was cut",
                            self.row + 1,
                            self.names[col as usize]
                        );
                    }
                    sheet.write_string_with_format(self.row, col, text, format)
                }
            };
            written.map_err(xlsx_error)?;
        }
        self.row += 1;
        Ok(())
    }

    /// The finished workbook's bytes.
    pub fn finish(mut self) -> io::Result<Vec<u8>> {
        let last_row = self.row - 1;
        let last_col = (self.names.len() as u16).saturating_sub(1);
        self.workbook
            .worksheet_from_index(0)
            .and_then(|sheet| sheet.autofilter(0, 0, last_row, last_col))
            .map_err(xlsx_error)?;
        self.workbook.save_to_buffer().map_err(xlsx_error)
    }
}

/// A column's width in characters and whether its text wraps: wide and wrapped for running text, narrow
/// for numbers and codes.
fn width(column: &str) -> (f64, bool) {
    match column {
        "text" | "rule" | "found" => (80.0, true),
        "citation" | "title" | "heading" | "cites" | "locations" | "source" => (36.0, true),
        "id" | "doc" | "company" | "cite" | "item" => (24.0, false),
        "date" => (11.0, false),
        "lang" | "label" | "type" | "kind" | "counts" | "status" | "score" => (10.0, false),
        "line_start" | "line_end" | "article" => (9.0, false),
        _ => (14.0, false),
    }
}

/// Text cut to what a cell holds, saying where it was cut, and whether it was; Excel refuses longer
/// cells outright. Clauses are indexed in pieces of at most 32 KiB, so only a cell joining many values
/// or a piece of 32,768 ASCII bytes comes here.
fn fit(text: String) -> (String, bool) {
    if text.encode_utf16().count() <= MAX_CELL {
        return (text, false);
    }
    let total = text.chars().count();
    let note = format!(" […cut: the clause has {total} characters; `joubun show` prints it whole]");
    let room = MAX_CELL - note.encode_utf16().count();
    let mut used = 0;
    let kept: String = text
        .chars()
        .take_while(|c| {
            used += c.len_utf16();
            used <= room
        })
        .collect();
    (kept + &note, true)
}

fn xlsx_error(e: XlsxError) -> io::Error {
    match e {
        XlsxError::IoError(io) => io,
        other => io::Error::other(other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn over_long_text_is_cut_to_fit_a_cell_and_says_so() {
        let long = "条".repeat(40_000);
        let (cut, was_cut) = fit(long);
        assert!(was_cut);
        assert!(cut.encode_utf16().count() <= MAX_CELL);
        assert!(cut.ends_with("`joubun show` prints it whole]"));
        assert!(cut.contains("40000 characters"));
        assert_eq!(fit("短い".into()), ("短い".to_string(), false));
    }
}
