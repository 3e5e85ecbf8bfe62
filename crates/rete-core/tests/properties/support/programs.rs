//! Random programs in the IR text form, valid by construction. Rules are made in order, and
//! each reads only what earlier rules write (or input): it matches input types and the
//! types earlier rules emit, and reads derived fields earlier rules set. A rule starts
//! writing only what no rule reads yet: a new or unread emitted type, a new or unread
//! derived field (a second setter takes a priority of its own). So the rule graph has no
//! cycle through `no`, `exists`, accumulations or grouping, no rule sets what it reads, and
//! no two rules set one field at one priority; nor are there recursive rules, since a rule
//! that matches what it emits need not reach a fixpoint.
//!
//! State rules (`update`, `retract`) read only input fields, positively, so that whatever
//! reads what they change cannot be read back by them.

use reckon_fact_store::ValueType;

use super::exprs::Item;
use super::schema::{self, FactType, SCALARS, literal};
use super::{Config, Tape};

/// A generated program's text, and how many of its fact types (the first ones) are input.
pub(crate) struct Draft {
    /// The program in the text form.
    pub(crate) text: String,
    /// The input fact types are the first `inputs` declared.
    pub(crate) inputs: usize,
}

/// The program being generated: the fact types so far, and the choices to draw from.
pub(crate) struct Gen<'a, 'c> {
    /// The choices.
    pub(crate) tape: &'a mut Tape<'c>,
    /// Every fact type so far, input types first.
    pub(crate) types: Vec<FactType>,
    /// The schema has lists, and rules may expand them.
    lists: bool,
}

/// The rule being generated.
struct Rule {
    index: usize,
    lines: Vec<String>,
    /// What its conditions bound so far.
    scope: Vec<Item>,
    /// The `match` bindings, with their fact types.
    matches: Vec<(String, usize)>,
    names: usize,
}

impl Rule {
    fn fresh(&mut self, prefix: &str) -> String {
        self.names += 1;
        format!("{prefix}{}", self.names - 1)
    }
}

/// What an action will do, decided before its values are made.
enum Plan {
    Emit(usize, Option<(String, usize)>),
    Set(String, usize, usize),
    Alert,
}

/// A program for `config`, drawn from `tape`.
pub(crate) fn generate(tape: &mut Tape<'_>, config: &Config) -> Draft {
    let lists = tape.chance(config.list_percent);
    let state = tape.chance(config.state_percent);
    let types = schema::inputs(tape, lists);
    let inputs = types.len();
    let mut draft = Gen { tape, types, lists };
    let count = 1 + draft.tape.below(config.max_rules);
    let mut state_rules = if state { 1 + draft.tape.below(2) } else { 0 };
    let mut rules = Vec::new();
    for index in 0..count {
        let left = count - index;
        let is_state = state_rules > 0 && (left <= state_rules || draft.tape.chance(35));
        if is_state {
            state_rules -= 1;
            rules.push(draft.state_rule(index));
        } else {
            rules.push(draft.rule(index));
        }
    }
    let declarations: Vec<String> = draft.types.iter().map(FactType::declaration).collect();
    let text = format!("{}\n{}", declarations.join("\n"), rules.join("\n"));
    Draft { text, inputs }
}

impl Gen<'_, '_> {
    /// The fields of `fact` bound as `binding` (without derived fields for a state rule).
    fn fields(&self, binding: &str, fact: usize, state: bool) -> Vec<Item> {
        let fields = self.types[fact].fields.iter().enumerate();
        fields
            .filter(|(_, field)| !(state && field.derived))
            .map(|(position, field)| Item {
                text: format!("{binding}.{}", field.name),
                ty: field.ty.clone(),
                slot: Some((fact, position)),
            })
            .collect()
    }

    /// A fact type to match: an input type, or (not in a state rule) an emitted one.
    fn fact_type(&mut self, state: bool) -> usize {
        let inputs = self.types.iter().filter(|t| t.input).count();
        let emitted = self.types.len() - inputs;
        let fact = match !state && emitted > 0 && self.tape.chance(50) {
            true => inputs + self.tape.below(emitted),
            false => self.tape.below(inputs),
        };
        self.types[fact].read = true;
        fact
    }

    /// A `match` (or `next`) pattern with its tests and joins.
    fn pattern(&mut self, r: &mut Rule, state: bool) {
        let fact = self.fact_type(state);
        let binding = r.fresh("p");
        let name = self.types[fact].name.clone();
        let after = r.matches.iter().rev().find(|(_, t)| *t == fact).cloned();
        match after.filter(|_| self.tape.chance(20)) {
            Some((after, _)) => {
                let inputs: Vec<usize> = (0..self.types[fact].fields.len())
                    .filter(|f| !self.types[fact].fields[*f].derived)
                    .collect();
                let mut order = Vec::new();
                for _ in 0..1 + self.tape.below(2) {
                    let field = &mut self.types[fact].fields[*self.tape.pick(&inputs)];
                    field.read = true;
                    if !order.contains(&field.name) {
                        order.push(field.name.clone());
                    }
                }
                let order = order.join(", ");
                r.lines.push(format!(
                    "  next {binding}: {name} after {after} by ({order})"
                ));
            }
            None => r.lines.push(format!("  match {binding}: {name}")),
        }
        let own = self.fields(&binding, fact, state);
        self.filters(r, &own, if r.scope.is_empty() { 0 } else { 90 });
        r.scope.extend(own);
        r.matches.push((binding, fact));
    }

    /// Up to two tests of a pattern's own fields, and (with `join_percent` chance) one or
    /// two joins with what the rule bound before.
    fn filters(&mut self, r: &mut Rule, own: &[Item], join_percent: usize) {
        for _ in 0..self.tape.below(3) {
            let test = self.condition(own, 1);
            r.lines.push(format!("    test {test}"));
        }
        if !self.tape.chance(join_percent) {
            return;
        }
        for _ in 0..1 + usize::from(self.tape.chance(25)) {
            if let Some(join) = self.join(own, &r.scope) {
                r.lines.push(format!("    join {join}"));
            }
        }
    }

    /// A `no`, `exists` or accumulation over an input or earlier emitted type.
    fn local(&mut self, r: &mut Rule, kind: usize) {
        let fact = self.fact_type(false);
        let binding = r.fresh("q");
        let name = &self.types[fact].name;
        let own = self.fields(&binding, fact, false);
        let mut var = None;
        match kind {
            0 => r.lines.push(format!("  no {binding}: {name}")),
            1 => r.lines.push(format!("  exists {binding}: {name}")),
            _ => {
                let name = name.clone();
                let (call, ty) = self.aggregate(&own);
                let default = match ty {
                    ValueType::List(_) => String::new(),
                    _ if self.tape.chance(40) => format!(" default {}", literal(self.tape, &ty)),
                    _ => String::new(),
                };
                let v = r.fresh("v");
                r.lines.push(format!(
                    "  accumulate {binding}: {name} into {v}: {ty} = {call}{default}"
                ));
                var = Some(Item::var(&v, ty));
            }
        }
        self.filters(r, &own, 80);
        r.scope.extend(var);
    }

    /// `expand` of a list in scope, or of a list of ints made on the spot.
    fn expand(&mut self, r: &mut Rule) {
        let lists: Vec<Item> = r
            .scope
            .iter()
            .filter(|item| matches!(item.ty, ValueType::List(_)))
            .cloned()
            .collect();
        let (source, element) = match lists.is_empty() || self.tape.chance(25) {
            true => {
                let first = self.expr(&r.scope, &ValueType::Int, 1);
                let second = self.expr(&r.scope, &ValueType::Int, 1);
                (format!("[{first}, {second}]"), ValueType::Int)
            }
            false => {
                let list = &lists[self.tape.below(lists.len())];
                let ValueType::List(element) = &list.ty else {
                    unreachable!("only lists were kept")
                };
                ((self.read(list)), (**element).clone())
            }
        };
        let binding = r.fresh("e");
        r.lines
            .push(format!("  expand {binding}: {element} in {source}"));
        r.scope.push(Item::var(&binding, element));
    }

    /// A rule that derives: patterns, other conditions, maybe a grouping, and actions.
    fn rule(&mut self, index: usize) -> String {
        let mut r = Rule {
            index,
            lines: Vec::new(),
            scope: Vec::new(),
            matches: Vec::new(),
            names: 0,
        };
        let patterns = *self.tape.pick(&[1, 1, 1, 2, 2, 3]);
        for _ in 0..patterns {
            self.pattern(&mut r, false);
        }
        for _ in 0..self.tape.below(4) {
            match self.tape.below(if self.lists { 7 } else { 6 }) {
                kind @ 0..=2 => self.local(&mut r, kind),
                3 => {
                    let (v, ty) = (r.fresh("v"), self.tape.pick(&SCALARS).clone());
                    let value = self.expr(&r.scope, &ty, 2);
                    r.lines.push(format!("  let {v}: {ty} = {value}"));
                    r.scope.push(Item::var(&v, ty));
                }
                4 | 5 => {
                    let test = self.condition(&r.scope, 1);
                    r.lines.push(format!("  when {test}"));
                }
                _ => self.expand(&mut r),
            }
        }
        let (scope, targets, members) = match self.tape.chance(25) {
            true => self.group(&mut r),
            false => (r.scope.clone(), r.matches.clone(), Vec::new()),
        };
        let priority = self.actions(&mut r, scope, &targets, &members);
        finish(&r, priority)
    }

    /// `group by` with keys, aggregates and maybe a `having` test and a `let`; returns what
    /// is in scope after it, the fact keys (which actions may set), and the other matches
    /// (members a per-member emit may name).
    #[allow(clippy::type_complexity)]
    fn group(&mut self, r: &mut Rule) -> (Vec<Item>, Vec<(String, usize)>, Vec<(String, usize)>) {
        r.lines.push("  group by".to_string());
        let (mut scope, mut kept, mut members) = (Vec::new(), Vec::new(), Vec::new());
        let fact_key = self.tape.chance(40);
        for (position, (binding, fact)) in r.matches.iter().enumerate() {
            if fact_key && position == 0 {
                r.lines.push(format!("    key {binding}"));
                scope.extend(self.fields(binding, *fact, false));
                kept.push((binding.clone(), *fact));
            } else {
                members.push((binding.clone(), *fact));
            }
        }
        let keys = self.tape.below(3).max(usize::from(!fact_key));
        for _ in 0..keys {
            let (v, ty) = (r.fresh("v"), self.scalar_type(&r.scope));
            let value = self.expr(&r.scope, &ty, 1);
            r.lines.push(format!("    key {v}: {ty} = {value}"));
            scope.push(Item::var(&v, ty));
        }
        for _ in 0..1 + self.tape.below(2) {
            let v = r.fresh("v");
            let (call, ty) = self.aggregate(&r.scope);
            r.lines.push(format!("    aggregate {v}: {ty} = {call}"));
            scope.push(Item::var(&v, ty));
        }
        if self.tape.chance(50) {
            let test = self.condition(&scope, 1);
            r.lines.push(format!("    when {test}"));
        }
        if self.tape.chance(25) {
            let (v, ty) = (r.fresh("v"), self.tape.pick(&SCALARS).clone());
            let value = self.expr(&scope, &ty, 1);
            r.lines.push(format!("    let {v}: {ty} = {value}"));
            scope.push(Item::var(&v, ty));
        }
        (scope, kept, members)
    }

    /// One to three actions; returns the rule's priority, chosen apart from that of every
    /// other rule that sets a field this one sets.
    fn actions(
        &mut self,
        r: &mut Rule,
        mut scope: Vec<Item>,
        targets: &[(String, usize)],
        members: &[(String, usize)],
    ) -> i32 {
        let mut plans = Vec::new();
        for _ in 0..1 + self.tape.below(2) + usize::from(self.tape.chance(15)) {
            let plan = match self.tape.below(10) {
                0..=3 => self.plan_emit(&scope, members),
                4..=6 if !targets.is_empty() => self.plan_set(targets, &plans),
                _ => Plan::Alert,
            };
            plans.push(plan);
        }
        let mut priority = *self.tape.pick(&[0, 0, 0, 1, 2, -1]);
        let set: Vec<(usize, usize)> = plans
            .iter()
            .filter_map(|plan| match plan {
                Plan::Set(_, fact, field) => Some((*fact, *field)),
                _ => None,
            })
            .collect();
        while set
            .iter()
            .any(|(fact, field)| self.types[*fact].fields[*field].setters.contains(&priority))
        {
            priority += 1;
        }
        for (fact, field) in &set {
            self.types[*fact].fields[*field].setters.push(priority);
        }
        scope.retain(|item| item.slot.is_none_or(|slot| !set.contains(&slot)));
        for plan in plans {
            let line = match plan {
                Plan::Emit(fact, member) => self.emit(&scope, fact, member, &set),
                Plan::Set(binding, fact, field) => {
                    let ty = self.types[fact].fields[field].ty.clone();
                    let value = self.expr(&scope, &ty, 1);
                    let name = &self.types[fact].fields[field].name;
                    format!("  set {binding}.{name} = {value}")
                }
                Plan::Alert => format!("  alert {}", self.message(&scope, r.index)),
            };
            r.lines.push(line);
        }
        priority
    }

    /// An emit into an emitted type no rule reads yet, or into a new one; per member of a
    /// group sometimes.
    fn plan_emit(&mut self, scope: &[Item], members: &[(String, usize)]) -> Plan {
        let member = match members.is_empty() || !self.tape.chance(25) {
            true => None,
            false => Some(members[self.tape.below(members.len())].clone()),
        };
        let unread: Vec<usize> = (0..self.types.len())
            .filter(|t| !self.types[*t].input && !self.types[*t].read)
            .collect();
        if !unread.is_empty() && self.tape.chance(30) {
            return Plan::Emit(unread[self.tape.below(unread.len())], member);
        }
        let mut fact = FactType {
            name: format!("out{}", self.types.len() - self.inputs()),
            input: false,
            fields: Vec::new(),
            read: false,
        };
        for _ in 0..1 + self.tape.below(3) {
            let position = fact.add_field(self.scalar_type(scope), false);
            fact.fields[position].optional = self.tape.chance(60);
        }
        self.types.push(fact);
        Plan::Emit(self.types.len() - 1, member)
    }

    fn inputs(&self) -> usize {
        self.types.iter().filter(|t| t.input).count()
    }

    /// A set of a derived field of one of `targets` that no rule reads yet (and this rule
    /// does not set already), or of a new one.
    fn plan_set(&mut self, targets: &[(String, usize)], plans: &[Plan]) -> Plan {
        let (binding, fact) = targets[self.tape.below(targets.len())].clone();
        let taken = |field: usize| {
            plans
                .iter()
                .any(|plan| matches!(plan, Plan::Set(_, f, p) if *f == fact && *p == field))
        };
        let free: Vec<usize> = (0..self.types[fact].fields.len())
            .filter(|f| {
                let field = &self.types[fact].fields[*f];
                field.derived && !field.read && !taken(*f)
            })
            .collect();
        if !free.is_empty() && self.tape.chance(75) {
            return Plan::Set(binding, fact, free[self.tape.below(free.len())]);
        }
        let ty = self.tape.pick(&SCALARS).clone();
        let field = self.types[fact].add_field(ty.clone(), true);
        if self.tape.chance(20) {
            self.types[fact].fields[field].default = Some(literal(self.tape, &ty));
        }
        Plan::Set(binding, fact, field)
    }

    /// An emit whose values read `scope` (and a per-member emit's member), never a field
    /// the rule sets (`set`).
    fn emit(
        &mut self,
        scope: &[Item],
        fact: usize,
        member: Option<(String, usize)>,
        set: &[(usize, usize)],
    ) -> String {
        let mut scope = scope.to_vec();
        let mut head = format!("  emit {}", self.types[fact].name);
        if let Some((binding, member_fact)) = &member {
            let fields = self.fields(binding, *member_fact, false);
            scope.extend(
                fields
                    .into_iter()
                    .filter(|item| item.slot.is_none_or(|slot| !set.contains(&slot))),
            );
            head.push_str(&format!(" for each ({binding})"));
        }
        let mut values = Vec::new();
        for position in 0..self.types[fact].fields.len() {
            let field = &self.types[fact].fields[position];
            if field.derived || field.optional && self.tape.chance(15) {
                continue;
            }
            let (name, ty) = (field.name.clone(), field.ty.clone());
            values.push(format!("{name}: {}", self.expr(&scope, &ty, 1)));
        }
        format!("{head} {{ {} }}", values.join(", "))
    }

    /// A state rule: patterns over input types, then an update or retraction of a matched
    /// fact (the update often guarded so that it stops once done), and maybe an alert.
    fn state_rule(&mut self, index: usize) -> String {
        let mut r = Rule {
            index,
            lines: Vec::new(),
            scope: Vec::new(),
            matches: Vec::new(),
            names: 0,
        };
        for _ in 0..1 + self.tape.below(2) {
            self.pattern(&mut r, true);
        }
        if self.tape.chance(30) {
            let test = self.condition(&r.scope, 1);
            r.lines.push(format!("  when {test}"));
        }
        let (binding, fact) = r.matches[self.tape.below(r.matches.len())].clone();
        let fields: Vec<usize> = (0..self.types[fact].fields.len())
            .filter(|f| SCALARS.contains(&self.types[fact].fields[*f].ty))
            .filter(|f| !self.types[fact].fields[*f].derived)
            .collect();
        let action = match fields.is_empty() || self.tape.chance(40) {
            true => format!("  retract {binding}"),
            false => {
                let mut values = Vec::new();
                let mut changed = Vec::new();
                for _ in 0..1 + self.tape.below(2) {
                    let field = fields[self.tape.below(fields.len())];
                    if changed.contains(&field) {
                        continue;
                    }
                    changed.push(field);
                    let ty = self.types[fact].fields[field].ty.clone();
                    let value = match self.tape.chance(70) {
                        true => literal(self.tape, &ty),
                        false => self.expr(&r.scope, &ty, 1),
                    };
                    let name = &self.types[fact].fields[field].name;
                    if values.is_empty() && self.tape.chance(50) {
                        r.lines
                            .push(format!("  when ({binding}.{name} != {value})"));
                    }
                    values.push(format!("{name}: {value}"));
                }
                format!("  update {binding} {{ {} }}", values.join(", "))
            }
        };
        r.lines.push(action);
        if self.tape.chance(30) {
            let scope = r.scope.clone();
            r.lines
                .push(format!("  alert {}", self.message(&scope, index)));
        }
        finish(&r, *self.tape.pick(&[0, 0, 1, 2, -1, 5]))
    }
}

/// The rule's text.
fn finish(r: &Rule, priority: i32) -> String {
    let priority = match priority {
        0 => String::new(),
        p => format!(" priority {p}"),
    };
    format!(
        "rule r{0} \"rule {0}\"{priority} {{\n{1}\n}}\n",
        r.index,
        r.lines.join("\n")
    )
}
