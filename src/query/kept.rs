//! Clauses a cheap query finds, kept only where a closer look at each says so: a compound's parts in
//! order ([`super::sequence`]), operands standing as a proximity operator requires
//! ([`super::proximity_query`]). A kept clause is a match for the counts and facets too.

use tantivy::query::{Explanation, Scorer, Weight};
use tantivy::{DocId, DocSet, Score, SegmentReader, TERMINATED, TantivyError};

/// The closer look at one candidate clause of a segment.
pub trait Check: Send + 'static {
    /// Whether candidate `doc` is kept.
    fn keeps(&mut self, doc: DocId) -> bool;
}

/// The candidates of `all` that `check` keeps, scored as `all` scores them.
pub struct Kept<C> {
    all: Box<dyn Scorer>,
    check: C,
}

impl<C: Check> Kept<C> {
    /// Stands on the first candidate kept.
    pub fn new(all: Box<dyn Scorer>, check: C) -> Kept<C> {
        let mut kept = Kept { all, check };
        kept.settle();
        kept
    }

    /// Moves to the first candidate from the current one that is kept.
    fn settle(&mut self) -> DocId {
        loop {
            let doc = self.all.doc();
            if doc == TERMINATED || self.check.keeps(doc) {
                return doc;
            }
            self.all.advance();
        }
    }
}

impl<C: Check> DocSet for Kept<C> {
    fn advance(&mut self) -> DocId {
        self.all.advance();
        self.settle()
    }

    fn seek(&mut self, target: DocId) -> DocId {
        if self.all.doc() < target {
            self.all.seek(target);
        }
        self.settle()
    }

    fn doc(&self) -> DocId {
        self.all.doc()
    }

    fn size_hint(&self) -> u32 {
        self.all.size_hint()
    }
}

impl<C: Check> Scorer for Kept<C> {
    fn score(&mut self) -> Score {
        self.all.score()
    }
}

/// The explanation of `weight`'s score for `doc`, which it keeps for `why`; or that it does not,
/// saying what it lacks.
pub fn explain(
    weight: &dyn Weight,
    reader: &SegmentReader,
    doc: DocId,
    why: &'static str,
    lacks: &str,
) -> tantivy::Result<Explanation> {
    let mut scorer = weight.scorer(reader, 1.0)?;
    if scorer.seek(doc) != doc {
        return Err(TantivyError::InvalidArgument(format!(
            "document {doc} {lacks}"
        )));
    }
    Ok(Explanation::new(why, scorer.score()))
}
