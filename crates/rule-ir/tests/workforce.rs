//! The workforce program of WORKLOAD.md (six core rules and K - 6 filler rules), built
//! through the builder API as a front end would: it builds without diagnostics, and its
//! optimised form shares the filler rules' tests, orders the strata, and partitions every
//! stratum by employee.

use reckon_fact_store::{Decimal, ValueType};
use reckon_rule_ir::builder::{ExprBuilder, FieldSpec, ProgramBuilder, RuleBuilder};
use reckon_rule_ir::opt::share_alpha_tests::{Sharing, statistics};
use reckon_rule_ir::opt::{Ctx, optimize};
use reckon_rule_ir::text::print;
use reckon_rule_ir::{BinaryOp, Expr, Literal, Program, Span, check, verify};

const AT: Span = Span {
    source: reckon_rule_ir::SourceId(0),
    start: 0,
    end: 0,
};

fn field<B: ExprBuilder>(b: &mut B, binding: &str, name: &str) -> Expr {
    let base = b.name(binding, AT);
    b.member(base, name, AT)
}

fn text<B: ExprBuilder>(b: &mut B, value: &str) -> Expr {
    b.literal(Literal::Text(value.into()), AT)
}

fn int<B: ExprBuilder>(b: &mut B, value: i64) -> Expr {
    b.literal(Literal::Int(value), AT)
}

fn op<B: ExprBuilder>(b: &mut B, op: BinaryOp, left: Expr, right: Expr) -> Expr {
    b.binary(op, left, right, AT)
}

/// `binding.left == other.right` as a join of the pattern just opened.
fn join_on(r: &mut RuleBuilder<'_>, binding: &str, left: &str, other: &str, right: &str) {
    let (a, b) = (field(r, binding, left), field(r, other, right));
    let test = op(r, BinaryOp::Eq, a, b);
    r.filter(test);
}

fn emit(r: &mut RuleBuilder<'_>, fact_type: &str, fields: Vec<(&str, Expr)>) {
    let fields = fields
        .into_iter()
        .map(|(name, value)| (name.to_string(), AT, value))
        .collect();
    r.emit(fact_type, AT, fields, AT);
}

fn declare(b: &mut ProgramBuilder) {
    use ValueType as T;
    let facts: [(&str, Vec<FieldSpec>); 6] = [
        (
            "employee",
            vec![
                FieldSpec::required("id", T::Text),
                FieldSpec::required("hourly_rate", T::Decimal),
                FieldSpec::required("weekly_ot_threshold", T::Decimal),
                FieldSpec::required("visa", T::Text),
                FieldSpec::required("location", T::Text),
            ],
        ),
        (
            "shift",
            vec![
                FieldSpec::required("id", T::Text),
                FieldSpec::required("employee_id", T::Text),
                FieldSpec::required("start", T::DateTime),
                FieldSpec::required("end", T::DateTime),
                FieldSpec::required("break_minutes", T::Int),
                FieldSpec::required("pay_code", T::Text),
                FieldSpec::required("location", T::Text),
                FieldSpec::derived("hours", T::Decimal),
                FieldSpec::derived("pay", T::Decimal),
            ],
        ),
        (
            "weekly_hours",
            vec![
                FieldSpec::required("employee_id", T::Text),
                FieldSpec::required("week", T::Week),
                FieldSpec::required("total", T::Decimal),
            ],
        ),
        (
            "overtime",
            vec![
                FieldSpec::required("employee_id", T::Text),
                FieldSpec::required("week", T::Week),
                FieldSpec::required("hours", T::Decimal),
                FieldSpec::required("premium", T::Decimal),
            ],
        ),
        (
            "violation",
            vec![
                FieldSpec::required("rule", T::Text),
                FieldSpec::required("employee_id", T::Text),
                FieldSpec::optional("week", T::Week),
                FieldSpec::optional("hours", T::Decimal),
                FieldSpec::optional("shift_id", T::Text),
            ],
        ),
        (
            "filler_match",
            vec![
                FieldSpec::required("rule", T::Text),
                FieldSpec::required("shift_id", T::Text),
            ],
        ),
    ];
    for (name, fields) in facts {
        let fact = b.fact(name, AT).unwrap();
        b.fact_flags(fact, false, name != "shift" && name != "employee");
        for spec in fields {
            b.field(fact, spec).unwrap();
        }
    }
}

fn core_rules(b: &mut ProgramBuilder) {
    // R1: shift.hours = (end - start in hours) - break_minutes / 60.
    let mut r = b.rule("Shift hours", 0, AT);
    r.match_fact("s", AT, "shift", AT, AT);
    let (start, end) = (field(&mut r, "s", "start"), field(&mut r, "s", "end"));
    let span = r.call("hours_between", AT, vec![start, end], AT);
    let minutes = field(&mut r, "s", "break_minutes");
    let sixty = int(&mut r, 60);
    let break_hours = op(&mut r, BinaryOp::Div, minutes, sixty);
    let hours = op(&mut r, BinaryOp::Sub, span, break_hours);
    r.set("s", AT, "hours", AT, hours, AT);
    r.finish();

    // R2: shift.pay = hours * rate * (1.5 if holiday else 1).
    let mut r = b.rule("Shift pay", 0, AT);
    r.match_fact("s", AT, "shift", AT, AT);
    r.match_fact("e", AT, "employee", AT, AT);
    join_on(&mut r, "e", "id", "s", "employee_id");
    let (hours, rate) = (
        field(&mut r, "s", "hours"),
        field(&mut r, "e", "hourly_rate"),
    );
    let code = field(&mut r, "s", "pay_code");
    let holiday = text(&mut r, "holiday");
    let is_holiday = op(&mut r, BinaryOp::Eq, code, holiday);
    let (one_and_half, one) = (
        r.literal(Literal::Decimal(Decimal::new(15, 1)), AT),
        int(&mut r, 1),
    );
    let factor = r.if_then(is_holiday, one_and_half, one, AT);
    let base = op(&mut r, BinaryOp::Mul, hours, rate);
    let pay = op(&mut r, BinaryOp::Mul, base, factor);
    r.set("s", AT, "pay", AT, pay, AT);
    r.finish();

    // R3: weekly_hours per employee and ISO week over base and training shifts.
    let mut r = b.rule("Weekly hours", 0, AT);
    r.match_fact("s", AT, "shift", AT, AT);
    let code = field(&mut r, "s", "pay_code");
    let codes = vec![text(&mut r, "base"), text(&mut r, "training")];
    let counted = r.in_list(code, codes, AT);
    r.filter(counted);
    r.group_by(AT);
    let employee = field(&mut r, "s", "employee_id");
    r.group_key("employee_id", AT, employee);
    let start = field(&mut r, "s", "start");
    let week = r.call("iso_week", AT, vec![start], AT);
    r.group_key("week", AT, week);
    let hours = field(&mut r, "s", "hours");
    let total = r.call("sum", AT, vec![hours], AT);
    let (employee, week) = (r.name("employee_id", AT), r.name("week", AT));
    emit(
        &mut r,
        "weekly_hours",
        vec![("employee_id", employee), ("week", week), ("total", total)],
    );
    r.finish();

    // R4: overtime when the week's total exceeds the employee's threshold.
    let mut r = b.rule("Weekly overtime", 0, AT);
    r.match_fact("w", AT, "weekly_hours", AT, AT);
    r.match_fact("e", AT, "employee", AT, AT);
    join_on(&mut r, "e", "id", "w", "employee_id");
    let (total, threshold) = (
        field(&mut r, "w", "total"),
        field(&mut r, "e", "weekly_ot_threshold"),
    );
    let over = op(&mut r, BinaryOp::Gt, total, threshold);
    r.guard(over);
    let (total, threshold) = (
        field(&mut r, "w", "total"),
        field(&mut r, "e", "weekly_ot_threshold"),
    );
    let extra = op(&mut r, BinaryOp::Sub, total, threshold);
    r.let_value("hours", AT, extra, AT);
    let (hours, rate) = (r.name("hours", AT), field(&mut r, "e", "hourly_rate"));
    let half = r.literal(Literal::Decimal(Decimal::new(5, 1)), AT);
    let paid = op(&mut r, BinaryOp::Mul, hours, rate);
    let premium = op(&mut r, BinaryOp::Mul, paid, half);
    let (id, week, hours) = (
        field(&mut r, "e", "id"),
        field(&mut r, "w", "week"),
        r.name("hours", AT),
    );
    emit(
        &mut r,
        "overtime",
        vec![
            ("employee_id", id),
            ("week", week),
            ("hours", hours),
            ("premium", premium),
        ],
    );
    r.finish();

    // R5: student visa holders over 20 hours a week.
    let mut r = b.rule("Student visa limit", 0, AT);
    r.match_fact("w", AT, "weekly_hours", AT, AT);
    r.match_fact("e", AT, "employee", AT, AT);
    join_on(&mut r, "e", "id", "w", "employee_id");
    let (visa, student) = (field(&mut r, "e", "visa"), text(&mut r, "student"));
    let is_student = op(&mut r, BinaryOp::Eq, visa, student);
    r.filter(is_student);
    let (total, twenty) = (field(&mut r, "w", "total"), int(&mut r, 20));
    let over = op(&mut r, BinaryOp::Gt, total, twenty);
    r.guard(over);
    let (name, id, week, total) = (
        text(&mut r, "student_visa_limit"),
        field(&mut r, "e", "id"),
        field(&mut r, "w", "week"),
        field(&mut r, "w", "total"),
    );
    emit(
        &mut r,
        "violation",
        vec![
            ("rule", name),
            ("employee_id", id),
            ("week", week),
            ("hours", total),
        ],
    );
    r.finish();

    // R6: a break of at least 30 minutes after six hours.
    let mut r = b.rule("Break rule", 0, AT);
    r.match_fact("s", AT, "shift", AT, AT);
    let (hours, six) = (field(&mut r, "s", "hours"), int(&mut r, 6));
    let long = op(&mut r, BinaryOp::Gt, hours, six);
    let (minutes, thirty) = (field(&mut r, "s", "break_minutes"), int(&mut r, 30));
    let short_break = op(&mut r, BinaryOp::Lt, minutes, thirty);
    let both = op(&mut r, BinaryOp::And, long, short_break);
    r.filter(both);
    let (name, employee, id) = (
        text(&mut r, "break_rule"),
        field(&mut r, "s", "employee_id"),
        field(&mut r, "s", "id"),
    );
    emit(
        &mut r,
        "violation",
        vec![("rule", name), ("employee_id", employee), ("shift_id", id)],
    );
    r.finish();
}

/// Filler rule i: location, pay code and a minimum of hours, as WORKLOAD.md states.
fn filler_rule(b: &mut ProgramBuilder, i: usize) {
    const CODES: [&str; 3] = ["base", "holiday", "training"];
    let mut r = b.rule(&format!("filler_{i}"), 0, AT);
    r.match_fact("s", AT, "shift", AT, AT);
    let (location, place) = (
        field(&mut r, "s", "location"),
        text(&mut r, &format!("L{:02}", i % 50)),
    );
    let at_location = op(&mut r, BinaryOp::Eq, location, place);
    let (code, wanted) = (field(&mut r, "s", "pay_code"), text(&mut r, CODES[i % 3]));
    let with_code = op(&mut r, BinaryOp::Eq, code, wanted);
    let (hours, minimum) = (field(&mut r, "s", "hours"), int(&mut r, (i % 8) as i64));
    let long_enough = op(&mut r, BinaryOp::Gt, hours, minimum);
    let first = op(&mut r, BinaryOp::And, at_location, with_code);
    let all = op(&mut r, BinaryOp::And, first, long_enough);
    r.filter(all);
    let (name, id) = (
        text(&mut r, &format!("filler_{i}")),
        field(&mut r, "s", "id"),
    );
    emit(
        &mut r,
        "filler_match",
        vec![("rule", name), ("shift_id", id)],
    );
    r.finish();
}

/// The workforce program with `k` rules in all.
fn workforce(k: usize) -> Program {
    let mut b = ProgramBuilder::new();
    declare(&mut b);
    core_rules(&mut b);
    for i in 0..k.saturating_sub(6) {
        filler_rule(&mut b, i);
    }
    let (program, diagnostics) = b.finish();
    assert!(diagnostics.is_empty(), "{diagnostics:#?}");
    program
}

#[test]
fn the_workforce_program_builds_checks_and_optimises() {
    let mut program = workforce(106);
    verify::verify(&program).unwrap();
    let findings = check::check(&program);
    assert!(findings.is_empty(), "{findings:#?}");
    optimize(&mut program, &Ctx::default());
    verify::verify(&program).unwrap();
    insta::assert_snapshot!(print(&program));
}

#[test]
fn strata_and_partition_keys_of_the_workforce_program() {
    let mut program = workforce(106);
    optimize(&mut program, &Ctx::default());
    let stratum = |name: &str| {
        program
            .rules
            .iter()
            .find(|r| r.name == name)
            .unwrap()
            .stratum
    };
    // Each rule comes after what it reads: pay and the weekly sums read the hours, and
    // overtime reads the weekly sums.
    assert_eq!(stratum("Shift hours"), 0);
    assert!(stratum("Shift pay") > stratum("Shift hours"));
    assert!(
        stratum("Weekly hours") > stratum("Shift hours"),
        "the weekly sum needs every shift's hours first"
    );
    assert!(stratum("Weekly overtime") > stratum("Weekly hours"));
    assert!(
        stratum("filler_0") > stratum("Shift hours"),
        "fillers test the hours"
    );
    for stratum in &program.strata {
        let partition = stratum
            .partition
            .as_ref()
            .expect("every stratum partitions");
        for (fact_type, field) in partition {
            let name = &program.field(*fact_type, *field).name;
            assert!(
                name == "employee_id"
                    || name == "id" && program.fact(*fact_type).name == "employee",
                "{name}"
            );
        }
    }
}

#[test]
fn filler_rules_share_their_tests() {
    // Each filler rule makes three tests; the 50 locations, 3 pay codes and 8 hour limits
    // they draw from, with the core rules' five tests (one of which, hours > 6, a filler
    // rule also makes), give 65 distinct tests however many rules there are.
    for (rules, tests) in [(100, 287), (500, 1487), (2000, 5987)] {
        let mut program = workforce(rules);
        optimize(&mut program, &Ctx::default());
        assert_eq!(
            statistics(&program),
            Sharing { tests, shared: 65 },
            "{rules} rules"
        );
        assert_eq!(program.alpha.len(), 65);
    }
}
