//! Building the network from a program: each rule's conditions become a chain of beta
//! nodes below the root, shared with every earlier rule whose chain starts the same way
//! (same node kind, same compiled code, same memory); each pattern's single-fact tests
//! become shared alpha tests feeding a memory per distinct set of tests.

mod actions;

use std::collections::HashMap;

use reckon_fact_store::{FactTypeId, FieldId, Interner};
use reckon_rule_ir::{
    Action, BinaryOp, BindingId, Condition, Expr, ExprKind, GroupKey as IrGroupKey, Pattern,
    Program, Rule, RuleId, Span,
};

use crate::compile::{self, Code, CompileError, Compiler, Names, Place};
use crate::network::{
    Accumulate, AlphaTest, Decided, Group, GroupKey, Join, Memory, MemoryId, Network, Next, Node,
    NodeId, NodeKind, RuleNet, TestId, TypeAlpha,
};

/// Why a program cannot become a network: it was not checked clean (an expression that
/// did not resolve, a name out of scope), or it is beyond a limit of the network.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuildError {
    /// The rule, when the problem is in one.
    pub rule: Option<RuleId>,
    /// What is wrong.
    pub message: String,
}

impl std::fmt::Display for BuildError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.rule {
            Some(rule) => write!(f, "rule {rule}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for BuildError {}

const ROOT: NodeId = 0;

impl Network {
    /// Compiles `program` (checked without errors, and best optimised) for a store whose
    /// interner is `interner`.
    pub fn build(program: &Program, interner: &mut Interner) -> Result<Network, BuildError> {
        let calcs = compile::calcs(program, interner).map_err(|e| error(None, e))?;
        let mut builder = Builder {
            compiler: Compiler { program, interner },
            net: Network {
                calcs,
                tests: Vec::new(),
                memories: Vec::new(),
                types: (0..program.facts.len())
                    .map(|_| TypeAlpha::default())
                    .collect(),
                nodes: vec![Node {
                    parent: None,
                    children: Vec::new(),
                    kind: NodeKind::Root,
                    stratum: 0,
                    reads: Vec::new(),
                    match_reads: Vec::new(),
                    regroup_reads: Vec::new(),
                    users: Vec::new(),
                }],
                rules: Vec::new(),
                stateful: false,
            },
            tests: HashMap::new(),
            memories: HashMap::new(),
            shared: HashMap::new(),
        };
        for rule in &program.rules {
            builder.rule(rule).map_err(|e| error(Some(rule.id), e))?;
        }
        let mut net = builder.net;
        crate::network::dispatch::index(&mut net);
        find_regroup_reads(&mut net);
        Ok(net)
    }
}

/// Fills in each join's [`Node::regroup_reads`].
fn find_regroup_reads(net: &mut Network) {
    for id in 0..net.nodes.len() {
        let node = &net.nodes[id];
        let NodeKind::Join(join) = &node.kind else {
            continue;
        };
        let only_groups = !node.children.is_empty()
            && node
                .children
                .iter()
                .all(|&child| matches!(net.nodes[child].kind, NodeKind::Group(_)));
        if !only_groups {
            continue;
        }
        let mut own = Vec::new();
        for (_, right) in &join.keys {
            right.fields_read(join.slot, &mut own);
        }
        for code in &join.residual {
            code.fields_read(join.slot, &mut own);
        }
        let regroup = node
            .match_reads
            .iter()
            .copied()
            .filter(|field| !own.contains(field))
            .collect();
        net.nodes[id].regroup_reads = regroup;
    }
}

fn error(rule: Option<RuleId>, error: CompileError) -> BuildError {
    BuildError {
        rule,
        message: error.0,
    }
}

struct Builder<'a> {
    compiler: Compiler<'a>,
    net: Network,
    tests: HashMap<String, TestId>,
    memories: HashMap<(FactTypeId, Vec<TestId>), MemoryId>,
    shared: HashMap<(NodeId, String), NodeId>,
}

/// A rule's names and frame while its chain is built.
struct Scope {
    names: Names,
    frame: u16,
    node: NodeId,
    /// The node that brought in each fact binding, for recording which fields it reads.
    intro: HashMap<BindingId, NodeId>,
}

impl Builder<'_> {
    fn rule(&mut self, rule: &Rule) -> Result<(), CompileError> {
        let mut scope = Scope {
            names: Names::default(),
            frame: 0,
            node: ROOT,
            intro: HashMap::new(),
        };
        for condition in &rule.conditions {
            self.condition(rule, condition, &mut scope)?;
        }
        let mut group = None;
        let mut member_names = None;
        if let Some(grouping) = &rule.group {
            let pre = scope.frame;
            let keys = grouping
                .keys
                .iter()
                .map(|key| match key {
                    IrGroupKey::Fact(binding) => {
                        slot_of(&scope.names, *binding).map(GroupKey::Fact)
                    }
                    IrGroupKey::Value { expr, .. } => self
                        .compiler
                        .expr(expr, &mut scope.names)
                        .map(GroupKey::Value),
                })
                .collect::<Result<Vec<_>, _>>()?;
            let aggregates = grouping
                .aggregates
                .iter()
                .map(|a| {
                    let value = a
                        .value
                        .as_ref()
                        .map(|v| self.compiler.expr(v, &mut scope.names));
                    Ok((a.op, value.transpose()?))
                })
                .collect::<Result<Vec<_>, CompileError>>()?;
            let spans = grouping
                .keys
                .iter()
                .filter_map(|key| match key {
                    IrGroupKey::Value { expr, .. } => Some(expr.span),
                    IrGroupKey::Fact(_) => None,
                })
                .chain(
                    grouping
                        .aggregates
                        .iter()
                        .filter_map(|a| a.value.as_ref().map(|value| value.span)),
                )
                .collect();
            let kind = NodeKind::Group(Group { keys, aggregates });
            scope.node = self.node(scope.node, kind, rule, spans);
            group = Some((scope.node, pre));
            // After grouping, the frame is the group's keys and aggregates; a per-member
            // emit sees the member's match before them.
            let mut post = Names {
                next_local: scope.names.next_local,
                ..Names::default()
            };
            let mut members = scope.names.clone();
            let mut position = 0u16;
            for key in &grouping.keys {
                match key {
                    IrGroupKey::Fact(binding) => {
                        let fact_type = fact_type_of(rule, *binding);
                        post.bind(*binding, position, fact_type);
                        members.bind(*binding, pre + position, fact_type);
                    }
                    IrGroupKey::Value { var, .. } => {
                        post.place(*var, Place::Slot(position));
                        members.place(*var, Place::Slot(pre + position));
                    }
                }
                position += 1;
            }
            for aggregate in &grouping.aggregates {
                post.place(aggregate.var, Place::Slot(position));
                members.place(aggregate.var, Place::Slot(pre + position));
                position += 1;
            }
            scope.names = post;
            scope.frame = position;
            for condition in &grouping.then {
                let before = scope.frame;
                self.condition(rule, condition, &mut scope)?;
                if let Condition::Let(l) = condition {
                    members.place(l.var, Place::Slot(pre + before));
                }
            }
            member_names = Some(members);
        }
        let terminal = self.node(scope.node, NodeKind::Terminal(rule.id), rule, Vec::new());
        let mut actions = Vec::with_capacity(rule.actions.len());
        for action in &rule.actions {
            actions.push(self.action(action, &mut scope.names, member_names.as_mut())?);
            self.net.stateful |= matches!(action, Action::Update { .. } | Action::Retract { .. });
        }
        let reads = self.record_reads(rule, &scope.intro);
        self.net.rules.push(RuleNet {
            stratum: rule.stratum,
            priority: rule.priority,
            terminal,
            group,
            actions,
            key_order: key_order(rule),
            reads,
        });
        Ok(())
    }

    fn condition(
        &mut self,
        rule: &Rule,
        condition: &Condition,
        scope: &mut Scope,
    ) -> Result<(), CompileError> {
        match condition {
            Condition::Match(pattern) => {
                let (join, spans) = self.join(rule, pattern, scope)?;
                let mut sequence_reads = Vec::new();
                let kind = match &pattern.next {
                    Some(next) => {
                        // Ties go by the input fields: a rule setting a derived field of
                        // the successor must not move it in its own sequence.
                        let fields = &self.compiler.program.fact(pattern.fact_type).fields;
                        let inputs = (0..fields.len())
                            .filter(|&f| !fields[f].derived)
                            .filter_map(FieldId::from_index);
                        let mut order = Vec::new();
                        for field in next.order.iter().copied().chain(inputs) {
                            let default = self.compiler.default_of(pattern.fact_type, field)?;
                            order.push((field, default));
                        }
                        let after_node = scope.intro.get(&next.after).copied();
                        sequence_reads = order.iter().map(|(field, _)| *field).collect();
                        // Where the `after` fact stands depends on every field in the
                        // order: a change of any must re-link its successor.
                        if let Some(at) = after_node {
                            self.net.nodes[at].add_match_reads(&sequence_reads);
                        }
                        NodeKind::Next(Next {
                            after: slot_of(&scope.names, next.after)?,
                            order,
                            join,
                        })
                    }
                    None => NodeKind::Join(join),
                };
                scope.node = self.node(scope.node, kind, rule, spans);
                self.net.nodes[scope.node].add_match_reads(&sequence_reads);
                scope.intro.insert(pattern.binding, scope.node);
                scope.frame += 1;
            }
            Condition::Absent(pattern) | Condition::Exists(pattern) => {
                let (join, spans) = self.join(rule, pattern, scope)?;
                let kind = if matches!(condition, Condition::Absent(_)) {
                    NodeKind::Not(join)
                } else {
                    NodeKind::Exists(join)
                };
                scope.node = self.node(scope.node, kind, rule, spans);
                scope.intro.insert(pattern.binding, scope.node);
            }
            Condition::Accumulate(accumulate) => {
                let (join, mut spans) = self.join(rule, &accumulate.pattern, scope)?;
                let value = accumulate
                    .value
                    .as_ref()
                    .map(|v| self.compiler.expr(v, &mut scope.names))
                    .transpose()?;
                let default = accumulate
                    .default
                    .as_ref()
                    .map(|d| self.compiler.expr(d, &mut scope.names))
                    .transpose()?;
                spans.extend(accumulate.value.as_ref().map(|v| v.span));
                spans.extend(accumulate.default.as_ref().map(|d| d.span));
                let kind = NodeKind::Accumulate(Accumulate {
                    join,
                    op: accumulate.op,
                    value,
                    default,
                });
                scope.node = self.node(scope.node, kind, rule, spans);
                scope.intro.insert(accumulate.pattern.binding, scope.node);
                scope.names.place(accumulate.var, Place::Slot(scope.frame));
                scope.frame += 1;
            }
            Condition::Expand(expand) => {
                let source = self.compiler.expr(&expand.source, &mut scope.names)?;
                let spans = vec![expand.source.span];
                scope.node = self.node(scope.node, NodeKind::Expand(source), rule, spans);
                scope.names.bind(expand.binding, scope.frame, None);
                scope.frame += 1;
            }
            Condition::Let(l) => {
                let value = self.compiler.expr(&l.value, &mut scope.names)?;
                let spans = vec![l.value.span];
                scope.node = self.node(scope.node, NodeKind::Let(value), rule, spans);
                scope.names.place(l.var, Place::Slot(scope.frame));
                scope.frame += 1;
            }
            Condition::Guard(test) => {
                let code = self.compiler.expr(test, &mut scope.names)?;
                let spans = vec![test.span];
                scope.node = self.node(scope.node, NodeKind::Guard(code), rule, spans);
            }
        }
        Ok(())
    }

    /// The memory and the compiled joins of a pattern whose fact takes the next frame
    /// position, with the joins' spans in the order of [`NodeKind::codes`]; its binding is
    /// in scope afterwards.
    fn join(
        &mut self,
        rule: &Rule,
        pattern: &Pattern,
        scope: &mut Scope,
    ) -> Result<(Join, Vec<Span>), CompileError> {
        let memory = self.memory(rule, pattern)?;
        let slot = scope.frame;
        scope
            .names
            .bind(pattern.binding, slot, Some(pattern.fact_type));
        let (mut keys, mut key_spans) = (Vec::new(), Vec::new());
        let (mut residual, mut residual_spans) = (Vec::new(), Vec::new());
        for join in &pattern.joins {
            match self.key(join, slot, &mut scope.names)? {
                Some(key) => {
                    keys.push(key);
                    key_spans.extend([join.span, join.span]);
                }
                None => {
                    residual.push(self.compiler.expr(join, &mut scope.names)?);
                    residual_spans.push(join.span);
                }
            }
        }
        key_spans.extend(residual_spans);
        let join = Join {
            memory,
            slot,
            keys,
            residual,
        };
        Ok((join, key_spans))
    }

    /// `left == right` as an index key, when one side reads only the joined fact and the
    /// other never does.
    fn key(
        &mut self,
        join: &Expr,
        slot: u16,
        names: &mut Names,
    ) -> Result<Option<(Code, Code)>, CompileError> {
        let ExprKind::Binary {
            op: BinaryOp::Eq,
            left,
            right,
        } = &join.kind
        else {
            return Ok(None);
        };
        let (left, right) = (
            self.compiler.expr(left, names)?,
            self.compiler.expr(right, names)?,
        );
        let only_fact =
            |code: &Code| code.reads_any(&|s| s == slot) && !code.reads_any(&|s| s != slot);
        let no_fact = |code: &Code| !code.reads_any(&|s| s == slot);
        Ok(if no_fact(&left) && only_fact(&right) {
            Some((left, right))
        } else if only_fact(&left) && no_fact(&right) {
            Some((right, left))
        } else {
            None
        })
    }

    /// The shared memory of a pattern's single-fact tests.
    fn memory(&mut self, rule: &Rule, pattern: &Pattern) -> Result<MemoryId, CompileError> {
        let mut names = Names::default();
        names.bind(pattern.binding, 0, Some(pattern.fact_type));
        let mut tests = Vec::with_capacity(pattern.tests.len());
        for test in &pattern.tests {
            let code = self.compiler.expr(&test.expr, &mut names)?;
            let id = self.test(pattern.fact_type, code);
            let users = &mut self.net.tests[id].users;
            if !users.iter().any(|(user, _)| *user == rule.id) {
                users.push((rule.id, test.expr.span));
            }
            tests.push(id);
        }
        tests.sort_unstable();
        tests.dedup();
        let key = (pattern.fact_type, tests.clone());
        if let Some(&memory) = self.memories.get(&key) {
            return Ok(memory);
        }
        let id = self.net.memories.len();
        self.net.memories.push(Memory {
            tests,
            successors: Vec::new(),
        });
        self.net.types[pattern.fact_type.index()].memories.push(id);
        self.memories.insert(key, id);
        Ok(id)
    }

    fn test(&mut self, fact_type: FactTypeId, code: Code) -> TestId {
        let key = format!("{fact_type:?} {code:?}");
        if let Some(&test) = self.tests.get(&key) {
            return test;
        }
        let mut reads = Vec::new();
        code.fields_read(0, &mut reads);
        let id = self.net.tests.len();
        self.net.tests.push(AlphaTest {
            code,
            reads,
            users: Vec::new(),
            decided: Decided::EveryFact,
        });
        self.net.types[fact_type.index()].tests.push(id);
        self.tests.insert(key, id);
        id
    }

    /// The child of `parent` that does `kind`: an existing one that does the same, or a
    /// new one; `spans` are where `rule` wrote the node's code.
    fn node(&mut self, parent: NodeId, kind: NodeKind, rule: &Rule, spans: Vec<Span>) -> NodeId {
        let signature = format!("{kind:?}");
        if let Some(&existing) = self.shared.get(&(parent, signature.clone())) {
            let node = &mut self.net.nodes[existing];
            node.stratum = node.stratum.min(rule.stratum);
            node.users.push((rule.id, spans));
            return existing;
        }
        let id = self.net.nodes.len();
        let memory = match &kind {
            NodeKind::Join(join) | NodeKind::Not(join) | NodeKind::Exists(join) => {
                Some(join.memory)
            }
            NodeKind::Accumulate(a) => Some(a.join.memory),
            NodeKind::Next(n) => Some(n.join.memory),
            _ => None,
        };
        if let Some(memory) = memory {
            self.net.memories[memory].successors.push(id);
        }
        self.net.nodes.push(Node {
            parent: Some(parent),
            children: Vec::new(),
            kind,
            stratum: rule.stratum,
            reads: Vec::new(),
            match_reads: Vec::new(),
            regroup_reads: Vec::new(),
            users: vec![(rule.id, spans)],
        });
        self.net.nodes[parent].children.push(id);
        self.shared.insert((parent, signature), id);
        id
    }

    /// Records, on the node that brought in each fact binding, every field of it the rule
    /// reads anywhere, and which of those reads can change the rule's matches; returns
    /// them all, for [`RuleNet::reads`].
    fn record_reads(
        &mut self,
        rule: &Rule,
        intro: &HashMap<BindingId, NodeId>,
    ) -> Vec<(NodeId, FieldId)> {
        let mut all = Vec::new();
        let grouped = rule.group.is_some();
        let matching = rule.match_exprs().into_iter().map(|expr| (expr, true));
        let acting = rule.actions.iter().flat_map(|action| action.exprs());
        for (expr, decides) in matching.chain(acting.map(|expr| (expr, grouped))) {
            expr.walk(&mut |node| {
                if let ExprKind::Field { binding, field } = node.kind
                    && let Some(&at) = intro.get(&binding)
                {
                    let node = &mut self.net.nodes[at];
                    if decides {
                        node.add_match_reads(&[field]);
                    } else {
                        add_reads(&mut node.reads, &[field]);
                    }
                    if !all.contains(&(at, field)) {
                        all.push((at, field));
                    }
                }
            });
        }
        all
    }
}

impl Node {
    /// Records fields of the node's fact that decide matches.
    fn add_match_reads(&mut self, fields: &[FieldId]) {
        add_reads(&mut self.reads, fields);
        add_reads(&mut self.match_reads, fields);
    }
}

fn add_reads(reads: &mut Vec<FieldId>, fields: &[FieldId]) {
    for field in fields {
        if !reads.contains(field) {
            reads.push(*field);
        }
    }
}

fn slot_of(names: &Names, binding: BindingId) -> Result<u16, CompileError> {
    names
        .bindings
        .get(binding.index())
        .copied()
        .flatten()
        .map(|(slot, _)| slot)
        .ok_or_else(|| CompileError(format!("binding {} is not in scope", binding.index())))
}

fn fact_type_of(rule: &Rule, binding: BindingId) -> Option<FactTypeId> {
    match rule.binding(binding).kind {
        reckon_rule_ir::BindingKind::Fact(fact_type) => Some(fact_type),
        reckon_rule_ir::BindingKind::Value(_) => None,
    }
}

/// For an ungrouped rule, where in condition order each part of its key is, taken in
/// binding order; empty when the two orders agree.
fn key_order(rule: &Rule) -> Vec<usize> {
    if rule.group.is_some() {
        return Vec::new();
    }
    let keyed: Vec<BindingId> = rule
        .conditions
        .iter()
        .filter_map(|condition| match condition {
            Condition::Match(pattern) => Some(pattern.binding),
            Condition::Expand(expand) => Some(expand.binding),
            _ => None,
        })
        .collect();
    let mut order: Vec<usize> = (0..keyed.len()).collect();
    order.sort_by_key(|&at| keyed[at]);
    if order.iter().enumerate().all(|(i, &at)| i == at) {
        return Vec::new();
    }
    order
}
