//! `rules`: one file per rule, and [`RULES`], the one registry.
//!
//! The third stage of the data flow. A rule is a unit struct declared with [`declare_rule!`]:
//! its doc comment is its user documentation (what `mamlint rule CODE` prints and what
//! `rules/README.md` is generated from), with the fixed headings `## What it checks`,
//! `## Why it matters`, `## Example`, `## Fix` and `## Source`. The YAML block under
//! `## Example` must trigger the rule and the one under `## Fix` must not; a test runs both.
//!
//! Rules see the run through [`Context`]: per file (syntax-level findings), per entity (one
//! manifest or exported policy; run in parallel) and once per workspace (cross-document
//! findings). They only report; selection and sorting happen in `lint`.

use std::fmt::Write as _;

pub use crate::diagnostic::RuleMeta;
use crate::diagnostic::{Diagnostic, FileId};
use crate::model::{Entity, Workspace};

pub mod mam001_parse_error;
pub mod mam002_duplicate_key;
pub mod mam003_yaml11_boolean;
pub mod mam004_unquoted_version;
pub mod mam005_unrecognized_document;
pub mod mam006_unknown_property;
pub mod mam007_invalid_value;
pub mod mam008_dangling_reference;
pub mod mam009_duplicate_name;
pub mod mam010_beta_only_property;
pub mod mam011_suppression_without_reason;
pub mod mam012_unused_suppression;
pub mod mam013_expired_suppression;
pub mod mam014_invalid_configuration;
pub mod mam101_unknown_atlassian_app_id;
pub mod mam102_platform_mismatch;
pub mod mam103_entra_app_id_mismatch;
pub mod mam104_app_group_excludes_custom_apps;
pub mod mam201_guard_subscription_missing;
pub mod mam202_no_verified_domain;
pub mod mam203_app_not_supported_with_intune;
pub mod mam204_policy_name_too_long;
pub mod mam301_missing_admin_consent;
pub mod mam302_claimed_domain_without_tenant;
pub mod mam401_tunnel_on_launch_unsupported;
pub mod mam402_no_assignments;
pub mod mam403_coverage_gap;
pub mod mam404_untracked_intune_target;
pub mod mam405_wipe_before_access_check;
pub mod mam406_pin_settings_without_pin;
pub mod mam501_below_protection_level;
pub mod mam502_conflicting_policies;
mod schema_findings;

pub use mam001_parse_error::ParseError;
pub use mam003_yaml11_boolean::Yaml11Boolean;
pub use mam004_unquoted_version::UnquotedVersion;
pub use mam005_unrecognized_document::UnrecognizedDocument;
pub use mam006_unknown_property::UnknownProperty;
pub use mam007_invalid_value::InvalidValue;
pub use mam011_suppression_without_reason::SuppressionWithoutReason;
pub use mam012_unused_suppression::UnusedSuppression;
pub use mam013_expired_suppression::ExpiredSuppression;
pub use mam014_invalid_configuration::InvalidConfiguration;

/// Declares a rule: a unit struct whose doc comment is its documentation, with its metadata.
macro_rules! declare_rule {
    (
        $(#[doc = $doc:literal])*
        $vis:vis struct $name:ident {
            code: $code:literal,
            name: $rule_name:literal,
            severity: $severity:ident,
            summary: $summary:literal $(,)?
        }
    ) => {
        $(#[doc = $doc])*
        #[derive(Debug, Clone, Copy)]
        $vis struct $name;

        impl $name {
            pub const META: $crate::rules::RuleMeta = $crate::rules::RuleMeta {
                code: $code,
                name: $rule_name,
                severity: $crate::diagnostic::Severity::$severity,
                summary: $summary,
                docs: concat!($($doc, "\n"),*),
            };
        }
    };
}
pub(crate) use declare_rule;

/// What rules can see.
pub struct Context<'w, 'a> {
    pub workspace: &'w Workspace<'a>,
    /// The Graph API version settings are checked against (MAM010).
    pub api_version: crate::config::ApiVersion,
    pub config: Option<&'w crate::config::Config>,
    /// The file of each configuration source, by index in `config.sources`.
    pub config_files: &'w [FileId],
}

/// What a rule's `check_file` and `check_entity` read, so that `lint` knows which findings
/// an edit can change.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// Nothing but the file (or entity) being checked, the configuration and the built-in
    /// catalogs: its findings in a file change only when that file or the configuration does.
    File,
    /// Other documents too (through `cx.workspace`); re-run over the whole workspace on every
    /// change. The default, because claiming `File` wrongly would leave stale findings.
    Workspace,
}

pub trait Rule: Sync {
    fn meta(&self) -> &'static RuleMeta;

    /// What `check_file` and `check_entity` read; `check_workspace` always runs over the
    /// whole workspace.
    fn scope(&self) -> Scope {
        Scope::Workspace
    }

    /// Findings within one file, such as syntax-level problems.
    fn check_file(&self, _cx: &Context<'_, '_>, _file: FileId, _out: &mut Vec<Diagnostic>) {}

    /// Findings within one manifest or exported policy.
    fn check_entity(
        &self,
        _cx: &Context<'_, '_>,
        _entity: &Entity<'_>,
        _out: &mut Vec<Diagnostic>,
    ) {
    }

    /// Findings across documents; runs once per run.
    fn check_workspace(&self, _cx: &Context<'_, '_>, _out: &mut Vec<Diagnostic>) {}
}

/// Every rule, in code order. This is the one registry: `mamlint rule`, the catalogue in
/// `rules/README.md` and SARIF rule lists are generated from it.
pub static RULES: &[&dyn Rule] = &[
    &mam001_parse_error::ParseError,
    &mam002_duplicate_key::DuplicateKey,
    &mam003_yaml11_boolean::Yaml11Boolean,
    &mam004_unquoted_version::UnquotedVersion,
    &mam005_unrecognized_document::UnrecognizedDocument,
    &mam006_unknown_property::UnknownProperty,
    &mam007_invalid_value::InvalidValue,
    &mam008_dangling_reference::DanglingReference,
    &mam009_duplicate_name::DuplicateName,
    &mam010_beta_only_property::BetaOnlyProperty,
    &mam011_suppression_without_reason::SuppressionWithoutReason,
    &mam012_unused_suppression::UnusedSuppression,
    &mam013_expired_suppression::ExpiredSuppression,
    &mam014_invalid_configuration::InvalidConfiguration,
    &mam101_unknown_atlassian_app_id::UnknownAtlassianAppId,
    &mam102_platform_mismatch::PlatformMismatch,
    &mam103_entra_app_id_mismatch::EntraAppIdMismatch,
    &mam104_app_group_excludes_custom_apps::AppGroupExcludesCustomApps,
    &mam201_guard_subscription_missing::GuardSubscriptionMissing,
    &mam202_no_verified_domain::NoVerifiedDomain,
    &mam203_app_not_supported_with_intune::AppNotSupportedWithIntune,
    &mam204_policy_name_too_long::PolicyNameTooLong,
    &mam301_missing_admin_consent::MissingAdminConsent,
    &mam302_claimed_domain_without_tenant::ClaimedDomainWithoutTenant,
    &mam401_tunnel_on_launch_unsupported::TunnelOnLaunchUnsupported,
    &mam402_no_assignments::NoAssignments,
    &mam403_coverage_gap::CoverageGap,
    &mam404_untracked_intune_target::UntrackedIntuneTarget,
    &mam405_wipe_before_access_check::WipeBeforeAccessCheck,
    &mam406_pin_settings_without_pin::PinSettingsWithoutPin,
    &mam501_below_protection_level::BelowProtectionLevel,
    &mam502_conflicting_policies::ConflictingPolicies,
];

/// The metadata of every rule, in code order: what `config` and `selection` check rule
/// patterns against.
pub fn metas() -> &'static [&'static RuleMeta] {
    static METAS: std::sync::LazyLock<Vec<&'static RuleMeta>> =
        std::sync::LazyLock::new(|| RULES.iter().map(|r| r.meta()).collect());
    &METAS
}

/// Rule metadata by code (`MAM102`) or name (`platform-mismatch`), case-insensitive.
/// Reference data a rule is judged by, beyond its documentation: MAM501's framework rows.
pub fn reference(meta: &RuleMeta) -> Option<String> {
    (meta.code == mam501_below_protection_level::BelowProtectionLevel::META.code)
        .then(crate::protection::render::framework_rows)
}

pub fn find(code_or_name: &str) -> Option<&'static RuleMeta> {
    RULES.iter().map(|r| r.meta()).find(|m| {
        m.code.eq_ignore_ascii_case(code_or_name) || m.name.eq_ignore_ascii_case(code_or_name)
    })
}

/// The rule catalogue in Markdown: `rules/README.md` is this text, and a test fails when the
/// committed file is stale (`mamlint rule --all --format markdown > rules/README.md`).
pub fn catalogue_markdown() -> String {
    let mut out = String::from(
        "# mamlint rules\n\n\
         <!-- Generated by `mamlint rule --all --format markdown`; do not edit by hand. -->\n\n\
         Every diagnostic has a stable code and a kebab-case name that names the problem. \
         Codes are never reused. `mamlint rule CODE` prints a rule's documentation in the \
         terminal.\n\n| code | name | default | summary |\n|---|---|---|---|\n",
    );
    for meta in RULES.iter().map(|r| r.meta()) {
        let _ = writeln!(
            out,
            "| [{code}](#{anchor}) | `{name}` | {severity} | {summary} |",
            code = meta.code,
            anchor = format!("{}-{}", meta.code, meta.name).to_lowercase(),
            name = meta.name,
            severity = meta.severity,
            summary = meta.summary,
        );
    }
    for meta in RULES.iter().map(|r| r.meta()) {
        let docs = meta.documentation().replace("\n## ", "\n### ");
        let docs = docs
            .strip_prefix("## ")
            .map_or(docs.clone(), |d| format!("### {d}"));
        let _ = write!(
            out,
            "\n## {code} {name}\n\nDefault severity: **{severity}**. {summary}\n\n{docs}\n",
            code = meta.code,
            name = meta.name,
            severity = meta.severity,
            summary = meta.summary,
        );
    }
    out
}

/// The replacement text for a scalar, written in the same quoting style as the original.
pub(crate) fn requote(node: &crate::syntax::Node, text: &str) -> String {
    use crate::syntax::Style;
    match node.style {
        Style::Json | Style::DoubleQuoted => serde_json::Value::String(text.to_owned()).to_string(),
        Style::SingleQuoted => format!("'{}'", text.replace('\'', "''")),
        _ => text.to_owned(),
    }
}

/// A span on the first line of a node, so a label on a whole document or mapping stays short:
/// its first key, or its first line.
pub(crate) fn head_span(node: &crate::syntax::Node, text: &str) -> crate::syntax::Span {
    if let Some(first) = node.as_object().and_then(|m| m.first()) {
        return first.key_span;
    }
    let start = node.span.start as usize;
    let line_end = text
        .get(start..)
        .and_then(|t| t.find(['\n', '\r']))
        .map_or(node.span.end as usize, |i| start + i);
    crate::syntax::Span::new(start, line_end.min(node.span.end as usize).max(start))
}

/// Where to point at an entity's spec key, or its first key when `key` is absent: findings
/// about a missing value (no Guard, no domains) go where the value would be written.
pub(crate) fn spec_key_location(
    entity: &crate::model::Entity<'_>,
    key: &str,
) -> crate::diagnostic::Location {
    let root = entity.root_at();
    if let Some((member, pointer)) = entity.spec().and_then(|spec| spec.member(key)) {
        // A list or mapping may span many lines: point at its key instead.
        if member.value.as_array().is_some() || member.value.as_object().is_some() {
            return entity.key_location(member, &pointer);
        }
        return entity.location(&crate::model::At {
            node: &member.value,
            pointer,
        });
    }
    match root.member("spec").or_else(|| root.members().next()) {
        Some((member, pointer)) => entity.key_location(member, &pointer),
        None => entity.location(&root),
    }
}

/// The settings of an app protection policy (manifest or export) with their Graph property
/// on the policy's platform, and the JSON Pointer of the settings mapping (build a setting's
/// pointer with `push_pointer` only when reporting it). Unknown keys are MAM006's.
pub(crate) fn known_settings<'e>(
    cx: &Context<'_, '_>,
    entity: &crate::model::Entity<'e>,
) -> (
    String,
    Vec<(
        &'e crate::syntax::Member,
        &'static crate::model::properties::Property,
    )>,
) {
    if entity.kind != crate::model::Kind::AppProtectionPolicy {
        return (String::new(), Vec::new());
    }
    let (Some(platform), Some(settings)) = (cx.workspace.platform(entity), entity.settings())
    else {
        return (String::new(), Vec::new());
    };
    let members = settings
        .node
        .as_object()
        .unwrap_or(&[])
        .iter()
        .filter_map(|member| {
            Some((
                member,
                crate::model::properties::PROPERTIES.get(platform, &member.key)?,
            ))
        })
        .collect();
    (settings.pointer, members)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_ordered_and_documented() {
        let metas: Vec<&RuleMeta> = RULES.iter().map(|r| r.meta()).collect();
        for pair in metas.windows(2) {
            assert!(
                pair[0].code < pair[1].code,
                "{} before {}",
                pair[0].code,
                pair[1].code
            );
        }
        for meta in metas {
            for heading in [
                "What it checks",
                "Why it matters",
                "Example",
                "Fix",
                "Source",
            ] {
                assert!(
                    meta.section(heading).is_some_and(|s| !s.is_empty()),
                    "{} lacks ## {heading}",
                    meta.code
                );
            }
            assert!(
                meta.name
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
            );
        }
    }

    #[test]
    fn finds_by_code_or_name() {
        assert_eq!(find("mam102").map(|m| m.name), Some("platform-mismatch"));
        assert_eq!(find("no-assignments").map(|m| m.code), Some("MAM402"));
        assert!(find("MAM999").is_none());
    }
}
