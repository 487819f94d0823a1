//! "Did you mean" suggestions: the closest candidate by edit distance, if close enough.

/// Levenshtein distance over Unicode scalar values, ASCII case folded.
pub fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().map(|c| c.to_ascii_lowercase()).collect();
    let b: Vec<char> = b.chars().map(|c| c.to_ascii_lowercase()).collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    let mut current = vec![0; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        current[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != cb);
            current[j + 1] = substitution.min(previous[j + 1] + 1).min(current[j] + 1);
        }
        std::mem::swap(&mut previous, &mut current);
    }
    previous[b.len()]
}

/// The candidate closest to `word`, when the distance is small relative to its length (at
/// most a third of the longer string, and at least one edit allowed); failing that, the
/// shortest candidate that starts with `word` (`oneDrive` → `oneDriveForBusiness`).
pub fn closest<'c>(word: &str, candidates: impl IntoIterator<Item = &'c str>) -> Option<&'c str> {
    let candidates: Vec<&str> = candidates.into_iter().filter(|c| *c != word).collect();
    let by_distance = candidates
        .iter()
        .map(|&c| (distance(word, c), c))
        .filter(|&(d, c)| d <= (word.chars().count().max(c.chars().count()) / 3).max(1))
        .min_by_key(|&(d, _)| d)
        .map(|(_, c)| c);
    let lower = word.to_ascii_lowercase();
    by_distance.or_else(|| {
        candidates
            .into_iter()
            .filter(|c| word.len() >= 3 && c.to_ascii_lowercase().starts_with(&lower))
            .min_by_key(|c| c.len())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_words_only() {
        assert_eq!(distance("kitten", "sitting"), 3);
        assert_eq!(
            closest("pinRequred", ["pinRequired", "printBlocked"]),
            Some("pinRequired")
        );
        assert_eq!(closest("PINREQUIRED", ["pinRequired"]), Some("pinRequired"));
        assert_eq!(closest("andriod", ["android", "ios"]), Some("android"));
        assert_eq!(closest("zzz", ["android", "ios"]), None);
        assert_eq!(
            closest("oneDrive", ["sharePoint", "oneDriveForBusiness"]),
            Some("oneDriveForBusiness")
        );
    }
}
