//! `joubun analyze`: Elasticsearch's _analyze, on the command line.

use predicates::prelude::*;

use crate::util::{joubun, stdout_of, succeed};

#[test]
fn shows_surface_term_base_form_and_offsets() {
    let out = joubun()
        .args(["analyze", "提供いたしません"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = stdout_of(&out);
    assert!(
        text.contains("提供\t提供\t提供\t名詞,サ変接続\tテイキョウ\t0..6"),
        "{text}"
    );
    assert!(
        text.contains("いたし\tいたす\tいたす\t動詞,非自立"),
        "{text}"
    );
    assert!(!text.contains("ませ"), "auxiliaries are stop tags:\n{text}");
}

#[test]
fn json_lists_every_token() {
    let out = joubun()
        .args([
            "analyze",
            "--analyzer",
            "en",
            "--json",
            "Third Ｐａｒｔｉｅｓ",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["analyzer"], "en");
    let tokens = report["tokens"].as_array().unwrap();
    assert_eq!(tokens.len(), 2);
    assert_eq!(tokens[1]["surface"], "Ｐａｒｔｉｅｓ");
    assert_eq!(tokens[1]["text"], "parti");
    assert_eq!(tokens[1]["start"], 6);
}

#[test]
fn every_analyzer_is_reachable_by_name() {
    for (name, text, expect) in [
        ("ja_reading", "取扱い", "トリアツカイ"),
        ("cjk_bigram", "関西国際空港", "空港"),
        ("ja", "ｸｯｷｰ", "クッキ"),
    ] {
        joubun()
            .args(["analyze", "-a", name, text])
            .assert()
            .success()
            .stdout(predicate::str::contains(expect));
    }
    joubun()
        .args(["analyze", "-a", "klingon", "x"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("ja_reading"));
}

#[test]
fn empty_text_gives_no_tokens() {
    let out = joubun().args(["analyze", "--json", ""]).output().unwrap();
    assert!(out.status.success());
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["tokens"].as_array().unwrap().len(), 0);
}

#[test]
fn control_characters_are_analysed_and_shown_escaped() {
    joubun()
        .args(["analyze", "-"])
        .write_stdin("個人\u{0}情報\u{7}\u{1b}[31m提供")
        .assert()
        .success()
        .stdout(predicate::str::contains("情報").and(predicate::str::contains("提供")));
}

#[test]
fn invalid_utf8_on_stdin_is_a_clear_error() {
    joubun()
        .arg("analyze")
        .write_stdin(b"\x82\xa0 shift_jis".to_vec())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("stdin is not valid UTF-8"));
}

#[test]
fn text_from_stdin_is_analysed() {
    joubun()
        .args(["analyze", "-"])
        .write_stdin("第三者提供")
        .assert()
        .success()
        .stdout(predicate::str::contains("第三者"));
}

#[test]
fn a_ten_megabyte_line_is_analysed() {
    let line = "当社は個人情報を適切に取り扱います。".repeat(10 * 1024 * 1024 / 54);
    assert!(line.len() >= 10 * 1000 * 1000);
    let out = succeed(
        joubun()
            .args(["analyze", "--json", "-"])
            .write_stdin(line.clone()),
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let tokens = report["tokens"].as_array().unwrap();
    // Five content words and a sentence's end a sentence, to the very end of the line.
    assert_eq!(
        tokens.len(),
        6 * line.len() / "当社は個人情報を適切に取り扱います。".len()
    );
    assert_eq!(
        tokens.last().unwrap()["end"].as_u64().unwrap() as usize,
        line.len()
    );
}

/// build.rs links the binary at a fixed address, sparing every start its relocations.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[test]
fn the_binary_is_not_position_independent() {
    use std::io::Read;
    let mut elf = [0; 18];
    (std::fs::File::open(env!("CARGO_BIN_EXE_joubun")).unwrap())
        .read_exact(&mut elf)
        .unwrap();
    assert_eq!(&elf[..4], b"\x7fELF");
    // e_type: 2 is a plain executable, 3 a shared object (a PIE).
    assert_eq!(u16::from_le_bytes([elf[16], elf[17]]), 2);
}

#[test]
fn the_binary_works_copied_anywhere_alone() {
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("joubun");
    std::fs::copy(env!("CARGO_BIN_EXE_joubun"), &copy).unwrap();
    let out = std::process::Command::new(&copy)
        .current_dir(dir.path())
        .args(["analyze", "第三者提供"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("第三者"));
}
