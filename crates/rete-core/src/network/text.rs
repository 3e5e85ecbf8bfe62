//! The network as text, for `reckon compile --emit network`: the counts, then per fact type
//! its alpha layer (tests, the discrimination index, memories and what they feed), then the
//! beta tree from the root, one node per line, indented under its parent, with the rules
//! that go through it. Frame positions print as `#n`, fields by name.

use std::fmt::Write as _;

use reckon_fact_store::{FactTypeId, FieldId, Interner, Value};
use reckon_rule_ir::{Program, UnaryOp};

use super::{Decided, GroupKey, Join, Network, NodeId, NodeKind};
use crate::compile::{Code, Part};

impl Network {
    /// The network as text (see the module's documentation). `program` is the one it was
    /// built from, `interner` the store's it was built for.
    pub fn text(&self, program: &Program, interner: &Interner) -> String {
        let printer = Printer {
            net: self,
            program,
            interner,
        };
        let mut out = format!("network: {}\n", self.counts());
        printer.alpha(&mut out);
        out.push_str("\nbeta\n");
        printer.beta(&mut out, 0, 1, &[]);
        out
    }
}

struct Printer<'a> {
    net: &'a Network,
    program: &'a Program,
    interner: &'a Interner,
}

impl Printer<'_> {
    fn alpha(&self, out: &mut String) {
        for (index, alpha) in self.net.types.iter().enumerate() {
            if alpha.memories.is_empty() {
                continue;
            }
            let fact_type = FactTypeId::from_index(index).expect("a declared type");
            let frame = [Some(fact_type)];
            let _ = writeln!(out, "\nalpha {}", self.program.fact(fact_type).name);
            for dispatch in &alpha.dispatch {
                let tests: usize = dispatch.by_value.values().map(Vec::len).sum();
                let _ = writeln!(
                    out,
                    "  index {}: {} values -> {} tests",
                    self.field_name(Some(fact_type), dispatch.field),
                    dispatch.by_value.len(),
                    tests
                );
            }
            for &test in &alpha.tests {
                let how = match self.net.tests[test].decided {
                    Decided::Indexed => "indexed",
                    Decided::EveryFact => "test",
                    Decided::OnDemand => "test on demand",
                };
                let code = self.code(&self.net.tests[test].code, &frame);
                let rules = self.rule_names(self.net.tests[test].users.iter().map(|u| u.0));
                let _ = writeln!(out, "  t{test} {how} {code}  [{rules}]");
            }
            for &memory in &alpha.memories {
                let tests = &self.net.memories[memory].tests;
                let tests: Vec<String> = tests.iter().map(|t| format!("t{t}")).collect();
                let feeds: Vec<String> = self.net.memories[memory]
                    .successors
                    .iter()
                    .map(|n| format!("n{n}"))
                    .collect();
                let _ = writeln!(
                    out,
                    "  m{memory} [{}] -> {}",
                    tests.join(" "),
                    feeds.join(" ")
                );
            }
        }
    }

    /// Prints `node`'s children (and theirs), with `frame` the fact type at each position
    /// of the frame the children extend.
    fn beta(&self, out: &mut String, node: NodeId, depth: usize, frame: &[Option<FactTypeId>]) {
        for &child in &self.net.nodes[node].children {
            let mut own = frame.to_vec();
            let line = self.node_line(child, &mut own);
            let rules = self.rule_names(self.net.nodes[child].users.iter().map(|u| u.0));
            let _ = writeln!(out, "{}n{child} {line}  [{rules}]", "  ".repeat(depth));
            self.beta(out, child, depth + 1, &own);
        }
    }

    /// One node's line; `frame` becomes the frame its children extend.
    fn node_line(&self, node: NodeId, frame: &mut Vec<Option<FactTypeId>>) -> String {
        match &self.net.nodes[node].kind {
            NodeKind::Root => "root".to_string(),
            NodeKind::Join(join) => {
                let line = format!("join {}", self.join(join, frame));
                frame.push(self.memory_type(join.memory));
                line
            }
            NodeKind::Not(join) => format!("not {}", self.join(join, frame)),
            NodeKind::Exists(join) => format!("exists {}", self.join(join, frame)),
            NodeKind::Accumulate(accumulate) => {
                let mut inner = frame.clone();
                inner.push(self.memory_type(accumulate.join.memory));
                let value = accumulate
                    .value
                    .as_ref()
                    .map_or(String::new(), |code| self.code(code, &inner));
                let mut line = format!(
                    "accumulate {}({value}) {}",
                    accumulate.op.name(),
                    self.join(&accumulate.join, frame)
                );
                if let Some(default) = &accumulate.default {
                    let _ = write!(line, " default {}", self.code(default, frame));
                }
                frame.push(None);
                line
            }
            NodeKind::Next(next) => {
                let line = format!(
                    "next after #{} {}",
                    next.after,
                    self.join(&next.join, frame)
                );
                frame.push(self.memory_type(next.join.memory));
                line
            }
            NodeKind::Expand(code) => {
                let line = format!("expand {}", self.code(code, frame));
                frame.push(None);
                line
            }
            NodeKind::Let(code) => {
                let line = format!("let #{} = {}", frame.len(), self.code(code, frame));
                frame.push(None);
                line
            }
            NodeKind::Guard(code) => format!("guard {}", self.code(code, frame)),
            NodeKind::Group(group) => {
                let keys: Vec<String> = group
                    .keys
                    .iter()
                    .map(|key| match key {
                        GroupKey::Fact(slot) => format!("#{slot}"),
                        GroupKey::Value(code) => self.code(code, frame),
                    })
                    .collect();
                let aggregates: Vec<String> = group
                    .aggregates
                    .iter()
                    .map(|(op, value)| {
                        let value = value
                            .as_ref()
                            .map_or(String::new(), |c| self.code(c, frame));
                        format!("{}({value})", op.name())
                    })
                    .collect();
                let mut regrouped: Vec<Option<FactTypeId>> = group
                    .keys
                    .iter()
                    .map(|key| match key {
                        GroupKey::Fact(slot) => frame.get(usize::from(*slot)).copied().flatten(),
                        GroupKey::Value(_) => None,
                    })
                    .collect();
                regrouped.extend(group.aggregates.iter().map(|_| None));
                *frame = regrouped;
                format!(
                    "group by {} into {}",
                    keys.join(", "),
                    aggregates.join(", ")
                )
            }
            NodeKind::Terminal(rule) => {
                let info = &self.net.rules[rule.index()];
                format!(
                    "terminal {:?} stratum {} priority {}, {} actions",
                    self.program.rules[rule.index()].name,
                    info.stratum,
                    info.priority,
                    info.actions.len()
                )
            }
        }
    }

    /// A join: the memory's type and id, the fact's position, its keys and other tests.
    fn join(&self, join: &Join, frame: &[Option<FactTypeId>]) -> String {
        let fact_type = self.memory_type(join.memory);
        let mut inner = frame.to_vec();
        inner.resize(usize::from(join.slot), None);
        inner.push(fact_type);
        let name = fact_type.map_or("?", |t| self.program.fact(t).name.as_str());
        let mut line = format!("{name} m{} as #{}", join.memory, join.slot);
        for (left, right) in &join.keys {
            let _ = write!(
                line,
                "; key {} == {}",
                self.code(left, &inner),
                self.code(right, &inner)
            );
        }
        for test in &join.residual {
            let _ = write!(line, "; test {}", self.code(test, &inner));
        }
        line
    }

    fn memory_type(&self, memory: usize) -> Option<FactTypeId> {
        self.net
            .types
            .iter()
            .position(|alpha| alpha.memories.contains(&memory))
            .and_then(FactTypeId::from_index)
    }

    fn rule_names(&self, rules: impl Iterator<Item = reckon_rule_ir::RuleId>) -> String {
        let names: Vec<&str> = rules
            .map(|rule| self.program.rules[rule.index()].name.as_str())
            .collect();
        names.join(", ")
    }

    fn field_name(&self, fact_type: Option<FactTypeId>, field: FieldId) -> String {
        fact_type
            .and_then(|t| self.program.fact(t).fields.get(field.index()))
            .map_or_else(|| format!("f{}", field.index()), |decl| decl.name.clone())
    }

    fn value(&self, value: &Option<Value>) -> String {
        value.as_ref().map_or("missing".to_string(), |v| {
            v.display(self.interner).to_string()
        })
    }

    /// Compiled code as an expression, with frame positions as `#n`.
    fn code(&self, code: &Code, frame: &[Option<FactTypeId>]) -> String {
        let all =
            |codes: &[Code]| -> Vec<String> { codes.iter().map(|c| self.code(c, frame)).collect() };
        match code {
            Code::Const(value) => self.value(value),
            Code::Field { slot, field, .. } => {
                let fact_type = frame.get(usize::from(*slot)).copied().flatten();
                format!("#{slot}.{}", self.field_name(fact_type, *field))
            }
            Code::Slot(slot) => format!("#{slot}"),
            Code::Local(local) => format!("local{local}"),
            Code::Member(base, name) => {
                format!(
                    "{}.{}",
                    self.code(base, frame),
                    self.interner.resolve(*name)
                )
            }
            Code::Unary(op, operand) => {
                let operand = self.code(operand, frame);
                match op {
                    UnaryOp::Neg => format!("(- {operand})"),
                    UnaryOp::Not => format!("(not {operand})"),
                    UnaryOp::IsMissing => format!("({operand} is missing)"),
                    UnaryOp::IsNull => format!("({operand} is null)"),
                }
            }
            Code::Binary(op, a, b) => format!(
                "({} {} {})",
                self.code(a, frame),
                op.symbol(),
                self.code(b, frame)
            ),
            Code::And(a, b) => format!("({} and {})", self.code(a, frame), self.code(b, frame)),
            Code::Or(a, b) => format!("({} or {})", self.code(a, frame), self.code(b, frame)),
            Code::In(value, items) => {
                format!(
                    "({} in [{}])",
                    self.code(value, frame),
                    all(items).join(", ")
                )
            }
            Code::If(c, t, e) => format!(
                "(if {} then {} else {})",
                self.code(c, frame),
                self.code(t, frame),
                self.code(e, frame)
            ),
            Code::Builtin(builtin, args) => format!("{}({})", builtin.name(), all(args).join(", ")),
            Code::Calc(index, args) => format!("calc{index}({})", all(args).join(", ")),
            Code::List(items) => format!("[{}]", all(items).join(", ")),
            Code::Record(fields) => {
                let fields: Vec<String> = fields
                    .iter()
                    .map(|(name, c)| {
                        format!("{}: {}", self.interner.resolve(*name), self.code(c, frame))
                    })
                    .collect();
                format!("{{{}}}", fields.join(", "))
            }
            Code::Template(parts) => {
                let parts: Vec<String> = parts
                    .iter()
                    .map(|part| match part {
                        Part::Text(text) => format!("{text:?}"),
                        Part::Value(c) => self.code(c, frame),
                    })
                    .collect();
                format!("template[{}]", parts.join(", "))
            }
            Code::Comprehension(c) => {
                let value = c
                    .value
                    .as_ref()
                    .map_or(String::new(), |v| self.code(v, frame));
                let mut text = format!(
                    "{}({value} for local{} in {}",
                    c.op.name(),
                    c.local,
                    self.code(&c.source, frame)
                );
                if let Some(filter) = &c.filter {
                    let _ = write!(text, " where {}", self.code(filter, frame));
                }
                if let Some(default) = &c.default {
                    let _ = write!(text, ", default {}", self.code(default, frame));
                }
                text.push(')');
                text
            }
            Code::Allocate {
                amount,
                weight,
                tie,
            } => format!(
                "allocate({}, by {}, tie {})",
                self.code(amount, frame),
                self.code(weight, frame),
                self.code(tie, frame)
            ),
        }
    }
}
