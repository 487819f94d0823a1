#!/usr/bin/env bash
# The GitHub Action (action.yml) outside GitHub, run by .ci/run: its shell steps
# (.github/action/run.sh install, check, result) run as the runner would run them, with
# GITHUB_WORKSPACE, GITHUB_PATH, GITHUB_OUTPUT, GITHUB_STEP_SUMMARY, RUNNER_TEMP and the INPUT_*
# variables set, on a clean and on a broken workspace. `install` pip-installs
# `mamlint==<Cargo.toml's version>` as on GitHub, with pip pointed at a wheel built here
# (PIP_NO_INDEX) in place of PyPI's. Checked: annotations, the SARIF file, the outputs, the
# summary and the exit status; and that action.yml calls each step with the inputs it reads.
#
# Prints `action: N passed, M failed` as its last line; exits 1 if a check failed.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$repo"
work="$(mktemp -d "${TMPDIR:-/tmp}/mamlint-action.XXXXXX")"
trap 'rm -rf "$work"' EXIT
script="$repo/.github/action/run.sh"

passed=0
failed=0
ok() { echo "ok: $1"; passed=$((passed + 1)); }
not_ok() { echo "FAILED: $1"; failed=$((failed + 1)); }

echo "== the wheel that stands in for PyPI's, and PyYAML to read action.yml"
python3 -m venv "$work/tools"
"$work/tools/bin/pip" install --quiet "pyyaml==6.0.2"
MATURIN_PEP517_ARGS="${MATURIN_PEP517_ARGS:---profile dev --locked}" \
  "$work/tools/bin/pip" wheel --quiet --no-deps --wheel-dir "$work/wheels" .

echo "== action.yml runs .github/action/run.sh with the inputs it reads"
if "$work/tools/bin/python" - action.yml "$script" <<'PY'
import re, sys, yaml
action = yaml.safe_load(open(sys.argv[1]))
script = open(sys.argv[2]).read()
problems = []
inputs = set(action["inputs"])
steps = action["runs"]["steps"]
runs = [s for s in steps if "run" in s]
called = [re.search(r'run\.sh" (\w+)$', s["run"].strip()).group(1) for s in runs]
if called != ["install", "check", "result"]:
    problems.append(f"run steps call {called}")
for step in runs:
    for name, value in step.get("env", {}).items():
        m = re.fullmatch(r"\$\{\{ inputs\.([a-z-]+) \}\}", str(value))
        if name.startswith("INPUT_") and (not m or m.group(1).upper().replace("-", "_") != name[6:] or m.group(1) not in inputs):
            problems.append(f"{name} is set from {value}")
read = set(re.findall(r"INPUT_[A-Z_]+", script))
given = {n for s in runs for n in s.get("env", {}) if n.startswith("INPUT_")}
if read != given:
    problems.append(f"run.sh reads {sorted(read)}, action.yml sets {sorted(given)}")
upload = [s for s in steps if s.get("uses", "").startswith("github/codeql-action/upload-sarif@")]
if not upload or "steps.check.outputs.sarif-file" not in upload[0]["with"]["sarif_file"] or "always()" not in upload[0]["if"]:
    problems.append("no upload-sarif step of the check step's SARIF file that runs always()")
elif not steps.index(runs[1]) < steps.index(upload[0]) < steps.index(runs[2]):
    problems.append("the upload must come after the check step and before the result step")
for p in problems:
    print("  ", p)
print(f"  inputs {sorted(inputs)}; steps {called}")
sys.exit(1 if problems else 0)
PY
then ok "action.yml: install, check, upload-sarif (always), result; INPUT_* match the inputs"; else not_ok "action.yml"; fi

# run_action NAME WORKSPACE [VAR=VALUE...]: the three steps as the runner runs them, in a fresh
# runner environment; leaves out/NAME/{install,check,result}.{log,status}, outputs, summary.
run_action() {
  local name="$1" workspace="$2"
  shift 2
  local out="$work/out/$name" step
  mkdir -p "$out/temp"
  : > "$out/path"; : > "$out/output"; : > "$out/summary"
  local -a github_env=(GITHUB_ACTIONS=true GITHUB_WORKSPACE="$workspace" GITHUB_ACTION_PATH="$repo"
    GITHUB_PATH="$out/path" GITHUB_OUTPUT="$out/output" GITHUB_STEP_SUMMARY="$out/summary"
    RUNNER_TEMP="$out/temp" PIP_NO_INDEX=1 PIP_FIND_LINKS="$work/wheels")
  for step in install check result; do
    local -a step_env=()
    if [[ $step == result ]]; then
      step_env=(MAMLINT_EXIT_CODE="$(sed -n 's/^exit-code=//p' "$out/output")")
    fi
    set +e
    # Only the system's directories on PATH, plus what install added to GITHUB_PATH, as the
    # runner prepends it to later steps.
    (cd "$workspace" && env -i HOME="$HOME" PATH="$(tr '\n' ':' < "$out/path")/usr/local/bin:/usr/bin:/bin" \
      "${github_env[@]}" "$@" "${step_env[@]}" bash "$script" "$step" > "$out/$step.log" 2>&1)
    echo $? > "$out/$step.status"
    set -e
  done
}
status_of() { cat "$work/out/$1/$2.status"; }
output_of() { sed -n "s/^$2=//p" "$work/out/$1/output"; }

# A clean workspace: the clean examples.
cp -r examples/clean "$work/clean"
run_action clean "$work/clean"
version="$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -1)"
if [[ "$(status_of clean install)" == 0 ]] && grep -qx "mamlint $version" "$work/out/clean/install.log" &&
  [[ "$(cat "$work/out/clean/path")" == "$work/out/clean/temp/mamlint-venv/bin" ]]; then
  ok "install: pip installs mamlint==$version into RUNNER_TEMP and adds it to GITHUB_PATH"
else
  not_ok "install"; cat "$work/out/clean/install.log" "$work/out/clean/path"
fi
sarif="$(output_of clean sarif-file)"
if [[ "$(status_of clean check)" == 0 && "$(output_of clean exit-code)" == 0 && "$sarif" == "$work/out/clean/temp/mamlint.sarif" ]] &&
  ! grep -q '^::' "$work/out/clean/check.log" && grep -q '^Passed: 0 errors, 0 warnings, 0 infos.$' "$work/out/clean/summary"; then
  ok "clean: no annotations, exit-code=0, sarif-file set, summary says Passed"
else
  not_ok "clean check"; cat "$work/out/clean/check.log" "$work/out/clean/output" "$work/out/clean/summary"
fi
if "$work/tools/bin/python" -c 'import json,sys; r=json.load(open(sys.argv[1]))["runs"][0]; sys.exit(len(r["results"]) != 0 or r["tool"]["driver"]["name"] != "mamlint")' "$sarif"; then
  ok "clean: the SARIF file has no results"
else
  not_ok "clean SARIF"
fi
if [[ "$(status_of clean result)" == 0 ]]; then ok "clean: the result step exits 0"; else not_ok "clean result exited $(status_of clean result)"; fi

# A broken workspace: the broken iOS policies under policies/, no mamlint.toml.
mkdir -p "$work/broken/policies"
cp examples/broken/ios-policies.yaml "$work/broken/policies/ios.yaml"
run_action broken "$work/broken" INPUT_PATHS="policies"
if [[ "$(status_of broken check)" == 0 && "$(output_of broken exit-code)" == 1 ]] &&
  grep -q '^::error file=policies/ios.yaml,line=12,col=7,endLine=12,endColumn=44,title=MAM102 platform-mismatch::' "$work/out/broken/check.log"; then
  ok "broken: annotations with file, line and title; exit-code=1 recorded, the step itself succeeds"
  grep -m1 MAM102 "$work/out/broken/check.log" | cut -c1-150 | sed 's/^/  /'
else
  not_ok "broken check"; head -5 "$work/out/broken/check.log"; cat "$work/out/broken/output"
fi
if "$work/tools/bin/python" - "$(output_of broken sarif-file)" "$work/out/broken/check.log" <<'PY'
import json, sys
run = json.load(open(sys.argv[1]))["runs"][0]
sarif = sorted((r["ruleId"], r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], r["locations"][0]["physicalLocation"]["region"]["startLine"]) for r in run["results"])
annotations = [l for l in open(sys.argv[2]) if l.startswith("::")]
print(f"  {len(sarif)} SARIF results, {len(annotations)} annotations")
sys.exit(0 if sarif and len(sarif) == len(annotations) and ("MAM102", "policies/ios.yaml", 12) in sarif else 1)
PY
then ok "broken: the SARIF file has one result per annotation, MAM102 at policies/ios.yaml:12"; else not_ok "broken SARIF"; fi
if grep -qE '^Failed: [1-9][0-9]* errors, [1-9][0-9]* warnings, 0 infos.$' "$work/out/broken/summary" &&
  grep -q '^policies/ios.yaml:12:7: MAM102 \[error\] ' "$work/out/broken/summary"; then
  ok "broken: the job summary counts the findings and lists them"
  grep -m1 '^Failed' "$work/out/broken/summary" | sed 's/^/  /'
else
  not_ok "broken summary"; cat "$work/out/broken/summary"
fi
if [[ "$(status_of broken result)" == 1 ]]; then ok "broken: the result step exits 1"; else not_ok "broken result exited $(status_of broken result)"; fi

# fail-level and config: a policy whose only finding is a warning (MAM003).
mkdir -p "$work/warning/org" "$work/warning/policies"
cp examples/clean/organization.yaml examples/clean/mobile-app-policy.yaml examples/clean/entra-tenants.yaml "$work/warning/org/"
sed 's/pinRequired: true/pinRequired: yes/' examples/clean/policies/acme-ios.yaml > "$work/warning/policies/ios.yaml"
printf 'context = ["org"]\n' > "$work/warning/ci.toml"
run_action warning-passes "$work/warning" INPUT_PATHS="policies/ios.yaml" INPUT_CONFIG=ci.toml
run_action warning-fails "$work/warning" INPUT_PATHS="policies/ios.yaml" INPUT_CONFIG=ci.toml INPUT_FAIL_LEVEL=warning
if [[ "$(output_of warning-passes exit-code)" == 0 && "$(status_of warning-passes result)" == 0 &&
  "$(output_of warning-fails exit-code)" == 1 && "$(status_of warning-fails result)" == 1 ]] &&
  grep -q '^::warning file=policies/ios.yaml,.*title=MAM003 ' "$work/out/warning-fails/check.log"; then
  ok "fail-level: a warning passes by default and fails with fail-level warning; config names the context"
else
  not_ok "fail-level/config"; cat "$work/out/warning-passes/check.log" "$work/out/warning-fails/output"
fi

# A version that is not one is refused before pip runs.
run_action bad-version "$work/clean" INPUT_VERSION='1.0; rm -rf /'
if [[ "$(status_of bad-version install)" == 2 ]] && grep -q 'is not a version number' "$work/out/bad-version/install.log"; then
  ok "version: a value that is not a version number is refused (exit 2)"
else
  not_ok "bad version"; cat "$work/out/bad-version/install.log"
fi

echo "action: $passed passed, $failed failed"
((failed == 0))
