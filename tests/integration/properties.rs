//! Property tests: the loader never panics on arbitrary input, and every span it produces (for
//! nodes, keys, comments and diagnostics) lies inside its file on character boundaries, in
//! every encoding mamlint reads (UTF-8 with or without BOM, UTF-16 LE/BE with BOM), with
//! astral-plane characters and CRLF line endings. `fuzz/` runs the same checks under
//! libFuzzer; the inputs it found are kept in `tests/fixtures/fuzz/`.

use mamlint::lint::{Input, run};
use mamlint::syntax::source::{DecodeError, decode};
use mamlint::syntax::{self, Encoding, Node, SourceFile, Span};
use proptest::prelude::*;

use crate::support::fixture;

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

/// Lines and columns of a span's ends are inside the file, and so are its offsets on disk.
fn check_line_col(source: &SourceFile, raw_len: usize, span: Span) -> Result<(), TestCaseError> {
    for offset in [span.start as usize, span.end as usize] {
        let at = source.line_col(offset);
        prop_assert!(
            (1..=source.line_count()).contains(&at.line),
            "offset {offset}: line {} of {}",
            at.line,
            source.line_count()
        );
        let line = &source.text[source.line_start(at.line)..source.line_start(at.line + 1)];
        prop_assert!(
            at.column >= 1 && at.column <= line.chars().count() + 1,
            "offset {offset}: column {} of {line:?}",
            at.column
        );
        let disk = source.disk_offset(offset);
        prop_assert!(disk <= raw_len, "offset {offset}: byte {disk} of {raw_len}");
    }
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
        for location in std::iter::once(&d.location).chain(d.related.iter().map(|r| &r.location)) {
            let file = &outcome.files[location.file];
            let source = &file.loaded.source;
            check_span(&source.text, location.span)?;
            // Configuration files are not the input; the checked file is, in its encoding.
            let raw_len = if source.path == path {
                bytes.len()
            } else {
                source.text.len()
            };
            check_line_col(source, raw_len, location.span)?;
            if let (Some(index), Some(pointer)) = (location.document, &location.pointer) {
                let document = file
                    .loaded
                    .parsed
                    .documents
                    .iter()
                    .find(|d| d.index == index);
                prop_assert!(document.is_some(), "{}: document {index}", d.rule.code);
                let root = &document.unwrap().root;
                prop_assert!(
                    pointer_resolves(root, pointer),
                    "{}: pointer {pointer:?} does not resolve",
                    d.rule.code
                );
            }
        }
    }
    Ok(())
}

/// Whether a pointer names a node, or passes a repeated key (whose earlier occurrences a
/// lookup cannot reach).
fn pointer_resolves(root: &Node, pointer: &str) -> bool {
    if pointer.is_empty() {
        return true;
    }
    let Some(rest) = pointer.strip_prefix('/') else {
        return false;
    };
    let mut node = root;
    for token in rest.split('/') {
        let token = token.replace("~1", "/").replace("~0", "~");
        let next = if let Some(members) = node.as_object() {
            let mut matching = members.iter().filter(|m| m.key == token);
            match (matching.next(), matching.next()) {
                (Some(member), None) => Some(&member.value),
                (Some(_), Some(_)) => return true,
                (None, _) => None,
            }
        } else {
            node.as_array()
                .and_then(|items| items.get(token.parse::<usize>().ok()?))
        };
        match next {
            Some(next) => node = next,
            None => return false,
        }
    }
    true
}

fn encoded(text: &str, encoding: Encoding) -> Vec<u8> {
    mamlint::fix::encode(text, encoding)
}

fn any_encoding() -> impl Strategy<Value = Encoding> {
    prop_oneof![
        Just(Encoding::Utf8),
        Just(Encoding::Utf8Bom),
        Just(Encoding::Utf16Le),
        Just(Encoding::Utf16Be),
    ]
}

/// Text with astral-plane characters (two UTF-16 units, four UTF-8 bytes) and CRLF.
fn astral_text() -> impl Strategy<Value = String> {
    let token = prop_oneof![
        Just("😀".to_owned()),
        Just("𝔸".to_owned()),
        Just("\r\n".to_owned()),
        Just("é".to_owned()),
        "[ -~]{0,6}",
    ];
    proptest::collection::vec(token, 0..30).prop_map(|t| t.concat())
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
        Just("name: '😀 𝔸'\r\n".to_owned()),
        Just("    displayName: 𝔸pps 😀\r\n".to_owned()),
        Just("# mamlint: ignore[MAM006] 😀\r\n".to_owned()),
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
    fn astral_crlf_text_in_every_encoding(
        text in yamlish(),
        extra in astral_text(),
        encoding in any_encoding(),
        json in any::<bool>(),
    ) {
        let text = format!("{text}{extra}");
        let bytes = encoded(&text, encoding);
        let path = if json { "policy.json" } else { "policy.yaml" };
        let loaded = syntax::load(path, &bytes);
        prop_assert_eq!(loaded.source.encoding, encoding);
        prop_assert_eq!(&loaded.source.text, &text);
        check_file(path, &bytes)?;
    }

    #[test]
    fn astral_json_in_every_encoding(
        pairs in proptest::collection::vec((astral_text(), astral_text()), 0..6),
        encoding in any_encoding(),
    ) {
        let members: Vec<String> = pairs
            .iter()
            .map(|(k, v)| format!("{}: {}", serde_json::json!(k), serde_json::json!(v)))
            .collect();
        let text = format!("{{\r\n  {}\r\n}}\r\n", members.join(",\r\n  "));
        let bytes = encoded(&text, encoding);
        let loaded = syntax::load("policy.json", &bytes);
        prop_assert!(loaded.parsed.error.is_none(), "{:?}", loaded.parsed.error);
        let root = &loaded.parsed.documents[0].root;
        for (member, (key, value)) in root.as_object().unwrap().iter().zip(&pairs) {
            prop_assert_eq!(&member.key, key);
            prop_assert_eq!(member.value.as_str(), Some(value.as_str()));
            // The span covers the key as written, and maps to the same text on disk.
            let source = &loaded.source;
            let start = source.disk_offset(member.key_span.start as usize);
            let end = source.disk_offset(member.key_span.end as usize);
            let on_disk = decode(&[&encoded("", encoding)[..], &bytes[start..end]].concat());
            prop_assert_eq!(on_disk.map(|d| d.0), Ok(source.slice(member.key_span).to_owned()));
        }
        check_file("policy.json", &bytes)?;
    }

    #[test]
    fn invalid_utf16_is_reported_at_its_byte_offset(
        before in astral_text(),
        after in astral_text(),
        lone in prop_oneof![0xD800u16..0xDC00, 0xDC00u16..0xE000],
        big_endian in any::<bool>(),
    ) {
        // A lone surrogate between valid text: its offset counts UTF-16 units, two bytes each,
        // after the two-byte BOM, whatever the characters before it.
        let (encoding, unit_bytes): (_, fn(u16) -> [u8; 2]) = if big_endian {
            (Encoding::Utf16Be, u16::to_be_bytes)
        } else {
            (Encoding::Utf16Le, u16::to_le_bytes)
        };
        // A lead surrogate must not be followed by a trail one, or it is not lone.
        let after = format!("x{after}");
        let mut bytes = encoded(&before, encoding);
        let offset = bytes.len();
        bytes.extend(unit_bytes(lone));
        bytes.extend(&encoded(&after, encoding)[2..]);
        let error = decode(&bytes).unwrap_err();
        prop_assert!(matches!(error, DecodeError::InvalidUtf16 { .. }), "{error:?}");
        prop_assert_eq!(error.offset(), offset);
        prop_assert_eq!(offset, 2 + 2 * before.encode_utf16().count());
        let loaded = syntax::load("x.yaml", &bytes);
        let message = &loaded.parsed.error.unwrap().message;
        prop_assert!(message.contains(&format!("near byte {offset})")), "{message}");
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

/// Inputs the fuzz targets found (`tests/fixtures/fuzz/<target>-<what>.<ext>`) stay fixed:
/// they load and lint without a panic, with every location in range and every pointer
/// resolving.
#[test]
fn fuzz_findings_stay_fixed() {
    let dir = fixture("fuzz");
    let mut count = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let bytes = std::fs::read(&path).unwrap();
        check_file(&name, &bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
        count += 1;
    }
    assert!(count > 0, "no fuzz findings in {}", dir.display());
}
