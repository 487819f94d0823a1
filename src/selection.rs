//! Which rules report: `--select` and `--ignore` (and `[rules]` of `mamlint.toml`) by code,
//! code prefix (`MAM3`), name or `ALL`.
//!
//! Beside the data flow: `config` checks the patterns it reads, `lint` and `suppress` apply
//! them to findings. Knows rules only by their [`RuleMeta`], so it sits below all three.

use crate::diagnostic::RuleMeta;

#[derive(Clone, Debug, Default)]
pub struct Selection {
    pub select: Vec<String>,
    pub ignore: Vec<String>,
}

impl Selection {
    /// Whether a pattern (code, prefix, name or `ALL`) names this rule.
    pub fn matches(pattern: &str, meta: &RuleMeta) -> bool {
        let pattern = pattern.trim();
        meta.name.eq_ignore_ascii_case(pattern)
            || (!pattern.is_empty()
                && meta
                    .code
                    .to_ascii_uppercase()
                    .starts_with(&pattern.to_ascii_uppercase()))
            || pattern.eq_ignore_ascii_case("ALL")
    }

    /// Whether a pattern names any of these rules.
    pub fn is_known_pattern(pattern: &str, rules: &[&RuleMeta]) -> bool {
        rules.iter().any(|meta| Self::matches(pattern, meta))
    }

    pub fn enabled(&self, meta: &RuleMeta) -> bool {
        let selected = self.select.is_empty() || self.select.iter().any(|p| Self::matches(p, meta));
        selected && !self.ignore.iter().any(|p| Self::matches(p, meta))
    }

    /// Patterns that match none of these rules, for a usage error.
    pub fn unknown_patterns(&self, rules: &[&RuleMeta]) -> Vec<&str> {
        self.select
            .iter()
            .chain(&self.ignore)
            .map(String::as_str)
            .filter(|p| !Self::is_known_pattern(p, rules))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Severity;

    const RULE: RuleMeta = RuleMeta {
        code: "MAM302",
        name: "claimed-domain-without-tenant",
        severity: Severity::Warning,
        summary: "",
        docs: "",
    };

    #[test]
    fn patterns_name_rules_by_code_prefix_name_or_all() {
        for pattern in [
            "MAM302",
            "mam3",
            "MAM",
            "claimed-domain-without-tenant",
            "all",
            " MAM30 ",
        ] {
            assert!(Selection::matches(pattern, &RULE), "{pattern}");
        }
        for pattern in ["MAM4", "", "claimed", "MAM3021"] {
            assert!(!Selection::matches(pattern, &RULE), "{pattern:?}");
        }
        let selection = Selection {
            select: vec!["MAM3".into()],
            ignore: vec!["MAM302".into()],
        };
        assert!(!selection.enabled(&RULE));
        assert_eq!(
            Selection {
                select: vec!["MAM9".into(), "MAM3".into()],
                ignore: vec![],
            }
            .unknown_patterns(&[&RULE]),
            ["MAM9"]
        );
    }
}
