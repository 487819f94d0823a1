use super::{Context, Rule, RuleMeta, declare_rule, requote};
use crate::diagnostic::{Diagnostic, Fix};
use crate::model::{Entity, Kind};

/// The only `appGroupType` that targets individually listed (custom) apps.
const SELECTED: &str = "selectedPublicApps";

declare_rule! {
    /// ## What it checks
    /// An app protection policy that lists Atlassian apps but whose `appGroupType` is not
    /// `selectedPublicApps` (`allCoreMicrosoftApps`, `allMicrosoftApps` or `allApps`).
    ///
    /// ## Why it matters
    /// Jira and Confluence are added to Intune as custom apps by package or bundle ID. The
    /// predefined groups cover Microsoft's apps (or apps with an available assignment), so the
    /// listed Atlassian apps are not what the policy targets.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: mamlint/v1
    /// kind: AppProtectionPolicy
    /// metadata: {name: atlassian-ios}
    /// spec:
    ///   platform: ios
    ///   displayName: Atlassian apps (iOS)
    ///   appGroupType: allCoreMicrosoftApps
    ///   apps: [com.atlassian.jira.app]
    /// ```
    ///
    /// ## Fix
    /// Use `selectedPublicApps` (the default), which targets the apps listed.
    /// ```yaml
    /// apiVersion: mamlint/v1
    /// kind: AppProtectionPolicy
    /// metadata: {name: atlassian-ios}
    /// spec:
    ///   platform: ios
    ///   displayName: Atlassian apps (iOS)
    ///   appGroupType: selectedPublicApps
    ///   apps: [com.atlassian.jira.app]
    ///   assignments: {include: [0b6e2c1a-5f0d-4c5e-9a7b-3d2f1e0c9b8a]}
    /// ```
    ///
    /// ## Source
    /// Graph `targetedManagedAppGroupType`: selectedPublicApps "Target the collection of apps
    /// manually selected by the admin"; Atlassian's guide: "In the Apps section, navigate to
    /// Select custom apps".
    pub struct AppGroupExcludesCustomApps {
        code: "MAM104",
        name: "app-group-excludes-custom-apps",
        severity: Error,
        summary: "`appGroupType` is not `selectedPublicApps` while Atlassian apps are listed.",
    }
}

impl Rule for AppGroupExcludesCustomApps {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn scope(&self) -> super::Scope {
        super::Scope::File
    }

    fn check_entity(&self, _cx: &Context<'_, '_>, entity: &Entity<'_>, out: &mut Vec<Diagnostic>) {
        if entity.kind != Kind::AppProtectionPolicy || !entity.targets_atlassian() {
            return;
        }
        let Some(at) = entity.spec_get("appGroupType") else {
            return;
        };
        let Some(group) = at.str().filter(|g| *g != SELECTED) else {
            return;
        };
        out.push(
            Diagnostic::new(
                &Self::META,
                entity.location(&at),
                format!(
                    "`appGroupType: {group}` does not target the Atlassian apps this policy lists"
                ),
            )
            .label("targets a predefined group of apps")
            .help(format!("Atlassian apps are custom apps: use `{SELECTED}`"))
            .fix(
                Fix::replace(
                    format!("replace with `{SELECTED}`"),
                    entity.file,
                    at.node.span,
                    requote(at.node, SELECTED),
                )
                // The policy stops targeting the predefined group's apps.
                .into_unsafe(),
            ),
        );
    }
}
