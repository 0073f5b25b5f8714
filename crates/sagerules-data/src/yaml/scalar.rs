//! Plain YAML scalars resolved by the YAML 1.2 core schema, so `true`, `0x1F` and `.inf` mean
//! what a YAML 1.2 reader says and `2012-10-17`, `yes` and `1_000` stay strings.
//!
//! Quoted scalars never come here: they are strings whatever they look like.

use crate::value::Value;

/// The value of a plain (unquoted) scalar.
///
/// `~` → null, `TRUE` → true, `0o17` → 15, `-1.5e3` → -1500.0, `.NaN` → NaN, `v1` → "v1".
pub(crate) fn resolve_plain(text: &str) -> Value {
    if let Some(value) = null_or_bool(text) {
        return value;
    }
    if let Some(int) = core_int(text) {
        return int;
    }
    if let Some(float) = core_float(text) {
        return Value::Float(float);
    }
    Value::String(text.into())
}

fn null_or_bool(text: &str) -> Option<Value> {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => Some(Value::Null),
        "true" | "True" | "TRUE" => Some(Value::Bool(true)),
        "false" | "False" | "FALSE" => Some(Value::Bool(false)),
        _ => None,
    }
}

/// `[-+]?[0-9]+`, `0o[0-7]+` or `0x[0-9a-fA-F]+`. Decimal integers too large for `i64` become
/// floats (as JSON numbers do); octal or hex ones that overflow stay strings.
pub(crate) fn core_int(text: &str) -> Option<Value> {
    if let Some(octal) = text.strip_prefix("0o") {
        return radix_int(octal, 8);
    }
    if let Some(hex) = text.strip_prefix("0x") {
        return radix_int(hex, 16);
    }
    let digits = text.strip_prefix(['-', '+']).unwrap_or(text);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    match text.parse::<i64>() {
        Ok(int) => Some(Value::Int(int)),
        Err(_) => text.parse::<f64>().ok().map(Value::Float),
    }
}

fn radix_int(digits: &str, radix: u32) -> Option<Value> {
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    i64::from_str_radix(digits, radix).ok().map(Value::Int)
}

/// `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`, `[-+]?.inf` or `.nan` in its three
/// spellings.
pub(crate) fn core_float(text: &str) -> Option<f64> {
    let unsigned = text.strip_prefix(['-', '+']).unwrap_or(text);
    let negative = text.starts_with('-');
    if matches!(unsigned, ".inf" | ".Inf" | ".INF") {
        return Some(if negative {
            f64::NEG_INFINITY
        } else {
            f64::INFINITY
        });
    }
    if matches!(text, ".nan" | ".NaN" | ".NAN") {
        return Some(f64::NAN);
    }
    if !is_core_float_syntax(unsigned) {
        return None;
    }
    text.parse::<f64>().ok()
}

/// Checks the unsigned core-schema float grammar; Rust's own parser is more lenient (`inf`).
fn is_core_float_syntax(text: &str) -> bool {
    let (mantissa, exponent) = match text.find(['e', 'E']) {
        Some(at) => (text.get(..at).unwrap_or_default(), text.get(at + 1..)),
        None => (text, None),
    };
    let (whole, fraction) = match mantissa.split_once('.') {
        Some((whole, fraction)) => (whole, Some(fraction)),
        None => (mantissa, None),
    };
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    let mantissa_ok = match fraction {
        None => !whole.is_empty() && all_digits(whole),
        Some(fraction) if whole.is_empty() => !fraction.is_empty() && all_digits(fraction),
        Some(fraction) => all_digits(whole) && all_digits(fraction),
    };
    let exponent_ok = exponent.is_none_or(|exp| {
        let digits = exp.strip_prefix(['-', '+']).unwrap_or(exp);
        !digits.is_empty() && all_digits(digits)
    });
    mantissa_ok && exponent_ok
}

/// The text a scalar value would be written as, for non-string keys reached through an alias
/// (`*port: x` where `&port 200`).
pub(crate) fn key_text(value: &Value) -> Option<Box<str>> {
    let text: Box<str> = match value {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string().into(),
        Value::Int(i) => i.to_string().into(),
        Value::Float(f) => crate::write::float_text(*f).into(),
        Value::String(s) => s.clone(),
        Value::List(_) | Value::Map(_) => return None,
    };
    Some(text)
}
