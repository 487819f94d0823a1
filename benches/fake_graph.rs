//! The fake Graph and token endpoint of the integration tests (tests/integration/fakes.rs),
//! as a server for `benches/rollout.sh`: N tenants, each with an iOS and an Android policy,
//! every request answered after an injected latency.
//!
//! Usage: fake_graph TENANTS LATENCY_MS DIR
//!
//! Writes the manifests that describe the tenants as they are into DIR (so `mamlint plan DIR`
//! finds nothing to change but reads everything), prints the fake's base URL on one line, and
//! serves until it is killed.

// Test code, as in tests/integration/main.rs: it may unwrap, and the bench uses only part
// of it.
#[allow(dead_code, unreachable_pub, clippy::unwrap_used)]
#[path = "../tests/integration/fakes.rs"]
mod fakes;

use std::path::Path;
use std::time::Duration;

use mamlint::model::Platform;
use serde_json::json;

const GROUP: &str = "0b6e2c1a-5f0d-4c5e-9a7b-3d2f1e0c9b8a";
const JIRA_ENTRA_APP: &str = "def4cf53-d350-4ec9-b39e-96cd612c301e";

fn tenant_id(i: usize) -> String {
    format!("{i:08x}-1b2c-4d5e-8f90-a1b2c3d4e5f6")
}

fn main() -> Result<(), String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [tenants, latency, dir] = args.as_slice() else {
        return Err("usage: fake_graph TENANTS LATENCY_MS DIR".to_owned());
    };
    let tenants: usize = tenants.parse().map_err(|e| format!("TENANTS: {e}"))?;
    let latency: u64 = latency.parse().map_err(|e| format!("LATENCY_MS: {e}"))?;
    let dir = Path::new(dir);
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    // Enough threads that the fake never queues what mamlint sends at once (`--jobs` is at
    // most 64).
    let fake = fakes::Fake::start_with(Duration::from_millis(latency), 64);
    for i in 0..tenants {
        let id = tenant_id(i);
        let name = format!("tenant-{i:03}");
        fake.add_tenant(&id);
        {
            let mut state = fake.state.lock().map_err(|e| e.to_string())?;
            let data = state.tenants.entry(id.clone()).or_default();
            data.service_principals
                .push(json!({"id": format!("sp-{i}"), "appId": JIRA_ENTRA_APP}));
            data.grants.push(json!({"clientId": format!("sp-{i}"), "consentType": "AllPrincipals", "scope": "User.Read"}));
        }
        let mut text = format!(
            "apiVersion: mamlint/v1\nkind: EntraTenant\nmetadata: {{name: {name}}}\nspec:\n  tenantId: {id}\n  domains: [{name}.example.com]\n  adminConsent: [{{app: jira-cloud}}]\n"
        );
        for (platform, key, kind, app) in [
            (
                Platform::Ios,
                "bundleId",
                "iosMobileAppIdentifier",
                "com.atlassian.jira.app",
            ),
            (
                Platform::Android,
                "packageId",
                "androidMobileAppIdentifier",
                "com.atlassian.android.jira.core",
            ),
        ] {
            let display = format!("Atlassian apps ({name}, {})", platform.key());
            fake.add_policy_to(
                &id,
                platform,
                json!({
                    "displayName": display, "pinRequired": true, "minimumPinLength": 6,
                    "apps": [{"mobileAppIdentifier": {"@odata.type": format!("#microsoft.graph.{kind}"), key: app}}],
                    "assignments": [{"target": {"@odata.type": "#microsoft.graph.groupAssignmentTarget", "groupId": GROUP}}]
                }),
            );
            text.push_str(&format!(
                "---\napiVersion: mamlint/v1\nkind: AppProtectionPolicy\nmetadata: {{name: {name}-{}}}\nspec:\n  tenant: {name}\n  platform: {}\n  displayName: {display}\n  apps: [{app}]\n  assignments: {{include: [{GROUP}]}}\n  settings:\n    pinRequired: true\n    minimumPinLength: 6\n",
                platform.key(),
                platform.key()
            ));
        }
        let path = dir.join(format!("{name}.yaml"));
        std::fs::write(&path, text).map_err(|e| format!("{}: {e}", path.display()))?;
    }
    println!("{}", fake.url);
    loop {
        std::thread::park();
    }
}
