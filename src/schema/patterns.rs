//! The string formats that schemas check with `pattern`, and how messages name them. The
//! generator writes these patterns into `schemas/`, and the error mapper recognises them, so
//! a malformed GUID reads "expected a GUID", not a regular expression.

pub const GUID: &str =
    "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$";

pub const DOMAIN: &str = "^([a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\\.)+[a-zA-Z]{2,63}$";

/// ISO 8601 durations as Graph accepts them; agrees with `model::duration::parse_seconds`.
pub const DURATION: &str = "^[-+]?P(?=\\d|T\\d)(\\d+([.,]\\d+)?Y)?(\\d+([.,]\\d+)?M)?(\\d+([.,]\\d+)?W)?(\\d+([.,]\\d+)?D)?(T(?=\\d)(\\d+([.,]\\d+)?H)?(\\d+([.,]\\d+)?M)?(\\d+([.,]\\d+)?S)?)?$";

/// A pattern for a comma-separated list of flag-enum members (`unmanaged,mdm`).
pub fn flags(values: &[String]) -> String {
    let alternatives = values.join("|");
    format!("^({alternatives})(\\s*,\\s*({alternatives}))*$")
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
