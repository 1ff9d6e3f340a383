//! The analysers as a reader expects them to behave: variants of one word meet, offsets are exact, and
//! segmentation agrees with MeCab + IPADIC.

use joubun::analysis::{Analyzer, segment};

fn terms(analyzer: Analyzer, text: &str) -> Vec<String> {
    analyzer
        .analyze(text, false)
        .into_iter()
        .map(|t| t.text)
        .collect()
}

#[test]
fn full_and_half_width_forms_meet() {
    assert_eq!(terms(Analyzer::Ja, "ＰＲ"), terms(Analyzer::Ja, "PR"));
    assert_eq!(terms(Analyzer::Ja, "ｸｯｷｰ"), terms(Analyzer::Ja, "クッキー"));
    assert_eq!(terms(Analyzer::Ja, "Ｃｏｏｋｉｅ"), vec!["cookie"]);
    assert_eq!(
        terms(Analyzer::En, "Ｃｏｏｋｉｅ"),
        terms(Analyzer::En, "cookie")
    );
    assert_eq!(
        terms(Analyzer::CjkBigram, "ｸｯｷｰ"),
        terms(Analyzer::CjkBigram, "クッキー")
    );
}

#[test]
fn inflections_carry_their_stem() {
    for text in ["提供します", "提供いたしません", "提供する"] {
        let t = terms(Analyzer::Ja, text);
        assert!(t.contains(&"提供".to_string()), "{text}: {t:?}");
        // Auxiliaries (ます, ん) are stop tags; nothing of them is indexed.
        assert!(!t.iter().any(|x| x == "ます" || x == "ん"), "{text}: {t:?}");
    }
    assert!(terms(Analyzer::Ja, "取り扱いました").contains(&"取り扱う".to_string()));
}

#[test]
fn a_word_seen_before_gets_the_same_form() {
    // Indexing remembers a verdict and form per dictionary word; a search judges each word afresh.
    // Either way, and on first sight or later, a word gets the same term.
    let text = "個人情報を取り扱いました。サーバーに提供し";
    let judged = [terms(Analyzer::Ja, text), terms(Analyzer::JaReading, text)];
    joubun::analysis::dictionary::expect_bulk();
    for _ in 0..2 {
        assert_eq!(
            [terms(Analyzer::Ja, text), terms(Analyzer::JaReading, text)],
            judged
        );
    }
    assert_eq!(
        judged[0],
        ["個人", "情報", "取り扱う", "、", "サーバ", "提供", "する"],
        "the sentence's end is a separator of its own"
    );
    assert_eq!(
        terms(Analyzer::JaReading, "個人情報を提供し、個人情報を提供し"),
        ["コジン", "ジョウホウ", "テイキョウ", "シ", "kana:シ"].repeat(2),
        "a word spelt with kana is also marked so"
    );
}

#[test]
fn katakana_long_vowel_is_stemmed() {
    assert_eq!(
        terms(Analyzer::Ja, "サーバー"),
        terms(Analyzer::Ja, "サーバ")
    );
    assert_eq!(
        terms(Analyzer::JaReading, "サーバー"),
        terms(Analyzer::JaReading, "サーバ")
    );
}

#[test]
fn okurigana_variants_share_a_reading() {
    let a = terms(Analyzer::JaReading, "取り扱い");
    assert_eq!(a, ["トリアツカイ", "kana:トリアツカイ"]);
    assert_eq!(a, terms(Analyzer::JaReading, "取扱い"));
    // In kanji alone it has the reading but not the mark of a spelling in kana, which a query in
    // kanji looks for (so 期間 meets キカン but not 機関).
    assert_eq!(terms(Analyzer::JaReading, "取扱"), ["トリアツカイ"]);
    // Through `ja` they stay apart: the reading field is what joins them.
    assert_ne!(
        terms(Analyzer::Ja, "取り扱い"),
        terms(Analyzer::Ja, "取扱い")
    );
}

#[test]
fn english_stems_plurals() {
    assert_eq!(
        terms(Analyzer::En, "cookies"),
        terms(Analyzer::En, "cookie")
    );
    assert_eq!(terms(Analyzer::En, "parties"), terms(Analyzer::En, "party"));
    assert_eq!(
        terms(Analyzer::En, "Third Parties"),
        terms(Analyzer::En, "third party")
    );
}

#[test]
fn bigrams_reach_inside_compounds() {
    let t = terms(Analyzer::CjkBigram, "関西国際空港");
    assert!(t.contains(&"空港".to_string()), "{t:?}");
    // The dictionary keeps the compound whole, so only the bigram field can find 空港 in it.
    assert!(!terms(Analyzer::Ja, "関西国際空港").contains(&"空港".to_string()));
}

const MIXED: &str = "株式会社ＬＩＶＥ２Ｄは、ｸｯｷｰ（Ｃｏｏｋｉｅ）とｻｰﾊﾞｰを使い、個人情報を第三者に提供いたしません。\
                     We share cookies with Third Parties.";

#[test]
fn offsets_slice_the_original_back_to_each_surface() {
    for analyzer in Analyzer::ALL {
        for term in analyzer.analyze(MIXED, true) {
            assert!(
                MIXED.is_char_boundary(term.start) && MIXED.is_char_boundary(term.end),
                "{term:?}"
            );
            let surface = &MIXED[term.start..term.end];
            assert!(!surface.is_empty(), "{analyzer:?} {term:?}");
            // The surface, normalised and lowercased, is what the term was made from.
            let normalized = joubun::analysis::normalize::Normalized::new(surface)
                .text
                .to_lowercase();
            let made_from_surface = match analyzer {
                Analyzer::Ja => {
                    term.base_form.is_some()
                        || normalized.starts_with(&term.text)
                        || normalized
                            .chars()
                            .filter_map(joubun::analysis::Separator::of)
                            .any(|s| s.term() == term.text)
                }
                Analyzer::JaReading => {
                    match term.text.strip_prefix(joubun::analysis::KANA_SPELLING) {
                        Some(_) => normalized.chars().any(joubun::analysis::is_kana),
                        None => term.reading.is_some() || normalized.starts_with(&term.text),
                    }
                }
                // A pair spans from its first word to its second, which the span's own words are.
                Analyzer::JaPairs => {
                    let words: Vec<String> = (Analyzer::Ja.analyze(surface, false).into_iter())
                        .map(|t| t.text)
                        .filter(|t| {
                            joubun::analysis::Separator::of(t.chars().next().unwrap()).is_none()
                        })
                        .collect();
                    let pair = |first: &String, last: &String| {
                        joubun::analysis::compound::pair(first, last) == term.text
                    };
                    words.len() >= 2 && pair(&words[0], &words[words.len() - 1])
                }
                Analyzer::CjkBigram => normalized == term.text,
                Analyzer::En => term.base_form.as_deref() == Some(normalized.as_str()),
            };
            assert!(
                made_from_surface,
                "{analyzer:?}: {surface:?} does not give {term:?}"
            );
        }
    }
}

#[test]
fn compatibility_characters_keep_offsets_on_char_boundaries() {
    let text = "㈱ライブ、㈲テスト、①第三者、㍿、ﬁle、Å、ｶﾞ";
    for analyzer in Analyzer::ALL {
        for term in analyzer.analyze(text, false) {
            assert!(
                text.is_char_boundary(term.start) && text.is_char_boundary(term.end),
                "{term:?}"
            );
            assert!(term.start < term.end && term.end <= text.len(), "{term:?}");
        }
    }
    // A term made from part of ㈱ covers the whole ㈱.
    let kabu = Analyzer::Ja
        .analyze(text, false)
        .into_iter()
        .find(|t| t.text == "株")
        .unwrap();
    assert_eq!(&text[kabu.start..kabu.end], "㈱");
}

/// MeCab's boundaries for every non-empty corpus line after NFKC (tests/fixtures/make-mecab-fixture.sh).
#[test]
fn segmentation_agrees_with_mecab_on_the_corpus() {
    let fixture = include_str!("fixtures/mecab-wakati.tsv");
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
    let mut total = 0;
    let mut disagreements = Vec::new();
    for row in fixture.lines() {
        let mut cols = row.splitn(3, '\t');
        let (file, line_no, mecab) = (
            cols.next().unwrap(),
            cols.next().unwrap(),
            cols.next().unwrap(),
        );
        let text = std::fs::read_to_string(root.join(file)).unwrap();
        let line = text
            .lines()
            .nth(line_no.parse::<usize>().unwrap() - 1)
            .unwrap();
        // The fixture is MeCab over the NFKC line, the text our segmenter sees.
        let line = joubun::analysis::normalize::Normalized::new(line).text;
        let ours: Vec<&str> = segment(&line).into_iter().map(|r| &line[r]).collect();
        let theirs: Vec<&str> = mecab.split(' ').filter(|w| !w.is_empty()).collect();
        total += 1;
        if ours != theirs {
            disagreements.push(format!(
                "{file}:{line_no}\n  ours:  {ours:?}\n  mecab: {theirs:?}"
            ));
        }
    }
    assert!(total > 300, "fixture too small: {total} lines");
    let agreement = 1.0 - disagreements.len() as f64 / total as f64;
    eprintln!(
        "segmentation agrees with MeCab on {:.2}% of {total} lines",
        agreement * 100.0
    );
    for d in &disagreements {
        eprintln!("{d}");
    }
    assert!(
        agreement >= 0.99,
        "{:.2}% agreement; first differences:\n{}",
        agreement * 100.0,
        disagreements.join("\n")
    );
}

#[test]
fn an_english_word_seen_before_gets_the_same_stem() {
    // Stems are remembered per thread, and forgotten all at once past a bound.
    let first = terms(Analyzer::En, "Processing processes");
    assert_eq!(first, ["process", "process"]);
    let many: String = (0..100_001).map(|i| format!("w{i}x ")).collect();
    assert_eq!(terms(Analyzer::En, &many).len(), 100_001);
    assert_eq!(terms(Analyzer::En, "Processing processes"), first);
}
