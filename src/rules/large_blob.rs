//! `large-blob` (large-churn): a file whose size reaches the thresholds.

use crate::candidate::Candidate;
use super::{BlobCheck, Hit, RuleDoc, RuleId};
use crate::outcome::Pattern;
use crate::policy::PolicyFile;
use crate::util::human_size;

/// The rule's id.
pub const ID: &str = "large-blob";

/// The pattern its findings belong to.
pub const PATTERN: Pattern = Pattern::LargeChurn;

/// The rule's settings (`[rules.large-blob]`).
pub type Settings = super::settings::Graded;

/// The per-blob check, if the rule has one.
pub const BLOB: Option<BlobCheck> = Some(check);

/// What `pushgate explain` prints.
pub const DOC: RuleDoc = RuleDoc {
    id: RuleId::LargeBlob,
    summary: "A file whose size reaches the policy's thresholds.",
    why: "Git keeps every version of every file forever, and every clone downloads all of them. A large \
          file that changes often multiplies that cost with each version, and git must rebuild long delta \
          chains to read old versions, which costs time and memory on every machine that touches the repository.",
    signals: "The blob's size, read from the object header: the blob is never inflated to learn it. Git LFS \
              pointers are tiny and never reported.",
    fix: "Track the file with Git LFS (`git lfs track <pattern>`, then `git lfs migrate import \
          --include=<path>` for commits not yet pushed), or store it in object storage and commit a small \
          manifest or pointer.",
};

/// A blob whose size reaches the thresholds.
pub fn check(blob: &Candidate, policy: &PolicyFile, out: &mut Vec<Hit>) {
    let rule = &policy.rules.large_blob;
    if let Some(size) = blob.size
        && let Some(level) = rule.grade(size)
    {
        let level = copied_or_fixture(&blob.path, level);
        out.push(
            Hit::new(
                RuleId::LargeBlob,
                level,
                format!(
                    "{} file (warn at {}, deny at {})",
                    human_size(size),
                    rule.warn_size,
                    rule.deny_size
                ),
            )
            .with("warn_size", rule.warn_size.0)
            .with("deny_size", rule.deny_size.0),
        );
    }
}

/// A test fixture (an archived test repository, a fuzzing input) or a vendored dependency's
/// file (generated API bindings, a data table) is large because of what it is, not because a
/// job rewrites it: below `deny_size` its size is worth knowing, `info`; whether it churns is
/// `churning-blob`'s to say. Every repository with such directories is treated alike, and a
/// file of the same size anywhere else keeps its level.
fn copied_or_fixture(path: &[u8], level: crate::outcome::Level) -> crate::outcome::Level {
    if level == crate::outcome::Level::Warn && (super::paths::in_test_dir(path) || super::paths::in_vendored_dir(path)) {
        crate::outcome::Level::Info
    } else {
        level
    }
}
