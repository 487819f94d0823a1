use super::{Rule, RuleMeta, declare_rule};

declare_rule! {
    /// ## What it checks
    /// A key that is not part of its kind's schema. In `spec.settings` of an app protection
    /// policy (and at the top level of a Graph export) that means a key that is not a Graph
    /// property of the policy's platform: a misspelling, an iOS-only property in an Android
    /// policy (or the reverse), a read-only key such as `id` in a manifest, or a key that
    /// belongs in `spec` (`displayName`, `apps`). A did-you-mean is offered when a known key is
    /// close. In one mapping, the first 100 unknown keys are reported one by one and the rest
    /// in one finding at the first of them.
    ///
    /// The settings schema is generated from the Graph property catalog, so every property of
    /// Graph beta is known. Read-only keys and OData metadata in Graph exports (`id`,
    /// `version`, `createdDateTime`, `@odata.*`, `*@odata.*` and `#microsoft.graph.*` at any
    /// depth, as IntuneManagement writes them) are accepted and ignored.
    ///
    /// This rule and MAM007 come from the same JSON Schema validation
    /// (`mamlint schema KIND` prints the schemas).
    ///
    /// ## Why it matters
    /// Graph rejects a body with an unknown property, or ignores it: either way the setting you
    /// reviewed does not take effect. `faceIdBlocked` in an Android policy protects nothing.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: mamlint/v1
    /// kind: AppProtectionPolicy
    /// metadata: {name: atlassian-android}
    /// spec:
    ///   platform: android
    ///   displayName: Atlassian apps (Android)
    ///   settings:
    ///     pinRequred: true
    ///     faceIdBlocked: true
    /// ```
    ///
    /// ## Fix
    /// Correct the name, or move the setting to the right platform's policy.
    /// ```yaml
    /// apiVersion: mamlint/v1
    /// kind: AppProtectionPolicy
    /// metadata: {name: atlassian-android}
    /// spec:
    ///   platform: android
    ///   displayName: Atlassian apps (Android)
    ///   settings:
    ///     pinRequired: true
    ///     fingerprintBlocked: true
    /// ```
    ///
    /// ## Source
    /// Microsoft Graph beta `androidManagedAppProtection` and `iosManagedAppProtection`
    /// resource types (property tables), copied in `rules/graph-properties.json`.
    pub struct UnknownProperty {
        code: "MAM006",
        name: "unknown-property",
        severity: Warning,
        summary: "A key is not part of the kind (for settings: not a Graph property of that platform).",
    }
}

impl Rule for UnknownProperty {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn scope(&self) -> super::Scope {
        super::Scope::File
    }
    // Reported with MAM007's schema validation, in one pass: see `schema_findings`.
}
