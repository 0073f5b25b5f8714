//! Tokens below the grammar: whitespace and `#` comments (recorded for the formatter),
//! identifiers and keywords.

use nom::bytes::complete::{tag, take_while, take_while1};
use nom::character::complete::satisfy;
use nom::combinator::recognize;
use nom::sequence::pair;

use super::error::{backtrack, PResult};
use super::Parser;
use crate::ast::{Comment, Ident, Span};

/// Whether `c` may continue an identifier.
pub(crate) fn is_ident_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\r' | '\n' | '\x0c')
}

/// Words that are never a bare first query step: the formatter quotes such a key there
/// (`"when".x`), and the parser rejects it unquoted. The literal words keep their literal
/// meaning in value position; in a clause's left-hand side a bare one is a key.
pub(crate) const RESERVED: [&str; 22] = [
    "this", "THIS", "true", "True", "TRUE", "false", "False", "FALSE", "null", "Null", "NULL",
    "not", "NOT", "some", "SOME", "when", "WHEN", "or", "OR", "rule", "let", "include",
];

/// The keywords among [`RESERVED`]: a bare one is never a key, a rule name or a capture.
pub(crate) const KEYWORDS: [&str; 11] = [
    "not", "NOT", "some", "SOME", "when", "WHEN", "or", "OR", "rule", "let", "include",
];

impl<'s> Parser<'s> {
    /// Skips whitespace and comments. `# text` comments are recorded in order; `#@ key: value`
    /// lines are recorded apart, for the rule that follows them.
    pub(crate) fn ws(&self, mut i: &'s str) -> &'s str {
        loop {
            i = i.trim_start_matches(is_space);
            if !i.starts_with('#') {
                return i;
            }
            let line_len = i.find('\n').unwrap_or(i.len());
            let (line, rest) = i.split_at(line_len);
            self.record_comment(i, line);
            i = rest;
        }
    }

    fn record_comment(&self, at: &'s str, line: &str) {
        let start = self.off(at);
        let line = line.trim_end_matches('\r');
        let span = Span::new(start, start + super::to_u32(line.len()));
        if line.starts_with("#@") {
            self.meta_lines.borrow_mut().insert(start, span);
        } else {
            let text = line.get(1..).unwrap_or_default().to_string();
            self.comments
                .borrow_mut()
                .insert(start, Comment { text, span });
        }
    }

    /// Skips spaces and tabs only (not newlines, not comments).
    pub(crate) fn blanks(&self, i: &'s str) -> &'s str {
        i.trim_start_matches([' ', '\t'])
    }

    /// An identifier `[A-Za-z_][A-Za-z0-9_]*` (no leading whitespace skipped).
    pub(crate) fn ident(&self, i: &'s str) -> PResult<'s, Ident> {
        let (rest, name) = recognize(pair(
            satisfy(|c: char| c.is_ascii_alphabetic() || c == '_'),
            take_while(is_ident_char),
        ))(i)?;
        Ok((
            rest,
            Ident {
                name: name.to_string(),
                span: self.span(i, rest),
            },
        ))
    }

    /// One of `words`, not followed by an identifier character (no whitespace skipped).
    pub(crate) fn keyword(&self, i: &'s str, words: &[&'static str]) -> PResult<'s, &'static str> {
        for word in words {
            if let Ok((rest, _)) = tag::<_, _, super::error::Fail<'s>>(*word)(i) {
                if !rest.starts_with(is_ident_char) {
                    return Ok((rest, word));
                }
            }
        }
        backtrack(i)
    }

    /// Whether `i` starts with one of `words` as a whole word.
    pub(crate) fn at_keyword(&self, i: &'s str, words: &[&'static str]) -> bool {
        self.keyword(i, words).is_ok()
    }

    /// Whether `i` starts a `rule NAME` header (used to stop at the next rule when a block
    /// or bracket was left open).
    pub(crate) fn at_rule_header(&self, i: &'s str) -> bool {
        match self.keyword(i, &["rule"]) {
            Ok((rest, _)) => {
                let rest = self.blanks(rest);
                rest.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
            }
            Err(_) => false,
        }
    }

    /// A run of ASCII digits.
    pub(crate) fn digits(&self, i: &'s str) -> PResult<'s, &'s str> {
        take_while1(|c: char| c.is_ascii_digit())(i)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ws_records_comments_and_meta_lines_apart() {
        let src = "  # hello\n#@ severity: high\nrule";
        let p = Parser::new(src);
        let rest = p.ws(src);
        assert_eq!(rest, "rule");
        let comments = p.comments.borrow();
        assert_eq!(
            comments
                .values()
                .map(|c| c.text.as_str())
                .collect::<Vec<_>>(),
            [" hello"]
        );
        assert_eq!(p.meta_lines.borrow().len(), 1);
    }

    #[test]
    fn keyword_needs_a_word_boundary() {
        let p = Parser::new("");
        assert!(p.at_keyword("exists ", &["exists"]));
        assert!(!p.at_keyword("existsx", &["exists"]));
    }
}
