//! The inspection: a walk on one thread while another reads each new blob once (its size from
//! the header or the pack statistics, a bounded content prefix, its attributes) and runs the
//! rules that judge one blob.

use std::collections::HashMap;
use std::sync::Arc;

use gix::ObjectId;
use gix::bstr::ByteSlice;

use crate::attributes::Attributes;
use crate::candidate::Candidate;
use crate::detect::{self, Format, Sniff};
use crate::outcome::{Finding, Notice, NoticeKind};
use crate::packs::{Packs, Sizes};
use crate::policy::Policy;
use crate::progress::Progress;
use crate::repo::{ContentReader, RepoError};
use crate::rules::{self, Hit, behaviour, history_growth::Growth};
use crate::walk::{Walked, Walker};

/// How many of the largest new blobs `history-growth` names as evidence.
const LARGEST_SHOWN: usize = 5;

/// The blob callback a scan hands to the walk.
pub(crate) type OnBlob<'a> = &'a mut dyn FnMut(Candidate) -> Result<(), RepoError>;

/// What the inspection of a walk's blobs found, before history and exemptions.
pub(crate) struct Inspected {
    /// One finding per (blob, path, rule).
    pub(crate) findings: Vec<Finding>,
    /// Absent objects and the like.
    pub(crate) notices: Vec<Notice>,
    /// Blobs and bytes the walk brought, and the largest of them.
    pub(crate) growth: Growth,
    /// Paths worth a history lookup, by path.
    pub(crate) touched: std::collections::BTreeMap<gix::bstr::BString, Candidate>,
    /// The size of every blob read (`None`: absent).
    pub(crate) sizes: Sizes,
}

impl Inspected {
    /// Add what another inspection found (blobs read by one are not read by the other).
    pub(crate) fn absorb(&mut self, other: Inspected) {
        self.findings.extend(other.findings);
        self.notices.extend(other.notices);
        self.growth.blobs += other.growth.blobs;
        self.growth.bytes = self.growth.bytes.saturating_add(other.growth.bytes);
        self.touched.extend(other.touched);
        self.sizes.absorb(other.sizes);
    }
}

/// How thoroughly the blobs of a walk are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Reading {
    /// Every blob's content prefix (ranges, pushes).
    Exact,
    /// For a walk that sees every blob of the histories it walks (nothing hidden, parents
    /// first: the audit, `scan --all`): a version stored as a delta takes the content kind of its path's
    /// previous version instead of being rebuilt (in whole histories most old versions are
    /// deltas of newer ones, and a path keeps its kind). So does a version stored whole once
    /// the path's kind was read from a full prefix ([`detect::PREFIX_LEN`] bytes): a large
    /// file rewritten thousands of times is read once, whatever the pack made whole. A file
    /// read short of a full prefix is read again once it has doubled since: a log whose first
    /// version held two lines shows what it is as it grows, and a growing file is read a few
    /// times, not once per version.
    Whole,
}

/// Walk with `drive` on this thread while another inspects the blobs it finds (sizes, content
/// prefixes and the per-blob rules), so that tree diffs and blob reads use both cores.
pub(crate) fn inspect_walk(
    repo: &gix::Repository,
    policy: &Policy,
    progress: &dyn Progress,
    reading: Reading,
    drive: impl FnOnce(&mut Walker<'_, OnBlob<'_>>) -> Result<(), RepoError>,
) -> Result<(Walked, Vec<ObjectId>, Inspected), RepoError> {
    let (walked, tips, inspected, _) = inspect_walk_with_packs(repo, policy, progress, reading, None, drive)?;
    Ok((walked, tips, inspected))
}

/// What [`inspect_walk_with_packs`] gives: the walk, its tips, what the inspection found, and
/// the packs when they were read (shared: the walk's recorded changes number blobs by them).
pub(crate) type WalkedWithPacks = (Walked, Vec<ObjectId>, Inspected, Option<Arc<Packs>>);

/// [`inspect_walk`]; with `packs` (the `large` and `shown` of [`Packs::read`]), the blob
/// reader first reads the object database's statistics (while the walk lists commits, before
/// any blob arrives) and takes blob sizes from them instead of reading each header again.
pub(crate) fn inspect_walk_with_packs(
    repo: &gix::Repository,
    policy: &Policy,
    progress: &dyn Progress,
    reading: Reading,
    packs: Option<(u64, usize)>,
    drive: impl FnOnce(&mut Walker<'_, OnBlob<'_>>) -> Result<(), RepoError>,
) -> Result<WalkedWithPacks, RepoError> {
    // Blobs go to the reader in batches (a hand-over per blob costs more than reading many
    // of them); at most `BATCHES` batches wait, so memory stays bounded when the reader is slower.
    const BATCH: usize = 512;
    const BATCHES: usize = 16;
    let mut reader = repo.clone();
    crate::repo::tune(&mut reader);
    // Blobs are read once each; the attribute lookups keep their own trees.
    reader.object_cache_size(0);
    // The packs, once read: the blob reader's, and the walk's diff threads read trees from
    // them (told by `ready`).
    let read: std::sync::OnceLock<Arc<Packs>> = std::sync::OnceLock::new();
    let (ready, packs_ready) = std::sync::mpsc::channel::<()>();
    let cell = &read;
    let result = std::thread::scope(|scope| {
        let (send, receive) = std::sync::mpsc::sync_channel::<Vec<Candidate>>(BATCHES);
        let inspecting = std::thread::Builder::new()
            .name("blobs".into())
            .spawn_scoped(scope, move || {
                if let Some((large, shown)) = packs {
                    // Set once, here: `set` cannot fail.
                    let _ = cell.set(Arc::new(Packs::read(&reader, large, shown)?));
                    // The walk stops listening when it failed: nothing to tell it then.
                    let _ = ready.send(());
                }
                drop(ready);
                let mut inspector = Inspector::new(&reader, policy);
                inspector.packs = cell.get();
                if reading == Reading::Whole {
                    inspector.path_sniffs = Some(Default::default());
                }
                for batch in receive {
                    for blob in batch {
                        inspector.inspect(blob, progress)?;
                    }
                }
                Ok::<_, RepoError>(inspector.into_inspected())
            });
        let inspecting = inspecting.map_err(|e| RepoError::read("starting the blob reader", e))?;
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
            if packs.is_some() {
                walker.read_trees_from(cell, packs_ready);
            }
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
        let inspected = inspected?;
        let (walked, tips) = walking?;
        Ok((walked, tips, inspected))
    });
    let (walked, tips, inspected) = result?;
    Ok((walked, tips, inspected, read.into_inner()))
}

/// [`detect::PREFIX_LEN`] as a size.
const PREFIX_LEN_U64: u64 = detect::PREFIX_LEN as u64;

/// Looks at each new blob once.
pub(crate) struct Inspector<'a> {
    repo: &'a gix::Repository,
    policy: &'a Policy,
    content: ContentReader,
    attributes: Attributes,
    /// What each blob the packs do not hold turned out to be (its size and an index into
    /// `sniffs`), so a blob at several paths is read once.
    known: gix::hashtable::HashMap<ObjectId, (Option<u64>, u32)>,
    /// The same for each blob the packs hold, by its position there: an index into `sniffs`,
    /// plus one (0: not read yet). Its size is the packs'.
    known_packed: Option<crate::packs::ByPosition<u32>>,
    /// What the blobs read turned out to be; a path's versions that take its kind share one.
    sniffs: Vec<Option<Sniff>>,
    growth: Growth,
    findings: Vec<Finding>,
    notices: Vec<Notice>,
    hits: Vec<Hit>,
    /// Paths worth a history lookup, newest version last written (ordered by path).
    touched: std::collections::BTreeMap<gix::bstr::BString, Candidate>,
    /// Delta chains already measured.
    chains: gix::hashtable::HashMap<ObjectId, Option<(u32, u64)>>,
    /// With [`Reading::Whole`]: what each path's last version read turned out to be (an
    /// index into `sniffs`), and how many bytes of it were read.
    path_sniffs: Option<HashMap<gix::bstr::BString, (u32, u64)>>,
    /// The object database's statistics, when read: blob sizes come from there.
    packs: Option<&'a Arc<Packs>>,
    /// Rebuilds the blobs `packs` store as deltas, without mapping the packs.
    objects: Option<crate::packs::Objects<'a>>,
}

impl<'a> Inspector<'a> {
    /// An inspector reading from `repo`, judging under `policy`.
    pub(crate) fn new(repo: &'a gix::Repository, policy: &'a Policy) -> Self {
        Inspector {
            repo,
            policy,
            content: ContentReader::new(repo),
            attributes: Attributes::new(repo),
            path_sniffs: None,
            packs: None,
            objects: None,
            known: Default::default(),
            known_packed: None,
            sniffs: Vec::new(),
            growth: Growth::default(),
            findings: Vec::new(),
            notices: Vec::new(),
            hits: Vec::new(),
            touched: Default::default(),
            chains: Default::default(),
        }
    }

    /// What the inspection found.
    pub(crate) fn into_inspected(self) -> Inspected {
        Inspected {
            findings: self.findings,
            notices: self.notices,
            growth: self.growth,
            touched: self.touched,
            sizes: Sizes::new(
                self.packs.cloned(),
                match (self.packs, &self.known_packed) {
                    (Some(_), Some(known)) => known.map(|slot| *slot != 0),
                    (Some(packs), None) => packs.by_position(false),
                    (None, _) => Default::default(),
                },
                self.known.into_iter().map(|(id, (size, _))| (id, size)).collect(),
            ),
        }
    }

    /// Read `new` (once per blob), run the single-blob rules on it, and keep what the history
    /// rules will need.
    pub(crate) fn inspect(&mut self, mut new: Candidate, progress: &dyn Progress) -> Result<(), RepoError> {
        let located = self.packs.and_then(|p| p.locate(&new.oid).map(|at| (&**p, at)));
        if let (Some((packs, _)), None) = (located, &self.known_packed) {
            self.known_packed = Some(packs.by_position(0));
        }
        let known = match located {
            Some((packs, at)) => self
                .known_packed
                .as_ref()
                .and_then(|k| k.get(at))
                .filter(|&&slot| slot != 0)
                .and_then(|&slot| Some((packs.header_at(at)?.0, slot - 1)))
                .map(|(size, slot)| (Some(size), slot)),
            None => self.known.get(&new.oid).copied(),
        };
        let (size, slot) = match known {
            Some(known) => known,
            None => {
                let known = self.read(&new, located)?;
                if let Some(size) = known.0
                    && !new.old
                {
                    progress.blob(size);
                    self.growth.bytes = self.growth.bytes.saturating_add(size);
                    self.growth.blobs += 1;
                    self.note_largest(&new, size);
                }
                match located.and_then(|(_, at)| self.known_packed.as_mut()?.get_mut(at)) {
                    Some(mark) => *mark = known.1.saturating_add(1),
                    None => {
                        self.known.insert(new.oid, known);
                    }
                }
                known
            }
        };
        let sniff = self.sniffs.get(slot as usize).cloned().flatten();
        if size.is_none() {
            self.notices.push(Notice {
                kind: NoticeKind::AbsentObject,
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
        if new.link && is_link_target(size, sniff.as_ref()) {
            return Ok(());
        }
        let attrs = match (&new.gitattributes, new.root) {
            // The walk kept track of the tree's `.gitattributes`: no tree to read.
            (Some(listed), _) => self.attributes.get_listed(self.repo, listed, new.path.as_bstr())?,
            (None, Some(root)) => self.attributes.get(self.repo, root, new.path.as_bstr())?,
            // No tree: the attributes the caller found (staged files), if any.
            (None, None) => new.attrs,
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
                && let Some(hit) = rules::deep_delta_chain::check(size, depth, inflate, rules::Context::of(file))
            {
                self.hits.push(hit);
            }
        }
        for hit in self.hits.drain(..) {
            self.findings.push(to_finding(hit, self.policy, Some(&new)));
        }
        if new.kind.is_some()
            || size.is_some_and(|s| {
                s >= file
                    .rules
                    .churning_blob
                    .min_size
                    .0
                    .min(file.rules.large_blob.warn_size.0)
            })
            || behaviour::kept_copy(rules::Context::of(file), new.path.as_bstr())
        {
            match self.touched.get_mut(&new.path) {
                Some(newest) => *newest = new,
                None => {
                    self.touched.insert(new.path.clone(), new);
                }
            }
        }
        Ok(())
    }

    /// The blob's size from its header (`None` when absent) and what its content prefix shows
    /// (an index into `sniffs`); `located` where the packs hold it.
    fn read(
        &mut self,
        new: &Candidate,
        located: Option<(&'a Packs, crate::packs::Located)>,
    ) -> Result<(Option<u64>, u32), RepoError> {
        let header = match located.and_then(|(p, at)| p.header_at(at)) {
            Some(known) => Some(known),
            None => self
                .repo
                .try_find_header(new.oid)
                .map_err(|e| RepoError::read(format!("reading the header of {}", new.oid), e))?
                .map(|h| (h.size(), h.num_deltas().is_some_and(|n| n > 0))),
        };
        let Some((size, delta)) = header else {
            return Ok((None, self.sniff_slot(None)));
        };
        if let Some(&(previous, read)) = self.path_sniffs.as_ref().and_then(|s| s.get(&new.path))
            && (read >= PREFIX_LEN_U64 || (delta && size < read.saturating_mul(2)))
        {
            return Ok((Some(size), previous));
        }
        let want = usize::try_from(size).unwrap_or(usize::MAX).min(detect::PREFIX_LEN);
        // A blob a pack holds is read from there (a delta rebuilt, unless it is too large to
        // be worth it); others through the object store.
        let prefix = match located {
            Some((packs, at)) if !delta => packs.prefix(&new.oid, at, want)?,
            Some((packs, _)) if size <= crate::repo::MAX_REBUILD => {
                let objects = self
                    .objects
                    .get_or_insert_with(|| packs.objects(self.repo.objects.clone()));
                let mut data = Vec::new();
                gix::objs::Find::try_find(objects, &new.oid, &mut data)
                    .map_err(|e| RepoError::read(format!("reading blob {}", new.oid), e))?
                    .map(|object| object.data.get(..want).unwrap_or(object.data).to_vec())
            }
            _ => None,
        };
        let prefix = match prefix {
            Some(prefix) => Some(prefix),
            None => self.content.prefix(self.repo, new.oid, size, want)?,
        };
        let read = prefix
            .as_ref()
            .map_or(0, |p| u64::try_from(p.len()).unwrap_or(u64::MAX));
        let sniff = prefix.map(|prefix| detect::sniff(&prefix, Some(size)));
        let slot = self.sniff_slot(sniff);
        if let Some(sniffs) = self.path_sniffs.as_mut() {
            sniffs.insert(new.path.clone(), (slot, read));
        }
        Ok((Some(size), slot))
    }

    /// Keep `sniff` in `sniffs`; its index there.
    fn sniff_slot(&mut self, sniff: Option<Sniff>) -> u32 {
        self.sniffs.push(sniff);
        u32::try_from(self.sniffs.len().saturating_sub(1)).unwrap_or(u32::MAX)
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

/// The longest target a symbolic link has on the systems git runs on (`PATH_MAX`).
const LINK_TARGET_MAX: u64 = 4096;

/// Whether a symbolic link's blob reads as a link target: short text of no known format.
/// Anything else (a database, an archive, megabytes of data) is content, whatever the mode
/// says: a clone that flips the mode checks out a working file.
fn is_link_target(size: Option<u64>, sniff: Option<&crate::detect::Sniff>) -> bool {
    size.is_some_and(|s| s <= LINK_TARGET_MAX) && sniff.is_some_and(|s| !s.binary && s.format.is_none())
}

/// A hit as a finding: about one blob at a path or, without a subject, about the whole range.
pub(crate) fn to_finding(hit: Hit, policy: &Policy, subject: Option<&Candidate>) -> Finding {
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
        suggestion: policy.suggestion_for(pattern, hit.rule, &hit.evidence).to_owned(),
        evidence: hit.evidence,
        paths: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use crate::testing::{commit_all, fast_import, git, write_file};

    #[test]
    fn recorded_changes_name_their_blobs_and_sizes_whether_packed_or_loose() {
        // A long walk numbers the blobs its changes name by their place in the packs (two packs
        // here), and those no pack holds (loose) in a table of their own; the sizes read are kept
        // the same way. Every change names back the blobs git reports, and every blob's size is
        // git's.
        let tmp = tempfile::tempdir().expect("tempdir");
        let dir = tmp.path();
        git(dir, &["init", "-q", "-b", "main"]);
        let import = |from: u32, to: u32| {
            let mut stream = String::new();
            for i in from..=to {
                stream.push_str(&format!(
                    "commit refs/heads/main\nmark :{i}\ncommitter C <c@example.com> {} +0000\ndata 8\nrun {:04}\n",
                    1_700_000_000 + i * 3600,
                    i % 10_000
                ));
                if i > 1 {
                    let parent = if i == from {
                        "refs/heads/main^0".to_owned()
                    } else {
                        format!(":{}", i - 1)
                    };
                    stream.push_str(&format!("from {parent}\n"));
                }
                let rows: String = (0..20).map(|r| format!("{{\"row\": {r}, \"run\": {i}}}\n")).collect();
                stream.push_str(&format!("M 644 inline data/values.json\ndata {}\n{rows}\n", rows.len()));
                if i % 7 == 0 {
                    stream.push_str(&format!("D data/old-{}.txt\n", i - 7));
                }
                stream.push_str(&format!("M 644 inline data/old-{i}.txt\ndata 4\n{i:03}\n\n"));
            }
            fast_import(dir, &stream);
        };
        import(1, 300);
        import(301, 330);
        git(dir, &["checkout", "-q", "main"]);
        for i in 0..3 {
            write_file(dir, "loose.txt", &format!("a loose blob {i}\n"));
            commit_all(dir, &format!("loose {i}"));
        }
        let packs = std::fs::read_dir(dir.join(".git/objects/pack"))
            .expect("packs")
            .filter(|e| {
                e.as_ref()
                    .is_ok_and(|e| e.path().extension().is_some_and(|x| x == "pack"))
            })
            .count();
        assert_eq!(packs, 2);

        let repo = gix::open(dir).expect("open");
        let policy = crate::policy::Policy::builtin();
        let mut range = crate::range::Range::default();
        range.add_all_refs(&repo).expect("refs");
        let (walked, _, inspected, read) = crate::engine::inspect_walk_with_packs(
            &repo,
            &policy,
            &crate::progress::Silent,
            crate::engine::Reading::Whole,
            Some((u64::MAX, 0)),
            |walker| {
                walker.record_changes();
                walker.walk(&range.tips, &crate::walk::Old::Reachable(&[]), None)
            },
        )
        .expect("walk");
        let read = read.expect("the packs were read");
        let recorded = walked.recorded.as_ref().expect("recorded");
        assert!(recorded.blobs.packs().is_some(), "numbered by the packs");

        // What git says each non-merge commit changed.
        let log = git(
            dir,
            &[
                "log",
                "--all",
                "--no-merges",
                "--raw",
                "--no-renames",
                "--no-abbrev",
                "--format=commit %H",
            ],
        );
        let zero = "0".repeat(40);
        let side = |id: &str| (id != zero).then(|| id.to_owned());
        let mut expected = Vec::new();
        let mut commit = String::new();
        for line in log.lines() {
            if let Some(id) = line.strip_prefix("commit ") {
                commit = id.to_owned();
            } else if let Some(raw) = line.strip_prefix(':') {
                let (meta, path) = raw.split_once('\t').unwrap();
                let fields: Vec<&str> = meta.split(' ').collect();
                expected.push((commit.clone(), path.to_owned(), side(fields[3]), side(fields[2])));
            }
        }
        let id = |n: Option<u32>| n.map(|n| recorded.blob_id(n).expect("a numbered blob has an id").to_string());
        let mut got: Vec<_> = recorded
            .changes
            .iter()
            .map(|c| {
                (
                    walked.commits[c.commit as usize].id.to_string(),
                    recorded.paths[c.path as usize].to_string(),
                    id(c.blob()),
                    id(c.previous()),
                )
            })
            .collect();
        expected.sort();
        got.sort();
        assert!(expected.len() > 600, "{}", expected.len());
        assert_eq!(got, expected);

        // Loose blobs are numbered past the packs' entries, packed ones within them.
        let loose = git(dir, &["rev-parse", "main:loose.txt"]);
        let loose = gix::ObjectId::from_hex(loose.trim().as_bytes()).unwrap();
        let values = git(dir, &["rev-parse", "main~3:data/values.json"]);
        let values = gix::ObjectId::from_hex(values.trim().as_bytes()).unwrap();
        let dense = |id: &gix::ObjectId| recorded.blobs.dense(recorded.blobs.find(id).expect("numbered"));
        assert!(dense(&loose) >= read.entries());
        assert!(dense(&values) < read.entries());

        // Every blob's size, as git gives it, packed or loose.
        let sizes = git(
            dir,
            &[
                "cat-file",
                "--batch-all-objects",
                "--batch-check=%(objecttype) %(objectname) %(objectsize)",
            ],
        );
        let mut blobs = 0;
        for line in sizes.lines().filter(|l| l.starts_with("blob ")) {
            let fields: Vec<&str> = line.split(' ').collect();
            let blob = gix::ObjectId::from_hex(fields[1].as_bytes()).unwrap();
            let size: u64 = fields[2].parse().unwrap();
            assert_eq!(inspected.sizes.get(&blob), Some(Some(size)), "{blob}");
            blobs += 1;
        }
        assert_eq!(inspected.sizes.len(), blobs);
        let mut listed: Vec<_> = inspected.sizes.iter().collect();
        listed.sort();
        listed.dedup();
        assert_eq!(listed.len(), blobs);
    }
}
