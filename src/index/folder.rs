//! The index folder: recognised as joubun's before anything in it is touched, and the tantivy
//! directory over it.
//!
//! A folder is joubun's when it holds [`IDENTITY_FILE`], written first when an index is created.
//! joubun creates an index only in a new or empty folder, and removes only files whose names tantivy
//! or joubun give, so a mistyped `--index` never costs a user's file.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use tantivy::directory::error::{DeleteError, LockError, OpenReadError, OpenWriteError};
use tantivy::directory::{
    Directory, DirectoryLock, FileHandle, Lock, MmapDirectory, WatchCallback, WatchHandle, WritePtr,
};

use super::IndexError;
use super::lock::LOCK_FILE;
use super::schema::SCHEMA_VERSION;
use crate::analysis::{ANALYSIS_VERSION, dictionary::DICTIONARY_VERSION};

/// The file that makes a folder a joubun index, naming the build that made it.
pub const IDENTITY_FILE: &str = "joubun.json";
/// What [`Identity::format`] says, so the file is recognisable to a person too.
const FORMAT: &str = "joubun index";

/// Files that only keep an empty folder in version control (the repository's `index/` holds one): a
/// folder holding nothing else is empty, and they are left where they are.
const PLACEHOLDERS: [&str; 2] = [".gitkeep", ".keep"];

/// What a folder given as an index holds.
#[derive(Debug, PartialEq)]
pub enum FolderState {
    /// Nothing there yet.
    Absent,
    /// An empty folder (or one holding only a starting writer's lock).
    Empty,
    /// A joubun index, whole or not.
    Joubun,
    /// A folder holding other things: the name of one of them.
    Foreign(String),
}

/// Looks at the folder at `path` without changing anything.
pub fn state(path: &Path) -> Result<FolderState, IndexError> {
    let entries = match fs::read_dir(path) {
        Ok(entries) => entries,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(FolderState::Absent),
        Err(_) if path.exists() && !path.is_dir() => {
            return Ok(FolderState::Foreign(path.display().to_string()));
        }
        Err(e) => return Err(IndexError::io(path, &e)),
    };
    let mut other = None;
    for entry in entries {
        let name = entry.map_err(|e| IndexError::io(path, &e))?.file_name();
        let name = name.to_string_lossy();
        if name == IDENTITY_FILE {
            return Ok(FolderState::Joubun);
        }
        if name != LOCK_FILE && !PLACEHOLDERS.contains(&name.as_ref()) && other.is_none() {
            other = Some(name.into_owned());
        }
    }
    Ok(other.map_or(FolderState::Empty, FolderState::Foreign))
}

/// The build an index was made by, in [`IDENTITY_FILE`]; written once, when the index is created.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Identity {
    /// Always [`FORMAT`].
    pub format: String,
    /// [`SCHEMA_VERSION`] of the build that made it.
    pub schema_version: u32,
    /// [`ANALYSIS_VERSION`] of the build that made it.
    pub analysis_version: u32,
    /// The dictionary it is analysed with.
    pub dictionary: String,
}

impl Identity {
    /// What this build writes.
    pub fn current() -> Identity {
        Identity {
            format: FORMAT.to_string(),
            schema_version: SCHEMA_VERSION,
            analysis_version: ANALYSIS_VERSION,
            dictionary: DICTIONARY_VERSION.to_string(),
        }
    }

    fn versions(&self) -> String {
        format!(
            "schema {}, analysis {}, {}",
            self.schema_version, self.analysis_version, self.dictionary
        )
    }

    /// Reads the identity of the joubun index at `path`, refusing one made by an incompatible build.
    pub fn read(path: &Path) -> Result<Identity, IndexError> {
        let text = fs::read(path.join(IDENTITY_FILE)).map_err(|e| IndexError::io(path, &e))?;
        let damaged = |why: &str| IndexError::Damaged {
            path: path.to_path_buf(),
            reason: format!("{IDENTITY_FILE} {why}"),
        };
        // Versions first: an index of another version may record other fields.
        let recorded: serde_json::Value =
            serde_json::from_slice(&text).map_err(|_| damaged("is not valid JSON"))?;
        let expected = Identity::current();
        let found = (
            recorded["schema_version"].as_u64(),
            recorded["analysis_version"].as_u64(),
            recorded["dictionary"].as_str(),
        );
        if found
            != (
                Some(u64::from(expected.schema_version)),
                Some(u64::from(expected.analysis_version)),
                Some(expected.dictionary.as_str()),
            )
        {
            let show = |v: Option<u64>| v.map_or("?".to_string(), |v| v.to_string());
            return Err(IndexError::Incompatible {
                path: path.to_path_buf(),
                found: format!(
                    "schema {}, analysis {}, {}",
                    show(found.0),
                    show(found.1),
                    short(found.2.unwrap_or("?"))
                ),
                expected: expected.versions(),
            });
        }
        let identity: Identity =
            serde_json::from_value(recorded).map_err(|_| damaged("lacks a field"))?;
        if identity.format != FORMAT {
            return Err(damaged("does not name a joubun index"));
        }
        Ok(identity)
    }
}

/// At most a short line of `text`: errors quote what they found, never a whole file.
pub fn short(text: &str) -> String {
    const MAX: usize = 200;
    match text.char_indices().nth(MAX) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text.to_string(),
    }
}

/// Makes the folder at `path` an empty joubun index folder: writes [`IDENTITY_FILE`] and removes the
/// files of an earlier index there. The caller has checked the folder is new, empty or joubun's.
pub fn prepare(path: &Path) -> Result<(), IndexError> {
    let io = |e: io::Error| IndexError::io(path, &e);
    fs::create_dir_all(path).map_err(io)?;
    // The identity first: from now on the folder is recognisably joubun's, whatever happens next.
    write_atomic(
        &path.join(IDENTITY_FILE),
        &serde_json::to_vec_pretty(&Identity::current())
            .map_err(io::Error::from)
            .map_err(io)?,
    )
    .map_err(io)?;
    for entry in fs::read_dir(path).map_err(io)? {
        let entry = entry.map_err(io)?;
        if index_file(&entry.file_name().to_string_lossy()) {
            match fs::remove_file(entry.path()) {
                Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(io(e)),
                _ => {}
            }
        }
    }
    Ok(())
}

/// Whether a file of this name is one tantivy or joubun writes in an index folder (other than the
/// identity and the writer's lock): only these are ever removed.
fn index_file(name: &str) -> bool {
    if matches!(name, "meta.json" | ".managed.json")
        || (name.starts_with(".tantivy-") && name.ends_with(".lock"))
        || name.ends_with(TMP_SUFFIX)
        || super::record::is_files_record(name)
    {
        return true;
    }
    // Segment files: `<32 hex digits>.<component>`, deletes as `<32 hex digits>.<opstamp>.del`.
    let Some((uuid, component)) = name.split_once('.') else {
        return false;
    };
    let segment_id = uuid.len() == 32 && uuid.bytes().all(|b| b.is_ascii_hexdigit());
    let known = matches!(
        component,
        "idx" | "pos" | "term" | "store" | "fast" | "fieldnorm"
    ) || component
        .strip_suffix(".del")
        .is_some_and(|opstamp| opstamp.bytes().all(|b| b.is_ascii_digit()));
    segment_id && known
}

/// The suffix of a file being written by [`write_atomic`].
const TMP_SUFFIX: &str = ".joubun-tmp";

/// Writes `data` to `path` through a temporary file made durable first, so a crash leaves the old
/// file or the new; the file gets the permissions the user's umask gives (tantivy's own atomic
/// write makes `meta.json` readable by its owner only).
pub fn write_atomic(path: &Path, data: &[u8]) -> io::Result<()> {
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(TMP_SUFFIX);
    let tmp = PathBuf::from(tmp);
    let mut file = fs::File::create(&tmp)?;
    file.write_all(data)?;
    file.sync_all()?;
    fs::rename(&tmp, path)?;
    // The rename itself made durable: a crash after a commit must not bring back the old meta.json.
    if let Some(parent) = path.parent() {
        let parent = if parent.as_os_str().is_empty() {
            Path::new(".")
        } else {
            parent
        };
        fs::File::open(parent)?.sync_all()?;
    }
    Ok(())
}

/// Whether the disk holding the folder `dir` has no room left: a small write there fails for want of
/// space.
pub fn no_room(dir: &Path) -> bool {
    let probe = dir.join(format!("space-probe{TMP_SUFFIX}"));
    let written = fs::File::create(&probe).and_then(|mut file| {
        file.write_all(&[0; 64 << 10])?;
        file.sync_all()
    });
    let _ = fs::remove_file(&probe);
    written.is_err_and(|e| super::disk_full(&e))
}

/// tantivy's memory-mapped directory over an index folder, for joubun's two kinds of process.
///
/// A reader takes no lock and writes nothing, so an index on read-only storage, or another user's,
/// can be searched; tantivy's reader would create `.tantivy-meta.lock` to keep a writer from deleting
/// files while it opens them, which a reader instead survives by opening again (see
/// [`super::ClauseIndex::searcher`]). A writer's atomic writes go through [`write_atomic`].
#[derive(Debug, Clone)]
pub struct IndexDirectory {
    inner: MmapDirectory,
    root: PathBuf,
    writes: bool,
}

impl IndexDirectory {
    /// The directory over the folder at `path`; `writes` for the one process that writes it.
    pub fn open(path: &Path, writes: bool) -> Result<IndexDirectory, IndexError> {
        let inner = MmapDirectory::open(path).map_err(|e| IndexError::Io {
            path: path.to_path_buf(),
            reason: short(&e.to_string()),
        })?;
        Ok(IndexDirectory {
            inner,
            root: path.to_path_buf(),
            writes,
        })
    }

    fn full(&self, path: &Path) -> PathBuf {
        self.root.join(path)
    }
}

/// A lock that holds nothing, for readers.
struct NoLock;

impl Directory for IndexDirectory {
    fn get_file_handle(&self, path: &Path) -> Result<Arc<dyn FileHandle>, OpenReadError> {
        self.inner.get_file_handle(path)
    }

    fn delete(&self, path: &Path) -> Result<(), DeleteError> {
        self.inner.delete(path)
    }

    fn exists(&self, path: &Path) -> Result<bool, OpenReadError> {
        self.inner.exists(path)
    }

    fn open_write(&self, path: &Path) -> Result<WritePtr, OpenWriteError> {
        self.inner.open_write(path)
    }

    fn atomic_read(&self, path: &Path) -> Result<Vec<u8>, OpenReadError> {
        self.inner.atomic_read(path)
    }

    fn atomic_write(&self, path: &Path, data: &[u8]) -> io::Result<()> {
        write_atomic(&self.full(path), data)
    }

    fn sync_directory(&self) -> io::Result<()> {
        self.inner.sync_directory()
    }

    fn acquire_lock(&self, lock: &Lock) -> Result<DirectoryLock, LockError> {
        if self.writes {
            self.inner.acquire_lock(lock)
        } else {
            Ok(DirectoryLock::from(Box::new(NoLock)))
        }
    }

    fn watch(&self, watch_callback: WatchCallback) -> tantivy::Result<WatchHandle> {
        self.inner.watch(watch_callback)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_tantivy_and_joubun_file_names_count_as_index_files() {
        for ours in [
            "meta.json",
            ".managed.json",
            ".tantivy-writer.lock",
            "0123456789abcdef0123456789abcdef.idx",
            "0123456789abcdef0123456789abcdef.fieldnorm",
            "0123456789abcdef0123456789abcdef.12.del",
            "meta.json.joubun-tmp",
        ] {
            assert!(index_file(ours), "{ours}");
        }
        for theirs in [
            "Cargo.lock",
            "notes.idx",
            "0123456789abcdef0123456789abcdef.txt",
            "0123456789abcdef0123456789abcdef.x.del",
            "meta.json.bak",
            IDENTITY_FILE,
            LOCK_FILE,
        ] {
            assert!(!index_file(theirs), "{theirs}");
        }
    }

    #[test]
    fn quoted_text_is_cut_to_a_line() {
        assert_eq!(short("abc"), "abc");
        assert_eq!(short(&"条".repeat(500)).chars().count(), 201);
    }
}
