//! audit-trail: logs, audit records and generated output committed at machine cadence.
//! Records made by machines never stop coming; git was built for code written by people.

use super::paths::{extension, is_changelog, is_lockfile, is_small_fixture, is_source_code, is_structured_data};
use super::{Blob, Hit, RuleDoc, RuleId};
use crate::detect::{Format, FormatClass};
use crate::finding::Level;
use crate::policy::PolicyFile;

const LOG_FILE: RuleDoc = RuleDoc {
    id: RuleId::LogFile,
    summary: "A log file, by name (`*.log`, rotated `*.log.1`) or by content (lines that start with timestamps).",
    why: "Logs are written continuously by running systems and kept for a long time. Committed to git, \
          each new version adds to history forever, and a repository fed at machine cadence degrades \
          steadily for everyone who clones, fetches or pushes.",
    signals: "The name (`paths`); text under a log directory (`dirs`) with timestamped lines; anywhere else, \
              text where at least `min_lines` lines were examined and `min_timestamped_ratio` of them start \
              with an ISO-8601, syslog or common-log-format timestamp. Changelogs, source code and \
              structured data files are never reported as logs.",
    fix: "Send logs to Amazon CloudWatch Logs (or keep archives in Amazon S3), add the path to .gitignore, \
          and remove the file from the unpushed commits (`git rm --cached <path>`, `git commit --amend`).",
};

const AUDIT_RECORD: RuleDoc = RuleDoc {
    id: RuleId::AuditRecord,
    summary: "Audit and event records: audit files, CloudTrail-style JSON, JSON-lines event streams, Windows \
              event logs, packet captures.",
    why: "Audit trails must be kept for long periods and are generated at a steady, frequent cadence. Git \
          history is the wrong store: it grows without bound, cannot expire records, and is slow to query.",
    signals: "Audit file names (`paths`); JSON whose records carry `eventVersion`, `eventSource` and \
              `eventName`; JSON-lines files where `min_timestamped_ratio` of the lines are objects with a \
              timestamp field; `.evtx` and pcap content.",
    fix: "Keep retained records in Amazon S3 (with object lock if they must be immutable); use AWS CloudTrail \
          for AWS API activity and AWS Config for resource configuration history. Remove the file from the \
          unpushed commits.",
};

const GENERATED_ARTIFACT: RuleDoc = RuleDoc {
    id: RuleId::GeneratedArtifact,
    summary: "Build output, compiled binaries and generated files.",
    why: "Output that a build can recreate changes with every build and bloats history with versions nobody \
          reads; compiled binaries cannot be reviewed or diffed.",
    signals: "Build output names (`build_paths`: `node_modules/`, `dist/`, `target/`, `*.min.js`, `*.map`, \
              `*.o`, `*.class`, `*.pyc`, coverage and test reports) and compiled-binary content (ELF, PE, \
              Mach-O, Java class, Python bytecode) at `level`; generated sources (`source_paths`, a \
              \"DO NOT EDIT\" or \"@generated\" header, the `linguist-generated` attribute) at `source_level`, \
              since many teams commit generated code on purpose.",
    fix: "Add the output directory to .gitignore, build it in CI, and publish artifacts to a package \
          registry or Amazon S3. Remove committed output with `git rm -r --cached <path>`.",
};

/// The documentation of this pattern's rules.
pub fn doc(rule: RuleId) -> &'static RuleDoc {
    match rule {
        RuleId::AuditRecord => &AUDIT_RECORD,
        RuleId::GeneratedArtifact => &GENERATED_ARTIFACT,
        _ => &LOG_FILE,
    }
}

/// Per-blob rules of this pattern.
pub fn check(blob: &Blob<'_>, policy: &PolicyFile, out: &mut Vec<Hit>) {
    log_file(blob, policy, out);
    audit_record(blob, policy, out);
    generated_artifact(blob, policy, out);
}

fn log_file(blob: &Blob<'_>, policy: &PolicyFile, out: &mut Vec<Hit>) {
    let rule = &policy.rules.log_file;
    let hit =
        |how: &str| Hit::new(RuleId::LogFile, rule.level, format!("log file ({how})")).with("matched", how.to_owned());
    if rule.paths.is_match(blob.path) {
        out.push(hit("name"));
        return;
    }
    let name = blob.name;
    let Some(sniff) = blob.sniff.filter(|s| !s.binary) else {
        return;
    };
    if is_changelog(name) || is_source_code(name) || is_structured_data(name) {
        return;
    }
    let lines = sniff.lines;
    let ratio = if lines.lines == 0 {
        0.0
    } else {
        f64::from(lines.timestamped) / f64::from(lines.lines)
    };
    let with_counts = |h: Hit| {
        h.with("lines", lines.lines)
            .with("timestamped_lines", lines.timestamped)
    };
    if rule.dirs.is_match(blob.path) {
        // A directory name alone never warns: its text must read like a log.
        if lines.timestamped >= 3 && ratio >= 0.5 {
            out.push(with_counts(hit("log directory")));
        } else if matches!(extension(name).as_deref(), None | Some("txt" | "out" | "err")) {
            let mut h = with_counts(hit("log directory, no timestamped lines"));
            h.level = Level::Info;
            out.push(h);
        }
        return;
    }
    if lines.lines >= rule.min_lines && ratio >= rule.min_timestamped_ratio {
        out.push(with_counts(hit("timestamped lines")));
    }
}

fn audit_record(blob: &Blob<'_>, policy: &PolicyFile, out: &mut Vec<Hit>) {
    let rule = &policy.rules.audit_record;
    let hit = |what: String| Hit::new(RuleId::AuditRecord, rule.level, what);
    if let Some(format) = blob.format().filter(|f| f.class() == FormatClass::EventCapture) {
        out.push(hit(format!("{} (confirmed by content)", format.name())).with("format", format.name()));
        return;
    }
    if rule.paths.is_match(blob.path) {
        out.push(hit("audit or event record (name)".into()).with("matched", "name"));
        return;
    }
    let Some(sniff) = blob.sniff.filter(|s| !s.binary) else {
        return;
    };
    if sniff.cloudtrail {
        out.push(
            hit("CloudTrail-style event records (eventVersion, eventSource, eventName)".into())
                .with("matched", "content"),
        );
        return;
    }
    let lines = sniff.lines;
    let json_lines = matches!(extension(blob.name).as_deref(), Some("jsonl" | "ndjson" | "json"));
    if json_lines
        && lines.lines >= 5
        && f64::from(lines.json_timestamped) >= rule.min_timestamped_ratio * f64::from(lines.lines)
    {
        out.push(
            hit("event stream: JSON lines with timestamp fields".into())
                .with("matched", "content")
                .with("lines", lines.lines)
                .with("timestamped_lines", lines.json_timestamped),
        );
    }
}

fn generated_artifact(blob: &Blob<'_>, policy: &PolicyFile, out: &mut Vec<Hit>) {
    let rule = &policy.rules.generated_artifact;
    if is_lockfile(blob.name) {
        return;
    }
    let hit = |level, what: &str, how: &str| {
        Hit::new(RuleId::GeneratedArtifact, level, what.to_owned()).with("matched", how.to_owned())
    };
    if rule.build_paths.is_match(blob.path) {
        // A name alone (a vendored `*.min.js` committed once) is worth knowing; a build that
        // keeps rewriting it is worth a warning, which the history decides.
        out.push(hit(Level::Info, "build output (name)", "name").with("build_output", true));
    } else if let Some(format) = blob.format().filter(|f| f.class() == FormatClass::CompiledBinary) {
        let level = if is_small_fixture(blob) {
            Level::Info
        } else {
            rule.level
        };
        out.push(hit(level, &format!("compiled binary: {}", format.name()), "content").with("format", format.name()));
    } else if blob.attrs.generated {
        out.push(hit(
            rule.source_level,
            "generated file (linguist-generated attribute)",
            "attribute",
        ));
    } else if rule.source_paths.is_match(blob.path) {
        out.push(hit(rule.source_level, "generated source", "name"));
    } else if blob.sniff.is_some_and(|s| s.generated_marker && !s.binary) && blob.format() != Some(Format::LfsPointer) {
        out.push(hit(
            rule.source_level,
            "generated source (\"DO NOT EDIT\" or \"@generated\" header)",
            "content",
        ));
    }
}
