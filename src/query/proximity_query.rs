//! A proximity chain as a tantivy query: clauses holding every operand, kept only where the operands
//! stand as the operators require.
//!
//! Sentences are not indexed, and an operand may be a compound, a phrase or a synonym, so each
//! candidate's text is read and analysed as a highlight is: slower than positions alone, but the same
//! answer the highlights show. Only candidates are read, and a kept clause is a match for the counts
//! and facets too, as [`super::sequence::InOrder`] keeps its compounds.

use serde::Deserialize;
use tantivy::query::{BooleanQuery, EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::schema::Field;
use tantivy::{DocId, Score, SegmentReader, Term};

use super::kept::{self, Check, Kept};
use super::pattern::Analysed;
use super::proximity::Near;
use crate::classify::Lang;

/// Clauses holding every operand where they stand as `near` requires; scored as all the operands.
#[derive(Clone, Debug)]
pub struct ProximityQuery {
    /// Every operand's query, intersected.
    pub operands: BooleanQuery,
    /// What satisfies each operand in the text, and the operators.
    pub near: Near,
    /// The stored field with the clause as JSON.
    pub json: Field,
}

impl Query for ProximityQuery {
    fn weight(&self, scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let all = self.operands.weight(scoring)?;
        Ok(Box::new(ProximityWeight {
            all,
            near: self.near.clone(),
            json: self.json,
        }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        self.operands.query_terms(visitor);
    }
}

struct ProximityWeight {
    all: Box<dyn Weight>,
    near: Near,
    json: Field,
}

impl Weight for ProximityWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let check = ProximityCheck {
            store: reader.get_store_reader(1)?,
            near: self.near.clone(),
            json: self.json,
        };
        Ok(Box::new(Kept::new(self.all.scorer(reader, boost)?, check)))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        kept::explain(
            self,
            reader,
            doc,
            "the operands, standing as required",
            "does not hold the operands as the operators require",
        )
    }
}

/// Whether a candidate (a clause holding every operand) holds them as the operators require.
struct ProximityCheck {
    store: tantivy::store::StoreReader,
    near: Near,
    json: Field,
}

/// What a stored clause holds that the check reads.
#[derive(Deserialize)]
struct StoredClause {
    text: String,
    lang: Lang,
}

impl Check for ProximityCheck {
    fn keeps(&mut self, doc: DocId) -> bool {
        use tantivy::schema::document::Value;
        let Ok(stored) = self.store.get::<tantivy::TantivyDocument>(doc) else {
            return false;
        };
        let Some(clause) = stored
            .get_first(self.json)
            .and_then(|v| v.as_str())
            .and_then(|json| serde_json::from_str::<StoredClause>(json).ok())
        else {
            return false;
        };
        self.near
            .holds(&mut Analysed::new(&clause.text, clause.lang))
    }
}
