use super::{Context, Rule, RuleMeta, declare_rule, known_settings};
use crate::diagnostic::{Diagnostic, Fix};
use crate::model::properties::Property;
use crate::model::{At, Entity};
use crate::syntax::Node;

declare_rule! {
    /// ## What it checks
    /// An OS, app, SDK or Company Portal version setting (`minimumRequiredOsVersion`,
    /// `minimumWarningAppVersion`, ...) written as an unquoted number in YAML.
    ///
    /// ## Why it matters
    /// `16.10` unquoted is the number 16.1, so a policy meant to require iOS 16.10 requires
    /// 16.1, and `17.0` becomes `17`. Graph types these properties as strings; the version you
    /// reviewed is not the one that gets deployed.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: mamlint/v1
    /// kind: AppProtectionPolicy
    /// metadata: {name: atlassian-ios}
    /// spec:
    ///   platform: ios
    ///   displayName: Atlassian apps (iOS)
    ///   settings:
    ///     minimumRequiredOsVersion: 16.10
    /// ```
    ///
    /// ## Fix
    /// Quote the version (the fix does this, keeping the digits as written).
    /// ```yaml
    /// apiVersion: mamlint/v1
    /// kind: AppProtectionPolicy
    /// metadata: {name: atlassian-ios}
    /// spec:
    ///   platform: ios
    ///   displayName: Atlassian apps (iOS)
    ///   settings:
    ///     minimumRequiredOsVersion: "16.10"
    /// ```
    ///
    /// ## Source
    /// Graph `iosManagedAppProtection` / `androidManagedAppProtection`: version properties are
    /// `String`; Intune settings reference: "major.minor, major.minor.build".
    pub struct UnquotedVersion {
        code: "MAM004",
        name: "unquoted-version",
        severity: Warning,
        summary: "An OS/app version setting is an unquoted number (`16.10` reads as 16.1).",
    }
}

impl UnquotedVersion {
    /// Whether a setting's value is an unquoted number where the catalog says a version
    /// goes. The catalog's `format` decides, not the setting's name (`_name` is unused).
    pub fn applies(property: &Property, node: &Node) -> bool {
        crate::model::graph_value::is_unquoted_version(property, node)
    }
}

impl Rule for UnquotedVersion {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn scope(&self) -> super::Scope {
        super::Scope::File
    }

    fn check_entity(&self, cx: &Context<'_, '_>, entity: &Entity<'_>, out: &mut Vec<Diagnostic>) {
        let Some(source) = cx.workspace.loaded(entity.file) else {
            return;
        };
        let (base, settings) = known_settings(cx, entity);
        for (member, property) in settings {
            if !Self::applies(property, &member.value) {
                continue;
            }
            let written = source.source.slice(member.value.span);
            let read_as = member.value.to_json().to_string();
            let quoted = format!("\"{written}\"");
            let pointer = crate::syntax::push_pointer(&base, &member.key);
            let at = At {
                node: &member.value,
                pointer,
            };
            out.push(
                Diagnostic::new(
                    &Self::META,
                    entity.location(&at),
                    format!("unquoted version `{written}` of `{}` is the number {read_as}, not a version string", member.key),
                )
                .label(format!("read as the number {read_as}"))
                .help(format!("quote it: {quoted}"))
                .fix(Fix::replace(format!("quote the version as {quoted}"), entity.file, member.value.span, quoted.clone())),
            );
        }
    }
}
