//! A finding: what a rule found about a path (or a subject of many files), at which level,
//! under which pattern, and why.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::Evidence;
use crate::rules::registry::RuleId;

/// How serious a finding is. Ordered from least to most severe, so `level >= fail_on` reads naturally.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// Worth knowing; never fails by default.
    #[default]
    Info,
    /// Shown to the user; fails only when `fail_on = "warn"`.
    Warn,
    /// Rejects the push or fails the CI step with the default policy.
    Deny,
}

impl Level {
    /// The policy spelling of the level.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Level::Info => "info",
            Level::Warn => "warn",
            Level::Deny => "deny",
        }
    }

    /// `self`, but never above `cap` (a rule's configured level caps what it reports).
    pub(crate) fn capped(self, cap: Setting) -> Level {
        self.min(cap.level())
    }
}

/// A rule's `level` setting (and `fail_on`): a level, or `off`. Findings carry a [`Level`];
/// `off` is a setting only: a rule set to `off` does not run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Setting {
    /// The rule does not run.
    Off,
    /// Findings at most at info.
    #[default]
    Info,
    /// Findings at most at warn.
    Warn,
    /// Findings up to deny.
    Deny,
}

impl Setting {
    /// Whether the rule is switched off.
    pub(crate) fn is_off(self) -> bool {
        self == Setting::Off
    }

    /// The highest level the setting reports at (`off` reports nothing; info for the record).
    pub(crate) fn level(self) -> Level {
        match self {
            Setting::Off | Setting::Info => Level::Info,
            Setting::Warn => Level::Warn,
            Setting::Deny => Level::Deny,
        }
    }

    /// Whether a finding at `level` reaches this threshold (never, for `off`).
    pub(crate) fn reached_by(self, level: Level) -> bool {
        !self.is_off() && level >= self.level()
    }

    /// The policy spelling.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Setting::Off => "off",
            Setting::Info => "info",
            Setting::Warn => "warn",
            Setting::Deny => "deny",
        }
    }
}

impl fmt::Display for Setting {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The four misuses of git that pushgate guards against. Every rule belongs to exactly one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Pattern {
    /// Large files that change often.
    LargeChurn,
    /// Git used as a database.
    Database,
    /// Audit trails, logs and generated output committed at machine cadence.
    AuditTrail,
    /// Backups, database dumps, disk images.
    Backup,
}

impl Pattern {
    /// Every pattern, in report order.
    pub(crate) const ALL: [Pattern; 4] = [
        Pattern::LargeChurn,
        Pattern::Database,
        Pattern::AuditTrail,
        Pattern::Backup,
    ];

    /// The stable key used in the policy and in JSON.
    pub(crate) fn key(self) -> &'static str {
        match self {
            Pattern::LargeChurn => "large-churn",
            Pattern::Database => "database",
            Pattern::AuditTrail => "audit-trail",
            Pattern::Backup => "backup",
        }
    }

    /// A heading for people.
    pub(crate) fn title(self) -> &'static str {
        match self {
            Pattern::LargeChurn => "Large files that change often",
            Pattern::Database => "Git used as a database",
            Pattern::AuditTrail => "Audit trails, logs and generated output",
            Pattern::Backup => "Backups, dumps and disk images",
        }
    }
}

impl fmt::Display for Pattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

/// One thing a rule found: a path (or the whole range), the blob and commit that brought it, and why it matters.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    /// The rule that produced the finding.
    pub rule: RuleId,
    /// The rule's pattern.
    pub pattern: Pattern,
    /// The level after policy caps.
    pub level: Level,
    /// The path in the tree, as git stores it (not necessarily UTF-8); `None` for range-wide findings.
    pub path: Option<gix::bstr::BString>,
    /// The blob, if the finding is about one.
    pub blob: Option<gix::ObjectId>,
    /// The oldest commit in scope that introduced the blob at this path.
    pub commit: Option<gix::ObjectId>,
    /// The ref whose update brought the blob (hooks only).
    pub reference: Option<gix::bstr::BString>,
    /// Size in bytes, when known.
    pub size: Option<u64>,
    /// One sentence on what was found.
    pub message: String,
    /// What to use instead (the pattern's alternative from the policy's `[suggestions]`); the
    /// finding's own first step comes from [`advice::first_step`](crate::advice::first_step).
    pub suggestion: String,
    /// The facts behind the finding (format, thresholds, counts), in its rule's shape.
    pub evidence: Evidence,
    /// For a finding about a subject of many files (a directory a job snapshots, a dated
    /// series, an engine's data directory, files of one role): every file it covers. `path`
    /// then names the subject (a directory ending in `/`, or a pattern).
    pub paths: Vec<gix::bstr::BString>,
}

impl Finding {
    /// The versions the finding counts (`versions` in its evidence): those of its path a rule
    /// counted, or those a finding about one path and rule stands for.
    pub(crate) fn versions(&self) -> Option<u64> {
        self.evidence.shared.versions
    }

    /// The path to show: a file, or a subject with its count (`srv/ (202 files)`), sanitized.
    pub(crate) fn shown_path(&self) -> Option<String> {
        let path = crate::util::sanitize(self.path.as_ref()?);
        Some(if self.paths.is_empty() {
            path
        } else {
            format!("{path} ({} files)", self.paths.len())
        })
    }

    /// The file that stands for the finding where a file is needed (a SARIF location, a CI
    /// annotation): the path itself, or a subject's first file.
    pub(crate) fn anchor(&self) -> Option<&gix::bstr::BString> {
        self.paths.first().or(self.path.as_ref())
    }

    /// Every file the finding covers: its subject's files, or its path.
    pub(crate) fn files(&self) -> Vec<&gix::bstr::BString> {
        if self.paths.is_empty() {
            self.path.iter().collect()
        } else {
            self.paths.iter().collect()
        }
    }

    /// A stable identity for baselines and SARIF: blob, path and rule. A subject of many
    /// files keeps its identity as the job writes new versions: subject and rule.
    pub(crate) fn fingerprint(&self) -> String {
        if !self.paths.is_empty() {
            let path = self.path.as_ref().map(|p| p.to_string()).unwrap_or_default();
            return format!("subject:{path}:{}", self.rule);
        }
        let blob = self.blob.map(|b| b.to_string()).unwrap_or_default();
        let path = self.path.as_ref().map(|p| p.to_string()).unwrap_or_default();
        format!("{blob}:{path}:{}", self.rule)
    }
}
