use super::{Context, Rule, RuleMeta, declare_rule};
use crate::diagnostic::{Diagnostic, Location};
use crate::model::Entity;
use crate::model::catalog::CATALOG;
use crate::protection::effective::{Effective, Source};
use crate::protection::merge::{Merged, Overlap, Resolution, Stance, overlaps_led_by};
use crate::protection::view::policy_name;

declare_rule! {
    /// ## What it checks
    /// Two or more app protection policies of one tenant and platform that target the same
    /// Atlassian app, reach a common group (or both include all users) and give one setting
    /// different values. A policy's value is what it sets, else its documented default; a
    /// group it both includes and excludes is excluded, as Intune resolves it. One finding per
    /// setting and set of policies, at a value Intune does not apply, with the other values
    /// as related locations (the first ten; the message names four policies and counts the
    /// rest, so a group many policies reach does not give messages that grow with the square
    /// of their number); the message says what Intune applies: the most restrictive value
    /// by the framework's order, or, for numeric entry fields (PIN length, PIN retries), the
    /// value of the admin center's recommended settings, which may be what no policy says.
    /// Values mamlint cannot evaluate (Terraform expressions, DSC variables) are never
    /// conflicts. `mamlint effective` shows the merged result for each group.
    ///
    /// ## Why it matters
    /// Intune reports the second policy as "in conflict" and applies a value neither author
    /// chose on purpose: a pilot policy that asks for a shorter offline period tightens the
    /// main policy for everyone in both groups, and two PIN lengths give users the
    /// recommended length rather than either file's.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: mamlint/v1
    /// kind: AppProtectionPolicy
    /// metadata: {name: atlassian-ios}
    /// spec:
    ///   platform: ios
    ///   displayName: Atlassian apps (iOS)
    ///   apps: [com.atlassian.jira.app]
    ///   assignments:
    ///     include: [0b6e2c1a-5f0d-4c5e-9a7b-3d2f1e0c9b8a]
    ///   settings:
    ///     printBlocked: false
    /// ---
    /// apiVersion: mamlint/v1
    /// kind: AppProtectionPolicy
    /// metadata: {name: atlassian-ios-pilot}
    /// spec:
    ///   platform: ios
    ///   displayName: Atlassian apps (iOS pilot)
    ///   apps: [com.atlassian.jira.app]
    ///   assignments:
    ///     include: [0b6e2c1a-5f0d-4c5e-9a7b-3d2f1e0c9b8a]
    ///   settings:
    ///     printBlocked: true
    /// ```
    ///
    /// ## Fix
    /// Give the pilot its own group (or exclude the pilot group from the main policy), or
    /// agree on one value.
    /// ```yaml
    /// apiVersion: mamlint/v1
    /// kind: AppProtectionPolicy
    /// metadata: {name: atlassian-ios}
    /// spec:
    ///   platform: ios
    ///   displayName: Atlassian apps (iOS)
    ///   apps: [com.atlassian.jira.app]
    ///   assignments:
    ///     include: [0b6e2c1a-5f0d-4c5e-9a7b-3d2f1e0c9b8a]
    ///     exclude: [5d4c3b2a-1f0e-4d9c-8b7a-6f5e4d3c2b1a]
    ///   settings:
    ///     printBlocked: false
    /// ---
    /// apiVersion: mamlint/v1
    /// kind: AppProtectionPolicy
    /// metadata: {name: atlassian-ios-pilot}
    /// spec:
    ///   platform: ios
    ///   displayName: Atlassian apps (iOS pilot)
    ///   apps: [com.atlassian.jira.app]
    ///   assignments:
    ///     include: [5d4c3b2a-1f0e-4d9c-8b7a-6f5e4d3c2b1a]
    ///   settings:
    ///     printBlocked: true
    /// ```
    ///
    /// ## Source
    /// Microsoft Learn, "App protection policies overview" (MicrosoftDocs/memdocs
    /// `intune/intune-service/apps/app-protection-policy.md`): conflicting settings take the
    /// most restrictive value, except numeric entry fields, which take the values of the
    /// recommended settings; "Include and exclude app assignments"
    /// (`intune/intune-service/apps/apps-inc-exl-assignments.md`): exclusion wins.
    pub struct ConflictingPolicies {
        code: "MAM502",
        name: "conflicting-policies",
        severity: Warning,
        summary: "App protection policies that reach one group give a setting of one app different values.",
    }
}

impl Rule for ConflictingPolicies {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    /// Each set of policies is judged by its first policy in load order, so an edit re-runs
    /// only the sets whose audiences it touched.
    fn check_entity(&self, cx: &Context<'_, '_>, entity: &Entity<'_>, out: &mut Vec<Diagnostic>) {
        for overlap in overlaps_led_by(cx.workspace, entity) {
            for merged in &overlap.settings {
                if let Some(d) = finding(&overlap, merged) {
                    out.push(d);
                }
            }
        }
    }
}

fn finding(overlap: &Overlap<'_, '_>, merged: &Merged<'_, '_>) -> Option<Diagnostic> {
    let conflict = merged.conflict.as_ref()?;
    let setting = &merged.setting;
    // The finding goes where a file says something Intune does not apply; failing that (only
    // a default is overruled), at a value a file does say.
    let set = |s: &&Stance<'_, '_>| s.effective.source == Source::Set;
    let not_applied = |s: &&Stance<'_, '_>| conflict.resolved.as_ref() != Some(&s.effective.value);
    let primary = merged
        .stances
        .iter()
        .filter(not_applied)
        .find(set)
        .or_else(|| merged.stances.iter().find(set))
        .or_else(|| merged.stances.first())?;
    let others: Vec<&Stance<'_, '_>> = merged
        .stances
        .iter()
        .filter(|s| !std::ptr::eq(*s, primary))
        .collect();
    let app = overlap
        .apps
        .iter()
        .map(|key| CATALOG.by_key(key).map_or(*key, |a| a.name.as_str()))
        .collect::<Vec<_>>()
        .join(", ");
    let audience = match overlap.audiences.as_slice() {
        [one] => one.describe(),
        [first, rest @ ..] => format!("{} (and {} more)", first.describe(), rest.len()),
        [] => "a common group".to_owned(),
    };
    let mut elsewhere = others
        .iter()
        .take(NAMED)
        .map(|s| format!("{} in {}", value_of(&s.effective), name(s.policy)))
        .collect::<Vec<_>>()
        .join(", ");
    let unnamed = others.len().saturating_sub(NAMED);
    if unnamed > 0 {
        elsewhere.push_str(&format!(" (and {unnamed} more {})", policies(unnamed)));
    }
    let outcome = match (conflict.resolution, &conflict.resolved) {
        (Resolution::MostRestrictive, Some(v)) => {
            format!("Intune applies the most restrictive value, {v}")
        }
        (Resolution::Recommended, Some(v)) if conflict.in_a_policy => format!(
            "Intune gives a numeric field its recommended value, {v}"
        ),
        (Resolution::Recommended, Some(v)) => format!(
            "Intune gives a numeric field its recommended value, {v}, which is not what {} says",
            if merged.stances.len() == 2 { "either policy" } else { "any of the policies" }
        ),
        (Resolution::Recommended, None) => "Intune gives a numeric field its recommended value, which mamlint does not know for this setting".to_owned(),
        _ => "Intune applies the most restrictive value, and mamlint has no order to tell which that is".to_owned(),
    };
    let mut names: Vec<String> = std::iter::once(primary)
        .chain(others.iter().copied())
        .take(NAMED + 1)
        .map(|s| name(s.policy))
        .collect();
    let last = if unnamed > 0 {
        format!("{unnamed} more {}", policies(unnamed))
    } else {
        names.pop().unwrap_or_default()
    };
    let message = format!(
        "{} and {last} reach {audience} with {app}, and `{setting}` is {} here but {elsewhere}; {outcome}",
        names.join(", "),
        value_of(&primary.effective),
    );
    let mut diagnostic = Diagnostic::new(
        &ConflictingPolicies::META,
        location(primary.policy, &primary.effective),
        message,
    )
    .label(match &conflict.resolved {
        Some(v) if *v == primary.effective.value => "the value Intune applies".to_owned(),
        Some(v) => format!("Intune applies {v} instead"),
        None => "one of the conflicting values".to_owned(),
    })
    .help(format!(
        "give `{setting}` one value in every policy that reaches {audience}, or assign the policies to groups that do not overlap (an exclusion wins over an inclusion)"
    ))
    .note("Intune resolves conflicting app protection settings to the most restrictive value; numeric entry fields take the values of the recommended settings");
    if unnamed > 0 {
        diagnostic = diagnostic.note(format!(
            "{} policies reach this audience; `mamlint effective` lists every one with its value",
            others.len() + 1
        ));
    }
    for stance in others.into_iter().take(RELATED) {
        let what = match stance.effective.source {
            Source::Set => format!("{} sets {}", name(stance.policy), stance.effective.value),
            _ => format!(
                "{} does not set `{setting}`; its default {} applies",
                name(stance.policy),
                stance.effective.value
            ),
        };
        diagnostic = diagnostic.related(location(stance.policy, &stance.effective), what);
    }
    Some(diagnostic)
}

/// How many other policies a message names. One finding per setting of an overlap names its
/// policies, so without a bound a group that N policies reach gives N² names.
const NAMED: usize = 3;

/// How many other policies become related locations, for the same reason.
const RELATED: usize = 10;

fn policies(count: usize) -> &'static str {
    if count == 1 { "policy" } else { "policies" }
}

/// A policy as messages name it, as `mamlint effective` does: its `metadata.name`, the
/// resource address of Terraform and DSC, the `displayName` of an export.
fn name(policy: &Entity<'_>) -> String {
    format!("`{}`", policy_name(policy))
}

fn value_of(effective: &Effective<'_>) -> String {
    match effective.source {
        Source::Default => format!("{} (default)", effective.value),
        _ => effective.value.to_string(),
    }
}

/// The value's node; for a default, the `settings` key of a manifest, else the policy's name.
fn location(policy: &Entity<'_>, effective: &Effective<'_>) -> Location {
    if let Some(at) = &effective.at {
        return policy.location(at);
    }
    let settings_key = policy
        .spec()
        .filter(|_| !policy.is_export())
        .and_then(|spec| spec.member("settings"));
    if let Some((member, pointer)) = settings_key {
        return policy.key_location(member, &pointer);
    }
    let at = policy
        .name_at()
        .or_else(|| policy.spec())
        .unwrap_or_else(|| policy.root_at());
    policy.location(&at)
}
