//! backup: backups, database dumps, disk images and archives of file systems. Git versions
//! source code; backups belong in storage built for them.

use super::paths::{find_word, has_date_stamp, is_source_code};
use super::{Blob, Hit, RuleDoc, RuleId};
use crate::detect::FormatClass;
use crate::policy::PolicyFile;
use crate::util::human_size;

const DATABASE_DUMP: RuleDoc = RuleDoc {
    id: RuleId::DatabaseDump,
    summary: "A database dump: mysqldump, MariaDB, pg_dump (plain and custom), sqlite3 .dump, Oracle export, \
              Redis RDB, mongodump BSON.",
    why: "Dumps are large, change completely from one run to the next, and often hold production data that \
          should never sit in a repository every developer clones. Git was not designed as backup storage.",
    signals: "The dump's own header in the content (`-- MySQL dump`, `-- PostgreSQL database dump`, `PGDMP`, \
              `REDIS00nn`, ...) and, for BSON and RDB files, the name (`paths`) with binary content. A `*.sql` \
              migration or schema file has no dump header and is never reported.",
    fix: "Store dumps in Amazon S3 (S3 Glacier for long retention) or use AWS Backup; remove the file from the \
          unpushed commits (`git rm --cached <path>`, `git commit --amend` or `git rebase -i <base>`).",
};

const ARCHIVE_BACKUP: RuleDoc = RuleDoc {
    id: RuleId::ArchiveBackup,
    summary: "An archive (tar, gzip, zip, 7z, rar, xz, zstd, bzip2, lz4) that is a backup, or that is large.",
    why: "Archives are opaque to git: every new one is stored whole, none can be diffed or merged, and \
          backups made on a schedule pile up in history forever.",
    signals: "The archive format from the content. Reported at `level` when the path holds one of `words` \
              (backup, bak, dump, snapshot, ...) or the file name carries a date stamp; at `large_level` \
              when the archive is at least `large_size`; small archives such as test fixtures are not reported.",
    fix: "Keep backups in Amazon S3 and S3 Glacier and manage them with AWS Backup; keep release archives in \
          a package or artifact store. Remove the file from the unpushed commits.",
};

const DISK_IMAGE: RuleDoc = RuleDoc {
    id: RuleId::DiskImage,
    summary: "A disk or virtual machine image: ISO 9660, qcow2, VMDK, VHD, VHDX, VDI, GPT disks, DMG.",
    why: "Images are huge binary snapshots of whole file systems; each one committed makes every clone and \
          push slower, and git cannot store their changes efficiently.",
    signals: "The image format from the content, or an image file name (`paths`) with binary content of no \
              other known format.",
    fix: "Keep images as Amazon EBS snapshots or in Amazon S3, and build VM images in a pipeline instead of \
          committing them. Remove the file from the unpushed commits.",
};

const BACKUP_FILE: RuleDoc = RuleDoc {
    id: RuleId::BackupFile,
    summary: "A backup copy by name: `*.bak`, `*.backup`, `*.old`, `*.orig`, `*~`, or a file under `backup/`.",
    why: "Backup copies duplicate files that git already versions, and editors' and merge tools' leftovers \
          are noise in every review. History already is the backup of committed files.",
    signals: "The file name (`paths`) and backup directories (`dirs`); source code under a backup directory \
              is not reported.",
    fix: "Delete the copy (`git rm --cached <path>`) and add the pattern to .gitignore; keep real backups in \
          Amazon S3, Amazon EFS or Amazon EBS snapshots, managed with AWS Backup.",
};

/// The documentation of this pattern's rules.
pub fn doc(rule: RuleId) -> &'static RuleDoc {
    match rule {
        RuleId::DatabaseDump => &DATABASE_DUMP,
        RuleId::ArchiveBackup => &ARCHIVE_BACKUP,
        RuleId::DiskImage => &DISK_IMAGE,
        _ => &BACKUP_FILE,
    }
}

/// Per-blob rules of this pattern.
pub fn check(blob: &Blob<'_>, policy: &PolicyFile, out: &mut Vec<Hit>) {
    let rules = &policy.rules;

    if let Some(format) = blob.format().filter(|f| f.class() == FormatClass::Dump) {
        out.push(
            Hit::new(
                RuleId::DatabaseDump,
                rules.database_dump.level,
                format!("{} (confirmed by content)", format.name()),
            )
            .with("format", format.name())
            .with("matched", "content"),
        );
    } else if rules.database_dump.paths.is_match(blob.path) && blob.binary() == Some(true) {
        out.push(
            Hit::new(
                RuleId::DatabaseDump,
                rules.database_dump.level,
                "binary database dump (name)",
            )
            .with("matched", "name"),
        );
    }

    if let Some(format) = blob.format().filter(|f| f.class() == FormatClass::Archive)
        && !super::paths::is_small_fixture(blob)
    {
        let rule = &rules.archive_backup;
        let word = find_word(blob.path, &rule.words);
        // A rotated log (`app-2024-05-01.log.gz`) carries a date but is the log rule's business.
        let dated = has_date_stamp(blob.name) && !rules.log_file.paths.is_match(blob.path);
        let base = |level, why: String| {
            Hit::new(RuleId::ArchiveBackup, level, format!("{} {why}", format.name())).with("format", format.name())
        };
        if let Some(word) = word {
            out.push(base(rule.level, format!("named as a backup (\"{word}\")")).with("word", word));
        } else if dated {
            out.push(
                base(
                    rule.level,
                    "with a date stamp in its name, as scheduled backups have".into(),
                )
                .with("dated", true),
            );
        } else if let Some(size) = blob.size.filter(|s| *s >= rule.large_size.0) {
            out.push(base(
                rule.large_level,
                format!("of {} (reported from {})", human_size(size), rule.large_size),
            ));
        }
    }

    let image = &rules.disk_image;
    if let Some(format) = blob.format().filter(|f| f.class() == FormatClass::DiskImage) {
        out.push(
            Hit::new(
                RuleId::DiskImage,
                image.level,
                format!("{} (confirmed by content)", format.name()),
            )
            .with("format", format.name())
            .with("matched", "content"),
        );
    } else if image.paths.is_match(blob.path) && blob.binary() == Some(true) && blob.format().is_none() {
        out.push(
            Hit::new(RuleId::DiskImage, image.level, "binary file with a disk image name").with("matched", "name"),
        );
    }

    let backup = &rules.backup_file;
    if backup.paths.is_match(blob.path) {
        out.push(Hit::new(RuleId::BackupFile, backup.level, "backup copy (name)").with("matched", "name"));
    } else if backup.dirs.is_match(blob.path) && !is_source_code(blob.name) {
        // A directory name alone never warns (a `backup/` folder of scripts); what a job
        // copies there is judged by the history.
        out.push(
            Hit::new(
                RuleId::BackupFile,
                crate::finding::Level::Info,
                "file in a backup directory",
            )
            .with("matched", "directory"),
        );
    }
}
