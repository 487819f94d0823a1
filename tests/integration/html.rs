//! `--format html` of `check`, `plan` and `conformance` (spec §11), through the built binary:
//! snapshots of each page (without its style sheet, which is the same in every page), files
//! written with FORMAT=FILE, and hostile policy text kept as text. `tests/html/run.sh` renders
//! the same pages in headless Chromium.

use crate::support::mamlint;

const HOSTILE: &str = "tests/fixtures/html/hostile";

/// The page with its style sheet left out, so a snapshot shows the report's own markup.
fn without_style(page: &str) -> String {
    let start = page.find("<style>").expect("a style element");
    let end = page.find("</style>").expect("the end of the style element");
    format!("{}<style>(style.css)", &page[..start]) + &page[end..]
}

fn run(args: &[&str]) -> (Option<i32>, String, String) {
    let output = mamlint().args(args).output().unwrap();
    (
        output.status.code(),
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8(output.stderr).unwrap(),
    )
}

/// Nothing in a page is markup that input wrote: no script, image or event handler. Text
/// escapes `<` and `"`, so every `<` must start a tag mamlint writes, and every attribute value
/// ends at the next `"`.
fn assert_inert(page: &str) {
    let tag = regex::Regex::new(
        r#"<!DOCTYPE html>|</?([a-z][a-z0-9]*)((?:\s+[a-z-]+(?:="[^"]*")?)*)\s*>"#,
    )
    .unwrap();
    let attribute = regex::Regex::new(r#"\s+([a-z-]+)(?:="[^"]*")?"#).unwrap();
    let tags: Vec<_> = tag.captures_iter(page).collect();
    assert_eq!(
        tags.len(),
        page.matches('<').count(),
        "a `<` that starts no tag:\n{page}"
    );
    for captures in tags {
        let name = captures.get(1).map_or("", |m| m.as_str());
        assert!(
            ![
                "script", "img", "iframe", "link", "object", "embed", "base", "form"
            ]
            .contains(&name),
            "<{name}> in the page"
        );
        let attributes = captures.get(2).map_or("", |m| m.as_str());
        for a in attribute.captures_iter(attributes) {
            let a = &a[1];
            assert!(
                !a.starts_with("on") && a != "src",
                "<{name} {a}> in the page"
            );
        }
    }
    assert_eq!(page.matches("<style>").count(), 1);
    assert!(page.contains("content=\"default-src 'none'; style-src 'unsafe-inline'"));
}

#[test]
fn check_html_has_each_finding_with_its_frame_and_rule_link() {
    let (code, page, stderr) = run(&[
        "check",
        "examples/broken/ios-policies.yaml",
        "--format",
        "html",
    ]);
    assert_eq!(code, Some(1));
    assert_eq!(
        stderr.trim_end(),
        "Found 11 errors and 9 warnings in 1 file (4 documents in 1 file checked)."
    );
    assert_inert(&page);
    assert!(page.contains(
        "<article class=\"finding error\" id=\"finding-1\" data-code=\"MAM008\" data-line=\"5\" data-column=\"11\">"
    ));
    assert!(page.contains("href=\"https://github.com/mamlint/mamlint/blob/main/rules/README.md#mam008-dangling-reference\""));
    assert!(page.contains("5 |   tenant: globex-entra\n"));
    insta::assert_snapshot!(without_style(&page));
}

#[test]
fn check_html_of_a_clean_run_says_so() {
    let (code, page, _) = run(&["check", "examples/clean", "--format", "html"]);
    assert_eq!(code, Some(0));
    assert!(page.contains("<p class=\"summary\">All checks passed: 9 documents in 8 files.</p>"));
    assert!(!page.contains("<article"));
}

#[test]
fn html_goes_to_a_file_beside_another_output() {
    let dir = tempfile::tempdir().unwrap();
    let check = dir.path().join("check.html");
    let plan = dir.path().join("plan.html");
    let conformance = dir.path().join("conformance.html");
    let output = mamlint()
        .args([
            "check",
            "examples/broken/ios-policies.yaml",
            "--format",
            "concise",
        ])
        .arg("--format")
        .arg(format!("html={}", check.display()))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(String::from_utf8_lossy(&output.stdout).lines().count(), 20);
    let page = std::fs::read_to_string(&check).unwrap();
    assert_eq!(page.matches("<article class=\"finding").count(), 20);
    for (command, path, code) in [
        (
            &[
                "plan",
                "examples/clean",
                "--current",
                "examples/tenant-state",
            ][..],
            &plan,
            3,
        ),
        (&["conformance", "examples/clean"][..], &conformance, 0),
    ] {
        let output = mamlint()
            .args(command)
            .arg("--format")
            .arg(format!("HTML={}", path.display()))
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(code), "{command:?}");
        assert!(
            output.stdout.is_empty(),
            "{command:?} wrote to standard output"
        );
        assert!(
            std::fs::read_to_string(path)
                .unwrap()
                .starts_with("<!DOCTYPE html>")
        );
    }
}

#[test]
fn plan_html_highlights_loosening_and_lists_manual_steps() {
    let (code, page, _) = run(&[
        "plan",
        "examples/clean",
        "--current",
        "examples/tenant-state",
        "--format",
        "html",
    ]);
    assert_eq!(code, Some(3));
    assert_inert(&page);
    // The one loosening setting is in the summary table and highlighted in its change.
    assert_eq!(page.matches("<tr class=\"loosening\"").count(), 2);
    assert!(page.contains("<tr class=\"loosening\" data-property=\"minimumRequiredOsVersion\">"));
    assert!(page.contains("<article class=\"change update loosening\" data-action=\"update\" data-policy=\"Atlassian apps (Android)\" data-platform=\"android\">"));
    assert_eq!(page.matches("<li class=\"step\">").count(), 3);
    insta::assert_snapshot!(without_style(&page));
}

#[test]
fn conformance_html_is_the_matrix_and_the_shortfalls() {
    let (code, page, _) = run(&[
        "conformance",
        "tests/fixtures/protection/ios-level2-one-short.yaml",
        "tests/fixtures/protection/android-level3-exact.yaml",
        "--format",
        "html",
    ]);
    assert_eq!(code, Some(0));
    assert_inert(&page);
    assert!(page.contains("<tr data-policy=\"atlassian-android-l3\" data-level=\"3\">"));
    assert!(page.contains("<tr data-policy=\"atlassian-ios-l2-short\" data-level=\"1\">"));
    insta::assert_snapshot!(without_style(&page));
    // With --level the page says whether the gate passed, and marks the policies short of it.
    let (code, page, _) = run(&[
        "conformance",
        "tests/fixtures/protection/ios-level2-one-short.yaml",
        "tests/fixtures/protection/android-level3-exact.yaml",
        "--level",
        "2",
        "--format",
        "html",
    ]);
    assert_eq!(code, Some(1));
    assert!(page.contains("<p class=\"summary\"><span class=\"badge fail\">failed</span> 1 of 2 policies fall short of Level 2 (--level 2).</p>"));
    assert!(
        page.contains(
            "<tr class=\"fail\" data-policy=\"atlassian-ios-l2-short\" data-level=\"1\">"
        )
    );
    assert!(page.contains("<tr data-policy=\"atlassian-android-l3\" data-level=\"3\">"));
}

#[test]
fn hostile_text_stays_text_in_every_report() {
    let script = "&lt;script&gt;alert(&apos;mamlint&apos;)&lt;/script&gt; &amp; &lt;img src=x onerror=alert(1)&gt; &quot;Jira&quot;";
    let policy = format!("{HOSTILE}/policy.yaml");
    let tenant = format!("{HOSTILE}/tenant.yaml");
    let current = format!("{HOSTILE}/current");
    let runs: [(&[&str], i32); 3] = [
        (&["check", HOSTILE, "--format", "html"], 1),
        (
            &[
                "plan",
                &policy,
                &tenant,
                "--current",
                &current,
                "--format",
                "html",
            ],
            3,
        ),
        (&["conformance", HOSTILE, "--format", "html"], 0),
    ];
    for (args, expected) in runs {
        let (code, page, stderr) = run(args);
        assert_eq!(code, Some(expected), "{args:?}: {stderr}");
        assert_inert(&page);
        assert!(
            page.contains(script),
            "{args:?}: the display name is not shown escaped"
        );
    }
    let (_, page, _) = run(&["check", HOSTILE, "--format", "html"]);
    assert!(page.contains("# &lt;script&gt;document.title=&apos;pwned&apos;&lt;/script&gt;"));
}

#[test]
fn a_format_without_its_file_is_a_usage_error() {
    for command in ["plan", "conformance"] {
        let (code, _, stderr) = run(&[command, "examples/clean", "--format", "html="]);
        assert_eq!(code, Some(2), "{command}");
        assert!(
            stderr.contains("invalid value 'html=' for '--format <FORMAT[=FILE]>': `html=` names no file after `=`"),
            "{command}: {stderr}"
        );
    }
    let (code, _, stderr) = run(&["plan", "--format", "pdf"]);
    assert_eq!(code, Some(2));
    assert!(
        stderr.contains("unknown format `pdf`; formats: human, markdown, json, html"),
        "{stderr}"
    );
}

#[test]
fn check_html_links_only_built_in_rules_to_the_catalogue() {
    let (code, page, _) = run(&[
        "check",
        "--config",
        "examples/custom-rules/mamlint.toml",
        "examples/custom-rules/policies",
        "--format",
        "html",
    ]);
    assert_eq!(code, Some(1));
    assert_inert(&page);
    assert!(page.contains("data-code=\"ACME001\""), "a custom finding");
    // An organization's rule has no section in mamlint's catalogue to link to.
    assert!(!page.contains("#acme001-"));
    assert!(page.contains("<span class=\"code\">ACME001</span>"));
}
