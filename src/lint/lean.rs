//! What a run for reports keeps of each file between its file-scope stage and the workspace
//! stage ([`super::run_for_reports`], `mamlint check`): every tree, less what only the
//! file-scope rules read. Sits between `load` and `check_cached` in the data flow.
//!
//! An app protection policy's settings are most of a repository's nodes, and after the
//! file-scope stage (MAM501 included) only MAM502 reads them, and only of the policies that
//! share an audience of an app with another policy. So [`prune`] keeps of each policy what the
//! workspace stage reads of it (its names, tenant, platform, apps and assignments), and takes
//! of an app configuration manifest all of its spec but its `tenant` (of another tool's
//! configuration its `customSettings`), a manifest policy's `appGroupType` and
//! `description`, a Graph policy's app `version`s and all of its assignments but their
//! targets, a manifest's `apiVersion` and `kind` (read when the file was classified) and
//! comments that are not suppressions. Once every file is loaded, [`restore`] parses again
//! the files of the policies that `protection::merge::overlapping` finds ([`to_restore`]),
//! from the same text, so MAM502 merges what a full run merges. A repository whose policies
//! do not meet holds no setting after its walk; one where every policy meets another parses
//! its policy files twice.
//! `tests/integration/lean.rs` holds a lean run to a full one over every fixture.

use std::collections::BTreeSet;

use crate::diagnostic::FileId;
use crate::model::{Kind, Origin, Workspace, WorkspaceFile};
use crate::syntax::{Member, Value};

/// What the workspace stage reads of a Graph app protection policy: what it is, its name, its
/// apps and its assignments (`model::reach`, `Entity::apps`, the workspace's indexes). The
/// tenant of an export comes from its path.
const GRAPH_POLICY_READ: &[&str] = &[
    "@odata.context",
    "@odata.type",
    "apps",
    "assignments",
    "displayName",
    "id",
];

/// Which members of a mapping the workspace stage reads.
#[derive(Clone, Copy)]
enum Read {
    /// An app protection policy's settings block: none of a manifest's `spec.settings`, and
    /// of a Graph policy's root [`GRAPH_POLICY_READ`].
    PolicySettings(Origin),
    /// An app configuration's spec: of a manifest only its `tenant` (MAM008; its name is in
    /// its metadata, and only file-scope rules read its apps, assignments and
    /// `customSettings`), of a Graph or other tool's configuration all but `customSettings`
    /// (its root, which names it).
    ConfigurationSpec(Origin),
    /// A manifest app protection policy's spec: all but `appGroupType` (MAM104, file-scope)
    /// and `description` (which only `plan` reads, from a full run).
    PolicySpec,
    /// An app of a Graph policy's `apps`: all but its `version` (`Entity::apps` reads its
    /// `id` and `mobileAppIdentifier`).
    GraphApp,
    /// An assignment of a Graph policy: only its `target` (`model::reach`).
    GraphAssignment,
    /// A manifest's root: all but `apiVersion` and `kind`.
    ManifestRoot,
}

impl Read {
    fn keeps(self, member: &Member) -> bool {
        let key = member.key.as_str();
        match self {
            Read::PolicySettings(Origin::Manifest) => false,
            Read::PolicySettings(Origin::GraphExport { .. }) => GRAPH_POLICY_READ.contains(&key),
            Read::ConfigurationSpec(Origin::Manifest) => key == "tenant",
            Read::ConfigurationSpec(Origin::GraphExport { .. }) => key != "customSettings",
            Read::PolicySpec => key != "appGroupType" && key != "description",
            Read::GraphApp => key != "version",
            Read::GraphAssignment => key == "target",
            Read::ManifestRoot => key != "apiVersion" && key != "kind",
        }
    }
}

/// What is let go of `file`'s documents after its file-scope stage (see the module docs).
/// Whether a policy lost a setting: only such a file may need [`restore`].
pub(super) fn prune(file: &mut WorkspaceFile) -> bool {
    // (document position, pointer in the document, what is read there)
    let mut mappings: Vec<(usize, String, Read)> = Vec::new();
    for e in Workspace::entities_of(file) {
        let Some(position) = file
            .loaded
            .parsed
            .documents
            .iter()
            .position(|d| d.index == e.document)
        else {
            continue;
        };
        // An `At`'s pointer starts at its entity's root, `base` in the document.
        let at = |pointer: &str| format!("{}{pointer}", e.base);
        if e.origin == Origin::Manifest {
            mappings.push((position, String::new(), Read::ManifestRoot));
        }
        if e.kind == Kind::AppProtectionPolicy
            && e.origin == Origin::Manifest
            && let Some(spec) = e.spec()
        {
            mappings.push((position, at(&spec.pointer), Read::PolicySpec));
        }
        if e.kind == Kind::AppProtectionPolicy
            && let Some(settings) = e.settings()
        {
            let read = Read::PolicySettings(e.origin);
            mappings.push((position, at(&settings.pointer), read));
        }
        if e.kind == Kind::AppProtectionPolicy && e.is_export() {
            for (key, read) in [
                ("apps", Read::GraphApp),
                ("assignments", Read::GraphAssignment),
            ] {
                for item in e.spec_get(key).iter().flat_map(|list| list.items()) {
                    mappings.push((position, at(&item.pointer), read));
                }
            }
        }
        if e.kind == Kind::AppConfigurationPolicy
            && let Some(spec) = e.spec()
        {
            mappings.push((
                position,
                at(&spec.pointer),
                Read::ConfigurationSpec(e.origin),
            ));
        }
    }
    let documents = &mut file.loaded.parsed.documents;
    let mut pruned = false;
    for (position, pointer, read) in mappings {
        let Some(Value::Object(members)) = documents
            .get_mut(position)
            .and_then(|d| d.root.pointer_mut(&pointer))
            .map(|node| &mut node.value)
        else {
            continue;
        };
        let before = members.len();
        // `keep_for_workspace_stage` gives back the room afterwards.
        members.retain(|m| read.keeps(m));
        pruned |= matches!(read, Read::PolicySettings(_)) && members.len() != before;
    }
    let comments = &mut file.loaded.parsed.comments;
    comments.retain(|c| crate::suppress::parse_directive(&c.text).is_some());
    pruned
}

/// The pruned files (`pruned[i]` for file `i` of the workspace) that hold a policy sharing an
/// audience of an app with another policy: those [`restore`] must parse again.
pub(super) fn to_restore(workspace: &Workspace<'_>, pruned: &[bool]) -> BTreeSet<FileId> {
    crate::protection::merge::overlapping(workspace)
        .map(|policy| policy.file)
        .filter(|&file| pruned.get(file).copied().unwrap_or(false))
        .collect()
}

/// Parses `wanted` files again, whole, from the text they were checked with. A file whose
/// text changed since it was read cannot be: it stays pruned, and the returned note says so.
pub(super) fn restore(files: &mut [WorkspaceFile], wanted: &BTreeSet<FileId>) -> Vec<String> {
    let mut notes = Vec::new();
    for &file in wanted {
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
        parsed.compact();
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
    fn a_manifest_keeps_its_names_apps_and_an_empty_settings_block() {
        let mut file = loaded(
            "policy.yaml",
            "# a note\napiVersion: mamlint/v1\nkind: AppProtectionPolicy\nmetadata: {name: p}\nspec:\n  platform: ios\n  displayName: P\n  description: for the field team\n  appGroupType: selectedPublicApps\n  apps: [com.atlassian.jira.app]\n  settings:\n    pinRequired: true  # mamlint: ignore[MAM406] reason: kept\n    printBlocked: true\n    customNote: kept\n",
        );
        assert!(prune(&mut file));
        let root = &file.loaded.parsed.documents[0].root;
        assert_eq!(keys(root), ["metadata", "spec"]);
        assert_eq!(
            keys(root.pointer("/spec/settings").unwrap()),
            Vec::<String>::new()
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
    fn each_policy_of_a_graph_list_keeps_only_what_the_workspace_stage_reads() {
        let policy = |platform: &str| {
            format!(
                r##"{{"@odata.type": "#microsoft.graph.{platform}ManagedAppProtection", "displayName": "{platform}", "pinRequired": true, "description": "d", "isAssigned": true, "apps": [{{"id": "com.atlassian.jira.app.ios", "version": "-1", "mobileAppIdentifier": {{"@odata.type": "#microsoft.graph.iosMobileAppIdentifier", "bundleId": "com.atlassian.jira.app"}}}}], "assignments": [{{"id": "g_incl", "source": "direct", "target": {{"@odata.type": "#microsoft.graph.groupAssignmentTarget", "groupId": "g"}}}}]}}"##
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
            let app = root.pointer(&format!("{item}/apps/0")).unwrap();
            assert_eq!(keys(app), ["id", "mobileAppIdentifier"], "{item}");
            let mobile = app.get("mobileAppIdentifier").unwrap();
            assert_eq!(keys(mobile), ["@odata.type", "bundleId"], "{item}");
            let assignment = root.pointer(&format!("{item}/assignments/0")).unwrap();
            assert_eq!(keys(assignment), ["target"], "{item}");
            let target = assignment.get("target").unwrap();
            assert_eq!(keys(target), ["@odata.type", "groupId"], "{item}");
        }
    }

    #[test]
    fn an_app_configuration_manifest_keeps_only_its_tenant() {
        let mut file = loaded(
            "tunnel.yaml",
            "apiVersion: mamlint/v1\nkind: AppConfigurationPolicy\nmetadata: {name: tunnel}\nspec:\n  tenant: acme-entra\n  displayName: Tunnel\n  apps: [com.microsoft.emmx]\n  customSettings:\n    - {name: com.microsoft.tunnel.connection_name, value: acme}\n",
        );
        assert!(!prune(&mut file), "no app protection setting went");
        let root = &file.loaded.parsed.documents[0].root;
        assert_eq!(keys(root), ["metadata", "spec"]);
        assert_eq!(keys(root.get("spec").unwrap()), ["tenant"]);
    }

    #[test]
    fn a_graph_app_configuration_keeps_its_name_and_loses_its_custom_settings() {
        let mut file = loaded(
            "tunnel.json",
            r##"{"@odata.type": "#microsoft.graph.targetedManagedAppConfiguration", "displayName": "Tunnel", "apps": [], "customSettings": [{"name": "com.microsoft.tunnel.connection_name", "value": "acme"}]}"##,
        );
        assert!(!prune(&mut file));
        let root = &file.loaded.parsed.documents[0].root;
        assert_eq!(keys(root), ["@odata.type", "displayName", "apps"]);
    }

    #[test]
    fn a_tenant_keeps_its_spec_and_needs_no_second_parse() {
        let mut file = loaded(
            "tenant.yaml",
            "apiVersion: mamlint/v1\nkind: EntraTenant\nmetadata: {name: t}\nspec:\n  tenantId: 0b6e2c1a-5f0d-4c5e-9a7b-3d2f1e0c9b8a\n",
        );
        let spec = file.loaded.parsed.documents[0].root.get("spec").cloned();
        assert!(!prune(&mut file));
        let root = &file.loaded.parsed.documents[0].root;
        assert_eq!(keys(root), ["metadata", "spec"]);
        assert_eq!(root.get("spec").cloned(), spec);
    }
}
