//! `check --fix`, `--unsafe-fixes` and `--diff`.

use std::path::Path;

use crate::support::{mamlint, root};

fn copy_broken(to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(root().join("examples/broken")).unwrap() {
        let entry = entry.unwrap();
        if entry.file_name() != "mamlint.toml" {
            std::fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
        }
    }
}

fn fixable(dir: &Path) -> Vec<String> {
    let output = mamlint()
        .current_dir(dir)
        .args(["check", ".", "--format", "json"])
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d.get("fix").is_some())
        .map(|d| d["code"].as_str().unwrap().to_owned())
        .collect()
}

fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect();
    files.sort();
    files
}

#[test]
fn fix_keeps_formatting_and_is_idempotent() {
    let dir = tempfile::tempdir().unwrap();
    copy_broken(dir.path());
    let before = std::fs::read_to_string(dir.path().join("ios-policies.yaml")).unwrap();

    // Safe fixes only: the unsafe ones stay.
    let output = mamlint()
        .current_dir(dir.path())
        .args(["check", ".", "--fix", "-q"])
        .output()
        .unwrap();
    assert!(
        // The 4 of ios-policies.yaml and mobile-app-policies.yaml, and the 9 settings the
        // Android policy lacks for its level 1 (MAM501), added to its settings.
        String::from_utf8_lossy(&output.stderr).contains("Fixed 13 findings in 3 files."),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let mut left = fixable(dir.path());
    left.sort();
    assert_eq!(left, ["MAM101", "MAM104", "MAM401"]);

    let output = mamlint()
        .current_dir(dir.path())
        .args(["check", ".", "--fix", "--unsafe-fixes", "-q"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&output.stderr).contains("Fixed 3 findings in 2 files."));
    assert_eq!(
        fixable(dir.path()),
        Vec::<String>::new(),
        "every fixable finding is fixed"
    );

    let after = std::fs::read_to_string(dir.path().join("ios-policies.yaml")).unwrap();
    let changed: Vec<(&str, &str)> = before
        .lines()
        .zip(after.lines())
        .filter(|(b, a)| b != a)
        .collect();
    assert_eq!(
        changed,
        [
            (
                "  appGroupType: allCoreMicrosoftApps          # MAM104: does not target custom apps",
                "  appGroupType: selectedPublicApps          # MAM104: does not target custom apps"
            ),
            (
                "    - com.atlassian.android.confluence.core   # MAM102; MAM011: the suppression above gives no reason",
                "    - com.atlassian.confluence.app   # MAM102; MAM011: the suppression above gives no reason"
            ),
            (
                "    - com.atlassian.confluence                # MAM101: not an Atlassian app ID",
                "    - com.atlassian.confluence.app                # MAM101: not an Atlassian app ID"
            ),
            (
                "    pinRequired: yes                          # MAM003: a string in YAML 1.2",
                "    pinRequired: true                          # MAM003: a string in YAML 1.2"
            ),
            (
                "    minimumRequiredOsVersion: 16.10           # MAM004: reads as 16.1",
                "    minimumRequiredOsVersion: \"16.10\"           # MAM004: reads as 16.1"
            ),
        ]
    );
    assert_eq!(before.lines().count(), after.lines().count());
    // The file that does not parse is never rewritten.
    assert_eq!(
        std::fs::read(dir.path().join("unreadable-policy.yaml")).unwrap(),
        std::fs::read(root().join("examples/broken/unreadable-policy.yaml")).unwrap()
    );

    let once = snapshot(dir.path());
    let output = mamlint()
        .current_dir(dir.path())
        .args(["check", ".", "--fix", "--unsafe-fixes", "-q"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&output.stderr).contains("Fixed 0 findings in 0 files."));
    assert_eq!(snapshot(dir.path()), once, "a second run changes nothing");
}

#[test]
fn fix_keeps_utf16_and_crlf() {
    let dir = tempfile::tempdir().unwrap();
    let text = "{\r\n  \"@odata.type\": \"#microsoft.graph.iosManagedAppProtection\",\r\n  \"displayName\": \"Ünïcödé\",\r\n  \"isAssigned\": true,\r\n  \"apps\": [\"com.atlassian.android.jira.core\"]\r\n}\r\n";
    let encode = |t: &str| -> Vec<u8> {
        [0xFF, 0xFE]
            .into_iter()
            .chain(t.encode_utf16().flat_map(u16::to_le_bytes))
            .collect()
    };
    std::fs::write(dir.path().join("export.json"), encode(text)).unwrap();
    mamlint()
        .current_dir(dir.path())
        .args(["check", "export.json", "--fix"])
        .assert()
        .code(0);
    assert_eq!(
        std::fs::read(dir.path().join("export.json")).unwrap(),
        encode(&text.replace("com.atlassian.android.jira.core", "com.atlassian.jira.app"))
    );
}

#[test]
fn diff_prints_without_writing() {
    let dir = tempfile::tempdir().unwrap();
    copy_broken(dir.path());
    let before = snapshot(dir.path());
    let output = mamlint()
        .current_dir(dir.path())
        .args(["check", ".", "--diff"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let diff = String::from_utf8(output.stdout).unwrap();
    assert!(
        diff.contains("--- a/ios-policies.yaml\n+++ b/ios-policies.yaml\n"),
        "{diff}"
    );
    assert!(
        diff.contains(
            "\n-    pinRequired: yes                          # MAM003: a string in YAML 1.2\n"
        ),
        "{diff}"
    );
    assert!(
        diff.contains(
            "\n+    pinRequired: true                          # MAM003: a string in YAML 1.2\n"
        ),
        "{diff}"
    );
    assert_eq!(snapshot(dir.path()), before);
    mamlint()
        .args(["check", "examples/clean", "--diff"])
        .assert()
        .code(0)
        .stdout("");
    mamlint()
        .args(["check", "-", "--fix"])
        .write_stdin("a: 1\n")
        .assert()
        .code(2);
}

/// MAM501's fix for an absent setting adds it to the settings block, in the block's own
/// layout (a line at the members' indentation, a member of a flow mapping or JSON object),
/// and the check that follows has no MAM501 left.
#[test]
fn absent_settings_are_added_for_the_protection_level() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let policy = |name: &str, settings: &str| {
        format!(
            "apiVersion: mamlint/v1\nkind: AppProtectionPolicy\nmetadata: {{name: {name}}}\nspec:\n  platform: ios\n  displayName: {name}\n  protectionLevel: 1\n  apps: [com.atlassian.jira.app]\n  assignments: {{include: [0b6e2c1a-5f0d-4c5e-9a7b-3d2f1e0c9b8a]}}\n{settings}"
        )
    };
    // Level 1 on iOS without the two jailbreak rows and the PIN retry action.
    let block = "  settings:\n    appDataEncryptionType: whenDeviceLocked   # kept\n";
    std::fs::write(d.join("block.yaml"), policy("block", block)).unwrap();
    let flow = "  settings: {appDataEncryptionType: whenDeviceLocked}\n";
    std::fs::write(d.join("flow.yaml"), policy("flow", flow)).unwrap();
    // An export, held to level 1 by the configuration.
    let export = "{\n  \"@odata.type\": \"#microsoft.graph.iosManagedAppProtection\",\n  \"displayName\": \"export\",\n  \"appDataEncryptionType\": \"whenDeviceLocked\",\n  \"apps\": [{\"mobileAppIdentifier\": {\"@odata.type\": \"#microsoft.graph.iosMobileAppIdentifier\", \"bundleId\": \"com.atlassian.jira.app\"}}]\n}\n";
    std::fs::write(d.join("export.json"), export).unwrap();
    std::fs::write(
        d.join("mamlint.toml"),
        "[rules]\nselect = [\"MAM501\"]\n\n[protection]\nlevel = 1\n",
    )
    .unwrap();
    let output = mamlint()
        .current_dir(d)
        .args(["check", ".", "--fix", "-q"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("Fixed 9 findings in 3 files."), "{stderr}");
    let fixed: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(d.join("export.json")).unwrap()).unwrap();
    assert_eq!(fixed["deviceComplianceRequired"], true);
    assert_eq!(fixed["appActionIfDeviceComplianceRequired"], "block");
    assert_eq!(fixed["appActionIfMaximumPinRetriesExceeded"], "block");
    assert_eq!(
        std::fs::read_to_string(d.join("block.yaml")).unwrap(),
        policy(
            "block",
            "  settings:\n    appDataEncryptionType: whenDeviceLocked   # kept\n    \
             appActionIfDeviceComplianceRequired: \"block\"\n    \
             appActionIfMaximumPinRetriesExceeded: \"block\"\n    \
             deviceComplianceRequired: true\n"
        )
    );
    assert_eq!(
        std::fs::read_to_string(d.join("flow.yaml")).unwrap(),
        policy(
            "flow",
            "  settings: {appDataEncryptionType: whenDeviceLocked, \
             appActionIfDeviceComplianceRequired: \"block\", \
             appActionIfMaximumPinRetriesExceeded: \"block\", deviceComplianceRequired: true}\n"
        )
    );
    mamlint()
        .current_dir(d)
        .args(["check", "."])
        .assert()
        .code(0);
}

/// A level-3 policy that sets almost nothing: each absent setting goes in at one insertion
/// point, one a round, and one `--fix` adds them all, so that a second changes nothing (the
/// fuzzer's `lint_file` found a policy that ten rounds left half done).
#[test]
fn one_fix_adds_every_absent_setting_of_a_level() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let policy = "apiVersion: mamlint/v1\nkind: AppProtectionPolicy\nmetadata: {name: l3}\nspec:\n  platform: android\n  displayName: L3\n  protectionLevel: 3\n  apps: [com.atlassian.android.jira.core]\n  assignments:\n    include: [0b6e2c1a-5f0d-4c5e-9a7b-3d2f1e0c9b8a]\n  settings:\n    printBlocked: true\n";
    std::fs::write(d.join("l3.yaml"), policy).unwrap();
    let output = mamlint()
        .current_dir(d)
        .args(["check", "l3.yaml", "--no-config", "--fix", "-q"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    let once = std::fs::read_to_string(d.join("l3.yaml")).unwrap();
    let added = once.lines().count() - policy.lines().count();
    assert!(added > 20, "{added} settings added:\n{once}\n{stderr}");
    assert!(once.contains("    simplePinBlocked: true\n"), "{once}");
    mamlint()
        .current_dir(d)
        .args(["check", "l3.yaml", "--no-config", "--fix", "-q"])
        .output()
        .unwrap();
    assert_eq!(std::fs::read_to_string(d.join("l3.yaml")).unwrap(), once);
}

/// MAM501's fix of a value written as nothing after an anchor inserts the required value
/// apart from the anchor: written against it, it would join the anchor's name and leave the
/// value null, and every `--fix` would write it again (found by the `lint_file` fuzz target).
#[test]
fn a_fix_after_an_anchor_keeps_the_value_apart_and_fixing_again_changes_nothing() {
    use mamlint::lint::Input;
    let text = "apiVersion: mamlint/v1\nkind: AppProtectionPolicy\nmetadata: {name: p}\nspec:\n  platform: ios\n  protectionLevel: 2\n  apps: [com.atlassian.jira.app]\n  settings:\n    allowedInboundDataTransferSources: &sources\"\n";
    let settings = Default::default();
    let fixed = mamlint::fix::run(vec![Input::memory("p.yaml", text)], &settings, true);
    let changed = fixed.changed.first().expect("MAM501 fixes the null value");
    let after = String::from_utf8(changed.bytes.clone()).unwrap();
    assert!(
        after.contains("    allowedInboundDataTransferSources: &sources\" \"allApps\"\n"),
        "{after}"
    );
    assert!(
        !fixed
            .outcome
            .diagnostics
            .iter()
            .any(|d| d.rule.code == "MAM501"
                && d.message.contains("allowedInboundDataTransferSources")),
        "the fixed file meets the level: {:?}",
        fixed.outcome.diagnostics
    );
    let again = mamlint::fix::run(
        vec![Input::memory("p.yaml", after.as_str())],
        &settings,
        true,
    );
    assert!(again.changed.is_empty(), "fixing again changed the file");
}
