//! `git push -o pushgate.bypass="<reason>"`, and the JSON-lines logs of bypasses and of pushes
//! that `mode = "evaluate"` would have rejected.

use std::io::Write;
use std::path::{Path, PathBuf};

use gix::bstr::ByteSlice;
use serde::Serialize;

use super::HookEnv;
use super::input::RefUpdate;
use crate::outcome::Finding;
use crate::policy::Policy;

/// The push option that asks for a bypass.
pub const OPTION: &str = "pushgate.bypass";

/// What became of a bypass request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// The push carried no bypass option.
    NotAsked,
    /// Granted: failing findings become warnings.
    Granted {
        /// Who pushed, when the server knows (logged as `null` otherwise, as in the evaluate
        /// log).
        user: Option<String>,
        /// Why (sanitized).
        reason: String,
    },
    /// Refused, and why; the push is judged as usual.
    Refused(String),
}

/// The reason given with `-o pushgate.bypass[=<reason>]`, if the push asked for a bypass.
pub fn requested(env: &HookEnv) -> Option<String> {
    env.push_options.iter().find_map(|option| {
        let option = option.as_bstr();
        if option == OPTION {
            return Some(String::new());
        }
        option
            .strip_prefix(format!("{OPTION}=").as_bytes())
            .map(|reason| crate::util::sanitize(reason.trim()))
    })
}

/// Decide a bypass request under the policy's `[bypass]` table.
pub fn decide(policy: &Policy, env: &HookEnv) -> Decision {
    let Some(reason) = requested(env) else {
        return Decision::NotAsked;
    };
    let settings = &policy.file.bypass;
    if !settings.enabled {
        return Decision::Refused("bypass is not enabled on this server ([bypass] enabled = false)".into());
    }
    let user = known_user(env);
    if !settings.users.is_empty() && !user.is_some_and(|u| settings.users.iter().any(|allowed| allowed == u)) {
        let who = match user {
            None => "an unknown pusher".to_owned(),
            Some(user) => format!("`{}`", crate::util::sanitize(user.as_bytes())),
        };
        return Decision::Refused(format!(
            "{who} is not among the users allowed to bypass ([bypass] users)"
        ));
    }
    if settings.require_reason && reason.is_empty() {
        return Decision::Refused(format!(
            "a bypass needs a reason: git push -o {OPTION}=\"<why this push must go through>\""
        ));
    }
    Decision::Granted {
        user: user.map(|u| crate::util::sanitize(u.as_bytes())),
        reason,
    }
}

/// The pusher as both logs record it: the name the environment gives, or `None` (JSON `null`)
/// when it gives none.
pub fn known_user(env: &HookEnv) -> Option<&str> {
    env.user.as_deref().map(str::trim).filter(|u| !u.is_empty())
}

/// Push options that start with `pushgate.` but are not one pushgate knows (a misspelt
/// `pushgate.bypas=…`), for a warning that names them (sanitized).
pub fn unknown_options(env: &HookEnv) -> Vec<String> {
    env.push_options
        .iter()
        .filter(|option| {
            let option = option.as_bstr();
            option.starts_with(b"pushgate.") && option != OPTION && !option.starts_with(format!("{OPTION}=").as_bytes())
        })
        .map(|option| {
            let name = option.split(|b| *b == b'=').next().unwrap_or_default();
            format!(
                "unknown push option `{}` ignored; the known one is `{OPTION}=<reason>`",
                crate::util::sanitize(name)
            )
        })
        .collect()
}

/// One line of a log.
#[derive(Serialize)]
struct Entry<'a> {
    time: String,
    event: &'a str,
    user: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<&'a str>,
    refs: Vec<LoggedRef>,
    findings: Vec<LoggedFinding<'a>>,
}

#[derive(Serialize)]
struct LoggedRef {
    #[serde(rename = "ref")]
    name: String,
    old: Option<String>,
    new: Option<String>,
}

#[derive(Serialize)]
struct LoggedFinding<'a> {
    rule: &'a str,
    level: &'a str,
    #[serde(rename = "ref")]
    reference: Option<String>,
    path: Option<String>,
    blob: Option<String>,
    commit: Option<String>,
    size: Option<u64>,
}

/// What to log.
pub struct Record<'a> {
    /// `bypass` or `evaluate`.
    pub event: &'a str,
    /// Who pushed.
    pub user: Option<&'a str>,
    /// The bypass reason.
    pub reason: Option<&'a str>,
    /// The ref updates of the push.
    pub refs: &'a [RefUpdate],
    /// The findings concerned.
    pub findings: &'a [&'a Finding],
}

/// Append one JSON line to `log` (relative to `git_dir`), under an exclusive lock, in one
/// write: concurrent pushes never interleave or lose lines.
pub fn append(git_dir: &Path, log: &str, record: &Record<'_>) -> std::io::Result<PathBuf> {
    let path = git_dir.join(log);
    let entry = Entry {
        time: jiff::Timestamp::now().to_string(),
        event: record.event,
        user: record.user,
        reason: record.reason,
        refs: record
            .refs
            .iter()
            .map(|u| LoggedRef {
                name: u.name.to_str_lossy().into_owned(),
                old: u.old.map(|o| o.to_string()),
                new: u.new.map(|n| n.to_string()),
            })
            .collect(),
        findings: record
            .findings
            .iter()
            .map(|f| LoggedFinding {
                rule: f.rule.as_str(),
                level: f.level.as_str(),
                reference: f.reference.as_ref().map(|r| r.to_str_lossy().into_owned()),
                path: f.path.as_ref().map(|p| p.to_str_lossy().into_owned()),
                blob: f.blob.map(|b| b.to_string()),
                commit: f.commit.map(|c| c.to_string()),
                size: f.size,
            })
            .collect(),
    };
    let mut line = serde_json::to_vec(&entry).map_err(std::io::Error::other)?;
    line.push(b'\n');
    let mut file = std::fs::OpenOptions::new().create(true).append(true).open(&path)?;
    file.lock()?;
    let written = file.write_all(&line).and_then(|()| file.flush());
    let _ = file.unlock();
    written.map(|()| path)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(options: &[&str], user: &str) -> HookEnv {
        HookEnv {
            push_options: options.iter().map(|o| (*o).into()).collect(),
            user: Some(user.into()),
            ..Default::default()
        }
    }

    #[test]
    fn decides_by_policy() {
        let mut policy = Policy::builtin();
        assert_eq!(decide(&policy, &env(&[], "ann")), Decision::NotAsked);
        assert!(matches!(
            decide(&policy, &env(&["pushgate.bypass=hotfix"], "ann")),
            Decision::Refused(_)
        ));
        policy.file.bypass.enabled = true;
        assert_eq!(
            decide(&policy, &env(&["other", "pushgate.bypass= hotfix "], "ann")),
            Decision::Granted {
                user: Some("ann".into()),
                reason: "hotfix".into()
            }
        );
        assert!(matches!(
            decide(&policy, &env(&["pushgate.bypass"], "ann")),
            Decision::Refused(_)
        ));
        assert!(matches!(
            decide(&policy, &env(&["pushgate.bypass="], "ann")),
            Decision::Refused(_)
        ));
        policy.file.bypass.require_reason = false;
        assert!(matches!(
            decide(&policy, &env(&["pushgate.bypass"], "ann")),
            Decision::Granted { .. }
        ));
        policy.file.bypass.users = vec!["bob".into()];
        assert!(matches!(
            decide(&policy, &env(&["pushgate.bypass=x"], "ann")),
            Decision::Refused(_)
        ));
        assert!(matches!(
            decide(&policy, &env(&["pushgate.bypass=x"], "bob")),
            Decision::Granted { .. }
        ));
    }

    #[test]
    fn unknown_pushgate_options_are_named() {
        let e = env(
            &["pushgate.bypas=x", "pushgate.bypass=y", "ci.skip", "pushgate.\x1b[2J"],
            "ann",
        );
        let warnings = unknown_options(&e);
        assert_eq!(warnings.len(), 2, "{warnings:?}");
        assert!(warnings[0].contains("`pushgate.bypas`"), "{warnings:?}");
        assert!(!warnings[1].contains('\x1b'), "{warnings:?}");
        assert!(unknown_options(&env(&["pushgate.bypass"], "ann")).is_empty());
    }

    #[test]
    fn an_unknown_user_is_none() {
        let mut policy = Policy::builtin();
        policy.file.bypass.enabled = true;
        let mut e = env(&["pushgate.bypass=why"], "");
        assert_eq!(known_user(&e), None);
        assert_eq!(
            decide(&policy, &e),
            Decision::Granted {
                user: None,
                reason: "why".into()
            }
        );
        e.user = None;
        assert_eq!(known_user(&e), None);
        policy.file.bypass.users = vec![String::new()];
        assert!(
            matches!(decide(&policy, &e), Decision::Refused(_)),
            "an empty name allows nobody"
        );
    }

    #[test]
    fn reasons_are_sanitized() {
        let Some(reason) = requested(&env(&["pushgate.bypass=a\x1b[2Jb"], "x")) else {
            panic!("requested");
        };
        assert!(!reason.contains('\x1b'));
    }
}
