//! A word's matches through the word fields, or failing them its substring through the bigram field,
//! with positions read only where they decide a match.
//!
//! A phrase of bigrams is the exact substring (空港 inside 関西国際空港), but checking positions in every
//! clause that holds all the bigrams cost more than the rest of a search. A clause that the word
//! fields already match is a hit whatever its bigrams say, so only the others need the check. Both
//! are walked once, side by side: a separate "words" query beside this one walked them twice.

use tantivy::query::{
    BooleanQuery, BoostQuery, EnableScoring, Explanation, Query, Scorer, TermQuery, Weight,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocId, DocSet, Score, SegmentReader, TERMINATED, TantivyError, Term};

/// Clauses that `words` match, or that hold `bigrams` in sequence; scored by `words` where they
/// match, else by the bigrams' BM25 times `weight`.
#[derive(Clone, Debug)]
pub struct SubstringQuery {
    field: Field,
    /// Each bigram with its offset from the first.
    bigrams: Vec<(u32, Term)>,
    /// The bigrams' boost.
    weight: f32,
    /// The same word through the other fields: no position check where this matches.
    words: BooleanQuery,
}

impl SubstringQuery {
    /// The substring whose bigrams are `bigrams` (offset, term) in `field`, or `words`.
    pub fn new(
        field: Field,
        bigrams: Vec<(u32, Term)>,
        weight: f32,
        words: BooleanQuery,
    ) -> SubstringQuery {
        SubstringQuery {
            field,
            bigrams,
            weight,
            words,
        }
    }

    fn all_bigrams(&self) -> BoostQuery {
        let all = BooleanQuery::intersection(
            self.bigrams
                .iter()
                .map(|(_, term)| {
                    Box::new(TermQuery::new(term.clone(), IndexRecordOption::WithFreqs))
                        as Box<dyn Query>
                })
                .collect(),
        );
        BoostQuery::new(Box::new(all), self.weight)
    }
}

impl Query for SubstringQuery {
    fn weight(&self, scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(SubstringWeight {
            candidates: self.all_bigrams().weight(scoring)?,
            words: self.words.weight(scoring)?,
            field: self.field,
            bigrams: self.bigrams.clone(),
        }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        self.words.query_terms(visitor);
        for (_, term) in &self.bigrams {
            visitor(term, true);
        }
    }
}

struct SubstringWeight {
    candidates: Box<dyn Weight>,
    words: Box<dyn Weight>,
    field: Field,
    bigrams: Vec<(u32, Term)>,
}

impl Weight for SubstringWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let words = self.words.scorer(reader, boost)?;
        let inverted = reader.inverted_index(self.field)?;
        let mut postings = Vec::with_capacity(self.bigrams.len());
        for (offset, term) in &self.bigrams {
            match inverted.read_postings(term, IndexRecordOption::WithFreqsAndPositions)? {
                Some(p) => postings.push((*offset, p)),
                // Some bigram is nowhere in this segment: only the words can match.
                None => return Ok(words),
            }
        }
        let mut scorer = SubstringScorer {
            words,
            candidates: self.candidates.scorer(reader, boost)?,
            postings,
            starts: Vec::new(),
            positions: Vec::new(),
            doc: 0,
        };
        scorer.settle();
        Ok(Box::new(scorer))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let mut scorer = self.scorer(reader, 1.0)?;
        if scorer.seek(doc) != doc {
            return Err(TantivyError::InvalidArgument(format!(
                "document {doc} holds neither the words nor the substring"
            )));
        }
        Ok(Explanation::new("words, else substring", scorer.score()))
    }
}

struct SubstringScorer {
    words: Box<dyn Scorer>,
    /// Clauses holding every bigram, in or out of sequence.
    candidates: Box<dyn Scorer>,
    postings: Vec<(u32, tantivy::postings::SegmentPostings)>,
    /// Scratch: where the substring could start.
    starts: Vec<u32>,
    /// Scratch: one bigram's positions.
    positions: Vec<u32>,
    /// The current match.
    doc: DocId,
}

impl SubstringScorer {
    /// Skips the candidates before the words' next match that are not the substring, and makes the
    /// nearer of the two the current match.
    fn settle(&mut self) -> DocId {
        let words = self.words.doc();
        loop {
            let doc = self.candidates.doc();
            // A candidate the words also match needs no check; one past them waits its turn.
            if doc >= words || self.in_sequence(doc) {
                break;
            }
            self.candidates.advance();
        }
        self.doc = words.min(self.candidates.doc());
        self.doc
    }

    /// Whether the bigrams stand in sequence somewhere in `doc`.
    fn in_sequence(&mut self, doc: DocId) -> bool {
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
        if self.doc == TERMINATED {
            return TERMINATED;
        }
        if self.words.doc() == self.doc {
            self.words.advance();
        }
        if self.candidates.doc() == self.doc {
            self.candidates.advance();
        }
        self.settle()
    }

    fn seek(&mut self, target: DocId) -> DocId {
        if self.words.doc() < target {
            self.words.seek(target);
        }
        if self.candidates.doc() < target {
            self.candidates.seek(target);
        }
        self.settle()
    }

    fn doc(&self) -> DocId {
        self.doc
    }

    fn size_hint(&self) -> u32 {
        self.words.size_hint().max(self.candidates.size_hint())
    }
}

impl Scorer for SubstringScorer {
    fn score(&mut self) -> Score {
        // Bigrams rank only the clauses words miss: scoring them for every word match as well cost a
        // sixth of a search for common words.
        if self.words.doc() == self.doc {
            self.words.score()
        } else {
            self.candidates.score()
        }
    }
}
