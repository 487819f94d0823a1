//! `mamlint init` in a temporary directory: the starter files, refusing to overwrite them
//! without `--force`, manifests of a tenant's Atlassian policies from Graph exports, and
//! `mamlint check` on what it wrote.

use std::path::Path;

use crate::support::{mamlint, root};

/// `mamlint ARGS` in `dir`: exit code, stdout, stderr.
fn run(dir: &Path, args: &[&str]) -> (Option<i32>, String, String) {
    let output = mamlint().current_dir(dir).args(args).output().unwrap();
    (
        output.status.code(),
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8(output.stderr).unwrap(),
    )
}

const NEXT: &str = "Next: put your Organization and EntraTenant manifests beside the policies (see `context` in mamlint.toml), run `mamlint check`, then `pre-commit install`.\n";

#[test]
fn init_writes_a_configuration_that_check_accepts() {
    let dir = tempfile::tempdir().unwrap();
    let (code, stdout, stderr) = run(dir.path(), &["init"]);
    assert_eq!(
        (code, stdout.as_str(), stderr.as_str()),
        (Some(0), "mamlint.toml\n.pre-commit-config.yaml\n", NEXT)
    );
    let config = std::fs::read_to_string(dir.path().join("mamlint.toml")).unwrap();
    assert_eq!(config, mamlint::init::CONFIG);
    let hooks = std::fs::read_to_string(dir.path().join(".pre-commit-config.yaml")).unwrap();
    assert!(
        hooks.contains(&format!(
            "  - repo: https://github.com/mamlint/mamlint-pre-commit\n    rev: v{}\n    hooks:\n      - id: mamlint\n",
            env!("CARGO_PKG_VERSION")
        )),
        "{hooks}"
    );
    assert!(dir.path().join("policies").is_dir());
    // The configuration is found, has no mistakes (they would exit 2) and checks `policies/`.
    std::fs::copy(
        root().join("examples/broken/ios-policies.yaml"),
        dir.path().join("policies/ios.yaml"),
    )
    .unwrap();
    std::fs::write(dir.path().join("stray.yaml"), "kind: AppProtectionPolcy\n").unwrap();
    let (code, stdout, stderr) = run(dir.path(), &["check", "--format", "concise"]);
    assert_eq!(code, Some(1), "{stdout}{stderr}");
    assert!(
        stdout.lines().all(|l| l.starts_with("policies/ios.yaml:")),
        "only include = [\"policies\"] is checked:\n{stdout}"
    );
    assert!(
        stdout.contains("policies/ios.yaml:12:7: MAM102 [error] "),
        "{stdout}"
    );
}

#[test]
fn init_refuses_to_overwrite_without_force() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("mamlint.toml"),
        "fail-level = \"warning\"\n",
    )
    .unwrap();
    let (code, stdout, stderr) = run(dir.path(), &["init"]);
    assert_eq!(
        (code, stdout.as_str(), stderr.as_str()),
        (
            Some(2),
            "",
            "error: mamlint.toml already exists; mamlint init does not overwrite files (--force replaces them)\n"
        )
    );
    // Nothing was written, not even the files that did not exist.
    assert_eq!(
        std::fs::read_to_string(dir.path().join("mamlint.toml")).unwrap(),
        "fail-level = \"warning\"\n"
    );
    assert!(!dir.path().join(".pre-commit-config.yaml").exists());
    let (code, _, stderr) = run(dir.path(), &["init", "--force"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("mamlint.toml")).unwrap(),
        mamlint::init::CONFIG
    );
}

#[test]
fn init_from_exports_writes_the_tenants_atlassian_policies() {
    let dir = tempfile::tempdir().unwrap();
    let tenants = dir.path().join("tenants");
    std::fs::create_dir(&tenants).unwrap();
    for file in [
        "organization.yaml",
        "entra-tenants.yaml",
        "mobile-app-policy.yaml",
    ] {
        std::fs::copy(root().join("examples/clean").join(file), tenants.join(file)).unwrap();
    }
    let exports = root().join("examples/clean/policies/acme-labs-entra");
    let exports = exports.to_str().unwrap();
    let (code, stdout, stderr) = run(
        dir.path(),
        &[
            "init",
            "--from-export",
            exports,
            "--tenant",
            "acme-labs-entra",
        ],
    );
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(
        stdout.lines().collect::<Vec<_>>(),
        [
            "mamlint.toml",
            ".pre-commit-config.yaml",
            "policies/atlassian-apps-android-labs-android.yaml",
            "policies/atlassian-apps-ios-labs-ios.yaml",
        ]
    );
    assert_eq!(
        stderr,
        format!("Read 2 policies of acme-labs-entra, 2 of them for Atlassian apps.\n{NEXT}")
    );
    let ios = std::fs::read_to_string(dir.path().join("policies/atlassian-apps-ios-labs-ios.yaml"))
        .unwrap();
    assert!(
        ios.contains("kind: AppProtectionPolicy\n") && ios.contains("  tenant: acme-labs-entra\n"),
        "{ios}"
    );
    // The tenants' files became `context`, so a plain `mamlint check` (of `include`) sees
    // the tenants the written manifests name, and passes.
    let config = std::fs::read_to_string(dir.path().join("mamlint.toml")).unwrap();
    assert!(
        config.contains("\ncontext = [\"tenants/entra-tenants.yaml\", \"tenants/mobile-app-policy.yaml\", \"tenants/organization.yaml\"]\n"),
        "{config}"
    );
    let (code, stdout, stderr) = run(dir.path(), &["check"]);
    assert_eq!(
        (code, stdout.as_str()),
        (Some(0), "All checks passed: 2 documents in 2 files.\n"),
        "{stderr}"
    );
    // A second run would replace them: refused, naming each file.
    let (code, _, stderr) = run(
        dir.path(),
        &[
            "init",
            "--from-export",
            exports,
            "--tenant",
            "acme-labs-entra",
        ],
    );
    assert_eq!(code, Some(2));
    let refused = stderr.lines().filter(|l| {
        l.ends_with(
            " already exists; mamlint init does not overwrite files (--force replaces them)",
        )
    });
    assert_eq!(refused.count(), 4, "{stderr}");
    assert!(
        stderr.contains("error: policies/atlassian-apps-ios-labs-ios.yaml already exists;"),
        "{stderr}"
    );
}

#[test]
fn init_from_exports_without_a_tenant_says_which_to_name() {
    let dir = tempfile::tempdir().unwrap();
    let exports = root().join("examples/clean/policies/acme-labs-entra");
    let (code, stdout, stderr) = run(
        dir.path(),
        &["init", "--from-export", exports.to_str().unwrap()],
    );
    assert_eq!(
        (code, stdout.as_str(), stderr.as_str()),
        (
            Some(2),
            "",
            "error: no EntraTenant is loaded from .; name the tenant the exported policies belong to with --tenant NAME\n"
        )
    );
    assert!(!dir.path().join("mamlint.toml").exists());
    // Named, the exports become that tenant's manifests even before it is described.
    let (code, stdout, stderr) = run(
        dir.path(),
        &[
            "init",
            "--from-export",
            exports.to_str().unwrap(),
            "--tenant",
            "labs",
        ],
    );
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(stdout.lines().count(), 4, "{stdout}");
    let android = std::fs::read_to_string(
        dir.path()
            .join("policies/atlassian-apps-android-labs-android.yaml"),
    )
    .unwrap();
    assert!(android.contains("  tenant: labs\n"), "{android}");
}
