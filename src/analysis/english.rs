//! The `en` analyser: NFKC, words of letters and digits, lowercase, Snowball English stemming.
//!
//! Stop words are kept: a lawyer's phrase query ("right to object") must match the words as written.

use frostem::{Algorithm, Stemmer};

use super::Terms;
use super::bigram::is_cjk;
use super::normalize::Normalized;

/// Analyses `text` into stemmed lowercase words; a CJK character inside English text is a word of its own.
pub fn run(text: &str, detailed: bool, out: &mut Terms) {
    let normalized = Normalized::new(text);
    let norm = normalized.text.as_str();
    let stemmer = Stemmer::new(Algorithm::English);
    let mut position = 0;
    let mut word_start: Option<usize> = None;
    let mut emit = |start: usize, end: usize| {
        let lower = norm[start..end].to_lowercase();
        let term = out.push(
            &stemmer.stem(&lower),
            normalized.to_original(start..end),
            position,
        );
        if detailed {
            term.base_form = Some(lower);
        }
        position += 1;
    };
    for (at, c) in norm.char_indices() {
        let in_word = c.is_alphanumeric() && !is_cjk(c);
        match (in_word, word_start) {
            (true, None) => word_start = Some(at),
            (false, Some(start)) => {
                emit(start, at);
                word_start = None;
            }
            _ => {}
        }
        if is_cjk(c) {
            emit(at, at + c.len_utf8());
        }
    }
    if let Some(start) = word_start {
        emit(start, norm.len());
    }
}
