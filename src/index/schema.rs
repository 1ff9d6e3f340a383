//! The schema of a clause document, built here and only here: its fields, the analyser each goes
//! through, and the facets made from a clause's facts.

use tantivy::TantivyDocument;
use tantivy::schema::{
    FAST, Facet as FacetPath, FacetOptions, Field, INDEXED, IndexRecordOption, STORED, STRING,
    Schema, TextFieldIndexing, TextOptions,
};

use crate::analysis::Analyzer;
use crate::classify::Lang;
use crate::clause::Clause;
use crate::facet::Facet;

/// Bumped whenever the fields below, or what an index records beside them, change; an index of
/// another version is refused.
pub const SCHEMA_VERSION: u32 = 9;

/// The fields of a clause document.
#[derive(Debug, Clone, Copy)]
pub struct Fields {
    /// The clause id, as one term.
    pub id: Field,
    /// The document path, as one term (to replace a file's clauses).
    pub doc: Field,
    /// The whole clause as JSON, stored.
    pub json: Field,
    /// Text through `ja`, with positions.
    pub text_ja: Field,
    /// Text through `ja_pairs`, without positions: a compound of two words is one term there.
    pub text_pairs: Field,
    /// Text through `ja_reading`, without positions.
    pub text_reading: Field,
    /// Text through `cjk_bigram`, with positions.
    pub text_bigram: Field,
    /// Text through `en`, with positions.
    pub text_en: Field,
    /// Article heading through `ja`.
    pub heading_ja: Field,
    /// Article heading through `ja_pairs`.
    pub heading_pairs: Field,
    /// Article heading through `en`.
    pub heading_en: Field,
    /// Facet `/type/…`.
    pub kind: Field,
    /// Facet `/jurisdiction/…`; a clause under `US-CA` is also under `US`.
    pub jurisdiction: Field,
    /// Facet `/company/…`.
    pub company: Field,
    /// Facet `/lang/…`.
    pub lang: Field,
    /// Facet `/cites/…`.
    pub cites: Field,
    /// The policy date as YYYYMMDD, fast, for `--since`/`--until`.
    pub date: Field,
    /// All of a clause's jurisdiction facets as one value, for counting (see [`counted_column`]).
    pub jurisdiction_set: Field,
    /// All of a clause's cites facets as one value, for counting.
    pub cites_set: Field,
    /// All of a clause's type facets as one value, for counting.
    pub type_set: Field,
}

impl Fields {
    /// The text fields a query searches, with the analyser of each and how much a match there weighs:
    /// morphological matches rank above bigram-only ones.
    pub fn text(&self) -> [(Field, Analyzer, f32); 4] {
        [
            (self.text_ja, Analyzer::Ja, 1.0),
            (self.text_reading, Analyzer::JaReading, 0.6),
            (self.text_en, Analyzer::En, 1.0),
            (self.text_bigram, Analyzer::CjkBigram, 0.2),
        ]
    }

    /// The field of the `ja_pairs` terms of a `ja` field's text (see [`crate::query`]'s compounds).
    pub fn pairs_of(&self, field: Field) -> Option<Field> {
        match field {
            _ if field == self.text_ja => Some(self.text_pairs),
            _ if field == self.heading_ja => Some(self.heading_pairs),
            _ => None,
        }
    }

    /// The heading fields `heading:` searches.
    pub fn heading(&self) -> [(Field, Analyzer, f32); 2] {
        [
            (self.heading_ja, Analyzer::Ja, 1.0),
            (self.heading_en, Analyzer::En, 1.0),
        ]
    }

    /// The tantivy document for one clause, and the bytes of text in it that our analysers will read.
    pub fn document(&self, clause: &Clause) -> (TantivyDocument, usize) {
        let f = self;
        let mut d = TantivyDocument::default();
        d.add_text(f.id, &clause.id);
        d.add_text(f.doc, &clause.doc);
        d.add_text(f.json, serde_json::to_string(clause).unwrap_or_default());
        let mut analysed = 0;
        let searched = f.text().map(|(field, analyzer, _)| (field, analyzer));
        for (field, analyzer) in searched
            .into_iter()
            .chain([(f.text_pairs, Analyzer::JaPairs)])
        {
            if analyzers_for(clause.lang).contains(&analyzer) {
                d.add_text(field, &clause.text);
                analysed += clause.text.len();
            }
        }
        if let Some(heading) = &clause.heading {
            // Like the text, through the clause's language only: English through MeCab or Japanese
            // through a stemmer made junk terms, and cost a tenth of indexing.
            let fields: &[Field] = match clause.lang {
                Lang::Ja => &[f.heading_ja, f.heading_pairs],
                Lang::En => &[f.heading_en],
            };
            for &field in fields {
                d.add_text(field, heading);
                analysed += heading.len();
            }
        }
        // Every value a clause is filed under (both types of a clause that does two things, `US` for
        // `US-CA`, `APPI` for `APPI 第27条`), so that a filter or count for any finds it.
        for facet in Facet::ALL {
            let values: Vec<FacetPath> = (facet.values_of(clause).iter())
                .map(|v| FacetPath::from_path([v]))
                .collect();
            let field = facet.field(f);
            if let Some(set) = set_field(f, facet) {
                d.add_text(set, facet_set(&values));
            }
            // A clause with no company still gets a value, the root facet (counted as none): a column
            // with a value in every clause is read without the rank lookup that gaps need, a tenth of
            // a search that counts a hundred thousand hits.
            if values.is_empty() && facet == Facet::Company {
                d.add_facet(field, FacetPath::root());
            }
            for value in values {
                d.add_facet(field, value);
            }
        }
        if let Some(date) = clause.date.as_deref().and_then(date_number) {
            d.add_u64(f.date, date);
        }
        (d, analysed)
    }
}

/// Joins the facets of one clause in a set column.
pub const SET_SEPARATOR: char = '\u{1}';
/// The set columns of the multi-valued facets.
const JURISDICTION_SET: &str = "jurisdiction_set";
const CITES_SET: &str = "cites_set";
const TYPE_SET: &str = "type_set";

/// The fast column that facet counts read for `facet`, and whether its values are sets of facets
/// joined by [`SET_SEPARATOR`].
///
/// A facet with several values per clause is a multi-valued column, whose every read is a rank
/// lookup; one value per clause, the set, is a plain read, and a few dozen distinct sets are split
/// once per search. Every clause has a value in each column read, the empty set or the root facet
/// for none, for the same reason.
pub fn counted_column(facet: Facet) -> (&'static str, bool) {
    match facet {
        Facet::Jurisdiction => (JURISDICTION_SET, true),
        Facet::Cites => (CITES_SET, true),
        Facet::Type => (TYPE_SET, true),
        Facet::Company | Facet::Lang => (facet.name(), false),
    }
}

/// The set column (see [`counted_column`]) of a multi-valued facet.
fn set_field(fields: &Fields, facet: Facet) -> Option<Field> {
    match facet {
        Facet::Jurisdiction => Some(fields.jurisdiction_set),
        Facet::Cites => Some(fields.cites_set),
        Facet::Type => Some(fields.type_set),
        Facet::Company | Facet::Lang => None,
    }
}

/// Builds the schema and its field handles.
pub fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let text = |analyzer: Analyzer| {
        // Readings only join spelling variants of words found anyway, and a pair is already in order:
        // neither is asked where it stands, and not recording it saves a tenth of indexing each.
        let record = match analyzer {
            Analyzer::JaReading | Analyzer::JaPairs => IndexRecordOption::WithFreqs,
            _ => IndexRecordOption::WithFreqsAndPositions,
        };
        TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(analyzer.name())
                .set_index_option(record),
        )
    };
    let facet = || FacetOptions::default();
    let fields = Fields {
        id: b.add_text_field("id", STRING),
        doc: b.add_text_field("doc", STRING),
        json: b.add_text_field("json", STORED),
        text_ja: b.add_text_field("text_ja", text(Analyzer::Ja)),
        text_pairs: b.add_text_field("text_pairs", text(Analyzer::JaPairs)),
        text_reading: b.add_text_field("text_reading", text(Analyzer::JaReading)),
        text_bigram: b.add_text_field("text_bigram", text(Analyzer::CjkBigram)),
        text_en: b.add_text_field("text_en", text(Analyzer::En)),
        heading_ja: b.add_text_field("heading_ja", text(Analyzer::Ja)),
        heading_pairs: b.add_text_field("heading_pairs", text(Analyzer::JaPairs)),
        heading_en: b.add_text_field("heading_en", text(Analyzer::En)),
        kind: b.add_facet_field(Facet::Type.name(), facet()),
        jurisdiction: b.add_facet_field(Facet::Jurisdiction.name(), facet()),
        company: b.add_facet_field(Facet::Company.name(), facet()),
        lang: b.add_facet_field(Facet::Lang.name(), facet()),
        cites: b.add_facet_field(Facet::Cites.name(), facet()),
        date: b.add_u64_field("date", INDEXED | FAST),
        jurisdiction_set: b.add_text_field(JURISDICTION_SET, FAST),
        cites_set: b.add_text_field(CITES_SET, FAST),
        type_set: b.add_text_field(TYPE_SET, FAST),
    };
    (b.build(), fields)
}

/// Facets as one value of a set column: their encoded paths, sorted, once each.
fn facet_set(facets: &[FacetPath]) -> String {
    let mut paths: Vec<&str> = facets.iter().map(FacetPath::encoded_str).collect();
    paths.sort_unstable();
    paths.dedup();
    paths.join(SET_SEPARATOR.encode_utf8(&mut [0; 4]))
}

/// The analysers a clause's text is indexed through, by its language.
pub fn analyzers_for(lang: Lang) -> &'static [Analyzer] {
    match lang {
        Lang::Ja => &[
            Analyzer::Ja,
            Analyzer::JaPairs,
            Analyzer::JaReading,
            Analyzer::CjkBigram,
        ],
        Lang::En => &[Analyzer::En],
    }
}

/// An ISO date as the number YYYYMMDD.
pub fn date_number(date: &str) -> Option<u64> {
    let digits: String = date.chars().filter(char::is_ascii_digit).collect();
    (digits.len() == 8).then(|| digits.parse().ok()).flatten()
}
