#!/usr/bin/env python3
"""Generate a large, realistic mamlint policy repository for end-to-end benchmarks.

    python3 benches/generate_repo.py DIR [-n 10000] [--seed 1]

Writes exactly N files under DIR (which must be empty or absent), spread over nested folders:

- ~70% YAML `AppProtectionPolicy` manifests (iOS and Android), 20-30 settings each, with
  apps, assignments and a `tenant:` naming one of a few `EntraTenant`s of the repository;
- ~10% Graph JSON exports (`#microsoft.graph.iosManagedAppProtection` /
  `androidManagedAppProtection`, `$expand=apps,assignments`), as `Get-MgBeta...` or Graph
  Explorer would save them;
- the rest: `Organization`s, `MobileAppPolicy`s, `EntraTenant`s and
  `AppConfigurationPolicy`s.

With `--mixed`, two thirds of the exports' share are other front ends instead: Terraform
files (`intune/terraform/*.tf`, from `examples/terraform/main.tf`) and Microsoft365DSC
configurations (`intune/dsc/*.ps1`, from `examples/dsc/AtlassianAppProtection.ps1`), each
holding an iOS and an Android policy with a display name of its own. Without it the output
is what it always was.

Every `metadata.name` is unique per kind and every app protection policy `displayName` is
unique per platform. The repository is meant to check clean (`mamlint check DIR` exits 0
with no findings). Output is deterministic for a given N and seed. Standard library only.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import uuid

# Mirrors rules/catalog.json: the Atlassian apps with Intune support.
JIRA = {
    "key": "jira-cloud",
    "entra": "def4cf53-d350-4ec9-b39e-96cd612c301e",
    "android": "com.atlassian.android.jira.core",
    "ios": "com.atlassian.jira.app",
}
CONFLUENCE = {
    "key": "confluence-cloud",
    "entra": "6337eee3-da0f-4c22-a340-9b72146c78ff",
    "android": "com.atlassian.android.confluence.core",
    "ios": "com.atlassian.confluence.app",
}
ATLASSIAN = [JIRA, CONFLUENCE]

# Microsoft apps that often share a policy with the Atlassian apps.
MICROSOFT_APPS = {
    "ios": [
        "com.microsoft.Office.Outlook",
        "com.microsoft.skype.teams",
        "com.microsoft.msedge",
    ],
    "android": [
        "com.microsoft.office.outlook",
        "com.microsoft.teams",
        "com.microsoft.emmx",
    ],
}
EDGE = {"ios": "com.microsoft.msedge", "android": "com.microsoft.emmx"}

PLATFORM_LABEL = {"ios": "iOS", "android": "Android"}
GRAPH_TYPE = {
    "ios": "iosManagedAppProtection",
    "android": "androidManagedAppProtection",
}
ID_KEY = {"ios": "bundleId", "android": "packageId"}

BUSINESS_UNITS = [
    "finance",
    "engineering",
    "sales",
    "marketing",
    "support",
    "legal",
    "hr",
    "operations",
    "research",
    "design",
    "security",
    "field-services",
]
REGIONS = ["emea", "amer", "apac", "latam", "anz", "india"]
TENANTS = [
    ("acme-entra", "global"),
    ("acme-labs-entra", "global"),
    ("acme-gov-entra", "usgov"),
    ("acme-emea-entra", "global"),
]

DURATIONS_ONLINE = ["PT30M", "PT15M", "PT1H", "PT45M"]
DURATIONS_OFFLINE = ["PT12H", "PT720M", "P1D", "PT8H"]
DURATIONS_WIPE = ["P90D", "P60D", "P30D", "P45D"]
IOS_VERSIONS = ["16.0", "16.4", "17.0", "17.2"]
ANDROID_VERSIONS = ["9.0", "10.0", "11.0", "12.0"]
PATCH_LEVELS = ["2024-01-01", "2024-03-01", "2024-06-05", "2023-12-01"]
APP_VERSIONS = ["4.21.0", "5.2.1", "3.84.0", "6.0"]
ACTIONS = ["block", "wipe", "warn"]


class Gen:
    def __init__(self, root: str, count: int, seed: int, mixed: bool = False) -> None:
        self.root = root
        self.count = count
        self.rng = random.Random(seed)
        self.written = 0
        self.mixed = mixed

    # -- helpers ---------------------------------------------------------------------------

    def guid(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def pick(self, items):
        return items[self.rng.randrange(len(items))]

    def write(self, relative: str, text: str) -> None:
        path = os.path.join(self.root, relative)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
        self.written += 1

    # -- the plan --------------------------------------------------------------------------

    def plan(self) -> dict:
        n = self.count
        tenants = len(TENANTS) if n >= 100 else 1
        orgs = max(1, n // 100)
        # One Intune mobile app policy per organization, plus an Atlassian-managed policy
        # for every third organization (Opsgenie stays under Atlassian's own policy).
        maps = orgs + orgs // 3
        fixed = tenants + orgs + maps
        if fixed + 4 > n:
            raise SystemExit(f"N={n} is too small; use at least {fixed + 4}")
        rest = n - fixed
        exports = max(2, round(n * 0.10))
        configs = max(0, round(n * 0.20) - fixed - 0)
        configs = min(configs, rest - exports - 2)
        manifests = rest - exports - configs
        terraform = dsc = 0
        if self.mixed:
            terraform = exports // 3
            dsc = exports // 3
            exports -= terraform + dsc
        return {
            "tenants": tenants,
            "orgs": orgs,
            "maps": maps,
            "app_protection": manifests,
            "exports": exports,
            "terraform": terraform,
            "dsc": dsc,
            "app_config": configs,
        }

    def run(self) -> dict:
        plan = self.plan()
        tenants = [name for name, _ in TENANTS[: plan["tenants"]]]
        self.tenant_groups = {t: [self.guid() for _ in range(12)] for t in tenants}
        orgs = self.organizations(plan["orgs"], tenants)
        self.entra_tenants(tenants, orgs)
        self.mobile_app_policies(orgs, plan["maps"])
        self.app_protection_policies(plan["app_protection"], tenants)
        self.graph_exports(plan["exports"], tenants)
        self.from_template(
            plan["terraform"],
            "examples/terraform/main.tf",
            "intune/terraform/atlassian-{i:05d}.tf",
            [('"Atlassian apps (iOS)"', '"Atlassian apps (iOS) - terraform {i:05d}"'),
             ('"Atlassian apps (Android)"', '"Atlassian apps (Android) - terraform {i:05d}"')],
        )
        self.from_template(
            plan["dsc"],
            "examples/dsc/AtlassianAppProtection.ps1",
            "intune/dsc/AtlassianAppProtection-{i:05d}.ps1",
            [("'Jira and Confluence (iOS)'", "'Jira and Confluence (iOS) - dsc {i:05d}'"),
             ("'Jira and Confluence (Android)'", "'Jira and Confluence (Android) - dsc {i:05d}'")],
        )
        self.app_configuration_policies(plan["app_config"], tenants)
        assert self.written == self.count, (self.written, self.count)
        return plan

    # -- kinds -----------------------------------------------------------------------------

    def organizations(self, count: int, tenants: list[str]) -> list[dict]:
        orgs = []
        for i in range(count):
            name = "acme" if i == 0 else f"acme-sub-{i:03d}"
            domains = []
            for d in range(1 + i % 3):
                domain = "acme.com" if (i, d) == (0, 0) else f"{name}-{d}.example.com"
                domains.append(
                    {"name": domain, "tenant": tenants[(i + d) % len(tenants)]}
                )
            orgs.append({"name": name, "domains": domains})
            lines = [
                "# The Atlassian organization, as set up in Atlassian Administration.",
                "apiVersion: mamlint/v1",
                "kind: Organization",
                "metadata:",
                f"  name: {name}",
                "spec:",
                f"  orgId: {self.guid()}",
                "  cloud: commercial",
                f"  guard: {self.pick(['standard', 'standard', 'premium'])}   # Intune policies need Guard",
                "  domains:                   # Settings > Domains",
            ]
            for domain in domains:
                lines.append(f"    - name: {domain['name']}")
                lines.append("      status: verified")
            if i % 4 == 1:
                lines.append(f"    - name: {name}-pending.example.org")
                lines.append("      status: unverified")
            self.write(f"atlassian/organizations/{name}.yaml", "\n".join(lines) + "\n")
        return orgs

    def entra_tenants(self, tenants: list[str], orgs: list[dict]) -> None:
        for index, name in enumerate(tenants):
            cloud = TENANTS[index][1]
            domains = [
                d["name"] for o in orgs for d in o["domains"] if d["tenant"] == name
            ]
            lines = [
                f"# Entra tenant {name}: admin consent for Jira Cloud and Confluence Cloud.",
                "apiVersion: mamlint/v1",
                "kind: EntraTenant",
                "metadata:",
                f"  name: {name}",
                "spec:",
                f"  tenantId: {self.guid()}",
                f"  cloud: {cloud}",
            ]
            if domains:
                lines.append("  domains:")
                lines.extend(f"    - {d}" for d in domains)
            lines.append("  adminConsent:")
            for app in ATLASSIAN:
                if index % 2 == 0:
                    lines.append(f"    - app: {app['key']}")
                    lines.append(f"      appId: {app['entra']}")
                else:
                    lines.append(f"    - app: {app['key']}")
            self.write(f"entra/{name}.yaml", "\n".join(lines) + "\n")

    def mobile_app_policies(self, orgs: list[dict], count: int) -> None:
        for i in range(count):
            org = orgs[i % len(orgs)]
            intune = i < len(orgs)
            name = f"{org['name']}-{'intune' if intune else 'atlassian'}"
            if intune:
                body = [
                    '# Security > Mobile app policies > "Use an Intune policy instead"',
                    "apiVersion: mamlint/v1",
                    "kind: MobileAppPolicy",
                    "metadata:",
                    f"  name: {name}",
                    "spec:",
                    f"  organization: {org['name']}",
                    "  type: intune",
                    f"  displayName: Jira and Confluence via Intune ({org['name']})",
                    "  apps: [jira-cloud, confluence-cloud]",
                    f"  users: {self.pick(['all', 'all', 'specific'])}",
                ]
            else:
                body = [
                    "# Opsgenie has no Intune support: it stays on Atlassian's own policy.",
                    "apiVersion: mamlint/v1",
                    "kind: MobileAppPolicy",
                    "metadata:",
                    f"  name: {name}",
                    "spec:",
                    f"  organization: {org['name']}",
                    "  type: atlassian",
                    f"  displayName: Opsgenie on mobile ({org['name']})",
                    "  apps: [opsgenie]",
                    "  users: specific",
                ]
            self.write(
                f"atlassian/mobile-app-policies/{name}.yaml", "\n".join(body) + "\n"
            )

    def settings(self, platform: str) -> list[tuple[str, object, str | None]]:
        """20-30 (key, value, comment) settings for a platform, in Graph's value encoding.

        A comment `section:X` is written as a `# X` line above the key, others trail it."""
        r = self.rng
        pin = r.random() < 0.9
        s: list[tuple[str, object, str | None]] = [
            (
                "allowedInboundDataTransferSources",
                self.pick(["managedApps", "managedApps", "allApps"]),
                "section:Data protection",
            ),
            ("allowedOutboundDataTransferDestinations", "managedApps", None),
            (
                "allowedOutboundClipboardSharingLevel",
                self.pick(["managedAppsWithPasteIn", "managedApps", "blocked"]),
                None,
            ),
            ("dataBackupBlocked", True, None),
            ("saveAsBlocked", True, None),
            (
                "allowedDataStorageLocations",
                ["oneDriveForBusiness", "sharePoint"],
                None,
            ),
            ("printBlocked", r.random() < 0.8, None),
            ("contactSyncBlocked", r.random() < 0.7, None),
            ("managedBrowserToOpenLinksRequired", True, None),
            ("managedBrowser", "microsoftEdge", None),
            ("pinRequired", pin, "section:Access requirements"),
        ]
        if pin:
            s += [
                (
                    "pinCharacterSet",
                    self.pick(["numeric", "alphanumericAndSymbol"]),
                    None,
                ),
                ("minimumPinLength", self.pick([4, 6, 6, 8]), None),
                ("simplePinBlocked", True, None),
                ("maximumPinRetries", self.pick([5, 5, 10]), None),
                ("periodBeforePinReset", self.pick(["P90D", "P365D"]), None),
                (
                    "appActionIfMaximumPinRetriesExceeded",
                    self.pick(["block", "wipe"]),
                    None,
                ),
                ("previousPinBlockCount", self.pick([0, 3, 5]), None),
            ]
        s += [
            ("organizationalCredentialsRequired", False, None),
            (
                "periodOnlineBeforeAccessCheck",
                self.pick(DURATIONS_ONLINE),
                "section:Conditional launch",
            ),
            ("periodOfflineBeforeAccessCheck", self.pick(DURATIONS_OFFLINE), None),
            ("periodOfflineBeforeWipeIsEnforced", self.pick(DURATIONS_WIPE), None),
            (
                "maximumAllowedDeviceThreatLevel",
                self.pick(["secured", "low", "notConfigured"]),
                None,
            ),
            ("mobileThreatDefenseRemediationAction", "block", None),
            (
                "notificationRestriction",
                self.pick(["allow", "blockOrganizationalData"]),
                None,
            ),
        ]
        if platform == "ios":
            s += [
                (
                    "appDataEncryptionType",
                    self.pick(["whenDeviceLocked", "whenDeviceLockedExceptOpenFiles"]),
                    None,
                ),
                ("faceIdBlocked", False, None),
                ("minimumRequiredOsVersion", self.pick(IOS_VERSIONS), None),
                ("minimumWarningOsVersion", "17.4", None),
                ("minimumRequiredAppVersion", self.pick(APP_VERSIONS), None),
                ("thirdPartyKeyboardsBlocked", r.random() < 0.5, None),
                ("filterOpenInToOnlyManagedApps", True, None),
                ("protectInboundDataFromUnknownSources", r.random() < 0.3, None),
                ("genmojiConfigurationState", "blocked", None),
                ("writingToolsConfigurationState", "blocked", None),
                (
                    "screenCaptureConfigurationState",
                    self.pick(["blocked", "notBlocked"]),
                    None,
                ),
            ]
        else:
            s += [
                ("screenCaptureBlocked", True, None),
                ("encryptAppData", True, None),
                ("fingerprintBlocked", False, None),
                ("minimumRequiredOsVersion", self.pick(ANDROID_VERSIONS), None),
                ("minimumRequiredPatchVersion", self.pick(PATCH_LEVELS), None),
                ("minimumWarningAppVersion", self.pick(APP_VERSIONS), None),
                (
                    "connectToVpnOnLaunch",
                    False,
                    "Atlassian apps do not support Tunnel on app launch",
                ),
                (
                    "requiredAndroidSafetyNetDeviceAttestationType",
                    "basicIntegrityAndDeviceCertification",
                    None,
                ),
                (
                    "appActionIfAndroidSafetyNetDeviceAttestationFailed",
                    self.pick(ACTIONS[:2]),
                    None,
                ),
                (
                    "requiredAndroidSafetyNetEvaluationType",
                    self.pick(["basic", "hardwareBacked"]),
                    None,
                ),
                ("keyboardsRestricted", False, None),
                ("deviceLockRequired", r.random() < 0.5, None),
            ]
        # Trim optional settings so policies vary between 20 and 30 settings.
        keep = r.randint(20, 30)
        protected = {
            "pinRequired",
            "periodOnlineBeforeAccessCheck",
            "periodOfflineBeforeAccessCheck",
            "periodOfflineBeforeWipeIsEnforced",
            "minimumRequiredOsVersion",
            "connectToVpnOnLaunch",
            "allowedInboundDataTransferSources",
        }
        while len(s) > keep:
            idx = r.randrange(len(s))
            if s[idx][0] not in protected:
                del s[idx]
        return s

    def yaml_value(self, value: object) -> str:
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, int):
            return str(value)
        if isinstance(value, list):
            return "[" + ", ".join(self.yaml_value(v) for v in value) + "]"
        text = str(value)
        # Versions and dates must stay strings: quote anything that starts with a digit.
        if text[:1].isdigit():
            return json.dumps(text)
        return text

    def apps_for(self, platform: str, index: int) -> list[str]:
        # The first policies of each platform list both Atlassian apps (coverage); then a mix.
        roll = self.rng.random() if index >= 4 else 0.0
        if roll < 0.75:
            apps = [JIRA[platform], CONFLUENCE[platform]]
        elif roll < 0.88:
            apps = [JIRA[platform]]
        else:
            apps = [CONFLUENCE[platform]]
        if self.rng.random() < 0.25:
            apps += self.rng.sample(MICROSOFT_APPS[platform], self.rng.randint(1, 2))
        return apps

    def app_protection_policies(self, count: int, tenants: list[str]) -> None:
        for i in range(count):
            platform = "ios" if i % 2 == 0 else "android"
            bu = BUSINESS_UNITS[(i // 2) % len(BUSINESS_UNITS)]
            region = REGIONS[(i // (2 * len(BUSINESS_UNITS))) % len(REGIONS)]
            seq = i // 2
            tenant = tenants[(i // 2) % len(tenants)]
            name = f"{bu}-{region}-{platform}-{seq:05d}"
            groups = self.tenant_groups[tenant]
            # Each policy has groups of its own, as a tenant's business units do: policies
            # that share a group conflict (MAM502) unless their settings agree.
            include = [self.guid() for _ in range(self.rng.randint(1, 3))]
            exclude = self.rng.sample(groups[8:], 1) if self.rng.random() < 0.4 else []
            lines = [
                "apiVersion: mamlint/v1",
                "kind: AppProtectionPolicy",
                "metadata:",
                f"  name: {name}",
                "spec:",
                f"  tenant: {tenant}",
                f"  platform: {platform}",
                f"  displayName: Atlassian apps ({PLATFORM_LABEL[platform]}) - {bu} {region.upper()} {seq:05d}",
            ]
            if self.rng.random() < 0.6:
                lines.append(
                    f"  description: Jira and Confluence for {bu} users in {region.upper()}, managed by Intune."
                )
            lines.append("  appGroupType: selectedPublicApps")
            lines.append("  apps:")
            lines.extend(f"    - {app}" for app in self.apps_for(platform, i))
            lines.append("  assignments:")
            lines.append(
                f"    include: [{', '.join(include)}]   # sg-{bu}-{region}-mobile"
            )
            if exclude:
                lines.append(f"    exclude: [{exclude[0]}]   # sg-break-glass")
            lines.append("  settings:")
            for key, value, comment in self.settings(platform):
                if comment is None:
                    lines.append(f"    {key}: {self.yaml_value(value)}")
                elif comment.startswith("section:"):
                    lines.append(f"    # {comment.removeprefix('section:')}")
                    lines.append(f"    {key}: {self.yaml_value(value)}")
                else:
                    lines.append(f"    {key}: {self.yaml_value(value)}   # {comment}")
            self.write(
                f"intune/app-protection/{bu}/{region}/{platform}/{name}.yaml",
                "\n".join(lines) + "\n",
            )

    def graph_exports(self, count: int, tenants: list[str]) -> None:
        for i in range(count):
            platform = "ios" if i % 2 == 0 else "android"
            tenant = tenants[(i // 2) % len(tenants)]
            month = f"2026-{1 + (i // 40) % 12:02d}"
            policy_id = f"T_{self.guid()}"
            collection = f"{GRAPH_TYPE[platform]}s"
            base = f"https://graph.microsoft.com/beta/$metadata#deviceAppManagement/{collection}"
            doc: dict[str, object] = {
                "@odata.context": f"{base}/$entity",
                "@odata.type": f"#microsoft.graph.{GRAPH_TYPE[platform]}",
                "id": policy_id,
                "displayName": f"Atlassian apps ({PLATFORM_LABEL[platform]}, {tenant}) - export {i // 2:05d}",
                "description": f"Exported from the {tenant} tenant with $expand=apps,assignments.",
                "createdDateTime": "2026-01-05T08:00:00Z",
                "lastModifiedDateTime": f"{month}-12T14:30:00Z",
                "version": f'"{1 + i % 9}"',
                "roleScopeTagIds": ["0"],
                "isAssigned": True,
                "appGroupType": "selectedPublicApps",
                "targetedAppManagementLevels": "unspecified",
            }
            for key, value, _ in self.settings(platform):
                doc[key] = value
            apps = self.apps_for(platform, i)
            doc["deployedAppCount"] = len(apps)
            doc["apps@odata.context"] = f"{base}('{policy_id}')/apps"
            doc["apps"] = [
                {
                    "id": f"{app}.{platform}",
                    "version": "-1",
                    "mobileAppIdentifier": {
                        "@odata.type": f"#microsoft.graph.{platform}MobileAppIdentifier",
                        ID_KEY[platform]: app,
                    },
                }
                for app in apps
            ]
            doc["assignments@odata.context"] = f"{base}('{policy_id}')/assignments"
            groups = [self.guid() for _ in range(self.rng.randint(1, 2))]
            doc["assignments"] = [
                {
                    "id": f"{g}_incl",
                    "target": {
                        "@odata.type": "#microsoft.graph.groupAssignmentTarget",
                        "groupId": g,
                    },
                }
                for g in groups
            ]
            self.write(
                f"intune/exports/{tenant}/{month}/{platform}-{i:05d}.json",
                json.dumps(doc, indent=2) + "\n",
            )

    def from_template(
        self, count: int, template: str, target: str, names: list[tuple[str, str]]
    ) -> None:
        """Copies of an example of the repository, each policy's display name made unique."""
        if count == 0:
            return
        here = os.path.dirname(os.path.abspath(__file__))
        with open(os.path.join(here, "..", template), encoding="utf-8") as f:
            text = f.read()
        for old, _ in names:
            assert old in text, f"{template} no longer names {old}"
        for i in range(count):
            out = text
            for old, new in names:
                out = out.replace(old, new.format(i=i))
            self.write(target.format(i=i), out)

    def app_configuration_policies(self, count: int, tenants: list[str]) -> None:
        for i in range(count):
            bu = BUSINESS_UNITS[i % len(BUSINESS_UNITS)]
            tenant = tenants[i % len(tenants)]
            platform = "ios" if (i // 2) % 2 == 0 else "android"
            groups = self.rng.sample(self.tenant_groups[tenant][:8], 1)
            tunnel = i % 5 == 4
            if tunnel:
                # Tunnel for MAM is fine for Edge; Atlassian apps stay out of this one.
                name = f"{bu}-edge-tunnel-{platform}-{i:05d}"
                display = (
                    f"Tunnel for MAM (Edge, {PLATFORM_LABEL[platform]}) - {bu} {i:05d}"
                )
                apps = [EDGE[platform]]
                settings = {
                    "com.microsoft.intune.mam.managedbrowser.TunnelAvailable.IntuneMAMOnly": "true",
                    "com.microsoft.tunnel.connection_name": f"{tenant}-tunnel",
                }
                header = "# Tunnel for MAM is fine for Edge; the Atlassian apps stay out of this configuration."
            else:
                name = f"{bu}-atlassian-config-{platform}-{i:05d}"
                display = (
                    f"Atlassian apps config ({PLATFORM_LABEL[platform]}) - {bu} {i:05d}"
                )
                apps = [JIRA[platform], CONFLUENCE[platform]]
                settings = {
                    "IntuneMAMAllowedAccounts": "{{userprincipalname}}",
                    "IntuneMAMUPN": "{{userprincipalname}}",
                    "com.microsoft.intune.mam.AllowedAccountUPNs": f"{{{{userprincipalname}}}};{bu}-shared@acme.com",
                }
                header = "# Managed app configuration: only work accounts sign in."
            lines = [
                header,
                "apiVersion: mamlint/v1",
                "kind: AppConfigurationPolicy",
                "metadata:",
                f"  name: {name}",
                "spec:",
                f"  tenant: {tenant}",
                f"  displayName: {display}",
                f"  apps: [{', '.join(apps)}]",
            ]
            if i % 3 == 2:
                lines.append("  customSettings:")
                for key, value in settings.items():
                    lines.append(f"    - name: {key}")
                    lines.append(f"      value: {json.dumps(value)}")
            else:
                lines.append("  customSettings:")
                for key, value in settings.items():
                    lines.append(f"    {key}: {json.dumps(value)}")
            lines.append("  assignments:")
            lines.append(f"    include: [{groups[0]}]")
            self.write(
                f"intune/app-configuration/{bu}/{name}.yaml", "\n".join(lines) + "\n"
            )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "dir", help="output directory (created; must be empty if it exists)"
    )
    parser.add_argument(
        "-n", "--files", type=int, default=10000, help="number of files (default 10000)"
    )
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument(
        "--mixed",
        action="store_true",
        help="also write Terraform (.tf) and Microsoft365DSC (.ps1) files",
    )
    args = parser.parse_args()
    if os.path.isdir(args.dir) and os.listdir(args.dir):
        print(f"error: {args.dir} is not empty", file=sys.stderr)
        return 2
    os.makedirs(args.dir, exist_ok=True)
    gen = Gen(args.dir, args.files, args.seed, args.mixed)
    plan = gen.run()
    summary = ", ".join(f"{k}={v}" for k, v in plan.items())
    print(f"generated {gen.written} files in {args.dir} ({summary})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
