//! `plan`, `apply` and `export` against the local fakes (tests/integration/fakes.rs): token
//! acquisition, plans, applying, idempotency, throttling, failures mid-apply that a rerun
//! repairs, Atlassian domains, and tokens that never reach any output.

use std::path::Path;

use mamlint::model::Platform;
use serde_json::{Value, json};

use crate::fakes::{CLIENT_SECRET, Fake, Fault, TOKEN};
use crate::support::mamlint;

const TENANT_ID: &str = "7f0c3a3e-1b2c-4d5e-8f90-a1b2c3d4e5f6";
const GROUP_A: &str = "0b6e2c1a-5f0d-4c5e-9a7b-3d2f1e0c9b8a";
const GROUP_B: &str = "5c7d9e1f-2a4b-4c6d-8e0f-1a2b3c4d5e6f";

fn write(dir: &Path, name: &str, text: &str) {
    std::fs::write(dir.join(name), text).unwrap();
}

/// The files: an organization, an Intune mobile app policy, a tenant, and three policies.
fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(
        d,
        "org.yaml",
        "apiVersion: mamlint/v1\nkind: Organization\nmetadata: {name: acme}\nspec:\n  orgId: 3f2b8c1d-6e4a-4b7f-9c2d-1a0e5f6b7c8d\n  guard: standard\n  domains: [{name: acme.com}, {name: acme.org}]\n",
    );
    write(
        d,
        "map.yaml",
        "apiVersion: mamlint/v1\nkind: MobileAppPolicy\nmetadata: {name: intune}\nspec: {type: intune, displayName: Jira and Confluence via Intune, apps: [jira-cloud, confluence-cloud]}\n",
    );
    write(
        d,
        "tenant.yaml",
        &format!(
            "apiVersion: mamlint/v1\nkind: EntraTenant\nmetadata: {{name: acme-entra}}\nspec:\n  tenantId: {TENANT_ID}\n  domains: [acme.com, acme.org]\n  adminConsent: [{{app: jira-cloud}}, {{app: confluence-cloud}}]\n"
        ),
    );
    write(
        d,
        "ios.yaml",
        &format!(
            "apiVersion: mamlint/v1\nkind: AppProtectionPolicy\nmetadata: {{name: ios}}\nspec:\n  platform: ios\n  displayName: Atlassian apps (iOS)\n  apps: [com.atlassian.jira.app, com.atlassian.confluence.app]\n  assignments: {{include: [{GROUP_A}]}}\n  settings:\n    pinRequired: true\n    minimumPinLength: 6\n    periodOfflineBeforeAccessCheck: PT12H\n"
        ),
    );
    write(
        d,
        "android.yaml",
        &format!(
            "apiVersion: mamlint/v1\nkind: AppProtectionPolicy\nmetadata: {{name: android}}\nspec:\n  platform: android\n  displayName: Atlassian apps (Android)\n  apps: [com.atlassian.android.jira.core, com.atlassian.android.confluence.core]\n  assignments: {{include: [{GROUP_A}, {GROUP_B}]}}\n  settings:\n    pinRequired: true\n    minimumPinLength: 6\n    periodOfflineBeforeAccessCheck: P1D\n    appActionIfMaximumPinRetriesExceeded: wipe\n"
        ),
    );
    write(
        d,
        "pilot.yaml",
        &format!(
            "apiVersion: mamlint/v1\nkind: AppProtectionPolicy\nmetadata: {{name: pilot}}\nspec:\n  platform: ios\n  displayName: Atlassian pilot (iOS)\n  apps: [com.atlassian.jira.app]\n  assignments: {{include: [{GROUP_B}]}}\n  settings:\n    pinRequired: true\n"
        ),
    );
    dir
}

/// The tenant as it is: the Android policy with older settings, the pilot as described, and a
/// policy no file describes.
fn fake() -> Fake {
    let fake = Fake::start();
    let app = |kind: &str, key: &str, id: &str| json!({"mobileAppIdentifier": {"@odata.type": format!("#microsoft.graph.{kind}"), key: id}});
    let include = |group: &str| json!({"target": {"@odata.type": "#microsoft.graph.groupAssignmentTarget", "groupId": group}});
    fake.add_policy(Platform::Android, json!({
        "displayName": "Atlassian apps (Android)", "pinRequired": false, "minimumPinLength": 8,
        "periodOfflineBeforeAccessCheck": "PT12H", "appActionIfMaximumPinRetriesExceeded": "block",
        "apps": [app("androidMobileAppIdentifier", "packageId", "com.atlassian.android.jira.core")],
        "assignments": [include(GROUP_A)]
    }));
    fake.add_policy(Platform::Ios, json!({
        "displayName": "Atlassian pilot (iOS)", "pinRequired": true, "minimumPinLength": 4,
        "apps": [app("iosMobileAppIdentifier", "bundleId", "com.atlassian.jira.app")], "assignments": [include(GROUP_B)]
    }));
    fake.add_policy(Platform::Ios, json!({"displayName": "Legacy Outlook policy", "pinRequired": true, "apps": [], "assignments": []}));
    {
        let mut state = fake.state.lock().unwrap();
        state
            .home
            .service_principals
            .push(json!({"id": "sp-jira", "appId": "def4cf53-d350-4ec9-b39e-96cd612c301e"}));
        state.home.grants.push(
            json!({"clientId": "sp-jira", "consentType": "AllPrincipals", "scope": "User.Read"}),
        );
        state.domains = vec![
            ("acme.com".into(), "verified".into()),
            ("acme-extra.com".into(), "verified".into()),
        ];
    }
    fake
}

pub(crate) fn run(dir: &Path, fake: &Fake, args: &[&str]) -> (Option<i32>, String, String) {
    run_with(dir, fake, args, |_| ())
}

/// [`run`], with `adjust` changing the command's environment first.
pub(crate) fn run_with(
    dir: &Path,
    fake: &Fake,
    args: &[&str],
    adjust: impl FnOnce(&mut assert_cmd::Command),
) -> (Option<i32>, String, String) {
    let mut command = mamlint();
    adjust(&mut command);
    let output = command
        .current_dir(dir)
        .env("MAMLINT_GRAPH_URL", &fake.url)
        .env("MAMLINT_LOGIN_URL", &fake.url)
        .env("MAMLINT_ATLASSIAN_URL", &fake.url)
        .env("MAMLINT_CLIENT_ID", "11111111-2222-3333-4444-555555555555")
        .env("MAMLINT_CLIENT_SECRET", CLIENT_SECRET)
        .env("MAMLINT_RETRY_BASE_MS", "1")
        .env_remove("MAMLINT_GRAPH_TOKEN")
        .env_remove("MAMLINT_ATLASSIAN_API_KEY")
        .args(args)
        .output()
        .unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    for secret in [TOKEN, CLIENT_SECRET] {
        assert!(
            !stdout.contains(secret) && !stderr.contains(secret),
            "a secret reached the output of {args:?}:\n{stdout}\n{stderr}"
        );
    }
    (output.status.code(), stdout, stderr)
}

fn plan_json(dir: &Path, fake: &Fake) -> Value {
    let (code, stdout, stderr) = run(dir, fake, &["plan", "--format", "json"]);
    assert!(matches!(code, Some(0 | 3)), "{stderr}");
    serde_json::from_str(&stdout).unwrap()
}

#[test]
fn plan_lists_create_update_unchanged_and_unmanaged_with_directions() {
    let (dir, fake) = (project(), fake());
    let (code, stdout, _) = run(dir.path(), &fake, &["plan", "--format", "json"]);
    assert_eq!(code, Some(3), "changes pending");
    let plan: Value = serde_json::from_str(&stdout).unwrap();
    let tenant = &plan["tenants"][0];
    assert_eq!(tenant["tenant"], "acme-entra");
    assert_eq!(
        tenant["graphApiVersion"], "beta",
        "appActionIfMaximumPinRetriesExceeded is beta-only"
    );
    let changes: Vec<(String, String, String)> = tenant["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["action"].as_str().unwrap().to_owned(),
                c["platform"].as_str().unwrap().to_owned(),
                c["displayName"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        changes,
        [
            (
                "update".to_owned(),
                "android".to_owned(),
                "Atlassian apps (Android)".to_owned()
            ),
            (
                "create".to_owned(),
                "ios".to_owned(),
                "Atlassian apps (iOS)".to_owned()
            ),
            (
                "unchanged".to_owned(),
                "ios".to_owned(),
                "Atlassian pilot (iOS)".to_owned()
            ),
            (
                "unmanaged".to_owned(),
                "ios".to_owned(),
                "Legacy Outlook policy".to_owned()
            ),
        ]
    );
    let android = &tenant["changes"][0];
    assert!(android["id"].as_str().unwrap().starts_with("T_"));
    let properties: Vec<(String, Value, Value, String)> = android["properties"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["name"].as_str().unwrap().to_owned(),
                p["old"].clone(),
                p["new"].clone(),
                p["direction"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        properties,
        [
            (
                "pinRequired".to_owned(),
                json!(false),
                json!(true),
                "tightening".to_owned()
            ),
            (
                "minimumPinLength".to_owned(),
                json!(8),
                json!(6),
                "loosening".to_owned()
            ),
            (
                "periodOfflineBeforeAccessCheck".to_owned(),
                json!("PT12H"),
                json!("P1D"),
                "loosening".to_owned()
            ),
            (
                "appActionIfMaximumPinRetriesExceeded".to_owned(),
                json!("block"),
                json!("wipe"),
                "tightening".to_owned()
            ),
        ]
    );
    assert_eq!(
        android["apps"],
        json!({"add": ["com.atlassian.android.confluence.core"], "remove": []})
    );
    assert_eq!(android["assignments"]["add"], json!([GROUP_B]));
    // The pilot differs only in a value the files do not set (minimumPinLength): unchanged.
    assert_eq!(tenant["changes"][2]["properties"], json!([]));
    let consent = &tenant["consent"];
    assert_eq!(
        consent[0],
        json!({"app": "jira-cloud", "servicePrincipal": true, "granted": true, "source": "graph"})
    );
    assert_eq!(consent[1]["granted"], false);
    assert_eq!(
        consent[1]["consentUrl"],
        format!(
            "{}/{TENANT_ID}/adminconsent?client_id=6337eee3-da0f-4c22-a340-9b72146c78ff",
            fake.url
        )
    );
    assert!(
        plan["manualSteps"][0]
            .as_str()
            .unwrap()
            .contains("Use an Intune policy instead")
    );
    // The token came from the tenant's login endpoint, with the Graph scope.
    let tokens = fake.state.lock().unwrap().token_requests.clone();
    assert!(
        tokens[0].starts_with(&format!("/{TENANT_ID}/oauth2/v2.0/token ")),
        "{tokens:?}"
    );
    assert!(
        tokens[0].contains("scope=http%3A%2F%2F127.0.0.1"),
        "{tokens:?}"
    );
    // --fail-on-loosening turns the loosening changes into a failure.
    let (code, ..) = run(dir.path(), &fake, &["plan", "--fail-on-loosening"]);
    assert_eq!(code, Some(1));
}

#[test]
fn plan_renders_for_people_and_pull_requests() {
    let (dir, fake) = (project(), fake());
    let (_, human, _) = run(dir.path(), &fake, &["plan"]);
    let (_, markdown, _) = run(dir.path(), &fake, &["plan", "--format", "markdown"]);
    let redact = |text: &str| {
        text.replace(&fake.url, "http://127.0.0.1:PORT")
            .replace('\r', "")
    };
    let ids = regex::Regex::new(r"T_\d{8}").unwrap();
    insta::assert_snapshot!("plan_human", ids.replace_all(&redact(&human), "T_ID"));
    insta::assert_snapshot!("plan_markdown", ids.replace_all(&redact(&markdown), "T_ID"));
}

/// `apply --format` prints the plan it applies as `plan --format` does (the same JSON, to
/// standard output or to a file), and what it applied on standard error.
#[test]
fn apply_prints_the_plan_it_applies_in_the_format_asked_for() {
    let (dir, fake) = (project(), fake());
    let expected = plan_json(dir.path(), &fake);
    let (code, stdout, stderr) = run(dir.path(), &fake, &["apply", "--yes", "--format", "json"]);
    assert_eq!(code, Some(0), "{stderr}");
    let printed: Value = serde_json::from_str(&stdout).expect("apply printed the plan as JSON");
    assert_eq!(printed, expected);
    assert!(
        stderr.contains("done: acme-entra created iOS/iPadOS policy \"Atlassian apps (iOS)\""),
        "{stderr}"
    );

    // Nothing is left to apply: the plan written to a file says so, and stdout stays empty.
    let (code, stdout, stderr) = run(
        dir.path(),
        &fake,
        &["apply", "--yes", "--format", "json=applied.json"],
    );
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(stdout, "");
    assert!(stderr.contains("Nothing to apply."), "{stderr}");
    let written: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("applied.json")).unwrap())
            .unwrap();
    let changes = written["tenants"][0]["changes"].as_array().unwrap();
    assert!(
        changes
            .iter()
            .all(|c| c["action"] == "unchanged" || c["action"] == "unmanaged"),
        "{written}"
    );
}

#[test]
fn apply_then_nothing_left_to_do() {
    let (dir, fake) = (project(), fake());
    let (code, _, stderr) = run(dir.path(), &fake, &["apply", "--yes"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        stderr.contains("done: acme-entra created iOS/iPadOS policy \"Atlassian apps (iOS)\""),
        "{stderr}"
    );
    assert_eq!(
        fake.state.lock().unwrap().token_requests.len(),
        1,
        "one token for the tenant and run, shared by its Graph clients"
    );
    let policies = fake.policies();
    let ios = policies
        .iter()
        .find(|(_, p)| p["displayName"] == "Atlassian apps (iOS)")
        .unwrap();
    assert_eq!(ios.1["minimumPinLength"], 6);
    assert_eq!(ios.1["apps"].as_array().unwrap().len(), 2);
    assert_eq!(ios.1["assignments"][0]["target"]["groupId"], GROUP_A);
    let android = policies
        .iter()
        .find(|(_, p)| p["displayName"] == "Atlassian apps (Android)")
        .unwrap();
    assert_eq!(
        (
            android.1["pinRequired"].clone(),
            android.1["appActionIfMaximumPinRetriesExceeded"].clone()
        ),
        (json!(true), json!("wipe"))
    );
    // Unmanaged policies stay without --prune.
    assert!(
        policies
            .iter()
            .any(|(_, p)| p["displayName"] == "Legacy Outlook policy")
    );

    let (code, stdout, _) = run(dir.path(), &fake, &["plan"]);
    assert_eq!(code, Some(0), "{stdout}");
    let (code, _, stderr) = run(dir.path(), &fake, &["apply", "--yes"]);
    assert_eq!(code, Some(0));
    assert!(stderr.contains("Nothing to apply."));
    let writes = || {
        fake.state
            .lock()
            .unwrap()
            .log
            .iter()
            .filter(|(m, p)| m != "GET" && p.contains("/deviceAppManagement/"))
            .count()
    };
    let before = writes();
    let (..) = run(dir.path(), &fake, &["apply", "--yes"]);
    assert_eq!(writes(), before, "a second apply writes nothing");
    // --prune deletes what no file describes.
    let (code, ..) = run(dir.path(), &fake, &["apply", "--yes", "--prune"]);
    assert_eq!(code, Some(0));
    assert!(
        !fake
            .policies()
            .iter()
            .any(|(_, p)| p["displayName"] == "Legacy Outlook policy")
    );
}

#[test]
fn throttling_is_retried_with_and_without_retry_after() {
    let (dir, fake) = (project(), fake());
    for _ in 0..3 {
        fake.fault(
            "GET /beta/deviceAppManagement/iosManagedAppProtections",
            Fault::TooMany {
                retry_after: Some(0),
            },
        );
    }
    for _ in 0..3 {
        fake.fault(
            "PATCH /beta/deviceAppManagement/androidManagedAppProtections",
            Fault::TooMany { retry_after: None },
        );
    }
    fake.fault(
        "POST /beta/deviceAppManagement/iosManagedAppProtections",
        Fault::TooMany { retry_after: None },
    );
    let (code, _, stderr) = run(dir.path(), &fake, &["apply", "--yes", "--verbose"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        stderr.contains("answered 429; retrying in 0 ms"),
        "Retry-After: 0 is honoured: {stderr}"
    );
    let retried = stderr.matches("answered 429; retrying").count();
    assert_eq!(retried, 7, "{stderr}");
    assert_eq!(
        fake.policies()
            .iter()
            .filter(|(_, p)| p["displayName"] == "Atlassian apps (iOS)")
            .count(),
        1
    );
    // A storm longer than the retry budget fails with Graph's code and request id.
    for _ in 0..10 {
        fake.fault(
            "GET /beta/deviceAppManagement/androidManagedAppProtections",
            Fault::TooMany {
                retry_after: Some(0),
            },
        );
    }
    let (code, _, stderr) = run(dir.path(), &fake, &["plan"]);
    assert_eq!(code, Some(1));
    assert!(
        stderr.contains(
            "answered 429 TooManyRequests: Too many requests (request id fake-request-1)"
        ),
        "{stderr}"
    );
}

#[test]
fn a_failure_mid_apply_stops_and_a_rerun_converges() {
    let (dir, fake) = (project(), fake());
    // A broken connection on an idempotent request is retried; a 500 is not, and stops the
    // run.
    fake.fault(
        "PATCH /beta/deviceAppManagement/androidManagedAppProtections",
        Fault::Broken,
    );
    fake.fault("targetApps", Fault::ServerError);
    let (code, _, stderr) = run(dir.path(), &fake, &["apply", "--yes"]);
    assert_eq!(code, Some(1));
    assert!(
        stderr.contains("this step failed: set the apps of"),
        "{stderr}"
    );
    assert!(
        stderr.contains("answered 500 InternalServerError"),
        "{stderr}"
    );
    assert!(
        stderr.contains("steps completed before the failure"),
        "{stderr}"
    );
    let patches = fake
        .state
        .lock()
        .unwrap()
        .log
        .iter()
        .filter(|(m, _)| m == "PATCH")
        .count();
    assert_eq!(
        patches, 2,
        "the PATCH was sent again after the broken connection"
    );

    let (code, _, stderr) = run(dir.path(), &fake, &["apply", "--yes"]);
    assert_eq!(code, Some(0), "{stderr}");
    let policies = fake.policies();
    for name in [
        "Atlassian apps (iOS)",
        "Atlassian apps (Android)",
        "Atlassian pilot (iOS)",
    ] {
        assert_eq!(
            policies
                .iter()
                .filter(|(_, p)| p["displayName"] == name)
                .count(),
            1,
            "{name} exactly once"
        );
    }
    let ios = policies
        .iter()
        .find(|(_, p)| p["displayName"] == "Atlassian apps (iOS)")
        .unwrap();
    assert_eq!(
        ios.1["assignments"][0]["target"]["groupId"], GROUP_A,
        "no assignment lost"
    );
    assert_eq!(ios.1["apps"].as_array().unwrap().len(), 2);
    let (code, ..) = run(dir.path(), &fake, &["plan"]);
    assert_eq!(code, Some(0), "converged");
}

const IOS_CREATE: &str = "POST /beta/deviceAppManagement/iosManagedAppProtections";

fn ios_policies(fake: &Fake, name: &str) -> Vec<Value> {
    fake.policies()
        .into_iter()
        .filter(|(platform, p)| *platform == Platform::Ios && p["displayName"] == name)
        .map(|(_, p)| p)
        .collect()
}

fn creates(fake: &Fake) -> usize {
    fake.state
        .lock()
        .unwrap()
        .log
        .iter()
        .filter(|(m, p)| m == "POST" && p == "/beta/deviceAppManagement/iosManagedAppProtections")
        .count()
}

#[test]
fn a_create_whose_answer_was_lost_is_found_not_repeated() {
    // Graph created the policy, but the answer was lost: a gateway's 504, or a connection
    // that broke. The lookup after it finds the policy, so the run goes on with it.
    for fault in [
        Fault::StatusAfterProcessing(504),
        Fault::BrokenAfterProcessing,
    ] {
        let (dir, fake) = (project(), fake());
        fake.fault(IOS_CREATE, fault.clone());
        let (code, _, stderr) = run(dir.path(), &fake, &["apply", "--yes", "--verbose"]);
        assert_eq!(code, Some(0), "{fault:?}: {stderr}");
        assert!(
            stderr.contains("looking for what it may have created, then retrying"),
            "{stderr}"
        );
        assert!(
            stderr.contains(
                "done: acme-entra created iOS/iPadOS policy \"Atlassian apps (iOS)\" (its answer was lost; found it by name)"
            ),
            "{stderr}"
        );
        assert_eq!(
            creates(&fake),
            1,
            "{fault:?}: the create was not sent again"
        );
        let ios = ios_policies(&fake, "Atlassian apps (iOS)");
        assert_eq!(ios.len(), 1, "{fault:?}");
        assert_eq!(ios[0]["apps"].as_array().unwrap().len(), 2);
        assert_eq!(ios[0]["assignments"][0]["target"]["groupId"], GROUP_A);
        let (code, ..) = run(dir.path(), &fake, &["plan"]);
        assert_eq!(code, Some(0), "converged");
    }
    // A connection that broke before Graph did anything: the lookup finds nothing, and
    // the create is sent again, once.
    let (dir, fake) = (project(), fake());
    fake.fault(IOS_CREATE, Fault::Broken);
    let (code, _, stderr) = run(dir.path(), &fake, &["apply", "--yes"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(creates(&fake), 2);
    assert_eq!(ios_policies(&fake, "Atlassian apps (iOS)").len(), 1);
}

#[test]
fn a_lost_create_the_run_cannot_confirm_is_found_by_the_rerun() {
    // The create's answer is lost and the lookup after it fails too: the step fails saying
    // the create may have happened, and the rerun finds the policy instead of creating it
    // again.
    let (dir, fake) = (project(), fake());
    fake.fault(
        IOS_CREATE,
        Fault::Chain {
            first: Box::new(Fault::StatusAfterProcessing(504)),
            then: vec![(
                "GET /beta/deviceAppManagement/iosManagedAppProtections".to_owned(),
                Fault::ServerError,
            )],
        },
    );
    let (code, _, stderr) = run(dir.path(), &fake, &["apply", "--yes"]);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(
        stderr.contains("this step failed: created iOS/iPadOS policy \"Atlassian apps (iOS)\": the create answered 504, and looking for what it may have created failed: GET"),
        "{stderr}"
    );
    assert!(
        stderr.contains("whether it was created is unknown"),
        "{stderr}"
    );
    assert_eq!(ios_policies(&fake, "Atlassian apps (iOS)").len(), 1);
    let (code, _, stderr) = run(dir.path(), &fake, &["apply", "--yes"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(creates(&fake), 1, "created once, over two runs");
    let ios = ios_policies(&fake, "Atlassian apps (iOS)");
    assert_eq!(ios.len(), 1);
    assert_eq!(ios[0]["apps"].as_array().unwrap().len(), 2);
    assert_eq!(ios[0]["assignments"][0]["target"]["groupId"], GROUP_A);
    let (code, ..) = run(dir.path(), &fake, &["plan"]);
    assert_eq!(code, Some(0), "converged");
}

#[test]
fn a_policy_that_appeared_after_the_plan_is_updated_not_created_again() {
    // The plan's read missed the pilot (the service had not caught up); the lookup before
    // the create finds it, and it gets the desired settings instead of a twin.
    let (dir, fake) = (project(), fake());
    fake.fault(
        "GET /beta/deviceAppManagement/iosManagedAppProtections",
        Fault::EmptyList,
    );
    let (code, _, stderr) = run(dir.path(), &fake, &["apply", "--yes"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        stderr.contains(
            "done: acme-entra updated iOS/iPadOS policy \"Atlassian pilot (iOS)\", which was already in the tenant"
        ),
        "{stderr}"
    );
    let pilot = ios_policies(&fake, "Atlassian pilot (iOS)");
    assert_eq!(pilot.len(), 1);
    assert_eq!(pilot[0]["assignments"][0]["target"]["groupId"], GROUP_B);
    assert_eq!(ios_policies(&fake, "Atlassian apps (iOS)").len(), 1);
    let (code, ..) = run(dir.path(), &fake, &["plan"]);
    assert_eq!(code, Some(0), "converged");
}

#[test]
fn a_create_answered_without_an_id_fails_its_step() {
    let (dir, fake) = (project(), fake());
    fake.fault(IOS_CREATE, Fault::CreatedWithoutId);
    let (code, _, stderr) = run(dir.path(), &fake, &["apply", "--yes"]);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(
        stderr.contains(
            "this step failed: created iOS/iPadOS policy \"Atlassian apps (iOS)\": Graph answered the create of iOS/iPadOS policy \"Atlassian apps (iOS)\" without an `id`"
        ),
        "{stderr}"
    );
    let log = fake.state.lock().unwrap().log.clone();
    assert!(
        !log.iter().any(|(m, p)| m == "POST"
            && p.starts_with("/beta/deviceAppManagement/iosManagedAppProtections/")),
        "nothing was sent for the policy after the create: {log:?}"
    );
    // The rerun finds the policy by name and completes it.
    let (code, _, stderr) = run(dir.path(), &fake, &["apply", "--yes"]);
    assert_eq!(code, Some(0), "{stderr}");
    let ios = ios_policies(&fake, "Atlassian apps (iOS)");
    assert_eq!(ios.len(), 1);
    assert_eq!(ios[0]["apps"].as_array().unwrap().len(), 2);
}

#[test]
fn next_links_and_redirects_to_other_servers_are_refused() {
    // An @odata.nextLink to another port, another host name for the same server, or a
    // redirect there: the run stops, and nothing reaches the other server.
    let other = Fake::start();
    let same_port_other_host = |fake: &Fake| fake.url.replace("127.0.0.1", "localhost");
    for case in ["port", "host", "redirect", "token redirect"] {
        let (dir, fake) = (project(), fake());
        match case {
            "port" => fake.state.lock().unwrap().next_link_base = Some(other.url.clone()),
            "host" => {
                fake.state.lock().unwrap().next_link_base = Some(same_port_other_host(&fake));
            }
            "redirect" => fake.fault(
                "GET /beta/deviceAppManagement/androidManagedAppProtections",
                Fault::Redirect(format!(
                    "{}/beta/deviceAppManagement/androidManagedAppProtections",
                    other.url
                )),
            ),
            _ => fake.fault(
                "oauth2/v2.0/token",
                Fault::Redirect(format!("{}/{TENANT_ID}/oauth2/v2.0/token", other.url)),
            ),
        }
        let (code, _, stderr) = run(dir.path(), &fake, &["apply", "--yes", "--verbose"]);
        assert_eq!(code, Some(1), "{case}: {stderr}");
        if case.ends_with("redirect") {
            assert!(
                stderr.contains("answered 302, a redirect to"),
                "{case}: {stderr}"
            );
            assert!(
                stderr.contains("does not follow redirects"),
                "{case}: {stderr}"
            );
        } else {
            assert!(
                stderr.contains("@odata.nextLink of") && stderr.contains("refusing to follow"),
                "{case}: {stderr}"
            );
            assert!(stderr.contains("nothing was sent"), "{case}: {stderr}");
            assert!(
                !stderr.contains("$skiptoken"),
                "no query in messages: {stderr}"
            );
        }
        assert!(
            !fake
                .state
                .lock()
                .unwrap()
                .hosts
                .iter()
                .any(|h| h.starts_with("localhost")),
            "{case}"
        );
        assert_eq!(
            fake.state
                .lock()
                .unwrap()
                .log
                .iter()
                .filter(|(m, _)| m != "GET")
                .filter(|(_, p)| !p.ends_with("/oauth2/v2.0/token"))
                .count(),
            0,
            "{case}: nothing was applied"
        );
    }
    assert!(
        other.state.lock().unwrap().log.is_empty(),
        "the other server received nothing"
    );
}

#[test]
fn atlassian_links_to_other_servers_are_refused() {
    let other = Fake::start();
    let (dir, fake) = (project(), fake());
    fake.state.lock().unwrap().domains_next_base = Some(other.url.clone());
    let output = mamlint()
        .current_dir(dir.path())
        .env("MAMLINT_GRAPH_URL", &fake.url)
        .env("MAMLINT_GRAPH_TOKEN", TOKEN)
        .env("MAMLINT_ATLASSIAN_URL", &fake.url)
        .env("MAMLINT_ATLASSIAN_API_KEY", "atlassian-key-abc")
        .args(["plan", "--verbose"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("links.next of the Atlassian domains: refusing to follow"),
        "{stderr}"
    );
    assert!(!stderr.contains("atlassian-key-abc") && !stderr.contains("cursor="));
    assert!(other.state.lock().unwrap().log.is_empty());
}

#[test]
fn the_token_endpoint_is_retried_like_graph() {
    let (dir, fake) = (project(), fake());
    for fault in [
        Fault::TooMany {
            retry_after: Some(0),
        },
        Fault::TooMany { retry_after: None },
        Fault::Broken,
    ] {
        fake.fault("oauth2/v2.0/token", fault);
    }
    let (code, _, stderr) = run(dir.path(), &fake, &["apply", "--yes", "--verbose"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        stderr.contains("/oauth2/v2.0/token answered 429; retrying in 0 ms"),
        "Retry-After: 0 is honoured: {stderr}"
    );
    assert_eq!(
        stderr
            .matches("/oauth2/v2.0/token answered 429; retrying")
            .count(),
        2,
        "{stderr}"
    );
    assert!(stderr.contains("/oauth2/v2.0/token failed: "), "{stderr}");
    let state = fake.state.lock().unwrap();
    let sent = state
        .log
        .iter()
        .filter(|(_, p)| p.ends_with("/oauth2/v2.0/token"))
        .count();
    assert_eq!(
        (sent, state.token_requests.len()),
        (4, 1),
        "three refused, one issued"
    );
    drop(state);
    // A storm longer than the retry budget fails, saying so.
    for _ in 0..10 {
        fake.fault(
            "oauth2/v2.0/token",
            Fault::TooMany {
                retry_after: Some(0),
            },
        );
    }
    let (code, _, stderr) = run(dir.path(), &fake, &["plan"]);
    assert_eq!(code, Some(1));
    assert!(
        stderr.contains("/oauth2/v2.0/token answered 429"),
        "{stderr}"
    );
}

#[test]
fn a_token_about_to_expire_is_renewed_mid_apply() {
    // Tokens that live two seconds, and a throttled step that waits two: the token taken
    // at the start would have expired, so it is renewed before the retry.
    let (dir, fake) = (project(), fake());
    fake.state.lock().unwrap().token_lifetime = 2;
    fake.fault(
        "/assign",
        Fault::TooMany {
            retry_after: Some(2),
        },
    );
    let (code, _, stderr) = run(dir.path(), &fake, &["apply", "--yes", "--verbose"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        stderr.contains("renewing a token about to expire"),
        "{stderr}"
    );
    let state = fake.state.lock().unwrap();
    assert!(
        state.token_requests.len() >= 2,
        "{:?}",
        state.token_requests
    );
    assert_eq!(
        state.rejected_tokens, 0,
        "no request went out with an expired token"
    );
    assert_ne!(state.bearers.first(), state.bearers.last());
    assert_eq!(
        state.bearers.last(),
        state.issued.last().map(|(token, ..)| token),
        "the renewed token is used"
    );
}

#[test]
fn a_given_token_is_used_as_is_and_never_printed() {
    let (dir, fake) = (project(), fake());
    let output = mamlint()
        .current_dir(dir.path())
        .env("MAMLINT_GRAPH_URL", &fake.url)
        .env("MAMLINT_GRAPH_TOKEN", TOKEN)
        .env_remove("MAMLINT_CLIENT_ID")
        .args(["plan", "--verbose"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(3));
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(!all.contains(TOKEN), "{all}");
    assert!(
        all.contains("/beta/deviceAppManagement/androidManagedAppProtections 200"),
        "--verbose logs calls: {all}"
    );
    assert!(fake.state.lock().unwrap().token_requests.is_empty());
    // A wrong secret: Entra's error, without the secret.
    let output = mamlint()
        .current_dir(dir.path())
        .env("MAMLINT_LOGIN_URL", &fake.url)
        .env("MAMLINT_GRAPH_URL", &fake.url)
        .env("MAMLINT_CLIENT_ID", "x")
        .env("MAMLINT_CLIENT_SECRET", "wrong-secret-value")
        .env_remove("MAMLINT_GRAPH_TOKEN")
        .arg("plan")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr.contains("answered 401 invalid_client: AADSTS7000215"),
        "{stderr}"
    );
    assert!(!stderr.contains("wrong-secret-value"));
}

#[test]
fn atlassian_domains_are_compared_with_the_organization() {
    let (dir, fake) = (project(), fake());
    let output = mamlint()
        .current_dir(dir.path())
        .env("MAMLINT_GRAPH_URL", &fake.url)
        .env("MAMLINT_GRAPH_TOKEN", TOKEN)
        .env("MAMLINT_ATLASSIAN_URL", &fake.url)
        .env("MAMLINT_ATLASSIAN_API_KEY", "atlassian-key-abc")
        .args(["plan", "--format", "json"])
        .output()
        .unwrap();
    let plan: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(
        plan["domains"],
        json!([
            {"organization": "acme", "domain": "acme-extra.com", "finding": "is claimed and verified in Atlassian, but not declared in the Organization document"},
            {"organization": "acme", "domain": "acme.org", "finding": "is declared verified, but Atlassian has no such claimed domain"}
        ])
    );
    let log = fake.state.lock().unwrap().log.clone();
    assert_eq!(
        log.iter()
            .filter(|(_, p)| p.starts_with("/admin/v1/orgs/"))
            .count(),
        2,
        "two pages"
    );
}

#[test]
fn export_writes_manifests_that_plan_as_unchanged() {
    let (dir, fake) = (project(), fake());
    for file in ["ios.yaml", "android.yaml", "pilot.yaml"] {
        std::fs::remove_file(dir.path().join(file)).unwrap();
    }
    let (code, stdout, stderr) = run(dir.path(), &fake, &["export", "--out", "policies"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(stdout.lines().count(), 3, "{stdout}");
    mamlint()
        .current_dir(dir.path())
        .args(["check", "--select", "MAM0,MAM1", "."])
        .assert()
        .code(0);
    let plan = plan_json(dir.path(), &fake);
    let actions: Vec<&str> = plan["tenants"][0]["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["unchanged", "unchanged", "unchanged"]);
}

#[test]
fn offline_plans_read_current_state_from_exports() {
    let (dir, fake) = (project(), fake());
    let exports = tempfile::tempdir().unwrap();
    let current = exports.path().to_path_buf();
    for (i, (_, policy)) in fake.policies().into_iter().enumerate() {
        std::fs::write(current.join(format!("{i}.json")), policy.to_string()).unwrap();
    }
    let output = mamlint()
        .current_dir(dir.path())
        .env_remove("MAMLINT_GRAPH_TOKEN")
        .env_remove("MAMLINT_CLIENT_ID")
        .args(["plan", "--format", "json", "--current"])
        .arg(&current)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(3));
    let plan: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(
        plan["tenants"][0]["changes"][0]["properties"][0]["name"],
        "pinRequired"
    );
    assert_eq!(plan["tenants"][0]["consent"][0]["source"], "declared");
    // Files that do not check are never planned.
    std::fs::write(
        dir.path().join("broken.yaml"),
        "apiVersion: mamlint/v1\nkind: [\n",
    )
    .unwrap();
    let output = mamlint()
        .current_dir(dir.path())
        .arg("plan")
        .arg("--current")
        .arg(&current)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("nothing was planned"));
}

/// Values the checker only warns about are sent as their rule's fix writes them, and the plan
/// says so; values of another type are never sent.
#[test]
fn values_are_sent_with_the_type_graph_needs() {
    let (dir, fake) = (project(), fake());
    let ios = std::fs::read_to_string(dir.path().join("ios.yaml"))
        .unwrap()
        .replace(
            "    pinRequired: true\n",
            "    pinRequired: yes\n    minimumRequiredOsVersion: 16.10\n",
        );
    write(dir.path(), "ios.yaml", &ios);
    let plan = plan_json(dir.path(), &fake);
    let change = plan["tenants"][0]["changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["displayName"] == "Atlassian apps (iOS)")
        .unwrap()
        .clone();
    let new = |name: &str| {
        change["properties"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["name"] == name)
            .map(|p| p["new"].clone())
    };
    assert_eq!(new("pinRequired"), Some(json!(true)));
    assert_eq!(new("minimumRequiredOsVersion"), Some(json!("16.10")));
    let notes = change["coerced"].as_array().unwrap();
    assert!(
        notes[0].as_str().unwrap().starts_with("ios.yaml:")
            && notes.iter().any(|n| n.as_str().unwrap().contains("MAM003"))
            && notes.iter().any(|n| n.as_str().unwrap().contains("MAM004")),
        "{notes:?}"
    );
    let (_, human, _) = run(dir.path(), &fake, &["plan"]);
    assert!(human.contains("note: ios.yaml:"), "{human}");

    let (code, _, stderr) = run(dir.path(), &fake, &["apply", "--yes"]);
    assert_eq!(code, Some(0), "{stderr}");
    let sent = fake
        .policies()
        .into_iter()
        .find(|(_, p)| p["displayName"] == "Atlassian apps (iOS)")
        .unwrap()
        .1;
    assert_eq!(sent["pinRequired"], json!(true));
    assert_eq!(sent["minimumRequiredOsVersion"], json!("16.10"));

    // A number for a duration and a string for a list cannot be sent: even with MAM007 turned
    // off, the plan refuses them, naming each.
    let ios = ios.replace(
        "periodOfflineBeforeAccessCheck: PT12H",
        "periodOfflineBeforeAccessCheck: 720\n    allowedDataStorageLocations: sharePoint",
    );
    write(dir.path(), "ios.yaml", &ios);
    write(
        dir.path(),
        "mamlint.toml",
        "[rules]\nignore = [\"MAM007\"]\n",
    );
    let (code, stdout, stderr) = run(dir.path(), &fake, &["plan"]);
    assert_eq!(code, Some(1), "{stdout}{stderr}");
    assert!(
        stderr.contains("cannot be sent to Graph")
            && stderr.contains("`periodOfflineBeforeAccessCheck` must be an ISO 8601 duration")
            && stderr.contains("`allowedDataStorageLocations` must be a list of"),
        "{stderr}"
    );
}

#[test]
fn plan_deploys_through_the_configured_graph_version() {
    let (dir, fake) = (project(), fake());
    let plan = plan_json(dir.path(), &fake);
    assert_eq!(plan["tenants"][0]["graphApiVersion"], "beta");
    assert!(
        plan["tenants"][0]["graphApiReason"]
            .as_str()
            .unwrap()
            .starts_with("beta-only settings"),
        "chosen by the settings without a configured version: {plan}"
    );
    write(dir.path(), "mamlint.toml", "graph-api-version = \"beta\"\n");
    let plan = plan_json(dir.path(), &fake);
    assert_eq!(plan["tenants"][0]["graphApiVersion"], "beta");
    assert_eq!(
        plan["tenants"][0]["graphApiReason"],
        "graph-api-version = \"beta\" in mamlint.toml"
    );
}

/// Terraform manages its own policies: `plan` checks them with the files but neither creates
/// nor deletes them, even with `--prune`.
#[test]
fn policies_managed_by_terraform_are_left_to_it() {
    let (dir, fake) = (project(), fake());
    let terraform = format!(
        "resource \"microsoft365wp_ios_managed_app_protection\" \"legacy\" {{\n  display_name = \"Legacy Outlook policy\"\n  app_group_type = \"selectedPublicApps\"\n  apps = [{{ app_id = {{ ios = {{ bundle_id = \"com.microsoft.office.outlook\" }} }} }}]\n  assignments = [{{ target = {{ group = {{ group_id = \"{GROUP_A}\" }} }} }}]\n  pin_required = true\n}}\n\nresource \"microsoft365wp_ios_managed_app_protection\" \"new\" {{\n  display_name = \"Managed by Terraform (iOS)\"\n  app_group_type = \"selectedPublicApps\"\n  apps = [{{ app_id = {{ ios = {{ bundle_id = \"com.microsoft.office.outlook\" }} }} }}]\n  assignments = [{{ target = {{ group = {{ group_id = \"{GROUP_A}\" }} }} }}]\n  pin_required = true\n}}\n"
    );
    write(dir.path(), "outlook.tf", &terraform);
    let (code, stdout, stderr) = run(dir.path(), &fake, &["plan", "--prune", "--format", "json"]);
    assert!(matches!(code, Some(0 | 3)), "{stdout}{stderr}");
    let plan: Value = serde_json::from_str(&stdout).unwrap();
    let names: Vec<&str> = plan["tenants"][0]["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["displayName"].as_str().unwrap())
        .collect();
    assert!(
        !names.contains(&"Legacy Outlook policy") && !names.contains(&"Managed by Terraform (iOS)"),
        "{names:?}"
    );
    assert!(names.contains(&"Atlassian apps (iOS)"), "{names:?}");
}

/// Plan knows levels (spec 9): a change that takes a policy below the level it is held to is
/// marked in every output, and `--fail-on-loosening` fails on it even where the direction
/// alone would not: from unset, any offline wipe period counts as tightening.
#[test]
fn plan_marks_changes_below_the_protection_level() {
    let (dir, fake) = (project(), fake());
    let d = dir.path();
    let android = std::fs::read_to_string(d.join("android.yaml"))
        .unwrap()
        .replace(
            "  platform: android\n",
            "  platform: android\n  protectionLevel: 1\n",
        )
        .replace(
            "    pinRequired: true\n",
            "    pinRequired: true\n    periodOfflineBeforeWipeIsEnforced: P180D\n",
        )
        // Nothing else loosens: the tenant's PIN length and offline period stay.
        .replace(
            "    minimumPinLength: 6\n    periodOfflineBeforeAccessCheck: P1D\n",
            "    minimumPinLength: 8\n    periodOfflineBeforeAccessCheck: PT12H\n",
        );
    assert!(android.contains("P180D") && android.contains("PT12H"));
    write(d, "android.yaml", &android);
    // The policies fall short of level 1 elsewhere too; as warnings they do not stop the plan.
    write(
        d,
        "mamlint.toml",
        "[rules]\nseverity = { MAM501 = \"warning\" }\n",
    );

    let plan = plan_json(d, &fake);
    let change = plan["tenants"][0]["changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["displayName"] == "Atlassian apps (Android)")
        .unwrap();
    assert_eq!(change["level"], 1);
    let below: Vec<(&str, &Value)> = change["properties"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|p| Some((p["name"].as_str()?, p.get("belowLevel")?)))
        .collect();
    // Unset in the tenant, its default P90D meets level 1; P180D does not.
    assert_eq!(below, [("periodOfflineBeforeWipeIsEnforced", &json!(1))]);
    // Policies without a level carry no mark.
    let ios = plan["tenants"][0]["changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["displayName"] == "Atlassian apps (iOS)")
        .unwrap();
    assert!(ios.get("level").is_none(), "{ios:#}");

    let (code, human, stderr) = run(d, &fake, &["plan"]);
    assert_eq!(code, Some(3), "{stderr}");
    assert!(
        human.contains(
            "      periodOfflineBeforeWipeIsEnforced: (not set) → P180D (tightening, BELOW LEVEL 1)\n"
        ),
        "{human}"
    );
    assert!(
        human.contains("; 0 loosening; 1 below their protection level.\n"),
        "{human}"
    );
    let (_, markdown, _) = run(d, &fake, &["plan", "--format", "markdown"]);
    assert!(
        markdown.contains(
            "- `periodOfflineBeforeWipeIsEnforced`: `(not set)` → `P180D` (tightening, BELOW LEVEL 1)"
        ),
        "{markdown}"
    );
    let (code, _, _) = run(d, &fake, &["plan", "--fail-on-loosening"]);
    assert_eq!(code, Some(1));

    // The same change without a level is only a change, and passes the gate.
    write(
        d,
        "android.yaml",
        &android.replace("  protectionLevel: 1\n", ""),
    );
    let (code, human, _) = run(d, &fake, &["plan"]);
    assert_eq!(code, Some(3));
    assert!(human.contains("P180D (tightening)\n"), "{human}");
    assert!(!human.contains("below their protection level"), "{human}");
    let (code, _, _) = run(d, &fake, &["plan", "--fail-on-loosening"]);
    assert_eq!(code, Some(3));
}
