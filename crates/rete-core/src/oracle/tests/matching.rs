//! Matching: joins, `no` and `exists`, expansion, accumulation, lets and guards, `next`,
//! and fields read with and without a declared default.

use super::*;

#[test]
fn a_join_pairs_each_shift_with_its_employee() {
    let text = r#"
fact employee {
  id: text
  rate: decimal
}

fact shift {
  id: text
  employee_id: text
  hours: decimal
  pay: decimal derived
}

rule r0 "Pay" {
  match s: shift
  match e: employee
    join e.id == s.employee_id
  set s.pay = s.hours * e.rate
}
"#;
    let facts = r#"
{"type": "employee", "id": "e1", "rate": 10}
{"type": "employee", "id": "e2", "rate": 12.5}
{"type": "shift", "id": "s1", "employee_id": "e1", "hours": 8}
{"type": "shift", "id": "s2", "employee_id": "e2", "hours": 2}
{"type": "shift", "id": "s3", "employee_id": "e9", "hours": 4}
"#;
    let expected = r#"facts (5):
  employee {id: "e1", rate: 10}
  employee {id: "e2", rate: 12.5}
  shift {id: "s1", employee_id: "e1", hours: 8, pay: 80}
  shift {id: "s2", employee_id: "e2", hours: 2, pay: 25.0}
  shift {id: "s3", employee_id: "e9", hours: 4}
alerts (0):
errors (0):
"#;
    assert_eq!(outcome(text, facts), expected);
}
