//! CloudFormation awareness for `check`, through the `sagerules-cfn` crate: intrinsics and
//! parameters expanded, pipeline steps checked as jobs, suppressions applied, and Service
//! Catalog product templates read from disk next to the template that names them.
//!
//! This module only does what that crate leaves to its caller: read the files a template
//! names, and turn each checked document into a [`FileOutcome`] (a product template is an
//! outcome of its own, under its own file name).

use crate::check::model::FileOutcome;
use crate::check::Context;
use crate::diag::Diag;
use crate::inputs::{self, DATA_EXTENSIONS};
use sagerules_cfn::{check_each, CfnError, Checked, Options, Template};
use sagerules_core::RuleSet;
use sagerules_data::{Node, Pos};
use std::path::Path;

/// Checks one loaded template (`text` is its source, `doc` the loaded document) with every
/// rule set; the template's own outcome comes first, then one per product template it leads to.
///
/// The document is dropped before the outcomes are made: they need only the positions the
/// reports carry, so a large template's tree and its verdicts are not held at once.
pub fn check_template(
    file: &str,
    text: &str,
    doc: Node,
    context: &Context<'_>,
) -> Vec<FileOutcome> {
    let sets: Vec<&RuleSet> = context.sets.iter().map(|s| &s.set).collect();
    let template = Template {
        name: file,
        text: Some(text),
        root: &doc,
    };
    let options = Options {
        params: context.params,
        only: None,
        no_foreign_suppressions: context.no_foreign_suppressions,
        stack_keys_allowed: context
            .params
            .is_some_and(sagerules_pack::params::stack_keys_allowed),
    };
    let mut checked = Vec::new();
    let read = |from: &str, path: &str| read_relative(from, path, context);
    check_each(&sets, template, options, &read, &mut |data, one| {
        checked.push((data.pos, one));
    });
    drop(doc);
    checked
        .into_iter()
        .map(|(root, one)| outcome(root, one, text))
        .collect()
}

/// Reads `path` relative to the directory of the template shown as `from`, if it is a data
/// file under the root ([`crate::confine`]) and within the size limit.
///
/// `from = "portfolio/main.yaml"`, `path = "products/nb.yaml"` → `portfolio/products/nb.yaml`.
fn read_relative(
    from: &str,
    path: &str,
    context: &Context<'_>,
) -> Result<(String, Vec<u8>), String> {
    if from == "-" {
        return Err("a template read from standard input has no directory to resolve it in".into());
    }
    let full = Path::new(from)
        .parent()
        .unwrap_or_else(|| Path::new(""))
        .join(path);
    context.confine.check(&full, DATA_EXTENSIONS)?;
    let name = inputs::display_path(&full);
    inputs::read_file(&full, context.max_size)
        .map(|bytes| (name, bytes))
        .map_err(|e| e.to_string())
}

/// One checked document, whose root is at `root`, as a [`FileOutcome`]; `main_text` is the
/// text of the template given (product templates bring their own).
fn outcome(root: Pos, checked: Checked, main_text: &str) -> FileOutcome {
    let text = checked.text.as_deref().unwrap_or(main_text);
    let mut out = FileOutcome {
        file: checked.file.clone(),
        ..FileOutcome::default()
    };
    out.errors.extend(
        checked
            .errors
            .iter()
            .map(|e| error_diag(&checked.file, text, e)),
    );
    for report in checked.reports {
        out.add_report(root, report);
    }
    if let Some(by) = &checked.provisioned_by {
        mark_provisioned(&mut out, by);
    }
    out.suppressed = checked.suppressed;
    out.notes = checked.notes;
    out
}

/// A product template checked with a provisioning's values reports its resources as
/// `Notebook (provisioned product Analytics)`, apart from the same file checked alone.
fn mark_provisioned(out: &mut FileOutcome, by: &str) {
    for verdict in &mut out.verdicts {
        if let Some(resource) = &mut verdict.resource {
            resource.push_str(&format!(" ({by})"));
        }
    }
}

fn error_diag(file: &str, text: &str, error: &CfnError) -> Diag {
    let Pos { line, col } = error.pos();
    Diag::at_line_col(file, text, line as usize, col as usize, error.to_string())
}
