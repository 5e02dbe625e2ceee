//! The policy file's schema, as serde reads it. Every table rejects unknown keys; every key
//! missing from a user's file takes its value from the built-in policy (`policy.example.toml`).

use serde::{Deserialize, Serialize};

use super::{Globs, Size};
use crate::finding::Level;
use crate::rules::RuleId;

/// The whole policy file.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PolicyFile {
    /// Schema version; only `1` exists.
    pub version: u32,
    /// The lowest level that fails.
    pub fail_on: Level,
    /// `enforce` or `evaluate`.
    pub mode: Mode,
    /// Look-back window in commits for history-aware rules.
    pub lookback_commits: u32,
    /// Look-back window in days, from the newest commit in scope.
    pub lookback_days: u32,
    /// Which refs the hooks check.
    pub refs: Refs,
    /// The server hook's limits.
    pub hook: Hook,
    /// Bypass by push option.
    pub bypass: Bypass,
    /// What to use instead, per pattern.
    pub suggestions: Suggestions,
    /// Per-rule settings.
    pub rules: Rules,
    /// Exemptions.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub allow: Vec<Allow>,
}

/// Whether failing findings fail.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// Fail at `fail_on`.
    #[default]
    Enforce,
    /// Report what would fail, never fail.
    Evaluate,
}

/// What the hook does when its time budget runs out or it hits an internal error.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OnError {
    /// Reject the push with a message.
    #[default]
    Reject,
    /// Let the push through with a warning.
    Allow,
}

/// `[refs]`
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Refs {
    /// Globs of ref names to check.
    pub include: Globs,
    /// Globs of ref names never checked.
    pub exclude: Globs,
}

/// `[hook]`
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Hook {
    /// Seconds.
    pub timeout: u64,
    /// See [`OnError`].
    pub on_error: OnError,
    /// Findings listed to the pusher before the rest are only counted.
    pub max_findings_shown: u32,
    /// JSON-lines log (relative to the git directory) of pushes `mode = "evaluate"` would have
    /// rejected; empty logs nothing.
    pub evaluate_log: String,
}

/// `[bypass]`
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Bypass {
    /// Whether `-o pushgate.bypass=<reason>` is honoured.
    pub enabled: bool,
    /// Refuse empty reasons.
    pub require_reason: bool,
    /// Who may bypass; empty means everyone.
    pub users: Vec<String>,
    /// JSON-lines log, relative to the git directory.
    pub log: String,
}

/// `[suggestions]`, one text per pattern.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default, rename_all = "kebab-case")]
pub struct Suggestions {
    /// large-churn
    pub large_churn: String,
    /// database
    pub database: String,
    /// audit-trail
    pub audit_trail: String,
    /// backup
    pub backup: String,
}

/// `[rules.*]`, one table per rule id.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default, rename_all = "kebab-case")]
pub struct Rules {
    /// `large-blob`
    pub large_blob: Graded,
    /// `history-growth`
    pub history_growth: Graded,
    /// `churning-blob`
    pub churning_blob: ChurningBlob,
    /// `deep-delta-chain`
    pub deep_delta_chain: DeepDeltaChain,
    /// `lfs-bypassed`
    pub lfs_bypassed: LevelOnly,
    /// `database-file`
    pub database_file: DatabaseFile,
    /// `data-churn`
    pub data_churn: DataChurn,
    /// `log-file`
    pub log_file: LogFile,
    /// `audit-record`
    pub audit_record: AuditRecord,
    /// `generated-artifact`
    pub generated_artifact: GeneratedArtifact,
    /// `machine-cadence`
    pub machine_cadence: MachineCadence,
    /// `database-dump`
    pub database_dump: WithPaths,
    /// `archive-backup`
    pub archive_backup: ArchiveBackup,
    /// `disk-image`
    pub disk_image: WithPaths,
    /// `backup-file`
    pub backup_file: BackupFile,
}

/// A rule with nothing to set but its level.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LevelOnly {
    /// Highest level reported; `off` disables.
    pub level: Level,
    /// Paths this rule never reports.
    #[serde(skip_serializing_if = "Globs::is_empty")]
    pub exclude: Globs,
}

/// A rule with a level and name globs.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct WithPaths {
    /// Highest level reported; `off` disables.
    pub level: Level,
    /// Paths this rule never reports.
    #[serde(skip_serializing_if = "Globs::is_empty")]
    pub exclude: Globs,
    /// Names that signal the rule.
    pub paths: Globs,
}

/// A size-graded rule: warn at one size, deny at another.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Graded {
    /// Highest level reported; `off` disables.
    pub level: Level,
    /// Paths this rule never reports.
    #[serde(skip_serializing_if = "Globs::is_empty")]
    pub exclude: Globs,
    /// Reported at warn from this size.
    pub warn_size: Size,
    /// Reported at deny from this size.
    pub deny_size: Size,
}

/// `[rules.churning-blob]`
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ChurningBlob {
    /// Highest level reported; `off` disables.
    pub level: Level,
    /// Paths this rule never reports.
    #[serde(skip_serializing_if = "Globs::is_empty")]
    pub exclude: Globs,
    /// A path counts when one of its versions is at least this large.
    pub min_size: Size,
    /// Versions in the look-back window reported at warn.
    pub warn_versions: u32,
    /// Versions in the look-back window reported at deny.
    pub deny_versions: u32,
}

/// `[rules.deep-delta-chain]`
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DeepDeltaChain {
    /// Highest level reported; `off` disables.
    pub level: Level,
    /// Paths this rule never reports.
    #[serde(skip_serializing_if = "Globs::is_empty")]
    pub exclude: Globs,
    /// Objects at least this large are checked.
    pub min_size: Size,
    /// Chains deeper than this are reported.
    pub max_depth: u32,
}

/// `[rules.data-churn]`
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DataChurn {
    /// Highest level reported; `off` disables.
    pub level: Level,
    /// Paths this rule never reports.
    #[serde(skip_serializing_if = "Globs::is_empty")]
    pub exclude: Globs,
    /// A job's commits that rewrite the subject within `window_days`.
    pub min_commits: u32,
    /// Distinct days those commits fall on (a burst of test runs is not a schedule).
    pub min_days: u32,
    /// The stretch of days, anywhere in the history read, the commits are counted in.
    pub window_days: u32,
}

/// `[rules.machine-cadence]`
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct MachineCadence {
    /// Highest level reported; `off` disables.
    pub level: Level,
    /// Paths this rule never reports.
    #[serde(skip_serializing_if = "Globs::is_empty")]
    pub exclude: Globs,
    /// A job's commits that rewrite the subject within `window_days`.
    pub min_commits: u32,
    /// Distinct days those commits fall on (a burst of test runs is not a schedule).
    pub min_days: u32,
    /// The stretch of days, anywhere in the history read, the commits are counted in.
    pub window_days: u32,
    /// A job's appends to a text file that make it a log, however short the burst.
    pub min_appends: u32,
    /// Files a job writes under one top-level directory before it counts as a folder snapshot.
    pub snapshot_files: u32,
}

/// `[rules.database-file]`
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DatabaseFile {
    /// Level when the content confirms a database format.
    pub level: Level,
    /// Paths this rule never reports.
    #[serde(skip_serializing_if = "Globs::is_empty")]
    pub exclude: Globs,
    /// Level for a database name with binary content of no known format.
    pub name_only_level: Level,
    /// Database file names.
    pub paths: Globs,
}

/// `[rules.log-file]`
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LogFile {
    /// Highest level reported; `off` disables.
    pub level: Level,
    /// Paths this rule never reports.
    #[serde(skip_serializing_if = "Globs::is_empty")]
    pub exclude: Globs,
    /// Log file names.
    pub paths: Globs,
    /// Log directories.
    pub dirs: Globs,
    /// Minimum non-empty lines for a content match outside log directories.
    pub min_lines: u32,
    /// Share of lines starting with a timestamp for a content match.
    pub min_timestamped_ratio: f64,
}

/// `[rules.audit-record]`
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AuditRecord {
    /// Highest level reported; `off` disables.
    pub level: Level,
    /// Paths this rule never reports.
    #[serde(skip_serializing_if = "Globs::is_empty")]
    pub exclude: Globs,
    /// Audit and event file names.
    pub paths: Globs,
    /// Share of JSON lines with a timestamp field that makes an event stream.
    pub min_timestamped_ratio: f64,
}

/// `[rules.generated-artifact]`
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct GeneratedArtifact {
    /// Level for build output and compiled binaries.
    pub level: Level,
    /// Paths this rule never reports.
    #[serde(skip_serializing_if = "Globs::is_empty")]
    pub exclude: Globs,
    /// Level for generated sources.
    pub source_level: Level,
    /// Build output names.
    pub build_paths: Globs,
    /// Generated source names.
    pub source_paths: Globs,
}

/// `[rules.archive-backup]`
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ArchiveBackup {
    /// Level for backup-named or date-stamped archives.
    pub level: Level,
    /// Paths this rule never reports.
    #[serde(skip_serializing_if = "Globs::is_empty")]
    pub exclude: Globs,
    /// Level for other archives of at least `large_size`.
    pub large_level: Level,
    /// Size from which any archive is reported.
    pub large_size: Size,
    /// Words in a path that say "backup".
    pub words: Vec<String>,
}

/// `[rules.backup-file]`
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct BackupFile {
    /// Highest level reported; `off` disables.
    pub level: Level,
    /// Paths this rule never reports.
    #[serde(skip_serializing_if = "Globs::is_empty")]
    pub exclude: Globs,
    /// Backup copy names.
    pub paths: Globs,
    /// Backup directories.
    pub dirs: Globs,
}

impl Rules {
    /// The configured `level` of `rule` (the highest it reports at).
    pub fn level(&self, rule: RuleId) -> Level {
        match rule {
            RuleId::LargeBlob => self.large_blob.level,
            RuleId::HistoryGrowth => self.history_growth.level,
            RuleId::ChurningBlob => self.churning_blob.level,
            RuleId::DeepDeltaChain => self.deep_delta_chain.level,
            RuleId::LfsBypassed => self.lfs_bypassed.level,
            RuleId::DatabaseFile => self.database_file.level,
            RuleId::DataChurn => self.data_churn.level,
            RuleId::LogFile => self.log_file.level,
            RuleId::AuditRecord => self.audit_record.level,
            RuleId::GeneratedArtifact => self.generated_artifact.level,
            RuleId::MachineCadence => self.machine_cadence.level,
            RuleId::DatabaseDump => self.database_dump.level,
            RuleId::ArchiveBackup => self.archive_backup.level,
            RuleId::DiskImage => self.disk_image.level,
            RuleId::BackupFile => self.backup_file.level,
        }
    }

    /// The `exclude` globs of `rule`.
    pub fn exclude(&self, rule: RuleId) -> &Globs {
        match rule {
            RuleId::LargeBlob => &self.large_blob.exclude,
            RuleId::HistoryGrowth => &self.history_growth.exclude,
            RuleId::ChurningBlob => &self.churning_blob.exclude,
            RuleId::DeepDeltaChain => &self.deep_delta_chain.exclude,
            RuleId::DataChurn => &self.data_churn.exclude,
            RuleId::MachineCadence => &self.machine_cadence.exclude,
            RuleId::LfsBypassed => &self.lfs_bypassed.exclude,
            RuleId::DatabaseFile => &self.database_file.exclude,
            RuleId::LogFile => &self.log_file.exclude,
            RuleId::AuditRecord => &self.audit_record.exclude,
            RuleId::GeneratedArtifact => &self.generated_artifact.exclude,
            RuleId::DatabaseDump => &self.database_dump.exclude,
            RuleId::ArchiveBackup => &self.archive_backup.exclude,
            RuleId::DiskImage => &self.disk_image.exclude,
            RuleId::BackupFile => &self.backup_file.exclude,
        }
    }
}

/// One `[[allow]]` exemption.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Allow {
    /// Paths exempted (all paths when empty and `blob` is set).
    #[serde(default, skip_serializing_if = "Globs::is_empty")]
    pub paths: Globs,
    /// Rules exempted (all when empty).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rules: Vec<RuleId>,
    /// One blob id, in full hex.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub blob: Option<String>,
    /// Why the exemption exists.
    pub reason: String,
    /// The date after which the exemption stops applying.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires: Option<toml::value::Datetime>,
}
