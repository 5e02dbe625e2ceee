//! `pushgate audit`: the whole repository. Every object every ref reaches (and, on request,
//! what no ref reaches), every rule including the history-aware ones over the whole history,
//! what each offending path costs in the packs, how to get it out of history, and what the
//! object database holds.
//!
//! The walk diffs every commit while another thread reads the blobs it finds; that thread
//! first reads the pack indexes (while the walk lists commits) and takes blob sizes from them.
//! The per-path history comes from the changes the walk recorded, so no path is looked up
//! commit by commit.

use std::collections::{BTreeMap, HashMap};
use std::time::Instant;

use gix::ObjectId;
use gix::bstr::{BString, ByteSlice};

use crate::engine::{self, Past, Reading};
use crate::history::Facts;
use crate::outcome::Outcome;
use crate::outcome::{Level, Pattern};
use crate::packs::{Count, Kind, Packs, Statistics};
use crate::policy::Policy;
use crate::progress::Progress;
use crate::range::{Range, Tip, TipKind};
use crate::repo::RepoError;
use crate::rules::RuleId;
use crate::walk::Old;

mod refs;
pub(crate) mod result;
mod timeline;

use result::{Audit, Fix, Offender, PATHS_FILE, Plan, Repository, Share, Step, Timeline};

/// How many of the deepest chains of large objects the statistics name.
const DEEPEST_SHOWN: usize = 10;

/// The path under which blobs no ref reaches are reported.
pub(crate) const UNREACHABLE: &str = "(unreachable)";

/// What to audit.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// Also read the blobs no ref reaches (left in packs by rewritten or deleted branches).
    pub include_unreachable: bool,
}

/// An audit before it is reported: its [`Audit`], and what its offenders, shares and plan are
/// worked out from, to work them out again when a baseline takes findings away
/// ([`Draft::reconcile`]).
#[derive(Debug)]
pub struct Draft {
    /// The audit, as its reports read it.
    pub(crate) audit: Audit,
    /// When the blobs arrived, for the timeline.
    arrivals: timeline::Arrivals,
    /// Every path the history holds (a plan's globs must match offenders only).
    history: Vec<BString>,
    /// Files the churning-blob rule calls large (bytes): smaller data is moved out, not to LFS.
    large: u64,
    /// Some walked ref is one the host keeps for pull or merge requests (`refs/pull/*`, ...).
    host_refs: bool,
}

/// What rewriting history means for everyone else.
pub(crate) const REWRITE_WARNING: &str = "Rewriting history changes the id of every commit after the first one rewritten: agree on a time with everyone who pushes, rewrite a fresh mirror clone, force-push every branch and tag, and have every clone re-clone (old clones would push the objects back). Servers keep old objects until they are garbage-collected; ask your host to run it.";

/// What the rewrite warning adds when the repository holds refs the host keeps.
pub(crate) const HOST_REFS_WARNING: &str = "The refs the host keeps for pull and merge requests (refs/pull/*, refs/merge-requests/*) cannot be pushed: push the branches and tags (git push --force origin 'refs/heads/*:refs/heads/*' 'refs/tags/*:refs/tags/*'), not --mirror; what those refs still reach stays on the host until it removes them.";

/// Audit the repository under `policy`.
pub fn audit(
    repo: &gix::Repository,
    policy: &Policy,
    options: Options,
    progress: &dyn Progress,
) -> Result<Draft, RepoError> {
    audit_keeping(repo, policy, options, progress, None)
}

/// What keeps the facts of the whole history an audit read (the facts store's writer): it
/// takes them and how long the walk that read them took (milliseconds), and says what went
/// wrong, if anything did.
pub(crate) type Keep<'a> = &'a (dyn Fn(Facts, u64) -> Option<crate::outcome::Notice> + Sync);

/// [`audit`], handing the facts to `keep` (beside the work that follows the rules) instead of
/// leaving them in the draft; what `keep` says is one of the audit's notices.
pub(crate) fn audit_keeping(
    repo: &gix::Repository,
    policy: &Policy,
    options: Options,
    progress: &dyn Progress,
    keep: Option<Keep<'_>>,
) -> Result<Draft, RepoError> {
    let started = Instant::now();
    let mut range = Range::default();
    range
        .add_all_refs(repo)
        .map_err(|e| RepoError::read("reading refs", e))?;
    let refs = range.tips.len() as u64 + range.broken.len() as u64;
    let large = policy.file.rules.deep_delta_chain.min_size.0;

    // The blob reader reads the pack indexes and entry headers while the walk lists commits,
    // and then takes blob sizes from them.
    let (walked, tips, mut inspected, packs) = engine::inspect_walk_with_packs(
        repo,
        policy,
        progress,
        Reading::Whole,
        Some((large, DEEPEST_SHOWN)),
        |walker| {
            walker.record_changes();
            walker.walk(&range.tips, &Old::Reachable(&[]), None)
        },
    )?;
    let packs = packs.ok_or_else(|| RepoError::read("reading the packs", "the pack reader read none"))?;
    progress.steps("history", 4, "what no ref reaches");

    // What no ref reaches: everything the walk did not (blobs it read, trees it recorded,
    // its commits, the refs' tags). Counted beside the history's conclusions, unless those
    // objects are to be read too.
    let tags = tag_objects(repo);
    // The unreachable blobs read too, when they are (sorted): not the refs' objects.
    let mut unreachable_blobs: Vec<ObjectId> = Vec::new();
    let counted = if options.include_unreachable {
        let (unreachable, mut blobs) = unreached(&packs, &walked, &inspected.sizes, &tags);
        if !blobs.is_empty() {
            blobs.sort();
            blobs.dedup();
            let tips: Vec<Tip> = blobs
                .iter()
                .map(|&id| Tip {
                    id,
                    kind: TipKind::Blob,
                    name: UNREACHABLE.into(),
                })
                .collect();
            let (_, _, more) = engine::inspect_walk(repo, policy, progress, Reading::Exact, |walker| {
                walker.walk(&tips, &Old::Reachable(&[]), None)
            })?;
            inspected.absorb(more);
            unreachable_blobs = blobs;
        }
        Some(unreachable)
    } else {
        None
    };
    progress.step("reading the history of candidate paths");
    let sizes = std::mem::take(&mut inspected.sizes);
    let ref_names: Vec<BString> = range
        .tips
        .iter()
        .map(|t| t.name.clone())
        .chain(range.broken.iter().map(|(name, _)| name.clone()))
        .filter(|name| name != "HEAD")
        .collect();
    // The facts are gathered and the rules conclude while other threads count what no ref
    // reaches and work out the overview from what the walk read.
    let (unreachable, mut outcome, overview, facts, walk_ms) = std::thread::scope(|scope| {
        let (packs, walked, sizes, tags, ref_names) = (&packs, &walked, &sizes, &tags, &ref_names);
        let unreachable_blobs = &unreachable_blobs;
        let own = repo.clone();
        let overview = std::thread::Builder::new()
            .name("overview".into())
            .spawn_scoped(scope, move || {
                crate::overview::overview(&crate::overview::Sources {
                    repo: &own,
                    walked,
                    sizes,
                    packs,
                    refs: ref_names,
                    tags,
                    unreachable: unreachable_blobs,
                })
            })
            .map_err(|e| RepoError::read("starting the overview", e))?;
        // What no ref reaches: counted already, or being counted (`Err`) beside the rules.
        let counting = match counted {
            Some(unreachable) => Ok(unreachable),
            None => Err(std::thread::Builder::new()
                .name("unreachable".into())
                .spawn_scoped(scope, || unreached(packs, walked, sizes, tags).0)
                .map_err(|e| RepoError::read("starting the count of unreachable objects", e))?),
        };
        let facts = whole_facts(repo, walked, &tips, sizes, &inspected.touched);
        let walk_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
        let outcome = engine::conclude(repo, policy, true, walked, inspected, Past::Whole(&facts), started);
        let unreachable = match counting {
            Ok(unreachable) => unreachable,
            Err(counting) => counting
                .join()
                .map_err(|_| RepoError::read("counting unreachable objects", "the count failed"))?,
        };
        let outcome = outcome?;
        let overview = overview
            .join()
            .map_err(|_| RepoError::read("working out the overview", "it failed"))?;
        Ok::<_, RepoError>((unreachable, outcome, overview, facts, walk_ms))
    })?;
    let absent_blobs = sizes.absent() as u64;
    for (name, id) in &range.broken {
        outcome.notices.push(crate::outcome::Notice {
            kind: crate::outcome::NoticeKind::BrokenRef,
            message: format!(
                "{} points at {id}, which is not in the repository; skipped",
                crate::util::sanitize(name)
            ),
            path: None,
            blob: None,
        });
    }
    // The facts are kept (the store written) while the offenders' costs are worked out.
    std::thread::scope(|scope| {
        let writer = match keep {
            Some(keep) => Some(
                std::thread::Builder::new()
                    .name("facts store".into())
                    .spawn_scoped(scope, move || keep(facts, walk_ms))
                    .map_err(|e| RepoError::read("starting the facts store's writer", e))?,
            ),
            None => None,
        };
        progress.step("LFS attributes at the tips");
        crate::rules::at_tips(repo, &tips, true, &mut outcome.findings)?;
        outcome.summary.recount(&outcome.findings);
        progress.step("what each offender costs");
        let labels = refs::Labels::of(&walked, &range.tips);
        let host_refs = labels.any_host_refs();
        let axis = timeline::Axis::of(walked.commits.iter().map(|c| c.time));
        let periods: Vec<u32> = walked.commits.iter().map(|c| axis.index(c.time)).collect();
        let (arrivals, first) = timeline::Arrivals::read(axis, &walked, &periods, &packs);
        let when = Periods {
            commits: &periods,
            first_held: &first,
        };
        let offenders = offenders(&outcome, &walked, &packs, &sizes, policy, &labels, &when);
        drop((labels, first));
        let mut statistics = packs.statistics.clone();
        name_chains(&mut statistics, &walked);
        outcome.summary.duration_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
        let commits = walked.commits.len() as u64;
        let history = walked.recorded.map(|r| r.paths).unwrap_or_default();
        progress.finish();
        let mut draft = Draft {
            audit: Audit {
                outcome,
                repository: Repository {
                    refs,
                    commits,
                    statistics,
                    unreachable,
                    absent_blobs,
                },
                patterns: Vec::new(),
                offenders,
                plan: Plan::default(),
                overview,
                timeline: Timeline::default(),
            },
            arrivals,
            history,
            large: policy.file.rules.churning_blob.min_size.0,
            host_refs,
        };
        if let Some(writer) = writer {
            let said = writer
                .join()
                .map_err(|_| RepoError::read("keeping the facts", "the facts store's writer failed"))?;
            draft.audit.outcome.notices.extend(said);
        }
        draft.reconcile();
        Ok(draft)
    })
}

/// The facts of the whole history the walk read: what the history-aware rules judge, and what
/// the facts store keeps.
fn whole_facts(
    repo: &gix::Repository,
    walked: &crate::walk::Walked,
    tips: &[ObjectId],
    sizes: &crate::packs::Sizes,
    touched: &BTreeMap<BString, crate::candidate::Candidate>,
) -> Facts {
    let mut facts = Facts::new(repo.object_hash());
    facts.extend(&walked.commits, walked.recorded.as_ref(), Some(sizes));
    facts.shrink_to_fit();
    facts.truncated = !walked.truncated.is_empty();
    facts.tips = tips.to_vec();
    facts.tips.sort();
    facts.tips.dedup();
    facts.remember(touched);
    // Blobs no ref reaches are no path's.
    facts.read.remove(UNREACHABLE.as_bytes());
    facts
}

impl Draft {
    /// Bring the offenders, the shares and the plan in line with the findings, after
    /// something (a baseline) took findings away: an offender whose findings are all gone
    /// goes, the others keep the level, rules and first step of what is left.
    pub(crate) fn reconcile(&mut self) {
        let audit = &mut self.audit;
        let mut left: HashMap<&BString, Vec<&crate::outcome::Finding>> = HashMap::new();
        for f in &audit.outcome.findings {
            if let Some(path) = &f.path {
                left.entry(path).or_default().push(f);
            }
        }
        audit.offenders.retain_mut(|o| {
            let Some(findings) = left.get(&o.path) else {
                return false;
            };
            let (pattern, level) = primary(findings);
            let top = findings.iter().filter(|f| f.pattern == pattern).max_by_key(|f| f.level);
            if let Some(f) = top {
                o.suggestion.clone_from(&f.suggestion);
            }
            o.first_step = top.map(|f| crate::advice::first_step(f));
            o.pattern = pattern;
            o.level = level;
            o.rules = findings.iter().map(|f| f.rule).collect();
            o.rules.sort();
            o.rules.dedup();
            o.job = findings.iter().any(|f| crate::rules::written_by_job(&f.evidence));
            if let Some(v) = findings.iter().filter_map(|f| f.versions()).max() {
                o.versions = o.versions.max(v);
            }
            true
        });
        sort_offenders(&mut audit.offenders);
        audit.patterns = shares(&audit.offenders);
        audit.plan = plan(
            &mut audit.offenders,
            &self.history,
            self.large,
            audit.repository.unreachable.packed,
            self.host_refs,
        );
        audit.timeline = Timeline::build(&self.arrivals, &audit.offenders);
    }
}

/// A path's pattern and level: its most severe finding's; among equals, what the content is
/// (a backup, a database, a record) before how large it is.
fn primary(findings: &[&crate::outcome::Finding]) -> (Pattern, Level) {
    let preference = |p: Pattern| match p {
        Pattern::Backup => 3,
        Pattern::Database => 2,
        Pattern::AuditTrail => 1,
        Pattern::LargeChurn => 0,
    };
    findings
        .iter()
        .map(|f| (f.level, preference(f.pattern), f.pattern))
        .max()
        .map_or((Pattern::LargeChurn, Level::Info), |(level, _, pattern)| {
            (pattern, level)
        })
}

/// What each pattern's offenders occupy, each version counted once (under the first
/// offender that holds it).
fn shares(offenders: &[Offender]) -> Vec<Share> {
    let mut seen = Seen::of(offenders);
    let mut out: Vec<Share> = Pattern::ALL
        .iter()
        .map(|&pattern| Share {
            pattern,
            paths: 0,
            packed: 0,
            unpacked: 0,
        })
        .collect();
    for o in offenders {
        let Some(share) = out.iter_mut().find(|s| s.pattern == o.pattern) else {
            continue;
        };
        share.paths += 1;
        for (i, &(id, packed, unpacked)) in o.blobs.iter().enumerate() {
            if seen.insert(id, o.number(i)) {
                share.packed += packed;
                share.unpacked += unpacked;
            }
        }
    }
    out
}

impl Offender {
    /// The number of its `i`th version among the blobs the walk's changes name (`u32::MAX`:
    /// none).
    fn number(&self, i: usize) -> u32 {
        self.numbers.get(i).copied().unwrap_or(u32::MAX)
    }
}

/// Which of the offenders' versions were counted already: a flag per number among the blobs
/// the walk's changes name, the others by id (a series and its members share versions).
pub(crate) struct Seen {
    numbered: Vec<bool>,
    others: gix::hashtable::HashSet<ObjectId>,
}

impl Seen {
    /// None yet, of the versions of `offenders`.
    pub(crate) fn of(offenders: &[Offender]) -> Seen {
        let numbered = offenders
            .iter()
            .flat_map(|o| o.numbers.iter())
            .filter(|&&n| n != u32::MAX)
            .max()
            .map_or(0, |&n| n as usize + 1);
        Seen {
            numbered: vec![false; numbered],
            others: Default::default(),
        }
    }

    /// Count `id`, numbered `number`; whether it was new.
    pub(crate) fn insert(&mut self, id: ObjectId, number: u32) -> bool {
        match self.numbered.get_mut(number as usize) {
            Some(seen) => !std::mem::replace(seen, true),
            None => self.others.insert(id),
        }
    }

    /// Whether `id`, numbered `number`, was counted.
    pub(crate) fn contains(&self, id: &ObjectId, number: u32) -> bool {
        match self.numbered.get(number as usize) {
            Some(seen) => *seen,
            None => self.others.contains(id),
        }
    }
}

fn sort_offenders(offenders: &mut [Offender]) {
    offenders.sort_by(|a, b| {
        (
            a.pattern,
            std::cmp::Reverse(a.packed),
            std::cmp::Reverse(a.level),
            &a.path,
        )
            .cmp(&(
                b.pattern,
                std::cmp::Reverse(b.packed),
                std::cmp::Reverse(b.level),
                &b.path,
            ))
    });
}

/// A path for each of the deepest chains, from the changes the walk recorded.
fn name_chains(statistics: &mut Statistics, walked: &crate::walk::Walked) {
    let Some(recorded) = &walked.recorded else { return };
    let mut wanted: HashMap<u32, usize> = statistics
        .deepest
        .iter()
        .enumerate()
        .filter_map(|(i, c)| Some((recorded.blobs.find(&c.id)?, i)))
        .collect();
    for change in &recorded.changes {
        if wanted.is_empty() {
            break;
        }
        if let Some(i) = change.blob().and_then(|b| wanted.remove(&b))
            && let (Some(chain), Some(path)) = (statistics.deepest.get_mut(i), recorded.paths.get(change.path as usize))
        {
            chain.path = Some(path.to_str_lossy().into_owned());
        }
    }
}

/// Annotated tags the refs reach (tags of tags included).
fn tag_objects(repo: &gix::Repository) -> Vec<ObjectId> {
    let mut tags = Vec::new();
    let Ok(platform) = repo.references() else {
        return tags;
    };
    let Ok(refs) = platform.all() else { return tags };
    for r in refs.flatten() {
        let Some(mut id) = r.try_id().map(|id| id.detach()) else {
            continue;
        };
        // Bounded: a tag chain longer than this is not worth following.
        for _ in 0..64 {
            let Ok(object) = repo.find_object(id) else { break };
            if object.kind != gix::object::Kind::Tag {
                break;
            }
            tags.push(id);
            match object.try_into_tag().ok().and_then(|t| t.target_id().ok()) {
                Some(target) => id = target.detach(),
                None => break,
            }
        }
    }
    tags
}

/// What no ref reaches: every object the walk did not reach (blobs it read, trees it
/// recorded, its commits, the refs' `tags`), counted, and the blobs among them.
fn unreached(
    packs: &Packs,
    walked: &crate::walk::Walked,
    sizes: &crate::packs::Sizes,
    tags: &[ObjectId],
) -> (Count, Vec<ObjectId>) {
    let mut commits_and_tags: gix::hashtable::HashSet<ObjectId> = walked.commits.iter().map(|c| c.id).collect();
    commits_and_tags.extend(tags.iter().copied());
    let trees = walked.recorded.as_ref().map(|r| &r.trees);
    let reached = |id: &ObjectId, kind: Kind| match kind {
        Kind::Blob => sizes.contains(id),
        Kind::Tree => trees.is_some_and(|t| t.contains(id)),
        Kind::Commit | Kind::Tag => commits_and_tags.contains(id),
    };
    let mut unreachable = Count::default();
    let mut blobs = Vec::new();
    packs.each(|id, kind, packed, unpacked| {
        if !reached(&id, kind) && !id.is_empty_tree() {
            unreachable.add(packed, unpacked);
            if kind == Kind::Blob {
                blobs.push(id);
            }
        }
    });
    (unreachable, blobs)
}

/// The periods (of the timeline) the history's commits and blobs fall in.
struct Periods<'a> {
    /// Each commit's, by index in the walk.
    commits: &'a [u32],
    /// Each blob's first (the period of the first commit that holds it), by its number among
    /// the blobs the recorded changes name; `u32::MAX`: none.
    first_held: &'a [u32],
}

/// One offender per path with findings, with what its versions cost.
fn offenders(
    outcome: &Outcome,
    walked: &crate::walk::Walked,
    packs: &Packs,
    sizes: &crate::packs::Sizes,
    policy: &Policy,
    labels: &refs::Labels,
    when: &Periods<'_>,
) -> Vec<Offender> {
    let (periods, first) = (when.commits, when.first_held);
    let mut groups: BTreeMap<BString, Vec<&crate::outcome::Finding>> = BTreeMap::new();
    for f in &outcome.findings {
        if let Some(path) = &f.path {
            groups.entry(path.clone()).or_default().push(f);
        }
    }
    // The changes of each offender's files (a subject's members, or its path), from what the
    // walk recorded: their indices there.
    let recorded = walked.recorded.as_ref();
    let no_changes = Vec::new();
    let recorded_changes = recorded.map_or(&no_changes, |r| &r.changes);
    // The packs the recorded blobs are numbered by, when they are.
    let numbered = recorded.and_then(|r| r.blobs.packs());
    // By path number: each recorded change looks its path up here.
    let mut slot_of: Vec<Vec<usize>> = vec![Vec::new(); recorded.map_or(0, |r| r.paths.len())];
    let mut files_of: Vec<Vec<BString>> = Vec::with_capacity(groups.len());
    for (slot, findings) in groups.values().enumerate() {
        let mut files: Vec<BString> = findings.iter().flat_map(|f| f.files()).cloned().collect();
        files.sort();
        files.dedup();
        for file in &files {
            if let Some(slots) = recorded
                .and_then(|r| r.index.get(file))
                .and_then(|&p| slot_of.get_mut(p as usize))
            {
                slots.push(slot);
            }
        }
        files_of.push(files);
    }
    let mut changes: Vec<Vec<u32>> = vec![Vec::new(); groups.len()];
    for (i, change) in recorded_changes.iter().enumerate() {
        if let Some(slots) = slot_of.get(change.path as usize).filter(|s| !s.is_empty()) {
            let i = u32::try_from(i).unwrap_or(u32::MAX);
            for &slot in slots {
                if let Some(list) = changes.get_mut(slot) {
                    list.push(i);
                }
            }
        }
    }
    groups
        .into_iter()
        .zip(files_of)
        .zip(changes)
        .map(|(((path, findings), files), mine)| {
            let mine: Vec<&crate::history::commit::PathChange> =
                mine.iter().filter_map(|&i| recorded_changes.get(i as usize)).collect();
            // Each version once, with its number among the recorded changes' blobs (`None`:
            // a finding's blob no change names).
            let mut numbers: Vec<u32> = mine.iter().filter_map(|c| c.blob()).collect();
            numbers.sort_unstable();
            numbers.dedup();
            let mut versions: Vec<(ObjectId, Option<u32>)> = numbers
                .iter()
                .filter_map(|&n| Some((recorded?.blob_id(n)?, Some(n))))
                .collect();
            drop(numbers);
            versions.extend(
                findings
                    .iter()
                    .filter_map(|f| f.blob)
                    .map(|id| (id, recorded.and_then(|r| r.blobs.find(&id)))),
            );
            versions.sort();
            versions.dedup_by_key(|v| v.0);
            // Bytes as stored and whole size (`None`: unknown) of each version: by its number
            // where the packs number it, a lookup by id otherwise.
            let cost = |v: &ObjectId, n: Option<u32>| -> (u64, Option<u64>) {
                if let (Some(own), Some(n)) = (numbered, n)
                    && let Some(at) = own.located(n)
                    && let Some(size) = sizes.get_by_number(own, n)
                {
                    return (own.packed_at(at).unwrap_or(0), size.flatten());
                }
                (packs.packed_size(v).unwrap_or(0), sizes.get(v).flatten())
            };
            let costs: Vec<(u64, Option<u64>)> = versions.iter().map(|(v, n)| cost(v, *n)).collect();
            let blobs: Vec<(ObjectId, u64, u64)> = versions
                .iter()
                .zip(&costs)
                .map(|((v, _), (packed, size))| (*v, *packed, size.unwrap_or(0)))
                .collect();
            let known: Vec<u64> = costs.iter().filter_map(|(_, size)| *size).collect();
            drop(costs);
            let time =
                |c: &crate::history::commit::PathChange| walked.commits.get(c.commit as usize).map_or(0, |c| c.time);
            let mut times: Vec<i64> = mine.iter().map(|c| time(c)).collect();
            let reach = labels.reach(mine.iter().filter(|c| c.blob().is_some()).map(|c| c.commit));
            times.sort_unstable();
            let (pattern, level) = primary(&findings);
            let mut rules: Vec<RuleId> = findings.iter().map(|f| f.rule).collect();
            rules.sort();
            rules.dedup();
            // A version count a rule reports (the versions a collapsed finding stood for) is
            // never more than the offender says.
            let counted = versions.len() as u64;
            let reported = findings.iter().filter_map(|f| f.versions()).max().unwrap_or(0);
            let introduced = timeline::introduced(
                mine.iter()
                    .filter_map(|c| Some((periods.get(c.commit as usize).copied().unwrap_or(0), c.blob()?))),
                versions
                    .iter()
                    .zip(&blobs)
                    .map(|((_, n), (_, packed, _))| (*n, *packed)),
            );
            Offender {
                pattern,
                level,
                rules,
                versions: counted.max(reported),
                unknown_versions: (versions.len() - known.len().min(versions.len())) as u64,
                first_change: times.first().copied(),
                last_change: times.last().copied(),
                changes: times.len() as u64,
                cadence: cadence(&times),
                packed: blobs.iter().map(|b| b.1).sum(),
                unpacked: known.iter().sum(),
                suggestion: findings
                    .iter()
                    .filter(|f| f.pattern == pattern)
                    .max_by_key(|f| f.level)
                    .map_or_else(|| policy.suggestion(pattern).to_owned(), |f| f.suggestion.clone()),
                refs: reach.refs,
                more_refs: reach.more,
                host_refs_only: reach.host_only,
                fix: None,
                first_step: None,
                job: findings.iter().any(|f| crate::rules::written_by_job(&f.evidence)),
                largest: known.iter().copied().max().unwrap_or(0),
                introduced,
                arrived: versions
                    .iter()
                    .map(|(_, n)| {
                        n.and_then(|n| first.get(recorded?.blobs.dense(n)))
                            .copied()
                            .unwrap_or(u32::MAX)
                    })
                    .collect(),
                numbers: versions
                    .iter()
                    .map(|(_, n)| {
                        n.and_then(|n| u32::try_from(recorded?.blobs.dense(n)).ok())
                            .unwrap_or(u32::MAX)
                    })
                    .collect(),
                blobs,
                files,
                path,
            }
        })
        .collect()
}

/// The schedule a path's changes keep, when most intervals fit one.
fn cadence(times: &[i64]) -> Option<String> {
    /// Changes needed before a schedule means anything.
    const MIN_CHANGES: usize = 5;
    /// Share of intervals that must fit the period.
    const MIN_FIT: f64 = 0.8;
    if times.len() < MIN_CHANGES {
        return None;
    }
    let (period, fit) = crate::history::cadence::regularity(times);
    (fit >= MIN_FIT && period > 0).then(|| crate::history::cadence::period_text(period))
}

/// How the plan treats one offender.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Action {
    /// Data a job rewrites: moved out of the repository, then removed from history.
    MoveOut,
    /// Removed from history.
    Remove,
    /// Into Git LFS: large files that belong with the code, just not in its packs.
    Lfs,
    /// Only refs the host keeps reach it: the host removes them, no rewrite does.
    AskHost,
    /// Unreachable objects: expire the reflogs, prune.
    Prune,
    /// Left alone: an info finding.
    LeaveInfo,
    /// Left alone: source code, however it is marked.
    LeaveSource,
}

impl Action {
    fn key(self) -> &'static str {
        match self {
            Action::LeaveInfo | Action::LeaveSource => "none",
            Action::Prune => "prune-unreachable",
            Action::MoveOut => "move-out",
            Action::Lfs => "move-to-lfs",
            Action::AskHost => "ask-host",
            Action::Remove => "remove",
        }
    }
}

/// What the plan does with `o`. Warn and deny findings only; never source code; what only the
/// host's refs reach is the host's to remove; data a job keeps rewriting is moved out, not
/// into LFS (every version would become a whole LFS object, where git stores small deltas).
fn action(o: &Offender, large: u64) -> Action {
    if o.level < Level::Warn {
        return Action::LeaveInfo;
    }
    if o.path == UNREACHABLE {
        return Action::Prune;
    }
    // Source code named or marked as generated, or re-rendered by a job, is still source; a
    // `.sql` file whose content is a dump is a dump.
    let source = |p: &BString| crate::rules::paths::is_source_code(crate::util::split_path(p.as_bstr()).1);
    let by_name_only = o
        .rules
        .iter()
        .all(|r| matches!(r, RuleId::GeneratedArtifact | RuleId::MachineCadence));
    if by_name_only && (o.files.iter().any(source) || source(&o.path)) {
        return Action::LeaveSource;
    }
    if o.host_refs_only {
        return Action::AskHost;
    }
    let job = o.job
        || o.rules
            .iter()
            .any(|r| matches!(r, RuleId::DataChurn | RuleId::MachineCadence));
    if job || (o.pattern == Pattern::LargeChurn && o.largest < large && o.versions > 1) {
        return Action::MoveOut;
    }
    if o.pattern == Pattern::LargeChurn {
        return Action::Lfs;
    }
    Action::Remove
}

/// Expire the reflogs and prune what no ref reaches: no history is rewritten.
const PRUNE: &str = "git reflog expire --expire-unreachable=now --all && git gc --prune=now";

/// The actions of `offenders`, with each file in one step: a file that two offenders hold (a
/// member of a folded subject that is also churning on its own) takes the first of their
/// actions in the plan's order, so that data a job rewrites is moved out and removed, never
/// also moved to LFS.
fn actions(offenders: &[Offender], large: u64) -> Vec<Action> {
    let mut actions: Vec<Action> = offenders.iter().map(|o| action(o, large)).collect();
    let files = |o: &Offender| -> Vec<BString> {
        if o.files.is_empty() {
            vec![o.path.clone()]
        } else {
            o.files.clone()
        }
    };
    let mut first: HashMap<BString, Action> = HashMap::new();
    for (o, &a) in offenders.iter().zip(&actions) {
        if a <= Action::AskHost {
            for file in files(o) {
                let slot = first.entry(file).or_insert(a);
                *slot = (*slot).min(a);
            }
        }
    }
    for (o, a) in offenders.iter().zip(actions.iter_mut()) {
        if *a <= Action::AskHost
            && let Some(earlier) = files(o).iter().filter_map(|f| first.get(f)).min()
        {
            *a = (*a).min(*earlier);
        }
    }
    actions
}

/// The plan for `offenders` (setting each one's `fix`): one `git filter-repo` for everything
/// removed (the data a job rewrites among it, to move out first), one `git lfs migrate import`
/// and a prune for everything moved to LFS, what only the host's refs reach, and a prune of
/// unreachable objects; series become globs that `history` shows match nothing else. Each
/// version's bytes count in the first step that frees them.
fn plan(offenders: &mut [Offender], history: &[BString], large: u64, unreachable: u64, host_refs: bool) -> Plan {
    let mut plan = Plan::default();
    let actions = actions(offenders, large);
    let mut by: BTreeMap<Action, Vec<usize>> = BTreeMap::new();
    for (i, (o, &action)) in offenders.iter_mut().zip(&actions).enumerate() {
        let quoted = crate::util::shell_quote(&o.path);
        let glob = o.path.contains(&b'*');
        let command = match action {
            Action::LeaveInfo => {
                plan.left_info += 1;
                continue;
            }
            Action::LeaveSource => {
                plan.left_source += 1;
                continue;
            }
            Action::AskHost => None,
            Action::Prune => Some(PRUNE.to_owned()),
            Action::Lfs => Some(format!(
                "git lfs migrate import --include={quoted} --everything && {PRUNE}"
            )),
            Action::MoveOut | Action::Remove if glob => {
                Some(format!("git filter-repo --path-glob {quoted} --invert-paths"))
            }
            Action::MoveOut | Action::Remove => Some(format!("git filter-repo --path {quoted} --invert-paths")),
        };
        o.fix = Some(Fix {
            action: action.key(),
            command,
            saves: o.packed,
        });
        by.entry(action).or_default().push(i);
    }
    let display = |i: &usize| {
        offenders
            .get(*i)
            .map(|o| crate::util::sanitize(&o.path))
            .unwrap_or_default()
    };
    // Each version once, in the first step that frees it: a series and its members, or a
    // subject and a member reported on its own, share theirs.
    let mut seen = Seen::of(offenders);
    let mut saves = |list: &[usize]| -> u64 {
        list.iter()
            .filter_map(|i| offenders.get(*i))
            .map(|o| {
                if o.blobs.is_empty() {
                    return o.packed;
                }
                (o.blobs.iter().enumerate())
                    .filter(|(i, b)| seen.insert(b.0, o.number(*i)))
                    .map(|(_, b)| b.1)
                    .sum::<u64>()
            })
            .sum()
    };
    let moved = by.get(&Action::MoveOut).cloned().unwrap_or_default();
    let removed: Vec<usize> = moved
        .iter()
        .chain(by.get(&Action::Remove).into_iter().flatten())
        .copied()
        .collect();
    if !removed.is_empty() {
        let members: Vec<&Offender> = removed.iter().filter_map(|i| offenders.get(*i)).collect();
        plan.steps.push(Step {
            action: Action::Remove.key(),
            paths: removed.iter().map(display).collect(),
            move_out: moved.iter().map(display).collect(),
            refs: Vec::new(),
            lines: paths_file(&members, history),
            command: Some(format!("git filter-repo --paths-from-file {PATHS_FILE} --invert-paths")),
            saves: saves(&removed),
            lfs_bytes: None,
        });
    }
    if let Some(lfs) = by.get(&Action::Lfs) {
        let members: Vec<&Offender> = lfs.iter().filter_map(|i| offenders.get(*i)).collect();
        let includes: Vec<String> = paths_file(&members, history)
            .into_iter()
            .map(|l| l.strip_prefix("glob:").map(str::to_owned).unwrap_or(l))
            .collect();
        plan.steps.push(Step {
            action: Action::Lfs.key(),
            paths: lfs.iter().map(display).collect(),
            move_out: Vec::new(),
            refs: Vec::new(),
            command: Some(format!(
                "git lfs migrate import --include={} --everything && {PRUNE}",
                crate::util::shell_quote(includes.join(","))
            )),
            lines: includes,
            saves: saves(lfs),
            lfs_bytes: Some(members.iter().map(|o| o.unpacked).sum()),
        });
    }
    if let Some(host) = by.get(&Action::AskHost) {
        let mut refs: Vec<String> = host
            .iter()
            .filter_map(|i| offenders.get(*i))
            .flat_map(|o| o.refs.iter().cloned())
            .collect();
        refs.sort();
        refs.dedup();
        plan.steps.push(Step {
            action: Action::AskHost.key(),
            paths: host.iter().map(display).collect(),
            move_out: Vec::new(),
            refs,
            lines: Vec::new(),
            command: None,
            saves: saves(host),
            lfs_bytes: None,
        });
    }
    if by.contains_key(&Action::Prune) {
        plan.steps.push(Step {
            action: Action::Prune.key(),
            paths: vec![UNREACHABLE.to_owned()],
            move_out: Vec::new(),
            refs: Vec::new(),
            lines: Vec::new(),
            command: Some(PRUNE.to_owned()),
            saves: unreachable,
            lfs_bytes: None,
        });
    }
    if by.keys().any(|&k| k <= Action::Lfs) {
        let mut warning = REWRITE_WARNING.to_owned();
        if host_refs {
            warning.push(' ');
            warning.push_str(HOST_REFS_WARNING);
        }
        plan.rewrite_warning = Some(warning);
    }
    plan.frees = plan.steps.iter().map(|s| s.saves).sum();
    plan
}

/// Series of at least this many files in one directory become one glob.
const SERIES: usize = 3;

/// The lines of a `git filter-repo --paths-from-file` file naming exactly the files of
/// `offenders`: a path per line, a series as one `glob:` line (`*` there matches `/` too),
/// and only globs that match nothing else in `history`. A path the file cannot spell (a
/// control character, invalid UTF-8, `==>`) is matched by `?` in its place.
fn paths_file(offenders: &[&Offender], history: &[BString]) -> Vec<String> {
    let mut targets: std::collections::HashSet<&[u8]> = std::collections::HashSet::new();
    for o in offenders {
        targets.insert(o.path.as_slice());
        targets.extend(o.files.iter().map(|f| f.as_slice()));
    }
    // Only what the plan removes: a glob or a directory that reaches anything else is spelt
    // out file by file.
    let only_targets = |glob: &[u8]| {
        history
            .iter()
            .filter(|p| glob_match(glob, p))
            .all(|p| targets.contains(p.as_slice()))
    };
    let mut globs: Vec<Vec<u8>> = Vec::new();
    let mut literals: Vec<&[u8]> = Vec::new();
    for o in offenders {
        let path = o.path.as_slice();
        let glob = path.contains(&b'*') && !path.contains(&b'[') && only_targets(path);
        let dir = path.ends_with(b"/")
            && history
                .iter()
                .filter(|p| p.starts_with(path))
                .all(|p| targets.contains(p.as_slice()));
        if glob {
            globs.push(path.to_vec());
        } else if dir || o.files.is_empty() {
            literals.push(path);
        } else {
            literals.extend(o.files.iter().map(|f| f.as_slice()));
        }
    }
    literals.retain(|l| !globs.iter().any(|g| glob_match(g, l)));
    // Series: files of one directory whose names differ in their digits only.
    let mut series: BTreeMap<Vec<u8>, Vec<&[u8]>> = BTreeMap::new();
    for &l in &literals {
        if l.iter().any(u8::is_ascii_digit) && !l.iter().any(|b| b"*?[\\".contains(b)) {
            let (dir, name) = crate::util::split_path(l.as_bstr());
            let mut glob = dir.to_vec();
            if !glob.is_empty() {
                glob.push(b'/');
            }
            glob.extend(digits_to_glob(name));
            series.entry(glob).or_default().push(l);
        }
    }
    for (glob, members) in series {
        if members.len() >= SERIES && only_targets(&glob) {
            globs.push(glob);
        }
    }
    let mut lines: Vec<String> = globs.iter().map(|g| format!("glob:{}", spell(g))).collect();
    for l in literals {
        if globs.iter().any(|g| glob_match(g, l)) {
            continue;
        }
        let plain = crate::util::sanitize(l) == l.to_str_lossy()
            && l.find(b"==>").is_none()
            && !l.starts_with(b"#")
            && l.trim_ascii() == l;
        lines.push(if plain {
            match l.to_str() {
                Ok(text) if ["literal:", "glob:", "regex:"].iter().any(|p| text.starts_with(p)) => {
                    format!("literal:{text}")
                }
                _ => l.to_str_lossy().into_owned(),
            }
        } else {
            format!("glob:{}", spell(l))
        });
    }
    lines.sort();
    lines.dedup();
    lines
}

/// `name` as a glob that matches it whatever its numbers: each run of digits as `*` (a series of
/// dated copies, `db-*-*-*.sql`). Not [`crate::util::fold_digits`], whose `#` template groups
/// paths and messages.
fn digits_to_glob(name: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(name.len());
    for &b in name {
        if b.is_ascii_digit() {
            if out.last() != Some(&b'*') {
                out.push(b'*');
            }
        } else {
            out.push(b);
        }
    }
    out
}

/// A glob as text: what cannot stand in a line of text (control characters, invalid UTF-8,
/// the `==>` of a rename) becomes `?`, one per byte.
fn spell(glob: &[u8]) -> String {
    let mut out = String::new();
    for chunk in glob.utf8_chunks() {
        for c in chunk.valid().chars() {
            if c.is_control() || crate::util::sanitize(c.to_string().as_bytes()).len() != c.len_utf8() || c == '=' {
                out.extend(std::iter::repeat_n('?', c.len_utf8()));
            } else {
                out.push(c);
            }
        }
        out.extend(std::iter::repeat_n('?', chunk.invalid().len()));
    }
    out
}

/// Whether `glob` matches `path` as `git filter-repo` matches a `glob:` line (Python's
/// `fnmatch`: `*` any bytes, `/` included; `?` one byte).
fn glob_match(glob: &[u8], path: &[u8]) -> bool {
    let (mut g, mut p) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while p < path.len() {
        match glob.get(g) {
            Some(b'*') => {
                star = Some((g, p));
                g += 1;
            }
            Some(&c) if c == b'?' || path.get(p) == Some(&c) => {
                g += 1;
                p += 1;
            }
            _ => match star {
                Some((sg, sp)) => {
                    g = sg + 1;
                    p = sp + 1;
                    star = Some((sg, sp + 1));
                }
                None => return false,
            },
        }
    }
    glob.get(g..).is_some_and(|rest| rest.iter().all(|&b| b == b'*'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn offender(path: &str, pattern: Pattern, level: Level, rules: &[RuleId], files: &[&str]) -> Offender {
        Offender {
            pattern,
            path: path.into(),
            level,
            rules: rules.to_vec(),
            versions: 10,
            unknown_versions: 0,
            first_change: None,
            last_change: None,
            changes: 10,
            cadence: None,
            packed: 1000,
            unpacked: 50_000,
            suggestion: String::new(),
            refs: vec!["refs/heads/main".into()],
            more_refs: false,
            host_refs_only: false,
            fix: None,
            first_step: None,
            job: false,
            blobs: Vec::new(),
            files: files.iter().map(|&f| f.into()).collect(),
            largest: 5_000,
            introduced: Vec::new(),
            arrived: Vec::new(),
            numbers: Vec::new(),
        }
    }

    fn history(paths: &[&str]) -> Vec<BString> {
        paths.iter().map(|&p| p.into()).collect()
    }

    #[test]
    fn per_path_fixes_quote_paths_for_the_shell() {
        let mut list = vec![
            offender(
                "it's/data.db",
                Pattern::Database,
                Level::Deny,
                &[RuleId::DatabaseFile],
                &["it's/data.db"],
            ),
            offender(
                "a b/model.bin",
                Pattern::LargeChurn,
                Level::Deny,
                &[RuleId::ChurningBlob],
                &["a b/model.bin"],
            ),
            offender(
                "x\u{1b}[2J.sql",
                Pattern::Backup,
                Level::Deny,
                &[RuleId::DatabaseDump],
                &[],
            ),
            offender(
                "archive/*/db-*.*",
                Pattern::Backup,
                Level::Warn,
                &[RuleId::BackupFile],
                &["archive/1/db-1.tar"],
            ),
        ];
        list[1].largest = 10 << 20;
        let plan = plan(&mut list, &history(&["archive/1/db-1.tar"]), 1 << 20, 0, false);
        let command = |i: usize| list[i].fix.as_ref().and_then(|f| f.command.clone()).unwrap_or_default();
        assert_eq!(command(0), r"git filter-repo --path 'it'\''s/data.db' --invert-paths");
        assert_eq!(
            command(1),
            format!("git lfs migrate import --include='a b/model.bin' --everything && {PRUNE}")
        );
        assert!(!command(2).contains('\u{1b}'), "{}", command(2));
        assert_eq!(
            command(3),
            "git filter-repo --path-glob 'archive/*/db-*.*' --invert-paths"
        );
        // One rewrite per tool.
        let actions: Vec<&str> = plan.steps.iter().map(|s| s.action).collect();
        assert_eq!(actions, ["remove", "move-to-lfs"]);
        let remove = &plan.steps[0];
        assert_eq!(
            remove.lines,
            ["glob:archive/*/db-*.*", "glob:x?[2J.sql", "it's/data.db"],
            "a control character is a `?` in a glob"
        );
        assert!(plan.rewrite_warning.is_some());
    }

    #[test]
    fn the_plan_covers_warn_and_deny_and_never_source() {
        let mut list = vec![
            offender(
                "test/helpers/db.py",
                Pattern::AuditTrail,
                Level::Info,
                &[RuleId::GeneratedArtifact],
                &[],
            ),
            offender(
                "README.md",
                Pattern::AuditTrail,
                Level::Warn,
                &[RuleId::MachineCadence],
                &["README.md"],
            ),
            offender(
                "db/dump.sql",
                Pattern::Backup,
                Level::Deny,
                &[RuleId::DatabaseDump],
                &["db/dump.sql"],
            ),
        ];
        let plan = plan(
            &mut list,
            &history(&["db/dump.sql", "README.md", "test/helpers/db.py"]),
            1 << 20,
            0,
            false,
        );
        assert_eq!(plan.steps.len(), 1);
        assert_eq!(
            plan.steps[0].lines,
            ["db/dump.sql"],
            "a dump named .sql is still a dump"
        );
        assert_eq!((plan.left_info, plan.left_source), (1, 1));
        assert!(list[0].fix.is_none() && list[1].fix.is_none());
    }

    #[test]
    fn small_data_a_job_rewrites_is_moved_out_not_to_lfs() {
        // A small file under large-churn (an LFS path a job commits raw), and data a job
        // rewrites: both moved out. A large model goes to LFS.
        let mut list = vec![
            offender(
                "data/prices.json",
                Pattern::LargeChurn,
                Level::Deny,
                &[RuleId::LfsBypassed],
                &["data/prices.json"],
            ),
            offender(
                "feeds/a.json",
                Pattern::Database,
                Level::Warn,
                &[RuleId::DataChurn, RuleId::ChurningBlob],
                &["feeds/a.json"],
            ),
            offender(
                "model.bin",
                Pattern::LargeChurn,
                Level::Deny,
                &[RuleId::ChurningBlob],
                &["model.bin"],
            ),
        ];
        list[2].largest = 6 << 20;
        let plan = plan(
            &mut list,
            &history(&["data/prices.json", "feeds/a.json", "model.bin"]),
            1 << 20,
            0,
            false,
        );
        let actions: Vec<&str> = plan.steps.iter().map(|s| s.action).collect();
        assert_eq!(actions, ["remove", "move-to-lfs"]);
        assert_eq!(plan.steps[0].paths, ["data/prices.json", "feeds/a.json"]);
        assert_eq!(plan.steps[0].move_out, ["data/prices.json", "feeds/a.json"]);
        assert_eq!(plan.steps[0].saves, 2000);
        assert_eq!(plan.steps[0].lines, ["data/prices.json", "feeds/a.json"]);
        assert_eq!(plan.steps[1].lines, ["model.bin"]);
        assert_eq!(plan.steps[1].lfs_bytes, Some(50_000));
        assert!(
            plan.steps[1].command.as_deref().is_some_and(|c| c.ends_with(PRUNE)),
            "LFS frees the packs once the old versions are pruned"
        );
    }

    #[test]
    fn a_file_in_a_folded_subject_and_churning_on_its_own_is_in_one_step() {
        // `data/*.json` is data a job rewrites; `data/counties.json`, one of its files, is also
        // large enough to churn on its own. Each version is counted once, in the removal.
        let blob = |n: u8| ObjectId::from_bytes_or_panic(&[n; 20]);
        let mut subject = offender(
            "data/*.json",
            Pattern::Database,
            Level::Warn,
            &[RuleId::DataChurn],
            &["data/counties.json", "data/states.json"],
        );
        subject.blobs = vec![(blob(1), 100, 1000), (blob(2), 200, 2000), (blob(3), 5, 50)];
        let mut counties = offender(
            "data/counties.json",
            Pattern::LargeChurn,
            Level::Deny,
            &[RuleId::ChurningBlob],
            &["data/counties.json"],
        );
        counties.blobs = vec![(blob(1), 100, 1000), (blob(2), 200, 2000)];
        counties.largest = 2 << 20;
        let mut list = vec![subject, counties];
        let plan = plan(
            &mut list,
            &history(&["data/counties.json", "data/states.json"]),
            1 << 20,
            0,
            false,
        );
        let actions: Vec<&str> = plan.steps.iter().map(|s| s.action).collect();
        assert_eq!(actions, ["remove"], "{plan:#?}");
        assert_eq!(plan.steps[0].saves, 305);
        assert_eq!(list[1].fix.as_ref().map(|f| f.action), Some("move-out"));
    }

    #[test]
    fn what_only_the_hosts_refs_reach_is_the_hosts_to_remove() {
        let mut pull = offender(
            "dump.sql",
            Pattern::Backup,
            Level::Deny,
            &[RuleId::DatabaseDump],
            &["dump.sql"],
        );
        pull.refs = vec!["refs/pull/1/head".into()];
        pull.host_refs_only = true;
        let mut list = vec![pull];
        let plan = plan(&mut list, &history(&["dump.sql"]), 1 << 20, 0, true);
        let actions: Vec<&str> = plan.steps.iter().map(|s| s.action).collect();
        assert_eq!(actions, ["ask-host"]);
        assert_eq!(plan.steps[0].refs, ["refs/pull/1/head"]);
        assert!(plan.steps[0].command.is_none());
        assert!(
            plan.rewrite_warning.is_none(),
            "nothing to rewrite, nothing to force-push"
        );
        assert_eq!(list[0].fix.as_ref().map(|f| f.action), Some("ask-host"));
    }

    #[test]
    fn series_become_globs_that_match_nothing_else() {
        let dumps = [
            "backups/db-2024-01-01.sql",
            "backups/db-2024-01-02.sql",
            "backups/db-2024-01-03.sql",
        ];
        let mut list: Vec<Offender> = dumps
            .iter()
            .map(|&d| offender(d, Pattern::Backup, Level::Deny, &[RuleId::DatabaseDump], &[d]))
            .collect();
        let all = history(&dumps);
        assert_eq!(
            plan(&mut list, &all, 1, 0, false).steps[0].lines,
            ["glob:backups/db-*-*-*.sql"]
        );
        // A file the glob would reach that the plan does not remove: every path by name.
        let mut with_schema = all.clone();
        with_schema.push("backups/db-2024-01-04.sql".into());
        assert_eq!(plan(&mut list, &with_schema, 1, 0, false).steps[0].lines, dumps);
        // A series subject whose glob reaches more than its members is spelt out too.
        let mut subject = vec![offender(
            "status/*.yml",
            Pattern::AuditTrail,
            Level::Warn,
            &[RuleId::AuditRecord],
            &["status/a.yml", "status/b.yml"],
        )];
        let lines = plan(
            &mut subject,
            &history(&["status/a.yml", "status/b.yml", "status/keep.yml"]),
            1,
            0,
            false,
        )
        .steps[0]
            .lines
            .clone();
        assert_eq!(lines, ["status/a.yml", "status/b.yml"]);
    }

    #[test]
    fn a_plan_that_only_prunes_rewrites_nothing() {
        let mut list = vec![offender(
            UNREACHABLE,
            Pattern::Backup,
            Level::Deny,
            &[RuleId::DatabaseDump],
            &[],
        )];
        let plan = plan(&mut list, &[], 1, 4096, false);
        assert_eq!(plan.steps.len(), 1);
        assert_eq!(plan.steps[0].action, "prune-unreachable");
        assert_eq!(plan.steps[0].saves, 4096);
        assert!(plan.rewrite_warning.is_none());
    }

    #[test]
    fn globs_match_as_filter_repo_does() {
        assert!(glob_match(b"backups/*.sql", b"backups/a/b.sql"), "* matches /");
        assert!(glob_match(b"a?c", b"abc"));
        assert!(!glob_match(b"a?c", b"ac"));
        assert!(glob_match(b"*", b""));
        assert!(!glob_match(b"db-*.sql", b"db-1.sql.gz"));
        assert!(glob_match(b"x*y*z", b"xaaybbz"));
        assert_eq!(digits_to_glob(b"db-2024-01-01.sql"), b"db-*-*-*.sql");
    }

    #[test]
    fn one_path_one_pattern_and_shares_count_a_version_once() {
        let blob = ObjectId::null(gix::hash::Kind::Sha1);
        let mut a = offender(
            "r/app.tar.gz",
            Pattern::Backup,
            Level::Warn,
            &[RuleId::ArchiveBackup, RuleId::LargeBlob],
            &[],
        );
        a.blobs = vec![(blob, 100, 200)];
        let mut b = offender(
            "r/copy.tar.gz",
            Pattern::LargeChurn,
            Level::Warn,
            &[RuleId::LargeBlob],
            &[],
        );
        b.blobs = vec![(blob, 100, 200)];
        let shares = shares(&[a, b]);
        let total: u64 = shares.iter().map(|s| s.packed).sum();
        assert_eq!(total, 100, "a version two paths share is counted once");
        assert_eq!(shares.iter().map(|s| s.paths).sum::<u64>(), 2);
    }

    #[test]
    fn cadence_needs_a_schedule() {
        let hourly: Vec<i64> = (0..10).map(|i| 1_700_000_000 + i * 3600).collect();
        assert_eq!(cadence(&hourly).as_deref(), Some("1 h"));
        let people = [0, 100, 5_000, 90_000, 91_000, 400_000, 400_500];
        assert_eq!(cadence(&people), None);
        assert_eq!(cadence(&hourly[..3]), None);
    }
}
