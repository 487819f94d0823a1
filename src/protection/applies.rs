//! Which framework level a policy is held to (spec 9): the command line, then the manifest's
//! `spec.protectionLevel`, then the last matching `[[protection.overrides]]`, then
//! `[protection] level`. The most specific wins; with none, no level applies.

use crate::config::{Config, Protection};
use crate::model::{At, Entity, Origin};

/// Where the level in force was set.
#[derive(Clone, Debug)]
pub enum LevelFrom<'a> {
    CommandLine,
    /// `spec.protectionLevel`, at its node.
    Manifest(At<'a>),
    Override,
    Config,
}

impl LevelFrom<'_> {
    /// How messages name the source.
    pub fn describe(&self) -> &'static str {
        match self {
            LevelFrom::CommandLine => "--protection-level",
            LevelFrom::Manifest(_) => "spec.protectionLevel",
            LevelFrom::Override => "[[protection.overrides]] in mamlint.toml",
            LevelFrom::Config => "[protection] level in mamlint.toml",
        }
    }
}

#[derive(Clone, Debug)]
pub struct Applied<'a> {
    pub level: u8,
    pub from: LevelFrom<'a>,
}

/// `spec.protectionLevel` of a manifest, when it is a level (MAM007 reports other values).
pub fn manifest_level<'a>(entity: &Entity<'a>) -> Option<(u8, At<'a>)> {
    if entity.origin != Origin::Manifest {
        return None;
    }
    let at = entity.spec_get("protectionLevel")?;
    let level = at
        .node
        .to_json()
        .as_u64()
        .and_then(|n| u8::try_from(n).ok())?;
    super::LEVELS.contains(&level).then_some((level, at))
}

/// The level that applies to a policy, and where it was set.
pub fn applicable<'a>(entity: &Entity<'a>, config: Option<&Config>) -> Option<Applied<'a>> {
    applicable_under(entity, config.map(|c| &c.protection))
}

/// [`applicable`] from the protection settings alone (what `plan` carries to its workers).
pub fn applicable_under<'a>(
    entity: &Entity<'a>,
    protection: Option<&Protection>,
) -> Option<Applied<'a>> {
    if let Some(level) = protection.and_then(|p| p.command_line) {
        return Some(Applied {
            level,
            from: LevelFrom::CommandLine,
        });
    }
    if let Some((level, at)) = manifest_level(entity) {
        return Some(Applied {
            level,
            from: LevelFrom::Manifest(at),
        });
    }
    let protection = protection?;
    if let Some(level) = protection.override_for(entity.path) {
        return Some(Applied {
            level,
            from: LevelFrom::Override,
        });
    }
    protection.level.map(|level| Applied {
        level,
        from: LevelFrom::Config,
    })
}
