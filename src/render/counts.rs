//! Facet counts as `joubun facets` prints them: each facet's values with how many matching clauses hold
//! them (and, under a check filter, the documents kept), for people or as one JSON object.

use std::collections::BTreeMap;
use std::io::{self, Write};

use crate::facet::Facet;
use crate::query::FacetCounts;

/// How the matching clauses divide.
pub struct FacetReport<'a> {
    /// How many clauses match.
    pub total: usize,
    /// The counts of each facet shown, by facet name.
    pub facets: &'a BTreeMap<String, FacetCounts>,
    /// The documents a check filter kept, each with how many of its clauses match.
    pub documents: Option<&'a BTreeMap<String, u64>>,
}

impl FacetReport<'_> {
    /// Writes the report: one JSON object, or a list per facet for people.
    pub fn write(&self, out: &mut dyn Write, json: bool) -> io::Result<()> {
        if json {
            let mut report = serde_json::json!({ "total": self.total, "facets": self.facets });
            if let Some(documents) = self.documents {
                report["documents"] = serde_json::json!(documents);
            }
            return writeln!(out, "{report}");
        }
        match self.documents {
            Some(documents) => writeln!(
                out,
                "{} clauses in {} documents",
                self.total,
                documents.len()
            )?,
            None => writeln!(out, "{} clauses", self.total)?,
        }
        for facet in Facet::ALL {
            let Some(counts) = self.facets.get(facet.name()) else {
                continue;
            };
            writeln!(out, "{}", facet.name())?;
            for (value, count) in counts {
                writeln!(out, "  {count:>7}  {value}")?;
            }
        }
        if let Some(documents) = self.documents {
            writeln!(out, "document")?;
            for (doc, count) in documents {
                writeln!(out, "  {count:>7}  {doc}")?;
            }
        }
        Ok(())
    }
}
