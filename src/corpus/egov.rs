//! Statutes in e-Gov's law XML (laws.e-gov.go.jp), written out in the plain form a statute is printed
//! in, which the segmenter reads:
//!
//! ```text
//! # 個人情報の保護に関する法律
//! 第一章　総則
//! （目的）
//! 第一条　この法律は、…
//! ２　前項の…
//! 一　…
//! イ　…
//! ```
//!
//! The law's title is a level-one heading, so it becomes the document's title; chapter, section and
//! supplementary-provision titles, and article captions, stand on lines of their own.

use roxmltree::{Document, Node, ParsingOptions};

/// Statutes nest a dozen levels deep; a file nested deeper than this is not one, and its excess is
/// passed over rather than recursed into.
const MAX_DEPTH: usize = 64;

/// The lines of a statute in e-Gov XML, or why the XML is not one.
pub fn to_lines(xml: &str) -> Result<String, String> {
    let options = ParsingOptions {
        allow_dtd: true,
        ..ParsingOptions::default()
    };
    let doc = Document::parse_with_options(xml, options)
        .map_err(|e| format!("not well-formed XML: {e}"))?;
    // The law itself, or the law inside an e-Gov API answer (`DataRoot/ApplData/LawFullText/Law`).
    let law = doc
        .descendants()
        .find(|n| n.has_tag_name("Law") && child(*n, "LawBody").is_some())
        .ok_or("XML that is not a statute in e-Gov's law XML (no <Law> with a <LawBody>)")?;
    let body = child(law, "LawBody").expect("found with its body");
    let mut out = Lines::default();
    if let Some(title) = child(body, "LawTitle") {
        out.push(format!("# {}", text_of(title)));
    }
    for part in body.children().filter(Node::is_element) {
        out.element(part, 0);
    }
    Ok(out.text)
}

#[derive(Default)]
struct Lines {
    text: String,
}

impl Lines {
    fn push(&mut self, line: impl AsRef<str>) {
        let line = line.as_ref().trim();
        if !line.is_empty() {
            self.text.push_str(line);
            self.text.push('\n');
        }
    }

    /// A numbered line: its number (`２`, `一`, `イ`), a full-width space, its sentences.
    fn numbered(&mut self, number: &str, sentence: &str) {
        match (number.trim(), sentence.trim()) {
            ("", s) => self.push(s),
            (n, "") => self.push(n),
            (n, s) => self.push(format!("{n}\u{3000}{s}")),
        }
    }

    fn element(&mut self, node: Node, depth: usize) {
        if depth > MAX_DEPTH {
            return;
        }
        let name = node.tag_name().name();
        match name {
            // The table of contents repeats the titles; the title and number are read already.
            "TOC" | "LawTitle" | "LawNum" | "ArticleTitle" | "ParagraphNum" | "ItemTitle"
            | "Rt" => {}
            "PartTitle" | "ChapterTitle" | "SectionTitle" | "SubsectionTitle" | "DivisionTitle"
            | "ArticleCaption" | "ParagraphCaption" | "AppdxTableTitle" | "AppdxTitle"
            | "TableStructTitle" | "RemarksLabel" | "ArithFormulaNum" => self.push(text_of(node)),
            "SupplProvisionLabel" => {
                let provision = node.parent().unwrap_or(node);
                let mut label = text_of(node);
                if let Some(amending) = provision.attribute("AmendLawNum") {
                    label.push_str(&format!("（{amending}）"));
                }
                if provision.attribute("Extract") == Some("true") {
                    label.push_str("\u{3000}抄");
                }
                self.push(label);
            }
            "Article" => self.article(node, depth),
            "Paragraph" => {
                let number = child(node, "ParagraphNum").map(text_of).unwrap_or_default();
                self.paragraph(node, &number, depth)
            }
            "Item" => self.numbered_with_children(node, "ItemTitle", "ItemSentence", depth),
            "TableRow" => {
                let cells: Vec<String> = node
                    .children()
                    .filter(|c| c.has_tag_name("TableColumn"))
                    .map(|c| text_of(c).replace('|', "｜"))
                    .collect();
                if cells.iter().any(|c| !c.is_empty()) {
                    self.push(format!("| {} |", cells.join(" | ")));
                }
            }
            "Sentence" | "ListSentence" | "EnactStatement" => self.push(text_of(node)),
            _ if name.starts_with("Subitem") && !name.ends_with("Title") => {
                let title = format!("{name}Title");
                let sentence = format!("{name}Sentence");
                self.numbered_with_children(node, &title, &sentence, depth)
            }
            _ => self.children(node, depth),
        }
    }

    fn children(&mut self, node: Node, depth: usize) {
        for c in node.children().filter(Node::is_element) {
            self.element(c, depth + 1);
        }
    }

    /// An article: its caption, then its title written before the first paragraph's sentences.
    fn article(&mut self, node: Node, depth: usize) {
        let title = child(node, "ArticleTitle").map(text_of).unwrap_or_default();
        let mut first = true;
        for c in node.children().filter(Node::is_element) {
            match c.tag_name().name() {
                "ArticleTitle" => {}
                "Paragraph" => {
                    let number = child(c, "ParagraphNum").map(text_of).unwrap_or_default();
                    // The first paragraph is unnumbered in print: the article's title stands there.
                    let number = if first && number.is_empty() {
                        title.clone()
                    } else {
                        number
                    };
                    self.paragraph(c, &number, depth + 1);
                    first = false;
                }
                _ => self.element(c, depth + 1),
            }
        }
        if first {
            // An article with no paragraph (a range of deleted articles) still shows its title.
            self.push(&title);
        }
    }

    fn paragraph(&mut self, node: Node, number: &str, depth: usize) {
        let sentence = child(node, "ParagraphSentence")
            .map(sentences)
            .unwrap_or_default();
        self.numbered(number, &sentence);
        for c in node.children().filter(Node::is_element) {
            if !matches!(
                c.tag_name().name(),
                "ParagraphNum" | "ParagraphSentence" | "ParagraphCaption"
            ) {
                self.element(c, depth + 1);
            }
        }
    }

    fn numbered_with_children(&mut self, node: Node, title: &str, sentence: &str, depth: usize) {
        let number = child(node, title).map(text_of).unwrap_or_default();
        let text = child(node, sentence).map(sentences).unwrap_or_default();
        self.numbered(&number, &text);
        for c in node.children().filter(Node::is_element) {
            let name = c.tag_name().name();
            if name != title && name != sentence {
                self.element(c, depth + 1);
            }
        }
    }
}

/// The sentences of a paragraph or item; the columns of a definition (term, then meaning) are parted by
/// a full-width space, as printed.
fn sentences(node: Node) -> String {
    let columns: Vec<String> = node
        .children()
        .filter(|c| c.has_tag_name("Column"))
        .map(text_of)
        .collect();
    if columns.is_empty() {
        text_of(node)
    } else {
        columns.join("\u{3000}")
    }
}

fn child<'a, 'input>(node: Node<'a, 'input>, name: &str) -> Option<Node<'a, 'input>> {
    node.children().find(|c| c.has_tag_name(name))
}

/// The text inside `node`, without ruby readings and without the line breaks and indentation of the
/// XML's own layout.
fn text_of(node: Node) -> String {
    let mut out = String::new();
    for text in node.descendants().filter(Node::is_text) {
        if text.ancestors().any(|a| a.has_tag_name("Rt")) {
            continue;
        }
        let t = text.text().unwrap_or("");
        if t.contains('\n') {
            out.extend(t.split('\n').map(str::trim));
        } else {
            out.push_str(t);
        }
    }
    out.trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_article_reads_as_printed() {
        let xml = "<Law><LawNum>令和元年法律第一号</LawNum><LawBody><LawTitle>テスト法</LawTitle>\
            <TOC><TOCLabel>目次</TOCLabel></TOC><MainProvision><Chapter Num='1'>\
            <ChapterTitle>第一章　総則</ChapterTitle><Article Num='2_2'>\
            <ArticleCaption>（定義）</ArticleCaption><ArticleTitle>第二条の二</ArticleTitle>\
            <Paragraph Num='1'><ParagraphNum/><ParagraphSentence><Sentence>次に掲げる。</Sentence>\
            </ParagraphSentence><Item Num='1'><ItemTitle>一</ItemTitle><ItemSentence>\
            <Column><Sentence>甲</Sentence></Column><Column><Sentence>乙をいう。</Sentence></Column>\
            </ItemSentence><Subitem1><Subitem1Title>イ</Subitem1Title><Subitem1Sentence>\
            <Sentence><Ruby>丙<Rt>へい</Rt></Ruby></Sentence></Subitem1Sentence></Subitem1></Item>\
            </Paragraph><Paragraph Num='2'><ParagraphNum>２</ParagraphNum><ParagraphSentence>\
            <Sentence>前項の。</Sentence><Sentence>ただし、</Sentence></ParagraphSentence>\
            </Paragraph></Article></Chapter></MainProvision>\
            <SupplProvision AmendLawNum='令和二年法律第二号' Extract='true'>\
            <SupplProvisionLabel>附　則</SupplProvisionLabel><Paragraph><ParagraphNum/>\
            <ParagraphSentence><Sentence>公布の日から施行する。</Sentence></ParagraphSentence>\
            </Paragraph></SupplProvision></LawBody></Law>";
        assert_eq!(
            to_lines(xml).unwrap(),
            "# テスト法\n第一章　総則\n（定義）\n第二条の二　次に掲げる。\n一　甲　乙をいう。\nイ　丙\n\
             ２　前項の。ただし、\n附　則（令和二年法律第二号）　抄\n公布の日から施行する。\n"
        );
    }

    #[test]
    fn appi_article_27_reads_line_by_line() {
        let xml = include_str!("../../tests/fixtures/appi-excerpt.egov.xml");
        let text = to_lines(xml).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "# 個人情報の保護に関する法律");
        let at = lines
            .iter()
            .position(|l| *l == "（第三者提供の制限）")
            .unwrap();
        assert!(
            lines[at + 1]
                .starts_with("第二十七条　個人情報取扱事業者は、次に掲げる場合を除くほか、")
        );
        assert_eq!(lines[at + 2], "一　法令に基づく場合");
        assert!(
            lines[at + 3].starts_with("二　人の生命、身体又は財産の保護のために必要がある場合")
        );
        let second = lines[at..]
            .iter()
            .position(|l| l.starts_with("２　"))
            .unwrap();
        assert!(
            lines[at + second]
                .starts_with("２　個人情報取扱事業者は、第三者に提供される個人データ")
        );
        // Chapter and section titles stand on their own lines, before the article's caption.
        assert!(lines[..at].iter().any(|l| l.starts_with("第四章")));
        assert!(lines[..at].iter().any(|l| l.starts_with("第二節")));
        assert!(
            lines
                .iter()
                .any(|l| l.starts_with("２　この法律において「個人識別符号」とは"))
        );
    }

    #[test]
    fn xml_that_is_not_a_statute_is_refused() {
        assert!(
            to_lines("<rss><channel/></rss>")
                .unwrap_err()
                .contains("not a statute")
        );
        assert!(
            to_lines("<Law><LawBody>")
                .unwrap_err()
                .contains("well-formed")
        );
    }
}
