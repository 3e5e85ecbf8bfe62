//! The `reckon` crate as an embedding program uses it: building reports every diagnostic,
//! sessions take facts typed and from readers, changes between runs are followed through,
//! results come out in canonical order with explanations and metrics, and both stores
//! give the same results.

use reckon::{Backend, Engine, Error, InputFormat, OutputFormat, Session, TypeKind, Value};

const RULES: &str = r#"
fact employee { id: text, rate: money, level: text optional }
fact shift { id: text, employee_id: text, hours: decimal }
output long_shift { shift_id: text, hours: decimal }

rule "Pay"
  for each shift s
  with employee e where e.id == s.employee_id
  set s.pay = round(s.hours * e.rate, 2)

rule "Long shift"
  for each shift s where s.hours > 10
  emit long_shift { shift_id: s.id, hours: s.hours }

rule "Weekly hours"
  for each shift s
  group by s.employee_id
  emit total_hours { employee_id, hours: sum(s.hours) }

rule "Too many hours"
  for each total_hours t where t.hours > 20
  alert "{t.employee_id} worked {t.hours} hours"
"#;

const FACTS: &str = r#"{"type":"employee","id":"E1","rate":20.00}
{"type":"employee","id":"E2","rate":15.50}
{"type":"shift","id":"S1","employee_id":"E1","hours":8}
{"type":"shift","id":"S2","employee_id":"E1","hours":12.5}
{"type":"shift","id":"S3","employee_id":"E2","hours":6}
{"type":"shift","id":"S4","employee_id":"E9","hours":4}
"#;

fn engine(backend: Backend) -> Engine {
    Engine::builder()
        .calc("pay.calc", RULES)
        .backend(backend)
        .build()
        .expect("the rules compile")
}

fn loaded(backend: Backend) -> Session {
    let mut session = engine(backend).session();
    session
        .read(FACTS.as_bytes(), InputFormat::Ndjson, "facts.ndjson")
        .expect("the facts read");
    session.run();
    session
}

fn output(session: &Session) -> String {
    let mut out = Vec::new();
    session.write(&mut out, OutputFormat::Ndjson).unwrap();
    String::from_utf8(out).unwrap()
}

#[test]
fn build_reports_every_error_together() {
    let error = Engine::builder()
        .calc("a.calc", "fact shift { id: text }\nrule \"x\"\n  for each shift s where s.hour > 1\n  alert \"x\"\n")
        .calc("b.calc", "rule \"y\"\n  for each nothing n\n  alert \"y\"\n")
        .build()
        .unwrap_err();
    let Error::Rules(errors) = &error else {
        panic!("expected rule errors, got {error:?}");
    };
    assert_eq!(errors.error_count(), 2, "{}", errors.render(false));
    let text = error.to_string();
    assert!(
        text.contains("a.calc:3:") && text.contains("b.calc:2:"),
        "{text}"
    );
}

#[test]
fn an_unreadable_rule_file_is_an_io_error_naming_it() {
    let error = Engine::builder()
        .file("no/such/rules.calc")
        .build()
        .unwrap_err();
    assert!(matches!(&error, Error::Io { path, .. } if path.ends_with("rules.calc")));
    assert!(
        error.to_string().starts_with("no/such/rules.calc: "),
        "{error}"
    );
}

#[test]
fn results_come_out_in_canonical_order_with_derived_fields() {
    let session = loaded(Backend::Column);
    assert_eq!(
        output(&session),
        r#"{"type":"employee","id":"E1","rate":20.00}
{"type":"employee","id":"E2","rate":15.50}
{"type":"shift","id":"S1","employee_id":"E1","hours":8,"pay":160.00}
{"type":"shift","id":"S2","employee_id":"E1","hours":12.5,"pay":250.00}
{"type":"shift","id":"S3","employee_id":"E2","hours":6,"pay":93.00}
{"type":"shift","id":"S4","employee_id":"E9","hours":4}
{"type":"long_shift","shift_id":"S2","hours":12.5}
{"type":"alert","rule":"Too many hours","message":"E1 worked 20.5 hours","facts":[{"type":"total_hours","employee_id":"E1","hours":20.5}]}
"#
    );
    assert_eq!(
        session.engine().type_kind("total_hours"),
        Some(TypeKind::Internal)
    );
    assert_eq!(session.alerts().len(), 1);
    assert!(session.errors().is_empty());
}

#[test]
fn both_stores_and_any_input_order_give_the_same_output() {
    let expected = output(&loaded(Backend::Column));
    assert_eq!(output(&loaded(Backend::Row)), expected);
    let mut reversed: Vec<&str> = FACTS.lines().collect();
    reversed.reverse();
    let mut session = engine(Backend::Column).session();
    session
        .read(
            reversed.join("\n").as_bytes(),
            InputFormat::Ndjson,
            "reversed",
        )
        .unwrap();
    session.run();
    assert_eq!(output(&session), expected);
}

#[test]
fn changes_between_runs_are_followed_through() {
    let mut session = loaded(Backend::Column);
    let s2 = session.find("S2").unwrap();
    session.update(s2, "hours", Some(Value::Int(9))).unwrap();
    session.run();
    assert!(session.facts_of("long_shift").unwrap().is_empty());
    assert_eq!(
        session.alerts().len(),
        1,
        "an alert is an event: it stays raised"
    );
    assert_eq!(session.field(s2, "pay").unwrap().as_deref(), Some("180.00"));

    let e1 = session.find("E1").unwrap();
    session.retract(e1).unwrap();
    session.run();
    assert_eq!(
        session.field(s2, "pay").unwrap(),
        None,
        "no employee, no pay"
    );

    let id = session.text("E1").unwrap();
    let rate = Value::Decimal("30.00".parse().unwrap());
    session
        .insert("employee", &[("id", id), ("rate", rate)])
        .unwrap();
    session.run();
    assert_eq!(session.field(s2, "pay").unwrap().as_deref(), Some("270.00"));
    assert!(
        session.retract(e1).is_err(),
        "a retracted fact's id is stale"
    );
}

#[test]
fn typed_inserts_name_what_is_wrong() {
    let mut session = engine(Backend::Column).session();
    let error = session.insert("manager", &[]).unwrap_err();
    assert!(
        error
            .to_string()
            .contains("no fact type is called `manager`"),
        "{error}"
    );
    let error = session
        .insert("employee", &[("wage", Value::Int(1))])
        .unwrap_err();
    assert!(
        error
            .to_string()
            .contains("fact type `employee` has no field `wage`"),
        "{error}"
    );
    let error = session
        .insert("employee", &[("rate", Value::Bool(true))])
        .unwrap_err();
    assert!(matches!(error, Error::Store(_)), "{error:?}");
}

#[test]
fn bad_facts_are_reported_with_their_place_and_the_good_ones_stay() {
    let mut session = engine(Backend::Column).session();
    let facts = "{\"type\":\"employee\",\"id\":\"E1\",\"rate\":20.00}\n{\"type\":\"employee\",\"id\":\"E2\",\"rate\":\"x\"}\n";
    let error = session
        .read(facts.as_bytes(), InputFormat::Ndjson, "in.ndjson")
        .unwrap_err();
    assert!(error.to_string().starts_with("in.ndjson:2:"), "{error}");
    assert_eq!(session.metrics().facts_in, 1);
}

#[test]
fn csv_and_json_arrays_read_like_ndjson() {
    let mut session = engine(Backend::Column).session();
    let csv = "type,id,rate\nemployee,E1,20.00\nemployee,E2,15.50\n";
    session
        .read(csv.as_bytes(), InputFormat::Csv, "e.csv")
        .unwrap();
    let json = r#"[{"type":"shift","id":"S1","employee_id":"E1","hours":8},
{"type":"shift","id":"S2","employee_id":"E1","hours":12.5},
{"type":"shift","id":"S3","employee_id":"E2","hours":6},
{"type":"shift","id":"S4","employee_id":"E9","hours":4}]"#;
    session
        .read(json.as_bytes(), InputFormat::JsonArray, "s.json")
        .unwrap();
    session.run();
    assert_eq!(output(&session), output(&loaded(Backend::Column)));
}

#[test]
fn explain_traces_facts_and_fields_to_inputs() {
    let session = loaded(Backend::Column);
    let long = session.facts_of("long_shift").unwrap()[0];
    let explanation = session.explain(long).unwrap();
    let derived = explanation.derived.as_ref().expect("emitted by a rule");
    assert_eq!(derived.rule, "Long shift");
    assert_eq!(derived.place, "pay.calc:11:1");
    assert_eq!(derived.matched.len(), 1);
    assert!(derived.matched[0].fact.contains("\"id\":\"S2\""));

    let s2 = session.find("shift:S2").unwrap();
    let pay = session.explain_field(s2, "pay").unwrap();
    assert_eq!(pay.field, Some(("pay".into(), "250.00".into())));
    assert_eq!(pay.derived.as_ref().unwrap().rule, "Pay");
    assert_eq!(
        pay.derived.as_ref().unwrap().matched.len(),
        2,
        "the shift and the employee"
    );

    let input = session.explain(s2).unwrap();
    assert!(input.derived.is_none());
    assert_eq!(input.fields.len(), 1, "the pay a rule set on it");

    let alert_fact = session.facts_of("total_hours").unwrap();
    let grouped = session.explain(alert_fact[0]).unwrap();
    let members = &grouped.derived.as_ref().unwrap().members;
    assert_eq!(members.len(), 2, "E1's two shifts");
    assert!(
        members[0][0].fact.contains("\"id\":\"S1\""),
        "members in canonical order"
    );
}

#[test]
fn why_not_names_the_condition_and_the_values() {
    let mut session = loaded(Backend::Column);
    let s4 = session.find("S4").unwrap();
    let answer = session.why_not("Pay", s4).unwrap();
    let (sentence, compared) = answer.blocked.as_ref().expect("the rule did not fire");
    assert!(
        sentence.starts_with("no fact passes `e.id == s.employee_id`"),
        "{answer}"
    );
    assert_eq!(
        compared,
        &[("s.employee_id".to_string(), "\"E9\"".to_string())]
    );

    let s1 = session.find("S1").unwrap();
    let answer = session.why_not("Long shift", s1).unwrap();
    assert_eq!(
        answer.blocked.as_ref().unwrap().0,
        "`s.hours > 10` does not hold"
    );
    assert!(answer.to_string().contains("s.hours = 8"), "{answer}");

    let s2 = session.find("S2").unwrap();
    assert!(
        session.why_not("Long shift", s2).unwrap().blocked.is_none(),
        "it fired"
    );
    assert!(matches!(
        session.why_not("Nope", s2),
        Err(Error::UnknownRule { .. })
    ));
}

#[test]
fn find_takes_ids_type_qualified_ids_and_positions() {
    let session = loaded(Backend::Column);
    assert_eq!(
        session.find("S3").unwrap(),
        session.find("shift:S3").unwrap()
    );
    assert_eq!(
        session.find("shift:3").unwrap(),
        session.find("S3").unwrap()
    );
    let error = session.find("shift:9").unwrap_err().to_string();
    assert!(error.contains("there are 4 `shift` facts"), "{error}");
    assert!(session.find("S9").is_err());
}

#[test]
fn metrics_count_the_work() {
    let session = loaded(Backend::Column);
    let metrics = session.metrics();
    assert_eq!(metrics.facts_processed, 6);
    assert_eq!(metrics.facts_in, 6);
    assert_eq!(metrics.facts_derived, 4, "a long shift and three totals");
    assert_eq!(metrics.rules_fired, 3 + 1 + 3 + 1);
    assert!(metrics.activations >= metrics.rules_fired);
    assert!(metrics.memory_used_bytes > 0 && metrics.nodes > 0);
}

#[test]
fn engines_are_shared_between_threads() {
    fn shareable<T: Send + Sync>() {}
    fn sendable<T: Send>() {}
    shareable::<Engine>();
    sendable::<Session>();
    let engine = engine(Backend::Column);
    let outputs: Vec<String> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..2)
            .map(|_| {
                let engine = &engine;
                scope.spawn(move || {
                    let mut session = engine.session();
                    session
                        .read(FACTS.as_bytes(), InputFormat::Ndjson, "f")
                        .unwrap();
                    session.run();
                    output(&session)
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert_eq!(outputs[0], outputs[1]);
}

/// Many matches setting one field: the least in canonical order wins, whichever order
/// they come in, and the next takes over when it goes or when an update reorders them.
#[test]
fn the_least_of_many_setters_of_one_field_wins_through_changes() {
    let rules = r#"
fact employee { id: text }
fact shift { id: text, employee_id: text }

rule "Some shift"
  for each employee e
  for each shift s where s.employee_id == e.id
  set e.some_shift = s.id
"#;
    for backend in [Backend::Column, Backend::Row] {
        let engine = Engine::builder()
            .calc("some.calc", rules)
            .backend(backend)
            .build()
            .unwrap();
        let mut session = engine.session();
        // Shifts in a scrambled order: S037, S074, ... (37 is prime to 200).
        let mut lines = vec![r#"{"type":"employee","id":"E1"}"#.to_owned()];
        lines.extend((1..=200).map(|i| {
            let n = i * 37 % 200 + 1;
            format!(r#"{{"type":"shift","id":"S{n:03}","employee_id":"E1"}}"#)
        }));
        let facts = lines.join("\n");
        session
            .read(facts.as_bytes(), InputFormat::Ndjson, "some.ndjson")
            .unwrap();
        session.run();
        let employee = session.find("E1").unwrap();
        let some_shift = |session: &Session| session.field(employee, "some_shift").unwrap();
        assert_eq!(some_shift(&session).as_deref(), Some(r#""S001""#));

        session.retract(session.find("S001").unwrap()).unwrap();
        session.run();
        assert_eq!(some_shift(&session).as_deref(), Some(r#""S002""#));

        // Renames a shift and runs: the order of the setters changes with it.
        let rename = |session: &mut Session, from: &str, to: &str| {
            let shift = session.find(from).unwrap();
            let to = session.text(to).unwrap();
            session.update(shift, "id", Some(to)).unwrap();
            session.run();
        };
        rename(&mut session, "S150", "S000");
        assert_eq!(some_shift(&session).as_deref(), Some(r#""S000""#));
        rename(&mut session, "S000", "S999");
        assert_eq!(
            some_shift(&session).as_deref(),
            Some(r#""S002""#),
            "{backend:?}"
        );
    }
}
