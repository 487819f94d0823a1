//! The language server's workspace stage kept between edits (`lint::incremental::Session`)
//! against a fresh `lint::check` of the same contents: after every edit of a random sequence
//! (renamed, deleted and duplicated documents, changed domains and references, suppressions,
//! files added and removed), each file's findings are the same, diagnostic for diagnostic.

use mamlint::lint::incremental::{Session, Settled};
use mamlint::lint::{self, Input, Loaded, Settings};
use mamlint::model::WorkspaceFile;
use proptest::prelude::*;

const NAMES: &[&str] = &["acme", "acme-entra", "labs", "p1", "p2"];
const DOMAINS: &[&str] = &["acme.com", "ACME.com", "labs.io", "other.org"];
const GROUPS: &[&str] = &[
    "0b6e2c1a-5f0d-4c5e-9a7b-3d2f1e0c9b8a",
    "5d4c3b2a-1f0e-4d9c-8b7a-6f5e4d3c2b1a",
];
const APPS: &[&str] = &[
    "com.atlassian.jira.app",
    "com.atlassian.confluence.app",
    "com.atlassian.android.jira.core",
];

/// One document, from a small space of names and values, so that random documents collide,
/// dangle and cover each other.
#[derive(Clone, Debug)]
enum Doc {
    Tenant {
        name: usize,
        domains: Vec<usize>,
    },
    Organization {
        name: usize,
        domain: usize,
        guard: bool,
    },
    Intune {
        name: usize,
        organization: usize,
        apps: Vec<usize>,
    },
    Protection {
        name: usize,
        tenant: Option<usize>,
        android: bool,
        display: usize,
        apps: Vec<usize>,
        yes: bool,
        suppressed: bool,
        /// Whom it reaches: included and excluded groups, and its PIN length (8 or 6), so
        /// that policies meet in a group and conflict (MAM502).
        reach: (Vec<usize>, Option<usize>, bool),
    },
}

impl Doc {
    fn render(&self) -> String {
        match self {
            Doc::Tenant { name, domains } => {
                let domains: Vec<&str> = domains.iter().map(|&d| DOMAINS[d]).collect();
                format!(
                    "apiVersion: mamlint/v1\nkind: EntraTenant\nmetadata:\n  name: {}\nspec:\n  tenantId: 7f0c3a3e-1b2c-4d5e-8f90-a1b2c3d4e5f6\n  domains: [{}]\n  adminConsent:\n    - app: jira-cloud\n",
                    NAMES[*name],
                    domains.join(", ")
                )
            }
            Doc::Organization {
                name,
                domain,
                guard,
            } => format!(
                "apiVersion: mamlint/v1\nkind: Organization\nmetadata:\n  name: {}\nspec:\n  orgId: 3f2b8c1d-6e4a-4b7f-9c2d-1a0e5f6b7c8d\n  guard: {}\n  domains:\n    - name: {}\n      status: verified\n",
                NAMES[*name],
                if *guard { "standard" } else { "none" },
                DOMAINS[*domain]
            ),
            Doc::Intune {
                name,
                organization,
                apps,
            } => {
                let keys = ["jira-cloud", "confluence-cloud", "jira-cloud"];
                let apps: Vec<&str> = apps.iter().map(|&a| keys[a]).collect();
                format!(
                    "apiVersion: mamlint/v1\nkind: MobileAppPolicy\nmetadata:\n  name: {}\nspec:\n  organization: {}\n  type: intune\n  displayName: Via Intune\n  apps: [{}]\n  users: all\n",
                    NAMES[*name],
                    NAMES[*organization],
                    apps.join(", ")
                )
            }
            Doc::Protection {
                name,
                tenant,
                android,
                display,
                apps,
                yes,
                suppressed,
                reach: (include, exclude, long_pin),
            } => {
                let mut text = format!(
                    "apiVersion: mamlint/v1\nkind: AppProtectionPolicy\nmetadata:\n  name: {}\nspec:\n",
                    NAMES[*name]
                );
                if let Some(tenant) = tenant {
                    if *suppressed {
                        text.push_str("  # mamlint: ignore[MAM008] not set up yet\n");
                    }
                    text.push_str(&format!("  tenant: {}\n", NAMES[*tenant]));
                }
                text.push_str(&format!(
                    "  platform: {}\n  displayName: Policy {display}\n  apps:\n",
                    if *android { "android" } else { "ios" }
                ));
                for &app in apps {
                    text.push_str(&format!("    - {}\n", APPS[app]));
                }
                let include: Vec<&str> = include.iter().map(|&g| GROUPS[g]).collect();
                text.push_str(&format!(
                    "  assignments:\n    include: [{}]\n",
                    include.join(", ")
                ));
                if let Some(g) = exclude {
                    text.push_str(&format!("    exclude: [{}]\n", GROUPS[*g]));
                }
                text.push_str(&format!(
                    "  settings:\n    pinRequired: {}\n    minimumPinLength: {}\n",
                    if *yes { "yes" } else { "true" },
                    if *long_pin { 8 } else { 6 }
                ));
                text
            }
        }
    }
}

fn doc() -> impl Strategy<Value = Doc> {
    let name = 0..NAMES.len();
    prop_oneof![
        1 => (name.clone(), prop::collection::vec(0..DOMAINS.len(), 0..3))
            .prop_map(|(name, domains)| Doc::Tenant { name, domains }),
        1 => (name.clone(), 0..DOMAINS.len(), any::<bool>()).prop_map(|(name, domain, guard)| {
            Doc::Organization {
                name,
                domain,
                guard,
            }
        }),
        1 => (
            name.clone(),
            name.clone(),
            prop::collection::vec(0..3usize, 0..3)
        )
            .prop_map(|(name, organization, apps)| Doc::Intune {
                name,
                organization,
                apps
            }),
        // Policies most, so that they meet in groups and conflict (MAM502) across files.
        3 => (
            name.clone(),
            prop::option::of(name),
            any::<bool>(),
            0..6usize,
            prop::collection::vec(0..APPS.len(), 0..3),
            any::<bool>(),
            any::<bool>(),
            (
                prop::collection::vec(0..GROUPS.len(), 0..3),
                prop::option::of(0..GROUPS.len()),
                any::<bool>()
            )
        )
            .prop_map(
                |(name, tenant, android, display, apps, yes, suppressed, reach)| {
                    Doc::Protection {
                        name,
                        tenant,
                        android,
                        display,
                        apps,
                        yes,
                        suppressed,
                        reach,
                    }
                }
            ),
    ]
}

/// A file's text: its documents, or none (the file is then not a policy file and leaves the
/// workspace).
pub(crate) fn text() -> impl Strategy<Value = String> {
    prop::collection::vec(doc(), 0..4).prop_map(|docs| {
        docs.iter()
            .map(Doc::render)
            .collect::<Vec<_>>()
            .join("---\n")
    })
}

pub(crate) const PATHS: usize = 6;

pub(crate) fn path(index: usize) -> String {
    format!("ws/file-{index}.yaml")
}

fn load(index: usize, text: &str) -> Option<WorkspaceFile> {
    match lint::load(Input::memory(path(index), text.as_bytes().to_vec())) {
        Loaded::Checked(file) => Some(file),
        Loaded::Skipped(..) | Loaded::Unreadable(_) => None,
    }
}

/// Each file's findings as text (everything a diagnostic carries), by path.
fn by_file(
    files: &[WorkspaceFile],
    reported: impl Fn(usize) -> Vec<mamlint::diagnostic::Diagnostic>,
) -> Vec<(String, Vec<String>)> {
    files
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let found = reported(i).iter().map(|d| format!("{d:?}")).collect();
            (f.loaded.source.path.clone(), found)
        })
        .collect()
}

/// The files of `texts` (file N at `ws/file-N.yaml`) and a session that has checked them.
fn checked_session(texts: &[String], settings: &Settings) -> (Vec<WorkspaceFile>, Session) {
    let files: Vec<WorkspaceFile> = texts
        .iter()
        .enumerate()
        .filter_map(|(i, t)| load(i, t))
        .collect();
    let mut session = Session::new(&files, settings);
    session.check(&files, settings);
    (files, session)
}

/// The codes a session reports in a file, in reporting order.
fn codes(session: &Session, file: usize) -> Vec<&str> {
    session.reported(file).iter().map(|d| d.code()).collect()
}

/// The EntraTenant `acme-entra` holding acme.com, and the Organization `acme` that verified it.
fn tenant_and_organization() -> [String; 2] {
    [
        Doc::Tenant {
            name: 1,
            domains: vec![0],
        }
        .render(),
        Doc::Organization {
            name: 0,
            domain: 0,
            guard: true,
        }
        .render(),
    ]
}

/// An iOS app protection policy of `acme-entra` for Jira, named and displayed as `NAMES[name]`,
/// reaching the group `GROUPS[group]`, with a PIN of 6 digits (8 with `long_pin`).
fn jira_policy(name: usize, group: usize, long_pin: bool) -> String {
    Doc::Protection {
        name,
        tenant: Some(1),
        android: false,
        display: name,
        apps: vec![0],
        yes: false,
        suppressed: false,
        reach: (vec![group], None, long_pin),
    }
    .render()
}

/// An Intune MobileAppPolicy named `NAMES[name]` of the Organization `NAMES[organization]`,
/// listing the apps `apps` (0 Jira, 1 Confluence).
fn intune(name: usize, organization: usize, apps: &[usize]) -> String {
    Doc::Intune {
        name,
        organization,
        apps: apps.to_vec(),
    }
    .render()
}

/// Applies a file's new text as the language server does: replaced, inserted or removed.
fn apply(
    files: &mut Vec<WorkspaceFile>,
    session: &mut Session,
    settings: &Settings,
    index: usize,
    text: &str,
) {
    let path = path(index);
    let at = files.binary_search_by(|f| f.loaded.source.path.as_str().cmp(&path));
    match (at, load(index, text)) {
        (Ok(i), Some(file)) => {
            files[i] = file;
            session.replaced(files, settings, i);
        }
        (Ok(i), None) => {
            files.remove(i);
            session.removed(i);
        }
        (Err(i), Some(file)) => {
            files.insert(i, file);
            session.inserted(files, settings, i);
        }
        (Err(_), None) => {}
    }
}

/// The session reports exactly one finding in `file`, of `code`, its message starting so.
fn assert_only(session: &Session, file: usize, code: &str, message: &str) {
    assert_eq!(codes(session, file), [code]);
    let reported = &session.reported(file)[0].message;
    assert!(reported.starts_with(message), "{reported}");
}

/// [`apply`], then the session's check of the edit, held to a fresh check ([`compare`]).
fn edit(
    files: &mut Vec<WorkspaceFile>,
    session: &mut Session,
    settings: &Settings,
    index: usize,
    text: &str,
) -> mamlint::lint::incremental::Checked {
    apply(files, session, settings, index, text);
    let checked = session.check(files, settings);
    compare(files, session, settings);
    checked
}

fn compare(files: &[WorkspaceFile], session: &Session, settings: &Settings) {
    let fresh = lint::check(files, settings);
    let expected = by_file(files, |i| {
        fresh
            .diagnostics
            .iter()
            .filter(|d| d.location.file == i)
            .cloned()
            .collect()
    });
    let kept = by_file(files, |i| session.reported(i).to_vec());
    assert_eq!(kept, expected);
}

/// The configurations the sessions run with: none; selection, severities and per-path
/// ignores (settled per file); a configured suppression (settled together); a protection
/// level (MAM501).
pub(crate) const CONFIGS: &[Option<&str>] = &[
    None,
    Some(
        "[rules]\nignore = [\"MAM402\"]\nseverity = { MAM008 = \"info\" }\n[per-path-ignores]\n\"**/file-1.yaml\" = [\"MAM009\"]\n",
    ),
    Some(
        "[[suppress]]\npath = \"**/file-2.yaml\"\ncode = \"MAM008\"\nreason = \"not set up yet\"\n",
    ),
    Some("[protection]\nlevel = 2\n"),
];

pub(crate) fn settings(config: Option<&str>) -> Settings {
    Settings {
        config: config.map(|text| {
            mamlint::config::Config::parse(
                std::path::Path::new("ws/mamlint.toml"),
                text.to_owned(),
                mamlint::rules::metas(),
            )
        }),
        ..Settings::default()
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn a_kept_session_finds_what_a_fresh_check_finds(
        config in 0..CONFIGS.len(),
        start in prop::collection::vec(text(), PATHS),
        edits in prop::collection::vec((0..PATHS, text()), 1..12),
    ) {
        let settings = settings(CONFIGS[config]);
        let mut files: Vec<WorkspaceFile> = start
            .iter()
            .enumerate()
            .filter_map(|(i, text)| load(i, text))
            .collect();
        files.extend(lint::config_files(settings.config.as_ref()));
        lint::sort_files(&mut files);
        let mut session = Session::new(&files, &settings);
        session.check(&files, &settings);
        compare(&files, &session, &settings);
        for (index, text) in &edits {
            apply(&mut files, &mut session, &settings, *index, text);
            session.check(&files, &settings);
            compare(&files, &session, &settings);
        }
    }
}

fn protection(name: &str, tenant: &str, display: usize) -> String {
    Doc::Protection {
        name: NAMES.iter().position(|n| *n == name).unwrap(),
        tenant: NAMES.iter().position(|n| *n == tenant),
        android: false,
        display,
        apps: vec![0],
        yes: false,
        suppressed: false,
        reach: (vec![0], None, false),
    }
    .render()
}

/// Renaming a tenant re-runs the passes of the policies that name it, in files the edit does
/// not touch, and settles only the files whose findings can change: not an unrelated one.
#[test]
fn a_renamed_tenant_settles_only_the_files_that_name_it() {
    let settings = Settings::default();
    let tenant = |name: usize| {
        Doc::Tenant {
            name,
            domains: vec![0],
        }
        .render()
    };
    let texts = [
        tenant(1),
        protection("p1", "acme-entra", 0),
        protection("p2", "labs", 1),
        protection("acme", "acme-entra", 0),
    ];
    let mut files: Vec<WorkspaceFile> = texts
        .iter()
        .enumerate()
        .filter_map(|(i, t)| load(i, t))
        .collect();
    let mut session = Session::new(&files, &settings);
    assert_eq!(session.check(&files, &settings).settled, Settled::All);
    assert_eq!(codes(&session, 2), ["MAM008"], "`labs` is not loaded");

    let checked = edit(&mut files, &mut session, &settings, 0, &tenant(2));
    assert_eq!(checked.settled, Settled::Files(vec![0, 1, 2, 3]));
    assert_eq!(codes(&session, 1), ["MAM008"]);
    assert_eq!(codes(&session, 2), Vec::<&str>::new());
    assert_eq!(
        session.reported(1)[0].message,
        "`tenant: acme-entra` names no loaded EntraTenant"
    );

    // A change that answers no key the others asked but the group its policy shares with
    // theirs (its name and display name are its own), and leaves their findings as they
    // were: only the edited file is settled.
    let mut edited = protection("p2", "labs", 1);
    edited = edited.replace("pinRequired: true", "pinRequired: yes");
    let checked = edit(&mut files, &mut session, &settings, 2, &edited);
    assert_eq!(checked.settled, Settled::Files(vec![2]));
    assert_eq!(codes(&session, 2), ["MAM003"]);

    apply(&mut files, &mut session, &settings, 0, &tenant(1));
    session.check(&files, &settings);
    compare(&files, &session, &settings);
    assert_eq!(codes(&session, 1), Vec::<&str>::new());
    assert_eq!(codes(&session, 2), ["MAM008", "MAM003"]);
}

/// Two policies of one tenant meet in a group: an edit of the second one's PIN length makes
/// them conflict, and the finding (MAM502) goes to the first one's file, which the edit does
/// not touch; taking the edit back clears it there. A policy in another group is not settled.
#[test]
fn an_edit_that_makes_two_policies_conflict_settles_the_other_file() {
    let settings = Settings::default();
    let tenant = Doc::Tenant {
        name: 1,
        domains: vec![0],
    }
    .render();
    let policy = |name: &str, group: usize, long_pin: bool| {
        Doc::Protection {
            name: NAMES.iter().position(|n| *n == name).unwrap(),
            tenant: Some(1),
            android: false,
            display: NAMES.iter().position(|n| *n == name).unwrap(),
            apps: vec![0],
            yes: false,
            suppressed: false,
            reach: (vec![group], None, long_pin),
        }
        .render()
    };
    let texts = [
        tenant,
        policy("p1", 0, false),
        policy("p2", 0, false),
        policy("labs", 1, false),
    ];
    let (mut files, mut session) = checked_session(&texts, &settings);
    assert!(codes(&session, 1).is_empty(), "{:?}", session.reported(1));

    let checked = edit(
        &mut files,
        &mut session,
        &settings,
        2,
        &policy("p2", 0, true),
    );
    assert_eq!(checked.settled, Settled::Files(vec![1, 2]));
    assert_only(
        &session,
        1,
        "MAM502",
        "`p1` and `p2` reach group 0b6e2c1a-5f0d-4c5e-9a7b-3d2f1e0c9b8a with Jira Cloud, and `minimumPinLength` is 6 here but 8 in `p2`",
    );
    assert!(codes(&session, 2).is_empty());

    let checked = edit(
        &mut files,
        &mut session,
        &settings,
        2,
        &policy("p2", 0, false),
    );
    assert_eq!(checked.settled, Settled::Files(vec![1, 2]));
    assert!(codes(&session, 1).is_empty());
}

/// A `check_workspace` pass (MAM301) runs again when a file it read changes, and its finding
/// lands in a file the edit did not touch; after an edit of a file it never read (and so does
/// not run for), its finding is still there.
#[test]
fn a_workspace_pass_runs_again_for_an_edit_of_what_it_read() {
    let settings = Settings::default();
    let protection = |long_pin: bool| {
        Doc::Protection {
            name: 4,
            tenant: Some(1),
            android: false,
            display: 4,
            apps: vec![0],
            yes: false,
            suppressed: false,
            reach: (vec![0], None, long_pin),
        }
        .render()
    };
    let [tenant, organization] = tenant_and_organization();
    let texts = [tenant, organization, intune(3, 0, &[0]), protection(false)];
    let (mut files, mut session) = checked_session(&texts, &settings);
    assert!(codes(&session, 0).is_empty(), "{:?}", session.reported(0));

    // Confluence handed to Intune: the tenant holding acme.com has no consent for it.
    let checked = edit(
        &mut files,
        &mut session,
        &settings,
        2,
        &intune(3, 0, &[0, 1]),
    );
    assert_eq!(checked.settled, Settled::Files(vec![0, 2]));
    assert_only(
        &session,
        0,
        "MAM301",
        "Confluence Cloud has no admin consent in",
    );

    // An app protection policy is nothing MAM301 reads: the tenant's finding stays as it was.
    let checked = edit(&mut files, &mut session, &settings, 3, &protection(true));
    assert_eq!(checked.settled, Settled::Files(vec![3]));
    assert_eq!(codes(&session, 0), ["MAM301"]);

    let checked = edit(&mut files, &mut session, &settings, 2, &intune(3, 0, &[0]));
    assert_eq!(checked.settled, Settled::Files(vec![0, 2]));
    assert!(codes(&session, 0).is_empty());
}

/// A policy's passes read of its tenant only which one it is (`Key::Roster`): an edit of the
/// tenant's domains or ID runs none of them again, and renaming the tenant runs all of them.
#[test]
fn a_tenant_edit_that_keeps_its_name_runs_no_policy_pass_again() {
    let settings = Settings::default();
    let tenant = |name: usize, domain: usize| Doc::Tenant {
        name,
        domains: vec![domain],
    };
    let texts = [
        tenant(1, 0).render(),
        jira_policy(3, 0, false),
        jira_policy(4, 0, false),
    ];
    let (mut files, mut session) = checked_session(&texts, &settings);
    assert!(codes(&session, 1).is_empty(), "{:?}", session.reported(1));

    // Another domain and another tenant ID: the tenant's own passes run, no policy's.
    let edited = tenant(1, 2).render().replace(
        "7f0c3a3e-1b2c-4d5e-8f90-a1b2c3d4e5f6",
        "0b6e2c1a-5f0d-4c5e-9a7b-3d2f1e0c9b8a",
    );
    let checked = edit(&mut files, &mut session, &settings, 0, &edited);
    assert_eq!(checked.passes_ran, Some(vec![0]));

    // Renamed: both policies' `tenant:` now name no loaded tenant.
    let checked = edit(
        &mut files,
        &mut session,
        &settings,
        0,
        &tenant(2, 2).render(),
    );
    assert_eq!(checked.passes_ran, Some(vec![0, 1, 2]));
    for policy in [1, 2] {
        assert_only(
            &session,
            policy,
            "MAM008",
            &format!("`tenant: {}` names no loaded EntraTenant", NAMES[1]),
        );
    }

    // And back.
    let checked = edit(&mut files, &mut session, &settings, 0, &edited);
    assert_eq!(checked.passes_ran, Some(vec![0, 1, 2]));
    assert!(codes(&session, 1).is_empty() && codes(&session, 2).is_empty());
}

/// Whether an Intune MobileAppPolicy hands an app over is a presence (`Key::Handed`): one of
/// two policies letting go of Jira runs no app protection policy's passes again; the last one
/// letting go does, and MAM404 comes.
#[test]
fn only_the_last_mobile_app_policy_to_let_go_of_an_app_runs_the_policies_again() {
    let settings = Settings::default();
    let [tenant, organization] = tenant_and_organization();
    let texts = [
        tenant,
        organization,
        intune(2, 0, &[0]),
        intune(3, 0, &[0, 1]),
        jira_policy(4, 0, false),
    ];
    let (mut files, mut session) = checked_session(&texts, &settings);
    assert!(codes(&session, 4).is_empty(), "{:?}", session.reported(4));

    let checked = edit(&mut files, &mut session, &settings, 2, &intune(2, 0, &[1]));
    let ran = checked.passes_ran.unwrap_or_default();
    assert!(!ran.contains(&4), "{ran:?}");

    let checked = edit(&mut files, &mut session, &settings, 3, &intune(3, 0, &[1]));
    assert!(checked.passes_ran.unwrap_or_default().contains(&4));
    assert_only(
        &session,
        4,
        "MAM404",
        "Jira Cloud is targeted here, but no Intune mobile app policy includes `jira-cloud`",
    );

    let checked = edit(&mut files, &mut session, &settings, 2, &intune(2, 0, &[0]));
    assert!(checked.passes_ran.unwrap_or_default().contains(&4));
    assert!(codes(&session, 4).is_empty());
}

/// MAM403 reports a gap at the first Intune policy to list the app: which one that is changes
/// only where a file's own listings change (`Key::Listing`), so an edit of one Intune policy's
/// `organization` re-runs no other Intune policy, and one that stops listing the app hands the
/// finding to the next.
#[test]
fn only_a_change_of_which_intune_policies_list_an_app_runs_the_others_again() {
    let settings = Settings::default();
    let [tenant, organization] = tenant_and_organization();
    let texts = [
        tenant,
        organization,
        intune(2, 0, &[0]),
        intune(3, 0, &[0]),
        jira_policy(4, 0, false),
    ];
    let (mut files, mut session) = checked_session(&texts, &settings);
    let gap = "Jira Cloud is targeted by no Android app protection policy";
    assert_only(&session, 2, "MAM403", gap);
    assert!(codes(&session, 3).is_empty(), "{:?}", session.reported(3));

    let checked = edit(&mut files, &mut session, &settings, 2, &intune(2, 2, &[0]));
    assert_eq!(checked.passes_ran, Some(vec![2]));
    assert!(codes(&session, 2).contains(&"MAM403"));
    assert!(codes(&session, 3).is_empty(), "{:?}", session.reported(3));

    let checked = edit(&mut files, &mut session, &settings, 2, &intune(2, 0, &[1]));
    assert!(checked.passes_ran.unwrap_or_default().contains(&3));
    assert_only(&session, 3, "MAM403", gap);

    let checked = edit(&mut files, &mut session, &settings, 2, &intune(2, 0, &[0]));
    assert!(checked.passes_ran.unwrap_or_default().contains(&3));
    assert_only(&session, 2, "MAM403", gap);
    assert!(codes(&session, 3).is_empty(), "{:?}", session.reported(3));
}

/// A policy moved into another's audience changes only the reaching index, which the session
/// patches instead of building every index again (`Workspace::reindex_reaching`): MAM502 sees
/// the two policies meet, and no longer once they part.
#[test]
fn a_policy_moved_into_another_audience_meets_it_with_the_indexes_kept() {
    let settings = Settings::default();
    let [tenant, _] = tenant_and_organization();
    let texts = [tenant, jira_policy(3, 0, false), jira_policy(4, 1, true)];
    let (mut files, mut session) = checked_session(&texts, &settings);
    let mam502 = |session: &Session| {
        (0..3)
            .filter(|&f| codes(session, f).contains(&"MAM502"))
            .count()
    };
    assert_eq!(mam502(&session), 0);

    edit(
        &mut files,
        &mut session,
        &settings,
        2,
        &jira_policy(4, 0, true),
    );
    assert!(mam502(&session) > 0, "the policies meet in group 0");

    edit(
        &mut files,
        &mut session,
        &settings,
        2,
        &jira_policy(4, 1, true),
    );
    assert_eq!(mam502(&session), 0, "and part again");
}
