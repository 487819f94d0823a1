//! Invariants shared by the fuzz targets in `fuzz_targets/`. Each check panics with a message
//! naming what broke, so libFuzzer records the input as a crash.
//!
//! The main invariant is that nothing panics; beyond that the targets check what is cheap:
//! spans lie inside their text on character boundaries, lines and columns are in range,
//! JSON Pointers resolve, raw-file offsets lie inside the file, and every output format
//! renders.

use mamlint::diagnostic::Location;
use mamlint::lint::Outcome;
use mamlint::syntax::{Encoding, Node, ParsedFile, SourceFile, Span, Value};

/// The longest valid UTF-8 prefix of the input: mutations that break UTF-8 at the end still
/// exercise the parser on what comes before.
pub fn utf8_prefix(data: &[u8]) -> &str {
    match std::str::from_utf8(data) {
        Ok(text) => text,
        Err(error) => std::str::from_utf8(&data[..error.valid_up_to()]).unwrap(),
    }
}

/// The file name a selector byte stands for: the targets over whole files take their format
/// from the first byte (`fuzz/seed.sh` writes 0 before YAML seeds, 1 before JSON seeds).
pub fn file_name(selector: u8, choices: &[&'static str]) -> &'static str {
    choices[usize::from(selector) % choices.len()]
}

/// `span` lies inside `text`, starts before it ends, and both ends are character boundaries.
pub fn check_span(text: &str, span: Span, what: &str) {
    assert!(
        span.start <= span.end,
        "{what}: {span:?} ends before it starts"
    );
    assert!(
        span.end as usize <= text.len(),
        "{what}: {span:?} beyond the text's {} bytes",
        text.len()
    );
    assert!(
        text.is_char_boundary(span.start as usize) && text.is_char_boundary(span.end as usize),
        "{what}: {span:?} inside a character"
    );
}

/// Lines and columns of a span's ends are inside the file, and so are their offsets in the
/// file on disk (`raw_len` is the file's length in its own encoding).
pub fn check_line_col(source: &SourceFile, raw_len: usize, span: Span, what: &str) {
    for offset in [span.start, span.end] {
        let at = source.line_col(offset as usize);
        assert!(
            (1..=source.line_count()).contains(&at.line),
            "{what}: offset {offset} on line {} of {}",
            at.line,
            source.line_count()
        );
        // The column after the last character of the line (its break included) is the most.
        let start = source.line_start(at.line);
        let end = source.line_start(at.line + 1);
        let line_chars = source.text[start..end].chars().count();
        assert!(
            at.column >= 1 && at.column <= line_chars + 1,
            "{what}: offset {offset} at column {} of a {line_chars}-character line",
            at.column
        );
        let disk = source.disk_offset(offset as usize);
        assert!(
            disk <= raw_len,
            "{what}: offset {offset} is byte {disk} on disk, past the {raw_len}-byte file"
        );
    }
}

/// The length of a file's text in its own encoding.
pub fn raw_len(source: &SourceFile) -> usize {
    mamlint::fix::encode(&source.text, source.encoding).len()
}

/// Whether `pointer` names a node of `root`, or passes a repeated key on the way (where a
/// lookup sees only the last occurrence, so the pointer may name an earlier one).
pub fn pointer_resolves(root: &Node, pointer: &str) -> bool {
    if pointer.is_empty() {
        return true;
    }
    let Some(rest) = pointer.strip_prefix('/') else {
        return false;
    };
    let mut node = root;
    for token in rest.split('/') {
        let token = token.replace("~1", "/").replace("~0", "~");
        node = match &node.value {
            Value::Object(members) => {
                let mut matching = members.iter().filter(|m| m.key == token);
                match (matching.next(), matching.next()) {
                    (Some(member), None) => &member.value,
                    (Some(_), Some(_)) => return true,
                    (None, _) => return false,
                }
            }
            Value::Array(items) => match token.parse::<usize>().ok().and_then(|i| items.get(i)) {
                Some(item) => item,
                None => return false,
            },
            _ => return false,
        };
    }
    true
}

/// Every node, key, comment and error span of a parse lies in the text; the pointer of
/// every node resolves (to that very node where no key on the way is repeated); `locate`
/// answers at any offset.
pub fn check_parsed(text: &str, parsed: &ParsedFile) {
    let source = SourceFile::new("f", text.to_owned(), Encoding::Utf8);
    let raw_len = text.len();
    for document in &parsed.documents {
        let root = &document.root;
        // (pointer, node, whether every key on the way occurs once in its mapping)
        let mut stack: Vec<(String, &Node, bool)> = vec![(String::new(), root, true)];
        while let Some((pointer, node, unique)) = stack.pop() {
            check_span(text, node.span, &format!("node {pointer:?}"));
            check_line_col(&source, raw_len, node.span, &format!("node {pointer:?}"));
            if unique {
                let found = root.pointer(&pointer);
                assert!(
                    found.is_some_and(|n| std::ptr::eq(n, node)),
                    "pointer {pointer:?} does not lead back to its node"
                );
            }
            match &node.value {
                Value::Array(items) => {
                    for (i, item) in items.iter().enumerate() {
                        stack.push((format!("{pointer}/{i}"), item, unique));
                    }
                }
                Value::Object(members) => {
                    for member in members {
                        check_span(text, member.key_span, &format!("key {:?}", member.key));
                        let once = members.iter().filter(|m| m.key == member.key).count() == 1;
                        stack.push((
                            mamlint::syntax::push_pointer(&pointer, &member.key),
                            &member.value,
                            unique && once,
                        ));
                    }
                }
                _ => {}
            }
        }
        for offset in [0, text.len() / 2, text.len()] {
            let _ = root.locate(u32::try_from(offset).unwrap_or(u32::MAX));
        }
    }
    for comment in &parsed.comments {
        check_span(text, comment.span, "comment");
        assert!(
            !comment.text.contains('\n'),
            "a comment spans lines: {:?}",
            comment.text
        );
    }
    if let Some(error) = &parsed.error {
        check_span(text, error.span, "parse error");
        check_line_col(&source, raw_len, error.span, "parse error");
    }
}

fn check_location(outcome: &Outcome, raw_lens: &[usize], location: &Location, what: &str) {
    let file = outcome
        .files
        .get(location.file)
        .unwrap_or_else(|| panic!("{what}: file {} of {}", location.file, outcome.files.len()));
    let source = &file.loaded.source;
    check_span(&source.text, location.span, what);
    check_line_col(source, raw_lens[location.file], location.span, what);
    if let Some(index) = location.document {
        let documents = &file.loaded.parsed.documents;
        let document = documents
            .iter()
            .find(|d| d.index == index)
            .unwrap_or_else(|| panic!("{what}: document {index} of {}", documents.len()));
        if let Some(pointer) = &location.pointer {
            assert!(
                pointer_resolves(&document.root, pointer),
                "{what}: pointer {pointer:?} does not resolve in document {index}"
            );
        }
    }
}

/// Every finding's location (and related locations and fix edits) lies in a file of the run;
/// every output format renders the outcome.
pub fn check_outcome(outcome: &Outcome) {
    let raw_lens: Vec<usize> = outcome
        .files
        .iter()
        .map(|f| raw_len(&f.loaded.source))
        .collect();
    for d in &outcome.diagnostics {
        let what = format!("{} {:?}", d.rule.code, d.message);
        check_location(outcome, &raw_lens, &d.location, &what);
        for related in &d.related {
            check_location(
                outcome,
                &raw_lens,
                &related.location,
                &format!("{what}, related"),
            );
        }
        for edit in d.fix.iter().flat_map(|f| &f.edits) {
            let file = outcome.files.get(edit.file).unwrap_or_else(|| {
                panic!(
                    "{what}: fix in file {} of {}",
                    edit.file,
                    outcome.files.len()
                )
            });
            check_span(&file.loaded.source.text, edit.span, &format!("{what}, fix"));
        }
    }
    use mamlint::report::Format;
    for format in Format::ALL {
        let mut out = Vec::new();
        mamlint::report::write(format, outcome, Default::default(), &mut out)
            .unwrap_or_else(|e| panic!("{} report: {e}", format.name()));
        // The documents (JSON, SARIF, JUnit, GitLab, HTML) are never empty; human, GitHub and
        // concise output is empty for a clean run, and concise is one line per finding.
        let document = !matches!(format, Format::Human | Format::Github | Format::Concise);
        assert!(
            !document || !out.is_empty(),
            "{} report is empty",
            format.name()
        );
        // Whatever the input holds, the HTML page has no element but its own.
        if format == Format::Html {
            let page = String::from_utf8_lossy(&out);
            assert!(!page.contains("<script"), "html: a script element");
        }
        if format == Format::Concise {
            let lines = out.iter().filter(|b| **b == b'\n').count();
            assert_eq!(
                lines,
                outcome.diagnostics.len(),
                "concise: one line per finding"
            );
        }
    }
}
