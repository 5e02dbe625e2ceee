//! `deep-delta-chain` (large-churn): a large object behind a deep delta chain in a pack.

use crate::advice::wording::{Alternative, Step};
use crate::outcome::Finding;
use serde::{Deserialize, Serialize};

use crate::outcome::{Pattern, Setting};
use crate::policy::Globs;
use crate::policy::Size;
use crate::util::human_size;

use super::{BlobCheck, Hit, RuleDoc, RuleId};

/// The pattern its findings belong to.
pub(crate) const PATTERN: Pattern = Pattern::LargeChurn;

/// The rule's settings (`[rules.deep-delta-chain]`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub(crate) struct Settings {
    /// Highest level reported; `off` disables.
    pub(crate) level: Setting,
    /// Paths this rule never reports.
    #[serde(skip_serializing_if = "Globs::is_empty")]
    pub(crate) exclude: Globs,
    /// Objects at least this large are checked.
    pub(crate) min_size: Size,
    /// Chains deeper than this are reported.
    pub(crate) max_depth: u32,
}

/// The per-blob check, if the rule has one.
pub(crate) const BLOB: Option<BlobCheck> = None;

/// What `pushgate explain` prints.
pub(crate) const DOC: RuleDoc = RuleDoc {
    summary: "A large object stored behind a deep delta chain in a pack.",
    why: "Git stores versions as deltas of other versions; to read one it inflates every link of the chain. \
          Deep chains of large objects make checkouts, blame and server-side operations slow and memory-hungry.",
    signals: "The chain depth and the bytes to inflate, read from the pack index and the pack entry headers \
              (nothing is inflated to learn them), for new objects of at least `min_size`.",
    fix: "Keep the file out of git (Git LFS or object storage). For the existing history, repacking with a \
          smaller depth (`git repack -adf --depth=<n>`) shortens chains at the cost of a larger pack.",
};

/// What a `deep-delta-chain` finding reports.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct Evidence {
    /// The deltas git applies to rebuild the object.
    pub(crate) depth: u32,
    /// The rule's `max_depth`.
    pub(crate) max_depth: u32,
    /// The bytes to inflate along the chain.
    pub(crate) inflate_bytes: u64,
}

/// `deep-delta-chain`: an object of `size` bytes behind a chain of `depth` deltas that needs
/// `inflate` bytes inflated to rebuild.
pub(crate) fn check(size: u64, depth: u32, inflate: u64, policy: super::Context<'_>) -> Option<Hit> {
    let rule = &policy.rules.deep_delta_chain;
    if size < rule.min_size.0 || depth <= rule.max_depth {
        return None;
    }
    Some(
        Hit::new(
            RuleId::DeepDeltaChain,
            rule.level.level(),
            format!(
                "stored behind a chain of {depth} deltas (limit {}): reading it inflates {}",
                rule.max_depth,
                human_size(inflate)
            ),
        )
        .with(Evidence {
            depth,
            max_depth: rule.max_depth,
            inflate_bytes: inflate,
        }),
    )
}

/// The rule's place in the registry (see [`Rule`](super::Rule)).
pub(crate) struct DeepDeltaChain;

impl super::Rule for DeepDeltaChain {
    fn first_step(step: &Step<'_>) -> String {
        if let Some(data) = super::job_data_step(step) {
            return data;
        }
        "Keep the file out of git (Git LFS or the store below); for the history already pushed, `git repack -adf \
         --depth=50` shortens the chain."
            .into()
    }

    fn alternative(pattern: Pattern, evidence: &crate::outcome::Evidence) -> Alternative {
        super::job_data_alternative(pattern, evidence)
    }

    /// The deepest chain stands for the path.
    fn rank(f: &Finding) -> u64 {
        DeepDeltaChain::evidence(&f.evidence).map_or(0, |own| u64::from(own.depth))
    }

    const BY_SUBJECT: bool = false;
}

super::settings::plain_settings!(Settings);
