//! Command-line flags, parsed once by clap into plain values; nothing here does I/O.

use std::path::PathBuf;

use std::ffi::OsString;

use clap::{Args, Parser, Subcommand};

use crate::analysis::Analyzer;
use crate::facet::Facet;

/// joubun: search privacy policies and legal documents clause by clause.
#[derive(Debug, Parser)]
#[command(name = "joubun", version, about, max_term_width = 100)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

impl Cli {
    /// Parses the process arguments; see [`query_words_as_values`].
    pub fn from_env() -> Cli {
        Cli::parse_from(query_words_as_values(std::env::args_os().collect()))
    }
}

/// The flags of subcommand `command` that take a value as the next argument (`-t`, `--type`, …), as
/// the flags below declare them.
fn value_flags(command: &str) -> Vec<String> {
    use clap::CommandFactory;
    let cli = Cli::command();
    let Some(command) = cli.find_subcommand(command) else {
        return Vec::new();
    };
    command
        .get_arguments()
        .filter(|a| !a.is_positional() && a.get_action().takes_values())
        .flat_map(|a| {
            let long = a.get_long().map(|l| format!("--{l}"));
            let short = a.get_short().map(|s| format!("-{s}"));
            long.into_iter().chain(short)
        })
        .collect()
}

/// Marks a negated query word (`search Cookie -Google`) so that clap takes it for a query word, not an
/// unknown flag: for `search` and `facets`, an argument of one `-` and two or more characters that is
/// not a known flag (flags are `-n 5` or `--limit`, never `-n5`) starts with U+2212 MINUS SIGN
/// instead, which the query reads as `-`.
pub fn query_words_as_values(mut args: Vec<OsString>) -> Vec<OsString> {
    let Some(command) = args.get(1).and_then(|a| a.to_str()) else {
        return args;
    };
    if !matches!(command, "search" | "facets") {
        return args;
    }
    let value_flags = value_flags(command);
    let mut after_value_flag = false;
    for arg in args.iter_mut().skip(2) {
        let Some(text) = arg.to_str() else { continue };
        if text == "--" {
            break;
        }
        let negated = !after_value_flag
            && text.starts_with('-')
            && !text.starts_with("--")
            && text.chars().count() > 2;
        // The value of a flag (`--company -x`) is the flag's.
        after_value_flag = value_flags.iter().any(|f| f == text);
        if negated {
            *arg = OsString::from(format!("\u{2212}{}", &text[1..]));
        }
    }
    args
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
    /// Write every matching clause to a file: xlsx or CSV (for spreadsheets), TSV, JSON Lines, JSON or
    /// Markdown.
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
    #[arg(num_args = 0.., value_name = "QUERY")]
    pub query: Vec<String>,
    #[command(flatten)]
    pub filters: FilterArgs,
    #[command(flatten)]
    pub location: IndexLocation,
    /// Only this facet.
    #[arg(long, value_parser = FacetName)]
    pub field: Option<Facet>,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// Flags of `joubun show`.
#[derive(Debug, Args)]
pub struct ShowArgs {
    /// The clause id, as search and export print it (`lnsoft#12.2`); or, with a citation after it, the
    /// document (`lnsoft`, as ids begin, or its path in the corpus).
    pub id: String,
    /// A citation within that document (`第12条第2項`, `5.1(2)`), as parse and search print it.
    pub cite: Option<String>,
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

/// Export formats; `-o FILE` names one by its extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportFormat {
    /// RFC 4180 CSV with a header row.
    Csv,
    /// Tab-separated values with a header row.
    Tsv,
    /// One JSON object per line.
    #[value(alias = "ndjson")]
    Jsonl,
    /// One JSON array.
    Json,
    /// A Markdown table, for memos.
    #[value(alias = "markdown")]
    Md,
    /// An Excel workbook: labels, ids and dates stored as text, a frozen header.
    Xlsx,
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
    /// The format to write; without it, the extension of `-o FILE` says (`.csv` `.tsv` `.md` `.json`
    /// `.jsonl` `.xlsx`).
    #[arg(long, value_enum)]
    pub format: Option<ExportFormat>,
    /// The file to write (standard output when absent or `-`); only a regular file is ever replaced.
    #[arg(long, short)]
    pub output: Option<PathBuf>,
    /// The columns to write, in this order (`id,citation,company,text`), of: id, doc, company, title,
    /// date, lang, jurisdictions, cites, type, article, heading, label, line_start, line_end, text, score,
    /// cite, citation (title and cite), source (`path:lines`); or jurisdictions_inferred, types,
    /// chapter, level, highlights (byte ranges of the text that match). JSON without it writes whole
    /// clauses.
    #[arg(long, value_name = "LIST")]
    pub columns: Option<String>,
    /// Start with a UTF-8 byte-order mark, so that Excel reads Japanese correctly (CSV, TSV and Markdown
    /// only).
    #[arg(long)]
    pub bom: bool,
    /// Replace the output file if it exists.
    #[arg(long)]
    pub force: bool,
}

/// Where the index is, and the corpus it is built from on first use and kept up to date with.
#[derive(Debug, Args)]
pub struct IndexLocation {
    /// The index folder.
    #[arg(long, short = 'i', env = "JOUBUN_INDEX", default_value = "index")]
    pub index: PathBuf,
    /// The corpus the index is built from, and brought up to date with before a search.
    #[arg(long, env = "JOUBUN_CORPUS", default_value = "corpus")]
    pub corpus: PathBuf,
    /// Answer from the index as last committed, even if its corpus changed since (for answers that
    /// must be reproducible, and for looking at an index without changing it).
    #[arg(long)]
    pub no_update: bool,
}

/// Flags of `joubun index`.
#[derive(Debug, Args)]
pub struct IndexArgs {
    /// The corpus folder.
    #[arg(env = "JOUBUN_CORPUS", default_value = "corpus")]
    pub corpus: PathBuf,
    /// The index folder.
    #[arg(long, short = 'i', env = "JOUBUN_INDEX", default_value = "index")]
    pub index: PathBuf,
    /// Start from an empty index (needed after upgrading joubun).
    #[arg(long)]
    pub rebuild: bool,
    /// Exit with status 2 if any file or line was skipped (everything readable is still indexed).
    #[arg(long)]
    pub strict: bool,
}

/// Filters shared by the commands that select clauses: the same flag twice is OR, different flags AND.
#[derive(Debug, Clone, Args, Default)]
pub struct FilterArgs {
    /// Article type (third-party, cookies, purpose, …; any case, or 第三者提供, 委託, 安全管理措置, …).
    #[arg(long = "type", short = 't', value_name = "TYPE")]
    pub types: Vec<String>,
    /// Jurisdiction (JP, EU, US covers US-CA, …).
    #[arg(long = "jurisdiction", value_name = "CODE")]
    pub jurisdictions: Vec<String>,
    /// Company (any case).
    #[arg(long = "company", short = 'c')]
    pub companies: Vec<String>,
    /// Clause language: ja or en.
    #[arg(long = "lang", short = 'l')]
    pub langs: Vec<String>,
    /// A law the clause cites (APPI, GDPR, CCPA, …).
    #[arg(long = "cites", value_name = "LAW")]
    pub cites: Vec<String>,
    /// Policies dated on or after this day (YYYY-MM-DD).
    #[arg(long, value_parser = calendar_day)]
    pub since: Option<String>,
    /// Policies dated on or before this day (YYYY-MM-DD).
    #[arg(long, value_parser = calendar_day)]
    pub until: Option<String>,
    /// Privacy policies that say nothing about this `joubun check` item (security, retention, …; or
    /// its Japanese name, 安全管理措置). Documents that are not privacy policies (terms of use,
    /// statutes) are never checked, so these filters leave them out.
    #[arg(long, value_name = "ITEM")]
    pub missing: Vec<String>,
    /// Privacy policies that mention this check item without what the law asks.
    #[arg(long, value_name = "ITEM")]
    pub weak: Vec<String>,
    /// Privacy policies that say what the law asks about this check item.
    #[arg(long, value_name = "ITEM")]
    pub present: Vec<String>,
}

impl FilterArgs {
    /// The values given to each facet's flag, in facet order.
    pub fn facets(&self) -> [(Facet, &[String]); 5] {
        Facet::ALL.map(|facet| {
            let values = match facet {
                Facet::Type => &self.types,
                Facet::Company => &self.companies,
                Facet::Jurisdiction => &self.jurisdictions,
                Facet::Lang => &self.langs,
                Facet::Cites => &self.cites,
            };
            (facet, values.as_slice())
        })
    }
}

/// A facet named on the command line (`facets --field type`), in any case; the help lists each with
/// its label, and an unknown name is an error listing the facets.
#[derive(Debug, Clone, Copy)]
struct FacetName;

impl clap::builder::TypedValueParser for FacetName {
    type Value = Facet;

    fn parse_ref(
        &self,
        _: &clap::Command,
        _: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<Facet, clap::Error> {
        let name = value.to_string_lossy();
        Facet::named(&name).ok_or_else(|| {
            let names: Vec<&str> = Facet::ALL.iter().map(|f| f.name()).collect();
            clap::Error::raw(
                clap::error::ErrorKind::InvalidValue,
                format!("unknown facet {name:?}; facets are {}\n", names.join(", ")),
            )
        })
    }

    fn possible_values(
        &self,
    ) -> Option<Box<dyn Iterator<Item = clap::builder::PossibleValue> + '_>> {
        Some(Box::new(Facet::ALL.into_iter().map(|f| {
            clap::builder::PossibleValue::new(f.name()).help(f.label())
        })))
    }
}

/// Flags of `joubun search`.
#[derive(Debug, Args)]
pub struct SearchArgs {
    /// The query, in one argument or several: words ANDed, "exact phrase" (or 「…」), OR, -word,
    /// ( ), heading:word, type:…, company:…; A /s B (one sentence), A /p B (one clause), A /N B (within
    /// N words). Full-width spaces and operators work as typed.
    #[arg(num_args = 0.., value_name = "QUERY")]
    pub query: Vec<String>,
    #[command(flatten)]
    pub filters: FilterArgs,
    #[command(flatten)]
    pub location: IndexLocation,
    /// How many hits to show (at most 10000; `joubun export` lists every match).
    #[arg(long, short = 'n', default_value_t = 10, value_parser = page_limit)]
    pub limit: usize,
    /// How many hits to skip first (at most 100000).
    #[arg(long, default_value_t = 0, value_parser = page_offset)]
    pub offset: usize,
    /// Print JSON Lines: one hit a line, then a summary.
    #[arg(long)]
    pub json: bool,
    /// Group hits: each article once, with its matching clauses under it.
    #[arg(long, value_enum)]
    pub by: Option<GroupBy>,
    /// Show how the query was read (words, synonyms, filters) before the hits, on stderr.
    #[arg(long)]
    pub explain: bool,
    /// When to colour matches: auto (on a terminal, unless NO_COLOR is set), always or never.
    #[arg(long, value_enum, default_value = "auto")]
    pub color: ColorChoice,
}

/// When output is coloured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    /// On a terminal, unless NO_COLOR is set.
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

impl ColorChoice {
    /// Whether to colour standard output.
    pub fn enabled(self) -> bool {
        match self {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                use std::io::IsTerminal;
                std::io::stdout().is_terminal()
                    && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
            }
        }
    }
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

/// Output formats of `joubun check`; `-o FILE` names one by its extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum CheckFormat {
    /// Aligned text.
    #[value(alias = "txt")]
    Table,
    /// One JSON value.
    Json,
    /// CSV with a header row.
    Csv,
    /// Tab-separated values with a header row.
    Tsv,
    /// Markdown tables.
    #[value(alias = "markdown")]
    Md,
    /// An Excel workbook, the same rows as CSV.
    Xlsx,
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
    /// The output format (default: table); without it, the extension of `-o FILE` says.
    #[arg(long, value_enum)]
    pub format: Option<CheckFormat>,
    /// The file to write (standard output when absent or `-`); only a regular file is ever replaced.
    #[arg(long, short)]
    pub output: Option<PathBuf>,
    /// Replace the output file if it exists.
    #[arg(long)]
    pub force: bool,
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

/// Most hits one page of `search` shows: the page is held in memory, while `joubun export` streams
/// every match.
pub const MAX_LIMIT: usize = 10_000;

/// Deepest page start of `search`: every hit before the page is ranked in memory (16 bytes each).
pub const MAX_OFFSET: usize = 100_000;

fn page_limit(value: &str) -> Result<usize, String> {
    bounded(value, MAX_LIMIT)
}

fn page_offset(value: &str) -> Result<usize, String> {
    bounded(value, MAX_OFFSET)
}

/// A whole number no larger than `max`; a larger one is refused rather than clamped, so that a page
/// never silently shows less than asked.
fn bounded(value: &str, max: usize) -> Result<usize, String> {
    if value.is_empty() || !value.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("{value:?} is not a whole number"));
    }
    match value.parse::<usize>() {
        Ok(n) if n <= max => Ok(n),
        _ => Err(format!(
            "at most {max}; `joubun export` writes every match, however many"
        )),
    }
}

/// A real calendar day written YYYY-MM-DD (2024-02-29 yes, 2023-02-29 and 2024-13-45 no).
fn calendar_day(value: &str) -> Result<String, String> {
    let refuse = || format!("{value:?} is not a calendar day written YYYY-MM-DD");
    let parts: Vec<&str> = value.split('-').collect();
    let [year, month, day] = parts[..] else {
        return Err(refuse());
    };
    let digits = |s: &str, len: usize| {
        (s.len() == len && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse::<u32>().ok())
            .flatten()
    };
    let (Some(year), Some(month), Some(day)) = (digits(year, 4), digits(month, 2), digits(day, 2))
    else {
        return Err(refuse());
    };
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return Err(refuse()),
    };
    if day == 0 || day > days {
        return Err(refuse());
    }
    Ok(value.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn negated_words_are_query_words_and_flag_values_stay_values() {
        let args = |list: &[&str]| -> Vec<OsString> { list.iter().map(OsString::from).collect() };
        let read = query_words_as_values(args(&[
            "joubun", "search", "Cookie", "-Google", "-t", "-x", "--cites", "-y", "-n", "5",
        ]));
        assert_eq!(
            read,
            args(&[
                "joubun",
                "search",
                "Cookie",
                "\u{2212}Google",
                "-t",
                "-x",
                "--cites",
                "-y",
                "-n",
                "5"
            ])
        );
        let flags = value_flags("facets");
        for flag in [
            "--type",
            "-t",
            "--company",
            "--jurisdiction",
            "--lang",
            "--cites",
            "--field",
        ] {
            assert!(
                flags.iter().any(|f| f == flag),
                "{flag} takes a value: {flags:?}"
            );
        }
        assert!(!flags.iter().any(|f| f == "--json"));
    }

    #[test]
    fn only_real_days_are_dates() {
        for good in ["2024-02-29", "2023-12-31", "2000-02-29"] {
            assert_eq!(calendar_day(good).as_deref(), Ok(good));
        }
        for bad in [
            "2024-13-45",
            "2023-02-29",
            "1900-02-29",
            "2024-04-31",
            "2024-1-5",
            "20240105",
        ] {
            assert!(calendar_day(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn page_numbers_are_bounded_not_wrapped() {
        assert_eq!(bounded("10", 10), Ok(10));
        assert!(bounded("11", 10).is_err());
        assert!(bounded("18446744073709551615", 10).is_err());
        assert!(bounded("99999999999999999999999999999", 10).is_err());
        assert!(bounded("-1", 10).is_err());
    }
}
