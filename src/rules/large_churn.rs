//! large-churn: large files that change often. Every version stays in history, and git must
//! rebuild long delta chains to read them.

use super::{Blob, Hit, RuleDoc, RuleId};
use crate::detect::Format;
use crate::finding::Level;
use crate::policy::PolicyFile;
use crate::policy::schema::Graded;
use crate::util::human_size;

const LARGE_BLOB: RuleDoc = RuleDoc {
    id: RuleId::LargeBlob,
    summary: "A file whose size reaches the policy's thresholds.",
    why: "Git keeps every version of every file forever, and every clone downloads all of them. A large \
          file that changes often multiplies that cost with each version, and git must rebuild long delta \
          chains to read old versions, which costs time and memory on every machine that touches the repository.",
    signals: "The blob's size, read from the object header: the blob is never inflated to learn it. Git LFS \
              pointers are tiny and never reported.",
    fix: "Store the file in Amazon S3 and commit a small manifest or pointer, or track it with Git LFS \
          (`git lfs track <pattern>`, then `git lfs migrate import --include=<path>` for commits not yet pushed).",
};

const HISTORY_GROWTH: RuleDoc = RuleDoc {
    id: RuleId::HistoryGrowth,
    summary: "A push or range that adds many bytes of new file content to history.",
    why: "Every byte a push adds stays in history even when a later commit deletes the file again, so one \
          careless push can make every future clone slower.",
    signals: "The sum of the sizes of the distinct new blobs in the range, from object headers, including \
              files the same range deletes again.",
    fix: "Find the largest additions in the finding's evidence, move them to Amazon S3 or Git LFS, and \
          rewrite the unpushed commits (`git rebase -i <base>`) so they never enter history.",
};

const LFS_BYPASSED: RuleDoc = RuleDoc {
    id: RuleId::LfsBypassed,
    summary: "A path that .gitattributes sends through Git LFS, committed as a raw blob instead of a pointer.",
    why: "The repository decided these files live in LFS; a raw copy puts the whole file into git history \
          anyway, usually because git-lfs was not installed on the committer's machine.",
    signals: "The `filter=lfs` attribute of the path, read from the .gitattributes files of the commit's own \
              tree (and $GIT_DIR/info/attributes), and whether the blob is a valid LFS pointer.",
    fix: "Install Git LFS (`git lfs install`), then convert the commits: `git lfs migrate import \
          --include=<path>` on the unpushed range, and push again.",
};

/// Git LFS pointer files are always smaller than this (the specification's limit).
const LFS_POINTER_MAX: u64 = 1024;

/// The documentation of this pattern's rules.
pub fn doc(rule: RuleId) -> &'static RuleDoc {
    match rule {
        RuleId::HistoryGrowth => &HISTORY_GROWTH,
        RuleId::LfsBypassed => &LFS_BYPASSED,
        _ => &LARGE_BLOB,
    }
}

/// The level a size reaches under a graded rule.
fn graded(rule: &Graded, size: u64) -> Option<Level> {
    let level = if size >= rule.deny_size.0 {
        Level::Deny
    } else if size >= rule.warn_size.0 {
        Level::Warn
    } else {
        return None;
    };
    Some(level.capped(rule.level))
}

/// Per-blob rules of this pattern.
pub fn check(blob: &Blob<'_>, policy: &PolicyFile, out: &mut Vec<Hit>) {
    let rules = &policy.rules;
    if let Some(size) = blob.size
        && let Some(level) = graded(&rules.large_blob, size)
    {
        out.push(
            Hit::new(
                RuleId::LargeBlob,
                level,
                format!(
                    "{} file (warn at {}, deny at {})",
                    human_size(size),
                    rules.large_blob.warn_size,
                    rules.large_blob.deny_size
                ),
            )
            .with("warn_size", rules.large_blob.warn_size.0)
            .with("deny_size", rules.large_blob.deny_size.0),
        );
    }
    // A pointer is a small text file; anything larger is raw content even when it could not
    // be read (a huge delta), and anything smaller must be read to tell.
    let raw = match (blob.size, blob.sniff) {
        (Some(size), _) if size >= LFS_POINTER_MAX => true,
        (_, Some(sniff)) => sniff.format != Some(Format::LfsPointer),
        _ => false,
    };
    if blob.attrs.lfs && raw {
        out.push(
            Hit::new(
                RuleId::LfsBypassed,
                rules.lfs_bypassed.level,
                format!(
                    ".gitattributes sends this path through Git LFS (filter=lfs), but it was committed as a raw {} blob",
                    blob.size.map(human_size).unwrap_or_else(|| "size-unknown".into())
                ),
            )
            .with("attribute", "filter=lfs"),
        );
    }
}

/// What a whole range added to history.
#[derive(Debug, Clone, Default)]
pub struct Growth {
    /// Bytes of distinct new blobs.
    pub bytes: u64,
    /// Number of distinct new blobs.
    pub blobs: u64,
    /// The largest new blobs, as (path, size), largest first.
    pub largest: Vec<(String, u64)>,
}

/// The `history-growth` rule over a whole range.
pub fn history_growth(growth: &Growth, policy: &PolicyFile) -> Option<Hit> {
    let rule = &policy.rules.history_growth;
    let level = graded(rule, growth.bytes)?;
    let largest: Vec<serde_json::Value> = growth
        .largest
        .iter()
        .map(|(path, size)| serde_json::json!({"path": path, "size": size}))
        .collect();
    Some(
        Hit::new(
            RuleId::HistoryGrowth,
            level,
            format!(
                "adds {} of new content in {} blobs to history (warn at {}, deny at {})",
                human_size(growth.bytes),
                growth.blobs,
                rule.warn_size,
                rule.deny_size
            ),
        )
        .with("bytes", growth.bytes)
        .with("blobs", growth.blobs)
        .with("largest", largest),
    )
}
