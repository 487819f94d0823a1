use super::{Context, Rule, RuleMeta, declare_rule};
use crate::diagnostic::Diagnostic;
use crate::model::settings::FACTS;
use crate::model::{Entity, Kind};
use crate::rules::Yaml11Boolean;

declare_rule! {
    /// ## What it checks
    /// An app protection policy with `pinRequired: false` that still configures PIN settings
    /// (`minimumPinLength`, `simplePinBlocked`, `pinCharacterSet`, `maximumPinRetries`,
    /// `periodBeforePinReset`, `previousPinBlockCount`, ...; the list is in
    /// `rules/settings.json`). One finding per policy, at `pinRequired`, with a label on each
    /// PIN setting.
    ///
    /// ## Why it matters
    /// PIN settings have no effect without a PIN. A reviewer who sees `minimumPinLength: 6`
    /// believes the apps are PIN-protected; they are not.
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
    ///     pinRequired: false
    ///     minimumPinLength: 6
    /// ```
    ///
    /// ## Fix
    /// Require the PIN, or remove the PIN settings.
    /// ```yaml
    /// apiVersion: mamlint/v1
    /// kind: AppProtectionPolicy
    /// metadata: {name: atlassian-ios}
    /// spec:
    ///   platform: ios
    ///   displayName: Atlassian apps (iOS)
    ///   settings:
    ///     pinRequired: true
    ///     minimumPinLength: 6
    /// ```
    ///
    /// ## Source
    /// Graph `managedAppProtection`: `minimumPinLength` "Minimum pin length required for an app
    /// level pin if PinRequired is set to True", and likewise for the other PIN properties.
    pub struct PinSettingsWithoutPin {
        code: "MAM406",
        name: "pin-settings-without-pin",
        severity: Warning,
        summary: "PIN settings are configured while `pinRequired` is false.",
    }
}

impl Rule for PinSettingsWithoutPin {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn scope(&self) -> super::Scope {
        super::Scope::File
    }

    fn check_entity(&self, _cx: &Context<'_, '_>, entity: &Entity<'_>, out: &mut Vec<Diagnostic>) {
        if entity.kind != Kind::AppProtectionPolicy {
            return;
        }
        let Some(pin) = entity.setting("pinRequired") else {
            return;
        };
        if pin
            .node
            .as_bool()
            .or_else(|| Yaml11Boolean::meaning(pin.node))
            != Some(false)
        {
            return;
        }
        let configured: Vec<_> = FACTS
            .pin_settings
            .iter()
            .filter_map(|key| {
                entity
                    .setting(key)
                    .filter(|at| !at.node.is_null())
                    .map(|at| (key, at))
            })
            .collect();
        if configured.is_empty() {
            return;
        }
        let names: Vec<String> = configured.iter().map(|(k, _)| format!("`{k}`")).collect();
        let mut diagnostic = Diagnostic::new(
            &Self::META,
            entity.location(&pin),
            format!(
                "PIN settings are configured but `pinRequired` is false: {} {} no effect",
                names.join(", "),
                if names.len() == 1 { "has" } else { "have" }
            ),
        )
        .label("no PIN is required")
        .help("set `pinRequired: true`, or remove the PIN settings");
        for (_, at) in &configured {
            diagnostic = diagnostic.related(entity.location(at), "no effect without a PIN");
        }
        out.push(diagnostic);
    }
}
