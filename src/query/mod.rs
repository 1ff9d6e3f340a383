//! Queries: the user's query language and filters turned into a tantivy query, run, and answered as
//! plain [`Hit`]s and facet counts, with highlights that point into the clause text.
//!
//! The grammar is tantivy's (terms ANDed, `"phrases"`, `OR`, `-term`, `( )`, `field:term`), typed as
//! an IME types it (see `input`), and each word is analysed the way the fields were: a Japanese word
//! the dictionary splits (第三者提供) matches clauses holding its parts in order and close together, its
//! bigrams reach inside compounds the dictionary keeps whole, and a quoted phrase is exactly that text.
//! Each unquoted word also stands for its synonyms and spellings (`synonyms.toml`), and is looked for
//! in article headings too.

use std::collections::BTreeMap;
use std::ops::Bound;

use serde::Serialize;
use tantivy::collector::{Count, TopDocs};
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, DisjunctionMaxQuery, EmptyQuery, Occur, PhraseQuery, Query,
    RangeQuery, TermQuery, TermSetQuery,
};
use tantivy::query_grammar::{
    Delimiter, Occur as UserOccur, UserInputAst, UserInputLeaf, UserInputLiteral,
};
use tantivy::schema::{Facet as FacetPath, Field, IndexRecordOption};
use tantivy::{DocSet, TantivyDocument, Term};

mod collect;
pub mod input;
pub mod kept;
mod nearness;
mod pattern;
pub mod proximity;
mod proximity_query;
pub mod sequence;
pub mod synonyms;
mod word;

use crate::analysis::Analyzer;
use crate::clause::Clause;
use crate::facet::Facet;
use crate::index::{ClauseIndex, Fields, date_number};
use collect::{Results, ResultsCollector};
use nearness::Nearness;
use pattern::{Analysed, Pattern};
use proximity::{Chain, Near};
use proximity_query::ProximityQuery;
use sequence::InOrder;
use word::{Bigrams, WordQuery};

/// How much a match through a synonym or other spelling weighs against the word typed.
const SYNONYM_WEIGHT: f32 = 0.8;

/// How much a word in an article heading weighs, added to its match in the text: a heading-only
/// match ranks below the clauses that say it.
const HEADING_WEIGHT: f32 = 0.5;

/// How much more a clause of the type the query's words name counts.
const TYPE_WEIGHT: f32 = 1.5;

/// Clauses of at most this many words are fragments (a heading on its own line, a list title).
const FRAGMENT_WORDS: u32 = 5;

/// How much a fragment's score counts: BM25 favours short texts, and a heading that names the words
/// outranked the clauses that say what it is about.
const FRAGMENT_WEIGHT: f32 = 0.3;

/// English words a search ignores outside quotes: "delete my account" asks for delete and account.
const STOP_WORDS: &[&str] = &[
    "a", "an", "the", "my", "your", "our", "their", "its", "of", "to", "in", "on", "for", "by",
    "with", "at", "from", "and", "or", "is", "are", "be", "we", "you", "i", "it", "this", "that",
];

/// Longest query accepted, in characters.
pub const MAX_QUERY_CHARS: usize = 1000;

/// A query that cannot be run, with where the problem is.
#[derive(Debug, thiserror::Error)]
pub enum QueryError {
    /// The query text is malformed.
    #[error("bad query: {0}")]
    Syntax(String),
    /// The index could not answer.
    #[error("search failed: {0}")]
    Search(#[from] tantivy::TantivyError),
    /// Writing the matches out failed.
    #[error("cannot write: {0}")]
    Output(#[source] std::io::Error),
}

/// Filters beside the query: values of one facet are ORed, different facets and filters ANDed.
#[derive(Debug, Clone, Default)]
pub struct Filters {
    /// The values asked of each facet, as typed (`--type 第三者提供`); see [`Facet::resolve`].
    pub facets: Vec<(Facet, Vec<String>)>,
    /// Earliest policy date, ISO 8601.
    pub since: Option<String>,
    /// Latest policy date, ISO 8601.
    pub until: Option<String>,
    /// Only clauses of these documents (paths as indexed), with what chose them in words: how a check
    /// filter (`--missing security`) reaches the query.
    pub documents: Option<(Vec<String>, String)>,
}

/// One matching clause.
#[derive(Debug, Clone, Serialize)]
pub struct Hit {
    /// The clause.
    #[serde(flatten)]
    pub clause: Clause,
    /// Relevance.
    pub score: f32,
    /// Byte ranges of `text` that satisfy the query, merged where adjacent.
    pub highlights: Vec<(usize, usize)>,
    /// Whether the clause holds only some of the query's words: listed after every clause that holds
    /// them all, never counted in the total or the facets.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub partial: bool,
}

/// Counts of one facet's values over the whole result set, largest first.
pub type FacetCounts = Vec<(String, u64)>;

/// The answer to a search.
#[derive(Debug, Clone, Serialize)]
pub struct Answer {
    /// How many clauses match in all.
    pub total: usize,
    /// How many more clauses hold some but not all of the query's words (none where the query is not
    /// several words ANDed).
    pub partial: usize,
    /// The requested page of hits.
    pub hits: Vec<Hit>,
    /// Facet counts over all matches, per facet name.
    pub facets: BTreeMap<String, FacetCounts>,
}

/// A parsed query, ready to run.
pub struct Search {
    query: Box<dyn Query>,
    /// What satisfies each query word, for highlighting.
    patterns: Vec<Pattern>,
    /// How the query was read, a line per word or filter (`search --explain`).
    explanation: Vec<String>,
    /// Whether the query has words: without, hits come in document order.
    has_words: bool,
    /// The article types the query's words name: clauses of these types state the rule the words
    /// name, where others only mention it (第三者提供の停止, a record's name).
    types: Vec<String>,
    /// The words whose nearness reorders the best hits.
    nearness: Nearness,
    /// How many values of each facet [`Search::run`] counts out, the most frequent.
    facet_values: usize,
    /// For several words ANDed: the clauses holding some of them but not all, under the same filters.
    some_words: Option<Box<dyn Query>>,
}

impl Search {
    /// Parses `text` (may be empty: every clause) and `filters` against `index`.
    pub fn new(index: &ClauseIndex, text: &str, filters: &Filters) -> Result<Search, QueryError> {
        let fields = &index.fields;
        let mut patterns = Vec::new();
        let mut explanation = Vec::new();
        let mut nearness = Nearness::default();
        let mut types = Vec::new();
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        let mut some_words = None;
        let text = text.trim();
        if !text.is_empty() {
            check_syntax(text)?;
            let split = proximity::split(text)?;
            explanation.push(format!("query: {text}"));
            let resolve = |facet: Facet, value: &str| -> Result<String, QueryError> {
                let values = resolve(index, facet, value)?;
                Ok(values.into_iter().next().unwrap_or_default())
            };
            let mut builder = Builder {
                fields,
                patterns: &mut patterns,
                nearness: &mut nearness,
                explain: &mut explanation,
                resolve: &resolve,
                types: &mut types,
            };
            if !split.rest.is_empty() {
                let ast = parse(&split.rest)?;
                // Beside a proximity chain, a lone stop word asks for nothing either.
                if split.chains.is_empty() || !is_stop_word(&ast) {
                    let (all, some) = builder.top(&ast)?;
                    clauses.push((Occur::Must, all));
                    if split.chains.is_empty() {
                        some_words = some;
                    }
                }
            }
            for chain in &split.chains {
                clauses.push((Occur::Must, builder.near(chain)?));
            }
        }
        for (facet, values) in &filters.facets {
            if !values.is_empty() {
                let field = facet.field(fields);
                let mut any: Vec<(Occur, Box<dyn Query>)> = Vec::new();
                let mut read = Vec::new();
                for value in values {
                    for value in resolve(index, *facet, value)? {
                        any.push((Occur::Should, facet_query(field, &value)));
                        read.push(value);
                    }
                }
                explanation.push(format!("--{} {}", facet.name(), read.join(" or ")));
                clauses.push((Occur::Must, Box::new(BooleanQuery::new(any))));
            }
        }
        if let Some((documents, why)) = &filters.documents {
            explanation.push(format!("{why}: {} documents", documents.len()));
            let terms = documents
                .iter()
                .map(|d| Term::from_field_text(fields.doc, d));
            clauses.push((Occur::Must, Box::new(TermSetQuery::new(terms))));
        }
        if filters.since.is_some() || filters.until.is_some() {
            let bound = |d: &Option<String>| -> Result<Bound<Term>, QueryError> {
                match d {
                    None => Ok(Bound::Unbounded),
                    Some(d) => date_number(d)
                        .map(|n| Bound::Included(Term::from_field_u64(fields.date, n)))
                        .ok_or_else(|| {
                            QueryError::Syntax(format!("{d:?} is not a date (use YYYY-MM-DD)"))
                        }),
                }
            };
            clauses.push((
                Occur::Must,
                Box::new(RangeQuery::new(
                    bound(&filters.since)?,
                    bound(&filters.until)?,
                )),
            ));
        }
        // Some of the words, under the filters, and not all of them.
        let some_words = some_words.map(|some: Box<dyn Query>| {
            let mut partial: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, some)];
            for (i, (occur, clause)) in clauses.iter().enumerate() {
                let occur = if i == 0 { Occur::MustNot } else { *occur };
                partial.push((occur, clause.box_clone()));
            }
            Box::new(BooleanQuery::new(partial)) as Box<dyn Query>
        });
        let query: Box<dyn Query> = match clauses.len() {
            0 => Box::new(AllQuery),
            // Filters alone rank nothing: every match scores alike, so hits come in index order.
            _ if text.is_empty() => Box::new(tantivy::query::ConstScoreQuery::new(
                Box::new(BooleanQuery::new(clauses)),
                1.0,
            )),
            _ => Box::new(BooleanQuery::new(clauses)),
        };
        Ok(Search {
            query,
            patterns,
            explanation,
            has_words: !text.is_empty(),
            types,
            nearness,
            facet_values: usize::MAX,
            some_words,
        })
    }

    /// Keeps only the `n` most frequent values of each facet, as a summary under the hits does:
    /// turning thousands of company names into strings took a tenth of a search.
    pub fn top_facet_values(mut self, n: usize) -> Search {
        self.facet_values = n;
        self
    }

    /// Runs the search: `limit` hits from `offset`, the total, and facet counts over every match.
    pub fn run(
        &self,
        index: &ClauseIndex,
        limit: usize,
        offset: usize,
    ) -> Result<Answer, QueryError> {
        let searcher = index.searcher()?;
        let collector = ResultsCollector {
            top: TopDocs::with_limit((offset + limit).max(nearness::WINDOW)).order_by_score(),
            facet_values: self.facet_values,
        };
        let Results {
            mut top,
            total,
            facets,
        } = collect::in_parallel(&searcher, self.query.as_ref(), &collector)?;
        self.rank(index, &searcher, &mut top)?;
        let mut hits = Vec::new();
        let page = top.into_iter().skip(offset).take(limit);
        self.read_hits(index, &searcher, page, false, &mut hits)?;
        // Fewer clauses hold every word than the page has room for: the clauses holding some of them
        // follow, as a search engine ranks a query's words, marked and not counted.
        let mut partial = 0;
        if let Some(some_words) = &self.some_words
            && hits.len() < limit
        {
            let skip = offset.saturating_sub(total);
            let wanted = skip + limit - hits.len();
            let (mut top, count) = searcher.search(
                some_words.as_ref(),
                &(
                    TopDocs::with_limit(wanted.max(nearness::WINDOW)).order_by_score(),
                    tantivy::collector::Count,
                ),
            )?;
            partial = count;
            self.rank(index, &searcher, &mut top)?;
            let page = top.into_iter().skip(skip).take(limit - hits.len());
            self.read_hits(index, &searcher, page, true, &mut hits)?;
        }
        // Index order is document order only within a segment: a page of a listing reads in the
        // order its documents state it.
        if !self.has_words {
            hits.sort_by(|a, b| {
                (&a.clause.doc, a.clause.line_start).cmp(&(&b.clause.doc, b.clause.line_start))
            });
        }
        Ok(Answer {
            total,
            partial,
            hits,
            facets,
        })
    }

    /// Reads the clauses of `page` from the store into `hits`, highlighted.
    fn read_hits(
        &self,
        index: &ClauseIndex,
        searcher: &tantivy::Searcher,
        page: impl Iterator<Item = (f32, tantivy::DocAddress)>,
        partial: bool,
        hits: &mut Vec<Hit>,
    ) -> Result<(), QueryError> {
        for (score, address) in page {
            let doc: TantivyDocument = searcher.doc(address)?;
            if let Some(clause) = index.clause(&doc) {
                let highlights = self.highlights(&clause);
                hits.push(Hit {
                    clause,
                    score,
                    highlights,
                    partial,
                });
            }
        }
        Ok(())
    }

    /// The clause with this id, if any.
    pub fn by_id(index: &ClauseIndex, id: &str) -> Result<Option<Clause>, QueryError> {
        let searcher = index.searcher()?;
        let query = TermQuery::new(
            Term::from_field_text(index.fields.id, id),
            IndexRecordOption::Basic,
        );
        let top = searcher.search(&query, &TopDocs::with_limit(1).order_by_score())?;
        Ok(match top.first() {
            Some((_, address)) => index.clause(&searcher.doc::<TantivyDocument>(*address)?),
            None => None,
        })
    }

    /// Every clause of the document whose ids begin `stem#` (as `show` names a document), in order.
    pub fn document_by_stem(index: &ClauseIndex, stem: &str) -> Result<Vec<Clause>, QueryError> {
        let searcher = index.searcher()?;
        let pattern = format!("{}#.*", regex::escape(stem));
        let query = tantivy::query::RegexQuery::from_pattern(&pattern, index.fields.id)?;
        in_document_order(index, &searcher, &query)
    }

    /// The path of every document the index holds clauses of, in path order.
    pub fn documents(index: &ClauseIndex) -> Result<Vec<String>, QueryError> {
        let searcher = index.searcher()?;
        let mut documents = std::collections::BTreeSet::new();
        let io = |e: std::io::Error| QueryError::Search(e.into());
        for segment in searcher.segment_readers() {
            let inverted = segment.inverted_index(index.fields.doc)?;
            let alive = segment.alive_bitset();
            let mut stream = inverted.terms().stream().map_err(io)?;
            while stream.advance() {
                // A document replaced or removed leaves its path in the segment until a merge.
                let mut postings = inverted
                    .read_postings_from_terminfo(stream.value(), IndexRecordOption::Basic)
                    .map_err(io)?;
                let mut doc = postings.doc();
                while doc != tantivy::TERMINATED && alive.is_some_and(|a| a.is_deleted(doc)) {
                    doc = postings.advance();
                }
                if doc != tantivy::TERMINATED {
                    documents.insert(String::from_utf8_lossy(stream.key()).into_owned());
                }
            }
        }
        Ok(documents.into_iter().collect())
    }

    /// Every clause of one document, in document order.
    pub fn document(index: &ClauseIndex, doc: &str) -> Result<Vec<Clause>, QueryError> {
        let searcher = index.searcher()?;
        let query = TermQuery::new(
            Term::from_field_text(index.fields.doc, doc),
            IndexRecordOption::Basic,
        );
        in_document_order(index, &searcher, &query)
    }

    /// Every match, best first, handed to `each` one at a time: exports must not stop at a top N, and
    /// only the addresses and scores (16 bytes a match) are held, not the clauses.
    pub fn each_match(
        &self,
        index: &ClauseIndex,
        mut each: impl FnMut(Hit) -> std::io::Result<()>,
    ) -> Result<usize, QueryError> {
        let searcher = index.searcher()?;
        let total = collect::in_parallel(&searcher, self.query.as_ref(), &Count)?;
        let mut top = collect::in_parallel(
            &searcher,
            self.query.as_ref(),
            &TopDocs::with_limit(total.max(1)).order_by_score(),
        )?;
        self.rank(index, &searcher, &mut top)?;
        for (score, address) in top {
            let doc: TantivyDocument = searcher.doc(address)?;
            if let Some(clause) = index.clause(&doc) {
                let highlights = self.highlights(&clause);
                each(Hit {
                    clause,
                    score,
                    highlights,
                    partial: false,
                })
                .map_err(QueryError::Output)?;
            }
        }
        Ok(total)
    }

    /// Orders the best hits for reading: with words, short fragments (a heading standing alone, a
    /// list title) below clauses that answer, and nearer words higher; without, in index order
    /// (each page is then put in document order).
    fn rank(
        &self,
        index: &ClauseIndex,
        searcher: &tantivy::Searcher,
        top: &mut [(f32, tantivy::DocAddress)],
    ) -> Result<(), QueryError> {
        if !self.has_words {
            top.sort_by_key(|(_, address)| *address);
            return Ok(());
        }
        let window = top.len().min(nearness::WINDOW);
        let mut kind = String::new();
        // Opening a segment's column of types reads its dictionary: once per segment, not per hit.
        let mut types: Vec<Option<Option<tantivy::columnar::StrColumn>>> =
            vec![None; searcher.segment_readers().len()];
        for (score, address) in &mut top[..window] {
            let reader = searcher.segment_reader(address.segment_ord);
            let column = match &mut types[address.segment_ord as usize] {
                Some(column) => column,
                unopened => unopened.insert(match self.types.is_empty() {
                    true => None,
                    false => reader.fast_fields().str(Facet::Type.name())?,
                }),
            };
            if let Some(column) = column
                && let Some(ord) = column.term_ords(address.doc_id).next()
            {
                kind.clear();
                column
                    .ord_to_str(ord, &mut kind)
                    .map_err(|e| QueryError::Search(e.into()))?;
                if self.types.contains(&kind) {
                    *score *= TYPE_WEIGHT;
                }
            }
            let mut words = 0;
            for field in [index.fields.text_ja, index.fields.text_en] {
                let norms = reader.get_fieldnorms_reader(field)?;
                words = words.max(norms.fieldnorm(address.doc_id));
            }
            if words <= FRAGMENT_WORDS {
                *score *= FRAGMENT_WEIGHT;
            }
        }
        self.nearness.rescore(searcher, top)?;
        Ok(())
    }

    /// How the query was read, a line per word or filter.
    pub fn explanation(&self) -> &[String] {
        &self.explanation
    }

    /// Byte ranges of the clause text that satisfy a query word (a compound's parts only where they
    /// stand in order, a phrase only whole), adjacent ones merged; only the analysers the clause was
    /// indexed with count (a kanji is an English "word" to `en`).
    pub fn highlights(&self, clause: &Clause) -> Vec<(usize, usize)> {
        let mut analysed = Analysed::new(&clause.text, clause.lang);
        let spans = self
            .patterns
            .iter()
            .flat_map(|pattern| pattern.spans(&mut analysed))
            .collect();
        pattern::merged(spans)
    }
}

/// Every value of one facet in the index, in order: a read of the facet dictionaries, no search.
pub fn facet_values(
    index: &ClauseIndex,
    facet: Facet,
) -> Result<std::collections::BTreeSet<String>, QueryError> {
    let mut values = std::collections::BTreeSet::new();
    for segment in index.searcher()?.segment_readers() {
        let reader = segment.facet_reader(facet.name())?;
        let mut terms = reader
            .facet_dict()
            .stream()
            .map_err(|e| QueryError::Search(e.into()))?;
        while terms.advance() {
            values.extend(collect::facet_value(terms.key()));
        }
    }
    Ok(values)
}

/// The stored values a value typed for `facet` stands for, among those the index holds.
fn resolve(index: &ClauseIndex, facet: Facet, typed: &str) -> Result<Vec<String>, QueryError> {
    facet
        .resolve(typed, &facet_values(index, facet)?)
        .map_err(QueryError::Syntax)
}

fn facet_query(field: Field, value: &str) -> Box<dyn Query> {
    let facet = FacetPath::from_path([value]);
    Box::new(TermQuery::new(
        Term::from_facet(field, &facet),
        IndexRecordOption::Basic,
    ))
}

/// Finds the malformations tantivy's grammar would reject, so the message can point at them.
fn check_syntax(text: &str) -> Result<(), QueryError> {
    let chars = text.chars().count();
    if chars > MAX_QUERY_CHARS {
        return Err(QueryError::Syntax(format!(
            "the query is {chars} characters long; the limit is {MAX_QUERY_CHARS}"
        )));
    }
    let mut depth = 0i32;
    let mut quote: Option<usize> = None;
    for (i, c) in text.chars().enumerate() {
        match c {
            '"' => quote = if quote.is_some() { None } else { Some(i) },
            '(' if quote.is_none() => depth += 1,
            ')' if quote.is_none() => {
                depth -= 1;
                if depth < 0 {
                    return Err(QueryError::Syntax(format!(
                        "unmatched ')' at character {}",
                        i + 1
                    )));
                }
            }
            _ => {}
        }
    }
    if let Some(at) = quote {
        return Err(QueryError::Syntax(format!(
            "unclosed '\"' at character {}",
            at + 1
        )));
    }
    if depth > 0 {
        return Err(QueryError::Syntax("unclosed '('".to_string()));
    }
    let mut quoted = false;
    for c in text.chars() {
        match c {
            '"' => quoted = !quoted,
            '*' if !quoted => {
                return Err(QueryError::Syntax(
                    "wildcards (*) are not supported: list the forms with OR (provide OR provision); \
                     English words already match their inflections"
                        .to_string(),
                ));
            }
            '~' if !quoted => {
                return Err(QueryError::Syntax(
                    "fuzzy and slop operators (~) are not supported: check the spelling, or quote \
                     the exact phrase"
                        .to_string(),
                ));
            }
            _ => {}
        }
    }
    let words: Vec<&str> = text.split_whitespace().collect();
    for (i, pair) in words.windows(2).enumerate() {
        if is_operator(pair[0]) && is_operator(pair[1]) {
            return Err(QueryError::Syntax(format!(
                "'{} {}' (words {} and {}): two operators in a row",
                pair[0],
                pair[1],
                i + 1,
                i + 2
            )));
        }
    }
    if words.first().is_some_and(|w| is_operator(w)) || words.last().is_some_and(|w| is_operator(w))
    {
        return Err(QueryError::Syntax(
            "AND/OR needs a word on each side".to_string(),
        ));
    }
    Ok(())
}

/// `text` in tantivy's query grammar.
fn parse(text: &str) -> Result<UserInputAst, QueryError> {
    tantivy::query_grammar::parse_query(text).map_err(|_| {
        QueryError::Syntax(format!(
            "cannot parse {text:?}; quote words with special characters"
        ))
    })
}

/// Whether `ast` excludes something (`-word`).
fn excludes(ast: &UserInputAst) -> bool {
    match ast {
        UserInputAst::Clause(parts) => parts
            .iter()
            .any(|(occur, part)| *occur == Some(UserOccur::MustNot) || excludes(part)),
        UserInputAst::Boost(inner, _) => excludes(inner),
        UserInputAst::Leaf(_) => false,
    }
}

/// Whether `ast` is an unquoted English stop word on its own.
fn is_stop_word(ast: &UserInputAst) -> bool {
    let UserInputAst::Leaf(leaf) = ast else {
        return false;
    };
    matches!(leaf.as_ref(), UserInputLeaf::Literal(l)
        if l.delimiter == Delimiter::None
            && l.field_name.is_none()
            && STOP_WORDS.contains(&l.phrase.to_lowercase().as_str()))
}

/// A part of a clause: how it occurs, its query, and whether it is a word (not `field:value`).
type Part = (Occur, Box<dyn Query>, bool);

/// A query, and for several words ANDed the clauses holding some of them.
type AllAndSome = (Box<dyn Query>, Option<Box<dyn Query>>);

/// The clauses as one boolean query; exclusions alone mean "everything but".
fn all_of(clauses: Vec<Part>) -> Box<dyn Query> {
    let mut clauses: Vec<(Occur, Box<dyn Query>)> =
        clauses.into_iter().map(|(o, q, _)| (o, q)).collect();
    if clauses.iter().all(|(o, _)| *o == Occur::MustNot) {
        clauses.push((Occur::Must, Box::new(AllQuery)));
    }
    Box::new(BooleanQuery::new(clauses))
}

fn is_operator(word: &str) -> bool {
    matches!(word, "AND" | "OR")
}

/// Resolves a facet value as typed to the value stored (`company:live2d` → `Live2D`).
type Resolve<'a> = &'a dyn Fn(Facet, &str) -> Result<String, QueryError>;

struct Builder<'a> {
    fields: &'a Fields,
    patterns: &'a mut Vec<Pattern>,
    nearness: &'a mut Nearness,
    explain: &'a mut Vec<String>,
    resolve: Resolve<'a>,
    /// The article types the query's words name.
    types: &'a mut Vec<String>,
}

impl Builder<'_> {
    /// The query for `ast`; for several words ANDed (`同意 第三者`, `delete account -Google`) also
    /// the clauses holding at least one of the words, with the query's exclusions and `field:value`
    /// filters kept, made of the very same word queries.
    fn top(&mut self, ast: &UserInputAst) -> Result<AllAndSome, QueryError> {
        let UserInputAst::Clause(parts) = ast else {
            return Ok((self.ast(ast)?, None));
        };
        let clauses = self.clause(parts)?;
        let words = clauses
            .iter()
            .filter(|(o, _, word)| *word && *o == Occur::Must);
        let some = match words.count() >= 2 && clauses.iter().all(|(o, ..)| *o != Occur::Should) {
            false => None,
            true => {
                let mut any: Vec<(Occur, Box<dyn Query>)> = Vec::new();
                let mut kept: Vec<(Occur, Box<dyn Query>)> = Vec::new();
                for (occur, query, word) in &clauses {
                    match (occur, word) {
                        (Occur::Must, true) => any.push((Occur::Should, query.box_clone())),
                        _ => kept.push((*occur, query.box_clone())),
                    }
                }
                kept.push((Occur::Must, Box::new(BooleanQuery::new(any))));
                Some(Box::new(BooleanQuery::new(kept)) as Box<dyn Query>)
            }
        };
        Ok((all_of(clauses), some))
    }

    /// The parts of a clause, each with how it occurs and whether it is a word (not `field:value`);
    /// English stop words outside quotes ask for nothing, unless they are all there is.
    fn clause(
        &mut self,
        parts: &[(Option<UserOccur>, UserInputAst)],
    ) -> Result<Vec<Part>, QueryError> {
        let any_should = parts.iter().any(|(o, _)| *o == Some(UserOccur::Should));
        let kept: Vec<_> = parts.iter().filter(|(_, p)| !is_stop_word(p)).collect();
        let parts = if kept.is_empty() {
            parts.iter().collect()
        } else {
            kept
        };
        let mut clauses = Vec::new();
        for (occur, part) in parts {
            let occur = match occur {
                Some(UserOccur::Must) => Occur::Must,
                Some(UserOccur::MustNot) => Occur::MustNot,
                Some(UserOccur::Should) => Occur::Should,
                // Words are ANDed, unless the clause is an OR.
                None if any_should => Occur::Should,
                None => Occur::Must,
            };
            let word = !matches!(part, UserInputAst::Leaf(leaf)
                if matches!(leaf.as_ref(), UserInputLeaf::Literal(l) if l.field_name.is_some()));
            clauses.push((occur, self.ast(part)?, word));
        }
        Ok(clauses)
    }

    fn ast(&mut self, ast: &UserInputAst) -> Result<Box<dyn Query>, QueryError> {
        Ok(match ast {
            UserInputAst::Clause(parts) => all_of(self.clause(parts)?),
            UserInputAst::Boost(inner, boost) => {
                Box::new(BoostQuery::new(self.ast(inner)?, boost.into_inner() as f32))
            }
            UserInputAst::Leaf(leaf) => match leaf.as_ref() {
                UserInputLeaf::Literal(literal) => self.literal(literal)?,
                UserInputLeaf::All => Box::new(AllQuery),
                other => {
                    return Err(QueryError::Syntax(format!(
                        "{other:?}: ranges, sets and regular expressions are not supported; use --since/--until for dates"
                    )));
                }
            },
        })
    }

    fn literal(&mut self, literal: &UserInputLiteral) -> Result<Box<dyn Query>, QueryError> {
        let exact = literal.delimiter != Delimiter::None;
        let phrase = literal.phrase.as_str();
        match literal.field_name.as_deref() {
            None => {}
            Some("heading") => {
                self.explain
                    .push(format!("heading:{phrase}: in the article heading"));
                return Ok(self
                    .heading(phrase, exact, None)
                    .unwrap_or_else(|| Box::new(EmptyQuery)));
            }
            Some(name) => {
                let Some(facet) = Facet::named(name) else {
                    let names: Vec<String> = Facet::ALL.map(|f| format!("{}:", f.name())).into();
                    let (last, rest) = names.split_last().expect("facets");
                    return Err(QueryError::Syntax(format!(
                        "unknown field '{name}:'; use heading:, {} or {last}",
                        rest.join(", ")
                    )));
                };
                let value = (self.resolve)(facet, phrase)?;
                self.explain
                    .push(format!("{}:{value}: a filter", facet.name()));
                return Ok(facet_query(facet.field(self.fields), &value));
            }
        }
        if exact {
            self.explain.push(format!(
                "\"{phrase}\": exactly this text (width, kana and case aside), particles included"
            ));
            return Ok(self.exact(phrase));
        }
        let forms = synonyms::expand(phrase);
        self.types.extend(
            forms
                .iter()
                .filter_map(|f| Facet::Type.alias(f))
                .map(String::from),
        );
        let mut built: Vec<Form> = Vec::new();
        let mut read = Vec::new();
        // The words of each form in `built`, and its place there.
        let mut words_seen: Vec<(Vec<String>, usize)> = Vec::new();
        for (i, form) in forms.iter().enumerate() {
            let weight = if i == 0 { 1.0 } else { SYNONYM_WEIGHT };
            // Forms that differ only in particles (第三者に対して提供, 第三者提供) are the same words in
            // order: looking for the words again finds the same clauses; only their string is new.
            let ja = Analyzer::Ja.analyze(form, false);
            let words: Vec<String> = ja.iter().map(|t| t.text.clone()).collect();
            let earlier = (words.len() > 1)
                .then(|| {
                    words_seen
                        .iter()
                        .find(|(w, _)| *w == words)
                        .map(|(_, j)| *j)
                })
                .flatten();
            let (query, how) = self.word(form, &ja, earlier.is_some());
            read.push(how);
            // The string of such a form is looked for within the earlier form's word: a clause its
            // words match needs no check of the string, and is not counted twice in the ranking.
            if let (Some(j), Some(query)) = (earlier, &query)
                && let Form {
                    word: Some(into),
                    weight: into_weight,
                    ..
                } = &mut built[j]
                && query.is_string_only()
            {
                into.take_strings(query.clone(), weight / *into_weight);
                continue;
            }
            words_seen.push((words, built.len()));
            let heading = (earlier.is_none())
                .then(|| self.heading(form, false, Some(&ja)))
                .flatten();
            built.push(Form {
                word: query,
                heading,
                weight,
            });
        }
        let mut any: Vec<Box<dyn Query>> = Vec::new();
        for Form {
            word,
            heading,
            weight,
        } in built
        {
            let mut both: Vec<(Occur, Box<dyn Query>)> = Vec::new();
            if let Some(word) = word {
                both.push((Occur::Should, Box::new(word)));
            }
            if let Some(heading) = heading {
                both.push((
                    Occur::Should,
                    Box::new(BoostQuery::new(heading, HEADING_WEIGHT)),
                ));
            }
            if both.is_empty() {
                continue;
            }
            let query: Box<dyn Query> = Box::new(BooleanQuery::new(both));
            any.push(Box::new(BoostQuery::new(query, weight)));
        }
        self.explain.push(format!(
            "{phrase}: {}{}",
            read.join(" | "),
            if forms.len() > 1 {
                " (synonyms and spellings from synonyms.toml)"
            } else {
                ""
            }
        ));
        Ok(match any.len() {
            0 => Box::new(EmptyQuery),
            1 => any.pop().expect("one"),
            // The best form counts, not their sum: a clause naming a thing three ways says it no more.
            _ => Box::new(DisjunctionMaxQuery::with_tie_breaker(any, 0.1)),
        })
    }

    /// A proximity chain: clauses holding every operand, standing as the operators require.
    fn near(&mut self, chain: &Chain) -> Result<Box<dyn Query>, QueryError> {
        let mut operands = Vec::with_capacity(chain.operands.len());
        let mut found = Vec::with_capacity(chain.operands.len());
        for operand in &chain.operands {
            let refuse = |why: &str| {
                QueryError::Syntax(format!(
                    "'{operand}' {why}, so it cannot stand beside a proximity operator (in {:?})",
                    chain.text
                ))
            };
            let ast = parse(operand)?;
            if is_stop_word(&ast) {
                return Err(refuse(
                    "is a stop word, ignored outside quotes; quote it to look for it",
                ));
            }
            if excludes(&ast) {
                return Err(refuse(
                    "excludes words; exclude outside the chain (A /s B -C)",
                ));
            }
            let before = self.patterns.len();
            operands.push(self.ast(&ast)?);
            let patterns: Vec<Pattern> = self.patterns.drain(before..).collect();
            if patterns.is_empty() {
                return Err(refuse("has no words to find in a clause's text"));
            }
            found.push(patterns);
        }
        let pairs: Vec<String> = (chain.within.iter().enumerate())
            .map(|(i, within)| {
                let (a, b) = (&chain.operands[i], &chain.operands[i + 1]);
                format!("{a} and {b} {}", within.describe())
            })
            .collect();
        self.explain
            .push(format!("{}: {}", chain.text, pairs.join("; ")));
        let near = Near {
            operands: found,
            within: chain.within.clone(),
        };
        self.patterns.push(Pattern::Near(near.clone()));
        Ok(Box::new(ProximityQuery {
            operands: BooleanQuery::intersection(operands),
            near,
            json: self.fields.json,
        }))
    }

    /// One form of an unquoted word through the text fields, and how it was read: a word the
    /// dictionary splits means its parts in order and close together, or the very string.
    ///
    /// `ja` is the form through `ja`. With `again`, an earlier form of the same word split into the
    /// same parts: only the string is new.
    fn word(
        &mut self,
        form: &str,
        ja: &[crate::analysis::Term],
        again: bool,
    ) -> (Option<WordQuery>, String) {
        let cjk = form.chars().any(crate::analysis::is_cjk);
        let mut tiers: Vec<(Box<dyn Query>, f32)> = Vec::new();
        let mut substring = None;
        let mut how = String::new();
        for (field, analyzer, weight) in self.fields.text() {
            let mut terms = match analyzer {
                Analyzer::Ja => ja.to_vec(),
                _ => analyzer.analyze(form, false),
            };
            if analyzer == Analyzer::JaReading {
                // A word in kanji alone meets its spellings in kana (空港, クウコウ), not its homophones
                // in kanji (期間 is not 機関); a word with kana in it is spelt by its sound.
                let kanji_only = !form.chars().any(crate::analysis::is_kana);
                terms.retain(|t| !t.text.starts_with(crate::analysis::KANA_SPELLING));
                if kanji_only {
                    for term in &mut terms {
                        term.text.insert_str(0, crate::analysis::KANA_SPELLING);
                    }
                }
            }
            if terms.is_empty() {
                continue;
            }
            let texts: Vec<String> = terms.iter().map(|t| t.text.clone()).collect();
            let offsets = with_offsets(field, &terms);
            let query: Box<dyn Query> = match analyzer {
                Analyzer::Ja if terms.len() > 1 && again => {
                    how = format!("{} as above", texts.join(" → "));
                    continue;
                }
                Analyzer::Ja if terms.len() > 1 => {
                    how = format!("{} in order, close together", texts.join(" → "));
                    self.nearness.add(field, offsets);
                    self.patterns.push(Pattern::InOrder(texts.clone()));
                    Box::new(InOrder {
                        field,
                        terms: terms
                            .iter()
                            .map(|t| Term::from_field_text(field, &t.text))
                            .collect(),
                        pairs: self.fields.pairs_of(field),
                    })
                }
                // Readings have no positions: they join spellings of one word only.
                Analyzer::JaReading if ja.len() > 1 => continue,
                // Bigrams reach inside Japanese compounds; English words are whole already.
                Analyzer::CjkBigram if !cjk => continue,
                Analyzer::CjkBigram if terms.len() > 1 => {
                    self.patterns.push(Pattern::Sequence(analyzer, texts));
                    substring = Some(Bigrams {
                        field,
                        terms: offsets,
                        weight,
                    });
                    continue;
                }
                // A Japanese word is no English word; a hyphenated one (opt-in) is a phrase.
                Analyzer::En if cjk => continue,
                Analyzer::En if terms.len() > 1 => {
                    how = format!("\"{}\" as a phrase", texts.join(" "));
                    self.patterns.push(Pattern::Sequence(analyzer, texts));
                    phrase(offsets)
                }
                _ => {
                    if how.is_empty() {
                        how = texts.join(" ");
                    }
                    self.patterns.push(Pattern::Terms(analyzer, texts));
                    all_words(offsets)
                }
            };
            tiers.push((query, weight));
        }
        if substring.is_some() {
            how.push_str(&format!(" or the string {form}"));
        }
        if tiers.is_empty() && substring.is_none() {
            return (None, format!("{form} (no searchable words)"));
        }
        (Some(WordQuery::new(tiers, substring)), how)
    }

    /// `text` as exactly that text: Japanese as the sequence of its bigrams (particles included),
    /// other text as a phrase of words.
    fn exact(&mut self, text: &str) -> Box<dyn Query> {
        let bigrams = Analyzer::CjkBigram.analyze(text, false);
        let all_cjk = text
            .chars()
            .filter(|c| !c.is_whitespace())
            .all(crate::analysis::is_cjk);
        // Two characters are one bigram, and still a string: "され" stands inside なされる, where the
        // dictionary's words do not.
        let one_character = bigrams.len() == 1 && bigrams[0].text.chars().count() == 1;
        if all_cjk && !bigrams.is_empty() && !one_character {
            let texts = bigrams.iter().map(|t| t.text.clone()).collect();
            self.patterns
                .push(Pattern::Sequence(Analyzer::CjkBigram, texts));
            let field = self.fields.text_bigram;
            return Box::new(WordQuery::new(
                Vec::new(),
                Some(Bigrams {
                    field,
                    terms: with_offsets(field, &bigrams),
                    weight: 1.0,
                }),
            ));
        }
        let mut any: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for (field, analyzer) in [
            (self.fields.text_ja, Analyzer::Ja),
            (self.fields.text_en, Analyzer::En),
        ] {
            let terms = analyzer.analyze(text, false);
            if terms.is_empty() {
                continue;
            }
            let texts = terms.iter().map(|t| t.text.clone()).collect();
            self.patterns.push(Pattern::Sequence(analyzer, texts));
            any.push((Occur::Should, phrase(with_offsets(field, &terms))));
        }
        match any.len() {
            0 => Box::new(EmptyQuery),
            _ => Box::new(BooleanQuery::new(any)),
        }
    }

    /// `text` in an article heading (no highlight: the clause text is what is shown).
    ///
    /// `ja`, when given, is `text` through `ja` already.
    fn heading(
        &mut self,
        text: &str,
        exact: bool,
        ja: Option<&[crate::analysis::Term]>,
    ) -> Option<Box<dyn Query>> {
        let mut any: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        let cjk = text.chars().any(crate::analysis::is_cjk);
        for (field, analyzer, _) in self.fields.heading() {
            let terms = match (analyzer, ja) {
                (Analyzer::En, _) if cjk => continue,
                (Analyzer::Ja, Some(ja)) => ja.to_vec(),
                _ => analyzer.analyze(text, false),
            };
            if terms.is_empty() {
                continue;
            }
            let query: Box<dyn Query> = match analyzer {
                _ if exact || analyzer == Analyzer::En => phrase(with_offsets(field, &terms)),
                _ if terms.len() > 1 => Box::new(InOrder {
                    field,
                    terms: terms
                        .iter()
                        .map(|t| Term::from_field_text(field, &t.text))
                        .collect(),
                    pairs: self.fields.pairs_of(field),
                }),
                _ => all_words(with_offsets(field, &terms)),
            };
            any.push((Occur::Should, query));
        }
        match any.len() {
            0 => None,
            1 => any.pop().map(|(_, q)| q),
            _ => Some(Box::new(BooleanQuery::new(any))),
        }
    }
}

/// One synonym form of a query word as it is looked for: its word, its heading query, its weight.
struct Form {
    word: Option<WordQuery>,
    heading: Option<Box<dyn Query>>,
    weight: f32,
}

/// A word's terms in one field, each with its offset from the first (gaps where stop words were).
fn with_offsets(field: Field, terms: &[crate::analysis::Term]) -> Vec<(u32, Term)> {
    let first = terms.first().map_or(0, |t| t.position);
    terms
        .iter()
        .map(|t| {
            (
                (t.position - first) as u32,
                Term::from_field_text(field, &t.text),
            )
        })
        .collect()
}

/// All of the terms, anywhere in the field.
fn all_words(terms: Vec<(u32, Term)>) -> Box<dyn Query> {
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = terms
        .into_iter()
        .map(|(_, term)| {
            let query = TermQuery::new(term, IndexRecordOption::WithFreqs);
            (Occur::Must, Box::new(query) as Box<dyn Query>)
        })
        .collect();
    if clauses.len() == 1 {
        return clauses.pop().expect("one").1;
    }
    Box::new(BooleanQuery::new(clauses))
}

/// The terms in sequence.
fn phrase(terms: Vec<(u32, Term)>) -> Box<dyn Query> {
    if terms.len() == 1 {
        return all_words(terms);
    }
    let terms = terms.into_iter().map(|(o, t)| (o as usize, t)).collect();
    Box::new(PhraseQuery::new_with_offset(terms))
}

/// Every clause `query` matches (all of one document), in the order the document gives them.
fn in_document_order(
    index: &ClauseIndex,
    searcher: &tantivy::Searcher,
    query: &dyn tantivy::query::Query,
) -> Result<Vec<Clause>, QueryError> {
    let mut clauses = Vec::new();
    for address in searcher.search(query, &tantivy::collector::DocSetCollector)? {
        if let Some(clause) = index.clause(&searcher.doc::<TantivyDocument>(address)?) {
            clauses.push(clause);
        }
    }
    clauses.sort_by_key(|c| (c.line_start, c.line_end));
    Ok(clauses)
}
