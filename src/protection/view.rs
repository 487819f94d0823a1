//! `mamlint effective` output (spec 9): for one Atlassian app and platform, each group some
//! policy includes (or the one asked for) with every setting as it applies to its members,
//! the policies the value comes from, and each conflict with what Intune resolves it to.
//! Human text and the JSON of spec 9. It decides nothing: the merge is [`super::merge`], the
//! same one MAM502 reports from.

use std::fmt::Write as _;

use serde_json::{Value, json};

use super::effective::Source;
use super::merge::{Audience, Merged, Resolution, buckets, merge};
use crate::model::catalog::{App, CATALOG};
use crate::model::{Entity, Kind, Platform, Workspace};
use crate::suggest;

/// What `mamlint effective` was asked for.
#[derive(Clone, Debug)]
pub struct Request<'r> {
    /// A catalog key (`jira-cloud`) or the app's package or bundle ID.
    pub app: &'r str,
    pub platform: Platform,
    pub group: Option<&'r str>,
    pub tenant: Option<&'r str>,
}

/// One group's merged settings.
#[derive(Debug)]
pub struct GroupView<'w, 'a> {
    pub tenant: Option<&'a str>,
    pub audience: Audience<'a>,
    pub policies: Vec<&'w Entity<'a>>,
    pub settings: Vec<Merged<'w, 'a>>,
}

/// The effective view of one app on one platform.
#[derive(Debug)]
pub struct View<'w, 'a> {
    pub app: &'static App,
    pub platform: Platform,
    pub groups: Vec<GroupView<'w, 'a>>,
}

/// The catalog app a `--app` value names, or a message saying what is accepted.
pub fn find_app(name: &str) -> Result<&'static App, String> {
    if let Some(app) = CATALOG.by_key(name) {
        return Ok(app);
    }
    if let Some((app, _)) = CATALOG.by_platform_id(name) {
        return Ok(app);
    }
    let keys: Vec<&str> = CATALOG.keys().collect();
    let hint = suggest::closest(name, keys.iter().copied())
        .map(|k| format!(" (did you mean `{k}`?)"))
        .unwrap_or_default();
    Err(format!(
        "unknown app `{name}`{hint}; expected a catalog key: {}",
        keys.join(", ")
    ))
}

/// Merges the policies that reach each group, as Intune would. `Err` when the app or the
/// tenant is unknown.
pub fn build<'w, 'a>(ws: &'w Workspace<'a>, request: &Request<'_>) -> Result<View<'w, 'a>, String> {
    let app = find_app(request.app)?;
    if let Some(tenant) = request.tenant
        && ws.named(Kind::EntraTenant, tenant).is_none()
    {
        let hint = suggest::closest(tenant, ws.names(Kind::EntraTenant))
            .map(|k| format!(" (did you mean `{k}`?)"))
            .unwrap_or_default();
        return Err(format!("no loaded EntraTenant is named `{tenant}`{hint}"));
    }
    let mut groups = Vec::new();
    for bucket in buckets(ws) {
        if bucket.platform != request.platform || bucket.app != app.key {
            continue;
        }
        let tenant = bucket.tenant.and_then(Entity::name);
        if request.tenant.is_some() && tenant != request.tenant {
            continue;
        }
        for reach in bucket.reaches() {
            if request
                .group
                .is_some_and(|g| Audience::Group(g) != reach.audience)
            {
                continue;
            }
            let settings = merge(&reach.policies, bucket.platform);
            groups.push(GroupView {
                tenant,
                audience: reach.audience,
                policies: reach.policies,
                settings,
            });
        }
    }
    Ok(View {
        app,
        platform: request.platform,
        groups,
    })
}

/// How the view names a policy: `metadata.name` of a manifest, the resource address of a
/// Terraform or DSC resource, else the display name.
pub fn policy_name(policy: &Entity<'_>) -> String {
    match policy.resource() {
        Some(resource) => resource.address.clone(),
        None => policy.name().unwrap_or("(unnamed)").to_owned(),
    }
}

fn names(policies: &[&Entity<'_>]) -> Vec<String> {
    policies.iter().map(|p| policy_name(p)).collect()
}

fn source_key(merged: &Merged<'_, '_>) -> &'static str {
    match (&merged.conflict, merged.source) {
        (Some(c), _) if c.resolution == Resolution::Recommended && !c.in_a_policy => "recommended",
        (Some(c), _) if c.resolved.is_none() => "undetermined",
        (_, source) => source.as_str(),
    }
}

/// The JSON of spec 9, with each conflict's values and rule beside `conflict`.
pub fn json(view: &View<'_, '_>, request: &Request<'_>) -> Value {
    let groups: Vec<Value> = view
        .groups
        .iter()
        .map(|g| {
            let settings: Vec<Value> = g
                .settings
                .iter()
                .map(|m| {
                    let mut setting = json!({
                        "name": m.setting,
                        "value": m.value,
                        "from": names(&m.from),
                        "conflict": m.conflict.is_some(),
                        "source": source_key(m),
                    });
                    if let Some(c) = &m.conflict {
                        setting["resolution"] = json!(c.resolution.as_str());
                        setting["values"] = m
                            .stances
                            .iter()
                            .map(|s| {
                                json!({
                                    "policy": policy_name(s.policy),
                                    "value": s.effective.value,
                                    "source": s.effective.source.as_str(),
                                })
                            })
                            .collect();
                    }
                    let unknown: Vec<String> = m
                        .stances
                        .iter()
                        .filter(|s| !s.effective.source.is_judged())
                        .map(|s| policy_name(s.policy))
                        .collect();
                    if !unknown.is_empty() {
                        setting["unknownIn"] = json!(unknown);
                    }
                    setting
                })
                .collect();
            json!({
                "group": g.audience.id(),
                "tenant": g.tenant,
                "policies": names(&g.policies),
                "settings": settings,
            })
        })
        .collect();
    let mut out = json!({
        "version": 1,
        "app": view.app.key,
        "platform": view.platform.key(),
        "groups": groups,
    });
    if let Some(group) = request.group {
        out["requestedGroup"] = json!(group);
    }
    out
}

fn value_text(value: &Value, source: Source) -> String {
    match source {
        Source::Unknown => "unknown".to_owned(),
        Source::NotSet => "not set".to_owned(),
        Source::Invalid => "invalid".to_owned(),
        Source::Default => format!("{value} (default)"),
        Source::Set => value.to_string(),
    }
}

/// The human view: per group, the policies, then one line per setting that some policy has a
/// value for, conflicts spelled out beneath.
pub fn human(view: &View<'_, '_>, request: &Request<'_>) -> String {
    let mut out = String::new();
    let subject = format!("{} on {}", view.app.name, view.platform.label());
    if view.groups.is_empty() {
        let whom = request
            .group
            .map_or_else(|| "any group".to_owned(), |g| format!("group {g}"));
        let _ = writeln!(
            out,
            "No app protection policy for {subject} reaches {whom}."
        );
        return out;
    }
    for (i, g) in view.groups.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let tenant = g
            .tenant
            .map(|t| format!(", tenant {t}"))
            .unwrap_or_default();
        let _ = writeln!(out, "{subject}: {}{tenant}", g.audience.describe());
        let _ = writeln!(out, "policies: {}", names(&g.policies).join(", "));
        let shown: Vec<&Merged<'_, '_>> = g
            .settings
            .iter()
            .filter(|m| m.source != Source::NotSet)
            .collect();
        let width = shown.iter().map(|m| m.setting.len()).max().unwrap_or(0);
        let conflicts = shown.iter().filter(|m| m.conflict.is_some()).count();
        let values: Vec<String> = shown
            .iter()
            .map(|m| match &m.conflict {
                Some(c) if c.resolved.is_none() => "undetermined".to_owned(),
                _ => value_text(&m.value, m.source),
            })
            .collect();
        // Long lists would push every `from` far right: the column fits the short values.
        let value_width = values
            .iter()
            .map(|v| v.chars().count())
            .filter(|&n| n <= 24)
            .max()
            .unwrap_or(0);
        for (m, value) in shown.iter().zip(&values) {
            let mark = if m.conflict.is_some() { "!" } else { " " };
            let line = if m.from.is_empty() {
                format!("{mark} {:width$}  {value}", m.setting)
            } else {
                format!(
                    "{mark} {:width$}  {value:value_width$}  from {}",
                    m.setting,
                    names(&m.from).join(", ")
                )
            };
            let _ = writeln!(out, "{}", line.trim_end());
            if let Some(c) = &m.conflict {
                let values = m
                    .stances
                    .iter()
                    .map(|s| {
                        format!(
                            "{} in {}",
                            value_text(&s.effective.value, s.effective.source),
                            policy_name(s.policy)
                        )
                    })
                    .collect::<Vec<_>>()
                    .join(", ");
                let rule = match (c.resolution, &c.resolved) {
                    (Resolution::Recommended, Some(v)) if !c.in_a_policy => {
                        format!("the recommended value {v}, which no policy says")
                    }
                    (Resolution::Recommended, Some(v)) => format!("the recommended value {v}"),
                    (Resolution::Recommended, None) => {
                        "the recommended value, which mamlint does not know".to_owned()
                    }
                    (Resolution::MostRestrictive, Some(v)) => format!("the most restrictive, {v}"),
                    _ => "the most restrictive, which mamlint cannot order".to_owned(),
                };
                let _ = writeln!(out, "  {:width$}  conflict: {values} → {rule}", "");
            }
            if m.source == Source::Unknown {
                let unknown = m
                    .stances
                    .iter()
                    .filter(|s| !s.effective.source.is_judged())
                    .map(|s| policy_name(s.policy))
                    .collect::<Vec<_>>()
                    .join(", ");
                let _ = writeln!(
                    out,
                    "  {:width$}  mamlint cannot evaluate the value in {unknown}",
                    ""
                );
            }
        }
        let unset: Vec<&str> = g
            .settings
            .iter()
            .filter(|m| m.source == Source::NotSet)
            .map(|m| m.setting.as_str())
            .collect();
        if !unset.is_empty() {
            let _ = writeln!(
                out,
                "not set by any policy (no documented default): {}",
                unset.join(", ")
            );
        }
        let _ = writeln!(
            out,
            "{} settings, {conflicts} in conflict (! marks them)",
            shown.len()
        );
    }
    out
}
