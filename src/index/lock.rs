//! The index's write lock: one writer at a time, and a second one told which process holds it.
//!
//! `joubun.lock` names the holder's pid, but the lock itself is the operating system's lock on that file
//! (`flock` on Unix), which ends with the process that held it however it ended: a lock left by a killed
//! writer is free at once, and a pid that now belongs to an unrelated process means nothing.

use std::fs::{self, File, OpenOptions, TryLockError};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

use super::IndexError;

/// The lock file's name in the index folder.
pub const LOCK_FILE: &str = "joubun.lock";

/// The right to write an index: an operating-system lock on `joubun.lock`, given up on drop.
pub struct WriteLock {
    path: PathBuf,
    /// Holds the lock while open; closed after the file is removed, on drop.
    _file: File,
}

impl WriteLock {
    /// Takes the lock of the index folder `dir`, or says which process holds it.
    pub fn acquire(dir: &Path) -> Result<WriteLock, IndexError> {
        let io = |e: std::io::Error| IndexError::io(dir, &e);
        fs::create_dir_all(dir).map_err(io)?;
        let path = dir.join(LOCK_FILE);
        // A holder removes the file as it lets go: a lock taken on the removed file guards nothing, so
        // the file locked must still be the one at `path`. That can miss only while writers race.
        for _ in 0..10 {
            let mut file = OpenOptions::new()
                .read(true)
                .write(true)
                .create(true)
                .truncate(false)
                .open(&path)
                .map_err(io)?;
            match file.try_lock() {
                Ok(()) => {}
                Err(TryLockError::WouldBlock) => {
                    return Err(IndexError::Locked {
                        path: dir.to_path_buf(),
                        pid: holder_pid(&path),
                    });
                }
                Err(TryLockError::Error(e)) => return Err(io(e)),
            }
            if !still_at(&file, &path) {
                continue;
            }
            file.set_len(0).map_err(io)?;
            write!(file, "{}", std::process::id()).map_err(io)?;
            return Ok(WriteLock { path, _file: file });
        }
        Err(IndexError::Io {
            path: dir.to_path_buf(),
            reason: format!("cannot take {LOCK_FILE}"),
        })
    }
}

impl Drop for WriteLock {
    fn drop(&mut self) {
        // Removed while still locked; the lock itself ends when the file closes, just after.
        let _ = fs::remove_file(&self.path);
    }
}

/// The pid written in a held lock file; a holder that has just taken the lock is given a moment to
/// write it (0 if it never does).
fn holder_pid(path: &Path) -> u32 {
    for _ in 0..20 {
        if let Some(pid) = fs::read_to_string(path)
            .ok()
            .and_then(|s| s.trim().parse().ok())
        {
            return pid;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    0
}

/// The pid of the live process writing the index in `dir`, if one is: the lock file exists and its
/// lock is held. Opened read-only, so a reader needs no write access to the index.
pub fn holder(dir: &Path) -> Option<u32> {
    let path = dir.join(LOCK_FILE);
    let file = File::open(&path).ok()?;
    match file.try_lock_shared() {
        Ok(()) => {
            let _ = file.unlock();
            None
        }
        Err(TryLockError::WouldBlock) => Some(holder_pid(&path)),
        Err(TryLockError::Error(_)) => None,
    }
}

/// Whether `file` is still the file at `path`.
#[cfg(unix)]
fn still_at(file: &File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), fs::metadata(path)) {
        (Ok(open), Ok(named)) => open.dev() == named.dev() && open.ino() == named.ino(),
        _ => false,
    }
}

/// Whether `file` is still the file at `path` (elsewhere the lock file is not removed while locked).
#[cfg(not(unix))]
fn still_at(_file: &File, path: &Path) -> bool {
    path.exists()
}

/// Whether a process with this id is running (on systems without /proc, assume it is); for files named
/// after a pid, where a wrong answer only leaves a temporary file behind.
pub(crate) fn process_alive(pid: u32) -> bool {
    let proc = Path::new("/proc");
    !proc.exists() || proc.join(pid.to_string()).exists()
}
