//! The `ja` and `ja_reading` analysers: NFKC → IPADIC segmentation → lindera-analysis token filters.
//!
//! The filters are lindera-analysis's own, in kuromoji's order; only the character filter is ours (see
//! `normalize.rs` for why).

use std::cell::RefCell;
use std::collections::HashSet;
use std::num::NonZeroUsize;

use lindera::token::Token;
use lindera_analysis::token_filter::BoxTokenFilter;
use lindera_analysis::token_filter::japanese_base_form::JapaneseBaseFormTokenFilter;
use lindera_analysis::token_filter::japanese_katakana_stem::JapaneseKatakanaStemTokenFilter;
use lindera_analysis::token_filter::japanese_reading_form::JapaneseReadingFormTokenFilter;
use lindera_analysis::token_filter::japanese_stop_tags::JapaneseStopTagsTokenFilter;
use lindera_analysis::token_filter::lowercase::LowercaseTokenFilter;
use lindera_dictionary::viterbi::Lattice;

use super::Term;
use super::dictionary::segmenter;
use super::normalize::Normalized;

/// kuromoji's default: katakana words longer than three characters lose a trailing ー (サーバー → サーバ).
const KATAKANA_STEM_MIN: usize = 3;

/// Field positions in an IPADIC entry's details.
const POS_LEVELS: usize = 4;
const BASE_FORM: usize = 6;
const READING: usize = 7;

/// A Japanese analyser: the token filters applied after segmentation.
pub struct JapanesePipeline {
    filters: Vec<BoxTokenFilter>,
}

impl JapanesePipeline {
    /// `ja`: base forms, content words only, lowercase, katakana long-vowel stemming.
    pub fn surface() -> JapanesePipeline {
        JapanesePipeline {
            filters: vec![
                JapaneseBaseFormTokenFilter::new().into(),
                stop_tags().into(),
                LowercaseTokenFilter::new().into(),
                katakana_stem().into(),
            ],
        }
    }

    /// `ja_reading`: the katakana reading of each content word, so that spelling variants meet.
    pub fn reading() -> JapanesePipeline {
        JapanesePipeline {
            filters: vec![
                stop_tags().into(),
                JapaneseReadingFormTokenFilter::new().into(),
                LowercaseTokenFilter::new().into(),
                katakana_stem().into(),
            ],
        }
    }

    /// Analyses `text`, appending terms with offsets into `text` itself; `detailed` adds dictionary facts.
    pub fn run(&self, text: &str, detailed: bool, out: &mut Vec<Term>) {
        let normalized = Normalized::new(text);
        LATTICE.with_borrow_mut(|lattice| {
            let segmented = segmenter().segment_with_lattice(normalized.text.as_str().into(), lattice);
            // Segmentation only fails on internal dictionary errors; an unanalysable text has no terms.
            let Ok(mut tokens) = segmented else { return };
            for filter in &self.filters {
                if filter.apply(&mut tokens).is_err() {
                    return;
                }
            }
            out.extend(tokens.iter_mut().map(|token| to_term(token, &normalized, detailed)));
        });
    }
}

thread_local! {
    /// The Viterbi lattice is large and reusable; one per thread avoids reallocating it per clause.
    static LATTICE: RefCell<Lattice> = RefCell::new(Lattice::default());
}

fn to_term(token: &mut Token<'_>, normalized: &Normalized, detailed: bool) -> Term {
    let range = normalized.to_original(token.byte_start..token.byte_end);
    let mut term = Term {
        text: token.surface.to_string(),
        start: range.start,
        end: range.end,
        position: token.position,
        base_form: None,
        part_of_speech: None,
        reading: None,
    };
    if detailed {
        let details = token.details();
        let known = |i: usize| details.get(i).filter(|d| **d != "*").map(|d| d.to_string());
        let pos: Vec<&str> = details.iter().take(POS_LEVELS).copied().filter(|d| *d != "*").collect();
        term.part_of_speech = Some(pos.join(","));
        term.base_form = known(BASE_FORM);
        term.reading = known(READING);
    }
    term
}

fn stop_tags() -> JapaneseStopTagsTokenFilter {
    let tags: HashSet<String> = include_str!("stoptags.txt")
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(String::from)
        .collect();
    JapaneseStopTagsTokenFilter::new(tags)
}

fn katakana_stem() -> JapaneseKatakanaStemTokenFilter {
    JapaneseKatakanaStemTokenFilter::new(NonZeroUsize::new(KATAKANA_STEM_MIN).expect("non-zero"))
}
