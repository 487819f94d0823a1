use super::{Context, Rule, RuleMeta, declare_rule, known_settings};
use crate::config::ApiVersion;
use crate::diagnostic::Diagnostic;
use crate::model::{At, Entity};

declare_rule! {
    /// ## What it checks
    /// With `graph-api-version = "v1.0"` in `mamlint.toml`, a setting that exists only in
    /// Graph beta (for example `connectToVpnOnLaunch`, `appGroupType`, every `appActionIf*`),
    /// and a value that only beta accepts (`photoLibrary` in `allowedDataStorageLocations`).
    /// Which properties and values are beta-only comes from the `apiVersion` and `betaEnum`
    /// fields of the Graph property catalog. Off by default, since mamlint checks against beta
    /// like the Intune admin center does.
    ///
    /// ## Why it matters
    /// A pipeline that deploys through `https://graph.microsoft.com/v1.0` cannot set these:
    /// Graph rejects the unknown property, or the setting you reviewed never reaches Intune.
    ///
    /// ## Example
    /// ```toml
    /// graph-api-version = "v1.0"
    /// ```
    /// ```yaml
    /// apiVersion: mamlint/v1
    /// kind: AppProtectionPolicy
    /// metadata: {name: atlassian-android}
    /// spec:
    ///   platform: android
    ///   displayName: Atlassian apps (Android)
    ///   settings:
    ///     pinRequired: true
    ///     notificationRestriction: blockOrganizationalData
    /// ```
    ///
    /// ## Fix
    /// Deploy through beta (`graph-api-version = "beta"`), or leave out what v1.0 lacks.
    /// ```toml
    /// graph-api-version = "v1.0"
    /// ```
    /// ```yaml
    /// apiVersion: mamlint/v1
    /// kind: AppProtectionPolicy
    /// metadata: {name: atlassian-android}
    /// spec:
    ///   platform: android
    ///   displayName: Atlassian apps (Android)
    ///   settings:
    ///     pinRequired: true
    /// ```
    ///
    /// ## Source
    /// Microsoft Graph v1.0 and beta `androidManagedAppProtection` / `iosManagedAppProtection`
    /// property tables (`rules/graph-properties.json`, field `apiVersion`).
    pub struct BetaOnlyProperty {
        code: "MAM010",
        name: "beta-only-property",
        severity: Warning,
        summary: "A setting or value exists only in Graph beta, while the project deploys through v1.0.",
    }
}

impl Rule for BetaOnlyProperty {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn scope(&self) -> super::Scope {
        super::Scope::File
    }

    fn check_entity(&self, cx: &Context<'_, '_>, entity: &Entity<'_>, out: &mut Vec<Diagnostic>) {
        if cx.api_version != ApiVersion::V1 {
            return;
        }
        let (base, settings) = known_settings(cx, entity);
        for (member, property) in settings {
            let pointer = crate::syntax::push_pointer(&base, &member.key);
            if property.is_beta_only() {
                out.push(
                    Diagnostic::new(
                        &Self::META,
                        entity.key_location(member, &pointer),
                        format!("`{}` exists only in Graph beta; this project deploys through v1.0", member.key),
                    )
                    .label("beta-only setting")
                    .help("remove it, or set `graph-api-version = \"beta\"` in mamlint.toml if you deploy through beta"),
                );
                continue;
            }
            if property.values.is_empty() || property.beta_enum.is_empty() {
                continue;
            }
            let value_at = At {
                node: &member.value,
                pointer,
            };
            let values: Vec<At<'_>> = if member.value.as_array().is_some() {
                value_at.items().collect()
            } else {
                vec![value_at]
            };
            for item in values {
                let Some(value) = item.str() else { continue };
                if property.values.contains(&value) || !property.beta_enum.contains(&value) {
                    continue;
                }
                out.push(
                    Diagnostic::new(
                        &Self::META,
                        entity.location(&item),
                        format!("`{value}` is a value of `{}` only in Graph beta; this project deploys through v1.0", member.key),
                    )
                    .label("beta-only value")
                    .help(format!(
                        "v1.0 accepts {}",
                        property.values.iter().map(|v| format!("`{v}`")).collect::<Vec<_>>().join(", ")
                    )),
                );
            }
        }
    }
}
