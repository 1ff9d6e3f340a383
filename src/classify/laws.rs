//! Laws and jurisdictions a text names, from the table in `src/rules/laws.toml`, with the article cited
//! in the clause tree's citation form (`APPI 第27条第1項`).

use std::sync::LazyLock;

use regex::{Regex, RegexBuilder};
use serde::Deserialize;

use crate::analysis::normalize::Normalized;
use crate::text::{ceil_boundary, floor_boundary};

#[derive(Deserialize)]
struct LawRules {
    law: Vec<LawRule>,
}

#[derive(Deserialize)]
struct LawRule {
    id: String,
    jurisdiction: String,
    names: Vec<String>,
    #[serde(default)]
    unless: Vec<String>,
}

struct Law {
    id: String,
    jurisdiction: String,
    names: Vec<Regex>,
    unless: Vec<Regex>,
}

static LAWS: LazyLock<Vec<Law>> = LazyLock::new(|| {
    let rules: LawRules =
        toml::from_str(include_str!("../rules/laws.toml")).expect("src/rules/laws.toml is valid");
    let compile = |p: &String| {
        // `\b` keeps GDPR out of longer Latin words, but Unicode's boundary also refuses GDPR before
        // kana or kanji (GDPRに基づき): only ASCII letters and digits count as word characters here.
        RegexBuilder::new(&p.replace("\\b", "(?-u:\\b)"))
            .case_insensitive(true)
            .build()
            .expect("law pattern")
    };
    rules
        .law
        .into_iter()
        .map(|l| Law {
            names: l.names.iter().map(compile).collect(),
            unless: l.unless.iter().map(compile).collect(),
            id: l.id,
            jurisdiction: l.jurisdiction,
        })
        .collect()
});

/// Each law name in the order of [`LAWS`], on text before NFKC, then full-width letters (which may
/// spell any name once folded).
static ANY_LAW: LazyLock<regex::RegexSet> = LazyLock::new(|| {
    let names = LAWS
        .iter()
        .flat_map(|law| &law.names)
        .map(|name| format!("(?i){}", name.as_str()));
    // Full-width Latin letters (ＧＤＰＲ) only match after NFKC, so let any of them through.
    regex::RegexSet::new(names.chain(["[Ａ-Ｚａ-ｚ]".to_string()])).expect("law patterns")
});

/// An article number right after a law's name: `第27条第1項`, `Art. 22`, `Article 6(1)`, kanji or digits.
static ARTICLE_AFTER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"^\s*(?:,\s*)?(?:(?:Art\.?|Article|Section|Sec\.|§)\s*(?P<a>\d+)(?:\s*\((?P<p>\d+)\))?|第\s*(?P<ja>{N})\s*条(?:\s*の\s*(?P<sub>{N}))?(?:\s*第\s*(?P<jp>{N})\s*項)?(?:\s*第\s*(?P<ji>{N})\s*号)?)",
        N = super::NUMERAL
    ))
    .unwrap()
});
/// An article number just before the name: `Article 15 of the GDPR`, `Art. 6(1) GDPR`.
static ARTICLE_BEFORE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:Art\.?|Article)\s*(?P<a>\d+)(?:\s*\((?P<p>\d+)\))?\s*(?:of\s+)?(?:the\s+)?$")
        .unwrap()
});

/// A law's id with the article in the citation form of the clause tree (`APPI 第27条第1項`).
fn citation(law: &str, c: &regex::Captures) -> Option<String> {
    let num = |name: &str| c.name(name).and_then(|m| super::number(m.as_str()));
    let article = num("a").or_else(|| num("ja"))?;
    let mut cite = format!("{law} 第{article}条");
    if let Some(sub) = num("sub") {
        cite.push_str(&format!("の{sub}"));
    }
    if let Some(paragraph) = num("p").or_else(|| num("jp")) {
        cite.push_str(&format!("第{paragraph}項"));
    }
    if let Some(item) = num("ji") {
        cite.push_str(&format!("第{item}号"));
    }
    Some(cite)
}

/// The law a citation is of: `APPI` for `APPI 第27条第1項`, the citation itself when it has no article.
pub fn law_of(cite: &str) -> &str {
    match cite.rfind(" 第") {
        Some(i) => &cite[..i],
        None => cite,
    }
}

/// The laws `text` names, as ids with an article where one is given (`GDPR 第22条`), in order
/// of first mention, without repeats.
pub fn cites(text: &str) -> Vec<String> {
    // One combined pass says which names may occur; only those are searched for one by one. Most text
    // names no law, and a clause that does names one or two of them.
    // Asking only whether any name occurs is a quicker scan than finding which: most text names none.
    if !ANY_LAW.is_match(text) {
        return Vec::new();
    }
    let candidates = ANY_LAW.matches(text);
    let any_name = candidates.matched(ANY_LAW.len() - 1);
    let text = Normalized::new(text).text;
    let mut found: Vec<(usize, String)> = Vec::new();
    let names = LAWS
        .iter()
        .flat_map(|law| law.names.iter().map(move |name| (law, name)));
    for (pattern, (law, name)) in names.enumerate() {
        if !any_name && !candidates.matched(pattern) {
            continue;
        }
        for m in name.find_iter(&text) {
            let window = &text[floor_boundary(&text, m.start().saturating_sub(10))
                ..ceil_boundary(&text, m.end() + 40)];
            if law
                .unless
                .iter()
                .any(|u| u.is_match(window) || u.is_match(m.as_str()))
            {
                continue;
            }
            let before_start = floor_boundary(&text, m.start().saturating_sub(30));
            let cite = ARTICLE_AFTER
                .captures(&text[m.end()..])
                .and_then(|c| citation(&law.id, &c))
                .or_else(|| {
                    ARTICLE_BEFORE
                        .captures(&text[before_start..m.start()])
                        .and_then(|c| citation(&law.id, &c))
                })
                .unwrap_or_else(|| law.id.clone());
            found.push((m.start(), cite));
        }
    }
    found.sort();
    let mut out: Vec<String> = Vec::new();
    for (_, cite) in found {
        // A bare mention adds nothing beside the same law cited with an article.
        let bare_known = out.iter().any(|c| c == &cite || law_of(c) == cite);
        if !bare_known {
            out.retain(|c| c != law_of(&cite));
            out.push(cite);
        }
    }
    out
}

/// The jurisdiction a law id places a document under.
pub fn jurisdiction_of(cite: &str) -> Option<&'static str> {
    let id = law_of(cite);
    LAWS.iter()
        .find(|l| l.id == id)
        .map(|l| l.jurisdiction.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn laws_and_articles_in_citation_form() {
        assert_eq!(
            cites(
                "comply with the Personal Information Protection Law of Japan, GDPR (General Data Protection Regulation), CCPA"
            ),
            ["APPI", "GDPR", "CCPA"]
        );
        assert_eq!(
            cites("Under GDPR Art. 22 and Article 15 of the GDPR"),
            ["GDPR 第22条", "GDPR 第15条"]
        );
        assert_eq!(cites("Article 6(1) GDPR"), ["GDPR 第6条第1項"]);
        assert_eq!(cites("個人情報保護法第27条に基づき"), ["APPI 第27条"]);
        assert_eq!(
            cites("個人情報保護法第27条第1項第2号"),
            ["APPI 第27条第1項第2号"]
        );
        assert_eq!(
            cites("個人情報の保護に関する法律第二十七条第一項"),
            ["APPI 第27条第1項"]
        );
        assert_eq!(cites("ＧＤＰＲ、ＣＣＰＡ"), ["GDPR", "CCPA"]);
        assert_eq!(cites("GDPRに基づき、APPI第27条"), ["GDPR", "APPI 第27条"]);
        assert_eq!(cites("GDPRs and COPPAesque rules"), Vec::<String>::new());
        assert_eq!(
            cites("the Personal Information Protection Law of the People's Republic of China"),
            ["PIPL"]
        );
    }

    #[test]
    fn us_laws_and_transfer_frameworks() {
        assert_eq!(
            cites("under the Children's Online Privacy Protection Act"),
            ["COPPA"]
        );
        assert_eq!(
            cites("the California Online Privacy Protection Act (CalOPPA)"),
            ["CalOPPA"]
        );
        assert_eq!(
            cites("California's \"Shine the Light\" law"),
            ["Shine the Light"]
        );
        assert_eq!(
            cites("California Civil Code Section 1798.83"),
            ["Shine the Light"]
        );
        assert_eq!(cites("FERPA and HIPAA"), ["FERPA", "HIPAA"]);
        assert_eq!(cites("the CAN-SPAM Act"), ["CAN-SPAM"]);
        assert_eq!(
            cites(
                "We comply with the U.S.-EU Safe Harbor Framework and the EU-U.S. Privacy Shield"
            ),
            ["Safe Harbor", "Privacy Shield"]
        );
        assert_eq!(cites("the EU-U.S. Data Privacy Framework"), ["DPF"]);
        assert_eq!(cites("the DMCA safe harbor"), Vec::<String>::new());
        assert_eq!(jurisdiction_of("Shine the Light"), Some("US-CA"));
        assert_eq!(jurisdiction_of("CalOPPA"), Some("US-CA"));
    }

    #[test]
    fn japanese_laws_beside_appi() {
        assert_eq!(
            cites("電気通信事業法に基づく外部送信規律"),
            ["電気通信事業法"]
        );
        assert_eq!(
            cites("特定商取引に関する法律に基づく表示"),
            ["特定商取引法"]
        );
        assert_eq!(cites("資金決済に関する法律"), ["資金決済法"]);
        assert_eq!(cites("番号利用法第19条"), ["マイナンバー法 第19条"]);
        assert_eq!(jurisdiction_of("特定商取引法"), Some("JP"));
    }

    #[test]
    fn a_citation_is_of_its_law() {
        assert_eq!(law_of("APPI 第27条第1項"), "APPI");
        assert_eq!(law_of("Shine the Light"), "Shine the Light");
        assert_eq!(law_of("UK GDPR 第6条"), "UK GDPR");
    }
}
