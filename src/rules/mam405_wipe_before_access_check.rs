use super::{Context, Rule, RuleMeta, declare_rule};
use crate::diagnostic::Diagnostic;
use crate::model::duration::{describe, parse_seconds};
use crate::model::properties::PROPERTIES;
use crate::model::{Entity, Kind, Platform};

declare_rule! {
    /// ## What it checks
    /// An app protection policy whose `periodOfflineBeforeWipeIsEnforced` (offline grace
    /// period before the app's data is wiped) is not longer than
    /// `periodOfflineBeforeAccessCheck` (offline grace period before access is blocked). Both
    /// must be set and valid ISO 8601 durations; years and months count as 365 and 30 days.
    ///
    /// ## Why it matters
    /// The wipe must come after the block: users first lose access while offline, and only much
    /// later is their data removed. A wipe period that is not longer wipes org data from
    /// devices that were merely offline for a short trip.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: mamlint/v1
    /// kind: AppProtectionPolicy
    /// metadata: {name: atlassian-ios}
    /// spec:
    ///   platform: ios
    ///   displayName: Atlassian apps (iOS)
    ///   settings:
    ///     periodOfflineBeforeAccessCheck: P2D
    ///     periodOfflineBeforeWipeIsEnforced: PT12H
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
    ///   settings:
    ///     periodOfflineBeforeAccessCheck: PT12H
    ///     periodOfflineBeforeWipeIsEnforced: P90D
    /// ```
    ///
    /// ## Source
    /// Microsoft Learn, Intune app protection settings (Conditional launch, Offline grace
    /// period: block access, default 1440 minutes; wipe data, default 90 days); Graph
    /// `managedAppProtection` properties.
    pub struct WipeBeforeAccessCheck {
        code: "MAM405",
        name: "wipe-before-access-check",
        severity: Error,
        summary: "`periodOfflineBeforeWipeIsEnforced` is not longer than `periodOfflineBeforeAccessCheck`.",
    }
}

impl Rule for WipeBeforeAccessCheck {
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
        let Some(wipe) = entity.setting("periodOfflineBeforeWipeIsEnforced") else {
            return;
        };
        let Some(access) = entity.setting("periodOfflineBeforeAccessCheck") else {
            return;
        };
        let (Some(wipe_s), Some(access_s)) = (
            wipe.str().and_then(parse_seconds),
            access.str().and_then(parse_seconds),
        ) else {
            return;
        };
        if wipe_s > access_s {
            return;
        }
        out.push(
            Diagnostic::new(
                &Self::META,
                entity.location(&wipe),
                format!(
                    "data is wiped after {} offline, not later than access is blocked ({})",
                    describe(wipe_s),
                    describe(access_s)
                ),
            )
            .label("wipe period not longer than the access check")
            .related(
                entity.location(&access),
                "access is blocked after this period",
            )
            .help(help(cx.workspace.platform(entity))),
        );
    }
}

/// The fix, with the admin center's defaults of both periods as the property catalog quotes
/// them (when the policy's platform is known).
fn help(platform: Option<Platform>) -> String {
    let fix =
        "make `periodOfflineBeforeWipeIsEnforced` longer than `periodOfflineBeforeAccessCheck`";
    let defaults: Vec<&str> = [
        "periodOfflineBeforeWipeIsEnforced",
        "periodOfflineBeforeAccessCheck",
    ]
    .into_iter()
    .filter_map(|key| PROPERTIES.get(platform?, key)?.admin_center_default)
    .collect();
    if defaults.is_empty() {
        fix.to_owned()
    } else {
        format!("{fix} (admin center defaults: {})", defaults.join("; "))
    }
}
