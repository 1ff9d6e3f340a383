//! The errors a command can end with, each worded so the user knows what to do next.

use std::io;

/// Anything that stops a command; printed once as `joubun: <message>` with exit status 2.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Input given on the command line or stdin that cannot be used.
    #[error("{0}")]
    Input(String),
    /// The index could not be built or opened.
    #[error(transparent)]
    Index(#[from] crate::index::IndexError),
    /// A query could not be run.
    #[error(transparent)]
    Query(#[from] crate::query::QueryError),
    /// Writing to standard output failed (other than a closed pipe, which is not an error).
    #[error("cannot write output: {0}")]
    Output(#[from] io::Error),
}

/// Shorthand for results whose error is [`Error`].
pub type Result<T> = std::result::Result<T, Error>;
