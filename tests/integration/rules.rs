//! Per-rule fixtures (biome style): `tests/fixtures/rules/<CODE>-<name>/invalid*` must trigger
//! the rule, and the rendered output is snapshotted (code, location, message, labels, help);
//! `valid*` must produce no diagnostic at all. A fixture `X.yaml` with an `X.toml` beside it
//! is checked with that file as its `mamlint.toml`.

use std::path::Path;

use mamlint::rules::RULES;

use crate::support::{codes, fixture, lint_fixture, render};

fn code_of(path: &Path) -> String {
    let dir = path
        .parent()
        .and_then(Path::file_name)
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    dir.split('-').next().unwrap_or_default().to_owned()
}

#[test]
fn invalid_fixtures_trigger_their_rule() {
    insta::glob!("../fixtures/rules", "*/invalid*.{yaml,json}", |path| {
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
    insta::glob!("../fixtures/rules", "*/valid*.{yaml,json}", |path| {
        let outcome = lint_fixture(path);
        assert!(
            outcome.diagnostics.is_empty(),
            "{} is not clean:\n{}",
            path.display(),
            render(&outcome)
        );
    });
}

#[test]
fn every_rule_has_fixtures() {
    for meta in RULES.iter().map(|r| r.meta()) {
        let dir = fixture(&format!("rules/{}-{}", meta.code, meta.name));
        let names: Vec<String> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .filter_map(|e| e.ok()?.file_name().into_string().ok())
            .collect();
        assert!(
            names.iter().any(|n| n.starts_with("invalid")),
            "{} has no invalid fixture",
            meta.code
        );
        assert!(
            names.iter().any(|n| n.starts_with("valid")),
            "{} has no valid fixture",
            meta.code
        );
    }
}
