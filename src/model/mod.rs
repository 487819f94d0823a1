//! `model`: typed, read-only views over the spanned tree.
//!
//! The second stage of the data flow. [`classify`] decides what each document is (a mamlint
//! manifest of one of the five kinds, a Graph export of an app protection policy, or nothing
//! mamlint knows), and [`Workspace`] holds every recognized object of a run as an [`Entity`]
//! that rules query by kind and name. The app catalog and the Graph property catalog live
//! here too; their data are files under `rules/`, embedded at build time.

pub mod catalog;
pub mod classify;
pub mod duration;
pub mod entity;
pub mod graph_value;
pub mod properties;
pub mod reach;
pub mod settings;
pub mod views;
pub mod workspace;

use std::fmt;

pub use classify::{Classified, GraphObject, PlatformSource, classify};
pub use entity::{AppRef, At, Entity, Origin};
pub use views::{Cloud, Domain, DomainStatus, Guard};
pub use workspace::{DocumentClass, Resolution, Role, Workspace, WorkspaceFile, classify_file};

/// A mobile platform of an app protection policy.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Platform {
    Android,
    Ios,
}

impl Platform {
    pub const ALL: [Platform; 2] = [Platform::Android, Platform::Ios];

    pub fn from_key(key: &str) -> Option<Platform> {
        match key {
            "android" => Some(Platform::Android),
            "ios" => Some(Platform::Ios),
            _ => None,
        }
    }

    /// The value of `spec.platform`.
    pub fn key(self) -> &'static str {
        match self {
            Platform::Android => "android",
            Platform::Ios => "ios",
        }
    }

    /// The name people read: Android, iOS/iPadOS.
    pub fn label(self) -> &'static str {
        match self {
            Platform::Android => "Android",
            Platform::Ios => "iOS/iPadOS",
        }
    }

    /// What the platform calls an app's identifier.
    pub fn id_kind(self) -> &'static str {
        match self {
            Platform::Android => "package ID",
            Platform::Ios => "bundle ID",
        }
    }

    pub fn other(self) -> Platform {
        match self {
            Platform::Android => Platform::Ios,
            Platform::Ios => Platform::Android,
        }
    }

    /// The Graph resource type of the platform's app protection policy.
    pub fn graph_type(self) -> &'static str {
        match self {
            Platform::Android => "androidManagedAppProtection",
            Platform::Ios => "iosManagedAppProtection",
        }
    }

    /// The key of a Graph `mobileAppIdentifier` that carries the app's ID.
    pub fn identifier_key(self) -> &'static str {
        match self {
            Platform::Android => "packageId",
            Platform::Ios => "bundleId",
        }
    }

    /// The platform of a Graph `@odata.type`, with or without the leading `#`.
    pub fn from_odata_type(odata_type: &str) -> Option<Platform> {
        let name = odata_type
            .trim_start_matches('#')
            .strip_prefix("microsoft.graph.")?;
        Platform::ALL.into_iter().find(|p| p.graph_type() == name)
    }
}

impl fmt::Display for Platform {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// The five manifest kinds of `apiVersion: mamlint/v1` (spec §3).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    Organization,
    MobileAppPolicy,
    EntraTenant,
    AppProtectionPolicy,
    AppConfigurationPolicy,
}

impl Kind {
    pub const ALL: [Kind; 5] = [
        Kind::Organization,
        Kind::MobileAppPolicy,
        Kind::EntraTenant,
        Kind::AppProtectionPolicy,
        Kind::AppConfigurationPolicy,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Kind::Organization => "Organization",
            Kind::MobileAppPolicy => "MobileAppPolicy",
            Kind::EntraTenant => "EntraTenant",
            Kind::AppProtectionPolicy => "AppProtectionPolicy",
            Kind::AppConfigurationPolicy => "AppConfigurationPolicy",
        }
    }

    pub fn from_name(name: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.name() == name)
    }

    /// File stem of the kind's JSON Schema in `schemas/`.
    pub fn schema_stem(self) -> &'static str {
        match self {
            Kind::Organization => "organization",
            Kind::MobileAppPolicy => "mobile-app-policy",
            Kind::EntraTenant => "entra-tenant",
            Kind::AppProtectionPolicy => "app-protection-policy",
            Kind::AppConfigurationPolicy => "app-configuration-policy",
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The `apiVersion` of mamlint manifests.
pub const API_VERSION: &str = "mamlint/v1";
