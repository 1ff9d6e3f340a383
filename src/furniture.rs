//! Page furniture: the navigation, toggles and footers a scraped page carries, which are not clauses.
//!
//! Also turns the Markdown a scraper leaves inside real sentences back into plain text, keeping a link's
//! words (and its address when the words are the address).

use std::sync::LazyLock;

use regex::Regex;

static LINK: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"!?\[((?:[^\[\]]|\[[^\]]*\])*)\]\(([^)\s]*)\)").unwrap());
static ESCAPE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\\([\\`*_{}\[\]()#+\-.!|])").unwrap());

/// Words that are page chrome when they stand alone on a line.
const CHROME: [&str; 20] = [
    "閉じる",
    "JP",
    "EN",
    "日本語",
    "English",
    "メニュー",
    "Menu",
    "MENU",
    "ページトップへ",
    "Close",
    "TOP",
    "English Translation",
    "toggle menu",
    "Toggle navigation",
    "Skip to content",
    "本文へスキップ",
    "ページの先頭へ",
    "ページトップ",
    "PAGE TOP",
    "Page Top",
];

/// Whether `line` (already trimmed) is furniture rather than content.
pub fn is_furniture(line: &str) -> bool {
    let bare = line.trim_start_matches(['*', '-', '+', ' ']).trim();
    if bare.is_empty() {
        return false;
    }
    if CHROME.contains(&bare) || bare.contains("印刷用ページを表示") {
        return true;
    }
    if bare.contains('©')
        || bare.starts_with("Copyright")
        || bare.starts_with("(C)")
        || bare.starts_with("(c) ")
    {
        return true;
    }
    // A line made only of links is navigation, unless the link's words are themselves an address the
    // text points the reader to (Google's opt-out page in a cookie clause).
    if LINK.is_match(bare) && LINK.replace_all(bare, "").trim().is_empty() {
        let texts: Vec<String> = LINK.captures_iter(bare).map(|c| plain(&c[1])).collect();
        let is_reference = texts
            .iter()
            .any(|t| t.starts_with("http") || t.starts_with("(http"));
        return !is_reference;
    }
    false
}

/// Markdown inline syntax removed: links become their words, images vanish, escapes are undone.
pub fn plain(line: &str) -> String {
    let unlinked = LINK.replace_all(line, |c: &regex::Captures| {
        if c[0].starts_with('!') {
            String::new()
        } else {
            // Nested images inside a link (`[![logo](src)](href)`) leave nothing.
            LINK.replace_all(&c[1], "").into_owned()
        }
    });
    ESCAPE.replace_all(&unlinked, "$1").into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn navigation_toggles_and_footers_are_furniture() {
        for line in [
            "* [事業紹介](https://www.live2d.jp/service/)",
            "[採用情報](https://www.recruit.live2d.com/)",
            "[](https://twitter.com/Live2D)",
            "[![Live2D](https://x/logo.svg)](https://www.live2d.jp/)",
            "* JP",
            "閉じる",
            "© 2010 - 2024 Live2D Inc.",
            "[印刷用ページを表示](https://www.live2d.com/eula/x.html)",
        ] {
            assert!(is_furniture(line), "{line}");
        }
    }

    #[test]
    fn content_stays() {
        for line in [
            "当社は[Googleアナリティクス](https://x)を利用します。",
            "[https://policies.google.com/technologies/partner-sites?hl=ja](https://policies.google.com/x)",
            "[\\(https://hp.levels.jp/contact/\\)](https://hp.levels.jp/contact/)",
            "Japanese law applies.",
        ] {
            assert!(!is_furniture(line), "{line}");
        }
    }

    #[test]
    fn links_become_their_words() {
        assert_eq!(
            plain("当社は[Google](https://g)を使います"),
            "当社はGoogleを使います"
        );
        assert_eq!(plain("### 1\\. 個人情報"), "### 1. 個人情報");
        assert_eq!(plain("[\\(https://a/\\)](https://a/)"), "(https://a/)");
    }
}
