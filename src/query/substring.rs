//! Substring matches through the bigram field, with positions read only where they decide a match.
//!
//! A phrase of bigrams is the exact substring (空港 inside 関西国際空港), but checking positions in every
//! clause that holds all the bigrams cost more than the rest of a search. A clause that the word
//! fields already match is a hit whatever its bigrams say, so only the others need the check.

use tantivy::query::{BooleanQuery, EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocId, DocSet, Score, SegmentReader, TERMINATED, TantivyError, Term};

/// Clauses holding every bigram, where either the bigrams stand in sequence or `otherwise` matches;
/// scored by the bigrams' BM25 where `otherwise` does not match, else 0.
#[derive(Clone, Debug)]
pub struct SubstringQuery {
    field: Field,
    /// Each bigram with its offset from the first.
    bigrams: Vec<(u32, Term)>,
    /// The same word through the other fields: no position check where this matches.
    otherwise: BooleanQuery,
}

impl SubstringQuery {
    /// The substring whose bigrams are `bigrams` (offset, term) in `field`, checked unless `otherwise`.
    pub fn new(field: Field, bigrams: Vec<(u32, Term)>, otherwise: BooleanQuery) -> SubstringQuery {
        SubstringQuery {
            field,
            bigrams,
            otherwise,
        }
    }

    fn all_bigrams(&self) -> BooleanQuery {
        BooleanQuery::intersection(
            self.bigrams
                .iter()
                .map(|(_, term)| {
                    Box::new(tantivy::query::TermQuery::new(
                        term.clone(),
                        IndexRecordOption::WithFreqs,
                    )) as Box<dyn Query>
                })
                .collect(),
        )
    }
}

impl Query for SubstringQuery {
    fn weight(&self, scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let unscored = EnableScoring::disabled_from_schema(scoring.schema());
        Ok(Box::new(SubstringWeight {
            candidates: self.all_bigrams().weight(scoring)?,
            otherwise: self.otherwise.weight(unscored)?,
            field: self.field,
            bigrams: self.bigrams.clone(),
        }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        for (_, term) in &self.bigrams {
            visitor(term, true);
        }
    }
}

struct SubstringWeight {
    candidates: Box<dyn Weight>,
    otherwise: Box<dyn Weight>,
    field: Field,
    bigrams: Vec<(u32, Term)>,
}

impl Weight for SubstringWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let inverted = reader.inverted_index(self.field)?;
        let mut postings = Vec::with_capacity(self.bigrams.len());
        for (offset, term) in &self.bigrams {
            match inverted.read_postings(term, IndexRecordOption::WithFreqsAndPositions)? {
                Some(p) => postings.push((*offset, p)),
                None => return Ok(Box::new(tantivy::query::EmptyScorer)),
            }
        }
        let mut scorer = SubstringScorer {
            candidates: self.candidates.scorer(reader, boost)?,
            otherwise: self.otherwise.scorer(reader, 1.0)?,
            postings,
            starts: Vec::new(),
            positions: Vec::new(),
            by_words: false,
        };
        scorer.settle();
        Ok(Box::new(scorer))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let mut scorer = self.scorer(reader, 1.0)?;
        if scorer.seek(doc) != doc {
            return Err(TantivyError::InvalidArgument(format!(
                "document {doc} holds no such substring"
            )));
        }
        Ok(Explanation::new(
            "substring through bigrams",
            scorer.score(),
        ))
    }
}

struct SubstringScorer {
    candidates: Box<dyn Scorer>,
    otherwise: Box<dyn Scorer>,
    postings: Vec<(u32, tantivy::postings::SegmentPostings)>,
    /// Scratch: where the substring could start.
    starts: Vec<u32>,
    /// Scratch: one bigram's positions.
    positions: Vec<u32>,
    /// Whether the current clause is matched by the word fields, which then score it alone.
    by_words: bool,
}

impl SubstringScorer {
    /// Moves on from the current candidate to the first one that is a match.
    fn settle(&mut self) -> DocId {
        loop {
            let doc = self.candidates.doc();
            if doc == TERMINATED || self.matches(doc) {
                return doc;
            }
            self.candidates.advance();
        }
    }

    fn matches(&mut self, doc: DocId) -> bool {
        if self.otherwise.doc() < doc {
            self.otherwise.seek(doc);
        }
        self.by_words = self.otherwise.doc() == doc;
        if self.by_words {
            return true;
        }
        use tantivy::postings::Postings;
        for (i, (offset, postings)) in self.postings.iter_mut().enumerate() {
            if postings.doc() < doc {
                postings.seek(doc);
            }
            if postings.doc() != doc {
                return false;
            }
            self.positions.clear();
            postings.positions(&mut self.positions);
            if i == 0 {
                self.starts.clear();
                self.starts
                    .extend(self.positions.iter().filter_map(|p| p.checked_sub(*offset)));
            } else {
                let positions = &self.positions;
                self.starts
                    .retain(|s| positions.binary_search(&(s + *offset)).is_ok());
            }
            if self.starts.is_empty() {
                return false;
            }
        }
        true
    }
}

impl DocSet for SubstringScorer {
    fn advance(&mut self) -> DocId {
        self.candidates.advance();
        self.settle()
    }

    fn seek(&mut self, target: DocId) -> DocId {
        self.candidates.seek(target);
        self.settle()
    }

    fn doc(&self) -> DocId {
        self.candidates.doc()
    }

    fn size_hint(&self) -> u32 {
        self.candidates.size_hint()
    }
}

impl Scorer for SubstringScorer {
    fn score(&mut self) -> Score {
        // Bigrams rank only the clauses words miss: scoring them for every word match as well cost a
        // sixth of a search for common words.
        if self.by_words {
            0.0
        } else {
            self.candidates.score()
        }
    }
}
