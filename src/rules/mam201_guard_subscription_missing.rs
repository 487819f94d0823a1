use super::{Context, Rule, RuleMeta, declare_rule, spec_key_location};
use crate::diagnostic::Diagnostic;
use crate::model::Kind;
use crate::schema;

declare_rule! {
    /// ## What it checks
    /// An Intune MobileAppPolicy (`type: intune`) whose Organization has no Atlassian Guard
    /// subscription (`guard: none`, which is also the default when `guard` is left out).
    ///
    /// ## Why it matters
    /// Atlassian offers "Use an Intune policy instead" only with Atlassian Guard Standard or
    /// above: without it the policy cannot be created, and the apps stay on Atlassian's own
    /// mobile app policy.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: mamlint/v1
    /// kind: Organization
    /// metadata: {name: acme}
    /// spec:
    ///   guard: none
    ///   domains: [{name: acme.com}]
    /// ---
    /// apiVersion: mamlint/v1
    /// kind: MobileAppPolicy
    /// metadata: {name: intune}
    /// spec: {type: intune, displayName: Intune, apps: [jira-cloud]}
    /// ```
    ///
    /// ## Fix
    /// Subscribe to Atlassian Guard Standard or Premium, and record it.
    /// ```yaml
    /// apiVersion: mamlint/v1
    /// kind: Organization
    /// metadata: {name: acme}
    /// spec:
    ///   guard: standard
    ///   domains: [{name: acme.com}]
    /// ---
    /// apiVersion: mamlint/v1
    /// kind: MobileAppPolicy
    /// metadata: {name: intune}
    /// spec: {type: intune, displayName: Intune, apps: [jira-cloud]}
    /// ```
    ///
    /// ## Source
    /// Atlassian, "Integrate Intune security in mobile app policy": "Who can do this? ...
    /// Atlassian Cloud: Atlassian Guard Standard"; "Before you begin, make sure you have: An
    /// Atlassian Guard subscription".
    pub struct GuardSubscriptionMissing {
        code: "MAM201",
        name: "guard-subscription-missing",
        severity: Error,
        summary: "An Intune MobileAppPolicy's organization has `guard: none`.",
    }
}

impl Rule for GuardSubscriptionMissing {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_workspace(&self, cx: &Context<'_, '_>, out: &mut Vec<Diagnostic>) {
        let ws = cx.workspace;
        // What a left-out `guard` means is the Organization schema's default, not a second
        // copy of it here.
        let default = schema::field_default(Kind::Organization, "guard");
        let mut reported: Vec<*const crate::model::Entity<'_>> = Vec::new();
        for policy in ws.intune_policies() {
            let Some(org) = ws.organization_of(policy) else {
                continue;
            };
            let guard = org.spec_str("guard").or(default);
            if guard.is_some_and(|g| g != "none") || reported.contains(&(org as *const _)) {
                continue;
            }
            reported.push(org);
            let explicit = org.spec_get("guard").is_some();
            let mut diagnostic = Diagnostic::new(
                &Self::META,
                spec_key_location(org, "guard"),
                format!(
                    "{} has no Atlassian Guard subscription, which an Intune mobile app policy needs",
                    org.describe()
                ),
            )
            .label(match guard {
                _ if explicit => "no Guard subscription".to_owned(),
                Some(guard) => format!("`guard` is not set, so it is `{guard}`"),
                None => "`guard` is not set".to_owned(),
            })
            .help("Intune mobile app policies need Atlassian Guard Standard or above: set `guard: standard` once subscribed");
            for user in ws
                .intune_policies()
                .filter(|p| ws.organization_of(p).is_some_and(|o| std::ptr::eq(o, org)))
            {
                if let Some(at) = user.spec_get("type") {
                    diagnostic =
                        diagnostic.related(user.location(&at), "Intune policy declared here");
                }
            }
            out.push(diagnostic);
        }
    }
}
