//! One query word through every field that may hold it, scored by the most exact field that does.
//!
//! A word is looked for as words (`ja`, `en`), as readings (`ja_reading`), and as a substring through
//! bigrams (空港 inside 関西国際空港). A clause scores by the first of these that matches it, in that
//! order: adding up every field's BM25 scored each clause three times over for the same word, a third
//! of a search for a common one, and ranked no differently where words match at all.
//!
//! A phrase of bigrams is the exact substring, but checking positions in every clause that holds all
//! the bigrams cost more than the rest of a search. A clause that a word field already matches is a hit
//! whatever its bigrams say, so only the others need the check.

use tantivy::fieldnorm::FieldNormReader;
use tantivy::postings::{Postings, SegmentPostings};
use tantivy::query::{Bm25Weight, BoostQuery, EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocId, DocSet, Score, SegmentReader, TERMINATED, TantivyError, Term};

use super::sequence::reaches;

/// Clauses that any tier matches, or that hold the bigrams of one of `substrings` in sequence;
/// scored by the first tier that matches, else by the first such substring's BM25 times its weight.
#[derive(Clone, Debug)]
pub struct WordQuery {
    /// The word in each word field, boosted, most exact first.
    tiers: Vec<BoostQuery>,
    /// The word's own string, and the strings of other forms with the same words (see
    /// [`WordQuery::take_strings`]).
    substrings: Vec<Bigrams>,
}

/// A word's bigrams in one field, and how much a match through them weighs.
#[derive(Clone, Debug)]
pub struct Bigrams {
    /// The bigram field.
    pub field: Field,
    /// Each bigram with its offset from the first.
    pub terms: Vec<(u32, Term)>,
    /// The boost of a match.
    pub weight: f32,
}

impl WordQuery {
    /// The word as `tiers` (a query and its weight each; the heaviest is the most exact and is tried
    /// first) and, when it spans more than one bigram, as the `substring` of its bigrams.
    pub fn new(mut tiers: Vec<(Box<dyn Query>, f32)>, substring: Option<Bigrams>) -> WordQuery {
        tiers.sort_by(|a, b| b.1.total_cmp(&a.1));
        WordQuery {
            tiers: tiers
                .into_iter()
                .map(|(query, weight)| BoostQuery::new(query, weight))
                .collect(),
            substrings: substring.into_iter().collect(),
        }
    }

    /// Whether only strings are looked for, no words.
    pub fn is_string_only(&self) -> bool {
        self.tiers.is_empty()
    }

    /// Looks for `other`'s strings too, their weight scaled by `scale`: a synonym form with the same
    /// words in order (第三者に対して提供 beside 第三者提供) is new only by its string, which needs no
    /// check where the words match.
    pub fn take_strings(&mut self, other: WordQuery, scale: f32) {
        let scaled = other.substrings.into_iter().map(|mut bigrams| {
            bigrams.weight *= scale;
            bigrams
        });
        self.substrings.extend(scaled);
    }
}

impl Query for WordQuery {
    fn weight(&self, scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let mut tiers = Vec::with_capacity(self.tiers.len());
        for tier in &self.tiers {
            tiers.push(tier.weight(scoring)?);
        }
        // Each bigram scores a match by its BM25, as a term query would; the statistics are read
        // here, once for every segment.
        let mut substrings = Vec::with_capacity(self.substrings.len());
        for bigrams in &self.substrings {
            substrings.push(SubstringWeight {
                bm25: match scoring {
                    EnableScoring::Enabled {
                        statistics_provider,
                        ..
                    } => (bigrams.terms.iter())
                        .map(|(_, term)| {
                            Bm25Weight::for_terms(statistics_provider, std::slice::from_ref(term))
                        })
                        .collect::<tantivy::Result<_>>()?,
                    EnableScoring::Disabled { .. } => Vec::new(),
                },
                bigrams: bigrams.clone(),
            });
        }
        Ok(Box::new(WordWeight { tiers, substrings }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        for tier in &self.tiers {
            tier.query_terms(visitor);
        }
        for (_, term) in self.substrings.iter().flat_map(|b| &b.terms) {
            visitor(term, true);
        }
    }
}

struct WordWeight {
    tiers: Vec<Box<dyn Weight>>,
    substrings: Vec<SubstringWeight>,
}

/// The substring's bigrams and, when scoring, each one's BM25 over the whole index.
struct SubstringWeight {
    bigrams: Bigrams,
    bm25: Vec<Bm25Weight>,
}

impl Weight for WordWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let mut tiers = Vec::with_capacity(self.tiers.len());
        for tier in &self.tiers {
            let scorer = tier.scorer(reader, boost)?;
            tiers.push(Tier {
                doc: scorer.doc(),
                scorer,
            });
        }
        let mut substrings = Vec::with_capacity(self.substrings.len());
        for weight in &self.substrings {
            substrings.extend(Substring::open(weight, reader, boost)?);
        }
        // Tiers with nothing here need no visiting.
        tiers.retain(|t| t.doc != TERMINATED);
        let mut scorer = WordScorer {
            tiers,
            substrings,
            doc: 0,
        };
        scorer.settle();
        Ok(Box::new(scorer))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let mut scorer = self.scorer(reader, 1.0)?;
        if scorer.seek(doc) != doc {
            return Err(TantivyError::InvalidArgument(format!(
                "document {doc} holds neither the word nor its substring"
            )));
        }
        Ok(Explanation::new(
            "the most exact field matching the word",
            scorer.score(),
        ))
    }
}

struct WordScorer {
    tiers: Vec<Tier>,
    substrings: Vec<Substring>,
    /// The current match.
    doc: DocId,
}

/// One tier's scorer and its current document, kept here because every step asks each tier for it:
/// through two boxes a call, that was 8% of the CPU time of a search for 個人情報.
struct Tier {
    doc: DocId,
    scorer: Box<dyn Scorer>,
}

/// The substring of one segment: a clause holding every bigram in sequence is a match.
///
/// Each bigram's postings are read once, with positions. The rarest leads; the others are read only
/// for a clause the lead holds and the word does not match, which most of the lead's clauses are
/// not. (Walking every list in step to a conjunction, as term queries do, read the blocks of all ten
/// bigrams of 第三者に個人情報を提供 for clauses its words had already matched.)
struct Substring {
    /// Each bigram's offset, postings and BM25 (boosted), the rarest first.
    postings: Vec<(u32, SegmentPostings, Option<Bm25Weight>)>,
    fieldnorms: Option<FieldNormReader>,
    /// Scratch: where the substring could start.
    starts: Vec<u32>,
    /// Scratch: one bigram's positions.
    positions: Vec<u32>,
}

impl WordScorer {
    /// Makes the nearest match the current one: the tiers' nearest, or a nearer clause that holds a
    /// substring (clauses nearer matches cover need no check; later ones wait their turn).
    fn settle(&mut self) -> DocId {
        self.doc = self.tiers.iter().map(|t| t.doc).min().unwrap_or(TERMINATED);
        for substring in &mut self.substrings {
            loop {
                let doc = substring.lead();
                if doc >= self.doc {
                    break;
                }
                if substring.holds() {
                    self.doc = doc;
                    break;
                }
                substring.postings[0].1.advance();
            }
        }
        self.doc
    }
}

impl Substring {
    /// The substring in `reader`, or none when some bigram is nowhere in it (only the words can
    /// match here).
    fn open(
        weight: &SubstringWeight,
        reader: &SegmentReader,
        boost: Score,
    ) -> tantivy::Result<Option<Substring>> {
        let Bigrams {
            field,
            terms,
            weight: boosted,
        } = &weight.bigrams;
        let inverted = reader.inverted_index(*field)?;
        let mut postings = Vec::with_capacity(terms.len());
        for (i, (offset, term)) in terms.iter().enumerate() {
            match inverted.read_postings(term, IndexRecordOption::WithFreqsAndPositions)? {
                Some(p) => {
                    let bm25 = weight.bm25.get(i).map(|b| b.boost_by(boosted * boost));
                    postings.push((*offset, p, bm25));
                }
                None => return Ok(None),
            }
        }
        postings.sort_by_key(|(_, p, _)| p.doc_freq());
        let fieldnorms = match weight.bm25.is_empty() {
            true => None,
            false => Some(reader.get_fieldnorms_reader(*field)?),
        };
        let substring = Substring {
            postings,
            fieldnorms,
            starts: Vec::new(),
            positions: Vec::new(),
        };
        Ok(Some(substring))
    }

    /// The rarest bigram's current clause: the next that may hold the substring.
    fn lead(&self) -> DocId {
        self.postings[0].1.doc()
    }

    /// Whether the lead's clause holds every other bigram, and all of them in sequence.
    fn holds(&mut self) -> bool {
        let doc = self.lead();
        let others = &mut self.postings[1..];
        others.iter_mut().all(|(_, p, _)| reaches(p, doc)) && self.in_sequence()
    }

    /// Whether the bigrams, all at the lead's clause, stand in sequence there.
    fn in_sequence(&mut self) -> bool {
        for (i, (offset, postings, _)) in self.postings.iter_mut().enumerate() {
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

    /// The score of a match at the lead's clause: its bigrams' BM25, as a conjunction of term
    /// queries has it.
    fn score(&self) -> Score {
        let Some(fieldnorms) = &self.fieldnorms else {
            return 0.0;
        };
        let norm = fieldnorms.fieldnorm_id(self.lead());
        (self.postings.iter())
            .filter_map(|(_, p, bm25)| bm25.as_ref().map(|b| b.score(norm, p.term_freq())))
            .sum()
    }
}

impl DocSet for WordScorer {
    fn advance(&mut self) -> DocId {
        let doc = self.doc;
        if doc == TERMINATED {
            return TERMINATED;
        }
        for tier in &mut self.tiers {
            if tier.doc == doc {
                tier.doc = tier.scorer.advance();
            }
        }
        for substring in &mut self.substrings {
            if substring.lead() == doc {
                substring.postings[0].1.advance();
            }
        }
        self.settle()
    }

    fn seek(&mut self, target: DocId) -> DocId {
        for tier in &mut self.tiers {
            if tier.doc < target {
                tier.doc = tier.scorer.seek(target);
            }
        }
        for substring in &mut self.substrings {
            if substring.lead() < target {
                substring.postings[0].1.seek(target);
            }
        }
        self.settle()
    }

    fn doc(&self) -> DocId {
        self.doc
    }

    fn size_hint(&self) -> u32 {
        let tiers = self.tiers.iter().map(|t| t.scorer.size_hint());
        let candidates = (self.substrings.iter()).map(|s| s.postings[0].1.doc_freq());
        tiers.chain(candidates).max().unwrap_or(0)
    }
}

impl Scorer for WordScorer {
    fn score(&mut self) -> Score {
        let doc = self.doc;
        if let Some(tier) = self.tiers.iter_mut().find(|t| t.doc == doc) {
            return tier.scorer.score();
        }
        // The first substring that holds here; one the match was found by is checked again only for
        // a clause no word matches.
        for substring in &mut self.substrings {
            if substring.lead() == doc && substring.holds() {
                return substring.score();
            }
        }
        0.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::collector::{Count, TopDocs};
    use tantivy::query::TermQuery;
    use tantivy::schema::{STORED, Schema, TEXT, Value};
    use tantivy::{Index, IndexWriter, TantivyDocument, doc};

    /// Letters stand for bigrams: a string is letters one after another.
    fn bigrams(field: Field, letters: &str, weight: f32) -> Bigrams {
        let terms = (letters.chars().enumerate())
            .map(|(i, c)| (i as u32, Term::from_field_text(field, &c.to_string())))
            .collect();
        Bigrams {
            field,
            terms,
            weight,
        }
    }

    #[test]
    fn strings_taken_from_another_form_match_where_the_words_do_not() {
        let mut schema = Schema::builder();
        let text = schema.add_text_field("text", TEXT | STORED);
        let index = Index::create_in_ram(schema.build());
        let mut writer: IndexWriter = index.writer_with_num_threads(1, 15_000_000).unwrap();
        for line in ["w x", "x a b y", "c d", "a y b", "d c", "w c d", "y"] {
            writer.add_document(doc!(text => line)).unwrap();
        }
        writer.commit().unwrap();
        let searcher = index.reader().unwrap().searcher();

        let word = TermQuery::new(
            Term::from_field_text(text, "w"),
            IndexRecordOption::WithFreqs,
        );
        let mut query = WordQuery::new(vec![(Box::new(word), 1.0)], Some(bigrams(text, "ab", 0.2)));
        let other = WordQuery::new(Vec::new(), Some(bigrams(text, "cd", 0.2)));
        assert!(other.is_string_only() && !query.is_string_only());
        query.take_strings(other, 0.5);

        let hits = searcher
            .search(&query, &TopDocs::with_limit(10).order_by_score())
            .unwrap();
        let mut found: Vec<String> = (hits.iter())
            .map(|(_, address)| {
                let doc: TantivyDocument = searcher.doc(*address).unwrap();
                doc.get_first(text)
                    .and_then(|v| v.as_str())
                    .unwrap()
                    .to_string()
            })
            .collect();
        found.sort();
        // Each string in sequence, or the word; a clause holding both counts once.
        assert_eq!(found, ["c d", "w c d", "w x", "x a b y"]);
        assert_eq!(searcher.search(&query, &Count).unwrap(), 4);
    }
}
