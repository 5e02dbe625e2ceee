#!/usr/bin/env bash
# How the audit's cost grows: runs bench/audit.sh on the generated repository of people's work
# (large:1, large:2, large:4: 20,000 commits over 5,000 files, times 1, 2, 4) and on the
# generated scraping job (scraping:0.25, 0.5, 1: 6,000, 12,000 and 24,000 hourly rewrites of
# three JSON documents), and prints one row per size: objects, commits, the most versions of
# one path, the audit's time and peak memory, git's two commands, and time per object and per
# commit.
#
#   bench/scaling.sh [RUNS]
#
# The repositories are generated once and cached under target/bench/ (the largest scraping
# one takes about a quarter of an hour).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
runs="${1:-1}"
printf '%-14s %9s %8s %9s %9s %9s %9s %7s %11s %11s\n' \
  size objects commits versions audit peak git ratio "us/object" "us/commit"
for size in large:1 large:2 large:4 scraping:0.25 scraping:0.5 scraping:1; do
  out=$(bash "$here/bench/audit.sh" "$size" "$runs" 2>/dev/null)
  repo=$(printf '%s\n' "$out" | sed -n 's/^repository: \([^ ]*\) .*/\1/p')
  objects=$(printf '%s\n' "$out" | sed -n 's/^repository: [^ ]* (\([0-9]*\) packed.*/\1/p')
  commits=$(git -C "$repo" rev-list --all --count)
  versions=$(git -C "$repo" log --all --format= --name-only | sort | uniq -c | sort -rn | awk 'NR==1{print $1}')
  audit=$(printf '%s\n' "$out" | awk '/pushgate audit/{print $(NF-3)}')
  peak=$(printf '%s\n' "$out" | awk '/pushgate audit/{print $(NF-1)}')
  git_log=$(printf '%s\n' "$out" | awk '/git log --all/{print $(NF-3)}')
  git_rev=$(printf '%s\n' "$out" | awk '/rev-list --objects/{print $(NF-3)}')
  ratio=$(printf '%s\n' "$out" | awk '/pushgate \/ \(git log/{print $NF}')
  python3 - "$size" "$objects" "$commits" "$versions" "$audit" "$peak" "$git_log" "$git_rev" "$ratio" <<'PY'
import sys
size, objects, commits, versions, audit, peak, log, rev, ratio = sys.argv[1:]
objects, commits, audit = int(objects), int(commits), float(audit)
git = float(log) + float(rev)
print("%-14s %9d %8d %9s %8.2fs %6s MiB %8.2fs %7s %11.1f %11.1f" % (
    size, objects, commits, versions, audit, peak, git, ratio, audit * 1e6 / objects, audit * 1e6 / commits))
PY
done
