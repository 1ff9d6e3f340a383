//! The character filter every analyser starts with: Unicode NFKC plus kana iteration marks, with an exact
//! map from the normalised text back to the original.
//!
//! lindera-analysis's `unicode_normalize` maps offsets proportionally inside a changed span, so a token
//! inside an expansion such as ㈱ → (株) lands mid-character and tantivy's snippet generator panics. Here
//! the text is normalised one *unit* at a time (a character with the combining marks that follow it), and
//! any offset inside a changed unit snaps to that unit's edges: offsets always fall on character
//! boundaries of the original, and a token made from part of ㈱ highlights the whole ㈱.

use std::cell::RefCell;
use std::ops::Range;

use unicode_normalization::char::canonical_combining_class;
use unicode_normalization::{UnicodeNormalization, is_nfkc_quick};

use super::Recent;

/// Text after normalisation, with the edits that map its offsets back to the original.
#[derive(Debug, Clone, Default)]
pub struct Normalized {
    /// The normalised text the segmenter sees.
    pub text: String,
    /// Units whose normalised form differs from the original, in order.
    edits: Vec<Edit>,
}

#[derive(Debug, Clone)]
struct Edit {
    original: Range<usize>,
    normalized: Range<usize>,
}

impl Normalized {
    /// Normalises `original`: NFKC (full/half width, compatibility characters) and kana iteration marks.
    ///
    /// The kanji mark 々 is kept: IPADIC knows 様々 and 人々 as words, and expanding them would split them.
    pub fn new(original: &str) -> Normalized {
        let mut out = Normalized {
            text: String::with_capacity(original.len()),
            edits: Vec::new(),
        };
        // Unchanged text is copied in runs; only a unit that normalisation changes interrupts a run.
        let mut copied = 0;
        let bytes = original.as_bytes();
        let mut at = 0;
        while at < original.len() {
            // ASCII is stable, and only a mark (never ASCII) composes with it: English text passes a
            // byte at a time, without decoding characters.
            if bytes[at].is_ascii() && bytes.get(at + 1).is_none_or(u8::is_ascii) {
                at += 1;
                continue;
            }
            let start = at;
            let mut chars = original[start..].chars();
            let first = chars.next().expect("a character starts here");
            // Gather the marks that compose with `first`; NFKC is not closed under concatenation otherwise.
            let mut end = start + first.len_utf8();
            for next in chars {
                if !is_combining(next) {
                    break;
                }
                end += next.len_utf8();
            }
            at = end;
            if end == start + first.len_utf8() && is_stable(first) {
                continue;
            }
            let unit = &original[start..end];
            let previous = if copied < start {
                original[..start].chars().next_back()
            } else {
                out.text.chars().next_back()
            };
            let replacement = match iteration_mark(first, previous) {
                Some(repeated) => repeated,
                None if is_nfkc_quick(unit.chars()) == unicode_normalization::IsNormalized::Yes => {
                    continue;
                }
                None => unit.nfkc().collect::<String>(),
            };
            if replacement == unit {
                continue;
            }
            out.text.push_str(&original[copied..start]);
            let from = out.text.len();
            out.text.push_str(&replacement);
            out.edits.push(Edit {
                original: start..end,
                normalized: from..out.text.len(),
            });
            copied = end;
        }
        out.text.push_str(&original[copied..]);
        out
    }

    /// Maps a token's byte range in the normalised text to a byte range of the original.
    ///
    /// Both ends land on character boundaries of the original; a range inside one changed unit widens to
    /// the whole unit.
    pub fn to_original(&self, normalized: Range<usize>) -> Range<usize> {
        let start = self.map(normalized.start, Side::Start);
        let end = self.map(normalized.end, Side::End).max(start);
        start..end
    }

    fn map(&self, offset: usize, side: Side) -> usize {
        // The last edit starting at or before `offset` (for an end, strictly before it).
        let idx = self.edits.partition_point(|e| match side {
            Side::Start => e.normalized.start <= offset,
            Side::End => e.normalized.start < offset,
        });
        let Some(edit) = idx.checked_sub(1).map(|i| &self.edits[i]) else {
            return offset;
        };
        let inside = match side {
            Side::Start => offset < edit.normalized.end,
            Side::End => offset <= edit.normalized.end,
        };
        if inside {
            return match side {
                Side::Start => edit.original.start,
                Side::End => edit.original.end,
            };
        }
        offset - edit.normalized.end + edit.original.end
    }
}

thread_local! {
    static RECENT: RefCell<Recent<Normalized>> = RefCell::default();
}

/// Runs `f` on the normalisation of `text`, reusing this thread's when it normalised the same text
/// lately (see [`Recent`]).
///
/// `f` must not call this again (the cache is borrowed while it runs).
pub fn with_normalized<R>(text: &str, f: impl FnOnce(&Normalized) -> R) -> R {
    RECENT.with_borrow_mut(|recent| {
        f(recent.get(text, |normalized| *normalized = Normalized::new(text)))
    })
}

#[derive(Clone, Copy)]
enum Side {
    Start,
    End,
}

/// A fast answer for the characters that make up almost all of our text: ASCII, kana, kanji and the
/// Japanese punctuation that NFKC leaves alone.
fn is_stable(c: char) -> bool {
    matches!(c, '\0'..='\u{7F}' | '\u{3041}'..='\u{3096}' | '\u{30A1}'..='\u{30FA}' | '\u{30FC}'
        | '\u{4E00}'..='\u{9FFF}' | '\u{3001}'..='\u{3002}' | '\u{3005}'..='\u{3006}' | '\u{3008}'..='\u{3011}')
}

/// Whether `c` belongs to the unit of the character before it.
fn is_combining(c: char) -> bool {
    if c < '\u{300}' || (is_stable(c) && c != '\u{3099}' && c != '\u{309A}') {
        return false;
    }
    // Half-width voicing marks are starters (class 0) but NFKC turns them into combining marks.
    canonical_combining_class(c) != 0 || matches!(c, '\u{FF9E}' | '\u{FF9F}')
}

/// Expands a kana iteration mark (ゝゞヽヾ) into the kana it repeats, voiced or not.
fn iteration_mark(mark: char, previous: Option<char>) -> Option<String> {
    let previous = previous?;
    let (hiragana, voiced) = match mark {
        'ゝ' => (true, false),
        'ゞ' => (true, true),
        'ヽ' => (false, false),
        'ヾ' => (false, true),
        _ => return None,
    };
    let is_hiragana = ('\u{3041}'..='\u{3096}').contains(&previous);
    let is_katakana = ('\u{30A1}'..='\u{30FA}').contains(&previous);
    if (hiragana && !is_hiragana) || (!hiragana && !is_katakana) {
        return None;
    }
    // Decompose to drop any voicing the previous kana had, then add the mark's own.
    let base: String = std::iter::once(previous)
        .nfd()
        .filter(|c| !matches!(c, '\u{3099}' | '\u{309A}'))
        .collect();
    let repeated: String = if voiced {
        base.chars()
            .chain(std::iter::once('\u{3099}'))
            .nfc()
            .collect()
    } else {
        base
    };
    // A kana with no voiced form (ゞ after あ) stays as written.
    (repeated.chars().count() == 1).then_some(repeated)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn surface_of(original: &str, normalized_range: Range<usize>) -> String {
        let n = Normalized::new(original);
        original[n.to_original(normalized_range)].to_string()
    }

    #[test]
    fn width_and_compatibility_forms_fold() {
        assert_eq!(Normalized::new("ＰＲとｸｯｷｰ").text, "PRとクッキー");
        assert_eq!(Normalized::new("ｶﾞｲﾄﾞ").text, "ガイド");
        assert_eq!(Normalized::new("㈱ライブ").text, "(株)ライブ");
        assert_eq!(Normalized::new("か\u{3099}").text, "が");
    }

    #[test]
    fn a_mark_after_ascii_composes_with_it() {
        let n = Normalized::new("cafe\u{301} ok");
        assert_eq!(n.text, "café ok");
        // é is the e and its mark, bytes 3..6 of the original.
        assert_eq!(n.to_original(3..5), 3..6);
        assert_eq!(n.to_original(6..8), 7..9);
    }

    #[test]
    fn offsets_inside_an_expansion_widen_to_the_whole_character() {
        // (株) is 5 bytes standing for the 3 bytes of ㈱; 株 is bytes 1..4 of the normalised text.
        assert_eq!(surface_of("㈱ライブ", 1..4), "㈱");
        assert_eq!(surface_of("㈱ライブ", 5..11), "ライ");
    }

    #[test]
    fn offsets_after_width_changes_shift_exactly() {
        // "ＰＲ" (6 bytes) becomes "PR" (2 bytes); と follows at 2..5 normalised, 6..9 original.
        assert_eq!(surface_of("ＰＲと", 0..2), "ＰＲ");
        assert_eq!(surface_of("ＰＲと", 2..5), "と");
        assert_eq!(surface_of("ｶﾞｲﾄﾞです", 0..9), "ｶﾞｲﾄﾞ");
    }

    #[test]
    fn kana_iteration_marks_repeat_the_previous_kana() {
        assert_eq!(Normalized::new("いすゞ").text, "いすず");
        assert_eq!(Normalized::new("こゝろ").text, "こころ");
        assert_eq!(Normalized::new("バナヽ").text, "バナナ");
        assert_eq!(Normalized::new("様々").text, "様々");
        assert_eq!(Normalized::new("ゝ").text, "ゝ");
    }

    #[test]
    fn every_offset_maps_to_a_char_boundary() {
        let original = "㈱①㍿ＡＢｶﾞ\u{0301}e\u{0301}x\u{20DD}ﬁ";
        let n = Normalized::new(original);
        // Tokens start and end on character boundaries of the normalised text.
        let bounds: Vec<usize> = (0..=n.text.len())
            .filter(|&i| n.text.is_char_boundary(i))
            .collect();
        for (i, &a) in bounds.iter().enumerate() {
            for &b in &bounds[i..] {
                let r = n.to_original(a..b);
                assert!(original.is_char_boundary(r.start) && original.is_char_boundary(r.end));
                assert!(r.start <= r.end && r.end <= original.len());
            }
        }
    }

    #[test]
    fn the_last_normalisation_is_reused_only_for_the_same_text() {
        let first = with_normalized("ＰＲ", |n| n.text.clone());
        let second = with_normalized("㈱", |n| (n.text.clone(), n.to_original(0..1)));
        let third = with_normalized("ＰＲ", |n| n.text.clone());
        assert_eq!(
            (first, second, third),
            ("PR".into(), ("(株)".into(), 0..3), "PR".into())
        );
    }
}
