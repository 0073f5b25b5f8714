//! Findings in words for a person, from the evaluator's short `expected` / `found` texts.
//!
//! ```text
//! expected "not empty", found "missing"          → KmsKeyId is not set, but it must be set and not empty
//! expected "== \"Disabled\"", found "\"Enabled\""  → DirectInternetAccess is "Enabled", but it must be "Disabled"
//! a failing `a or b`                               → none of these holds: ServerlessConfig is not set, but it must be set; or …
//! ```
//!
//! The raw `expected X, found Y` texts stay in the JSON and SARIF outputs and, with `--verbose`,
//! in the text output.

use sagerules_core::Finding;

/// One failing check as a sentence: the rule's own message when it has one, else what the
/// value is and what the rule requires. `path` turns a finding's pointer into the text shown
/// (relative to its resource).
pub fn failure(finding: &Finding, path: &dyn Fn(&sagerules_data::Pointer) -> String) -> String {
    if let Some(message) = own_message(finding) {
        return message;
    }
    if finding.alternatives.len() > 1 {
        let each: Vec<String> = finding
            .alternatives
            .iter()
            .map(|alt| failure(alt, path))
            .collect();
        return format!("none of these holds: {}", each.join("; or "));
    }
    value_sentence(&path(&finding.pointer), &finding.expected, &finding.found)
}

/// A check that only deployment can decide: what is unknown, and what the rule will need.
///
/// `cannot be decided before deployment: Properties.KmsKeyId must be set and not empty, and
/// its value is unknown until deployment: Fn::ImportValue Key`.
pub fn undecided(finding: &Finding, path: &dyn Fn(&sagerules_data::Pointer) -> String) -> String {
    format!(
        "cannot be decided before deployment: {} {}, and its value is {}",
        path(&finding.pointer),
        requirement(&finding.expected),
        finding.found
    )
}

fn own_message(finding: &Finding) -> Option<String> {
    finding
        .message
        .as_deref()
        .map(str::trim)
        .filter(|m| !m.is_empty())
        .map(str::to_string)
}

/// `KmsKeyId is not set, but it must be set and not empty`.
fn value_sentence(subject: &str, expected: &str, found: &str) -> String {
    let now = match found {
        "missing" => "is not set".to_string(),
        other => format!("is {other}"),
    };
    format!("{subject} {now}, but it {}", requirement(expected))
}

/// What an `expected` text asks for, as the end of a sentence: `"in [\"a\", \"b\"]"` → `must be
/// one of ["a", "b"]`. Texts it does not know are quoted as written.
pub fn requirement(expected: &str) -> String {
    let (negated, rest) = match expected.strip_prefix("not ") {
        Some(rest) => (true, rest),
        None => (false, expected),
    };
    let must = if negated { "must not" } else { "must" };
    if let Some(phrase) = unary_phrase(rest, negated) {
        return phrase;
    }
    let binary = [
        ("==", "be"),
        ("!=", "not be"),
        (">=", "be at least"),
        ("<=", "be at most"),
        (">", "be greater than"),
        ("<", "be less than"),
        ("in", "be one of"),
    ];
    for (symbol, words) in binary {
        if let Some(value) = rest.strip_prefix(symbol).and_then(|v| v.strip_prefix(' ')) {
            return format!("{must} {words} {value}");
        }
    }
    format!("must satisfy `{expected}`")
}

/// `exists`, `empty`, `is_string`, ... with or without `not`.
fn unary_phrase(keyword: &str, negated: bool) -> Option<String> {
    let phrase = match (keyword, negated) {
        ("exists", false) => "must be set",
        ("exists", true) => "must not be set",
        ("empty", false) => "must be empty",
        ("empty", true) => "must be set and not empty",
        ("is_string", false) => "must be a string",
        ("is_list", false) => "must be a list",
        ("is_struct", false) => "must be a map",
        ("is_bool", false) => "must be true or false",
        ("is_int", false) => "must be an integer",
        ("is_float", false) => "must be a number",
        ("is_null", false) => "must be null",
        ("is_null", true) => "must not be null",
        _ => return None,
    };
    Some(phrase.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(path: &sagerules_data::Pointer) -> String {
        path.keys().collect::<Vec<_>>().join(".")
    }

    fn finding(pointer: &str, expected: &str, found: &str) -> Finding {
        Finding {
            pointer: sagerules_data::Pointer::parse(pointer).unwrap(),
            expected: expected.into(),
            found: found.into(),
            ..Finding::default()
        }
    }

    #[test]
    fn a_missing_value_reads_as_not_set() {
        let f = finding("/KmsKeyId", "not empty", "missing");
        assert_eq!(
            failure(&f, &plain),
            "KmsKeyId is not set, but it must be set and not empty"
        );
    }

    #[test]
    fn comparisons_read_as_requirements() {
        assert_eq!(requirement("== \"Disabled\""), "must be \"Disabled\"");
        assert_eq!(requirement("not in [\"a\"]"), "must not be one of [\"a\"]");
        assert_eq!(requirement(">= 2"), "must be at least 2");
        assert_eq!(requirement("not exists"), "must not be set");
        assert_eq!(requirement("weird"), "must satisfy `weird`");
    }

    #[test]
    fn a_failing_or_is_one_sentence_naming_each_alternative() {
        let mut f = finding("/a", "exists or == 1", "missing; 2");
        f.alternatives = vec![
            finding("/a", "exists", "missing"),
            finding("/b", "== 1", "2"),
        ];
        assert_eq!(
            failure(&f, &plain),
            "none of these holds: a is not set, but it must be set; or b is 2, but it must be 1"
        );
    }

    #[test]
    fn the_rules_message_wins() {
        let mut f = finding("/a", "exists", "missing");
        f.message = Some(" set a key ".into());
        assert_eq!(failure(&f, &plain), "set a key");
    }

    #[test]
    fn undecided_checks_say_so() {
        let f = finding(
            "/KmsKeyId",
            "not empty",
            "unknown until deployment: Fn::ImportValue",
        );
        assert_eq!(
            undecided(&f, &plain),
            "cannot be decided before deployment: KmsKeyId must be set and not empty, and its value is unknown until deployment: Fn::ImportValue"
        );
    }
}
