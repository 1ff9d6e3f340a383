//! The clause index: its schema (built here and only here), creating and opening it, and bringing it up
//! to date with a corpus, file by file.
//!
//! Every clause is one tantivy document. Its JSON is stored whole (one owner of the clause's shape); its
//! text is indexed through the analysers that fit its language, and its facts as facets.

use std::collections::BTreeMap;
use std::fs;
use std::io::Seek;
use std::path::{Path, PathBuf};
use std::time::Instant;

use serde::{Deserialize, Serialize};
use tantivy::schema::{
    FAST, Facet, FacetOptions, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema,
    TextFieldIndexing, TextOptions, Value,
};
use tantivy::{Index, IndexWriter, TantivyDocument, Term};

use crate::analysis::{self, ANALYSIS_VERSION, Analyzer};
use crate::classify::Lang;
use crate::clause::{Clause, CorpusConfig, RULES_VERSION, is_jsonl, parse, parse_jsonl};
use crate::corpus::{self, Skipped, WalkOptions};

/// Bumped whenever the fields below change; an index of another version is refused.
pub const SCHEMA_VERSION: u32 = 6;

const META_FILE: &str = "joubun.json";
/// The fingerprint of every indexed file: only indexing reads it, so searches need not parse it.
const FINGERPRINTS_FILE: &str = "joubun-files.json";
/// The indexing threads' memory for segments being built, shared by both. Segments twice as large as
/// with 64 MB mean fewer merges: 10,000 and 50,000 documents index in a tenth less time, for 10 MB more
/// peak memory at 50,000 (228 MB). With 192 MB the peak passed 300 MB.
const WRITER_MEMORY: usize = 128_000_000;
/// Segments merged at once: a merge maps every segment it reads, so merging four, not tantivy's
/// eight, keeps a 50,000-document run's peak memory down.
const MERGE_AT_ONCE: usize = 4;
/// Segments this large are left alone: merging them again would map hundreds of megabytes at once.
const MERGE_MAX_DOCS: usize = 100_000;

/// Errors of the index layer, each saying what to do.
#[derive(Debug, thiserror::Error)]
pub enum IndexError {
    /// No index at the place named.
    #[error("no index at {0} (build one with `joubun index`)")]
    Missing(PathBuf),
    /// An index made by a build whose schema or analysers differ.
    #[error(
        "the index at {path} was built by another joubun ({found}; this build writes {expected}); run `joubun index --rebuild`"
    )]
    Incompatible {
        /// The index folder.
        path: PathBuf,
        /// What its metadata says.
        found: String,
        /// What this build writes.
        expected: String,
    },
    /// The index files cannot be read.
    #[error(
        "the index at {path} is damaged or unreadable ({reason}); run `joubun index --rebuild`"
    )]
    Corrupt {
        /// The index folder.
        path: PathBuf,
        /// What failed.
        reason: String,
    },
    /// The corpus cannot be read.
    #[error("{0}")]
    Corpus(String),
    /// Another process is writing the index.
    #[error(
        "the index at {path} is locked by another joubun process (pid {pid}); wait for it to finish"
    )]
    Locked {
        /// The index folder.
        path: PathBuf,
        /// The process holding the lock.
        pid: u32,
    },
}

use crate::lock::{LOCK_FILE, WriteLock};

/// What the index records about itself, next to tantivy's files.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct IndexMeta {
    /// [`SCHEMA_VERSION`] of the build that wrote it.
    pub schema_version: u32,
    /// [`ANALYSIS_VERSION`] of the build that wrote it.
    pub analysis_version: u32,
    /// The dictionary it was analysed with.
    pub dictionary: String,
    /// [`RULES_VERSION`] its clauses were made under; 0 before it was recorded.
    #[serde(default)]
    pub rules: u32,
    /// The corpus folder it was built from.
    pub corpus: PathBuf,
    /// Seconds since the Unix epoch at the last indexing run.
    pub indexed_at: u64,
    /// How many documents (files) the index holds clauses of.
    pub documents: usize,
}

/// Per document (path relative to the corpus): a hash of its bytes, to skip unchanged files.
type Fingerprints = BTreeMap<String, String>;

impl IndexMeta {
    fn versions(&self) -> String {
        format!(
            "schema {}, analysis {}, {}",
            self.schema_version, self.analysis_version, self.dictionary
        )
    }

    fn current(corpus: &Path) -> IndexMeta {
        IndexMeta {
            schema_version: SCHEMA_VERSION,
            analysis_version: ANALYSIS_VERSION,
            dictionary: analysis::dictionary::DICTIONARY_VERSION.to_string(),
            rules: RULES_VERSION,
            corpus: corpus.to_path_buf(),
            indexed_at: 0,
            documents: 0,
        }
    }
}

/// The fields of a clause document.
#[derive(Debug, Clone, Copy)]
pub struct Fields {
    /// The clause id, as one term.
    pub id: Field,
    /// The document path, as one term (to replace a file's clauses).
    pub doc: Field,
    /// The whole clause as JSON, stored.
    pub json: Field,
    /// Text through `ja`, with positions.
    pub text_ja: Field,
    /// Text through `ja_reading`, without positions.
    pub text_reading: Field,
    /// Text through `cjk_bigram`, with positions.
    pub text_bigram: Field,
    /// Text through `en`, with positions.
    pub text_en: Field,
    /// Article heading through `ja`.
    pub heading_ja: Field,
    /// Article heading through `en`.
    pub heading_en: Field,
    /// Facet `/type/…`.
    pub kind: Field,
    /// Facet `/jurisdiction/…`; a clause under `US-CA` is also under `US`.
    pub jurisdiction: Field,
    /// Facet `/company/…`.
    pub company: Field,
    /// Facet `/lang/…`.
    pub lang: Field,
    /// Facet `/cites/…`.
    pub cites: Field,
    /// The policy date as YYYYMMDD, fast, for `--since`/`--until`.
    pub date: Field,
    /// All of a clause's jurisdiction facets as one value, for counting (see [`counted_column`]).
    pub jurisdiction_set: Field,
    /// All of a clause's cites facets as one value, for counting.
    pub cites_set: Field,
}

impl Fields {
    /// The text fields a query searches, with the analyser of each and how much a match there weighs:
    /// morphological matches rank above bigram-only ones.
    pub fn text(&self) -> [(Field, Analyzer, f32); 4] {
        [
            (self.text_ja, Analyzer::Ja, 1.0),
            (self.text_reading, Analyzer::JaReading, 0.6),
            (self.text_en, Analyzer::En, 1.0),
            (self.text_bigram, Analyzer::CjkBigram, 0.2),
        ]
    }

    /// The heading fields `heading:` searches.
    pub fn heading(&self) -> [(Field, Analyzer, f32); 2] {
        [
            (self.heading_ja, Analyzer::Ja, 1.0),
            (self.heading_en, Analyzer::En, 1.0),
        ]
    }

    /// The facet field a facet name refers to.
    pub fn facet(&self, name: &str) -> Option<Field> {
        Some(match name {
            "type" => self.kind,
            "jurisdiction" => self.jurisdiction,
            "company" => self.company,
            "lang" => self.lang,
            "cites" => self.cites,
            _ => return None,
        })
    }
}

/// The facets every clause has, in display order.
pub const FACETS: [&str; 5] = ["type", "company", "jurisdiction", "lang", "cites"];

/// Joins the facets of one clause in a set column.
pub const SET_SEPARATOR: char = '\u{1}';
/// The set columns of the multi-valued facets.
const JURISDICTION_SET: &str = "jurisdiction_set";
const CITES_SET: &str = "cites_set";

/// The fast column that facet counts read for `facet`, and whether its values are sets of facets
/// joined by [`SET_SEPARATOR`].
///
/// A facet with several values per clause is a multi-valued column, whose every read is a rank
/// lookup; one value per clause, the set, is a plain read, and a few dozen distinct sets are split
/// once per search. Every clause has a value in each column read, the empty set or the root facet
/// for none, for the same reason.
pub fn counted_column(facet: &str) -> (&str, bool) {
    match facet {
        "jurisdiction" => (JURISDICTION_SET, true),
        "cites" => (CITES_SET, true),
        other => (other, false),
    }
}

/// Builds the schema and its field handles.
pub fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let text = |analyzer: Analyzer| {
        // Readings only join spelling variants of words found anyway: their order is never asked, and
        // not recording it saves a tenth of indexing.
        let record = match analyzer {
            Analyzer::JaReading => IndexRecordOption::WithFreqs,
            _ => IndexRecordOption::WithFreqsAndPositions,
        };
        TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(analyzer.name())
                .set_index_option(record),
        )
    };
    let facet = || FacetOptions::default();
    let fields = Fields {
        id: b.add_text_field("id", STRING),
        doc: b.add_text_field("doc", STRING),
        json: b.add_text_field("json", STORED),
        text_ja: b.add_text_field("text_ja", text(Analyzer::Ja)),
        text_reading: b.add_text_field("text_reading", text(Analyzer::JaReading)),
        text_bigram: b.add_text_field("text_bigram", text(Analyzer::CjkBigram)),
        text_en: b.add_text_field("text_en", text(Analyzer::En)),
        heading_ja: b.add_text_field("heading_ja", text(Analyzer::Ja)),
        heading_en: b.add_text_field("heading_en", text(Analyzer::En)),
        kind: b.add_facet_field("type", facet()),
        jurisdiction: b.add_facet_field("jurisdiction", facet()),
        company: b.add_facet_field("company", facet()),
        lang: b.add_facet_field("lang", facet()),
        cites: b.add_facet_field("cites", facet()),
        date: b.add_u64_field("date", INDEXED | FAST),
        jurisdiction_set: b.add_text_field(JURISDICTION_SET, FAST),
        cites_set: b.add_text_field(CITES_SET, FAST),
    };
    (b.build(), fields)
}

/// An open clause index.
pub struct ClauseIndex {
    /// The tantivy index.
    pub index: Index,
    /// Its fields.
    pub fields: Fields,
    /// Its recorded metadata.
    pub meta: IndexMeta,
    path: PathBuf,
    /// Made on first search, so it sees every commit made before then.
    reader: std::sync::OnceLock<tantivy::IndexReader>,
}

impl ClauseIndex {
    /// Opens the index at `path`, refusing one made by an incompatible build.
    pub fn open(path: &Path) -> Result<ClauseIndex, IndexError> {
        let meta_path = path.join(META_FILE);
        let text =
            fs::read_to_string(&meta_path).map_err(|_| IndexError::Missing(path.to_path_buf()))?;
        let corrupt = |e: serde_json::Error| IndexError::Corrupt {
            path: path.to_path_buf(),
            reason: format!("{META_FILE}: {e}"),
        };
        // Versions first: an index of another version may record other fields.
        let recorded: serde_json::Value = serde_json::from_str(&text).map_err(corrupt)?;
        let expected = IndexMeta::current(Path::new(""));
        let found = (
            recorded["schema_version"].as_u64(),
            recorded["analysis_version"].as_u64(),
            recorded["dictionary"].as_str(),
        );
        if found
            != (
                Some(u64::from(expected.schema_version)),
                Some(u64::from(expected.analysis_version)),
                Some(expected.dictionary.as_str()),
            )
        {
            let show = |v: Option<u64>| v.map_or("?".to_string(), |v| v.to_string());
            return Err(IndexError::Incompatible {
                path: path.to_path_buf(),
                found: format!(
                    "schema {}, analysis {}, {}",
                    show(found.0),
                    show(found.1),
                    found.2.unwrap_or("?")
                ),
                expected: expected.versions(),
            });
        }
        let meta: IndexMeta = serde_json::from_value(recorded).map_err(corrupt)?;
        let index = Index::open_in_dir(path).map_err(|e| IndexError::Corrupt {
            path: path.to_path_buf(),
            reason: e.to_string(),
        })?;
        analysis::register(index.tokenizers());
        let (_, fields) = schema();
        Ok(ClauseIndex {
            index,
            fields,
            meta,
            path: path.to_path_buf(),
            reader: Default::default(),
        })
    }

    /// Creates an empty index at `path`, replacing whatever joubun index was there.
    pub fn create(path: &Path, corpus: &Path) -> Result<ClauseIndex, IndexError> {
        let corrupt = |e: &dyn std::fmt::Display| IndexError::Corrupt {
            path: path.to_path_buf(),
            reason: e.to_string(),
        };
        // Only remove what joubun wrote: tantivy's files and our metadata, never unrelated files.
        if path.exists() {
            for entry in fs::read_dir(path).map_err(|e| corrupt(&e))?.flatten() {
                let name = entry.file_name().to_string_lossy().to_string();
                let ours = (name == META_FILE
                    || name == FINGERPRINTS_FILE
                    || name == "meta.json"
                    || name == ".managed.json"
                    || name.ends_with(".lock")
                    || [
                        ".idx",
                        ".pos",
                        ".term",
                        ".store",
                        ".fast",
                        ".fieldnorm",
                        ".del",
                    ]
                    .iter()
                    .any(|x| name.ends_with(x)))
                    && name != LOCK_FILE;
                if ours {
                    fs::remove_file(entry.path()).map_err(|e| corrupt(&e))?;
                }
            }
        }
        fs::create_dir_all(path).map_err(|e| corrupt(&e))?;
        let (schema, fields) = schema();
        let index = Index::create_in_dir(path, schema).map_err(|e| corrupt(&e))?;
        analysis::register(index.tokenizers());
        let meta = IndexMeta::current(corpus);
        let clause_index = ClauseIndex {
            index,
            fields,
            meta,
            path: path.to_path_buf(),
            reader: Default::default(),
        };
        clause_index.save_meta().map_err(|e| corrupt(&e))?;
        Ok(clause_index)
    }

    fn save_meta(&self) -> std::io::Result<()> {
        write_json(&self.path.join(META_FILE), &self.meta)
    }

    /// The fingerprints of the files indexed; `None` when they are missing or unreadable.
    fn fingerprints(&self) -> Option<Fingerprints> {
        let text = fs::read_to_string(self.path.join(FINGERPRINTS_FILE)).ok()?;
        serde_json::from_str(&text).ok()
    }

    /// A searcher over the last commit before the first search. One command makes one search, so the
    /// reader does not watch for new commits (that would start a thread per process); it is kept
    /// because opening segment readers is most of a small search's cost.
    pub fn searcher(&self) -> tantivy::Result<tantivy::Searcher> {
        if let Some(reader) = self.reader.get() {
            return Ok(reader.searcher());
        }
        let reader: tantivy::IndexReader = self
            .index
            .reader_builder()
            .reload_policy(tantivy::ReloadPolicy::Manual)
            .try_into()?;
        Ok(self.reader.get_or_init(|| reader).searcher())
    }

    /// The tantivy document for one clause.
    pub fn document(&self, clause: &Clause) -> TantivyDocument {
        let f = &self.fields;
        let mut d = TantivyDocument::default();
        d.add_text(f.id, &clause.id);
        d.add_text(f.doc, &clause.doc);
        d.add_text(f.json, serde_json::to_string(clause).unwrap_or_default());
        for (field, analyzer, _) in f.text() {
            if analyzers_for(clause.lang).contains(&analyzer) {
                d.add_text(field, &clause.text);
            }
        }
        if let Some(heading) = &clause.heading {
            // Like the text, through the clause's language only: English through MeCab or Japanese
            // through a stemmer made junk terms, and cost a tenth of indexing.
            let field = match clause.lang {
                Lang::Ja => f.heading_ja,
                Lang::En => f.heading_en,
            };
            d.add_text(field, heading);
        }
        d.add_facet(f.kind, Facet::from_path([clause.kind.as_str()]));
        let jurisdictions: Vec<Facet> = clause
            .jurisdictions
            .iter()
            .flat_map(|j| jurisdiction_facets(j))
            .collect();
        d.add_text(f.jurisdiction_set, facet_set(&jurisdictions));
        for facet in jurisdictions {
            d.add_facet(f.jurisdiction, facet);
        }
        // A clause with no company still gets a value, the root facet (counted as none): a column with
        // a value in every clause is read without the rank lookup that gaps need, a tenth of a search
        // that counts a hundred thousand hits.
        let company = clause
            .company
            .as_deref()
            .map_or_else(Facet::root, |c| Facet::from_path([c]));
        d.add_facet(f.company, company);
        d.add_facet(f.lang, Facet::from_path([clause.lang.code()]));
        let cites: Vec<Facet> = clause
            .cites
            .iter()
            .map(|c| Facet::from_path([c.as_str()]))
            .collect();
        d.add_text(f.cites_set, facet_set(&cites));
        for facet in cites {
            d.add_facet(f.cites, facet);
        }
        if let Some(date) = clause.date.as_deref().and_then(date_number) {
            d.add_u64(f.date, date);
        }
        d
    }

    /// The stored clause of a document.
    pub fn clause(&self, doc: &TantivyDocument) -> Option<Clause> {
        let json = doc.get_first(self.fields.json)?.as_str()?;
        serde_json::from_str(json).ok()
    }
}

/// Facets as one value of a set column: their encoded paths, sorted, once each.
fn facet_set(facets: &[Facet]) -> String {
    let mut paths: Vec<&str> = facets.iter().map(Facet::encoded_str).collect();
    paths.sort_unstable();
    paths.dedup();
    paths.join(SET_SEPARATOR.encode_utf8(&mut [0; 4]))
}

/// The analysers a clause's text is indexed through, by its language.
pub fn analyzers_for(lang: Lang) -> &'static [Analyzer] {
    match lang {
        Lang::Ja => &[Analyzer::Ja, Analyzer::JaReading, Analyzer::CjkBigram],
        Lang::En => &[Analyzer::En],
    }
}

/// A jurisdiction and every one it lies within (`US-CA` is also `US`), so that a filter or a count for
/// `US` covers California.
pub fn jurisdiction_facets(code: &str) -> Vec<Facet> {
    code.match_indices('-')
        .map(|(i, _)| Facet::from_path([&code[..i]]))
        .chain([Facet::from_path([code])])
        .collect()
}

/// An ISO date as the number YYYYMMDD.
pub fn date_number(date: &str) -> Option<u64> {
    let digits: String = date.chars().filter(char::is_ascii_digit).collect();
    (digits.len() == 8).then(|| digits.parse().ok()).flatten()
}

/// What an indexing run did.
#[derive(Debug, Default, Clone, Serialize)]
pub struct IndexReport {
    /// Documents read and (re)indexed.
    pub indexed: Vec<String>,
    /// Documents unchanged since the last run.
    pub unchanged: usize,
    /// Whether the index was made under other clause rules, so every document was read again.
    pub rules_changed: bool,
    /// Documents gone from the corpus, whose clauses were removed.
    pub removed: Vec<String>,
    /// Clauses added.
    pub clauses: usize,
    /// Bytes of text read.
    pub bytes: u64,
    /// Files passed over, with reasons.
    pub skipped: Vec<(PathBuf, String)>,
    /// Lines of JSON Lines files passed over, as `file: line N: reason`.
    pub bad_lines: Vec<String>,
    /// Wall time.
    pub seconds: f64,
}

/// Brings the index at `index_path` up to date with `corpus`: changed files replace their clauses,
/// deleted files lose theirs, unchanged files are not analysed again. `rebuild` starts from empty.
pub fn update(
    index_path: &Path,
    corpus_root: &Path,
    rebuild: bool,
    mut progress: impl FnMut(&IndexReport),
) -> Result<IndexReport, IndexError> {
    let started = Instant::now();
    analysis::dictionary::expect_bulk();
    crate::allocator::switch_to_bulk();
    let _lock = WriteLock::acquire(index_path)?;
    // A rebuild of a readable index empties it in the same commit that refills it, so searches keep
    // answering from the old contents until then; only an unreadable or incompatible one is recreated.
    let (mut index, mut empty_first) = match ClauseIndex::open(index_path) {
        Ok(index) => (index, rebuild),
        Err(IndexError::Missing(_)) => (ClauseIndex::create(index_path, corpus_root)?, false),
        Err(_) if rebuild => (ClauseIndex::create(index_path, corpus_root)?, false),
        Err(e) => return Err(e),
    };
    // Without fingerprints no file is known to be unchanged or gone, and under other rules an unchanged
    // file would make other clauses: start from empty.
    let rules_changed = !empty_first && index.meta.rules != RULES_VERSION;
    let known = match index.fingerprints() {
        Some(known) if !empty_first && !rules_changed => known,
        _ => {
            empty_first = true;
            Fingerprints::new()
        }
    };
    let config = CorpusConfig::load(corpus_root).map_err(IndexError::Corpus)?;
    let corrupt = |e: tantivy::TantivyError| IndexError::Corrupt {
        path: index_path.to_path_buf(),
        reason: e.to_string(),
    };
    // Analysis runs inside tantivy's indexing threads: both cores.
    let writer: IndexWriter = index
        .index
        .writer_with_num_threads(2, WRITER_MEMORY)
        .map_err(corrupt)?;
    let mut merges = tantivy::indexer::LogMergePolicy::default();
    merges.set_min_num_segments(MERGE_AT_ONCE);
    merges.set_max_docs_before_merge(MERGE_MAX_DOCS);
    writer.set_merge_policy(Box::new(merges));
    if empty_first {
        writer.delete_all_documents().map_err(corrupt)?;
    }
    let (files, walk_skipped) = corpus::walk(corpus_root, WalkOptions::default());
    let mut report = IndexReport {
        rules_changed,
        ..IndexReport::default()
    };
    report
        .skipped
        .extend(walk_skipped.into_iter().map(|s| (s.path, s.reason)));
    let mut seen = BTreeMap::new();
    for file in &files {
        let rel = corpus::relative(file, corpus_root);
        // Clauses segmented elsewhere can come by the million: they are streamed a line at a time, and
        // fingerprinted on the way; one the index knows is fingerprinted first too, to skip it unparsed.
        let read = if is_jsonl(&rel) {
            fs::File::open(file).and_then(|mut f| {
                let print = match known.contains_key(&rel) {
                    true => Some(Fingerprinting::new(&mut f).finish()?),
                    false => None,
                };
                f.rewind()?;
                Ok(Content::Lines(f, print))
            })
        } else {
            fs::read(file).map(|bytes| {
                let print = Fingerprint::of(&bytes);
                Content::Document(bytes, print)
            })
        };
        let content = match read {
            Ok(content) => content,
            Err(e) => {
                report.skipped.push((file.clone(), e.to_string()));
                continue;
            }
        };
        let print_first = match &content {
            Content::Lines(_, print) => print.as_ref(),
            Content::Document(_, print) => Some(print),
        };
        if let Some(print) = print_first
            && known.get(&rel) == Some(&print.hex())
        {
            seen.insert(rel, print.hex());
            report.unchanged += 1;
            continue;
        }
        // Only a file indexed before has clauses to replace. Deleting for every file of a rebuild
        // queued a delete per file, each tried against every new segment.
        if known.contains_key(&rel) {
            writer.delete_term(Term::from_field_text(index.fields.doc, &rel));
        }
        let mut failure = None;
        let mut add = |clause: Clause, _| {
            if failure.is_none() {
                failure = writer.add_document(index.document(&clause)).err();
                report.clauses += 1;
            }
        };
        let facts = config.files.get(&rel);
        let (problems, print) = match content {
            Content::Lines(f, _) => {
                let mut lines = std::io::BufReader::with_capacity(1 << 20, Fingerprinting::new(f));
                let problems = parse_jsonl(&rel, jsonl_lines(&mut lines), facts, &mut add);
                // The fingerprint of what was indexed: a file that failed half-way, or changed since it
                // was first fingerprinted, is found changed by the next run and read again.
                (problems, lines.into_inner().fingerprint())
            }
            Content::Document(bytes, print) => {
                match corpus::decode_document(bytes, file, corpus_root) {
                    Ok(source) => (parse(&source, facts, &mut add), print),
                    Err(Skipped { path, reason }) => {
                        report.skipped.push((path, reason));
                        continue;
                    }
                }
            }
        };
        if let Some(e) = failure {
            return Err(corrupt(e));
        }
        seen.insert(rel.clone(), print.hex());
        report.bytes += print.len;
        report
            .bad_lines
            .extend(problems.into_iter().map(|p| format!("{rel}: {p}")));
        report.indexed.push(rel);
        progress(&report);
    }
    for gone in known.keys().filter(|d| !seen.contains_key(*d)) {
        writer.delete_term(Term::from_field_text(index.fields.doc, gone));
        report.removed.push(gone.clone());
    }
    let mut writer = writer;
    writer.commit().map_err(corrupt)?;
    writer.wait_merging_threads().map_err(corrupt)?;
    let saved = |e: std::io::Error| IndexError::Corrupt {
        path: index_path.to_path_buf(),
        reason: e.to_string(),
    };
    write_json(&index_path.join(FINGERPRINTS_FILE), &seen).map_err(saved)?;
    index.meta.documents = seen.len();
    index.meta.rules = RULES_VERSION;
    index.meta.corpus = corpus_root.to_path_buf();
    index.meta.indexed_at = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    index.save_meta().map_err(saved)?;
    report.seconds = started.elapsed().as_secs_f64();
    Ok(report)
}

/// Writes `value` as JSON to `path` through a temporary file, so a crash leaves the old file or the new.
fn write_json(path: &Path, value: &impl Serialize) -> std::io::Result<()> {
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".tmp");
    fs::write(&tmp, serde_json::to_vec_pretty(value)?)?;
    fs::rename(tmp, path)
}

/// A file's content as read for indexing, with its fingerprint where already known.
enum Content {
    /// A JSON Lines file, still to be streamed; fingerprinted first only if it may be unchanged.
    Lines(fs::File, Option<Fingerprint>),
    /// A document, read whole.
    Document(Vec<u8>, Fingerprint),
}

/// A file's 64-bit FNV-1a hash and length: enough to notice that it changed.
struct Fingerprint {
    hash: u64,
    len: u64,
}

impl Fingerprint {
    const START: u64 = 0xcbf2_9ce4_8422_2325;

    /// The fingerprint of bytes in memory.
    fn of(bytes: &[u8]) -> Fingerprint {
        let mut print = Fingerprint {
            hash: Fingerprint::START,
            len: 0,
        };
        print.add(bytes);
        print
    }

    fn add(&mut self, bytes: &[u8]) {
        self.hash = bytes.iter().fold(self.hash, |h, b| {
            (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
        });
        self.len += bytes.len() as u64;
    }

    /// As recorded in the index's fingerprints file.
    fn hex(&self) -> String {
        format!("{:016x}", self.hash)
    }
}

/// A reader that fingerprints what passes through it, so a file is read once for both.
struct Fingerprinting<R> {
    inner: R,
    print: Fingerprint,
}

impl<R: std::io::Read> Fingerprinting<R> {
    fn new(inner: R) -> Fingerprinting<R> {
        let print = Fingerprint::of(&[]);
        Fingerprinting { inner, print }
    }

    /// Reads the rest in pieces, never whole, and returns the fingerprint.
    fn finish(mut self) -> std::io::Result<Fingerprint> {
        std::io::copy(&mut self, &mut std::io::sink())?;
        Ok(self.print)
    }

    /// The fingerprint of what has been read so far.
    fn fingerprint(self) -> Fingerprint {
        self.print
    }
}

impl<R: std::io::Read> std::io::Read for Fingerprinting<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.print.add(&buf[..n]);
        Ok(n)
    }
}

/// The lines of a JSON Lines file, each either text or why it cannot be read; a read error ends them.
fn jsonl_lines(lines: impl std::io::BufRead) -> impl Iterator<Item = Result<String, String>> {
    let mut failed = false;
    lines.split(b'\n').map_while(move |line| {
        if failed {
            return None;
        }
        Some(match line {
            Ok(bytes) => String::from_utf8(bytes)
                .map_err(|_| "not UTF-8 (JSON Lines files are UTF-8)".to_string()),
            Err(e) => {
                failed = true;
                Err(e.to_string())
            }
        })
    })
}
