//! What an audit hands its reports: plain types, computed by the audit ([`audit`](super::audit))
//! and read by the printers, which work nothing out of their own. The JSON document's `audit`
//! section is these types serialized.

use gix::ObjectId;
use gix::bstr::{BString, ByteSlice};
use serde::Serialize;

use crate::outcome::{Level, Outcome, Pattern};
use crate::overview::Overview;
use crate::packs::{Count, Statistics};
use crate::rules::RuleId;

/// At most this many periods: a history longer than 50 years of months goes by years, and one
/// longer than this many years (dates no repository has) counts what is older in its first.
pub(crate) const MAX_PERIODS: usize = 600;

/// Offenders with a series of their own: the costliest the plan covers.
pub(crate) const CHARTED: usize = 10;

/// The audit: the same findings a scan gives (one per path and rule), and what they cost.
#[derive(Debug)]
pub(crate) struct Audit {
    /// Findings, notices and totals, as `scan` reports them.
    pub(crate) outcome: Outcome,
    /// The repository at a glance.
    pub(crate) repository: Repository,
    /// What each pattern's offenders occupy in the packs.
    pub(crate) patterns: Vec<Share>,
    /// Offending paths, per pattern, costliest first; each path under one pattern only.
    pub(crate) offenders: Vec<Offender>,
    /// How to get the warn and deny offenders out of history.
    pub(crate) plan: Plan,
    /// What the repository holds and where, whatever the rules conclude.
    pub(crate) overview: Overview,
    /// What the history added month by month, by pattern, and the costliest offenders' versions
    /// and bytes over time.
    pub(crate) timeline: Timeline,
}

/// The repository at a glance.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Repository {
    /// Refs walked (HEAD included).
    pub(crate) refs: u64,
    /// Commits walked.
    pub(crate) commits: u64,
    /// The object database (packs, loose objects, delta chains).
    pub(crate) statistics: Statistics,
    /// Objects no ref reaches.
    pub(crate) unreachable: Count,
    /// Blobs reachable but not in the database (partial clones), and the paths whose size is
    /// therefore unknown.
    pub(crate) absent_blobs: u64,
}

/// What one pattern's offenders occupy. A path is counted under one pattern only, and a
/// version two offenders share under the first of them, so the shares add up to at most the
/// repository.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Share {
    /// The pattern.
    pub(crate) pattern: Pattern,
    /// Offending paths.
    pub(crate) paths: u64,
    /// Their versions' bytes as stored.
    pub(crate) packed: u64,
    /// Their versions' bytes whole.
    pub(crate) unpacked: u64,
}

/// One offending path, under the pattern of its most severe finding.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Offender {
    /// The pattern (of its most severe finding; among equals, what the content is before how
    /// large it is).
    pub(crate) pattern: Pattern,
    /// The path (lossy UTF-8 in JSON; see the findings for the blob ids).
    #[serde(serialize_with = "lossy")]
    pub(crate) path: BString,
    /// The most severe level among its findings.
    pub(crate) level: Level,
    /// The rules that reported it.
    pub(crate) rules: Vec<RuleId>,
    /// Distinct versions (blobs) the path had.
    pub(crate) versions: u64,
    /// Versions whose size is unknown (absent from a partial clone).
    pub(crate) unknown_versions: u64,
    /// The first and last commit time that changed it (seconds since the epoch).
    pub(crate) first_change: Option<i64>,
    /// See `first_change`.
    pub(crate) last_change: Option<i64>,
    /// Commits that changed it.
    pub(crate) changes: u64,
    /// The schedule its changes follow, when they follow one (`1 h`, `1 d`).
    pub(crate) cadence: Option<String>,
    /// Its versions' bytes as stored.
    pub(crate) packed: u64,
    /// Its versions' bytes whole.
    pub(crate) unpacked: u64,
    /// What to use instead.
    pub(crate) suggestion: String,
    /// The refs whose history holds its versions: the first few, branches first, then tags,
    /// other refs, and the refs a host keeps for pull and merge requests.
    pub(crate) refs: Vec<String>,
    /// More refs reach it than `refs` names.
    pub(crate) more_refs: bool,
    /// Only refs the host keeps ([`HOST_PREFIXES`](super::refs::HOST_PREFIXES): `refs/pull/*`, `refs/merge-requests/*`,
    /// ...) reach it: rewriting the branches and tags does not remove it.
    pub(crate) host_refs_only: bool,
    /// How the plan gets it out of history (`null`: the plan leaves it, being an info
    /// finding or source code).
    pub(crate) fix: Option<Fix>,
    /// The first step of its most severe finding (of its pattern), as the reports word it.
    #[serde(skip)]
    pub(crate) first_step: Option<String>,
    // What the plan and the timeline are worked out from, read by the audit alone.
    /// A job wrote most of its versions (text a job keeps rewriting: data, never for LFS).
    #[serde(skip)]
    pub(super) job: bool,
    /// Its versions: id, bytes as stored, bytes whole.
    #[serde(skip)]
    pub(super) blobs: Vec<(ObjectId, u64, u64)>,
    /// Its files (a subject's members, or the path).
    #[serde(skip)]
    pub(super) files: Vec<BString>,
    /// Its largest known version (bytes).
    #[serde(skip)]
    pub(super) largest: u64,
    /// Each version's period (of [`Timeline::periods`]) when it first appeared at its files,
    /// and its packed bytes.
    #[serde(skip)]
    pub(super) introduced: Vec<(u32, u64)>,
    /// For each of `blobs`, the period the history first held it in (at any path; `u32::MAX`:
    /// no recorded change names it).
    #[serde(skip)]
    pub(super) arrived: Vec<u32>,
    /// For each of `blobs`, its number among the blobs the walk's changes name
    /// ([`BlobIds::dense`](crate::history::commit::BlobIds::dense); `u32::MAX`: none), so
    /// that versions offenders share are told apart without a set of ids.
    #[serde(skip)]
    pub(super) numbers: Vec<u32>,
}

/// What the plan does with one offender, and the command that does it for that path alone.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Fix {
    /// `remove`, `move-out` (move the data a job rewrites elsewhere, then remove it),
    /// `move-to-lfs`, `ask-host` (only refs the host keeps reach it) or `prune-unreachable`.
    pub(crate) action: &'static str,
    /// The command for this path alone, for a shell (the plan runs one command per tool);
    /// `null` for `ask-host`, which no command of yours does.
    pub(crate) command: Option<String>,
    /// The packed bytes it frees (versions shared with other paths stay).
    pub(crate) saves: u64,
}

/// The fix plan: one step per tool, in the order to run them; each offending path in one
/// step, each version's bytes counted in one step only, so the steps' `saves` add up to at
/// most what the packs hold.
#[derive(Debug, Clone, Default, Serialize)]
pub(crate) struct Plan {
    /// The steps.
    pub(crate) steps: Vec<Step>,
    /// What the steps free together (packed bytes): the sum of their `saves`.
    #[serde(skip)]
    pub(crate) frees: u64,
    /// What rewriting history means for everyone else, when a step rewrites it.
    pub(crate) rewrite_warning: Option<String>,
    /// Offenders the plan leaves alone: info findings.
    pub(crate) left_info: u64,
    /// Offenders the plan leaves alone: source code (a plan never removes source).
    pub(crate) left_source: u64,
}

/// One step of the plan.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Step {
    /// `remove`, `move-to-lfs`, `ask-host` or `prune-unreachable`.
    pub(crate) action: &'static str,
    /// The offenders it covers (paths, series as globs).
    pub(crate) paths: Vec<String>,
    /// `remove`: those of `paths` that are data a job keeps rewriting, to move out of the
    /// repository (change the job) before they are removed.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(crate) move_out: Vec<String>,
    /// `ask-host`: the refs the host keeps that reach them.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(crate) refs: Vec<String>,
    /// `remove`: the lines of the paths file `git filter-repo` reads ([`PATHS_FILE`]);
    /// `move-to-lfs`: the include patterns.
    pub(crate) lines: Vec<String>,
    /// The command (`ask-host` has none: only the host can remove its refs).
    pub(crate) command: Option<String>,
    /// Packed bytes it frees: what its offenders' versions take in the packs, each version
    /// counted in the first step that removes it.
    pub(crate) saves: u64,
    /// `move-to-lfs`: bytes the LFS store will hold (every version whole).
    pub(crate) lfs_bytes: Option<u64>,
}

/// Where the plan's `git filter-repo` reads the paths to remove (beside the mirror clone).
pub(crate) const PATHS_FILE: &str = "../pushgate-paths.txt";

/// The timeline of the audit (`audit.timeline` in JSON).
#[derive(Debug, Clone, Default, Serialize)]
pub(crate) struct Timeline {
    /// `month`, or `year` for a history longer than [`MAX_PERIODS`] months.
    pub(crate) period: &'static str,
    /// The periods, oldest first: `2024-03` (or `2024`), from the first commit's to the last
    /// one's, each one there whether or not a commit was made in it.
    pub(crate) periods: Vec<String>,
    /// The packed bytes held at the end of each period, by the pattern of the offender that
    /// holds them (every pattern, then `other`): each a value per period, cumulative.
    pub(crate) layers: Vec<Layer>,
    /// The costliest offenders the plan covers (at most [`CHARTED`]; not the members of a
    /// series already there), with their versions and bytes over time.
    pub(crate) offenders: Vec<Series>,
}

/// One layer of the timeline.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Layer {
    /// The pattern; `other` (`None`) for the blobs no offender holds.
    #[serde(serialize_with = "pattern_or_other")]
    pub(crate) pattern: Option<Pattern>,
    /// Packed bytes held at the end of each period (cumulative).
    pub(crate) packed: Vec<u64>,
}

/// One offender's versions and bytes over time.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Series {
    /// The offender's path (lossy UTF-8 in JSON).
    #[serde(serialize_with = "lossy")]
    pub(crate) path: BString,
    /// Its pattern.
    pub(crate) pattern: Pattern,
    /// The periods in which versions of it appeared, oldest first.
    pub(crate) points: Vec<Point>,
}

/// Where an offender stood at the end of a period in which it gained versions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct Point {
    /// The period's index in [`Timeline::periods`].
    pub(crate) index: usize,
    /// The period (`2024-03`).
    pub(crate) period: String,
    /// Versions it had by then.
    pub(crate) versions: u64,
    /// Their packed bytes.
    pub(crate) packed: u64,
}

fn pattern_or_other<S: serde::Serializer>(p: &Option<Pattern>, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(p.map_or("other", Pattern::key))
}

fn lossy<S: serde::Serializer>(path: &BString, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&path.to_str_lossy())
}
