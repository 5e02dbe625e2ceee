//! database: git used as a database. Database files and data rewritten by streams of
//! commits grow history with every write and slow every clone.

use super::{Blob, Hit, RuleDoc, RuleId};
use crate::detect::FormatClass;
use crate::policy::PolicyFile;

const DATABASE_FILE: RuleDoc = RuleDoc {
    id: RuleId::DatabaseFile,
    summary: "A database file (SQLite, Access/Jet, DuckDB, Berkeley DB, LMDB, LevelDB/RocksDB, InnoDB, ...).",
    why: "A database file is rewritten as a whole binary blob on every change. Git cannot merge it, cannot \
          diff it, and keeps every version forever, so the repository grows with each write and slows down \
          for everyone. Git was not designed as a database.",
    signals: "The content's magic bytes confirm the format (reported at `level`). A database file name \
              (`*.sqlite`, `*.db`, `*.mdb`, `*.ibd`, `*.sst`, `MANIFEST-*`, ...) whose content is binary but \
              of no known format is reported at `name_only_level`. A text file named `*.db` is not a database.",
    fix: "Move the data to a database service such as Amazon DynamoDB (or a managed relational database), \
          remove the file (`git rm --cached <path>`, add it to .gitignore) and amend or rebase the unpushed \
          commits that added it.",
};

/// The documentation of this pattern's rules.
pub fn doc(_rule: RuleId) -> &'static RuleDoc {
    &DATABASE_FILE
}

/// Per-blob rules of this pattern.
pub fn check(blob: &Blob<'_>, policy: &PolicyFile, out: &mut Vec<Hit>) {
    let rule = &policy.rules.database_file;
    if let Some(format) = blob.format().filter(|f| f.class() == FormatClass::Database) {
        // A small database under a test directory is a fixture.
        let level = if super::paths::is_small_fixture(blob) {
            crate::finding::Level::Info
        } else {
            rule.level
        };
        out.push(
            Hit::new(
                RuleId::DatabaseFile,
                level,
                format!("{} (confirmed by content)", format.name()),
            )
            .with("format", format.name())
            .with("matched", "content"),
        );
    } else if rule.paths.is_match(blob.path) && blob.binary() == Some(true) && blob.format().is_none() {
        out.push(
            Hit::new(
                RuleId::DatabaseFile,
                rule.name_only_level,
                "binary file with a database file name, in no format pushgate recognizes",
            )
            .with("matched", "name"),
        );
    }
}
