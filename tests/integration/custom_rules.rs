//! Custom rules in Rego (spec 10): findings at the exact line in every input format, the
//! input document, METADATA docs, mistakes as MAM014 while everything else still reports,
//! suppressions and selection, `test-rules`. The language server's side is in `lsp.rs`.

use std::path::Path;

use serde_json::Value;

use crate::support::{mamlint, root};

/// ACME001: a PIN shorter than 8 digits, at `minimumPinLength`.
const PIN_RULE: &str = r#"package mamlint.custom.pin

# METADATA
# title: PIN of at least 8 digits
# description: Acme requires PINs of at least 8 digits.
# custom:
#   code: ACME001
#   help: set minimumPinLength to 8 or more
deny contains result if {
	some doc in input.documents
	doc.kind == "AppProtectionPolicy"
	length := object.get(doc.spec, ["settings", "minimumPinLength"], 4)
	length < 8
	result := {
		"code": "ACME001",
		"msg": sprintf("%s: a %d-digit PIN", [doc.source, length]),
		"document": doc.index,
		"path": "/spec/settings/minimumPinLength",
	}
}
"#;

fn write(dir: &Path, name: &str, text: &str) {
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn copy(dir: &Path, from: &str, to: &str) {
    let target = dir.join(to);
    std::fs::create_dir_all(target.parent().unwrap()).unwrap();
    std::fs::copy(root().join(from), target).unwrap();
}

/// A project with the PIN rule in the default `.mamlint/rules`, and a policy of each format,
/// each with a PIN of 4 or 6 digits.
fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "mamlint.toml", "");
    write(dir.path(), ".mamlint/rules/pin.rego", PIN_RULE);
    copy(
        dir.path(),
        "examples/clean/policies/acme-ios.yaml",
        "ios.yaml",
    );
    copy(
        dir.path(),
        "examples/custom-rules/policies/acme-android.json",
        "android.json",
    );
    copy(dir.path(), "examples/terraform/main.tf", "main.tf");
    copy(
        dir.path(),
        "examples/dsc/AtlassianAppProtection.ps1",
        "dsc.ps1",
    );
    dir
}

fn check(dir: &Path, args: &[&str]) -> (Option<i32>, Value) {
    let output = mamlint()
        .current_dir(dir)
        .args(["check", "--format", "json"])
        .args(args)
        .output()
        .unwrap();
    let report = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: {}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    });
    (output.status.code(), report)
}

/// `(code, file, line, column, message)` of every finding of a JSON report.
fn findings(report: &Value) -> Vec<(String, String, u64, u64, String)> {
    report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_owned(),
                d["file"].as_str().unwrap().to_owned(),
                d["line"].as_u64().unwrap(),
                d["column"].as_u64().unwrap(),
                d["message"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn finding(
    code: &str,
    file: &str,
    line: u64,
    column: u64,
    message: &str,
) -> (String, String, u64, u64, String) {
    (
        code.to_owned(),
        file.to_owned(),
        line,
        column,
        message.to_owned(),
    )
}

#[test]
fn a_deny_rule_reports_at_the_exact_line_in_every_input_format() {
    let dir = project();
    let (code, report) = check(dir.path(), &["--select", "ACME001"]);
    assert_eq!(code, Some(1), "{report}");
    assert_eq!(
        findings(&report),
        [
            finding(
                "ACME001",
                "android.json",
                17,
                23,
                "graph-export: a 4-digit PIN"
            ),
            finding("ACME001", "dsc.ps1", 50, 55, "dsc: a 6-digit PIN"),
            finding("ACME001", "dsc.ps1", 96, 55, "dsc: a 6-digit PIN"),
            finding("ACME001", "ios.yaml", 33, 23, "manifest: a 6-digit PIN"),
            finding("ACME001", "main.tf", 43, 29, "terraform: a 6-digit PIN"),
            finding("ACME001", "main.tf", 90, 29, "terraform: a 6-digit PIN"),
        ]
    );
    let first = &report["diagnostics"][0];
    assert_eq!(
        first["pointer"], "/minimumPinLength",
        "the export's own key"
    );
    assert_eq!(first["severity"], "error");
    assert_eq!(first["help"], "set minimumPinLength to 8 or more");
}

#[test]
fn paths_map_through_the_normalization_and_missing_ones_land_on_their_ancestor() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "mamlint.toml", "");
    copy(
        dir.path(),
        "examples/clean/policies/acme-ios.yaml",
        "ios.yaml",
    );
    copy(
        dir.path(),
        "examples/custom-rules/policies/acme-android.json",
        "android.json",
    );
    write(
        dir.path(),
        ".mamlint/rules/paths.rego",
        r#"package mamlint.custom.paths

paths := ["/name", "/spec/apps/0", "/spec/assignments/include/0", "/spec/settings/noSuchSetting/deeper"]

info contains {"code": "T1", "msg": path, "document": doc.index, "path": path} if {
	some doc in input.documents
	doc.kind == "AppProtectionPolicy"
	some path in paths
}

warn contains {"code": "T2", "msg": "paired", "document": 0, "path": "/name", "related": [{"document": 1, "path": "/spec/apps/0", "msg": "there"}]}
"#,
    );
    // T1 has no METADATA, so it is not a rule `--select` knows: its findings are picked out.
    let (_, report) = check(dir.path(), &[]);
    let found: Vec<_> = findings(&report)
        .into_iter()
        .filter(|f| f.0 == "T1")
        .collect();
    let at = |file: &str, message: &str| {
        found
            .iter()
            .find(|f| f.1 == file && f.4 == message)
            .map(|f| (f.2, f.3))
            .unwrap_or_else(|| panic!("{file} {message}: {found:?}"))
    };
    // The Graph export: each normalized part lands on what the user wrote.
    assert_eq!(at("android.json", "/name"), (4, 18), "displayName");
    assert_eq!(
        at("android.json", "/spec/apps/0"),
        (35, 22),
        "the packageId"
    );
    assert_eq!(
        at("android.json", "/spec/assignments/include/0"),
        (44, 20),
        "the groupId"
    );
    assert_eq!(
        at("android.json", "/spec/settings/noSuchSetting/deeper"),
        (1, 1),
        "nothing of it exists: the document"
    );
    let paired = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "T2")
        .unwrap();
    assert_eq!(
        paired["related"],
        serde_json::json!([{"file": "ios.yaml", "line": 12, "column": 7, "pointer": "/spec/apps/0", "message": "there"}])
    );
    // The manifest: the same shape, so the same pointer.
    assert_eq!(at("ios.yaml", "/name"), (4, 9));
    assert_eq!(at("ios.yaml", "/spec/apps/0"), (12, 7));
    assert_eq!(at("ios.yaml", "/spec/assignments/include/0"), (15, 15));
    assert_eq!(
        at("ios.yaml", "/spec/settings/noSuchSetting/deeper"),
        (19, 5),
        "the nearest ancestor that exists: settings"
    );
}

#[test]
fn the_input_document_is_normalized_and_matches_its_published_schema() {
    let dir = project();
    let output = mamlint()
        .current_dir(dir.path())
        .args(["check", "--print-rego-input"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let input: Value = serde_json::from_slice(&output.stdout).unwrap();
    let schema_text = mamlint()
        .args(["schema", "rego-input"])
        .output()
        .unwrap()
        .stdout;
    let schema: Value = serde_json::from_slice(&schema_text).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&input)
        .map(|e| e.to_string())
        .collect();
    assert_eq!(errors, Vec::<String>::new());

    let documents = input["documents"].as_array().unwrap();
    let sources: Vec<(&str, &str)> = documents
        .iter()
        .map(|d| (d["file"].as_str().unwrap(), d["source"].as_str().unwrap()))
        .collect();
    assert_eq!(
        sources,
        [
            ("android.json", "graph-export"),
            ("dsc.ps1", "dsc"),
            ("dsc.ps1", "dsc"),
            ("ios.yaml", "manifest"),
            ("main.tf", "terraform"),
            ("main.tf", "terraform"),
        ]
    );
    for (i, d) in documents.iter().enumerate() {
        assert_eq!(d["index"], i);
    }
    let export = &documents[0];
    assert_eq!(export["name"], "Atlassian apps (Android)");
    assert_eq!(export["spec"]["platform"], "android");
    assert_eq!(
        export["spec"]["apps"],
        serde_json::json!(["com.atlassian.android.jira.core"])
    );
    assert_eq!(
        export["spec"]["assignments"],
        serde_json::json!({"include": ["3f1d2c4b-6a5e-4d7c-8b9a-0e1f2a3b4c5d"], "exclude": []})
    );
    let settings = export["spec"]["settings"].as_object().unwrap();
    assert_eq!(settings["minimumPinLength"], 4);
    for key in [
        "@odata.type",
        "id",
        "displayName",
        "apps",
        "assignments",
        "version",
    ] {
        assert!(!settings.contains_key(key), "{key} is not a setting");
    }
    let terraform = &documents[4];
    assert_eq!(terraform["spec"]["settings"]["minimumPinLength"], 6);
    assert_eq!(documents[3]["metadata"]["name"], "acme-atlassian-ios");
    assert_eq!(input["catalog"]["apps"][0]["key"], "jira-cloud");
}

#[test]
fn metadata_documents_the_rule_in_rule_sarif_and_statistics() {
    let dir = project();
    let output = mamlint()
        .current_dir(dir.path())
        .args(["rule", "ACME001"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let text = String::from_utf8(output.stdout).unwrap();
    assert_eq!(
        text,
        "# ACME001 pin-of-at-least-8-digits\n\nDefault severity: error. PIN of at least 8 digits\n\n## What it checks\nAcme requires PINs of at least 8 digits.\n\n## Fix\nset minimumPinLength to 8 or more\n\n## Source\nA custom rule: `deny` in `.mamlint/rules/pin.rego` (Rego, evaluated by mamlint).\n"
    );

    let output = mamlint()
        .current_dir(dir.path())
        .args(["check", "--format", "sarif", "ios.yaml"])
        .output()
        .unwrap();
    let sarif: Value = serde_json::from_slice(&output.stdout).unwrap();
    let rules = sarif["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    let custom = rules.iter().find(|r| r["id"] == "ACME001").unwrap();
    assert_eq!(
        custom["shortDescription"]["text"],
        "PIN of at least 8 digits"
    );
    assert_eq!(custom["name"], "PinOfAtLeast8Digits");
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    let result = results.iter().find(|r| r["ruleId"] == "ACME001").unwrap();
    assert_eq!(result["ruleId"], "ACME001");
    assert_eq!(
        rules[result["ruleIndex"].as_u64().unwrap() as usize]["id"],
        "ACME001"
    );

    let output = mamlint()
        .current_dir(dir.path())
        .args(["check", "--statistics", "--select", "ACME001"])
        .output()
        .unwrap();
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(
        text.lines()
            .any(|l| l.contains("ACME001") && l.contains('6')),
        "{text}"
    );
}

#[test]
fn broken_runaway_and_malformed_rules_are_mam014_and_everything_else_reports() {
    let dir = project();
    write(
        dir.path(),
        "mamlint.toml",
        "[custom-rules]\npaths = [\".mamlint/rules\"]\ntimeout = \"300ms\"\n",
    );
    write(
        dir.path(),
        ".mamlint/rules/broken.rego",
        "package mamlint.custom.broken\n\ndeny contains r if {\n\tr := {\"code\": \"ACME9\"\n}\n",
    );
    write(
        dir.path(),
        ".mamlint/rules/runaway.rego",
        "package mamlint.custom.runaway\n\nwarn contains r if {\n\tsome x in numbers.range(1, 100000)\n\tsome y in numbers.range(1, 100000)\n\tx + y < 0\n\tr := {\"code\": \"ACME3\", \"msg\": \"never\", \"document\": 0}\n}\n",
    );
    write(
        dir.path(),
        ".mamlint/rules/malformed.rego",
        "package mamlint.custom.malformed\n\n\ninfo contains {\"code\": \"MAM999\", \"msg\": \"x\", \"document\": 0}\ninfo contains {\"code\": \"ACME5\", \"document\": 0}\ninfo contains {\"code\": \"ACME6\", \"msg\": \"x\", \"document\": 99}\ninfo contains {\"msg\": \"no code\", \"document\": 0}\ninfo contains {\"code\": \"ACME7\", \"msg\": \"x\", \"document\": 0, \"path\": \"minimumPinLength\"}\n",
    );
    write(
        dir.path(),
        ".mamlint/rules/twice.rego",
        "package mamlint.custom.twice\n\nwarn contains {\"code\": \"ACME001\", \"msg\": \"again\", \"document\": 0}\n",
    );
    let (code, report) = check(dir.path(), &[]);
    assert_eq!(code, Some(2), "a configuration mistake: {report}");
    let found = findings(&report);
    let mistakes: Vec<_> = found.iter().filter(|f| f.0 == "MAM014").cloned().collect();
    let help_fields = "a result of `info`";
    assert_eq!(
        mistakes,
        [
            finding(
                "MAM014",
                ".mamlint/rules/broken.rego",
                6,
                1,
                "Rego parse error: expecting `}` while parsing query"
            ),
            finding(
                "MAM014",
                ".mamlint/rules/malformed.rego",
                4,
                1,
                &format!("{help_fields} (ACME5) has no string `msg`")
            ),
            finding(
                "MAM014",
                ".mamlint/rules/malformed.rego",
                4,
                1,
                &format!("{help_fields} (ACME6) names document 99, but input.documents has 6")
            ),
            finding(
                "MAM014",
                ".mamlint/rules/malformed.rego",
                4,
                1,
                &format!(
                    "{help_fields} (ACME7) has `path` \"minimumPinLength\", which is not a JSON Pointer"
                )
            ),
            finding(
                "MAM014",
                ".mamlint/rules/malformed.rego",
                4,
                1,
                &format!(
                    "{help_fields} has code `MAM999`, which must match ^[A-Z][A-Z0-9]*[0-9]+$ and not start with MAM"
                )
            ),
            finding(
                "MAM014",
                ".mamlint/rules/malformed.rego",
                4,
                1,
                &format!(
                    "{help_fields} has no string `code`: {{\"document\":0,\"msg\":\"no code\"}}"
                )
            ),
            finding(
                "MAM014",
                ".mamlint/rules/runaway.rego",
                3,
                1,
                "custom rules in .mamlint/rules/runaway.rego ran past the time limit of 300 ms (warn); their findings are missing"
            ),
            finding(
                "MAM014",
                ".mamlint/rules/twice.rego",
                3,
                1,
                "code ACME001 is used by two rules: `deny` and `warn`; give each rule its own code"
            ),
        ],
        "{found:#?}"
    );
    let pin = found.iter().filter(|f| f.0 == "ACME001").count();
    assert_eq!(pin, 6, "the PIN rule still reports: {found:#?}");
    assert!(
        found.iter().any(|f| f.0 == "MAM008"),
        "the built-in rules still report: {found:#?}"
    );
}

#[test]
#[cfg(feature = "rego-memory-bound")]
fn memory_hungry_rules_are_mam014_at_the_memory_bound_and_everything_else_reports() {
    let dir = project();
    // A time limit far beyond what the bound needs: the memory bound, not the clock, must stop
    // both rules (without it they would take some 320 MB and 1.6 GB).
    write(
        dir.path(),
        "mamlint.toml",
        "[custom-rules]\npaths = [\".mamlint/rules\"]\ntimeout = \"60s\"\nmemory = \"64MiB\"\n",
    );
    // 20,000 strings of 16 KiB each, built by a comprehension.
    write(
        dir.path(),
        ".mamlint/rules/hog.rego",
        "package mamlint.custom.hog\n\ninfo contains r if {\n\tchunk := concat(\"\", [\"0123456789abcdef\" | some _ in numbers.range(1, 1024)])\n\tcopies := [concat(\"\", [chunk, format_int(x, 10)]) | some x in numbers.range(1, 20000)]\n\tcount(copies) < 0\n\tr := {\"code\": \"ACME4\", \"msg\": \"never\", \"document\": 0}\n}\n",
    );
    // One built-in call that would reserve 10^15 numbers at once (regorus's own aborts the
    // process): mamlint's `numbers.range` refuses it.
    write(
        dir.path(),
        ".mamlint/rules/range.rego",
        "package mamlint.custom.range\n\nwarn contains r if {\n\tcount(numbers.range(1, 1e15)) < 0\n\tr := {\"code\": \"ACME3\", \"msg\": \"never\", \"document\": 0}\n}\n",
    );
    let (code, report) = check(dir.path(), &[]);
    assert_eq!(code, Some(2), "a configuration mistake: {report}");
    let found = findings(&report);
    let mistakes: Vec<_> = found.iter().filter(|f| f.0 == "MAM014").cloned().collect();
    assert_eq!(
        mistakes,
        [
            finding(
                "MAM014",
                ".mamlint/rules/hog.rego",
                3,
                1,
                "custom rules in .mamlint/rules/hog.rego ran past the memory bound of 64 MiB (info); their findings are missing"
            ),
            finding(
                "MAM014",
                ".mamlint/rules/range.rego",
                3,
                1,
                "evaluating `warn` in .mamlint/rules/range.rego failed: numbers.range: 1000000000000000 numbers would pass the memory bound of custom rules (`[custom-rules] memory`)"
            ),
        ],
        "{found:#?}"
    );
    let pin = found.iter().filter(|f| f.0 == "ACME001").count();
    assert_eq!(
        pin, 6,
        "the PIN rule, after the hog, still reports: {found:#?}"
    );
    assert!(
        found.iter().any(|f| f.0 == "MAM008"),
        "the built-in rules still report: {found:#?}"
    );
}

#[test]
fn custom_findings_are_selected_relevelled_suppressed_and_baselined() {
    let dir = project();
    write(
        dir.path(),
        "mamlint.toml",
        "[rules]\nseverity = { ACME001 = \"warning\" }\n\n[per-path-ignores]\n\"*.ps1\" = [\"ACME001\"]\n\n[[suppress]]\npath = \"android.json\"\ncode = \"ACME001\"\nreason = \"the Android rollout moves to 8 digits in Q3\"\n",
    );
    let ios = std::fs::read_to_string(dir.path().join("ios.yaml"))
        .unwrap()
        .replace(
            "    minimumPinLength: 6\n",
            "    minimumPinLength: 6   # mamlint: ignore[ACME001] iOS keeps 6 digits until Q3\n",
        );
    write(dir.path(), "ios.yaml", &ios);
    let (_, report) = check(dir.path(), &["--select", "ACME001,MAM012"]);
    let found = findings(&report);
    assert_eq!(
        found,
        [
            finding("ACME001", "main.tf", 43, 29, "terraform: a 6-digit PIN"),
            finding("ACME001", "main.tf", 90, 29, "terraform: a 6-digit PIN"),
        ]
    );
    assert_eq!(report["diagnostics"][0]["severity"], "warning");

    let (code, report) = check(dir.path(), &["--select", "ACME001", "--ignore", "ACME"]);
    assert_eq!((code, findings(&report)), (Some(0), vec![]));

    let baseline = dir.path().join("baseline.json");
    let output = mamlint()
        .current_dir(dir.path())
        .args(["check", "--select", "ACME001", "--write-baseline"])
        .arg(&baseline)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let (code, report) = check(
        dir.path(),
        &["--select", "ACME001", "--baseline", "baseline.json"],
    );
    assert_eq!((code, findings(&report)), (Some(0), vec![]), "baselined");
}

#[test]
fn test_rules_runs_the_tests_and_fails_when_one_does() {
    let output = mamlint()
        .args(["test-rules", "examples/custom-rules/rules"])
        .output()
        .unwrap();
    let text = String::from_utf8(output.stdout).unwrap();
    assert_eq!(output.status.code(), Some(0), "{text}");
    assert!(text.ends_with("8 tests, 8 passed, 0 failed\n"), "{text}");
    assert!(
        text.contains("PASS mamlint.custom.pin_test.test_a_six_digit_pin_is_denied (examples/custom-rules/rules/pin_test.rego)\n"),
        "{text}"
    );

    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "rules/pin.rego", PIN_RULE);
    write(
        dir.path(),
        "rules/pin_test.rego",
        "package mamlint.custom.pin_test\n\nimport data.mamlint.custom.pin\n\npolicy(n) := {\"documents\": [{\"index\": 0, \"kind\": \"AppProtectionPolicy\", \"source\": \"manifest\", \"spec\": {\"settings\": {\"minimumPinLength\": n}}}]}\n\ntest_six_is_denied if count(pin.deny) == 1 with input as policy(6)\n\ntest_eight_is_denied_too if count(pin.deny) == 1 with input as policy(8)\n",
    );
    let output = mamlint()
        .current_dir(dir.path())
        .args(["test-rules", "rules"])
        .output()
        .unwrap();
    let text = String::from_utf8(output.stdout).unwrap();
    assert_eq!(output.status.code(), Some(1), "{text}");
    assert_eq!(
        text,
        "PASS mamlint.custom.pin_test.test_six_is_denied (rules/pin_test.rego)\nFAIL mamlint.custom.pin_test.test_eight_is_denied_too (rules/pin_test.rego)\n2 tests, 1 passed, 1 failed\n"
    );
    let output = mamlint()
        .current_dir(dir.path())
        .args(["test-rules", "--format", "json", "rules"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(
        report["summary"],
        serde_json::json!({"total": 2, "passed": 1, "failed": 1})
    );
    assert_eq!(report["tests"][1]["name"], "test_eight_is_denied_too");
    assert_eq!(report["tests"][1]["passed"], false);
}

#[test]
fn the_example_rules_report_on_the_example_policies() {
    let output = mamlint()
        .current_dir(root().join("examples/custom-rules"))
        .args(["check", "policies", "--format", "concise"])
        .output()
        .unwrap();
    let text = String::from_utf8(output.stdout).unwrap();
    assert_eq!(output.status.code(), Some(1), "{text}");
    assert_eq!(
        text,
        "policies/acme-android.json:4:18: ACME003 [info] display name `Atlassian apps (Android)` does not follow `Acme <iOS|Android> - <purpose>`\n\
         policies/acme-android.json:17:23: ACME001 [error] `Atlassian apps (Android)` allows a 4-digit PIN; Acme requires at least 8 digits\n\
         policies/acme-ios.yaml:15:14: ACME002 [warning] iOS policy `acme-atlassian-ios` has no Android policy assigned to the same groups\n\
         policies/acme-ios.yaml:33:23: ACME001 [error] `acme-atlassian-ios` allows a 6-digit PIN; Acme requires at least 8 digits\n"
    );
}
