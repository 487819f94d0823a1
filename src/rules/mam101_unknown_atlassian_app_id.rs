use super::{Context, Rule, RuleMeta, declare_rule, requote};
use crate::diagnostic::{Diagnostic, Fix};
use crate::model::catalog::CATALOG;
use crate::model::{Entity, Kind, Platform};

declare_rule! {
    /// ## What it checks
    /// A `com.atlassian.*` package or bundle ID in an app protection or app configuration
    /// policy that is not in mamlint's app catalog, such as `com.atlassian.jira` or
    /// `com.atlassian.android.jira`. The nearest catalog ID for the policy's platform is
    /// suggested, with a fix.
    ///
    /// ## Why it matters
    /// Intune accepts any custom app ID, so a typo is saved without complaint and the policy
    /// protects an app that does not exist, while the real Jira or Confluence app runs
    /// unprotected.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: mamlint/v1
    /// kind: AppProtectionPolicy
    /// metadata: {name: atlassian-ios}
    /// spec:
    ///   platform: ios
    ///   displayName: Atlassian apps (iOS)
    ///   apps: [com.atlassian.jira]
    /// ```
    ///
    /// ## Fix
    /// Use the ID from the catalog (`mamlint rule MAM101` lists them under Source).
    /// ```yaml
    /// apiVersion: mamlint/v1
    /// kind: AppProtectionPolicy
    /// metadata: {name: atlassian-ios}
    /// spec:
    ///   platform: ios
    ///   displayName: Atlassian apps (iOS)
    ///   apps: [com.atlassian.jira.app]
    ///   assignments: {include: [0b6e2c1a-5f0d-4c5e-9a7b-3d2f1e0c9b8a]}
    /// ```
    ///
    /// ## Source
    /// Atlassian, "Integrate Intune security in mobile app policy", Identifier IDs for target
    /// apps: Jira Cloud `com.atlassian.android.jira.core` (Android) and
    /// `com.atlassian.jira.app` (iOS/iPadOS); Confluence Cloud
    /// `com.atlassian.android.confluence.core` and `com.atlassian.confluence.app`.
    pub struct UnknownAtlassianAppId {
        code: "MAM101",
        name: "unknown-atlassian-app-id",
        severity: Error,
        summary: "A `com.atlassian.*` package/bundle ID is not in the catalog.",
    }
}

impl Rule for UnknownAtlassianAppId {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn scope(&self) -> super::Scope {
        super::Scope::File
    }

    fn check_entity(&self, cx: &Context<'_, '_>, entity: &Entity<'_>, out: &mut Vec<Diagnostic>) {
        if !matches!(
            entity.kind,
            Kind::AppProtectionPolicy | Kind::AppConfigurationPolicy
        ) {
            return;
        }
        let platform = cx.workspace.platform(entity);
        for app in entity.apps() {
            if !app.is_atlassian() || CATALOG.by_platform_id(app.id).is_some() {
                continue;
            }
            let nearest = match platform {
                Some(p) => CATALOG.nearest_platform_id(app.id, p),
                None => Platform::ALL
                    .into_iter()
                    .find_map(|p| CATALOG.nearest_platform_id(app.id, p)),
            };
            let mut diagnostic = Diagnostic::new(
                &Self::META,
                entity.location(&app.at),
                format!("`{}` is not the ID of any Atlassian app", app.id),
            )
            .label("unknown Atlassian app ID");
            diagnostic = match nearest {
                Some(id) => diagnostic.help(format!("did you mean `{id}`?")).fix(
                    Fix::replace(
                        format!("replace with `{id}`"),
                        entity.file,
                        app.at.node.span,
                        requote(app.at.node, id),
                    )
                    // The nearest ID is a guess.
                    .into_unsafe(),
                ),
                None => {
                    let ids: Vec<String> = CATALOG
                        .apps
                        .iter()
                        .flat_map(|a| Platform::ALL.into_iter().filter_map(|p| a.id_for(p)))
                        .filter(|id| {
                            platform.is_none_or(|p| {
                                CATALOG.by_platform_id(id).is_some_and(|(_, q)| q == p)
                            })
                        })
                        .map(|id| format!("`{id}`"))
                        .collect();
                    diagnostic.help(format!(
                        "Atlassian apps with Intune support: {}",
                        ids.join(", ")
                    ))
                }
            };
            out.push(diagnostic);
        }
    }
}
