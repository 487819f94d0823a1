//! The language server in process (lsp-server's in-memory connection): initialization,
//! cross-file diagnostics, deleted files, hovers, code actions, errors. The end-to-end test
//! with a real LSP client is `tests/lsp_e2e`.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

use lsp_server::{Connection, Message, Notification, Request, RequestId};
use serde_json::{Value, json};

use crate::support::root;

struct Client {
    connection: Connection,
    server: Option<std::thread::JoinHandle<bool>>,
    next_id: i32,
    /// `window/logMessage` texts seen by `published`.
    logs: Vec<String>,
}

fn uri(path: &Path) -> String {
    format!(
        "file://{}",
        mamlint::report::sarif::encode_uri_path(&path.to_string_lossy())
    )
}

impl Client {
    /// Starts a server on a workspace; the client and the server's initialize result.
    fn start(workspace: &Path, capabilities: Value) -> (Client, Value) {
        let (server, client) = Connection::memory();
        let handle = std::thread::spawn(move || mamlint::lsp::run(&server).unwrap());
        let mut client = Client {
            connection: client,
            server: Some(handle),
            next_id: 0,
            logs: Vec::new(),
        };
        let result = client.request(
            "initialize",
            json!({"rootUri": uri(workspace), "capabilities": capabilities}),
        );
        assert!(result["capabilities"]["hoverProvider"].as_bool().unwrap());
        client.notify("initialized", json!({}));
        (client, result)
    }

    fn notify(&self, method: &str, params: Value) {
        self.connection
            .sender
            .send(Message::Notification(Notification::new(
                method.to_owned(),
                params,
            )))
            .unwrap();
    }

    fn send(&mut self, method: &str, params: Value) -> RequestId {
        self.next_id += 1;
        let id = RequestId::from(self.next_id);
        self.connection
            .sender
            .send(Message::Request(Request::new(
                id.clone(),
                method.to_owned(),
                params,
            )))
            .unwrap();
        id
    }

    fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.send(method, params);
        loop {
            match self.recv() {
                Message::Response(response) if response.id == id => {
                    return match response.response_result {
                        Err(error) => json!({"error": error.code}),
                        Ok(result) => result,
                    };
                }
                _ => {}
            }
        }
    }

    /// The next message; the timeout only turns a hung server into a failure.
    fn recv(&self) -> Message {
        self.connection
            .receiver
            .recv_timeout(Duration::from_secs(20))
            .expect("a message from the server")
    }

    /// The diagnostics published for everything sent so far, by file name (a file's last
    /// publication wins).
    ///
    /// Synchronizes on a barrier request, not on a quiet spell: the server handles messages
    /// in order and, before it answers any request, checks every change received so far and
    /// publishes what changed (coalesced edits included). So when the answer arrives, every
    /// publication due to earlier messages has arrived before it, however slow the machine.
    fn published(&mut self) -> BTreeMap<String, Vec<String>> {
        self.published_diagnostics()
            .into_iter()
            .map(|(name, diagnostics)| {
                let codes = diagnostics
                    .iter()
                    .map(|d| d["code"].as_str().unwrap().to_owned())
                    .collect();
                (name, codes)
            })
            .collect()
    }

    /// Like [`Client::published`], with each file's diagnostics as the server sent them.
    fn published_diagnostics(&mut self) -> BTreeMap<String, Vec<Value>> {
        // Any request is a barrier; a hover on a document the server does not know has no
        // effect and answers null.
        let barrier = self.send(
            "textDocument/hover",
            json!({"textDocument": {"uri": "file:///mamlint-test-barrier.yaml"}, "position": {"line": 0, "character": 0}}),
        );
        let mut found = BTreeMap::new();
        loop {
            match self.recv() {
                Message::Response(response) if response.id == barrier => {
                    assert!(
                        matches!(response.response_result, Ok(Value::Null)),
                        "the barrier is answered null: {:?}",
                        response.response_result
                    );
                    return found;
                }
                Message::Notification(n) if n.method == "textDocument/publishDiagnostics" => {
                    let name = n.params["uri"]
                        .as_str()
                        .unwrap()
                        .rsplit('/')
                        .next()
                        .unwrap()
                        .to_owned();
                    found.insert(name, n.params["diagnostics"].as_array().unwrap().clone());
                }
                Message::Notification(n) if n.method == "window/logMessage" => {
                    self.logs
                        .push(n.params["message"].as_str().unwrap_or_default().to_owned());
                }
                _ => {}
            }
        }
    }

    fn shutdown(mut self) {
        self.request("shutdown", Value::Null);
        self.notify("exit", Value::Null);
        assert!(
            self.server.take().unwrap().join().unwrap(),
            "shutdown before exit"
        );
    }
}

fn workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for file in [
        "organization.yaml",
        "mobile-app-policy.yaml",
        "entra-tenants.yaml",
    ] {
        std::fs::copy(
            root().join("examples/clean").join(file),
            dir.path().join(file),
        )
        .unwrap();
    }
    for file in ["acme-ios.yaml", "acme-android.yaml"] {
        std::fs::copy(
            root().join("examples/clean/policies").join(file),
            dir.path().join(file),
        )
        .unwrap();
    }
    dir
}

/// The server reads a workspace as `mamlint check` does from its root (`project.rs` has the
/// command-line side): `include`, `exclude` and `context` of the discovered `mamlint.toml`,
/// and paths it cannot read are logged.
#[test]
fn the_workspace_is_resolved_like_check() {
    let dir = crate::project::repository();
    let (mut client, _) = Client::start(dir.path(), json!({}));
    let published = client.published();
    assert!(
        !published.contains_key("draft-ios.yaml"),
        "excluded: {published:?}"
    );
    assert!(
        published.values().flatten().all(|code| code != "MAM008"),
        "the context resolves the tenant: {published:?}"
    );
    client.shutdown();

    std::fs::remove_file(dir.path().join("mamlint.toml")).unwrap();
    let (mut client, _) = Client::start(dir.path(), json!({}));
    let published = client.published();
    assert!(
        published
            .get("draft-ios.yaml")
            .is_some_and(|c| c.iter().any(|c| c == "MAM007")),
        "without configuration the draft is checked: {published:?}"
    );
    client.shutdown();

    std::fs::write(
        dir.path().join("mamlint.toml"),
        "include = [\"policies\", \"missing\"]\ncontext = [\"org\"]\n",
    )
    .unwrap();
    let (mut client, _) = Client::start(dir.path(), json!({}));
    client.published();
    assert!(
        client
            .logs
            .iter()
            .any(|l| l.contains("cannot read") && l.contains("missing")),
        "{:?}",
        client.logs
    );
    client.shutdown();
}

/// Terraform and DSC files of the workspace get diagnostics like every other policy file.
#[test]
fn terraform_and_dsc_files_are_checked() {
    let dir = workspace();
    for (from, to) in [
        ("tests/fixtures/terraform/invalid-wp-ios.tf", "main.tf"),
        (
            "tests/fixtures/dsc/invalid-MAM405-wipe-before-access.ps1",
            "config.ps1",
        ),
    ] {
        std::fs::copy(root().join(from), dir.path().join(to)).unwrap();
    }
    let (mut client, _) = Client::start(dir.path(), json!({}));
    let published = client.published();
    assert!(
        published
            .get("main.tf")
            .is_some_and(|c| c.iter().any(|c| c == "MAM101")),
        "{published:?}"
    );
    assert!(
        published
            .get("config.ps1")
            .is_some_and(|c| c.iter().any(|c| c == "MAM405")),
        "{published:?}"
    );
    client.shutdown();
}

#[test]
fn edits_in_one_file_republish_others_and_deletes_clear() {
    let dir = workspace();
    let ios = dir.path().join("acme-ios.yaml");
    let text = std::fs::read_to_string(&ios).unwrap().replace(
        "    - com.atlassian.confluence.app",
        "    - com.atlassian.android.confluence.core",
    );
    std::fs::write(&ios, &text).unwrap();
    let (mut client, _) = Client::start(dir.path(), json!({}));
    // The Android ID in the iOS policy, and so Confluence left without an iOS policy.
    assert_eq!(
        client.published(),
        [
            ("acme-ios.yaml".to_owned(), vec!["MAM102".to_owned()]),
            (
                "mobile-app-policy.yaml".to_owned(),
                vec!["MAM403".to_owned()]
            )
        ]
        .into()
    );

    // Remove Confluence's consent in the tenant: MAM301 appears in the tenant file, which is open.
    let tenants = dir.path().join("entra-tenants.yaml");
    let tenant_text = std::fs::read_to_string(&tenants).unwrap();
    client.notify("textDocument/didOpen", json!({"textDocument": {"uri": uri(&tenants), "languageId": "yaml", "version": 1, "text": tenant_text}}));
    let line = tenant_text
        .lines()
        .position(|l| l.contains("- app: confluence-cloud"))
        .unwrap() as u32;
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri(&tenants), "version": 2}, "contentChanges": [{"range": {"start": {"line": line, "character": 0}, "end": {"line": line + 2, "character": 0}}, "text": ""}]}),
    );
    let published = client.published();
    assert_eq!(
        published.get("entra-tenants.yaml"),
        Some(&vec!["MAM301".to_owned()])
    );

    // Hover and code actions on the MAM102 finding of a file that is not open.
    let hover = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri(&ios)}, "position": {"line": 12, "character": 10}}),
    );
    assert!(
        hover["contents"]["value"]
            .as_str()
            .unwrap()
            .contains("Confluence Cloud"),
        "{hover}"
    );
    let actions = client.request("textDocument/codeAction", json!({"textDocument": {"uri": uri(&ios)}, "range": {"start": {"line": 12, "character": 6}, "end": {"line": 12, "character": 6}}, "context": {"diagnostics": []}}));
    let titles: Vec<&str> = actions
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["title"].as_str().unwrap())
        .collect();
    assert_eq!(
        titles,
        [
            "replace with `com.atlassian.confluence.app` (MAM102)",
            "Ignore MAM102 here, with a reason"
        ]
    );
    let edit = &actions[0]["edit"]["changes"][uri(&ios)][0];
    assert_eq!(edit["newText"], "com.atlassian.confluence.app");
    assert_eq!(
        edit["range"],
        json!({"start": {"line": 12, "character": 6}, "end": {"line": 12, "character": 43}})
    );

    // Deleting the policy on disk clears its diagnostics.
    std::fs::remove_file(&ios).unwrap();
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": uri(&ios), "type": 3}]}),
    );
    let published = client.published();
    assert_eq!(published.get("acme-ios.yaml"), Some(&vec![]));

    assert_eq!(
        client.request("mamlint/unknown", json!({})),
        json!({"error": -32601})
    );
    client.shutdown();
}

#[test]
fn utf8_positions_when_the_client_offers_them() {
    let dir = tempfile::tempdir().unwrap();
    let policy = "apiVersion: mamlint/v1\nkind: AppProtectionPolicy\nmetadata: {name: p}\nspec:\n  platform: ios\n  displayName: Pólïcy ✓\n  apps: [\"é\", com.atlassian.android.jira.core]\n  assignments: {include: [0b6e2c1a-5f0d-4c5e-9a7b-3d2f1e0c9b8a]}\n";
    std::fs::write(dir.path().join("p.yaml"), policy).unwrap();
    for (capabilities, encoding, start) in [
        (
            json!({"general": {"positionEncodings": ["utf-8", "utf-16"]}}),
            "utf-8",
            15,
        ),
        (json!({}), "utf-16", 14),
    ] {
        let (client, result) = Client::start(dir.path(), capabilities);
        assert_eq!(result["capabilities"]["positionEncoding"], encoding);
        let diagnostics = loop {
            if let Message::Notification(n) = client.recv()
                && n.method == "textDocument/publishDiagnostics"
            {
                break n.params["diagnostics"].clone();
            }
        };
        assert_eq!(diagnostics[0]["code"], "MAM102");
        assert_eq!(
            diagnostics[0]["range"]["start"],
            json!({"line": 6, "character": start})
        );
        client.shutdown();
    }
}

/// A file's diagnostics as (code, start line, start character, message), the parts a test
/// states.
/// What the client was last sent for each file, as [`summary`]s.
fn published_summaries(client: &mut Client) -> BTreeMap<String, Vec<(String, u64, u64, String)>> {
    client
        .published_diagnostics()
        .into_iter()
        .map(|(name, d)| (name, summary(&d)))
        .collect()
}

fn summary(diagnostics: &[Value]) -> Vec<(String, u64, u64, String)> {
    diagnostics
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_owned(),
                d["range"]["start"]["line"].as_u64().unwrap(),
                d["range"]["start"]["character"].as_u64().unwrap(),
                d["message"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

/// Replaces the first line equal to `from` with `to` in an open document.
fn edit_line(client: &Client, path: &Path, text: &mut String, version: i32, from: &str, to: &str) {
    let line = text.lines().position(|l| l == from).unwrap() as u32;
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri(path), "version": version}, "contentChanges": [{"range": {"start": {"line": line, "character": 0}, "end": {"line": line, "character": from.len()}}, "text": to}]}),
    );
    *text = text.replacen(&format!("{from}\n"), &format!("{to}\n"), 1);
}

fn open(client: &Client, path: &Path, text: &str) {
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri(path), "languageId": "yaml", "version": 1, "text": text}}),
    );
}

/// The server keeps each file's own findings between edits and re-runs only the
/// cross-document rules over the others: an edit of the tenant file breaks, then fixes, the
/// tenant reference of two policy files it does not touch, and only they are republished.
#[test]
fn an_edit_in_one_file_breaks_and_fixes_a_cross_document_finding_in_others() {
    let dir = workspace();
    let tenants = dir.path().join("entra-tenants.yaml");
    let mut text = std::fs::read_to_string(&tenants).unwrap();
    let (mut client, _) = Client::start(dir.path(), json!({}));
    assert_eq!(
        client.published(),
        BTreeMap::new(),
        "the workspace is clean"
    );
    open(&client, &tenants, &text);
    assert_eq!(client.published(), BTreeMap::new());

    edit_line(
        &client,
        &tenants,
        &mut text,
        2,
        "  name: acme-entra",
        "  name: acme-entra-2",
    );
    let dangling = vec![(
        "MAM008".to_owned(),
        5,
        10,
        "`tenant: acme-entra` names no loaded EntraTenant\nhelp: did you mean `acme-entra-2`?"
            .to_owned(),
    )];
    let published = published_summaries(&mut client);
    assert_eq!(
        published,
        [
            ("acme-android.yaml".to_owned(), dangling.clone()),
            ("acme-ios.yaml".to_owned(), dangling),
        ]
        .into(),
        "published only for the files whose findings changed"
    );

    edit_line(
        &client,
        &tenants,
        &mut text,
        3,
        "  name: acme-entra-2",
        "  name: acme-entra",
    );
    assert_eq!(
        client.published(),
        [
            ("acme-android.yaml".to_owned(), vec![]),
            ("acme-ios.yaml".to_owned(), vec![]),
        ]
        .into()
    );
    client.shutdown();
}

/// A changed `mamlint.toml` re-checks every file: the API version it sets changes a file-scope
/// finding (MAM010) kept from before, and ignoring a rule clears a cross-document one.
#[test]
fn a_changed_configuration_rechecks_every_file() {
    let dir = workspace();
    let beta = dir.path().join("beta.yaml");
    std::fs::copy(
        root().join("tests/fixtures/rules/MAM010-beta-only-property/invalid.yaml"),
        &beta,
    )
    .unwrap();
    let (mut client, _) = Client::start(dir.path(), json!({}));
    let no_tenant = (
        "MAM008".to_owned(),
        3,
        0,
        "AppProtectionPolicy `atlassian-ios` has no `tenant`, but 2 EntraTenants are loaded\nhelp: add `tenant:` naming one of `acme-entra`, `acme-labs-entra`".to_owned(),
    );
    let published = client.published_diagnostics();
    assert_eq!(
        published.keys().collect::<Vec<_>>(),
        ["beta.yaml"],
        "{published:?}"
    );
    assert_eq!(
        summary(&published["beta.yaml"]),
        std::slice::from_ref(&no_tenant)
    );

    let config = dir.path().join("mamlint.toml");
    let changed = |client: &Client| {
        client.notify(
            "workspace/didChangeWatchedFiles",
            json!({"changes": [{"uri": uri(&config), "type": 1}]}),
        );
    };
    std::fs::write(&config, "graph-api-version = \"v1.0\"\n").unwrap();
    changed(&client);
    let published = client.published_diagnostics();
    let beta_only = |line: u64, character: u64, message: &str| {
        ("MAM010".to_owned(), line, character, message.to_owned())
    };
    let key = |key: &str| {
        format!(
            "`{key}` exists only in Graph beta; this project deploys through v1.0\nhelp: remove it, or set `graph-api-version = \"beta\"` in mamlint.toml if you deploy through beta"
        )
    };
    let beta_only = vec![
        beta_only(
            10,
            55,
            "`photoLibrary` is a value of `allowedDataStorageLocations` only in Graph beta; this project deploys through v1.0\nhelp: v1.0 accepts `oneDriveForBusiness`, `sharePoint`, `box`, `localStorage`",
        ),
        beta_only(11, 4, &key("genmojiConfigurationState")),
        beta_only(12, 4, &key("appActionIfMaximumPinRetriesExceeded")),
    ];
    let mut both = vec![no_tenant];
    both.extend(beta_only.clone());
    assert_eq!(summary(&published["beta.yaml"]), both);

    std::fs::write(
        &config,
        "graph-api-version = \"v1.0\"\n[rules]\nignore = [\"MAM008\"]\n",
    )
    .unwrap();
    changed(&client);
    let published = client.published_diagnostics();
    assert_eq!(summary(&published["beta.yaml"]), beta_only);

    std::fs::remove_file(&config).unwrap();
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": uri(&config), "type": 3}]}),
    );
    let published = client.published_diagnostics();
    assert_eq!(
        published["beta.yaml"][0]["code"], "MAM008",
        "back to the defaults: {published:?}"
    );
    assert_eq!(published["beta.yaml"].len(), 1);
    client.shutdown();
}

/// After a series of edits (file-scope and cross-document findings, a new buffer, a deleted
/// file), what the server has published equals what a server started afresh on the same
/// contents publishes, diagnostic for diagnostic.
#[test]
fn diagnostics_after_edits_equal_a_fresh_check() {
    let dir = workspace();
    let tenants = dir.path().join("entra-tenants.yaml");
    let ios = dir.path().join("acme-ios.yaml");
    let extra = dir.path().join("extra.yaml");
    let mut tenants_text = std::fs::read_to_string(&tenants).unwrap();
    let mut ios_text = std::fs::read_to_string(&ios).unwrap();
    let (mut client, _) = Client::start(dir.path(), json!({}));
    let mut state = client.published_diagnostics();
    let mut update = |client: &mut Client| {
        for (name, diagnostics) in client.published_diagnostics() {
            state.insert(name, diagnostics);
        }
    };
    open(&client, &tenants, &tenants_text);
    open(&client, &ios, &ios_text);
    edit_line(
        &client,
        &tenants,
        &mut tenants_text,
        2,
        "  name: acme-entra",
        "  name: acme-entra-2",
    );
    update(&mut client);
    // A file-scope finding (MAM102) and a cross-document one it causes (MAM403).
    edit_line(
        &client,
        &ios,
        &mut ios_text,
        2,
        "    - com.atlassian.confluence.app",
        "    - com.atlassian.android.confluence.core",
    );
    edit_line(
        &client,
        &ios,
        &mut ios_text,
        3,
        "  tenant: acme-entra",
        "  tenant: acme-entra-2",
    );
    update(&mut client);
    let extra_text = std::fs::read_to_string(
        root().join("tests/fixtures/rules/MAM010-beta-only-property/invalid.yaml"),
    )
    .unwrap()
    .replace("pinRequired: true", "pinRequired: yes");
    open(&client, &extra, &extra_text);
    update(&mut client);
    std::fs::remove_file(dir.path().join("acme-android.yaml")).unwrap();
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": uri(&dir.path().join("acme-android.yaml")), "type": 3}]}),
    );
    update(&mut client);
    client.shutdown();
    state.retain(|_, diagnostics| !diagnostics.is_empty());
    let codes: BTreeMap<&str, Vec<&str>> = state
        .iter()
        .map(|(name, d)| {
            let codes = d.iter().map(|d| d["code"].as_str().unwrap()).collect();
            (name.as_str(), codes)
        })
        .collect();
    assert_eq!(
        codes,
        [
            ("acme-ios.yaml", vec!["MAM102"]),
            ("extra.yaml", vec!["MAM008", "MAM003"]),
            ("mobile-app-policy.yaml", vec!["MAM403"; 3]),
        ]
        .into(),
        "the edits found something of each kind"
    );

    for (path, text) in [
        (&tenants, &tenants_text),
        (&ios, &ios_text),
        (&extra, &extra_text),
    ] {
        std::fs::write(path, text).unwrap();
    }
    let (mut fresh, _) = Client::start(dir.path(), json!({}));
    assert_eq!(fresh.published_diagnostics(), state);
    fresh.shutdown();
}

/// Custom Rego rules (spec 10) are workspace-scope: a changed `*.rego` file re-checks every
/// file, as a changed `mamlint.toml` does, and a hover on a custom code shows its METADATA.
#[test]
fn a_changed_rego_file_rechecks_the_workspace_and_hovers_show_custom_rules() {
    let dir = workspace();
    std::fs::write(dir.path().join("mamlint.toml"), "").unwrap();
    let rules = dir.path().join(".mamlint/rules");
    std::fs::create_dir_all(&rules).unwrap();
    let pin = rules.join("pin.rego");
    let rule = |min: u32| {
        format!(
            "package mamlint.custom.pin\n\n# METADATA\n# title: PIN of at least {min} digits\n# custom:\n#   code: ACME001\ndeny contains r if {{\n\tsome doc in input.documents\n\tdoc.spec.settings.minimumPinLength < {min}\n\tr := {{\"code\": \"ACME001\", \"msg\": \"short PIN\", \"document\": doc.index, \"path\": \"/spec/settings/minimumPinLength\"}}\n}}\n"
        )
    };
    std::fs::write(&pin, rule(6)).unwrap();
    let (mut client, _) = Client::start(dir.path(), json!({}));
    let published = client.published();
    assert!(published.is_empty(), "6-digit PINs pass: {published:?}");

    std::fs::write(&pin, rule(8)).unwrap();
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": uri(&pin), "type": 2}]}),
    );
    let published = client.published_diagnostics();
    let ios = std::fs::read_to_string(dir.path().join("acme-ios.yaml")).unwrap();
    let line = ios
        .lines()
        .position(|l| l.trim() == "minimumPinLength: 6")
        .unwrap() as u64;
    assert_eq!(
        summary(&published["acme-ios.yaml"]),
        [("ACME001".to_owned(), line, 22, "short PIN".to_owned())]
    );
    assert_eq!(published["acme-android.yaml"].len(), 1, "{published:?}");

    // A hover on the code in a suppression comment shows the rule's METADATA.
    let path = dir.path().join("acme-ios.yaml");
    let text = ios.replace(
        "    minimumPinLength: 6\n",
        "    minimumPinLength: 6   # mamlint: ignore[ACME001] until the Q3 rollout\n",
    );
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri(&path), "languageId": "yaml", "version": 1, "text": text}}),
    );
    let published = client.published();
    assert_eq!(
        published.get("acme-ios.yaml"),
        Some(&Vec::new()),
        "suppressed inline: {published:?}"
    );
    let character = text
        .lines()
        .nth(line as usize)
        .unwrap()
        .find("ACME001")
        .unwrap();
    let hover = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri(&path)}, "position": {"line": line, "character": character + 2}}),
    );
    let markdown = hover["contents"]["value"].as_str().unwrap_or_default();
    assert!(
        markdown.starts_with("**ACME001 pin-of-at-least-8-digits** (error)"),
        "{hover}"
    );
    client.shutdown();
}

/// A duplicate name is reported at the later document (MAM009): renaming the Android policy
/// (the earlier file) to the iOS policy's name makes the finding appear in the iOS file, which
/// the edit does not touch, and renaming it back clears it there.
#[test]
fn renaming_a_document_breaks_and_fixes_a_duplicate_in_another_file() {
    let dir = workspace();
    let android = dir.path().join("acme-android.yaml");
    let mut text = std::fs::read_to_string(&android).unwrap();
    let (mut client, _) = Client::start(dir.path(), json!({}));
    assert_eq!(client.published(), BTreeMap::new());
    open(&client, &android, &text);
    edit_line(
        &client,
        &android,
        &mut text,
        2,
        "  name: acme-atlassian-android",
        "  name: acme-atlassian-ios",
    );
    let published = published_summaries(&mut client);
    assert_eq!(
        published,
        [(
            "acme-ios.yaml".to_owned(),
            vec![(
                "MAM009".to_owned(),
                3,
                8,
                "a second AppProtectionPolicy is named `acme-atlassian-ios`\nhelp: give each document its own `metadata.name`".to_owned()
            )]
        )]
        .into()
    );
    edit_line(
        &client,
        &android,
        &mut text,
        3,
        "  name: acme-atlassian-ios",
        "  name: acme-atlassian-android",
    );
    assert_eq!(
        client.published(),
        [("acme-ios.yaml".to_owned(), vec![])].into()
    );
    client.shutdown();
}
