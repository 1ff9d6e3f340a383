//! The checklist as data: `src/rules/check.toml` read once into items whose cues are ready to match.

use std::sync::LazyLock;

use regex::Regex;
use serde::{Deserialize, Serialize};
use unicode_normalization::UnicodeNormalization;

/// Whether an item always applies, applies only when its condition is stated, or is only advised.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// Every privacy policy must say it.
    Always,
    /// Only a policy that states the condition (opt-out, joint use, …) must say it; otherwise `na`.
    Conditional,
    /// Reported, never counted for the exit status.
    Advisory,
}

impl Kind {
    /// The name used in the data file and the outputs.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Always => "always",
            Kind::Conditional => "conditional",
            Kind::Advisory => "advisory",
        }
    }
}

/// One cue: a phrase, a regular expression, or the document's company.
#[derive(Debug)]
enum Matcher {
    Phrase(String),
    Pattern(Regex),
    Company,
}

/// A list of cues, each kept as written (for `--explain`) beside its matcher.
#[derive(Debug, Default)]
pub struct Cues(Vec<(String, Matcher)>);

impl Cues {
    fn compile(item: &str, field: &str, written: Vec<String>) -> Result<Cues, String> {
        let mut cues = Vec::with_capacity(written.len());
        for cue in written {
            let matcher = if cue == "{company}" {
                Matcher::Company
            } else if let Some(pattern) = cue.strip_prefix("re:") {
                Matcher::Pattern(
                    Regex::new(pattern)
                        .map_err(|e| format!("item {item}, {field}: bad pattern {cue:?}: {e}"))?,
                )
            } else if cue.trim().is_empty() {
                return Err(format!("item {item}, {field}: an empty cue"));
            } else {
                Matcher::Phrase(normalize(&cue))
            };
            cues.push((cue, matcher));
        }
        Ok(Cues(cues))
    }

    /// The first cue (as written) found in `text`, which must be [`normalize`]d; `company` is the
    /// document's company, normalised, if known.
    pub fn find(&self, text: &str, company: Option<&str>) -> Option<&str> {
        self.0
            .iter()
            .find(|(_, matcher)| match matcher {
                Matcher::Phrase(phrase) => text.contains(phrase.as_str()),
                Matcher::Pattern(regex) => regex.is_match(text),
                Matcher::Company => company.is_some_and(|c| !c.is_empty() && text.contains(c)),
            })
            .map(|(written, _)| written.as_str())
    }

    /// `text` with every match of these cues blanked out.
    pub fn remove_from(&self, text: &str) -> String {
        let mut text = text.to_string();
        for (_, matcher) in &self.0 {
            text = match matcher {
                Matcher::Phrase(phrase) => text.replace(phrase.as_str(), " "),
                Matcher::Pattern(regex) => regex.replace_all(&text, " ").into_owned(),
                Matcher::Company => text,
            };
        }
        text
    }

    /// Whether there are no cues.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The cues as written.
    pub fn written(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(|(w, _)| w.as_str())
    }
}

/// Text as cues are matched against it: NFKC (full-width letters and digits made half-width), lower case.
pub fn normalize(text: &str) -> String {
    text.nfkc().collect::<String>().to_lowercase()
}

/// Something the law asks the policy to say about an item, and the cues that show it is said.
#[derive(Debug)]
pub struct Detail {
    /// Short name (`technical`, `country`).
    pub name: String,
    /// Cues that show it.
    pub cues: Cues,
    /// Another item that must be present in the document for these cues to count (a request procedure
    /// that only says "ask our desk" shows how to ask only where the policy says how to reach the desk).
    pub with: Option<String>,
}

/// One checklist item and the rules that decide its status.
#[derive(Debug)]
pub struct Item {
    /// Stable id (`security`), used by filters and in every output.
    pub id: String,
    /// The item's name in Japanese.
    pub name: String,
    /// The item's name in English.
    pub name_en: String,
    /// Other names a filter may use (`security-measures`, 安全管理措置).
    pub aliases: Vec<String>,
    /// The provisions that ask for it.
    pub basis: String,
    /// Always, conditional or advisory.
    pub kind: Kind,
    /// A clause with one of these is about the item.
    pub topic: Cues,
    /// In an article's heading, these make every clause of the article about the item.
    pub heading: Cues,
    /// A clause showing this many details is about the item even without a topic cue (0: never).
    pub detail_topic_min: usize,
    /// A clause with one of these is not about the item.
    pub exclude: Cues,
    /// Phrases removed from the text before matching.
    pub ignore: Cues,
    /// A conditional item applies when a sentence has one of these ...
    pub trigger: Cues,
    /// ... unless the same sentence has one of these.
    pub not_trigger: Cues,
    /// How many details make the item present.
    pub present_min: usize,
    /// Details that must be among them.
    pub require: Vec<String>,
    /// What the law asks the policy to say.
    pub details: Vec<Detail>,
}

impl Item {
    /// Whether a detail of this item leans on another item's status.
    pub fn depends(&self) -> bool {
        self.details.iter().any(|d| d.with.is_some())
    }
}

/// An item as the data file writes it.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ItemSpec {
    id: String,
    name: String,
    name_en: String,
    #[serde(default)]
    aliases: Vec<String>,
    basis: String,
    kind: Kind,
    #[serde(default)]
    topic: Vec<String>,
    #[serde(default)]
    heading: Vec<String>,
    #[serde(default)]
    detail_topic_min: usize,
    #[serde(default)]
    exclude: Vec<String>,
    #[serde(default)]
    ignore: Vec<String>,
    #[serde(default)]
    trigger: Vec<String>,
    #[serde(default)]
    not_trigger: Vec<String>,
    present_min: usize,
    #[serde(default)]
    require: Vec<String>,
    detail: Vec<DetailSpec>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DetailSpec {
    name: String,
    cues: Vec<String>,
    with: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RulesSpec {
    item: Vec<ItemSpec>,
}

/// The whole checklist, in the order the data file lists it.
#[derive(Debug)]
pub struct Rules {
    /// The items.
    pub items: Vec<Item>,
}

/// The checklist shipped with joubun (`src/rules/check.toml`).
pub static BUILT_IN: LazyLock<Rules> = LazyLock::new(|| {
    Rules::from_toml(include_str!("../rules/check.toml")).expect("src/rules/check.toml is valid")
});

impl Rules {
    /// Reads a checklist in the format of `src/rules/check.toml`; the error names the item and cue at fault.
    pub fn from_toml(text: &str) -> Result<Rules, String> {
        let spec: RulesSpec = toml::from_str(text).map_err(|e| e.to_string())?;
        let mut items: Vec<Item> = Vec::with_capacity(spec.item.len());
        for item in spec.item {
            let id = item.id.clone();
            if items.iter().any(|i| i.id == id) {
                return Err(format!("item {id} is listed twice"));
            }
            let details = item
                .detail
                .into_iter()
                .map(|d| {
                    let cues = Cues::compile(&id, &format!("detail {}", d.name), d.cues)?;
                    Ok(Detail {
                        name: d.name,
                        cues,
                        with: d.with,
                    })
                })
                .collect::<Result<Vec<_>, String>>()?;
            for name in &item.require {
                if !details.iter().any(|d| &d.name == name) {
                    return Err(format!("item {id}: require names no detail {name:?}"));
                }
            }
            let mut names: Vec<&str> = details.iter().map(|d| d.name.as_str()).collect();
            names.dedup();
            if item.present_min == 0 || item.present_min > names.len() {
                return Err(format!(
                    "item {id}: present_min must be between 1 and its {} details",
                    names.len()
                ));
            }
            if (item.kind == Kind::Conditional) == item.trigger.is_empty() {
                return Err(format!(
                    "item {id}: a conditional item needs a trigger, and only a conditional item has one"
                ));
            }
            items.push(Item {
                topic: Cues::compile(&id, "topic", item.topic)?,
                heading: Cues::compile(&id, "heading", item.heading)?,
                detail_topic_min: item.detail_topic_min,
                exclude: Cues::compile(&id, "exclude", item.exclude)?,
                ignore: Cues::compile(&id, "ignore", item.ignore)?,
                trigger: Cues::compile(&id, "trigger", item.trigger)?,
                not_trigger: Cues::compile(&id, "not_trigger", item.not_trigger)?,
                id,
                name: item.name,
                name_en: item.name_en,
                aliases: item.aliases,
                basis: item.basis,
                kind: item.kind,
                present_min: item.present_min,
                require: item.require,
                details,
            });
        }
        // A filter names an item by any of its names: one name, one item.
        let mut names: Vec<(String, &str)> = Vec::new();
        for item in &items {
            for name in [&item.id, &item.name].into_iter().chain(&item.aliases) {
                let name = normalize(name);
                match names.iter().find(|(n, _)| *n == name) {
                    Some((_, other)) if *other != item.id => {
                        return Err(format!(
                            "items {other} and {} are both named {name:?}",
                            item.id
                        ));
                    }
                    Some(_) => {}
                    None => names.push((name, &item.id)),
                }
            }
        }
        // A detail may lean on another item, which must not lean on any itself.
        for item in &items {
            for other in item.details.iter().filter_map(|d| d.with.as_deref()) {
                match items.iter().find(|i| i.id == other) {
                    Some(o) if !o.depends() && o.id != item.id => {}
                    Some(_) => {
                        return Err(format!(
                            "item {}: with = {other:?} may not itself use with",
                            item.id
                        ));
                    }
                    None => return Err(format!("item {}: with names no item {other:?}", item.id)),
                }
            }
        }
        Ok(Rules { items })
    }

    /// The item with this id.
    pub fn item(&self, id: &str) -> Option<&Item> {
        self.items.iter().find(|i| i.id == id)
    }

    /// The item a user names by its id, its Japanese name or an alias (width and case aside); an
    /// unknown name is an error listing the nearest names and every id.
    pub fn named(&self, name: &str) -> Result<&Item, String> {
        let wanted = normalize(name.trim());
        let names = |item: &'_ Item| -> Vec<String> {
            [&item.id, &item.name]
                .into_iter()
                .chain(&item.aliases)
                .map(|n| normalize(n))
                .collect()
        };
        if let Some(item) = self.items.iter().find(|i| names(i).contains(&wanted)) {
            return Ok(item);
        }
        let mut near: Vec<(usize, &str)> = self
            .items
            .iter()
            .flat_map(|i| {
                let wanted = &wanted;
                names(i)
                    .into_iter()
                    .map(move |n| (crate::suggest::closeness(wanted, &n), i.id.as_str()))
            })
            .collect();
        near.sort();
        let mut nearest: Vec<&str> = Vec::new();
        for (_, id) in near {
            if !nearest.contains(&id) && nearest.len() < 3 {
                nearest.push(id);
            }
        }
        let ids: Vec<&str> = self.items.iter().map(|i| i.id.as_str()).collect();
        Err(format!(
            "no check item {name:?}; did you mean {}? (items: {})",
            nearest.join(", "),
            ids.join(", ")
        ))
    }
}
