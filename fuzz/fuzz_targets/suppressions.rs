//! Inline suppressions on arbitrary text: `parse_directive` on the whole input and on each
//! line, checking what it returns, then a lint of a YAML file with each line as a comment.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mamlint::lint::{Input, run};
use mamlint::suppress::{Directive, parse_directive};
use mamlint_fuzz::{check_outcome, utf8_prefix};

fn check_directive(comment: &str) {
    let directive = parse_directive(comment);
    let for_mamlint = comment.trim_start().starts_with("mamlint:");
    assert_eq!(
        directive.is_some(),
        for_mamlint,
        "{comment:?}: {directive:?}"
    );
    if let Some(Directive::Ignore { codes, reason, .. }) = directive {
        assert!(!codes.is_empty(), "{comment:?}: no codes");
        for code in &codes {
            assert!(
                !code.is_empty() && code.trim() == code && !code.contains([',', ']']),
                "{comment:?}: code {code:?}"
            );
        }
        if let Some(reason) = reason {
            assert!(
                !reason.is_empty() && reason.trim() == reason && !reason.starts_with("TODO"),
                "{comment:?}: reason {reason:?}"
            );
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let text = utf8_prefix(data);
    check_directive(text);
    let mut yaml = String::from("apiVersion: mamlint/v1\nkind: AppProtectionPolicy\n");
    for line in text.lines() {
        check_directive(line);
        yaml.push_str("# ");
        yaml.push_str(line);
        yaml.push_str("\nx: 1 #");
        yaml.push_str(line);
        yaml.push('\n');
    }
    let outcome = run(vec![Input::memory("f.yaml", yaml)], &Default::default());
    check_outcome(&outcome);
});
