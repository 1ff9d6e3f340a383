//! What a clause is about: its article types, judged from what the clause itself says, with its
//! article's heading as context.
//!
//! The cues are data (`src/rules/types.toml`). A cue is a phrase whose parts may have a few characters
//! (Japanese) or words (English) between them, `~` marking where; English cues match at word
//! boundaries (`*` at the end lets the word go on). Where cues overlap, the longer one governs:
//! 「第三者に開示」 is third-party although its 開示 alone would be user-rights.

use std::collections::HashMap;
use std::sync::LazyLock;

use aho_corasick::AhoCorasick;
use regex::Regex;
use serde::Deserialize;

use super::Decided;
use crate::analysis::normalize::Normalized;

#[derive(Deserialize)]
struct TypeRules {
    heading_weight: f32,
    most_types: usize,
    outside: Outside,
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
    /// Phrases that contain a cue but say something else ("we reserve the right to"): a cue inside one
    /// does not count.
    #[serde(default)]
    not: Vec<String>,
}

/// Headings that name a subject outside privacy (governing law, prohibited acts, fees): their clauses
/// are `other` unless their own text says enough of one type to outweigh `weight`.
#[derive(Deserialize)]
struct Outside {
    weight: f32,
    /// Phrases found anywhere in a heading.
    heading: Vec<String>,
    /// Headings that are only this word (活動, 事業 in articles of association).
    whole: Vec<String>,
    /// Types a clause keeps under such a heading when it names them.
    keep: Vec<String>,
}

/// One compiled cue: its type's index, its text as written, the literal it starts with (for the
/// one-pass search) and its pattern.
struct Cue {
    kind: usize,
    text: &'static str,
    veto: bool,
    pattern: Regex,
}

static RULES: LazyLock<TypeRules> = LazyLock::new(|| {
    toml::from_str(include_str!("../rules/types.toml")).expect("src/rules/types.toml is valid")
});

static CUES: LazyLock<Vec<Cue>> = LazyLock::new(|| {
    let mut cues = Vec::new();
    for (kind, t) in RULES.types.iter().enumerate() {
        let cue = |text: &'static String, english: bool, veto: bool| Cue {
            kind,
            text: text.as_str(),
            veto,
            pattern: compile(text, english),
        };
        cues.extend(t.ja.iter().map(|c| cue(c, is_latin(c), false)));
        cues.extend(t.en.iter().map(|c| cue(c, true, false)));
        cues.extend(t.not.iter().map(|c| cue(c, is_latin(c), true)));
    }
    cues
});

/// The longest plain literal of each cue, to find in one pass which cues may occur; cues with none are
/// always tried.
static LITERALS: LazyLock<(AhoCorasick, Vec<usize>, Vec<usize>)> = LazyLock::new(|| {
    let mut literals = Vec::new();
    let (mut owners, mut always) = (Vec::new(), Vec::new());
    for (i, cue) in CUES.iter().enumerate() {
        match longest_literal(cue.text) {
            Some(l) => {
                literals.push(l);
                owners.push(i);
            }
            None => always.push(i),
        }
    }
    let automaton = AhoCorasick::new(literals).expect("cues build an automaton");
    (automaton, owners, always)
});

fn is_latin(cue: &str) -> bool {
    cue.is_ascii()
}

/// The longest run of a cue that is plain text, outside its groups and gaps.
fn longest_literal(cue: &str) -> Option<String> {
    let mut plain = String::new();
    let mut depth = 0;
    for c in cue.chars() {
        match c {
            '(' => {
                depth += 1;
                plain.push('~');
            }
            ')' => depth -= 1,
            _ if depth > 0 => {}
            '*' | '~' => plain.push('~'),
            _ => plain.push(c),
        }
    }
    plain
        .split('~')
        .map(str::trim)
        .max_by_key(|s| s.len())
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

/// A cue as a pattern: parts joined by a short gap, English words at word boundaries, `(?:a|b)` groups
/// kept as written, `*` letting a word go on.
fn compile(cue: &str, english: bool) -> Regex {
    let part = |p: &str| {
        let mut s = String::new();
        let mut chars = p.trim().chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '(' => {
                    let mut group = String::from("(");
                    let mut depth = 1;
                    for g in chars.by_ref() {
                        group.push(g);
                        depth += match g {
                            '(' => 1,
                            ')' => -1,
                            _ => 0,
                        };
                        if depth == 0 {
                            break;
                        }
                    }
                    s.push_str(&group);
                }
                '*' => s.push_str(r"\w*"),
                ' ' => s.push_str(r"\s+"),
                _ => s.push_str(&regex::escape(&c.to_string())),
            }
        }
        if english {
            let ends_in_word = p
                .trim()
                .ends_with(|c: char| c.is_alphanumeric() || c == ')');
            // ASCII boundaries: a Latin cue ends where Japanese begins (Google Analyticsを).
            let end = if ends_in_word { r"(?-u:\b)" } else { "" };
            s = format!(r"(?-u:\b){s}{end}");
        }
        s
    };
    let parts: Vec<String> = cue.split('~').map(part).collect();
    let gap = if english {
        r"\W+(?:\w+\W+){0,3}?"
    } else {
        r"[^。.]{0,10}?"
    };
    Regex::new(&parts.join(gap)).expect("cue pattern")
}

/// Every article type name, in the rules' order, then `other`.
pub fn type_names() -> Vec<&'static str> {
    RULES
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
    let found = cue_hits(&folded);
    let named = RULES.types.iter().enumerate().find_map(|(i, t)| {
        let cue = found
            .iter()
            .find(|h| h.kind == i)
            .map(|h| h.words.clone())
            .or_else(|| {
                t.heading
                    .iter()
                    .find(|c| folded.contains(c.as_str()))
                    .cloned()
            })?;
        Some((t, cue))
    });
    named.map(|(t, cue)| Decided {
        value: t.name.clone(),
        cue: format!("heading 「{heading}」 has “{cue}”"),
    })
}

/// One cue found: its type's index, the cue as written, where it stands and the words found.
struct Hit {
    kind: usize,
    cue: &'static str,
    start: usize,
    end: usize,
    words: String,
}

/// The cues found in folded text, one per place: a cue inside a longer one of any type, or inside a
/// `not` phrase, does not count, and two cues of one type that overlap ("for the purpose" in "for the
/// purpose of use") are one thing said.
fn cue_hits(folded: &str) -> Vec<Hit> {
    let (automaton, owners, always) = &*LITERALS;
    let mut candidates: Vec<usize> = automaton
        .find_overlapping_iter(folded)
        .map(|m| owners[m.pattern().as_usize()])
        .chain(always.iter().copied())
        .collect();
    candidates.sort_unstable();
    candidates.dedup();
    let mut spans: Vec<(usize, usize, &Cue)> = Vec::new();
    // The words found, not the cue as written, are what `--explain` shows.
    for i in candidates {
        let cue = &CUES[i];
        spans.extend(
            cue.pattern
                .find_iter(folded)
                .map(|m| (m.start(), m.end(), cue)),
        );
    }
    let covered = |s: usize, e: usize, me: &Cue| {
        spans.iter().any(|&(s2, e2, other)| {
            // A `not` phrase silences only its own type's cues.
            s2 <= s
                && e <= e2
                && if other.veto {
                    !me.veto && other.kind == me.kind
                } else {
                    e2 - s2 > e - s
                }
        })
    };
    let mut found: Vec<(usize, usize, &Cue)> = spans
        .iter()
        .filter(|(s, e, cue)| !cue.veto && !covered(*s, *e, cue))
        .copied()
        .collect();
    found.sort_by_key(|&(s, e, _)| (s, std::cmp::Reverse(e)));
    let mut hits: Vec<Hit> = Vec::new();
    for (start, end, cue) in found {
        let overlaps = |h: &Hit| h.kind == cue.kind && h.start < end && start < h.end;
        if !hits.iter().any(overlaps) {
            hits.push(Hit {
                kind: cue.kind,
                cue: cue.text,
                start,
                end,
                words: folded[start..end].to_string(),
            });
        }
    }
    hits
}

/// The byte ranges of `folded` inside brackets, outermost only: asides such as "(IP address, cookie
/// identifier)" or 「（以下「個人情報保護法」といいます。）」. An unclosed bracket opens no aside.
fn asides(folded: &str) -> Vec<(usize, usize)> {
    let mut ranges = Vec::new();
    let mut open: Option<usize> = None;
    let mut depth = 0usize;
    for (i, c) in folded.char_indices() {
        match c {
            '(' => {
                if depth == 0 {
                    open = Some(i);
                }
                depth += 1;
            }
            ')' if depth > 0 => {
                depth -= 1;
                if depth == 0
                    && let Some(start) = open.take()
                {
                    ranges.push((start, i + 1));
                }
            }
            _ => {}
        }
    }
    ranges
}

/// How much of a clause's text its type is judged from.
const JUDGED_BYTES: usize = 64 * 1024;

/// The cues of each type that `text` has, as the words found, best first (ties keep the rules'
/// order). A cue counts once however often it recurs: 委託 five times is still one thing said.
fn scores(text: &str) -> Vec<(usize, Vec<String>)> {
    // Cue spans are compared pair by pair, so a 30 MB one-line clause took minutes: its type is
    // judged from its first `JUDGED_BYTES` (the dev set's longest clause is 3.3 KB).
    let text = crate::text::head(text, JUDGED_BYTES);
    let folded = fold(text);
    let hits = cue_hits(&folded);
    // What a clause mentions in an aside is not what it is about, unless it says nothing else.
    let asides = asides(&folded);
    let aside = |h: &Hit| asides.iter().any(|&(s, e)| s <= h.start && h.end <= e);
    let said: Vec<&Hit> = match hits.iter().filter(|h| !aside(h)).collect::<Vec<_>>() {
        outside if outside.is_empty() => hits.iter().collect(),
        outside => outside,
    };
    let mut per: HashMap<usize, Vec<String>> = HashMap::new();
    let mut seen: Vec<&str> = Vec::new();
    for hit in said {
        if !seen.contains(&hit.cue) {
            seen.push(hit.cue);
            per.entry(hit.kind).or_default().push(hit.words.clone());
        }
    }
    let mut scored: Vec<(usize, Vec<String>)> = per.into_iter().collect();
    scored.sort_by_key(|(kind, cues)| (std::cmp::Reverse(cues.len()), *kind));
    scored
}

fn describe(kind: usize, cues: &[String]) -> String {
    let mut distinct: Vec<&str> = cues.iter().map(String::as_str).collect();
    distinct.sort_unstable();
    distinct.dedup();
    format!("{} ({})", RULES.types[kind].name, distinct.join(", "))
}

/// An article's clauses joined, as far as its type is judged from: joining a 30 MB clause whole held
/// a second copy of it.
fn judged(texts: &[&str]) -> String {
    let mut joined = String::new();
    for text in texts {
        if joined.len() >= JUDGED_BYTES {
            break;
        }
        if !joined.is_empty() {
            joined.push('\n');
        }
        joined.push_str(crate::text::head(text, JUDGED_BYTES));
    }
    joined
}

/// The type `text` is most about, by cue hits; `other` when it names none.
pub fn text_type(text: &str) -> Decided<String> {
    match scores(text).first() {
        Some((kind, cues)) => Decided {
            value: RULES.types[*kind].name.clone(),
            cue: format!("text has {}", describe(*kind, cues)),
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
        .unwrap_or_else(|| text_type(&judged(texts)))
}

/// The subject outside privacy a heading names (準拠法, 禁止事項, Governing Law), if it names no type.
fn outside_heading(heading: &str) -> Option<Decided<String>> {
    let folded = fold(heading);
    let bare = folded
        .split("{#")
        .next()
        .unwrap_or_default()
        .trim_matches(|c: char| !c.is_alphanumeric());
    let cue = RULES
        .outside
        .heading
        .iter()
        .find(|c| folded.contains(c.as_str()))
        .or_else(|| RULES.outside.whole.iter().find(|c| bare == c.as_str()))?;
    Some(Decided {
        value: OTHER.to_string(),
        cue: format!("heading 「{heading}」 names “{cue}”, outside privacy"),
    })
}

const OTHER: &str = "other";

/// What an article is about, as context for its clauses: the type its heading names, `other` when the
/// heading names a subject outside privacy, or else the type its whole text is clearly most about (two
/// cues or more, more than any other type's); `None` when none says, so that a clause without cues of
/// its own stays `other`.
pub fn article_context(heading: Option<&str>, texts: &[&str]) -> Option<Decided<String>> {
    if let Some(named) = heading.and_then(|h| heading_type(h).or_else(|| outside_heading(h))) {
        return Some(named);
    }
    let scored = scores(&judged(texts));
    let (kind, cues) = scored.first()?;
    let runner_up = scored.get(1).map_or(0, |s| s.1.len());
    (cues.len() >= 2 && cues.len() > runner_up).then(|| Decided {
        value: RULES.types[*kind].name.clone(),
        cue: format!("its text has {}", describe(*kind, cues)),
    })
}

/// A clause's types, primary first: what its own text says, weighed with its article's type as
/// context; the article's type alone when the clause names none. Every type the clause's own text
/// has cues of is listed, up to the rules' `most_types`.
pub fn clause_types(article: Option<&Decided<String>>, text: &str) -> Decided<Vec<String>> {
    if is_stamp(text) {
        return Decided {
            value: vec![OTHER.to_string()],
            cue: "a closing mark, version or date stamp, not a provision".to_string(),
        };
    }
    let scored = scores(text);
    let context = article.and_then(|a| RULES.types.iter().position(|t| t.name == a.value));
    // Under a heading outside privacy, stray cues (不正に収集する行為, 第三者に譲渡) are what the clause
    // mentions, not what it is about; a type the rules keep there (minors) is what it is about.
    let kept = |kind: usize| RULES.outside.keep.contains(&RULES.types[kind].name);
    if let Some(a) = article.filter(|a| a.value == OTHER)
        && scored.iter().all(|(kind, _)| !kept(*kind))
        && scored
            .first()
            .is_none_or(|(_, cues)| (cues.len() as f32) < RULES.outside.weight)
    {
        return Decided {
            value: vec![OTHER.to_string()],
            cue: format!("article: {}", a.cue),
        };
    }
    // A bracketed note that names nothing ("(English Translation, see Section 8)") is not the article's
    // provision.
    let folded = fold(text);
    let folded = folded.trim();
    let note = asides(folded).first() == Some(&(0, folded.len()));
    if scored.is_empty() && note {
        return Decided {
            value: vec![OTHER.to_string()],
            cue: "a bracketed note with no cue".to_string(),
        };
    }
    if scored.is_empty() {
        return match article {
            Some(a) => Decided {
                value: vec![a.value.clone()],
                cue: format!("article: {}", a.cue),
            },
            None => Decided {
                value: vec!["other".to_string()],
                cue: "no cue in heading or text".to_string(),
            },
        };
    }
    let weight = |kind: usize, cues: &[String]| {
        cues.len() as f32
            + if Some(kind) == context {
                RULES.heading_weight
            } else {
                0.0
            }
    };
    let mut ranked: Vec<(f32, usize, &Vec<String>)> = scored
        .iter()
        .map(|(kind, cues)| (weight(*kind, cues), *kind, cues))
        .collect();
    ranked.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    let mut value: Vec<String> = Vec::new();
    let mut why: Vec<String> = Vec::new();
    // The article's type leads when it outweighs the clause's own cues, even if the clause names it not.
    if let (Some(kind), Some(a)) = (context, article)
        && scored.iter().all(|(k, _)| *k != kind)
        && RULES.heading_weight > ranked[0].0
    {
        value.push(RULES.types[kind].name.clone());
        why.push(format!("article: {}", a.cue));
    }
    for (_, kind, cues) in &ranked {
        if value.len() >= RULES.most_types {
            break;
        }
        value.push(RULES.types[*kind].name.clone());
        let context_note = if Some(*kind) == context {
            " and its article"
        } else {
            ""
        };
        why.push(format!("{}{context_note}", describe(*kind, cues)));
    }
    Decided {
        value,
        cue: format!("own text has {}", why.join("; ")),
    }
}

/// Whether a clause announces a list after it (「次の場合を除き、第三者に提供しません。」, "in the following
/// cases:"): the items that follow are read in its context.
pub fn leads_into_list(text: &str) -> bool {
    static LEAD: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(
            r"(?i)次の|以下の|下記の|次に掲げる|以下に掲げる|following|below|as follows|[:：]\s*$",
        )
        .unwrap()
    });
    LEAD.is_match(text)
}

/// Whether a clause is only a closing mark (以上), a version or a date stamp (改定日：2022年2月2日,
/// "Last updated: May 1, 2024"): the document's furniture, which says nothing of any type.
fn is_stamp(text: &str) -> bool {
    static STAMP: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(
            r"(?xi)^(?:
              以上
            | (?:version|ver\.?|バージョン|版) \s*[:：]?\s* v?[0-9.]+
            | (?:制定|改定|改訂|施行|発効|更新|最終更新|最終改定)(?:日|日付)?
              \s*[:：]?\s* [^。.]{0,30}? [0-9]{1,4} [^。]{0,20}?
            | (?:last\s+)?(?:updated|revised|modified)(?:\s+on)? \s*[:：]?\s* [^.]{0,30}? [0-9]{1,4} [^.]{0,20}?
            | effective(?:\s+date)?(?:\s+on)? \s*[:：]?\s* [^.]{0,30}? [0-9]{1,4} [^.]{0,20}?
            | (?:令和|平成|昭和)?\s*[0-9元]{1,4}\s*年\s*[0-9]{1,2}\s*月\s*[0-9]{1,2}\s*日
              \s*(?:制定|改定|改訂|施行|発効|更新|改正)?
            )$",
        )
        .unwrap()
    });
    let text = fold(text);
    let text = text.trim().trim_end_matches(['。', '.']);
    text.chars().count() <= 60 && STAMP.is_match(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn types(heading: Option<&str>, text: &str) -> Vec<String> {
        let article = heading.and_then(heading_type);
        clause_types(article.as_ref(), text).value
    }

    #[test]
    fn headings_name_types() {
        assert_eq!(heading_type("第三者提供").unwrap().value, "third-party");
        assert_eq!(
            heading_type("外国にある第三者への提供").unwrap().value,
            "cross-border"
        );
        assert_eq!(heading_type("Use of Cookie").unwrap().value, "cookies");
    }

    #[test]
    fn the_longer_cue_governs() {
        assert_eq!(
            text_type("当社は、法令に基づく場合を除き、個人情報を第三者に開示しません。").value,
            "third-party"
        );
        assert_eq!(
            text_type("保有個人データの開示等の請求に応じます。").value,
            "user-rights"
        );
        assert_eq!(
            text_type("We reserve the right to suspend accounts.").value,
            "other"
        );
    }

    #[test]
    fn a_clause_is_judged_by_what_it_says_with_its_article_as_context() {
        assert_eq!(
            types(Some("第三者提供"), "本人の同意がある場合"),
            ["third-party"]
        );
        let outsourced = types(
            Some("第三者提供"),
            "利用目的の達成に必要な範囲内において個人データの取扱いの全部又は一部を委託する場合",
        );
        assert!(
            outsourced.contains(&"outsourcing".to_string()),
            "{outsourced:?}"
        );
        assert_eq!(types(None, "No cue here at all."), ["other"]);
    }

    #[test]
    fn stamps_are_no_provision() {
        for stamp in [
            "以上",
            "バージョン： 1.0",
            "Ver. 1.0",
            "改定日： 2022年2月2日",
            "2025年1月1日制定",
            "令和4年4月1日 改定",
            "Revised: February 2nd, 2022",
            "Last updated: May 1, 2024",
        ] {
            assert_eq!(types(Some("変更"), stamp), ["other"], "{stamp}");
        }
        assert_eq!(
            types(
                None,
                "本ポリシーは2022年2月2日に改定しました。改定後の内容は本サイトに掲載します。"
            ),
            ["changes"]
        );
    }

    #[test]
    fn headings_outside_privacy_keep_stray_cues_out() {
        let outside = |heading: &str, text: &str| {
            let article = article_context(Some(heading), &[text]);
            clause_types(article.as_ref(), text).value
        };
        assert_eq!(
            outside("禁止事項", "他人の個人情報を不正に収集する行為"),
            ["other"]
        );
        assert_eq!(
            outside(
                "準拠法及び管轄裁判所",
                "東京地方裁判所を専属的合意管轄裁判所とします。"
            ),
            ["other"]
        );
        assert_eq!(
            outside(
                "Governing Law",
                "Except to the extent applicable law provides otherwise, these terms are governed by the laws of Ruritania."
            ),
            ["other"]
        );
        assert_eq!(outside("活動", "郷土資料の収集及び整理"), ["other"]);
        // A clause that says much of one type still takes it.
        let said = outside(
            "免責事項",
            "当社は、個人情報の漏えい等が発生した場合、個人情報保護委員会に報告し、本人に通知します。漏えい事案の原因を調査します。インシデントの再発を防ぎます。",
        );
        assert_eq!(said[0], "breach", "{said:?}");
        // Without a heading a clause is judged by its own cues.
        assert_eq!(
            types(None, "個人情報を第三者に提供しません。"),
            ["third-party"]
        );
    }

    /// Every type is reachable from what a clause says, in English and in Japanese (own sentences, not
    /// taken from any document).
    #[test]
    fn every_type_is_reachable_in_both_languages() {
        let cases = [
            (
                "cross-border",
                "Your information may be transferred to and processed in countries outside the European Economic Area.",
            ),
            (
                "cross-border",
                "個人データを外国にある第三者に提供する場合は、あらかじめ本人の同意を得ます。",
            ),
            (
                "breach",
                "If a data breach affects your information, we will notify you and the supervisory authority without undue delay.",
            ),
            (
                "breach",
                "個人データの漏えい等が発生した場合は、個人情報保護委員会に報告し、本人に通知します。",
            ),
            (
                "outsourcing",
                "We use service providers who process personal data on our behalf under written contracts.",
            ),
            (
                "outsourcing",
                "当社は、利用目的の達成に必要な範囲で、個人情報の取扱いを外部に委託することがあります。",
            ),
            (
                "third-party",
                "We do not sell, rent or trade your personal information to third parties.",
            ),
            (
                "third-party",
                "We may share your information with companies that help us run promotions.",
            ),
            (
                "third-party",
                "当社は、法令に基づく場合を除き、本人の同意なく個人データを第三者に提供しません。",
            ),
            (
                "cookies",
                "We and our advertising partners use cookies and web beacons to show you interest-based ads.",
            ),
            (
                "cookies",
                "We use Google Analytics to understand how visitors use the site.",
            ),
            (
                "cookies",
                "当サイトでは、アクセス解析のためにCookieを使用しています。",
            ),
            (
                "sensitive",
                "We do not ask for sensitive data such as your health information or religious beliefs.",
            ),
            (
                "sensitive",
                "当社は、要配慮個人情報を本人の同意なく取得しません。",
            ),
            (
                "anonymized",
                "We may publish aggregated, de-identified statistics that cannot be used to identify you.",
            ),
            (
                "anonymized",
                "当社は、匿名加工情報を作成したときは、その項目を公表します。",
            ),
            (
                "minors",
                "Our service is not directed to children under 13, and we do not knowingly collect their data.",
            ),
            (
                "minors",
                "16歳未満の方は、親権者の同意を得てから本サービスをご利用ください。",
            ),
            (
                "retention",
                "We retain your data only for as long as necessary and then securely delete it.",
            ),
            (
                "retention",
                "個人情報は、利用目的の達成に必要な期間保存し、その後遅滞なく消去します。",
            ),
            (
                "user-rights",
                "You have the right to access, correct or delete your personal data.",
            ),
            (
                "user-rights",
                "You can opt out of marketing emails at any time by clicking unsubscribe.",
            ),
            (
                "user-rights",
                "You may review and update your contact information in your account settings at any time.",
            ),
            (
                "user-rights",
                "本人は、当社に対し、保有個人データの開示、訂正、利用停止を請求することができます。",
            ),
            (
                "security",
                "We protect your information with SSL encryption and strict access controls.",
            ),
            (
                "security",
                "We will keep your personal information confidential.",
            ),
            (
                "security",
                "当社は、個人情報への不正アクセスを防ぐため、SSLによる暗号化を行います。",
            ),
            (
                "purpose",
                "We may use your information to provide and improve our services.",
            ),
            ("purpose", "取得した個人情報は、以下の目的で利用します。"),
            (
                "collection",
                "We collect the information you provide when you register, such as your name and email address.",
            ),
            (
                "collection",
                "当社は、お問い合わせの際に氏名とメールアドレスを取得します。",
            ),
            (
                "definitions",
                "In this policy, \"personal data\" means any information relating to an identified or identifiable person.",
            ),
            (
                "definitions",
                "「個人情報」とは、生存する個人に関する情報であって、特定の個人を識別できるものをいいます。",
            ),
            (
                "changes",
                "We may update this privacy policy from time to time and will post the new version on this page.",
            ),
            (
                "changes",
                "当社は、本ポリシーを予告なく変更することがあります。",
            ),
            (
                "contact",
                "If you have questions about this policy, please contact us at privacy@example.com.",
            ),
            (
                "contact",
                "本ポリシーに関するお問い合わせは、下記の窓口までご連絡ください。",
            ),
            (
                "principles",
                "We are committed to protecting your privacy and comply with applicable data protection laws.",
            ),
            (
                "principles",
                "当社は、個人情報保護法その他の法令を遵守します。",
            ),
            (
                "other",
                "These terms are governed by the laws of the State of New York.",
            ),
            (
                "other",
                "We may make minor changes to the layout of the site.",
            ),
            (
                "other",
                "We reserve the right to suspend accounts that violate these terms.",
            ),
            ("other", "本規約は日本法に準拠します。"),
        ];
        for (want, text) in cases {
            assert_eq!(types(None, text)[0], want, "{text}");
        }
        let covered: Vec<&str> = cases.iter().map(|c| c.0).collect();
        for name in type_names() {
            assert!(covered.contains(&name), "no sentence of type {name}");
        }
    }

    #[test]
    fn english_cues_as_a_lawyer_reads_them() {
        assert_eq!(
            text_type("We may share your information with our partners.").value,
            "third-party"
        );
        assert_eq!(
            text_type("We do not sell or rent your personal information.").value,
            "third-party"
        );
        assert_eq!(
            text_type("Our site does not respond to Do Not Track signals.").value,
            "cookies"
        );
        assert_eq!(
            text_type("We use SSL encryption to protect your data.").value,
            "security"
        );
        assert_eq!(
            text_type("We do not knowingly collect information from children under 13.").value,
            "minors"
        );
        assert_eq!(
            text_type("We may update this privacy policy from time to time.").value,
            "changes"
        );
        assert_eq!(
            text_type("You may update or correct your account information at any time.").value,
            "user-rights"
        );
        assert_eq!(
            text_type("We keep your information for as long as your account is active.").value,
            "retention"
        );
    }
}
