//! `joubun check`'s core: what a privacy policy says about each item the APPI requires it to make known.
//!
//! Pure: a document's clauses and the checklist in, one finding per item out. Only clause text and headings
//! are read (never the article type), with the checklist's own cues, so the result does not move when
//! classification does. It reports what the policy says; whether that satisfies the law is a lawyer's call.

pub mod filter;
pub mod render;
pub mod rules;

use std::sync::LazyLock;

use regex::Regex;
use serde::Serialize;

use crate::clause::Clause;
use crate::segment::Level;

use rules::normalize;
pub use rules::{BUILT_IN, Item, Kind, Rules};

/// What a policy says about one item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Every detail the rule needs is there.
    Present,
    /// Mentioned, but without what the law asks.
    Weak,
    /// Nothing about it.
    Missing,
    /// A conditional item whose condition the policy does not state.
    Na,
}

impl Status {
    /// The name used in every output.
    pub fn name(self) -> &'static str {
        match self {
            Status::Present => "present",
            Status::Weak => "weak",
            Status::Missing => "missing",
            Status::Na => "na",
        }
    }
}

/// A clause that says something about an item.
#[derive(Debug, Clone, Serialize)]
pub struct Evidence {
    /// The clause id (for the document's title, the id of its first clause).
    pub id: String,
    /// How a lawyer cites it (`第6条 ¶2`, or `title`).
    pub cite: String,
    /// `path:first-last` lines (`path (title)` for the title).
    pub location: String,
    /// The details it shows (empty for a mere mention).
    pub details: Vec<String>,
}

/// A detail found, the cue that showed it and the clause it is in.
#[derive(Debug, Clone, Serialize)]
pub struct Found {
    /// The detail's name.
    pub detail: String,
    /// The cue, as the checklist writes it.
    pub cue: String,
    /// The clause id.
    pub clause: String,
}

/// The verdict on one item for one document.
#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    /// The item id.
    pub item: String,
    /// Always, conditional or advisory.
    pub kind: Kind,
    /// The status.
    pub status: Status,
    /// Whether this status counts for the exit status (advisory items never do).
    pub counts: bool,
    /// The rule that decided, in words.
    pub rule: String,
    /// The details found.
    pub found: Vec<Found>,
    /// The clauses that say it (those showing details first, in document order).
    pub evidence: Vec<Evidence>,
}

impl Finding {
    /// Whether this finding needs attention: a counted item that is weak or missing.
    pub fn fails(&self) -> bool {
        self.counts && matches!(self.status, Status::Weak | Status::Missing)
    }
}

/// The findings for one document.
#[derive(Debug, Clone, Serialize)]
pub struct DocumentCheck {
    /// The document's path relative to the corpus root.
    pub doc: String,
    /// The company, if known.
    pub company: Option<String>,
    /// The title, if known.
    pub title: Option<String>,
    /// One finding per checklist item, in checklist order.
    pub items: Vec<Finding>,
}

impl DocumentCheck {
    /// Whether any counted item is weak or missing.
    pub fn fails(&self) -> bool {
        self.items.iter().any(Finding::fails)
    }
}

/// How a lawyer cites a clause: its article and its own label. The one place to switch to a `cite` field.
pub fn cite(clause: &Clause) -> String {
    match (clause.article.as_deref(), clause.label.as_deref()) {
        (Some(article), Some(label)) => format!("{article} ¶{label}"),
        (Some(article), None) => article.to_string(),
        (None, Some(label)) => match clause.heading.as_deref() {
            Some(heading) => format!("{heading} ¶{label}"),
            None => format!("¶{label}"),
        },
        (None, None) => clause.heading.clone().unwrap_or_else(|| "-".to_string()),
    }
}

/// Whether a document reads as a privacy policy (title, file name or how much of it is about personal
/// information), so that walking a folder of terms of use and policies checks only the policies.
pub fn is_privacy_policy(clauses: &[Clause]) -> bool {
    const CUES: [&str; 8] = [
        "プライバシー",
        "個人情報",
        "個人データ",
        "privacy",
        "personal information",
        "personal data",
        "cookie",
        "クッキー",
    ];
    let Some(first) = clauses.first() else {
        return false;
    };
    let named = |text: &str| {
        let text = normalize(text);
        CUES.iter().any(|c| text.contains(c))
    };
    if named(first.title.as_deref().unwrap_or("")) || named(&first.doc) {
        return true;
    }
    let about = clauses.iter().filter(|c| named(&c.text)).count();
    about * 3 >= clauses.len() && about > 0
}

/// A clause as the rules see it.
struct Seen<'c> {
    clause: &'c Clause,
    /// This is the document's title, not a clause: it says things (the business's name, often only
    /// there) but introduces no list.
    is_title: bool,
    /// Normalised text.
    text: String,
    /// Normalised heading of its article: as parsed, or else the article's first clause when that reads
    /// as a heading (HTML policies often put 第5条 and its title on separate lines).
    heading: String,
    /// This clause is its article's heading.
    is_heading: bool,
    /// This clause starts an article.
    starts_article: bool,
    /// Short and without a full stop: an entry of a list (「お問い合わせへの回答」).
    list_like: bool,
}

/// Whether a clause reads as a heading or a list entry rather than prose: short, no full stop (「TEL. 03」
/// is not one; an English sentence ends before a capital).
fn reads_as_line(text: &str) -> bool {
    static SENTENCE_END: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"[.!?]\s+[A-Z]").unwrap());
    let text = text.trim();
    text.chars().count() <= 100 && !text.contains('。') && !SENTENCE_END.is_match(text)
}

/// The document's title as a clause of its own, when no clause says it (a title taken from the first
/// line, front matter or `<title>`): the only place many policies name their business.
fn title_clause(clauses: &[Clause]) -> Option<Clause> {
    let first = clauses.first()?;
    let title = first.title.as_deref()?.trim();
    if title.is_empty() || clauses.iter().any(|c| c.text.contains(title)) {
        return None;
    }
    Some(Clause {
        text: title.to_string(),
        article: None,
        label: None,
        heading: None,
        level: Level::Article,
        ..first.clone()
    })
}

impl<'c> Seen<'c> {
    /// The title (see [`title_clause`]) and clauses of one document with their outline as the rules
    /// use it.
    fn all(title: Option<&'c Clause>, clauses: &'c [Clause]) -> Vec<Seen<'c>> {
        let mut seen: Vec<Seen> = Vec::with_capacity(clauses.len() + 1);
        if let Some(title) = title {
            seen.push(Seen {
                clause: title,
                is_title: true,
                text: normalize(&title.text),
                heading: String::new(),
                is_heading: false,
                starts_article: true,
                list_like: false,
            });
        }
        for (i, clause) in clauses.iter().enumerate() {
            let starts_article = i == 0 || {
                let previous = &clauses[i - 1];
                previous.article != clause.article || previous.heading != clause.heading
            };
            let list_like = reads_as_line(&clause.text);
            let text = normalize(&clause.text);
            let (heading, is_heading) = match (&clause.heading, seen.last()) {
                (Some(heading), _) => (normalize(heading), false),
                (None, Some(previous)) if !starts_article => (previous.heading.clone(), false),
                // Only a numbered article's short first line is its title; a preamble has none.
                (None, _) if clause.article.is_some() && list_like => (text.clone(), true),
                (None, _) => (String::new(), false),
            };
            seen.push(Seen {
                clause,
                is_title: false,
                text,
                heading,
                is_heading,
                starts_article,
                list_like,
            });
        }
        seen
    }
}

/// Checks one document's clauses (in document order) against every item of `rules`.
pub fn check(clauses: &[Clause], rules: &Rules) -> DocumentCheck {
    check_only(clauses, rules, &|_| true)
}

/// Checks one document's clauses against the items `wanted` picks, and those their details lean on;
/// the other items are left out of the result (a filter on one item need not judge twelve).
pub fn check_only(
    clauses: &[Clause],
    rules: &Rules,
    wanted: &dyn Fn(&Item) -> bool,
) -> DocumentCheck {
    let title = title_clause(clauses);
    let seen = Seen::all(title.as_ref(), clauses);
    let company = clauses
        .iter()
        .find_map(|c| c.company.as_deref())
        .map(normalize);
    let first = clauses.first();
    DocumentCheck {
        doc: first.map(|c| c.doc.clone()).unwrap_or_default(),
        company: first.and_then(|c| c.company.clone()),
        title: first.and_then(|c| c.title.clone()),
        items: check_items(&seen, rules, company.as_deref(), wanted),
    }
}

/// The items `wanted` picks and those they lean on, those a detail leans on (`with`) first; returned in
/// checklist order.
fn check_items(
    seen: &[Seen],
    rules: &Rules,
    company: Option<&str>,
    wanted: &dyn Fn(&Item) -> bool,
) -> Vec<Finding> {
    let needed = |item: &Item| {
        wanted(item)
            || rules.items.iter().any(|other| {
                wanted(other)
                    && other
                        .details
                        .iter()
                        .any(|d| d.with.as_deref() == Some(item.id.as_str()))
            })
    };
    let mut findings: Vec<Option<Finding>> = vec![None; rules.items.len()];
    for dependent in [false, true] {
        for (i, item) in rules.items.iter().enumerate() {
            if item.depends() == dependent && needed(item) {
                let present = |id: &str| {
                    findings
                        .iter()
                        .flatten()
                        .any(|f| f.item == id && f.status == Status::Present)
                };
                findings[i] = Some(check_item(seen, item, company, &present));
            }
        }
    }
    findings.into_iter().flatten().collect()
}

fn check_item(
    seen: &[Seen],
    item: &Item,
    company: Option<&str>,
    present_item: &dyn Fn(&str) -> bool,
) -> Finding {
    let texts: Vec<String> = seen
        .iter()
        .map(|s| {
            if item.ignore.is_empty() {
                s.text.clone()
            } else {
                item.ignore.remove_from(&s.text)
            }
        })
        .collect();
    let finding =
        |status: Status, rule: String, found: Vec<Found>, evidence: Vec<Evidence>| Finding {
            item: item.id.clone(),
            kind: item.kind,
            status,
            counts: item.kind != Kind::Advisory,
            rule,
            found,
            evidence,
        };

    // A conditional item applies only when some sentence states its condition.
    let mut triggered = Vec::new();
    if item.kind == Kind::Conditional {
        for (i, text) in texts.iter().enumerate() {
            let stated = sentences(text).find_map(|sentence| {
                let cue = item.trigger.find(sentence, company)?;
                item.not_trigger
                    .find(sentence, company)
                    .is_none()
                    .then_some(cue)
            });
            if let Some(cue) = stated {
                triggered.push((i, cue.to_string()));
            }
        }
        if triggered.is_empty() {
            return finding(
                Status::Na,
                format!("no clause states the condition{}", examples(&item.trigger)),
                Vec::new(),
                Vec::new(),
            );
        }
    }

    let about = about_item(seen, &texts, item, company, &triggered);
    if about.is_empty() {
        let rule = if item.topic.is_empty() {
            "no clause shows any of its details".to_string()
        } else {
            format!("no clause is about it{}", examples(&item.topic))
        };
        return finding(Status::Missing, rule, Vec::new(), Vec::new());
    }

    // Each detail is credited to the clause about the item that shows the most details (the first of
    // those), so the evidence is the clause that says it rather than a passing mention earlier on; the
    // title only when no clause says it.
    let mut about = about;
    about.sort_by_cached_key(|&i| {
        let shown = item
            .details
            .iter()
            .filter(|d| d.cues.find(&texts[i], company).is_some())
            .count();
        (std::cmp::Reverse(shown), seen[i].is_title)
    });
    let mut found: Vec<(usize, Found)> = Vec::new();
    for detail in &item.details {
        // Details of the same name are alternatives.
        if found.iter().any(|(_, f)| f.detail == detail.name)
            || detail
                .with
                .as_deref()
                .is_some_and(|other| !present_item(other))
        {
            continue;
        }
        if let Some((i, cue)) = about
            .iter()
            .find_map(|&i| detail.cues.find(&texts[i], company).map(|cue| (i, cue)))
        {
            found.push((
                i,
                Found {
                    detail: detail.name.clone(),
                    cue: cue.to_string(),
                    clause: seen[i].clause.id.clone(),
                },
            ));
        }
    }
    let names: Vec<&str> = found.iter().map(|(_, f)| f.detail.as_str()).collect();
    let mut all_names: Vec<&str> = item.details.iter().map(|d| d.name.as_str()).collect();
    all_names.dedup();
    let lacking: Vec<&str> = item
        .require
        .iter()
        .map(String::as_str)
        .filter(|r| !names.contains(r))
        .collect();
    let present = names.len() >= item.present_min && lacking.is_empty();
    let shown = if names.is_empty() {
        "none".to_string()
    } else {
        names.join(", ")
    };
    let mut rule = format!(
        "{} of {} details ({shown}); present needs {}",
        names.len(),
        all_names.len(),
        item.present_min
    );
    if !item.require.is_empty() {
        rule.push_str(&format!(" including {}", item.require.join(", ")));
    }
    if let Some((_, cue)) = triggered.first() {
        rule = format!("stated ({cue}); {rule}");
    }

    // Evidence: the clauses showing details; a mere mention only when nothing better says it.
    let mut evidence_at: Vec<usize> = found.iter().map(|(i, _)| *i).collect();
    if evidence_at.is_empty() {
        evidence_at.extend(triggered.iter().map(|(i, _)| *i));
        evidence_at.extend(about.iter().take(3));
    }
    evidence_at.sort_unstable();
    evidence_at.dedup();
    let evidence = evidence_at
        .into_iter()
        .map(|i| {
            let c = seen[i].clause;
            let (cite, location) = match seen[i].is_title {
                true => ("title".to_string(), format!("{} (title)", c.doc)),
                false => (
                    cite(c),
                    format!("{}:{}-{}", c.doc, c.line_start, c.line_end),
                ),
            };
            Evidence {
                id: c.id.clone(),
                cite,
                location,
                details: found
                    .iter()
                    .filter(|(at, _)| *at == i)
                    .map(|(_, f)| f.detail.clone())
                    .collect(),
            }
        })
        .collect();
    let status = if present {
        Status::Present
    } else {
        Status::Weak
    };
    finding(
        status,
        rule,
        found.into_iter().map(|(_, f)| f).collect(),
        evidence,
    )
}

/// How many clauses a list introduced by a clause about an item may run to.
const LIST_MAX: usize = 40;

/// The clauses about an item, in document order: those with a topic cue, every clause of an article whose
/// heading has a heading cue, the list a clause about the item introduces (its items, or the short lines
/// after it, 「次の目的で利用します。」 then one purpose a line), and the clauses that state its condition.
fn about_item(
    seen: &[Seen],
    texts: &[String],
    item: &Item,
    company: Option<&str>,
    triggered: &[(usize, String)],
) -> Vec<usize> {
    let mut about = vec![false; seen.len()];
    // Clauses left in the list being carried along, if any.
    let mut carrying = 0;
    for (i, s) in seen.iter().enumerate() {
        let text = &texts[i];
        let is_item = s.clause.level == Level::Item;
        // A new article ends a list unless it goes on with list lines under its own heading (a hospital's
        // purposes grouped under 医療提供, 診療費請求のための事務, …).
        if carrying > 0 && (s.is_heading || !(is_item || s.list_like)) {
            carrying = 0;
        }
        if item.exclude.find(text, company).is_some() {
            continue;
        }
        let shown = || {
            let mut names: Vec<&str> = item
                .details
                .iter()
                .filter(|d| d.cues.find(text, company).is_some())
                .map(|d| d.name.as_str())
                .collect();
            names.dedup();
            names.len()
        };
        let by_text = if item.topic.is_empty() {
            shown() > 0
        } else {
            item.topic.find(text, company).is_some()
                || (item.detail_topic_min > 0 && shown() >= item.detail_topic_min)
        };
        let by_heading = item.heading.find(&s.heading, company).is_some();
        if carrying > 0 {
            about[i] = true;
            carrying -= 1;
        }
        if by_text || by_heading {
            about[i] = true;
        }
        // What introduces a list: prose about the item, or a heading about it standing alone.
        let heading_alone = by_heading && (s.is_heading || (s.starts_article && s.list_like));
        if ((by_text && !is_item) || heading_alone) && !s.is_title {
            carrying = LIST_MAX;
        }
    }
    for (i, _) in triggered {
        about[*i] = true;
    }
    about
        .iter()
        .enumerate()
        .filter(|(_, a)| **a)
        .map(|(i, _)| i)
        .collect()
}

/// A few of the phrases among `cues`, for a rule in words (patterns are left to `--explain`).
fn examples(cues: &rules::Cues) -> String {
    let phrases: Vec<&str> = cues
        .written()
        .filter(|c| !c.starts_with("re:"))
        .take(3)
        .collect();
    if phrases.is_empty() {
        String::new()
    } else {
        format!(" ({} …)", phrases.join(" / "))
    }
}

/// The sentences of normalised text: split at 。, line ends and an English full stop.
fn sentences(text: &str) -> impl Iterator<Item = &str> {
    text.split(['。', '\n', '!', '?'])
        .flat_map(|s| s.split(". "))
        .filter(|s| !s.trim().is_empty())
}
