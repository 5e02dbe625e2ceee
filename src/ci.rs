//! `pushgate scan --ci`: find the commits to check from the CI (or hook) environment.
//!
//! [`detect`] reads the variables of the environment it is given (never the process's own)
//! and, for GitHub Actions, the event payload, and says which commit is the head and which
//! commits the remote already has. [`plan`] resolves that against the repository: the head
//! is checked minus every base that is present; when no base is present (a shallow clone,
//! a branch that was never fetched) it says exactly how to fetch enough history, and still
//! checks what the clone holds.
//!
//! Sources, first match wins:
//!
//! | source | head | bases |
//! | --- | --- | --- |
//! | pre-commit `pre-push` stage | `PRE_COMMIT_TO_REF` (`PRE_COMMIT_SOURCE`) | `PRE_COMMIT_FROM_REF` (`PRE_COMMIT_ORIGIN`); a first push: every `refs/remotes/<PRE_COMMIT_REMOTE_NAME>/*` |
//! | GitHub Actions `pull_request` | the event's head sha, `HEAD` | the event's base sha, `origin/$GITHUB_BASE_REF` |
//! | GitHub Actions `push` | the event's `after`, `HEAD` | the event's `before`; a new branch: the default branch |
//! | GitHub Actions `merge_group` | the event's `head_sha`, `HEAD` | the event's `base_sha` |
//! | GitLab merge request pipelines | `CI_COMMIT_SHA`, `HEAD` | `CI_MERGE_REQUEST_DIFF_BASE_SHA`, `CI_MERGE_REQUEST_TARGET_BRANCH_SHA`, `origin/$CI_MERGE_REQUEST_TARGET_BRANCH_NAME` |
//! | GitLab branch pipelines | `CI_COMMIT_SHA`, `HEAD` | `CI_COMMIT_BEFORE_SHA`; a new branch: `origin/$CI_DEFAULT_BRANCH` |
//! | AWS CodeBuild webhooks | `CODEBUILD_RESOLVED_SOURCE_VERSION`, `HEAD` | `origin/<CODEBUILD_WEBHOOK_BASE_REF>` (pull requests), `CODEBUILD_WEBHOOK_PREV_COMMIT` (pushes) |
//! | Jenkins | `GIT_COMMIT`, `HEAD` | `origin/$CHANGE_TARGET` (pull requests), `GIT_PREVIOUS_SUCCESSFUL_COMMIT` |
//! | anything else | `HEAD` | the default branch: `origin/HEAD`, `origin/main`, `origin/master` |
//!
//! Every base that is present is excluded (they are all commits the remote has). When none
//! is, the first present default branch is used instead.

use std::collections::BTreeMap;
use std::ffi::OsString;

use gix::bstr::ByteSlice;

/// The default branches tried when nothing better is known, in order.
pub const DEFAULT_BRANCHES: [&str; 3] = ["origin/HEAD", "origin/main", "origin/master"];

/// Environment variables, as given to [`detect`] and [`plan`]. Empty values count as unset.
#[derive(Debug, Clone, Default)]
pub struct Env(BTreeMap<String, String>);

impl Env {
    /// The variables whose names and values are valid UTF-8 (no CI variable we read is not).
    pub fn from_vars(vars: impl IntoIterator<Item = (OsString, OsString)>) -> Env {
        Env(vars
            .into_iter()
            .filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?)))
            .collect())
    }

    /// A variable's value, `None` when unset or empty.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0.get(name).map(String::as_str).filter(|v| !v.trim().is_empty())
    }

    fn is_true(&self, name: &str) -> bool {
        self.get(name)
            .is_some_and(|v| v.eq_ignore_ascii_case("true") || v == "1")
    }
}

impl<K: Into<String>, V: Into<String>> FromIterator<(K, V)> for Env {
    fn from_iter<T: IntoIterator<Item = (K, V)>>(iter: T) -> Self {
        Env(iter.into_iter().map(|(k, v)| (k.into(), v.into())).collect())
    }
}

/// A revision to try, and where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    /// A commit id or a revision (`origin/main`).
    pub rev: String,
    /// Where it came from, for people: `GITHUB_BASE_REF`, `the push event's before`.
    pub from: String,
}

impl Candidate {
    fn new(rev: impl Into<String>, from: impl Into<String>) -> Self {
        Candidate {
            rev: rev.into(),
            from: from.into(),
        }
    }
}

/// What the environment says about the commits to check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Detection {
    /// What was recognised, for people: `GitHub Actions pull_request`.
    pub source: String,
    /// The commit to check: the first candidate present (`HEAD` is always tried last).
    pub head: Vec<Candidate>,
    /// Commits the remote has: every one present is excluded.
    pub bases: Vec<Candidate>,
    /// Used only when no base is present: the first one present is excluded.
    pub fallback: Vec<Candidate>,
    /// Exclude every ref under `refs/remotes/<name>/` (a first push to a remote).
    pub remote: Option<String>,
    /// Why the bases are what they are (a new branch, …), for people.
    pub notes: Vec<String>,
    /// How to fetch enough history in this environment.
    pub fetch_hint: String,
}

/// A commit id of all zeros: "no commit" in push events and hooks.
fn is_null(rev: &str) -> bool {
    !rev.is_empty() && rev.bytes().all(|b| b == b'0')
}

fn default_branches(preferred: Option<&str>, from: &str) -> Vec<Candidate> {
    let mut out = Vec::new();
    if let Some(branch) = preferred {
        out.push(Candidate::new(format!("origin/{branch}"), from));
    }
    out.extend(
        DEFAULT_BRANCHES
            .iter()
            .map(|b| Candidate::new(*b, "the default branch")),
    );
    out
}

/// `refs/heads/main` → `main`.
fn branch_name(r: &str) -> &str {
    r.strip_prefix("refs/heads/").unwrap_or(r)
}

/// Read what the environment says. `event` is GitHub's event payload (the JSON file named
/// by `GITHUB_EVENT_PATH`), when there is one.
pub fn detect(env: &Env, event: Option<&serde_json::Value>) -> Detection {
    let str_at = |path: &[&str]| -> Option<String> {
        let mut v = event?;
        for key in path {
            v = v.get(key)?;
        }
        v.as_str().filter(|s| !s.is_empty()).map(str::to_owned)
    };
    let mut d = Detection {
        source: String::new(),
        head: Vec::new(),
        bases: Vec::new(),
        fallback: default_branches(None, "the default branch"),
        remote: None,
        notes: Vec::new(),
        fetch_hint: "fetch more history: `git fetch --deepen=100 origin` (or `git fetch --unshallow origin`), and the base branch: `git fetch origin <branch>`".to_owned(),
    };

    // pre-commit's pre-push stage (it may run inside CI too, and then knows best).
    let pc_from = env.get("PRE_COMMIT_FROM_REF").or_else(|| env.get("PRE_COMMIT_ORIGIN"));
    let pc_to = env.get("PRE_COMMIT_TO_REF").or_else(|| env.get("PRE_COMMIT_SOURCE"));
    let pc_remote = env.get("PRE_COMMIT_REMOTE_NAME");
    if pc_from.is_some() || pc_to.is_some() || pc_remote.is_some() {
        d.source = "pre-commit (pre-push stage)".to_owned();
        let (from_var, to_var) = if env.get("PRE_COMMIT_FROM_REF").is_some() {
            ("PRE_COMMIT_FROM_REF", "PRE_COMMIT_TO_REF")
        } else {
            ("PRE_COMMIT_ORIGIN", "PRE_COMMIT_SOURCE")
        };
        if let Some(to) = pc_to {
            d.head.push(Candidate::new(to, to_var));
        }
        if let Some(local) = env.get("PRE_COMMIT_LOCAL_BRANCH") {
            d.head.push(Candidate::new(local, "PRE_COMMIT_LOCAL_BRANCH"));
        }
        match pc_from {
            Some(from) if !is_null(from) => d.bases.push(Candidate::new(from, from_var)),
            _ => {
                if let Some(remote) = pc_remote {
                    d.notes.push(format!(
                        "a first push to `{remote}`: checking what none of its remote-tracking refs has"
                    ));
                    d.remote = Some(remote.to_owned());
                }
            }
        }
        // Only what this remote has counts as already pushed.
        d.fallback.clear();
        d.fetch_hint = format!("fetch the remote first: `git fetch {}`", pc_remote.unwrap_or("origin"));
        return d;
    }

    if env.is_true("GITHUB_ACTIONS") {
        let event_name = env.get("GITHUB_EVENT_NAME").unwrap_or("unknown");
        d.source = format!("GitHub Actions {event_name}");
        d.fetch_hint = "give actions/checkout `fetch-depth: 0` (whole history), or run `git fetch --deepen=100 origin` before pushgate".to_owned();
        let default_branch = str_at(&["repository", "default_branch"]);
        d.fallback = default_branches(default_branch.as_deref(), "the repository's default branch");
        if let Some(base_ref) = env.get("GITHUB_BASE_REF") {
            // pull_request, pull_request_target (and merge_group on some runners).
            if let Some(sha) = str_at(&["pull_request", "head", "sha"]) {
                d.head.push(Candidate::new(sha, "the pull request's head"));
            }
            if let Some(sha) = str_at(&["pull_request", "base", "sha"]) {
                d.bases.push(Candidate::new(sha, "the pull request's base"));
            }
            d.bases
                .push(Candidate::new(format!("origin/{base_ref}"), "GITHUB_BASE_REF"));
            d.fetch_hint = format!(
                "give actions/checkout `fetch-depth: 0`, or run `git fetch --no-tags origin {base_ref}` and `git fetch --deepen=100 origin` before pushgate"
            );
        } else if event_name == "merge_group" {
            if let Some(sha) = str_at(&["merge_group", "head_sha"]) {
                d.head.push(Candidate::new(sha, "the merge group's head"));
            }
            if let Some(sha) = str_at(&["merge_group", "base_sha"]) {
                d.bases.push(Candidate::new(sha, "the merge group's base"));
            }
        } else if event_name == "push" {
            if let Some(after) = str_at(&["after"]).filter(|a| !is_null(a)) {
                d.head.push(Candidate::new(after, "the push event's after"));
            }
            match str_at(&["before"]) {
                Some(before) if !is_null(&before) => {
                    d.bases.push(Candidate::new(before, "the push event's before"));
                }
                Some(_) => d.notes.push(
                    "a new branch (the push event's before is all zeros): checking what it adds to the default branch"
                        .to_owned(),
                ),
                None => d.notes.push(
                    "no push event payload (GITHUB_EVENT_PATH): checking what HEAD adds to the default branch"
                        .to_owned(),
                ),
            }
        }
        return d;
    }

    if env.is_true("GITLAB_CI") {
        d.fetch_hint =
            "set `GIT_DEPTH: 0` in the job's variables (or a depth that reaches the base), or run `git fetch --deepen=100 origin` before pushgate"
                .to_owned();
        if let Some(sha) = env.get("CI_COMMIT_SHA") {
            d.head.push(Candidate::new(sha, "CI_COMMIT_SHA"));
        }
        d.fallback = default_branches(env.get("CI_DEFAULT_BRANCH"), "CI_DEFAULT_BRANCH");
        if env.get("CI_MERGE_REQUEST_IID").is_some()
            || env.get("CI_MERGE_REQUEST_DIFF_BASE_SHA").is_some()
            || env.get("CI_MERGE_REQUEST_TARGET_BRANCH_NAME").is_some()
        {
            d.source = "GitLab CI merge request pipeline".to_owned();
            for var in ["CI_MERGE_REQUEST_DIFF_BASE_SHA", "CI_MERGE_REQUEST_TARGET_BRANCH_SHA"] {
                if let Some(sha) = env.get(var) {
                    d.bases.push(Candidate::new(sha, var));
                }
            }
            if let Some(target) = env.get("CI_MERGE_REQUEST_TARGET_BRANCH_NAME") {
                d.bases.push(Candidate::new(
                    format!("origin/{target}"),
                    "CI_MERGE_REQUEST_TARGET_BRANCH_NAME",
                ));
            }
        } else {
            d.source = "GitLab CI branch pipeline".to_owned();
            match env.get("CI_COMMIT_BEFORE_SHA") {
                Some(before) if !is_null(before) => d.bases.push(Candidate::new(before, "CI_COMMIT_BEFORE_SHA")),
                _ => d
                    .notes
                    .push("a new branch or a first pipeline (CI_COMMIT_BEFORE_SHA is all zeros): checking what it adds to the default branch".to_owned()),
            }
        }
        return d;
    }

    if env.get("CODEBUILD_BUILD_ID").is_some() || env.get("CODEBUILD_WEBHOOK_EVENT").is_some() {
        let event = env.get("CODEBUILD_WEBHOOK_EVENT").unwrap_or("no webhook");
        d.source = format!("AWS CodeBuild ({event})");
        d.fetch_hint = "set the project's source \"Git clone depth\" to Full (`git-clone-depth: 0`), or run `git fetch --unshallow origin` in the buildspec before pushgate".to_owned();
        if let Some(sha) = env.get("CODEBUILD_RESOLVED_SOURCE_VERSION") {
            d.head.push(Candidate::new(sha, "CODEBUILD_RESOLVED_SOURCE_VERSION"));
        }
        if let Some(base) = env.get("CODEBUILD_WEBHOOK_BASE_REF") {
            let branch = branch_name(base);
            d.bases
                .push(Candidate::new(format!("origin/{branch}"), "CODEBUILD_WEBHOOK_BASE_REF"));
            d.bases.push(Candidate::new(base, "CODEBUILD_WEBHOOK_BASE_REF"));
            d.fetch_hint = format!(
                "set the project's source \"Git clone depth\" to Full (`git-clone-depth: 0`), or run `git fetch origin {branch}` and `git fetch --deepen=100 origin` in the buildspec before pushgate"
            );
        } else {
            match env.get("CODEBUILD_WEBHOOK_PREV_COMMIT") {
                Some(prev) if !is_null(prev) => d.bases.push(Candidate::new(prev, "CODEBUILD_WEBHOOK_PREV_COMMIT")),
                _ => d.notes.push(
                    "no previous commit (CODEBUILD_WEBHOOK_PREV_COMMIT): checking what HEAD adds to the default branch"
                        .to_owned(),
                ),
            }
        }
        return d;
    }

    if env.get("JENKINS_URL").is_some() {
        d.source = "Jenkins".to_owned();
        d.fetch_hint = "turn off shallow clone in the Git step (or `checkout scm` with a CloneOption of `shallow: false`) and fetch the target branch, or run `git fetch --deepen=100 origin`".to_owned();
        if let Some(sha) = env.get("GIT_COMMIT") {
            d.head.push(Candidate::new(sha, "GIT_COMMIT"));
        }
        if let Some(target) = env.get("CHANGE_TARGET") {
            d.source = "Jenkins pull request".to_owned();
            d.bases
                .push(Candidate::new(format!("origin/{target}"), "CHANGE_TARGET"));
        } else if let Some(prev) = env.get("GIT_PREVIOUS_SUCCESSFUL_COMMIT") {
            d.bases.push(Candidate::new(prev, "GIT_PREVIOUS_SUCCESSFUL_COMMIT"));
        }
        return d;
    }

    d.source = "no CI system recognised".to_owned();
    d.notes.push("checking what HEAD adds to the default branch".to_owned());
    d
}

/// What `--ci` decided: the revisions to scan, and what to tell the user about them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Plan {
    /// `rev-list` arguments: the head, then `--not` and the excluded commits (full ids).
    pub revisions: Vec<String>,
    /// One line per decision, for stderr.
    pub explanation: Vec<String>,
}

/// The commit `rev` names, if the repository has it.
fn commit_of(repo: &gix::Repository, rev: &str) -> Option<gix::ObjectId> {
    let id = repo.rev_parse_single(rev).ok()?;
    let object = id.object().ok()?.peel_tags_to_end().ok()?;
    (object.kind == gix::object::Kind::Commit).then_some(object.id)
}

fn short(id: gix::ObjectId) -> String {
    id.to_hex_with_len(12).to_string()
}

/// Resolve `detection` against `repo`. Never fails: what cannot be found is explained, and
/// the plan falls back to checking what the repository holds.
pub fn resolve(repo: &gix::Repository, detection: &Detection) -> Plan {
    let mut lines = vec![format!("--ci: {}", detection.source)];
    lines.extend(detection.notes.iter().cloned());
    let shallow = repo.is_shallow().unwrap_or(false);

    let mut head = None;
    let last_resort = Candidate::new("HEAD", "HEAD");
    for c in detection.head.iter().chain([&last_resort]) {
        match commit_of(repo, &c.rev) {
            Some(id) => {
                head = Some((c, id));
                break;
            }
            None => lines.push(format!("head {} ({}) is not in this repository", c.rev, c.from)),
        }
    }
    let Some((head_from, head)) = head else {
        lines.push("no commit to check: HEAD does not name a commit".to_owned());
        return Plan {
            revisions: vec!["HEAD".to_owned()],
            explanation: lines,
        };
    };
    lines.push(format!("head: {} ({})", short(head), describe(head_from)));

    let mut excluded: Vec<(gix::ObjectId, String)> = Vec::new();
    let mut missing: Vec<&Candidate> = Vec::new();
    for c in &detection.bases {
        match commit_of(repo, &c.rev) {
            Some(id) if !excluded.iter().any(|(e, _)| *e == id) => excluded.push((id, describe(c))),
            Some(_) => {}
            None => missing.push(c),
        }
    }
    if !missing.is_empty() {
        let names: Vec<String> = missing.iter().map(|c| describe(c)).collect();
        lines.push(format!("not in this repository: {}", names.join(", ")));
    }
    if excluded.is_empty()
        && let Some((c, id)) = detection
            .fallback
            .iter()
            .find_map(|c| commit_of(repo, &c.rev).map(|id| (c, id)))
    {
        if !detection.bases.is_empty() {
            lines.push(format!("falling back to the default branch {}", c.rev));
        }
        excluded.push((id, describe(c)));
    }
    if let Some(remote) = &detection.remote {
        let prefix = format!("refs/remotes/{remote}/");
        let mut count = 0;
        if let Ok(refs) = repo.references()
            && let Ok(iter) = refs.prefixed(prefix.as_str())
        {
            for mut r in iter.flatten() {
                if let Ok(id) = r.peel_to_id() {
                    let id = id.detach();
                    if commit_of(repo, &id.to_string()).is_some() && !excluded.iter().any(|(e, _)| *e == id) {
                        excluded.push((id, r.name().as_bstr().to_str_lossy().into_owned()));
                        count += 1;
                    }
                }
            }
        }
        lines.push(format!(
            "excluding {count} remote-tracking ref{} of `{remote}`",
            if count == 1 { "" } else { "s" }
        ));
    }

    let mut revisions = vec![head.to_string()];
    if excluded.is_empty() {
        lines.push(format!(
            "no base commit found: checking all of {}'s history that this clone holds; to check only what is new, {}",
            short(head),
            detection.fetch_hint
        ));
        if shallow {
            lines.push(
                "this is a shallow clone: the oldest commits present count as adding every file they hold".to_owned(),
            );
        }
        return Plan {
            revisions,
            explanation: lines,
        };
    }
    revisions.push("--not".to_owned());
    for (id, from) in &excluded {
        revisions.push(id.to_string());
        let relation = match repo.merge_base(head, *id) {
            Ok(Some(base)) if base.detach() == head => "already contains the head: nothing new to check".to_owned(),
            Ok(Some(base)) => format!("merge base {}", short(base.detach())),
            _ if shallow => format!(
                "no common history in this shallow clone, so commits below the shallow boundary count as new; {}",
                detection.fetch_hint
            ),
            _ => "no common history".to_owned(),
        };
        lines.push(format!("excluding {} ({from}): {relation}", short(*id)));
    }
    if !missing.is_empty() && shallow {
        lines.push(format!(
            "this is a shallow clone; to compare with the missing base, {}",
            detection.fetch_hint
        ));
    }
    Plan {
        revisions,
        explanation: lines,
    }
}

fn describe(c: &Candidate) -> String {
    if c.rev == c.from {
        c.rev.clone()
    } else {
        format!("{}, {}", c.rev, c.from)
    }
}

/// Detect and resolve in one step, reading GitHub's event payload from `GITHUB_EVENT_PATH`
/// when it names a readable file.
pub fn plan(repo: &gix::Repository, env: &Env) -> Plan {
    let mut warning = None;
    let event = env.get("GITHUB_EVENT_PATH").and_then(|path| match std::fs::read(path) {
        Ok(bytes) => serde_json::from_slice(&bytes)
            .map_err(|e| warning = Some(format!("ignoring GITHUB_EVENT_PATH {path}: not JSON ({e})")))
            .ok(),
        Err(e) => {
            warning = Some(format!("ignoring GITHUB_EVENT_PATH {path}: {e}"));
            None
        }
    });
    let mut plan = resolve(repo, &detect(env, event.as_ref()));
    if let Some(w) = warning {
        plan.explanation.insert(1, w);
    }
    plan
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(vars: &[(&str, &str)]) -> Env {
        vars.iter().map(|(k, v)| (*k, *v)).collect()
    }

    fn revs(cs: &[Candidate]) -> Vec<&str> {
        cs.iter().map(|c| c.rev.as_str()).collect()
    }

    const ZEROS: &str = "0000000000000000000000000000000000000000";

    #[test]
    fn github_pull_request_uses_the_event_and_the_base_branch() {
        let event = serde_json::json!({
            "pull_request": {"base": {"sha": "b".repeat(40)}, "head": {"sha": "h".repeat(40)}},
            "repository": {"default_branch": "trunk"}
        });
        let d = detect(
            &env(&[
                ("GITHUB_ACTIONS", "true"),
                ("GITHUB_EVENT_NAME", "pull_request"),
                ("GITHUB_BASE_REF", "release/1.x"),
            ]),
            Some(&event),
        );
        assert_eq!(d.source, "GitHub Actions pull_request");
        assert_eq!(revs(&d.head), ["h".repeat(40)]);
        assert_eq!(revs(&d.bases), ["b".repeat(40).as_str(), "origin/release/1.x"]);
        assert_eq!(revs(&d.fallback)[0], "origin/trunk");
        assert!(d.fetch_hint.contains("fetch-depth: 0"), "{}", d.fetch_hint);
    }

    #[test]
    fn github_push_uses_before_or_the_default_branch_for_a_new_branch() {
        let vars = env(&[("GITHUB_ACTIONS", "true"), ("GITHUB_EVENT_NAME", "push")]);
        let event = serde_json::json!({"before": "a".repeat(40), "after": "c".repeat(40)});
        let d = detect(&vars, Some(&event));
        assert_eq!(revs(&d.bases), ["a".repeat(40)]);
        assert_eq!(revs(&d.head), ["c".repeat(40)]);

        let event =
            serde_json::json!({"before": ZEROS, "after": "c".repeat(40), "repository": {"default_branch": "main"}});
        let d = detect(&vars, Some(&event));
        assert!(d.bases.is_empty());
        assert_eq!(revs(&d.fallback)[..2], ["origin/main", "origin/HEAD"]);
        assert!(d.notes[0].contains("new branch"), "{:?}", d.notes);

        let d = detect(&vars, None);
        assert!(d.bases.is_empty());
        assert!(d.notes[0].contains("GITHUB_EVENT_PATH"));
    }

    #[test]
    fn github_merge_group() {
        let event = serde_json::json!({"merge_group": {"base_sha": "b".repeat(40), "head_sha": "h".repeat(40)}});
        let d = detect(
            &env(&[("GITHUB_ACTIONS", "true"), ("GITHUB_EVENT_NAME", "merge_group")]),
            Some(&event),
        );
        assert_eq!(revs(&d.bases), ["b".repeat(40)]);
        assert_eq!(revs(&d.head), ["h".repeat(40)]);
    }

    #[test]
    fn gitlab_merge_requests_and_pushes() {
        let d = detect(
            &env(&[
                ("GITLAB_CI", "true"),
                ("CI_COMMIT_SHA", "c1"),
                ("CI_MERGE_REQUEST_IID", "7"),
                ("CI_MERGE_REQUEST_DIFF_BASE_SHA", "d1"),
                ("CI_MERGE_REQUEST_TARGET_BRANCH_SHA", "t1"),
                ("CI_MERGE_REQUEST_TARGET_BRANCH_NAME", "main"),
            ]),
            None,
        );
        assert_eq!(d.source, "GitLab CI merge request pipeline");
        assert_eq!(revs(&d.bases), ["d1", "t1", "origin/main"]);
        assert_eq!(revs(&d.head), ["c1"]);
        assert!(d.fetch_hint.contains("GIT_DEPTH: 0"));

        let d = detect(
            &env(&[
                ("GITLAB_CI", "true"),
                ("CI_COMMIT_BEFORE_SHA", "p1"),
                ("CI_DEFAULT_BRANCH", "develop"),
            ]),
            None,
        );
        assert_eq!(d.source, "GitLab CI branch pipeline");
        assert_eq!(revs(&d.bases), ["p1"]);
        let d = detect(
            &env(&[
                ("GITLAB_CI", "true"),
                ("CI_COMMIT_BEFORE_SHA", ZEROS),
                ("CI_DEFAULT_BRANCH", "develop"),
            ]),
            None,
        );
        assert!(d.bases.is_empty());
        assert_eq!(revs(&d.fallback)[0], "origin/develop");
    }

    #[test]
    fn codebuild_pull_requests_and_pushes() {
        let d = detect(
            &env(&[
                ("CODEBUILD_BUILD_ID", "p:1"),
                ("CODEBUILD_WEBHOOK_EVENT", "PULL_REQUEST_UPDATED"),
                ("CODEBUILD_WEBHOOK_BASE_REF", "refs/heads/main"),
                ("CODEBUILD_RESOLVED_SOURCE_VERSION", "r1"),
            ]),
            None,
        );
        assert_eq!(d.source, "AWS CodeBuild (PULL_REQUEST_UPDATED)");
        assert_eq!(revs(&d.bases), ["origin/main", "refs/heads/main"]);
        assert_eq!(revs(&d.head), ["r1"]);
        assert!(d.fetch_hint.contains("git-clone-depth"));

        let d = detect(
            &env(&[
                ("CODEBUILD_BUILD_ID", "p:1"),
                ("CODEBUILD_WEBHOOK_EVENT", "PUSH"),
                ("CODEBUILD_WEBHOOK_PREV_COMMIT", "p1"),
            ]),
            None,
        );
        assert_eq!(revs(&d.bases), ["p1"]);
    }

    #[test]
    fn pre_commit_wins_and_reads_old_names() {
        let d = detect(
            &env(&[
                ("GITHUB_ACTIONS", "true"),
                ("PRE_COMMIT_FROM_REF", "f1"),
                ("PRE_COMMIT_TO_REF", "t1"),
                ("PRE_COMMIT_REMOTE_NAME", "origin"),
            ]),
            None,
        );
        assert_eq!(d.source, "pre-commit (pre-push stage)");
        assert_eq!(revs(&d.bases), ["f1"]);
        assert_eq!(revs(&d.head), ["t1"]);
        assert_eq!(d.remote, None);

        let d = detect(&env(&[("PRE_COMMIT_ORIGIN", "f2"), ("PRE_COMMIT_SOURCE", "t2")]), None);
        assert_eq!(revs(&d.bases), ["f2"]);
        assert_eq!(revs(&d.head), ["t2"]);

        // A first push: pre-commit names no from-ref, only the remote.
        let d = detect(
            &env(&[
                ("PRE_COMMIT_REMOTE_NAME", "upstream"),
                ("PRE_COMMIT_LOCAL_BRANCH", "refs/heads/main"),
            ]),
            None,
        );
        assert!(d.bases.is_empty());
        assert_eq!(d.remote.as_deref(), Some("upstream"));
        assert_eq!(revs(&d.head), ["refs/heads/main"]);
    }

    #[test]
    fn jenkins_and_nothing() {
        let d = detect(&env(&[("JENKINS_URL", "http://ci/"), ("CHANGE_TARGET", "main")]), None);
        assert_eq!(revs(&d.bases), ["origin/main"]);
        let d = detect(
            &env(&[("JENKINS_URL", "http://ci/"), ("GIT_PREVIOUS_SUCCESSFUL_COMMIT", "g1")]),
            None,
        );
        assert_eq!(revs(&d.bases), ["g1"]);

        let d = detect(&env(&[("PATH", "/bin"), ("GITHUB_ACTIONS", "")]), None);
        assert_eq!(d.source, "no CI system recognised");
        assert!(d.bases.is_empty());
        assert_eq!(revs(&d.fallback), DEFAULT_BRANCHES);
    }
}
