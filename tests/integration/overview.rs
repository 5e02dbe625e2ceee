//! The audit's overview: what the repository holds and where, checked against git's own
//! figures (`git rev-list --objects --all | git cat-file --batch-check`, `git ls-tree`,
//! `git for-each-ref`) and against `git filter-repo --analyze` where it is installed.

use std::collections::BTreeMap;
use std::path::Path;
use std::process;

use serde_json::Value;

use crate::util::{fixture, git, pushgate_run};

fn overview(repo: &Path) -> Value {
    let r = pushgate_run(&["audit", "--format", "json", "--repo", repo.to_str().expect("utf-8")]);
    assert!(r.code == 0 || r.code == 1, "{}", r.describe());
    let report: Value = serde_json::from_str(&r.stdout).expect("json");
    report["audit"]["overview"].clone()
}

/// `(kind, size, size on disk, id)` of every object the refs reach, as git lists them.
fn reachable(repo: &Path) -> Vec<(String, u64, u64, String)> {
    let ids = git(repo, &["rev-list", "--objects", "--all"]);
    let ids: String = ids
        .lines()
        .map(|l| l.split(' ').next().expect("id"))
        .map(|id| format!("{id}\n"))
        .collect();
    let mut child = process::Command::new("git")
        .args([
            "cat-file",
            "--batch-check=%(objecttype) %(objectsize) %(objectsize:disk) %(objectname)",
        ])
        .current_dir(repo)
        .stdin(process::Stdio::piped())
        .stdout(process::Stdio::piped())
        .spawn()
        .expect("git cat-file");
    std::io::Write::write_all(&mut child.stdin.take().expect("stdin"), ids.as_bytes()).expect("write ids");
    let out = child.wait_with_output().expect("cat-file output");
    assert!(out.status.success());
    String::from_utf8(out.stdout)
        .expect("utf-8")
        .lines()
        .map(|l| {
            let f: Vec<&str> = l.split(' ').collect();
            (
                f[0].to_owned(),
                f[1].parse().expect("size"),
                f[2].parse().expect("disk size"),
                f[3].to_owned(),
            )
        })
        .collect()
}

fn total(v: &Value) -> (u64, u64, u64) {
    (
        v["count"].as_u64().expect("count"),
        v["bytes"].as_u64().expect("bytes"),
        v["packed"].as_u64().expect("packed"),
    )
}

fn sum(groups: &Value) -> (u64, u64, u64) {
    groups
        .as_array()
        .expect("groups")
        .iter()
        .map(|g| total(&g["blobs"]))
        .fold((0, 0, 0), |a, b| (a.0 + b.0, a.1 + b.1, a.2 + b.2))
}

#[test]
fn the_overview_counts_what_git_counts() {
    let repo = fixture("overview");
    let o = overview(&repo);
    let objects = reachable(&repo);
    for (kind, key) in [
        ("commit", "commits"),
        ("tree", "trees"),
        ("blob", "blobs"),
        ("tag", "tags"),
    ] {
        let of_kind: Vec<_> = objects.iter().filter(|o| o.0 == kind).collect();
        let expected = (
            of_kind.len() as u64,
            of_kind.iter().map(|o| o.1).sum(),
            of_kind.iter().map(|o| o.2).sum(),
        );
        assert_eq!(total(&o[key]), expected, "{kind}s");
    }
    assert_eq!(o["tags"]["count"], 1, "one annotated tag");

    // The largest blobs, largest first, as git sorts them.
    let mut blobs: Vec<(u64, String)> = objects
        .iter()
        .filter(|o| o.0 == "blob")
        .map(|o| (o.1, o.3.clone()))
        .collect();
    blobs.sort_by(|a, b| b.cmp(a));
    let ours: Vec<(u64, String)> = o["largest_blobs"]
        .as_array()
        .expect("largest")
        .iter()
        .map(|b| {
            (
                b["bytes"].as_u64().expect("bytes"),
                b["id"].as_str().expect("id").to_owned(),
            )
        })
        .collect();
    assert_eq!(ours[..10], blobs[..10]);
    assert_eq!(o["largest_blobs"][0]["path"], "data/big.bin");

    // Refs by kind, as for-each-ref lists them.
    let refs = git(&repo, &["for-each-ref", "--format=%(refname)"]);
    let count = |prefix: &str| refs.lines().filter(|r| r.starts_with(prefix)).count() as u64;
    assert_eq!(o["refs"]["total"], refs.lines().count() as u64);
    assert_eq!(o["refs"]["branches"], count("refs/heads/"));
    assert_eq!(o["refs"]["tags"], count("refs/tags/"));
    assert_eq!(o["refs"]["review"], count("refs/pull/"));
    assert_eq!(o["refs"]["notes"], count("refs/notes/"));

    // HEAD's checkout, as ls-tree lists it.
    let entries = git(&repo, &["ls-tree", "-r", "-l", "HEAD"]);
    let (mut files, mut bytes, mut links, mut submodules) = (0u64, 0u64, 0u64, 0u64);
    for line in entries.lines() {
        let fields: Vec<&str> = line.split_whitespace().collect();
        match fields[0] {
            "120000" => links += 1,
            "160000" => submodules += 1,
            _ => {
                files += 1;
                bytes += fields[3].parse::<u64>().expect("size");
            }
        }
    }
    let folders = git(&repo, &["ls-tree", "-r", "-d", "HEAD"])
        .lines()
        .filter(|l| l.starts_with("040000"))
        .count() as u64;
    let c = &o["checkout"];
    assert_eq!(
        (
            &c["files"],
            &c["bytes"],
            &c["symlinks"],
            &c["submodules"],
            &c["folders"]
        ),
        (
            &files.into(),
            &bytes.into(),
            &links.into(),
            &submodules.into(),
            &folders.into()
        )
    );
    assert_eq!(
        (&c["depth"], &c["deepest"]),
        (&11.into(), &"a/b/c/d/e/f/g/h/i/j/deep.txt".into())
    );
    assert_eq!(c["commit"], git(&repo, &["rev-parse", "HEAD"]).trim());

    // Each blob once: the sums by extension and by folder, with the blobs no file names (a
    // symbolic link's target), are the blobs' total.
    let unattributed = total(&o["unattributed"]);
    assert_eq!(unattributed.0, 1, "the symbolic link's target");
    for groups in ["extensions", "folders"] {
        let s = sum(&o[groups]);
        let all = (s.0 + unattributed.0, s.1 + unattributed.1, s.2 + unattributed.2);
        assert_eq!(all, total(&o["blobs"]), "{groups}");
    }

    // The first commit added the most: every file of its tree.
    let start = git(&repo, &["rev-list", "--max-parents=0", "main"]).trim().to_owned();
    let added: u64 = git(&repo, &["ls-tree", "-r", "-l", &start])
        .lines()
        .filter(|l| l.starts_with("100"))
        .map(|l| l.split_whitespace().nth(3).expect("size").parse::<u64>().expect("size"))
        .sum();
    assert_eq!(o["biggest_commits"][0]["id"], start);
    assert_eq!(o["biggest_commits"][0]["bytes"], added);

    // Deleted: the path whose last change removed it, not the paths only other refs hold.
    let deleted: Vec<&str> = o["deleted"]
        .as_array()
        .expect("deleted")
        .iter()
        .map(|d| d["path"].as_str().expect("path"))
        .collect();
    assert_eq!(deleted, ["data/big.bin"]);

    // A path eleven deep is past git-sizer's one-star scale of ten.
    let depth = o["concern"]
        .as_array()
        .expect("concern")
        .iter()
        .find(|c| c["figure"] == "checkout-depth")
        .expect("depth");
    assert_eq!(depth["value"], 11);
    assert!((depth["level"].as_f64().expect("level") - 1.1).abs() < 1e-9);
}

#[test]
fn the_text_report_gives_the_overview_in_a_few_lines() {
    let repo = fixture("overview");
    let r = pushgate_run(&["audit", "--repo", repo.to_str().expect("utf-8")]);
    assert!(r.code == 0 || r.code == 1, "{}", r.describe());
    let section: Vec<&str> = r
        .stdout
        .lines()
        .skip_while(|l| !l.starts_with("Overview"))
        .take_while(|l| !l.is_empty())
        .collect();
    assert!(section.len() > 8 && section.len() <= 20, "{}", section.join("\n"));
    let text = section.join("\n");
    for expected in [
        "8 commits",
        "1 annotated tag",
        "6 refs (2 branches, 2 tags, 1 pull/merge request, 1 notes)",
        "7 files",
        "1 symbolic link",
        "1 submodule",
        "293.9 KiB data/big.bin",
        ".bin 1.2 MiB packed",
        "data/ 1.2 MiB packed",
        "1 path the history deleted still takes",
        "checkout path depth 11 * (a/b/c/d/e/f/g/h/i/j/deep.txt)",
    ] {
        assert!(text.contains(expected), "{expected:?} in:\n{text}");
    }
    // Verbose: every level, under one star too.
    let r = pushgate_run(&["audit", "--verbose", "--repo", repo.to_str().expect("utf-8")]);
    assert!(r.stdout.contains("commits 8 level 0.00"), "{}", r.stdout);
}

/// `(unpacked, packed, name)` rows of one of filter-repo's `analysis/*-sizes.txt` files.
fn analysis(dir: &Path, file: &str) -> BTreeMap<String, (u64, u64)> {
    let text = std::fs::read_to_string(dir.join("filter-repo/analysis").join(file)).expect("analysis file");
    text.lines()
        .skip(2)
        .filter_map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            let name = f.get(2..)?.join(" ");
            Some((name, (f[0].parse().ok()?, f[1].parse().ok()?)))
        })
        .collect()
}

#[test]
#[ignore = "needs git filter-repo (run with --include-ignored; .ci/run does)"]
fn the_overview_agrees_with_filter_repo_analyze() {
    crate::fix_plan::require_filter_repo();
    let tmp = tempfile::tempdir().expect("tempdir");
    let mirror = tmp.path().join("mirror.git");
    let source = fixture("overview");
    let out = process::Command::new("git")
        .args(["clone", "-q", "--mirror"])
        .arg(&source)
        .arg(&mirror)
        .output()
        .expect("git clone");
    assert!(out.status.success());
    let out = process::Command::new("git")
        .args(["filter-repo", "--analyze", "--force"])
        .current_dir(&mirror)
        .output()
        .expect("git filter-repo (pip install git-filter-repo; .ci/run installs it)");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    // Both read the same packs.
    let o = overview(&mirror);
    let pair = |g: &Value| {
        (
            g["blobs"]["bytes"].as_u64().expect("bytes"),
            g["blobs"]["packed"].as_u64().expect("packed"),
        )
    };

    // By extension; filter-repo counts a symbolic link's target as a file without one.
    let theirs = analysis(&mirror, "extensions-all-sizes.txt");
    let link = (
        o["unattributed"]["bytes"].as_u64().expect("bytes"),
        o["unattributed"]["packed"].as_u64().expect("packed"),
    );
    let mut ours: BTreeMap<String, (u64, u64)> = BTreeMap::new();
    for g in o["extensions"].as_array().expect("extensions") {
        let name = g["name"].as_str().expect("name");
        let (bytes, packed) = pair(g);
        let (name, bytes, packed) = if name == "(none)" {
            ("<no extension>", bytes + link.0, packed + link.1)
        } else {
            (name, bytes, packed)
        };
        ours.insert(name.to_owned(), (bytes, packed));
    }
    let theirs_present: BTreeMap<String, (u64, u64)> = theirs
        .into_iter()
        .map(|(k, v)| (k.trim_start_matches("<present> ").to_owned(), v))
        .collect();
    assert_eq!(ours, theirs_present);

    // Top folders (filter-repo lists every folder; files at the top are in <toplevel> only).
    let theirs = analysis(&mirror, "directories-all-sizes.txt");
    for g in o["folders"].as_array().expect("folders") {
        let name = g["name"].as_str().expect("name");
        if name == "(root)" {
            continue;
        }
        let key = format!("<present> {}", name.trim_end_matches('/'));
        assert_eq!(theirs.get(&key), Some(&pair(g)), "{name}");
    }

    // Deleted paths, with the day they were deleted.
    let theirs = analysis(&mirror, "path-deleted-sizes.txt");
    let ours: BTreeMap<String, (u64, u64)> = o["deleted"]
        .as_array()
        .expect("deleted")
        .iter()
        .map(|d| {
            let day = jiff::Timestamp::from_second(d["time"].as_i64().expect("time"))
                .expect("time")
                .strftime("%Y-%m-%d")
                .to_string();
            (
                format!("{day} {}", d["path"].as_str().expect("path")),
                (
                    d["blobs"]["bytes"].as_u64().expect("bytes"),
                    d["blobs"]["packed"].as_u64().expect("packed"),
                ),
            )
        })
        .collect();
    assert_eq!(ours, theirs);
}
