//! Finding the documents of a corpus: a sorted walk that hides dot files and reports what it could not
//! enter.

use std::path::{Path, PathBuf};

use walkdir::WalkDir;

use super::Skipped;

/// File name endings joubun reads as documents.
/// `jsonl` files hold clauses segmented elsewhere, one JSON object a line; `xml` files are read only when
/// they hold a statute in e-Gov's law XML.
pub const EXTENSIONS: [&str; 9] = [
    "txt", "md", "markdown", "html", "htm", "xml", "pdf", "docx", "jsonl",
];

/// How to walk a corpus.
#[derive(Debug, Clone, Copy, Default)]
pub struct WalkOptions {
    /// Follow symbolic links (loops are detected and reported).
    pub follow_links: bool,
}

/// The document files under `root` (or `root` itself if it is a file), in a stable order, plus the
/// entries that could not be walked.
pub fn walk(root: &Path, options: WalkOptions) -> (Vec<PathBuf>, Vec<Skipped>) {
    let mut files = Vec::new();
    let mut skipped = Vec::new();
    let walker = WalkDir::new(root)
        .follow_links(options.follow_links)
        .sort_by_file_name()
        .into_iter()
        // The root itself may be named with a leading dot (`./corpus`); only hide what is below it.
        .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'));
    for entry in walker {
        match entry {
            Ok(entry)
                if entry.file_type().is_file()
                    && (entry.depth() == 0 || is_document(entry.path())) =>
            {
                files.push(entry.into_path())
            }
            // Not followed, so nothing outside the corpus is read and no file twice; said, not dropped.
            Ok(entry)
                if entry.path_is_symlink()
                    && entry.depth() > 0
                    && (is_document(entry.path())
                        || std::fs::metadata(entry.path()).is_ok_and(|m| m.is_dir())) =>
            {
                skipped.push(Skipped {
                    path: entry.into_path(),
                    reason: "symbolic link, not followed (copy its target into the corpus)"
                        .to_string(),
                })
            }
            Ok(_) => {}
            Err(err) => skipped.push(Skipped {
                path: err
                    .path()
                    .map(Path::to_path_buf)
                    .unwrap_or_else(|| root.to_path_buf()),
                reason: walk_error(&err),
            }),
        }
    }
    (files, skipped)
}

fn walk_error(err: &walkdir::Error) -> String {
    if err.loop_ancestor().is_some() {
        return "symbolic link loop".to_string();
    }
    match err.io_error() {
        Some(io) => io.to_string(),
        None => err.to_string(),
    }
}

/// Whether `path` has one of the [`EXTENSIONS`].
pub fn is_document(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| EXTENSIONS.iter().any(|x| x.eq_ignore_ascii_case(e)))
}
