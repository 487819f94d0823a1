//! Linearity (issue #11): no rule's workspace queries grow faster than the workspace.
//!
//! The test lints generated workspaces of `n` and `4n` of everything (organizations, tenants,
//! domains, Intune policies, app protection manifests and exports in tenant folders, plus
//! many Intune policies of one organization and many app protection policies of one group)
//! and compares `Findings::work`, the count of entities and candidates the rules' workspace
//! queries examined. Linear work grows 4×; a
//! rule that scans every tenant for every policy grows 16×. No clock is involved.

use std::collections::BTreeMap;

use mamlint::lint::{self, Findings, Input, Loaded, Settings};

/// The files of a workspace of size `n`.
fn workspace(n: usize) -> Vec<(String, String)> {
    let mut files = Vec::new();
    for i in 0..n {
        // Organization 0 has no Guard and a claimed domain no tenant holds.
        let (guard, extra) = if i == 0 {
            ("none", ", {name: lost.example}")
        } else {
            ("standard", "")
        };
        files.push((
            format!("orgs/org-{i}.yaml"),
            format!(
                "apiVersion: mamlint/v1\nkind: Organization\nmetadata: {{name: org-{i}}}\n\
                 spec: {{guard: {guard}, domains: [{{name: d{i}.example}}{extra}]}}\n"
            ),
        ));
        // Every tenant consents to Jira only, so Confluence lacks consent at each domain.
        files.push((
            format!("tenants/tenant-{i}.yaml"),
            format!(
                "apiVersion: mamlint/v1\nkind: EntraTenant\nmetadata: {{name: tenant-{i}}}\n\
                 spec:\n  tenantId: 7f0c3a3e-1b2c-4d5e-8f90-{i:012}\n  domains: [d{i}.example]\n  \
                 adminConsent: [{{app: jira-cloud}}]\n"
            ),
        ));
        files.push((
            format!("mobile/mobile-{i}.yaml"),
            format!(
                "apiVersion: mamlint/v1\nkind: MobileAppPolicy\nmetadata: {{name: mobile-{i}}}\n\
                 spec: {{type: intune, organization: org-{i}, displayName: Intune {i}, \
                 apps: [jira-cloud, confluence-cloud]}}\n"
            ),
        ));
        // Many policies of one organization: per-organization work must not repeat per policy.
        files.push((
            format!("mobile/shared-{i}.yaml"),
            format!(
                "apiVersion: mamlint/v1\nkind: MobileAppPolicy\nmetadata: {{name: shared-{i}}}\n\
                 spec: {{type: intune, organization: org-0, displayName: Shared {i}, \
                 apps: [jira-cloud, confluence-cloud]}}\n"
            ),
        ));
        files.push((
            format!("protection/app-{i}.yaml"),
            format!(
                "apiVersion: mamlint/v1\nkind: AppProtectionPolicy\nmetadata: {{name: app-{i}}}\n\
                 spec:\n  tenant: tenant-{i}\n  platform: ios\n  displayName: App {i}\n  \
                 apps: [com.atlassian.jira.app, com.atlassian.confluence.app]\n  \
                 assignments: {{include: [0b6e2c1a-5f0d-4c5e-9a7b-3d2f1e0c9b8a]}}\n"
            ),
        ));
        // Many policies of one tenant reach one group with the same settings: the set is
        // merged once, not once per policy.
        files.push((
            format!("protection/crowd-{i}.yaml"),
            format!(
                "apiVersion: mamlint/v1\nkind: AppProtectionPolicy\nmetadata: {{name: crowd-{i}}}\n\
                 spec:\n  tenant: tenant-0\n  platform: android\n  displayName: Crowd {i}\n  \
                 apps: [com.atlassian.android.jira.core]\n  \
                 assignments: {{include: [5d4c3b2a-1f0e-4d9c-8b7a-6f5e4d3c2b1a]}}\n"
            ),
        ));
        // An export names no tenant: it belongs to the tenant its folder names. It blocks
        // printing for the group app-{i} reaches too, which keeps the default (MAM502).
        files.push((
            format!("exports/tenant-{i}/ios.json"),
            format!(
                r##"{{"@odata.type": "#microsoft.graph.iosManagedAppProtection", "displayName": "Export {i}", "printBlocked": true, "apps": [{{"mobileAppIdentifier": {{"@odata.type": "#microsoft.graph.iosMobileAppIdentifier", "bundleId": "com.atlassian.jira.app"}}}}], "assignments": [{{"target": {{"@odata.type": "#microsoft.graph.groupAssignmentTarget", "groupId": "0b6e2c1a-5f0d-4c5e-9a7b-3d2f1e0c9b8a"}}}}]}}"##
            ),
        ));
    }
    // One misspelt reference (a did-you-mean over every tenant) and one omitted while many
    // tenants are loaded (a list of every tenant): each is built once, when reported.
    files.push((
        "protection/misspelt.yaml".to_owned(),
        "apiVersion: mamlint/v1\nkind: AppProtectionPolicy\nmetadata: {name: misspelt}\n\
         spec:\n  tenant: tennant-1\n  platform: android\n  displayName: Misspelt\n  \
         apps: [com.atlassian.android.jira.core]\n  \
         assignments: {include: [0b6e2c1a-5f0d-4c5e-9a7b-3d2f1e0c9b8a]}\n"
            .to_owned(),
    ));
    files.push((
        "protection/omitted.yaml".to_owned(),
        "apiVersion: mamlint/v1\nkind: AppProtectionPolicy\nmetadata: {name: omitted}\n\
         spec:\n  platform: android\n  displayName: Omitted\n  \
         apps: [com.atlassian.android.confluence.core]\n  \
         assignments: {include: [0b6e2c1a-5f0d-4c5e-9a7b-3d2f1e0c9b8a]}\n"
            .to_owned(),
    ));
    files
}

fn check(n: usize) -> (Findings, Vec<String>) {
    let mut files: Vec<_> = workspace(n)
        .into_iter()
        .map(|(path, text)| match lint::load(Input::memory(path, text)) {
            Loaded::Checked(file) => file,
            Loaded::Skipped(path, reason) => panic!("{path} skipped: {reason}"),
            Loaded::Unreadable(message) => panic!("{message}"),
        })
        .collect();
    lint::sort_files(&mut files);
    let paths = files.iter().map(|f| f.loaded.source.path.clone()).collect();
    (lint::check(&files, &Settings::default()), paths)
}

fn codes(findings: &Findings) -> BTreeMap<&'static str, usize> {
    let mut counts = BTreeMap::new();
    for d in &findings.diagnostics {
        *counts.entry(d.rule.code).or_default() += 1;
    }
    counts
}

#[test]
fn workspace_queries_grow_linearly_with_the_workspace() {
    const N: usize = 40;
    let (small, _) = check(N);
    let (large, paths) = check(4 * N);
    assert!(small.internal_errors.is_empty() && large.internal_errors.is_empty());

    // The findings are the ones designed in: Confluence lacks consent at every tenant
    // (MAM301, one per tenant) and each tenant's export conflicts with its manifest (MAM502);
    // one Guard-less organization, one unheld domain, one misspelt and one omitted reference.
    // Everything else is clean.
    let expected = |n: usize| {
        BTreeMap::from([
            ("MAM008", 2),
            ("MAM201", 1),
            ("MAM301", n),
            ("MAM302", 1),
            ("MAM502", n),
        ])
    };
    assert_eq!(codes(&small), expected(N));
    assert_eq!(codes(&large), expected(4 * N));

    // The misspelt reference: did-you-mean over every tenant, at the value.
    let misspelt = large
        .diagnostics
        .iter()
        .find(|d| d.rule.code == "MAM008" && d.message.contains("tennant-1"))
        .expect("the misspelt reference is reported");
    assert_eq!(paths[misspelt.location.file], "protection/misspelt.yaml");
    assert_eq!(misspelt.location.pointer.as_deref(), Some("/spec/tenant"));
    assert_eq!(
        misspelt.message,
        "`tenant: tennant-1` names no loaded EntraTenant"
    );
    assert_eq!(misspelt.help.as_deref(), Some("did you mean `tenant-1`?"));

    // 4× the workspace may cost a little over 4× (the one-off lists of every tenant are in
    // both), never the 16× of a scan per policy.
    let ratio = large.work as f64 / small.work as f64;
    eprintln!(
        "work: {} at n = {N}, {} at n = {}",
        small.work,
        large.work,
        4 * N
    );
    assert!(
        ratio <= 4.5,
        "workspace queries examined {} items at size {N} and {} at size {}: {ratio:.1}× for 4× the workspace",
        small.work,
        large.work,
        4 * N
    );
    assert!(
        small.work >= 6 * N as u64,
        "the count covers every document"
    );
}
