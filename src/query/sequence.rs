//! A word the dictionary splits means the compound: its parts in order and close together.
//!
//! 第三者提供 is 第三者 then 提供; a clause saying 第三者に提供, 第三者への提供 or 第三者（…）に提供 holds it, a clause
//! with 提供先の第三者 or 個人情報 … 関連する法令 does not. Only candidates (clauses holding every part)
//! have their positions read, so a search costs no more per clause of the corpus than before.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use tantivy::index::SegmentId;
use tantivy::postings::{Postings, SegmentPostings};
use tantivy::query::{BooleanQuery, EnableScoring, Explanation, Query, Scorer, TermQuery, Weight};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::store::StoreReader;
use tantivy::{DocId, DocSet, Score, SegmentReader, Term};

use super::kept::{self, Check, Kept};

/// Most positions between two parts: particles the analyser drops leave a gap each (第三者 [へ の] 提供
/// is two); three let a word in too (第三者提供記録の開示 is not 第三者への開示).
pub const MAX_SKIP: u32 = 2;

/// Most positions between two parts when a parenthetical stands between them (第三者（当社の子会社を含み
/// ます。）に提供): the clause text is read to see that it is one.
pub const MAX_SKIP_PARENTHESIS: u32 = 40;

/// Clauses holding `terms` in order, each within [`MAX_SKIP`] positions of the one before, or with a
/// parenthetical between; scored as all of the terms.
#[derive(Clone, Debug)]
pub struct InOrder {
    /// The field with positions.
    pub field: Field,
    /// The parts, in order.
    pub terms: Vec<Term>,
    /// The parts as text, for the parenthetical check.
    pub parts: Vec<String>,
    /// Where the clause text is stored, to check a parenthetical; none means no such check.
    pub text: Option<TextSource>,
}

/// How to read a clause's text from the store: the stored JSON field holding it.
#[derive(Clone, Debug)]
pub struct TextSource {
    /// The stored field with the clause as JSON.
    pub json: Field,
    /// The texts lately read, shared by every part of one query.
    pub recent: Arc<ClauseTexts>,
}

/// Clause texts lately read from the store for the parenthetical check, shared by the alternatives of
/// one query: a word's synonyms are scored side by side, clause by clause, and each alternative read
/// and decompressed the same clause again (a third of a search for 第三者提供).
#[derive(Default)]
pub struct ClauseTexts {
    recent: Mutex<VecDeque<Recent>>,
    /// One store reader per segment, so that a block of the store is decompressed once, not once per
    /// alternative.
    stores: Mutex<Vec<(SegmentId, Arc<StoreReader>)>>,
}

impl std::fmt::Debug for ClauseTexts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ClauseTexts")
    }
}

/// A clause lately read, by segment and document, with its text if it had one.
type Recent = (SegmentId, DocId, Option<Arc<ClauseText>>);

/// A clause's text as stored, and normalised as the analysers see it.
#[derive(Debug)]
struct ClauseText {
    raw: String,
    normalized: String,
}

/// Decompressed store blocks kept per segment: the parts of a query read clauses in order, so a few do.
const STORE_BLOCKS: usize = 4;

/// How many texts [`ClauseTexts`] keeps: the alternatives of a query stand on the same clause at once.
const RECENT_TEXTS: usize = 16;

impl ClauseTexts {
    /// The store reader of `reader`'s segment, shared by every part of the query.
    fn store(&self, reader: &SegmentReader) -> tantivy::Result<Arc<StoreReader>> {
        let mut stores = self.stores.lock().unwrap_or_else(|e| e.into_inner());
        let segment = reader.segment_id();
        if let Some((_, store)) = stores.iter().find(|(s, _)| *s == segment) {
            return Ok(store.clone());
        }
        let store = Arc::new(reader.get_store_reader(STORE_BLOCKS)?);
        stores.push((segment, store.clone()));
        Ok(store)
    }

    /// The text of clause `doc` of `segment`, from those lately read or else by `load`.
    fn get(
        &self,
        segment: SegmentId,
        doc: DocId,
        load: impl FnOnce() -> Option<String>,
    ) -> Option<Arc<ClauseText>> {
        let mut recent = self.recent.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((_, _, text)) = recent.iter().find(|(s, d, _)| (*s, *d) == (segment, doc)) {
            return text.clone();
        }
        let text = load().map(|raw| {
            Arc::new(ClauseText {
                normalized: crate::analysis::normalize::Normalized::new(&raw).text,
                raw,
            })
        });
        if recent.len() == RECENT_TEXTS {
            recent.pop_front();
        }
        recent.push_back((segment, doc, text.clone()));
        text
    }
}

impl Query for InOrder {
    fn weight(&self, scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let all = self
            .terms
            .iter()
            .map(|term| {
                Box::new(TermQuery::new(term.clone(), IndexRecordOption::WithFreqs))
                    as Box<dyn Query>
            })
            .collect();
        Ok(Box::new(InOrderWeight {
            all: BooleanQuery::intersection(all).weight(scoring)?,
            query: self.clone(),
        }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        for term in &self.terms {
            visitor(term, true);
        }
    }
}

struct InOrderWeight {
    all: Box<dyn Weight>,
    query: InOrder,
}

impl Weight for InOrderWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let inverted = reader.inverted_index(self.query.field)?;
        let mut postings = Vec::with_capacity(self.query.terms.len());
        for term in &self.query.terms {
            match inverted.read_postings(term, IndexRecordOption::WithFreqsAndPositions)? {
                Some(p) => postings.push(p),
                None => return Ok(Box::new(tantivy::query::EmptyScorer)),
            }
        }
        let store = match &self.query.text {
            Some(source) => Some((source.recent.store(reader)?, source.clone())),
            None => None,
        };
        let check = InOrderCheck {
            segment: reader.segment_id(),
            postings,
            positions: Vec::new(),
            store,
            parts: self.query.parts.clone(),
        };
        Ok(Box::new(Kept::new(self.all.scorer(reader, boost)?, check)))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        kept::explain(
            self,
            reader,
            doc,
            "the parts in order",
            "does not hold the parts in order",
        )
    }
}

/// Whether a candidate (a clause holding every part) holds them in order.
struct InOrderCheck {
    segment: SegmentId,
    postings: Vec<SegmentPostings>,
    /// Scratch: each part's positions in the current candidate.
    positions: Vec<Vec<u32>>,
    store: Option<(Arc<StoreReader>, TextSource)>,
    parts: Vec<String>,
}

impl Check for InOrderCheck {
    fn keeps(&mut self, doc: DocId) -> bool {
        self.positions.resize_with(self.postings.len(), Vec::new);
        for (postings, out) in self.postings.iter_mut().zip(&mut self.positions) {
            if postings.doc() < doc {
                postings.seek(doc);
            }
            out.clear();
            if postings.doc() != doc {
                return false;
            }
            postings.positions(out);
        }
        if follows(&self.positions, MAX_SKIP) {
            return true;
        }
        // Only a clause with the parts in order a little further apart is read, to see whether what
        // stands between them is a parenthetical.
        let Some((store, source)) = &self.store else {
            return false;
        };
        if !follows(&self.positions, MAX_SKIP_PARENTHESIS) {
            return false;
        }
        let load = || {
            use tantivy::schema::document::Value;
            let stored = store.get::<tantivy::TantivyDocument>(doc).ok()?;
            let json = stored.get_first(source.json)?.as_str()?;
            let clause = serde_json::from_str::<serde_json::Value>(json).ok()?;
            clause["text"].as_str().map(str::to_string)
        };
        let Some(text) = source.recent.get(self.segment, doc, load) else {
            return false;
        };
        // Analysing the clause again cost half of a search for 第三者提供: the parts are first looked
        // for as written, and only a part the text never spells so (a verb's dictionary form) needs
        // the analyser.
        if self
            .parts
            .iter()
            .all(|part| text.normalized.contains(part.as_str()))
        {
            return parenthesised_in_order(&text.normalized, &self.parts);
        }
        let analysed = crate::analysis::Analyzer::Ja.analyze(&text.raw, false);
        !in_order_spans(&text.raw, &analysed, &self.parts).is_empty()
    }
}

/// Whether `parts`, each spelt as in `text`, stand in order, each next to the one before, a few
/// particles (kana) after it, or after one parenthetical: as [`in_order_spans`] finds them, without
/// analysing the text.
fn parenthesised_in_order(text: &str, parts: &[String]) -> bool {
    fn from(text: &str, at: usize, parts: &[String]) -> bool {
        let Some((part, later)) = parts.split_first() else {
            return true;
        };
        text[at..].match_indices(part.as_str()).any(|(i, _)| {
            let start = at + i;
            let between = &text[at..start];
            let particles = between.chars().count() <= MAX_SKIP as usize + 1
                && between.chars().all(|c| ('ぁ'..='ゖ').contains(&c));
            (particles || close_after_parenthesis(between)) && from(text, start + part.len(), later)
        })
    }
    let Some((first, later)) = parts.split_first() else {
        return false;
    };
    text.match_indices(first.as_str())
        .any(|(i, _)| from(text, i + first.len(), later))
}

/// Whether some occurrence of each part follows one of the part before within `max_skip` positions.
pub fn follows(positions: &[Vec<u32>], max_skip: u32) -> bool {
    fn from(positions: &[Vec<u32>], at: u32, max_skip: u32) -> bool {
        let Some((next, rest)) = positions.split_first() else {
            return true;
        };
        let first = next.partition_point(|&p| p <= at);
        next[first..]
            .iter()
            .take_while(|&&p| p - at - 1 <= max_skip)
            .any(|&p| from(rest, p, max_skip))
    }
    let Some((first, rest)) = positions.split_first() else {
        return false;
    };
    first.iter().any(|&p| from(rest, p, max_skip))
}

/// Byte spans of `text` where `parts` (terms of the `ja` analyser, which made `analysed` from `text`)
/// stand in order, each within [`MAX_SKIP`] positions of the one before or after a parenthetical.
pub fn in_order_spans(
    text: &str,
    analysed: &[crate::analysis::Term],
    parts: &[String],
) -> Vec<(usize, usize)> {
    fn rest(
        text: &str,
        analysed: &[crate::analysis::Term],
        parts: &[String],
        previous: &crate::analysis::Term,
    ) -> Option<usize> {
        let Some((part, later)) = parts.split_first() else {
            return Some(previous.end);
        };
        analysed
            .iter()
            .filter(|t| t.position > previous.position && &t.text == part)
            .take_while(|t| (t.position - previous.position - 1) as u32 <= MAX_SKIP_PARENTHESIS)
            .filter(|t| {
                (t.position - previous.position - 1) as u32 <= MAX_SKIP
                    || close_after_parenthesis(&text[previous.end..t.start.max(previous.end)])
            })
            .find_map(|t| rest(text, analysed, later, t))
    }
    let Some((first, later)) = parts.split_first() else {
        return Vec::new();
    };
    analysed
        .iter()
        .filter(|t| &t.text == first)
        .filter_map(|t| Some((t.start, rest(text, analysed, later, t)?)))
        .collect()
}

/// Whether `between` is one parenthetical, with at most a few characters (particles) around it.
pub fn close_after_parenthesis(between: &str) -> bool {
    let mut depth = 0u32;
    let mut outside = 0usize;
    let mut parenthesised = false;
    for c in between.chars() {
        match c {
            '（' | '(' => {
                depth += 1;
                parenthesised = true;
            }
            '）' | ')' => depth = depth.saturating_sub(1),
            _ if depth == 0 => {
                // Running text outside the parenthetical ends the compound: a sentence, a comma.
                if matches!(c, '。' | '、' | '，' | '．' | '\n') {
                    return false;
                }
                outside += 1;
            }
            _ => {}
        }
    }
    parenthesised && depth == 0 && outside <= MAX_SKIP as usize + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_in_order_and_close_follow() {
        assert!(follows(&[vec![0], vec![1]], MAX_SKIP));
        assert!(follows(&[vec![0], vec![3]], MAX_SKIP), "第三者への提供");
        assert!(!follows(&[vec![5], vec![1]], MAX_SKIP), "提供先の第三者");
        assert!(!follows(&[vec![0], vec![20]], MAX_SKIP));
        // The best middle part counts, not the nearest.
        assert!(follows(&[vec![0], vec![1, 3], vec![6]], MAX_SKIP));
        assert!(!follows(&[vec![0], vec![], vec![1]], MAX_SKIP));
    }

    #[test]
    fn parts_as_written_with_a_parenthetical_between() {
        let parts = ["第三者".to_string(), "提供".to_string()];
        assert!(parenthesised_in_order(
            "第三者（当社の子会社を含みます。）に提供します",
            &parts
        ));
        assert!(parenthesised_in_order("第三者への提供", &parts));
        let four = ["第三者", "個人", "情報", "提供"].map(String::from);
        assert!(parenthesised_in_order(
            "第三者（外国にある者を含む。）に個人情報を提供",
            &four
        ));
        assert!(!parenthesised_in_order("第三者、個人情報、提供", &four));
        assert!(!parenthesised_in_order(
            "第三者の定める方針に従い、当社は提供します",
            &parts
        ));
        assert!(!parenthesised_in_order("提供先の第三者", &parts));
    }

    #[test]
    fn a_parenthetical_may_stand_between() {
        assert!(close_after_parenthesis("（当社の子会社を含みます。）に"));
        assert!(!close_after_parenthesis("に関する法令。また、"));
        assert!(!close_after_parenthesis("（未完"));
    }
}
