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
        "Found 28 errors and 12 warnings in 7 files (13 documents in 7 files checked)."
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

#[test]
fn statistics_count_each_code_most_first() {
    let output = mamlint()
        .args(["check", "examples/broken", "--statistics"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1), "findings still fail the run");
    assert_eq!(
        stdout_of(&output),
        "\
9  MAM501  [error]    below-protection-level
2  MAM009  [error]    duplicate-name
2  MAM401  [error]    tunnel-on-launch-unsupported
2  MAM402  [warning]  no-assignments
1  MAM001  [error]    parse-error
1  MAM002  [error]    duplicate-key
1  MAM003  [warning]  yaml11-boolean
1  MAM004  [warning]  unquoted-version
1  MAM005  [error]    unrecognized-document
1  MAM006  [warning]  unknown-property
1  MAM007  [error]    invalid-value
1  MAM008  [error]    dangling-reference
1  MAM011  [warning]  suppression-without-reason
1  MAM012  [warning]  unused-suppression
1  MAM101  [error]    unknown-atlassian-app-id
1  MAM102  [error]    platform-mismatch
1  MAM103  [error]    entra-app-id-mismatch
1  MAM104  [error]    app-group-excludes-custom-apps
1  MAM201  [error]    guard-subscription-missing
1  MAM202  [error]    no-verified-domain
1  MAM203  [error]    app-not-supported-with-intune
1  MAM204  [error]    policy-name-too-long
1  MAM301  [error]    missing-admin-consent
1  MAM302  [warning]  claimed-domain-without-tenant
1  MAM403  [warning]  coverage-gap
1  MAM404  [warning]  untracked-intune-target
1  MAM405  [error]    wipe-before-access-check
1  MAM406  [warning]  pin-settings-without-pin
1  MAM502  [warning]  conflicting-policies

Found 28 errors and 12 warnings in 7 files (13 documents in 7 files checked).
"
    );
    let quiet = mamlint()
        .args(["check", "examples/broken", "--statistics", "--quiet"])
        .args(["--select", "MAM003,MAM402"])
        .output()
        .unwrap();
    assert_eq!(
        stdout_of(&quiet),
        "2  MAM402  [warning]  no-assignments\n1  MAM003  [warning]  yaml11-boolean\n"
    );
}

#[test]
fn statistics_as_json_keep_the_report_envelope() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("statistics.json");
    let output = mamlint()
        .args(["check", "examples/broken", "--statistics"])
        .args(["--select", "MAM501,MAM402,MAM003"])
        .arg("--format")
        .arg(format!("json={}", path.display()))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(
        report,
        serde_json::json!({
            "version": 1,
            "tool": {"name": "mamlint", "version": env!("CARGO_PKG_VERSION")},
            "statistics": [
                {"code": "MAM501", "name": "below-protection-level", "severity": "error", "count": 9},
                {"code": "MAM402", "name": "no-assignments", "severity": "warning", "count": 2},
                {"code": "MAM003", "name": "yaml11-boolean", "severity": "warning", "count": 1},
            ],
            "summary": {"files": 7, "documents": 13, "errors": 9, "warnings": 3, "infos": 0},
        })
    );
    let keys: Vec<&String> = report.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["version", "tool", "statistics", "summary"]);
}

#[test]
fn statistics_refuse_formats_that_list_findings() {
    let output = mamlint()
        .args([
            "check",
            "examples/broken",
            "--statistics",
            "--format",
            "sarif",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(stdout_of(&output), "");
    assert_eq!(
        String::from_utf8_lossy(&output.stderr),
        "error: --statistics prints text (human) or JSON (json), not `sarif`\n"
    );
}

#[test]
fn statistics_of_a_clean_run_are_the_summary_alone() {
    let output = mamlint()
        .args([
            "check",
            "examples/clean",
            "--statistics",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["statistics"], serde_json::json!([]));
    assert!(report.get("diagnostics").is_none());
}

fn gitlab_report(args: &[&str]) -> serde_json::Value {
    let output = mamlint().args(args).output().unwrap();
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    serde_json::from_slice(&output.stdout).unwrap()
}

#[test]
fn gitlab_report_is_valid_code_quality_with_unique_fingerprints() {
    let schema_text = std::fs::read_to_string(
        crate::support::root().join("tests/gitlab/code-quality.schema.json"),
    )
    .unwrap();
    let schema: serde_json::Value = serde_json::from_str(&schema_text).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let issue = |severity: &str, path: &str| {
        serde_json::json!([{"description": "d", "check_name": "c", "fingerprint": "f",
            "severity": severity, "location": {"path": path, "lines": {"begin": 1}}}])
    };
    assert!(validator.is_valid(&issue("major", "a/b.yaml")));
    assert!(
        !validator.is_valid(&issue("error", "a/b.yaml")),
        "GitLab's severities only"
    );
    assert!(
        !validator.is_valid(&issue("major", "/abs/b.yaml")),
        "paths are relative"
    );
    let report = gitlab_report(&["check", "examples/broken", "--format", "gitlab"]);
    let errors: Vec<String> = validator
        .iter_errors(&report)
        .map(|e| e.to_string())
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    // One issue per finding of the JSON report, at its file, line and code.
    let json = mamlint()
        .args(["check", "examples/broken", "--format", "json"])
        .output()
        .unwrap();
    let findings: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let findings = findings["diagnostics"].as_array().unwrap();
    let issues = report.as_array().unwrap();
    assert_eq!(issues.len(), findings.len());
    for (issue, finding) in issues.iter().zip(findings) {
        assert_eq!(issue["check_name"], finding["code"]);
        assert_eq!(issue["location"]["path"], finding["file"]);
        assert_eq!(issue["location"]["lines"]["begin"], finding["line"]);
        let message = finding["message"].as_str().unwrap();
        assert!(issue["description"].as_str().unwrap().starts_with(message));
        let expected = match finding["severity"].as_str().unwrap() {
            "error" => "major",
            "warning" => "minor",
            _ => "info",
        };
        assert_eq!(issue["severity"], expected);
    }
    let mut prints: Vec<&str> = issues
        .iter()
        .map(|i| i["fingerprint"].as_str().unwrap())
        .collect();
    prints.sort_unstable();
    let before = prints.len();
    prints.dedup();
    assert_eq!(
        prints.len(),
        before,
        "GitLab shows only the first issue of a fingerprint"
    );
}

#[test]
fn gitlab_fingerprints_survive_moved_lines() {
    let dir = tempfile::tempdir().unwrap();
    let source = crate::support::root().join("examples/broken/ios-policies.yaml");
    let text = std::fs::read_to_string(&source).unwrap();
    let path = dir.path().join("ios-policies.yaml");
    std::fs::write(&path, &text).unwrap();
    let path_arg = path.to_string_lossy().into_owned();
    let args = [
        "check",
        "--no-config",
        path_arg.as_str(),
        "--format",
        "gitlab",
    ];
    let before = gitlab_report(&args);
    std::fs::write(&path, format!("# moved down\n\n\n{text}")).unwrap();
    let after = gitlab_report(&args);
    let prints = |r: &serde_json::Value| -> Vec<String> {
        r.as_array()
            .unwrap()
            .iter()
            .map(|i| i["fingerprint"].as_str().unwrap().to_owned())
            .collect()
    };
    assert!(!prints(&before).is_empty());
    assert_eq!(prints(&before), prints(&after));
    assert_eq!(
        after[0]["location"]["lines"]["begin"].as_u64(),
        before[0]["location"]["lines"]["begin"]
            .as_u64()
            .map(|l| l + 3),
        "the lines moved, the fingerprints did not"
    );
}

#[test]
fn gitlab_to_a_file_beside_the_human_output() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("gl-code-quality-report.json");
    let output = mamlint()
        .args([
            "check",
            "examples/broken",
            "--format",
            "human",
            "--format",
            &format!("gitlab={}", path.display()),
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(stdout_of(&output).contains("error[MAM102]"));
    let written: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(
        written,
        gitlab_report(&["check", "examples/broken", "--format", "gitlab"])
    );
}
