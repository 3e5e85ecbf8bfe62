//! Explanations: where a derived fact or field came from, down to input facts, and why a
//! rule did not fire on a fact, with the values it compared.

use std::collections::HashSet;
use std::fmt;

use reckon_fact_store::{FactId, FactStore, FieldId};
use reckon_rete_core::Session as Network;
use reckon_rete_core::oracle::Reason;

use super::output::json_of;
use super::{Session, live};
use crate::engine::Engine;
use crate::error::Error;

/// How deep an explanation goes before it stops (derivations are acyclic, but a chain of
/// state rules can be long).
const MAX_DEPTH: usize = 32;
/// How many members of a group an explanation shows as text.
const MEMBERS_SHOWN: usize = 10;

/// Where a fact (or one of its fields) came from.
///
/// ```
/// # let rules = "fact shift { id: text, hours: decimal }\noutput long_shift { shift_id: text }\nrule \"Long shift\"\n  for each shift s where s.hours > 12\n  emit long_shift { shift_id: s.id }\n";
/// # let engine = reckon::Engine::builder().calc("shifts.calc", rules).build()?;
/// # let mut session = engine.session();
/// # let facts = "{\"type\":\"shift\",\"id\":\"S1\",\"hours\":13}\n{\"type\":\"shift\",\"id\":\"S2\",\"hours\":8}\n";
/// # session.read(facts.as_bytes(), reckon::InputFormat::Ndjson, "shifts.ndjson")?;
/// # session.run();
/// let long = session.facts_of("long_shift")?[0];
/// let explanation = session.explain(long)?;
/// assert_eq!(explanation.fact, r#"{"type":"long_shift","shift_id":"S1"}"#);
/// assert!(explanation.derived.is_some());
/// # Ok::<(), reckon::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Explanation {
    /// The fact, as a JSON object.
    pub fact: String,
    /// For a field's explanation: the field and its value as JSON.
    pub field: Option<(String, String)>,
    /// The rule and match that made it; `None` for an input fact or a field no rule sets.
    pub derived: Option<Derived>,
    /// For an input fact: each field a rule set on it, explained.
    pub fields: Vec<Explanation>,
}

/// The rule and the match that made a fact or a field.
///
/// ```
/// # let rules = "fact shift { id: text, hours: decimal }\noutput long_shift { shift_id: text }\nrule \"Long shift\"\n  for each shift s where s.hours > 12\n  emit long_shift { shift_id: s.id }\n";
/// # let engine = reckon::Engine::builder().calc("shifts.calc", rules).build()?;
/// # let mut session = engine.session();
/// # let facts = "{\"type\":\"shift\",\"id\":\"S1\",\"hours\":13}\n{\"type\":\"shift\",\"id\":\"S2\",\"hours\":8}\n";
/// # session.read(facts.as_bytes(), reckon::InputFormat::Ndjson, "shifts.ndjson")?;
/// # session.run();
/// let long = session.facts_of("long_shift")?[0];
/// let derived = session.explain(long)?.derived.expect("a rule made it");
/// assert_eq!((derived.rule.as_str(), derived.place.as_str()), ("Long shift", "shifts.calc:3:1"));
/// assert_eq!(derived.matched[0].fact, r#"{"type":"shift","id":"S1","hours":13}"#);
/// # Ok::<(), reckon::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Derived {
    /// The rule's name.
    pub rule: String,
    /// Where the rule is written: `file:line:column`.
    pub place: String,
    /// The facts of the match, explained in turn.
    pub matched: Vec<Explanation>,
    /// Facts an aggregate or `exists` read for the match, explained in turn.
    pub read: Vec<Explanation>,
    /// For a grouped rule, each match in the group: its facts, explained in turn.
    pub members: Vec<Vec<Explanation>>,
}

/// Why a rule did not fire on a fact: each condition tried with the partial matches it
/// let through, and the one that let none through.
///
/// ```
/// # let rules = "fact shift { id: text, hours: decimal }\noutput long_shift { shift_id: text }\nrule \"Long shift\"\n  for each shift s where s.hours > 12\n  emit long_shift { shift_id: s.id }\n";
/// # let engine = reckon::Engine::builder().calc("shifts.calc", rules).build()?;
/// # let mut session = engine.session();
/// # let facts = "{\"type\":\"shift\",\"id\":\"S1\",\"hours\":13}\n{\"type\":\"shift\",\"id\":\"S2\",\"hours\":8}\n";
/// # session.read(facts.as_bytes(), reckon::InputFormat::Ndjson, "shifts.ndjson")?;
/// # session.run();
/// let s2 = session.find("S2")?;
/// let answer = session.why_not("Long shift", s2)?;
/// assert_eq!(answer.binding.as_deref(), Some("s"));
/// assert_eq!(answer.steps.len(), 1);
/// # Ok::<(), reckon::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WhyNot {
    /// The rule's name.
    pub rule: String,
    /// The fact, as a JSON object.
    pub fact: String,
    /// The fact's binding in the rule; `None` when no pattern of the rule takes its type.
    pub binding: Option<String>,
    /// The conditions tried: their text, place, and the partial matches that got through.
    pub steps: Vec<(String, String, String)>,
    /// What stopped the fact: a sentence, and the values compared (name, value).
    pub blocked: Option<(String, Vec<(String, String)>)>,
}

impl Session {
    /// Explains a fact: for a derived fact, the rule and match that emitted it, and those
    /// facts explained in turn down to input facts; for an input fact, each field rules set.
    ///
    /// ```
    /// # let rules = "fact shift { id: text, hours: decimal }\noutput long_shift { shift_id: text }\nrule \"Long shift\"\n  for each shift s where s.hours > 12\n  emit long_shift { shift_id: s.id }\n";
    /// # let engine = reckon::Engine::builder().calc("shifts.calc", rules).build()?;
    /// # let mut session = engine.session();
    /// # let facts = "{\"type\":\"shift\",\"id\":\"S1\",\"hours\":13}\n{\"type\":\"shift\",\"id\":\"S2\",\"hours\":8}\n";
    /// # session.read(facts.as_bytes(), reckon::InputFormat::Ndjson, "shifts.ndjson")?;
    /// # session.run();
    /// let long = session.facts_of("long_shift")?[0];
    /// assert_eq!(session.explain(long)?.to_string(), r#"{"type":"long_shift","shift_id":"S1"}
    ///   by rule "Long shift" (shifts.calc:3:1) from:
    ///   └─ {"type":"shift","id":"S1","hours":13}  (input)
    /// "#);
    /// # Ok::<(), reckon::Error>(())
    /// ```
    pub fn explain(&self, fact: FactId) -> Result<Explanation, Error> {
        let (part, id) = self.live_fact(fact)?;
        Ok(live!(&self.parts[part], s => Explainer::new(&self.engine, s).fact(id, 0)))
    }

    /// Explains one field of a fact: the rule and match that set it.
    ///
    /// ```
    /// # let rules = "fact shift { id: text, hours: decimal }\noutput long_shift { shift_id: text }\nrule \"Long shift\"\n  for each shift s where s.hours > 12\n  emit long_shift { shift_id: s.id }\n";
    /// # let engine = reckon::Engine::builder().calc("shifts.calc", rules).build()?;
    /// # let mut session = engine.session();
    /// # let facts = "{\"type\":\"shift\",\"id\":\"S1\",\"hours\":13}\n{\"type\":\"shift\",\"id\":\"S2\",\"hours\":8}\n";
    /// # session.read(facts.as_bytes(), reckon::InputFormat::Ndjson, "shifts.ndjson")?;
    /// # session.run();
    /// let s1 = session.find("S1")?;
    /// let hours = session.explain_field(s1, "hours")?;
    /// assert_eq!(hours.field, Some(("hours".to_string(), "13".to_string())));
    /// assert!(hours.derived.is_none(), "an input field");
    /// # Ok::<(), reckon::Error>(())
    /// ```
    pub fn explain_field(&self, fact: FactId, field: &str) -> Result<Explanation, Error> {
        let (part, id) = self.live_fact(fact)?;
        let field = self.field_id(fact, field)?;
        Ok(live!(&self.parts[part], s => Explainer::new(&self.engine, s).field(id, field, 0)))
    }

    /// Why `rule` did not fire on `fact`: the rule's conditions tried in order with the
    /// fact in its place, on the session's current facts.
    ///
    /// ```
    /// # let rules = "fact shift { id: text, hours: decimal }\noutput long_shift { shift_id: text }\nrule \"Long shift\"\n  for each shift s where s.hours > 12\n  emit long_shift { shift_id: s.id }\n";
    /// # let engine = reckon::Engine::builder().calc("shifts.calc", rules).build()?;
    /// # let mut session = engine.session();
    /// # let facts = "{\"type\":\"shift\",\"id\":\"S1\",\"hours\":13}\n{\"type\":\"shift\",\"id\":\"S2\",\"hours\":8}\n";
    /// # session.read(facts.as_bytes(), reckon::InputFormat::Ndjson, "shifts.ndjson")?;
    /// # session.run();
    /// let s2 = session.find("S2")?;
    /// let answer = session.why_not("Long shift", s2)?;
    /// let (reason, compared) = answer.blocked.expect("it did not fire");
    /// assert_eq!(reason, "`s.hours > 12` does not hold");
    /// assert_eq!(compared, [("s.hours".to_string(), "8".to_string())]);
    /// # Ok::<(), reckon::Error>(())
    /// ```
    pub fn why_not(&mut self, rule: &str, fact: FactId) -> Result<WhyNot, Error> {
        let (part, id) = self.live_fact(fact)?;
        let rule_id = self
            .engine
            .rule_id(rule)
            .ok_or_else(|| Error::UnknownRule {
                name: rule.to_owned(),
            })?;
        let engine = self.engine.clone();
        let program = engine.program();
        let answer = live!(&mut self.parts[part], s => s.why_not(rule_id, id));
        let rule_ir = program.rule(rule_id);
        let binding = answer
            .binding
            .map(|b| rule_ir.bindings[b.index()].name.clone());
        let steps = answer
            .steps
            .iter()
            .map(|step| {
                let matches = match (step.matches, step.capped) {
                    (n, true) => format!("{n}+ matches"),
                    (1, false) => "1 match".to_owned(),
                    (n, false) => format!("{n} matches"),
                };
                (
                    engine.text_of(step.span),
                    engine.place_of(step.span),
                    matches,
                )
            })
            .collect();
        let blocked = answer.blocked.map(|blocked| {
            let sentence = match blocked.reason {
                Reason::Test { test } => {
                    format!("`{}` does not hold", engine.text_of(test))
                }
                Reason::NoFacts => "there are no facts of that type".to_owned(),
                Reason::NoCandidate {
                    test,
                    candidates,
                    passed_tests,
                } => format!(
                    "no fact passes `{}` ({candidates} of the type, {passed_tests} passing its own tests)",
                    engine.text_of(test)
                ),
                Reason::Present { facts } => {
                    let shown: Vec<String> =
                        facts.iter().map(|f| live!(&self.parts[part], s => json_of(s.store(), *f))).collect();
                    format!("it found {}", shown.join(", "))
                }
                Reason::EmptyList => "the list is empty".to_owned(),
                Reason::NoSuccessor => "no fact follows in the sequence".to_owned(),
                Reason::Error { at, message } => {
                    format!("`{}` failed: {message}", engine.text_of(at))
                }
            };
            (sentence, blocked.compared)
        });
        Ok(WhyNot {
            rule: rule.to_owned(),
            fact: self.json(fact),
            binding,
            steps,
            blocked,
        })
    }

    /// The partition of a live fact, and its id there.
    fn live_fact(&self, fact: FactId) -> Result<(usize, FactId), Error> {
        let (part, id) = self.locate(fact);
        if live!(&self.parts[part], s => s.store().contains(id)) {
            Ok((part, id))
        } else {
            Err(Error::UnknownFact {
                reference: fact.to_string(),
                hint: "it was retracted, or belongs to another session".into(),
            })
        }
    }
}

/// Builds explanation trees over one network.
struct Explainer<'a, S: FactStore> {
    engine: &'a Engine,
    network: &'a Network<S>,
    /// The facts on the path from the root, so that a cycle stops.
    path: HashSet<FactId>,
}

impl<'a, S: FactStore> Explainer<'a, S> {
    fn new(engine: &'a Engine, network: &'a Network<S>) -> Self {
        Explainer {
            engine,
            network,
            path: HashSet::new(),
        }
    }

    fn fact(&mut self, fact: FactId, depth: usize) -> Explanation {
        let mut explanation = Explanation {
            fact: json_of(self.network.store(), fact),
            field: None,
            derived: None,
            fields: Vec::new(),
        };
        if depth >= MAX_DEPTH || !self.path.insert(fact) {
            return explanation;
        }
        match self.network.derivation(fact) {
            Some(derivation) => explanation.derived = Some(self.derived(derivation, depth)),
            None => {
                let decl = self.engine.program().fact(fact.fact_type());
                for (index, field) in decl.fields.iter().enumerate() {
                    let id = FieldId::from_index(index).expect("fields fit their ids");
                    if field.derived && self.network.field_derivation(fact, id).is_some() {
                        explanation.fields.push(self.field(fact, id, depth));
                    }
                }
            }
        }
        self.path.remove(&fact);
        explanation
    }

    fn field(&mut self, fact: FactId, field: FieldId, depth: usize) -> Explanation {
        let decl = self.engine.program().fact(fact.fact_type());
        let store = self.network.store();
        let value = match store.get_field(fact, field) {
            Ok(Some(value)) => value.display(store.interner()).to_string(),
            _ => "missing".to_owned(),
        };
        let mut explanation = Explanation {
            fact: json_of(store, fact),
            field: Some((decl.fields[field.index()].name.clone(), value)),
            derived: None,
            fields: Vec::new(),
        };
        if depth < MAX_DEPTH
            && let Some(derivation) = self.network.field_derivation(fact, field)
        {
            self.path.insert(fact);
            explanation.derived = Some(self.derived(derivation, depth));
            self.path.remove(&fact);
        }
        explanation
    }

    fn derived(&mut self, derivation: reckon_rete_core::Derivation, depth: usize) -> Derived {
        let rule = self.engine.program().rule(derivation.rule);
        let mut explain_all = |facts: &[FactId]| {
            facts
                .iter()
                .map(|f| self.fact(*f, depth + 1))
                .collect::<Vec<_>>()
        };
        let matched = explain_all(&derivation.matched);
        let read = explain_all(&derivation.read);
        let members = derivation
            .members
            .iter()
            .map(|member| explain_all(member))
            .collect();
        Derived {
            rule: rule.name.clone(),
            place: self.engine.place_of(rule.span),
            matched,
            read,
            members,
        }
    }
}

impl fmt::Display for Explanation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_tree(f, self, "", "")
    }
}

/// Writes `node` with `first` before its own line and `rest` before each line under it.
fn write_tree(
    f: &mut fmt::Formatter<'_>,
    node: &Explanation,
    first: &str,
    rest: &str,
) -> fmt::Result {
    let note = match (&node.derived, &node.field, node.fields.is_empty()) {
        (Some(_), ..) => "",
        (None, Some(_), _) => "  (no rule sets it)",
        (None, None, true) => "  (input)",
        (None, None, false) => "  (input, with fields set by rules:)",
    };
    match &node.field {
        Some((name, value)) => writeln!(f, "{first}{name} = {value} of {}{note}", node.fact)?,
        None => writeln!(f, "{first}{}{note}", node.fact)?,
    }
    let rest = format!("{rest}  ");
    let Some(derived) = &node.derived else {
        return write_children(f, &node.fields.iter().collect::<Vec<_>>(), &rest);
    };
    writeln!(
        f,
        "{rest}by rule \"{}\" ({}) from:",
        derived.rule, derived.place
    )?;
    let mut lines: Vec<Line<'_>> = derived
        .matched
        .iter()
        .chain(&derived.read)
        .map(Line::Fact)
        .collect();
    if !derived.members.is_empty() {
        lines.push(Line::Group(&derived.members));
    }
    for (i, line) in lines.iter().enumerate() {
        let last = i + 1 == lines.len();
        let (branch, under) = if last {
            ("└─ ", "   ")
        } else {
            ("├─ ", "│  ")
        };
        let (first, rest) = (format!("{rest}{branch}"), format!("{rest}{under}"));
        match line {
            Line::Fact(child) => write_tree(f, child, &first, &rest)?,
            Line::Group(members) => {
                writeln!(f, "{first}a group of {} matches:", members.len())?;
                let shown: Vec<&Explanation> =
                    members.iter().take(MEMBERS_SHOWN).flatten().collect();
                write_children(f, &shown, &format!("{rest}  "))?;
                if members.len() > MEMBERS_SHOWN {
                    writeln!(f, "{rest}  ... and {} more", members.len() - MEMBERS_SHOWN)?;
                }
            }
        }
    }
    Ok(())
}

enum Line<'a> {
    Fact(&'a Explanation),
    Group(&'a [Vec<Explanation>]),
}

fn write_children(
    f: &mut fmt::Formatter<'_>,
    children: &[&Explanation],
    rest: &str,
) -> fmt::Result {
    for (i, child) in children.iter().enumerate() {
        let last = i + 1 == children.len();
        let (branch, under) = if last {
            ("└─ ", "   ")
        } else {
            ("├─ ", "│  ")
        };
        write_tree(
            f,
            child,
            &format!("{rest}{branch}"),
            &format!("{rest}{under}"),
        )?;
    }
    Ok(())
}

impl fmt::Display for WhyNot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "rule \"{}\" on {}", self.rule, self.fact)?;
        let Some(binding) = &self.binding else {
            return writeln!(f, "  no pattern of the rule matches facts of this type");
        };
        writeln!(f, "  tried as `{binding}`:")?;
        let width = self
            .steps
            .iter()
            .map(|(text, ..)| text.chars().count())
            .max()
            .unwrap_or(0)
            .min(60);
        for (text, place, matches) in &self.steps {
            writeln!(f, "  {text:<width$}  {matches:>12}  ({place})")?;
        }
        match &self.blocked {
            None => writeln!(f, "  every condition holds: the rule matches this fact"),
            Some((sentence, compared)) => {
                writeln!(f, "  it stops here: {sentence}")?;
                for (name, value) in compared {
                    writeln!(f, "    {name} = {value}")?;
                }
                Ok(())
            }
        }
    }
}
