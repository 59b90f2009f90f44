//! "Did you mean ...?": the closest known name to a misspelt one.

/// The candidate closest to `name` by edit distance, if one is close
/// enough: a case-only difference always is, otherwise the edit distance (Levenshtein with transpositions)
/// distance must be at most a third of the longer name (and at least 1 is
/// allowed, except for a one-letter name). Ties go to the alphabetically first candidate, so the answer
/// never depends on the candidates' order. Names longer than 64 bytes get
/// no suggestion.
///
/// ```
/// use lull_frontend::suggest::did_you_mean;
/// assert_eq!(did_you_mean("sucx", ["succ", "pred"].into_iter()), Some("succ"));
/// assert_eq!(did_you_mean("zzzz", ["succ", "pred"].into_iter()), None);
/// ```
pub fn did_you_mean<'a>(name: &str, candidates: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    // Edit distance is quadratic: very long names get no suggestion.
    const MAX_LEN: usize = 64;
    if name.len() > MAX_LEN {
        return None;
    }
    let mut best: Option<(usize, &'a str)> = None;
    for c in candidates {
        if c == name || c.len() > MAX_LEN {
            continue;
        }
        let score = if c.to_lowercase() == name.to_lowercase() {
            0
        } else {
            let (n, m) = (name.chars().count(), c.chars().count());
            // One-letter names are one edit away from every other one.
            let limit = if n == 1 { 0 } else { (n.max(m) / 3).max(1) };
            if n.abs_diff(m) > limit {
                continue;
            }
            let d = strsim::osa_distance(name, c);
            if d > limit {
                continue;
            }
            d
        };
        let better = match best {
            None => true,
            Some((s, b)) => score < s || (score == s && c < b),
        };
        if better {
            best = Some((score, c));
        }
    }
    best.map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::did_you_mean;

    #[test]
    fn closest_name_wins() {
        let names = ["succ", "pred", "plus", "mult"];
        assert_eq!(did_you_mean("suc", names.into_iter()), Some("succ"));
        assert_eq!(did_you_mean("prde", names.into_iter()), Some("pred"));
        assert_eq!(did_you_mean("SUCC", names.into_iter()), Some("succ"));
        assert_eq!(did_you_mean("xyz", names.into_iter()), None);
    }

    #[test]
    fn one_letter_names_only_match_case() {
        assert_eq!(did_you_mean("y", ["x", "z"].into_iter()), None);
        assert_eq!(did_you_mean("k", ["K", "x"].into_iter()), Some("K"));
    }

    #[test]
    fn ties_are_alphabetical() {
        assert_eq!(did_you_mean("ab", ["ac", "aa"].into_iter()), Some("aa"));
        assert_eq!(did_you_mean("ab", ["aa", "ac"].into_iter()), Some("aa"));
    }
}
