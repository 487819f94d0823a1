//! The Graph property catalog: every property of `androidManagedAppProtection` and
//! `iosManagedAppProtection` with its type, enum values, constraints and Graph version.
//!
//! The data is `rules/graph-properties.json`, a copy of the project's Graph reference
//! (derived from the Graph v1.0 and beta docs), embedded at build time. The JSON Schemas of
//! settings are generated from it (`schema::generate`), and rules ask it which settings are
//! booleans, versions or durations, so nothing here is typed by hand twice.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use serde::Deserialize;

use super::Platform;

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Property {
    /// The Graph type as the docs write it: `Boolean`, `Int32`, `String`, `Duration`,
    /// `managedAppDataTransferLevel`, `String collection`, `keyValuePair collection`, ...
    #[serde(rename = "type")]
    pub graph_type: String,
    #[serde(default)]
    pub description: String,
    /// `v1.0` (present in v1.0 and beta) or `beta`.
    pub api_version: String,
    #[serde(default, rename = "enum")]
    pub values: Vec<String>,
    /// Values that beta accepts beyond the v1.0 `enum`.
    #[serde(default)]
    pub beta_enum: Vec<String>,
    pub constraints: Option<String>,
    pub admin_center_default: Option<String>,
    /// `navigation` for relationships (`apps`, `assignments`, `deploymentSummary`).
    pub kind: Option<String>,
    pub inherited_from: Option<String>,
}

impl Property {
    pub fn is_navigation(&self) -> bool {
        self.kind.as_deref() == Some("navigation")
    }

    pub fn is_collection(&self) -> bool {
        self.graph_type.ends_with(" collection")
    }

    /// The element type of a collection, or the type itself.
    pub fn item_type(&self) -> &str {
        self.graph_type
            .strip_suffix(" collection")
            .unwrap_or(&self.graph_type)
    }

    pub fn is_boolean(&self) -> bool {
        self.graph_type == "Boolean"
    }

    pub fn is_duration(&self) -> bool {
        self.graph_type == "Duration"
    }

    pub fn is_beta_only(&self) -> bool {
        self.api_version == "beta"
    }

    /// Enum values accepted by Graph beta (the default API version, spec §5).
    pub fn accepted_values(&self) -> &[String] {
        if self.beta_enum.is_empty() {
            &self.values
        } else {
            &self.beta_enum
        }
    }

    /// `(min, max)` parsed from the documented constraint text, e.g. "valid values 1 to 65535"
    /// or "admin center: 0 to 365 days".
    pub fn range(&self) -> Option<(i64, i64)> {
        let text = self.constraints.as_deref()?;
        let words: Vec<&str> = text.split_whitespace().collect();
        words
            .windows(3)
            .find_map(|w| match (w[0].parse::<i64>(), w[1], w[2].parse::<i64>()) {
                (Ok(min), "to", Ok(max)) => Some((min, max)),
                _ => None,
            })
    }
}

/// All properties of one platform's resource, by Graph name.
#[derive(Debug, Default)]
pub struct PlatformProperties {
    pub properties: BTreeMap<String, Property>,
}

#[derive(Debug, Deserialize)]
struct RawCatalog {
    #[serde(rename = "androidManagedAppProtection")]
    android: BTreeMap<String, Property>,
    #[serde(rename = "iosManagedAppProtection")]
    ios: BTreeMap<String, Property>,
}

pub struct PropertyCatalog {
    android: PlatformProperties,
    ios: PlatformProperties,
}

pub static PROPERTIES: LazyLock<PropertyCatalog> = LazyLock::new(|| {
    let raw: RawCatalog = serde_json::from_str(include_str!("../../rules/graph-properties.json"))
        .unwrap_or_else(|e| {
            panic!("rules/graph-properties.json is embedded at build time and must parse: {e}")
        });
    PropertyCatalog {
        android: PlatformProperties {
            properties: raw.android,
        },
        ios: PlatformProperties {
            properties: raw.ios,
        },
    }
});

impl PropertyCatalog {
    pub fn platform(&self, platform: Platform) -> &PlatformProperties {
        match platform {
            Platform::Android => &self.android,
            Platform::Ios => &self.ios,
        }
    }

    pub fn get(&self, platform: Platform, name: &str) -> Option<&Property> {
        self.platform(platform).properties.get(name)
    }
}

/// Settings whose values are dotted version numbers (OS, app, SDK, Company Portal), where an
/// unquoted YAML `16.10` turns into the number 16.1. Patch versions are dates, not numbers.
pub fn is_version_setting(name: &str, property: &Property) -> bool {
    property.graph_type == "String"
        && name.ends_with("Version")
        && !name.contains("Patch")
        && name != "version"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalog_has_both_platforms_and_ranges() {
        let pin = PROPERTIES
            .get(Platform::Android, "maximumPinRetries")
            .unwrap();
        assert_eq!(pin.range(), Some((1, 65535)));
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
        assert!(
            storage
                .accepted_values()
                .iter()
                .any(|v| v == "photoLibrary")
        );
        let os = PROPERTIES
            .get(Platform::Ios, "minimumRequiredOsVersion")
            .unwrap();
        assert!(is_version_setting("minimumRequiredOsVersion", os));
        let patch = PROPERTIES
            .get(Platform::Android, "minimumRequiredPatchVersion")
            .unwrap();
        assert!(!is_version_setting("minimumRequiredPatchVersion", patch));
    }
}
