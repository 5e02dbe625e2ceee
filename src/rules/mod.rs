//! The rules: one stable id per signal, grouped by pattern, one module per pattern.
//!
//! A rule looks at one [`Blob`](crate::scan::Blob) (its path, size, sniffed content and
//! attributes) and returns at most one finding. Range-wide rules (`history-growth`) look at
//! the totals of a scan. Each rule's documentation, shown by `pushgate explain`, lives next
//! to its code.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::finding::Pattern;

pub mod audit_trail;
pub mod backup;
pub mod behaviour;
pub mod database;
pub mod history;
pub mod large_churn;
pub mod paths;

/// The stable id of a rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RuleId {
    /// A blob whose size reaches a threshold.
    LargeBlob,
    /// Bytes of new blobs a range adds to history.
    HistoryGrowth,
    /// A large path with many versions in the look-back window.
    ChurningBlob,
    /// A large object behind a deep delta chain.
    DeepDeltaChain,
    /// A raw blob where `.gitattributes` asks for an LFS pointer.
    LfsBypassed,
    /// A database file, by content or name.
    DatabaseFile,
    /// A structured data file rewritten by automation.
    DataChurn,
    /// A log file, by name or timestamped lines.
    LogFile,
    /// Audit and event records.
    AuditRecord,
    /// Build output and generated files.
    GeneratedArtifact,
    /// Commits made at machine cadence.
    MachineCadence,
    /// A database dump.
    DatabaseDump,
    /// An archive that is a backup, or a large archive.
    ArchiveBackup,
    /// A disk or VM image.
    DiskImage,
    /// A backup copy by name.
    BackupFile,
}

impl RuleId {
    /// Every rule, in documentation order (grouped by pattern).
    pub const ALL: [RuleId; 15] = [
        RuleId::LargeBlob,
        RuleId::HistoryGrowth,
        RuleId::ChurningBlob,
        RuleId::DeepDeltaChain,
        RuleId::LfsBypassed,
        RuleId::DatabaseFile,
        RuleId::DataChurn,
        RuleId::LogFile,
        RuleId::AuditRecord,
        RuleId::GeneratedArtifact,
        RuleId::MachineCadence,
        RuleId::DatabaseDump,
        RuleId::ArchiveBackup,
        RuleId::DiskImage,
        RuleId::BackupFile,
    ];

    /// The stable kebab-case id.
    pub fn as_str(self) -> &'static str {
        match self {
            RuleId::LargeBlob => "large-blob",
            RuleId::HistoryGrowth => "history-growth",
            RuleId::ChurningBlob => "churning-blob",
            RuleId::DeepDeltaChain => "deep-delta-chain",
            RuleId::DataChurn => "data-churn",
            RuleId::MachineCadence => "machine-cadence",
            RuleId::LfsBypassed => "lfs-bypassed",
            RuleId::DatabaseFile => "database-file",
            RuleId::LogFile => "log-file",
            RuleId::AuditRecord => "audit-record",
            RuleId::GeneratedArtifact => "generated-artifact",
            RuleId::DatabaseDump => "database-dump",
            RuleId::ArchiveBackup => "archive-backup",
            RuleId::DiskImage => "disk-image",
            RuleId::BackupFile => "backup-file",
        }
    }

    /// The pattern the rule belongs to.
    pub fn pattern(self) -> Pattern {
        match self {
            RuleId::LargeBlob
            | RuleId::HistoryGrowth
            | RuleId::ChurningBlob
            | RuleId::DeepDeltaChain
            | RuleId::LfsBypassed => Pattern::LargeChurn,
            RuleId::DatabaseFile | RuleId::DataChurn => Pattern::Database,
            RuleId::LogFile | RuleId::AuditRecord | RuleId::GeneratedArtifact | RuleId::MachineCadence => {
                Pattern::AuditTrail
            }
            RuleId::DatabaseDump | RuleId::ArchiveBackup | RuleId::DiskImage | RuleId::BackupFile => Pattern::Backup,
        }
    }

    /// The rule's documentation, as `pushgate explain` prints it.
    pub fn doc(self) -> &'static RuleDoc {
        if matches!(
            self,
            RuleId::ChurningBlob | RuleId::DeepDeltaChain | RuleId::DataChurn | RuleId::MachineCadence
        ) {
            return history::doc(self);
        }
        match self.pattern() {
            Pattern::LargeChurn => large_churn::doc(self),
            Pattern::Database => database::doc(self),
            Pattern::AuditTrail => audit_trail::doc(self),
            Pattern::Backup => backup::doc(self),
        }
    }
}

impl fmt::Display for RuleId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Parsing a rule id failed; carries the closest valid id when there is one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownRule {
    /// What was asked for.
    pub given: String,
    /// The closest valid id, if any is close.
    pub suggestion: Option<&'static str>,
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
pub struct RuleDoc {
    /// The rule id.
    pub id: RuleId,
    /// One line: what the rule reports.
    pub summary: &'static str,
    /// Why this is a problem for a git repository.
    pub why: &'static str,
    /// The signals the rule reads, and how it avoids false alarms.
    pub signals: &'static str,
    /// How to fix a finding.
    pub fix: &'static str,
}

/// What the rules know about one blob.
#[derive(Debug, Clone, Copy)]
pub struct Blob<'a> {
    /// Full path in the tree.
    pub path: &'a gix::bstr::BStr,
    /// File name (last path component).
    pub name: &'a gix::bstr::BStr,
    /// Size from the object header; `None` when the object is absent.
    pub size: Option<u64>,
    /// What the content's prefix showed; `None` when the content could not be read.
    pub sniff: Option<&'a crate::detect::Sniff>,
    /// Attributes from `.gitattributes`.
    pub attrs: crate::attributes::PathAttributes,
}

impl Blob<'_> {
    /// The format the content confirmed, if any.
    pub fn format(&self) -> Option<crate::detect::Format> {
        self.sniff.and_then(|s| s.format)
    }

    /// `Some(true)` for binary content, `Some(false)` for text, `None` when unknown.
    pub fn binary(&self) -> Option<bool> {
        self.sniff.map(|s| s.binary)
    }

    /// Whether the content is text (known and not binary).
    pub fn is_text(&self) -> bool {
        self.binary() == Some(false)
    }

    /// Whether the content's format belongs to `class`.
    pub fn is_class(&self, class: crate::detect::FormatClass) -> bool {
        self.format().is_some_and(|f| f.class() == class)
    }
}

/// A rule's verdict on a blob (or a range), before it becomes a [`Finding`](crate::finding::Finding).
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    /// The rule.
    pub rule: RuleId,
    /// The level, already capped by the rule's configured level.
    pub level: crate::finding::Level,
    /// One sentence.
    pub message: String,
    /// Facts behind it.
    pub evidence: serde_json::Map<String, serde_json::Value>,
    /// The pattern, when it is not the rule's own (`machine-cadence` reports under the
    /// pattern of the paths the cadence rewrites).
    pub pattern: Option<Pattern>,
}

impl Hit {
    /// A hit at `level`.
    pub fn new(rule: RuleId, level: crate::finding::Level, message: impl Into<String>) -> Self {
        Hit {
            rule,
            level,
            message: message.into(),
            evidence: serde_json::Map::new(),
            pattern: None,
        }
    }

    /// Add one piece of evidence.
    pub fn with(mut self, key: &str, value: impl Into<serde_json::Value>) -> Self {
        self.evidence.insert(key.to_owned(), value.into());
        self
    }
}

/// Run every per-blob rule of `policy` on `blob`.
pub fn check_blob(blob: &Blob<'_>, policy: &crate::policy::PolicyFile, out: &mut Vec<Hit>) {
    let start = out.len();
    large_churn::check(blob, policy, out);
    database::check(blob, policy, out);
    audit_trail::check(blob, policy, out);
    backup::check(blob, policy, out);
    let hits: Vec<Hit> = out
        .drain(start..)
        .filter(|h| h.level != crate::finding::Level::Off && !policy.rules.exclude(h.rule).is_match(blob.path))
        .collect();
    out.extend(hits);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_round_trip_and_documented() {
        let mut seen = std::collections::HashSet::new();
        for rule in RuleId::ALL {
            assert!(seen.insert(rule.as_str()), "duplicate id {rule}");
            assert_eq!(rule.as_str().parse::<RuleId>(), Ok(rule));
            let doc = rule.doc();
            assert_eq!(doc.id, rule, "{rule} shows another rule's doc");
            for text in [doc.summary, doc.why, doc.signals, doc.fix] {
                assert!(text.len() > 20, "{rule} lacks documentation");
            }
            let json = serde_json::to_string(&rule).unwrap_or_default();
            assert_eq!(json, format!("\"{rule}\""));
        }
        let err = "large-blobs".parse::<RuleId>().err();
        assert_eq!(err.and_then(|e| e.suggestion), Some("large-blob"));
    }

    fn hits(path: &str, size: Option<u64>, sniff: Option<&crate::detect::Sniff>, lfs: bool) -> Vec<RuleId> {
        let path = gix::bstr::BStr::new(path);
        let blob = Blob {
            path,
            name: crate::walk::split_path(path).1,
            size,
            sniff,
            attrs: crate::attributes::PathAttributes { lfs, generated: false },
        };
        let mut out = Vec::new();
        check_blob(&blob, &crate::policy::Policy::builtin().file, &mut out);
        out.into_iter().map(|h| h.rule).collect()
    }

    #[test]
    fn lfs_bypass_is_known_from_size_alone_when_content_is_unreadable() {
        // Too large to be a pointer: raw, even though the content could not be read.
        assert_eq!(hits("a.psd", Some(2 << 20), None, true), [RuleId::LfsBypassed]);
        // Small and unread: it might be a pointer, so nothing is claimed.
        assert!(hits("a.psd", Some(200), None, true).is_empty());
        let pointer = crate::detect::sniff(
            b"version https://git-lfs.github.com/spec/v1\noid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\nsize 12345\n",
            None,
        );
        assert!(hits("a.psd", Some(130), Some(&pointer), true).is_empty());
        assert!(hits("a.psd", Some(2 << 20), None, false).is_empty());
    }
}
