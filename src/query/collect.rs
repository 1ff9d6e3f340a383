//! One pass over the matches gathers all a search answers: the best hits, how many there are, and
//! the facet counts of the whole result set.
//!
//! Facet values are read in blocks of documents, which tantivy's columns answer far faster than one
//! document at a time; the facet dictionary is read once per segment, for the values counted only.

use std::collections::BTreeMap;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::StrColumn;
use tantivy::{DocAddress, DocId, Score, SegmentOrdinal, SegmentReader};

use super::FacetCounts;
use crate::index::FACETS;

/// Documents whose facet values are read together.
const BLOCK: usize = 1024;

/// What one pass over the matches yields.
pub struct Results {
    /// The best hits, best first.
    pub top: Vec<(Score, DocAddress)>,
    /// How many clauses match.
    pub total: usize,
    /// Per facet name, its values' counts, largest first.
    pub facets: BTreeMap<String, FacetCounts>,
}

/// Collects [`Results`]; `top` is the collector that ranks the best hits.
pub struct ResultsCollector<T> {
    /// Ranks the best hits.
    pub top: T,
}

impl<T> Collector for ResultsCollector<T>
where
    T: Collector<Fruit = Vec<(Score, DocAddress)>>,
{
    type Fruit = Results;
    type Child = SegmentResults<T::Child>;

    fn for_segment(
        &self,
        ordinal: SegmentOrdinal,
        segment: &SegmentReader,
    ) -> tantivy::Result<Self::Child> {
        let mut facets = Vec::with_capacity(FACETS.len());
        for name in FACETS {
            let column = segment.fast_fields().str(name)?;
            let counts = vec![0; column.as_ref().map_or(0, |c| c.num_terms())];
            facets.push(FacetColumn {
                column,
                counts,
                docs: Vec::new(),
                rows: Vec::new(),
                values: Vec::new(),
            });
        }
        Ok(SegmentResults {
            top: self.top.for_segment(ordinal, segment)?,
            total: 0,
            block: Vec::with_capacity(BLOCK),
            facets,
        })
    }

    fn requires_scoring(&self) -> bool {
        self.top.requires_scoring()
    }

    fn merge_fruits(&self, fruits: Vec<SegmentFruit<T::Child>>) -> tantivy::Result<Results> {
        let mut tops = Vec::with_capacity(fruits.len());
        let mut total = 0;
        let mut merged: Vec<Vec<(String, u64)>> = vec![Vec::new(); FACETS.len()];
        for (top, n, facets) in fruits {
            tops.push(top);
            total += n;
            for (counts, values) in merged.iter_mut().zip(facets) {
                *counts = merge_sorted(std::mem::take(counts), values);
            }
        }
        let facets = FACETS
            .iter()
            .zip(merged)
            .map(|(name, mut values)| {
                values.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
                (name.to_string(), values)
            })
            .collect();
        Ok(Results {
            top: self.top.merge_fruits(tops)?,
            total,
            facets,
        })
    }
}

/// Adds two lists of (value, count) sorted by value, as every segment's dictionary lists them: a
/// walk down both, with no hashing of thousands of company names.
fn merge_sorted(a: Vec<(String, u64)>, b: Vec<(String, u64)>) -> Vec<(String, u64)> {
    if a.is_empty() {
        return b;
    }
    let mut out = Vec::with_capacity(a.len().max(b.len()));
    let (mut a, mut b) = (a.into_iter().peekable(), b.into_iter().peekable());
    loop {
        let next = match (a.peek(), b.peek()) {
            (Some(x), Some(y)) => match x.0.cmp(&y.0) {
                std::cmp::Ordering::Less => a.next(),
                std::cmp::Ordering::Greater => b.next(),
                std::cmp::Ordering::Equal => {
                    let (value, n) = a.next().expect("peeked");
                    let m = b.next().expect("peeked").1;
                    Some((value, n + m))
                }
            },
            (Some(_), None) => a.next(),
            (None, Some(_)) => b.next(),
            (None, None) => return out,
        };
        out.extend(next);
    }
}

type SegmentFruit<C> = (
    <C as SegmentCollector>::Fruit,
    usize,
    Vec<Vec<(String, u64)>>,
);

/// [`ResultsCollector`] within one segment.
pub struct SegmentResults<C> {
    top: C,
    total: usize,
    /// Matches whose facet values are not yet counted.
    block: Vec<DocId>,
    facets: Vec<FacetColumn>,
}

/// One facet's column in a segment, with counts per value ordinal and reusable buffers.
struct FacetColumn {
    column: Option<StrColumn>,
    counts: Vec<u64>,
    docs: Vec<DocId>,
    rows: Vec<u32>,
    values: Vec<u64>,
}

impl FacetColumn {
    fn count(&mut self, block: &[DocId]) {
        let Some(column) = &self.column else { return };
        let ords = column.ords();
        self.docs.clear();
        self.rows.clear();
        ords.row_ids_for_docs(block, &mut self.docs, &mut self.rows);
        self.values.resize(self.rows.len(), 0);
        ords.values.get_vals(&self.rows, &mut self.values);
        for &ord in &self.values {
            if let Some(n) = self.counts.get_mut(ord as usize) {
                *n += 1;
            }
        }
    }

    /// The counted values, by name.
    fn harvest(self) -> Vec<(String, u64)> {
        let Some(column) = self.column else {
            return Vec::new();
        };
        let ords: Vec<u64> = (0..self.counts.len() as u64)
            .filter(|&o| self.counts[o as usize] > 0)
            .collect();
        let mut values = Vec::with_capacity(ords.len());
        let mut counts = ords.iter().map(|&o| self.counts[o as usize]);
        let _ = column.dictionary().sorted_ords_to_term_cb(&ords, |bytes| {
            let n = counts.next().unwrap_or(0);
            if let Some(value) = facet_value(bytes) {
                values.push((value, n));
            }
        });
        values
    }
}

/// A facet as its dictionary stores it (the parts of its path joined by NUL) as the value users see.
pub fn facet_value(encoded: &[u8]) -> Option<String> {
    std::str::from_utf8(encoded)
        .ok()
        .map(|v| v.replace('\0', "/"))
}

impl<C: SegmentCollector> SegmentResults<C> {
    fn count_block(&mut self) {
        for facet in &mut self.facets {
            facet.count(&self.block);
        }
        self.block.clear();
    }
}

impl<C: SegmentCollector> SegmentCollector for SegmentResults<C> {
    type Fruit = SegmentFruit<C>;

    fn collect(&mut self, doc: DocId, score: Score) {
        self.top.collect(doc, score);
        self.total += 1;
        self.block.push(doc);
        if self.block.len() == BLOCK {
            self.count_block();
        }
    }

    fn harvest(mut self) -> Self::Fruit {
        self.count_block();
        let facets = self.facets.into_iter().map(FacetColumn::harvest).collect();
        (self.top.harvest(), self.total, facets)
    }
}
