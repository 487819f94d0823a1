//! The string formats that schemas check with `pattern`, and how messages name them. The
//! generator writes these patterns into `schemas/`, and the error mapper recognises them, so
//! a malformed GUID reads "expected a GUID", not a regular expression.

pub const GUID: &str =
    "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$";

pub const DOMAIN: &str = "^([a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\\.)+[a-zA-Z]{2,63}$";

/// ISO 8601 durations as Graph accepts them; agrees with `model::duration::parse_seconds`.
/// ASCII digits only (`\d` would accept any script's digits, which Graph does not).
pub const DURATION: &str = "^[-+]?P(?=[0-9]|T[0-9])([0-9]+([.,][0-9]+)?Y)?([0-9]+([.,][0-9]+)?M)?([0-9]+([.,][0-9]+)?W)?([0-9]+([.,][0-9]+)?D)?(T(?=[0-9])([0-9]+([.,][0-9]+)?H)?([0-9]+([.,][0-9]+)?M)?([0-9]+([.,][0-9]+)?S)?)?$";

/// A pattern for a comma-separated list of flag-enum members (`unmanaged,mdm`).
pub fn flags(values: &[&str]) -> String {
    let alternatives = values.join("|");
    format!("^({alternatives})(\\s*,\\s*({alternatives}))*$")
}

/// The members of a pattern [`flags`] wrote.
pub fn flag_members(pattern: &str) -> Option<Vec<String>> {
    let alternatives = pattern.strip_prefix("^(")?.split(')').next()?;
    let members: Vec<&str> = alternatives.split('|').collect();
    (flags(&members) == pattern).then(|| members.into_iter().map(str::to_owned).collect())
}

/// How a message names what a pattern expects.
pub fn describe(pattern: &str) -> String {
    match pattern {
        GUID => "a GUID such as `0b6e2c1a-5f0d-4c5e-9a7b-3d2f1e0c9b8a`".to_owned(),
        DOMAIN => "a domain name such as `acme.com`".to_owned(),
        DURATION => "an ISO 8601 duration such as `PT30M`, `PT12H` or `P90D`".to_owned(),
        other => match other.strip_prefix("^(").and_then(|p| p.split(')').next()) {
            Some(alternatives) if other.contains("\\s*,\\s*") => {
                format!(
                    "a comma-separated list of {}",
                    alternatives.replace('|', ", ")
                )
            }
            _ => format!("text matching `{other}`"),
        },
    }
}
