//! Built-in functions. Each maps the values of its first argument (a query) to computed
//! values kept in the evaluation's arena, pointing back at the value they came from:
//!
//! ```text
//! let policy = json_parse(Resources.Role.Properties.PolicyText)
//! let n = count(Resources.*[ Type == 'AWS::SageMaker::Model' ])
//! ```
//!
//! A missing input stays missing (so the check on it fails, as in cfn-guard); an input of
//! the wrong kind makes the rule a runtime error.

use std::time::{SystemTime, UNIX_EPOCH};

use regex::Regex;
use sagerules_data::{Node, Pos, Value};

use crate::ast::Call;
use crate::eval::engine::{Ctx, EvalResult, Scope};
use crate::eval::value::{Got, Miss, PathId, Plain, Val, NO_PATH};

impl<'c> Ctx<'c> {
    pub fn call(&'c self, call: &'c Call, scope: &Scope<'_, 'c>) -> EvalResult<Vec<Got<'c>>> {
        let mut args = Vec::with_capacity(call.args.len());
        for arg in &call.args {
            args.push(self.quietly(false, false, || self.expr(arg, scope))?);
        }
        let name = call.name.name.as_str();
        let first = args.first().map(Vec::as_slice).unwrap_or_default();
        match name {
            "count" => Ok(vec![self.computed(
                Value::Int(count(first)),
                NO_PATH,
                Pos::default(),
            )]),
            "now" => Ok(vec![self.computed(
                Value::Int(now()),
                NO_PATH,
                Pos::default(),
            )]),
            "join" => self.join(call, first, args.get(1)),
            "regex_replace" => self.regex_replace(call, &args),
            "substring" => self.substring(call, &args),
            "referenced_ids" => Ok(self.referenced_ids(first)),
            _ => self.map_values(call, first),
        }
    }

    /// `referenced_ids(Properties.RoleArn)`: the ids of the resources of the same document
    /// that the values name, at any depth, once each, in the order first named
    /// (`!GetAtt ExecutionRole.Arn` → `"ExecutionRole"`). Only the [`crate::Expander`] knows
    /// how a document names its resources; without one (plain data) nothing is named.
    fn referenced_ids(&'c self, values: &[Got<'c>]) -> Vec<Got<'c>> {
        let Some(expander) = self.expander else {
            return Vec::new();
        };
        let mut seen = foldhash::HashSet::default();
        let mut out = Vec::new();
        for val in values.iter().filter_map(|got| match got {
            Got::Val(val) => Some(val),
            Got::Missing { .. } => None,
        }) {
            let node = match val {
                Val::Doc(node, _) => *node,
                Val::Unknown(deferred) | Val::Any(deferred) => deferred.node,
                _ => continue,
            };
            for id in expander.referenced_ids(self.root, node) {
                if seen.insert(id.clone()) {
                    out.push(self.computed(Value::String(id.into()), val.path(), val.pos()));
                }
            }
        }
        out
    }

    fn computed(&'c self, value: Value, from: PathId, pos: Pos) -> Got<'c> {
        Got::Val(Val::Doc(self.alloc(Node::new(value, pos)), from))
    }

    /// The one-argument functions, value by value.
    fn map_values(&'c self, call: &'c Call, values: &[Got<'c>]) -> EvalResult<Vec<Got<'c>>> {
        let name = call.name.name.as_str();
        let mut out = Vec::with_capacity(values.len());
        for got in values {
            let Got::Val(val) = got else {
                out.push(got.clone());
                continue;
            };
            let Some(plain) = val.plain() else {
                return Err(self.error(call.span, format!("`{name}` cannot take a regex or range")));
            };
            let result = match name {
                "json_parse" => return self.json_parse_each(values),
                "to_lower" => string_arg(plain).map(|s| Value::String(s.to_lowercase().into())),
                "to_upper" => string_arg(plain).map(|s| Value::String(s.to_uppercase().into())),
                "url_decode" => string_arg(plain)
                    .and_then(url_decode)
                    .map(|s| Value::String(s.into())),
                "parse_int" => parse_int(plain),
                "parse_float" => parse_float(plain),
                "parse_boolean" => parse_boolean(plain),
                "parse_string" => scalar_text(plain).map(|s| Value::String(s.into())),
                "parse_char" => parse_char(plain),
                "parse_epoch" => string_arg(plain).and_then(parse_epoch).map(Value::Int),
                _ => None,
            };
            out.push(match result {
                Some(value) => self.computed(value, val.path(), val.pos()),
                None => Got::Missing {
                    at: val.path(),
                    pos: val.pos(),
                    miss: Miss::Function(&call.name.name),
                },
            });
        }
        Ok(out)
    }

    fn json_parse_each(&'c self, values: &[Got<'c>]) -> EvalResult<Vec<Got<'c>>> {
        let mut out = Vec::with_capacity(values.len());
        for got in values {
            let Got::Val(val) = got else {
                out.push(got.clone());
                continue;
            };
            // JSON, or YAML (a superset of JSON), as Guard's json_parse reads it: CloudFormation
            // policies are sometimes embedded as YAML text.
            match val
                .as_str()
                .map(|text| sagerules_data::load_auto(text.as_bytes()))
            {
                Some(Ok(mut parsed)) => {
                    set_pos(&mut parsed, val.pos());
                    out.push(Got::Val(Val::Doc(self.alloc(parsed), val.path())));
                }
                _ => out.push(Got::Missing {
                    at: val.path(),
                    pos: val.pos(),
                    miss: Miss::Function("json_parse"),
                }),
            }
        }
        Ok(out)
    }

    /// `join(values, ',')`: one string of every value's text.
    fn join(
        &'c self,
        call: &'c Call,
        values: &[Got<'c>],
        delim: Option<&Vec<Got<'c>>>,
    ) -> EvalResult<Vec<Got<'c>>> {
        let delim = single_str(delim)
            .ok_or_else(|| self.error(call.span, "`join` needs a string delimiter"))?;
        let mut parts = Vec::with_capacity(values.len());
        for got in values {
            let Got::Val(val) = got else {
                return Ok(vec![got.clone()]);
            };
            match val.plain().and_then(scalar_text) {
                Some(text) => parts.push(text),
                None => {
                    return Ok(vec![Got::Missing {
                        at: val.path(),
                        pos: val.pos(),
                        miss: Miss::Function("join"),
                    }])
                }
            }
        }
        let (path, pos) = values
            .first()
            .map_or((NO_PATH, Pos::default()), |g| (g.path(), got_pos(g)));
        Ok(vec![self.computed(
            Value::String(parts.join(delim).into()),
            path,
            pos,
        )])
    }

    /// `regex_replace(values, "pattern", "replacement")`; `$1` / `${name}` refer to groups. The
    /// sagerules dialect replaces every match in the text; the Guard dialect returns only the
    /// expanded replacements, as Guard does.
    fn regex_replace(&'c self, call: &'c Call, args: &[Vec<Got<'c>>]) -> EvalResult<Vec<Got<'c>>> {
        let compiled;
        let regex: &Regex = match args.get(1).and_then(|a| a.first()) {
            Some(Got::Val(Val::Regex(pattern))) => pattern.linear().ok_or_else(|| {
                self.error(
                    call.span,
                    "`regex_replace` takes a pattern without look-around or back-references",
                )
            })?,
            Some(Got::Val(val)) if val.as_str().is_some() => {
                let pattern = val.as_str().unwrap_or_default();
                compiled = Regex::new(&crate::ruleset::lit::literal_braces(pattern))
                    .map_err(|e| self.error(call.span, format!("bad pattern: {e}")))?;
                &compiled
            }
            _ => return Err(self.error(call.span, "`regex_replace` needs a pattern")),
        };
        let replacement = single_str(args.get(2))
            .ok_or_else(|| self.error(call.span, "`regex_replace` needs a replacement string"))?;
        if self.guard_dialect() {
            return self.map_strings(call, "regex_replace", args.first(), |text| {
                Some(guard_replacement(regex, text, replacement))
            });
        }
        self.map_strings(call, "regex_replace", args.first(), |text| {
            regex
                .is_match(text)
                .then(|| regex.replace_all(text, replacement).into_owned())
        })
    }

    /// `substring(values, from, to)`: characters `from..to`; out of range is missing.
    fn substring(&'c self, call: &'c Call, args: &[Vec<Got<'c>>]) -> EvalResult<Vec<Got<'c>>> {
        let bound = |i: usize| match args.get(i).and_then(|a| a.first()) {
            Some(Got::Val(val)) => match val.plain() {
                Some(Plain::Int(n)) => usize::try_from(n).ok(),
                _ => None,
            },
            _ => None,
        };
        let (Some(from), Some(to)) = (bound(1), bound(2)) else {
            return Err(self.error(call.span, "`substring` needs non-negative integer bounds"));
        };
        self.map_strings(call, "substring", args.first(), |text| {
            let length = text.chars().count();
            (from <= to && to <= length).then(|| text.chars().skip(from).take(to - from).collect())
        })
    }

    /// Maps each string of `values` through `apply` (for `regex_replace` and `substring`): a
    /// missing value stays missing, a string `apply` gives no text for becomes missing, and a
    /// value that is not a string makes the call a runtime error.
    fn map_strings(
        &'c self,
        call: &'c Call,
        name: &'static str,
        values: Option<&Vec<Got<'c>>>,
        apply: impl Fn(&str) -> Option<String>,
    ) -> EvalResult<Vec<Got<'c>>> {
        let mut out = Vec::new();
        for got in values.map(Vec::as_slice).unwrap_or_default() {
            let Got::Val(val) = got else {
                out.push(got.clone());
                continue;
            };
            let text = val
                .as_str()
                .ok_or_else(|| self.error(call.span, format!("`{name}` needs strings")))?;
            out.push(match apply(text) {
                Some(result) => self.computed(Value::String(result.into()), val.path(), val.pos()),
                None => Got::Missing {
                    at: val.path(),
                    pos: val.pos(),
                    miss: Miss::Function(name),
                },
            });
        }
        Ok(out)
    }
}

fn count(values: &[Got<'_>]) -> i64 {
    values.iter().filter(|g| matches!(g, Got::Val(_))).count() as i64
}

fn got_pos(got: &Got<'_>) -> Pos {
    match got {
        Got::Val(val) => val.pos(),
        Got::Missing { pos, .. } => *pos,
    }
}

fn single_str<'x>(values: Option<&'x Vec<Got<'_>>>) -> Option<&'x str> {
    match values?.first()? {
        Got::Val(val) => val.as_str(),
        Got::Missing { .. } => None,
    }
}

fn string_arg(plain: Plain<'_>) -> Option<&str> {
    match plain {
        Plain::Str(s) => Some(s),
        _ => None,
    }
}

/// The text of a scalar: `3` → `"3"`, `true` → `"true"`.
fn scalar_text(plain: Plain<'_>) -> Option<String> {
    match plain {
        Plain::Str(s) => Some(s.to_string()),
        Plain::Int(i) => Some(i.to_string()),
        Plain::Float(f) => Some(f.to_string()),
        Plain::Bool(b) => Some(b.to_string()),
        Plain::Null => Some("null".to_string()),
        _ => None,
    }
}

fn parse_int(plain: Plain<'_>) -> Option<Value> {
    match plain {
        Plain::Int(i) => Some(Value::Int(i)),
        Plain::Float(f) if f.is_finite() => Some(Value::Int(f.trunc() as i64)),
        Plain::Str(s) => s.trim().parse().ok().map(Value::Int),
        _ => None,
    }
}

fn parse_float(plain: Plain<'_>) -> Option<Value> {
    match plain {
        Plain::Int(i) => Some(Value::Float(i as f64)),
        Plain::Float(f) => Some(Value::Float(f)),
        Plain::Str(s) => s.trim().parse().ok().map(Value::Float),
        _ => None,
    }
}

fn parse_boolean(plain: Plain<'_>) -> Option<Value> {
    match plain {
        Plain::Bool(b) => Some(Value::Bool(b)),
        Plain::Str(s) if s.eq_ignore_ascii_case("true") => Some(Value::Bool(true)),
        Plain::Str(s) if s.eq_ignore_ascii_case("false") => Some(Value::Bool(false)),
        _ => None,
    }
}

/// A one-character string (sagerules has no separate character type).
fn parse_char(plain: Plain<'_>) -> Option<Value> {
    let text = match plain {
        Plain::Str(s) => s.to_string(),
        Plain::Int(i @ 0..=9) => i.to_string(),
        _ => return None,
    };
    (text.chars().count() == 1).then(|| Value::String(text.into()))
}

/// `a%20b%2Fc` → `a b/c` (and `+` → space); `None` for broken escapes or bad UTF-8.
fn url_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'%' => {
                let hex = bytes.get(i + 1..i + 3)?;
                let hex = std::str::from_utf8(hex).ok()?;
                out.push(u8::from_str_radix(hex, 16).ok()?);
                i += 3;
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            other => {
                out.push(other);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok()
}

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// RFC 3339 (`2023-11-14T22:13:20Z`, `2023-11-14T23:13:20.5+01:00`) → seconds since the epoch.
pub(crate) fn parse_epoch(text: &str) -> Option<i64> {
    let text = text.trim();
    let (date, rest) = text.split_at_checked(10)?;
    let mut parts = date.split('-');
    let year: i64 = parts.next()?.parse().ok()?;
    let month: i64 = parts.next()?.parse().ok()?;
    let day: i64 = parts.next()?.parse().ok()?;
    let rest = rest.strip_prefix(['T', 't', ' '])?;
    let (clock, zone) = rest.split_at_checked(8)?;
    let mut hms = clock.split(':');
    let hour: i64 = hms.next()?.parse().ok()?;
    let minute: i64 = hms.next()?.parse().ok()?;
    let second: i64 = hms.next()?.parse().ok()?;
    let zone = zone.trim_start_matches(|c: char| c == '.' || c.is_ascii_digit());
    let offset = zone_offset(zone)?;
    if !(1..=12).contains(&month)
        || !(1..=31).contains(&day)
        || hour > 23
        || minute > 59
        || second > 60
    {
        return None;
    }
    Some(days_from_civil(year, month, day) * 86_400 + hour * 3_600 + minute * 60 + second - offset)
}

fn zone_offset(zone: &str) -> Option<i64> {
    if zone.eq_ignore_ascii_case("z") {
        return Some(0);
    }
    let sign = match zone.get(..1)? {
        "+" => 1,
        "-" => -1,
        _ => return None,
    };
    let (hours, minutes) = zone.get(1..)?.split_once(':')?;
    Some(sign * (hours.parse::<i64>().ok()? * 3_600 + minutes.parse::<i64>().ok()? * 60))
}

/// Days since 1970-01-01 of a proleptic Gregorian date.
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month_index = (month + 9) % 12;
    let day_of_year = (153 * month_index + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

fn set_pos(node: &mut Node, pos: Pos) {
    node.pos = pos;
    match &mut node.value {
        Value::List(items) => items.iter_mut().for_each(|n| set_pos(n, pos)),
        Value::Map(map) => map.values_mut().for_each(|n| set_pos(n, pos)),
        _ => {}
    }
}

/// Guard's `regex_replace`: the replacement expanded once per match, the expansions joined,
/// and nothing else of the text (`regex_replace("abc", "b", "X")` is `"X"`; no match gives
/// `""`).
fn guard_replacement(regex: &Regex, text: &str, replacement: &str) -> String {
    let mut out = String::new();
    for captures in regex.captures_iter(text) {
        captures.expand(replacement, &mut out);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_epoch_reads_rfc3339() {
        assert_eq!(parse_epoch("2023-11-14T22:13:20Z"), Some(1_700_000_000));
        assert_eq!(
            parse_epoch("2023-11-14T23:13:20.25+01:00"),
            Some(1_700_000_000)
        );
        assert_eq!(parse_epoch("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(parse_epoch("yesterday"), None);
    }

    #[test]
    fn url_decode_handles_escapes() {
        assert_eq!(url_decode("a%20b%2Fc").as_deref(), Some("a b/c"));
        assert_eq!(url_decode("%zz"), None);
    }
}
