//! `export`: current Graph state → mamlint v1 manifests (YAML, one file per policy, stable
//! key order), so a tenant can be brought under version control. Exported files check clean
//! except for real findings, and planning them against the same tenant shows no changes.
//! Keys and strings are written plain only where no YAML 1.1 or 1.2 reader could take them for
//! anything else ([`yaml_scalar`]), and double-quoted otherwise.

use std::borrow::Cow;

use serde_json::{Map, Value};

use super::apply::collection;
use super::state::{Policy, from_graph};
use crate::graph::{Client, ServiceError};
use crate::model::{API_VERSION, Platform};

/// Reads every app protection policy of a tenant, with its apps and assignments.
pub fn read_live(client: &Client) -> Result<Vec<Policy>, ServiceError> {
    let mut policies = Vec::new();
    for platform in Platform::ALL {
        let collection = collection(platform);
        for item in client.list(&collection)? {
            let Some(id) = item.get("id").and_then(Value::as_str) else {
                continue;
            };
            let full = client.get(&format!("{collection}/{id}?$expand=apps,assignments"))?;
            if let Some(policy) = from_graph(
                &full,
                platform,
                &format!("{}{collection}/{id}", client.base()),
            ) {
                policies.push(policy);
            }
        }
    }
    policies.sort_by(|a, b| (a.platform, &a.display_name).cmp(&(b.platform, &b.display_name)));
    Ok(policies)
}

/// A name for files and `metadata.name`: lowercase letters, digits and dashes.
pub fn slug(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    let out = out.trim_end_matches('-').to_owned();
    if out.is_empty() {
        "policy".to_owned()
    } else {
        out
    }
}

/// A string as a YAML scalar that every YAML 1.1 and 1.2 reader takes for that same string:
/// plain where nothing could read it as another type, as syntax or as whitespace, and
/// double-quoted otherwise. Used for keys and string values alike.
pub fn yaml_scalar(text: &str) -> Cow<'_, str> {
    if is_plain_string(text) {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(double_quoted(text))
    }
}

/// Whether `text` can be written unquoted. Deliberately wider than the resolvers' regexes:
/// quoting a string that did not need it costs nothing, and reading one as a number does.
fn is_plain_string(text: &str) -> bool {
    let (Some(first), Some(last)) = (text.chars().next(), text.chars().next_back()) else {
        // Empty is null.
        return false;
    };
    // Every YAML 1.1 and 1.2 int, float (`.inf`, `.nan`, `.5`, `+1`), sexagesimal number
    // (`1:20`) and timestamp starts with a digit, a sign or a dot; `-`, `.` and the other
    // indicators also open sequences, documents (`---`, `...`), anchors, tags, block
    // scalars, quotes, directives and reserved syntax.
    if first.is_ascii_digit() || "+.-?:,[]{}#&*!|>'\"%@`".contains(first) {
        return false;
    }
    // Null and boolean words (YAML 1.1 has y, n, yes, no, on, off), in any case, since
    // readers differ in which spellings they accept; `<<` is the merge key, `=` the 1.1
    // value key.
    let lower = text.to_ascii_lowercase();
    if matches!(
        lower.as_str(),
        "~" | "null" | "y" | "n" | "yes" | "no" | "on" | "off" | "true" | "false" | "<<" | "="
    ) {
        return false;
    }
    if first == ' ' || last == ' ' || last == ':' {
        return false;
    }
    // `: ` would start a mapping value, ` #` a comment; flow indicators end scalars inside
    // flow collections.
    if text.contains(": ") || text.contains(" #") || text.contains([',', '[', ']', '{', '}']) {
        return false;
    }
    !text.chars().any(|c| c != ' ' && needs_escape(c))
}

/// Characters that are written as escapes in a double-quoted scalar: controls (tab and line
/// breaks included), the YAML 1.1 line breaks U+2028 and U+2029, whitespace other than the
/// space, the byte order mark and non-characters, and invisible format characters
/// (zero-width, bidi controls, tags), so an exported file shows what a value really holds.
fn needs_escape(c: char) -> bool {
    c.is_control()
        || c.is_whitespace()
        || matches!(
            c,
            '\u{200B}'..='\u{200F}'
                | '\u{202A}'..='\u{202E}'
                | '\u{2060}'..='\u{2064}'
                | '\u{2066}'..='\u{2069}'
                | '\u{FEFF}'
                | '\u{FFFE}'
                | '\u{FFFF}'
                | '\u{E0000}'..='\u{E007F}'
        )
}

/// A YAML double-quoted scalar, using only escapes that YAML 1.1 and 1.2 share.
fn double_quoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            ' ' => out.push(' '),
            c if needs_escape(c) && u32::from(c) <= 0xFFFF => {
                out.push_str(&format!("\\u{:04X}", u32::from(c)));
            }
            c if needs_escape(c) => out.push_str(&format!("\\U{:08X}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn scalar(value: &Value) -> Cow<'_, str> {
    match value {
        Value::String(s) => yaml_scalar(s),
        Value::Null => Cow::Borrowed("null"),
        other => Cow::Owned(other.to_string()),
    }
}

/// A comment's text on one line: a line break in it would end the comment and start YAML.
fn one_line(text: &str) -> String {
    text.replace(
        |c: char| c.is_control() || matches!(c, '\u{2028}' | '\u{2029}'),
        " ",
    )
}

/// Writes a JSON value as block YAML at an indentation.
fn emit(out: &mut String, value: &Value, indent: usize) {
    let pad = " ".repeat(indent);
    match value {
        Value::Object(map) if !map.is_empty() => {
            for (k, v) in map {
                match v {
                    Value::Object(m) if !m.is_empty() => {
                        out.push_str(&format!("{pad}{}:\n", yaml_scalar(k)));
                        emit(out, v, indent + 2);
                    }
                    Value::Array(a) if !a.is_empty() => {
                        out.push_str(&format!("{pad}{}:\n", yaml_scalar(k)));
                        emit(out, v, indent + 2);
                    }
                    Value::Object(_) => out.push_str(&format!("{pad}{}: {{}}\n", yaml_scalar(k))),
                    Value::Array(_) => out.push_str(&format!("{pad}{}: []\n", yaml_scalar(k))),
                    scalar_value => {
                        out.push_str(&format!(
                            "{pad}{}: {}\n",
                            yaml_scalar(k),
                            scalar(scalar_value)
                        ));
                    }
                }
            }
        }
        Value::Array(items) => {
            for item in items {
                match item {
                    Value::Object(m) if !m.is_empty() => {
                        let mut nested = String::new();
                        emit(&mut nested, item, indent + 2);
                        out.push_str(&format!("{pad}- {}", nested.trim_start()));
                    }
                    other => out.push_str(&format!("{pad}- {}\n", scalar(other))),
                }
            }
        }
        other => out.push_str(&format!("{pad}{}\n", scalar(other))),
    }
}

/// A policy as an AppProtectionPolicy manifest.
pub fn manifest(policy: &Policy, tenant: &str) -> (String, String) {
    let name = format!("{}-{}", slug(&policy.display_name), policy.platform.key());
    let mut settings = policy.settings.clone();
    let description = settings.remove("description");
    let app_group_type = settings.remove("appGroupType");
    let mut sorted: Vec<(String, Value)> = settings.into_iter().collect();
    sorted.sort_by(|a, b| a.0.cmp(&b.0));
    let mut spec = Map::new();
    spec.insert("tenant".into(), Value::String(tenant.to_owned()));
    spec.insert(
        "platform".into(),
        Value::String(policy.platform.key().to_owned()),
    );
    spec.insert(
        "displayName".into(),
        Value::String(policy.display_name.clone()),
    );
    if let Some(d) = description.filter(|d| d.as_str().is_some_and(|s| !s.is_empty())) {
        spec.insert("description".into(), d);
    }
    if let Some(g) = app_group_type {
        spec.insert("appGroupType".into(), g);
    }
    spec.insert(
        "apps".into(),
        Value::Array(policy.apps.iter().cloned().map(Value::String).collect()),
    );
    let mut assignments = Map::new();
    assignments.insert(
        "include".into(),
        Value::Array(policy.include.iter().cloned().map(Value::String).collect()),
    );
    if !policy.exclude.is_empty() {
        assignments.insert(
            "exclude".into(),
            Value::Array(policy.exclude.iter().cloned().map(Value::String).collect()),
        );
    }
    spec.insert("assignments".into(), Value::Object(assignments));
    spec.insert(
        "settings".into(),
        Value::Object(sorted.into_iter().collect()),
    );
    let mut text = format!(
        "# Exported by mamlint from {} (Graph id {}).\napiVersion: {API_VERSION}\nkind: AppProtectionPolicy\nmetadata:\n  name: {}\nspec:\n",
        one_line(&policy.source),
        one_line(policy.id.as_deref().unwrap_or("unknown")),
        yaml_scalar(&name)
    );
    emit(&mut text, &Value::Object(spec), 2);
    (format!("{name}.yaml"), text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::{self, Value as Yaml};
    use proptest::prelude::*;
    use serde_json::json;

    /// Strings that a YAML 1.1 or 1.2 reader takes for something else if written plain: null,
    /// booleans, ints, floats, timestamps, the merge and value keys, syntax, and whitespace
    /// that plain scalars lose or cannot hold.
    #[rustfmt::skip]
    const SPECIAL: &[&str] = &[
        // null and booleans, YAML 1.1 spellings and odd cases included
        "", "~", "null", "Null", "NULL", "nUlL",
        "y", "Y", "yes", "Yes", "YES", "yEs", "n", "N", "no", "No", "NO",
        "on", "On", "ON", "oN", "off", "Off", "OFF",
        "true", "True", "TRUE", "tRUE", "false", "False", "FALSE",
        // ints: decimal, octal (1.1 `0`, 1.2 `0o`), hex, binary, `_`, sexagesimal
        "0", "1", "-1", "+1", "007", "0o17", "017", "0x1F", "0X1F", "0b1010", "1_000",
        "1:20", "190:20:30", "-1:20",
        // floats
        "1.0", "1.", "16.10", ".5", "-.5", "+.5", "1e3", "1E3", "1.0e+3", "685.230_15e+03",
        "190:20:30.15", ".inf", ".Inf", ".INF", "-.inf", "+.inf", ".nan", ".NaN", ".NAN",
        // timestamps
        "2024-01-01", "2001-12-14t21:59:43.10-05:00", "2001-12-14 21:59:43.10 -5",
        "2001-12-15T02:59:43.1Z",
        // merge key, value key
        "<<", "=",
        // syntax
        "a: b", "a:", "a #b", "#a", "- a", "-", "--- x", "---", "...", "? a", "?", ": a", ":",
        ",a", "a,b", "[a]", "a[0]", "{a}", "]", "}", "&a", "*a", "!a", "!!str", "|", "|-", ">",
        "'a'", "'", "\"a\"", "\"", "%YAML 1.2", "@a", "`a`",
        // whitespace, line breaks, controls and invisible characters
        " ", " a", "a ", "\t", "a\tb", "a\t#b", "a\nb", "\n", "a\r\nb", "\r", "a\u{85}b",
        "a\u{2028}b", "a\u{2029}b", "\u{a0}", "a\u{a0}", "\u{3000}", "\u{feff}a", "a\u{200b}b",
        "\u{202e}abc", "\u{e0041}", "\u{0}", "\u{1b}[31m", "\u{7f}", "\u{fffe}",
    ];

    /// Strings that stay plain.
    #[rustfmt::skip]
    const PLAIN: &[&str] = &[
        "PT12H", "com.atlassian.jira.app", "Atlassian apps (iOS)", "skype;", "sharePoint",
        "mamlint/v1", "é", "日本語 ✓", "😀", "\u{10ffff}", "a:b", "a#b", "C:\\x", "yes please",
        "on-call", "~foo", "a-b", "back\\slash\"quote", "x.y", "https://x.example/y?z=1&w#f",
        "a ? b", "a - b", "a | b",
    ];

    /// `text` as a key and as a value, block mapping and block sequence, read back with
    /// mamlint's own YAML parser.
    fn read_back(text: &str) -> Result<(), String> {
        let mut map = Map::new();
        map.insert(text.to_owned(), Value::String(text.to_owned()));
        let mut yaml = String::new();
        emit(&mut yaml, &Value::Object(map), 0);
        emit(&mut yaml, &json!({"items": [text, text]}), 0);
        let parsed = syntax::yaml::parse(&yaml);
        let fail = |what: &str| Err(format!("{text:?} as {yaml:?}: {what}"));
        if let Some(error) = parsed.error {
            return fail(&error.message);
        }
        let Some(members) = parsed.documents.first().and_then(|d| d.root.as_object()) else {
            return fail("not one mapping");
        };
        let [member, items] = members else {
            return fail("not two members");
        };
        let expected = Yaml::String(text.to_owned());
        if member.key != text || member.value.value != expected {
            return fail(&format!("read {:?}: {:?}", member.key, member.value.value));
        }
        match items.value.as_array() {
            Some([a, b]) if a.value == expected && b.value == expected => Ok(()),
            other => fail(&format!("items read {other:?}")),
        }
    }

    #[test]
    fn special_scalars_are_quoted_and_read_back() {
        for text in SPECIAL {
            let written = yaml_scalar(text);
            assert!(written.starts_with('"'), "{text:?} written {written}");
            read_back(text).unwrap();
        }
    }

    #[test]
    fn ordinary_strings_stay_plain_and_read_back() {
        for text in PLAIN {
            assert_eq!(yaml_scalar(text), *text);
            read_back(text).unwrap();
        }
    }

    #[test]
    fn escapes_are_the_ones_yaml_1_1_and_1_2_share() {
        assert_eq!(yaml_scalar("'a\"b\\c"), r#""'a\"b\\c""#);
        assert_eq!(yaml_scalar("a\nb\tc\rd"), r#""a\nb\tc\rd""#);
        assert_eq!(
            yaml_scalar("\u{0}\u{a0}\u{2028}"),
            r#""\u0000\u00A0\u2028""#
        );
        assert_eq!(yaml_scalar(" é😀 "), "\" é😀 \"");
        assert_eq!(yaml_scalar("\u{E0001}x"), r#""\U000E0001x""#);
    }

    #[test]
    fn comments_stay_on_one_line() {
        assert_eq!(one_line("id\nkind: x\r\u{2028}"), "id kind: x  ");
    }

    proptest! {
        #[test]
        fn any_string_reads_back(text in any::<String>()) {
            prop_assert_eq!(read_back(&text), Ok(()));
        }

        #[test]
        fn yaml_like_strings_read_back(
            text in "[-?:,\\[\\]{}#&*!|>'\"%@`~<=. \\t\\n\\\\0-9a-fA-FxXoObB_+eEyYnNsSuUlLtTrR]{0,12}"
        ) {
            prop_assert_eq!(read_back(&text), Ok(()));
        }
    }

    #[test]
    fn manifests_read_back_as_the_same_policy() {
        let graph = json!({
            "@odata.type": "#microsoft.graph.iosManagedAppProtection", "id": "T_1", "displayName": "Atlassian apps (iOS)",
            "description": "", "pinRequired": true, "minimumRequiredOsVersion": "16.10", "periodOfflineBeforeAccessCheck": "PT12H",
            "allowedDataStorageLocations": ["sharePoint"], "exemptedAppProtocols": [{"name": "Default", "value": "skype;"}],
            "apps": [{"mobileAppIdentifier": {"bundleId": "com.atlassian.jira.app"}}],
            "assignments": [{"target": {"@odata.type": "#microsoft.graph.groupAssignmentTarget", "groupId": "0b6e2c1a-5f0d-4c5e-9a7b-3d2f1e0c9b8a"}}]
        });
        let policy = from_graph(&graph, Platform::Ios, "test").unwrap();
        let (file, text) = manifest(&policy, "acme-entra");
        assert_eq!(file, "atlassian-apps-ios-ios.yaml");
        let outcome = crate::lint::run(
            vec![crate::lint::Input::memory("x.yaml", text.clone())],
            &crate::lint::Settings {
                selection: crate::selection::Selection {
                    select: vec![],
                    ignore: vec!["MAM008".into()],
                },
                config: None,
                ..Default::default()
            },
        );
        assert!(
            outcome.diagnostics.is_empty(),
            "{text}\n{:?}",
            outcome
                .diagnostics
                .iter()
                .map(|d| &d.message)
                .collect::<Vec<_>>()
        );
        let workspace = crate::model::Workspace::new(&outcome.files);
        let back = super::super::state::desired(&workspace, &workspace.entities[0])
            .unwrap()
            .unwrap();
        assert_eq!(
            (back.settings, back.apps, back.include),
            (
                policy
                    .settings
                    .into_iter()
                    .filter(|(k, _)| k != "description")
                    .collect(),
                policy.apps,
                policy.include
            )
        );
    }
}
