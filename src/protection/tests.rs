//! The framework data against the Graph property catalog, and the orders' semantics.

use serde_json::json;

use super::*;
use crate::model::properties::PROPERTIES;

/// Whether a JSON value is a valid value of a catalog property (type, enum, range, format).
fn valid(property: &crate::model::properties::Property, value: &Value) -> Result<(), String> {
    let enum_ok = |v: &Value| {
        let accepted = property.accepted_values();
        accepted.is_empty() || v.as_str().is_some_and(|s| accepted.contains(&s))
    };
    match property.item_type() {
        "Boolean" if value.is_boolean() => Ok(()),
        "Int32" | "Int64" => {
            let n = value.as_i64().ok_or("not an integer")?;
            let (min, max) = (
                property.minimum.unwrap_or(i64::MIN),
                property.maximum.unwrap_or(i64::MAX),
            );
            (min..=max)
                .contains(&n)
                .then_some(())
                .ok_or_else(|| format!("{n} out of range"))
        }
        "Duration" => value
            .as_str()
            .and_then(parse_seconds)
            .map(|_| ())
            .ok_or_else(|| "not a duration".into()),
        _ if property.is_collection() => {
            let items = value.as_array().ok_or("not a list")?;
            items
                .iter()
                .all(enum_ok)
                .then_some(())
                .ok_or_else(|| "a list value outside the enum".into())
        }
        _ if enum_ok(value) && value.is_string() => Ok(()),
        other => Err(format!("{value} is not a {other}")),
    }
}

/// Every row names a setting of its platform, every required value is valid for it, and every
/// level's value is at least as strict as the level below (levels only tighten).
#[test]
fn framework_rows_agree_with_the_graph_catalog() {
    let mut problems = Vec::new();
    for row in &FRAMEWORK.rows {
        for &platform in &row.platforms {
            let at = format!("{}/{}", platform.key(), row.setting);
            let Some(property) = PROPERTIES.get(platform, &row.setting) else {
                problems.push(format!("{at}: not a Graph property of the platform"));
                continue;
            };
            for (level, required) in &row.levels {
                match (&row.order, property.item_type()) {
                    (Order::Present, _) => {}
                    // The required value of a protocol row is the `;` list Graph stores in
                    // each keyValuePair's value.
                    (Order::ProtocolsSubset, "keyValuePair") if required.is_string() => {}
                    _ => {
                        if let Err(e) = valid(property, required) {
                            problems.push(format!("{at} level {level}: {e}"));
                        }
                    }
                }
                if let Order::Enum(values) = &row.order {
                    for v in values {
                        if let Err(e) = valid(property, &json!(v)) {
                            problems.push(format!("{at}: order value {e}"));
                        }
                    }
                }
                // A protocol row's value is compared as the keyValuePair a policy writes.
                let written = match row.order {
                    Order::ProtocolsSubset => json!([{"name": "Default", "value": required}]),
                    _ => required.clone(),
                };
                if let Some(below) = row.required(level - 1)
                    && row.order.meets(&written, below) != Some(true)
                {
                    problems.push(format!(
                        "{at}: level {level} is looser than level {}",
                        level - 1
                    ));
                }
            }
            for other in &row.also_met_by {
                if PROPERTIES.get(platform, other).is_none() {
                    problems.push(format!("{at}: alsoMetBy {other} is not a property"));
                }
            }
        }
        if row.levels.is_empty() || row.platforms.is_empty() || row.learn.is_empty() {
            problems.push(format!(
                "{}: a row needs levels, platforms and its Learn words",
                row.setting
            ));
        }
    }
    for platform in Platform::ALL {
        for (name, value) in FRAMEWORK.defaults(platform) {
            let at = format!("default {}/{name}", platform.key());
            match PROPERTIES.get(platform, name) {
                Some(p) if p.admin_center_default.is_some() => {
                    if let Err(e) = valid(p, value) {
                        problems.push(format!("{at}: {e}"));
                    }
                }
                Some(_) => problems.push(format!("{at}: the catalog documents no default")),
                None => problems.push(format!("{at}: not a property")),
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert_eq!(FRAMEWORK.source.includes.len(), 3);
    assert!(
        FRAMEWORK
            .rows
            .iter()
            .all(|r| r.verified || r.note.is_some())
    );
    // appGroupType is MAM104's: no level requires it (spec 9).
    assert!(FRAMEWORK.rows.iter().all(|r| r.setting != "appGroupType"));
}

#[test]
fn orders_compare_as_spec_9_says() {
    let remediation = Order::Enum(vec![
        "warn".into(),
        "blockWhenSettingIsSupported".into(),
        "block".into(),
        "wipe".into(),
    ]);
    assert_eq!(
        remediation.meets(&json!("wipe"), &json!("block")),
        Some(true)
    );
    assert_eq!(
        remediation.meets(&json!("warn"), &json!("block")),
        Some(false)
    );
    assert_eq!(
        remediation.meets(&Value::Null, &json!("block")),
        Some(false)
    );
    assert_eq!(remediation.meets(&json!(3), &json!("block")), None);
    assert_eq!(remediation.meets(&Value::Null, &json!("warn")), Some(false));
    assert_eq!(
        remediation.meets(&json!("warn"), &json!("warn")),
        Some(true)
    );
    assert_eq!(
        Order::TrueStricter.meets(&json!(false), &json!(true)),
        Some(false)
    );
    assert_eq!(
        Order::TrueStricter.meets(&Value::Null, &json!(false)),
        Some(true)
    );
    assert_eq!(
        Order::FalseStricter.meets(&json!(true), &json!(false)),
        Some(false)
    );
    assert_eq!(
        Order::ShorterStricter.meets(&json!("PT12H"), &json!("P7D")),
        Some(true)
    );
    assert_eq!(
        Order::ShorterStricter.meets(&json!("P90D"), &json!("P30D")),
        Some(false)
    );
    assert_eq!(
        Order::PinReset.meets(&json!("PT0S"), &json!("P365D")),
        Some(false)
    );
    assert_eq!(
        Order::PinReset.meets(&json!("P90D"), &json!("P365D")),
        Some(true)
    );
    assert_eq!(
        Order::PinReset.meets(&Value::Null, &json!("PT0S")),
        Some(true)
    );
    assert_eq!(
        Order::LargerStricter.meets(&json!(4), &json!(6)),
        Some(false)
    );
    assert_eq!(
        Order::SmallerStricter.meets(&json!(10), &json!(5)),
        Some(false)
    );
    let allowed = json!(["oneDriveForBusiness", "sharePoint", "photoLibrary"]);
    assert_eq!(
        Order::Subset.meets(&json!(["sharePoint"]), &allowed),
        Some(true)
    );
    assert_eq!(
        Order::Subset.meets(&json!(["box", "sharePoint"]), &allowed),
        Some(false)
    );
    let protocols = json!("skype;app-settings");
    let exempt = |v: &str| json!([{"name": "Default", "value": v}]);
    assert_eq!(
        Order::ProtocolsSubset.meets(&exempt("skype;"), &protocols),
        Some(true)
    );
    assert_eq!(
        Order::ProtocolsSubset.meets(&exempt("tel;skype"), &protocols),
        Some(false)
    );
    assert_eq!(
        Order::Present.meets(&json!("16.0"), &json!("x")),
        Some(true)
    );
    assert_eq!(
        Order::Present.meets(&json!("0000-00-00"), &json!("x")),
        Some(false)
    );
    assert_eq!(
        compare(&remediation, &json!("wipe"), &json!("block")),
        Some(Ordering::Greater)
    );
    assert_eq!(
        remediation.describe_required(&json!("block")),
        "\"block\" or stricter"
    );
    assert_eq!(remediation.describe_required(&json!("wipe")), "\"wipe\"");
}

#[test]
fn bad_framework_data_is_refused() {
    let base = |rows: &str| {
        format!(
            r#"{{"source": {{"title": "t", "url": "u", "msDate": "d", "includes": []}}, "leftOut": [], "orders": {{}}, "defaults": {{}}, "rows": [{rows}]}}"#
        )
    };
    let err = Framework::parse(&base(r#"{"setting": "x", "platforms": ["ios"], "order": "loud", "levels": {"1": true}, "learn": "x", "verified": true}"#)).unwrap_err();
    assert_eq!(err, "x: unknown order `loud`");
    let err = Framework::parse(&base(r#"{"setting": "x", "platforms": ["ios"], "order": "present", "levels": {"4": true}, "learn": "x", "verified": true}"#)).unwrap_err();
    assert_eq!(err, "x: unknown level `4`");
}
