//! The Atlassian app catalog (spec §1): which apps exist, their Entra application IDs and
//! their Android package / iOS bundle IDs. The data is `rules/catalog.json`, embedded at build
//! time, so a new app or ID is a one-line data change.

use std::sync::LazyLock;

use serde::Deserialize;

use super::Platform;
use crate::suggest;

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct App {
    /// The key manifests use, e.g. `jira-cloud`.
    pub key: String,
    pub name: String,
    /// Display name of the Entra enterprise application.
    pub entra_app_name: Option<String>,
    pub entra_app_id: Option<String>,
    pub android: Option<String>,
    pub ios: Option<String>,
    /// Whether Atlassian supports the app with an Intune mobile app policy.
    pub intune: bool,
}

impl App {
    pub fn id_for(&self, platform: Platform) -> Option<&str> {
        match platform {
            Platform::Android => self.android.as_deref(),
            Platform::Ios => self.ios.as_deref(),
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct Catalog {
    pub apps: Vec<App>,
}

pub static CATALOG: LazyLock<Catalog> = LazyLock::new(|| {
    serde_json::from_str(include_str!("../../rules/catalog.json")).unwrap_or_else(|e| {
        panic!("rules/catalog.json is embedded at build time and must parse: {e}")
    })
});

/// The prefix of every Atlassian package and bundle ID.
pub const ATLASSIAN_PREFIX: &str = "com.atlassian.";

pub fn is_atlassian_id(id: &str) -> bool {
    id.to_ascii_lowercase().starts_with(ATLASSIAN_PREFIX)
}

impl Catalog {
    pub fn by_key(&self, key: &str) -> Option<&App> {
        self.apps.iter().find(|a| a.key == key)
    }

    pub fn by_entra_id(&self, app_id: &str) -> Option<&App> {
        self.apps.iter().find(|a| {
            a.entra_app_id
                .as_deref()
                .is_some_and(|id| id.eq_ignore_ascii_case(app_id))
        })
    }

    /// The app and platform a package or bundle ID belongs to.
    pub fn by_platform_id(&self, id: &str) -> Option<(&App, Platform)> {
        self.apps.iter().find_map(|a| {
            Platform::ALL
                .into_iter()
                .find(|&p| a.id_for(p) == Some(id))
                .map(|p| (a, p))
        })
    }

    /// The catalog ID closest to `id` on `platform`, for did-you-mean fixes.
    pub fn nearest_platform_id(&self, id: &str, platform: Platform) -> Option<&str> {
        suggest::closest(id, self.apps.iter().filter_map(|a| a.id_for(platform)))
    }

    pub fn nearest_entra_id(&self, id: &str) -> Option<&str> {
        suggest::closest(
            id,
            self.apps.iter().filter_map(|a| a.entra_app_id.as_deref()),
        )
    }

    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.apps.iter().map(|a| a.key.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalog_matches_the_atlassian_guide() {
        let jira = CATALOG.by_key("jira-cloud").unwrap();
        assert_eq!(
            jira.entra_app_id.as_deref(),
            Some("def4cf53-d350-4ec9-b39e-96cd612c301e")
        );
        assert_eq!(
            jira.android.as_deref(),
            Some("com.atlassian.android.jira.core")
        );
        assert_eq!(jira.ios.as_deref(), Some("com.atlassian.jira.app"));
        let confluence = CATALOG
            .by_entra_id("6337EEE3-da0f-4c22-a340-9b72146c78ff")
            .unwrap();
        assert_eq!(confluence.key, "confluence-cloud");
        assert!(!CATALOG.by_key("opsgenie").unwrap().intune);
        let (app, platform) = CATALOG
            .by_platform_id("com.atlassian.confluence.app")
            .unwrap();
        assert_eq!(
            (app.key.as_str(), platform),
            ("confluence-cloud", Platform::Ios)
        );
        assert_eq!(
            CATALOG.nearest_platform_id("com.atlassian.jira.ap", Platform::Ios),
            Some("com.atlassian.jira.app")
        );
    }
}
