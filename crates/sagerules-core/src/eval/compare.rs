//! Comparisons between values, with cfn-guard 3.2.1's rules (recorded in
//! `tests/differential/binary.yaml`):
//!
//! - values of different types are *not comparable*, and a comparison that is not comparable
//!   fails whether or not it is negated (`3 != '3'` fails, and so does `3 == '3'`); ints and
//!   floats compare as numbers;
//! - a list on the left of `==`, `!=`, `<`... against a non-list checks every element
//!   (`[a, a] == 'a'` passes, and an empty list passes vacuously); against a list it is
//!   list equality, in order;
//! - a scalar on the left against a list on the right is only comparable when the list has
//!   one element (`'a' == ['a']` passes, `'a' == ['a', 'b']` and `'c' != ['a', 'b']` fail);
//! - `<`-style operators against a list compare with every element (`15 >= [10, 20]` fails),
//!   and a list on their left compares each of its elements (`[1, 2] < [5, 6]` passes);
//! - `in`: membership in a list or range; a list on the left is in when it is an element of
//!   the right, or all its elements are; a string is `in` a string that contains it;
//! - `==` against a regex means "matches"; a non-string never matches;
//! - with lenient scalars (the [`crate::Expander`] asks for them), a string compares with a
//!   boolean or number as that type: `"true" == true`, `"3" < 5`.

use std::cmp::Ordering;

use crate::ast::{CmpOp, UnaryOp};
use crate::eval::value::{plain, Plain, Val, NO_PATH};
use crate::ruleset::{Lit, RangeLit};

/// The outcome of one comparison before negation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Tri {
    True,
    False,
    Incomparable,
}

impl Tri {
    fn from_bool(b: bool) -> Tri {
        if b {
            Tri::True
        } else {
            Tri::False
        }
    }

    /// Whether the check passes: negation flips true and false; not comparable always fails.
    pub fn passes(self, negated: bool) -> bool {
        match self {
            Tri::True => !negated,
            Tri::False => negated,
            Tri::Incomparable => false,
        }
    }
}

/// `exists`, `empty`, `is_string`... on a present value. `empty` only applies to lists, maps
/// and strings: on anything else it is not comparable (`5 !empty` fails too).
pub(crate) fn unary(op: UnaryOp, value: Plain<'_>) -> Tri {
    let holds = match op {
        UnaryOp::Exists => true,
        UnaryOp::Empty => match value {
            Plain::List(items) => items.is_empty(),
            Plain::Map(map) => map.is_empty(),
            Plain::Str(s) => s.is_empty(),
            _ => return Tri::Incomparable,
        },
        UnaryOp::IsString => matches!(value, Plain::Str(_)),
        UnaryOp::IsList => matches!(value, Plain::List(_)),
        UnaryOp::IsStruct => matches!(value, Plain::Map(_)),
        UnaryOp::IsBool => matches!(value, Plain::Bool(_)),
        UnaryOp::IsInt => matches!(value, Plain::Int(_)),
        UnaryOp::IsFloat => matches!(value, Plain::Float(_)),
        UnaryOp::IsNull => matches!(value, Plain::Null),
    };
    Tri::from_bool(holds)
}

/// Does `lhs op rhs` pass for one left value against every right value (any, for `in`)?
/// `!=` is `==` negated.
pub(crate) fn binary(
    lhs: Plain<'_>,
    op: CmpOp,
    negated: bool,
    rhs: &[Val<'_>],
    lenient: bool,
) -> bool {
    let (op, negated) = match op {
        CmpOp::Ne => (CmpOp::Eq, !negated),
        other => (other, negated),
    };
    if rhs.is_empty() {
        return false;
    }
    if op == CmpOp::In {
        return match lhs {
            Plain::List(items) => list_in(lhs, items, negated, rhs, lenient),
            scalar => in_any(scalar, rhs, lenient).passes(negated),
        };
    }
    rhs.iter().all(|r| against(lhs, op, negated, r, lenient))
}

/// `x in rhs` against every right value: true when any holds.
fn in_any(lhs: Plain<'_>, rhs: &[Val<'_>], lenient: bool) -> Tri {
    let mut result = Tri::Incomparable;
    for r in rhs {
        match member(lhs, r, lenient) {
            Tri::True => return Tri::True,
            Tri::False => result = Tri::False,
            Tri::Incomparable => {}
        }
    }
    result
}

/// A list on the left of `in` / `not in`: in when it is itself an element of the right
/// list; otherwise each element is tested (negation applied per element, so
/// `[a, b] not in ['a']` fails). `[] in [...]` passes and `[] not in [...]` fails; a list
/// is never in a range.
fn list_in(
    lhs: Plain<'_>,
    items: &[sagerules_data::Node],
    negated: bool,
    rhs: &[Val<'_>],
    lenient: bool,
) -> bool {
    if rhs.iter().any(|r| matches!(r, Val::Range(_))) {
        return false;
    }
    let whole = rhs.iter().any(|r| match r {
        Val::Mixed(values) => values
            .iter()
            .any(|v| equals(lhs, &lit_val(v), lenient) == Tri::True),
        other => match other.plain() {
            Some(Plain::List(values)) => values
                .iter()
                .any(|v| eq_scalar(lhs, plain(v), lenient) == Tri::True),
            _ => false,
        },
    });
    if whole {
        return !negated;
    }
    if items.is_empty() {
        let list_rhs = rhs.iter().any(|r| is_listish(r));
        return !(negated && list_rhs);
    }
    items
        .iter()
        .all(|item| in_any(plain(item), rhs, lenient).passes(negated))
}

/// One left value against one right value, spreading a left list over a non-list right.
fn against(lhs: Plain<'_>, op: CmpOp, negated: bool, rhs: &Val<'_>, lenient: bool) -> bool {
    match lhs {
        Plain::List(items) if op != CmpOp::Eq || !is_listish(rhs) => items
            .iter()
            .all(|item| holds(plain(item), op, rhs, lenient).passes(negated)),
        _ => holds(lhs, op, rhs, lenient).passes(negated),
    }
}

fn is_listish(value: &Val<'_>) -> bool {
    matches!(value, Val::Mixed(_)) || matches!(value.plain(), Some(Plain::List(_)))
}

/// `lhs op rhs` for `==` and the orderings.
fn holds(lhs: Plain<'_>, op: CmpOp, rhs: &Val<'_>, lenient: bool) -> Tri {
    if op == CmpOp::Eq {
        return equals(lhs, rhs, lenient);
    }
    match rhs.plain() {
        Some(Plain::List(items)) => all_of(
            items
                .iter()
                .map(|item| ordered(lhs, op, plain(item), lenient)),
        ),
        Some(right) => ordered(lhs, op, right, lenient),
        None => Tri::Incomparable,
    }
}

fn all_of(results: impl Iterator<Item = Tri>) -> Tri {
    let mut out = Tri::True;
    for result in results {
        match result {
            Tri::Incomparable => return Tri::Incomparable,
            Tri::False => out = Tri::False,
            Tri::True => {}
        }
    }
    out
}

fn equals(lhs: Plain<'_>, rhs: &Val<'_>, lenient: bool) -> Tri {
    match rhs {
        Val::Regex(regex) => match lhs {
            Plain::Str(s) => regex.is_match(s).map_or(Tri::Incomparable, Tri::from_bool),
            _ => Tri::Incomparable,
        },
        Val::Range(range) => in_range(lhs, range, lenient),
        Val::Mixed(items) => equals_mixed(lhs, items, lenient),
        other => match other.plain() {
            Some(right) => equals_plain(lhs, right, lenient),
            None => Tri::Incomparable,
        },
    }
}

fn equals_mixed(lhs: Plain<'_>, items: &[Lit], lenient: bool) -> Tri {
    match lhs {
        Plain::List(values) if values.len() == items.len() => all_of(
            values
                .iter()
                .zip(items)
                .map(|(v, item)| equals(plain(v), &lit_val(item), lenient)),
        ),
        Plain::List(_) => Tri::False,
        scalar => match items {
            [only] => equals(scalar, &lit_val(only), lenient),
            _ => Tri::Incomparable,
        },
    }
}

fn equals_plain(lhs: Plain<'_>, rhs: Plain<'_>, lenient: bool) -> Tri {
    match (lhs, rhs) {
        (Plain::List(_), Plain::List(_)) => eq_scalar(lhs, rhs, lenient),
        (left, Plain::List(items)) => match items {
            [only] => eq_scalar(left, plain(only), lenient),
            _ => Tri::Incomparable,
        },
        _ => eq_scalar(lhs, rhs, lenient),
    }
}

/// Deep equality; maps ignore key order; ints and floats compare as numbers.
fn eq_scalar(lhs: Plain<'_>, rhs: Plain<'_>, lenient: bool) -> Tri {
    match (lhs, rhs) {
        (Plain::Null, Plain::Null) => Tri::True,
        (Plain::Bool(a), Plain::Bool(b)) => Tri::from_bool(a == b),
        (Plain::Str(a), Plain::Str(b)) => Tri::from_bool(a == b),
        (Plain::Int(_) | Plain::Float(_), Plain::Int(_) | Plain::Float(_)) => {
            Tri::from_bool(number_order(lhs, rhs) == Some(Ordering::Equal))
        }
        (Plain::List(a), Plain::List(b)) if a.len() == b.len() => all_of(
            a.iter()
                .zip(b)
                .map(|(x, y)| eq_scalar(plain(x), plain(y), lenient)),
        ),
        (Plain::List(_), Plain::List(_)) => Tri::False,
        (Plain::Map(a), Plain::Map(b)) => Tri::from_bool(
            a.len() == b.len()
                && a.iter().all(|(k, v)| {
                    b.get(k)
                        .is_some_and(|w| eq_scalar(plain(v), plain(w), lenient) == Tri::True)
                }),
        ),
        (Plain::Str(text), other) | (other, Plain::Str(text)) if lenient => {
            match coerce(text, other) {
                Some(value) => eq_scalar(value, other, false),
                None => Tri::Incomparable,
            }
        }
        _ => Tri::Incomparable,
    }
}

/// With lenient scalars (CloudFormation, where `"true"` and `"3"` are how YAML often spells
/// a boolean or a number): the string read as the other side's type.
fn coerce<'s>(text: &'s str, like: Plain<'_>) -> Option<Plain<'s>> {
    match like {
        Plain::Bool(_) if text.eq_ignore_ascii_case("true") => Some(Plain::Bool(true)),
        Plain::Bool(_) if text.eq_ignore_ascii_case("false") => Some(Plain::Bool(false)),
        Plain::Int(_) | Plain::Float(_) => match text.trim().parse::<i64>() {
            Ok(int) => Some(Plain::Int(int)),
            Err(_) => text
                .trim()
                .parse::<f64>()
                .ok()
                .filter(|f| f.is_finite())
                .map(Plain::Float),
        },
        _ => None,
    }
}

fn number_order(lhs: Plain<'_>, rhs: Plain<'_>) -> Option<Ordering> {
    match (lhs, rhs) {
        (Plain::Int(a), Plain::Int(b)) => Some(a.cmp(&b)),
        (Plain::Int(a), Plain::Float(b)) => (a as f64).partial_cmp(&b),
        (Plain::Float(a), Plain::Int(b)) => a.partial_cmp(&(b as f64)),
        (Plain::Float(a), Plain::Float(b)) => a.partial_cmp(&b),
        _ => None,
    }
}

fn order(lhs: Plain<'_>, rhs: Plain<'_>, lenient: bool) -> Option<Ordering> {
    match (lhs, rhs) {
        (Plain::Str(a), Plain::Str(b)) => Some(a.cmp(b)),
        (Plain::Str(text), other @ (Plain::Int(_) | Plain::Float(_))) if lenient => {
            number_order(coerce(text, other)?, other)
        }
        (other @ (Plain::Int(_) | Plain::Float(_)), Plain::Str(text)) if lenient => {
            number_order(other, coerce(text, other)?)
        }
        _ => number_order(lhs, rhs),
    }
}

fn ordered(lhs: Plain<'_>, op: CmpOp, rhs: Plain<'_>, lenient: bool) -> Tri {
    let Some(ordering) = order(lhs, rhs, lenient) else {
        return Tri::Incomparable;
    };
    Tri::from_bool(match op {
        CmpOp::Lt => ordering == Ordering::Less,
        CmpOp::Le => ordering != Ordering::Greater,
        CmpOp::Gt => ordering == Ordering::Greater,
        CmpOp::Ge => ordering != Ordering::Less,
        _ => ordering == Ordering::Equal,
    })
}

fn in_range(value: Plain<'_>, range: &RangeLit, lenient: bool) -> Tri {
    if !range.comparable {
        return Tri::Incomparable;
    }
    let (Some(low), Some(high)) = (
        order(value, plain(&range.lower), lenient),
        order(value, plain(&range.upper), lenient),
    ) else {
        return Tri::Incomparable;
    };
    let above = low == Ordering::Greater || (range.lower_inclusive && low == Ordering::Equal);
    let below = high == Ordering::Less || (range.upper_inclusive && high == Ordering::Equal);
    Tri::from_bool(above && below)
}

/// `lhs in rhs` for one right value.
fn member(lhs: Plain<'_>, rhs: &Val<'_>, lenient: bool) -> Tri {
    match rhs {
        Val::Range(range) => in_range(lhs, range, lenient),
        Val::Regex(_) => equals(lhs, rhs, lenient),
        Val::Mixed(items) => member_of(lhs, items.iter().map(lit_val), lenient),
        other => match (lhs, other.plain()) {
            (_, Some(Plain::List(items))) => member_of(
                lhs,
                items.iter().map(|item| Val::Doc(item, NO_PATH)),
                lenient,
            ),
            (Plain::Str(needle), Some(Plain::Str(hay))) => Tri::from_bool(hay.contains(needle)),
            (_, Some(right)) => eq_scalar(lhs, right, lenient),
            (_, None) => Tri::Incomparable,
        },
    }
}

/// A value is in a list when it equals (or matches) an element; a value that cannot be
/// compared with any element counts as not in (Guard).
fn member_of<'v>(lhs: Plain<'_>, mut items: impl Iterator<Item = Val<'v>>, lenient: bool) -> Tri {
    Tri::from_bool(items.any(|item| equals(lhs, &item, lenient) == Tri::True))
}

pub(crate) fn lit_val(lit: &Lit) -> Val<'_> {
    match lit {
        Lit::Node(node) => Val::Doc(node, NO_PATH),
        Lit::Regex(regex) => Val::Regex(regex),
        Lit::Range(range) => Val::Range(range),
        Lit::Mixed(items) => Val::Mixed(items),
    }
}
