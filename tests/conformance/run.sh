#!/usr/bin/env bash
# Conformance with real validators, run by .ci/run:
#   - mamlint's SARIF for the broken examples passes Microsoft's SARIF Multitool (`validate`)
#     with no errors or warnings, and validates against the official SARIF 2.1.0 JSON Schema;
#   - SARIF fingerprints do not change when lines move;
#   - the JUnit output validates against the JUnit XML schema (junit-10.xsd, as shipped in
#     pytest's source distribution);
#   - the pre-commit hooks (.pre-commit-hooks.yaml: rust, system, python) and the hook of
#     pre-commit-mirror/ (the published wheel, with no Rust on PATH) work with the real
#     pre-commit: `pre-commit try-repo` fails on a broken policy and passes on a clean one.
# Everything it needs is installed here, into target/conformance (reused between local runs).
set -euo pipefail

repo="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$repo"
tools="$repo/target/conformance"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$tools"
export DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1

passed=0
failed=0
ok() { echo "ok: $1"; passed=$((passed + 1)); }
not_ok() { echo "FAILED: $1"; failed=$((failed + 1)); }

echo "== building mamlint"
cargo build --locked --quiet
mamlint="$repo/target/debug/mamlint"

echo "== installing validators"
if [ ! -x "$tools/venv/bin/python" ]; then
  python3 -m venv "$tools/venv"
fi
"$tools/venv/bin/pip" install --quiet --disable-pip-version-check \
  "jsonschema==4.23.0" "xmlschema==3.4.3" "pre-commit==4.0.1"
python="$tools/venv/bin/python"
if [ ! -f "$tools/junit-10.xsd" ]; then
  "$tools/venv/bin/pip" download --quiet --disable-pip-version-check --no-deps --no-binary :all: \
    "pytest==8.3.4" -d "$work/pytest"
  tar -xzf "$work"/pytest/pytest-8.3.4.tar.gz -C "$work/pytest" pytest-8.3.4/testing/example_scripts/junit-10.xsd
  cp "$work/pytest/pytest-8.3.4/testing/example_scripts/junit-10.xsd" "$tools/junit-10.xsd"
fi
multitool_dir="$tools/npm/node_modules/@microsoft/sarif-multitool-linux"
if [ ! -f "$multitool_dir/Sarif.Multitool" ]; then
  npm install --silent --no-audit --no-fund --prefix "$tools/npm" "@microsoft/sarif-multitool@5.7.0"
fi
chmod u+x "$multitool_dir/Sarif.Multitool"
multitool="$multitool_dir/Sarif.Multitool"
sarif_schema="$multitool_dir/sarif-2.1.0.json"

echo "== outputs of the broken examples (every rule fires; the configuration's own mistake exits 2)"
set +e
"$mamlint" check examples/broken --config examples/broken/mamlint.toml --quiet \
  --format sarif="$work/broken.sarif" --format junit="$work/broken.xml" --format github="$work/broken.github"
status=$?
set -e
if [ "$status" -eq 2 ]; then ok "mamlint exits 2 on the broken examples"; else not_ok "mamlint exited $status, expected 2"; fi
"$mamlint" check examples/clean --quiet --format junit="$work/clean.xml" --format sarif="$work/clean.sarif" \
  && ok "clean examples exit 0" || not_ok "clean examples"

echo "== SARIF Multitool validate"
for name in broken clean; do
  "$multitool" validate "$work/$name.sarif" --output "$work/$name.validation.sarif" --level "Error;Warning;Note" --quiet >/dev/null
  if "$python" - "$work/$name.validation.sarif" <<'PY'
import collections, json, sys
log = json.load(open(sys.argv[1]))
results = [r for run in log["runs"] for r in run.get("results", [])]
levels = collections.Counter(r.get("level", "warning") for r in results)
rules = collections.Counter(r["ruleId"] for r in results)
print(f"  multitool: {levels.get('error', 0)} errors, {levels.get('warning', 0)} warnings, {levels.get('note', 0)} notes {dict(rules)}")
for r in results:
    if r.get("level", "warning") in ("error", "warning"):
        print("  ", r["ruleId"], r.get("message"))
sys.exit(1 if levels.get("error") or levels.get("warning") else 0)
PY
  then ok "SARIF Multitool: $name.sarif has no errors or warnings"; else not_ok "SARIF Multitool: $name.sarif"; fi
done

echo "== SARIF 2.1.0 JSON Schema and structure"
if "$python" - "$sarif_schema" "$work/broken.sarif" <<'PY'
import json, sys
import jsonschema
schema = json.load(open(sys.argv[1]))
log = json.load(open(sys.argv[2]))
errors = list(jsonschema.Draft202012Validator(schema).iter_errors(log))
for e in errors[:10]:
    print("  ", e.message[:200], list(e.absolute_path))
run = log["runs"][0]
rules = run["tool"]["driver"]["rules"]
problems = []
for r in run["results"]:
    if rules[r["ruleIndex"]]["id"] != r["ruleId"]:
        problems.append(f"ruleIndex {r['ruleIndex']} is not {r['ruleId']}")
    loc = r["locations"][0]["physicalLocation"]
    uri = loc["artifactLocation"]["uri"]
    if uri.startswith("/") or "://" in uri:
        problems.append(f"absolute uri {uri}")
    if loc["region"]["startLine"] < 1:
        problems.append("startLine < 1")
    if "partialFingerprints" not in r:
        problems.append("no partialFingerprints")
for p in problems[:10]:
    print("  ", p)
codes = sorted({r["ruleId"] for r in run["results"]})
print(f"  {len(run['results'])} results, {len(codes)} rules fired, {len(errors)} schema errors")
sys.exit(1 if errors or problems or len(codes) != len(rules) else 0)
PY
then ok "SARIF validates against the official 2.1.0 schema, with correct ruleIndex and relative URIs"; else not_ok "SARIF schema"; fi

echo "== SARIF fingerprints survive moved lines"
mkdir -p "$work/fp"
cp -r examples/broken "$work/fp/before"
cp -r examples/broken "$work/fp/after"
for file in "$work"/fp/after/*.yaml "$work"/fp/after/*.json "$work"/fp/after/*.toml; do
  { printf '\n\n\n'; cat "$file"; } > "$file.moved" && mv "$file.moved" "$file"
done
(cd "$work/fp/before" && "$mamlint" check . --format sarif="$work/before.sarif" --quiet >/dev/null 2>&1 || true)
(cd "$work/fp/after" && "$mamlint" check . --format sarif="$work/after.sarif" --quiet >/dev/null 2>&1 || true)
if "$python" - "$work/before.sarif" "$work/after.sarif" <<'PY'
import json, sys
def prints(path):
    run = json.load(open(path))["runs"][0]
    return [(r["ruleId"], r["partialFingerprints"]["mamlintFingerprint/v1"], r["locations"][0]["physicalLocation"]["region"]["startLine"]) for r in run["results"]]
before, after = prints(sys.argv[1]), prints(sys.argv[2])
same = sorted((c, f) for c, f, _ in before) == sorted((c, f) for c, f, _ in after)
moved = all(a[2] == b[2] + 3 for a, b in zip(sorted(after, key=lambda x: x[1]), sorted(before, key=lambda x: x[1])))
print(f"  {len(before)} results; fingerprints identical: {same}; every line moved by 3: {moved}")
sys.exit(0 if same and moved and before else 1)
PY
then ok "fingerprints unchanged after inserting blank lines at the top of every file"; else not_ok "fingerprints changed"; fi

echo "== JUnit XML schema"
if "$python" - "$tools/junit-10.xsd" "$work/broken.xml" "$work/clean.xml" <<'PY'
import sys
import xmlschema
schema = xmlschema.XMLSchema(sys.argv[1])
bad = 0
for path in sys.argv[2:]:
    errors = list(schema.iter_errors(path))
    for e in errors[:5]:
        print("  ", path, e.reason)
    bad += len(errors)
sys.exit(1 if bad else 0)
PY
then ok "JUnit output validates against junit-10.xsd"; else not_ok "JUnit schema"; fi

echo "== GitHub annotations"
if grep -q '^::error file=examples/broken/ios-policies.yaml,line=12,col=7,endLine=12,endColumn=44,title=MAM102 platform-mismatch::' "$work/broken.github"; then
  ok "workflow commands carry file, line, columns and title"
else
  not_ok "GitHub annotations"; head -3 "$work/broken.github"
fi

echo "== pre-commit try-repo"
export PRE_COMMIT_HOME="$tools/pre-commit-home"
# The `language: rust` hook runs `cargo install --path` on this repository. Build it like a
# debug build (no optimization, many codegen units, no debug info) and keep its target
# directory, so CI spends minutes here, not ten.
rust_hook_env=(CARGO_TARGET_DIR="$tools/hook-target" CARGO_PROFILE_RELEASE_OPT_LEVEL=0
  CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=256
  CARGO_PROFILE_RELEASE_DEBUG=false)
# The `language: python` hook pip-installs this repository, which maturin builds: with the dev
# profile, in the target directory `cargo test` used (only the mamlint crate itself rebuilds, as
# pre-commit's copy of the repository has another path).
python_hook_env=(CARGO_TARGET_DIR="$repo/target" MATURIN_PEP517_ARGS="--profile dev --locked")
precommit="$tools/venv/bin/pre-commit"
project="$work/project"
mkdir -p "$project/org" "$project/policies"
cp examples/clean/organization.yaml examples/clean/mobile-app-policy.yaml examples/clean/entra-tenants.yaml "$project/org/"
cp examples/clean/policies/acme-ios.yaml "$project/policies/ios.yaml"
printf 'context = ["org"]\n' > "$project/mamlint.toml"
git -C "$project" init --quiet
git -C "$project" -c user.name=ci -c user.email=ci@example.invalid add -A
git -C "$project" -c user.name=ci -c user.email=ci@example.invalid commit --quiet -m "policies"
# prove_hook LABEL REPO HOOK [VAR=VALUE...]: `pre-commit try-repo REPO HOOK` in that environment
# passes on the clean project and fails, showing MAM102, once the iOS policy lists an Android ID.
prove_hook() {
  local label="$1" hook_repo="$2" hook="$3"
  shift 3
  local log="$work/$label"
  try_hook() {
    local phase="$1"
    shift
    (cd "$project" && env "$@" "$precommit" try-repo "$hook_repo" "$hook" --files policies/ios.yaml > "$log-$phase.log" 2>&1)
  }
  if try_hook clean "$@"; then
    ok "pre-commit $label passes on a clean policy"
  else
    not_ok "pre-commit $label on a clean policy"; tail -30 "$log-clean.log"
  fi
  cp "$project/policies/ios.yaml" "$work/clean-ios.yaml"
  sed 's/    - com.atlassian.confluence.app/    - com.atlassian.android.confluence.core/' "$work/clean-ios.yaml" > "$project/policies/ios.yaml"
  if try_hook broken "$@"; then
    not_ok "pre-commit $label passed a broken policy"; tail -30 "$log-broken.log"
  elif grep -q "error\[MAM102\]" "$log-broken.log"; then
    ok "pre-commit $label fails on a broken policy and shows the diagnostics"
    grep -A3 "error\[MAM102\]" "$log-broken.log" | sed 's/^/  /'
  else
    not_ok "pre-commit $label failed without showing MAM102"; tail -30 "$log-broken.log"
  fi
  cp "$work/clean-ios.yaml" "$project/policies/ios.yaml"
}
prove_hook mamlint "$repo" mamlint "${rust_hook_env[@]}"
prove_hook mamlint-system "$repo" mamlint-system PATH="$repo/target/debug:$PATH"
prove_hook mamlint-python "$repo" mamlint-python "${python_hook_env[@]}"

echo "== pre-commit-mirror: the hook that installs the published wheel compiles nothing"
cargo_version="$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -1)"
if grep -q "\"mamlint==$cargo_version\"" pre-commit-mirror/pyproject.toml; then
  ok "pre-commit-mirror pins mamlint==$cargo_version, Cargo.toml's version"
else
  not_ok "pre-commit-mirror/pyproject.toml does not pin mamlint==$cargo_version"
fi
# The wheel stands in for PyPI's: pip sees only this folder (PIP_NO_INDEX), which also holds the
# setuptools that builds the mirror's own stub package.
wheels="$work/wheels"
env "${python_hook_env[@]}" "$tools/venv/bin/pip" wheel --quiet --no-deps --wheel-dir "$wheels" "$repo"
"$tools/venv/bin/pip" download --quiet --no-deps --dest "$wheels" "setuptools==75.6.0"
mirror="$work/mirror"
cp -r pre-commit-mirror "$mirror"
git -C "$mirror" init --quiet
git -C "$mirror" -c user.name=ci -c user.email=ci@example.invalid add -A
git -C "$mirror" -c user.name=ci -c user.email=ci@example.invalid commit --quiet -m "mirror"
# No cargo, rustc or rustup: only pre-commit's venv and the system's directories.
bare_path="$tools/venv/bin:/usr/local/bin:/usr/bin:/bin"
if env PATH="$bare_path" sh -c 'command -v cargo || command -v rustc || command -v rustup' >/dev/null; then
  not_ok "cargo or rustc is on the stripped PATH ($bare_path)"
fi
prove_hook mamlint-pre-commit "$mirror" mamlint -u CARGO_HOME -u RUSTUP_HOME -u CARGO_TARGET_DIR \
  PATH="$bare_path" PIP_NO_INDEX=1 PIP_FIND_LINKS="$wheels" PRE_COMMIT_HOME="$work/mirror-pre-commit-home"

echo "conformance: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
