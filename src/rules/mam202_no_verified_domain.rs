use std::collections::HashSet;

use super::{Context, Rule, RuleMeta, declare_rule, spec_key_location};
use crate::diagnostic::Diagnostic;

declare_rule! {
    /// ## What it checks
    /// An Intune MobileAppPolicy whose Organization has no verified domain (no `domains`, or
    /// every domain `status: unverified`).
    ///
    /// ## Why it matters
    /// Atlassian requires a verified domain before an Intune mobile app policy can be created,
    /// and admin consent is tied to the Entra tenants that hold the verified domains: with none
    /// there is nobody the policy applies to.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: mamlint/v1
    /// kind: Organization
    /// metadata: {name: acme}
    /// spec:
    ///   guard: standard
    ///   domains: [{name: acme.com, status: unverified}]
    /// ---
    /// apiVersion: mamlint/v1
    /// kind: MobileAppPolicy
    /// metadata: {name: intune}
    /// spec: {type: intune, displayName: Intune, apps: [jira-cloud]}
    /// ```
    ///
    /// ## Fix
    /// Verify the domain in Atlassian Administration (Settings > Domains), then record it.
    /// ```yaml
    /// apiVersion: mamlint/v1
    /// kind: Organization
    /// metadata: {name: acme}
    /// spec:
    ///   guard: standard
    ///   domains: [{name: acme.com, status: verified}]
    /// ---
    /// apiVersion: mamlint/v1
    /// kind: MobileAppPolicy
    /// metadata: {name: intune}
    /// spec: {type: intune, displayName: Intune, apps: [jira-cloud]}
    /// ```
    ///
    /// ## Source
    /// Atlassian, "Integrate Intune security in mobile app policy": "Before you begin, make
    /// sure you have: ... A verified domain".
    pub struct NoVerifiedDomain {
        code: "MAM202",
        name: "no-verified-domain",
        severity: Error,
        summary: "An Intune MobileAppPolicy's organization has no verified domain.",
    }
}

impl Rule for NoVerifiedDomain {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_workspace(&self, cx: &Context<'_, '_>, out: &mut Vec<Diagnostic>) {
        let ws = cx.workspace;
        // Each organization is looked at once, at its first Intune policy: reported or not,
        // a later policy would find the same.
        let mut seen: HashSet<usize> = HashSet::new();
        for policy in ws.intune_policies() {
            let Some(org) = ws.organization_of(policy) else {
                continue;
            };
            if !seen.insert(org.index) || !org.verified_domains().is_empty() {
                continue;
            }
            let mut diagnostic = Diagnostic::new(
                &Self::META,
                spec_key_location(org, "domains"),
                format!("{} has no verified domain, which an Intune mobile app policy needs", org.describe()),
            )
            .label("no domain here is verified")
            .help("verify a domain in Atlassian Administration (Settings > Domains) and list it with `status: verified`");
            if let Some(at) = policy.spec_get("type") {
                diagnostic =
                    diagnostic.related(policy.location(&at), "Intune policy declared here");
            }
            out.push(diagnostic);
        }
    }
}
