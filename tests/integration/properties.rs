//! Property tests: the loader never panics on arbitrary input, and every span it produces (for
//! nodes, keys, comments and diagnostics) lies inside its file on character boundaries.

use mamlint::lint::{Input, run};
use mamlint::syntax::{self, Node, Span};
use proptest::prelude::*;

fn check_span(text: &str, span: Span) -> Result<(), TestCaseError> {
    prop_assert!(span.start <= span.end, "{span:?}");
    prop_assert!(
        (span.end as usize) <= text.len(),
        "{span:?} beyond {}",
        text.len()
    );
    prop_assert!(
        text.is_char_boundary(span.start as usize) && text.is_char_boundary(span.end as usize),
        "{span:?}"
    );
    Ok(())
}

fn check_tree(text: &str, node: &Node) -> Result<(), TestCaseError> {
    let mut spans = Vec::new();
    node.walk("", |_, n| {
        spans.push(n.span);
        for member in n.as_object().unwrap_or(&[]) {
            spans.push(member.key_span);
        }
    });
    for span in spans {
        check_span(text, span)?;
    }
    Ok(())
}

fn check_file(path: &str, bytes: &[u8]) -> Result<(), TestCaseError> {
    let loaded = syntax::load(path, bytes);
    let text = &loaded.source.text;
    for document in &loaded.parsed.documents {
        check_tree(text, &document.root)?;
    }
    for comment in &loaded.parsed.comments {
        check_span(text, comment.span)?;
    }
    if let Some(error) = &loaded.parsed.error {
        check_span(text, error.span)?;
    }
    let outcome = run(
        vec![Input::memory(path, bytes.to_vec())],
        &Default::default(),
    );
    for d in &outcome.diagnostics {
        let file = &outcome.files[d.location.file].loaded.source.text;
        check_span(file, d.location.span)?;
        for related in &d.related {
            check_span(
                &outcome.files[related.location.file].loaded.source.text,
                related.location.span,
            )?;
        }
    }
    Ok(())
}

/// YAML-ish text: policy keys, indentation, flow and quote characters, non-ASCII, CRLF.
fn yamlish() -> impl Strategy<Value = String> {
    let token = prop_oneof![
        Just("apiVersion: mamlint/v1\n".to_owned()),
        Just("kind: AppProtectionPolicy\n".to_owned()),
        Just("spec:\n".to_owned()),
        Just("  settings:\n".to_owned()),
        Just("    pinRequired: yes\n".to_owned()),
        Just("  apps: [com.atlassian.jira.app, ".to_owned()),
        Just("- ".to_owned()),
        Just("&a ".to_owned()),
        Just("*a".to_owned()),
        Just("\r\n".to_owned()),
        Just("'é ü'".to_owned()),
        Just("\"\\u00e9\"".to_owned()),
        Just("# comment ✓\n".to_owned()),
        Just("---\n".to_owned()),
        "[ -~]{0,8}",
        "[{}\\[\\],:'\"]{1,3}",
    ];
    proptest::collection::vec(token, 0..40).prop_map(|t| t.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        check_file("any.yaml", &bytes)?;
        check_file("any.json", &bytes)?;
    }

    #[test]
    fn yaml_like_text_never_panics_and_spans_are_sound(text in yamlish()) {
        check_file("policy.yaml", text.as_bytes())?;
    }

    #[test]
    fn json_like_text_never_panics(text in "[{}\\[\\]\",: 0-9a-zé\\\\\\n]{0,200}") {
        check_file("policy.json", text.as_bytes())?;
    }

    #[test]
    fn utf16_round_trips(text in "[ -~é✓\\n]{0,100}") {
        let mut bytes = vec![0xFF, 0xFE];
        bytes.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
        let loaded = syntax::load("x.yaml", &bytes);
        prop_assert_eq!(&loaded.source.text, &text);
        check_file("x.yaml", &bytes)?;
    }

    #[test]
    fn line_col_counts_scalar_values(text in "[a-zé✓\\n]{0,80}", at in 0usize..100) {
        let file = syntax::SourceFile::new("x", text.clone(), syntax::Encoding::Utf8);
        let offset = file.clamp(at);
        let lc = file.line_col(offset);
        let before = &text[..offset];
        prop_assert_eq!(lc.line, before.matches('\n').count() + 1);
        prop_assert_eq!(lc.column, before.rsplit('\n').next().unwrap_or("").chars().count() + 1);
    }
}
