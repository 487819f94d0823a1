//! Rule documentation examples are tests (biome style): the YAML under `## Example` must
//! trigger the rule, the YAML under `## Fix` must trigger no rule at all.

use mamlint::rules::RULES;

use crate::support::{codes, lint_text, render};

/// The first block of a language in a documentation section.
fn block(section: &str, language: &str) -> Option<String> {
    let fence = format!("```{language}\n");
    let start = section.find(&fence)? + fence.len();
    let end = section[start..].find("```")? + start;
    Some(section[start..end].to_owned())
}

/// Lints a documentation example: its YAML, with its TOML block (if any) as `mamlint.toml`.
fn lint_example(section: &str) -> mamlint::lint::Outcome {
    let yaml = block(section, "yaml").expect("a yaml block");
    let Some(toml) = block(section, "toml") else {
        return lint_text("example.yaml", &yaml);
    };
    let dir = tempfile::tempdir().unwrap();
    let config_path = dir.path().join("mamlint.toml");
    std::fs::write(&config_path, toml).unwrap();
    let policy = dir.path().join("example.yaml");
    std::fs::write(&policy, &yaml).unwrap();
    let config = mamlint::config::Config::load(&config_path, mamlint::rules::metas()).unwrap();
    let input = mamlint::lint::Input::memory(policy.to_string_lossy(), yaml.into_bytes());
    mamlint::lint::run(
        vec![input],
        &mamlint::lint::Settings {
            config: Some(config),
            ..Default::default()
        },
    )
}

/// `(rule, other rule)`: a rule whose `## Fix` example cannot help triggering another rule,
/// each with the reason. A fix shows the setup a reader should end up with, so it must be
/// clean of every rule, not only of its own; today every fix is.
const FIX_MAY_TRIGGER: &[(&str, &str)] = &[];

#[test]
fn examples_trigger_and_fixes_are_clean() {
    for meta in RULES.iter().map(|r| r.meta()) {
        let example = meta
            .section("Example")
            .unwrap_or_else(|| panic!("{}: no example", meta.code));
        let outcome = lint_example(&example);
        assert!(
            codes(&outcome).contains(&meta.code),
            "{} example does not trigger it:\n{example}\n{}",
            meta.code,
            render(&outcome)
        );

        let fix = meta
            .section("Fix")
            .unwrap_or_else(|| panic!("{}: no fix example", meta.code));
        let outcome = lint_example(&fix);
        let left: Vec<&str> = codes(&outcome)
            .into_iter()
            .filter(|code| !FIX_MAY_TRIGGER.contains(&(meta.code, *code)))
            .collect();
        assert!(
            left.is_empty(),
            "{} fix is not clean, it triggers {left:?}:\n{fix}\n{}",
            meta.code,
            render(&outcome)
        );
    }
}
