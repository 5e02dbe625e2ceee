//! pre-commit's `pre-push` stage. It may run inside CI too, and then knows best, so it comes
//! first.
//!
//! Head: `PRE_COMMIT_TO_REF` (`PRE_COMMIT_SOURCE` in pre-commit 1.x), then
//! `PRE_COMMIT_LOCAL_BRANCH`. Base: `PRE_COMMIT_FROM_REF` (`PRE_COMMIT_ORIGIN`); on a first
//! push, every `refs/remotes/<PRE_COMMIT_REMOTE_NAME>/*`. No default branch: only what this
//! remote has counts as already pushed.

use super::{Detection, Env, Guess, is_null};

pub(super) fn detect(env: &Env, _event: Option<&serde_json::Value>) -> Option<Detection> {
    let pc_from = env.get("PRE_COMMIT_FROM_REF").or_else(|| env.get("PRE_COMMIT_ORIGIN"));
    let pc_to = env.get("PRE_COMMIT_TO_REF").or_else(|| env.get("PRE_COMMIT_SOURCE"));
    let pc_remote = env.get("PRE_COMMIT_REMOTE_NAME");
    if pc_from.is_none() && pc_to.is_none() && pc_remote.is_none() {
        return None;
    }
    let mut d = Detection::new("pre-commit (pre-push stage)");
    let (from_var, to_var) = if env.get("PRE_COMMIT_FROM_REF").is_some() {
        ("PRE_COMMIT_FROM_REF", "PRE_COMMIT_TO_REF")
    } else {
        ("PRE_COMMIT_ORIGIN", "PRE_COMMIT_SOURCE")
    };
    if let Some(to) = pc_to {
        d.head.push(Guess::new(to, to_var));
    }
    if let Some(local) = env.get("PRE_COMMIT_LOCAL_BRANCH") {
        d.head.push(Guess::new(local, "PRE_COMMIT_LOCAL_BRANCH"));
    }
    match pc_from {
        Some(from) if !is_null(from) => d.bases.push(Guess::new(from, from_var)),
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
    Some(d)
}

#[cfg(test)]
mod tests {
    use crate::ci::detect;
    use crate::ci::testing::{env, revs};

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
}
