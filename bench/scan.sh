#!/usr/bin/env bash
# Times `pushgate scan` beside git's own commands over the same repository and range, and
# prints the ratios and peak memory.
#
#   bench/scan.sh [REPO] [RANGE] [RUNS]
#
# REPO defaults to this checkout, RANGE to a range of the last 100 commits of HEAD (or the
# whole history when it is shorter), RUNS to 3 (the best run counts). Both the range and
# `--all` are measured. The git side lists the objects pushgate reads, with their sizes and
# with their whole contents (pushgate reads sizes and content prefixes):
#   git rev-list --objects RANGE | git cat-file --batch-check
#   git rev-list --objects RANGE | git cat-file --batch
# (with --missing=allow-any, so that absent blobs of a partial clone do not stop git early).
# Needs GNU time (`apt-get install time`) for peak memory; without it, memory shows as "?".
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$here/bench/lib.sh"
repo="${1:-$here}"
runs="${3:-3}"
if [ -n "${2:-}" ]; then
  range="$2"
else
  n=$(git -C "$repo" rev-list --count HEAD)
  if [ "$n" -gt 100 ]; then range="HEAD~100..HEAD"; else range="HEAD"; fi
fi

cargo build --release --quiet --manifest-path "$here/Cargo.toml"
pushgate="$here/target/release/pushgate"

row() { # label seconds kib
  printf '  %-58s %8.2f s %10s\n' "$1" "$2" "$( [ "$3" = "?" ] && echo "?" || echo "$(( $3 / 1024 )) MiB")"
}

q() { printf '%q' "$1"; }
echo "repository: $repo ($(git -C "$repo" count-objects -v | awk '/in-pack/{print $2}') packed objects)"
echo "machine:    $(nproc) cores, $(awk '/MemTotal/{printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(git --version)"
echo "date:       $(date -u +%Y-%m-%d)"
for spec in "$range" "--all"; do
  if [ "$spec" = "--all" ]; then revs="--all"; else revs="$spec"; fi
  pg="$(q "$pushgate") scan --repo $(q "$repo") $revs --format json --output /dev/null"
  objects="git -C $(q "$repo") rev-list --objects --missing=allow-any $revs | cut -d' ' -f1"
  sizes="$objects | git -C $(q "$repo") cat-file --batch-check"
  contents="$objects | git -C $(q "$repo") cat-file --batch"
  read -r pt pm < <(best_of "$pg")
  read -r st sm < <(best_of "$sizes")
  read -r ct cm < <(best_of "$contents")
  echo
  echo "range: $spec ($(git -C "$repo" rev-list --count $revs) commits)"
  row "pushgate scan (sizes, content prefixes, rules)" "$pt" "$pm"
  row "git rev-list --objects | git cat-file --batch-check" "$st" "$sm"
  row "git rev-list --objects | git cat-file --batch" "$ct" "$cm"
  printf '  pushgate / sizes only: %.2f   pushgate / full contents: %.2f\n' \
    "$(echo "$pt / $st" | bc -l)" "$(echo "$pt / $ct" | bc -l)"
done
