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
//! Whom each policy reaches is `model::reach`, indexed by the workspace by tenant, platform,
//! Atlassian app and audience (`Workspace::reaching`): MAM502 asks it once per policy
//! ([`overlaps_led_by`]), `mamlint effective` buckets the policies ([`buckets`]); neither
//! compares all pairs.

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::effective::{self, Effective, Source};
use super::{FRAMEWORK, Order, compare};
use crate::model::properties::PROPERTIES;
pub use crate::model::reach::Audience;
use crate::model::settings::{FACTS, is_annotation};
use crate::model::{Entity, Kind, Platform, Workspace};

/// Policies of one tenant and platform that target one Atlassian app.
#[derive(Debug)]
pub struct Bucket<'w, 'a> {
    pub tenant: Option<&'w Entity<'a>>,
    pub platform: Platform,
    pub app: &'a str,
    /// The policies, in load order, with the audiences each reaches.
    pub policies: Vec<(&'w Entity<'a>, Vec<Audience<'a>>)>,
}

/// One audience of a bucket: the policies that reach it, in load order.
#[derive(Debug)]
pub struct Reach<'w, 'a> {
    pub audience: Audience<'a>,
    pub policies: Vec<&'w Entity<'a>>,
}

impl<'w, 'a> Bucket<'w, 'a> {
    /// Every audience some policy reaches (groups in ID order, then all users), with the
    /// policies that reach it.
    pub fn reaches(&self) -> Vec<Reach<'w, 'a>> {
        let mut by_audience: BTreeMap<Audience<'a>, Vec<&'w Entity<'a>>> = BTreeMap::new();
        for (policy, audiences) in &self.policies {
            for &audience in audiences {
                by_audience.entry(audience).or_default().push(*policy);
            }
        }
        by_audience
            .into_iter()
            .map(|(audience, policies)| Reach { audience, policies })
            .collect()
    }
}

/// The app protection policies of a workspace, bucketed by tenant, platform and Atlassian
/// app, in the order of their first policy, from whom the workspace found each policy to
/// reach ([`Workspace::reached`]). Policies whose platform, apps or assignments are unknown
/// are left out: nothing can be said about whom they reach.
pub fn buckets<'w, 'a>(ws: &'w Workspace<'a>) -> Vec<Bucket<'w, 'a>> {
    let mut index: BTreeMap<(Option<usize>, Platform, &'a str), usize> = BTreeMap::new();
    let mut out: Vec<Bucket<'w, 'a>> = Vec::new();
    for policy in ws.of_kind(Kind::AppProtectionPolicy) {
        let Some(reached) = ws.reached(policy) else {
            continue;
        };
        let tenant = ws.tenant_of(policy);
        for &app in &reached.apps {
            let key = (tenant.map(|t| t.index), reached.platform, app);
            let slot = *index.entry(key).or_insert_with(|| {
                out.push(Bucket {
                    tenant,
                    platform: reached.platform,
                    app,
                    policies: Vec::new(),
                });
                out.len() - 1
            });
            out[slot].policies.push((policy, reached.audiences.clone()));
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
        for key in policy.resource().iter().flat_map(|r| r.unknown.iter()) {
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
        .is_some_and(|p| matches!(p.graph_type, "Int32" | "Int64" | "Int16"))
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
    pub platform: Platform,
    /// The apps, by catalog key, in catalog order.
    pub apps: Vec<&'a str>,
    /// The audiences, in the order of their first app: groups by ID, then all users.
    pub audiences: Vec<Audience<'a>>,
    /// The policies, in load order.
    pub policies: Vec<&'w Entity<'a>>,
    /// The settings in conflict.
    pub settings: Vec<Merged<'w, 'a>>,
}

/// Every set of two or more policies, `policy` the first of them in load order, that reach a
/// common audience of one app, with their conflicts. Each set belongs to its first policy, so
/// asking this of every policy finds each set once; the language server asks it again only
/// of the policies whose audiences an edit touched (`Workspace::reaching` records them).
pub fn overlaps_led_by<'w, 'a>(
    ws: &'w Workspace<'a>,
    policy: &'w Entity<'a>,
) -> Vec<Overlap<'w, 'a>> {
    let Some(reached) = ws.reached(policy) else {
        return Vec::new();
    };
    let tenant = ws.tenant_of(policy);
    let mut found: BTreeMap<Vec<usize>, Overlap<'w, 'a>> = BTreeMap::new();
    for &app in &reached.apps {
        for &audience in &reached.audiences {
            let mut policies = ws
                .reaching(tenant, reached.platform, app, audience)
                .peekable();
            // A set belongs to its first policy: the others stop at the first look.
            if policies
                .peek()
                .is_none_or(|first| first.index != policy.index)
            {
                continue;
            }
            let policies: Vec<&'w Entity<'a>> = policies.collect();
            if policies.len() < 2 {
                continue;
            }
            let key = policies.iter().map(|p| p.index).collect();
            let overlap = found.entry(key).or_insert_with(|| Overlap {
                platform: reached.platform,
                apps: Vec::new(),
                audiences: Vec::new(),
                policies,
                settings: Vec::new(),
            });
            if !overlap.apps.contains(&app) {
                overlap.apps.push(app);
            }
            if !overlap.audiences.contains(&audience) {
                overlap.audiences.push(audience);
            }
        }
    }
    found
        .into_values()
        .map(|mut overlap| {
            overlap.settings = merge(&overlap.policies, overlap.platform)
                .into_iter()
                .filter(|m| m.conflict.is_some())
                .collect();
            overlap
        })
        .collect()
}

/// The policies that share an audience of one app with another policy: those whose settings
/// [`overlaps_led_by`] merges, found from whom each policy reaches without reading a setting.
pub fn overlapping<'w, 'a>(ws: &'w Workspace<'a>) -> impl Iterator<Item = &'w Entity<'a>> {
    ws.entities.iter().filter(move |policy| {
        let Some(reached) = ws.reached(policy) else {
            return false;
        };
        let tenant = ws.tenant_of(policy);
        reached.apps.iter().any(|&app| {
            reached.audiences.iter().any(|&audience| {
                ws.reaching(tenant, reached.platform, app, audience)
                    .nth(1)
                    .is_some()
            })
        })
    })
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
}
