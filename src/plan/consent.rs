//! Admin consent of each Atlassian app in a tenant, for the plan: read live from Graph, from
//! Graph list files beside `--current` exports, or (when nothing else is known) as the
//! EntraTenant document declares it, through the same `Entity::has_consent` as MAM301.

use std::path::Path;

use serde_json::Value;

use super::Consent;
use crate::graph::{Client, ServiceError};
use crate::model::Entity;
use crate::model::catalog::App;

/// What is known of an app's consent: its enterprise application exists (service
/// principal), and admin consent for all users is granted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Found {
    pub service_principal: bool,
    pub granted: bool,
}

/// Where consent was read from, as the plan names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    /// Read live from Graph.
    Graph,
    /// From `servicePrincipals.json` / `oauth2PermissionGrants.json` beside `--current`.
    Current,
    /// The EntraTenant document's `adminConsent`.
    Declared,
}

impl Source {
    pub fn key(self) -> &'static str {
        match self {
            Source::Graph => "graph",
            Source::Current => "current",
            Source::Declared => "declared",
        }
    }
}

/// Consent as the EntraTenant declares it: recorded consent implies the enterprise app.
pub fn declared(tenant: &Entity<'_>, app: &App) -> Found {
    let granted = tenant.has_consent(app);
    Found {
        service_principal: granted,
        granted,
    }
}

/// Consent read from Graph: the app's service principal, then its tenant-wide grants.
pub fn live(client: &Client, app_id: &str) -> Result<Found, ServiceError> {
    let principals = client.list(&format!(
        "/servicePrincipals?$filter=appId%20eq%20'{app_id}'&$select=id,appId"
    ))?;
    let Some(principal) = principals
        .first()
        .and_then(|p| p.get("id"))
        .and_then(Value::as_str)
    else {
        return Ok(Found {
            service_principal: false,
            granted: false,
        });
    };
    let grants = client.list(&format!(
        "/oauth2PermissionGrants?$filter=clientId%20eq%20'{principal}'"
    ))?;
    Ok(Found {
        service_principal: true,
        granted: grants.iter().any(is_tenant_wide),
    })
}

/// Consent from Graph list files in a directory; `None` when it has no
/// `servicePrincipals.json`.
pub fn from_files(dir: &Path, app_id: &str) -> Option<Found> {
    let read = |name: &str| -> Option<Vec<Value>> {
        let bytes = crate::syntax::read_capped(&dir.join(name)).ok()?;
        let value: Value = serde_json::from_slice(&bytes).ok()?;
        value
            .get("value")
            .and_then(Value::as_array)
            .cloned()
            .or_else(|| value.as_array().cloned())
    };
    let principals = read("servicePrincipals.json")?;
    let principal = principals.iter().find(|p| {
        p.get("appId")
            .and_then(Value::as_str)
            .is_some_and(|a| a.eq_ignore_ascii_case(app_id))
    });
    let Some(id) = principal.and_then(|p| p.get("id")).and_then(Value::as_str) else {
        return Some(Found {
            service_principal: false,
            granted: false,
        });
    };
    let grants = read("oauth2PermissionGrants.json").unwrap_or_default();
    Some(Found {
        service_principal: true,
        granted: grants
            .iter()
            .any(|g| g.get("clientId").and_then(Value::as_str) == Some(id) && is_tenant_wide(g)),
    })
}

fn is_tenant_wide(grant: &Value) -> bool {
    grant.get("consentType").and_then(Value::as_str) == Some("AllPrincipals")
}

/// The plan's consent record of an app, with the admin-consent URL when consent is missing.
pub fn record(app: &App, found: Found, source: Source, login: &str, tenant_id: &str) -> Consent {
    let app_id = app.entra_app_id.as_deref().unwrap_or_default();
    Consent {
        app: app.key.clone(),
        service_principal: found.service_principal,
        granted: found.granted,
        source: source.key(),
        consent_url: (!found.granted).then(|| super::consent_url(login, tenant_id, app_id)),
    }
}
