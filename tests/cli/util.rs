//! Helpers shared by the integration tests.

use std::path::{Path, PathBuf};

use assert_cmd::Command;

/// The `joubun` binary under test, with colour and terminal detection pinned for stable output.
pub fn joubun() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_joubun"));
    cmd.env("NO_COLOR", "1").env_remove("JOUBUN_INDEX");
    cmd
}

/// The bundled corpus of the repository.
pub fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus")
}

/// Standard output of a finished command as text.
pub fn stdout_of(output: &std::process::Output) -> String {
    String::from_utf8(output.stdout.clone()).expect("stdout is UTF-8")
}

/// Runs `cmd`, failing the test with its stderr unless it succeeded.
pub fn succeed(cmd: &mut Command) -> std::process::Output {
    let out = cmd.output().expect("joubun runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// Standard output of a finished command as JSON Lines.
pub fn json_lines(output: &std::process::Output) -> Vec<serde_json::Value> {
    stdout_of(output)
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect()
}

/// Runs `joubun index CORPUS --index INDEX`, failing the test unless it succeeded.
pub fn index_into(corpus: impl AsRef<Path>, index: impl AsRef<Path>) -> std::process::Output {
    succeed(
        joubun()
            .arg("index")
            .arg(corpus.as_ref())
            .arg("--index")
            .arg(index.as_ref()),
    )
}

/// Hits and summary of `joubun search ARGS --json FLAGS --index INDEX`; fails unless the search ran
/// (exit 0 or 1).
pub fn json_search(
    index: &Path,
    args: &[&str],
    flags: &[&str],
) -> (Vec<serde_json::Value>, serde_json::Value) {
    let out = joubun()
        .arg("search")
        .args(args)
        .arg("--json")
        .args(flags)
        .arg("--index")
        .arg(index)
        .output()
        .unwrap();
    assert!(
        out.status.code().unwrap() < 2,
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut lines = json_lines(&out);
    let summary = lines.pop().expect("a summary line")["summary"].clone();
    (lines, summary)
}
