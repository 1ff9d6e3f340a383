//! Word `.docx` to lines: each paragraph a line, headings as Markdown headings, Word's automatic
//! numbering written out as the reader sees it (`第1条`, `(1)`, `①`, `一`, `ア`), bulleted paragraphs as
//! `* ` items, and a table row as one `| cell | cell |` line.
//!
//! A `.docx` is a zip (read with the `zip` crate) of XML parts (read with `roxmltree`): the text in
//! `word/document.xml`, heading styles in `word/styles.xml`, list formats in `word/numbering.xml`.

use std::collections::HashMap;
use std::io::{Cursor, Read};

use roxmltree::{Document, Node};

/// Largest XML part read; a bigger one is a decompression bomb, not a document.
const PART_LIMIT: u64 = 256 << 20;

/// Word's tables and lists nest a few levels; deeper nesting is read no further.
const MAX_DEPTH: usize = 64;

/// The text of a `.docx` as lines, one paragraph a line with a blank line between paragraphs.
pub fn to_lines(bytes: &[u8]) -> Result<String, String> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| format!("not a Word .docx file (not a readable zip: {e})"))?;
    let document = part(&mut zip, "word/document.xml")?
        .ok_or("not a Word .docx file (no word/document.xml)")?;
    let styles = part(&mut zip, "word/styles.xml")?.unwrap_or_default();
    let numbering = part(&mut zip, "word/numbering.xml")?.unwrap_or_default();
    let document = parse("word/document.xml", &document)?;
    let styles = match styles.is_empty() {
        true => Styles::default(),
        false => Styles::read(&parse("word/styles.xml", &styles)?),
    };
    let numbering = match numbering.is_empty() {
        true => Numbering::default(),
        false => Numbering::read(&parse("word/numbering.xml", &numbering)?),
    };
    let mut reader = Reader {
        styles,
        numbering,
        counters: HashMap::new(),
        out: Vec::new(),
    };
    let body = document
        .descendants()
        .find(|n| n.tag_name().name() == "body")
        .ok_or("damaged .docx: no document body")?;
    reader.block(body, 0);
    let mut text = reader.out.join("\n\n");
    if !text.is_empty() {
        text.push('\n');
    }
    Ok(text)
}

fn parse<'a>(name: &str, xml: &'a str) -> Result<Document<'a>, String> {
    Document::parse(xml).map_err(|e| format!("damaged .docx: {name}: {e}"))
}

fn part(zip: &mut zip::ZipArchive<Cursor<&[u8]>>, name: &str) -> Result<Option<String>, String> {
    let file = match zip.by_name(name) {
        Ok(file) => file,
        Err(zip::result::ZipError::FileNotFound) => return Ok(None),
        Err(e) => return Err(format!("damaged .docx: {name}: {e}")),
    };
    if file.size() > PART_LIMIT {
        return Err(format!("{name} is over {} MB", PART_LIMIT >> 20));
    }
    let mut text = String::new();
    file.take(PART_LIMIT)
        .read_to_string(&mut text)
        .map_err(|e| format!("damaged .docx: {name}: {e}"))?;
    Ok(Some(text))
}

/// The attribute `w:val` (or any attribute named `val`) of `node`'s child called `name`.
fn val<'a>(node: Node<'a, '_>, name: &str) -> Option<&'a str> {
    child(node, name).and_then(|c| attr(c, "val"))
}

fn child<'a, 'input>(node: Node<'a, 'input>, name: &str) -> Option<Node<'a, 'input>> {
    node.children().find(|c| c.tag_name().name() == name)
}

/// An attribute by its local name, whatever its namespace (`w:val`, `w:styleId`).
fn attr<'a>(node: Node<'a, '_>, name: &str) -> Option<&'a str> {
    node.attributes()
        .find(|a| a.name() == name)
        .map(|a| a.value())
}

/// What a paragraph style says: its heading level and its own list numbering.
#[derive(Default, Clone)]
struct Style {
    heading: Option<usize>,
    numbering: Option<(String, usize)>,
    based_on: Option<String>,
}

#[derive(Default)]
struct Styles(HashMap<String, Style>);

impl Styles {
    fn read(doc: &Document) -> Styles {
        let mut styles = HashMap::new();
        for style in doc.descendants().filter(|n| n.tag_name().name() == "style") {
            let Some(id) = attr(style, "styleId") else {
                continue;
            };
            let name = val(style, "name").unwrap_or("").to_ascii_lowercase();
            let ppr = child(style, "pPr");
            let outline = ppr
                .and_then(|p| val(p, "outlineLvl"))
                .and_then(|l| l.parse::<usize>().ok())
                .filter(|&l| l < 9)
                .map(|l| l + 1);
            let heading = match name.strip_prefix("heading ") {
                Some(level) => level.parse().ok(),
                None if name == "title" => Some(1),
                None => outline,
            };
            styles.insert(
                id.to_string(),
                Style {
                    heading,
                    numbering: ppr.and_then(num_pr),
                    based_on: val(style, "basedOn").map(str::to_string),
                },
            );
        }
        Styles(styles)
    }

    /// A style with what it inherits filled in.
    fn resolve(&self, id: &str) -> Style {
        let mut style = Style::default();
        let mut next = Some(id.to_string());
        for _ in 0..16 {
            let Some(s) = next.and_then(|id| self.0.get(&id)) else {
                break;
            };
            style.heading = style.heading.or(s.heading);
            style.numbering = style.numbering.clone().or(s.numbering.clone());
            next = s.based_on.clone();
        }
        style
    }
}

/// A `w:numPr`: which list, at which level.
fn num_pr(ppr: Node) -> Option<(String, usize)> {
    let num = child(ppr, "numPr")?;
    let id = val(num, "numId")?.to_string();
    let level = val(num, "ilvl").and_then(|l| l.parse().ok()).unwrap_or(0);
    Some((id, level))
}

/// One level of a list format.
#[derive(Clone, Default)]
struct Level {
    start: u32,
    format: String,
    text: String,
}

#[derive(Default)]
struct Numbering {
    /// numId → its levels (from its abstractNum, with the num's start overrides).
    lists: HashMap<String, Vec<Level>>,
}

impl Numbering {
    fn read(doc: &Document) -> Numbering {
        let levels_of = |node: Node| -> Vec<Level> {
            let mut levels = vec![Level::default(); 9];
            for lvl in node.children().filter(|c| c.tag_name().name() == "lvl") {
                let Some(i) = attr(lvl, "ilvl").and_then(|i| i.parse::<usize>().ok()) else {
                    continue;
                };
                if let Some(level) = levels.get_mut(i) {
                    *level = Level {
                        start: val(lvl, "start").and_then(|s| s.parse().ok()).unwrap_or(1),
                        format: val(lvl, "numFmt").unwrap_or("decimal").to_string(),
                        text: val(lvl, "lvlText").unwrap_or("").to_string(),
                    };
                }
            }
            levels
        };
        let abstracts: HashMap<&str, Vec<Level>> = doc
            .descendants()
            .filter(|n| n.tag_name().name() == "abstractNum")
            .filter_map(|n| Some((attr(n, "abstractNumId")?, levels_of(n))))
            .collect();
        let mut lists = HashMap::new();
        for num in doc.descendants().filter(|n| n.tag_name().name() == "num") {
            let (Some(id), Some(abs)) = (attr(num, "numId"), val(num, "abstractNumId")) else {
                continue;
            };
            let Some(mut levels) = abstracts.get(abs).cloned() else {
                continue;
            };
            for o in num
                .children()
                .filter(|c| c.tag_name().name() == "lvlOverride")
            {
                let i = attr(o, "ilvl").and_then(|i| i.parse::<usize>().ok());
                let start = val(o, "startOverride").and_then(|s| s.parse().ok());
                if let (Some(level), Some(start)) = (i.and_then(|i| levels.get_mut(i)), start) {
                    level.start = start;
                }
            }
            lists.insert(id.to_string(), levels);
        }
        Numbering { lists }
    }
}

struct Reader {
    styles: Styles,
    numbering: Numbering,
    /// numId → the current number at each level.
    counters: HashMap<String, [u32; 9]>,
    out: Vec<String>,
}

impl Reader {
    /// Paragraphs and tables, in order, inside the body, a cell or a content control.
    fn block(&mut self, node: Node, depth: usize) {
        if depth > MAX_DEPTH {
            return;
        }
        for c in node.children().filter(Node::is_element) {
            match c.tag_name().name() {
                "p" => {
                    let lines = self.paragraph(c);
                    self.out.extend(lines);
                }
                "tbl" => self.table(c, depth + 1),
                "sectPr" => {}
                _ => self.block(c, depth + 1),
            }
        }
    }

    /// A paragraph's lines: its number or heading marks, then its text; a manual line break starts a
    /// line of its own.
    fn paragraph(&mut self, p: Node) -> Vec<String> {
        let ppr = child(p, "pPr");
        let style = ppr
            .and_then(|ppr| val(ppr, "pStyle"))
            .map(|id| self.styles.resolve(id))
            .unwrap_or_default();
        let mut lines = vec![String::new()];
        runs_text(p, &mut lines, 0);
        let lines: Vec<String> = lines
            .iter()
            .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
            .filter(|l| !l.is_empty())
            .collect();
        if lines.is_empty() {
            return lines;
        }
        let numbering = ppr.and_then(num_pr).or(style.numbering);
        let mut marker = numbering
            .and_then(|(id, level)| self.number(&id, level))
            .unwrap_or_default();
        if let Some(level) = style.heading {
            marker = format!("{} {marker}", "#".repeat(level.min(6)));
        }
        let mut lines = lines;
        lines[0] = format!("{marker}{}", lines[0]);
        vec![lines.join("\n")]
    }

    /// The next number of list `id` at `level`, written as its format says, with a space after it.
    fn number(&mut self, id: &str, level: usize) -> Option<String> {
        let levels = self.numbering.lists.get(id)?;
        let format = levels.get(level)?;
        if format.format == "none" {
            return None;
        }
        if format.format == "bullet" {
            return Some("* ".to_string());
        }
        let counters = self.counters.entry(id.to_string()).or_insert_with(|| {
            let mut c = [0; 9];
            for (i, l) in levels.iter().enumerate().take(9) {
                c[i] = l.start.saturating_sub(1);
            }
            c
        });
        counters[level] += 1;
        // A new item restarts the levels below it.
        for (deeper, l) in levels
            .iter()
            .enumerate()
            .skip(level + 1)
            .take(9 - level - 1)
        {
            counters[deeper] = l.start.saturating_sub(1);
        }
        let mut text = format.text.clone();
        for (i, l) in levels.iter().enumerate().take(9) {
            let placeholder = format!("%{}", i + 1);
            if text.contains(&placeholder) {
                text = text.replace(&placeholder, &format_number(counters[i].max(1), &l.format));
            }
        }
        Some(format!("{text} "))
    }

    /// A table: a row of several filled cells is one line; a row of one cell (a table used for
    /// layout) gives its paragraphs as they are.
    fn table(&mut self, tbl: Node, depth: usize) {
        for row in tbl.children().filter(|c| c.tag_name().name() == "tr") {
            let mut cells: Vec<Vec<String>> = Vec::new();
            for cell in row.children().filter(|c| c.tag_name().name() == "tc") {
                let saved = std::mem::take(&mut self.out);
                self.block(cell, depth + 1);
                cells.push(std::mem::replace(&mut self.out, saved));
            }
            cells.retain(|c| !c.is_empty());
            if cells.len() < 2 {
                self.out.extend(cells.into_iter().flatten());
            } else {
                let joined: Vec<String> = cells
                    .iter()
                    .map(|c| c.join(" ").replace('\n', " ").replace('|', "｜"))
                    .collect();
                self.out.push(format!("| {} |", joined.join(" | ")));
            }
        }
    }
}

/// The text of a paragraph's runs; `w:br` starts a new line. Deleted text, field codes and drawings are
/// not text a reader sees.
fn runs_text(node: Node, lines: &mut Vec<String>, depth: usize) {
    if depth > MAX_DEPTH {
        return;
    }
    for c in node.children().filter(Node::is_element) {
        match c.tag_name().name() {
            "t" => lines
                .last_mut()
                .expect("one line")
                .push_str(c.text().unwrap_or("")),
            "tab" | "ptab" => lines.last_mut().expect("one line").push(' '),
            "br" | "cr" if attr(c, "type").is_none_or(|t| t == "textWrapping") => {
                lines.push(String::new())
            }
            "pPr" | "rPr" | "delText" | "instrText" | "del" | "drawing" | "pict" | "object"
            | "AlternateContent" | "footnoteReference" | "commentReference" => {}
            _ => runs_text(c, lines, depth + 1),
        }
    }
}

/// `n` in one of Word's number formats.
fn format_number(n: u32, format: &str) -> String {
    const KANA: [&str; 2] = [
        "アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワヲン",
        "イロハニホヘトチリヌルヲワカヨタレソツネナラムウヰノオクヤマケフコエテアサキユメミシヱヒモセス",
    ];
    let from = |table: &str| -> String {
        let chars: Vec<char> = table.chars().collect();
        chars
            .get((n as usize).wrapping_sub(1) % chars.len())
            .map(char::to_string)
            .unwrap_or_default()
    };
    match format {
        "decimalFullWidth" | "decimalFullWidth2" => n
            .to_string()
            .chars()
            .map(|c| char::from_u32(c as u32 - '0' as u32 + '０' as u32).unwrap_or(c))
            .collect(),
        "decimalEnclosedCircle" | "decimalEnclosedCircleChinese" if (1..=20).contains(&n) => {
            char::from_u32(0x2460 + n - 1)
                .map(String::from)
                .unwrap_or_default()
        }
        "decimalEnclosedParen" => format!("({n})"),
        "decimalEnclosedFullstop" => format!("{n}."),
        "decimalZero" => format!("{n:02}"),
        "japaneseCounting"
        | "japaneseDigitalTenThousand"
        | "japaneseLegal"
        | "chineseCounting"
        | "chineseCountingThousand"
        | "ideographDigital" => kanji_number(n),
        "ideographTraditional" => from("甲乙丙丁戊己庚辛壬癸"),
        "aiueo" | "aiueoFullWidth" => from(KANA[0]),
        "iroha" | "irohaFullWidth" => from(KANA[1]),
        "lowerLetter" => letters(n, b'a'),
        "upperLetter" => letters(n, b'A'),
        "lowerRoman" => roman(n).to_lowercase(),
        "upperRoman" => roman(n),
        _ => n.to_string(),
    }
}

/// `n` in kanji as statutes write it: 一, 十, 十九, 二十三, 百五.
fn kanji_number(n: u32) -> String {
    const DIGITS: [&str; 10] = ["〇", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    if n == 0 {
        return DIGITS[0].to_string();
    }
    let mut out = String::new();
    let mut rest = n;
    for (unit, name) in [(1000, "千"), (100, "百"), (10, "十")] {
        let d = rest / unit;
        if d > 0 {
            if d > 1 {
                out.push_str(DIGITS[d as usize % 10]);
            }
            out.push_str(name);
        }
        rest %= unit;
    }
    if rest > 0 {
        out.push_str(DIGITS[rest as usize]);
    }
    out
}

/// a … z, aa … zz, as Word counts past z.
fn letters(n: u32, base: u8) -> String {
    let n = n.max(1) - 1;
    let letter = (base + (n % 26) as u8) as char;
    letter.to_string().repeat(n as usize / 26 + 1)
}

fn roman(mut n: u32) -> String {
    let mut out = String::new();
    for (value, numeral) in [
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ] {
        while n >= value {
            out.push_str(numeral);
            n -= value;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_in_each_format() {
        assert_eq!(kanji_number(19), "十九");
        assert_eq!(kanji_number(123), "百二十三");
        assert_eq!(format_number(3, "decimalFullWidth"), "３");
        assert_eq!(format_number(2, "decimalEnclosedCircle"), "②");
        assert_eq!(format_number(2, "iroha"), "ロ");
        assert_eq!(format_number(3, "aiueoFullWidth"), "ウ");
        assert_eq!(format_number(27, "lowerLetter"), "aa");
        assert_eq!(format_number(4, "upperRoman"), "IV");
    }
}
