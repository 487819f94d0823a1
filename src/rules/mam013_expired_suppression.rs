use super::{Rule, RuleMeta, declare_rule};

declare_rule! {
    /// ## What it checks
    /// A `[[suppress]]` entry of `mamlint.toml` whose `expires` date has passed. From that day
    /// on it no longer applies: the finding it hid is reported again, and this finding says
    /// why. `MAMLINT_TODAY=YYYY-MM-DD` fixes the date a run uses.
    ///
    /// ## Why it matters
    /// Exceptions are meant to be temporary. An expiry date turns "we will fix it after the
    /// rollout" into a reminder that fails the build when the date comes.
    ///
    /// ## Example
    /// ```toml
    /// [[suppress]]
    /// path = "*.yaml"
    /// code = "MAM402"
    /// reason = "groups are assigned after the pilot"
    /// expires = 2020-01-31
    /// ```
    /// ```yaml
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
    /// Fix the finding and remove the entry, or extend the date with a reason.
    /// ```toml
    /// [[suppress]]
    /// path = "*.yaml"
    /// code = "MAM402"
    /// reason = "groups are assigned after the pilot, moved to the second wave"
    /// expires = 2999-01-31
    /// ```
    /// ```yaml
    /// apiVersion: mamlint/v1
    /// kind: AppProtectionPolicy
    /// metadata: {name: atlassian-ios}
    /// spec:
    ///   platform: ios
    ///   displayName: Atlassian apps (iOS)
    ///   apps: [com.atlassian.jira.app]
    /// ```
    ///
    /// ## Source
    /// mamlint's configuration (`mamlint.toml`, `[[suppress]]`).
    pub struct ExpiredSuppression {
        code: "MAM013",
        name: "expired-suppression",
        severity: Warning,
        summary: "A configured suppression has passed its expiry date and no longer applies.",
    }
}

impl Rule for ExpiredSuppression {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn scope(&self) -> super::Scope {
        super::Scope::File
    }
    // Reported by `suppress::apply`.
}
