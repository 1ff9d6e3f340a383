//! The command-line surface under careless or hostile use: paging flags, export targets, closed pipes,
//! bad dates.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use predicates::prelude::*;

use crate::robust::big_corpus;
use crate::util::{corpus, index_into, joubun, succeed};

/// An index of the bundled corpus in a temp dir of its own.
fn bundled() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let index = dir.path().join("index");
    index_into(corpus(), &index);
    (dir, index)
}

#[test]
fn paging_flags_beyond_their_bounds_are_refused_not_run() {
    let (_dir, index) = bundled();
    for (flag, value) in [
        ("--limit", "18446744073709551615"),
        ("--limit", "100000000000"),
        ("--limit", "10001"),
        ("--offset", "1000000000000"),
        ("--offset", "100001"),
        ("--offset", "-1"),
    ] {
        for by in [&[][..], &["--by", "article"][..]] {
            joubun()
                .args(["search", "個人情報", &format!("{flag}={value}")])
                .args(by)
                .arg("--index")
                .arg(&index)
                .assert()
                .code(2)
                .stderr(
                    predicate::str::contains(flag).and(predicate::str::contains("panicked").not()),
                );
        }
    }
    // The largest accepted page runs, and says how many match.
    for by in [&[][..], &["--by", "article"][..]] {
        joubun()
            .args([
                "search",
                "個人情報",
                "--limit",
                "10000",
                "--offset",
                "100000",
            ])
            .args(by)
            .arg("--index")
            .arg(&index)
            .assert()
            .code(0)
            .stdout(predicate::str::contains("clauses match"));
    }
}

#[test]
fn impossible_dates_are_refused() {
    let (_dir, index) = bundled();
    for flag in ["--since", "--until"] {
        for day in ["2024-13-45", "2023-02-29", "2024-04-31", "yesterday"] {
            joubun()
                .args(["search", "個人情報", flag, day, "--index"])
                .arg(&index)
                .assert()
                .code(2)
                .stderr(predicate::str::contains("is not a calendar day"));
        }
    }
    succeed(
        joubun()
            .args(["search", "個人情報", "--since", "2024-02-29", "--index"])
            .arg(&index),
    );
}

/// Runs `cmd` with its standard output read by `head -c 1`, which exits at once, and returns
/// joubun's exit status and stderr.
fn into_a_closed_pipe(cmd: &mut Command) -> (Option<i32>, String) {
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let pipe = child.stdout.take().unwrap();
    // `head` reads one byte and exits, closing the pipe while joubun still writes.
    let head = Command::new("head")
        .args(["-c", "1"])
        .stdin(pipe)
        .stdout(Stdio::null())
        .status()
        .unwrap();
    assert!(head.success());
    let out = child.wait_with_output().unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).to_string(),
    )
}

#[test]
fn a_reader_that_stops_early_is_not_an_error() {
    let dir = tempfile::tempdir().unwrap();
    // Enough output to outlast the pipe's buffer.
    let corpus = big_corpus(dir.path(), 60);
    let index = dir.path().join("index");
    index_into(&corpus, &index);
    let runs: [&[&str]; 5] = [
        &["export", "--format", "jsonl"],
        &["export", "--format", "csv", "-o", "-"],
        &["search", "当社", "--limit", "10000"],
        &["search", "当社", "--limit", "10000", "--json"],
        &["search", "当社", "--limit", "100", "--by", "article"],
    ];
    for args in runs {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_joubun"));
        cmd.args(args).arg("--index").arg(&index);
        let (code, stderr) = into_a_closed_pipe(&mut cmd);
        assert_eq!(code, Some(0), "{args:?}: {stderr}");
        assert_eq!(stderr, "", "{args:?} is quiet");
    }
}

#[test]
fn dash_means_standard_output() {
    let (dir, index) = bundled();
    let out = succeed(
        joubun()
            .current_dir(dir.path())
            .args(["export", "--format", "jsonl", "-o", "-", "--index"])
            .arg(&index),
    );
    assert_eq!(String::from_utf8(out.stdout).unwrap().lines().count(), 239);
    assert!(!dir.path().join("-").exists(), "no file named -");
}

#[test]
fn json_exports_refuse_a_byte_order_mark() {
    let (dir, index) = bundled();
    for format in ["json", "jsonl"] {
        let target = dir.path().join(format!("out.{format}"));
        joubun()
            .args(["export", "--bom", "--format", format, "-o"])
            .arg(&target)
            .arg("--index")
            .arg(&index)
            .assert()
            .code(2)
            .stderr(predicate::str::contains("byte-order mark"));
        assert!(!target.exists());
    }
    let csv = dir.path().join("out.csv");
    succeed(
        joubun()
            .args(["export", "--bom", "--format", "csv", "-o"])
            .arg(&csv)
            .arg("--index")
            .arg(&index),
    );
    assert!(
        std::fs::read(&csv)
            .unwrap()
            .starts_with("\u{feff}id,".as_bytes())
    );
}

/// Runs `joubun export` to `target` with `extra` flags.
fn export_to(index: &Path, target: &Path, extra: &[&str]) -> assert_cmd::assert::Assert {
    joubun()
        .args(["export", "--format", "csv", "-o"])
        .arg(target)
        .args(extra)
        .arg("--index")
        .arg(index)
        .assert()
}

#[test]
fn exports_replace_only_regular_files() {
    let (dir, index) = bundled();
    // A FIFO (and a device, where one can be made here) is never replaced, even with --force.
    let fifo = dir.path().join("fifo");
    assert!(
        Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    let mut specials = vec![fifo];
    let device = dir.path().join("null");
    let made_device = Command::new("mknod")
        .arg(&device)
        .args(["c", "1", "3"])
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if made_device {
        specials.push(device);
    }
    let link_to_fifo = dir.path().join("link-to-fifo");
    std::os::unix::fs::symlink(&specials[0], &link_to_fifo).unwrap();
    specials.push(link_to_fifo);
    specials.push(dir.path().join("a-folder"));
    std::fs::create_dir(specials.last().unwrap()).unwrap();
    for special in &specials {
        let kind = std::fs::symlink_metadata(special).unwrap().file_type();
        export_to(&index, special, &["--force"]).code(2).stderr(
            predicate::str::contains("not a regular file")
                .and(predicate::str::contains("--force").not()),
        );
        assert_eq!(
            std::fs::symlink_metadata(special).unwrap().file_type(),
            kind,
            "{special:?} kept"
        );
    }

    // A dangling symbolic link is replaced only with --force.
    let dangling = dir.path().join("dangling.csv");
    std::os::unix::fs::symlink(dir.path().join("nowhere"), &dangling).unwrap();
    export_to(&index, &dangling, &[])
        .code(2)
        .stderr(predicate::str::contains("symbolic link"));
    assert!(
        std::fs::symlink_metadata(&dangling)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    export_to(&index, &dangling, &["--force"]).code(0);
    assert!(std::fs::symlink_metadata(&dangling).unwrap().is_file());

    // A regular file: refused without --force, replaced with it.
    let existing = dir.path().join("existing.csv");
    std::fs::write(&existing, "precious").unwrap();
    export_to(&index, &existing, &[]).code(2);
    assert_eq!(std::fs::read_to_string(&existing).unwrap(), "precious");
    export_to(&index, &existing, &["--force"]).code(0);
    assert!(
        std::fs::read_to_string(&existing)
            .unwrap()
            .starts_with("id,")
    );
}

#[test]
fn a_file_that_appears_during_an_export_is_not_overwritten() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = big_corpus(dir.path(), 100);
    let index = dir.path().join("index");
    index_into(&corpus, &index);
    let out = dir.path().join("out");
    std::fs::create_dir(&out).unwrap();
    let target = out.join("out.csv");
    for force in [false, true] {
        let _ = std::fs::remove_file(&target);
        let export = Command::new(env!("CARGO_BIN_EXE_joubun"))
            .args(["export", "--format", "csv", "-o"])
            .arg(&target)
            .args(force.then_some("--force"))
            .arg("--index")
            .arg(&index)
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // Stop it once it writes (its temporary file exists), put a file in its place, and let it go on.
        let started = Instant::now();
        while std::fs::read_dir(&out).unwrap().count() == 0 {
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "the export never started writing"
            );
            std::thread::sleep(Duration::from_millis(1));
        }
        let pid = export.id().to_string();
        assert!(
            Command::new("kill")
                .args(["-STOP", &pid])
                .status()
                .unwrap()
                .success()
        );
        std::fs::write(&target, "written by someone else").unwrap();
        assert!(
            Command::new("kill")
                .args(["-CONT", &pid])
                .status()
                .unwrap()
                .success()
        );
        let done = export.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&done.stderr);
        assert_eq!(done.status.code(), Some(2), "force {force}: {stderr}");
        assert!(stderr.contains("appeared while the export ran"), "{stderr}");
        assert_eq!(
            std::fs::read_to_string(&target).unwrap(),
            "written by someone else"
        );
        assert_eq!(
            std::fs::read_dir(&out).unwrap().count(),
            1,
            "no temporary left behind"
        );
    }
}

#[test]
fn an_export_into_the_corpus_folder_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus");
    std::fs::create_dir(&corpus).unwrap();
    std::fs::copy(
        crate::util::corpus().join("lnsoft.txt"),
        corpus.join("lnsoft.txt"),
    )
    .unwrap();
    let index = dir.path().join("index");
    index_into(&corpus, &index);
    for name in ["again.jsonl", "memo.md"] {
        export_to(&index, &corpus.join(name), &[])
            .code(2)
            .stderr(predicate::str::contains("inside the corpus folder"));
        assert!(!corpus.join(name).exists());
    }
    // A CSV beside the documents is never read as one; it may go there.
    export_to(&index, &corpus.join("table.csv"), &[]).code(0);
    let again = index_into(&corpus, &index);
    assert!(String::from_utf8_lossy(&again.stderr).contains("1 unchanged"));
}

/// Every clause id of `corpus` as `parse --json` gives them.
fn parsed_ids(corpus: &Path) -> Vec<String> {
    let out = succeed(joubun().args(["parse", "--json"]).arg(corpus));
    crate::util::json_lines(&out)
        .iter()
        .map(|c| c["id"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn clause_ids_are_unique_whatever_the_file_names_and_given_ids() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus");
    std::fs::create_dir(&corpus).unwrap();
    let policy = std::fs::read_to_string(crate::util::corpus().join("lnsoft.txt")).unwrap();
    for name in [
        "a b.txt",
        "a#b.txt",
        "a_b.txt",
        "x.txt",
        "x.md",
        "lnsoft.txt",
    ] {
        std::fs::write(corpus.join(name), &policy).unwrap();
    }
    // JSON lines claiming another document's id, the same id twice, an empty id, and ids like the
    // numbers given to lines without one.
    let lines = [
        r#"{"id":"lnsoft#12.2","text":"当社は個人情報を第三者に提供しません。"}"#,
        r#"{"id":"dup","text":"一つ目。"}"#,
        r#"{"id":"dup","text":"二つ目。"}"#,
        r#"{"id":"","text":"空の id。"}"#,
        r#"{"text":"id のない行。"}"#,
        r#"{"id":"5","text":"五行目を名乗る。"}"#,
    ];
    std::fs::write(corpus.join("claims.jsonl"), lines.join("\n")).unwrap();
    let ids = parsed_ids(&corpus);
    let unique: std::collections::HashSet<&String> = ids.iter().collect();
    assert_eq!(unique.len(), ids.len(), "duplicates among {ids:?}");
    assert!(
        ids.contains(&"lnsoft#12.2".to_string()),
        "the common case stays readable"
    );
    // The same ids from the index, and each found by `show` as the clause of its own document.
    let index = dir.path().join("index");
    index_into(&corpus, &index);
    for (id, doc) in [
        ("lnsoft#12.2", "lnsoft.txt"),
        ("a b#12.2", "a b.txt"),
        ("x.md#12.2", "x.md"),
    ] {
        let out = succeed(joubun().args(["show", "--json", id, "--index"]).arg(&index));
        let shown = crate::util::json_lines(&out);
        assert_eq!(shown.len(), 1, "{id}");
        assert_eq!(shown[0]["doc"], doc, "{id}");
    }
    let indexed = {
        let out = succeed(
            joubun()
                .args(["export", "--format", "jsonl", "--index"])
                .arg(&index),
        );
        let mut ids: Vec<String> = crate::util::json_lines(&out)
            .iter()
            .map(|c| c["id"].as_str().unwrap().to_string())
            .collect();
        ids.sort();
        ids
    };
    let mut parsed = ids.clone();
    parsed.sort();
    assert_eq!(indexed, parsed);
    // Stable: the same again, and unchanged when another file comes.
    std::fs::write(corpus.join("later.txt"), &policy).unwrap();
    let again = parsed_ids(&corpus);
    assert!(ids.iter().all(|id| again.contains(id)));
}

/// The peak memory the index summary states, in MB.
fn peak_mb(summary: &str) -> u64 {
    let at = summary.find(" MB)").expect("a peak in the summary");
    summary[..at]
        .split_whitespace()
        .last()
        .unwrap()
        .parse()
        .unwrap()
}

#[test]
fn one_long_line_is_indexed_whole_in_pieces_with_bounded_memory() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus");
    std::fs::create_dir(&corpus).unwrap();
    // Running text with no numbering in it, so the segmenter keeps the line one clause.
    let policy =
        "当社は、お客様の個人情報を適切に管理し、法令に基づく場合を除き第三者に提供しません。\
                  We keep your information safe and never sell it."
            .to_string();
    // 30 MB, the size the issue names: before, it peaked at 2.5 GB, then at 320 MB (the facts reader
    // and the type judge copied the line whole, and tantivy queued every piece at once).
    let line = policy.repeat(30_000_000 / policy.len() + 1);
    std::fs::write(corpus.join("long.txt"), &line).unwrap();
    let index = dir.path().join("index");
    let out = index_into(&corpus, &index);
    let stderr = String::from_utf8(out.stderr).unwrap();
    let summary = stderr
        .lines()
        .find(|l| l.starts_with("joubun: indexed"))
        .unwrap();
    // Before: about 110 bytes a byte, 1.2 GB for a 10 MB line.
    assert!(peak_mb(summary) < 300, "{summary}");
    // Nothing lost: the pieces, in order, are the line.
    let out = succeed(
        joubun()
            .args(["export", "--format", "jsonl", "--index"])
            .arg(&index),
    );
    let mut pieces: Vec<(usize, String, String)> = crate::util::json_lines(&out)
        .iter()
        .map(|c| {
            let id = c["id"].as_str().unwrap().to_string();
            let n = id.rsplit_once('/').map_or(1, |(_, n)| n.parse().unwrap());
            (n, id, c["text"].as_str().unwrap().to_string())
        })
        .collect();
    pieces.sort();
    assert!(pieces.len() > 100, "{} pieces", pieces.len());
    assert!(pieces.iter().all(|(_, _, text)| text.len() <= 32 * 1024));
    assert_eq!(
        pieces
            .iter()
            .map(|(_, _, t)| t.as_str())
            .collect::<String>(),
        line
    );
    // The first piece keeps the clause's id; the next ones follow it.
    assert!(pieces[0].1.starts_with("long#"), "{}", pieces[0].1);
    assert_eq!(pieces[1].1, format!("{}/2", pieces[0].1));
}

#[test]
fn analyze_streams_a_long_input_in_bounded_memory() {
    let dir = tempfile::tempdir().unwrap();
    let policy = std::fs::read_to_string(crate::util::corpus().join("lnsoft.txt")).unwrap();
    let input = dir.path().join("input.txt");
    let text = policy.repeat(4_000_000 / policy.len() + 1);
    std::fs::write(&input, &text).unwrap();
    let whole = Command::new("/usr/bin/time")
        .args(["-f", "peak %M KB"])
        .arg(env!("CARGO_BIN_EXE_joubun"))
        .args(["analyze", "-a", "cjk_bigram"])
        .stdin(std::fs::File::open(&input).unwrap())
        .output();
    let Ok(out) = whole else {
        return eprintln!("no /usr/bin/time here: peak memory not measured");
    };
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    let kb: u64 = stderr
        .rsplit("peak ")
        .next()
        .and_then(|s| s.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{stderr}"));
    // Before: about 90 bytes a byte held at once (4.4 GB for 50 MB).
    assert!(kb < 150_000, "peak {kb} KB for {} bytes", text.len());
    // Offsets run on across pieces: the last term ends near the end of the input.
    let stdout = String::from_utf8(out.stdout).unwrap();
    let last = stdout.lines().last().unwrap();
    let end: usize = last.rsplit("..").next().unwrap().parse().unwrap();
    assert!(end + 16 >= text.len(), "{last}");
    assert_eq!(&text[end - 6..end], last.split('\t').nth(1).unwrap());
}

#[test]
fn symbolic_links_in_a_corpus_are_reported_not_silently_dropped() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus");
    let outside = dir.path().join("outside");
    std::fs::create_dir_all(outside.join("folder")).unwrap();
    std::fs::create_dir(&corpus).unwrap();
    std::fs::copy(
        crate::util::corpus().join("lnsoft.txt"),
        corpus.join("lnsoft.txt"),
    )
    .unwrap();
    std::fs::copy(
        crate::util::corpus().join("livals.txt"),
        outside.join("livals.txt"),
    )
    .unwrap();
    let links = [
        ("linked.txt", outside.join("livals.txt")),
        ("again.txt", corpus.join("lnsoft.txt")),
        ("folder", outside.join("folder")),
        ("dangling.md", dir.path().join("nowhere")),
    ];
    for (name, target) in &links {
        std::os::unix::fs::symlink(target, corpus.join(name)).unwrap();
    }
    let out = index_into(&corpus, dir.path().join("index"));
    let stderr = String::from_utf8(out.stderr).unwrap();
    for (name, _) in &links {
        assert!(
            stderr.contains(&format!("{name}: symbolic link, not followed")),
            "{name}: {stderr}"
        );
    }
    assert!(
        stderr.contains("indexed 1 files") && stderr.contains("4 skipped"),
        "{stderr}"
    );
}
