//! `lfs-bypassed` (large-churn): a path `.gitattributes` sends through Git LFS, committed raw.

use crate::advice::wording::Step;
use crate::outcome::Finding;
use crate::candidate::Candidate;
use super::{BlobCheck, Hit, RuleDoc, RuleId};
use crate::detect::Format;
use crate::outcome::Pattern;
use crate::util::human_size;
use serde::Serialize;

/// The pattern its findings belong to.
pub(crate) const PATTERN: Pattern = Pattern::LargeChurn;

/// The rule's settings (`[rules.lfs-bypassed]`).
pub(crate) type Settings = super::settings::LevelOnly;

/// The per-blob check, if the rule has one.
pub(crate) const BLOB: Option<BlobCheck> = Some(check);

/// What `pushgate explain` prints.
pub(crate) const DOC: RuleDoc = RuleDoc {
    summary: "A path that .gitattributes sends through Git LFS, committed as a raw blob instead of a pointer.",
    why: "The repository decided these files live in LFS; a raw copy puts the whole file into git history \
          anyway, usually because git-lfs was not installed on the committer's machine.",
    signals: "The `filter=lfs` attribute of the path, read from the .gitattributes files of the commit's own \
              tree (and $GIT_DIR/info/attributes), and whether the blob is a valid LFS pointer.",
    fix: "Install Git LFS (`git lfs install`), then convert the commits: `git lfs migrate import \
          --include=<path>` on the unpushed range, and push again.",
};

/// What an `lfs-bypassed` finding reports.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct Evidence {
    /// The attribute that asks for Git LFS (`filter=lfs`).
    pub(crate) attribute: &'static str,
    /// `false` when no branch or tag holds the raw blob any more.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) held_at_tips: Option<bool>,
    /// `false` when no branch or tag sends the path through Git LFS any more.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) lfs_at_tips: Option<bool>,
}

/// Git LFS pointer files are always smaller than this (the specification's limit).
const LFS_POINTER_MAX: u64 = 1024;

/// A raw blob where `.gitattributes` asks for an LFS pointer.
pub(crate) fn check(blob: &Candidate, policy: super::Context<'_>, out: &mut Vec<Hit>) {
    // A pointer is a small text file; anything larger is raw content even when it could not
    // be read (a huge delta), and anything smaller must be read to tell.
    let raw = match (blob.size, blob.sniff.as_ref()) {
        (Some(size), _) if size >= LFS_POINTER_MAX => true,
        (_, Some(sniff)) => sniff.format != Some(Format::LfsPointer),
        _ => false,
    };
    if blob.attrs.lfs && raw {
        out.push(
            Hit::new(
                RuleId::LfsBypassed,
                policy.rules.lfs_bypassed.level.level(),
                format!(
                    ".gitattributes sends this path through Git LFS (filter=lfs), but it was committed as a raw {} blob",
                    blob.size.map(human_size).unwrap_or_else(|| "size-unknown".into())
                ),
            )
            .with(Evidence {
                attribute: "filter=lfs",
                held_at_tips: None,
                lfs_at_tips: None,
            }),
        );
    }
}

/// Whether any of `roots` (tree ids) still holds a raw blob, not an LFS pointer, at `path`.
fn held_raw(repo: &gix::Repository, roots: &[gix::ObjectId], path: &[u8]) -> bool {
    super::blobs_at(repo, roots, path).into_iter().any(|id| {
        let Ok(header) = repo.find_header(id) else {
            return true;
        };
        header.size() >= LFS_POINTER_MAX
            || repo
                .find_blob(id)
                .map(|b| !crate::detect::is_lfs_pointer(&b.data, Some(header.size())))
                .unwrap_or(true)
    })
}

/// History the tips already fixed: a raw blob that no tip holds any more (the file was
/// removed, or replaced by its pointer) is a cost in history, which the audit's fix plan
/// removes, not something a push brings. Such findings are lowered to `info`, the same for a
/// push (judged against the pushed tips) and for the audit (against every branch and tag).
pub(crate) fn judge_held_at_tips(repo: &gix::Repository, tips: &[gix::ObjectId], findings: &mut [crate::outcome::Finding]) {
    if !findings.iter().any(|f| f.rule == RuleId::LfsBypassed && f.level > crate::outcome::Level::Info) {
        return;
    }
    let roots = super::tip_trees(repo, tips);
    for f in findings
        .iter_mut()
        .filter(|f| f.rule == RuleId::LfsBypassed && f.level > crate::outcome::Level::Info)
    {
        if f.files().into_iter().any(|p| held_raw(repo, &roots, p)) {
            continue;
        }
        f.level = crate::outcome::Level::Info;
        if let Some(own) = LfsBypassed::evidence_mut(&mut f.evidence) {
            own.held_at_tips = Some(false);
        }
        f.message = format!(
            "{} (no branch or tag holds it any more: a cost in history only)",
            f.message
        );
    }
}

/// In a whole history, a raw blob where an old `.gitattributes` asked for LFS matters only
/// while the repository still sends the path through LFS: judged against the attributes at
/// the tips, a path no tip sends through LFS any more is worth knowing, no more.
fn judge_attributes_at_tips(
    repo: &gix::Repository,
    tips: &[gix::ObjectId],
    findings: &mut [Finding],
) -> Result<(), crate::repo::RepoError> {
    if !findings.iter().any(|f| f.rule == RuleId::LfsBypassed) {
        return Ok(());
    }
    let roots = super::tip_trees(repo, tips);
    let mut attributes = crate::attributes::Attributes::new(repo);
    for f in findings.iter_mut().filter(|f| f.rule == RuleId::LfsBypassed) {
        let Some(path) = f.path.clone() else { continue };
        let mut still = false;
        for root in &roots {
            if attributes.get(repo, *root, gix::bstr::ByteSlice::as_bstr(path.as_slice()))?.lfs {
                still = true;
                break;
            }
        }
        if !still {
            f.level = crate::outcome::Level::Info;
            if let Some(own) = LfsBypassed::evidence_mut(&mut f.evidence) {
                own.lfs_at_tips = Some(false);
            }
            f.message = format!("{} (no branch or tag sends this path through LFS any more)", f.message);
        }
    }
    Ok(())
}

/// The rule's place in the registry (see [`Rule`](super::Rule)).
pub(crate) struct LfsBypassed;

impl super::Rule for LfsBypassed {
    fn first_step(step: &Step<'_>) -> String {
        format!(
            "Commit {} through Git LFS as .gitattributes asks: run `git lfs install`, then turn the raw blob into a \
             pointer in every commit that holds it (`git lfs migrate import`, limited to the commits not pushed \
             yet).",
            step.named("it")
        )
    }

    fn at_tips(
        repo: &gix::Repository,
        tips: &[gix::ObjectId],
        whole: bool,
        findings: &mut [Finding],
    ) -> Result<(), crate::repo::RepoError> {
        if whole {
            judge_attributes_at_tips(repo, tips, findings)?;
        }
        judge_held_at_tips(repo, tips, findings);
        Ok(())
    }
}
