//! `pushgate audit` (issue #5): whole-history findings (the scan's, one per path and rule),
//! offenders with what they cost, the fix plan, pack statistics checked against git's own
//! counts, unreachable objects, baselines, partial clones and progress output.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::Value;

use crate::util::{
    commit_all, finding_set, fixture, fixture_copy, git, git_command, notice_kinds, parse_report, pushgate, run,
    scan_json, write_file,
};

fn audit_run(repo: &Path, args: &[&str]) -> crate::util::Run {
    let mut cmd = pushgate();
    cmd.arg("audit").arg("--repo").arg(repo).args(args);
    run(&mut cmd)
}

pub fn audit_json(repo: &Path, args: &[&str]) -> (i32, Value) {
    let mut all = vec!["--format", "json"];
    all.extend_from_slice(args);
    let r = audit_run(repo, &all);
    assert!(r.code == 0 || r.code == 1, "{}", r.describe());
    (r.code, parse_report(&r))
}

fn offenders(report: &Value) -> &Vec<Value> {
    report["audit"]["offenders"].as_array().expect("audit.offenders")
}

fn offender<'a>(report: &'a Value, pattern: &str, path: &str) -> &'a Value {
    offenders(report)
        .iter()
        .find(|o| o["pattern"] == pattern && o["path"] == path)
        .unwrap_or_else(|| panic!("no {pattern} offender {path} in {:#}", report["audit"]["offenders"]))
}

/// `git cat-file --batch-check` over `ids`: (whole size, size on disk) per id.
fn git_sizes(repo: &Path, ids: &[String]) -> Vec<(u64, u64)> {
    use std::io::Write;
    let mut child = git_command(repo, &["cat-file", "--batch-check=%(objectsize) %(objectsize:disk)"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("run git cat-file");
    {
        let mut stdin = child.stdin.take().expect("stdin");
        for id in ids {
            writeln!(stdin, "{id}").expect("write id");
        }
    }
    let out = child.wait_with_output().expect("git cat-file");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| {
            let (a, b) = l.split_once(' ').expect("two fields");
            (a.parse().expect("size"), b.parse().expect("disk size"))
        })
        .collect()
}

/// The distinct blobs `path` had in any commit of any ref.
fn versions_of(repo: &Path, path: &str) -> Vec<String> {
    let log = git(
        repo,
        &[
            "log",
            "--all",
            "--format=",
            "--raw",
            "--no-abbrev",
            "--no-renames",
            "--",
            path,
        ],
    );
    let mut ids: Vec<String> = log
        .lines()
        .filter_map(|l| l.split_whitespace().nth(3).map(str::to_owned))
        .filter(|id| id.bytes().any(|b| b != b'0'))
        .collect();
    ids.sort();
    ids.dedup();
    ids
}

#[test]
fn audit_findings_are_the_whole_history_scan_findings() {
    // `scan --all` reads whole histories as the audit does, whatever its tips point at (the
    // topology fixture tags a blob and a tree): where the history rules see the same history,
    // both find the same.
    for name in [
        "rules",
        "more_rules",
        "plain",
        "topology",
        "formats",
        "hostile",
        "churn",
        "sha256",
        "cadence",
    ] {
        let repo = fixture(name);
        let (_, scan) = scan_json(&repo, &["--all"]);
        let (_, audit) = audit_json(&repo, &[]);
        assert_eq!(finding_set(&audit), finding_set(&scan), "{name}");
        // One offender per path that has findings, under one of its findings' patterns.
        let mut expected: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for f in crate::util::findings(&audit).iter().filter(|f| f["path"].is_string()) {
            expected
                .entry(f["path"].as_str().unwrap_or("").to_owned())
                .or_default()
                .push(f["pattern"].as_str().unwrap_or("").to_owned());
        }
        let got: BTreeMap<String, String> = offenders(&audit)
            .iter()
            .map(|o| {
                (
                    o["path"].as_str().unwrap_or("").to_owned(),
                    o["pattern"].as_str().unwrap_or("").to_owned(),
                )
            })
            .collect();
        assert_eq!(got.len(), offenders(&audit).len(), "{name}: a path once");
        assert_eq!(
            got.keys().collect::<Vec<_>>(),
            expected.keys().collect::<Vec<_>>(),
            "{name}"
        );
        for (path, pattern) in &got {
            assert!(expected[path].contains(pattern), "{name}: {path} under {pattern}");
        }
    }
}

#[test]
fn audit_measures_delta_chains_as_the_scan_does() {
    // The audit takes chains from its pack statistics, the scan walks each chain's entry
    // headers: the same depth and bytes to inflate for every version.
    let repo = fixture("churn");
    let dir = tempfile::tempdir().expect("tempdir");
    let policy = write_file(dir.path(), "p.toml", "[rules.deep-delta-chain]\nmax_depth = 5\n");
    let policy = policy.to_str().expect("utf-8");
    let (_, scan) = scan_json(&repo, &["--all", "--policy", policy]);
    let (_, audit) = audit_json(&repo, &["--policy", policy]);
    let chain = |report: &Value| {
        crate::util::findings(report)
            .iter()
            .find(|f| f["rule"] == "deep-delta-chain" && f["path"] == "assets/model.bin")
            .map(|f| {
                (
                    f["blob"].clone(),
                    f["evidence"]["depth"].as_u64(),
                    f["evidence"]["inflate_bytes"].as_u64(),
                    f["evidence"]["versions"].as_u64(),
                )
            })
            .expect("a deep-delta-chain finding for assets/model.bin")
    };
    let audited = chain(&audit);
    assert!(audited.1.is_some_and(|d| d > 5), "{audited:?}");
    assert!(audited.2.is_some_and(|b| b > 6 * 1024 * 1024), "{audited:?}");
    assert_eq!(audited, chain(&scan));
}

#[test]
fn audit_of_a_churning_model_plans_an_lfs_migration_and_counts_its_bytes() {
    let repo = fixture("churn");
    let (code, report) = audit_json(&repo, &[]);
    assert_eq!(code, 1, "a churning 6 MiB model is denied");
    let model = offender(&report, "large-churn", "assets/model.bin");
    assert_eq!(model["level"], "deny");
    assert_eq!(model["versions"], 12);
    assert_eq!(model["changes"], 12);
    assert_eq!(model["cadence"], "1 d", "one version a day");
    assert_eq!(model["first_change"], 1_717_200_000);
    // Bytes from git's own view of the twelve versions.
    let versions = versions_of(&repo, "assets/model.bin");
    assert_eq!(versions.len(), 12);
    let sizes = git_sizes(&repo, &versions);
    let whole: u64 = sizes.iter().map(|s| s.0).sum();
    let disk: u64 = sizes.iter().map(|s| s.1).sum();
    assert_eq!(model["unpacked"], whole);
    assert_eq!(model["packed"], disk);
    assert_eq!(model["fix"]["action"], "move-to-lfs");
    assert_eq!(
        model["fix"]["command"],
        "git lfs migrate import --include=assets/model.bin --everything && git reflog expire --expire-unreachable=now --all && git gc --prune=now"
    );
    assert_eq!(model["fix"]["saves"], disk);
    let share = report["audit"]["patterns"]
        .as_array()
        .expect("patterns")
        .iter()
        .find(|p| p["pattern"] == "large-churn")
        .expect("large-churn share")
        .clone();
    assert_eq!(share["packed"], disk);
    assert_eq!(share["paths"], 1);
    assert!(
        report["audit"]["rewrite_warning"]
            .as_str()
            .is_some_and(|w| w.contains("force-push"))
    );

    // The text report: summary, offender line, plan with the warning, statistics.
    let r = audit_run(&repo, &[]);
    assert_eq!(r.code, 1);
    for want in [
        "pushgate audit: 12 commits",
        "Large files that change often (large-churn)",
        "assets/model.bin",
        "12 versions · 2024-06-01..2024-06-12 · 12 changes, every 1 d",
        "Fix plan",
        "git lfs migrate import --include=assets/model.bin --everything && git reflog expire",
        "once the old versions are pruned",
        "Rewriting history changes the id of every commit",
        "deepest chains of large objects",
        "Instead:",
    ] {
        assert!(r.stdout.contains(want), "missing {want:?}:\n{}", r.stdout);
    }
}

#[test]
fn audit_of_machine_cadence_reads_the_whole_history() {
    let repo = fixture("cadence");
    let (_, report) = audit_json(&repo, &[]);
    let (_, scan) = scan_json(&repo, &["--all"]);
    assert_eq!(
        finding_set(&report),
        finding_set(&scan),
        "within the window, audit and scan agree"
    );
    // Warn and deny offenders: what a job writes is moved out, the rest removed; large churn
    // goes to LFS; info offenders are left alone.
    for o in offenders(&report) {
        if o["level"] == "info" {
            assert!(o["fix"].is_null(), "{o:#}");
            continue;
        }
        let job = o["rules"]
            .as_array()
            .is_some_and(|r| r.iter().any(|r| r == "data-churn" || r == "machine-cadence"));
        let want = if job {
            "move-out"
        } else if o["pattern"] == "large-churn" {
            "move-to-lfs"
        } else {
            "remove"
        };
        assert_eq!(o["fix"]["action"], want, "{o:#}");
        if want != "move-to-lfs" {
            let path = o["path"].as_str().expect("path");
            // A series is removed by its pattern, a file or directory by its path.
            let how = if path.contains('*') { "--path-glob" } else { "--path" };
            assert_eq!(
                o["fix"]["command"],
                format!(
                    "git filter-repo {how} {} --invert-paths",
                    pushgate::util::shell_quote(path)
                )
            );
        }
    }
    let hourly: Vec<&Value> = offenders(&report).iter().filter(|o| o["cadence"] == "1 h").collect();
    assert!(
        !hourly.is_empty(),
        "the hourly job shows its cadence: {:#}",
        report["audit"]["offenders"]
    );
    assert!(hourly.iter().all(|o| o["changes"].as_u64().unwrap_or(0) >= 100));
}

/// Objects, whole bytes and bytes on disk, by kind.
type Kinds = BTreeMap<String, (u64, u64, u64)>;

/// `git verify-pack -v` depth column and `cat-file --batch-all-objects` totals.
fn git_statistics(repo: &Path) -> (Kinds, BTreeMap<u64, u64>) {
    let check = git(
        repo,
        &[
            "cat-file",
            "--batch-all-objects",
            "--batch-check=%(objecttype) %(objectsize) %(objectsize:disk)",
        ],
    );
    let mut kinds = Kinds::new();
    for line in check.lines() {
        let f: Vec<&str> = line.split(' ').collect();
        let e = kinds.entry(f[0].to_owned()).or_default();
        e.0 += 1;
        e.1 += f[1].parse::<u64>().expect("size");
        e.2 += f[2].parse::<u64>().expect("disk");
    }
    let mut depths: BTreeMap<u64, u64> = BTreeMap::new();
    let packs = std::fs::read_dir(repo.join(".git/objects/pack")).expect("pack dir");
    for pack in packs.flatten() {
        let path = pack.path();
        if path.extension().is_some_and(|e| e == "idx") {
            let out = git(repo, &["verify-pack", "-v", path.to_str().expect("utf-8")]);
            for line in out.lines() {
                let f: Vec<&str> = line.split_whitespace().collect();
                if f.len() >= 5 && f[0].len() == 40 {
                    let depth = if f.len() >= 7 { f[5].parse().expect("depth") } else { 0 };
                    *depths.entry(depth).or_default() += 1;
                }
            }
        }
    }
    (kinds, depths)
}

#[test]
fn pack_statistics_match_git() {
    for name in ["churn", "rules"] {
        let repo = fixture(name);
        let (_, report) = audit_json(&repo, &[]);
        let stats = &report["audit"]["repository"]["statistics"];
        let (kinds, depths) = git_statistics(&repo);
        for (kind, (objects, whole, disk)) in &kinds {
            let mine = &stats["kinds"][kind];
            assert_eq!(mine["objects"], *objects, "{name} {kind}");
            assert_eq!(mine["unpacked"], *whole, "{name} {kind}");
            assert_eq!(mine["packed"], *disk, "{name} {kind}");
        }
        assert_eq!(stats["kinds"].as_object().map(|k| k.len()), Some(kinds.len()), "{name}");
        let mine: BTreeMap<u64, u64> = stats["depths"]
            .as_object()
            .expect("depths")
            .iter()
            .map(|(d, n)| (d.parse().expect("depth"), n.as_u64().expect("count")))
            .collect();
        let packed_objects: u64 = depths.values().sum();
        assert_eq!(mine, depths, "{name}: depth histogram");
        assert!(packed_objects > 0, "{name} is packed");
    }
    // The churn fixture's model sits behind a chain git reports the same way.
    let (_, report) = audit_json(&fixture("churn"), &[]);
    let deepest = &report["audit"]["repository"]["statistics"]["deepest"][0];
    assert_eq!(deepest["path"], "assets/model.bin");
    assert_eq!(deepest["depth"], 11);
}

#[test]
fn unreachable_objects_are_counted_and_read_on_request() {
    let repo = fixture_copy("plain");
    let dir = repo.path();
    git(dir, &["checkout", "-q", "-b", "scratch"]);
    write_file(
        dir,
        "dump.sql",
        "-- MySQL dump 10.13  Distrib 8.0.36, for Linux (x86_64)\n--\n-- Host: localhost    Database: shop\n-- ------------------------------------------------------\nINSERT INTO `t` VALUES (1),(2);\n",
    );
    commit_all(dir, "dump");
    git(dir, &["checkout", "-q", "-"]);
    git(dir, &["branch", "-q", "-D", "scratch"]);
    git(dir, &["reflog", "expire", "--expire=now", "--all"]);

    let (code, plain) = audit_json(dir, &[]);
    assert_eq!(code, 0, "nothing reachable is wrong");
    let unreachable = &plain["audit"]["repository"]["unreachable"];
    // The commit, its tree and the dump.
    assert!(unreachable["objects"].as_u64().unwrap_or(0) >= 3, "{unreachable:#}");
    assert!(
        unreachable["unpacked"].as_u64().unwrap_or(0) > unreachable["objects"].as_u64().unwrap_or(0),
        "whole sizes are counted: {unreachable:#}"
    );
    assert!(crate::util::findings(&plain).is_empty());

    let (code, deep) = audit_json(dir, &["--include-unreachable"]);
    assert_eq!(code, 1, "the dump is found");
    let dump = offender(&deep, "backup", "(unreachable)");
    assert_eq!(dump["fix"]["action"], "prune-unreachable");
    assert!(
        dump["fix"]["command"]
            .as_str()
            .is_some_and(|c| c.contains("gc --prune=now"))
    );
    let r = audit_run(dir, &["--include-unreachable"]);
    assert!(r.stdout.contains("Unreachable (no ref reaches them)"), "{}", r.stdout);
}

#[test]
fn audit_of_a_partial_clone_with_a_gitlink_runs_to_completion() {
    // Every blob is absent: counted, paths listed with unknown sizes, nothing fails.
    let repo = fixture("partial");
    let (_, report) = audit_json(&repo, &[]);
    let absent = report["audit"]["repository"]["absent_blobs"].as_u64().unwrap_or(0);
    assert!(absent > 0, "{:#}", report["audit"]["repository"]);
    assert!(notice_kinds(&report).iter().any(|k| k == "absent-object"));
    for o in offenders(&report) {
        assert_eq!(o["versions"], o["unknown_versions"], "sizes are unknown: {o:#}");
    }
    // The rules fixture has a gitlink (a submodule commit that is not in the repository).
    let (_, report) = audit_json(&fixture("rules"), &[]);
    assert!(
        !crate::util::findings(&report).iter().any(|f| f["path"] == "vendor/lib"),
        "a gitlink is not a blob"
    );
}

#[test]
fn audit_writes_a_baseline_that_scans_and_audits_honour() {
    let repo = fixture_copy("baseline");
    let dir = repo.path();
    let out = tempfile::tempdir().expect("tempdir");
    let file = out.path().join("baseline.json");
    let r = audit_run(dir, &["--write-baseline", file.to_str().expect("utf-8")]);
    assert!(r.stderr.contains("baseline entr"), "{}", r.describe());
    let written: Value = serde_json::from_str(&std::fs::read_to_string(&file).expect("read")).expect("json");
    let (_, audit) = audit_json(dir, &[]);
    let mut recorded: Vec<&str> = written["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .map(|e| e["fingerprint"].as_str().unwrap_or(""))
        .collect();
    recorded.sort();
    let mut found: Vec<&str> = crate::util::findings(&audit)
        .iter()
        .map(|f| f["fingerprint"].as_str().unwrap_or(""))
        .collect();
    found.sort();
    assert_eq!(recorded, found, "the baseline records the audit's findings");

    // With the baseline, nothing old is reported, by the audit or by a scan.
    let (code, quiet) = audit_json(dir, &["--baseline", file.to_str().expect("utf-8")]);
    assert_eq!(code, 0, "{quiet:#}");
    assert!(crate::util::findings(&quiet).is_empty());
    let (code, scan) = scan_json(dir, &["--all", "--baseline", file.to_str().expect("utf-8")]);
    assert_eq!(code, 0, "{scan:#}");

    // A new offender is the only finding.
    write_file(dir, "exports/app.sqlite", "");
    std::fs::write(
        dir.join("exports/app.sqlite"),
        [b"SQLite format 3\0".as_slice(), &[0u8; 8192]].concat(),
    )
    .expect("write sqlite");
    commit_all(dir, "db");
    let (code, scan) = scan_json(dir, &["--all", "--baseline", file.to_str().expect("utf-8")]);
    assert_eq!(code, 1);
    let paths: Vec<String> = crate::util::findings(&scan).iter().map(crate::util::path_of).collect();
    assert_eq!(paths, vec!["exports/app.sqlite".to_owned()], "{scan:#}");
    let (_, audit) = audit_json(dir, &["--baseline", file.to_str().expect("utf-8")]);
    let paths: Vec<String> = crate::util::findings(&audit).iter().map(crate::util::path_of).collect();
    assert_eq!(paths, vec!["exports/app.sqlite".to_owned()], "{audit:#}");
}

#[test]
fn progress_bars_only_when_asked_or_on_a_terminal() {
    let repo = fixture("churn");
    let r = audit_run(&repo, &["--progress", "always", "--format", "json"]);
    assert!(r.stderr.contains("commits"), "{}", r.describe());
    assert!(parse_report(&r)["audit"].is_object(), "stdout stays the report");
    // Not a terminal: no bars by default, none when told never.
    for args in [&[][..], &["--progress", "never"][..]] {
        let r = audit_run(&repo, args);
        assert!(!r.stderr.contains("commits"), "{args:?}: {}", r.describe());
    }
    // Whole-history scans draw the same bars.
    let r = crate::util::scan_run(&repo, &["--all", "--progress", "always"]);
    assert!(r.stderr.contains("commits"), "{}", r.describe());
    let r = crate::util::scan_run(&repo, &["--all"]);
    assert!(!r.stderr.contains("commits"), "{}", r.describe());
}

#[test]
fn audit_markdown_has_the_summary_offenders_and_plan() {
    let r = audit_run(&fixture("churn"), &["--format", "markdown"]);
    assert_eq!(r.code, 1);
    for want in [
        "## pushgate audit",
        "| Pattern | Paths | Packed | Share |",
        "### Large files that change often",
        "assets/model.bin",
        "### Fix plan",
        "git lfs migrate import --include=assets/model.bin --everything",
        "### Object database",
    ] {
        assert!(r.stdout.contains(want), "missing {want:?}:\n{}", r.stdout);
    }
}

#[test]
fn thousands_of_refs_and_replaced_objects_are_audited() {
    let repo = fixture_copy("baseline");
    let dir = repo.path();
    let head = git(dir, &["rev-parse", "HEAD"]);
    let first = git(dir, &["rev-list", "--max-parents=0", "HEAD"]);
    // 3,000 refs: branches and tags on every commit.
    let commits: Vec<String> = git(dir, &["rev-list", "HEAD"]).lines().map(str::to_owned).collect();
    let mut stdin = String::new();
    for i in 0..3000 {
        let target = &commits[i % commits.len()];
        let kind = if i % 2 == 0 { "heads/many" } else { "tags/many" };
        stdin.push_str(&format!("create refs/{kind}/{i:04} {target}\n"));
    }
    let out = {
        use std::io::Write;
        let mut child = git_command(dir, &["update-ref", "--stdin"])
            .stdin(std::process::Stdio::piped())
            .spawn()
            .expect("git update-ref");
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(stdin.as_bytes())
            .expect("write refs");
        child.wait().expect("wait")
    };
    assert!(out.success());
    // A replacement for the root commit that carries a dump of its own.
    write_file(
        dir,
        "replaced/dump.sql",
        "-- MySQL dump 10.13  Distrib 8.0.36, for Linux (x86_64)\n--\n-- Host: localhost    Database: other\n-- ------------------------------------------------------\nINSERT INTO `t` VALUES (1);\n",
    );
    git(dir, &["add", "-A"]);
    let tree = git(dir, &["write-tree"]);
    let replacement = git(
        dir,
        &[
            "-c",
            "user.name=T",
            "-c",
            "user.email=t@example.com",
            "commit-tree",
            &tree,
            "-m",
            "replacement root",
        ],
    );
    git(dir, &["replace", &first, &replacement]);
    git(dir, &["reset", "-q", "--hard", &head]);

    let (_, report) = audit_json(dir, &[]);
    let refs = report["audit"]["repository"]["refs"].as_u64().unwrap_or(0);
    assert!(refs > 3000, "{refs} refs");
    let paths: Vec<String> = crate::util::findings(&report)
        .iter()
        .map(crate::util::path_of)
        .collect();
    assert!(
        paths.iter().any(|p| p == "replaced/dump.sql"),
        "the replacement (reached through refs/replace) is audited: {paths:?}"
    );
    assert!(paths.iter().any(|p| p == "backup/old.sql"), "{paths:?}");
}

/// The audit's diff threads read trees from the packs with pushgate's own reader (positioned
/// reads, deltas rebuilt from their bases): every object of a repository whose packs hold
/// long delta chains, and a loose object beside them, reads back as git stores it.
#[test]
fn the_pack_reader_rebuilds_every_object_as_git_does() {
    let dir = tempfile::tempdir().expect("tempdir");
    let repo = dir.path();
    git(repo, &["init", "-q", "-b", "main"]);
    git(repo, &["config", "user.name", "t"]);
    git(repo, &["config", "user.email", "t@example.com"]);
    // Trees and files that change a little in every commit: git stores them as deltas.
    for i in 0..60 {
        let lines: String = (0..200)
            .map(|l| format!("row {l} value {}\n", (l * 7 + i) % 13))
            .collect();
        write_file(repo, "data/table.csv", &lines);
        write_file(repo, &format!("logs/{:02}/run.log", i % 7), &format!("run {i}\n"));
        commit_all(repo, &format!("update {i}"));
    }
    git(repo, &["gc", "-q", "--aggressive"]);
    write_file(repo, "loose.txt", "stored loose\n");
    commit_all(repo, "a loose commit");
    let listed = git(
        repo,
        &[
            "cat-file",
            "--batch-all-objects",
            "--batch-check=%(objectname) %(objecttype)",
        ],
    );
    let open = gix::open(repo).expect("open");
    let packs = pushgate::packs::Packs::read(&open, u64::MAX, 0).expect("read the packs");
    let objects = packs.objects(open.objects.clone());
    let (mut checked, mut deltas) = (0, 0);
    for line in listed.lines() {
        let (id, kind) = line.split_once(' ').expect("id and type");
        let oid = gix::ObjectId::from_hex(id.as_bytes()).expect("id");
        let mut buf = Vec::new();
        let data = gix::objs::Find::try_find(&objects, &oid, &mut buf)
            .expect("read")
            .expect("present");
        assert_eq!(data.kind.to_string(), kind, "{id}");
        let want = git_command(repo, &["cat-file", kind, id])
            .output()
            .expect("cat-file")
            .stdout;
        assert_eq!(data.data, want.as_slice(), "{id} ({kind})");
        checked += 1;
        if packs.header(&oid).is_some_and(|(_, delta)| delta) {
            deltas += 1;
        }
    }
    assert!(checked > 300, "{checked} objects");
    assert!(deltas > 50, "deltas rebuilt: {deltas}");
}

#[test]
fn audit_reports_the_same_when_it_runs_itself_again_with_the_allocator_settings() {
    // On glibc systems the audit runs itself again with allocator settings in GLIBC_TUNABLES,
    // unless that is set already: the arguments, the output and the exit status are the same
    // either way.
    let repo = fixture("rules");
    let strip = |mut report: Value| {
        report["summary"]["duration_ms"] = Value::Null;
        report
    };
    let audit = |tunables: Option<&str>, args: &[&str]| {
        let mut cmd = pushgate();
        cmd.env_remove("GLIBC_TUNABLES");
        if let Some(value) = tunables {
            cmd.env("GLIBC_TUNABLES", value);
        }
        cmd.arg("audit").args(args);
        run(&mut cmd)
    };
    let repo_arg = repo.to_str().expect("a UTF-8 path");
    let args = ["--repo", repo_arg, "--format", "json", "--progress", "never"];
    let again = audit(None, &args);
    let as_is = audit(Some(""), &args);
    assert_eq!(again.code, 1, "{}", again.describe());
    assert_eq!(as_is.code, again.code, "{}", as_is.describe());
    assert_eq!(strip(parse_report(&again)), strip(parse_report(&as_is)));
    assert!(!finding_set(&parse_report(&again)).is_empty());

    // An error after the arguments were read: the same message and status.
    let missing = repo.join("no-such-repository");
    let args = ["--repo", missing.to_str().expect("a UTF-8 path")];
    let (again, as_is) = (audit(None, &args), audit(Some(""), &args));
    assert_eq!(again.code, 3, "{}", again.describe());
    assert_eq!(
        (again.code, &again.stderr, &again.stdout),
        (as_is.code, &as_is.stderr, &as_is.stdout)
    );
}
