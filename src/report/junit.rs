//! `--format junit`: JUnit XML for CI systems that show test reports (GitLab, Jenkins,
//! Azure DevOps).
//!
//! One `<testsuite>` per checked file; each finding is a `<testcase>` with a `<failure>` whose
//! `type` is the rule code; a file without findings is one passing test case.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::io::{self, Write};

use super::line_cols;
use crate::lint::Outcome;
use crate::model::Role;

/// Escapes text for XML content and attribute values (quick-xml's `escape`: `<`, `>`, `&`,
/// quotes and `\r`), after dropping the characters XML 1.0 cannot hold even as references
/// (C0 controls other than tab, line feed and carriage return; U+FFFE, U+FFFF).
pub fn escape(text: &str) -> Cow<'_, str> {
    let allowed = |c: char| {
        matches!(c, '\t' | '\n' | '\r') || (c >= ' ' && !matches!(c, '\u{FFFE}' | '\u{FFFF}'))
    };
    if text.chars().all(allowed) {
        quick_xml::escape::escape(text)
    } else {
        quick_xml::escape::escape(text.chars().filter(|&c| allowed(c)).collect::<String>())
    }
}

pub fn write(outcome: &Outcome, out: &mut dyn Write) -> io::Result<()> {
    let mut by_file: BTreeMap<usize, Vec<&crate::diagnostic::Diagnostic>> = BTreeMap::new();
    for (index, file) in outcome.files.iter().enumerate() {
        if file.role == Role::Checked {
            by_file.entry(index).or_default();
        }
    }
    for d in &outcome.diagnostics {
        by_file.entry(d.location.file).or_default().push(d);
    }
    let tests: usize = by_file.values().map(|ds| ds.len().max(1)).sum();
    let failures = outcome.diagnostics.len();
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(
        out,
        r#"<testsuites name="mamlint" tests="{tests}" failures="{failures}" errors="0" time="0">"#
    )?;
    for (file, diagnostics) in by_file {
        let raw_path = outcome
            .files
            .get(file)
            .map(|f| f.loaded.source.path.as_str())
            .unwrap_or_default();
        let path = escape(raw_path);
        writeln!(
            out,
            r#"  <testsuite name="{path}" tests="{}" failures="{}" errors="0" skipped="0" time="0">"#,
            diagnostics.len().max(1),
            diagnostics.len()
        )?;
        if diagnostics.is_empty() {
            writeln!(
                out,
                r#"    <testcase name="{path}" classname="{path}" time="0"/>"#
            )?;
        }
        for d in diagnostics {
            let (start, _) = line_cols(&outcome.files, &d.location);
            let name = format!(
                "{} {} at {}:{}",
                d.rule.code, d.rule.name, start.line, start.column
            );
            let name = escape(&name);
            let mut body = format!(
                "{raw_path}:{}:{}: {} {}: {}",
                start.line, start.column, d.severity, d.rule.code, d.message
            );
            if let Some(help) = &d.help {
                body.push_str(&format!("\nhelp: {help}"));
            }
            writeln!(
                out,
                r#"    <testcase name="{name}" classname="{path}" time="0">"#
            )?;
            writeln!(
                out,
                r#"      <failure message="{}" type="{}">{}</failure>"#,
                escape(&d.message),
                d.rule.code,
                escape(&body)
            )?;
            writeln!(out, "    </testcase>")?;
        }
        writeln!(out, "  </testsuite>")?;
    }
    writeln!(out, "</testsuites>")
}

#[cfg(test)]
mod tests {
    use quick_xml::Reader;
    use quick_xml::events::Event;

    use super::*;

    #[test]
    fn escapes_markup_and_drops_what_xml_cannot_hold() {
        assert_eq!(escape("plain é"), "plain é");
        assert_eq!(
            escape("<a & \"b\"> 'c'"),
            "&lt;a &amp; &quot;b&quot;&gt; &apos;c&apos;"
        );
        assert_eq!(escape("a\tb\nc\r"), "a\tb\nc&#13;");
        assert_eq!(escape("a\u{0}b\u{1b}c\u{FFFF}d&"), "abcd&amp;");
    }

    /// The report parses as XML, and attribute values read back as the text they hold.
    #[test]
    fn reports_are_well_formed_xml() {
        let path = "dir/a&b <c> \"d\" 'e'.yaml";
        let outcome = crate::lint::run(
            vec![crate::lint::Input::memory(path, "kind: [\u{1}\n")],
            &crate::lint::Settings {
                selection: crate::selection::Selection::default(),
                config: None,
                ..Default::default()
            },
        );
        assert!(!outcome.diagnostics.is_empty());
        let mut out = Vec::new();
        write(&outcome, &mut out).unwrap();
        let xml = String::from_utf8(out).unwrap();
        let mut reader = Reader::from_str(&xml);
        let mut names = Vec::new();
        loop {
            match reader.read_event().unwrap() {
                Event::Eof => break,
                Event::Start(e) | Event::Empty(e) if e.name().into_inner() == "testsuite" => {
                    let name = e.try_get_attribute("name").unwrap().unwrap();
                    names.push(
                        name.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                            .unwrap()
                            .into_owned(),
                    );
                }
                _ => {}
            }
        }
        assert_eq!(names, [path]);
        let (_, failure) = xml.split_once("<failure ").unwrap();
        let (_, body) = failure.split_once('>').unwrap();
        let (body, _) = body.split_once("</failure>").unwrap();
        let body = quick_xml::escape::unescape(body).unwrap();
        assert!(body.starts_with(&format!("{path}:1:")), "{body}");
    }
}
