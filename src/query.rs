//! Queries: the user's query language and filters turned into a tantivy query, run, and answered as
//! plain [`Hit`]s and facet counts, with highlights that point into the clause text.
//!
//! The grammar is tantivy's (terms ANDed, `"phrases"`, `OR`, `-term`, `( )`, `field:term`), but each
//! word is analysed the way the fields were: a Japanese word the dictionary splits (第三者提供) matches
//! clauses holding all of its parts, closer together ranking higher, and its bigrams reach inside
//! compounds the dictionary keeps whole.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::ops::Bound;

use serde::Serialize;
use tantivy::collector::{Collector, Count, MultiCollector, SegmentCollector, TopDocs};
use tantivy::fastfield::FacetReader;
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, EmptyQuery, Occur, PhraseQuery, Query, RangeQuery,
    TermQuery,
};
use tantivy::query_grammar::{
    Delimiter, Occur as UserOccur, UserInputAst, UserInputLeaf, UserInputLiteral,
};
use tantivy::schema::{Facet, Field, IndexRecordOption};
use tantivy::{DocId, Score, SegmentOrdinal, SegmentReader, TantivyDocument, Term};

use crate::analysis::Analyzer;
use crate::clause::Clause;
use crate::index::{ClauseIndex, FACETS, Fields, date_number};

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
    Output(std::io::Error),
}

/// Filters beside the query: values of one flag are ORed, different flags ANDed.
#[derive(Debug, Clone, Default)]
pub struct Filters {
    /// Article types.
    pub types: Vec<String>,
    /// Jurisdictions (`US` covers `US-CA`).
    pub jurisdictions: Vec<String>,
    /// Companies.
    pub companies: Vec<String>,
    /// Languages.
    pub langs: Vec<String>,
    /// Cited laws.
    pub cites: Vec<String>,
    /// Earliest policy date, ISO 8601.
    pub since: Option<String>,
    /// Latest policy date, ISO 8601.
    pub until: Option<String>,
}

impl Filters {
    /// The facet filters, by facet name.
    pub fn by_facet(&self) -> [(&'static str, &Vec<String>); 5] {
        [
            ("type", &self.types),
            ("jurisdiction", &self.jurisdictions),
            ("company", &self.companies),
            ("lang", &self.langs),
            ("cites", &self.cites),
        ]
    }
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
}

/// Counts of one facet's values over the whole result set, largest first.
pub type FacetCounts = Vec<(String, u64)>;

/// The answer to a search.
#[derive(Debug, Clone, Serialize)]
pub struct Answer {
    /// How many clauses match in all.
    pub total: usize,
    /// The requested page of hits.
    pub hits: Vec<Hit>,
    /// Facet counts over all matches, per facet name.
    pub facets: BTreeMap<String, FacetCounts>,
}

/// A parsed query, ready to run.
pub struct Search {
    query: Box<dyn Query>,
    /// Terms per field that satisfy the query, for highlighting.
    highlight_terms: Vec<(Analyzer, HashSet<String>)>,
}

impl Search {
    /// Parses `text` (may be empty: every clause) and `filters` against `index`.
    pub fn new(index: &ClauseIndex, text: &str, filters: &Filters) -> Result<Search, QueryError> {
        let fields = &index.fields;
        let mut highlight_terms = Analyzer::ALL.map(|a| (a, HashSet::new())).to_vec();
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        if !text.trim().is_empty() {
            check_syntax(text)?;
            let ast = tantivy::query_grammar::parse_query(text).map_err(|_| {
                QueryError::Syntax(format!(
                    "cannot parse {text:?}; quote words with special characters"
                ))
            })?;
            let mut builder = Builder {
                fields,
                highlight_terms: &mut highlight_terms,
            };
            clauses.push((Occur::Must, builder.ast(&ast)?));
        }
        for (name, values) in filters.by_facet() {
            if !values.is_empty() {
                let field = fields.facet(name).expect("known facet");
                let any: Vec<(Occur, Box<dyn Query>)> = values
                    .iter()
                    .map(|v| (Occur::Should, facet_query(field, v)))
                    .collect();
                clauses.push((Occur::Must, Box::new(BooleanQuery::new(any))));
            }
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
        let query: Box<dyn Query> = match clauses.len() {
            0 => Box::new(AllQuery),
            _ => Box::new(BooleanQuery::new(clauses)),
        };
        highlight_terms.retain(|(_, terms)| !terms.is_empty());
        Ok(Search {
            query,
            highlight_terms,
        })
    }

    /// Runs the search: `limit` hits from `offset`, the total, and facet counts over every match.
    pub fn run(
        &self,
        index: &ClauseIndex,
        limit: usize,
        offset: usize,
    ) -> Result<Answer, QueryError> {
        let searcher = index.searcher()?;
        let mut collectors = MultiCollector::new();
        let top = collectors.add_collector(
            TopDocs::with_limit(limit.max(1))
                .and_offset(offset)
                .order_by_score(),
        );
        let count = collectors.add_collector(Count);
        let facet_handles: Vec<_> = FACETS
            .iter()
            .map(|name| collectors.add_collector(FacetCount { field: name }))
            .collect();
        let mut fruits = searcher.search(&self.query, &collectors)?;
        let (top, total) = (top.extract(&mut fruits), count.extract(&mut fruits));
        let mut facets = BTreeMap::new();
        for (name, handle) in FACETS.iter().zip(facet_handles) {
            let counts = handle.extract(&mut fruits);
            let mut values: FacetCounts = counts.into_iter().collect();
            values.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
            facets.insert(name.to_string(), values);
        }
        let mut hits = Vec::new();
        for (score, address) in top.into_iter().take(limit) {
            let doc: TantivyDocument = searcher.doc(address)?;
            if let Some(clause) = index.clause(&doc) {
                let highlights = self.highlights(&clause);
                hits.push(Hit {
                    clause,
                    score,
                    highlights,
                });
            }
        }
        Ok(Answer {
            total,
            hits,
            facets,
        })
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

    /// Every clause of one document, in document order.
    pub fn document(index: &ClauseIndex, doc: &str) -> Result<Vec<Clause>, QueryError> {
        let searcher = index.searcher()?;
        let query = TermQuery::new(
            Term::from_field_text(index.fields.doc, doc),
            IndexRecordOption::Basic,
        );
        let mut clauses = Vec::new();
        for address in searcher.search(&query, &tantivy::collector::DocSetCollector)? {
            if let Some(clause) = index.clause(&searcher.doc::<TantivyDocument>(address)?) {
                clauses.push(clause);
            }
        }
        clauses.sort_by_key(|c| (c.line_start, c.line_end));
        Ok(clauses)
    }

    /// Every match, best first, handed to `each` one at a time: exports must not stop at a top N, and
    /// only the addresses and scores (16 bytes a match) are held, not the clauses.
    pub fn each_match(
        &self,
        index: &ClauseIndex,
        mut each: impl FnMut(Hit) -> std::io::Result<()>,
    ) -> Result<usize, QueryError> {
        let searcher = index.searcher()?;
        let total = searcher.search(&self.query, &Count)?;
        let top = searcher.search(
            &self.query,
            &TopDocs::with_limit(total.max(1)).order_by_score(),
        )?;
        for (score, address) in top {
            let doc: TantivyDocument = searcher.doc(address)?;
            if let Some(clause) = index.clause(&doc) {
                let highlights = self.highlights(&clause);
                each(Hit {
                    clause,
                    score,
                    highlights,
                })
                .map_err(QueryError::Output)?;
            }
        }
        Ok(total)
    }

    /// Byte ranges of the clause text whose terms satisfy the query, adjacent ones merged; only the
    /// analysers the clause was indexed with count (a kanji is an English "word" to `en`).
    pub fn highlights(&self, clause: &Clause) -> Vec<(usize, usize)> {
        let mut ranges: Vec<(usize, usize)> = Vec::new();
        let indexed_with = crate::index::analyzers_for(clause.lang);
        for (analyzer, terms) in self
            .highlight_terms
            .iter()
            .filter(|(a, _)| indexed_with.contains(a))
        {
            for term in analyzer.analyze(&clause.text, false) {
                if terms.contains(&term.text) {
                    ranges.push((term.start, term.end));
                }
            }
        }
        ranges.sort();
        let mut merged: Vec<(usize, usize)> = Vec::new();
        for (start, end) in ranges {
            match merged.last_mut() {
                // Touching or overlapping spans (bigrams, or 第三者|提供) read as one.
                Some(last) if start <= last.1 => last.1 = last.1.max(end),
                _ => merged.push((start, end)),
            }
        }
        merged
    }
}

/// Counts the values of one facet over every match.
///
/// tantivy's `FacetCollector` turns each counted ordinal into its value with a random dictionary
/// look-up, decompressing a block per value: with ten thousand companies that was most of a search.
/// Here the counts are per ordinal and the dictionary is read once, in order, per segment.
struct FacetCount {
    field: &'static str,
}

impl Collector for FacetCount {
    type Fruit = HashMap<String, u64>;
    type Child = SegmentFacetCount;

    fn for_segment(
        &self,
        _: SegmentOrdinal,
        segment: &SegmentReader,
    ) -> tantivy::Result<SegmentFacetCount> {
        let reader = segment.facet_reader(self.field)?;
        let counts = vec![0; reader.num_facets()];
        Ok(SegmentFacetCount { reader, counts })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(
        &self,
        fruits: Vec<HashMap<String, u64>>,
    ) -> tantivy::Result<HashMap<String, u64>> {
        let mut merged = HashMap::new();
        for fruit in fruits {
            for (value, n) in fruit {
                *merged.entry(value).or_insert(0) += n;
            }
        }
        Ok(merged)
    }
}

struct SegmentFacetCount {
    reader: FacetReader,
    counts: Vec<u64>,
}

impl SegmentCollector for SegmentFacetCount {
    type Fruit = HashMap<String, u64>;

    fn collect(&mut self, doc: DocId, _: Score) {
        for ord in self.reader.facet_ords(doc) {
            if let Some(count) = self.counts.get_mut(ord as usize) {
                *count += 1;
            }
        }
    }

    fn harvest(self) -> HashMap<String, u64> {
        let mut values = HashMap::new();
        let Ok(mut terms) = self.reader.facet_dict().stream() else {
            return values;
        };
        while terms.advance() {
            let count = self
                .counts
                .get(terms.term_ord() as usize)
                .copied()
                .unwrap_or(0);
            if count > 0
                && let Ok(facet) = Facet::from_encoded(terms.key().to_vec())
            {
                values.insert(facet.to_path().join("/"), count);
            }
        }
        values
    }
}

fn facet_query(field: Field, value: &str) -> Box<dyn Query> {
    let facet = Facet::from_path([value]);
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

fn is_operator(word: &str) -> bool {
    matches!(word, "AND" | "OR")
}

struct Builder<'a> {
    fields: &'a Fields,
    highlight_terms: &'a mut Vec<(Analyzer, HashSet<String>)>,
}

impl Builder<'_> {
    fn ast(&mut self, ast: &UserInputAst) -> Result<Box<dyn Query>, QueryError> {
        Ok(match ast {
            UserInputAst::Clause(parts) => {
                let mut clauses = Vec::new();
                let any_should = parts.iter().any(|(o, _)| *o == Some(UserOccur::Should));
                for (occur, part) in parts {
                    let occur = match occur {
                        Some(UserOccur::Must) => Occur::Must,
                        Some(UserOccur::MustNot) => Occur::MustNot,
                        Some(UserOccur::Should) => Occur::Should,
                        // Words are ANDed, unless the clause is an OR.
                        None if any_should => Occur::Should,
                        None => Occur::Must,
                    };
                    let query = self.ast(part)?;
                    clauses.push((occur, query));
                }
                // A query of exclusions only means "everything but".
                if clauses.iter().all(|(o, _)| *o == Occur::MustNot) {
                    clauses.push((Occur::Must, Box::new(AllQuery)));
                }
                Box::new(BooleanQuery::new(clauses))
            }
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
        let targets: Vec<(Field, Analyzer, f32)> = match literal.field_name.as_deref() {
            None => self.fields.text().to_vec(),
            Some("heading") => self.fields.heading().to_vec(),
            Some(name) => {
                let Some(field) = self.fields.facet(name) else {
                    return Err(QueryError::Syntax(format!(
                        "unknown field '{name}:'; use heading:, type:, company:, jurisdiction:, lang: or cites:"
                    )));
                };
                return Ok(facet_query(field, &literal.phrase));
            }
        };
        let mut alternatives: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for (field, analyzer, weight) in targets {
            let terms = analyzer.analyze(&literal.phrase, false);
            if terms.is_empty() {
                continue;
            }
            let set = &mut self
                .highlight_terms
                .iter_mut()
                .find(|(a, _)| *a == analyzer)
                .expect("every analyser")
                .1;
            set.extend(terms.iter().map(|t| t.text.clone()));
            // Bigrams only mean the substring in sequence; readings only join spelling variants, so their
            // word order is left to the `ja` field, which ranks closer words higher.
            let shape = match analyzer {
                _ if exact => Shape::Phrase,
                Analyzer::CjkBigram => Shape::Phrase,
                Analyzer::JaReading => Shape::AllWords,
                Analyzer::Ja | Analyzer::En => Shape::AllWordsNearFirst,
            };
            let field_query = words_query(field, &terms, shape);
            alternatives.push((
                Occur::Should,
                Box::new(BoostQuery::new(field_query, weight)),
            ));
        }
        if alternatives.is_empty() {
            return Ok(Box::new(EmptyQuery));
        }
        Ok(Box::new(BooleanQuery::new(alternatives)))
    }
}

/// How a word's terms must occur in a field.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Shape {
    /// In sequence (gaps where stop words were).
    Phrase,
    /// All of them, anywhere.
    AllWords,
    /// All of them, the exact sequence and near sequences scoring higher.
    AllWordsNearFirst,
}

/// The query for one word's terms in one field.
fn words_query(field: Field, terms: &[crate::analysis::Term], shape: Shape) -> Box<dyn Query> {
    let term = |t: &crate::analysis::Term| Term::from_field_text(field, &t.text);
    if terms.len() == 1 {
        return Box::new(TermQuery::new(
            term(&terms[0]),
            IndexRecordOption::WithFreqs,
        ));
    }
    let first = terms[0].position;
    let with_offsets: Vec<(usize, Term)> = terms
        .iter()
        .map(|t| (t.position - first, term(t)))
        .collect();
    let phrase = || Box::new(PhraseQuery::new_with_offset(with_offsets.clone())) as Box<dyn Query>;
    if shape == Shape::Phrase {
        return phrase();
    }
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = terms
        .iter()
        .map(|t| {
            (
                Occur::Must,
                Box::new(TermQuery::new(term(t), IndexRecordOption::WithFreqs)) as Box<dyn Query>,
            )
        })
        .collect();
    if shape == Shape::AllWordsNearFirst {
        clauses.push((Occur::Should, Box::new(BoostQuery::new(phrase(), 2.0))));
        let near = PhraseQuery::new_with_offset_and_slop(with_offsets.clone(), 4);
        clauses.push((Occur::Should, Box::new(near)));
    }
    Box::new(BooleanQuery::new(clauses))
}
