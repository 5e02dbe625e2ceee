//! Range semantics: `git rev-list` decides which commits and blobs are new,
//! findings are attributed to the oldest commit that added them, and tags of
//! blobs and trees are scanned too. Mostly on `fixtures/topology.sh`.

#![allow(clippy::unwrap_used)]

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::Path;
use std::process::Stdio;

use serde_json::Value;

use crate::util::*;

/// Runs git in `repo` with `input` on stdin and returns its stdout.
fn git_stdin(repo: &Path, args: &[&str], input: &str) -> String {
    let mut child = git_command(repo, args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run git");
    let mut stdin = child.stdin.take().unwrap();
    let input = input.to_string();
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let out = child.wait_with_output().expect("wait for git");
    writer.join().unwrap().expect("write git's stdin");
    assert!(
        out.status.success(),
        "git {args:?} in {} failed: {}",
        repo.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Blob ids that some commit of the repository holds as a symbolic link and
/// none holds as a file: git lists them as blobs, and pushgate judges them as content.
fn symlink_only_blobs(repo: &Path) -> BTreeSet<String> {
    let mut links = BTreeSet::new();
    let mut files = BTreeSet::new();
    for commit in git(repo, &["rev-list", "--all"]).lines() {
        let tree = git(
            repo,
            &[
                "ls-tree",
                "-r",
                "--format=%(objectmode) %(objecttype) %(objectname)",
                commit,
            ],
        );
        for line in tree.lines() {
            let mut parts = line.split(' ');
            let (mode, kind, oid) = (parts.next().unwrap(), parts.next().unwrap(), parts.next().unwrap());
            match (mode, kind) {
                ("120000", _) => links.insert(oid.to_string()),
                (_, "blob") => files.insert(oid.to_string()),
                _ => false,
            };
        }
    }
    links.difference(&files).cloned().collect()
}

/// What git says a range holds: (commits, distinct new blobs, their bytes).
fn oracle(repo: &Path, range: &[&str]) -> (u64, u64, u64) {
    let mut count_args = vec!["rev-list", "--count"];
    count_args.extend_from_slice(range);
    let commits: u64 = git(repo, &count_args).parse().unwrap();

    let mut object_args = vec!["rev-list", "--objects"];
    object_args.extend_from_slice(range);
    let objects = git(repo, &object_args);
    let ids: String = objects
        .lines()
        .map(|l| format!("{}\n", l.split(' ').next().unwrap()))
        .collect();
    let checked = git_stdin(
        repo,
        &["cat-file", "--batch-check=%(objecttype) %(objectname) %(objectsize)"],
        &ids,
    );
    let mut blobs: BTreeMap<String, u64> = BTreeMap::new();
    for line in checked.lines() {
        let mut parts = line.split(' ');
        let (kind, oid, size) = (parts.next().unwrap(), parts.next().unwrap(), parts.next().unwrap());
        if kind == "blob" {
            blobs.insert(oid.to_string(), size.parse().unwrap());
        }
    }
    (commits, blobs.len() as u64, blobs.values().sum())
}

fn summary_counts(report: &Value) -> (u64, u64, u64) {
    let s = &report["summary"];
    let get = |k: &str| s[k].as_u64().unwrap_or_else(|| panic!("summary.{k}: {s:#}"));
    (get("commits"), get("blobs"), get("bytes"))
}

/// Checks pushgate's summary against git for each range of `fixture_name`.
fn assert_oracle(fixture_name: &str, ranges: &[Vec<String>]) {
    let repo = fixture(fixture_name);
    for range in ranges {
        let range: Vec<&str> = range.iter().map(String::as_str).collect();
        let want = oracle(&repo, &range);
        let r = scan_run(&repo, &range);
        assert!(
            r.code == 0 || r.code == 1,
            "{fixture_name}: scan {range:?}\n{}",
            r.describe()
        );
        let report = parse_report(&r);
        assert_eq!(
            summary_counts(&report),
            want,
            "{fixture_name}: scan {range:?}: (commits, blobs, bytes) differ from git's\nsummary: {:#}",
            report["summary"]
        );
    }
}

fn ranges(forms: &[&[&str]]) -> Vec<Vec<String>> {
    forms
        .iter()
        .map(|f| f.iter().map(|s| s.to_string()).collect())
        .collect()
}

/// The commit of the topology fixture whose subject starts with `label:`.
fn commit(repo: &Path, label: &str) -> String {
    let log = git(repo, &["log", "--all", "--format=%H %s"]);
    let prefix = format!("{label}: ");
    let hits: Vec<&str> = log
        .lines()
        .filter_map(|l| {
            l.split_once(' ')
                .filter(|(_, s)| s.starts_with(&prefix))
                .map(|(h, _)| h)
        })
        .collect();
    assert_eq!(hits.len(), 1, "one commit labelled {label}:\n{log}");
    hits[0].to_string()
}

/// The findings of a report as (rule, path, level, commit or `-`), sorted.
fn attributed(report: &Value) -> Vec<(String, String, String, String)> {
    let mut list: Vec<_> = findings(report)
        .iter()
        .map(|f| {
            let commit = match &f["commit"] {
                Value::Null => "-".to_string(),
                Value::String(s) => s.clone(),
                other => panic!("commit is neither a string nor null: {other:#}"),
            };
            (
                f["rule"].as_str().unwrap().to_string(),
                path_of(f),
                f["level"].as_str().unwrap().to_string(),
                commit,
            )
        })
        .collect();
    list.sort();
    list
}

fn owned(items: &[(&str, &str, &str, &str)]) -> Vec<(String, String, String, String)> {
    let mut list: Vec<_> = items
        .iter()
        .map(|(a, b, c, d)| (a.to_string(), b.to_string(), c.to_string(), d.to_string()))
        .collect();
    list.sort();
    list
}

#[test]
fn topology_fixture_has_the_documented_shape() {
    let repo = fixture("topology");
    let c = |l| commit(&repo, l);
    assert_eq!(git(&repo, &["rev-parse", "main"]), c("c5"));
    assert_eq!(git(&repo, &["rev-parse", "main~1"]), c("c4"));
    assert_eq!(git(&repo, &["rev-parse", "main~2"]), c("c3"));
    assert_eq!(git(&repo, &["rev-parse", "main~1^2"]), c("c2"));
    assert_eq!(git(&repo, &["rev-parse", "feature"]), c("c2"));
    assert_eq!(git(&repo, &["rev-parse", "v1^{commit}"]), c("c3"));
    assert_eq!(git(&repo, &["cat-file", "-t", "v1"]), "tag");
    assert_eq!(git(&repo, &["cat-file", "-t", "blobtag"]), "tag");
    assert_eq!(git(&repo, &["cat-file", "-t", "blobtag^{}"]), "blob");
    assert_eq!(git(&repo, &["cat-file", "-t", "treetag"]), "tree");
    // The merge brings nothing of its own: besides itself, only its tree is
    // new to both parents.
    let merge_new = git(
        &repo,
        &["rev-list", "--objects", "main~1", "--not", "main~2", "main~1^2"],
    );
    assert_eq!(merge_new.lines().count(), 2, "{merge_new}");
    assert_eq!(
        git(&repo, &["ls-tree", "--name-only", "main~1"]),
        "README.md\nf.bak\nm.bak"
    );
    assert_eq!(git(&repo, &["ls-tree", "--name-only", "treetag"]), "x.bak");
}

#[test]
fn summary_matches_git_rev_list_on_the_topology_fixture() {
    let repo = fixture("topology");
    let c3 = commit(&repo, "c3");
    let c3_range = format!("{c3}..main");
    let mut forms = ranges(&[
        &["--all"],
        &["main"],
        &["feature..main"],
        &["main~1..main"],
        &["feature...main"],
        &["^v1", "main"],
        &["main", "--not", "feature"],
        &["v1..main"],
        &["--all", "--not", "main"],
        &["feature", "v1"],
        &["blobtag"],
        &["treetag"],
    ]);
    forms.push(vec![c3_range]);
    assert_oracle("topology", &forms);
}

#[test]
fn summary_matches_git_rev_list_on_the_rules_fixture() {
    let repo = fixture("rules");
    assert!(
        symlink_only_blobs(&repo).is_empty(),
        "the rules fixture holds no symlinks"
    );
    assert_oracle(
        "rules",
        &ranges(&[
            &["--all"],
            &["main"],
            &["v1..main"],
            &["main~2..main"],
            &["main~1..main"],
            &["main~3..main~2"],
            &["v1", "main~3"],
            &["main..v1"],
        ]),
    );
}

#[test]
fn summary_matches_git_rev_list_on_the_plain_fixture() {
    let repo = fixture("plain");
    assert!(
        symlink_only_blobs(&repo).is_empty(),
        "the plain fixture holds no symlinks"
    );
    assert_oracle(
        "plain",
        &ranges(&[&["--all"], &["main"], &["main~1..main"], &["main~2"], &["main~2..main"]]),
    );
}

#[test]
fn summary_matches_git_rev_list_with_symlinks_and_empty_blobs() {
    // more_rules holds a symlink (its blob counted like a file's: a short target is never a
    // finding, but the blob is read) and an empty file (a blob of size 0, counted like any
    // other).
    let repo = fixture("more_rules");
    assert_eq!(symlink_only_blobs(&repo).len(), 1);
    assert_oracle(
        "more_rules",
        &ranges(&[&["--all"], &["main~1..main"], &["main~3..main~2"]]),
    );

    let (_, report) = scan_json(&repo, &["main~3..main~2"]);
    let files = git(
        &repo,
        &["diff-tree", "-r", "--no-commit-id", "--format=", "main~3", "main~2"],
    );
    let added = files.lines().count() as u64;
    assert_eq!(
        report["summary"]["blobs"].as_u64(),
        Some(added),
        "every entry c2 adds, the empty file and the symlink included: {files}\n{:#}",
        report["summary"]
    );
}

#[test]
fn feature_to_main_reports_only_what_main_adds() {
    let repo = fixture("topology");
    let (code, report) = scan_json(&repo, &["feature..main"]);
    let want = owned(&[
        ("backup-file", "m.bak", "warn", &commit(&repo, "c3")),
        ("database-dump", "dump.sql", "deny", &commit(&repo, "c5")),
    ]);
    assert_eq!(attributed(&report), want, "feature..main\n{report:#}");
    assert_eq!(code, 1);
    assert_eq!(report["summary"]["commits"].as_u64(), Some(3));
}

#[test]
fn a_merged_blob_is_attributed_to_the_branch_commit_that_added_it() {
    let repo = fixture("topology");
    let c3 = commit(&repo, "c3");
    let (code, report) = scan_json(&repo, &[&format!("{c3}..main")]);
    let want = owned(&[
        ("backup-file", "f.bak", "warn", &commit(&repo, "c2")),
        ("database-dump", "dump.sql", "deny", &commit(&repo, "c5")),
    ]);
    assert_eq!(attributed(&report), want, "c3..main\n{report:#}");
    assert_eq!(code, 1);
    assert_eq!(report["summary"]["commits"].as_u64(), Some(3));
    let f = findings(&report).iter().find(|f| f["path"] == "f.bak").unwrap();
    assert_eq!(f["blob"], git(&repo, &["rev-parse", "feature:f.bak"]).as_str(), "{f:#}");
}

#[test]
fn every_ref_including_tags_of_blobs_and_trees() {
    let repo = fixture("topology");
    let (code, report) = scan_json(&repo, &["--all"]);
    let want = owned(&[
        ("backup-file", "f.bak", "warn", &commit(&repo, "c2")),
        ("backup-file", "m.bak", "warn", &commit(&repo, "c3")),
        ("database-dump", "dump.sql", "deny", &commit(&repo, "c5")),
        ("database-dump", "refs/tags/blobtag", "deny", "-"),
        ("backup-file", "x.bak", "warn", "-"),
    ]);
    assert_eq!(attributed(&report), want, "--all\n{report:#}");
    assert_eq!(code, 1);

    let tagged = findings(&report)
        .iter()
        .find(|f| f["path"] == "refs/tags/blobtag")
        .unwrap();
    let blob = git(&repo, &["rev-parse", "blobtag^{blob}"]);
    assert_eq!(tagged["blob"], blob.as_str(), "{tagged:#}");
    assert!(tagged["commit"].is_null(), "{tagged:#}");
    let size: u64 = git(&repo, &["cat-file", "-s", &blob]).parse().unwrap();
    assert_eq!(tagged["size"].as_u64(), Some(size), "{tagged:#}");

    let in_tree = findings(&report).iter().find(|f| f["path"] == "x.bak").unwrap();
    assert_eq!(in_tree["blob"], git(&repo, &["rev-parse", "treetag:x.bak"]).as_str());
    assert!(in_tree["commit"].is_null(), "{in_tree:#}");
}

#[test]
fn tags_of_blobs_and_trees_given_by_name() {
    let repo = fixture("topology");

    let (code, report) = scan_json(&repo, &["blobtag"]);
    assert_eq!(
        attributed(&report),
        owned(&[("database-dump", "blobtag", "deny", "-")]),
        "blobtag\n{report:#}"
    );
    assert_eq!(code, 1);
    assert_eq!(report["summary"]["commits"].as_u64(), Some(0));

    let (code, report) = scan_json(&repo, &["treetag"]);
    assert_eq!(
        attributed(&report),
        owned(&[("backup-file", "x.bak", "warn", "-")]),
        "treetag\n{report:#}"
    );
    assert_eq!(code, 0, "warn only");
    assert_eq!(report["summary"]["commits"].as_u64(), Some(0));
}

#[test]
fn empty_ranges_find_nothing_and_pass() {
    let repo = fixture("topology");
    for args in [&["--not", "v1", "v1"][..], &["main..main"], &["main", "--not", "main"]] {
        let r = scan_run(&repo, args);
        assert_eq!(r.code, 0, "scan {args:?}\n{}", r.describe());
        let report = parse_report(&r);
        assert_eq!(finding_set(&report), Vec::new(), "scan {args:?}: {report:#}");
        assert_eq!(
            summary_counts(&report),
            (0, 0, 0),
            "scan {args:?}: {:#}",
            report["summary"]
        );
    }
}

#[test]
fn no_revision_at_all_is_a_usage_error() {
    let repo = fixture("topology");
    let r = scan_run(&repo, &[]);
    assert_eq!(r.code, 2, "{}", r.describe());
    assert!(!r.stderr.trim().is_empty(), "an error message\n{}", r.describe());
}

#[test]
fn summary_matches_git_rev_list_on_histories_diffed_in_parallel() {
    // 506 commits: long enough that the walk diffs its commits on two threads, and hands
    // their changes back in order.
    let repo = fixture("cadence");
    let commits = git(&repo, &["rev-list", "--count", "--all"]);
    assert!(commits.parse::<u32>().unwrap_or(0) >= 300, "{commits}");
    assert_oracle("cadence", &ranges(&[&["--all"], &["main"], &["main~400..main"]]));
    // Attribution needs the order: each finding's commit holds its blob at its path, and
    // that commit's first parent does not (the commit brought it).
    let (_, report) = crate::util::scan_json(&repo, &["--all"]);
    let mut checked = 0;
    for f in findings(&report) {
        let (Some(path), Some(blob), Some(commit)) = (f["path"].as_str(), f["blob"].as_str(), f["commit"].as_str())
        else {
            continue;
        };
        // A subject of many files names them in `paths`; its blob is one member's.
        if f["paths"].is_array() {
            continue;
        }
        assert_eq!(git(&repo, &["rev-parse", &format!("{commit}:{path}")]), blob, "{f:#}");
        let before = git_command(&repo, &["rev-parse", "-q", "--verify", &format!("{commit}^:{path}")])
            .output()
            .expect("git rev-parse");
        assert_ne!(String::from_utf8_lossy(&before.stdout).trim(), blob, "{f:#}");
        checked += 1;
    }
    assert!(checked >= 5, "{checked} findings checked");
}

/// The walk's own diff recorder keeps paths in one buffer per commit; it must see exactly what
/// gix's recorder sees: every change, mode and object, with the same paths, in the same order.
#[cfg(unix)]
#[test]
fn the_walks_diff_recorder_matches_gix_on_every_commit() {
    use gix::bstr::ByteSlice;
    use gix::diff::tree::recorder::Change as Theirs;
    use pushgate::walk::changes::{Change as Ours, Recorder};
    // Nested directories added, removed and renamed, a file replaced by a directory, a
    // symlink and an executable bit: more shapes than the fixtures' flat trees.
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path();
    git(dir, &["init", "-q", "-b", "main"]);
    let write = |path: &str, text: &str| {
        let full = dir.join(path);
        std::fs::create_dir_all(full.parent().expect("a parent")).expect("mkdir");
        std::fs::write(full, text).expect("write");
    };
    let commit = |message: &str| {
        git(dir, &["add", "-A"]);
        git(
            dir,
            &[
                "-c",
                "user.name=t",
                "-c",
                "user.email=t@example.com",
                "commit",
                "-q",
                "-m",
                message,
            ],
        );
    };
    write("README.md", "one\n");
    write("a/b/c/deep.txt", "deep\n");
    write("a/b/sibling.txt", "s\n");
    write("z/last.txt", "z\n");
    commit("first");
    write("a/b/c/deep.txt", "deeper\n");
    write("a/new/one.txt", "1\n");
    std::fs::remove_dir_all(dir.join("z")).expect("rm");
    write("z", "now a file\n");
    commit("second");
    std::fs::remove_file(dir.join("z")).expect("rm");
    write("z/again/x.txt", "x\n");
    std::os::unix::fs::symlink("README.md", dir.join("link")).expect("symlink");
    git(dir, &["mv", "a/b", "a/moved"]);
    git(dir, &["update-index", "--chmod=+x", "README.md"]);
    commit("third");

    let repo = gix::open(dir).expect("open");
    let commits = git(dir, &["rev-list", "--all"]);
    let mut compared = 0;
    for id in commits.lines() {
        let commit = repo
            .find_commit(gix::ObjectId::from_hex(id.as_bytes()).expect("hex"))
            .expect("commit");
        let tree = commit.tree().expect("tree");
        let parent = match commit.parent_ids().next() {
            Some(p) => p.object().expect("parent").into_commit().tree().expect("tree"),
            None => repo.empty_tree(),
        };
        let mut theirs = gix::diff::tree::Recorder::default();
        let mut ours = Recorder::default();
        diff_trees(&repo, &parent.data, &tree.data, &mut theirs);
        diff_trees(&repo, &parent.data, &tree.data, &mut ours);
        let expected: Vec<(Ours, String)> = theirs
            .records
            .iter()
            .map(|c| match c {
                Theirs::Addition {
                    entry_mode, oid, path, ..
                } => (
                    Ours::Addition {
                        mode: *entry_mode,
                        oid: *oid,
                    },
                    path.to_string(),
                ),
                Theirs::Deletion {
                    entry_mode, oid, path, ..
                } => (
                    Ours::Deletion {
                        mode: *entry_mode,
                        oid: *oid,
                    },
                    path.to_string(),
                ),
                Theirs::Modification {
                    previous_entry_mode,
                    previous_oid,
                    entry_mode,
                    oid,
                    path,
                } => (
                    Ours::Modification {
                        previous_mode: *previous_entry_mode,
                        previous_oid: *previous_oid,
                        mode: *entry_mode,
                        oid: *oid,
                    },
                    path.to_string(),
                ),
            })
            .collect();
        let actual: Vec<(Ours, String)> = ours
            .changes
            .iter()
            .map(|(c, p)| (c, p.to_str_lossy().into_owned()))
            .collect();
        assert!(!expected.is_empty(), "commit {id} changed nothing");
        assert_eq!(actual, expected, "commit {id}");
        compared += expected.len();
    }
    assert!(compared > 15, "only {compared} changes compared");
}

fn diff_trees(repo: &gix::Repository, lhs: &[u8], rhs: &[u8], visitor: &mut impl gix::diff::tree::Visit) {
    let hash = repo.object_hash();
    gix::diff::tree(
        gix::objs::TreeRefIter::from_bytes(lhs, hash),
        gix::objs::TreeRefIter::from_bytes(rhs, hash),
        &mut gix::diff::tree::State::default(),
        &repo.objects,
        visitor,
    )
    .expect("diff");
}

#[test]
fn every_walked_commit_carries_its_own_author_and_message() {
    // Past a batch of commits a thread of its own describes them (and, with a commit-graph,
    // reads them too), while the walk orders them parents first. Each commit has its own
    // author, time and message, two branches merge, and clocks run backwards on one of
    // them: a description put in another commit's place shows.
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path();
    git(dir, &["init", "-q", "-b", "main"]);
    let mut stream = String::new();
    let mut mark = 0;
    let mut commit = |stream: &mut String, branch: &str, i: u32, time: i64, parents: &[u32]| {
        mark += 1;
        let message = format!("change {i} by job {}\n", i % 7);
        stream.push_str(&format!(
            "commit refs/heads/{branch}\nmark :{mark}\nauthor Person {i} <p{i}@example.com> {time} +0000\n\
             committer C <c@example.com> {time} +0000\ndata {}\n{message}",
            message.len()
        ));
        for (n, p) in parents.iter().enumerate() {
            stream.push_str(&format!("{} :{p}\n", if n == 0 { "from" } else { "merge" }));
        }
        stream.push_str(&format!("M 644 inline f{}.txt\ndata 2\n{}\n\n", i % 5, i % 10));
        mark
    };
    let mut last = commit(&mut stream, "main", 0, 1_700_000_000, &[]);
    let base = last;
    for i in 1..200 {
        last = commit(&mut stream, "main", i, 1_700_000_000 + i64::from(i) * 60, &[last]);
    }
    let mut side = base;
    for i in 200..400 {
        // Backwards: each commit older than its parent.
        side = commit(&mut stream, "side", i, 1_700_000_000 - i64::from(i) * 60, &[side]);
    }
    commit(&mut stream, "main", 400, 1_800_000_000, &[last, side]);
    fast_import(dir, &stream);

    let graph = dir.join(".git/objects/info/commit-graph");
    let check = |state: &str, count: usize| {
        let repo = gix::open(dir).expect("open");
        let mut range = pushgate::range::Range::default();
        range.add_all_refs(&repo).expect("refs");
        let walked = pushgate::walk::walk(&repo, &range, |_| Ok(())).expect("walk");
        assert_eq!(walked.commits.len(), count, "{state}");
        for c in &walked.commits {
            let want = pushgate::history::commit::describe(&repo.find_commit(c.id).expect("commit"));
            assert_eq!(
                (&c.identity, c.authored, &c.template),
                (&want.identity, want.authored, &want.template),
                "{state}: commit {}",
                c.id
            );
        }
        let distinct: BTreeSet<&String> = walked.commits.iter().map(|c| &c.identity).collect();
        assert_eq!(distinct.len(), count, "{state}: every author is there once");
    };
    check("without a commit-graph", 401);
    git(dir, &["commit-graph", "write", "--reachable"]);
    assert!(graph.exists());
    check("with a commit-graph", 401);
    let mut more = String::new();
    for i in 401..404 {
        more.push_str(&format!(
            "commit refs/heads/main\nauthor Person {i} <p{i}@example.com> 1800000{i} +0000\n\
             committer C <c@example.com> 1800000{i} +0000\ndata 5\nlate\n{}\
             M 644 inline late.txt\ndata 4\n{i}\n\n",
            // A new import starts the branch afresh unless told where it stands.
            if i == 401 { "from refs/heads/main^0\n" } else { "" }
        ));
    }
    fast_import(dir, &more);
    check("with a commit-graph missing the newest commits", 404);
}

/// Feed `stream` to `git fast-import` in `dir` (forcing branch updates).
fn fast_import(dir: &Path, stream: &str) {
    let mut import = git_command(dir, &["fast-import", "--quiet", "--force"]);
    let mut child = import.stdin(Stdio::piped()).spawn().expect("fast-import");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stream.as_bytes())
        .expect("write the stream");
    assert!(child.wait().expect("fast-import").success());
}
