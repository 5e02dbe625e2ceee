//! `pushgate audit`: the whole repository. Every object every ref reaches (and, on request,
//! what no ref reaches), every rule including the history-aware ones over the whole history,
//! what each offending path costs in the packs, how to get it out of history, and what the
//! object database holds.
//!
//! The walk diffs every commit on one thread while another reads the blobs it finds, and a
//! third reads the pack indexes; the per-path history comes from the changes the walk
//! recorded, so no path is looked up commit by commit.

use std::collections::{BTreeMap, HashMap};
use std::time::Instant;

use gix::ObjectId;
use gix::bstr::{BString, ByteSlice};
use serde::Serialize;

use crate::finding::{Level, Pattern};
use crate::packs::{Count, Kind, Packs, Statistics};
use crate::policy::Policy;
use crate::progress::Progress;
use crate::repo::RepoError;
use crate::rules::RuleId;
use crate::scan::{self, History, Outcome, Reading};
use crate::walk::{Old, Range, Tip, TipKind};

/// How many of the deepest chains of large objects the statistics name.
const DEEPEST_SHOWN: usize = 10;

/// The path under which blobs no ref reaches are reported.
pub const UNREACHABLE: &str = "(unreachable)";

/// What to audit.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// Also read the blobs no ref reaches (left in packs by rewritten or deleted branches).
    pub include_unreachable: bool,
}

/// The audit: the same findings a scan gives (one per path and rule), and what they cost.
#[derive(Debug)]
pub struct Audit {
    /// Findings, notices and totals, as `scan` reports them.
    pub outcome: Outcome,
    /// The repository at a glance.
    pub repository: Repository,
    /// What each pattern's offenders occupy in the packs.
    pub patterns: Vec<Share>,
    /// Offending paths, per pattern, costliest first.
    pub offenders: Vec<Offender>,
}

/// The repository at a glance.
#[derive(Debug, Clone, Serialize)]
pub struct Repository {
    /// Refs walked (HEAD included).
    pub refs: u64,
    /// Commits walked.
    pub commits: u64,
    /// The object database (packs, loose objects, delta chains).
    pub statistics: Statistics,
    /// Objects no ref reaches.
    pub unreachable: Count,
    /// Blobs reachable but not in the database (partial clones), and the paths whose size is
    /// therefore unknown.
    pub absent_blobs: u64,
}

/// What one pattern's offenders occupy.
#[derive(Debug, Clone, Serialize)]
pub struct Share {
    /// The pattern.
    pub pattern: Pattern,
    /// Offending paths.
    pub paths: u64,
    /// Their versions' bytes as stored.
    pub packed: u64,
    /// Their versions' bytes whole.
    pub unpacked: u64,
}

/// One offending path under one pattern.
#[derive(Debug, Clone, Serialize)]
pub struct Offender {
    /// The pattern.
    pub pattern: Pattern,
    /// The path (lossy UTF-8 in JSON; see the findings for the blob ids).
    #[serde(serialize_with = "lossy")]
    pub path: BString,
    /// The most severe level among its findings.
    pub level: Level,
    /// The rules that reported it.
    pub rules: Vec<RuleId>,
    /// Distinct versions (blobs) the path had.
    pub versions: u64,
    /// Versions whose size is unknown (absent from a partial clone).
    pub unknown_versions: u64,
    /// The first and last commit time that changed it (seconds since the epoch).
    pub first_change: Option<i64>,
    /// See `first_change`.
    pub last_change: Option<i64>,
    /// Commits that changed it.
    pub changes: u64,
    /// The schedule its changes follow, when they follow one (`1 h`, `1 d`).
    pub cadence: Option<String>,
    /// Its versions' bytes as stored.
    pub packed: u64,
    /// Its versions' bytes whole.
    pub unpacked: u64,
    /// What to use instead.
    pub suggestion: String,
    /// How to get it out of history.
    pub fix: Fix,
}

/// A command that removes an offender from history (or moves it to LFS).
#[derive(Debug, Clone, Serialize)]
pub struct Fix {
    /// `remove`, `move-to-lfs` or `prune-unreachable`.
    pub action: &'static str,
    /// The command, for a shell.
    pub command: String,
    /// The packed bytes it frees (versions shared with other paths stay).
    pub saves: u64,
}

/// What rewriting history means for everyone else.
pub const REWRITE_WARNING: &str = "Rewriting history changes the id of every commit after the first one rewritten: agree on a time with everyone who pushes, rewrite a fresh mirror clone, force-push every branch and tag, and have every clone re-clone (old clones would push the objects back). Servers keep old objects until they are garbage-collected; ask your host to run it.";

fn lossy<S: serde::Serializer>(path: &BString, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&path.to_str_lossy())
}

/// Audit the repository under `policy`.
pub fn audit(
    repo: &gix::Repository,
    policy: &Policy,
    options: Options,
    progress: &Progress,
) -> Result<Audit, RepoError> {
    let started = Instant::now();
    let mut range = Range::default();
    range
        .add_all_refs(repo)
        .map_err(|e| RepoError::read("reading refs", e))?;
    let refs = range.tips.len() as u64 + range.broken.len() as u64;
    let large = policy.file.rules.deep_delta_chain.min_size.0;

    let (walk, packs) = std::thread::scope(|scope| {
        // Pack indexes and entry headers are read directly: this handle needs no caches.
        let reader = repo.clone();
        let packs = scope.spawn(move || Packs::read(&reader, large, DEEPEST_SHOWN));
        let walk = scan::inspect_walk(repo, policy, progress, Reading::Audit, |walker| {
            walker.record_changes();
            walker.walk(&range.tips, &Old::Reachable(&[]), None)
        });
        let packs = packs
            .join()
            .map_err(|_| RepoError::read("reading the packs", "the pack reader failed"))
            .and_then(|p| p);
        (walk, packs)
    });
    let (walked, tips, mut inspected) = walk?;
    let packs = packs?;
    progress.phase("pushgate: reading the history of candidate paths");

    // What no ref reaches: everything the walk did not (blobs it read, trees it recorded,
    // its commits, the refs' tags).
    let mut commits_and_tags: gix::hashtable::HashSet<ObjectId> = walked.commits.iter().map(|c| c.id).collect();
    commits_and_tags.extend(tag_objects(repo));
    let trees = walked.recorded.as_ref().map(|r| &r.trees);
    let reached = |id: &ObjectId, kind: Kind| match kind {
        Kind::Blob => inspected.sizes.contains_key(id),
        Kind::Tree => trees.is_some_and(|t| t.contains(id)),
        Kind::Commit | Kind::Tag => commits_and_tags.contains(id),
    };
    let mut unreachable = Count::default();
    let mut unreachable_blobs = Vec::new();
    packs.each(|id, kind, packed, unpacked| {
        if !reached(&id, kind) && !id.is_empty_tree() {
            unreachable.add(packed, unpacked);
            if kind == Kind::Blob {
                unreachable_blobs.push(id);
            }
        }
    });
    drop(commits_and_tags);
    if options.include_unreachable && !unreachable_blobs.is_empty() {
        unreachable_blobs.sort();
        unreachable_blobs.dedup();
        let tips: Vec<Tip> = unreachable_blobs
            .iter()
            .map(|&id| Tip {
                id,
                kind: TipKind::Blob,
                name: UNREACHABLE.into(),
            })
            .collect();
        let (_, _, more) = scan::inspect_walk(repo, policy, progress, Reading::Exact, |walker| {
            walker.walk(&tips, &Old::Reachable(&[]), None)
        })?;
        inspected.absorb(more);
    }
    let sizes = std::mem::take(&mut inspected.sizes);
    let absent_blobs = sizes.values().filter(|s| s.is_none()).count() as u64;

    let mut outcome = scan::conclude(repo, policy, true, &walked, inspected, History::Whole, started)?;
    for (name, id) in &range.broken {
        outcome.notices.push(crate::finding::Notice {
            kind: "broken-ref",
            message: format!(
                "{} points at {id}, which is not in the repository; skipped",
                crate::util::sanitize(name)
            ),
            path: None,
            blob: None,
        });
    }
    judge_lfs_at_tips(repo, &tips, &mut outcome)?;
    let offenders = offenders(&outcome, &walked, &packs, &sizes, policy);
    let patterns = Pattern::ALL
        .iter()
        .map(|&pattern| {
            let mine = offenders.iter().filter(|o| o.pattern == pattern);
            Share {
                pattern,
                paths: mine.clone().count() as u64,
                packed: mine.clone().map(|o| o.packed).sum(),
                unpacked: mine.map(|o| o.unpacked).sum(),
            }
        })
        .collect();
    let mut statistics = packs.statistics;
    name_chains(&mut statistics, &walked);
    outcome.summary.duration_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
    progress.finish();
    Ok(Audit {
        outcome,
        repository: Repository {
            refs,
            commits: walked.commits.len() as u64,
            statistics,
            unreachable,
            absent_blobs,
        },
        patterns,
        offenders,
    })
}

/// In a whole history, a raw blob where an old `.gitattributes` asked for LFS matters only
/// while the repository still sends the path through LFS: judged against the attributes at
/// the tips, a path no tip sends through LFS any more is worth knowing, no more.
fn judge_lfs_at_tips(repo: &gix::Repository, tips: &[ObjectId], outcome: &mut Outcome) -> Result<(), RepoError> {
    if !outcome.findings.iter().any(|f| f.rule == RuleId::LfsBypassed) {
        return Ok(());
    }
    let mut roots: Vec<ObjectId> = tips
        .iter()
        .filter_map(|t| repo.find_commit(*t).ok()?.tree_id().ok().map(|t| t.detach()))
        .collect();
    roots.sort();
    roots.dedup();
    let mut attributes = crate::attributes::Attributes::new(repo);
    for f in outcome.findings.iter_mut().filter(|f| f.rule == RuleId::LfsBypassed) {
        let Some(path) = f.path.clone() else { continue };
        let mut still = false;
        for root in &roots {
            if attributes.get_within(repo, *root, path.as_bstr(), None)?.lfs {
                still = true;
                break;
            }
        }
        if !still {
            f.level = Level::Info;
            f.evidence.insert("lfs_at_tips".into(), false.into());
            f.message = format!("{} (no branch or tag sends this path through LFS any more)", f.message);
        }
    }
    outcome.summary.recount(&outcome.findings);
    Ok(())
}

/// A path for each of the deepest chains, from the changes the walk recorded.
fn name_chains(statistics: &mut Statistics, walked: &crate::walk::Walked) {
    let Some(recorded) = &walked.recorded else { return };
    let mut wanted: HashMap<ObjectId, usize> = statistics.deepest.iter().enumerate().map(|(i, c)| (c.id, i)).collect();
    for change in &recorded.changes {
        if wanted.is_empty() {
            break;
        }
        if let Some(i) = change.blob.and_then(|b| wanted.remove(&b))
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

/// One offender per (pattern, path) with findings, with what its versions cost.
fn offenders(
    outcome: &Outcome,
    walked: &crate::walk::Walked,
    packs: &Packs,
    sizes: &gix::hashtable::HashMap<ObjectId, Option<u64>>,
    policy: &Policy,
) -> Vec<Offender> {
    let mut groups: BTreeMap<(Pattern, BString), Vec<&crate::finding::Finding>> = BTreeMap::new();
    for f in &outcome.findings {
        if let Some(path) = &f.path {
            groups.entry((f.pattern, path.clone())).or_default().push(f);
        }
    }
    // The changes of each offender's files (a subject's members, or its path), from what the
    // walk recorded.
    let recorded = walked.recorded.as_ref();
    let mut slot_of: HashMap<u32, Vec<usize>> = HashMap::new();
    for (slot, findings) in groups.values().enumerate() {
        let mut files: Vec<&BString> = findings.iter().flat_map(|f| f.files()).collect();
        files.sort();
        files.dedup();
        for file in files {
            if let Some(&p) = recorded.and_then(|r| r.index.get(file)) {
                slot_of.entry(p).or_default().push(slot);
            }
        }
    }
    let mut changes: Vec<Vec<(i64, Option<ObjectId>)>> = vec![Vec::new(); groups.len()];
    if let Some(recorded) = recorded {
        for change in &recorded.changes {
            if let Some(slots) = slot_of.get(&change.path) {
                let time = walked.commits.get(change.commit as usize).map_or(0, |c| c.time);
                for &slot in slots {
                    if let Some(list) = changes.get_mut(slot) {
                        list.push((time, change.blob));
                    }
                }
            }
        }
    }
    let mut offenders: Vec<Offender> = groups
        .into_iter()
        .enumerate()
        .map(|(slot, ((pattern, path), findings))| {
            let mine: &[(i64, Option<ObjectId>)] = changes.get(slot).map(Vec::as_slice).unwrap_or_default();
            let subject = findings.iter().any(|f| !f.paths.is_empty());
            let mut versions: Vec<ObjectId> = mine.iter().filter_map(|(_, b)| *b).collect();
            versions.extend(findings.iter().filter_map(|f| f.blob));
            versions.sort();
            versions.dedup();
            let packed = versions.iter().filter_map(|v| packs.packed_size(v)).sum();
            let known: Vec<u64> = versions
                .iter()
                .filter_map(|v| sizes.get(v).copied().flatten())
                .collect();
            let unpacked = known.iter().sum();
            let mut times: Vec<i64> = mine.iter().map(|(t, _)| *t).collect();
            times.sort_unstable();
            let mut rules: Vec<RuleId> = findings.iter().map(|f| f.rule).collect();
            rules.sort();
            rules.dedup();
            let level = findings.iter().map(|f| f.level).max().unwrap_or_default();
            let fix = fix_for(pattern, &path, subject, packed);
            Offender {
                pattern,
                level,
                rules,
                versions: versions.len() as u64,
                unknown_versions: (versions.len() - known.len().min(versions.len())) as u64,
                first_change: times.first().copied(),
                last_change: times.last().copied(),
                changes: times.len() as u64,
                cadence: cadence(&times),
                packed,
                unpacked,
                suggestion: policy.suggestion(pattern).to_owned(),
                fix,
                path,
            }
        })
        .collect();
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
    offenders
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

/// The command that takes `path` out of history: into Git LFS for large churning files (they
/// belong in the repository, just not in its packs), removed for the rest.
fn fix_for(pattern: Pattern, path: &BString, subject: bool, saves: u64) -> Fix {
    if path == UNREACHABLE {
        return Fix {
            action: "prune-unreachable",
            command: "git reflog expire --expire-unreachable=now --all && git gc --prune=now".into(),
            saves,
        };
    }
    let quoted = shell_quote(&crate::util::sanitize(path));
    // A subject named by a pattern (`archive/*/*/db-*.*`) is removed by glob; a directory
    // (`srv/`) or a file by path.
    let glob = subject && path.contains(&b'*');
    match pattern {
        Pattern::LargeChurn => Fix {
            action: "move-to-lfs",
            command: format!("git lfs migrate import --include={quoted} --everything"),
            saves,
        },
        _ if glob => Fix {
            action: "remove",
            command: format!("git filter-repo --path-glob {quoted} --invert-paths"),
            saves,
        },
        _ => Fix {
            action: "remove",
            command: format!("git filter-repo --path {quoted} --invert-paths"),
            saves,
        },
    }
}

/// `text` as one single-quoted shell word.
fn shell_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixes_quote_paths_for_the_shell() {
        let fix = fix_for(Pattern::Database, &"it's/data.db".into(), false, 5);
        assert_eq!(fix.command, r"git filter-repo --path 'it'\''s/data.db' --invert-paths");
        assert_eq!(fix.action, "remove");
        let fix = fix_for(Pattern::LargeChurn, &"a b/model.bin".into(), false, 5);
        assert_eq!(
            fix.command,
            "git lfs migrate import --include='a b/model.bin' --everything"
        );
        let fix = fix_for(Pattern::Backup, &"x\u{1b}[2J.sql".into(), false, 5);
        assert!(!fix.command.contains('\u{1b}'), "{}", fix.command);
        let fix = fix_for(Pattern::Backup, &"archive/*/db-*.*".into(), true, 5);
        assert_eq!(
            fix.command,
            "git filter-repo --path-glob 'archive/*/db-*.*' --invert-paths"
        );
        assert!(!fix.command.contains('\u{1b}'), "{}", fix.command);
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
