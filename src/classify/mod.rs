//! What a clause is about and whose it is: company, laws and jurisdictions, date, language, article type.
//!
//! The type and law tables are data (`src/rules/*.toml`) so a lawyer can review and extend them; these
//! modules only apply them, one concept each: [`company`], [`dates`], [`laws`], [`types`]. Pure: text
//! in, facts out.

mod company;
mod dates;
mod laws;
mod types;

use std::collections::BTreeSet;
use std::sync::LazyLock;

use regex::Regex;

use crate::analysis::normalize::Normalized;
use company::IssuerReader;

pub use company::bare_company;
pub use dates::front_matter_date;
pub use laws::{cites, jurisdiction_of, law_of};
pub use types::{
    article_context, article_type, clause_types, heading_type, leads_into_list, text_type,
    type_names,
};

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

/// The most of one line read for a document's facts.
const FACT_LINE_BYTES: usize = 64 * 1024;

/// What a document says about itself, gathered one line at a time so a large file is never held twice:
/// its company, date, jurisdictions and main language.
#[derive(Debug, Default)]
pub struct DocumentReader {
    japanese: usize,
    latin: usize,
    issuer: IssuerReader,
    /// The first lines, which may be the title when the reader is given none.
    first_lines: Vec<String>,
    date: Option<Decided<String>>,
    jurisdictions: BTreeSet<String>,
}

/// The document-level facts a [`DocumentReader`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentFacts {
    /// The document's main language.
    pub lang: Lang,
    /// The issuer: the party the document defines as 「当社」 or "we", names, signs as, or is titled by.
    pub company: Option<Decided<String>>,
    /// The policy's date: the latest effective or revision date it states (the version in force).
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
        // A document's facts stand in headings, signatures and ordinary paragraphs; a longer line (a
        // whole document written on one line) is read for them no further than its head, so that it
        // is never copied whole.
        let line = crate::text::head(line, FACT_LINE_BYTES);
        if self.first_lines.len() < 2 {
            self.first_lines.push(line.to_string());
        }
        let normalized = Normalized::new(line).text;
        self.issuer.read_line(&normalized);
        for date in dates::dates_in(&normalized) {
            if self.date.as_ref().is_none_or(|b| date > b.value) {
                self.date = Some(Decided {
                    value: date,
                    cue: format!("「{}」", crate::text::head(normalized.trim(), 300)),
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
        // A text file has no title but its first lines: 「会館利用規定」 then 「大和田町会会館運営使用規定」.
        let titles: Vec<String> = match title {
            Some(t) => vec![Normalized::new(t).text],
            None => self
                .first_lines
                .iter()
                .map(|l| Normalized::new(l).text)
                .collect(),
        };
        let company = self
            .issuer
            .finish(&titles)
            .map(|d| Decided {
                value: bare_company(&d.value),
                cue: d.cue,
            })
            .filter(|d| !d.value.is_empty());
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

/// A number as documents write it, in ASCII digits or kanji (二十七, 三〇).
pub(crate) const NUMERAL: &str = r"[0-9]{1,4}|[〇一二三四五六七八九十百千]{1,8}";

/// The value of a [`NUMERAL`]: `27`, `二十七`, `三〇` (digit by digit).
pub(crate) fn number(text: &str) -> Option<u32> {
    if let Ok(n) = text.parse() {
        return Some(n);
    }
    let digit = |c: char| {
        "〇一二三四五六七八九"
            .chars()
            .position(|d| d == c)
            .map(|d| d as u32)
    };
    if !text.contains(['十', '百', '千']) {
        return text.chars().try_fold(0, |n, c| Some(n * 10 + digit(c)?));
    }
    let (mut total, mut current) = (0, 0);
    for c in text.chars() {
        match c {
            '十' | '百' | '千' => {
                let unit = match c {
                    '十' => 10,
                    '百' => 100,
                    _ => 1000,
                };
                total += current.max(1) * unit;
                current = 0;
            }
            _ => current = digit(c)?,
        }
    }
    Some(total + current)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn company(lines: &[&str], title: Option<&str>) -> Option<String> {
        DocumentReader::read_all(lines.iter().copied(), title)
            .company
            .map(|d| d.value)
    }

    #[test]
    fn issuers_from_their_defining_phrase() {
        let c = |line: &str| company(&[line], None);
        assert_eq!(
            c("株式会社Live2D（以下、「当社」といいます。）は、"),
            Some("Live2D".into())
        );
        assert_eq!(
            c("HeyImg（以下「当社」といいます。）は、当社が"),
            Some("HeyImg".into())
        );
        assert_eq!(
            c(
                "xxxゾウさんClub（以下「本サービス」）は、旭化成ホームズ株式会社（以下「弊社」）が運営する"
            ),
            Some("旭化成ホームズ".into())
        );
        assert_eq!(
            c("本規約はエックスサーバー株式会社（以下「当社」という。）が提供する"),
            Some("エックスサーバー".into())
        );
        // Two entities defined together: the name does not run on from the first.
        assert_eq!(
            c(
                "この規約は、A株式会社及び株式会社ゲームアイランド（以下2社を合わせて「運営会社」といいます。）が"
            ),
            Some("ゲームアイランド".into())
        );
        assert_eq!(
            c("本規約は、甲野商事株式会社並びに乙山物産株式会社（以下「当社」という。）が定める"),
            Some("乙山物産".into())
        );
        assert_eq!(
            c("行政書士法人ふらっと法務事務所（以下「当事務所」）は、"),
            Some("行政書士法人ふらっと法務事務所".into())
        );
        assert_eq!(
            c("大和田町会（以下当団体）では、"),
            Some("大和田町会".into())
        );
        assert_eq!(
            c("1.1 Live2D Inc. (hereinafter referred to as “Live2D”) acknowledges"),
            None,
            "a name defined as itself is not defined as the issuer"
        );
        assert_eq!(
            c("OwN Corporation (hereinafter referred to as \"the Company\") is pleased"),
            Some("OwN".into())
        );
        assert_eq!(
            c("This policy explains how Acme Widgets, Inc. (\"we\", \"us\") handles data."),
            Some("Acme Widgets".into())
        );
        assert_eq!(
            c(
                "When we say “Company”, “we”, “our”, or “us” in this document, we are referring to 37signals LLC."
            ),
            Some("37signals".into())
        );
        assert_eq!(
            c("At Automattic, we have a few fundamental principles:"),
            Some("Automattic".into())
        );
        assert_eq!(
            c(
                "we have established the Personal Information Protection Policy (hereinafter referred to as the ”Privacy Policy”)"
            ),
            None
        );
    }

    #[test]
    fn issuers_named_labelled_or_signed() {
        assert_eq!(
            company(
                &["第１条　この法人は、特定非営利活動法人道後エフエムと称する。"],
                None
            ),
            Some("特定非営利活動法人道後エフエム".into())
        );
        assert_eq!(
            company(&["| **販売事業者** | 櫻井 遙都 |"], None),
            Some("櫻井 遙都".into())
        );
        assert_eq!(
            company(&["販売業者", "クラブン株式会社"], None),
            Some("クラブン".into())
        );
        assert_eq!(
            company(&["販売業者クラブン株式会社"], None),
            Some("クラブン".into())
        );
        assert_eq!(
            company(&["Company name : OwN Corporation"], None),
            Some("OwN".into())
        );
        assert_eq!(
            company(
                &[
                    "当法人は患者様の個人情報を守ります。",
                    "令和3年6月15日",
                    "医療法人社団心優会"
                ],
                None
            ),
            Some("医療法人社団心優会".into())
        );
        assert_eq!(
            company(
                &[
                    "本サイトに関する問い合わせは下記で受け付けます。",
                    "厚生労働省 医政局"
                ],
                None
            ),
            Some("厚生労働省".into())
        );
        assert_eq!(
            company(
                &["当財団は、次の方針を定めます。"],
                Some("個人情報保護方針｜葛西記念財団")
            ),
            Some("葛西記念財団".into())
        );
        assert_eq!(
            company(&["当社は、"], Some("LNSOFT プライバシーポリシー")),
            Some("LNSOFT".into())
        );
        assert_eq!(
            company(&["© 2026 KASAI MEMORIAL FOUNDATION"], None),
            Some("KASAI MEMORIAL FOUNDATION".into())
        );
    }

    #[test]
    fn issuers_in_table_rows_as_the_reader_lays_them_out() {
        assert_eq!(
            company(&["項目: 販売事業者 / 内容: 山田 花子"], None),
            Some("山田 花子".into())
        );
        assert_eq!(
            company(&["区分: 運営会社 / 詳細: 株式会社みどり企画"], None),
            Some("みどり企画".into())
        );
        // A row whose header is its label keeps its values whole.
        assert_eq!(
            company(&["事業者名: あおば合同会社 / 東京都"], None),
            Some("あおば".into())
        );
        assert_eq!(
            company(&["項目: サービス名 / 内容: はなまるノート"], None),
            None,
            "a service's name is not its seller"
        );
    }

    #[test]
    fn issuers_as_the_subject_of_the_documents_own_terms() {
        assert_eq!(
            company(
                &[
                    "## ライセンスの付与",
                    "ソラマメ 株式会社およびすべての協力者は、本サイトの文書に利用を許諾します。"
                ],
                Some("利用規約")
            ),
            Some("ソラマメ".into())
        );
        // A partner that speaks of its own service is not the issuer.
        assert_eq!(
            company(
                &[
                    "当サイトはアクセス解析を使います。グーグル合同会社は、同社のサービスで情報を集めます。"
                ],
                Some("プライバシーポリシー")
            ),
            None
        );
        // Any defining phrase outranks a subject.
        assert_eq!(
            company(
                &[
                    "株式会社あさひ（以下「当社」）は、",
                    "株式会社ゆうひは、本サービスの決済を代行します。"
                ],
                None
            ),
            Some("あさひ".into())
        );
    }

    #[test]
    fn a_policy_speaking_as_its_app_or_brand() {
        assert_eq!(
            company(
                &["ポケ日記（以下「本アプリ」といいます）は、お客様の情報を次のとおり扱います。"],
                Some("プライバシーポリシー")
            ),
            Some("ポケ日記".into())
        );
        assert_eq!(
            company(
                &[
                    "ポケ日記（以下「本アプリ」）は、",
                    "| **販売事業者** | 佐藤 一郎 |"
                ],
                None
            ),
            Some("佐藤 一郎".into()),
            "the seller named outranks the app"
        );
        assert_eq!(
            company(
                &["We show you ads about our various Nimbus products."],
                None
            ),
            Some("Nimbus".into())
        );
        assert_eq!(
            company(&["We improve our Services and our Website."], None),
            None
        );
    }

    #[test]
    fn issuers_named_in_their_rules_title() {
        assert_eq!(
            company(
                &["会館利用規定", "桜台自治会集会所使用規定", "第1条 目的"],
                None
            ),
            Some("桜台自治会".into())
        );
        assert_eq!(
            company(&["当会は、"], Some("みなと保育協会個人情報保護規程")),
            Some("みなと保育協会".into())
        );
        assert_eq!(company(&["会館利用規定"], None), None);
    }

    #[test]
    fn no_issuer_is_better_than_a_wrong_one() {
        assert_eq!(
            company(&["株式会社○○○○○○（以下、「当社」という。）は"], None),
            None
        );
        assert_eq!(
            company(&["株式会社***（以下「当社」といいます。）は"], None),
            None
        );
        assert_eq!(company(&["OOOO（以下、管理者）が提供する"], None), None);
        assert_eq!(
            company(
                &["当社は、"],
                Some("「きかせて・net」での個人情報の取り扱いについて")
            ),
            None
        );
        assert_eq!(company(&["🔐（以下「当社」）"], None), None);
        assert_eq!(
            company(&["当社は、"], Some("プライバシーポリシー / アプリ")),
            None
        );
        assert_eq!(company(&["## Copyright and Trademarks"], None), None);
        assert_eq!(
            company(
                &["\"Licensor\" shall mean the copyright owner or entity authorized by"],
                None
            ),
            None
        );
        assert_eq!(
            company(
                &["Welcome to the Google Privacy Policy"],
                Some("Privacy Policy")
            ),
            None
        );
        // An entity named alone early on is a partner's, not a signature.
        let partner = [
            "決済は下記を利用します。",
            "GMOイプシロン株式会社",
            "a",
            "b",
            "c",
            "d",
        ];
        assert_eq!(company(&partner, None), None);
    }

    #[test]
    fn document_date_is_the_latest_stated() {
        let d = |lines: &[&str]| {
            DocumentReader::read_all(lines.iter().copied(), None)
                .date
                .map(|d| d.value)
        };
        assert_eq!(
            d(&["2020年4月1日制定", "2023年10月1日改定"]),
            Some("2023-10-01".into())
        );
        assert_eq!(
            d(&[
                "- 作成日 2024 年 1 月 29 日",
                "- 修正 2024 年 3 月 25 日 要件に対応"
            ]),
            Some("2024-03-25".into())
        );
    }

    #[test]
    fn kanji_numerals() {
        assert_eq!(number("二十七"), Some(27));
        assert_eq!(number("十二"), Some(12));
        assert_eq!(number("三〇"), Some(30));
        assert_eq!(number("百二十三"), Some(123));
        assert_eq!(number("27"), Some(27));
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
