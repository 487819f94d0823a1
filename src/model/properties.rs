//! The Graph property catalog: every property of `androidManagedAppProtection` and
//! `iosManagedAppProtection` with its type, enum values, constraints and Graph version.
//!
//! The data is `rules/graph-properties.json`, the project's Graph reference (derived from the
//! Graph v1.0 and beta docs) with the facts rules need stated as fields (`minimum`/`maximum`,
//! `flags`, `format`) rather than left in description text; `build.rs` writes it into the
//! program as statics, so no run parses it.
//! The JSON Schemas of settings are generated from it (`schema::generate`), and rules ask it
//! which settings are booleans, versions or durations, so nothing here is typed by hand twice.

use super::Platform;

/// The value format of a string-valued property (`format` in the catalog: `version`,
/// `duration` or `date`, which `build.rs` reads).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// A dotted version (`16.10`), which an unquoted YAML number silently changes.
    Version,
    /// An ISO 8601 duration (`PT12H`, `P90D`).
    Duration,
    /// A calendar date, `YYYY-MM-DD` (Android security patch levels).
    Date,
}

impl Format {
    /// How hovers name the format.
    pub fn describe(self) -> &'static str {
        match self {
            Format::Version => "a dotted version such as `16.10` (quote it in YAML)",
            Format::Duration => "an ISO 8601 duration such as `PT30M`, `PT12H` or `P90D`",
            Format::Date => "a date, `YYYY-MM-DD`",
        }
    }
}

/// Written into the program when it is built (`build.rs`), so no run parses the catalog.
#[derive(Debug)]
pub struct Property {
    /// The Graph type as the docs write it: `Boolean`, `Int32`, `String`, `Duration`,
    /// `managedAppDataTransferLevel`, `String collection`, `keyValuePair collection`, ...
    pub graph_type: &'static str,
    pub description: &'static str,
    /// `v1.0` (present in v1.0 and beta) or `beta`.
    pub api_version: &'static str,
    pub values: &'static [&'static str],
    /// Values that beta accepts beyond the v1.0 `enum`.
    pub beta_enum: &'static [&'static str],
    /// The documented constraint as the docs word it; [`Property::minimum`] and
    /// [`Property::maximum`] are what mamlint checks.
    pub constraints: Option<&'static str>,
    /// The documented inclusive range of a number.
    pub minimum: Option<i64>,
    pub maximum: Option<i64>,
    /// A flag enum: the value is a comma-separated list of members (`unmanaged,mdm`).
    pub flags: bool,
    /// How a string-valued property is written, where it matters to a rule or a schema.
    pub format: Option<Format>,
    pub admin_center_default: Option<&'static str>,
    /// `navigation` for relationships (`apps`, `assignments`, `deploymentSummary`).
    pub kind: Option<&'static str>,
    pub inherited_from: Option<&'static str>,
}

impl Property {
    pub fn is_navigation(&self) -> bool {
        self.kind == Some("navigation")
    }

    pub fn is_collection(&self) -> bool {
        self.graph_type.ends_with(" collection")
    }

    /// The element type of a collection, or the type itself.
    pub fn item_type(&self) -> &str {
        self.graph_type
            .strip_suffix(" collection")
            .unwrap_or(self.graph_type)
    }

    pub fn is_boolean(&self) -> bool {
        self.graph_type == "Boolean"
    }

    pub fn is_duration(&self) -> bool {
        self.format == Some(Format::Duration)
    }

    /// Whether the value is a dotted version number (OS, app, SDK, Company Portal). Patch
    /// levels are dates, not versions.
    pub fn is_version(&self) -> bool {
        self.format == Some(Format::Version)
    }

    pub fn is_beta_only(&self) -> bool {
        self.api_version == "beta"
    }

    /// Enum values accepted by Graph beta (the default API version, spec §5).
    pub fn accepted_values(&self) -> &'static [&'static str] {
        if self.beta_enum.is_empty() {
            self.values
        } else {
            self.beta_enum
        }
    }
}

/// All properties of one platform's resource, sorted by Graph name.
#[derive(Debug)]
pub struct PlatformProperties {
    pub properties: &'static [(&'static str, Property)],
}

impl PlatformProperties {
    pub fn get(&self, name: &str) -> Option<&'static Property> {
        let at = self
            .properties
            .binary_search_by_key(&name, |(n, _)| n)
            .ok()?;
        self.properties.get(at).map(|(_, p)| p)
    }
}

mod generated {
    use super::{Format, Property};
    include!(concat!(env!("OUT_DIR"), "/graph_properties.rs"));
}

/// Both platforms' properties.
pub struct PropertyCatalog {
    android: PlatformProperties,
    ios: PlatformProperties,
}

pub static PROPERTIES: PropertyCatalog = PropertyCatalog {
    android: PlatformProperties {
        properties: generated::ANDROID,
    },
    ios: PlatformProperties {
        properties: generated::IOS,
    },
};

impl PropertyCatalog {
    pub fn platform(&self, platform: Platform) -> &PlatformProperties {
        match platform {
            Platform::Android => &self.android,
            Platform::Ios => &self.ios,
        }
    }

    pub fn get(&self, platform: Platform, name: &str) -> Option<&'static Property> {
        self.platform(platform).get(name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every Graph property is a key held without an allocation (`rules/common-keys.txt`, a
    /// memory saving of `syntax::Key`): a property added to the catalog goes into that list.
    #[test]
    fn every_graph_property_is_a_common_key() {
        for platform in [Platform::Android, Platform::Ios] {
            for (name, _) in PROPERTIES.platform(platform).properties {
                assert!(
                    crate::syntax::Key::new(name).is_common(),
                    "{name} is missing from rules/common-keys.txt"
                );
            }
        }
    }

    #[test]
    fn catalog_has_both_platforms_and_ranges() {
        let pin = PROPERTIES
            .get(Platform::Android, "maximumPinRetries")
            .unwrap();
        assert_eq!((pin.minimum, pin.maximum), (Some(1), Some(65535)));
        assert!(
            PROPERTIES
                .get(Platform::Android, "connectToVpnOnLaunch")
                .unwrap()
                .is_beta_only()
        );
        assert!(
            PROPERTIES
                .get(Platform::Ios, "connectToVpnOnLaunch")
                .is_none()
        );
        assert!(
            PROPERTIES
                .get(Platform::Ios, "faceIdBlocked")
                .unwrap()
                .is_boolean()
        );
        let storage = PROPERTIES
            .get(Platform::Ios, "allowedDataStorageLocations")
            .unwrap();
        assert!(storage.accepted_values().contains(&"photoLibrary"));
        let os = PROPERTIES
            .get(Platform::Ios, "minimumRequiredOsVersion")
            .unwrap();
        assert!(os.is_version());
        let patch = PROPERTIES
            .get(Platform::Android, "minimumRequiredPatchVersion")
            .unwrap();
        assert!(!patch.is_version());
        assert_eq!(patch.format, Some(Format::Date));
    }

    /// The explicit facts of every property agree with its type, so a hand edit of
    /// `rules/graph-properties.json` cannot put a range on a string or a format on a boolean,
    /// and a misspelt key fails here instead of being ignored.
    #[test]
    fn catalog_facts_are_consistent() {
        const KNOWN: &[&str] = &[
            "type",
            "format",
            "description",
            "apiVersion",
            "inheritedFrom",
            "enum",
            "betaEnum",
            "flags",
            "constraints",
            "minimum",
            "maximum",
            "default",
            "nullable",
            "adminCenterDefault",
            "kind",
            "notes",
        ];
        let raw: serde_json::Value =
            serde_json::from_str(include_str!("../../rules/graph-properties.json")).unwrap();
        let mut problems = Vec::new();
        for platform in Platform::ALL {
            let resource = platform.graph_type();
            let entries = raw[resource].as_object().unwrap();
            let built = PROPERTIES.platform(platform).properties;
            assert_eq!(entries.len(), built.len());
            assert!(
                built.windows(2).all(|w| w[0].0 < w[1].0),
                "sorted for lookups"
            );
            for (name, entry) in entries {
                let at = format!("{resource}.{name}");
                for key in entry.as_object().unwrap().keys() {
                    if !KNOWN.contains(&key.as_str()) {
                        problems.push(format!("{at}: unknown key `{key}`"));
                    }
                }
                let p = PROPERTIES.get(platform, name).unwrap();
                // What build.rs wrote is what the file says.
                let text = |key: &str| entry.get(key).and_then(|v| v.as_str());
                let list = |key: &str| -> Vec<&str> {
                    entry
                        .get(key)
                        .and_then(|v| v.as_array())
                        .map_or(Vec::new(), |items| {
                            items.iter().filter_map(|v| v.as_str()).collect()
                        })
                };
                let number = |key: &str| entry.get(key).and_then(|v| v.as_i64());
                let written = (
                    Some(p.graph_type),
                    text("description").unwrap_or("") == p.description,
                    Some(p.api_version),
                    (p.values.to_vec(), p.beta_enum.to_vec()),
                    (p.constraints, p.admin_center_default),
                    (p.kind, p.inherited_from),
                    (p.minimum, p.maximum, p.flags),
                );
                let read = (
                    text("type"),
                    true,
                    text("apiVersion"),
                    (list("enum"), list("betaEnum")),
                    (text("constraints"), text("adminCenterDefault")),
                    (text("kind"), text("inheritedFrom")),
                    (
                        number("minimum"),
                        number("maximum"),
                        entry.get("flags").is_some(),
                    ),
                );
                if written != read {
                    problems.push(format!("{at}: built as {written:?}, written as {read:?}"));
                }
                for bound in ["minimum", "maximum"] {
                    if let Some(value) = entry.get(bound) {
                        if value.as_i64().and_then(|n| i32::try_from(n).ok()).is_none() {
                            problems.push(format!("{at}: {bound} {value} is not an Int32"));
                        }
                        if p.item_type() != "Int32" {
                            problems.push(format!("{at}: {bound} on a {}", p.graph_type));
                        }
                        if p.constraints.is_none() {
                            problems
                                .push(format!("{at}: {bound} without the documented constraint"));
                        }
                    }
                }
                if let (Some(min), Some(max)) = (p.minimum, p.maximum)
                    && min > max
                {
                    problems.push(format!("{at}: minimum {min} > maximum {max}"));
                }
                if entry.get("flags").is_some_and(|f| f != true) {
                    problems.push(format!("{at}: `flags` is written only as true"));
                }
                if p.flags && (p.accepted_values().is_empty() || p.is_collection()) {
                    problems.push(format!(
                        "{at}: flags on a property that is not a single enum"
                    ));
                }
                match p.format {
                    Some(Format::Duration) if p.graph_type != "Duration" => {
                        problems.push(format!("{at}: duration format on a {}", p.graph_type));
                    }
                    Some(Format::Version | Format::Date) if p.graph_type != "String" => {
                        problems.push(format!("{at}: string format on a {}", p.graph_type));
                    }
                    None if p.graph_type == "Duration" => {
                        problems.push(format!("{at}: a Duration without format duration"));
                    }
                    _ => {}
                }
                // An inherited property is one Graph property: its facts cannot differ.
                if p.inherited_from.is_some()
                    && let Some(other) = PROPERTIES.get(platform.other(), name)
                    && (p.minimum, p.maximum, p.flags, p.format)
                        != (other.minimum, other.maximum, other.flags, other.format)
                {
                    problems.push(format!("{at}: facts differ from the other platform's"));
                }
            }
        }
        assert!(problems.is_empty(), "{}", problems.join("\n"));
    }
}
