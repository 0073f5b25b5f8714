//! A compiled set of rules: every file's rules in one namespace, names resolved, regexes
//! compiled once, metadata checked. Building is where every mistake that does not depend on
//! the data is reported (unknown rule or variable, wrong argument count, a cycle, a regex
//! the linear-time engine refuses), so evaluation never meets them.

mod check;
pub(crate) mod lit;

use foldhash::HashMap;

use crate::ast::{Item, Rule, RulesFile, Span, META_KEYS};
use crate::dialect::Dialect;
use crate::report::Severity;
use crate::SourceId;

pub(crate) use check::THIS_VAR;
pub(crate) use lit::{Lit, RangeLit};

/// A rules source: a display name (usually the path) and its text.
#[derive(Clone, Debug, PartialEq)]
pub struct Source {
    pub name: String,
    pub text: String,
}

/// A semantic error found while building a rule set (unknown rule, duplicate rule, bad regex,
/// wrong argument count, unknown metadata key, ...).
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("{message}")]
pub struct CompileError {
    pub source_id: SourceId,
    pub span: Span,
    pub message: String,
    pub hint: Option<String>,
}

impl CompileError {
    pub(crate) fn new(source_id: SourceId, span: Span, message: impl Into<String>) -> Self {
        Self {
            source_id,
            span,
            message: message.into(),
            hint: None,
        }
    }

    pub(crate) fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
}

/// What the rule set knows about one reportable rule, from its `#@` metadata lines:
///
/// ```text
/// #@ severity: high
/// #@ title: Notebook instances have root access disabled
/// #@ see: SageMaker.3, NIST 800-53 AC-6
/// rule sagemaker_notebook_no_root { ... }
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct RuleInfo {
    pub name: String,
    pub severity: Severity,
    pub title: Option<String>,
    pub description: Option<String>,
    pub remediation: Option<String>,
    /// References to the same control elsewhere (`#@ see: a, b`), split on commas.
    pub see: Vec<String>,
    /// `#@ tags: a, b`, split on commas.
    pub tags: Vec<String>,
    pub source: SourceId,
    pub span: Span,
}

impl RuleInfo {
    /// A rule with no `#@` lines: default severity, no texts, no references.
    fn without_metadata(name: &str, source: SourceId, span: Span) -> Self {
        RuleInfo {
            name: name.to_string(),
            severity: Severity::default(),
            title: None,
            description: None,
            remediation: None,
            see: Vec::new(),
            tags: Vec::new(),
            source,
            span,
        }
    }
}

/// The implicit rule holding clauses written outside any rule.
pub const DEFAULT_RULE: &str = "default";

/// Where a rule's body lives.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum RuleBody {
    /// `files[file].items[item]` is an `Item::Rule`.
    Named { file: usize, item: usize },
    /// The top-level clauses of every file.
    Default,
}

#[derive(Clone, Debug)]
pub(crate) struct CompiledRule {
    pub name: String,
    pub body: RuleBody,
    pub source: SourceId,
    pub span: Span,
    pub severity: Severity,
    /// Parameterized rules are only evaluated when called.
    pub reportable: bool,
}

/// Rules from one or more files (a file and what it includes), ready to evaluate many
/// documents. `files[i]` gets `SourceId(i)`.
#[derive(Debug, Default)]
pub struct RuleSet {
    pub sources: Vec<Source>,
    pub(crate) files: Vec<RulesFile>,
    pub(crate) rules: Vec<CompiledRule>,
    pub(crate) by_name: HashMap<String, usize>,
    /// File-scope `let`s as `(file, item)`, and their indexes by name.
    pub(crate) file_lets: Vec<(usize, usize)>,
    pub(crate) lets_by_name: HashMap<String, Vec<usize>>,
    /// Compiled literals, keyed by the address of their `ast::Literal` inside `files` (the
    /// files never change after `build`, so the addresses are stable).
    pub(crate) lits: HashMap<usize, Lit>,
    /// The top-level clauses of every file, as `(file, item)`.
    pub(crate) default_clauses: Vec<(usize, usize)>,
    /// `referenced[i]`: another rule or a clause outside rules refers to rule `i`, so its
    /// evaluation (findings included) is kept for them after it has been reported.
    pub(crate) referenced: Vec<bool>,
    infos: Vec<RuleInfo>,
    /// Each source's dialect (`dialects[i]` for `SourceId(i)`).
    dialects: Vec<Dialect>,
}

impl RuleSet {
    /// Resolves and checks `files` (a file and everything it includes) into one rule set.
    /// Every problem found is returned, not just the first.
    /// Each file is read in the dialect its name asks for ([`Dialect::of_file`]).
    pub fn build(files: Vec<(Source, RulesFile)>) -> Result<RuleSet, Vec<CompileError>> {
        RuleSet::build_with(files, None)
    }

    /// [`RuleSet::build`], with every file read in `dialect` when one is given.
    pub fn build_with(
        files: Vec<(Source, RulesFile)>,
        dialect: Option<Dialect>,
    ) -> Result<RuleSet, Vec<CompileError>> {
        let (sources, files): (Vec<Source>, Vec<RulesFile>) = files.into_iter().unzip();
        let dialects = sources
            .iter()
            .map(|s| dialect.unwrap_or_else(|| Dialect::of_file(&s.name)))
            .collect();
        let mut set = RuleSet {
            sources,
            files,
            dialects,
            ..RuleSet::default()
        };
        let mut errors = set.index_rules();
        set.index_lets();
        let checked = check::check(&set);
        errors.extend(checked.errors);
        set.lits = checked.lits;
        set.referenced = checked.referenced;
        if errors.is_empty() {
            Ok(set)
        } else {
            errors.sort_by_key(|e| (e.source_id, e.span.start));
            Err(errors)
        }
    }

    pub fn source(&self, id: SourceId) -> Option<&Source> {
        self.sources.get(id.0 as usize)
    }

    /// The dialect the source `id` is evaluated in.
    pub fn dialect(&self, id: SourceId) -> Dialect {
        self.dialects
            .get(id.0 as usize)
            .copied()
            .unwrap_or_default()
    }

    /// The reportable rules with their metadata, in rule-set order (`default` last when
    /// some file has clauses outside rules).
    pub fn rules(&self) -> &[RuleInfo] {
        &self.infos
    }

    pub(crate) fn rule_ast(&self, body: RuleBody) -> Option<&Rule> {
        let RuleBody::Named { file, item } = body else {
            return None;
        };
        match self.files.get(file)?.items.get(item)? {
            Item::Rule(rule) => Some(rule),
            _ => None,
        }
    }

    /// Guard accepts a rule name defined twice when both definitions are Guard-dialect files:
    /// both rules run and report as one (FAIL when either fails); references find the first.
    fn guard_duplicate(&self, source: SourceId, rules: &[CompiledRule], first: usize) -> bool {
        let first_source = rules.get(first).map(|r| r.source);
        self.dialect(source) == Dialect::Guard
            && first_source.is_some_and(|f| self.dialect(f) == Dialect::Guard)
    }

    pub(crate) fn rule_index(&self, name: &str) -> Option<usize> {
        self.by_name.get(name).copied()
    }

    /// Registers every named rule (and `default`), reporting duplicates and bad metadata.
    fn index_rules(&mut self) -> Vec<CompileError> {
        let mut errors = Vec::new();
        let mut found = Vec::new();
        for (file, parsed) in self.files.iter().enumerate() {
            let source = SourceId(file as u32);
            for (item, entry) in parsed.items.iter().enumerate() {
                match entry {
                    Item::Rule(rule) => found.push((source, RuleBody::Named { file, item }, rule)),
                    Item::Clause(_) => self.default_clauses.push((file, item)),
                    _ => {}
                }
            }
        }
        let mut rules = Vec::new();
        let mut infos = Vec::new();
        for (source, body, rule) in found {
            let duplicate = self.by_name.get(&rule.name.name).copied();
            if let Some(first) = duplicate {
                if !self.guard_duplicate(source, &rules, first) {
                    errors.push(duplicate_error(source, rule, &rules, first, &self.sources));
                    continue;
                }
            }
            let info = rule_info(source, rule, &mut errors);
            if duplicate.is_none() {
                self.by_name.insert(rule.name.name.clone(), rules.len());
            }
            rules.push(CompiledRule {
                name: rule.name.name.clone(),
                body,
                source,
                span: rule.span,
                severity: info.severity,
                reportable: rule.params.is_empty(),
            });
            if rule.params.is_empty() && duplicate.is_none() {
                infos.push(info);
            }
        }
        self.push_default_rule(&mut rules, &mut infos, &mut errors);
        self.rules = rules;
        self.infos = infos;
        errors
    }

    fn push_default_rule(
        &mut self,
        rules: &mut Vec<CompiledRule>,
        infos: &mut Vec<RuleInfo>,
        errors: &mut Vec<CompileError>,
    ) {
        let Some(&(file, item)) = self.default_clauses.first() else {
            return;
        };
        let source = SourceId(file as u32);
        let span = match self.files.get(file).and_then(|f| f.items.get(item)) {
            Some(Item::Clause(clause)) => clause.span,
            _ => Span::default(),
        };
        if let Some(&other) = self.by_name.get(DEFAULT_RULE) {
            let place = rules
                .get(other)
                .and_then(|r: &CompiledRule| {
                    let src = self.sources.get(r.source.0 as usize)?;
                    let (line, col) = crate::syntax::line_col(&src.text, r.span.start);
                    Some(format!("{}:{line}:{col}", src.name))
                })
                .unwrap_or_else(|| "its file".to_string());
            errors.push(
                CompileError::new(
                    source,
                    span,
                    "clauses outside rules form the rule `default`, which is also defined by name",
                )
                .with_hint(format!("rename the rule `default` at {place}")),
            );
            return;
        }
        self.by_name.insert(DEFAULT_RULE.to_string(), rules.len());
        rules.push(CompiledRule {
            name: DEFAULT_RULE.to_string(),
            body: RuleBody::Default,
            source,
            span,
            severity: Severity::default(),
            reportable: true,
        });
        infos.push(RuleInfo::without_metadata(DEFAULT_RULE, source, span));
    }

    fn index_lets(&mut self) {
        for (file, parsed) in self.files.iter().enumerate() {
            for (item, entry) in parsed.items.iter().enumerate() {
                if let Item::Let(binding) = entry {
                    let index = self.file_lets.len();
                    self.file_lets.push((file, item));
                    self.lets_by_name
                        .entry(binding.name.name.clone())
                        .or_default()
                        .push(index);
                }
            }
        }
    }
}

fn duplicate_error(
    source: SourceId,
    rule: &Rule,
    rules: &[CompiledRule],
    first: usize,
    sources: &[Source],
) -> CompileError {
    let error = CompileError::new(
        source,
        rule.name.span,
        format!("rule `{}` is defined twice", rule.name.name),
    );
    let Some(first) = rules.get(first) else {
        return error;
    };
    let place = match sources.get(first.source.0 as usize) {
        Some(src) => {
            let (line, col) = crate::syntax::line_col(&src.text, first.span.start);
            format!("{}:{line}:{col}", src.name)
        }
        None => "another file of the set".to_string(),
    };
    error.with_hint(format!(
        "the first definition is at {place}; rule names are shared by every included file"
    ))
}

/// Reads a rule's `#@` lines. Unknown keys and unparsable severities are errors.
fn rule_info(source: SourceId, rule: &Rule, errors: &mut Vec<CompileError>) -> RuleInfo {
    let mut info = RuleInfo::without_metadata(&rule.name.name, source, rule.span);
    for meta in &rule.meta {
        let value = meta.value.trim();
        match meta.key.name.as_str() {
            "severity" => match Severity::parse(value) {
                Some(severity) => info.severity = severity,
                None => errors.push(
                    CompileError::new(source, meta.span, format!("unknown severity `{value}`"))
                        .with_hint("use one of: info, low, medium, high, critical"),
                ),
            },
            "title" => info.title = Some(value.to_string()),
            "description" => info.description = Some(value.to_string()),
            "remediation" => info.remediation = Some(value.to_string()),
            "see" => info.see.extend(split_list(value)),
            "tags" => info.tags.extend(split_list(value)),
            other => errors.push(unknown_meta_key(source, meta.key.span, other)),
        }
    }
    info
}

fn unknown_meta_key(source: SourceId, span: Span, key: &str) -> CompileError {
    let error = CompileError::new(source, span, format!("unknown metadata key `{key}`"));
    match did_you_mean(key, META_KEYS.iter().copied()) {
        Some(best) => error.with_hint(format!(
            "did you mean `{best}`? (keys: {})",
            META_KEYS.join(", ")
        )),
        None => error.with_hint(format!("metadata keys are: {}", META_KEYS.join(", "))),
    }
}

/// `"a, b ,c"` → `["a", "b", "c"]`.
fn split_list(value: &str) -> impl Iterator<Item = String> + '_ {
    value
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

/// The candidate closest to `word` by edit distance, when it is close enough to be a typo.
pub(crate) fn did_you_mean<'c>(
    word: &str,
    candidates: impl Iterator<Item = &'c str>,
) -> Option<&'c str> {
    let limit = (word.chars().count() / 3).max(1);
    let word = word.to_ascii_lowercase();
    let scored = candidates.map(|c| {
        let candidate = c.to_ascii_lowercase();
        let contains = word.len() >= 3 && (candidate.contains(&word) || word.contains(&candidate));
        let distance = strsim::levenshtein(&word, &candidate);
        (
            if distance <= limit {
                distance
            } else if contains {
                limit + 1
            } else {
                usize::MAX
            },
            c,
        )
    });
    scored
        .filter(|(d, _)| *d != usize::MAX)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edit_distance_counts_single_edits() {
        assert_eq!(strsim::levenshtein("kitten", "sitting"), 3);
        assert_eq!(strsim::levenshtein("", "ab"), 2);
        assert_eq!(
            did_you_mean("severty", META_KEYS.iter().copied()),
            Some("severity")
        );
        assert_eq!(did_you_mean("zzz", META_KEYS.iter().copied()), None);
    }
}
