//! The README's examples: the clean setup checks clean; the broken one fires every rule.

use mamlint::rules::RULES;

use crate::support::mamlint;

#[test]
fn clean_setup_checks_clean() {
    let output = mamlint()
        .args(["check", "examples/clean", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stdout)
    );
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["diagnostics"], serde_json::json!([]));
    assert_eq!(report["summary"]["files"], 8);
    assert_eq!(report["summary"]["documents"], 9);
}

#[test]
fn broken_setup_fires_every_rule() {
    let output = mamlint()
        .args(["check", "examples/broken", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let found: std::collections::BTreeSet<&str> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|d| d["code"].as_str())
        .collect();
    for meta in RULES.iter().map(|r| r.meta()) {
        assert!(
            found.contains(meta.code),
            "{} does not fire on examples/broken",
            meta.code
        );
    }
}

#[test]
fn whole_examples_folder_runs() {
    let output = mamlint().args(["check", "examples"]).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("error[MAM102]"), "{stdout}");
    assert!(
        stdout
            .lines()
            .last()
            .unwrap_or_default()
            .starts_with("Found "),
        "{stdout}"
    );
}
