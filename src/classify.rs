//! What a clause is about and whose it is: company, laws and jurisdictions, date, language, article type.
//!
//! The type and law tables are data (`src/rules/*.toml`) so a lawyer can review and extend them; this
//! module only applies them. Pure: text in, facts out.

use std::collections::{BTreeSet, HashSet};

use aho_corasick::AhoCorasick;
use std::sync::LazyLock;

use regex::{Regex, RegexBuilder};
use serde::Deserialize;

use crate::analysis::normalize::Normalized;

/// A clause's language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// Japanese.
    Ja,
    /// English.
    En,
}

impl Lang {
    /// The code used in JSON and facets.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Ja => "ja",
            Lang::En => "en",
        }
    }
}

/// The language of `text`: Japanese if it has kana or kanji in any real proportion, English if it is
/// Latin letters; `fallback` when it has too few letters to tell.
pub fn language(text: &str, fallback: Lang) -> Lang {
    let (japanese, latin) = letters(text);
    language_of_counts(japanese, latin, fallback)
}

/// Kana and kanji, and Latin letters, in `text`; addresses are Latin letters in any language, so they
/// do not count.
fn letters(text: &str) -> (usize, usize) {
    let text = URL.replace_all(text, "");
    let japanese = text.chars().filter(|c| crate::analysis::is_cjk(*c)).count();
    let latin = text.chars().filter(char::is_ascii_alphabetic).count();
    (japanese, latin)
}

fn language_of_counts(japanese: usize, latin: usize, fallback: Lang) -> Lang {
    if japanese == 0 && latin < 12 {
        fallback
    } else if japanese * 4 >= latin.min(400) && japanese > 0 {
        Lang::Ja
    } else {
        Lang::En
    }
}

static URL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?:https?://|www\.|[\w.+-]+@)[^\s)）]*").unwrap());

/// A fact and the text that decided it, for `--explain`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decided<T> {
    /// The fact.
    pub value: T,
    /// Why: the cue or rule that decided it.
    pub cue: String,
}

#[derive(Deserialize)]
struct TypeRules {
    override_hits: usize,
    #[serde(rename = "type")]
    types: Vec<TypeRule>,
}

#[derive(Deserialize)]
struct TypeRule {
    name: String,
    ja: Vec<String>,
    en: Vec<String>,
    #[serde(default)]
    heading: Vec<String>,
}

static TYPES: LazyLock<TypeRules> = LazyLock::new(|| {
    toml::from_str(include_str!("rules/types.toml")).expect("src/rules/types.toml is valid")
});

/// Every text cue of every type, for finding them all in one pass.
static CUES: LazyLock<AhoCorasick> = LazyLock::new(|| {
    let cues = TYPES.types.iter().flat_map(|t| t.ja.iter().chain(&t.en));
    AhoCorasick::new(cues).expect("cues build an automaton")
});

/// Every article type name, in the rules' order, then `other`.
pub fn type_names() -> Vec<&'static str> {
    TYPES
        .types
        .iter()
        .map(|t| t.name.as_str())
        .chain(["other"])
        .collect()
}

/// Text folded the way cues are written: NFKC, lowercase.
fn fold(text: &str) -> String {
    Normalized::new(text).text.to_lowercase()
}

/// The type an article heading names, if any: the first type in the rules with a cue in it.
pub fn heading_type(heading: &str) -> Option<Decided<String>> {
    let folded = fold(heading);
    TYPES.types.iter().find_map(|t| {
        let cue =
            t.ja.iter()
                .chain(&t.en)
                .chain(&t.heading)
                .find(|c| folded.contains(c.as_str()))?;
        Some(Decided {
            value: t.name.clone(),
            cue: format!("heading 「{heading}」 has “{cue}”"),
        })
    })
}

/// Cue hits per type in `text`, best first (ties keep the rules' order).
fn scores(text: &str) -> Vec<(usize, &'static TypeRule, Vec<&'static str>)> {
    let folded = fold(text);
    // One pass over the text finds which of the few hundred cues occur at all.
    let present: HashSet<&str> = CUES
        .find_overlapping_iter(&folded)
        .map(|m| &folded[m.start()..m.end()])
        .collect();
    let mut scored: Vec<_> = TYPES
        .types
        .iter()
        .map(|t| {
            let found: Vec<&str> =
                t.ja.iter()
                    .chain(&t.en)
                    .map(String::as_str)
                    .filter(|c| present.contains(c))
                    .collect();
            // One word is one hit: 問い合わせ inside a matched お問い合わせ does not count again.
            let mut cues: Vec<&str> = found
                .iter()
                .copied()
                .filter(|c| !found.iter().any(|d| d != c && d.contains(c)))
                .collect();
            cues.dedup();
            let hits: usize = cues.iter().map(|c| folded.matches(c).count()).sum();
            (hits, t, cues)
        })
        .filter(|(hits, _, _)| *hits > 0)
        .collect();
    scored.sort_by_key(|s| std::cmp::Reverse(s.0));
    scored
}

/// The type `text` is most about, by cue hits; `other` when it names none.
pub fn text_type(text: &str) -> Decided<String> {
    match scores(text).first() {
        Some((hits, t, cues)) => Decided {
            value: t.name.clone(),
            cue: format!("text has {hits} cue(s) of {}: {}", t.name, cues.join(", ")),
        },
        None => Decided {
            value: "other".to_string(),
            cue: "no cue in heading or text".to_string(),
        },
    }
}

/// An article's type: the type its heading names, or else the one its whole text is most about.
pub fn article_type(heading: Option<&str>, texts: &[&str]) -> Decided<String> {
    heading
        .and_then(heading_type)
        .unwrap_or_else(|| text_type(&texts.join("\n")))
}

/// A clause's type: its article's, unless its own text clearly says otherwise.
pub fn clause_type(article: &Decided<String>, text: &str) -> Decided<String> {
    let scored = scores(text);
    let own = |name: &str| {
        scored
            .iter()
            .find(|(_, t, _)| t.name == name)
            .map_or(0, |s| s.0)
    };
    match scored.first() {
        Some((hits, t, cues))
            if t.name != article.value
                && *hits >= TYPES.override_hits
                && own(&article.value) == 0 =>
        {
            Decided {
                value: t.name.clone(),
                cue: format!(
                    "own text has {hits} cue(s) of {}: {} and none of its article's {}",
                    t.name,
                    cues.join(", "),
                    article.value
                ),
            }
        }
        _ => Decided {
            value: article.value.clone(),
            cue: format!("article: {}", article.cue),
        },
    }
}

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
        toml::from_str(include_str!("rules/laws.toml")).expect("src/rules/laws.toml is valid");
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

static ARTICLE_AFTER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s*(?:,\s*)?(?:Art\.?|Article|第)\s*(\d+)").unwrap());
static ARTICLE_BEFORE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:Art\.?|Article)\s*(\d+)(?:\s*\(\d+\))?\s*(?:of\s+)?(?:the\s+)?$").unwrap()
});

/// The laws `text` names, as ids with an article number where one is given (`GDPR Art. 22`), in order
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
            let window = window_on_boundaries(
                &text,
                m.start().saturating_sub(10),
                (m.end() + 40).min(text.len()),
            )
            .unwrap_or("");
            if law
                .unless
                .iter()
                .any(|u| u.is_match(window) || u.is_match(m.as_str()))
            {
                continue;
            }
            let after = ARTICLE_AFTER
                .captures(&text[m.end()..])
                .map(|c| c[1].to_string());
            let before_start = floor_boundary(&text, m.start().saturating_sub(30));
            let before = ARTICLE_BEFORE
                .captures(&text[before_start..m.start()])
                .map(|c| c[1].to_string());
            let cite = match after.or(before) {
                Some(n) => format!("{} Art. {n}", law.id),
                None => law.id.clone(),
            };
            found.push((m.start(), cite));
        }
    }
    found.sort();
    let mut out: Vec<String> = Vec::new();
    for (_, cite) in found {
        // A bare mention adds nothing beside the same law cited with an article.
        let bare_known = out
            .iter()
            .any(|c| c == &cite || c.starts_with(&format!("{cite} Art.")));
        if !bare_known {
            out.retain(|c| !cite.starts_with(&format!("{c} Art.")));
            out.push(cite);
        }
    }
    out
}

fn floor_boundary(text: &str, mut i: usize) -> usize {
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn window_on_boundaries(text: &str, start: usize, end: usize) -> Option<&str> {
    let start = floor_boundary(text, start);
    let mut end = end;
    while !text.is_char_boundary(end) {
        end += 1;
    }
    text.get(start..end)
}

/// The jurisdiction a law id places a document under.
pub fn jurisdiction_of(cite: &str) -> Option<&'static str> {
    let id = cite.split(" Art.").next()?;
    LAWS.iter()
        .find(|l| l.id == id)
        .map(|l| l.jurisdiction.as_str())
}

static DATE_JA: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:(制定|改定|改訂|施行|更新|最終改定|最終更新)日?\s*[:：]?\s*)?(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日\s*(制定|改定|改訂|施行|更新)?").unwrap()
});
static DATE_EN: LazyLock<Regex> = LazyLock::new(|| {
    RegexBuilder::new(r"(revised|last updated|last revised|last modified|effective(?: date)?|updated|established|enacted)\s*(?:on|as of)?\s*:?\s*([a-z]+)\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})")
        .case_insensitive(true)
        .build()
        .unwrap()
});
static DATE_ISO: LazyLock<Regex> = LazyLock::new(|| {
    RegexBuilder::new(r"(revised|updated|effective|制定|改定|施行|更新)[^0-9]{0,12}(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})")
        .case_insensitive(true)
        .build()
        .unwrap()
});

/// The policy dates a line states (制定, 改定日, 施行, "Revised: …"), as ISO 8601.
fn dates_in(line: &str) -> Vec<String> {
    let mut found = Vec::new();
    for c in DATE_JA.captures_iter(line) {
        if c.get(1).is_some() || c.get(5).is_some() {
            found.push(iso(&c[2], &c[3], &c[4]));
        }
    }
    for c in DATE_EN.captures_iter(line) {
        if let Some(month) = month_number(&c[2]) {
            found.push(iso(&c[4], &month.to_string(), &c[3]));
        }
    }
    for c in DATE_ISO.captures_iter(line) {
        found.push(iso(&c[2], &c[3], &c[4]));
    }
    found.into_iter().flatten().collect()
}

fn iso(year: &str, month: &str, day: &str) -> Option<String> {
    let (y, m, d): (u32, u32, u32) = (year.parse().ok()?, month.parse().ok()?, day.parse().ok()?);
    ((1900..=2200).contains(&y) && (1..=12).contains(&m) && (1..=31).contains(&d))
        .then(|| format!("{y:04}-{m:02}-{d:02}"))
}

fn month_number(name: &str) -> Option<u32> {
    const MONTHS: [&str; 12] = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    let lower = name.to_lowercase();
    MONTHS
        .iter()
        .position(|m| lower.starts_with(m))
        .map(|i| i as u32 + 1)
}

static COMPANY_JA: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"([^\s、。，,「」『』（）()：:]{1,40}?)\s*[（(]\s*以下[、,]?\s*[「『](?:当社|弊社|当法人|当団体)[」』]").unwrap()
});
static COMPANY_EN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"([A-Z][\w&'\-]*(?:\s+[A-Z0-9][\w&'\-]*){0,4},?\s+(?:Inc\.|Co\.,\s*Ltd\.|Ltd\.|LLC|Corporation|Corp\.|K\.K\.|GmbH|Limited))\s*\(\s*hereinafter").unwrap()
});
static COMPANY_TITLE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(.{1,40}?)\s*(?:のプライバシーポリシー|プライバシーポリシー|個人情報保護方針|個人情報の取扱いについて|Privacy Policy)$").unwrap()
});

/// What a document says about itself, gathered one line at a time so a large file is never held twice:
/// its company, date, jurisdictions and main language.
#[derive(Debug, Default)]
pub struct DocumentReader {
    japanese: usize,
    latin: usize,
    company_ja: Option<Decided<String>>,
    company_en: Option<Decided<String>>,
    first_lines: Vec<String>,
    date: Option<Decided<String>>,
    jurisdictions: BTreeSet<String>,
}

/// The document-level facts a [`DocumentReader`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentFacts {
    /// The document's main language.
    pub lang: Lang,
    /// The company: the party defined as 「当社」 or "hereinafter", or the name in the title.
    pub company: Option<Decided<String>>,
    /// The policy's date (the latest stated: the version in force).
    pub date: Option<Decided<String>>,
    /// Jurisdictions of the laws the document names; `["JP"]` for a Japanese one naming none.
    pub jurisdictions: Vec<String>,
    /// Whether `jurisdictions` was inferred rather than read.
    pub inferred: bool,
}

impl DocumentReader {
    /// Takes in one line of the document's text.
    pub fn read_line(&mut self, line: &str) {
        let (japanese, latin) = letters(line);
        self.japanese += japanese;
        self.latin += latin;
        if self.first_lines.len() < 3 {
            self.first_lines.push(line.to_string());
        }
        if self.company_ja.is_none()
            && let Some(c) = COMPANY_JA.captures(line)
        {
            self.company_ja = Some(Decided {
                value: bare_company(&c[1]),
                cue: format!("「{}」", c[0].trim()),
            });
        }
        if self.company_en.is_none()
            && let Some(c) = COMPANY_EN.captures(line)
        {
            self.company_en = Some(Decided {
                value: bare_company(&c[1]),
                cue: format!("“{}”", c[0].trim()),
            });
        }
        // Dates need digits; most lines have none, and skip the normalising.
        let normalized = if line.chars().any(char::is_numeric) {
            Normalized::new(line).text
        } else {
            String::new()
        };
        for date in dates_in(&normalized) {
            if self.date.as_ref().is_none_or(|b| date > b.value) {
                self.date = Some(Decided {
                    value: date,
                    cue: format!("「{}」", normalized.trim()),
                });
            }
        }
        for cite in cites(line) {
            if let Some(j) = jurisdiction_of(&cite) {
                self.jurisdictions.insert(j.to_string());
            }
        }
    }

    /// The facts, given the document's title (a company may be named only there).
    pub fn finish(self, title: Option<&str>) -> DocumentFacts {
        let lang = language_of_counts(self.japanese, self.latin, Lang::Ja);
        let from_title = || {
            title
                .into_iter()
                .chain(self.first_lines.iter().map(String::as_str))
                .find_map(|line| {
                    let c = COMPANY_TITLE.captures(line.trim())?;
                    let name = bare_company(&c[1]);
                    let generic =
                        matches!(name.as_str(), "" | "本" | "当社" | "弊社" | "Our" | "The");
                    (!generic).then(|| Decided {
                        value: name,
                        cue: format!("title 「{}」", line.trim()),
                    })
                })
        };
        let company = self
            .company_ja
            .clone()
            .or(self.company_en.clone())
            .or_else(from_title);
        let inferred = self.jurisdictions.is_empty() && lang == Lang::Ja;
        let jurisdictions = if inferred {
            vec!["JP".to_string()]
        } else {
            self.jurisdictions.into_iter().collect()
        };
        DocumentFacts {
            lang,
            company,
            date: self.date,
            jurisdictions,
            inferred,
        }
    }

    /// Reads every line of `lines` and finishes.
    pub fn read_all<'a>(
        lines: impl IntoIterator<Item = &'a str>,
        title: Option<&str>,
    ) -> DocumentFacts {
        let mut reader = DocumentReader::default();
        for line in lines {
            reader.read_line(line);
        }
        reader.finish(title)
    }
}

/// A company name without its legal form (株式会社Live2D → Live2D, Live2D Inc. → Live2D).
pub fn bare_company(name: &str) -> String {
    let mut s = name
        .trim()
        .trim_matches(['「', '」', '"', '“', '”'])
        .to_string();
    for form in [
        "株式会社",
        "有限会社",
        "合同会社",
        "一般社団法人",
        "(株)",
        "㈱",
        "（株）",
    ] {
        s = s
            .trim_start_matches(form)
            .trim_end_matches(form)
            .to_string();
    }
    for form in [
        ", Inc.",
        " Inc.",
        " Co., Ltd.",
        " Co.,Ltd.",
        " Ltd.",
        " LLC",
        " Corporation",
        " Corp.",
        " K.K.",
        " GmbH",
        " Limited",
    ] {
        if let Some(stripped) = s.strip_suffix(form) {
            s = stripped.trim_end_matches(',').to_string();
        }
    }
    s.trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn companies_from_their_defining_phrase() {
        let c = |line: &str| {
            DocumentReader::read_all([line], None)
                .company
                .map(|d| d.value)
        };
        assert_eq!(
            c("株式会社Live2D（以下、「当社」といいます。）は、"),
            Some("Live2D".into())
        );
        assert_eq!(
            c("HeyImg（以下「当社」といいます。）は、当社が"),
            Some("HeyImg".into())
        );
        assert_eq!(
            c("1.1 Live2D Inc. (hereinafter referred to as “Live2D”) acknowledges"),
            Some("Live2D".into())
        );
        assert_eq!(
            DocumentReader::read_all(["当社は、"], Some("LNSOFT プライバシーポリシー"))
                .company
                .map(|d| d.value),
            Some("LNSOFT".into())
        );
        assert_eq!(
            c(
                "we have established the Personal Information Protection Policy (hereinafter referred to as the ”Privacy Policy”)"
            ),
            None
        );
    }

    #[test]
    fn laws_and_articles() {
        assert_eq!(
            cites(
                "comply with the Personal Information Protection Law of Japan, GDPR (General Data Protection Regulation), CCPA"
            ),
            ["APPI", "GDPR", "CCPA"]
        );
        assert_eq!(
            cites("Under GDPR Art. 22 and Article 15 of the GDPR"),
            ["GDPR Art. 22", "GDPR Art. 15"]
        );
        assert_eq!(cites("個人情報保護法第27条に基づき"), ["APPI Art. 27"]);
        assert_eq!(
            cites("the Personal Information Protection Law of the People's Republic of China"),
            ["PIPL"]
        );
        // The last name of the last law, and full-width letters that only spell a name after NFKC.
        assert_eq!(
            cites("under the Children's Online Privacy Protection Act"),
            ["COPPA"]
        );
        assert_eq!(cites("ＧＤＰＲ、ＣＣＰＡ"), ["GDPR", "CCPA"]);
        // Japanese runs on straight after a Latin name.
        assert_eq!(cites("GDPRに基づき、APPI第27条"), ["GDPR", "APPI Art. 27"]);
        assert_eq!(cites("GDPRs and COPPAesque rules"), Vec::<String>::new());
        assert_eq!(jurisdiction_of("CCPA"), Some("US-CA"));
    }

    #[test]
    fn dates_in_iso() {
        let d = |l: &str| DocumentReader::read_all([l], None).date.map(|d| d.value);
        assert_eq!(d("2025年1月1日制定"), Some("2025-01-01".into()));
        assert_eq!(d("改定日： 2022年2月2日"), Some("2022-02-02".into()));
        assert_eq!(d("Revised: February 2nd, 2022"), Some("2022-02-02".into()));
        assert_eq!(d("２０２４年１２月１日改定"), Some("2024-12-01".into()));
        assert_eq!(d("平成 15 年 5 月 30 日法律第 57 号"), None);
        assert_eq!(
            DocumentReader::read_all(["2020年4月1日制定", "2023年10月1日改定"], None)
                .date
                .map(|d| d.value),
            Some("2023-10-01".into())
        );
    }

    #[test]
    fn types_from_headings_and_text() {
        assert_eq!(heading_type("第三者提供").unwrap().value, "third-party");
        assert_eq!(
            heading_type("外国にある第三者への提供").unwrap().value,
            "cross-border"
        );
        assert_eq!(heading_type("Use of Cookie").unwrap().value, "cookies");
        assert_eq!(
            text_type("当社は、Googleアナリティクスによるアクセス解析を行い、Cookieを利用します。")
                .value,
            "cookies"
        );
        let article = Decided {
            value: "third-party".to_string(),
            cue: String::new(),
        };
        assert_eq!(
            clause_type(&article, "本人の同意がある場合").value,
            "third-party"
        );
    }

    #[test]
    fn languages() {
        assert_eq!(language("当社は個人情報を守ります。", Lang::En), Lang::Ja);
        assert_eq!(
            language("We protect personal information.", Lang::Ja),
            Lang::En
        );
        assert_eq!(language("6.2.1", Lang::Ja), Lang::Ja);
        assert_eq!(language("Googleプライバシーポリシー", Lang::En), Lang::Ja);
    }
}
