//! What a network is made of: node counts by kind and how many nodes rules share, for
//! `reckon compile --emit network` and for the node budgets of the workload's phases.

use std::collections::BTreeMap;
use std::fmt;

use super::{Network, NodeKind};

/// Node counts of a network.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct NodeCounts {
    /// Beta nodes by kind (`join`, `not`, ..., `terminal`), the root left out.
    pub by_kind: BTreeMap<&'static str, usize>,
    /// Beta nodes that more than one rule goes through.
    pub shared: usize,
    /// Shared single-fact tests.
    pub alpha_tests: usize,
    /// Alpha memories.
    pub alpha_memories: usize,
}

impl NodeCounts {
    /// Every node: beta nodes, alpha tests and alpha memories.
    pub fn total(&self) -> usize {
        self.by_kind.values().sum::<usize>() + self.alpha_tests + self.alpha_memories
    }
}

pub(super) fn counts(network: &Network) -> NodeCounts {
    let mut users = vec![0usize; network.nodes.len()];
    for rule in &network.rules {
        let mut node = Some(rule.terminal);
        while let Some(at) = node {
            users[at] += 1;
            node = network.nodes[at].parent;
        }
    }
    let mut by_kind = BTreeMap::new();
    for node in network.nodes.iter().skip(1) {
        *by_kind.entry(kind_name(&node.kind)).or_insert(0) += 1;
    }
    NodeCounts {
        by_kind,
        shared: users.iter().skip(1).filter(|users| **users > 1).count(),
        alpha_tests: network.tests.len(),
        alpha_memories: network.memories.len(),
    }
}

pub(crate) fn kind_name(kind: &NodeKind) -> &'static str {
    match kind {
        NodeKind::Root => "root",
        NodeKind::Join(_) => "join",
        NodeKind::Not(_) => "not",
        NodeKind::Exists(_) => "exists",
        NodeKind::Accumulate(_) => "accumulate",
        NodeKind::Next(_) => "next",
        NodeKind::Expand(_) => "expand",
        NodeKind::Let(_) => "let",
        NodeKind::Guard(_) => "guard",
        NodeKind::Group(_) => "group",
        NodeKind::Terminal(_) => "terminal",
    }
}

impl fmt::Display for NodeCounts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} nodes: {} alpha tests, {} alpha memories",
            self.total(),
            self.alpha_tests,
            self.alpha_memories
        )?;
        for (kind, count) in &self.by_kind {
            write!(f, ", {count} {kind}")?;
        }
        write!(f, " ({} beta nodes shared)", self.shared)
    }
}
