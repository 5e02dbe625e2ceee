//! Jenkins: head `GIT_COMMIT`; base `origin/$CHANGE_TARGET` for pull requests (multibranch
//! pipelines), `GIT_PREVIOUS_SUCCESSFUL_COMMIT` otherwise.

use super::{Detection, Env, Guess};

pub(super) fn detect(env: &Env, _event: Option<&serde_json::Value>) -> Option<Detection> {
    env.get("JENKINS_URL")?;
    let mut d = Detection::new("Jenkins");
    d.fetch_hint = "turn off shallow clone in the Git step (or `checkout scm` with a CloneOption of `shallow: false`) and fetch the target branch, or run `git fetch --deepen=100 origin`".to_owned();
    if let Some(sha) = env.get("GIT_COMMIT") {
        d.head.push(Guess::new(sha, "GIT_COMMIT"));
    }
    if let Some(target) = env.get("CHANGE_TARGET") {
        d.source = "Jenkins pull request".to_owned();
        d.bases.push(Guess::new(format!("origin/{target}"), "CHANGE_TARGET"));
    } else if let Some(prev) = env.get("GIT_PREVIOUS_SUCCESSFUL_COMMIT") {
        d.bases.push(Guess::new(prev, "GIT_PREVIOUS_SUCCESSFUL_COMMIT"));
    }
    Some(d)
}

#[cfg(test)]
mod tests {
    use crate::ci::detect;
    use crate::ci::testing::{env, revs};

    #[test]
    fn jenkins_pull_requests_and_branches() {
        let d = detect(&env(&[("JENKINS_URL", "http://ci/"), ("CHANGE_TARGET", "main")]), None);
        assert_eq!(revs(&d.bases), ["origin/main"]);
        let d = detect(
            &env(&[("JENKINS_URL", "http://ci/"), ("GIT_PREVIOUS_SUCCESSFUL_COMMIT", "g1")]),
            None,
        );
        assert_eq!(revs(&d.bases), ["g1"]);
    }
}
