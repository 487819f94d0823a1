//! `mamlint lsp`: a Language Server Protocol server over stdio.
//!
//! A client of the data flow like the CLI: it keeps every policy file of the workspace parsed
//! (open buffers over disk contents) in a `lint::incremental::Session`, which keeps each
//! file's findings. A change re-reads and re-checks only the changed file, re-runs the
//! cross-document passes of the files that looked up what it holds and the workspace-wide
//! passes, and settles again only the files whose findings can have changed, so the result
//! is what `lint::check` would say. A changed `mamlint.toml` reloads the workspace and
//! re-checks every file, and so does a changed `*.rego` custom rule file (custom rules are
//! workspace-scope). Only the settled files are converted to LSP form again, and diagnostics
//! are published for every one of them whose findings changed, open or not, because
//! cross-document rules make one file's edit change another's findings. Changes that arrive
//! together are applied together and checked once, so a burst of keystrokes costs one check.
//! Requests are answered from the latest check; a panic in a handler becomes an error
//! response, not a dead server.

pub mod features;
pub mod position;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use gen_lsp_types::{
    CodeDescription, DiagnosticRelatedInformation, DiagnosticSeverity, DiagnosticTag, Hover,
    Location, PublishDiagnosticsParams, Uri,
};
use lsp_server::{Connection, ErrorCode, Message, Notification, Request, Response};
use rayon::prelude::*;
use serde_json::{Value, json};

use crate::config;
use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::incremental::{Session, Settled};
use crate::lint::{self, Bytes, Input, Loaded, Settings};
use crate::model::{Role, WorkspaceFile};
use crate::project::{ConfigChoice, Project, ProjectOptions};
use crate::report::sarif::help_uri;
use crate::selection::Selection;
use crate::uri;
use crate::walk::{self, Candidate};

pub use features::REASON_PLACEHOLDER;
use position::Encoding;

/// Runs the server on stdin/stdout until the client shuts it down.
/// Returns whether the client shut the server down before `exit` (the exit code is 0 then, 1
/// otherwise, as LSP asks).
pub fn run_stdio() -> anyhow::Result<bool> {
    let (connection, io_threads) = Connection::stdio();
    let clean = run(&connection)?;
    drop(connection);
    io_threads.join().context("joining the stdio threads")?;
    Ok(clean)
}

/// Runs the server on a connection (stdio, or in memory for tests); `Ok(true)` when the client
/// sent `shutdown` before `exit`.
pub fn run(connection: &Connection) -> anyhow::Result<bool> {
    let (id, params) = connection.initialize_start()?;
    let mut server = Server::new(&params);
    let result = json!({
        "capabilities": {
            "positionEncoding": match server.encoding { Encoding::Utf8 => "utf-8", Encoding::Utf16 => "utf-16" },
            "textDocumentSync": {"openClose": true, "change": 2, "save": {"includeText": false}},
            "hoverProvider": true,
            "codeActionProvider": {"codeActionKinds": ["quickfix"]},
            "completionProvider": {"triggerCharacters": [":", " ", "-"]},
        },
        "serverInfo": {"name": "mamlint", "version": env!("CARGO_PKG_VERSION")},
    });
    connection.initialize_finish(id, result)?;
    server.register_watchers(connection, &params)?;
    server.load_workspace();
    server.publish(connection)?;
    server.main_loop(connection)
}

/// An open editor buffer.
struct Buffer {
    text: String,
}

struct Server {
    encoding: Encoding,
    root: Option<PathBuf>,
    settings: Settings,
    /// Every file of the workspace, sorted by (absolute) path.
    files: Vec<WorkspaceFile>,
    /// The findings of `files` with `settings`, kept between changes.
    session: Session,
    buffers: HashMap<String, Buffer>,
    /// The latest findings of each file of `files`, with their LSP form.
    diagnostics: Vec<Vec<(Diagnostic, gen_lsp_types::Diagnostic)>>,
    /// The files settled since diagnostics were last published.
    unpublished: Option<Settled>,
    /// What each file was last published with.
    published: HashMap<String, Vec<gen_lsp_types::Diagnostic>>,
    dirty: bool,
    next_request: i32,
    /// Problems reading the workspace, for `window/logMessage`.
    log: Vec<String>,
}

impl Server {
    fn new(params: &Value) -> Self {
        let offered: Vec<&str> = params
            .pointer("/capabilities/general/positionEncodings")
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let encoding = if offered.contains(&"utf-8") {
            Encoding::Utf8
        } else {
            Encoding::Utf16
        };
        let root = params
            .pointer("/workspaceFolders/0/uri")
            .or_else(|| params.get("rootUri"))
            .and_then(Value::as_str)
            .and_then(uri::to_path)
            .or_else(|| {
                params
                    .get("rootPath")
                    .and_then(Value::as_str)
                    .map(str::to_owned)
            })
            .map(PathBuf::from);
        Server {
            encoding,
            root,
            settings: Settings::default(),
            files: Vec::new(),
            session: Session::new(&[], &Settings::default()),
            buffers: HashMap::new(),
            diagnostics: Vec::new(),
            unpublished: None,
            published: HashMap::new(),
            dirty: false,
            next_request: 0,
            log: Vec::new(),
        }
    }

    /// Asks the client to report changes to policy files and mamlint.toml, if it can.
    fn register_watchers(&mut self, connection: &Connection, params: &Value) -> anyhow::Result<()> {
        let dynamic = params
            .pointer("/capabilities/workspace/didChangeWatchedFiles/dynamicRegistration")
            .and_then(Value::as_bool)
            .unwrap_or(false);
        if !dynamic {
            return Ok(());
        }
        self.next_request += 1;
        let request = Request::new(
            lsp_server::RequestId::from(format!("mamlint-watch-{}", self.next_request)),
            "client/registerCapability".to_owned(),
            json!({"registrations": [{
                "id": "mamlint-watch",
                "method": "workspace/didChangeWatchedFiles",
                "registerOptions": {"watchers": [{"globPattern": "**/*.{yaml,yml,json,tf,ps1}"}, {"globPattern": "**/mamlint.toml"}, {"globPattern": "**/*.rego"}]}
            }]}),
        );
        connection.sender.send(Message::Request(request))?;
        Ok(())
    }

    /// Reads the workspace as `mamlint check` would from the root: configuration, `include`
    /// (else every policy file under the root), `context`, without `exclude`. What cannot be
    /// read is logged to the client.
    fn load_workspace(&mut self) {
        self.settings = Settings::default();
        let mut files = Vec::new();
        if let Some(root) = &self.root {
            let request = ProjectOptions {
                root: root.clone(),
                paths: Vec::new(),
                config: ConfigChoice::Discover,
                stdin_filename: None,
                absolute_paths: true,
            };
            match Project::open(&request, || Ok(Vec::new())) {
                Ok(project) => {
                    self.log
                        .extend(project.errors.iter().map(|e| format!("cannot read {e}")));
                    self.settings = project.settings(Selection::default());
                    files = lint::config_files(self.settings.config.as_ref());
                    files.extend(lint::rego_files(&self.settings));
                    let this = &*self;
                    files.par_extend(project.inputs.into_par_iter().filter_map(|input| {
                        this.load(&absolute(&input.candidate.path), input.role)
                    }));
                }
                Err(error) => self.log.push(error.to_string()),
            }
        }
        lint::sort_files(&mut files);
        // A new configuration can change any file's findings (API version, and which files
        // are read at all): every file is checked again.
        self.session = Session::new(&files, &self.settings);
        self.files = files;
        self.dirty = true;
    }

    /// Loads a file from its open buffer or from disk; `None` when it is not a policy file.
    fn load(&self, path: &str, role: Role) -> Option<WorkspaceFile> {
        let bytes = match self.buffers.get(path) {
            Some(buffer) => Bytes::Memory(buffer.text.clone().into_bytes()),
            None => Bytes::Memory(crate::syntax::read_bounded(Path::new(path)).ok()?),
        };
        let input = Input {
            candidate: Candidate {
                path: path.to_owned(),
                explicit: false,
            },
            bytes,
            role,
        };
        match lint::load(input) {
            Loaded::Checked(file) => Some(file),
            Loaded::Skipped(..) | Loaded::Unreadable(_) => None,
        }
    }

    /// Re-reads one file (buffer or disk) into the workspace, or drops it.
    fn refresh(&mut self, path: &str) {
        // Custom rules (spec 10) are workspace-scope and can change any finding, as the
        // configuration can.
        if path.ends_with(config::FILE_NAME) || is_rego(path) {
            self.load_workspace();
            return;
        }
        let is_policy = walk::is_policy_extension(Path::new(path));
        let role = self
            .files
            .iter()
            .find(|f| f.loaded.source.path == path)
            .map_or(Role::Checked, |f| f.role);
        let excluded = self
            .settings
            .config
            .as_ref()
            .is_some_and(|c| c.is_excluded(path));
        let loaded = if is_policy && !excluded {
            self.load(path, role)
        } else {
            None
        };
        let index = self
            .files
            .binary_search_by(|f| f.loaded.source.path.as_str().cmp(path));
        match (index, loaded) {
            (Ok(i), Some(file)) => {
                self.files[i] = file;
                self.session.replaced(&self.files, &self.settings, i);
            }
            (Ok(i), None) => {
                self.files.remove(i);
                self.session.removed(i);
            }
            (Err(i), Some(file)) => {
                self.files.insert(i, file);
                self.session.inserted(&self.files, &self.settings, i);
            }
            (Err(_), None) => {}
        }
        self.dirty = true;
    }

    fn to_lsp(&self, d: &Diagnostic) -> gen_lsp_types::Diagnostic {
        let source = &self.files[d.location.file].loaded.source;
        let mut message = d.message.clone();
        if let Some(help) = &d.help {
            message.push_str(&format!("\nhelp: {help}"));
        }
        let related: Vec<DiagnosticRelatedInformation> = d
            .related
            .iter()
            .filter_map(|r| {
                let file = &self.files.get(r.location.file)?.loaded.source;
                Some(DiagnosticRelatedInformation {
                    location: Location {
                        uri: uri::from_path(&file.path)?,
                        range: position::range(file, r.location.span, self.encoding),
                    },
                    message: r.message.clone(),
                })
            })
            .collect();
        gen_lsp_types::Diagnostic {
            range: position::range(source, d.location.span, self.encoding),
            severity: Some(match d.severity {
                Severity::Error => DiagnosticSeverity::Error,
                Severity::Warning => DiagnosticSeverity::Warning,
                Severity::Info => DiagnosticSeverity::Information,
            }),
            code: Some(gen_lsp_types::Code::String(d.rule.code.to_owned())),
            code_description: help_uri(d.rule)
                .and_then(|uri| uri.parse().ok())
                .map(|href| CodeDescription { href }),
            source: Some("mamlint".to_owned()),
            message: gen_lsp_types::Message::String(message),
            tags: (d.rule.code == crate::rules::UnusedSuppression::META.code)
                .then(|| vec![DiagnosticTag::Unnecessary]),
            related_information: (!related.is_empty()).then_some(related),
            data: None,
        }
    }

    /// Checks the workspace if anything changed.
    fn recheck(&mut self) {
        if !self.dirty {
            return;
        }
        self.dirty = false;
        let checked = self.session.check(&self.files, &self.settings);
        self.log
            .extend(checked.internal_errors.iter().map(ToString::to_string));
        let converted = |file: usize| -> Vec<(Diagnostic, gen_lsp_types::Diagnostic)> {
            self.session
                .reported(file)
                .iter()
                .map(|d| (d.clone(), self.to_lsp(d)))
                .collect()
        };
        match &checked.settled {
            Settled::All => {
                self.diagnostics = (0..self.files.len()).map(converted).collect();
            }
            Settled::Files(files) => {
                let fresh: Vec<_> = files.iter().map(|&f| (f, converted(f))).collect();
                for (file, diagnostics) in fresh {
                    if let Some(slot) = self.diagnostics.get_mut(file) {
                        *slot = diagnostics;
                    }
                }
            }
        }
        self.unpublished = match (self.unpublished.take(), checked.settled) {
            (None, settled) => Some(settled),
            (Some(Settled::Files(mut before)), Settled::Files(now)) => {
                before.extend(now);
                before.sort_unstable();
                before.dedup();
                Some(Settled::Files(before))
            }
            _ => Some(Settled::All),
        };
    }

    /// Publishes the diagnostics of every file whose findings changed since last time.
    fn publish(&mut self, connection: &Connection) -> anyhow::Result<()> {
        let rechecked = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| self.recheck()));
        if rechecked.is_err() {
            // Keep serving the last good diagnostics rather than dying with the editor open.
            self.dirty = false;
            self.log.push(
                "internal error: re-checking the workspace panicked; the diagnostics shown are from the last check, please report this".to_owned(),
            );
        }
        for message in self.log.drain(..) {
            let params = json!({"type": 2, "message": format!("mamlint: {message}")});
            connection
                .sender
                .send(Message::Notification(Notification::new(
                    "window/logMessage".to_owned(),
                    params,
                )))?;
        }
        // Only the files settled since the last publication can have changed; after a check of
        // everything, files may also have gone, so every published file is looked at too.
        let settled: Vec<usize> = match self.unpublished.take() {
            None => Vec::new(),
            Some(Settled::All) => (0..self.files.len()).collect(),
            Some(Settled::Files(files)) => files,
        };
        let everything = settled.len() == self.files.len();
        let mut current: HashMap<String, Vec<gen_lsp_types::Diagnostic>> = HashMap::new();
        for &index in &settled {
            let (Some(file), Some(diagnostics)) =
                (self.files.get(index), self.diagnostics.get(index))
            else {
                continue;
            };
            let lsp: Vec<gen_lsp_types::Diagnostic> = match file.role {
                Role::Context => Vec::new(),
                _ => diagnostics.iter().map(|(_, lsp)| lsp.clone()).collect(),
            };
            current.insert(file.loaded.source.path.clone(), lsp);
        }
        let mut paths: Vec<String> = current.keys().cloned().collect();
        if everything {
            paths.extend(self.published.keys().cloned());
        }
        paths.sort();
        paths.dedup();
        for path in paths {
            let now = current.remove(&path).unwrap_or_default();
            // A file never published counts as published clean.
            if self.published.get(&path).map_or(&[][..], Vec::as_slice) == now.as_slice() {
                continue;
            }
            let Some(uri) = uri::from_path(&path) else {
                continue;
            };
            let params = PublishDiagnosticsParams {
                uri,
                version: None,
                diagnostics: now.clone(),
            };
            connection
                .sender
                .send(Message::Notification(Notification::new(
                    "textDocument/publishDiagnostics".to_owned(),
                    params,
                )))?;
            if now.is_empty() {
                self.published.remove(&path);
            } else {
                self.published.insert(path, now);
            }
        }
        Ok(())
    }

    /// Serves until `exit`. Returns whether `shutdown` came first (LSP: exit code 0, else 1).
    fn main_loop(&mut self, connection: &Connection) -> anyhow::Result<bool> {
        let mut shut_down = false;
        while let Ok(message) = connection.receiver.recv() {
            match message {
                Message::Request(request) if shut_down => {
                    let error = Response::new_err(
                        request.id,
                        ErrorCode::InvalidRequest as i32,
                        "the server is shutting down".to_owned(),
                    );
                    connection.sender.send(Message::Response(error))?;
                }
                Message::Request(request) if request.method == "shutdown" => {
                    shut_down = true;
                    connection
                        .sender
                        .send(Message::Response(Response::new_ok(request.id, Value::Null)))?;
                }
                Message::Request(request) => {
                    self.publish(connection)?;
                    let response = self.respond(request);
                    connection.sender.send(Message::Response(response))?;
                }
                Message::Notification(notification) if notification.method == "exit" => {
                    return Ok(shut_down);
                }
                // After shutdown, only `exit` matters; late responses and notifications are dropped.
                Message::Notification(_) | Message::Response(_) if shut_down => {}
                Message::Notification(notification) => {
                    let method = notification.method.clone();
                    let handled = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                        self.notify(notification);
                    }));
                    if handled.is_err() {
                        self.log.push(format!(
                            "internal error: handling `{method}` panicked, please report this"
                        ));
                    }
                }
                Message::Response(_) => {}
            }
            // Apply every change that is already waiting before checking: a burst of edits
            // is checked once, with the newest text.
            if self.dirty && !shut_down && connection.receiver.is_empty() {
                self.publish(connection)?;
            }
        }
        Ok(shut_down)
    }

    // A dispatch over the notification methods, each arm a few lines; kept in one place so the
    // set of handled notifications reads as one list.
    fn notify(&mut self, notification: Notification) {
        let params = notification.params;
        let path = |pointer: &str| {
            params
                .pointer(pointer)
                .and_then(Value::as_str)
                .and_then(uri::to_path)
        };
        match notification.method.as_str() {
            "textDocument/didOpen" => {
                if let (Some(path), Some(text)) = (
                    path("/textDocument/uri"),
                    params.pointer("/textDocument/text").and_then(Value::as_str),
                ) {
                    self.buffers.insert(
                        path.clone(),
                        Buffer {
                            text: text.to_owned(),
                        },
                    );
                    self.refresh(&path);
                }
            }
            "textDocument/didChange" => {
                let Some(path) = path("/textDocument/uri") else {
                    return;
                };
                let Some(buffer) = self.buffers.get_mut(&path) else {
                    return;
                };
                for change in params
                    .get("contentChanges")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                {
                    let Some(text) = change.get("text").and_then(Value::as_str) else {
                        continue;
                    };
                    match change.get("range").and_then(|r| {
                        serde_json::from_value::<gen_lsp_types::Range>(r.clone()).ok()
                    }) {
                        Some(range) => {
                            let start = position::offset(&buffer.text, range.start, self.encoding);
                            let end =
                                position::offset(&buffer.text, range.end, self.encoding).max(start);
                            buffer.text.replace_range(start..end, text);
                        }
                        None => buffer.text = text.to_owned(),
                    }
                }
                self.refresh(&path);
            }
            "textDocument/didClose" => {
                if let Some(path) = path("/textDocument/uri") {
                    self.buffers.remove(&path);
                    self.refresh(&path);
                }
            }
            "textDocument/didSave" => {
                if let Some(path) = path("/textDocument/uri")
                    .filter(|p| p.ends_with(config::FILE_NAME) || is_rego(p))
                {
                    self.refresh(&path);
                }
            }
            "workspace/didChangeWatchedFiles" => {
                for change in params
                    .get("changes")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                {
                    let Some(path) = change
                        .get("uri")
                        .and_then(Value::as_str)
                        .and_then(uri::to_path)
                    else {
                        continue;
                    };
                    if change.get("type").and_then(Value::as_u64) == Some(3) {
                        self.buffers.remove(&path);
                    }
                    if !self.buffers.contains_key(&path) {
                        self.refresh(&path);
                    }
                }
            }
            _ => {}
        }
    }

    fn file_index(&self, uri: &str) -> Option<usize> {
        let path = uri::to_path(uri)?;
        self.files.iter().position(|f| f.loaded.source.path == path)
    }

    fn respond(&mut self, request: Request) -> Response {
        let id = request.id.clone();
        let outcome =
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| self.handle(request)));
        match outcome {
            Ok(Ok(value)) => Response::new_ok(id, value),
            Ok(Err((code, message))) => Response::new_err(id, code as i32, message),
            Err(_) => {
                self.log.push(
                    "internal error: a request handler panicked, please report this".to_owned(),
                );
                Response::new_err(
                    id,
                    ErrorCode::InternalError as i32,
                    "mamlint failed on this request".to_owned(),
                )
            }
        }
    }

    fn handle(&mut self, request: Request) -> Result<Value, (ErrorCode, String)> {
        let params = &request.params;
        let uri = params
            .pointer("/textDocument/uri")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        let position = |pointer: &str| {
            params
                .pointer(pointer)
                .and_then(|p| serde_json::from_value::<gen_lsp_types::Position>(p.clone()).ok())
        };
        match request.method.as_str() {
            "textDocument/hover" => {
                let (Some(file), Some(at)) = (self.file_index(&uri), position("/position")) else {
                    return Ok(Value::Null);
                };
                let offset =
                    position::offset(&self.files[file].loaded.source.text, at, self.encoding);
                let hover = features::hover(&self.files, file, offset, &self.settings.custom).map(
                    |markdown| Hover {
                        contents: features::markdown(markdown),
                        range: None,
                    },
                );
                Ok(serde_json::to_value(hover).unwrap_or(Value::Null))
            }
            "textDocument/codeAction" => {
                let (Some(file), Some(start), Some(end)) = (
                    self.file_index(&uri),
                    position("/range/start"),
                    position("/range/end"),
                ) else {
                    return Ok(json!([]));
                };
                let text = &self.files[file].loaded.source.text;
                let range = (
                    position::offset(text, start, self.encoding),
                    position::offset(text, end, self.encoding),
                );
                let Ok(uri) = uri.parse::<Uri>() else {
                    return Ok(json!([]));
                };
                let actions = features::code_actions(
                    &self.files,
                    self.diagnostics.get(file).map_or(&[], Vec::as_slice),
                    file,
                    range,
                    &uri,
                    &uri::from_path,
                    self.encoding,
                );
                Ok(serde_json::to_value(actions).unwrap_or_else(|_| json!([])))
            }
            "textDocument/completion" => {
                let Some(at) = position("/position") else {
                    return Ok(json!([]));
                };
                let Some(path) = uri::to_path(&uri) else {
                    return Ok(json!([]));
                };
                let text = match self.buffers.get(&path) {
                    Some(buffer) => buffer.text.clone(),
                    None => crate::syntax::read_capped(Path::new(&path))
                        .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
                        .unwrap_or_default(),
                };
                let offset = position::offset(&text, at, self.encoding);
                Ok(serde_json::to_value(features::completion(&text, offset))
                    .unwrap_or_else(|_| json!([])))
            }
            method => Err((
                ErrorCode::MethodNotFound,
                format!("mamlint does not handle `{method}`"),
            )),
        }
    }
}

fn is_rego(path: &str) -> bool {
    path.ends_with(".rego")
}

fn absolute(path: &str) -> String {
    std::path::absolute(path)
        .map(|p| p.to_string_lossy().into_owned())
        .unwrap_or_else(|_| path.to_owned())
}
