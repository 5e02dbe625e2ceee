//! `database-file` (database): a database file, by content or name; an engine's data directory.

use crate::advice::wording::Step;
use crate::outcome::Finding;
use serde::{Deserialize, Serialize};

use crate::outcome::{Pattern, Setting};
use crate::policy::Globs;
use crate::detect::FormatClass;

use crate::candidate::Candidate;
use super::{BlobCheck, Hit, RuleDoc, RuleId};

/// The pattern its findings belong to.
pub(crate) const PATTERN: Pattern = Pattern::Database;

/// The rule's settings (`[rules.database-file]`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub(crate) struct Settings {
    /// Level when the content confirms a database format.
    pub(crate) level: Setting,
    /// Paths this rule never reports.
    #[serde(skip_serializing_if = "Globs::is_empty")]
    pub(crate) exclude: Globs,
    /// Level for a database name with binary content of no known format.
    pub(crate) name_only_level: Setting,
    /// Database file names.
    pub(crate) paths: Globs,
}

/// The per-blob check, if the rule has one.
pub(crate) const BLOB: Option<BlobCheck> = Some(check);

/// What `pushgate explain` prints.
pub(crate) const DOC: RuleDoc = RuleDoc {
    summary: "A database file (SQLite, Access/Jet, DuckDB, Berkeley DB, LMDB, LevelDB/RocksDB, InnoDB, ...).",
    why: "A database file is rewritten as a whole binary blob on every change. Git cannot merge it, cannot \
          diff it, and keeps every version forever, so the repository grows with each write and slows down \
          for everyone. Git was not designed as a database.",
    signals: "The content's magic bytes confirm the format (reported at `level`). A database file name \
              (`*.sqlite`, `*.db`, `*.mdb`, `*.ibd`, `*.sst`, `MANIFEST-*`, ...) whose content is binary but \
              of no known format is reported at `name_only_level`. A text file named `*.db` is not a database. \
              A small database (under 1 MiB) that people, never a job, committed at most three times and \
              then left unchanged for `lookback_days` (a benchmark's fixture, the data a documentation page \
              reads) is info; a push that brings a version of it is judged by its content.",
    fix: "A small database under a test or fixture directory that the tests read: keep it, with an `[[allow]]` \
          exemption for its path and this rule (or build it from a script when the tests run). Anything else: \
          stop tracking it (`git rm --cached <path>`), add it to .gitignore, commit the schema and migrations, \
          keep the data in a database (what to use instead), and amend or rebase the unpushed commits that \
          added it.",
};

/// Per-blob rules of this pattern.
pub(crate) fn check(blob: &Candidate, policy: super::Context<'_>, out: &mut Vec<Hit>) {
    let rule = &policy.rules.database_file;
    if let Some(format) = blob.format().filter(|f| f.class() == FormatClass::Database) {
        // A small database under a test directory is a fixture.
        let level = if super::paths::is_small_fixture(blob) {
            crate::outcome::Level::Info
        } else {
            rule.level.level()
        };
        out.push(
            Hit::new(
                RuleId::DatabaseFile,
                level,
                format!("{} (confirmed by content)", format.name()),
            )
            .with(Evidence::File(Matched::Content { format: format.name() })),
        );
    } else if rule.paths.is_match(&blob.path)
        && blob.binary() == Some(true)
        && blob.format().is_none()
        && !rule.name_only_level.is_off()
    {
        out.push(
            Hit::new(
                RuleId::DatabaseFile,
                rule.name_only_level.level(),
                "binary file with a database file name, in no format pushgate recognizes",
            )
            .with(Evidence::File(Matched::Name)),
        );
    }
}

/// What a `database-file` finding reports: a database file, or an engine's data directory.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub(crate) enum Evidence {
    /// A file, and what told it.
    File(Matched),
    /// An engine's data directory, committed.
    Engine {
        /// The engine.
        engine: String,
        /// The commits that changed the directory.
        commits: usize,
        /// The date of the first.
        first: String,
        /// The date of the last.
        last: String,
    },
}

/// What told a database file (`matched`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "matched", rename_all = "lowercase")]
pub(crate) enum Matched {
    /// Its content, in a format pushgate recognizes.
    Content {
        /// The format.
        format: &'static str,
    },
    /// Its name alone.
    Name,
}

/// Whether `f` is a database file told by its content.
fn by_content(f: &Finding) -> bool {
    f.rule == RuleId::DatabaseFile
        && matches!(
            DatabaseFile::evidence(&f.evidence),
            Some(Evidence::File(Matched::Content { .. }))
        )
}

/// History already fixed: a database file committed once or twice (a benchmark's fixture, a
/// file added by mistake) and then deleted was never rewritten in git, so git was never its
/// store; what is left is a cost in history, which the audit's fix plan removes. Its finding is
/// lowered to `info`. The history model decides, so a push that adds and deletes it and the
/// audit of the repository after that push agree; a push that adds it is judged as before, and
/// a database rewritten more often, added again after the deletion, or written by a job (a
/// dated copy a backup job adds and then moves) keeps its level.
pub(crate) fn settle_removed(input: &super::Input<'_, '_>, findings: &mut [crate::outcome::Finding]) {
    super::settle_removed(
        input,
        findings,
        by_content,
        "a database kept in git",
    );
}

/// Left alone by people: a small database file people committed once or a few times and then
/// left unchanged for `lookback_days` (a benchmark's fixture, the data a documentation page
/// reads, an example's database) was never a store whose writes git keeps; its content
/// finding is lowered to `info` (see `rules::settle_left_alone`). A database a push brings
/// has had no time to show that, and is denied by its content as before; one that a job
/// writes, that people keep rewriting (more than three versions), or of 1 MiB or more keeps
/// its level.
pub(crate) fn settle_left_alone(input: &super::Input<'_, '_>, findings: &mut [crate::outcome::Finding]) {
    super::settle_left_alone(
        input,
        findings,
        by_content,
        "a database kept in git",
    );
}

/// The rule's place in the registry (see [`Rule`](super::Rule)).
pub(crate) struct DatabaseFile;

impl super::Rule for DatabaseFile {
    fn first_step(step: &Step<'_>) -> String {
        if let Some(fixture) = super::fixture_step(step) {
            return fixture;
        }
        let it = step.it;
        match DatabaseFile::evidence(&step.f.evidence) {
            Some(Evidence::Engine { engine, .. }) => format!(
                "Stop committing the {engine} data directory: add {} to .gitignore and run the database as a service; \
                 keep its schema and migrations in git.",
                step.ignore()
            ),
            Some(Evidence::File(_)) | None => format!(
                "Take the database out of git: stop tracking {it} (`git rm --cached`, your copy stays), add {} to \
                 .gitignore, and commit the schema and migrations (or a script that builds {it}) instead.",
                step.ignore()
            ),
        }
    }

    fn settle(input: &super::Input<'_, '_>, _: &super::Analysis, findings: &mut Vec<Finding>) {
        settle_removed(input, findings);
        settle_left_alone(input, findings);
    }
}

super::settings::plain_settings!(Settings);
