//! Analysis benchmark: dictionary load time and single-thread analyser throughput against MeCab.
//!
//! Run with `cargo bench --bench analysis`. The text is the bundled corpus repeated to at least 10 MB;
//! MeCab (`mecab -Owakati`, Debian's mecab + mecab-ipadic-utf8) is timed on the same file when installed.
//! Every measure runs once per round and the rounds interleave, so a busy neighbour on this shared
//! machine slows all of them alike; figures are medians. They go to stdout and bench/RESULTS-analysis.md.

use std::fmt::Write as _;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use joubun::analysis::{Analyzer, Terms, dictionary, segment};

const MIN_BYTES: usize = 10 * 1024 * 1024;
const ROUNDS: usize = 7;

/// One thing timed: its name, and a run that returns how many tokens it produced.
type Measure<'a> = (String, Box<dyn FnMut() -> usize + 'a>);

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let text = corpus_text(&root.join("corpus"));
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    let mb = text.len() as f64 / 1e6;
    let file = std::env::temp_dir().join("joubun-bench-analysis.txt");
    std::fs::write(&file, &text).expect("write temp text");

    // Throughput is what indexing needs: the dictionary with its character table.
    dictionary::expect_bulk();
    let load = median(&mut (0..21).map(|_| {
        let start = Instant::now();
        drop(dictionary::load().expect("embedded dictionary"));
        start.elapsed()
    }));
    let load_lean = median(&mut (0..21).map(|_| {
        let start = Instant::now();
        drop(dictionary::load_lean().expect("embedded dictionary"));
        start.elapsed()
    }));

    let mut measures: Vec<Measure> = Vec::new();
    for analyzer in [Analyzer::Ja, Analyzer::JaReading, Analyzer::CjkBigram] {
        let lines = &lines;
        let mut terms = Terms::default();
        measures.push((
            format!("`{}`", analyzer.name()),
            Box::new(move || {
                let mut count = 0;
                for line in lines {
                    terms.clear();
                    analyzer.analyze_into(line, false, &mut terms);
                    count += terms.len();
                }
                count
            }),
        ));
    }
    measures.push((
        "segmentation alone (NFKC + IPADIC Viterbi)".to_string(),
        Box::new(|| lines.iter().map(|l| segment(l).len()).sum()),
    ));
    let has_mecab = Command::new("mecab")
        .arg("--version")
        .stdout(Stdio::null())
        .status()
        .is_ok();
    if has_mecab {
        let file = &file;
        measures.push((
            "`mecab -Owakati` (same file)".to_string(),
            Box::new(move || {
                let status = Command::new("mecab")
                    .arg("-Owakati")
                    .arg(file)
                    .stdout(Stdio::null())
                    .status();
                assert!(status.is_ok_and(|s| s.success()), "mecab failed");
                0
            }),
        ));
    }

    let mut samples: Vec<Vec<Duration>> = vec![Vec::new(); measures.len()];
    let mut tokens = vec![0; measures.len()];
    for _ in 0..ROUNDS {
        for (i, (_, run)) in measures.iter_mut().enumerate() {
            let start = Instant::now();
            tokens[i] = run();
            samples[i].push(start.elapsed());
        }
    }
    let _ = std::fs::remove_file(&file);

    let mut report = String::new();
    writeln!(report, "# Analysis benchmark\n").unwrap();
    writeln!(report, "Text: bundled corpus repeated to {mb:.1} MB ({} lines); one thread; median of {ROUNDS} interleaved rounds.\n", lines.len()).unwrap();
    writeln!(report, "| measure | value |\n|---|---|").unwrap();
    writeln!(
        report,
        "| IPADIC load for indexing, with lindera's character table (median of 21) | {:.3} ms |",
        load.as_secs_f64() * 1e3
    )
    .unwrap();
    writeln!(
        report,
        "| IPADIC load for a search, without it (median of 21) | {:.3} ms |",
        load_lean.as_secs_f64() * 1e3
    )
    .unwrap();
    let mut speed = Vec::new();
    for ((name, _), (mut times, count)) in measures.iter().zip(samples.into_iter().zip(tokens)) {
        let secs = median(&mut times.drain(..)).as_secs_f64();
        speed.push(mb / secs);
        let tokens = if count > 0 {
            format!(", {:.2} M tokens/s", count as f64 / secs / 1e6)
        } else {
            String::new()
        };
        writeln!(report, "| {name} | {:.1} MB/s{tokens} |", mb / secs).unwrap();
    }
    if has_mecab {
        writeln!(
            report,
            "| `ja` ÷ MeCab | {:.2}× |",
            speed[0] / speed[speed.len() - 1]
        )
        .unwrap();
    } else {
        writeln!(
            report,
            "| `mecab -Owakati` | not installed (apt-get install mecab mecab-ipadic-utf8) |"
        )
        .unwrap();
    }
    print!("{report}");
    std::fs::write(root.join("bench/RESULTS-analysis.md"), &report)
        .expect("write bench/RESULTS-analysis.md");
}

fn corpus_text(dir: &Path) -> String {
    let mut docs: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    docs.retain(|p| joubun::corpus::is_document(p));
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

fn median(samples: &mut dyn Iterator<Item = Duration>) -> Duration {
    let mut v: Vec<Duration> = samples.collect();
    v.sort();
    v[v.len() / 2]
}
