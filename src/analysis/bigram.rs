//! The `cjk_bigram` analyser: overlapping character bigrams of normalised Japanese text.
//!
//! The dictionary keeps some compounds whole (関西国際空港, プライバシーポリシー), so a query for a part of
//! one finds nothing through `ja`; bigrams with positions let a phrase query match any substring of two
//! or more characters, as Lucene's CJKBigramFilter does. Runs of letters and digits stay whole words.

use super::Terms;
use super::normalize::{Normalized, with_normalized};

/// Analyses `text` into bigrams of CJK runs (a lone CJK character is kept as a unigram) and lowercase
/// words of other letters and digits.
pub fn run(text: &str, out: &mut Terms) {
    with_normalized(text, |normalized| bigrams(normalized, out));
}

fn bigrams(normalized: &Normalized, out: &mut Terms) {
    let norm = normalized.text.as_str();
    let mut position = 0;
    let mut push = |start: usize, end: usize, term: &str| {
        out.push(term, normalized.to_original(start..end), position);
        position += 1;
    };
    let chars: Vec<(usize, char)> = norm.char_indices().collect();
    let end_of = |i: usize| chars.get(i).map_or(norm.len(), |&(at, _)| at);
    let mut i = 0;
    while i < chars.len() {
        let class = Class::of(chars[i].1);
        let mut j = i + 1;
        while j < chars.len() && Class::of(chars[j].1) == class {
            j += 1;
        }
        match class {
            Class::Cjk if j - i == 1 => push(chars[i].0, end_of(j), &norm[chars[i].0..end_of(j)]),
            Class::Cjk => {
                for k in i..j - 1 {
                    push(chars[k].0, end_of(k + 2), &norm[chars[k].0..end_of(k + 2)]);
                }
            }
            Class::Word => {
                let word = &norm[chars[i].0..end_of(j)];
                push(chars[i].0, end_of(j), &word.to_lowercase())
            }
            Class::Other => {}
        }
        i = j;
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
