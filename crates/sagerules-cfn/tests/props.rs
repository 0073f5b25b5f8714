//! Property tests: `Fn::Sub` strings split into parts and rendered back round-trip.

#![allow(
    clippy::unwrap_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "helpers of tests"
)]

use proptest::prelude::*;
use sagerules_cfn::fold::{sub_parts, SubPart};

#[derive(Clone, Debug)]
enum Piece {
    Text(String),
    Var(String),
}

fn piece() -> impl Strategy<Value = Piece> {
    prop_oneof![
        "[a-z${}!: ]{0,8}".prop_map(Piece::Text),
        "[A-Za-z][A-Za-z0-9:.]{0,12}".prop_map(Piece::Var),
    ]
}

/// The `Sub` text for `parts`: literal `${` escaped as `${!`.
fn render(parts: &[SubPart<'_>]) -> String {
    parts
        .iter()
        .map(|p| match p {
            SubPart::Text(t) => t.replace("${", "${!"),
            SubPart::Var(v) => format!("${{{v}}}"),
        })
        .collect()
}

/// What `sub_parts` should return: adjacent texts merged, empty ones dropped.
fn expected(pieces: &[Piece]) -> Vec<SubPart<'_>> {
    let mut parts: Vec<SubPart<'_>> = Vec::new();
    for p in pieces {
        match (p, parts.last_mut()) {
            (Piece::Text(t), _) if t.is_empty() => {}
            (Piece::Text(t), Some(SubPart::Text(last))) => last.push_str(t),
            (Piece::Text(t), _) => parts.push(SubPart::Text(t.clone())),
            (Piece::Var(v), _) => parts.push(SubPart::Var(v)),
        }
    }
    parts
}

proptest! {
    #[test]
    fn sub_strings_round_trip(pieces in prop::collection::vec(piece(), 0..6)) {
        let parts = expected(&pieces);
        let text = render(&parts);
        prop_assert_eq!(sub_parts(&text), parts);
    }

    #[test]
    fn any_text_splits_without_panicking(text in "\\PC{0,40}") {
        let parts = sub_parts(&text);
        prop_assert!(parts.iter().all(|p| !matches!(p, SubPart::Text(t) if t.is_empty())));
    }
}
