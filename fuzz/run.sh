#!/usr/bin/env bash
# CI's fuzz step: builds every cargo-fuzz target once, seeds the corpora from the repository
# (fuzz/seed.sh), then runs each target for a fixed time. Fails if any target finds a crash,
# a hang (over 10 s on one input) or runs out of memory; the input is printed so it can be
# recovered from the log.
#
#   MAMLINT_FUZZ_SECONDS      seconds per target (default 20)
#   MAMLINT_FUZZ_TARGETS      targets to run, space-separated (default: all of `cargo fuzz list`)
#   MAMLINT_FUZZ_TARGET_DIR   cargo's target directory; in CI it defaults to one outside the
#                             clone (~/.cache/mamlint/fuzz-target), so a fresh clone rebuilds
#                             mamlint but not its dependencies
set -euo pipefail
fuzz="$(cd "$(dirname "$0")" && pwd)"
cd "$fuzz"

seconds="${MAMLINT_FUZZ_SECONDS:-20}"
cargo_fuzz_version=0.13.2

# cargo-fuzz itself, pinned: 0.13.2 builds with the machine's stable toolchain.
if ! cargo fuzz --version 2>/dev/null | grep -q "$cargo_fuzz_version"; then
  echo "-- installing cargo-fuzz $cargo_fuzz_version"
  cargo install cargo-fuzz --version "$cargo_fuzz_version" --locked
fi

# cargo-fuzz is meant for nightly (sanitizers are -Z flags). No other toolchain can be
# fetched here, so without a nightly one the stable toolchain is told to accept nightly
# flags; with --sanitizer none, as below, cargo-fuzz passes stable -C flags only.
if cargo +nightly --version >/dev/null 2>&1; then
  cargo=(cargo +nightly)
else
  echo "-- no nightly toolchain: building with $(cargo --version) under RUSTC_BOOTSTRAP=1"
  export RUSTC_BOOTSTRAP=1
  cargo=(cargo)
fi
cargo_fuzz=("${cargo[@]}" fuzz)

target_dir="${MAMLINT_FUZZ_TARGET_DIR:-}"
if [[ -z "$target_dir" && -n "${CI:-}" ]]; then
  target_dir="${XDG_CACHE_HOME:-$HOME/.cache}/mamlint/fuzz-target"
fi
# No sanitizer: mamlint has no unsafe code, and what short runs find are panics, failed
# invariants and overflows (debug assertions are on); AddressSanitizer would halve the
# executions. Long local runs can use it: `cargo +nightly fuzz run yaml` (the default).
# Release builds of cargo-fuzz use one codegen unit, so most of the build is mamlint itself.
build_args=(--sanitizer none)
if [[ -n "$target_dir" ]]; then
  mkdir -p "$target_dir"
  build_args+=(--target-dir "$target_dir")
fi

# fuzz/Cargo.lock is committed and must be current (cargo fuzz has no --locked).
"${cargo[@]}" metadata --locked --format-version 1 >/dev/null

read -ra targets <<<"${MAMLINT_FUZZ_TARGETS:-$("${cargo_fuzz[@]}" list | tr '\n' ' ')}"

started=$SECONDS
"${cargo_fuzz[@]}" build "${build_args[@]}"
echo "-- built the fuzz targets in $((SECONDS - started)) s"

bash "$fuzz/seed.sh"

logs="$(mktemp -d)"
trap 'rm -rf "$logs"' EXIT
failed=()
for target in "${targets[@]}"; do
  log="$logs/$target.log"
  started=$SECONDS
  rc=0
  "${cargo_fuzz[@]}" run "${build_args[@]}" "$target" -- \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=4096 -print_final_stats=1 \
    >"$log" 2>&1 || rc=$?
  elapsed=$((SECONDS - started))
  # The last status line: executions, coverage, features, corpus, executions per second.
  status="$(grep -E '^#[0-9]+' "$log" | tail -n 1 || true)"
  execs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)"
  speed="$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)"
  if [[ $rc -eq 0 ]]; then
    echo "$target: ran ${elapsed} s, ${execs:-?} runs (${speed:-?} exec/s), no crash | $status"
    continue
  fi
  failed+=("$target")
  echo "$target: FAILED (exit $rc) after ${elapsed} s | $status"
  # The panic or sanitizer report, and the input that caused it.
  grep -E -A 12 "panicked at|ERROR: (libFuzzer|AddressSanitizer)|==[0-9]+== ERROR" "$log" | head -n 40 || tail -n 40 "$log"
  artifact="$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -n 1)"
  if [[ -n "$artifact" && -f "$artifact" ]]; then
    echo "input: $artifact ($(wc -c <"$artifact") bytes), base64:"
    head -c 8192 "$artifact" | base64
    echo "reproduce: cargo +nightly fuzz run -s none $target $artifact"
    echo "minimize:  cargo +nightly fuzz tmin -s none $target $artifact"
  fi
done

if [[ ${#failed[@]} -gt 0 ]]; then
  echo "fuzzing found crashes in: ${failed[*]}"
  exit 1
fi
echo "fuzzing: ${#targets[@]} targets, ${seconds} s each, no crash"
