//! Microsoft Graph (and the Atlassian Admin API): the HTTP side of `export`, `plan` and
//! `apply`.
//!
//! Beside the data flow: it turns validated documents into requests and live state into
//! values the planner compares. Requests go through [`Client::send`], which honours
//! `Retry-After` on 429 and 503, backs off exponentially with jitter when it is absent,
//! retries a bounded number of times, retries dropped connections only for idempotent
//! methods, follows `@odata.nextLink`, and turns Graph error bodies into [`ServiceError`] with
//! Graph's code and request id. Tokens live in [`Secret`], whose `Debug` and `Display` never
//! show them; no log line, error or output contains a token or a client secret.

pub mod atlassian;

use std::fmt;
use std::time::Duration;

use serde_json::Value;

pub use crate::model::Cloud;

/// A credential; never printed.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Secret {
        Secret(value.into())
    }

    /// The value, for an `Authorization` header or a token request body only.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// The hosts of each national cloud (the enum is the tenant's `cloud`, in `model`).
impl Cloud {
    /// The Microsoft Entra sign-in host.
    pub fn login_host(self) -> &'static str {
        match self {
            Cloud::Global => "https://login.microsoftonline.com",
            Cloud::UsGov | Cloud::UsGovDod => "https://login.microsoftonline.us",
            Cloud::China => "https://login.chinacloudapi.cn",
        }
    }

    /// The Microsoft Graph host.
    pub fn graph_host(self) -> &'static str {
        match self {
            Cloud::Global => "https://graph.microsoft.com",
            Cloud::UsGov => "https://graph.microsoft.us",
            Cloud::UsGovDod => "https://dod-graph.microsoft.us",
            Cloud::China => "https://microsoftgraph.chinacloudapi.cn",
        }
    }
}

/// Base URLs of the services, after the `MAMLINT_*_URL` overrides.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Endpoints {
    pub login: String,
    pub graph: String,
}

impl Endpoints {
    /// The hosts of a cloud, unless `MAMLINT_LOGIN_URL` / `MAMLINT_GRAPH_URL` override them.
    pub fn for_cloud(cloud: Cloud) -> Result<Endpoints, ServiceError> {
        let login =
            std::env::var("MAMLINT_LOGIN_URL").unwrap_or_else(|_| cloud.login_host().to_owned());
        let graph =
            std::env::var("MAMLINT_GRAPH_URL").unwrap_or_else(|_| cloud.graph_host().to_owned());
        for url in [&login, &graph] {
            check_scheme(url)?;
        }
        Ok(Endpoints {
            login: login.trim_end_matches('/').to_owned(),
            graph: graph.trim_end_matches('/').to_owned(),
        })
    }
}

/// Plain `http` is accepted only for loopback addresses (tests and local proxies).
pub fn check_scheme(url: &str) -> Result<(), ServiceError> {
    if url.starts_with("https://") {
        return Ok(());
    }
    let host = url
        .strip_prefix("http://")
        .map(|rest| rest.split(['/', ':']).next().unwrap_or_default());
    match host {
        Some("127.0.0.1" | "localhost" | "[") => Ok(()),
        Some(h) if h.starts_with("127.") => Ok(()),
        _ if url.starts_with("http://[::1]") => Ok(()),
        _ => Err(ServiceError::config(format!(
            "`{url}` must use https (plain http is only for loopback addresses)"
        ))),
    }
}

/// A failed service call, with what Graph said about it.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct ServiceError {
    pub status: Option<u16>,
    pub code: Option<String>,
    pub message: String,
    pub request_id: Option<String>,
}

impl ServiceError {
    pub fn config(message: impl Into<String>) -> ServiceError {
        ServiceError {
            status: None,
            code: None,
            message: message.into(),
            request_id: None,
        }
    }

    fn from_response(
        method: &str,
        url: &str,
        status: u16,
        body: &str,
        request_id: Option<String>,
    ) -> ServiceError {
        let parsed: Option<Value> = serde_json::from_str(body).ok();
        let error = parsed.as_ref().and_then(|v| v.get("error"));
        let code = error
            .and_then(|e| e.get("code"))
            .and_then(Value::as_str)
            .map(str::to_owned);
        let detail = error
            .and_then(|e| e.get("message"))
            .and_then(Value::as_str)
            .unwrap_or("");
        let request_id = request_id.or_else(|| {
            error
                .and_then(|e| e.pointer("/innerError/request-id"))
                .and_then(Value::as_str)
                .map(str::to_owned)
        });
        let mut message = format!("{method} {} answered {status}", strip_query(url));
        if let Some(code) = &code {
            message.push_str(&format!(" {code}"));
        }
        if !detail.is_empty() {
            message.push_str(&format!(": {detail}"));
        }
        if let Some(id) = &request_id {
            message.push_str(&format!(" (request id {id})"));
        }
        ServiceError {
            status: Some(status),
            code,
            message,
            request_id,
        }
    }
}

/// URLs in messages lose their query string, which may carry filters but never secrets;
/// removing it keeps messages short.
fn strip_query(url: &str) -> &str {
    url.split('?').next().unwrap_or(url)
}

/// How often and how long to retry.
#[derive(Clone, Copy, Debug)]
pub struct RetryPolicy {
    pub max_retries: u32,
    pub base_delay: Duration,
    pub max_delay: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_retries: 5,
            base_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(60),
        }
    }
}

impl RetryPolicy {
    /// `MAMLINT_RETRY_BASE_MS` shortens backoff for tests (a documented test hook, README
    /// "Environment variables": the integration tests run the binary).
    pub fn from_env() -> RetryPolicy {
        let mut policy = RetryPolicy::default();
        if let Some(ms) = std::env::var("MAMLINT_RETRY_BASE_MS")
            .ok()
            .and_then(|v| v.parse().ok())
        {
            policy.base_delay = Duration::from_millis(ms);
        }
        policy
    }

    /// The wait before retry `attempt` (0-based): `Retry-After` when given, else exponential
    /// backoff with up to 50% jitter.
    pub fn delay(&self, attempt: u32, retry_after: Option<Duration>) -> Duration {
        if let Some(wait) = retry_after {
            return wait.min(self.max_delay);
        }
        let exponential = self
            .base_delay
            .saturating_mul(2u32.saturating_pow(attempt))
            .min(self.max_delay);
        let jitter = exponential.mul_f64(jitter_fraction() * 0.5);
        exponential + jitter
    }
}

/// A pseudo-random fraction in [0, 1) from the clock; jitter needs no cryptographic quality.
fn jitter_fraction() -> f64 {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    f64::from(nanos % 1000) / 1000.0
}

/// An HTTP client for one service base URL and token.
pub struct Client {
    agent: ureq::Agent,
    base: String,
    token: Secret,
    retry: RetryPolicy,
    verbose: bool,
}

/// A response: status and JSON body (`Null` when empty).
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub body: Value,
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(60)))
        .timeout_connect(Some(Duration::from_secs(10)))
        .build()
        .new_agent()
}

impl Client {
    pub fn new(base: &str, token: Secret, verbose: bool) -> Client {
        Client {
            agent: agent(),
            base: base.trim_end_matches('/').to_owned(),
            token,
            retry: RetryPolicy::from_env(),
            verbose,
        }
    }

    pub fn base(&self) -> &str {
        &self.base
    }

    fn url(&self, path: &str) -> String {
        if path.starts_with("http://") || path.starts_with("https://") {
            path.to_owned()
        } else {
            format!("{}{path}", self.base)
        }
    }

    /// Sends a request, retrying throttling and transient faults as described in the module
    /// documentation.
    pub fn send(
        &self,
        method: &str,
        path: &str,
        body: Option<&Value>,
    ) -> Result<Reply, ServiceError> {
        let url = self.url(path);
        let idempotent = method != "POST";
        let mut attempt = 0;
        loop {
            let outcome = self.exchange(method, &url, body);
            let retry_after = match &outcome {
                Ok((status, _, headers))
                    if *status == 429
                        || *status == 503
                        || (idempotent && (*status == 502 || *status == 504)) =>
                {
                    Some(headers.as_ref().and_then(|h| h.retry_after))
                }
                Err(_) if idempotent => Some(None),
                _ => None,
            };
            match (retry_after, outcome) {
                (Some(wait), outcome) if attempt < self.retry.max_retries => {
                    let delay = self.retry.delay(attempt, wait);
                    if self.verbose {
                        let what = match &outcome {
                            Ok((status, ..)) => format!("answered {status}"),
                            Err(e) => format!("failed: {}", e.message),
                        };
                        eprintln!(
                            "{method} {} {what}; retrying in {} ms",
                            strip_query(&url),
                            delay.as_millis()
                        );
                    }
                    std::thread::sleep(delay);
                    attempt += 1;
                }
                (_, Ok((status, text, headers))) => {
                    if self.verbose {
                        eprintln!("{method} {} {status}", strip_query(&url));
                    }
                    if (200..300).contains(&status) {
                        let body = if text.trim().is_empty() {
                            Value::Null
                        } else {
                            serde_json::from_str(&text).unwrap_or(Value::String(text))
                        };
                        return Ok(Reply { status, body });
                    }
                    return Err(ServiceError::from_response(
                        method,
                        &url,
                        status,
                        &text,
                        headers.and_then(|h| h.request_id),
                    ));
                }
                (_, Err(error)) => return Err(error),
            }
        }
    }

    fn exchange(
        &self,
        method: &str,
        url: &str,
        body: Option<&Value>,
    ) -> Result<(u16, String, Option<Headers>), ServiceError> {
        let auth = format!("Bearer {}", self.token.expose());
        let result = match method {
            "GET" => self
                .agent
                .get(url)
                .header("Authorization", &auth)
                .header("Accept", "application/json")
                .call(),
            "DELETE" => self.agent.delete(url).header("Authorization", &auth).call(),
            "POST" | "PATCH" => {
                let builder = if method == "POST" {
                    self.agent.post(url)
                } else {
                    self.agent.patch(url)
                };
                let builder = builder
                    .header("Authorization", &auth)
                    .header("Accept", "application/json");
                match body {
                    Some(body) => builder.send_json(body),
                    None => builder.send_empty(),
                }
            }
            other => return Err(ServiceError::config(format!("unsupported method {other}"))),
        };
        match result {
            Ok(mut response) => {
                let status = response.status().as_u16();
                let header = |name: &str| {
                    response
                        .headers()
                        .get(name)
                        .and_then(|v| v.to_str().ok())
                        .map(str::to_owned)
                };
                let headers = Headers {
                    retry_after: header("Retry-After")
                        .and_then(|v| v.trim().parse::<u64>().ok())
                        .map(Duration::from_secs),
                    request_id: header("request-id").or_else(|| header("client-request-id")),
                };
                let text = response.body_mut().read_to_string().unwrap_or_default();
                Ok((status, text, Some(headers)))
            }
            // ureq's errors name the URL and the transport problem, never headers.
            Err(error) => Err(ServiceError::config(format!(
                "{method} {} failed: {error}",
                strip_query(url)
            ))),
        }
    }

    pub fn get(&self, path: &str) -> Result<Value, ServiceError> {
        self.send("GET", path, None).map(|r| r.body)
    }

    /// Reads a collection, following `@odata.nextLink` on the same host.
    pub fn list(&self, path: &str) -> Result<Vec<Value>, ServiceError> {
        let mut items = Vec::new();
        let mut next = Some(self.url(path));
        let mut pages = 0;
        while let Some(url) = next.take() {
            pages += 1;
            if pages > 1000 {
                return Err(ServiceError::config(format!(
                    "more than 1000 pages from {}",
                    strip_query(path)
                )));
            }
            let page = self.get(&url)?;
            items.extend(
                page.get("value")
                    .and_then(Value::as_array)
                    .cloned()
                    .unwrap_or_default(),
            );
            next = page
                .get("@odata.nextLink")
                .and_then(Value::as_str)
                .map(str::to_owned);
            if let Some(link) = &next
                && !link.starts_with(&self.base)
            {
                return Err(ServiceError::config(format!(
                    "nextLink {} leaves {}",
                    strip_query(link),
                    self.base
                )));
            }
        }
        Ok(items)
    }
}

struct Headers {
    retry_after: Option<Duration>,
    request_id: Option<String>,
}

/// Where a token comes from (mamlint spec §7): `MAMLINT_GRAPH_TOKEN` as is, or client
/// credentials (`MAMLINT_CLIENT_ID` with `MAMLINT_CLIENT_SECRET` or `_SECRET_FILE`).
pub enum Credentials {
    Token(Secret),
    ClientSecret { client_id: String, secret: Secret },
}

impl Credentials {
    pub fn from_env() -> Result<Credentials, ServiceError> {
        if let Ok(token) = std::env::var("MAMLINT_GRAPH_TOKEN") {
            return Ok(Credentials::Token(Secret::new(token.trim())));
        }
        let client_id = std::env::var("MAMLINT_CLIENT_ID").map_err(|_| {
            ServiceError::config("no Graph credentials: set MAMLINT_GRAPH_TOKEN, or MAMLINT_CLIENT_ID with MAMLINT_CLIENT_SECRET or MAMLINT_CLIENT_SECRET_FILE")
        })?;
        let secret = match std::env::var("MAMLINT_CLIENT_SECRET") {
            Ok(secret) => secret,
            Err(_) => {
                let path = std::env::var("MAMLINT_CLIENT_SECRET_FILE")
                    .map_err(|_| ServiceError::config("MAMLINT_CLIENT_ID is set without MAMLINT_CLIENT_SECRET or MAMLINT_CLIENT_SECRET_FILE"))?;
                crate::syntax::read_capped(std::path::Path::new(&path))
                    .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
                    .map_err(|e| {
                        ServiceError::config(format!(
                            "cannot read MAMLINT_CLIENT_SECRET_FILE {path}: {e}"
                        ))
                    })?
            }
        };
        Ok(Credentials::ClientSecret {
            client_id,
            secret: Secret::new(secret.trim()),
        })
    }

    /// A Graph token for a tenant: the given one, or one requested with the client
    /// credentials grant from the tenant's cloud.
    pub fn token(
        &self,
        endpoints: &Endpoints,
        tenant_id: &str,
        verbose: bool,
    ) -> Result<Secret, ServiceError> {
        let (client_id, secret) = match self {
            Credentials::Token(token) => return Ok(token.clone()),
            Credentials::ClientSecret { client_id, secret } => (client_id, secret),
        };
        let url = format!("{}/{tenant_id}/oauth2/v2.0/token", endpoints.login);
        let scope = format!("{}/.default", endpoints.graph);
        if verbose {
            eprintln!("POST {url} (client credentials for {client_id})");
        }
        let form = [
            ("client_id", client_id.as_str()),
            ("scope", scope.as_str()),
            ("client_secret", secret.expose()),
            ("grant_type", "client_credentials"),
        ];
        let response = agent().post(&url).send_form(form);
        let mut response =
            response.map_err(|e| ServiceError::config(format!("POST {url} failed: {e}")))?;
        let status = response.status().as_u16();
        let text = response.body_mut().read_to_string().unwrap_or_default();
        if status != 200 {
            let parsed: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
            let code = parsed
                .get("error")
                .and_then(Value::as_str)
                .map(str::to_owned);
            let detail = parsed
                .get("error_description")
                .and_then(Value::as_str)
                .unwrap_or("")
                .lines()
                .next()
                .unwrap_or("");
            return Err(ServiceError {
                status: Some(status),
                message: format!(
                    "token request to {url} answered {status} {}: {detail}",
                    code.as_deref().unwrap_or("")
                ),
                code,
                request_id: None,
            });
        }
        let parsed: Value = serde_json::from_str(&text)
            .map_err(|_| ServiceError::config(format!("token response from {url} is not JSON")))?;
        parsed
            .get("access_token")
            .and_then(Value::as_str)
            .map(Secret::new)
            .ok_or_else(|| {
                ServiceError::config(format!("token response from {url} has no access_token"))
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_never_print() {
        let secret = Secret::new("eyJ0eXAiOiJKV1Qi");
        assert_eq!(
            format!("{secret} {secret:?}"),
            "<redacted> Secret(<redacted>)"
        );
    }

    #[test]
    fn clouds_have_their_hosts() {
        assert_eq!(
            Cloud::from_key("usgov-dod").map(Cloud::graph_host),
            Some("https://dod-graph.microsoft.us")
        );
        assert_eq!(Cloud::China.login_host(), "https://login.chinacloudapi.cn");
        assert!(check_scheme("http://127.0.0.1:8080").is_ok());
        assert!(check_scheme("http://localhost:1").is_ok());
        assert!(check_scheme("http://graph.example.com").is_err());
    }

    #[test]
    fn backoff_grows_and_honours_retry_after() {
        let policy = RetryPolicy {
            max_retries: 5,
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_secs(2),
        };
        assert_eq!(
            policy.delay(3, Some(Duration::from_secs(7))),
            Duration::from_secs(2)
        );
        let d0 = policy.delay(0, None);
        let d3 = policy.delay(3, None);
        assert!(
            d0 >= Duration::from_millis(100) && d0 < Duration::from_millis(151),
            "{d0:?}"
        );
        assert!(
            d3 >= Duration::from_millis(800) && d3 < Duration::from_millis(1201),
            "{d3:?}"
        );
    }

    #[test]
    fn graph_errors_carry_code_and_request_id() {
        let body = r#"{"error": {"code": "BadRequest", "message": "Invalid Android Managed App Protection data", "innerError": {"request-id": "abc-123"}}}"#;
        let error = ServiceError::from_response(
            "PATCH",
            "https://graph.microsoft.com/beta/x?$select=id",
            400,
            body,
            None,
        );
        assert_eq!(error.code.as_deref(), Some("BadRequest"));
        assert_eq!(
            error.message,
            "PATCH https://graph.microsoft.com/beta/x answered 400 BadRequest: Invalid Android Managed App Protection data (request id abc-123)"
        );
    }
}
