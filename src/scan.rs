//! A scan: walk a range, read what each new blob is (size from its header, a bounded prefix
//! of its content, its attributes), run the rules, apply exemptions.

use std::collections::HashMap;
use std::time::Instant;

use gix::ObjectId;
use gix::bstr::ByteSlice;
use serde::Serialize;

use crate::attributes::Attributes;
use crate::detect::{self, Format, Sniff};
use crate::finding::{Finding, Level, Notice};
use crate::policy::Policy;
use crate::repo::{ContentReader, RepoError};
use crate::rules::{self, Blob, Hit, large_churn::Growth};
use crate::walk::{NewBlob, Old, Range, Walker, split_path};

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
    /// Whether any finding fails under `policy`.
    pub fn fails(&self, policy: &Policy) -> bool {
        self.findings.iter().any(|f| policy.fails(f.level))
    }
}

/// How many of the largest new blobs `history-growth` names as evidence.
const LARGEST_SHOWN: usize = 5;

/// Scan the objects `range` introduces under `policy`.
pub fn scan(repo: &gix::Repository, range: &Range, policy: &Policy) -> Result<Outcome, RepoError> {
    let mut outcome = scan_with(repo, policy, range.is_whole_history(), |walker| {
        walker.walk(&range.tips, &Old::Reachable(&range.hidden), None)
    })?;
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

/// The blob callback a scan hands to the walk.
pub type OnBlob<'a> = &'a mut dyn FnMut(NewBlob) -> Result<(), RepoError>;

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
    let mut inspector = Inspector::new(repo, policy);
    let walked = {
        let mut on_blob = |blob| inspector.inspect(blob);
        let mut walker = Walker::new(repo, &mut on_blob as OnBlob<'_>);
        drive(&mut walker)?;
        walker.finish()
    };
    let Inspector {
        mut findings,
        mut notices,
        growth,
        ..
    } = inspector;

    // Growth is what a range adds to the history it builds on; a range that excludes nothing
    // is a whole history, whose size the audit reports.
    if !whole_history && let Some(hit) = rules::large_churn::history_growth(&growth, &policy.file) {
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

    let count = |level| findings.iter().filter(|f| f.level == level).count() as u64;
    let summary = Summary {
        commits: walked.commits.len() as u64,
        blobs: growth.blobs,
        bytes: growth.bytes,
        findings: findings.len() as u64,
        deny: count(Level::Deny),
        warn: count(Level::Warn),
        info: count(Level::Info),
        duration_ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
    };
    Ok(Outcome {
        findings,
        notices,
        summary,
    })
}

/// Looks at each new blob once.
struct Inspector<'a> {
    repo: &'a gix::Repository,
    policy: &'a Policy,
    content: ContentReader,
    attributes: Attributes,
    /// What each blob turned out to be, so a blob at several paths is read once.
    known: HashMap<ObjectId, (Option<u64>, Option<Sniff>)>,
    growth: Growth,
    findings: Vec<Finding>,
    notices: Vec<Notice>,
    hits: Vec<Hit>,
}

impl<'a> Inspector<'a> {
    fn new(repo: &'a gix::Repository, policy: &'a Policy) -> Self {
        Inspector {
            repo,
            policy,
            content: ContentReader::new(repo),
            attributes: Attributes::new(repo),
            known: HashMap::new(),
            growth: Growth::default(),
            findings: Vec::new(),
            notices: Vec::new(),
            hits: Vec::new(),
        }
    }

    fn inspect(&mut self, new: NewBlob) -> Result<(), RepoError> {
        let (size, sniff) = match self.known.get(&new.oid) {
            Some(known) => known.clone(),
            None => {
                let known = self.read(&new)?;
                if let Some(size) = known.0 {
                    self.growth.bytes += size;
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
            Some(root) => self.attributes.get(self.repo, root, new.path.as_bstr())?,
            None => Default::default(),
        };
        let (_, name) = split_path(new.path.as_bstr());
        let blob = Blob {
            path: new.path.as_bstr(),
            name,
            size,
            sniff: sniff.as_ref(),
            attrs,
        };
        self.hits.clear();
        rules::check_blob(&blob, &self.policy.file, &mut self.hits);
        for hit in self.hits.drain(..) {
            self.findings.push(to_finding(hit, self.policy, Some((&new, size))));
        }
        Ok(())
    }

    /// The blob's size from its header (`None` when absent) and what its content prefix shows.
    fn read(&mut self, new: &NewBlob) -> Result<(Option<u64>, Option<Sniff>), RepoError> {
        let header = self
            .repo
            .try_find_header(new.oid)
            .map_err(|e| RepoError::read(format!("reading the header of {}", new.oid), e))?;
        let Some(size) = header.map(|h| h.size()) else {
            return Ok((None, None));
        };
        let want = usize::try_from(size).unwrap_or(usize::MAX).min(detect::PREFIX_LEN);
        let sniff = self
            .content
            .prefix(self.repo, new.oid, size, want)?
            .map(|prefix| detect::sniff(&prefix, Some(size)));
        Ok((Some(size), sniff))
    }

    fn note_largest(&mut self, new: &NewBlob, size: u64) {
        let largest = &mut self.growth.largest;
        if largest.len() < LARGEST_SHOWN || largest.last().is_some_and(|(_, s)| *s < size) {
            largest.push((new.path.to_str_lossy().into_owned(), size));
            largest.sort_by_key(|b| std::cmp::Reverse(b.1));
            largest.truncate(LARGEST_SHOWN);
        }
    }
}

/// A hit as a finding: about `blob` (with its size) or, without one, about the whole range.
fn to_finding(hit: Hit, policy: &Policy, blob: Option<(&NewBlob, Option<u64>)>) -> Finding {
    let pattern = hit.rule.pattern();
    Finding {
        rule: hit.rule,
        pattern,
        level: hit.level,
        path: blob.map(|(b, _)| b.path.clone()),
        blob: blob.map(|(b, _)| b.oid),
        commit: blob.and_then(|(b, _)| b.commit),
        reference: blob.and_then(|(b, _)| b.reference.clone()),
        size: blob.and_then(|(_, size)| size),
        message: hit.message,
        suggestion: policy.suggestion(pattern).to_owned(),
        evidence: hit.evidence,
    }
}
