use super::{Context, Rule, RuleMeta, declare_rule};
use crate::diagnostic::Diagnostic;
use crate::model::{Entity, Kind, Origin};

declare_rule! {
    /// ## What it checks
    /// Two documents of one kind with the same `metadata.name`, and two app protection
    /// policies of one platform in one tenant with the same `displayName` (manifests and
    /// Graph exports alike).
    ///
    /// ## Why it matters
    /// References by name become ambiguous, and Graph matches policies by display name when a
    /// plan decides what to create or update: two policies with one name are applied over each
    /// other, and Intune shows two indistinguishable entries.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: mamlint/v1
    /// kind: Organization
    /// metadata: {name: acme}
    /// spec: {guard: standard, domains: [{name: acme.com}]}
    /// ---
    /// apiVersion: mamlint/v1
    /// kind: Organization
    /// metadata: {name: acme}
    /// spec: {guard: standard, domains: [{name: acme.org}]}
    /// ```
    ///
    /// ## Fix
    /// Give each document its own name.
    /// ```yaml
    /// apiVersion: mamlint/v1
    /// kind: Organization
    /// metadata: {name: acme}
    /// spec: {guard: standard, domains: [{name: acme.com}]}
    /// ---
    /// apiVersion: mamlint/v1
    /// kind: Organization
    /// metadata: {name: acme-subsidiary}
    /// spec: {guard: standard, domains: [{name: acme.org}]}
    /// ```
    ///
    /// ## Source
    /// mamlint spec §3 (`metadata.name` is unique per kind); Intune identifies app protection
    /// policies to admins by display name.
    pub struct DuplicateName {
        code: "MAM009",
        name: "duplicate-name",
        severity: Error,
        summary: "Two documents of one kind share `metadata.name`, or two policies of one platform share `displayName`.",
    }
}

impl Rule for DuplicateName {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    // One document at a time against the workspace's first of its name (and, for app
    // protection policies, of its tenant, platform and display name), so an edit re-checks
    // only the documents that share a name with what it changed.
    fn check_entity(&self, cx: &Context<'_, '_>, entity: &Entity<'_>, out: &mut Vec<Diagnostic>) {
        let ws = cx.workspace;
        // Names are compared without their pointers; a location is built only for a finding.
        if entity.origin == Origin::Manifest
            && let Some(name) = entity.name()
            && let Some(first) = ws.manifest_named(entity.kind, name)
            && first.index != entity.index
            && let (Some(at), Some(first_at)) = (entity.name_at(), first.name_at())
        {
            out.push(
                Diagnostic::new(
                    &Self::META,
                    entity.location(&at),
                    format!("a second {} is named `{name}`", entity.kind),
                )
                .label("name used again")
                .related(first.location(&first_at), "first used here")
                .help("give each document its own `metadata.name`"),
            );
        }
        if entity.kind != Kind::AppProtectionPolicy {
            return;
        }
        let Some(first) = ws.first_displayed(entity) else {
            return;
        };
        if first.index == entity.index {
            return;
        }
        let (Some(platform), Some(display)) = (ws.platform(entity), entity.spec_str("displayName"))
        else {
            return;
        };
        let (Some(at), Some(first_at)) = (
            entity.spec_get("displayName"),
            first.spec_get("displayName"),
        ) else {
            return;
        };
        out.push(
            Diagnostic::new(
                &Self::META,
                entity.location(&at),
                format!("a second {} app protection policy is named \"{display}\"", platform.label()),
            )
            .label("display name used again")
            .related(first.location(&first_at), "first used here")
            .help("Intune and `mamlint plan` tell policies apart by platform and display name: rename one"),
        );
    }
}
