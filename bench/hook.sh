#!/usr/bin/env bash
# Times the pre-receive hook for a one-commit push into a small repository and into a large
# one, beside git's own cost of the same push, and prints the ratios.
#
#   bench/hook.sh [LARGE_REPO] [RUNS]
#
# LARGE_REPO is any local repository to use as the large server (it is cloned with
# `--mirror --shared`, so nothing is copied or written into it); without it a repository of
# about 500,000 objects (20,000 commits over 5,000 files) is generated with git fast-import
# and cached under target/bench/. RUNS (default 15) one-commit pushes are made into each
# server; the median counts. Four kinds of push are timed: a person adds a source file (no
# history is read), a person adds a text file, a person rewrites a JSON data file, and a job
# rewrites it (`Latest data: <date>` each time). For a text or data file pushgate first reads
# the messages of the newest 64 commits of the look-back window to tell whether the push is a
# job's; only a job's push reads the whole window (1,000 commits by default) and the trees of
# the directories in scope. A fifth push starts a new branch from a commit 200 commits back:
# its base is no checked ref's tip, so the hook walks by time from the new commit and from
# every checked ref until nothing left can be new. A sixth push is the job's again into servers
# that have a facts store (`pushgate index`, as `pushgate install pre-receive` leaves a
# server), so the hook judges with the whole history. For each push the script records:
#   hook   the wall time of `pushgate pre-receive` inside the push (a timing wrapper hook)
#   push   the wall time of the whole `git push` without any hook (git's own cost)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$here/bench/lib.sh"
runs="${2:-15}"
# PUSHGATE: another build to time (it is not rebuilt); KINDS: some of the pushes only
# (code text data job old stored).
if [ -z "${PUSHGATE:-}" ]; then
  cargo build --release --quiet --manifest-path "$here/Cargo.toml"
fi
pushgate="${PUSHGATE:-$here/target/release/pushgate}"
export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null
export GIT_AUTHOR_NAME=bench GIT_AUTHOR_EMAIL=bench@example.com
export GIT_COMMITTER_NAME=bench GIT_COMMITTER_EMAIL=bench@example.com
work=$(mktemp -d)
trap 'rm -rf "$work" "$bench_stats"' EXIT

# A small repository: a handful of commits.
generate_small() {
  local dest="$1" src="$work/small-src"
  git init -q -b main "$src"
  for i in 1 2 3 4 5; do
    echo "line $i" >> "$src/README.md"
    git -C "$src" add -A
    git -C "$src" commit -q -m "commit $i"
  done
  git clone -q --bare "$src" "$dest"
}

large_src="${1:-$(large_repo)}"

generate_small "$work/small.git"
git clone -q --mirror --shared "$large_src" "$work/large.git"

# The timing wrapper: runs pushgate as the hook would and appends its wall time in ms.
install_timing_hook() {
  local server="$1"
  cat > "$server/hooks/pre-receive" <<HOOK
#!/bin/sh
s=\$(date +%s%N)
"$pushgate" pre-receive
status=\$?
e=\$(date +%s%N)
echo \$(( (e - s) / 1000000 )) >> "$work/\$(basename "$server").hook-ms"
exit \$status
HOOK
  chmod +x "$server/hooks/pre-receive"
}

median() { sort -n | awk '{a[NR]=$1} END {if (NR == 0) print "?"; else print a[int((NR + 1) / 2)]}'; }

# measure NAME KIND: RUNS one-commit pushes with the hook, RUNS without; prints
# "hook push objects". KIND "text" adds a new text file per push, "data" rewrites data.json.
measure() {
  local name="$1" kind="$2" server="$work/$1.git" client="$work/$1-$2-client"
  git clone -q --no-checkout "$server" "$client" 2>/dev/null
  git -C "$client" checkout -q main 2>/dev/null || git -C "$client" checkout -q -b main
  local objects base
  objects=$(git -C "$server" cat-file --batch-all-objects --batch-check='%(objectname)' | wc -l)
  # Date the pushes just after the newest commit, so the look-back window holds the
  # repository's own recent history, as it would for a live repository.
  base=$(git -C "$client" log -1 --format=%ct HEAD)
  # The base of the "old" pushes: 200 first-parent commits back, or the root.
  local older
  older=$(git -C "$client" rev-list --first-parent --max-count=201 HEAD | tail -n 1)
  local n=0
  # A person's message says something new each time; a job's repeats its template.
  word() { printf '%s' "$1" | md5sum | cut -c1-6 | tr '0-9a-f' 'g-v'; }
  push_once() {
    n=$((n + 1))
    export GIT_AUTHOR_DATE="@$((base + n * 60)) +0000" GIT_COMMITTER_DATE="@$((base + n * 60)) +0000"
    local message="Describe $(word "$1") beside $(word "x$1") for the $(word "y$1") notes"
    [ "$kind" = job ] || [ "$kind" = stored ] && message="Latest data: $(date -u -d "@$((base + n * 60))")"
    if [ "$kind" = data ] || [ "$kind" = job ] || [ "$kind" = stored ]; then
      printf '{"run": "%s", "values": [1, 2, 3]}\n' "$1" > "$client/data.json"
      git -C "$client" add data.json
    elif [ "$kind" = code ]; then
      printf 'def run():\n    return "%s"\n' "$1" > "$client/bench_$(echo "$1" | tr -- - _).py"
      git -C "$client" add -A
    else
      echo "bench $1" > "$client/bench-$1.txt"
      git -C "$client" add "bench-$1.txt"
    fi
    if [ "$kind" = old ]; then
      # A new branch from an older commit: no checked ref's tip is its base, so the hook
      # walks by time from both sides to find what no checked ref reaches.
      git -C "$client" checkout -q --detach "$older"
      echo "bench $1" > "$client/bench-$1.txt"
      git -C "$client" add "bench-$1.txt"
      git -C "$client" commit -q -m "$message"
      git -C "$client" push -q origin "HEAD:refs/heads/bench-old-$1" 2>/dev/null
      return
    fi
    git -C "$client" commit -q -m "$message"
    git -C "$client" push -q origin "HEAD:refs/heads/bench-$kind" 2>/dev/null
  }
  # With a facts store, as `pushgate install pre-receive` leaves a server: built now, brought
  # up to date by each push's hook.
  [ "$kind" = stored ] && (cd "$server" && "$pushgate" index >/dev/null 2>&1)
  : > "$work/$name.git.hook-ms"
  install_timing_hook "$server"
  for i in $(seq "$runs"); do push_once "hook-$i"; done
  rm "$server/hooks/pre-receive"
  : > "$work/$name.push-ms"
  for i in $(seq "$runs"); do
    local s e
    s=$(date +%s%N)
    push_once "plain-$i"
    e=$(date +%s%N)
    echo $(( (e - s) / 1000000 )) >> "$work/$name.push-ms"
  done
  echo "$(median < "$work/$name.git.hook-ms") $(median < "$work/$name.push-ms") $objects"
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b == 0) b = 1; printf "%.2f", a / b }'; }

echo "pre-receive, one-commit push, median of $runs ($(date -u +%Y-%m-%d), $(nproc) cores)"
printf '%-8s %-26s %10s %10s %14s\n' repo push objects "hook (ms)" "git push (ms)"
for kind in ${KINDS:-code text data job old stored}; do
  read -r small_hook small_push small_objects < <(measure small "$kind")
  read -r large_hook large_push large_objects < <(measure large "$kind")
  label="adds a text file"
  [ "$kind" = code ] && label="adds a source file"
  [ "$kind" = data ] && label="rewrites a data file"
  [ "$kind" = job ] && label="a job rewrites a data file"
  [ "$kind" = old ] && label="branches from an old commit"
  [ "$kind" = stored ] && label="the job, with a facts store"
  printf '%-8s %-26s %10s %10s %14s\n' small "$label" "$small_objects" "$small_hook" "$small_push"
  printf '%-8s %-26s %10s %10s %14s\n' large "$label" "$large_objects" "$large_hook" "$large_push"
  echo "hook time, large / small ($label): $(ratio "$large_hook" "$small_hook")"
done
