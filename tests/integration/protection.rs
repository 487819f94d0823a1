//! Protection levels (spec 9): `mamlint conformance` over fixtures of each platform at each
//! level, Microsoft's 2021 templates by today's values, and MAM501 from the command line.

use serde_json::Value;

use crate::support::mamlint;

fn conformance_json(paths: &[&str]) -> Value {
    let output = mamlint()
        .arg("conformance")
        .args(paths)
        .args(["--format", "json", "--no-config"])
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

fn policy<'a>(report: &'a Value, name: &str) -> &'a Value {
    report["policies"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == name)
        .unwrap_or_else(|| panic!("no policy {name}"))
}

/// The settings that fall short at one level, sorted.
fn short_at(policy: &Value, level: u64) -> Vec<String> {
    let mut out: Vec<String> = policy["shortfalls"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["level"] == level)
        .map(|s| s["setting"].as_str().unwrap().to_owned())
        .collect();
    out.sort();
    out
}

#[test]
fn policies_that_exactly_meet_a_level_are_reported_at_it() {
    let report = conformance_json(&["tests/fixtures/protection"]);
    for (name, level) in [
        ("atlassian-ios-l1", 1),
        ("atlassian-ios-l2", 2),
        ("atlassian-ios-l3", 3),
        ("atlassian-android-l1", 1),
        ("atlassian-android-l2", 2),
        ("atlassian-android-l3", 3),
        ("atlassian-ios-defaults", 1),
        ("atlassian-android-defaults", 1),
        ("atlassian-ios-l2-short", 1),
        ("atlassian-android-l3-short", 2),
    ] {
        assert_eq!(policy(&report, name)["level"], level, "{name}");
    }
    let l3 = policy(&report, "atlassian-ios-l3");
    assert_eq!(l3["shortfalls"], serde_json::json!([]));
    assert_eq!(l3["platform"], "ios");
    assert_eq!(l3["displayName"], "Atlassian apps (iOS, level 3)");
}

#[test]
fn a_level_1_policy_lists_its_level_2_shortfalls_with_their_values() {
    let report = conformance_json(&["tests/fixtures/protection/ios-level1-exact.yaml"]);
    let l1 = policy(&report, "atlassian-ios-l1");
    assert_eq!(
        short_at(l1, 2),
        [
            "allowedOutboundClipboardSharingLevel",
            "allowedOutboundDataTransferDestinations",
            "appActionIfUnableToAuthenticateUser",
            "dataBackupBlocked",
            "managedBrowser",
            "managedBrowserToOpenLinksRequired",
            "minimumRequiredOsVersion",
            "notificationRestriction",
            "periodOfflineBeforeWipeIsEnforced",
            "saveAsBlocked",
        ]
    );
    let backup = l1["shortfalls"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["level"] == 2 && s["setting"] == "dataBackupBlocked")
        .unwrap();
    assert_eq!(
        backup,
        &serde_json::json!({"level": 2, "setting": "dataBackupBlocked", "value": false,
            "required": true, "default": false, "source": "set", "line": 13,
            "pointer": "/spec/settings/dataBackupBlocked"})
    );
    let os = l1["shortfalls"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["setting"] == "minimumRequiredOsVersion")
        .unwrap();
    assert_eq!(
        (&os["value"], &os["source"]),
        (&Value::Null, &serde_json::json!("not set"))
    );
}

#[test]
fn defaults_are_compared_and_say_so() {
    let report = conformance_json(&["tests/fixtures/protection/ios-level1-defaults.yaml"]);
    let p = policy(&report, "atlassian-ios-defaults");
    let wipe = p["shortfalls"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["level"] == 2 && s["setting"] == "periodOfflineBeforeWipeIsEnforced")
        .unwrap();
    assert_eq!(
        wipe,
        &serde_json::json!({"level": 2, "setting": "periodOfflineBeforeWipeIsEnforced",
            "value": "P90D", "required": "P30D", "default": true, "source": "default"})
    );
}

#[test]
fn one_setting_short_is_the_only_shortfall_of_its_level() {
    let report = conformance_json(&["tests/fixtures/protection"]);
    assert_eq!(
        short_at(policy(&report, "atlassian-ios-l2-short"), 2),
        ["dataBackupBlocked"]
    );
    assert_eq!(
        short_at(policy(&report, "atlassian-android-l3-short"), 3),
        ["minimumPinLength"]
    );
}

/// Microsoft's 2021 templates by today's values: the Android ones lack the device lock row
/// (they use deviceLockRequired), and the Level 2 and 3 ones keep data 90 days offline.
#[test]
fn the_2021_templates_meet_less_than_their_names() {
    let report = conformance_json(&["tests/fixtures/frameworks"]);
    let by_file = |file: &str| {
        report["policies"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["file"].as_str().unwrap().ends_with(file))
            .unwrap()
    };
    for (file, level, next) in [
        (
            "level-1-enterprise-basic-data-protection-Android.json",
            0,
            vec!["appActionIfDevicePasscodeComplexityLessThanLow"],
        ),
        (
            "level-2-enterprise-enhanced-data-protection-Android.json",
            0,
            vec!["appActionIfDevicePasscodeComplexityLessThanLow"],
        ),
        (
            "level-3-enterprise-high-data-protection-Android.json",
            0,
            vec!["appActionIfDevicePasscodeComplexityLessThanLow"],
        ),
        (
            "level-2-enterprise-enhanced-data-protection-iOS.json",
            1,
            vec!["periodOfflineBeforeWipeIsEnforced"],
        ),
        (
            "level-3-enterprise-high-data-protection-iOS.json",
            1,
            vec!["exemptedAppProtocols", "periodOfflineBeforeWipeIsEnforced"],
        ),
    ] {
        let p = by_file(file);
        assert_eq!(p["level"], level, "{file}");
        assert_eq!(short_at(p, level + 1), next, "{file}");
    }
    assert_eq!(
        by_file("level-1-enterprise-basic-data-protection-iOS.json")["level"],
        1
    );
}

#[test]
fn expressions_are_unknown_never_short() {
    let report = conformance_json(&["tests/fixtures/terraform/valid-expressions.tf"]);
    let ios = policy(
        &report,
        "microsoft365wp_ios_managed_app_protection.atlassian",
    );
    let shortfalls = ios["shortfalls"].as_array().unwrap();
    assert!(
        shortfalls
            .iter()
            .all(|s| s["setting"] != "minimumPinLength")
    );
    assert!(ios["unknown"].as_array().unwrap().iter().any(|u| {
        u["setting"] == "minimumPinLength" && u["level"] == 3 && u["source"] == "unknown"
    }));
}

#[test]
fn the_human_matrix() {
    let output = mamlint()
        .args([
            "conformance",
            "--no-config",
            "tests/fixtures/protection",
            "tests/fixtures/frameworks",
        ])
        .output()
        .unwrap();
    let text = String::from_utf8(output.stdout).unwrap();
    let matrix: String = text.split("\n\n").next().unwrap().to_owned();
    insta::assert_snapshot!(matrix);
    assert!(text.contains(
        "atlassian-ios-l2-short (tests/fixtures/protection/ios-level2-one-short.yaml): level 1\n  L2 dataBackupBlocked: false (line 13); requires true\n  L3 allowedInboundDataTransferSources"
    ), "{text}");
}

#[test]
fn markdown_is_a_table() {
    let output = mamlint()
        .args([
            "conformance",
            "--no-config",
            "--format",
            "markdown",
            "tests/fixtures/protection/ios-level2-one-short.yaml",
        ])
        .output()
        .unwrap();
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(
        text.starts_with(
            "## Protection levels\n\n| policy | file | platform | L1 | L2 | L3 | level |\n"
        ),
        "{text}"
    );
    assert!(text.contains("| `atlassian-ios-l2-short` | `tests/fixtures/protection/ios-level2-one-short.yaml` | iOS/iPadOS | ✓ | ✗ | ✗ | 1 |"), "{text}");
    assert!(
        text.contains("- Level 2: `dataBackupBlocked` is false; requires true\n"),
        "{text}"
    );
}

#[test]
fn level_makes_conformance_a_gate() {
    let exact = "tests/fixtures/protection/ios-level2-exact.yaml";
    let short = "tests/fixtures/protection/ios-level2-one-short.yaml";
    mamlint()
        .args(["conformance", "--no-config", "--level", "2", exact])
        .assert()
        .code(0);
    mamlint()
        .args(["conformance", "--no-config", "--level", "2", short])
        .assert()
        .code(1);
    mamlint()
        .args(["conformance", "--no-config", short])
        .assert()
        .code(0);
    mamlint()
        .args(["conformance", "--level", "4", short])
        .assert()
        .code(2);
}

/// `check --protection-level 2` on a policy that exactly meets Level 1 (and declares it):
/// the command line wins, and MAM501 is at each short value.
#[test]
fn check_protection_level_reports_each_short_value() {
    let output = mamlint()
        .args([
            "check",
            "--no-config",
            "--protection-level",
            "2",
            "--format",
            "json",
            "tests/fixtures/protection/ios-level1-exact.yaml",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    let findings: Vec<(String, String, u64)> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            assert_eq!(d["code"], "MAM501");
            (
                d["pointer"].as_str().unwrap().to_owned(),
                d["message"].as_str().unwrap().to_owned(),
                d["line"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(findings.len(), 10, "{findings:#?}");
    assert!(findings.contains(&(
        "/spec/settings/dataBackupBlocked".to_owned(),
        "`dataBackupBlocked` is false; protection level 2 requires true".to_owned(),
        13
    )));
    assert!(findings.contains(&(
        "/spec/settings".to_owned(),
        "`minimumRequiredOsVersion` is not set (no documented default); protection level 2 requires a value (set by the admin)".to_owned(),
        13
    )));
    // Without the flag the manifest's own level 1 applies, and it meets it.
    mamlint()
        .args([
            "check",
            "--no-config",
            "tests/fixtures/protection/ios-level1-exact.yaml",
        ])
        .assert()
        .code(0);
}

/// `[[protection.overrides]]` beats `[protection] level`, and `spec.protectionLevel` beats both.
#[test]
fn the_most_specific_level_wins() {
    let dir = tempfile::tempdir().unwrap();
    let exact =
        std::fs::read_to_string(crate::support::fixture("protection/ios-level1-exact.yaml"))
            .unwrap();
    let undeclared = exact.replace("  protectionLevel: 1\n", "");
    std::fs::write(dir.path().join("declared.yaml"), &exact).unwrap();
    std::fs::write(dir.path().join("undeclared.yaml"), &undeclared).unwrap();
    std::fs::write(
        dir.path().join("mamlint.toml"),
        "[protection]\nlevel = 1\n\n[[protection.overrides]]\npaths = [\"*.yaml\"]\nlevel = 2\n",
    )
    .unwrap();
    let run = |file: &str| {
        let output = mamlint()
            .current_dir(dir.path())
            .args(["check", "--format", "json", file])
            .output()
            .unwrap();
        let report: Value = serde_json::from_slice(&output.stdout).unwrap();
        report["diagnostics"].as_array().unwrap().len()
    };
    assert_eq!(run("undeclared.yaml"), 10);
    assert_eq!(run("declared.yaml"), 0);
}

/// A Microsoft365DSC block is judged like a manifest, at the line of its parameter.
#[test]
fn dsc_values_are_judged_at_their_parameter() {
    let report = conformance_json(&["examples/dsc/AtlassianAppProtection.ps1"]);
    let ios = report["policies"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["platform"] == "ios")
        .unwrap();
    let wipe = ios["shortfalls"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["level"] == 2 && s["setting"] == "periodOfflineBeforeWipeIsEnforced")
        .unwrap();
    assert_eq!(
        (&wipe["value"], &wipe["source"], &wipe["line"]),
        (
            &serde_json::json!("P90D"),
            &serde_json::json!("set"),
            &serde_json::json!(53)
        )
    );
}

#[test]
fn a_level_outside_the_framework_is_a_configuration_mistake() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("mamlint.toml"), "[protection]\nlevel = 4\n").unwrap();
    let exact =
        std::fs::read_to_string(crate::support::fixture("protection/ios-level1-exact.yaml"))
            .unwrap();
    std::fs::write(dir.path().join("policy.yaml"), exact).unwrap();
    let output = mamlint()
        .current_dir(dir.path())
        .args(["check", "--format", "json", "policy.yaml"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    let finding = &report["diagnostics"][0];
    assert_eq!(
        (&finding["code"], &finding["message"], &finding["line"]),
        (
            &serde_json::json!("MAM014"),
            &serde_json::json!("unknown protection level 4"),
            &serde_json::json!(2)
        )
    );
}
