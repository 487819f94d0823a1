//! `mamlint effective` (spec 9): the settings that apply to a group for one app and platform,
//! merged from every policy that reaches it, with the conflicts and their result; MAM502 is
//! the same merge reported as findings.

use serde_json::Value;

use crate::support::mamlint;

const MAM502: &str = "tests/fixtures/rules/MAM502-conflicting-policies";
const GROUP: &str = "0b6e2c1a-5f0d-4c5e-9a7b-3d2f1e0c9b8a";
const PILOT_GROUP: &str = "5d4c3b2a-1f0e-4d9c-8b7a-6f5e4d3c2b1a";

fn effective(args: &[&str]) -> (Option<i32>, String, String) {
    let output = mamlint()
        .args(["effective", "--no-config"])
        .args(args)
        .output()
        .unwrap();
    (
        output.status.code(),
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8(output.stderr).unwrap(),
    )
}

fn json(args: &[&str]) -> Value {
    let (code, stdout, stderr) = effective(&[args, &["--format", "json"]].concat());
    assert_eq!(code, Some(0), "{stderr}");
    serde_json::from_str(&stdout).unwrap()
}

fn setting<'a>(group: &'a Value, name: &str) -> &'a Value {
    group["settings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == name)
        .unwrap_or_else(|| panic!("no {name} in {group:#}"))
}

#[test]
fn the_human_view_of_a_group() {
    let path = format!("{MAM502}/invalid.yaml");
    let (code, stdout, stderr) = effective(&[
        &path,
        "--app",
        "jira-cloud",
        "--platform",
        "ios",
        "--group",
        GROUP,
    ]);
    assert_eq!(code, Some(0), "{stderr}");
    insta::assert_snapshot!(stdout);
}

#[test]
fn the_json_view_of_a_group() {
    let path = format!("{MAM502}/invalid-number.yaml");
    let report = json(&[&path, "--app", "jira-cloud", "--platform", "android"]);
    insta::assert_json_snapshot!(report);
}

#[test]
fn numeric_fields_take_the_recommended_value() {
    let path = format!("{MAM502}/invalid-number.yaml");
    let report = json(&[&path, "--app", "jira-cloud", "--platform", "android"]);
    assert_eq!(report["version"], 1);
    assert_eq!(report["app"], "jira-cloud");
    assert_eq!(report["platform"], "android");
    let group = &report["groups"][0];
    assert_eq!(group["group"], GROUP);
    assert_eq!(
        group["policies"],
        serde_json::json!(["atlassian-android", "atlassian-android-pilot"])
    );
    // 6 and 8 resolve to 4, which no file says.
    let length = setting(group, "minimumPinLength");
    assert_eq!(length["value"], 4);
    assert_eq!(length["conflict"], true);
    assert_eq!(length["from"], serde_json::json!([]));
    assert_eq!(length["source"], "recommended");
    assert_eq!(length["resolution"], "recommended value");
    // 5 and 3 resolve to 5, what the first policy says.
    let retries = setting(group, "maximumPinRetries");
    assert_eq!(retries["value"], 5);
    assert_eq!(retries["from"], serde_json::json!(["atlassian-android"]));
    assert_eq!(retries["source"], "set");
    // Agreeing defaults are no conflict.
    let pin = setting(group, "pinRequired");
    assert_eq!(pin["conflict"], false);
    assert_eq!(pin["source"], "default");
    assert_eq!(pin["value"], true);
}

#[test]
fn every_group_with_its_own_policies_and_exclusion_wins() {
    let path = format!("{MAM502}/valid.yaml");
    let report = json(&[&path, "--app", "jira-cloud", "--platform", "ios"]);
    let groups: Vec<(&str, Vec<&str>)> = report["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| {
            (
                g["group"].as_str().unwrap(),
                g["policies"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|p| p.as_str().unwrap())
                    .collect(),
            )
        })
        .collect();
    // The main policy includes and excludes the pilot group: only the pilot reaches it.
    assert_eq!(
        groups,
        [
            (GROUP, vec!["atlassian-ios", "atlassian-ios-same"]),
            (PILOT_GROUP, vec!["atlassian-ios-pilot"]),
        ]
    );
    let pilot = &report["groups"][1];
    assert_eq!(setting(pilot, "printBlocked")["value"], true);
    assert_eq!(setting(pilot, "minimumPinLength")["value"], 8);
}

#[test]
fn formats_merge_and_unknown_values_stay_unknown() {
    let report = json(&[
        "tests/fixtures/effective",
        "--app",
        "com.atlassian.jira.app",
        "--platform",
        "ios",
        "--tenant",
        "acme-entra",
    ]);
    let group = &report["groups"][0];
    assert_eq!(group["tenant"], "acme-entra");
    assert_eq!(
        group["policies"],
        serde_json::json!([
            "atlassian-ios",
            "microsoft365wp_ios_managed_app_protection.pilot"
        ])
    );
    let print = setting(group, "printBlocked");
    assert_eq!(print["value"], true);
    assert_eq!(print["conflict"], true);
    assert_eq!(print["resolution"], "most restrictive");
    assert_eq!(
        print["from"],
        serde_json::json!(["microsoft365wp_ios_managed_app_protection.pilot"])
    );
    let length = setting(group, "minimumPinLength");
    assert_eq!(length["value"], Value::Null);
    assert_eq!(length["source"], "unknown");
    assert_eq!(length["conflict"], false);
    assert_eq!(
        length["unknownIn"],
        serde_json::json!(["microsoft365wp_ios_managed_app_protection.pilot"])
    );
    // A default against a set value: the shorter offline period applies.
    let offline = setting(group, "periodOfflineBeforeAccessCheck");
    assert_eq!(offline["value"], "PT12H");
    assert_eq!(offline["from"], serde_json::json!(["atlassian-ios"]));

    // MAM502 reports the same conflicts, and never the unknown one.
    let output = mamlint()
        .args(["check", "--no-config", "--format", "concise"])
        .args(["--select", "MAM502", "tests/fixtures/effective"])
        .output()
        .unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 3, "{stdout}");
    for (line, setting) in lines.iter().zip([
        "printBlocked",
        "maximumPinRetries",
        "periodOfflineBeforeAccessCheck",
    ]) {
        assert!(line.contains(&format!("`{setting}`")), "{stdout}");
    }
    assert!(!stdout.contains("minimumPinLength"), "{stdout}");
}

#[test]
fn a_group_no_policy_reaches_is_said_so() {
    let path = format!("{MAM502}/invalid.yaml");
    let (code, stdout, _) = effective(&[
        &path,
        "--app",
        "confluence-cloud",
        "--platform",
        "android",
        "--group",
        GROUP,
    ]);
    assert_eq!(code, Some(0));
    assert_eq!(
        stdout,
        format!(
            "No app protection policy for Confluence Cloud on Android reaches group {GROUP}.\n"
        )
    );
}

#[test]
fn unknown_apps_platforms_and_tenants_are_usage_errors() {
    let path = format!("{MAM502}/invalid.yaml");
    let (code, stdout, stderr) = effective(&[&path, "--app", "jira", "--platform", "ios"]);
    assert_eq!(code, Some(2));
    assert!(stdout.is_empty());
    assert_eq!(
        stderr,
        "error: unknown app `jira` (did you mean `jira-cloud`?); expected a catalog key: jira-cloud, confluence-cloud, opsgenie\n"
    );
    let (code, _, stderr) = effective(&[&path, "--app", "jira-cloud", "--platform", "windows"]);
    assert_eq!(code, Some(2));
    assert!(
        stderr.contains("invalid value 'windows' for '--platform"),
        "{stderr}"
    );
    let (code, _, stderr) = effective(&[
        "tests/fixtures/effective",
        "--app",
        "jira-cloud",
        "--platform",
        "ios",
        "--tenant",
        "acme-entr",
    ]);
    assert_eq!(code, Some(2));
    assert_eq!(
        stderr,
        "error: no loaded EntraTenant is named `acme-entr` (did you mean `acme-entra`?)\n"
    );
    let (code, _, stderr) = effective(&[&path, "--platform", "ios"]);
    assert_eq!(code, Some(2));
    assert!(stderr.contains("--app <APP>"), "{stderr}");
}

#[test]
fn conflicts_cross_formats_at_each_files_own_place() {
    let output = mamlint()
        .args([
            "check",
            "--no-config",
            "--select",
            "MAM502",
            "--format",
            "json",
        ])
        .args([
            "examples/dsc/AtlassianAppProtection.ps1",
            "tests/fixtures/terraform/valid-wp-ios.tf",
        ])
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    let found: Vec<(&str, u64, &str, u64)> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["file"].as_str().unwrap(),
                d["line"].as_u64().unwrap(),
                d["related"][0]["file"].as_str().unwrap(),
                d["related"][0]["line"].as_u64().unwrap(),
            )
        })
        .collect();
    // The DSC policy blocks contact sync where Terraform keeps the default (at its resource
    // block); Terraform resets PINs yearly where DSC keeps the default.
    assert_eq!(
        found,
        [
            (
                "examples/dsc/AtlassianAppProtection.ps1",
                44,
                "tests/fixtures/terraform/valid-wp-ios.tf",
                4
            ),
            (
                "tests/fixtures/terraform/valid-wp-ios.tf",
                30,
                "examples/dsc/AtlassianAppProtection.ps1",
                33
            ),
        ]
    );
    let message = report["diagnostics"][1]["message"].as_str().unwrap();
    assert_eq!(
        message,
        "`microsoft365wp_ios_managed_app_protection.atlassian` and `IntuneAppProtectionPolicyiOS \"IntuneAppProtectionPolicyiOS-Jira and Confluence (iOS)\"` reach group 0b6e2c1a-5f0d-4c5e-9a7b-3d2f1e0c9b8a with Jira Cloud, Confluence Cloud, and `periodBeforePinReset` is \"P365D\" here but \"PT0S\" (default) in `IntuneAppProtectionPolicyiOS \"IntuneAppProtectionPolicyiOS-Jira and Confluence (iOS)\"`; Intune applies the most restrictive value, \"P365D\""
    );
}
