//! Text analysis: the four named analysers joubun indexes and queries with, and their tantivy adapter.
//!
//! Every analyser is a pipeline of a character filter (`normalize`), a tokenizer and token filters, and
//! every term it produces carries byte offsets into the *original* text, so highlights are exact.

mod bigram;
pub mod compound;
pub mod dictionary;
mod english;
mod japanese;
pub mod normalize;
mod tantivy_adapter;

use std::ops::Range;
use std::sync::OnceLock;

use serde::Serialize;

pub use bigram::is_cjk;
use japanese::JapanesePipeline;
pub use japanese::{is_kana, segment};
pub use tantivy_adapter::{analysed_bytes, register};

/// Bumped whenever any analyser's output changes, so indexes built by an older analyser are refused.
pub const ANALYSIS_VERSION: u32 = 3;

/// The analysers, each registered with tantivy under its `name()`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, clap::ValueEnum)]
#[serde(rename_all = "snake_case")]
pub enum Analyzer {
    /// Japanese words in base form, without particles, auxiliaries and symbols.
    Ja,
    /// The katakana reading of each Japanese content word; a word spelt with kana also marked so.
    #[value(name = "ja_reading")]
    JaReading,
    /// Every two Japanese words that join into a compound (第三者に提供: 第三者 and 提供), as one term.
    #[value(name = "ja_pairs")]
    JaPairs,
    /// Overlapping bigrams of Japanese text, for substrings of compounds.
    #[value(name = "cjk_bigram")]
    CjkBigram,
    /// Stemmed English words.
    En,
}

impl Analyzer {
    /// Every analyser, in registration order.
    pub const ALL: [Analyzer; 5] = [
        Analyzer::Ja,
        Analyzer::JaReading,
        Analyzer::JaPairs,
        Analyzer::CjkBigram,
        Analyzer::En,
    ];

    /// The name tantivy knows this analyser by.
    pub fn name(self) -> &'static str {
        match self {
            Analyzer::Ja => "ja",
            Analyzer::JaReading => "ja_reading",
            Analyzer::JaPairs => "ja_pairs",
            Analyzer::CjkBigram => "cjk_bigram",
            Analyzer::En => "en",
        }
    }

    /// Analyses `text` into terms; `detailed` adds base form, part of speech and reading where known.
    pub fn analyze(self, text: &str, detailed: bool) -> Vec<Term> {
        let mut terms = Terms::default();
        self.analyze_into(text, detailed, &mut terms);
        terms.into_vec()
    }

    /// Like [`Analyzer::analyze`], appending to a reusable buffer.
    pub fn analyze_into(self, text: &str, detailed: bool, out: &mut Terms) {
        static JA: OnceLock<JapanesePipeline> = OnceLock::new();
        static JA_READING: OnceLock<JapanesePipeline> = OnceLock::new();
        match self {
            Analyzer::Ja => JA
                .get_or_init(JapanesePipeline::surface)
                .run(text, detailed, out),
            Analyzer::JaReading => JA_READING
                .get_or_init(JapanesePipeline::reading)
                .run(text, detailed, out),
            Analyzer::JaPairs => {
                thread_local! {
                    static WORDS: std::cell::RefCell<Terms> = std::cell::RefCell::default();
                }
                WORDS.with_borrow_mut(|words| {
                    words.clear();
                    Analyzer::Ja.analyze_into(text, false, words);
                    compound::pairs_into(words, out);
                });
            }
            Analyzer::CjkBigram => bigram::run(text, out),
            Analyzer::En => english::run(text, detailed, out),
        }
    }
}

/// Punctuation that `ja` indexes as a term of its own, at its own position, so that positions alone
/// tell what stands between two words: a compound's parts may have a parenthetical between them
/// (第三者（当社の子会社を含む。）に提供), never a comma or a sentence's end.
///
/// The terms are punctuation, which no query word analyses to, so they match only a quoted phrase that
/// holds the very punctuation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Separator {
    /// An opening parenthesis, （ or (.
    Open,
    /// A closing parenthesis, ） or ).
    Close,
    /// A comma or a sentence's end: 、。，．,.!?;
    Break,
}

impl Separator {
    /// Every separator.
    pub const ALL: [Separator; 3] = [Separator::Open, Separator::Close, Separator::Break];

    /// The separator a character of normalised (NFKC) text is, if any.
    pub fn of(c: char) -> Option<Separator> {
        match c {
            '(' => Some(Separator::Open),
            ')' => Some(Separator::Close),
            '、' | '。' | ',' | '.' | '!' | '?' | ';' | '､' | '｡' => Some(Separator::Break),
            _ => None,
        }
    }

    /// The term it is indexed as.
    pub fn term(self) -> &'static str {
        match self {
            Separator::Open => "(",
            Separator::Close => ")",
            Separator::Break => "、",
        }
    }
}

/// The mark `ja_reading` puts before the reading of a word spelt with kana (取り扱い, クウコウ), which it
/// indexes a second time so marked: a query word in kanji alone looks for its reading so marked, and
/// finds its spellings in kana without its homophones in kanji (期間 is not 機関; both are キカン).
pub const KANA_SPELLING: &str = "kana:";

/// One indexed term: what is searched for, and where in the original text it came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Term {
    /// The normalised term as indexed.
    pub text: String,
    /// Byte offset of the term's first character in the original text.
    pub start: usize,
    /// Byte offset just past the term's last character in the original text.
    pub end: usize,
    /// Token position, for phrase and proximity queries; gaps mark removed words.
    pub position: usize,
    /// The dictionary form of an inflected word (提供し → する), when asked for and known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub base_form: Option<String>,
    /// IPADIC's part of speech, levels joined by commas, when asked for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub part_of_speech: Option<String>,
    /// The katakana reading, when asked for and known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reading: Option<String>,
}

/// A reusable list of terms: clearing keeps each term's string, so analysing clause after clause does
/// not allocate a string per term (that was a tenth of `ja`'s time, bench/analysis.rs).
#[derive(Debug, Clone, Default)]
pub struct Terms {
    items: Vec<Term>,
    len: usize,
}

impl Terms {
    /// Empties the list, keeping its storage.
    pub fn clear(&mut self) {
        self.len = 0;
    }

    /// Appends a term with no dictionary facts and returns it, reusing a string from before a clear.
    fn push(&mut self, text: &str, range: Range<usize>, position: usize) -> &mut Term {
        if self.len == self.items.len() {
            self.items.push(Term {
                text: String::new(),
                start: 0,
                end: 0,
                position: 0,
                base_form: None,
                part_of_speech: None,
                reading: None,
            });
        }
        let term = &mut self.items[self.len];
        self.len += 1;
        term.text.clear();
        term.text.push_str(text);
        (term.start, term.end, term.position) = (range.start, range.end, position);
        (term.base_form, term.part_of_speech, term.reading) = (None, None, None);
        term
    }

    /// The terms, owned.
    pub fn into_vec(mut self) -> Vec<Term> {
        self.items.truncate(self.len);
        self.items
    }
}

/// Writes `word` lowercased into `buf`, which is emptied first; ASCII, most words, needs no allocation.
fn lowercase_into(buf: &mut String, word: &str) {
    buf.clear();
    if word.is_ascii() {
        buf.push_str(word);
        buf.make_ascii_lowercase();
    } else {
        buf.push_str(&word.to_lowercase());
    }
}

/// A thread's analyses of its two most recent texts, so that no text is analysed twice in a row.
///
/// Two, because a Japanese clause is indexed as its text (through `ja`, `ja_reading` and `cjk_bigram`,
/// one after the other) and its heading, which the clauses of one article share: with one slot each
/// heading pushed the text out, and was itself analysed again for every clause.
///
/// Both slots start as the empty text with a default analysis, which is the empty text's own.
#[derive(Default)]
struct Recent<T> {
    slots: [(String, T); 2],
    newest: usize,
}

impl<T> Recent<T> {
    /// The analysis of `text`, made by `fill` (into the older slot's storage) unless remembered.
    fn get(&mut self, text: &str, fill: impl FnOnce(&mut T)) -> &mut T {
        let slot = match self.slots.iter().position(|(seen, _)| seen == text) {
            Some(slot) => slot,
            None => {
                let slot = 1 - self.newest;
                let (seen, analysis) = &mut self.slots[slot];
                seen.clear();
                seen.push_str(text);
                fill(analysis);
                slot
            }
        };
        self.newest = slot;
        &mut self.slots[slot].1
    }
}

impl std::ops::Deref for Terms {
    type Target = [Term];

    fn deref(&self) -> &[Term] {
        &self.items[..self.len]
    }
}

impl std::ops::DerefMut for Terms {
    fn deref_mut(&mut self) -> &mut [Term] {
        &mut self.items[..self.len]
    }
}

#[cfg(test)]
mod tests {
    use super::Recent;

    /// Analyses `text` through `recent`, counting real analyses in `made`.
    fn analyse(recent: &mut Recent<String>, made: &mut usize, text: &str) -> String {
        recent
            .get(text, |analysis| {
                *made += 1;
                *analysis = text.to_uppercase();
            })
            .clone()
    }

    #[test]
    fn a_clause_and_its_heading_are_each_analysed_once() {
        let (mut recent, mut made) = (Recent::default(), 0);
        // Three clauses of one article: text (three times, once per analyser), then the heading.
        for text in ["first", "second", "third"] {
            for _ in 0..3 {
                assert_eq!(analyse(&mut recent, &mut made, text), text.to_uppercase());
            }
            assert_eq!(analyse(&mut recent, &mut made, "heading"), "HEADING");
        }
        assert_eq!(made, 4);
    }

    #[test]
    fn the_older_text_makes_way() {
        let (mut recent, mut made) = (Recent::default(), 0);
        for text in ["a", "b", "a", "c", "a", "b"] {
            assert_eq!(analyse(&mut recent, &mut made, text), text.to_uppercase());
        }
        // a and b are made; a is remembered; c replaces b, the older; a is remembered; b is made again.
        assert_eq!(made, 4);
    }
}
