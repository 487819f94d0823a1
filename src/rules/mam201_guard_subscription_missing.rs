use std::collections::HashMap;

use super::{Context, Rule, RuleMeta, declare_rule, spec_key_location};
use crate::diagnostic::Diagnostic;
use crate::model::{Entity, Guard};

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
        // The Intune policies of each organization, in load order, gathered in one pass; the
        // organizations in the order their first policy names them.
        let mut users: HashMap<usize, Vec<&Entity<'_>>> = HashMap::new();
        let mut orgs: Vec<&Entity<'_>> = Vec::new();
        for policy in ws.intune_policies() {
            let Some(org) = ws.organization_of(policy) else {
                continue;
            };
            let of_org = users.entry(org.index).or_default();
            if of_org.is_empty() {
                orgs.push(org);
            }
            of_org.push(policy);
        }
        for org in orgs {
            if org.guard() != Some(Guard::None) {
                continue;
            }
            let explicit = org.spec_get("guard").is_some();
            let mut diagnostic = Diagnostic::new(
                &Self::META,
                spec_key_location(org, "guard"),
                format!(
                    "{} has no Atlassian Guard subscription, which an Intune mobile app policy needs",
                    org.describe()
                ),
            )
            .label(if explicit { "no Guard subscription".to_owned() } else { format!("`guard` is not set, so it is `{}`", Guard::DEFAULT.key()) })
            .help("Intune mobile app policies need Atlassian Guard Standard or above: set `guard: standard` once subscribed");
            for user in users.get(&org.index).into_iter().flatten() {
                if let Some(at) = user.spec_get("type") {
                    diagnostic =
                        diagnostic.related(user.location(&at), "Intune policy declared here");
                }
            }
            out.push(diagnostic);
        }
    }
}
