//! The audit's report and fix plan: the plan never removes source (test sources marked
//! `linguist-generated` stay, the dump goes, checked by running `git filter-repo` on a
//! mirror), covers warn and deny only, runs one rewrite per tool, counts a path once, moves
//! small job-written data out rather than into LFS, and carries no rewrite warning when it
//! rewrites nothing. The text report fits a screen: absent objects are one line, baselines
//! and version counts agree between text and JSON; progress bars use the report's units.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde_json::Value;

use crate::audit::audit_json;
use crate::util::{commit_all, fixture, fixture_copy, git, git_command, pushgate, run, write_file};

fn audit_text(repo: &Path, args: &[&str]) -> crate::util::Run {
    let mut cmd = pushgate();
    cmd.arg("audit").arg("--repo").arg(repo).args(args);
    run(&mut cmd)
}

fn steps(report: &Value) -> &Vec<Value> {
    report["audit"]["plan"]["steps"].as_array().expect("audit.plan.steps")
}

fn step<'a>(report: &'a Value, action: &str) -> Option<&'a Value> {
    steps(report).iter().find(|s| s["action"] == action)
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .map(|a| a.iter().filter_map(|s| s.as_str().map(str::to_owned)).collect())
        .unwrap_or_default()
}

/// `git filter-repo` must be on PATH: the test that needs it fails, naming it, when it is not.
pub(crate) fn require_filter_repo() {
    let found = std::process::Command::new("git")
        .args(["filter-repo", "--version"])
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        found,
        "needs git filter-repo on PATH (pip install git-filter-repo; .ci/run installs it)"
    );
}

/// Each commit's files, by subject and author date (commit ids change in a rewrite).
fn files_per_commit(repo: &Path) -> BTreeMap<String, BTreeSet<String>> {
    let mut out = BTreeMap::new();
    for line in git(repo, &["log", "--all", "--format=%H %at %s"]).lines() {
        let (id, key) = line.split_once(' ').expect("id and key");
        let files: BTreeSet<String> = git(repo, &["ls-tree", "-r", "--name-only", id])
            .lines()
            .map(str::to_owned)
            .collect();
        out.insert(key.to_owned(), files);
    }
    out
}

#[test]
fn the_fix_plan_removes_the_dump_and_never_the_generated_test_sources() {
    let repo = fixture("generated_tests");
    let dump = "db/prod-2024-03-01.sql";
    let (code, report) = audit_json(&repo, &[]);
    assert_eq!(code, 1, "the dump is denied");
    // The test sources are reported (info), and left alone.
    let test_sources: Vec<&Value> = report["audit"]["offenders"]
        .as_array()
        .expect("offenders")
        .iter()
        .filter(|o| o["path"].as_str().is_some_and(|p| p.starts_with("test/")))
        .collect();
    assert_eq!(test_sources.len(), 4, "{:#}", report["audit"]["offenders"]);
    for o in &test_sources {
        assert_eq!(o["level"], "info");
        assert!(o["fix"].is_null(), "an info offender has no fix: {o:#}");
    }
    // One step, one rewrite: the dump and nothing else.
    assert_eq!(steps(&report).len(), 1, "{:#}", report["audit"]["plan"]);
    let remove = step(&report, "remove").expect("a removal");
    assert_eq!(strings(&remove["lines"]), [dump]);
    assert_eq!(
        remove["command"],
        "git filter-repo --paths-from-file ../pushgate-paths.txt --invert-paths"
    );
    assert_eq!(report["audit"]["plan"]["left_info"], 4);
    assert!(
        report["audit"]["rewrite_warning"]
            .as_str()
            .is_some_and(|w| w.contains("force-push"))
    );

    // The text plan says the same: the paths file, the one command, what it leaves.
    let r = audit_text(&repo, &[]);
    let plan = r
        .stdout
        .split("Fix plan")
        .nth(1)
        .expect("a fix plan")
        .split("\nOverview")
        .next()
        .unwrap_or("");
    assert!(
        plan.contains(&format!(
            "cat > ../pushgate-paths.txt <<'PUSHGATE_PATHS'\n     {dump}\n     PUSHGATE_PATHS"
        )),
        "{plan}"
    );
    assert_eq!(plan.matches("git filter-repo --").count(), 1, "{plan}");
    assert!(!plan.contains("test/"), "{plan}");
    assert!(plan.contains("4 info offenders"), "{plan}");
}

#[test]
#[ignore = "needs git filter-repo (run with --include-ignored; .ci/run does)"]
fn running_the_fix_plan_on_a_mirror_keeps_every_source_file() {
    require_filter_repo();
    let repo = fixture("generated_tests");
    let dump = "db/prod-2024-03-01.sql";
    let (_, report) = audit_json(&repo, &[]);
    let remove = step(&report, "remove").expect("a removal");
    // Run it on a mirror: every file but the dump is still in every commit.
    let work = tempfile::tempdir().expect("tempdir");
    let mirror = work.path().join("mirror.git");
    let url = format!("file://{}", repo.display());
    let out = git_command(work.path(), &["clone", "-q", "--mirror", &url, "mirror.git"])
        .output()
        .expect("git clone");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let before = files_per_commit(&mirror);
    let lines: Vec<String> = strings(&remove["lines"]);
    std::fs::write(work.path().join("pushgate-paths.txt"), lines.join("\n") + "\n").expect("write paths file");
    let command = remove["command"].as_str().expect("command");
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg(command)
        .current_dir(&mirror)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .output()
        .expect("run the plan");
    assert!(
        out.status.success(),
        "{command}: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let after = files_per_commit(&mirror);
    assert!(before.values().any(|f| f.contains(dump)), "the dump was there");
    for (commit, files) in &before {
        let kept: BTreeSet<String> = files.iter().filter(|f| *f != dump).cloned().collect();
        match after.get(commit) {
            Some(now) => assert_eq!(now, &kept, "{commit}: every source file stays"),
            // Only the commit that did nothing but add the dump is left empty, and dropped.
            None => assert!(
                commit.ends_with("Snapshot of production for debugging"),
                "{commit} is gone"
            ),
        }
    }
    assert_eq!(after.len(), before.len() - 1, "one commit, the dump's, is dropped");
    assert!(after.values().all(|f| !f.contains(dump)), "the dump is gone");
    let objects = git(&mirror, &["rev-list", "--objects", "--all"]);
    assert!(!objects.contains(dump), "no version of the dump is reachable");
    // The test helpers' whole history survives: as many versions as before.
    for helper in ["test/helpers/fixtures.py", "test/helpers/db.py", "test/helpers/http.js"] {
        let count = |repo: &Path| {
            git(repo, &["log", "--all", "--format=%H", "--", helper])
                .lines()
                .count()
        };
        assert_eq!(count(&mirror), count(&repo), "{helper}");
        assert!(count(&mirror) >= 31, "{helper}");
    }
}

#[test]
fn a_path_is_counted_under_one_pattern_and_shares_stay_within_the_repository() {
    // A release tarball is a large blob and an archive backup; dumps are also a series.
    for name in ["more_rules", "cadence", "jobs"] {
        let (_, report) = audit_json(&fixture(name), &[]);
        let audit = &report["audit"];
        let disk = {
            let st = &audit["repository"]["statistics"];
            st["pack_bytes"].as_u64().unwrap_or(0) + st["loose"]["packed"].as_u64().unwrap_or(0)
        };
        let packed: u64 = audit["patterns"]
            .as_array()
            .expect("patterns")
            .iter()
            .map(|p| p["packed"].as_u64().unwrap_or(0))
            .sum();
        assert!(packed <= disk, "{name}: shares add up to {packed} of {disk} bytes");
        let paths: Vec<&str> = audit["offenders"]
            .as_array()
            .expect("offenders")
            .iter()
            .filter_map(|o| o["path"].as_str())
            .collect();
        let distinct: BTreeSet<&str> = paths.iter().copied().collect();
        assert_eq!(paths.len(), distinct.len(), "{name}: a path under one pattern only");
        let counted: u64 = audit["patterns"]
            .as_array()
            .expect("patterns")
            .iter()
            .map(|p| p["paths"].as_u64().unwrap_or(0))
            .sum();
        assert_eq!(counted, paths.len() as u64, "{name}");
    }
    let (_, report) = audit_json(&fixture("more_rules"), &[]);
    let tarball: Vec<&Value> = report["audit"]["offenders"]
        .as_array()
        .expect("offenders")
        .iter()
        .filter(|o| o["path"] == "releases/app-1.2.3.tar.gz")
        .collect();
    assert_eq!(tarball.len(), 1);
    assert_eq!(tarball[0]["pattern"], "backup", "what it is before how large it is");
    assert_eq!(strings(&tarball[0]["rules"]), ["large-blob", "archive-backup"]);
}

#[test]
fn a_plan_that_only_prunes_carries_no_rewrite_warning() {
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

    let (code, report) = audit_json(dir, &["--include-unreachable"]);
    assert_eq!(code, 1);
    let actions: Vec<&str> = steps(&report).iter().filter_map(|s| s["action"].as_str()).collect();
    assert_eq!(actions, ["prune-unreachable"], "{:#}", report["audit"]["plan"]);
    assert!(report["audit"]["rewrite_warning"].is_null());
    assert!(report["audit"]["plan"]["rewrite_warning"].is_null());
    let r = audit_text(dir, &["--include-unreachable"]);
    assert!(r.stdout.contains("git gc --prune=now"), "{}", r.stdout);
    assert!(r.stdout.contains("no history is rewritten"), "{}", r.stdout);
    assert!(!r.stdout.contains("Rewriting history"), "{}", r.stdout);
    assert!(!r.stdout.contains("force-push"), "{}", r.stdout);
}

#[test]
fn small_data_a_job_rewrites_is_moved_out_with_what_it_frees() {
    let repo = fixture("jobs");
    let (_, report) = audit_json(&repo, &[]);
    // The data is moved out (a change to the job) and removed by the one rewrite: one step.
    let remove = step(&report, "remove").expect("a removal");
    let moved = strings(&remove["move_out"]);
    let removed = strings(&remove["paths"]);
    for data in ["weather/forecast=72h.json", "feeds/stations.json"] {
        assert!(moved.iter().any(|p| p == data), "{moved:?}");
    }
    assert!(
        moved.iter().all(|p| removed.contains(p)),
        "{moved:?} within {removed:?}"
    );
    assert!(remove["saves"].as_u64().unwrap_or(0) > 0);
    assert!(step(&report, "move-out").is_none(), "{:#}", report["audit"]["plan"]);
    assert!(step(&report, "move-to-lfs").is_none(), "{:#}", report["audit"]["plan"]);
    for o in report["audit"]["offenders"].as_array().expect("offenders") {
        if o["rules"]
            .as_array()
            .is_some_and(|r| r.iter().any(|r| r == "data-churn"))
        {
            assert_eq!(o["fix"]["action"], "move-out", "{o:#}");
        }
    }
    let r = audit_text(&repo, &[]);
    let moved = r
        .stdout
        .lines()
        .find(|l| l.contains("Move the data out first"))
        .expect("the step in text");
    assert!(moved.contains("weather/forecast=72h.json"), "{}", r.stdout);
    assert!(r.stdout.contains("Git LFS is no fix"), "{}", r.stdout);
}

#[test]
fn many_absent_objects_are_one_line_unless_verbose() {
    // A blobless clone of a project with dozens of versions: every blob is absent.
    let src = fixture("generated_tests");
    let work = tempfile::tempdir().expect("tempdir");
    let url = format!("file://{}", src.display());
    let out = git_command(
        work.path(),
        &[
            "clone",
            "-q",
            "--upload-pack=git -c uploadpack.allowFilter=true upload-pack",
            "--no-checkout",
            "--filter=blob:none",
            &url,
            "partial",
        ],
    )
    .output()
    .expect("git clone");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let dir = work.path().join("partial");
    git(
        &dir,
        &[
            "remote",
            "set-url",
            "origin",
            "file:///nonexistent/pushgate-partial.git",
        ],
    );

    let (_, report) = audit_json(&dir, &[]);
    // In JSON too, the absent blobs are one notice that counts them, with a sample of paths.
    let grouped: Vec<Value> = crate::util::notices(&report)
        .into_iter()
        .filter(|n| n["kind"] == "absent-object")
        .collect();
    assert_eq!(grouped.len(), 1, "{grouped:#?}");
    let absent = grouped[0]["count"].as_u64().unwrap_or(0) as usize;
    assert!(absent > 100, "{absent} absent objects");
    let sample = grouped[0]["sample"].as_array().map(Vec::len).unwrap_or(0);
    assert!((1..=10).contains(&sample), "{:#}", grouped[0]);
    let r = audit_text(&dir, &[]);
    let lines: Vec<&str> = r.stdout.lines().filter(|l| l.contains("absent-object")).collect();
    assert_eq!(lines.len(), 1, "{}", r.stdout);
    // The one notice, wrapped: its line and the indented lines that continue it.
    let notice: String = r
        .stdout
        .lines()
        .skip_while(|l| !l.contains("absent-object"))
        .enumerate()
        .take_while(|(i, l)| *i == 0 || l.starts_with("    "))
        .map(|(_, l)| l.trim())
        .collect::<Vec<_>>()
        .join(" ");
    assert!(notice.contains(&format!("{absent} blobs absent")), "{notice}");
    assert!(
        notice.contains("most at src/shop.py ×31, test/helpers/db.py ×31"),
        "the paths with the most absent versions: {notice}"
    );
    assert!(r.stdout.contains("--verbose lists them all"));
    assert!(
        r.stdout.lines().all(|l| l.chars().count() <= 100),
        "wrapped at 100:\n{}",
        r.stdout
    );
    assert!(r.stdout.lines().count() <= 60, "about one screen:\n{}", r.stdout);
    let r = audit_text(&dir, &["--verbose"]);
    let lines = r.stdout.lines().filter(|l| l.contains("absent-object:")).count();
    assert_eq!(lines, absent, "--verbose lists every one");
}

#[test]
fn with_a_baseline_the_text_counts_agree_with_the_offenders_listed() {
    let repo = fixture_copy("baseline");
    let dir = repo.path();
    let out = tempfile::tempdir().expect("tempdir");
    let file = out.path().join("baseline.json");
    let file = file.to_str().expect("utf-8");
    let r = audit_text(dir, &["--write-baseline", file]);
    assert_eq!(r.code, 0, "the baseline was written\n{}", r.describe());
    let before = r
        .stdout
        .lines()
        .filter(|l| l.starts_with("  deny ") || l.starts_with("  warn "))
        .count();
    assert!(before > 0, "{}", r.stdout);

    let r = audit_text(dir, &["--baseline", file]);
    assert_eq!(r.code, 0, "{}", r.describe());
    assert!(r.stdout.contains("0 findings (0 deny, 0 warn, 0 info)"), "{}", r.stdout);
    let listed = r
        .stdout
        .lines()
        .filter(|l| ["  deny ", "  warn ", "  info "].iter().any(|p| l.starts_with(p)))
        .count();
    assert_eq!(listed, 0, "0 findings lists no offender:\n{}", r.stdout);
    assert!(!r.stdout.contains("Fix plan"), "{}", r.stdout);
    let (_, report) = audit_json(dir, &["--baseline", file]);
    assert!(report["audit"]["offenders"].as_array().is_some_and(Vec::is_empty));
    assert!(
        report["audit"]["patterns"]
            .as_array()
            .expect("patterns")
            .iter()
            .all(|p| p["paths"] == 0 && p["packed"] == 0)
    );
}

#[test]
fn text_and_json_agree_on_version_counts() {
    // Forty versions of one dump, left unreachable: the finding stands for all forty.
    let repo = fixture_copy("plain");
    let dir = repo.path();
    git(dir, &["checkout", "-q", "-b", "scratch"]);
    for i in 0..40 {
        write_file(
            dir,
            "dump.sql",
            &format!(
                "-- MySQL dump 10.13  Distrib 8.0.36, for Linux (x86_64)\n--\n-- Host: localhost    Database: shop\n-- ------------------------------------------------------\nINSERT INTO `t` VALUES ({i});\n"
            ),
        );
        commit_all(dir, "dump");
    }
    git(dir, &["checkout", "-q", "-"]);
    git(dir, &["branch", "-q", "-D", "scratch"]);
    git(dir, &["reflog", "expire", "--expire=now", "--all"]);

    let (_, report) = audit_json(dir, &["--include-unreachable"]);
    let finding = crate::util::finding_at(&report, "database-dump", "(unreachable)");
    assert_eq!(finding["evidence"]["versions"], 40, "{finding:#}");
    let offender = report["audit"]["offenders"]
        .as_array()
        .expect("offenders")
        .iter()
        .find(|o| o["path"] == "(unreachable)")
        .expect("the unreachable offender");
    assert_eq!(offender["versions"], 40, "{offender:#}");
    let r = audit_text(dir, &["--include-unreachable"]);
    assert!(r.stdout.contains("40 versions"), "{}", r.stdout);
    assert!(!r.stdout.contains(" 1 version "), "{}", r.stdout);

    // Every offender of a fixture: the text line carries the JSON's count.
    let repo = fixture("cadence");
    let (_, report) = audit_json(&repo, &[]);
    let r = audit_text(&repo, &["--verbose"]);
    for o in report["audit"]["offenders"].as_array().expect("offenders") {
        let path = o["path"].as_str().expect("path");
        let versions = o["versions"].as_u64().expect("versions");
        let mut lines = r.stdout.lines().skip_while(|l| !l.contains(&format!(" {path}  ")));
        let listed = lines.next().unwrap_or_else(|| panic!("{path} listed:\n{}", r.stdout));
        // The details follow the rules on the same line, or stand on the next one.
        let detail = match listed.split_once(" · ") {
            Some((_, rest)) => rest.to_owned(),
            None => lines.next().expect("detail line").to_owned(),
        };
        let want = format!("{versions} version{}", if versions == 1 { "" } else { "s" });
        assert!(detail.trim_start().starts_with(&want), "{path}: {detail} vs {want}");
    }
}

#[test]
fn the_default_text_audit_of_a_project_is_pinned() {
    let r = audit_text(&fixture("generated_tests"), &[]);
    assert_eq!(r.code, 1);
    insta::assert_snapshot!("audit-generated-tests", r.stdout);
}

#[test]
fn info_offenders_are_counted_by_default_and_listed_with_verbose() {
    let repo = fixture("generated_tests");
    let quiet = audit_text(&repo, &[]);
    assert!(!quiet.stdout.contains("test/helpers/http.js"), "{}", quiet.stdout);
    assert!(
        quiet.stdout.contains("4 paths, all info (--verbose lists them all)"),
        "{}",
        quiet.stdout
    );
    let loud = audit_text(&repo, &["--verbose"]);
    for path in [
        "test/helpers/http.js",
        "test/helpers/fixtures.py",
        "test/helpers/db.py",
        "test/test_shop.py",
    ] {
        assert!(loud.stdout.contains(&format!("info {path}")), "{path}: {}", loud.stdout);
    }
    // Either way the denied dump is listed.
    for r in [&quiet, &loud] {
        assert!(r.stdout.contains("deny db/prod-2024-03-01.sql"), "{}", r.stdout);
    }
}

#[test]
fn the_history_phase_has_a_bar_and_bars_use_the_reports_units() {
    let r = audit_text(&fixture("jobs"), &["--progress", "always", "--format", "json"]);
    let drawn = r.stderr.replace('\r', "\n");
    assert!(drawn.contains("history"), "{drawn}");
    assert!(drawn.contains("reading the history of candidate paths"), "{drawn}");
    assert!(drawn.contains("KiB") || drawn.contains("MiB"), "{drawn}");
    for bad in [" kB", " MB", " GB"] {
        assert!(!drawn.contains(bad), "{bad}: {drawn}");
    }
    // Rates in whole numbers: no `12.3456/s`, no `5.3 MiB/s`.
    let rates: Vec<&str> = drawn
        .split("/s")
        .filter_map(|before| before.rsplit('(').next())
        .filter(|r| r.len() < 16)
        .collect();
    assert!(rates.len() > 2, "{drawn}");
    let fractional = rates.iter().any(|r| r.contains('.'));
    assert!(!fractional, "{drawn}");
    // A scan reads the look-back window after its walk: that has a bar too.
    let r = crate::util::scan_run(&fixture("jobs"), &["--all", "--progress", "always"]);
    let drawn = r.stderr.replace('\r', "\n");
    assert!(
        drawn.contains("history") && drawn.contains("reading the history"),
        "{drawn}"
    );
}
