//! Local fakes of Microsoft Graph and the Atlassian Admin API on 127.0.0.1, for the rollout
//! tests. The fake Graph keeps policies in memory, answers with Graph's status codes and
//! error bodies, rejects request bodies with properties that are unknown or read-only for the
//! platform (from the property catalog, as the real service does), requires a bearer token
//! it issued and that has not expired (or the fixed [`TOKEN`]), pages lists one item at a
//! time, and can be told to fail: 429 with or without `Retry-After`, 500, a broken
//! connection, a redirect, an answer lost after the work was done, a create answered without
//! its id, or next links that point at another server.
//!
//! It holds several tenants: a token it issues belongs to the tenant of the token request's
//! path, and a Graph request is answered from that token's tenant (requests with the fixed
//! token, or for a tenant never added, from the home tenant). It serves requests on several
//! threads, each after an injected latency, so concurrent clients overlap as they would
//! against Graph, and it records the tenant of every request and any request a tenant sent
//! before the `Retry-After` it was given had passed.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use mamlint::model::Platform;
use mamlint::model::properties::PROPERTIES;
use mamlint::model::settings::FACTS;
use serde_json::{Value, json};

/// The token tests give as `MAMLINT_GRAPH_TOKEN`; the token endpoint issues `TOKEN-1`,
/// `TOKEN-2`, ..., so checking output for `TOKEN` covers them all.
pub(crate) const TOKEN: &str = "fake-graph-token-7d1e4c0b";
pub(crate) const CLIENT_SECRET: &str = "s3cr3t-client-value-91f2";

#[derive(Clone, Debug)]
pub(crate) enum Fault {
    TooMany {
        retry_after: Option<u32>,
    },
    ServerError,
    /// A response that is not HTTP, as if the connection broke.
    Broken,
    /// Process the request, then break the connection instead of answering.
    BrokenAfterProcessing,
    /// Process the request, then answer this status (a gateway that lost the answer).
    StatusAfterProcessing(u16),
    /// Process a create, then answer 201 with a body that has no `id`.
    CreatedWithoutId,
    /// Answer a list with no items, as if the service had not caught up yet.
    EmptyList,
    /// Answer 302 with this `Location`.
    Redirect(String),
    /// Apply `first`, and queue the `then` faults ahead of the others: faults for requests
    /// that only follow this one.
    Chain {
        first: Box<Fault>,
        then: Vec<(String, Fault)>,
    },
}

/// What one tenant holds.
#[derive(Clone, Default)]
pub(crate) struct Tenant {
    pub policies: Vec<(Platform, Value)>,
    pub service_principals: Vec<Value>,
    pub grants: Vec<Value>,
}

/// A request as the fake saw it: the tenant (of its token, or of a token request's path;
/// empty when unknown) and `METHOD path`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Seen {
    pub tenant: String,
    pub line: String,
}

#[derive(Default)]
pub(crate) struct State {
    /// The tenant of the fixed token and of tenants never added.
    pub home: Tenant,
    /// Tenants by tenant id.
    pub tenants: BTreeMap<String, Tenant>,
    pub next_id: u32,
    /// `(method, path)` of every request, in order.
    pub log: Vec<(String, String)>,
    pub token_requests: Vec<String>,
    /// Lifetime of the tokens the token endpoint issues, in seconds (`expires_in`).
    pub token_lifetime: u64,
    /// Issued tokens, with when they expire and their tenant.
    pub issued: Vec<(String, Instant, String)>,
    /// The token of every Graph request that was let in, in order.
    pub bearers: Vec<String>,
    /// Graph requests refused for a missing, unknown or expired token.
    pub rejected_tokens: usize,
    /// The `Host` header of every request.
    pub hosts: Vec<String>,
    /// Where `@odata.nextLink` points (default: this fake).
    pub next_link_base: Option<String>,
    /// When set, the Admin API's `links.next` is a URL on this base instead of a cursor.
    pub domains_next_base: Option<String>,
    /// Faults for requests whose `METHOD path` contains the key, used once each.
    pub faults: VecDeque<(String, Fault)>,
    pub domains: Vec<(String, String)>,
    /// Every request, with its tenant, in the order they arrived.
    pub seen: Vec<Seen>,
    /// Until when each tenant was told to wait by a `Retry-After`.
    pub quiet_until: HashMap<String, Instant>,
    /// Requests that arrived while their tenant was told to wait.
    pub early: Vec<Seen>,
}

impl State {
    /// The data a request of `tenant` reads and changes.
    fn data(&mut self, tenant: &str) -> &mut Tenant {
        match self.tenants.get_mut(tenant) {
            Some(data) => data,
            None => &mut self.home,
        }
    }
}

pub(crate) struct Fake {
    pub url: String,
    pub state: Arc<Mutex<State>>,
}

fn platform_of(collection: &str) -> Option<Platform> {
    Platform::ALL
        .into_iter()
        .find(|p| collection == format!("{}s", p.graph_type()))
}

/// Graph's answer to an unknown or read-only property.
fn check_body(platform: Platform, body: &Value) -> Result<(), String> {
    for key in body
        .as_object()
        .map(|m| m.keys().collect::<Vec<_>>())
        .unwrap_or_default()
    {
        if key == "@odata.type" {
            continue;
        }
        match PROPERTIES.get(platform, key) {
            None => {
                return Err(format!(
                    "Invalid property '{key}' for {}",
                    platform.graph_type()
                ));
            }
            Some(p) if p.is_navigation() || FACTS.is_read_only(key) => {
                return Err(format!("Property '{key}' is read-only"));
            }
            _ => {}
        }
    }
    Ok(())
}

fn json_response(status: u16, body: &Value) -> tiny_http::Response<std::io::Cursor<Vec<u8>>> {
    let header = tiny_http::Header::from_bytes("Content-Type", "application/json").unwrap();
    tiny_http::Response::from_data(body.to_string().into_bytes())
        .with_status_code(status)
        .with_header(header)
}

fn graph_error(
    status: u16,
    code: &str,
    message: &str,
) -> tiny_http::Response<std::io::Cursor<Vec<u8>>> {
    json_response(
        status,
        &json!({"error": {"code": code, "message": message, "innerError": {"request-id": "fake-request-1"}}}),
    )
}

impl Fake {
    pub(crate) fn start() -> Fake {
        Fake::start_with(Duration::ZERO, 4)
    }

    /// A fake that answers each request `latency` after it arrived, on `threads` threads.
    pub(crate) fn start_with(latency: Duration, threads: usize) -> Fake {
        let server = Arc::new(tiny_http::Server::http("127.0.0.1:0").unwrap());
        let url = format!("http://{}", server.server_addr().to_ip().unwrap());
        let state = Arc::new(Mutex::new(State {
            next_id: 1,
            token_lifetime: 3599,
            ..State::default()
        }));
        for _ in 0..threads.max(1) {
            let (server, shared, base) = (Arc::clone(&server), Arc::clone(&state), url.clone());
            std::thread::spawn(move || {
                for request in server.incoming_requests() {
                    let arrived = Instant::now();
                    std::thread::sleep(latency);
                    handle(&base, &shared, request, arrived);
                }
            });
        }
        Fake { url, state }
    }

    /// Adds an empty tenant; requests with its tokens see only its data.
    pub(crate) fn add_tenant(&self, tenant_id: &str) {
        self.state
            .lock()
            .unwrap()
            .tenants
            .insert(tenant_id.to_owned(), Tenant::default());
    }

    /// Adds a policy to a tenant (the home tenant when `tenant_id` was never added).
    pub(crate) fn add_policy_to(&self, tenant_id: &str, platform: Platform, mut policy: Value) {
        let mut state = self.state.lock().unwrap();
        let id = format!("T_{:08}", state.next_id);
        state.next_id += 1;
        policy["id"] = json!(id);
        policy["@odata.type"] = json!(format!("#microsoft.graph.{}", platform.graph_type()));
        state.data(tenant_id).policies.push((platform, policy));
    }

    pub(crate) fn policies_of(&self, tenant_id: &str) -> Vec<(Platform, Value)> {
        self.state.lock().unwrap().data(tenant_id).policies.clone()
    }

    pub(crate) fn add_policy(&self, platform: Platform, mut policy: Value) -> String {
        let mut state = self.state.lock().unwrap();
        let id = format!("T_{:08}", state.next_id);
        state.next_id += 1;
        policy["id"] = json!(id);
        policy["@odata.type"] = json!(format!("#microsoft.graph.{}", platform.graph_type()));
        state.home.policies.push((platform, policy));
        id
    }

    pub(crate) fn fault(&self, matching: &str, fault: Fault) {
        self.state
            .lock()
            .unwrap()
            .faults
            .push_back((matching.to_owned(), fault));
    }

    pub(crate) fn policies(&self) -> Vec<(Platform, Value)> {
        self.state.lock().unwrap().home.policies.clone()
    }
}

/// The tenant of a request: of the token it carries, or of a token request's path.
fn tenant_of(state: &State, request: &tiny_http::Request, path: &str) -> String {
    if path.ends_with("/oauth2/v2.0/token") {
        return path
            .trim_start_matches('/')
            .split('/')
            .next()
            .unwrap_or_default()
            .to_owned();
    }
    let bearer = header(request, "Authorization").unwrap_or_default();
    let bearer = bearer.strip_prefix("Bearer ").unwrap_or_default();
    state
        .issued
        .iter()
        .find(|(token, ..)| token == bearer)
        .map(|(.., tenant)| tenant.clone())
        .unwrap_or_default()
}

fn handle(base: &str, state: &Mutex<State>, mut request: tiny_http::Request, arrived: Instant) {
    let method = request.method().to_string();
    let url = request.url().to_owned();
    let path = url.split('?').next().unwrap_or_default().to_owned();
    let query = url
        .split_once('?')
        .map(|(_, q)| q.replace("%20", " ").replace("%27", "'"))
        .unwrap_or_default();
    let mut text = String::new();
    let _ = request.as_reader().read_to_string(&mut text);
    let body: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
    let mut state = state.lock().unwrap();
    state.log.push((method.clone(), path.clone()));
    let host = header(&request, "Host").unwrap_or_default();
    state.hosts.push(host);
    let tenant = tenant_of(&state, &request, &path);
    let seen = Seen {
        tenant: tenant.clone(),
        line: format!("{method} {path}"),
    };
    if state.quiet_until.get(&tenant).is_some_and(|t| arrived < *t) {
        state.early.push(seen.clone());
    }
    state.seen.push(seen);
    // Faults may name a tenant: the line they match starts with it.
    let line = format!("{tenant} {method} {path}");
    let fault = state
        .faults
        .iter()
        .position(|(m, _)| line.contains(m.as_str()))
        .and_then(|i| state.faults.remove(i))
        .map(|(_, f)| f);
    let fault = match fault {
        Some(Fault::Chain { first, then }) => {
            for queued in then.into_iter().rev() {
                state.faults.push_front(queued);
            }
            Some(*first)
        }
        other => other,
    };
    match fault {
        Some(Fault::TooMany { retry_after }) => {
            let mut response = graph_error(429, "TooManyRequests", "Too many requests");
            if let Some(seconds) = retry_after {
                let until = Instant::now() + Duration::from_secs(seconds.into());
                state.quiet_until.insert(tenant, until);
                response = response.with_header(
                    tiny_http::Header::from_bytes("Retry-After", seconds.to_string()).unwrap(),
                );
            }
            let _ = request.respond(response);
            return;
        }
        Some(Fault::ServerError) => {
            let _ = request.respond(graph_error(
                500,
                "InternalServerError",
                "Something went wrong",
            ));
            return;
        }
        Some(Fault::Broken) => {
            let mut writer = request.into_writer();
            let _ = std::io::Write::write_all(&mut writer, b"garbage\r\n\r\n");
            let _ = std::io::Write::flush(&mut writer);
            return;
        }
        Some(Fault::StatusAfterProcessing(status)) => {
            let _ = route(
                base, &mut state, &method, &path, &query, &body, &text, &request,
            );
            let code = match status {
                502 => "BadGateway",
                503 => "ServiceUnavailable",
                504 => "GatewayTimeout",
                _ => "InternalServerError",
            };
            let _ = request.respond(graph_error(status, code, "The answer was lost"));
            return;
        }
        Some(Fault::CreatedWithoutId) => {
            let _ = route(
                base, &mut state, &method, &path, &query, &body, &text, &request,
            );
            let _ = request.respond(json_response(201, &body));
            return;
        }
        Some(Fault::EmptyList) => {
            let _ = request.respond(json_response(200, &json!({"value": []})));
            return;
        }
        Some(Fault::Redirect(location)) => {
            let response = tiny_http::Response::from_data(Vec::new())
                .with_status_code(302)
                .with_header(tiny_http::Header::from_bytes("Location", location).unwrap());
            let _ = request.respond(response);
            return;
        }
        Some(Fault::BrokenAfterProcessing) => {
            let _ = route(
                base, &mut state, &method, &path, &query, &body, &text, &request,
            );
            let mut writer = request.into_writer();
            let _ = std::io::Write::write_all(&mut writer, b"garbage\r\n\r\n");
            let _ = std::io::Write::flush(&mut writer);
            return;
        }
        Some(Fault::Chain { .. }) | None => {}
    }
    let response = route(
        base, &mut state, &method, &path, &query, &body, &text, &request,
    );
    let _ = request.respond(response);
}

fn header(request: &tiny_http::Request, name: &'static str) -> Option<String> {
    request
        .headers()
        .iter()
        .find(|h| h.field.equiv(name))
        .map(|h| h.value.as_str().to_owned())
}

#[allow(clippy::too_many_arguments)]
fn route(
    base: &str,
    state: &mut State,
    method: &str,
    path: &str,
    query: &str,
    body: &Value,
    text: &str,
    request: &tiny_http::Request,
) -> tiny_http::Response<std::io::Cursor<Vec<u8>>> {
    // Token endpoint: /{tenant}/oauth2/v2.0/token
    if method == "POST" && path.ends_with("/oauth2/v2.0/token") {
        state.token_requests.push(format!("{path} {text}"));
        let ok = text.contains("grant_type=client_credentials")
            && text.contains(&format!("client_secret={CLIENT_SECRET}"));
        return if ok {
            let token = format!("{TOKEN}-{}", state.issued.len() + 1);
            let lifetime = state.token_lifetime;
            let tenant = path
                .trim_start_matches('/')
                .split('/')
                .next()
                .unwrap_or_default()
                .to_owned();
            state.issued.push((
                token.clone(),
                Instant::now() + Duration::from_secs(lifetime),
                tenant,
            ));
            json_response(
                200,
                &json!({"token_type": "Bearer", "expires_in": lifetime, "access_token": token}),
            )
        } else {
            json_response(
                401,
                &json!({"error": "invalid_client", "error_description": "AADSTS7000215: Invalid client secret provided."}),
            )
        };
    }
    // Atlassian Admin API.
    if let Some(rest) = path.strip_prefix("/admin/v1/orgs/") {
        let _ = rest;
        let cursor: usize = query
            .strip_prefix("cursor=")
            .and_then(|c| c.parse().ok())
            .unwrap_or(0);
        let page: Vec<Value> = state
            .domains
            .iter()
            .skip(cursor)
            .take(1)
            .map(|(name, status)| json!({"id": name, "type": "domains", "attributes": {"name": name, "claim": {"type": "dns", "status": status}}}))
            .collect();
        let next = (cursor + 1 < state.domains.len()).then(|| match &state.domains_next_base {
            Some(other) => format!("{other}{path}?cursor={}", cursor + 1),
            None => (cursor + 1).to_string(),
        });
        return json_response(200, &json!({"data": page, "links": {"next": next}}));
    }
    let bearer = header(request, "Authorization")
        .and_then(|a| a.strip_prefix("Bearer ").map(str::to_owned))
        .unwrap_or_default();
    let valid = bearer == TOKEN
        || state
            .issued
            .iter()
            .any(|(token, expires, _)| *token == bearer && Instant::now() < *expires);
    let tenant = tenant_of(state, request, path);
    if valid {
        state.bearers.push(bearer);
    } else {
        state.rejected_tokens += 1;
        return graph_error(
            401,
            "InvalidAuthenticationToken",
            "Access token is empty or invalid.",
        );
    }
    let Some(rest) = path
        .strip_prefix("/beta")
        .or_else(|| path.strip_prefix("/v1.0"))
    else {
        return graph_error(404, "NotFound", "no such version");
    };
    let segments: Vec<&str> = rest.trim_start_matches('/').split('/').collect();
    match (method, segments.as_slice()) {
        ("GET", ["servicePrincipals"]) => {
            let app_id = query
                .split("appId eq '")
                .nth(1)
                .and_then(|r| r.split('\'').next())
                .unwrap_or_default();
            let found: Vec<Value> = state
                .data(&tenant)
                .service_principals
                .iter()
                .filter(|p| p["appId"] == app_id)
                .cloned()
                .collect();
            json_response(200, &json!({"value": found}))
        }
        ("GET", ["oauth2PermissionGrants"]) => {
            let client = query
                .split("clientId eq '")
                .nth(1)
                .and_then(|r| r.split('\'').next())
                .unwrap_or_default();
            let found: Vec<Value> = state
                .data(&tenant)
                .grants
                .iter()
                .filter(|g| g["clientId"] == client)
                .cloned()
                .collect();
            json_response(200, &json!({"value": found}))
        }
        ("GET", ["deviceAppManagement", collection]) => {
            let Some(platform) = platform_of(collection) else {
                return graph_error(404, "NotFound", "unknown collection");
            };
            let skip: usize = query
                .split("$skiptoken=")
                .nth(1)
                .and_then(|s| s.parse().ok())
                .unwrap_or(0);
            let items: Vec<&Value> = state
                .data(&tenant)
                .policies
                .iter()
                .filter(|(p, _)| *p == platform)
                .map(|(_, v)| v)
                .collect();
            let page: Vec<Value> = items
                .iter()
                .skip(skip)
                .take(1)
                .map(|v| {
                    let mut summary = (*v).clone();
                    if let Some(map) = summary.as_object_mut() {
                        map.remove("apps");
                        map.remove("assignments");
                    }
                    summary
                })
                .collect();
            let mut response = json!({"value": page});
            if skip + 1 < items.len() {
                let next_base = state.next_link_base.as_deref().unwrap_or(base);
                response["@odata.nextLink"] =
                    json!(format!("{next_base}{path}?$skiptoken={}", skip + 1));
            }
            json_response(200, &response)
        }
        ("GET", ["deviceAppManagement", collection, id]) => {
            let platform = platform_of(collection);
            match state
                .data(&tenant)
                .policies
                .iter()
                .find(|(p, v)| Some(*p) == platform && v["id"] == *id)
            {
                Some((_, policy)) => {
                    let mut full = policy.clone();
                    full.as_object_mut()
                        .map(|m| m.entry("apps").or_insert(json!([])));
                    full.as_object_mut()
                        .map(|m| m.entry("assignments").or_insert(json!([])));
                    json_response(200, &full)
                }
                None => graph_error(404, "ResourceNotFound", "no such policy"),
            }
        }
        ("POST", ["deviceAppManagement", collection]) => {
            let Some(platform) = platform_of(collection) else {
                return graph_error(404, "NotFound", "unknown collection");
            };
            if let Err(message) = check_body(platform, body) {
                return graph_error(400, "BadRequest", &message);
            }
            let mut policy = body.clone();
            let id = format!("T_{:08}", state.next_id);
            state.next_id += 1;
            policy["id"] = json!(id);
            state
                .data(&tenant)
                .policies
                .push((platform, policy.clone()));
            json_response(201, &policy)
        }
        ("PATCH", ["deviceAppManagement", collection, id]) => {
            let platform = platform_of(collection);
            let Some(platform) = platform else {
                return graph_error(404, "NotFound", "unknown collection");
            };
            if let Err(message) = check_body(platform, body) {
                return graph_error(400, "BadRequest", &message);
            }
            match state
                .data(&tenant)
                .policies
                .iter_mut()
                .find(|(p, v)| *p == platform && v["id"] == *id)
            {
                Some((_, policy)) => {
                    for (key, value) in body.as_object().into_iter().flatten() {
                        policy[key] = value.clone();
                    }
                    tiny_http::Response::from_data(Vec::new()).with_status_code(204)
                }
                None => graph_error(404, "ResourceNotFound", "no such policy"),
            }
        }
        ("POST", ["deviceAppManagement", collection, id, action]) => {
            let platform = platform_of(collection);
            let Some((_, policy)) = state
                .data(&tenant)
                .policies
                .iter_mut()
                .find(|(p, v)| Some(*p) == platform && v["id"] == *id)
            else {
                return graph_error(404, "ResourceNotFound", "no such policy");
            };
            match *action {
                "targetApps" => {
                    policy["apps"] = body["apps"].clone();
                    if let Some(group) = body.get("appGroupType") {
                        policy["appGroupType"] = group.clone();
                    }
                }
                "assign" => policy["assignments"] = body["assignments"].clone(),
                _ => return graph_error(400, "BadRequest", "unknown action"),
            }
            tiny_http::Response::from_data(Vec::new()).with_status_code(204)
        }
        ("DELETE", ["deviceAppManagement", collection, id]) => {
            let platform = platform_of(collection);
            state
                .data(&tenant)
                .policies
                .retain(|(p, v)| !(Some(*p) == platform && v["id"] == *id));
            tiny_http::Response::from_data(Vec::new()).with_status_code(204)
        }
        _ => graph_error(400, "BadRequest", "unsupported request"),
    }
}
