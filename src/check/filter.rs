//! Choosing documents by what `check` finds in them: `--missing security` keeps the privacy policies
//! that say nothing about their security measures, for `search`, `facets`, `export` and `check` alike.
//!
//! Only privacy policies are checked, so a document that is not one (terms of use, a statute) passes no
//! check filter: it is neither missing nor presenting anything the APPI asks a policy to publish.

use super::{DocumentCheck, Rules, Status, check_only, is_privacy_policy};
use crate::clause::Clause;

/// Statuses wanted of items: the items named for one status are alternatives (`--missing a --missing
/// b`: either missing), the statuses all hold (`--missing a --weak b`: both).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckFilter {
    wanted: Vec<(Status, Vec<String>)>,
}

impl CheckFilter {
    /// The filter the flags ask for, items named by id, Japanese name or alias; `None` when no flag is
    /// given. An unknown item is an error naming the nearest ones.
    pub fn new(
        rules: &Rules,
        missing: &[String],
        weak: &[String],
        present: &[String],
    ) -> Result<Option<CheckFilter>, String> {
        let mut wanted = Vec::new();
        for (status, names) in [
            (Status::Missing, missing),
            (Status::Weak, weak),
            (Status::Present, present),
        ] {
            if names.is_empty() {
                continue;
            }
            let mut ids: Vec<String> = Vec::new();
            for name in names {
                let id = &rules.named(name)?.id;
                if !ids.contains(id) {
                    ids.push(id.clone());
                }
            }
            wanted.push((status, ids));
        }
        Ok((!wanted.is_empty()).then_some(CheckFilter { wanted }))
    }

    /// Whether a document, all its clauses in document order, passes: it reads as a privacy policy and
    /// each status asked for holds of one of its items.
    pub fn keeps(&self, clauses: &[Clause], rules: &Rules) -> bool {
        if !is_privacy_policy(clauses) {
            return false;
        }
        let asked = |id: &str| {
            self.wanted
                .iter()
                .any(|(_, ids)| ids.iter().any(|i| i == id))
        };
        self.keeps_check(&check_only(clauses, rules, &|item| asked(&item.id)))
    }

    /// Whether a document's findings pass (the document already known to be a privacy policy).
    pub fn keeps_check(&self, check: &DocumentCheck) -> bool {
        self.wanted.iter().all(|(status, ids)| {
            check
                .items
                .iter()
                .any(|f| f.status == *status && ids.contains(&f.item))
        })
    }

    /// The filter in words, as the flags would write it (`--missing security or retention`).
    pub fn describe(&self) -> String {
        let parts: Vec<String> = self
            .wanted
            .iter()
            .map(|(status, ids)| format!("--{} {}", status.name(), ids.join(" or ")))
            .collect();
        parts.join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::CheckFilter;
    use crate::check::BUILT_IN;

    fn names(values: &[&str]) -> Vec<String> {
        values.iter().map(|v| v.to_string()).collect()
    }

    #[test]
    fn items_are_named_by_id_japanese_name_or_alias() {
        let by = |name: &str| {
            CheckFilter::new(&BUILT_IN, &names(&[name]), &[], &[])
                .unwrap()
                .unwrap()
                .describe()
        };
        assert_eq!(by("security"), "--missing security");
        assert_eq!(by("Security-Measures"), "--missing security");
        assert_eq!(by("安全管理措置"), "--missing security");
        assert_eq!(
            by("保有個人データの安全管理のために講じた措置"),
            "--missing security"
        );
        assert_eq!(by("ＲＥＴＥＮＴＩＯＮ"), "--missing retention");
        assert_eq!(CheckFilter::new(&BUILT_IN, &[], &[], &[]), Ok(None));
    }

    #[test]
    fn an_unknown_item_names_the_nearest() {
        let error = CheckFilter::new(&BUILT_IN, &names(&["securty"]), &[], &[]).unwrap_err();
        assert!(error.contains("did you mean security"), "{error}");
        assert!(error.contains("minors"), "{error}");
    }
}
