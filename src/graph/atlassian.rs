//! The Atlassian Admin API: the domains an organization has claimed
//! (`GET /admin/v1/orgs/{orgId}/domains`, cursor pagination), compared in the plan with the
//! Organization document.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde_json::Value;

use super::{Client, Secret, ServiceError, check_scheme};

/// A domain as Atlassian Administration reports it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClaimedDomain {
    pub name: String,
    /// `verified`, `unverified`, `superseded`, ...
    pub status: String,
}

/// The Admin API base URL: `MAMLINT_ATLASSIAN_URL` or `https://api.atlassian.com`.
pub fn base_url() -> Result<String, ServiceError> {
    let base = std::env::var("MAMLINT_ATLASSIAN_URL")
        .unwrap_or_else(|_| "https://api.atlassian.com".to_owned());
    check_scheme(&base)?;
    Ok(base.trim_end_matches('/').to_owned())
}

/// Every domain of an organization, following `links.next` (a URL or a cursor).
pub fn domains(
    api_key: &Secret,
    org_id: &str,
    verbose: bool,
) -> Result<Vec<ClaimedDomain>, ServiceError> {
    let base = base_url()?;
    let client = Client::new(&base, api_key.clone(), verbose);
    let first = format!("/admin/v1/orgs/{org_id}/domains");
    let mut next = Some(first.clone());
    let mut found = Vec::new();
    let mut pages = 0;
    while let Some(path) = next.take() {
        pages += 1;
        if pages > 1000 {
            return Err(ServiceError::config("more than 1000 pages of domains"));
        }
        let page = client.get(&path)?;
        for item in page
            .get("data")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let attributes = item.get("attributes");
            let name = attributes
                .and_then(|a| a.get("name"))
                .and_then(Value::as_str);
            let status = attributes
                .and_then(|a| a.pointer("/claim/status"))
                .and_then(Value::as_str)
                .unwrap_or("unknown");
            if let Some(name) = name {
                found.push(ClaimedDomain {
                    name: name.to_ascii_lowercase(),
                    status: status.to_ascii_lowercase(),
                });
            }
        }
        next = page
            .pointer("/links/next")
            .and_then(Value::as_str)
            .filter(|n| !n.is_empty())
            .map(|n| {
                if n.starts_with("http") {
                    n.to_owned()
                } else {
                    format!("{first}?cursor={}", encode_component(n))
                }
            });
    }
    Ok(found)
}

/// A query parameter value keeps only RFC 3986 unreserved characters (§2.3): cursors are
/// opaque and may hold `+`, `/`, `=` or `&`, which a server would otherwise read as syntax.
const QUERY_VALUE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Percent-encodes a query parameter value.
fn encode_component(value: &str) -> String {
    utf8_percent_encode(value, QUERY_VALUE).to_string()
}

#[cfg(test)]
mod tests {
    #[test]
    fn cursors_are_encoded() {
        assert_eq!(super::encode_component("ab+c/d=="), "ab%2Bc%2Fd%3D%3D");
        assert_eq!(
            super::encode_component("a b&c#d?e%f"),
            "a%20b%26c%23d%3Fe%25f"
        );
        assert_eq!(super::encode_component("é-._~"), "%C3%A9-._~");
    }
}
