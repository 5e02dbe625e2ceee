#!/usr/bin/env bash
# Audits a generated fleet of small repositories and checks, in one run, what a fleet must
# keep: its pace against the single audits, that shards merge as one run, and that a rerun
# after a killed run redoes only what was missing.
#
#   bench/fleet.sh [N] [JOBS]
#
# N (default 200) bare repositories of five shapes (fixtures/plain.sh, scraper.sh,
# county_scraper.sh, app_backups.sh and churn.sh, one after the other), each a clone of its
# shape with a few commits of its own on top, varied by its number (how many, how big, and
# every seventh a binary of a few hundred KiB), generated once and cached under target/bench/.
# JOBS (default 2) audits at a time. In one run:
#   a. `pushgate audit --repo R --format json` for each repository, one after the other: the
#      sum of their wall times is S;
#   b. `pushgate audit --fleet DIR --jobs JOBS`, unsharded: its wall time F, and F / (S / JOBS)
#      (target: at most 1.2);
#   c. the fleet in four shards (0/4 … 3/4), each into its own results folder, copied together:
#      `report merge --format json` of them is the unsharded run's, byte for byte;
#   d. a fresh fleet run (its process group: the run and its audits) killed with SIGKILL once
#      about half the results exist, then rerun: the rerun says it audits only the missing ones,
#      audits that many, leaves the earlier results untouched (their mtimes), and merges as the
#      unsharded run;
#   e. a summary, with the machine, the date and the versions.
# Exits 1 when a check fails.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$here/bench/lib.sh"
n="${1:-200}"
jobs="${2:-2}"
cargo build --release --quiet --manifest-path "$here/Cargo.toml"
pushgate="$here/target/release/pushgate"
shapes=(plain scraper county_scraper app_backups churn)

# fleet_base SHAPE: a bare clone of the fixture SHAPE, made once under target/bench/.
fleet_base() {
  local dest="$here/target/bench/fleet-bases/$1.git"
  if [ ! -d "$dest" ]; then
    mkdir -p "$here/target/bench/fleet-bases"
    rm -rf "$dest.tmp" "$dest.work"
    bash "$here/fixtures/$1.sh" "$dest.work" >/dev/null
    git clone -q --bare "$dest.work" "$dest.tmp"
    rm -rf "$dest.work"
    mv "$dest.tmp" "$dest"
  fi
  echo "$dest"
}

# fleet_repos N: the folder of the N repositories, generated once under target/bench/.
fleet_repos() {
  local count="$1" dest="$here/target/bench/fleet-$1" i shape
  if [ ! -d "$dest" ]; then
    echo "generating $dest ($count repositories; once)" >&2
    for shape in "${shapes[@]}"; do fleet_base "$shape" >/dev/null; done
    rm -rf "$dest.tmp"
    mkdir -p "$dest.tmp"
    for i in $(seq 0 $((count - 1))); do
      shape=${shapes[$((i % ${#shapes[@]}))]}
      local repo
      repo="$dest.tmp/$shape/repo-$(printf '%03d' "$i").git"
      mkdir -p "$(dirname "$repo")"
      # A local clone hard-links the packs: cheap, and each repository writes its own store.
      git clone -q --bare "$here/target/bench/fleet-bases/$shape.git" "$repo"
      git -C "$repo" config gc.auto 0
      python3 - "$i" <<'PY' | git -C "$repo" fast-import --quiet
import random, sys
seed = int(sys.argv[1])
rnd = random.Random(seed)
out = sys.stdout.buffer
t = 1735689600 + seed * 3600  # 2025-01-01 plus an hour per repository
for c in range(1 + seed % 5):
    t += 600 + rnd.randrange(86400)
    out.write(b"commit refs/heads/main\n")
    out.write(b"committer Dev %d <dev%d@example.com> %d +0000\n" % (seed % 7, seed % 7, t))
    msg = b"Note %d of repository %d" % (c, seed)
    out.write(b"data %d\n%s\n" % (len(msg), msg))
    if c == 0:
        out.write(b"from refs/heads/main^0\n")
    body = b"".join(b"line %d %d\n" % (k, rnd.randrange(1 << 30)) for k in range(50 + rnd.randrange(2000)))
    out.write(b"M 100644 inline notes/repository-%d.txt\ndata %d\n" % (seed, len(body)) + body + b"\n")
    if seed % 7 == 0 and c == 0:
        blob = rnd.randbytes(200 * 1024 + rnd.randrange(400 * 1024))
        out.write(b"M 100644 inline assets/blob-%d.bin\ndata %d\n" % (seed, len(blob)) + blob + b"\n")
PY
    done
    mv "$dest.tmp" "$dest"
  fi
  echo "$dest"
}

fleet=$(fleet_repos "$n")
work=$(mktemp -d)
trap 'rm -rf "$work" "$bench_stats"' EXIT
failed=0
check() { # label ok(0/1)
  if [ "$2" = 0 ]; then echo "  check: $1: yes"; else echo "  check: $1: NO"; failed=1; fi
}
now() { date +%s.%N; }
merged() { # results-folder output
  "$pushgate" report merge "$1" --format json --output "$2"
}

echo "fleet:   $fleet ($n repositories, $(du -sh "$fleet" | cut -f1))"
echo "machine: $(nproc) cores, $(awk '/MemTotal/{printf "%.0f GiB", $2/1048576}' /proc/meminfo), load $(cut -d' ' -f1-3 /proc/loadavg)"

# a. The single audits, one after the other.
mapfile -t repos < <(cd "$fleet" && find . -name '*.git' -prune -type d | sort)
S=0
for r in "${repos[@]}"; do
  s=$(now)
  "$pushgate" audit --repo "$fleet/$r" --format json --progress never --output /dev/null || [ $? -eq 1 ]
  e=$(now)
  S=$(echo "$S + $e - $s" | bc)
done
[ "${#repos[@]}" = "$n" ] || { echo "expected $n repositories in $fleet, found ${#repos[@]}" >&2; exit 1; }
printf 'single audits: %d, one after the other: S = %.2f s (%.0f ms each)\n' "$n" "$S" "$(echo "$S * 1000 / $n" | bc -l)"

# b. The fleet, unsharded.
s=$(now)
"$pushgate" audit --fleet "$fleet" --results "$work/whole" --jobs "$jobs" --progress never
e=$(now)
F=$(echo "$e - $s" | bc)
ratio=$(echo "$F / ($S / $jobs)" | bc -l)
printf 'fleet, --jobs %d: F = %.2f s; F / (S / %d) = %.2f (target at most 1.2)\n' "$jobs" "$F" "$jobs" "$ratio"
check "every repository has an ok result" "$( [ "$(grep -l '"status": "ok"' "$work/whole"/*.json | wc -l)" = "$n" ]; echo $?)"
check "ratio at most 1.2" "$( [ "$(echo "$ratio <= 1.2" | bc)" = 1 ]; echo $?)"
merged "$work/whole" "$work/whole.json"

# c. Four shards, each into its own folder, copied together.
mkdir -p "$work/shards"
for i in 0 1 2 3; do
  "$pushgate" audit --fleet "$fleet" --results "$work/shard-$i" --jobs "$jobs" --shard "$i/4" --progress never
  printf '  shard %d/4: %d repositories\n' "$i" "$(find "$work/shard-$i" -name '*.json' | wc -l)"
  cp "$work/shard-$i"/*.json "$work/shards/"
done
merged "$work/shards" "$work/shards.json"
shards_same=no
cmp -s "$work/whole.json" "$work/shards.json" && shards_same=yes
check "four shards merge as one run" "$( [ $shards_same = yes ]; echo $?)"
[ $shards_same = yes ] || diff <(python3 -m json.tool "$work/whole.json") <(python3 -m json.tool "$work/shards.json") | head -20

# d. A fresh run killed halfway (the run and its audits: its process group), then rerun.
half=$((n / 2))
setsid "$pushgate" audit --fleet "$fleet" --results "$work/resumed" --jobs "$jobs" --progress never &
pid=$!
while kill -0 "$pid" 2>/dev/null; do
  [ "$(find "$work/resumed" -maxdepth 1 -name '[!.]*.json' 2>/dev/null | wc -l)" -ge "$half" ] && break
  sleep 0.02
done
kill -KILL -- "-$(ps -o pgid= -p "$pid" | tr -d " ")" 2>/dev/null || true
wait "$pid" 2>/dev/null || true
sleep 0.2
before=$(find "$work/resumed" -maxdepth 1 -name '[!.]*.json' | wc -l)
find "$work/resumed" -maxdepth 1 -name '[!.]*.json' -printf '%f %T@\n' | sort > "$work/before"
"$pushgate" audit --fleet "$fleet" --results "$work/resumed" --jobs "$jobs" 2> "$work/rerun.err"
missing=$((n - before))
redone=$(grep -c '^pushgate: \[[0-9]*/[0-9]*\] ' "$work/rerun.err" || true)
said=$(head -1 "$work/rerun.err")
echo "  killed with $before of $n results; the rerun: ${said#pushgate: }"
check "the rerun plans only the missing ones" "$(grep -q ": $before already audited, $missing to audit," <<<"$said"; echo $?)"
check "the rerun audits $missing" "$( [ "$redone" = "$missing" ]; echo $?)"
find "$work/resumed" -maxdepth 1 -name '[!.]*.json' -printf '%f %T@\n' | sort > "$work/after"
check "the earlier results are untouched" "$(join "$work/before" "$work/after" | awk '$2 != $3 {bad = 1} END {exit bad}'; echo $?)"
check "every repository has a result" "$( [ "$(wc -l < "$work/after")" = "$n" ]; echo $?)"
merged "$work/resumed" "$work/resumed.json"
check "the resumed run merges as one run" "$(cmp -s "$work/whole.json" "$work/resumed.json"; echo $?)"

# e. The summary.
echo
echo "fleet of $n repositories, --jobs $jobs"
printf '  S (single audits, summed)   %8.2f s\n' "$S"
printf '  F (fleet)                   %8.2f s\n' "$F"
printf '  %-27s %8.2f (target at most 1.2)\n' "F / (S / $jobs)" "$ratio"
echo "  shards identical            $shards_same"
echo "  resume redid                $redone of $n ($missing were missing)"
echo "  machine                     $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "  date                        $(date -u +%Y-%m-%dT%H:%MZ)"
echo "  versions                    $("$pushgate" --version) ($(git -C "$here" rev-parse --short HEAD)), $(git --version)"
exit "$failed"
