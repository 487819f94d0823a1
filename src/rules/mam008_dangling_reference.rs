use super::{Context, Rule, RuleMeta, declare_rule};
use crate::diagnostic::{Diagnostic, Location};
use crate::model::{Entity, Kind, Resolution};
use crate::suggest;

declare_rule! {
    /// ## What it checks
    /// A MobileAppPolicy's `organization`, or an AppProtectionPolicy's or
    /// AppConfigurationPolicy's `tenant`, that names no loaded document of that kind; and such
    /// a reference left out while several candidates are loaded, so it is ambiguous. Leaving it
    /// out is fine when exactly one Organization or EntraTenant is loaded.
    ///
    /// Documents refer to each other by `metadata.name` across all files of one run.
    ///
    /// ## Why it matters
    /// Cross-document checks (admin consent per domain, coverage) follow these references. A
    /// dangling one means those checks silently skip the policy, and at rollout the policy
    /// would be created in no tenant or the wrong one.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: mamlint/v1
    /// kind: EntraTenant
    /// metadata: {name: acme-entra}
    /// spec: {tenantId: 7f0c3a3e-1b2c-4d5e-8f90-a1b2c3d4e5f6}
    /// ---
    /// apiVersion: mamlint/v1
    /// kind: AppConfigurationPolicy
    /// metadata: {name: tunnel-ios}
    /// spec:
    ///   tenant: acme-entr
    ///   displayName: Tunnel for MAM (iOS)
    ///   apps: [com.example.app]
    /// ```
    ///
    /// ## Fix
    /// Name a loaded document, or load the file that defines it.
    /// ```yaml
    /// apiVersion: mamlint/v1
    /// kind: EntraTenant
    /// metadata: {name: acme-entra}
    /// spec: {tenantId: 7f0c3a3e-1b2c-4d5e-8f90-a1b2c3d4e5f6}
    /// ---
    /// apiVersion: mamlint/v1
    /// kind: AppConfigurationPolicy
    /// metadata: {name: tunnel-ios}
    /// spec:
    ///   tenant: acme-entra
    ///   displayName: Tunnel for MAM (iOS)
    ///   apps: [com.example.app]
    /// ```
    ///
    /// ## Source
    /// mamlint spec §2 and §3 (references by `metadata.name`).
    pub struct DanglingReference {
        code: "MAM008",
        name: "dangling-reference",
        severity: Error,
        summary: "`organization` / `tenant` names a document that is not loaded, or is omitted while several are loaded.",
    }
}

impl Rule for DanglingReference {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_entity(&self, cx: &Context<'_, '_>, entity: &Entity<'_>, out: &mut Vec<Diagnostic>) {
        if entity.is_export() {
            return;
        }
        let (key, target) = match entity.kind {
            Kind::MobileAppPolicy => ("organization", Kind::Organization),
            Kind::AppProtectionPolicy | Kind::AppConfigurationPolicy => {
                ("tenant", Kind::EntraTenant)
            }
            _ => return,
        };
        // Only whether and how the reference resolves: nothing of the document it names.
        match cx.workspace.locate(entity, key, target) {
            Resolution::Missing(at) => {
                let name = at.str().unwrap_or_default();
                let help = match suggest::closest(name, cx.workspace.names(target)) {
                    Some(s) => format!("did you mean `{s}`?"),
                    None if cx.workspace.names(target).next().is_none() => {
                        format!("no {target} is loaded: pass the file that defines `{name}` too")
                    }
                    None => format!("loaded {target}s: {}", cx.workspace.listed_names(target)),
                };
                out.push(
                    Diagnostic::new(
                        &Self::META,
                        entity.location(&at),
                        format!("`{key}: {name}` names no loaded {target}"),
                    )
                    .label(format!("no {target} named `{name}`"))
                    .help(help),
                );
            }
            Resolution::Ambiguous(count) => {
                let Some((member, pointer)) = entity.root_at().member("spec") else {
                    return;
                };
                out.push(
                    Diagnostic::new(
                        &Self::META,
                        Location {
                            ..entity.key_location(member, &pointer)
                        },
                        format!(
                            "{} has no `{key}`, but {count} {target}s are loaded",
                            entity.describe()
                        ),
                    )
                    .label(format!("`{key}` is needed here"))
                    .help(format!(
                        "add `{key}:` naming one of {}",
                        cx.workspace.listed_names(target)
                    )),
                );
            }
            Resolution::Found(_) | Resolution::NoneLoaded => {}
        }
    }
}
