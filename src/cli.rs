//! Command-line flags, parsed once by clap into plain values; nothing here does I/O.

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
