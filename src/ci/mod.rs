//! `pushgate scan --ci`: find the commits to check from the CI (or hook) environment.
//!
//! [`detect`] reads the variables of the environment it is given (never the process's own)
//! and, for GitHub Actions, the event payload, and says which commit is the head and which
//! commits the remote already has. [`plan`] resolves that against the repository: the head
//! is checked minus every base that is present; when no base is present (a shallow clone,
//! a branch that was never fetched) it says exactly how to fetch enough history, and still
//! checks what the clone holds. When the range reaches the oldest commits of a shallow clone,
//! their parents absent, every file of their trees is judged by the rules that judge one file
//! (see [`Shallow`]), and the plan names the commits it could not check.
//!
//! Each source is a provider, one file each, listed in `PROVIDERS` in priority order; the
//! first that recognises its environment says what to check:
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
//! is, the first present default branch is used instead, unless it is the branch the push
//! updated (its remote-tracking ref holds the pushed commit) or, with the base missing, the
//! head itself: a push is never compared with itself.

mod codebuild;
mod fallback;
mod github;
mod gitlab;
mod jenkins;
mod precommit;

use std::collections::BTreeMap;
use std::ffi::OsString;

use gix::bstr::ByteSlice;

use crate::range::{Range, RangeError};

/// A provider: given the environment and GitHub's event payload (when there is one), what to
/// check if it recognises its CI system (or hook), `None` if not.
type Provider = fn(&Env, Option<&serde_json::Value>) -> Option<Detection>;

/// The providers, first match wins. A new one is its file plus a line here (and a row in the
/// table above). The fallback, last, matches everything.
const PROVIDERS: &[Provider] = &[
    precommit::detect,
    github::detect,
    gitlab::detect,
    codebuild::detect,
    jenkins::detect,
    fallback::detect,
];

/// How to fetch enough history when the provider knows no better way.
const FETCH_HINT: &str = "fetch more history: `git fetch --deepen=100 origin` (or `git fetch --unshallow origin`), and the base branch: `git fetch origin <branch>`";

/// The default branches tried when nothing better is known, in order.
pub(crate) const DEFAULT_BRANCHES: [&str; 3] = ["origin/HEAD", "origin/main", "origin/master"];

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
    pub(crate) fn get(&self, name: &str) -> Option<&str> {
        self.0.get(name).map(String::as_str).filter(|v| !v.trim().is_empty())
    }

    /// Whether a variable is `true` (any case) or `1`.
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

/// A revision the environment names (a head or a base to try, which may be absent from the
/// clone), and where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Guess {
    /// A commit id or a revision (`origin/main`).
    pub(crate) rev: String,
    /// Where it came from, for people: `GITHUB_BASE_REF`, `the push event's before`.
    pub(crate) from: String,
}

impl Guess {
    fn new(rev: impl Into<String>, from: impl Into<String>) -> Self {
        Guess {
            rev: rev.into(),
            from: from.into(),
        }
    }
}

/// What the environment says about the commits to check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Detection {
    /// What was recognised, for people: `GitHub Actions pull_request`.
    pub(crate) source: String,
    /// The commit to check: the first guess present (`HEAD` is always tried last).
    pub(crate) head: Vec<Guess>,
    /// Commits the remote has: every one present is excluded.
    pub(crate) bases: Vec<Guess>,
    /// Used only when no base is present: the first one present is excluded.
    pub(crate) fallback: Vec<Guess>,
    /// Exclude every ref under `refs/remotes/<name>/` (a first push to a remote).
    pub(crate) remote: Option<String>,
    /// The branch a push updated (`main`), when the environment says: its remote-tracking ref
    /// holds the pushed commit itself, so it is never a base.
    pub(crate) branch: Option<String>,
    /// Why the bases are what they are (a new branch, …), for people.
    pub(crate) notes: Vec<String>,
    /// How to fetch enough history in this environment.
    pub(crate) fetch_hint: String,
}

impl Detection {
    /// What `source` says before it says anything: no head or base, the default branches as
    /// the fallback, the generic fetch hint.
    fn new(source: impl Into<String>) -> Detection {
        Detection {
            source: source.into(),
            head: Vec::new(),
            bases: Vec::new(),
            fallback: default_branches(None, "the default branch"),
            remote: None,
            branch: None,
            notes: Vec::new(),
            fetch_hint: FETCH_HINT.to_owned(),
        }
    }
}

/// A commit id of all zeros: "no commit" in push events and hooks.
fn is_null(rev: &str) -> bool {
    !rev.is_empty() && rev.bytes().all(|b| b == b'0')
}

fn default_branches(preferred: Option<&str>, from: &str) -> Vec<Guess> {
    let mut out = Vec::new();
    if let Some(branch) = preferred {
        out.push(Guess::new(format!("origin/{branch}"), from));
    }
    out.extend(DEFAULT_BRANCHES.iter().map(|b| Guess::new(*b, "the default branch")));
    out
}

/// Read what the environment says: the first provider that recognises it. `event` is
/// GitHub's event payload (the JSON file named by `GITHUB_EVENT_PATH`), when there is one.
pub(crate) fn detect(env: &Env, event: Option<&serde_json::Value>) -> Detection {
    PROVIDERS
        .iter()
        .find_map(|provider| provider(env, event))
        .unwrap_or_else(fallback::detection)
}

/// What `--ci` decided: the range to scan, and what to tell the user about it.
#[derive(Debug)]
pub(crate) struct Plan {
    /// The head minus every excluded commit. An error only when `HEAD` names no commit or the
    /// repository cannot be read; the explanation says what was tried either way.
    pub(crate) range: Result<Range, RangeError>,
    /// One line per decision, for stderr.
    pub(crate) explanation: Vec<String>,
    /// The range reaches the oldest commits of a shallow clone: what was checked instead, and
    /// what could not be.
    pub(crate) shallow: Option<Shallow>,
}

/// A range that reaches the oldest commits of a shallow clone (the base is not in it, or has
/// no common history with the head there). Those commits are the range's
/// [roots](Range::roots): every file of their trees is judged by the rules that judge one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Shallow {
    /// What is checked, for people: `every file in the tree of 1a2b3c4d5e6f (its parent is not
    /// in this clone) by the rules that judge one file, and the changes of the 2 commits above it`.
    pub(crate) checked: String,
    /// The commits of the range the clone lacks, for people: `the commits between the base
    /// (0a1b2c3d4e5f, the push event's before) and 1a2b3c4d5e6f`; `None` when the roots'
    /// parents are the base, so that every commit of the range is in the clone.
    pub(crate) unchecked: Option<String>,
    /// How to fetch enough history in this environment.
    pub(crate) fetch_hint: String,
}

impl Shallow {
    /// One sentence for the report's notice.
    pub(crate) fn notice(&self) -> String {
        match &self.unchecked {
            Some(unchecked) => format!(
                "shallow clone: checked {}; not checked: {unchecked}; {}",
                self.checked, self.fetch_hint
            ),
            None => format!(
                "shallow clone: checked {}; every commit of the range is in the clone (the base is the parent of its oldest)",
                self.checked
            ),
        }
    }
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

/// Resolve `detection` against `repo` into the range to scan. What cannot be found is
/// explained, and the plan falls back to checking what the repository holds; only a
/// repository whose `HEAD` names no commit leaves no range (the explanation still says why).
pub(crate) fn resolve(repo: &gix::Repository, detection: &Detection) -> Plan {
    let mut lines = vec![format!("--ci: {}", detection.source)];
    lines.extend(detection.notes.iter().cloned());
    let shallow = repo.is_shallow().unwrap_or(false);

    let mut head = None;
    let last_resort = Guess::new("HEAD", "HEAD");
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
            range: Range::parse(repo, &["HEAD".to_owned()], false),
            explanation: lines,
            shallow: None,
        };
    };
    lines.push(format!("head: {} ({})", short(head), describe(head_from)));

    let mut excluded: Vec<(gix::ObjectId, String)> = Vec::new();
    let mut missing: Vec<&Guess> = Vec::new();
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
    if excluded.is_empty() {
        // A push's own branch holds the pushed commit: comparing with it finds nothing, so it
        // is never the fallback; nor is the head itself when the base the push names is missing.
        let pushed = detection.branch.as_deref().map(|b| format!("refs/remotes/origin/{b}"));
        let mut tried: Vec<&str> = Vec::new();
        for c in &detection.fallback {
            if tried.contains(&c.rev.as_str()) {
                continue;
            }
            tried.push(&c.rev);
            let Some(id) = commit_of(repo, &c.rev) else { continue };
            if pushed.is_some() && ref_name(repo, &c.rev) == pushed {
                lines.push(format!(
                    "not comparing with {}: it is the branch this push updated",
                    describe(c)
                ));
                continue;
            }
            if id == head && !missing.is_empty() {
                lines.push(format!(
                    "not comparing with {}: it is the head itself, and the base is missing",
                    describe(c)
                ));
                continue;
            }
            if !detection.bases.is_empty() {
                lines.push(format!("falling back to the default branch {}", c.rev));
            }
            excluded.push((id, describe(c)));
            break;
        }
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

    if excluded.is_empty() && !shallow {
        lines.push(format!(
            "no base commit found: checking all of {}'s history that this clone holds; to check only what is new, {}",
            short(head),
            detection.fetch_hint
        ));
        return Plan {
            range: Range::from_ids(repo, head, []),
            explanation: lines,
            shallow: None,
        };
    }
    // Bases present in the clone without common history with the head there.
    let mut unrelated: Vec<String> = Vec::new();
    for (id, from) in &excluded {
        let relation = match repo.merge_base(head, *id) {
            Ok(Some(base)) if base.detach() == head => "already contains the head: nothing new to check".to_owned(),
            Ok(Some(base)) => format!("merge base {}", short(base.detach())),
            _ if shallow => {
                unrelated.push(format!("{}, {from}", short(*id)));
                "no common history in this shallow clone".to_owned()
            }
            _ => "no common history".to_owned(),
        };
        lines.push(format!("excluding {} ({from}): {relation}", short(*id)));
    }
    let range = Range::from_ids(repo, head, excluded.iter().map(|(id, _)| *id));
    let (roots, above) = if shallow {
        reached_roots(repo, head, &excluded)
    } else {
        (Vec::new(), 0)
    };
    if roots.is_empty() {
        if !missing.is_empty() && shallow {
            lines.push(format!(
                "this is a shallow clone; to compare with the missing base, {}",
                detection.fetch_hint
            ));
        }
        return Plan {
            range,
            explanation: lines,
            shallow: None,
        };
    }
    let shallow = shallow_report(repo, &roots, above, &missing, &unrelated, detection);
    lines.push(format!("shallow clone: checking {}", shallow.checked));
    match &shallow.unchecked {
        Some(unchecked) => lines.push(format!("not checked: {unchecked}; {}", shallow.fetch_hint)),
        None => {
            lines.push("every commit of the range is in this clone: the base is the parent of its oldest".to_owned())
        }
    }
    Plan {
        range: range.map(|r| r.with_roots(roots)),
        explanation: lines,
        shallow: Some(shallow),
    }
}

/// The full name `rev` resolves to as a reference, through symbolic refs (`origin/HEAD` →
/// `refs/remotes/origin/main`); `None` when it names no reference.
fn ref_name(repo: &gix::Repository, rev: &str) -> Option<String> {
    let mut reference = repo.find_reference(rev).ok()?;
    // A chain of symbolic refs longer than this is broken; git stops at five as well.
    for _ in 0..5 {
        let next = match reference.target() {
            gix::refs::TargetRef::Object(_) => return Some(reference.name().as_bstr().to_str_lossy().into_owned()),
            gix::refs::TargetRef::Symbolic(name) => name.to_owned(),
        };
        reference = repo.find_reference(&next).ok()?;
    }
    None
}

/// The commits of a shallow clone whose parents are absent that `head` reaches without
/// passing through `excluded`, and how many other commits it reaches that way.
fn reached_roots(
    repo: &gix::Repository,
    head: gix::ObjectId,
    excluded: &[(gix::ObjectId, String)],
) -> (Vec<gix::ObjectId>, usize) {
    let Ok(Some(boundary)) = repo.shallow_commits() else {
        return (Vec::new(), 0);
    };
    let Ok(walk) = repo
        .rev_walk([head])
        .with_hidden(excluded.iter().map(|(id, _)| *id))
        .all()
    else {
        return (Vec::new(), 0);
    };
    let (mut roots, mut above) = (Vec::new(), 0);
    for info in walk.filter_map(Result::ok) {
        if boundary.contains(&info.id) {
            roots.push(info.id);
        } else {
            above += 1;
        }
    }
    (roots, above)
}

/// What a range that reaches `roots` (with `above` other commits) checks, and which of its
/// commits the clone lacks.
fn shallow_report(
    repo: &gix::Repository,
    roots: &[gix::ObjectId],
    above: usize,
    missing: &[&Guess],
    unrelated: &[String],
    detection: &Detection,
) -> Shallow {
    let names = roots.iter().map(|id| short(*id)).collect::<Vec<_>>().join(", ");
    let (trees, parents, it) = if roots.len() == 1 {
        ("the tree of", "its parent is", "it")
    } else {
        ("the trees of", "their parents are", "them")
    };
    let mut checked =
        format!("every file in {trees} {names} ({parents} not in this clone) by the rules that judge one file");
    if above > 0 {
        checked.push_str(&format!(
            ", and the changes of the {above} commit{} above {it}",
            if above == 1 { "" } else { "s" }
        ));
    }
    // The roots' parents, when every one is a base the clone lacks: then the clone holds every
    // commit of the range.
    let missing_ids: Vec<gix::ObjectId> = missing
        .iter()
        .filter_map(|c| gix::ObjectId::from_hex(c.rev.as_bytes()).ok())
        .collect();
    let parents_are_bases = roots.iter().all(|root| {
        let parents: Vec<gix::ObjectId> = repo
            .find_commit(*root)
            .map(|c| c.parent_ids().map(|p| p.detach()).collect())
            .unwrap_or_default();
        !parents.is_empty() && parents.iter().all(|p| missing_ids.contains(p))
    });
    let mut bases: Vec<String> = missing
        .iter()
        .map(|c| format!("{}, {}", short_rev(&c.rev), c.from))
        .collect();
    bases.extend(unrelated.iter().cloned());
    let unchecked = if parents_are_bases && unrelated.is_empty() {
        None
    } else if bases.is_empty() {
        Some(format!(
            "the history below {names}, which this clone does not hold (there is no base to compare with)"
        ))
    } else {
        Some(format!(
            "the commits between the base ({}) and {names}",
            bases.join("; ")
        ))
    };
    Shallow {
        checked,
        unchecked,
        fetch_hint: detection.fetch_hint.clone(),
    }
}

/// A full commit id shortened as [`short`] does; any other revision as given.
fn short_rev(rev: &str) -> String {
    match gix::ObjectId::from_hex(rev.as_bytes()) {
        Ok(id) => short(id),
        Err(_) => rev.to_owned(),
    }
}

fn describe(c: &Guess) -> String {
    if c.rev == c.from {
        c.rev.clone()
    } else {
        format!("{}, {}", c.rev, c.from)
    }
}

/// Detect and resolve in one step, reading GitHub's event payload from `GITHUB_EVENT_PATH`
/// when it names a readable file.
pub(crate) fn plan(repo: &gix::Repository, env: &Env) -> Plan {
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
mod testing {
    //! What the providers' tests share.
    use super::{Env, Guess};

    pub(in crate::ci) const ZEROS: &str = "0000000000000000000000000000000000000000";

    pub(in crate::ci) fn env(vars: &[(&str, &str)]) -> Env {
        vars.iter().map(|(k, v)| (*k, *v)).collect()
    }

    pub(in crate::ci) fn revs(cs: &[Guess]) -> Vec<&str> {
        cs.iter().map(|c| c.rev.as_str()).collect()
    }
}
