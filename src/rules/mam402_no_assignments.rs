use super::{Context, Rule, RuleMeta, declare_rule, spec_key_location};
use crate::diagnostic::Diagnostic;
use crate::model::{Entity, Kind};

declare_rule! {
    /// ## What it checks
    /// An app protection policy that targets Atlassian apps but includes no group: no
    /// `assignments.include` in a manifest; in a Graph export, an `assignments` list without a
    /// (non-exclusion) group target, or `isAssigned: false` when the export carries no
    /// assignments.
    ///
    /// ## Why it matters
    /// An unassigned policy protects nobody. Jira and Confluence then run without app
    /// protection, and once Atlassian hands the apps to Intune, users may not get access at
    /// all.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: mamlint/v1
    /// kind: AppProtectionPolicy
    /// metadata: {name: atlassian-ios}
    /// spec:
    ///   platform: ios
    ///   displayName: Atlassian apps (iOS)
    ///   apps: [com.atlassian.jira.app]
    ///   assignments: {include: []}
    /// ```
    ///
    /// ## Fix
    /// Assign the policy to the Entra groups of the people who use the apps.
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
    /// Graph `targetedManagedAppProtection.isAssigned` ("Indicates if the policy is deployed
    /// to any inclusion groups or not") and the `assign` action.
    pub struct NoAssignments {
        code: "MAM402",
        name: "no-assignments",
        severity: Warning,
        summary: "An app protection policy that targets Atlassian apps includes no group.",
    }
}

impl Rule for NoAssignments {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn scope(&self) -> super::Scope {
        super::Scope::File
    }

    fn check_entity(&self, _cx: &Context<'_, '_>, entity: &Entity<'_>, out: &mut Vec<Diagnostic>) {
        if entity.kind != Kind::AppProtectionPolicy
            || !entity.targets_atlassian()
            || entity.is_unknown("assignments")
        {
            return;
        }
        let location = if entity.is_export() {
            match entity.spec_get("assignments") {
                Some(list) => {
                    let included = list.items().any(|a| {
                        let target = a.get("target");
                        let odata = target
                            .as_ref()
                            .and_then(|t| t.get("@odata.type"))
                            .and_then(|t| t.str())
                            .unwrap_or("");
                        // IntuneCD backups name the group instead of giving its ID.
                        target.as_ref().is_some_and(|t| {
                            t.get("groupId").or_else(|| t.get("groupName")).is_some()
                        }) && !odata.contains("exclusion")
                    });
                    if included {
                        return;
                    }
                    spec_key_location(entity, "assignments")
                }
                None => match entity.spec_get("isAssigned") {
                    Some(at) if at.node.as_bool() == Some(false) => entity.location(&at),
                    _ => return,
                },
            }
        } else {
            let includes = entity
                .spec_get("assignments")
                .and_then(|a| a.get("include"));
            if includes
                .as_ref()
                .and_then(|i| i.node.as_array())
                .is_some_and(|i| !i.is_empty())
            {
                return;
            }
            match includes {
                Some(at) => entity.location(&at),
                None => spec_key_location(entity, "assignments"),
            }
        };
        out.push(
            Diagnostic::new(
                &Self::META,
                location,
                format!(
                    "{} targets Atlassian apps but is assigned to no group",
                    entity.describe()
                ),
            )
            .label("no group included")
            .help("add the Entra group object IDs of the app's users under `assignments.include`"),
        );
    }
}
