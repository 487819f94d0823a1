//! The committed schemas as mamlint compiles them for its own checks, which is cheaper than
//! compiling them as published and accepts exactly the same documents.
//!
//! Compiling a schema is most of the cost of checking one small file (a pre-commit hook), so
//! the copy handed to the compiler differs from the published text in four ways that change
//! no verdict:
//! - it is read as draft 7, whose meta-schema is a fraction of 2020-12's to compile and
//!   check against: the schemas use only keywords both drafts define alike (`$ref` never has
//!   constraining siblings; a test in `generate` keeps it so), and `format`, an annotation in
//!   2020-12, is dropped;
//! - for one platform, the `if`/`then` branches of the other platform and the `$defs` no
//!   longer referenced go, so an iOS policy does not compile the Android settings;
//! - annotations (descriptions, titles, defaults) go: they were most of the text to parse;
//! - each `pattern` of [`patterns`] becomes a `format` that [`formats`] checks in Rust,
//!   because building their regular expressions cost more than the rest of the compilation.
//!
//! The first three are [`reduce`], done before the build: its output is committed beside this
//! file (`reduced/`, kept current by a test) and embedded, so a run parses only that. The
//! last is [`prepare`], at run time, because the formats are closures.
//!
//! `tests` below checks each format against its regular expression on generated strings.

use serde_json::{Map, Value as Json};

use super::patterns;
use crate::model::Platform;

/// A format standing in for one of the patterns of [`patterns`].
#[derive(Clone, Debug, PartialEq)]
pub(super) enum PatternFormat {
    Guid,
    Domain,
    Duration,
    /// A comma-separated list of these members.
    Flags(Vec<String>),
}

impl PatternFormat {
    /// The format for a pattern the generator writes, if it is one.
    fn of(pattern: &str) -> Option<PatternFormat> {
        match pattern {
            patterns::GUID => Some(PatternFormat::Guid),
            patterns::DOMAIN => Some(PatternFormat::Domain),
            patterns::DURATION => Some(PatternFormat::Duration),
            other => {
                let members = patterns::flag_members(other)?;
                Some(PatternFormat::Flags(members))
            }
        }
    }

    /// Whether `text` matches the pattern this format stands for.
    pub(super) fn matches(&self, text: &str) -> bool {
        match self {
            PatternFormat::Guid => is_guid(text),
            PatternFormat::Domain => is_domain(text),
            PatternFormat::Duration => is_duration(text),
            PatternFormat::Flags(members) => is_flag_list(text, members),
        }
    }
}

/// What [`prepare`] made: the schema to compile, and the formats it uses, by name, with the
/// pattern each stands for (messages describe the pattern).
pub(super) struct Prepared {
    pub schema: Json,
    pub formats: Vec<(String, PatternFormat, String)>,
}

/// The published schema cut down to what validation of documents of `platform` (all
/// platforms when `None`) reads: no `$schema`, no other platform's branches and the `$defs`
/// only they referenced, and no annotations. This part does not depend on the run, so it is
/// done before the build and committed ([`super::REDUCED`]): a run then parses a fraction of
/// the published text (the descriptions were most of it) and has nothing left to drop.
pub(super) fn reduce(published: Json, platform: Option<Platform>) -> Json {
    let mut schema = published;
    if let Some(map) = schema.as_object_mut() {
        map.remove("$schema");
    }
    if let Some(platform) = platform {
        drop_other_platforms(&mut schema, platform);
        drop_unreferenced_defs(&mut schema);
    }
    drop_annotations(&mut schema);
    schema
}

/// The [`reduce`]d schema as compiled: its patterns replaced by formats.
pub(super) fn prepare(reduced: Json) -> Prepared {
    let mut schema = reduced;
    let mut formats = Vec::new();
    replace_patterns(&mut schema, &mut formats);
    Prepared { schema, formats }
}

/// Keywords that decide nothing: no error kind mamlint reads mentions them.
const ANNOTATIONS: &[&str] = &["title", "description", "default", "examples", "$comment"];

/// Removes the annotation keywords, looking into subschemas only: under `properties` and
/// `$defs` the keys are names (`spec.description` is a field), and `const`, `enum` and the
/// annotations themselves hold values, not schemas.
fn drop_annotations(schema: &mut Json) {
    match schema {
        Json::Object(map) => {
            map.retain(|key, _| !ANNOTATIONS.contains(&key.as_str()));
            for (key, child) in map.iter_mut() {
                match key.as_str() {
                    "properties" | "$defs" | "patternProperties" => {
                        if let Json::Object(members) = child {
                            members.values_mut().for_each(drop_annotations);
                        }
                    }
                    "const" | "enum" => {}
                    _ => drop_annotations(child),
                }
            }
        }
        Json::Array(items) => items.iter_mut().for_each(drop_annotations),
        _ => {}
    }
}

/// Removes each `if` branch that tests `platform` for another platform's value.
fn drop_other_platforms(schema: &mut Json, platform: Platform) {
    match schema {
        Json::Object(map) => {
            if let Some(Json::Array(branches)) = map.get_mut("allOf") {
                branches.retain(|branch| {
                    tested_platform(branch).is_none_or(|tested| tested == platform.key())
                });
            }
            map.values_mut()
                .for_each(|child| drop_other_platforms(child, platform));
        }
        Json::Array(items) => items
            .iter_mut()
            .for_each(|child| drop_other_platforms(child, platform)),
        _ => {}
    }
}

/// The platform an `if {properties: {platform: {const: …}}}` branch tests.
fn tested_platform(branch: &Json) -> Option<&str> {
    branch
        .get("if")?
        .get("properties")?
        .get("platform")?
        .get("const")?
        .as_str()
}

fn drop_unreferenced_defs(schema: &mut Json) {
    // What the schema outside `$defs` references, then what those definitions reference.
    let mut reachable = Vec::new();
    collect_refs(schema, &mut reachable);
    let Some(Json::Object(defs)) = schema.get_mut("$defs") else {
        return;
    };
    let mut next = 0;
    while let Some(name) = reachable.get(next).cloned() {
        next += 1;
        if let Some(definition) = defs.get(&name) {
            let mut found = Vec::new();
            collect_refs(definition, &mut found);
            for name in found {
                if !reachable.contains(&name) {
                    reachable.push(name);
                }
            }
        }
    }
    defs.retain(|name, _| reachable.contains(name));
}

/// Names of `#/$defs/NAME` references anywhere in `schema`, outside `$defs` at the top.
fn collect_refs(schema: &Json, out: &mut Vec<String>) {
    match schema {
        Json::Object(map) => {
            if let Some(name) = map
                .get("$ref")
                .and_then(Json::as_str)
                .and_then(|r| r.strip_prefix("#/$defs/"))
            {
                out.push(name.to_owned());
            }
            map.iter()
                .filter(|(key, _)| *key != "$defs")
                .for_each(|(_, child)| collect_refs(child, out));
        }
        Json::Array(items) => items.iter().for_each(|child| collect_refs(child, out)),
        _ => {}
    }
}

fn replace_patterns(schema: &mut Json, formats: &mut Vec<(String, PatternFormat, String)>) {
    match schema {
        Json::Object(map) => {
            replace_pattern_here(map, formats);
            for (key, child) in map.iter_mut() {
                // Under `properties` the keys are names, not keywords.
                if key == "properties" || key == "$defs" || key == "patternProperties" {
                    if let Json::Object(members) = child {
                        for member in members.values_mut() {
                            replace_patterns(member, formats);
                        }
                    }
                } else {
                    replace_patterns(child, formats);
                }
            }
        }
        Json::Array(items) => items
            .iter_mut()
            .for_each(|child| replace_patterns(child, formats)),
        _ => {}
    }
}

fn replace_pattern_here(
    map: &mut Map<String, Json>,
    formats: &mut Vec<(String, PatternFormat, String)>,
) {
    map.remove("format");
    let Some(pattern) = map.get("pattern").and_then(Json::as_str) else {
        return;
    };
    let Some(format) = PatternFormat::of(pattern) else {
        return;
    };
    let name = match formats.iter().find(|(_, _, p)| p == pattern) {
        Some((name, _, _)) => name.clone(),
        None => {
            let name = format!("mamlint-{}", formats.len());
            formats.push((name.clone(), format, pattern.to_owned()));
            name
        }
    };
    map.remove("pattern");
    map.insert("format".to_owned(), Json::String(name));
}

/// `^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`
fn is_guid(text: &str) -> bool {
    let groups: Vec<&str> = text.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(group, len)| group.len() == len && group.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// `^([a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\.)+[a-zA-Z]{2,63}$`
fn is_domain(text: &str) -> bool {
    let Some((labels, top)) = text.rsplit_once('.') else {
        return false;
    };
    let label = |l: &str| {
        let bytes = l.as_bytes();
        (1..=63).contains(&bytes.len())
            && bytes
                .iter()
                .all(|b| b.is_ascii_alphanumeric() || *b == b'-')
            && bytes.first().is_some_and(u8::is_ascii_alphanumeric)
            && bytes.last().is_some_and(u8::is_ascii_alphanumeric)
    };
    (2..=63).contains(&top.len())
        && top.bytes().all(|b| b.is_ascii_alphabetic())
        && labels.split('.').all(label)
}

/// [`patterns::DURATION`]: `[-+]?P`, then numbers with the designators `Y M W D` in that
/// order, then optionally `T` with `H M S`; at least one number, and one after `T`.
fn is_duration(text: &str) -> bool {
    let text = text.strip_prefix(['-', '+']).unwrap_or(text);
    let Some(rest) = text.strip_prefix('P') else {
        return false;
    };
    let (date, time) = match rest.split_once('T') {
        Some((date, time)) => (date, Some(time)),
        None => (rest, None),
    };
    let Some(date_parts) = components(date, &['Y', 'M', 'W', 'D']) else {
        return false;
    };
    match time {
        None => date_parts > 0,
        Some(time) => components(time, &['H', 'M', 'S']).is_some_and(|parts| parts > 0),
    }
}

/// How many `number designator` components `text` is made of, each designator taken from
/// `designators` in order and at most once; `None` if it is not made of them.
fn components(text: &str, designators: &[char]) -> Option<usize> {
    let mut rest = text;
    let mut next = 0;
    let mut count = 0;
    while !rest.is_empty() {
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return None;
        }
        rest = &rest[digits..];
        if let Some(after) = rest.strip_prefix(['.', ',']) {
            let fraction = after.bytes().take_while(u8::is_ascii_digit).count();
            if fraction == 0 {
                return None;
            }
            rest = &after[fraction..];
        }
        let designator = rest.chars().next()?;
        let position = designators
            .iter()
            .skip(next)
            .position(|d| *d == designator)?;
        next += position + 1;
        rest = &rest[designator.len_utf8()..];
        count += 1;
    }
    Some(count)
}

/// `^(a|b)(\s*,\s*(a|b))*$`
fn is_flag_list(text: &str, members: &[String]) -> bool {
    let items: Vec<&str> = text.split(',').collect();
    let last = items.len() - 1;
    items.iter().enumerate().all(|(index, item)| {
        let trimmed = item.trim_matches(char::is_whitespace);
        let leading_ok = index > 0 || !item.starts_with(char::is_whitespace);
        let trailing_ok = index < last || !item.ends_with(char::is_whitespace);
        leading_ok && trailing_ok && members.iter().any(|m| m == trimmed)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use jsonschema::Draft;
    use proptest::prelude::*;

    fn regex_agrees(format: &PatternFormat, pattern: &str, text: &str) -> Result<(), String> {
        let schema = serde_json::json!({"type": "string", "pattern": pattern});
        let validator = jsonschema::options()
            .with_draft(Draft::Draft202012)
            .build(&schema)
            .map_err(|e| e.to_string())?;
        let by_regex = validator.is_valid(&Json::String(text.to_owned()));
        let by_format = format.matches(text);
        if by_regex == by_format {
            Ok(())
        } else {
            Err(format!(
                "{text:?}: the pattern says {by_regex}, the format {by_format}"
            ))
        }
    }

    fn flags() -> (PatternFormat, String) {
        let members = ["unmanaged", "mdm", "androidEnterprise"];
        let pattern = patterns::flags(&members);
        let members = members.map(str::to_owned).to_vec();
        (PatternFormat::Flags(members), pattern)
    }

    #[test]
    fn each_pattern_has_its_format() {
        assert_eq!(PatternFormat::of(patterns::GUID), Some(PatternFormat::Guid));
        assert_eq!(
            PatternFormat::of(patterns::DOMAIN),
            Some(PatternFormat::Domain)
        );
        assert_eq!(
            PatternFormat::of(patterns::DURATION),
            Some(PatternFormat::Duration)
        );
        let (format, pattern) = flags();
        assert_eq!(PatternFormat::of(&pattern), Some(format));
        assert_eq!(PatternFormat::of("^[a-z]+$"), None);
    }

    #[test]
    fn formats_agree_with_their_patterns_on_edge_cases() {
        let cases: &[(PatternFormat, &str, &[&str])] = &[
            (
                PatternFormat::Guid,
                patterns::GUID,
                &[
                    "0b6e2c1a-5f0d-4c5e-9a7b-3d2f1e0c9b8a",
                    "0B6E2C1A-5F0D-4C5E-9A7B-3D2F1E0C9B8A",
                    "0b6e2c1a-5f0d-4c5e-9a7b-3d2f1e0c9b8",
                    "0b6e2c1a5f0d-4c5e-9a7b-3d2f1e0c9b8a",
                    "0b6e2c1a-5f0d-4c5e-9a7b-3d2f1e0c9b8a\n",
                    "g b6e2c1a-5f0d-4c5e-9a7b-3d2f1e0c9b8a",
                    "",
                ],
            ),
            (
                PatternFormat::Domain,
                patterns::DOMAIN,
                &[
                    "acme.com",
                    "a.co",
                    "x-y.acme.com",
                    "-x.com",
                    "x-.com",
                    "acme.c",
                    "acme",
                    ".com",
                    "acme..com",
                    "acme.com.",
                    "1.2",
                    "acme.c0m",
                    "ACME.COM",
                    "xn--bcher-kva.example",
                    "",
                ],
            ),
            (
                PatternFormat::Duration,
                patterns::DURATION,
                &[
                    "PT12H",
                    "P90D",
                    "PT0S",
                    "P1DT2H",
                    "-PT17.1357909S",
                    "+P2W",
                    "P1Y2M3W4DT5H6M7S",
                    "P1,5D",
                    "",
                    "P",
                    "PT",
                    "P1DT",
                    "12H",
                    "P1H",
                    "PT1D",
                    "PT1M1H",
                    "P.5D",
                    "P1.D",
                    "PT5",
                    "P1Y1Y",
                    "P1M1Y",
                    "--PT1H",
                    "pt1h",
                    "P1DT2H3",
                    "PT1HT2M",
                ],
            ),
        ];
        for (format, pattern, texts) in cases {
            for text in *texts {
                if let Err(message) = regex_agrees(format, pattern, text) {
                    panic!("{message}");
                }
            }
        }
        let (format, pattern) = flags();
        for text in [
            "mdm",
            "unmanaged,mdm",
            "unmanaged , mdm",
            "unmanaged,\tmdm",
            " mdm",
            "mdm ",
            "mdm,",
            ",mdm",
            "",
            "mdm,,mdm",
            "MDM",
            "mdmx",
            "androidEnterprise,unmanaged",
        ] {
            if let Err(message) = regex_agrees(&format, &pattern, text) {
                panic!("{message}");
            }
        }
    }

    proptest! {
        #[test]
        fn duration_format_agrees_with_its_pattern(text in "[-+]?P?[0-9.,YMWDTHS]{0,9}") {
            prop_assert_eq!(
                regex_agrees(&PatternFormat::Duration, patterns::DURATION, &text),
                Ok(())
            );
        }

        #[test]
        fn domain_format_agrees_with_its_pattern(text in "[a-c0-9.-]{0,8}") {
            prop_assert_eq!(
                regex_agrees(&PatternFormat::Domain, patterns::DOMAIN, &text),
                Ok(())
            );
        }

        #[test]
        fn flags_format_agrees_with_its_pattern(
            text in "((mdm|unmanaged|x)( |,|\t){0,2}){0,3}"
        ) {
            let (format, pattern) = flags();
            prop_assert_eq!(regex_agrees(&format, &pattern, &text), Ok(()));
        }
    }

    #[test]
    fn one_platform_keeps_only_its_settings() {
        let published: Json =
            serde_json::from_str(super::super::text("AppProtectionPolicy").unwrap_or("{}"))
                .unwrap_or_default();
        let prepared = prepare(reduce(published.clone(), Some(Platform::Ios)));
        let defs = prepared.schema.get("$defs").and_then(Json::as_object);
        assert!(defs.is_some_and(|d| d.contains_key("iosSettings")));
        assert!(defs.is_some_and(|d| !d.contains_key("androidSettings")));
        assert!(prepared.schema.get("$schema").is_none());
        let all = prepare(reduce(published, None));
        let defs = all.schema.get("$defs").and_then(Json::as_object);
        assert!(defs.is_some_and(|d| d.contains_key("androidSettings")));
        assert!(
            !all.formats.is_empty(),
            "the durations and flag lists became formats"
        );
    }

    #[test]
    fn annotations_go_but_fields_named_like_them_stay() {
        let published = serde_json::json!({
            "title": "t",
            "description": "d",
            "properties": {
                "description": {"type": "string", "description": "the field's own"},
                "guard": {"enum": ["none"], "default": "none"},
                "fixed": {"const": {"description": "a value, not an annotation"}}
            },
            "$defs": {"title": {"type": "string", "title": "a definition named title"}}
        });
        assert_eq!(
            reduce(published, None),
            serde_json::json!({
                "properties": {
                    "description": {"type": "string"},
                    "guard": {"enum": ["none"]},
                    "fixed": {"const": {"description": "a value, not an annotation"}}
                },
                "$defs": {"title": {"type": "string"}}
            })
        );
    }
}
