//! The clause index: a joubun index folder holding tantivy's segments, opened for reading by any
//! number of processes and brought up to date by one writer.
//!
//! Every clause is one tantivy document. Its JSON is stored whole (one owner of the clause's shape); its
//! text is indexed through the analysers that fit its language, and its facts as facets. The files it
//! was made from are recorded with each commit ([`record`]), so the two never disagree.

mod backlog;
mod fingerprint;
pub mod folder;
mod lock;
mod readers;
mod record;
mod schema;
mod update;

use std::path::{Path, PathBuf};

use tantivy::schema::Value;
use tantivy::{Index, TantivyDocument};

use crate::analysis;
use crate::clause::Clause;

pub use folder::FolderState;
pub use lock::WriteLock;
pub(crate) use lock::process_alive;
pub use record::CommitRecord;
pub use schema::{
    Fields, SCHEMA_VERSION, SET_SEPARATOR, analyzers_for, counted_column, date_number, schema,
};
pub use update::{IndexReport, update};

/// Errors of the index layer, each saying what happened and what to do.
#[derive(Debug, thiserror::Error)]
pub enum IndexError {
    /// No index at the place named.
    #[error("no index at {0} (build one with `joubun index CORPUS --index {0}`)")]
    Missing(PathBuf),
    /// A folder that holds other things than a joubun index.
    #[error(
        "{path} is not a joubun index: it holds other files ({example}), which joubun will not touch; give --index a new or empty folder"
    )]
    NotAnIndex {
        /// The folder.
        path: PathBuf,
        /// One of the files in it.
        example: String,
    },
    /// An index made by a build whose schema or analysers differ.
    #[error(
        "the index at {path} was built by another joubun ({found}; this build writes {expected}); run `joubun index --rebuild`"
    )]
    Incompatible {
        /// The index folder.
        path: PathBuf,
        /// What its metadata says.
        found: String,
        /// What this build writes.
        expected: String,
    },
    /// An index whose first build is running now.
    #[error(
        "the index at {path} is being built by joubun process {pid} and holds no clauses yet; run this again when it finishes"
    )]
    Building {
        /// The index folder.
        path: PathBuf,
        /// The process building it.
        pid: u32,
    },
    /// An index whose first build stopped before it committed anything.
    #[error(
        "the index at {0} was never finished (its first build was interrupted); run `joubun index` to build it"
    )]
    Unfinished(PathBuf),
    /// Index files that cannot be made sense of.
    #[error(
        "the index at {path} is damaged ({reason}); run `joubun index`, which rebuilds it from the corpus"
    )]
    Damaged {
        /// The index folder.
        path: PathBuf,
        /// What is wrong, in one line.
        reason: String,
    },
    /// No space left for the index.
    #[error(
        "no space left on the disk holding the index at {0}; free some space and run `joubun index` again (the index keeps its last complete state)"
    )]
    DiskFull(PathBuf),
    /// The system refused a read or write (permissions, a read-only disk, an I/O error).
    #[error("cannot use the index at {path}: {reason}")]
    Io {
        /// The index folder.
        path: PathBuf,
        /// What the system said.
        reason: String,
    },
    /// The corpus cannot be read.
    #[error("{0}")]
    Corpus(String),
    /// Another process is writing the index.
    #[error(
        "the index at {path} is locked by another joubun process (pid {pid}); wait for it to finish"
    )]
    Locked {
        /// The index folder.
        path: PathBuf,
        /// The process holding the lock.
        pid: u32,
    },
}

impl IndexError {
    /// The error for a failed system call on the index at `path`: a full disk says so.
    pub fn io(path: &Path, e: &std::io::Error) -> IndexError {
        if disk_full(e) || disk_full_text(&e.to_string()) {
            IndexError::DiskFull(path.to_path_buf())
        } else {
            IndexError::Io {
                path: path.to_path_buf(),
                reason: folder::short(&e.to_string()),
            }
        }
    }

    /// The error for a failure inside tantivy on the index at `path`: a full disk, a refused system
    /// call, or otherwise damage.
    pub fn tantivy(path: &Path, e: &tantivy::TantivyError) -> IndexError {
        use tantivy::TantivyError as T;
        use tantivy::directory::error::{OpenReadError, OpenWriteError};
        let text = e.to_string();
        if disk_full_text(&text) {
            return IndexError::DiskFull(path.to_path_buf());
        }
        let system = match e {
            T::IoError(io) => Some(&**io),
            T::OpenWriteError(OpenWriteError::IoError { io_error, .. }) => Some(&**io_error),
            T::OpenReadError(OpenReadError::IoError { io_error, .. }) => Some(&**io_error),
            _ => None,
        };
        match system {
            Some(io) if disk_full(io) => IndexError::DiskFull(path.to_path_buf()),
            // A short or garbled file reads as an unexpected end, invalid data, or an error tantivy
            // made itself without the system (an sstable of an "unsupported version"): damage.
            Some(io)
                if io.raw_os_error().is_some()
                    && !matches!(
                        io.kind(),
                        std::io::ErrorKind::UnexpectedEof | std::io::ErrorKind::InvalidData
                    ) =>
            {
                IndexError::io(path, io)
            }
            _ => IndexError::Damaged {
                path: path.to_path_buf(),
                reason: folder::short(&text),
            },
        }
    }
}

impl IndexError {
    /// The error for a failure while writing the index at `path`: a full disk (said by the error, or
    /// found by trying to write: tantivy's indexing threads report only that they stopped), else
    /// what failed.
    pub fn written(path: &Path, e: &tantivy::TantivyError) -> IndexError {
        match IndexError::tantivy(path, e) {
            full @ IndexError::DiskFull(_) => full,
            _ if folder::no_room(path) => IndexError::DiskFull(path.to_path_buf()),
            _ => IndexError::Io {
                path: path.to_path_buf(),
                reason: format!("writing failed: {}", folder::short(&e.to_string())),
            },
        }
    }
}

/// Whether the system said the disk (or the user's quota) is full.
pub(crate) fn disk_full(e: &std::io::Error) -> bool {
    matches!(
        e.kind(),
        std::io::ErrorKind::StorageFull | std::io::ErrorKind::QuotaExceeded
    ) || matches!(e.raw_os_error(), Some(28 | 122))
}

/// The same, for errors that reach us only as text (from tantivy's indexing threads).
fn disk_full_text(text: &str) -> bool {
    text.contains("No space left on device")
        || text.contains("Disk quota exceeded")
        || text.contains("StorageFull")
}

/// Runs `work`, turning a panic into its message, which is not printed: tantivy panics on some
/// damaged files, and the caller says what that means.
pub fn without_panicking<T>(work: impl FnOnce() -> T) -> Result<T, String> {
    static FIRST: std::sync::Mutex<Option<String>> = std::sync::Mutex::new(None);
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(|info| {
        let payload = info.payload();
        let message = (payload.downcast_ref::<&str>().map(|s| s.to_string()))
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_default();
        if let Ok(mut first) = FIRST.lock() {
            first.get_or_insert(message);
        }
    }));
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(work));
    std::panic::set_hook(previous);
    outcome.map_err(|_| {
        let message = FIRST.lock().ok().and_then(|mut m| m.take());
        message.unwrap_or_default()
    })
}

/// Why an index that holds no commit cannot be read: its first build is running, or was interrupted.
fn not_ready(path: &Path) -> IndexError {
    match lock::holder(path) {
        Some(pid) => IndexError::Building {
            path: path.to_path_buf(),
            pid,
        },
        None => IndexError::Unfinished(path.to_path_buf()),
    }
}

/// What the index records about itself, as `stats` shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct IndexMeta {
    /// [`SCHEMA_VERSION`] of the build that wrote it.
    pub schema_version: u32,
    /// [`analysis::ANALYSIS_VERSION`] of the build that wrote it.
    pub analysis_version: u32,
    /// The dictionary it was analysed with.
    pub dictionary: String,
    /// [`crate::clause::RULES_VERSION`] its clauses were made under.
    pub rules: u32,
    /// The corpus folder it was built from.
    pub corpus: PathBuf,
    /// Seconds since the Unix epoch at the last indexing run.
    pub indexed_at: u64,
    /// How many documents (files) the index holds clauses of.
    pub documents: usize,
}

impl IndexMeta {
    fn new(identity: &folder::Identity, record: &CommitRecord) -> IndexMeta {
        IndexMeta {
            schema_version: identity.schema_version,
            analysis_version: identity.analysis_version,
            dictionary: identity.dictionary.clone(),
            rules: record.rules,
            corpus: record.corpus.clone(),
            indexed_at: record.indexed_at,
            documents: record.documents,
        }
    }
}

/// An open clause index.
pub struct ClauseIndex {
    /// The tantivy index.
    pub index: Index,
    /// Its fields.
    pub fields: Fields,
    /// Its recorded metadata.
    pub meta: IndexMeta,
    /// The record of its last commit; `None` only for a writer opening an index never committed.
    record: Option<CommitRecord>,
    path: PathBuf,
    /// Made on first search, so it sees every commit made before then.
    reader: std::sync::OnceLock<tantivy::IndexReader>,
}

impl ClauseIndex {
    /// Opens the index at `path` for reading, refusing a folder that is not a joubun index, one made
    /// by an incompatible build, and one that holds no complete build yet. Nothing is written.
    pub fn open(path: &Path) -> Result<ClauseIndex, IndexError> {
        let index = ClauseIndex::open_with(path, false)?;
        match index.record {
            Some(_) => Ok(index),
            None => Err(not_ready(path)),
        }
    }

    /// Opens the index at `path`, for the writer when `writes`.
    fn open_with(path: &Path, writes: bool) -> Result<ClauseIndex, IndexError> {
        match folder::state(path)? {
            FolderState::Absent | FolderState::Empty => {
                return Err(IndexError::Missing(path.to_path_buf()));
            }
            FolderState::Foreign(example) => {
                return Err(IndexError::NotAnIndex {
                    path: path.to_path_buf(),
                    example,
                });
            }
            FolderState::Joubun => {}
        }
        let identity = folder::Identity::read(path)?;
        // The identity is written before tantivy's files: without them the first build never got far.
        if !path.join("meta.json").exists() {
            return ClauseIndex::unfinished(path, identity, writes);
        }
        let directory = folder::IndexDirectory::open(path, writes)?;
        let index = Index::open(directory).map_err(|e| IndexError::tantivy(path, &e))?;
        // The identity names the schema; meta.json holds it, and must agree.
        if index.schema() != schema().0 {
            return Err(IndexError::Damaged {
                path: path.to_path_buf(),
                reason: "the schema in meta.json is not the one joubun.json names".into(),
            });
        }
        let payload = index
            .load_metas()
            .map_err(|e| IndexError::tantivy(path, &e))?
            .payload;
        let record =
            match payload {
                None => None,
                Some(payload) => Some(CommitRecord::from_payload(&payload).ok_or_else(|| {
                    IndexError::Damaged {
                        path: path.to_path_buf(),
                        reason: "the record of its last commit in meta.json fails its check".into(),
                    }
                })?),
            };
        Ok(ClauseIndex::with(path, identity, index, record))
    }

    fn with(
        path: &Path,
        identity: folder::Identity,
        index: Index,
        record: Option<CommitRecord>,
    ) -> ClauseIndex {
        analysis::register(index.tokenizers());
        let (_, fields) = schema();
        ClauseIndex {
            index,
            fields,
            meta: IndexMeta::new(&identity, &record.clone().unwrap_or_default()),
            record,
            path: path.to_path_buf(),
            reader: Default::default(),
        }
    }

    /// An index folder whose first build stopped before tantivy's files: a reader is told so, the
    /// writer starts it again.
    fn unfinished(
        path: &Path,
        identity: folder::Identity,
        writes: bool,
    ) -> Result<ClauseIndex, IndexError> {
        if !writes {
            return Err(not_ready(path));
        }
        ClauseIndex::create(path).map(|mut index| {
            index.meta = IndexMeta::new(&identity, &CommitRecord::default());
            index
        })
    }

    /// Creates an empty index at `path`, replacing the joubun index there, if any. The caller holds
    /// the write lock and has checked that the folder is new, empty or joubun's.
    fn create(path: &Path) -> Result<ClauseIndex, IndexError> {
        folder::prepare(path)?;
        let directory = folder::IndexDirectory::open(path, true)?;
        let index = Index::create(directory, schema().0, tantivy::IndexSettings::default())
            .map_err(|e| IndexError::tantivy(path, &e))?;
        Ok(ClauseIndex::with(
            path,
            folder::Identity::current(),
            index,
            None,
        ))
    }

    /// The folder of the index.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// A searcher over the last commit before the first search. One command makes one search, so the
    /// reader does not watch for new commits (that would start a thread per process); it is kept
    /// because opening segment readers is most of a small search's cost.
    pub fn searcher(&self) -> tantivy::Result<tantivy::Searcher> {
        if let Some(reader) = self.reader.get() {
            return Ok(reader.searcher());
        }
        let reader = match self.new_reader(&self.index) {
            // A writer may have merged away the segments of the commit this process read, between
            // reading it and opening them (readers take no lock): the newer commit has them.
            Err(tantivy::TantivyError::OpenReadError(
                tantivy::directory::error::OpenReadError::FileDoesNotExist(_),
            )) if lock::holder(&self.path).is_some() => {
                let directory = folder::IndexDirectory::open(&self.path, false)
                    .map_err(|e| tantivy::TantivyError::SystemError(e.to_string()))?;
                let index = Index::open(directory)?;
                self.new_reader(&index)?
            }
            other => other?,
        };
        Ok(self.reader.get_or_init(|| reader).searcher())
    }

    fn new_reader(&self, index: &Index) -> tantivy::Result<tantivy::IndexReader> {
        index
            .reader_builder()
            .reload_policy(tantivy::ReloadPolicy::Manual)
            .try_into()
    }

    /// Opens the segments and checks that each holds as many clauses as `meta.json` says: a searcher
    /// ready to use, or why the index cannot be read.
    pub fn check(&self) -> Result<tantivy::Searcher, IndexError> {
        let searcher = self
            .searcher()
            .map_err(|e| IndexError::tantivy(&self.path, &e))?;
        for segment in searcher.segment_readers() {
            // Every clause has a value in the set columns: their length is the segment's true size.
            let column = segment
                .fast_fields()
                .str(schema::counted_column(crate::facet::Facet::Jurisdiction).0)
                .map_err(|e| IndexError::tantivy(&self.path, &e))?;
            let stored = column.map_or(0, |c| c.ords().num_docs());
            if stored != segment.max_doc() {
                return Err(IndexError::Damaged {
                    path: self.path.clone(),
                    reason: format!(
                        "meta.json says a segment holds {} clauses, its files {stored}",
                        segment.max_doc()
                    ),
                });
            }
        }
        Ok(searcher)
    }

    /// The stored clause of a document.
    pub fn clause(&self, doc: &TantivyDocument) -> Option<Clause> {
        let json = doc.get_first(self.fields.json)?.as_str()?;
        serde_json::from_str(json).ok()
    }
}
