//! What each document is (spec §2, §8.1): a mamlint manifest, a Graph object as backup tools
//! write it (an app protection policy of a platform, an app configuration, or a list of
//! them), a resource another tool's front end read (Terraform, DSC), or nothing mamlint
//! knows.
//!
//! A Graph export's platform comes from, in order: `@odata.type`; the `@odata.context` of
//! the object or of its list; the file name; the property set. An untyped object counts as
//! an app protection policy only when most of its keys, and at least five, are app protection
//! properties, so that a `package.json` or a Graph error body is never mistaken for one.

use super::properties::PROPERTIES;
use super::settings::is_annotation;
use super::{API_VERSION, Kind, Platform};
use crate::syntax::{Document, Node};

/// What decided a Graph export's platform; `--verbose` says it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PlatformSource {
    ODataType,
    ODataContext,
    FileName,
    Properties,
    /// A Terraform or DSC resource type.
    Resource,
}

impl PlatformSource {
    pub fn describe(self) -> &'static str {
        match self {
            PlatformSource::ODataType => "its @odata.type",
            PlatformSource::ODataContext => "its @odata.context",
            PlatformSource::FileName => "the file name",
            PlatformSource::Properties => "its properties (one platform has them)",
            PlatformSource::Resource => "its resource type",
        }
    }
}

/// A Graph object mamlint checks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GraphObject {
    /// An app protection policy (`iosManagedAppProtection`, `androidManagedAppProtection`).
    Protection(Platform, PlatformSource),
    /// A `targetedManagedAppConfiguration`: an AppConfigurationPolicy.
    Configuration,
}

impl GraphObject {
    pub fn kind(self) -> Kind {
        match self {
            GraphObject::Protection(..) => Kind::AppProtectionPolicy,
            GraphObject::Configuration => Kind::AppConfigurationPolicy,
        }
    }

    pub fn platform(self) -> Option<Platform> {
        match self {
            GraphObject::Protection(platform, _) => Some(platform),
            GraphObject::Configuration => None,
        }
    }
}

/// What one document is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Classified {
    Manifest(Kind),
    /// A Graph object (or a resource read as one) at the document's root.
    Graph(GraphObject),
    /// A Graph list response: the pointers of the objects it holds.
    GraphList(Vec<(String, GraphObject)>),
    /// `apiVersion: mamlint/...` with a kind or version mamlint does not know.
    UnknownManifest,
    Unrecognized,
}

const GRAPH_PREFIX: &str = "microsoft.graph.";
const CONFIGURATION_TYPE: &str = "targetedManagedAppConfiguration";

/// The object named by a Graph type (`#microsoft.graph.iosManagedAppProtection`, with or
/// without `#` and namespace).
fn from_graph_type(name: &str, source: PlatformSource) -> Option<GraphObject> {
    let name = name.trim_start_matches('#');
    let name = name.strip_prefix(GRAPH_PREFIX).unwrap_or(name);
    if name == CONFIGURATION_TYPE {
        return Some(GraphObject::Configuration);
    }
    Platform::ALL
        .into_iter()
        .find(|p| p.graph_type() == name)
        .map(|p| GraphObject::Protection(p, source))
}

/// The object an `@odata.context` URL names: its entity set (`…/iosManagedAppProtections…`,
/// `…/targetedManagedAppConfigurations…`) or a cast (`…/$entity` after a typed set).
fn from_context(context: &str) -> Option<GraphObject> {
    let fragment = context.rsplit_once('#').map_or(context, |(_, f)| f);
    let lower = fragment.to_ascii_lowercase();
    if lower.contains("targetedmanagedappconfigurations") {
        return Some(GraphObject::Configuration);
    }
    Platform::ALL
        .into_iter()
        .find(|p| lower.contains(&format!("{}s", p.graph_type().to_ascii_lowercase())))
        .map(|p| GraphObject::Protection(p, PlatformSource::ODataContext))
}

/// The platform a file name says: a framework template (`*-Android.json`, `*-iOS.json`) or
/// `Android` / `iOS` as a word of the name (`App Protection/Atlassian iOS.json`).
fn from_file_name(path: &str) -> Option<Platform> {
    let name = std::path::Path::new(path)
        .file_stem()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    let words: Vec<&str> = name
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    let android = words.contains(&"android");
    let ios = words.contains(&"ios") || words.contains(&"ipados");
    match (android, ios) {
        (true, false) => Some(Platform::Android),
        (false, true) => Some(Platform::Ios),
        _ => None,
    }
}

/// For an untyped object: whether it looks like an app protection policy (most of its keys,
/// and at least five, are app protection properties), and the platform its properties
/// decide, if any.
fn from_properties(root: &Node) -> Option<Option<Platform>> {
    let keys: Vec<&str> = root
        .as_object()?
        .iter()
        .map(|m| m.key.as_str())
        .filter(|k| !is_annotation(k))
        .collect();
    let known = |p: Platform| {
        keys.iter()
            .filter(|k| PROPERTIES.get(p, k).is_some())
            .count()
    };
    let (android, ios) = (known(Platform::Android), known(Platform::Ios));
    let best = android.max(ios);
    if best < 5 || best * 2 <= keys.len() {
        return None;
    }
    let only = |p: Platform| {
        keys.iter()
            .any(|k| PROPERTIES.get(p, k).is_some() && PROPERTIES.get(p.other(), k).is_none())
    };
    Some(match (only(Platform::Android), only(Platform::Ios)) {
        (true, false) => Some(Platform::Android),
        (false, true) => Some(Platform::Ios),
        _ => None,
    })
}

/// What a Graph object is, given the `@odata.context` of the list holding it, if any.
fn graph_object(root: &Node, path: &str, list_context: Option<&str>) -> Option<GraphObject> {
    if let Some(odata) = root.get("@odata.type").and_then(Node::as_str) {
        return from_graph_type(odata, PlatformSource::ODataType);
    }
    let context = root.get("@odata.context").and_then(Node::as_str);
    if let Some(found) = context.or(list_context).and_then(from_context) {
        return Some(found);
    }
    let looks_like = from_properties(root)?;
    if let Some(platform) = from_file_name(path) {
        return Some(GraphObject::Protection(platform, PlatformSource::FileName));
    }
    looks_like.map(|p| GraphObject::Protection(p, PlatformSource::Properties))
}

/// Decides what a document is.
pub fn classify(document: &Document, path: &str) -> Classified {
    if let Some(resource) = &document.resource {
        return match from_graph_type(&resource.graph_type, PlatformSource::Resource) {
            Some(object) => Classified::Graph(object),
            None => Classified::Unrecognized,
        };
    }
    let root = &document.root;
    if root.as_object().is_none() {
        return Classified::Unrecognized;
    }
    if let Some(api) = root.get("apiVersion").and_then(Node::as_str)
        && api.starts_with("mamlint/")
    {
        let kind = root
            .get("kind")
            .and_then(Node::as_str)
            .and_then(Kind::from_name);
        return match (api == API_VERSION, kind) {
            (true, Some(kind)) => Classified::Manifest(kind),
            _ => Classified::UnknownManifest,
        };
    }
    if root.get("@odata.type").is_none()
        && let Some(items) = root.get("value").and_then(Node::as_array)
    {
        let context = root.get("@odata.context").and_then(Node::as_str);
        let objects: Vec<(String, GraphObject)> = items
            .iter()
            .enumerate()
            .filter_map(|(i, item)| {
                // A list names no file per item: only types and contexts decide.
                let typed = item.get("@odata.type").and_then(Node::as_str);
                let found = match typed {
                    Some(odata) => from_graph_type(odata, PlatformSource::ODataType),
                    None => item
                        .get("@odata.context")
                        .and_then(Node::as_str)
                        .or(context)
                        .and_then(from_context),
                }?;
                Some((format!("/value/{i}"), found))
            })
            .collect();
        return if objects.is_empty() {
            Classified::Unrecognized
        } else {
            Classified::GraphList(objects)
        };
    }
    match graph_object(root, path, None) {
        Some(object) => Classified::Graph(object),
        None => Classified::Unrecognized,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn class(json: &str, path: &str) -> Classified {
        let parsed = crate::syntax::json::parse(json);
        classify(&parsed.documents[0], path)
    }

    #[test]
    fn types_contexts_file_names_and_properties_decide_in_order() {
        use GraphObject::{Configuration, Protection};
        use Platform::{Android, Ios};
        assert_eq!(
            class(
                r##"{"@odata.type": "#microsoft.graph.iosManagedAppProtection"}"##,
                "a-android.json"
            ),
            Classified::Graph(Protection(Ios, PlatformSource::ODataType))
        );
        assert_eq!(
            class(
                r#"{"@odata.context": "https://graph.microsoft.com/beta/$metadata#deviceAppManagement/androidManagedAppProtections(assignments(),apps())/$entity", "displayName": "x"}"#,
                "p.json"
            ),
            Classified::Graph(Protection(Android, PlatformSource::ODataContext))
        );
        assert_eq!(
            class(
                r##"{"@odata.type": "#microsoft.graph.targetedManagedAppConfiguration"}"##,
                "c.json"
            ),
            Classified::Graph(Configuration)
        );
        let untyped = r#"{"displayName": "P", "pinRequired": true, "minimumPinLength": 6, "saveAsBlocked": true, "printBlocked": true, "dataBackupBlocked": true}"#;
        assert_eq!(
            class(untyped, "App Protection/Atlassian iOS.json"),
            Classified::Graph(Protection(Ios, PlatformSource::FileName))
        );
        assert_eq!(
            class(untyped, "backup.json"),
            Classified::Unrecognized,
            "no platform decides"
        );
        let android_only = untyped.replace(
            "\"printBlocked\"",
            "\"requiredAndroidSafetyNetDeviceAttestationType\"",
        );
        assert_eq!(
            class(&android_only, "backup.json"),
            Classified::Graph(Protection(Android, PlatformSource::Properties))
        );
        assert_eq!(
            class(
                r#"{"name": "x", "version": "1.0.0", "dependencies": {}}"#,
                "Android.json"
            ),
            Classified::Unrecognized,
            "a package.json is not a policy whatever its name"
        );
        assert_eq!(
            class(
                r#"{"error": {"code": "BadRequest", "message": "x"}}"#,
                "ios.json"
            ),
            Classified::Unrecognized
        );
    }

    #[test]
    fn lists_take_the_context_of_the_list() {
        let list = r##"{"@odata.context": "https://graph.microsoft.com/beta/$metadata#deviceAppManagement/iosManagedAppProtections", "value": [{"displayName": "a"}, {"@odata.type": "#microsoft.graph.targetedManagedAppConfiguration"}]}"##;
        assert_eq!(
            class(list, "x.json"),
            Classified::GraphList(vec![
                (
                    "/value/0".into(),
                    GraphObject::Protection(Platform::Ios, PlatformSource::ODataContext)
                ),
                ("/value/1".into(), GraphObject::Configuration),
            ])
        );
    }
}
