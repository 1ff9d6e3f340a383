//! The line layer: a document's text as classified logical lines. Front matter is read, markup and
//! furniture dropped, Setext underlines turned into headings, and each line told apart by its numbering.

use std::sync::LazyLock;

use regex::Regex;

use super::Outline;
use super::markup::{Cleaner, Piece, Raw};
use super::numbering::{Marker, ascii_number, roman_number};
use crate::furniture::{is_furniture, plain};

/// A classified logical line.
#[derive(Debug, Clone)]
pub struct Line {
    /// First source line, 1-based.
    pub number: usize,
    /// Last source line (a table row or HTML paragraph may span several).
    pub last: usize,
    /// Leading spaces in the source, for nesting Markdown lists.
    pub indent: usize,
    /// The text, heading marks removed.
    pub text: String,
    /// What the line is.
    pub kind: Kind,
    /// Blank lines (or ends of blocks) immediately before this one.
    pub blanks_before: usize,
}

/// What a line is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    /// The document's title: read for facts, never a clause.
    Title,
    /// An article candidate of some style.
    Article {
        /// Its style.
        style: Style,
        /// Its number (`12`, `12の2`), if numbered.
        number: Option<String>,
        /// Its heading, if any.
        heading: Option<String>,
        /// Text on the same line after the heading.
        body: String,
    },
    /// A statute caption alone on a line, `（目的）`: the heading of the article below it.
    Caption(String),
    /// A chapter, section or supplementary provisions title (第一章 総則, 附則): context, not a clause.
    Chapter {
        /// The title as written.
        title: String,
        /// Whether it opens the supplementary provisions (附則).
        supplementary: bool,
    },
    /// A numbered or bulleted line.
    Marked {
        /// The numbering kind.
        marker: Marker,
        /// The marker as written (`(1)`, `ア`).
        label: String,
        /// Its number, when it has one.
        number: Option<String>,
        /// The text after the marker.
        body: String,
    },
    /// Anything else.
    Text,
}

/// Article styles, most authoritative first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Style {
    /// `第N条`.
    Jo,
    /// `## 3. 見出し`.
    MarkdownNumbered,
    /// `3 見出し`.
    NumberSpace,
    /// `## 見出し`.
    MarkdownPlain,
    /// `3. 見出し` over body text.
    NumberDot,
    /// An English title line over body text.
    TitleLine,
}

macro_rules! re {
    ($name:ident, $pattern:expr) => {
        static $name: LazyLock<Regex> = LazyLock::new(|| Regex::new($pattern).unwrap());
    };
}

const KANJI: &str = "〇一二三四五六七八九十百千";

re!(
    JO,
    r"^(?:#{1,6}\s*)?第\s*([0-9０-９]+|[〇一二三四五六七八九十百千]+)\s*条((?:\s*の\s*(?:[0-9０-９]+|[一二三四五六七八九十]+))*)\s*(?:[（(]\s*([^）)]*?)\s*[）)])?[\s　]*[：:]?[\s　]*(.*)$"
);
re!(
    REFERENCE,
    r"^(?:第\s*(?:[0-9０-９]+|[一二三四五六七八九十百]+)\s*[項号]|及び|並びに|又は|若しくは|から|まで|の規定|に規定|において|、)"
);
re!(
    CHAPTER,
    r"^(?:#{1,6}\s*)?(第\s*(?:[0-9０-９]+|[〇一二三四五六七八九十百]+)\s*[編章節款目](?:の[0-9０-９一二三四五六七八九十]+)?)(?:[\s　]*([^\s　にのでをはがとも].*))?$"
);
re!(SUPPLEMENTARY, r"^(?:#{1,6}\s*)?附\s*則(?:[\s　（(].*)?$");
re!(CAPTION, r"^[（(]([^（）()]{1,60})[）)]$");
re!(MD_NUMBERED, r"^#{1,6}\s*([0-9０-９]{1,3})[.．]?\s+(.+)$");
re!(MD_PLAIN, r"^(#{1,6})\s+(.+)$");
re!(NUMBER_SPACE, r"^([0-9０-９]{1,2})[ 　]+(\S.*)$");
re!(KOU, r"^([0-9０-９]{1,2})\s*項[.．]?\s*(.*)$");
re!(NUMBER_DOT, r"^([0-9０-９]{1,3})[.．、]\s*(.*)$");
re!(DOTTED, r"^([0-9]{1,3}(?:\.[0-9]{1,3}){1,3})\.?\s+(.*)$");
re!(
    PAREN,
    r"^[（(]([0-9０-９]{1,3}|[一二三四五六七八九十]{1,3}|[a-zａ-ｚ]|[ア-ンイロハニホヘト])[）)]\s*(.*)$"
);
re!(HALF_PAREN, r"^([0-9０-９]{1,3})[)）]\s*(.+)$");
re!(
    KANJI_ITEM,
    r"^([一二三四五六七八九十]+(?:の[一二三四五六七八九十]+)?)(?:[　 ]+|[.．][　 ]*)(.+)$"
);
re!(CIRCLED, r"^([①-⑳])\s*(.*)$");
re!(
    IROHA,
    r"^([アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホロヘリヌルヲ])(?:[　 ]+|[）)．.][　 ]*)(.+)$"
);
re!(ALPHA, r"^([a-z])[.)]\s+(.+)$");
re!(ROMAN, r"^([ⅠⅡⅢⅣⅤⅥⅦⅧⅨⅩⅪⅫ]|[IVX]{1,5})[.．]\s*(.+)$");
re!(BRACKET, r"^【([0-9０-９]{1,3})】\s*(.*)$");
re!(BULLET, r"^([*\-+・•●■□◆◇○])\s*(.+)$");
re!(FRONT_MATTER_PAIR, r"^([A-Za-z_][\w-]*)\s*:\s*(.*)$");

/// Cleans, de-furnishes and classifies the lines one at a time, handing each to `f`; fills the outline's
/// title and front matter on the way.
pub fn prepare(text: &str, outline: &mut Outline, mut f: impl FnMut(Line)) {
    let mut raw = text.lines().enumerate();
    let mut skip = 0;
    // YAML front matter: `---` first, closed by `---` within a few dozen lines.
    if text.lines().next().map(str::trim) == Some("---")
        && let Some(end) = text
            .lines()
            .take(60)
            .skip(1)
            .position(|l| l.trim() == "---")
    {
        for line in text.lines().take(end + 2).skip(1) {
            if let Some(c) = FRONT_MATTER_PAIR.captures(line.trim()) {
                let value = c[2].trim().trim_matches(['"', '\'']).to_string();
                outline.front_matter.insert(c[1].to_lowercase(), value);
            }
        }
        skip = end + 2;
    }
    outline.title = outline.front_matter.get("title").cloned();
    let mut lines = Lines {
        outline,
        blanks: 0,
        first: true,
        held: None,
    };
    let mut cleaner = Cleaner::new();
    let mut each = |piece: Piece| lines.piece(piece, &mut f);
    for (i, line) in raw.by_ref().skip(skip) {
        cleaner.push(i + 1, line, &mut each);
    }
    cleaner.finish(&mut each);
    lines.flush(&mut f);
}

/// The state of [`prepare`] between logical lines.
struct Lines<'a> {
    outline: &'a mut Outline,
    blanks: usize,
    first: bool,
    /// The last line, held until the next says whether it underlines it (Setext headings).
    held: Option<(Raw, usize)>,
}

impl Lines<'_> {
    fn piece(&mut self, piece: Piece, f: &mut impl FnMut(Line)) {
        match piece {
            Piece::Break => {
                self.flush(f);
                self.blanks += 1;
            }
            Piece::Line(raw) if Cleaner::is_separator(&raw.text) => {
                let underline = raw.text.trim();
                let setext =
                    underline.chars().all(|c| c == '=') || underline.chars().all(|c| c == '-');
                match self.held.take() {
                    Some((mut held, blanks)) if setext => {
                        let marks = if underline.starts_with('=') {
                            "#"
                        } else {
                            "##"
                        };
                        held.text = format!("{marks} {}", held.text);
                        held.last = raw.last;
                        self.emit(held, blanks, f);
                    }
                    held => {
                        // A thematic break separates paragraphs.
                        self.held = held;
                        self.flush(f);
                        self.blanks += 1;
                    }
                }
            }
            Piece::Line(raw) => {
                self.flush(f);
                self.held = Some((raw, self.blanks));
                self.blanks = 0;
            }
        }
    }

    fn flush(&mut self, f: &mut impl FnMut(Line)) {
        if let Some((held, blanks)) = self.held.take() {
            self.emit(held, blanks, f);
        }
    }

    fn emit(&mut self, raw: Raw, blanks: usize, f: &mut impl FnMut(Line)) {
        if is_furniture(&raw.text) {
            // Furniture counts as nothing at all, so it cannot split or join sections; its blanks carry.
            self.blanks += blanks;
            return;
        }
        // Bold is emphasis, not text: `**第1条（目的）**` is an article line.
        let text = plain(&raw.text).replace("**", "");
        let kind = classify(&text);
        let stripped = strip_heading_marks(&text);
        // A heading mark with nothing after it (`#`) heads nothing.
        if stripped.is_empty() || !stripped.chars().any(char::is_alphanumeric) {
            self.blanks += blanks;
            return;
        }
        let outline = &mut *self.outline;
        let level_one = text.starts_with("# ")
            && matches!(
                kind,
                Kind::Article {
                    style: Style::MarkdownPlain,
                    ..
                }
            );
        // The first line may name the policy ("LNSOFT プライバシーポリシー") and so be its title.
        let names_policy = self.first
            && outline.title.is_none()
            && is_title_like(&stripped)
            && ["ポリシー", "方針", "規約", "policy", "Policy"]
                .iter()
                .any(|w| stripped.contains(w));
        self.first = false;
        if level_one || names_policy {
            outline.title.get_or_insert_with(|| stripped.clone());
            outline.title_line.get_or_insert(raw.first);
        }
        // A level-one heading, or a line that merely repeats the title, is not a clause or an article.
        let is_title = level_one
            || (outline.title.as_deref() == Some(stripped.as_str()) && is_title_like(&stripped));
        f(Line {
            number: raw.first,
            last: raw.last,
            indent: raw.indent,
            text: stripped,
            kind: if is_title { Kind::Title } else { kind },
            blanks_before: blanks,
        });
    }
}

fn strip_heading_marks(text: &str) -> String {
    text.trim_start_matches('#').trim().to_string()
}

/// What a line of plain text is, by its numbering.
pub fn classify(text: &str) -> Kind {
    let article =
        |style, number: Option<String>, heading: Option<&str>, body: &str| Kind::Article {
            style,
            number,
            heading: heading
                .map(str::trim)
                .filter(|h| !h.is_empty())
                .map(String::from),
            body: body.trim().to_string(),
        };
    if let Some(c) = JO.captures(text) {
        let mut number = ascii_number(&c[1]);
        for sub in c[2].split('の').skip(1) {
            number.push('の');
            number.push_str(&ascii_number(sub.trim()));
        }
        let rest = c[4].trim();
        // `第三十二条の二第二項の規定は、…`: a sentence that begins by citing an article.
        if c.get(3).is_none() && REFERENCE.is_match(rest) {
            return Kind::Text;
        }
        // `第1条 定義等`: a short phrase after the number is the article's heading, not its text.
        let (heading, body) = match c.get(3) {
            Some(h) => (Some(h.as_str()), rest),
            None if is_short_heading(rest) => (Some(rest), ""),
            None => (None, rest),
        };
        return article(Style::Jo, Some(number), heading, body);
    }
    // A title may list its subjects (第五編　組織変更、合併、会社分割…), but never says a sentence.
    if let Some(c) = CHAPTER.captures(text)
        && c.get(2).is_none_or(|t| is_title_like(t.as_str()))
    {
        return Kind::Chapter {
            title: strip_heading_marks(text),
            supplementary: false,
        };
    }
    if SUPPLEMENTARY.is_match(text) && text.chars().count() <= 40 {
        return Kind::Chapter {
            title: strip_heading_marks(text),
            supplementary: true,
        };
    }
    if let Some(c) = CAPTION.captures(text)
        && !c[1]
            .chars()
            .all(|ch| ch.is_ascii_alphanumeric() || ('０'..='９').contains(&ch))
        && !ends_sentence(&c[1])
    {
        return Kind::Caption(c[1].trim().to_string());
    }
    if let Some(c) = MD_NUMBERED.captures(text) {
        return article(
            Style::MarkdownNumbered,
            Some(ascii_number(&c[1])),
            Some(&c[2]),
            "",
        );
    }
    if let Some(c) = MD_PLAIN.captures(text) {
        return article(Style::MarkdownPlain, None, Some(&c[2]), "");
    }
    if let Some(c) = DOTTED.captures(text) {
        return marked(Marker::Dotted, &c[1], Some(c[1].to_string()), &c[2]);
    }
    if let Some(c) = KOU.captures(text) {
        let n = ascii_number(&c[1]);
        return marked(Marker::Kou, &n, Some(n.clone()), &c[2]);
    }
    if let Some(c) = NUMBER_SPACE.captures(text)
        && !c[2].starts_with(|ch: char| ch.is_ascii_digit())
    {
        let n = ascii_number(&c[1]);
        if !ends_sentence(&c[2]) && !c[2].contains('。') && c[2].chars().count() <= 40 {
            return article(Style::NumberSpace, Some(n), Some(&c[2]), "");
        }
        // `２　前項の…`: a statute's paragraph number before its sentence.
        return marked(Marker::Kou, &n, Some(n.clone()), &c[2]);
    }
    if let Some(c) = NUMBER_DOT.captures(text)
        && !c[2].starts_with(|ch: char| ch.is_ascii_digit())
    {
        let n = ascii_number(&c[1]);
        let body = c[2].trim();
        // `2. (1)登録希望者…`: a list number in front of a real item marker is only Markdown's.
        if let kind @ Kind::Marked { .. } = classify_item(body) {
            return kind;
        }
        return marked(Marker::Decimal, &n, Some(n.clone()), body);
    }
    if let kind @ Kind::Marked { .. } = classify_item(text) {
        return kind;
    }
    if is_title_line(text) {
        return article(Style::TitleLine, None, Some(text), "");
    }
    Kind::Text
}

fn classify_item(text: &str) -> Kind {
    if let Some(c) = PAREN.captures(text) {
        let inner = &c[1];
        let number = if inner
            .chars()
            .all(|ch| ch.is_ascii_digit() || ('０'..='９').contains(&ch))
            || inner.chars().all(|ch| KANJI.contains(ch))
        {
            ascii_number(inner)
        } else {
            inner.to_string()
        };
        return marked(
            Marker::Paren,
            &format!("({number})"),
            Some(number.clone()),
            &c[2],
        );
    }
    if let Some(c) = HALF_PAREN.captures(text) {
        let n = ascii_number(&c[1]);
        return marked(Marker::Paren, &format!("{n})"), Some(n.clone()), &c[2]);
    }
    if let Some(c) = CIRCLED.captures(text) {
        let n = c[1]
            .chars()
            .next()
            .map(|ch| (ch as u32 - '①' as u32 + 1).to_string());
        return marked(Marker::Circled, &c[1], n, &c[2]);
    }
    if let Some(c) = BRACKET.captures(text) {
        let n = ascii_number(&c[1]);
        return marked(Marker::Bracket, &format!("【{n}】"), Some(n.clone()), &c[2]);
    }
    if let Some(c) = KANJI_ITEM.captures(text) {
        return marked(Marker::Kanji, &c[1], Some(ascii_number(&c[1])), &c[2]);
    }
    if let Some(c) = IROHA.captures(text) {
        return marked(Marker::Iroha, &c[1], Some(c[1].to_string()), &c[2]);
    }
    if let Some(c) = ALPHA.captures(text) {
        return marked(Marker::Alpha, &c[1], Some(c[1].to_string()), &c[2]);
    }
    if let Some(c) = ROMAN.captures(text)
        && let Some(n) = roman_number(&c[1])
    {
        return marked(Marker::Roman, &c[1], Some(n.to_string()), &c[2]);
    }
    if let Some(c) = BULLET.captures(text)
        && !text.starts_with("**")
    {
        return marked(Marker::Bullet, &c[1], None, &c[2]);
    }
    Kind::Text
}

fn marked(marker: Marker, label: &str, number: Option<String>, body: &str) -> Kind {
    Kind::Marked {
        marker,
        label: label.to_string(),
        number,
        body: body.trim().to_string(),
    }
}

/// Whether a line ends a sentence or clause (so it cannot be a heading, nor run on into the next).
pub fn ends_sentence(s: &str) -> bool {
    s.trim_end().ends_with([
        '。', '.', '、', ',', '：', ':', '；', ';', '）', ')', '!', '?', '！', '？',
    ])
}

/// A phrase short enough, and free enough of sentence punctuation, to be a heading (`定義等`).
fn is_short_heading(s: &str) -> bool {
    !s.is_empty() && s.chars().count() <= 30 && !s.contains(['。', '、', '，']) && !ends_sentence(s)
}

/// A short line with no sentence punctuation: a heading candidate.
pub fn is_title_like(s: &str) -> bool {
    s.chars().count() <= 60 && !s.contains('。') && !ends_sentence(s)
}

/// An English title line: short, capitalised words, no closing punctuation ("Purpose of Use").
fn is_title_line(s: &str) -> bool {
    const SMALL: [&str; 16] = [
        "of", "and", "to", "the", "a", "an", "for", "in", "on", "with", "or", "by", "from",
        "about", "at", "as",
    ];
    let words: Vec<&str> = s.split_whitespace().collect();
    if words.is_empty()
        || words.len() > 10
        || s.len() > 90
        || !s.starts_with(|c: char| c.is_ascii_uppercase())
        || ends_sentence(s)
        // `Last Updated: June 1, 2024` is a dated note, not a section heading.
        || s.contains(':')
    {
        return false;
    }
    let capitalised = words
        .iter()
        .filter(|w| {
            w.starts_with(|c: char| c.is_uppercase() || !c.is_alphabetic()) || SMALL.contains(w)
        })
        .count();
    capitalised == words.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn marker(text: &str) -> Option<(Marker, Option<String>)> {
        match classify(text) {
            Kind::Marked { marker, number, .. } => Some((marker, number)),
            _ => None,
        }
    }

    #[test]
    fn every_marker_style() {
        use Marker::*;
        let n = |s: &str| Some(s.to_string());
        let rows = [
            ("１．退社したとき。", Some((Decimal, n("1")))),
            ("1.見出しなし", Some((Decimal, n("1")))),
            ("1) 出典を記載", Some((Paren, n("1")))),
            ("(1) 法令に基づく場合", Some((Paren, n("1")))),
            ("（１）個人情報", Some((Paren, n("1")))),
            ("① 氏名", Some((Circled, n("1")))),
            ("【2】 個人情報", Some((Bracket, n("2")))),
            ("ア　登録情報", Some((Iroha, n("ア")))),
            ("ア）登録情報", Some((Iroha, n("ア")))),
            ("イ　当該個人情報の", Some((Iroha, n("イ")))),
            ("第三十二条の二第二項の規定は、準用する。", None),
            ("a. Billing", Some((Alpha, n("a")))),
            ("(a) Billing", Some((Paren, n("a")))),
            ("Ⅱ. 利用目的", Some((Roman, n("2")))),
            ("II. Purpose", Some((Roman, n("2")))),
            ("■ 個人情報", Some((Bullet, None))),
            ("・個人情報", Some((Bullet, None))),
            ("一　法令に基づく場合", Some((Kanji, n("1")))),
            ("二.　露骨な性的表現", Some((Kanji, n("2")))),
            ("十一の二　監査等委員会", Some((Kanji, n("11の2")))),
            ("２　前項の規定は、適用しない。", Some((Kou, n("2")))),
            ("2 項.　管理者は責任を負いません。", Some((Kou, n("2")))),
            ("6.2.1 Google Inc.", Some((Dotted, n("6.2.1")))),
            ("当社は守ります。", None),
        ];
        for (text, want) in rows {
            assert_eq!(marker(text), want, "{text}");
        }
    }

    #[test]
    fn article_headings_and_captions() {
        let article = |text: &str| match classify(text) {
            Kind::Article {
                style: Style::Jo,
                number,
                heading,
                body,
            } => (number, heading, body),
            other => panic!("{text}: {other:?}"),
        };
        let s = |v: &str| Some(v.to_string());
        assert_eq!(
            article("第1条 定義等"),
            (s("1"), s("定義等"), String::new())
        );
        assert_eq!(
            article("第 2 条（目的）本文。"),
            (s("2"), s("目的"), "本文。".into())
        );
        assert_eq!(
            article("第6条 ：使用制限"),
            (s("6"), s("使用制限"), String::new())
        );
        assert_eq!(
            article("第十二条の二　当社は守る。"),
            (s("12の2"), None, "当社は守る。".into())
        );
        assert_eq!(article("### 第36条の3"), (s("36の3"), None, String::new()));
        assert_eq!(
            classify("（利用目的の特定）"),
            Kind::Caption("利用目的の特定".into())
        );
        assert!(matches!(
            classify("第一章　総則"),
            Kind::Chapter {
                supplementary: false,
                ..
            }
        ));
        assert!(matches!(
            classify("## 第2章 目的及び事業"),
            Kind::Chapter { .. }
        ));
        assert!(matches!(
            classify("附　則"),
            Kind::Chapter {
                supplementary: true,
                ..
            }
        ));
    }
}
