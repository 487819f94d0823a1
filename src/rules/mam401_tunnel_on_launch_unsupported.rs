use super::{Context, Rule, RuleMeta, declare_rule};
use crate::diagnostic::{Diagnostic, Fix};
use crate::model::settings::FACTS;
use crate::model::{At, Entity, Kind, Platform};
use crate::rules::Yaml11Boolean;

declare_rule! {
    /// ## What it checks
    /// A policy that targets an Atlassian app and starts Microsoft Tunnel when the app
    /// launches:
    /// - an Android app protection policy with `connectToVpnOnLaunch: true` (the admin
    ///   center's "Start Microsoft Tunnel connection on app-launch"); the fix sets it to
    ///   `false`;
    /// - an app configuration policy with Tunnel for MAM settings (`com.microsoft.tunnel.*`
    ///   keys), which is how Tunnel for MAM is switched on for iOS apps.
    ///
    /// ## Why it matters
    /// Atlassian's mobile apps do not support this setting: they do not embed the Tunnel for
    /// MAM SDK, so the connection is never made and the app fails to reach your content
    /// through the tunnel.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: mamlint/v1
    /// kind: AppProtectionPolicy
    /// metadata: {name: atlassian-android}
    /// spec:
    ///   platform: android
    ///   displayName: Atlassian apps (Android)
    ///   apps: [com.atlassian.android.jira.core]
    ///   settings:
    ///     connectToVpnOnLaunch: true
    /// ```
    ///
    /// ## Fix
    /// Turn it off for the Atlassian apps (keep Tunnel in a separate policy for apps that
    /// support it).
    /// ```yaml
    /// apiVersion: mamlint/v1
    /// kind: AppProtectionPolicy
    /// metadata: {name: atlassian-android}
    /// spec:
    ///   platform: android
    ///   displayName: Atlassian apps (Android)
    ///   apps: [com.atlassian.android.jira.core]
    ///   assignments: {include: [0b6e2c1a-5f0d-4c5e-9a7b-3d2f1e0c9b8a]}
    ///   settings:
    ///     connectToVpnOnLaunch: false
    /// ```
    ///
    /// ## Source
    /// Atlassian, "Integrate Intune security in mobile app policy", Limitations: "Atlassian
    /// mobile apps do not support this setting: Start Microsoft Tunnel connection on
    /// app-launch". Graph beta `androidManagedAppProtection.connectToVpnOnLaunch`; Microsoft
    /// Learn, "Microsoft Tunnel for MAM for iOS/iPadOS" (app configuration policy).
    pub struct TunnelOnLaunchUnsupported {
        code: "MAM401",
        name: "tunnel-on-launch-unsupported",
        severity: Error,
        summary: "A policy that targets an Atlassian app starts Microsoft Tunnel on launch.",
    }
}

impl Rule for TunnelOnLaunchUnsupported {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn scope(&self) -> super::Scope {
        super::Scope::File
    }

    // The two places Tunnel can be turned on (a manifest setting, a Graph custom setting) with
    // their fixes; one pass keeps the fix and the finding together.
    fn check_entity(&self, cx: &Context<'_, '_>, entity: &Entity<'_>, out: &mut Vec<Diagnostic>) {
        if !entity.targets_atlassian() {
            return;
        }
        match entity.kind {
            Kind::AppProtectionPolicy
                if cx.workspace.platform(entity) == Some(Platform::Android) =>
            {
                let Some(at) = entity.setting(&FACTS.tunnel.android_property) else {
                    return;
                };
                let on = at
                    .node
                    .as_bool()
                    .or_else(|| Yaml11Boolean::meaning(at.node))
                    == Some(true);
                if !on {
                    return;
                }
                out.push(
                    Diagnostic::new(
                        &Self::META,
                        entity.location(&at),
                        "Atlassian apps do not support starting Microsoft Tunnel on app launch",
                    )
                    .label("\"Start Microsoft Tunnel connection on app-launch\" is on")
                    .help("set `connectToVpnOnLaunch: false` in the policy for the Atlassian apps")
                    .fix(
                        Fix::replace(
                            "set `connectToVpnOnLaunch` to `false`",
                            entity.file,
                            at.node.span,
                            "false",
                        )
                        // Tunnel also stops for every other app of this policy.
                        .into_unsafe(),
                    ),
                );
            }
            Kind::AppConfigurationPolicy => {
                let Some(settings) = entity.spec_get("customSettings") else {
                    return;
                };
                let keys: Vec<(String, At<'_>)> = match settings.node.as_object() {
                    Some(_) => settings
                        .members()
                        .map(|(m, pointer)| {
                            (
                                m.key.to_string(),
                                At {
                                    node: &m.value,
                                    pointer,
                                },
                            )
                        })
                        .collect(),
                    None => settings
                        .items()
                        .filter_map(|item| {
                            Some((item.get("name")?.str()?.to_owned(), item.get("name")?))
                        })
                        .collect(),
                };
                for (key, at) in keys.into_iter().filter(|(k, _)| FACTS.is_tunnel_key(k)) {
                    let location = match settings
                        .node
                        .as_object()
                        .and_then(|_| settings.member(&key))
                    {
                        Some((member, pointer)) => entity.key_location(member, &pointer),
                        None => entity.location(&at),
                    };
                    out.push(
                        Diagnostic::new(
                            &Self::META,
                            location,
                            format!("`{key}` configures Microsoft Tunnel for MAM, which Atlassian apps do not support"),
                        )
                        .label("Tunnel for MAM setting")
                        .help("remove the Atlassian apps from this app configuration policy, or remove the Tunnel settings"),
                    );
                }
            }
            _ => {}
        }
    }
}
