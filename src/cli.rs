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
    /// Build or update the index of a corpus (unchanged files are not analysed again).
    Index(IndexArgs),
    /// Find clauses: which clauses of which companies say what, under which law.
    Search(Box<SearchArgs>),
    /// Write every matching clause to a file: CSV (for spreadsheets), JSON Lines, JSON or Markdown.
    Export(Box<ExportArgs>),
    /// Count clauses per facet value (type, company, jurisdiction, lang, cites).
    Facets(Box<FacetsArgs>),
    /// Show one clause by id, and with --context its whole article.
    Show(ShowArgs),
    /// What the index holds: documents, clauses, facet counts, size, versions.
    Stats(StatsArgs),
    /// Check privacy policies item by item against what the APPI requires them to make known.
    Check(Box<CheckArgs>),
}

/// Flags of `joubun facets`.
#[derive(Debug, Args)]
pub struct FacetsArgs {
    /// The query (as for `search`); without one, every clause the filters allow.
    pub query: Option<String>,
    #[command(flatten)]
    pub filters: FilterArgs,
    #[command(flatten)]
    pub location: IndexLocation,
    /// Only this facet (type, company, jurisdiction, lang, cites).
    #[arg(long)]
    pub field: Option<String>,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// Flags of `joubun show`.
#[derive(Debug, Args)]
pub struct ShowArgs {
    /// The clause id, as search and export print it (`lnsoft#12.2`).
    pub id: String,
    /// Also show the whole article the clause belongs to.
    #[arg(long)]
    pub context: bool,
    /// Print JSON Lines.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub location: IndexLocation,
}

/// Flags of `joubun stats`.
#[derive(Debug, Args)]
pub struct StatsArgs {
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub location: IndexLocation,
}

/// Export formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportFormat {
    /// RFC 4180 CSV with a header row.
    Csv,
    /// One JSON object per line.
    Jsonl,
    /// One JSON array.
    Json,
    /// A Markdown table, for memos.
    Md,
}

/// Flags of `joubun export`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// The query (as for `search`); without one, every clause the filters allow.
    pub query: Option<String>,
    #[command(flatten)]
    pub filters: FilterArgs,
    #[command(flatten)]
    pub location: IndexLocation,
    /// The format to write.
    #[arg(long, value_enum)]
    pub format: ExportFormat,
    /// The file to write (standard output when absent).
    #[arg(long, short)]
    pub output: Option<PathBuf>,
    /// Start with a UTF-8 byte-order mark, so that Excel reads Japanese correctly.
    #[arg(long)]
    pub bom: bool,
    /// Replace the output file if it exists.
    #[arg(long)]
    pub force: bool,
}

/// Where the index is, and the corpus it is built from on first use.
#[derive(Debug, Args)]
pub struct IndexLocation {
    /// The index folder.
    #[arg(long, default_value = "index")]
    pub index: PathBuf,
    /// The corpus the index is built from when there is none yet.
    #[arg(long, default_value = "corpus")]
    pub corpus: PathBuf,
}

/// Flags of `joubun index`.
#[derive(Debug, Args)]
pub struct IndexArgs {
    /// The corpus folder.
    #[arg(default_value = "corpus")]
    pub corpus: PathBuf,
    /// The index folder.
    #[arg(long, default_value = "index")]
    pub index: PathBuf,
    /// Start from an empty index (needed after upgrading joubun).
    #[arg(long)]
    pub rebuild: bool,
    /// Exit with status 2 if any file or line was skipped (everything readable is still indexed).
    #[arg(long)]
    pub strict: bool,
}

/// Filters shared by the commands that select clauses: the same flag twice is OR, different flags AND.
#[derive(Debug, Args, Default)]
pub struct FilterArgs {
    /// Article type (third-party, cookies, purpose, …).
    #[arg(long = "type", value_name = "TYPE")]
    pub types: Vec<String>,
    /// Jurisdiction (JP, EU, US covers US-CA, …).
    #[arg(long = "jurisdiction", value_name = "CODE")]
    pub jurisdictions: Vec<String>,
    /// Company.
    #[arg(long = "company")]
    pub companies: Vec<String>,
    /// Clause language: ja or en.
    #[arg(long = "lang")]
    pub langs: Vec<String>,
    /// A law the clause cites (APPI, GDPR, CCPA, …).
    #[arg(long = "cites", value_name = "LAW")]
    pub cites: Vec<String>,
    /// Policies dated on or after this day (YYYY-MM-DD).
    #[arg(long)]
    pub since: Option<String>,
    /// Policies dated on or before this day (YYYY-MM-DD).
    #[arg(long)]
    pub until: Option<String>,
}

/// Flags of `joubun search`.
#[derive(Debug, Args)]
pub struct SearchArgs {
    /// The query: words ANDed, "exact phrase", OR, -word, ( ), heading:word, type:…, company:….
    pub query: Option<String>,
    #[command(flatten)]
    pub filters: FilterArgs,
    #[command(flatten)]
    pub location: IndexLocation,
    /// How many hits to show.
    #[arg(long, default_value_t = 10)]
    pub limit: usize,
    /// How many hits to skip first.
    #[arg(long, default_value_t = 0)]
    pub offset: usize,
    /// Print JSON Lines: one hit a line, then a summary.
    #[arg(long)]
    pub json: bool,
    /// Group hits: each article once, with its matching clauses under it.
    #[arg(long, value_enum)]
    pub by: Option<GroupBy>,
}

/// How `search --by` groups hits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum GroupBy {
    /// One entry per article.
    Article,
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

/// Output formats of `joubun check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum CheckFormat {
    /// Aligned text.
    Table,
    /// One JSON value.
    Json,
    /// CSV with a header row.
    Csv,
    /// Markdown tables.
    Md,
}

/// Flags of `joubun check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// A policy, or a folder to walk (only documents that read as privacy policies are checked); without
    /// it, the documents of the index.
    pub path: Option<PathBuf>,
    #[command(flatten)]
    pub filters: FilterArgs,
    #[command(flatten)]
    pub location: IndexLocation,
    /// The output format.
    #[arg(long, value_enum, default_value = "table")]
    pub format: CheckFormat,
    /// A documents × items matrix, with how many documents miss each item.
    #[arg(long)]
    pub summary: bool,
    /// Show the cues behind each item and which ones were found.
    #[arg(long)]
    pub explain: bool,
    /// A checklist file to use instead of the built-in one (same format as src/rules/check.toml).
    #[arg(long, value_name = "FILE")]
    pub rules: Option<PathBuf>,
    /// Follow symbolic links while walking PATH.
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
