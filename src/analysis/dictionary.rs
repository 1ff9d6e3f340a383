//! The IPADIC dictionary compiled by `build.rs` and embedded in the binary, loaded once per process.
//!
//! Embedding (rather than reading files at run time) is what lets the binary be copied anywhere alone.

use std::sync::OnceLock;

use lindera::mode::Mode;
use lindera::segmenter::Segmenter;

lindera_dictionary::embedded_dictionary!("/ipadic", EmbeddedIpadic);

/// Name and checksum of the dictionary source; recorded in every index so a different build is noticed.
pub const DICTIONARY_VERSION: &str = env!("JOUBUN_DICTIONARY");

/// The process-wide segmenter over the embedded IPADIC, in MeCab's normal (Viterbi-best) mode.
///
/// Loading views the embedded bytes in place, so the first call costs well under a millisecond.
pub fn segmenter() -> &'static Segmenter {
    static SEGMENTER: OnceLock<Segmenter> = OnceLock::new();
    SEGMENTER.get_or_init(|| {
        // The bytes were validated by the build that embedded them; failure here is a broken build.
        let dictionary = load().expect("the embedded IPADIC dictionary is corrupt; rebuild joubun");
        Segmenter::new(Mode::Normal, dictionary, None)
    })
}
