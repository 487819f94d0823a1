//! A setting's value as Graph must receive it, decided from the property catalog: what
//! `plan` and `apply` send is built here, never from the raw YAML value.
//!
//! YAML says more than one thing with one spelling: `pinRequired: yes` is the string `"yes"`
//! in YAML 1.2 and a boolean in YAML 1.1, `minimumRequiredOsVersion: 16.10` is the number
//! 16.1. The checker warns about them (MAM003, MAM004); before a write, such a value is
//! converted exactly as that rule's fix would write it (`true`, `"16.10"`), and the plan
//! says so. Anything else of the wrong type (a number for a duration, a string for a list)
//! cannot be sent: the plan refuses it.

use serde_json::Value as Json;

use super::duration::parse_seconds;
use super::properties::Property;
use crate::syntax::{Node, Style, Value};

/// A value ready for Graph.
#[derive(Clone, Debug, PartialEq)]
pub struct GraphValue {
    pub json: Json,
    /// How the written value was converted, when it was: for the plan to show.
    pub coerced: Option<String>,
}

/// What YAML 1.1 reads an unquoted word as, if it is one of its boolean spellings (`yes`,
/// `on`, `n`...). MAM003 reports these; its fix writes the boolean.
pub fn yaml11_boolean(node: &Node) -> Option<bool> {
    let Value::String(text) = &node.value else {
        return None;
    };
    if node.style != Style::Plain {
        return None;
    }
    match text.to_ascii_lowercase().as_str() {
        "y" | "yes" | "on" => Some(true),
        "n" | "no" | "off" => Some(false),
        _ => None,
    }
}

/// Whether a version setting is written as an unquoted number (MAM004 reports it).
pub fn is_unquoted_version(property: &Property, node: &Node) -> bool {
    property.is_version()
        && node.style == Style::Plain
        && matches!(node.value, Value::Int(_) | Value::Float(_))
}

/// The text of an unquoted version number as written (`16.10`, not the number 16.1).
fn unquoted_version<'t>(property: &Property, node: &Node, text: &'t str) -> Option<&'t str> {
    is_unquoted_version(property, node)
        .then(|| text.get(node.span.range()))
        .flatten()
}

/// The Graph value of a setting; `Err` names the type Graph needs when the value has another.
/// `text` is the decoded text of the file the node is in.
pub fn to_graph(property: &Property, node: &Node, text: &str) -> Result<GraphValue, String> {
    let exact = |json: Json| {
        Ok(GraphValue {
            json,
            coerced: None,
        })
    };
    if matches!(node.value, Value::Null) {
        return exact(Json::Null);
    }
    if property.is_boolean() {
        return match (&node.value, yaml11_boolean(node)) {
            (Value::Bool(b), _) => exact(Json::Bool(*b)),
            (_, Some(b)) => Ok(GraphValue {
                json: Json::Bool(b),
                coerced: Some(format!(
                    "`{}` is sent as {b} (a YAML 1.1 boolean; MAM003's fix writes `{b}`)",
                    text.get(node.span.range()).unwrap_or_default()
                )),
            }),
            _ => Err("a boolean".to_owned()),
        };
    }
    if let Some(written) = unquoted_version(property, node, text) {
        return Ok(GraphValue {
            json: Json::String(written.to_owned()),
            coerced: Some(format!(
                "`{written}` is sent as the string \"{written}\" (MAM004's fix quotes it; unquoted it is the number {})",
                node.to_json()
            )),
        });
    }
    if property.is_collection() {
        let Value::Array(items) = &node.value else {
            return Err(format!("a list of {}", property.item_type()));
        };
        let strings = property.item_type() == "String" || !property.values.is_empty();
        if strings && !items.iter().all(|i| matches!(i.value, Value::String(_))) {
            return Err(format!("a list of {} strings", property.item_type()));
        }
        return exact(node.to_json());
    }
    match property.graph_type {
        "Int32" | "Int64" => match node.value {
            Value::Int(_) => exact(node.to_json()),
            _ => Err("an integer".to_owned()),
        },
        "Duration" => match &node.value {
            Value::String(s) if parse_seconds(s).is_some() => exact(node.to_json()),
            _ => Err("an ISO 8601 duration such as \"PT30M\"".to_owned()),
        },
        // Strings, enums (their values are checked by MAM007) and dates.
        _ if property.graph_type == "String"
            || property.graph_type == "DateTimeOffset"
            || !property.values.is_empty() =>
        {
            match node.value {
                Value::String(_) => exact(node.to_json()),
                _ => Err(format!("a string ({})", property.graph_type)),
            }
        }
        _ => exact(node.to_json()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Platform;
    use crate::model::properties::PROPERTIES;

    fn value(key: &str, yaml: &str) -> Result<GraphValue, String> {
        let text = format!("{key}: {yaml}\n");
        let parsed = crate::syntax::yaml::parse(&text);
        let root = &parsed.documents[0].root;
        let property = PROPERTIES.get(Platform::Ios, key).unwrap();
        to_graph(property, root.get(key).unwrap(), &text)
    }

    #[test]
    fn yaml_1_1_spellings_are_converted_as_the_fixes_write_them() {
        let pin = value("pinRequired", "yes").unwrap();
        assert_eq!(pin.json, Json::Bool(true));
        assert!(pin.coerced.unwrap().contains("MAM003"));
        let os = value("minimumRequiredOsVersion", "16.10").unwrap();
        assert_eq!(os.json, Json::String("16.10".to_owned()));
        assert!(os.coerced.unwrap().contains("MAM004"));
        assert_eq!(
            value("minimumRequiredOsVersion", "\"16.10\"").unwrap(),
            GraphValue {
                json: Json::String("16.10".to_owned()),
                coerced: None
            }
        );
        assert_eq!(value("pinRequired", "true").unwrap().coerced, None);
    }

    #[test]
    fn values_of_another_type_are_refused() {
        assert_eq!(
            value("periodOfflineBeforeAccessCheck", "720").unwrap_err(),
            "an ISO 8601 duration such as \"PT30M\""
        );
        assert!(
            value("allowedDataStorageLocations", "oneDriveForBusiness")
                .unwrap_err()
                .starts_with("a list of")
        );
        assert_eq!(
            value("minimumPinLength", "\"6\"").unwrap_err(),
            "an integer"
        );
        assert_eq!(value("pinRequired", "\"maybe\"").unwrap_err(), "a boolean");
        assert!(value("pinCharacterSet", "1").is_err());
        assert!(value("allowedDataStorageLocations", "[sharePoint]").is_ok());
        assert!(value("periodOfflineBeforeAccessCheck", "PT12H").is_ok());
    }
}
