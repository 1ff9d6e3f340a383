//! "Did you mean": how near a mistyped name is to a known one, for the errors that name the nearest
//! facet values, columns and check items.

/// Levenshtein distance over characters.
pub fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut previous = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous + usize::from(ca != *cb);
            previous = row[j + 1];
            row[j + 1] = substitution.min(row[j] + 1).min(previous + 1);
        }
    }
    row[b.len()]
}

/// How far `known` is from what was `typed` (lower is nearer): a name containing what was typed, or
/// contained in it, is near whatever the length; any other is as far as its edit distance.
pub fn closeness(typed: &str, known: &str) -> usize {
    if known.contains(typed) || typed.contains(known) {
        1
    } else {
        distance(typed, known)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edit_distance_counts_characters() {
        assert_eq!(distance("cookie", "cookies"), 1);
        assert_eq!(distance("第三者", "第三者提供"), 2);
        assert_eq!(distance("", "abc"), 3);
    }

    #[test]
    fn containing_is_near() {
        assert_eq!(closeness("live", "live2d"), 1);
        assert_eq!(closeness("cookiez", "cookies"), 1);
        assert_eq!(closeness("abc", "xyz"), 3);
    }
}
