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
pub use types::{article_type, clause_types, heading_type, text_type, type_names};

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
        if self.first_lines.len() < 2 {
            self.first_lines.push(line.to_string());
        }
        let normalized = Normalized::new(line).text;
        self.issuer.read_line(&normalized);
        for date in dates::dates_in(&normalized) {
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
        let title = title
            .map(|t| Normalized::new(t).text)
            .or_else(|| self.first_lines.first().map(|l| Normalized::new(l).text));
        let company = self.issuer.finish(title.as_deref()).map(|d| Decided {
            value: bare_company(&d.value),
            cue: d.cue,
        });
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
    let digit = |c: char| "〇一二三四五六七八九".chars().position(|d| d == c).map(|d| d as u32);
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
