//! The second pass: classified lines assembled into the clause tree, article by article, each clause
//! with its label, id part and citation.

use std::mem::take;

use super::line::{Kind, Line, Style, ends_sentence};
use super::numbering::{self, CiteStyle, Marker, Open, id_part, number_label};
use super::outline::{followed_by_body, number_dot_heading};
use super::{ArticleRef, Level, Segment};

/// Particles a Japanese line ends on only when its sentence goes on.
const PARTICLES: [char; 11] = [
    'は', 'を', 'に', 'が', 'の', 'と', 'で', 'も', 'へ', 'や', 'て',
];

/// How deep a division title stands: 編 above 章 above 節 above 款 above 目; the supplementary
/// provisions (附則) stand beside the chapters, closing them all.
fn division_rank(title: &str, supplementary: bool) -> u8 {
    if supplementary {
        return 1;
    }
    // The kind follows the number: 第四章, 第2節, 第十一款.
    let kind = title
        .chars()
        .skip(1)
        .take(8)
        .find(|c| "編章節款目".contains(*c));
    match kind {
        Some('編') => 0,
        Some('章') | None => 1,
        Some('節') => 2,
        Some('款') => 3,
        _ => 4,
    }
}

/// Assembles classified lines into segments.
pub struct Builder {
    style: Option<Style>,
    article: Option<ArticleRef>,
    /// How the current article is cited (`第12条`, `3`, `§2`); empty for the preamble.
    article_cite: String,
    cite_style: CiteStyle,
    articles_seen: usize,
    /// The last 第N条 number seen, to number an article whose number the text lost.
    last_jo: usize,
    /// Open list levels, outermost first.
    stack: Vec<Open>,
    /// The number of the article's last paragraph (項).
    paragraphs: usize,
    /// The current article's segments.
    segments: Vec<Segment>,
    /// Finished articles, waiting to be handed on.
    pub ready: Vec<Vec<Segment>>,
    article_has_body: bool,
    heading_line: usize,
    /// The last segment may absorb following text lines (a short numbered heading with its body).
    open_heading: bool,
    /// Whether the last numbered heading took the text below it: its next sibling may too.
    heading_run: bool,
    /// A statute caption waiting for its article.
    caption: Option<String>,
    /// Whether a chapter title has been seen: captions below it belong to articles.
    chapters: bool,
    /// The open chapter, section… titles, with their rank (編 0, 章 1, 節 2, 款 3, 目 4), outermost first.
    divisions: Vec<(u8, String)>,
    /// Inside supplementary provisions, whose articles restart at 第1条: how they are cited (`附則`, or
    /// for an amendment's `附則（平成一五年五月三〇日法律第六一号）`, so that each amendment's 第1条 has its own).
    supplementary: Option<String>,
}

impl Builder {
    /// A builder for a document whose article style is `style`.
    pub fn new(style: Option<Style>) -> Builder {
        Builder {
            style,
            article: None,
            article_cite: String::new(),
            cite_style: CiteStyle::Section,
            articles_seen: 0,
            last_jo: 0,
            stack: Vec::new(),
            paragraphs: 0,
            segments: Vec::new(),
            ready: Vec::new(),
            article_has_body: true,
            heading_line: 0,
            open_heading: false,
            heading_run: false,
            caption: None,
            chapters: false,
            divisions: Vec::new(),
            supplementary: None,
        }
    }

    /// Takes the next line; `next` is the line after it, for decisions that look ahead.
    pub fn push(&mut self, mut line: Line, next: Option<&Line>) {
        let unheaded_break = line.blanks_before >= 2
            && matches!(self.style, None | Some(Style::TitleLine))
            && self.article.is_some()
            && !matches!(line.kind, Kind::Article { .. });
        if unheaded_break {
            // Two blank lines in a document without numbered articles end a section whose heading the
            // page lost; what follows is a section of its own.
            self.start_article(None, None, None, line.number);
        }
        if self.style == Some(Style::NumberDot)
            && let Some((number, heading)) = number_dot_heading(&line, next)
        {
            self.start_article(
                Some(number.to_string()),
                Some(number.to_string()),
                Some(heading.to_string()),
                line.number,
            );
            return;
        }
        let jo = self.style == Some(Style::Jo);
        match &line.kind {
            Kind::Chapter {
                supplementary,
                title,
            } if jo => {
                // A chapter title is context for the articles below it, never a clause.
                self.close_article();
                self.article = None;
                self.article_cite = String::new();
                self.stack.clear();
                self.paragraphs = 0;
                self.caption = None;
                self.article_has_body = true;
                self.chapters = true;
                let rank = division_rank(title, *supplementary);
                self.divisions.retain(|(r, _)| *r < rank);
                self.divisions.push((rank, title.clone()));
                if *supplementary {
                    let cite: String = title.split_whitespace().collect();
                    // 抄 marks an excerpt of the provisions, not part of their name.
                    let cite = cite.trim_end_matches('抄').to_string();
                    self.article_cite = cite.clone();
                    self.supplementary = Some(cite);
                    self.cite_style = CiteStyle::Section;
                }
            }
            Kind::Caption(caption) if jo => {
                let article_follows = next.is_some_and(|n| {
                    matches!(
                        n.kind,
                        Kind::Article {
                            style: Style::Jo,
                            ..
                        }
                    )
                });
                if article_follows {
                    self.caption = Some(caption.clone());
                } else if self.last_jo > 0 || self.chapters {
                    // A caption over text with no 第N条 line (a lost article number): the article after
                    // the last one, as the caption form requires.
                    let number = (self.last_jo + 1).to_string();
                    self.start_jo(&number, Some(caption.clone()), line.number);
                } else {
                    self.paragraph(Marker::Plain, None, take(&mut line.text), &line);
                }
            }
            Kind::Article {
                style,
                number,
                heading,
                body,
            } if Some(*style) == self.style
                && (*style != Style::TitleLine || followed_by_body(next)) =>
            {
                if *style == Style::Jo {
                    let heading = heading.clone().or_else(|| self.caption.take());
                    self.start_jo(number.as_deref().unwrap_or(""), heading, line.number);
                } else {
                    self.start_article(
                        number.clone(),
                        number.clone(),
                        heading.clone(),
                        line.number,
                    );
                }
                if !body.is_empty() {
                    self.paragraph(Marker::Plain, None, body.clone(), &line);
                }
            }
            Kind::Article {
                style: Style::MarkdownPlain,
                heading,
                ..
            } => {
                // An unnumbered Markdown heading between numbered articles (a translation's title) is a
                // section boundary, not text of the article before it.
                self.start_article(None, None, heading.clone(), line.number);
            }
            Kind::Article {
                style: Style::NumberSpace,
                number,
                ..
            } => {
                self.paragraph(Marker::Decimal, number.clone(), take(&mut line.text), &line);
            }
            Kind::Marked {
                marker,
                number,
                label,
                body,
            } => {
                self.paragraph(*marker, number.clone(), take(&mut line.text), &line);
                // A marker alone on its line (`1 項.`), or a ■ label over its value (■代表者 / 沈海寅),
                // heads the lines below it.
                let label_bullet = *marker == Marker::Bullet
                    && ["■", "□", "◆", "◇", "●"].contains(&label.as_str())
                    && body.chars().count() <= 20
                    && !ends_sentence(body);
                self.open_heading |= body.is_empty() || label_bullet;
            }
            _ => {
                if self.open_heading && line.blanks_before <= 1 {
                    self.extend_last(&line.text, &line);
                    self.heading_run = true;
                } else if self.continues_wrapped_line(&line) {
                    self.extend_last(&line.text, &line);
                } else {
                    self.paragraph(Marker::Plain, None, take(&mut line.text), &line);
                }
            }
        }
    }

    /// A soft-wrapped line: the line above stops mid-sentence, with nothing between them.
    fn continues_wrapped_line(&self, line: &Line) -> bool {
        let Some(last) = self.segments.last() else {
            return false;
        };
        line.blanks_before == 0
            && last.line_end + 1 == line.number
            && last.text.lines().last().is_some_and(|l| {
                // Stopped on a comma or a particle, or a long English line running on in lowercase:
                // a scraped list without bullets (short noun phrases) is never joined.
                l.ends_with(['、', ',', '，'])
                    || (l.chars().count() >= 15 && l.ends_with(PARTICLES))
                    || (l.chars().count() >= 40
                        && !ends_sentence(l)
                        && line.text.starts_with(|c: char| c.is_lowercase()))
            })
    }

    /// Starts article 第`number`条 (`12の2` is 第12条の2).
    fn start_jo(&mut self, number: &str, heading: Option<String>, line: usize) {
        let (main, sub) = number.split_once('の').unwrap_or((number, ""));
        if let Ok(n) = main.parse::<usize>() {
            self.last_jo = n;
        }
        let sub = if sub.is_empty() {
            String::new()
        } else {
            format!("の{sub}")
        };
        let label = format!("第{main}条{sub}");
        self.start_article(Some(number.to_string()), Some(label.clone()), heading, line);
        self.cite_style = CiteStyle::Jo;
        self.article_cite = match &self.supplementary {
            Some(provisions) => format!("{provisions}{label}"),
            None => label,
        };
    }

    fn start_article(
        &mut self,
        number: Option<String>,
        label: Option<String>,
        heading: Option<String>,
        line: usize,
    ) {
        self.close_article();
        self.articles_seen += 1;
        self.article_cite = match &number {
            Some(n) => n.clone(),
            None => format!("§{}", self.articles_seen),
        };
        self.cite_style = CiteStyle::Section;
        let key = number.unwrap_or_else(|| format!("s{}", self.articles_seen));
        let chapter = (!self.divisions.is_empty()).then(|| {
            let titles: Vec<&str> = self.divisions.iter().map(|(_, t)| t.as_str()).collect();
            titles.join(" / ")
        });
        self.article = Some(ArticleRef {
            label,
            heading,
            key,
            chapter,
        });
        self.stack.clear();
        self.paragraphs = 0;
        self.article_has_body = false;
        self.heading_line = line;
        self.open_heading = false;
        self.caption = None;
    }

    /// An article with a heading and no body is one clause of its heading.
    fn close_article(&mut self) {
        // An unnumbered paragraph beside numbered ones (Live2D's intro before 2.1, 2.2) would share
        // their id part; it becomes `p1`.
        let numbered: Vec<String> = self
            .segments
            .iter()
            .filter(|s| s.level == Level::Paragraph && !s.plain)
            .map(|s| s.key.clone())
            .collect();
        for segment in &mut self.segments {
            if segment.plain && numbered.contains(&segment.key) {
                segment.key.insert(0, 'p');
            }
        }
        if !self.article_has_body
            && let Some(article) = &self.article
        {
            let text = [article.label.clone(), article.heading.clone()]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" ");
            self.segments.push(Segment {
                article: Some(article.clone()),
                label: None,
                key: String::new(),
                cite: self.article_cite.clone(),
                plain: false,
                level: Level::Article,
                line_start: self.heading_line,
                line_end: self.heading_line,
                text,
            });
        }
        self.article_has_body = true;
        if !self.segments.is_empty() {
            self.ready.push(std::mem::take(&mut self.segments));
        }
    }

    /// Opens a clause of `text`, the line's own (taken, not copied: a line can be a whole document).
    fn paragraph(&mut self, marker: Marker, number: Option<String>, text: String, line: &Line) {
        let depth = numbering::depth(
            marker,
            number.as_deref(),
            line.indent,
            &self.stack,
            self.paragraphs,
        );
        let mut number = number;
        // Markdown numbers a list `1. 1. 1.` and means 1, 2, 3: counted by position.
        if marker == Marker::Decimal
            && number.as_deref() == Some("1")
            && let Some(sibling) = self.stack.get(depth).filter(|o| o.marker == marker)
            && let Some(n) = sibling
                .label
                .rsplit('-')
                .next()
                .and_then(|l| l.parse::<usize>().ok())
        {
            number = Some((n + 1).to_string());
        }
        self.stack.truncate(depth);
        let numeric = number
            .as_deref()
            .and_then(|n| n.split('の').next())
            .and_then(|n| n.parse::<usize>().ok());
        let ordinal = match self.stack.last_mut() {
            None => {
                self.paragraphs = numeric
                    .filter(|_| marker != Marker::Dotted)
                    .unwrap_or(self.paragraphs + 1);
                self.paragraphs
            }
            Some(parent) => {
                parent.children = numeric.unwrap_or(parent.children + 1);
                parent.children
            }
        };
        let own_label = match marker {
            Marker::Plain | Marker::Bullet => ordinal.to_string(),
            _ => number_label(marker, number.as_deref()),
        };
        let (parent_label, parent_key, parent_cite) = match self.stack.last() {
            Some(o) => (o.label.clone(), o.key.clone(), o.cite.clone()),
            None => (String::new(), String::new(), self.article_cite.clone()),
        };
        let (label, key) = if marker == Marker::Dotted {
            // The number is already a full path; drop the article's own number from the id part.
            let full = number.clone().unwrap_or_default();
            let article_key = self.article.as_ref().map_or("", |a| a.key.as_str());
            let key = full
                .strip_prefix(&format!("{article_key}."))
                .unwrap_or(&full)
                .to_string();
            (full, key)
        } else {
            let label = if parent_label.is_empty() {
                own_label.clone()
            } else {
                format!("{parent_label}-{own_label}")
            };
            let part = match marker {
                Marker::Plain | Marker::Bullet => ordinal.to_string(),
                _ => id_part(number.as_deref().unwrap_or(&own_label)),
            };
            let key = if parent_key.is_empty() {
                part
            } else {
                format!("{parent_key}.{part}")
            };
            (label, key)
        };
        let cite_style = if self.article.is_some() {
            self.cite_style
        } else {
            CiteStyle::Section
        };
        let cite = numbering::cite(
            cite_style,
            &parent_cite,
            depth,
            marker,
            number.as_deref(),
            ordinal,
            &own_label,
        );
        self.stack.push(Open {
            marker,
            // Only list markers nest by indentation; an indented sentence is still a paragraph.
            indent: if matches!(marker, Marker::Plain | Marker::Kou) {
                0
            } else {
                line.indent
            },
            label: label.clone(),
            key: key.clone(),
            cite: cite.clone(),
            children: 0,
        });
        self.article_has_body = true;
        // A short numbered line with no sentence ("6.2.1 Google Inc.", "1. 規律の整備") heads the lines
        // below it: a section number always, a list number when it opens its list or its sibling did the
        // same (so the paragraph after a list of short items stays a paragraph).
        let heading_like = text.chars().count() <= 40
            && !text.contains('。')
            && !matches!(marker, Marker::Plain | Marker::Bullet | Marker::Kou);
        self.open_heading =
            heading_like && (marker == Marker::Dotted || ordinal == 1 || self.heading_run);
        self.heading_run = false;
        self.segments.push(Segment {
            article: self.article.clone(),
            label: Some(label),
            key,
            cite,
            plain: marker == Marker::Plain,
            level: if depth == 0 {
                Level::Paragraph
            } else {
                Level::Item
            },
            line_start: line.number,
            line_end: line.last,
            text,
        });
    }

    fn extend_last(&mut self, text: &str, line: &Line) {
        if let Some(last) = self.segments.last_mut() {
            last.text.push('\n');
            last.text.push_str(text);
            last.line_end = line.last;
        }
    }

    /// Ends the document.
    pub fn finish(&mut self) {
        self.close_article();
    }
}
