//! CI gates: SARIF, GitHub annotations, several outputs, thresholds, configuration discovery,
//! context documents, suppressions and baselines, through the built binary.

use std::path::Path;

use crate::support::{mamlint, root};

/// Copies a directory tree.
fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

fn json_of(output: &std::process::Output) -> serde_json::Value {
    serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&output.stdout)))
}

fn codes_in(report: &serde_json::Value) -> Vec<String> {
    report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn sarif_on_stdout_is_only_sarif_with_rules_and_relative_uris() {
    let output = mamlint()
        .args(["check", "examples/broken", "--format", "sarif"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let sarif = json_of(&output);
    assert_eq!(sarif["version"], "2.1.0");
    let run = &sarif["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    assert_eq!(rules.len(), mamlint::rules::RULES.len());
    assert_eq!(
        run["tool"]["driver"]["semanticVersion"],
        env!("CARGO_PKG_VERSION")
    );
    for result in run["results"].as_array().unwrap() {
        let index = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], result["ruleId"]);
        let uri = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            .as_str()
            .unwrap();
        assert!(uri.starts_with("examples/broken/"), "{uri}");
        assert!(
            result["partialFingerprints"]["mamlintFingerprint/v1"]
                .as_str()
                .unwrap()
                .len()
                == 16
        );
    }
    let mismatch = run["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["ruleId"] == "MAM102")
        .unwrap();
    assert_eq!(
        mismatch["locations"][0]["physicalLocation"]["region"]["startLine"],
        12
    );
    assert_eq!(
        mismatch["fixes"][0]["artifactChanges"][0]["replacements"][0]["insertedContent"]["text"],
        "com.atlassian.confluence.app"
    );
    // The summary goes to standard error, never into the SARIF.
    assert!(String::from_utf8_lossy(&output.stderr).starts_with("Found "));
}

#[test]
fn sarif_fingerprints_do_not_depend_on_lines() {
    let dir = tempfile::tempdir().unwrap();
    let (before, after) = (dir.path().join("before"), dir.path().join("after"));
    copy_dir(&root().join("examples/broken"), &before);
    copy_dir(&root().join("examples/broken"), &after);
    for entry in std::fs::read_dir(&after).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::write(&path, format!("\n\n\n{text}")).unwrap();
    }
    let prints = |dir: &Path| {
        let output = mamlint()
            .current_dir(dir)
            .args(["check", ".", "--format", "sarif"])
            .output()
            .unwrap();
        let sarif = json_of(&output);
        let mut prints: Vec<(String, String, u64)> = sarif["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                (
                    r["ruleId"].as_str().unwrap().to_owned(),
                    r["partialFingerprints"]["mamlintFingerprint/v1"]
                        .as_str()
                        .unwrap()
                        .to_owned(),
                    r["locations"][0]["physicalLocation"]["region"]["startLine"]
                        .as_u64()
                        .unwrap(),
                )
            })
            .collect();
        prints.sort_by(|a, b| a.1.cmp(&b.1));
        prints
    };
    let (before, after) = (prints(&before), prints(&after));
    assert!(before.len() > 25);
    assert_eq!(
        before.iter().map(|p| (&p.0, &p.1)).collect::<Vec<_>>(),
        after.iter().map(|p| (&p.0, &p.1)).collect::<Vec<_>>()
    );
    assert!(
        before.iter().zip(&after).all(|(b, a)| a.2 == b.2 + 3),
        "every finding moved three lines down"
    );
}

#[test]
fn github_annotations() {
    let output = mamlint()
        .args([
            "check",
            "examples/broken/ios-policies.yaml",
            "--format",
            "github",
            "--select",
            "MAM102,MAM003",
        ])
        .output()
        .unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert_eq!(
        stdout.lines().collect::<Vec<_>>(),
        [
            "::error file=examples/broken/ios-policies.yaml,line=12,col=7,endLine=12,endColumn=44,title=MAM102 platform-mismatch::`com.atlassian.android.confluence.core` is the Android package ID of Confluence Cloud, but this is an iOS/iPadOS policy%0Ahelp: the iOS/iPadOS bundle ID of Confluence Cloud is `com.atlassian.confluence.app`",
            "::warning file=examples/broken/ios-policies.yaml,line=17,col=18,endLine=17,endColumn=21,title=MAM003 yaml11-boolean::`pinRequired: yes` is the string \"yes\" in YAML 1.2, not a boolean%0Ahelp: write `true`",
        ]
    );
}

#[test]
fn several_outputs_in_one_run_and_exit_zero() {
    let dir = tempfile::tempdir().unwrap();
    let json_path = dir.path().join("report.json");
    let output = mamlint()
        .args(["check", "examples/broken", "--format", "human"])
        .arg("--format")
        .arg(format!("json={}", json_path.display()))
        .arg("--exit-zero")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "--exit-zero");
    assert!(String::from_utf8_lossy(&output.stdout).contains("error[MAM102]"));
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(json_path).unwrap()).unwrap();
    assert!(codes_in(&report).contains(&"MAM102".to_owned()));
    mamlint()
        .args([
            "check",
            "examples/clean",
            "--format",
            "json",
            "--format",
            "sarif",
        ])
        .assert()
        .code(2);
    mamlint()
        .args(["check", "examples/clean", "--format", "xml"])
        .assert()
        .code(2);
}

/// A small project: an organization and tenant kept as context, a policy checked.
fn project(config: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let org = dir.path().join("org");
    std::fs::create_dir_all(&org).unwrap();
    for file in [
        "organization.yaml",
        "mobile-app-policy.yaml",
        "entra-tenants.yaml",
    ] {
        std::fs::copy(root().join("examples/clean").join(file), org.join(file)).unwrap();
    }
    std::fs::create_dir_all(dir.path().join("policies/nested")).unwrap();
    std::fs::copy(
        root().join("examples/clean/policies/acme-ios.yaml"),
        dir.path().join("policies/ios.yaml"),
    )
    .unwrap();
    std::fs::write(dir.path().join("mamlint.toml"), config).unwrap();
    dir
}

#[test]
fn configuration_is_found_upward_and_the_closest_wins() {
    let dir = project("context = [\"org\"]\n[rules]\nignore = [\"MAM102\"]\n");
    let policy = dir.path().join("policies/ios.yaml");
    let text = std::fs::read_to_string(&policy).unwrap().replace(
        "- com.atlassian.confluence.app",
        "- com.atlassian.android.confluence.core",
    );
    std::fs::write(&policy, text).unwrap();
    let run = |cwd: &Path, args: &[&str]| {
        let output = mamlint()
            .current_dir(cwd)
            .args(["check", "--format", "json"])
            .args(args)
            .output()
            .unwrap();
        (output.status.code(), codes_in(&json_of(&output)))
    };
    // From a subdirectory, the root's mamlint.toml applies: MAM102 is ignored, and the
    // context documents resolve `tenant: acme-entra` (no MAM008).
    let nested = dir.path().join("policies/nested");
    assert_eq!(run(&nested, &["../ios.yaml"]), (Some(0), vec![]));
    // A closer file wins.
    std::fs::write(nested.join("mamlint.toml"), "context = [\"../../org\"]\n").unwrap();
    assert_eq!(
        run(&nested, &["../ios.yaml"]),
        (Some(1), vec!["MAM102".to_owned()])
    );
    // ... and can extend the other.
    std::fs::write(
        nested.join("mamlint.toml"),
        "extend = \"../../mamlint.toml\"\nfail-level = \"warning\"\n",
    )
    .unwrap();
    assert_eq!(run(&nested, &["../ios.yaml"]), (Some(0), vec![]));
    // --no-config ignores both: the tenant is not loaded, MAM102 is reported.
    let (code, codes) = run(&nested, &["../ios.yaml", "--no-config"]);
    assert_eq!(
        (
            code,
            codes.contains(&"MAM102".to_owned()),
            codes.contains(&"MAM008".to_owned())
        ),
        (Some(1), true, true)
    );
}

#[test]
fn context_documents_are_loaded_but_not_reported() {
    let dir = project("context = [\"org\"]\n");
    // The Organization in the context lacks Guard: a finding in a context file alone is not
    // reported when only the policy is checked ...
    let org = dir.path().join("org/organization.yaml");
    std::fs::write(
        &org,
        std::fs::read_to_string(&org)
            .unwrap()
            .replace("guard: standard", "guard: none"),
    )
    .unwrap();
    let output = mamlint()
        .current_dir(dir.path())
        .args(["check", "policies/ios.yaml", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(codes_in(&json_of(&output)), Vec::<String>::new());
    // ... and is reported when the context file itself is checked.
    let output = mamlint()
        .current_dir(dir.path())
        .args(["check", ".", "--format", "json"])
        .output()
        .unwrap();
    assert!(codes_in(&json_of(&output)).contains(&"MAM201".to_owned()));
}

#[test]
fn include_exclude_per_path_ignores_severity_and_fail_level() {
    let dir = project(
        "include = [\"policies\"]\nexclude = [\"policies/drafts/**\"]\ncontext = [\"org\"]\nfail-level = \"warning\"\n\
         [rules]\nseverity = { MAM402 = \"info\" }\n[per-path-ignores]\n\"policies/legacy-*.yaml\" = [\"MAM006\"]\n",
    );
    let policies = dir.path().join("policies");
    std::fs::create_dir_all(policies.join("drafts")).unwrap();
    std::fs::write(
        policies.join("drafts/wip.yaml"),
        "apiVersion: mamlint/v1\nkind: [\n",
    )
    .unwrap();
    let ios = std::fs::read_to_string(policies.join("ios.yaml")).unwrap();
    std::fs::write(
        policies.join("legacy-ios.yaml"),
        ios.replace("acme-atlassian-ios", "legacy")
            .replace("Atlassian apps (iOS)", "Legacy")
            .replace("  settings:\n", "  owner: it\n  settings:\n"),
    )
    .unwrap();
    std::fs::write(policies.join("unassigned.yaml"), ios.replace("acme-atlassian-ios", "unassigned").replace("Atlassian apps (iOS)", "Unassigned").replace("    include: [0b6e2c1a-5f0d-4c5e-9a7b-3d2f1e0c9b8a]   # sg-atlassian-mobile-users\n", "    include: []\n")).unwrap();
    // No PATH: `include` is checked; drafts are excluded; legacy's unknown key is ignored;
    // MAM402 is re-levelled to info, below the warning fail level.
    let output = mamlint()
        .current_dir(dir.path())
        .args(["check", "--format", "json"])
        .output()
        .unwrap();
    let report = json_of(&output);
    assert_eq!(codes_in(&report), ["MAM402"]);
    assert_eq!(report["diagnostics"][0]["severity"], "info");
    assert_eq!(report["summary"]["files"], 3);
    assert_eq!(output.status.code(), Some(0));
    // An excluded file stays excluded when named explicitly (as pre-commit does).
    mamlint()
        .current_dir(dir.path())
        .args(["check", "policies/drafts/wip.yaml"])
        .assert()
        .code(0);
    // --fail-level on the command line beats the configuration.
    mamlint()
        .current_dir(dir.path())
        .args(["check", "--fail-level", "info"])
        .assert()
        .code(1);
}

#[test]
fn configuration_mistakes_exit_2_with_the_place() {
    let dir = project("[rules]\nignore = [\"MAM4O4\"]\n");
    let output = mamlint()
        .current_dir(dir.path())
        .args(["check", "policies", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let report = json_of(&output);
    let d = &report["diagnostics"][0];
    assert_eq!(
        (
            d["code"].as_str(),
            d["file"].as_str(),
            d["line"].as_u64(),
            d["column"].as_u64()
        ),
        (Some("MAM014"), Some("mamlint.toml"), Some(2), Some(11))
    );
}

#[test]
fn config_suppressions_apply_until_they_expire() {
    let dir = project(
        "context = [\"org\"]\n[[suppress]]\npath = \"policies/*.json\"\ndocument = \"Export\"\npointer = \"/isAssigned\"\ncode = \"MAM402\"\nreason = \"assigned by the pipeline\"\nexpires = 2030-06-30\n",
    );
    std::fs::write(
        dir.path().join("policies/export.json"),
        r##"{"@odata.type": "#microsoft.graph.iosManagedAppProtection", "displayName": "Export", "isAssigned": false, "apps": ["com.atlassian.jira.app"]}"##,
    )
    .unwrap();
    let run = |today: &str| {
        let output = mamlint()
            .current_dir(dir.path())
            .env("MAMLINT_TODAY", today)
            .args(["check", "policies", "--format", "json"])
            .output()
            .unwrap();
        codes_in(&json_of(&output))
    };
    assert_eq!(run("2030-06-30"), Vec::<String>::new());
    assert_eq!(run("2030-07-01"), ["MAM013", "MAM402"]);
}

#[test]
fn inline_suppressions_cover_their_line_the_next_line_or_the_file() {
    let policy = "apiVersion: mamlint/v1\nkind: AppProtectionPolicy\nmetadata: {name: p}\nspec:\n  platform: ios\n  displayName: P\n  apps:\n    # mamlint: ignore[MAM102] migrating, see CHG-1\n    - com.atlassian.android.jira.core\n    - com.atlassian.android.confluence.core  # mamlint: ignore[platform-mismatch] same change\n    - com.atlassian.jira\n  assignments: {include: [0b6e2c1a-5f0d-4c5e-9a7b-3d2f1e0c9b8a]}\n";
    let run = |text: &str| {
        let output = mamlint()
            .args([
                "check",
                "-",
                "--stdin-filename",
                "p.yaml",
                "--format",
                "json",
            ])
            .write_stdin(text)
            .output()
            .unwrap();
        codes_in(&json_of(&output))
    };
    assert_eq!(run(policy), ["MAM101"]);
    assert_eq!(
        run(&format!(
            "# mamlint: ignore-file[MAM1] whole file is being migrated\n{policy}"
        )),
        Vec::<String>::new()
    );
}

#[test]
fn baselines_hide_known_findings_survive_reformatting_and_prune() {
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("project");
    copy_dir(&root().join("examples/broken"), &project);
    std::fs::remove_file(project.join("mamlint.toml")).unwrap();
    let baseline = dir.path().join("baseline.json");
    let check = |args: &[&str]| {
        mamlint()
            .current_dir(&project)
            .args(["check", ".", "--format", "json"])
            .args(args)
            .output()
            .unwrap()
    };

    let output = check(&["--write-baseline", baseline.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0));
    let recorded: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&baseline).unwrap()).unwrap();
    let recorded = recorded["findings"].as_array().unwrap().len();
    assert!(recorded > 25, "{recorded}");

    // Reformat: blank lines and comments at the top, a flow mapping in block style.
    for entry in std::fs::read_dir(&project).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        let prefix = if path.extension().is_some_and(|e| e == "yaml") {
            "# reformatted\n\n"
        } else {
            "\n\n"
        };
        std::fs::write(&path, format!("{prefix}{text}")).unwrap();
    }
    let android = project.join("android-policy.yaml");
    let text = std::fs::read_to_string(&android).unwrap();
    std::fs::write(
        &android,
        text.replace(
            "assignments: {include: [0b6e2c1a-5f0d-4c5e-9a7b-3d2f1e0c9b8a]}",
            "assignments:\n    include:\n      - 0b6e2c1a-5f0d-4c5e-9a7b-3d2f1e0c9b8a",
        ),
    )
    .unwrap();
    let output = check(&["--baseline", baseline.to_str().unwrap()]);
    assert_eq!(
        codes_in(&json_of(&output)),
        ["MAM001"],
        "only the parse error, which is never baselined"
    );
    assert!(!String::from_utf8_lossy(&output.stderr).contains("no longer match"));

    // A new finding is reported alone; a fixed one leaves a stale entry, which --prune-baseline removes.
    let ios = project.join("ios-policies.yaml");
    let text = std::fs::read_to_string(&ios).unwrap();
    std::fs::write(
        &ios,
        text.replace(
            "    minimumRequiredOsVersion: 16.10",
            "    minimumRequiredOsVersion: \"16.10\"\n    maximumPinRetries: 0",
        ),
    )
    .unwrap();
    let output = check(&["--baseline", baseline.to_str().unwrap()]);
    // Two new findings of one edit: the invalid value, and a conflict with the contractors'
    // policy, which keeps the default of 5 retries for the same group.
    assert_eq!(codes_in(&json_of(&output)), ["MAM007", "MAM502", "MAM001"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("1 baseline entries no longer match a finding"),
        "{stderr}"
    );
    assert!(
        stderr.contains(
            "stale: MAM004 ios-policies.yaml globex-ios/spec/settings/minimumRequiredOsVersion"
        ),
        "{stderr}"
    );
    let output = check(&["--baseline", baseline.to_str().unwrap(), "--prune-baseline"]);
    assert!(String::from_utf8_lossy(&output.stderr).contains("Pruned 1 baseline entries"));
    let pruned: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&baseline).unwrap()).unwrap();
    assert_eq!(pruned["findings"].as_array().unwrap().len(), recorded - 1);
    let output = check(&["--baseline", baseline.to_str().unwrap()]);
    assert!(!String::from_utf8_lossy(&output.stderr).contains("no longer match"));
}
