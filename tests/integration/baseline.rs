//! Baselines (issue #5): `--write-baseline` records today's findings by fingerprint,
//! `--baseline` leaves them out of `scan`, `pre-push` and `pre-receive`, and stale entries are
//! reported.

use std::fs;
use std::path::{Path, PathBuf};
use std::process;

use serde_json::Value;

use crate::hooks::{Server, finding_lines, remote_text};
use crate::util::{
    finding_set, fixture_copy, git, git_command, notice_kinds, notices, parse_report, pushgate, run, scan_json,
    scan_run, set_of, write_file,
};

const DUMP: &str = "-- MySQL dump 10.13  Distrib 8.0.36, for Linux (x86_64)\n--\n-- Host: localhost    Database: fresh\n-- ------------------------------------------------------\n-- Server version\t8.0.36\n\nDROP TABLE IF EXISTS `t`;\nCREATE TABLE `t` (`id` int NOT NULL, PRIMARY KEY (`id`));\nINSERT INTO `t` VALUES (1),(2);\n";

/// Commit `text` at `path` in the work tree `repo` (on the current branch).
fn commit_file(repo: &Path, path: &str, text: &str, message: &str) {
    write_file(repo, path, text);
    git(repo, &["add", "-A"]);
    git(
        repo,
        &[
            "-c",
            "user.name=Tester",
            "-c",
            "user.email=tester@example.com",
            "commit",
            "-q",
            "--no-verify",
            "-m",
            message,
        ],
    );
}

/// Rebuild `main` without `path` and prune everything that held it.
fn remove_from_history(repo: &Path, path: &str, prune: bool) {
    let filter = format!("git rm -q --cached --ignore-unmatch {path}");
    let out = git_command(repo, &["filter-branch", "-f", "--index-filter", &filter, "--", "main"])
        .env("FILTER_BRANCH_SQUELCH_WARNING", "1")
        .output()
        .expect("run git filter-branch");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    git(repo, &["update-ref", "-d", "refs/original/refs/heads/main"]);
    assert_eq!(
        git(repo, &["log", "--oneline", "--all", "--", path]),
        "",
        "{path} left history"
    );
    if prune {
        git(repo, &["reflog", "expire", "--expire=now", "--all"]);
        git(repo, &["gc", "-q", "--prune=now"]);
    }
}

fn read_baseline(path: &Path) -> Value {
    serde_json::from_str(&fs::read_to_string(path).expect("read baseline")).expect("baseline is JSON")
}

fn fingerprints_of_findings(report: &Value) -> Vec<String> {
    let mut all: Vec<String> = crate::util::findings(report)
        .iter()
        .map(|f| f["fingerprint"].as_str().expect("fingerprint").to_owned())
        .collect();
    all.sort();
    all
}

fn fingerprints_of_baseline(baseline: &Value) -> Vec<String> {
    baseline["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .map(|e| e["fingerprint"].as_str().expect("fingerprint").to_owned())
        .collect()
}

fn stale_paths(report: &Value) -> Vec<String> {
    notices(report)
        .iter()
        .filter(|n| n["kind"] == "stale-baseline")
        .map(|n| n["path"].as_str().expect("stale notice path").to_owned())
        .collect()
}

/// `scan --all --write-baseline`, checked; returns the baseline's path.
fn write_baseline(repo: &Path, dir: &Path) -> PathBuf {
    let file = dir.join("baseline.json");
    let r = scan_run(repo, &["--all", "--write-baseline", file.to_str().expect("utf-8 path")]);
    assert_eq!(
        r.code,
        1,
        "the deny finding still fails the writing scan: {}",
        r.describe()
    );
    assert!(r.stderr.contains("wrote 2 baseline entries"), "{}", r.describe());
    let report = parse_report(&r);
    assert_eq!(
        fingerprints_of_baseline(&read_baseline(&file)),
        fingerprints_of_findings(&report),
        "the baseline records what the scan found"
    );
    file
}

/// A private copy of the `baseline` fixture, and a baseline of its whole history in `dir`.
struct Baselined {
    repo: tempfile::TempDir,
    dir: tempfile::TempDir,
    file: PathBuf,
}

impl Baselined {
    fn new() -> Baselined {
        let repo = fixture_copy("baseline");
        let dir = tempfile::tempdir().expect("tempdir");
        let file = write_baseline(repo.path(), dir.path());
        Baselined { repo, dir, file }
    }
}

/// `scan --all --baseline <file>` in `repo`: the exit code and the report.
fn scan_all(repo: &Path, file: &Path) -> (i32, Value) {
    scan_json(repo, &["--all", "--baseline", file.to_str().expect("utf-8 path")])
}

/// The scan failed, and its only finding is the dump at `path`.
fn assert_only_dump(code: i32, report: &Value, path: &str) {
    assert_eq!(code, 1, "{report:#}");
    assert_eq!(
        finding_set(report),
        set_of(&[("database-dump", path, "deny")]),
        "{report:#}"
    );
}

#[test]
fn baseline_round_trip_reports_only_new_offenders_and_stale_entries() {
    let Baselined { repo, dir: _dir, file } = Baselined::new();
    let baseline = file.to_str().expect("utf-8 path");

    // Everything is recorded: nothing to report, nothing fails.
    let (code, report) = scan_all(repo.path(), &file);
    assert_eq!(code, 0, "{report:#}");
    assert!(finding_set(&report).is_empty(), "{report:#}");
    assert_eq!(report["summary"]["baselined"], 2, "{report:#}");
    assert_eq!(report["summary"]["findings"], 0, "{report:#}");
    assert_eq!(notice_kinds(&report), ["baseline-applied"], "{report:#}");

    // A new offender is reported, alone, and fails.
    commit_file(repo.path(), "backup/new.sql", DUMP, "Another backup");
    let (code, report) = scan_all(repo.path(), &file);
    assert_only_dump(code, &report, "backup/new.sql");
    assert_eq!(report["summary"]["deny"], 1, "{report:#}");
    assert!(stale_paths(&report).is_empty(), "{report:#}");

    // The recorded dump is removed from history and pruned: its entry is stale; the new dump
    // still fails.
    remove_from_history(repo.path(), "backup/old.sql", true);
    let (code, report) = scan_all(repo.path(), &file);
    assert_only_dump(code, &report, "backup/new.sql");
    assert_eq!(stale_paths(&report), ["backup/old.sql"], "{report:#}");
    let stale = notices(&report)
        .into_iter()
        .find(|n| n["kind"] == "stale-baseline")
        .expect("stale notice");
    let message = stale["message"].as_str().expect("message");
    assert!(
        message.contains("database-dump") && message.contains("no longer in the repository"),
        "{message}"
    );
    assert!(message.contains("rewrite the baseline"), "{message}");

    // Range scans see the stale entry too (its blob is gone), and so does the text report.
    let r = run(pushgate()
        .args(["scan", "main~1..main", "--baseline", baseline, "--repo"])
        .arg(repo.path()));
    assert_eq!(r.code, 1, "{}", r.describe());
    assert!(
        r.stdout
            .contains("stale-baseline: baseline entry database-dump at backup/old.sql is stale"),
        "{}",
        r.describe()
    );
    assert!(r.stdout.contains("backup/new.sql"), "{}", r.describe());

    // Without the new dump, only the baselined log is left: the gate passes.
    git(repo.path(), &["reset", "-q", "--hard", "main~1"]);
    let (code, report) = scan_all(repo.path(), &file);
    assert_eq!(code, 0, "{report:#}");
    assert!(finding_set(&report).is_empty(), "{report:#}");
    assert_eq!(report["summary"]["baselined"], 1, "{report:#}");
}

#[test]
fn baseline_stale_in_whole_history_only_when_the_finding_is_gone() {
    let Baselined { repo, dir: _dir, file } = Baselined::new();
    let baseline = file.to_str().expect("utf-8 path");

    // Out of history, but its blob is still stored (reflogs keep it).
    remove_from_history(repo.path(), "backup/old.sql", false);
    let (code, report) = scan_all(repo.path(), &file);
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(stale_paths(&report), ["backup/old.sql"], "{report:#}");
    let stale = notices(&report)
        .into_iter()
        .find(|n| n["kind"] == "stale-baseline")
        .expect("stale notice");
    assert!(
        stale["message"]
            .as_str()
            .is_some_and(|m| m.contains("history no longer has this finding")),
        "{report:#}"
    );

    // A range sees part of the history: an entry outside it is not stale.
    let (code, report) = scan_json(repo.path(), &["main~1..main", "--baseline", baseline]);
    assert_eq!(code, 0, "{report:#}");
    assert!(stale_paths(&report).is_empty(), "{report:#}");
    assert_eq!(report["summary"]["baselined"], 0, "{report:#}");
    // Nothing was left out, so there is no notice saying so.
    assert!(notice_kinds(&report).is_empty(), "{report:#}");
}

#[test]
fn baseline_new_version_of_a_recorded_path_is_a_new_finding() {
    let Baselined { repo, dir: _dir, file } = Baselined::new();
    commit_file(repo.path(), "backup/old.sql", DUMP, "Refresh the backup");
    let (code, report) = scan_all(repo.path(), &file);
    assert_only_dump(code, &report, "backup/old.sql");
    let new_blob = git(repo.path(), &["rev-parse", "main:backup/old.sql"]);
    assert_eq!(
        crate::util::findings(&report)[0]["blob"],
        new_blob.as_str(),
        "{report:#}"
    );
    // The older version is still in history: its entry is not stale.
    assert!(stale_paths(&report).is_empty(), "{report:#}");
}

#[test]
fn baseline_is_written_deterministically() {
    let Baselined { repo, dir, file: first } = Baselined::new();
    let first_bytes = fs::read(&first).expect("read");
    let again = dir.path().join("sub/again.json");
    fs::create_dir_all(again.parent().expect("parent")).expect("mkdir");
    for _ in 0..2 {
        let r = scan_run(
            repo.path(),
            &["--all", "--write-baseline", again.to_str().expect("utf-8")],
        );
        assert_eq!(r.code, 1, "{}", r.describe());
        assert_eq!(fs::read(&again).expect("read"), first_bytes, "byte-identical");
    }
    let text = String::from_utf8(first_bytes).expect("utf-8");
    assert!(text.ends_with("}\n"), "{text}");
    let doc = read_baseline(&first);
    assert_eq!(doc["version"], 1, "{text}");
    assert_eq!(
        doc["generated_by"],
        format!("pushgate {}", env!("CARGO_PKG_VERSION")),
        "{text}"
    );
    let fingerprints = fingerprints_of_baseline(&doc);
    let mut sorted = fingerprints.clone();
    sorted.sort();
    assert_eq!(fingerprints, sorted, "entries are sorted by fingerprint");
    for entry in doc["entries"].as_array().expect("entries") {
        let expected = format!(
            "{}:{}:{}",
            entry["blob"].as_str().expect("blob"),
            entry["path"].as_str().expect("path"),
            entry["rule"].as_str().expect("rule")
        );
        assert_eq!(entry["fingerprint"], expected.as_str(), "{text}");
    }
    // No temporary files are left behind.
    let left: Vec<_> = fs::read_dir(dir.path().join("sub"))
        .expect("read dir")
        .map(|e| e.expect("entry").file_name())
        .collect();
    assert_eq!(left, ["again.json"], "{left:?}");
}

#[test]
fn baseline_that_cannot_be_used_is_a_usage_error_naming_the_file() {
    let Baselined { repo, dir, file: good } = Baselined::new();
    let entry = read_baseline(&good)["entries"][0].clone();
    let mismatched = serde_json::json!({
        "version": 1,
        "generated_by": "hand",
        "entries": [{
            "fingerprint": entry["fingerprint"],
            "rule": "disk-image",
            "path": entry["path"],
            "blob": entry["blob"],
        }],
    });
    let cases: &[(&str, Option<String>, &[&str])] = &[
        ("missing.json", None, &["does not exist", "--write-baseline"]),
        (
            "broken.json",
            Some("{\n  \"version\": 1,\n  \"entries\": [}\n".into()),
            &[":3:", "invalid baseline"],
        ),
        (
            "future.json",
            Some("{\"version\": 2, \"entries\": []}\n".into()),
            &["version 2", "reads version 1"],
        ),
        (
            "fields.json",
            Some("{\"version\": 1, \"generated_by\": \"x\"}\n".into()),
            &["missing field `entries`"],
        ),
        (
            "mismatched.json",
            Some(mismatched.to_string()),
            &["entry 1", "does not match blob, path and rule"],
        ),
    ];
    for (name, text, expected) in cases {
        let path = dir.path().join(name);
        if let Some(text) = text {
            fs::write(&path, text).expect("write");
        }
        let shown = path.display().to_string();
        let r = scan_run(repo.path(), &["--all", "--baseline", &shown]);
        assert_eq!(r.code, 2, "{name}: {}", r.describe());
        assert!(r.stdout.is_empty(), "no report for {name}: {}", r.describe());
        assert!(r.stderr.contains(&shown), "{name}: the file is named: {}", r.describe());
        for part in *expected {
            assert!(r.stderr.contains(part), "{name}: `{part}` missing: {}", r.describe());
        }
        // The local hook stops the push the same way.
        let r = run(pushgate()
            .args(["pre-push", "--baseline", &shown, "origin", "file:///nowhere", "--repo"])
            .arg(repo.path())
            .write_stdin(""));
        assert_eq!(r.code, 2, "pre-push, {name}: {}", r.describe());
        assert!(r.stderr.contains(&shown), "{}", r.describe());
        // And installing a hook with it is refused.
        let r = run(pushgate()
            .args(["install", "pre-push", "--baseline", &shown, "--repo"])
            .arg(repo.path()));
        assert_eq!(r.code, 2, "install, {name}: {}", r.describe());
        assert!(!repo.path().join(".git/hooks/pre-push").exists(), "{name}");
    }
}

/// A baseline of everything the `push` fixture's client holds, and a branch `fresh` with a
/// dump the baseline does not know.
fn client_baseline(client: &Path, dir: &Path) -> PathBuf {
    let file = dir.join("baseline.json");
    let r = scan_run(client, &["--all", "--write-baseline", file.to_str().expect("utf-8")]);
    assert_eq!(r.code, 1, "{}", r.describe());
    git(client, &["checkout", "-q", "-b", "fresh", "main"]);
    commit_file(client, "backup/fresh.sql", DUMP, "A fresh backup");
    git(client, &["checkout", "-q", "main"]);
    file
}

#[test]
fn baseline_pre_receive_accepts_recorded_offenders_and_rejects_new_ones() {
    let server = Server::seeded("push", "main");
    let dir = tempfile::tempdir().expect("tempdir");
    let file = client_baseline(server.client.path(), dir.path());
    let r = run(pushgate()
        .current_dir(dir.path())
        .args(["install", "pre-receive", "--baseline", "baseline.json", "--repo"])
        .arg(&server.bare));
    assert_eq!(r.code, 0, "{}", r.describe());
    let script = fs::read_to_string(server.bare.join("hooks/pre-receive")).expect("hook");
    let absolute = file.canonicalize().expect("absolute");
    assert!(
        script.contains(&format!(
            "--baseline {}",
            pushgate::util::shell_quote(absolute.display().to_string())
        )),
        "{script}"
    );

    // The dump branch predates the gate: recorded, so accepted.
    let r = server.push(&["dump:refs/heads/main"]);
    assert_eq!(r.code, 0, "{}", r.describe());
    assert!(finding_lines(&r).is_empty(), "{}", r.describe());
    let text = remote_text(&r);
    assert!(
        text.contains("1 finding recorded in the baseline was not reported"),
        "{text}"
    );
    assert!(
        !text.contains("stale-baseline"),
        "the server reports no stale entries: {text}"
    );
    assert_eq!(server.rev("refs/heads/main"), Some(server.client_rev("dump")));

    // A new dump is not recorded: rejected, and only it is shown.
    let r = server.push(&["fresh:refs/heads/fresh"]);
    assert_ne!(r.code, 0, "{}", r.describe());
    let lines = finding_lines(&r);
    assert_eq!(lines.len(), 1, "{}", r.describe());
    assert!(lines[0].contains("backup/fresh.sql"), "{lines:?}");
    assert_eq!(server.rev("refs/heads/fresh"), None);

    // A baseline that cannot be read rejects every push, like a broken policy.
    fs::write(&file, "{ not json").expect("break the baseline");
    let r = server.push(&["clean:refs/heads/clean"]);
    assert_ne!(r.code, 0, "{}", r.describe());
    let text = remote_text(&r);
    assert!(
        text.contains("the server's baseline is invalid; push rejected"),
        "{text}"
    );
    assert!(text.contains(&absolute.display().to_string()), "{text}");
    assert_eq!(server.rev("refs/heads/clean"), None);
}

#[test]
fn baseline_pre_push_accepts_recorded_offenders_and_stops_new_ones() {
    let server = Server::seeded("push", "main");
    let client = server.client.path();
    let dir = tempfile::tempdir().expect("tempdir");
    let file = client_baseline(client, dir.path());
    git(client, &["remote", "add", "origin", &server.url()]);
    git(client, &["fetch", "-q", "origin"]);
    let r = run(pushgate()
        .args(["install", "pre-push", "--baseline"])
        .arg(&file)
        .arg("--repo")
        .arg(client));
    assert_eq!(r.code, 0, "{}", r.describe());

    let push = |refspec: &str| {
        let out = process::Command::new("git")
            .arg("-C")
            .arg(client)
            .args(["push", "origin", refspec])
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("NO_COLOR", "1")
            .env_remove("PUSHGATE_POLICY")
            .output()
            .expect("git push");
        (out.status.code(), String::from_utf8_lossy(&out.stderr).into_owned())
    };
    // The sqlite branch predates the gate: recorded, so it goes through.
    let (code, err) = push("sqlite:refs/heads/main");
    assert_eq!(code, Some(0), "{err}");
    assert!(err.contains("recorded in the baseline was not reported"), "{err}");
    assert!(!err.contains("stale-baseline"), "{err}");
    assert_eq!(server.rev("refs/heads/main"), Some(server.client_rev("sqlite")));

    // The fresh dump is new: the push stops before anything is sent.
    let (code, err) = push("fresh:refs/heads/fresh");
    assert_ne!(code, Some(0), "{err}");
    assert!(
        err.contains("backup/fresh.sql") && err.contains("database-dump"),
        "{err}"
    );
    assert!(!err.contains("backup/shop.sql"), "{err}");
    assert_eq!(server.rev("refs/heads/fresh"), None);
}
