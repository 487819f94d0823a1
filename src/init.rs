//! `mamlint init`: the files a policy repository starts with — a commented `mamlint.toml`, a
//! `.pre-commit-config.yaml`, and, from a tenant's current state, one manifest per app
//! protection policy that targets an Atlassian app.
//!
//! Beside the data flow, like `plan`'s export, whose manifests it reuses: it only decides
//! which files to write and what they say; the command line reads the tenant (through
//! `export`'s code), refuses to overwrite and writes. Depends on `plan` and `model`.

use std::path::{Component, Path, PathBuf};

use crate::model::catalog::is_atlassian_id;
use crate::model::{Kind, Workspace};
use crate::plan::export;
use crate::plan::state::Policy;

/// A file to write, its path relative to the repository being started.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Planned {
    pub path: PathBuf,
    pub text: String,
}

/// Where the tenants' manifests go, and what the starter configuration checks.
pub const POLICY_DIR: &str = "policies";

/// The starter configuration: every key commented with what it does. It parses and passes
/// mamlint's own checks of a configuration (MAM014); a test holds it to that.
pub const CONFIG: &str = r#"# mamlint.toml: how `mamlint check` reads this repository. Written by `mamlint init`;
# every key is optional. The keys are described in mamlint's README ("Configuration") and
# in its JSON Schema (`mamlint schema MamlintConfig`).

# What `mamlint check` checks when it is given no path.
include = ["policies"]

# Documents always loaded, so that cross-document rules see the Organization and the
# EntraTenants even when pre-commit passes only the policy files that changed. Findings
# only in them are not reported.
# context = ["tenants", "organization.yaml"]

# Never checked, even when named on the command line (as pre-commit does).
# exclude = ["policies/drafts/**"]

# The lowest severity that fails the run (exit 1): "error" (the default), "warning", "info".
# fail-level = "warning"

# The Graph API version you deploy through: "beta" (the default, as the Intune admin center)
# or "v1.0", which reports settings that exist only in beta.
# graph-api-version = "v1.0"

[rules]
# Rules by code, code prefix or name (`mamlint rule --all` lists them).
# select = ["MAM"]
# ignore = ["MAM404"]
# severity = { MAM402 = "error" }

[protection]
# Hold every policy that targets an Atlassian app to this level of Microsoft's data
# protection framework (1 basic, 2 enhanced, 3 high); MAM501 reports what falls short.
# level = 2
"#;

/// The commented-out `context` line of [`CONFIG`], which [`config`] replaces.
const CONTEXT_EXAMPLE: &str = "# context = [\"tenants\", \"organization.yaml\"]";

/// The documents cross-document rules need beside the policies; pre-commit passes only the
/// policy files that changed, so `context` loads these always.
const CONTEXT_KINDS: [Kind; 3] = [Kind::Organization, Kind::MobileAppPolicy, Kind::EntraTenant];

/// The files under `base` that hold the workspace's Organization, MobileAppPolicy and
/// EntraTenant documents, relative to `base` with `/`, sorted, each once.
pub fn context_files(workspace: &Workspace<'_>, base: &Path) -> Vec<String> {
    let mut files: Vec<String> = CONTEXT_KINDS
        .iter()
        .flat_map(|&kind| workspace.of_kind(kind))
        .filter_map(|entity| {
            let path = Path::new(entity.path);
            let relative = path.strip_prefix(base).unwrap_or(path);
            let parts: Option<Vec<&str>> = relative
                .components()
                .filter(|c| !matches!(c, Component::CurDir))
                .map(|c| match c {
                    Component::Normal(part) => part.to_str(),
                    // Outside `base`: not this repository's to list.
                    _ => None,
                })
                .collect();
            parts.filter(|p| !p.is_empty()).map(|p| p.join("/"))
        })
        .collect();
    files.sort();
    files.dedup();
    files
}

/// The starter configuration with `context` set to `files`; [`CONFIG`] itself when there are
/// none.
pub fn config(context: &[String]) -> String {
    if context.is_empty() {
        return CONFIG.to_owned();
    }
    let list: Vec<String> = context
        .iter()
        .map(|file| toml::Value::String(file.clone()).to_string())
        .collect();
    CONFIG.replacen(
        CONTEXT_EXAMPLE,
        &format!("context = [{}]", list.join(", ")),
        1,
    )
}

/// The `.pre-commit-config.yaml` that runs this version of mamlint from its published wheel.
pub fn pre_commit_config() -> String {
    format!(
        "# pre-commit (https://pre-commit.com) runs mamlint on the policy files of each commit once\n\
         # `pre-commit install` has set it up. Written by `mamlint init`; mamlint-pre-commit installs\n\
         # mamlint's prebuilt wheel, so nothing is compiled.\n\
         repos:\n\
         \x20 - repo: https://github.com/mamlint/mamlint-pre-commit\n\
         \x20   rev: v{}\n\
         \x20   hooks:\n\
         \x20     - id: mamlint\n",
        env!("CARGO_PKG_VERSION")
    )
}

/// `mamlint.toml` (with `context` set to `context`, if any) and `.pre-commit-config.yaml`.
pub fn starter_files(context: &[String]) -> Vec<Planned> {
    vec![
        Planned {
            path: PathBuf::from("mamlint.toml"),
            text: config(context),
        },
        Planned {
            path: PathBuf::from(".pre-commit-config.yaml"),
            text: pre_commit_config(),
        },
    ]
}

/// One manifest per policy of `tenant` that targets an Atlassian app (others are Intune's
/// business, not mamlint's), under `policies/`, or `policies/<tenant>/` when several tenants
/// are written, as `export` does: their policies may share display names.
pub fn policy_files(tenant: &str, policies: &[Policy], several: bool) -> Vec<Planned> {
    let dir = if several {
        PathBuf::from(POLICY_DIR).join(tenant)
    } else {
        PathBuf::from(POLICY_DIR)
    };
    policies
        .iter()
        .filter(|policy| policy.apps.iter().any(|app| is_atlassian_id(app)))
        .map(|policy| {
            let (file, text) = export::manifest(policy, tenant);
            Planned {
                path: dir.join(file),
                text,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::model::Platform;
    use crate::plan::state::from_graph;
    use serde_json::json;

    #[test]
    fn the_starter_configuration_has_no_mistakes_and_sets_include() {
        let dir = tempfile::tempdir().unwrap();
        let config = Config::parse(
            &dir.path().join("mamlint.toml"),
            CONFIG.to_owned(),
            crate::rules::metas(),
        );
        let errors: Vec<_> = config.sources.iter().flat_map(|s| &s.errors).collect();
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(config.include, [dir.path().join("policies")]);
        assert_eq!(config.fail_level, None);
    }

    #[test]
    fn context_replaces_the_example_line_and_parses() {
        assert!(CONFIG.contains(CONTEXT_EXAMPLE));
        let text = config(&["org/a b.yaml".to_owned(), "tenants/\"x\".yaml".to_owned()]);
        assert!(!text.contains(CONTEXT_EXAMPLE), "{text}");
        let dir = tempfile::tempdir().unwrap();
        // Context paths must exist: the configuration's checks say so otherwise.
        for file in ["org/a b.yaml", "tenants/\"x\".yaml"] {
            let path = dir.path().join(file);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, "").unwrap();
        }
        let parsed = Config::parse(
            &dir.path().join("mamlint.toml"),
            text,
            crate::rules::metas(),
        );
        let errors: Vec<_> = parsed.sources.iter().flat_map(|s| &s.errors).collect();
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(
            parsed.context,
            [
                dir.path().join("org/a b.yaml"),
                dir.path().join("tenants/\"x\".yaml")
            ]
        );
    }

    #[test]
    fn the_pre_commit_configuration_pins_this_version() {
        let text = pre_commit_config();
        assert!(
            text.contains(&format!("    rev: v{}\n", env!("CARGO_PKG_VERSION"))),
            "{text}"
        );
        assert!(text.contains("      - id: mamlint\n"), "{text}");
    }

    #[test]
    fn only_policies_that_target_atlassian_apps_become_manifests() {
        let policy = |name: &str, bundle: &str| {
            from_graph(
                &json!({"id": "T_1", "displayName": name, "pinRequired": true,
                    "apps": [{"mobileAppIdentifier": {"bundleId": bundle}}], "assignments": []}),
                Platform::Ios,
                "test",
            )
            .unwrap()
        };
        let policies = [
            policy("Atlassian apps", "com.atlassian.jira.app"),
            policy("Outlook", "com.microsoft.office.outlook"),
        ];
        let one = policy_files("acme", &policies, false);
        assert_eq!(
            one.iter().map(|p| p.path.clone()).collect::<Vec<_>>(),
            [PathBuf::from("policies/atlassian-apps-ios.yaml")]
        );
        assert!(one[0].text.contains("  tenant: acme\n"), "{}", one[0].text);
        let several = policy_files("acme", &policies, true);
        assert_eq!(
            several[0].path,
            PathBuf::from("policies/acme/atlassian-apps-ios.yaml")
        );
    }
}
