//! Analysis benchmark: dictionary load time and single-thread `ja` throughput against MeCab.
//!
//! Run with `cargo bench --bench analysis`. The text is the bundled corpus repeated to at least 10 MB;
//! MeCab (`mecab -Owakati`, Debian's mecab + mecab-ipadic-utf8) is timed on the same file when installed.
//! Figures go to stdout and to bench/RESULTS-analysis.md.

use std::fmt::Write as _;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use joubun::analysis::{Analyzer, dictionary};

const MIN_BYTES: usize = 10 * 1024 * 1024;
const RUNS: usize = 5;

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let text = corpus_text(&root.join("corpus"));
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    let mut report = String::new();
    let mb = text.len() as f64 / 1e6;
    writeln!(report, "# Analysis benchmark\n\nText: bundled corpus repeated to {mb:.1} MB ({} lines); one thread; median of {RUNS} runs.\n", lines.len()).unwrap();

    let load = median((0..21).map(|_| {
        let start = Instant::now();
        let dictionary = dictionary::load().expect("embedded dictionary");
        let took = start.elapsed();
        drop(dictionary);
        took
    }));
    writeln!(report, "| measure | value |\n|---|---|").unwrap();
    writeln!(
        report,
        "| IPADIC load (embedded, median of 21) | {:.3} ms |",
        load.as_secs_f64() * 1e3
    )
    .unwrap();

    for analyzer in [Analyzer::Ja, Analyzer::JaReading, Analyzer::CjkBigram] {
        let mut terms = Vec::new();
        let mut count = 0;
        let took = median((0..RUNS).map(|_| {
            count = 0;
            let start = Instant::now();
            for line in &lines {
                terms.clear();
                analyzer.analyze_into(line, false, &mut terms);
                count += terms.len();
            }
            start.elapsed()
        }));
        let secs = took.as_secs_f64();
        writeln!(
            report,
            "| `{}` | {:.1} MB/s, {:.0} tokens/s ({count} tokens in {secs:.2} s) |",
            analyzer.name(),
            mb / secs,
            count as f64 / secs
        )
        .unwrap();
    }

    let segment = median((0..RUNS).map(|_| {
        let start = Instant::now();
        for line in &lines {
            std::hint::black_box(joubun::analysis::segment(line));
        }
        start.elapsed()
    }));
    writeln!(
        report,
        "| segmentation alone (NFKC + IPADIC Viterbi) | {:.1} MB/s |",
        mb / segment.as_secs_f64()
    )
    .unwrap();

    let file = std::env::temp_dir().join("joubun-bench-analysis.txt");
    std::fs::write(&file, &text).expect("write temp text");
    match mecab(&file) {
        Some(took) => writeln!(
            report,
            "| `mecab -Owakati` (same file) | {:.1} MB/s |",
            mb / took.as_secs_f64()
        )
        .unwrap(),
        None => writeln!(
            report,
            "| `mecab -Owakati` | not installed (apt-get install mecab mecab-ipadic-utf8) |"
        )
        .unwrap(),
    }
    let _ = std::fs::remove_file(&file);

    print!("{report}");
    std::fs::write(root.join("bench/RESULTS-analysis.md"), &report)
        .expect("write bench/RESULTS-analysis.md");
}

fn corpus_text(dir: &Path) -> String {
    let mut docs: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    docs.sort();
    let one: String = docs
        .iter()
        .filter_map(|p| std::fs::read_to_string(p).ok())
        .collect::<Vec<_>>()
        .join("\n");
    let mut text = String::with_capacity(MIN_BYTES + one.len());
    while text.len() < MIN_BYTES {
        text.push_str(&one);
        text.push('\n');
    }
    text
}

fn mecab(file: &Path) -> Option<Duration> {
    Command::new("mecab")
        .arg("--version")
        .stdout(Stdio::null())
        .status()
        .ok()?;
    Some(median((0..RUNS).map(|_| {
        let start = Instant::now();
        let status = Command::new("mecab")
            .args(["-Owakati"])
            .arg(file)
            .stdout(Stdio::null())
            .status()
            .unwrap();
        assert!(status.success());
        start.elapsed()
    })))
}

fn median(samples: impl Iterator<Item = Duration>) -> Duration {
    let mut v: Vec<Duration> = samples.collect();
    v.sort();
    v[v.len() / 2]
}
