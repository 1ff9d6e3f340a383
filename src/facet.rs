//! The facets clauses are filed under (article type, company, jurisdiction, language, cited law): one
//! type that knows each facet's name, its index field, the values a clause is filed under, and how a
//! value as people write it (any case, a Japanese name, an alias) is read.

use std::collections::BTreeSet;

use tantivy::schema::Field;

use crate::clause::Clause;
use crate::index::Fields;
use crate::query::synonyms::fold;
use crate::suggest::closeness;

/// A facet of clauses: a filter flag (`--type`), a query field (`type:`) and a count under the hits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Facet {
    /// The article types a clause is of (`third-party`, `cookies`, …).
    Type,
    /// The company whose policy holds the clause.
    Company,
    /// The jurisdictions of the laws its document names; `US-CA` is also filed under `US`.
    Jurisdiction,
    /// The clause's language, `ja` or `en`.
    Lang,
    /// The laws the clause cites, each also under the law alone (`APPI 第27条` is also `APPI`).
    Cites,
}

/// Japanese (and other everyday) names of the article types, with the type each names.
const TYPE_ALIASES: &[(&str, &str)] = &[
    ("第三者提供", "third-party"),
    ("第三者への提供", "third-party"),
    ("第三者", "third-party"),
    ("共同利用", "third-party"),
    ("third party", "third-party"),
    ("委託", "outsourcing"),
    ("業務委託", "outsourcing"),
    ("安全管理措置", "security"),
    ("安全管理", "security"),
    ("cookie", "cookies"),
    ("クッキー", "cookies"),
    ("外国", "cross-border"),
    ("越境移転", "cross-border"),
    ("外国にある第三者", "cross-border"),
    ("要配慮個人情報", "sensitive"),
    ("匿名加工情報", "anonymized"),
    ("仮名加工情報", "anonymized"),
    ("未成年", "minors"),
    ("未成年者", "minors"),
    ("漏えい", "breach"),
    ("漏洩", "breach"),
    ("保存期間", "retention"),
    ("保存", "retention"),
    ("開示請求", "user-rights"),
    ("開示等", "user-rights"),
    ("開示", "user-rights"),
    ("利用目的", "purpose"),
    ("取得", "collection"),
    ("定義", "definitions"),
    ("変更", "changes"),
    ("改定", "changes"),
    ("お問い合わせ", "contact"),
    ("問い合わせ", "contact"),
    ("窓口", "contact"),
    ("基本方針", "principles"),
    ("その他", "other"),
];

/// Other names of the languages.
const LANG_ALIASES: &[(&str, &str)] = &[
    ("jp", "ja"),
    ("jpn", "ja"),
    ("japanese", "ja"),
    ("日本語", "ja"),
    ("eng", "en"),
    ("english", "en"),
    ("英語", "en"),
];

impl Facet {
    /// Every facet, in the order they are listed.
    pub const ALL: [Facet; 5] = [
        Facet::Type,
        Facet::Company,
        Facet::Jurisdiction,
        Facet::Lang,
        Facet::Cites,
    ];

    /// The facet's name: its index field, its key in JSON, its flag (`--type`) and query field (`type:`).
    pub fn name(self) -> &'static str {
        match self {
            Facet::Type => "type",
            Facet::Company => "company",
            Facet::Jurisdiction => "jurisdiction",
            Facet::Lang => "lang",
            Facet::Cites => "cites",
        }
    }

    /// The facet of this name, in any case.
    pub fn named(name: &str) -> Option<Facet> {
        Facet::ALL
            .into_iter()
            .find(|f| f.name().eq_ignore_ascii_case(name))
    }

    /// What the facet's values are, in words, with examples (for help texts).
    pub fn label(self) -> &'static str {
        match self {
            Facet::Type => "article type (third-party, cookies, …; or 第三者提供, 委託, …)",
            Facet::Company => "company",
            Facet::Jurisdiction => "jurisdiction (JP, EU, US covers US-CA, …)",
            Facet::Lang => "clause language (ja or en)",
            Facet::Cites => "cited law (APPI, GDPR, CCPA, …)",
        }
    }

    /// The facet's field in the index.
    pub fn field(self, fields: &Fields) -> Field {
        match self {
            Facet::Type => fields.kind,
            Facet::Company => fields.company,
            Facet::Jurisdiction => fields.jurisdiction,
            Facet::Lang => fields.lang,
            Facet::Cites => fields.cites,
        }
    }

    /// The values `clause` is filed under, each once: a filter for any of them finds it, and each
    /// counts it.
    pub fn values_of(self, clause: &Clause) -> Vec<String> {
        let mut values: Vec<String> = match self {
            Facet::Type => clause.all_types().into_iter().map(String::from).collect(),
            Facet::Company => clause.company.iter().cloned().collect(),
            Facet::Jurisdiction => clause
                .jurisdictions
                .iter()
                .flat_map(|code| within(code))
                .collect(),
            Facet::Lang => vec![clause.lang.code().to_string()],
            Facet::Cites => clause
                .cites
                .iter()
                .flat_map(|c| [crate::classify::law_of(c).to_string(), c.clone()])
                .collect(),
        };
        let mut seen = BTreeSet::new();
        values.retain(|v| seen.insert(v.clone()));
        values
    }

    /// The value an alias names (`第三者提供` → `third-party`, `jp` → `ja`), in any case and width.
    pub fn alias(self, typed: &str) -> Option<&'static str> {
        let folded = fold(typed.trim());
        self.aliases()
            .iter()
            .find(|(from, _)| fold(from) == folded)
            .map(|(_, to)| *to)
    }

    fn aliases(self) -> &'static [(&'static str, &'static str)] {
        match self {
            Facet::Type => TYPE_ALIASES,
            Facet::Lang => LANG_ALIASES,
            Facet::Company | Facet::Jurisdiction | Facet::Cites => &[],
        }
    }

    /// Values valid whether or not any clause holds them.
    fn vocabulary(self) -> Vec<String> {
        match self {
            Facet::Type => (crate::classify::type_names().into_iter())
                .map(String::from)
                .collect(),
            Facet::Lang => vec!["ja".to_string(), "en".to_string()],
            Facet::Company | Facet::Jurisdiction | Facet::Cites => Vec::new(),
        }
    }

    /// The stored values a filter value `typed` stands for, given the values clauses hold (`held`):
    /// the value in any case, what an alias names, and for `cites` the law's cited articles too. A
    /// value that is valid but held by no clause stands for itself. Anything else is an error naming
    /// the nearest known values.
    pub fn resolve(self, typed: &str, held: &BTreeSet<String>) -> Result<Vec<String>, String> {
        let mut known = held.clone();
        known.extend(self.vocabulary());
        let folded = fold(typed.trim());
        if let Some(found) = known.iter().find(|k| fold(k) == folded) {
            let mut values = vec![found.clone()];
            if self == Facet::Cites {
                let article = format!("{folded} art.");
                values.extend(
                    known
                        .iter()
                        .filter(|k| fold(k).starts_with(&article))
                        .cloned(),
                );
            }
            return Ok(values);
        }
        if let Some(to) = self.alias(typed) {
            return Ok(vec![to.to_string()]);
        }
        // A law no clause cites yet, or a jurisdiction code, is a fair question with the answer "none".
        if self == Facet::Cites
            && let [law] = crate::classify::cites(typed).as_slice()
        {
            return Ok(vec![law.clone()]);
        }
        let code = typed.trim().to_uppercase();
        let is_code = |part: &str| part.len() == 2 && part.chars().all(|c| c.is_ascii_uppercase());
        if self == Facet::Jurisdiction
            && code.split('-').count() <= 2
            && code.split('-').all(is_code)
        {
            return Ok(vec![code]);
        }
        Err(format!(
            "no {} {typed:?}; did you mean {}?",
            self.name(),
            self.nearest(&folded, &known).join(", ")
        ))
    }

    /// Whether `value`, one a clause is filed under, is what `typed` asks for, where there is no index
    /// of held values to resolve against (documents parsed on the fly): the same value in any case and
    /// width, or the value an alias names.
    pub fn accepts(self, typed: &str, value: &str) -> bool {
        fold(typed.trim()) == fold(value) || self.alias(typed) == Some(value)
    }

    /// Up to three known values (or alias names) nearest to `folded`, nearest first.
    fn nearest(self, folded: &str, known: &BTreeSet<String>) -> Vec<String> {
        let mut scored: Vec<(usize, String)> = (known.iter().map(String::as_str))
            .chain(self.aliases().iter().map(|(from, _)| *from))
            .map(|k| (closeness(folded, &fold(k)), k.to_string()))
            .collect();
        scored.sort();
        scored.dedup_by(|a, b| a.1 == b.1);
        scored.into_iter().take(3).map(|(_, k)| k).collect()
    }
}

/// A jurisdiction and every one it lies within, widest first (`US-CA` is also `US`).
fn within(code: &str) -> impl Iterator<Item = String> + '_ {
    code.match_indices('-')
        .map(|(i, _)| code[..i].to_string())
        .chain([code.to_string()])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn held(values: &[&str]) -> BTreeSet<String> {
        values.iter().map(|v| v.to_string()).collect()
    }

    #[test]
    fn names_round_trip_in_any_case() {
        for facet in Facet::ALL {
            assert_eq!(Facet::named(facet.name()), Some(facet));
            assert_eq!(Facet::named(&facet.name().to_uppercase()), Some(facet));
        }
        assert_eq!(Facet::named("title"), None);
    }

    #[test]
    fn values_are_read_as_people_write_them() {
        let none = BTreeSet::new();
        assert_eq!(
            Facet::Type.resolve("第三者提供", &none).unwrap(),
            ["third-party"]
        );
        assert_eq!(Facet::Type.resolve("Cookies", &none).unwrap(), ["cookies"]);
        assert_eq!(Facet::Lang.resolve("JP", &none).unwrap(), ["ja"]);
        assert_eq!(
            Facet::Jurisdiction.resolve("us-ca", &none).unwrap(),
            ["US-CA"]
        );
        let companies = held(&["Live2D", "LNSOFT"]);
        assert_eq!(
            Facet::Company.resolve("live2d", &companies).unwrap(),
            ["Live2D"]
        );
        let error = Facet::Company.resolve("live3d", &companies).unwrap_err();
        assert!(
            error.starts_with("no company \"live3d\"; did you mean Live2D"),
            "{error}"
        );
        let error = Facet::Type.resolve("cookiez", &none).unwrap_err();
        assert!(error.contains("did you mean cookie"), "{error}");
    }

    #[test]
    fn a_law_stands_for_its_cited_articles() {
        let cited = held(&["GDPR", "GDPR Art. 22", "APPI"]);
        assert_eq!(
            Facet::Cites.resolve("gdpr", &cited).unwrap(),
            ["GDPR", "GDPR Art. 22"]
        );
    }

    #[test]
    fn a_clause_is_filed_under_wider_values_too() {
        let clause: Clause = serde_json::from_value(serde_json::json!({
            "id": "a#1", "doc": "a.txt", "company": null, "title": null, "date": null, "lang": "en",
            "jurisdictions": ["US-CA", "US"], "cites": ["APPI 第27条", "APPI"], "type": "third-party",
            "types": ["third-party", "outsourcing"], "article": null, "heading": null, "label": null,
            "line_start": 1, "line_end": 1, "text": "x",
        }))
        .unwrap();
        assert_eq!(Facet::Jurisdiction.values_of(&clause), ["US", "US-CA"]);
        assert_eq!(Facet::Cites.values_of(&clause), ["APPI", "APPI 第27条"]);
        assert_eq!(
            Facet::Type.values_of(&clause),
            ["third-party", "outsourcing"]
        );
        assert!(Facet::Company.values_of(&clause).is_empty());
        assert!(Facet::Type.accepts("委託", "outsourcing"));
        assert!(Facet::Lang.accepts("ＥＮ", "en"));
        assert!(!Facet::Type.accepts("cookies", "outsourcing"));
    }
}
