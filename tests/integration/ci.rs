//! `pushgate scan --ci`: the range each CI environment leads to, over a clone of the
//! `formats` fixture whose upstream `main` is at `v1` and whose `feature` branch adds
//! c2 (database, dump, log, generated source) and c3 (six backup copies).

#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};

use crate::util::*;

/// The fixture's commits (pinned identities and dates make them the same everywhere).
const C1: &str = "c2ed0ba03b3c29e87c8490f644dd84a5c7b0355b";
const C2: &str = "97524ffcaaa619fe074955f0d4cf118a20c8301d";
const C3: &str = "fe61b9b1c1de6be5bb98e8d91c78a83716e5d2bc";
const ZEROS: &str = "0000000000000000000000000000000000000000";

/// Every variable `--ci` reads, removed so that the machine running the tests does not leak in.
pub const CI_VARS: &[&str] = &[
    "CI",
    "GITHUB_ACTIONS",
    "GITHUB_EVENT_NAME",
    "GITHUB_EVENT_PATH",
    "GITHUB_BASE_REF",
    "GITHUB_REF",
    "GITHUB_SHA",
    "GITHUB_STEP_SUMMARY",
    "GITLAB_CI",
    "CI_PIPELINE_SOURCE",
    "CI_COMMIT_SHA",
    "CI_COMMIT_BEFORE_SHA",
    "CI_COMMIT_BRANCH",
    "CI_COMMIT_REF_NAME",
    "CI_DEFAULT_BRANCH",
    "CI_MERGE_REQUEST_IID",
    "CI_MERGE_REQUEST_DIFF_BASE_SHA",
    "CI_MERGE_REQUEST_TARGET_BRANCH_SHA",
    "CI_MERGE_REQUEST_TARGET_BRANCH_NAME",
    "CODEBUILD_BUILD_ID",
    "CODEBUILD_WEBHOOK_EVENT",
    "CODEBUILD_WEBHOOK_BASE_REF",
    "CODEBUILD_WEBHOOK_PREV_COMMIT",
    "CODEBUILD_RESOLVED_SOURCE_VERSION",
    "JENKINS_URL",
    "CHANGE_TARGET",
    "GIT_COMMIT",
    "GIT_PREVIOUS_SUCCESSFUL_COMMIT",
    "PRE_COMMIT_FROM_REF",
    "PRE_COMMIT_TO_REF",
    "PRE_COMMIT_ORIGIN",
    "PRE_COMMIT_SOURCE",
    "PRE_COMMIT_REMOTE_NAME",
    "PRE_COMMIT_LOCAL_BRANCH",
];

/// An upstream bare repository (`main` = c1, `feature` = c3) and a full clone of it on
/// `feature`.
struct Clones {
    dir: tempfile::TempDir,
}

impl Clones {
    fn new() -> Clones {
        let dir = tempfile::tempdir().unwrap();
        let upstream = dir.path().join("upstream.git");
        git(
            dir.path(),
            &[
                "clone",
                "-q",
                "--bare",
                fixture("formats").to_str().unwrap(),
                "upstream.git",
            ],
        );
        git(&upstream, &["update-ref", "refs/heads/main", C1]);
        git(&upstream, &["update-ref", "refs/heads/feature", C3]);
        git(dir.path(), &["clone", "-q", "upstream.git", "work"]);
        git(&dir.path().join("work"), &["checkout", "-q", "feature"]);
        Clones { dir }
    }

    fn work(&self) -> PathBuf {
        self.dir.path().join("work")
    }

    /// A depth-1 clone of `feature` alone.
    fn shallow(&self) -> PathBuf {
        let url = format!("file://{}", self.dir.path().join("upstream.git").display());
        git(
            self.dir.path(),
            &["clone", "-q", "--depth", "1", "--branch", "feature", &url, "shallow"],
        );
        self.dir.path().join("shallow")
    }

    fn event(&self, json: serde_json::Value) -> String {
        let path = self.dir.path().join("event.json");
        std::fs::write(&path, json.to_string()).unwrap();
        path.to_str().unwrap().to_owned()
    }
}

/// `pushgate scan --ci --format json` in `repo` with exactly `vars` of the CI variables.
pub fn ci_scan(repo: &Path, vars: &[(&str, &str)]) -> Run {
    run(ci_command(repo, vars).args(["--format", "json"]))
}

/// `pushgate scan --ci` in `repo` with exactly `vars` of the CI variables.
pub fn ci_command(repo: &Path, vars: &[(&str, &str)]) -> assert_cmd::Command {
    let mut cmd = pushgate();
    for var in CI_VARS {
        cmd.env_remove(var);
    }
    cmd.current_dir(repo).args(["scan", "--ci"]);
    for (k, v) in vars {
        cmd.env(k, v);
    }
    cmd
}

/// The commits the findings were attributed to (range-wide findings have none).
fn commits(r: &Run) -> Vec<String> {
    let report = parse_report(r);
    let mut out: Vec<String> = findings(&report)
        .iter()
        .filter_map(|f| f["commit"].as_str().map(str::to_owned))
        .collect();
    out.sort();
    out.dedup();
    out
}

fn summary(r: &Run, key: &str) -> u64 {
    parse_report(r)["summary"][key].as_u64().unwrap()
}

#[test]
fn without_ci_checks_what_head_adds_to_the_default_branch() {
    let clones = Clones::new();
    let r = ci_scan(&clones.work(), &[]);
    assert_eq!(r.code, 1, "{}", r.describe());
    assert_eq!(summary(&r, "commits"), 2, "{}", r.describe());
    assert_eq!(commits(&r), [C2, C3]);
    assert!(r.stderr.contains("no CI system recognised"), "{}", r.stderr);
    assert!(r.stderr.contains("origin/HEAD"), "{}", r.stderr);
    assert!(r.stderr.contains(&format!("merge base {}", &C1[..12])), "{}", r.stderr);
}

#[test]
fn github_pull_request() {
    let clones = Clones::new();
    let event = clones.event(serde_json::json!({
        "pull_request": {"base": {"sha": C1}, "head": {"sha": C3}}
    }));
    let r = ci_scan(
        &clones.work(),
        &[
            ("GITHUB_ACTIONS", "true"),
            ("GITHUB_EVENT_NAME", "pull_request"),
            ("GITHUB_BASE_REF", "main"),
            ("GITHUB_EVENT_PATH", &event),
        ],
    );
    assert_eq!(r.code, 1, "{}", r.describe());
    assert_eq!(commits(&r), [C2, C3]);
    assert!(r.stderr.contains("GitHub Actions pull_request"), "{}", r.stderr);
    assert!(r.stderr.contains("the pull request's base"), "{}", r.stderr);
}

#[test]
fn github_push_checks_before_to_after() {
    let clones = Clones::new();
    let event = clones.event(serde_json::json!({"before": C2, "after": C3}));
    let r = ci_scan(
        &clones.work(),
        &[
            ("GITHUB_ACTIONS", "true"),
            ("GITHUB_EVENT_NAME", "push"),
            ("GITHUB_EVENT_PATH", &event),
        ],
    );
    assert_eq!(r.code, 0, "only warnings in c3\n{}", r.describe());
    assert_eq!(summary(&r, "commits"), 1);
    assert_eq!(commits(&r), [C3]);

    // A new branch: before is all zeros, so the default branch is the base.
    let event = clones.event(serde_json::json!({
        "before": ZEROS, "after": C3, "repository": {"default_branch": "main"}
    }));
    let r = ci_scan(
        &clones.work(),
        &[
            ("GITHUB_ACTIONS", "true"),
            ("GITHUB_EVENT_NAME", "push"),
            ("GITHUB_EVENT_PATH", &event),
        ],
    );
    assert_eq!(commits(&r), [C2, C3], "{}", r.describe());
    assert!(r.stderr.contains("new branch"), "{}", r.stderr);
    assert!(r.stderr.contains("origin/main"), "{}", r.stderr);
}

#[test]
fn gitlab_merge_request_and_push() {
    let clones = Clones::new();
    let r = ci_scan(
        &clones.work(),
        &[
            ("GITLAB_CI", "true"),
            ("CI_MERGE_REQUEST_IID", "3"),
            ("CI_MERGE_REQUEST_DIFF_BASE_SHA", C1),
            ("CI_MERGE_REQUEST_TARGET_BRANCH_NAME", "main"),
            ("CI_COMMIT_SHA", C3),
        ],
    );
    assert_eq!(commits(&r), [C2, C3], "{}", r.describe());
    assert!(r.stderr.contains("GitLab CI merge request pipeline"), "{}", r.stderr);

    let r = ci_scan(
        &clones.work(),
        &[
            ("GITLAB_CI", "true"),
            ("CI_COMMIT_BEFORE_SHA", C2),
            ("CI_COMMIT_SHA", C3),
        ],
    );
    assert_eq!(commits(&r), [C3], "{}", r.describe());
    assert!(r.stderr.contains("CI_COMMIT_BEFORE_SHA"), "{}", r.stderr);
}

#[test]
fn codebuild_pull_request_and_push() {
    let clones = Clones::new();
    let r = ci_scan(
        &clones.work(),
        &[
            ("CODEBUILD_BUILD_ID", "pushgate:1"),
            ("CODEBUILD_WEBHOOK_EVENT", "PULL_REQUEST_CREATED"),
            ("CODEBUILD_WEBHOOK_BASE_REF", "refs/heads/main"),
            ("CODEBUILD_RESOLVED_SOURCE_VERSION", C3),
        ],
    );
    assert_eq!(commits(&r), [C2, C3], "{}", r.describe());

    let r = ci_scan(
        &clones.work(),
        &[
            ("CODEBUILD_BUILD_ID", "pushgate:2"),
            ("CODEBUILD_WEBHOOK_EVENT", "PUSH"),
            ("CODEBUILD_WEBHOOK_PREV_COMMIT", C2),
            ("CODEBUILD_RESOLVED_SOURCE_VERSION", C3),
        ],
    );
    assert_eq!(commits(&r), [C3], "{}", r.describe());
}

#[test]
fn pre_commit_pre_push_refs() {
    let clones = Clones::new();
    let r = ci_scan(
        &clones.work(),
        &[
            ("PRE_COMMIT_FROM_REF", C2),
            ("PRE_COMMIT_TO_REF", C3),
            ("PRE_COMMIT_REMOTE_NAME", "origin"),
        ],
    );
    assert_eq!(commits(&r), [C3], "{}", r.describe());
    // The names of pre-commit 1.x.
    let r = ci_scan(&clones.work(), &[("PRE_COMMIT_ORIGIN", C1), ("PRE_COMMIT_SOURCE", C2)]);
    assert_eq!(commits(&r), [C2], "{}", r.describe());
}

#[test]
fn a_shallow_clone_says_how_to_fetch_and_still_scans() {
    let clones = Clones::new();
    let shallow = clones.shallow();
    let event = clones.event(serde_json::json!({"pull_request": {"base": {"sha": C1}}}));
    let r = ci_scan(
        &shallow,
        &[
            ("GITHUB_ACTIONS", "true"),
            ("GITHUB_EVENT_NAME", "pull_request"),
            ("GITHUB_BASE_REF", "main"),
            ("GITHUB_EVENT_PATH", &event),
        ],
    );
    assert_eq!(r.code, 1, "{}", r.describe());
    assert!(r.stderr.contains("fetch-depth: 0"), "{}", r.stderr);
    assert!(r.stderr.contains("shallow"), "{}", r.stderr);
    let report = parse_report(&r);
    // The range reaches the missing history: it is read whole, and the notice says what is
    // missing and how to fetch it.
    assert_eq!(notice_kinds(&report), ["history-truncated"]);
    // The one commit present holds every file, so every finding is there.
    assert_eq!(commits(&r), [C3]);

    let r = ci_scan(
        &shallow,
        &[("GITLAB_CI", "true"), ("CI_MERGE_REQUEST_DIFF_BASE_SHA", C1)],
    );
    assert_eq!(r.code, 1, "{}", r.describe());
    assert!(r.stderr.contains("GIT_DEPTH: 0"), "{}", r.stderr);
}

#[test]
fn ci_conflicts_with_revisions() {
    let clones = Clones::new();
    let r = run(pushgate().current_dir(clones.work()).args(["scan", "--ci", "HEAD"]));
    assert_eq!(r.code, 2, "{}", r.describe());
    let r = run(pushgate().current_dir(clones.work()).args(["scan", "--ci", "--all"]));
    assert_eq!(r.code, 2, "{}", r.describe());
}

#[test]
fn a_first_push_from_pre_commit_excludes_the_remote_tracking_refs() {
    let clones = Clones::new();
    // The remote has `main` (c1) only: `feature` was never pushed.
    git(&clones.work(), &["update-ref", "-d", "refs/remotes/origin/feature"]);
    let r = ci_scan(
        &clones.work(),
        &[
            ("PRE_COMMIT_REMOTE_NAME", "origin"),
            ("PRE_COMMIT_LOCAL_BRANCH", "refs/heads/feature"),
        ],
    );
    assert_eq!(commits(&r), [C2, C3], "{}", r.describe());
    assert_eq!(summary(&r, "commits"), 2, "{}", r.describe());
    assert!(r.stderr.contains("a first push to `origin`"), "{}", r.stderr);
    assert!(
        r.stderr.contains("excluding 1 remote-tracking ref of `origin`"),
        "{}",
        r.stderr
    );
}

#[test]
fn a_repository_without_commits_explains_and_fails() {
    let dir = tempfile::tempdir().unwrap();
    git(dir.path(), &["init", "-q", "empty"]);
    let r = ci_scan(&dir.path().join("empty"), &[]);
    assert_eq!(r.code, 3, "{}", r.describe());
    assert!(r.stderr.contains("no CI system recognised"), "{}", r.stderr);
    assert!(
        r.stderr.contains("no commit to check: HEAD does not name a commit"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("unknown revision `HEAD`"), "{}", r.stderr);
}
