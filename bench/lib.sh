# Shared by the benchmark scripts: the generated large repository and best-of-N timing.

# A generated large history: fast-import stream from a deterministic python script.
generate_large() {
  local dest="$1"
  git init -q --bare -b main "$dest"
  python3 - <<'PY' | git -C "$dest" fast-import --quiet
import random, sys
rnd = random.Random(7)
out = sys.stdout.buffer
files = ["d%02d/f%04d.txt" % (i % 50, i) for i in range(5000)]
# People, not a job: 40 authors at irregular times, each message about what changed.
people = [("dev%02d" % i, "dev%02d@example.com" % i) for i in range(40)]
verbs = ["Fix", "Refactor", "Document", "Speed up", "Simplify", "Test", "Handle", "Rename", "Clean up", "Guard"]
words = ["%s%s" % (a, b) for a in ["parser", "cache", "index", "retry", "config", "stream", "locale", "buffer",
         "token", "socket", "schema", "worker", "queue", "render", "export", "import"] for b in
         ["", "s", "er", "ing", "_map", "_set", "_id", "_ref", "_tab", "_log"]]
mark = 0
t = 1600000000
for c in range(20000):
    t += 60 + rnd.randrange(1200)
    who = rnd.choice(people)
    out.write(b"commit refs/heads/main\n")
    out.write(b"author %s <%s> %d +0000\n" % (who[0].encode(), who[1].encode(), t))
    out.write(b"committer bench <bench@example.com> %d +0000\n" % t)
    msg = ("%s %s when %s meets %s" % (rnd.choice(verbs), rnd.choice(words), rnd.choice(words), rnd.choice(words))).encode()
    out.write(b"data %d\n%s\n" % (len(msg), msg))
    if c == 0:
        chosen = files
    else:
        chosen = rnd.sample(files, 12)
    for path in chosen:
        body = ("%s version %d %d\n" % (path, c, rnd.randrange(1 << 30))).encode() * 8
        out.write(b"M 100644 inline %s\ndata %d\n" % (path.encode(), len(body)))
        out.write(body)
        out.write(b"\n")
PY
  git -C "$dest" commit-graph write --reachable 2>/dev/null || true
}

# large_repo: the path of the generated repository (about 500,000 objects: 20,000 commits
# over 5,000 files), generated once and cached under target/bench/.
large_repo() {
  local dest="$here/target/bench/large.git"
  if [ ! -d "$dest" ]; then
    echo "generating $dest (about 500k objects; once)" >&2
    mkdir -p "$here/target/bench"
    rm -rf "$dest.tmp"
    generate_large "$dest.tmp"
    mv "$dest.tmp" "$dest"
  fi
  echo "$dest"
}

gnutime=$(command -v /usr/bin/time || true)
bench_stats=$(mktemp)
trap 'rm -f "$bench_stats"' EXIT

# best_of CMD: the fastest wall time (seconds) and its peak RSS (KiB) over RUNS runs.
best_of() {
  local best="" mem="" t m s e
  for _ in $(seq "$runs"); do
    s=$(date +%s.%N)
    if [ -n "$gnutime" ]; then
      "$gnutime" -f "%M" -o "$bench_stats" bash -c "$1" >/dev/null 2>&1 || true
      m=$(tail -1 "$bench_stats")
    else
      bash -c "$1" >/dev/null 2>&1 || true
      m="?"
    fi
    e=$(date +%s.%N)
    t=$(echo "$e - $s" | bc)
    if [ -z "$best" ] || [ "$(echo "$t < $best" | bc)" = 1 ]; then best=$t; mem=$m; fi
  done
  echo "$best $mem"
}

