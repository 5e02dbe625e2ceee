//! `log-file` (audit-trail): a log file, by name or by timestamped lines.

use serde::{Deserialize, Serialize};

use crate::outcome::{Level, Pattern, Setting};
use crate::policy::Globs;

use crate::candidate::Candidate;
use super::paths::{extension, is_changelog, is_source_code, is_structured_data};
use super::{BlobCheck, Hit, RuleDoc, RuleId};

/// The pattern its findings belong to.
pub(crate) const PATTERN: Pattern = Pattern::AuditTrail;

/// The rule's settings (`[rules.log-file]`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub(crate) struct Settings {
    /// Highest level reported; `off` disables.
    pub(crate) level: Setting,
    /// Paths this rule never reports.
    #[serde(skip_serializing_if = "Globs::is_empty")]
    pub(crate) exclude: Globs,
    /// Log file names.
    pub(crate) paths: Globs,
    /// Log directories.
    pub(crate) dirs: Globs,
    /// Minimum non-empty lines for a content match outside log directories.
    pub(crate) min_lines: u32,
    /// Share of lines starting with a timestamp for a content match.
    pub(crate) min_timestamped_ratio: f64,
}

/// The per-blob check, if the rule has one.
pub(crate) const BLOB: Option<BlobCheck> = Some(check);

/// What `pushgate explain` prints.
pub(crate) const DOC: RuleDoc = RuleDoc {
    summary: "A log file, by name (`*.log`, rotated `*.log.1`) or by content (lines that start with timestamps).",
    why: "Logs are written continuously by running systems and kept for a long time. Committed to git, \
          each new version adds to history forever, and a repository fed at machine cadence degrades \
          steadily for everyone who clones, fetches or pushes.",
    signals: "The name (`paths`); text under a log directory (`dirs`) with timestamped lines; anywhere else, \
              text where at least `min_lines` lines were examined and `min_timestamped_ratio` of them start \
              with an ISO-8601, syslog or common-log-format timestamp. Changelogs, source code and \
              structured data files are never reported as logs. A log people published as a sample (at \
              most two versions, never a job's, in a folder a README documents) is info.",
    fix: "Delete the log, add its name pattern (`*.log`) to .gitignore, and have the program log outside the \
          work tree or to a log service (what to use instead); remove the file from the unpushed commits (`git \
          rm --cached <path>`, `git commit --amend`). A small sample log under a test directory is a fixture: \
          keep it with an `[[allow]]` exemption.",
};

/// What a `log-file` finding reports.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct Evidence {
    /// What told the log.
    #[serde(serialize_with = "how")]
    pub(crate) matched: Matched,
    /// The lines read, for a log told by its text.
    #[serde(flatten)]
    pub(crate) lines: Option<Lines>,
    /// People published it once or twice in a folder its README documents: a sample.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub(crate) published_sample: bool,
}

/// What told a log (`matched`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Matched {
    /// Its name.
    Name,
    /// Timestamped lines in a log directory.
    Directory,
    /// A text file in a log directory without timestamped lines.
    UntimedDirectory,
    /// Timestamped lines.
    Lines,
}

impl Matched {
    /// How the log was told, as its message and its evidence say it.
    pub(crate) fn how(self) -> &'static str {
        match self {
            Matched::Name => "name",
            Matched::Directory => "log directory",
            Matched::UntimedDirectory => "log directory, no timestamped lines",
            Matched::Lines => "timestamped lines",
        }
    }
}

/// Print a [`Matched`] as [`Matched::how`] says it.
fn how<S: serde::Serializer>(matched: &Matched, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(matched.how())
}

/// The lines of a log read from its text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub(crate) struct Lines {
    /// Lines examined.
    pub(crate) lines: u32,
    /// Of which timestamped.
    pub(crate) timestamped_lines: u32,
}

/// A log file, by name, by log directory with timestamped text, or by timestamped lines.
pub(crate) fn check(blob: &Candidate, policy: super::Context<'_>, out: &mut Vec<Hit>) {
    let rule = &policy.rules.log_file;
    let level = super::paths::fixture_level(blob, rule.level.level());
    let hit = |matched: Matched, lines: Option<Lines>| {
        Hit::new(RuleId::LogFile, level, format!("log file ({})", matched.how())).with(Evidence {
            matched,
            lines,
            published_sample: false,
        })
    };
    if rule.paths.is_match(&blob.path) {
        out.push(hit(Matched::Name, None));
        return;
    }
    let name = blob.name();
    let Some(sniff) = blob.sniff.as_ref().filter(|s| !s.binary) else {
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
    let counts = Some(Lines {
        lines: lines.lines,
        timestamped_lines: lines.timestamped,
    });
    if rule.dirs.is_match(&blob.path) {
        // A directory name alone never warns: its text must read like a log.
        if lines.timestamped >= 3 && ratio >= 0.5 {
            out.push(hit(Matched::Directory, counts));
        } else if matches!(extension(name).as_deref(), None | Some("txt" | "out" | "err")) {
            let mut h = hit(Matched::UntimedDirectory, counts);
            h.level = Level::Info;
            out.push(h);
        }
        return;
    }
    if lines.lines >= rule.min_lines && ratio >= rule.min_timestamped_ratio {
        out.push(hit(Matched::Lines, counts));
    }
}

/// Versions a published sample has at most (added, perhaps fixed once).
const SAMPLE_VERSIONS: usize = 2;

/// A log people published as a sample is `info`: a log file in a folder of its own (not the
/// top) that documents it with a README, never written by a job, with at most
/// `SAMPLE_VERSIONS` versions. That is how a data set of logs for research or a tool's
/// examples is published (`<system>/<system>_2k.log` beside its README and the structured copy
/// derived from it); a log a program keeps writing has many versions or is a job's, and a crash
/// log committed by mistake lies among the code, at the top or in a folder no README describes.
/// The audit and a push judge it alike: the README and the log's versions are the history's.
pub(crate) fn settle_samples(input: &super::Input<'_, '_>, findings: &mut [crate::outcome::Finding]) {
    use gix::bstr::ByteSlice;
    let loud = |f: &crate::outcome::Finding| f.rule == RuleId::LogFile && f.level > Level::Info && f.paths.is_empty();
    if !findings.iter().any(loud) {
        return;
    }
    let model = input.model;
    // Folders with a README written by people.
    let documented: std::collections::HashSet<&gix::bstr::BStr> = model
        .paths()
        .filter(|(i, path)| {
            let (dir, name) = crate::util::split_path(path);
            !dir.is_empty()
                && name.to_ascii_lowercase().starts_with(b"readme")
                && model
                    .changes_of(*i)
                    .any(|c| c.blob().is_some() && !model.jobs.writes(c.commit))
        })
        .map(|(_, path)| crate::util::split_path(path).0)
        .collect();
    for f in findings.iter_mut().filter(|f| loud(f)) {
        let Some(path) = f.path.as_ref() else {
            continue;
        };
        let Some(i) = model.path_index(path.as_bstr()) else {
            continue;
        };
        let dir = crate::util::split_path(path.as_bstr()).0;
        if dir.is_empty() || !documented.contains(dir) {
            continue;
        }
        let mut versions: Vec<u32> = Vec::new();
        let mut by_job = false;
        for c in model.changes_of(i) {
            by_job |= model.jobs.writes(c.commit);
            versions.extend(c.blob());
        }
        versions.sort_unstable();
        versions.dedup();
        if by_job || versions.is_empty() || versions.len() > SAMPLE_VERSIONS {
            continue;
        }
        f.level = Level::Info;
        if let Some(own) = LogFile::evidence_mut(&mut f.evidence) {
            own.published_sample = true;
        }
        f.message = format!(
            "{} (published {} by people in a folder its README documents: a sample, not a log kept in git)",
            f.message,
            if versions.len() == 1 { "once" } else { "twice" }
        );
    }
}

/// The rule's place in the registry (see [`Rule`](super::Rule)).
pub(crate) struct LogFile;

impl super::Rule for LogFile {
    fn first_step(step: &crate::advice::wording::Step<'_>) -> String {
        if let Some(fixture) = super::fixture_step(step) {
            return fixture;
        }
        format!(
            "Delete {} and add `{}` to .gitignore; have the program write its log outside the work tree.",
            step.it,
            match (step.path, LogFile::evidence(&step.f.evidence).map(|own| own.matched)) {
                (Some(p), Some(Matched::Name)) => step.by_name(p),
                (Some(p), _) => step.ignore_line(p),
                (None, _) => String::new(),
            }
        )
    }

    fn settle(
        input: &super::Input<'_, '_>,
        _: &super::Analysis,
        findings: &mut Vec<crate::outcome::Finding>,
    ) {
        settle_samples(input, findings);
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
