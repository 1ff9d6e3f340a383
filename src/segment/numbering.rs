//! Numbering: which marker a line carries, where a numbered line sits in the open list stack, and how
//! a clause is labelled and cited. Pure functions of (marker, number, indent, stack), tested row by row.

/// Kinds of paragraph and item numbering, which nest like Markdown lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Marker {
    /// A statute paragraph number: `２　…`, `2 項.`; always a paragraph (項) of its article.
    Kou,
    /// `1.`, `１．`, `1)`, Markdown ordered lists.
    Decimal,
    /// `3.1`, `6.2.1`: the number carries its own depth.
    Dotted,
    /// `(1)`, `（１）`, `(a)`.
    Paren,
    /// `①`.
    Circled,
    /// `一　…`: a statute item (号).
    Kanji,
    /// `ア`, `イ　…`, `ア）`: sub-items.
    Iroha,
    /// `a.`, `(a)` letters.
    Alpha,
    /// `Ⅰ.`, `I.`, `II.` Roman numerals.
    Roman,
    /// `【1】`.
    Bracket,
    /// `・`, `■`, `*`, `-` bullets: counted by position.
    Bullet,
    /// Unnumbered text.
    Plain,
}

/// One open level of the list stack.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Open {
    /// Its marker kind.
    pub marker: Marker,
    /// The source indentation of its line.
    pub indent: usize,
    /// Its label path (`2-(1)`).
    pub label: String,
    /// Its id path (`2.1`).
    pub key: String,
    /// Its citation (`第2項第1号`, `.2(1)`).
    pub cite: String,
    /// Children opened under it so far, for counting unnumbered ones.
    pub children: usize,
}

/// The depth a line marked `marker` (with `number`, at `indent`) takes, given the open `stack` and the
/// article's paragraphs so far. Depth 0 is a paragraph (項), 1 an item (号), deeper a sub-item.
pub fn depth(
    marker: Marker,
    number: Option<&str>,
    indent: usize,
    stack: &[Open],
    paragraphs: usize,
) -> usize {
    match marker {
        Marker::Plain | Marker::Kou => return 0,
        Marker::Dotted => {
            // `N.M` carries its own depth: 3.1 is a paragraph of article 3, 6.2.1 an item of 6.2.
            let dots = number.unwrap_or("").matches('.').count();
            let dotted = stack
                .iter()
                .take_while(|o| o.marker == Marker::Dotted)
                .count();
            return dots.saturating_sub(1).min(dotted);
        }
        _ => {}
    }
    // Levels indented deeper than this line are closed by it.
    let open = stack.iter().take_while(|o| o.indent <= indent + 1).count();
    let stack = &stack[..open];
    let depth = match stack.iter().rposition(|o| o.marker == marker) {
        // The same kind indented further opens a nested list (`1.` under `5.`).
        Some(d) if indent >= stack[d].indent + 2 => stack.len(),
        Some(d) => d,
        None => stack.len(),
    };
    // Statute form: the first paragraph unnumbered, then `2.`, `3.` written as a list. A list that
    // starts at 2 right under that first paragraph numbers paragraphs, not items.
    let continues_paragraphs = depth == 1
        && stack.len() == 1
        && stack[0].marker == Marker::Plain
        && stack[0].children == 0
        && indent <= stack[0].indent + 1
        && matches!(marker, Marker::Decimal)
        && number.and_then(|n| n.parse::<usize>().ok()) == Some(paragraphs + 1)
        && paragraphs >= 1;
    if continues_paragraphs { 0 } else { depth }
}

/// Whether the document cites by articles (第N条): then paragraphs are 項 and items 号.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CiteStyle {
    /// `第12条第2項第3号`.
    Jo,
    /// `5.1(2)`, `§3 ¶2`.
    Section,
}

/// The citation of a clause at `depth` under `parent` (the citation of the level above, or of the
/// article at depth 0): `ordinal` is its position among its siblings, `number` its own number if it
/// has one, `label` its own label as written.
pub fn cite(
    style: CiteStyle,
    parent: &str,
    depth: usize,
    marker: Marker,
    number: Option<&str>,
    ordinal: usize,
    label: &str,
) -> String {
    let numeric = number.filter(|n| n.starts_with(|c: char| c.is_ascii_digit()));
    match (style, depth) {
        (CiteStyle::Jo, 0) => format!(
            "{parent}第{}項",
            numeric.map_or(ordinal.to_string(), String::from)
        ),
        (CiteStyle::Jo, 1) => match marker {
            Marker::Iroha | Marker::Alpha => format!("{parent}{label}"),
            _ => {
                let n = numeric.map_or(ordinal.to_string(), String::from);
                // `十一の二` is cited 第11号の2.
                match n.split_once('の') {
                    Some((n, sub)) => format!("{parent}第{n}号の{sub}"),
                    None => format!("{parent}第{n}号"),
                }
            }
        },
        (CiteStyle::Jo, _) => format!("{parent}{}", sub_label(marker, numeric, ordinal, label)),
        (CiteStyle::Section, 0) => match (marker, number) {
            (Marker::Dotted, Some(n)) => n.to_string(),
            (Marker::Plain | Marker::Bullet, _) | (_, None) => {
                let sep = if parent.is_empty() { "" } else { " " };
                format!("{parent}{sep}¶{ordinal}")
            }
            (_, Some(n)) if parent.is_empty() => n.to_string(),
            (_, Some(n)) => format!("{parent}.{n}"),
        },
        (CiteStyle::Section, _) => match (marker, number) {
            (Marker::Dotted, Some(n)) => n.to_string(),
            _ => format!("{parent}{}", sub_label(marker, numeric, ordinal, label)),
        },
    }
}

/// A sub-item's part of a citation: `(1)`, `イ`, `①`.
fn sub_label(marker: Marker, numeric: Option<&str>, ordinal: usize, label: &str) -> String {
    match marker {
        Marker::Iroha | Marker::Circled => label.to_string(),
        Marker::Alpha => format!("({})", label.trim_matches(['(', ')', '.'])),
        _ => format!("({})", numeric.map_or(ordinal.to_string(), String::from)),
    }
}

/// The label a numbered line shows: `2`, `(1)`, `①`, `ア`, `6.2.1`.
pub fn number_label(marker: Marker, number: Option<&str>) -> String {
    match marker {
        Marker::Paren => format!("({})", number.unwrap_or("")),
        Marker::Circled => number
            .and_then(|n| n.parse::<u32>().ok())
            .and_then(|n| char::from_u32('①' as u32 + n - 1))
            .map(String::from)
            .unwrap_or_default(),
        _ => number.unwrap_or("").to_string(),
    }
}

/// A label made safe and short for ids: `6.2.1` stays, `(1)` becomes `1`.
pub fn id_part(label: &str) -> String {
    label
        .chars()
        .filter(|c| c.is_alphanumeric() || *c == '.')
        .collect()
}

/// Full-width and kanji numerals as ASCII digits (十二 → 12, 十一の二 → 11の2).
pub fn ascii_number(s: &str) -> String {
    if let Some((n, sub)) = s.split_once('の') {
        return format!("{}の{}", ascii_number(n), ascii_number(sub));
    }
    if s.chars().all(|c| c.is_ascii_digit()) {
        return s.to_string();
    }
    if s.chars()
        .all(|c| c.is_ascii_digit() || ('０'..='９').contains(&c))
    {
        return s
            .chars()
            .map(|c| match c {
                '０'..='９' => char::from(b'0' + (c as u32 - '０' as u32) as u8),
                _ => c,
            })
            .collect();
    }
    let digit = |c: char| "〇一二三四五六七八九".chars().position(|d| d == c);
    let (mut total, mut current) = (0usize, 0usize);
    for c in s.chars() {
        match c {
            '十' => {
                total += current.max(1) * 10;
                current = 0;
            }
            '百' => {
                total += current.max(1) * 100;
                current = 0;
            }
            '千' => {
                total += current.max(1) * 1000;
                current = 0;
            }
            _ => current = current * 10 + digit(c).unwrap_or(0),
        }
    }
    (total + current).to_string()
}

/// Roman numerals (`IV`, `Ⅳ`) as a number.
pub fn roman_number(s: &str) -> Option<usize> {
    if let Some(c) = s.chars().next().filter(|_| s.chars().count() == 1)
        && ('Ⅰ'..='Ⅻ').contains(&c)
    {
        return Some((c as u32 - 'Ⅰ' as u32 + 1) as usize);
    }
    let value = |c: char| match c.to_ascii_uppercase() {
        'I' => Some(1),
        'V' => Some(5),
        'X' => Some(10),
        'L' => Some(50),
        _ => None,
    };
    let values: Option<Vec<usize>> = s.chars().map(value).collect();
    let values = values?;
    let mut total = 0;
    for (i, v) in values.iter().enumerate() {
        if values.get(i + 1).is_some_and(|next| next > v) {
            total -= *v as isize;
        } else {
            total += *v as isize;
        }
    }
    (total > 0).then_some(total as usize)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn open(marker: Marker, indent: usize) -> Open {
        Open {
            marker,
            indent,
            label: String::new(),
            key: String::new(),
            cite: String::new(),
            children: 0,
        }
    }

    #[test]
    fn depth_row_by_row() {
        use Marker::*;
        let plain = [open(Plain, 0)];
        let decimal = [open(Decimal, 0)];
        let nested = [open(Decimal, 0), open(Decimal, 3)];
        let paren = [open(Decimal, 0), open(Paren, 0)];
        /// (marker, number, indent, stack, paragraphs so far) → depth
        type Row<'a> = (Marker, Option<&'a str>, usize, &'a [Open], usize, usize);
        let rows: [Row; 14] = [
            (Plain, None, 0, &paren, 1, 0),
            (Kou, Some("2"), 0, &paren, 1, 0),
            (Decimal, Some("1"), 0, &[], 0, 0),
            (Decimal, Some("2"), 0, &decimal, 1, 0),
            (Paren, Some("1"), 0, &decimal, 1, 1),
            (Decimal, Some("2"), 0, &paren, 1, 0),
            (Decimal, Some("1"), 3, &decimal, 1, 1),
            (Decimal, Some("2"), 3, &nested, 1, 1),
            (Decimal, Some("2"), 0, &nested, 1, 0),
            (
                Decimal,
                Some("3"),
                3,
                &[open(Decimal, 0), open(Decimal, 3), open(Paren, 5)],
                1,
                1,
            ),
            // Items under an unnumbered first paragraph…
            (Decimal, Some("1"), 0, &plain, 1, 1),
            // …but `2.` right after it is the second paragraph in statute form.
            (Decimal, Some("2"), 0, &plain, 1, 0),
            (Dotted, Some("3.1"), 0, &[], 0, 0),
            (Dotted, Some("6.2.1"), 0, &[open(Dotted, 0)], 1, 1),
        ];
        for (i, (marker, number, indent, stack, paragraphs, want)) in rows.into_iter().enumerate() {
            assert_eq!(
                depth(marker, number, indent, stack, paragraphs),
                want,
                "row {i}: {marker:?} {number:?}"
            );
        }
    }

    #[test]
    fn citations_row_by_row() {
        use CiteStyle::*;
        use Marker::*;
        let rows = [
            (Jo, "第27条", 0, Plain, None, 1, "", "第27条第1項"),
            (Jo, "第27条", 0, Kou, Some("2"), 2, "2", "第27条第2項"),
            (
                Jo,
                "第27条第1項",
                1,
                Kanji,
                Some("1"),
                1,
                "一",
                "第27条第1項第1号",
            ),
            (
                Jo,
                "第2条第1項",
                1,
                Kanji,
                Some("11の2"),
                12,
                "十一の二",
                "第2条第1項第11号の2",
            ),
            (Jo, "第7条第3項", 1, Bullet, None, 4, "", "第7条第3項第4号"),
            (
                Jo,
                "第27条第1項第1号",
                2,
                Iroha,
                None,
                1,
                "イ",
                "第27条第1項第1号イ",
            ),
            (Section, "5", 0, Dotted, Some("5.1"), 1, "5.1", "5.1"),
            (Section, "5.1", 1, Paren, Some("2"), 2, "(2)", "5.1(2)"),
            (Section, "§3", 0, Plain, None, 2, "", "§3 ¶2"),
            (Section, "", 0, Plain, None, 4, "", "¶4"),
            (Section, "3", 0, Decimal, Some("2"), 2, "2", "3.2"),
        ];
        for (style, parent, depth, marker, number, ordinal, label, want) in rows {
            assert_eq!(
                cite(style, parent, depth, marker, number, ordinal, label),
                want
            );
        }
    }

    #[test]
    fn numbers_in_every_script() {
        assert_eq!(ascii_number("十二"), "12");
        assert_eq!(ascii_number("二十"), "20");
        assert_eq!(ascii_number("百一"), "101");
        assert_eq!(ascii_number("１２"), "12");
        assert_eq!(ascii_number("十一の二"), "11の2");
        assert_eq!(ascii_number("三百九十九の二"), "399の2");
        assert_eq!(roman_number("IV"), Some(4));
        assert_eq!(roman_number("Ⅲ"), Some(3));
        assert_eq!(roman_number("A"), None);
    }
}
