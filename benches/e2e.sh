#!/usr/bin/env bash
# End-to-end timing of the release binary:
#   (1) `mamlint check DIR` on a generated repository of N policy files (default 10000);
#   (2) `mamlint check FILE` on one small AppProtectionPolicy manifest;
#   (3) `mamlint check FILE` on one Graph JSON export;
#   (4) `mamlint check FILE` on one Terraform file (examples/terraform/main.tf, 2 policies);
#   (5) `mamlint check FILE` on one Microsoft365DSC configuration (examples/dsc, 2 policies).
#
# Usage: benches/e2e.sh [N]
#   N           files to generate (default 10000; also FILES=...)
#   MIXED=1     generate the repository with Terraform and DSC files too
#               (generate_repo.py --mixed)
#   RUNS=10     timed runs per case (at least 5)
#   WARMUP=3    untimed warm-up runs per case
#   KEEP=1      keep the generated repository (its path is printed)
#   NO_HYPERFINE=1  time with a bash loop even if hyperfine is installed
#
# Builds with `cargo build --release` (honours CARGO_TARGET_DIR). Uses hyperfine when it is on
# PATH, otherwise a bash loop around `date +%s%N`. Needs bash, cargo and python3.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
files="${1:-${FILES:-10000}}"
runs="${RUNS:-10}"
warmup="${WARMUP:-3}"
if ((runs < 5)); then runs=5; fi

cd "$root"
echo "==> cargo build --release" >&2
cargo build --release --quiet
target_dir="$(cargo metadata --format-version 1 --no-deps |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')"
bin="$target_dir/release/mamlint"
[[ -x "$bin" ]] || { echo "error: no binary at $bin" >&2; exit 2; }

work="$(mktemp -d "${TMPDIR:-/tmp}/mamlint-e2e.XXXXXX")"
if [[ "${KEEP:-0}" == 1 ]]; then
    echo "==> keeping $work" >&2
else
    trap 'rm -rf "$work"' EXIT
fi
repo="$work/repo"

echo "==> generating $files files in $repo" >&2
mixed=()
if [[ "${MIXED:-0}" == 1 ]]; then mixed=(--mixed); fi
python3 "$root/benches/generate_repo.py" "$repo" --files "$files" "${mixed[@]}"
found="$(find "$repo" -type f | wc -l | tr -d ' ')"

# One small file that checks clean on its own: a generated manifest without its `tenant:`
# reference (alone, no EntraTenant is loaded, so the reference could not resolve).
single_dir="$work/single"
mkdir -p "$single_dir"
first_policy="$(find "$repo/intune/app-protection" -name '*-ios-*.yaml' | LC_ALL=C sort | sed -n 1p)"
grep -v '^  tenant:' "$first_policy" >"$single_dir/policy.yaml"
first_export="$(find "$repo/intune/exports" -name 'ios-*.json' | LC_ALL=C sort | sed -n 1p)"
cp "$first_export" "$single_dir/export.json"
cp "$root/examples/terraform/main.tf" "$single_dir/policies.tf"
cp "$root/examples/dsc/AtlassianAppProtection.ps1" "$single_dir/policies.ps1"

# Is the generated repository clean? (Not fatal: the timings are still reported.)
status=0
"$bin" check --no-color --fail-level info "$repo" >"$work/check.out" 2>&1 || status=$?
summary="$(tail -n 1 "$work/check.out")"
echo "==> mamlint check (fail level info): exit $status: $summary" >&2
if ((status != 0)); then
    echo "    findings on the generated repository (first lines):" >&2
    head -n 20 "$work/check.out" | sed 's/^/    /' >&2
fi
for f in "$single_dir/policy.yaml" "$single_dir/export.json" "$single_dir/policies.tf" \
    "$single_dir/policies.ps1"; do
    s=0
    "$bin" check --no-color --fail-level info "$f" >"$work/single.out" 2>&1 || s=$?
    if ((s != 0)); then
        echo "    note: $f is not clean on its own (exit $s):" >&2
        sed 's/^/    /' "$work/single.out" >&2
    fi
done

use_hyperfine=0
if [[ "${NO_HYPERFINE:-0}" != 1 ]] && command -v hyperfine >/dev/null 2>&1; then
    use_hyperfine=1
fi

# time_case NAME FILES CMD... -> appends "name|files|mean_ms|min_ms|sd_ms|cpu_ms|runs|tool",
# where cpu_ms is the mean user+system CPU time of a run.
results=()
time_case() {
    local name="$1" nfiles="$2"
    shift 2
    local line
    if ((use_hyperfine)); then
        local json="$work/hyperfine.json" quoted
        quoted="$(printf '%q ' "$@")"
        # -N: no intermediate shell, so a 10 ms command is not measured as 10 ms + a shell.
        # -i: a finding (exit 1) must not abort the benchmark.
        hyperfine -N -i --style basic --warmup "$warmup" --runs "$runs" \
            --export-json "$json" "$quoted" >&2
        line="$(python3 - "$json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"][0]
ms = lambda s: f"{s * 1e3:.1f}"
print("|".join([ms(r["mean"]), ms(r["min"]), ms(r["stddev"] or 0),
                ms(r["user"] + r["system"]), str(len(r["times"]))]))
PY
)"
        results+=("$name|$nfiles|$line|hyperfine")
    else
        local i t0 t1 TIMEFORMAT='%3U %3S'
        local log="$work/times.txt"
        : >"$log"
        for ((i = 0; i < warmup; i++)); do "$@" >/dev/null 2>&1 || true; done
        for ((i = 0; i < runs; i++)); do
            t0="$(date +%s%N)"
            { time "$@" >/dev/null 2>&1; } 2>"$work/cpu.txt" || true
            t1="$(date +%s%N)"
            echo "$((t1 - t0)) $(cat "$work/cpu.txt")" >>"$log"
        done
        # Columns of the log: wall ns, user s, system s.
        line="$(awk '
            { wall[NR] = $1; sum += $1; cpu += $2 + $3; if (NR == 1 || $1 < min) min = $1 }
            END {
                mean = sum / NR
                for (i = 1; i <= NR; i++) ss += (wall[i] - mean) ^ 2
                sd = NR > 1 ? sqrt(ss / (NR - 1)) : 0
                printf "%.1f|%.1f|%.1f|%.1f|%d", mean / 1e6, min / 1e6, sd / 1e6, cpu / NR * 1e3, NR
            }' "$log")"
        results+=("$name|$nfiles|$line|bash loop")
        echo "    $name: mean $(cut -d'|' -f1 <<<"$line") ms over $runs runs" >&2
    fi
}

load_before="$(cut -d' ' -f1 /proc/loadavg)"
echo "==> timing ($runs runs, $warmup warm-up; load average $load_before)" >&2
time_case "check repository" "$found" "$bin" check --no-color "$repo"
time_case "check one manifest" 1 "$bin" check --no-color "$single_dir/policy.yaml"
time_case "check one Graph export" 1 "$bin" check --no-color "$single_dir/export.json"
time_case "check one Terraform file" 1 "$bin" check --no-color "$single_dir/policies.tf"
time_case "check one DSC file" 1 "$bin" check --no-color "$single_dir/policies.ps1"

cpu="$(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2- | sed 's/^ *//' || true)"
echo
echo "machine: $(nproc) cores, ${cpu:-unknown CPU}, $(uname -sr)"
echo "load:    $load_before before timing, $(cut -d' ' -f1-3 /proc/loadavg) after (1/5/15 min)"
echo "binary:  $bin"
echo "repo:    $found files${mixed:+ (mixed: .yaml, .json, .tf, .ps1)}; mamlint check --fail-level info exit $status ($summary)"
echo
printf '%-24s %7s %11s %11s %9s %11s %5s  %s\n' case files "mean (ms)" "min (ms)" "sd (ms)" "cpu (ms)" runs tool
for r in "${results[@]}"; do
    IFS='|' read -r name nfiles mean min sd cputime n tool <<<"$r"
    printf '%-24s %7s %11s %11s %9s %11s %5s  %s\n' "$name" "$nfiles" "$mean" "$min" "$sd" "$cputime" "$n" "$tool"
done
echo "(cpu: mean user+system CPU time per run, summed over threads)"
echo
IFS='|' read -r _ _ repo_mean _ <<<"${results[0]}"
IFS='|' read -r _ _ one_mean _ <<<"${results[1]}"
awk -v r="$repo_mean" -v o="$one_mean" -v f="$found" 'BEGIN {
    printf "target: %d files < 1000 ms: %s (%.1f ms)\n", f, (r < 1000 ? "met" : "MISSED"), r
    printf "target: one small file < 20 ms: %s (%.1f ms)\n", (o < 20 ? "met" : "MISSED"), o
}'
