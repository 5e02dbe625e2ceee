//! The facts store kept up to date: built from a walk of the whole history (the walk the audit
//! makes), and caught up with the commits the refs gained since, at a cost in proportion to
//! those commits.
//!
//! [`gap`] finds what the store lacks: the commits the refs reach and the store's tips do not,
//! painted down from both sides at once in commit-time order (as `git rev-list` does) and
//! stopped as soon as every commit still queued is one the store holds. A store whose tips
//! no ref reaches any more (a branch deleted before it was merged, a force push) holds history
//! the repository no longer has: it is [`Gap::Rewritten`], and only a rebuild makes it right.
//! [`catch_up`] walks and reads the missing commits as the audit reads them and adds them.

use std::collections::{BinaryHeap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use gix::ObjectId;

use crate::engine::{self, Reading};
use crate::history::Facts;
use crate::history::store::{self, StoreError, Stored};
use crate::policy::Policy;
use crate::progress::Progress;
use crate::range::{Range, Tip, TipKind};
use crate::repo::RepoError;
use crate::walk::Old;

/// The commit tips of every ref and `HEAD`, as the audit walks them (sorted, each once).
pub(crate) fn ref_tips(repo: &gix::Repository) -> Result<Vec<ObjectId>, RepoError> {
    let mut range = Range::default();
    range
        .add_all_refs(repo)
        .map_err(|e| RepoError::read("reading refs", e))?;
    let mut tips: Vec<ObjectId> = range
        .tips
        .iter()
        .filter(|t| t.kind == TipKind::Commit)
        .map(|t| t.id)
        .collect();
    tips.sort();
    tips.dedup();
    Ok(tips)
}

/// Where the store for `policy` lives in `repo`.
pub(crate) fn location(repo: &gix::Repository, policy: &Policy) -> PathBuf {
    store::location(repo, store::digest(&policy.file.rules))
}

/// The store for `policy`, if there is a usable one.
pub(crate) fn load(repo: &gix::Repository, policy: &Policy) -> Result<Stored, StoreError> {
    load_ahead(repo, policy, None)
}

/// [`load`], taking the store from `ahead` when it read this policy's.
fn load_ahead(repo: &gix::Repository, policy: &Policy, ahead: Option<&ReadAhead>) -> Result<Stored, StoreError> {
    let path = location(repo, policy);
    let stored = match ahead.and_then(|a| a.take(&path)) {
        Some(read) => read?,
        None => store::load(&path, repo.object_hash())?,
    };
    // The file's name carries the digest; a file renamed by hand is not this policy's.
    if stored.digest != store::digest(&policy.file.rules) {
        return Err(StoreError::Damaged("it was built under another policy"));
    }
    Ok(stored)
}

/// A store read ahead: a hook starts reading the repository's newest store on a thread of
/// its own as soon as it has opened the repository, while its policy is compiled and the
/// push walked, and takes it when it turns out to be the policy's. Reading it is a large part
/// of a push's cost on a long history; a file replaced meanwhile is read as it was, which a
/// store lagging a little always allows (the hook catches it up).
#[derive(Clone, Default)]
pub(crate) struct ReadAhead(Arc<Mutex<Option<ReadAheadJob>>>);

type ReadAheadJob = std::thread::JoinHandle<Option<(PathBuf, Result<Stored, StoreError>)>>;

impl std::fmt::Debug for ReadAhead {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ReadAhead")
    }
}

impl ReadAhead {
    /// Start reading the newest store of `repo` (by modification time; there is one per
    /// policy the repository was judged under, and usually one).
    pub(crate) fn start(repo: &gix::Repository) -> Self {
        let dir = repo.common_dir().join(store::DIR);
        let hash = repo.object_hash();
        let job = std::thread::Builder::new()
            .name("store-read-ahead".into())
            .spawn(move || {
                let path = store::newest(&dir)?;
                let read = store::load(&path, hash);
                Some((path, read))
            })
            .ok();
        ReadAhead(Arc::new(Mutex::new(job)))
    }

    /// What was read ahead, if it is the store at `path` (once).
    fn take(&self, path: &Path) -> Option<Result<Stored, StoreError>> {
        let job = self.0.lock().ok()?.take()?;
        match job.join().ok()?? {
            (read, stored) if read == path => Some(stored),
            _ => None,
        }
    }
}

/// Write `facts` as the store for `policy`; where, and how many bytes.
pub(crate) fn save(
    repo: &gix::Repository,
    policy: &Policy,
    facts: Facts,
    build_ms: u64,
) -> Result<(PathBuf, u64), StoreError> {
    let path = location(repo, policy);
    let bytes = save_to(&path, policy, facts, build_ms)?;
    Ok((path, bytes))
}

/// [`save`] at `path` (the store's [`location`]); the bytes written.
pub(crate) fn save_to(path: &std::path::Path, policy: &Policy, facts: Facts, build_ms: u64) -> Result<u64, StoreError> {
    save_at(path, Keys::of(policy), facts, build_ms)
}

/// What a store is written under: the policy's digest, and the size from which files keep
/// every version's size and id.
#[derive(Debug, Clone, Copy)]
struct Keys {
    digest: u64,
    large: u64,
}

impl Keys {
    fn of(policy: &Policy) -> Self {
        Keys {
            digest: store::digest(&policy.file.rules),
            large: policy.file.rules.churning_blob.min_size.0,
        }
    }
}

fn save_at(path: &std::path::Path, keys: Keys, facts: Facts, build_ms: u64) -> Result<u64, StoreError> {
    let stored = Stored {
        facts,
        digest: keys.digest,
        written: jiff::Timestamp::now().as_second(),
        build_ms,
        large: keys.large,
    };
    store::save(path, &stored)
}

/// A store being written on a thread of its own; dropping it waits for the write.
#[derive(Debug, Default)]
pub(crate) struct Saving(Option<std::thread::JoinHandle<()>>);

impl Saving {
    /// Write `facts` as the store for `policy` beside whatever the caller does next (best
    /// effort: a store that cannot be written is caught up again next time).
    fn start(repo: &gix::Repository, policy: &Policy, facts: Facts, build_ms: u64) -> Self {
        let path = location(repo, policy);
        let keys = Keys::of(policy);
        let spawned = std::thread::Builder::new().name("facts-store".into()).spawn(move || {
            let _ = save_at(&path, keys, facts, build_ms);
        });
        Saving(spawned.ok())
    }
}

impl Drop for Saving {
    fn drop(&mut self) {
        if let Some(thread) = self.0.take() {
            let _ = thread.join();
        }
    }
}

/// Why there is no store for a policy, in a few words: none at all, or only other policies'.
fn missing(repo: &gix::Repository) -> String {
    let others = std::fs::read_dir(repo.common_dir().join(store::DIR))
        .map(|entries| {
            entries
                .flatten()
                .filter(|e| e.file_name().as_encoded_bytes().starts_with(b"facts-"))
                .count()
        })
        .unwrap_or(0);
    match others {
        0 => "no facts store".to_owned(),
        _ => "no facts store for this policy (the repository has one built under another policy)".to_owned(),
    }
}

/// The facts of the whole history of `repo`, read as the audit reads it (every blob of every
/// commit every ref reaches); and how long that took, in milliseconds.
pub(crate) fn build(
    repo: &gix::Repository,
    policy: &Policy,
    progress: &dyn Progress,
) -> Result<(Facts, u64), RepoError> {
    let started = Instant::now();
    let mut range = Range::default();
    range
        .add_all_refs(repo)
        .map_err(|e| RepoError::read("reading refs", e))?;
    let large = policy.file.rules.deep_delta_chain.min_size.0;
    let (walked, tips, inspected, _) =
        engine::inspect_walk_with_packs(repo, policy, progress, Reading::Whole, Some((large, 0)), |walker| {
            walker.record_changes();
            walker.walk(&range.tips, &Old::Reachable(&[]), None)
        })?;
    let mut facts = Facts::new(repo.object_hash());
    facts.extend(&walked.commits, walked.recorded.as_ref(), Some(&inspected.sizes));
    facts.truncated = !walked.truncated.is_empty();
    facts.tips = tips;
    facts.tips.sort();
    facts.tips.dedup();
    facts.remember(&inspected.touched);
    progress.finish();
    Ok((facts, u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX)))
}

/// How the facts stand against the refs.
#[derive(Debug)]
pub(crate) enum Gap {
    /// They cover exactly what the refs reach.
    UpToDate,
    /// The refs reach commits the facts lack, and nothing the facts hold is lost.
    Behind(Since),
    /// A tip of the facts is reached by no ref any more: they hold history the repository
    /// lost (a deleted branch, a force push).
    Rewritten,
    /// More commits are missing than the limit allows (at least this many).
    TooFar(usize),
}

/// The commits the facts lack.
#[derive(Debug, Default)]
pub(crate) struct Since {
    /// The commits to add.
    pub(crate) new: gix::hashtable::HashSet<ObjectId>,
    /// Commits the facts hold, as far as the paint reached (the new commits' parents among
    /// them): where a walk of the new commits stops.
    pub(crate) old: gix::hashtable::HashSet<ObjectId>,
}

const NEW: u8 = 1;
const OLD: u8 = 2;

/// Commit times may run backwards by this much (clock skew) before the paint stops trusting
/// its order.
const SKEW_SECONDS: i64 = 86_400;

/// What the commits `tips` reach and the facts' tips do not, up to `limit` commits.
pub(crate) fn gap(
    repo: &gix::Repository,
    facts: &Facts,
    tips: &[ObjectId],
    limit: Option<usize>,
) -> Result<Gap, RepoError> {
    let stored: HashSet<ObjectId> = facts.tips.iter().copied().collect();
    let current: HashSet<ObjectId> = tips.iter().copied().collect();
    if stored == current {
        return Ok(Gap::UpToDate);
    }
    let mut graph = crate::walk::graph::Graph::new(repo)?;
    // Flags per commit, and the queue by commit time (newest first).
    let mut flags: gix::hashtable::HashMap<ObjectId, u8> = Default::default();
    let mut queue: BinaryHeap<(i64, ObjectId)> = BinaryHeap::new();
    let mut queued: gix::hashtable::HashSet<ObjectId> = Default::default();
    let mut read = |id: ObjectId| -> Result<(i64, Vec<ObjectId>), RepoError> {
        graph
            .node(id)?
            .cloned()
            .ok_or_else(|| RepoError::read(format!("reading commit {id}"), "it is not in the repository"))
    };
    // The facts' tips the refs must still reach.
    let mut targets: HashSet<ObjectId> = stored.difference(&current).copied().collect();
    let mut oldest_target = i64::MAX;
    for &t in &targets {
        // A tip whose commit is gone is reached by nothing.
        let Ok((time, _)) = read(t) else {
            return Ok(Gap::Rewritten);
        };
        oldest_target = oldest_target.min(time);
    }
    // Of the queued commits: how many the facts may lack (no OLD), how many the refs reach.
    let (mut not_old, mut reaching) = (0usize, 0usize);
    let count = |f: u8, sign: isize, not_old: &mut usize, reaching: &mut usize| {
        if f & OLD == 0 {
            *not_old = not_old.saturating_add_signed(sign);
        }
        if f & NEW != 0 {
            *reaching = reaching.saturating_add_signed(sign);
        }
    };
    for (ids, flag) in [(&stored, OLD), (&current, NEW)] {
        for &id in ids {
            *flags.entry(id).or_default() |= flag;
        }
    }
    for (&id, &f) in &flags {
        queued.insert(id);
        count(f, 1, &mut not_old, &mut reaching);
        let (time, _) = read(id)?;
        queue.push((time, id));
    }
    let mut new = 0usize;
    while let Some((time, id)) = queue.pop() {
        queued.remove(&id);
        let f = flags.get(&id).copied().unwrap_or(0);
        count(f, -1, &mut not_old, &mut reaching);
        if f & NEW != 0 {
            targets.remove(&id);
        }
        if f == NEW {
            new += 1;
            if limit.is_some_and(|limit| new > limit) {
                return Ok(Gap::TooFar(new));
            }
        }
        let (_, parents) = read(id)?;
        for p in parents {
            let pf = flags.entry(p).or_default();
            let before = *pf;
            if before | f == before {
                continue;
            }
            *pf |= f;
            let after = *pf;
            if queued.insert(p) {
                count(after, 1, &mut not_old, &mut reaching);
                let (time, _) = read(p)?;
                queue.push((time, p));
            } else {
                count(before, -1, &mut not_old, &mut reaching);
                count(after, 1, &mut not_old, &mut reaching);
            }
        }
        // Done once nothing queued can be new any more and every tip of the facts was reached;
        // a tip not reached by the time the paint passed it (allowing for skew) never will be.
        if not_old == 0 && targets.is_empty() {
            break;
        }
        if !targets.is_empty() && (reaching == 0 || time < oldest_target.saturating_sub(SKEW_SECONDS)) {
            return Ok(Gap::Rewritten);
        }
    }
    if !targets.is_empty() {
        return Ok(Gap::Rewritten);
    }
    let mut since = Since::default();
    for (id, f) in flags {
        if f == NEW {
            since.new.insert(id);
        } else if f & OLD != 0 {
            since.old.insert(id);
        }
    }
    Ok(Gap::Behind(since))
}

/// Add the commits `since` names to `facts` (walked and read as the audit reads them), which
/// then cover `tips`.
pub(crate) fn catch_up(
    repo: &gix::Repository,
    policy: &Policy,
    facts: &mut Facts,
    since: &Since,
    tips: &[ObjectId],
) -> Result<(), RepoError> {
    let walk_tips: Vec<Tip> = tips
        .iter()
        .filter(|t| since.new.contains(*t))
        .map(|&id| Tip {
            id,
            kind: TipKind::Commit,
            name: Default::default(),
        })
        .collect();
    // Blobs are never among the old: every blob of the new commits is read.
    let old = |id: &gix::oid| since.old.contains(id);
    let none = |_: &gix::oid| false;
    let (walked, _, inspected) =
        engine::inspect_walk(repo, policy, &crate::progress::Silent, Reading::Exact, |walker| {
            walker.record_changes();
            walker.walk(
                &walk_tips,
                &Old::Judged {
                    judged: &old,
                    stored: &none,
                },
                None,
            )
        })?;
    facts.extend(&walked.commits, walked.recorded.as_ref(), Some(&inspected.sizes));
    facts.truncated |= !walked.truncated.is_empty();
    facts.remember(&inspected.touched);
    facts.tips = tips.to_vec();
    Ok(())
}

/// What [`update`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Done {
    /// The store already covered what the refs reach.
    UpToDate,
    /// It lacked this many commits, now added.
    CaughtUp(usize),
    /// It was built from the whole history; why, when there was a store before (it was not
    /// usable, or held history no ref reaches any more, or a rebuild was asked for).
    Built(Option<String>),
}

/// The store after [`update`].
#[derive(Debug)]
pub(crate) struct Updated {
    /// What was done.
    pub(crate) done: Done,
    /// Where it is.
    pub(crate) path: PathBuf,
    /// Its size in bytes.
    pub(crate) bytes: u64,
    /// The commits and paths it holds.
    pub(crate) commits: usize,
    /// See `commits`.
    pub(crate) paths: usize,
    /// How long the update took, in milliseconds.
    pub(crate) ms: u64,
}

/// Build the store for `policy`, or bring it up to date with the refs (`rebuild`: build it
/// anew whatever there is), and write it.
pub(crate) fn update(
    repo: &gix::Repository,
    policy: &Policy,
    rebuild: bool,
    progress: &dyn Progress,
) -> Result<Updated, crate::Error> {
    let started = Instant::now();
    let tips = ref_tips(repo)?;
    let kept = if rebuild {
        Err(Some("a rebuild was asked for".to_owned()))
    } else {
        match load(repo, policy) {
            Ok(stored) => Ok(stored),
            Err(StoreError::Missing) => Err(None),
            Err(e) => Err(Some(e.to_string())),
        }
    };
    let (facts, build_ms, done) = match kept {
        Ok(Stored {
            mut facts, build_ms, ..
        }) => match gap(repo, &facts, &tips, None)? {
            Gap::UpToDate => (facts, build_ms, Done::UpToDate),
            Gap::Behind(since) => {
                catch_up(repo, policy, &mut facts, &since, &tips)?;
                (facts, build_ms, Done::CaughtUp(since.new.len()))
            }
            Gap::Rewritten | Gap::TooFar(_) => {
                let (facts, ms) = build(repo, policy, progress)?;
                let why = "it held history no ref reaches any more (a deleted branch or a force push)";
                (facts, ms, Done::Built(Some(why.to_owned())))
            }
        },
        Err(why) => {
            let (facts, ms) = build(repo, policy, progress)?;
            (facts, ms, Done::Built(why))
        }
    };
    let (commits, paths) = (facts.commits.len(), facts.paths.len());
    let (path, bytes) = if done == Done::UpToDate {
        let path = location(repo, policy);
        let bytes = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
        (path, bytes)
    } else {
        save(repo, policy, facts, build_ms)?
    };
    Ok(Updated {
        done,
        path,
        bytes,
        commits,
        paths,
        ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
    })
}

/// The bytes of the repository's packs (its own and its alternates').
pub(crate) fn pack_bytes(repo: &gix::Repository) -> u64 {
    let dirs = crate::repo::object_dirs(repo);
    crate::repo::pack_indexes(&dirs)
        .iter()
        .filter_map(|idx| std::fs::metadata(idx.with_extension("pack")).ok())
        .map(|m| m.len())
        .sum()
}

/// A hook writes the store it caught up once it lagged this many commits behind the refs...
const SAVE_AFTER_COMMITS: usize = 16;

/// ... or was this old (seconds).
const SAVE_AFTER_SECONDS: i64 = 600;

/// What catching up may cost a hook: at most one commit per this many milliseconds of the
/// time left (a commit read, diffed and its blobs read takes well under one).
const MS_PER_COMMIT: u64 = 2;

/// The facts a push is judged with: the store for `policy`, brought up to date with the refs
/// as they are before the push, within the time left before `deadline`. When that cannot be
/// done, why, in a few words for the hook's summary line.
///
/// Once the store lags enough to matter it is written back, so that the next push starts
/// from there: by a process of its own started from `writer` (the running binary), which
/// catches the store up again and writes it after the hook has returned, as `git gc --auto`
/// detaches; without a `writer`, on a thread (keep the [`Saving`] until the judgement is
/// done). A store rebuilt here is written on a thread.
pub(crate) fn before_push(
    repo: &gix::Repository,
    policy: &Policy,
    deadline: Option<Instant>,
    writer: Option<&Path>,
    ahead: Option<&ReadAhead>,
) -> Result<(Facts, Saving), String> {
    let stored = match load_ahead(repo, policy, ahead) {
        Ok(stored) => stored,
        Err(StoreError::Missing) => return Err(missing(repo)),
        Err(e) => return Err(e.to_string()),
    };
    let left_ms =
        || deadline.map(|d| u64::try_from(d.saturating_duration_since(Instant::now()).as_millis()).unwrap_or(u64::MAX));
    let failed = |e: RepoError| format!("the facts store could not be brought up to date ({e})");
    let tips = ref_tips(repo).map_err(failed)?;
    let limit = left_ms().map(|ms| usize::try_from(ms / MS_PER_COMMIT).unwrap_or(usize::MAX));
    let Stored {
        mut facts,
        build_ms,
        written,
        ..
    } = stored;
    match gap(repo, &facts, &tips, limit).map_err(failed)? {
        Gap::UpToDate => Ok((facts, Saving::default())),
        Gap::Behind(since) => {
            catch_up(repo, policy, &mut facts, &since, &tips).map_err(failed)?;
            // Written once it lags enough to matter: each hook until then catches up a little.
            let age = jiff::Timestamp::now().as_second().saturating_sub(written);
            let due = since.new.len() >= SAVE_AFTER_COMMITS || age >= SAVE_AFTER_SECONDS;
            let saving = match writer {
                _ if !due => Saving::default(),
                Some(writer) => {
                    start_writer(repo, policy, writer);
                    Saving::default()
                }
                None => Saving::start(repo, policy, facts.clone(), build_ms),
            };
            Ok((facts, saving))
        }
        Gap::TooFar(n) => Err(format!("the facts store is more than {} commits behind", n - 1)),
        Gap::Rewritten => {
            // Rebuilt when the last build took well within the time left.
            let fits = build_ms > 0 && left_ms().is_none_or(|left| build_ms.saturating_mul(3) < left);
            if !fits {
                return Err(
                    "the facts store holds history no ref reaches any more (a deleted branch or a force push)"
                        .to_owned(),
                );
            }
            let (facts, build_ms) = build(repo, policy, &crate::progress::Silent).map_err(failed)?;
            let saving = Saving::start(repo, policy, facts.clone(), build_ms);
            Ok((facts, saving))
        }
    }
}

/// The argument of `pushgate index` that makes it the writer a hook starts ([`after_push`]).
pub(crate) const WRITER_FLAG: &str = "--after-push";

/// Start `writer` (the pushgate binary) as a process of its own that catches the store for
/// `policy` up with the refs and writes it ([`after_push`]), unless one is at work already.
/// The hook does not wait for it: it holds none of the hook's output, none of the push's
/// environment (the quarantine is gone by the time it reads), and a group of its own.
fn start_writer(repo: &gix::Repository, policy: &Policy, writer: &Path) {
    if store::locked(&store::lock_location(&location(repo, policy))) {
        return;
    }
    let dir = repo.common_dir();
    let dir = std::path::absolute(dir).unwrap_or_else(|_| dir.to_owned());
    let mut command = std::process::Command::new(writer);
    command.arg("--repo").arg(dir);
    if let crate::policy::Source::Flag(file) = &policy.source {
        command
            .arg("--policy")
            .arg(std::path::absolute(file).unwrap_or_else(|_| file.clone()));
    }
    command.args(["index", WRITER_FLAG]);
    for variable in [
        "GIT_DIR",
        "GIT_WORK_TREE",
        "GIT_QUARANTINE_PATH",
        "GIT_OBJECT_DIRECTORY",
        "GIT_ALTERNATE_OBJECT_DIRECTORIES",
    ] {
        command.env_remove(variable);
    }
    command
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    #[cfg(unix)]
    std::os::unix::process::CommandExt::process_group(&mut command, 0);
    // Best effort: a store not written now is caught up by the next push. The child is not
    // waited for; once the hook exits, init reaps it.
    #[allow(clippy::zombie_processes)]
    let _ = command.spawn();
}

/// What the writer a hook starts does: under the store's lock (none when another writer
/// holds it), catch the store for `policy` up with the refs and write it. A store that
/// cannot be caught up (missing, damaged, holding history no ref reaches) is left for
/// `pushgate index` or the audit to rebuild: this writer never walks the whole history.
pub(crate) fn after_push(repo: &gix::Repository, policy: &Policy) -> Result<Option<Updated>, crate::Error> {
    let path = location(repo, policy);
    let Some(_lock) = store::Lock::take(&store::lock_location(&path)) else {
        return Ok(None);
    };
    let started = Instant::now();
    let Ok(Stored {
        mut facts, build_ms, ..
    }) = load(repo, policy)
    else {
        return Ok(None);
    };
    let tips = ref_tips(repo)?;
    let Gap::Behind(since) = gap(repo, &facts, &tips, None)? else {
        return Ok(None);
    };
    catch_up(repo, policy, &mut facts, &since, &tips)?;
    let (commits, paths) = (facts.commits.len(), facts.paths.len());
    let (path, bytes) = save(repo, policy, facts, build_ms)?;
    Ok(Some(Updated {
        done: Done::CaughtUp(since.new.len()),
        path,
        bytes,
        commits,
        paths,
        ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
    }))
}

/// The facts a range or a clone's push is judged with: the store for `policy`, brought up to
/// date in memory with the refs and `tips` (never written: only the audit, `pushgate index`
/// and the server hook write it). `Err`: why not.
pub(crate) fn for_range(repo: &gix::Repository, policy: &Policy, tips: &[ObjectId]) -> Result<Facts, String> {
    let Stored { mut facts, .. } = match load(repo, policy) {
        Ok(stored) => stored,
        Err(StoreError::Missing) => return Err(missing(repo)),
        Err(e) => return Err(e.to_string()),
    };
    let failed = |e: RepoError| format!("the facts store could not be brought up to date ({e})");
    let mut all = ref_tips(repo).map_err(failed)?;
    all.extend_from_slice(tips);
    all.sort();
    all.dedup();
    match gap(repo, &facts, &all, None).map_err(failed)? {
        Gap::UpToDate => Ok(facts),
        Gap::Behind(since) => {
            catch_up(repo, policy, &mut facts, &since, &all).map_err(failed)?;
            Ok(facts)
        }
        Gap::Rewritten | Gap::TooFar(_) => {
            Err("the facts store holds history no ref reaches any more (a deleted branch or a force push)".to_owned())
        }
    }
}

/// What the history-aware rules judge a range or a clone's push against: the facts store
/// brought up to date in memory where the repository has a usable one, otherwise the whole
/// history of the paths in scope; and a notice when a store is there but cannot be used.
pub(crate) fn basis_for_range(
    repo: &gix::Repository,
    policy: &Policy,
    tips: &[ObjectId],
) -> (crate::scan::Basis<'static>, Option<crate::outcome::Notice>) {
    match for_range(repo, policy, tips) {
        Ok(facts) => (crate::scan::Basis::Whole(Box::new(facts)), None),
        Err(_) if !location(repo, policy).exists() => (crate::scan::Basis::Paths, None),
        Err(why) => (
            crate::scan::Basis::Paths,
            Some(crate::outcome::Notice {
                kind: crate::outcome::NoticeKind::FactsStore,
                message: format!(
                    "the facts store was not used: {why}; the history of the paths in scope was read instead (`pushgate index` rebuilds the store)"
                ),
                path: None,
                blob: None,
            }),
        ),
    }
}
