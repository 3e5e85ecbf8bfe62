//! Why a rule did not fire on a fact. The network keeps no trace of matches it never made,
//! so the question is answered the reference evaluator's way: the rule's conditions are
//! tried in order by nested loops over the store, with the fact in its place, counting the
//! partial matches each condition lets through, until one lets none through; that
//! condition, the test in it that stopped the last candidates, and the values it compared
//! are the answer.

use reckon_fact_store::{FactId, FactStore, Value};
use reckon_rule_ir::ops::Cell;
use reckon_rule_ir::{BindingId, Condition, Expr, ExprKind, Pattern, Rule, RuleId, Span};

use super::matches::split_joins;
use super::{Bound, Env, Oracle};
use crate::options::RunOptions;

/// How many partial matches a step keeps: past this the count is a lower bound.
const MAX_PARTIAL_MATCHES: usize = 100_000;
/// How many partial matches are searched for the one that got furthest.
const MAX_ENVS_SEARCHED: usize = 1_000;

/// The answer to "why did `rule` not fire on `fact`?".
#[derive(Debug, Clone, PartialEq)]
pub struct WhyNot {
    /// The rule asked about.
    pub rule: RuleId,
    /// The fact asked about.
    pub fact: FactId,
    /// The binding the fact was tried as; `None` when no pattern of the rule matches facts
    /// of its type.
    pub binding: Option<BindingId>,
    /// The conditions tried, in order, each with the partial matches it let through.
    pub steps: Vec<Step>,
    /// What stopped the fact, if anything did.
    pub blocked: Option<Blocked>,
}

/// One condition tried.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    /// The condition's text (for a group's `having` conditions, after the group).
    pub span: Span,
    /// The partial matches that got through it (at least this many, when `capped`).
    pub matches: usize,
    /// True when there were more partial matches than were followed.
    pub capped: bool,
}

/// The condition that let no partial match through.
#[derive(Debug, Clone, PartialEq)]
pub struct Blocked {
    /// The condition.
    pub condition: Span,
    /// What stopped the candidates.
    pub reason: Reason,
    /// The values the failing test or join compared, for the first partial match that
    /// reached the condition: each field or named value it reads, and its value.
    pub compared: Vec<(String, String)>,
}

/// Why a condition let nothing through.
#[derive(Debug, Clone, PartialEq)]
pub enum Reason {
    /// The test at `test` did not hold.
    Test {
        /// The test.
        test: Span,
    },
    /// No fact of the pattern's type exists.
    NoFacts,
    /// Of `candidates` facts of the pattern's type, none passed the test at `test` (the
    /// furthest any got, tests first, then joins); `passed_tests` passed all single-fact
    /// tests.
    NoCandidate {
        /// The test or join where the furthest candidates failed.
        test: Span,
        /// Facts of the pattern's type.
        candidates: usize,
        /// Of them, those that passed all single-fact tests.
        passed_tests: usize,
    },
    /// A `no` pattern found these facts.
    Present {
        /// The facts that match the `no` pattern.
        facts: Vec<FactId>,
    },
    /// The list to expand is empty (or missing).
    EmptyList,
    /// No fact follows in the sequence.
    NoSuccessor,
    /// An expression failed to evaluate.
    Error {
        /// The expression.
        at: Span,
        /// What went wrong.
        message: String,
    },
}

/// Tries `rule` with `fact` in place of each of its patterns of the fact's type, and
/// answers with the try that got furthest (the first pattern on a tie). The store is read
/// as it is (after a run, with what rules derived); nothing in it changes.
pub fn why_not<S: FactStore>(
    program: &reckon_rule_ir::Program,
    store: &mut S,
    rule: RuleId,
    fact: FactId,
) -> WhyNot {
    let mut oracle = Oracle::new(program, store, RunOptions::default());
    let rule_ir = &program.rules[rule.index()];
    let mut best: Option<WhyNot> = None;
    for (at, condition) in rule_ir.conditions.iter().enumerate() {
        let Condition::Match(pattern) = condition else {
            continue;
        };
        if pattern.fact_type != fact.fact_type() || pattern.next.is_some() {
            continue;
        }
        let answer = oracle.trace(rule_ir, at, fact);
        let further = best.as_ref().is_none_or(|best| {
            best.blocked.is_some()
                && (answer.blocked.is_none() || answer.steps.len() > best.steps.len())
        });
        if further {
            best = Some(answer);
        }
    }
    best.unwrap_or(WhyNot {
        rule,
        fact,
        binding: None,
        steps: Vec::new(),
        blocked: None,
    })
}

impl<'p, S: FactStore> Oracle<'p, S> {
    /// The trace of `rule` with `fact` bound by the pattern at `at`.
    fn trace(&mut self, rule: &'p Rule, at: usize, fact: FactId) -> WhyNot {
        let Condition::Match(own) = &rule.conditions[at] else {
            unreachable!("traces start at a pattern");
        };
        let mut answer = WhyNot {
            rule: rule.id,
            fact,
            binding: Some(own.binding),
            steps: Vec::new(),
            blocked: None,
        };
        let mut envs = vec![Env::new(rule)];
        for (index, condition) in rule.conditions.iter().enumerate() {
            let only = (index == at).then_some(fact);
            let (next, blocked) = self.step(rule, condition, &envs, only);
            answer.steps.push(Step {
                span: condition_span(condition),
                matches: next.len(),
                capped: next.len() >= MAX_PARTIAL_MATCHES,
            });
            if next.is_empty() {
                answer.blocked = blocked;
                return answer;
            }
            envs = next;
        }
        if let Some(group) = &rule.group {
            self.trace_group(rule, group, &envs, &mut answer);
        }
        answer
    }

    /// After the conditions: the groups the fact's matches fall in, through the group's
    /// own conditions.
    fn trace_group(
        &mut self,
        rule: &'p Rule,
        group: &'p reckon_rule_ir::Group,
        ours: &[Env],
        answer: &mut WhyNot,
    ) {
        let mut all = Vec::new();
        self.extend(rule, &rule.conditions, Env::new(rule), &mut all);
        let mut envs = Vec::new();
        for mine in ours {
            let Some(key) = self.group_key(rule, group, mine) else {
                continue;
            };
            let mut members = Vec::new();
            for env in &all {
                let theirs = self.group_key(rule, group, env);
                let interner = self.store.interner();
                if theirs.is_some_and(|k| super::key::same_parts(&k, &key, interner)) {
                    members.push(env.clone());
                }
            }
            if let Some(env) = self.group_env(rule, group, &key, &members) {
                envs.push(env);
            }
        }
        answer.steps.push(Step {
            span: group.span,
            matches: envs.len(),
            capped: false,
        });
        if envs.is_empty() {
            answer.blocked = Some(Blocked {
                condition: group.span,
                reason: Reason::Error {
                    at: group.span,
                    message: "an aggregate of the group failed to evaluate".into(),
                },
                compared: Vec::new(),
            });
            return;
        }
        for condition in &group.then {
            let (next, blocked) = self.step(rule, condition, &envs, None);
            answer.steps.push(Step {
                span: condition_span(condition),
                matches: next.len(),
                capped: false,
            });
            if next.is_empty() {
                answer.blocked = blocked;
                return;
            }
            envs = next;
        }
    }

    /// The partial matches `condition` lets through from `envs` (`only` restricting a
    /// pattern to one fact), and, when it lets none through, why.
    fn step(
        &mut self,
        rule: &'p Rule,
        condition: &'p Condition,
        envs: &[Env],
        only: Option<FactId>,
    ) -> (Vec<Env>, Option<Blocked>) {
        let mut next = Vec::new();
        for env in envs {
            if next.len() >= MAX_PARTIAL_MATCHES {
                break;
            }
            self.extend(
                rule,
                std::slice::from_ref(condition),
                env.clone(),
                &mut next,
            );
        }
        if let Some(fact) = only {
            let Condition::Match(pattern) = condition else {
                unreachable!("only patterns are restricted");
            };
            next.retain(|env| env.fact(pattern.binding) == Some(fact));
        }
        if !next.is_empty() {
            return (next, None);
        }
        let blocked = self.blocked(rule, condition, envs, only);
        (next, Some(blocked))
    }

    /// Why `condition` let none of `envs` through: for a pattern, the partial match and
    /// candidate fact that got furthest; otherwise the first partial match.
    fn blocked(
        &mut self,
        rule: &'p Rule,
        condition: &'p Condition,
        envs: &[Env],
        only: Option<FactId>,
    ) -> Blocked {
        let span = condition_span(condition);
        let env = &envs[0];
        let (reason, compared) = match condition {
            Condition::Match(pattern) if pattern.next.is_some() => {
                (Reason::NoSuccessor, Vec::new())
            }
            Condition::Match(pattern) => self.no_candidate(rule, pattern, envs, only),
            Condition::Exists(pattern) => self.no_candidate(rule, pattern, envs, None),
            Condition::Absent(pattern) => {
                let found = self.passing(rule, pattern, env, None).unwrap_or_default();
                let facts = found
                    .iter()
                    .filter_map(|env| env.fact(pattern.binding))
                    .collect();
                (Reason::Present { facts }, Vec::new())
            }
            Condition::Expand(expand) => match self.eval(&expand.source, env) {
                Err(failure) => (failed(failure.span, failure.message), Vec::new()),
                Ok(_) => (Reason::EmptyList, self.compared(rule, &expand.source, env)),
            },
            Condition::Accumulate(accumulate) => {
                let at = accumulate.span;
                let message = "a value to aggregate failed to evaluate".to_string();
                (failed(at, message), Vec::new())
            }
            Condition::Let(let_) => match self.eval(&let_.value, env) {
                Err(failure) => (failed(failure.span, failure.message), Vec::new()),
                Ok(_) => (failed(let_.span, "the value failed".into()), Vec::new()),
            },
            Condition::Guard(guard) => match self.holds(guard, env) {
                Err(failure) => (failed(failure.span, failure.message), Vec::new()),
                Ok(_) => (
                    Reason::Test { test: guard.span },
                    self.compared(rule, guard, env),
                ),
            },
        };
        Blocked {
            condition: span,
            reason,
            compared,
        }
    }

    /// Why no fact (or not `only`) joins any of `envs` through `pattern`: the test or join
    /// where the partial match and candidate that got furthest failed, and what it
    /// compared.
    fn no_candidate(
        &mut self,
        rule: &'p Rule,
        pattern: &'p Pattern,
        envs: &[Env],
        only: Option<FactId>,
    ) -> (Reason, Vec<(String, String)>) {
        let candidates: Vec<FactId> = match only {
            Some(fact) => vec![fact],
            None => self.store.ids(pattern.fact_type).collect(),
        };
        if candidates.is_empty() {
            return (Reason::NoFacts, Vec::new());
        }
        let (keys, others) = split_joins(pattern);
        let joins: Vec<&Expr> = keys.iter().map(|key| key.whole).chain(others).collect();
        let tests: Vec<&Expr> = pattern.tests.iter().map(|test| &test.expr).collect();
        // The candidate that passed the most checks (tests, then joins), over the first
        // partial matches; the first such on a tie.
        let mut furthest: Option<(usize, Env)> = None;
        let mut passed_tests = 0;
        for (at, env) in envs.iter().take(MAX_ENVS_SEARCHED).enumerate() {
            for id in &candidates {
                let candidate = env.with(pattern.binding, Bound::Fact(*id));
                let mut passed = 0;
                for check in tests.iter().chain(&joins) {
                    match self.holds(check, &candidate) {
                        Ok(true) => passed += 1,
                        Ok(false) => break,
                        Err(failure) => {
                            if only.is_some() && passed < tests.len() {
                                return (failed(failure.span, failure.message), Vec::new());
                            }
                            break;
                        }
                    }
                }
                if at == 0 {
                    passed_tests += usize::from(passed >= tests.len());
                }
                if furthest.as_ref().is_none_or(|(best, _)| passed > *best) {
                    furthest = Some((passed, candidate));
                }
            }
        }
        let (passed, candidate) = furthest.expect("there is a partial match and a candidate");
        let Some(check) = tests.iter().chain(&joins).nth(passed) else {
            // Every check held: the pattern failed on what follows its joins (a key that
            // is missing on the match's side joins nothing).
            let reason = Reason::Test { test: pattern.span };
            return (reason, Vec::new());
        };
        let mut compared = self.compared(rule, check, &candidate);
        if only.is_none() && passed >= tests.len() {
            // A join: the values of the match's side are what to look at; the candidate's
            // side differs from fact to fact.
            let own = rule.bindings[pattern.binding.index()].name.clone() + ".";
            compared.retain(|(name, _)| !name.starts_with(&own));
        }
        let reason = if only.is_some() {
            Reason::Test { test: check.span }
        } else {
            Reason::NoCandidate {
                test: check.span,
                candidates: candidates.len(),
                passed_tests,
            }
        };
        (reason, compared)
    }

    /// The fields and named values `expr` reads, with their values in `env`.
    fn compared(&mut self, rule: &Rule, expr: &Expr, env: &Env) -> Vec<(String, String)> {
        let mut reads: Vec<(String, &Expr)> = Vec::new();
        expr.walk(&mut |sub| {
            let name = match &sub.kind {
                ExprKind::Field { binding, field } => {
                    let Some(binding) = rule.bindings.get(binding.index()) else {
                        return;
                    };
                    let reckon_rule_ir::BindingKind::Fact(fact_type) = binding.kind else {
                        return;
                    };
                    let field = &self.program.fact(fact_type).fields[field.index()].name;
                    format!("{}.{field}", binding.name)
                }
                ExprKind::Var(var) => rule.vars[var.index()].name.clone(),
                ExprKind::Binding(binding) => rule.bindings[binding.index()].name.clone(),
                _ => return,
            };
            if !reads.iter().any(|(known, _)| *known == name) {
                reads.push((name, sub));
            }
        });
        let mut compared = Vec::new();
        for (name, sub) in reads {
            if let Ok(value) = self.eval_in(sub, env, None) {
                compared.push((name, shown(&value, self.store.interner())));
            }
        }
        compared
    }
}

fn failed(at: Span, message: String) -> Reason {
    Reason::Error { at, message }
}

fn shown(value: &Cell, interner: &reckon_fact_store::Interner) -> String {
    match value {
        None => "missing".into(),
        Some(Value::Null) => "null".into(),
        Some(value) => value.display(interner).to_string(),
    }
}

/// The text a condition was written as.
fn condition_span(condition: &Condition) -> Span {
    match condition {
        Condition::Match(pattern) | Condition::Absent(pattern) | Condition::Exists(pattern) => {
            pattern.span
        }
        Condition::Expand(expand) => expand.span,
        Condition::Accumulate(accumulate) => accumulate.span,
        Condition::Let(let_) => let_.span,
        Condition::Guard(guard) => guard.span,
    }
}
