//! Hostile and broken input: every case ends in a clear diagnostic or a clean skip, never a
//! panic, a hang or unbounded memory, and one bad file never stops the others.

use std::io::Write;

use crate::support::{codes, lint_text, lint_texts, mamlint, summary};

const GOOD: &str = "apiVersion: mamlint/v1\nkind: Organization\nmetadata: {name: acme}\nspec:\n  guard: standard\n  domains: [{name: acme.com}]\n";

fn only_code(path: &str, bytes: &[u8]) -> Vec<(String, usize, usize, String)> {
    let outcome = mamlint::lint::run(
        vec![mamlint::lint::Input::memory(path, bytes.to_vec())],
        &Default::default(),
    );
    summary(&outcome)
}

#[test]
fn invalid_utf8_is_a_parse_error_with_its_byte() {
    let found = only_code("bad.yaml", b"apiVersion: mamlint/v1\nkind: \xC3\x28\n");
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].0, "MAM001");
    assert!(
        found[0].3.contains("not valid UTF-8") && found[0].3.contains("at byte 29"),
        "{}",
        found[0].3
    );
    assert_eq!(
        (found[0].1, found[0].2),
        (2, 7),
        "the finding is at the bad byte, not at 1:1"
    );
    let mut utf16 = vec![0xFF, 0xFE];
    for unit in "a: 😀\nb: x".encode_utf16() {
        utf16.extend(unit.to_le_bytes());
    }
    utf16.extend([0x00, 0xD8, b'c', 0]);
    let found = only_code("bad16.yaml", &utf16);
    assert_eq!((found[0].1, found[0].2), (2, 5), "{found:?}");
}

#[test]
fn binary_file_is_a_parse_error() {
    let found = only_code("logo.json", &[0x89, b'P', b'N', b'G', 0, 0, 0, 13]);
    assert_eq!(found[0].0, "MAM001");
    let found = only_code("zeros.yaml", b"a: 1\0\0\0");
    assert!(found[0].3.contains("looks binary"), "{}", found[0].3);
}

#[test]
fn empty_files_hold_no_document() {
    for (path, text) in [
        ("empty.yaml", ""),
        ("blank.json", "  \n"),
        ("comment.yaml", "# todo\n"),
        ("dashes.yaml", "---\n---\n"),
    ] {
        let found = only_code(path, text.as_bytes());
        assert_eq!(found.len(), 1, "{path}: {found:?}");
        assert_eq!(
            (found[0].0.as_str(), found[0].3.as_str()),
            ("MAM005", "the file holds no document"),
            "{path}"
        );
    }
}

#[test]
fn alias_bomb_is_refused_quickly() {
    let mut text = String::from(
        "apiVersion: mamlint/v1\nkind: Organization\nmetadata: {name: bomb}\nspec:\n  a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n",
    );
    for i in 1..10 {
        text.push_str(&format!(
            "  a{i}: &a{i} [{}]\n",
            vec![format!("*a{}", i - 1); 9].join(", ")
        ));
    }
    let outcome = lint_text("bomb.yaml", &text);
    assert_eq!(codes(&outcome), ["MAM001"]);
    assert!(
        outcome.diagnostics[0].message.contains("billion laughs"),
        "{}",
        outcome.diagnostics[0].message
    );
}

#[test]
fn ten_thousand_levels_of_nesting() {
    let deep_json = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    let deep_flow_yaml = format!("a: {}{}\n", "[".repeat(10_000), "]".repeat(10_000));
    let mut deep_block_yaml = String::new();
    for level in 0..10_000 {
        deep_block_yaml.push_str(&" ".repeat(level));
        deep_block_yaml.push_str("k:\n");
    }
    for (path, text) in [
        ("deep.json", deep_json),
        ("deep.yaml", deep_flow_yaml),
        ("deep-block.yaml", deep_block_yaml),
    ] {
        let outcome = lint_text(path, &text);
        assert_eq!(codes(&outcome), ["MAM001"], "{path}");
    }
}

#[test]
fn fifty_megabytes_are_refused_with_a_diagnostic() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("huge.json");
    let mut file = std::fs::File::create(&path).unwrap();
    let chunk = format!("{{\"displayName\": \"{}\"}}\n", "x".repeat(1 << 20));
    for _ in 0..50 {
        file.write_all(chunk.as_bytes()).unwrap();
    }
    drop(file);
    let output = mamlint()
        .args(["check", "--format", "json"])
        .arg(&path)
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["diagnostics"][0]["code"], "MAM001");
    assert!(
        report["diagnostics"][0]["message"]
            .as_str()
            .unwrap()
            .contains("larger than the 16777216-byte limit")
    );
    assert_eq!(output.status.code(), Some(1));
}

#[test]
fn json_with_trailing_garbage() {
    let found = only_code(
        "policy.json",
        b"{\"@odata.type\": \"#microsoft.graph.iosManagedAppProtection\"}\n`",
    );
    assert_eq!(found.len(), 1);
    assert_eq!(
        (found[0].0.as_str(), found[0].1, found[0].2),
        ("MAM001", 2, 1)
    );
}

#[test]
fn missing_path_exits_2_and_still_checks_the_rest() {
    let output = mamlint()
        .args([
            "check",
            "does/not/exist.yaml",
            "examples/broken/ios-policies.yaml",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("error: cannot read does/not/exist.yaml"),
        "{stderr}"
    );
    assert!(String::from_utf8_lossy(&output.stdout).contains("error[MAM102]"));
}

#[test]
fn unreadable_file_exits_2_and_still_checks_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("org.yaml");
    std::fs::write(&good, GOOD).unwrap();
    // Reading /proc/self/mem fails even as root; elsewhere, a file without read permission.
    let unreadable = if std::path::Path::new("/proc/self/mem").exists() {
        std::path::PathBuf::from("/proc/self/mem")
    } else {
        let path = dir.path().join("secret.yaml");
        std::fs::write(&path, GOOD).unwrap();
        std::fs::set_permissions(&path, std::os::unix::fs::PermissionsExt::from_mode(0o000))
            .unwrap();
        path
    };
    let output = mamlint()
        .arg("check")
        .arg(&unreadable)
        .arg(&good)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("error: cannot read"));
    assert!(
        String::from_utf8_lossy(&output.stdout)
            .contains("All checks passed: 1 document in 1 file.")
    );
}

#[test]
fn directory_symlink_loop_does_not_hang() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("policies")).unwrap();
    std::fs::write(dir.path().join("policies/org.yaml"), GOOD).unwrap();
    std::os::unix::fs::symlink("..", dir.path().join("policies/loop")).unwrap();
    std::os::unix::fs::symlink("self", dir.path().join("self")).unwrap();
    let output = mamlint().arg("check").arg(dir.path()).output().unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(String::from_utf8_lossy(&output.stdout).contains("1 document in 1 file"));
    // Named explicitly, a link that points at itself is an unreadable path.
    let output = mamlint()
        .arg("check")
        .arg(dir.path().join("self"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn one_bad_file_does_not_stop_the_others() {
    let outcome = lint_texts(&[
        ("a-broken.yaml", "apiVersion: mamlint/v1\nkind: [\n"),
        ("b-binary.json", "\0\0"),
        ("c-good.yaml", GOOD),
        (
            "d-ios.yaml",
            "apiVersion: mamlint/v1\nkind: AppProtectionPolicy\nmetadata: {name: p}\nspec:\n  platform: ios\n  displayName: P\n  apps: [com.atlassian.android.jira.core]\n  assignments: {include: [0b6e2c1a-5f0d-4c5e-9a7b-3d2f1e0c9b8a]}\n",
        ),
    ]);
    assert_eq!(codes(&outcome), ["MAM001", "MAM001", "MAM102"]);
}

#[test]
fn walked_garbage_that_is_not_a_policy_is_skipped() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("tsconfig.json"),
        "{ // comments are fine in tsconfig\n}",
    )
    .unwrap();
    std::fs::write(dir.path().join("data.json"), [0xFFu8, 0xFE, 0x00]).unwrap();
    std::fs::write(dir.path().join("org.yaml"), GOOD).unwrap();
    std::fs::write(
        dir.path().join("broken-policy.yaml"),
        "apiVersion: mamlint/v1\nkind: [\n",
    )
    .unwrap();
    let output = mamlint()
        .arg("check")
        .arg(dir.path())
        .arg("--verbose")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(stdout.matches("error[MAM001]").count(), 1, "{stdout}");
    assert!(stdout.contains("broken-policy.yaml"));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("tsconfig.json: not readable as YAML/JSON and not a policy file"),
        "{stderr}"
    );
}
