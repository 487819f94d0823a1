//! The README's examples: the clean setup checks clean; the broken one fires every rule.

use mamlint::rules::RULES;

use crate::support::mamlint;

#[test]
fn clean_setup_checks_clean() {
    crate::support::assert_example_clean("examples/clean", 8, 9);
}

fn codes_of(args: &[&str]) -> (Option<i32>, std::collections::BTreeSet<String>) {
    let output = mamlint()
        .args(["check", "examples/broken", "--format", "json"])
        .args(args)
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let codes = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|d| d["code"].as_str())
        .map(str::to_owned)
        .collect();
    (output.status.code(), codes)
}

/// Rules that need a mamlint.toml to fire: a v1.0 project, a dated suppression, a mistake.
const CONFIG_RULES: [&str; 3] = ["MAM010", "MAM013", "MAM014"];

#[test]
fn broken_setup_fires_every_rule() {
    let (code, found) = codes_of(&[]);
    assert_eq!(code, Some(1));
    for meta in RULES
        .iter()
        .map(|r| r.meta())
        .filter(|m| !CONFIG_RULES.contains(&m.code))
    {
        assert!(
            found.contains(meta.code),
            "{} does not fire on examples/broken",
            meta.code
        );
    }
    // With its configuration, every rule fires; the configuration's own mistake exits with 2.
    let (code, found) = codes_of(&["--config", "examples/broken/mamlint.toml"]);
    assert_eq!(code, Some(2));
    for meta in RULES.iter().map(|r| r.meta()) {
        assert!(
            found.contains(meta.code),
            "{} does not fire on examples/broken with its mamlint.toml",
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

#[test]
fn readme_plan_of_the_examples() {
    let output = mamlint()
        .args([
            "plan",
            "examples/clean",
            "--current",
            "examples/tenant-state",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(3), "changes pending");
    let plan: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let summary: Vec<(String, String)> = plan["tenants"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|t| {
            t["changes"].as_array().unwrap().iter().map(|c| {
                (
                    c["displayName"].as_str().unwrap().to_owned(),
                    c["action"].as_str().unwrap().to_owned(),
                )
            })
        })
        .collect();
    assert_eq!(
        summary,
        [
            ("Atlassian apps (Android)".to_owned(), "update".to_owned()),
            ("Atlassian apps (iOS)".to_owned(), "create".to_owned()),
            (
                "Atlassian apps (Android, Labs)".to_owned(),
                "unchanged".to_owned()
            ),
            (
                "Atlassian apps (iOS, Labs)".to_owned(),
                "unchanged".to_owned()
            ),
        ]
    );
    let loosening: Vec<&str> = plan["tenants"][0]["changes"][0]["properties"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["direction"] == "loosening")
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(loosening, ["minimumRequiredOsVersion"]);
    assert_eq!(plan["tenants"][0]["consent"][1]["granted"], false);
    // The README's plan is this plan.
    let human = mamlint()
        .args([
            "plan",
            "examples/clean",
            "--current",
            "examples/tenant-state",
        ])
        .output()
        .unwrap();
    let readme = std::fs::read_to_string(crate::support::root().join("README.md")).unwrap();
    assert!(
        readme.contains(&String::from_utf8(human.stdout).unwrap()),
        "README.md shows an outdated plan"
    );
    mamlint()
        .args([
            "plan",
            "examples/clean",
            "--current",
            "examples/tenant-state",
            "--fail-on-loosening",
        ])
        .assert()
        .code(1);
}

/// The README's effective view and MAM502 findings are those of the examples: the clean iOS
/// policy and the stricter pilot that also reaches its group.
#[test]
fn readme_effective_view_of_the_pilot() {
    let group = "0b6e2c1a-5f0d-4c5e-9a7b-3d2f1e0c9b8a";
    let effective = mamlint()
        .args(["effective", "examples/clean", "examples/pilot"])
        .args(["--app", "jira-cloud", "--platform", "ios", "--group", group])
        .output()
        .unwrap();
    assert_eq!(effective.status.code(), Some(0));
    let view = String::from_utf8(effective.stdout).unwrap();
    assert!(view.contains("! minimumPinLength"), "{view}");
    let check = mamlint()
        .args([
            "check",
            "examples/clean",
            "examples/pilot",
            "--format",
            "concise",
        ])
        .output()
        .unwrap();
    assert_eq!(check.status.code(), Some(0), "warnings only");
    let findings = String::from_utf8(check.stdout).unwrap();
    assert_eq!(findings.lines().count(), 3, "{findings}");
    assert!(
        findings.lines().all(|l| l.contains(" MAM502 ")),
        "{findings}"
    );
    let readme = std::fs::read_to_string(crate::support::root().join("README.md")).unwrap();
    assert!(
        readme.contains(&view),
        "README.md shows an outdated effective view"
    );
    assert!(
        readme.contains(&findings),
        "README.md shows outdated MAM502 findings"
    );
}
