//! The `cjk_bigram` analyser: overlapping character bigrams of normalised Japanese text.
//!
//! The dictionary keeps some compounds whole (関西国際空港, プライバシーポリシー), so a query for a part of
//! one finds nothing through `ja`; bigrams with positions let a phrase query match any substring of two
//! or more characters, as Lucene's CJKBigramFilter does. Runs of letters and digits stay whole words.

use super::normalize::{Normalized, with_normalized};
use super::{Terms, lowercase_into};

/// Analyses `text` into bigrams of CJK runs (a lone CJK character is kept as a unigram) and lowercase
/// words of other letters and digits.
pub fn run(text: &str, out: &mut Terms) {
    with_normalized(text, |normalized| bigrams(normalized, out));
}

fn bigrams(normalized: &Normalized, out: &mut Terms) {
    let norm = normalized.text.as_str();
    let mut position = 0;
    let mut push = |term: &str, start: usize, end: usize| {
        out.push(term, normalized.to_original(start..end), position);
        position += 1;
    };
    let mut lower = String::new();
    // The run being read: its class, where it starts, and where its last character starts.
    let mut run: Option<(Class, usize, usize)> = None;
    // A space after the end closes the last run.
    for (at, c) in norm.char_indices().chain([(norm.len(), ' ')]) {
        let class = Class::of(c);
        match run {
            // The run goes on: a CJK character makes a bigram with the one before it.
            Some((Class::Cjk, start, last)) if class == Class::Cjk => {
                let end = at + c.len_utf8();
                push(&norm[last..end], last, end);
                run = Some((Class::Cjk, start, at));
                continue;
            }
            Some((Class::Word, _, _)) if class == Class::Word => continue,
            // The run ends. A lone CJK character is its own term; a longer run has pushed its bigrams.
            Some((Class::Cjk, start, last)) if start == last => push(&norm[start..at], start, at),
            Some((Class::Word, start, _)) => {
                lowercase_into(&mut lower, &norm[start..at]);
                push(&lower, start, at);
            }
            _ => {}
        }
        run = (class != Class::Other).then_some((class, at, at));
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Class {
    Cjk,
    Word,
    Other,
}

impl Class {
    fn of(c: char) -> Class {
        if is_cjk(c) {
            Class::Cjk
        } else if c.is_alphanumeric() {
            Class::Word
        } else {
            Class::Other
        }
    }
}

/// Han, kana and the marks that live inside Japanese words (ー, 々, 〆).
pub fn is_cjk(c: char) -> bool {
    matches!(c,
        '\u{3005}' | '\u{3006}' | '\u{3041}'..='\u{309F}' | '\u{30A0}'..='\u{30FF}' | '\u{31F0}'..='\u{31FF}'
        | '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}'
        | '\u{20000}'..='\u{3FFFF}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_make_bigrams_lone_characters_and_lowercase_words() {
        let mut out = Terms::default();
        run("個人情報をＧｏｏｇｌｅへ。空", &mut out);
        let got: Vec<(&str, usize, usize, usize)> = out
            .iter()
            .map(|t| (t.text.as_str(), t.start, t.end, t.position))
            .collect();
        assert_eq!(
            got,
            [
                ("個人", 0, 6, 0),
                ("人情", 3, 9, 1),
                ("情報", 6, 12, 2),
                ("報を", 9, 15, 3),
                // The full-width word, folded and lowercased, spans its original bytes.
                ("google", 15, 33, 4),
                ("へ", 33, 36, 5),
                ("空", 39, 42, 6),
            ]
        );
    }
}
