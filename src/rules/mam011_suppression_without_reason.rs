use super::{Rule, RuleMeta, declare_rule};

declare_rule! {
    /// ## What it checks
    /// A suppression that gives no reason: a YAML comment `# mamlint: ignore[CODE]` with
    /// nothing after the brackets, or a `[[suppress]]` entry in `mamlint.toml` without
    /// `reason`. The suppression still applies; this finding takes the place of the one it
    /// hides, until a reason is written. A reason that starts with `TODO` (the placeholder the
    /// editor's "ignore" action writes) is not a reason yet.
    ///
    /// Suppressions are written `# mamlint: ignore[MAM402,MAM406] reason` at the end of the
    /// line a finding points at or on the line above it, and
    /// `# mamlint: ignore-file[MAM406] reason` anywhere in a YAML file. JSON has no comments:
    /// its suppressions are `[[suppress]]` entries in `mamlint.toml`.
    ///
    /// ## Why it matters
    /// A suppression is a decision to accept a risk. Without a reason, the next reviewer cannot
    /// tell a considered exception from a silenced alarm, nor when it may be removed.
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
    ///   assignments: {include: []}   # mamlint: ignore[MAM402]
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
    ///   assignments: {include: []}   # mamlint: ignore[MAM402] staged rollout: groups assigned in January
    /// ```
    ///
    /// ## Source
    /// mamlint's suppression syntax; the practice of Ruff (`# noqa`), Checkov (skip comments
    /// with a reason) and Regal (ignore directives).
    pub struct SuppressionWithoutReason {
        code: "MAM011",
        name: "suppression-without-reason",
        severity: Warning,
        summary: "A suppression gives no reason.",
    }
}

impl Rule for SuppressionWithoutReason {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn scope(&self) -> super::Scope {
        super::Scope::File
    }
    // Reported by `suppress::apply`, which sees every suppression and what it matched.
}
