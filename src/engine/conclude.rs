//! The conclusion: from what the walk and the inspection found to an [`Outcome`]. One finding
//! per path and rule, the history-aware rules over the history model, subjects of many files,
//! range growth, exemptions, order and totals.

use std::collections::HashMap;
use std::time::Instant;

use gix::ObjectId;
use gix::bstr::ByteSlice;

use super::inspect::{Inspected, to_finding};
use crate::history::{Facts, Model};
use crate::outcome::{Finding, Level, Notice, NoticeKind, Outcome, Summary};
use crate::policy::Policy;
use crate::repo::RepoError;
use crate::rules::{self, RuleId, behaviour};
use crate::util::split_path;
use crate::walk::Walked;

/// Which history the history-aware rules read.
pub enum History<'a> {
    /// The look-back window behind these tips.
    Window(&'a [ObjectId]),
    /// The whole history behind these tips, of the paths in scope only (no facts store).
    Paths(&'a [ObjectId]),
    /// The facts of the whole history, the walk's commits among them: what the audit's walk
    /// recorded, or the facts store brought up to date with what a range or a clone's push
    /// holds.
    Whole(&'a Facts),
    /// The facts of the history before the walk's commits (a server's facts store, before a
    /// push): the walk's commits and changes are added to them. The walk must have recorded
    /// its changes.
    Before(Box<Facts>),
}

/// From what the walk and the inspection found to the outcome: one finding per path and rule,
/// what the history says, growth, exemptions, order and totals.
pub fn conclude(
    repo: &gix::Repository,
    policy: &Policy,
    whole_history: bool,
    walked: &Walked,
    inspected: Inspected,
    history: History<'_>,
    started: Instant,
) -> Result<Outcome, RepoError> {
    let Inspected {
        mut findings,
        mut notices,
        growth,
        touched,
        sizes,
    } = inspected;

    collapse_versions(&mut findings);
    let file = &policy.file;
    // The history is read only when some path can be a subject: a push of source code reads none.
    let windowed = matches!(history, History::Window(_));
    let scoped = matches!(history, History::Window(_) | History::Paths(_));
    let model = match history {
        History::Window(tips) | History::Paths(tips) if !touched.is_empty() && !tips.is_empty() => {
            let mut scope = crate::history::Scope::of(touched.keys().map(|p| p.as_bstr()));
            scope.whole = !windowed;
            scope.fresh = walked.commits.iter().map(|c| c.id).collect();
            scope.large = touched
                .values()
                .any(|t| t.size.is_some_and(|s| s >= file.rules.churning_blob.min_size.0));
            Some(Model::window(
                repo,
                tips,
                file.lookback_commits,
                file.lookback_days,
                &scope,
            )?)
        }
        History::Window(_) | History::Paths(_) => None,
        History::Whole(facts) => Some(Model::whole(facts)),
        // As with the paths' own history: the facts of the directories that can hold a
        // subject of the paths in scope, so that a push costs what it touches.
        History::Before(_) if touched.is_empty() => None,
        History::Before(facts) => {
            let mut facts = *facts;
            facts.extend(&walked.commits, walked.recorded.as_ref(), Some(&sizes));
            facts.truncated |= !walked.truncated.is_empty();
            let scope = crate::history::Scope::of(touched.keys().map(|p| p.as_bstr()));
            Some(Model::within(std::borrow::Cow::Owned(facts), &scope))
        }
    };
    if let Some(model) = &model {
        let input = behaviour::Input {
            repo,
            model,
            touched: &touched,
            policy: file,
        };
        let analysis = behaviour::analyze(&input)?;
        apply_behaviour(&input, analysis, policy, &mut findings);
        if model.truncated && scoped {
            let message = if windowed {
                "the look-back window reaches missing history (a shallow or partial clone): churn and job rules saw fewer commits than the policy asks for; fetch full history (git fetch --unshallow) for exact results"
            } else {
                "the history of the paths in scope reaches missing commits (a shallow or partial clone): churn and job rules saw only the history that is there; fetch full history (git fetch --unshallow) for exact results"
            };
            notices.push(Notice {
                kind: NoticeKind::LookbackTruncated,
                message: message.into(),
                path: None,
                blob: None,
            });
        }
    }
    group_by_subject(&mut findings);
    fold_size_into_churn(&mut findings);
    job_data_throughout(&mut findings, policy);
    group_by_blob(&mut findings);
    group_churn_by_directory(&mut findings);
    // Growth is what a range adds to the history it builds on; a range that excludes nothing
    // is a whole history, whose size the audit reports.
    if !whole_history && let Some(hit) = rules::history_growth::history_growth(&growth, &policy.file) {
        findings.push(to_finding(hit, policy, None));
    }
    notices.extend(submodules(walked));
    if let Some(first) = walked.truncated.first() {
        notices.push(Notice {
            kind: NoticeKind::HistoryTruncated,
            message: format!(
                "shallow clone: history before {} commit{} (e.g. {}) is missing, so their files count as added by them; fetch more history (git fetch --unshallow) for exact results",
                walked.truncated.len(),
                if walked.truncated.len() == 1 { "" } else { "s" },
                first.to_hex_with_len(10)
            ),
            path: None,
            blob: None,
        });
    }
    notices.extend(policy.apply_exemptions(&mut findings, crate::policy::today()));
    findings.sort_by(|a, b| {
        (a.pattern, std::cmp::Reverse(a.level), &a.path, a.rule).cmp(&(
            b.pattern,
            std::cmp::Reverse(b.level),
            &b.path,
            b.rule,
        ))
    });

    let mut summary = Summary {
        commits: walked.commits.len() as u64,
        blobs: growth.blobs,
        bytes: growth.bytes,
        duration_ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
        ..Summary::default()
    };
    summary.recount(&findings);
    Ok(Outcome {
        findings,
        notices,
        summary,
        windowed: windowed && model.is_some(),
    })
}

/// One finding per path and rule: a log committed 60 times is one log, not 60. The most
/// severe version stands for the path (the deepest chain, then the newest, among equals), with
/// the count of versions.
fn collapse_versions(findings: &mut Vec<Finding>) {
    type Rank = (Level, u64);
    // (index of the version that stands for the path, its rank, count of versions)
    let mut best: HashMap<(Option<gix::bstr::BString>, crate::rules::RuleId), (usize, Rank, usize)> = HashMap::new();
    // The deepest chain stands for `deep-delta-chain`; otherwise the most severe, newest last.
    let rank = |f: &Finding| (f.level, f.evidence.get("depth").and_then(|d| d.as_u64()).unwrap_or(0));
    for (i, f) in findings.iter().enumerate() {
        let r = rank(f);
        let entry = best.entry((f.path.clone(), f.rule)).or_insert((i, r, 0));
        entry.2 += 1;
        if r >= entry.1 {
            (entry.0, entry.1) = (i, r);
        }
    }
    let keep: HashMap<usize, usize> = best.into_values().map(|(index, _, count)| (index, count)).collect();
    let mut i = 0;
    findings.retain_mut(|f| {
        let kept = keep.get(&i).copied();
        i += 1;
        match kept {
            Some(count) if count > 1 => {
                f.evidence.insert("versions".into(), count.into());
                true
            }
            Some(_) => true,
            None => false,
        }
    });
}

/// Name-only build output with at least this many versions is output a build keeps rewriting.
const REBUILT_VERSIONS: usize = 5;

/// Add what the behaviour rules say: churn, one finding per subject, build output that keeps
/// being rebuilt, and the files of engine directories folded into their subject.
fn apply_behaviour(
    input: &behaviour::Input<'_, '_>,
    analysis: behaviour::Analysis,
    policy: &Policy,
    findings: &mut Vec<Finding>,
) {
    let rules = &policy.file.rules;
    for t in input.touched.values() {
        if let Some(hit) = rules::churning_blob::check(input, t)
            && !rules.churning_blob.level.is_off()
            && !rules.exclude(hit.rule).is_match(&t.path)
        {
            findings.push(to_finding(hit, policy, Some(t)));
        }
    }
    // Build output named as such is worth a warning once a build keeps rewriting it.
    for f in findings.iter_mut() {
        let by_name = f.evidence.get("build_output").is_some();
        if f.rule == RuleId::GeneratedArtifact
            && f.level == Level::Info
            && by_name
            && let Some(path) = &f.path
            && analysis.versions.get(path).copied().unwrap_or(0) >= REBUILT_VERSIONS
        {
            f.level = rules.generated_artifact.level.level();
            f.evidence.insert(
                "rebuilt_versions".into(),
                analysis.versions.get(path).copied().unwrap_or(0).into(),
            );
        }
    }
    rules::database_file::settle_removed(input, findings);
    rules::generated_artifact::settle_removed(input, findings);
    rules::large_blob::settle_removed(input, findings);
    rules::large_blob::settle(input, findings);
    rules::log_file::settle_samples(input, findings);
    // An engine's files are its data directory, not files of their own (sizes aside).
    findings.retain(|f| {
        f.pattern == crate::outcome::Pattern::LargeChurn
            || !f
                .path
                .as_ref()
                .is_some_and(|p| analysis.engine_dirs.iter().any(|d| p.starts_with(d.as_slice())))
    });
    for subject in analysis.subjects {
        let hit = subject.hit;
        if rules.level(hit.rule).is_off() || subject.members.iter().all(|m| rules.exclude(hit.rule).is_match(m)) {
            continue;
        }
        let Some(t) = subject.representative.as_ref().and_then(|r| input.touched.get(r)) else {
            continue;
        };
        let mut finding = to_finding(hit, policy, Some(t));
        if subject.members.len() > 1 || subject.members.first() != Some(&subject.path) {
            let mut members = subject.members;
            members.sort();
            finding.path = Some(subject.path);
            finding.paths = members;
        }
        findings.push(finding);
    }
}

/// The name of a group of `files` (sorted) whose folded directory is `folded`: their folder
/// and common extension (`data/*.json`), or, across folders, the folded folder (`logs/*/*`);
/// dated directories under identifiers (`<uuid>/<uuid>/20240403/`) name the tree above the
/// first identifier.
fn group_subject(files: &[gix::bstr::BString], folded: &str) -> String {
    let dirs: std::collections::BTreeSet<&gix::bstr::BStr> = files.iter().map(|p| split_path(p.as_bstr()).0).collect();
    let mut exts: std::collections::BTreeSet<Option<String>> = files
        .iter()
        .map(|p| rules::paths::extension(split_path(p.as_bstr()).1))
        .collect();
    let name = match exts.pop_first() {
        Some(Some(ext)) if exts.is_empty() => format!("*.{ext}"),
        _ => "*".to_owned(),
    };
    match dirs.iter().next() {
        Some(d) if dirs.len() == 1 => {
            let dir = d.to_str_lossy();
            if dir.is_empty() { name } else { format!("{dir}/{name}") }
        }
        _ => identified_tree(&dirs).unwrap_or_else(|| format!("{}/{name}", folded.replace('#', "*"))),
    }
}

/// The folder above the first directory level that names an identifier (a UUID, a hash: hex
/// digits and dashes, eight or more, letters and digits both) in any of `dirs`, as `dir/`;
/// `None` when no level does, or the first one does.
fn identified_tree(dirs: &std::collections::BTreeSet<&gix::bstr::BStr>) -> Option<String> {
    let identifier = |s: &[u8]| {
        s.len() >= 8
            && s.iter().all(|b| b.is_ascii_hexdigit() || *b == b'-')
            && s.iter().any(u8::is_ascii_digit)
            && s.iter().any(u8::is_ascii_alphabetic)
    };
    let first = dirs.iter().next()?;
    let levels: Vec<&[u8]> = first.split(|b| *b == b'/').collect();
    let cut = (0..levels.len()).find(|&k| {
        dirs.iter()
            .any(|d| d.split(|b| *b == b'/').nth(k).is_some_and(identifier))
    })?;
    let tree = levels.get(..cut)?.join(&b'/');
    // The levels above it are one folder for all of them.
    let mut prefix = tree.clone();
    prefix.push(b'/');
    if cut == 0 || !dirs.iter().all(|d| d.starts_with(&prefix)) {
        return None;
    }
    Some(format!("{}/", tree.to_str_lossy()))
}

/// Per-file findings fold into one per subject from this many files.
const GROUP_MIN: usize = 12;

/// One finding per subject: per-file findings of one rule and level whose files sit in one
/// directory, or in directories that differ only in dates and counters (`2023/2023-04/`), become
/// one finding that lists every file.
fn group_by_subject(findings: &mut Vec<Finding>) {
    use std::collections::BTreeMap;
    let mut groups: BTreeMap<(RuleId, crate::outcome::Pattern, Level, String), Vec<usize>> = BTreeMap::new();
    for (i, f) in findings.iter().enumerate() {
        let Some(path) = f.path.as_ref().filter(|_| f.paths.is_empty()) else {
            continue;
        };
        if f.rule == RuleId::HistoryGrowth || f.rule == RuleId::ChurningBlob || f.rule == RuleId::DeepDeltaChain {
            continue;
        }
        let dir = split_path(path.as_bstr()).0;
        groups
            .entry((f.rule, f.pattern, f.level, behaviour::fold_digits(dir)))
            .or_default()
            .push(i);
    }
    let mut merged = Vec::new();
    let mut gone = std::collections::HashSet::new();
    for ((_, _, _, folded), members) in groups {
        if members.len() < GROUP_MIN {
            continue;
        }
        let rank = |i: &usize| findings.get(*i).map(|f| (f.size.unwrap_or(0), f.path.clone()));
        let Some(best) = members.iter().max_by_key(|i| rank(i)).and_then(|i| findings.get(*i)) else {
            continue;
        };
        let mut files: Vec<gix::bstr::BString> = members
            .iter()
            .filter_map(|i| findings.get(*i).and_then(|f| f.path.clone()))
            .collect();
        files.sort();
        let subject = group_subject(&files, &folded);
        let mut f = best.clone();
        f.message = format!("{} files like this: {}", files.len(), best.message);
        f.evidence.insert("files".into(), files.len().into());
        f.path = Some(subject.into());
        f.paths = files;
        merged.push(f);
        gone.extend(members);
    }
    let mut i = 0;
    findings.retain(|_| {
        let keep = !gone.contains(&i);
        i += 1;
        keep
    });
    findings.extend(merged);
}

/// One finding per large file that churns: where a path has a `churning-blob` finding at warn
/// or deny, its `large-blob` finding at that level or below says nothing more (the churn
/// finding gives the largest version's size) and is folded into it, as
/// `evidence.large_blob` (its level and size). A path's large-blob finding above its churn
/// level stays.
fn fold_size_into_churn(findings: &mut Vec<Finding>) {
    let churn: HashMap<gix::bstr::BString, usize> = findings
        .iter()
        .enumerate()
        .filter(|(_, f)| f.rule == RuleId::ChurningBlob && f.level > Level::Info && f.paths.is_empty())
        .filter_map(|(i, f)| Some((f.path.clone()?, i)))
        .collect();
    let mut folded: Vec<(usize, usize)> = Vec::new();
    for (i, f) in findings.iter().enumerate() {
        if f.rule != RuleId::LargeBlob || !f.paths.is_empty() {
            continue;
        }
        let Some(&c) = f.path.as_ref().and_then(|p| churn.get(p)) else {
            continue;
        };
        if findings.get(c).is_some_and(|c| c.level >= f.level) {
            folded.push((i, c));
        }
    }
    for &(i, c) in &folded {
        let Some(size) = findings
            .get(i)
            .map(|f| serde_json::json!({"level": f.level, "size": f.size}))
        else {
            continue;
        };
        if let Some(c) = findings.get_mut(c) {
            c.evidence.insert("large_blob".into(), size);
        }
    }
    let gone: std::collections::HashSet<usize> = folded.into_iter().map(|(i, _)| i).collect();
    let mut i = 0;
    findings.retain(|_| {
        let keep = !gone.contains(&i);
        i += 1;
        keep
    });
}

/// Text a job keeps rewriting is data whichever rule reports it: the path's other large-churn
/// findings (its size, its delta chain) carry the churn finding's `written_by_job`, and with it
/// the first step and alternative that move the data out instead of into Git LFS.
fn job_data_throughout(findings: &mut [Finding], policy: &Policy) {
    let by_job: std::collections::HashSet<gix::bstr::BString> = findings
        .iter()
        .filter(|f| f.rule == RuleId::ChurningBlob && crate::advice::written_by_job(&f.evidence))
        .filter_map(|f| f.path.clone())
        .collect();
    if by_job.is_empty() {
        return;
    }
    for f in findings.iter_mut().filter(|f| {
        f.pattern == crate::outcome::Pattern::LargeChurn
            && !matches!(f.rule, RuleId::ChurningBlob | RuleId::LfsBypassed)
            && f.path.as_ref().is_some_and(|p| by_job.contains(p))
    }) {
        f.evidence.insert(crate::advice::JOB_EVIDENCE.into(), true.into());
        f.suggestion = policy.suggestion_for(f.pattern, f.rule, &f.evidence).to_owned();
    }
}

/// Copies of one blob before their `large-blob` findings are one.
const BLOB_COPIES_MIN: usize = 2;

/// One finding per blob: the same large blob copied to many paths (a figure in every locale
/// folder) is one thing to fix, so its `large-blob` findings of one level become one finding
/// at its first path that lists every path. Findings by name or content (a `.bak` copy in two
/// folders), about a path's history (churn, delta chains) and
/// subjects stay as they are.
fn group_by_blob(findings: &mut Vec<Finding>) {
    use std::collections::BTreeMap;
    let mut groups: BTreeMap<(RuleId, Level, ObjectId), Vec<usize>> = BTreeMap::new();
    for (i, f) in findings.iter().enumerate() {
        let (Some(blob), Some(_)) = (f.blob, f.path.as_ref()) else {
            continue;
        };
        if !f.paths.is_empty() || f.rule != RuleId::LargeBlob {
            continue;
        }
        groups.entry((f.rule, f.level, blob)).or_default().push(i);
    }
    let mut gone = std::collections::HashSet::new();
    let mut merged = Vec::new();
    for members in groups.into_values().filter(|m| m.len() >= BLOB_COPIES_MIN) {
        let mut files: Vec<gix::bstr::BString> = members
            .iter()
            .filter_map(|i| findings.get(*i).and_then(|f| f.path.clone()))
            .collect();
        files.sort();
        files.dedup();
        let Some(first) = files.first().cloned() else {
            continue;
        };
        let Some(best) = members
            .iter()
            .filter_map(|i| findings.get(*i))
            .find(|f| f.path.as_ref() == Some(&first))
        else {
            continue;
        };
        let mut f = best.clone();
        f.message = format!("one blob at {} paths: {}", files.len(), best.message);
        f.evidence.insert("copies".into(), files.len().into());
        f.paths = files;
        merged.push(f);
        gone.extend(members);
    }
    let mut i = 0;
    findings.retain(|_| {
        let keep = !gone.contains(&i);
        i += 1;
        keep
    });
    findings.extend(merged);
}

/// One `churning-blob` finding per directory: the large files a job rewrites side by side (the
/// region files of a game world, the tiles of a map) churn as one subject. From `GROUP_MIN`
/// files of one level in one directory (or directories that differ only in dates and
/// counters), one finding lists every file with the range of their counts.
fn group_churn_by_directory(findings: &mut Vec<Finding>) {
    use std::collections::BTreeMap;
    let mut groups: BTreeMap<(Level, String), Vec<usize>> = BTreeMap::new();
    for (i, f) in findings.iter().enumerate() {
        let Some(path) = f.path.as_ref().filter(|_| f.paths.is_empty()) else {
            continue;
        };
        if f.rule != RuleId::ChurningBlob || f.level == Level::Info {
            continue;
        }
        let dir = split_path(path.as_bstr()).0;
        groups
            .entry((f.level, behaviour::fold_digits(dir)))
            .or_default()
            .push(i);
    }
    let mut gone = std::collections::HashSet::new();
    let mut merged = Vec::new();
    for ((_, folded), members) in groups {
        if members.len() < GROUP_MIN {
            continue;
        }
        let list: Vec<&Finding> = members.iter().filter_map(|i| findings.get(*i)).collect();
        let count = |f: &&Finding, key: &str| f.evidence.get(key).and_then(serde_json::Value::as_u64).unwrap_or(0);
        let Some(best) = list.iter().max_by_key(|f| (count(f, "versions"), f.path.clone())) else {
            continue;
        };
        let fewest = list.iter().map(|f| count(f, "versions")).min().unwrap_or(0);
        let most = count(best, "versions");
        let bytes: u64 = list.iter().map(|f| count(f, "total_size")).fold(0, u64::saturating_add);
        let mut files: Vec<gix::bstr::BString> = list.iter().filter_map(|f| f.path.clone()).collect();
        files.sort();
        let subject = group_subject(&files, &folded);
        let mut f = (*best).clone();
        let counts = if fewest == most {
            format!("{most} versions each")
        } else {
            format!("{fewest} to {most} versions each")
        };
        f.message = format!(
            "{} large files churning side by side, {counts} ({} of history in all); the most: {}",
            files.len(),
            crate::util::human_size(bytes),
            best.message
        );
        f.evidence.insert("files".into(), files.len().into());
        f.evidence.insert("fewest_versions".into(), fewest.into());
        f.evidence.insert("files_total_size".into(), bytes.into());
        f.path = Some(subject.into());
        f.paths = files;
        merged.push(f);
        gone.extend(members);
    }
    let mut i = 0;
    findings.retain(|_| {
        let keep = !gone.contains(&i);
        i += 1;
        keep
    });
    findings.extend(merged);
}

/// One notice per submodule path the walk saw set, naming the newest commit it points at.
fn submodules(walked: &Walked) -> Vec<Notice> {
    let mut newest: std::collections::BTreeMap<&[u8], &crate::walk::Gitlink> = Default::default();
    for link in &walked.gitlinks {
        newest.insert(link.path.as_slice(), link);
    }
    newest
        .into_values()
        .map(|link| {
            let path = crate::util::sanitize(&link.path);
            Notice {
                kind: NoticeKind::Submodule,
                message: format!(
                    "submodule {path} points at commit {} of another repository (set in {}): its content is not checked here; check that repository",
                    link.target.to_hex_with_len(10),
                    link.commit.to_hex_with_len(10)
                ),
                path: Some(path),
                blob: None,
            }
        })
        .collect()
}
