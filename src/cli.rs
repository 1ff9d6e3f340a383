//! Command-line flags, parsed once by clap into plain values; nothing here does I/O.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::analysis::Analyzer;

/// joubun: search privacy policies and legal documents clause by clause.
#[derive(Debug, Parser)]
#[command(name = "joubun", version, about, max_term_width = 100)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Show how an analyser cuts text into terms (like Elasticsearch's _analyze).
    Analyze(AnalyzeArgs),
    /// Print the clause tree of a file or folder, with every clause's facts.
    Parse(ParseArgs),
}

/// Flags of `joubun parse`.
#[derive(Debug, Args)]
pub struct ParseArgs {
    /// A document, or a folder to walk.
    pub path: PathBuf,
    /// Print JSON Lines, one clause per line.
    #[arg(long)]
    pub json: bool,
    /// Show the cue behind each clause's type and the document's company and date.
    #[arg(long)]
    pub explain: bool,
    /// Follow symbolic links while walking (loops are detected).
    #[arg(long)]
    pub follow: bool,
}

/// Flags of `joubun analyze`.
#[derive(Debug, Args)]
pub struct AnalyzeArgs {
    /// The analyser to run.
    #[arg(long, short, value_enum, default_value = "ja")]
    pub analyzer: Analyzer,
    /// Print JSON instead of a table.
    #[arg(long)]
    pub json: bool,
    /// The text to analyse; read from standard input when absent or `-`.
    pub text: Option<String>,
}
