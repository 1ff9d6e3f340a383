//! One thin module per subcommand, each turning parsed flags into calls on the core modules.

mod analyze;
mod check;
mod export;
mod facets;
mod index;
mod open;
mod output;
mod parse;
mod search;
mod show;
mod stats;

use std::io::{self, Write};
use std::path::Path;
use std::process::ExitCode;

use crate::cli::{Cli, Command};
use crate::error::{Error, Result};
use crate::index::IndexError;
use crate::index::folder::short;
use crate::query::QueryError;

/// How a command that did not fail ended, mapped to an exit status like grep's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Something was found or done: exit 0.
    Success,
    /// The command ran but matched nothing: exit 1.
    NothingFound,
}

impl Outcome {
    /// The process exit status for this outcome.
    pub fn exit_code(self) -> ExitCode {
        match self {
            Outcome::Success => ExitCode::SUCCESS,
            Outcome::NothingFound => ExitCode::from(1),
        }
    }
}

/// Runs the command `cli` names.
pub fn run(cli: Cli) -> Result<Outcome> {
    let index = match &cli.command {
        Command::Search(args) => Some(args.location.index.clone()),
        Command::Export(args) => Some(args.location.index.clone()),
        Command::Facets(args) => Some(args.location.index.clone()),
        Command::Show(args) => Some(args.location.index.clone()),
        Command::Stats(args) => Some(args.location.index.clone()),
        Command::Check(args) if args.path.is_none() => Some(args.location.index.clone()),
        // Indexing checks the index it opens itself (a panic there is a bug, not damage).
        Command::Index(_) | Command::Analyze(_) | Command::Parse(_) | Command::Check(_) => None,
    };
    match index {
        Some(index) => reading(&index, || dispatch(cli)),
        None => dispatch(cli),
    }
}

/// Runs a command that reads the index at `index` so that damaged index files end it with an error
/// that says so: tantivy panics on some damage (a flipped byte in a segment), and reports other
/// damage as a failed search.
fn reading(index: &Path, command: impl FnOnce() -> Result<Outcome>) -> Result<Outcome> {
    let damaged = |reason: String| {
        Err(Error::Index(IndexError::Damaged {
            path: index.to_path_buf(),
            reason: short(&reason),
        }))
    };
    match crate::index::without_panicking(command) {
        Err(message) => damaged(format!("reading it failed: {message}")),
        Ok(Err(Error::Query(QueryError::Search(e)))) if unreadable(&e) => {
            damaged(format!("reading it failed: {e}"))
        }
        Ok(other) => other,
    }
}

/// Whether a failed search failed on the index's files rather than on the query.
fn unreadable(e: &tantivy::TantivyError) -> bool {
    use tantivy::TantivyError as T;
    matches!(
        e,
        T::DataCorruption(_)
            | T::DeserializeError(_)
            | T::OpenReadError(_)
            | T::IoError(_)
            | T::InternalError(_)
    )
}

fn dispatch(cli: Cli) -> Result<Outcome> {
    match cli.command {
        Command::Analyze(args) => analyze::run(&args),
        Command::Parse(args) => parse::run(&args),
        Command::Index(args) => index::run(&args),
        Command::Search(args) => search::run(&args),
        Command::Export(args) => export::run(&args),
        Command::Facets(args) => facets::run(&args),
        Command::Show(args) => show::run(&args),
        Command::Stats(args) => stats::run(&args),
        Command::Check(args) => check::run(&args),
    }
}

/// Standard output, buffered; commands write through this and flush at the end.
fn stdout() -> io::BufWriter<io::StdoutLock<'static>> {
    io::BufWriter::with_capacity(64 * 1024, io::stdout().lock())
}

/// Flushes `out`, turning a failure into an [`Error::Output`].
fn finish(mut out: impl Write) -> Result<Outcome> {
    out.flush()?;
    Ok(Outcome::Success)
}
