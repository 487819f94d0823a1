//! The Atlassian Admin API: the domains an organization has claimed
//! (`GET /admin/v1/orgs/{orgId}/domains`, cursor pagination), compared in the plan with the
//! Organization document.

use serde_json::Value;
use url::Url;

use super::{Client, Secret, ServiceError, service_url};

/// A domain as Atlassian Administration reports it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClaimedDomain {
    pub name: String,
    /// `verified`, `unverified`, `superseded`, ...
    pub status: String,
}

/// The Admin API base URL: `MAMLINT_ATLASSIAN_URL` or `https://api.atlassian.com`.
pub fn base_url() -> Result<Url, ServiceError> {
    let base = std::env::var("MAMLINT_ATLASSIAN_URL")
        .unwrap_or_else(|_| "https://api.atlassian.com".to_owned());
    service_url(&base)
}

/// The first page of an organization's domains; the org id is one encoded path segment.
fn domains_url(base: &Url, org_id: &str) -> Result<Url, ServiceError> {
    let mut url = base.clone();
    url.path_segments_mut()
        .map_err(|()| ServiceError::config("the Atlassian Admin API URL cannot take a path"))?
        .pop_if_empty()
        .extend(["admin", "v1", "orgs", org_id, "domains"]);
    Ok(url)
}

/// The page `links.next` points at: a URL (which the client follows only on its own origin)
/// or an opaque cursor for the first page's URL.
fn next_page(first: &Url, next: &str) -> String {
    let lower = next.get(..8).unwrap_or(next).to_ascii_lowercase();
    if lower.starts_with("http://") || lower.starts_with("https://") {
        return next.to_owned();
    }
    let mut url = first.clone();
    url.query_pairs_mut().append_pair("cursor", next);
    url.into()
}

/// Every domain of an organization, following `links.next` (a URL or a cursor).
pub fn domains(
    api_key: &Secret,
    org_id: &str,
    verbose: bool,
) -> Result<Vec<ClaimedDomain>, ServiceError> {
    let base = base_url()?;
    let client = Client::new(base.as_str(), api_key.clone(), verbose);
    let first = domains_url(&base, org_id)?;
    let mut next = Some(first.to_string());
    let mut found = Vec::new();
    let mut pages = 0;
    while let Some(url) = next.take() {
        pages += 1;
        if pages > 1000 {
            return Err(ServiceError::config("more than 1000 pages of domains"));
        }
        let page = client.get(&url)?;
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
            .map(|n| next_page(&first, n));
        if let Some(link) = &next {
            client.resolve(link).map_err(|e| {
                ServiceError::config(format!(
                    "links.next of the Atlassian domains: {}",
                    e.message
                ))
            })?;
        }
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_are_encoded_and_org_ids_stay_one_segment() {
        let base = Url::parse("https://api.atlassian.com").unwrap();
        let first = domains_url(&base, "3f2b/../x?y").unwrap();
        assert_eq!(
            first.as_str(),
            "https://api.atlassian.com/admin/v1/orgs/3f2b%2F..%2Fx%3Fy/domains"
        );
        assert_eq!(
            next_page(&first, "ab+c/d=="),
            "https://api.atlassian.com/admin/v1/orgs/3f2b%2F..%2Fx%3Fy/domains?cursor=ab%2Bc%2Fd%3D%3D"
        );
        assert_eq!(
            next_page(&first, "HTTPS://evil.example/page"),
            "HTTPS://evil.example/page",
            "a URL is followed (or refused) by the client, never sent as a cursor"
        );
    }
}
