//! The columns a matching clause can be written as, by name: what `export --columns` chooses from, and
//! the column sets of export's tables, export's JSON and search's JSON Lines, so that every command
//! writes a field the same way.

use serde_json::Value;

use crate::query::Hit;

use super::table::Cell;

/// The columns of a default table export: the clause's fields as JSON names them, then the score, the
/// citation a memo quotes and where the clause stands in its source.
pub const TABLE: [&str; 19] = [
    "id",
    "doc",
    "company",
    "title",
    "date",
    "lang",
    "jurisdictions",
    "cites",
    "type",
    "article",
    "heading",
    "label",
    "line_start",
    "line_end",
    "text",
    "score",
    "cite",
    "citation",
    "source",
];

/// A whole clause and its score, its fields as JSON names them: what `export` writes as JSON without
/// `--columns`, and what `joubun index` reads back.
pub const RECORD: [&str; 21] = [
    "id",
    "doc",
    "company",
    "title",
    "date",
    "lang",
    "jurisdictions",
    "jurisdictions_inferred",
    "cites",
    "type",
    "types",
    "article",
    "heading",
    "chapter",
    "label",
    "cite",
    "level",
    "line_start",
    "line_end",
    "text",
    "score",
];

/// A search hit as `search --json` writes it: the record, where the query matched in its text, and
/// whether the clause holds only some of the query's words.
pub const HIT: [&str; 23] = joined(&RECORD, &["highlights", "partial"]);

/// Every column `--columns` can name: the table's, then the record's others and the highlights.
pub const ALL: [&str; 24] = joined(
    &TABLE,
    &[
        "jurisdictions_inferred",
        "types",
        "chapter",
        "level",
        "highlights",
    ],
);

/// `a` then `b` as one array; an `N` other than their lengths' sum fails to compile.
const fn joined<const N: usize>(a: &[&'static str], b: &[&'static str]) -> [&'static str; N] {
    assert!(a.len() + b.len() == N, "N is the sum of the lengths");
    let mut all = [""; N];
    let mut i = 0;
    while i < N {
        all[i] = if i < a.len() { a[i] } else { b[i - a.len()] };
        i += 1;
    }
    all
}

/// The columns named in `list` (`id,citation,text`), in that order; an unknown name is an error listing
/// the known ones and the nearest.
pub fn parse(list: &str) -> Result<Vec<&'static str>, String> {
    let mut columns = Vec::new();
    for name in list.split(',').map(str::trim).filter(|n| !n.is_empty()) {
        let folded = name.to_lowercase().replace('-', "_");
        match ALL.iter().find(|c| **c == folded) {
            Some(column) => columns.push(*column),
            None => {
                return Err(format!(
                    "no column {name:?}{}; the columns are {}",
                    nearest(&folded)
                        .map(|n| format!(" (did you mean {n}?)"))
                        .unwrap_or_default(),
                    ALL.join(",")
                ));
            }
        }
    }
    if columns.is_empty() {
        return Err(format!(
            "--columns names no column; the columns are {}",
            ALL.join(",")
        ));
    }
    Ok(columns)
}

/// The known column nearest to `name`, if any is near.
fn nearest(name: &str) -> Option<&'static str> {
    ALL.iter()
        .map(|c| (crate::suggest::distance(name, c), *c))
        .filter(|(d, c)| *d <= 2.max(c.len() / 3) || c.contains(name))
        .min()
        .map(|(_, c)| c)
}

/// The cells of `columns` for `hit`, in order.
pub fn cells(hit: &Hit, columns: &[&str]) -> Vec<Cell> {
    columns.iter().map(|c| cell(hit, c)).collect()
}

/// The cell of `column` for `hit`.
pub fn cell(hit: &Hit, column: &str) -> Cell {
    let c = &hit.clause;
    let text = |v: &str| Cell::Text(v.to_string());
    match column {
        "id" => text(&c.id),
        "doc" => text(&c.doc),
        "company" => Cell::text(c.company.as_deref()),
        "title" => Cell::text(c.title.as_deref()),
        "date" => Cell::text(c.date.as_deref()),
        "lang" => text(c.lang.code()),
        "jurisdictions" => Cell::List(c.jurisdictions.clone()),
        "jurisdictions_inferred" => Cell::Json(Value::Bool(c.jurisdictions_inferred)),
        "cites" => Cell::List(c.cites.clone()),
        "type" => text(&c.kind),
        "types" => Cell::List(c.all_types().into_iter().map(String::from).collect()),
        "article" => Cell::text(c.article.as_deref()),
        "heading" => Cell::text(c.heading.as_deref()),
        "chapter" => Cell::text(c.chapter.as_deref()),
        "label" => Cell::text(c.label.as_deref()),
        // As serde names it, the name JSON readers (and `joubun index`) know.
        "level" => match serde_json::to_value(c.level) {
            Ok(Value::String(level)) => Cell::Text(level),
            _ => Cell::Empty,
        },
        "line_start" => Cell::Number(c.line_start as f64),
        "line_end" => Cell::Number(c.line_end as f64),
        "text" => text(&c.text),
        // Four decimals, as people compare scores; more is noise.
        "score" => Cell::Number((f64::from(hit.score) * 1e4).round() / 1e4),
        "cite" => text(&c.cite),
        "citation" => text(&c.citation()),
        "source" => text(&c.source()),
        "highlights" => Cell::Json(Value::from(
            (hit.highlights.iter())
                .map(|&(start, end)| Value::from(vec![start, end]))
                .collect::<Vec<_>>(),
        )),
        "partial" => Cell::Json(Value::from(hit.partial)),
        other => unreachable!("column {other} is not in ALL"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_are_chosen_by_name_in_order() {
        assert_eq!(
            parse("citation, id,Line-Start").unwrap(),
            ["citation", "id", "line_start"]
        );
        let error = parse("id,cittion").unwrap_err();
        assert!(
            error.contains("\"cittion\" (did you mean citation?)"),
            "{error}"
        );
        assert!(error.contains("id,doc,company"), "{error}");
        assert!(parse(" , ").is_err());
    }

    #[test]
    fn the_help_names_every_column() {
        use clap::CommandFactory;
        let cli = crate::cli::Cli::command();
        let export = cli.find_subcommand("export").unwrap();
        let columns = export
            .get_arguments()
            .find(|a| a.get_id() == "columns")
            .unwrap();
        let help = columns
            .get_long_help()
            .or(columns.get_help())
            .unwrap()
            .to_string();
        for name in ALL {
            assert!(help.contains(name), "--columns help lacks {name}: {help}");
        }
    }

    #[test]
    fn every_record_column_can_be_chosen() {
        for name in RECORD {
            assert!(ALL.contains(&name), "{name} is not in ALL");
        }
    }

    #[test]
    fn every_column_has_a_cell() {
        let clause: crate::clause::Clause = serde_json::from_value(serde_json::json!({
            "id": "a#1", "doc": "a.txt", "company": null, "title": "T", "date": null, "lang": "ja",
            "jurisdictions": [], "cites": [], "type": "other", "article": null, "heading": null,
            "label": "1-1", "cite": "第1条第1項", "line_start": 3, "line_end": 4, "text": "x",
        }))
        .unwrap();
        let hit = Hit {
            clause,
            score: 1.0,
            highlights: Vec::new(),
            partial: false,
        };
        for column in ALL {
            cell(&hit, column);
        }
        assert_eq!(cell(&hit, "source"), Cell::Text("a.txt:3-4".into()));
        assert_eq!(cell(&hit, "citation"), Cell::Text("T 第1条第1項".into()));
        assert_eq!(cell(&hit, "types"), Cell::List(vec!["other".into()]));
        assert_eq!(cell(&hit, "level"), Cell::Text("paragraph".into()));
    }
}
