use super::{Context, Rule, RuleMeta, declare_rule, requote};
use crate::diagnostic::{Diagnostic, Fix};
use crate::model::catalog::CATALOG;
use crate::model::{Entity, Kind};

declare_rule! {
    /// ## What it checks
    /// An `adminConsent` entry of an EntraTenant whose `appId` is not the catalog's Entra
    /// application ID for its `app`, or, without `app`, is the ID of no catalog app. The fix
    /// writes the catalog's ID when the app is known.
    ///
    /// ## Why it matters
    /// Admin consent is given to one enterprise application by its application (client) ID.
    /// A wrong ID records consent for some other application: mamlint would then believe Jira
    /// has consent while users are still blocked at sign-in.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: mamlint/v1
    /// kind: EntraTenant
    /// metadata: {name: acme-entra}
    /// spec:
    ///   tenantId: 7f0c3a3e-1b2c-4d5e-8f90-a1b2c3d4e5f6
    ///   adminConsent:
    ///     - app: jira-cloud
    ///       appId: 6337eee3-da0f-4c22-a340-9b72146c78ff
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    /// apiVersion: mamlint/v1
    /// kind: EntraTenant
    /// metadata: {name: acme-entra}
    /// spec:
    ///   tenantId: 7f0c3a3e-1b2c-4d5e-8f90-a1b2c3d4e5f6
    ///   adminConsent:
    ///     - app: jira-cloud
    ///       appId: def4cf53-d350-4ec9-b39e-96cd612c301e
    /// ```
    ///
    /// ## Source
    /// Atlassian, "Integrate Intune security in mobile app policy": Confluence Cloud by
    /// Atlassian `6337eee3-da0f-4c22-a340-9b72146c78ff`; Jira Cloud by Atlassian
    /// `def4cf53-d350-4ec9-b39e-96cd612c301e`.
    pub struct EntraAppIdMismatch {
        code: "MAM103",
        name: "entra-app-id-mismatch",
        severity: Error,
        summary: "An `appId` is not the catalog's ID for its `app`, or is no catalog app's ID.",
    }
}

fn is_guid(text: &str) -> bool {
    // The shape of the schema's GUID pattern; malformed IDs are MAM007's.
    let groups: Vec<&str> = text.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(g, n)| g.len() == n && g.bytes().all(|b| b.is_ascii_hexdigit()))
}

impl Rule for EntraAppIdMismatch {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn scope(&self) -> super::Scope {
        super::Scope::File
    }

    fn check_entity(&self, _cx: &Context<'_, '_>, entity: &Entity<'_>, out: &mut Vec<Diagnostic>) {
        if entity.kind != Kind::EntraTenant {
            return;
        }
        let Some(list) = entity.spec_get("adminConsent") else {
            return;
        };
        for entry in list.items() {
            let Some(id_at) = entry.get("appId") else {
                continue;
            };
            let Some(app_id) = id_at.str().filter(|id| is_guid(id)) else {
                continue;
            };
            let app = entry
                .get("app")
                .and_then(|a| a.str())
                .and_then(|k| CATALOG.by_key(k));
            let (message, right) = match app {
                Some(app) => match app.entra_app_id.as_deref() {
                    Some(expected) if expected.eq_ignore_ascii_case(app_id) => continue,
                    Some(expected) => (
                        match CATALOG.by_entra_id(app_id) {
                            Some(other) => format!(
                                "`{app_id}` is the Entra application ID of {}, not of {}",
                                other.name, app.name
                            ),
                            None => format!(
                                "`{app_id}` is not the Entra application ID of {}",
                                app.name
                            ),
                        },
                        Some(expected),
                    ),
                    None => continue,
                },
                None if CATALOG.by_entra_id(app_id).is_some() => continue,
                None => (
                    format!("`{app_id}` is the Entra application ID of no Atlassian app"),
                    CATALOG.nearest_entra_id(app_id),
                ),
            };
            let mut diagnostic = Diagnostic::new(&Self::META, entity.location(&id_at), message)
                .label("wrong application ID");
            if let Some(right) = right {
                let name = CATALOG
                    .by_entra_id(right)
                    .and_then(|a| a.entra_app_name.as_deref())
                    .unwrap_or("the app");
                diagnostic = diagnostic
                    .help(format!("{name} has application ID `{right}`"))
                    .fix({
                        let fix = Fix::replace(
                            format!("replace with `{right}`"),
                            entity.file,
                            id_at.node.span,
                            requote(id_at.node, right),
                        );
                        // Without `app`, the nearest ID is a guess.
                        if app.is_some() {
                            fix
                        } else {
                            fix.into_unsafe()
                        }
                    });
            } else {
                let known: Vec<String> = CATALOG
                    .apps
                    .iter()
                    .filter_map(|a| {
                        Some(format!(
                            "{} `{}`",
                            a.entra_app_name.as_deref()?,
                            a.entra_app_id.as_deref()?
                        ))
                    })
                    .collect();
                diagnostic = diagnostic.help(format!(
                    "Atlassian's enterprise applications: {}",
                    known.join(", ")
                ));
            }
            out.push(diagnostic);
        }
    }
}
