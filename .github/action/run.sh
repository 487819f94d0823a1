#!/usr/bin/env bash
# The shell steps of action.yml, one per subcommand, reading the inputs from INPUT_* and
# writing to the files GitHub names (GITHUB_PATH, GITHUB_OUTPUT, GITHUB_STEP_SUMMARY); kept
# here so tests/action/run.sh can run them outside GitHub.
#   install   pip-installs mamlint into a venv under RUNNER_TEMP and puts it on GITHUB_PATH
#   check     runs `mamlint check`: annotations on stdout, SARIF and a summary; records the
#             exit status as an output instead of failing, so the SARIF upload still runs
#   result    exits with the status `check` recorded (MAMLINT_EXIT_CODE)
set -euo pipefail

action_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
venv="${RUNNER_TEMP:?RUNNER_TEMP is not set}/mamlint-venv"

install() {
  local version="${INPUT_VERSION:-}" spec
  if [[ -z "$version" ]]; then
    # The action's own release: the version of the Cargo.toml beside this action.yml.
    version="$(sed -n 's/^version = "\(.*\)"$/\1/p' "$action_dir/Cargo.toml" | head -1)"
  fi
  case "$version" in
    checkout) spec="$action_dir" ;;
    *[!0-9A-Za-z.+-]*) echo "::error title=mamlint action::version \`$version\` is not a version number" >&2; exit 2 ;;
    *) spec="mamlint==${version#v}" ;;
  esac
  python3 -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "$spec"
  echo "$venv/bin" >> "${GITHUB_PATH:?GITHUB_PATH is not set}"
  "$venv/bin/mamlint" --version
}

check() {
  local mamlint="$venv/bin/mamlint" sarif="$RUNNER_TEMP/mamlint.sarif" concise="$RUNNER_TEMP/mamlint.txt"
  local -a args=(check) paths=()
  read -r -a paths <<< "${INPUT_PATHS:-}"
  args+=("${paths[@]}")
  if [[ -n "${INPUT_FAIL_LEVEL:-}" ]]; then args+=(--fail-level "$INPUT_FAIL_LEVEL"); fi
  if [[ -n "${INPUT_CONFIG:-}" ]]; then args+=(--config "$INPUT_CONFIG"); fi
  args+=(--format github --format "sarif=$sarif" --format "concise=$concise")
  rm -f "$sarif" "$concise"
  local status=0
  "$mamlint" "${args[@]}" || status=$?
  {
    echo "exit-code=$status"
    if [[ -f "$sarif" ]]; then echo "sarif-file=$sarif"; fi
  } >> "${GITHUB_OUTPUT:?GITHUB_OUTPUT is not set}"
  summary "$status" "$concise" >> "${GITHUB_STEP_SUMMARY:-/dev/null}"
}

# summary STATUS FILE: markdown for the job summary, from the concise findings.
summary() {
  local status="$1" file="$2" errors=0 warnings=0 infos=0
  if [[ -f "$file" ]]; then
    errors="$(grep -c ': MAM[0-9]* \[error\] ' "$file" || true)"
    warnings="$(grep -c ': MAM[0-9]* \[warning\] ' "$file" || true)"
    infos="$(grep -c ': MAM[0-9]* \[info\] ' "$file" || true)"
  fi
  echo "### mamlint"
  echo
  case "$status" in
    0) echo "Passed: $errors errors, $warnings warnings, $infos infos." ;;
    1) echo "Failed: $errors errors, $warnings warnings, $infos infos." ;;
    *) echo "mamlint exited with $status (a usage error, unreadable input or a configuration mistake; see the step's log): $errors errors, $warnings warnings, $infos infos." ;;
  esac
  if [[ -s "$file" ]]; then
    echo
    echo '```text'
    head -n 100 "$file"
    echo '```'
  fi
}

result() {
  local status="${MAMLINT_EXIT_CODE:-2}"
  if [[ -z "$status" ]]; then status=2; fi
  exit "$status"
}

case "${1:-}" in
  install) install ;;
  check) check ;;
  result) result ;;
  *) echo "usage: run.sh install|check|result" >&2; exit 2 ;;
esac
