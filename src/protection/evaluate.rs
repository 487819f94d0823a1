//! Whether a policy meets each level: every row of the level against the policy's effective
//! value, by the row's order. A level is met when none of its rows falls short; the level a
//! policy meets is the highest one with every level up to it met.

use serde_json::Value;

use super::effective::{self, Effective, Source};
use super::{FRAMEWORK, LEVELS, Row};
use crate::model::{Entity, Kind, Platform};

/// How one row of a level judges a policy.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    Meets,
    Short,
    /// The value is unknown or invalid: neither met nor short.
    Unjudged,
}

/// One row of one level against one policy.
#[derive(Clone, Debug)]
pub struct Check<'a> {
    pub level: u8,
    pub row: &'static Row,
    pub required: &'static Value,
    pub effective: Effective<'a>,
    pub verdict: Verdict,
}

/// Every row of `level` against a policy of `platform`.
pub fn check_level<'a>(entity: &Entity<'a>, platform: Platform, level: u8) -> Vec<Check<'a>> {
    FRAMEWORK
        .rows(platform)
        .filter_map(|row| {
            let required = row.required(level)?;
            let effective = effective::value(entity, platform, &row.setting);
            let verdict = judge(entity, platform, row, required, &effective);
            Some(Check {
                level,
                row,
                required,
                effective,
                verdict,
            })
        })
        .collect()
}

fn judge(
    entity: &Entity<'_>,
    platform: Platform,
    row: &Row,
    required: &Value,
    effective: &Effective<'_>,
) -> Verdict {
    if !effective.source.is_judged() {
        return Verdict::Unjudged;
    }
    match row.order.meets(&effective.value, required) {
        Some(true) => Verdict::Meets,
        // A stricter setting of the same kind covers the row (device lock complexity).
        Some(false)
            if row.also_met_by.iter().any(|other| {
                let other = effective::value(entity, platform, other);
                other.source == Source::Set && row.order.meets(&other.value, required) == Some(true)
            }) =>
        {
            Verdict::Meets
        }
        Some(false) => Verdict::Short,
        None => Verdict::Unjudged,
    }
}

/// A policy against the whole framework.
#[derive(Clone, Debug)]
pub struct Conformance<'a> {
    pub platform: Platform,
    /// The highest level met, 0 to 3.
    pub level: u8,
    /// The rows that fall short at each level above `level`.
    pub shortfalls: Vec<Check<'a>>,
    /// Rows not judged (unknown or invalid values), at each level above `level`.
    pub unjudged: Vec<Check<'a>>,
}

/// The conformance of an app protection policy with a known platform.
pub fn conformance<'a>(entity: &Entity<'a>) -> Option<Conformance<'a>> {
    if entity.kind != Kind::AppProtectionPolicy {
        return None;
    }
    let platform = entity.platform()?;
    let checks: Vec<Vec<Check<'a>>> = LEVELS
        .iter()
        .map(|&level| check_level(entity, platform, level))
        .collect();
    let level = LEVELS
        .iter()
        .zip(&checks)
        .take_while(|(_, checks)| checks.iter().all(|c| c.verdict != Verdict::Short))
        .map(|(&level, _)| level)
        .last()
        .unwrap_or(0);
    let above = checks.into_iter().flatten().filter(|c| c.level > level);
    let (shortfalls, rest): (Vec<_>, Vec<_>) = above.partition(|c| c.verdict == Verdict::Short);
    Some(Conformance {
        platform,
        level,
        shortfalls,
        unjudged: rest
            .into_iter()
            .filter(|c| c.verdict == Verdict::Unjudged)
            .collect(),
    })
}
