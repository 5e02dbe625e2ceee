//! The registry: every rule, one line each, in documentation order (grouped by pattern): its
//! [`RuleId`] variant, its file (`src/rules/<module>.rs`) and its stable id. The ids and the
//! plain types every rule produces ([`Hit`]) and documents ([`RuleDoc`]) live here, below the
//! outcome model that carries them; [`rules`](super) expands the same list into each rule's
//! settings table, documentation, pattern and per-blob check.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::outcome::{Evidence, Level, Pattern};

/// Hands the registry to `$then`: one `Variant => module = "id",` line per rule.
macro_rules! each_rule {
    ($then:ident) => {
        $then! {
            /// A blob whose size reaches a threshold.
            LargeBlob => large_blob = "large-blob",
            /// Bytes of new blobs a range adds to history.
            HistoryGrowth => history_growth = "history-growth",
            /// A large path with many versions in a stretch of the look-back window.
            ChurningBlob => churning_blob = "churning-blob",
            /// A large object behind a deep delta chain.
            DeepDeltaChain => deep_delta_chain = "deep-delta-chain",
            /// A raw blob where `.gitattributes` asks for an LFS pointer.
            LfsBypassed => lfs_bypassed = "lfs-bypassed",
            /// A database file, by content or name; an engine's data directory.
            DatabaseFile => database_file = "database-file",
            /// Structured data a job rewrites.
            DataChurn => data_churn = "data-churn",
            /// A log file, by name or timestamped lines.
            LogFile => log_file = "log-file",
            /// Audit and event records.
            AuditRecord => audit_record = "audit-record",
            /// Build output and generated files.
            GeneratedArtifact => generated_artifact = "generated-artifact",
            /// What else a job writes: records, logs, rendered output, folder snapshots.
            MachineCadence => machine_cadence = "machine-cadence",
            /// A database dump.
            DatabaseDump => database_dump = "database-dump",
            /// An archive that is a backup, or a large archive.
            ArchiveBackup => archive_backup = "archive-backup",
            /// A disk or VM image.
            DiskImage => disk_image = "disk-image",
            /// A backup copy by name; a dated series of copies.
            BackupFile => backup_file = "backup-file",

        }
    };
}
pub(crate) use each_rule;

/// Counts the rules of the registry.
macro_rules! count {
    () => { 0 };
    ($head:ident $($tail:ident)*) => { 1 + count!($($tail)*) };
}

/// The [`RuleId`] enum, its list and its ids.
macro_rules! rule_ids {
    ($( $(#[$meta:meta])* $variant:ident => $module:ident = $id:literal, )*) => {
        /// The stable id of a rule.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "kebab-case")]
        pub enum RuleId {
            $( $(#[$meta])* $variant, )*
        }

        impl RuleId {
            /// Every rule, in documentation order (grouped by pattern).
            pub(crate) const ALL: [RuleId; count!($($variant)*)] = [ $( RuleId::$variant, )* ];

            /// The stable kebab-case id.
            pub(crate) fn as_str(self) -> &'static str {
                match self { $( RuleId::$variant => $id, )* }
            }
        }
    };
}

each_rule!(rule_ids);

impl fmt::Display for RuleId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Parsing a rule id failed; carries the closest valid id when there is one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownRule {
    /// What was asked for.
    pub(crate) given: String,
    /// The closest valid id, if any is close.
    pub(crate) suggestion: Option<&'static str>,
}

impl fmt::Display for UnknownRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown rule `{}`", self.given)?;
        if let Some(s) = self.suggestion {
            write!(f, "; did you mean `{s}`?")?;
        }
        write!(f, " (`pushgate explain` lists every rule)")
    }
}

impl std::error::Error for UnknownRule {}

impl FromStr for RuleId {
    type Err = UnknownRule;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        RuleId::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| UnknownRule {
                given: s.to_owned(),
                suggestion: crate::util::closest(s, RuleId::ALL.iter().map(|r| r.as_str())),
            })
    }
}

/// What `pushgate explain` says about a rule, in the project's own words.
#[derive(Debug)]
pub(crate) struct RuleDoc {
    /// One line: what the rule reports.
    pub(crate) summary: &'static str,
    /// Why this is a problem for a git repository.
    pub(crate) why: &'static str,
    /// The signals the rule reads, and how it avoids false alarms.
    pub(crate) signals: &'static str,
    /// How to fix a finding.
    pub(crate) fix: &'static str,
}

/// What one rule found about a blob (or a range), before the policy makes it a [`Finding`](crate::outcome::Finding).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Hit {
    /// The rule.
    pub(crate) rule: RuleId,
    /// The level, already capped by the rule's configured level.
    pub(crate) level: Level,
    /// One sentence.
    pub(crate) message: String,
    /// Facts behind it, in the rule's shape.
    pub(crate) evidence: Evidence,
    /// The pattern, when it is not the rule's own (`machine-cadence` reports under the
    /// pattern of the paths the cadence rewrites).
    pub(crate) pattern: Option<Pattern>,
}

impl Hit {
    /// A hit at `level`.
    pub(crate) fn new(rule: RuleId, level: Level, message: impl Into<String>) -> Self {
        Hit {
            rule,
            level,
            message: message.into(),
            evidence: Evidence::default(),
            pattern: None,
        }
    }
}
