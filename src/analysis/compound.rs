//! Where two words join into a compound, and the `ja_pairs` analyser that indexes each such join.
//!
//! 第三者提供 means 第三者 then 提供 close together: 第三者に提供, 第三者への提供, 第三者（当社の子会社を含む。）に
//! 提供, never 第三者、提供 or 提供先の第三者. [`Separators::join`] is that rule, on the positions of `ja`'s
//! terms; the query checks it for compounds of three parts or more, the highlighter for every
//! compound. `ja_pairs` indexes every two words it joins as one term, so that a two-part compound is
//! looked up, not checked position by position in every clause holding both parts (that was most of
//! a search for 第三者提供).

use super::{Separator, Term, Terms};

/// Most positions between two parts outside a parenthetical: particles the analyser drops leave a gap
/// each (第三者 [へ の] 提供 is two); three let a word in too (第三者提供記録の開示 is not 第三者への開示).
pub const MAX_SKIP: u32 = 2;

/// Most positions between two parts when a parenthetical stands between them (第三者（当社の子会社を含み
/// ます。）に提供).
pub const MAX_SKIP_PARENTHESIS: u32 = 40;

/// What joins the two words of a pair term: a control character, which no word holds.
pub const PAIR_JOINER: char = '\u{1f}';

/// The term `ja_pairs` indexes where `first` joins `second`.
pub fn pair(first: &str, second: &str) -> String {
    format!("{first}{PAIR_JOINER}{second}")
}

/// Where the separators of one clause stand, by position, each list in order.
#[derive(Debug, Default)]
pub struct Separators {
    open: Vec<u32>,
    close: Vec<u32>,
    breaks: Vec<u32>,
}

impl Separators {
    /// The separators among `ja`'s terms.
    pub fn of(terms: &[Term]) -> Separators {
        let mut separators = Separators::default();
        for term in terms {
            if let Some(separator) = separator_of(term) {
                separators.list(separator).push(term.position as u32);
            }
        }
        separators
    }

    /// The list of one kind of separator, to fill.
    pub fn list(&mut self, separator: Separator) -> &mut Vec<u32> {
        match separator {
            Separator::Open => &mut self.open,
            Separator::Close => &mut self.close,
            Separator::Break => &mut self.breaks,
        }
    }

    /// Whether a part at `next` joins the part at `earlier`: at most [`MAX_SKIP`] positions outside
    /// parentheticals between them (particles), no break outside one, every parenthetical closed.
    pub fn join(&self, earlier: u32, next: u32) -> bool {
        if next <= earlier || next - earlier - 1 > MAX_SKIP_PARENTHESIS {
            return false;
        }
        fn within(list: &[u32], earlier: u32, next: u32) -> &[u32] {
            let from = list.partition_point(|&p| p <= earlier);
            let to = list.partition_point(|&p| p < next);
            &list[from..to]
        }
        let between = |list| within(list, earlier, next);
        let (open, close, breaks) = (
            between(&self.open),
            between(&self.close),
            between(&self.breaks),
        );
        if open.is_empty() && close.is_empty() {
            return breaks.is_empty() && next - earlier - 1 <= MAX_SKIP;
        }
        let mut walk = Walk::default();
        for at in earlier + 1..next {
            let separator = if open.binary_search(&at).is_ok() {
                Some(Separator::Open)
            } else if close.binary_search(&at).is_ok() {
                Some(Separator::Close)
            } else if breaks.binary_search(&at).is_ok() {
                Some(Separator::Break)
            } else {
                None
            };
            if !walk.pass(separator) {
                return false;
            }
        }
        walk.joins()
    }
}

/// What stands between a word and the positions passed after it, one position at a time.
#[derive(Default)]
struct Walk {
    depth: u32,
    outside: u32,
}

impl Walk {
    /// Passes one position holding `separator` (or a word, or nothing); false once no later word can
    /// join, because a break stands outside a parenthetical or too many words do.
    fn pass(&mut self, separator: Option<Separator>) -> bool {
        match separator {
            Some(Separator::Open) => self.depth += 1,
            // Each separator has a position of its own (the analyser parts a run like 「）、」).
            Some(Separator::Close) => self.depth = self.depth.saturating_sub(1),
            Some(Separator::Break) if self.depth == 0 => return false,
            _ if self.depth == 0 => self.outside += 1,
            _ => {}
        }
        self.depth > 0 || self.outside <= MAX_SKIP
    }

    /// Whether a word at the next position joins.
    fn joins(&self) -> bool {
        self.depth == 0 && self.outside <= MAX_SKIP
    }
}

fn separator_of(term: &Term) -> Option<Separator> {
    Separator::ALL.into_iter().find(|s| term.text == s.term())
}

/// Appends a pair term for every two words of `terms` (`ja`'s, in position order) that
/// [`Separators::join`] joins, spanning from the first word to the second.
pub fn pairs_into(terms: &[Term], out: &mut Terms) {
    // Each term is passed by every word up to a parenthetical's length before it: what it is, once.
    let kinds: Vec<Option<Separator>> = terms.iter().map(separator_of).collect();
    for (i, first) in terms.iter().enumerate() {
        if kinds[i].is_some() {
            continue;
        }
        let earlier = first.position as u32;
        let mut walk = Walk::default();
        let mut passed = earlier;
        for (next, &separator) in terms[i + 1..].iter().zip(&kinds[i + 1..]) {
            let at = next.position as u32;
            if at <= earlier {
                continue;
            }
            if at - earlier - 1 > MAX_SKIP_PARENTHESIS {
                break;
            }
            // Positions no term holds are words the analyser dropped (particles).
            let dropped = (passed + 1..at).all(|_| walk.pass(None));
            if !dropped {
                break;
            }
            if separator.is_none() && walk.joins() {
                let term = out.push(&first.text, first.start..next.end, first.position);
                term.text.push(PAIR_JOINER);
                term.text.push_str(&next.text);
            }
            if !walk.pass(separator) {
                break;
            }
            passed = at;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::Analyzer;

    fn pairs(text: &str) -> Vec<String> {
        let mut out = Terms::default();
        pairs_into(&Analyzer::Ja.analyze(text, false), &mut out);
        out.iter()
            .map(|t| t.text.replace(PAIR_JOINER, "|"))
            .collect()
    }

    #[test]
    fn words_close_together_pair_up() {
        let made = pairs("第三者への提供");
        assert!(made.contains(&"第三者|提供".to_string()), "{made:?}");
        let made = pairs("第三者（当社の子会社を含みます。）に提供します");
        assert!(made.contains(&"第三者|提供".to_string()), "{made:?}");
    }

    #[test]
    fn words_apart_do_not() {
        for text in [
            "第三者、提供",
            "第三者。提供",
            "提供先の第三者",
            "第三者（未完の括弧に提供",
            "第三者（当社）、提供",
            "第三者の定める方針に従い当社は提供します",
        ] {
            let made = pairs(text);
            assert!(
                !made.contains(&"第三者|提供".to_string()),
                "{text}: {made:?}"
            );
        }
    }

    /// The pairs are exactly the joins the query checks: every two words, judged by `join`.
    #[test]
    fn the_pairs_are_the_joins() {
        for text in [
            "当社は、第三者（当社の子会社を含み、外国にある者を除く。）に対し、個人情報を提供しません。",
            "第三者（注）の情報を提供（ただし（例外）を除く）する。個人情報保護法（平成15年法律第57号）",
            "(株)テスト（以下「当社」）は、お客様の個人データ（氏名、住所）を、委託先に提供し、監督します",
            "）（（第三者））提供、、。提供（",
        ] {
            let terms = Analyzer::Ja.analyze(text, false);
            let separators = Separators::of(&terms);
            let words: Vec<&Term> = terms.iter().filter(|t| separator_of(t).is_none()).collect();
            let mut expected = Vec::new();
            for (i, a) in words.iter().enumerate() {
                for b in &words[i + 1..] {
                    if separators.join(a.position as u32, b.position as u32) {
                        expected.push(pair(&a.text, &b.text));
                    }
                }
            }
            let mut out = Terms::default();
            pairs_into(&terms, &mut out);
            let made: Vec<String> = out.iter().map(|t| t.text.clone()).collect();
            assert_eq!(made, expected, "{text}");
        }
    }
}
