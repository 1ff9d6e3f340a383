//! The right to write an index: one writer at a time, and a reader can tell that a build is under way.

use std::fs;
use std::path::{Path, PathBuf};

use super::IndexError;

/// The lock file, naming the pid of the process writing the index.
pub const LOCK_FILE: &str = "joubun.lock";

/// The right to write an index, held as a file naming the holder's pid and given up on drop.
///
/// tantivy's own writer lock only says "busy"; this one says who, and a lock left by a killed process
/// (its pid no longer running) is taken over.
pub struct WriteLock {
    path: PathBuf,
}

impl WriteLock {
    /// Takes the lock of the index folder `dir`, or says who holds it.
    pub fn acquire(dir: &Path) -> Result<WriteLock, IndexError> {
        let io = |e: std::io::Error| IndexError::io(dir, &e);
        fs::create_dir_all(dir).map_err(io)?;
        let path = dir.join(LOCK_FILE);
        for _ in 0..2 {
            match fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&path)
            {
                Ok(mut file) => {
                    use std::io::Write;
                    write!(file, "{}", std::process::id()).map_err(io)?;
                    return Ok(WriteLock { path });
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                    let holder = fs::read_to_string(&path)
                        .ok()
                        .and_then(|s| s.trim().parse::<u32>().ok());
                    match holder {
                        Some(pid) if process_alive(pid) => {
                            return Err(IndexError::Locked {
                                path: dir.to_path_buf(),
                                pid,
                            });
                        }
                        // Stale (its process is gone) or half-written by a process killed at once.
                        _ => {
                            let _ = fs::remove_file(&path);
                        }
                    }
                }
                Err(e) => return Err(io(e)),
            }
        }
        Err(IndexError::Io {
            path: dir.to_path_buf(),
            reason: format!("cannot take {LOCK_FILE}"),
        })
    }
}

impl Drop for WriteLock {
    fn drop(&mut self) {
        let _ = fs::remove_file(&self.path);
    }
}

/// The pid of the live process writing the index in `dir`, if one is.
pub fn holder(dir: &Path) -> Option<u32> {
    let pid = fs::read_to_string(dir.join(LOCK_FILE))
        .ok()?
        .trim()
        .parse()
        .ok()?;
    process_alive(pid).then_some(pid)
}

/// Whether a process with this id is running (on systems without /proc, assume it is).
pub(crate) fn process_alive(pid: u32) -> bool {
    let proc = Path::new("/proc");
    !proc.exists() || proc.join(pid.to_string()).exists()
}
