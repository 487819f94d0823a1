//! Microsoft Graph (and the Atlassian Admin API): the HTTP side of `export`, `plan` and
//! `apply`.
//!
//! Beside the data flow: it turns validated documents into requests and live state into
//! values the planner compares. Requests go through [`Client::send`], which honours
//! `Retry-After` on 429 and 503, backs off exponentially with jitter when it is absent,
//! retries a bounded number of times, retries dropped connections only for idempotent
//! methods, follows `@odata.nextLink`, and turns Graph error bodies into [`ServiceError`] with
//! Graph's code and request id. [`Client::create`] makes a POST that creates something safe
//! to retry: it looks the resource up before each attempt that follows a lost answer.
//!
//! Every URL is parsed ([`service_url`]): https, or plain http to a loopback address, never
//! with a user name or password. A client sends its credential only to the origin (scheme,
//! host, port) it was made for: links it is asked to follow elsewhere are refused before any
//! request, and redirects are never followed. Tokens live in [`Secret`], whose `Debug` and
//! `Display` never show them; client-credential tokens are requested once per tenant and
//! run, kept in memory only, and renewed before they expire ([`Token`]). No log line, error
//! or output contains a token, a client secret, a URL's user information or its query.

pub mod atlassian;

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use serde_json::Value;
use url::{Host, Origin, Url};

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
        Ok(Endpoints {
            login: base_string(&service_url(&login)?),
            graph: base_string(&service_url(&graph)?),
        })
    }
}

/// A parsed base URL as the string paths are appended to: its canonical form, without the
/// `/` an empty path serializes as.
fn base_string(url: &Url) -> String {
    url.as_str().trim_end_matches('/').to_owned()
}

/// Parses the base URL of a service. It must use https, or plain http to a loopback address
/// (127.0.0.0/8, `::1`, or exactly `localhost`: tests and local proxies), and carry no user
/// name or password, query or fragment. The host is read by a URL parser, so
/// `http://127.0.0.1@evil.example` (a user name before another host) and
/// `http://127.evil.example` are what they are: not loopback.
pub fn service_url(text: &str) -> Result<Url, ServiceError> {
    let shown = display_url(text);
    let url = Url::parse(text.trim())
        .map_err(|e| ServiceError::config(format!("`{shown}` is not a valid URL: {e}")))?;
    if has_userinfo(&url) {
        return Err(ServiceError::config(format!(
            "`{shown}` must not carry a user name or password"
        )));
    }
    match url.scheme() {
        "https" => {}
        "http" if is_loopback(&url) => {}
        _ => {
            return Err(ServiceError::config(format!(
                "`{shown}` must use https (plain http is only for loopback addresses: 127.0.0.0/8, ::1, localhost)"
            )));
        }
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(ServiceError::config(format!(
            "`{shown}` is a base URL: it takes no query or fragment"
        )));
    }
    Ok(url)
}

fn has_userinfo(url: &Url) -> bool {
    !url.username().is_empty() || url.password().is_some()
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(Host::Ipv4(ip)) => ip.is_loopback(),
        Some(Host::Ipv6(ip)) => ip.is_loopback(),
        Some(Host::Domain(domain)) => domain == "localhost",
        None => false,
    }
}

/// A URL as messages and logs show it: without user information, query or fragment (a
/// query may carry cursors and filters, user information a password). Text that does not
/// parse loses the same parts by position.
pub fn display_url(text: &str) -> String {
    if let Ok(mut url) = Url::parse(text.trim()) {
        // Both fail only for URLs that cannot have user information (`mailto:`), which
        // then has none to remove.
        let _ = url.set_username("");
        let _ = url.set_password(None);
        url.set_query(None);
        url.set_fragment(None);
        return url.to_string();
    }
    let text = text.split(['?', '#']).next().unwrap_or_default();
    match text.split_once("://") {
        Some((scheme, rest)) => {
            let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
            let host = authority.rsplit('@').next().unwrap_or_default();
            format!("{scheme}://{host}{path}")
        }
        None => text.to_owned(),
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
    /// The connection failed, broke or timed out: the request may have been processed
    /// without its answer arriving.
    pub transport: bool,
}

impl ServiceError {
    pub fn config(message: impl Into<String>) -> ServiceError {
        ServiceError {
            status: None,
            code: None,
            message: message.into(),
            request_id: None,
            transport: false,
        }
    }

    fn transport(method: &str, url: &str, error: &ureq::Error) -> ServiceError {
        use ureq::Error as E;
        let detail = match error {
            // These two carry the text of a URL, which messages show only through
            // `display_url`.
            E::BadUri(_) => "not a valid URL".to_owned(),
            E::ConnectProxyFailed(_) => "connecting through the proxy failed".to_owned(),
            other => other.to_string(),
        };
        ServiceError {
            transport: matches!(
                error,
                E::Io(_) | E::Timeout(_) | E::Protocol(_) | E::ConnectionFailed | E::HostNotFound
            ),
            ..ServiceError::config(format!("{method} {} failed: {detail}", display_url(url)))
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
        let mut message = format!("{method} {} answered {status}", display_url(url));
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
            transport: false,
        }
    }

    /// A 3xx: redirects are never followed, so a credential never travels to where one
    /// points.
    fn redirect(method: &str, url: &str, answer: &Answer) -> ServiceError {
        let target = answer
            .location
            .as_deref()
            .map(|l| format!(" to {}", display_url(l)))
            .unwrap_or_default();
        ServiceError {
            status: Some(answer.status),
            request_id: answer.request_id.clone(),
            ..ServiceError::config(format!(
                "{method} {} answered {}, a redirect{target}; mamlint does not follow redirects, so the request was not sent there",
                display_url(url),
                answer.status
            ))
        }
    }
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

/// An answer of any status, with the headers mamlint reads.
#[derive(Debug)]
struct Answer {
    status: u16,
    text: String,
    retry_after: Option<Duration>,
    request_id: Option<String>,
    location: Option<String>,
}

impl Answer {
    fn read(
        method: &str,
        url: &str,
        mut response: ureq::http::Response<ureq::Body>,
    ) -> Result<Answer, ServiceError> {
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        let status = response.status().as_u16();
        let retry_after = header("Retry-After")
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(Duration::from_secs);
        let request_id = header("request-id").or_else(|| header("client-request-id"));
        let location = header("Location");
        // A body cut off is an answer lost like a broken connection: a create may have
        // happened.
        let text = response
            .body_mut()
            .read_to_string()
            .map_err(|e| ServiceError::transport(method, url, &e))?;
        Ok(Answer {
            status,
            text,
            retry_after,
            request_id,
            location,
        })
    }

    /// The JSON body of a 2xx (`Null` when empty), or the error it stands for.
    fn into_reply(self, method: &str, url: &str) -> Result<Reply, ServiceError> {
        match self.status {
            200..=299 => {
                let body = if self.text.trim().is_empty() {
                    Value::Null
                } else {
                    serde_json::from_str(&self.text).unwrap_or(Value::String(self.text))
                };
                Ok(Reply {
                    status: self.status,
                    body,
                })
            }
            300..=399 => Err(ServiceError::redirect(method, url, &self)),
            status => Err(ServiceError::from_response(
                method,
                url,
                status,
                &self.text,
                self.request_id,
            )),
        }
    }
}

/// Logs a retry; `label` names the tenant ([`Client::for_tenant`]), since tenants worked on
/// at once log between each other's lines.
fn log_retry(
    label: &str,
    method: &str,
    url: &str,
    outcome: &Result<Answer, ServiceError>,
    then: &str,
) {
    match outcome {
        Ok(answer) => eprintln!(
            "{label}{method} {} answered {}; {then}",
            display_url(url),
            answer.status
        ),
        // The message names the method and URL already.
        Err(e) => eprintln!("{label}{}; {then}", e.message),
    }
}

/// Runs an exchange until it gets an answer that is not worth retrying, or the retries are
/// spent: 429 and 503 always (the service did not do it), 502, 504 and broken connections
/// only when `idempotent` (it may have done it). Returns the last outcome. `log` is the label
/// of retry lines, `None` when not verbose.
fn with_retries(
    retry: &RetryPolicy,
    log: Option<&str>,
    method: &str,
    url: &str,
    idempotent: bool,
    mut exchange: impl FnMut() -> Result<Answer, ServiceError>,
) -> Result<Answer, ServiceError> {
    let mut attempt = 0;
    loop {
        let outcome = exchange();
        let wait = match &outcome {
            Ok(a) if matches!(a.status, 429 | 503) => Some(a.retry_after),
            Ok(a) if idempotent && matches!(a.status, 502 | 504) => Some(a.retry_after),
            Err(e) if idempotent && e.transport => Some(None),
            _ => None,
        };
        match wait {
            Some(retry_after) if attempt < retry.max_retries => {
                let delay = retry.delay(attempt, retry_after);
                if let Some(label) = log {
                    log_retry(
                        label,
                        method,
                        url,
                        &outcome,
                        &format!("retrying in {} ms", delay.as_millis()),
                    );
                }
                std::thread::sleep(delay);
                attempt += 1;
            }
            _ => return outcome,
        }
    }
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        // A redirect is answered as is and becomes an error: following one could carry the
        // credential (or the token request's client secret) to another host.
        .max_redirects(0)
        .timeout_global(Some(Duration::from_secs(60)))
        .timeout_connect(Some(Duration::from_secs(10)))
        .build()
        .new_agent()
}

/// How long before its expiry an issued token is renewed, at most: a request that starts
/// with it must not outlive it (requests time out after 60 s), and the service's clock may
/// run ahead of this machine's.
const REFRESH_MARGIN: Duration = Duration::from_secs(300);

/// The lifetime assumed when a token response has no `expires_in`: short, so a missing
/// value costs a few extra token requests rather than failed calls.
const ASSUMED_LIFETIME: Duration = Duration::from_secs(300);

/// When to renew a token valid for `lifetime`: `REFRESH_MARGIN` before it expires, or half
/// way through a lifetime shorter than twice the margin.
fn renew_after(lifetime: Duration) -> Duration {
    lifetime - REFRESH_MARGIN.min(lifetime / 2)
}

/// The bearer credential of a [`Client`]: fixed (a given token, an API key), or issued by
/// Entra for a tenant and renewed before it expires. Clones share the issued token.
#[derive(Clone)]
pub struct Token(TokenKind);

#[derive(Clone)]
enum TokenKind {
    Fixed(Secret),
    Issued(Arc<Issued>),
}

impl From<Secret> for Token {
    fn from(secret: Secret) -> Token {
        Token(TokenKind::Fixed(secret))
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Token(<redacted>)")
    }
}

impl Token {
    /// The value to send now; an issued token close to its expiry is renewed first.
    fn bearer(&self) -> Result<Secret, ServiceError> {
        match &self.0 {
            TokenKind::Fixed(secret) => Ok(secret.clone()),
            TokenKind::Issued(issued) => issued.current(),
        }
    }
}

/// A token of the client credentials grant for one tenant, in memory only.
struct Issued {
    request: TokenRequest,
    lease: Mutex<Option<Lease>>,
}

struct Lease {
    token: Secret,
    renew_at: Instant,
}

impl Issued {
    fn current(&self) -> Result<Secret, ServiceError> {
        // A poisoned lock only means another thread panicked while renewing; the lease it
        // left is either whole or absent.
        let mut lease = self.lease.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(held) = lease.as_ref().filter(|l| Instant::now() < l.renew_at) {
            return Ok(held.token.clone());
        }
        let renewing = lease.is_some();
        let fresh = self.request.fetch(renewing)?;
        let token = fresh.token.clone();
        *lease = Some(fresh);
        Ok(token)
    }
}

/// What a token request sends, and where.
struct TokenRequest {
    url: String,
    client_id: String,
    secret: Secret,
    scope: String,
    retry: RetryPolicy,
    verbose: bool,
}

impl TokenRequest {
    /// Requests a token, with the same retries as Graph calls: requesting a token twice
    /// does no harm, so broken connections, 502 and 504 are retried too.
    fn fetch(&self, renewing: bool) -> Result<Lease, ServiceError> {
        let shown = display_url(&self.url);
        if self.verbose {
            let why = if renewing {
                ", renewing a token about to expire"
            } else {
                ""
            };
            eprintln!(
                "POST {shown} (client credentials for {}{why})",
                self.client_id
            );
        }
        let agent = agent();
        let form = [
            ("client_id", self.client_id.as_str()),
            ("scope", self.scope.as_str()),
            ("client_secret", self.secret.expose()),
            ("grant_type", "client_credentials"),
        ];
        let mut sent = Instant::now();
        let answer = with_retries(
            &self.retry,
            self.verbose.then_some(""),
            "POST",
            &self.url,
            true,
            || {
                // The lifetime counts from the attempt that was answered.
                sent = Instant::now();
                match agent.post(&self.url).send_form(form) {
                    Ok(response) => Answer::read("POST", &self.url, response),
                    Err(error) => Err(ServiceError::transport("POST", &self.url, &error)),
                }
            },
        )?;
        if (300..400).contains(&answer.status) {
            return Err(ServiceError::redirect("POST", &self.url, &answer));
        }
        let parsed: Value = serde_json::from_str(&answer.text).unwrap_or(Value::Null);
        if answer.status != 200 {
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
            let mut message = format!("token request to {shown} answered {}", answer.status);
            if let Some(code) = &code {
                message.push_str(&format!(" {code}"));
            }
            if !detail.is_empty() {
                message.push_str(&format!(": {detail}"));
            }
            return Err(ServiceError {
                status: Some(answer.status),
                message,
                code,
                request_id: answer.request_id,
                transport: false,
            });
        }
        let token = parsed
            .get("access_token")
            .and_then(Value::as_str)
            .filter(|t| !t.is_empty())
            .map(Secret::new)
            .ok_or_else(|| {
                ServiceError::config(format!("token response from {shown} has no access_token"))
            })?;
        // Entra's v2.0 endpoint answers a number; older endpoints a string.
        let lifetime = parsed
            .get("expires_in")
            .and_then(|v| v.as_u64().or_else(|| v.as_str()?.trim().parse().ok()))
            .map_or(ASSUMED_LIFETIME, Duration::from_secs);
        Ok(Lease {
            token,
            renew_at: sent + renew_after(lifetime),
        })
    }
}

/// Issued tokens of a run, one per token endpoint and scope (that is, per tenant).
#[derive(Default)]
pub struct TokenCache(Mutex<HashMap<String, Arc<Issued>>>);

/// Where a token comes from (mamlint spec §7): `MAMLINT_GRAPH_TOKEN` as is, or client
/// credentials (`MAMLINT_CLIENT_ID` with `MAMLINT_CLIENT_SECRET` or `_SECRET_FILE`).
pub enum Credentials {
    Token(Secret),
    ClientSecret {
        client_id: String,
        secret: Secret,
        issued: TokenCache,
    },
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
            issued: TokenCache::default(),
        })
    }

    /// A Graph token for a tenant: the given one, or one requested with the client
    /// credentials grant from the tenant's cloud. The first call for a tenant requests it
    /// (so wrong credentials fail here); later calls share it, and it renews itself.
    pub fn token(
        &self,
        endpoints: &Endpoints,
        tenant_id: &str,
        verbose: bool,
    ) -> Result<Token, ServiceError> {
        let (client_id, secret, issued) = match self {
            Credentials::Token(token) => return Ok(Token::from(token.clone())),
            Credentials::ClientSecret {
                client_id,
                secret,
                issued,
            } => (client_id, secret, issued),
        };
        let mut url = service_url(&endpoints.login)?;
        // The tenant id is one path segment, encoded as such: whatever it holds, the
        // request stays on the login host.
        url.path_segments_mut()
            .map_err(|()| ServiceError::config("the login URL cannot take a path"))?
            .pop_if_empty()
            .extend([tenant_id, "oauth2", "v2.0", "token"]);
        let scope = format!("{}/.default", endpoints.graph);
        let key = format!("{url} {scope}");
        // The cache is locked only to find or insert the tenant's entry, never across a
        // token request: tenants planned concurrently each wait for their own token alone.
        // Two threads asking for the same tenant share one entry, whose lease lock makes
        // the second wait for the first one's request instead of sending another.
        let shared = {
            let mut cache = issued.0.lock().unwrap_or_else(PoisonError::into_inner);
            Arc::clone(cache.entry(key).or_insert_with(|| {
                Arc::new(Issued {
                    request: TokenRequest {
                        url: url.into(),
                        client_id: client_id.clone(),
                        secret: secret.clone(),
                        scope,
                        retry: RetryPolicy::from_env(),
                        verbose,
                    },
                    lease: Mutex::new(None),
                })
            }))
        };
        // The first call for a tenant requests the token; a refused request leaves no lease,
        // so a later call asks again.
        shared.current()?;
        Ok(Token(TokenKind::Issued(shared)))
    }
}

/// An HTTP client for one service base URL and credential.
pub struct Client {
    agent: ureq::Agent,
    base: String,
    /// Where the credential may go; a base URL that [`service_url`] refuses makes every
    /// request fail with its error.
    origin: Result<Origin, ServiceError>,
    token: Token,
    retry: RetryPolicy,
    verbose: bool,
    /// What starts its log lines: `tenant: ` for a tenant's client, else nothing.
    label: String,
}

/// A response: status and JSON body (`Null` when empty).
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub body: Value,
}

/// What [`Client::create`] did.
#[derive(Debug)]
pub enum Created {
    /// Created, with the service's answer.
    New(Value),
    /// The answer was lost (a broken connection, a 5xx), and the lookup then found what
    /// the request had created.
    Recovered(Value),
    /// The lookup found it before anything was sent: it already existed.
    Existing(Value),
}

/// A lookup that failed after a create's answer was lost: whether it was created is
/// unknown, which the message says along with both failures.
fn unconfirmed(outcome: &Result<Answer, ServiceError>, lookup: ServiceError) -> ServiceError {
    let lost = match outcome {
        Ok(answer) => format!("the create answered {}", answer.status),
        Err(e) => e.message.clone(),
    };
    ServiceError {
        message: format!(
            "{lost}, and looking for what it may have created failed: {}; whether it was created is unknown, and `mamlint apply` again finds it by name if it was",
            lookup.message
        ),
        ..lookup
    }
}

impl Client {
    pub fn new(base: &str, token: impl Into<Token>, verbose: bool) -> Client {
        let parsed = service_url(base);
        Client {
            agent: agent(),
            base: parsed
                .as_ref()
                .map_or_else(|_| base.trim_end_matches('/').to_owned(), base_string),
            origin: parsed.map(|url| url.origin()),
            token: token.into(),
            retry: RetryPolicy::from_env(),
            verbose,
            label: String::new(),
        }
    }

    /// The same client, naming `tenant` in its log lines.
    pub fn for_tenant(self, tenant: &str) -> Client {
        Client {
            label: format!("{tenant}: "),
            ..self
        }
    }

    pub fn base(&self) -> &str {
        &self.base
    }

    /// The URL of a request: `path` (starting with `/`) under the base, or an absolute URL
    /// to follow (a next link). Either must stay on the base's origin and carry no user
    /// information, else nothing is sent. The request goes to the parser's serialization,
    /// so what was checked is what is sent.
    pub fn resolve(&self, path: &str) -> Result<Url, ServiceError> {
        let origin = self.origin.as_ref().map_err(Clone::clone)?;
        let text = if path.starts_with('/') {
            format!("{}{path}", self.base)
        } else {
            path.to_owned()
        };
        let shown = display_url(&text);
        let url = Url::parse(&text)
            .map_err(|e| ServiceError::config(format!("`{shown}` is not a valid URL: {e}")))?;
        if has_userinfo(&url) {
            return Err(ServiceError::config(format!(
                "refusing `{shown}`: it carries a user name or password; nothing was sent"
            )));
        }
        if url.origin() != *origin {
            return Err(ServiceError::config(format!(
                "refusing to follow `{shown}`: it leaves {}, the service this credential is for; nothing was sent",
                origin.ascii_serialization()
            )));
        }
        Ok(url)
    }

    /// Sends a request, retrying throttling and transient faults as described in the module
    /// documentation.
    pub fn send(
        &self,
        method: &str,
        path: &str,
        body: Option<&Value>,
    ) -> Result<Reply, ServiceError> {
        let url = self.resolve(path)?;
        let answer = with_retries(
            &self.retry,
            self.verbose.then_some(self.label.as_str()),
            method,
            url.as_str(),
            method != "POST",
            || self.exchange(method, &url, body),
        )?;
        self.finish(method, &url, answer)
    }

    fn finish(&self, method: &str, url: &Url, answer: Answer) -> Result<Reply, ServiceError> {
        if self.verbose {
            eprintln!(
                "{}{method} {} {}",
                self.label,
                display_url(url.as_str()),
                answer.status
            );
        }
        answer.into_reply(method, url.as_str())
    }

    /// Creates a resource (POST `path`) at most once. `lookup` finds it by its natural key
    /// (a policy's platform and display name). It runs before the first POST, and after
    /// every answer that may hide a success (a broken connection, 500, 502, 503, 504)
    /// before trying again, so a create whose answer was lost is found, not repeated.
    /// Throttling (429) is retried like any request.
    pub fn create(
        &self,
        path: &str,
        body: &Value,
        lookup: &mut dyn FnMut() -> Result<Option<Value>, ServiceError>,
    ) -> Result<Created, ServiceError> {
        let url = self.resolve(path)?;
        if let Some(found) = lookup()? {
            return Ok(Created::Existing(found));
        }
        let mut attempt = 0;
        loop {
            let outcome = self.exchange("POST", &url, Some(body));
            let (lost, wait) = match &outcome {
                Ok(a) if a.status == 429 => (false, Some(a.retry_after)),
                Ok(a) if matches!(a.status, 500 | 502 | 503 | 504) => (true, Some(a.retry_after)),
                Err(e) if e.transport => (true, Some(None)),
                _ => (false, None),
            };
            match wait {
                Some(retry_after) if attempt < self.retry.max_retries => {
                    let delay = self.retry.delay(attempt, retry_after);
                    if self.verbose {
                        let then = if lost {
                            "looking for what it may have created, then retrying"
                        } else {
                            "retrying"
                        };
                        log_retry(
                            &self.label,
                            "POST",
                            url.as_str(),
                            &outcome,
                            &format!("{then} in {} ms", delay.as_millis()),
                        );
                    }
                    std::thread::sleep(delay);
                    attempt += 1;
                    if lost && let Some(found) = lookup().map_err(|e| unconfirmed(&outcome, e))? {
                        return Ok(Created::Recovered(found));
                    }
                }
                _ => {
                    if lost && let Some(found) = lookup().map_err(|e| unconfirmed(&outcome, e))? {
                        return Ok(Created::Recovered(found));
                    }
                    return self
                        .finish("POST", &url, outcome?)
                        .map(|reply| Created::New(reply.body));
                }
            }
        }
    }

    fn exchange(
        &self,
        method: &str,
        url: &Url,
        body: Option<&Value>,
    ) -> Result<Answer, ServiceError> {
        let auth = format!("Bearer {}", self.token.bearer()?.expose());
        let target = url.as_str();
        let result = match method {
            "GET" => self
                .agent
                .get(target)
                .header("Authorization", &auth)
                .header("Accept", "application/json")
                .call(),
            "DELETE" => self
                .agent
                .delete(target)
                .header("Authorization", &auth)
                .call(),
            "POST" | "PATCH" => {
                let builder = if method == "POST" {
                    self.agent.post(target)
                } else {
                    self.agent.patch(target)
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
            Ok(response) => Answer::read(method, target, response),
            // ureq's errors name the transport problem, never headers.
            Err(error) => Err(ServiceError::transport(method, target, &error)),
        }
    }

    pub fn get(&self, path: &str) -> Result<Value, ServiceError> {
        self.send("GET", path, None).map(|r| r.body)
    }

    /// Reads a collection, following `@odata.nextLink` on the client's origin only.
    pub fn list(&self, path: &str) -> Result<Vec<Value>, ServiceError> {
        let mut items = Vec::new();
        let mut next = Some(self.resolve(path)?.to_string());
        let mut pages = 0;
        while let Some(page_url) = next.take() {
            pages += 1;
            if pages > 1000 {
                return Err(ServiceError::config(format!(
                    "more than 1000 pages from {}",
                    display_url(path)
                )));
            }
            let page = self.get(&page_url)?;
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
            if let Some(link) = &next {
                self.resolve(link).map_err(|e| {
                    ServiceError::config(format!(
                        "@odata.nextLink of {}: {}",
                        display_url(&page_url),
                        e.message
                    ))
                })?;
            }
        }
        Ok(items)
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
        assert_eq!(format!("{:?}", Token::from(secret)), "Token(<redacted>)");
    }

    #[test]
    fn clouds_have_their_hosts() {
        assert_eq!(
            Cloud::from_key("usgov-dod").map(Cloud::graph_host),
            Some("https://dod-graph.microsoft.us")
        );
        assert_eq!(Cloud::China.login_host(), "https://login.chinacloudapi.cn");
        for cloud in [Cloud::Global, Cloud::UsGov, Cloud::UsGovDod, Cloud::China] {
            assert!(service_url(cloud.login_host()).is_ok());
            assert!(service_url(cloud.graph_host()).is_ok());
        }
    }

    #[test]
    fn service_urls_are_https_or_loopback_http() {
        for ok in [
            "https://graph.microsoft.com",
            "https://graph.microsoft.com/",
            "https://proxy.example.com:8443/graph",
            "http://127.0.0.1:8080",
            "http://127.255.0.1",
            "http://localhost:1",
            "http://LOCALHOST:1",
            "http://[::1]:8080",
        ] {
            assert!(service_url(ok).is_ok(), "{ok}");
        }
        for refused in [
            "http://graph.example.com",
            // A user name that looks like a loopback address, before another host.
            "http://127.0.0.1@evil.example",
            "http://127.0.0.1:80@evil.example",
            // Host names that only start like loopback.
            "http://127.evil.example",
            "http://localhost.evil.example",
            "http://localhost.",
            // Loopback, but with user information.
            "http://user:pw@127.0.0.1",
            "http://user@localhost:8080",
            // User information on https too.
            "https://user:pw@graph.microsoft.com",
            "https://graph.microsoft.com@evil.example",
            "http://[::ffff:7f00:1]",
            "http://0.0.0.0:8080",
            "ftp://127.0.0.1",
            "https://graph.microsoft.com/?x=1",
            "https://graph.microsoft.com/#x",
            "127.0.0.1:8080",
            "",
        ] {
            assert!(service_url(refused).is_err(), "{refused}");
        }
        let error = service_url("http://user:hunter2@127.0.0.1/x?k=v").unwrap_err();
        assert!(!error.message.contains("hunter2"), "{}", error.message);
    }

    #[test]
    fn urls_show_no_userinfo_and_no_query() {
        assert_eq!(
            display_url("https://u:pw@graph.microsoft.com/beta/x?$skiptoken=abc#f"),
            "https://graph.microsoft.com/beta/x"
        );
        assert_eq!(
            display_url("/admin/v1/orgs/o/domains?cursor=abc"),
            "/admin/v1/orgs/o/domains"
        );
        // Text the parser refuses loses the same parts by position.
        assert_eq!(display_url("http://u:pw@exa mple/p?q"), "http://exa mple/p");
    }

    #[test]
    fn links_stay_on_the_origin_of_the_client() {
        let client = Client::new("http://127.0.0.1:9/beta", Secret::new("t"), false);
        let ok = |link: &str| client.resolve(link).map(String::from);
        assert_eq!(
            ok("/deviceAppManagement/x?$expand=apps").as_deref(),
            Ok("http://127.0.0.1:9/beta/deviceAppManagement/x?$expand=apps")
        );
        assert_eq!(
            ok("http://127.0.0.1:9/beta/x?$skiptoken=2").as_deref(),
            Ok("http://127.0.0.1:9/beta/x?$skiptoken=2")
        );
        // What is sent is the parser's reading: the path, on the same host.
        assert_eq!(
            ok("//evil.example/x").as_deref(),
            Ok("http://127.0.0.1:9/beta//evil.example/x")
        );
        assert_eq!(
            ok("http://127.0.0.1:9\\@evil.example/").as_deref(),
            Ok("http://127.0.0.1:9/@evil.example/")
        );
        for refused in [
            "http://127.0.0.1:10/beta/x",
            "https://127.0.0.1:9/beta/x",
            "http://localhost:9/beta/x",
            "http://127.0.0.2:9/beta/x",
            "http://user:pw@127.0.0.1:9/beta/x",
            "http://127.0.0.1:9@evil.example/beta/x",
            "https://graph.microsoft.com/beta/x",
            ".evil.example/x",
        ] {
            let error = client.resolve(refused).unwrap_err();
            assert!(
                error.message.contains("nothing was sent")
                    || error.message.contains("not a valid URL"),
                "{refused}: {}",
                error.message
            );
            assert!(!error.message.contains("pw@"), "{}", error.message);
        }
        let https = Client::new("https://graph.microsoft.com/v1.0", Secret::new("t"), false);
        assert!(
            https
                .resolve("https://graph.microsoft.com:443/v1.0/x")
                .is_ok()
        );
        assert!(
            https
                .resolve("https://graph.microsoft.com:8443/v1.0/x")
                .is_err()
        );
        assert!(https.resolve("http://graph.microsoft.com/v1.0/x").is_err());
        assert!(
            https
                .resolve("https://graph.microsoft.com.evil.example/x")
                .is_err()
        );
        // A client made for a refused base URL sends nothing at all.
        let refused = Client::new("http://graph.example.com", Secret::new("t"), false);
        assert!(refused.resolve("/x").unwrap_err().message.contains("https"));
    }

    #[test]
    fn tokens_are_renewed_before_they_expire() {
        assert_eq!(
            renew_after(Duration::from_secs(3599)),
            Duration::from_secs(3299)
        );
        assert_eq!(renew_after(Duration::from_secs(2)), Duration::from_secs(1));
        assert_eq!(renew_after(Duration::ZERO), Duration::ZERO);
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
