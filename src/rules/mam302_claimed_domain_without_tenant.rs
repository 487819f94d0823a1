use std::collections::HashSet;

use super::{Context, Rule, RuleMeta, declare_rule};
use crate::diagnostic::Diagnostic;
use crate::model::{Entity, Kind};

declare_rule! {
    /// ## What it checks
    /// A verified domain claimed by an Organization that has an Intune MobileAppPolicy, when no
    /// loaded EntraTenant lists that domain. Runs only when at least one EntraTenant is
    /// loaded.
    ///
    /// ## Why it matters
    /// Admin consent is checked per tenant that holds a claimed domain (MAM301). A domain no
    /// tenant holds cannot be checked, so users of that domain may be locked out at rollout
    /// without any finding. Either the tenant's file is missing from the run or its `domains`
    /// list is incomplete.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: mamlint/v1
    /// kind: Organization
    /// metadata: {name: acme}
    /// spec: {guard: standard, domains: [{name: acme.com}, {name: acme-labs.io}]}
    /// ---
    /// apiVersion: mamlint/v1
    /// kind: MobileAppPolicy
    /// metadata: {name: intune}
    /// spec: {type: intune, displayName: Intune, apps: [jira-cloud]}
    /// ---
    /// apiVersion: mamlint/v1
    /// kind: EntraTenant
    /// metadata: {name: acme-entra}
    /// spec:
    ///   tenantId: 7f0c3a3e-1b2c-4d5e-8f90-a1b2c3d4e5f6
    ///   domains: [acme.com]
    ///   adminConsent: [{app: jira-cloud}]
    /// ```
    ///
    /// ## Fix
    /// Describe the tenant that holds the domain (or add the domain to its `domains`).
    /// ```yaml
    /// apiVersion: mamlint/v1
    /// kind: Organization
    /// metadata: {name: acme}
    /// spec: {guard: standard, domains: [{name: acme.com}, {name: acme-labs.io}]}
    /// ---
    /// apiVersion: mamlint/v1
    /// kind: MobileAppPolicy
    /// metadata: {name: intune}
    /// spec: {type: intune, displayName: Intune, apps: [jira-cloud]}
    /// ---
    /// apiVersion: mamlint/v1
    /// kind: EntraTenant
    /// metadata: {name: acme-entra}
    /// spec:
    ///   tenantId: 7f0c3a3e-1b2c-4d5e-8f90-a1b2c3d4e5f6
    ///   domains: [acme.com]
    ///   adminConsent: [{app: jira-cloud}]
    /// ---
    /// apiVersion: mamlint/v1
    /// kind: EntraTenant
    /// metadata: {name: acme-labs-entra}
    /// spec:
    ///   tenantId: 2d4e6f80-1a3b-4c5d-9e7f-0a1b2c3d4e5f
    ///   domains: [acme-labs.io]
    ///   adminConsent: [{app: jira-cloud}]
    /// ```
    ///
    /// ## Source
    /// Atlassian, "Integrate Intune security in mobile app policy": "Repeat these steps for each
    /// Entra domain that is in use and claimed in your Atlassian organization."
    pub struct ClaimedDomainWithoutTenant {
        code: "MAM302",
        name: "claimed-domain-without-tenant",
        severity: Warning,
        summary: "A verified claimed domain belongs to no loaded EntraTenant, so consent cannot be checked.",
    }
}

impl Rule for ClaimedDomainWithoutTenant {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_workspace(&self, cx: &Context<'_, '_>, out: &mut Vec<Diagnostic>) {
        let ws = cx.workspace;
        if ws.count_of_kind(Kind::EntraTenant) == 0 {
            return;
        }
        // Each organization once, in the order its first Intune policy names it.
        let mut seen: HashSet<usize> = HashSet::new();
        let mut orgs: Vec<&Entity<'_>> = Vec::new();
        for policy in ws.intune_policies() {
            if let Some(org) = ws.organization_of(policy)
                && seen.insert(org.index)
            {
                orgs.push(org);
            }
        }
        for org in orgs {
            for claim in org.verified_domains() {
                let domain = claim.str().unwrap_or_default();
                if !ws.tenants_holding(domain).is_empty() {
                    continue;
                }
                out.push(
                    Diagnostic::new(
                        &Self::META,
                        org.location(&claim),
                        format!("no loaded EntraTenant holds the claimed domain `{domain}`, so its admin consent cannot be checked"),
                    )
                    .label("held by no loaded tenant")
                    .help(format!(
                        "add `{domain}` to the `domains` of the tenant that holds it, or pass that tenant's file (loaded: {})",
                        ws.listed_names(Kind::EntraTenant)
                    )),
                );
            }
        }
    }
}
