"""Fixtures of the end-to-end tests of `mamlint lsp`: a fresh workspace on disk and a fresh
server, started over stdio by pytest-lsp, for every test. Helpers live in support.py."""

from __future__ import annotations

import asyncio
import os
import pathlib

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

from support import (
    ANDROID_POLICY,
    ENTRA_TENANT,
    IOS_POLICY,
    MAMLINT,
    MOBILE_APP_POLICY,
    ORGANIZATION,
    PACKAGE_JSON,
    TIMEOUT,
    PublishLog,
    Workspace,
)


def pytest_configure(config: pytest.Config) -> None:
    if not os.access(MAMLINT, os.X_OK):
        raise pytest.UsageError(
            f"no mamlint binary at {MAMLINT}: build it (cargo build) or set MAMLINT_BIN"
        )


@pytest.fixture
def workspace(tmp_path: pathlib.Path) -> Workspace:
    # A space in the folder name: URIs must round-trip (file:///…/acme%20policies/…).
    ws = Workspace(tmp_path / "acme policies")
    ws.write("organization", "organization.yaml", ORGANIZATION)
    ws.write("tenant", "entra-tenant.yaml", ENTRA_TENANT)
    ws.write("mobile", "mobile-app-policy.yaml", MOBILE_APP_POLICY)
    ws.write("ios", "policies/acme-ios.yaml", IOS_POLICY)
    ws.write("android", "policies/acme-android.yaml", ANDROID_POLICY)
    ws.write("package", "package.json", PACKAGE_JSON)
    return ws


@pytest_lsp.fixture(config=ClientServerConfig(server_command=[MAMLINT, "lsp"]))
async def client(lsp_client: LanguageClient):
    lsp_client.diagnostics = PublishLog()
    lsp_client.registrations = []

    # Clients that allow dynamic registration get `client/registerCapability` for the file
    # watchers; answer it as an editor would.
    @lsp_client.feature(types.CLIENT_REGISTER_CAPABILITY)
    def register_capability(params: types.RegistrationParams) -> None:
        lsp_client.registrations.extend(params.registrations)

    yield

    # Shut the server down unless the test did; never leave it running.
    server = lsp_client._server
    if server is not None and server.returncode is None:
        try:
            if lsp_client.capabilities is not None and lsp_client.error is None:
                async with asyncio.timeout(TIMEOUT):
                    await lsp_client.shutdown_session()
        except Exception:  # noqa: BLE001 - a broken server is killed below
            pass
        finally:
            if server.returncode is None:
                server.kill()
                await server.wait()
