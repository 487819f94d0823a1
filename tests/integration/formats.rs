//! `--format concise` and `check --statistics` (spec §11), through the built binary.

use crate::support::mamlint;

fn stdout_of(output: &std::process::Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

#[test]
fn concise_is_one_line_per_finding() {
    let output = mamlint()
        .args(["check", "examples/broken", "--format", "concise"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stdout = stdout_of(&output);
    // Every finding of the JSON report is one line, in the same order.
    let json = mamlint()
        .args(["check", "examples/broken", "--format", "json"])
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let expected: Vec<String> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            format!(
                "{}:{}:{}: {} [{}] {}",
                d["file"].as_str().unwrap(),
                d["line"],
                d["column"],
                d["code"].as_str().unwrap(),
                d["severity"].as_str().unwrap(),
                d["message"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(stdout.lines().collect::<Vec<_>>(), expected);
    // The summary keeps to standard error, as with the other machine formats.
    assert_eq!(
        String::from_utf8_lossy(&output.stderr).trim_end(),
        "Found 28 errors and 11 warnings in 7 files (12 documents in 7 files checked)."
    );
    insta::assert_snapshot!(stdout);
}

#[test]
fn concise_to_a_file_beside_another_output() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("findings.txt");
    let output = mamlint()
        .args([
            "check",
            "examples/broken/ios-policies.yaml",
            "--select",
            "MAM102,MAM003",
            "--format",
            "json",
        ])
        .arg("--format")
        .arg(format!("concise={}", path.display()))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["diagnostics"].as_array().unwrap().len(), 2);
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        "examples/broken/ios-policies.yaml:12:7: MAM102 [error] `com.atlassian.android.confluence.core` is the Android package ID of Confluence Cloud, but this is an iOS/iPadOS policy\n\
         examples/broken/ios-policies.yaml:17:18: MAM003 [warning] `pinRequired: yes` is the string \"yes\" in YAML 1.2, not a boolean\n"
    );
}

#[test]
fn concise_prints_nothing_when_clean() {
    let output = mamlint()
        .args(["check", "examples/clean", "--format", "concise"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(stdout_of(&output), "");
    assert!(
        String::from_utf8_lossy(&output.stderr).starts_with("All checks passed: "),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}
