//! Hostile input: files built to make a linter slow or greedy. Each is checked by the real
//! binary in a child process whose address space is limited (`ulimit -v`), so a file that
//! expands without bound fails the test instead of the machine, and the test asserts what
//! the run found, not how fast it was (the benchmark scripts measure time). The bound is
//! generous for a debug build; the release figures are in the closing notes and README.

use std::path::Path;
use std::process::Command;

use serde_json::Value;

/// Address space for the child, in KiB: far above what any of these files needs once bounded
/// (a few hundred MB in a debug build), far below what the unbounded versions took (4 GB).
const ADDRESS_SPACE_KIB: u64 = 1_500_000;

const POLICY_HEAD: &str = "apiVersion: mamlint/v1\nkind: AppProtectionPolicy\nmetadata: {name: p}\nspec:\n  platform: ios\n  displayName: P\n  apps: [com.atlassian.jira.app]\n  assignments: {include: [0b6e2c1a-5f0d-4c5e-9a7b-3d2f1e0c9b8a]}\n  settings:\n";

/// Runs `mamlint check --format json ARGS` on a file with the address-space limit; the exit
/// code and the report.
fn check_bounded(file: &Path, args: &[&str]) -> (Option<i32>, Value, String) {
    let binary = assert_cmd::cargo::cargo_bin("mamlint");
    let mut script = format!(
        "ulimit -v {ADDRESS_SPACE_KIB} && exec '{}' check --format json",
        binary.display()
    );
    for arg in args {
        script.push_str(&format!(" '{arg}'"));
    }
    script.push_str(&format!(" '{}'", file.display()));
    let output = Command::new("sh").arg("-c").arg(&script).output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    let report = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "{}: no JSON report ({e}); the child died? status {:?}\n{stderr}",
            file.display(),
            output.status
        )
    });
    (output.status.code(), report, stderr)
}

fn codes(report: &Value) -> Vec<String> {
    report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap().to_owned())
        .collect()
}

fn write(dir: &Path, name: &str, text: &str) -> std::path::PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn nested_anchors_are_a_parse_error_not_an_explosion() {
    let dir = tempfile::tempdir().unwrap();
    // Each anchor holds two aliases of the one before: 2^n values from n lines.
    let mut text = String::from("a0: &a0 [x, y]\n");
    let mut i = 1;
    while text.len() < 400_000 {
        text.push_str(&format!("a{i}: &a{i} [*a{}, *a{}]\n", i - 1, i - 1));
        i += 1;
    }
    let file = write(dir.path(), "anchors.yaml", &text);
    let (code, report, stderr) = check_bounded(&file, &[]);
    assert_eq!(code, Some(1), "{stderr}");
    let message = report["diagnostics"][0]["message"].as_str().unwrap();
    assert!(
        message.contains("aliases in the file expand to more than"),
        "{message}"
    );

    // Linear nesting (each anchor holds the previous one once) grows quadratically.
    let mut text = String::from("a0: &a0 {x: 1}\n");
    for i in 1..20_000 {
        text.push_str(&format!("a{i}: &a{i} {{p: *a{}, x: 1}}\n", i - 1));
    }
    let file = write(dir.path(), "chain.yaml", &text);
    let (code, report, _) = check_bounded(&file, &[]);
    assert_eq!(code, Some(1));
    assert_eq!(codes(&report), ["MAM001"]);
}

#[test]
fn huge_mappings_merge_keys_and_unknown_settings_stay_linear() {
    let dir = tempfile::tempdir().unwrap();
    // 300,000 settings, the last repeating the first: one duplicate among very many keys.
    let mut text = String::from(POLICY_HEAD);
    for i in 0..300_000 {
        text.push_str(&format!("    unknownSetting{i}: 1\n"));
    }
    text.push_str("    unknownSetting0: 2\n");
    let file = write(dir.path(), "keys.yaml", &text);
    let (_, report, stderr) = check_bounded(&file, &["--select", "MAM002"]);
    assert_eq!(codes(&report), ["MAM002"], "{stderr}");

    // 50,000 unknown settings: the first hundred reported at their keys, then one finding
    // for the rest, at the first of them.
    let mut text = String::from(POLICY_HEAD);
    for i in 0..50_000 {
        text.push_str(&format!("    unknownSetting{i}: 1\n"));
    }
    let file = write(dir.path(), "unknown.yaml", &text);
    let (_, report, _) = check_bounded(&file, &["--select", "MAM006"]);
    let found = report["diagnostics"].as_array().unwrap();
    assert_eq!(found.len(), 101);
    let head_lines = POLICY_HEAD.lines().count() as u64;
    assert_eq!(found[99]["line"], head_lines + 100);
    assert_eq!(found[100]["line"], head_lines + 101);
    assert!(
        found[100]["message"]
            .as_str()
            .unwrap()
            .starts_with("49900 more unknown keys from `unknownSetting100` on"),
        "{}",
        found[100]["message"]
    );

    // A merge key of 100,000 keys.
    let mut text = String::from("base: &base\n");
    for i in 0..100_000 {
        text.push_str(&format!("  k{i}: 1\n"));
    }
    text.push_str("other:\n  <<: *base\n  own: 2\n");
    let file = write(dir.path(), "merge.yaml", &text);
    let (code, report, stderr) = check_bounded(&file, &[]);
    assert_eq!(code, Some(1), "{stderr}");
    assert_eq!(codes(&report), ["MAM005"], "named, but not a policy");
}

#[test]
fn a_minified_export_with_many_findings_on_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let mut export = serde_json::Map::new();
    export.insert(
        "@odata.type".into(),
        "#microsoft.graph.iosManagedAppProtection".into(),
    );
    export.insert("displayName".into(), "P — ünïcödé".into());
    for i in 0..50_000 {
        export.insert(format!("unknownSetting{i}"), 1.into());
    }
    export.insert("pinCharacterSet".into(), "emoji".into());
    let file = write(
        dir.path(),
        "minified.json",
        &Value::Object(export).to_string(),
    );
    let (_, report, _) = check_bounded(&file, &["--select", "MAM006,MAM007"]);
    let found = report["diagnostics"].as_array().unwrap();
    assert_eq!(
        codes(&report).len(),
        102,
        "100 + the rest in one + the bad value"
    );
    let text = std::fs::read_to_string(&file).unwrap();
    // The last value of the one line: its column counts characters, not bytes.
    let value = text.rfind("\"emoji\"").unwrap();
    let invalid = found.iter().find(|d| d["code"] == "MAM007").unwrap();
    assert_eq!(invalid["line"], 1);
    assert_eq!(
        invalid["column"].as_u64().unwrap() as usize,
        text[..value].chars().count() + 1,
        "columns count characters, not bytes"
    );
}

#[test]
fn devices_and_oversized_files_are_refused_without_reading_them() {
    let (code, report, stderr) = check_bounded(Path::new("/dev/zero"), &[]);
    assert_eq!(code, Some(2), "{report}");
    assert!(stderr.contains("not a regular file"), "{stderr}");

    let dir = tempfile::tempdir().unwrap();
    let big = write(dir.path(), "big.yaml", &"# padding\n".repeat(2_000_000));
    let (code, report, _) = check_bounded(&big, &[]);
    assert_eq!(code, Some(1));
    let message = report["diagnostics"][0]["message"].as_str().unwrap();
    assert!(message.contains("byte limit"), "{message}");
}

#[test]
fn ten_megabytes_of_terraform_and_deep_hcl_stay_bounded() {
    let dir = tempfile::tempdir().unwrap();
    // About 5,000 policy resources, each with a misspelt attribute: every one is reported.
    let resource = |n: usize| {
        format!(
            "resource \"microsoft365wp_ios_managed_app_protection\" \"p{n}\" {{\n  display_name = \"P{n}\"\n  app_group_type = \"selectedPublicApps\"\n  apps = [{{ app_id = {{ ios = {{ bundle_id = \"com.atlassian.jira.app\" }} }} }}]\n  assignments = [{{ target = {{ group = {{ group_id = \"0b6e2c1a-5f0d-4c5e-9a7b-3d2f1e0c9b8a\" }} }} }}]\n  pin_requird = true\n  # padding {}\n}}\n",
            "x".repeat(1_800)
        )
    };
    let mut text = String::new();
    let mut n = 0;
    while text.len() < 10 * 1024 * 1024 {
        text.push_str(&resource(n));
        n += 1;
    }
    let file = write(dir.path(), "main.tf", &text);
    let (code, report, _) = check_bounded(&file, &[]);
    assert_eq!(code, Some(0), "warnings only");
    assert_eq!(report["summary"]["documents"], n);
    assert_eq!(codes(&report), vec!["MAM006".to_owned(); n]);
    // HCL nested deeper than the parser allows is a parse error, not a stack overflow.
    let deep = write(
        dir.path(),
        "deep.tf",
        &format!(
            "resource \"microsoft365wp_ios_managed_app_protection\" \"p\" {{\n  x = {}1{}\n}}\n",
            "[".repeat(100_000),
            "]".repeat(100_000)
        ),
    );
    let (code, report, _) = check_bounded(&deep, &[]);
    assert_eq!(code, Some(1));
    assert_eq!(codes(&report), ["MAM001"]);
}

#[test]
fn powershell_with_many_resources_and_deep_nesting_stays_bounded() {
    let dir = tempfile::tempdir().unwrap();
    // 10,000 unrelated resources with nested CIM instances around one app protection block.
    let mut text = String::from("Configuration Big\n{\n    Node localhost\n    {\n");
    for i in 0..10_000 {
        text.push_str(&format!(
            "        IntuneDeviceConfigurationPolicyiOS 'p{i}'\n        {{\n            DisplayName = 'p{i}'\n            Assignments = @(\n                MSFT_DeviceManagementConfigurationPolicyAssignments{{\n                    dataType = '#microsoft.graph.allDevicesAssignmentTarget'\n                }}\n            )\n            Ensure = 'Present'\n        }}\n"
        ));
    }
    text.push_str("        IntuneAppProtectionPolicyiOS 'Atlassian'\n        {\n            DisplayName = 'Atlassian'\n            Apps = @('com.atlassian.jira')\n            Assignments = @('0b6e2c1a-5f0d-4c5e-9a7b-3d2f1e0c9b8a')\n        }\n    }\n}\n");
    let file = write(dir.path(), "big.ps1", &text);
    let (code, report, stderr) = check_bounded(&file, &[]);
    assert_eq!(code, Some(1), "{stderr}");
    assert_eq!(codes(&report), ["MAM101"]);

    // Arrays nested 100,000 deep in a policy's value: an error, not a stack overflow.
    let deep = format!(
        "Configuration Deep\n{{\n    Node localhost\n    {{\n        IntuneAppProtectionPolicyiOS 'P'\n        {{\n            Apps = {}'x'{}\n        }}\n    }}\n}}\n",
        "@(".repeat(100_000),
        ")".repeat(100_000)
    );
    let file = write(dir.path(), "deep.ps1", &deep);
    let (code, report, stderr) = check_bounded(&file, &[]);
    assert_eq!(code, Some(1), "{stderr}");
    assert_eq!(codes(&report), ["MAM001"]);
}
