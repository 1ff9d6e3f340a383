//! What a commit records beside its clauses: which files are indexed, from which corpus and settings,
//! under which clause rules.
//!
//! The record is tantivy's commit payload, so it lands in `meta.json` in the same atomic rename as the
//! segments it describes: a crash at any instant leaves the old clauses with the old record, or the
//! new with the new. The fingerprints of every indexed file are too many for `meta.json`, which every
//! search reads; they go to a file of their own, written and made durable before the commit, named
//! after it and checked against the hash the record keeps of it.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::fingerprint::Fingerprint;
use super::folder::write_atomic;

/// Per document (path relative to the corpus): a hash of its bytes, to skip unchanged files.
pub type Fingerprints = BTreeMap<String, String>;

/// The record of one commit.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct CommitRecord {
    /// The corpus folder the index was built from.
    pub corpus: PathBuf,
    /// Seconds since the Unix epoch at the commit.
    pub indexed_at: u64,
    /// How many documents (files) the index holds clauses of.
    pub documents: usize,
    /// [`crate::clause::RULES_VERSION`] the clauses were made under.
    pub rules: u32,
    /// The fingerprint of the corpus's `joubun.toml` ("" without one): its facts are in the clauses.
    pub settings: String,
    /// The file holding the fingerprints of the indexed files.
    pub files: String,
    /// The fingerprint of that file's bytes.
    pub files_check: String,
}

/// The record as stored: its fields and a fingerprint of them, so that a damaged `meta.json` is
/// noticed rather than believed.
#[derive(Serialize, Deserialize)]
struct Stored {
    record: CommitRecord,
    check: String,
}

impl CommitRecord {
    /// The record as a commit payload.
    pub fn to_payload(&self) -> String {
        let record = serde_json::to_string(self).unwrap_or_default();
        let check = Fingerprint::of(record.as_bytes()).hex();
        serde_json::to_string(&Stored {
            record: self.clone(),
            check,
        })
        .unwrap_or_default()
    }

    /// The record in a commit payload; `None` when it is not one or fails its check.
    pub fn from_payload(payload: &str) -> Option<CommitRecord> {
        let stored: Stored = serde_json::from_str(payload).ok()?;
        let record = serde_json::to_string(&stored.record).ok()?;
        (Fingerprint::of(record.as_bytes()).hex() == stored.check).then_some(stored.record)
    }

    /// The fingerprints this record names; `None` when the file is missing, unreadable or not the one
    /// written with the record.
    pub fn fingerprints(&self, dir: &Path) -> Option<Fingerprints> {
        if !is_files_record(&self.files) {
            return None;
        }
        let bytes = fs::read(dir.join(&self.files)).ok()?;
        if Fingerprint::of(&bytes).hex() != self.files_check {
            return None;
        }
        serde_json::from_slice(&bytes).ok()
    }
}

/// Writes the fingerprints for the commit `opstamp` to their own file in `dir`, durably; returns its
/// name and its fingerprint, for the record.
pub fn save_fingerprints(
    dir: &Path,
    opstamp: u64,
    prints: &Fingerprints,
) -> std::io::Result<(String, String)> {
    let name = format!("{FILES_PREFIX}{opstamp}.json");
    let bytes = serde_json::to_vec(prints)?;
    write_atomic(&dir.join(&name), &bytes)?;
    Ok((name, Fingerprint::of(&bytes).hex()))
}

/// Removes fingerprint files in `dir` other than `keep`: those of earlier commits, or of runs that
/// never committed.
pub fn remove_other_fingerprints(dir: &Path, keep: Option<&str>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if is_files_record(&name) && Some(name.as_str()) != keep {
            let _ = fs::remove_file(entry.path());
        }
    }
}

const FILES_PREFIX: &str = "joubun-files-";

/// Whether a file of this name holds fingerprints (of some commit; or the one file of older builds).
pub fn is_files_record(name: &str) -> bool {
    name == "joubun-files.json"
        || name
            .strip_prefix(FILES_PREFIX)
            .and_then(|rest| rest.strip_suffix(".json"))
            .is_some_and(|opstamp| {
                !opstamp.is_empty() && opstamp.bytes().all(|b| b.is_ascii_digit())
            })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_record_survives_its_payload_and_a_changed_one_is_not_believed() {
        let record = CommitRecord {
            corpus: "corpus".into(),
            documents: 12,
            ..CommitRecord::default()
        };
        let payload = record.to_payload();
        assert_eq!(CommitRecord::from_payload(&payload), Some(record));
        let lying = payload.replace("\"documents\":12", "\"documents\":13");
        assert_ne!(lying, payload);
        assert_eq!(CommitRecord::from_payload(&lying), None);
        assert_eq!(CommitRecord::from_payload("Segments Merge: [x]"), None);
    }

    #[test]
    fn fingerprint_files_are_named_by_commit() {
        assert!(is_files_record("joubun-files-17.json"));
        assert!(is_files_record("joubun-files.json"));
        assert!(!is_files_record("joubun-files-.json"));
        assert!(!is_files_record("joubun-files-17.json.bak"));
    }
}
