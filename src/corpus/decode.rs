//! Text encodings: UTF-8 and UTF-16 by their byte-order marks, Shift_JIS and EUC-JP by which decodes
//! cleanly into more Japanese.

use encoding_rs::{EUC_JP, Encoding, SHIFT_JIS, UTF_16BE, UTF_16LE};

/// Decodes bytes as UTF-8 (with or without BOM), UTF-16 with BOM, Shift_JIS/CP932 or EUC-JP, detected
/// rather than assumed. Binary data and text in none of these are errors.
pub fn decode(bytes: Vec<u8>) -> Result<(String, &'static str), String> {
    if let Some((encoding, bom_len)) = Encoding::for_bom(&bytes) {
        let (text, had_errors) = encoding.decode_without_bom_handling(&bytes[bom_len..]);
        if had_errors {
            return Err(format!(
                "invalid {} after its byte-order mark",
                encoding.name()
            ));
        }
        return Ok((text.into_owned(), encoding.name()));
    }
    if bytes.is_empty() {
        return Ok((String::new(), "UTF-8"));
    }
    // NUL never occurs in text in these encodings (UTF-16 without a BOM is not supported).
    let head = &bytes[..bytes.len().min(64 * 1024)];
    if head.contains(&0) {
        let hint = if looks_like_utf16(head) {
            " (UTF-16 without a byte-order mark?)"
        } else {
            ""
        };
        return Err(format!("binary file, not text{hint}"));
    }
    let bytes = match String::from_utf8(bytes) {
        Ok(text) => return Ok((text, "UTF-8")),
        Err(e) => e.into_bytes(),
    };
    // Legacy Japanese encodings: take whichever decodes cleanly; when both do, the one that yields more
    // kana and common kanji is the right one (random byte pairs rarely form frequent characters).
    // A file cut mid-character (a truncated download) still counts as clean if all but its last
    // character decodes; that character becomes U+FFFD.
    let clean = |enc: &'static Encoding| {
        let (text, had_errors) = enc.decode_without_bom_handling(&bytes);
        let truncated = || {
            (1..=2).any(|cut| {
                !enc.decode_without_bom_handling(&bytes[..bytes.len().saturating_sub(cut)])
                    .1
            })
        };
        (!had_errors || truncated()).then(|| (japanese_score(&text), text.into_owned(), enc.name()))
    };
    [SHIFT_JIS, EUC_JP]
        .into_iter()
        .filter_map(clean)
        .max_by_key(|(score, _, _)| *score)
        .map(|(_, text, name)| (text, name))
        .ok_or_else(|| {
            "cannot decode: not valid UTF-8, UTF-16 (with BOM), Shift_JIS or EUC-JP".to_string()
        })
}

fn looks_like_utf16(head: &[u8]) -> bool {
    let (text, had_errors) = UTF_16LE.decode_without_bom_handling(head);
    let (text_be, had_errors_be) = UTF_16BE.decode_without_bom_handling(head);
    (!had_errors && japanese_score(&text) > 0) || (!had_errors_be && japanese_score(&text_be) > 0)
}

/// How many characters of `text` are hiragana, katakana or the most frequent punctuation.
fn japanese_score(text: &str) -> usize {
    text.chars()
        .filter(|c| matches!(c, '\u{3041}'..='\u{3096}' | '\u{30A1}'..='\u{30FA}' | '、' | '。' | '「' | '」'))
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_each_encoding() {
        let text = "第1条（目的）当社は、個人情報を適切に取り扱います。";
        let utf8 = decode(text.as_bytes().to_vec()).unwrap();
        assert_eq!(utf8, (text.to_string(), "UTF-8"));
        let bom = [b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat();
        assert_eq!(decode(bom).unwrap().0, text);
        for enc in [SHIFT_JIS, EUC_JP] {
            let bytes = enc.encode(text).0.into_owned();
            assert_eq!(
                decode(bytes).unwrap(),
                (text.to_string(), enc.name()),
                "{}",
                enc.name()
            );
        }
        let mut utf16 = vec![0xFF, 0xFE];
        utf16.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
        assert_eq!(decode(utf16).unwrap(), (text.to_string(), "UTF-16LE"));
    }

    #[test]
    fn binary_and_garbage_are_refused_with_a_reason() {
        assert!(
            decode(vec![0x7F, b'E', b'L', b'F', 0, 0, 1])
                .unwrap_err()
                .contains("binary")
        );
        assert!(
            decode(vec![0xFF, 0xFF, 0xFF, 0x80, 0x80])
                .unwrap_err()
                .contains("cannot decode")
        );
    }
}
