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

use crate::outcome::{Finding, Level, Notice, NoticeKind, Pattern};
use crate::outcome::{Outcome, Summary};
use crate::rules::RuleId;

/// The schema version of the document.
pub(crate) const VERSION: u32 = 1;

#[derive(Serialize)]
struct Document<'a> {
    version: u32,
    tool: Tool,
    summary: &'a Summary,
    findings: Vec<JsonFinding<'a>>,
    notices: Vec<serde_json::Value>,
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
    evidence: &'a crate::outcome::Evidence,
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
            fix: crate::advice::first_step(f),
            suggestion: &f.suggestion,
            evidence: &f.evidence,
            paths: f.paths.iter().map(|p| p.to_str_lossy().into_owned()).collect(),
            fingerprint: f.fingerprint(),
        }
    }
}

/// Write the document, pretty-printed, with a trailing newline.
pub(crate) fn report(
    out: &mut dyn Write,
    outcome: &Outcome,
    _policy: &crate::policy::Policy,
    _options: &super::format::Options,
) -> io::Result<()> {
    render_with(out, outcome, None)
}

/// The document with an `audit` section after the findings and notices.
pub(crate) fn render_with(out: &mut dyn Write, outcome: &Outcome, audit: Option<serde_json::Value>) -> io::Result<()> {
    let doc = Document {
        version: VERSION,
        tool: Tool {
            name: env!("CARGO_PKG_NAME"),
            version: env!("CARGO_PKG_VERSION"),
        },
        summary: &outcome.summary,
        findings: outcome.findings.iter().map(JsonFinding::from).collect(),
        notices: notices_json(&outcome.notices),
        audit,
    };
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    writeln!(out)
}

/// Absent blobs listed one notice each, at most; more (a partial clone lacks thousands) are one
/// notice with their `count` and a `sample` of the paths with the most absent versions.
const ABSENT_LISTED: usize = 20;

/// Paths named in the sample of absent blobs.
const ABSENT_SAMPLE: usize = 10;

/// The notices as the document lists them: each one, but absent blobs past `ABSENT_LISTED`
/// counted in one notice where the first of them stood.
fn notices_json(notices: &[Notice]) -> Vec<serde_json::Value> {
    let absent: Vec<&Notice> = notices.iter().filter(|n| n.kind == NoticeKind::AbsentObject).collect();
    let value = |n: &Notice| serde_json::to_value(n).unwrap_or(serde_json::Value::Null);
    if absent.len() <= ABSENT_LISTED {
        return notices.iter().map(value).collect();
    }
    let mut by_path: std::collections::BTreeMap<&str, u64> = std::collections::BTreeMap::new();
    for n in &absent {
        if let Some(path) = &n.path {
            *by_path.entry(path.as_str()).or_default() += 1;
        }
    }
    let mut paths: Vec<(&str, u64)> = by_path.into_iter().collect();
    paths.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let sample: Vec<serde_json::Value> = paths
        .iter()
        .take(ABSENT_SAMPLE)
        .map(|(p, n)| serde_json::json!({"path": p, "blobs": n}))
        .collect();
    let one = serde_json::json!({
        "kind": NoticeKind::AbsentObject,
        "message": format!(
            "{} blobs at {} paths are not in the object database (partial or shallow clone?): sizes unknown, judged by name only",
            absent.len(),
            paths.len()
        ),
        "count": absent.len(),
        "paths": paths.len(),
        "sample": sample,
    });
    let mut out = Vec::with_capacity(notices.len() - absent.len() + 1);
    let mut placed = false;
    for n in notices {
        if n.kind != NoticeKind::AbsentObject {
            out.push(value(n));
        } else if !placed {
            out.push(one.clone());
            placed = true;
        }
    }
    out
}
