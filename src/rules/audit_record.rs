//! `audit-record` (audit-trail): audit and event records.

use serde::{Deserialize, Serialize};

use crate::outcome::{Pattern, Setting};
use crate::policy::Globs;
use crate::detect::FormatClass;

use crate::candidate::Candidate;
use super::paths::extension;
use super::{BlobCheck, Hit, RuleDoc, RuleId};

/// The pattern its findings belong to.
pub(crate) const PATTERN: Pattern = Pattern::AuditTrail;

/// The rule's settings (`[rules.audit-record]`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub(crate) struct Settings {
    /// Highest level reported; `off` disables.
    pub(crate) level: Setting,
    /// Paths this rule never reports.
    #[serde(skip_serializing_if = "Globs::is_empty")]
    pub(crate) exclude: Globs,
    /// Audit and event file names.
    pub(crate) paths: Globs,
    /// Share of JSON lines with a timestamp field that makes an event stream.
    pub(crate) min_timestamped_ratio: f64,
}

/// The per-blob check, if the rule has one.
pub(crate) const BLOB: Option<BlobCheck> = Some(check);

/// What `pushgate explain` prints.
pub(crate) const DOC: RuleDoc = RuleDoc {
    summary: "Audit and event records: audit files, cloud audit-log JSON, JSON-lines event streams, Windows \
              event logs, packet captures.",
    why: "Audit trails must be kept for long periods and are generated at a steady, frequent cadence. Git \
          history is the wrong store: it grows without bound, cannot expire records, and is slow to query.",
    signals: "Audit file names (`paths`); JSON whose records carry `eventVersion`, `eventSource` and \
              `eventName`, or `class_uid`, `category_uid`, `time` and `metadata` (OCSF events, as audit-log \
              services export them); JSON-lines files where `min_timestamped_ratio` of the lines are objects with a \
              timestamp field; `.evtx` and pcap content.",
    fix: "Stop committing the records: delete the file, add its path to .gitignore, and send new records to a \
          store that retains them (what to use instead). A small sample under a test directory is a fixture: \
          keep it with an `[[allow]]` exemption. Remove the file from the unpushed commits.",
};

/// What an `audit-record` finding reports.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub(crate) enum Evidence {
    /// An event capture, confirmed by its content's format.
    Format {
        /// The format.
        format: &'static str,
    },
    /// Records told by their name or content.
    Matched(Matched),
}

/// What told records (`matched`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "matched", rename_all = "lowercase")]
pub(crate) enum Matched {
    /// Their name.
    Name,
    /// Their content: cloud audit-log or OCSF fields, or timestamped JSON lines.
    Content {
        /// The lines, for JSON lines with timestamp fields.
        #[serde(flatten)]
        lines: Option<Lines>,
    },
}

/// The lines of an event stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub(crate) struct Lines {
    /// Lines examined.
    pub(crate) lines: u32,
    /// Of which with a timestamp field.
    pub(crate) timestamped_lines: u32,
}

/// Event captures by content, audit records by name, cloud audit-log JSON, JSON-lines event streams.
pub(crate) fn check(blob: &Candidate, policy: super::Context<'_>, out: &mut Vec<Hit>) {
    let rule = &policy.rules.audit_record;
    let level = super::paths::fixture_level(blob, rule.level.level());
    let hit = |what: String| Hit::new(RuleId::AuditRecord, level, what);
    if let Some(format) = blob.format().filter(|f| f.class() == FormatClass::EventCapture) {
        out.push(hit(format!("{} (confirmed by content)", format.name())).with(Evidence::Format { format: format.name() }));
        return;
    }
    if rule.paths.is_match(&blob.path) {
        out.push(hit("audit or event record (name)".into()).with(Evidence::Matched(Matched::Name)));
        return;
    }
    let Some(sniff) = blob.sniff.as_ref().filter(|s| !s.binary) else {
        return;
    };
    if sniff.cloudtrail {
        out.push(
            hit("cloud audit-log records (eventVersion, eventSource, eventName)".into())
                .with(Evidence::Matched(Matched::Content { lines: None })),
        );
        return;
    }
    if sniff.ocsf {
        out.push(
            hit("OCSF audit or security events (class_uid, category_uid, time, metadata)".into())
                .with(Evidence::Matched(Matched::Content { lines: None })),
        );
        return;
    }
    let lines = sniff.lines;
    let json_lines = matches!(extension(blob.name()).as_deref(), Some("jsonl" | "ndjson" | "json"));
    if json_lines
        && lines.lines >= 5
        && f64::from(lines.json_timestamped) >= rule.min_timestamped_ratio * f64::from(lines.lines)
    {
        out.push(
            hit("event stream: JSON lines with timestamp fields".into())
                .with(Evidence::Matched(Matched::Content {
                    lines: Some(Lines {
                        lines: lines.lines,
                        timestamped_lines: lines.json_timestamped,
                    }),
                })),
        );
    }
}

/// The rule's place in the registry (see [`Rule`](super::Rule)).
pub(crate) struct AuditRecord;

impl super::Rule for AuditRecord {
    fn first_step(step: &crate::advice::wording::Step<'_>) -> String {
        if let Some(fixture) = super::fixture_step(step) {
            return fixture;
        }
        format!(
            "Stop committing records: delete {}, add {} to .gitignore, and send new records to the store below.",
            step.it,
            step.ignore()
        )
    }
}

impl super::settings::RuleSettings for Settings {
    fn level(&self) -> Setting {
        self.level
    }
    fn exclude(&self) -> &Globs {
        &self.exclude
    }
    fn validate(&self, id: &str) -> Result<(), (String, String)> {
        super::settings::share(id, "min_timestamped_ratio", self.min_timestamped_ratio)
    }
}
