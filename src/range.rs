//! Revision ranges: which commits to check, as `git rev-list` reads its arguments.
//!
//! [`Range::parse`] resolves `A..B`, `A...B`, `^A B`, `B --not A`, several tips and `--all`
//! into [`Tip`]s (what to include, each peeled to a commit, tree or blob) and hidden commits
//! (whose history is excluded). [`Range::from_ids`] builds the same from commits already
//! resolved (what `--ci` decided); [`upstream_range`] is what `pushgate scan` checks when given
//! no revision. [`crate::walk`] walks the result. In a shallow clone, [`Range::with_roots`]
//! names the clone's oldest commits the range reaches, whose own changes cannot be told from
//! what their trees held before.

use gix::ObjectId;
use gix::bstr::BString;

use crate::repo::RepoError;

/// A revision could not be resolved, or the arguments do not describe a range.
#[derive(Debug, thiserror::Error)]
pub enum RangeError {
    /// `rev_parse` failed.
    #[error("unknown revision `{spec}`: not a ref, object id or revision expression in this repository")]
    UnknownRevision {
        /// The revision as given (sanitized).
        spec: String,
    },
    /// An argument that looks like an option but is none (revisions never start with `-`).
    #[error("unknown option `{0}` (revisions never start with `-`; see `pushgate scan --help`)")]
    Option(String),
    /// Nothing to scan.
    #[error("no revisions given: name a range such as `origin/main..HEAD`, or use `--all`")]
    Empty,
    /// No revisions given, and no upstream to default to (the reason).
    #[error("no revisions given, and {0}: name a range such as `origin/main..HEAD`, or use `--all`")]
    NoUpstream(String),
    /// Reading the repository failed.
    #[error(transparent)]
    Repo(#[from] RepoError),
}

impl RangeError {
    /// The exit code this error ends `pushgate` with: 2 for arguments that describe no range
    /// (a usage error), 3 for a revision the repository cannot resolve or a failed read.
    pub(crate) fn exit_code(&self) -> u8 {
        match self {
            RangeError::Empty | RangeError::Option(_) | RangeError::NoUpstream(_) => 2,
            RangeError::UnknownRevision { .. } | RangeError::Repo(_) => 3,
        }
    }
}

/// What a tip points at, after peeling tags.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TipKind {
    /// The usual case.
    Commit,
    /// A ref pointing (through tags) at a tree.
    Tree,
    /// A ref pointing (through tags) at a blob.
    Blob,
}

/// One starting point of the walk.
#[derive(Debug, Clone)]
pub struct Tip {
    /// The peeled object.
    pub id: ObjectId,
    /// Its kind.
    pub(crate) kind: TipKind,
    /// How the user (or the ref database) named it.
    pub(crate) name: BString,
}

/// A resolved range: what to include, what to hide.
#[derive(Debug, Clone, Default)]
pub struct Range {
    /// Included tips.
    pub tips: Vec<Tip>,
    /// Commits whose history is excluded.
    pub hidden: Vec<ObjectId>,
    /// Refs of `--all` that point at objects the repository does not have.
    pub(crate) broken: Vec<(BString, ObjectId)>,
    /// Commits of the range whose parents are absent (a shallow clone's oldest commits): what
    /// they changed cannot be told, so every file of their trees is judged by the rules that
    /// judge one file. They are hidden too, so the walk covers the commits above them.
    pub(crate) roots: Vec<ObjectId>,
}

/// What `pushgate scan` checks when given no revision: what HEAD adds to the upstream of
/// its branch, `@{upstream}..HEAD` (with the upstream's remote-tracking ref spelled out), and
/// the upstream's short name. Without one, the error says why.
pub(crate) fn upstream_range(repo: &gix::Repository) -> Result<(Vec<String>, String), RangeError> {
    let no = |why: String| RangeError::NoUpstream(why);
    let head = repo
        .head_name()
        .map_err(|e| RepoError::read("reading HEAD", e))?
        .ok_or_else(|| no("HEAD is detached, so it has no upstream".into()))?;
    let branch = crate::util::sanitize(head.shorten());
    let tracking = repo
        .branch_remote_tracking_ref_name(head.as_ref(), gix::remote::Direction::Fetch)
        .ok_or_else(|| {
            no(format!(
                "branch `{branch}` has no upstream (git branch --set-upstream-to)"
            ))
        })?
        .map_err(|e| no(format!("the upstream of branch `{branch}` cannot be read ({e})")))?;
    let short = crate::util::sanitize(tracking.as_ref().shorten());
    if repo.try_find_reference(tracking.as_ref()).ok().flatten().is_none() {
        return Err(no(format!(
            "branch `{branch}`'s upstream `{short}` has not been fetched (git fetch)"
        )));
    }
    if repo.head_id().is_err() {
        return Err(no(format!("branch `{branch}` has no commit yet")));
    }
    Ok((vec![format!("{}..HEAD", tracking.as_bstr())], short))
}

impl Range {
    /// Resolve rev-list style arguments.
    pub fn parse(repo: &gix::Repository, revisions: &[String], all: bool) -> Result<Range, RangeError> {
        let mut range = Range::default();
        if all {
            range.add_all_refs(repo)?;
        }
        let mut negate_all = false;
        for arg in revisions {
            if arg == "--not" {
                negate_all = !negate_all;
                continue;
            }
            if arg.starts_with('-') {
                return Err(RangeError::Option(crate::util::sanitize(arg.as_bytes())));
            }
            if let Some((a, b)) = arg.split_once("...") {
                let a = peel(repo, if a.is_empty() { "HEAD" } else { a })?;
                let b = peel(repo, if b.is_empty() { "HEAD" } else { b })?;
                let bases = repo
                    .merge_bases_many(a.id, &[b.id])
                    .map_err(|e| RepoError::read(format!("finding the merge base of `{arg}`"), e))?;
                range.hidden.extend(bases.into_iter().map(|id| id.detach()));
                range.tips.extend([a, b]);
                continue;
            }
            if let Some((a, b)) = arg.split_once("..") {
                let a = peel(repo, if a.is_empty() { "HEAD" } else { a })?;
                let b = peel(repo, if b.is_empty() { "HEAD" } else { b })?;
                range.hide(a, negate_all);
                range.include(b, negate_all);
                continue;
            }
            let (spec, negated) = match arg.strip_prefix('^') {
                Some(rest) => (rest, !negate_all),
                None => (arg.as_str(), negate_all),
            };
            let tip = peel(repo, spec)?;
            if negated {
                range.hide(tip, false)
            } else {
                range.include(tip, false)
            }
        }
        if revisions.iter().all(|r| r == "--not") && !all {
            return Err(RangeError::Empty);
        }
        Ok(range)
    }

    /// `tip` minus everything reachable from `hidden`, as `tip --not hidden…` would resolve
    /// for commits already found (what `--ci` decided). The tip is named by its full id.
    /// `hidden` holds commits only, as [`Range::parse`] keeps them.
    pub(crate) fn from_ids(
        repo: &gix::Repository,
        tip: ObjectId,
        hidden: impl IntoIterator<Item = ObjectId>,
    ) -> Result<Range, RangeError> {
        Ok(Range {
            tips: vec![classify(repo, tip, tip.to_string().into())?],
            hidden: hidden.into_iter().collect(),
            broken: Vec::new(),
            roots: Vec::new(),
        })
    }

    /// The range with `roots`, commits it reaches whose parents are absent, judged by their
    /// whole trees instead of their changes (see [`Range::roots`]).
    pub(crate) fn with_roots(mut self, roots: Vec<ObjectId>) -> Range {
        self.hidden.extend(roots.iter().copied());
        self.roots = roots;
        self
    }

    /// Whether the range excludes nothing (`--all`, or tips alone), so that it holds whole
    /// histories rather than what some commits add to others.
    pub(crate) fn is_whole_history(&self) -> bool {
        self.hidden.is_empty()
    }

    /// Every ref (and `HEAD`) as an included tip.
    pub fn add_all_refs(&mut self, repo: &gix::Repository) -> Result<(), RangeError> {
        let platform = repo.references().map_err(|e| RepoError::read("reading refs", e))?;
        let refs = platform.all().map_err(|e| RepoError::read("reading refs", e))?;
        let mut named: Vec<(BString, ObjectId)> = Vec::new();
        for r in refs {
            let r = r.map_err(|e| RepoError::read("reading refs", e))?;
            if let Some(id) = r.try_id() {
                named.push((r.name().as_bstr().to_owned(), id.detach()));
            }
        }
        if let Ok(id) = repo.head_id() {
            named.push(("HEAD".into(), id.detach()));
        }
        for (name, id) in named {
            // A ref to an object that is not there (a broken or partial repository) cannot
            // be walked; the rest of the repository still can.
            if !repo.has_object(id) {
                self.broken.push((name, id));
                continue;
            }
            self.tips.push(classify(repo, id, name)?);
        }
        Ok(())
    }

    fn include(&mut self, tip: Tip, negate: bool) {
        if negate {
            self.hide(tip, false)
        } else {
            self.tips.push(tip)
        }
    }

    fn hide(&mut self, tip: Tip, negate: bool) {
        if negate {
            self.tips.push(tip)
        } else if tip.kind == TipKind::Commit {
            self.hidden.push(tip.id)
        }
    }
}

fn peel(repo: &gix::Repository, spec: &str) -> Result<Tip, RangeError> {
    let id = repo.rev_parse_single(spec).map_err(|_| RangeError::UnknownRevision {
        spec: crate::util::sanitize(spec.as_bytes()),
    })?;
    classify(repo, id.detach(), spec.into())
}

/// Peel tags until a commit, tree or blob.
pub fn classify(repo: &gix::Repository, mut id: ObjectId, name: BString) -> Result<Tip, RangeError> {
    use gix::objs::Kind;
    for _ in 0..64 {
        let object = repo
            .find_object(id)
            .map_err(|e| RepoError::read(format!("reading {id}"), e))?;
        let kind = match object.kind {
            Kind::Commit => TipKind::Commit,
            Kind::Tree => TipKind::Tree,
            Kind::Blob => TipKind::Blob,
            Kind::Tag => {
                let tag = object.into_tag();
                id = tag
                    .target_id()
                    .map_err(|e| RepoError::read(format!("reading tag {id}"), e))?
                    .detach();
                continue;
            }
        };
        return Ok(Tip { id, kind, name });
    }
    Err(RepoError::read(format!("peeling {}", name), "tag chain longer than 64 tags").into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usage_errors_exit_2_and_repository_errors_3() {
        assert_eq!(RangeError::Empty.exit_code(), 2);
        assert_eq!(RangeError::Option("-x".into()).exit_code(), 2);
        assert_eq!(RangeError::NoUpstream("HEAD is detached".into()).exit_code(), 2);
        let unknown = RangeError::UnknownRevision { spec: "nope".into() };
        assert_eq!(unknown.exit_code(), 3);
        assert_eq!(
            RangeError::from(RepoError::read("reading refs", "broken")).exit_code(),
            3
        );
    }

    #[test]
    fn from_ids_names_the_tip_by_its_id_and_hides_the_rest() {
        let dir = tempfile::tempdir().unwrap();
        let repo = gix::init_bare(dir.path()).unwrap();
        let tree = gix::ObjectId::empty_tree(repo.object_hash());
        let commit = |parents: Vec<ObjectId>| {
            repo.write_object(gix::objs::Commit {
                tree,
                parents: parents.into(),
                author: Default::default(),
                committer: Default::default(),
                encoding: None,
                message: "m".into(),
                extra_headers: Vec::new(),
            })
            .unwrap()
            .detach()
        };
        let base = commit(Vec::new());
        let head = commit(vec![base]);
        let range = Range::from_ids(&repo, head, [base]).unwrap();
        assert_eq!(range.tips.len(), 1);
        assert_eq!(range.tips[0].id, head);
        assert_eq!(range.tips[0].kind, TipKind::Commit);
        assert_eq!(range.tips[0].name, head.to_string());
        assert_eq!(range.hidden, [base]);
        assert!(!range.is_whole_history());
        assert!(Range::from_ids(&repo, head, []).unwrap().is_whole_history());
    }
}
