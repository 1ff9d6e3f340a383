//! Trust under pressure: two writers, a writer killed midway, readers during a write.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use predicates::prelude::*;

use crate::util::{corpus, index_into, joubun, json_lines, succeed};

/// A corpus of `n` copies of the bundled policies, big enough for an index run to take a while.
pub fn big_corpus(dir: &Path, n: usize) -> std::path::PathBuf {
    let out = dir.join("corpus");
    std::fs::create_dir_all(&out).unwrap();
    let docs: Vec<_> = std::fs::read_dir(corpus())
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect();
    for i in 0..n {
        let doc = &docs[i % docs.len()];
        let text = std::fs::read_to_string(doc)
            .unwrap()
            .replace("当社", &format!("当社{i}"));
        std::fs::write(
            out.join(format!(
                "{i:04}-{}",
                doc.file_name().unwrap().to_string_lossy()
            )),
            text,
        )
        .unwrap();
    }
    out
}

fn ids(index: &Path) -> Vec<String> {
    let out = succeed(
        joubun()
            .args(["export", "--format", "jsonl", "--index"])
            .arg(index),
    );
    let mut ids: Vec<String> = json_lines(&out)
        .iter()
        .map(|c| c["id"].as_str().unwrap().to_string())
        .collect();
    ids.sort();
    ids
}

#[test]
fn a_second_writer_is_told_who_holds_the_lock_and_a_stale_lock_is_recovered() {
    let dir = tempfile::tempdir().unwrap();
    let index = dir.path().join("index");
    std::fs::create_dir(&index).unwrap();
    let lock = index.join("joubun.lock");
    // A holder: a process keeping the lock file locked (as a running `joubun index` does), its pid in it.
    // `-o`: the lock stays with flock itself, not with the sleep it runs, so killing flock frees it.
    let mut holder = Command::new("flock")
        .arg("-o")
        .arg(&lock)
        .args(["sleep", "20"])
        .spawn()
        .expect("flock(1) from util-linux");
    let started = Instant::now();
    while Command::new("flock")
        .args(["--nonblock"])
        .arg(&lock)
        .arg("true")
        .status()
        .unwrap()
        .success()
    {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "flock never took the lock"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    std::fs::write(&lock, holder.id().to_string()).unwrap();
    let started = Instant::now();
    joubun()
        .arg("index")
        .arg(corpus())
        .arg("--index")
        .arg(&index)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(format!(
            "locked by another joubun process (pid {})",
            holder.id()
        )));
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "refused at once"
    );
    holder.kill().unwrap();
    holder.wait().unwrap();
    // The holder is gone: its lock is stale and taken over.
    index_into(corpus(), &index);
    assert!(!lock.exists(), "the lock is released");
}

#[test]
fn a_lock_naming_an_unrelated_live_process_is_taken_over() {
    let dir = tempfile::tempdir().unwrap();
    let index = dir.path().join("index");
    std::fs::create_dir(&index).unwrap();
    // A writer killed long ago left its pid, which now belongs to some other running process.
    let mut unrelated = Command::new("sleep").arg("30").spawn().unwrap();
    std::fs::write(index.join("joubun.lock"), unrelated.id().to_string()).unwrap();
    index_into(corpus(), &index);
    assert!(!index.join("joubun.lock").exists(), "the lock is released");
    unrelated.kill().unwrap();
    unrelated.wait().unwrap();
}

#[test]
fn readers_answer_during_a_write_and_a_killed_writer_loses_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = big_corpus(dir.path(), 250);
    let index = dir.path().join("index");
    index_into(&corpus, &index);
    let clean = ids(&index);
    assert!(clean.len() > 10_000);

    for (round, wait) in [Duration::from_millis(300), Duration::from_millis(1500)]
        .into_iter()
        .enumerate()
    {
        // A rebuild in progress: searches answer from the last commit meanwhile.
        let mut writer = Command::new(env!("CARGO_BIN_EXE_joubun"))
            .arg("index")
            .arg(&corpus)
            .arg("--rebuild")
            .arg("--index")
            .arg(&index)
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(wait);
        if round == 0 {
            assert!(
                index.join("joubun.lock").exists(),
                "the writer is still running"
            );
            let out = succeed(
                joubun()
                    .args(["search", "第三者提供", "--json", "--index"])
                    .arg(&index),
            );
            assert!(
                json_lines(&out).len() > 1,
                "search answers from the last commit"
            );
            succeed(joubun().args(["show", &clean[0], "--index"]).arg(&index));
            succeed(joubun().args(["facets", "--index"]).arg(&index));
            let out = succeed(
                joubun()
                    .args(["export", "--format", "jsonl", "--index"])
                    .arg(&index),
            );
            assert_eq!(
                json_lines(&out).len(),
                clean.len(),
                "export reads the whole last commit"
            );
        }
        // kill -9 mid-run: the index still opens and answers at its last commit.
        Command::new("kill")
            .args(["-9", &writer.id().to_string()])
            .status()
            .unwrap();
        writer.wait().unwrap();
        assert_eq!(
            ids(&index),
            clean,
            "round {round}: the last commit is intact"
        );
    }
    // The next run takes over the dead writer's lock and finishes the job.
    index_into(&corpus, &index);
    assert_eq!(ids(&index), clean);
}

#[test]
fn a_hostile_corpus_is_indexed_and_every_skip_reported_once() {
    use std::os::unix::ffi::OsStrExt;
    let dir = tempfile::tempdir().unwrap();
    let c = dir.path().join("corpus");
    std::fs::create_dir(&c).unwrap();
    let policy = "第1条（目的）\n当社は個人情報を適切に取り扱います。\n";
    let w = |name: &str, bytes: &[u8]| std::fs::write(c.join(name), bytes).unwrap();
    w(
        "binary.txt",
        &[0x7F, b'E', b'L', b'F', 2, 1, 1, 0, 0, 0, 0, 0],
    );
    w("empty.txt", b"");
    w(
        "invalid.txt",
        &[0x81, 0xFF, 0xFE, 0x80, 0xFD, 0xA0, 0xFF, 0x20],
    );
    w("sjis.txt", &encoding_rs::SHIFT_JIS.encode(policy).0);
    w("eucjp.txt", &encoding_rs::EUC_JP.encode(policy).0);
    let mut utf16 = vec![0xFF, 0xFE];
    utf16.extend(policy.encode_utf16().flat_map(u16::to_le_bytes));
    w("utf16.txt", &utf16);
    w("crlf.txt", policy.replace('\n', "\r\n").as_bytes());
    w(
        "cr.txt",
        "第1条（目的）\r当社はＣＲだけの改行を使います。\r\r第2条（変更）\r変更します。\r"
            .as_bytes(),
    );
    w(
        "one line.txt",
        "個人情報を守ります。"
            .repeat(5 * 1024 * 1024 / 30)
            .as_bytes(),
    );
    std::fs::write(
        c.join(std::ffi::OsStr::from_bytes(b"latin1-\xe9t\xe9.txt")),
        policy,
    )
    .unwrap();
    let mut deep = c.clone();
    for level in 0..40 {
        deep = deep.join(format!("d{level}"));
    }
    std::fs::create_dir_all(&deep).unwrap();
    std::fs::write(deep.join("deep.md"), policy).unwrap();
    std::os::unix::fs::symlink(&c, c.join("loop")).unwrap();
    let tiny = c.join("tiny");
    std::fs::create_dir(&tiny).unwrap();
    for i in 0..10_000 {
        std::fs::write(
            tiny.join(format!("{i:05}.txt")),
            format!("当社{i}は第三者に提供しません。"),
        )
        .unwrap();
    }

    w("secret.txt", policy.as_bytes());
    use std::os::unix::fs::PermissionsExt;
    let secret = c.join("secret.txt");
    std::fs::set_permissions(&secret, std::fs::Permissions::from_mode(0o000)).unwrap();

    let index = dir.path().join("index");
    // Root reads any file; the unreadable one is only unreadable to somebody else.
    let (mut indexing, unreadable) = match as_nobody() {
        Some(cmd) => {
            for d in [dir.path(), &c] {
                std::fs::set_permissions(d, std::fs::Permissions::from_mode(0o755)).unwrap();
            }
            std::fs::create_dir(&index).unwrap();
            std::fs::set_permissions(&index, std::fs::Permissions::from_mode(0o777)).unwrap();
            (cmd, true)
        }
        None if running_as_root() => {
            eprintln!("cannot drop root here (no setpriv): the unreadable file is not tested");
            (joubun(), false)
        }
        None => (joubun(), true),
    };
    let out = succeed(indexing.arg("index").arg(&c).arg("--index").arg(&index));
    let stderr = String::from_utf8(out.stderr).unwrap();
    let skipped: Vec<&str> = stderr
        .lines()
        .filter(|l| l.starts_with("joubun: skipped"))
        .collect();
    // binary.txt, invalid.txt and the link `loop` (not followed, and said so).
    assert_eq!(skipped.len(), 3 + usize::from(unreadable), "{stderr}");
    assert!(
        skipped
            .iter()
            .any(|l| l.contains("loop") && l.contains("symbolic link, not followed")),
        "{stderr}"
    );
    if unreadable {
        assert!(
            skipped
                .iter()
                .any(|l| l.contains("secret.txt") && l.contains("ermission denied")),
            "{stderr}"
        );
    }
    assert!(
        skipped
            .iter()
            .any(|l| l.contains("binary.txt") && l.contains("binary file")),
        "{stderr}"
    );
    assert!(
        skipped
            .iter()
            .any(|l| l.contains("invalid.txt") && l.contains("cannot decode")),
        "{stderr}"
    );
    // Readable: 10,000 tiny + sjis, eucjp, utf16, crlf, cr, one line, latin1 name, deep = 10,008, plus
    // the empty file (no clause), plus the secret one when it can be read.
    let indexed = if unreadable { 10009 } else { 10010 };
    assert!(
        stderr.contains(&format!("indexed {indexed} files")),
        "{stderr}"
    );

    let out = succeed(joubun().args(["facets", "--json", "--index"]).arg(&index));
    let facets: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(facets["total"].as_u64().unwrap() >= 10_008, "{facets}");
    for query in ["ＣＲだけ", "個人情報"] {
        joubun()
            .args(["search", query, "--index"])
            .arg(&index)
            .assert()
            .code(0);
    }
    // The CR-only file has its lines counted.
    let out = succeed(
        joubun()
            .args(["search", "変更", "--json", "--index"])
            .arg(&index),
    );
    let cr = json_lines(&out)
        .into_iter()
        .find(|h| h["doc"] == "cr.txt")
        .unwrap();
    assert_eq!(cr["line_start"], 5);

    // --strict: the same run, but non-zero because something was skipped.
    joubun()
        .arg("index")
        .arg(&c)
        .arg("--strict")
        .arg("--index")
        .arg(&index)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--strict"));
}

#[test]
fn a_killed_export_leaves_no_half_written_file() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = big_corpus(dir.path(), 250);
    let index = dir.path().join("index");
    index_into(&corpus, &index);
    let target = dir.path().join("out.csv");
    let temporaries = || -> Vec<std::path::PathBuf> {
        std::fs::read_dir(dir.path())
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.to_string_lossy().ends_with(".tmp"))
            .collect()
    };
    for _ in 0..2 {
        let mut export = Command::new(env!("CARGO_BIN_EXE_joubun"))
            .args(["export", "--format", "csv", "-o"])
            .arg(&target)
            .arg("--index")
            .arg(&index)
            .spawn()
            .unwrap();
        // Kill it while it writes: once its temporary file exists and before it is renamed.
        let started = Instant::now();
        while temporaries().is_empty() && started.elapsed() < Duration::from_secs(20) {
            std::thread::sleep(Duration::from_millis(5));
        }
        Command::new("kill")
            .args(["-9", &export.id().to_string()])
            .status()
            .unwrap();
        assert!(
            !export.wait().unwrap().success(),
            "killed before it finished"
        );
        assert!(
            !target.exists(),
            "a killed export left {}",
            target.display()
        );
        assert!(!temporaries().is_empty(), "it was killed while writing");
    }
    // The next export to the same place clears what the killed ones left behind, and completes.
    succeed(
        joubun()
            .args(["export", "--format", "csv", "-o"])
            .arg(&target)
            .arg("--index")
            .arg(&index),
    );
    assert!(temporaries().is_empty(), "{:?}", temporaries());
    let rows = csv::Reader::from_path(&target).unwrap().records().count();
    assert_eq!(rows, ids(&index).len());
}

#[test]
fn indexes_of_other_versions_say_which_and_how_to_rebuild() {
    let dir = tempfile::tempdir().unwrap();
    let index = dir.path().join("index");
    index_into(corpus(), &index);
    let meta = index.join("joubun.json");
    let original = std::fs::read_to_string(&meta).unwrap();
    let schema = format!("\"schema_version\": {}", joubun::index::SCHEMA_VERSION);
    let analysis = format!(
        "\"analysis_version\": {}",
        joubun::analysis::ANALYSIS_VERSION
    );
    for (from, to, says) in [
        (schema.as_str(), "\"schema_version\": 0", "schema 0"),
        (analysis.as_str(), "\"analysis_version\": 99", "analysis 99"),
        ("mecab-ipadic-2.7.0-20070801", "unidic-3.1", "unidic-3.1"),
    ] {
        std::fs::write(&meta, original.replace(from, to)).unwrap();
        for command in [
            &["search", "個人情報"][..],
            &["stats"],
            &["show", "lnsoft#12.2"],
            &["facets"],
        ] {
            joubun()
                .args(command)
                .arg("--index")
                .arg(&index)
                .assert()
                .code(2)
                .stderr(predicate::str::contains(says).and(predicate::str::contains("--rebuild")));
        }
        // Updating it without --rebuild is refused the same way; with it, it is rebuilt.
        joubun()
            .arg("index")
            .arg(corpus())
            .arg("--index")
            .arg(&index)
            .assert()
            .code(2)
            .stderr(predicate::str::contains("--rebuild"));
        succeed(
            joubun()
                .arg("index")
                .arg(corpus())
                .arg("--rebuild")
                .arg("--index")
                .arg(&index),
        );
        joubun()
            .args(["search", "個人情報", "--index"])
            .arg(&index)
            .assert()
            .code(0);
    }
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

/// `joubun` run as user `nobody`, when this test runs as root and can drop to it with `setpriv`.
fn as_nobody() -> Option<assert_cmd::Command> {
    if !running_as_root() {
        return None;
    }
    let drop = ["--reuid=65534", "--regid=65534", "--clear-groups"];
    let works = Command::new("setpriv")
        .args(drop)
        .arg("true")
        .status()
        .is_ok_and(|s| s.success());
    works.then(|| {
        let mut cmd = assert_cmd::Command::new("setpriv");
        cmd.args(drop)
            .arg(env!("CARGO_BIN_EXE_joubun"))
            .env("NO_COLOR", "1")
            .env_remove("JOUBUN_INDEX");
        cmd
    })
}

/// The number just before `unit` in `text` ("993474 clauses" → 993474).
fn number_before(text: &str, unit: &str) -> Option<u64> {
    let at = text.find(unit)?;
    text[..at].split_whitespace().last()?.parse().ok()
}

/// Indexes `corpus` into `index`, returning the one-line summary.
fn index_summary(corpus: &Path, index: &Path) -> String {
    let out = index_into(corpus, index);
    let stderr = String::from_utf8(out.stderr).unwrap();
    stderr
        .lines()
        .find(|l| l.starts_with("joubun: indexed"))
        .unwrap_or_else(|| panic!("no summary in {stderr}"))
        .to_string()
}

#[test]
fn a_200_mb_file_is_indexed_whole_in_bounded_memory() {
    let dir = tempfile::tempdir().unwrap();
    let policy = [
        std::fs::read_to_string(corpus().join("heyimg.txt")).unwrap(),
        std::fs::read_to_string(corpus().join("english-policy.txt")).unwrap(),
    ]
    .join("\n");
    // Clauses of one copy, counted where nothing is big.
    let small = dir.path().join("small");
    std::fs::create_dir(&small).unwrap();
    std::fs::write(small.join("three.txt"), policy.repeat(3)).unwrap();
    let summary = index_summary(&small, &dir.path().join("small-index"));
    let per_copy = number_before(&summary, " clauses").unwrap() / 3;

    let big = dir.path().join("big");
    std::fs::create_dir(&big).unwrap();
    let copies = 200_000_000 / policy.len() + 1;
    let file = big.join("big.txt");
    {
        use std::io::Write;
        let mut out = std::io::BufWriter::new(std::fs::File::create(&file).unwrap());
        for _ in 0..copies {
            out.write_all(policy.as_bytes()).unwrap();
        }
    }
    let size = std::fs::metadata(&file).unwrap().len();
    assert!(size >= 200_000_000);
    let summary = index_summary(&big, &dir.path().join("index"));
    eprintln!("{size} bytes: {summary}");
    assert_eq!(
        number_before(&summary, " clauses"),
        Some(per_copy * copies as u64),
        "{summary}"
    );
    // The file is held once while it is cut into clauses; the rest is the index writer's fixed
    // budget and its merges. A second copy of the text would cross this line.
    if let Some(peak) = number_before(&summary, " MB)") {
        assert!(
            peak < (size >> 20) + 600,
            "peak memory {peak} MB for a {} MB file: {summary}",
            size >> 20
        );
    }
}
