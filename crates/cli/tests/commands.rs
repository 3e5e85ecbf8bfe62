//! The `reckon` command as a user runs it: exit codes, where output goes, and what `check`,
//! `compile` and `fmt` do to real files.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// Rules in the canonical layout, which `reckon fmt` leaves as they are.
const RULES: &str = "\
fact shift {
  id: text
  hours: decimal
}

output long_shift {
  shift_id: text
}

// Anything over twelve hours needs a manager's sign-off.
rule \"Long shift\"
  for each shift s where s.hours > 12
  emit long_shift { shift_id: s.id }
";

/// Runs `reckon` with `args`, feeding `stdin` to it.
fn reckon(args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_reckon"))
        .args(args)
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the reckon binary runs");
    child
        .stdin
        .take()
        .expect("stdin is piped")
        .write_all(stdin.as_bytes())
        .expect("stdin takes the text");
    child.wait_with_output().expect("reckon finishes")
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).expect("stdout is UTF-8")
}

fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).expect("stderr is UTF-8")
}

/// A fresh directory for one test's files.
fn scratch(test: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("commands-{test}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("the scratch directory is created");
    dir
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).expect("the file is written");
    path.to_str().expect("paths are UTF-8").to_string()
}

fn example(path: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(path)
        .to_str()
        .expect("paths are UTF-8")
        .to_string()
}

#[test]
fn check_passes_the_examples() {
    for rules in [
        "examples/payroll/rules.calc",
        "examples/workforce/rules.calc",
    ] {
        let output = reckon(&["check", &example(rules)], "");
        assert!(output.status.success(), "{rules}: {}", stdout(&output));
        assert!(stdout(&output).contains("no problems found"));
    }
}

#[test]
fn check_reports_where_and_how_to_fix_and_exits_1() {
    let dir = scratch("check-error");
    let file = write(
        &dir,
        "bad.calc",
        &RULES.replace("s.hours > 12", "s.hour > 12"),
    );
    let output = reckon(&["check", &file], "");
    assert_eq!(output.status.code(), Some(1));
    let text = stdout(&output);
    assert!(text.contains("[E0002]"), "{text}");
    assert!(text.contains("bad.calc:12:"), "{text}");
    assert!(text.contains("did you mean `hours`?"), "{text}");
    assert!(text.contains("1 error, 0 warnings"), "{text}");
}

#[test]
fn check_as_json_is_an_array_of_diagnostics() {
    let output = reckon(
        &["check", "--format", "json", "-"],
        &RULES.replace("s.hours > 12", "s.hours > \"12\""),
    );
    assert_eq!(output.status.code(), Some(1));
    let diagnostics: serde_json::Value =
        serde_json::from_str(&stdout(&output)).expect("the output is JSON");
    let first = &diagnostics.as_array().expect("an array")[0];
    assert_eq!(first["severity"], "error");
    assert_eq!(first["file"], "<stdin>");
    assert_eq!(first["line"], 12);
}

#[test]
fn unreadable_files_and_bad_usage_have_their_own_exit_codes() {
    let missing = reckon(&["check", "no/such/file.calc"], "");
    assert_eq!(missing.status.code(), Some(1));
    assert!(stderr(&missing).contains("cannot read no/such/file.calc"));

    let usage = reckon(&["check"], "");
    assert_eq!(usage.status.code(), Some(2));
    let usage = reckon(&["compile", "--emit", "wasm", "x.calc"], "");
    assert_eq!(usage.status.code(), Some(2));
}

#[test]
fn text_that_is_not_utf8_is_named_by_line_and_column() {
    let dir = scratch("not-utf8");
    let path = dir.join("latin1.calc");
    std::fs::write(&path, b"fact shift {\n  caf\xe9: text }\n").expect("written");
    let output = reckon(&["check", path.to_str().expect("UTF-8 path")], "");
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("latin1.calc:2:6: the file is not valid UTF-8"));
}

#[test]
fn compile_prints_the_program_and_errors_go_to_stderr() {
    let output = reckon(&["compile", "-"], RULES);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(stdout(&output).contains("rule r0 \"Long shift\""));

    let output = reckon(&["compile", "-"], "rule \"Broken\"\n  for each shif s\n");
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(stdout(&output), "");
    assert!(stderr(&output).contains("[E0001]"), "{}", stderr(&output));
}

#[test]
fn compile_prints_the_network_the_rules_run_as() {
    let rules = example("examples/workforce/rules.calc");
    let output = reckon(&["compile", "--emit", "network", &rules], "");
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(text.starts_with("network: "), "{text}");
    assert!(text.contains("alpha shift\n"), "{text}");
    assert!(
        text.contains("terminal \"Weekly overtime\" stratum 2"),
        "{text}"
    );
}

#[test]
fn calc_and_json_convert_into_each_other_without_changing_the_program() {
    let dir = scratch("convert");
    let calc = write(&dir, "rules.calc", RULES);
    let program = stdout(&reckon(&["compile", &calc], ""));

    let json = reckon(&["compile", "--emit", "json", &calc], "");
    assert!(json.status.success(), "{}", stderr(&json));
    let json = write(&dir, "rules.json", &stdout(&json));
    assert_eq!(stdout(&reckon(&["compile", &json], "")), program);

    let back = reckon(&["compile", "--emit", "calc", &json], "");
    assert!(back.status.success(), "{}", stderr(&back));
    let back = write(&dir, "back.calc", &stdout(&back));
    assert_eq!(stdout(&reckon(&["compile", &back], "")), program);
}

#[test]
fn emitting_calc_from_several_files_keeps_them_in_order() {
    let dir = scratch("merge");
    let (declarations, rules) = RULES.split_at(RULES.find("\n//").expect("a comment") + 1);
    let first = write(&dir, "facts.calc", declarations);
    let second = write(&dir, "rules.calc", rules);
    let merged = reckon(&["compile", "--emit", "calc", &first, &second], "");
    assert!(merged.status.success(), "{}", stderr(&merged));
    let text = stdout(&merged);
    let fact = text.find("fact shift").expect("the fact type");
    let comment = text.find("// Anything").expect("the comment");
    let rule = text.find("rule \"Long shift\"").expect("the rule");
    assert!(fact < comment && comment < rule, "{text}");
}

#[test]
fn fmt_rewrites_and_check_lists_what_would_change() {
    let dir = scratch("fmt");
    let messy = RULES
        .replace("  for each", "      for each")
        .replace("{ shift_id: s.id }", "{shift_id:s.id}");
    let file = write(&dir, "rules.calc", &messy);

    let check = reckon(&["fmt", "--check", &file], "");
    assert_eq!(check.status.code(), Some(1));
    assert_eq!(stdout(&check).trim(), file);
    assert_eq!(std::fs::read_to_string(&file).expect("read"), messy);

    let format = reckon(&["fmt", &file], "");
    assert!(format.status.success(), "{}", stderr(&format));
    assert_eq!(std::fs::read_to_string(&file).expect("read"), RULES);

    let again = reckon(&["fmt", "--check", &file], "");
    assert!(again.status.success());
    assert_eq!(stdout(&again), "");
}

#[test]
fn fmt_leaves_a_broken_file_alone() {
    let dir = scratch("fmt-broken");
    let broken = RULES.replace("s.hours > 12", "s.hours > (12");
    let file = write(&dir, "rules.calc", &broken);
    let output = reckon(&["fmt", &file], "");
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("not formatted"),
        "{}",
        stderr(&output)
    );
    assert_eq!(std::fs::read_to_string(&file).expect("read"), broken);
}

#[test]
fn fmt_reads_standard_input_and_canonicalises_json() {
    let output = reckon(&["fmt", "-"], &RULES.replace("  emit", "        emit"));
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(stdout(&output), RULES);

    let dir = scratch("fmt-json");
    let calc = write(&dir, "rules.calc", RULES);
    let canonical = stdout(&reckon(&["compile", "--emit", "json", &calc], ""));
    let squashed: String = canonical.lines().map(str::trim).collect();
    let json = write(&dir, "rules.json", &squashed);
    let output = reckon(&["fmt", &json], "");
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(std::fs::read_to_string(&json).expect("read"), canonical);
}
