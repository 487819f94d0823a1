#!/usr/bin/env bash
# The Python wheel (pyproject.toml, maturin `bindings = "bin"`), run by .ci/run:
#   - `pip wheel .` builds it through maturin's PEP 517 backend; the wheel's version is
#     Cargo.toml's and it holds the `mamlint` binary as a script;
#   - it installs offline (`--no-index`) into a fresh venv, and the `mamlint` there runs with
#     a PATH that has no cargo or rustup: clean examples pass, broken ones fail with findings.
# CI builds with `--profile dev` (MATURIN_PEP517_ARGS) in the shared target directory, so the
# wheel reuses `cargo test`'s build instead of an LTO release build; releases use the default.
#
# Usage: bash tests/packaging/run.sh [--keep DIR]   (--keep copies the wheel to DIR)
# Prints `packaging: N passed, M failed` as its last line; exits 1 if a check failed.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$repo"
keep=""
if [[ "${1:-}" == "--keep" ]]; then keep="$2"; fi
work="$(mktemp -d "${TMPDIR:-/tmp}/mamlint-packaging.XXXXXX")"
trap 'rm -rf "$work"' EXIT

passed=0
failed=0
ok() { echo "ok: $1"; passed=$((passed + 1)); }
not_ok() { echo "FAILED: $1"; failed=$((failed + 1)); }

cargo_version="$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -1)"

echo "== pip wheel . (maturin, --profile dev)"
python3 -m venv "$work/build-venv"
# --locked: the wheel is built from Cargo.lock, as `cargo test` is.
export MATURIN_PEP517_ARGS="${MATURIN_PEP517_ARGS:---profile dev --locked}"
if "$work/build-venv/bin/pip" wheel --quiet --no-deps --wheel-dir "$work/dist" . >"$work/build.log" 2>&1; then
  ok "pip wheel . built $(cd "$work/dist" && ls)"
else
  not_ok "pip wheel ."; tail -40 "$work/build.log"
  echo "packaging: $passed passed, $((failed)) failed"
  exit 1
fi
wheel="$(ls "$work"/dist/mamlint-*.whl)"
[[ -n "$keep" ]] && mkdir -p "$keep" && cp "$wheel" "$keep/"

if python3 - "$wheel" "$cargo_version" <<'PY'
import sys, zipfile
wheel, version = sys.argv[1], sys.argv[2]
names = zipfile.ZipFile(wheel).namelist()
meta = next(n for n in names if n.endswith(".dist-info/METADATA"))
fields = dict(l.split(": ", 1) for l in zipfile.ZipFile(wheel).read(meta).decode().splitlines() if ": " in l)
script = f"mamlint-{version}.data/scripts/mamlint"
print(f"  {wheel.rsplit('/', 1)[-1]}: Name {fields.get('Name')}, Version {fields.get('Version')}, {len(names)} files")
sys.exit(0 if fields.get("Name") == "mamlint" and fields.get("Version") == version and script in names else 1)
PY
then ok "the wheel is mamlint $cargo_version (Cargo.toml's version) and holds the binary as a script"
else not_ok "wheel metadata or contents"; fi

echo "== pip install --no-index into a fresh venv"
python3 -m venv "$work/venv"
if "$work/venv/bin/pip" install --quiet --no-index "$wheel" >"$work/install.log" 2>&1; then
  ok "offline install of the wheel"
else
  not_ok "offline install"; cat "$work/install.log"
fi

# Only the venv and the system's directories: no ~/.cargo/bin, no rustup, no target/.
bare_path="$work/venv/bin:/usr/bin:/bin"
in_venv() { env -u CARGO_HOME -u RUSTUP_HOME -u CARGO_TARGET_DIR PATH="$bare_path" "$@"; }
if in_venv sh -c 'command -v cargo || command -v rustc || command -v rustup' >/dev/null; then
  not_ok "cargo or rustc is on the stripped PATH ($bare_path)"
else
  ok "no cargo, rustc or rustup on the venv's PATH"
fi
found="$(in_venv sh -c 'command -v mamlint' || true)"
if [[ "$found" == "$work/venv/bin/mamlint" ]]; then ok "mamlint resolves to the venv's script"; else not_ok "mamlint resolves to '$found'"; fi
version_line="$(in_venv mamlint --version 2>&1 || true)"
if [[ "$version_line" == "mamlint $cargo_version" ]]; then ok "mamlint --version: $version_line"; else not_ok "mamlint --version: $version_line"; fi

set +e
in_venv mamlint check examples/clean --quiet >"$work/clean.log" 2>&1
clean_status=$?
in_venv mamlint check examples/broken/ios-policies.yaml --quiet --format concise >"$work/broken.log" 2>&1
broken_status=$?
set -e
if [[ $clean_status -eq 0 ]]; then ok "mamlint check examples/clean exits 0 from the venv"; else not_ok "examples/clean exited $clean_status"; cat "$work/clean.log"; fi
if [[ $broken_status -eq 1 ]] && grep -q ': MAM102 \[error\] ' "$work/broken.log"; then
  ok "mamlint check examples/broken/ios-policies.yaml exits 1 with MAM102"
  grep -m1 'MAM102' "$work/broken.log" | sed 's/^/  /'
else
  not_ok "broken example exited $broken_status"; head -20 "$work/broken.log"
fi

echo "packaging: $passed passed, $failed failed"
((failed == 0))
