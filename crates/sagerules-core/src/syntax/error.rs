//! Parse failures while parsing ([`Fail`]) and their conversion into [`ParseError`]s, with the
//! hints for common mistakes (`=` for `==`, `&&`, `exist`, ...).

use nom::error::{ErrorKind, ParseError as NomParseError};

use super::{ParseError, Parser};
use crate::ast::Span;

/// The error type threaded through the nom parsers. `nom::Err::Error(fail)` means "not this
/// construct, try another" (no diagnostic yet); `nom::Err::Failure(fail)` means the parser had
/// committed and `diag` says what went wrong.
#[derive(Debug)]
pub(crate) struct Fail<'s> {
    pub at: &'s str,
    pub diag: Option<Box<Diag>>,
}

/// A committed failure: the parts of a [`ParseError`] except `found`, which is taken from the
/// source at `span.start` unless given.
#[derive(Debug, Default)]
pub(crate) struct Diag {
    pub span: Span,
    pub message: String,
    pub expected: Vec<String>,
    pub found: Option<String>,
    pub hint: Option<String>,
}

impl<'s> NomParseError<&'s str> for Fail<'s> {
    fn from_error_kind(at: &'s str, _kind: ErrorKind) -> Self {
        Fail { at, diag: None }
    }

    fn append(_input: &'s str, _kind: ErrorKind, other: Self) -> Self {
        other
    }
}

pub(crate) type PResult<'s, T> = nom::IResult<&'s str, T, Fail<'s>>;

/// "Not this construct": a recoverable error at `at`.
pub(crate) fn backtrack<T>(at: &str) -> PResult<'_, T> {
    Err(nom::Err::Error(Fail { at, diag: None }))
}

impl<'s> Parser<'s> {
    /// A committed failure at `at` covering the next token, with `message` and `expected`.
    pub(crate) fn fail<T>(&self, at: &'s str, message: &str, expected: &[&str]) -> PResult<'s, T> {
        let diag = Diag {
            span: self.token_span(at),
            message: message.to_string(),
            expected: expected.iter().map(|e| (*e).to_string()).collect(),
            found: None,
            hint: hint_for(token_text(at)),
        };
        Err(self.failure(at, diag))
    }

    /// A committed failure with a fully built diagnostic.
    pub(crate) fn failure(&self, at: &'s str, diag: Diag) -> nom::Err<Fail<'s>> {
        nom::Err::Failure(Fail {
            at,
            diag: Some(Box::new(diag)),
        })
    }

    /// The span of the token starting at `at` (at least one character unless at the end).
    pub(crate) fn token_span(&self, at: &str) -> Span {
        let start = self.off(at);
        let len = super::to_u32(token_text(at).len());
        Span::new(start, start + len)
    }

    /// Turns a failure (committed or not) into a [`ParseError`].
    pub(crate) fn to_parse_error(&self, fail: Fail<'s>) -> ParseError {
        let diag = match fail.diag {
            Some(diag) => *diag,
            None => Diag {
                span: self.token_span(fail.at),
                message: format!("unexpected {}", describe(token_text(fail.at))),
                hint: hint_for(token_text(fail.at)),
                ..Diag::default()
            },
        };
        let found = diag
            .found
            .unwrap_or_else(|| found_at(self.rest_at(diag.span.start)));
        ParseError {
            span: diag.span,
            message: diag.message,
            expected: diag.expected,
            found,
            hint: diag.hint,
        }
    }

    /// Records the failure as an error.
    pub(crate) fn record(&self, err: nom::Err<Fail<'s>>) {
        let fail = match err {
            nom::Err::Error(f) | nom::Err::Failure(f) => f,
            nom::Err::Incomplete(_) => Fail { at: "", diag: None },
        };
        let error = self.to_parse_error(fail);
        self.push_error(error);
    }
}

/// What the user wrote at a position: the next token, or "end of input" / "end of line".
pub(crate) fn found_at(at: &str) -> String {
    let token = token_text(at);
    if token.is_empty() {
        "end of input".to_string()
    } else if token == "\n" || token == "\r\n" {
        "end of line".to_string()
    } else if token.trim().is_empty() {
        "whitespace".to_string()
    } else {
        token.to_string()
    }
}

/// Source text for a one-line message: its first line, at most 60 characters, `...` when cut.
pub(crate) fn snippet(text: &str) -> String {
    let first_line = text.lines().next().unwrap_or_default().trim_end();
    let short: String = first_line.chars().take(60).collect();
    if short.len() < text.trim_end().len() {
        format!("{short}...")
    } else {
        short
    }
}

/// `` `x` `` for a token, "end of input" for nothing.
pub(crate) fn describe(token: &str) -> String {
    match token {
        "" => "end of input".to_string(),
        "\n" | "\r\n" => "end of line".to_string(),
        t => format!("`{t}`"),
    }
}

/// The next token of `at` for messages: an identifier or number, a two-character operator,
/// or a single character.
pub(crate) fn token_text(at: &str) -> &str {
    let word_len = at
        .char_indices()
        .find(|(_, c)| !(c.is_ascii_alphanumeric() || *c == '_'))
        .map_or(at.len(), |(n, _)| n);
    if word_len > 0 {
        return at.get(..word_len).unwrap_or(at);
    }
    for op in [
        "\r\n", "==", "!=", "<=", ">=", "&&", "||", "<<", ">>", "::", ":=", "|OR|",
    ] {
        if at.starts_with(op) {
            return at.get(..op.len()).unwrap_or(at);
        }
    }
    at.chars()
        .next()
        .map_or("", |c| at.get(..c.len_utf8()).unwrap_or(at))
}

/// The unary operator words, for "did you mean" hints.
const OPERATOR_WORDS: [&str; 11] = [
    "exists",
    "empty",
    "is_string",
    "is_list",
    "is_struct",
    "is_bool",
    "is_int",
    "is_float",
    "is_null",
    "not",
    "some",
];

/// A hint for a token that is a common mistake.
pub(crate) fn hint_for(token: &str) -> Option<String> {
    let hint = match token {
        "=" => "use `==` to compare; `=` only appears in `let x = ...`".to_string(),
        "&&" | "and" | "AND" => {
            "clauses are ANDed by writing them one after another (one per line)".to_string()
        }
        "||" => "use `or` between clauses".to_string(),
        "=>" | "=<" => "comparison operators are `<=` and `>=`".to_string(),
        "<>" => "use `!=` for \"not equal\"".to_string(),
        _ => return near_miss(token).map(|word| format!("did you mean `{word}`?")),
    };
    Some(hint)
}

/// An operator word within one or two edits of `token` (`exist` → `exists`).
fn near_miss(token: &str) -> Option<&'static str> {
    if token.len() < 4 {
        return None;
    }
    let lower = token.to_ascii_lowercase();
    if OPERATOR_WORDS.contains(&lower.as_str())
        && token != lower
        && token != token.to_ascii_uppercase()
    {
        return OPERATOR_WORDS.iter().find(|word| **word == lower).copied();
    }
    OPERATOR_WORDS
        .iter()
        .find(|word| lower != **word && strsim::levenshtein(&lower, word) <= 2)
        .copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exist_suggests_exists() {
        assert_eq!(hint_for("exist").as_deref(), Some("did you mean `exists`?"));
    }

    #[test]
    fn mixed_case_operator_gets_the_lower_case_form() {
        assert_eq!(
            hint_for("Exists").as_deref(),
            Some("did you mean `exists`?")
        );
    }

    #[test]
    fn correct_words_get_no_hint() {
        assert_eq!(hint_for("exists"), None);
        assert_eq!(hint_for("Properties"), None);
    }

    #[test]
    fn token_text_takes_words_and_operators() {
        assert_eq!(token_text("abc def"), "abc");
        assert_eq!(token_text("== 1"), "==");
        assert_eq!(token_text("é"), "é");
        assert_eq!(token_text(""), "");
    }
}
