//! Microsoft365DSC configurations (spec §8.3, §8.4). Fixtures under `tests/fixtures/dsc/`:
//! `invalid-MAMNNN-*.ps1` trigger that rule, at the line stated here, and their rendered
//! findings are snapshotted; `valid*.ps1` are clean. Then the parameter names against the
//! Graph catalog and the resources' MOF schemas, discovery, fixes, and `examples/dsc/`.

use std::path::Path;

use mamlint::model::Platform;
use mamlint::model::properties::PROPERTIES;
use mamlint::syntax::powershell::graph_name;

use crate::support::{codes, fixture, lint_fixture, lint_text, mamlint, render, root, summary};

/// The rule a fixture is named for: `invalid-MAM102-…` → `MAM102`.
fn code_of(path: &Path) -> String {
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    name.split('-').nth(1).unwrap_or_default().to_owned()
}

#[test]
fn invalid_fixtures_trigger_their_rule() {
    insta::glob!("../fixtures/dsc", "invalid*.ps1", |path| {
        let outcome = lint_fixture(path);
        let code = code_of(path);
        assert!(
            codes(&outcome).contains(&code.as_str()),
            "{} does not trigger {code}:\n{}",
            path.display(),
            render(&outcome)
        );
        insta::assert_snapshot!(render(&outcome));
    });
}

#[test]
fn valid_fixtures_are_clean() {
    insta::glob!("../fixtures/dsc", "valid*.ps1", |path| {
        let outcome = lint_fixture(path);
        assert!(
            outcome.diagnostics.is_empty(),
            "{} is not clean:\n{}",
            path.display(),
            render(&outcome)
        );
        assert!(
            outcome.documents() > 0,
            "{} holds no policy",
            path.display()
        );
    });
}

/// `(code, line, column)` of one expected finding.
type Expected = (&'static str, usize, usize);

/// `(fixture, [expected])`: every finding of each invalid fixture, at the parameter (name or
/// value) the user wrote.
const EXPECTED: &[(&str, &[Expected])] = &[
    // `@(` left open: the error is at the bracket, not at the end of the file.
    ("invalid-MAM001-unclosed-array.ps1", &[("MAM001", 24, 55)]),
    // A misspelt parameter (did-you-mean from Graph's names), an Android-only one in an iOS
    // block, and an unknown one whose value is a variable: each at its name.
    (
        "invalid-MAM006-unknown-parameter.ps1",
        &[("MAM006", 27, 13), ("MAM006", 28, 13), ("MAM006", 29, 13)],
    ),
    // Two enum values and an out-of-range number, at the values; `MinimumPinLength = '6'` is
    // the number DSC converts it to.
    (
        "invalid-MAM007-invalid-enum.ps1",
        &[("MAM007", 26, 55), ("MAM007", 28, 55), ("MAM007", 30, 55)],
    ),
    ("invalid-MAM101-unknown-app.ps1", &[("MAM101", 24, 57)]),
    // `com.atlassian.jira.app.ios` (Jira's iOS ID, suffixed) and a suffixed non-Atlassian iOS
    // app in an Android block; `….android` in the same block is right.
    (
        "invalid-MAM102-ios-suffix-in-android.ps1",
        &[("MAM102", 24, 57), ("MAM102", 24, 136)],
    ),
    // No Assignments at all: at the block's type name.
    ("invalid-MAM402-no-assignments.ps1", &[("MAM402", 21, 9)]),
    // Only ExcludedGroups: at that parameter.
    ("invalid-MAM402-only-exclusions.ps1", &[("MAM402", 25, 13)]),
    // TimeSpan strings compared as durations: 12 hours is not longer than 90 days.
    (
        "invalid-MAM405-wipe-before-access.ps1",
        &[("MAM405", 29, 55)],
    ),
];

#[test]
fn findings_are_at_the_parameter_that_causes_them() {
    for (file, expected) in EXPECTED {
        let outcome = lint_fixture(&fixture(&format!("dsc/{file}")));
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
    let listed = std::fs::read_dir(fixture("dsc"))
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.starts_with("invalid"));
    for name in listed {
        assert!(
            EXPECTED.iter().any(|(f, _)| *f == name),
            "{name} has no expected findings here"
        );
    }
}

#[test]
fn suppression_comments_hide_what_they_name() {
    let path = fixture("dsc/valid-suppressed.ps1");
    let text = std::fs::read_to_string(&path).unwrap();
    // Without its two comments (`#` and `<# #>`) the file has both findings.
    let bare: String = text
        .lines()
        .filter(|l| !l.contains("mamlint: ignore"))
        .map(|l| format!("{l}\n"))
        .collect();
    let outcome = lint_text("suppressed.ps1", &bare);
    assert_eq!(
        codes(&outcome),
        ["MAM402", "MAM405"],
        "{}",
        render(&outcome)
    );
    assert!(lint_fixture(&path).diagnostics.is_empty());
}

#[test]
fn absent_blocks_and_variables_are_never_findings() {
    // valid-android.ps1 ends with an `Ensure = 'Absent'` block whose apps and PIN length would
    // be findings in a policy; valid-variables.ps1 takes every setting from a variable.
    let android = lint_fixture(&fixture("dsc/valid-android.ps1"));
    assert_eq!(android.documents(), 1);
    let variables = lint_fixture(&fixture("dsc/valid-variables.ps1"));
    assert!(variables.diagnostics.is_empty(), "{}", render(&variables));
    assert_eq!(variables.documents(), 1);
}

#[test]
fn powershell_findings_offer_no_fix() {
    // MAM101 offers a fix in YAML and JSON; `--fix` edits those formats only.
    let outcome = lint_fixture(&fixture("dsc/invalid-MAM101-unknown-app.ps1"));
    assert_eq!(codes(&outcome), ["MAM101"]);
    assert!(outcome.diagnostics.iter().all(|d| d.fix.is_none()));
}

#[test]
fn dsc_names_are_graph_property_names() {
    let raw: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("rules/dsc-names.json")).unwrap(),
    )
    .unwrap();
    let mut graph_types: Vec<&str> = raw["resources"]
        .as_object()
        .unwrap()
        .values()
        .filter_map(|v| v.as_str())
        .collect();
    graph_types.sort_unstable();
    assert_eq!(
        graph_types,
        [Platform::Android.graph_type(), Platform::Ios.graph_type()]
    );
    let exists = |name: &str| {
        Platform::ALL
            .into_iter()
            .any(|p| PROPERTIES.get(p, name).is_some())
    };
    let mut mapped: Vec<String> = raw["renames"]
        .as_object()
        .unwrap()
        .values()
        .filter_map(|v| Some(v.as_str()?.to_owned()))
        .collect();
    mapped.extend(["apps".to_owned(), "assignments".to_owned()]);
    for table in ["joined", "pairs", "assignments"] {
        for parameter in raw[table].as_object().unwrap().keys() {
            mapped.push(graph_name("IntuneAppProtectionPolicyiOS", parameter).unwrap());
        }
    }
    for name in &mapped {
        assert!(exists(name), "`{name}` is not a Graph property");
    }
    for accepted in raw["accepted"].as_array().unwrap() {
        let accepted = accepted.as_str().unwrap();
        assert_eq!(graph_name("IntuneAppProtectionPolicyiOS", accepted), None);
    }
}

/// The parameters of a MOF schema: `[Write, …] String Name[];` → `Name`.
fn mof_parameters(text: &str) -> Vec<String> {
    text.lines()
        .filter_map(|line| {
            let declaration = line.trim().rsplit_once("] ")?.1.trim();
            let name = declaration.split_whitespace().nth(1)?;
            Some(name.trim_end_matches(';').trim_end_matches("[]").to_owned())
        })
        .collect()
}

#[test]
fn every_mof_parameter_maps_to_a_property_of_its_platform() {
    for (resource, platform) in [
        ("IntuneAppProtectionPolicyiOS", Platform::Ios),
        ("IntuneAppProtectionPolicyAndroid", Platform::Android),
    ] {
        let mof = fixture(&format!(
            "corpus/Microsoft365DSC/MSFT_{resource}/MSFT_{resource}.schema.mof"
        ));
        let parameters = mof_parameters(&std::fs::read_to_string(&mof).unwrap());
        assert!(parameters.len() > 50, "{}: {parameters:?}", mof.display());
        for parameter in parameters {
            let Some(name) = graph_name(resource, &parameter) else {
                continue;
            };
            let property = PROPERTIES.get(platform, &name);
            assert!(
                property.is_some(),
                "{resource}.{parameter} maps to `{name}`, not a property of {}",
                platform.graph_type()
            );
            // The front end reads a TimeSpan as a duration exactly where the catalog says the
            // property is one.
            let text = format!(
                "Configuration C\n{{\n    Node localhost\n    {{\n        {resource} 'P'\n        {{\n            {parameter} = '12:00:00'\n        }}\n    }}\n}}\n"
            );
            let parsed = mamlint::syntax::powershell::parse(&text);
            let read = parsed.documents[0].root.get(&name).and_then(|n| n.as_str());
            let is_duration = property.is_some_and(|p| p.is_duration());
            assert_eq!(
                read == Some("PT12H"),
                is_duration,
                "{resource}.{parameter}: read as {read:?}"
            );
        }
    }
}

fn write(dir: &Path, name: &str, text: &str) {
    std::fs::write(dir.join(name), text).unwrap();
}

#[test]
fn a_walk_parses_only_configurations_naming_the_resources() {
    let dir = tempfile::tempdir().unwrap();
    let policy = std::fs::read_to_string(fixture("dsc/invalid-MAM101-unknown-app.ps1")).unwrap();
    write(dir.path(), "policy.ps1", &policy);
    // A deployment script that does not parse but names no app protection resource: skipped
    // unread, not a MAM001.
    write(
        dir.path(),
        "deploy.ps1",
        "param(\n$x = @(\nStart-DscConfiguration -Wait {\n",
    );
    // The same policy saved as UTF-16LE, as Windows PowerShell writes files.
    let utf16: Vec<u8> = [0xFF, 0xFE]
        .into_iter()
        .chain(policy.encode_utf16().flat_map(u16::to_le_bytes))
        .collect();
    std::fs::write(dir.path().join("policy-utf16.ps1"), utf16).unwrap();
    // A configuration with the resource and a syntax error in it: reported.
    write(
        dir.path(),
        "broken.ps1",
        &policy.replace("@('com.atlassian.jira',", "@('com.atlassian.jira'',"),
    );
    let output = mamlint()
        .args(["check", "--format", "json", "--verbose"])
        .arg(dir.path())
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let found: Vec<(String, String, u64)> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            let file = d["file"].as_str().unwrap();
            let name = Path::new(file).file_name().unwrap().to_string_lossy();
            (
                d["code"].as_str().unwrap().to_owned(),
                name.into_owned(),
                d["line"].as_u64().unwrap(),
            )
        })
        .collect();
    let expected: Vec<(String, String, u64)> = [
        ("MAM001", "broken.ps1", 24),
        ("MAM101", "policy-utf16.ps1", 24),
        ("MAM101", "policy.ps1", 24),
        ("MAM009", "policy.ps1", 23),
    ]
    .into_iter()
    .map(|(c, f, l)| (c.to_owned(), f.to_owned(), l))
    .collect();
    let mut sorted = found.clone();
    sorted.sort();
    let mut expected_sorted = expected.clone();
    expected_sorted.sort();
    assert_eq!(sorted, expected_sorted, "{report:#}");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("deploy.ps1: no IntuneAppProtectionPolicyiOS"),
        "{stderr}"
    );
    assert_eq!(report["summary"]["files"], 3);
}

#[test]
fn a_named_script_without_a_policy_is_a_mam005() {
    let outcome = lint_text(
        "deploy.ps1",
        "Configuration C\n{\n    Node localhost\n    {\n        IntuneDeviceCompliancePolicyiOS 'x'\n        {\n            DisplayName = 'x'\n        }\n    }\n}\n",
    );
    assert_eq!(
        summary(&outcome),
        [(
            "MAM005".to_owned(),
            1,
            1,
            "no IntuneAppProtectionPolicyiOS or IntuneAppProtectionPolicyAndroid resource to check in this PowerShell file".to_owned()
        )]
    );
}

#[test]
fn the_dsc_example_checks_clean() {
    crate::support::assert_example_clean("examples/dsc", 1, 2);
}
