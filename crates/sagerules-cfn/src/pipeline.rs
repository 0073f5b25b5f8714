//! SageMaker pipelines: each training, tuning, processing or transform step of an inline
//! `AWS::SageMaker::Pipeline` definition becomes a job resource of its own.
//!
//! Why: a pipeline step carries the same `Create*` request as a job started by hand, and the
//! pack's job rules must judge it the same way. The step's `Arguments` use the API's field
//! names, so the rule pack's adapter ([`sagerules_shapes::adapt::from_pipeline_step`]) shapes
//! them; this module finds the steps (inside `Condition` steps too), names them
//! `<Pipeline>/<Step>` and keeps their positions.
//!
//! The body can be written four ways:
//!
//! ```yaml
//! PipelineDefinitionBody: '{"Version": "2020-12-01", "Steps": [...]}'   # a JSON string
//! PipelineDefinitionBody: !Sub '{"Steps": [{"Arguments": {"RoleArn": "${Role.Arn}"}}]}'
//! PipelineDefinitionBody: !Join ["", ['{"Steps": ', !Ref StepsJson, '}']]
//! PipelineDefinitionBody: {"Fn::ToJsonString": {Steps: [...]}}            # LanguageExtensions
//! ```
//!
//! In `Fn::Sub` (and `Fn::Join`, read as a `Sub`), a string that is exactly `"${X}"` becomes
//! `{"Ref": "X"}` (or the `Sub`'s own variable `X`), so the [`crate::CfnExpander`] judges it like
//! any other parameter; a string mixing text and variables becomes an `Fn::Sub` (unknown at
//! check time). A `${X}` outside a JSON string is quoted first so the body parses.
//!
//! Pipeline parameters (`{"Get": "Parameters.InstanceType"}`) can be set by whoever starts the
//! pipeline: they expand to their `EnumValues`, else to any value.
//!
//! Positions: a body written as a YAML literal block scalar (`|`) maps each value to its own
//! template line and column; any other string maps every value to the body's position. A body
//! in S3 (`PipelineDefinitionS3Location`) is reported as a [`Note`], never passed silently.

use crate::error::{CfnError, Note, NoteKind};
use crate::expand::Registered;
use crate::fold::{address, intrinsic, static_text, sub_parts, SubPart};
use sagerules_data::{Format, Map, Node, Pos, Value};
use sagerules_shapes::adapt::{from_pipeline_step, ApiKind};
use std::collections::HashMap;

/// The job resources drawn from a template's pipelines.
#[derive(Debug, Default)]
pub struct Steps {
    /// `(logical id "<Pipeline>/<Step>", template-shaped resource)`.
    pub resources: Vec<(String, Node)>,
    /// Pipeline logical id → its declared parameters by name.
    pub parameters: HashMap<String, HashMap<String, Node>>,
    pub notes: Vec<Note>,
    pub errors: Vec<CfnError>,
}

/// Shapes a pipeline step (`{Name, Type, Arguments}`) into a template resource
/// (`{Type, Properties, Metadata}`); `None` when it cannot.
pub type StepAdapter<'a> = &'a dyn Fn(&Node) -> Option<Node>;

/// Finds every inline pipeline step of `root`, shaped by the rule pack's adapter. `text` is
/// the template's source, used to map a block-scalar body's lines; without it every step
/// points at its body.
pub fn read(root: &Node, text: Option<&str>) -> Steps {
    read_with(root, text, &pack_adapter)
}

/// [`read`] with another adapter (tests use one that does not depend on the pack).
pub fn read_with(root: &Node, text: Option<&str>, adapt: StepAdapter<'_>) -> Steps {
    let mut steps = Steps::default();
    let resources = root.get("Resources").and_then(Node::as_map);
    for (id, resource) in resources.into_iter().flatten() {
        if resource.get("Type").and_then(Node::as_str) != Some("AWS::SageMaker::Pipeline") {
            continue;
        }
        let Some(definition) = resource
            .get("Properties")
            .and_then(|p| p.get("PipelineDefinition"))
        else {
            continue;
        };
        read_definition(id, definition, text, adapt, &mut steps);
    }
    steps
}

/// The step as the rule pack shapes it ([`from_pipeline_step`]: the job type of the step,
/// `Arguments` as `Properties`, marked `Metadata.SageRules.Source: pipeline-step`).
pub fn pack_adapter(step: &Node) -> Option<Node> {
    from_pipeline_step(step).map(|(_, resource)| resource)
}

fn read_definition(
    id: &str,
    definition: &Node,
    text: Option<&str>,
    adapt: StepAdapter<'_>,
    steps: &mut Steps,
) {
    if let Some(location) = definition.get("PipelineDefinitionS3Location") {
        steps.notes.push(not_checkable(
            id,
            location.pos,
            "the pipeline definition is in S3 (PipelineDefinitionS3Location): its steps are not checked",
        ));
        return;
    }
    let Some(body) = definition.get("PipelineDefinitionBody") else {
        return;
    };
    match body_tree(body, text) {
        Ok(Some(tree)) => add_pipeline(id, &tree, adapt, steps),
        Ok(None) => steps.notes.push(not_checkable(
            id,
            body.pos,
            "the pipeline definition body is computed at deploy time: its steps are not checked",
        )),
        Err(message) => steps.errors.push(CfnError::PipelineBody {
            resource: id.to_string(),
            pos: body.pos,
            message,
        }),
    }
}

fn not_checkable(id: &str, pos: Pos, message: &str) -> Note {
    Note {
        resource: id.to_string(),
        pos,
        kind: NoteKind::NotCheckable,
        message: message.to_string(),
    }
}

fn add_pipeline(id: &str, tree: &Node, adapt: StepAdapter<'_>, steps: &mut Steps) {
    steps
        .parameters
        .insert(id.to_string(), declared_parameters(tree));
    let mut found = Vec::new();
    if let Some(list) = tree.get("Steps").and_then(Node::as_list) {
        collect_steps(list, &mut found);
    }
    let mut taken: HashMap<String, usize> = HashMap::new();
    for (name, step) in found {
        let count = taken.entry(name.clone()).or_default();
        *count += 1;
        let step_id = match *count {
            1 => format!("{id}/{name}"),
            n => format!("{id}/{name}#{n}"),
        };
        match step_resource(step, adapt) {
            Some(resource) => steps.resources.push((step_id, resource)),
            None => steps.notes.push(not_checkable(
                id,
                step.pos,
                &format!(
                    "the rule pack gave no resource for pipeline step {name}: it is not checked"
                ),
            )),
        }
    }
}

/// `Parameters: [{Name, Type, DefaultValue, EnumValues}]` by name.
fn declared_parameters(tree: &Node) -> HashMap<String, Node> {
    let list = tree
        .get("Parameters")
        .and_then(Node::as_list)
        .unwrap_or_default();
    list.iter()
        .filter_map(|p| Some((p.get("Name")?.as_str()?.to_string(), p.clone())))
        .collect()
}

/// The job steps of `list`, including those inside `Condition` steps, as `(name, step)`.
fn collect_steps<'a>(list: &'a [Node], out: &mut Vec<(String, &'a Node)>) {
    for step in list {
        let ty = step.get("Type").and_then(Node::as_str).unwrap_or_default();
        if ty == "Condition" {
            let args = step.get("Arguments");
            for branch in ["IfSteps", "ElseSteps"] {
                let nested = args.and_then(|a| a.get(branch)).and_then(Node::as_list);
                collect_steps(nested.unwrap_or_default(), out);
            }
            continue;
        }
        let (Some(_), Some(name)) = (
            ApiKind::from_step_type(ty),
            step.get("Name").and_then(static_text),
        ) else {
            continue;
        };
        out.push((name, step));
    }
}

/// The step's `Arguments` as a template-shaped resource. Nodes the adapter makes up
/// (position 0:0) take the step's position.
fn step_resource(step: &Node, adapt: StepAdapter<'_>) -> Option<Node> {
    let mut resource = adapt(step)?;
    fill_made_up_positions(&mut resource, step.pos);
    Some(resource)
}

fn empty_map(pos: Pos) -> Node {
    Node::new(Value::map(Map::default()), pos)
}

fn fill_made_up_positions(node: &mut Node, pos: Pos) {
    if node.pos == Pos::default() {
        node.pos = pos;
    }
    let here = node.pos;
    match &mut node.value {
        Value::List(items) => items
            .iter_mut()
            .for_each(|n| fill_made_up_positions(n, here)),
        Value::Map(map) => map
            .values_mut()
            .for_each(|n| fill_made_up_positions(n, here)),
        _ => {}
    }
}

// --- the body ----------------------------------------------------------------------------

/// The definition as a tree whose positions are template positions; `Ok(None)` when the body
/// is an intrinsic whose text is known only at deploy time.
fn body_tree(body: &Node, text: Option<&str>) -> Result<Option<Node>, String> {
    if let Value::String(json) = &body.value {
        return parse_body(json, body, text, None).map(Some);
    }
    match intrinsic(body) {
        Some(("Fn::ToJsonString", tree)) => Ok(Some(tree.clone())),
        Some(("Fn::Sub", arg)) => {
            let (template, vars) = match &arg.value {
                Value::List(items) => (items.first(), items.get(1).cloned()),
                _ => (Some(arg), None),
            };
            let Some(template) = template.filter(|t| t.as_str().is_some()) else {
                return Ok(None);
            };
            let json = quote_outside_strings(template.as_str().unwrap_or_default());
            parse_body(
                &json,
                template,
                text,
                Some(vars.unwrap_or_else(|| empty_map(arg.pos))),
            )
            .map(Some)
        }
        Some(("Fn::Join", arg)) => match join_as_sub(arg) {
            Some((template, vars)) => {
                let json = quote_outside_strings(&template);
                parse_body(&json, body, None, Some(vars)).map(Some)
            }
            None => Ok(None),
        },
        _ => Ok(None),
    }
}

/// Parses the JSON text, maps its positions to the template, and (for `Sub` bodies) turns
/// `"${X}"` strings into intrinsics.
fn parse_body(
    json: &str,
    anchor: &Node,
    text: Option<&str>,
    vars: Option<Node>,
) -> Result<Node, String> {
    let mut tree =
        sagerules_data::load(json.as_bytes(), Format::Json).map_err(|e| e.to_string())?;
    let mapping = text.and_then(|t| block_start(t, anchor.pos));
    map_positions(&mut tree, anchor.pos, mapping);
    if let Some(vars) = vars {
        substitute(&mut tree, &vars);
    }
    Ok(tree)
}

/// Where a literal block scalar's content starts: `(first content line, its indentation)`,
/// when the node at `pos` is written as `key: |` (or `!Sub |`, `|-`, ...).
fn block_start(text: &str, pos: Pos) -> Option<(u32, u32)> {
    let line_index = usize::try_from(pos.line).ok()?.checked_sub(1)?;
    let mut lines = text.lines().skip(line_index);
    let line = lines.next()?;
    let col = usize::try_from(pos.col).ok()?.saturating_sub(1);
    let rest: String = line.chars().skip(col).collect();
    let last = rest.split('#').next()?.split_whitespace().last()?;
    // Only literal scalars keep the body's lines; a folded one (`>`) joins them.
    if !last.starts_with('|') {
        return None;
    }
    let (offset, content) = lines.enumerate().find(|(_, l)| !l.trim().is_empty())?;
    let indent = content.chars().take_while(|c| *c == ' ').count();
    let first = pos
        .line
        .checked_add(1)?
        .checked_add(u32::try_from(offset).ok()?)?;
    Some((first, u32::try_from(indent).ok()?))
}

/// Sets every position of `tree` (read from the body text) to its template position.
fn map_positions(tree: &mut Node, anchor: Pos, block: Option<(u32, u32)>) {
    tree.pos = match block {
        Some((first, indent)) => Pos::new(
            first.saturating_add(tree.pos.line).saturating_sub(1),
            indent.saturating_add(tree.pos.col),
        ),
        None => anchor,
    };
    match &mut tree.value {
        Value::List(items) => items
            .iter_mut()
            .for_each(|n| map_positions(n, anchor, block)),
        Value::Map(map) => map
            .values_mut()
            .for_each(|n| map_positions(n, anchor, block)),
        _ => {}
    }
}

/// `{"Count": ${N}}` → `{"Count": "${N}"}`: variables outside JSON strings are quoted so the
/// text parses; inside strings they are already valid JSON.
fn quote_outside_strings(template: &str) -> String {
    let mut out = String::with_capacity(template.len() + 8);
    let (mut in_string, mut escaped) = (false, false);
    let mut chars = template.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if in_string {
            in_string = escaped || c != '"';
            escaped = !escaped && c == '\\';
            out.push(c);
            continue;
        }
        let rest = template.get(i..).unwrap_or_default();
        match (
            c,
            rest.starts_with("${") && !rest.starts_with("${!"),
            rest.find('}'),
        ) {
            ('"', ..) => {
                in_string = true;
                out.push(c);
            }
            ('$', true, Some(end)) => {
                out.push('"');
                out.push_str(rest.get(..=end).unwrap_or_default());
                out.push('"');
                while chars.peek().is_some_and(|(j, _)| *j <= i + end) {
                    chars.next();
                }
            }
            _ => out.push(c),
        }
    }
    out
}

/// An `Fn::Join` body read as a `Sub`: literal pieces (with `${` escaped), `Ref X` as `${X}`,
/// anything else as a variable bound to that piece.
fn join_as_sub(arg: &Node) -> Option<(String, Node)> {
    let [delimiter, pieces] = arg.as_list()? else {
        return None;
    };
    let delimiter = delimiter.as_str()?.replace("${", "${!");
    let mut vars = Map::default();
    let mut parts = Vec::new();
    for (i, piece) in pieces.as_list()?.iter().enumerate() {
        if let Some(text) = static_text(piece) {
            parts.push(text.replace("${", "${!"));
            continue;
        }
        let name = format!("sagerules.piece{i}");
        parts.push(format!("${{{name}}}"));
        vars.insert(name.into(), piece.clone());
    }
    Some((parts.join(&delimiter), Node::new(Value::map(vars), arg.pos)))
}

/// Replaces the `${…}` strings of a `Sub` body by what they stand for.
fn substitute(node: &mut Node, vars: &Node) {
    match &mut node.value {
        Value::String(s) if s.contains("${") => {
            let replacement = substitution(s, vars, node.pos);
            *node = replacement;
        }
        Value::List(items) => items.iter_mut().for_each(|n| substitute(n, vars)),
        Value::Map(map) => map.values_mut().for_each(|n| substitute(n, vars)),
        _ => {}
    }
}

/// `"${X}"` → the variable `X` or `{"Ref": "X"}`; `"${A.B}"` → `{"Fn::GetAtt": ["A", "B"]}`;
/// `"a${!b}"` → `"a${b}"`; any other mix → `{"Fn::Sub": text}`.
fn substitution(text: &str, vars: &Node, pos: Pos) -> Node {
    let string = |s: &str| Node::new(Value::String(s.into()), pos);
    let wrap = |key: &str, value: Node| {
        Node::new(Value::map(Map::from_iter([(Box::from(key), value)])), pos)
    };
    match sub_parts(text).as_slice() {
        [] => string(""),
        [SubPart::Text(t)] => string(t),
        [SubPart::Var(v)] => match (vars.get(v), v.split_once('.')) {
            (Some(bound), _) => bound.clone(),
            (None, Some((res, att))) => {
                let list = Node::new(Value::List(vec![string(res), string(att)]), pos);
                wrap("Fn::GetAtt", list)
            }
            (None, None) => wrap("Ref", string(v)),
        },
        _ => wrap(
            "Fn::Sub",
            Node::new(Value::List(vec![string(text), vars.clone()]), pos),
        ),
    }
}

// --- pipeline parameters -----------------------------------------------------------------

/// Expansions for the pipeline values (`{"Get": …}`, `{"Std:Join": …}`) inside step
/// `resource` of pipeline `pipeline`, keyed by node address.
pub(crate) fn pipeline_values(
    pipeline: &str,
    resource: &Node,
    declared: &HashMap<String, Node>,
    out: &mut HashMap<usize, Registered>,
) {
    if let Some(registered) = pipeline_value(pipeline, resource, declared) {
        out.insert(address(resource), registered);
        return;
    }
    match &resource.value {
        Value::List(items) => items
            .iter()
            .for_each(|n| pipeline_values(pipeline, n, declared, out)),
        Value::Map(map) => map
            .values()
            .for_each(|n| pipeline_values(pipeline, n, declared, out)),
        _ => {}
    }
}

fn pipeline_value(
    pipeline: &str,
    node: &Node,
    declared: &HashMap<String, Node>,
) -> Option<Registered> {
    let map = node.as_map().filter(|m| m.len() == 1)?;
    let (key, arg) = map.first()?;
    if key.starts_with("Std:") {
        return Some(Registered::Unknown(format!("pipeline function {key}")));
    }
    let path = (key == "Get").then(|| arg.as_str()).flatten()?;
    let Some(name) = path.strip_prefix("Parameters.") else {
        return Some(Registered::Unknown(format!(
            "pipeline runtime value {path}"
        )));
    };
    let Some(decl) = declared.get(name) else {
        return Some(Registered::Unknown(format!(
            "pipeline value {path}, which the pipeline does not declare"
        )));
    };
    Some(parameter_admits(pipeline, name, decl))
}

/// A pipeline parameter: its `EnumValues`, else anything (never empty for numbers and
/// booleans).
fn parameter_admits(pipeline: &str, name: &str, decl: &Node) -> Registered {
    if let Some(values) = decl.get("EnumValues").and_then(Node::as_list) {
        let note = format!("pipeline parameter {name} of {pipeline} (EnumValues)");
        return Registered::Values {
            note,
            values: values.to_vec(),
        };
    }
    let ty = decl.get("Type").and_then(Node::as_str).unwrap_or("String");
    Registered::Any {
        why: format!(
            "pipeline parameter {name} of {pipeline}, which can be set to any value when the \
             pipeline is started"
        ),
        may_be_empty: !matches!(ty, "Integer" | "Float" | "Boolean"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variables_outside_strings_are_quoted() {
        assert_eq!(
            quote_outside_strings(r#"{"N": ${Count}, "S": "a${X}\"${Y}", "E": ${!Z}}"#),
            r#"{"N": "${Count}", "S": "a${X}\"${Y}", "E": ${!Z}}"#
        );
    }

    #[test]
    fn block_start_finds_the_first_content_line() {
        let text = "A:\n  Body: !Sub |\n\n    {\"Steps\": []}\n";
        assert_eq!(block_start(text, Pos::new(2, 9)), Some((4, 4)));
        assert_eq!(block_start("A: '{}'\n", Pos::new(1, 4)), None);
        assert_eq!(block_start("A: >\n  {}\n", Pos::new(1, 4)), None);
    }
}
