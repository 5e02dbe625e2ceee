//! The git hooks: `pre-receive` on the server, `pre-push` on a developer's machine, and
//! installing them.
//!
//! - [`input`] parses what git writes on the hook's standard input;
//! - [`store`] opens the server's objects together with a push's quarantine;
//! - [`pre_receive`] and [`pre_push`] decide which objects are new and judge them;
//! - [`bypass`] handles `git push -o pushgate.bypass=<reason>` and the JSON-lines logs;
//! - [`install`] writes the hook scripts.
//!
//! A hook's answer is a [`Response`]: an exit status and the text for git to relay to the
//! pusher (stderr), already sanitized.

use std::ffi::OsString;
use std::path::PathBuf;
use std::sync::mpsc;
use std::time::Duration;

use gix::bstr::BString;

use crate::policy::{OnError, Policy};

pub mod bypass;
pub mod input;
pub mod install;
pub mod pre_push;
pub mod pre_receive;
pub mod store;

/// What a hook tells git.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Response {
    /// 0 lets the push through; anything else stops it.
    pub exit: u8,
    /// Text for standard error (git shows it to the pusher as `remote:` lines).
    pub message: Vec<u8>,
}

/// The hook failed before it could judge the push.
#[derive(Debug, thiserror::Error)]
pub enum HookError {
    /// Standard input is malformed.
    #[error(transparent)]
    Input(#[from] input::InputError),
    /// The repository could not be read.
    #[error(transparent)]
    Repo(#[from] crate::repo::RepoError),
}

/// What the hooks read from their environment, gathered in one place (and replaceable in
/// tests).
#[derive(Debug, Clone, Default)]
pub struct HookEnv {
    /// `GIT_PUSH_OPTION_0` … `GIT_PUSH_OPTION_<COUNT-1>`.
    pub push_options: Vec<BString>,
    /// The pusher: `GL_USERNAME`, `GITHUB_USER_LOGIN`, `REMOTE_USER` or `USER`.
    pub user: Option<String>,
    /// Running under GitLab (`GL_ID` or `GL_PROTOCOL` set): lines need `GL-HOOK-ERR: `.
    pub gitlab: bool,
    /// `GIT_QUARANTINE_PATH`.
    pub quarantine: Option<PathBuf>,
    /// `GIT_ALTERNATE_OBJECT_DIRECTORIES`.
    pub alternates: Vec<PathBuf>,
}

impl HookEnv {
    /// From the process environment.
    pub fn from_process() -> Self {
        Self::from_lookup(|key| std::env::var_os(key))
    }

    /// From any lookup of environment variables.
    pub fn from_lookup(get: impl Fn(&str) -> Option<OsString>) -> Self {
        let non_empty = |key: &str| get(key).filter(|v| !v.is_empty());
        let count = non_empty("GIT_PUSH_OPTION_COUNT")
            .and_then(|c| c.to_str().and_then(|c| c.parse::<usize>().ok()))
            .unwrap_or(0)
            .min(1024);
        let push_options = (0..count)
            .filter_map(|i| get(&format!("GIT_PUSH_OPTION_{i}")))
            .map(|v| BString::from(v.into_encoded_bytes()))
            .collect();
        let user = ["GL_USERNAME", "GITHUB_USER_LOGIN", "REMOTE_USER", "USER"]
            .iter()
            .find_map(|k| non_empty(k))
            .map(|v| v.to_string_lossy().into_owned());
        HookEnv {
            push_options,
            user,
            gitlab: non_empty("GL_ID").is_some() || non_empty("GL_PROTOCOL").is_some(),
            quarantine: non_empty("GIT_QUARANTINE_PATH").map(PathBuf::from),
            alternates: non_empty("GIT_ALTERNATE_OBJECT_DIRECTORIES")
                .map(|v| std::env::split_paths(&v).collect())
                .unwrap_or_default(),
        }
    }

    /// Prefix every line for GitLab's web interface when running under GitLab.
    pub fn decorate(&self, text: &[u8]) -> Vec<u8> {
        if !self.gitlab {
            return text.to_vec();
        }
        let mut out = Vec::with_capacity(text.len() + 64);
        for line in text.split_inclusive(|b| *b == b'\n') {
            out.extend_from_slice(b"GL-HOOK-ERR: ");
            out.extend_from_slice(line);
        }
        out
    }
}

/// Whether the policy's `[refs]` globs select `name`.
pub fn ref_in_scope(policy: &Policy, name: &[u8]) -> bool {
    let refs = &policy.file.refs;
    refs.include.is_match(name) && !refs.exclude.is_match(name)
}

/// Run `check` within the policy's time budget; past it, or on an error, `on_error` decides.
/// The check runs on its own thread, so a budget that runs out ends the hook at once.
pub fn within_budget<E: std::fmt::Display + Send + 'static>(
    policy: &Policy,
    env: &HookEnv,
    check: impl FnOnce() -> Result<Response, E> + Send + 'static,
) -> Response {
    let budget = policy.file.hook.timeout;
    let (tx, rx) = mpsc::channel();
    let spawned = std::thread::Builder::new()
        .name("pushgate-check".into())
        .spawn(move || {
            let _ = tx.send(check());
        });
    let what = match spawned {
        Err(e) => format!("could not start the check: {e}"),
        Ok(_) => {
            let received = if budget == 0 {
                rx.recv().map_err(|_| mpsc::RecvTimeoutError::Disconnected)
            } else {
                rx.recv_timeout(Duration::from_secs(budget))
            };
            match received {
                Ok(Ok(response)) => return response,
                Ok(Err(e)) => format!("internal error: {e}"),
                Err(mpsc::RecvTimeoutError::Timeout) => {
                    // The check is abandoned, still running: nothing of it may outlive us.
                    store::remove_abandoned_views();
                    format!("the check did not finish within its time budget of {budget} s ([hook] timeout)")
                }
                Err(mpsc::RecvTimeoutError::Disconnected) => "internal error: the check stopped unexpectedly".into(),
            }
        }
    };
    let what = crate::util::sanitize(what.as_bytes());
    let (exit, verdict) = match policy.file.hook.on_error {
        OnError::Reject => (
            1,
            "push rejected ([hook] on_error = \"reject\"); try again, or ask the server's administrators",
        ),
        OnError::Allow => (0, "push allowed without a complete check ([hook] on_error = \"allow\")"),
    };
    let text = format!("pushgate: {what}\npushgate: {verdict}\n");
    Response {
        exit,
        message: env.decorate(text.as_bytes()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

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

    fn policy_with(timeout: u64, on_error: OnError) -> Policy {
        let mut policy = Policy::builtin();
        policy.file.hook.timeout = timeout;
        policy.file.hook.on_error = on_error;
        policy
    }

    fn slow() -> Result<Response, String> {
        std::thread::sleep(Duration::from_secs(3));
        Ok(Response::default())
    }

    #[test]
    fn the_time_budget_ends_the_check_and_on_error_decides() {
        let started = std::time::Instant::now();
        let r = within_budget(&policy_with(1, OnError::Reject), &HookEnv::default(), slow);
        assert!(started.elapsed() < Duration::from_secs(3), "did not wait for the check");
        assert_eq!(r.exit, 1);
        let text = String::from_utf8_lossy(&r.message);
        assert!(
            text.contains("time budget of 1 s") && text.contains("push rejected"),
            "{text}"
        );

        let r = within_budget(&policy_with(1, OnError::Allow), &HookEnv::default(), slow);
        assert_eq!(r.exit, 0);
        assert!(String::from_utf8_lossy(&r.message).contains("push allowed without a complete check"));
    }

    #[test]
    fn errors_follow_on_error_and_answers_pass_through() {
        let fail = || -> Result<Response, String> { Err("object \u{1b}[2J gone".into()) };
        let r = within_budget(&policy_with(5, OnError::Reject), &HookEnv::default(), fail);
        assert_eq!(r.exit, 1);
        let text = String::from_utf8_lossy(&r.message);
        assert!(text.contains("internal error") && !text.contains('\u{1b}'), "{text}");
        let ok = || -> Result<Response, String> {
            Ok(Response {
                exit: 1,
                message: b"x".to_vec(),
            })
        };
        assert_eq!(
            within_budget(&policy_with(0, OnError::Allow), &HookEnv::default(), ok).exit,
            1
        );
    }
}
