//! The reference reader: libyaml-safer's event stream turned into [`Builder`] calls (feature
//! `libyaml-reference`, for the differential test, the fuzz target and the benchmark).
//!
//! It was the loader before issue 17: libyaml (the C parser behind PyYAML and, through
//! unsafe-libyaml, cfn-guard) ported to safe Rust. Our reader was built to give the same tree
//! from the same text. libyaml-safer 0.3 panics on a few inputs (`[!a,]`); nothing here catches
//! that: callers that feed it arbitrary input run it where a panic is contained.

use super::builder::{Builder, Scalar, Style};
use super::chunks;
use crate::error::{Duplicates, ErrorKind, LoadError};
use crate::value::{Node, Pos};
use libyaml_safer::{Encoding, EventData, Mark, Parser, ScalarStyle};
use std::borrow::Cow;

/// Parses exactly one YAML document with libyaml-safer.
///
/// libyaml-safer 0.3 panics on a block scalar that ends the file without a line break; the
/// text is given a final line break, and a block scalar that ends the original text keeps no
/// line break the text did not have (`a: |\n  x` is `"x"`, as in YAML and CloudFormation).
pub(super) fn parse(text: &str, duplicates: &mut Duplicates) -> Result<Node, LoadError> {
    let with_break;
    let (text, added_break) = if text.ends_with('\n') {
        (text, None)
    } else {
        with_break = format!("{text}\n");
        let last_line = crate::error::sat_u32(text.matches('\n').count() + 1);
        (with_break.as_str(), Some(last_line))
    };
    parse_events(text, duplicates, added_break)
}

fn parse_events(
    text: &str,
    duplicates: &mut Duplicates,
    added_break: Option<u32>,
) -> Result<Node, LoadError> {
    let mut parser = Parser::new();
    parser.set_encoding(Encoding::Utf8);
    parser.set_input(chunks::Chunks::new(text.as_bytes()));
    let mut builder = Builder::new(duplicates);
    loop {
        let event = parser.parse().map_err(|e| parser_error(&e))?;
        let pos = pos_of(&event.start_mark);
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
