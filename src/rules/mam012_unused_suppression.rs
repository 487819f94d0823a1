use super::{Rule, RuleMeta, declare_rule};

declare_rule! {
    /// ## What it checks
    /// A suppression that matches no finding: an inline `# mamlint: ignore[...]` comment, or a
    /// `[[suppress]]` entry of `mamlint.toml` whose file was checked in this run. Also a
    /// suppression of MAM001 (a file that cannot be read cannot be checked, so it cannot be
    /// suppressed), one that names no rule, and a `# mamlint:` comment that is not a valid
    /// suppression. Suppressions of rules that are not selected are not reported.
    ///
    /// ## Why it matters
    /// A stale suppression silently hides the next finding of the same kind at that place: the
    /// problem was fixed once, and the exception outlived it.
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
    ///     pinRequired: true   # mamlint: ignore[MAM406] PIN settings kept for the pilot
    /// ```
    ///
    /// ## Fix
    /// Remove the suppression.
    /// ```yaml
    /// apiVersion: mamlint/v1
    /// kind: AppProtectionPolicy
    /// metadata: {name: atlassian-ios}
    /// spec:
    ///   platform: ios
    ///   displayName: Atlassian apps (iOS)
    ///   settings:
    ///     pinRequired: true
    /// ```
    ///
    /// ## Source
    /// mamlint's suppression syntax; Ruff's `unused-noqa` (RUF100).
    pub struct UnusedSuppression {
        code: "MAM012",
        name: "unused-suppression",
        severity: Warning,
        summary: "A suppression matches no finding.",
    }
}

impl Rule for UnusedSuppression {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn scope(&self) -> super::Scope {
        super::Scope::File
    }
    // Reported by `suppress::apply`.
}
