//! JSON Schemas of the manifest kinds and of Graph exports, and a plain validator: an entity
//! in, [`SchemaError`]s (a JSON Pointer and what is wrong there) out. Turning those into
//! findings at the exact key or value is MAM006's and MAM007's job (`rules/schema_findings`).
//!
//! The schemas in `schemas/` are generated ([`generate`]) from the catalogs under `rules/`,
//! committed, and embedded here with `include_str!`; each is compiled once per process and
//! shared across threads. This is the only module that touches the `jsonschema` crate.

mod dialect;
pub mod generate;
pub mod patterns;
mod view;

use std::sync::{LazyLock, OnceLock};

use jsonschema::error::{TypeKind, ValidationErrorKind};
use jsonschema::{Draft, ValidationError, Validator};
use serde_json::Value as Json;

use self::dialect::{PatternFormat, Prepared};
use crate::model::{Entity, Kind, Platform};

/// The committed schema files, by file stem.
pub static EMBEDDED: &[(&str, &str)] = &[
    (
        "organization",
        include_str!("../../schemas/organization.schema.json"),
    ),
    (
        "mobile-app-policy",
        include_str!("../../schemas/mobile-app-policy.schema.json"),
    ),
    (
        "entra-tenant",
        include_str!("../../schemas/entra-tenant.schema.json"),
    ),
    (
        "app-protection-policy",
        include_str!("../../schemas/app-protection-policy.schema.json"),
    ),
    (
        "app-configuration-policy",
        include_str!("../../schemas/app-configuration-policy.schema.json"),
    ),
    (
        "graph-androidManagedAppProtection",
        include_str!("../../schemas/graph-androidManagedAppProtection.schema.json"),
    ),
    (
        "graph-iosManagedAppProtection",
        include_str!("../../schemas/graph-iosManagedAppProtection.schema.json"),
    ),
    (
        "mamlint-config",
        include_str!("../../schemas/mamlint-config.schema.json"),
    ),
    (
        "rego-input",
        include_str!("../../schemas/rego-input.schema.json"),
    ),
];

/// The embedded schema text for a kind name (`AppProtectionPolicy`), file stem
/// (`app-protection-policy`) or Graph type (`iosManagedAppProtection`).
pub fn text(name: &str) -> Option<&'static str> {
    let stem = Kind::from_name(name)
        .map(|k| k.schema_stem().to_owned())
        .or_else(|| {
            Platform::ALL
                .into_iter()
                .find(|p| p.graph_type() == name)
                .map(generate::export_stem)
        })
        .unwrap_or_else(|| match name {
            "MamlintConfig" | "mamlint.toml" => generate::CONFIG_STEM.to_owned(),
            other => other.to_owned(),
        });
    EMBEDDED
        .iter()
        .find(|(s, _)| *s == stem)
        .map(|(_, text)| *text)
}

/// Names `mamlint schema` accepts.
pub fn names() -> Vec<String> {
    let mut names: Vec<String> = Kind::ALL.iter().map(|k| k.name().to_owned()).collect();
    names.extend(Platform::ALL.iter().map(|p| p.graph_type().to_owned()));
    names.push("MamlintConfig".to_owned());
    names.push(generate::REGO_INPUT_STEM.to_owned());
    names
}

/// The embedded schema at `index`, parsed (the committed schemas are tested to parse).
fn parse_embedded(index: usize) -> Json {
    let text = EMBEDDED.get(index).map_or("{}", |(_, text)| *text);
    serde_json::from_str(text).unwrap_or_default()
}

/// One published schema, parsed once: what completion and hovers read.
static PUBLISHED: LazyLock<Vec<OnceLock<Json>>> =
    LazyLock::new(|| EMBEDDED.iter().map(|_| OnceLock::new()).collect());

fn published(stem: &str) -> Option<&'static Json> {
    let index = EMBEDDED.iter().position(|(s, _)| *s == stem)?;
    let cell = PUBLISHED.get(index)?;
    Some(cell.get_or_init(|| parse_embedded(index)))
}

/// A schema as compiled for validation ([`dialect`]): the prepared copy (error paths point
/// into it), its validator, and the formats standing in for patterns.
struct Compiled {
    schema: Json,
    validator: Option<Validator<view::Tree>>,
    formats: Vec<(String, PatternFormat, String)>,
}

/// Each schema, and for app protection policies each platform's variant, is compiled on
/// first use only: a single-file run (a pre-commit hook) pays for the one it needs.
static COMPILED: LazyLock<Vec<[OnceLock<Compiled>; 3]>> = LazyLock::new(|| {
    EMBEDDED
        .iter()
        .map(|_| [OnceLock::new(), OnceLock::new(), OnceLock::new()])
        .collect()
});

fn compiled(stem: &str, platform: Option<Platform>) -> Option<&'static Compiled> {
    let index = EMBEDDED.iter().position(|(s, _)| *s == stem)?;
    let variant = platform.map_or(0, |p| match p {
        Platform::Android => 1,
        Platform::Ios => 2,
    });
    let cell = COMPILED.get(index)?.get(variant)?;
    Some(cell.get_or_init(|| {
        // Parsed afresh rather than cloned from `published`: a check needs only this copy.
        let published = parse_embedded(index);
        let Prepared { schema, formats } = dialect::prepare(published, platform);
        let mut options = jsonschema::options_for::<view::Tree>()
            .with_draft(Draft::Draft7)
            .should_validate_formats(true);
        for (name, format, _) in &formats {
            let format = format.clone();
            options = options.with_format(name.clone(), move |text: &str| format.matches(text));
        }
        // Embedded schemas are tested to compile; a failure would disable only this check.
        let validator = options.build(&schema).ok();
        Compiled {
            schema,
            validator,
            formats,
        }
    }))
}

/// The schema of a manifest field: the first property named `key` in its kind's schema,
/// looking through nested objects and list items (`guard`, `domains[].status`) but not into
/// `$defs`, which hold the Graph settings and shared types.
fn field(kind: Kind, key: &str) -> Option<&'static serde_json::Value> {
    fn find<'s>(schema: &'s serde_json::Value, key: &str) -> Option<&'s serde_json::Value> {
        let properties = schema.get("properties").and_then(|p| p.as_object());
        if let Some(found) = properties.and_then(|p| p.get(key)) {
            return Some(found);
        }
        properties
            .into_iter()
            .flat_map(|p| p.values())
            .chain(schema.get("items"))
            .find_map(|child| find(child, key))
    }
    find(published(kind.schema_stem())?, key)
}

/// The values a manifest field may take (its schema's `enum`), for completion: editors are
/// offered exactly what validation accepts. Without a kind, the values of every kind's field
/// of that name, in order and without repeats.
pub fn field_values(kind: Option<Kind>, key: &str) -> Vec<String> {
    let kinds = match kind {
        Some(kind) => vec![kind],
        None => Kind::ALL.to_vec(),
    };
    let mut values: Vec<String> = Vec::new();
    for kind in kinds {
        let listed = field(kind, key)
            .and_then(|f| f.get("enum"))
            .and_then(|e| e.as_array());
        for value in listed.into_iter().flatten().filter_map(|v| v.as_str()) {
            if !values.iter().any(|v| v == value) {
                values.push(value.to_owned());
            }
        }
    }
    values
}

/// The value a manifest field takes when it is left out (its schema's `default`).
pub fn field_default(kind: Kind, key: &str) -> Option<&'static str> {
    field(kind, key)?.get("default")?.as_str()
}

/// What a schema says is wrong at one place of an entity.
#[derive(Clone, Debug, PartialEq)]
pub struct SchemaError {
    /// JSON Pointer of the value, relative to the entity's root.
    pub pointer: String,
    pub kind: SchemaErrorKind,
}

#[derive(Clone, Debug, PartialEq)]
pub enum SchemaErrorKind {
    /// Keys the object at `pointer` may not have, and the keys it may.
    UnknownKeys {
        keys: Vec<String>,
        allowed: Vec<String>,
    },
    /// The object at `pointer` lacks this key.
    MissingKey(String),
    /// The value has the wrong type: the types allowed (`string or boolean`, `mapping`).
    Type(String),
    /// Not one of these values.
    Enum(Vec<String>),
    /// Not this value (JSON text).
    Constant(String),
    /// Malformed: what the pattern expects, in words.
    Pattern(String),
    /// Below this minimum / above this maximum (as written in the schema).
    Minimum(String),
    Maximum(String),
    /// An empty string where one is required.
    Empty,
    /// An empty mapping where a key is required.
    NoProperties,
    /// Anything else, described.
    Other(String),
}

/// Validates one entity against its schema: the schema of its kind, or of its platform's
/// Graph export. Empty when valid, or when there is no schema for it.
pub fn validate(entity: &Entity<'_>, platform: Option<Platform>) -> Vec<SchemaError> {
    let (stem, variant) = if entity.is_export() {
        match platform {
            Some(p) => (generate::export_stem(p), None),
            None => return Vec::new(),
        }
    } else {
        let variant = (entity.kind == Kind::AppProtectionPolicy)
            .then(|| entity.platform())
            .flatten();
        (entity.kind.schema_stem().to_owned(), variant)
    };
    let Some(
        compiled @ Compiled {
            validator: Some(validator),
            ..
        },
    ) = compiled(&stem, variant)
    else {
        return Vec::new();
    };
    let instance = view::TreeNode(entity.root);
    // Most documents are valid; `is_valid` stops at the first error and allocates none.
    if validator.is_valid(instance) {
        return Vec::new();
    }
    validator
        .iter_errors(instance)
        .map(|error| convert(compiled, &error))
        .collect()
}

fn convert(compiled: &Compiled, error: &ValidationError<'_>) -> SchemaError {
    let schema = &compiled.schema;
    let kind = match error.kind() {
        ValidationErrorKind::AdditionalProperties { unexpected } => SchemaErrorKind::UnknownKeys {
            keys: unexpected.clone(),
            allowed: allowed_keys(schema, error.schema_path().as_str()),
        },
        ValidationErrorKind::Required { property } => {
            SchemaErrorKind::MissingKey(property.as_str().unwrap_or_default().to_owned())
        }
        ValidationErrorKind::Type { kind } => SchemaErrorKind::Type(type_names(kind)),
        ValidationErrorKind::Enum { options } => SchemaErrorKind::Enum(
            options
                .as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(Json::as_str)
                        .map(str::to_owned)
                        .collect()
                })
                .unwrap_or_default(),
        ),
        ValidationErrorKind::Constant { expected_value } => {
            SchemaErrorKind::Constant(expected_value.to_string())
        }
        ValidationErrorKind::Pattern { pattern } => {
            SchemaErrorKind::Pattern(patterns::describe(pattern))
        }
        ValidationErrorKind::Format { format } => {
            match compiled.formats.iter().find(|(name, _, _)| name == format) {
                Some((_, _, pattern)) => SchemaErrorKind::Pattern(patterns::describe(pattern)),
                None => SchemaErrorKind::Other(format!("not a valid {format}")),
            }
        }
        ValidationErrorKind::Minimum { limit } => SchemaErrorKind::Minimum(limit.to_string()),
        ValidationErrorKind::Maximum { limit } => SchemaErrorKind::Maximum(limit.to_string()),
        ValidationErrorKind::MinLength { .. } => SchemaErrorKind::Empty,
        ValidationErrorKind::MinProperties { .. } => SchemaErrorKind::NoProperties,
        other => SchemaErrorKind::Other(format!("{other:?}")),
    };
    SchemaError {
        pointer: error.instance_path().as_str().to_owned(),
        kind,
    }
}

fn type_names(kind: &TypeKind) -> String {
    let names: Vec<String> = match kind {
        TypeKind::Single(t) => vec![t.to_string()],
        TypeKind::Multiple(set) => set
            .iter()
            .map(|t| t.to_string())
            .filter(|t| t != "null")
            .collect(),
    };
    let names: Vec<String> = names
        .into_iter()
        .map(|n| {
            if n == "object" {
                "mapping".to_owned()
            } else {
                n
            }
        })
        .collect();
    names.join(" or ")
}

/// The property names the schema allows at the object an `additionalProperties` error is
/// about, following local `$ref`s along the error's schema path.
fn allowed_keys(schema: &Json, schema_path: &str) -> Vec<String> {
    let mut node = schema;
    let tokens: Vec<&str> = schema_path.split('/').filter(|t| !t.is_empty()).collect();
    let Some((_, parents)) = tokens.split_last() else {
        return keys_of(schema);
    };
    for token in parents {
        let token = token.replace("~1", "/").replace("~0", "~");
        if token == "$ref" {
            let Some(target) = node
                .get("$ref")
                .and_then(Json::as_str)
                .and_then(|r| r.strip_prefix('#'))
            else {
                return Vec::new();
            };
            match schema.pointer(target) {
                Some(resolved) => node = resolved,
                None => return Vec::new(),
            }
            continue;
        }
        node = match node {
            Json::Object(map) => match map.get(&token) {
                Some(next) => next,
                None => return Vec::new(),
            },
            Json::Array(items) => match token.parse::<usize>().ok().and_then(|i| items.get(i)) {
                Some(next) => next,
                None => return Vec::new(),
            },
            _ => return Vec::new(),
        };
    }
    keys_of(node)
}

fn keys_of(node: &Json) -> Vec<String> {
    node.get("properties")
        .and_then(Json::as_object)
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// That they are current is checked with the other generated files
    /// (`tests/integration/catalogue.rs`).
    #[test]
    fn committed_schemas_compile() {
        for (stem, _) in EMBEDDED {
            for platform in [None, Some(Platform::Android), Some(Platform::Ios)] {
                assert!(
                    compiled(stem, platform).is_some_and(|c| c.validator.is_some()),
                    "{stem} ({platform:?}) does not compile"
                );
            }
        }
    }

    #[test]
    fn manifest_fields_have_their_schema_values_and_defaults() {
        assert_eq!(
            field_values(Some(Kind::Organization), "guard"),
            ["none", "standard", "premium"]
        );
        assert_eq!(field_default(Kind::Organization, "guard"), Some("none"));
        assert_eq!(
            field_values(Some(Kind::Organization), "status"),
            ["verified", "unverified"],
            "a field of list items"
        );
        assert_eq!(
            field_values(Some(Kind::Organization), "cloud"),
            ["commercial", "government"]
        );
        assert_eq!(field_values(Some(Kind::EntraTenant), "cloud")[0], "global");
        assert_eq!(
            field_values(None, "cloud").len(),
            6,
            "both kinds' clouds without a kind"
        );
        assert_eq!(
            field_default(Kind::AppProtectionPolicy, "appGroupType"),
            Some("selectedPublicApps")
        );
        assert!(
            field_values(Some(Kind::AppProtectionPolicy), "pinCharacterSet").is_empty(),
            "Graph settings are not manifest fields"
        );
    }

    #[test]
    fn duration_pattern_agrees_with_the_parser() {
        let schema = serde_json::json!({"type": "string", "pattern": patterns::DURATION});
        let validator = jsonschema::options()
            .with_draft(Draft::Draft202012)
            .build(&schema)
            .unwrap();
        for text in [
            "PT12H",
            "P90D",
            "PT0S",
            "P1DT2H",
            "-PT17.1357909S",
            "P2W",
            "",
            "P",
            "PT",
            "12H",
            "P1H",
            "PT1D",
            "PT1M1H",
            "P.5D",
        ] {
            let by_schema = validator.is_valid(&serde_json::json!(text));
            let by_parser = crate::model::duration::parse_seconds(text).is_some();
            assert_eq!(by_schema, by_parser, "{text:?}");
        }
    }
}
