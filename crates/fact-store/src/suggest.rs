//! "Did you mean ...?": the known name closest to a misspelt one, for every message that
//! names something unknown (fact types here, fields and functions in the rule checker).

/// The name in `known` closest to `name` by edit distance, if it is close enough to be a
/// typo of it.
pub fn closest_name<'a>(name: &str, known: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let length = name.chars().count();
    known
        .into_iter()
        .filter_map(|candidate| {
            let candidate_length = candidate.chars().count();
            let limit = 2.max(candidate_length / 4).min(candidate_length.max(1) - 1);
            // The distance is at least the difference in length: skip the far ones unseen.
            if length.abs_diff(candidate_length) > limit {
                return None;
            }
            let distance = edit_distance(name, candidate);
            (distance <= limit).then_some((distance, candidate))
        })
        .min()
        .map(|(_, candidate)| candidate)
}

/// Levenshtein distance in characters, keeping two rows.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    let mut current = vec![0; b.len() + 1];
    for (i, ca) in a.chars().enumerate() {
        current[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitute = previous[j] + usize::from(ca != *cb);
            current[j + 1] = substitute.min(previous[j + 1] + 1).min(current[j] + 1);
        }
        std::mem::swap(&mut previous, &mut current);
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typos_find_their_name() {
        assert_eq!(closest_name("shfit", ["employee", "shift"]), Some("shift"));
        assert_eq!(
            closest_name("Employee", ["employee", "shift"]),
            Some("employee")
        );
        assert_eq!(
            closest_name("employe_id", ["employee_id", "id", "start"]),
            Some("employee_id")
        );
        assert_eq!(closest_name("invoice", ["employee", "shift"]), None);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
    }
}
