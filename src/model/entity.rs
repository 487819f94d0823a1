//! [`Entity`]: one recognized object of a run (a manifest, or one policy of a Graph export),
//! with accessors that return nodes together with their JSON Pointers, so that every finding
//! can say exactly where it is.

use super::catalog::{self, CATALOG};
use super::{Kind, Platform};
use crate::diagnostic::{FileId, Location};
use crate::syntax::{Document, Member, Node, Resource, push_pointer};

/// Where an entity came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin {
    Manifest,
    /// A Graph export, or a resource of another tool read as one; its settings sit at the
    /// top level. App protection policies have a platform; app configurations do not.
    GraphExport {
        platform: Option<Platform>,
    },
}

/// A node and its JSON Pointer relative to the entity's root.
#[derive(Clone, Debug)]
pub struct At<'a> {
    pub node: &'a Node,
    pub pointer: String,
}

impl<'a> At<'a> {
    pub fn get(&self, key: &str) -> Option<At<'a>> {
        self.node.get(key).map(|node| At {
            node,
            pointer: push_pointer(&self.pointer, key),
        })
    }

    pub fn member(&self, key: &str) -> Option<(&'a Member, String)> {
        self.node
            .member(key)
            .map(|m| (m, push_pointer(&self.pointer, key)))
    }

    /// Members with their pointers, in source order (repeated keys included).
    pub fn members(&self) -> impl Iterator<Item = (&'a Member, String)> + '_ {
        self.node
            .as_object()
            .unwrap_or(&[])
            .iter()
            .map(|m| (m, push_pointer(&self.pointer, &m.key)))
    }

    pub fn items(&self) -> impl Iterator<Item = At<'a>> + '_ {
        self.node
            .as_array()
            .unwrap_or(&[])
            .iter()
            .enumerate()
            .map(|(i, node)| At {
                node,
                pointer: format!("{}/{i}", self.pointer),
            })
    }

    pub fn str(&self) -> Option<&'a str> {
        self.node.as_str()
    }
}

/// An app listed by a policy: its package/bundle ID and the node that holds it.
#[derive(Clone, Debug)]
pub struct AppRef<'a> {
    pub id: &'a str,
    pub at: At<'a>,
    /// The ID sits in a Graph `managedMobileApp` object rather than being a plain string.
    pub in_object: bool,
    /// The platform the object's identifier names (`iosMobileAppIdentifier` or a `bundleId`
    /// is iOS); `None` for a plain string. A Microsoft365DSC `Apps` entry with a `.ios` or
    /// `.android` suffix is read as such an object.
    pub written_for: Option<Platform>,
    /// The object's `id` as written (`com.atlassian.jira.app.ios`), for messages.
    pub written_id: Option<&'a str>,
}

impl AppRef<'_> {
    pub fn is_atlassian(&self) -> bool {
        catalog::is_atlassian_id(self.id)
    }
}

#[derive(Debug)]
pub struct Entity<'a> {
    pub file: FileId,
    pub path: &'a str,
    pub document: usize,
    pub root: &'a Node,
    /// Pointer of `root` inside its document: empty, or `/value/N` in a Graph list.
    pub base: &'a str,
    pub kind: Kind,
    pub origin: Origin,
    /// The document holding it. Read only when asked (see [`Entity::resource`]): building a
    /// workspace from kept indexes touches no document.
    pub source: &'a Document,
    /// Its position in [`super::Workspace::entities`], what the workspace's indexes hold.
    pub index: usize,
}

impl<'a> Entity<'a> {
    /// The Terraform or DSC resource the document was read from.
    pub fn resource(&self) -> Option<&'a Resource> {
        self.source.resource.as_deref()
    }

    pub fn is_export(&self) -> bool {
        matches!(self.origin, Origin::GraphExport { .. })
    }

    /// Whether a top-level key's value is unknown: an expression in a Terraform or DSC
    /// resource, or what the resource type cannot hold. Rules that need it do not run.
    pub fn is_unknown(&self, key: &str) -> bool {
        match self.resource() {
            Some(resource) => resource.unknown.iter().any(|u| u == key),
            // Graph returns `apps` only when asked to expand them, and IntuneCD backups never
            // store them: an export without them has unknown apps, not none.
            None => self.is_export() && key == "apps" && self.root.get("apps").is_none(),
        }
    }

    pub fn root_at(&self) -> At<'a> {
        At {
            node: self.root,
            pointer: String::new(),
        }
    }

    /// The location of a node of this entity, given its pointer relative to the root.
    pub fn location(&self, at: &At<'_>) -> Location {
        Location {
            file: self.file,
            span: at.node.span,
            document: Some(self.document),
            pointer: Some(format!("{}{}", self.base, at.pointer)),
        }
    }

    /// The location of a mapping key, for findings about the key itself.
    pub fn key_location(&self, member: &Member, pointer: &str) -> Location {
        Location {
            file: self.file,
            span: member.key_span,
            document: Some(self.document),
            pointer: Some(format!("{}{pointer}", self.base)),
        }
    }

    pub fn find(&self, pointer: &str) -> Option<At<'a>> {
        self.root.pointer(pointer).map(|node| At {
            node,
            pointer: pointer.to_owned(),
        })
    }

    pub fn spec(&self) -> Option<At<'a>> {
        match self.origin {
            Origin::Manifest => self.root_at().get("spec"),
            Origin::GraphExport { .. } => Some(self.root_at()),
        }
    }

    /// `metadata.name` of a manifest; `displayName` of an export.
    pub fn name(&self) -> Option<&'a str> {
        let root: &'a Node = self.root;
        match self.origin {
            Origin::Manifest => root.get("metadata")?.get("name")?.as_str(),
            Origin::GraphExport { .. } => root.get("displayName")?.as_str(),
        }
    }

    pub fn name_at(&self) -> Option<At<'a>> {
        match self.origin {
            Origin::Manifest => self.root_at().get("metadata")?.get("name"),
            Origin::GraphExport { .. } => self.root_at().get("displayName"),
        }
    }

    /// A short way to name the entity in messages: `AppProtectionPolicy "atlassian-ios"`.
    pub fn describe(&self) -> String {
        match (self.origin, self.name()) {
            (Origin::Manifest, Some(name)) => format!("{} `{name}`", self.kind),
            (Origin::GraphExport { .. }, _) if self.resource().is_some() => {
                let address = self.resource().map_or("", |r| r.address.as_str());
                format!("`{address}`")
            }
            (Origin::GraphExport { .. }, Some(name))
                if self.kind == Kind::AppConfigurationPolicy =>
            {
                format!("app configuration policy `{name}`")
            }
            (Origin::GraphExport { .. }, Some(name)) => format!("app protection policy `{name}`"),
            _ => format!("{} in {}", self.kind, self.path),
        }
    }

    /// A key of the spec (manifests) or of the top level (exports).
    pub fn spec_get(&self, key: &str) -> Option<At<'a>> {
        self.spec()?.get(key)
    }

    pub fn spec_str(&self, key: &str) -> Option<&'a str> {
        self.spec_node(key).and_then(Node::as_str)
    }

    /// A key of the spec without its pointer: cross-document rules ask this of every
    /// document, and building a pointer string each time was most of their cost.
    pub fn spec_node(&self, key: &str) -> Option<&'a Node> {
        let root: &'a Node = self.root;
        match self.origin {
            Origin::Manifest => root.get("spec")?.get(key),
            Origin::GraphExport { .. } => root.get(key),
        }
    }

    /// The platform of an app protection policy.
    pub fn platform(&self) -> Option<Platform> {
        match self.origin {
            Origin::GraphExport { platform } => platform,
            Origin::Manifest => self.spec_str("platform").and_then(Platform::from_key),
        }
    }

    /// The settings block: `spec.settings` of a manifest, the top level of an export.
    pub fn settings(&self) -> Option<At<'a>> {
        match self.origin {
            Origin::Manifest => self.spec_get("settings"),
            Origin::GraphExport { .. } => Some(self.root_at()),
        }
    }

    pub fn setting(&self, key: &str) -> Option<At<'a>> {
        self.settings()?.get(key)
    }

    /// The apps a policy lists: plain strings, or Graph `managedMobileApp` objects.
    pub fn apps(&self) -> Vec<AppRef<'a>> {
        let Some(list) = self.spec_get("apps") else {
            return Vec::new();
        };
        list.items().filter_map(app_ref).collect()
    }

    /// Whether the policy lists any `com.atlassian.*` app.
    pub fn targets_atlassian(&self) -> bool {
        self.apps().iter().any(AppRef::is_atlassian)
    }

    /// The catalog apps the policy lists, by key, with their references.
    pub fn catalog_apps(&self) -> Vec<(&'static catalog::App, AppRef<'a>)> {
        self.apps()
            .into_iter()
            .filter_map(|r| CATALOG.by_platform_id(r.id).map(|(app, _)| (app, r)))
            .collect()
    }
}

fn app_ref(item: At<'_>) -> Option<AppRef<'_>> {
    if let Some(id) = item.str() {
        return Some(AppRef {
            id,
            at: item,
            in_object: false,
            written_for: None,
            written_id: None,
        });
    }
    let identifier = item.get("mobileAppIdentifier")?;
    let (at, by_key) = match identifier.get("packageId") {
        Some(at) => (at, Platform::Android),
        None => (identifier.get("bundleId")?, Platform::Ios),
    };
    let odata = identifier
        .get("@odata.type")
        .and_then(|t| t.str())
        .map(str::to_ascii_lowercase);
    let written_for = match odata.as_deref() {
        Some(t) if t.ends_with("iosmobileappidentifier") => Platform::Ios,
        Some(t) if t.ends_with("androidmobileappidentifier") => Platform::Android,
        _ => by_key,
    };
    Some(AppRef {
        id: at.str()?,
        at,
        in_object: true,
        written_for: Some(written_for),
        written_id: item.get("id").and_then(|i| i.str()),
    })
}
