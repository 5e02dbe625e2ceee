//! The audit's report: a one-screen summary (the repository's size and what each misuse
//! accounts for), the top offenders of each pattern with what to use instead, the fix plan,
//! and the object database's statistics. Text, markdown and an HTML page for people; JSON is
//! the scan's document plus an `audit` section.

use std::collections::BTreeMap;
use std::io::{self, Write};

use anstyle::Style;

use crate::outcome::NoticeKind;
use serde::Serialize;

use super::common::{Painter, counts, escape_markdown as escape, fix, instead, plural, wrap_at, wrapped};
use super::format::Options;
use crate::audit::result::{Audit, Offender, PATHS_FILE, Plan, Repository, Share, Step, Timeline};
use crate::outcome::{Level, Pattern};
use crate::policy::Policy;
use crate::util::{human_size, percent, sanitize, wrap};

/// Offenders listed per pattern unless `verbose`.
pub(crate) const PER_PATTERN: usize = 5;

/// Lines of the plan's paths file, paths of a step, chains and notices of one kind shown
/// unless `verbose`.
pub(super) const SHOWN: usize = 5;

/// Lines of a paths file printed whole (as a here-document to paste) unless `verbose`.
pub(super) const PATHS_FILE_SHOWN: usize = 8;

#[derive(Serialize)]
struct Section<'a> {
    repository: &'a Repository,
    patterns: &'a [Share],
    offenders: &'a [Offender],
    plan: &'a Plan,
    rewrite_warning: Option<&'a str>,
    overview: &'a crate::overview::Overview,
    timeline: &'a Timeline,
}

/// The `audit` section of the JSON document.
pub(super) fn section(audit: &Audit) -> io::Result<serde_json::Value> {
    serde_json::to_value(Section {
        repository: &audit.repository,
        patterns: &audit.patterns,
        offenders: &audit.offenders,
        plan: &audit.plan,
        rewrite_warning: audit.plan.rewrite_warning.as_deref(),
        overview: &audit.overview,
        timeline: &audit.timeline,
    })
    .map_err(io::Error::other)
}

pub(super) fn date(t: Option<i64>) -> String {
    t.and_then(|t| jiff::Timestamp::from_second(t).ok())
        .map(|ts| ts.strftime("%Y-%m-%d").to_string())
        .unwrap_or_else(|| "?".into())
}

/// `12 versions · 2024-01-01..2024-03-01 · 60 changes, every 1 h`.
pub(super) fn history(o: &Offender) -> String {
    let mut parts = vec![format!("{} version{}", o.versions, plural(o.versions))];
    if o.changes > 0 {
        let (first, last) = (date(o.first_change), date(o.last_change));
        parts.push(if first == last {
            first
        } else {
            format!("{first}..{last}")
        });
        let mut changes = format!("{} change{}", o.changes, plural(o.changes));
        if let Some(cadence) = &o.cadence {
            changes.push_str(&format!(", every {cadence}"));
        }
        parts.push(changes);
    }
    parts.join(" · ")
}

/// `in refs/heads/main, refs/tags/v1.0 and more`: the refs whose history holds it.
pub(super) fn reached(o: &Offender) -> Option<String> {
    if o.refs.is_empty() {
        return None;
    }
    let more = if o.more_refs { " and more" } else { "" };
    let refs = o.refs.join(", ");
    Some(if o.host_refs_only {
        format!("only in the host's {refs}{more}")
    } else {
        format!("in {refs}{more}")
    })
}

pub(super) fn sizes(o: &Offender) -> String {
    let mut text = format!("{} packed, {} whole", human_size(o.packed), human_size(o.unpacked));
    if o.unknown_versions > 0 {
        text.push_str(&format!(
            " ({} version{} of unknown size)",
            o.unknown_versions,
            plural(o.unknown_versions)
        ));
    }
    text
}

/// The offenders a report lists: the costliest `limit` per pattern unless `verbose`.
pub(super) fn listed(audit: &Audit, pattern: Pattern, verbose: bool, hide_info: bool, limit: usize) -> Listed<'_> {
    let all: Vec<&Offender> = audit.offenders.iter().filter(|o| o.pattern == pattern).collect();
    let total = all.len();
    let info = all.iter().filter(|o| o.level == Level::Info).count();
    // By default the text lists what a person acts on: warn and deny offenders (the fix plan's),
    // the costliest first; info offenders are counted, and listed with --verbose.
    let shown: Vec<&Offender> = if verbose {
        all
    } else {
        all.into_iter()
            .filter(|o| !hide_info || o.level > Level::Info)
            .take(limit)
            .collect()
    };
    let hidden = total - shown.len();
    let hidden_info = info - shown.iter().filter(|o| o.level == Level::Info).count();
    Listed {
        shown,
        total,
        hidden,
        hidden_info,
    }
}

/// The offenders of one pattern a report lists, and what it leaves out.
pub(super) struct Listed<'a> {
    pub(super) shown: Vec<&'a Offender>,
    pub(super) total: usize,
    pub(super) hidden: usize,
    /// Of the hidden ones, how many are info.
    hidden_info: usize,
}

impl Listed<'_> {
    /// `and 125 more paths, 121 of them info`, for the line under the listing.
    pub(super) fn more(&self) -> String {
        let lead = if self.shown.is_empty() { "" } else { "and " };
        let more = if self.shown.is_empty() { "" } else { " more" };
        let mut text = format!("{lead}{}{more} path{}", self.hidden, plural(self.hidden as u64));
        if self.hidden_info == self.hidden {
            text.push_str(if self.hidden == 1 { ", info" } else { ", all info" });
        } else if self.hidden_info > 0 {
            text.push_str(&format!(", {} of them info", self.hidden_info));
        }
        text
    }
}

/// `a, b, c and 4 more` (all of them when `verbose`).
fn some(items: &[String], verbose: bool) -> String {
    let shown = if verbose { items.len() } else { items.len().min(SHOWN) };
    let mut text = items.iter().take(shown).cloned().collect::<Vec<_>>().join(", ");
    if items.len() > shown {
        text.push_str(&format!(" and {} more", items.len() - shown));
    }
    text
}

/// What a step does, in a sentence.
pub(super) fn step_title(step: &Step, verbose: bool) -> String {
    let freed = human_size(step.saves);
    let paths = some(&step.paths, verbose);
    match step.action {
        "remove" => {
            let n = step.paths.len();
            let what = if verbose || step.lines.len() <= PATHS_FILE_SHOWN {
                format!(
                    "remove from history what this file names ({n} path{}; frees {freed}, as git filter-repo expires the reflogs and prunes what it removed):",
                    plural(n as u64)
                )
            } else {
                format!(
                    "remove from history (frees {freed}, as git filter-repo expires the reflogs and prunes what it removed): {paths}."
                )
            };
            if step.move_out.is_empty() {
                let mut what = what;
                if let Some(first) = what.get_mut(..1) {
                    first.make_ascii_uppercase();
                }
                what
            } else {
                format!(
                    "Move the data out first: a job keeps rewriting {}. Keep it in a database, an object store or a build artifact and stop the job committing it (Git LFS is no fix: it would store every version whole); then {what}",
                    some(&step.move_out, verbose)
                )
            }
        }
        "move-to-lfs" => format!(
            "Move to Git LFS (frees {freed} of packs once the old versions are pruned, as the command's last part does; the LFS store then holds {}): {paths}.",
            human_size(step.lfs_bytes.unwrap_or(0))
        ),
        "ask-host" => format!(
            "Ask the host: only refs it keeps for pull or merge requests ({}) reach {paths}, and nobody can rewrite or force-push those, so no rewrite here removes it. Have the host remove the refs (delete the merge request, or ask the host's support for a pull request) and collect garbage, which frees {freed}.",
            some(&step.refs, verbose)
        ),
        "prune-unreachable" => {
            format!("Prune what no ref reaches (frees up to {freed}; no history is rewritten).")
        }
        other => other.to_owned(),
    }
}

fn text_plan(out: &mut dyn Write, audit: &Audit, p: &Painter, verbose: bool, width: usize) -> io::Result<()> {
    let plan = &audit.plan;
    let bold = Style::new().bold();
    let dim = Style::new().dimmed();
    if plan.steps.is_empty() && plan.left_info + plan.left_source == 0 {
        return Ok(());
    }
    writeln!(out)?;
    if plan.steps.is_empty() {
        writeln!(out, "{}", p.paint(bold, "Fix plan: nothing to do"))?;
    } else {
        // Rewrites are run in a mirror clone; a prune or the host's part is not.
        let mirror = if plan.rewrite_warning.is_some() {
            " (run in a fresh mirror clone: git clone --mirror <url>)"
        } else {
            ""
        };
        writeln!(
            out,
            "{}",
            p.paint(bold, &format!("Fix plan: frees {}{mirror}", human_size(plan.frees)))
        )?;
    }
    if let Some(warning) = &plan.rewrite_warning {
        for line in wrap(warning, width.saturating_sub(2).max(20)) {
            writeln!(out, "  {}", p.paint(dim, &line))?;
        }
    }
    for (i, step) in plan.steps.iter().enumerate() {
        let number = format!("  {}. ", i + 1);
        let indent = " ".repeat(number.len());
        wrapped(out, &step_title(step, verbose), width, &number, &indent)?;
        if step.action == "remove" {
            let whole = verbose || step.lines.len() <= PATHS_FILE_SHOWN;
            if whole {
                writeln!(out, "{indent}cat > {PATHS_FILE} <<'PUSHGATE_PATHS'")?;
                for line in &step.lines {
                    writeln!(out, "{indent}{line}")?;
                }
                writeln!(out, "{indent}PUSHGATE_PATHS")?;
            } else {
                writeln!(out, "{indent}{PATHS_FILE}, {} lines:", step.lines.len())?;
                for line in step.lines.iter().take(PATHS_FILE_SHOWN) {
                    writeln!(out, "{indent}  {line}")?;
                }
                writeln!(
                    out,
                    "{indent}  … and {} more (--verbose prints the whole file; --format json has it)",
                    step.lines.len() - PATHS_FILE_SHOWN
                )?;
            }
        }
        if let Some(command) = &step.command {
            writeln!(out, "{indent}{command}")?;
        }
    }
    let left = left_as_they_are(plan);
    if !left.is_empty() {
        wrapped(
            out,
            &format!("Left as they are: {}.", left.join("; ")),
            width,
            "  ",
            "  ",
        )?;
    }
    Ok(())
}

/// The notices, one line each when `verbose`; otherwise a kind with many notices is one line
/// with their count and the paths they name most often.
fn text_notices(out: &mut dyn Write, audit: &Audit, verbose: bool, width: usize) -> io::Result<()> {
    let notices = &audit.outcome.notices;
    let mut kinds: Vec<NoticeKind> = Vec::new();
    for n in notices {
        if !kinds.contains(&n.kind) {
            kinds.push(n.kind);
        }
    }
    for kind in kinds {
        let mine: Vec<&crate::outcome::Notice> = notices.iter().filter(|n| n.kind == kind).collect();
        let aggregate = !verbose && (mine.len() > SHOWN || (kind == NoticeKind::AbsentObject && mine.len() > 1));
        if !aggregate {
            for n in mine {
                wrapped(
                    out,
                    &sanitize(n.message.as_bytes()),
                    width,
                    &format!("  {kind}: "),
                    "    ",
                )?;
            }
            continue;
        }
        // The paths named most often (most versions absent), then by name.
        let mut by_path: BTreeMap<&str, u64> = BTreeMap::new();
        for n in &mine {
            if let Some(path) = &n.path {
                *by_path.entry(path.as_str()).or_default() += 1;
            }
        }
        let mut paths: Vec<(&str, u64)> = by_path.into_iter().collect();
        paths.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        let named: Vec<String> = paths
            .iter()
            .take(3)
            .map(|(p, n)| {
                let p = sanitize(p.as_bytes());
                if *n > 1 { format!("{p} ×{n}") } else { p }
            })
            .collect();
        let what = if kind == NoticeKind::AbsentObject {
            format!(
                "{} blob{} absent (a partial or shallow clone: sizes unknown, judged by name only)",
                mine.len(),
                plural(mine.len() as u64)
            )
        } else {
            format!("{} notices", mine.len())
        };
        let more = paths.len().saturating_sub(named.len());
        let text = match (named.is_empty(), more) {
            (true, _) => format!("{what} (--verbose lists them all)"),
            (false, 0) => format!("{what}, at {} (--verbose lists them all)", named.join(", ")),
            (false, more) => format!(
                "{what}, most at {} and {more} more path{} (--verbose lists them all)",
                named.join(", "),
                plural(more as u64)
            ),
        };
        wrapped(out, &text, width, &format!("  {kind}: "), "    ")?;
    }
    Ok(())
}

/// The audit as text.
pub(super) fn text(out: &mut dyn Write, audit: &Audit, policy: &Policy, options: &Options) -> io::Result<()> {
    let p = Painter { color: options.color };
    let bold = Style::new().bold();
    let dim = Style::new().dimmed();
    let width = options.width;
    let r = &audit.repository;
    let st = &r.statistics;
    let disk = st.disk_bytes();
    let headline = format!(
        "pushgate audit: {} commit{} from {} ref{}; {} object{}, {} on disk ({} whole)",
        r.commits,
        plural(r.commits),
        r.refs,
        plural(r.refs),
        st.objects(),
        plural(st.objects()),
        human_size(disk),
        human_size(st.unpacked_bytes())
    );
    for (i, line) in wrap_at(&headline, "; ", width.saturating_sub(2)).iter().enumerate() {
        writeln!(out, "{}{}", if i == 0 { "" } else { "  " }, p.paint(bold, line))?;
    }
    writeln!(out)?;
    wrapped(
        out,
        "Where the space goes (packed bytes of the offending paths' versions, each counted once):",
        width,
        "",
        "  ",
    )?;
    // On a narrow terminal the patterns go by their keys.
    let narrow = width < 96;
    let label = if narrow { 14 } else { 56 };
    for s in &audit.patterns {
        writeln!(
            out,
            "  {:<label$} {:>10}  {:>6}  {} path{}",
            if narrow {
                s.pattern.key().to_owned()
            } else {
                format!("{} ({})", s.pattern.title(), s.pattern.key())
            },
            human_size(s.packed),
            percent(s.packed, disk),
            s.paths,
            plural(s.paths)
        )?;
    }
    if r.unreachable.objects > 0 {
        writeln!(
            out,
            "  {:<label$} {:>10}  {:>6}  {} object{}",
            if narrow {
                "unreachable"
            } else {
                "Unreachable (no ref reaches them)"
            },
            human_size(r.unreachable.packed),
            percent(r.unreachable.packed, disk),
            r.unreachable.objects,
            plural(r.unreachable.objects)
        )?;
    }
    writeln!(out, "  {}", counts(&audit.outcome.summary))?;

    for pattern in Pattern::ALL {
        let listing = listed(audit, pattern, options.verbose, true, PER_PATTERN);
        if listing.total == 0 {
            continue;
        }
        writeln!(out)?;
        writeln!(
            out,
            "{}",
            p.paint(bold, &format!("{} ({})", pattern.title(), pattern.key()))
        )?;
        for o in &listing.shown {
            let rules: Vec<String> = o.rules.iter().map(ToString::to_string).collect();
            let rules = rules.join(", ");
            let path = sanitize(&o.path);
            writeln!(out, "  {} {path}  {}", p.level(o.level), p.paint(dim, &rules))?;
            let mut parts = vec![history(o), sizes(o)];
            parts.extend(reached(o));
            let parts = parts.join(" · ");
            for line in wrap_at(&parts, " · ", width.saturating_sub(7)) {
                writeln!(out, "       {line}")?;
            }
            if let Some(step) = &o.first_step {
                fix(out, &p, 7, 1, step, width)?;
            }
        }
        if listing.hidden > 0 {
            let lead = if listing.shown.is_empty() { "" } else { "… " };
            writeln!(out, "  {lead}{} (--verbose lists them all)", listing.more())?;
        }
        for text in audit_suggestions(audit, pattern, policy.suggestion(pattern)) {
            instead(out, &p, text, width)?;
        }
    }

    text_plan(out, audit, &p, options.verbose, width)?;

    writeln!(out)?;
    writeln!(
        out,
        "{}",
        p.paint(
            bold,
            "Overview (objects the refs reach; levels of concern on git-sizer's scales)"
        )
    )?;
    for (label, parts) in super::overview::lines(&audit.overview, options.verbose) {
        for (i, line) in wrap_at(&parts.join(" · "), " · ", width.saturating_sub(13))
            .iter()
            .enumerate()
        {
            let label = if i == 0 { label } else { "" };
            writeln!(out, "  {label:<10} {line}")?;
        }
    }

    writeln!(out)?;
    writeln!(out, "{}", p.paint(bold, "Object database"))?;
    writeln!(
        out,
        "  {:<8} {:>12} {:>12} {:>12}",
        "kind", "objects", "packed", "whole"
    )?;
    for (kind, c) in &st.kinds {
        writeln!(
            out,
            "  {:<8} {:>12} {:>12} {:>12}",
            format!("{kind:?}").to_lowercase(),
            c.objects,
            human_size(c.packed),
            human_size(c.unpacked)
        )?;
    }
    writeln!(
        out,
        "  {} pack{} ({}), {} loose object{} ({})",
        st.packs,
        plural(st.packs),
        human_size(st.pack_bytes),
        st.loose.objects,
        plural(st.loose.objects),
        human_size(st.loose.packed)
    )?;
    if r.absent_blobs > 0 {
        writeln!(
            out,
            "  {} reachable blob{} absent (partial clone): their sizes are unknown",
            r.absent_blobs,
            plural(r.absent_blobs)
        )?;
    }
    writeln!(out, "  delta chains: {}", depth_buckets(st).join(", "))?;
    if !st.deepest.is_empty() {
        let shown = if options.verbose {
            st.deepest.len()
        } else {
            st.deepest.len().min(3)
        };
        writeln!(out, "  deepest chains of large objects:")?;
        for c in st.deepest.iter().take(shown) {
            writeln!(
                out,
                "    depth {:>4}  {:>10}  {} ({})",
                c.depth,
                human_size(c.size),
                c.path
                    .as_deref()
                    .map(|p| sanitize(p.as_bytes()))
                    .unwrap_or_else(|| "?".into()),
                c.id.to_hex_with_len(10)
            )?;
        }
        if st.deepest.len() > shown {
            writeln!(
                out,
                "    … and {} more (--verbose lists them all)",
                st.deepest.len() - shown
            )?;
        }
    }
    if !audit.outcome.notices.is_empty() {
        writeln!(out)?;
        writeln!(out, "{}", p.paint(bold, "Notices"))?;
        text_notices(out, audit, options.verbose, width)?;
    }
    Ok(())
}

/// Entries by chain depth, bucketed: `0: 1,234 (whole)`, `1-9: …`, `10-49: …`, `50+: …`.
pub(super) fn depth_buckets(st: &crate::packs::Statistics) -> Vec<String> {
    let buckets: [(u32, u32, &str); 4] = [(0, 0, "whole"), (1, 9, "1-9"), (10, 49, "10-49"), (50, u32::MAX, "50+")];
    let mut parts: Vec<String> = buckets
        .iter()
        .map(|&(lo, hi, name)| {
            let n: u64 = st.depths.range(lo..=hi).map(|(_, n)| n).sum();
            format!("{name}: {n}")
        })
        .collect();
    if let Some(max) = st.depths.keys().next_back() {
        parts.push(format!("deepest {max}"));
    }
    parts
}

/// The audit as markdown.
pub(super) fn markdown(out: &mut dyn Write, audit: &Audit, verbose: bool) -> io::Result<()> {
    let r = &audit.repository;
    let st = &r.statistics;
    let disk = st.disk_bytes();
    writeln!(out, "## pushgate audit")?;
    writeln!(out)?;
    writeln!(
        out,
        "{} commit{} from {} ref{}; {} objects, {} on disk ({} whole). {}.",
        r.commits,
        plural(r.commits),
        r.refs,
        plural(r.refs),
        st.objects(),
        human_size(disk),
        human_size(st.unpacked_bytes()),
        counts(&audit.outcome.summary)
    )?;
    writeln!(out)?;
    writeln!(out, "| Pattern | Paths | Packed | Share |")?;
    writeln!(out, "|---|---:|---:|---:|")?;
    for s in &audit.patterns {
        writeln!(
            out,
            "| {} | {} | {} | {} |",
            s.pattern.title(),
            s.paths,
            human_size(s.packed),
            percent(s.packed, disk)
        )?;
    }
    if r.unreachable.objects > 0 {
        writeln!(
            out,
            "| Unreachable objects | {} | {} | {} |",
            r.unreachable.objects,
            human_size(r.unreachable.packed),
            percent(r.unreachable.packed, disk)
        )?;
    }
    for pattern in Pattern::ALL {
        let listing = listed(audit, pattern, verbose, false, PER_PATTERN);
        let (offenders, hidden) = (listing.shown, listing.hidden);
        if offenders.is_empty() {
            continue;
        }
        writeln!(out)?;
        writeln!(out, "### {}", pattern.title())?;
        writeln!(out)?;
        writeln!(out, "| Level | Path | Rules | History | Packed | Whole |")?;
        writeln!(out, "|---|---|---|---|---:|---:|")?;
        for o in offenders {
            let rules: Vec<String> = o.rules.iter().map(ToString::to_string).collect();
            writeln!(
                out,
                "| {} | {} | {} | {} | {} | {} |",
                o.level,
                escape(&sanitize(&o.path)),
                rules.join(", "),
                escape(
                    &[history(o)]
                        .into_iter()
                        .chain(reached(o))
                        .collect::<Vec<_>>()
                        .join(" · ")
                ),
                human_size(o.packed),
                human_size(o.unpacked)
            )?;
        }
        if hidden > 0 {
            writeln!(out)?;
            writeln!(out, "… and {hidden} more path{}.", plural(hidden as u64))?;
        }
        writeln!(out)?;
        for (i, text) in audit_suggestions(audit, pattern, "").into_iter().enumerate() {
            if i > 0 {
                writeln!(out)?;
            }
            writeln!(out, "**Instead:** {}", escape(text))?;
        }
    }
    let plan = &audit.plan;
    if !plan.steps.is_empty() {
        writeln!(out)?;
        writeln!(out, "### Fix plan")?;
        if let Some(warning) = &plan.rewrite_warning {
            writeln!(out)?;
            writeln!(out, "> {}", escape(warning))?;
        }
        for (i, step) in plan.steps.iter().enumerate() {
            writeln!(out)?;
            writeln!(out, "{}. {}", i + 1, escape(&step_title(step, verbose)))?;
            let mut block = Vec::new();
            if step.action == "remove" {
                block.push(format!("cat > {PATHS_FILE} <<'PUSHGATE_PATHS'"));
                block.extend(step.lines.iter().cloned());
                block.push("PUSHGATE_PATHS".into());
            }
            block.extend(step.command.iter().cloned());
            if !block.is_empty() {
                writeln!(out)?;
                writeln!(out, "   ```sh")?;
                for line in block {
                    writeln!(out, "   {line}")?;
                }
                writeln!(out, "   ```")?;
            }
        }
    }
    writeln!(out)?;
    writeln!(out, "### Overview")?;
    writeln!(out)?;
    writeln!(
        out,
        "Objects the refs reach; levels of concern on git-sizer's scales (one star per scale)."
    )?;
    writeln!(out)?;
    for (label, parts) in super::overview::lines(&audit.overview, verbose) {
        writeln!(out, "- **{label}**: {}", parts.join(" · "))?;
    }
    writeln!(out)?;
    writeln!(out, "### Object database")?;
    writeln!(out)?;
    writeln!(out, "| Kind | Objects | Packed | Whole |")?;
    writeln!(out, "|---|---:|---:|---:|")?;
    for (kind, c) in &st.kinds {
        writeln!(
            out,
            "| {} | {} | {} | {} |",
            format!("{kind:?}").to_lowercase(),
            c.objects,
            human_size(c.packed),
            human_size(c.unpacked)
        )?;
    }
    writeln!(out)?;
    writeln!(out, "Delta chains: {}.", depth_buckets(st).join(", "))?;
    Ok(())
}

/// What the offenders of `pattern` are told to use instead, each distinct text once (the
/// pattern's own `fallback` for offenders that carry none).
pub(super) fn audit_suggestions<'a>(audit: &'a Audit, pattern: Pattern, fallback: &'a str) -> Vec<&'a str> {
    let mut out: Vec<&str> = Vec::new();
    for o in audit.offenders.iter().filter(|o| o.pattern == pattern) {
        let text = if o.suggestion.trim().is_empty() {
            fallback
        } else {
            o.suggestion.as_str()
        };
        if !text.is_empty() && !out.contains(&text) {
            out.push(text);
        }
    }
    out
}

/// What the plan leaves as it is, one phrase each (info offenders, source files).
pub(super) fn left_as_they_are(plan: &Plan) -> Vec<String> {
    let mut left = Vec::new();
    if plan.left_info > 0 {
        left.push(format!(
            "{} info offender{} (a plan covers warn and deny findings)",
            plan.left_info,
            plural(plan.left_info)
        ));
    }
    if plan.left_source > 0 {
        left.push(format!(
            "{} source file{} (a plan never removes source code)",
            plan.left_source,
            plural(plan.left_source)
        ));
    }
    left
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_are_cut_unless_verbose() {
        let items: Vec<String> = (1..=8).map(|i| format!("p{i}")).collect();
        assert_eq!(some(&items, false), "p1, p2, p3, p4, p5 and 3 more");
        assert_eq!(some(&items, true), items.join(", "));
    }
}
