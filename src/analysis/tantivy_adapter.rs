//! Makes each [`Analyzer`] a tantivy tokenizer, registered under its name.
//!
//! Written against tantivy's tokenizer API directly (lindera-tantivy lags tantivy's releases).

use std::sync::atomic::{AtomicU64, Ordering};

use tantivy::tokenizer::{TextAnalyzer, Token, TokenStream, Tokenizer, TokenizerManager};

use super::{Analyzer, Term, Terms};

/// Registers every analyser with `manager` under [`Analyzer::name`].
pub fn register(manager: &TokenizerManager) {
    for analyzer in Analyzer::ALL {
        manager.register(
            analyzer.name(),
            TextAnalyzer::from(JoubunTokenizer::new(analyzer)),
        );
    }
}

/// Bytes of text the tokenizers were given, process-wide.
static ANALYSED: AtomicU64 = AtomicU64::new(0);

/// Bytes of text tantivy has handed to the analysers so far in this process: with the bytes given to
/// an index writer, how much is still queued in it.
pub fn analysed_bytes() -> u64 {
    ANALYSED.load(Ordering::Relaxed)
}

/// A tantivy [`Tokenizer`] running one of our analysers.
#[derive(Clone)]
pub struct JoubunTokenizer {
    analyzer: Analyzer,
    terms: Terms,
    token: Token,
}

impl JoubunTokenizer {
    /// A tokenizer for `analyzer`.
    pub fn new(analyzer: Analyzer) -> JoubunTokenizer {
        JoubunTokenizer {
            analyzer,
            terms: Terms::default(),
            token: Token::default(),
        }
    }
}

impl Tokenizer for JoubunTokenizer {
    type TokenStream<'a> = JoubunTokenStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> JoubunTokenStream<'a> {
        ANALYSED.fetch_add(text.len() as u64, Ordering::Relaxed);
        self.terms.clear();
        self.analyzer.analyze_into(text, false, &mut self.terms);
        self.token.reset();
        JoubunTokenStream {
            terms: self.terms.iter_mut(),
            token: &mut self.token,
        }
    }
}

/// The terms of one text, handed to tantivy one at a time.
pub struct JoubunTokenStream<'a> {
    terms: std::slice::IterMut<'a, Term>,
    token: &'a mut Token,
}

impl TokenStream for JoubunTokenStream<'_> {
    fn advance(&mut self) -> bool {
        let Some(term) = self.terms.next() else {
            return false;
        };
        // Each term's string is handed over, not copied; the term keeps the token's old one to refill.
        std::mem::swap(&mut self.token.text, &mut term.text);
        self.token.offset_from = term.start;
        self.token.offset_to = term.end;
        self.token.position = term.position;
        self.token.position_length = 1;
        true
    }

    fn token(&self) -> &Token {
        self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        self.token
    }
}
