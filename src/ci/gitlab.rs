//! GitLab CI.
//!
//! - merge request pipelines: head `CI_COMMIT_SHA`, bases `CI_MERGE_REQUEST_DIFF_BASE_SHA`,
//!   `CI_MERGE_REQUEST_TARGET_BRANCH_SHA` and `origin/$CI_MERGE_REQUEST_TARGET_BRANCH_NAME`;
//! - branch pipelines: head `CI_COMMIT_SHA`, base `CI_COMMIT_BEFORE_SHA`; a new branch (all
//!   zeros): the default branch, `origin/$CI_DEFAULT_BRANCH` first, unless a push
//!   (`CI_PIPELINE_SOURCE`) updated that branch (`CI_COMMIT_BRANCH`).

use super::{Detection, Env, Guess, default_branches, is_null};

pub(super) fn detect(env: &Env, _event: Option<&serde_json::Value>) -> Option<Detection> {
    if !env.is_true("GITLAB_CI") {
        return None;
    }
    let merge_request = env.get("CI_MERGE_REQUEST_IID").is_some()
        || env.get("CI_MERGE_REQUEST_DIFF_BASE_SHA").is_some()
        || env.get("CI_MERGE_REQUEST_TARGET_BRANCH_NAME").is_some();
    let mut d = Detection::new(if merge_request {
        "GitLab CI merge request pipeline"
    } else {
        "GitLab CI branch pipeline"
    });
    d.fetch_hint =
        "set `GIT_DEPTH: 0` in the job's variables (or a depth that reaches the base), or run `git fetch --deepen=100 origin` before pushgate"
            .to_owned();
    if let Some(sha) = env.get("CI_COMMIT_SHA") {
        d.head.push(Guess::new(sha, "CI_COMMIT_SHA"));
    }
    d.fallback = default_branches(env.get("CI_DEFAULT_BRANCH"), "CI_DEFAULT_BRANCH");
    if merge_request {
        for var in ["CI_MERGE_REQUEST_DIFF_BASE_SHA", "CI_MERGE_REQUEST_TARGET_BRANCH_SHA"] {
            if let Some(sha) = env.get(var) {
                d.bases.push(Guess::new(sha, var));
            }
        }
        if let Some(target) = env.get("CI_MERGE_REQUEST_TARGET_BRANCH_NAME") {
            d.bases.push(Guess::new(
                format!("origin/{target}"),
                "CI_MERGE_REQUEST_TARGET_BRANCH_NAME",
            ));
        }
    } else {
        // A branch pipeline a push started (GitLab sets CI_PIPELINE_SOURCE; scheduled and
        // manual runs push nothing).
        if env.get("CI_PIPELINE_SOURCE").is_none_or(|s| s == "push") {
            d.branch = env.get("CI_COMMIT_BRANCH").map(str::to_owned);
        }
        match env.get("CI_COMMIT_BEFORE_SHA") {
            Some(before) if !is_null(before) => d.bases.push(Guess::new(before, "CI_COMMIT_BEFORE_SHA")),
            _ => d
                .notes
                .push("a new branch or a first pipeline (CI_COMMIT_BEFORE_SHA is all zeros): checking what it adds to the default branch".to_owned()),
        }
    }
    Some(d)
}

#[cfg(test)]
mod tests {
    use crate::ci::detect;
    use crate::ci::testing::{ZEROS, env, revs};

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
    fn gitlab_names_the_branch_a_push_updated() {
        let push = |source: &'static str| {
            detect(
                &env(&[
                    ("GITLAB_CI", "true"),
                    ("CI_PIPELINE_SOURCE", source),
                    ("CI_COMMIT_BRANCH", "main"),
                    ("CI_COMMIT_BEFORE_SHA", ZEROS),
                ]),
                None,
            )
        };
        assert_eq!(push("push").branch.as_deref(), Some("main"));
        // Scheduled and manual pipelines push nothing.
        assert_eq!(push("schedule").branch, None);
        assert_eq!(push("web").branch, None);
        let d = detect(
            &env(&[
                ("GITLAB_CI", "true"),
                ("CI_PIPELINE_SOURCE", "merge_request_event"),
                ("CI_MERGE_REQUEST_IID", "1"),
                ("CI_COMMIT_BRANCH", "feature"),
            ]),
            None,
        );
        assert_eq!(d.branch, None);
    }
}
