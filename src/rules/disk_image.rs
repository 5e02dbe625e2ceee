//! `disk-image` (backup): a disk or virtual machine image.

use crate::detect::FormatClass;
use crate::outcome::Pattern;
use serde::Serialize;

use crate::candidate::Candidate;
use super::{BlobCheck, Hit, RuleDoc, RuleId};

/// The pattern its findings belong to.
pub(crate) const PATTERN: Pattern = Pattern::Backup;

/// The rule's settings (`[rules.disk-image]`).
pub(crate) type Settings = super::settings::WithPaths;

/// The per-blob check, if the rule has one.
pub(crate) const BLOB: Option<BlobCheck> = Some(check);

/// What `pushgate explain` prints.
pub(crate) const DOC: RuleDoc = RuleDoc {
    summary: "A disk or virtual machine image: ISO 9660, qcow2, VMDK, VHD, VHDX, VDI, GPT disks, DMG.",
    why: "Images are huge binary snapshots of whole file systems; each one committed makes every clone and \
          push slower, and git cannot store their changes efficiently.",
    signals: "The image format from the content, or an image file name (`paths`) with binary content of no \
              other known format. A small image (under 1 MiB) under a test or fixture directory is an imaging \
              tool's test input: info.",
    fix: "Delete the image and add its name pattern to .gitignore; build VM images in a pipeline and keep them \
          in an image registry or snapshot storage (what to use instead). Remove the file from the unpushed \
          commits.",
};

/// What a `disk-image` finding reports: what told the image (`matched`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "matched", rename_all = "lowercase")]
pub(crate) enum Evidence {
    /// Its content, in a format pushgate recognizes.
    Content {
        /// The format.
        format: &'static str,
    },
    /// Its name, the content binary but of no known format.
    Name,
}

/// A disk image by content, or a binary file with an image name.
pub(crate) fn check(blob: &Candidate, policy: super::Context<'_>, out: &mut Vec<Hit>) {
    let rules = &policy.rules;
    let image = &rules.disk_image;
    // A tiny image under a test directory is what an imaging tool's tests read.
    let level = super::paths::fixture_level(blob, image.level.level());
    if let Some(format) = blob.format().filter(|f| f.class() == FormatClass::DiskImage) {
        out.push(
            Hit::new(
                RuleId::DiskImage,
                level,
                format!("{} (confirmed by content)", format.name()),
            )
            .with(Evidence::Content { format: format.name() }),
        );
    } else if image.paths.is_match(&blob.path) && blob.binary() == Some(true) && blob.format().is_none() {
        out.push(
            Hit::new(RuleId::DiskImage, level, "binary file with a disk image name").with(Evidence::Name),
        );
    }
}

/// The rule's place in the registry (see [`Rule`](super::Rule)).
pub(crate) struct DiskImage;

impl super::Rule for DiskImage {
    fn first_step(step: &crate::advice::wording::Step<'_>) -> String {
        if let Some(fixture) = super::fixture_step(step) {
            return fixture;
        }
        let by_name = matches!(DiskImage::evidence(&step.f.evidence), Some(Evidence::Name));
        format!(
            "Delete the image and add `{}` to .gitignore; build images in a pipeline and keep them in an image \
             registry or the storage below.",
            step.path
                .map(|p| if by_name {
                    step.by_name(p)
                } else {
                    step.ignore_line(p)
                })
                .unwrap_or_default()
        )
    }
}
