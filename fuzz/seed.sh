#!/usr/bin/env bash
# Seeds fuzz/corpus/<target>/ from the repository's real files: the rule fixtures, the
# real-world corpus (tests/fixtures) and examples/. The corpora are generated, gitignored and
# grow as the fuzzer runs; seeding again only adds files.
#
# Targets that read a whole file take its format from the first byte (see fuzz/src/lib.rs):
# 0 for YAML, 1 for JSON. The `load` seeds also come re-encoded (UTF-8 with BOM, UTF-16 LE
# and BE with BOM, CRLF), so decoding starts from every encoding mamlint reads.
set -euo pipefail
fuzz="$(cd "$(dirname "$0")" && pwd)"
repo="$(dirname "$fuzz")"
corpus="$fuzz/corpus"
cd "$repo"

mkdir -p "$corpus"/{yaml,json,load,lint_file,config,suppressions}

# Real files only: the fixture snapshots and READMEs are not inputs.
files() { find tests/fixtures examples -type f \( "$@" \) | LC_ALL=C sort; }

# A seed's name: its path with / turned into _, so seeds from different folders do not clash.
name() { printf '%s' "${1//\//_}"; }

# with_selector BYTE FILE OUT: the file's bytes after one selector byte.
with_selector() { { printf "\\x$1"; cat "$2"; } >"$3"; }

count=0
while IFS= read -r f; do
  n="$(name "$f")"
  cp "$f" "$corpus/yaml/$n"
  with_selector 00 "$f" "$corpus/lint_file/$n"
  with_selector 00 "$f" "$corpus/load/$n"
  count=$((count + 1))
done < <(files -name '*.yaml' -o -name '*.yml')

while IFS= read -r f; do
  n="$(name "$f")"
  cp "$f" "$corpus/json/$n"
  with_selector 01 "$f" "$corpus/lint_file/$n"
  with_selector 01 "$f" "$corpus/load/$n"
  count=$((count + 1))
done < <(files -name '*.json')

while IFS= read -r f; do
  cp "$f" "$corpus/config/$(name "$f")"
  count=$((count + 1))
done < <(files -name '*.toml')

# Files with `# mamlint:` comments, whole: the target parses each line as a directive.
while IFS= read -r f; do
  cp "$f" "$corpus/suppressions/$(name "$f")"
  count=$((count + 1))
done < <(grep -rlE '#[[:space:]]*mamlint:' tests/fixtures examples --include='*.yaml' --include='*.yml' | LC_ALL=C sort)

# Re-encoded copies of a few files of each format, for the decoder.
reencoded=0
while IFS= read -r f; do
  n="$(name "$f")"
  case "$f" in *.json) sel=01 ;; *) sel=00 ;; esac
  utf8="$(iconv -f UTF-8 -t UTF-8 "$f" 2>/dev/null)" || continue # already UTF-16 or invalid
  { printf "\\x$sel"; printf '\xEF\xBB\xBF'; printf '%s\n' "$utf8"; } >"$corpus/load/$n.bom"
  { printf "\\x$sel"; printf '\xFF\xFE'; printf '%s\n' "$utf8" | iconv -f UTF-8 -t UTF-16LE; } >"$corpus/load/$n.utf16le"
  { printf "\\x$sel"; printf '\xFE\xFF'; printf '%s\n' "$utf8" | iconv -f UTF-8 -t UTF-16BE; } >"$corpus/load/$n.utf16be"
  { printf "\\x$sel"; printf '%s\n' "$utf8" | sed 's/$/\r/'; } >"$corpus/load/$n.crlf"
  reencoded=$((reencoded + 4))
done < <(files -path 'examples/*' \( -name '*.yaml' -o -name '*.json' \))

echo "seeded $corpus from $count repository files (+$reencoded re-encoded copies):"
for target in yaml json load lint_file config suppressions; do
  echo "  $target: $(find "$corpus/$target" -type f | wc -l) files"
done
