//! `history-growth` (large-churn): the bytes of new content a range adds to history.

use super::{BlobCheck, Hit, RuleDoc, RuleId};
use crate::advice::wording::Step;
use crate::outcome::{Finding, Pattern};
use crate::util::human_size;
use serde::Serialize;

/// The pattern its findings belong to.
pub(crate) const PATTERN: Pattern = Pattern::LargeChurn;

/// The rule's settings (`[rules.history-growth]`).
pub(crate) type Settings = super::settings::Graded;

/// The per-blob check, if the rule has one.
pub(crate) const BLOB: Option<BlobCheck> = None;

/// What `pushgate explain` prints.
pub(crate) const DOC: RuleDoc = RuleDoc {
    summary: "A push or range that adds many bytes of new file content to history.",
    why: "Every byte a push adds stays in history even when a later commit deletes the file again, so one \
          careless push can make every future clone slower.",
    signals: "The sum of the sizes of the distinct new blobs in the range, from object headers, including \
              files the same range deletes again.",
    fix: "Look at the largest additions the finding lists (its message, and `largest` in its evidence), move \
          them to Git LFS or object storage, and rewrite the unpushed commits (`git rebase -i <base>`) so they \
          never enter history.",
};

/// What a whole range added to history.
#[derive(Debug, Clone, Default)]
pub(crate) struct Growth {
    /// Bytes of distinct new blobs.
    pub(crate) bytes: u64,
    /// Number of distinct new blobs.
    pub(crate) blobs: u64,
    /// The largest new blobs, as (path, size), largest first.
    pub(crate) largest: Vec<(String, u64)>,
}

/// What a `history-growth` finding reports.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct Evidence {
    /// Bytes of distinct new blobs.
    pub(crate) bytes: u64,
    /// Number of distinct new blobs.
    pub(crate) blobs: u64,
    /// The largest new blobs, largest first.
    pub(crate) largest: Vec<Largest>,
}

/// One of the largest blobs a range adds.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct Largest {
    /// Its path.
    pub(crate) path: String,
    /// Its size in bytes.
    pub(crate) size: u64,
}

/// The `history-growth` rule over a whole range.
pub(crate) fn history_growth(growth: &Growth, policy: super::Context<'_>) -> Option<Hit> {
    let rule = &policy.rules.history_growth;
    let level = rule.grade(growth.bytes)?;
    let largest: Vec<Largest> = growth
        .largest
        .iter()
        .map(|(path, size)| Largest {
            path: path.clone(),
            size: *size,
        })
        .collect();
    let named: Vec<String> = growth
        .largest
        .iter()
        .map(|(path, size)| format!("{path} ({})", human_size(*size)))
        .collect();
    let mut message = format!(
        "adds {} of new content in {} blobs to history (warn at {}, deny at {})",
        human_size(growth.bytes),
        growth.blobs,
        rule.warn_size,
        rule.deny_size
    );
    if !named.is_empty() {
        message.push_str(&format!("; the largest: {}", named.join(", ")));
    }
    Some(
        Hit::new(RuleId::HistoryGrowth, level, message)
        .with(Evidence {
            bytes: growth.bytes,
            blobs: growth.blobs,
            largest,
        }),
    )
}

/// The largest files a first step names.
const LARGEST_NAMED: usize = 3;

/// The largest files a range adds, from a finding's evidence: `a.bin, 40.0 MiB; b.bin, 12.0
/// MiB`.
fn largest_files(f: &Finding) -> String {
    let Some(own) = HistoryGrowth::evidence(&f.evidence) else {
        return String::new();
    };
    own.largest
        .iter()
        .take(LARGEST_NAMED)
        .map(|l| format!("{}, {}", crate::util::sanitize(l.path.as_bytes()), human_size(l.size)))
        .collect::<Vec<_>>()
        .join("; ")
}

/// The path of the largest blob a finding counts (`evidence.largest[0].path`).
pub(crate) fn largest_path(f: &Finding) -> Option<&str> {
    HistoryGrowth::evidence(&f.evidence)?.largest.first().map(|l| l.path.as_str())
}

/// The rule's place in the registry (see [`Rule`](super::Rule)).
pub(crate) struct HistoryGrowth;

impl super::Rule for HistoryGrowth {
    fn first_step(step: &Step<'_>) -> String {
        let largest = largest_files(step.f);
        if largest.is_empty() {
            "Keep the largest files this range adds out of the commits: Git LFS or object storage for files \
             that must travel with the code, .gitignore for files a build or a run produces."
                .into()
        } else {
            format!(
                "Keep the largest files this range adds out of the commits ({largest}): Git LFS or object \
                 storage for files that must travel with the code, .gitignore for files a build or a run \
                 produces."
            )
        }
    }

    const BY_SUBJECT: bool = false;

    fn range(growth: &Growth, policy: super::Context<'_>) -> Option<Hit> {
        history_growth(growth, policy)
    }
}
