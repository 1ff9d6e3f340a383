//! One thin module per subcommand, each turning parsed flags into calls on the core modules.

mod analyze;
mod export;
mod facets;
mod index;
mod parse;
mod search;
mod show;
mod stats;

use std::io::{self, Write};
use std::process::ExitCode;

use crate::cli::{Cli, Command};
use crate::error::Result;

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
    match cli.command {
        Command::Analyze(args) => analyze::run(&args),
        Command::Parse(args) => parse::run(&args),
        Command::Index(args) => index::run(&args),
        Command::Search(args) => search::run(&args),
        Command::Export(args) => export::run(&args),
        Command::Facets(args) => facets::run(&args),
        Command::Show(args) => show::run(&args),
        Command::Stats(args) => stats::run(&args),
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
