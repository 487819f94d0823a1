use super::{Context, Rule, RuleMeta, declare_rule};
use crate::diagnostic::Diagnostic;
use crate::model::Entity;
use crate::model::catalog::CATALOG;

declare_rule! {
    /// ## What it checks
    /// An Intune MobileAppPolicy whose `apps` include an Atlassian app that cannot be managed
    /// with an Intune policy (in the catalog, Opsgenie).
    ///
    /// ## Why it matters
    /// Atlassian lists only Jira Cloud and Confluence Cloud for Intune; other apps in an Intune
    /// policy are not protected by Intune, while the policy reads as if they were.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: mamlint/v1
    /// kind: MobileAppPolicy
    /// metadata: {name: intune}
    /// spec:
    ///   type: intune
    ///   displayName: Intune
    ///   apps: [jira-cloud, opsgenie]
    /// ```
    ///
    /// ## Fix
    /// Remove the app; cover it with an Atlassian mobile app policy (`type: atlassian`).
    /// ```yaml
    /// apiVersion: mamlint/v1
    /// kind: MobileAppPolicy
    /// metadata: {name: intune}
    /// spec:
    ///   type: intune
    ///   displayName: Intune
    ///   apps: [jira-cloud]
    /// ```
    ///
    /// ## Source
    /// Atlassian, "Integrate Intune security in mobile app policy" (apps with Intune support:
    /// Jira Cloud, Confluence Cloud); mamlint spec §1 (Opsgenie: not supported with an Intune
    /// policy).
    pub struct AppNotSupportedWithIntune {
        code: "MAM203",
        name: "app-not-supported-with-intune",
        severity: Error,
        summary: "An Intune MobileAppPolicy lists an app without Intune support.",
    }
}

impl Rule for AppNotSupportedWithIntune {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn scope(&self) -> super::Scope {
        super::Scope::File
    }

    fn check_entity(&self, _cx: &Context<'_, '_>, entity: &Entity<'_>, out: &mut Vec<Diagnostic>) {
        if !entity.is_intune_policy() {
            return;
        }
        let Some(apps) = entity.spec_get("apps") else {
            return;
        };
        for item in apps.items() {
            let Some(app) = item.str().and_then(|k| CATALOG.by_key(k)) else {
                continue;
            };
            if app.intune {
                continue;
            }
            out.push(
                Diagnostic::new(
                    &Self::META,
                    entity.location(&item),
                    format!(
                        "{} cannot be managed with an Intune mobile app policy",
                        app.name
                    ),
                )
                .label("no Intune support")
                .help(format!(
                    "remove `{}`; apps with Intune support: {}",
                    app.key,
                    CATALOG
                        .apps
                        .iter()
                        .filter(|a| a.intune)
                        .map(|a| format!("`{}`", a.key))
                        .collect::<Vec<_>>()
                        .join(", ")
                )),
            );
        }
    }
}
