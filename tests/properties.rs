//! Hostile input, generated: random Unicode heavy in NFKC compatibility characters, combining marks,
//! half-width kana and query syntax, through the analysers, the clause segmenter, the query parser and
//! the highlighter. Nothing may panic; every offset must land on a character boundary.

use std::sync::OnceLock;

use joubun::analysis::Analyzer;
use joubun::clause::{Clause, parse_document};
use joubun::corpus::SourceDoc;
use joubun::index::{self, ClauseIndex};
use joubun::query::{Filters, Search};
use proptest::prelude::*;

/// Characters that have broken text engines before.
fn hostile_char() -> impl Strategy<Value = char> {
    prop_oneof![
        3 => prop::char::range(' ', '~'),
        2 => prop::char::range('ぁ', 'ゟ'),
        2 => prop::char::range('ァ', 'ヿ'),
        2 => prop::char::range('一', '龠'),
        2 => prop::char::range('｡', 'ﾟ'),
        2 => prop::char::range('！', '～'),
        2 => prop::char::range('㈀', '㋿'),
        2 => prop::char::range('㌀', '㏿'),
        2 => prop::char::range('①', '⓿'),
        2 => prop::char::range('\u{300}', '\u{36F}'),
        1 => prop::char::range('\u{3099}', '\u{309A}'),
        1 => prop::char::range('ﬀ', 'ﬆ'),
        1 => prop::sample::select(vec!['\n', '\r', '\t', '\u{0}', '\u{feff}', '\u{3000}', '々', 'ゝ', 'ゞ', 'ヽ', '"', '(', ')', '-', ':', '*', '~', '^', '\\']),
        1 => any::<char>(),
    ]
}

fn hostile_text(max: usize) -> impl Strategy<Value = String> {
    prop::collection::vec(hostile_char(), 0..max).prop_map(|chars| chars.into_iter().collect())
}

/// Japanese text made of words, particles, parentheses and breaks: what decides whether two words join.
fn clause_text(max: usize) -> impl Strategy<Value = String> {
    let pieces = vec![
        "第三者",
        "に",
        "への",
        "提供",
        "個人",
        "情報",
        "を",
        "（",
        "）",
        "(",
        ")",
        "、",
        "。",
        "当社",
        "の",
        "含む",
        "および",
        "する",
        "利用",
        "目的",
        "「",
        "」",
        "ため",
        "必要",
        "な",
        " ",
    ];
    prop::collection::vec(prop::sample::select(pieces), 0..max).prop_map(|p| p.concat())
}

/// A small index of the bundled corpus, built once for all cases.
fn bundled() -> &'static ClauseIndex {
    static INDEX: OnceLock<(tempfile::TempDir, ClauseIndex)> = OnceLock::new();
    &INDEX
        .get_or_init(|| {
            let dir = tempfile::tempdir().unwrap();
            let corpus = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
            index::update(dir.path(), &corpus, false, |_| {}).unwrap();
            let opened = ClauseIndex::open(dir.path()).unwrap();
            (dir, opened)
        })
        .1
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// `ja_pairs` indexes exactly the two words the query's rule joins, so that a two-part compound
    /// looked up as one term finds what checking positions found.
    #[test]
    fn the_indexed_pairs_are_the_joined_words(text in clause_text(40)) {
        use joubun::analysis::compound::{Separators, pair};
        let terms = Analyzer::Ja.analyze(&text, false);
        let separators = Separators::of(&terms);
        let words: Vec<_> = terms.iter().filter(|t| t.text.chars().any(|c| c.is_alphanumeric())).collect();
        let mut joined = Vec::new();
        for (i, first) in words.iter().enumerate() {
            for second in &words[i + 1..] {
                if separators.join(first.position as u32, second.position as u32) {
                    joined.push(pair(&first.text, &second.text));
                }
            }
        }
        let indexed: Vec<String> = Analyzer::JaPairs.analyze(&text, false).into_iter().map(|t| t.text).collect();
        prop_assert_eq!(indexed, joined, "{}", text);
    }

    #[test]
    fn analysers_keep_offsets_on_char_boundaries(text in hostile_text(120)) {
        for analyzer in Analyzer::ALL {
            for term in analyzer.analyze(&text, true) {
                prop_assert!(term.start <= term.end && term.end <= text.len());
                prop_assert!(text.is_char_boundary(term.start) && text.is_char_boundary(term.end), "{analyzer:?} {term:?} in {text:?}");
            }
        }
    }

    #[test]
    fn the_segmenter_takes_anything(text in hostile_text(400)) {
        let source = SourceDoc { rel_path: "hostile.txt".into(), text: text.clone(), encoding: "UTF-8" };
        let lines = text.lines().count().max(1);
        let mut clauses: Vec<Clause> = Vec::new();
        parse_document(&source, None, |c, _| clauses.push(c));
        for c in &clauses {
            prop_assert!(!c.text.is_empty());
            prop_assert!(1 <= c.line_start && c.line_start <= c.line_end && c.line_end <= lines, "{c:?}");
        }
    }

    #[test]
    fn queries_never_panic_and_highlights_stay_on_boundaries(query in hostile_text(60), text in hostile_text(200)) {
        let index = bundled();
        // A malformed query is an error, never a panic.
        if let Ok(search) = Search::new(index, &query, &Filters::default()) {
            let answer = search.run(index, 3, 0).unwrap();
            for hit in &answer.hits {
                for &(s, e) in &hit.highlights {
                    prop_assert!(hit.clause.text.is_char_boundary(s) && hit.clause.text.is_char_boundary(e) && s < e);
                }
            }
            // The same query highlighting arbitrary text.
            for lang in [joubun::classify::Lang::Ja, joubun::classify::Lang::En] {
                let clause = Clause {
                    id: "x#1".into(), doc: "x".into(), company: None, title: None, date: None, lang,
                    jurisdictions: vec![], jurisdictions_inferred: false, cites: vec![], kind: "other".into(), types: vec![],
                    article: None, heading: None, chapter: None, label: None, cite: String::new(), level: joubun::segment::Level::Paragraph,
                    line_start: 1, line_end: 1, text: text.clone(),
                };
                let mut previous_end = 0;
                for (s, e) in search.highlights(&clause) {
                    prop_assert!(text.is_char_boundary(s) && text.is_char_boundary(e) && s < e && e <= text.len());
                    prop_assert!(s >= previous_end, "merged and ordered");
                    previous_end = e;
                }
            }
        }
    }
}

/// Compounds of the bundled corpus's Japanese clauses: runs of two or three `ja` terms that stand next
/// to each other in the text, as the text writes them.
fn corpus_compounds() -> &'static Vec<String> {
    static COMPOUNDS: OnceLock<Vec<String>> = OnceLock::new();
    COMPOUNDS.get_or_init(|| {
        let mut compounds = Vec::new();
        for clause in (corpus_clauses().iter()).filter(|c| c.lang == joubun::classify::Lang::Ja) {
            let text = &clause.text;
            let terms = Analyzer::Ja.analyze(text, false);
            for len in 2..=3 {
                for run in terms.windows(len) {
                    let adjacent = run
                        .windows(2)
                        .all(|w| w[1].position == w[0].position + 1 && w[1].start == w[0].end);
                    let compound = &text[run[0].start..run[len - 1].end];
                    if adjacent && compound.chars().all(joubun::analysis::is_cjk) {
                        compounds.push(compound.to_string());
                    }
                }
            }
        }
        compounds
    })
}

/// Whether `text` holds `parts` (ja terms) in order and close together: some span from the first
/// part to the last, with no comma or sentence end outside a parenthetical (read from the characters
/// themselves, not from the analyser's positions).
fn holds_in_order(text: &str, parts: &[String]) -> bool {
    let analysed = Analyzer::Ja.analyze(text, false);
    joubun::query::sequence::in_order_spans(&analysed, parts)
        .into_iter()
        .any(|(start, end)| {
            let mut depth = 0u32;
            text[start..end].chars().all(|c| {
                match c {
                    '（' | '(' => depth += 1,
                    '）' | ')' => depth = depth.saturating_sub(1),
                    '、' | '。' | '，' | '．' if depth == 0 => return false,
                    _ => {}
                }
                true
            })
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn compound_hits_hold_the_parts_in_order_and_quoted_hits_the_phrase(
        pick in any::<prop::sample::Index>(),
    ) {
        let compounds = corpus_compounds();
        let compound = compounds[pick.index(compounds.len())].clone();
        // A word the synonyms file expands stands for more than its parts.
        prop_assume!(joubun::query::synonyms::expand(&compound).len() == 1);
        let parts: Vec<String> = Analyzer::Ja.analyze(&compound, false).into_iter().map(|t| t.text).collect();
        let index = bundled();
        let search = Search::new(index, &compound, &Filters::default()).unwrap();
        let answer = search.run(index, 1000, 0).unwrap();
        prop_assert_eq!(answer.total, answer.hits.len());
        for hit in &answer.hits {
            let c = &hit.clause;
            let whole = joubun::query::synonyms::fold(&c.text).contains(&joubun::query::synonyms::fold(&compound));
            let heading = c.heading.as_deref().unwrap_or("");
            prop_assert!(
                whole || parts.len() < 2 || holds_in_order(&c.text, &parts) || holds_in_order(heading, &parts),
                "{compound:?} ({parts:?}) scattered in {:?} / {heading:?}", c.text
            );
        }
        let quoted = format!("\"{compound}\"");
        let search = Search::new(index, &quoted, &Filters::default()).unwrap();
        let answer = search.run(index, 1000, 0).unwrap();
        prop_assert!(answer.total >= 1, "{quoted} is in the corpus");
        let fold = joubun::query::synonyms::fold;
        let holding = (corpus_clauses().iter()).filter(|c| fold(&c.text).contains(&fold(&compound))).count();
        prop_assert_eq!(answer.total, holding, "{} finds every clause holding it", quoted);
        for hit in &answer.hits {
            prop_assert!(
                joubun::query::synonyms::fold(&hit.clause.text).contains(&joubun::query::synonyms::fold(&compound)),
                "{quoted} not in {:?}", hit.clause.text
            );
        }
    }
}

/// Every clause of the bundled corpus.
fn corpus_clauses() -> &'static Vec<joubun::clause::Clause> {
    static CLAUSES: OnceLock<Vec<joubun::clause::Clause>> = OnceLock::new();
    CLAUSES.get_or_init(|| {
        let index = bundled();
        let everything = Search::new(index, "", &Filters::default()).unwrap();
        let answer = everything.run(index, 10_000, 0).unwrap();
        assert!(answer.total < 10_000, "every clause is read");
        answer.hits.into_iter().map(|h| h.clause).collect()
    })
}

/// A clause's id and its words as (surface, position).
type ClauseWords = (String, Vec<(String, usize)>);

/// The words of each clause of the bundled corpus, in order, as (surface, position): Japanese words of
/// two or more characters, English words of three or more letters; with the clause's id.
fn corpus_words() -> &'static Vec<ClauseWords> {
    static WORDS: OnceLock<Vec<ClauseWords>> = OnceLock::new();
    WORDS.get_or_init(|| {
        let mut clauses = Vec::new();
        for clause in corpus_clauses() {
            let text = &clause.text;
            let ja = clause.lang == joubun::classify::Lang::Ja;
            let analyzer = if ja { Analyzer::Ja } else { Analyzer::En };
            let word = |w: &str| {
                if ja {
                    w.chars().count() >= 2 && w.chars().all(joubun::analysis::is_cjk)
                } else {
                    w.len() >= 3 && w.chars().all(|c| c.is_ascii_lowercase())
                }
            };
            let words: Vec<(String, usize)> = analyzer
                .analyze(text, false)
                .into_iter()
                .filter(|t| word(&text[t.start..t.end]))
                .map(|t| (text[t.start..t.end].to_string(), t.position))
                .collect();
            if words.len() >= 2 {
                clauses.push((clause.id.clone(), words));
            }
        }
        clauses
    })
}

/// The word positions (first, last) and byte span of each place `word` stands in `text`, found
/// without the query code: the word analyser's equal terms, and for Japanese the very string and
/// words of the same reading.
fn places(
    text: &str,
    lang: joubun::classify::Lang,
    word: &str,
) -> Vec<((usize, usize), (usize, usize))> {
    let ja = lang == joubun::classify::Lang::Ja;
    let analyzer = if ja { Analyzer::Ja } else { Analyzer::En };
    let terms = analyzer.analyze(text, false);
    let mut spans: Vec<(usize, usize)> = Vec::new();
    let wanted = analyzer.analyze(word, false);
    if let [one] = wanted.as_slice() {
        spans.extend(
            terms
                .iter()
                .filter(|t| t.text == one.text)
                .map(|t| (t.start, t.end)),
        );
    }
    if ja {
        spans.extend(text.match_indices(word).map(|(at, w)| (at, at + w.len())));
        // A word's reading, without the second, marked term of a spelling in kana.
        let reading: Vec<_> = Analyzer::JaReading
            .analyze(word, false)
            .into_iter()
            .filter(|t| !t.text.starts_with(joubun::analysis::KANA_SPELLING))
            .collect();
        if let [reading] = reading.as_slice() {
            let readings = Analyzer::JaReading.analyze(text, false);
            spans.extend(
                readings
                    .iter()
                    .filter(|t| t.text == reading.text)
                    .map(|t| (t.start, t.end)),
            );
        }
    }
    // Positions count every word the analyser sees, in Japanese the particles it drops too.
    let words: Vec<(std::ops::Range<usize>, usize)> = if ja {
        joubun::analysis::segment(text)
            .into_iter()
            .zip(0..)
            .collect()
    } else {
        terms.iter().map(|t| (t.start..t.end, t.position)).collect()
    };
    spans
        .into_iter()
        .filter_map(|(start, end)| {
            let covered: Vec<usize> = words
                .iter()
                .filter(|(w, _)| w.start < end && start < w.end)
                .map(|(_, position)| *position)
                .collect();
            Some((
                (*covered.iter().min()?, *covered.iter().max()?),
                (start, end),
            ))
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn every_hit_of_a_within_n_words_holds_both_words_that_close(
        clause in any::<prop::sample::Index>(),
        first in any::<prop::sample::Index>(),
        apart in 1usize..6,
        n in 1u32..8,
    ) {
        // Two words of one clause, so that many queries have hits, and that clause must be one when
        // they stand within n.
        let clauses = corpus_words();
        let (id, words) = &clauses[clause.index(clauses.len())];
        let i = first.index(words.len());
        let j = (i + apart).min(words.len() - 1);
        let ((a, pa), (b, pb)) = (&words[i], &words[j]);
        prop_assume!(a != b);
        // A word the synonyms file expands stands for more than itself.
        prop_assume!(joubun::query::synonyms::expand(a).len() == 1);
        prop_assume!(joubun::query::synonyms::expand(b).len() == 1);
        let index = bundled();
        let query = format!("{a} /{n} {b}");
        // Stop words cannot be operands.
        let Ok(search) = Search::new(index, &query, &Filters::default()) else {
            return Ok(());
        };
        let answer = search.run(index, 1000, 0).unwrap();
        prop_assert_eq!(answer.total, answer.hits.len());
        for hit in &answer.hits {
            let c = &hit.clause;
            let near = places(&c.text, c.lang, a).iter().any(|&(pa, sa)| {
                places(&c.text, c.lang, b).iter().any(|&(pb, sb)| {
                    let gap = pb.0.saturating_sub(pa.1).max(pa.0.saturating_sub(pb.1));
                    sa != sb && gap <= n as usize
                })
            });
            prop_assert!(near, "{query}: not within {n} words in {:?}", c.text);
        }
        if pb - pa <= n as usize {
            prop_assert!(answer.hits.iter().any(|h| &h.clause.id == id), "{query}: {id} missing");
        }
    }
}
