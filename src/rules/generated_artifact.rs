//! `generated-artifact` (audit-trail): build output, compiled binaries and generated files.

use crate::advice::wording::{Alternative, Step};
use crate::outcome::Finding;
use serde::{Deserialize, Serialize};

use crate::outcome::{Level, Pattern, Setting};
use crate::policy::Globs;
use crate::detect::{Format, FormatClass};

use crate::candidate::Candidate;
use super::paths::{is_lockfile, is_small_fixture};
use super::{BlobCheck, Hit, RuleDoc, RuleId};

/// The pattern its findings belong to.
pub(crate) const PATTERN: Pattern = Pattern::AuditTrail;

/// The rule's settings (`[rules.generated-artifact]`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub(crate) struct Settings {
    /// Level for build output and compiled binaries.
    pub(crate) level: Setting,
    /// Paths this rule never reports.
    #[serde(skip_serializing_if = "Globs::is_empty")]
    pub(crate) exclude: Globs,
    /// Level for generated sources.
    pub(crate) source_level: Setting,
    /// Level for memory dumps of crashed processes (ELF core files, minidumps).
    pub(crate) dump_level: Setting,
    /// Build output names.
    pub(crate) build_paths: Globs,
    /// Names of what tools write on every run (test recordings, tool caches): reported at
    /// `level` from the first commit.
    pub(crate) output_paths: Globs,
    /// Generated source names.
    pub(crate) source_paths: Globs,
}

/// The per-blob check, if the rule has one.
pub(crate) const BLOB: Option<BlobCheck> = Some(check);

/// What `pushgate explain` prints.
pub(crate) const DOC: RuleDoc = RuleDoc {
    summary: "Build output, compiled binaries and generated files.",
    why: "Output that a build can recreate changes with every build and bloats history with versions nobody \
          reads; compiled binaries cannot be reviewed or diffed.",
    signals: "Build output names (`build_paths`: `node_modules/`, `dist/`, `target/`, `*.min.js`, `*.map`, \
              `*.o`, `*.class`, `*.pyc`, coverage and test reports) and compiled-binary content (ELF, PE, \
              Mach-O, Java class, Python bytecode, `perf record` output) at `level`; what tools write on \
              every run (`output_paths`: test-run videos and screenshots, build-tool caches) at `level` from \
              the first commit; memory dumps of crashed processes (ELF core files, minidumps, by content) at \
              `dump_level`, since they can hold anything the process had in memory; generated sources (`source_paths`, a \
              \"DO NOT EDIT\" or \"@generated\" header, the `linguist-generated` attribute) at `source_level`, \
              since many teams commit generated code on purpose. A small compiled binary (under 1 MiB) that \
              people, never a job, committed at most three times and then left unchanged for `lookback_days` \
              (a helper shipped prebuilt) is info; a push that brings a version of it is judged as before.",
    fix: "Add the output to .gitignore, build it in CI, and publish artifacts to a package registry or \
          artifact storage; remove committed output with `git rm -r --cached <path>`. A generated source that \
          is meant to be committed needs nothing.",
};

/// What a `generated-artifact` finding reports, by what told the file (`matched`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "matched", rename_all = "lowercase")]
pub(crate) enum Evidence {
    /// Its content: a memory dump or a compiled binary (`format`), or a generated source's
    /// header.
    Content {
        /// The format, for a memory dump or a compiled binary.
        #[serde(skip_serializing_if = "Option::is_none")]
        format: Option<&'static str>,
        /// A compiled binary (or profiler output).
        #[serde(skip_serializing_if = "std::ops::Not::not")]
        compiled: bool,
    },
    /// Its name: build output, tool output, or a generated source.
    Name {
        /// Build output by name (`build_paths`).
        #[serde(skip_serializing_if = "std::ops::Not::not")]
        build_output: bool,
        /// What a tool writes on every run (`output_paths`).
        #[serde(skip_serializing_if = "std::ops::Not::not")]
        tool_output: bool,
        /// The versions of build output a build keeps rewriting.
        #[serde(skip_serializing_if = "Option::is_none")]
        rebuilt_versions: Option<usize>,
    },
    /// The `linguist-generated` attribute.
    Attribute,
}

impl Evidence {
    /// The format of a memory dump or a compiled binary.
    fn format(&self) -> Option<&'static str> {
        match self {
            Evidence::Content { format, .. } => *format,
            Evidence::Name { .. } | Evidence::Attribute => None,
        }
    }

    /// Whether it is a compiled binary (or profiler output).
    fn compiled(&self) -> bool {
        matches!(self, Evidence::Content { compiled: true, .. })
    }
}

/// Build output by name (info until rebuilt), compiled binaries, generated sources.
pub(crate) fn check(blob: &Candidate, policy: super::Context<'_>, out: &mut Vec<Hit>) {
    let rule = &policy.rules.generated_artifact;
    if is_lockfile(blob.name()) {
        return;
    }
    let hit = |level, what: &str, evidence: Evidence| {
        Hit::new(RuleId::GeneratedArtifact, level, what.to_owned()).with(evidence)
    };
    if let Some(format) = blob.format().filter(|f| f.is_memory_dump()) {
        let level = if is_small_fixture(blob) {
            Level::Info
        } else {
            rule.dump_level.level()
        };
        out.push(hit(
            level,
            &format!("memory dump of a crashed process: {}", format.name()),
            Evidence::Content {
                format: Some(format.name()),
                compiled: false,
            },
        ));
    } else if rule.output_paths.is_match(&blob.path) {
        out.push(hit(
            rule.level.level(),
            "tool output written on every run (name)",
            Evidence::Name {
                build_output: false,
                tool_output: true,
                rebuilt_versions: None,
            },
        ));
    } else if rule.build_paths.is_match(&blob.path) {
        // A name alone (a vendored `*.min.js` committed once) is worth knowing; a build that
        // keeps rewriting it is worth a warning, which the history decides.
        out.push(hit(
            Level::Info,
            "build output (name)",
            Evidence::Name {
                build_output: true,
                tool_output: false,
                rebuilt_versions: None,
            },
        ));
    } else if let Some(format) = blob.format().filter(|f| f.class() == FormatClass::CompiledBinary) {
        let level = if is_small_fixture(blob) {
            Level::Info
        } else {
            rule.level.level()
        };
        let what = if format == Format::PerfData { "profiler output" } else { "compiled binary" };
        out.push(hit(
            level,
            &format!("{what}: {}", format.name()),
            Evidence::Content {
                format: Some(format.name()),
                compiled: true,
            },
        ));
    } else if rule.source_level.is_off() {
    } else if blob.attrs.generated {
        out.push(hit(
            rule.source_level.level(),
            "generated file (linguist-generated attribute)",
            Evidence::Attribute,
        ));
    } else if rule.source_paths.is_match(&blob.path) {
        out.push(hit(
            rule.source_level.level(),
            "generated source",
            Evidence::Name {
                build_output: false,
                tool_output: false,
                rebuilt_versions: None,
            },
        ));
    } else if blob.sniff.as_ref().is_some_and(|s| s.generated_marker && !s.binary) && blob.format() != Some(Format::LfsPointer) {
        out.push(hit(
            rule.source_level.level(),
            "generated source (\"DO NOT EDIT\" or \"@generated\" header)",
            Evidence::Content {
                format: None,
                compiled: false,
            },
        ));
    }
}

/// History already fixed: a compiled binary people committed once or twice and then deleted
/// (a release helper built in the wrong folder and removed days later) was never build output
/// kept in git; it is a cost in history, which the audit's fix plan removes: `info`, as
/// [`database_file::settle_removed`](super::database_file::settle_removed) does for a database
/// file. A binary rebuilt more often, added again, or written by a job keeps its level, and so
/// does a memory dump, whose content stays readable in history.
pub(crate) fn settle_removed(input: &super::Input<'_, '_>, findings: &mut [crate::outcome::Finding]) {
    super::settle_removed(
        input,
        findings,
        |f| f.rule == RuleId::GeneratedArtifact && GeneratedArtifact::evidence(&f.evidence).is_some_and(Evidence::compiled),
        "build output kept in git",
    );
}

/// Left alone by people: a small compiled binary people committed once or a few times and then
/// left unchanged for `lookback_days` (a helper shipped prebuilt) is build output, but not
/// output committed at a machine's cadence, the misuse this pattern is about: `info` (see
/// `rules::settle_left_alone`). A binary a push brings is judged as before; one a job
/// commits (a CI workflow that rebuilds and commits it), that people keep rebuilding (more than
/// three versions), or of 1 MiB or more keeps its level, and so do profiler output and memory
/// dumps, which record a run rather than build one.
pub(crate) fn settle_left_alone(input: &super::Input<'_, '_>, findings: &mut [crate::outcome::Finding]) {
    let profile = Format::PerfData.name();
    super::settle_left_alone(
        input,
        findings,
        |f| {
            f.rule == RuleId::GeneratedArtifact
                && GeneratedArtifact::evidence(&f.evidence)
                    .is_some_and(|own| own.compiled() && own.format() != Some(profile))
        },
        "build output committed at a machine's cadence",
    );
}

/// Name-only build output with at least this many versions is output a build keeps rewriting.
const REBUILT_VERSIONS: usize = 5;

/// Build output named as such is worth a warning once a build keeps rewriting it.
fn rebuilt(input: &super::Input<'_, '_>, analysis: &super::Analysis, findings: &mut [Finding]) {
    let rules = &input.policy.rules;
    for f in findings.iter_mut() {
        if f.rule != RuleId::GeneratedArtifact || f.level != Level::Info {
            continue;
        }
        let Some(path) = &f.path else { continue };
        let versions = analysis.versions.get(path).copied().unwrap_or(0);
        if let Some(Evidence::Name {
            build_output: true,
            rebuilt_versions,
            ..
        }) = GeneratedArtifact::evidence_mut(&mut f.evidence)
            && versions >= REBUILT_VERSIONS
        {
            *rebuilt_versions = Some(versions);
            f.level = rules.generated_artifact.level.level();
        }
    }
}

/// The rule's place in the registry (see [`Rule`](super::Rule)).
pub(crate) struct GeneratedArtifact;

impl super::Rule for GeneratedArtifact {
    fn first_step(step: &Step<'_>) -> String {
        let own = GeneratedArtifact::evidence(&step.f.evidence);
        let binary = own.and_then(Evidence::format).is_some();
        let it = step.it;
        if binary && let Some(fixture) = super::fixture_step(step) {
            return fixture;
        }
        if let Some(Evidence::Name { build_output: true, .. }) = own {
            format!(
                "Delete {it} and add {} to .gitignore: let the build produce {it}, and publish releases as build \
                 artifacts or release assets.",
                step.ignore()
            )
        } else if binary {
            format!(
                "Delete the binary and add {} to .gitignore: build {it} in CI, and publish releases as build artifacts \
                 or release assets.",
                step.ignore()
            )
        } else {
            format!(
                "Nothing to do if the generated source is meant to be committed; otherwise generate {it} in the build \
                 and add {} to .gitignore.",
                step.ignore()
            )
        }
    }

    fn alternative(pattern: Pattern, _: &crate::outcome::Evidence) -> Alternative {
        if pattern == Pattern::AuditTrail {
            Alternative::Artifacts
        } else {
            Alternative::Pattern(pattern)
        }
    }

    fn settle(input: &super::Input<'_, '_>, analysis: &super::Analysis, findings: &mut Vec<Finding>) {
        rebuilt(input, analysis, findings);
        settle_removed(input, findings);
        settle_left_alone(input, findings);
    }
}

super::settings::plain_settings!(Settings);
