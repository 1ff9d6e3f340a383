//! The query as typed, read the way the query grammar expects: what an IME produces means what its
//! ASCII form does.
//!
//! A full-width space separates words; ＡＮＤ ＯＲ ＮＯＴ, －, ＋, （ ） and ＂ are operators; 「…」, 『…』 and
//! “…” quote a phrase as "…" does; `NOT word` is `-word`. Inside quotes nothing changes.

/// The query arguments as one query in the grammar's ASCII syntax.
pub fn normalize(args: &[impl AsRef<str>]) -> String {
    let joined = args.iter().map(AsRef::as_ref).collect::<Vec<_>>().join(" ");
    let mut out = String::with_capacity(joined.len());
    // The quotes that close the open phrase, if one is open.
    let mut closing: Option<&[char]> = None;
    for c in joined.chars() {
        if let Some(close) = closing {
            if close.contains(&c) {
                out.push('"');
                closing = None;
            } else if c == '"' {
                // A straight quote inside 「…」 would end the phrase early.
                out.push(' ');
            } else {
                out.push(c);
            }
            continue;
        }
        let open: Option<&[char]> = match c {
            '"' | '＂' => Some(&['"', '＂']),
            '「' => Some(&['」']),
            '『' => Some(&['』']),
            '“' => Some(&['”', '"']),
            _ => None,
        };
        if open.is_some() {
            out.push('"');
            closing = open;
            continue;
        }
        out.push(match c {
            // An apostrophe (don't, children's) is part of an English word, not a quote.
            '\'' | '’' => '\u{2019}',
            '\u{3000}' => ' ',
            '－' | '−' => '-',
            '＋' => '+',
            '（' => '(',
            '）' => ')',
            '：' => ':',
            '＊' => '*',
            '～' => '~',
            c => c,
        });
    }
    operators(&apostrophes(&out))
}

/// A possessive ('s) is the word itself (children's → children); another apostrophe joins the parts
/// of a word as a hyphen does (don't → don-t, the phrase "don t" as indexed).
fn apostrophes(query: &str) -> String {
    let mut out = String::with_capacity(query.len());
    let chars: Vec<char> = query.chars().collect();
    let mut quoted = false;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '"' {
            quoted = !quoted;
        }
        if c == '\u{2019}' && !quoted {
            let next = chars.get(i + 1).copied();
            let after = chars.get(i + 2).copied();
            if matches!(next, Some('s' | 'S')) && after.is_none_or(|a| !a.is_alphanumeric()) {
                i += 2;
                continue;
            }
            out.push('-');
        } else if c == '\u{2019}' {
            out.push('\'');
        } else {
            out.push(c);
        }
        i += 1;
    }
    out
}

/// Full-width operator words as ASCII, and `NOT x` as `-x`, outside quotes.
fn operators(query: &str) -> String {
    let mut out = String::with_capacity(query.len());
    let mut quoted = false;
    let mut negate_next = false;
    for (i, piece) in query.split(' ').enumerate() {
        if i > 0 {
            out.push(' ');
        }
        let starts_quoted = quoted;
        quoted ^= piece.matches('"').count() % 2 == 1;
        if starts_quoted {
            out.push_str(piece);
            continue;
        }
        let word = match piece {
            "ＡＮＤ" => "AND",
            "ＯＲ" => "OR",
            "ＮＯＴ" => "NOT",
            other => other,
        };
        if word == "NOT" {
            negate_next = true;
            // The space after it goes too, so the next word reads `-word`.
            out.pop_if_space();
            continue;
        }
        if negate_next && !word.is_empty() {
            out.push('-');
            negate_next = false;
        }
        out.push_str(word);
    }
    if negate_next {
        out.push_str("NOT");
    }
    out.split(' ')
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

trait PopIfSpace {
    fn pop_if_space(&mut self);
}

impl PopIfSpace for String {
    fn pop_if_space(&mut self) {
        if self.ends_with(' ') {
            self.pop();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::normalize;

    #[test]
    fn ime_input_reads_as_ascii() {
        assert_eq!(normalize(&["同意　第三者"]), "同意 第三者");
        assert_eq!(normalize(&["第三者 －委託"]), "第三者 -委託");
        assert_eq!(normalize(&["第三者提供 ＯＲ 外国"]), "第三者提供 OR 外国");
        assert_eq!(normalize(&["（第三者 ＯＲ 委託）"]), "(第三者 OR 委託)");
        assert_eq!(normalize(&["Cookie", "NOT", "Google"]), "Cookie -Google");
        assert_eq!(normalize(&["同意", "第三者"]), "同意 第三者");
        assert_eq!(normalize(&["Cookie", "-Google"]), "Cookie -Google");
        assert_eq!(normalize(&["Cookie", "\u{2212}Google"]), "Cookie -Google");
    }

    #[test]
    fn apostrophes_are_english_not_quotes() {
        assert_eq!(normalize(&["children's privacy"]), "children privacy");
        assert_eq!(normalize(&["don't sell"]), "don-t sell");
        assert_eq!(normalize(&["\"don't sell\""]), "\"don't sell\"");
    }

    #[test]
    fn japanese_quotes_are_phrases_and_their_insides_stay() {
        assert_eq!(normalize(&["「第三者に提供」"]), "\"第三者に提供\"");
        assert_eq!(normalize(&["『第三者（委託先）』"]), "\"第三者（委託先）\"");
        assert_eq!(normalize(&["“opt out”"]), "\"opt out\"");
        assert_eq!(normalize(&["＂第三者＂"]), "\"第三者\"");
        assert_eq!(normalize(&["\"a NOT b\""]), "\"a NOT b\"");
    }
}
