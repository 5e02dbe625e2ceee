//! `pushgate report merge`: a results folder read back into one model of the fleet — the
//! repositories ranked by the bytes a fix frees, totals by pattern, the costliest offenders
//! across repositories, the repositories whose audit failed and why, and the files that are no
//! result. The renderers ([`report::merge`](crate::report::merge)) print it; nothing in it
//! depends on when or in which order, or on how many machines, the results were written.

use std::cmp::Reverse;
use std::collections::BTreeMap;
use std::io;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::result::{self, Completion};
use crate::error::Error;
use crate::outcome::{Level, Pattern};
use crate::util::sanitize;

/// The fleet, merged.
#[derive(Debug, Default, Serialize)]
pub(crate) struct Merged {
    /// The whole fleet's figures.
    pub(crate) totals: Totals,
    /// The repositories whose audit finished, by the bytes a fix frees (then their size, then
    /// their key).
    pub(crate) repositories: Vec<Repository>,
    /// Each pattern across the fleet, in report order.
    pub(crate) patterns: Vec<PatternTotal>,
    /// Every offender of every repository, by the bytes its fix frees (then its packed bytes).
    pub(crate) offenders: Vec<Offender>,
    /// The repositories whose audit did not finish, by key.
    pub(crate) failed: Vec<Failure>,
    /// Files in the folder that are no result, or one this version cannot read, by name.
    pub(crate) skipped: Vec<Skipped>,
}

/// The whole fleet's figures.
#[derive(Debug, Default, Serialize)]
pub(crate) struct Totals {
    /// Repositories with a result.
    pub(crate) repositories: u64,
    /// Of them, audited.
    pub(crate) ok: u64,
    /// Of them, failed.
    pub(crate) failed: u64,
    /// Files not read.
    pub(crate) skipped: u64,
    /// The audited repositories' object databases on disk (packs and loose objects).
    pub(crate) disk: u64,
    /// What their fix plans free.
    pub(crate) frees: u64,
    /// Their findings.
    pub(crate) findings: u64,
    /// … at deny.
    pub(crate) deny: u64,
    /// … at warn.
    pub(crate) warn: u64,
    /// … at info.
    pub(crate) info: u64,
    /// Audited repositories with findings at their policy's failing level (the audit exited 1).
    pub(crate) failing: u64,
}

/// One audited repository.
#[derive(Debug, Serialize)]
pub(crate) struct Repository {
    /// Its key.
    pub(crate) repository: String,
    /// Its result file.
    pub(crate) file: String,
    /// What its fix plan frees (the steps' `saves`).
    pub(crate) frees: u64,
    /// Its object database on disk.
    pub(crate) disk: u64,
    /// Commits its refs reach.
    pub(crate) commits: u64,
    /// Its findings, by level.
    pub(crate) findings: u64,
    /// … at deny.
    pub(crate) deny: u64,
    /// … at warn.
    pub(crate) warn: u64,
    /// … at info.
    pub(crate) info: u64,
    /// Whether it has findings at its policy's failing level.
    pub(crate) failing: bool,
    /// Its offending paths.
    pub(crate) offenders: u64,
    /// Its fix plan's steps (`remove`, `move-to-lfs`, `ask-host`, `prune-unreachable`), in order.
    pub(crate) steps: Vec<String>,
    /// The pushgate that audited it.
    pub(crate) pushgate: String,
}

/// One pattern across the fleet: its shares of the repositories (a path under one pattern
/// only, each version counted once), added up.
#[derive(Debug, Serialize)]
pub(crate) struct PatternTotal {
    /// The pattern.
    pub(crate) pattern: Pattern,
    /// Repositories with an offender of it.
    pub(crate) repositories: u64,
    /// Its offending paths.
    pub(crate) paths: u64,
    /// Their versions' bytes as stored.
    pub(crate) packed: u64,
    /// Their versions' bytes whole.
    pub(crate) unpacked: u64,
}

/// One offending path of one repository.
#[derive(Debug, Serialize)]
pub(crate) struct Offender {
    /// The repository's key.
    pub(crate) repository: String,
    /// The path (or a series' pattern).
    pub(crate) path: String,
    /// Its pattern.
    pub(crate) pattern: Pattern,
    /// Its most severe level.
    pub(crate) level: Level,
    /// The rules that reported it.
    pub(crate) rules: Vec<String>,
    /// Its versions.
    pub(crate) versions: u64,
    /// Their bytes as stored.
    pub(crate) packed: u64,
    /// Their bytes whole.
    pub(crate) unpacked: u64,
    /// What its fix does (`null`: the plan leaves it).
    pub(crate) action: Option<String>,
    /// What its fix frees.
    pub(crate) frees: u64,
}

/// A repository whose audit did not finish.
#[derive(Debug, Serialize)]
pub(crate) struct Failure {
    /// Its key.
    pub(crate) repository: String,
    /// Why.
    pub(crate) reason: String,
    /// Its result file.
    pub(crate) file: String,
}

/// A file of the folder that was not read as a result.
#[derive(Debug, Serialize)]
pub(crate) struct Skipped {
    /// Its name.
    pub(crate) file: String,
    /// Why.
    pub(crate) reason: String,
}

/// A result as read back.
#[derive(Deserialize)]
struct Doc {
    kind: Option<String>,
    version: Option<u32>,
    repository: Option<String>,
    status: Option<Completion>,
    #[serde(default)]
    reason: Option<String>,
    #[serde(default)]
    exit_code: Option<i32>,
    #[serde(default)]
    tool: Option<result::Tool>,
    #[serde(default)]
    report: Option<ReportDoc>,
}

/// The audit's document, the parts the merge reads.
#[derive(Deserialize)]
struct ReportDoc {
    summary: SummaryDoc,
    audit: AuditDoc,
}

#[derive(Deserialize)]
struct SummaryDoc {
    findings: u64,
    deny: u64,
    warn: u64,
    info: u64,
}

#[derive(Deserialize)]
struct AuditDoc {
    repository: RepositoryDoc,
    patterns: Vec<ShareDoc>,
    offenders: Vec<OffenderDoc>,
    plan: PlanDoc,
}

#[derive(Deserialize)]
struct RepositoryDoc {
    commits: u64,
    statistics: StatisticsDoc,
}

#[derive(Deserialize)]
struct StatisticsDoc {
    pack_bytes: u64,
    loose: CountDoc,
}

#[derive(Deserialize)]
struct CountDoc {
    packed: u64,
}

#[derive(Deserialize)]
struct ShareDoc {
    pattern: Pattern,
    paths: u64,
    packed: u64,
    unpacked: u64,
}

#[derive(Deserialize)]
struct OffenderDoc {
    pattern: Pattern,
    path: String,
    level: Level,
    rules: Vec<String>,
    versions: u64,
    packed: u64,
    unpacked: u64,
    fix: Option<FixDoc>,
}

#[derive(Deserialize)]
struct FixDoc {
    action: String,
    saves: u64,
}

#[derive(Deserialize)]
struct PlanDoc {
    steps: Vec<StepDoc>,
}

#[derive(Deserialize)]
struct StepDoc {
    action: String,
    saves: u64,
}

/// Read every result in `folder` (its `*.json` files; hidden ones are a run's temporary files)
/// into the merged model.
pub(crate) fn read(folder: &Path) -> Result<Merged, Error> {
    let shown = sanitize(folder.as_os_str().as_encoded_bytes());
    let entries = std::fs::read_dir(folder).map_err(|source| match source.kind() {
        io::ErrorKind::NotFound | io::ErrorKind::NotADirectory => Error::Usage(format!(
            "{shown} is not a folder of results (`pushgate audit --fleet … --results {shown}` writes one)"
        )),
        _ => Error::File {
            what: format!("cannot read the results folder {shown}"),
            source,
        },
    })?;
    let mut names: Vec<String> = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|source| Error::File {
            what: format!("cannot read the results folder {shown}"),
            source,
        })?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.ends_with(".json") && !name.starts_with('.') && entry.file_type().is_ok_and(|t| t.is_file()) {
            names.push(name);
        }
    }
    names.sort();
    let mut merged = Merged::default();
    let mut patterns: BTreeMap<Pattern, PatternTotal> = BTreeMap::new();
    for name in names {
        let text = match std::fs::read(folder.join(&name)) {
            Ok(text) => text,
            Err(e) => {
                merged.skip(&name, format!("cannot be read: {e}"));
                continue;
            }
        };
        let doc: Doc = match serde_json::from_slice(&text) {
            Ok(doc) => doc,
            Err(e) if e.is_data() => {
                merged.skip(&name, format!("not a result this pushgate reads: {e}"));
                continue;
            }
            Err(e) => {
                merged.skip(&name, format!("not JSON: {e}"));
                continue;
            }
        };
        if doc.kind.as_deref() != Some(result::KIND) {
            merged.skip(
                &name,
                format!("not a fleet result (its `kind` is not `{}`)", result::KIND),
            );
            continue;
        }
        let version = doc.version.unwrap_or_default();
        if version != result::VERSION {
            merged.skip(
                &name,
                format!(
                    "a fleet result of version {version}; this pushgate reads version {}",
                    result::VERSION
                ),
            );
            continue;
        }
        let (Some(key), Some(status)) = (doc.repository, doc.status) else {
            merged.skip(&name, "a fleet result without its `repository` or `status`".into());
            continue;
        };
        match (status, doc.report) {
            (Completion::Failed, _) => {
                merged.failed.push(Failure {
                    repository: key,
                    reason: doc.reason.unwrap_or_else(|| "no reason given".into()),
                    file: name,
                });
            }
            (Completion::Ok, None) => merged.skip(&name, "an `ok` result without its report".into()),
            (Completion::Ok, Some(report)) => {
                let pushgate = doc.tool.map(|t| t.version).unwrap_or_default();
                merged.add(key, name, doc.exit_code == Some(1), pushgate, report, &mut patterns);
            }
        }
    }
    merged.patterns = Pattern::ALL
        .into_iter()
        .map(|pattern| {
            patterns.remove(&pattern).unwrap_or(PatternTotal {
                pattern,
                repositories: 0,
                paths: 0,
                packed: 0,
                unpacked: 0,
            })
        })
        .collect();
    merged.repositories.sort_by(|a, b| {
        (Reverse(a.frees), Reverse(a.disk), &a.repository).cmp(&(Reverse(b.frees), Reverse(b.disk), &b.repository))
    });
    merged.offenders.sort_by(|a, b| {
        (Reverse(a.frees), Reverse(a.packed), &a.repository, &a.path).cmp(&(
            Reverse(b.frees),
            Reverse(b.packed),
            &b.repository,
            &b.path,
        ))
    });
    merged.failed.sort_by(|a, b| a.repository.cmp(&b.repository));
    let t = &mut merged.totals;
    t.ok = merged.repositories.len() as u64;
    t.failed = merged.failed.len() as u64;
    t.repositories = t.ok + t.failed;
    t.skipped = merged.skipped.len() as u64;
    Ok(merged)
}

impl Merged {
    fn skip(&mut self, file: &str, reason: String) {
        self.skipped.push(Skipped {
            file: file.to_owned(),
            reason,
        });
    }

    fn add(
        &mut self,
        key: String,
        file: String,
        failing: bool,
        pushgate: String,
        report: ReportDoc,
        patterns: &mut BTreeMap<Pattern, PatternTotal>,
    ) {
        let audit = report.audit;
        let stats = &audit.repository.statistics;
        let disk = stats.pack_bytes.saturating_add(stats.loose.packed);
        let frees = audit.plan.steps.iter().map(|s| s.saves).fold(0u64, u64::saturating_add);
        let s = &report.summary;
        let t = &mut self.totals;
        t.disk = t.disk.saturating_add(disk);
        t.frees = t.frees.saturating_add(frees);
        t.findings += s.findings;
        t.deny += s.deny;
        t.warn += s.warn;
        t.info += s.info;
        t.failing += u64::from(failing);
        for share in &audit.patterns {
            let total = patterns.entry(share.pattern).or_insert(PatternTotal {
                pattern: share.pattern,
                repositories: 0,
                paths: 0,
                packed: 0,
                unpacked: 0,
            });
            if share.paths > 0 {
                total.repositories += 1;
            }
            total.paths += share.paths;
            total.packed = total.packed.saturating_add(share.packed);
            total.unpacked = total.unpacked.saturating_add(share.unpacked);
        }
        self.repositories.push(Repository {
            repository: key.clone(),
            file,
            frees,
            disk,
            commits: audit.repository.commits,
            findings: s.findings,
            deny: s.deny,
            warn: s.warn,
            info: s.info,
            failing,
            offenders: audit.offenders.len() as u64,
            steps: audit.plan.steps.iter().map(|s| s.action.clone()).collect(),
            pushgate,
        });
        self.offenders.extend(audit.offenders.into_iter().map(|o| Offender {
            repository: key.clone(),
            frees: o.fix.as_ref().map_or(0, |f| f.saves),
            action: o.fix.map(|f| f.action),
            path: o.path,
            pattern: o.pattern,
            level: o.level,
            rules: o.rules,
            versions: o.versions,
            packed: o.packed,
            unpacked: o.unpacked,
        }));
    }
}
