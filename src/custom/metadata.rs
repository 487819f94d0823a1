//! OPA's `# METADATA` annotations above a Rego rule: `title`, `description`, `custom.code`,
//! `custom.help` and `custom.severity` become the rule's [`RuleMeta`] (what `mamlint rule`,
//! SARIF and hovers show). regorus does not read annotations, so this module does: the block
//! is YAML inside comments, parsed by mamlint's own YAML front end.

use super::{Annotation, RegoError, intern, leak, valid_code};
use crate::diagnostic::{RuleMeta, Severity};
use crate::syntax::{Node, Span};

/// The annotations of a file, and the mistakes in them.
pub fn read(path: &str, text: &str) -> (Vec<Annotation>, Vec<RegoError>) {
    let mut annotations = Vec::new();
    let mut errors = Vec::new();
    let lines: Vec<(usize, &str)> = text
        .split_inclusive('\n')
        .scan(0, |offset, line| {
            let start = *offset;
            *offset += line.len();
            Some((start, line))
        })
        .collect();
    let mut i = 0;
    while i < lines.len() {
        let (start, line) = lines[i];
        i += 1;
        if line.trim() != "# METADATA" {
            continue;
        }
        let span = Span::new(start, start + line.trim_end().len());
        let mut yaml = String::new();
        while let Some((_, comment)) = lines.get(i).filter(|(_, l)| l.starts_with('#')) {
            let body = &comment[1..];
            yaml.push_str(body.strip_prefix(' ').unwrap_or(body));
            i += 1;
        }
        let rule: String = lines
            .get(i)
            .map(|(_, l)| {
                l.chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect()
            })
            .unwrap_or_default();
        match annotation(path, &yaml, rule, span) {
            Ok(Some(found)) => annotations.push(found),
            Ok(None) => {}
            Err(message) => errors.push(RegoError {
                span,
                message,
                help: Some(
                    "see OPA's annotation format: title, description, custom.code, custom.help"
                        .to_owned(),
                ),
            }),
        }
    }
    (annotations, errors)
}

fn annotation(
    path: &str,
    yaml: &str,
    rule: String,
    span: Span,
) -> Result<Option<Annotation>, String> {
    let loaded = crate::syntax::load("METADATA.yaml", yaml.as_bytes());
    if let Some(error) = &loaded.parsed.error {
        return Err(format!("METADATA is not valid YAML: {}", error.message));
    }
    let Some(root) = loaded.parsed.documents.first().map(|d| &d.root) else {
        return Ok(None);
    };
    let text = |node: Option<&Node>| node.and_then(Node::as_str).map(str::to_owned);
    let custom = root.get("custom");
    let Some(code) = text(custom.and_then(|c| c.get("code"))) else {
        // Documentation without a code (a package, a helper) is OPA's business, not ours.
        return Ok(None);
    };
    if !valid_code(&code) {
        return Err(format!(
            "custom rule code `{code}` must match ^[A-Z][A-Z0-9]*[0-9]+$ and not start with MAM"
        ));
    }
    let severity = match text(custom.and_then(|c| c.get("severity"))) {
        None => None,
        Some(key) => Some(
            Severity::from_key(&key)
                .ok_or_else(|| format!("unknown severity `{key}` in METADATA of {code}"))?,
        ),
    };
    let title = text(root.get("title"));
    let description = text(root.get("description"));
    let help = text(custom.and_then(|c| c.get("help")));
    let default = match rule.as_str() {
        "warn" => Severity::Warning,
        "info" => Severity::Info,
        _ => Severity::Error,
    };
    let name = title
        .as_deref()
        .map_or_else(|| code.to_ascii_lowercase(), kebab);
    let summary = title
        .clone()
        .unwrap_or_else(|| format!("Custom rule {code}."));
    let mut docs = String::new();
    docs.push_str(&format!(
        "## What it checks\n{}\n",
        description.as_deref().unwrap_or("(no description)")
    ));
    if let Some(help) = &help {
        docs.push_str(&format!("\n## Fix\n{help}\n"));
    }
    docs.push_str(&format!(
        "\n## Source\nA custom rule: `{rule}` in `{path}` (Rego, evaluated by mamlint).\n"
    ));
    let meta = intern(RuleMeta {
        code: leak(&code),
        name: leak(&name),
        severity: severity.unwrap_or(default),
        summary: leak(&summary),
        docs: leak(&docs),
    });
    Ok(Some(Annotation {
        meta,
        help,
        severity,
        rule,
        span,
    }))
}

/// `PIN of at least 8 digits` → `pin-of-at-least-8-digits`.
fn kebab(title: &str) -> String {
    title
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_ascii_lowercase)
        .collect::<Vec<_>>()
        .join("-")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_block_documents_the_rule_below_it() {
        let text = "package mamlint.custom.pin\n\n# METADATA\n# title: PIN of at least 8 digits\n# description: Acme requires 8-digit PINs.\n# custom:\n#   code: ACME001\n#   help: set minimumPinLength to 8\ndeny contains r if { false }\n";
        let (annotations, errors) = read("pin.rego", text);
        assert_eq!(errors, []);
        let [a] = annotations.as_slice() else {
            panic!("{annotations:?}")
        };
        assert_eq!(a.rule, "deny");
        assert_eq!(a.meta.code, "ACME001");
        assert_eq!(a.meta.name, "pin-of-at-least-8-digits");
        assert_eq!(a.meta.severity, Severity::Error);
        assert_eq!(a.meta.summary, "PIN of at least 8 digits");
        assert_eq!(a.help.as_deref(), Some("set minimumPinLength to 8"));
        assert_eq!(
            a.meta.section("What it checks").as_deref(),
            Some("Acme requires 8-digit PINs.")
        );
        assert_eq!(&text[a.span.range()], "# METADATA");
    }

    #[test]
    fn a_bad_code_or_severity_is_a_mistake_at_the_block() {
        let text = "# METADATA\n# custom:\n#   code: MAM001\nwarn contains r if { false }\n# METADATA\n# custom: {code: ACME2, severity: fatal}\ninfo contains r if { false }\n";
        let (annotations, errors) = read("x.rego", text);
        assert!(annotations.is_empty());
        let messages: Vec<(u32, &str)> = errors
            .iter()
            .map(|e| (e.span.start, e.message.as_str()))
            .collect();
        assert_eq!(
            messages,
            [
                (
                    0,
                    "custom rule code `MAM001` must match ^[A-Z][A-Z0-9]*[0-9]+$ and not start with MAM"
                ),
                (
                    text.rfind("# METADATA").unwrap() as u32,
                    "unknown severity `fatal` in METADATA of ACME2"
                ),
            ]
        );
    }
}
