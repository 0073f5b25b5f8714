//! Loading rules: read each rules file, parse it, follow its `include "rel/path.rules"` lines
//! (relative to the including file, recursively; a cycle is an error), and build one
//! [`RuleSet`] per top-level file. The core crate does no I/O, so this is where includes meet
//! the file system (or the bundled pack, whose files include each other by name).
//!
//! As in cfn-guard, every rules file given with `--rules` is evaluated on its own, so two files
//! may define rules with the same name. A file that another given file includes is not also
//! evaluated on its own. The bundled pack is one rule set.

use crate::confine::Confine;
use crate::diag::Diag;
use crate::inputs::{self, InputPath, RULES_EXTENSIONS};
use sagerules_core::ast::{Item, RulesFile, Span};
use sagerules_core::{parse, CompileError, Dialect, ParseError, RuleSet, Source};
use std::collections::{HashMap, HashSet};
use std::path::{Component, Path, PathBuf};

/// A rule set ready to evaluate, named after its top-level file.
#[derive(Debug)]
pub struct LoadedRules {
    pub name: String,
    pub set: RuleSet,
}

/// Rule sets that built, and the errors of those that did not.
#[derive(Debug, Default)]
pub struct Loaded {
    pub sets: Vec<LoadedRules>,
    pub errors: Vec<Diag>,
}

/// Where rules text comes from, by normalised name (`rules/common.rules`).
trait Provider {
    fn read(&self, name: &str) -> Result<String, String>;

    /// Whether an `include` may lead to `name` (the reason when not).
    fn may_include(&self, _name: &str) -> Result<(), String> {
        Ok(())
    }

    /// The dialect every file is read in, when the run forces one (`--dialect`).
    fn dialect(&self) -> Option<Dialect> {
        None
    }
}

/// Files on disk; includes stay within `confine`.
struct Disk<'c> {
    confine: &'c Confine,
    dialect: Option<Dialect>,
}

impl Provider for Disk<'_> {
    fn dialect(&self) -> Option<Dialect> {
        self.dialect
    }

    fn may_include(&self, name: &str) -> Result<(), String> {
        self.confine.check(Path::new(name), RULES_EXTENSIONS)
    }

    fn read(&self, name: &str) -> Result<String, String> {
        let bytes = inputs::read_file(Path::new(name), inputs::DEFAULT_MAX_SIZE)
            .map_err(|e| e.to_string())?;
        inputs::into_text(name, bytes).map_err(|diag| diag.message)
    }
}

/// The bundled pack, whose files include each other by their `rules/...` names.
struct Pack(HashMap<String, String>);

impl Provider for Pack {
    fn read(&self, name: &str) -> Result<String, String> {
        self.0
            .get(name)
            .cloned()
            .ok_or_else(|| "no such file in the bundled rule pack".to_string())
    }
}

/// Rules from files and directories (`--rules`), one rule set per top-level file; includes
/// stay under the current directory.
pub fn from_paths(paths: &[PathBuf], dialect: Option<Dialect>) -> Loaded {
    from_paths_within(paths, &Confine::default(), dialect)
}

/// [`from_paths`], with includes confined by `confine`. Each file is read in the dialect its
/// extension asks for (`.guard`: Guard's), unless `dialect` forces one.
pub fn from_paths_within(paths: &[PathBuf], confine: &Confine, dialect: Option<Dialect>) -> Loaded {
    let (files, mut errors) = inputs::expand(paths, RULES_EXTENSIONS);
    let roots: Vec<String> = files.iter().map(input_name).collect();
    let mut loaded = load_roots(&Disk { confine, dialect }, &roots);
    errors.append(&mut loaded.errors);
    loaded.errors = errors;
    loaded
}

fn input_name(input: &InputPath) -> String {
    match input {
        InputPath::Stdin => "-".to_string(),
        InputPath::File(path) => normalize(path),
    }
}

/// The bundled SageMaker rule pack, as one rule set.
pub fn bundled() -> Loaded {
    let sources = sagerules_pack::sources();
    let names: Vec<String> = sources
        .iter()
        .map(|s| normalize(Path::new(&s.name)))
        .collect();
    let pack = Pack(
        names
            .iter()
            .cloned()
            .zip(sources.into_iter().map(|s| s.text))
            .collect(),
    );
    let mut collector = Collector::new(&pack);
    for name in &names {
        collector.visit(name, None);
    }
    let mut errors = std::mem::take(&mut collector.errors);
    let mut sets = Vec::new();
    if !collector.broken {
        match build("bundled rule pack", collector.files, None) {
            Ok(set) => sets.push(set),
            Err(mut diags) => errors.append(&mut diags),
        }
    }
    Loaded { sets, errors }
}

/// One rule set per root, skipping roots that another root includes.
fn load_roots(provider: &dyn Provider, roots: &[String]) -> Loaded {
    let mut loaded = Loaded::default();
    let collected: Vec<(String, Collector<'_>)> = roots
        .iter()
        .map(|root| {
            let mut collector = Collector::new(provider);
            collector.visit(root, None);
            (root.clone(), collector)
        })
        .collect();
    let included = included_by_others(&collected);
    for (root, mut collector) in collected
        .into_iter()
        .filter(|(root, _)| !included.contains(root))
    {
        loaded.errors.append(&mut collector.errors);
        if collector.files.is_empty() || collector.unreadable {
            continue;
        }
        if collector.broken {
            // Syntax errors: the set is not used, but its other mistakes are reported too, so
            // one run shows every problem of the file.
            loaded.errors.extend(compile_errors_beside_syntax_errors(
                collector.files,
                provider.dialect(),
            ));
            continue;
        }
        match build(&root, collector.files, provider.dialect()) {
            Ok(set) => loaded.sets.push(set),
            Err(mut diags) => loaded.errors.append(&mut diags),
        }
    }
    dedup(&mut loaded.errors);
    loaded
}

/// The files some root includes (directly or not): they are not rule sets of their own.
fn included_by_others(collected: &[(String, Collector<'_>)]) -> HashSet<String> {
    collected
        .iter()
        .flat_map(|(root, c)| {
            c.files
                .iter()
                .map(|(s, _)| s.name.clone())
                .filter(move |n| n != root)
        })
        .collect()
}

/// Drops repeats (a file included by two roots reports its errors once), keeping order.
fn dedup(diags: &mut Vec<Diag>) {
    let mut unique: Vec<Diag> = Vec::with_capacity(diags.len());
    for diag in diags.drain(..) {
        if !unique.contains(&diag) {
            unique.push(diag);
        }
    }
    *diags = unique;
}

/// The compile errors of files that also have syntax errors, leaving out what the syntax
/// errors explain: a reference to a rule whose definition did not parse (`rule kms` is written
/// in the text) is not also an unknown rule.
fn compile_errors_beside_syntax_errors(
    files: Vec<(Source, RulesFile)>,
    dialect: Option<Dialect>,
) -> Vec<Diag> {
    let texts: Vec<String> = files.iter().map(|(s, _)| s.text.clone()).collect();
    let written = |name: &str| {
        texts.iter().any(|text| {
            text.match_indices("rule ").any(|(at, _)| {
                let rest = text.get(at + 5..).unwrap_or_default().trim_start();
                rest.strip_prefix(name).is_some_and(|after| {
                    !after.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_')
                })
            })
        })
    };
    match build("", files, dialect) {
        Ok(_) => Vec::new(),
        Err(diags) => diags
            .into_iter()
            .filter(|d| {
                let unknown = d
                    .message
                    .strip_prefix("unknown rule `")
                    .and_then(|r| r.strip_suffix('`'));
                !unknown.is_some_and(written)
            })
            .collect(),
    }
}

/// Builds a rule set when none of its files had a syntax error (those were reported already).
fn build(
    name: &str,
    files: Vec<(Source, RulesFile)>,
    dialect: Option<Dialect>,
) -> Result<LoadedRules, Vec<Diag>> {
    let sources: Vec<Source> = files.iter().map(|(source, _)| source.clone()).collect();
    RuleSet::build_with(files, dialect)
        .map(|set| LoadedRules {
            name: name.to_string(),
            set,
        })
        .map_err(|errors| errors.iter().map(|e| compile_diag(&sources, e)).collect())
}

/// A file being collected with the files it includes (transitively).
struct Collector<'p> {
    provider: &'p dyn Provider,
    files: Vec<(Source, RulesFile)>,
    /// Names of the files on the current include path, to detect cycles.
    stack: Vec<String>,
    seen: HashSet<String>,
    errors: Vec<Diag>,
    /// Whether any file had a syntax error (then the set is not used).
    broken: bool,
    /// Whether a file could not be read or an include was refused (then the set is not even
    /// compiled: its errors would be about what is missing).
    unreadable: bool,
}

/// The `include` line that led to a file: the including file's index and the line's span.
#[derive(Clone, Copy)]
struct Via {
    file: usize,
    span: Span,
}

impl<'p> Collector<'p> {
    fn new(provider: &'p dyn Provider) -> Self {
        Collector {
            provider,
            files: Vec::new(),
            stack: Vec::new(),
            seen: HashSet::new(),
            errors: Vec::new(),
            broken: false,
            unreadable: false,
        }
    }

    /// Loads `name` and, depth first, everything it includes.
    fn visit(&mut self, name: &str, via: Option<Via>) {
        if self.stack.iter().any(|n| n == name) {
            let cycle = format!("{} → {name}", self.stack.join(" → "));
            self.error_at(via, name, format!("include cycle: {cycle}"));
            return;
        }
        if !self.seen.insert(name.to_string()) {
            return;
        }
        if via.is_some() {
            if let Err(reason) = self.provider.may_include(name) {
                return self.error_at(via, name, format!("{name} is not read: {reason}"));
            }
        }
        let text = match self.provider.read(name) {
            Ok(text) => text,
            Err(reason) => {
                return self.error_at(via, name, format!("cannot read {name}: {reason}"))
            }
        };
        let index = self.files.len();
        let includes = self.add_parsed(name, text);
        self.stack.push(name.to_string());
        for (target, span) in includes {
            self.visit(&target, Some(Via { file: index, span }));
        }
        self.stack.pop();
    }

    /// Parses `text` (the file `name`), keeps it with its syntax errors, and returns what it
    /// includes.
    fn add_parsed(&mut self, name: &str, text: String) -> Vec<(String, Span)> {
        let (ast, errors) = parse(&text);
        self.errors
            .extend(errors.iter().map(|e| parse_diag(name, &text, e)));
        self.broken |= !errors.is_empty();
        let includes = includes_of(&ast, name);
        self.files.push((
            Source {
                name: name.to_string(),
                text,
            },
            ast,
        ));
        includes
    }

    /// An error at the `include` line that led to `name`, or about `name` itself for a root.
    fn error_at(&mut self, via: Option<Via>, name: &str, message: String) {
        let source = via.and_then(|v| self.files.get(v.file).map(|(s, _)| (s, v.span)));
        let diag = match source {
            Some((source, span)) => Diag::at_span(&source.name, &source.text, range(span), message),
            None => Diag::file(name, message),
        };
        self.errors.push(diag);
        self.broken = true;
        self.unreadable = true;
    }
}

/// The files `ast` includes, as normalised names relative to `including`.
fn includes_of(ast: &RulesFile, including: &str) -> Vec<(String, Span)> {
    let dir = Path::new(including).parent().unwrap_or(Path::new(""));
    ast.items
        .iter()
        .filter_map(|item| match item {
            Item::Include(include) => Some((normalize(&dir.join(&include.path)), include.span)),
            _ => None,
        })
        .collect()
}

/// `a/./b/../c.rules` → `a/c.rules`, lexically (leading `..` kept), with `/` separators.
pub fn normalize(path: &Path) -> String {
    let mut parts: Vec<String> = Vec::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir if parts.last().is_some_and(|p| p != ".." && !p.is_empty()) => {
                parts.pop();
            }
            Component::RootDir => parts.push(String::new()),
            other => parts.push(other.as_os_str().to_string_lossy().into_owned()),
        }
    }
    match parts.as_slice() {
        [only] if only.is_empty() => "/".to_string(),
        _ => parts.join("/"),
    }
}

fn range(span: Span) -> std::ops::Range<usize> {
    span.start as usize..span.end as usize
}

/// A syntax error with its excerpt: the label says what was found.
pub fn parse_diag(file: &str, text: &str, error: &ParseError) -> Diag {
    Diag::at_span(file, text, range(error.span), &error.message)
        .with_label(found_label(&error.found))
        .with_expected(error.expected.clone())
        .with_hint(error.hint.clone())
}

/// "found `=`", or "found end of input" for descriptions rather than text.
fn found_label(found: &str) -> String {
    if found.is_empty() || found.contains('`') || found.starts_with("end of") {
        format!("found {found}")
    } else {
        format!("found `{found}`")
    }
}

/// A compile error, pointing into whichever source of the set it is about.
fn compile_diag(sources: &[Source], error: &CompileError) -> Diag {
    match sources.get(error.source_id.0 as usize) {
        Some(source) => Diag::at_span(
            &source.name,
            &source.text,
            range(error.span),
            &error.message,
        )
        .with_hint(error.hint.clone()),
        None => Diag::file("<rules>", &error.message).with_hint(error.hint.clone()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalize_removes_dot_segments() {
        assert_eq!(normalize(Path::new("a/./b/../c.rules")), "a/c.rules");
        assert_eq!(normalize(Path::new("../x/../y.rules")), "../y.rules");
        assert_eq!(normalize(Path::new("/r/./a.rules")), "/r/a.rules");
    }

    struct Mem(HashMap<String, String>);

    impl Provider for Mem {
        fn read(&self, name: &str) -> Result<String, String> {
            self.0
                .get(name)
                .cloned()
                .ok_or_else(|| "missing".to_string())
        }
    }

    fn mem(files: &[(&str, &str)]) -> Mem {
        Mem(files
            .iter()
            .map(|(n, t)| (n.to_string(), t.to_string()))
            .collect())
    }

    #[test]
    fn a_diamond_include_loads_the_shared_file_once() {
        let mem = mem(&[
            (
                "r/main.rules",
                "include \"a.rules\"\ninclude \"b.rules\"\nrule m { x exists }\n",
            ),
            (
                "r/a.rules",
                "include \"lib/common.rules\"\nrule a { x exists }\n",
            ),
            (
                "r/b.rules",
                "include \"lib/common.rules\"\nrule b { x exists }\n",
            ),
            ("r/lib/common.rules", "let y = x\n"),
        ]);
        let mut collector = Collector::new(&mem);
        collector.visit("r/main.rules", None);
        let names: Vec<&str> = collector
            .files
            .iter()
            .map(|(s, _)| s.name.as_str())
            .collect();
        assert_eq!(
            names,
            [
                "r/main.rules",
                "r/a.rules",
                "r/lib/common.rules",
                "r/b.rules"
            ]
        );
        assert!(collector.errors.is_empty(), "{:?}", collector.errors);
    }

    #[test]
    fn a_root_included_by_another_root_is_not_a_rule_set_of_its_own() {
        let mem = mem(&[
            (
                "main.rules",
                "include \"common.rules\"\nrule m { x exists }\n",
            ),
            ("common.rules", "rule c { y exists }\n"),
        ]);
        let loaded = load_roots(
            &mem,
            &["common.rules".to_string(), "main.rules".to_string()],
        );
        assert!(loaded.errors.is_empty(), "{:?}", loaded.errors);
        let names: Vec<&str> = loaded.sets.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["main.rules"]);
    }

    #[test]
    fn missing_root_is_reported_by_name() {
        let mem = Mem(HashMap::new());
        let loaded = load_roots(&mem, &["x.rules".to_string()]);
        assert!(loaded.sets.is_empty());
        assert_eq!(loaded.errors.len(), 1);
        assert_eq!(loaded.errors[0].file, "x.rules");
    }
}
