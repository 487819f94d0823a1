//! What applies when several app protection policies reach one user (spec 9): which policies
//! reach which group, and the merge of their effective values as Intune resolves conflicts.
//!
//! It sits in `protection`, between `model` and its two clients: MAM502 (conflicting
//! policies) reports the conflicts this module finds, and `mamlint effective` prints the
//! merged view. Both go through [`merge`], so they can never disagree about a conflict or its
//! result. The rules come from Microsoft's documentation (the reference file of the
//! framework): a conflicting setting takes the most restrictive value, by the setting's
//! order in `rules/protection-levels.json`; numeric entry fields (integers such as PIN
//! retries) take the value of the admin center's recommended settings, its documented
//! default; a group that a policy both includes and excludes is excluded.
//!
//! Policies are bucketed by (tenant, platform, Atlassian app) and, within a bucket, by group:
//! the work is one pass over the policies and their assignments, never all pairs.

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::effective::{self, Effective, Source};
use super::{FRAMEWORK, Order, compare};
use crate::model::catalog::{CATALOG, is_atlassian_id};
use crate::model::properties::PROPERTIES;
use crate::model::settings::{FACTS, is_annotation};
use crate::model::{Entity, Kind, Platform, Workspace};

/// Who an assignment reaches.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Audience<'a> {
    /// An Entra group, by object ID (or by name, as IntuneCD backups write it).
    Group(&'a str),
    /// Graph's `allLicensedUsersAssignmentTarget`: every user of the tenant.
    AllUsers,
}

impl Audience<'_> {
    /// How messages and the effective view name it.
    pub fn describe(&self) -> String {
        match self {
            Audience::Group(id) => format!("group {id}"),
            Audience::AllUsers => "all users".to_owned(),
        }
    }

    /// The audience as JSON writes it: the group ID, or `all users`.
    pub fn id(&self) -> &str {
        match self {
            Audience::Group(id) => id,
            Audience::AllUsers => "all users",
        }
    }
}

/// A policy's assignments: the groups it includes and excludes.
#[derive(Clone, Debug, Default)]
pub struct Assignments<'a> {
    pub all_users: bool,
    pub include: BTreeSet<&'a str>,
    pub exclude: BTreeSet<&'a str>,
}

impl Assignments<'_> {
    /// Whether members of `audience` get the policy: an exclusion beats an inclusion. A
    /// policy for all users is compared only with others for all users (spec 9): the service
    /// refuses that target for app protection (MAM007), so it has no group semantics to model.
    pub fn reaches(&self, audience: &Audience<'_>) -> bool {
        match audience {
            Audience::AllUsers => self.all_users,
            Audience::Group(id) => !self.exclude.contains(id) && self.include.contains(id),
        }
    }
}

/// The assignments of a policy; `None` when a reader could not evaluate them (a Terraform
/// `dynamic` block, a DSC variable), so that nothing is concluded from them.
pub fn assignments<'a>(entity: &Entity<'a>) -> Option<Assignments<'a>> {
    if entity.is_unknown("assignments") {
        return None;
    }
    let mut out = Assignments::default();
    let Some(at) = entity.spec_get("assignments") else {
        return Some(out);
    };
    if at.node.as_object().is_some() {
        // A manifest: `{include: [ids], exclude: [ids]}`.
        let ids = |key| {
            at.get(key)
                .into_iter()
                .flat_map(|list| list.items().filter_map(|i| i.str()).collect::<Vec<_>>())
        };
        out.include.extend(ids("include"));
        out.exclude.extend(ids("exclude"));
        return Some(out);
    }
    // Graph (exports, Terraform, DSC): a list of `{target: {@odata.type, groupId}}`.
    for item in at.items() {
        let Some(target) = item.get("target") else {
            continue;
        };
        let odata = target
            .get("@odata.type")
            .and_then(|t| t.str())
            .unwrap_or_default()
            .to_ascii_lowercase();
        if odata.contains("alllicensedusers") {
            out.all_users = true;
            continue;
        }
        let Some(group) = target
            .get("groupId")
            .or_else(|| target.get("groupName"))
            .and_then(|g| g.str())
        else {
            continue;
        };
        if odata.contains("exclusion") {
            out.exclude.insert(group);
        } else {
            out.include.insert(group);
        }
    }
    Some(out)
}

/// The Atlassian apps a policy targets, by catalog key (the ID itself for an Atlassian ID the
/// catalog does not know); `None` when the apps are unknown.
pub fn app_keys<'a>(entity: &Entity<'a>) -> Option<BTreeSet<&'a str>> {
    if entity.is_unknown("apps") {
        return None;
    }
    Some(
        entity
            .apps()
            .into_iter()
            .filter(|a| is_atlassian_id(a.id))
            .map(|a| {
                CATALOG
                    .by_platform_id(a.id)
                    .map_or(a.id, |(app, _)| app.key.as_str())
            })
            .collect(),
    )
}

/// Policies of one tenant and platform that target one Atlassian app.
#[derive(Debug)]
pub struct Bucket<'w, 'a> {
    pub tenant: Option<&'w Entity<'a>>,
    pub platform: Platform,
    pub app: &'a str,
    /// The policies, in load order, with their assignments.
    pub policies: Vec<(&'w Entity<'a>, Assignments<'a>)>,
}

/// One audience of a bucket: the policies that reach it, in load order.
#[derive(Debug)]
pub struct Reach<'w, 'a> {
    pub audience: Audience<'a>,
    pub policies: Vec<&'w Entity<'a>>,
}

impl<'w, 'a> Bucket<'w, 'a> {
    /// Every audience some policy includes (groups in ID order, then all users), with the
    /// policies that reach it.
    pub fn reaches(&self) -> Vec<Reach<'w, 'a>> {
        // One pass over the assignments: each audience with the policies that include it.
        let mut by_audience: BTreeMap<Audience<'a>, Vec<usize>> = BTreeMap::new();
        for (i, (_, a)) in self.policies.iter().enumerate() {
            for group in &a.include {
                by_audience
                    .entry(Audience::Group(group))
                    .or_default()
                    .push(i);
            }
            if a.all_users {
                by_audience.entry(Audience::AllUsers).or_default().push(i);
            }
        }
        by_audience
            .into_iter()
            .filter_map(|(audience, members)| {
                let policies: Vec<&'w Entity<'a>> = members
                    .into_iter()
                    .filter(|&i| self.policies[i].1.reaches(&audience))
                    .map(|i| self.policies[i].0)
                    .collect();
                (!policies.is_empty()).then_some(Reach { audience, policies })
            })
            .collect()
    }
}

/// The app protection policies of a workspace, bucketed by tenant, platform and Atlassian
/// app, in the order of their first policy. Policies whose platform, apps or assignments are
/// unknown are left out: nothing can be said about whom they reach.
pub fn buckets<'w, 'a>(ws: &'w Workspace<'a>) -> Vec<Bucket<'w, 'a>> {
    let mut index: BTreeMap<(Option<usize>, Platform, &'a str), usize> = BTreeMap::new();
    let mut out: Vec<Bucket<'w, 'a>> = Vec::new();
    for policy in ws.of_kind(Kind::AppProtectionPolicy) {
        let (Some(platform), Some(apps), Some(assigned)) =
            (policy.platform(), app_keys(policy), assignments(policy))
        else {
            continue;
        };
        let tenant = ws.tenant_of(policy);
        for app in apps {
            let key = (tenant.map(|t| t.index), platform, app);
            let slot = *index.entry(key).or_insert_with(|| {
                out.push(Bucket {
                    tenant,
                    platform,
                    app,
                    policies: Vec::new(),
                });
                out.len() - 1
            });
            out[slot].policies.push((policy, assigned.clone()));
        }
    }
    out
}

/// How a conflict resolves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Resolution {
    /// The most restrictive value, by the setting's order.
    MostRestrictive,
    /// A numeric entry field: the admin center's recommended value (its default).
    Recommended,
    /// Intune takes the most restrictive value, but mamlint cannot order these values (a
    /// setting without an order, or lists neither of which is within the other).
    Unordered,
}

impl Resolution {
    pub fn as_str(self) -> &'static str {
        match self {
            Resolution::MostRestrictive => "most restrictive",
            Resolution::Recommended => "recommended value",
            Resolution::Unordered => "most restrictive (not ordered by mamlint)",
        }
    }
}

/// One policy's value in a merge.
#[derive(Debug)]
pub struct Stance<'w, 'a> {
    pub policy: &'w Entity<'a>,
    pub effective: Effective<'a>,
}

/// Policies that reach one audience with different values of a setting.
#[derive(Debug)]
pub struct Conflict {
    pub resolution: Resolution,
    /// The value Intune applies, when mamlint can tell.
    pub resolved: Option<Value>,
    /// Whether some policy's effective value is the resolved one (a recommended value may be
    /// what no file says).
    pub in_a_policy: bool,
}

/// A setting as it applies to an audience.
#[derive(Debug)]
pub struct Merged<'w, 'a> {
    pub setting: String,
    /// What applies: `null` when unknown, not set or not resolvable.
    pub value: Value,
    /// `set` when a policy the value comes from sets it, `default` when it is only a default,
    /// `not set` when no policy has a value, `unknown` when a policy's value is an expression.
    pub source: Source,
    /// The policies whose effective value is the one that applies.
    pub from: Vec<&'w Entity<'a>>,
    /// Every policy's value, in load order (policies without a value left out).
    pub stances: Vec<Stance<'w, 'a>>,
    pub conflict: Option<Conflict>,
}

/// The settings a merge covers: every row of the framework and every documented default of
/// the platform, and every setting any of the policies sets.
fn setting_names(policies: &[&Entity<'_>], platform: Platform) -> BTreeSet<String> {
    let mut names: BTreeSet<String> = effective::all_names(platform)
        .into_iter()
        .map(str::to_owned)
        .collect();
    for policy in policies {
        let Some(settings) = policy.settings() else {
            continue;
        };
        for (member, _) in settings.members() {
            let key = member.key.as_str();
            if is_annotation(key) || FACTS.is_read_only(key) || FACTS.is_spec_key(key) {
                continue;
            }
            if PROPERTIES
                .get(platform, key)
                .is_some_and(|p| !p.is_navigation())
            {
                names.insert(key.to_owned());
            }
        }
        for key in policy.resource.iter().flat_map(|r| r.unknown.iter()) {
            if PROPERTIES.get(platform, key).is_some() && !FACTS.is_spec_key(key) {
                names.insert(key.clone());
            }
        }
    }
    names
}

/// Whether two values are the same for a setting: equal, or equally strict by its order
/// (the same locations listed in another order).
fn same(order: Option<&Order>, a: &Value, b: &Value) -> bool {
    a == b || order.is_some_and(|o| compare(o, a, b) == Some(Ordering::Equal))
}

/// Whether Intune treats a setting as a numeric entry field.
fn is_numeric(platform: Platform, setting: &str) -> bool {
    PROPERTIES
        .get(platform, setting)
        .is_some_and(|p| matches!(p.graph_type.as_str(), "Int32" | "Int64" | "Int16"))
}

/// How Intune resolves different values of one setting, one implementation for MAM502 and
/// `mamlint effective`.
pub fn resolve(platform: Platform, setting: &str, values: &[&Value]) -> Conflict {
    let order = FRAMEWORK.row(platform, setting).map(|r| &r.order);
    let (resolution, resolved) = if is_numeric(platform, setting) {
        (
            Resolution::Recommended,
            FRAMEWORK.default(platform, setting).cloned(),
        )
    } else {
        let strictest = order.and_then(|o| {
            values.iter().copied().find(|v| {
                values
                    .iter()
                    .all(|w| matches!(compare(o, v, w), Some(Ordering::Greater | Ordering::Equal)))
            })
        });
        match strictest {
            Some(v) => (Resolution::MostRestrictive, Some(v.clone())),
            None => (Resolution::Unordered, None),
        }
    };
    let in_a_policy = resolved
        .as_ref()
        .is_some_and(|r| values.iter().any(|v| same(order, v, r)));
    Conflict {
        resolution,
        resolved,
        in_a_policy,
    }
}

/// Every setting as it applies to members of an audience reached by `policies` (load order).
pub fn merge<'w, 'a>(policies: &[&'w Entity<'a>], platform: Platform) -> Vec<Merged<'w, 'a>> {
    setting_names(policies, platform)
        .into_iter()
        .map(|name| merge_one(policies, platform, name))
        .collect()
}

fn merge_one<'w, 'a>(
    policies: &[&'w Entity<'a>],
    platform: Platform,
    setting: String,
) -> Merged<'w, 'a> {
    let order = FRAMEWORK.row(platform, &setting).map(|r| &r.order);
    let stances: Vec<Stance<'w, 'a>> = policies
        .iter()
        .map(|&policy| Stance {
            policy,
            effective: effective::value(policy, platform, &setting),
        })
        .filter(|s| s.effective.source != Source::NotSet)
        .collect();
    let unknown = stances.iter().any(|s| !s.effective.source.is_judged());
    let mut distinct: Vec<&Value> = Vec::new();
    for stance in &stances {
        let v = &stance.effective.value;
        if !distinct.iter().any(|d| same(order, d, v)) {
            distinct.push(v);
        }
    }
    let conflict = (!unknown && distinct.len() > 1).then(|| resolve(platform, &setting, &distinct));
    let value = if unknown {
        Value::Null
    } else {
        match (&conflict, distinct.first()) {
            (Some(c), _) => c.resolved.clone().unwrap_or(Value::Null),
            (None, Some(v)) => (*v).clone(),
            (None, None) => Value::Null,
        }
    };
    let from: Vec<&'w Entity<'a>> = if value.is_null() {
        Vec::new()
    } else {
        stances
            .iter()
            .filter(|s| same(order, &s.effective.value, &value))
            .map(|s| s.policy)
            .collect()
    };
    let source = if unknown {
        Source::Unknown
    } else if value.is_null() && conflict.is_none() {
        Source::NotSet
    } else if stances
        .iter()
        .any(|s| s.effective.source == Source::Set && same(order, &s.effective.value, &value))
    {
        Source::Set
    } else {
        // Only defaults, or a recommended value (the admin center default) no policy has.
        Source::Default
    };
    Merged {
        setting,
        value,
        source,
        from,
        stances,
        conflict,
    }
}

/// Policies of one tenant and platform that reach the same audiences together, merged once:
/// the work of MAM502, which reports each conflict once per set of policies, naming the apps
/// and audiences they share (the settings of a policy are the same for each of its apps).
#[derive(Debug)]
pub struct Overlap<'w, 'a> {
    /// The bucket of the first app, for the tenant and platform.
    pub bucket: usize,
    pub apps: Vec<&'a str>,
    pub audiences: Vec<Audience<'a>>,
    pub policies: Vec<&'w Entity<'a>>,
    /// The settings in conflict.
    pub settings: Vec<Merged<'w, 'a>>,
}

/// Every set of two or more policies that reach a common audience, with their conflicts.
pub fn overlaps<'w, 'a>(buckets: &[Bucket<'w, 'a>]) -> Vec<Overlap<'w, 'a>> {
    type Key = (Option<usize>, Platform, Vec<usize>);
    let mut found: BTreeMap<Key, Overlap<'w, 'a>> = BTreeMap::new();
    for (b, bucket) in buckets.iter().enumerate() {
        for reach in bucket.reaches() {
            if reach.policies.len() < 2 {
                continue;
            }
            let key = (
                bucket.tenant.map(|t| t.index),
                bucket.platform,
                reach.policies.iter().map(|p| p.index).collect(),
            );
            let overlap = found.entry(key).or_insert_with(|| Overlap {
                bucket: b,
                apps: Vec::new(),
                audiences: Vec::new(),
                policies: reach.policies.clone(),
                settings: Vec::new(),
            });
            if !overlap.apps.contains(&bucket.app) {
                overlap.apps.push(bucket.app);
            }
            if !overlap.audiences.contains(&reach.audience) {
                overlap.audiences.push(reach.audience);
            }
        }
    }
    found
        .into_values()
        .map(|mut overlap| {
            let platform = buckets[overlap.bucket].platform;
            overlap.settings = merge(&overlap.policies, platform)
                .into_iter()
                .filter(|m| m.conflict.is_some())
                .collect();
            overlap
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn resolved(platform: Platform, setting: &str, values: &[Value]) -> Conflict {
        resolve(platform, setting, &values.iter().collect::<Vec<_>>())
    }

    #[test]
    fn the_most_restrictive_value_wins_by_the_settings_order() {
        for (setting, values, strictest) in [
            ("printBlocked", vec![json!(false), json!(true)], json!(true)),
            (
                "allowedOutboundDataTransferDestinations",
                vec![json!("none"), json!("allApps"), json!("managedApps")],
                json!("none"),
            ),
            (
                "periodOfflineBeforeWipeIsEnforced",
                vec![json!("P90D"), json!("P30D")],
                json!("P30D"),
            ),
            (
                "allowedDataStorageLocations",
                vec![
                    json!(["oneDriveForBusiness", "sharePoint"]),
                    json!(["sharePoint"]),
                ],
                json!(["sharePoint"]),
            ),
        ] {
            let c = resolved(Platform::Ios, setting, &values);
            assert_eq!(c.resolution, Resolution::MostRestrictive, "{setting}");
            assert_eq!(c.resolved, Some(strictest), "{setting}");
            assert!(c.in_a_policy, "{setting}");
        }
    }

    #[test]
    fn numeric_fields_take_the_recommended_value() {
        let c = resolved(Platform::Android, "minimumPinLength", &[json!(6), json!(8)]);
        assert_eq!(c.resolution, Resolution::Recommended);
        assert_eq!(c.resolved, Some(json!(4)));
        assert!(!c.in_a_policy);
        let c = resolved(Platform::Ios, "maximumPinRetries", &[json!(3), json!(5)]);
        assert_eq!(c.resolved, Some(json!(5)));
        assert!(c.in_a_policy);
    }

    #[test]
    fn values_without_an_order_are_not_guessed() {
        // Neither list is within the other.
        let c = resolved(
            Platform::Ios,
            "allowedDataStorageLocations",
            &[json!(["oneDriveForBusiness"]), json!(["sharePoint"])],
        );
        assert_eq!(c.resolution, Resolution::Unordered);
        assert_eq!(c.resolved, None);
        // A setting the framework does not order.
        let c = resolved(
            Platform::Ios,
            "customBrowserProtocol",
            &[json!("a"), json!("b")],
        );
        assert_eq!(c.resolution, Resolution::Unordered);
    }

    #[test]
    fn an_exclusion_beats_an_inclusion() {
        let assigned = Assignments {
            all_users: false,
            include: BTreeSet::from(["a", "b"]),
            exclude: BTreeSet::from(["b"]),
        };
        assert!(assigned.reaches(&Audience::Group("a")));
        assert!(!assigned.reaches(&Audience::Group("b")));
        assert!(!assigned.reaches(&Audience::AllUsers));
    }
}
