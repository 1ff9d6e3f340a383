//! Facet values as people write them: any case, Japanese names for types and languages, a law with or
//! without its article; a value no clause could have is an error naming the nearest known ones.

use std::collections::BTreeSet;

use super::synonyms::fold;
use super::{QueryError, facet_values};
use crate::index::ClauseIndex;

/// Japanese (and other everyday) names of the article types, folded, with the type each names.
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

/// The article type a query word names (第三者提供 → third-party), if any.
pub fn type_named(word: &str) -> Option<&'static str> {
    let folded = fold(word);
    TYPE_ALIASES
        .iter()
        .find(|(from, _)| fold(from) == folded)
        .map(|(_, to)| *to)
}

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

/// The facet values `value` of facet `name` stands for: the value in any case, what an alias names,
/// and for `cites` the law's cited articles too (APPI covers APPI Art. 2). A value that is valid but
/// held by no clause stands for itself. Unknown values are an error with the nearest known ones.
pub fn resolve(index: &ClauseIndex, name: &str, value: &str) -> Result<Vec<String>, QueryError> {
    let mut known = facet_values(index, name)?;
    let aliases: &[(&str, &str)] = match name {
        "type" => {
            known.extend(crate::classify::type_names().iter().map(|t| t.to_string()));
            TYPE_ALIASES
        }
        "lang" => {
            known.extend(["ja", "en"].map(String::from));
            LANG_ALIASES
        }
        _ => &[],
    };
    let folded = fold(value.trim());
    if let Some(found) = known.iter().find(|k| fold(k) == folded) {
        let mut values = vec![found.clone()];
        if name == "cites" {
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
    if let Some((_, to)) = aliases.iter().find(|(from, _)| fold(from) == folded) {
        return Ok(vec![to.to_string()]);
    }
    // A law no clause cites yet, or a jurisdiction code, is a fair question with the answer "none".
    if name == "cites"
        && let [law] = crate::classify::cites(value).as_slice()
    {
        return Ok(vec![law.clone()]);
    }
    let code = value.trim().to_uppercase();
    let is_code = |part: &str| part.len() == 2 && part.chars().all(|c| c.is_ascii_uppercase());
    if name == "jurisdiction" && code.split('-').count() <= 2 && code.split('-').all(is_code) {
        return Ok(vec![code]);
    }
    Err(QueryError::Syntax(format!(
        "no {name} {value:?}; did you mean {}?",
        nearest(&folded, &known, aliases).join(", ")
    )))
}

/// Up to three known values (or alias names) nearest to `folded` by edit distance, nearest first.
fn nearest(folded: &str, known: &BTreeSet<String>, aliases: &[(&str, &str)]) -> Vec<String> {
    let mut scored: Vec<(usize, String)> = known
        .iter()
        .map(|k| k.to_string())
        .chain(aliases.iter().map(|(from, _)| from.to_string()))
        .map(|k| {
            let f = fold(&k);
            // A value containing what was typed, or contained in it, is near whatever the length.
            let d = if f.contains(folded) || folded.contains(&f) {
                1
            } else {
                distance(folded, &f)
            };
            (d, k)
        })
        .collect();
    scored.sort();
    scored.dedup_by(|a, b| a.1 == b.1);
    scored.into_iter().take(3).map(|(_, k)| k).collect()
}

/// Levenshtein distance over characters.
pub(crate) fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut previous = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous + usize::from(ca != *cb);
            previous = row[j + 1];
            row[j + 1] = substitution.min(row[j] + 1).min(previous + 1);
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::distance;

    #[test]
    fn edit_distance_counts_characters() {
        assert_eq!(distance("cookie", "cookies"), 1);
        assert_eq!(distance("第三者", "第三者提供"), 2);
        assert_eq!(distance("", "abc"), 3);
    }
}
