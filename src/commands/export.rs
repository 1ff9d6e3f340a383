//! `joubun export`: every matching clause, streamed to a file in the format asked for or named by the
//! file's extension, with the columns asked for.

use std::io::{self, IsTerminal, Write};
use std::path::Path;

use crate::cli::{ExportArgs, ExportFormat};
use crate::error::{Error, Result};
use crate::index::ClauseIndex;
use crate::query::{Hit, Search};
use crate::render::{Format, TableWriter, columns, table::format_from_extension};

use super::Outcome;
use super::open::open_search;
use super::output::{refuse_inside_corpus, write_to};

/// Runs `joubun export`.
pub fn run(args: &ExportArgs) -> Result<Outcome> {
    let output = args.output.as_deref().filter(|p| *p != Path::new("-"));
    let format = match (args.format, output) {
        (Some(format), _) => format,
        (None, Some(path)) => format_from_extension(path).map_err(Error::Input)?,
        (None, None) => {
            return Err(Error::Input(
                "give --format (csv, tsv, jsonl, json, md, xlsx), or -o FILE ending in one of them"
                    .to_string(),
            ));
        }
    };
    let format = match format {
        ExportFormat::Csv => Format::Csv,
        ExportFormat::Tsv => Format::Tsv,
        ExportFormat::Jsonl => Format::Jsonl,
        ExportFormat::Json => Format::Json,
        ExportFormat::Md => Format::Md,
        ExportFormat::Xlsx => Format::Xlsx,
    };
    if args.bom && !matches!(format, Format::Csv | Format::Tsv | Format::Md) {
        return Err(Error::Input(
            "--bom is for CSV, TSV and Markdown (for Excel); JSON parsers reject a byte-order mark and \
             an xlsx workbook needs none"
                .to_string(),
        ));
    }
    let columns = match &args.columns {
        Some(list) => Some(columns::parse(list).map_err(Error::Input)?),
        None => None,
    };
    let (index, search) = open_search(&args.location, args.query.as_deref(), &args.filters)?;
    if let Some(path) = output {
        let corpora = [index.meta.corpus.as_path(), args.location.corpus.as_path()];
        refuse_inside_corpus(path, &corpora)?;
    }
    let progress = output.is_some() && io::stderr().is_terminal();
    let binary = format == Format::Xlsx;
    let total = write_to(output, args.force, binary, |out, scratch| {
        if args.bom {
            out.write_all("\u{feff}".as_bytes())?;
        }
        let mut rows = Rows {
            written: 0,
            progress,
        };
        let columns = match (format, &columns) {
            (_, Some(columns)) => columns.as_slice(),
            // Whole clauses, as `joubun index` reads JSON Lines back.
            (Format::Jsonl | Format::Json, None) => &columns::RECORD,
            (_, None) => &columns::TABLE,
        };
        let total = rows.table(out, &search, &index, format, columns, scratch)?;
        if progress {
            eprint!("\r");
        }
        Ok(total)
    })?;
    if let Some(path) = output {
        eprintln!("joubun: exported {total} clauses to {}", path.display());
    }
    Ok(if total > 0 {
        Outcome::Success
    } else {
        Outcome::NothingFound
    })
}

/// Counts the rows written, showing the count on a terminal every thousand rows.
struct Rows {
    written: usize,
    progress: bool,
}

impl Rows {
    fn tick(&mut self) {
        self.written += 1;
        if self.progress && self.written.is_multiple_of(1000) {
            eprint!("\rjoubun: {} clauses written", self.written);
        }
    }

    /// Every match as a row of `columns`.
    fn table(
        &mut self,
        out: &mut dyn Write,
        search: &Search,
        index: &ClauseIndex,
        format: Format,
        columns: &[&str],
        scratch: &Path,
    ) -> Result<usize> {
        let mut table = TableWriter::new_in(out, format, columns, scratch)?;
        let total = search.each_match(index, |hit: Hit| {
            table.row(&columns::cells(&hit, columns))?;
            self.tick();
            Ok(())
        })?;
        table.finish()?;
        Ok(total)
    }
}
