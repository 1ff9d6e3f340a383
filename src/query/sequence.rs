//! A word the dictionary splits means the compound: its parts in order and close together.
//!
//! 第三者提供 is 第三者 then 提供; a clause saying 第三者に提供, 第三者への提供 or 第三者（…）に提供 holds it, a clause
//! with 提供先の第三者, 第三者、提供 or 個人情報 … 関連する法令 does not ([`Separators::join`] is the rule). Two
//! parts are one `ja_pairs` term, looked up. More parts must hold each neighbouring pair, and those
//! candidates are checked on the positions of `ja`, which indexes parentheses and breaks as terms of
//! their own ([`Separator`]); a clause being highlighted is checked the same way.

use tantivy::postings::{Postings, SegmentPostings};
use tantivy::query::{BooleanQuery, EnableScoring, Explanation, Query, Scorer, TermQuery, Weight};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocId, DocSet, Score, SegmentReader, TERMINATED, Term};

use super::kept::{self, Check, Kept};
use crate::analysis::Separator;
use crate::analysis::compound::{MAX_SKIP_PARENTHESIS, Separators, pair};

/// Clauses holding `terms` in order, each joined to the one before as [`Separators::join`] says.
#[derive(Clone, Debug)]
pub struct InOrder {
    /// The field with positions, whose analyser indexes [`Separator`]s.
    pub field: Field,
    /// The parts, in order.
    pub terms: Vec<Term>,
    /// The field of the `ja_pairs` terms of `field`'s text, when it has one. Every two neighbouring
    /// parts must then stand there joined, and the pairs score a match; two parts need no other check.
    /// Without it, the parts score.
    pub pairs: Option<Field>,
}

impl InOrder {
    /// Each two neighbouring parts joined, as `ja_pairs` indexes them.
    fn pair_terms(&self, pairs: Field) -> Vec<Term> {
        let text = |term: &Term| term.value().as_str().unwrap_or_default().to_string();
        (self.terms.windows(2))
            .map(|two| Term::from_field_text(pairs, &pair(&text(&two[0]), &text(&two[1]))))
            .collect()
    }
}

impl Query for InOrder {
    fn weight(&self, scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let scored = match self.pairs {
            Some(pairs) => self.pair_terms(pairs),
            None => self.terms.clone(),
        };
        let all: Vec<Box<dyn Query>> = scored
            .into_iter()
            .map(|term| {
                Box::new(TermQuery::new(term, IndexRecordOption::WithFreqs)) as Box<dyn Query>
            })
            .collect();
        if self.pairs.is_some() && self.terms.len() == 2 {
            return BooleanQuery::intersection(all).weight(scoring);
        }
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
        // Most segments hold no candidate of a rare form or of a heading: the positions of its parts
        // and of the separators, seven lists for a form of four words, are then left unread.
        let candidates = self.all.scorer(reader, boost)?;
        if candidates.doc() == TERMINATED {
            return Ok(Box::new(tantivy::query::EmptyScorer));
        }
        let inverted = reader.inverted_index(self.query.field)?;
        let mut postings = Vec::with_capacity(self.query.terms.len());
        for term in &self.query.terms {
            match inverted.read_postings(term, IndexRecordOption::WithFreqsAndPositions)? {
                Some(p) => postings.push(p),
                None => return Ok(Box::new(tantivy::query::EmptyScorer)),
            }
        }
        let mut separators = Vec::with_capacity(Separator::ALL.len());
        for separator in Separator::ALL {
            let term = Term::from_field_text(self.query.field, separator.term());
            separators
                .push(inverted.read_postings(&term, IndexRecordOption::WithFreqsAndPositions)?);
        }
        let check = InOrderCheck {
            postings,
            paired: self.query.pairs.is_some(),
            separators,
            positions: Vec::new(),
            between: Separators::default(),
        };
        Ok(Box::new(Kept::new(candidates, check)))
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
    postings: Vec<SegmentPostings>,
    /// Whether every candidate holds each two neighbouring parts joined (`ja_pairs`).
    paired: bool,
    /// Each [`Separator`]'s postings in this segment, in [`Separator::ALL`]'s order; none where no
    /// clause has it.
    separators: Vec<Option<SegmentPostings>>,
    /// Scratch: each part's positions in the current candidate.
    positions: Vec<Vec<u32>>,
    /// Scratch: the current candidate's separators.
    between: Separators,
}

impl Check for InOrderCheck {
    fn keeps(&mut self, doc: DocId) -> bool {
        // A clause holding each pair joined holds the chain when every middle part stands once in
        // it: both of its pairs join that one. Term frequencies are read without the positions,
        // which cost most of a search for a compound of three words.
        let parts = self.postings.len();
        if self.paired
            && (self.postings[1..parts - 1].iter_mut())
                .all(|p| reaches(p, doc) && p.term_freq() == 1)
        {
            return true;
        }
        self.positions.resize_with(parts, Vec::new);
        for (postings, out) in self.postings.iter_mut().zip(&mut self.positions) {
            out.clear();
            if !positions_at(postings, doc, out) {
                return false;
            }
        }
        // Most compounds stand as written (個人情報): no separator can stand between adjacent parts.
        if follows(&self.positions, |earlier, next| next == earlier + 1) {
            return true;
        }
        // Most other candidates hold the parts far apart: the separators (a comma is in nearly every
        // clause) are read only for parts close enough to join.
        if !follows(&self.positions, |_, _| true) {
            return false;
        }
        for (separator, postings) in Separator::ALL.into_iter().zip(&mut self.separators) {
            let list = self.between.list(separator);
            list.clear();
            if let Some(postings) = postings {
                positions_at(postings, doc, list);
            }
        }
        let between = &self.between;
        follows(&self.positions, |earlier, next| between.join(earlier, next))
    }
}

/// Moves `postings` on to `doc` (never back), and tells whether `doc` holds the term.
pub(super) fn reaches(postings: &mut SegmentPostings, doc: DocId) -> bool {
    if postings.doc() < doc {
        postings.seek(doc);
    }
    postings.doc() == doc
}

/// Reads `postings`' positions in `doc` into `out`; false when `doc` does not hold the term.
fn positions_at(postings: &mut SegmentPostings, doc: DocId, out: &mut Vec<u32>) -> bool {
    if !reaches(postings, doc) {
        return false;
    }
    postings.positions(out);
    true
}

/// Whether some occurrence of each part stands after one of the part before and `joins` it.
pub fn follows(positions: &[Vec<u32>], joins: impl Fn(u32, u32) -> bool + Copy) -> bool {
    fn from(positions: &[Vec<u32>], at: u32, joins: impl Fn(u32, u32) -> bool + Copy) -> bool {
        let Some((next, rest)) = positions.split_first() else {
            return true;
        };
        let first = next.partition_point(|&p| p <= at);
        next[first..]
            .iter()
            .take_while(|&&p| p - at - 1 <= MAX_SKIP_PARENTHESIS)
            .any(|&p| joins(at, p) && from(rest, p, joins))
    }
    let Some((first, rest)) = positions.split_first() else {
        return false;
    };
    first.iter().any(|&p| from(rest, p, joins))
}

/// Byte spans of `text` where `parts` (terms of the `ja` analyser, which made `analysed` from `text`)
/// stand in order, each joined to the one before as in the index ([`Separators::join`]).
pub fn in_order_spans(analysed: &[crate::analysis::Term], parts: &[String]) -> Vec<(usize, usize)> {
    let separators = Separators::of(analysed);
    let positions: Vec<Vec<u32>> = parts
        .iter()
        .map(|part| {
            analysed
                .iter()
                .filter(|t| &t.text == part)
                .map(|t| t.position as u32)
                .collect()
        })
        .collect();
    let Some((first, _)) = positions.split_first() else {
        return Vec::new();
    };
    let span_of = |position: u32, part: &String| {
        analysed
            .iter()
            .find(|t| t.position as u32 == position && &t.text == part)
    };
    let mut spans = Vec::new();
    for &start in first {
        if let Some(end) = last_of_chain(&positions[1..], start, &separators) {
            let first_term = span_of(start, &parts[0]);
            let last_term = span_of(end, &parts[parts.len() - 1]);
            if let (Some(first_term), Some(last_term)) = (first_term, last_term) {
                spans.push((first_term.start, last_term.end));
            }
        }
    }
    spans
}

/// The position of the last part when `later` parts follow a part at `at`, trying the nearest first.
fn last_of_chain(later: &[Vec<u32>], at: u32, separators: &Separators) -> Option<u32> {
    let Some((next, rest)) = later.split_first() else {
        return Some(at);
    };
    let first = next.partition_point(|&p| p <= at);
    next[first..]
        .iter()
        .take_while(|&&p| p - at - 1 <= MAX_SKIP_PARENTHESIS)
        .filter(|&&p| separators.join(at, p))
        .find_map(|&p| last_of_chain(rest, p, separators))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::Analyzer;

    fn adjacent_or_close(positions: &[Vec<u32>]) -> bool {
        let none = Separators::default();
        follows(positions, |a, b| none.join(a, b))
    }

    #[test]
    fn parts_in_order_and_close_follow() {
        assert!(adjacent_or_close(&[vec![0], vec![1]]));
        assert!(adjacent_or_close(&[vec![0], vec![3]]), "第三者への提供");
        assert!(!adjacent_or_close(&[vec![5], vec![1]]), "提供先の第三者");
        assert!(!adjacent_or_close(&[vec![0], vec![20]]));
        // The best middle part counts, not the nearest.
        assert!(adjacent_or_close(&[vec![0], vec![1, 3], vec![6]]));
        assert!(!adjacent_or_close(&[vec![0], vec![], vec![1]]));
    }

    /// Whether `parts` stand in order in `text`, as the analyser and the index see it.
    fn holds(text: &str, parts: &[&str]) -> bool {
        let parts: Vec<String> = parts.iter().map(|p| p.to_string()).collect();
        !in_order_spans(&Analyzer::Ja.analyze(text, false), &parts).is_empty()
    }

    #[test]
    fn a_parenthetical_may_stand_between_a_break_may_not() {
        let parts = ["第三者", "提供"];
        assert!(holds(
            "第三者（当社の子会社を含みます。）に提供します",
            &parts
        ));
        assert!(holds("第三者への提供", &parts));
        assert!(holds("第三者に提供", &parts));
        let four = ["第三者", "個人", "情報", "提供"];
        assert!(holds(
            "第三者（外国にある者を含む。）に個人情報を提供",
            &four
        ));
        assert!(!holds("第三者、個人情報、提供", &four));
        assert!(!holds("第三者の定める方針に従い、当社は提供します", &parts));
        assert!(!holds("提供先の第三者", &parts));
        assert!(!holds("第三者。提供", &parts));
        assert!(!holds("第三者（未完の括弧に提供", &parts));
        assert!(!holds("第三者（注）の情報を提供", &parts));
        assert!(
            !holds("第三者（当社）、提供", &parts),
            "a break after the parenthetical"
        );
        assert!(holds("第三者（当社。）に提供", &parts), "a break inside it");
    }

    #[test]
    fn a_span_runs_from_the_first_part_to_the_last() {
        let text = "当社は第三者（委託先を除く。）に提供しません。";
        let parts = ["第三者".to_string(), "提供".to_string()];
        let spans = in_order_spans(&Analyzer::Ja.analyze(text, false), &parts);
        assert_eq!(spans.len(), 1);
        let (start, end) = spans[0];
        assert_eq!(&text[start..end], "第三者（委託先を除く。）に提供");
    }
}
