//! The index's storage under attack: huge files, folders that are not indexes, crashes at every
//! moment, damaged files, a full disk, readers without write access.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use predicates::prelude::*;

use crate::util::{corpus, index_into, joubun, json_lines, stdout_of, succeed};

/// A copy of the bundled corpus in `dir/name`, each document `copies` times with its company
/// renamed, so copies make distinct clauses.
fn corpus_copy(dir: &Path, name: &str, copies: usize) -> PathBuf {
    let out = dir.join(name);
    std::fs::create_dir_all(&out).unwrap();
    let mut docs: Vec<_> = std::fs::read_dir(corpus())
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    docs.sort();
    for i in 0..copies {
        for doc in &docs {
            let text = std::fs::read_to_string(doc)
                .unwrap()
                .replace("当社", &format!("当社{i}"));
            let name = doc.file_name().unwrap().to_string_lossy();
            std::fs::write(out.join(format!("{i:02}-{name}")), text).unwrap();
        }
    }
    out
}

/// Every clause id in the index, sorted (duplicates kept).
fn ids(index: &Path) -> Vec<String> {
    let out = succeed(
        joubun()
            .args(["export", "--no-update", "--format", "jsonl", "--index"])
            .arg(index),
    );
    let mut ids: Vec<String> = json_lines(&out)
        .iter()
        .map(|c| c["id"].as_str().unwrap().to_string())
        .collect();
    ids.sort();
    ids
}

/// `stats --json`'s documents and clauses.
fn counts(index: &Path) -> (u64, u64) {
    let out = succeed(joubun().args(["stats", "--json", "--index"]).arg(index));
    let stats: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    (
        stats["documents"].as_u64().unwrap(),
        stats["clauses"].as_u64().unwrap(),
    )
}

/// The file names in `dir`, sorted.
fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// Asserts that the index at `index` holds exactly what a clean rebuild of `corpus` holds.
fn assert_like_a_clean_rebuild(corpus: &Path, index: &Path, scratch: &Path, context: &str) {
    let clean = scratch.join("clean-index");
    let _ = std::fs::remove_dir_all(&clean);
    index_into(corpus, &clean);
    let (got, want) = (ids(index), ids(&clean));
    let mut unique = got.clone();
    unique.dedup();
    assert_eq!(unique.len(), got.len(), "{context}: duplicate ids");
    assert_eq!(got, want, "{context}: other ids than a clean rebuild");
    assert_eq!(counts(index), counts(&clean), "{context}: other counts");
}

/// A small deterministic random sequence (xorshift), so a failure can be replayed.
struct Random(u64);

impl Random {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n.max(1)
    }
}

/// The number just before `unit` in `text` ("117 MB)" → 117).
fn number_before(text: &str, unit: &str) -> Option<u64> {
    let at = text.find(unit)?;
    text[..at].split_whitespace().last()?.parse().ok()
}

#[test]
fn parse_and_check_read_files_as_index_does_with_the_same_limits() {
    let dir = tempfile::tempdir().unwrap();
    let c = corpus_copy(dir.path(), "corpus", 1);
    std::fs::File::create(c.join("big.txt"))
        .unwrap()
        .set_len(1200 << 20)
        .unwrap();
    // Before, `parse` read any file whole: 1.2 GB of zeros held at once.
    let out = joubun().arg("parse").arg(&c).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("skipped") && stderr.contains("big.txt: larger than 1024 MB"),
        "{stderr}"
    );
    assert!(
        !out.stdout.is_empty(),
        "the other documents are still parsed"
    );
    // A JSON Lines file is streamed by `parse` too, its lines checked one by one.
    let lines = dir.path().join("lines");
    std::fs::create_dir(&lines).unwrap();
    std::fs::write(
        lines.join("clauses.jsonl"),
        "{\"text\": \"当社は個人情報を保護します。\"}\nnot json\n",
    )
    .unwrap();
    let out = joubun()
        .args(["parse", "--json"])
        .arg(&lines)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("line 2"), "{stderr}");
    assert_eq!(String::from_utf8_lossy(&out.stdout).lines().count(), 1);
}

#[test]
fn files_too_large_are_skipped_with_a_reason_in_bounded_memory() {
    let dir = tempfile::tempdir().unwrap();
    let c = corpus_copy(dir.path(), "corpus", 1);
    // A sparse 1.2 GB "document" and a JSON Lines file whose one line passes the line limit.
    let sparse = |name: &str, len: u64| {
        std::fs::File::create(c.join(name))
            .unwrap()
            .set_len(len)
            .unwrap();
    };
    sparse("big.txt", 1200 << 20);
    sparse("long.jsonl", 70 << 20);
    let index = dir.path().join("index");
    let out = index_into(&c, &index);
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("skipped") && stderr.contains("big.txt: larger than 1024 MB"),
        "{stderr}"
    );
    assert!(
        stderr.contains("long.jsonl: line 1: longer than 32 MB"),
        "{stderr}"
    );
    let peak = number_before(&stderr, " MB)").expect("a peak memory figure");
    assert!(peak < 300, "peak memory {peak} MB: {stderr}");
    // The rest of the corpus is indexed.
    joubun()
        .args(["search", "個人情報", "--index"])
        .arg(&index)
        .assert()
        .code(0);
}

#[test]
fn a_folder_that_is_not_an_index_is_refused_and_left_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let c = corpus_copy(dir.path(), "corpus", 1);
    let proj = dir.path().join("proj");
    std::fs::create_dir(&proj).unwrap();
    std::fs::write(proj.join("Cargo.lock"), "x").unwrap();
    std::fs::write(proj.join("meta.json"), "{\"mine\": true}").unwrap();
    let before = names(&proj);
    for command in [
        &["stats"][..],
        &["search", "個人情報"],
        &["show", "lnsoft#1"],
        &["facets"],
        &["export", "--format", "jsonl"],
    ] {
        joubun()
            .args(command)
            .arg("--index")
            .arg(&proj)
            .arg("--corpus")
            .arg(&c)
            .assert()
            .code(2)
            .stderr(predicate::str::contains("is not a joubun index"));
    }
    joubun()
        .arg("index")
        .arg(&c)
        .arg("--index")
        .arg(&proj)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("is not a joubun index"));
    assert_eq!(names(&proj), before);
    assert_eq!(
        std::fs::read_to_string(proj.join("Cargo.lock")).unwrap(),
        "x"
    );
    assert_eq!(
        std::fs::read_to_string(proj.join("meta.json")).unwrap(),
        "{\"mine\": true}"
    );

    // A new folder, or an empty one, is built on first use.
    let new = dir.path().join("new");
    joubun()
        .args(["search", "個人情報", "--index"])
        .arg(&new)
        .arg("--corpus")
        .arg(&c)
        .assert()
        .code(0)
        .stderr(predicate::str::contains("building it"));
    let empty = dir.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    succeed(
        joubun()
            .args(["search", "個人情報", "--index"])
            .arg(&empty)
            .arg("--corpus")
            .arg(&c),
    );

    // A rebuild removes only the index's own files.
    std::fs::write(empty.join("notes.txt"), "mine").unwrap();
    succeed(
        joubun()
            .arg("index")
            .arg(&c)
            .arg("--rebuild")
            .arg("--index")
            .arg(&empty),
    );
    assert_eq!(
        std::fs::read_to_string(empty.join("notes.txt")).unwrap(),
        "mine"
    );
}

/// Changes the corpus a little: one file edited, one added, one removed.
fn change(c: &Path, round: usize) {
    let mut files = names(c);
    files.retain(|n| n.ends_with(".txt"));
    let edited = c.join(&files[round % files.len()]);
    let text = std::fs::read_to_string(&edited).unwrap();
    std::fs::write(
        &edited,
        text.replacen("個人情報", &format!("個人情報{round}"), 1),
    )
    .unwrap();
    std::fs::write(
        c.join(format!("added-{round}.txt")),
        format!("第1条（目的）\n当社{round}は個人情報を第三者に提供しません。\n"),
    )
    .unwrap();
    if files.len() > 3 {
        std::fs::remove_file(c.join(&files[(round * 7 + 3) % files.len()])).unwrap();
    }
}

/// `joubun index` with the test hook that aborts it at `point`.
fn crash_at(c: &Path, index: &Path, point: &str) -> Output {
    let out = joubun()
        .arg("index")
        .arg(c)
        .arg("--index")
        .arg(index)
        .env("JOUBUN_TEST_CRASH_AFTER", point)
        .output()
        .unwrap();
    assert!(!out.status.success(), "the run was aborted at {point}");
    out
}

#[test]
fn a_crash_just_before_or_after_the_commit_leaves_no_duplicate() {
    let dir = tempfile::tempdir().unwrap();
    let c = corpus_copy(dir.path(), "corpus", 2);
    let index = dir.path().join("index");
    index_into(&c, &index);
    let before = ids(&index);

    change(&c, 1);
    crash_at(&c, &index, "prepare");
    assert_eq!(
        ids(&index),
        before,
        "a crash before the commit keeps the old state"
    );
    change(&c, 2);
    // After the commit but before its merges and its tidying: the new state, whole.
    crash_at(&c, &index, "commit");
    assert_like_a_clean_rebuild(&c, &index, dir.path(), "after a crash after the commit");
    change(&c, 3);
    index_into(&c, &index);
    assert_like_a_clean_rebuild(&c, &index, dir.path(), "the run after");
}

#[test]
fn an_interrupted_first_build_is_never_taken_for_an_empty_index() {
    let dir = tempfile::tempdir().unwrap();
    // At the default place (`index/` in the working folder), with the corpus elsewhere.
    let c = corpus_copy(dir.path(), "docs", 1);
    let index = dir.path().join("index");
    crash_at(&c, &index, "prepare");
    let here = || {
        let mut cmd = joubun();
        cmd.current_dir(dir.path());
        cmd
    };
    for command in [&["search", "個人情報"][..], &["stats"], &["facets"]] {
        here().args(command).assert().code(2).stderr(
            predicate::str::contains("never finished")
                .and(predicate::str::contains("run `joubun index`")),
        );
    }
    // While a build holds the lock, a second search is told so instead of "0 clauses".
    // The lock is the operating system's lock on the file (flock), held here by flock(1) itself.
    let lock = index.join("joubun.lock");
    let mut builder = Command::new("flock")
        .arg("-o")
        .arg(&lock)
        .args(["sleep", "30"])
        .spawn()
        .expect("flock(1) from util-linux");
    while Command::new("flock")
        .arg("--nonblock")
        .arg(&lock)
        .arg("true")
        .status()
        .unwrap()
        .success()
    {
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    std::fs::write(&lock, builder.id().to_string()).unwrap();
    here()
        .args(["search", "個人情報", "--corpus", "docs"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(format!(
            "being built by joubun process {}",
            builder.id()
        )));
    builder.kill().unwrap();
    builder.wait().unwrap();
    // A search given the corpus finishes the build, then answers.
    succeed(here().args(["search", "個人情報", "--corpus", "docs"]));
    assert_like_a_clean_rebuild(&c, &index, dir.path(), "a finished first build");
}

#[test]
fn edits_to_joubun_toml_reach_the_index() {
    let dir = tempfile::tempdir().unwrap();
    let c = corpus_copy(dir.path(), "corpus", 1);
    let settings = |company: &str| {
        std::fs::write(
            c.join("joubun.toml"),
            format!("[files.\"00-lnsoft.txt\"]\ncompany = \"{company}\"\n"),
        )
        .unwrap();
    };
    settings("株式会社甲");
    let index = dir.path().join("index");
    index_into(&c, &index);
    settings("株式会社乙");
    let out = index_into(&c, &index);
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("joubun.toml changed"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let companies = |name: &str| {
        let out = joubun()
            .args(["search", "--company", name, "--json", "--index"])
            .arg(&index)
            .output()
            .unwrap();
        // A company no clause has is an unknown value: refused, with the known ones suggested.
        if out.status.code() == Some(2) {
            assert!(String::from_utf8_lossy(&out.stderr).contains("did you mean"));
            return 0;
        }
        json_lines(&out).len() - 1
    };
    assert_eq!(companies("株式会社甲"), 0);
    assert!(companies("株式会社乙") > 0);
}

/// Runs every reading command on `index`: none may panic or die by a signal, and an error must be
/// one short line naming the remedy.
fn every_command_fails_clearly(index: &Path, id: &str, context: &str) {
    for command in [
        &["search", "個人情報", "--json"][..],
        &["show", id],
        &["stats"],
        &["facets"],
        &["export", "--format", "jsonl"],
    ] {
        // `--no-update`: a search that first brought the index up to date with its corpus would
        // repair it, and whether it does depends on the second the corpus was written in.
        let out = joubun()
            .args(command)
            .args(["--no-update", "--index"])
            .arg(index)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        let code = out.status.code();
        assert!(
            matches!(code, Some(0..=2)),
            "{context}: {command:?} ended with {:?}: {stderr}",
            out.status
        );
        assert!(
            !stderr.contains("panicked"),
            "{context}: {command:?}: {stderr}"
        );
        if code == Some(2) {
            assert!(
                stderr.starts_with("joubun: ")
                    && stderr.len() < 600
                    && stderr.contains("joubun index"),
                "{context}: {command:?}: {stderr}"
            );
        }
    }
}

/// Runs `joubun index` as a repair: with `--rebuild` only when asked to.
fn repair(c: &Path, index: &Path, context: &str) -> String {
    let out = joubun()
        .arg("index")
        .arg(c)
        .arg("--index")
        .arg(index)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    if out.status.success() {
        return stderr;
    }
    assert!(stderr.contains("--rebuild"), "{context}: {stderr}");
    succeed(
        joubun()
            .arg("index")
            .arg(c)
            .arg("--rebuild")
            .arg("--index")
            .arg(index),
    );
    stderr
}

/// Copies the index folder `from` to `to`, replacing it.
fn copy_index(from: &Path, to: &Path) {
    let _ = std::fs::remove_dir_all(to);
    std::fs::create_dir_all(to).unwrap();
    for name in names(from) {
        std::fs::copy(from.join(&name), to.join(&name)).unwrap();
    }
}

#[test]
fn damaged_index_files_are_reported_and_repaired_by_the_next_run() {
    let dir = tempfile::tempdir().unwrap();
    let c = corpus_copy(dir.path(), "corpus", 1);
    let pristine = dir.path().join("pristine");
    index_into(&c, &pristine);
    let id = ids(&pristine)[0].clone();
    let index = dir.path().join("index");
    let segment_file = |ext: &str| {
        names(&index)
            .into_iter()
            .find(|n| n.ends_with(ext))
            .map(|n| index.join(n))
            .unwrap()
    };
    let meta = |index: &Path| std::fs::read_to_string(index.join("meta.json")).unwrap();
    let damage: [(&str, &dyn Fn()); 6] = [
        ("a truncated segment", &|| {
            let f = segment_file(".store");
            let len = std::fs::metadata(&f).unwrap().len();
            std::fs::File::options()
                .write(true)
                .open(&f)
                .unwrap()
                .set_len(len / 2)
                .unwrap();
        }),
        ("a deleted segment", &|| {
            std::fs::remove_file(segment_file(".idx")).unwrap()
        }),
        ("meta.json not JSON", &|| {
            let text = meta(&index);
            std::fs::write(index.join("meta.json"), &text[..text.len() / 2]).unwrap();
        }),
        ("meta.json claiming more clauses", &|| {
            let text = meta(&index).replacen("\"max_doc\": ", "\"max_doc\": 1", 1);
            std::fs::write(index.join("meta.json"), text).unwrap();
        }),
        ("meta.json claiming fewer clauses", &|| {
            let text = meta(&index);
            let at = text.find("\"max_doc\": ").unwrap() + 11;
            let end = at + text[at..].find(',').unwrap();
            let fewer = text[at..end].trim().parse::<u64>().unwrap() / 2;
            std::fs::write(
                index.join("meta.json"),
                format!("{}{fewer}{}", &text[..at], &text[end..]),
            )
            .unwrap();
        }),
        ("a lost record of files", &|| {
            for n in names(&index)
                .iter()
                .filter(|n| n.starts_with("joubun-files"))
            {
                std::fs::remove_file(index.join(n)).unwrap();
            }
        }),
    ];
    for (what, harm) in damage {
        copy_index(&pristine, &index);
        harm();
        if what != "a lost record of files" {
            joubun()
                .args(["stats", "--index"])
                .arg(&index)
                .assert()
                .code(2)
                .stderr(
                    predicate::str::contains("damaged")
                        .and(predicate::str::contains("run `joubun index`")),
                );
        }
        every_command_fails_clearly(&index, &id, what);
        let said = repair(&c, &index, what);
        assert!(said.contains("every file was read again"), "{what}: {said}");
        assert_like_a_clean_rebuild(&c, &index, dir.path(), what);
    }
}

#[test]
fn flipped_bytes_in_any_index_file_never_crash_a_command_and_the_next_run_repairs_them() {
    let dir = tempfile::tempdir().unwrap();
    let c = corpus_copy(dir.path(), "corpus", 1);
    let pristine = dir.path().join("pristine");
    index_into(&c, &pristine);
    let id = ids(&pristine)[0].clone();
    let index = dir.path().join("index");
    let mut random = Random(0x9e37_79b9_7f4a_7c15);
    for name in names(&pristine) {
        let len = std::fs::metadata(pristine.join(&name)).unwrap().len();
        if len == 0 {
            continue;
        }
        // One flip near the end (footers, offsets), one anywhere.
        for at in [len - 1 - random.below(len.min(64)), random.below(len)] {
            copy_index(&pristine, &index);
            let path = index.join(&name);
            let mut bytes = std::fs::read(&path).unwrap();
            bytes[at as usize] ^= 1 << random.below(8);
            std::fs::write(&path, bytes).unwrap();
            let context = format!("{name} byte {at} flipped");
            every_command_fails_clearly(&index, &id, &context);
            repair(&c, &index, &context);
            assert_like_a_clean_rebuild(&c, &index, dir.path(), &context);
        }
    }
}

#[test]
fn a_full_disk_is_reported_as_such_and_a_retry_with_space_succeeds() {
    let dir = tempfile::tempdir().unwrap();
    let small = corpus_copy(dir.path(), "corpus", 1);
    let more = corpus_copy(dir.path(), "more", 30);
    let mount = dir.path().join("disk");
    std::fs::create_dir(&mount).unwrap();
    let log = dir.path().join("log");
    std::fs::create_dir(&log).unwrap();
    // A 1 MB disk of its own, in a mount namespace of its own (root, or a user namespace).
    let script = r#"
        set -u
        mount -t tmpfs -o size=1m tmpfs "$DISK" || exit 99
        "$J" index "$SMALL" --index "$DISK/index" 2>"$LOG/1.err"; echo $? >"$LOG/1.code"
        ls -a "$DISK/index" >"$LOG/1.files"
        "$J" index "$MORE" --index "$DISK/index" 2>"$LOG/2.err"; echo $? >"$LOG/2.code"
        ls -a "$DISK/index" >"$LOG/2.files"
        "$J" search 個人情報 --index "$DISK/index" >/dev/null 2>"$LOG/3.err"; echo $? >"$LOG/3.code"
        mount -o remount,size=64m "$DISK"
        "$J" index "$MORE" --index "$DISK/index" 2>"$LOG/4.err"; echo $? >"$LOG/4.code"
        "$J" stats --json --index "$DISK/index" >"$LOG/5.out" 2>&1
    "#;
    let namespace: &[&str] = if running_as_root() {
        &["-m"]
    } else {
        &["-r", "-m"]
    };
    let status = Command::new("unshare")
        .args(namespace)
        .args(["sh", "-c", script])
        .env("J", env!("CARGO_BIN_EXE_joubun"))
        .env("DISK", &mount)
        .env("SMALL", &small)
        .env("MORE", &more)
        .env("LOG", &log)
        .env("NO_COLOR", "1")
        .stderr(Stdio::null())
        .status();
    if !status.as_ref().is_ok_and(|s| s.success()) {
        eprintln!("cannot mount a small disk here ({status:?}): the full disk is not tested");
        return;
    }
    let read = |name: &str| std::fs::read_to_string(log.join(name)).unwrap();
    assert_eq!(read("1.code").trim(), "0", "{}", read("1.err"));
    assert_eq!(read("2.code").trim(), "2", "{}", read("2.err"));
    assert!(
        read("2.err").contains("no space left") && !read("2.err").contains("damaged"),
        "{}",
        read("2.err")
    );
    // The failed run's segments are gone: the folder holds what the last commit needs.
    assert_eq!(read("2.files"), read("1.files"));
    assert_eq!(read("3.code").trim(), "0", "{}", read("3.err"));
    assert_eq!(read("4.code").trim(), "0", "{}", read("4.err"));
    let stats: serde_json::Value = serde_json::from_str(&read("5.out")).unwrap();
    assert_eq!(stats["documents"], 150, "{stats}");
}

fn running_as_root() -> bool {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            let uid = s.lines().find(|l| l.starts_with("Uid:"))?.to_string();
            Some(uid.split_whitespace().nth(2) == Some("0"))
        })
        .unwrap_or(false)
}

#[test]
fn readers_need_no_write_access() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let c = corpus_copy(dir.path(), "corpus", 1);
    let index = dir.path().join("index");
    index_into(&c, &index);
    let mode = std::fs::metadata(index.join("meta.json"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(
        mode & 0o044,
        0o044,
        "meta.json is readable by others: {mode:o}"
    );
    let before = names(&index);
    // As root, another user reads it; otherwise the folder is made read-only.
    let mut reader = if running_as_root() {
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
        let mut cmd = assert_cmd::Command::new("setpriv");
        cmd.args(["--reuid=65534", "--regid=65534", "--clear-groups"])
            .arg(env!("CARGO_BIN_EXE_joubun"))
            .env("NO_COLOR", "1");
        cmd
    } else {
        std::fs::set_permissions(&index, std::fs::Permissions::from_mode(0o555)).unwrap();
        joubun()
    };
    let out = reader
        .args(["search", "個人情報", "--index"])
        .arg(&index)
        .output()
        .unwrap();
    std::fs::set_permissions(&index, std::fs::Permissions::from_mode(0o755)).unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout_of(&out).contains("clauses match"));
    assert_eq!(names(&index), before, "the reader wrote nothing");
}

#[test]
fn fifty_kills_at_random_moments_each_leave_what_the_next_run_makes_a_clean_rebuild() {
    let dir = tempfile::tempdir().unwrap();
    let c = corpus_copy(dir.path(), "corpus", 2);
    let index = dir.path().join("index");
    let started = Instant::now();
    index_into(&c, &index);
    // Kills land anywhere in a run: its reading, its commit, the merges after it.
    let run_ms = started.elapsed().as_millis() as u64 + 100;
    let mut random = Random(0x2545_f491_4f6c_dd1d);
    for round in 0..50 {
        change(&c, round);
        let mut writer = Command::new(env!("CARGO_BIN_EXE_joubun"))
            .arg("index")
            .arg(&c)
            .arg("--index")
            .arg(&index)
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(random.below(run_ms)));
        let _ = writer.kill();
        writer.wait().unwrap();
        index_into(&c, &index);
        assert_like_a_clean_rebuild(&c, &index, dir.path(), &format!("kill {round}"));
    }
}

#[test]
fn a_folder_holding_only_a_placeholder_is_built_on_first_use() {
    // A fresh checkout's `index/` holds `.gitkeep`, so that git keeps the folder.
    let dir = tempfile::tempdir().unwrap();
    corpus_copy(dir.path(), "corpus", 1);
    std::fs::create_dir(dir.path().join("index")).unwrap();
    std::fs::write(dir.path().join("index/.gitkeep"), "").unwrap();
    succeed(
        joubun()
            .current_dir(dir.path())
            .args(["search", "第三者提供"]),
    );
    assert!(dir.path().join("index/.gitkeep").exists());
    assert!(dir.path().join("index/joubun.json").exists());
}
