#!/usr/bin/env bash
# Times `pushgate audit` beside git's own commands over the same repository, in the same run,
# and prints the ratios and peak memory.
#
#   bench/audit.sh [REPO] [RUNS]
#
# REPO is any local repository; without it a repository of about 500,000 objects (20,000
# commits over 5,000 files) is generated with git fast-import and cached under target/bench/.
# `large:N` generates it with N times as many commits. `scraping` (or `scraping:N`, N times as
# many commits; a fraction gives fewer) generates and caches the shape of a scraping job
# instead: three JSON documents of 0.3-1.5 MiB rewritten every hour with small edits, about
# 21,600 versions each. bench/scaling.sh runs both at 1x, 2x and 4x. `clone:PATH` measures
# a shared mirror clone of the repository at PATH (made in a temporary directory, removed
# after), so that nothing is written into PATH: the audit of a bare repository writes its
# facts store there. A real scraper's repository is measured so, e.g. a mirror of
# https://github.com/simonw/scrape-ausgrid-outages (431,696 objects, 68,476 commits):
#   bench/audit.sh clone:/path/to/scrape-ausgrid-outages.git
# `corpus:NAME` does the same for a repository of the real-world corpus that
# ../shared/realworld/build.sh builds (CORPUS: the folder it built, holding NAME.git); the
# corpus's largest scraper is the case to watch:
#   CORPUS=/path/to/corpus bench/audit.sh corpus:scrape-ausgrid-outages
# RUNS (default 3): the best run counts. Measured:
#   pushgate audit --format json                               the audit
#   git log --all --raw --no-renames --no-abbrev               the history diff
#   git rev-list --objects --all | git cat-file --batch-check  object sizes
#   git filter-repo --analyze                                  a peer's report, if installed
# (`git filter-repo` on PATH, or GIT_FILTER_REPO=/path/to/git-filter-repo; it runs in a shared
# mirror clone, since it writes its report into the repository). Needs GNU time for memory.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$here/bench/lib.sh"
runs="${2:-3}"
work=$(mktemp -d)
trap 'rm -rf "$work" "$bench_stats"' EXIT
case "${1:-}" in
  "") repo=$(large_repo) ;;
  large:*) repo=$(large_repo "${1#large:}") ;;
  scraping) repo=$(scraping_repo 1) ;;
  scraping:*) repo=$(scraping_repo "${1#scraping:}") ;;
  clone:*)
    git clone -q --mirror --shared "${1#clone:}" "$work/audited.git"
    repo="$work/audited.git"
    ;;
  corpus:*)
    corpus="${CORPUS:?set CORPUS to the folder the real-world corpus was built in}"
    name="${1#corpus:}"
    source_repo="$corpus/$name.git"
    [ -d "$source_repo" ] || source_repo="$corpus/$name"
    [ -d "$source_repo" ] || { echo "no repository $name in $corpus" >&2; exit 2; }
    git clone -q --mirror --shared "$source_repo" "$work/audited.git"
    repo="$work/audited.git"
    ;;
  *) repo="$1" ;;
esac
cargo build --release --quiet --manifest-path "$here/Cargo.toml"
pushgate="$here/target/release/pushgate"
q() { printf '%q' "$1"; }

filter_repo="${GIT_FILTER_REPO:-$(command -v git-filter-repo || true)}"

row() { # label seconds kib
  printf '  %-62s %8.2f s %10s\n' "$1" "$2" "$( [ "$3" = "?" ] && echo "?" || echo "$(( $3 / 1024 )) MiB")"
}

# A shared clone's objects are its source's.
counted="${source_repo:-$repo}"
case "${1:-}" in clone:*) counted="${1#clone:}" ;; esac
echo "repository: $repo ($(git -C "$counted" count-objects -v | awk '/in-pack/{print $2}') packed objects, $(git -C "$repo" for-each-ref | wc -l) refs)"
echo "machine:    $(nproc) cores, $(awk '/MemTotal/{printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(git --version)"
echo "date:       $(date -u +%Y-%m-%d)"

read -r pt pm < <(best_of "$(q "$pushgate") audit --repo $(q "$repo") --format json --output /dev/null --progress never")
read -r lt lm < <(best_of "git -C $(q "$repo") log --all --raw --no-renames --no-abbrev")
read -r st sm < <(best_of "git -C $(q "$repo") rev-list --objects --all --missing=allow-any | cut -d' ' -f1 | git -C $(q "$repo") cat-file --batch-check")
echo
row "pushgate audit --format json" "$pt" "$pm"
row "git log --all --raw --no-renames --no-abbrev" "$lt" "$lm"
row "git rev-list --objects --all | git cat-file --batch-check" "$st" "$sm"
printf '  pushgate / (git log + rev-list|cat-file): %.2f\n' "$(echo "$pt / ($lt + $st)" | bc -l)"
if [ -n "$filter_repo" ]; then
  git clone -q --mirror --shared "$repo" "$work/mirror.git"
  read -r ft fm < <(best_of "cd $(q "$work/mirror.git") && rm -rf filter-repo && $(q "$filter_repo") --analyze --force")
  row "git filter-repo --analyze" "$ft" "$fm"
  printf '  git filter-repo --analyze / pushgate: %.2f\n' "$(echo "$ft / $pt" | bc -l)"
else
  echo "  (git filter-repo not found: pip install git-filter-repo, or set GIT_FILTER_REPO)"
fi
