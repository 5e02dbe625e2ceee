//! The wording a first step is built from: the lines for .gitignore, Git LFS and an
//! `[[allow]]` entry that name a finding's path, and what to use instead, in each
//! `[suggestions] style`. Rules word their own first step from these (see
//! [`Rule::first_step`](crate::rules::Rule::first_step)).

use gix::bstr::{BStr, ByteSlice};

use crate::outcome::{Finding, Pattern};
use crate::util::sanitize;
use serde::{Deserialize, Serialize};

/// The built-in wording of `[suggestions]`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum SuggestionStyle {
    /// Names AWS services (Amazon S3, Amazon DynamoDB, AWS Backup, ...).
    #[default]
    Aws,
    /// Names kinds of store (object storage, a managed database, a log service), no vendor.
    Neutral,
}

/// What to use instead, by what a finding is: its pattern's store, or, for output a build or a
/// job produces and for data a job keeps rewriting, a store of their own (build output is not
/// told about audit-log services, nor a job's data about Git LFS).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Alternative {
    /// The pattern's alternative.
    Pattern(Pattern),
    /// Build output, compiled binaries, rendered output and release files: the build and its
    /// artifact or release storage.
    Artifacts,
    /// Data a job keeps rewriting: a store the job writes to; never Git LFS.
    JobData,
}

/// The built-in wording of `alternative` in `style`.
pub(crate) fn alternative_text(style: SuggestionStyle, alternative: Alternative) -> &'static str {
    match (style, alternative) {
        (SuggestionStyle::Aws, Alternative::Pattern(Pattern::LargeChurn)) => {
            "Keep large, often-changing files out of git: store them in Amazon S3 and commit a small manifest or pointer, or track them with Git LFS if the team wants to stay git-native."
        }
        (SuggestionStyle::Aws, Alternative::Pattern(Pattern::Database)) => {
            "Git is not a database: every write stays in history forever and slows every clone. Use Amazon DynamoDB for consistent performance at any size, or a managed relational database when the data is relational."
        }
        (SuggestionStyle::Aws, Alternative::Pattern(Pattern::AuditTrail)) => {
            "Machine-made records grow without end and slow the repository down. Keep retained records in Amazon S3, AWS API activity in AWS CloudTrail, resource configuration history in AWS Config, and application and system logs in Amazon CloudWatch Logs."
        }
        (SuggestionStyle::Aws, Alternative::Pattern(Pattern::Backup)) => {
            "Git is not a backup store: dumps and images bloat every clone and push. Keep objects in Amazon S3 and S3 Glacier, files in Amazon EFS, volumes as Amazon EBS snapshots, and manage them with AWS Backup."
        }
        (SuggestionStyle::Aws, Alternative::Artifacts) => {
            "Build output belongs to the build, not to history: let CI build it from the sources in git, and publish packages, binaries and release archives as build artifacts or release assets (AWS CodeArtifact for packages, Amazon S3 for files, Amazon S3 with Amazon CloudFront for a site)."
        }
        (SuggestionStyle::Aws, Alternative::JobData) => {
            "Data a job keeps rewriting belongs in a store the job writes to, not in history: have it write to Amazon S3 (or Amazon DynamoDB for records) and publish what people read from there. Git LFS is no fix: it keeps every version whole."
        }
        (SuggestionStyle::Neutral, Alternative::Pattern(Pattern::LargeChurn)) => {
            "Keep large, often-changing files out of git: store them in object storage and commit a small manifest or pointer, or track them with Git LFS if the team wants to stay git-native."
        }
        (SuggestionStyle::Neutral, Alternative::Pattern(Pattern::Database)) => {
            "Git is not a database: every write stays in history forever and slows every clone. Use a managed key-value or document database for records that programs write, or a managed relational database when the data is relational."
        }
        (SuggestionStyle::Neutral, Alternative::Pattern(Pattern::AuditTrail)) => {
            "Machine-made records grow without end and slow the repository down. Keep retained records in object storage (with a retention lock if they must be immutable), audit events in an audit-log service, and application and system logs in a log service."
        }
        (SuggestionStyle::Neutral, Alternative::Pattern(Pattern::Backup)) => {
            "Git is not a backup store: dumps and images bloat every clone and push. Keep backups in backup or snapshot storage (object storage with an archive tier for long retention), volumes as volume snapshots, and manage their retention with a backup service."
        }
        (SuggestionStyle::Neutral, Alternative::Artifacts) => {
            "Build output belongs to the build, not to history: let CI build it from the sources in git, and publish packages, binaries and release archives as build artifacts or release assets (a package registry, artifact storage, a static site host for pages)."
        }
        (SuggestionStyle::Neutral, Alternative::JobData) => {
            "Data a job keeps rewriting belongs in a store the job writes to, not in history: have it write to object storage (or a managed database for records) and publish what people read from there. Git LFS is no fix: it keeps every version whole."
        }
    }
}

/// What a rule's first step says about its finding: the finding, its path (or a subject's
/// name), whether it names many files, and the sanitized path as printed.
pub(crate) struct Step<'f> {
    /// The finding.
    pub(crate) f: &'f Finding,
    /// Its path, or the name of its subject.
    pub(crate) path: Option<&'f BStr>,
    /// Whether the finding lists many files.
    pub(crate) many: bool,
    /// `them` for many files, `it` for one.
    pub(crate) it: &'static str,
    /// The path, sanitized; empty without one.
    pub(crate) shown: String,
}

impl<'f> Step<'f> {
    /// What a first step for `f` reads.
    pub(crate) fn of(f: &'f Finding) -> Self {
        let path = f.path.as_ref().map(|p| p.as_bstr());
        let many = !f.paths.is_empty();
        Step {
            f,
            path,
            many,
            it: if many { "them" } else { "it" },
            shown: path.map(|p| sanitize(p)).unwrap_or_default(),
        }
    }

    /// The path in backticks, or `fallback` without one.
    pub(crate) fn named(&self, fallback: &str) -> String {
        if self.shown.is_empty() {
            fallback.to_owned()
        } else {
            format!("`{}`", self.shown)
        }
    }

    /// The .gitignore line for the path (or its subject) in backticks, or `it`.
    pub(crate) fn ignore(&self) -> String {
        self.path
            .map(|p| format!("`{}`", ignore_path(p, self.many)))
            .unwrap_or_else(|| "it".into())
    }

    /// The .gitignore line for the path (or its subject), without backticks.
    pub(crate) fn ignore_line(&self, p: &BStr) -> String {
        ignore_path(p, self.many)
    }

    /// What to add to .gitignore: a name pattern when the name says what the file is, the path
    /// itself otherwise.
    pub(crate) fn by_name(&self, p: &BStr) -> String {
        name_glob(p).unwrap_or_else(|| ignore_path(p, self.many))
    }
}

/// The file name of `path`.
fn name(path: &BStr) -> &BStr {
    path.rsplit_str("/").next().unwrap_or_default().as_bstr()
}

/// A name pattern for what the file name says the file is: `*.bak`, `*~`, `*.log`, `*.log.*`.
pub(crate) fn name_glob(path: &BStr) -> Option<String> {
    let name = name(path);
    if name.ends_with(b"~") {
        return Some("*~".into());
    }
    // A rotated log (`app.log.3`) by its log extension.
    let parts: Vec<&[u8]> = name.split_str(".").collect();
    if let [.., ext, last] = parts.as_slice()
        && parts.len() > 2
        && !ext.is_empty()
        && !last.is_empty()
        && last.iter().all(u8::is_ascii_digit)
    {
        return Some(format!("*.{}.*", ignore_glob(ext, true)));
    }
    match parts.as_slice() {
        [stem, .., ext] if parts.len() > 1 && !stem.is_empty() && !ext.is_empty() => {
            Some(format!("*.{}", ignore_glob(ext, true)))
        }
        // No extension (`nohup.out` has one; a bare name is itself).
        _ => None,
    }
}

/// A .gitignore line for exactly `path` (anchored at the root), or a subject's pattern.
pub(crate) fn ignore_path(path: &BStr, subject: bool) -> String {
    let line = ignore_glob(path, !subject);
    if line.starts_with('/') {
        line
    } else {
        format!("/{line}")
    }
}

/// The backup directory a path lies under (`backup/`, `db/backups/`), as a .gitignore line.
pub(crate) fn backup_dir(path: &BStr) -> String {
    let parts: Vec<&[u8]> = path.split_str("/").collect();
    let mut dir = Vec::new();
    for part in parts.iter().take(parts.len().saturating_sub(1)) {
        dir.push(*part);
        let lower = part.to_ascii_lowercase();
        if lower == b"backup" || lower == b"backups" {
            return format!("/{}/", ignore_glob(&dir.join(&b'/'), true));
        }
    }
    ignore_path(path, false)
}

/// A Git LFS pattern for the file: its extension (`*.psd`), or its path.
pub(crate) fn lfs_glob(path: &BStr) -> String {
    match name_glob(path) {
        Some(glob) if glob.starts_with("*.") && !glob.ends_with(".*") => glob,
        _ => ignore_glob(path, true),
    }
}

/// `[[allow]] paths` glob for exactly `path`, as a TOML string: glob metacharacters
/// escaped, anchored at the root, control characters as TOML escapes (so the entry matches the
/// real path and still prints safely), and bytes that are not UTF-8 as `?`.
fn allow_glob(path: &BStr) -> String {
    let mut glob = String::new();
    for chunk in path.utf8_chunks() {
        for c in chunk.valid().chars() {
            if matches!(c, '*' | '?' | '[' | ']' | '{' | '}' | '\\') {
                glob.push('\\');
            }
            glob.push(c);
        }
        for _ in chunk.invalid() {
            glob.push('?');
        }
    }
    if !glob.contains('/') {
        glob.insert(0, '/');
    }
    toml_string(&glob)
}

/// `bytes` as a .gitignore (or .gitattributes) pattern: `*`, `?`, `[` and `\\` escaped when
/// `literal`, a trailing space escaped (git drops it otherwise), and each byte a line cannot
/// hold or a terminal cannot show (a control character such as a tab or a newline, a bidi
/// control, a byte that is not UTF-8) as `?`, which git matches against any one byte but `/`.
/// Lines are anchored with a leading `/` or start with `*`, so a leading `#` or `!` needs
/// nothing.
pub(crate) fn ignore_glob(bytes: &[u8], literal: bool) -> String {
    let mut out = String::new();
    for chunk in bytes.utf8_chunks() {
        for c in chunk.valid().chars() {
            if c.is_control() || crate::util::is_bidi_control(c) {
                out.extend(std::iter::repeat_n('?', c.len_utf8()));
                continue;
            }
            if literal && matches!(c, '*' | '?' | '[' | '\\') {
                out.push('\\');
            }
            out.push(c);
        }
        out.extend(std::iter::repeat_n('?', chunk.invalid().len()));
    }
    let kept = out.trim_end_matches(' ').len();
    let spaces = out.len() - kept;
    out.truncate(kept);
    out.extend(std::iter::repeat_n("\\ ", spaces));
    out
}

/// A TOML basic string; control and bidi characters as `\uXXXX` escapes.
fn toml_string(text: &str) -> String {
    use std::fmt::Write as _;
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() || crate::util::is_bidi_control(c) => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Keep a test fixture, with the exemption that says so.
pub(crate) fn fixture(f: &Finding, path: &BStr) -> String {
    format!(
        "A small test input: if the tests read it, keep it as a fixture and exempt it in the policy with this \
         entry (or build it when the tests run); otherwise delete it.\n[[allow]]\npaths = [{}]\nrules = [\"{}\"]\nreason = \"test fixture\"",
        allow_glob(path),
        f.rule
    )
}
