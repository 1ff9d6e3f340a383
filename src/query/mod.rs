//! Queries: the user's query language and filters turned into a tantivy query, run, and answered as
//! plain [`Hit`]s and facet counts, with highlights that point into the clause text.
//!
//! The grammar is tantivy's (terms ANDed, `"phrases"`, `OR`, `-term`, `( )`, `field:term`), but each
//! word is analysed the way the fields were: a Japanese word the dictionary splits (第三者提供) matches
//! clauses holding all of its parts, closer together ranking higher, and its bigrams reach inside
//! compounds the dictionary keeps whole.

use std::collections::{BTreeMap, HashSet};
use std::ops::Bound;

use serde::Serialize;
use tantivy::collector::{Count, TopDocs};
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, EmptyQuery, Occur, PhraseQuery, Query, RangeQuery,
    TermQuery,
};
use tantivy::query_grammar::{
    Delimiter, Occur as UserOccur, UserInputAst, UserInputLeaf, UserInputLiteral,
};
use tantivy::schema::{Facet, Field, IndexRecordOption};
use tantivy::{TantivyDocument, Term};

mod collect;
mod nearness;
mod word;

use crate::analysis::Analyzer;
use crate::clause::Clause;
use crate::index::{ClauseIndex, Fields, date_number};
use collect::{Results, ResultsCollector};
use nearness::Nearness;
use word::{Bigrams, WordQuery};

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
    /// The words whose nearness reorders the best hits.
    nearness: Nearness,
    /// How many values of each facet [`Search::run`] counts out, the most frequent.
    facet_values: usize,
}

impl Search {
    /// Parses `text` (may be empty: every clause) and `filters` against `index`.
    pub fn new(index: &ClauseIndex, text: &str, filters: &Filters) -> Result<Search, QueryError> {
        let fields = &index.fields;
        let mut highlight_terms = Analyzer::ALL.map(|a| (a, HashSet::new())).to_vec();
        let mut nearness = Nearness::default();
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
                nearness: &mut nearness,
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
            nearness,
            facet_values: usize::MAX,
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
        self.nearness.rescore(&searcher, &mut top)?;
        let mut hits = Vec::new();
        for (score, address) in top.into_iter().skip(offset).take(limit) {
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
        let total = collect::in_parallel(&searcher, self.query.as_ref(), &Count)?;
        let mut top = collect::in_parallel(
            &searcher,
            self.query.as_ref(),
            &TopDocs::with_limit(total.max(1)).order_by_score(),
        )?;
        self.nearness.rescore(&searcher, &mut top)?;
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

/// Every value of one facet in the index, in order: a read of the facet dictionaries, no search.
pub fn facet_values(
    index: &ClauseIndex,
    name: &str,
) -> Result<std::collections::BTreeSet<String>, QueryError> {
    let mut values = std::collections::BTreeSet::new();
    for segment in index.searcher()?.segment_readers() {
        let reader = segment.facet_reader(name)?;
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
    nearness: &'a mut Nearness,
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
        let mut tiers: Vec<(Box<dyn Query>, f32)> = Vec::new();
        let mut substring = None;
        for (field, analyzer, weight) in targets {
            // Readings have no positions, and an exact phrase means its spelling anyway.
            if exact && analyzer == Analyzer::JaReading {
                continue;
            }
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
            let terms = with_offsets(field, &terms);
            let query: Box<dyn Query> = match analyzer {
                // Bigrams mean the substring, in sequence; they are checked last, where words fail.
                Analyzer::CjkBigram if terms.len() > 1 => {
                    // The very string, in sequence, ranks above its words merely near each other.
                    if !exact {
                        self.nearness.add(field, terms.clone());
                    }
                    substring = Some(Bigrams {
                        field,
                        terms,
                        weight,
                    });
                    continue;
                }
                _ if exact => phrase(terms),
                // The words in any order; closer ones rank higher when the best hits are rescored.
                Analyzer::Ja | Analyzer::En => {
                    self.nearness.add(field, terms.clone());
                    all_words(terms)
                }
                // Readings only join spelling variants: their word order is left to `ja`.
                Analyzer::JaReading | Analyzer::CjkBigram => all_words(terms),
            };
            tiers.push((query, weight));
        }
        if tiers.is_empty() && substring.is_none() {
            return Ok(Box::new(EmptyQuery));
        }
        Ok(Box::new(WordQuery::new(tiers, substring)))
    }
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
