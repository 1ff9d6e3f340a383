//! Long texts in bounded pieces: analysis costs about a hundred bytes of memory per byte of text analysed
//! at once, so no more than [`PIECE_BYTES`] is ever analysed at once, and a longer clause is indexed as
//! consecutive pieces.

use std::ops::Range;

/// The most text analysed, or indexed as one clause, at once: ten times the longest clause of the dev
/// set's policies (3.3 KB), and about 3.5 MB of memory to analyse.
pub const PIECE_BYTES: usize = 32 * 1024;

/// Consecutive byte ranges covering all of `text`, each at most `max` bytes (at least one character),
/// cut after a sentence end where there is one in the second half of a piece, else after a space or
/// comma, else between two characters. Joined again they give back `text` exactly.
pub fn pieces(text: &str, max: usize) -> impl Iterator<Item = Range<usize>> + '_ {
    let mut start = 0;
    // The empty text is one empty piece.
    let mut first = true;
    std::iter::from_fn(move || {
        if start == text.len() && !std::mem::take(&mut first) {
            return None;
        }
        first = false;
        let end = start + cut(&text[start..], max);
        let piece = start..end;
        start = end;
        Some(piece)
    })
}

/// The longest start of `text` at most `max` bytes long, cut between characters.
pub fn head(text: &str, max: usize) -> &str {
    &text[..floor_boundary(text, max)]
}

/// The nearest character boundary of `text` at or before byte `i` (`str::floor_char_boundary` is newer
/// than the Rust this crate supports).
pub fn floor_boundary(text: &str, i: usize) -> usize {
    let mut i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// The nearest character boundary of `text` at or after byte `i`, at most its length.
pub fn ceil_boundary(text: &str, i: usize) -> usize {
    let mut i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i += 1;
    }
    i
}

/// Where the first piece of `text` ends.
fn cut(text: &str, max: usize) -> usize {
    if text.len() <= max {
        return text.len();
    }
    let limit = floor_boundary(text, max.max(1));
    if limit == 0 {
        // `max` is smaller than the first character: that character alone.
        return text.chars().next().map_or(0, char::len_utf8);
    }
    let window = &text[..limit];
    let mut weak = None;
    let mut next: Option<char> = text[limit..].chars().next();
    for (i, c) in window.char_indices().rev() {
        if i < limit / 2 {
            break;
        }
        let end = i + c.len_utf8();
        match c {
            '。' | '．' | '！' | '？' | '\n' => return end,
            '.' | '!' | '?' if next.is_some_and(char::is_whitespace) => return end,
            '、' | '，' | ',' | ';' | '；' | ' ' | '\t' | '　' if weak.is_none() => {
                weak = Some(end)
            }
            _ => {}
        }
        next = Some(c);
    }
    weak.unwrap_or(limit)
}

#[cfg(test)]
mod tests {
    use super::{head, pieces};

    fn cut(text: &str, max: usize) -> Vec<&str> {
        pieces(text, max).map(|r| &text[r]).collect()
    }

    #[test]
    fn short_texts_are_one_piece() {
        assert_eq!(cut("", 10), vec![""]);
        assert_eq!(cut("第1条", 100), vec!["第1条"]);
    }

    #[test]
    fn long_texts_are_cut_after_sentences_and_lose_nothing() {
        let text = "当社は個人情報を取得します。利用目的は次のとおりです。第三者に提供しません。";
        let parts = cut(text, 45);
        assert_eq!(parts.concat(), text);
        assert!(
            parts.iter().all(|p| p.len() <= 45 && p.ends_with('。')),
            "{parts:?}"
        );
        let english = "We collect data. We use it well. We never sell it to anyone at all.";
        let parts = cut(english, 20);
        assert_eq!(parts.concat(), english);
        assert_eq!(parts[0], "We collect data.");
    }

    #[test]
    fn a_head_never_cuts_a_character() {
        assert_eq!(head("個人情報", 7), "個人");
        assert_eq!(head("個人情報", 100), "個人情報");
        assert_eq!(head("個人情報", 2), "");
    }

    #[test]
    fn text_without_breaks_is_cut_between_characters() {
        let text = "個".repeat(100);
        let parts = cut(&text, 31);
        assert_eq!(parts.concat(), text);
        assert!(parts.iter().all(|p| p.len() == 30), "{parts:?}");
        assert_eq!(cut("個人", 1), vec!["個", "人"]);
    }
}
