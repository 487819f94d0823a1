use super::{Context, Rule, RuleMeta, declare_rule};
use crate::diagnostic::{Diagnostic, Fix};
use crate::model::{Entity, Kind};
use crate::protection::FRAMEWORK;
use crate::protection::applies::{Applied, LevelFrom, applicable};
use crate::protection::effective::Source;
use crate::protection::evaluate::{Check, Verdict, check_level};
use crate::syntax::{Node, Span, Style};

declare_rule! {
    /// ## What it checks
    /// An app protection policy that targets an Atlassian app and is held to a level of
    /// Microsoft's data protection framework (Level 1 enterprise basic, 2 enhanced, 3 high),
    /// with a setting looser than that level requires: one finding per setting, at its value,
    /// or at `settings` (the policy, when it has no settings) when the setting is absent,
    /// saying which default it falls back to. The level comes from, most specific first:
    /// `mamlint check --protection-level N`, the manifest's `spec.protectionLevel`, the last
    /// `[[protection.overrides]]` of `mamlint.toml` whose `paths` match the file, then
    /// `[protection] level`. With no level, the rule does not run. Values mamlint cannot
    /// evaluate (Terraform expressions, DSC variables) are never findings. The framework's
    /// rows, with the Learn page they were read from, are `rules/protection-levels.json`;
    /// `mamlint conformance` shows every policy against every level.
    ///
    /// ## Why it matters
    /// A policy labelled "enhanced" that still lets users back up org data to iCloud, or keeps
    /// data for 90 days offline, does not give the protection the organisation decided on.
    /// Defaults are the loosest choice for most settings, so a short policy silently falls
    /// back to Level 1 or below.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: mamlint/v1
    /// kind: AppProtectionPolicy
    /// metadata: {name: atlassian-ios}
    /// spec:
    ///   platform: ios
    ///   displayName: Atlassian apps (iOS)
    ///   protectionLevel: 1
    ///   apps: [com.atlassian.jira.app]
    ///   assignments:
    ///     include: [0b6e2c1a-5f0d-4c5e-9a7b-3d2f1e0c9b8a]
    ///   settings:
    ///     appDataEncryptionType: afterDeviceRestart
    ///     appActionIfMaximumPinRetriesExceeded: block
    ///     deviceComplianceRequired: true
    ///     appActionIfDeviceComplianceRequired: warn
    /// ```
    ///
    /// ## Fix
    /// Set each value the level requires (or a stricter one). `mamlint check --fix` does it
    /// where the level requires one value: in place, or as a new entry of `settings` (YAML
    /// manifests and Graph exports; Terraform and DSC are never edited).
    /// ```yaml
    /// apiVersion: mamlint/v1
    /// kind: AppProtectionPolicy
    /// metadata: {name: atlassian-ios}
    /// spec:
    ///   platform: ios
    ///   displayName: Atlassian apps (iOS)
    ///   protectionLevel: 1
    ///   apps: [com.atlassian.jira.app]
    ///   assignments:
    ///     include: [0b6e2c1a-5f0d-4c5e-9a7b-3d2f1e0c9b8a]
    ///   settings:
    ///     appDataEncryptionType: whenDeviceLocked
    ///     appActionIfMaximumPinRetriesExceeded: block
    ///     deviceComplianceRequired: true
    ///     appActionIfDeviceComplianceRequired: block
    /// ```
    ///
    /// ## Source
    /// Microsoft Learn, "Data protection framework using app protection policies" (ms.date
    /// 2025-06-12) and its Level 1, 2 and 3 includes (MicrosoftDocs/memdocs
    /// `intune/intune-service/includes/app-protection-framework-level{1,2,3}.md`, ms.date
    /// 2024-07-31, 2025-10-14, 2024-07-31); defaults from the Intune admin center settings
    /// reference as the Graph property catalog quotes them.
    pub struct BelowProtectionLevel {
        code: "MAM501",
        name: "below-protection-level",
        severity: Error,
        summary: "A setting of an app protection policy is looser than its protection level requires.",
    }
}

impl Rule for BelowProtectionLevel {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    /// The level comes from the policy itself or the configuration, and the settings judged
    /// are the policy's own: the file-scope stage decides it, so the workspace stage needs no
    /// policy's settings but MAM502's.
    fn scope(&self) -> super::Scope {
        super::Scope::File
    }

    fn check_entity(&self, cx: &Context<'_, '_>, entity: &Entity<'_>, out: &mut Vec<Diagnostic>) {
        if entity.kind != Kind::AppProtectionPolicy || !entity.targets_atlassian() {
            return;
        }
        let Some(platform) = entity.platform() else {
            return;
        };
        let Some(applied) = applicable(entity, cx.config) else {
            return;
        };
        for check in check_level(entity, platform, applied.level) {
            if check.verdict == Verdict::Short {
                let text = cx
                    .workspace
                    .loaded(entity.file)
                    // `contents` also reads the text back once it has been let go.
                    .map_or("", |l| l.source.contents());
                out.push(finding(entity, &applied, &check, text));
            }
        }
    }
}

fn finding(
    entity: &Entity<'_>,
    applied: &Applied<'_>,
    check: &Check<'_>,
    text: &str,
) -> Diagnostic {
    let setting = &check.row.setting;
    let level = applied.level;
    let required = check.row.order.describe_required(check.required);
    let value = &check.effective.value;
    let (location, message) = match (&check.effective.at, check.effective.source) {
        (Some(at), _) => (
            entity.location(at),
            format!("`{setting}` is {value}; protection level {level} requires {required}"),
        ),
        (None, Source::Default) => (
            absent_location(entity),
            format!(
                "`{setting}` is not set and falls back to its default {value}; protection level {level} requires {required}"
            ),
        ),
        (None, _) => (
            absent_location(entity),
            format!(
                "`{setting}` is not set (no documented default); protection level {level} requires {required}"
            ),
        ),
    };
    let mut diagnostic = Diagnostic::new(&BelowProtectionLevel::META, location, message)
        .label(format!("looser than level {level}"))
        .help(format!(
            "set `{setting}` to {required} (Learn: {})",
            check.row.learn
        ))
        .note(format!(
            "level {level} is set by {}; the framework: {} ({})",
            applied.from.describe(),
            FRAMEWORK.source.title,
            FRAMEWORK.source.url
        ));
    if let LevelFrom::Manifest(at) = &applied.from {
        diagnostic = diagnostic.related(entity.location(at), "the level this policy is held to");
    }
    // Only YAML and JSON are edited; Terraform and DSC are not (spec 8.4). A value written
    // out is replaced in place; an absent one is added to the settings block, when there is
    // one to add it to.
    if !check.row.order.has_single_value() || entity.resource().is_some() {
        return diagnostic;
    }
    let description = format!("set `{setting}` to {}", check.required);
    let edit = match &check.effective.at {
        Some(at) => {
            let span = at.node.span;
            let value = check.required.to_string();
            // A value written as nothing (`key:`, or an anchor or tag alone) is replaced by an
            // insertion, which must not join the token before it (`&a"x"` is one anchor).
            let joins = span.is_empty()
                && text
                    .get(..span.range().start)
                    .and_then(|before| before.chars().next_back())
                    .is_some_and(|c| !c.is_whitespace());
            Some((span, if joins { format!(" {value}") } else { value }))
        }
        None => entity
            .settings()
            .and_then(|settings| insertion(text, settings.node, setting, check.required)),
    };
    if let Some((span, replacement)) = edit {
        diagnostic = diagnostic.fix(Fix::replace(description, entity.file, span, replacement));
    }
    diagnostic
}

/// Where and what to insert so that a mapping gains `key: value`, keeping its layout: a line
/// of its own below the last member of a block mapping (after any comment ending that line,
/// at the members' indentation), a member before the closing brace of a flow mapping or JSON
/// object. The value is written as JSON, which is also YAML. `None` for an empty block or
/// anything that is not a mapping.
fn insertion(
    text: &str,
    mapping: &Node,
    key: &str,
    value: &serde_json::Value,
) -> Option<(Span, String)> {
    let members = mapping.as_object()?;
    let end = mapping.span.end as usize;
    match mapping.style {
        Style::Block => {
            let first = members.first()?;
            let last = members.last()?;
            let key_start = first.key_span.start as usize;
            let line_start = text.get(..key_start)?.rfind('\n').map_or(0, |i| i + 1);
            let indent = text.get(line_start..key_start)?;
            if !indent.chars().all(|c| c == ' ') {
                return None;
            }
            let after = last.value.span.end as usize;
            let line = format!("{indent}{key}: {value}");
            Some(match text.get(after..)?.find('\n') {
                Some(i) => (Span::empty(after + i + 1), format!("{line}\n")),
                None => (Span::empty(text.len()), format!("\n{line}")),
            })
        }
        Style::Flow | Style::Json => {
            // The closing brace is the last character of the span.
            let close = end.checked_sub(1)?;
            if text.get(close..end)? != "}" {
                return None;
            }
            let quoted = serde_json::Value::String(key.to_owned());
            let member = if mapping.style == Style::Json {
                format!("{quoted}: {value}")
            } else {
                format!("{key}: {value}")
            };
            match members.last() {
                Some(last) => {
                    let after = last.value.span.end as usize;
                    Some((Span::empty(after), format!(", {member}")))
                }
                None => Some((Span::empty(close), member)),
            }
        }
        _ => None,
    }
}

/// Where a finding about an absent setting goes: `settings`, else the policy's spec or root.
fn absent_location(entity: &Entity<'_>) -> crate::diagnostic::Location {
    let at = entity
        .settings()
        .or_else(|| entity.spec())
        .unwrap_or_else(|| entity.root_at());
    entity.location(&at)
}
