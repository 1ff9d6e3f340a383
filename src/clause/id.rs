//! Clause ids, made here and nowhere else: `lnsoft#12.2` is the document's name, `#`, then the clause's
//! place in it (from the segmenter, or a JSON line's own id).
//!
//! Ids are unique across the index whatever the file names: the name part keeps the whole path (only a
//! `.txt` ending is dropped, where the name has no other dot) with `%` and `#` escaped, so the first `#`
//! ends it; within a document a repeated place gets `~2`, `~3`. An id depends only on its own file, so it
//! stays the same as other files come and go.

use std::collections::HashSet;
use std::hash::BuildHasher;

use rustc_hash::FxBuildHasher;

/// Makes the ids of one document's clauses.
pub struct DocIds {
    prefix: String,
    /// Hashes of the ids made so far: a document of a million JSON lines keeps 8 bytes per id. Two ids
    /// sharing a hash only cost the second a needless `~n`; equal ids always share one.
    used: HashSet<u64, FxBuildHasher>,
}

impl DocIds {
    /// Ids for the document at `rel_path` (relative to the corpus, `/`-separated).
    pub fn new(rel_path: &str) -> DocIds {
        DocIds {
            prefix: name_part(rel_path),
            used: HashSet::default(),
        }
    }

    /// The id of the clause at `place` (`12.2`); an empty place is the document's preamble, `0`.
    pub fn make(&mut self, place: &str) -> String {
        let place = if place.is_empty() { "0" } else { place };
        self.claim(format!("{}#{place}", self.prefix))
    }

    /// The id of the `n`th piece (from 2) of the clause whose id is `first`.
    pub fn piece(&mut self, first: &str, n: usize) -> String {
        self.claim(format!("{first}/{n}"))
    }

    /// `id`, or with `~2`, `~3`… if this document already has it.
    fn claim(&mut self, id: String) -> String {
        let mut candidate = id.clone();
        let mut n = 1;
        while !self.used.insert(FxBuildHasher.hash_one(&candidate)) {
            n += 1;
            candidate = format!("{id}~{n}");
        }
        candidate
    }
}

/// The document's part of its ids: its path, `.txt` dropped where that leaves no dot in the file name
/// (`policies/lnsoft.txt` → `policies/lnsoft`; `x.md`, `v1.2.txt` keep theirs), `%` and `#` escaped.
fn name_part(rel_path: &str) -> String {
    let has_dot = |path: &str| path.rsplit('/').next().unwrap_or(path).contains('.');
    let escaped = |name: &str| name.replace('%', "%25").replace('#', "%23");
    match rel_path.strip_suffix(".txt") {
        Some(stem) if !stem.is_empty() && !stem.ends_with('/') && !has_dot(stem) => escaped(stem),
        // A name with no dot at all (a file given by itself, never walked) would read as a `.txt`
        // file's: a `%`, which escaping leaves nowhere else, tells it apart.
        _ if !has_dot(rel_path) => format!("{}%", escaped(rel_path)),
        _ => escaped(rel_path),
    }
}

#[cfg(test)]
mod tests {
    use super::{DocIds, name_part};

    #[test]
    fn common_names_stay_readable() {
        assert_eq!(DocIds::new("lnsoft.txt").make("12.2"), "lnsoft#12.2");
        assert_eq!(name_part("policies/lnsoft.txt"), "policies/lnsoft");
        assert_eq!(name_part("live2d.md"), "live2d.md");
    }

    #[test]
    fn different_files_never_share_a_name_part() {
        let names = [
            "a b.txt",
            "a#b.txt",
            "a_b.txt",
            "a%23b.txt",
            "x.txt",
            "x.md",
            "x",
            "x.md.txt",
            "x.TXT",
            "v1.2.txt",
            "v1.2",
            "d/x.txt",
            "d#x.txt",
            "d%2Fx.txt",
            ".txt",
            "a/.txt",
        ];
        let parts: std::collections::HashSet<String> = names.iter().map(|n| name_part(n)).collect();
        assert_eq!(parts.len(), names.len(), "{parts:?}");
        assert!(parts.iter().all(|p| !p.contains('#')));
    }

    #[test]
    fn a_repeated_place_is_numbered_and_pieces_follow_their_clause() {
        let mut ids = DocIds::new("j.jsonl");
        assert_eq!(ids.make("7"), "j.jsonl#7");
        assert_eq!(ids.make("7"), "j.jsonl#7~2");
        assert_eq!(ids.make("7~2"), "j.jsonl#7~2~2");
        assert_eq!(ids.make(""), "j.jsonl#0");
        assert_eq!(ids.make("0"), "j.jsonl#0~2");
        assert_eq!(ids.make("lnsoft#12.2"), "j.jsonl#lnsoft#12.2");
        assert_eq!(ids.piece("j.jsonl#7", 2), "j.jsonl#7/2");
    }
}
