//! The clause: the unit joubun indexes, cites and exports, with every fact about it.
//!
//! `parse_document` runs the parse half of the pipeline for one decoded document: segment, then label
//! each segment with the document's company, jurisdictions and date and its own language, cites and type.

mod id;

use std::collections::HashMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::classify::{self, Decided, DocumentReader, Lang};
use crate::corpus::SourceDoc;
use crate::segment::{self, Level};
use crate::text::{PIECE_BYTES, pieces};

pub use id::DocIds;

/// Bumped whenever segmentation or classification (`src/rules/`, `classify.rs`) would make other
/// clauses from the same file: an index made under other rules re-reads every file once.
pub const RULES_VERSION: u32 = 4;

/// One clause and its facts; the field names are the JSON every command reads and writes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Clause {
    /// Unique, stable and readable: `lnsoft#12.2` (document, article, paragraph, item; see `clause/id.rs`).
    pub id: String,
    /// The document's path relative to the corpus root.
    pub doc: String,
    /// The company whose policy this is, if known.
    pub company: Option<String>,
    /// The document's title, if known.
    pub title: Option<String>,
    /// The policy's date (ISO 8601), if stated.
    pub date: Option<String>,
    /// `ja` or `en`, decided per clause.
    pub lang: Lang,
    /// Jurisdictions of the laws the document names (`JP`, `EU`, `US-CA`, ...).
    pub jurisdictions: Vec<String>,
    /// True when `jurisdictions` was inferred (a Japanese document naming no law) rather than read.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub jurisdictions_inferred: bool,
    /// Laws this clause itself names, with article numbers where given (`GDPR Art. 22`).
    pub cites: Vec<String>,
    /// The primary article type (`third-party`, `cookies`, ...), shown where one type is shown.
    #[serde(rename = "type")]
    pub kind: String,
    /// Every type the clause is of, primary first (a clause may both outsource and share).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub types: Vec<String>,
    /// The article's label as written (`第12条`, `3`), if numbered.
    pub article: Option<String>,
    /// The article's heading, if it has one.
    pub heading: Option<String>,
    /// The chapter, section… titles the article stands under, outermost first (`第四章　… / 第一節　総則`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chapter: Option<String>,
    /// The clause's own label within its article (`2`, `1-(1)`).
    pub label: Option<String>,
    /// Its legal citation in the document's own terms (`第12条第2項第3号`, `5.1(2)`, `§3 ¶2`); what
    /// `show` accepts beside the id.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub cite: String,
    /// Depth in the clause tree.
    #[serde(default = "default_level")]
    pub level: Level,
    /// First source line, 1-based.
    pub line_start: usize,
    /// Last source line, 1-based, inclusive.
    pub line_end: usize,
    /// The clause text.
    pub text: String,
}

impl Clause {
    /// Every type of the clause, primary first; the primary alone for a clause stored without a list.
    pub fn all_types(&self) -> Vec<&str> {
        if self.types.is_empty() {
            vec![self.kind.as_str()]
        } else {
            self.types.iter().map(String::as_str).collect()
        }
    }

    /// The article as people cite it: its label and heading (`第12条 第三者への提供等`), or empty.
    pub fn article_name(&self) -> String {
        [self.article.as_deref(), self.heading.as_deref()]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// The document title and citation, as a lawyer names the clause in a memo
    /// (`LNSOFT プライバシーポリシー 第12条第2項`); `-` when it has neither.
    pub fn citation(&self) -> String {
        match (&self.title, self.cite.is_empty()) {
            (Some(title), false) => format!("{title} {}", self.cite),
            (Some(title), true) => title.clone(),
            (None, false) => self.cite.clone(),
            (None, true) => "-".to_string(),
        }
    }

    /// Where the clause stands in its source: `path:12-14`.
    pub fn source(&self) -> String {
        format!("{}:{}-{}", self.doc, self.line_start, self.line_end)
    }
}

fn default_level() -> Level {
    Level::Paragraph
}

/// Why a clause got its type and company (`parse --explain`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Explanation {
    /// The cue that decided the type.
    pub type_cue: String,
    /// Where the company came from.
    pub company_cue: String,
    /// Where the date came from.
    pub date_cue: String,
}

/// Per-file facts a user asserts in `corpus/joubun.toml`, which beat anything read from the text.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileFacts {
    /// The company.
    pub company: Option<String>,
    /// The title.
    pub title: Option<String>,
    /// Where the document was published.
    pub url: Option<String>,
    /// The policy date, ISO 8601.
    pub date: Option<String>,
    /// Jurisdictions, replacing those read from the text.
    pub jurisdiction: Option<Vec<String>>,
}

/// The contents of `joubun.toml` at a corpus root.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CorpusConfig {
    /// Facts per file, keyed by path relative to the corpus root.
    #[serde(default)]
    pub files: HashMap<String, FileFacts>,
}

impl CorpusConfig {
    /// Reads `joubun.toml` from the corpus root; no file means no overrides.
    pub fn load(root: &Path) -> Result<CorpusConfig, String> {
        let path = root.join("joubun.toml");
        match std::fs::read_to_string(&path) {
            Ok(text) => toml::from_str(&text).map_err(|e| format!("{}: {e}", path.display())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(CorpusConfig::default()),
            Err(e) => Err(format!("{}: {e}", path.display())),
        }
    }
}

/// Parses any corpus file: pre-segmented clauses (`.jsonl`) or a document. Returns the problems to
/// report (JSON lines that could not be read), each naming its line.
pub fn parse(
    source: &SourceDoc,
    facts: Option<&FileFacts>,
    emit: impl FnMut(Clause, Explanation),
) -> Vec<String> {
    if is_jsonl(&source.rel_path) {
        let lines = source.text.lines().map(|l| Ok(l.to_string()));
        parse_jsonl(&source.rel_path, lines, facts, emit)
    } else {
        parse_document(source, facts, emit);
        Vec::new()
    }
}

/// Whether the file at `path` is a JSON Lines file of clauses.
pub fn is_jsonl(path: &str) -> bool {
    path.to_ascii_lowercase().ends_with(".jsonl")
}

/// A clause as a JSON Lines corpus gives it: only `text` is required; what is missing is inferred.
/// Numbers are taken where text is expected (`"article": 3`), as people's exports write them.
#[derive(Debug, Deserialize)]
struct GivenClause {
    #[serde(deserialize_with = "text_or_number")]
    text: String,
    #[serde(default, deserialize_with = "some_text_or_number")]
    id: Option<String>,
    #[serde(default, deserialize_with = "some_text_or_number")]
    doc: Option<String>,
    #[serde(default, deserialize_with = "some_text_or_number")]
    company: Option<String>,
    #[serde(default, deserialize_with = "some_text_or_number")]
    title: Option<String>,
    #[serde(default, deserialize_with = "some_text_or_number")]
    date: Option<String>,
    lang: Option<Lang>,
    #[serde(default, deserialize_with = "some_text_or_number")]
    article: Option<String>,
    #[serde(default, deserialize_with = "some_text_or_number")]
    heading: Option<String>,
    #[serde(default, deserialize_with = "some_text_or_number")]
    chapter: Option<String>,
    #[serde(default, deserialize_with = "some_text_or_number")]
    label: Option<String>,
    #[serde(rename = "type", default, deserialize_with = "some_text_or_number")]
    kind: Option<String>,
    #[serde(default)]
    types: Option<Vec<String>>,
    jurisdictions: Option<Vec<String>>,
}

/// A JSON string, or a number or boolean written where a string is expected, as text.
#[derive(Deserialize)]
#[serde(untagged)]
enum TextOrNumber {
    Text(String),
    Integer(i64),
    Float(f64),
    Bool(bool),
}

impl TextOrNumber {
    fn into_text(self) -> String {
        match self {
            TextOrNumber::Text(s) => s,
            TextOrNumber::Integer(n) => n.to_string(),
            TextOrNumber::Float(n) => n.to_string(),
            TextOrNumber::Bool(b) => b.to_string(),
        }
    }
}

fn text_or_number<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    TextOrNumber::deserialize(d).map(TextOrNumber::into_text)
}

fn some_text_or_number<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(Option::<TextOrNumber>::deserialize(d)?.map(TextOrNumber::into_text))
}

/// Labels the pre-segmented clauses of a JSON Lines document (`.jsonl`): given fields are kept, missing
/// ones inferred as for any clause. Returns the lines that could not be read, with the reason.
pub fn parse_jsonl(
    rel_path: &str,
    lines: impl IntoIterator<Item = Result<String, String>>,
    facts: Option<&FileFacts>,
    mut emit: impl FnMut(Clause, Explanation),
) -> Vec<String> {
    let mut ids = DocIds::new(rel_path);
    let mut problems = Vec::new();
    for (i, line) in lines.into_iter().enumerate() {
        let number = i + 1;
        let line = match line {
            Ok(line) => line,
            Err(reason) => {
                problems.push(format!("line {number}: {reason}"));
                continue;
            }
        };
        let line = line.trim_start_matches('\u{feff}').trim_end_matches('\r');
        if line.trim().is_empty() {
            continue;
        }
        let given: GivenClause = match serde_json::from_str(line) {
            Ok(given) => given,
            Err(e) => {
                problems.push(format!("line {number}: {e}"));
                continue;
            }
        };
        let lang = given
            .lang
            .unwrap_or_else(|| classify::language(&given.text, Lang::Ja));
        let cites = classify::cites(&given.text);
        let asserted = facts.and_then(|f| f.jurisdiction.clone());
        let (jurisdictions, inferred) = match given.jurisdictions.or(asserted) {
            Some(j) => (j, false),
            None => {
                let read = DocumentReader::read_all([given.text.as_str()], None);
                (read.jurisdictions, read.inferred)
            }
        };
        let types = match (given.kind, given.types) {
            (kind, Some(types)) if !types.is_empty() => Decided {
                // A given primary leads the given list.
                value: kind
                    .into_iter()
                    .chain(types)
                    .fold(Vec::new(), |mut all, t| {
                        if !all.contains(&t) {
                            all.push(t);
                        }
                        all
                    }),
                cue: "given".to_string(),
            },
            (Some(kind), _) => Decided {
                value: vec![kind],
                cue: "given".to_string(),
            },
            (None, _) => {
                let article = classify::article_context(given.heading.as_deref(), &[]);
                classify::clause_types(article.as_ref(), &given.text)
            }
        };
        // A given id is the clause's place in this file: it cannot claim another document's.
        let place = given.id.filter(|id| !id.is_empty());
        let clause = Clause {
            id: ids.make(place.as_deref().unwrap_or(&number.to_string())),
            doc: given.doc.unwrap_or_else(|| rel_path.to_string()),
            company: given
                .company
                .or_else(|| facts.and_then(|f| f.company.clone())),
            title: given.title.or_else(|| facts.and_then(|f| f.title.clone())),
            date: given.date.or_else(|| facts.and_then(|f| f.date.clone())),
            lang,
            jurisdictions,
            jurisdictions_inferred: inferred,
            cites,
            kind: types.value[0].clone(),
            types: types.value,
            article: given.article,
            heading: given.heading,
            chapter: given.chapter,
            label: given.label,
            cite: String::new(),
            level: Level::Paragraph,
            line_start: number,
            line_end: number,
            text: given.text,
        };
        let explanation = Explanation {
            type_cue: types.cue,
            company_cue: "given".to_string(),
            date_cue: String::new(),
        };
        emit_in_pieces(clause, explanation, &mut ids, &mut emit);
    }
    problems
}

/// Segments and labels one document, handing each clause to `emit` as soon as its article is complete.
///
/// Two passes over the text (facts, then clauses) and one article in memory at a time: a file is never
/// held more than once, whatever its size.
pub fn parse_document(
    source: &SourceDoc,
    facts: Option<&FileFacts>,
    mut emit: impl FnMut(Clause, Explanation),
) {
    let mut reader = DocumentReader::default();
    let outline = segment::outline(&source.text, |line| reader.read_line(line));
    let title = facts
        .and_then(|f| f.title.clone())
        .or(outline.title.clone());
    let read = reader.finish(title.as_deref());
    let front = |key: &str| outline.front_matter.get(key).cloned();
    let asserted = |value: String, cue: &str| Decided {
        value,
        cue: cue.to_string(),
    };
    let company = match (facts.and_then(|f| f.company.clone()), front("company")) {
        (Some(c), _) => Some(asserted(c, "joubun.toml")),
        (None, Some(c)) => Some(asserted(classify::bare_company(&c), "front matter")),
        _ => read.company,
    };
    // A day the author wrote in the front matter is asserted; a timestamp there is a tool's record of
    // when the page was built or edited, which a date the text states beats.
    let front_date = ["date", "updated", "last_modified_at", "lastmod"]
        .iter()
        .find_map(|key| front(key))
        .and_then(|d| Some((classify::front_matter_date(&d)?, d.trim().len() > 10)));
    let date = match (facts.and_then(|f| f.date.clone()), front_date) {
        (Some(d), _) => Some(asserted(d, "joubun.toml")),
        (None, Some((d, false))) => Some(asserted(d, "front matter")),
        (None, Some((d, true))) => read.date.or(Some(asserted(d, "front matter"))),
        (None, None) => read.date,
    };
    let (jurisdictions, inferred) = match facts.and_then(|f| f.jurisdiction.clone()) {
        Some(j) => (j, false),
        None => (read.jurisdictions, read.inferred),
    };
    let company_cue = company
        .as_ref()
        .map_or("no company found".to_string(), |c| c.cue.clone());
    let date_cue = date.as_ref().map_or(String::new(), |d| d.cue.clone());

    let mut ids = DocIds::new(&source.rel_path);
    // How often each article id part has been used, so repeated numbering still gives unique ids.
    let mut article_ids: HashMap<String, usize> = HashMap::new();
    let mut previous_lang = read.lang;
    segment::segment(&source.text, &outline, |article| {
        let first = &article[0];
        let heading = first.article.as_ref().and_then(|a| a.heading.as_deref());
        let texts: Vec<&str> = article.iter().map(|s| s.text.as_str()).collect();
        let article_type = classify::article_context(heading, &texts);
        let langs: Vec<Lang> = article
            .iter()
            .map(|seg| {
                // Too few letters to tell (a URL, "Google Inc."): the language of the text around it.
                previous_lang = classify::language(&seg.text, previous_lang);
                previous_lang
            })
            .collect();
        let key = first
            .article
            .as_ref()
            .map_or("0".to_string(), |a| a.key.clone());
        // A translation repeats the numbering (Live2D's Japanese and English sections): a second article
        // with the same number is told apart by its language, and any further one by a count.
        let mut part = key.clone();
        if article_ids.contains_key(&part) {
            part = format!("{}.{key}", langs[0].code());
        }
        let uses = article_ids.entry(part.clone()).or_insert(0);
        *uses += 1;
        if *uses > 1 {
            part = format!("{part}~{uses}");
        }
        // The type of the paragraph that leads into the items after it (「次の場合を除き、第三者に提供しません。」).
        let mut lead: Option<Decided<String>> = None;
        for (seg, lang) in article.into_iter().zip(langs) {
            let id = match seg.key.is_empty() {
                true => ids.make(&part),
                false => ids.make(&format!("{part}.{}", seg.key)),
            };
            // The preamble is not about one thing: each of its clauses is typed by its own text. An item
            // is read in the context of its lead-in where that says what the list is about.
            let article_context = seg.article.as_ref().and(article_type.as_ref());
            let context = match seg.level {
                Level::Item => lead.as_ref().or(article_context),
                _ => article_context,
            };
            let kind = classify::clause_types(context, &seg.text);
            if seg.level != Level::Item {
                lead =
                    (kind.value[0] != "other" && classify::leads_into_list(&seg.text)).then(|| {
                        Decided {
                            value: kind.value[0].clone(),
                            cue: format!("its lead-in clause: {}", kind.cue),
                        }
                    });
            }
            let explanation = Explanation {
                type_cue: kind.cue.clone(),
                company_cue: company_cue.clone(),
                date_cue: date_cue.clone(),
            };
            let clause = Clause {
                id,
                doc: source.rel_path.clone(),
                company: company.as_ref().map(|c| c.value.clone()),
                title: title.clone(),
                date: date.as_ref().map(|d| d.value.clone()),
                lang,
                jurisdictions: jurisdictions.clone(),
                jurisdictions_inferred: inferred,
                cites: classify::cites(&seg.text),
                kind: kind.value[0].clone(),
                types: kind.value,
                article: seg.article.as_ref().and_then(|a| a.label.clone()),
                heading: seg.article.as_ref().and_then(|a| a.heading.clone()),
                chapter: seg.article.as_ref().and_then(|a| a.chapter.clone()),
                label: seg.label,
                cite: seg.cite,
                level: seg.level,
                line_start: seg.line_start,
                line_end: seg.line_end,
                text: seg.text,
            };
            emit_in_pieces(clause, explanation, &mut ids, &mut emit);
        }
    });
}

/// Emits `clause`, or, when its text is over [`PIECE_BYTES`], its consecutive pieces cut at sentence
/// ends: each piece keeps the clause's facts and label, the first its id and the rest `id/2`, `id/3`…,
/// so that no text is lost and no clause costs more than a piece's memory to analyse and index.
fn emit_in_pieces(
    mut clause: Clause,
    explanation: Explanation,
    ids: &mut DocIds,
    emit: &mut impl FnMut(Clause, Explanation),
) {
    if clause.text.len() <= PIECE_BYTES {
        return emit(clause, explanation);
    }
    // Taken out, so that each piece copies the clause's facts and not its whole text.
    let whole = std::mem::take(&mut clause.text);
    let mut line = clause.line_start;
    for (n, range) in pieces(&whole, PIECE_BYTES).enumerate() {
        let text = &whole[range];
        let breaks = text.matches('\n').count();
        let piece = Clause {
            id: match n {
                0 => clause.id.clone(),
                _ => ids.piece(&clause.id, n + 1),
            },
            line_start: line.min(clause.line_end),
            line_end: (line + breaks).min(clause.line_end),
            text: text.to_string(),
            ..clause.clone()
        };
        line += breaks;
        emit(piece, explanation.clone());
    }
}
