//! The git hooks: `pre-receive` on the server, `pre-push` on a developer's machine, and
//! installing them.
//!
//! - [`input`] parses what git writes on the hook's standard input;
//! - [`store`] opens the server's objects together with a push's quarantine;
//! - [`pre_receive`] and [`pre_push`] decide which commits are new and judge the changes they
//!   make;
//! - [`reach`] finds the commits a push brings to the refs the policy checks;
//! - [`origins`] finds, for a rejected push, the commits that wrote each failing file and
//!   where each ref's pushed range begins, for the commands that take the files out;
//! - [`env`](mod@env) reads what the hooks need from their environment and the git server they run
//!   under;
//! - [`bypass`] handles `git push -o pushgate.bypass=<reason>` and the JSON-lines logs;
//! - [`install`] writes the hook scripts.
//!
//! A hook's answer is a [`Response`]: an exit status and the text for git to relay to the
//! pusher (stderr), already sanitized.

use std::path::Path;
use std::sync::mpsc;
use std::time::Instant;

pub use env::HookEnv;

use crate::policy::{OnError, Policy};

pub(crate) mod bypass;
pub(crate) mod env;
pub mod input;
pub mod install;
pub(crate) mod origins;
pub(crate) mod pre_push;
pub(crate) mod pre_receive;
pub mod reach;
pub(crate) mod store;

/// What a hook tells git.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Response {
    /// 0 lets the push through; anything else stops it.
    pub(crate) exit: u8,
    /// Text for standard error (git shows it to the pusher as `remote:` lines).
    pub(crate) message: Vec<u8>,
}

/// Whether the policy's `[refs]` globs select `name`.
pub(crate) fn ref_in_scope(policy: &Policy, name: &[u8]) -> bool {
    let refs = &policy.file.refs;
    refs.include.is_match(name) && !refs.exclude.is_match(name)
}

/// The push a hook is judging, as the logs record it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Push<'a> {
    /// The repository's git directory: the logs the policy names are relative to it.
    pub(crate) git_dir: &'a Path,
    /// The ref updates git announced.
    pub(crate) updates: &'a [input::RefUpdate],
}

/// Run `check` within the time budget ([`HookEnv::budget`], counted from the hook's start);
/// past it, or on an error, `on_error` decides, and a push it lets through unjudged (a
/// fail-open) is recorded in the bypass log with the pusher, its refs and the error. The check
/// runs on its own thread, so a budget that runs out ends the hook at once. With
/// `PUSHGATE_DEBUG` the answer starts with [`HookEnv::describe`].
pub(crate) fn within_budget<E: std::error::Error + Send + 'static>(
    policy: &Policy,
    env: &HookEnv,
    push: Push<'_>,
    check: impl FnOnce() -> Result<Response, E> + Send + 'static,
) -> Response {
    let mut response = judge_within_budget(policy, env, push, check);
    if response.exit != 0 && env.is_gitlab_web() {
        let mut note = "pushgate: this change was made in GitLab's web interface: remove the file there, or from a clone and push again".to_owned();
        if bypass::possible(policy) {
            note.push_str("; a bypass needs a push option, which only a push from a clone can carry");
        }
        note.push('\n');
        response.message.extend(env.decorate(note.as_bytes()));
    }
    if env.debug {
        let mut text = env.decorate(format!("{}\n", env.describe(policy)).as_bytes());
        text.append(&mut response.message);
        response.message = text;
    }
    response
}

fn judge_within_budget<E: std::error::Error + Send + 'static>(
    policy: &Policy,
    env: &HookEnv,
    push: Push<'_>,
    check: impl FnOnce() -> Result<Response, E> + Send + 'static,
) -> Response {
    let budget = env.budget(policy);
    let deadline = budget.map(|b| env.started.unwrap_or_else(Instant::now) + b);
    let (tx, rx) = mpsc::channel();
    let spawned = std::thread::Builder::new()
        .name("pushgate-check".into())
        .spawn(move || {
            let _ = tx.send(check());
        });
    let what = match spawned {
        Err(e) => format!("could not start the check: {e}"),
        Ok(_) => {
            let received = match deadline {
                None => rx.recv().map_err(|_| mpsc::RecvTimeoutError::Disconnected),
                Some(deadline) => rx.recv_timeout(deadline.saturating_duration_since(Instant::now())),
            };
            match received {
                Ok(Ok(response)) => return response,
                // With its causes: the OS error behind a failed write names what to fix.
                Ok(Err(e)) => format!("internal error: {}", crate::error::chain(&e)),
                Err(mpsc::RecvTimeoutError::Timeout) => {
                    // The check is abandoned, still running: nothing of it may outlive us.
                    store::remove_abandoned_views();
                    format!(
                        "the check did not finish within its time budget of {} s ({})",
                        budget.unwrap_or_default().as_secs(),
                        env.budget_reason(policy)
                    )
                }
                Err(mpsc::RecvTimeoutError::Disconnected) => "internal error: the check stopped unexpectedly".into(),
            }
        }
    };
    let what = crate::util::sanitize(what.as_bytes());
    let (exit, action) = match policy.file.hook.on_error {
        OnError::Reject => (
            1,
            "push rejected ([hook] on_error = \"reject\"); try again, or ask the server's administrators".to_owned(),
        ),
        OnError::Allow => (
            0,
            format!(
                "push allowed without a complete check ([hook] on_error = \"allow\"){}",
                log_fail_open(policy, env, push, &what)
            ),
        ),
    };
    let text = format!("pushgate: {what}\npushgate: {action}\n");
    Response {
        exit,
        message: env.decorate(text.as_bytes()),
    }
}

/// Record a push `on_error = "allow"` lets through unjudged in the bypass log, as a bypass
/// is recorded: event `fail-open`, the pusher, the refs and `error`. The push goes through
/// either way (the policy chose that); the answer says where it was logged, or why not.
fn log_fail_open(policy: &Policy, env: &HookEnv, push: Push<'_>, error: &str) -> String {
    let log = &policy.file.bypass.log;
    if log.is_empty() {
        return "; not logged ([bypass] log = \"\")".to_owned();
    }
    let record = bypass::Record {
        event: "fail-open",
        user: bypass::known_user(env),
        reason: None,
        error: Some(error),
        refs: push.updates,
        findings: &[],
    };
    match pre_receive::log(push.git_dir, log, &record) {
        Ok(()) => format!(", logged in {}", crate::util::sanitize(log.as_bytes())),
        Err(e) => format!(
            "\npushgate: the fail-open could not be logged ({})",
            crate::util::sanitize(e.as_bytes())
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::env::Platform;
    use super::*;
    use std::collections::HashMap;
    use std::ffi::OsString;
    use std::time::Duration;

    use gix::bstr::BString;

    fn env_of(vars: &[(&str, &str)]) -> HookEnv {
        let map: HashMap<String, OsString> = vars.iter().map(|(k, v)| (k.to_string(), OsString::from(v))).collect();
        HookEnv::from_lookup(|k| map.get(k).cloned())
    }

    #[test]
    fn reads_push_options_identity_and_platform() {
        let env = env_of(&[
            ("GIT_PUSH_OPTION_COUNT", "2"),
            ("GIT_PUSH_OPTION_0", "ci.skip"),
            ("GIT_PUSH_OPTION_1", "pushgate.bypass=why"),
            ("USER", "git"),
            ("REMOTE_USER", "carol"),
            ("GL_USERNAME", ""),
            ("GIT_QUARANTINE_PATH", "/srv/x.git/objects/tmp_objdir-incoming-1"),
        ]);
        assert_eq!(
            env.push_options,
            vec![BString::from("ci.skip"), BString::from("pushgate.bypass=why")]
        );
        assert_eq!(
            env.user.as_deref(),
            Some("carol"),
            "REMOTE_USER before USER; empty values skipped"
        );
        assert!(!env.gitlab);
        assert!(env.quarantine.is_some());
        let gl = env_of(&[("GL_ID", "key-1"), ("GL_USERNAME", "dana"), ("USER", "git")]);
        assert!(gl.gitlab);
        assert_eq!(gl.user.as_deref(), Some("dana"));
        assert_eq!(
            gl.decorate(b"a\n\nb\n"),
            b"GL-HOOK-ERR: a\nGL-HOOK-ERR: \nGL-HOOK-ERR: b\n"
        );
        assert_eq!(env_of(&[("GIT_PUSH_OPTION_COUNT", "x")]).push_options.len(), 0);
    }

    #[test]
    fn each_platform_names_the_pusher_by_its_own_variable() {
        type Case<'a> = (&'a [(&'a str, &'a str)], Platform, Option<&'a str>);
        let cases: [Case<'_>; 7] = [
            (
                &[("GL_ID", "user-7"), ("GL_USERNAME", "dana"), ("GL_PROTOCOL", "web")],
                Platform::GitLab,
                Some("dana"),
            ),
            (
                &[
                    ("GITHUB_USER_LOGIN", "octo"),
                    ("GITHUB_REPO_NAME", "org/shop"),
                    ("GITHUB_VIA", "git"),
                ],
                Platform::GitHubEnterprise,
                Some("octo"),
            ),
            (
                &[("GITEA_PUSHER_NAME", "frank"), ("GITEA_REPO_NAME", "shop")],
                Platform::Gitea,
                Some("frank"),
            ),
            (
                &[("BB_USER_NAME", "hank"), ("BB_HOOK_TYPE", "PRE")],
                Platform::Bitbucket,
                Some("hank"),
            ),
            (&[("REMOTE_USER", "carol")], Platform::Git, Some("carol")),
            // On a platform the service account is nobody's name.
            (&[("GITEA_REPO_NAME", "shop")], Platform::Gitea, None),
            (&[("GL_PROTOCOL", "ssh")], Platform::GitLab, None),
        ];
        for (vars, platform, user) in cases {
            let mut all = vars.to_vec();
            all.extend([("USER", "git"), ("REMOTE_USER", "proxy")]);
            if platform == Platform::Git {
                all.retain(|(k, _)| *k != "REMOTE_USER");
                all.push(("REMOTE_USER", "carol"));
            }
            let env = env_of(&all);
            assert_eq!(env.platform, platform, "{vars:?}");
            assert_eq!(env.user.as_deref(), user, "{vars:?}");
            assert_eq!(env.gitlab, platform == Platform::GitLab, "{vars:?}");
        }
        assert_eq!(env_of(&[("GL_PROTOCOL", "web")]).via.as_deref(), Some("web"));
    }

    #[test]
    fn under_github_enterprise_the_budget_stays_below_its_five_seconds() {
        let ghes = env_of(&[("GITHUB_USER_LOGIN", "octo")]);
        let plain = env_of(&[("USER", "git")]);
        let secs = |env: &HookEnv, timeout| env.budget(&policy_with(timeout, OnError::Reject)).map(|d| d.as_secs());
        assert_eq!(secs(&plain, 60), Some(60));
        assert_eq!(secs(&plain, 0), None);
        assert_eq!(secs(&ghes, 60), Some(4));
        assert_eq!(secs(&ghes, 0), Some(4));
        assert_eq!(secs(&ghes, 2), Some(2));
        let policy = policy_with(60, OnError::Reject);
        assert!(
            ghes.budget_reason(&policy)
                .contains("5 s GitHub Enterprise Server gives")
        );
        assert_eq!(plain.budget_reason(&policy), "[hook] timeout");
    }

    fn policy_with(timeout: u64, on_error: OnError) -> Policy {
        let mut policy = Policy::builtin();
        policy.file.hook.timeout = timeout;
        policy.file.hook.on_error = on_error;
        policy
    }

    /// A push into a directory of its own (where the logs go).
    fn in_dir(dir: &tempfile::TempDir) -> Push<'_> {
        Push {
            git_dir: dir.path(),
            updates: &[],
        }
    }

    type Check = Result<Response, std::io::Error>;

    fn slow() -> Check {
        std::thread::sleep(Duration::from_secs(3));
        Ok(Response::default())
    }

    #[test]
    fn the_time_budget_ends_the_check_and_on_error_decides() {
        let dir = tempfile::tempdir().expect("tempdir");
        let started = std::time::Instant::now();
        let r = within_budget(
            &policy_with(1, OnError::Reject),
            &HookEnv::default(),
            in_dir(&dir),
            slow,
        );
        assert!(started.elapsed() < Duration::from_secs(3), "did not wait for the check");
        assert_eq!(r.exit, 1);
        let text = String::from_utf8_lossy(&r.message);
        assert!(
            text.contains("time budget of 1 s") && text.contains("push rejected"),
            "{text}"
        );
        assert!(
            !dir.path().join("pushgate-bypass.jsonl").exists(),
            "a rejection is no fail-open"
        );

        let r = within_budget(&policy_with(1, OnError::Allow), &HookEnv::default(), in_dir(&dir), slow);
        assert_eq!(r.exit, 0);
        let text = String::from_utf8_lossy(&r.message);
        assert!(
            text.contains(
                "push allowed without a complete check ([hook] on_error = \"allow\"), logged in pushgate-bypass.jsonl"
            ),
            "{text}"
        );
        let log = std::fs::read_to_string(dir.path().join("pushgate-bypass.jsonl")).expect("log");
        let entry: serde_json::Value = serde_json::from_str(log.trim_end()).expect("one JSON line");
        assert_eq!(entry["event"], "fail-open");
        assert!(
            entry["error"]
                .as_str()
                .is_some_and(|e| e.contains("time budget of 1 s")),
            "{entry}"
        );
    }

    #[test]
    fn errors_follow_on_error_with_their_causes_and_answers_pass_through() {
        let dir = tempfile::tempdir().expect("tempdir");
        let fail = || -> Check { Err(std::io::Error::other("object \u{1b}[2J gone")) };
        let r = within_budget(
            &policy_with(5, OnError::Reject),
            &HookEnv::default(),
            in_dir(&dir),
            fail,
        );
        assert_eq!(r.exit, 1);
        let text = String::from_utf8_lossy(&r.message);
        assert!(text.contains("internal error") && !text.contains('\u{1b}'), "{text}");

        // The OS error under what was being done is named.
        let full = || -> Result<Response, crate::repo::RepoError> {
            Err(crate::repo::RepoError::read(
                "writing the view",
                std::io::Error::from(std::io::ErrorKind::StorageFull),
            ))
        };
        let r = within_budget(
            &policy_with(5, OnError::Reject),
            &HookEnv::default(),
            in_dir(&dir),
            full,
        );
        let text = String::from_utf8_lossy(&r.message);
        assert!(
            text.contains("internal error: writing the view: ")
                && text.contains(&std::io::Error::from(std::io::ErrorKind::StorageFull).to_string()),
            "{text}"
        );

        let ok = || -> Check {
            Ok(Response {
                exit: 1,
                message: b"x".to_vec(),
            })
        };
        assert_eq!(
            within_budget(&policy_with(0, OnError::Allow), &HookEnv::default(), in_dir(&dir), ok).exit,
            1
        );
        assert!(
            !dir.path().join("pushgate-bypass.jsonl").exists(),
            "a judged push is no fail-open"
        );
    }

    #[test]
    fn a_fail_open_names_the_pusher_and_the_refs_or_says_why_it_is_not_logged() {
        let dir = tempfile::tempdir().expect("tempdir");
        let updates = [input::RefUpdate {
            old: None,
            new: Some(gix::ObjectId::empty_tree(gix::hash::Kind::Sha1)),
            name: "refs/heads/main".into(),
        }];
        let push = Push {
            git_dir: dir.path(),
            updates: &updates,
        };
        let env = HookEnv {
            user: Some("carol".into()),
            ..HookEnv::default()
        };
        let fail = || -> Check { Err(std::io::Error::other("pack \u{1b}[31m unreadable")) };
        let r = within_budget(&policy_with(5, OnError::Allow), &env, push, fail);
        assert_eq!(r.exit, 0);
        let log = std::fs::read_to_string(dir.path().join("pushgate-bypass.jsonl")).expect("log");
        let entry: serde_json::Value = serde_json::from_str(log.trim_end()).expect("one JSON line");
        assert_eq!(entry["event"], "fail-open");
        assert_eq!(entry["user"], "carol");
        assert_eq!(entry["refs"][0]["ref"], "refs/heads/main");
        assert_eq!(entry["error"], "internal error: pack \\u{1b}[31m unreadable");

        let mut policy = policy_with(5, OnError::Allow);
        policy.file.bypass.log = String::new();
        let r = within_budget(&policy, &env, push, fail);
        assert_eq!(r.exit, 0);
        assert!(String::from_utf8_lossy(&r.message).contains("not logged ([bypass] log = \"\")"));

        // A log that cannot be written: the push still goes through, and the pusher reads why.
        policy.file.bypass.log = "no/such/dir/log.jsonl".into();
        let r = within_budget(&policy, &env, push, fail);
        assert_eq!(r.exit, 0);
        let text = String::from_utf8_lossy(&r.message);
        assert!(text.contains("the fail-open could not be logged ("), "{text}");
    }
}
