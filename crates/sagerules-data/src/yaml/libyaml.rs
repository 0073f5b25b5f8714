//! The fallback parser: libyaml-safer's event stream turned into [`Builder`] calls.
//!
//! Why it is still here: [`super::fast`] reads the block-style YAML templates are written in
//! and declines anything else (directives, explicit `?` keys, a byte-order mark, odd line
//! breaks, and whatever it finds malformed); libyaml-safer is libyaml (the reference C parser
//! behind PyYAML and, through unsafe-libyaml, cfn-guard) ported to safe Rust, and it reads
//! those inputs, with libyaml's leniency, or gives the syntax error. Its pull parser gives every
//! event its start and end mark (the start mark includes the node's tag and anchor) and its raw
//! tag.

use super::builder::{Builder, Scalar, Style};
use super::chunks;
use crate::error::{Duplicates, ErrorKind, LoadError};
use crate::value::{Node, Pos};
use libyaml_safer::{Encoding, EventData, Mark, Parser, ScalarStyle};
use std::borrow::Cow;
use std::cell::Cell;
use std::panic::{self, AssertUnwindSafe};

/// Parses exactly one YAML document with libyaml-safer.
///
/// libyaml-safer 0.3 panics on a few inputs (a block scalar ending the file without a line
/// break; a tag directly followed by `,` in a flow collection). The text is given a final line
/// break, which avoids the first, and a panic that still happens is caught and returned as an
/// error, so callers never see one. A block scalar that ends the original text keeps no line
/// break the text did not have (`a: |\n  x` is `"x"`, as in YAML and CloudFormation).
pub(super) fn parse(text: &str, duplicates: &mut Duplicates) -> Result<Node, LoadError> {
    let with_break;
    let (text, added_break) = if text.ends_with('\n') {
        (text, None)
    } else {
        with_break = format!("{text}\n");
        let last_line = crate::error::sat_u32(text.matches('\n').count() + 1);
        (with_break.as_str(), Some(last_line))
    };
    let last = Cell::new(Pos::new(1, 1));
    let run = panic::catch_unwind(AssertUnwindSafe(|| {
        parse_events(text, duplicates, &last, added_break)
    }));
    run.unwrap_or_else(|_| {
        let message = "the YAML parser failed after this point (libyaml-safer panicked)";
        Err(LoadError::new(last.get(), ErrorKind::Syntax, message))
    })
}

fn parse_events(
    text: &str,
    duplicates: &mut Duplicates,
    last: &Cell<Pos>,
    added_break: Option<u32>,
) -> Result<Node, LoadError> {
    let mut parser = Parser::new();
    parser.set_encoding(Encoding::Utf8);
    parser.set_input(chunks::Chunks::new(text.as_bytes()));
    let mut builder = Builder::new(duplicates);
    loop {
        let event = parser.parse().map_err(|e| parser_error(&e))?;
        let pos = pos_of(&event.start_mark);
        last.set(pos);
        match event.data {
            EventData::DocumentStart { .. } => builder.document_start(pos)?,
            EventData::StreamEnd => return builder.finish(),
            EventData::Scalar {
                anchor,
                tag,
                mut value,
                style,
                ..
            } => {
                let end = pos_of(&event.end_mark);
                let style = match style {
                    ScalarStyle::Literal | ScalarStyle::Folded => Style::Block,
                    ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted => Style::Quoted,
                    _ => Style::Plain,
                };
                if style == Style::Block && added_break.is_some_and(|last| end.line > last) {
                    // The break [`parse`] added is not the document's: drop it from the value.
                    if value.ends_with('\n') {
                        value.pop();
                    }
                }
                builder.scalar(Scalar {
                    text: Cow::Owned(value),
                    style,
                    tag: tag.map(Cow::Owned),
                    anchor: anchor.as_deref(),
                    pos,
                    end,
                })?;
            }
            EventData::Alias { anchor } => builder.alias(&anchor, pos)?,
            EventData::SequenceStart { anchor, tag, .. } => {
                builder.open(true, anchor.as_deref(), tag.as_deref(), pos)?;
            }
            EventData::MappingStart { anchor, tag, .. } => {
                builder.open(false, anchor.as_deref(), tag.as_deref(), pos)?;
            }
            EventData::SequenceEnd | EventData::MappingEnd => builder.close()?,
            EventData::StreamStart { .. } | EventData::DocumentEnd { .. } => {}
        }
    }
}

fn parser_error(error: &libyaml_safer::Error) -> LoadError {
    let pos = error
        .problem_mark()
        .map_or(Pos::new(1, 1), |mark| pos_of(&mark));
    let message = match error.context() {
        Some(context) => format!("{} {context}", error.problem()),
        None => error.problem().to_owned(),
    };
    LoadError::new(pos, ErrorKind::Syntax, message)
}

/// libyaml marks count lines and columns from 0.
fn pos_of(mark: &Mark) -> Pos {
    let one_based = |n: u64| u32::try_from(n).unwrap_or(u32::MAX).saturating_add(1);
    Pos::new(one_based(mark.line), one_based(mark.column))
}
