//! Lawyers' proximity operators, as Westlaw and Lexis users type them: `A /s B` (one sentence),
//! `A /p B` (one clause, our paragraph) and `A /N B` (within N words), `w/s`, `w/p`, `w/N` alike.
//!
//! An operator binds the words or phrases next to it, and `OR` binds tighter still, as on Westlaw:
//! `第三者 /s 提供 同意` is (第三者 /s 提供) and 同意; `A /s B OR C` is A /s (B OR C). A chain
//! `A /s B /5 C` holds where one occurrence of each operand meets the operator on either side of it.
//! Everything else of the query is read as before: a `/` inside a word (and/or, a URL) is no operator.

use super::QueryError;
use super::pattern::{Analysed, Pattern, Word, merged};

/// Most words an `/N` operator may span: more is no proximity.
pub const MAX_WORDS: u32 = 10_000;

/// How close two operands must stand.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Within {
    /// In one sentence.
    Sentence,
    /// In one clause.
    Clause,
    /// At most this many words apart (adjacent words are 1 apart).
    Words(u32),
}

impl Within {
    /// How the operator reads, for `search --explain`.
    pub fn describe(self) -> String {
        match self {
            Within::Sentence => {
                "in one sentence of the clause (a sentence ends at 。！？, or at . ! ? and a space)"
                    .to_string()
            }
            Within::Clause => "in the clause's text".to_string(),
            Within::Words(n) => {
                format!("within {n} words (as `joubun analyze` counts them, particles included)")
            }
        }
    }
}

/// A query split into its proximity chains and the rest, read as before.
#[derive(Debug, Default, PartialEq)]
pub struct Split {
    /// The query without its chains (empty when the chains are all of it).
    pub rest: String,
    /// Each chain of operands joined by operators.
    pub chains: Vec<Chain>,
}

/// Operands joined by proximity operators: `operands[i]` and `operands[i + 1]` by `within[i]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Chain {
    /// The chain as typed.
    pub text: String,
    /// Each operand in the query grammar: a word, a phrase, a group, or alternatives joined by OR.
    pub operands: Vec<String>,
    /// The operators between operands.
    pub within: Vec<Within>,
}

/// Splits `query` (in the grammar's ASCII syntax) into its proximity chains and the rest; a query
/// without operators is all rest, unchanged.
pub fn split(query: &str) -> Result<Split, QueryError> {
    let items = items(query);
    let mut operators = Vec::with_capacity(items.len());
    for item in &items {
        operators.push(operator(item).transpose().map_err(|e| syntax(query, e))?);
    }
    if operators.iter().all(Option::is_none) {
        for item in &items {
            in_group(query, item)?;
        }
        return Ok(Split {
            rest: query.to_string(),
            chains: Vec::new(),
        });
    }
    // Units: an item and the items it is ORed with; between units, an operator, AND, or nothing.
    let mut units: Vec<(Vec<&str>, Option<Within>)> = Vec::new();
    let mut i = 0;
    while i < items.len() {
        let item = items[i];
        if let Some(within) = operators[i] {
            let operand_at = |at: Option<usize>| {
                at.is_some_and(|at| {
                    at < items.len()
                        && operators[at].is_none()
                        && !matches!(items[at], "AND" | "OR")
                })
            };
            if units.is_empty() || !operand_at(i.checked_sub(1)) || !operand_at(Some(i + 1)) {
                return Err(syntax(
                    query,
                    format!(
                        "'{item}' needs a word or quoted phrase on each side, as in 第三者 /s 提供"
                    ),
                ));
            }
            units.last_mut().expect("a unit before").1 = Some(within);
            i += 1;
            continue;
        }
        if item == "OR" && !units.is_empty() && i + 1 < items.len() && operators[i + 1].is_none() {
            let unit = units.last_mut().expect("a unit before");
            unit.0.push(item);
            unit.0.push(items[i + 1]);
            i += 2;
            continue;
        }
        in_group(query, item)?;
        units.push((vec![item], None));
        i += 1;
    }
    let mut split = Split::default();
    let mut rest: Vec<String> = Vec::new();
    let mut chain: Option<Chain> = None;
    for (words, within) in units {
        let unit = words.join(" ");
        match (&mut chain, within) {
            (Some(c), _) => {
                c.text.push(' ');
                c.text.push_str(&unit);
                c.operands.push(unit);
                if let Some(w) = within {
                    c.text.push_str(&format!(" {}", operator_text(w)));
                    c.within.push(w);
                } else {
                    split.chains.push(chain.take().expect("a chain"));
                }
            }
            (None, Some(w)) => {
                chain = Some(Chain {
                    text: format!("{unit} {}", operator_text(w)),
                    operands: vec![unit],
                    within: vec![w],
                });
            }
            (None, None) => rest.push(unit),
        }
    }
    split.chains.extend(chain);
    // An AND beside a chain joins it to the rest, as a space does.
    rest.retain(|unit| unit != "AND");
    split.rest = rest.join(" ");
    Ok(split)
}

fn operator_text(within: Within) -> String {
    match within {
        Within::Sentence => "/s".to_string(),
        Within::Clause => "/p".to_string(),
        Within::Words(n) => format!("/{n}"),
    }
}

fn syntax(query: &str, message: String) -> QueryError {
    QueryError::Syntax(format!("{message} (in {query:?})"))
}

/// Refuses an operator inside parentheses, where it could not be told from a word.
fn in_group(query: &str, item: &str) -> Result<(), QueryError> {
    let Some(inner) = item
        .trim_start_matches(['-', '+'])
        .strip_prefix('(')
        .and_then(|i| i.strip_suffix(')'))
    else {
        return Ok(());
    };
    for inner_item in items(inner) {
        if operator(inner_item).is_some() {
            return Err(syntax(
                query,
                format!(
                    "'{inner_item}' cannot stand inside ( ); put the alternatives in the parentheses: (A OR B) /s C"
                ),
            ));
        }
        in_group(query, inner_item)?;
    }
    Ok(())
}

/// The query's top-level items, split at spaces: a quoted phrase or a parenthesised group is one.
fn items(query: &str) -> Vec<&str> {
    let mut items = Vec::new();
    let mut start: Option<usize> = None;
    let mut depth = 0u32;
    let mut quoted = false;
    for (at, c) in query.char_indices() {
        match c {
            '"' => quoted = !quoted,
            '(' if !quoted => depth += 1,
            ')' if !quoted => depth = depth.saturating_sub(1),
            _ => {}
        }
        if c.is_whitespace() && !quoted && depth == 0 {
            if let Some(s) = start.take() {
                items.push(&query[s..at]);
            }
        } else if start.is_none() {
            start = Some(at);
        }
    }
    if let Some(s) = start {
        items.push(&query[s..]);
    }
    items
}

/// The operator `item` is (`/s`, `/p`, `/N`, with Lexis's `w/` too, any width or case); `None` when it
/// is a word; an error for a distance that is none.
fn operator(item: &str) -> Option<Result<Within, String>> {
    let folded = super::synonyms::fold(item);
    let spec = folded.strip_prefix("w/").or(folded.strip_prefix('/'))?;
    Some(match spec {
        "s" => Ok(Within::Sentence),
        "p" => Ok(Within::Clause),
        digits if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) => {
            match digits.parse::<u32>() {
                Ok(0) => Err(format!(
                    "'{item}': words are counted from 1 (/1 is next to each other)"
                )),
                Ok(n) if n <= MAX_WORDS => Ok(Within::Words(n)),
                _ => Err(format!(
                    "'{item}': at most /{MAX_WORDS}; use /p for anywhere in the clause"
                )),
            }
        }
        _ => return None,
    })
}

/// Operands, each satisfied by any of its patterns, that must stand as `within` says: the i-th
/// operand and the next as `within[i]` requires.
#[derive(Debug, Clone)]
pub struct Near {
    /// What satisfies each operand.
    pub operands: Vec<Vec<Pattern>>,
    /// The operators between operands.
    pub within: Vec<Within>,
}

/// Where one occurrence of an operand stands.
#[derive(Debug, Clone, Copy)]
struct Occurrence {
    span: (usize, usize),
    /// The first and last word positions it covers.
    words: (usize, usize),
    /// The sentence holding it, none when it runs over a sentence end.
    sentence: Option<usize>,
}

impl Near {
    /// Whether the clause holds the operands as required.
    pub fn holds(&self, clause: &mut Analysed) -> bool {
        self.chained(clause)
            .last()
            .is_some_and(|last| !last.is_empty())
    }

    /// The spans of every occurrence of an operand that stands in a chain meeting every operator.
    pub fn spans(&self, clause: &mut Analysed) -> Vec<(usize, usize)> {
        let chained = self.chained(clause);
        if chained.iter().any(Vec::is_empty) {
            return Vec::new();
        }
        chained.into_iter().flatten().map(|o| o.span).collect()
    }

    /// Each operand's occurrences that stand in some chain meeting every operator: those the
    /// operands before reach, and that reach the operands after.
    fn chained(&self, clause: &mut Analysed) -> Vec<Vec<Occurrence>> {
        let mut occurrences = self.occurrences(clause);
        if occurrences.iter().any(Vec::is_empty) {
            return vec![Vec::new(); occurrences.len()];
        }
        for i in 1..occurrences.len() {
            let (before, after) = occurrences.split_at_mut(i);
            let reached = meet(self.within[i - 1], &before[i - 1], &after[0]);
            after[0] = reached;
        }
        for i in (0..occurrences.len().saturating_sub(1)).rev() {
            let (before, after) = occurrences.split_at_mut(i + 1);
            before[i] = meet(self.within[i], &after[0], &before[i]);
        }
        occurrences
    }

    fn occurrences(&self, clause: &mut Analysed) -> Vec<Vec<Occurrence>> {
        let ends = sentence_ends(clause.text());
        let spans: Vec<Vec<(usize, usize)>> = self
            .operands
            .iter()
            .map(|patterns| merged(patterns.iter().flat_map(|p| p.spans(clause)).collect()))
            .collect();
        let words = clause.words();
        spans
            .into_iter()
            .map(|spans| {
                spans
                    .into_iter()
                    .map(|span| {
                        let sentence = ends.partition_point(|&e| e <= span.0);
                        let last = ends.partition_point(|&e| e < span.1);
                        Occurrence {
                            span,
                            words: word_positions(&words, span),
                            sentence: (sentence == last).then_some(sentence),
                        }
                    })
                    .collect()
            })
            .collect()
    }
}

/// The occurrences of `to` that stand as `within` requires beside some other occurrence of `from`
/// (`data /3 data` asks for the word twice).
fn meet(within: Within, from: &[Occurrence], to: &[Occurrence]) -> Vec<Occurrence> {
    let other = |a: &Occurrence, b: &Occurrence| a.span != b.span;
    match within {
        Within::Clause => to
            .iter()
            .filter(|o| from.iter().any(|f| other(f, o)))
            .copied()
            .collect(),
        Within::Sentence => {
            let mut from: Vec<(usize, (usize, usize))> = from
                .iter()
                .filter_map(|o| Some((o.sentence?, o.span)))
                .collect();
            from.sort_unstable();
            to.iter()
                .filter(|o| {
                    let Some(sentence) = o.sentence else {
                        return false;
                    };
                    let at = from.partition_point(|&(s, _)| s < sentence);
                    from[at..]
                        .iter()
                        .take_while(|&&(s, _)| s == sentence)
                        .any(|&(_, span)| span != o.span)
                })
                .copied()
                .collect()
        }
        Within::Words(n) => {
            let n = n as usize;
            let mut from: Vec<((usize, usize), (usize, usize))> =
                from.iter().map(|o| (o.words, o.span)).collect();
            from.sort_unstable();
            let longest = from.iter().map(|((f, l), _)| l - f).max().unwrap_or(0);
            to.iter()
                .filter(|o| {
                    let (first, last) = o.words;
                    // Only occurrences starting within reach can be near: a binary search, then a
                    // short walk, so a clause repeating a word costs no square of its count.
                    let lowest = first.saturating_sub(n + longest);
                    let at = from.partition_point(|&((f, _), _)| f < lowest);
                    from[at..]
                        .iter()
                        .take_while(|&&((f, _), _)| f <= last + n)
                        .any(|&(words, span)| span != o.span && gap(words, o.words) <= n)
                })
                .copied()
                .collect()
        }
    }
}

/// Words from the end of one run of positions to the start of the other (0 where they overlap).
fn gap(a: (usize, usize), b: (usize, usize)) -> usize {
    b.0.saturating_sub(a.1).max(a.0.saturating_sub(b.1))
}

/// The first and last positions of the words (in order, with their positions) that `span` covers;
/// a span over no word (a space) stands where the next word would.
fn word_positions(words: &[Word], span: (usize, usize)) -> (usize, usize) {
    let at = words.partition_point(|w| w.range.end <= span.0);
    let covered = &words[at..];
    let covered = &covered[..covered.partition_point(|w| w.range.start < span.1)];
    match (covered.first(), covered.last()) {
        (Some(first), Some(last)) => (first.position, last.position),
        _ => {
            let next = words.get(at).map_or_else(
                || words.last().map_or(0, |w| w.position + 1),
                |w| w.position,
            );
            (next, next)
        }
    }
}

/// English abbreviations whose period ends no sentence.
const ABBREVIATIONS: &[&str] = &[
    "e.g", "i.e", "etc", "inc", "ltd", "co", "corp", "no", "nos", "vs", "cf", "art", "sec", "para",
    "mr", "mrs", "ms", "dr", "st", "jr", "sr", "approx", "u.s", "u.k",
];

/// Byte offsets where the sentences of `text` end: after 。！？ (and ．), or after . ! ? followed by a
/// space or the end (closing quotes and brackets between), except after an abbreviation, an
/// initial or a list number (1. at the start of a line).
pub fn sentence_ends(text: &str) -> Vec<usize> {
    let mut ends = Vec::new();
    let mut chars = text.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        let always = matches!(c, '。' | '！' | '？');
        if !always && !matches!(c, '.' | '!' | '?' | '．') {
            continue;
        }
        let mut end = at + c.len_utf8();
        while let Some(&(i, close)) = chars.peek() {
            if !matches!(close, '"' | '\'' | ')' | '”' | '’' | '」' | '』' | '）') {
                break;
            }
            end = i + close.len_utf8();
            chars.next();
        }
        let spaced = chars.peek().is_none_or(|&(_, next)| next.is_whitespace());
        if always || (spaced && !(matches!(c, '.' | '．') && abbreviated(&text[..at]))) {
            ends.push(end);
        }
    }
    ends
}

/// Whether the word ending `before` is an abbreviation, an initial or a list number, whose period
/// ends no sentence.
fn abbreviated(before: &str) -> bool {
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let word_start = before
        .rfind(|c: char| c.is_whitespace() || c == '(')
        .map_or(0, |i| {
            i + before[i..].chars().next().map_or(1, char::len_utf8)
        });
    let word = before[word_start..].to_lowercase();
    let letters = word.chars().filter(|c| c.is_alphabetic()).count();
    let list_number = word_start == line_start
        && !word.is_empty()
        && word.chars().all(|c| c.is_ascii_digit() || c == '.');
    list_number
        || (letters == 1 && word.chars().last().is_some_and(char::is_alphabetic))
        || ABBREVIATIONS.contains(&word.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::Analyzer;
    use crate::classify::Lang;

    fn near(text: &str, lang: Lang, a: &str, within: Within, b: &str) -> bool {
        let analyzer = match lang {
            Lang::Ja => Analyzer::Ja,
            Lang::En => Analyzer::En,
        };
        let word = |w: &str| {
            let terms = analyzer.analyze(w, false).into_iter().map(|t| t.text);
            vec![Pattern::Terms(analyzer, terms.collect())]
        };
        let near = Near {
            operands: vec![word(a), word(b)],
            within: vec![within],
        };
        near.holds(&mut Analysed::new(text, lang))
    }

    #[test]
    fn operands_meet_as_the_operators_require() {
        let en = "We sell personal data. We never share it with brokers, and data is kept. Data.";
        let holds = |a, within, b| near(en, Lang::En, a, within, b);
        assert!(holds("sell", Within::Sentence, "data"));
        assert!(!holds("sell", Within::Sentence, "brokers"));
        assert!(holds("sell", Within::Clause, "brokers"));
        assert!(
            holds("sell", Within::Words(2), "data"),
            "sell personal data"
        );
        assert!(!holds("sell", Within::Words(1), "data"));
        assert!(holds("data", Within::Words(1), "personal"), "either order");
        // An operand twice asks for two occurrences.
        assert!(!holds("sell", Within::Clause, "sell"));
        assert!(!holds("data", Within::Sentence, "data"));
        assert!(holds("data", Within::Clause, "data"));
        let ja =
            "当社は、本人の同意を得ないで第三者に個人データを提供しません。提供先は公表します。";
        let holds = |a, within, b| near(ja, Lang::Ja, a, within, b);
        assert!(holds("第三者", Within::Sentence, "同意"));
        assert!(!holds("公表", Within::Sentence, "第三者"));
        assert!(holds("公表", Within::Clause, "第三者"));
        assert!(holds("第三者", Within::Words(5), "提供"));
        assert!(!holds("同意", Within::Words(2), "提供"));
    }

    fn sentences(text: &str) -> Vec<&str> {
        let mut start = 0;
        let mut out = Vec::new();
        for end in sentence_ends(text) {
            out.push(text[start..end].trim());
            start = end;
        }
        out.push(text[start..].trim());
        out.retain(|s| !s.is_empty());
        out
    }

    #[test]
    fn sentences_end_as_a_reader_sees_them() {
        assert_eq!(
            sentences("当社は提供します。第三者には提供しません！本当？はい"),
            [
                "当社は提供します。",
                "第三者には提供しません！",
                "本当？",
                "はい"
            ]
        );
        assert_eq!(
            sentences("We sell data, e.g. names. We do not share it with U.S. firms. Why? Law."),
            [
                "We sell data, e.g. names.",
                "We do not share it with U.S. firms.",
                "Why?",
                "Law."
            ]
        );
        // A period inside a word, a URL or a number ends nothing; a list number at a line's start
        // neither; a line break alone does not (lines of a PDF are wrapped).
        assert_eq!(
            sentences(
                "See example.com/a.html and version 2.0 here\n1. Data we\ncollect (\"Data.\") Next"
            ),
            [
                "See example.com/a.html and version 2.0 here\n1. Data we\ncollect (\"Data.\")",
                "Next"
            ]
        );
    }

    #[test]
    fn operators_bind_their_neighbours_and_or_binds_tighter() {
        let split = super::split("第三者 /s 提供 同意").unwrap();
        assert_eq!(split.rest, "同意");
        assert_eq!(split.chains[0].operands, ["第三者", "提供"]);
        assert_eq!(split.chains[0].within, [Within::Sentence]);
        let split = super::split("sell w/5 \"personal information\" OR data AND consent").unwrap();
        assert_eq!(split.rest, "consent");
        assert_eq!(
            split.chains[0].operands,
            ["sell", "\"personal information\" OR data"]
        );
        assert_eq!(split.chains[0].within, [Within::Words(5)]);
        let split = super::split("(a OR b) /p c /３ d").unwrap();
        assert_eq!(split.chains[0].operands, ["(a OR b)", "c", "d"]);
        assert_eq!(split.chains[0].within, [Within::Clause, Within::Words(3)]);
        // A slash inside a word is no operator.
        for query in [
            "and/or",
            "https://example.com/privacy",
            "/privacy",
            "\"a /s b\"",
        ] {
            let split = super::split(query).unwrap();
            assert!(split.chains.is_empty() && split.rest == query, "{query}");
        }
    }

    #[test]
    fn malformed_operators_are_refused() {
        for query in [
            "A /s",
            "/3 B",
            "/0",
            "A /0 B",
            "A /s /3 B",
            "A OR /s B",
            "(A /s B) OR C",
            "/s",
        ] {
            assert!(super::split(query).is_err(), "{query}");
        }
    }

    #[test]
    fn japanese_positions_number_the_segmenters_words() {
        let text = "提供に関する詳細は個別のサービス利用時に明示する利用規約等をご参照ください。";
        let words = crate::analysis::segment(text);
        for term in Analyzer::Ja.analyze(text, false) {
            let at = words.iter().position(|w| w.start == term.start);
            assert_eq!(at, Some(term.position), "{term:?}");
        }
        // する inside に関する, a word the analyser drops, stands where that word does.
        let near = |within| {
            Near {
                operands: vec![
                    vec![Pattern::Sequence(Analyzer::CjkBigram, vec!["する".into()])],
                    vec![Pattern::Terms(Analyzer::Ja, vec!["詳細".into()])],
                ],
                within: vec![within],
            }
            .holds(&mut Analysed::new("提供に関する詳細", Lang::Ja))
        };
        assert!(near(Within::Words(1)));
    }

    #[test]
    fn gaps_count_words_between_runs() {
        assert_eq!(gap((3, 3), (4, 4)), 1);
        assert_eq!(gap((7, 8), (3, 4)), 3);
        assert_eq!(gap((2, 6), (4, 4)), 0);
    }
}
