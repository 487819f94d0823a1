//! Whom an app protection policy reaches: the Atlassian apps it targets and the audiences
//! (Entra groups, all users) its assignments include and do not exclude.
//!
//! It sits in `model` so that the [`super::Workspace`] can index policies by tenant,
//! platform, app and audience once per build (`Workspace::reaching`), from trees or from the
//! per-file [`super::workspace::FileIndex`] the language server keeps. MAM502 asks the
//! workspace which policies meet in an audience (`protection::merge::overlaps_led_by`);
//! `mamlint effective` buckets the policies of one app from the same functions
//! (`protection::merge::buckets`). Both merge with `protection::merge::merge`.

use std::collections::BTreeSet;

use super::catalog::{CATALOG, is_atlassian_id};
use super::{Entity, Kind, Platform};

/// Who an assignment reaches.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
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

impl<'a> Assignments<'a> {
    /// Whether members of `audience` get the policy: an exclusion beats an inclusion. A
    /// policy for all users is compared only with others for all users (spec 9): the service
    /// refuses that target for app protection (MAM007), so it has no group semantics to model.
    pub fn reaches(&self, audience: &Audience<'_>) -> bool {
        match audience {
            Audience::AllUsers => self.all_users,
            Audience::Group(id) => !self.exclude.contains(id) && self.include.contains(id),
        }
    }

    /// The audiences the policy reaches: its groups in ID order, then all users.
    pub fn reached(&self) -> Vec<Audience<'a>> {
        self.include
            .iter()
            .map(|g| Audience::Group(g))
            .chain(std::iter::once(Audience::AllUsers))
            .filter(|audience| self.reaches(audience))
            .collect()
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

/// Whom an app protection policy reaches.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reached<'a> {
    pub platform: Platform,
    /// The Atlassian apps, by catalog key, in catalog order (IDs it does not know last, in
    /// ID order).
    pub apps: Vec<&'a str>,
    /// The audiences, groups in ID order, then all users.
    pub audiences: Vec<Audience<'a>>,
}

impl Reached<'_> {
    /// Whether this targets `app` on `platform` and reaches `audience`.
    pub fn reaches(&self, platform: Platform, app: &str, audience: Audience<'_>) -> bool {
        self.platform == platform && self.apps.contains(&app) && self.audiences.contains(&audience)
    }
}

/// Whom `entity` reaches; `None` when it is no app protection policy, or its platform, apps
/// or assignments are unknown: nothing can be said about whom it reaches.
pub fn reached<'a>(entity: &Entity<'a>) -> Option<Reached<'a>> {
    if entity.kind != Kind::AppProtectionPolicy {
        return None;
    }
    let platform = entity.platform()?;
    let apps = app_keys(entity)?;
    let assigned = assignments(entity)?;
    let mut apps: Vec<&'a str> = apps.into_iter().collect();
    // Catalog order (Jira before Confluence), as messages list them.
    apps.sort_by_key(|key| {
        CATALOG
            .apps
            .iter()
            .position(|a| a.key == *key)
            .unwrap_or(usize::MAX)
    });
    Some(Reached {
        platform,
        apps,
        audiences: assigned.reached(),
    })
}

/// [`Reached`], owned, as a [`super::workspace::FileIndex`] keeps it between edits.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReachedOwned {
    platform: Platform,
    apps: Vec<String>,
    groups: Vec<String>,
    all_users: bool,
}

impl ReachedOwned {
    pub fn of(reached: &Reached<'_>) -> Self {
        ReachedOwned {
            platform: reached.platform,
            apps: reached.apps.iter().map(|a| (*a).to_owned()).collect(),
            groups: reached
                .audiences
                .iter()
                .filter_map(|a| match a {
                    Audience::Group(g) => Some((*g).to_owned()),
                    Audience::AllUsers => None,
                })
                .collect(),
            all_users: reached.audiences.contains(&Audience::AllUsers),
        }
    }

    /// [`Reached::reaches`] of [`ReachedOwned::borrow`], without building it.
    pub fn reaches(&self, platform: Platform, app: &str, audience: Audience<'_>) -> bool {
        self.platform == platform
            && self.apps.iter().any(|a| a == app)
            && match audience {
                Audience::Group(id) => self.groups.iter().any(|g| g == id),
                Audience::AllUsers => self.all_users,
            }
    }

    pub fn borrow(&self) -> Reached<'_> {
        Reached {
            platform: self.platform,
            apps: self.apps.iter().map(String::as_str).collect(),
            audiences: self
                .groups
                .iter()
                .map(|g| Audience::Group(g.as_str()))
                .chain(self.all_users.then_some(Audience::AllUsers))
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        assert_eq!(assigned.reached(), [Audience::Group("a")]);
    }
}
