//! Builds the JSON Schemas in `schemas/` from the app catalog and the Graph property catalog.
//!
//! The committed files are this generator's output; a test fails when they are stale, and
//! `mamlint schema --write DIR` writes them. Settings are never typed by hand: every Graph
//! property becomes a schema from its catalog entry (type, enum, flags, format, range).

use serde_json::{Map, Value, json};

use super::patterns;
use crate::diagnostic::{RuleMeta, Severity};
use crate::model::catalog::CATALOG;
use crate::model::properties::{PROPERTIES, Property};
use crate::model::settings::FACTS;
use crate::model::{Cloud, DomainStatus, Guard, Kind, Platform};

const DRAFT: &str = "https://json-schema.org/draft/2020-12/schema";

/// A schema's identifier; URNs keep validation offline.
pub fn schema_id(stem: &str) -> String {
    format!("urn:mamlint:schema:v1:{stem}")
}

/// The file stem of a platform's Graph export schema.
pub fn export_stem(platform: Platform) -> String {
    format!("graph-{}", platform.graph_type())
}

/// Every schema: `(file stem, schema)`; `rules` are the codes the configuration may name.
pub fn all(rules: &[&RuleMeta]) -> Vec<(String, Value)> {
    let mut out: Vec<(String, Value)> = Kind::ALL
        .into_iter()
        .map(|k| (k.schema_stem().to_owned(), manifest(k)))
        .collect();
    for platform in Platform::ALL {
        out.push((export_stem(platform), graph_export(platform)));
    }
    out.push((CONFIG_STEM.to_owned(), config(rules)));
    out.push((REGO_INPUT_STEM.to_owned(), rego_input()));
    out
}

/// File stem of the schema of the custom rules' `input` (spec 10).
pub const REGO_INPUT_STEM: &str = "rego-input";

/// The schema of the document custom Rego rules read as `input` (`check --print-rego-input`
/// prints one): every document of the run, normalized, and the app catalog.
fn rego_input() -> Value {
    let kinds: Vec<&str> = Kind::ALL.iter().map(|k| k.name()).collect();
    let ids = json!({"type": "array", "items": {"type": "string"}});
    json!({
        "$schema": DRAFT,
        "$id": schema_id(REGO_INPUT_STEM),
        "title": "mamlint custom rules input",
        "description": "The `input` of custom Rego rules (spec 10): every document of the run in the normalized form of a manifest, whatever its source format, and the app catalog.",
        "type": "object",
        "required": ["documents", "catalog"],
        "properties": {
            "documents": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["index", "kind", "name", "file", "source", "metadata", "spec"],
                    "properties": {
                        "index": {"type": "integer", "minimum": 0, "description": "This document's position in input.documents: the `document` of a result."},
                        "kind": {"enum": kinds},
                        "name": {"type": ["string", "null"], "description": "metadata.name of a manifest; displayName of an export, a Terraform or DSC resource."},
                        "file": {"type": "string", "description": "The path of the file as the run names it."},
                        "source": {"enum": ["manifest", "graph-export", "terraform", "dsc"]},
                        "metadata": {"type": "object"},
                        "spec": {
                            "type": "object",
                            "description": "The manifest's spec (section 3). For other formats: the spec keys (displayName, description, appGroupType), `platform`, the remaining Graph properties under `settings` (app protection policies), `customSettings` as a map (app configurations).",
                            "properties": {
                                "apps": merge(&ids, &json!({"description": "Package IDs (Android) or bundle IDs (iOS) as plain strings."})),
                                "assignments": {
                                    "type": "object",
                                    "properties": {"include": ids, "exclude": ids},
                                    "description": "Entra group object IDs (or IntuneCD group names)."
                                },
                                "settings": {"type": "object", "description": "Graph properties by their Graph names, OData annotations removed."}
                            }
                        }
                    }
                }
            },
            "catalog": {
                "type": "object",
                "required": ["apps"],
                "description": "The Atlassian app catalog (spec 1), as rules/catalog.json holds it.",
                "properties": {"apps": {"type": "array", "items": {"type": "object"}}}
            }
        },
        "additionalProperties": false
    })
}

/// `base` with the keys of `extra` added.
fn merge(base: &Value, extra: &Value) -> Value {
    let mut out = base.clone();
    if let (Some(out), Some(extra)) = (out.as_object_mut(), extra.as_object()) {
        out.extend(extra.clone());
    }
    out
}

/// File stem of the schema of `mamlint.toml`.
pub const CONFIG_STEM: &str = "mamlint-config";

/// The schema of `mamlint.toml` (for editors such as Taplo / Even Better TOML).
fn config(rules: &[&RuleMeta]) -> Value {
    let codes: Vec<&str> = rules.iter().map(|r| r.code).collect();
    let severities: Vec<&str> = Severity::ALL.iter().rev().map(|s| s.as_str()).collect();
    let severity = json!({"enum": severities});
    let rule_list = json!({
        "type": "array",
        "items": {"type": "string", "description": format!("A rule code ({}), a code prefix such as MAM3, a rule name, or ALL.", codes.join(", "))}
    });
    json!({
        "$schema": DRAFT,
        "$id": schema_id(CONFIG_STEM),
        "title": "mamlint.toml",
        "description": "mamlint's project configuration, found from the working directory upward.",
        "type": "object",
        "properties": {
            "extend": {"type": "string", "description": "Another mamlint.toml to inherit from, relative to this file; this file's values win."},
            "graph-api-version": {"enum": ["beta", "v1.0"], "default": "beta", "description": "The Graph API version policies are deployed through; with v1.0, beta-only settings are reported (MAM010)."},
            "fail-level": severity,
            "include": {"type": "array", "items": {"type": "string"}, "description": "Paths checked when `mamlint check` is given none, relative to this file."},
            "exclude": {"type": "array", "items": {"type": "string"}, "description": "Globs of files never checked, relative to this file."},
            "context": {"type": "array", "items": {"type": "string"}, "description": "Files or directories always loaded for cross-document rules (an Organization or EntraTenant kept elsewhere); their own findings are not reported."},
            "rules": {
                "type": "object",
                "properties": {
                    "select": rule_list,
                    "ignore": rule_list,
                    "severity": {"type": "object", "additionalProperties": severity, "description": "Per-rule severity overrides, by code, prefix or name."}
                },
                "additionalProperties": false
            },
            "per-path-ignores": {"type": "object", "additionalProperties": rule_list, "description": "Globs of files mapped to the rules they do not report."},
            "protection": {
                "type": "object",
                "description": "Which level of Microsoft's data protection framework app protection policies must meet (MAM501, spec 9).",
                "properties": {
                    "level": {"enum": [1, 2, 3], "description": "The level of every app protection policy that targets an Atlassian app."},
                    "overrides": {
                        "type": "array",
                        "description": "Levels by path; the last matching entry wins over `level`, and a manifest's spec.protectionLevel over both.",
                        "items": {
                            "type": "object",
                            "required": ["paths", "level"],
                            "properties": {
                                "paths": {"type": "array", "items": {"type": "string"}, "description": "Globs, relative to this file."},
                                "level": {"enum": [1, 2, 3]}
                            },
                            "additionalProperties": false
                        }
                    }
                },
                "additionalProperties": false
            },
            "custom-rules": {
                "type": "object",
                "description": "Your own rules in Rego (spec 10), evaluated in-process.",
                "properties": {
                    "paths": {"type": "array", "items": {"type": "string"}, "description": "Directories of *.rego files, relative to this file (default: .mamlint/rules beside it, when it exists)."},
                    "timeout": {"type": "string", "pattern": "^[0-9]+(ms|s)$", "default": "2s", "description": "How long the custom rules of one run may evaluate; a rule file that runs past it is a MAM014."},
                    "memory": {"type": "string", "pattern": "^[0-9]+(KiB|MiB|GiB|KB|MB|GB)$", "default": "1GiB", "description": "How much memory the custom rules of one run may allocate above what mamlint already holds (KB, MB, GB mean KiB, MiB, GiB); a rule file that runs past it is a MAM014."}
                },
                "additionalProperties": false
            },
            "suppress": {
                "type": "array",
                "description": "Suppressions for files without comments (JSON), with a reason and an optional expiry.",
                "items": {
                    "type": "object",
                    "required": ["code"],
                    "properties": {
                        "path": {"type": "string", "description": "Glob of the files, relative to this file."},
                        "document": {"type": "string", "description": "metadata.name, or displayName of a Graph export."},
                        "pointer": {"type": "string", "description": "JSON Pointer of the value; findings at or below it match."},
                        "code": {"anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]},
                        "reason": {"type": "string"},
                        "expires": {"type": "string", "format": "date", "description": "YYYY-MM-DD (a TOML date or string); after it, the suppression stops applying (MAM013)."}
                    },
                    "additionalProperties": false
                }
            }
        },
        "additionalProperties": false
    })
}

/// Pretty JSON with a trailing newline, as committed.
pub fn render(schema: &Value) -> String {
    let mut text = serde_json::to_string_pretty(schema).unwrap_or_default();
    text.push('\n');
    text
}

fn string_or_null() -> Value {
    json!({"type": ["string", "null"]})
}

fn common_defs() -> Value {
    let app_keys: Vec<&str> = CATALOG.keys().collect();
    json!({
        "guid": {"type": "string", "pattern": patterns::GUID, "description": "A GUID."},
        "domain": {"type": "string", "pattern": patterns::DOMAIN, "description": "A DNS domain name."},
        "name": {"type": "string", "minLength": 1, "description": "The `metadata.name` of another document of this run."},
        "catalogApp": {
            "enum": app_keys,
            "description": "An Atlassian app of mamlint's catalog (rules/catalog.json)."
        },
        "appList": {
            "type": "array",
            "description": "Android package IDs or iOS bundle IDs: plain strings, or Graph managedMobileApp objects as exports carry them.",
            "items": {
                "type": ["string", "object"],
                "minLength": 1,
                "properties": {
                    "@odata.type": {"type": "string"},
                    "id": {"type": ["string", "null"]},
                    "version": {"type": ["string", "null"]},
                    "mobileAppIdentifier": {
                        "type": "object",
                        "properties": {
                            "@odata.type": {"type": "string"},
                            "packageId": {"type": "string"},
                            "bundleId": {"type": "string"}
                        },
                        "patternProperties": odata_metadata(),
                        "additionalProperties": false
                    }
                },
                "patternProperties": odata_metadata(),
                "required": ["mobileAppIdentifier"],
                "additionalProperties": false
            }
        },
        "assignments": {
            "type": "object",
            "description": "Entra group object IDs the policy is assigned to.",
            "properties": {
                "include": {"type": "array", "items": {"$ref": "#/$defs/guid"}},
                "exclude": {"type": "array", "items": {"$ref": "#/$defs/guid"}}
            },
            "additionalProperties": false
        },
        "keyValuePair": key_value_pair()
    })
}

/// Keys that are OData metadata, not data, accepted wherever Graph writes them with full
/// metadata: annotations (`@odata.type`, `apps@odata.context`) and action advertisements
/// (`#microsoft.graph.assign`). Agrees with `model::settings::is_annotation`.
fn odata_metadata() -> Value {
    json!({"@odata\\.": {}, "^#microsoft\\.graph\\.": {}})
}

/// A Graph assignment of an app protection policy: only group and exclusion-group targets
/// are valid (FORMATS.md §6); IntuneCD names the group with `groupName` instead of `groupId`.
fn graph_assignment() -> Value {
    json!({
        "type": "object",
        "properties": {
            "target": {
                "type": "object",
                "properties": {
                    "@odata.type": {
                        "enum": [
                            "#microsoft.graph.groupAssignmentTarget",
                            "#microsoft.graph.exclusionGroupAssignmentTarget"
                        ],
                        "description": "App protection policies are assigned to groups only: all users or all devices is rejected by the service."
                    },
                    "groupId": {"type": "string"},
                    "groupName": {"type": "string"}
                }
            }
        }
    })
}

fn key_value_pair() -> Value {
    json!({
        "type": "object",
        "properties": {
            "@odata.type": {"type": "string"},
            "name": {"type": "string"},
            "value": {"type": ["string", "null"]}
        },
        "required": ["name"],
        "additionalProperties": false
    })
}

fn envelope(kind: Kind, description: &str, spec: Value, defs: Value) -> Value {
    json!({
        "$schema": DRAFT,
        "$id": schema_id(kind.schema_stem()),
        "title": format!("mamlint {}", kind.name()),
        "description": description,
        "type": "object",
        "required": ["apiVersion", "kind", "metadata", "spec"],
        "properties": {
            "apiVersion": {"const": crate::model::API_VERSION},
            "kind": {"const": kind.name()},
            "metadata": {
                "type": "object",
                "required": ["name"],
                "properties": {"name": {"type": "string", "minLength": 1, "description": "Unique per kind; other documents refer to it."}},
                "additionalProperties": false
            },
            "spec": spec
        },
        "additionalProperties": false,
        "$defs": defs
    })
}

// The JSON Schema of each manifest kind as a literal: data, long because the kinds are.
fn manifest(kind: Kind) -> Value {
    let mut defs = common_defs();
    let spec = match kind {
        Kind::Organization => json!({
            "type": "object",
            "required": ["domains"],
            "properties": {
                "orgId": {"type": "string", "minLength": 1, "description": "The Atlassian organization ID."},
                "cloud": {"enum": ["commercial", "government"], "default": "commercial"},
                "guard": {"enum": Guard::ALL.map(Guard::key), "default": Guard::DEFAULT.key(), "description": "The Atlassian Guard subscription; Intune mobile app policies need Guard Standard or above."},
                "domains": {
                    "type": "array",
                    "description": "Domains claimed in Atlassian Administration (Settings > Domains).",
                    "items": {
                        "type": "object",
                        "required": ["name"],
                        "properties": {
                            "name": {"$ref": "#/$defs/domain"},
                            "status": {"enum": DomainStatus::ALL.map(DomainStatus::key), "default": DomainStatus::DEFAULT.key()}
                        },
                        "additionalProperties": false
                    }
                }
            },
            "additionalProperties": false
        }),
        Kind::MobileAppPolicy => json!({
            "type": "object",
            "required": ["type", "displayName", "apps"],
            "properties": {
                "organization": {"$ref": "#/$defs/name", "description": "The Organization; optional when exactly one is loaded."},
                "type": {"enum": ["intune", "atlassian"], "description": "`intune` is \"Use an Intune policy instead\"."},
                "displayName": {"type": "string", "minLength": 1, "description": "At most 150 characters."},
                "apps": {"type": "array", "items": {"$ref": "#/$defs/catalogApp"}},
                "users": {"enum": ["all", "specific"]}
            },
            "additionalProperties": false
        }),
        Kind::EntraTenant => json!({
            "type": "object",
            "required": ["tenantId"],
            "properties": {
                "tenantId": {"$ref": "#/$defs/guid"},
                "cloud": {"enum": Cloud::ALL.map(Cloud::key), "default": Cloud::DEFAULT.key()},
                "domains": {"type": "array", "items": {"$ref": "#/$defs/domain"}, "description": "The tenant's verified domains in use."},
                "adminConsent": {
                    "type": "array",
                    "description": "Enterprise apps with admin consent granted in this tenant.",
                    "items": {
                        "type": "object",
                        "minProperties": 1,
                        "properties": {
                            "app": {"$ref": "#/$defs/catalogApp"},
                            "appId": {"$ref": "#/$defs/guid"}
                        },
                        "additionalProperties": false
                    }
                }
            },
            "additionalProperties": false
        }),
        Kind::AppProtectionPolicy => {
            let group_types = PROPERTIES
                .get(Platform::Ios, "appGroupType")
                .map(|p| p.accepted_values().to_vec())
                .unwrap_or_default();
            if let Some(map) = defs.as_object_mut() {
                for platform in Platform::ALL {
                    map.insert(format!("{}Settings", platform.key()), settings(platform));
                }
            }
            let spec = json!({
                "type": "object",
                "required": ["platform", "displayName"],
                "properties": {
                    "tenant": {"$ref": "#/$defs/name", "description": "The EntraTenant; optional when exactly one is loaded."},
                    "platform": {"enum": Platform::ALL.map(Platform::key)},
                    "displayName": {"type": "string", "minLength": 1},
                    "description": {"type": "string"},
                    "appGroupType": {"enum": group_types, "default": "selectedPublicApps", "description": "Graph targetedManagedAppGroupType. Atlassian apps are custom apps: only selectedPublicApps targets them."},
                    "apps": {"$ref": "#/$defs/appList"},
                    "assignments": {"$ref": "#/$defs/assignments"},
                    "protectionLevel": {"enum": [1, 2, 3], "description": "The level of Microsoft's data protection framework this policy must meet (MAM501); a mamlint field, never sent to Graph. Overrides mamlint.toml's [protection]; `check --protection-level` overrides it."},
                    "settings": {"type": "object", "description": "Graph androidManagedAppProtection / iosManagedAppProtection properties, by Graph name, in Graph's value encoding."}
                },
                "additionalProperties": false,
                "allOf": Platform::ALL.iter().map(|p| json!({
                    "if": {"required": ["platform"], "properties": {"platform": {"const": p.key()}}},
                    "then": {"properties": {"settings": {"$ref": format!("#/$defs/{}Settings", p.key())}}}
                })).collect::<Vec<_>>()
            });
            spec
        }
        Kind::AppConfigurationPolicy => json!({
            "type": "object",
            "required": ["displayName", "apps"],
            "properties": {
                "tenant": {"$ref": "#/$defs/name"},
                "displayName": {"type": "string", "minLength": 1},
                "description": {"type": "string"},
                "apps": {"$ref": "#/$defs/appList"},
                "customSettings": {
                    "type": ["object", "array"],
                    "description": "Graph keyValuePair settings: a mapping of name to value, or a list of {name, value}.",
                    "additionalProperties": {"type": "string"},
                    "items": {"$ref": "#/$defs/keyValuePair"}
                },
                "assignments": {"$ref": "#/$defs/assignments"}
            },
            "additionalProperties": false
        }),
    };
    let description = match kind {
        Kind::Organization => {
            "The Atlassian organization: its Guard subscription and claimed domains."
        }
        Kind::MobileAppPolicy => {
            "A mobile app policy in Atlassian Administration (Security > Mobile app policies)."
        }
        Kind::EntraTenant => {
            "A Microsoft Entra tenant: its verified domains and the Atlassian apps with admin consent."
        }
        Kind::AppProtectionPolicy => {
            "An Intune app protection policy (Graph androidManagedAppProtection / iosManagedAppProtection)."
        }
        Kind::AppConfigurationPolicy => {
            "An Intune app configuration policy for managed apps (Graph targetedManagedAppConfiguration)."
        }
    };
    envelope(kind, description, spec, defs)
}

/// Whether a Graph property can be set in a manifest's `spec.settings`.
fn is_setting(name: &str, property: &Property) -> bool {
    !property.is_navigation() && !FACTS.is_read_only(name) && !FACTS.is_spec_key(name)
}

/// The schema of `spec.settings` for one platform.
pub fn settings(platform: Platform) -> Value {
    let mut properties = Map::new();
    for (name, property) in PROPERTIES.platform(platform).properties {
        if is_setting(name, property) {
            properties.insert((*name).to_owned(), property_schema(property));
        }
    }
    json!({
        "type": "object",
        "title": format!("{} settings", platform.graph_type()),
        "properties": properties,
        "additionalProperties": false
    })
}

/// The schema of one Graph property, from its catalog entry.
pub fn property_schema(property: &Property) -> Value {
    let values = property.accepted_values();
    let item = match property.item_type() {
        "Boolean" => json!({"type": ["boolean", "null"]}),
        "Int32" => {
            let min = property.minimum.unwrap_or(i64::from(i32::MIN));
            let max = property.maximum.unwrap_or(i64::from(i32::MAX));
            json!({"type": ["integer", "null"], "minimum": min, "maximum": max})
        }
        _ if property.is_duration() => {
            json!({"type": ["string", "null"], "pattern": patterns::DURATION})
        }
        "String" | "DateTimeOffset" => string_or_null(),
        "keyValuePair" => key_value_pair(),
        _ if !values.is_empty() && property.flags => {
            json!({"type": ["string", "null"], "pattern": patterns::flags(values)})
        }
        _ if !values.is_empty() => {
            let mut options: Vec<Value> = values.iter().map(|v| json!(v)).collect();
            options.push(Value::Null);
            json!({"enum": options})
        }
        _ => json!({}),
    };
    let mut schema = if property.is_collection() {
        json!({"type": ["array", "null"], "items": item})
    } else {
        item
    };
    let mut description = property.description.to_string();
    description.push_str(&format!(
        " Graph type: {}; Graph {}.",
        property.graph_type, property.api_version
    ));
    if let Some(default) = &property.admin_center_default {
        description.push_str(&format!(" Admin center default: {default}."));
    }
    if let Some(map) = schema.as_object_mut() {
        map.insert("description".into(), json!(description));
    }
    schema
}

/// The schema of a Graph export of one platform's policy: every property at the top level,
/// read-only keys and OData annotations accepted.
fn graph_export(platform: Platform) -> Value {
    let mut properties = Map::new();
    for (name, property) in PROPERTIES.platform(platform).properties {
        let schema = match *name {
            "apps" => json!({"$ref": "#/$defs/appList"}),
            "assignments" => json!({"type": "array", "items": graph_assignment()}),
            "deploymentSummary" => json!({"type": ["object", "null"]}),
            "displayName" => json!({"type": "string"}),
            _ if FACTS.is_read_only(name) => json!({}),
            _ => property_schema(property),
        };
        properties.insert((*name).to_owned(), schema);
    }
    let stem = export_stem(platform);
    let mut defs = common_defs();
    if let Some(map) = defs.as_object_mut() {
        map.retain(|k, _| k == "appList" || k == "keyValuePair");
    }
    json!({
        "$schema": DRAFT,
        "$id": schema_id(&stem),
        "title": format!("Microsoft Graph {}", platform.graph_type()),
        "description": format!("A Graph export of an {} (beta), as mamlint reads it.", platform.graph_type()),
        "type": "object",
        "properties": properties,
        "patternProperties": odata_metadata(),
        "additionalProperties": false,
        "$defs": defs
    })
}
