//! Typed views of the manifest kinds, with their defaults in one place.
//!
//! Rules, the plan and the schema generator ask these instead of reading `spec` keys and
//! repeating a default: `guard` is `none` unless set, a domain is `verified` unless its
//! `status` says otherwise, a tenant is in the `global` cloud unless `cloud` says otherwise,
//! and "has admin consent" means one thing everywhere.

use super::Kind;
use super::catalog::App;
use super::entity::{At, Entity};

/// The Atlassian Guard subscription of an Organization (`spec.guard`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Guard {
    None,
    Standard,
    Premium,
}

impl Guard {
    pub const ALL: [Guard; 3] = [Guard::None, Guard::Standard, Guard::Premium];
    /// What an Organization without `guard` has.
    pub const DEFAULT: Guard = Guard::None;

    pub fn key(self) -> &'static str {
        match self {
            Guard::None => "none",
            Guard::Standard => "standard",
            Guard::Premium => "premium",
        }
    }

    pub fn from_key(key: &str) -> Option<Guard> {
        Guard::ALL.into_iter().find(|g| g.key() == key)
    }
}

/// Whether Atlassian has verified a claimed domain (`spec.domains[].status`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DomainStatus {
    Verified,
    Unverified,
}

impl DomainStatus {
    pub const ALL: [DomainStatus; 2] = [DomainStatus::Verified, DomainStatus::Unverified];
    /// What a domain without `status` is.
    pub const DEFAULT: DomainStatus = DomainStatus::Verified;

    pub fn key(self) -> &'static str {
        match self {
            DomainStatus::Verified => "verified",
            DomainStatus::Unverified => "unverified",
        }
    }

    pub fn from_key(key: &str) -> Option<DomainStatus> {
        DomainStatus::ALL.into_iter().find(|s| s.key() == key)
    }
}

/// A domain an Organization claims.
#[derive(Clone, Debug)]
pub struct Domain<'a> {
    /// The `name` value.
    pub name: At<'a>,
    /// `None` for a status mamlint does not know (MAM007 reports it).
    pub status: Option<DomainStatus>,
}

impl<'a> Domain<'a> {
    pub fn name(&self) -> &'a str {
        self.name.str().unwrap_or_default()
    }

    pub fn is_verified(&self) -> bool {
        self.status == Some(DomainStatus::Verified)
    }
}

/// The Microsoft cloud a tenant lives in (`spec.cloud` of an EntraTenant).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cloud {
    Global,
    UsGov,
    UsGovDod,
    China,
}

impl Cloud {
    pub const ALL: [Cloud; 4] = [Cloud::Global, Cloud::UsGov, Cloud::UsGovDod, Cloud::China];
    /// What a tenant without `cloud` is in.
    pub const DEFAULT: Cloud = Cloud::Global;

    pub fn key(self) -> &'static str {
        match self {
            Cloud::Global => "global",
            Cloud::UsGov => "usgov",
            Cloud::UsGovDod => "usgov-dod",
            Cloud::China => "china",
        }
    }

    pub fn from_key(key: &str) -> Option<Cloud> {
        Cloud::ALL.into_iter().find(|c| c.key() == key)
    }
}

impl<'a> Entity<'a> {
    /// An Organization's Guard subscription; `None` for a value mamlint does not know.
    pub fn guard(&self) -> Option<Guard> {
        match self.spec_get("guard") {
            Some(at) => at.str().and_then(Guard::from_key),
            None => Some(Guard::DEFAULT),
        }
    }

    /// The domains an Organization claims, with a name.
    pub fn domains(&self) -> Vec<Domain<'a>> {
        let Some(domains) = self.spec_get("domains") else {
            return Vec::new();
        };
        domains
            .items()
            .filter_map(|entry| {
                let name = entry.get("name").filter(|n| n.str().is_some())?;
                let status = match entry.get("status") {
                    Some(status) => status.str().and_then(DomainStatus::from_key),
                    None => Some(DomainStatus::DEFAULT),
                };
                Some(Domain { name, status })
            })
            .collect()
    }

    /// The names of an Organization's verified domains.
    pub fn verified_domains(&self) -> Vec<At<'a>> {
        self.domains()
            .into_iter()
            .filter(Domain::is_verified)
            .map(|d| d.name)
            .collect()
    }

    /// An EntraTenant's cloud; `None` for a value mamlint does not know.
    pub fn cloud(&self) -> Option<Cloud> {
        match self.spec_get("cloud") {
            Some(at) => at.str().and_then(Cloud::from_key),
            None => Some(Cloud::DEFAULT),
        }
    }

    /// An EntraTenant's directory ID.
    pub fn tenant_id(&self) -> Option<&'a str> {
        self.spec_str("tenantId")
    }

    /// Whether an EntraTenant records admin consent for a catalog app. An entry names the app
    /// by `app`; only an entry without `app` is matched by its `appId` (a contradicting pair is
    /// MAM103's). MAM301 and the plan both decide consent here.
    pub fn has_consent(&self, app: &App) -> bool {
        let Some(list) = self.spec_get("adminConsent") else {
            return false;
        };
        list.items()
            .any(|entry| match entry.get("app").and_then(|a| a.str()) {
                Some(key) => key == app.key,
                None => entry
                    .get("appId")
                    .and_then(|a| a.str())
                    .zip(app.entra_app_id.as_deref())
                    .is_some_and(|(given, id)| given.eq_ignore_ascii_case(id)),
            })
    }

    /// Whether a MobileAppPolicy hands its apps to Intune (`type: intune`).
    pub fn is_intune_policy(&self) -> bool {
        self.kind == Kind::MobileAppPolicy && self.spec_str("type") == Some("intune")
    }

    /// The apps (catalog keys, as written) an Intune MobileAppPolicy hands to Intune; none
    /// for any other document.
    pub fn handed_apps(&self) -> impl Iterator<Item = &'a str> + use<'a> {
        self.is_intune_policy()
            .then(|| {
                self.spec_node("apps")
                    .and_then(crate::syntax::Node::as_array)
            })
            .flatten()
            .unwrap_or(&[])
            .iter()
            .filter_map(crate::syntax::Node::as_str)
    }

    /// Of [`Entity::handed_apps`], the catalog apps Intune can manage: what
    /// [`super::Workspace::first_listing`] gathers, and [`Key::Listing`] compares.
    ///
    /// [`Key::Listing`]: super::workspace::Key::Listing
    pub fn intune_listed(&self) -> impl Iterator<Item = &'static App> + use<'a> {
        self.handed_apps()
            .filter_map(|key| super::catalog::CATALOG.by_key(key))
            .filter(|app| app.intune)
    }
}
