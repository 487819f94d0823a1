//! Graph exports as backup tools write them (spec 8.1): OData metadata at every depth,
//! platforms from `@odata.context`, app configuration exports, assignment targets, IntuneCD
//! backups without apps. Real exports of IntuneManagement and IntuneCD are in `corpus.rs`.

use crate::support::{fixture, lint_paths, mamlint, render, summary};

/// `(code, line, column)` of one expected finding.
type Expected = (&'static str, usize, usize);

/// `(file, [expected])`: exactly these findings, each file checked alone.
const EXPECTED: &[(&str, &[Expected])] = &[
    // No @odata.type: the platform comes from the context; annotations and `….android` ids
    // are not findings.
    ("context-only.json", &[]),
    // Full metadata everywhere; the all-users target is the one finding (the service rejects
    // it for app protection policies).
    ("all-users.json", &[("MAM007", 12, 32)]),
    // targetedManagedAppConfiguration: an AppConfigurationPolicy, Tunnel for MAM on an iOS app.
    ("tunnel-configuration.json", &[("MAM401", 6, 62)]),
    // IntuneCD YAML backup: no apps (so no coverage findings), the group by name.
    ("intunecd-Atlassian_iosManagedAppProtection.yaml", &[]),
];

#[test]
fn exports_as_tools_write_them() {
    for (file, expected) in EXPECTED {
        let path = fixture(&format!("exports/{file}"));
        let outcome = lint_paths(&[path.as_path()]);
        let found: Vec<(String, usize, usize)> = summary(&outcome)
            .into_iter()
            .map(|(code, line, column, _)| (code, line, column))
            .collect();
        let expected: Vec<(String, usize, usize)> = expected
            .iter()
            .map(|(code, line, column)| ((*code).to_owned(), *line, *column))
            .collect();
        assert_eq!(found, expected, "{file}:\n{}", render(&outcome));
        assert_eq!(
            outcome
                .checked_files()
                .map(|f| f.classes.len())
                .sum::<usize>(),
            1,
            "{file} is one recognized document"
        );
    }
}

#[test]
fn verbose_says_how_each_export_was_read() {
    let output = mamlint()
        .args(["check", "--verbose", "tests/fixtures/exports"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("context-only.json: read as an androidManagedAppProtection policy from its @odata.context"),
        "{stderr}"
    );
    assert!(
        stderr.contains("intunecd-Atlassian_iosManagedAppProtection.yaml: the export stores no apps; rules that need them do not run on it"),
        "{stderr}"
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains("\"#microsoft.graph.allLicensedUsersAssignmentTarget\" is not a valid assignment target of an app protection policy: the service accepts only groups"),
        "{stdout}"
    );
}
