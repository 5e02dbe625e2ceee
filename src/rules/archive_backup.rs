//! `archive-backup` (backup): an archive that is a backup, or a large one.

use serde::{Deserialize, Serialize};

use crate::outcome::{Pattern, Setting};
use crate::policy::Globs;
use crate::detect::FormatClass;
use crate::policy::Size;
use crate::util::human_size;

use crate::candidate::Candidate;
use super::paths::{find_word, has_date_stamp};
use super::{BlobCheck, Hit, RuleDoc, RuleId};

/// The pattern its findings belong to.
pub(crate) const PATTERN: Pattern = Pattern::Backup;

/// The rule's settings (`[rules.archive-backup]`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub(crate) struct Settings {
    /// Level for backup-named or date-stamped archives.
    pub(crate) level: Setting,
    /// Paths this rule never reports.
    #[serde(skip_serializing_if = "Globs::is_empty")]
    pub(crate) exclude: Globs,
    /// Level for other archives of at least `large_size`.
    pub(crate) large_level: Setting,
    /// Size from which any archive is reported.
    pub(crate) large_size: Size,
    /// Words in a path that say "backup".
    pub(crate) words: Vec<String>,
}

/// The per-blob check, if the rule has one.
pub(crate) const BLOB: Option<BlobCheck> = Some(check);

/// What `pushgate explain` prints.
pub(crate) const DOC: RuleDoc = RuleDoc {
    summary: "An archive (tar, gzip, zip, 7z, rar, xz, zstd, bzip2, lz4, a backup plugin's `.wpress`) that is a \
              backup, or that is large.",
    why: "Archives are opaque to git: every new one is stored whole, none can be diffed or merged, and \
          backups made on a schedule pile up in history forever.",
    signals: "The archive format from the content (a backup plugin's archive without a magic, `.wpress`, by \
              its extension when the content is binary). Reported at `level` when the path holds one of `words` \
              (backup, bak, dump, snapshot, ...) or the file name carries a date stamp; at `large_level` \
              when the archive is at least `large_size`; small archives such as test fixtures are not reported.",
    fix: "An archive named or dated as a backup: delete it, add its path to .gitignore, and keep backups in \
          backup storage (what to use instead). A large release or data archive: publish it as a release asset \
          or in artifact storage, or track it with Git LFS. Remove the file from the unpushed commits.",
};

/// Archive formats of backup and migration plugins that have no magic of their own, by
/// extension (the content must be binary): All-in-One WP Migration's `.wpress`.
const PLUGIN_ARCHIVES: &[(&str, &str)] = &[("wpress", "All-in-One WP Migration archive")];

/// The archive format of `blob`: by content, else a plugin's archive by its extension.
fn archive_format(blob: &Candidate) -> Option<&'static str> {
    if let Some(format) = blob.format() {
        return (format.class() == FormatClass::Archive).then(|| format.name());
    }
    let ext = super::paths::extension(blob.name())?;
    let (_, name) = PLUGIN_ARCHIVES.iter().find(|(e, _)| *e == ext)?;
    (blob.binary() == Some(true)).then_some(*name)
}

/// What an `archive-backup` finding reports.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct Evidence {
    /// The archive's format.
    pub(crate) format: &'static str,
    /// The backup word its name holds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) word: Option<String>,
    /// Its name holds a date stamp, as scheduled backups have.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub(crate) dated: bool,
}

impl Evidence {
    /// Whether the archive is a backup (a backup word or a date in its name), not only a large
    /// archive.
    fn is_backup(&self) -> bool {
        self.word.is_some() || self.dated
    }
}

/// An archive named or dated as a backup, or a large one.
pub(crate) fn check(blob: &Candidate, policy: super::Context<'_>, out: &mut Vec<Hit>) {
    let rules = &policy.rules;
    if let Some(format) = archive_format(blob)
        && !super::paths::is_small_fixture(blob)
    {
        let rule = &rules.archive_backup;
        let word = find_word(&blob.path, &rule.words);
        // A rotated log (`app-2024-05-01.log.gz`) carries a date but is the log rule's business.
        let dated = has_date_stamp(blob.name()) && !rules.log_file.paths.is_match(&blob.path);
        let (level, why) = if let Some(word) = word {
            (rule.level.level(), format!("named as a backup (\"{word}\")"))
        } else if dated {
            (
                rule.level.level(),
                "with a date stamp in its name, as scheduled backups have".to_owned(),
            )
        } else if let Some(size) = blob.size.filter(|s| *s >= rule.large_size.0 && !rule.large_level.is_off()) {
            (
                rule.large_level.level(),
                format!("of {} (reported from {})", human_size(size), rule.large_size),
            )
        } else {
            return;
        };
        out.push(
            Hit::new(RuleId::ArchiveBackup, level, format!("{format} {why}")).with(Evidence {
                format,
                word: word.map(str::to_owned),
                dated: dated && word.is_none(),
            }),
        );
    }
}

/// The rule's place in the registry (see [`Rule`](super::Rule)).
pub(crate) struct ArchiveBackup;

impl super::Rule for ArchiveBackup {
    fn first_step(step: &crate::advice::wording::Step<'_>) -> String {
        if let Some(fixture) = super::fixture_step(step) {
            return fixture;
        }
        let it = step.it;
        if ArchiveBackup::evidence(&step.f.evidence).is_some_and(Evidence::is_backup) {
            return format!(
                "Delete the archive and add {} to .gitignore; keep backups in the backup storage below.",
                step.ignore()
            );
        }
        match step.path {
            Some(p) => format!(
                "Publish {it} as a release asset or in artifact storage, or track {it} with Git LFS (`git lfs track \
                 \"{}\"`).",
                crate::advice::wording::lfs_glob(p)
            ),
            None => "Publish it as a release asset or in artifact storage, or track it with Git LFS.".into(),
        }
    }

    /// A large archive that is no backup (a release tarball): release storage.
    fn alternative(pattern: Pattern, evidence: &crate::outcome::Evidence) -> crate::advice::Alternative {
        if ArchiveBackup::evidence(evidence).is_some_and(|own| !own.is_backup()) {
            crate::advice::Alternative::Artifacts
        } else {
            crate::advice::Alternative::Pattern(pattern)
        }
    }
}

super::settings::plain_settings!(Settings);
