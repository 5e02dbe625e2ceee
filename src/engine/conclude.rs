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

/// The past the history-aware rules read: which part of the history behind the walk, and
/// whether its facts are at hand or read from the repository.
pub(crate) enum Past<'a> {
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
pub(crate) fn conclude(
    repo: &gix::Repository,
    policy: &Policy,
    whole_history: bool,
    walked: &Walked,
    inspected: Inspected,
    past: Past<'_>,
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
    let windowed = matches!(past, Past::Window(_));
    let scoped = matches!(past, Past::Window(_) | Past::Paths(_));
    let model = match past {
        Past::Window(tips) | Past::Paths(tips) if !touched.is_empty() && !tips.is_empty() => {
            let mut scope = crate::history::Scope::of(touched.keys().map(|p| p.as_bstr()));
            scope.whole = !windowed;
            scope.fresh = walked.commits.iter().map(|c| c.id).collect();
            scope.large = rules::history_from(rules::Context::of(file))
                .is_some_and(|min| touched.values().any(|t| t.size.is_some_and(|s| s >= min)));
            Some(Model::window(
                repo,
                tips,
                file.lookback_commits,
                file.lookback_days,
                &scope,
            )?)
        }
        Past::Window(_) | Past::Paths(_) => None,
        Past::Whole(facts) => Some(Model::whole(facts)),
        // As with the paths' own history: the facts of the directories that can hold a
        // subject of the paths in scope, so that a push costs what it touches.
        Past::Before(_) if touched.is_empty() => None,
        Past::Before(facts) => {
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
            policy: rules::Context::of(file),
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
    rules::fold(&mut findings, &|f| {
        policy.suggestion_for(f.pattern, f.rule, &f.evidence).to_owned()
    });
    rules::group(&mut findings);
    // Growth is what a range adds to the history it builds on; a range that excludes nothing
    // is a whole history, whose size the audit reports.
    if !whole_history {
        for hit in rules::range(&growth, rules::Context::of(&policy.file)) {
            findings.push(to_finding(hit, policy, None));
        }
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
    // The most severe, then the rule's rank (the deepest chain), newest last.
    let rank = |f: &Finding| (f.level, f.rule.rank(f));
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
                f.evidence.shared.versions = Some(count as u64);
                true
            }
            Some(_) => true,
            None => false,
        }
    });
}

/// Add what the history says: each rule over each path's history, each rule's settling of its
/// findings, one finding per subject, and the files of engine directories folded into their
/// subject.
fn apply_behaviour(
    input: &behaviour::Input<'_, '_>,
    analysis: behaviour::Analysis,
    policy: &Policy,
    findings: &mut Vec<Finding>,
) {
    let rules = &policy.file.rules;
    for t in input.touched.values() {
        for hit in rules::history(input, t) {
            findings.push(to_finding(hit, policy, Some(t)));
        }
    }
    rules::settle(input, &analysis, findings);
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
        if !f.rule.by_subject() {
            continue;
        }
        let dir = split_path(path.as_bstr()).0;
        groups
            .entry((f.rule, f.pattern, f.level, crate::util::fold_digits(dir)))
            .or_default()
            .push(i);
    }
    let mut merged = Vec::new();
    let mut gone = std::collections::HashSet::new();
    for ((_, _, _, folded), members) in groups {
        if members.len() < rules::paths::GROUP_MIN {
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
        let subject = rules::paths::group_subject(&files, &folded);
        let mut f = best.clone();
        f.message = format!("{} files like this: {}", files.len(), best.message);
        f.evidence.shared.files = Some(files.len() as u64);
        f.path = Some(subject.into());
        f.paths = files;
        merged.push(f);
        gone.extend(members);
    }
    rules::replace_grouped(findings, &gone, merged);
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
