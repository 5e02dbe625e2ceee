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

use crate::outcome::{Finding, Pattern};
use crate::policy::SuggestionStyle;
use crate::rules::RuleId;
use crate::rules::paths::{FIXTURE_MAX, in_test_dir};
use crate::util::sanitize;

/// The built-in wording of what to use instead for `pattern` in `style`.
pub fn alternative(style: SuggestionStyle, pattern: Pattern) -> &'static str {
    match (style, pattern) {
        (SuggestionStyle::Aws, Pattern::LargeChurn) => {
            "Keep large, often-changing files out of git: store them in Amazon S3 and commit a small manifest or pointer, or track them with Git LFS if the team wants to stay git-native."
        }
        (SuggestionStyle::Aws, Pattern::Database) => {
            "Git is not a database: every write stays in history forever and slows every clone. Use Amazon DynamoDB for consistent performance at any size, or a managed relational database when the data is relational."
        }
        (SuggestionStyle::Aws, Pattern::AuditTrail) => {
            "Machine-made records grow without end and slow the repository down. Keep retained records in Amazon S3, AWS API activity in AWS CloudTrail, resource configuration history in AWS Config, and application and system logs in Amazon CloudWatch Logs."
        }
        (SuggestionStyle::Aws, Pattern::Backup) => {
            "Git is not a backup store: dumps and images bloat every clone and push. Keep objects in Amazon S3 and S3 Glacier, files in Amazon EFS, volumes as Amazon EBS snapshots, and manage them with AWS Backup."
        }
        (SuggestionStyle::Neutral, Pattern::LargeChurn) => {
            "Keep large, often-changing files out of git: store them in object storage and commit a small manifest or pointer, or track them with Git LFS if the team wants to stay git-native."
        }
        (SuggestionStyle::Neutral, Pattern::Database) => {
            "Git is not a database: every write stays in history forever and slows every clone. Use a managed key-value or document database for records that programs write, or a managed relational database when the data is relational."
        }
        (SuggestionStyle::Neutral, Pattern::AuditTrail) => {
            "Machine-made records grow without end and slow the repository down. Keep retained records in object storage (with a retention lock if they must be immutable), audit events in an audit-log service, and application and system logs in a log service."
        }
        (SuggestionStyle::Neutral, Pattern::Backup) => {
            "Git is not a backup store: dumps and images bloat every clone and push. Keep backups in backup or snapshot storage (object storage with an archive tier for long retention), volumes as volume snapshots, and manage their retention with a backup service."
        }
    }
}

/// The first step for `f`: what fits this finding, before the pattern's alternative.
pub fn first_step(f: &Finding) -> String {
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
        RuleId::HistoryGrowth => "Look at the largest files this range adds (listed in the finding) and keep them out \
                                  of the commits: Git LFS or object storage for files that must travel with the code, \
                                  .gitignore for files a build or a run produces."
            .into(),
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
            "Commit it through Git LFS as .gitattributes asks: run `git lfs install`, then `git add --renormalize {}` \
             and commit the pointer.",
            if shown.is_empty() { "." } else { &shown }
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
        return Some(format!("*.{}.*", escape_ignore(&sanitize(ext))));
    }
    match parts.as_slice() {
        [stem, .., ext] if parts.len() > 1 && !stem.is_empty() && !ext.is_empty() => {
            Some(format!("*.{}", escape_ignore(&sanitize(ext))))
        }
        // No extension (`nohup.out` has one; a bare name is itself).
        _ => None,
    }
}

/// A .gitignore line for exactly `path` (anchored at the root), or a subject's pattern.
fn ignore_path(path: &BStr, subject: bool) -> String {
    let shown = sanitize(path);
    let line = if subject { shown } else { escape_ignore(&shown) };
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
            return format!("/{}/", escape_ignore(&sanitize(&dir.join(&b'/'))));
        }
    }
    ignore_path(path, false)
}

/// A Git LFS pattern for the file: its extension (`*.psd`), or its path.
fn lfs_glob(path: &BStr) -> String {
    match name_glob(path) {
        Some(glob) if glob.starts_with("*.") && !glob.ends_with(".*") => glob,
        _ => escape_ignore(&sanitize(path)),
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

/// Escape what .gitignore reads as a pattern: `*`, `?`, `[`, `\` (lines are anchored with a
/// leading `/` or start with `*`, so a leading `#` or `!` needs nothing).
fn escape_ignore(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if matches!(c, '*' | '?' | '[' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
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
