//! GitHub Actions, with the event payload (the JSON file named by `GITHUB_EVENT_PATH`).
//!
//! - `pull_request` (and `pull_request_target`): head the event's head sha, base the event's
//!   base sha and `origin/$GITHUB_BASE_REF`;
//! - `push`: head the event's `after`, base its `before`; a new branch (`before` all zeros):
//!   the default branch, unless the push is to that branch (`GITHUB_REF`);
//! - `merge_group`: head the event's `head_sha`, base its `base_sha`.
//!
//! The default branch is the event's `repository.default_branch` when it names one.

use super::{Detection, Env, Guess, default_branches, is_null};

pub(super) fn detect(env: &Env, event: Option<&serde_json::Value>) -> Option<Detection> {
    if !env.is_true("GITHUB_ACTIONS") {
        return None;
    }
    let str_at = |path: &[&str]| str_at(event, path);
    let event_name = env.get("GITHUB_EVENT_NAME").unwrap_or("unknown");
    let mut d = Detection::new(format!("GitHub Actions {event_name}"));
    d.fetch_hint = "give actions/checkout `fetch-depth: 0` (whole history), or run `git fetch --deepen=100 origin` before pushgate".to_owned();
    let default_branch = str_at(&["repository", "default_branch"]);
    d.fallback = default_branches(default_branch.as_deref(), "the repository's default branch");
    if let Some(base_ref) = env.get("GITHUB_BASE_REF") {
        // pull_request, pull_request_target (and merge_group on some runners).
        if let Some(sha) = str_at(&["pull_request", "head", "sha"]) {
            d.head.push(Guess::new(sha, "the pull request's head"));
        }
        if let Some(sha) = str_at(&["pull_request", "base", "sha"]) {
            d.bases.push(Guess::new(sha, "the pull request's base"));
        }
        d.bases
            .push(Guess::new(format!("origin/{base_ref}"), "GITHUB_BASE_REF"));
        d.fetch_hint = format!(
            "give actions/checkout `fetch-depth: 0`, or run `git fetch --no-tags origin {base_ref}` and `git fetch --deepen=100 origin` before pushgate"
        );
    } else if event_name == "merge_group" {
        if let Some(sha) = str_at(&["merge_group", "head_sha"]) {
            d.head.push(Guess::new(sha, "the merge group's head"));
        }
        if let Some(sha) = str_at(&["merge_group", "base_sha"]) {
            d.bases.push(Guess::new(sha, "the merge group's base"));
        }
    } else if event_name == "push" {
        d.branch = env
            .get("GITHUB_REF")
            .map(str::to_owned)
            .or_else(|| str_at(&["ref"]))
            .and_then(|r| r.strip_prefix("refs/heads/").map(str::to_owned));
        if let Some(after) = str_at(&["after"]).filter(|a| !is_null(a)) {
            d.head.push(Guess::new(after, "the push event's after"));
        }
        match str_at(&["before"]) {
            Some(before) if !is_null(&before) => {
                d.bases.push(Guess::new(before, "the push event's before"));
            }
            Some(_) => d.notes.push(
                "a new branch (the push event's before is all zeros): checking what it adds to the default branch"
                    .to_owned(),
            ),
            None => d.notes.push(
                "no push event payload (GITHUB_EVENT_PATH): checking what HEAD adds to the default branch".to_owned(),
            ),
        }
    }
    Some(d)
}

/// The non-empty string at `path` in the event payload.
fn str_at(event: Option<&serde_json::Value>, path: &[&str]) -> Option<String> {
    let mut v = event?;
    for key in path {
        v = v.get(key)?;
    }
    v.as_str().filter(|s| !s.is_empty()).map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use crate::ci::detect;
    use crate::ci::testing::{ZEROS, env, revs};

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
        assert_eq!(d.branch, None);
    }

    #[test]
    fn github_push_names_the_branch_it_updated() {
        let event = serde_json::json!({"ref": "refs/heads/from-event", "before": ZEROS, "after": "c".repeat(40)});
        let vars = [("GITHUB_ACTIONS", "true"), ("GITHUB_EVENT_NAME", "push")];
        let d = detect(
            &env(&[vars[0], vars[1], ("GITHUB_REF", "refs/heads/main")]),
            Some(&event),
        );
        assert_eq!(d.branch.as_deref(), Some("main"));
        let d = detect(&env(&vars), Some(&event));
        assert_eq!(d.branch.as_deref(), Some("from-event"));
        // A tag is no branch; a pull request updates none.
        let d = detect(&env(&[vars[0], vars[1], ("GITHUB_REF", "refs/tags/v1")]), Some(&event));
        assert_eq!(d.branch, None);
        let d = detect(
            &env(&[
                vars[0],
                ("GITHUB_EVENT_NAME", "pull_request"),
                ("GITHUB_BASE_REF", "main"),
                ("GITHUB_REF", "refs/pull/1/merge"),
            ]),
            None,
        );
        assert_eq!(d.branch, None);
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
}
