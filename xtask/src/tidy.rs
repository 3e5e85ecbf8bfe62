//! `cargo xtask tidy`: the house rules of STYLE.md that a machine can check — the crate
//! dependency graph, a `//!` purpose line at the top of every Rust file, hand-written files
//! under 600 lines, and no `debug_`/`temporary_`/`tmp_` files. It also runs as a test.

use std::fmt::Write;
use std::path::{Path, PathBuf};

/// Longest hand-written Rust file, in lines.
const MAX_LINES: usize = 600;

/// Which of our crates each crate may depend on (normal dependencies; tests may use more).
const ALLOWED: &[(&str, &[&str])] = &[
    ("reckon-fact-store", &[]),
    ("reckon-rule-ir", &["reckon-fact-store"]),
    ("reckon-calc-dsl", &["reckon-rule-ir"]),
    ("reckon-rete-core", &["reckon-rule-ir", "reckon-fact-store"]),
    (
        "reckon",
        &[
            "reckon-fact-store",
            "reckon-rule-ir",
            "reckon-calc-dsl",
            "reckon-rete-core",
        ],
    ),
    ("reckon-cli", &["reckon"]),
    ("reckon-bench-harness", &["reckon", "reckon-fact-store"]),
    ("xtask", &[]),
];

pub(crate) fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in the workspace root")
        .to_path_buf()
}

/// Runs every check; the error lists every violation.
pub(crate) fn run(root: &Path) -> Result<(), String> {
    let mut problems = Vec::new();
    check_crate_graph(root, &mut problems);
    for file in rust_files(root) {
        check_file(root, &file, &mut problems);
    }
    if problems.is_empty() {
        Ok(())
    } else {
        let mut message = format!("tidy found {} problem(s):", problems.len());
        for problem in &problems {
            let _ = write!(message, "\n  {problem}");
        }
        Err(message)
    }
}

fn check_crate_graph(root: &Path, problems: &mut Vec<String>) {
    let mut manifests: Vec<PathBuf> = std::fs::read_dir(root.join("crates"))
        .map(|dir| {
            dir.flatten()
                .map(|entry| entry.path().join("Cargo.toml"))
                .collect()
        })
        .unwrap_or_default();
    manifests.push(root.join("xtask/Cargo.toml"));
    for manifest in manifests.iter().filter(|path| path.exists()) {
        let text = std::fs::read_to_string(manifest).unwrap_or_default();
        let Some(name) = package_name(&text) else {
            problems.push(format!("{}: no package name", manifest.display()));
            continue;
        };
        let Some((_, allowed)) = ALLOWED.iter().find(|(crate_name, _)| *crate_name == name) else {
            problems.push(format!(
                "{}: crate `{name}` is not in tidy's crate graph; add it with its allowed edges",
                manifest.display()
            ));
            continue;
        };
        for dependency in
            section_keys(&text, "dependencies").filter(|dep| dep.starts_with("reckon"))
        {
            if !allowed.contains(&dependency.as_str()) {
                problems.push(format!(
                    "{}: `{name}` may not depend on `{dependency}` (see docs/architecture.md)",
                    manifest.display()
                ));
            }
        }
    }
}

fn package_name(manifest: &str) -> Option<String> {
    section_lines(manifest, "package").find_map(|line| {
        line.strip_prefix("name").map(|rest| {
            rest.trim_start_matches([' ', '='])
                .trim()
                .trim_matches('"')
                .to_owned()
        })
    })
}

/// The keys of one `[section]` of a TOML manifest.
fn section_keys<'a>(manifest: &'a str, section: &'a str) -> impl Iterator<Item = String> + 'a {
    section_lines(manifest, section).filter_map(|line| {
        line.split(['=', '.'])
            .next()
            .map(|key| key.trim().to_owned())
    })
}

fn section_lines<'a>(manifest: &'a str, section: &'a str) -> impl Iterator<Item = &'a str> + 'a {
    let header = format!("[{section}]");
    manifest
        .lines()
        .map(str::trim)
        .skip_while(move |line| *line != header)
        .skip(1)
        .take_while(|line| !line.starts_with('['))
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
}

fn check_file(root: &Path, file: &Path, problems: &mut Vec<String>) {
    let shown = file
        .strip_prefix(root)
        .unwrap_or(file)
        .display()
        .to_string();
    let name = file
        .file_name()
        .and_then(|name| name.to_str())
        .unwrap_or_default();
    if ["debug_", "temporary_", "tmp_"]
        .iter()
        .any(|prefix| name.starts_with(prefix))
    {
        problems.push(format!(
            "{shown}: name the file for what it does, not `{name}`"
        ));
    }
    let Ok(text) = std::fs::read_to_string(file) else {
        problems.push(format!("{shown}: not readable as UTF-8"));
        return;
    };
    if !text
        .lines()
        .find(|line| !line.trim().is_empty())
        .is_some_and(|line| line.starts_with("//!"))
    {
        problems.push(format!(
            "{shown}: start the file with a `//!` line saying what it is for"
        ));
    }
    let lines = text.lines().count();
    if lines > MAX_LINES {
        problems.push(format!(
            "{shown}: {lines} lines; split it by responsibility (limit {MAX_LINES})"
        ));
    }
}

/// Every `.rs` file of the crates and the xtask, outside build output.
fn rust_files(root: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut pending = vec![root.join("crates"), root.join("xtask")];
    while let Some(dir) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let name = entry.file_name();
            if path.is_dir() {
                if name != "target" && name != "fuzz" {
                    pending.push(path);
                }
            } else if path.extension().is_some_and(|ext| ext == "rs") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_source_tree_is_tidy() {
        if let Err(problems) = run(&workspace_root()) {
            panic!("{problems}");
        }
    }

    #[test]
    fn a_forbidden_edge_is_reported() {
        let dir = std::env::temp_dir().join(format!("reckon-tidy-{}", std::process::id()));
        let crate_dir = dir.join("crates/fact-store");
        std::fs::create_dir_all(crate_dir.join("src")).unwrap();
        std::fs::create_dir_all(dir.join("xtask")).unwrap();
        std::fs::write(
            crate_dir.join("Cargo.toml"),
            "[package]\nname = \"reckon-fact-store\"\n\n[dependencies]\nreckon.workspace = true\nahash.workspace = true\n",
        )
        .unwrap();
        std::fs::write(crate_dir.join("src/lib.rs"), "fn main() {}\n").unwrap();
        let problems = run(&dir).unwrap_err();
        std::fs::remove_dir_all(&dir).unwrap();
        assert!(
            problems.contains("`reckon-fact-store` may not depend on `reckon`"),
            "{problems}"
        );
        assert!(
            problems.contains("src/lib.rs: start the file with a `//!` line"),
            "{problems}"
        );
        assert!(!problems.contains("ahash"), "{problems}");
    }
}
