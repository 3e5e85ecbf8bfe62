//! `reckon run` and `reckon explain` as a user runs them: every example folder gives its
//! expected output (golden files, in any input order and with either store), and bad
//! input fails with a message naming the place and no output file left behind.
//!
//! After an intended change of output, `RECKON_BLESS=1 cargo test -p reckon-cli --test
//! run` rewrites the golden files; review their diff as any other change.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

const EXAMPLES: [&str; 5] = ["payroll", "compliance", "tronc", "wage-cost", "workforce"];

fn reckon(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_reckon"))
        .args(args)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .output()
        .expect("the reckon binary runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).expect("output is UTF-8")
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn path(relative: &str) -> String {
    root()
        .join(relative)
        .to_str()
        .expect("paths are UTF-8")
        .to_owned()
}

/// A fresh directory for one test's files.
fn scratch(test: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("run-{test}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("the scratch directory is created");
    dir
}

/// Runs an example folder and returns standard output, asserting a clean run.
fn run_example(args: &[&str]) -> String {
    let output = reckon(args);
    assert!(
        output.status.success(),
        "reckon {args:?} failed:\n{}",
        text(&output.stderr)
    );
    text(&output.stdout)
}

#[test]
fn every_example_gives_its_expected_output() {
    for example in EXAMPLES {
        let dir = path(&format!("examples/{example}"));
        let found = run_example(&["run", "--quiet", &dir]);
        let golden = root().join(format!("examples/{example}/expected.ndjson"));
        if std::env::var_os("RECKON_BLESS").is_some() {
            std::fs::write(&golden, &found).expect("the golden file is written");
            continue;
        }
        let expected = std::fs::read_to_string(&golden).expect("the golden file exists");
        assert!(
            found == expected,
            "examples/{example}: the output differs from expected.ndjson (first difference at \
             line {}); rerun with RECKON_BLESS=1 if the change is intended",
            first_difference(&found, &expected)
        );
    }
}

fn first_difference(a: &str, b: &str) -> usize {
    a.lines()
        .zip(b.lines())
        .position(|(x, y)| x != y)
        .unwrap_or_else(|| a.lines().count().min(b.lines().count()))
        + 1
}

#[test]
fn the_row_store_and_more_threads_give_the_same_output() {
    for example in EXAMPLES {
        let dir = path(&format!("examples/{example}"));
        let column = run_example(&["run", "-q", &dir]);
        let row = run_example(&["run", "-q", "--backend", "row", &dir]);
        assert_eq!(column, row, "examples/{example}");
        let threaded = run_example(&["run", "-q", "--threads", "3", &dir]);
        assert_eq!(column, threaded, "examples/{example} on three threads");
    }
}

#[test]
fn the_summary_says_when_rules_run_in_partitions() {
    let output = reckon(&["run", "-j", "2", &path("examples/workforce")]);
    assert!(output.status.success());
    let summary = text(&output.stderr);
    assert!(
        summary.contains("in 2 partitions run in parallel"),
        "{summary}"
    );
    let output = reckon(&["run", "-j", "2", &path("examples/payroll")]);
    let summary = text(&output.stderr);
    assert!(
        !summary.contains("partitions"),
        "pay codes are joined by code, not by employee:\n{summary}"
    );
}

#[test]
fn input_order_does_not_change_the_output() {
    let scratch = scratch("order");
    for example in EXAMPLES {
        let dir = path(&format!("examples/{example}"));
        let facts = std::fs::read_to_string(format!("{dir}/facts.ndjson")).unwrap();
        let mut lines: Vec<&str> = facts.lines().collect();
        lines.reverse();
        // A fixed interleaving as well as the reversal: odd lines, then even ones.
        let (odd, even): (Vec<_>, Vec<_>) = lines.iter().enumerate().partition(|(i, _)| i % 2 == 1);
        let mixed: Vec<&str> = odd.into_iter().chain(even).map(|(_, l)| *l).collect();
        let rules = format!("{dir}/rules.calc");
        let expected = run_example(&["run", "-q", &dir]);
        for (name, order) in [("reversed", &lines), ("mixed", &mixed)] {
            let file = scratch.join(format!("{example}-{name}.ndjson"));
            std::fs::write(&file, order.join("\n") + "\n").unwrap();
            let found = run_example(&[
                "run",
                "-q",
                "--rules",
                &rules,
                "--facts",
                file.to_str().unwrap(),
            ]);
            assert_eq!(found, expected, "examples/{example}, {name}");
        }
    }
}

#[test]
fn the_workforce_rules_as_json_give_the_same_output() {
    let facts = path("examples/workforce/facts.ndjson");
    let from_calc = run_example(&[
        "run",
        "-q",
        "--rules",
        &path("examples/workforce/rules.calc"),
        "--facts",
        &facts,
    ]);
    let from_json = run_example(&[
        "run",
        "-q",
        "--rules",
        &path("examples/workforce/rules.json"),
        "--facts",
        &facts,
    ]);
    assert_eq!(from_calc, from_json);
}

#[test]
fn the_summary_counts_facts_in_and_out_and_goes_to_stderr() {
    let output = reckon(&["run", &path("examples/payroll")]);
    assert!(output.status.success());
    let summary = text(&output.stderr);
    assert!(
        summary.contains("every input fact read was written: 76"),
        "{summary}"
    );
    assert!(summary.contains("pay_line"), "{summary}");
    assert!(summary.contains("rules fired"), "{summary}");
    assert!(summary.contains("peak RSS"), "{summary}");
    assert!(
        text(&output.stdout)
            .lines()
            .all(|line| line.starts_with("{\"type\":"))
    );
}

#[test]
fn the_summary_comes_as_json_for_programs() {
    let output = reckon(&["run", "--summary", "json", &path("examples/workforce")]);
    assert!(output.status.success());
    let summary: serde_json::Value =
        serde_json::from_str(&text(&output.stderr)).expect("one JSON object");
    assert_eq!(summary["input_facts_read"], 330);
    assert_eq!(summary["input_facts_written"], 330);
    assert_eq!(
        summary["types"][0],
        serde_json::json!({"type": "employee", "read": 30, "written": 30})
    );
    assert_eq!(summary["run_time_errors"], 0);
    assert!(summary["stage_ms"]["run"].as_f64().is_some());
}

#[test]
fn json_and_csv_outputs_hold_the_same_facts() {
    let dir = path("examples/tronc");
    let ndjson = run_example(&["run", "-q", &dir]);
    let json = run_example(&["run", "-q", "--format", "json", &dir]);
    let array: Vec<serde_json::Value> = serde_json::from_str(&json).expect("one JSON array");
    let lines: Vec<serde_json::Value> = ndjson
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert_eq!(array, lines);

    let out = scratch("csv");
    run_example(&[
        "run",
        "-q",
        "--format",
        "csv",
        "--out",
        out.to_str().unwrap(),
        &dir,
    ]);
    let shares = std::fs::read_to_string(out.join("tip_share.csv")).unwrap();
    let share_lines = ndjson
        .lines()
        .filter(|l| l.starts_with("{\"type\":\"tip_share\""))
        .count();
    assert_eq!(
        shares.lines().count(),
        share_lines + 1,
        "a header and one row per share"
    );
    assert!(shares.starts_with("pool_id,"), "{shares}");
    let alerts = std::fs::read_to_string(out.join("alerts.csv")).unwrap();
    assert!(alerts.starts_with("rule,message,facts\n"), "{alerts}");
}

#[test]
fn out_writes_the_file_whole() {
    let dir = scratch("out");
    let out = dir.join("results.ndjson");
    let stdout = run_example(&[
        "run",
        "-q",
        "--out",
        out.to_str().unwrap(),
        &path("examples/payroll"),
    ]);
    assert!(stdout.is_empty());
    let written = std::fs::read_to_string(&out).unwrap();
    assert_eq!(
        written,
        run_example(&["run", "-q", &path("examples/payroll")])
    );
    let leftovers: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(
        leftovers,
        [std::ffi::OsString::from("results.ndjson")],
        "no temporary file is left"
    );
}

#[test]
fn out_writes_into_a_pipe_and_through_a_link_without_replacing_them() {
    use std::os::unix::fs::FileTypeExt;

    let dir = scratch("out-special");
    let expected = run_example(&["run", "-q", &path("examples/payroll")]);

    // A named pipe (as `/dev/null` or `/dev/stdout` would be a device or a pipe) is
    // written into, not renamed over.
    let pipe = dir.join("results.pipe");
    let made = Command::new("mkfifo")
        .arg(&pipe)
        .status()
        .expect("mkfifo runs");
    assert!(made.success());
    let reader = {
        let pipe = pipe.clone();
        std::thread::spawn(move || std::fs::read_to_string(pipe).unwrap())
    };
    run_example(&[
        "run",
        "-q",
        "--out",
        pipe.to_str().unwrap(),
        &path("examples/payroll"),
    ]);
    let kind = std::fs::symlink_metadata(&pipe).unwrap().file_type();
    assert!(kind.is_fifo(), "the pipe is still a pipe");
    assert_eq!(reader.join().unwrap(), expected);

    // A link is followed: its file gets the results, and the link stays a link.
    let target = dir.join("target.ndjson");
    std::fs::write(&target, "old").unwrap();
    let link = dir.join("link.ndjson");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    run_example(&[
        "run",
        "-q",
        "--out",
        link.to_str().unwrap(),
        &path("examples/payroll"),
    ]);
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(std::fs::read_to_string(&target).unwrap(), expected);
}

#[test]
fn out_dash_is_standard_output() {
    let dir = scratch("out-dash");
    let output = Command::new(env!("CARGO_BIN_EXE_reckon"))
        .args(["run", "-q", "--out", "-", &path("examples/payroll")])
        .current_dir(&dir)
        .stdin(Stdio::null())
        .output()
        .expect("the reckon binary runs");
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert_eq!(
        text(&output.stdout),
        run_example(&["run", "-q", &path("examples/payroll")])
    );
    assert!(!dir.join("-").exists(), "no file named `-` is written");
    let csv = reckon(&[
        "run",
        "--format",
        "csv",
        "--out",
        "-",
        &path("examples/payroll"),
    ]);
    assert!(!csv.status.success(), "{}", text(&csv.stderr));
    assert!(text(&csv.stderr).contains("name a folder with --out"));
}

/// Runs the payroll rules over `facts` written to a file, expecting failure.
fn fails_on(test: &str, facts: &str) -> (String, PathBuf) {
    let dir = scratch(test);
    let file = dir.join("facts.ndjson");
    std::fs::write(&file, facts).unwrap();
    let out = dir.join("out.ndjson");
    let output = reckon(&[
        "run",
        "--rules",
        &path("examples/payroll/rules.calc"),
        "--facts",
        file.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(1), "{}", text(&output.stderr));
    assert!(!out.exists(), "no output file after a failure");
    assert_eq!(
        std::fs::read_dir(&dir).unwrap().count(),
        1,
        "no temporary file is left"
    );
    (text(&output.stderr), file)
}

#[test]
fn bad_facts_fail_naming_file_line_and_field() {
    let good = r#"{"type":"employee","id":"E01","name":"Ana","hourly_rate":24.50}"#;
    let (message, file) = fails_on(
        "wrong-type",
        &format!(
            "{good}\n{}\n",
            r#"{"type":"employee","id":"E02","name":"Ben","hourly_rate":"high"}"#
        ),
    );
    let file = file.display().to_string();
    assert!(message.contains(&format!("{file}:2:")), "{message}");
    assert!(message.contains("hourly_rate"), "{message}");

    let (message, _) = fails_on(
        "unknown-type",
        &format!("{good}\n{}\n", r#"{"type":"manager","id":"M1"}"#),
    );
    assert!(
        message.contains(":2:") && message.contains("manager"),
        "{message}"
    );

    let (message, _) = fails_on("malformed", &format!("{good}\n{{\"type\":\"employee\",\n"));
    assert!(message.contains(":2:"), "{message}");
}

#[test]
fn a_missing_file_and_an_unwritable_output_fail_cleanly() {
    let output = reckon(&[
        "run",
        "--rules",
        &path("examples/payroll/rules.calc"),
        "--facts",
        "no/such/facts.ndjson",
    ]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        text(&output.stderr).contains("no/such/facts.ndjson"),
        "{}",
        text(&output.stderr)
    );
    assert!(output.stdout.is_empty());

    let output = reckon(&[
        "run",
        "--out",
        "/no/such/dir/out.ndjson",
        &path("examples/payroll"),
    ]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        text(&output.stderr).contains("/no/such/dir/out.ndjson"),
        "{}",
        text(&output.stderr)
    );
}

#[test]
fn rule_errors_are_listed_and_exit_1() {
    let dir = scratch("bad-rules");
    let rules = dir.join("rules.calc");
    std::fs::write(
        &rules,
        "fact shift { id: text }\nrule \"r\"\n  for each shift s where s.hour > 1\n  alert \"x\"\n",
    )
    .unwrap();
    let output = reckon(&[
        "run",
        "--rules",
        rules.to_str().unwrap(),
        "--facts",
        &path("examples/payroll/facts.ndjson"),
    ]);
    assert_eq!(output.status.code(), Some(1));
    let message = text(&output.stderr);
    assert!(
        message.contains("rules.calc:3:") && message.contains("[E0002]"),
        "{message}"
    );
}

#[test]
fn explain_traces_a_derived_fact_to_input_facts() {
    let output = run_example(&["explain", &path("examples/payroll"), "--id", "overtime:1"]);
    let lines: Vec<&str> = output.lines().collect();
    assert!(
        lines[0].starts_with(r#"{"type":"overtime","employee_id":"E01","week":"2025-W01""#),
        "{output}"
    );
    assert!(lines[1].contains("by rule \"Weekly overtime\""), "{output}");
    assert!(output.contains("a group of 5 matches"), "{output}");
    assert_eq!(
        output.matches("(input)").count(),
        11,
        "five shifts, their pay codes and the employee:\n{output}"
    );
}

#[test]
fn explain_why_not_names_the_test_and_the_values_compared() {
    let output = run_example(&[
        "explain",
        &path("examples/payroll"),
        "--id",
        "E11",
        "--why-not",
        "Weekly overtime",
    ]);
    assert!(
        output.contains("it stops here: `w.hours > e.weekly_ot_threshold` does not hold"),
        "{output}"
    );
    assert!(
        output.contains("w.hours = 30.0") && output.contains("e.weekly_ot_threshold = 30"),
        "{output}"
    );
}

#[test]
fn explain_refuses_unknown_facts_and_rules() {
    let output = reckon(&["explain", &path("examples/payroll"), "--id", "S999"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        text(&output.stderr).contains("no fact is `S999`"),
        "{}",
        text(&output.stderr)
    );
    let output = reckon(&[
        "explain",
        &path("examples/payroll"),
        "--id",
        "S001",
        "--why-not",
        "No such rule",
    ]);
    assert_eq!(output.status.code(), Some(1));
    assert!(text(&output.stderr).contains("no rule is called `No such rule`"));
}
