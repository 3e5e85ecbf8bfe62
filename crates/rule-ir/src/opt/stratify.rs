//! Stratification. Invariant established: `program.strata` lists every rule exactly once;
//! each rule is in a stratum strictly above every rule it reads from, except rules that
//! read each other (directly or through others), which share one; each rule's `stratum` is
//! its position. Strata are as few as those constraints allow.
//!
//! So a rule fires only once everything it reads is complete: its tests, and the values it
//! writes into alerts, see final data, not a state part-way through another rule's work.
//! Rules that read each other are a recursive group and run together; a cycle through
//! `no`, `exists`, an accumulation or a grouping cannot, since such a read needs the other
//! side complete: [`cycles`] reports it, and this pass then leaves those rules in one
//! stratum.
//!
//! Rules are grouped into strongly connected components (Tarjan); the components are
//! ordered with Kahn's algorithm, each placed one stratum above the highest it reads.

use crate::deps::{Edge, edges};
use crate::diagnostic::{Code, Diagnostic};
use crate::ids::RuleId;
use crate::opt::{Changed, Ctx};
use crate::program::{Program, Stratum};

/// The pass's name.
pub const NAME: &str = "stratify";

/// Assigns strata.
pub fn run(program: &mut Program, _ctx: &Ctx) -> Changed {
    let edges = edges(program);
    let components = components(program.rules.len(), &edges);
    let mut component_of = vec![0; program.rules.len()];
    for (index, component) in components.iter().enumerate() {
        for rule in component {
            component_of[rule.index()] = index;
        }
    }
    // Kahn's algorithm over components: a component's level is one more than the highest
    // level of what it reads.
    let mut level = vec![0u32; components.len()];
    let mut waiting = vec![0usize; components.len()];
    let mut readers: Vec<Vec<usize>> = vec![Vec::new(); components.len()];
    for edge in &edges {
        let (reader, writer) = (
            component_of[edge.reader.index()],
            component_of[edge.writer.index()],
        );
        if reader != writer {
            waiting[reader] += 1;
            readers[writer].push(reader);
        }
    }
    let mut ready: std::collections::VecDeque<usize> =
        (0..components.len()).filter(|c| waiting[*c] == 0).collect();
    while let Some(component) = ready.pop_front() {
        for &reader in &readers[component] {
            level[reader] = level[reader].max(level[component] + 1);
            waiting[reader] -= 1;
            if waiting[reader] == 0 {
                ready.push_back(reader);
            }
        }
    }
    let strata_count = level.iter().max().map_or(0, |top| *top as usize + 1);
    let mut strata: Vec<Stratum> = (0..strata_count)
        .map(|_| Stratum {
            rules: Vec::new(),
            partition: None,
        })
        .collect();
    let mut changed = false;
    for rule in &mut program.rules {
        let stratum = level[component_of[rule.id.index()]];
        changed |= rule.stratum != stratum;
        rule.stratum = stratum;
        strata[stratum as usize].rules.push(rule.id);
    }
    changed |= program.strata.len() != strata.len()
        || program
            .strata
            .iter()
            .zip(&strata)
            .any(|(old, new)| old.rules != new.rules);
    program.strata = strata;
    Changed::from(changed)
}

/// The strongly connected components of the rule graph (Tarjan), each sorted by rule id,
/// in a deterministic order.
fn components(rules: usize, edges: &[Edge]) -> Vec<Vec<RuleId>> {
    let mut successors: Vec<Vec<usize>> = vec![Vec::new(); rules];
    for edge in edges {
        successors[edge.reader.index()].push(edge.writer.index());
    }
    struct State {
        index: Vec<Option<usize>>,
        low: Vec<usize>,
        on_stack: Vec<bool>,
        stack: Vec<usize>,
        next: usize,
        components: Vec<Vec<RuleId>>,
    }
    // Iterative Tarjan, so that long chains of rules cannot overflow the stack.
    let mut state = State {
        index: vec![None; rules],
        low: vec![0; rules],
        on_stack: vec![false; rules],
        stack: Vec::new(),
        next: 0,
        components: Vec::new(),
    };
    for root in 0..rules {
        if state.index[root].is_some() {
            continue;
        }
        let mut work: Vec<(usize, usize)> = vec![(root, 0)];
        state.index[root] = Some(state.next);
        state.low[root] = state.next;
        state.next += 1;
        state.stack.push(root);
        state.on_stack[root] = true;
        while let Some(&mut (node, ref mut child)) = work.last_mut() {
            if let Some(&next) = successors[node].get(*child) {
                *child += 1;
                match state.index[next] {
                    None => {
                        state.index[next] = Some(state.next);
                        state.low[next] = state.next;
                        state.next += 1;
                        state.stack.push(next);
                        state.on_stack[next] = true;
                        work.push((next, 0));
                    }
                    Some(index) if state.on_stack[next] => {
                        state.low[node] = state.low[node].min(index)
                    }
                    Some(_) => {}
                }
                continue;
            }
            work.pop();
            if let Some(&(parent, _)) = work.last() {
                state.low[parent] = state.low[parent].min(state.low[node]);
            }
            if Some(state.low[node]) == state.index[node] {
                let mut component = Vec::new();
                while let Some(member) = state.stack.pop() {
                    state.on_stack[member] = false;
                    component.push(RuleId::from_index(member));
                    if member == node {
                        break;
                    }
                }
                component.sort();
                state.components.push(component);
            }
        }
    }
    state.components
}

/// Every cycle through a strict read, as an E0010 diagnostic naming each rule on it.
pub fn cycles(program: &Program) -> Vec<Diagnostic> {
    let edges = edges(program);
    let mut diagnostics = Vec::new();
    for component in components(program.rules.len(), &edges) {
        let inside = |rule: RuleId| component.contains(&rule);
        let Some(strict) = edges
            .iter()
            .find(|e| e.strict && inside(e.reader) && inside(e.writer))
        else {
            continue;
        };
        let names: Vec<String> = component
            .iter()
            .map(|id| format!("\"{}\"", program.rule(*id).name))
            .collect();
        let message = if component.len() == 1 {
            format!(
                "rule {} reads, through `no` or `group by`, what it writes itself",
                names[0]
            )
        } else {
            format!(
                "rules {} depend on each other through `no` or `group by`",
                names.join(", ")
            )
        };
        let mut diagnostic = Diagnostic::new(Code::Unstratifiable, message, strict.read_at, "read here through `no` or `group by`")
            .with_secondary(strict.write_at, "written here")
            .with_help("no order can run these rules: each needs the others' complete output first; break the cycle");
        for rule in &component {
            diagnostic = diagnostic.with_secondary(
                program.rule(*rule).span,
                format!("rule \"{}\" is on the cycle", program.rule(*rule).name),
            );
        }
        diagnostics.push(diagnostic);
    }
    diagnostics
}
