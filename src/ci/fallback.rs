//! No CI system recognised: what `HEAD` adds to the default branch, the first of
//! [`DEFAULT_BRANCHES`](super::DEFAULT_BRANCHES) present. Last in the list, it matches
//! everything.

use super::{Detection, Env};

pub(super) fn detect(_env: &Env, _event: Option<&serde_json::Value>) -> Option<Detection> {
    Some(detection())
}

pub(super) fn detection() -> Detection {
    let mut d = Detection::new("no CI system recognised");
    d.notes.push("checking what HEAD adds to the default branch".to_owned());
    d
}

#[cfg(test)]
mod tests {
    use crate::ci::testing::{env, revs};
    use crate::ci::{DEFAULT_BRANCHES, detect};

    #[test]
    fn nothing_recognised() {
        let d = detect(&env(&[("PATH", "/bin"), ("GITHUB_ACTIONS", "")]), None);
        assert_eq!(d.source, "no CI system recognised");
        assert!(d.bases.is_empty());
        assert_eq!(revs(&d.fallback), DEFAULT_BRANCHES);
    }
}
