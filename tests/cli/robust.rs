//! Trust under pressure: two writers, a writer killed midway, readers during a write.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use predicates::prelude::*;

use crate::util::{corpus, joubun, json_lines, succeed};

/// A corpus of `n` copies of the bundled policies, big enough for an index run to take a while.
fn big_corpus(dir: &Path, n: usize) -> std::path::PathBuf {
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
    let mut holder = Command::new("sleep").arg("30").spawn().unwrap();
    std::fs::write(index.join("joubun.lock"), holder.id().to_string()).unwrap();
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
    succeed(
        joubun()
            .arg("index")
            .arg(corpus())
            .arg("--index")
            .arg(&index),
    );
    assert!(!index.join("joubun.lock").exists(), "the lock is released");
}

#[test]
fn readers_answer_during_a_write_and_a_killed_writer_loses_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = big_corpus(dir.path(), 250);
    let index = dir.path().join("index");
    succeed(
        joubun()
            .arg("index")
            .arg(&corpus)
            .arg("--index")
            .arg(&index),
    );
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
    succeed(
        joubun()
            .arg("index")
            .arg(&corpus)
            .arg("--index")
            .arg(&index),
    );
    assert_eq!(ids(&index), clean);
}
