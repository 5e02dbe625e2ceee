//! A scan: walk a range, read what each new blob is (size from its header, a bounded prefix
//! of its content, its attributes), run the rules, apply exemptions.

use std::collections::HashMap;
use std::time::Instant;

use gix::ObjectId;
use gix::bstr::ByteSlice;
use serde::Serialize;

use crate::attributes::Attributes;
use crate::candidate::Candidate;
use crate::detect::{self, Format, Sniff};
use crate::finding::{Finding, Level, Notice};
use crate::history::Model;
use crate::packs::Packs;
use crate::policy::Policy;
use crate::progress::Progress;
use crate::range::Range;
use crate::repo::{ContentReader, RepoError};
use crate::rules::behaviour;
use crate::rules::{self, Hit, RuleId, history_growth::Growth};
use crate::walk::{Old, Walked, Walker, split_path};

/// Totals of a scan, as the JSON `summary` reports them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// Commits in the range.
    pub commits: u64,
    /// Distinct new blobs.
    pub blobs: u64,
    /// Their total size.
    pub bytes: u64,
    /// Findings after exemptions.
    pub findings: u64,
    /// Of which at deny.
    pub deny: u64,
    /// Of which at warn.
    pub warn: u64,
    /// Of which at info.
    pub info: u64,
    /// Wall-clock time of the scan.
    pub duration_ms: u64,
    /// Findings a baseline recorded and the report leaves out (present only when a baseline
    /// was applied).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub baselined: Option<u64>,
}

impl Summary {
    /// Count `findings` (in total and per level) again, after some were left out.
    pub fn recount(&mut self, findings: &[Finding]) {
        let count = |level| findings.iter().filter(|f| f.level == level).count() as u64;
        self.findings = findings.len() as u64;
        self.deny = count(Level::Deny);
        self.warn = count(Level::Warn);
        self.info = count(Level::Info);
    }
}

/// The result of a scan.
#[derive(Debug, Clone, Default)]
pub struct Outcome {
    /// Findings, grouped by pattern, most severe first.
    pub findings: Vec<Finding>,
    /// Absent objects, stale exemptions and the like.
    pub notices: Vec<Notice>,
    /// Totals.
    pub summary: Summary,
}

impl Outcome {
    /// Whether the outcome fails the check under `policy`: what
    /// [`Judgement::of`](crate::report::Judgement::of) decides, the one place that decides it.
    pub fn fails(&self, policy: &Policy) -> bool {
        crate::report::Judgement::of(self, policy).fails()
    }
}

/// How many of the largest new blobs `history-growth` names as evidence.
const LARGEST_SHOWN: usize = 5;

/// Scan the objects `range` introduces under `policy`.
pub fn scan(repo: &gix::Repository, range: &Range, policy: &Policy) -> Result<Outcome, RepoError> {
    scan_reporting(repo, range, policy, &Progress::default())
}

/// [`scan`], counting commits and blobs on `progress` as it goes.
pub fn scan_reporting(
    repo: &gix::Repository,
    range: &Range,
    policy: &Policy,
    progress: &Progress,
) -> Result<Outcome, RepoError> {
    // Nothing hidden and only commits: the walk sees every blob, each `.gitattributes` first.
    let complete = range.is_whole_history() && range.tips.iter().all(|t| t.kind == crate::range::TipKind::Commit);
    let started = Instant::now();
    let reading = if complete { Reading::Complete } else { Reading::Exact };
    let (walked, tips, inspected) = inspect_walk(repo, policy, progress, reading, |walker| {
        walker.walk(&range.tips, &Old::Reachable(&range.hidden), None)
    })?;
    let whole = range.is_whole_history();
    progress.steps("history", 1, "reading the history of candidate paths");
    let mut outcome = conclude(repo, policy, whole, &walked, inspected, History::Window(&tips), started)?;
    for (name, id) in &range.broken {
        outcome.notices.push(Notice {
            kind: "broken-ref",
            message: format!(
                "{} points at {id}, which is not in the repository; skipped",
                crate::util::sanitize(name)
            ),
            path: None,
            blob: Some(id.to_string()),
        });
    }
    Ok(outcome)
}

/// Scan what each ref's tip adds to `old`, attributing findings to the ref (the tip's name).
/// A blob two refs bring is reported under the first.
pub fn scan_refs(
    repo: &gix::Repository,
    policy: &Policy,
    whole_history: bool,
    tips: &[crate::range::Tip],
    old: &Old<'_>,
) -> Result<Outcome, RepoError> {
    scan_with(repo, policy, whole_history, |walker| {
        for tip in tips {
            walker.walk(std::slice::from_ref(tip), old, Some(tip.name.as_ref()))?;
        }
        Ok(())
    })
}

/// The blob callback a scan hands to the walk.
pub type OnBlob<'a> = &'a mut dyn FnMut(Candidate) -> Result<(), RepoError>;

/// Scan what `drive` walks (one or more calls of [`Walker::walk`]) under `policy`.
/// `whole_history` says the walk covers histories from their roots, not what commits add to
/// others, so the range-wide `history-growth` rule does not apply.
pub fn scan_with(
    repo: &gix::Repository,
    policy: &Policy,
    whole_history: bool,
    drive: impl FnOnce(&mut Walker<'_, OnBlob<'_>>) -> Result<(), RepoError>,
) -> Result<Outcome, RepoError> {
    let started = Instant::now();
    let (walked, tips, inspected) = inspect_walk(repo, policy, &Progress::default(), Reading::Exact, drive)?;
    conclude(
        repo,
        policy,
        whole_history,
        &walked,
        inspected,
        History::Window(&tips),
        started,
    )
}

/// Check blobs no commit holds yet (the files staged for a commit) with the rules that judge
/// one file, and the exemptions; without commits there is no history for the other rules.
/// Exemptions that match none of these few files are not reported.
pub fn scan_candidates(
    repo: &gix::Repository,
    policy: &Policy,
    candidates: Vec<Candidate>,
) -> Result<Outcome, RepoError> {
    let started = Instant::now();
    let mut inspector = Inspector::new(repo, policy);
    let progress = Progress::default();
    for candidate in candidates {
        inspector.inspect(candidate, &progress)?;
    }
    let walked = Walked::default();
    let mut outcome = conclude(
        repo,
        policy,
        true,
        &walked,
        inspector.into_inspected(),
        History::Window(&[]),
        started,
    )?;
    outcome.notices.retain(|n| n.kind != "unused-exemption");
    Ok(outcome)
}

/// Which history the history-aware rules read.
pub(crate) enum History<'a> {
    /// The look-back window behind these tips.
    Window(&'a [ObjectId]),
    /// Everything the walk recorded (the audit), with the size of every blob the walk read
    /// (`None`: absent), so that no header is read twice.
    Whole(&'a gix::hashtable::HashMap<ObjectId, Option<u64>>),
}

/// From what the walk and the inspection found to the outcome: one finding per path and rule,
/// what the history says, growth, exemptions, order and totals.
pub(crate) fn conclude(
    repo: &gix::Repository,
    policy: &Policy,
    whole_history: bool,
    walked: &Walked,
    inspected: Inspected,
    history: History<'_>,
    started: Instant,
) -> Result<Outcome, RepoError> {
    let Inspected {
        mut findings,
        mut notices,
        growth,
        touched,
        ..
    } = inspected;

    collapse_versions(&mut findings);
    let file = &policy.file;
    // The history is read only when some path can be a subject: a push of source code reads none.
    let model = match history {
        History::Window(tips) if !touched.is_empty() && !tips.is_empty() => {
            let mut scope = crate::history::Scope::of(touched.keys().map(|p| p.as_bstr()));
            scope.fresh = walked.commits.iter().map(|c| c.id).collect();
            scope.large = touched
                .values()
                .any(|t| t.size.is_some_and(|s| s >= file.rules.churning_blob.min_size.0));
            Some(Model::window(
                repo,
                tips,
                file.lookback_commits,
                file.lookback_days,
                &scope,
            )?)
        }
        History::Window(_) => None,
        History::Whole(_) => Model::whole(walked),
    };
    if let Some(model) = &model {
        let input = behaviour::Input {
            repo,
            model,
            touched: &touched,
            policy: file,
        };
        let analysis = behaviour::analyze(&input)?;
        let known = match history {
            History::Whole(sizes) => Some(sizes),
            History::Window(_) => None,
        };
        apply_behaviour(&input, analysis, policy, known, &mut findings);
        if model.truncated && matches!(history, History::Window(_)) {
            notices.push(Notice {
                kind: "lookback-truncated",
                message: "the look-back window reaches missing history (a shallow or partial clone): churn and job rules saw fewer commits than the policy asks for; fetch full history (git fetch --unshallow) for exact results".into(),
                path: None,
                blob: None,
            });
        }
    }
    group_by_subject(&mut findings);
    // Growth is what a range adds to the history it builds on; a range that excludes nothing
    // is a whole history, whose size the audit reports.
    if !whole_history && let Some(hit) = rules::history_growth::history_growth(&growth, &policy.file) {
        findings.push(to_finding(hit, policy, None));
    }
    if let Some(first) = walked.truncated.first() {
        notices.push(Notice {
            kind: "history-truncated",
            message: format!(
                "shallow clone: history before {} commit{} (e.g. {}) is missing, so their files count as added by them; fetch more history (git fetch --unshallow) for exact results",
                walked.truncated.len(),
                if walked.truncated.len() == 1 { "" } else { "s" },
                first.to_hex_with_len(10)
            ),
            path: None,
            blob: None,
        });
    }
    notices.extend(policy.apply_exemptions(&mut findings, crate::policy::today()));
    findings.sort_by(|a, b| {
        (a.pattern, std::cmp::Reverse(a.level), &a.path, a.rule).cmp(&(
            b.pattern,
            std::cmp::Reverse(b.level),
            &b.path,
            b.rule,
        ))
    });

    let mut summary = Summary {
        commits: walked.commits.len() as u64,
        blobs: growth.blobs,
        bytes: growth.bytes,
        duration_ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
        ..Summary::default()
    };
    summary.recount(&findings);
    Ok(Outcome {
        findings,
        notices,
        summary,
    })
}

/// What the inspection of a walk's blobs found, before history and exemptions.
pub(crate) struct Inspected {
    /// One finding per (blob, path, rule).
    pub findings: Vec<Finding>,
    /// Absent objects and the like.
    pub notices: Vec<Notice>,
    /// Blobs and bytes the walk brought, and the largest of them.
    pub growth: Growth,
    /// Paths worth a history lookup, by path.
    pub touched: std::collections::BTreeMap<gix::bstr::BString, Candidate>,
    /// The size of every blob read (`None`: absent).
    pub sizes: gix::hashtable::HashMap<ObjectId, Option<u64>>,
}

impl Inspected {
    /// Add what another inspection found (blobs read by one are not read by the other).
    pub fn absorb(&mut self, other: Inspected) {
        self.findings.extend(other.findings);
        self.notices.extend(other.notices);
        self.growth.blobs += other.growth.blobs;
        self.growth.bytes = self.growth.bytes.saturating_add(other.growth.bytes);
        self.touched.extend(other.touched);
        self.sizes.extend(other.sizes);
    }
}

/// How thoroughly the blobs of a walk are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Reading {
    /// Every blob's content prefix, attributes from every tree on its path (ranges, pushes).
    Exact,
    /// As `Exact`, for a walk that sees every blob of the histories it walks (nothing hidden,
    /// parents first): attribute lookups skip directories that never held a `.gitattributes`.
    Complete,
    /// As `Complete`, and a version stored as a delta takes the content kind of its path's
    /// previous version instead of being rebuilt (the audit: whole histories, where most old
    /// versions are deltas of newer ones, and a path keeps its kind).
    Audit,
}

/// Walk with `drive` on this thread while another inspects the blobs it finds (sizes, content
/// prefixes and the per-blob rules), so that tree diffs and blob reads use both cores.
pub(crate) fn inspect_walk(
    repo: &gix::Repository,
    policy: &Policy,
    progress: &Progress,
    reading: Reading,
    drive: impl FnOnce(&mut Walker<'_, OnBlob<'_>>) -> Result<(), RepoError>,
) -> Result<(Walked, Vec<ObjectId>, Inspected), RepoError> {
    let (walked, tips, inspected, _) = inspect_walk_with_packs(repo, policy, progress, reading, None, drive)?;
    Ok((walked, tips, inspected))
}

/// [`inspect_walk`]; with `packs` (the `large` and `shown` of [`Packs::read`]), the blob
/// reader first reads the object database's statistics (while the walk lists commits, before
/// any blob arrives) and takes blob sizes from them instead of reading each header again.
pub(crate) fn inspect_walk_with_packs(
    repo: &gix::Repository,
    policy: &Policy,
    progress: &Progress,
    reading: Reading,
    packs: Option<(u64, usize)>,
    drive: impl FnOnce(&mut Walker<'_, OnBlob<'_>>) -> Result<(), RepoError>,
) -> Result<(Walked, Vec<ObjectId>, Inspected, Option<Packs>), RepoError> {
    // Blobs go to the reader in batches (a hand-over per blob costs more than reading many
    // of them); at most `BATCHES` batches wait, so memory stays bounded when the reader is slower.
    const BATCH: usize = 512;
    const BATCHES: usize = 16;
    let mut reader = repo.clone();
    crate::repo::tune(&mut reader);
    // Blobs are read once each; the attribute lookups keep their own trees.
    reader.object_cache_size(0);
    std::thread::scope(|scope| {
        let (send, receive) = std::sync::mpsc::sync_channel::<Vec<Candidate>>(BATCHES);
        let inspecting = scope.spawn(move || {
            let packs = match packs {
                Some((large, shown)) => Some(Packs::read(&reader, large, shown)?),
                None => None,
            };
            let mut inspector = Inspector::new(&reader, policy);
            inspector.packs = packs.as_ref();
            if reading != Reading::Exact {
                inspector.attribute_dirs = Some(Default::default());
            }
            if reading == Reading::Audit {
                inspector.path_sniffs = Some(Default::default());
            }
            for batch in receive {
                for blob in batch {
                    inspector.inspect(blob, progress)?;
                }
            }
            let inspected = inspector.into_inspected();
            Ok::<_, RepoError>((inspected, packs))
        });
        let stopped = || RepoError::read("reading blobs", "the blob reader stopped");
        let walking = (|| {
            let mut batch = Vec::with_capacity(BATCH);
            let mut on_blob = |blob| {
                batch.push(blob);
                if batch.len() == BATCH {
                    let full = std::mem::replace(&mut batch, Vec::with_capacity(BATCH));
                    send.send(full).map_err(|_| stopped())?;
                }
                Ok(())
            };
            let mut walker = Walker::new(repo, &mut on_blob as OnBlob<'_>);
            walker.report_to(progress);
            drive(&mut walker)?;
            let tips = walker.tips().to_vec();
            let walked = walker.finish();
            send.send(batch).map_err(|_| stopped())?;
            Ok::<_, RepoError>((walked, tips))
        })();
        drop(send);
        let inspected = inspecting
            .join()
            .map_err(|_| RepoError::read("reading blobs", "the blob reader failed"))?;
        // The reader's own error explains a walk that stopped because the reader did.
        let (inspected, packs) = inspected?;
        let (walked, tips) = walking?;
        Ok((walked, tips, inspected, packs))
    })
}

/// Looks at each new blob once.
struct Inspector<'a> {
    repo: &'a gix::Repository,
    policy: &'a Policy,
    content: ContentReader,
    attributes: Attributes,
    /// What each blob turned out to be, so a blob at several paths is read once.
    known: gix::hashtable::HashMap<ObjectId, (Option<u64>, Option<Sniff>)>,
    growth: Growth,
    findings: Vec<Finding>,
    notices: Vec<Notice>,
    hits: Vec<Hit>,
    /// Paths worth a history lookup, newest version last written (ordered by path).
    touched: std::collections::BTreeMap<gix::bstr::BString, Candidate>,
    /// Delta chains already measured.
    chains: gix::hashtable::HashMap<ObjectId, Option<(u32, u64)>>,
    /// In a complete walk (every blob of the histories walked is seen, parents first, so a
    /// `.gitattributes` before the files it governs): the directories that held one so far.
    attribute_dirs: Option<std::collections::HashSet<gix::bstr::BString>>,
    /// With [`Reading::Audit`]: what each path's last version read turned out to be.
    path_sniffs: Option<HashMap<gix::bstr::BString, Option<Sniff>>>,
    /// The object database's statistics, when read: blob sizes come from there.
    packs: Option<&'a Packs>,
}

impl<'a> Inspector<'a> {
    fn new(repo: &'a gix::Repository, policy: &'a Policy) -> Self {
        Inspector {
            repo,
            policy,
            content: ContentReader::new(repo),
            attributes: Attributes::new(repo),
            attribute_dirs: None,
            path_sniffs: None,
            packs: None,
            known: Default::default(),
            growth: Growth::default(),
            findings: Vec::new(),
            notices: Vec::new(),
            hits: Vec::new(),
            touched: Default::default(),
            chains: Default::default(),
        }
    }

    fn into_inspected(self) -> Inspected {
        Inspected {
            findings: self.findings,
            notices: self.notices,
            growth: self.growth,
            touched: self.touched,
            sizes: self.known.into_iter().map(|(id, (size, _))| (id, size)).collect(),
        }
    }

    fn inspect(&mut self, mut new: Candidate, progress: &Progress) -> Result<(), RepoError> {
        if let Some(dirs) = self.attribute_dirs.as_mut() {
            let (dir, name) = split_path(new.path.as_bstr());
            if name == ".gitattributes" {
                dirs.insert(dir.to_owned());
            }
        }
        let (size, sniff) = match self.known.get(&new.oid) {
            Some(known) => known.clone(),
            None => {
                let known = self.read(&new)?;
                if let Some(size) = known.0 {
                    progress.blob(size);
                    self.growth.bytes = self.growth.bytes.saturating_add(size);
                    self.growth.blobs += 1;
                    self.note_largest(&new, size);
                }
                self.known.insert(new.oid, known.clone());
                known
            }
        };
        if size.is_none() {
            self.notices.push(Notice {
                kind: "absent-object",
                message: format!(
                    "blob {} at {} is not in the object database (partial or shallow clone?); size unknown, judged by name only",
                    new.oid,
                    crate::util::sanitize(&new.path)
                ),
                path: Some(new.path.to_str_lossy().into_owned()),
                blob: Some(new.oid.to_string()),
            });
        }
        // An empty file holds nothing to misuse git with; an LFS pointer's content lives elsewhere.
        if size == Some(0) || sniff.as_ref().is_some_and(|s| s.format == Some(Format::LfsPointer)) {
            return Ok(());
        }
        let attrs = match new.root {
            Some(root) => {
                self.attributes
                    .get_within(self.repo, root, new.path.as_bstr(), self.attribute_dirs.as_ref())?
            }
            // No tree: the attributes the caller found (staged files), if any.
            None => new.attrs,
        };
        new.size = size;
        new.sniff = sniff;
        new.attrs = attrs;
        self.hits.clear();
        rules::check_blob(&new, &self.policy.file, &mut self.hits);
        let file = &self.policy.file;
        new.kind = behaviour::kind_of(new.path.as_bstr(), new.name(), &self.hits, new.sniff.as_ref());
        let chain_rule = &file.rules.deep_delta_chain;
        if let Some(size) = size
            && size >= chain_rule.min_size.0
            && !chain_rule.level.is_off()
            && !chain_rule.exclude.is_match(&new.path)
        {
            let chain = match self.chains.get(&new.oid) {
                Some(known) => *known,
                None => {
                    let measured = match self.packs.and_then(|p| p.chain(&new.oid)) {
                        Some(chain) => Some(chain),
                        None => self.content.delta_chain(new.oid)?,
                    };
                    self.chains.insert(new.oid, measured);
                    measured
                }
            };
            if let Some((depth, inflate)) = chain
                && let Some(hit) = rules::deep_delta_chain::check(size, depth, inflate, file)
            {
                self.hits.push(hit);
            }
        }
        for hit in self.hits.drain(..) {
            self.findings.push(to_finding(hit, self.policy, Some(&new)));
        }
        if new.kind.is_some() || size.is_some_and(|s| s >= file.rules.churning_blob.min_size.0) {
            self.touched.insert(new.path.clone(), new);
        }
        Ok(())
    }

    /// The blob's size from its header (`None` when absent) and what its content prefix shows.
    fn read(&mut self, new: &Candidate) -> Result<(Option<u64>, Option<Sniff>), RepoError> {
        let header = match self.packs.and_then(|p| p.header(&new.oid)) {
            Some(known) => Some(known),
            None => self
                .repo
                .try_find_header(new.oid)
                .map_err(|e| RepoError::read(format!("reading the header of {}", new.oid), e))?
                .map(|h| (h.size(), h.num_deltas().is_some_and(|n| n > 0))),
        };
        let Some((size, delta)) = header else {
            return Ok((None, None));
        };
        if delta && let Some(previous) = self.path_sniffs.as_ref().and_then(|s| s.get(&new.path)) {
            return Ok((Some(size), previous.clone()));
        }
        let want = usize::try_from(size).unwrap_or(usize::MAX).min(detect::PREFIX_LEN);
        let sniff = self
            .content
            .prefix(self.repo, new.oid, size, want)?
            .map(|prefix| detect::sniff(&prefix, Some(size)));
        if let Some(sniffs) = self.path_sniffs.as_mut() {
            sniffs.insert(new.path.clone(), sniff.clone());
        }
        Ok((Some(size), sniff))
    }

    fn note_largest(&mut self, new: &Candidate, size: u64) {
        let largest = &mut self.growth.largest;
        if largest.len() < LARGEST_SHOWN || largest.last().is_some_and(|(_, s)| *s < size) {
            largest.push((new.path.to_str_lossy().into_owned(), size));
            largest.sort_by_key(|b| std::cmp::Reverse(b.1));
            largest.truncate(LARGEST_SHOWN);
        }
    }
}

/// A hit as a finding: about one blob at a path or, without a subject, about the whole range.
fn to_finding(hit: Hit, policy: &Policy, subject: Option<&Candidate>) -> Finding {
    let pattern = hit.pattern.unwrap_or_else(|| hit.rule.pattern());
    Finding {
        rule: hit.rule,
        pattern,
        level: hit.level,
        path: subject.map(|s| s.path.clone()),
        blob: subject.map(|s| s.oid),
        commit: subject.and_then(|s| s.commit),
        reference: subject.and_then(|s| s.reference.clone()),
        size: subject.and_then(|s| s.size),
        message: hit.message,
        suggestion: policy.suggestion(pattern).to_owned(),
        evidence: hit.evidence,
        paths: Vec::new(),
    }
}

/// One finding per path and rule: a log committed 60 times is one log, not 60. The most
/// severe version stands for the path (the deepest chain, then the newest, among equals), with
/// the count of versions.
fn collapse_versions(findings: &mut Vec<Finding>) {
    type Rank = (Level, u64);
    // (index of the version that stands for the path, its rank, count of versions)
    let mut best: HashMap<(Option<gix::bstr::BString>, crate::rules::RuleId), (usize, Rank, usize)> = HashMap::new();
    // The deepest chain stands for `deep-delta-chain`; otherwise the most severe, newest last.
    let rank = |f: &Finding| (f.level, f.evidence.get("depth").and_then(|d| d.as_u64()).unwrap_or(0));
    for (i, f) in findings.iter().enumerate() {
        let r = rank(f);
        let entry = best.entry((f.path.clone(), f.rule)).or_insert((i, r, 0));
        entry.2 += 1;
        if r >= entry.1 {
            (entry.0, entry.1) = (i, r);
        }
    }
    let keep: HashMap<usize, usize> = best.into_values().map(|(index, _, count)| (index, count)).collect();
    let mut i = 0;
    findings.retain_mut(|f| {
        let kept = keep.get(&i).copied();
        i += 1;
        match kept {
            Some(count) if count > 1 => {
                f.evidence.insert("versions".into(), count.into());
                true
            }
            Some(_) => true,
            None => false,
        }
    });
}

/// Name-only build output with at least this many versions is output a build keeps rewriting.
const REBUILT_VERSIONS: usize = 5;

/// Add what the behaviour rules say: churn, one finding per subject, build output that keeps
/// being rebuilt, and the files of engine directories folded into their subject.
fn apply_behaviour(
    input: &behaviour::Input<'_, '_>,
    analysis: behaviour::Analysis,
    policy: &Policy,
    known: Option<&gix::hashtable::HashMap<ObjectId, Option<u64>>>,
    findings: &mut Vec<Finding>,
) {
    let rules = &policy.file.rules;
    let repo = input.repo;
    let size_of = |b: ObjectId| match known.and_then(|k| k.get(&b)) {
        Some(size) => *size,
        None => repo.try_find_header(b).ok().flatten().map(|h| h.size()),
    };
    for t in input.touched.values() {
        if let Some(hit) = rules::churning_blob::check(input, t, &size_of)
            && !rules.churning_blob.level.is_off()
            && !rules.exclude(hit.rule).is_match(&t.path)
        {
            findings.push(to_finding(hit, policy, Some(t)));
        }
    }
    // Build output named as such is worth a warning once a build keeps rewriting it.
    for f in findings.iter_mut() {
        let by_name = f.evidence.get("build_output").is_some();
        if f.rule == RuleId::GeneratedArtifact
            && f.level == Level::Info
            && by_name
            && let Some(path) = &f.path
            && analysis.versions.get(path).copied().unwrap_or(0) >= REBUILT_VERSIONS
        {
            f.level = rules.generated_artifact.level.level();
            f.evidence.insert(
                "rebuilt_versions".into(),
                analysis.versions.get(path).copied().unwrap_or(0).into(),
            );
        }
    }
    // An engine's files are its data directory, not files of their own (sizes aside).
    findings.retain(|f| {
        f.pattern == crate::finding::Pattern::LargeChurn
            || !f
                .path
                .as_ref()
                .is_some_and(|p| analysis.engine_dirs.iter().any(|d| p.starts_with(d.as_slice())))
    });
    for subject in analysis.subjects {
        let hit = subject.hit;
        if rules.level(hit.rule).is_off() || subject.members.iter().all(|m| rules.exclude(hit.rule).is_match(m)) {
            continue;
        }
        let Some(t) = subject.representative.as_ref().and_then(|r| input.touched.get(r)) else {
            continue;
        };
        let mut finding = to_finding(hit, policy, Some(t));
        if subject.members.len() > 1 || subject.members.first() != Some(&subject.path) {
            let mut members = subject.members;
            members.sort();
            finding.path = Some(subject.path);
            finding.paths = members;
        }
        findings.push(finding);
    }
}

/// Per-file findings fold into one per subject from this many files.
const GROUP_MIN: usize = 12;

/// One finding per subject: per-file findings of one rule and level whose files sit in one
/// directory, or in directories that differ only in dates and counters (`2023/2023-04/`), become
/// one finding that lists every file.
fn group_by_subject(findings: &mut Vec<Finding>) {
    use std::collections::BTreeMap;
    let mut groups: BTreeMap<(RuleId, crate::finding::Pattern, Level, String), Vec<usize>> = BTreeMap::new();
    for (i, f) in findings.iter().enumerate() {
        let Some(path) = f.path.as_ref().filter(|_| f.paths.is_empty()) else {
            continue;
        };
        if f.rule == RuleId::HistoryGrowth || f.rule == RuleId::ChurningBlob || f.rule == RuleId::DeepDeltaChain {
            continue;
        }
        let dir = split_path(path.as_bstr()).0;
        groups
            .entry((f.rule, f.pattern, f.level, behaviour::fold_digits(dir)))
            .or_default()
            .push(i);
    }
    let mut merged = Vec::new();
    let mut gone = std::collections::HashSet::new();
    for ((_, _, _, folded), members) in groups {
        if members.len() < GROUP_MIN {
            continue;
        }
        let rank = |i: &usize| findings.get(*i).map(|f| (f.size.unwrap_or(0), f.path.clone()));
        let Some(best) = members.iter().max_by_key(|i| rank(i)).and_then(|i| findings.get(*i)) else {
            continue;
        };
        let mut files: Vec<gix::bstr::BString> = members
            .iter()
            .filter_map(|i| findings.get(*i).and_then(|f| f.path.clone()))
            .collect();
        files.sort();
        let dirs: std::collections::BTreeSet<&gix::bstr::BStr> =
            files.iter().map(|p| split_path(p.as_bstr()).0).collect();
        let mut exts: std::collections::BTreeSet<Option<String>> = files
            .iter()
            .map(|p| rules::paths::extension(split_path(p.as_bstr()).1))
            .collect();
        let dir = match dirs.iter().next() {
            Some(d) if dirs.len() == 1 => d.to_str_lossy().into_owned(),
            _ => folded.replace('#', "*"),
        };
        let name = match exts.pop_first() {
            Some(Some(ext)) if exts.is_empty() => format!("*.{ext}"),
            _ => "*".to_owned(),
        };
        let subject = if dir.is_empty() { name } else { format!("{dir}/{name}") };
        let mut f = best.clone();
        f.message = format!("{} files like this: {}", files.len(), best.message);
        f.evidence.insert("files".into(), files.len().into());
        f.path = Some(subject.into());
        f.paths = files;
        merged.push(f);
        gone.extend(members);
    }
    let mut i = 0;
    findings.retain(|_| {
        let keep = !gone.contains(&i);
        i += 1;
        keep
    });
    findings.extend(merged);
}
