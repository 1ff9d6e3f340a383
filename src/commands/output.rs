//! Where a command's output goes: standard output, or a file that appears only when complete.
//!
//! Rows go to a temporary file beside the target, put in place at the end, so an interrupted export never
//! leaves half a spreadsheet behind. Only a regular file (or a symbolic link) is ever replaced, and only
//! with `--force`; a file that appears while the command runs is left alone.

use std::fs::{self, File};
use std::io::{self, BufWriter, IsTerminal, Write};
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

use super::stdout;

/// Runs `write` on standard output (`output` absent or `-`) or on a new file at `output`, which appears
/// only once `write` has succeeded. `write` is also given a folder for scratch files: the output's own,
/// so that a large workbook's rows never fill a memory-backed /tmp. Binary output is refused on a
/// terminal.
pub fn write_to<T>(
    output: Option<&Path>,
    force: bool,
    binary: bool,
    write: impl FnOnce(&mut dyn Write, &Path) -> Result<T>,
) -> Result<T> {
    let Some(path) = output.filter(|p| *p != Path::new("-")) else {
        if binary && io::stdout().is_terminal() {
            return Err(Error::Input(
                "an xlsx workbook is binary and would garble the terminal; write it to a file with \
                 -o FILE.xlsx, or redirect standard output"
                    .to_string(),
            ));
        }
        let mut out = stdout();
        let value = write(&mut out, &std::env::temp_dir())?;
        out.flush()?;
        return Ok(value);
    };
    let target = Target::create(path, force)?;
    let folder = target.folder();
    let mut out = BufWriter::new(target.file.try_clone().map_err(|e| target.error(e))?);
    let value = write(&mut out, &folder).map_err(|e| match e {
        Error::Output(e) => target.error(e),
        other => other,
    })?;
    out.flush().map_err(|e| target.error(e))?;
    drop(out);
    target.commit()?;
    Ok(value)
}

/// Refuses an output the next `joubun index` would read back as clauses: a document-type file (`.jsonl`,
/// `.md`) inside the corpus folder.
pub fn refuse_inside_corpus(path: &Path, corpora: &[&Path]) -> Result<()> {
    if !crate::corpus::is_document(path) {
        return Ok(());
    }
    let Ok(folder) = folder_of(path).canonicalize() else {
        return Ok(());
    };
    for corpus in corpora {
        if let Ok(corpus) = corpus.canonicalize()
            && folder.starts_with(&corpus)
        {
            return Err(Error::Input(format!(
                "{} is inside the corpus folder {}: the next `joubun index` would read it as \
                 clauses; write it elsewhere",
                path.display(),
                corpus.display()
            )));
        }
    }
    Ok(())
}

/// The output file being written: a temporary file beside the target, put in its place at the end.
struct Target {
    path: PathBuf,
    temp: PathBuf,
    file: File,
    /// Whether a file stood at `path` when the export started and `--force` allows replacing it; a
    /// file that appears later is never replaced.
    replace: bool,
}

impl Target {
    fn create(path: &Path, force: bool) -> Result<Target> {
        let replace = match fs::symlink_metadata(path) {
            Err(_) => false,
            Ok(found) => {
                check_replaceable(path, &found)?;
                if !force {
                    let what = match found.is_symlink() {
                        true => "is a symbolic link; use --force to replace the link itself",
                        false => "exists; use --force to replace it",
                    };
                    return Err(Error::Input(format!("{} {what}", path.display())));
                }
                true
            }
        };
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default();
        remove_stale_temporaries(path, &name);
        let temp = path.with_file_name(format!(".{name}.joubun-{}.tmp", std::process::id()));
        let file = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&temp)
            .map_err(|e| Error::Input(format!("cannot write {}: {e}", path.display())))?;
        Ok(Target {
            path: path.to_path_buf(),
            temp,
            file,
            replace,
        })
    }

    /// The folder the file is written in.
    fn folder(&self) -> PathBuf {
        folder_of(&self.path).to_path_buf()
    }

    fn error(&self, e: io::Error) -> Error {
        let _ = fs::remove_file(&self.temp);
        Error::Input(format!("cannot write {}: {e}", self.path.display()))
    }

    fn commit(self) -> Result<()> {
        self.file.sync_all().map_err(|e| self.error(e))?;
        if self.replace {
            // What stands there now may have changed since the start: check it again.
            if let Ok(found) = fs::symlink_metadata(&self.path) {
                check_replaceable(&self.path, &found)?;
            }
            return fs::rename(&self.temp, &self.path).map_err(|e| self.error(e));
        }
        // A hard link is made only where no file exists, atomically: of two exports racing to one
        // new name, the second is refused instead of silently replacing the first.
        match fs::hard_link(&self.temp, &self.path) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Err(self.appeared()),
            // A file system without hard links: check, then rename (a narrow race remains there).
            Err(_) if fs::symlink_metadata(&self.path).is_ok() => Err(self.appeared()),
            Err(_) => fs::rename(&self.temp, &self.path).map_err(|e| self.error(e)),
        }
    }

    fn appeared(&self) -> Error {
        Error::Input(format!(
            "{} appeared while the export ran (another export?); it was left as it is and nothing \
             was written",
            self.path.display()
        ))
    }
}

/// Refuses to replace anything but a regular file or a symbolic link to one (or to nothing): a device,
/// FIFO, socket or folder, even with `--force`.
fn check_replaceable(path: &Path, found: &fs::Metadata) -> Result<()> {
    let regular = match found.is_symlink() {
        // A dangling link is replaceable; a link to a device is not.
        true => fs::metadata(path).map_or(true, |target| target.is_file()),
        false => found.is_file(),
    };
    match regular {
        true => Ok(()),
        false => Err(Error::Input(format!(
            "{} is not a regular file (a device, FIFO, socket or folder); joubun writes exports only \
             to regular files",
            path.display()
        ))),
    }
}

/// The folder `path` stands in (`.` for a bare file name).
fn folder_of(path: &Path) -> &Path {
    path.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

/// Removes the temporary files of earlier exports to the same target whose process was killed.
fn remove_stale_temporaries(path: &Path, name: &str) {
    let dir = folder_of(path);
    let prefix = format!(".{name}.joubun-");
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let file = entry.file_name().to_string_lossy().to_string();
        let pid = file
            .strip_prefix(&prefix)
            .and_then(|rest| rest.strip_suffix(".tmp"))
            .and_then(|p| p.parse().ok());
        // One with this process's own pid was left by an earlier process that had the same pid.
        if pid.is_some_and(|pid| pid == std::process::id() || !crate::index::process_alive(pid)) {
            let _ = fs::remove_file(entry.path());
        }
    }
}

impl Drop for Target {
    fn drop(&mut self) {
        // After a successful rename the temporary name no longer exists; otherwise clean up.
        let _ = fs::remove_file(&self.temp);
    }
}
