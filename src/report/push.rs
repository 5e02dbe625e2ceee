//! The pusher's view, written by the hooks to stderr: per finding the ref, commit, path,
//! size and rule with one line of why; then what to use instead, how to fix the commits, and
//! the verdict. Findings that fail come first and are always listed; the rest are capped at
//! `[hook] max_findings_shown` lines, and repeated findings of one rule in one directory share
//! one line (`out/*.log ×30`). Everything from the push is sanitized.

use std::collections::HashMap;
use std::io::{self, Write};

use anstyle::{AnsiColor, Style};
use gix::ObjectId;
use gix::bstr::{BString, ByteSlice};

use super::common::{Painter, by_pattern, fix, suggestions, wrapped};
use super::format::TEXT_WIDTH;
use crate::hook::origins::{Origin, Origins, RefRange};
use crate::outcome::Outcome;
use crate::outcome::{Finding, Level, Pattern};
use crate::outcome::{Judgement, Verdict};
use crate::policy::Policy;
use crate::rules::RuleId;
use crate::util::{human_size, sanitize};

/// What the report needs besides the outcome.
#[derive(Debug, Clone)]
pub(crate) struct Context<'a> {
    /// ANSI colours (local pre-push on a terminal only).
    pub(crate) color: bool,
    /// Each ref and what the other side has of it.
    pub(crate) bases: &'a [(BString, Option<ObjectId>)],
    /// Refs outside the policy's `[refs]` scope.
    pub(crate) skipped: &'a [BString],
    /// The decision, read by the report and by the hook's exit status alike.
    pub(crate) judgement: &'a Judgement<'a>,
    /// Where the failing files came in (worked out by [`crate::hook::origins`]).
    pub(crate) origins: &'a Origins,
    /// Warnings shown before the findings (an unknown push option).
    pub(crate) warnings: &'a [String],
    /// Extra lines (a refused bypass, a log that cannot be written).
    pub(crate) notes: &'a [String],
    /// How to push anyway, shown with a rejection.
    pub(crate) hint: Option<&'a str>,
    /// Where a granted bypass was logged, if it was.
    pub(crate) bypass_log: Option<&'a str>,
    /// How many objects the push uploaded (a quarantined server push).
    pub(crate) received: Option<usize>,
    /// Why the history-aware rules could not judge with the whole history (no facts store):
    /// said in the summary line when they read the look-back window instead.
    pub(crate) history: Option<&'a str>,
}

/// Paths named in a finding's description (the commands name every path).
const LISTED_PATHS: usize = 3;
/// Findings of one rule in one directory from this many on share one line.
pub(crate) const COLLAPSE_AT: usize = 3;

/// One line of the listing: a finding, or repeated findings of one rule in one directory.
struct Line<'a> {
    findings: Vec<&'a Finding>,
    failing: bool,
}

/// The findings in listing order, failing ones first (one line each), then each group of
/// [`COLLAPSE_AT`] or more findings of one rule, level and ref in one directory as one line.
fn lines<'a>(outcome: &'a Outcome, judgement: &Judgement<'_>) -> Vec<Line<'a>> {
    let mut order: Vec<&Finding> = outcome.findings.iter().collect();
    // Stable: failing first, then by level, otherwise as found.
    order.sort_by_key(|f| (!judgement.reaches(f), std::cmp::Reverse(f.level)));
    type Key<'k> = (RuleId, Level, Option<&'k BString>, Vec<u8>);
    let mut groups: Vec<Vec<&Finding>> = Vec::new();
    let mut index: HashMap<Key<'_>, usize> = HashMap::new();
    for f in order {
        let key = match &f.path {
            // Failing findings keep a line each: each is something to act on.
            Some(path) if f.paths.is_empty() && !judgement.reaches(f) => {
                Some((f.rule, f.level, f.reference.as_ref(), dir_of(path).to_vec()))
            }
            _ => None,
        };
        match key.map(|k| index.get(&k).copied().ok_or(k)) {
            Some(Ok(i)) => {
                if let Some(group) = groups.get_mut(i) {
                    group.push(f);
                }
            }
            Some(Err(k)) => {
                index.insert(k, groups.len());
                groups.push(vec![f]);
            }
            None => groups.push(vec![f]),
        }
    }
    let mut out = Vec::new();
    for group in groups {
        let failing = group.first().is_some_and(|f| judgement.reaches(f));
        if group.len() >= COLLAPSE_AT {
            out.push(Line {
                findings: group,
                failing,
            });
        } else {
            out.extend(group.into_iter().map(|f| Line {
                findings: vec![f],
                failing,
            }));
        }
    }
    out
}

/// `out/*.log ×30`: the directory, a glob for the files' common extension, and the count.
fn collapsed_path(findings: &[&Finding]) -> String {
    let paths: Vec<&BString> = findings.iter().filter_map(|f| f.path.as_ref()).collect();
    let dir = paths.first().map(|p| dir_of(p)).unwrap_or_default();
    let ext = |p: &BString| {
        let name = p.get(dir_of(p).len()..).unwrap_or_default();
        name.rfind_byte(b'.')
            .filter(|i| *i > 0)
            .and_then(|i| name.get(i..))
            .map(<[u8]>::to_vec)
    };
    let first = paths.first().and_then(|p| ext(p));
    let glob = match first {
        Some(e) if paths.iter().all(|p| ext(p).as_ref() == Some(&e)) => [b"*".as_slice(), &e].concat(),
        _ => b"*".to_vec(),
    };
    format!("{}{} ×{}", sanitize(dir), sanitize(&glob), findings.len())
}

/// The directory part of a path, with its `/` (empty at the top level).
fn dir_of(path: &[u8]) -> &[u8] {
    path.rfind_byte(b'/').and_then(|i| path.get(..=i)).unwrap_or_default()
}

/// Render the pusher's view.
pub(crate) fn render(out: &mut dyn Write, outcome: &Outcome, policy: &Policy, cx: &Context<'_>) -> io::Result<()> {
    let paint = |style: Style, text: &str| {
        if cx.color {
            format!("{}{text}{}", style.render(), style.render_reset())
        } else {
            text.to_owned()
        }
    };
    let bold = Style::new().bold();
    let judgement = cx.judgement;
    let bypassed = judgement.bypass.is_some();
    let s = &outcome.summary;
    let refs = cx.bases.len();
    let received = cx
        .received
        .map(|n| format!(" of {n} object{} received", plural(n)))
        .unwrap_or_default();
    let window = match cx.history {
        Some(why) if outcome.windowed => format!(
            "; judged with a look-back window of {} commits and {} days, not the whole history: {}; run `pushgate index`",
            policy.file.lookback_commits,
            policy.file.lookback_days,
            sanitize(why.as_bytes())
        ),
        _ => String::new(),
    };
    writeln!(
        out,
        "pushgate: {refs} ref{}, {} new commit{}, {} new blob{} ({}){received}, checked in {} ms{window}",
        plural(refs),
        s.commits,
        plural(s.commits as usize),
        s.blobs,
        plural(s.blobs as usize),
        human_size(s.bytes),
        s.duration_ms
    )?;
    for name in cx.skipped {
        writeln!(
            out,
            "pushgate: {} not checked (outside the policy's [refs])",
            sanitize(name)
        )?;
    }
    for warning in cx.warnings {
        writeln!(out, "pushgate: warning: {}", sanitize(warning.as_bytes()))?;
    }

    let max = usize::try_from(policy.file.hook.max_findings_shown).unwrap_or(usize::MAX);
    let listing = lines(outcome, judgement);
    if !listing.is_empty() {
        writeln!(out)?;
    }
    let (mut shown_lines, mut hidden) = (0usize, 0usize);
    for line in &listing {
        // Failing findings are always listed; the rest fill what is left of the cap.
        if !line.failing && shown_lines >= max {
            hidden += line.findings.len();
            continue;
        }
        shown_lines += 1;
        let Some(&f) = line.findings.first() else { continue };
        let (label, style) = match f.level {
            _ if line.failing && bypassed => ("bypassed", AnsiColor::Yellow.on_default().bold()),
            Level::Deny => ("deny", AnsiColor::Red.on_default().bold()),
            Level::Warn => ("warn", AnsiColor::Yellow.on_default().bold()),
            Level::Info => ("info", AnsiColor::Cyan.on_default()),
        };
        let mut head = vec![paint(style, &format!("{label:<4}"))];
        if let Some(r) = &f.reference {
            head.push(sanitize(r));
        }
        // A failing file is named by the pushed commit that first added it (the finding's own
        // commit is its newest version's).
        let first_added = |f: &Finding| {
            let path = f.path.as_ref()?;
            cx.origins
                .versions
                .iter()
                .find(|v| Some(&v.reference) == f.reference.as_ref() && &v.path == path)
                .and_then(|v| v.commits.first().copied())
        };
        let mut commits: Vec<ObjectId> = line
            .findings
            .iter()
            .filter_map(|f| first_added(f).or(f.commit))
            .collect();
        commits.sort();
        commits.dedup();
        match commits.as_slice() {
            [] => {}
            [c] => head.push(c.to_hex_with_len(10).to_string()),
            more => head.push(format!("{} commits", more.len())),
        }
        if line.findings.len() == 1 {
            match &f.path {
                // A subject the scan grouped under a glob: `out/*.log ×30`, like a collapsed line.
                Some(path) if !f.paths.is_empty() && path.contains(&b'*') => {
                    head.push(format!("{} ×{}", sanitize(path), f.paths.len()));
                    if let Some(size) = f.size {
                        head.push(format!("(largest {})", human_size(size)));
                    }
                }
                _ => {
                    head.push(f.shown_path().unwrap_or_else(|| "(the whole push)".into()));
                    if let Some(size) = f.size {
                        head.push(format!("({})", human_size(size)));
                    }
                }
            }
        } else {
            head.push(collapsed_path(&line.findings));
            let sizes: Option<u64> = line.findings.iter().map(|f| f.size).sum();
            if let Some(size) = sizes {
                head.push(format!("({} in all)", human_size(size)));
            }
        }
        head.push(f.rule.to_string());
        writeln!(out, "{}", head.join("  "))?;
        wrapped(out, &sanitize(f.message.as_bytes()), TEXT_WIDTH, "      ", "      ")?;
        fix(
            out,
            &Painter { color: cx.color },
            6,
            1,
            &crate::advice::first_step(f),
            TEXT_WIDTH,
        )?;
    }
    if hidden > 0 {
        writeln!(
            out,
            "      … and {hidden} more finding{} below fail_on not shown ([hook] max_findings_shown = {max})",
            plural(hidden),
        )?;
    }

    let by_pattern = by_pattern(outcome);
    if !by_pattern.is_empty() {
        writeln!(out)?;
        writeln!(out, "{}", paint(bold, "Instead:"))?;
        for (pattern, findings) in &by_pattern {
            for suggestion in suggestions(findings.iter().copied(), policy.suggestion(*pattern)) {
                let text = format!("{} — {suggestion}", pattern.title());
                wrapped(out, &text, TEXT_WIDTH, "  ", "    ")?;
            }
        }
    }

    if judgement.fails() {
        fix_commands(out, judgement, cx, &paint)?;
    }

    if !outcome.notices.is_empty() {
        writeln!(out)?;
        for n in &outcome.notices {
            let lead = format!("note: {}: ", n.kind);
            wrapped(out, &sanitize(n.message.as_bytes()), TEXT_WIDTH, &lead, "    ")?;
        }
    }
    for note in cx.notes {
        writeln!(out, "pushgate: {}", sanitize(note.as_bytes()))?;
    }
    let fail_on = policy.file.fail_on;
    let failing = judgement.failing.len();
    let below = outcome.findings.len() - failing;
    let also = if below > 0 {
        format!(" (and {below} below it)")
    } else {
        String::new()
    };
    let line = match (&judgement.bypass, judgement.verdict) {
        (Some(bypass), _) => paint(
            AnsiColor::Yellow.on_default().bold(),
            &format!(
                "pushgate: push accepted under a bypass by {} (reason: {}){}: {failing} finding{} at or above fail_on = {fail_on} let through",
                bypass.user.as_deref().unwrap_or("an unknown pusher"),
                if bypass.reason.is_empty() {
                    "none given"
                } else {
                    &bypass.reason
                },
                cx.bypass_log
                    .map(|log| format!(", logged in {}", sanitize(log.as_bytes())))
                    .unwrap_or_default(),
                plural(failing)
            ),
        ),
        (None, Verdict::Pass) if outcome.findings.is_empty() => {
            paint(AnsiColor::Green.on_default().bold(), "pushgate: ok")
        }
        (None, Verdict::Pass) => format!(
            "pushgate: push accepted: {below} finding{} below fail_on = {fail_on}",
            plural(below)
        ),
        (None, Verdict::Fail) => paint(
            AnsiColor::Red.on_default().bold(),
            &format!(
                "pushgate: push rejected: {failing} finding{} at or above fail_on = {fail_on}{also}",
                plural(failing)
            ),
        ),
        (None, Verdict::WouldFail) => format!(
            "pushgate: push accepted: mode = \"evaluate\"; with mode = \"enforce\" {failing} finding{} at or above fail_on = {fail_on} would have rejected this push{also}",
            plural(failing)
        ),
    };
    writeln!(out, "{line}")?;
    if let (true, Some(hint)) = (judgement.fails(), cx.hint) {
        writeln!(out, "pushgate: {hint}")?;
    }
    Ok(())
}

/// A failing file on one ref, and what its fix does with it.
struct Failing {
    /// The path.
    path: BString,
    /// It as one shell word.
    word: String,
    /// Git LFS is a fit (a large file that changes, not data a job rewrites): the advice
    /// offers it instead of removal.
    lfs: bool,
    /// Committed raw where `.gitattributes` asks for Git LFS: turned into a pointer, not
    /// removed.
    bypassed: bool,
}

/// The commands that run `git filter-branch` quietly (it waits ten seconds to warn otherwise).
const FILTER_BRANCH: &str = "FILTER_BRANCH_SQUELCH_WARNING=1 git filter-branch -f";

/// `git lfs migrate import`, run with the LFS filters off so that a work tree `git lfs install`
/// left looking changed (the raw file, which the filter would now store as a pointer) does not
/// stop it; `git lfs checkout` then puts the files back.
const LFS_MIGRATE: &str = "git -c filter.lfs.clean= -c filter.lfs.smudge= -c filter.lfs.process= -c filter.lfs.required=false lfs migrate import";

/// How to take the failing files out of the commits that wrote them, and push again: amend
/// when each came in at the tip and was not changed again; an interactive rebase that stops
/// at each commit concerned when each was written once; `git filter-branch` over the pushed
/// range when one was written in several commits (every version goes) or the ref is a tag
/// (rewritten as a tag, never through the branch that is checked out). Files committed raw
/// where `.gitattributes` asks for Git LFS are turned into pointers over the pushed range.
fn fix_commands(
    out: &mut dyn Write,
    judgement: &Judgement<'_>,
    cx: &Context<'_>,
    paint: &dyn Fn(Style, &str) -> String,
) -> io::Result<()> {
    // The failing files of each ref, in the order found.
    let mut by_ref: Vec<(BString, Vec<Failing>)> = Vec::new();
    let mut unplaced: Vec<String> = Vec::new();
    for f in &judgement.failing {
        let files = f.files();
        if files.is_empty() {
            continue;
        }
        let Some(reference) = f.reference.as_ref() else {
            unplaced.extend(files.iter().map(crate::util::shell_quote));
            continue;
        };
        if !by_ref.iter().any(|(r, _)| r == reference) {
            by_ref.push((reference.clone(), Vec::new()));
        }
        let Some((_, listed)) = by_ref.iter_mut().find(|(r, _)| r == reference) else {
            continue;
        };
        let lfs = f.pattern == Pattern::LargeChurn
            && f.rule != RuleId::LfsBypassed
            && !crate::rules::written_by_job(&f.evidence);
        for &file in &files {
            match listed.iter_mut().find(|l| &l.path == file) {
                Some(l) => {
                    l.lfs |= lfs;
                    l.bypassed |= f.rule == RuleId::LfsBypassed;
                }
                None => listed.push(Failing {
                    path: file.clone(),
                    word: crate::util::shell_quote(file),
                    lfs,
                    bypassed: f.rule == RuleId::LfsBypassed,
                }),
            }
        }
        // A file a job rewrites is never offered Git LFS, whatever else is said about it.
        if crate::rules::written_by_job(&f.evidence) {
            for l in listed.iter_mut().filter(|l| files.contains(&&l.path)) {
                l.lfs = false;
            }
        }
        // A file committed raw for LFS is converted, not removed, nor offered LFS twice.
        for l in listed.iter_mut().filter(|l| l.bypassed) {
            l.lfs = false;
        }
    }
    if by_ref.is_empty() && unplaced.is_empty() {
        return Ok(());
    }
    writeln!(out)?;
    writeln!(
        out,
        "{}",
        paint(Style::new().bold(), "How to fix the commits, then push again:")
    )?;
    let several = by_ref.len() > 1;
    for (reference, files) in &by_ref {
        let range = cx.origins.ranges.iter().find(|r| &r.reference == reference);
        let tag = range.is_some_and(|r| r.tag) || reference.starts_with(b"refs/tags/");
        if several || tag {
            let what = if tag { "the tag" } else { "the branch you push to" };
            writeln!(out, "  on {what} {}:", sanitize(reference))?;
        }
        ref_commands(out, reference, files, range, tag, judgement, cx)?;
    }
    if !unplaced.is_empty() {
        writeln!(
            out,
            "  {}: git rm --cached -- <path> in the commit that added it",
            unplaced.join(" ")
        )?;
    }
    Ok(())
}

/// The listing and the commands for the failing `files` of one ref.
fn ref_commands(
    out: &mut dyn Write,
    reference: &BString,
    files: &[Failing],
    range: Option<&RefRange>,
    tag: bool,
    judgement: &Judgement<'_>,
    cx: &Context<'_>,
) -> io::Result<()> {
    let origins = cx.origins;
    let origin = |c: &ObjectId| origin_of(origins, reference, c);
    // Each file's versions in the range, oldest first; the findings' own commits otherwise.
    let versions = |path: &BString| -> Vec<ObjectId> {
        if let Some(v) = cx
            .origins
            .versions
            .iter()
            .find(|v| &v.reference == reference && &v.path == path)
        {
            return v.commits.clone();
        }
        let mut own: Vec<ObjectId> = judgement
            .failing
            .iter()
            .filter(|f| f.reference.as_ref() == Some(reference) && f.files().contains(&path))
            .filter_map(|f| f.commit)
            .collect();
        own.dedup();
        own
    };
    // The files each first commit added, oldest first: the order an interactive rebase stops in.
    let mut by_commit: Vec<(ObjectId, Vec<&Failing>, usize)> = Vec::new();
    for file in files {
        let v = versions(&file.path);
        let Some(first) = v.first().copied() else { continue };
        let later = v.len() - 1;
        match by_commit.iter_mut().find(|(c, _, _)| *c == first) {
            Some((_, listed, more)) => {
                listed.push(file);
                *more = (*more).max(later);
            }
            None => by_commit.push((first, vec![file], later)),
        }
    }
    by_commit.sort_by_key(|(c, _, _)| std::cmp::Reverse(origin(c).and_then(|o| o.depth).unwrap_or(usize::MAX)));
    for (commit, listed, later) in &by_commit {
        let place = match origin(commit).and_then(|o| o.depth) {
            Some(0) => format!("the tip of {}", sanitize(reference)),
            Some(1) => format!("1 commit below the tip of {}", sanitize(reference)),
            Some(n) => format!("{n} commits below the tip of {}", sanitize(reference)),
            None => format!("a commit merged into {}", sanitize(reference)),
        };
        let subject = origin(commit).map(|o| o.subject.as_str()).unwrap_or_default();
        let mut names = listed
            .iter()
            .take(LISTED_PATHS)
            .map(|f| f.word.clone())
            .collect::<Vec<_>>()
            .join(" ");
        if listed.len() > LISTED_PATHS {
            names += &format!(" (and {} more)", listed.len() - LISTED_PATHS);
        }
        let again = match later {
            0 => String::new(),
            1 => ", then changed in 1 more pushed commit".to_owned(),
            n => format!(", then changed in {n} more pushed commits"),
        };
        writeln!(
            out,
            "  {names}: added in {} \"{subject}\", {place}{again}",
            commit.to_hex_with_len(10)
        )?;
    }

    let removed: Vec<&Failing> = files.iter().filter(|f| !f.bypassed).collect();
    let bypassed: Vec<&Failing> = files.iter().filter(|f| f.bypassed).collect();
    let complete = range.filter(|r| r.complete);
    // What `git rev-list` calls the pushed range of `head`: `<boundary>..<head>`.
    let revisions = |head: &str| -> Option<String> {
        let range = complete?;
        Some(match range.boundary.as_slice() {
            [] => head.to_owned(),
            [one] => format!("{}..{head}", one.to_hex_with_len(10)),
            many => std::iter::once(head.to_owned())
                .chain(many.iter().map(|b| format!("^{}", b.to_hex_with_len(10))))
                .collect::<Vec<_>>()
                .join(" "),
        })
    };
    let words = |list: &[&Failing]| list.iter().map(|f| f.word.clone()).collect::<Vec<_>>().join(" ");
    let rewritten = removed.iter().any(|f| versions(&f.path).len() > 1);
    let filter_branch = !removed.is_empty() && complete.is_some() && (tag || rewritten);
    if filter_branch {
        let filter = crate::util::shell_quote(index_filter(&removed));
        if tag {
            let head = crate::util::shell_quote(reference);
            if let Some(revs) = revisions(&head) {
                writeln!(
                    out,
                    "    {FILTER_BRANCH} --index-filter {filter} --tag-name-filter cat -- {revs}"
                )?;
            }
        } else if let Some(revs) = revisions("HEAD") {
            writeln!(out, "    {FILTER_BRANCH} --index-filter {filter} -- {revs}")?;
            // filter-branch takes the files out of the work tree too: put them back, untracked.
            let kept: Vec<&Failing> = removed
                .iter()
                .copied()
                .filter(|f| complete.is_some_and(|r| r.at_tip.contains(&f.path)))
                .collect();
            if !kept.is_empty() {
                writeln!(
                    out,
                    "    git restore --source='HEAD@{{1}}' --worktree -- {}      # your copies stay, untracked",
                    words(&kept)
                )?;
            }
        }
    } else if !removed.is_empty() && tag {
        // Too many commits to tell where the tag's new history begins: never through a branch.
        writeln!(
            out,
            "    {FILTER_BRANCH} --index-filter {} --tag-name-filter cat -- <the commit it builds on>..{}",
            crate::util::shell_quote(index_filter(&removed)),
            crate::util::shell_quote(reference)
        )?;
    } else if !removed.is_empty() {
        let commits: Vec<(ObjectId, Vec<String>)> = by_commit
            .iter()
            .map(|(c, listed, _)| {
                (
                    *c,
                    listed
                        .iter()
                        .filter(|f| !f.bypassed)
                        .map(|f| f.word.clone())
                        .collect::<Vec<_>>(),
                )
            })
            .filter(|(_, files)| !files.is_empty())
            .collect();
        rebase_commands(out, &commits, origins, reference)?;
    }
    // `git lfs migrate import` rewrites the ref it includes: the tag itself, or the branch that
    // is checked out.
    let head = if tag {
        crate::util::shell_quote(reference)
    } else {
        "HEAD".to_owned()
    };
    let lfs: Vec<&Failing> = removed.iter().copied().filter(|f| f.lfs).collect();
    if !lfs.is_empty() {
        let include = crate::util::shell_quote(lfs.iter().map(|f| sanitize(&f.path)).collect::<Vec<_>>().join(","));
        let bounds = lfs_bounds(complete, &by_commit, origins, reference);
        writeln!(
            out,
            "  or, to keep them in Git LFS instead: git lfs migrate import --include={include} --include-ref={head}{bounds}"
        )?;
    }
    if !bypassed.is_empty() {
        let include =
            crate::util::shell_quote(bypassed.iter().map(|f| sanitize(&f.path)).collect::<Vec<_>>().join(","));
        let bounds = lfs_bounds(complete, &by_commit, origins, reference);
        writeln!(
            out,
            "  {}: committed raw where .gitattributes sends {} through Git LFS; turn {} into pointers in the pushed commits:",
            words(&bypassed),
            if bypassed.len() == 1 { "it" } else { "them" },
            if bypassed.len() == 1 { "it" } else { "them" },
        )?;
        writeln!(out, "    git lfs install")?;
        writeln!(
            out,
            "    {LFS_MIGRATE} --include={include} --include-ref={head}{bounds}"
        )?;
        writeln!(out, "    git lfs checkout")?;
    }
    Ok(())
}

/// Where commit `c` of `reference` sits.
fn origin_of<'a>(origins: &'a Origins, reference: &BString, c: &ObjectId) -> Option<&'a Origin> {
    origins
        .commits
        .iter()
        .find(|o| &o.commit == c && &o.reference == reference)
}

/// `--exclude-ref=<commit>` for each commit the pushed range builds on, so that `git lfs
/// migrate import` rewrites the pushed commits only.
fn lfs_bounds(
    complete: Option<&RefRange>,
    by_commit: &[(ObjectId, Vec<&Failing>, usize)],
    origins: &Origins,
    reference: &BString,
) -> String {
    let origin = |c: &ObjectId| origin_of(origins, reference, c);
    let boundary: Vec<ObjectId> = match complete {
        Some(range) => range.boundary.clone(),
        // Below the oldest commit concerned, as far as the findings tell.
        None => by_commit
            .first()
            .and_then(|(oldest, _, _)| origin(oldest))
            .and_then(|o| o.parent)
            .into_iter()
            .collect(),
    };
    boundary
        .iter()
        .map(|b| format!(" --exclude-ref={}", b.to_hex_with_len(10)))
        .collect()
}

/// The `--index-filter` that takes `files` out of each commit: the paths as shell words, or,
/// when a name is not plain ASCII, as `printf` escapes (the filter runs in `sh`, which has no
/// `$'…'` words).
fn index_filter(files: &[&Failing]) -> String {
    let plain = files.iter().all(|f| f.path.iter().all(|b| (b' '..=b'~').contains(b)));
    if plain {
        let words: Vec<String> = files.iter().map(|f| f.word.clone()).collect();
        return format!("git rm -r --cached --ignore-unmatch -q -- {}", words.join(" "));
    }
    let escaped: Vec<String> = files
        .iter()
        .map(|f| {
            let mut text = String::new();
            for &b in f.path.iter() {
                match b {
                    b'\\' => text.push_str("\\\\"),
                    b' '..=b'~' => text.push(char::from(b)),
                    _ => text.push_str(&format!("\\0{b:03o}")),
                }
            }
            // A `\` escape is in every such text, so the word is always single-quoted.
            crate::util::shell_quote(text)
        })
        .collect();
    format!(
        "printf '%b\\0' {} | git rm -r --cached --ignore-unmatch -q --pathspec-from-file=- --pathspec-file-nul",
        escaped.join(" ")
    )
}

/// Amend when every commit concerned is the tip; otherwise an interactive rebase that stops
/// at each of them (`commits`: each with the files it added, oldest first).
fn rebase_commands(
    out: &mut dyn Write,
    commits: &[(ObjectId, Vec<String>)],
    origins: &Origins,
    reference: &BString,
) -> io::Result<()> {
    let origin = |c: &ObjectId| origin_of(origins, reference, c);
    let depths: Vec<Option<usize>> = commits.iter().map(|(c, _)| origin(c).and_then(|o| o.depth)).collect();
    let rm = |files: &[String]| format!("git rm --cached -- {}", files.join(" "));
    if depths.iter().all(|d| *d == Some(0)) {
        // Only the tip: amend it (the files stay in the work tree).
        for (_, files) in commits {
            writeln!(out, "    {} && git commit --amend --no-edit --allow-empty", rm(files))?;
        }
    } else if depths.iter().all(Option::is_some) {
        let base = commits
            .first()
            .and_then(|(oldest, _)| origin(oldest))
            .and_then(|o| o.parent)
            .map(|p| p.to_hex_with_len(10).to_string());
        let stops: Vec<String> = commits.iter().map(|(c, _)| c.to_hex_with_len(7).to_string()).collect();
        // A merge above a stop: the rebase must recreate it, and the todo list then starts
        // with labels, so name the lines.
        let keep_merges = commits.iter().any(|(c, _)| origin(c).is_some_and(|o| o.merges_above));
        let how = match stops.as_slice() {
            [one] if !keep_merges => format!("change `pick` to `edit` on the first line ({one})"),
            [one] => format!("change `pick` to `edit` on the line of {one}"),
            more => format!("change `pick` to `edit` on the lines of {}", more.join(", ")),
        };
        let rebase = if keep_merges {
            "git rebase -i --rebase-merges"
        } else {
            "git rebase -i"
        };
        match &base {
            Some(base) => writeln!(out, "    {rebase} {base}      # {how}")?,
            None => writeln!(out, "    {rebase} --root      # {how}")?,
        }
        for (commit, files) in commits {
            if commits.len() > 1 {
                writeln!(out, "    # at the stop at {}:", commit.to_hex_with_len(7))?;
            }
            writeln!(out, "    {}", rm(files))?;
            writeln!(out, "    git commit --amend --no-edit --allow-empty")?;
            writeln!(out, "    git rebase --continue")?;
        }
    } else if let [(commit, files)] = commits
        && let Some(parent) = origin(commit).and_then(|o| o.parent)
    {
        // One commit that came in through a merge: rebase from its parent, keeping merges.
        writeln!(
            out,
            "    git rebase -i --rebase-merges {}      # change `pick` to `edit` on the line of {}",
            parent.to_hex_with_len(10),
            commit.to_hex_with_len(7)
        )?;
        writeln!(out, "    {}", rm(files))?;
        writeln!(out, "    git commit --amend --no-edit --allow-empty")?;
        writeln!(out, "    git rebase --continue")?;
    } else {
        writeln!(
            out,
            "  some of these commits came in through a merge: rewrite the branch that added them \
             (git rebase -i --rebase-merges <the commit before the oldest>, mark each `edit`, and at each \
             stop git rm --cached -- <its paths>, git commit --amend --no-edit --allow-empty, git rebase --continue)"
        )?;
    }
    Ok(())
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hook::origins::Versions;

    fn finding(rule: RuleId, level: Level, path: &str) -> Finding {
        Finding {
            reference: Some("refs/heads/main".into()),
            size: Some(10),
            message: format!("about {path}"),
            ..crate::testing::finding(rule, level, path)
        }
    }

    fn render_with(outcome: &Outcome, policy: &Policy) -> String {
        render_at(outcome, policy, &Origins::default())
    }

    /// The plain report of `outcome`, with `origins` saying where each commit sits.
    fn render_at(outcome: &Outcome, policy: &Policy, origins: &Origins) -> String {
        let judgement = Judgement::of(outcome, policy);
        let cx = Context {
            color: false,
            bases: &[],
            skipped: &[],
            judgement: &judgement,
            origins,
            warnings: &[],
            notes: &[],
            hint: None,
            bypass_log: None,
            received: None,
            history: None,
        };
        let mut out = Vec::new();
        render(&mut out, outcome, policy, &cx).expect("render");
        String::from_utf8(out).expect("utf-8")
    }

    #[test]
    fn failing_findings_come_first_and_repeats_share_a_line() {
        let mut outcome = Outcome::default();
        for i in 0..5 {
            outcome
                .findings
                .push(finding(RuleId::LogFile, Level::Warn, &format!("out/job{i}.log")));
        }
        outcome
            .findings
            .push(finding(RuleId::LogFile, Level::Warn, "out/odd.txt"));
        outcome
            .findings
            .push(finding(RuleId::LogFile, Level::Warn, "two/a.log"));
        outcome
            .findings
            .push(finding(RuleId::LogFile, Level::Warn, "two/b.log"));
        outcome
            .findings
            .push(finding(RuleId::DatabaseDump, Level::Deny, "var/db.sql"));
        let mut policy = Policy::builtin();
        let text = render_with(&outcome, &policy);
        let heads: Vec<&str> = text
            .lines()
            .filter(|l| l.starts_with("deny") || l.starts_with("warn"))
            .collect();
        assert_eq!(heads.len(), 4, "{text}");
        assert!(
            heads[0].starts_with("deny") && heads[0].contains("var/db.sql"),
            "{text}"
        );
        assert!(heads[1].contains("out/* ×6  (60 B in all)  log-file"), "{text}");
        assert!(
            heads[2].contains("two/a.log") && heads[3].contains("two/b.log"),
            "{text}"
        );
        assert!(
            text.contains("push rejected: 1 finding at or above fail_on = deny (and 8 below it)"),
            "{text}"
        );

        // A cap of zero lines still lists the deny.
        policy.file.hook.max_findings_shown = 0;
        let text = render_with(&outcome, &policy);
        assert!(text.contains("deny  refs/heads/main  var/db.sql"), "{text}");
        assert!(!text.contains("warn  "), "{text}");
        assert!(text.contains("… and 8 more findings below fail_on not shown"), "{text}");
    }

    #[test]
    fn large_files_get_the_lfs_form_over_the_pushed_range() {
        let commit = ObjectId::from_hex(b"1111111111111111111111111111111111111111").expect("id");
        let parent = ObjectId::from_hex(b"2222222222222222222222222222222222222222").expect("id");
        let mut big = finding(RuleId::LargeBlob, Level::Deny, "media/video.mp4");
        big.commit = Some(commit);
        let outcome = Outcome {
            findings: vec![big],
            ..Outcome::default()
        };
        let policy = Policy::builtin();
        let text = |depth: usize| {
            let origins = Origins {
                commits: vec![Origin {
                    commit,
                    reference: "refs/heads/main".into(),
                    subject: "Add the video".into(),
                    parent: Some(parent),
                    depth: Some(depth),
                    merges_above: false,
                }],
                ..Origins::default()
            };
            render_at(&outcome, &policy, &origins)
        };
        let deep = text(2);
        assert!(
            deep.contains(
                "media/video.mp4: added in 1111111111 \"Add the video\", 2 commits below the tip of refs/heads/main"
            ),
            "{deep}"
        );
        assert!(deep.contains("    git rebase -i 2222222222 "), "{deep}");
        assert!(
            deep.contains(
                "git lfs migrate import --include=media/video.mp4 --include-ref=HEAD --exclude-ref=2222222222"
            ),
            "{deep}"
        );
        let tip = text(0);
        assert!(
            tip.contains("git rm --cached -- media/video.mp4 && git commit --amend --no-edit --allow-empty"),
            "{tip}"
        );
        assert!(
            tip.contains(
                "git lfs migrate import --include=media/video.mp4 --include-ref=HEAD --exclude-ref=2222222222"
            ),
            "{tip}"
        );
    }

    #[test]
    fn a_file_written_in_several_pushed_commits_loses_every_version() {
        let id = |c: u8| ObjectId::from_bytes_or_panic(&[c; 20]);
        let mut weights = finding(RuleId::ChurningBlob, Level::Deny, "model/weights.bin");
        weights.commit = Some(id(10));
        let outcome = Outcome {
            findings: vec![weights],
            ..Outcome::default()
        };
        let origin = |c: u8, depth: usize| Origin {
            commit: id(c),
            reference: "refs/heads/main".into(),
            subject: format!("weights v{c}"),
            parent: Some(id(c - 1)),
            depth: Some(depth),
            merges_above: false,
        };
        let origins = Origins {
            commits: (1..=10).map(|c| origin(c, usize::from(10 - c))).collect(),
            versions: vec![Versions {
                reference: "refs/heads/main".into(),
                path: "model/weights.bin".into(),
                commits: (1..=10).map(id).collect(),
            }],
            ranges: vec![RefRange {
                reference: "refs/heads/main".into(),
                tag: false,
                boundary: vec![id(0)],
                complete: true,
                at_tip: vec!["model/weights.bin".into()],
            }],
        };
        let text = render_at(&outcome, &Policy::builtin(), &origins);
        assert!(
            text.contains(&format!(
                "model/weights.bin: added in {} \"weights v1\", 9 commits below the tip of refs/heads/main, then changed in 9 more pushed commits",
                id(1).to_hex_with_len(10)
            )),
            "{text}"
        );
        assert!(
            text.contains(&format!(
                "{FILTER_BRANCH} --index-filter 'git rm -r --cached --ignore-unmatch -q -- model/weights.bin' -- {}..HEAD",
                id(0).to_hex_with_len(10)
            )),
            "{text}"
        );
        assert!(!text.contains("git rebase -i"), "{text}");
    }
}
