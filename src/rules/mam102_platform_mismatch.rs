use super::{Context, Rule, RuleMeta, declare_rule, requote};
use crate::diagnostic::{Diagnostic, Fix};
use crate::model::catalog::App;
use crate::model::catalog::CATALOG;
use crate::model::{AppRef, Entity, Kind, Platform};

declare_rule! {
    /// ## What it checks
    /// An Android package ID in an iOS/iPadOS app protection policy, or an iOS bundle ID in an
    /// Android one. The fix puts in the same app's ID for the policy's platform. Also, for any
    /// app, an entry written for the other platform: a Graph `managedMobileApp` whose
    /// identifier is of the other platform (`iosMobileAppIdentifier` in an Android policy), or
    /// a Microsoft365DSC `Apps` entry whose `.ios` / `.android` suffix names it.
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

    fn scope(&self) -> super::Scope {
        super::Scope::File
    }

    fn check_entity(&self, cx: &Context<'_, '_>, entity: &Entity<'_>, out: &mut Vec<Diagnostic>) {
        if entity.kind != Kind::AppProtectionPolicy {
            return;
        }
        let Some(platform) = cx.workspace.platform(entity) else {
            return;
        };
        for app in entity.apps() {
            let catalog = CATALOG.by_platform_id(app.id);
            let Some((catalog_app, app_platform)) = catalog.filter(|(_, p)| *p != platform) else {
                // The ID is right for the platform, or mamlint does not know it: the entry may
                // still say it was written for the other one.
                if let Some(written_for) = app.written_for.filter(|p| *p != platform) {
                    out.push(written_for_other(
                        entity,
                        &app,
                        written_for,
                        platform,
                        catalog,
                    ));
                }
                continue;
            };
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

/// An app entry whose identifier names the other platform (a Graph `iosMobileAppIdentifier`
/// in an Android policy; in Microsoft365DSC a `.ios` entry in an Android block).
fn written_for_other(
    entity: &Entity<'_>,
    app: &AppRef<'_>,
    written_for: Platform,
    platform: Platform,
    catalog: Option<(&App, Platform)>,
) -> Diagnostic {
    let help = match catalog.and_then(|(a, _)| Some((a, a.id_for(platform)?))) {
        Some((catalog_app, right)) => format!(
            "the {} {} of {} is `{right}`",
            platform.label(),
            platform.id_kind(),
            catalog_app.name
        ),
        None => format!(
            "use the app's {} {} here; the {} entry belongs in an {} policy",
            platform.label(),
            platform.id_kind(),
            written_for.label(),
            written_for.label()
        ),
    };
    Diagnostic::new(
        &PlatformMismatch::META,
        entity.location(&app.at),
        format!(
            "`{}` is an {} app entry, but this is an {} policy",
            app.written_id.unwrap_or(app.id),
            written_for.label(),
            platform.label()
        ),
    )
    .label(format!(
        "{} entry in an {} policy",
        written_for.label(),
        platform.label()
    ))
    .help(help)
}
