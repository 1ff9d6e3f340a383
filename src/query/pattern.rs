//! What of a clause's text satisfies a query word: the spans a highlight marks and a proximity
//! operator measures, found by analysing the text as the index did.

use crate::analysis::{Analyzer, Term};
use crate::classify::Lang;

use super::proximity::Near;
use super::sequence;

/// What of a clause's text satisfies one query word.
#[derive(Debug, Clone)]
pub enum Pattern {
    /// Any of these terms, wherever it stands.
    Terms(Analyzer, Vec<String>),
    /// These terms one after another.
    Sequence(Analyzer, Vec<String>),
    /// These `ja` terms in order and close together.
    InOrder(Vec<String>),
    /// Operands standing as proximity operators require.
    Near(Near),
}

/// A clause's text and its terms, analysed by each analyser once, when first asked for.
pub struct Analysed<'t> {
    text: &'t str,
    lang: Lang,
    terms: Vec<(Analyzer, Vec<Term>)>,
}

impl<'t> Analysed<'t> {
    /// The text of a clause in `lang`, not yet analysed.
    pub fn new(text: &'t str, lang: Lang) -> Analysed<'t> {
        Analysed {
            text,
            lang,
            terms: Vec::new(),
        }
    }

    /// The clause text.
    pub fn text(&self) -> &'t str {
        self.text
    }

    /// The clause's words in order, at the positions the word analyser counts: for Japanese every
    /// morpheme, the particles the analyser drops too; for English every word.
    pub fn words(&mut self) -> Vec<Word> {
        match self.lang {
            // The `ja` analyser's positions number the segmenter's words.
            Lang::Ja => (crate::analysis::segment(self.text).into_iter().enumerate())
                .map(|(position, range)| Word { range, position })
                .collect(),
            Lang::En => (self.terms(Analyzer::En).iter())
                .map(|t| Word {
                    range: t.start..t.end,
                    position: t.position,
                })
                .collect(),
        }
    }

    /// The text's terms by `analyzer`.
    pub fn terms(&mut self, analyzer: Analyzer) -> &[Term] {
        let at = match self.terms.iter().position(|(a, _)| *a == analyzer) {
            Some(at) => at,
            None => {
                self.terms
                    .push((analyzer, analyzer.analyze(self.text, false)));
                self.terms.len() - 1
            }
        };
        &self.terms[at].1
    }
}

/// One word of a clause: where it stands in the text, and its position.
#[derive(Debug, Clone)]
pub struct Word {
    /// Its bytes in the clause text.
    pub range: std::ops::Range<usize>,
    /// Its position, as the analyser numbers it.
    pub position: usize,
}

impl Pattern {
    /// Byte spans of the clause text that satisfy the pattern; only the analysers the clause was
    /// indexed with count (a kanji is an English "word" to `en`).
    pub fn spans(&self, clause: &mut Analysed) -> Vec<(usize, usize)> {
        let analyzer = match self {
            Pattern::Terms(a, _) | Pattern::Sequence(a, _) => *a,
            Pattern::InOrder(_) => Analyzer::Ja,
            Pattern::Near(near) => return near.spans(clause),
        };
        if !crate::index::analyzers_for(clause.lang).contains(&analyzer) {
            return Vec::new();
        }
        let terms = clause.terms(analyzer);
        match self {
            Pattern::Terms(_, words) => terms
                .iter()
                .filter(|t| words.contains(&t.text))
                .map(|t| (t.start, t.end))
                .collect(),
            Pattern::Sequence(_, words) => {
                let mut spans = Vec::new();
                for (i, first) in terms.iter().enumerate() {
                    let run = terms[i..].iter().take(words.len());
                    let whole =
                        run.len() == words.len()
                            && run.clone().zip(words).enumerate().all(|(k, (t, w))| {
                                &t.text == w && t.position == first.position + k
                            });
                    if whole {
                        spans.push((first.start, terms[i + words.len() - 1].end));
                    }
                }
                spans
            }
            Pattern::InOrder(parts) => sequence::in_order_spans(terms, parts),
            Pattern::Near(_) => unreachable!("answered above"),
        }
    }
}

/// `spans` in order, touching or overlapping ones merged (bigrams, or 第三者|提供, read as one).
pub fn merged(mut spans: Vec<(usize, usize)>) -> Vec<(usize, usize)> {
    spans.sort();
    let mut merged: Vec<(usize, usize)> = Vec::new();
    for (start, end) in spans {
        match merged.last_mut() {
            Some(last) if start <= last.1 => last.1 = last.1.max(end),
            _ => merged.push((start, end)),
        }
    }
    merged
}
