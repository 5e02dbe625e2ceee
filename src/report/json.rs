//! `--format json`: one stable, versioned document.
//!
//! ```json
//! {"version": 1, "tool": {"name": "pushgate", "version": "…"},
//!  "summary": {"commits": 0, "blobs": 0, "bytes": 0, "findings": 0, "deny": 0, "warn": 0, "info": 0, "duration_ms": 0,
//!              "baselined": 0},
//!  "findings": [{"rule": "…", "pattern": "…", "level": "…", "path": "…", "blob": "…", "commit": "…",
//!                "size": 0, "message": "…", "fix": "…", "suggestion": "…", "evidence": {},
//!                "paths": ["…"], "fingerprint": "…"}],
//!  "notices": [{"kind": "…", "message": "…"}]}
//! ```
//!
//! `fix` is the finding's first step (a sentence, then for a test fixture the TOML lines of
//! the `[[allow]]` entry that exempts it); `suggestion` is its pattern's alternative store.
//! `summary.baselined` (findings a baseline left out) is present only when a baseline was
//! applied.

use std::io::{self, Write};

use gix::bstr::ByteSlice;
use serde::Serialize;

use crate::outcome::{Finding, Level, Notice, Pattern};
use crate::outcome::{Outcome, Summary};
use crate::rules::RuleId;

/// `--format json`.
pub const NAME: &str = "json";
/// What `--format json` is for.
pub const HELP: &str = "Versioned, stable JSON";

/// The schema version of the document.
pub const VERSION: u32 = 1;

#[derive(Serialize)]
struct Document<'a> {
    version: u32,
    tool: Tool,
    summary: &'a Summary,
    findings: Vec<JsonFinding<'a>>,
    notices: &'a [Notice],
    /// `pushgate audit` only: statistics, offenders and the fix plan.
    #[serde(skip_serializing_if = "Option::is_none")]
    audit: Option<serde_json::Value>,
}

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
struct JsonFinding<'a> {
    rule: RuleId,
    pattern: Pattern,
    level: Level,
    path: Option<String>,
    blob: Option<String>,
    commit: Option<String>,
    #[serde(rename = "ref", skip_serializing_if = "Option::is_none")]
    reference: Option<String>,
    size: Option<u64>,
    message: &'a str,
    /// The finding's first step.
    fix: String,
    /// The pattern's alternative.
    suggestion: &'a str,
    evidence: &'a serde_json::Map<String, serde_json::Value>,
    /// Every file a subject covers (absent for a finding about one file).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    paths: Vec<String>,
    fingerprint: String,
}

impl<'a> From<&'a Finding> for JsonFinding<'a> {
    fn from(f: &'a Finding) -> Self {
        JsonFinding {
            rule: f.rule,
            pattern: f.pattern,
            level: f.level,
            path: f.path.as_ref().map(|p| p.to_str_lossy().into_owned()),
            blob: f.blob.map(|b| b.to_string()),
            commit: f.commit.map(|c| c.to_string()),
            reference: f.reference.as_ref().map(|r| r.to_str_lossy().into_owned()),
            size: f.size,
            message: &f.message,
            fix: f.first_step(),
            suggestion: &f.suggestion,
            evidence: &f.evidence,
            paths: f.paths.iter().map(|p| p.to_str_lossy().into_owned()).collect(),
            fingerprint: f.fingerprint(),
        }
    }
}

/// Write the document, pretty-printed, with a trailing newline.
pub fn report(
    out: &mut dyn Write,
    outcome: &Outcome,
    _policy: &crate::policy::Policy,
    _options: &super::Options,
) -> io::Result<()> {
    render_with(out, outcome, None)
}

/// The document with an `audit` section after the findings and notices.
pub fn render_with(out: &mut dyn Write, outcome: &Outcome, audit: Option<serde_json::Value>) -> io::Result<()> {
    let doc = Document {
        version: VERSION,
        tool: Tool {
            name: env!("CARGO_PKG_NAME"),
            version: env!("CARGO_PKG_VERSION"),
        },
        summary: &outcome.summary,
        findings: outcome.findings.iter().map(JsonFinding::from).collect(),
        notices: &outcome.notices,
        audit,
    };
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    writeln!(out)
}
