//! Baselines: today's findings, recorded by fingerprint, so that a team can switch the gate
//! on without first rewriting history. A check run with a baseline reports only what is new.
//!
//! The file is JSON, versioned, pretty-printed, sorted by fingerprint and ends in a newline,
//! so that writing it twice from the same repository gives the same bytes and a change to it
//! reads well in a diff:
//!
//! ```json
//! {
//!   "version": 1,
//!   "generated_by": "pushgate 0.1.0",
//!   "entries": [
//!     {
//!       "fingerprint": "<blob>:<path>:<rule>",
//!       "rule": "database-dump",
//!       "path": "backup/shop.sql",
//!       "blob": "<blob>"
//!     }
//!   ]
//! }
//! ```
//!
//! A fingerprint is [`Finding::fingerprint`]: blob, path and rule. A finding stands for one
//! path and rule with a representative blob (the newest of the most severe versions), so a
//! new version of a baselined path is a new finding. Findings about a whole range
//! (`history-growth`) have no blob and are never recorded.
//!
//! An entry is *stale* when
//! - its blob is no longer in the object database (the offender was removed from history and
//!   the objects pruned; not judged in shallow or partial clones, where blobs are missing by
//!   design), or
//! - a whole-history check (`scan --all`, the audit) no longer finds that rule at that path.
//!
//! A range scan or a push sees only part of the history, so an entry merely outside its scope
//! is not stale there.

use std::collections::{BTreeMap, HashSet};
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::outcome::Outcome;
use crate::outcome::{Finding, Notice};
use crate::util::sanitize;

/// The schema version this build reads and writes.
pub(crate) const VERSION: u64 = 1;

/// One recorded finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Entry {
    /// `<blob>:<path>:<rule>`, as [`Finding::fingerprint`] spells it; the key findings match.
    pub(crate) fingerprint: String,
    /// The rule id.
    pub(crate) rule: String,
    /// The path (invalid UTF-8 replaced, as in the JSON report).
    pub(crate) path: String,
    /// The blob id, in hex.
    pub(crate) blob: String,
}

/// The file as serde reads and writes it.
#[derive(Serialize, Deserialize)]
struct File {
    version: u64,
    #[serde(default)]
    generated_by: String,
    entries: Vec<Entry>,
}

/// A set of recorded findings, keyed (and kept sorted) by fingerprint.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Baseline {
    entries: BTreeMap<String, Entry>,
}

/// A baseline file that cannot be read, parsed or written.
#[derive(Debug, thiserror::Error)]
pub enum BaselineError {
    /// The file does not exist.
    #[error(
        "baseline file {} does not exist; write one with `pushgate audit --write-baseline FILE` or `pushgate scan --all --write-baseline FILE`",
        shown(path)
    )]
    Missing {
        /// The file.
        path: PathBuf,
    },
    /// The file exists but cannot be read.
    #[error("cannot read baseline file {}: {cause}", shown(path))]
    Read {
        /// The file.
        path: PathBuf,
        /// Why (part of the message, so not a separate error source).
        cause: std::io::Error,
    },
    /// The file is not valid JSON or does not fit the schema.
    #[error("{}{}: invalid baseline: {message}", shown(path), location.map(|(l, c)| format!(":{l}:{c}")).unwrap_or_default())]
    Invalid {
        /// The file.
        path: PathBuf,
        /// One-based line and column, when known.
        location: Option<(usize, usize)>,
        /// What is wrong.
        message: String,
    },
    /// The file has a schema version this build does not read.
    #[error(
        "baseline file {} has version {found}, but this pushgate reads version {VERSION}; rewrite it with this pushgate (`pushgate audit --write-baseline FILE`)",
        shown(path)
    )]
    Version {
        /// The file.
        path: PathBuf,
        /// The version in the file.
        found: u64,
    },
    /// The file cannot be written.
    #[error("cannot write baseline file {}: {cause}", shown(path))]
    Write {
        /// The file.
        path: PathBuf,
        /// Why (part of the message, so not a separate error source).
        cause: std::io::Error,
    },
}

impl BaselineError {
    /// The exit status: 2 for what the user can fix (a missing or malformed file), 3 for the
    /// system's failures (I/O).
    pub(crate) fn exit_code(&self) -> u8 {
        match self {
            BaselineError::Missing { .. } | BaselineError::Invalid { .. } | BaselineError::Version { .. } => {
                crate::error::exit::USAGE
            }
            _ => crate::error::exit::INTERNAL,
        }
    }
}

fn shown(path: &Path) -> String {
    sanitize(path.as_os_str().as_encoded_bytes())
}

impl Baseline {
    /// The baseline that records `findings` (those about a blob; range-wide ones are skipped).
    pub(crate) fn from_findings(findings: &[Finding]) -> Baseline {
        let entries = findings
            .iter()
            .filter_map(|f| {
                let blob = f.blob?;
                let fingerprint = f.fingerprint();
                let entry = Entry {
                    rule: f.rule.to_string(),
                    path: f.path.as_ref().map(|p| p.to_string()).unwrap_or_default(),
                    blob: blob.to_string(),
                    fingerprint: fingerprint.clone(),
                };
                Some((fingerprint, entry))
            })
            .collect();
        Baseline { entries }
    }

    /// How many entries.
    pub(crate) fn len(&self) -> usize {
        self.entries.len()
    }

    /// Read and validate the baseline in `path`.
    pub(crate) fn load(path: &Path) -> Result<Baseline, BaselineError> {
        let text = std::fs::read_to_string(path).map_err(|cause| match cause.kind() {
            std::io::ErrorKind::NotFound => BaselineError::Missing { path: path.to_owned() },
            _ => BaselineError::Read {
                path: path.to_owned(),
                cause,
            },
        })?;
        Baseline::parse(&text, path)
    }

    /// Validate `text`, the contents of `path` (named in errors).
    pub(crate) fn parse(text: &str, path: &Path) -> Result<Baseline, BaselineError> {
        let invalid = |e: serde_json::Error| BaselineError::Invalid {
            path: path.to_owned(),
            location: (e.line() > 0).then(|| (e.line(), e.column())),
            message: strip_location(&e.to_string()),
        };
        // The version first, so that a file of another version gets a clear error rather than
        // a schema error.
        let document: serde_json::Value = serde_json::from_str(text).map_err(invalid)?;
        let found = match document.get("version") {
            _ if !document.is_object() => Err("expected an object with `version` and `entries`"),
            None => Err("missing field `version`"),
            Some(v) => v.as_u64().ok_or("`version` is not a whole number"),
        };
        let found = found.map_err(|message| BaselineError::Invalid {
            path: path.to_owned(),
            location: None,
            message: message.to_owned(),
        })?;
        if found != VERSION {
            return Err(BaselineError::Version {
                path: path.to_owned(),
                found,
            });
        }
        let file: File = serde_json::from_str(text).map_err(invalid)?;
        let mut entries = BTreeMap::new();
        for (i, entry) in file.entries.into_iter().enumerate() {
            let bad = |what: String| BaselineError::Invalid {
                path: path.to_owned(),
                location: None,
                message: format!("entry {} ({}): {what}", i + 1, sanitize(entry.fingerprint.as_bytes())),
            };
            if gix::ObjectId::from_hex(entry.blob.as_bytes()).is_err() {
                return Err(bad(format!(
                    "`blob` is not an object id: {}",
                    sanitize(entry.blob.as_bytes())
                )));
            }
            let expected = format!("{}:{}:{}", entry.blob, entry.path, entry.rule);
            // A subject of many files is fingerprinted by subject and rule.
            let subject = format!("subject:{}:{}", entry.path, entry.rule);
            if entry.fingerprint != expected && entry.fingerprint != subject {
                return Err(bad(format!(
                    "`fingerprint` does not match blob, path and rule (expected {})",
                    sanitize(expected.as_bytes())
                )));
            }
            entries.insert(entry.fingerprint.clone(), entry);
        }
        Ok(Baseline { entries })
    }

    /// The file's text: pretty-printed JSON, sorted by fingerprint, ending in a newline.
    pub(crate) fn to_json(&self) -> String {
        let file = File {
            version: VERSION,
            generated_by: format!("{} {}", env!("CARGO_PKG_NAME"), env!("CARGO_PKG_VERSION")),
            entries: self.entries.values().cloned().collect(),
        };
        // Strings and integers into a String: serde_json fails only on non-string map keys
        // and failing writers, and this has neither.
        #[allow(clippy::expect_used)]
        let mut text = serde_json::to_string_pretty(&file).expect("a baseline serializes");
        text.push('\n');
        text
    }

    /// Write the baseline to `path` atomically: a temporary file in the same directory,
    /// renamed over `path`, so that a reader never sees half a file.
    pub(crate) fn write(&self, path: &Path) -> Result<(), BaselineError> {
        let failed = |cause| BaselineError::Write {
            path: path.to_owned(),
            cause,
        };
        let name = path
            .file_name()
            .ok_or_else(|| failed(std::io::Error::new(std::io::ErrorKind::InvalidInput, "not a file name")))?;
        let mut temporary = std::ffi::OsString::from(".");
        temporary.push(name);
        temporary.push(format!(".tmp-{}", std::process::id()));
        let temporary = path.with_file_name(temporary);
        let written = (|| {
            let mut file = std::fs::File::create(&temporary)?;
            file.write_all(self.to_json().as_bytes())?;
            file.sync_all()?;
            std::fs::rename(&temporary, path)
        })();
        if written.is_err() {
            let _ = std::fs::remove_file(&temporary);
        }
        written.map_err(failed)
    }

    /// Drop the findings the baseline records from `outcome`, recount its summary (so that
    /// they no longer fail), and say how many were left out. Returns that number.
    pub(crate) fn suppress(&self, outcome: &mut Outcome) -> usize {
        let before = outcome.findings.len();
        self.suppress_matching(outcome);
        before - outcome.findings.len()
    }

    /// [`Baseline::suppress`], then add a `stale-baseline` notice for every stale entry (see
    /// the module documentation). `whole_history` says the outcome covers the whole
    /// repository (`scan --all`, the audit): then an entry no finding matches is stale too.
    pub(crate) fn apply(&self, outcome: &mut Outcome, repo: &gix::Repository, whole_history: bool) {
        let found: HashSet<(String, String)> = if whole_history {
            outcome
                .findings
                .iter()
                .filter_map(|f| f.path.as_ref().map(|p| (p.to_string(), f.rule.to_string())))
                .collect()
        } else {
            HashSet::new()
        };
        let matched = self.suppress_matching(outcome);
        // In a shallow or partial clone blobs are missing by design, not because they were
        // removed from history.
        let blobs_tell = !repo.is_shallow().unwrap_or(true) && !is_partial(repo);
        for entry in self.entries.values() {
            if matched.contains(entry.fingerprint.as_str()) {
                continue;
            }
            let present = gix::ObjectId::from_hex(entry.blob.as_bytes()).is_ok_and(|id| repo.has_object(id));
            let why = if blobs_tell && !present {
                format!(
                    "blob {} is no longer in the repository",
                    entry.blob.get(..10).unwrap_or(&entry.blob)
                )
            } else if whole_history && !found.contains(&(entry.path.clone(), entry.rule.clone())) {
                "the history no longer has this finding".to_owned()
            } else {
                continue;
            };
            outcome.notices.push(Notice {
                kind: crate::outcome::NoticeKind::StaleBaseline,
                message: format!(
                    "baseline entry {} at {} is stale: {why}; rewrite the baseline to drop it",
                    sanitize(entry.rule.as_bytes()),
                    sanitize(entry.path.as_bytes())
                ),
                path: Some(entry.path.clone()),
                blob: Some(entry.blob.clone()),
            });
        }
    }

    /// Remove the recorded findings; the fingerprints that matched.
    fn suppress_matching(&self, outcome: &mut Outcome) -> HashSet<String> {
        let mut matched = HashSet::new();
        let before = outcome.findings.len();
        outcome.findings.retain(|f| {
            if f.blob.is_none() {
                return true;
            }
            let fingerprint = f.fingerprint();
            if self.entries.contains_key(&fingerprint) {
                matched.insert(fingerprint);
                false
            } else {
                true
            }
        });
        let left_out = (before - outcome.findings.len()) as u64;
        outcome.summary.recount(&outcome.findings);
        outcome.summary.baselined = Some(left_out);
        if left_out > 0 {
            outcome.notices.push(Notice {
                kind: crate::outcome::NoticeKind::BaselineApplied,
                message: format!(
                    "{left_out} finding{} recorded in the baseline {} not reported",
                    crate::report::common::plural(left_out),
                    if left_out == 1 { "was" } else { "were" }
                ),
                path: None,
                blob: None,
            });
        }
        matched
    }
}

/// Whether `repo` is a partial clone (objects may be missing and fetched on demand).
fn is_partial(repo: &gix::Repository) -> bool {
    repo.config_snapshot().string("extensions.partialClone").is_some()
}

/// serde_json appends " at line L column C" to its messages; the error names the place
/// itself.
fn strip_location(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(at) => message[..at].to_owned(),
        None => message.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::outcome::Level;
    use crate::rules::RuleId;

    fn finding(rule: RuleId, path: Option<&str>, blob: Option<&str>, level: Level) -> Finding {
        Finding {
            path: path.map(Into::into),
            blob: blob.map(|b| gix::ObjectId::from_hex(b.as_bytes()).expect("hex")),
            ..crate::testing::finding(rule, level, "")
        }
    }

    const A: &str = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    const B: &str = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";

    fn outcome(findings: Vec<Finding>) -> Outcome {
        let mut outcome = Outcome {
            findings,
            ..Outcome::default()
        };
        outcome.summary.recount(&outcome.findings);
        outcome
    }

    #[test]
    fn baseline_text_round_trips_sorted_and_skips_range_wide_findings() {
        let findings = [
            finding(RuleId::LogFile, Some("z.log"), Some(A), Level::Warn),
            finding(RuleId::DatabaseDump, Some("a:b.sql"), Some(B), Level::Deny),
            finding(RuleId::HistoryGrowth, None, None, Level::Deny),
        ];
        let baseline = Baseline::from_findings(&findings);
        assert_eq!(baseline.len(), 2);
        let text = baseline.to_json();
        assert!(text.ends_with("}\n"), "{text}");
        let order: Vec<&str> = baseline.entries.values().map(|e| e.fingerprint.as_str()).collect();
        assert_eq!(
            order,
            [format!("{A}:z.log:log-file"), format!("{B}:a:b.sql:database-dump")]
        );
        let parsed = Baseline::parse(&text, Path::new("b.json")).expect("parses");
        assert_eq!(parsed, baseline);
        assert_eq!(parsed.to_json(), text);
    }

    #[test]
    fn baseline_suppress_recounts_and_says_how_many() {
        let baseline = Baseline::from_findings(&[finding(RuleId::DatabaseDump, Some("x.sql"), Some(A), Level::Deny)]);
        let mut out = outcome(vec![
            finding(RuleId::DatabaseDump, Some("x.sql"), Some(A), Level::Deny),
            // Same path and rule, another blob: a new version, still reported.
            finding(RuleId::DatabaseDump, Some("x.sql"), Some(B), Level::Deny),
            finding(RuleId::LogFile, Some("y.log"), Some(A), Level::Warn),
            finding(RuleId::HistoryGrowth, None, None, Level::Deny),
        ]);
        assert_eq!(baseline.suppress(&mut out), 1);
        assert_eq!(out.findings.len(), 3);
        assert_eq!(
            (
                out.summary.findings,
                out.summary.deny,
                out.summary.warn,
                out.summary.baselined
            ),
            (3, 2, 1, Some(1))
        );
        assert_eq!(out.notices.len(), 1);
        assert_eq!(out.notices[0].kind, crate::outcome::NoticeKind::BaselineApplied);
        assert_eq!(
            out.notices[0].message,
            "1 finding recorded in the baseline was not reported"
        );

        let mut clean = outcome(Vec::new());
        assert_eq!(baseline.suppress(&mut clean), 0);
        assert_eq!(clean.summary.baselined, Some(0));
        assert!(clean.notices.is_empty(), "nothing left out, nothing said");
    }

    #[test]
    fn baseline_errors_name_the_file_and_the_place() {
        let file = Path::new("dir/b.json");
        let err = |text: &str| Baseline::parse(text, file).expect_err("fails").to_string();
        assert_eq!(
            err("{\n  \"version\": 1,\n  oops"),
            "dir/b.json:3:3: invalid baseline: key must be a string"
        );
        assert!(err("{\"version\": 7, \"entries\": 3}").contains("has version 7"));
        assert!(err("{\"entries\": []}").contains("missing field `version`"));
        assert!(err("{\"version\": 1, \"entries\": [{\"fingerprint\": \"x\", \"rule\": \"r\", \"path\": \"p\", \"blob\": \"zz\"}]}")
            .contains("entry 1 (x): `blob` is not an object id: zz"));
        let e = Baseline::parse("[1]", file).expect_err("fails");
        assert_eq!(e.exit_code(), 2, "{e}");
        let missing = Baseline::load(Path::new("/nonexistent/pushgate-baseline.json")).expect_err("fails");
        assert!(
            matches!(missing, BaselineError::Missing { .. }) && missing.exit_code() == 2,
            "{missing}"
        );
        let bad_name = Path::new("b\u{1b}[2J.json");
        assert!(
            !Baseline::parse("", bad_name)
                .expect_err("fails")
                .to_string()
                .contains('\u{1b}')
        );
    }
}
