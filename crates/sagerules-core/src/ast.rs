//! The syntax tree of a `.rules` file. Every node carries the [`Span`] it was parsed from, so
//! evaluation results and compile errors can point back at the rule text.
//!
//! The tree mirrors the surface syntax closely (the formatter prints it back), and desugaring
//! (type blocks into filtered queries, for example) happens in the evaluator, not here.

/// Byte offsets `start..end` into one rules source. Which source is known from context
/// (a [`crate::SourceId`] kept beside the parsed file).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Span {
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub const fn new(start: u32, end: u32) -> Self {
        Self { start, end }
    }

    /// The smallest span covering both.
    pub fn to(self, other: Span) -> Span {
        Span::new(self.start.min(other.start), self.end.max(other.end))
    }
}

/// A name with its span: a rule name, a variable name (without `%`), a parameter.
#[derive(Clone, Debug, PartialEq)]
pub struct Ident {
    pub name: String,
    pub span: Span,
}

/// One parsed file, in source order. Comments are kept apart (by span) so the formatter can
/// put them back; `#@` metadata lines are not comments, they belong to the next rule.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct RulesFile {
    pub items: Vec<Item>,
    pub comments: Vec<Comment>,
}

/// `# text` up to the end of the line; `text` excludes the `#`.
#[derive(Clone, Debug, PartialEq)]
pub struct Comment {
    pub text: String,
    pub span: Span,
}

/// A top-level item.
#[derive(Clone, Debug, PartialEq)]
pub enum Item {
    /// `include "common.rules"` (sagerules extension): path relative to the including file.
    Include(Include),
    /// `let x = ...` at file scope.
    Let(Let),
    /// `rule name(params) when cond { ... }`
    Rule(Rule),
    /// A clause outside any rule: part of the implicit `default` rule.
    Clause(Disjunction),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Include {
    pub path: String,
    pub span: Span,
}

/// `let name = value` or `let name := value`.
#[derive(Clone, Debug, PartialEq)]
pub struct Let {
    pub name: Ident,
    pub value: Expr,
    /// `let x = some Resources.*.Properties.Role.Ref` (cfn-guard): the query keeps the values
    /// it reaches and silently drops the paths that do not resolve, instead of the query
    /// failing. Only ever set when `value` is a query.
    pub some: bool,
    pub span: Span,
}

/// A named rule. `params` is non-empty for parameterized rules (`rule r(x) { ... }`), which are
/// only evaluated when called and never reported on their own.
#[derive(Clone, Debug, PartialEq)]
pub struct Rule {
    pub meta: Vec<Meta>,
    pub name: Ident,
    pub params: Vec<Ident>,
    pub when: Option<Conjunction>,
    pub body: Block,
    pub span: Span,
}

/// One `#@ key: value` metadata line above a rule (sagerules extension; plain comments to
/// cfn-guard, so rule files stay runnable there). Keys: `severity`, `title`, `description`,
/// `remediation`, `see` (references to the same control in other tools), `tags`.
#[derive(Clone, Debug, PartialEq)]
pub struct Meta {
    pub key: Ident,
    pub value: String,
    pub span: Span,
}

/// The keys a `#@` line may have, for the parser's and the rule set's error messages.
pub(crate) const META_KEYS: [&str; 6] = [
    "severity",
    "title",
    "description",
    "remediation",
    "see",
    "tags",
];

/// The inside of `{ ... }`: `let`s and clauses in order. Newline-separated clauses are ANDed.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Block {
    pub items: Vec<BlockItem>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum BlockItem {
    Let(Let),
    Clause(Disjunction),
}

/// Clauses that must all hold (a `when` condition, a filter body).
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Conjunction {
    pub clauses: Vec<Disjunction>,
    pub span: Span,
}

/// `a or b or c` (`or`, `OR`, `|OR|`); a single clause is a disjunction of one.
#[derive(Clone, Debug, PartialEq)]
pub struct Disjunction {
    pub clauses: Vec<Clause>,
    pub span: Span,
}

/// One clause.
#[derive(Clone, Debug, PartialEq)]
pub enum Clause {
    /// `[not] lhs op [rhs] [<< message >>]`
    Check(Check),
    /// `[not] rule_name [<< message >>]` or a parameterized call `r(%a, 'b') [<< message >>]`.
    RuleRef(RuleRef),
    /// `[some] query [when cond]? { block } [<< message >>]`: the block runs with each value
    /// of the query as `this`.
    QueryBlock(QueryBlock),
    /// `AWS::SageMaker::Model [when cond] { block }`.
    TypeBlock(TypeBlock),
    /// `when cond { block }`.
    WhenBlock(WhenBlock),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Check {
    /// Clause-level `not` / `NOT` / `!` before the whole clause.
    pub not: bool,
    /// `some` before the query: passes when at least one value passes.
    pub some: bool,
    pub lhs: Expr,
    pub op: Op,
    pub message: Option<Message>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct RuleRef {
    pub not: bool,
    pub name: Ident,
    /// `None` for a plain reference, `Some(args)` for a call `r(...)`.
    pub args: Option<Vec<Expr>>,
    pub message: Option<Message>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct QueryBlock {
    pub some: bool,
    pub query: Query,
    pub body: Block,
    pub message: Option<Message>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct TypeBlock {
    /// `AWS::SageMaker::Model` (an optional `::MODULE` suffix is part of the name).
    pub type_name: Ident,
    pub when: Option<Conjunction>,
    pub body: Block,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct WhenBlock {
    pub when: Conjunction,
    pub body: Block,
    pub span: Span,
}

/// An operator with its optional negation: `!exists`, `not exists`, `not in`, `!in`, `not ==`.
#[derive(Clone, Debug, PartialEq)]
pub struct Op {
    pub negated: bool,
    pub kind: OpKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum OpKind {
    Unary(UnaryOp),
    Binary(CmpOp, Box<Expr>),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnaryOp {
    Exists,
    Empty,
    IsString,
    IsList,
    IsStruct,
    IsBool,
    IsInt,
    IsFloat,
    IsNull,
}

impl UnaryOp {
    /// The keyword as written in a rule and shown in findings: `exists`, `is_string`.
    pub fn keyword(self) -> &'static str {
        match self {
            UnaryOp::Exists => "exists",
            UnaryOp::Empty => "empty",
            UnaryOp::IsString => "is_string",
            UnaryOp::IsList => "is_list",
            UnaryOp::IsStruct => "is_struct",
            UnaryOp::IsBool => "is_bool",
            UnaryOp::IsInt => "is_int",
            UnaryOp::IsFloat => "is_float",
            UnaryOp::IsNull => "is_null",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CmpOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    In,
}

/// The operand of a clause, a `let`, or a function argument.
#[derive(Clone, Debug, PartialEq)]
pub enum Expr {
    Query(Query),
    Literal(Literal),
    Call(Call),
}

/// `count(Resources.*)`, `to_lower(%name)`.
#[derive(Clone, Debug, PartialEq)]
pub struct Call {
    pub name: Ident,
    pub args: Vec<Expr>,
    pub span: Span,
}

/// A path into the data: `Resources.*[ Type == 'X' ].Properties."Some-Key"[0]`.
#[derive(Clone, Debug, PartialEq)]
pub struct Query {
    pub steps: Vec<Step>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Step {
    /// `foo`, `"foo"`, `'foo'`, `['foo']`, `.0` (a key that is all digits indexes lists too).
    Key(String, Span),
    /// `%name` as the first step (the variable's values), or in the middle (`Resources.%ids`,
    /// each value of the variable used as a key).
    Var(Ident),
    /// `this`: the current value of the enclosing block or filter.
    This(Span),
    /// `keys`: inside a filter on a map, the key being filtered (`[ keys == /Kms/ ]`).
    Keys(Span),
    /// `*`: every map value or list element.
    AllValues(Span),
    /// `[*]`: every list element (a non-list value stands for itself, as in Guard).
    AllIndices(Span),
    /// `[3]`, `[-1]`.
    Index(i64, Span),
    /// `[ name | clauses ]` or `[ clauses ]`: keeps the values for which the clauses hold;
    /// `name` binds the map key or list index of each kept value.
    Filter(Filter),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Filter {
    pub capture: Option<Ident>,
    pub conds: Conjunction,
    pub span: Span,
}

/// `<< text >>`; `{{%var}}` or `{{%var.path}}` inside the text is filled in (sagerules extension).
#[derive(Clone, Debug, PartialEq)]
pub struct Message {
    pub parts: Vec<MessagePart>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum MessagePart {
    Text(String),
    Var(Query),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Literal {
    pub kind: LiteralKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum LiteralKind {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    /// `'x'` or `"x"`, escapes resolved.
    String(String),
    /// `/pattern/`; compiled once when the rule set is built.
    Regex(String),
    /// `r[1, 5]`, `r(0.5, 1]`, `r['a', 'f']`.
    Range(Box<Range>),
    List(Vec<Literal>),
    /// `{ key: value, ... }` in source order.
    Map(Vec<(String, Literal)>),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Range {
    pub lower: Literal,
    pub upper: Literal,
    pub lower_inclusive: bool,
    pub upper_inclusive: bool,
    /// Bounds written as bare characters, `r[a, f]` (Guard's character type; the bounds are
    /// one-character strings).
    pub chars: bool,
}
