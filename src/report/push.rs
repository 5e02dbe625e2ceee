//! The pusher's view, written by the hooks to stderr: per finding the ref, commit, path,
//! size and rule with one line of why; then what to use instead, how to fix the commits, and
//! the verdict. Findings that fail come first and are always listed; the rest are capped at
//! `[hook] max_findings_shown` lines, and repeated findings of one rule in one directory share
//! one line (`out/*.log ×30`). Everything from the push is sanitized.

use std::collections::{BTreeMap, HashMap};
use std::io::{self, Write};

use anstyle::{AnsiColor, Style};
use gix::ObjectId;
use gix::bstr::{BString, ByteSlice};

use super::text::TEXT_WIDTH;
use crate::outcome::Outcome;
use crate::outcome::{Finding, Level, Pattern};
use crate::outcome::{Judgement, Verdict};
use crate::policy::Policy;
use crate::range::{Tip, TipKind};
use crate::rules::RuleId;
use crate::util::{human_size, sanitize};

/// What the report needs besides the outcome.
#[derive(Debug, Clone)]
pub struct Context<'a> {
    /// ANSI colours (local pre-push on a terminal only).
    pub color: bool,
    /// Each ref and what the other side has of it.
    pub bases: &'a [(BString, Option<ObjectId>)],
    /// Refs outside the policy's `[refs]` scope.
    pub skipped: &'a [BString],
    /// The decision, read by the report and by the hook's exit status alike.
    pub judgement: &'a Judgement<'a>,
    /// Where the commits that brought failing findings sit (see [`origins`]).
    pub origins: &'a [Origin],
    /// Warnings shown before the findings (an unknown push option).
    pub warnings: &'a [String],
    /// Extra lines (a refused bypass, a log that cannot be written).
    pub notes: &'a [String],
    /// How to push anyway, shown with a rejection.
    pub hint: Option<&'a str>,
    /// Where a granted bypass was logged, if it was.
    pub bypass_log: Option<&'a str>,
    /// How many objects the push uploaded (a quarantined server push).
    pub received: Option<usize>,
    /// Why the history-aware rules could not judge with the whole history (no facts store):
    /// said in the summary line when they read the look-back window instead.
    pub history: Option<&'a str>,
}

/// A commit that added a failing path, and where it sits in its ref.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    /// The commit.
    pub commit: ObjectId,
    /// The ref it was pushed in.
    pub reference: BString,
    /// Its subject line, sanitized.
    pub subject: String,
    /// Its first parent (`None` for a root commit).
    pub parent: Option<ObjectId>,
    /// How many first-parent steps below the ref's tip: 0 is the tip itself; `None` when it is
    /// not on the tip's first-parent line (it came in through a merge).
    pub depth: Option<usize>,
    /// Whether a merge sits between it and the tip on that line (a rebase must keep merges).
    pub merges_above: bool,
}

/// Paths named in a finding's description (the commands name every path).
const LISTED_PATHS: usize = 3;
/// Findings of one rule in one directory from this many on share one line.
pub const COLLAPSE_AT: usize = 3;
/// First-parent steps searched for a commit below a tip.
const DEPTH_LIMIT: usize = 10_000;
/// Characters of a commit subject shown.
const SUBJECT_CHARS: usize = 60;

/// Find, for every failing finding, the commit that added it: short id, subject, parent, and
/// how far below its ref's tip it sits.
pub fn origins(repo: &gix::Repository, judgement: &Judgement<'_>, tips: &[Tip]) -> Vec<Origin> {
    let mut wanted: BTreeMap<&BString, Vec<ObjectId>> = BTreeMap::new();
    for f in &judgement.failing {
        if let (Some(c), Some(r)) = (f.commit, f.reference.as_ref())
            && !wanted.get(r).is_some_and(|v| v.contains(&c))
        {
            wanted.entry(r).or_default().push(c);
        }
    }
    let mut out = Vec::new();
    for (reference, commits) in wanted {
        let tip = tips
            .iter()
            .find(|t| &t.name == reference && t.kind == TipKind::Commit)
            .map(|t| t.id);
        let depths = tip
            .map(|tip| first_parent_depths(repo, tip, &commits))
            .unwrap_or_default();
        for commit in commits {
            let Ok(c) = repo.find_commit(commit) else { continue };
            let subject = c.message().map(|m| sanitize(m.summary().as_ref())).unwrap_or_default();
            let subject = if subject.chars().count() > SUBJECT_CHARS {
                subject.chars().take(SUBJECT_CHARS - 1).collect::<String>() + "…"
            } else {
                subject
            };
            out.push(Origin {
                commit,
                reference: reference.clone(),
                subject,
                parent: c.parent_ids().next().map(|p| p.detach()),
                depth: depths.get(&commit).map(|(depth, _)| *depth),
                merges_above: depths.get(&commit).is_some_and(|(_, merges)| *merges),
            });
        }
    }
    out
}

/// The first-parent distance from `tip` of each of `commits` found within [`DEPTH_LIMIT`],
/// and whether a merge commit lies above it on the way.
fn first_parent_depths(
    repo: &gix::Repository,
    tip: ObjectId,
    commits: &[ObjectId],
) -> HashMap<ObjectId, (usize, bool)> {
    let mut found = HashMap::new();
    let mut at = Some(tip);
    let mut depth = 0;
    let mut merges = false;
    while let Some(id) = at {
        if commits.contains(&id) {
            found.insert(id, (depth, merges));
            if found.len() == commits.len() {
                break;
            }
        }
        depth += 1;
        if depth > DEPTH_LIMIT {
            break;
        }
        let Ok(commit) = repo.find_commit(id) else { break };
        let mut parents = commit.parent_ids();
        at = parents.next().map(|p| p.detach());
        merges |= parents.next().is_some();
    }
    found
}

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
pub fn render(out: &mut dyn Write, outcome: &Outcome, policy: &Policy, cx: &Context<'_>) -> io::Result<()> {
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
        let mut commits: Vec<ObjectId> = line.findings.iter().filter_map(|f| f.commit).collect();
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
        super::text::wrapped(out, &sanitize(f.message.as_bytes()), TEXT_WIDTH, "      ", "      ")?;
        super::text::fix(
            out,
            &super::text::Painter { color: cx.color },
            6,
            1,
            &f.first_step(),
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

    let mut patterns: Vec<Pattern> = outcome.findings.iter().map(|f| f.pattern).collect();
    patterns.sort();
    patterns.dedup();
    if !patterns.is_empty() {
        writeln!(out)?;
        writeln!(out, "{}", paint(bold, "Instead:"))?;
        for pattern in &patterns {
            let text = format!("{} — {}", pattern.title(), policy.suggestion(*pattern));
            super::text::wrapped(out, &text, TEXT_WIDTH, "  ", "    ")?;
        }
    }

    if judgement.fails() {
        fix_commands(out, judgement, cx, &paint)?;
    }

    if !outcome.notices.is_empty() {
        writeln!(out)?;
        for n in &outcome.notices {
            let lead = format!("note: {}: ", n.kind);
            super::text::wrapped(out, &sanitize(n.message.as_bytes()), TEXT_WIDTH, &lead, "    ")?;
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

/// The failing files each commit added, in the order found.
type FilesByCommit = Vec<(ObjectId, Vec<String>)>;

/// How to take the failing files out of the commits that added them, and push again: amend
/// when they all came in at the tip; otherwise an interactive rebase that stops at each
/// commit concerned.
fn fix_commands(
    out: &mut dyn Write,
    judgement: &Judgement<'_>,
    cx: &Context<'_>,
    paint: &dyn Fn(Style, &str) -> String,
) -> io::Result<()> {
    // The failing files of each commit, per ref, in the order found.
    let mut by_ref: Vec<(BString, FilesByCommit)> = Vec::new();
    let mut lfs: Vec<String> = Vec::new();
    let mut unplaced: Vec<String> = Vec::new();
    for f in &judgement.failing {
        let files: Vec<String> = f.files().iter().map(|p| shell_arg(p)).collect();
        if files.is_empty() {
            continue;
        }
        if f.pattern == Pattern::LargeChurn {
            lfs.extend(f.files().iter().map(|p| sanitize(p)));
        }
        let (Some(commit), Some(reference)) = (f.commit, f.reference.as_ref()) else {
            unplaced.extend(files);
            continue;
        };
        if !by_ref.iter().any(|(r, _)| r == reference) {
            by_ref.push((reference.clone(), Vec::new()));
        }
        let Some((_, commits)) = by_ref.iter_mut().find(|(r, _)| r == reference) else {
            continue;
        };
        if !commits.iter().any(|(c, _)| *c == commit) {
            commits.push((commit, Vec::new()));
        }
        if let Some((_, listed)) = commits.iter_mut().find(|(c, _)| *c == commit) {
            for file in files {
                if !listed.contains(&file) {
                    listed.push(file);
                }
            }
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
    for (reference, mut commits) in by_ref {
        let origin = |c: &ObjectId| cx.origins.iter().find(|o| &o.commit == c && o.reference == reference);
        // Oldest first: the order an interactive rebase stops in.
        commits.sort_by_key(|(c, _)| std::cmp::Reverse(origin(c).and_then(|o| o.depth).unwrap_or(usize::MAX)));
        if several {
            writeln!(out, "  on the branch you push to {}:", sanitize(&reference))?;
        }
        for (commit, files) in &commits {
            let place = match origin(commit).and_then(|o| o.depth) {
                Some(0) => format!("the tip of {}", sanitize(&reference)),
                Some(1) => format!("1 commit below the tip of {}", sanitize(&reference)),
                Some(n) => format!("{n} commits below the tip of {}", sanitize(&reference)),
                None => format!("a commit merged into {}", sanitize(&reference)),
            };
            let subject = origin(commit).map(|o| o.subject.as_str()).unwrap_or_default();
            let mut listed = files.iter().take(LISTED_PATHS).cloned().collect::<Vec<_>>().join(" ");
            if files.len() > LISTED_PATHS {
                listed += &format!(" (and {} more)", files.len() - LISTED_PATHS);
            }
            writeln!(
                out,
                "  {listed}: added in {} \"{subject}\", {place}",
                commit.to_hex_with_len(10)
            )?;
        }
        let depths: Vec<Option<usize>> = commits.iter().map(|(c, _)| origin(c).and_then(|o| o.depth)).collect();
        let rm = |files: &[String]| format!("git rm --cached -- {}", files.join(" "));
        if depths.iter().all(|d| *d == Some(0)) {
            // Only the tip: amend it (the files stay in the work tree).
            for (_, files) in &commits {
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
            for (commit, files) in &commits {
                if commits.len() > 1 {
                    writeln!(out, "    # at the stop at {}:", commit.to_hex_with_len(7))?;
                }
                writeln!(out, "    {}", rm(files))?;
                writeln!(out, "    git commit --amend --no-edit --allow-empty")?;
                writeln!(out, "    git rebase --continue")?;
            }
            if !lfs.is_empty()
                && let Some(base) = &base
            {
                writeln!(
                    out,
                    "  or, to keep them in Git LFS instead: git lfs migrate import --include={} --include-ref=HEAD --exclude-ref={base}",
                    shell_quote(&lfs.join(","))
                )?;
                lfs.clear();
            }
        } else if let [(commit, files)] = commits.as_slice()
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
    }
    if !lfs.is_empty() {
        writeln!(
            out,
            "  or, to keep them in Git LFS instead: git lfs migrate import --include={}",
            shell_quote(&lfs.join(","))
        )?;
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

/// A path as one shell word that names exactly its bytes: bare or single-quoted when it is
/// plain ASCII text, otherwise `$'…'` with every control, non-ASCII or invalid byte as `\xNN`
/// (bash, zsh, ksh and POSIX.1-2024 shells), so the word is printable ASCII and safe to show.
fn shell_arg(bytes: &[u8]) -> String {
    match std::str::from_utf8(bytes) {
        Ok(text) if text.bytes().all(|b| (b' '..=b'~').contains(&b)) => shell_quote(text),
        _ => {
            let mut out = String::from("$'");
            for &b in bytes {
                match b {
                    b'\'' => out.push_str("\\'"),
                    b'\\' => out.push_str("\\\\"),
                    b' '..=b'~' => out.push(char::from(b)),
                    _ => out.push_str(&format!("\\x{b:02x}")),
                }
            }
            out.push('\'');
            out
        }
    }
}

/// Quote for a POSIX shell when needed.
fn shell_quote(s: &str) -> String {
    if !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric() || b"/._-+,@=".contains(&b)) {
        s.to_owned()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding(rule: RuleId, level: Level, path: &str) -> Finding {
        Finding {
            rule,
            pattern: rule.pattern(),
            level,
            path: Some(path.into()),
            blob: None,
            commit: None,
            reference: Some("refs/heads/main".into()),
            size: Some(10),
            message: format!("about {path}"),
            suggestion: String::new(),
            evidence: serde_json::Map::new(),
            paths: Vec::new(),
        }
    }

    fn render_with(outcome: &Outcome, policy: &Policy) -> String {
        render_at(outcome, policy, &[])
    }

    /// The plain report of `outcome`, with `origins` saying where each commit sits.
    fn render_at(outcome: &Outcome, policy: &Policy, origins: &[Origin]) -> String {
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
            let origins = [Origin {
                commit,
                reference: "refs/heads/main".into(),
                subject: "Add the video".into(),
                parent: Some(parent),
                depth: Some(depth),
                merges_above: false,
            }];
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
            tip.contains("git lfs migrate import --include=media/video.mp4"),
            "{tip}"
        );
    }

    #[test]
    fn quotes_only_when_needed() {
        assert_eq!(shell_quote("db/app.sqlite"), "db/app.sqlite");
        assert_eq!(shell_quote("my file.sql"), "'my file.sql'");
        assert_eq!(shell_quote("it's"), r"'it'\''s'");
        assert_eq!(shell_quote("$(rm -rf ~)"), "'$(rm -rf ~)'");
        assert_eq!(shell_arg(b"db/app.sqlite"), "db/app.sqlite");
        assert_eq!(shell_arg(b"it's"), r"'it'\''s'");
        assert_eq!(shell_arg(b"bell\x07\x1b[2J'\\.sql"), r"$'bell\x07\x1b[2J\'\\.sql'");
        assert_eq!(
            shell_arg("caf\u{e9}\u{202e}.sql".as_bytes()),
            r"$'caf\xc3\xa9\xe2\x80\xae.sql'"
        );
        assert_eq!(shell_arg(b"a\xffb"), r"$'a\xffb'");
    }
}
