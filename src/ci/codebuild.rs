//! AWS CodeBuild webhooks.
//!
//! Head `CODEBUILD_RESOLVED_SOURCE_VERSION`. Base, for pull requests,
//! `origin/<CODEBUILD_WEBHOOK_BASE_REF>` (and the ref as given); for pushes,
//! `CODEBUILD_WEBHOOK_PREV_COMMIT`, or the default branch when there is none.

use super::{Detection, Env, Guess, is_null};

pub(super) fn detect(env: &Env, _event: Option<&serde_json::Value>) -> Option<Detection> {
    if env.get("CODEBUILD_BUILD_ID").is_none() && env.get("CODEBUILD_WEBHOOK_EVENT").is_none() {
        return None;
    }
    let event = env.get("CODEBUILD_WEBHOOK_EVENT").unwrap_or("no webhook");
    let mut d = Detection::new(format!("AWS CodeBuild ({event})"));
    d.fetch_hint = "set the project's source \"Git clone depth\" to Full (`git-clone-depth: 0`), or run `git fetch --unshallow origin` in the buildspec before pushgate".to_owned();
    if let Some(sha) = env.get("CODEBUILD_RESOLVED_SOURCE_VERSION") {
        d.head.push(Guess::new(sha, "CODEBUILD_RESOLVED_SOURCE_VERSION"));
    }
    if let Some(base) = env.get("CODEBUILD_WEBHOOK_BASE_REF") {
        let branch = branch_name(base);
        d.bases
            .push(Guess::new(format!("origin/{branch}"), "CODEBUILD_WEBHOOK_BASE_REF"));
        d.bases.push(Guess::new(base, "CODEBUILD_WEBHOOK_BASE_REF"));
        d.fetch_hint = format!(
            "set the project's source \"Git clone depth\" to Full (`git-clone-depth: 0`), or run `git fetch origin {branch}` and `git fetch --deepen=100 origin` in the buildspec before pushgate"
        );
    } else {
        match env.get("CODEBUILD_WEBHOOK_PREV_COMMIT") {
            Some(prev) if !is_null(prev) => d.bases.push(Guess::new(prev, "CODEBUILD_WEBHOOK_PREV_COMMIT")),
            _ => d.notes.push(
                "no previous commit (CODEBUILD_WEBHOOK_PREV_COMMIT): checking what HEAD adds to the default branch"
                    .to_owned(),
            ),
        }
    }
    Some(d)
}

/// `refs/heads/main` → `main`.
fn branch_name(r: &str) -> &str {
    r.strip_prefix("refs/heads/").unwrap_or(r)
}

#[cfg(test)]
mod tests {
    use crate::ci::detect;
    use crate::ci::testing::{env, revs};

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
}
