//! Top-level items (`rule`, `let`, `include`, clauses of the default rule), `#@` metadata,
//! and recovery between items.

use super::clause::ClauseCx;
use super::error::{Diag, Fail, PResult};
use super::{ParseError, Parser};
use crate::ast::{Ident, Include, Item, Let, Meta, Rule, RulesFile, Span, META_KEYS};

/// Parses a whole file, recovering after each failed item.
pub(crate) fn parse_file(src: &str) -> (RulesFile, Vec<ParseError>) {
    let p = Parser::new(src);
    let mut rest = src.strip_prefix('\u{feff}').unwrap_or(src);
    let mut items = Vec::new();
    loop {
        rest = p.ws(rest);
        if rest.is_empty() {
            break;
        }
        match p.top_item(rest) {
            Ok((after, item)) => {
                items.push(p.attach_meta(item));
                rest = after;
            }
            Err(err) => rest = p.recover_top(rest, err),
        }
    }
    p.report_stray_meta();
    let comments = p.comments.take().into_values().collect();
    let mut errors = p.errors.take();
    errors.sort_by_key(|e| e.span.start);
    (RulesFile { items, comments }, errors)
}

impl<'s> Parser<'s> {
    fn top_item(&self, i: &'s str) -> PResult<'s, Item> {
        if self.at_keyword(i, &["rule"]) {
            let (rest, rule) = self.rule(i)?;
            return Ok((rest, Item::Rule(rule)));
        }
        if self.at_keyword(i, &["let"]) {
            let (rest, stmt) = self.let_stmt(i)?;
            return Ok((rest, Item::Let(stmt)));
        }
        if self.at_keyword(i, &["include"]) {
            let (rest, include) = self.include(i)?;
            return Ok((rest, Item::Include(include)));
        }
        if let Some(keyword) = self.misspelt_keyword(i) {
            let word = i
                .split(|c: char| !is_word_char(c))
                .next()
                .unwrap_or_default();
            let mut diag = self.diag(i, &format!("`{word}` is not a keyword"), &[keyword]);
            diag.hint = Some(format!("did you mean `{keyword}`?"));
            return Err(self.failure(i, diag));
        }
        if i.starts_with('}') {
            let mut diag = self.diag(i, "unexpected `}`", &["rule", "let", "a clause"]);
            diag.hint = Some("this `}` closes no block".to_string());
            return Err(self.failure(i, diag));
        }
        let (rest, clause) = self.required_disjunction(i, ClauseCx::BLOCK)?;
        Ok((rest, Item::Clause(clause)))
    }

    /// The keyword a top-level line almost starts with: `rul kms when … {` → `rule`,
    /// `Let x = 1` → `let`, `inclde "a.rules"` → `include`. Only when the rest of the line has
    /// that item's shape, so a clause of the default rule (`rules exists`) is not mistaken.
    fn misspelt_keyword(&self, i: &'s str) -> Option<&'static str> {
        let word = i.split(|c: char| !is_word_char(c)).next()?;
        let lower = word.to_ascii_lowercase();
        let keyword = ["rule", "let", "include"]
            .into_iter()
            .find(|k| word != *k && (lower == *k || strsim::levenshtein(&lower, k) == 1))?;
        let rest = self.blanks(i.get(word.len()..)?);
        let shaped = match keyword {
            "include" => rest.starts_with(['"', '\'']),
            _ => {
                let name = rest.split(|c: char| !is_word_char(c)).next()?;
                let after = self.blanks(rest.get(name.len()..)?);
                !name.is_empty()
                    && if keyword == "let" {
                        after.starts_with('=') && !after.starts_with("==")
                    } else {
                        after.starts_with(['{', '(']) || self.at_keyword(after, &["when"])
                    }
            }
        };
        shaped.then_some(keyword)
    }

    /// `rule name[(params)] [when cond] { block }`.
    fn rule(&self, i: &'s str) -> PResult<'s, Rule> {
        let (after, _) = self.keyword(i, &["rule"])?;
        let at = self.ws(after);
        let name = match self.ident(at) {
            Ok((_, name)) => name,
            Err(_) => {
                let mut diag = self.diag(at, "expected a rule name after `rule`", &["a name"]);
                diag.hint = Some(
                    "names are letters, digits and `_`: `rule notebook_no_root { ... }`"
                        .to_string(),
                );
                return Err(self.failure(at, diag));
            }
        };
        let mut rest = at.get(name.name.len()..).unwrap_or_default();
        let mut params = Vec::new();
        if self.blanks(rest).starts_with('(') {
            (rest, params) = self.comma_list(self.blanks(rest), '(', ')', |s| self.param(s))?;
        }
        let next = self.ws(rest);
        let (next, when) = self.optional_when(next)?;
        if !next.starts_with('{') {
            let mut diag = self.diag(next, "expected `{` to start the rule body", &["{", "when"]);
            diag.hint = super::error::hint_for(super::error::token_text(next));
            return Err(self.failure(next, diag));
        }
        let (rest, body) = self.block(next)?;
        Ok((
            rest,
            Rule {
                meta: Vec::new(),
                name,
                params,
                when,
                body,
                span: self.span(i, rest),
            },
        ))
    }

    fn param(&self, i: &'s str) -> PResult<'s, Ident> {
        let i = i.strip_prefix('%').unwrap_or(i);
        match self.ident(i) {
            Err(_) => self.fail(i, "expected a parameter name", &["a name"]),
            ok => ok,
        }
    }

    /// `let name = value` or `let name := value` (`= some query` too).
    pub(crate) fn let_stmt(&self, i: &'s str) -> PResult<'s, Let> {
        let (after, _) = self.keyword(i, &["let"])?;
        let at = self.blanks(after);
        let Ok((rest, name)) = self.ident(at.strip_prefix('%').unwrap_or(at)) else {
            let mut diag = self.diag(at, "expected a variable name after `let`", &["a name"]);
            diag.hint = Some("write `let name = value`".to_string());
            return Err(self.failure(at, diag));
        };
        let value_at = self.ws(self.assignment(self.blanks(rest))?);
        let (value_at, some) = match self.keyword(value_at, &["some", "SOME"]) {
            Ok((after, _)) => (self.ws(after), true),
            Err(_) => (value_at, false),
        };
        if some && (self.at_literal(value_at) || self.at_call(value_at)) {
            return self.fail(
                value_at,
                "expected a query after `some`",
                &["a query", "%variable"],
            );
        }
        let (rest, value) = match self.expr(value_at) {
            Err(nom::Err::Error(_)) => {
                return self.fail(
                    value_at,
                    "expected a value after `=`",
                    &["a literal", "a query", "a function call"],
                )
            }
            other => other?,
        };
        Ok((
            rest,
            Let {
                name,
                value,
                some,
                span: self.span(i, rest),
            },
        ))
    }

    /// `=` or `:=` after the name of a `let`; what follows it.
    fn assignment(&self, at: &'s str) -> Result<&'s str, nom::Err<Fail<'s>>> {
        if let Some(after) = at.strip_prefix(":=") {
            return Ok(after);
        }
        if at.starts_with("==") {
            let mut diag = self.diag(at, "expected `=` after the variable name", &["=", ":="]);
            diag.hint = Some("`let` assigns with `=` (or `:=`); `==` compares".to_string());
            return Err(self.failure(at, diag));
        }
        match at.strip_prefix('=') {
            Some(after) => Ok(after),
            None => Err(self.failure(
                at,
                self.diag(at, "expected `=` after the variable name", &["=", ":="]),
            )),
        }
    }

    /// `include "path"`.
    fn include(&self, i: &'s str) -> PResult<'s, Include> {
        let (after, _) = self.keyword(i, &["include"])?;
        let at = self.blanks(after);
        let (rest, path) = match self.quoted(at) {
            Err(nom::Err::Error(_)) => {
                let mut diag =
                    self.diag(at, "expected a quoted path after `include`", &["\"path\""]);
                diag.hint = Some("write `include \"common.rules\"`".to_string());
                return Err(self.failure(at, diag));
            }
            other => other?,
        };
        Ok((
            rest,
            Include {
                path,
                span: self.span(i, rest),
            },
        ))
    }

    /// Gives a rule the `#@` lines directly above it (only whitespace in between).
    fn attach_meta(&self, item: Item) -> Item {
        let Item::Rule(mut rule) = item else {
            return item;
        };
        let mut start = rule.span.start;
        let mut lines = Vec::new();
        loop {
            let mut meta = self.meta_lines.borrow_mut();
            let Some((&at, &span)) = meta.range(..start).next_back() else {
                break;
            };
            let between = self
                .src
                .get(span.end as usize..start as usize)
                .unwrap_or("x");
            if !between.trim().is_empty() {
                break;
            }
            meta.remove(&at);
            lines.push(span);
            start = at;
        }
        lines.reverse();
        rule.meta = lines
            .into_iter()
            .filter_map(|span| self.meta_line(span))
            .collect();
        Item::Rule(rule)
    }

    /// `#@ key: value` (value trimmed; may be empty).
    fn meta_line(&self, span: Span) -> Option<Meta> {
        let line = self.src.get(span.start as usize..span.end as usize)?;
        let at = self.blanks(line.get(2..)?);
        let parsed = self.ident(at).ok().and_then(|(rest, key)| {
            let value = self.blanks(rest).strip_prefix(':')?;
            Some(Meta {
                key,
                value: value.trim().to_string(),
                span,
            })
        });
        if parsed.is_none() {
            let mut diag = self.diag(at, "expected `key: value` after `#@`", &META_KEYS);
            diag.span = span;
            diag.found = Some(super::error::found_at(at));
            diag.hint = Some(
                "metadata lines read `#@ severity: high`; use `# ` for a plain comment".to_string(),
            );
            self.record(self.failure(at, diag));
        }
        parsed
    }

    fn report_stray_meta(&self) {
        let stray: Vec<Span> = self.meta_lines.borrow().values().copied().collect();
        for span in stray {
            let at = self.rest_at(span.start);
            let diag = Diag {
                span,
                message: "`#@` metadata is not followed by a rule".to_string(),
                expected: vec!["rule".to_string()],
                found: Some(super::error::found_at(self.ws_after(span))),
                hint: Some("put `#@` lines directly above `rule name { ... }`, or write `# ` for a comment".to_string()),
            };
            self.record(self.failure(at, diag));
        }
    }

    /// The text after `span`, whitespace skipped (without recording anything).
    fn ws_after(&self, span: Span) -> &'s str {
        self.rest_at(span.end).trim_start()
    }

    /// Records `err` and returns where to resume at top level: the next line, after the
    /// failed item's first line, that starts with `rule`, `let`, `include` or `#@` outside any
    /// `{ }`, or that starts a top-level clause in column 0.
    fn recover_top(&self, item_start: &'s str, err: nom::Err<Fail<'s>>) -> &'s str {
        self.record(err);
        let mut depth = 0i64;
        let mut in_comment = false;
        for (n, c) in item_start.char_indices() {
            match c {
                '#' => in_comment = true,
                '{' if !in_comment => depth += 1,
                '}' if !in_comment => depth -= 1,
                '\n' => {
                    in_comment = false;
                    let next = item_start.get(n + 1..).unwrap_or_default();
                    if self.resumes_top(next, depth) {
                        return next;
                    }
                }
                _ => {}
            }
        }
        item_start.get(item_start.len()..).unwrap_or_default()
    }

    fn resumes_top(&self, line: &'s str, depth: i64) -> bool {
        let token = self.blanks(line);
        if self.at_rule_header(line) {
            return true;
        }
        if depth > 0 {
            return false;
        }
        let keyword =
            self.at_keyword(token, &["rule", "let", "include"]) || token.starts_with("#@");
        let column_zero_clause = line.starts_with(|c: char| c.is_ascii_alphabetic() || c == '%');
        keyword || column_zero_clause
    }
}

fn is_word_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}
