//! Cutting a document into the units people cite: article → paragraph → item, each with its citation.
//!
//! Along the data flow: `markup` and `line` turn text into classified logical lines, `outline` decides
//! the document's article style, `numbering` places each numbered line and cites it, `tree` assembles
//! the clauses. Pure: text in, segments out.

mod line;
mod markup;
mod numbering;
mod outline;
mod tree;

use std::collections::HashMap;

use line::{Kind, Line, Style, prepare};
pub use outline::outline;
use tree::Builder;

/// Where a segment sits in the tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// An article's own text (an article with no body is one clause of its heading).
    Article,
    /// A paragraph (項) of an article, numbered or not.
    Paragraph,
    /// An item (号) or sub-item inside a paragraph.
    Item,
}

/// The article a segment belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArticleRef {
    /// As the document writes it: `第12条`, `3`; `None` for a title-line or unheaded section.
    pub label: Option<String>,
    /// Its heading, when it has one.
    pub heading: Option<String>,
    /// The id part: the article number, or `s` + its ordinal for unnumbered sections; `0` is the preamble.
    pub key: String,
    /// The chapter, section… titles the article stands under, outermost first, joined by ` / `
    /// (`第四章　個人情報取扱事業者等の義務等 / 第一節　総則`).
    pub chapter: Option<String>,
}

/// One clause's place and text, before metadata.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    /// The article, or `None` for the preamble before the first article.
    pub article: Option<ArticleRef>,
    /// The clause's own label within its article (`2`, `2-(1)`, `6.2.1`); `None` for article-level text.
    pub label: Option<String>,
    /// The id part below the article (`2.1`).
    pub key: String,
    /// Its legal citation in the document's own terms: `第12条第2項第3号`, `5.1(2)`, `§3 ¶2`.
    pub cite: String,
    /// Depth in the tree.
    pub level: Level,
    /// Unnumbered text (its id part is a count, which a numbered sibling may also have).
    pub plain: bool,
    /// First line, 1-based, in the source text.
    pub line_start: usize,
    /// Last line, 1-based, inclusive.
    pub line_end: usize,
    /// The clause text, Markdown removed, lines joined by `\n`.
    pub text: String,
}

/// What the first pass learnt about the document itself.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Outline {
    /// The document's title: front matter, first heading, or a first line naming a policy.
    pub title: Option<String>,
    /// The line the title stands on, when it is in the text.
    pub title_line: Option<usize>,
    /// `key: value` pairs of YAML front matter.
    pub front_matter: HashMap<String, String>,
    /// The most authoritative article style the document uses.
    pub(crate) style: Option<Style>,
    /// The lines of a table of contents (and its 目次 / Contents heading), in order: never clauses.
    pub(crate) contents: Vec<usize>,
}

/// The second pass: cuts `text` into clauses, handing them to `emit` one article at a time.
pub fn segment(text: &str, outline: &Outline, mut emit: impl FnMut(Vec<Segment>)) {
    let mut builder = Builder::new(outline.style);
    let mut pending: Option<Line> = None;
    let mut emitted = false;
    let mut flush = |builder: &mut Builder| {
        for article in builder.ready.drain(..) {
            emitted |= !article.is_empty();
            emit(article);
        }
    };
    // The first pass already fixed the title; this one only needs the lines again.
    let mut again = Outline::default();
    prepare(text, &mut again, |line| {
        if line.kind == Kind::Title || outline.contents.binary_search(&line.number).is_ok() {
            return;
        }
        if let Some(previous) = pending.replace(line) {
            builder.push(previous, pending.as_ref());
            flush(&mut builder);
        }
    });
    if let Some(last) = pending {
        builder.push(last, None);
    }
    builder.finish();
    flush(&mut builder);
    // A document that is nothing but its title is still one clause.
    if !emitted
        && let (Some(title), Some(line)) = (&outline.title, outline.title_line)
        && !title.trim().is_empty()
    {
        emit(vec![Segment {
            article: None,
            label: None,
            key: "1".to_string(),
            level: Level::Paragraph,
            line_start: line,
            line_end: line,
            cite: "¶1".to_string(),
            plain: true,
            text: title.clone(),
        }]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Both passes, collected.
    fn segment(text: &str) -> (Outline, Vec<Segment>) {
        let outline = outline(text, |_| {});
        let mut segments = Vec::new();
        super::segment(text, &outline, |article| segments.extend(article));
        (outline, segments)
    }

    #[test]
    fn an_empty_heading_alone_is_no_clause() {
        for text in ["#", "# ", "#\n\n##"] {
            let (_, segments) = segment(text);
            assert!(
                segments.iter().all(|s| !s.text.trim().is_empty()),
                "{text:?}: {segments:?}"
            );
        }
    }

    fn labels(text: &str) -> Vec<(Option<String>, Option<String>, Level)> {
        segment(text)
            .1
            .into_iter()
            .map(|s| (s.article.and_then(|a| a.label), s.label, s.level))
            .collect()
    }

    #[test]
    fn kanji_and_full_width_article_numbers() {
        let text = "第一条（目的）\n本規程は目的を定める。\n\n第 2 条\n当社は守る。\n\n第１２条（変更）\n変更する。\n";
        let got: Vec<String> = segment(text)
            .1
            .into_iter()
            .filter_map(|s| s.article.and_then(|a| a.label))
            .collect();
        assert_eq!(got, ["第1条", "第2条", "第12条"]);
    }

    #[test]
    fn numbered_paragraphs_nest_items() {
        let text = "## 第 4 条（第三者提供）\n\n1. 当社は提供しません。\n   (1) 法令に基づく場合\n   (2) 人の生命\n2. 当社は同意に基づき提供します。\n   ① 事前の同意\n";
        let got = labels(text);
        let p = |l: &str, level| (Some("第4条".to_string()), Some(l.to_string()), level);
        assert_eq!(
            got,
            [
                p("1", Level::Paragraph),
                p("1-(1)", Level::Item),
                p("1-(2)", Level::Item),
                p("2", Level::Paragraph),
                p("2-①", Level::Item)
            ]
        );
    }

    #[test]
    fn dotted_paragraphs_and_iroha_items() {
        let text = "### 3\\. 第三者提供\n\n当社は次の場合を除き提供しません。\n\n3.1 本人の同意がある場合\n\n3.2 法令に基づく場合\n\nア　登録情報\n";
        let got = labels(text);
        assert_eq!(
            got.iter().map(|g| g.1.clone().unwrap()).collect::<Vec<_>>(),
            ["1", "3.1", "3.2", "3.2-ア"]
        );
    }

    #[test]
    fn english_title_lines_head_sections() {
        let text = "Privacy Policy\n\nWe respect your privacy and explain here how we handle it.\n\nPurpose of Use\n\nWe use personal information to provide the service to customers.\n\n  1. Billing\n  2. Support\n\nContact Us\n\nWrite to us at the address below, and we will answer.\n";
        let (outline, segs) = segment(text);
        assert_eq!(outline.title.as_deref(), Some("Privacy Policy"));
        assert_eq!(segs[0].article, None);
        let a = segs[1].article.clone().unwrap();
        assert_eq!(a.heading.as_deref(), Some("Purpose of Use"));
        assert_eq!(
            segs.iter()
                .skip(1)
                .map(|s| s.label.clone())
                .collect::<Vec<_>>(),
            [
                Some("1".into()),
                Some("1-1".into()),
                Some("1-2".into()),
                Some("1".into())
            ],
            "{segs:#?}"
        );
    }

    #[test]
    fn chapter_and_section_titles_are_context_of_the_articles_under_them() {
        let text = "第一章　総則\n（目的）\n第一条　この法律は目的を定める。\n第二章　義務\n第一節　通則\n第二条　事業者は守る。\n第二節　特則\n第三条　特に守る。\n第三章　雑則\n第四条　雑。\n附　則\n第一条　施行する。\n";
        let (_, segs) = segment(text);
        let chapters: Vec<(String, Option<String>)> = segs
            .iter()
            .map(|s| (s.cite.clone(), s.article.clone().and_then(|a| a.chapter)))
            .collect();
        let some = |t: &str| Some(t.to_string());
        assert_eq!(
            chapters,
            [
                ("第1条第1項".to_string(), some("第一章　総則")),
                (
                    "第2条第1項".to_string(),
                    some("第二章　義務 / 第一節　通則")
                ),
                (
                    "第3条第1項".to_string(),
                    some("第二章　義務 / 第二節　特則")
                ),
                ("第4条第1項".to_string(), some("第三章　雑則")),
                ("附則第1条第1項".to_string(), some("附　則")),
            ]
        );
        // The titles are never clauses themselves.
        assert!(
            segs.iter()
                .all(|s| !s.text.contains("総則") && !s.text.contains("通則"))
        );
    }

    #[test]
    fn a_table_of_contents_is_no_clause() {
        let texts =
            |text: &str| -> Vec<String> { segment(text).1.into_iter().map(|s| s.text).collect() };
        // Japanese: bare article headings that the articles further on repeat, with or without 目次.
        for head in ["目次\n", ""] {
            let text = format!(
                "個人情報保護規程\n\n{head}第1条 目的\n第2条 定義\n第3条 利用目的\n\n第1条（目的）\n本規程は目的を定める。\n\n第2条（定義）\n個人情報とは情報をいう。\n\n第3条（利用目的）\n次の目的で利用する。\n"
            );
            let got = texts(&text);
            assert_eq!(got.len(), 4, "{got:?}");
            assert!(
                !got.iter().any(|t| t == "目次" || t.starts_with("第1条")),
                "{got:?}"
            );
        }
        // Markdown: a list under Contents naming the sections below.
        let got = texts(
            "# Privacy Policy\n\n## Contents\n1. Information We Collect\n2. Contact Us\n\n## 1. Information We Collect\nWe collect your name.\n\n## 2. Contact Us\nWrite to us.\n",
        );
        assert_eq!(got, ["We collect your name.", "Write to us."]);
        // A list that is not under a Contents heading stays, even when sections repeat its words.
        let got = texts(
            "# Policy\n\nWe collect:\n1. Name\n2. Email\n\n## Name\nYour full name.\n\n## Email\nYour address.\n",
        );
        assert!(
            got.iter().any(|t| t.contains("Name")) && got.len() >= 5,
            "{got:?}"
        );
    }

    #[test]
    fn no_structure_gives_one_clause_per_paragraph() {
        let segs = segment("当社は個人情報を守ります。\n\nお問い合わせはこちらへ。\n").1;
        assert_eq!(segs.len(), 2);
        assert_eq!(
            (segs[1].line_start, segs[1].text.as_str()),
            (3, "お問い合わせはこちらへ。")
        );
    }

    #[test]
    fn front_matter_is_read_and_skipped() {
        let (outline, segs) = segment(
            "---\ntitle: テスト方針\ncompany: 株式会社テスト\n---\n\n# テスト方針\n\n本文です。\n",
        );
        assert_eq!(
            outline.front_matter.get("company").map(String::as_str),
            Some("株式会社テスト")
        );
        assert_eq!(outline.title.as_deref(), Some("テスト方針"));
        assert_eq!(segs.len(), 1);
        assert_eq!(segs[0].line_start, 8);
    }
}
