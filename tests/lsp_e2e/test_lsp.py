"""End-to-end tests of `mamlint lsp`: the real binary over stdio, driven by pytest-lsp as an
editor would drive it (initialize, open, incremental edits, hovers, code actions, completion,
watched files, shutdown).

Expected ranges are computed from the file texts in the test (where the needle is, in the
negotiated encoding), never taken from the server's answers.
"""

from __future__ import annotations

import asyncio

import pytest
from lsprotocol import types
from pygls.exceptions import JsonRpcMethodNotFound
from pytest_lsp import LanguageClient, client_capabilities

from support import (
    ANDROID_PACKAGE,
    ANDROID_POLICY,
    ENTRA_TENANT,
    GRAPH_EXPORT,
    IOS_BUNDLE,
    IOS_POLICY,
    IOS_POLICY_CLEAN,
    MOBILE_APP_POLICY,
    ORGANIZATION,
    RULES_URI,
    TIMEOUT,
    Buffer,
    Workspace,
    barrier,
    codes,
    index_of,
    initialize,
    line_range,
    only,
    position_of,
    range_of,
    summary,
)

VSCODE = "visual-studio-code"  # offers no positionEncodings: UTF-16; dynamic file watchers
NEOVIM = "neovim@v0.11.0"  # offers utf-8, utf-16, utf-32

MAM102_MESSAGE = (
    f"`{ANDROID_PACKAGE}` is the Android package ID of Confluence Cloud, "
    "but this is an iOS/iPadOS policy\n"
    f"help: the iOS/iPadOS bundle ID of Confluence Cloud is `{IOS_BUNDLE}`"
)
MAM403_MESSAGE = (
    "Confluence Cloud is targeted by no iOS/iPadOS app protection policy\n"
    f"help: add `{IOS_BUNDLE}` to the `apps` of an iOS/iPadOS app protection policy"
)


def assert_mam102(d: types.Diagnostic, text: str, encoding: str = "utf-16") -> None:
    assert d.code == "MAM102"
    assert d.source == "mamlint"
    assert d.severity == types.DiagnosticSeverity.Error
    assert d.range == range_of(text, ANDROID_PACKAGE, encoding)
    assert d.message == MAM102_MESSAGE
    assert d.code_description is not None
    assert d.code_description.href == f"{RULES_URI}#mam102-platform-mismatch"
    assert not d.tags
    assert not d.related_information


def assert_mam403(d: types.Diagnostic) -> None:
    assert d.code == "MAM403"
    assert d.source == "mamlint"
    assert d.severity == types.DiagnosticSeverity.Warning
    assert d.range == range_of(MOBILE_APP_POLICY, "confluence-cloud")
    assert d.message == MAM403_MESSAGE
    assert d.code_description.href == f"{RULES_URI}#mam403-coverage-gap"


async def start(client: LanguageClient, workspace: Workspace, spec: str = VSCODE, **kwargs):
    """Initializes like `spec`'s editor and waits for the initial diagnostics to settle."""
    session = await initialize(client, workspace, client_capabilities(spec), **kwargs)
    await barrier(client)
    return session


def hover_text(hover: types.Hover | None) -> str:
    assert hover is not None, "no hover"
    assert isinstance(hover.contents, types.MarkupContent), hover.contents
    assert hover.contents.kind == types.MarkupKind.Markdown
    return hover.contents.value


async def hover_at(client: LanguageClient, uri: str, position: types.Position):
    async with asyncio.timeout(TIMEOUT):
        return await client.text_document_hover_async(
            types.HoverParams(
                text_document=types.TextDocumentIdentifier(uri=uri), position=position
            )
        )


async def code_actions(
    client: LanguageClient, uri: str, where: types.Range, diagnostics: list[types.Diagnostic]
) -> list[types.CodeAction]:
    async with asyncio.timeout(TIMEOUT):
        actions = await client.text_document_code_action_async(
            types.CodeActionParams(
                text_document=types.TextDocumentIdentifier(uri=uri),
                range=where,
                context=types.CodeActionContext(
                    diagnostics=diagnostics, only=[types.CodeActionKind.QuickFix]
                ),
            )
        )
    assert actions is not None
    assert all(isinstance(a, types.CodeAction) for a in actions), actions
    return list(actions)


async def complete(client: LanguageClient, uri: str, position: types.Position):
    async with asyncio.timeout(TIMEOUT):
        result = await client.text_document_completion_async(
            types.CompletionParams(
                text_document=types.TextDocumentIdentifier(uri=uri), position=position
            )
        )
    assert result is not None
    items = result.items if isinstance(result, types.CompletionList) else result
    return {item.label: item for item in items}


# -- (a) the initial diagnostics of a workspace ---------------------------------------------


async def test_initialize_and_initial_diagnostics(client: LanguageClient, workspace: Workspace):
    session = await initialize(client, workspace, client_capabilities(VSCODE))

    caps = session.result.capabilities
    assert session.encoding == "utf-16"
    assert caps.text_document_sync.change == types.TextDocumentSyncKind.Incremental
    assert caps.text_document_sync.open_close is True
    assert caps.hover_provider is True
    assert list(caps.code_action_provider.code_action_kinds) == [types.CodeActionKind.QuickFix]
    assert caps.completion_provider is not None
    assert session.result.server_info.name == "mamlint"

    # The documented way: wait for the first publishDiagnostics of the session.
    async with asyncio.timeout(TIMEOUT):
        first = await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    assert first.uri in {workspace.uri("ios"), workspace.uri("mobile")}

    ios = await client.diagnostics.next(workspace.uri("ios"), since=0)
    assert len(ios) == 1, summary(ios)
    assert_mam102(ios[0], IOS_POLICY)
    mobile = await client.diagnostics.next(workspace.uri("mobile"), since=0)
    assert len(mobile) == 1, summary(mobile)
    assert_mam403(mobile[0])

    # Everything the initial check published has arrived: one publish for each file with
    # findings, none for the clean files or the package.json that is no policy file.
    await barrier(client)
    published = [uri for uri, _ in client.diagnostics.log]
    assert sorted(published) == sorted([workspace.uri("ios"), workspace.uri("mobile")])

    # VS Code allows dynamic registration: the server asks to watch policy files.
    assert [r.method for r in session.registrations] == ["workspace/didChangeWatchedFiles"]
    watchers = session.registrations[0].register_options["watchers"]
    assert {w["globPattern"] for w in watchers} == {"**/*.{yaml,yml,json,tf,ps1}", "**/mamlint.toml", "**/*.rego"}


async def test_clean_workspace_publishes_nothing(client: LanguageClient, workspace: Workspace):
    workspace.write("ios", "policies/acme-ios.yaml", IOS_POLICY_CLEAN)
    # rootUri only, no workspaceFolders: the root still decides the workspace.
    await start(client, workspace, workspace_folders=False)
    assert client.diagnostics.log == []
    # Nothing was published because nothing is wrong, not because nothing was loaded: files
    # that were never opened are known to the server (a hover reads them).
    where = range_of(ANDROID_POLICY, "pinRequired").start
    text = hover_text(await hover_at(client, workspace.uri("android"), where))
    assert text.startswith("**`pinRequired`** (androidManagedAppProtection)")


# -- (b) an edit in one file changes the findings of others --------------------------------


async def test_tenant_edit_publishes_for_changed_files_only(
    client: LanguageClient, workspace: Workspace
):
    await start(client, workspace)
    tenant = Buffer(client, workspace.uri("tenant"), ENTRA_TENANT, "utf-16")
    mark = client.diagnostics.mark()
    tenant.open()
    await barrier(client)
    assert client.diagnostics.since(mark) == [], "opening an unchanged file changes nothing"

    # Remove Confluence's admin consent: MAM301 on the tenant's domain.
    consent = "    - app: confluence-cloud"
    mark = client.diagnostics.mark()
    tenant.apply([types.TextEdit(range=line_range(tenant.text, consent), new_text="")])
    assert consent not in tenant.text
    published = await client.diagnostics.next(tenant.uri, since=mark)
    d = only(published, "MAM301")
    assert len(published) == 1
    assert d.severity == types.DiagnosticSeverity.Error
    assert d.range == range_of(tenant.text, "acme.com", nth=1)  # `domains: [acme.com]`
    assert d.message == (
        "Confluence Cloud has no admin consent in EntraTenant `acme-entra`, which holds the "
        "claimed domain `acme.com`\n"
        "help: in Microsoft Entra, open Enterprise applications > Confluence Cloud by Atlassian"
        " > Permissions > Grant admin consent; then add `- app: confluence-cloud` to"
        " `adminConsent`"
    )
    assert d.code_description.href == f"{RULES_URI}#mam301-missing-admin-consent"
    related = {(r.location.uri, r.message): r.location.range for r in d.related_information}
    assert related == {
        (
            workspace.uri("organization"),
            "domain claimed by the Atlassian organization here",
        ): range_of(ORGANIZATION, "acme.com"),
        (workspace.uri("mobile"), "app handed to Intune here"): range_of(
            MOBILE_APP_POLICY, "confluence-cloud"
        ),
    }
    # The policies' and the mobile app policy's findings did not change: not re-published.
    await barrier(client)
    assert client.diagnostics.uris_since(mark) == {tenant.uri}

    # Undo: the consent line is back, MAM301 is cleared, nothing else is published.
    mark = client.diagnostics.mark()
    end = position_of(tenant.text, len(tenant.text), "utf-16")
    tenant.apply([types.TextEdit(range=types.Range(start=end, end=end), new_text=consent + "\n")])
    assert tenant.text == ENTRA_TENANT
    assert await client.diagnostics.next(tenant.uri, since=mark) == []
    await barrier(client)
    assert client.diagnostics.uris_since(mark) == {tenant.uri}

    # Rename the tenant: both policies (not open) now name no loaded tenant (MAM008).
    mark = client.diagnostics.mark()
    tenant.replace("  name: acme-entra\n", "  name: acme-entra-west\n")
    ios = await client.diagnostics.next(workspace.uri("ios"), since=mark)
    android = await client.diagnostics.next(workspace.uri("android"), since=mark)
    assert codes(ios) == ["MAM008", "MAM102"], summary(ios)
    assert codes(android) == ["MAM008"], summary(android)
    for text, diagnostics in ((IOS_POLICY, ios), (ANDROID_POLICY, android)):
        d = only(diagnostics, "MAM008")
        assert d.range == range_of(text, "acme-entra")
        assert d.message == (
            "`tenant: acme-entra` names no loaded EntraTenant\n"
            "help: did you mean `acme-entra-west`?"
        )
    assert_mam102(only(ios, "MAM102"), IOS_POLICY)
    await barrier(client)
    # The tenant's own findings and the mobile app policy's did not change.
    assert client.diagnostics.uris_since(mark) == {workspace.uri("ios"), workspace.uri("android")}

    # Undo the rename: back to the initial findings.
    mark = client.diagnostics.mark()
    tenant.replace("  name: acme-entra-west\n", "  name: acme-entra\n")
    ios = await client.diagnostics.next(workspace.uri("ios"), since=mark)
    assert len(ios) == 1
    assert_mam102(ios[0], IOS_POLICY)
    assert await client.diagnostics.next(workspace.uri("android"), since=mark) == []
    await barrier(client)
    assert client.diagnostics.uris_since(mark) == {workspace.uri("ios"), workspace.uri("android")}


# -- (c) hovers --------------------------------------------------------------------------------


async def test_hovers(client: LanguageClient, workspace: Workspace):
    await start(client, workspace)
    ios = Buffer(client, workspace.uri("ios"), IOS_POLICY, "utf-16")
    ios.open()

    # A settings key: the Graph property of the policy's platform.
    key = range_of(ios.text, "pinRequired").start
    text = hover_text(await hover_at(client, ios.uri, key))
    assert text.startswith("**`pinRequired`** (iosManagedAppProtection)\n\n")
    assert "\n\nType: `Boolean`; Graph v1.0 and beta\n\n" in text
    # Its value hovers the same property.
    value = range_of(ios.text, "pinRequired: true").end
    value.character -= 2
    assert hover_text(await hover_at(client, ios.uri, value)) == text

    # An enum setting lists its allowed values.
    text = hover_text(
        await hover_at(
            client, ios.uri, range_of(ios.text, "allowedOutboundClipboardSharingLevel").start
        )
    )
    assert "Allowed values: `allApps`, `managedAppsWithPasteIn`, `managedApps`, `blocked`" in text

    # A catalog ID: the app, its platform and its Entra application.
    where = range_of(ios.text, "com.atlassian.jira.app").start
    where.character += 5
    assert hover_text(await hover_at(client, ios.uri, where)) == (
        "**Jira Cloud**: the iOS/iPadOS bundle ID `com.atlassian.jira.app`\n\n"
        "Entra enterprise application: Jira Cloud by Atlassian "
        "(`def4cf53-d350-4ec9-b39e-96cd612c301e`)"
    )
    # The Android ID in the iOS policy is recognised as Android's.
    text = hover_text(await hover_at(client, ios.uri, range_of(ios.text, ANDROID_PACKAGE).start))
    assert text.startswith(f"**Confluence Cloud**: the Android package ID `{ANDROID_PACKAGE}`")

    # An Entra application ID in the tenant file (not open: read from disk).
    where = range_of(ENTRA_TENANT, "def4cf53-d350-4ec9-b39e-96cd612c301e").start
    assert hover_text(await hover_at(client, workspace.uri("tenant"), where)) == (
        "**Jira Cloud**: Entra application ID of Jira Cloud by Atlassian"
    )

    # A catalog key in the MobileAppPolicy: the app, its support and its IDs.
    where = range_of(MOBILE_APP_POLICY, "confluence-cloud").start
    text = hover_text(await hover_at(client, workspace.uri("mobile"), where))
    assert text.startswith(
        "**Confluence Cloud** (`confluence-cloud`), supported with an Intune mobile app policy"
    )
    assert f"`{IOS_BUNDLE}`" in text and f"`{ANDROID_PACKAGE}`" in text

    # Keys that are no settings have no hover.
    assert await hover_at(client, ios.uri, range_of(ios.text, "displayName").start) is None


# -- (d) code actions ------------------------------------------------------------------------


async def test_quick_fix_clears_the_finding(client: LanguageClient, workspace: Workspace):
    await start(client, workspace)
    ios = Buffer(client, workspace.uri("ios"), IOS_POLICY, "utf-16")
    ios.open()
    [finding] = client.diagnostics[ios.uri]
    assert_mam102(finding, ios.text)

    actions = await code_actions(client, ios.uri, finding.range, [finding])
    titles = [a.title for a in actions]
    assert titles == [f"replace with `{IOS_BUNDLE}` (MAM102)", "Ignore MAM102 here, with a reason"]
    fix = actions[0]
    assert fix.kind == types.CodeActionKind.QuickFix
    assert fix.is_preferred is True
    assert [d.code for d in fix.diagnostics] == ["MAM102"]
    assert fix.diagnostics[0].range == finding.range
    assert list(fix.edit.changes) == [ios.uri]
    assert list(fix.edit.changes[ios.uri]) == [
        types.TextEdit(range=range_of(ios.text, ANDROID_PACKAGE), new_text=IOS_BUNDLE)
    ]

    # Apply it as an editor does: the WorkspaceEdit becomes a didChange of the buffer.
    mark = client.diagnostics.mark()
    ios.apply(fix.edit.changes[ios.uri])
    assert ios.text == IOS_POLICY_CLEAN
    assert await client.diagnostics.next(ios.uri, since=mark) == []
    # Confluence Cloud has an iOS policy again: the MobileAppPolicy's MAM403 is gone too.
    assert await client.diagnostics.next(workspace.uri("mobile"), since=mark) == []
    await barrier(client)
    assert client.diagnostics.uris_since(mark) == {ios.uri, workspace.uri("mobile")}
    assert await code_actions(client, ios.uri, finding.range, []) == []


async def test_ignore_with_a_reason(client: LanguageClient, workspace: Workspace):
    await start(client, workspace)
    ios = Buffer(client, workspace.uri("ios"), IOS_POLICY, "utf-16")
    ios.open()
    [finding] = client.diagnostics[ios.uri]
    # A code action request anywhere on the finding's line range.
    actions = await code_actions(client, ios.uri, finding.range, [finding])
    ignore = next(a for a in actions if a.title == "Ignore MAM102 here, with a reason")
    assert ignore.kind == types.CodeActionKind.QuickFix
    line = finding.range.start.line
    at = types.Position(line=line, character=0)
    comment = "    # mamlint: ignore[MAM102] TODO: say why this finding is accepted\n"
    assert list(ignore.edit.changes) == [ios.uri]
    assert list(ignore.edit.changes[ios.uri]) == [
        types.TextEdit(range=types.Range(start=at, end=at), new_text=comment)
    ]

    mark = client.diagnostics.mark()
    ios.apply(ignore.edit.changes[ios.uri])
    published = await client.diagnostics.next(ios.uri, since=mark)
    # MAM102 is suppressed; the placeholder reason is reported (MAM011) until replaced.
    assert "MAM102" not in codes(published), summary(published)
    d = only(published, "MAM011")
    assert d.range.start.line == line, summary(published)

    # A real reason: nothing left in the file.
    mark = client.diagnostics.mark()
    ios.replace("TODO: say why this finding is accepted", "the pilot group uses Android tablets")
    assert await client.diagnostics.next(ios.uri, since=mark) == []

    # Hover on the rule code in the comment explains the rule.
    text = hover_text(await hover_at(client, ios.uri, range_of(ios.text, "MAM102").start))
    assert text.startswith("**MAM102 platform-mismatch** (error)")

    # Fix the ID: the suppression now matches nothing (MAM012, tagged Unnecessary).
    mark = client.diagnostics.mark()
    ios.replace(ANDROID_PACKAGE, IOS_BUNDLE)
    published = await client.diagnostics.next(ios.uri, since=mark)
    d = only(published, "MAM012")
    assert list(d.tags) == [types.DiagnosticTag.Unnecessary]
    assert d.range.start.line == line


async def test_several_changes_in_one_did_change_and_full_sync(
    client: LanguageClient, workspace: Workspace
):
    await start(client, workspace)
    ios = Buffer(client, workspace.uri("ios"), IOS_POLICY, "utf-16")
    ios.open()
    # Two incremental changes in one notification: fix the ID, break `pinRequired`.
    mark = client.diagnostics.mark()
    ios.apply(
        [
            types.TextEdit(range=range_of(ios.text, ANDROID_PACKAGE), new_text=IOS_BUNDLE),
            types.TextEdit(
                range=range_of(ios.text, "pinRequired: true"), new_text="pinRequired: yes"
            ),
        ]
    )
    [d] = await client.diagnostics.next(ios.uri, since=mark)
    assert d.code == "MAM003"
    assert d.range == range_of(ios.text, "yes", nth=0)
    assert d.message.startswith('`pinRequired: yes` is the string "yes" in YAML 1.2, not a boolean')
    assert await client.diagnostics.next(workspace.uri("mobile"), since=mark) == []

    # A change without a range replaces the whole document (full sync, as some editors do).
    mark = client.diagnostics.mark()
    ios.version += 1
    ios.text = IOS_POLICY
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=ios.uri, version=ios.version),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=IOS_POLICY)],
        )
    )
    [d] = await client.diagnostics.next(ios.uri, since=mark)
    assert_mam102(d, IOS_POLICY)
    [gap] = await client.diagnostics.next(workspace.uri("mobile"), since=mark)
    assert_mam403(gap)


async def test_graph_export_json(client: LanguageClient, workspace: Workspace):
    # A Graph export (JSON) next to the manifests, with a duration that is no ISO 8601 one.
    export = GRAPH_EXPORT.replace('"PT12H"', '"12h"')
    workspace.write("export", "policies/exports/ios.json", export)
    await start(client, workspace)
    [d] = client.diagnostics[workspace.uri("export")]
    assert d.code == "MAM007"
    assert d.range == range_of(export, '"12h"')
    assert d.message.startswith(
        '"12h" is not a valid value of `periodOfflineBeforeAccessCheck`: expected an ISO 8601'
    )
    # Hover on a top-level Graph property of the export.
    where = range_of(export, '"minimumPinLength"').start
    where.character += 1
    text = hover_text(await hover_at(client, workspace.uri("export"), where))
    assert text.startswith("**`minimumPinLength`** (iosManagedAppProtection)")

    buffer = Buffer(client, workspace.uri("export"), export, "utf-16")
    buffer.open()
    mark = client.diagnostics.mark()
    buffer.replace('"12h"', '"PT12H"')
    assert await client.diagnostics.next(buffer.uri, since=mark) == []


# -- (e) completion --------------------------------------------------------------------------


async def test_completion(client: LanguageClient, workspace: Workspace):
    await start(client, workspace)
    ios = Buffer(client, workspace.uri("ios"), IOS_POLICY, "utf-16")
    ios.open()

    # A setting being typed under `settings:` (where `minimumPinLength: 6` was).
    ios.replace("    minimumPinLength: 6\n", "    \n")
    where = range_of(ios.text, "    \n").start
    where.character = 4  # the cursor after the indentation
    items = await complete(client, ios.uri, where)
    item = items["minimumPinLength"]
    assert item.kind == types.CompletionItemKind.Property
    assert item.insert_text == "minimumPinLength: "
    assert item.detail == "Int32 (Graph v1.0)"
    assert "pinRequired" not in items, "settings already present are not offered"
    assert "faceIdBlocked" not in items, "settings already present are not offered"
    assert "connectToVpnOnLaunch" not in items, "an Android setting in an iOS policy"

    # A value after `key: `.
    line = "    allowedOutboundClipboardSharingLevel: "
    where = range_of(ios.text, line).end
    items = await complete(client, ios.uri, where)
    assert list(items) == ["allApps", "managedAppsWithPasteIn", "managedApps", "blocked"]
    assert all(i.kind == types.CompletionItemKind.EnumMember for i in items.values())

    # A catalog ID after `- ` under `apps:`: the iOS bundle IDs.
    ios.replace("    - com.atlassian.jira.app\n", "    - com.atlassian.jira.app\n    - \n")
    where = range_of(ios.text, "    - \n").start
    where.character = 6
    items = await complete(client, ios.uri, where)
    assert list(items) == ["com.atlassian.jira.app", "com.atlassian.confluence.app"]
    assert items["com.atlassian.jira.app"].detail == "Jira Cloud (iOS/iPadOS)"


# -- (f) unknown methods -----------------------------------------------------------------------


async def test_unknown_method_is_method_not_found(client: LanguageClient, workspace: Workspace):
    await start(client, workspace)
    where = types.TextDocumentPositionParams(
        text_document=types.TextDocumentIdentifier(uri=workspace.uri("ios")),
        position=types.Position(line=0, character=0),
    )
    # A method of no specification, and one of LSP's that mamlint does not offer.
    requests = [
        ("mamlint/noSuchMethod", {"textDocument": {"uri": workspace.uri("ios")}}),
        (
            types.TEXT_DOCUMENT_DEFINITION,
            types.DefinitionParams(text_document=where.text_document, position=where.position),
        ),
    ]
    for method, params in requests:
        with pytest.raises(JsonRpcMethodNotFound) as error:
            async with asyncio.timeout(TIMEOUT):
                await client.protocol.send_request_async(method, params)
        assert error.value.code == -32601
        assert error.value.message == f"mamlint does not handle `{method}`"
    # The server is still there.
    await barrier(client)


# -- (g) position encodings --------------------------------------------------------------------

# One line with non-ASCII text before the finding: ä and ö are 2 UTF-8 bytes and 1 UTF-16 unit,
# 😀 is 4 UTF-8 bytes and 2 UTF-16 units.
NON_ASCII_IOS_POLICY = IOS_POLICY_CLEAN.replace(
    "  apps:\n    - com.atlassian.jira.app\n    - com.atlassian.confluence.app\n",
    f'  apps: [com.atlassian.jira.app, "com.exämple.nötes-😀", {ANDROID_PACKAGE}]   # Zürich 😀\n',
)


@pytest.mark.parametrize(
    ("spec", "encoding", "column", "newline"),
    [(NEOVIM, "utf-8", 61, "\n"), (VSCODE, "utf-16", 57, "\n"), (VSCODE, "utf-16", 57, "\r\n")],
    ids=["utf-8", "utf-16", "utf-16-crlf"],
)
async def test_position_encoding(
    client: LanguageClient,
    workspace: Workspace,
    spec: str,
    encoding: str,
    column: int,
    newline: str,
):
    policy = NON_ASCII_IOS_POLICY.replace("\n", newline)
    workspace.write("ios", "policies/acme-ios.yaml", policy)
    session = await start(client, workspace, spec)
    assert session.encoding == encoding
    assert session.result.capabilities.position_encoding == encoding

    [finding] = client.diagnostics[workspace.uri("ios")]
    expected = range_of(policy, ANDROID_PACKAGE, encoding)
    assert expected.start.character == column  # 56 characters before it, 3 of them non-ASCII
    assert finding.range == expected
    assert finding.range.end.character - finding.range.start.character == len(ANDROID_PACKAGE)

    ios = Buffer(client, workspace.uri("ios"), policy, encoding)
    ios.open()
    # Hover a few characters into the ID: in the wrong encoding this lands elsewhere.
    where = types.Position(line=expected.start.line, character=expected.start.character + 3)
    text = hover_text(await hover_at(client, ios.uri, where))
    assert text.startswith(f"**Confluence Cloud**: the Android package ID `{ANDROID_PACKAGE}`")

    # The quick fix's range, applied in this encoding, replaces exactly the ID.
    [fix, _] = await code_actions(client, ios.uri, finding.range, [finding])
    assert list(fix.edit.changes[ios.uri]) == [types.TextEdit(range=expected, new_text=IOS_BUNDLE)]
    mark = client.diagnostics.mark()
    ios.apply(fix.edit.changes[ios.uri])
    assert ios.text == policy.replace(ANDROID_PACKAGE, IOS_BUNDLE)
    assert await client.diagnostics.next(ios.uri, since=mark) == []

    # An incremental edit after the non-ASCII text, in this encoding: break the ID again.
    mark = client.diagnostics.mark()
    ios.replace(IOS_BUNDLE, ANDROID_PACKAGE)
    [again] = await client.diagnostics.next(ios.uri, since=mark)
    assert again.code == "MAM102"
    assert again.range == expected
    # Round trip of the positions used above.
    assert index_of(ios.text, position_of(ios.text, 100, encoding), encoding) == 100


async def test_crlf_ranges_end_before_the_line_break(client: LanguageClient, workspace: Workspace):
    # Intune exports and Windows editors write CRLF; the ID ends its line, before `\r`.
    policy = IOS_POLICY.replace("\n", "\r\n")
    workspace.write("ios", "policies/acme-ios.yaml", policy)
    await start(client, workspace)
    [finding] = client.diagnostics[workspace.uri("ios")]
    assert finding.range == range_of(IOS_POLICY, ANDROID_PACKAGE)  # same as with LF
    assert finding.range.end.character == len(f"    - {ANDROID_PACKAGE}")

    ios = Buffer(client, workspace.uri("ios"), policy, "utf-16")
    ios.open()
    [fix, _] = await code_actions(client, ios.uri, finding.range, [finding])
    mark = client.diagnostics.mark()
    ios.apply(fix.edit.changes[ios.uri])
    assert ios.text == IOS_POLICY_CLEAN.replace("\n", "\r\n")
    assert await client.diagnostics.next(ios.uri, since=mark) == []


# -- closing a buffer, and mamlint.toml ------------------------------------------------------


async def test_closing_an_unsaved_buffer_reverts_to_disk(
    client: LanguageClient, workspace: Workspace
):
    await start(client, workspace)
    ios = Buffer(client, workspace.uri("ios"), IOS_POLICY, "utf-16")
    ios.open()
    mark = client.diagnostics.mark()
    ios.replace(ANDROID_PACKAGE, IOS_BUNDLE)
    assert await client.diagnostics.next(ios.uri, since=mark) == []
    assert await client.diagnostics.next(workspace.uri("mobile"), since=mark) == []

    # Closed without saving: the file on disk (with the finding) counts again.
    mark = client.diagnostics.mark()
    ios.close()
    [again] = await client.diagnostics.next(ios.uri, since=mark)
    assert_mam102(again, IOS_POLICY)
    [gap] = await client.diagnostics.next(workspace.uri("mobile"), since=mark)
    assert_mam403(gap)


async def test_configuration_and_context_files(client: LanguageClient, workspace: Workspace):
    # The editor opens only the policies folder; mamlint.toml one level up names the
    # Organization, the tenant and the mobile app policy as context and re-levels MAM102.
    config = workspace.write(
        "config",
        "mamlint.toml",
        'context = ["organization.yaml", "entra-tenant.yaml", "mobile-app-policy.yaml"]\n'
        "\n[rules]\n"
        'severity = { MAM102 = "warning" }\n',
    )
    policies = Workspace(workspace.root / "policies", workspace.files)
    await start(client, policies)

    # The policies' `tenant: acme-entra` resolves (no MAM008), MAM102 is a warning, and the
    # MAM403 that lies only in a context file is not reported.
    assert client.diagnostics.uris_since(0) == {workspace.uri("ios")}
    [finding] = client.diagnostics[workspace.uri("ios")]
    assert finding.code == "MAM102"
    assert finding.severity == types.DiagnosticSeverity.Warning
    assert finding.range == range_of(IOS_POLICY, ANDROID_PACKAGE)

    # The configuration is edited and saved: the workspace is reloaded with it.
    config.write_text(config.read_text().replace('"warning"', '"info"'), encoding="utf-8")
    mark = client.diagnostics.mark()
    client.text_document_did_save(
        types.DidSaveTextDocumentParams(
            text_document=types.TextDocumentIdentifier(uri=config.as_uri())
        )
    )
    [finding] = await client.diagnostics.next(workspace.uri("ios"), since=mark)
    assert finding.code == "MAM102"
    assert finding.severity == types.DiagnosticSeverity.Information
    await barrier(client)
    assert client.diagnostics.uris_since(mark) == {workspace.uri("ios")}


# -- watched files -----------------------------------------------------------------------------


async def test_watched_files(client: LanguageClient, workspace: Workspace):
    await start(client, workspace)
    ios_uri = workspace.uri("ios")
    assert codes(client.diagnostics[ios_uri]) == ["MAM102"]

    # The iOS policy is deleted on disk: its diagnostics are cleared, and neither app has an
    # iOS policy now.
    workspace.path("ios").unlink()
    mark = client.diagnostics.mark()
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(
            changes=[types.FileEvent(uri=ios_uri, type=types.FileChangeType.Deleted)]
        )
    )
    assert await client.diagnostics.next(ios_uri, since=mark) == []
    mobile = await client.diagnostics.next(workspace.uri("mobile"), since=mark)
    assert [d.message.split("\n")[0] for d in mobile] == [
        "Jira Cloud is targeted by no iOS/iPadOS app protection policy",
        "Confluence Cloud is targeted by no iOS/iPadOS app protection policy",
    ]

    # The Android policy changes on disk (not open): Tunnel on launch is MAM401.
    android = workspace.path("android")
    android.write_text(
        ANDROID_POLICY.replace("connectToVpnOnLaunch: false", "connectToVpnOnLaunch: true"),
        encoding="utf-8",
    )
    mark = client.diagnostics.mark()
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(
            changes=[types.FileEvent(uri=android.as_uri(), type=types.FileChangeType.Changed)]
        )
    )
    [d] = await client.diagnostics.next(android.as_uri(), since=mark)
    assert d.code == "MAM401"
    assert d.range.start.line == ANDROID_POLICY.split("\n").index(
        "    connectToVpnOnLaunch: false   # Atlassian apps do not support Tunnel on app launch"
    )

    # A clean iOS policy is created: the coverage gap closes, the new file has no findings.
    path = workspace.write("ios2", "policies/acme-ios-v2.yaml", IOS_POLICY_CLEAN)
    mark = client.diagnostics.mark()
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(
            changes=[types.FileEvent(uri=path.as_uri(), type=types.FileChangeType.Created)]
        )
    )
    assert await client.diagnostics.next(workspace.uri("mobile"), since=mark) == []
    await barrier(client)
    assert client.diagnostics.uris_since(mark) == {workspace.uri("mobile")}


# -- (h) shutdown --------------------------------------------------------------------------------


async def test_shutdown_and_exit(client: LanguageClient, workspace: Workspace):
    await start(client, workspace)
    server = client._server  # the server process pytest-lsp started
    async with asyncio.timeout(TIMEOUT):
        await client.shutdown_session()  # shutdown request, then the exit notification
        returncode = await server.wait()
    assert returncode == 0


async def test_shutdown_right_after_initialize_with_a_pending_server_request(
    client: LanguageClient, workspace: Workspace
):
    # VS Code allows dynamic registration, so the server sends client/registerCapability right
    # after `initialized`; the client answers it while it waits for the shutdown response.
    session = await initialize(client, workspace, client_capabilities(VSCODE))
    server = client._server
    async with asyncio.timeout(TIMEOUT):
        await client.shutdown_session()
        returncode = await server.wait()
    assert [r.id for r in session.registrations] == ["mamlint-watch"]
    assert returncode == 0


async def test_exit_without_shutdown_is_an_error(client: LanguageClient, workspace: Workspace):
    await start(client, workspace)
    server = client._server
    client.exit(None)
    async with asyncio.timeout(TIMEOUT):
        returncode = await server.wait()
    assert returncode == 1
