//! Synonyms and spelling variants (表記ゆれ) from `src/rules/synonyms.toml`, applied to query words.

use std::sync::OnceLock;

use serde::Deserialize;
use unicode_normalization::UnicodeNormalization;

/// Most spellings one query word expands to, so a word full of variant characters stays one search.
const MAX_FORMS: usize = 16;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Rules {
    #[serde(default)]
    group: Vec<Group>,
    #[serde(default)]
    spelling: Vec<Spelling>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Group {
    words: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Spelling {
    forms: Vec<String>,
}

fn rules() -> &'static Rules {
    static RULES: OnceLock<Rules> = OnceLock::new();
    RULES.get_or_init(|| {
        toml::from_str(include_str!("../rules/synonyms.toml")).expect("synonyms.toml is valid")
    })
}

/// Width and case folded, as the analysers fold them, for comparing words.
pub fn fold(word: &str) -> String {
    word.nfkc().collect::<String>().to_lowercase()
}

/// The words a query word stands for: itself first, then its synonyms, then every spelling of each;
/// each once.
pub fn expand(word: &str) -> Vec<String> {
    // A synonym of any spelling of the word is a synonym of the word (漏洩 is 漏えい).
    let folded: Vec<String> = spellings(word).iter().map(|w| fold(w)).collect();
    let mut words = vec![word.to_string()];
    for group in &rules().group {
        if group.words.iter().any(|w| folded.contains(&fold(w))) {
            words.extend(group.words.iter().cloned());
        }
    }
    let mut forms: Vec<String> = Vec::new();
    for word in words {
        for form in spellings(&word) {
            if forms.len() < MAX_FORMS && !forms.iter().any(|f| fold(f) == fold(&form)) {
                forms.push(form);
            }
        }
    }
    forms
}

/// `word` and the word with each variant spelling in place of the one it has.
fn spellings(word: &str) -> Vec<String> {
    let mut forms = vec![word.to_string()];
    for spelling in &rules().spelling {
        let mut more = Vec::new();
        for form in &forms {
            for from in spelling.forms.iter().filter(|f| form.contains(f.as_str())) {
                for to in spelling.forms.iter().filter(|t| *t != from) {
                    more.push(form.replace(from.as_str(), to));
                }
            }
        }
        forms.extend(more);
        forms.truncate(MAX_FORMS);
    }
    forms
}

#[cfg(test)]
mod tests {
    use super::expand;

    #[test]
    fn a_word_finds_its_synonyms_itself_first() {
        let forms = expand("保存期間");
        assert_eq!(forms[0], "保存期間");
        assert!(forms.contains(&"保持期間".to_string()));
        assert!(forms.contains(&"保管期間".to_string()));
        let cookie = expand("COOKIE");
        assert_eq!(cookie[0], "COOKIE");
        assert!(cookie.contains(&"クッキー".to_string()));
        assert_eq!(expand("約款"), ["約款"]);
    }

    #[test]
    fn variant_characters_and_okurigana_meet() {
        assert!(expand("斉藤").contains(&"齊藤".to_string()));
        assert!(expand("斎藤").contains(&"斉藤".to_string()));
        assert!(expand("ヴァイオリン").contains(&"バイオリン".to_string()));
        assert!(expand("取り扱い").contains(&"取扱い".to_string()));
        assert!(expand("漏洩").contains(&"漏えい等".to_string()));
    }
}
