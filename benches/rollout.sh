#!/usr/bin/env bash
# Wall time of `mamlint plan` over many tenants against the fake Graph with a latency per
# request: for each count, `benches/fake_graph.rs` (the integration tests' fake, as a
# server) writes that many tenants' manifests (an EntraTenant, an iOS and an Android policy
# each, all up to date) and serves them; `mamlint plan` then reads every tenant live: a
# token, two lists, two policies and two consent lookups each, 7 requests.
#
# Usage: benches/rollout.sh [COUNT...]
#   COUNT...       tenant counts (default 10 100 300)
#   LATENCY_MS=50  latency the fake adds to every request
#   JOBS=N         pass --jobs N (default: mamlint's default)
#   RUNS=3         timed runs per count (the figure is the mean; min and max are shown)
#
# Builds the release binary and the example with `cargo build --release` (honours
# CARGO_TARGET_DIR and CARGO_PROFILE_RELEASE_*). Needs bash, cargo and python3.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
counts=("$@")
if ((${#counts[@]} == 0)); then counts=(10 100 300); fi
latency="${LATENCY_MS:-50}"
runs="${RUNS:-3}"
jobs_args=()
if [[ -n "${JOBS:-}" ]]; then jobs_args=(--jobs "$JOBS"); fi

cd "$root"
echo "==> cargo build --release (mamlint and the fake_graph example)" >&2
cargo build --release --quiet --bin mamlint --example fake_graph
target_dir="$(cargo metadata --format-version 1 --no-deps |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')"
bin="$target_dir/release/mamlint"
fake_bin="$target_dir/release/examples/fake_graph"
[[ -x "$bin" && -x "$fake_bin" ]] || { echo "error: no binaries under $target_dir/release" >&2; exit 2; }

work="$(mktemp -d "${TMPDIR:-/tmp}/mamlint-rollout.XXXXXX")"
fake_pid=""
stop_fake() {
    if [[ -n "$fake_pid" ]]; then
        kill "$fake_pid" 2>/dev/null || true
        wait "$fake_pid" 2>/dev/null || true
        fake_pid=""
    fi
}
trap 'stop_fake; rm -rf "$work"' EXIT

now_ns() { date +%s%N; }

printf '%-8s %-10s %-12s %-12s %-12s %s\n' tenants latency 'mean (s)' 'min (s)' 'max (s)' requests
for count in "${counts[@]}"; do
    repo="$work/repo-$count"
    "$fake_bin" "$count" "$latency" "$repo" >"$work/url" &
    fake_pid=$!
    for _ in $(seq 100); do
        [[ -s "$work/url" ]] && break
        sleep 0.1
    done
    url="$(head -n 1 "$work/url")"
    [[ -n "$url" ]] || { echo "error: the fake did not start" >&2; exit 2; }
    times=()
    for _ in $(seq "$runs"); do
        start="$(now_ns)"
        status=0
        MAMLINT_GRAPH_URL="$url" MAMLINT_LOGIN_URL="$url" \
            MAMLINT_CLIENT_ID=11111111-2222-3333-4444-555555555555 \
            MAMLINT_CLIENT_SECRET=s3cr3t-client-value-91f2 \
            "$bin" plan "$repo" "${jobs_args[@]}" >"$work/plan.txt" 2>"$work/plan.err" || status=$?
        end="$(now_ns)"
        if ((status != 0)); then
            echo "error: mamlint plan exited $status (expected 0, nothing to change):" >&2
            tail -n 20 "$work/plan.err" >&2
            exit 1
        fi
        times+=($(((end - start) / 1000000)))
    done
    stop_fake
    python3 - "$count" "$latency" "$(tail -n 1 "$work/plan.txt")" "${times[@]}" <<'EOF'
import sys
count, latency, summary, *times = sys.argv[1:]
times = [int(t) for t in times]
mean = sum(times) / len(times)
print(f"{count:<8} {latency + ' ms':<10} {mean / 1000:<12.2f} {min(times) / 1000:<12.2f} {max(times) / 1000:<12.2f} {7 * int(count)}  ({summary})")
EOF
done
