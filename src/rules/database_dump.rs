//! `database-dump` (backup): a database dump, by content (a schema dump is none).

use crate::detect::FormatClass;
use crate::outcome::Pattern;
use serde::Serialize;

use crate::candidate::Candidate;
use super::{BlobCheck, Hit, RuleDoc, RuleId};

/// The pattern its findings belong to.
pub(crate) const PATTERN: Pattern = Pattern::Backup;

/// The rule's settings (`[rules.database-dump]`).
pub(crate) type Settings = super::settings::WithPaths;

/// The per-blob check, if the rule has one.
pub(crate) const BLOB: Option<BlobCheck> = Some(check);

/// What `pushgate explain` prints.
pub(crate) const DOC: RuleDoc = RuleDoc {
    summary: "A database dump: mysqldump, MariaDB, pg_dump (plain and custom), sqlite3 .dump, Oracle export, \
              Redis RDB, mongodump BSON.",
    why: "Dumps are large, change completely from one run to the next, and often hold production data that \
          should never sit in a repository every developer clones. Git was not designed as backup storage.",
    signals: "The dump's own header in the content (`-- MySQL dump`, `-- PostgreSQL database dump`, `PGDMP`, \
              `REDIS00nn`, ...) and, for BSON and RDB files, the name (`paths`) with binary content. A `*.sql` \
              migration or schema file has no dump header and is never reported.",
    fix: "Delete the dump, add its path to .gitignore, keep dumps in backup storage (what to use instead) and \
          commit the schema or migrations instead. A small sample dump under a test directory is a fixture: \
          keep it with an `[[allow]]` exemption. Remove the file from the unpushed commits (`git rm --cached \
          <path>`, `git commit --amend` or `git rebase -i <base>`).",
};

/// What a `database-dump` finding reports: what told the dump (`matched`).
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

/// A dump by content, or a binary dump by name.
pub(crate) fn check(blob: &Candidate, policy: super::Context<'_>, out: &mut Vec<Hit>) {
    let rules = &policy.rules;
    let level = super::paths::fixture_level(blob, rules.database_dump.level.level());
    if let Some(format) = blob.format().filter(|f| f.class() == FormatClass::Dump) {
        out.push(
            Hit::new(
                RuleId::DatabaseDump,
                level,
                format!("{} (confirmed by content)", format.name()),
            )
            .with(Evidence::Content { format: format.name() }),
        );
    } else if rules.database_dump.paths.is_match(&blob.path) && blob.binary() == Some(true) {
        out.push(
            Hit::new(
                RuleId::DatabaseDump,
                level,
                "binary database dump (name)",
            )
            .with(Evidence::Name),
        );
    }
}

/// The rule's place in the registry (see [`Rule`](super::Rule)).
pub(crate) struct DatabaseDump;

impl super::Rule for DatabaseDump {
    fn first_step(step: &crate::advice::wording::Step<'_>) -> String {
        if let Some(fixture) = super::fixture_step(step) {
            return fixture;
        }
        format!(
            "Delete the dump and add {} to .gitignore: keep dumps in the backup storage below, and commit the \
             schema or migrations instead.",
            step.ignore()
        )
    }
}
