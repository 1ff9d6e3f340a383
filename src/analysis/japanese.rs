//! The `ja` and `ja_reading` analysers: NFKC → IPADIC segmentation → lindera-analysis token filters.
//!
//! The filters are lindera-analysis's own, in kuromoji's order; only the character filter is ours (see
//! `normalize.rs` for why).

use std::cell::RefCell;
use std::collections::HashSet;
use std::ops::Range;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};

use lindera::token::Token;
use lindera_analysis::token_filter::{BoxTokenFilter, TokenFilter};
use lindera_dictionary::dictionary::{DetailFields, Dictionary};
use lindera_dictionary::viterbi::{Lattice, WordId};

use super::dictionary::{in_bulk, segmenter};
use super::normalize::{Normalized, with_normalized};
use super::{KANA_SPELLING, Recent, Separator, Terms};

/// kuromoji's default: katakana words longer than three characters lose a trailing ー (サーバー → サーバ).
const KATAKANA_STEM_MIN: usize = 3;

/// Field positions in an IPADIC entry's details.
const POS_LEVELS: usize = 4;
const BASE_FORM: usize = 6;
const READING: usize = 7;

/// A Japanese analyser: the token filters applied after segmentation.
pub struct JapanesePipeline {
    filters: Vec<BoxTokenFilter>,
    /// Whether parentheses and breaks are kept as [`Separator`] terms.
    separators: bool,
    /// Whether a word spelt with kana is indexed a second time, marked ([`KANA_SPELLING`]).
    kana_spellings: bool,
}

impl JapanesePipeline {
    /// `ja`: content words only, in base form, lowercase, katakana long-vowel stemming.
    pub fn surface() -> JapanesePipeline {
        JapanesePipeline {
            filters: vec![ContentWords::new(Form::Base).into(), KatakanaStem.into()],
            separators: true,
            kana_spellings: false,
        }
    }

    /// `ja_reading`: the katakana reading of each content word, so that spelling variants meet.
    pub fn reading() -> JapanesePipeline {
        JapanesePipeline {
            filters: vec![ContentWords::new(Form::Reading).into(), KatakanaStem.into()],
            separators: false,
            kana_spellings: true,
        }
    }

    /// Analyses `text`, appending terms with offsets into `text` itself; `detailed` adds dictionary facts.
    pub fn run(&self, text: &str, detailed: bool, out: &mut Terms) {
        with_segments(text, |tokens, normalized| {
            let separators = if self.separators {
                separators(tokens)
            } else {
                Separated::default()
            };
            for filter in &self.filters {
                // The filters only fail on a malformed dictionary entry; such a text keeps what it has.
                if filter.apply(tokens).is_err() {
                    return;
                }
            }
            // Terms go out in position order: tantivy takes each term's positions as they come.
            let mut marks = separators.marks.iter().peekable();
            for token in tokens.iter_mut() {
                let position = separators.position(token.position);
                while let Some((at, separator, range)) = marks.next_if(|(at, ..)| *at < position) {
                    out.push(separator.term(), normalized.to_original(range.clone()), *at);
                }
                push_term(out, token, position, normalized, detailed);
                // The filters replace the surface by its reading; the span still holds the spelling.
                let spelling = &normalized.text[token.byte_start..token.byte_end];
                if self.kana_spellings && spelling.chars().any(is_kana) {
                    let range = normalized.to_original(token.byte_start..token.byte_end);
                    let marked = out.push(KANA_SPELLING, range, position);
                    marked.text.push_str(&token.surface);
                }
            }
            for (at, separator, range) in marks {
                out.push(separator.term(), normalized.to_original(range.clone()), *at);
            }
        });
    }
}

/// The separators of a segmented text, and how they move the positions of the words after them.
#[derive(Default)]
struct Separated {
    /// Each separator with its position and its token's span.
    marks: Vec<(usize, Separator, Range<usize>)>,
    /// Where positions move: from a segmenter position on (past a token holding several separators,
    /// such as 「）、」), how many further positions the words take.
    shifts: Vec<(usize, usize)>,
}

impl Separated {
    /// The position a token the segmenter put at `position` is indexed at.
    fn position(&self, position: usize) -> usize {
        let moved = self.shifts.partition_point(|&(from, _)| from <= position);
        position + moved.checked_sub(1).map_or(0, |i| self.shifts[i].1)
    }
}

/// The separators among `tokens` (punctuation, before the filters drop it). The segmenter makes one
/// token of a run of punctuation (「）、」); each separator in it gets a position of its own, in order,
/// so that a break after a parenthetical is not read as one inside it.
fn separators(tokens: &[Token<'_>]) -> Separated {
    let mut separated = Separated::default();
    let mut shift = 0;
    for token in tokens {
        if !is_punctuation(&token.surface) {
            continue;
        }
        let first = token.position + shift;
        let mut count = 0;
        for separator in token.surface.chars().filter_map(Separator::of) {
            let range = token.byte_start..token.byte_end;
            separated.marks.push((first + count, separator, range));
            count += 1;
        }
        if count > 1 {
            shift += count - 1;
            separated.shifts.push((token.position + 1, shift));
        }
    }
    separated
}

/// The word boundaries the Japanese analysers start from (MeCab's, on NFKC text), as byte ranges of
/// `text`, before any token filter.
pub fn segment(text: &str) -> Vec<Range<usize>> {
    let mut ranges = Vec::new();
    with_segments(text, |tokens, normalized| {
        ranges.extend(
            tokens
                .iter()
                .map(|t| normalized.to_original(t.byte_start..t.byte_end)),
        );
    });
    ranges
}

/// Normalises and segments `text`, handing the tokens to `f` with the map back to `text`.
///
/// A clause is indexed through `ja` and then `ja_reading`: the second asks for the very segmentation
/// the first just made, so each thread keeps its recent ones (the text, and each word's span and id).
fn with_segments(text: &str, f: impl FnOnce(&mut Vec<Token<'_>>, &Normalized)) {
    with_normalized(text, |normalized| {
        RECENT.with_borrow_mut(|recent| {
            let words = recent.get(text, |words| {
                words.clear();
                LATTICE.with_borrow_mut(|lattice| {
                    // Segmentation only fails on internal dictionary errors; such a text simply has no
                    // terms.
                    if let Ok(tokens) =
                        segmenter().segment_with_lattice(normalized.text.as_str().into(), lattice)
                    {
                        words.extend(
                            tokens
                                .iter()
                                .map(|t| (t.byte_start, t.byte_end, t.position, t.word_id)),
                        );
                    }
                });
            });
            let dictionary = &segmenter().dictionary;
            let norm = normalized.text.as_str();
            let mut tokens: Vec<Token<'_>> = words
                .iter()
                .map(|&(start, end, position, word_id)| {
                    Token::new(
                        norm[start..end].into(),
                        start,
                        end,
                        position,
                        word_id,
                        dictionary,
                        None,
                    )
                })
                .collect();
            f(&mut tokens, normalized);
        })
    });
}

/// Each word of a segmented text: its byte span in the normalised text, position and dictionary id.
type Words = Vec<(usize, usize, usize, WordId)>;

thread_local! {
    /// The Viterbi lattice is large and reusable; one per thread avoids reallocating it per clause.
    static LATTICE: RefCell<Lattice> = RefCell::new(Lattice::default());
    static RECENT: RefCell<Recent<Words>> = RefCell::default();
}

fn push_term(
    out: &mut Terms,
    token: &mut Token<'_>,
    position: usize,
    normalized: &Normalized,
    detailed: bool,
) {
    let range = normalized.to_original(token.byte_start..token.byte_end);
    let term = out.push(&token.surface, range, position);
    if detailed {
        let details = token.details();
        let known = |i: usize| details.get(i).filter(|d| **d != "*").map(|d| d.to_string());
        let pos: Vec<&str> = details
            .iter()
            .take(POS_LEVELS)
            .copied()
            .filter(|d| *d != "*")
            .collect();
        term.part_of_speech = Some(pos.join(","));
        term.base_form = known(BASE_FORM);
        term.reading = known(READING);
    }
}

/// Lowercases in place, allocating only for the rare token that has an uppercase letter.
///
/// Kana and kanji are ruled out first, because `is_uppercase` searches Unicode's tables for them.
fn lowercase(surface: &mut std::borrow::Cow<'_, str>) {
    if surface
        .chars()
        .any(|c| !super::is_cjk(c) && c.is_uppercase())
    {
        *surface = surface.to_lowercase().into();
    }
}

/// A token with no letter or digit (kana and kanji tested first: `is_alphanumeric` is slow for them).
fn is_punctuation(surface: &str) -> bool {
    !surface
        .chars()
        .any(|c| super::is_cjk(c) || c.is_alphanumeric())
}

/// Hiragana or katakana, the prolonged sound mark ー included.
pub fn is_kana(c: char) -> bool {
    ('\u{3041}'..='\u{30FF}').contains(&c)
}

/// Which dictionary form replaces a content word.
#[derive(Clone, Copy)]
enum Form {
    Base,
    Reading,
}

/// Drops punctuation and stop-tagged words (stoptags.txt), replaces each remaining known word by its
/// base form or reading, and lowercases: kuromoji's `discard_punctuation`, then lindera-analysis's
/// `japanese_stop_tags`, `japanese_base_form` or `japanese_reading_form`, and `lowercase`, fused.
///
/// Punctuation is tested on the surface because IPADIC tags unknown ASCII symbols such as the `(` of
/// NFKC's (株) as nouns, so the stop tags alone miss them.
///
/// Fused, and with a verdict remembered per dictionary word, because the separate filters materialise
/// every token's thirteen dictionary fields and copy the replacement; that took more time than the
/// segmentation itself (bench/analysis.rs).
#[derive(Clone)]
struct ContentWords {
    stop_tags: Arc<HashSet<String>>,
    form: Form,
    /// Per system-dictionary word: its [`Verdict`], packed with where its form lies in the dictionary.
    verdicts: Arc<OnceLock<VerdictTable>>,
    /// The same for unknown-word classes (IPADIC's unk.def has a few dozen).
    unknown_verdicts: Arc<[AtomicU64]>,
}

/// The verdicts of one dictionary's words, and the address of that dictionary's word data, which the
/// spans of their forms point into.
struct VerdictTable {
    words_data: usize,
    slots: Box<[AtomicU64]>,
}

/// Where `form` lies in `data`, or the empty span (look it up) when it lies elsewhere.
fn span_in(data: &[u8], form: &str) -> Range<usize> {
    let start = (form.as_ptr() as usize).wrapping_sub(data.as_ptr() as usize);
    match start.checked_add(form.len()) {
        Some(end) if end <= data.len() => start..end,
        _ => 0..0,
    }
}

/// Unknown-word class ids remembered; any beyond are judged every time.
const UNKNOWN_CLASSES: usize = 256;

/// What [`ContentWords`] remembers of a word.
#[derive(Clone, PartialEq, Eq)]
enum Verdict {
    Unseen,
    Stop,
    KeepAsWritten,
    /// Kept, replaced by the form at these bytes of the dictionary's word data (empty: look it up).
    KeepInForm(Range<usize>),
}

impl Verdict {
    /// One word: the kind in the low byte, the form's length and start above it. A form too long or
    /// too far to pack is left out and looked up each time.
    fn pack(&self) -> u64 {
        match self {
            Verdict::Unseen => 0,
            Verdict::Stop => 1,
            Verdict::KeepAsWritten => 2,
            Verdict::KeepInForm(span) => {
                let (start, len) = (span.start as u64, span.len() as u64);
                if len < 1 << 16 && start < 1 << 40 {
                    3 | len << 8 | start << 24
                } else {
                    3
                }
            }
        }
    }

    fn unpack(packed: u64) -> Verdict {
        match packed & 0xff {
            1 => Verdict::Stop,
            2 => Verdict::KeepAsWritten,
            3 => {
                let start = (packed >> 24) as usize;
                Verdict::KeepInForm(start..start + ((packed >> 8) & 0xffff) as usize)
            }
            _ => Verdict::Unseen,
        }
    }
}

impl ContentWords {
    fn new(form: Form) -> ContentWords {
        let stop_tags = include_str!("stoptags.txt")
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .map(String::from)
            .collect();
        ContentWords {
            stop_tags: Arc::new(stop_tags),
            form,
            verdicts: Arc::default(),
            unknown_verdicts: (0..UNKNOWN_CLASSES).map(|_| AtomicU64::new(0)).collect(),
        }
    }

    /// Decides a token from its dictionary fields: `None` to drop it, else the form to index it by.
    fn judge<'a>(&self, key: &mut String, mut fields: DetailFields<'a>) -> Option<Option<&'a str>> {
        key.clear();
        for level in 0..POS_LEVELS {
            if level > 0 {
                key.push(',');
            }
            key.push_str(fields.next().unwrap_or("*"));
        }
        if self.stop_tags.contains(key.as_str()) {
            return None;
        }
        Some(self.form_of_rest(fields))
    }

    /// The form to index a word by, from all its dictionary fields; `None` when it has none.
    fn form_of<'a>(&self, mut fields: DetailFields<'a>) -> Option<&'a str> {
        fields.nth(POS_LEVELS - 1)?;
        self.form_of_rest(fields)
    }

    /// The same, from the fields after the part of speech.
    fn form_of_rest<'a>(&self, mut fields: DetailFields<'a>) -> Option<&'a str> {
        let wanted = match self.form {
            Form::Base => BASE_FORM,
            Form::Reading => READING,
        };
        fields.nth(wanted - POS_LEVELS).filter(|f| *f != "*")
    }
}

impl TokenFilter for ContentWords {
    fn name(&self) -> &'static str {
        "japanese_content_words"
    }

    fn apply<'a>(&self, tokens: &mut Vec<Token<'a>>) -> lindera::LinderaResult<()> {
        let mut key = String::with_capacity(64);
        tokens.retain_mut(|token| {
            let dictionary: &'a Dictionary = token.dictionary;
            let id = token.word_id.id() as usize;
            if token.word_id.is_unknown() {
                if is_punctuation(&token.surface) {
                    return false;
                }
                // Unknown words have no dictionary form: they are indexed as written. Their verdict
                // depends only on the character class (the id), so it is remembered like a word's.
                let slot = self.unknown_verdicts.get(id);
                let verdict = Verdict::unpack(slot.map_or(0, |v| v.load(Ordering::Relaxed)));
                let kept = match verdict {
                    Verdict::Unseen => {
                        let kept = self
                            .judge(&mut key, dictionary.unknown_word_details_iter(id))
                            .is_some();
                        let verdict = if kept {
                            Verdict::KeepAsWritten
                        } else {
                            Verdict::Stop
                        };
                        if let Some(slot) = slot {
                            slot.store(verdict.pack(), Ordering::Relaxed);
                        }
                        kept
                    }
                    verdict => verdict != Verdict::Stop,
                };
                lowercase(&mut token.surface);
                return kept;
            }
            if !token.word_id.is_system() {
                return true;
            }
            // A verdict per dictionary word is 3 MB to set up: a search that analyses a few words judges
            // them afresh instead (1,500 page faults, most of a search process's system time).
            let words_data: &'a [u8] = &dictionary.prefix_dictionary.words_data;
            let slot = in_bulk()
                .then(|| {
                    self.verdicts.get_or_init(|| VerdictTable {
                        words_data: words_data.as_ptr() as usize,
                        slots: (0..dictionary.prefix_dictionary.words_idx_data.len() / 4)
                            .map(|_| AtomicU64::new(0))
                            .collect(),
                    })
                })
                .filter(|table| table.words_data == words_data.as_ptr() as usize)
                .and_then(|table| table.slots.get(id));
            match Verdict::unpack(slot.map_or(0, |v| v.load(Ordering::Relaxed))) {
                Verdict::Stop => return false,
                Verdict::KeepAsWritten => return true,
                // Known to be kept: its form is read straight from where the dictionary holds it.
                Verdict::KeepInForm(span) => {
                    let form = match words_data.get(span) {
                        // SAFETY: a non-empty span is only packed from `span_in`, for a `&str` that lay
                        // at these very bytes of this very dictionary (the table is its own, checked
                        // above), and a dictionary's word data never changes: the bytes are UTF-8.
                        // Checking them again took 2.7% of indexing's CPU samples (0.8% of its
                        // instructions).
                        Some(form) if !form.is_empty() => {
                            Some(unsafe { std::str::from_utf8_unchecked(form) })
                        }
                        _ => self.form_of(dictionary.word_details_iter(id)),
                    };
                    if let Some(form) = form {
                        token.surface = form.into();
                    }
                    lowercase(&mut token.surface);
                    return true;
                }
                Verdict::Unseen => {}
            }
            let judged = self.judge(&mut key, dictionary.word_details_iter(id));
            let verdict = match judged {
                None => Verdict::Stop,
                Some(_) if is_punctuation(&token.surface) => Verdict::Stop,
                Some(form) => {
                    let as_written = token.surface.clone();
                    let span = form.map_or(0..0, |form| {
                        token.surface = form.into();
                        span_in(words_data, form)
                    });
                    lowercase(&mut token.surface);
                    if token.surface == as_written {
                        Verdict::KeepAsWritten
                    } else {
                        Verdict::KeepInForm(span)
                    }
                }
            };
            let kept = verdict != Verdict::Stop;
            if let Some(slot) = slot {
                slot.store(verdict.pack(), Ordering::Relaxed);
            }
            kept
        });
        Ok(())
    }
}

/// kuromoji's katakana stemming (サーバー → サーバ), as lindera-analysis's `japanese_katakana_stem`
/// does it, but testing the rare trailing ー before the costly Unicode-block lookup it starts with.
#[derive(Clone)]
struct KatakanaStem;

impl TokenFilter for KatakanaStem {
    fn name(&self) -> &'static str {
        "japanese_katakana_stem"
    }

    fn apply(&self, tokens: &mut Vec<Token<'_>>) -> lindera::LinderaResult<()> {
        for token in tokens.iter_mut() {
            let surface = &token.surface;
            if surface.ends_with('ー')
                && surface.chars().count() > KATAKANA_STEM_MIN
                && surface
                    .chars()
                    .all(|c| ('\u{30A0}'..='\u{30FF}').contains(&c))
            {
                let stemmed = surface[..surface.len() - 'ー'.len_utf8()].to_string();
                token.surface = stemmed.into();
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::span_in;

    #[test]
    fn a_form_has_a_span_only_inside_the_word_data() {
        let data = "名詞\0提供\0テイキョウ".as_bytes();
        let inside = std::str::from_utf8(&data[7..13]).unwrap();
        assert_eq!(span_in(data, inside), 7..13);
        // The same text elsewhere, and text running past the end, are looked up instead.
        assert_eq!(span_in(data, &String::from("提供")), 0..0);
        let (head, tail) = data.split_at(7);
        assert_eq!(span_in(head, std::str::from_utf8(tail).unwrap()), 0..0);
    }
}
