//! Closer words rank higher: the best hits are rescored by how near a query's words stand.
//!
//! Matching and counting need no positions; reading them for every match of a common word cost more
//! than the rest of a search. So, like Elasticsearch's phrase rescoring, only the top of the ranking is
//! rescored, which is all a page of results shows.

use tantivy::postings::Postings;
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocAddress, DocSet, Score, Searcher, Term};

/// How many of the best hits are rescored.
pub const WINDOW: usize = 200;

/// Words more than this many positions out of place earn no bonus.
const MAX_GAP: u32 = 8;

/// The words of a query, per field, whose nearness to each other raises a hit's score.
#[derive(Debug, Clone, Default)]
pub struct Nearness {
    /// Each group: a field and its terms with their offsets in the query word.
    groups: Vec<(Field, Vec<(u32, Term)>)>,
}

impl Nearness {
    /// Adds one word's terms (offset, term) in `field`; single terms have no nearness to measure.
    pub fn add(&mut self, field: Field, terms: Vec<(u32, Term)>) {
        if terms.len() > 1 {
            self.groups.push((field, terms));
        }
    }

    /// Raises the score of each of the first [`WINDOW`] hits by how near each group's terms stand
    /// (×2 for one group in sequence, less the further apart; groups add up), and sorts them again.
    pub fn rescore(
        &self,
        searcher: &Searcher,
        hits: &mut [(Score, DocAddress)],
    ) -> tantivy::Result<()> {
        let window = hits.len().min(WINDOW);
        let hits = &mut hits[..window];
        if self.groups.is_empty() || hits.is_empty() {
            hits.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
            return Ok(());
        }
        // Postings move forward only: visit each segment's hits in document order.
        let mut order: Vec<usize> = (0..hits.len()).collect();
        order.sort_by_key(|&i| hits[i].1);
        let mut bonus = vec![0.0f32; hits.len()];
        let mut positions: Vec<Vec<u32>> = Vec::new();
        for chunk in order.chunk_by(|&a, &b| hits[a].1.segment_ord == hits[b].1.segment_ord) {
            let reader = searcher.segment_reader(hits[chunk[0]].1.segment_ord);
            for (field, terms) in &self.groups {
                let inverted = reader.inverted_index(*field)?;
                let mut postings = Vec::with_capacity(terms.len());
                for (_, term) in terms {
                    postings.push(
                        inverted.read_postings(term, IndexRecordOption::WithFreqsAndPositions)?,
                    );
                }
                let offsets: Vec<u32> = terms.iter().map(|(o, _)| *o).collect();
                positions.resize_with(terms.len(), Vec::new);
                for &i in chunk {
                    let doc = hits[i].1.doc_id;
                    let mut all_present = true;
                    for (p, out) in postings.iter_mut().zip(positions.iter_mut()) {
                        out.clear();
                        let found = match p {
                            Some(p) => p.doc() <= doc && p.seek(doc) == doc,
                            None => false,
                        };
                        match p {
                            Some(p) if found => p.positions(out),
                            _ => all_present = false,
                        }
                    }
                    if all_present && let Some(gap) = smallest_gap(&offsets, &positions) {
                        bonus[i] += 1.0 / (1.0 + gap as f32);
                    }
                }
            }
        }
        for (hit, bonus) in hits.iter_mut().zip(bonus) {
            hit.0 *= 1.0 + bonus;
        }
        hits.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        Ok(())
    }
}

/// The least total displacement of the terms from their places in the query word, anchored at any
/// occurrence of the first term; `None` when they never come within [`MAX_GAP`].
fn smallest_gap(offsets: &[u32], positions: &[Vec<u32>]) -> Option<u32> {
    let mut best: Option<u32> = None;
    for &anchor in &positions[0] {
        let mut gap = 0u32;
        for (offset, found) in offsets.iter().zip(positions).skip(1) {
            let want = anchor.saturating_add(offset - offsets[0]);
            // Positions are sorted: the nearest is at or just before where `want` would go, so a clause
            // repeating a word a hundred thousand times costs a binary search per occurrence.
            let at = found.partition_point(|&p| p < want);
            let nearest = [at.checked_sub(1), Some(at)]
                .into_iter()
                .flatten()
                .filter_map(|i| found.get(i))
                .map(|&p| p.abs_diff(want))
                .min()
                .unwrap_or(u32::MAX);
            gap = gap.saturating_add(nearest);
        }
        if gap <= MAX_GAP && best.is_none_or(|b| gap < b) {
            best = Some(gap);
            if gap == 0 {
                break;
            }
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::smallest_gap;

    #[test]
    fn words_in_sequence_have_no_gap() {
        assert_eq!(smallest_gap(&[0, 1], &[vec![3, 10], vec![11]]), Some(0));
    }

    #[test]
    fn words_apart_have_their_distance() {
        // 第三者 [0] への [-] 提供 [2]: the query wants 提供 right after 第三者.
        assert_eq!(smallest_gap(&[0, 1], &[vec![0], vec![2]]), Some(1));
        assert_eq!(smallest_gap(&[0, 1], &[vec![0], vec![40]]), None);
    }

    #[test]
    fn a_word_repeated_a_hundred_thousand_times_is_quick() {
        let many: Vec<u32> = (0..200_000).map(|i| i * 2).collect();
        let far: Vec<u32> = many.iter().map(|p| p + 1_000_001).collect();
        assert_eq!(smallest_gap(&[0, 1], &[many.clone(), far]), None);
        assert_eq!(smallest_gap(&[0, 1], &[many.clone(), many]), Some(1));
    }

    #[test]
    fn the_best_anchor_counts() {
        assert_eq!(
            smallest_gap(&[0, 1, 2], &[vec![0, 20], vec![5, 21], vec![22]]),
            Some(0)
        );
    }
}
