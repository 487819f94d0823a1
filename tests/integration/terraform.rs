//! Terraform files (spec §8.2, §8.4): `tests/fixtures/terraform/invalid*.tf` report exactly
//! the findings stated here, at the attribute as written, and their rendering is snapshotted;
//! `valid*.tf` stay clean. Also: the provider name mappings against the Graph property
//! catalog, discovery of `.tf` files in a walk, suppressions in Terraform comments, and the
//! Terraform example.

use mamlint::model::Platform;
use mamlint::model::properties::PROPERTIES;
use mamlint::syntax::terraform;

use crate::support::{codes, fixture, lint_fixture, lint_text, mamlint, render, summary};

/// `(code, line, column)` of one expected finding.
type Expected = (&'static str, usize, usize);

/// `(file, [expected])` for every invalid fixture.
const EXPECTED: &[(&str, &[Expected])] = &[
    // A DT Android policy with two linked app resources: a misspelt Jira package ID, the
    // iOS Confluence bundle ID in an iOS app resource linked to the Android policy, an iOS
    // setting, a value outside the enum, and wipe no later than the access check. No MAM402:
    // the DT resource has no assignments, so whether it is assigned is unknown.
    (
        "invalid-dt-android.tf",
        &[
            ("MAM006", 17, 3),
            ("MAM007", 19, 21),
            ("MAM405", 22, 44),
            ("MAM101", 29, 18),
            ("MAM102", 37, 17),
        ],
    ),
    // The parse error is at the trailing comma, the first thing HCL cannot read.
    ("invalid-parse-error.tf", &[("MAM001", 3, 22)]),
    // Tunnel for MAM in an app configuration that targets the iOS Jira app.
    ("invalid-wp-app-configuration.tf", &[("MAM401", 11, 15)]),
    // A WP iOS policy: no assignments (WP's default is none) reported at the resource name,
    // then a misspelt bundle ID, an Android package ID, a misspelt attribute, a value outside
    // the enum and wipe before the access check. `minimum_pin_length = var.…` is no finding.
    (
        "invalid-wp-ios.tf",
        &[
            ("MAM402", 2, 54),
            ("MAM101", 8, 38),
            ("MAM102", 9, 43),
            ("MAM006", 17, 3),
            ("MAM007", 18, 24),
            ("MAM405", 22, 44),
        ],
    ),
];

fn found(path: &str) -> Vec<(String, usize, usize)> {
    summary(&lint_fixture(&fixture(&format!("terraform/{path}"))))
        .into_iter()
        .map(|(c, l, col, _)| (c, l, col))
        .collect()
}

#[test]
fn invalid_fixtures_report_exactly_the_expected_findings() {
    for (file, expected) in EXPECTED {
        let expected: Vec<(String, usize, usize)> = expected
            .iter()
            .map(|(c, l, col)| ((*c).to_owned(), *l, *col))
            .collect();
        assert_eq!(
            found(file),
            expected,
            "{file}:\n{}",
            render(&lint_fixture(&fixture(&format!("terraform/{file}"))))
        );
    }
}

#[test]
fn invalid_fixtures_render_as_snapshotted() {
    insta::glob!("../fixtures/terraform", "invalid*.tf", |path| {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        assert!(
            EXPECTED.iter().any(|(f, _)| *f == name),
            "{name} has no expected findings in terraform.rs"
        );
        insta::assert_snapshot!(render(&lint_fixture(path)));
    });
}

#[test]
fn valid_fixtures_are_clean() {
    insta::glob!("../fixtures/terraform", "valid*.tf", |path| {
        let outcome = lint_fixture(path);
        assert!(
            outcome.diagnostics.is_empty(),
            "{} is not clean:\n{}",
            path.display(),
            render(&outcome)
        );
        assert!(
            outcome.documents() > 0,
            "{} holds no document",
            path.display()
        );
    });
}

#[test]
fn unknown_attributes_are_named_as_written() {
    let messages: Vec<String> = summary(&lint_fixture(&fixture("terraform/invalid-wp-ios.tf")))
        .into_iter()
        .filter(|(code, ..)| code == "MAM006")
        .map(|(.., m)| m)
        .collect();
    assert_eq!(
        messages,
        [
            "`pin_requird` maps to `pinRequird`, which is not a Graph property of iosManagedAppProtection"
        ]
    );
    let outcome = lint_fixture(&fixture("terraform/invalid-dt-android.tf"));
    assert!(
        render(&outcome).contains(
            "`face_id_blocked` is an iOS/iPadOS setting; Android policies have no such property"
        ),
        "{}",
        render(&outcome)
    );
}

#[test]
fn expressions_are_never_findings() {
    // Every value below would be a finding if it were the literal it stands for.
    let text = r#"
resource "microsoft365wp_ios_managed_app_protection" "p" {
  display_name                           = var.name
  app_group_type                         = var.group_type
  apps                                   = [{ app_id = { ios = { bundle_id = var.jira } } }]
  pin_character_set                      = local.charset
  minimum_pin_length                     = max(var.a, 2)
  period_offline_before_access_check     = "P${var.days}D"
  period_offline_before_wipe_is_enforced = var.strict ? "PT1H" : "P90D"
  assignments                            = var.assignments
}
"#;
    let outcome = lint_text("main.tf", text);
    assert!(outcome.diagnostics.is_empty(), "{}", render(&outcome));
    let loaded = mamlint::syntax::load("main.tf", text.as_bytes());
    let resource = loaded.parsed.documents[0].resource.as_ref().unwrap();
    assert_eq!(
        resource.unknown,
        [
            "displayName",
            "appGroupType",
            "apps",
            "pinCharacterSet",
            "minimumPinLength",
            "periodOfflineBeforeAccessCheck",
            "periodOfflineBeforeWipeIsEnforced",
            "assignments",
        ]
    );
    // The same policy with literals is checked.
    let literal = text
        .replace("var.jira", "\"com.atlassian.jira.ap\"")
        .replace("local.charset", "\"alphanumeric\"");
    let codes_found = codes(&lint_text("main.tf", &literal));
    assert!(codes_found.contains(&"MAM101"), "{codes_found:?}");
    assert!(codes_found.contains(&"MAM007"), "{codes_found:?}");
}

#[test]
fn suppression_comments_work_in_terraform() {
    let path = fixture("terraform/valid-suppressed.tf");
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(
        lint_text("valid-suppressed.tf", &text)
            .diagnostics
            .is_empty()
    );
    // Without the two comments (a `#` line above, a `//` at the end of the line), the
    // findings they suppress are reported.
    let unsuppressed = text.replace("mamlint: ignore", "note: ignore");
    assert_eq!(
        summary(&lint_text("valid-suppressed.tf", &unsuppressed))
            .into_iter()
            .map(|(c, l, ..)| (c, l))
            .collect::<Vec<_>>(),
        [("MAM402".to_owned(), 2), ("MAM405".to_owned(), 10)]
    );
    // A `/* */` comment is one too, and an unused suppression reports itself.
    let block = "/* mamlint: ignore[MAM405] no such finding here */\nresource \"microsoft365wp_ios_managed_app_protection\" \"p\" {\n  display_name = \"P\"\n}\n";
    assert_eq!(codes(&lint_text("main.tf", block)), ["MAM012"]);
}

#[test]
fn fixes_are_not_offered_in_terraform() {
    // MAM101 has a fix in YAML; `--fix` edits YAML and JSON only (spec §8.4).
    let outcome = lint_fixture(&fixture("terraform/invalid-wp-ios.tf"));
    assert!(outcome.diagnostics.iter().all(|d| d.fix.is_none()));
}

#[test]
fn every_mapped_attribute_is_a_graph_property_of_its_platform() {
    // targetedManagedAppConfiguration (Graph beta) has the managedAppPolicy base properties,
    // which the catalog records as inherited, and these of its own.
    const CONFIGURATION: &[&str] = &[
        "appGroupType",
        "apps",
        "assignments",
        "customSettings",
        "deployedAppCount",
        "isAssigned",
        "settings",
        "targetedAppManagementLevels",
    ];
    assert!(terraform::providers_are_known());
    let mapped = terraform::mapped_attributes();
    let mut problems = Vec::new();
    for m in &mapped {
        let known = match m.graph_type {
            Some("androidManagedAppProtection") => {
                PROPERTIES.get(Platform::Android, &m.graph_name).is_some()
            }
            Some("iosManagedAppProtection") => {
                PROPERTIES.get(Platform::Ios, &m.graph_name).is_some()
            }
            Some("targetedManagedAppConfiguration") => {
                CONFIGURATION.contains(&m.graph_name.as_str())
                    || PROPERTIES
                        .get(Platform::Ios, &m.graph_name)
                        .is_some_and(|p| p.inherited_from == Some("managedAppPolicy"))
            }
            // An app resource is no document: its attributes are read by name.
            None => continue,
            Some(other) => {
                problems.push(format!("{}: unknown Graph type {other}", m.resource_type));
                continue;
            }
        };
        if !known {
            problems.push(format!(
                "{}.{} maps to `{}`, which {} does not have",
                m.resource_type,
                m.attribute,
                m.graph_name,
                m.graph_type.unwrap_or_default()
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    // The counts FORMATS.md states: WP 82 (iOS) and 102 (Android) attributes, DT 42 (Android).
    let count = |t: &str| mapped.iter().filter(|m| m.resource_type == t).count();
    assert_eq!(count("microsoft365wp_ios_managed_app_protection"), 82);
    assert_eq!(count("microsoft365wp_android_managed_app_protection"), 102);
    assert_eq!(
        count("microsoft365_graph_beta_device_and_app_management_android_managed_app_protection"),
        42
    );
}

#[test]
fn a_walk_reads_only_terraform_that_holds_the_resources() {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, text: &str| std::fs::write(dir.path().join(name), text).unwrap();
    write(
        "policy.tf",
        "resource \"microsoft365wp_ios_managed_app_protection\" \"p\" {\n  display_name = \"P\"\n  pin_character_set = \"alphanumeric\"\n}\n",
    );
    // Other Terraform, valid or not, is none of mamlint's business.
    write(
        "network.tf",
        "resource \"aws_vpc\" \"main\" {\n  cidr_block = \"10.0.0.0/16\"\n}\n",
    );
    write(
        "broken.tf",
        "resource \"aws_vpc\" \"main\" {\n  cidr_block = \n",
    );
    write(
        "mentions.tf",
        "# microsoft365 is managed elsewhere\nlocals {\n  x = \n",
    );
    // A policy file that does not parse is reported, not skipped.
    write(
        "broken-policy.tf",
        "resource \"microsoft365wp_android_managed_app_protection\" \"p\" {\n  display_name = \n",
    );
    let output = mamlint()
        .args(["check", "--format", "json", "--verbose"])
        .arg(dir.path())
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let found: Vec<(String, String)> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            let file = d["file"].as_str().unwrap_or_default();
            let name = std::path::Path::new(file)
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            (name, d["code"].as_str().unwrap_or_default().to_owned())
        })
        .collect();
    assert_eq!(
        found,
        [
            ("broken-policy.tf".to_owned(), "MAM001".to_owned()),
            ("policy.tf".to_owned(), "MAM007".to_owned()),
        ],
        "{report}"
    );
    assert_eq!(report["summary"]["files"], 2);
    let stderr = String::from_utf8_lossy(&output.stderr);
    for skipped in ["network.tf", "broken.tf", "mentions.tf"] {
        assert!(
            stderr
                .lines()
                .any(|l| l.contains("skipped") && l.contains(skipped)),
            "{skipped} is not listed as skipped:\n{stderr}"
        );
    }
}

#[test]
fn a_named_terraform_file_without_the_resources_is_mam005() {
    let outcome = lint_text(
        "network.tf",
        "resource \"aws_vpc\" \"main\" {\n  cidr_block = \"10.0.0.0/16\"\n}\n",
    );
    assert_eq!(
        summary(&outcome),
        [(
            "MAM005".to_owned(),
            1,
            1,
            "no app protection or app configuration resource in this Terraform file".to_owned()
        )]
    );
    assert!(render(&outcome).contains("microsoft365wp_ios_managed_app_protection"));
}

#[test]
fn large_and_deep_terraform_stays_bounded() {
    // About 10 MB of policies: parsed and checked, not a crash or a hang.
    let one = std::fs::read_to_string(fixture("terraform/valid-wp-ios.tf")).unwrap();
    let mut text = String::new();
    let mut n = 0;
    while text.len() < 10 * 1024 * 1024 {
        text.push_str(&one.replace("\"atlassian\"", &format!("\"atlassian_{n}\"")));
        n += 1;
    }
    let started = std::time::Instant::now();
    let loaded = mamlint::syntax::load("big.tf", text.as_bytes());
    assert!(loaded.parsed.error.is_none(), "{:?}", loaded.parsed.error);
    assert_eq!(loaded.parsed.documents.len(), n);
    assert!(
        started.elapsed() < std::time::Duration::from_secs(60),
        "loading took {:?}",
        started.elapsed()
    );
    // Nesting past the parser's limit is a MAM001, not a stack overflow.
    let deep = format!(
        "resource \"microsoft365wp_ios_managed_app_protection\" \"p\" {{\n  x = {}1{}\n}}\n",
        "{a = ".repeat(50_000),
        "}".repeat(50_000)
    );
    assert_eq!(codes(&lint_text("deep.tf", &deep)), ["MAM001"]);
}

#[test]
fn terraform_example_checks_clean() {
    crate::support::assert_example_clean("examples/terraform", 1, 2);
}
