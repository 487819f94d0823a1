"""Helpers for the end-to-end tests of `mamlint lsp`, driven over stdio by pytest-lsp.

The server binary is `$MAMLINT_BIN`, else `$CARGO_TARGET_DIR/debug/mamlint`, else
`target/debug/mamlint` of this repository (tests/lsp_e2e/run.sh builds it and sets
MAMLINT_BIN).

Every test gets a fresh server (`client`) and a fresh workspace on disk (`workspace`), both
fixtures of conftest.py. The workspace holds an Organization, an EntraTenant with admin consent
for Jira Cloud and Confluence Cloud, an Intune MobileAppPolicy and two AppProtectionPolicies,
adapted from examples/clean. One finding is put in the iOS policy on disk before the server
starts: the Android package ID of Confluence Cloud (MAM102), which also leaves Confluence Cloud
without an iOS policy (MAM403 on the MobileAppPolicy, a cross-file finding).
"""

from __future__ import annotations

import asyncio
import os
import pathlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from lsprotocol import types
from pytest_lsp import LanguageClient

REPO = pathlib.Path(__file__).resolve().parents[2]

# How long any one wait for the server lasts (a debug build on a 2-core CI machine).
TIMEOUT = float(os.environ.get("LSP_E2E_TIMEOUT", "20"))

RULES_URI = "https://github.com/mamlint/mamlint/blob/main/rules/README.md"


def server_binary() -> str:
    if binary := os.environ.get("MAMLINT_BIN"):
        return binary
    target = os.environ.get("CARGO_TARGET_DIR") or str(REPO / "target")
    return str(pathlib.Path(target) / "debug" / "mamlint")


MAMLINT = server_binary()


# -- the workspace ---------------------------------------------------------------------------

ORGANIZATION = """\
# The Atlassian organization, as set up in Atlassian Administration.
apiVersion: mamlint/v1
kind: Organization
metadata:
  name: acme
spec:
  orgId: 3f2b8c1d-6e4a-4b7f-9c2d-1a0e5f6b7c8d
  cloud: commercial
  guard: standard            # Atlassian Guard Standard: needed for an Intune policy
  domains:                   # Settings > Domains
    - name: acme.com
      status: verified
"""

# Confluence's consent is one line, so that removing it leaves a valid manifest.
ENTRA_TENANT = """\
# acme.com lives in one Entra tenant, which needs admin consent for both apps.
apiVersion: mamlint/v1
kind: EntraTenant
metadata:
  name: acme-entra
spec:
  tenantId: 7f0c3a3e-1b2c-4d5e-8f90-a1b2c3d4e5f6
  cloud: global
  domains: [acme.com]
  adminConsent:
    - app: jira-cloud
      appId: def4cf53-d350-4ec9-b39e-96cd612c301e
    - app: confluence-cloud
"""

MOBILE_APP_POLICY = """\
# Security > Mobile app policies > "Use an Intune policy instead"
apiVersion: mamlint/v1
kind: MobileAppPolicy
metadata:
  name: jira-confluence-intune
spec:
  organization: acme
  type: intune
  displayName: Jira and Confluence via Intune
  apps: [jira-cloud, confluence-cloud]
  users: all
"""

IOS_POLICY_CLEAN = """\
apiVersion: mamlint/v1
kind: AppProtectionPolicy
metadata:
  name: acme-atlassian-ios
spec:
  tenant: acme-entra
  platform: ios
  displayName: Atlassian apps (iOS)
  description: Jira Cloud and Confluence Cloud on personal iPhones and iPads.
  appGroupType: selectedPublicApps
  apps:
    - com.atlassian.jira.app
    - com.atlassian.confluence.app
  assignments:
    include: [0b6e2c1a-5f0d-4c5e-9a7b-3d2f1e0c9b8a]   # sg-atlassian-mobile-users
    exclude: [5c7d9e1f-2a4b-4c6d-8e0f-1a2b3c4d5e6f]   # sg-break-glass
  settings:
    # Data protection
    allowedInboundDataTransferSources: managedApps
    allowedOutboundDataTransferDestinations: managedApps
    allowedOutboundClipboardSharingLevel: managedAppsWithPasteIn
    dataBackupBlocked: true
    saveAsBlocked: true
    allowedDataStorageLocations: [oneDriveForBusiness, sharePoint]
    printBlocked: true
    contactSyncBlocked: true
    managedBrowserToOpenLinksRequired: true
    managedBrowser: microsoftEdge
    appDataEncryptionType: whenDeviceLocked
    # Access requirements
    pinRequired: true
    pinCharacterSet: numeric
    minimumPinLength: 6
    simplePinBlocked: true
    maximumPinRetries: 5
    periodBeforePinReset: P365D
    faceIdBlocked: false
    # Conditional launch
    periodOnlineBeforeAccessCheck: PT30M
    periodOfflineBeforeAccessCheck: PT12H
    periodOfflineBeforeWipeIsEnforced: P90D
    minimumRequiredOsVersion: "16.0"
    minimumWarningOsVersion: "17.0"
    appActionIfMaximumPinRetriesExceeded: block
"""

IOS_BUNDLE = "com.atlassian.confluence.app"
ANDROID_PACKAGE = "com.atlassian.android.confluence.core"
# The finding on disk: Confluence's Android package ID in the iOS policy.
IOS_POLICY = IOS_POLICY_CLEAN.replace(f"    - {IOS_BUNDLE}\n", f"    - {ANDROID_PACKAGE}\n")
assert IOS_POLICY != IOS_POLICY_CLEAN

ANDROID_POLICY = """\
apiVersion: mamlint/v1
kind: AppProtectionPolicy
metadata:
  name: acme-atlassian-android
spec:
  tenant: acme-entra
  platform: android
  displayName: Atlassian apps (Android)
  apps:
    - com.atlassian.android.jira.core
    - com.atlassian.android.confluence.core
  assignments:
    include: [0b6e2c1a-5f0d-4c5e-9a7b-3d2f1e0c9b8a]
  settings:
    allowedInboundDataTransferSources: managedApps
    allowedOutboundDataTransferDestinations: managedApps
    allowedOutboundClipboardSharingLevel: managedAppsWithPasteIn
    dataBackupBlocked: true
    saveAsBlocked: true
    screenCaptureBlocked: true
    encryptAppData: true
    printBlocked: true
    pinRequired: true
    pinCharacterSet: numeric
    minimumPinLength: 6
    simplePinBlocked: true
    maximumPinRetries: 5
    fingerprintBlocked: false
    periodOnlineBeforeAccessCheck: PT30M
    periodOfflineBeforeAccessCheck: PT12H
    periodOfflineBeforeWipeIsEnforced: P90D
    minimumRequiredOsVersion: "9.0"
    minimumRequiredPatchVersion: "2024-01-01"
    connectToVpnOnLaunch: false   # Atlassian apps do not support Tunnel on app launch
    requiredAndroidSafetyNetDeviceAttestationType: basicIntegrityAndDeviceCertification
    appActionIfAndroidSafetyNetDeviceAttestationFailed: block
"""

# A Graph export of an iOS app protection policy (as `Get-MgBetaDeviceAppManagement...` saves
# it, trimmed), adapted from examples/clean. Only the tests that want it write it.
GRAPH_EXPORT = """\
{
  "@odata.context": "https://graph.microsoft.com/beta/$metadata#deviceAppManagement/iosManagedAppProtections/$entity",
  "@odata.type": "#microsoft.graph.iosManagedAppProtection",
  "id": "T_6f1c2d3e-4a5b-4c6d-8e7f-9a0b1c2d3e4f",
  "displayName": "Atlassian apps (iOS, exported)",
  "description": "Exported with $expand=apps,assignments.",
  "createdDateTime": "2026-09-01T08:00:00Z",
  "lastModifiedDateTime": "2026-10-12T14:30:00Z",
  "version": "\\"4\\"",
  "isAssigned": true,
  "appGroupType": "selectedPublicApps",
  "pinRequired": true,
  "minimumPinLength": 6,
  "pinCharacterSet": "numeric",
  "allowedOutboundClipboardSharingLevel": "managedAppsWithPasteIn",
  "periodOnlineBeforeAccessCheck": "PT30M",
  "periodOfflineBeforeAccessCheck": "PT12H",
  "periodOfflineBeforeWipeIsEnforced": "P90D",
  "minimumRequiredOsVersion": "16.0",
  "apps": [
    {
      "id": "com.atlassian.jira.app.ios",
      "version": "-1",
      "mobileAppIdentifier": {
        "@odata.type": "#microsoft.graph.iosMobileAppIdentifier",
        "bundleId": "com.atlassian.jira.app"
      }
    }
  ],
  "assignments": [
    {
      "id": "9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a_incl",
      "target": {
        "@odata.type": "#microsoft.graph.groupAssignmentTarget",
        "groupId": "9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a"
      }
    }
  ]
}
"""

# Not a policy file: a walk skips it, so it never gets diagnostics.
PACKAGE_JSON = '{"name": "acme-policies", "private": true}\n'


@dataclass
class Workspace:
    root: pathlib.Path
    files: dict[str, pathlib.Path] = field(default_factory=dict)

    @property
    def root_uri(self) -> str:
        return self.root.as_uri()

    def path(self, name: str) -> pathlib.Path:
        return self.files[name]

    def uri(self, name: str) -> str:
        return self.files[name].as_uri()

    def text(self, name: str) -> str:
        return self.files[name].read_text(encoding="utf-8")

    def write(self, name: str, relative: str, text: str) -> pathlib.Path:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="")
        self.files[name] = path
        return path


# -- positions ------------------------------------------------------------------------------


def units(text: str, encoding: str) -> int:
    """The length of `text` in the code units of an LSP position encoding."""
    if encoding == "utf-8":
        return len(text.encode("utf-8"))
    if encoding == "utf-16":
        return len(text.encode("utf-16-le")) // 2
    raise ValueError(encoding)


def position_of(text: str, index: int, encoding: str) -> types.Position:
    """The LSP position of a Python string index."""
    line = text.count("\n", 0, index)
    line_start = text.rfind("\n", 0, index) + 1
    return types.Position(line=line, character=units(text[line_start:index], encoding))


def index_of(text: str, position: types.Position, encoding: str) -> int:
    """The Python string index of an LSP position (inverse of `position_of`)."""
    lines = text.split("\n")
    assert position.line <= len(lines), (position, len(lines))
    start = sum(len(line) + 1 for line in lines[: position.line])
    line = lines[position.line] if position.line < len(lines) else ""
    count = 0
    for i, ch in enumerate(line):
        if count >= position.character:
            assert count == position.character, f"{position} splits a character"
            return start + i
        count += units(ch, encoding)
    assert count == position.character, f"{position} is past the end of its line"
    return start + len(line)


def range_of(text: str, needle: str, encoding: str = "utf-16", nth: int = 0) -> types.Range:
    """The LSP range of the `nth` occurrence of `needle` in `text`."""
    index = -1
    for _ in range(nth + 1):
        index = text.index(needle, index + 1)
    return types.Range(
        start=position_of(text, index, encoding),
        end=position_of(text, index + len(needle), encoding),
    )


def line_range(text: str, line_text: str) -> types.Range:
    """The range of a whole line (with its line break) given its text."""
    index = text.index(line_text + "\n")
    line = text.count("\n", 0, index)
    return types.Range(
        start=types.Position(line=line, character=0),
        end=types.Position(line=line + 1, character=0),
    )


# -- diagnostics as they arrive -----------------------------------------------------------


class PublishLog(dict):
    """`LanguageClient.diagnostics` that also keeps every publish, in order, and wakes waiters.

    pytest-lsp's client stores each `textDocument/publishDiagnostics` as
    `client.diagnostics[uri] = diagnostics`; with this dict in its place nothing is lost between
    two waits, and a test can tell "published again" from "unchanged".
    """

    def __init__(self) -> None:
        super().__init__()
        self.log: list[tuple[str, list[types.Diagnostic]]] = []
        self._waiters: list[asyncio.Future[None]] = []

    def __setitem__(self, uri: str, diagnostics: Sequence[types.Diagnostic]) -> None:
        super().__setitem__(uri, list(diagnostics))
        self.log.append((uri, list(diagnostics)))
        waiters, self._waiters = self._waiters, []
        for waiter in waiters:
            if not waiter.done():
                waiter.set_result(None)

    def mark(self) -> int:
        """A point in the log; `since(mark)` and `next(..., since=mark)` look after it."""
        return len(self.log)

    def since(self, mark: int, uri: str | None = None) -> list[tuple[str, list[types.Diagnostic]]]:
        return [(u, d) for u, d in self.log[mark:] if uri is None or u == uri]

    def uris_since(self, mark: int) -> set[str]:
        return {u for u, _ in self.log[mark:]}

    async def next(
        self,
        uri: str,
        since: int,
        predicate: Callable[[list[types.Diagnostic]], bool] = lambda _: True,
        timeout: float = TIMEOUT,
    ) -> list[types.Diagnostic]:
        """The first publish for `uri` after `since` that satisfies `predicate`."""
        try:
            async with asyncio.timeout(timeout):
                while True:
                    for u, diagnostics in self.log[since:]:
                        if u == uri and predicate(diagnostics):
                            return diagnostics
                    waiter = asyncio.get_running_loop().create_future()
                    self._waiters.append(waiter)
                    await waiter
        except TimeoutError:
            seen = [(u, summary(d)) for u, d in self.log[since:]]
            raise AssertionError(
                f"no matching publishDiagnostics for {uri} within {timeout}s; "
                f"published after the mark: {seen}"
            ) from None


def summary(diagnostics: Sequence[types.Diagnostic]) -> list[str]:
    return [f"{d.code}@{d.range.start.line}:{d.range.start.character}" for d in diagnostics]


def codes(diagnostics: Sequence[types.Diagnostic]) -> list[str]:
    return sorted(str(d.code) for d in diagnostics)


def only(diagnostics: Sequence[types.Diagnostic], code: str) -> types.Diagnostic:
    found = [d for d in diagnostics if d.code == code]
    assert len(found) == 1, f"expected one {code}, got {summary(diagnostics)}"
    return found[0]


# -- an editor buffer ------------------------------------------------------------------------


class Buffer:
    """An open document as the editor holds it: text, version, and incremental edits sent as
    `textDocument/didChange` with ranges in the negotiated position encoding."""

    def __init__(self, client: LanguageClient, uri: str, text: str, encoding: str) -> None:
        self.client = client
        self.uri = uri
        self.text = text
        self.encoding = encoding
        self.version = 1

    def open(self) -> None:
        self.client.text_document_did_open(
            types.DidOpenTextDocumentParams(
                text_document=types.TextDocumentItem(
                    uri=self.uri, language_id="yaml", version=self.version, text=self.text
                )
            )
        )

    def apply(self, edits: Sequence[types.TextEdit]) -> None:
        """Applies edits (ranges in the original text, as in a WorkspaceEdit) and sends them as
        one didChange, last edit first so earlier ranges stay valid."""
        ordered = sorted(
            edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True
        )
        changes = []
        for edit in ordered:
            start = index_of(self.text, edit.range.start, self.encoding)
            end = index_of(self.text, edit.range.end, self.encoding)
            self.text = self.text[:start] + edit.new_text + self.text[end:]
            changes.append(
                types.TextDocumentContentChangePartial(range=edit.range, text=edit.new_text)
            )
        self.version += 1
        self.client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(
                    uri=self.uri, version=self.version
                ),
                content_changes=changes,
            )
        )

    def replace(self, old: str, new: str) -> types.Range:
        """Replaces the only occurrence of `old`; returns the range that was replaced."""
        assert self.text.count(old) == 1, f"{old!r} occurs {self.text.count(old)} times"
        where = range_of(self.text, old, self.encoding)
        self.apply([types.TextEdit(range=where, new_text=new)])
        return where

    def close(self) -> None:
        self.client.text_document_did_close(
            types.DidCloseTextDocumentParams(
                text_document=types.TextDocumentIdentifier(uri=self.uri)
            )
        )


# -- the server ------------------------------------------------------------------------------


@dataclass
class Session:
    """What a test needs after `initialize`: the result, the negotiated position encoding and
    the capabilities the server registered dynamically (filled in as they arrive)."""

    result: types.InitializeResult
    encoding: str
    registrations: list[types.Registration]


async def initialize(
    client: LanguageClient,
    workspace: Workspace,
    capabilities: types.ClientCapabilities | None = None,
    *,
    workspace_folders: bool = True,
) -> Session:
    """`initialize` + `initialized` with the workspace as root, like an editor opening a folder."""
    params = types.InitializeParams(
        capabilities=capabilities or types.ClientCapabilities(),
        root_uri=workspace.root_uri,
        workspace_folders=(
            [types.WorkspaceFolder(uri=workspace.root_uri, name=workspace.root.name)]
            if workspace_folders
            else None
        ),
        client_info=types.ClientInfo(name="mamlint-lsp-e2e"),
    )
    async with asyncio.timeout(TIMEOUT):
        result = await client.initialize_session(params)
    encoding = result.capabilities.position_encoding or "utf-16"
    return Session(
        result=result,
        encoding=str(getattr(encoding, "value", encoding)),
        registrations=client.registrations,
    )


async def barrier(client: LanguageClient) -> None:
    """A round trip: the server answers requests in order, after publishing what the messages
    before it changed, so once this returns every publish those messages caused has arrived."""
    async with asyncio.timeout(TIMEOUT):
        await client.text_document_hover_async(
            types.HoverParams(
                text_document=types.TextDocumentIdentifier(uri="file:///nonexistent/barrier.yaml"),
                position=types.Position(line=0, character=0),
            )
        )
