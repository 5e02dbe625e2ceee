#!/usr/bin/env bash
# Replays the last commits of a repository as pushes into a server holding what came before,
# and times the pre-receive hook of each push: once with the facts store (built by `pushgate
# install pre-receive`, brought up to date by each hook), once without it (the look-back
# window). Then compares what each push was told with what `pushgate audit` says of the
# server after the last push, for every path the pushes touched.
#
#   bench/replay.sh REPO [N]
#
# REPO is any local repository (cloned with `--mirror --shared`: nothing is written into it);
# N (default 50) first-parent commits of its HEAD are pushed one at a time. For each push
# the script records the wall time and the CPU time (user and system, all threads) of
# `pushgate pre-receive` inside it (a timing wrapper hook); on a busy machine the CPU time is
# the steadier figure. It prints the median, 90th percentile and largest hook time with and without the
# store, the store's size beside the packs, and how many pushed findings (rule, level,
# subject) the audit gives too.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
repo="${1:?usage: bench/replay.sh REPO [N]}"
n="${2:-50}"
# PUSHGATE: another build to time (it is not rebuilt); by default this checkout's release build.
if [ -z "${PUSHGATE:-}" ]; then
  cargo build --release --quiet --manifest-path "$here/Cargo.toml"
fi
pushgate="${PUSHGATE:-$here/target/release/pushgate}"
export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

git clone -q --mirror --shared "$repo" "$work/client.git"
mapfile -t commits < <(git -C "$work/client.git" rev-list --first-parent --reverse -n "$n" HEAD)
seed=$(git -C "$work/client.git" rev-parse "${commits[0]}~1")

# serve NAME: a bare server holding the seed as main, with pushgate's hook behind a timing
# wrapper; the store built by the install unless NAME is "window".
serve() {
  local server="$work/$1.git"
  git init -q --bare -b main "$server"
  git -C "$work/client.git" push -q "$server" "$seed:refs/heads/main"
  "$pushgate" install pre-receive --repo "$server" > "$work/$1.install"
  [ "$1" = window ] && rm -rf "$server/pushgate"
  cat > "$server/hooks/pre-receive" <<HOOK
#!/usr/bin/env python3
import os, subprocess, sys, time
start = time.monotonic()
hook = subprocess.Popen(["$pushgate", "pre-receive"], stdin=sys.stdin, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
stderr = hook.stderr.read()
_, status, used = os.wait4(hook.pid, 0)
wall = (time.monotonic() - start) * 1000
code = os.waitstatus_to_exitcode(status)
with open("$work/$1.hook-ms", "a") as f:
    f.write("%d\n" % round(wall))
with open("$work/$1.cpu-ms", "a") as f:
    f.write("%d\n" % round((used.ru_utime + used.ru_stime) * 1000))
for name in ("$work/$1.last", "$work/$1.said"):
    with open(name, "w" if name.endswith(".last") else "a") as f:
        f.write(stderr.decode(errors="replace"))
sys.stderr.write(stderr.decode(errors="replace"))
sys.exit(code)
HOOK
  chmod +x "$server/hooks/pre-receive"
  : > "$work/$1.hook-ms"
  : > "$work/$1.cpu-ms"
  : > "$work/$1.said"
  for c in "${commits[@]}"; do
    # A rejected push is fine: the next one carries the same commits again.
    git -C "$work/client.git" push -q "$server" "$c:refs/heads/main" 2>/dev/null || true
  done
}

stats() {
  sort -n "$1" | awk '{a[NR]=$1} END {printf "median %d ms, p90 %d ms, max %d ms (%d pushes)", a[int((NR+1)/2)], a[int(NR*0.9+0.5)], a[NR], NR}'
}

serve store
serve window
echo "replay of $n pushes from $(basename "$repo") ($(date -u +%Y-%m-%d), $(nproc) cores)"
echo "store:  $(cat "$work/store.install" | grep 'facts store')"
echo "hook with the facts store: $(stats "$work/store.hook-ms"); CPU $(stats "$work/store.cpu-ms")"
echo "hook with the look-back window: $(stats "$work/window.hook-ms"); CPU $(stats "$work/window.cpu-ms")"

# What the last push was told by the history-aware rules, (level, subject, rule), beside what
# the audit of the server after it says of the paths that push touched.
last="${commits[${#commits[@]}-1]}"
git -C "$work/client.git" diff-tree --no-commit-id --name-only -r "$last^" "$last" > "$work/touched"
"$pushgate" audit --repo "$work/store.git" --format json > "$work/audit.json" || true
python3 - "$work/audit.json" "$work/touched" "$work/store.last" "$work/window.last" <<'PY'
import json, re, sys
HISTORY = {"data-churn", "machine-cadence", "churning-blob", "backup-file", "database-file"}
audit = json.load(open(sys.argv[1]))
touched = {l.strip() for l in open(sys.argv[2]) if l.strip()}
def about(f):
    members = set(f.get("paths") or []) | {f["path"]}
    return bool(members & touched)
want = sorted((f["level"], f["path"], f["rule"]) for f in audit["findings"]
              if f["rule"] in HISTORY and about(f))
for label, path in (("facts store", sys.argv[3]), ("look-back window", sys.argv[4])):
    told = []
    for line in open(path):
        line = re.sub(r"^remote: ", "", line.rstrip())
        cols = [c for c in re.split(r"  +", line) if c]
        if len(cols) >= 4 and cols[0] in ("deny", "warn", "info", "bypassed") and cols[-1] in HISTORY:
            told.append((cols[0], cols[3].split(" \u00d7")[0], cols[-1]))
    told.sort()
    verdict = "the audit's" if told == want else "not the audit's (%s)" % want
    print(f"last push, {label}: {told or 'no history-aware finding'}: {verdict}")
PY
