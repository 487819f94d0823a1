//! Real policy files from public repositories (`tests/fixtures/corpus`, see its README): no
//! crash, no MAM001/MAM002, and exactly the diagnostics stated here, each of which a reader
//! of the file would agree with.

use crate::support::{fixture, lint_paths, mamlint, render, summary};

/// `(code, line, column)` of one expected diagnostic.
type Expected = (&'static str, usize, usize);

/// `(file, [expected])`, each file named explicitly as a user would.
const EXPECTED: &[(&str, &[Expected])] = &[
    // Microsoft's framework templates: Graph beta bodies with `@odata.type` as the last key,
    // read-only keys, nulls and beta-only settings; CRLF in the level-1 Android file. All clean.
    (
        "frameworks/level-1-enterprise-basic-data-protection-Android.json",
        &[],
    ),
    (
        "frameworks/level-1-enterprise-basic-data-protection-iOS.json",
        &[],
    ),
    (
        "frameworks/level-2-enterprise-enhanced-data-protection-Android.json",
        &[],
    ),
    (
        "frameworks/level-2-enterprise-enhanced-data-protection-iOS.json",
        &[],
    ),
    (
        "frameworks/level-3-enterprise-high-data-protection-Android.json",
        &[],
    ),
    (
        "frameworks/level-3-enterprise-high-data-protection-iOS.json",
        &[],
    ),
    // A Graph GET response with read-only keys (id, version "\"1\"", createdDateTime): clean.
    ("terraform-provider-microsoft365/minimal_response.json", &[]),
    // A Graph error body, not a policy: named explicitly, it is reported as such.
    (
        "terraform-provider-microsoft365/error_response.json",
        &[("MAM005", 2, 2)],
    ),
    // UTF-16LE + CRLF arrays of managedMobileApp objects, not policies.
    ("GraphAPIConfig/Apps/Android.json", &[("MAM005", 1, 1)]),
    ("GraphAPIConfig/Apps/iOS.json", &[("MAM005", 1, 1)]),
    // Pipeline-managed Graph exports with three custom keys (SVC, REF, ENV) that are not Graph
    // properties: warnings at each key, nothing else.
    (
        "GraphAPIConfig/Policies/ENV-P/REF-01;ENV-P;VER-02; App Protection for Android.json",
        &[("MAM006", 2, 3), ("MAM006", 3, 3), ("MAM006", 4, 3)],
    ),
    (
        "GraphAPIConfig/Policies/ENV-P/REF-02;ENV-P;VER-02; App Protection for iOS.json",
        &[("MAM006", 2, 3), ("MAM006", 3, 3), ("MAM006", 4, 3)],
    ),
    // IntuneManagement exports with full OData metadata (annotations in apps, assignments and
    // targets, `#microsoft.graph.assign`/`targetApps` actions, `….ios` app ids): clean.
    (
        "intunemanagement/IntuneSnapshotRecovery-Android MAM Baseline with PIN - Sample.json",
        &[],
    ),
    (
        "intunemanagement/IntuneSnapshotRecovery-iOS MAM Baseline with PIN - Sample.json",
        &[],
    ),
    // IntuneCD backups: no apps (unknown, so no coverage findings), groups by name: clean.
    (
        "intunecd/CES2026-POC_AND_U_SBL_MSZT_AppProtection_androidManagedAppProtection.json",
        &[],
    ),
    (
        "intunecd/CES2026-POC_IOS_U_SBL_MSZT_AppProtection_iosManagedAppProtection.json",
        &[],
    ),
    // Microsoft365DSC permission manifests: JSON, but not policies.
    (
        "Microsoft365DSC/MSFT_IntuneAppProtectionPolicyAndroid/settings.json",
        &[("MAM005", 2, 5)],
    ),
    (
        "Microsoft365DSC/MSFT_IntuneAppProtectionPolicyiOS/settings.json",
        &[("MAM005", 2, 5)],
    ),
    // The deploymenttheory provider's Android policy tests (terraform/SOURCES.md): a lone
    // display name is clean (apps and assignments unknown: this resource holds neither);
    // the "maximal" ones wipe data after the same 30 days offline that block access, which
    // MAM405 reports at the wipe period.
    (
        "terraform/deploymenttheory/android_managed_app_protection/unit/001_scenario_minimal.tf",
        &[],
    ),
    (
        "terraform/deploymenttheory/android_managed_app_protection/unit/002_scenario_maximal.tf",
        &[("MAM405", 30, 44)],
    ),
    (
        "terraform/deploymenttheory/android_managed_app_protection/unit/003_lifecycle_minimal_to_maximal_step_2.tf",
        &[("MAM405", 21, 44)],
    ),
    (
        "terraform/deploymenttheory/android_managed_app_protection/acceptance/002_scenario_maximal.tf",
        &[("MAM405", 30, 44)],
    ),
    // Its app examples link apps to a policy by a literal ID, with no policy in the file:
    // named explicitly, that is said (a walk skips them).
    (
        "terraform/deploymenttheory/examples/android_managed_mobile_app/resource.tf",
        &[("MAM005", 1, 1)],
    ),
    (
        "terraform/deploymenttheory/examples/ios_managed_mobile_app/resource.tf",
        &[("MAM005", 1, 1)],
    ),
    // The microsoft365wp provider's examples: Microsoft apps or predefined app groups,
    // assigned to a group, `/* */` comments, a `terraform` block. Clean.
    (
        "terraform/microsoft365wp/android_managed_app_protection/resource.tf",
        &[],
    ),
    (
        "terraform/microsoft365wp/ios_managed_app_protection/resource.tf",
        &[],
    ),
    (
        "terraform/microsoft365wp/targeted_managed_app_configuration/resource.tf",
        &[],
    ),
    // Microsoft365DSC's own examples. The Android policy lists the iOS example's apps, each
    // with its `.ios` suffix: three entries written for iOS in an Android policy (SOURCES.md
    // in the shared reference calls this out).
    (
        "dsc/IntuneAppProtectionPolicyAndroid/1-Create.ps1",
        &[("MAM102", 33, 57), ("MAM102", 33, 89), ("MAM102", 33, 122)],
    ),
    (
        "dsc/IntuneAppProtectionPolicyAndroid/2-Update.ps1",
        &[("MAM102", 33, 57), ("MAM102", 33, 89), ("MAM102", 33, 122)],
    ),
    // ISO durations, `$True`/`$False`, a trailing `# Updated Property` comment: clean.
    ("dsc/IntuneAppProtectionPolicyiOS/1-Create.ps1", &[]),
    ("dsc/IntuneAppProtectionPolicyiOS/2-Update.ps1", &[]),
    // `Ensure = 'Absent'` only: a removal, no policy; named explicitly, it says so.
    (
        "dsc/IntuneAppProtectionPolicyAndroid/3-Remove.ps1",
        &[("MAM005", 1, 1)],
    ),
    (
        "dsc/IntuneAppProtectionPolicyiOS/3-Remove.ps1",
        &[("MAM005", 1, 1)],
    ),
    // About 100 Intune resources in one configuration: the two app protection blocks are read
    // among them (the Android one with the same `.ios` apps), the rest ignored, including a
    // CIM property named `ClassType` that the grammar cannot read.
    (
        "dsc/Tests/M365DSCIntegration.INTUNE.Create.Tests.ps1",
        &[
            ("MAM102", 218, 65),
            ("MAM102", 218, 97),
            ("MAM102", 218, 130),
        ],
    ),
];

#[test]
fn each_corpus_file_has_exactly_the_expected_diagnostics() {
    for (file, expected) in EXPECTED {
        let path = fixture(&format!("corpus/{file}"));
        let outcome = lint_paths(&[path.as_path()]);
        let found: Vec<(String, usize, usize)> = summary(&outcome)
            .into_iter()
            .map(|(c, l, col, _)| (c, l, col))
            .collect();
        let expected: Vec<(String, usize, usize)> = expected
            .iter()
            .map(|(c, l, col)| ((*c).to_owned(), *l, *col))
            .collect();
        assert_eq!(found, expected, "{file}:\n{}", render(&outcome));
    }
}

#[test]
fn corpus_custom_keys_are_named_in_the_message() {
    let path = fixture(
        "corpus/GraphAPIConfig/Policies/ENV-P/REF-02;ENV-P;VER-02; App Protection for iOS.json",
    );
    let messages: Vec<String> = summary(&lint_paths(&[path.as_path()]))
        .into_iter()
        .map(|(.., m)| m)
        .collect();
    assert_eq!(
        messages,
        [
            "`SVC` is not a Graph property of iosManagedAppProtection",
            "`REF` is not a Graph property of iosManagedAppProtection",
            "`ENV` is not a Graph property of iosManagedAppProtection",
        ]
    );
}

#[test]
fn every_corpus_policy_file_is_covered() {
    let mut files = Vec::new();
    let mut stack = vec![fixture("corpus")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path
                .extension()
                .is_some_and(|e| e == "json" || e == "tf" || e == "ps1")
            {
                let relative = path
                    .strip_prefix(fixture("corpus"))
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                files.push(relative);
            }
        }
    }
    for file in files {
        assert!(
            EXPECTED.iter().any(|(f, _)| *f == file),
            "{file} has no expected diagnostics in corpus.rs"
        );
    }
}

#[test]
fn walking_the_corpus_skips_what_is_not_a_policy() {
    // A directory walk reports only policy files: the app lists, error body, DSC manifests and
    // Terraform without a policy resource are skipped (and listed with --verbose), so a
    // repository can be checked as a whole.
    // DSC removals are skipped too. Found: the custom keys of the GraphAPIConfig exports, the
    // DSC Android example's iOS apps, and DSC's examples reusing one display name per platform.
    let output = mamlint()
        .args([
            "check",
            "tests/fixtures/corpus",
            "--format",
            "json",
            "--verbose",
        ])
        .output()
        .unwrap();
    // The three MAM405 errors of the deploymenttheory tests fail the run. Walked together,
    // its minimal test and the provider's mock Graph response of the same policy share a
    // display name: MAM009, in the test (the mock is read first).
    assert_eq!(output.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let codes: Vec<&str> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|d| d["code"].as_str())
        .collect();
    let mut counted = std::collections::BTreeMap::new();
    for code in codes {
        *counted.entry(code).or_insert(0) += 1;
    }
    assert_eq!(
        counted,
        [("MAM006", 6), ("MAM009", 5), ("MAM102", 9), ("MAM405", 3)].into()
    );
    assert_eq!(report["summary"]["files"], 13 + 7 + 5);
    let stderr = String::from_utf8_lossy(&output.stderr);
    for skipped in [
        "GraphAPIConfig/Apps/iOS.json",
        "terraform/deploymenttheory/examples/ios_managed_mobile_app/resource.tf",
        "dsc/IntuneAppProtectionPolicyiOS/3-Remove.ps1",
    ] {
        assert!(
            stderr.contains(&format!("skipped tests/fixtures/corpus/{skipped}")),
            "{stderr}"
        );
    }
}

#[test]
fn shared_reference_files_raise_no_parse_errors() {
    // CI lays the project's shared reference folder beside the clone; every file in it must
    // load without MAM001/MAM002 or any error, except in Microsoft365DSC's examples: the
    // Android one's iOS apps (MAM102, as in the copies under `dsc/` above) and one display name
    // per platform used by several files (MAM009). Without it the test is skipped, visibly,
    // and in CI it fails.
    let Some(shared) = crate::support::external_data(
        crate::support::root().join("../shared/reference"),
        "the shared reference folder is not beside the clone",
    ) else {
        return;
    };
    for dir in ["frameworks", "corpus"] {
        let output = mamlint()
            .args(["check", "--format", "json"])
            .arg(shared.join(dir))
            .output()
            .unwrap();
        let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        let mut known_errors = std::collections::BTreeMap::new();
        for d in report["diagnostics"].as_array().unwrap() {
            assert!(d["code"] != "MAM001" && d["code"] != "MAM002", "{d}");
            let file = d["file"].as_str().unwrap_or_default();
            let code = d["code"].as_str().unwrap_or_default();
            if matches!(code, "MAM102" | "MAM009") && file.contains("Microsoft365DSC/") {
                *known_errors.entry(code).or_insert(0) += 1;
                continue;
            }
            assert_ne!(d["severity"], "error", "{d}");
        }
        // Three iOS apps in each of the two Android examples and in the integration test; the
        // update examples and the integration test reuse the create examples' display names.
        let expected = if dir == "corpus" {
            [("MAM009", 4), ("MAM102", 9)].into()
        } else {
            std::collections::BTreeMap::new()
        };
        assert_eq!(known_errors, expected, "{dir}");
        assert_eq!(output.status.code(), Some(i32::from(!expected.is_empty())));
    }
}
