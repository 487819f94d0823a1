use super::{Context, Rule, RuleMeta, declare_rule};
use crate::diagnostic::Diagnostic;
use crate::model::Entity;

declare_rule! {
    /// ## What it checks
    /// A value of the wrong type, outside its enum or documented range, or malformed: a GUID
    /// (`tenantId`, `appId`, group IDs), a domain name, an ISO 8601 duration (`PT12H`,
    /// `P90D`), a required key that is missing. Setting types, enum values and ranges come from
    /// the Graph property catalog (Graph beta values, the default API version); for example
    /// `maximumPinRetries` accepts 1 to 65535 and `allowedOutboundClipboardSharingLevel` one of
    /// `allApps`, `managedAppsWithPasteIn`, `managedApps`, `blocked`. A did-you-mean is offered
    /// for misspelled enum values.
    ///
    /// ## Why it matters
    /// Graph answers `400 Bad Request` for a malformed value, so the policy fails at rollout,
    /// or a pipeline coerces it into something you did not review.
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
    ///     periodOfflineBeforeAccessCheck: 12h
    ///     allowedOutboundClipboardSharingLevel: managedApp
    ///     maximumPinRetries: 0
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    /// apiVersion: mamlint/v1
    /// kind: AppProtectionPolicy
    /// metadata: {name: atlassian-ios}
    /// spec:
    ///   platform: ios
    ///   displayName: Atlassian apps (iOS)
    ///   settings:
    ///     periodOfflineBeforeAccessCheck: PT12H
    ///     allowedOutboundClipboardSharingLevel: managedApps
    ///     maximumPinRetries: 5
    /// ```
    ///
    /// ## Source
    /// Microsoft Graph beta resource types and enum pages (`managedAppClipboardSharingLevel`,
    /// `managedAppDataTransferLevel`, ...); ISO 8601 durations as Graph documents them.
    pub struct InvalidValue {
        code: "MAM007",
        name: "invalid-value",
        severity: Error,
        summary: "A value has the wrong type, is outside its enum or range, or is malformed.",
    }
}

impl Rule for InvalidValue {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn scope(&self) -> super::Scope {
        super::Scope::File
    }

    fn check_entity(&self, cx: &Context<'_, '_>, entity: &Entity<'_>, out: &mut Vec<Diagnostic>) {
        let text = cx
            .workspace
            .loaded(entity.file)
            .map_or("", |l| l.source.text.as_str());
        super::schema_findings::check(entity, cx.workspace.platform(entity), text, out);
    }
}
