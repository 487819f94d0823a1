//! [`Workspace`]: everything one run loaded, indexed for rules.
//!
//! Documents refer to each other by `metadata.name` across all files of a run (spec §2), so
//! cross-document rules ask the workspace, never the file system. Every index (by kind, by
//! kind and name, tenants by domain) is built once here, so a rule that asks one question per
//! document stays linear in the run; [`Workspace::work`] counts what the questions examined,
//! which the linearity test compares between two sizes of workspace.
//!
//! While a pass runs inside [`recording`], every query also notes the [`Key`] it looked up,
//! so that the language server's workspace stage (`lint::incremental`) knows which other
//! files' documents a file's findings depend on, and re-runs them only when one of those
//! changes.

use std::cell::RefCell;
use std::collections::BTreeSet;

use foldhash::{HashMap, HashMapExt};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};

use super::entity::{At, Entity, Origin};
use super::reach::{Audience, Reached, ReachedOwned, reached};
use super::{Classified, Kind, Platform, classify};
use crate::diagnostic::FileId;
use crate::syntax::{LoadedFile, Node};

/// From how many documents on [`Workspace::new`] reads their names in parallel: below, the
/// threads cost more than they save (every file's own workspace is one of a few documents).
const PARALLEL_NAMES: usize = 4096;

/// For a group of app protection policies sharing a platform and display name, the first of
/// each tenant (by name), sorted by tenant, worked out on first use. A sorted list, not a
/// hash map: a group rarely holds more than a few policies, and a map's table was most of
/// what it cost.
type FirstOfTenant = OnceLock<Box<[(Option<String>, usize)]>>;

/// The (platform, app id)s app protection policies list, and the platforms where one lists
/// apps mamlint cannot know.
type Targeted = (
    std::collections::HashSet<(Platform, String)>,
    BTreeSet<Platform>,
);

/// A hash of an Atlassian app and an audience, a tenant (by entity index, [`NO_TENANT`] for
/// none) and a platform: 16 bytes, so that [`Indexes::reaching`] holds one small entry for
/// each app and audience of each policy (issue #11: as a map of vectors it was a tenth of a
/// large run's heap).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct ReachKey {
    hash: u64,
    tenant: u32,
    platform: Platform,
}

/// The entries of [`Indexes::reaching`] for the policy at `index`, of `tenant`, reaching
/// `reached`: one per app and audience.
fn push_reaching(
    out: &mut Vec<(ReachKey, usize)>,
    index: usize,
    tenant: Option<usize>,
    reached: &Reached<'_>,
) {
    for &app in &reached.apps {
        for &audience in &reached.audiences {
            out.push((
                ReachKey::new(tenant, reached.platform, app, audience),
                index,
            ));
        }
    }
}

/// The tenant of a [`ReachKey`] whose policy has none.
const NO_TENANT: u32 = u32::MAX;

impl ReachKey {
    fn new(tenant: Option<usize>, platform: Platform, app: &str, audience: Audience<'_>) -> Self {
        // A workspace of four billion entities cannot be held in memory, so an index always
        // fits; saturating keeps the conversion total all the same.
        let tenant = tenant.map_or(NO_TENANT, |t| u32::try_from(t).unwrap_or(NO_TENANT - 1));
        ReachKey {
            hash: reach_hash(app, audience),
            tenant,
            platform,
        }
    }
}

/// The indexes a build makes of what the files' [`FileIndex`]es hold: entities by kind, by
/// kind and name, manifests by kind and name, app protection policies by platform and display
/// name, and by tenant, platform, app and audience (what MAM502 merges). Names are keyed by
/// their hash and lookups compare the entity's own name, so the indexes borrow nothing: the
/// language server keeps them between edits that leave every file's index as it was
/// ([`Workspace::indexed`], [`Workspace::into_indexes`]), as an edit of settings does.
#[derive(Clone, Debug, Default)]
pub struct Indexes {
    /// Every entity, in order: a workspace built with these indexes makes its entities from
    /// them.
    places: Vec<Place>,
    by_kind: HashMap<Kind, Vec<usize>>,
    /// The first entity of each kind and name.
    by_name: NameMap<Kind>,
    /// The first manifest of each kind and name.
    manifest_by_name: NameMap<Kind>,
    /// The group (an index into `displayed`) of each platform and display name.
    by_display: NameMap<Platform>,
    /// Each group's policies, in load order. Exact-size lists: most groups hold one policy,
    /// and a vector grown by one push has room for four.
    displayed: Vec<Box<[usize]>>,
    /// The policies of each tenant, platform, app and audience, sorted by key and then in
    /// load order; empty in a file's own workspace ([`Workspace::of_file`]).
    reaching: Vec<(ReachKey, usize)>,
}

/// A map from a key and a name to a number, by the name's hash: the first number for each
/// hash, and the rare others whose names share a hash. `name_of` says whose name a number
/// stands for, so a lookup never answers for another name.
#[derive(Clone, Debug)]
struct NameMap<K> {
    first: HashMap<(K, u64), usize>,
    collided: Vec<(K, u64, usize)>,
}

impl<K> Default for NameMap<K> {
    fn default() -> Self {
        NameMap {
            first: HashMap::new(),
            collided: Vec::new(),
        }
    }
}

impl<K: Copy + Eq + std::hash::Hash> NameMap<K> {
    fn get<'n>(
        &self,
        key: K,
        name: &str,
        name_of: impl Fn(usize) -> Option<&'n str>,
    ) -> Option<usize> {
        let hash = name_hash(name);
        let first = *self.first.get(&(key, hash))?;
        if name_of(first) == Some(name) {
            return Some(first);
        }
        self.collided
            .iter()
            .find(|(k, h, v)| *k == key && *h == hash && name_of(*v) == Some(name))
            .map(|(_, _, v)| *v)
    }

    /// The number for `key` and `name`, inserting `value` when there is none.
    fn first_or_insert<'n>(
        &mut self,
        key: K,
        name: &str,
        value: usize,
        name_of: impl Fn(usize) -> Option<&'n str>,
    ) -> usize {
        if let Some(found) = self.get(key, name, &name_of) {
            return found;
        }
        let hash = name_hash(name);
        match self.first.entry((key, hash)) {
            std::collections::hash_map::Entry::Vacant(slot) => {
                slot.insert(value);
            }
            std::collections::hash_map::Entry::Occupied(_) => {
                self.collided.push((key, hash, value));
            }
        }
        value
    }
}

/// The hash the kept indexes are keyed by: fixed, so that indexes kept from an earlier build
/// stay valid.
fn fixed_hash(value: impl std::hash::Hash) -> u64 {
    use std::hash::BuildHasher;
    foldhash::fast::FixedState::with_seed(0).hash_one(value)
}

/// The hash of a name in a [`NameMap`].
fn name_hash(name: &str) -> u64 {
    fixed_hash(name)
}

/// The hash of an app and an audience in a [`ReachKey`]; lookups compare the policies' own
/// apps and audiences, so a collision costs a comparison, never a wrong answer.
fn reach_hash(app: &str, audience: Audience<'_>) -> u64 {
    fixed_hash((app, audience))
}

/// What a document was found to be.
pub type DocumentClass = Classified;

/// Why a file is part of a run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Role {
    /// Named or found under a PATH: its findings are reported.
    Checked,
    /// Loaded from the configuration's `context` for cross-document rules; its findings are
    /// reported only when they also point into a checked file.
    Context,
    /// A `mamlint.toml`, for findings about the configuration itself.
    Config,
}

/// A file of the run as the linter saw it.
#[derive(Debug)]
pub struct WorkspaceFile {
    pub loaded: LoadedFile,
    pub role: Role,
    /// Named on the command line (or standard input) rather than found by walking.
    pub explicit: bool,
    /// The raw bytes mention mamlint or Graph app protection (see `syntax::looks_like_policy`).
    pub looks_like_policy: bool,
    pub classes: Vec<DocumentClass>,
}

impl WorkspaceFile {
    /// Whether a load failure is a finding: always for files the user named, and for walked
    /// files that look like policy files.
    pub fn report_load_errors(&self) -> bool {
        self.explicit || self.looks_like_policy
    }

    /// Whether any document is something mamlint checks.
    pub fn is_recognized(&self) -> bool {
        self.classes.iter().any(|c| {
            matches!(
                c,
                Classified::Manifest(_) | Classified::Graph(_) | Classified::GraphList(_)
            )
        })
    }
}

pub struct Workspace<'a> {
    pub files: &'a [WorkspaceFile],
    pub entities: Vec<Entity<'a>>,
    /// Built here, or kept by the caller from an earlier build of the same file indexes.
    indexes: std::borrow::Cow<'a, Indexes>,
    /// What each entity's documents hold that the indexes were built from: its name, display
    /// name, tenant reference and whom it reaches.
    facts: Facts<'a>,
    /// The EntraTenants listing each domain (ASCII-lowercased), in entity order, with the
    /// tenant's first entry for it.
    by_domain: HashMap<String, Vec<(usize, At<'a>)>>,
    /// The names of each kind listed for messages; built when a finding first needs them.
    /// (Names, not entities: a `OnceLock` of borrowed data would make the workspace invariant
    /// in its lifetime.)
    listed: [OnceLock<String>; Kind::ALL.len()],
    /// The app protection policies of each tenant (entity indices, in load order), built on
    /// first use: one resolution per policy, not one scan of the policies per tenant.
    by_tenant: OnceLock<HashMap<usize, Vec<usize>>>,
    /// [`Workspace::intune_app_keys`], owned (see `listed`), built on first use.
    handed: OnceLock<BTreeSet<String>>,
    /// For each group of `indexes.displayed`, the first policy of each tenant (by name),
    /// worked out when a rule first asks about the group.
    displayed_first: Vec<FirstOfTenant>,
    /// The (platform, app id)s app protection policies list, and the platforms where one
    /// lists apps mamlint cannot know; built on first use.
    targeted: OnceLock<Targeted>,
    /// The first Intune mobile app policy listing each catalog app key; built on first use.
    first_listing: OnceLock<HashMap<String, usize>>,
    /// The presences ([`Key::is_presence`]) some file answers, when the caller counts them
    /// ([`Workspace::know_presences`]): then [`Workspace::is_targeted`] and the like look them
    /// up instead of building `targeted` and `handed` from every policy.
    presences: OnceLock<std::collections::HashSet<Key>>,
    /// Entities and candidates examined by queries; see [`Workspace::work`].
    work: AtomicU64,
}

/// What the workspace's indexes were built from, entity by entity ([`Looked`], and whom a
/// policy reaches): read from the trees when the workspace was built, or borrowed from the
/// caller's kept [`FileIndex`]es. Borrowing reads nothing per entity at build (an edit of the
/// language server builds the workspace of every file again); a query reads the kept index of
/// the one entity it asks about.
enum Facts<'a> {
    Read {
        looked: Vec<Looked<&'a str>>,
        reached: Vec<Option<Reached<'a>>>,
    },
    Kept {
        index: &'a [FileIndex],
        /// The index of each file's first entity.
        starts: Vec<usize>,
    },
}

impl<'a> Facts<'a> {
    fn looked(&self, entities: &[Entity<'a>], i: usize) -> Option<Looked<&'a str>> {
        match self {
            Facts::Read { looked, .. } => looked.get(i).copied(),
            Facts::Kept { .. } => {
                let (kept, local) = self.kept_at(entities, i)?;
                kept.documents.get(local).map(Looked::borrow)
            }
        }
    }

    /// The kept file index of the entity at `i`, and the entity's position in it.
    fn kept_at(&self, entities: &[Entity<'a>], i: usize) -> Option<(&'a FileIndex, usize)> {
        let Facts::Kept { index, starts } = self else {
            return None;
        };
        let file = entities.get(i)?.file;
        Some((index.get(file)?, i.checked_sub(*starts.get(file)?)?))
    }

    /// Whom the entity at `i` reaches: `Read`'s own, or one built from the kept index.
    fn reached(&self, entities: &[Entity<'a>], i: usize) -> Option<Reached<'a>> {
        self.reached_here(entities, i)
            .map(std::borrow::Cow::into_owned)
    }

    /// [`Facts::reached`], borrowing `Read`'s own instead of copying it.
    fn reached_here(
        &self,
        entities: &[Entity<'a>],
        i: usize,
    ) -> Option<std::borrow::Cow<'_, Reached<'a>>> {
        match self {
            Facts::Read { reached, .. } => reached.get(i)?.as_ref().map(std::borrow::Cow::Borrowed),
            Facts::Kept { .. } => self
                .kept_reached(entities, i)
                .map(|kept| std::borrow::Cow::Owned(ReachedOwned::borrow(kept))),
        }
    }

    fn kept_reached(&self, entities: &[Entity<'a>], i: usize) -> Option<&'a ReachedOwned> {
        let (kept, local) = self.kept_at(entities, i)?;
        kept.reached.get(local)?.as_ref()
    }

    /// Whether the entity at `i` reaches `audience` with `app` on `platform`, without building
    /// a [`Reached`].
    fn reaches(
        &self,
        entities: &[Entity<'a>],
        i: usize,
        platform: Platform,
        app: &str,
        audience: Audience<'_>,
    ) -> bool {
        match self {
            Facts::Read { reached, .. } => reached
                .get(i)
                .and_then(Option::as_ref)
                .is_some_and(|r| r.reaches(platform, app, audience)),
            Facts::Kept { .. } => self
                .kept_reached(entities, i)
                .is_some_and(|r| r.reaches(platform, app, audience)),
        }
    }
}

/// What a query looked up, and what a file's documents answer: the unit of dependence between
/// files. A query that reads several answers notes a coarser key (the whole kind).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Key {
    /// The documents of a kind, read one by one (`of_kind`, `names`, `listed_names`, ...).
    Kind(Kind),
    /// Only how many documents of a kind there are (`count_of_kind`).
    Count(Kind),
    /// The first document of a kind with a name.
    Name(Kind, String),
    /// The tenants listing a domain (lowercased).
    Domain(String),
    /// The text of a file.
    File(FileId),
    /// The app protection policies of a platform with a `displayName`.
    Display(Platform, String),
    /// The app protection policies of a platform that target an Atlassian app (catalog key)
    /// and reach an audience ([`Audience::id`]), in any tenant.
    Reach(Platform, String, String),
    /// Whether any app protection policy of a platform lists an app id: a presence, so only
    /// a file that starts or stops listing it changes the answer.
    Target(Platform, String),
    /// Whether any app protection policy of a platform has apps mamlint cannot know (a
    /// presence, as `Target`).
    UnknownApps(Platform),
    /// Whether any Intune MobileAppPolicy hands an app (catalog key) to Intune (a presence, as
    /// `Target`): an edit of one of many such policies changes no answer.
    Handed(String),
    /// Which Intune mobile app policies, in load order, list an app (catalog key) Intune can
    /// manage ([`Workspace::first_listing`]). It changes only where a file's own listings
    /// change ([`Provided::listings`]), so an edit of an Intune policy's `organization` does
    /// not re-run MAM403 over every other Intune policy.
    Listing(String),
    /// Which documents of a kind are loaded and their names, in load order: what resolving a
    /// reference to a document of that kind depends on when it reads nothing of the document
    /// it finds ([`Workspace::locate`], [`Workspace::tenant_of`]). It changes only where a
    /// file's documents of the kind, or their names, change ([`Workspace::provided`]'s roster),
    /// so an edit of a tenant's domains or consent does not re-run the passes of every policy
    /// that belongs to it.
    Roster(Kind),
}

impl Key {
    /// Whether a query of this key reads only that some document answers it, not which or
    /// what it holds: a file answering it before and after an edit changes nothing.
    pub fn is_presence(&self) -> bool {
        matches!(self, Key::Target(..) | Key::UnknownApps(_) | Key::Handed(_))
    }
}

thread_local! {
    /// The keys the running pass of this thread has looked up; `None` when not recording.
    static RECORDER: RefCell<Option<Vec<Key>>> = const { RefCell::new(None) };
}

/// Runs `pass`, collecting the [`Key`]s its workspace queries looked up on this thread
/// (sorted, without repeats). Rules do not start threads of their own, so everything a pass
/// asks is asked on the thread that runs it.
pub fn recording<R>(pass: impl FnOnce() -> R) -> (R, Vec<Key>) {
    let outer = RECORDER.with(|r| r.borrow_mut().replace(Vec::new()));
    let result = pass();
    let keys = RECORDER.with(|r| std::mem::replace(&mut *r.borrow_mut(), outer));
    let mut keys = keys.unwrap_or_default();
    keys.sort_unstable();
    keys.dedup();
    (result, keys)
}

/// Notes a key for the pass being recorded on this thread, if any.
fn note(key: impl FnOnce() -> Key) {
    RECORDER.with(|r| {
        if let Some(keys) = r.borrow_mut().as_mut() {
            keys.push(key());
        }
    });
}

/// Runs `build` without recording: a cache built on first use reads everything, but what the
/// pass that happened to build it depends on is what it then asks of the cache.
fn unrecorded<R>(build: impl FnOnce() -> R) -> R {
    let outer = RECORDER.with(|r| r.borrow_mut().take());
    let result = build();
    RECORDER.with(|r| *r.borrow_mut() = outer);
    result
}

/// The kind and name of each document of a file, in order ([`Workspace::provided`]).
pub type Roster = Vec<(Kind, Option<String>)>;

/// What a file's documents answer ([`Workspace::provided`]).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Provided {
    /// The keys its documents answer to, sorted.
    pub keys: Vec<Key>,
    /// The kind and name of each of its documents, in order: what [`Key::Roster`] and
    /// [`Key::Count`] of each kind depend on.
    pub roster: Roster,
    /// The apps (catalog keys) each of its Intune mobile app policies lists
    /// ([`Entity::intune_listed`]), by the policy's position among its documents: what
    /// [`Key::Listing`] depends on.
    pub listings: Vec<(usize, &'static str)>,
}

/// How a reference (`spec.organization`, `spec.tenant`) resolved.
#[derive(Debug)]
pub enum Resolution<'w, 'a> {
    Found(&'w Entity<'a>),
    /// Named, but no loaded document of the kind has that name.
    Missing(At<'a>),
    /// Omitted while several documents of the kind are loaded.
    Ambiguous(usize),
    /// Omitted and none loaded: rules that need the target do not run.
    NoneLoaded,
}

/// Classifies the documents of one loaded file.
pub fn classify_file(loaded: &LoadedFile) -> Vec<DocumentClass> {
    loaded
        .parsed
        .documents
        .iter()
        .map(|d| classify(d, &loaded.source.path))
        .collect()
}

/// What building a workspace reads from inside each document of a file: its name and, for an
/// app protection policy, its platform, display name and whom it reaches. A caller that builds the workspace
/// again after an edit keeps it per file ([`Workspace::indexed`]), so that the trees of the
/// files that did not change are not walked again.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FileIndex {
    documents: Vec<Looked<String>>,
    /// Whom each document reaches, if it is an app protection policy.
    reached: Vec<Option<ReachedOwned>>,
    /// Where each entity is in the file (as file 0): a kept [`Indexes`] makes the entities
    /// from its own places, valid while every file's places are these.
    places: Vec<Place>,
}

/// What building a workspace reads of a document: its name, an app protection policy's
/// platform and display name, and the tenant a document names (`spec.tenant`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Looked<S> {
    /// The kind and whether it is a Graph export: not read from here, but part of what a kept
    /// [`ReachIndex`] depends on (tenants by kind and name, exports' tenants by folder).
    kind: Kind,
    export: bool,
    name: Option<S>,
    display: Option<(Platform, S)>,
    tenant: Option<S>,
}

impl Looked<String> {
    fn borrow(&self) -> Looked<&str> {
        Looked {
            kind: self.kind,
            export: self.export,
            name: self.name.as_deref(),
            display: self.display.as_ref().map(|(p, d)| (*p, d.as_str())),
            tenant: self.tenant.as_deref(),
        }
    }
}

fn look<'a>(entity: &Entity<'a>) -> Looked<&'a str> {
    let display = (entity.kind == Kind::AppProtectionPolicy)
        .then(|| Some((entity.platform()?, entity.spec_str("displayName")?)))
        .flatten();
    Looked {
        kind: entity.kind,
        export: entity.is_export(),
        name: entity.name(),
        display,
        tenant: entity.spec_node("tenant").and_then(Node::as_str),
    }
}

impl FileIndex {
    /// Whether `other` differs from this index at most in what only the reaching index is
    /// built from (the tenant a document names, whom a policy reaches): the other indexes
    /// stay right, and [`Workspace::reindex_reaching`] brings the reaching index up to date.
    pub fn differs_only_in_reach(&self, other: &FileIndex) -> bool {
        self.places == other.places
            && self.reached.len() == other.reached.len()
            && self.documents.len() == other.documents.len()
            && self.documents.iter().zip(&other.documents).all(|(a, b)| {
                (a.kind, a.export, &a.name, &a.display) == (b.kind, b.export, &b.name, &b.display)
            })
    }

    pub fn of(file: &WorkspaceFile) -> Self {
        let mut entities = Vec::new();
        let mut places = Vec::new();
        push_entities(&mut entities, &mut places, 0, file);
        FileIndex {
            places,
            documents: entities
                .iter()
                .map(|e| {
                    let looked = look(e);
                    Looked {
                        kind: looked.kind,
                        export: looked.export,
                        name: looked.name.map(str::to_owned),
                        display: looked.display.map(|(p, d)| (p, d.to_owned())),
                        tenant: looked.tenant.map(str::to_owned),
                    }
                })
                .collect(),
            reached: entities
                .iter()
                .map(|e| reached(e).as_ref().map(ReachedOwned::of))
                .collect(),
        }
    }
}

/// The entities of one file, at its index `file` in the run.
fn push_entities<'a>(
    entities: &mut Vec<Entity<'a>>,
    places: &mut Vec<Place>,
    file: FileId,
    wf: &'a WorkspaceFile,
) {
    let loaded = &wf.loaded;
    let path = loaded.source.path.as_str();
    for (position, (doc, class)) in loaded.parsed.documents.iter().zip(&wf.classes).enumerate() {
        let mut push = |root, base, item: Option<usize>, kind, origin| {
            entities.push(Entity {
                file,
                path,
                document: doc.index,
                root,
                base,
                kind,
                origin,
                source: doc,
                index: 0,
            });
            places.push(Place {
                file: narrow(file),
                position: narrow(position),
                document: narrow(doc.index),
                item: item.map(narrow),
                kind,
                origin,
            });
        };
        match class {
            Classified::Manifest(kind) => push(&doc.root, "", None, *kind, Origin::Manifest),
            Classified::Graph(object) => {
                let origin = Origin::GraphExport {
                    platform: object.platform(),
                };
                push(&doc.root, "", None, object.kind(), origin);
            }
            Classified::GraphList(items) => {
                for (item, (pointer, object)) in items.iter().enumerate() {
                    if let Some(node) = doc.root.pointer(pointer) {
                        let origin = Origin::GraphExport {
                            platform: object.platform(),
                        };
                        push(node, pointer.as_str(), Some(item), object.kind(), origin);
                    }
                }
            }
            Classified::UnknownManifest | Classified::Unrecognized => {}
        }
    }
}

/// Where an entity is and what it is, borrowing nothing: kept with the [`Indexes`], so that a
/// workspace built from them makes its entities without reading any document or class.
/// Positions are 32-bit (24 bytes a place instead of 48): a run's files and their documents
/// number far fewer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Place {
    file: u32,
    /// Its document's position in the file's documents, and that document's `index`.
    position: u32,
    document: u32,
    /// Its position in a Graph list, for a list's entity.
    item: Option<u32>,
    kind: Kind,
    origin: Origin,
}

/// A position as a [`Place`] holds it. One that does not fit becomes `u32::MAX`, which finds
/// nothing, so the entity is made again from its file.
fn narrow(position: usize) -> u32 {
    u32::try_from(position).unwrap_or(u32::MAX)
}

impl Place {
    /// The entity this place is in `files`, if it still is one there.
    fn entity<'a>(&self, files: &'a [WorkspaceFile]) -> Option<Entity<'a>> {
        let file = self.file as usize;
        let position = self.position as usize;
        let wf = files.get(file)?;
        let doc = wf.loaded.parsed.documents.get(position)?;
        let (root, base) = match self.item {
            None => (&doc.root, ""),
            Some(item) => {
                let Some(Classified::GraphList(items)) = wf.classes.get(position) else {
                    return None;
                };
                let (pointer, _) = items.get(item as usize)?;
                (doc.root.pointer(pointer)?, pointer.as_str())
            }
        };
        Some(Entity {
            file,
            path: wf.loaded.source.path.as_str(),
            document: self.document as usize,
            root,
            base,
            kind: self.kind,
            origin: self.origin,
            source: doc,
            index: 0,
        })
    }
}

impl<'a> Workspace<'a> {
    pub fn new(files: &'a [WorkspaceFile]) -> Self {
        Workspace::build(files, None, true, None)
    }

    /// The entities of one file, as a workspace of that file alone has them, without building
    /// any index.
    pub fn entities_of(file: &'a WorkspaceFile) -> Vec<Entity<'a>> {
        let mut entities = Vec::with_capacity(file.classes.len());
        push_entities(&mut entities, &mut Vec::new(), 0, file);
        entities
    }

    /// The workspace of one file for its file-scope rules ([`Workspace::new`] of it), without
    /// the index of whom policies reach: only cross-document rules ask it
    /// ([`Workspace::reached`], [`Workspace::reaching`] answer nothing here).
    pub fn of_file(files: &'a [WorkspaceFile]) -> Self {
        Workspace::build(files, None, false, None)
    }

    /// [`Workspace::new`] with what each file's documents were found to hold
    /// ([`FileIndex::of`] of each file, at the same index); a file whose index does not match
    /// its documents is read again. `kept` is the [`Indexes`] of an earlier build
    /// ([`Workspace::into_indexes`]), which the caller passes only while every file's index is
    /// equal to what that build read.
    pub fn indexed(
        files: &'a [WorkspaceFile],
        index: &'a [FileIndex],
        kept: Option<&'a Indexes>,
    ) -> Self {
        Workspace::build(files, Some(index), true, kept)
    }

    /// Brings the reaching index up to date for the policies of `files`, whose [`FileIndex`]
    /// changed only in what it is built from ([`FileIndex::differs_only_in_reach`]): their
    /// entries go and are made again, and the others stay. Makes the indexes this
    /// workspace's own (a copy of kept ones), for the caller to keep ([`Workspace::into_indexes`]).
    pub fn reindex_reaching(&mut self, files: &BTreeSet<FileId>) {
        if files.is_empty() {
            return;
        }
        let ranges: Vec<std::ops::Range<usize>> =
            files.iter().map(|&file| self.entities_in(file)).collect();
        let mut fresh = Vec::new();
        unrecorded(|| {
            for index in ranges.iter().flat_map(Clone::clone) {
                let Some(entity) = self.entities.get(index) else {
                    continue;
                };
                if entity.kind != Kind::AppProtectionPolicy {
                    continue;
                }
                let Some(reached) = self.facts.reached(&self.entities, index) else {
                    continue;
                };
                let tenant = self.tenant_of(entity).map(|t| t.index);
                push_reaching(&mut fresh, index, tenant, &reached);
            }
        });
        fresh.sort_unstable();
        let indexes = self.indexes.to_mut();
        // One merge of two sorted runs, not a sort of every policy's entries again.
        let kept = std::mem::take(&mut indexes.reaching);
        let room = kept.len() + fresh.len();
        let mut kept = kept
            .into_iter()
            .filter(|(_, i)| !ranges.iter().any(|r| r.contains(i)))
            .peekable();
        let mut fresh = fresh.into_iter().peekable();
        let mut merged = Vec::with_capacity(room);
        while let (Some(a), Some(b)) = (kept.peek(), fresh.peek()) {
            let next = if a <= b { kept.next() } else { fresh.next() };
            merged.extend(next);
        }
        merged.extend(kept);
        merged.extend(fresh);
        indexes.reaching = merged;
    }

    /// The positions in [`Workspace::entities`] of the entities of `file` (entities are in
    /// file order).
    pub fn entities_in(&self, file: FileId) -> std::ops::Range<usize> {
        let start = self.entities.partition_point(|e| e.file < file);
        start..self.entities.partition_point(|e| e.file <= file)
    }

    /// The indexes, if this workspace built them rather than borrowing kept ones: for the
    /// caller to keep.
    pub fn into_indexes(self) -> Option<Indexes> {
        match self.indexes {
            std::borrow::Cow::Owned(indexes) => Some(indexes),
            std::borrow::Cow::Borrowed(_) => None,
        }
    }

    fn build(
        files: &'a [WorkspaceFile],
        index: Option<&'a [FileIndex]>,
        reach: bool,
        kept: Option<&'a Indexes>,
    ) -> Self {
        // The kept indexes' places, while each is still an entity of these files (the caller
        // passes them only then; anything else builds everything again).
        let from_places = kept.and_then(|kept| {
            // Sized at once: a collect into `Option<Vec>` knows no length and grows by copies.
            let mut entities = Vec::with_capacity(kept.places.len());
            for place in &kept.places {
                entities.push(place.entity(files)?);
            }
            Some(entities)
        });
        let kept = kept.filter(|_| from_places.is_some());
        let mut places = Vec::new();
        let mut entities = match from_places {
            Some(entities) => entities,
            None => {
                let mut entities = Vec::with_capacity(match index {
                    Some(index) => index.iter().map(|i| i.documents.len()).sum(),
                    None => files.iter().map(|f| f.classes.len()).sum(),
                });
                places.reserve(entities.capacity());
                for (file, wf) in files.iter().enumerate() {
                    push_entities(&mut entities, &mut places, file, wf);
                }
                entities
            }
        };
        let mut starts = Vec::with_capacity(files.len());
        for (index, entity) in entities.iter_mut().enumerate() {
            entity.index = index;
            while starts.len() <= entity.file {
                starts.push(index);
            }
        }
        starts.resize(files.len(), entities.len());
        // A kept index is used only when it matches every file's entities; a caller's index
        // of other files than these is read again, whole.
        let matches = |index: &&'a [FileIndex]| {
            index.len() == files.len()
                && index.iter().enumerate().all(|(file, kept)| {
                    let end = starts.get(file + 1).copied().unwrap_or(entities.len());
                    let len = end - starts[file];
                    kept.documents.len() == len && kept.reached.len() == len
                })
        };
        let facts = match index.filter(matches) {
            Some(index) => Facts::Kept { index, starts },
            None => {
                // Reading each document's name is most of building a large workspace (a walk
                // into every tree, which the cache rarely holds): in parallel when there are
                // many.
                use rayon::prelude::*;
                let both = |e: &Entity<'a>| (look(e), reach.then(|| reached(e)).flatten());
                let (looked, reached) = if entities.len() > PARALLEL_NAMES {
                    entities.par_iter().map(both).unzip()
                } else {
                    entities.iter().map(both).unzip()
                };
                Facts::Read { looked, reached }
            }
        };
        let indexes = match kept {
            Some(kept) => std::borrow::Cow::Borrowed(kept),
            None => {
                let mut ix = Indexes {
                    places,
                    by_name: NameMap {
                        first: HashMap::with_capacity(entities.len()),
                        collided: Vec::new(),
                    },
                    ..Indexes::default()
                };
                let looked = |i: usize| facts.looked(&entities, i);
                let name_of = |i: usize| looked(i).and_then(|l| l.name);
                let display_of = |i: usize| looked(i).and_then(|l| l.display);
                let mut displayed: Vec<Vec<usize>> = Vec::new();
                for (index, entity) in entities.iter().enumerate() {
                    ix.by_kind.entry(entity.kind).or_default().push(index);
                    let facts = looked(index);
                    if let Some((platform, display)) = facts.and_then(|l| l.display) {
                        let next = displayed.len();
                        let groups = &displayed;
                        let group = ix.by_display.first_or_insert(platform, display, next, |g| {
                            groups
                                .get(g)
                                .and_then(|members| members.first())
                                .and_then(|&i| display_of(i))
                                .map(|(_, d)| d)
                        });
                        if group == next {
                            displayed.push(Vec::new());
                        }
                        displayed[group].push(index);
                    }
                    if let Some(name) = facts.and_then(|l| l.name) {
                        ix.by_name
                            .first_or_insert(entity.kind, name, index, name_of);
                        if entity.origin == Origin::Manifest {
                            ix.manifest_by_name
                                .first_or_insert(entity.kind, name, index, name_of);
                        }
                    }
                }
                ix.displayed = displayed.into_iter().map(Vec::into_boxed_slice).collect();
                std::borrow::Cow::Owned(ix)
            }
        };
        let mut by_domain: HashMap<String, Vec<(usize, At<'a>)>> = HashMap::new();
        let tenants = indexes.by_kind.get(&Kind::EntraTenant);
        for &index in tenants.into_iter().flatten() {
            let Some(domains) = entities.get(index).and_then(|e| e.spec_get("domains")) else {
                continue;
            };
            for at in domains.items() {
                let Some(domain) = at.str() else { continue };
                let holders = by_domain.entry(domain.to_ascii_lowercase()).or_default();
                // A tenant listing a domain twice holds it at its first entry.
                if holders.last().is_none_or(|(last, _)| *last != index) {
                    holders.push((index, at));
                }
            }
        }
        let displayed_first = (0..indexes.displayed.len())
            .map(|_| OnceLock::new())
            .collect();
        let mut workspace = Workspace {
            files,
            entities,
            indexes,
            facts,
            displayed_first,
            by_domain,
            listed: Default::default(),
            by_tenant: OnceLock::new(),
            handed: OnceLock::new(),
            targeted: OnceLock::new(),
            first_listing: OnceLock::new(),
            presences: OnceLock::new(),
            work: AtomicU64::new(0),
        };
        if reach && kept.is_none() {
            let reaching = unrecorded(|| workspace.index_reaching());
            if let std::borrow::Cow::Owned(ix) = &mut workspace.indexes {
                ix.reaching = reaching;
            }
        }
        workspace
    }

    /// The app protection policies of each tenant, platform, app and audience: one tenant
    /// resolution per policy.
    fn index_reaching(&self) -> Vec<(ReachKey, usize)> {
        use rayon::prelude::*;
        // Borrowed where the facts were read here: a copy of every policy's audiences was half
        // a megabyte at the peak of a run over 10,000 files.
        let policies: Vec<(usize, std::borrow::Cow<'_, Reached<'a>>)> = self
            .indexes
            .by_kind
            .get(&Kind::AppProtectionPolicy)
            .map_or(&[][..], Vec::as_slice)
            .iter()
            .filter_map(|&i| Some((i, self.facts.reached_here(&self.entities, i)?)))
            .collect();
        let tenant = |&(i, _): &(usize, std::borrow::Cow<'_, Reached<'a>>)| {
            self.tenant_of(&self.entities[i]).map(|t| t.index)
        };
        let tenants: Vec<Option<usize>> = if policies.len() > PARALLEL_NAMES {
            policies.par_iter().map(tenant).collect()
        } else {
            policies.iter().map(tenant).collect()
        };
        let entries = policies
            .iter()
            .map(|(_, r)| r.apps.len() * r.audiences.len())
            .sum();
        let mut reaching = Vec::with_capacity(entries);
        for ((index, reached), tenant) in policies.into_iter().zip(tenants) {
            push_reaching(&mut reaching, index, tenant, &reached);
        }
        reaching.sort_unstable();
        reaching
    }

    /// How many entities and candidates the queries of this workspace have examined so far:
    /// a count of real work, not of time, so a test can show that it grows linearly with the
    /// workspace.
    pub fn work(&self) -> u64 {
        self.work.load(Ordering::Relaxed)
    }

    fn count(&self, examined: usize) {
        self.work.fetch_add(examined as u64, Ordering::Relaxed);
    }

    pub fn loaded(&self, file: FileId) -> Option<&'a LoadedFile> {
        note(|| Key::File(file));
        self.files.get(file).map(|f| &f.loaded)
    }

    pub fn of_kind(&self, kind: Kind) -> impl Iterator<Item = &Entity<'a>> {
        note(|| Key::Kind(kind));
        self.indexes
            .by_kind
            .get(&kind)
            .into_iter()
            .flatten()
            .map(|&i| &self.entities[i])
            .inspect(|_| self.count(1))
    }

    /// How many documents of a kind are loaded.
    pub fn count_of_kind(&self, kind: Kind) -> usize {
        self.count(1);
        note(|| Key::Count(kind));
        self.indexes.by_kind.get(&kind).map_or(0, Vec::len)
    }

    /// The first loaded document of a kind with this `metadata.name`.
    pub fn named(&self, kind: Kind, name: &str) -> Option<&Entity<'a>> {
        self.count(1);
        note(|| Key::Name(kind, name.to_owned()));
        self.indexes
            .by_name
            .get(kind, name, |i| self.name_at(i))
            .and_then(|i| self.entities.get(i))
    }

    /// The first loaded manifest of a kind with this `metadata.name`.
    pub fn manifest_named(&self, kind: Kind, name: &str) -> Option<&Entity<'a>> {
        self.count(1);
        note(|| Key::Name(kind, name.to_owned()));
        self.indexes
            .manifest_by_name
            .get(kind, name, |i| self.name_at(i))
            .and_then(|i| self.entities.get(i))
    }

    /// The first app protection policy (in load order) with the tenant (by name), platform
    /// and `displayName` of `policy`: the policy itself unless an earlier one shares them.
    /// `None` for a policy without a platform or display name.
    pub fn first_displayed(&self, policy: &Entity<'a>) -> Option<&Entity<'a>> {
        let platform = policy.platform()?;
        let display = policy.spec_str("displayName")?;
        note(|| Key::Display(platform, display.to_owned()));
        // The others' tenants: any tenant can change which policies share a key.
        note(|| Key::Roster(Kind::EntraTenant));
        let tenant = self.tenant_of(policy).and_then(Entity::name);
        let group = self.indexes.by_display.get(platform, display, |g| {
            let first = *self.indexes.displayed.get(g)?.first()?;
            self.looked(first)?.display.map(|(_, d)| d)
        })?;
        let members = self.indexes.displayed.get(group)?;
        // Most policies are alone in their group: no list of firsts is kept for those.
        if let [only] = &**members
            && *only == policy.index
        {
            self.count(1);
            return self.entities.get(*only);
        }
        let first = self.displayed_first.get(group)?;
        let first = first.get_or_init(|| {
            unrecorded(|| {
                let mut first: Vec<(Option<String>, usize)> = members
                    .iter()
                    .map(|&i| {
                        self.count(1);
                        let tenant = self
                            .tenant_of(&self.entities[i])
                            .and_then(Entity::name)
                            .map(str::to_owned);
                        (tenant, i)
                    })
                    .collect();
                // Stable: of the policies of one tenant, the first in load order stays.
                first.sort_by(|a, b| a.0.cmp(&b.0));
                first.dedup_by(|later, kept| later.0 == kept.0);
                first.into_boxed_slice()
            })
        });
        self.count(1);
        let at = first
            .binary_search_by(|(t, _)| t.as_deref().cmp(&tenant))
            .ok()?;
        first.get(at).map(|&(_, i)| &self.entities[i])
    }

    fn targeted(&self) -> &Targeted {
        self.targeted.get_or_init(|| {
            unrecorded(|| {
                let mut targeted = std::collections::HashSet::new();
                let mut unknown = BTreeSet::new();
                for p in self.of_kind(Kind::AppProtectionPolicy) {
                    let Some(platform) = p.platform() else {
                        continue;
                    };
                    targeted.extend(p.apps().into_iter().map(|a| (platform, a.id.to_owned())));
                    if p.is_unknown("apps") {
                        unknown.insert(platform);
                    }
                }
                (targeted, unknown)
            })
        })
    }

    /// The presences some file of this workspace answers, as the caller counted them from
    /// each file's [`Workspace::provided`] keys (the language server's session, which keeps
    /// the count between edits). Set once, before any query.
    pub fn know_presences(&self, presences: std::collections::HashSet<Key>) {
        let _ = self.presences.set(presences);
    }

    /// Whether some file answers the presence `key`, if the caller said
    /// ([`Workspace::know_presences`]).
    fn presence(&self, key: impl FnOnce() -> Key) -> Option<bool> {
        self.presences.get().map(|known| known.contains(&key()))
    }

    /// Whether an app protection policy of the platform lists the app id.
    pub fn is_targeted(&self, platform: Platform, id: &str) -> bool {
        self.count(1);
        note(|| Key::Target(platform, id.to_owned()));
        self.presence(|| Key::Target(platform, id.to_owned()))
            .unwrap_or_else(|| self.targeted().0.contains(&(platform, id.to_owned())))
    }

    /// Whether an app protection policy of the platform lists apps mamlint cannot know.
    pub fn apps_unknown_on(&self, platform: Platform) -> bool {
        self.count(1);
        note(|| Key::UnknownApps(platform));
        self.presence(|| Key::UnknownApps(platform))
            .unwrap_or_else(|| self.targeted().1.contains(&platform))
    }

    /// The first Intune mobile app policy (in load order) whose `apps` list a catalog app
    /// that Atlassian hands to Intune, by its key.
    pub fn first_listing(&self, app: &str) -> Option<&Entity<'a>> {
        self.count(1);
        note(|| Key::Listing(app.to_owned()));
        let first = self.first_listing.get_or_init(|| {
            unrecorded(|| {
                let mut first = HashMap::new();
                for policy in self.intune_policies() {
                    for app in policy.intune_listed() {
                        first.entry(app.key.clone()).or_insert(policy.index);
                    }
                }
                first
            })
        });
        first.get(app).map(|&i| &self.entities[i])
    }

    /// The `metadata.name`s of the loaded documents of a kind, in load order: the candidates
    /// of a did-you-mean, so ask only when reporting.
    pub fn names(&self, kind: Kind) -> impl Iterator<Item = &'a str> {
        self.of_kind(kind).filter_map(Entity::name)
    }

    /// Those names in backticks, comma-separated, for a message: built once per kind, when a
    /// finding first quotes it. Listing every kind at once cost a language server edit that
    /// left one reference dangling 12 ms at 20,000 files, formatting every policy's name.
    pub fn listed_names(&self, kind: Kind) -> &str {
        note(|| Key::Kind(kind));
        let Some(cell) = Kind::ALL
            .iter()
            .position(|k| *k == kind)
            .and_then(|i| self.listed.get(i))
        else {
            return "";
        };
        cell.get_or_init(|| {
            unrecorded(|| {
                self.names(kind)
                    .map(|n| format!("`{n}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            })
        })
    }

    /// The tenants that list a domain (case-insensitive), in load order, with the node of the
    /// domain in each.
    pub fn tenants_holding(&self, domain: &str) -> Vec<(&Entity<'a>, At<'a>)> {
        let domain = domain.to_ascii_lowercase();
        let holders = self.by_domain.get(&domain).map_or(&[][..], Vec::as_slice);
        note(|| Key::Domain(domain));
        self.count(1 + holders.len());
        holders
            .iter()
            .map(|(i, at)| (&self.entities[*i], at.clone()))
            .collect()
    }

    /// The platform of an app protection policy, manifest or export.
    pub fn platform(&self, entity: &Entity<'a>) -> Option<Platform> {
        entity.platform()
    }

    /// Resolves a reference key of `spec` to a loaded document of `kind`.
    pub fn resolve(&self, from: &Entity<'a>, key: &str, kind: Kind) -> Resolution<'_, 'a> {
        self.resolution(from, key, kind, false)
    }

    /// [`Workspace::resolve`] for a caller that reads nothing of the document found but which
    /// one it is (and, for messages, its name): it depends on the [`Key::Roster`] of the kind,
    /// not on what the document found holds.
    pub fn locate(&self, from: &Entity<'a>, key: &str, kind: Kind) -> Resolution<'_, 'a> {
        self.resolution(from, key, kind, true)
    }

    fn resolution(
        &self,
        from: &Entity<'a>,
        key: &str,
        kind: Kind,
        identity: bool,
    ) -> Resolution<'_, 'a> {
        if identity {
            note(|| Key::Roster(kind));
            return unrecorded(|| self.resolution(from, key, kind, false));
        }
        // The pointer of the reference is built only when it does not resolve: every rule
        // asks for every document's tenant.
        let named = match key {
            "tenant" if self.own(from) => self.looked(from.index).and_then(|l| l.tenant),
            _ => from.spec_node(key).and_then(Node::as_str),
        };
        match named {
            Some(name) => match self.named(kind, name) {
                Some(found) => Resolution::Found(found),
                None => match from.spec_get(key) {
                    Some(at) => Resolution::Missing(at),
                    None => Resolution::NoneLoaded,
                },
            },
            _ => match self.count_of_kind(kind) {
                0 => Resolution::NoneLoaded,
                1 => self
                    .of_kind(kind)
                    .next()
                    .map_or(Resolution::NoneLoaded, Resolution::Found),
                more => Resolution::Ambiguous(more),
            },
        }
    }

    /// The organization of a MobileAppPolicy, when it resolves.
    pub fn organization_of(&self, policy: &Entity<'a>) -> Option<&Entity<'a>> {
        match self.resolve(policy, "organization", Kind::Organization) {
            Resolution::Found(org) => Some(org),
            _ => None,
        }
    }

    /// The tenant of a policy, when it resolves. Exports name no tenant; they belong to the
    /// only loaded tenant, or to the one named by a folder of their path.
    pub fn tenant_of(&self, policy: &Entity<'a>) -> Option<&Entity<'a>> {
        match self.locate(policy, "tenant", Kind::EntraTenant) {
            Resolution::Found(tenant) => Some(tenant),
            // A Graph export names no tenant: with several loaded, it belongs to the one whose
            // `metadata.name` is a folder of its path (`acme-labs-entra/ios.json`).
            // The first tenant in load order named by any folder: the earliest of the
            // tenants each component names, looked up by name rather than by scanning tenants.
            Resolution::Ambiguous(_) if policy.is_export() => std::path::Path::new(policy.path)
                .components()
                .filter_map(|c| c.as_os_str().to_str())
                .filter_map(|name| {
                    self.count(1);
                    self.indexes
                        .by_name
                        .get(Kind::EntraTenant, name, |i| self.name_at(i))
                })
                .min()
                .map(|i| &self.entities[i]),
            _ => None,
        }
    }

    /// The app protection policies that belong to a tenant ([`Workspace::tenant_of`]), in
    /// load order.
    pub fn protections_in(&self, tenant: &Entity<'a>) -> impl Iterator<Item = &Entity<'a>> {
        // Which policies belong to a tenant depends on every policy and every tenant's name.
        note(|| Key::Kind(Kind::AppProtectionPolicy));
        note(|| Key::Roster(Kind::EntraTenant));
        let by_tenant = self.by_tenant.get_or_init(|| {
            unrecorded(|| {
                let mut by_tenant: HashMap<usize, Vec<usize>> = HashMap::new();
                for policy in self.of_kind(Kind::AppProtectionPolicy) {
                    if let Some(t) = self.tenant_of(policy) {
                        by_tenant.entry(t.index).or_default().push(policy.index);
                    }
                }
                by_tenant
            })
        });
        self.count(1);
        // An entity of another workspace may carry any index.
        let own = self
            .entities
            .get(tenant.index)
            .is_some_and(|e| std::ptr::eq(e, tenant));
        by_tenant
            .get(&tenant.index)
            .filter(|_| own)
            .into_iter()
            .flatten()
            .map(|&i| &self.entities[i])
            .inspect(|_| self.count(1))
    }

    /// The catalog keys of the apps that Intune mobile app policies hand to Intune.
    pub fn intune_app_keys(&self) -> std::collections::BTreeSet<&'a str> {
        self.intune_policies()
            .flat_map(|p| p.handed_apps())
            .collect()
    }

    /// Whether an Intune mobile app policy lists the app (catalog key): one lookup in
    /// [`Workspace::intune_app_keys`], gathered once per workspace, so a rule asking it for
    /// every policy stays linear.
    pub fn handed_to_intune(&self, app: &str) -> bool {
        note(|| Key::Handed(app.to_owned()));
        self.count(1);
        if let Some(known) = self.presence(|| Key::Handed(app.to_owned())) {
            return known;
        }
        let handed = self.handed.get_or_init(|| {
            unrecorded(|| {
                self.intune_app_keys()
                    .into_iter()
                    .map(str::to_owned)
                    .collect()
            })
        });
        handed.contains(app)
    }

    /// Whom a policy of this workspace reaches ([`reached`]), as the workspace was built with.
    pub fn reached(&self, policy: &Entity<'a>) -> Option<Reached<'a>> {
        self.own(policy)
            .then(|| self.facts.reached(&self.entities, policy.index))
            .flatten()
    }

    /// The app protection policies of `tenant` and `platform` that target the Atlassian app
    /// `app` (a catalog key) and reach `audience`, in load order.
    pub fn reaching(
        &self,
        tenant: Option<&Entity<'a>>,
        platform: Platform,
        app: &'a str,
        audience: Audience<'a>,
    ) -> impl Iterator<Item = &Entity<'a>> {
        note(|| Key::Reach(platform, app.to_owned(), audience.id().to_owned()));
        // Which tenant each policy belongs to depends on every tenant's name.
        note(|| Key::Roster(Kind::EntraTenant));
        self.count(1);
        let tenant = tenant.filter(|t| self.own(t)).map(|t| t.index);
        let key = ReachKey::new(tenant, platform, app, audience);
        let reaching = &self.indexes.reaching;
        let first = reaching.partition_point(|(k, _)| *k < key);
        reaching[first..]
            .iter()
            .take_while(move |(k, _)| *k == key)
            .map(|(_, i)| i)
            .filter(move |&&i| {
                // Another app and audience of the same hash.
                self.facts
                    .reaches(&self.entities, i, platform, app, audience)
            })
            .filter_map(|&i| self.entities.get(i))
            .inspect(|_| self.count(1))
    }

    /// The name of the entity at `index`, as the indexes were built from.
    fn name_at(&self, index: usize) -> Option<&'a str> {
        self.looked(index)?.name
    }

    /// What the indexes were built from for the entity at `index`.
    fn looked(&self, index: usize) -> Option<Looked<&'a str>> {
        self.facts.looked(&self.entities, index)
    }

    /// Whether `entity` is one of this workspace's (an entity of another may carry any index).
    fn own(&self, entity: &Entity<'a>) -> bool {
        self.entities
            .get(entity.index)
            .is_some_and(|e| std::ptr::eq(e, entity))
    }

    /// The keys each document of a file answers to (see [`Key`]), its roster and its
    /// listings ([`Provided`]).
    pub fn provided(&self, file: FileId) -> Provided {
        let range = self.entities_in(file);
        let mut keys = vec![Key::File(file)];
        let mut roster: Roster = Vec::with_capacity(range.len());
        let mut listings = Vec::new();
        for entity in &self.entities[range] {
            keys.push(Key::Kind(entity.kind));
            roster.push((entity.kind, entity.name().map(str::to_owned)));
            if let Some(name) = entity.name() {
                keys.push(Key::Name(entity.kind, name.to_owned()));
            }
            if entity.kind == Kind::AppProtectionPolicy
                && let Some(platform) = entity.platform()
            {
                if let Some(display) = entity.spec_str("displayName") {
                    keys.push(Key::Display(platform, display.to_owned()));
                }
                keys.extend(
                    entity
                        .apps()
                        .into_iter()
                        .map(|a| Key::Target(platform, a.id.to_owned())),
                );
                if entity.is_unknown("apps") {
                    keys.push(Key::UnknownApps(platform));
                }
                if let Some(reached) = reached(entity) {
                    for app in &reached.apps {
                        keys.extend(reached.audiences.iter().map(|audience| {
                            Key::Reach(platform, (*app).to_owned(), audience.id().to_owned())
                        }));
                    }
                }
            }
            keys.extend(entity.handed_apps().map(|app| Key::Handed(app.to_owned())));
            let position = roster.len().saturating_sub(1);
            listings.extend(
                entity
                    .intune_listed()
                    .map(|app| (position, app.key.as_str())),
            );
            if entity.kind == Kind::EntraTenant
                && let Some(domains) = entity.spec_get("domains")
            {
                keys.extend(
                    domains
                        .items()
                        .filter_map(|at| at.str().map(|d| Key::Domain(d.to_ascii_lowercase()))),
                );
            }
        }
        keys.sort_unstable();
        keys.dedup();
        Provided {
            keys,
            roster,
            listings,
        }
    }

    /// Intune mobile app policies (`type: intune`).
    pub fn intune_policies(&self) -> impl Iterator<Item = &Entity<'a>> {
        self.of_kind(Kind::MobileAppPolicy)
            .filter(|e| e.is_intune_policy())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What each entity's place costs, kept for the whole run (issue #11).
    #[test]
    fn a_place_is_24_bytes() {
        assert_eq!(std::mem::size_of::<Place>(), 24);
    }

    fn files(texts: &[(&str, &str)]) -> Vec<WorkspaceFile> {
        texts
            .iter()
            .map(|(path, text)| {
                let loaded = crate::syntax::load(path, text.as_bytes());
                WorkspaceFile {
                    classes: classify_file(&loaded),
                    loaded,
                    role: Role::Checked,
                    explicit: true,
                    looks_like_policy: false,
                }
            })
            .collect()
    }

    const TENANTS: &str = "apiVersion: mamlint/v1\nkind: EntraTenant\nmetadata: {name: a}\nspec: {domains: [A.example, a.example]}\n---\napiVersion: mamlint/v1\nkind: EntraTenant\nmetadata: {name: b}\nspec: {domains: [a.example]}\n";

    fn protection(name: &str, tenant: &str) -> String {
        format!(
            "apiVersion: mamlint/v1\nkind: AppProtectionPolicy\nmetadata: {{name: {name}}}\nspec: {{tenant: {tenant}, platform: ios}}\n"
        )
    }

    /// Two names with one hash: each finds its own number, and neither the other's.
    #[test]
    fn a_name_map_tells_names_of_one_hash_apart() {
        let names = ["a", "b"];
        let name_of = |i: usize| names.get(i).copied();
        let mut map: NameMap<Kind> = NameMap::default();
        // "a" at the slot of "b"'s hash, as if they collided.
        map.first.insert((Kind::EntraTenant, name_hash("b")), 0);
        assert_eq!(map.get(Kind::EntraTenant, "b", name_of), None);
        assert_eq!(map.first_or_insert(Kind::EntraTenant, "b", 1, name_of), 1);
        assert_eq!(map.collided, [(Kind::EntraTenant, name_hash("b"), 1)]);
        assert_eq!(map.get(Kind::EntraTenant, "b", name_of), Some(1));
        assert_eq!(map.first_or_insert(Kind::EntraTenant, "b", 7, name_of), 1);
        assert_eq!(map.get(Kind::Organization, "b", name_of), None);
    }

    /// A workspace built from kept indexes makes the same entities, at the same nodes, as one
    /// built from the trees: manifests after an unrecognized document, and a Graph list's
    /// policies with their pointers.
    #[test]
    fn kept_indexes_make_the_entities_a_fresh_build_makes() {
        let list = r##"{"value": [{"@odata.type": "#microsoft.graph.iosManagedAppProtection", "displayName": "x"}, {"@odata.type": "#microsoft.graph.androidManagedAppProtection", "displayName": "y"}]}"##;
        let files = files(&[
            ("a.yaml", &format!("just: text\n---\n{TENANTS}")),
            ("list.json", list),
            ("p.yaml", &protection("p", "a")),
        ]);
        let describe = |ws: &Workspace<'_>| -> Vec<(FileId, usize, String, Kind, *const Node)> {
            ws.entities
                .iter()
                .map(|e| {
                    (
                        e.file,
                        e.document,
                        e.base.to_owned(),
                        e.kind,
                        e.root as *const Node,
                    )
                })
                .collect()
        };
        let index: Vec<FileIndex> = files.iter().map(FileIndex::of).collect();
        let fresh = Workspace::indexed(&files, &index, None);
        let expected = describe(&fresh);
        assert_eq!(expected.len(), 5);
        assert_eq!(expected[2].2, "/value/0");
        assert_eq!(expected[3].2, "/value/1");
        let kept = fresh.into_indexes().unwrap_or_default();
        let again = Workspace::indexed(&files, &index, Some(&kept));
        assert_eq!(describe(&again), expected);
        let named = again.named(Kind::EntraTenant, "b").map(|e| e.index);
        assert_eq!(named, Some(1));
    }

    #[test]
    fn tenants_hold_domains_case_insensitively_at_their_first_entry() {
        let files = files(&[("tenants.yaml", TENANTS)]);
        let ws = Workspace::new(&files);
        let held: Vec<(Option<&str>, String)> = ws
            .tenants_holding("a.EXAMPLE")
            .into_iter()
            .map(|(t, at)| (t.name(), at.pointer))
            .collect();
        assert_eq!(
            held,
            [
                (Some("a"), "/spec/domains/0".to_owned()),
                (Some("b"), "/spec/domains/0".to_owned())
            ]
        );
        assert!(ws.tenants_holding("b.example").is_empty());
    }

    #[test]
    fn policies_are_found_by_tenant_and_exports_by_folder() {
        let (p1, p2, p3) = (
            protection("p1", "b"),
            protection("p2", "a"),
            protection("p3", "b"),
        );
        let export =
            r##"{"@odata.type": "#microsoft.graph.iosManagedAppProtection", "displayName": "E"}"##;
        let files = files(&[
            ("tenants.yaml", TENANTS),
            ("p1.yaml", &p1),
            ("p2.yaml", &p2),
            ("p3.yaml", &p3),
            ("exports/b/e.json", export),
        ]);
        let ws = Workspace::new(&files);
        let names = |tenant: &str| -> Vec<&str> {
            let tenant = ws.named(Kind::EntraTenant, tenant).expect("loaded");
            ws.protections_in(tenant).filter_map(Entity::name).collect()
        };
        assert_eq!(names("a"), ["p2"]);
        assert_eq!(names("b"), ["p1", "p3", "E"]);
        assert!(ws.work() > 0);
    }
}
