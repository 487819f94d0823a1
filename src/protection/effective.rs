//! A policy's effective value of a setting: what it sets, else its documented default, and
//! where that value comes from. Manifests, Graph exports, Terraform and Microsoft365DSC
//! resources are all [`Entity`]s, so they are read the same way; a value the reader could not
//! evaluate (an expression, a variable) is unknown, never a default.

use serde_json::Value;

use super::FRAMEWORK;
use crate::model::graph_value::to_graph;
use crate::model::properties::PROPERTIES;
use crate::model::{At, Entity, Platform};

/// Where an effective value comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    /// The policy sets it.
    Set,
    /// The policy does not set it; its documented default applies.
    Default,
    /// The policy does not set it and no default is documented.
    NotSet,
    /// An expression mamlint cannot evaluate (Terraform, DSC): neither met nor short.
    Unknown,
    /// A value of the wrong type (MAM007 reports it): neither met nor short.
    Invalid,
}

impl Source {
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Set => "set",
            Source::Default => "default",
            Source::NotSet => "not set",
            Source::Unknown => "unknown",
            Source::Invalid => "invalid",
        }
    }

    /// Whether a value can be judged against a level.
    pub fn is_judged(self) -> bool {
        !matches!(self, Source::Unknown | Source::Invalid)
    }
}

/// A setting's effective value in one policy.
#[derive(Clone, Debug)]
pub struct Effective<'a> {
    /// The Graph value (`null` when not set and no default is documented, or not judged).
    pub value: Value,
    pub source: Source,
    /// The node that sets it, when the policy sets it.
    pub at: Option<At<'a>>,
}

/// The effective value of `setting` in a policy of `platform`.
pub fn value<'a>(entity: &Entity<'a>, platform: Platform, setting: &str) -> Effective<'a> {
    if entity.is_unknown(setting) {
        return Effective {
            value: Value::Null,
            source: Source::Unknown,
            at: entity.setting(setting),
        };
    }
    if let Some(at) = entity.setting(setting) {
        let converted = PROPERTIES
            .get(platform, setting)
            .map(|property| to_graph(property, at.node, ""));
        let (value, source) = match converted {
            // A YAML 1.1 boolean or an unquoted version counts as the value its fix writes.
            Some(Ok(graph)) => (graph.json, Source::Set),
            Some(Err(_)) | None => (Value::Null, Source::Invalid),
        };
        return Effective {
            value,
            source,
            at: Some(at),
        };
    }
    match FRAMEWORK.default(platform, setting) {
        Some(default) => Effective {
            value: default.clone(),
            source: Source::Default,
            at: None,
        },
        None => Effective {
            value: Value::Null,
            source: Source::NotSet,
            at: None,
        },
    }
}

/// Every setting the framework or the defaults know, with its effective value: what a view
/// of one policy (or a merge of several) starts from.
pub fn all<'a>(entity: &Entity<'a>, platform: Platform) -> Vec<(&'static str, Effective<'a>)> {
    all_names(platform)
        .into_iter()
        .map(|name| (name, value(entity, platform, name)))
        .collect()
}

/// The settings the framework or the defaults know on a platform, sorted.
pub fn all_names(platform: Platform) -> Vec<&'static str> {
    let mut names: Vec<&'static str> = FRAMEWORK
        .rows(platform)
        .map(|r| r.setting.as_str())
        .chain(FRAMEWORK.defaults(platform).map(|(name, _)| name))
        .collect();
    names.sort_unstable();
    names.dedup();
    names
}
