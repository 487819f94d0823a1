//! "Did you mean" suggestions: the closest candidate by edit distance, if close enough.

/// Levenshtein distance over Unicode scalar values, ASCII case folded.
pub fn distance(a: &str, b: &str) -> usize {
    strsim::levenshtein(&a.to_ascii_lowercase(), &b.to_ascii_lowercase())
}

/// The most edits a suggestion may be away: a third of the longer string, at least one.
fn allowed(word_len: usize, candidate_len: usize) -> usize {
    (word_len.max(candidate_len) / 3).max(1)
}

/// The candidate closest to `word`, when the distance is small relative to its length (at
/// most a third of the longer string, and at least one edit allowed); failing that, the
/// shortest candidate that starts with `word` (`oneDrive` → `oneDriveForBusiness`).
pub fn closest<'c>(word: &str, candidates: impl IntoIterator<Item = &'c str>) -> Option<&'c str> {
    let candidates: Vec<&str> = candidates.into_iter().filter(|c| *c != word).collect();
    let word_len = word.chars().count();
    let by_distance = candidates
        .iter()
        .filter_map(|&c| {
            let len = c.chars().count();
            let allowed = allowed(word_len, len);
            // The length difference is a lower bound on the distance; checking it first keeps
            // a huge key from costing a quadratic distance against every candidate.
            if word_len.abs_diff(len) > allowed {
                return None;
            }
            let d = distance(word, c);
            (d <= allowed).then_some((d, c))
        })
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

    #[test]
    fn distance_counts_characters_not_bytes() {
        assert_eq!(distance("é", "e"), 1);
        assert_eq!(distance("ÉA", "éa"), 1, "only ASCII is case folded");
        assert_eq!(closest("sharepoïnt", ["sharePoint"]), Some("sharePoint"));
    }

    #[test]
    fn the_closest_of_several_and_ties_go_to_the_first() {
        assert_eq!(closest("abcd", ["abxy", "abcx", "abcy"]), Some("abcx"));
        assert_eq!(closest("ab", ["a", "abc"]), Some("a"));
    }

    #[test]
    fn length_differences_beyond_the_allowance_are_never_suggested() {
        // 9 characters allow 3 edits: 3 insertions still match; 4 never do (the `x` keeps
        // the prefix fallback out of it).
        assert_eq!(closest("abcdef", ["abcdefghi"]), Some("abcdefghi"));
        assert_eq!(closest("abcde", ["xbcdefghi"]), None);
        // Without the length cut-off this is a 3 × 10⁸-cell distance table.
        let (huge, long) = ("a".repeat(30_000), "b".repeat(10_000));
        let started = std::time::Instant::now();
        assert_eq!(closest(&huge, [long.as_str(), "pinRequired"]), None);
        assert!(started.elapsed() < std::time::Duration::from_secs(1));
    }
}
