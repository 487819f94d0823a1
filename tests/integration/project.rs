//! Every command resolves its inputs the same way (`project`): `--config`, `--no-config`,
//! `include`, `exclude` and `context` mean the same to `check`, `plan`, `apply` and `export`.
//! The language server's side is in `lsp.rs` (`the_workspace_is_resolved_like_check`).

use std::path::Path;

use crate::support::{mamlint, root};

/// A repository whose `mamlint.toml` checks `policies/` (without `policies/drafts/`) against
/// the organization and tenants in `org/`, and an alternative configuration in `ci/` that
/// reads the drafts too.
pub(crate) fn repository() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let copy = |from: &str, to: &str| {
        let target = dir.path().join(to);
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::copy(root().join(from), target).unwrap();
    };
    copy("examples/clean/organization.yaml", "org/organization.yaml");
    copy(
        "examples/clean/entra-tenants.yaml",
        "org/entra-tenants.yaml",
    );
    copy(
        "examples/clean/mobile-app-policy.yaml",
        "org/mobile-app-policy.yaml",
    );
    copy(
        "examples/clean/policies/acme-ios.yaml",
        "policies/acme-ios.yaml",
    );
    for file in [
        "android.json",
        "oauth2PermissionGrants.json",
        "servicePrincipals.json",
    ] {
        copy(
            &format!("examples/tenant-state/acme-entra/{file}"),
            &format!("state/acme-entra/{file}"),
        );
    }
    let ios = std::fs::read_to_string(root().join("examples/clean/policies/acme-ios.yaml"))
        .unwrap()
        .replace("name: acme-atlassian-ios", "name: draft-ios")
        .replace(
            "displayName: Atlassian apps (iOS)",
            "displayName: Draft (iOS)",
        )
        .replace("pinRequired: true", "pinRequired: maybe");
    write(dir.path(), "policies/drafts/draft-ios.yaml", &ios);
    write(
        dir.path(),
        "mamlint.toml",
        "include = [\"policies\"]\nexclude = [\"policies/drafts/**\"]\ncontext = [\"org\"]\n",
    );
    write(
        dir.path(),
        "ci/mamlint.toml",
        "include = [\"../policies\"]\ncontext = [\"../org\"]\n",
    );
    dir
}

fn write(dir: &Path, name: &str, text: &str) {
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn run(dir: &Path, args: &[&str]) -> (Option<i32>, String, String) {
    let output = mamlint()
        .current_dir(dir)
        .env_remove("MAMLINT_GRAPH_TOKEN")
        .env_remove("MAMLINT_CLIENT_ID")
        .env_remove("MAMLINT_CLIENT_SECRET")
        .env_remove("MAMLINT_ATLASSIAN_API_KEY")
        .args(args)
        .output()
        .unwrap();
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn check_honours_include_exclude_context_and_the_config_flags() {
    let dir = repository();
    let (code, stdout, stderr) = run(dir.path(), &["check"]);
    assert_eq!(code, Some(0), "{stdout}{stderr}");
    assert!(
        stdout.contains("1 document in 1 file."),
        "only the included file is reported: {stdout}"
    );

    // Without the configuration the drafts are checked and the context is not loaded.
    let (code, stdout, _) = run(dir.path(), &["check", "--no-config", "policies"]);
    assert_eq!(code, Some(1), "{stdout}");
    assert!(
        stdout.contains("policies/drafts/draft-ios.yaml"),
        "{stdout}"
    );
    assert!(
        stdout.contains("MAM008"),
        "no tenant without context: {stdout}"
    );

    // Another configuration file: its include and context, relative to it; no exclude.
    let (code, stdout, _) = run(dir.path(), &["check", "--config", "ci/mamlint.toml"]);
    assert_eq!(code, Some(1), "{stdout}");
    assert!(stdout.contains("draft-ios.yaml"), "{stdout}");
    assert!(stdout.contains("MAM007"), "{stdout}");
    assert!(
        !stdout.contains("MAM008"),
        "context resolves the tenant: {stdout}"
    );

    let (code, _, stderr) = run(dir.path(), &["check", "--config", "nowhere.toml"]);
    assert_eq!(code, Some(2));
    assert!(stderr.contains("cannot read configuration"), "{stderr}");
}

#[test]
fn plan_honours_include_exclude_context_and_the_config_flags() {
    let dir = repository();
    let (code, stdout, stderr) = run(dir.path(), &["plan", "--current", "state"]);
    assert!(
        matches!(code, Some(0 | 3)),
        "the configured files plan: {stdout}{stderr}"
    );
    assert!(stdout.contains("Tenant acme-entra"), "{stdout}");

    for args in [
        &[
            "plan",
            "--current",
            "state",
            "--no-config",
            "policies",
            "org",
        ][..],
        &["plan", "--current", "state", "--config", "ci/mamlint.toml"][..],
    ] {
        let (code, stdout, stderr) = run(dir.path(), args);
        assert_eq!(code, Some(1), "{args:?}: {stdout}{stderr}");
        assert!(
            stderr.contains("draft-ios.yaml") && stderr.contains("nothing was planned"),
            "{args:?}: the draft is checked and blocks the plan: {stderr}"
        );
    }

    // A context path that cannot be read stops the plan, as it stops `check`.
    write(
        dir.path(),
        "broken/mamlint.toml",
        "context = [\"../org\"]\ninclude = [\"../missing\"]\n",
    );
    let (code, _, stderr) = run(
        dir.path(),
        &[
            "plan",
            "--current",
            "state",
            "--config",
            "broken/mamlint.toml",
        ],
    );
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("cannot read"), "{stderr}");
    let (code, _, stderr) = run(dir.path(), &["check", "--config", "broken/mamlint.toml"]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("cannot read"), "{stderr}");
}

#[test]
fn apply_and_export_find_tenants_through_the_context() {
    let dir = repository();
    // The tenants are only in the context: export finds them with the configuration...
    let (code, stdout, stderr) = run(
        dir.path(),
        &[
            "export",
            "--from",
            "state/acme-entra",
            "--tenant",
            "acme-entra",
            "--out",
            "out",
        ],
    );
    assert_eq!(code, Some(0), "{stdout}{stderr}");
    assert!(stderr.contains("Exported"), "{stderr}");
    // ...and not without it.
    let (code, _, stderr) = run(
        dir.path(),
        &[
            "export",
            "--from",
            "state/acme-entra",
            "--no-config",
            "policies",
            "--out",
            "out2",
        ],
    );
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("no EntraTenant"), "{stderr}");

    // apply checks the files like plan before asking for credentials.
    let (code, _, stderr) = run(
        dir.path(),
        &["apply", "--yes", "--no-config", "policies", "org"],
    );
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.contains("nothing was planned"), "{stderr}");
}
