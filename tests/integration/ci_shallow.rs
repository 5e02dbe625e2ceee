//! `pushgate scan --ci` in shallow clones, made with `git clone --depth N` as actions/checkout
//! (depth 1 unless told otherwise) and GitLab (`GIT_DEPTH`) make them, over the `ci_shallow`
//! fixture: `main` ends with c5, which adds a SQLite database; the pull request branch
//! `feature` leaves main at c4 and ends with f2, which adds a MySQL dump. A push whose base is
//! not in the clone is never compared with itself: what the clone holds of the range is
//! checked, and the output says which commits it could not check.

#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::ci::{ci_command, ci_scan};
use crate::util::*;

/// The fixture's commits (pinned identities and dates make them the same everywhere).
const C2: &str = "954d602675066d1b6ef72790529a4f3e19970312";
const C4: &str = "400dd0b0087c00f01bdf25d6fb8e6d8357c56a63";
const C5: &str = "082efca76d478bb2ab75ee82beed22cd314b4579";
const F1: &str = "22a3309343627f636df0d0622b66cf75be7c9bff";
const F2: &str = "5fab6519f71e889cf7d6d9caa552e1c175e6121b";
const ZEROS: &str = "0000000000000000000000000000000000000000";

/// An upstream bare repository of the fixture, and clones of it.
struct Upstream {
    dir: tempfile::TempDir,
}

impl Upstream {
    fn new() -> Upstream {
        let dir = tempfile::tempdir().unwrap();
        let source = fixture("ci_shallow");
        git(
            dir.path(),
            &["clone", "-q", "--bare", source.to_str().unwrap(), "upstream.git"],
        );
        let up = Upstream { dir };
        assert_eq!(
            git(&up.bare(), &["rev-parse", "main", "feature"]),
            format!("{C5}\n{F2}")
        );
        up
    }

    fn bare(&self) -> PathBuf {
        self.dir.path().join("upstream.git")
    }

    /// `git clone --depth <depth> --branch <branch> file://…` (a full clone without a depth).
    fn clone(&self, branch: &str, depth: Option<u32>) -> PathBuf {
        let url = format!("file://{}", self.bare().display());
        let name = format!("{branch}-{}", depth.map_or("full".to_owned(), |d| d.to_string()));
        let depth = depth.map(|d| d.to_string());
        let mut args = vec!["clone", "-q"];
        if let Some(depth) = &depth {
            args.extend(["--depth", depth]);
        }
        args.extend(["--branch", branch, &url, &name]);
        git(self.dir.path(), &args);
        let clone = self.dir.path().join(name);
        let shallow = git(&clone, &["rev-parse", "--is-shallow-repository"]);
        assert_eq!(shallow.trim(), if depth.is_some() { "true" } else { "false" });
        clone
    }

    /// The event payload GitHub writes to the file `GITHUB_EVENT_PATH` names.
    fn event(&self, name: &str, json: Value) -> String {
        let path = self.dir.path().join(format!("{name}.json"));
        std::fs::write(&path, json.to_string()).unwrap();
        path.to_str().unwrap().to_owned()
    }

    /// A policy file.
    fn policy(&self, name: &str, text: &str) -> String {
        let path = self.dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        path.to_str().unwrap().to_owned()
    }

    /// The variables of a GitHub Actions run for a push of `before..C5` to main.
    fn github_push(&self, before: &str) -> Vec<(&'static str, String)> {
        let event = self.event(
            "push",
            serde_json::json!({
                "ref": "refs/heads/main", "before": before, "after": C5,
                "repository": {"default_branch": "main"}
            }),
        );
        vec![
            ("GITHUB_ACTIONS", "true".into()),
            ("GITHUB_EVENT_NAME", "push".into()),
            ("GITHUB_EVENT_PATH", event),
            ("GITHUB_REF", "refs/heads/main".into()),
            ("GITHUB_SHA", C5.into()),
        ]
    }

    /// The variables of a GitHub Actions run for the pull request feature → main.
    fn github_pull_request(&self) -> Vec<(&'static str, String)> {
        let event = self.event(
            "pull_request",
            serde_json::json!({
                "pull_request": {"head": {"sha": F2, "ref": "feature"}, "base": {"sha": C5, "ref": "main"}},
                "repository": {"default_branch": "main"}
            }),
        );
        vec![
            ("GITHUB_ACTIONS", "true".into()),
            ("GITHUB_EVENT_NAME", "pull_request".into()),
            ("GITHUB_EVENT_PATH", event),
            ("GITHUB_REF", "refs/pull/1/merge".into()),
            ("GITHUB_SHA", F2.into()),
            ("GITHUB_BASE_REF", "main".into()),
        ]
    }
}

/// The variables of a GitLab branch pipeline for a push of `before..C5` to main.
fn gitlab_push(before: &str) -> Vec<(&'static str, String)> {
    vec![
        ("GITLAB_CI", "true".into()),
        ("CI_PIPELINE_SOURCE", "push".into()),
        ("CI_COMMIT_SHA", C5.into()),
        ("CI_COMMIT_BEFORE_SHA", before.into()),
        ("CI_COMMIT_BRANCH", "main".into()),
        ("CI_COMMIT_REF_NAME", "main".into()),
        ("CI_DEFAULT_BRANCH", "main".into()),
    ]
}

/// The variables of a GitLab merge request pipeline for feature → main.
fn gitlab_merge_request() -> Vec<(&'static str, String)> {
    vec![
        ("GITLAB_CI", "true".into()),
        ("CI_PIPELINE_SOURCE", "merge_request_event".into()),
        ("CI_COMMIT_SHA", F2.into()),
        ("CI_COMMIT_BEFORE_SHA", ZEROS.into()),
        ("CI_COMMIT_REF_NAME", "feature".into()),
        ("CI_DEFAULT_BRANCH", "main".into()),
        ("CI_MERGE_REQUEST_IID", "1".into()),
        ("CI_MERGE_REQUEST_DIFF_BASE_SHA", C4.into()),
        ("CI_MERGE_REQUEST_TARGET_BRANCH_SHA", C5.into()),
        ("CI_MERGE_REQUEST_TARGET_BRANCH_NAME", "main".into()),
    ]
}

fn scan(repo: &Path, vars: &[(&'static str, String)]) -> Run {
    let vars: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (*k, v.as_str())).collect();
    ci_scan(repo, &vars)
}

/// (rule, path, level, commit) of every finding, sorted.
fn attributed(r: &Run) -> Vec<(String, String, String, String)> {
    let report = parse_report(r);
    let mut out: Vec<_> = findings(&report)
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_owned(),
                path_of(f),
                f["level"].as_str().unwrap().to_owned(),
                f["commit"].as_str().unwrap_or("-").to_owned(),
            )
        })
        .collect();
    out.sort();
    out
}

fn has(r: &Run, rule: &str, path: &str, level: &str, commit: &str) -> bool {
    attributed(r).contains(&(rule.into(), path.into(), level.into(), commit.into()))
}

/// The message of the notice that says what the shallow clone let pushgate check.
fn shallow_notice(r: &Run) -> String {
    let report = parse_report(r);
    let found: Vec<String> = notices(&report)
        .iter()
        .filter(|n| n["kind"] == "history-truncated" && n["message"].as_str().unwrap().starts_with("shallow clone:"))
        .map(|n| n["message"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(found.len(), 1, "one notice on the shallow clone: {report:#}");
    found.into_iter().next().unwrap()
}

fn short(id: &str) -> &str {
    &id[..12]
}

/// The findings and totals a scan reports, without its timing.
fn comparable(r: &Run) -> (Vec<(String, String, String, String)>, Value) {
    let mut summary = parse_report(r)["summary"].clone();
    summary.as_object_mut().unwrap().remove("duration_ms");
    (attributed(r), summary)
}

#[test]
fn a_push_to_main_at_depth_1_checks_the_head_and_names_what_it_could_not() {
    let up = Upstream::new();
    let full = up.clone("main", None);
    let shallow = up.clone("main", Some(1));
    // The push brought c3, c4 and c5; the clone holds c5 alone, and origin/main (and
    // origin/HEAD) are c5 itself: comparing with them would find nothing.
    let vars = up.github_push(C2);
    let whole = scan(&full, &vars);
    assert_eq!(whole.code, 1, "{}", whole.describe());
    assert!(
        has(&whole, "database-file", "data/app.sqlite", "deny", C5),
        "{}",
        whole.describe()
    );

    let r = scan(&shallow, &vars);
    assert_eq!(
        r.code,
        whole.code,
        "the same verdict as the full clone:\n{}",
        r.describe()
    );
    assert!(
        has(&r, "database-file", "data/app.sqlite", "deny", C5),
        "{}",
        r.describe()
    );
    assert!(!r.stderr.contains("already contains the head"), "{}", r.stderr);
    assert!(
        r.stderr.contains(
            "not comparing with origin/main, the repository's default branch: it is the branch this push updated"
        ),
        "{}",
        r.stderr
    );
    // What could not be checked: the commits between the missing base and the clone's oldest.
    let unchecked = format!(
        "not checked: the commits between the base ({}, the push event's before) and {}",
        short(C2),
        short(C5)
    );
    assert!(r.stderr.contains(&unchecked), "{}", r.stderr);
    assert!(r.stderr.contains("fetch-depth: 0"), "{}", r.stderr);
    let notice = shallow_notice(&r);
    assert!(notice.contains(&unchecked), "{notice}");
    assert!(
        notice.contains(&format!(
            "every file in the tree of {} (its parent is not in this clone)",
            short(C5)
        )),
        "{notice}"
    );
    assert_eq!(parse_report(&r)["summary"]["commits"], 1);

    // GitLab, the same push.
    let r = scan(&shallow, &gitlab_push(C2));
    assert_eq!(r.code, 1, "{}", r.describe());
    assert!(
        has(&r, "database-file", "data/app.sqlite", "deny", C5),
        "{}",
        r.describe()
    );
    assert!(r.stderr.contains("GitLab CI branch pipeline"), "{}", r.stderr);
    assert!(
        r.stderr.contains(&format!(
            "not checked: the commits between the base ({}, CI_COMMIT_BEFORE_SHA) and {}",
            short(C2),
            short(C5)
        )),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("GIT_DEPTH: 0"), "{}", r.stderr);
}

/// A head whose parent is absent: every file of its tree is judged by the rules that judge one
/// file, exactly as `pushgate pre-commit` judges the same files staged for a first commit.
#[test]
fn a_head_without_its_parent_is_judged_file_by_file() {
    let up = Upstream::new();
    let shallow = up.clone("main", Some(1));
    let r = scan(&shallow, &up.github_push(C2));
    assert_eq!(r.code, 1, "{}", r.describe());
    // config.yaml.bak came with c1, long before the push; in the head's tree it is judged too.
    assert!(
        has(&r, "backup-file", "config.yaml.bak", "warn", C5),
        "{}",
        r.describe()
    );
    let scanned = finding_set(&parse_report(&r));

    // The same files staged in a repository without commits: what `pre-commit` says of them.
    git(&shallow, &["checkout", "-q", "--orphan", "every-file"]);
    let staged = run(pushgate()
        .current_dir(&shallow)
        .args(["pre-commit", "--format", "json"]));
    assert_eq!(staged.code, 1, "{}", staged.describe());
    assert_eq!(scanned, finding_set(&parse_report(&staged)), "{}", r.describe());
}

#[test]
fn a_push_to_main_at_depth_2() {
    let up = Upstream::new();
    let full = up.clone("main", None);
    let shallow = up.clone("main", Some(2));

    // The base c4 is in the clone: exactly what a full clone gives.
    for vars in [up.github_push(C4), gitlab_push(C4)] {
        let whole = scan(&full, &vars);
        let r = scan(&shallow, &vars);
        assert_eq!(r.code, 1, "{}", r.describe());
        assert_eq!(
            comparable(&r),
            comparable(&whole),
            "{}\n{}",
            r.describe(),
            whole.describe()
        );
        assert!(!r.stderr.contains("shallow clone"), "{}", r.stderr);
        let kinds = notice_kinds(&parse_report(&r));
        assert!(!kinds.contains(&"history-truncated".to_owned()), "{kinds:?}");
    }

    // The base c2 is not: c5's changes, and every file of c4 (whose parent is absent).
    for vars in [up.github_push(C2), gitlab_push(C2)] {
        let r = scan(&shallow, &vars);
        assert_eq!(r.code, 1, "{}", r.describe());
        assert!(
            has(&r, "database-file", "data/app.sqlite", "deny", C5),
            "{}",
            r.describe()
        );
        assert!(
            has(&r, "backup-file", "config.yaml.bak", "warn", C4),
            "{}",
            r.describe()
        );
        let notice = shallow_notice(&r);
        assert!(
            notice.contains(&format!(
                "every file in the tree of {} (its parent is not in this clone) by the rules that judge one file, and the changes of the 1 commit above it",
                short(C4)
            )),
            "{notice}"
        );
        assert!(
            notice.contains(&format!("and {}; ", short(C4))) && notice.contains(short(C2)),
            "{notice}"
        );
        assert_eq!(parse_report(&r)["summary"]["commits"], 2);
    }
}

/// A push of the head alone at depth 1: its parent is the base, so the clone lacks no commit of
/// the range, and `on_shallow = "fail"` has nothing to fail for.
#[test]
fn a_push_of_one_commit_at_depth_1_lacks_nothing() {
    let up = Upstream::new();
    let shallow = up.clone("main", Some(1));
    let policy = up.policy("fail.toml", "[ci]\non_shallow = \"fail\"\n");
    let mut vars = up.github_push(C4);
    vars.push(("PUSHGATE_POLICY", policy));
    let r = scan(&shallow, &vars);
    assert_eq!(r.code, 1, "{}", r.describe());
    assert!(
        has(&r, "database-file", "data/app.sqlite", "deny", C5),
        "{}",
        r.describe()
    );
    assert!(
        r.stderr.contains("every commit of the range is in this clone"),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains("not checked"), "{}", r.stderr);
}

#[test]
fn on_shallow_fail_fails_and_says_why() {
    let up = Upstream::new();
    let shallow = up.clone("main", Some(1));
    let policy = up.policy("fail.toml", "[ci]\non_shallow = \"fail\"\n");
    for mut vars in [up.github_push(C2), gitlab_push(C2)] {
        vars.push(("PUSHGATE_POLICY", policy.clone()));
        let r = scan(&shallow, &vars);
        assert_eq!(r.code, 1, "{}", r.describe());
        assert_eq!(r.stdout, "", "no report: nothing was checked");
        let line = r
            .stderr
            .lines()
            .find(|l| l.starts_with("pushgate: FAIL"))
            .unwrap_or_else(|| panic!("no FAIL line:\n{}", r.stderr));
        assert!(line.contains("[ci] on_shallow = \"fail\""), "{line}");
        assert!(line.contains("this shallow clone lacks commits of the range"), "{line}");
        assert!(
            line.contains(&format!("the commits between the base ({}", short(C2))),
            "{line}"
        );
        assert!(
            line.contains("fetch-depth: 0") || line.contains("GIT_DEPTH: 0"),
            "{line}"
        );
    }

    // Under mode = "evaluate" nothing fails: it says what would, and checks what it can.
    let mut vars = up.github_push(C2);
    let evaluate = "mode = \"evaluate\"\n[ci]\non_shallow = \"fail\"\n";
    vars.push(("PUSHGATE_POLICY", up.policy("evaluate.toml", evaluate)));
    let r = scan(&shallow, &vars);
    assert_eq!(r.code, 0, "{}", r.describe());
    assert!(
        r.stderr
            .contains("would fail ([ci] on_shallow = \"fail\"), but mode = \"evaluate\""),
        "{}",
        r.stderr
    );
    assert!(
        has(&r, "database-file", "data/app.sqlite", "deny", C5),
        "{}",
        r.describe()
    );

    // `check-head`, the default, written out: the scan goes on.
    let mut vars = up.github_push(C2);
    vars.push((
        "PUSHGATE_POLICY",
        up.policy("head.toml", "[ci]\non_shallow = \"check-head\"\n"),
    ));
    let r = scan(&shallow, &vars);
    assert_eq!(r.code, 1, "{}", r.describe());
    assert!(
        has(&r, "database-file", "data/app.sqlite", "deny", C5),
        "{}",
        r.describe()
    );
}

#[test]
fn a_misspelt_ci_key_or_value_is_a_policy_error() {
    let up = Upstream::new();
    let shallow = up.clone("main", Some(1));
    for (text, want) in [
        ("[ci]\non_shalow = \"fail\"\n", "did you mean `on_shallow`?"),
        ("[ci]\non_shallow = \"check-heads\"\n", "did you mean `check-head`?"),
        ("[cl]\non_shallow = \"fail\"\n", "unknown field `cl`, expected one of"),
    ] {
        let mut vars = up.github_push(C2);
        vars.push(("PUSHGATE_POLICY", up.policy("bad.toml", text)));
        let r = scan(&shallow, &vars);
        assert_eq!(r.code, 2, "{text}\n{}", r.describe());
        assert!(r.stderr.contains("bad.toml:"), "{}", r.stderr);
        assert!(r.stderr.contains(want), "{text}\n{}", r.stderr);
    }
}

#[test]
fn a_pull_request_without_its_base_branch() {
    let up = Upstream::new();
    let vars = up.github_pull_request();
    let full = up.clone("feature", None);
    let whole = scan(&full, &vars);
    assert_eq!(whole.code, 1, "{}", whole.describe());
    assert!(
        has(&whole, "database-dump", "db/dump.sql", "deny", F2),
        "{}",
        whole.describe()
    );

    // Depth 1: f2 alone, neither the base commit nor origin/main.
    let shallow = up.clone("feature", Some(1));
    assert_eq!(git(&shallow, &["branch", "-r"]).trim(), "origin/feature");
    let r = scan(&shallow, &vars);
    assert_eq!(r.code, 1, "{}", r.describe());
    assert!(has(&r, "database-dump", "db/dump.sql", "deny", F2), "{}", r.describe());
    assert!(
        shallow_notice(&r).contains(&format!(
            "not checked: the commits between the base ({}, the pull request's base; origin/main, GITHUB_BASE_REF) and {}",
            short(C5),
            short(F2)
        )),
        "{}",
        r.describe()
    );
    assert!(r.stderr.contains("git fetch --no-tags origin main"), "{}", r.stderr);

    // Depth 2: f2's changes, and every file of f1.
    let shallow = up.clone("feature", Some(2));
    let r = scan(&shallow, &vars);
    assert_eq!(r.code, 1, "{}", r.describe());
    assert!(has(&r, "database-dump", "db/dump.sql", "deny", F2), "{}", r.describe());
    assert!(
        has(&r, "backup-file", "config.yaml.bak", "warn", F1),
        "{}",
        r.describe()
    );
    assert!(
        shallow_notice(&r).contains("and the changes of the 1 commit above it"),
        "{}",
        r.describe()
    );

    // GitLab's merge request pipeline, the same clones. Its diff base is c4, the parent of f1:
    // at depth 2 the clone holds every commit of the merge request.
    for (depth, says) in [
        (
            1,
            format!(
                "not checked: the commits between the base ({}, CI_MERGE_REQUEST_DIFF_BASE_SHA; {}, CI_MERGE_REQUEST_TARGET_BRANCH_SHA; origin/main, CI_MERGE_REQUEST_TARGET_BRANCH_NAME) and {}",
                short(C4),
                short(C5),
                short(F2)
            ),
        ),
        (2, "every commit of the range is in the clone".to_owned()),
    ] {
        let shallow = up.dir.path().join(format!("feature-{depth}"));
        let r = scan(&shallow, &gitlab_merge_request());
        assert_eq!(r.code, 1, "{}", r.describe());
        assert!(has(&r, "database-dump", "db/dump.sql", "deny", F2), "{}", r.describe());
        assert!(r.stderr.contains("GitLab CI merge request pipeline"), "{}", r.stderr);
        assert!(shallow_notice(&r).contains(&says), "{}", r.describe());
    }
}

/// The first push of main (GitLab's before is all zeros): main is the branch pushed, not a
/// base, so what it holds is checked; a scheduled pipeline pushed nothing and finds nothing new.
#[test]
fn a_first_push_of_main_is_never_compared_with_itself() {
    let up = Upstream::new();
    let shallow = up.clone("main", Some(1));
    let r = scan(&shallow, &gitlab_push(ZEROS));
    assert_eq!(r.code, 1, "{}", r.describe());
    assert!(
        has(&r, "database-file", "data/app.sqlite", "deny", C5),
        "{}",
        r.describe()
    );
    assert!(
        shallow_notice(&r).contains(&format!(
            "not checked: the history below {}, which this clone does not hold",
            short(C5)
        )),
        "{}",
        r.describe()
    );

    let mut vars = gitlab_push(ZEROS);
    vars[1].1 = "schedule".into();
    let r = scan(&shallow, &vars);
    assert_eq!(r.code, 0, "{}", r.describe());
    assert!(
        r.stderr.contains("already contains the head: nothing new to check"),
        "{}",
        r.stderr
    );
}

/// The text report names what could not be checked too.
#[test]
fn the_text_report_names_what_could_not_be_checked() {
    let up = Upstream::new();
    let shallow = up.clone("main", Some(1));
    let vars = up.github_push(C2);
    let vars: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = run(&mut ci_command(&shallow, &vars));
    assert_eq!(r.code, 1, "{}", r.describe());
    let text = squash_ws(&r.stdout);
    assert!(
        text.contains(&format!(
            "not checked: the commits between the base ({}, the push event's before) and {}",
            short(C2),
            short(C5)
        )),
        "{}",
        r.stdout
    );
    assert!(text.contains("data/app.sqlite"), "{}", r.stdout);
}

/// The `git …` commands the "not checked" line names, run as printed in the clone.
fn follow_fetch_advice(clone: &Path, r: &Run) -> Vec<String> {
    let line = r
        .stderr
        .lines()
        .find(|l| l.starts_with("pushgate: not checked:"))
        .unwrap_or_else(|| panic!("no `not checked` line:\n{}", r.stderr));
    let commands: Vec<String> = line
        .split('`')
        .skip(1)
        .step_by(2)
        .filter(|c| c.starts_with("git "))
        .map(str::to_owned)
        .collect();
    assert!(!commands.is_empty(), "no command to follow: {line}");
    for command in &commands {
        let out = std::process::Command::new("sh")
            .args(["-c", command])
            .current_dir(clone)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_TERMINAL_PROMPT", "0")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{command}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    commands
}

/// Following the printed fetch advice literally gives the clone its base: the scan is then
/// the full clone's.
#[test]
fn following_the_fetch_advice_gives_the_full_clones_result() {
    let up = Upstream::new();
    let cases = [
        ("main", up.github_push(C2)),
        ("feature", up.github_pull_request()),
        ("main", gitlab_push(C2)),
        ("feature", gitlab_merge_request()),
    ];
    for (i, (branch, vars)) in cases.into_iter().enumerate() {
        let full = up.dir.path().join(format!("{branch}-full"));
        let full = if full.is_dir() { full } else { up.clone(branch, None) };
        let whole = scan(&full, &vars);

        let url = format!("file://{}", up.bare().display());
        let shallow = up.dir.path().join(format!("advice-{i}"));
        git(
            up.dir.path(),
            &[
                "clone",
                "-q",
                "--depth",
                "1",
                "--branch",
                branch,
                &url,
                shallow.to_str().unwrap(),
            ],
        );
        let r = scan(&shallow, &vars);
        assert!(r.stderr.contains("shallow clone"), "{}", r.stderr);
        let followed = follow_fetch_advice(&shallow, &r);

        let r = scan(&shallow, &vars);
        assert!(!r.stderr.contains("shallow clone"), "after {followed:?}:\n{}", r.stderr);
        assert_eq!(
            comparable(&r),
            comparable(&whole),
            "after {followed:?}:\n{}\n{}",
            r.describe(),
            whole.describe()
        );
    }
}
