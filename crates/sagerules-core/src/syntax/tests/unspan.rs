//! Zeroes every span in a tree (and trims comments' trailing whitespace), so trees parsed
//! from differently laid out text compare equal.

use crate::ast::*;

pub(crate) trait Unspan {
    fn unspan(&mut self);
}

impl<T: Unspan> Unspan for Vec<T> {
    fn unspan(&mut self) {
        self.iter_mut().for_each(Unspan::unspan);
    }
}

impl<T: Unspan> Unspan for Option<T> {
    fn unspan(&mut self) {
        if let Some(x) = self {
            x.unspan();
        }
    }
}

impl<T: Unspan> Unspan for Box<T> {
    fn unspan(&mut self) {
        (**self).unspan();
    }
}

impl Unspan for Span {
    fn unspan(&mut self) {
        *self = Span::default();
    }
}

impl Unspan for RulesFile {
    fn unspan(&mut self) {
        self.items.unspan();
        for comment in &mut self.comments {
            comment.span.unspan();
            // The formatter drops trailing whitespace from comments.
            comment.text.truncate(comment.text.trim_end().len());
        }
    }
}

impl Unspan for Ident {
    fn unspan(&mut self) {
        self.span.unspan();
    }
}

impl Unspan for Item {
    fn unspan(&mut self) {
        match self {
            Item::Include(i) => i.span.unspan(),
            Item::Let(l) => l.unspan(),
            Item::Rule(r) => r.unspan(),
            Item::Clause(d) => d.unspan(),
        }
    }
}

impl Unspan for Let {
    fn unspan(&mut self) {
        self.name.unspan();
        self.value.unspan();
        self.span.unspan();
    }
}

impl Unspan for Rule {
    fn unspan(&mut self) {
        for m in &mut self.meta {
            m.key.unspan();
            m.span.unspan();
        }
        self.name.unspan();
        self.params.unspan();
        self.when.unspan();
        self.body.unspan();
        self.span.unspan();
    }
}

impl Unspan for Block {
    fn unspan(&mut self) {
        for item in &mut self.items {
            match item {
                BlockItem::Let(l) => l.unspan(),
                BlockItem::Clause(d) => d.unspan(),
            }
        }
        self.span.unspan();
    }
}

impl Unspan for Conjunction {
    fn unspan(&mut self) {
        self.clauses.unspan();
        self.span.unspan();
    }
}

impl Unspan for Disjunction {
    fn unspan(&mut self) {
        self.clauses.unspan();
        self.span.unspan();
    }
}

impl Unspan for Clause {
    fn unspan(&mut self) {
        match self {
            Clause::Check(c) => {
                c.lhs.unspan();
                c.op.span.unspan();
                if let OpKind::Binary(_, rhs) = &mut c.op.kind {
                    rhs.unspan();
                }
                c.message.unspan();
                c.span.unspan();
            }
            Clause::RuleRef(r) => {
                r.name.unspan();
                r.args.unspan();
                r.message.unspan();
                r.span.unspan();
            }
            Clause::QueryBlock(b) => {
                b.query.unspan();
                b.body.unspan();
                b.message.unspan();
                b.span.unspan();
            }
            Clause::TypeBlock(t) => {
                t.type_name.unspan();
                t.when.unspan();
                t.body.unspan();
                t.span.unspan();
            }
            Clause::WhenBlock(w) => {
                w.when.unspan();
                w.body.unspan();
                w.span.unspan();
            }
        }
    }
}

impl Unspan for Message {
    fn unspan(&mut self) {
        for part in &mut self.parts {
            if let MessagePart::Var(q) = part {
                q.unspan();
            }
        }
        self.span.unspan();
    }
}

impl Unspan for Expr {
    fn unspan(&mut self) {
        match self {
            Expr::Query(q) => q.unspan(),
            Expr::Literal(l) => l.unspan(),
            Expr::Call(c) => {
                c.name.unspan();
                c.args.unspan();
                c.span.unspan();
            }
        }
    }
}

impl Unspan for Query {
    fn unspan(&mut self) {
        for step in &mut self.steps {
            match step {
                Step::Key(_, s)
                | Step::This(s)
                | Step::Keys(s)
                | Step::AllValues(s)
                | Step::AllIndices(s)
                | Step::Index(_, s) => s.unspan(),
                Step::Var(v) => v.unspan(),
                Step::Filter(f) => {
                    f.capture.unspan();
                    f.conds.unspan();
                    f.span.unspan();
                }
            }
        }
        self.span.unspan();
    }
}

impl Unspan for Literal {
    fn unspan(&mut self) {
        self.span.unspan();
        match &mut self.kind {
            LiteralKind::Range(r) => {
                r.lower.unspan();
                r.upper.unspan();
            }
            LiteralKind::List(items) => items.unspan(),
            LiteralKind::Map(entries) => entries.iter_mut().for_each(|(_, v)| v.unspan()),
            _ => {}
        }
    }
}

/// `file` with every span zeroed.
pub(crate) fn unspanned(mut file: RulesFile) -> RulesFile {
    file.unspan();
    file
}
