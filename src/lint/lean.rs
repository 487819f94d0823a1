//! What a run for reports keeps of each file between its file-scope stage and the workspace
//! stage ([`super::run_for_reports`], `mamlint check`): every tree, less what only the
//! file-scope rules read. Sits between `load` and `check_cached` in the data flow.
//!
//! An app protection policy's settings are most of a repository's nodes, and after the
//! file-scope stage (MAM501 included) only MAM502 reads them, and only of the policies that
//! share an audience of an app with another policy. So [`prune`] takes out the settings the
//! framework and the defaults know (`protection::effective::all_names`, what MAM502 merges),
//! and comments that are not suppressions; once every file is loaded, [`restore_overlapping`]
//! parses again the files of the policies `protection::merge::overlapping` finds, from the
//! same text, so MAM502 merges what a full run merges. A repository whose policies do not meet
//! holds no setting after its walk; one where every policy meets another parses its policy
//! files twice.

use std::collections::BTreeSet;
use std::sync::LazyLock;

use crate::diagnostic::FileId;
use crate::model::{Kind, Platform, Workspace, WorkspaceFile};
use crate::syntax::Value;

/// `protection::effective::all_names` of each platform, sorted (it sorts them).
static PRUNED: LazyLock<[Vec<&'static str>; 2]> = LazyLock::new(|| {
    [
        crate::protection::effective::all_names(Platform::Ios),
        crate::protection::effective::all_names(Platform::Android),
    ]
});

fn pruned_names(platform: Platform) -> &'static [&'static str] {
    match platform {
        Platform::Ios => &PRUNED[0],
        Platform::Android => &PRUNED[1],
    }
}

/// Takes out of `file`'s app protection policies the settings MAM502 merges, and the comments
/// that are not `# mamlint:` directives (suppressions read only those). Whether a setting was
/// taken out: only such a file needs [`restore_overlapping`].
pub(super) fn prune(file: &mut WorkspaceFile) -> bool {
    let targets: Vec<(usize, String, Platform)> = Workspace::entities_of(file)
        .iter()
        .filter(|e| e.kind == Kind::AppProtectionPolicy)
        .filter_map(|e| {
            let position = file
                .loaded
                .parsed
                .documents
                .iter()
                .position(|d| d.index == e.document)?;
            // An `At`'s pointer starts at its entity's root, `base` in the document.
            let pointer = format!("{}{}", e.base, e.settings()?.pointer);
            Some((position, pointer, e.platform()?))
        })
        .collect();
    let mut pruned = false;
    for (position, pointer, platform) in targets {
        let Some(settings) = file
            .loaded
            .parsed
            .documents
            .get_mut(position)
            .and_then(|d| d.root.pointer_mut(&pointer))
        else {
            continue;
        };
        let Value::Object(members) = &mut settings.value else {
            continue;
        };
        let names = pruned_names(platform);
        let before = members.len();
        members.retain(|m| names.binary_search(&m.key.as_str()).is_err());
        if members.len() != before {
            pruned = true;
            members.shrink_to_fit();
        }
    }
    let comments = &mut file.loaded.parsed.comments;
    comments.retain(|c| crate::suppress::parse_directive(&c.text).is_some());
    comments.shrink_to_fit();
    pruned
}

/// Parses again, whole, each pruned file (`pruned[i]` for `files[i]`) that holds a policy
/// sharing an audience of an app with another policy. A file whose text changed since it was
/// read cannot be: it stays pruned, and the returned note says so.
pub(super) fn restore_overlapping(files: &mut [WorkspaceFile], pruned: &[bool]) -> Vec<String> {
    let wanted: BTreeSet<FileId> = {
        let workspace = Workspace::new(files);
        crate::protection::merge::overlapping(&workspace)
            .map(|policy| policy.file)
            .filter(|&file| pruned.get(file).copied().unwrap_or(false))
            .collect()
    };
    let mut notes = Vec::new();
    for file in wanted {
        let Some(wf) = files.get_mut(file) else {
            continue;
        };
        let source = &wf.loaded.source;
        let text = source.contents();
        if text.len() != source.len() {
            notes.push(format!(
                "{}: changed while it was checked; MAM502 compared its policies without their settings",
                source.path
            ));
            continue;
        }
        let mut parsed = crate::syntax::load(&source.path, text.as_bytes()).parsed;
        parsed.shrink_to_fit();
        wf.loaded.parsed = parsed;
    }
    notes
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::{Input, Loaded, load};

    fn loaded(path: &str, text: &str) -> WorkspaceFile {
        match load(Input::memory(path, text)) {
            Loaded::Checked(file) => file,
            _ => panic!("{path} not loaded"),
        }
    }

    fn keys(node: &crate::syntax::Node) -> Vec<String> {
        node.as_object()
            .unwrap_or_default()
            .iter()
            .map(|m| m.key.to_string())
            .collect()
    }

    #[test]
    fn the_settings_mam502_merges_go_and_the_rest_of_the_policy_stays() {
        let mut file = loaded(
            "policy.yaml",
            "# a note\napiVersion: mamlint/v1\nkind: AppProtectionPolicy\nmetadata: {name: p}\nspec:\n  platform: ios\n  displayName: P\n  apps: [com.atlassian.jira.app]\n  settings:\n    pinRequired: true  # mamlint: ignore[MAM406] reason: kept\n    printBlocked: true\n    customNote: kept\n",
        );
        assert!(prune(&mut file));
        let root = &file.loaded.parsed.documents[0].root;
        assert_eq!(
            keys(root.pointer("/spec/settings").unwrap()),
            ["customNote"]
        );
        assert_eq!(
            keys(root.get("spec").unwrap()),
            ["platform", "displayName", "apps", "settings"]
        );
        let comments: Vec<&str> = file
            .loaded
            .parsed
            .comments
            .iter()
            .map(|c| c.text.as_str())
            .collect();
        assert_eq!(comments.len(), 1, "{comments:?}");
        assert!(comments[0].contains("mamlint: ignore"), "{comments:?}");
    }

    #[test]
    fn each_policy_of_a_graph_list_loses_its_settings_and_keeps_its_apps() {
        let policy = |platform: &str| {
            format!(
                r##"{{"@odata.type": "#microsoft.graph.{platform}ManagedAppProtection", "displayName": "{platform}", "pinRequired": true, "apps": [], "assignments": []}}"##
            )
        };
        let text = format!(r#"{{"value": [{}, {}]}}"#, policy("ios"), policy("android"));
        let mut file = loaded("list.json", &text);
        assert!(prune(&mut file));
        let root = &file.loaded.parsed.documents[0].root;
        for item in ["/value/0", "/value/1"] {
            assert_eq!(
                keys(root.pointer(item).unwrap()),
                ["@odata.type", "displayName", "apps", "assignments"],
                "{item}"
            );
        }
    }

    #[test]
    fn a_file_without_app_protection_policies_is_not_pruned() {
        let mut file = loaded(
            "tenant.yaml",
            "apiVersion: mamlint/v1\nkind: EntraTenant\nmetadata: {name: t}\nspec:\n  tenantId: 0b6e2c1a-5f0d-4c5e-9a7b-3d2f1e0c9b8a\n",
        );
        let before = file.loaded.parsed.documents[0].root.clone();
        assert!(!prune(&mut file));
        assert_eq!(file.loaded.parsed.documents[0].root, before);
    }
}
