//! The parsed tree as `jsonschema` sees it: validation reads the spanned [`Node`]s in place
//! instead of a `serde_json` copy of each document, which cost a tenth of a large run.
//!
//! It reads what [`Node::to_json`] would have produced, with one difference: a key written
//! twice (MAM002) is checked at each occurrence, where the copy kept only the last one.

use std::borrow::Cow;

use jsonschema::json::{Array, Json, JsonNumber, Node as JsonNode, NodeIdentity, Object};
use jsonschema::types::JsonType;
use serde_json::Value;

use crate::syntax::{Member, Node, Value as TreeValue};

/// The representation: instances are borrowed [`Node`]s.
pub(super) struct Tree;

impl Json for Tree {
    type Node<'a> = TreeNode<'a>;
    type PreparedKey = String;
    type StringBuffer = ();

    fn prepare_key(key: &str) -> String {
        key.to_owned()
    }

    fn with_string_node<T>((): &mut (), string: &str, f: impl FnOnce(TreeNode<'_>) -> T) -> T {
        let node = Node::new(
            TreeValue::String(string.to_owned()),
            crate::syntax::Span::default(),
            crate::syntax::Style::Json,
        );
        f(TreeNode(&node))
    }
}

#[derive(Clone, Copy)]
pub(super) struct TreeNode<'a>(pub &'a Node);

/// Non-finite floats (YAML `.inf`, `.nan`) have no JSON form: they read as their spelling.
fn finite(value: f64) -> Option<f64> {
    value.is_finite().then_some(value)
}

impl<'a> JsonNode<'a, Tree> for TreeNode<'a> {
    type Object = TreeObject<'a>;
    type Array = TreeArray<'a>;
    type Number = TreeNumber;

    fn as_object(&self) -> Option<TreeObject<'a>> {
        match &self.0.value {
            TreeValue::Object(members) => Some(TreeObject(members)),
            _ => None,
        }
    }

    fn as_array(&self) -> Option<TreeArray<'a>> {
        match &self.0.value {
            TreeValue::Array(items) => Some(TreeArray(items)),
            _ => None,
        }
    }

    fn as_string(&self) -> Option<Cow<'a, str>> {
        match &self.0.value {
            TreeValue::String(text) => Some(Cow::Borrowed(text)),
            TreeValue::Float(f) if finite(*f).is_none() => Some(Cow::Owned(format!("{f}"))),
            _ => None,
        }
    }

    fn as_number(&self) -> Option<TreeNumber> {
        match &self.0.value {
            TreeValue::Int(i) => Some(TreeNumber::Int(*i)),
            TreeValue::Float(f) => finite(*f).map(TreeNumber::Float),
            _ => None,
        }
    }

    fn as_boolean(&self) -> Option<bool> {
        match &self.0.value {
            TreeValue::Bool(b) => Some(*b),
            _ => None,
        }
    }

    fn is_null(&self) -> bool {
        matches!(self.0.value, TreeValue::Null)
    }

    fn json_type(&self) -> JsonType {
        match &self.0.value {
            TreeValue::Null => JsonType::Null,
            TreeValue::Bool(_) => JsonType::Boolean,
            TreeValue::Int(_) => JsonType::Number,
            TreeValue::Float(f) if finite(*f).is_some() => JsonType::Number,
            TreeValue::Float(_) | TreeValue::String(_) => JsonType::String,
            TreeValue::Array(_) => JsonType::Array,
            TreeValue::Object(_) => JsonType::Object,
        }
    }

    fn equals_value(&self, expected: &Value) -> bool {
        // Scalars compare in place; `enum` and `const` of strings are most of the calls.
        match (&self.0.value, expected) {
            (TreeValue::String(text), Value::String(other)) => text == other,
            (TreeValue::String(_), _) | (_, Value::String(_)) => {
                jsonschema::json::cmp::equal(&self.to_value(), expected)
            }
            (TreeValue::Bool(b), Value::Bool(other)) => b == other,
            (TreeValue::Null, Value::Null) => true,
            (TreeValue::Bool(_) | TreeValue::Null, _) => false,
            _ => jsonschema::json::cmp::equal(&self.to_value(), expected),
        }
    }

    fn to_value(&self) -> Cow<'a, Value> {
        Cow::Owned(self.0.to_json())
    }

    fn identity(&self) -> Option<NodeIdentity> {
        Some(NodeIdentity::new(
            std::ptr::from_ref::<Node>(self.0) as usize
        ))
    }
}

/// A number of the tree: YAML and JSON integers are `i64`, other numbers `f64`.
#[derive(Clone, Copy)]
pub(super) enum TreeNumber {
    Int(i64),
    Float(f64),
}

impl JsonNumber for TreeNumber {
    fn as_u64(&self) -> Option<u64> {
        match self {
            TreeNumber::Int(i) => u64::try_from(*i).ok(),
            TreeNumber::Float(_) => None,
        }
    }

    fn as_i64(&self) -> Option<i64> {
        match self {
            TreeNumber::Int(i) => Some(*i),
            TreeNumber::Float(_) => None,
        }
    }

    fn as_f64(&self) -> Option<f64> {
        match self {
            // Exact for every integer a policy setting holds; JSON Schema compares numbers
            // as numbers, not as their spelling.
            #[allow(clippy::cast_precision_loss)]
            TreeNumber::Int(i) => Some(*i as f64),
            TreeNumber::Float(f) => Some(*f),
        }
    }

    fn as_str(&self) -> Cow<'_, str> {
        match self {
            TreeNumber::Int(i) => Cow::Owned(i.to_string()),
            TreeNumber::Float(f) => Cow::Owned(f.to_string()),
        }
    }

    fn to_number(&self) -> Cow<'_, serde_json::Number> {
        match self {
            TreeNumber::Int(i) => Cow::Owned(serde_json::Number::from(*i)),
            TreeNumber::Float(f) => Cow::Owned(
                serde_json::Number::from_f64(*f).unwrap_or_else(|| serde_json::Number::from(0)),
            ),
        }
    }

    fn is_written_as_integer(&self) -> bool {
        matches!(self, TreeNumber::Int(_))
    }
}

#[derive(Clone, Copy)]
pub(super) struct TreeObject<'a>(&'a [Member]);

impl<'a> Object<'a, Tree> for TreeObject<'a> {
    type Node = TreeNode<'a>;
    type MemberName = &'a str;
    type MembersIter = MembersIter<'a>;

    fn len(&self) -> usize {
        self.0.len()
    }

    /// The last value of a key written twice, as the copy kept.
    fn get(&self, key: &String) -> Option<TreeNode<'a>> {
        self.0
            .iter()
            .rev()
            .find(|member| member.key == *key)
            .map(|member| TreeNode(&member.value))
    }

    fn members(&self) -> MembersIter<'a> {
        MembersIter(self.0.iter())
    }
}

pub(super) struct MembersIter<'a>(std::slice::Iter<'a, Member>);

impl<'a> Iterator for MembersIter<'a> {
    type Item = (&'a str, TreeNode<'a>);

    fn next(&mut self) -> Option<Self::Item> {
        self.0
            .next()
            .map(|member| (member.key.as_str(), TreeNode(&member.value)))
    }
}

#[derive(Clone, Copy)]
pub(super) struct TreeArray<'a>(&'a [Node]);

impl<'a> Array<'a, Tree> for TreeArray<'a> {
    type Node = TreeNode<'a>;
    type ElementsIter = std::iter::Map<std::slice::Iter<'a, Node>, fn(&'a Node) -> TreeNode<'a>>;

    fn len(&self) -> usize {
        self.0.len()
    }

    fn elements(&self) -> Self::ElementsIter {
        self.0.iter().map(TreeNode as fn(&'a Node) -> TreeNode<'a>)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jsonschema::Draft;

    /// The view and the `serde_json` copy give the same errors, at the same places, for
    /// documents of every value type against every committed schema.
    #[test]
    fn the_view_validates_like_the_copy() {
        let documents = [
            "apiVersion: mamlint/v1\nkind: AppProtectionPolicy\nmetadata: {name: p}\nspec:\n  platform: ios\n  displayName: P\n  settings:\n    pinRequired: yes\n    minimumPinLength: 4.0\n    maximumPinRetries: .inf\n    periodOfflineBeforeAccessCheck: PT12\n    allowedDataStorageLocations: [oneDrive, 7, null]\n    notAKey: 1\n",
            "apiVersion: mamlint/v1\nkind: AppProtectionPolicy\nmetadata: {name: p}\nspec:\n  platform: android\n  displayName: ''\n  apps: [{id: jira}, 3]\n  assignments: {include: [{group: 5}]}\n  settings: {minimumPinLength: -1, pinCharacterSet: emoji, appActionIfDeviceComplianceRequired: .nan}\n",
            "apiVersion: mamlint/v1\nkind: Organization\nmetadata: {}\nspec: {guard: gold, domains: [{name: 'acme..com', status: maybe}], extra: [1, 2.5, true]}\n",
            "apiVersion: mamlint/v1\nkind: EntraTenant\nmetadata: {name: t}\nspec: {tenantId: not-a-guid, cloud: moon}\n",
            "{\"@odata.type\": \"#microsoft.graph.iosManagedAppProtection\", \"displayName\": 5, \"pinRequired\": \"true\", \"minimumPinLength\": 1e400, \"apps\": [{\"mobileAppIdentifier\": {}}]}\n",
        ];
        let mut errors = 0;
        for text in documents {
            let parsed = crate::syntax::yaml::parse(text);
            for document in &parsed.documents {
                for (stem, schema_text) in super::super::EMBEDDED {
                    let schema: Value = serde_json::from_str(schema_text).unwrap_or_default();
                    let by_copy = jsonschema::options()
                        .with_draft(Draft::Draft202012)
                        .build(&schema)
                        .map(|v| {
                            v.iter_errors(&document.root.to_json())
                                .map(|e| format!("{} {:?}", e.instance_path().as_str(), e.kind()))
                                .collect::<Vec<_>>()
                        });
                    let by_view = jsonschema::options_for::<Tree>()
                        .with_draft(Draft::Draft202012)
                        .build(&schema)
                        .map(|v| {
                            v.iter_errors(TreeNode(&document.root))
                                .map(|e| format!("{} {:?}", e.instance_path().as_str(), e.kind()))
                                .collect::<Vec<_>>()
                        });
                    match (by_copy, by_view) {
                        (Ok(copy), Ok(view)) => {
                            assert_eq!(copy, view, "{stem} on {text}");
                            errors += copy.len();
                        }
                        (copy, view) => panic!("{stem}: {:?} / {:?}", copy.err(), view.err()),
                    }
                }
            }
        }
        assert!(
            errors > 50,
            "the documents are wrong in many ways: {errors} errors"
        );
    }
}
