#!/usr/bin/env bash
# How mamlint scales, against the cost of reading the same bytes (issue #11's figures):
#   (1) `mamlint check DIR` on generated repositories of 1,000 / 10,000 / 100,000 files:
#       wall, CPU and max RSS, the same for `cat` of those files, and the ratios;
#   (2) `mamlint check FILE` on one small manifest and one Graph export, and `--version`
#       (hyperfine; instructions with valgrind when installed);
#   (3) the language server's latency after an edit (benches/lsp_latency.py);
#   (4) `mamlint plan` over many tenants against a fake Graph with latency (benches/rollout.sh).
#
# Usage: benches/scale.sh [SIZE...]        (default: 1000 10000 100000)
#   RUNS=3        timed runs per size (the median wall time is reported)
#   LSP_SIZES=500,5000,20000   sizes for (3); LSP_SIZES= skips it
#   TENANTS="10 100 300"       tenant counts for (4); TENANTS= skips it
#   KEEP=1        keep the generated repositories (their paths are printed)
#
# Builds with `cargo build --release` (honours CARGO_TARGET_DIR). Needs bash, GNU time
# (/usr/bin/time), python3 and hyperfine (Debian: `apt install time hyperfine`). Timings are
# figures to read, never pass/fail: nothing here asserts a time.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
sizes=("$@")
if ((${#sizes[@]} == 0)); then sizes=(1000 10000 100000); fi
runs="${RUNS:-3}"
lsp_sizes="${LSP_SIZES-500,5000,20000}"
tenants="${TENANTS-10 100 300}"

for tool in /usr/bin/time python3 hyperfine; do
    command -v "$tool" >/dev/null 2>&1 || { echo "error: $tool is needed" >&2; exit 2; }
done

cd "$root"
echo "==> cargo build --release" >&2
cargo build --release --quiet
target_dir="$(cargo metadata --format-version 1 --no-deps |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')"
bin="$target_dir/release/mamlint"
[[ -x "$bin" ]] || { echo "error: no binary at $bin" >&2; exit 2; }

work="$(mktemp -d "${TMPDIR:-/tmp}/mamlint-scale.XXXXXX")"
if [[ "${KEEP:-0}" == 1 ]]; then
    echo "==> keeping $work" >&2
else
    trap 'rm -rf "$work"' EXIT
fi

# measure OUT CMD...: runs CMD $runs times under GNU time; writes "wall_s cpu_s rss_kb" (median
# wall, mean CPU, max RSS) to OUT.
measure() {
    local out="$1"
    shift
    local samples="$work/samples"
    : >"$samples"
    for ((i = 0; i < runs; i++)); do
        /usr/bin/time -a -o "$samples" -f "%e %U %S %M" "$@" >/dev/null 2>&1 || true
    done
    python3 - "$samples" >"$out" <<'EOF'
import statistics, sys
rows = [line.split() for line in open(sys.argv[1]) if line.strip() and line[0].isdigit()]
wall = statistics.median(float(r[0]) for r in rows)
cpu = statistics.mean(float(r[1]) + float(r[2]) for r in rows)
rss = max(int(r[3]) for r in rows)
print(f"{wall} {cpu} {rss}")
EOF
}

table="$work/table"
: >"$table"
for size in "${sizes[@]}"; do
    repo="$work/repo-$size"
    echo "==> generating $size files" >&2
    python3 "$root/benches/generate_repo.py" "$repo" --files "$size" >/dev/null
    list="$work/files-$size"
    find "$repo" -type f -print0 >"$list"
    bytes="$(xargs -0 cat <"$list" | wc -c | tr -d ' ')"
    # Warm the page cache, and make sure the repository checks as expected.
    status=0
    "$bin" check --no-config --no-color "$repo" >"$work/check.out" 2>&1 || status=$?
    echo "    check: exit $status: $(tail -n 1 "$work/check.out")" >&2
    measure "$work/m" "$bin" check --no-config --no-color "$repo"
    read -r m_wall m_cpu m_rss <"$work/m"
    measure "$work/c" sh -c "xargs -0 cat <'$list'"
    read -r c_wall c_cpu c_rss <"$work/c"
    echo "$size $bytes $m_wall $m_cpu $m_rss $c_wall $c_cpu $c_rss" >>"$table"
    if [[ "${KEEP:-0}" != 1 ]]; then rm -rf "$repo"; fi
done

echo
echo "## check against cat of the same files ($(nproc) cores, $(date -u +%Y-%m-%d), runs=$runs)"
python3 - "$table" <<'EOF'
import sys
print("| files | MB | check wall | check CPU | check max RSS | cat wall | cat CPU | wall ratio | CPU ratio | µs CPU per file |")
print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
for line in open(sys.argv[1]):
    n, b, mw, mc, mr, cw, cc, cr = line.split()
    n, b, mw, mc, mr, cw, cc = int(n), int(b), float(mw), float(mc), int(mr), float(cw), float(cc)
    ratio = lambda a, c: f"{a / c:.1f}x" if c > 0 else "n/a"
    print(f"| {n:,} | {b / 1e6:.1f} | {mw:.2f} s | {mc:.2f} s | {mr / 1024:.0f} MB "
          f"| {cw:.2f} s | {cc:.2f} s | {ratio(mw, cw)} | {ratio(mc, cc)} | {mc / n * 1e6:.0f} |")
EOF

echo
echo "## one small file"
single="$work/single"
mkdir -p "$single"
python3 "$root/benches/generate_repo.py" "$work/small-repo" --files 20 >/dev/null
first_policy="$(find "$work/small-repo/intune/app-protection" -name '*-ios-*.yaml' | LC_ALL=C sort | sed -n 1p)"
grep -v '^  tenant:' "$first_policy" >"$single/policy.yaml"
first_export="$(find "$work/small-repo/intune/exports" -name 'ios-*.json' | LC_ALL=C sort | sed -n 1p)"
cp "$first_export" "$single/export.json"
"$bin" check --no-config --no-color "$single/policy.yaml" >&2 || true
# `--version` is the floor: starting the process, nothing checked.
hyperfine --style basic --warmup 5 --runs 50 -N \
    "$bin check --no-config --no-color $single/policy.yaml" \
    "$bin check --no-config --no-color $single/export.json" \
    "$bin --version" 2>/dev/null |
    grep -E "Benchmark|Time|Range" || true
# Instructions do not depend on what else the machine runs, so they compare across runs.
if command -v valgrind >/dev/null; then
    for args in "check --no-config --no-color $single/policy.yaml" \
        "check --no-config --no-color $single/export.json" "--version"; do
        # shellcheck disable=SC2086 # the arguments are words
        refs="$(valgrind --tool=callgrind --callgrind-out-file=/dev/null "$bin" $args 2>&1 >/dev/null |
            sed -n 's/.*refs: *//p')"
        echo "instructions, mamlint ${args/$single\//}: $refs"
    done
fi

if [[ -n "$lsp_sizes" ]]; then
    echo
    echo "## language server: diagnostics after an edit (benches/lsp_latency.py)"
    python3 "$root/benches/lsp_latency.py" --bin "$bin" --files "$lsp_sizes" || true
fi

if [[ -n "$tenants" && -x "$root/benches/rollout.sh" ]]; then
    echo
    echo "## plan over many tenants against a fake Graph (benches/rollout.sh)"
    # shellcheck disable=SC2086 # the counts are words
    "$root/benches/rollout.sh" $tenants || true
fi
