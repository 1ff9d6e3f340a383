//! The IPADIC dictionary compiled by `build.rs` and embedded in the binary, loaded once per process.
//!
//! Embedding (rather than reading files at run time) is what lets the binary be copied anywhere alone.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};

use lindera::mode::Mode;
use lindera::segmenter::Segmenter;
use lindera_dictionary::LinderaResult;
use lindera_dictionary::dictionary::Dictionary;
use lindera_dictionary::dictionary::character_definition::CharacterDefinition;
use lindera_dictionary::dictionary::connection_cost_matrix::ConnectionCostMatrix;
use lindera_dictionary::dictionary::metadata::Metadata;
use lindera_dictionary::dictionary::prefix_dictionary::PrefixDictionary;
use lindera_dictionary::dictionary::unknown_dictionary::UnknownDictionary;
use lindera_dictionary::error::LinderaErrorKind;

lindera_dictionary::embedded_dictionary!("/ipadic", EmbeddedIpadic);

/// Name and checksum of the dictionary source; recorded in every index so a different build is noticed.
pub const DICTIONARY_VERSION: &str = env!("JOUBUN_DICTIONARY");

/// Whether this process analyses in bulk (see [`expect_bulk`]).
static BULK: AtomicBool = AtomicBool::new(false);

/// Says that this process will analyse megabytes of text, as indexing does; call it before the first
/// analysis. The dictionary is then loaded with lindera's table of character classes, which makes
/// segmentation a fifth faster but takes 0.4 ms to build: most of what a search process spends on
/// its dictionary, for a query and a page of highlights.
pub fn expect_bulk() {
    BULK.store(true, Ordering::Relaxed);
}

/// Whether [`expect_bulk`] was called: caches that pay off only over many clauses are kept then.
pub fn in_bulk() -> bool {
    BULK.load(Ordering::Relaxed)
}

/// The process-wide segmenter over the embedded IPADIC, in MeCab's normal (Viterbi-best) mode.
///
/// Loading views the embedded bytes in place, so the first call costs well under a millisecond.
pub fn segmenter() -> &'static Segmenter {
    static SEGMENTER: OnceLock<Segmenter> = OnceLock::new();
    SEGMENTER.get_or_init(|| {
        let dictionary = if in_bulk() { load() } else { load_lean() };
        // The bytes were validated by the build that embedded them; failure here is a broken build.
        let dictionary =
            dictionary.expect("the embedded IPADIC dictionary is corrupt; rebuild joubun");
        Segmenter::new(Mode::Normal, dictionary, None)
    })
}

/// The embedded dictionary as [`load`] gives it, but without the table of character classes for the
/// first 65,536 code points that lindera builds on load: their classes are then found by binary
/// search. This is `load` from `embedded_dictionary!` without that step.
pub fn load_lean() -> LinderaResult<Dictionary> {
    let metadata = Metadata::load(METADATA_DATA)?;
    metadata.validate_format_version()?;
    let prefix_dictionary = PrefixDictionary::load(
        TRIE_DATA,
        VALS_IDX_DATA,
        VALS_DATA,
        WORDS_IDX_DATA,
        WORDS_DATA,
    )?;
    let connection_cost_matrix = ConnectionCostMatrix::load(CONNECTION_DATA)?;
    // rkyv reads from aligned bytes only, as lindera's own loader knows.
    let mut aligned = rkyv::util::AlignedVec::<16>::new();
    aligned.extend_from_slice(CHAR_DEFINITION_DATA);
    let character_definition =
        rkyv::from_bytes::<CharacterDefinition, rkyv::rancor::Error>(&aligned)
            .map_err(|e| LinderaErrorKind::Deserialize.with_error(e))?;
    let unknown_dictionary = UnknownDictionary::load(UNKNOWN_DATA)?;
    Ok(Dictionary {
        prefix_dictionary: Arc::new(prefix_dictionary),
        connection_cost_matrix: Arc::new(connection_cost_matrix),
        character_definition: Arc::new(character_definition),
        unknown_dictionary: Arc::new(unknown_dictionary),
        metadata: Arc::new(metadata),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lean_dictionary_classifies_characters_alike() {
        let (full, lean) = (load().unwrap(), load_lean().unwrap());
        for c in [
            'a', 'Ａ', '1', 'あ', 'ア', 'ｱ', '漢', '々', 'ー', '、', '①', '㈱', ' ', '😀',
        ] {
            assert_eq!(
                full.character_definition.lookup_categories(c),
                lean.character_definition.lookup_categories(c),
                "{c}"
            );
        }
    }
}
