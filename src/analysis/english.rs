//! The `en` analyser: NFKC, words of letters and digits, lowercase, Snowball English stemming.
//!
//! Stop words are kept: a lawyer's phrase query ("right to object") must match the words as written.

use std::cell::RefCell;

use frostem::{Algorithm, Stemmer};
use rustc_hash::FxHashMap;

use super::bigram::is_cjk;
use super::normalize::Normalized;
use super::{Terms, lowercase_into};

/// Stems kept per thread before the memory starts over: legal English repeats a small vocabulary.
const STEMS_KEPT: usize = 100_000;

thread_local! {
    /// Each lowercase word's stem, once worked out: stemming costs several times a lookup, and was 3% of
    /// indexing the benchmark's clauses.
    static STEMS: RefCell<FxHashMap<String, String>> = RefCell::default();
}

/// Analyses `text` into stemmed lowercase words; a CJK character inside English text is a word of its own.
pub fn run(text: &str, detailed: bool, out: &mut Terms) {
    let normalized = Normalized::new(text);
    let norm = normalized.text.as_str();
    let stemmer = Stemmer::new(Algorithm::English);
    // One lowercase buffer for every word.
    let mut lower = String::new();
    let mut position = 0;
    let mut emit = |stems: &mut FxHashMap<String, String>, start: usize, end: usize| {
        lowercase_into(&mut lower, &norm[start..end]);
        let range = normalized.to_original(start..end);
        let term = match stems.get(lower.as_str()) {
            Some(stem) => out.push(stem, range, position),
            None => {
                if stems.len() >= STEMS_KEPT {
                    stems.clear();
                }
                let stem = stemmer.stem(&lower).into_owned();
                let term = out.push(&stem, range, position);
                stems.insert(lower.clone(), stem);
                term
            }
        };
        if detailed {
            term.base_form = Some(lower.clone());
        }
        position += 1;
    };
    STEMS.with_borrow_mut(|stems| {
        let mut word_start: Option<usize> = None;
        for (at, c) in norm.char_indices() {
            let (in_word, cjk) = if c.is_ascii() {
                (c.is_ascii_alphanumeric(), false)
            } else {
                (c.is_alphanumeric() && !is_cjk(c), is_cjk(c))
            };
            match (in_word, word_start) {
                (true, None) => word_start = Some(at),
                (false, Some(start)) => {
                    emit(stems, start, at);
                    word_start = None;
                }
                _ => {}
            }
            if cjk {
                emit(stems, at, at + c.len_utf8());
            }
        }
        if let Some(start) = word_start {
            emit(stems, start, norm.len());
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms(text: &str) -> Vec<String> {
        let mut out = Terms::default();
        run(text, false, &mut out);
        out.iter().map(|t| t.text.clone()).collect()
    }

    #[test]
    fn words_are_lowercased_whether_ascii_or_not() {
        assert_eq!(terms("Third PARTIES"), terms("third parties"));
        assert_eq!(terms("ÉCOLE ΣΟΦΙΑ"), terms("école σοφια"));
        assert_eq!(terms("ÉCOLE"), ["école"]);
    }
}
