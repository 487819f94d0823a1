use super::{Context, Rule, RuleMeta, declare_rule, requote};
use crate::diagnostic::{Diagnostic, Fix};
use crate::model::catalog::CATALOG;
use crate::model::{Entity, Kind};

declare_rule! {
    /// ## What it checks
    /// An Android package ID in an iOS/iPadOS app protection policy, or an iOS bundle ID in an
    /// Android one. The fix puts in the same app's ID for the policy's platform.
    ///
    /// ## Why it matters
    /// Android and iOS identify the same app differently (`com.atlassian.android.jira.core`
    /// against `com.atlassian.jira.app`). Intune saves the wrong one without complaint; the
    /// policy then targets nothing on that platform and Jira runs unprotected.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: mamlint/v1
    /// kind: AppProtectionPolicy
    /// metadata: {name: atlassian-ios}
    /// spec:
    ///   platform: ios
    ///   displayName: Atlassian apps (iOS)
    ///   apps: [com.atlassian.android.jira.core]
    /// ```
    ///
    /// ## Fix
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
    /// Atlassian, "Integrate Intune security in mobile app policy": enter "the package ID (for
    /// Android) or bundle ID (for iOS)", and the table of Identifier IDs for target apps.
    pub struct PlatformMismatch {
        code: "MAM102",
        name: "platform-mismatch",
        severity: Error,
        summary: "An Android package ID in an iOS policy or the reverse.",
    }
}

impl Rule for PlatformMismatch {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_entity(&self, cx: &Context<'_, '_>, entity: &Entity<'_>, out: &mut Vec<Diagnostic>) {
        if entity.kind != Kind::AppProtectionPolicy {
            return;
        }
        let Some(platform) = cx.workspace.platform(entity) else {
            return;
        };
        for app in entity.apps() {
            let Some((catalog_app, app_platform)) = CATALOG.by_platform_id(app.id) else {
                continue;
            };
            if app_platform == platform {
                continue;
            }
            let mut diagnostic = Diagnostic::new(
                &Self::META,
                entity.location(&app.at),
                format!(
                    "`{}` is the {} {} of {}, but this is an {} policy",
                    app.id,
                    app_platform.label(),
                    app_platform.id_kind(),
                    catalog_app.name,
                    platform.label()
                ),
            )
            .label(format!(
                "{} ID in an {} policy",
                app_platform.label(),
                platform.label()
            ));
            if let Some(right) = catalog_app.id_for(platform) {
                // In a managedMobileApp object the identifier's key and type change too, so
                // only a plain string gets an automatic fix.
                diagnostic = diagnostic.help(format!(
                    "the {} {} of {} is `{right}`",
                    platform.label(),
                    platform.id_kind(),
                    catalog_app.name
                ));
                if !app.in_object {
                    diagnostic = diagnostic.fix(Fix::replace(
                        format!("replace with `{right}`"),
                        entity.file,
                        app.at.node.span,
                        requote(app.at.node, right),
                    ));
                }
            }
            out.push(diagnostic);
        }
    }
}
