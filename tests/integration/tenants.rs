//! Rollout over several tenants at once (`--jobs`) against the multi-tenant fake Graph: the
//! same output whatever the worker count, each tenant answered from its own data with its
//! own token, `apply` stopping only the tenant that failed, `Retry-After` honoured by the
//! tenant it was given to, and worker counts out of range refused.

use std::time::Duration;

use mamlint::model::Platform;
use serde_json::{Value, json};

use crate::fakes::{Fake, Fault, Seen};
use crate::rollout::{run, run_with};
use crate::support::mamlint;

const GROUP: &str = "0b6e2c1a-5f0d-4c5e-9a7b-3d2f1e0c9b8a";
const NAMES: [&str; 4] = ["alpha", "bravo", "charlie", "delta"];

fn tenant_id(i: usize) -> String {
    format!("7f0c3a3e-1b2c-4d5e-8f90-a1b2c3d4e5{i:02}")
}

/// One EntraTenant per name (`NAME.yaml`), each with an iOS policy of its own
/// (`NAME-ios.yaml`).
fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (i, name) in NAMES.iter().enumerate() {
        let tenant = format!(
            "apiVersion: mamlint/v1\nkind: EntraTenant\nmetadata: {{name: {name}}}\nspec:\n  tenantId: {}\n  domains: [{name}.example.com]\n  adminConsent: [{{app: jira-cloud}}]\n",
            tenant_id(i)
        );
        std::fs::write(dir.path().join(format!("{name}.yaml")), tenant).unwrap();
        let policy = format!(
            "apiVersion: mamlint/v1\nkind: AppProtectionPolicy\nmetadata: {{name: {name}-ios}}\nspec:\n  tenant: {name}\n  platform: ios\n  displayName: Atlassian apps ({name})\n  apps: [com.atlassian.jira.app]\n  assignments: {{include: [{GROUP}]}}\n  settings:\n    pinRequired: true\n    minimumPinLength: 6\n"
        );
        std::fs::write(dir.path().join(format!("{name}-ios.yaml")), policy).unwrap();
    }
    dir
}

/// The tenants as they are: alpha's policy is up to date, bravo's has a shorter PIN,
/// charlie has none, delta has an extra policy no file describes.
fn fake() -> Fake {
    let fake = Fake::start_with(Duration::from_millis(5), 8);
    let policy = |name: &str, pin: u32| {
        json!({
            "displayName": format!("Atlassian apps ({name})"), "pinRequired": true, "minimumPinLength": pin,
            "apps": [{"mobileAppIdentifier": {"@odata.type": "#microsoft.graph.iosMobileAppIdentifier", "bundleId": "com.atlassian.jira.app"}}],
            "assignments": [{"target": {"@odata.type": "#microsoft.graph.groupAssignmentTarget", "groupId": GROUP}}]
        })
    };
    for i in 0..NAMES.len() {
        fake.add_tenant(&tenant_id(i));
    }
    fake.add_policy_to(&tenant_id(0), Platform::Ios, policy("alpha", 6));
    fake.add_policy_to(&tenant_id(1), Platform::Ios, policy("bravo", 4));
    fake.add_policy_to(&tenant_id(3), Platform::Ios, policy("delta", 6));
    fake.add_policy_to(
        &tenant_id(3),
        Platform::Ios,
        json!({"displayName": "Legacy Outlook policy", "apps": [], "assignments": []}),
    );
    fake
}

fn seen(fake: &Fake) -> Vec<Seen> {
    fake.state.lock().unwrap().seen.clone()
}

/// A tenant's requests in order, `METHOD path` with policy ids as `{id}`.
fn lines_of(fake: &Fake, tenant: &str) -> Vec<String> {
    let ids = regex::Regex::new("T_[0-9]{8}").unwrap();
    seen(fake)
        .into_iter()
        .filter(|s| s.tenant == tenant)
        .map(|s| ids.replace_all(&s.line, "{id}").into_owned())
        .collect()
}

#[test]
fn plans_are_the_same_with_one_worker_or_several() {
    let (dir, fake) = (project(), fake());
    let (code, serial, stderr) = run(dir.path(), &fake, &["plan", "--jobs", "1"]);
    assert_eq!(code, Some(3), "{stderr}");
    for jobs in ["2", "4", "64"] {
        let (code, parallel, stderr) = run(dir.path(), &fake, &["plan", "--jobs", jobs]);
        assert_eq!(code, Some(3), "{stderr}");
        assert_eq!(parallel, serial, "--jobs {jobs}");
    }
    let (_, json_serial, _) = run(
        dir.path(),
        &fake,
        &["plan", "--format", "json", "--jobs", "1"],
    );
    let (_, json_parallel, _) = run(dir.path(), &fake, &["plan", "--format", "json"]);
    assert_eq!(json_parallel, json_serial);

    // Each tenant was answered from its own data: its plan is about its own policies.
    let plan: Value = serde_json::from_str(&json_serial).unwrap();
    let actions: Vec<(String, Vec<(String, String)>)> = plan["tenants"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            let changes = t["changes"].as_array().unwrap().iter();
            let changes = changes.map(|c| {
                (
                    c["action"].as_str().unwrap().to_owned(),
                    c["displayName"].as_str().unwrap().to_owned(),
                )
            });
            (t["tenant"].as_str().unwrap().to_owned(), changes.collect())
        })
        .collect();
    let change = |action: &str, name: &str| (action.to_owned(), name.to_owned());
    assert_eq!(
        actions,
        [
            (
                "alpha".to_owned(),
                vec![change("unchanged", "Atlassian apps (alpha)")]
            ),
            (
                "bravo".to_owned(),
                vec![change("update", "Atlassian apps (bravo)")]
            ),
            (
                "charlie".to_owned(),
                vec![change("create", "Atlassian apps (charlie)")]
            ),
            (
                "delta".to_owned(),
                vec![
                    change("unchanged", "Atlassian apps (delta)"),
                    change("unmanaged", "Legacy Outlook policy")
                ]
            ),
        ]
    );
    // Every request carried a token of a tenant that was planned, and each tenant asked for
    // its own token once per run (six runs).
    let state = fake.state.lock().unwrap();
    let ids: Vec<String> = (0..NAMES.len()).map(tenant_id).collect();
    assert!(
        state.seen.iter().all(|s| ids.contains(&s.tenant)),
        "{:?}",
        state.seen
    );
    for id in &ids {
        let tokens = state
            .token_requests
            .iter()
            .filter(|r| r.starts_with(&format!("/{id}/")))
            .count();
        assert_eq!(tokens, 6, "{id}");
    }
}

#[test]
fn a_tenant_that_fails_mid_apply_stops_there_and_the_others_finish() {
    let (dir, fake) = (project(), fake());
    // Charlie's new policy is created, then setting its apps fails: its assignment must not
    // be attempted. Bravo's update and everything else goes on.
    fake.fault(
        &format!(
            "{} POST /v1.0/deviceAppManagement/iosManagedAppProtections/T_",
            tenant_id(2)
        ),
        Fault::ServerError,
    );
    let (code, stdout, stderr) = run(dir.path(), &fake, &["apply", "--yes", "--jobs", "4"]);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stdout.contains("Tenant charlie"), "{stdout}");
    let report: Vec<&str> = stderr
        .lines()
        .skip_while(|l| !l.starts_with("  done:") && !l.starts_with("alpha:"))
        .map(|l| l.split(" answered").next().unwrap_or_default())
        .collect();
    assert_eq!(
        report,
        [
            "alpha: 0 steps completed.",
            "  done: bravo updated iOS/iPadOS policy \"Atlassian apps (bravo)\": minimumPinLength",
            "bravo: 1 steps completed.",
            "  done: charlie created iOS/iPadOS policy \"Atlassian apps (charlie)\"",
            "error: charlie: this step failed: set the apps of iOS/iPadOS policy \"Atlassian apps (charlie)\" (com.atlassian.jira.app): POST http://127.0.0.1:PORT/v1.0/deviceAppManagement/iosManagedAppProtections/ID/targetApps"
                .replace("127.0.0.1:PORT", fake.url.trim_start_matches("http://"))
                .replace("ID", &charlie_id(&fake))
                .as_str(),
            "charlie: 1 steps completed before the failure; nothing after it was attempted in this tenant.",
            "delta: 0 steps completed.",
            "Applied: 2 steps completed; 1 of 4 tenants stopped at a failure (charlie). Run `mamlint apply` again to converge.",
        ],
        "{stderr}"
    );
    // Charlie's steps stopped at the failure; each tenant's writes went in the plan's order.
    let writes = |tenant: usize| -> Vec<String> {
        lines_of(&fake, &tenant_id(tenant))
            .into_iter()
            .filter(|l| !l.starts_with("GET"))
            .collect()
    };
    // The settings exist in v1.0, so changes go through it.
    let collection = "/v1.0/deviceAppManagement/iosManagedAppProtections";
    assert_eq!(
        writes(2),
        [
            format!("POST /{}/oauth2/v2.0/token", tenant_id(2)),
            format!("POST {collection}"),
            format!("POST {collection}/{{id}}/targetApps"),
        ],
        "charlie: create, then the failed targetApps, and no assign"
    );
    assert_eq!(
        writes(1),
        [
            format!("POST /{}/oauth2/v2.0/token", tenant_id(1)),
            format!("PATCH {collection}/{{id}}"),
        ]
    );
    assert_eq!(fake.policies_of(&tenant_id(2)).len(), 1);

    // The rerun converges charlie and leaves the others alone.
    let (code, _, stderr) = run(dir.path(), &fake, &["apply", "--yes"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        stderr.contains("Applied: 2 steps completed in 4 tenants."),
        "{stderr}"
    );
    let (code, ..) = run(dir.path(), &fake, &["plan"]);
    assert_eq!(code, Some(0), "converged");
}

/// The id of charlie's policy in the fake.
fn charlie_id(fake: &Fake) -> String {
    fake.policies_of(&tenant_id(2))[0].1["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[test]
fn retry_after_holds_back_the_tenant_it_was_given_to() {
    let (dir, fake) = (project(), fake());
    let bravo = tenant_id(1);
    fake.fault(
        &format!("{bravo} GET /beta/deviceAppManagement/iosManagedAppProtections"),
        Fault::TooMany {
            retry_after: Some(1),
        },
    );
    let (code, stdout, stderr) = run(dir.path(), &fake, &["plan", "--jobs", "4", "--verbose"]);
    assert_eq!(code, Some(3), "{stderr}");
    assert_eq!(
        stderr.matches("answered 429; retrying in 1000 ms").count(),
        1,
        "{stderr}"
    );
    // Verbose lines name their tenant, since tenants log between each other's lines.
    assert!(
        stderr.contains(&format!(
            "bravo: GET {}/beta/deviceAppManagement/iosManagedAppProtections answered 429; retrying in 1000 ms",
            fake.url
        )),
        "{stderr}"
    );
    let (_, serial, _) = run(dir.path(), &fake, &["plan", "--jobs", "1"]);
    assert_eq!(stdout, serial, "the throttled run plans the same");
    let state = fake.state.lock().unwrap();
    assert_eq!(
        state.early,
        [],
        "no request of bravo inside its Retry-After"
    );
    drop(state);
    // Bravo asked for its list again after the 429; no other tenant repeated a request.
    let list = "GET /beta/deviceAppManagement/iosManagedAppProtections";
    for (i, name) in NAMES.iter().enumerate() {
        let lists = lines_of(&fake, &tenant_id(i))
            .iter()
            .filter(|l| *l == list)
            .count();
        // Two runs, the throttled one and the serial one, of a page per policy (one item a
        // page), at least one.
        let pages = if *name == "delta" { 2 } else { 1 };
        let expected = 2 * pages + usize::from(*name == "bravo");
        assert_eq!(lists, expected, "{name}");
    }
}

#[test]
fn export_of_several_tenants_writes_a_directory_each_that_plan_reads() {
    let (dir, fake) = (project(), fake());
    for name in NAMES {
        std::fs::remove_file(dir.path().join(format!("{name}-ios.yaml"))).unwrap();
    }
    let out = tempfile::tempdir().unwrap();
    let out_arg = out.path().to_str().unwrap();
    let export = |jobs: &str| {
        run(
            dir.path(),
            &fake,
            &["export", "--out", out_arg, "--jobs", jobs],
        )
    };
    let (code, stdout, stderr) = export("3");
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(export("1").1, stdout, "the same with one worker");
    let written: Vec<String> = stdout.lines().map(|l| l.replace(out_arg, "OUT")).collect();
    assert_eq!(
        written,
        [
            "OUT/alpha/atlassian-apps-alpha-ios.yaml",
            "OUT/bravo/atlassian-apps-bravo-ios.yaml",
            "OUT/delta/atlassian-apps-delta-ios.yaml",
            "OUT/delta/legacy-outlook-policy-ios.yaml",
        ]
    );
    assert!(
        stderr.contains("Exported 0 policies of charlie."),
        "{stderr}"
    );
    let bravo =
        std::fs::read_to_string(out.path().join("bravo/atlassian-apps-bravo-ios.yaml")).unwrap();
    assert!(
        bravo.contains("  tenant: bravo\n") && bravo.contains("minimumPinLength: 4"),
        "{bravo}"
    );
    // With the exports beside the tenants, every tenant plans as it is.
    let (code, stdout, stderr) = run(dir.path(), &fake, &["plan", ".", out_arg]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        stdout.contains("Plan: 0 to create, 0 to update, 0 to delete, 4 unchanged, 0 unmanaged"),
        "{stdout}"
    );
}

/// Progress is for a person at a terminal. With standard error piped, and `CI` unset so that
/// the pipe alone decides, `plan`, `apply` and `export` over four tenants write no bar, no
/// carriage return and no escape sequence: their standard error is only what they report.
#[test]
fn piped_rollout_writes_no_progress() {
    let (dir, fake) = (project(), fake());
    let out = tempfile::tempdir().unwrap();
    let out_arg = out.path().to_str().unwrap();
    let no_ci = |command: &mut assert_cmd::Command| {
        command.env_remove("CI");
    };
    let (code, _, stderr) = run_with(dir.path(), &fake, &["plan"], no_ci);
    assert_eq!((code, stderr.as_str()), (Some(3), ""));
    let (code, _, stderr) = run_with(dir.path(), &fake, &["export", "--out", out_arg], no_ci);
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(
        stderr.lines().collect::<Vec<_>>(),
        [
            "Exported 1 policies of alpha.",
            "Exported 1 policies of bravo.",
            "Exported 0 policies of charlie.",
            "Exported 2 policies of delta.",
        ]
    );
    let (code, _, stderr) = run_with(dir.path(), &fake, &["apply", "--yes"], no_ci);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        !stderr.contains(['\r', '\u{1b}']) && !stderr.contains(" tenants ["),
        "{stderr:?}"
    );
    assert!(stderr.contains("charlie"), "{stderr}");
}

#[test]
fn worker_counts_out_of_range_are_refused() {
    let dir = project();
    for (args, shown) in [
        (
            &["plan", "--jobs", "0"][..],
            "invalid value '0' for '--jobs <N>': must be between 1 and 64 (tenants worked on at once), not 0",
        ),
        (
            &["apply", "--jobs", "65"][..],
            "invalid value '65' for '--jobs <N>': must be between 1 and 64 (tenants worked on at once), not 65",
        ),
        (
            &["export", "--jobs", "99999999999999999999999"][..],
            "invalid value '99999999999999999999999' for '--jobs <N>': `99999999999999999999999` is not a whole number of tenants",
        ),
        (
            &["plan", "--jobs=-1"][..],
            "invalid value '-1' for '--jobs <N>': `-1` is not a whole number of tenants",
        ),
    ] {
        let output = mamlint()
            .current_dir(dir.path())
            .args(args)
            .output()
            .unwrap();
        let stderr = String::from_utf8(output.stderr).unwrap();
        assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(shown), "{args:?}: {stderr}");
    }
}
