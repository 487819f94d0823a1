use super::{Context, Rule, RuleMeta, declare_rule, known_settings};
use crate::diagnostic::{Diagnostic, Fix};
use crate::model::Entity;
use crate::model::properties::Property;
use crate::syntax::Node;

declare_rule! {
    /// ## What it checks
    /// A boolean setting written `yes`, `no`, `on`, `off`, `y` or `n` (in any case) without
    /// quotes, in a YAML app protection policy. Which settings are booleans comes from the
    /// Graph property catalog.
    ///
    /// ## Why it matters
    /// YAML 1.1 tools (PyYAML, YamlDotNet in PowerShell) read `yes` as `true`; YAML 1.2 tools
    /// read it as the string `"yes"`, which Graph rejects for a Boolean property or, worse, a
    /// pipeline converts differently from what the reviewer saw. mamlint reads YAML 1.2.
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
    ///     pinRequired: yes
    /// ```
    ///
    /// ## Fix
    /// Write `true` or `false` (the fix does this).
    /// ```yaml
    /// apiVersion: mamlint/v1
    /// kind: AppProtectionPolicy
    /// metadata: {name: atlassian-ios}
    /// spec:
    ///   platform: ios
    ///   displayName: Atlassian apps (iOS)
    ///   settings:
    ///     pinRequired: true
    /// ```
    ///
    /// ## Source
    /// YAML 1.1 boolean type (yaml.org/type/bool.html) against the YAML 1.2.2 core schema
    /// (§10.3.2); Graph types in `rules/graph-properties.json`.
    pub struct Yaml11Boolean {
        code: "MAM003",
        name: "yaml11-boolean",
        severity: Warning,
        summary: "A boolean setting is written yes/no/on/off/y/n (a string in YAML 1.2).",
    }
}

impl Yaml11Boolean {
    /// What YAML 1.1 reads an unquoted word as, if it is one of its boolean spellings.
    pub fn meaning(node: &Node) -> Option<bool> {
        crate::model::graph_value::yaml11_boolean(node)
    }

    /// Whether this rule reports the value of a setting.
    pub fn applies(property: &Property, node: &Node) -> bool {
        property.is_boolean() && Self::meaning(node).is_some()
    }
}

impl Rule for Yaml11Boolean {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn scope(&self) -> super::Scope {
        super::Scope::File
    }

    fn check_entity(&self, cx: &Context<'_, '_>, entity: &Entity<'_>, out: &mut Vec<Diagnostic>) {
        let (base, settings) = known_settings(cx, entity);
        for (member, property) in settings {
            let Some(meaning) = Self::meaning(&member.value).filter(|_| property.is_boolean())
            else {
                continue;
            };
            let written = member.value.as_str().unwrap_or_default();
            let pointer = crate::syntax::push_pointer(&base, &member.key);
            let at = crate::model::At {
                node: &member.value,
                pointer,
            };
            out.push(
                Diagnostic::new(
                    &Self::META,
                    entity.location(&at),
                    format!(
                        "`{}: {written}` is the string \"{written}\" in YAML 1.2, not a boolean",
                        member.key
                    ),
                )
                .label(format!("YAML 1.1 tools read this as `{meaning}`"))
                .help(format!("write `{meaning}`"))
                .fix(Fix::replace(
                    format!("replace `{written}` with `{meaning}`"),
                    entity.file,
                    member.value.span,
                    meaning.to_string(),
                )),
            );
        }
    }
}
