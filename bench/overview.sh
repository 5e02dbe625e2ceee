#!/usr/bin/env bash
# Checks the audit's overview of a repository against git's own figures, in one run: the
# objects the refs reach by kind (count, bytes whole, bytes on disk) and the ten largest
# blobs, from `git rev-list --objects --all | git cat-file --batch-check` (objects a
# partial clone lacks are left out on both sides).
#
#   bench/overview.sh REPO
#
# Prints each figure beside git's and exits 1 if any differs.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
repo="${1:?usage: bench/overview.sh REPO}"
cargo build --release --quiet --manifest-path "$here/Cargo.toml"
pushgate="$here/target/release/pushgate"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"$pushgate" audit --repo "$repo" --format json --progress never --output "$work/audit.json" || [ $? -eq 1 ]
git -C "$repo" rev-list --objects --all --missing=allow-any | cut -d' ' -f1 |
  git -C "$repo" cat-file --batch-check='%(objecttype) %(objectsize) %(objectsize:disk) %(objectname)' > "$work/objects"

python3 - "$work/audit.json" "$work/objects" <<'PY'
import json, sys
overview = json.load(open(sys.argv[1]))["audit"]["overview"]
# Objects a partial clone lacks are listed as missing by git and left out by the audit.
rows = [line.split() for line in open(sys.argv[2]) if not line.rstrip().endswith(" missing")]
failed = False
for kind, key in [("commit", "commits"), ("tree", "trees"), ("blob", "blobs"), ("tag", "tags")]:
    of = [r for r in rows if r[0] == kind]
    git = (len(of), sum(int(r[1]) for r in of), sum(int(r[2]) for r in of))
    ours = (overview[key]["count"], overview[key]["bytes"], overview[key]["packed"])
    same = ours == git
    failed |= not same
    print(f"{key:8} pushgate {ours}  git {git}  {'same' if same else 'DIFFERENT'}")
blobs = sorted(((int(r[1]), r[3]) for r in rows if r[0] == "blob"), reverse=True)[:10]
ours = [(b["bytes"], b["id"]) for b in overview["largest_blobs"][:10]]
same = ours == blobs
failed |= not same
print(f"ten largest blobs: {'same' if same else 'DIFFERENT'}")
for (size, blob), b in zip(blobs, overview["largest_blobs"]):
    print(f"  {size:>12} {blob}  {b['bytes']:>12} {b['id']}  {b['path']}")
sys.exit(1 if failed else 0)
PY
