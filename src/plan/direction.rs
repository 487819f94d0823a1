//! Whether a setting change tightens or loosens protection, from `rules/directions.json`.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::model::duration::parse_seconds;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    Tightening,
    Loosening,
    Neutral,
}

impl Direction {
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Tightening => "tightening",
            Direction::Loosening => "loosening",
            Direction::Neutral => "neutral",
        }
    }

    fn from_order(ordering: std::cmp::Ordering, higher_tightens: bool) -> Direction {
        match (ordering, higher_tightens) {
            (std::cmp::Ordering::Equal, _) => Direction::Neutral,
            (std::cmp::Ordering::Greater, true) | (std::cmp::Ordering::Less, false) => {
                Direction::Tightening
            }
            _ => Direction::Loosening,
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case")]
enum Kind {
    TrueTightens,
    TrueLoosens,
    HigherTightens,
    LowerTightens,
    Ordered,
    MoreLoosens,
}

#[derive(Debug, Deserialize)]
struct Rule {
    kind: Kind,
    #[serde(default)]
    values: Vec<String>,
}

#[derive(Debug, Deserialize)]
struct Table {
    settings: BTreeMap<String, Rule>,
}

static TABLE: LazyLock<Table> = LazyLock::new(|| {
    serde_json::from_str(include_str!("../../rules/directions.json")).unwrap_or_else(|e| {
        panic!("rules/directions.json is embedded at build time and must parse: {e}")
    })
});

/// Compares two setting values as numbers, durations or dotted versions.
fn compare(old: &Value, new: &Value) -> Option<std::cmp::Ordering> {
    if let (Some(a), Some(b)) = (old.as_f64(), new.as_f64()) {
        return a.partial_cmp(&b);
    }
    let (a, b) = (old.as_str()?, new.as_str()?);
    if let (Some(a), Some(b)) = (parse_seconds(a), parse_seconds(b)) {
        return a.partial_cmp(&b);
    }
    let parts = |v: &str| {
        v.split(['.', '-'])
            .map(|p| p.parse::<u64>().ok())
            .collect::<Option<Vec<u64>>>()
    };
    Some(parts(a)?.cmp(&parts(b)?))
}

/// How changing `name` from `old` to `new` moves protection. A value that was not set
/// (`null`) counts as the loosest.
pub fn classify(name: &str, old: &Value, new: &Value) -> Direction {
    let Some(rule) = TABLE.settings.get(name) else {
        return Direction::Neutral;
    };
    let truthy = |v: &Value| v.as_bool().unwrap_or(false);
    match rule.kind {
        Kind::TrueTightens => Direction::from_order(truthy(new).cmp(&truthy(old)), true),
        Kind::TrueLoosens => Direction::from_order(truthy(new).cmp(&truthy(old)), false),
        Kind::HigherTightens | Kind::LowerTightens => {
            let higher = matches!(rule.kind, Kind::HigherTightens);
            match (old.is_null(), new.is_null()) {
                (true, false) => Direction::Tightening,
                (false, true) => Direction::Loosening,
                _ => compare(old, new).map_or(Direction::Neutral, |o| {
                    Direction::from_order(o.reverse(), higher)
                }),
            }
        }
        Kind::Ordered => {
            let rank = |v: &Value| {
                v.as_str()
                    .and_then(|s| rule.values.iter().position(|x| x == s))
            };
            match (rank(old), rank(new)) {
                (Some(a), Some(b)) => Direction::from_order(b.cmp(&a), true),
                (None, Some(_)) => Direction::Tightening,
                _ => Direction::Neutral,
            }
        }
        Kind::MoreLoosens if old.is_null() => Direction::Neutral,
        Kind::MoreLoosens => {
            let set = |v: &Value| {
                v.as_array()
                    .map(|a| a.iter().map(Value::to_string).collect::<Vec<_>>())
                    .unwrap_or_default()
            };
            let (a, b) = (set(old), set(new));
            let added = b.iter().any(|x| !a.contains(x));
            let removed = a.iter().any(|x| !b.contains(x));
            match (added, removed) {
                (true, false) => Direction::Loosening,
                (false, true) => Direction::Tightening,
                _ => Direction::Neutral,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn classifies_the_documented_examples() {
        // Enabling backup loosens; more transfer destinations loosen; a shorter PIN loosens;
        // a longer offline period loosens.
        assert_eq!(
            classify("dataBackupBlocked", &json!(true), &json!(false)),
            Direction::Loosening
        );
        assert_eq!(
            classify(
                "allowedOutboundDataTransferDestinations",
                &json!("managedApps"),
                &json!("allApps")
            ),
            Direction::Loosening
        );
        assert_eq!(
            classify("minimumPinLength", &json!(6), &json!(4)),
            Direction::Loosening
        );
        assert_eq!(
            classify(
                "periodOfflineBeforeAccessCheck",
                &json!("PT12H"),
                &json!("P1D")
            ),
            Direction::Loosening
        );
        assert_eq!(
            classify(
                "periodOfflineBeforeAccessCheck",
                &json!("P1D"),
                &json!("PT720M")
            ),
            Direction::Tightening
        );
        assert_eq!(
            classify("pinRequired", &json!(false), &json!(true)),
            Direction::Tightening
        );
        assert_eq!(
            classify("minimumRequiredOsVersion", &json!("16.0"), &json!("16.10")),
            Direction::Tightening
        );
        assert_eq!(
            classify(
                "allowedDataStorageLocations",
                &json!(["sharePoint"]),
                &json!(["sharePoint", "box"])
            ),
            Direction::Loosening
        );
        assert_eq!(
            classify("description", &json!("a"), &json!("b")),
            Direction::Neutral
        );
    }
}
