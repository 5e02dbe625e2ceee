//! `backup-file` (backup): a backup copy by name; a dated series of copies.

use serde::{Deserialize, Serialize};

use crate::outcome::{Pattern, Setting};
use crate::policy::Globs;

use crate::candidate::Candidate;
use super::paths::is_source_code;
use super::{BlobCheck, Hit, RuleDoc, RuleId};

/// The pattern its findings belong to.
pub(crate) const PATTERN: Pattern = Pattern::Backup;

/// The rule's settings (`[rules.backup-file]`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub(crate) struct Settings {
    /// Highest level reported; `off` disables.
    pub(crate) level: Setting,
    /// Paths this rule never reports.
    #[serde(skip_serializing_if = "Globs::is_empty")]
    pub(crate) exclude: Globs,
    /// Backup copy names.
    pub(crate) paths: Globs,
    /// Backup directories.
    pub(crate) dirs: Globs,
}

/// The per-blob check, if the rule has one.
pub(crate) const BLOB: Option<BlobCheck> = Some(check);

/// What `pushgate explain` prints.
pub(crate) const DOC: RuleDoc = RuleDoc {
    summary: "A backup copy by name: `*.bak`, `*.backup`, `*.old`, `*.orig`, `*~`, or a file under `backup/`.",
    why: "Backup copies duplicate files that git already versions, and editors' and merge tools' leftovers \
          are noise in every review. History already is the backup of committed files.",
    signals: "The file name (`paths`) and backup directories (`dirs`); source code under a backup directory \
              is not reported.",
    fix: "Delete the copy (`git rm --cached <path>`) and add its name pattern (`*.bak`, `*~`, ...) to \
          .gitignore: history already keeps every version of the original. For a dated series a job writes, \
          stop the job from committing copies. Keep real backups in backup storage (what to use instead).",
};

/// A backup copy by name; a file in a backup directory (info).
pub(crate) fn check(blob: &Candidate, policy: super::Context<'_>, out: &mut Vec<Hit>) {
    let rules = &policy.rules;
    let backup = &rules.backup_file;
    if backup.paths.is_match(&blob.path) {
        out.push(
            Hit::new(RuleId::BackupFile, backup.level.level(), "backup copy (name)")
                .with(Evidence::File(Matched::Name)),
        );
    } else if backup.dirs.is_match(&blob.path) && !is_source_code(blob.name()) {
        // A directory name alone never warns (a `backup/` folder of scripts); what a job
        // copies there is judged by the history.
        out.push(
            Hit::new(
                RuleId::BackupFile,
                crate::outcome::Level::Info,
                "file in a backup directory",
            )
            .with(Evidence::File(Matched::Directory)),
        );
    }
}

/// What a `backup-file` finding reports: a copy by its name or folder, or a subject a job
/// writes.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub(crate) enum Evidence {
    /// A file, and what told it.
    File(Matched),
    /// Copies a job keeps adding.
    Subject(Subject),
}

/// What told a backup copy (`matched`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "matched", rename_all = "lowercase")]
pub(crate) enum Matched {
    /// Its name (`*.bak`, `*~`).
    Name,
    /// A backup directory it sits in.
    Directory,
}

/// Copies a job keeps adding (`subject`).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "subject", rename_all = "kebab-case")]
pub(crate) enum Subject {
    /// Dated or counted copies, each a new file.
    Series {
        /// The copies' names, their dates and counters as `*`.
        template: String,
        /// The commits that added them.
        job: super::job::Job,
    },
    /// A file kept in a backup folder, its versions committed by a job.
    BackupCopy {
        /// The commits that wrote it.
        job: super::job::Job,
    },
}

/// The rule's place in the registry (see [`Rule`](super::Rule)).
pub(crate) struct BackupFile;

impl super::Rule for BackupFile {
    fn first_step(step: &crate::advice::wording::Step<'_>) -> String {
        use crate::advice::wording::{backup_dir, ignore_path};
        let own = BackupFile::evidence(&step.f.evidence);
        if !matches!(own, Some(Evidence::Subject(_)))
            && let Some(fixture) = super::fixture_step(step)
        {
            return fixture;
        }
        let it = step.it;
        if let Some(Evidence::Subject(Subject::Series { .. })) = own {
            format!(
                "Stop committing dated copies: git history already keeps every version of the original. Delete the \
                 copies and add `{}` to .gitignore; keep real backups in the backup storage below.",
                step.path.map(|p| ignore_path(p, true)).unwrap_or_default()
            )
        } else if let Some(Evidence::File(Matched::Directory)) = own {
            format!(
                "If this is a copy, delete {it}: git history already keeps every version. Keep backups outside the \
                 repository and add {} to .gitignore.",
                step.path
                    .map(|p| format!("`{}`", backup_dir(p)))
                    .unwrap_or_else(|| "the directory".into())
            )
        } else {
            format!(
                "Delete {it}: git history already keeps every version of the original. Add `{}` to .gitignore so copies \
                 like {it} are not committed again.",
                step.path.map(|p| step.by_name(p)).unwrap_or_default()
            )
        }
    }
}

super::settings::plain_settings!(Settings);
