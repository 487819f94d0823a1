//! Rule documentation examples are tests (biome style): the YAML under `## Example` must
//! trigger the rule, the YAML under `## Fix` must not.

use mamlint::rules::RULES;

use crate::support::{codes, lint_text, render};

/// The first ```yaml block of a documentation section.
fn yaml_block(section: &str) -> Option<String> {
    let start = section.find("```yaml\n")? + "```yaml\n".len();
    let end = section[start..].find("```")? + start;
    Some(section[start..end].to_owned())
}

#[test]
fn examples_trigger_and_fixes_do_not() {
    for meta in RULES.iter().map(|r| r.meta()) {
        let example = meta
            .section("Example")
            .and_then(|s| yaml_block(&s))
            .unwrap_or_else(|| panic!("{}: no example", meta.code));
        let outcome = lint_text("example.yaml", &example);
        assert!(
            codes(&outcome).contains(&meta.code),
            "{} example does not trigger it:\n{example}\n{}",
            meta.code,
            render(&outcome)
        );

        let fix = meta
            .section("Fix")
            .and_then(|s| yaml_block(&s))
            .unwrap_or_else(|| panic!("{}: no fix example", meta.code));
        let outcome = lint_text("fixed.yaml", &fix);
        assert!(
            !codes(&outcome).contains(&meta.code),
            "{} fix still triggers it:\n{fix}\n{}",
            meta.code,
            render(&outcome)
        );
    }
}
