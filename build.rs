//! Compiles the vendored mecab-ipadic source into lindera's binary dictionary, offline.
//!
//! lindera's own `embed-ipadic` feature downloads its source at build time, which fails without a network;
//! we ship the exact tarball Lucene/kuromoji and MeCab use (`dict/`) and build it here instead. The output
//! lands in `OUT_DIR/ipadic` and is embedded by `src/analysis/dictionary.rs`.

use std::fs::{self, File};
use std::io::Read;
use std::path::{Path, PathBuf};

use lindera_dictionary::builder::DictionaryBuilder;
use lindera_dictionary::dictionary::metadata::Metadata;

const TARBALL: &str = "dict/mecab-ipadic-2.7.0-20070801.tar.gz";
const TARBALL_MD5: &str = "e09556657cc70e45564c6514a6b08495";
const SOURCE_DIR: &str = "mecab-ipadic-2.7.0-20070801";

/// lindera-ipadic 6.2's metadata, except that the 2007 source CSVs are EUC-JP, not UTF-8.
const METADATA: &str = r#"{
  "name": "ipadic",
  "encoding": "EUC-JP",
  "default_word_cost": -10000,
  "default_left_context_id": 0,
  "default_right_context_id": 0,
  "default_field_value": "*",
  "flexible_csv": true,
  "skip_invalid_cost_or_id": false,
  "normalize_details": true,
  "dictionary_schema": { "fields": [
    "surface", "left_context_id", "right_context_id", "cost", "part_of_speech",
    "part_of_speech_subcategory_1", "part_of_speech_subcategory_2", "part_of_speech_subcategory_3",
    "conjugation_form", "conjugation_type", "base_form", "reading", "pronunciation"
  ] },
  "user_dictionary_schema": { "fields": ["surface", "part_of_speech", "reading"] }
}"#;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed={TARBALL}");
    link_at_a_fixed_address();
    if let Err(message) = build() {
        // A panic message is the one thing cargo always shows from a failed build script.
        panic!("\n\njoubun: cannot build the IPADIC dictionary: {message}\n\n");
    }
}

/// Links the `joubun` binary as a plain executable, not a PIE, on Linux with glibc, as Go links its
/// binaries by default. A PIE's 25,000 relocations wrote to 120 pages at every start: 0.8-1.0 ms of a
/// 5-12 ms search process, measured by turns. Libraries, heap, stack and mapped files stay randomised;
/// only the binary's own image loses ASLR. Deleting this call restores a PIE.
fn link_at_a_fixed_address() {
    let target = |key| std::env::var(key).unwrap_or_default();
    if target("CARGO_CFG_TARGET_OS") == "linux" && target("CARGO_CFG_TARGET_ENV") == "gnu" {
        println!("cargo:rustc-link-arg-bins=-no-pie");
    }
}

fn build() -> Result<(), String> {
    let out_dir = PathBuf::from(std::env::var("OUT_DIR").map_err(|e| e.to_string())?);
    let bytes =
        fs::read(TARBALL).map_err(|e| format!("{TARBALL}: {e} (is the repository complete?)"))?;
    let digest = format!("{:x}", md5::compute(&bytes));
    if digest != TARBALL_MD5 {
        return Err(format!(
            "{TARBALL} has md5 {digest}, expected {TARBALL_MD5}: the vendored dictionary source is damaged \
             or was replaced (a Git LFS pointer or a line-ending conversion can do this)"
        ));
    }

    let source = out_dir.join("ipadic-src");
    let built = out_dir.join("ipadic");
    if !built.join("dict.words").exists() {
        unpack(&bytes, &source)?;
        let metadata: Metadata = serde_json::from_str(METADATA).map_err(|e| e.to_string())?;
        DictionaryBuilder::new(metadata)
            .build_dictionary(&source.join(SOURCE_DIR), &built)
            .map_err(|e| format!("lindera's DictionaryBuilder failed: {e}"))?;
        // The CSVs are 50 MB unpacked; nothing reads them after the build.
        let _ = fs::remove_dir_all(&source);
    }
    println!("cargo:rustc-env=LINDERA_WORKDIR={}", out_dir.display());
    println!("cargo:rustc-env=JOUBUN_DICTIONARY=mecab-ipadic-2.7.0-20070801 (md5 {TARBALL_MD5})");
    Ok(())
}

fn unpack(tarball: &[u8], into: &Path) -> Result<(), String> {
    let _ = fs::remove_dir_all(into);
    fs::create_dir_all(into).map_err(|e| format!("{}: {e}", into.display()))?;
    let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(tarball));
    archive
        .unpack(into)
        .map_err(|e| format!("unpacking {TARBALL}: {e}"))?;
    // Fail early and clearly if the archive is not the one we expect.
    let matrix = into.join(SOURCE_DIR).join("matrix.def");
    let mut probe = [0u8; 1];
    File::open(&matrix)
        .and_then(|mut f| f.read(&mut probe))
        .map_err(|e| format!("{} missing after unpacking: {e}", matrix.display()))?;
    Ok(())
}
