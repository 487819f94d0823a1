//! One repository mixing every input mamlint reads (issue "Inputs", done-when): mamlint
//! manifests, a Graph export, a Terraform file and a Microsoft365DSC configuration, each
//! with one seeded fault. A check of the folder reports each fault at the key, attribute or
//! parameter the user wrote, and nothing else.

use std::path::Path;

use crate::support::{mamlint, root};

fn copy_with(from: &str, to: &Path, replace: &[(&str, &str)]) {
    let mut text = std::fs::read_to_string(root().join(from)).unwrap();
    for (old, new) in replace {
        assert!(text.contains(old), "{from} holds {old:?}");
        text = text.replace(old, new);
    }
    std::fs::write(to, text).unwrap();
}

#[test]
fn a_folder_of_every_format_reports_each_seeded_fault_and_nothing_else() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    for file in [
        "organization.yaml",
        "mobile-app-policy.yaml",
        "entra-tenants.yaml",
        "policies/acme-android.yaml",
        "policies/acme-ios.yaml",
    ] {
        let name = Path::new(file).file_name().unwrap();
        copy_with(&format!("examples/clean/{file}"), &d.join(name), &[]);
    }
    // Graph export: an all-users assignment target.
    copy_with(
        "tests/fixtures/exports/all-users.json",
        &d.join("export.json"),
        &[(
            "\"Atlassian apps (iOS)\"",
            "\"Atlassian apps (iOS, export)\"",
        )],
    );
    // Terraform: a misspelt attribute.
    copy_with(
        "tests/fixtures/terraform/valid-wp-ios.tf",
        &d.join("main.tf"),
        &[
            (
                "\"Atlassian apps (iOS)\"",
                "\"Atlassian apps (iOS, Terraform)\"",
            ),
            ("pin_required ", "pin_requird "),
            // Each policy its own group: overlapping policies are MAM502's, not a seeded fault.
            (
                "0b6e2c1a-5f0d-4c5e-9a7b-3d2f1e0c9b8a",
                "1c7f3d2b-6a1e-4d6f-8b8c-4e3a2f1d0c9b",
            ),
        ],
    );
    // DSC: data wiped no later than access is blocked (TimeSpan durations).
    copy_with(
        "tests/fixtures/dsc/invalid-MAM405-wipe-before-access.ps1",
        &d.join("config.ps1"),
        &[
            ("'Atlassian apps (iOS)'", "'Atlassian apps (iOS, DSC)'"),
            (
                "0b6e2c1a-5f0d-4c5e-9a7b-3d2f1e0c9b8a",
                "2d8a4e3c-7b2f-4e7a-9c9d-5f4b3a2e1d0c",
            ),
        ],
    );
    let output = mamlint()
        .current_dir(d)
        .args(["check", "--format", "json", "."])
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let found: Vec<(String, String, u64, u64)> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["file"].as_str().unwrap().to_owned(),
                d["code"].as_str().unwrap().to_owned(),
                d["line"].as_u64().unwrap(),
                d["column"].as_u64().unwrap(),
            )
        })
        .collect();
    let expected: Vec<(String, String, u64, u64)> = [
        ("config.ps1", "MAM405", 29, 55),
        ("export.json", "MAM007", 12, 32),
        ("main.tf", "MAM006", 25, 3),
    ]
    .into_iter()
    .map(|(f, c, l, col)| (f.to_owned(), c.to_owned(), l, col))
    .collect();
    assert_eq!(
        found,
        expected,
        "{}",
        String::from_utf8_lossy(&output.stdout)
    );
    assert_eq!(report["summary"]["files"], 8, "every file is read");
    let text = std::fs::read_to_string(d.join("main.tf")).unwrap();
    assert!(
        text.lines()
            .nth(24)
            .is_some_and(|l| l.trim_start().starts_with("pin_requird")),
        "the finding is at the attribute as written"
    );
}
