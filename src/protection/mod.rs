//! `protection`: Microsoft's data protection framework for app protection policies (Level 1
//! enterprise basic, 2 enhanced, 3 high) and how a policy measures up to it (spec 9).
//!
//! It sits between `model` and `rules` in the data flow: it reads entities of the model and
//! the framework data of `rules/protection-levels.json` (embedded at build time, never code),
//! and MAM501 and `mamlint conformance` are its clients. [`effective`] says what value a
//! policy has for a setting (set, its default, not set, or unknown), [`applies`] which level
//! a policy is held to, [`evaluate`] whether it meets each level, and [`render`] prints the
//! conformance report. The effective values are the building block for comparing policies
//! that reach one user, so they name where each value comes from.

pub mod applies;
pub mod effective;
pub mod evaluate;
pub mod merge;
pub mod render;
pub mod view;

use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::sync::LazyLock;

use serde::Deserialize;
use serde_json::Value;

use crate::model::Platform;
use crate::model::duration::parse_seconds;

/// The framework's levels, loosest first.
pub const LEVELS: [u8; 3] = [1, 2, 3];

/// How a setting's values tighten.
#[derive(Clone, Debug, PartialEq)]
pub enum Order {
    /// A boolean where `true` is stricter (`printBlocked`).
    TrueStricter,
    /// A boolean where `false` is stricter (`disableAppPinIfDevicePinIsSet`).
    FalseStricter,
    /// Enum values from loosest to strictest.
    Enum(Vec<String>),
    /// An ISO 8601 duration where shorter is stricter (offline periods, PIN timeouts).
    ShorterStricter,
    /// `periodBeforePinReset`: shorter is stricter, but zero means the PIN never expires.
    PinReset,
    /// A number where larger is stricter (PIN length).
    LargerStricter,
    /// A number where smaller is stricter (PIN retries).
    SmallerStricter,
    /// A list of allowed locations: a subset of the level's list is stricter.
    Subset,
    /// `exemptedAppProtocols`: `keyValuePair`s whose values are `;`-separated protocols; the
    /// fewer exempted, the stricter.
    ProtocolsSubset,
    /// A row the admin fills in ("set by the admin"): met when the setting has a value.
    Present,
}

impl Order {
    fn from_name(name: &str, named: &BTreeMap<String, Vec<String>>) -> Option<Order> {
        Some(match name {
            "true-stricter" => Order::TrueStricter,
            "false-stricter" => Order::FalseStricter,
            "shorter-stricter" => Order::ShorterStricter,
            "pin-reset" => Order::PinReset,
            "larger-stricter" => Order::LargerStricter,
            "smaller-stricter" => Order::SmallerStricter,
            "subset" => Order::Subset,
            "protocols-subset" => Order::ProtocolsSubset,
            "present" => Order::Present,
            other => Order::Enum(named.get(other)?.clone()),
        })
    }

    /// Whether `value` is at least as strict as `required`; `None` when the value cannot be
    /// compared (a type the setting does not have, which MAM007 reports).
    pub fn meets(&self, value: &Value, required: &Value) -> Option<bool> {
        if *self == Order::Present {
            // The 2021 templates write an unset patch level as `0000-00-00`.
            return Some(!value.is_null() && !matches!(value.as_str(), Some("" | "0000-00-00")));
        }
        // An enum nobody set (no default applies) is "not configured": looser than even the
        // loosest value, so a conditional launch row of Warn is not met by its absence.
        if value.is_null() && matches!(self, Order::Enum(_)) {
            return Some(false);
        }
        if self.is_loosest(required) {
            return Some(true);
        }
        if value.is_null() {
            // No list of allowed locations or exempted protocols allows nothing beyond the
            // policy's other settings: that is at least as strict as any list.
            return Some(matches!(self, Order::Subset | Order::ProtocolsSubset));
        }
        Some(match self {
            Order::TrueStricter => value.as_bool()? || !required.as_bool()?,
            Order::FalseStricter => !value.as_bool()? || required.as_bool()?,
            Order::Enum(values) => {
                let rank = |v: &Value| values.iter().position(|x| Some(x.as_str()) == v.as_str());
                rank(value)? >= rank(required)?
            }
            Order::ShorterStricter => seconds(value)? <= seconds(required)?,
            Order::PinReset => {
                let (value, required) = (seconds(value)?, seconds(required)?);
                value > 0.0 && value <= required
            }
            Order::LargerStricter => value.as_i64()? >= required.as_i64()?,
            Order::SmallerStricter => value.as_i64()? <= required.as_i64()?,
            Order::Subset => {
                let allowed = strings(required)?;
                strings(value)?.iter().all(|v| allowed.contains(v))
            }
            Order::ProtocolsSubset => {
                let allowed = protocols_of(required)?;
                protocols(value)?.iter().all(|p| allowed.contains(p))
            }
            Order::Present => true,
        })
    }

    /// Whether a required value is the loosest the setting has, so that every value (and no
    /// value) meets it: Level 1's `printBlocked: false`, `allApps`, no PIN reset.
    pub fn is_loosest(&self, required: &Value) -> bool {
        match self {
            Order::TrueStricter => required == &Value::Bool(false),
            Order::FalseStricter => required == &Value::Bool(true),
            Order::Enum(values) => values.first().map(String::as_str) == required.as_str(),
            Order::PinReset => seconds(required) == Some(0.0),
            Order::LargerStricter => required.as_i64() == Some(0),
            _ => false,
        }
    }

    /// The required value as messages say it: `true`, `"managedApps"` or stricter, ...
    pub fn describe_required(&self, required: &Value) -> String {
        let exact = required.to_string();
        match self {
            Order::TrueStricter | Order::FalseStricter => exact,
            Order::Present => "a value (set by the admin)".to_owned(),
            Order::Enum(values)
                if values.last() == required.as_str().map(str::to_owned).as_ref() =>
            {
                exact
            }
            Order::Enum(_) => format!("{exact} or stricter"),
            Order::ShorterStricter | Order::SmallerStricter => format!("{exact} or less"),
            Order::PinReset => format!("{exact} or less (and not PT0S, never)"),
            Order::LargerStricter => format!("{exact} or more"),
            Order::Subset => format!("only locations of {exact}"),
            Order::ProtocolsSubset => format!("no protocol beyond {exact}"),
        }
    }

    /// Whether a fix can write the required value in place of a shorter one.
    pub fn has_single_value(&self) -> bool {
        !matches!(
            self,
            Order::Present | Order::Subset | Order::ProtocolsSubset
        )
    }
}

fn seconds(value: &Value) -> Option<f64> {
    value.as_str().and_then(parse_seconds)
}

fn strings(value: &Value) -> Option<Vec<&str>> {
    value.as_array()?.iter().map(Value::as_str).collect()
}

/// The protocols a required value lists: `skype;app-settings;...`.
fn protocols_of(required: &Value) -> Option<Vec<&str>> {
    Some(
        required
            .as_str()?
            .split(';')
            .filter(|p| !p.is_empty())
            .collect(),
    )
}

/// The protocols a Graph `keyValuePair` list exempts (each value a `;` list).
fn protocols(value: &Value) -> Option<Vec<&str>> {
    let mut out = Vec::new();
    for pair in value.as_array()? {
        out.extend(
            pair.get("value")?
                .as_str()?
                .split(';')
                .map(str::trim)
                .filter(|p| !p.is_empty()),
        );
    }
    Some(out)
}

/// One row of the framework: a setting on some platforms, the value each level requires.
#[derive(Debug)]
pub struct Row {
    pub setting: String,
    pub platforms: Vec<Platform>,
    pub order: Order,
    /// Level to required value; a level not listed does not require the setting.
    pub levels: BTreeMap<u8, Value>,
    /// The setting and value as the Learn page words them.
    pub learn: String,
    /// Read in the Learn include of the level (not only taken from a secondary copy).
    pub verified: bool,
    pub note: Option<String>,
    /// Stricter settings that, when they meet the required value, meet this row too (a
    /// device lock of Medium complexity covers the Low row).
    pub also_met_by: Vec<String>,
}

impl Row {
    pub fn required(&self, level: u8) -> Option<&Value> {
        self.levels.get(&level)
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Include {
    pub level: u8,
    pub file: String,
    pub ms_date: String,
    pub commit: String,
}

/// Where the framework's values come from.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Source {
    pub title: String,
    pub url: String,
    pub ms_date: String,
    pub includes: Vec<Include>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawRow {
    setting: String,
    platforms: Vec<String>,
    order: String,
    levels: BTreeMap<String, Value>,
    learn: String,
    verified: bool,
    note: Option<String>,
    #[serde(default)]
    also_met_by: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawFramework {
    source: Source,
    left_out: Vec<String>,
    orders: BTreeMap<String, Vec<String>>,
    defaults: BTreeMap<String, Value>,
    rows: Vec<RawRow>,
}

/// The framework, loaded once.
#[derive(Debug)]
pub struct Framework {
    pub source: Source,
    /// What the data leaves out, and why.
    pub left_out: Vec<String>,
    pub rows: Vec<Row>,
    defaults: BTreeMap<(Platform, String), Value>,
}

pub static FRAMEWORK: LazyLock<Framework> = LazyLock::new(|| {
    Framework::parse(include_str!("../../rules/protection-levels.json")).unwrap_or_else(|e| {
        panic!("rules/protection-levels.json is embedded at build time and must parse: {e}")
    })
});

impl Framework {
    fn parse(text: &str) -> Result<Framework, String> {
        let raw: RawFramework = serde_json::from_str(text).map_err(|e| e.to_string())?;
        let mut rows = Vec::new();
        for row in raw.rows {
            let order = Order::from_name(&row.order, &raw.orders)
                .ok_or_else(|| format!("{}: unknown order `{}`", row.setting, row.order))?;
            let platforms = row
                .platforms
                .iter()
                .map(|p| Platform::from_key(p).ok_or_else(|| format!("unknown platform {p}")))
                .collect::<Result<Vec<_>, _>>()?;
            let levels = row
                .levels
                .into_iter()
                .map(|(level, value)| match level.parse::<u8>() {
                    Ok(n) if LEVELS.contains(&n) => Ok((n, value)),
                    _ => Err(format!("{}: unknown level `{level}`", row.setting)),
                })
                .collect::<Result<BTreeMap<_, _>, _>>()?;
            rows.push(Row {
                setting: row.setting,
                platforms,
                order,
                levels,
                learn: row.learn,
                verified: row.verified,
                note: row.note,
                also_met_by: row.also_met_by,
            });
        }
        let mut defaults = BTreeMap::new();
        for platform in Platform::ALL {
            if let Some(Value::Object(values)) = raw.defaults.get(platform.key()) {
                for (name, value) in values {
                    defaults.insert((platform, name.clone()), value.clone());
                }
            }
        }
        Ok(Framework {
            source: raw.source,
            left_out: raw.left_out,
            rows,
            defaults,
        })
    }

    /// The rows of one platform.
    pub fn rows(&self, platform: Platform) -> impl Iterator<Item = &Row> {
        self.rows
            .iter()
            .filter(move |r| r.platforms.contains(&platform))
    }

    /// The row of a setting on a platform.
    pub fn row(&self, platform: Platform, setting: &str) -> Option<&Row> {
        self.rows(platform).find(|r| r.setting == setting)
    }

    /// The value a policy has when it does not set `setting`, if one is documented.
    pub fn default(&self, platform: Platform, setting: &str) -> Option<&Value> {
        self.defaults.get(&(platform, setting.to_owned()))
    }

    /// Every documented default of a platform, by setting.
    pub fn defaults(&self, platform: Platform) -> impl Iterator<Item = (&str, &Value)> {
        self.defaults
            .iter()
            .filter(move |((p, _), _)| *p == platform)
            .map(|((_, name), value)| (name.as_str(), value))
    }

    /// The Learn include a level's values were read from.
    pub fn include(&self, level: u8) -> Option<&Include> {
        self.source.includes.iter().find(|i| i.level == level)
    }
}

/// Compares two values of one row for `mamlint effective` and conflict checks: `Greater`
/// when `a` is stricter. `None` when the order cannot tell.
pub fn compare(order: &Order, a: &Value, b: &Value) -> Option<Ordering> {
    match (order.meets(a, b)?, order.meets(b, a)?) {
        (true, true) => Some(Ordering::Equal),
        (true, false) => Some(Ordering::Greater),
        (false, true) => Some(Ordering::Less),
        (false, false) => None,
    }
}

#[cfg(test)]
mod tests;
