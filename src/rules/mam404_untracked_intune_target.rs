use super::{Context, Rule, RuleMeta, declare_rule};
use crate::diagnostic::Diagnostic;
use crate::model::{Entity, Kind};

declare_rule! {
    /// ## What it checks
    /// An app protection policy that targets an Atlassian app which no Intune MobileAppPolicy
    /// includes. Runs when at least one MobileAppPolicy is loaded.
    ///
    /// ## Why it matters
    /// Atlassian hands an app to Intune only when an Intune mobile app policy in Atlassian
    /// Administration includes it. Otherwise the app keeps Atlassian's own mobile app policy
    /// and the Intune policy's settings never apply, while the Intune admin center shows it as
    /// protected.
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
    ///   apps: [com.atlassian.jira.app, com.atlassian.confluence.app]
    /// ```
    ///
    /// ## Fix
    /// Include the app in the Intune mobile app policy.
    /// ```yaml
    /// apiVersion: mamlint/v1
    /// kind: MobileAppPolicy
    /// metadata: {name: intune}
    /// spec: {type: intune, displayName: Intune, apps: [jira-cloud, confluence-cloud]}
    /// ---
    /// apiVersion: mamlint/v1
    /// kind: AppProtectionPolicy
    /// metadata: {name: atlassian-ios}
    /// spec:
    ///   platform: ios
    ///   displayName: Atlassian apps (iOS)
    ///   apps: [com.atlassian.jira.app, com.atlassian.confluence.app]
    ///   assignments: {include: [0b6e2c1a-5f0d-4c5e-9a7b-3d2f1e0c9b8a]}
    /// ---
    /// apiVersion: mamlint/v1
    /// kind: AppProtectionPolicy
    /// metadata: {name: atlassian-android}
    /// spec:
    ///   platform: android
    ///   displayName: Atlassian apps (Android)
    ///   apps: [com.atlassian.android.jira.core, com.atlassian.android.confluence.core]
    ///   assignments: {include: [0b6e2c1a-5f0d-4c5e-9a7b-3d2f1e0c9b8a]}
    /// ```
    ///
    /// ## Source
    /// Atlassian, "Integrate Intune security in mobile app policy", Create an Intune mobile
    /// app policy: "Select the apps to include in the policy."
    pub struct UntrackedIntuneTarget {
        code: "MAM404",
        name: "untracked-intune-target",
        severity: Warning,
        summary: "An app protection policy targets an Atlassian app that no Intune MobileAppPolicy includes.",
    }
}

impl Rule for UntrackedIntuneTarget {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    // One policy at a time against the apps handed to Intune (gathered once per workspace),
    // so an edit of a policy re-checks that policy alone, and an edit of a MobileAppPolicy
    // only the policies of an app it starts or stops being the only one to hand over.
    fn check_entity(&self, cx: &Context<'_, '_>, policy: &Entity<'_>, out: &mut Vec<Diagnostic>) {
        let ws = cx.workspace;
        if policy.kind != Kind::AppProtectionPolicy || ws.count_of_kind(Kind::MobileAppPolicy) == 0
        {
            return;
        }
        for (app, at) in policy.catalog_apps() {
            if ws.handed_to_intune(&app.key) {
                continue;
            }
            out.push(
                Diagnostic::new(
                    &Self::META,
                    policy.location(&at.at),
                    format!(
                        "{} is targeted here, but no Intune mobile app policy includes `{}`",
                        app.name, app.key
                    ),
                )
                .label("Atlassian does not hand this app to Intune")
                .help(format!(
                    "add `{}` to the `apps` of a MobileAppPolicy with `type: intune`",
                    app.key
                )),
            );
        }
    }
}
