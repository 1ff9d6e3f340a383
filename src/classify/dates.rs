//! The dates a policy states about itself (制定, 改定, 施行, 発効, 最終更新, "Last updated", "Effective"),
//! in ISO 8601.
//!
//! A date counts only beside a word that makes it the document's own (a date in running text may be a
//! law's, a deadline or a birthday), or standing alone on its line, as under a signature. 和暦 (令和,
//! 平成, 昭和, 元年), kanji and full-width numerals, `2021/3/1` and English month names are all read.

use std::sync::LazyLock;

use regex::{Regex, RegexBuilder};

/// Words that make a date the document's own when they come before it (`改定日：`, `Last updated`).
const MARK_BEFORE: &str = r"(?:制定|改定|改訂|改正|施行|発効|効力発生|更新|最終更新|最終改定|最終改訂|最終改正|作成|修正|公表|公開|策定|適用開始|適用|施行期日|Last\s+updated|Last\s+update|Last\s+modified|Last\s+revised|Last\s+amended|Revised|Updated|Modified|Amended|Effective|Effective\s+date|Effective\s+as\s+of|Date\s+of\s+last\s+revision|Decided|Established|Enacted|Adopted|Published|Posted|Version|Dated?)";

/// Words that make it so when they come after it (`2021年12月1日 改定`, `…日から施行する`).
const MARK_AFTER: &str =
    r"(?:制定|改定|改訂|改正|施行|実施|発効|効力|適用|更新|作成|修正|策定|公表|公開)";

/// One date in any of the forms a policy writes it, on NFKC-normalised text (so digits are ASCII).
/// Word boundaries are ASCII ones: a Unicode `\b` kept the regex off its fast engine for any line with
/// Japanese in it, a tenth of all indexing time.
static DATE: LazyLock<Regex> = LazyLock::new(|| {
    let n = super::NUMERAL;
    let months = r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?";
    RegexBuilder::new(&format!(
        r"(?x)
        (?:(?P<era>令和|平成|昭和)\s*(?P<ey>{n}|元)|(?P<y>\d{{4}}))\s*年\s*(?P<m>{n})\s*月\s*(?P<d>{n})\s*日
        | (?P<iy>\d{{4}})\s*[-/.]\s*(?P<im>\d{{1,2}})\s*[-/.]\s*(?P<id>\d{{1,2}})(?:[T\s]\d{{1,2}}:\d{{2}}\S*)?
        | (?P<um>\d{{1,2}})/(?P<ud>\d{{1,2}})/(?P<uy>\d{{4}})
        | (?-u:\b)(?P<month>{months})\.?\s+(?P<md>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<my>\d{{4}})(?-u:\b)
        | (?-u:\b)(?P<dm>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<dmonth>{months})\.?,?\s+(?P<dmy>\d{{4}})(?-u:\b)"
    ))
    .case_insensitive(true)
    .build()
    .expect("date pattern")
});

static BEFORE: LazyLock<Regex> = LazyLock::new(|| {
    RegexBuilder::new(&format!(
        r"{MARK_BEFORE}\s*日?\s*(?:on|as\s+of|of|at)?\s*[:：]?\s*[-–]?\s*$"
    ))
    .case_insensitive(true)
    .build()
    .expect("mark pattern")
});
static AFTER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"^\s*[(（]?\s*(?:より|から|に|付け?で?|をもって|を以て|以降)?\s*[、,]?\s*(?:直ちに)?\s*{MARK_AFTER}"
    ))
    .expect("mark pattern")
});
/// A date marked as another thing's: a law's enforcement (`2022年4月1日施行の改正個人情報保護法`).
static OTHERS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^[^。]{0,6}(?:の|された)[^。]{0,12}(?:法|法律|規則|ガイドライン)").unwrap()
});
/// What may stand beside a date on a line of its own (`令和3年6月15日`, `- 2023年11月1日`, `以上`).
static ALONE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^[\s\-*・()（）\[\]【】「」:：|｜]*(?:以上)?[\s\-*・()（）\[\]【】「」:：|｜]*$")
        .unwrap()
});

/// The document's own dates on one line of NFKC-normalised text, as ISO 8601.
pub fn dates_in(line: &str) -> Vec<String> {
    let mut found = Vec::new();
    // Every form has a digit or 年 (令和元年五月一日); most lines have neither.
    if !line.bytes().any(|b| b.is_ascii_digit()) && !line.contains('年') {
        return found;
    }
    for c in DATE.captures_iter(line) {
        let m = c.get(0).expect("whole match");
        let (before, after) = (&line[..m.start()], &line[m.end()..]);
        let marked_before = BEFORE.is_match(before);
        let marked_after = AFTER
            .find(after)
            .is_some_and(|a| !OTHERS.is_match(&after[a.end()..]));
        let alone = ALONE.is_match(before) && ALONE.is_match(after);
        if (marked_before || marked_after || alone)
            && let Some(date) = iso_of(&c)
        {
            found.push(date);
        }
    }
    found
}

/// A front matter date (`2022-06-14T00:00:00+09:00`, `2025-05-06`) as ISO 8601.
pub fn front_matter_date(value: &str) -> Option<String> {
    let c = DATE.captures(value)?;
    iso_of(&c)
}

fn iso_of(c: &regex::Captures) -> Option<String> {
    let num = |name: &str| c.name(name).and_then(|m| super::number(m.as_str()));
    let month_of = |name: &str| c.name(name).and_then(|m| month_number(m.as_str()));
    let (y, m, d) = if let Some(era) = c.name("era") {
        let offset = match era.as_str() {
            "令和" => 2018,
            "平成" => 1988,
            _ => 1925,
        };
        let year = match &c["ey"] {
            "元" => 1,
            other => super::number(other)?,
        };
        (offset + year, num("m")?, num("d")?)
    } else if c.name("y").is_some() {
        (num("y")?, num("m")?, num("d")?)
    } else if c.name("iy").is_some() {
        (num("iy")?, num("im")?, num("id")?)
    } else if c.name("uy").is_some() {
        (num("uy")?, num("um")?, num("ud")?)
    } else if c.name("my").is_some() {
        (num("my")?, month_of("month")?, num("md")?)
    } else {
        (num("dmy")?, month_of("dmonth")?, num("dm")?)
    };
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::normalize::Normalized;

    fn d(line: &str) -> Vec<String> {
        dates_in(&Normalized::new(line).text)
    }

    #[test]
    fn marked_dates_in_every_form() {
        assert_eq!(d("2025年1月1日制定"), ["2025-01-01"]);
        assert_eq!(d("改定日： 2022年2月2日"), ["2022-02-02"]);
        assert_eq!(d("Revised: February 2nd, 2022"), ["2022-02-02"]);
        assert_eq!(d("*Last updated January 4, 2020*"), ["2020-01-04"]);
        assert_eq!(d("Effective date: 1 March 2021"), ["2021-03-01"]);
        assert_eq!(d("Last Updated: 03/15/2019"), ["2019-03-15"]);
        assert_eq!(d("２０２４年１２月１日改定"), ["2024-12-01"]);
        assert_eq!(d("最終更新 2021/3/1"), ["2021-03-01"]);
        assert_eq!(d("発効日 2026 年 5 月 4 日"), ["2026-05-04"]);
        assert_eq!(d("令和４年４月１日 施行"), ["2022-04-01"]);
        assert_eq!(
            d("この規程は、令和元年8月27日から施行する。"),
            ["2019-08-27"]
        );
        assert_eq!(
            d("本会則は、平成二十九年十二月二日より施行し"),
            ["2017-12-02"]
        );
        assert_eq!(d("昭和63年4月1日制定"), ["1988-04-01"]);
        assert_eq!(d("2.2000年4月25日に改訂。"), ["2000-04-25"]);
        assert_eq!(
            d("本規約は２００１年７月１９日より、直ちに実施するものとします。"),
            ["2001-07-19"]
        );
    }

    #[test]
    fn a_date_alone_on_its_line_is_the_documents() {
        assert_eq!(d("令和　3年　6月　15日"), ["2021-06-15"]);
        assert_eq!(d("2023年11月1日"), ["2023-11-01"]);
    }

    #[test]
    fn other_dates_are_not_the_documents() {
        assert_eq!(d("平成 15 年 5 月 30 日法律第 57 号"), Vec::<String>::new());
        assert_eq!(
            d("2022年4月1日施行の改正個人情報保護法に対応しました"),
            Vec::<String>::new()
        );
        assert_eq!(
            d("お申込みは2024年3月1日までにお願いします"),
            Vec::<String>::new()
        );
        assert_eq!(d("born on January 4, 2000 or later"), Vec::<String>::new());
    }

    #[test]
    fn front_matter_timestamps_become_dates() {
        assert_eq!(
            front_matter_date("2022-06-14T00:00:00+09:00").as_deref(),
            Some("2022-06-14")
        );
        assert_eq!(
            front_matter_date("2025-05-06").as_deref(),
            Some("2025-05-06")
        );
        assert_eq!(front_matter_date("soon"), None);
    }
}
