use std::collections::HashSet;

use super::{Context, Rule, RuleMeta, declare_rule};
use crate::diagnostic::Diagnostic;
use crate::model::catalog::CATALOG;
use crate::model::{Entity, Kind, Platform};

declare_rule! {
    /// ## What it checks
    /// An app of an Intune MobileAppPolicy that no loaded app protection policy targets on a
    /// platform (Android or iOS/iPadOS). One finding per app and platform, at the app in the
    /// MobileAppPolicy. Runs when at least one app protection policy is loaded.
    ///
    /// ## Why it matters
    /// Once Atlassian hands an app to Intune, its protection on each platform comes from
    /// Intune alone. A platform without a policy leaves that app unprotected there, which is
    /// usually an oversight (the Android policy was written, the iOS one forgotten).
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: mamlint/v1
    /// kind: MobileAppPolicy
    /// metadata: {name: intune}
    /// spec: {type: intune, displayName: Intune, apps: [jira-cloud]}
    /// ---
    /// apiVersion: mamlint/v1
    /// kind: AppProtectionPolicy
    /// metadata: {name: atlassian-ios}
    /// spec:
    ///   platform: ios
    ///   displayName: Atlassian apps (iOS)
    ///   apps: [com.atlassian.jira.app]
    /// ```
    ///
    /// ## Fix
    /// Add a policy for the other platform.
    /// ```yaml
    /// apiVersion: mamlint/v1
    /// kind: MobileAppPolicy
    /// metadata: {name: intune}
    /// spec: {type: intune, displayName: Intune, apps: [jira-cloud]}
    /// ---
    /// apiVersion: mamlint/v1
    /// kind: AppProtectionPolicy
    /// metadata: {name: atlassian-ios}
    /// spec:
    ///   platform: ios
    ///   displayName: Atlassian apps (iOS)
    ///   apps: [com.atlassian.jira.app]
    ///   assignments: {include: [0b6e2c1a-5f0d-4c5e-9a7b-3d2f1e0c9b8a]}
    /// ---
    /// apiVersion: mamlint/v1
    /// kind: AppProtectionPolicy
    /// metadata: {name: atlassian-android}
    /// spec:
    ///   platform: android
    ///   displayName: Atlassian apps (Android)
    ///   apps: [com.atlassian.android.jira.core]
    ///   assignments: {include: [0b6e2c1a-5f0d-4c5e-9a7b-3d2f1e0c9b8a]}
    /// ```
    ///
    /// ## Source
    /// Atlassian, "Integrate Intune security in mobile app policy", Set up app protection
    /// policies: "Choose either Android or iOS/iPadOS" and the IDs for both platforms.
    pub struct CoverageGap {
        code: "MAM403",
        name: "coverage-gap",
        severity: Warning,
        summary: "An app of an Intune MobileAppPolicy is targeted by no app protection policy on a platform.",
    }
}

impl Rule for CoverageGap {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    // One Intune policy at a time, asking the workspace whether each app is targeted on each
    // platform: an edit of an app protection policy re-checks the Intune policies only when
    // it starts or stops targeting an app.
    fn check_entity(&self, cx: &Context<'_, '_>, policy: &Entity<'_>, out: &mut Vec<Diagnostic>) {
        let ws = cx.workspace;
        if policy.kind != Kind::MobileAppPolicy
            || !policy.is_intune_policy()
            || ws.count_of_kind(Kind::AppProtectionPolicy) == 0
        {
            return;
        }
        let Some(apps) = policy.spec_get("apps") else {
            return;
        };
        // Each gap is reported once, at the first Intune policy (in load order) listing the app.
        let mut reported = HashSet::new();
        for item in apps.items() {
            let Some(app) = item
                .str()
                .and_then(|k| CATALOG.by_key(k))
                .filter(|a| a.intune)
            else {
                continue;
            };
            if ws
                .first_listing(&app.key)
                .is_some_and(|first| first.index != policy.index)
            {
                continue;
            }
            for platform in Platform::ALL {
                let Some(id) = app.id_for(platform) else {
                    continue;
                };
                if ws.is_targeted(platform, id)
                    || ws.apps_unknown_on(platform)
                    || !reported.insert((app.key.as_str(), platform))
                {
                    continue;
                }
                out.push(
                    Diagnostic::new(
                        &Self::META,
                        policy.location(&item),
                        format!(
                            "{} is targeted by no {} app protection policy",
                            app.name,
                            platform.label()
                        ),
                    )
                    .label(format!("unprotected on {}", platform.label()))
                    .help(format!(
                        "add `{id}` to the `apps` of an {} app protection policy",
                        platform.label()
                    )),
                );
            }
        }
    }
}
