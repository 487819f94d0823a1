//! What the language server offers on request: hovers, code actions, completions. Each works
//! from the same parsed files and diagnostics as `mamlint check`.

use std::collections::HashMap;

use gen_lsp_types::{
    CodeAction, CodeActionKind, CompletionItem, CompletionItemKind, Contents, MarkupContent,
    MarkupKind, TextEdit, Uri, WorkspaceEdit,
};

use crate::diagnostic::{Applicability, Diagnostic};
use crate::model::catalog::{CATALOG, is_atlassian_id};
use crate::model::properties::{PROPERTIES, Property};
use crate::model::settings::FACTS;
use crate::model::{Kind, Platform, Workspace, WorkspaceFile};
use crate::rules;
use crate::schema;
use crate::suppress::is_unsuppressable;
use crate::syntax::{Format, Hit};

use super::position::{self, Encoding};

pub(super) fn markdown(value: String) -> Contents {
    Contents::MarkupContent(MarkupContent {
        kind: MarkupKind::Markdown,
        value,
    })
}

/// The word (letters, digits, `-`, `_`) around an offset.
fn word_at(text: &str, offset: usize) -> &str {
    let is_word = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_';
    let start = text[..offset]
        .rfind(|c: char| !is_word(c))
        .map_or(0, |i| i + 1);
    let end = text[offset..]
        .find(|c: char| !is_word(c))
        .map_or(text.len(), |i| offset + i);
    &text[start..end]
}

/// Markdown describing a Graph property from the catalog.
pub fn property_markdown(name: &str, platform: Platform, property: &Property) -> String {
    let mut out = format!("**`{name}`** ({})\n\n", platform.graph_type());
    out.push_str(&format!("Type: `{}`", property.graph_type));
    out.push_str(if property.is_beta_only() {
        "; Graph **beta** only"
    } else {
        "; Graph v1.0 and beta"
    });
    out.push_str(&format!("\n\n{}", property.description));
    let values = property.accepted_values();
    if !values.is_empty() {
        let listed: Vec<String> = values.iter().map(|v| format!("`{v}`")).collect();
        out.push_str(&format!("\n\nAllowed values: {}", listed.join(", ")));
        if property.flags {
            out.push_str(" (a flag enum: a comma-separated list of them)");
        }
    }
    match (property.minimum, property.maximum) {
        (Some(min), Some(max)) => out.push_str(&format!("\n\nRange: {min} to {max}")),
        (Some(min), None) => out.push_str(&format!("\n\nMinimum: {min}")),
        (None, Some(max)) => out.push_str(&format!("\n\nMaximum: {max}")),
        (None, None) => {}
    }
    if let Some(format) = property.format {
        out.push_str(&format!("\n\nFormat: {}", format.describe()));
    }
    if let Some(default) = &property.admin_center_default {
        out.push_str(&format!("\n\nAdmin center default: {default}"));
    }
    out
}

fn app_markdown(value: &str) -> Option<String> {
    if let Some((app, platform)) = CATALOG.by_platform_id(value) {
        let mut out = format!(
            "**{}**: the {} {} `{value}`",
            app.name,
            platform.label(),
            platform.id_kind()
        );
        if let (Some(name), Some(id)) = (&app.entra_app_name, &app.entra_app_id) {
            out.push_str(&format!(
                "\n\nEntra enterprise application: {name} (`{id}`)"
            ));
        }
        return Some(out);
    }
    if let Some(app) = CATALOG.by_entra_id(value) {
        return Some(format!(
            "**{}**: Entra application ID of {}",
            app.name,
            app.entra_app_name.as_deref().unwrap_or(&app.name)
        ));
    }
    if let Some(app) = CATALOG.by_key(value) {
        let ids: Vec<String> = Platform::ALL
            .iter()
            .filter_map(|p| app.id_for(*p).map(|id| format!("{}: `{id}`", p.label())))
            .collect();
        let support = if app.intune {
            "supported with an Intune mobile app policy"
        } else {
            "**not** supported with an Intune mobile app policy"
        };
        return Some(format!(
            "**{}** (`{}`), {support}\n\n{}",
            app.name,
            app.key,
            ids.join("  \n")
        ));
    }
    is_atlassian_id(value)
        .then(|| format!("`{value}` is not the ID of any Atlassian app in mamlint's catalog"))
}

/// The hover text at an offset of a file; a rule code, built-in or one of the `custom`
/// rules, shows the rule's documentation.
pub fn hover(
    files: &[WorkspaceFile],
    file: usize,
    offset: usize,
    custom: &crate::custom::CustomRules,
) -> Option<String> {
    let wf = files.get(file)?;
    let text = &wf.loaded.source.text;
    let word = word_at(text, offset.min(text.len()));
    let meta = rules::find(word).or_else(|| custom.find(word).map(|a| a.meta));
    if let Some(meta) = meta.filter(|m| m.code == word) {
        return Some(format!(
            "**{} {}** ({})\n\n{}",
            meta.code,
            meta.name,
            meta.severity,
            meta.documentation()
        ));
    }
    let workspace = Workspace::new(files);
    for document in &wf.loaded.parsed.documents {
        let Some(hit) = document.root.locate(offset as u32) else {
            continue;
        };
        let (key, node, pointer) = match &hit {
            Hit::Key(member, pointer) => {
                (Some(member.key.as_str()), &member.value, pointer.as_str())
            }
            Hit::Value(node, pointer) => (None, *node, pointer.as_str()),
        };
        if let Some(value) = node.as_str().filter(|_| key.is_none())
            && let Some(markdown) = app_markdown(value)
        {
            return Some(markdown);
        }
        // A settings key (or its value): the Graph property.
        let entity = workspace.entities.iter().find(|e| {
            e.file == file
                && e.document == document.index
                && e.kind == Kind::AppProtectionPolicy
                && pointer.starts_with(e.base)
        })?;
        let platform = workspace.platform(entity)?;
        let relative = &pointer[entity.base.len()..];
        let settings_prefix = if entity.is_export() {
            ""
        } else {
            "/spec/settings"
        };
        let name = relative
            .strip_prefix(settings_prefix)?
            .strip_prefix('/')?
            .split('/')
            .next()?;
        let levels = crate::protection::render::levels_markdown(platform, name);
        return PROPERTIES.get(platform, name).map(|p| {
            let property = property_markdown(name, platform, p);
            match levels {
                Some(levels) => format!("{property}\n\n{levels}"),
                None => property,
            }
        });
    }
    None
}

/// Converts a finding's fix into a code action.
fn fix_action(
    files: &[WorkspaceFile],
    d: &Diagnostic,
    lsp: &gen_lsp_types::Diagnostic,
    uri_of: &dyn Fn(&str) -> Option<Uri>,
    encoding: Encoding,
) -> Option<CodeAction> {
    let fix = d.fix.as_ref()?;
    let mut changes: HashMap<Uri, Vec<TextEdit>> = HashMap::new();
    for edit in &fix.edits {
        let source = &files.get(edit.file)?.loaded.source;
        changes
            .entry(uri_of(&source.path)?)
            .or_default()
            .push(TextEdit {
                range: position::range(source, edit.span, encoding),
                new_text: edit.replacement.clone(),
            });
    }
    let title = match fix.applicability {
        Applicability::Safe => format!("{} ({})", fix.description, d.rule.code),
        Applicability::Unsafe => format!("{} ({}, unsafe)", fix.description, d.rule.code),
    };
    Some(CodeAction {
        title,
        kind: Some(CodeActionKind::QuickFix),
        diagnostics: Some(vec![lsp.clone()]),
        is_preferred: Some(fix.applicability == Applicability::Safe),
        edit: Some(WorkspaceEdit {
            changes: Some(changes),
            ..WorkspaceEdit::default()
        }),
        ..CodeAction::default()
    })
}

/// The placeholder reason an "ignore" action writes; MAM011 keeps reporting it until replaced.
pub const REASON_PLACEHOLDER: &str = "TODO: say why this finding is accepted";

/// "Ignore with a reason": a suppression comment on the line above the finding (YAML only).
fn ignore_action(
    files: &[WorkspaceFile],
    d: &Diagnostic,
    lsp: &gen_lsp_types::Diagnostic,
    uri: &Uri,
    encoding: Encoding,
) -> Option<CodeAction> {
    let source = &files.get(d.location.file)?.loaded.source;
    if is_unsuppressable(d.rule) || files.get(d.location.file)?.loaded.format != Format::Yaml {
        return None;
    }
    let line = source.line_col(d.location.span.start as usize).line;
    let line_start = source.line_start(line);
    let indent: String = source
        .line_text(line)
        .chars()
        .take_while(|c| *c == ' ')
        .collect();
    let at = position::position(source, line_start, encoding);
    let comment = format!(
        "{indent}# mamlint: ignore[{}] {REASON_PLACEHOLDER}{}",
        d.rule.code,
        source.line_break()
    );
    let mut changes = HashMap::new();
    changes.insert(
        uri.clone(),
        vec![TextEdit {
            range: gen_lsp_types::Range { start: at, end: at },
            new_text: comment,
        }],
    );
    Some(CodeAction {
        title: format!("Ignore {} here, with a reason", d.rule.code),
        kind: Some(CodeActionKind::QuickFix),
        diagnostics: Some(vec![lsp.clone()]),
        edit: Some(WorkspaceEdit {
            changes: Some(changes),
            ..WorkspaceEdit::default()
        }),
        ..CodeAction::default()
    })
}

/// Code actions for the findings of a file that overlap a byte range.
pub fn code_actions(
    files: &[WorkspaceFile],
    diagnostics: &[(Diagnostic, gen_lsp_types::Diagnostic)],
    file: usize,
    range: (usize, usize),
    uri: &Uri,
    uri_of: &dyn Fn(&str) -> Option<Uri>,
    encoding: Encoding,
) -> Vec<CodeAction> {
    let mut actions = Vec::new();
    for (d, lsp) in diagnostics.iter().filter(|(d, _)| d.location.file == file) {
        let span = d.location.span;
        if (span.end as usize) < range.0 || (span.start as usize) > range.1 {
            continue;
        }
        actions.extend(fix_action(files, d, lsp, uri_of, encoding));
        actions.extend(ignore_action(files, d, lsp, uri, encoding));
    }
    actions
}

fn item(
    label: &str,
    kind: CompletionItemKind,
    detail: &str,
    insert: Option<String>,
) -> CompletionItem {
    CompletionItem {
        label: label.to_owned(),
        kind: Some(kind),
        detail: Some(detail.to_owned()),
        insert_text: insert,
        ..CompletionItem::default()
    }
}

fn indent_of(line: &str) -> usize {
    line.len() - line.trim_start_matches(' ').len()
}

/// The YAML document (between `---` lines) around an offset.
fn document_text(text: &str, offset: usize) -> &str {
    let start = text[..offset].rfind("\n---").map_or(0, |i| i + 4);
    let end = text[offset..]
        .find("\n---")
        .map_or(text.len(), |i| offset + i);
    &text[start..end]
}

/// A top-level-ish `key: value` of the document, found by text so it works on a buffer that
/// does not parse yet.
fn scalar_in(document: &str, key: &str) -> Option<String> {
    document.lines().find_map(|line| {
        let rest = line.trim_start().strip_prefix(key)?.strip_prefix(':')?;
        Some(
            rest.split('#')
                .next()?
                .trim()
                .trim_matches(['"', '\''])
                .to_owned(),
        )
        .filter(|v| !v.is_empty())
    })
}

/// The block key that encloses a line: the nearest earlier line indented less and ending in `:`.
fn enclosing_key<'t>(lines: &[&'t str], index: usize, indent: usize) -> Option<&'t str> {
    lines[..index].iter().rev().find_map(|line| {
        let trimmed = line.trim_start();
        let line_indent = indent_of(line);
        if trimmed.is_empty() || trimmed.starts_with('#') || line_indent >= indent {
            return None;
        }
        trimmed
            .split('#')
            .next()
            .map(str::trim_end)
            .and_then(|t| t.strip_suffix(':'))
            .map(|k| k.trim_start_matches("- "))
    })
}

fn values_for(property: &Property) -> Vec<String> {
    if property.is_boolean() {
        return vec!["true".to_owned(), "false".to_owned()];
    }
    property
        .accepted_values()
        .iter()
        .map(|v| (*v).to_owned())
        .collect()
}

// One match over the places a cursor can be in a manifest (kind, key, value of each field);
// splitting it would scatter that table.
/// Completions in a YAML manifest: setting names and values from the Graph property catalog,
/// catalog app keys and IDs, and the values of mamlint's own enums.
pub fn completion(text: &str, offset: usize) -> Vec<CompletionItem> {
    let offset = offset.min(text.len());
    let document = document_text(text, offset);
    let platform = scalar_in(document, "platform").and_then(|p| Platform::from_key(&p));
    let kind = scalar_in(document, "kind").and_then(|k| Kind::from_name(&k));
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let before = &text[line_start..offset];
    let lines: Vec<&str> = text[..line_start].lines().collect();
    let indent = indent_of(before);
    let parent = enclosing_key(&lines, lines.len(), indent.max(1));
    let trimmed = before.trim_start();

    // `- ` list items.
    if let Some(partial) = trimmed
        .strip_prefix("- ")
        .or_else(|| (trimmed == "-").then_some(""))
    {
        let _ = partial;
        return match (parent, kind) {
            (Some("apps"), Some(Kind::MobileAppPolicy)) => CATALOG
                .apps
                .iter()
                .map(|a| item(&a.key, CompletionItemKind::EnumMember, &a.name, None))
                .collect(),
            (Some("apps"), _) => CATALOG
                .apps
                .iter()
                .flat_map(|a| {
                    Platform::ALL
                        .into_iter()
                        .filter_map(move |p| a.id_for(p).map(|id| (a, p, id)))
                })
                .filter(|(_, p, _)| platform.is_none_or(|q| q == *p))
                .map(|(a, p, id)| {
                    item(
                        id,
                        CompletionItemKind::Value,
                        &format!("{} ({})", a.name, p.label()),
                        None,
                    )
                })
                .collect(),
            _ => Vec::new(),
        };
    }
    // `key: partial-value`
    if let Some((key, _value)) = trimmed.split_once(':') {
        let key = key.trim().trim_start_matches("- ");
        let values: Vec<String> = match (parent, key) {
            (Some("settings"), _) => platform
                .and_then(|p| PROPERTIES.get(p, key))
                .map(values_for)
                .unwrap_or_default(),
            (_, "app") => CATALOG.keys().map(str::to_owned).collect(),
            (_, "appId") => CATALOG
                .apps
                .iter()
                .filter_map(|a| a.entra_app_id.clone())
                .collect(),
            // mamlint's own enums (`platform`, `guard`, `cloud`, `status`, `appGroupType`...)
            // come from the kind's schema, so completion offers what validation accepts.
            _ => schema::field_values(kind, key),
        };
        return values
            .iter()
            .map(|v| item(v, CompletionItemKind::EnumMember, key, None))
            .collect();
    }
    // A key being typed under `settings:`.
    if parent == Some("settings") {
        let Some(platform) = platform else {
            return Vec::new();
        };
        let present: Vec<&str> = document
            .lines()
            .filter_map(|l| l.trim_start().split(':').next())
            .collect();
        return PROPERTIES
            .platform(platform)
            .properties
            .iter()
            .filter(|(name, p)| {
                !p.is_navigation() && !FACTS.is_read_only(name) && !FACTS.is_spec_key(name)
            })
            .filter(|(name, _)| !present.contains(name))
            .map(|(name, p)| {
                let mut completion = item(
                    name,
                    CompletionItemKind::Property,
                    &format!("{} (Graph {})", p.graph_type, p.api_version),
                    Some(format!("{name}: ")),
                );
                completion.documentation =
                    Some(gen_lsp_types::Documentation::MarkupContent(MarkupContent {
                        kind: MarkupKind::Markdown,
                        value: property_markdown(name, platform, p),
                    }));
                completion
            })
            .collect();
    }
    Vec::new()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::Loaded;

    const POLICY: &str = "apiVersion: mamlint/v1\nkind: AppProtectionPolicy\nmetadata: {name: p}\nspec:\n  platform: android\n  apps:\n    - \n  settings:\n    pinRequired: true\n    allowedOutboundClipboardSharingLevel: \n    mini";

    fn labels(items: &[CompletionItem]) -> Vec<&str> {
        items.iter().map(|i| i.label.as_str()).collect()
    }

    #[test]
    fn completes_settings_values_and_app_ids() {
        let keys = completion(POLICY, POLICY.len());
        assert!(labels(&keys).contains(&"minimumPinLength"));
        assert!(
            labels(&keys).contains(&"connectToVpnOnLaunch"),
            "an Android setting"
        );
        assert!(!labels(&keys).contains(&"faceIdBlocked"), "an iOS setting");
        assert!(!labels(&keys).contains(&"pinRequired"), "already present");
        let at = POLICY.find("SharingLevel: ").unwrap() + "SharingLevel: ".len();
        assert_eq!(
            labels(&completion(POLICY, at)),
            [
                "allApps",
                "managedAppsWithPasteIn",
                "managedApps",
                "blocked"
            ]
        );
        let at = POLICY.find("    - ").unwrap() + "    - ".len();
        assert_eq!(
            labels(&completion(POLICY, at)),
            [
                "com.atlassian.android.jira.core",
                "com.atlassian.android.confluence.core"
            ]
        );
    }

    #[test]
    fn a_settings_hover_says_what_each_level_requires() {
        let text = "apiVersion: mamlint/v1\nkind: AppProtectionPolicy\nmetadata: {name: p}\nspec:\n  platform: ios\n  displayName: P\n  settings:\n    dataBackupBlocked: false\n    filterOpenInToOnlyManagedApps: false\n";
        let Loaded::Checked(file) = crate::lint::load(crate::lint::Input::memory("p.yaml", text))
        else {
            panic!("the policy loads");
        };
        let files = [file];
        let at = |needle: &str| text.find(needle).unwrap() + 2;
        let backup =
            hover(&files, 0, at("dataBackupBlocked"), &Default::default()).unwrap_or_default();
        assert!(backup.contains("**Data protection framework**"), "{backup}");
        assert!(
            backup.contains("- Level 1: false\n- Level 2: true\n- Level 3: true"),
            "{backup}"
        );
        let other = hover(
            &files,
            0,
            at("filterOpenInToOnlyManagedApps"),
            &Default::default(),
        )
        .unwrap_or_default();
        assert!(!other.is_empty(), "the property is still described");
        assert!(
            !other.contains("Data protection framework"),
            "no level has a row for it"
        );
    }

    #[test]
    fn completes_mamlint_enums_from_the_schemas() {
        let org = "apiVersion: mamlint/v1\nkind: Organization\nmetadata: {name: o}\nspec:\n  guard: \n  cloud: \n  domains:\n    - name: acme.com\n      status: ";
        let at = |needle: &str| org.find(needle).unwrap() + needle.len();
        assert_eq!(
            labels(&completion(org, at("guard: "))),
            ["none", "standard", "premium"]
        );
        assert_eq!(
            labels(&completion(org, at("cloud: "))),
            ["commercial", "government"]
        );
        assert_eq!(
            labels(&completion(org, org.len())),
            ["verified", "unverified"]
        );
        let tenant = "kind: EntraTenant\nspec:\n  cloud: ";
        assert_eq!(
            labels(&completion(tenant, tenant.len())),
            ["global", "usgov", "usgov-dod", "china"]
        );
        let policy = "kind: AppProtectionPolicy\nspec:\n  appGroupType: ";
        assert_eq!(
            labels(&completion(policy, policy.len()))[0],
            "selectedPublicApps"
        );
    }

    #[test]
    fn words_at_offsets() {
        assert_eq!(word_at("# mamlint: ignore[MAM402] x", 20), "MAM402");
        assert_eq!(word_at("a: com", 6), "com");
    }
}
