//! What a finding tells people to do, in proportion to what it found.
//!
//! Every finding gets a first step chosen from what it is: an 11-byte `config.yaml.bak` is
//! deleted and its pattern ignored; a small database under `tests/` stays as a fixture with an
//! exemption (the exact `[[allow]]` entry); a large file goes to Git LFS; what a job writes
//! stops being committed by the job. Then comes the pattern's alternative store, worded by
//! `[suggestions] style` (AWS services or vendor-neutral categories) unless the policy gives
//! its own text for the pattern.
//!
//! A first step is one sentence, followed for an exemption by the TOML lines of the
//! `[[allow]]` entry. Everything taken from a path is sanitized, so it prints as it is.

use gix::bstr::{BStr, ByteSlice};

use crate::candidate::Kind;
use crate::outcome::{Finding, Pattern};
use crate::policy::SuggestionStyle;
use crate::rules::RuleId;
use crate::rules::paths::{FIXTURE_MAX, in_test_dir};
use crate::util::sanitize;

/// What to use instead, by what a finding is: its pattern's store, or, for output a build or a
/// job produces and for data a job keeps rewriting, a store of their own (build output is not
/// told about audit-log services, nor a job's data about Git LFS).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Alternative {
    /// The pattern's alternative.
    Pattern(Pattern),
    /// Build output, compiled binaries, rendered output and release files: the build and its
    /// artifact or release storage.
    Artifacts,
    /// Data a job keeps rewriting: a store the job writes to; never Git LFS.
    JobData,
}

/// Which alternative fits a finding of `rule` under `pattern` with `evidence`.
pub fn alternative_of(
    pattern: Pattern,
    rule: RuleId,
    evidence: &serde_json::Map<String, serde_json::Value>,
) -> Alternative {
    let kind = evidence.get("kind").and_then(|k| k.as_str());
    match rule {
        RuleId::GeneratedArtifact if pattern == Pattern::AuditTrail => Alternative::Artifacts,
        RuleId::MachineCadence if pattern == Pattern::AuditTrail && kind == Some(Kind::Rendered.noun()) => {
            Alternative::Artifacts
        }
        // A large archive that is no backup (a release tarball): release storage.
        RuleId::ArchiveBackup
            if evidence.contains_key("format") && !evidence.contains_key("word") && !evidence.contains_key("dated") =>
        {
            Alternative::Artifacts
        }
        RuleId::ChurningBlob | RuleId::LargeBlob | RuleId::DeepDeltaChain if written_by_job(evidence) => {
            Alternative::JobData
        }
        _ => Alternative::Pattern(pattern),
    }
}

/// Whether a finding's evidence says a job wrote the versions (see
/// [`churning_blob`](crate::rules::churning_blob); the path's other large-churn findings carry
/// it too).
pub fn written_by_job(evidence: &serde_json::Map<String, serde_json::Value>) -> bool {
    evidence.get(JOB_EVIDENCE).and_then(|j| j.as_bool()) == Some(true)
}

/// The evidence key that says a job wrote most versions of a path.
pub const JOB_EVIDENCE: &str = "written_by_job";

/// The built-in wording of what to use instead for `pattern` in `style`.
pub fn alternative(style: SuggestionStyle, pattern: Pattern) -> &'static str {
    alternative_text(style, Alternative::Pattern(pattern))
}

/// The built-in wording of `alternative` in `style`.
pub fn alternative_text(style: SuggestionStyle, alternative: Alternative) -> &'static str {
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

/// The first step for `f`: what fits this finding, before the pattern's alternative.
pub fn first_step(f: &Finding) -> String {
    let step = step_for(f);
    let spelt = f.path.as_ref().is_none_or(|p| !unspellable(p));
    if spelt || split(&step).1.is_some() || !stands_in(&step) {
        return step;
    }
    step + UNSPELLABLE
}

/// Whether a pattern the step quotes (between backticks) has a `?` standing in for a byte (an
/// unescaped one: [`ignore_glob`] escapes a `?` the name has).
fn stands_in(step: &str) -> bool {
    step.split('`').skip(1).step_by(2).any(|quoted| {
        let mut escaped = false;
        quoted.chars().any(|c| {
            let hit = c == '?' && !escaped;
            escaped = c == '\\' && !escaped;
            hit
        })
    })
}

/// The largest files a range adds, from a `history-growth` finding's evidence: `a.bin, 40.0
/// MiB; b.bin, 12.0 MiB`.
fn largest_files(f: &Finding) -> String {
    let Some(list) = f.evidence.get("largest").and_then(|l| l.as_array()) else {
        return String::new();
    };
    list.iter()
        .take(LARGEST_NAMED)
        .filter_map(|entry| {
            let path = entry.get("path")?.as_str()?;
            let size = entry.get("size")?.as_u64()?;
            Some(format!(
                "{}, {}",
                sanitize(path.as_bytes()),
                crate::util::human_size(size)
            ))
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// The largest files a first step names.
pub const LARGEST_NAMED: usize = 3;

/// [`first_step`] before the note on names a .gitignore line cannot spell.
fn step_for(f: &Finding) -> String {
    let path = f.path.as_ref().map(|p| p.as_bstr());
    let many = !f.paths.is_empty();
    let subject = f.evidence.get("subject").and_then(|s| s.as_str());
    let matched = f.evidence.get("matched").and_then(|s| s.as_str());
    let it = if many { "them" } else { "it" };
    let shown = path.map(|p| sanitize(p)).unwrap_or_default();
    // What to add to .gitignore: a name pattern when the name says what the file is, the
    // path itself otherwise.
    let by_name = |p: &BStr| name_glob(p).unwrap_or_else(|| ignore_path(p, many));
    let ignore = |p: Option<&BStr>| {
        p.map(|p| format!("`{}`", ignore_path(p, many)))
            .unwrap_or_else(|| "it".into())
    };

    if let Some(p) = path
        && is_small_fixture(f, p)
    {
        return fixture(f, p);
    }
    match f.rule {
        RuleId::ChurningBlob | RuleId::LargeBlob | RuleId::DeepDeltaChain if written_by_job(&f.evidence) => format!(
            "A job keeps rewriting {}: move the data out of git. Have the job write it to the store below and \
             publish it from there, and stop it committing the file; Git LFS is no fix, as it keeps every version \
             whole.",
            if shown.is_empty() {
                "it".to_owned()
            } else {
                format!("`{shown}`")
            }
        ),
        RuleId::HistoryGrowth => {
            let largest = largest_files(f);
            if largest.is_empty() {
                "Keep the largest files this range adds out of the commits: Git LFS or object storage for files \
                 that must travel with the code, .gitignore for files a build or a run produces."
                    .into()
            } else {
                format!(
                    "Keep the largest files this range adds out of the commits ({largest}): Git LFS or object \
                     storage for files that must travel with the code, .gitignore for files a build or a run \
                     produces."
                )
            }
        }
        RuleId::LargeBlob => match path {
            Some(p) => format!(
                "Track it with Git LFS (`git lfs track \"{}\"`), or keep it in the store below and commit a small pointer.",
                lfs_glob(p)
            ),
            None => "Track it with Git LFS, or keep it in the store below and commit a small pointer.".into(),
        },
        RuleId::ChurningBlob => match path {
            Some(p) => format!(
                "Every version stays in history: track it with Git LFS (`git lfs track \"{}\"`), or produce it in the \
                 build instead of committing each version.",
                lfs_glob(p)
            ),
            None => "Every version stays in history: track it with Git LFS, or produce it in the build.".into(),
        },
        RuleId::DeepDeltaChain => "Keep the file out of git (Git LFS or the store below); for the history already \
                                   pushed, `git repack -adf --depth=50` shortens the chain."
            .into(),
        RuleId::LfsBypassed => format!(
            "Commit {} through Git LFS as .gitattributes asks: run `git lfs install`, then turn the raw blob into a \
             pointer in every commit that holds it (`git lfs migrate import`, limited to the commits not pushed \
             yet).",
            if shown.is_empty() {
                "it".to_owned()
            } else {
                format!("`{shown}`")
            }
        ),
        RuleId::DatabaseFile => match f.evidence.get("engine").and_then(|e| e.as_str()) {
            Some(engine) => format!(
                "Stop committing the {engine} data directory: add {} to .gitignore and run the database as a service; \
                 keep its schema and migrations in git.",
                ignore(path)
            ),
            None => format!(
                "Take the database out of git: stop tracking {it} (`git rm --cached`, your copy stays), add {} to \
                 .gitignore, and commit the schema and migrations (or a script that builds {it}) instead.",
                ignore(path)
            ),
        },
        RuleId::DataChurn => job_step(f, ignore(path)),
        RuleId::MachineCadence if subject == Some("snapshot") => format!(
            "Stop the job from copying {} into git: point its backups at the backup storage below, and add {} to \
             .gitignore.",
            if shown.is_empty() {
                "the folder".to_owned()
            } else {
                format!("`{shown}`")
            },
            ignore(path)
        ),
        RuleId::MachineCadence => job_step(f, ignore(path)),
        RuleId::BackupFile if subject == Some("series") => format!(
            "Stop committing dated copies: git history already keeps every version of the original. Delete the \
             copies and add `{}` to .gitignore; keep real backups in the backup storage below.",
            path.map(|p| ignore_path(p, true)).unwrap_or_default()
        ),
        RuleId::BackupFile if matched == Some("directory") => format!(
            "If this is a copy, delete {it}: git history already keeps every version. Keep backups outside the \
             repository and add {} to .gitignore.",
            path.map(|p| format!("`{}`", backup_dir(p)))
                .unwrap_or_else(|| "the directory".into())
        ),
        RuleId::BackupFile => format!(
            "Delete {it}: git history already keeps every version of the original. Add `{}` to .gitignore so copies \
             like {it} are not committed again.",
            path.map(by_name).unwrap_or_default()
        ),
        RuleId::LogFile => format!(
            "Delete {it} and add `{}` to .gitignore; have the program write its log outside the work tree.",
            match (path, matched) {
                (Some(p), Some("name")) => by_name(p),
                (Some(p), _) => ignore_path(p, many),
                (None, _) => String::new(),
            }
        ),
        RuleId::AuditRecord => format!(
            "Stop committing records: delete {it}, add {} to .gitignore, and send new records to the store below.",
            ignore(path)
        ),
        RuleId::GeneratedArtifact if f.evidence.contains_key("build_output") => format!(
            "Delete {it} and add {} to .gitignore: let the build produce {it}, and publish releases as build \
             artifacts or release assets.",
            ignore(path)
        ),
        RuleId::GeneratedArtifact if f.evidence.contains_key("format") => format!(
            "Delete the binary and add {} to .gitignore: build {it} in CI, and publish releases as build artifacts \
             or release assets.",
            ignore(path)
        ),
        RuleId::GeneratedArtifact => format!(
            "Nothing to do if the generated source is meant to be committed; otherwise generate {it} in the build \
             and add {} to .gitignore.",
            ignore(path)
        ),
        RuleId::DatabaseDump => format!(
            "Delete the dump and add {} to .gitignore: keep dumps in the backup storage below, and commit the \
             schema or migrations instead.",
            ignore(path)
        ),
        RuleId::ArchiveBackup if f.evidence.contains_key("word") || f.evidence.contains_key("dated") => format!(
            "Delete the archive and add {} to .gitignore; keep backups in the backup storage below.",
            ignore(path)
        ),
        RuleId::ArchiveBackup => match path {
            Some(p) => format!(
                "Publish {it} as a release asset or in artifact storage, or track {it} with Git LFS (`git lfs track \
                 \"{}\"`).",
                lfs_glob(p)
            ),
            None => "Publish it as a release asset or in artifact storage, or track it with Git LFS.".into(),
        },
        RuleId::DiskImage => format!(
            "Delete the image and add `{}` to .gitignore; build images in a pipeline and keep them in an image \
             registry or the storage below.",
            path.map(|p| if matched == Some("name") {
                by_name(p)
            } else {
                ignore_path(p, many)
            })
            .unwrap_or_default()
        ),
    }
}

/// The first step for what a job writes.
fn job_step(f: &Finding, ignore: String) -> String {
    let what = f
        .evidence
        .get("kind")
        .and_then(|k| k.as_str())
        .map(|k| {
            if f.paths.is_empty() {
                format!("the {k}")
            } else {
                format!("these {k}s")
            }
        })
        .unwrap_or_else(|| "the file".into());
    format!(
        "Stop the job from committing {what}: have it write to the store below instead, keep only the job's \
         code in git, and add {ignore} to .gitignore."
    )
}

/// A small file under a test or fixture directory, of a kind a test suite reads as input.
fn is_small_fixture(f: &Finding, path: &BStr) -> bool {
    let kind = matches!(
        f.rule,
        RuleId::DatabaseFile
            | RuleId::DatabaseDump
            | RuleId::ArchiveBackup
            | RuleId::DiskImage
            | RuleId::LogFile
            | RuleId::AuditRecord
            | RuleId::BackupFile
    ) || (f.rule == RuleId::GeneratedArtifact && f.evidence.contains_key("format"));
    kind && f.paths.is_empty()
        && !f.evidence.contains_key("subject")
        && in_test_dir(path)
        && f.size.is_some_and(|s| s < FIXTURE_MAX)
}

/// Keep a test fixture, with the exemption that says so.
fn fixture(f: &Finding, path: &BStr) -> String {
    format!(
        "A small test input: if the tests read it, keep it as a fixture and exempt it in the policy with this \
         entry (or build it when the tests run); otherwise delete it.\n[[allow]]\npaths = [{}]\nrules = [\"{}\"]\nreason = \"test fixture\"",
        allow_glob(path),
        f.rule
    )
}

/// The file name of `path`.
fn name(path: &BStr) -> &BStr {
    path.rsplit_str("/").next().unwrap_or_default().as_bstr()
}

/// A name pattern for what the file name says the file is: `*.bak`, `*~`, `*.log`, `*.log.*`.
fn name_glob(path: &BStr) -> Option<String> {
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
fn ignore_path(path: &BStr, subject: bool) -> String {
    let line = ignore_glob(path, !subject);
    if line.starts_with('/') {
        line
    } else {
        format!("/{line}")
    }
}

/// The backup directory a path lies under (`backup/`, `db/backups/`), as a .gitignore line.
fn backup_dir(path: &BStr) -> String {
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
fn lfs_glob(path: &BStr) -> String {
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
fn ignore_glob(bytes: &[u8], literal: bool) -> String {
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

/// Whether a .gitignore line for `bytes` has a `?` in place of what it cannot spell.
fn unspellable(bytes: &[u8]) -> bool {
    bytes.utf8_chunks().any(|c| {
        !c.invalid().is_empty()
            || c.valid()
                .chars()
                .any(|c| c.is_control() || crate::util::is_bidi_control(c))
    })
}

/// What a first step adds when its .gitignore line could not spell the name.
const UNSPELLABLE: &str = " Each `?` in that pattern stands for a byte of the name that a line of .gitignore cannot hold as it is (it matches any one byte).";

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

/// The sentence of a first step, and the TOML lines that follow it (an exemption), if any.
pub fn split(step: &str) -> (&str, Option<&str>) {
    match step.split_once('\n') {
        Some((sentence, toml)) => (sentence, Some(toml)),
        None => (step, None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::outcome::Level;

    fn finding(rule: RuleId, path: &str, size: u64) -> Finding {
        Finding {
            rule,
            pattern: rule.pattern(),
            level: Level::Warn,
            path: Some(path.into()),
            blob: None,
            commit: None,
            reference: None,
            size: Some(size),
            message: String::new(),
            suggestion: String::new(),
            evidence: Default::default(),
            paths: Vec::new(),
        }
    }

    #[test]
    fn a_backup_copy_is_deleted_and_ignored_by_its_name() {
        let step = first_step(&finding(RuleId::BackupFile, "config.yaml.bak", 11));
        assert!(
            step.starts_with("Delete it") && step.contains("`*.bak` to .gitignore"),
            "{step}"
        );
        let step = first_step(&finding(RuleId::BackupFile, "src/main.rs~", 11));
        assert!(step.contains("`*~`"), "{step}");
    }

    #[test]
    fn a_small_fixture_gets_the_exemption_the_policy_accepts() {
        let step = first_step(&finding(RuleId::DatabaseFile, "tests/data/a*b.sqlite", 8192));
        let (sentence, toml) = split(&step);
        assert!(sentence.contains("keep it as a fixture"), "{step}");
        let toml = toml.expect("an exemption");
        let policy = crate::policy::Policy::from_text(toml, crate::policy::Source::BuiltIn).expect("valid");
        let allow = policy.file.allow.first().expect("one entry");
        assert!(allow.paths.is_match(b"tests/data/a*b.sqlite"));
        assert!(!allow.paths.is_match(b"tests/data/axb.sqlite"));
        // A control character in the name: a TOML escape that matches the real path.
        let step = first_step(&finding(RuleId::DatabaseFile, "tests/evil\x1b[31m.db", 8192));
        let toml = split(&step).1.expect("an exemption");
        assert!(!toml.contains('\x1b') && toml.contains("\\u001b"), "{toml}");
        let policy = crate::policy::Policy::from_text(toml, crate::policy::Source::BuiltIn).expect("valid");
        let allow = policy.file.allow.first().expect("one entry");
        assert!(allow.paths.is_match(b"tests/evil\x1b[31m.db"), "{toml}");
        assert_eq!(allow.rules, vec![RuleId::DatabaseFile]);
        // The same file, larger or outside a test directory, is not a fixture.
        assert!(
            split(&first_step(&finding(RuleId::DatabaseFile, "tests/big.sqlite", 2 << 20)))
                .1
                .is_none()
        );
        assert!(
            split(&first_step(&finding(RuleId::DatabaseFile, "app.sqlite", 8192)))
                .1
                .is_none()
        );
    }

    #[test]
    fn root_files_are_anchored_and_escaped() {
        let step = first_step(&finding(RuleId::DatabaseDump, "#dump[1].sql", 100));
        assert!(step.contains("`/#dump\\[1].sql`"), "{step}");
        let mut log = finding(RuleId::LogFile, "logs/app.log.3", 100);
        log.evidence.insert("matched".into(), "name".into());
        let step = first_step(&log);
        assert!(step.contains("`*.log.*`"), "{step}");
        // A log told by its content is ignored by its path, not by a guess at its name.
        log.evidence.insert("matched".into(), "timestamped lines".into());
        let step = first_step(&log);
        assert!(step.contains("`/logs/app.log.3`"), "{step}");
    }

    #[test]
    fn gitignore_lines_spell_odd_names_as_patterns_that_match_them() {
        assert_eq!(ignore_path(b"x\ty\nz.db".as_bstr(), false), "/x?y?z.db");
        assert_eq!(ignore_path(b"caf\xe9 dump.sql".as_bstr(), false), "/caf? dump.sql");
        assert_eq!(ignore_path(b"notes.log  ".as_bstr(), false), "/notes.log\\ \\ ");
        assert_eq!(ignore_path(b"a*b?[c]\\d".as_bstr(), false), "/a\\*b\\?\\[c]\\\\d");
        // A bidi override is three bytes: three `?`.
        assert_eq!(ignore_path("x\u{202e}y".as_bytes().as_bstr(), false), "/x???y");
        let step = first_step(&finding(RuleId::DatabaseDump, "caf\u{1}e.sql", 100));
        assert!(step.contains("`/caf?e.sql`") && step.ends_with(UNSPELLABLE), "{step}");
        // A name pattern that needs no stand-in says nothing of them.
        let step = first_step(&finding(RuleId::BackupFile, "caf\u{1}e.bak", 100));
        assert!(step.contains("`*.bak`") && !step.contains("stands for"), "{step}");
        // A name with a `?` of its own has it escaped: nothing stands in.
        let step = first_step(&finding(RuleId::DatabaseDump, "what?.sql", 100));
        assert!(
            step.contains("`/what\\?.sql`") && !step.contains("stands for"),
            "{step}"
        );
    }

    #[test]
    fn every_rule_has_a_first_step_that_names_no_vendor() {
        for rule in RuleId::ALL {
            for path in ["data/file.bin", "tests/small.bin"] {
                let step = first_step(&finding(rule, path, 100));
                assert!(step.len() > 20 && step.ends_with(['.', '"']), "{rule}: {step}");
                for vendor in [
                    "Amazon",
                    "AWS",
                    "DynamoDB",
                    "S3",
                    "Glacier",
                    "CloudTrail",
                    "CloudWatch",
                    "EBS",
                    "EFS",
                ] {
                    assert!(!step.contains(vendor), "{rule}: {step}");
                }
            }
        }
    }

    #[test]
    fn neutral_wording_names_no_vendor() {
        for pattern in Pattern::ALL {
            let text = alternative(SuggestionStyle::Neutral, pattern);
            for vendor in [
                "Amazon",
                "AWS",
                "DynamoDB",
                "S3",
                "Glacier",
                "CloudTrail",
                "CloudWatch",
                "EBS",
                "EFS",
            ] {
                assert!(!text.contains(vendor), "{pattern}: {text}");
            }
        }
    }
}
