//! Backpressure on the index writer. tantivy queues up to 10,000 documents ahead of its indexing
//! threads, each with copies of its clause's text, and reading files is faster than analysing them:
//! a 30 MB one-line document queued 114 MB of pieces at once. The writer is given no more than
//! [`MAX_QUEUED_BYTES`] of text ahead of what its threads have analysed.

use std::time::{Duration, Instant};

use crate::analysis;

/// The most text given to the writer and not yet analysed: a second or so of both threads' work, so
/// that they never wait for the reader.
const MAX_QUEUED_BYTES: u64 = 16 << 20;

/// How long a wait lasts while the threads analyse nothing (a segment being written to disk): then
/// the reader goes on, so that a wrong count can slow a run but never stop it.
const STALL: Duration = Duration::from_secs(1);

/// Text given to one writer, against text its threads have analysed.
pub struct Backlog {
    /// What the analysers had read before this writer began.
    analysed_before: u64,
    /// Bytes for the analysers given to the writer.
    given: u64,
}

impl Backlog {
    /// Starts counting for a writer about to be given documents.
    pub fn new() -> Backlog {
        Backlog {
            analysed_before: analysis::analysed_bytes(),
            given: 0,
        }
    }

    /// Records a document of `bytes` of text for the analysers just given to the writer, and waits
    /// while more than [`MAX_QUEUED_BYTES`] of text is queued.
    pub fn given(&mut self, bytes: usize) {
        self.given += bytes as u64;
        let mut analysed = self.analysed();
        let mut moved = Instant::now();
        while self.given.saturating_sub(analysed) > MAX_QUEUED_BYTES && moved.elapsed() < STALL {
            std::thread::sleep(Duration::from_millis(1));
            let now = self.analysed();
            if now != analysed {
                analysed = now;
                moved = Instant::now();
            }
        }
    }

    fn analysed(&self) -> u64 {
        analysis::analysed_bytes() - self.analysed_before
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_writer_that_analyses_nothing_delays_the_reader_but_never_stops_it() {
        let mut backlog = Backlog::new();
        // Within the budget: no wait at all.
        backlog.given(1 << 20);
        // Over it with nothing being analysed (no writer here): the reader waits one stall, then goes on.
        let started = Instant::now();
        backlog.given(MAX_QUEUED_BYTES as usize);
        let waited = started.elapsed();
        assert!(waited >= STALL, "{waited:?}");
    }
}
