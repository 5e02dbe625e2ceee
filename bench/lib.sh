# Shared by the benchmark scripts: the generated large repository and best-of-N timing.

# A generated large history: fast-import stream from a deterministic python script; COMMITS
# commits (default 20,000), each after the first changing 12 of the 5,000 files.
generate_large() {
  local dest="$1" commits="${2:-20000}"
  git init -q --bare -b main "$dest"
  python3 - "$commits" <<'PY' | git -C "$dest" fast-import --quiet
import random, sys
commits = int(sys.argv[1]) if len(sys.argv) > 1 else 20000
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
for c in range(commits):
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

# large_repo [SCALE]: the path of the generated repository (about 500,000 objects: 20,000
# commits over 5,000 files, times SCALE in commits), generated once and cached under
# target/bench/.
large_repo() {
  local scale="${1:-1}" dest="$here/target/bench/large.git"
  [ "$scale" = 1 ] || dest="$here/target/bench/large-$scale.git"
  if [ ! -d "$dest" ]; then
    echo "generating $dest (about $((500 * scale))k objects; once)" >&2
    mkdir -p "$here/target/bench"
    rm -rf "$dest.tmp"
    generate_large "$dest.tmp" $((20000 * scale))
    mv "$dest.tmp" "$dest"
  fi
  echo "$dest"
}

# A generated scraping history: a job that rewrites a few JSON documents (0.3, 0.7 and
# 1.5 MiB) every hour with small edits, one commit per run; COMMITS runs (each file changes
# in about nine runs of ten, so 24,000 runs give each about 21,600 versions). Versions are
# streamed file by file so that fast-import stores each as a delta of its predecessor; then
# `git gc` packs it as a server would.
generate_scraping() {
  local dest="$1" commits="$2"
  git init -q --bare -b main "$dest"
  python3 - "$commits" <<'PY' | git -C "$dest" fast-import --quiet
import random, sys
# A scraper's history: FILES JSON documents (0.3-1.5 MiB), rewritten by a job every run with a
# few small edits (values change, a timestamp moves on); one commit per run.
commits = int(sys.argv[1]) if len(sys.argv) > 1 else 24000
rnd = random.Random(11)
out = sys.stdout.buffer
sizes = [("data/prices.json", 300), ("data/stations.json", 700), ("data/outages.json", 1500)]
docs = []
for name, kib in sizes:
    n = kib * 1024 // 96
    docs.append([b'  {"id": %d, "name": "item-%06d", "value": %d, "state": "ok", "seen": "2024-01-01T00:00:00Z"},\n'
                 % (i, i, rnd.randrange(10**6)) for i in range(n)])
t = 1704067200
mark = 0
BATCH = 200
c = 0
while c < commits:
    batch = min(BATCH, commits - c)
    # The blobs of a batch, file by file (each version follows its predecessor in the stream,
    # so fast-import stores it as a delta of it), then the commits naming them.
    names = []
    for f, (name, _) in enumerate(sizes):
        doc = docs[f]
        for k in range(batch):
            if rnd.random() < 0.1:
                names.append((c + k, f, None))
                continue
            for _ in range(1 + rnd.randrange(8)):
                i = rnd.randrange(len(doc))
                doc[i] = b'  {"id": %d, "name": "item-%06d", "value": %d, "state": "%s", "seen": "2024-%02d-%02dT%02d:00:00Z"},\n' % (
                    i, i, rnd.randrange(10**6), rnd.choice([b"ok", b"down", b"late"]), 1 + rnd.randrange(12), 1 + rnd.randrange(28), rnd.randrange(24))
            body = b'{"updated": %d, "items": [\n' % (t + (c + k) * 3600) + b"".join(doc) + b"  {}\n]}\n"
            mark += 1
            out.write(b"blob\nmark :%d\ndata %d\n" % (mark, len(body)))
            out.write(body)
            out.write(b"\n")
            names.append((c + k, f, mark))
    per_commit = {}
    for ci, f, m in names:
        if m is not None:
            per_commit.setdefault(ci, []).append((f, m))
    for k in range(batch):
        ci = c + k
        when = t + ci * 3600 + rnd.randrange(30)
        out.write(b"commit refs/heads/main\n")
        out.write(b"author scraper-bot <actions@users.noreply.github.com> %d +0000\n" % when)
        out.write(b"committer scraper-bot <actions@users.noreply.github.com> %d +0000\n" % when)
        msg = b"Latest data: %d" % when
        out.write(b"data %d\n%s\n" % (len(msg), msg))
        if ci == 0:
            readme = b"Scraped every hour.\n"
            out.write(b"M 100644 inline README.md\ndata %d\n%s\n" % (len(readme), readme))
        for f, m in per_commit.get(ci, []):
            out.write(b"M 100644 :%d %s\n" % (m, sizes[f][0].encode()))
    c += batch
PY
  git -C "$dest" gc --quiet
  git -C "$dest" commit-graph write --reachable 2>/dev/null || true
}

# scraping_repo [SCALE]: the path of the generated scraping repository (24,000 commits times
# SCALE, default 1; a fraction such as 0.25 gives fewer), generated once and cached under
# target/bench/.
scraping_repo() {
  local scale="${1:-1}"
  local dest="$here/target/bench/scraping-$scale.git"
  local commits
  commits=$(python3 -c "import sys; print(round(24000 * float(sys.argv[1])))" "$scale")
  if [ ! -d "$dest" ]; then
    echo "generating $dest ($commits commits of a scraping job; once, minutes)" >&2
    mkdir -p "$here/target/bench"
    rm -rf "$dest.tmp"
    generate_scraping "$dest.tmp" "$commits"
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

