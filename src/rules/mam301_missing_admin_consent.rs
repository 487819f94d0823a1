use std::collections::{HashMap, HashSet};

use super::{Context, Rule, RuleMeta, declare_rule};
use crate::diagnostic::Diagnostic;
use crate::model::At;
use crate::model::catalog::CATALOG;

declare_rule! {
    /// ## What it checks
    /// For each Intune MobileAppPolicy, each verified domain claimed by its Organization, and
    /// each app of the policy: the EntraTenant that holds the domain (lists it in `domains`)
    /// must have admin consent for the app in `adminConsent` (by `app` key or by the Entra
    /// application ID). One finding per domain and app, at the domain in the tenant.
    ///
    /// Runs when the Organization and the tenants are loaded; a claimed domain that no loaded
    /// tenant holds is MAM302.
    ///
    /// ## Why it matters
    /// Without admin consent in the tenant, users of that domain cannot sign in to the app once
    /// the Intune policy is on: the rollout locks them out of Jira or Confluence.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: mamlint/v1
    /// kind: Organization
    /// metadata: {name: acme}
    /// spec: {guard: standard, domains: [{name: acme.com}]}
    /// ---
    /// apiVersion: mamlint/v1
    /// kind: MobileAppPolicy
    /// metadata: {name: intune}
    /// spec: {type: intune, displayName: Intune, apps: [jira-cloud, confluence-cloud]}
    /// ---
    /// apiVersion: mamlint/v1
    /// kind: EntraTenant
    /// metadata: {name: acme-entra}
    /// spec:
    ///   tenantId: 7f0c3a3e-1b2c-4d5e-8f90-a1b2c3d4e5f6
    ///   domains: [acme.com]
    ///   adminConsent:
    ///     - app: jira-cloud
    /// ```
    ///
    /// ## Fix
    /// Grant admin consent in Microsoft Entra (Enterprise applications > Confluence Cloud by
    /// Atlassian > Permissions > Grant admin consent), then record it.
    /// ```yaml
    /// apiVersion: mamlint/v1
    /// kind: Organization
    /// metadata: {name: acme}
    /// spec: {guard: standard, domains: [{name: acme.com}]}
    /// ---
    /// apiVersion: mamlint/v1
    /// kind: MobileAppPolicy
    /// metadata: {name: intune}
    /// spec: {type: intune, displayName: Intune, apps: [jira-cloud, confluence-cloud]}
    /// ---
    /// apiVersion: mamlint/v1
    /// kind: EntraTenant
    /// metadata: {name: acme-entra}
    /// spec:
    ///   tenantId: 7f0c3a3e-1b2c-4d5e-8f90-a1b2c3d4e5f6
    ///   domains: [acme.com]
    ///   adminConsent:
    ///     - app: jira-cloud
    ///     - app: confluence-cloud
    /// ```
    ///
    /// ## Source
    /// Atlassian, "Integrate Intune security in mobile app policy": "Consent must be granted
    /// for every Entra domain that is in use and claimed in your Atlassian organization."
    pub struct MissingAdminConsent {
        code: "MAM301",
        name: "missing-admin-consent",
        severity: Error,
        summary: "An app of an Intune MobileAppPolicy has no admin consent in a tenant holding a verified claimed domain.",
    }
}

impl Rule for MissingAdminConsent {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_workspace(&self, cx: &Context<'_, '_>, out: &mut Vec<Diagnostic>) {
        let ws = cx.workspace;
        let mut reported = HashSet::new();
        // An app a policy shares with an earlier policy of the same organization would meet
        // the same domains, tenants and consent, so only the first policy looks: the work is
        // one pass per organization and app, not per policy.
        let mut looked: HashSet<(usize, &str)> = HashSet::new();
        let mut claims: HashMap<usize, Vec<At<'_>>> = HashMap::new();
        let mut consent: HashMap<(usize, &str), bool> = HashMap::new();
        for policy in ws.intune_policies() {
            let Some(org) = ws.organization_of(policy) else {
                continue;
            };
            let Some(apps) = policy.spec_get("apps") else {
                continue;
            };
            let apps: Vec<_> = apps
                .items()
                .filter_map(|item| Some((CATALOG.by_key(item.str()?)?, item)))
                .filter(|(app, _)| app.intune && app.entra_app_id.is_some())
                .filter(|(app, _)| looked.insert((org.index, app.key.as_str())))
                .collect();
            if apps.is_empty() {
                continue;
            }
            let claimed = claims
                .entry(org.index)
                .or_insert_with(|| org.verified_domains());
            for claim in claimed.iter() {
                let domain = claim.str().unwrap_or_default();
                for (tenant, held) in ws.tenants_holding(domain) {
                    for (app, app_at) in &apps {
                        if *consent
                            .entry((tenant.index, app.key.as_str()))
                            .or_insert_with(|| tenant.has_consent(app))
                        {
                            continue;
                        }
                        let key = (
                            tenant.name().unwrap_or_default(),
                            domain.to_ascii_lowercase(),
                            app.key.as_str(),
                        );
                        if !reported.insert(key) {
                            continue;
                        }
                        let entra_name = app.entra_app_name.as_deref().unwrap_or(&app.name);
                        out.push(
                            Diagnostic::new(
                                &Self::META,
                                tenant.location(&held),
                                format!(
                                    "{} has no admin consent in {}, which holds the claimed domain `{domain}`",
                                    app.name,
                                    tenant.describe()
                                ),
                            )
                            .label(format!("users of {domain} cannot sign in to {}", app.name))
                            .related(org.location(claim), "domain claimed by the Atlassian organization here")
                            .related(policy.location(app_at), "app handed to Intune here")
                            .help(format!(
                                "in Microsoft Entra, open Enterprise applications > {entra_name} > Permissions > Grant admin consent; then add `- app: {}` to `adminConsent`",
                                app.key
                            )),
                        );
                    }
                }
            }
        }
    }
}
