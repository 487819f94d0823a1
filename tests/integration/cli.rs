//! The command line: exit codes, formats, selection, standard input, `rule` and `schema`.

use crate::support::mamlint;

const IOS_MISMATCH: &str = "apiVersion: mamlint/v1\nkind: AppProtectionPolicy\nmetadata: {name: p}\nspec:\n  platform: ios\n  displayName: P\n  apps:\n    - com.atlassian.jira.app\n    - com.atlassian.android.confluence.core\n  settings:\n    pinRequired: yes\n";

#[test]
fn exit_codes_follow_the_fail_level() {
    mamlint().args(["check", "examples/clean"]).assert().code(0);
    mamlint()
        .args(["check", "examples/broken"])
        .assert()
        .code(1);
    // Only warnings: exit 0 at the default fail level, 1 with --fail-level warning.
    let args = [
        "check",
        "-",
        "--stdin-filename",
        "p.yaml",
        "--select",
        "MAM003",
    ];
    mamlint()
        .args(args)
        .write_stdin(IOS_MISMATCH)
        .assert()
        .code(0);
    mamlint()
        .args(args)
        .args(["--fail-level", "warning"])
        .write_stdin(IOS_MISMATCH)
        .assert()
        .code(1);
    mamlint()
        .args(["check", "--format", "yaml"])
        .assert()
        .code(2);
    mamlint()
        .args(["check", "--select", "MAM999"])
        .assert()
        .code(2);
    mamlint().args(["frobnicate"]).assert().code(2);
}

#[test]
fn json_output_is_the_spec_format() {
    let output = mamlint()
        .args([
            "check",
            "-",
            "--stdin-filename",
            "policies/ios.yaml",
            "--format",
            "json",
        ])
        .write_stdin(IOS_MISMATCH)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["version"], 1);
    assert_eq!(report["tool"]["name"], "mamlint");
    let mismatch = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "MAM102")
        .unwrap();
    assert_eq!(
        mismatch,
        &serde_json::json!({
            "code": "MAM102",
            "name": "platform-mismatch",
            "severity": "error",
            "message": "`com.atlassian.android.confluence.core` is the Android package ID of Confluence Cloud, but this is an iOS/iPadOS policy",
            "help": "the iOS/iPadOS bundle ID of Confluence Cloud is `com.atlassian.confluence.app`",
            "file": "policies/ios.yaml",
            "line": 9, "column": 7, "endLine": 9, "endColumn": 44,
            "document": 0,
            "pointer": "/spec/apps/1",
            "fix": {
                "description": "replace with `com.atlassian.confluence.app`",
                "applicability": "safe",
                "edits": [{"file": "policies/ios.yaml", "start": 151, "end": 188, "replacement": "com.atlassian.confluence.app"}]
            }
        })
    );
    assert_eq!(
        &IOS_MISMATCH[151..188],
        "com.atlassian.android.confluence.core"
    );
    assert_eq!(
        report["summary"],
        serde_json::json!({"files": 1, "documents": 1, "errors": 1, "warnings": 2, "infos": 0})
    );
}

#[test]
fn fix_offsets_of_utf16_files_count_bytes_on_disk() {
    let text = "{\r\n  \"@odata.type\": \"#microsoft.graph.iosManagedAppProtection\",\r\n  \"displayName\": \"Ünïcödé\",\r\n  \"isAssigned\": true,\r\n  \"apps\": [\"com.atlassian.android.jira.core\"]\r\n}\r\n";
    let mut bytes = vec![0xFF, 0xFE];
    bytes.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("export.json");
    std::fs::write(&path, &bytes).unwrap();
    let output = mamlint()
        .args(["check", "--format", "json"])
        .arg(&path)
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let d = &report["diagnostics"][0];
    assert_eq!(
        (d["code"].as_str(), d["line"].as_u64(), d["column"].as_u64()),
        (Some("MAM102"), Some(5), Some(12))
    );
    let edit = &d["fix"]["edits"][0];
    let (start, end) = (
        edit["start"].as_u64().unwrap() as usize,
        edit["end"].as_u64().unwrap() as usize,
    );
    let units: Vec<u16> = bytes[start..end]
        .chunks(2)
        .map(|p| u16::from_le_bytes([p[0], p[1]]))
        .collect();
    assert_eq!(
        String::from_utf16(&units).unwrap(),
        "\"com.atlassian.android.jira.core\""
    );
    assert_eq!(edit["replacement"], "\"com.atlassian.jira.app\"");
}

#[test]
fn select_and_ignore_by_code_prefix_and_name() {
    let run = |args: &[&str]| {
        let output = mamlint()
            .args(["check", "examples/broken", "--format", "json"])
            .args(args)
            .output()
            .unwrap();
        let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        let mut codes: Vec<String> = report["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["code"].as_str().unwrap().to_owned())
            .collect();
        codes.sort();
        codes.dedup();
        codes
    };
    assert_eq!(run(&["--select", "MAM30"]), ["MAM301", "MAM302"]);
    assert_eq!(
        run(&["--select", "platform-mismatch,MAM201"]),
        ["MAM102", "MAM201"]
    );
    assert!(
        !run(&["--ignore", "MAM4,MAM001"])
            .iter()
            .any(|c| c.starts_with("MAM4") || c == "MAM001")
    );
}

#[test]
fn human_output_has_frames_help_and_summary_without_colour() {
    let output = mamlint()
        .args(["check", "-", "--stdin-filename", "ios.yaml"])
        .write_stdin(IOS_MISMATCH)
        .output()
        .unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(!stdout.contains('\u{1b}'), "no colour when not a terminal");
    assert!(stdout.contains("error[MAM102]: `com.atlassian.android.confluence.core` is the Android package ID of Confluence Cloud, but this is an iOS/iPadOS policy\n --> ios.yaml:9:7\n"), "{stdout}");
    assert!(stdout.contains("  = help: the iOS/iPadOS bundle ID of Confluence Cloud is `com.atlassian.confluence.app`"), "{stdout}");
    assert!(
        stdout
            .ends_with("Found 1 error and 2 warnings in 1 file (1 document in 1 file checked).\n"),
        "{stdout}"
    );
    let quiet = mamlint()
        .args(["check", "-q", "-"])
        .write_stdin(IOS_MISMATCH)
        .output()
        .unwrap();
    assert!(!String::from_utf8_lossy(&quiet.stdout).contains("Found"));
}

#[test]
fn json_stdin_defaults_to_a_dash_path() {
    let output = mamlint().args(["check", "-", "--format", "json"]).write_stdin("{\"@odata.type\": \"#microsoft.graph.androidManagedAppProtection\", \"connectToVpnOnLaunch\": true, \"isAssigned\": true, \"apps\": [\"com.atlassian.android.jira.core\"]}").output().unwrap();
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["diagnostics"][0]["file"], "-");
    assert_eq!(report["diagnostics"][0]["code"], "MAM401");
}

#[test]
fn rule_prints_documentation() {
    let output = mamlint().args(["rule", "MAM102"]).output().unwrap();
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(
        text.starts_with("# MAM102 platform-mismatch\n\nDefault severity: error."),
        "{text}"
    );
    for heading in [
        "## What it checks",
        "## Why it matters",
        "## Example",
        "## Fix",
        "## Source",
    ] {
        assert!(text.contains(heading), "{heading}");
    }
    mamlint()
        .args(["rule", "no-assignments"])
        .assert()
        .code(0)
        .stdout(predicates::str::contains("MAM402"));
    mamlint().args(["rule", "MAM999"]).assert().code(2);
    let all = mamlint()
        .args(["rule", "--all", "--format", "json"])
        .output()
        .unwrap();
    let rules: serde_json::Value = serde_json::from_slice(&all.stdout).unwrap();
    assert_eq!(rules.as_array().unwrap().len(), mamlint::rules::RULES.len());
}

#[test]
fn rule_mam501_lists_the_framework_rows_with_their_source() {
    let output = mamlint().args(["rule", "MAM501"]).output().unwrap();
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(text.contains("## The framework rows"), "{text}");
    assert!(
        text.contains(
            "https://learn.microsoft.com/intune/intune-service/apps/app-protection-framework"
        ),
        "the source is named"
    );
    assert!(text.contains("### Android") && text.contains("### iOS/iPadOS"));
    assert!(
        text.contains("| `dataBackupBlocked` | false | true | true | yes |"),
        "one row per setting, each level's requirement: {text}"
    );
    assert!(
        text.contains("Left out:"),
        "what the data leaves out is said"
    );
    let other = mamlint().args(["rule", "MAM102"]).output().unwrap();
    assert!(
        !String::from_utf8(other.stdout)
            .unwrap()
            .contains("framework rows")
    );
    let json = mamlint()
        .args(["rule", "MAM501", "--format", "json"])
        .output()
        .unwrap();
    let rule: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert!(
        rule["reference"]
            .as_str()
            .unwrap()
            .contains("dataBackupBlocked")
    );
}

#[test]
fn schema_prints_and_writes_the_embedded_schemas() {
    let output = mamlint()
        .args(["schema", "AppProtectionPolicy"])
        .output()
        .unwrap();
    let schema: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(
        schema["$schema"],
        "https://json-schema.org/draft/2020-12/schema"
    );
    assert_eq!(
        schema["$defs"]["iosSettings"]["properties"]["faceIdBlocked"]["type"],
        serde_json::json!(["boolean", "null"])
    );
    assert!(
        schema["$defs"]["iosSettings"]["properties"]
            .get("connectToVpnOnLaunch")
            .is_none()
    );
    mamlint()
        .args(["schema", "iosManagedAppProtection"])
        .assert()
        .code(0);
    mamlint().args(["schema", "Nope"]).assert().code(2);
    let dir = tempfile::tempdir().unwrap();
    mamlint()
        .args(["schema", "--write"])
        .arg(dir.path())
        .assert()
        .code(0);
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        mamlint::schema::EMBEDDED.len()
    );
}

#[test]
fn framework_template_platform_comes_from_the_file_name() {
    let dir = tempfile::tempdir().unwrap();
    // Untyped: a policy because most of its keys (and at least five) are app protection
    // properties; the platform then comes from the file name (spec 8.1).
    let template = "{\n  \"displayName\": \"Level 1\",\n  \"faceIdBlocked\": \"no\",\n  \"pinRequired\": true,\n  \"saveAsBlocked\": true,\n  \"printBlocked\": true\n}\n";
    std::fs::write(dir.path().join("level-1-basic-iOS.json"), template).unwrap();
    std::fs::write(dir.path().join("level-1-basic-Android.json"), template).unwrap();
    let output = mamlint()
        .args(["check", "--verbose", "--format", "json"])
        .arg(dir.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains(
            "level-1-basic-iOS.json: read as an iosManagedAppProtection policy from the file name"
        ),
        "{stderr}"
    );
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let found: Vec<(&str, &str)> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap(),
                d["file"].as_str().unwrap().rsplit('/').next().unwrap(),
            )
        })
        .collect();
    // faceIdBlocked is an iOS property: unknown on Android, a wrongly typed value on iOS.
    assert_eq!(
        found,
        [
            ("MAM006", "level-1-basic-Android.json"),
            ("MAM007", "level-1-basic-iOS.json")
        ]
    );
}

/// Every mode maps an unreadable path or a broken configuration to exit code 2.
#[test]
fn unreadable_paths_exit_2_in_every_mode() {
    let dir = tempfile::tempdir().unwrap();
    let baseline = dir.path().join("baseline.json");
    let baseline = baseline.to_str().unwrap();
    for args in [
        &["check", "missing.yaml"][..],
        &["check", "--diff", "missing.yaml"],
        &["check", "--fix", "missing.yaml"],
        &["check", "--write-baseline", baseline, "missing.yaml"],
        &["check", "--format", "sarif", "missing.yaml"],
        &["check", "--exit-zero", "missing.yaml"],
        &["plan", "--current", "examples/tenant-state", "missing.yaml"],
    ] {
        let output = mamlint().args(args).output().unwrap();
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        assert!(
            String::from_utf8_lossy(&output.stderr).contains("cannot read missing.yaml"),
            "{args:?}"
        );
    }
}
