//! Facts about settings that rules rely on beyond the Graph property catalog: read-only keys,
//! PIN settings, how Microsoft Tunnel starts on launch. The data is `rules/settings.json`,
//! embedded at build time.

use std::sync::LazyLock;

use serde::Deserialize;

#[derive(Debug, Deserialize)]
struct KeyList {
    keys: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TunnelOnLaunch {
    pub android_property: String,
    pub app_configuration_key_prefixes: Vec<String>,
    pub app_configuration_keys: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawFacts {
    read_only: KeyList,
    spec_keys: KeyList,
    pin_settings: KeyList,
    tunnel_on_launch: TunnelOnLaunch,
}

pub struct SettingFacts {
    /// Keys Graph sets itself; ignored in exports.
    pub read_only: Vec<String>,
    /// Graph properties that a manifest sets in `spec`, not in `spec.settings`.
    pub spec_keys: Vec<String>,
    /// Settings that only matter when `pinRequired` is true.
    pub pin_settings: Vec<String>,
    pub tunnel: TunnelOnLaunch,
}

pub static FACTS: LazyLock<SettingFacts> = LazyLock::new(|| {
    let raw: RawFacts = serde_json::from_str(include_str!("../../rules/settings.json"))
        .unwrap_or_else(|e| {
            panic!("rules/settings.json is embedded at build time and must parse: {e}")
        });
    SettingFacts {
        read_only: raw.read_only.keys,
        spec_keys: raw.spec_keys.keys,
        pin_settings: raw.pin_settings.keys,
        tunnel: raw.tunnel_on_launch,
    }
});

impl SettingFacts {
    pub fn is_read_only(&self, key: &str) -> bool {
        self.read_only.iter().any(|k| k == key)
    }

    pub fn is_spec_key(&self, key: &str) -> bool {
        self.spec_keys.iter().any(|k| k == key)
    }

    /// Whether an app configuration key configures Tunnel for MAM.
    pub fn is_tunnel_key(&self, key: &str) -> bool {
        self.tunnel.app_configuration_keys.iter().any(|k| k == key)
            || self
                .tunnel
                .app_configuration_key_prefixes
                .iter()
                .any(|p| key.starts_with(p.as_str()))
    }
}

/// Whether a key is OData metadata rather than data, at any depth: an annotation
/// (`@odata.type`, `apps@odata.context`, `periodOfflineBeforeAccessCheck@odata.type`,
/// `deploymentSummary@odata.navigationLink`) or an action advertisement
/// (`#microsoft.graph.assign`), as IntuneManagement writes them with full metadata.
pub fn is_annotation(key: &str) -> bool {
    key.contains("@odata.") || key.starts_with("#microsoft.graph.")
}
