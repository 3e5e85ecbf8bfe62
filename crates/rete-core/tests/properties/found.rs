//! Cases the soak found, kept as fixed tests: each failed once, and passes since the fix
//! its test names.

use proptest::test_runner::TestCaseError;

use super::differential::changes_end_where_a_fresh_run_ends;
use super::support::Case;

/// Rule `r1` sets `vs4` of each `in2` from every other `in2` with the same `b3`: many
/// setters of one field, the least key winning. An update made a setter's value change in
/// the same step as the retraction of the winner's fact; compared with that winner alone,
/// the updated setter went first, ahead of a lesser one, and stayed there once the winner
/// was undone.
#[test]
fn a_winner_whose_fact_went_does_not_decide_the_next_winner() -> Result<(), TestCaseError> {
    let case = Case::read(WINNER_FACT_WENT, WINNER_FACT_WENT_FACTS);
    changes_end_where_a_fresh_run_ends(&case, 16072507936600181310)
}

const WINNER_FACT_WENT: &str = r#"
fact in0 {
  n0: int
  m1: decimal optional
  s2: text optional
  b3: bool
  b4: bool
  l5: list<int> optional
}

fact in1 {
  t0: date
  s1: text optional
  s2: text
  n3: int
  t4: date
}

fact in2 {
  t0: date
  n1: int
  s2: text
  b3: bool
  vs4: text derived default "green"
}

fact out0 output {
  s0: text optional
  m1: decimal optional
  s2: text optional
  vb3: bool derived default true
}

fact out1 output {
  b0: bool optional
  n1: int
  s2: text optional
}

fact out2 output {
  b0: bool optional
}

rule r0 "rule 0" {
  match p0: in2
    test ((p0.n1 + p0.n1) > 3)
    test p0.b3
  match p1: in2
    join (p1.n1 == p0.n1)
  set p1.vs4 = p1.s2
}

rule r1 "rule 1" priority -1 {
  match p0: in2
  match p1: in2
    join (p1.b3 == p0.b3)
  emit out0 { s0: p1.s2, m1: 1.50, s2: p1.s2 }
  set p1.vs4 = (if (p0.s2 != "blue") then p0.s2 else "green")
}

rule r2 "rule 2" priority 1 {
  match p0: in2
    test ((if (p0.n1 in [2, 1]) then p0.s2 else "blue") < (if (p0.t0 >= d"2025-01-02") then "blue" else p0.s2))
  match p1: in2
    test (not (p1.vs4 in ["red", "amber"]))
    join (p1.b3 <= p0.b3)
  alert template["r2", " ", p0.n1, " ", p0.b3]
}

rule r3 "rule 3" priority 1 {
  match p0: in0
  match p1: out0
    test (p1.s0 in ["red", "green"])
    join (p1.m1 == p0.m1)
    join (p1.m1 == p0.n0)
  expand e2: int in p0.l5
  accumulate q3: in0 into v4: list<bool> = collect(true)
    test ((q3.m1 in [0.5, 1d]) or (q3.s2 != q3.s2))
    test q3.b3
    join (q3.m1 == p1.m1)
  accumulate q5: in2 into v6: list<bool> = collect((q5.n1 > 1))
    join (q5.n1 == p0.m1)
  emit out1 { b0: (p0.n0 == 4), n1: p0.n0, s2: p0.s2 }
  set p1.vb3 = (p0.n0 <= 4)
}

rule r4 "rule 4" {
  match p0: in0
    test ((p0.n0 % p0.n0) == 0)
  emit out2 {  }
}
"#;

const WINNER_FACT_WENT_FACTS: &str = r#"
{"type":"in0","n0":2,"m1":null,"s2":"blue","b3":false,"b4":true,"l5":[4,3]}
{"type":"in0","n0":1,"m1":0.0,"s2":"amber","b3":true,"b4":false,"l5":[2,0,3]}
{"type":"in0","n0":3,"m1":1.50,"s2":"red","b3":false,"b4":false}
{"type":"in0","n0":2,"m1":1.0,"s2":"blue","b3":true,"b4":true,"l5":[0,2]}
{"type":"in0","n0":1,"m1":0.0,"s2":"green","b3":true,"b4":true,"l5":[1]}
{"type":"in0","n0":3,"m1":0.0,"b3":false,"b4":true,"l5":[]}
{"type":"in1","t0":"2025-01-02","s1":"amber","s2":"green","n3":4,"t4":"2025-01-04"}
{"type":"in1","t0":"2025-01-03","s1":"red","s2":"amber","n3":3,"t4":"2025-01-02"}
{"type":"in1","t0":"2025-01-05","s1":null,"s2":"green","n3":3,"t4":"2025-01-01"}
{"type":"in1","t0":"2025-01-01","s1":"amber","s2":"amber","n3":1,"t4":"2025-01-02"}
{"type":"in1","t0":"2025-01-03","s1":"red","s2":"green","n3":0,"t4":"2025-01-05"}
{"type":"in1","t0":"2025-01-01","s2":"amber","n3":2,"t4":"2025-01-02"}
{"type":"in1","t0":"2025-01-03","s1":"blue","s2":"amber","n3":1,"t4":"2025-01-04"}
{"type":"in1","t0":"2025-01-05","s1":"red","s2":"green","n3":1,"t4":"2025-01-04"}
{"type":"in1","t0":"2025-01-03","s1":null,"s2":"blue","n3":0,"t4":"2025-01-02"}
{"type":"in1","t0":"2025-01-02","s1":"amber","s2":"blue","n3":1,"t4":"2025-01-05"}
{"type":"in1","t0":"2025-01-03","s1":"red","s2":"amber","n3":2,"t4":"2025-01-03"}
{"type":"in2","t0":"2025-01-01","n1":2,"s2":"red","b3":true}
{"type":"in2","t0":"2025-01-02","n1":2,"s2":"green","b3":true}
{"type":"in2","t0":"2025-01-02","n1":3,"s2":"green","b3":true}
{"type":"in2","t0":"2025-01-03","n1":1,"s2":"amber","b3":false}
{"type":"in2","t0":"2025-01-04","n1":1,"s2":"red","b3":true}
{"type":"in2","t0":"2025-01-01","n1":4,"s2":"blue","b3":false}
{"type":"in2","t0":"2025-01-02","n1":2,"s2":"red","b3":false}
{"type":"in2","t0":"2025-01-03","n1":1,"s2":"amber","b3":false}
{"type":"in2","t0":"2025-01-01","n1":1,"s2":"green","b3":false}
{"type":"in2","t0":"2025-01-05","n1":1,"s2":"red","b3":true}
{"type":"in2","t0":"2025-01-03","n1":2,"s2":"green","b3":true}
{"type":"in2","t0":"2025-01-01","n1":1,"s2":"green","b3":false}
{"type":"in2","t0":"2025-01-01","n1":1,"s2":"red","b3":true}
{"type":"in2","t0":"2025-01-04","n1":4,"s2":"blue","b3":true}
{"type":"in2","t0":"2025-01-04","n1":3,"s2":"blue","b3":true}
{"type":"in2","t0":"2025-01-03","n1":4,"s2":"red","b3":false}
{"type":"in2","t0":"2025-01-05","n1":1,"s2":"red","b3":true}
{"type":"in2","t0":"2025-01-02","n1":1,"s2":"amber","b3":false}
{"type":"in2","t0":"2025-01-04","n1":2,"s2":"red","b3":true}
{"type":"in2","t0":"2025-01-02","n1":0,"s2":"amber","b3":false}
{"type":"in2","t0":"2025-01-05","n1":0,"s2":"green","b3":true}
{"type":"in2","t0":"2025-01-02","n1":0,"s2":"blue","b3":false}
{"type":"in2","t0":"2025-01-04","n1":3,"s2":"red","b3":true}
{"type":"in2","t0":"2025-01-02","n1":0,"s2":"amber","b3":true}
{"type":"in2","t0":"2025-01-02","n1":1,"s2":"red","b3":false}
"#;
