"""Lays out the JSON Schema checks of run.sh: every manifest and Graph export under an examples
folder, one document per file, paired with the schema of its kind.

    python schema_cases.py EXAMPLES_DIR SCHEMAS_DIR OUT_DIR

Multi-document YAML files are split at their `---` lines into single-document files in
OUT_DIR (check-jsonschema validates one document per file). For each kind, one document is
also copied with an unknown key added (in `spec`, and in `spec.settings` where there is one),
which its schema must reject, so that a schema that
accepts anything cannot pass. Prints one line per check, tab-separated:

    expect (valid|invalid)   instance file   schema file   label

Runs in the venv of run.sh (ruamel.yaml comes with check-jsonschema); exits 1 on a document
whose kind has no schema.
"""

from __future__ import annotations

import io
import json
import pathlib
import re
import sys

from ruamel.yaml import YAML

SCHEMA_OF_KIND = {
    "Organization": "organization.schema.json",
    "MobileAppPolicy": "mobile-app-policy.schema.json",
    "EntraTenant": "entra-tenant.schema.json",
    "AppProtectionPolicy": "app-protection-policy.schema.json",
    "AppConfigurationPolicy": "app-configuration-policy.schema.json",
}
SCHEMA_OF_ODATA_TYPE = {
    "#microsoft.graph.androidManagedAppProtection": "graph-androidManagedAppProtection.schema.json",
    "#microsoft.graph.iosManagedAppProtection": "graph-iosManagedAppProtection.schema.json",
}
UNKNOWN_KEY = "notARealSettingOfAnyKind"

DOCUMENT_START = re.compile(r"^---[ \t]*(#.*)?$", re.MULTILINE)


def split_documents(text: str) -> list[str]:
    parts = DOCUMENT_START.split(text)
    # re.split keeps the optional comment group: drop it, keep documents with content.
    documents = [p for i, p in enumerate(parts) if i % 2 == 0]
    return [d.lstrip("\n") for d in documents if d.strip() and not _only_comments(d)]


def _only_comments(document: str) -> bool:
    return all(not line.strip() or line.lstrip().startswith("#") for line in document.splitlines())


def decode(raw: bytes) -> str:
    """Text of a file in UTF-8 (with or without BOM) or UTF-16 with BOM, as Intune exports are."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16")
    return raw.decode("utf-8-sig")


def main() -> int:
    examples, schemas, out = (pathlib.Path(a) for a in sys.argv[1:4])
    out.mkdir(parents=True, exist_ok=True)
    yaml = YAML(typ="safe", pure=True)
    cases: list[tuple[str, pathlib.Path, pathlib.Path, str]] = []
    negatives: dict[str, tuple[pathlib.Path, pathlib.Path, str]] = {}
    problems = 0
    serial = 0  # keeps the names of split documents apart (two folders may hold `ios.yaml`)

    for path in sorted(p for p in examples.rglob("*") if p.is_file()):
        serial += 1
        suffix = path.suffix.lower()
        if suffix in (".yaml", ".yml"):
            documents = split_documents(decode(path.read_bytes()))
            for index, document in enumerate(documents):
                data = yaml.load(io.StringIO(document))
                kind = data.get("kind") if isinstance(data, dict) else None
                label = f"{path}" + (f"#{index}" if len(documents) > 1 else "") + f" ({kind})"
                schema = SCHEMA_OF_KIND.get(kind)
                if schema is None:
                    print(f"error: {label}: no schema for kind {kind!r}", file=sys.stderr)
                    problems += 1
                    continue
                instance = out / f"{serial:03d}-{path.stem}.{index}{suffix}"
                instance.write_text(document, encoding="utf-8")
                cases.append(("valid", instance, schemas / schema, label))
                if kind not in negatives:
                    bad = dict(data)
                    bad["spec"] = {**(data.get("spec") or {}), UNKNOWN_KEY: True}
                    bad_path = out / f"{serial:03d}-{path.stem}.{index}.unknown-key.json"
                    bad_path.write_text(json.dumps(bad, indent=2, default=str), encoding="utf-8")
                    negatives[kind] = (bad_path, schemas / schema, f"{label} + spec.{UNKNOWN_KEY}")
                settings = (data.get("spec") or {}).get("settings")
                if isinstance(settings, dict) and f"{kind}.settings" not in negatives:
                    bad = dict(data)
                    bad["spec"] = {**data["spec"], "settings": {**settings, UNKNOWN_KEY: True}}
                    bad_path = out / f"{serial:03d}-{path.stem}.{index}.unknown-setting.json"
                    bad_path.write_text(json.dumps(bad, indent=2, default=str), encoding="utf-8")
                    negatives[f"{kind}.settings"] = (
                        bad_path,
                        schemas / schema,
                        f"{label} + spec.settings.{UNKNOWN_KEY}",
                    )
        elif suffix == ".json":
            data = json.loads(decode(path.read_bytes()))
            odata = data.get("@odata.type") if isinstance(data, dict) else None
            schema = SCHEMA_OF_ODATA_TYPE.get(odata)
            label = f"{path} ({odata})"
            if schema is None:
                print(f"error: {label}: no schema for this JSON file", file=sys.stderr)
                problems += 1
                continue
            cases.append(("valid", path, schemas / schema, label))
            if odata not in negatives:
                bad_path = out / f"{serial:03d}-{path.stem}.unknown-key.json"
                bad_path.write_text(
                    json.dumps({**data, UNKNOWN_KEY: True}, indent=2), encoding="utf-8"
                )
                negatives[odata] = (bad_path, schemas / schema, f"{label} + {UNKNOWN_KEY}")

    for bad_path, schema, label in negatives.values():
        cases.append(("invalid", bad_path, schema, label))
    for expect, instance, schema, label in cases:
        print(f"{expect}\t{instance}\t{schema}\t{label}")
    return 1 if problems or not cases else 0


if __name__ == "__main__":
    sys.exit(main())
