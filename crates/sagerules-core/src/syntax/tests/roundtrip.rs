//! The formatter against the parser: sample files with every construct, and property tests
//! over generated trees (`parse(format(t)) == t` modulo spans, `format` idempotent) and
//! generated text (no panics; `parse(format(parse(x))) == parse(x)`).

use proptest::prelude::*;

use super::unspan::unspanned;
use crate::ast::*;
use crate::format::format;
use crate::syntax::parse;

const ALL_CONSTRUCTS: &str = include_str!("../testdata/all_constructs.rules");
const REGISTRY_STYLE: &str = include_str!("../testdata/registry_style.rules");

/// Formats `src`, then checks the result parses to the same tree and formats to itself.
fn assert_round_trip(src: &str) -> String {
    let (file, errors) = parse(src);
    assert!(errors.is_empty(), "{errors:#?}");
    let formatted = format(&file, src);
    let (again, errors) = parse(&formatted);
    assert!(
        errors.is_empty(),
        "formatted text does not parse: {errors:#?}\n{formatted}"
    );
    assert_eq!(
        unspanned(again.clone()),
        unspanned(file),
        "tree changed by formatting:\n{formatted}"
    );
    assert_eq!(
        format(&again, &formatted),
        formatted,
        "format is not idempotent"
    );
    formatted
}

#[test]
fn all_constructs_sample_formats() {
    insta::assert_snapshot!(
        "all_constructs_formatted",
        assert_round_trip(ALL_CONSTRUCTS)
    );
}

#[test]
fn registry_style_sample_formats() {
    insta::assert_snapshot!(
        "registry_style_formatted",
        assert_round_trip(REGISTRY_STYLE)
    );
}

#[test]
fn comments_survive_formatting_in_order() {
    let (file, _) = parse(ALL_CONSTRUCTS);
    let formatted = format(&file, ALL_CONSTRUCTS);
    let (again, _) = parse(&formatted);
    let texts = |f: &RulesFile| {
        f.comments
            .iter()
            .map(|c| c.text.trim_end().to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(texts(&again), texts(&file));
}

// ---- generated trees ----

const KEYWORDS: [&str; 24] = [
    "exists",
    "empty",
    "in",
    "not",
    "some",
    "or",
    "when",
    "rule",
    "let",
    "include",
    "this",
    "keys",
    "true",
    "false",
    "null",
    "r",
    "and",
    "is_string",
    "is_int",
    "is_null",
    "is_list",
    "is_struct",
    "is_bool",
    "is_float",
];

fn sp() -> Span {
    Span::default()
}

fn ident() -> impl Strategy<Value = String> {
    "[a-z][a-zA-Z0-9_]{0,5}".prop_filter("keyword", |s| {
        !KEYWORDS.contains(&s.to_lowercase().as_str())
    })
}

fn id() -> impl Strategy<Value = Ident> {
    ident().prop_map(|name| Ident { name, span: sp() })
}

/// Text for strings and keys: quotes, backslashes (never last) and spaces included.
fn text() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9 :/'\"\\\\*-]{0,8}".prop_map(|s| {
        if s.ends_with('\\') {
            format!("{s}x")
        } else {
            s
        }
    })
}

fn scalar() -> impl Strategy<Value = Literal> {
    prop_oneof![
        Just(LiteralKind::Null),
        any::<bool>().prop_map(LiteralKind::Bool),
        any::<i64>().prop_map(LiteralKind::Int),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(LiteralKind::Float),
        text().prop_map(LiteralKind::String),
    ]
    .prop_map(|kind| Literal { kind, span: sp() })
}

fn literal() -> impl Strategy<Value = Literal> {
    let leaf = prop_oneof![
        4 => scalar(),
        1 => "[a-z0-9^$.*+?()\\[\\]/ ]{0,6}".prop_filter("backslash", |s| !s.ends_with('\\'))
            .prop_map(|p| Literal { kind: LiteralKind::Regex(p), span: sp() }),
        1 => (any::<i32>(), any::<i32>(), any::<bool>(), any::<bool>()).prop_map(|(a, b, li, ui)| Literal {
            kind: LiteralKind::Range(Box::new(Range {
                lower: Literal { kind: LiteralKind::Int(a.into()), span: sp() },
                upper: Literal { kind: LiteralKind::Int(b.into()), span: sp() },
                lower_inclusive: li,
                upper_inclusive: ui,
                chars: false,
            })),
            span: sp(),
        }),
    ];
    leaf.prop_recursive(3, 12, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(|items| Literal {
                kind: LiteralKind::List(items),
                span: sp()
            }),
            prop::collection::vec((text(), inner), 0..3).prop_map(|entries| Literal {
                kind: LiteralKind::Map(entries),
                span: sp()
            }),
        ]
    })
}

/// A step after the first.
fn later_step() -> impl Strategy<Value = Step> {
    prop_oneof![
        3 => text().prop_map(|k| Step::Key(k, sp())),
        1 => id().prop_map(Step::Var),
        1 => Just(Step::AllValues(sp())),
        1 => Just(Step::AllIndices(sp())),
        1 => any::<i64>().prop_map(|n| Step::Index(n, sp())),
    ]
}

/// A query for a value position: its first step is an identifier, a variable or `this`.
fn value_query() -> impl Strategy<Value = Query> {
    let first = prop_oneof![
        ident().prop_map(|k| Step::Key(k, sp())),
        id().prop_map(Step::Var),
        Just(Step::This(sp())),
    ];
    (first, prop::collection::vec(later_step(), 0..3)).prop_map(|(first, rest)| {
        let mut steps = vec![first];
        steps.extend(rest);
        Query { steps, span: sp() }
    })
}

fn expr() -> impl Strategy<Value = Expr> {
    let leaf = prop_oneof![
        literal().prop_map(Expr::Literal),
        value_query().prop_map(Expr::Query)
    ];
    leaf.prop_recursive(2, 6, 3, |inner| {
        (id(), prop::collection::vec(inner, 0..3)).prop_map(|(name, args)| {
            Expr::Call(Call {
                name,
                args,
                span: sp(),
            })
        })
    })
}

fn unary() -> impl Strategy<Value = UnaryOp> {
    prop_oneof![
        Just(UnaryOp::Exists),
        Just(UnaryOp::Empty),
        Just(UnaryOp::IsString),
        Just(UnaryOp::IsList),
        Just(UnaryOp::IsStruct),
        Just(UnaryOp::IsBool),
        Just(UnaryOp::IsInt),
        Just(UnaryOp::IsFloat),
        Just(UnaryOp::IsNull),
    ]
}

fn cmp() -> impl Strategy<Value = CmpOp> {
    prop_oneof![
        Just(CmpOp::Eq),
        Just(CmpOp::Ne),
        Just(CmpOp::Lt),
        Just(CmpOp::Le),
        Just(CmpOp::Gt),
        Just(CmpOp::Ge),
        Just(CmpOp::In),
    ]
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        (any::<bool>(), unary()).prop_map(|(negated, u)| Op {
            negated,
            kind: OpKind::Unary(u),
            span: sp()
        }),
        (any::<bool>(), cmp(), expr()).prop_map(|(negated, c, rhs)| Op {
            negated: negated && c != CmpOp::Ne,
            kind: OpKind::Binary(c, Box::new(rhs)),
            span: sp()
        }),
    ]
}

fn message() -> impl Strategy<Value = Option<Message>> {
    let part = prop_oneof![
        "[a-zA-Z0-9 .,:\n]{1,10}".prop_map(MessagePart::Text),
        id().prop_map(|v| MessagePart::Var(Query {
            steps: vec![Step::Var(v), Step::Key("Name".into(), sp())],
            span: sp()
        })),
    ];
    prop::option::of(prop::collection::vec(part, 0..4).prop_map(|parts| Message {
        parts: merge_text(parts),
        span: sp(),
    }))
}

/// Adjacent text parts joined, as the parser produces them.
fn merge_text(parts: Vec<MessagePart>) -> Vec<MessagePart> {
    let mut out: Vec<MessagePart> = Vec::new();
    for part in parts {
        match (out.last_mut(), part) {
            (Some(MessagePart::Text(prev)), MessagePart::Text(t)) => prev.push_str(&t),
            (_, part) => out.push(part),
        }
    }
    out
}

/// A left-hand side: any first key (quoted when needed), then later steps and filters.
fn lhs_query(filter: Option<BoxedStrategy<Filter>>) -> BoxedStrategy<Query> {
    let first = prop_oneof![
        3 => text().prop_map(|k| Step::Key(if k.is_empty() { "k".into() } else { k }, sp())),
        1 => id().prop_map(Step::Var),
        1 => Just(Step::This(sp())),
    ];
    let step = match filter {
        Some(filter) => prop_oneof![4 => later_step(), 1 => filter.prop_map(Step::Filter)].boxed(),
        None => later_step().boxed(),
    };
    (first, prop::collection::vec(step, 0..3))
        .prop_map(|(first, rest)| {
            let mut steps = vec![first];
            steps.extend(rest);
            Query { steps, span: sp() }
        })
        .boxed()
}

/// `keys_first`: sometimes the left-hand side is `keys` (directly inside a filter).
fn check(filter: Option<BoxedStrategy<Filter>>, keys_first: bool) -> BoxedStrategy<Clause> {
    (
        any::<bool>(),
        any::<bool>(),
        lhs_query(filter),
        op(),
        message(),
        any::<bool>(),
    )
        .prop_map(move |(not, some, mut lhs, op, message, keys)| {
            if keys_first && keys {
                lhs.steps = vec![Step::Keys(sp())];
            }
            Clause::Check(Check {
                not,
                some,
                lhs: Expr::Query(lhs),
                op,
                message,
                span: sp(),
            })
        })
        .boxed()
}

fn rule_ref() -> impl Strategy<Value = Clause> {
    (
        any::<bool>(),
        id(),
        prop::option::of(prop::collection::vec(expr(), 0..3)),
        message(),
    )
        .prop_map(|(not, name, args, message)| {
            Clause::RuleRef(RuleRef {
                not,
                name,
                args,
                message,
                span: sp(),
            })
        })
}

fn disjunction_of(clause: impl Strategy<Value = Clause>) -> impl Strategy<Value = Disjunction> {
    prop::collection::vec(clause, 1..3).prop_map(|clauses| Disjunction {
        clauses,
        span: sp(),
    })
}

fn conjunction_of(
    clause: impl Strategy<Value = Clause> + Clone,
) -> impl Strategy<Value = Conjunction> {
    prop::collection::vec(disjunction_of(clause), 1..3).prop_map(|clauses| Conjunction {
        clauses,
        span: sp(),
    })
}

/// Filters nest through their clauses' queries, `depth` levels deep at most.
fn filter_at(depth: u32) -> BoxedStrategy<Filter> {
    let inner = if depth == 0 {
        None
    } else {
        Some(filter_at(depth - 1))
    };
    let with_clauses = (prop::option::of(id()), conjunction_of(check(inner, true))).prop_map(
        |(capture, conds)| Filter {
            capture,
            conds,
            span: sp(),
        },
    );
    let capture_only = id().prop_map(|c| Filter {
        capture: Some(c),
        conds: Conjunction::default(),
        span: sp(),
    });
    prop_oneof![4 => with_clauses, 1 => capture_only].boxed()
}

fn filter() -> BoxedStrategy<Filter> {
    filter_at(1)
}

fn plain_clause() -> BoxedStrategy<Clause> {
    prop_oneof![4 => check(Some(filter()), false), 1 => rule_ref()].boxed()
}

fn block_of(clause: BoxedStrategy<Clause>) -> impl Strategy<Value = Block> {
    let item = prop_oneof![
        1 => (id(), expr(), any::<bool>()).prop_map(|(name, value, some)| BlockItem::Let(new_let(name, value, some))),
        4 => disjunction_of(clause).prop_map(BlockItem::Clause),
    ];
    prop::collection::vec(item, 1..4).prop_map(|items| Block { items, span: sp() })
}

fn clause() -> BoxedStrategy<Clause> {
    plain_clause().prop_recursive(2, 16, 3, |inner| {
        let block = block_of(inner.clone()).boxed();
        prop_oneof![
            3 => plain_clause(),
            1 => (any::<bool>(), value_query(), block.clone(), message()).prop_map(|(some, query, body, message)| {
                Clause::QueryBlock(QueryBlock { some, query, body, message, span: sp() })
            }),
            1 => ("[A-Z][a-z]{1,4}::[A-Z][a-z]{1,6}", prop::option::of(conjunction_of(plain_clause())), block.clone())
                .prop_map(|(name, when, body)| Clause::TypeBlock(TypeBlock {
                    type_name: Ident { name, span: sp() },
                    when,
                    body,
                    span: sp(),
                })),
            1 => (conjunction_of(plain_clause()), block).prop_map(|(when, body)| Clause::WhenBlock(WhenBlock { when, body, span: sp() })),
        ]
    })
    .boxed()
}

/// A `let`; `some` only where the value is a query.
fn new_let(name: Ident, value: Expr, some: bool) -> Let {
    let some = some && matches!(value, Expr::Query(_));
    Let {
        name,
        value,
        some,
        span: sp(),
    }
}

fn meta() -> impl Strategy<Value = Meta> {
    (
        id(),
        "[a-zA-Z0-9,.:-]([a-zA-Z0-9 ,.:-]{0,10}[a-zA-Z0-9,.:-])?",
    )
        .prop_map(|(key, value)| Meta {
            key,
            value,
            span: sp(),
        })
}

fn item() -> impl Strategy<Value = Item> {
    prop_oneof![
        1 => text().prop_map(|path| Item::Include(Include { path, span: sp() })),
        2 => (id(), expr(), any::<bool>()).prop_map(|(name, value, some)| Item::Let(new_let(name, value, some))),
        4 => (prop::collection::vec(meta(), 0..3), id(), prop::collection::vec(id(), 0..3), prop::option::of(conjunction_of(plain_clause())), block_of(clause()))
            .prop_map(|(meta, name, params, when, body)| Item::Rule(Rule { meta, name, params, when, body, span: sp() })),
        2 => disjunction_of(clause()).prop_map(Item::Clause),
    ]
}

fn rules_file() -> impl Strategy<Value = RulesFile> {
    prop::collection::vec(item(), 0..5).prop_map(|items| RulesFile {
        items,
        comments: Vec::new(),
    })
}

/// Token soup: mostly valid fragments in random order, so the parser's error paths run.
fn token_soup() -> impl Strategy<Value = String> {
    let token = prop_oneof![
        Just("rule"),
        Just("let"),
        Just("when"),
        Just("{"),
        Just("}"),
        Just("["),
        Just("]"),
        Just("("),
        Just(")"),
        Just("=="),
        Just("="),
        Just("!"),
        Just("not"),
        Just("exists"),
        Just("in"),
        Just("or"),
        Just("|OR|"),
        Just("<<"),
        Just(">>"),
        Just("'s'"),
        Just("\""),
        Just("'"),
        Just("/re/"),
        Just("/"),
        Just("r["),
        Just("1"),
        Just("-2.5"),
        Just("%x"),
        Just("a"),
        Just("b.c"),
        Just("."),
        Just("*"),
        Just("|"),
        Just(","),
        Just(":"),
        Just("\n"),
        Just(" "),
        Just("#c\n"),
        Just("#@ k: v\n"),
        Just("AWS::S3::Bucket"),
        Just("{{%x}}"),
        Just("some"),
        Just("keys"),
        Just("this"),
        Just("include"),
    ];
    prop::collection::vec(token, 0..40).prop_map(|tokens| tokens.join(" "))
}

/// Adds `# cN` comments at the end of some lines and on their own line before others
/// (never inside a `<< >>` message, nor next to `#@` lines, which must stay directly above
/// their rule).
fn sprinkle_comments(text: &str, seed: u64) -> String {
    let mut out = String::new();
    let mut bits = seed;
    let mut prev_meta = false;
    let mut in_message = false;
    for (n, line) in text.lines().enumerate() {
        let meta = line.starts_with("#@");
        if bits & 1 == 1 && !prev_meta && !meta && !in_message {
            out.push_str(&format!("# c{n} own line\n"));
        }
        out.push_str(line);
        in_message ^= (line.matches("<<").count() + line.matches(">>").count()) % 2 == 1;
        if bits & 2 == 2 && !meta && !in_message {
            out.push_str(&format!(" # c{n} end"));
        }
        out.push('\n');
        bits = bits.rotate_right(2) ^ (n as u64);
        prev_meta = meta;
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn formatted_trees_parse_back_to_themselves(file in rules_file()) {
        let text = format(&file, "");
        let (parsed, errors) = parse(&text);
        prop_assert!(errors.is_empty(), "{:#?}\n{}", errors, text);
        prop_assert_eq!(unspanned(parsed.clone()), unspanned(file), "{}", text);
        prop_assert_eq!(format(&parsed, &text), text);
    }

    #[test]
    fn comments_anywhere_are_kept_in_order(file in rules_file(), seed in any::<u64>()) {
        let text = format(&file, "");
        let commented = sprinkle_comments(&text, seed);
        let (parsed, errors) = parse(&commented);
        prop_assert!(errors.is_empty(), "{:#?}\n{}", errors, commented);
        let want: Vec<String> = parsed.comments.iter().map(|c| c.text.clone()).collect();
        prop_assert_eq!(unspanned(RulesFile { comments: Vec::new(), ..parsed.clone() }), unspanned(file));
        let formatted = format(&parsed, &commented);
        let (again, errors) = parse(&formatted);
        prop_assert!(errors.is_empty(), "{:#?}\n{}", errors, formatted);
        let got: Vec<String> = again.comments.iter().map(|c| c.text.clone()).collect();
        prop_assert_eq!(got, want, "{}", formatted);
        prop_assert_eq!(format(&again, &formatted), formatted);
    }

    #[test]
    fn mutated_samples_recover_without_panicking(
        edits in prop::collection::vec((any::<prop::sample::Index>(), 0..3usize, prop::sample::select(vec!["", "{", "}", "[", "]", "'", "\"", "<<", ">>", "=", " or ", "\n", "#", "#@ x: y\n", "rule ", "let ", "%", "/", "("])), 1..6)
    ) {
        let mut src = ALL_CONSTRUCTS.to_string();
        for (at, delete, insert) in edits {
            let mut start = at.index(src.len());
            while !src.is_char_boundary(start) {
                start -= 1;
            }
            let mut end = (start + delete).min(src.len());
            while !src.is_char_boundary(end) {
                end += 1;
            }
            src.replace_range(start..end, insert);
        }
        let (file, errors) = parse(&src);
        for e in &errors {
            prop_assert!(e.span.start <= e.span.end && e.span.end as usize <= src.len(), "{:?}", e);
            prop_assert!(!e.message.is_empty() && !e.message.contains('\n'));
        }
        if errors.is_empty() {
            let text = format(&file, &src);
            let (again, errors) = parse(&text);
            prop_assert!(errors.is_empty(), "{:#?}\n{}", errors, text);
            prop_assert_eq!(unspanned(again.clone()), unspanned(file));
            prop_assert_eq!(format(&again, &text), text);
        }
    }

    #[test]
    fn any_text_parses_without_panicking(src in any::<String>()) {
        let (file, errors) = parse(&src);
        if errors.is_empty() {
            let text = format(&file, &src);
            prop_assert!(parse(&text).1.is_empty(), "{}", text);
        }
    }

    #[test]
    fn token_soup_round_trips_when_it_parses(src in token_soup()) {
        let (file, errors) = parse(&src);
        for e in &errors {
            prop_assert!(e.span.start <= e.span.end && e.span.end as usize <= src.len());
        }
        if errors.is_empty() {
            let text = format(&file, &src);
            let (again, errors) = parse(&text);
            prop_assert!(errors.is_empty(), "{:#?}\n{}", errors, text);
            prop_assert_eq!(unspanned(again.clone()), unspanned(file));
            prop_assert_eq!(format(&again, &text), text);
        }
    }
}
