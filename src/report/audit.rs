//! The audit's report: a one-screen summary (the repository's size and what each misuse
//! accounts for), the top offenders of each pattern with what to use instead, the fix plan,
//! and the object database's statistics. Text and markdown for people; JSON is the scan's
//! document plus an `audit` section.

use std::io::{self, Write};

use anstyle::Style;
use serde::Serialize;

use super::markdown::escape;
use super::plural;
use super::text::Painter;
use crate::audit::{Audit, Offender, REWRITE_WARNING, Repository, Share};
use crate::finding::Pattern;
use crate::policy::Policy;
use crate::util::{human_size, sanitize, wrap};

/// Offenders listed per pattern unless `verbose`.
pub const PER_PATTERN: usize = 10;

/// Render the audit in `format` (text, JSON or markdown; the other formats are the scan's and
/// render its findings).
pub fn render(out: &mut dyn Write, audit: &Audit, policy: &Policy, options: &super::Options) -> io::Result<()> {
    match options.format {
        super::Format::Text => text(out, audit, policy, options),
        super::Format::Json => json(out, audit),
        super::Format::Markdown => markdown(out, audit, options.verbose),
        _ => super::render(out, &audit.outcome, policy, options),
    }
}

#[derive(Serialize)]
struct Section<'a> {
    repository: &'a Repository,
    patterns: &'a [Share],
    offenders: &'a [Offender],
    rewrite_warning: &'static str,
}

fn json(out: &mut dyn Write, audit: &Audit) -> io::Result<()> {
    let section = serde_json::to_value(Section {
        repository: &audit.repository,
        patterns: &audit.patterns,
        offenders: &audit.offenders,
        rewrite_warning: REWRITE_WARNING,
    })
    .map_err(io::Error::other)?;
    super::json::render_with(out, &audit.outcome, Some(section))
}

/// `12.5%` of `total`.
fn share(part: u64, total: u64) -> String {
    if total == 0 {
        return "0%".into();
    }
    format!("{:.1}%", part as f64 * 100.0 / total as f64)
}

fn date(t: Option<i64>) -> String {
    t.and_then(|t| jiff::Timestamp::from_second(t).ok())
        .map(|ts| ts.strftime("%Y-%m-%d").to_string())
        .unwrap_or_else(|| "?".into())
}

/// `12 versions · 2024-01-01..2024-03-01 · 60 changes, every 1 h`.
fn history(o: &Offender) -> String {
    let mut parts = vec![format!("{} version{}", o.versions, plural(o.versions))];
    if o.changes > 0 {
        parts.push(format!("{}..{}", date(o.first_change), date(o.last_change)));
        let mut changes = format!("{} change{}", o.changes, plural(o.changes));
        if let Some(cadence) = &o.cadence {
            changes.push_str(&format!(", every {cadence}"));
        }
        parts.push(changes);
    }
    parts.join(" · ")
}

fn sizes(o: &Offender) -> String {
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

/// The offenders a report lists: the costliest `PER_PATTERN` per pattern unless `verbose`.
fn listed(audit: &Audit, pattern: Pattern, verbose: bool) -> (Vec<&Offender>, usize) {
    let all: Vec<&Offender> = audit.offenders.iter().filter(|o| o.pattern == pattern).collect();
    let shown = if verbose { all.len() } else { all.len().min(PER_PATTERN) };
    let hidden = all.len() - shown;
    (all.into_iter().take(shown).collect(), hidden)
}

/// The fix plan: each offender's command, largest savings first.
fn plan(audit: &Audit, verbose: bool) -> (Vec<&Offender>, usize) {
    let mut steps: Vec<&Offender> = audit.offenders.iter().collect();
    steps.sort_by(|a, b| (b.fix.saves, &a.path).cmp(&(a.fix.saves, &b.path)));
    // One command per path: a path two patterns report needs one rewrite.
    let mut seen = std::collections::HashSet::new();
    steps.retain(|o| seen.insert(&o.path));
    let shown = if verbose {
        steps.len()
    } else {
        steps.len().min(PER_PATTERN * 2)
    };
    let hidden = steps.len() - shown;
    steps.truncate(shown);
    (steps, hidden)
}

fn text(out: &mut dyn Write, audit: &Audit, policy: &Policy, options: &super::Options) -> io::Result<()> {
    let p = Painter { color: options.color };
    let bold = Style::new().bold();
    let dim = Style::new().dimmed();
    let r = &audit.repository;
    let st = &r.statistics;
    let disk = st.disk_bytes();
    writeln!(
        out,
        "{}",
        p.paint(
            bold,
            &format!(
                "pushgate audit: {} commit{} from {} ref{}; {} object{}, {} on disk ({} whole)",
                r.commits,
                plural(r.commits),
                r.refs,
                plural(r.refs),
                st.objects(),
                plural(st.objects()),
                human_size(disk),
                human_size(st.unpacked_bytes())
            )
        )
    )?;
    writeln!(out)?;
    writeln!(
        out,
        "Where the space goes (packed bytes of the offending paths' versions):"
    )?;
    for s in &audit.patterns {
        writeln!(
            out,
            "  {:<56} {:>10}  {:>6}  {} path{}",
            format!("{} ({})", s.pattern.title(), s.pattern.key()),
            human_size(s.packed),
            share(s.packed, disk),
            s.paths,
            plural(s.paths)
        )?;
    }
    if r.unreachable.objects > 0 {
        writeln!(
            out,
            "  {:<56} {:>10}  {:>6}  {} object{}",
            "Unreachable (no ref reaches them)",
            human_size(r.unreachable.packed),
            share(r.unreachable.packed, disk),
            r.unreachable.objects,
            plural(r.unreachable.objects)
        )?;
    }
    writeln!(out, "  {}", super::counts(&audit.outcome.summary))?;

    for pattern in Pattern::ALL {
        let (offenders, hidden) = listed(audit, pattern, options.verbose);
        if offenders.is_empty() {
            continue;
        }
        writeln!(out)?;
        writeln!(
            out,
            "{}",
            p.paint(bold, &format!("{} ({})", pattern.title(), pattern.key()))
        )?;
        for o in offenders {
            let rules: Vec<String> = o.rules.iter().map(ToString::to_string).collect();
            writeln!(
                out,
                "  {} {}  {}",
                p.level(o.level),
                sanitize(&o.path),
                p.paint(dim, &rules.join(", "))
            )?;
            writeln!(out, "       {} · {}", history(o), sizes(o))?;
            if let Some(step) = first_step(audit, o) {
                super::text::fix(out, &p, 7, 1, &step)?;
            }
        }
        if hidden > 0 {
            writeln!(
                out,
                "  … and {hidden} more path{} (--verbose lists them all)",
                plural(hidden as u64)
            )?;
        }
        super::text::instead(out, &p, policy.suggestion(pattern))?;
    }

    let (steps, hidden) = plan(audit, options.verbose);
    if !steps.is_empty() {
        writeln!(out)?;
        writeln!(out, "{}", p.paint(bold, "Fix plan (run in a fresh mirror clone)"))?;
        for line in wrap(REWRITE_WARNING, 92) {
            writeln!(out, "  {}", p.paint(dim, &line))?;
        }
        for o in steps {
            writeln!(out, "  {:>10}  {}", human_size(o.fix.saves), o.fix.command)?;
        }
        if hidden > 0 {
            writeln!(out, "  … and {hidden} more (--verbose lists them all)")?;
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
        writeln!(out, "  deepest chains of large objects:")?;
        for c in &st.deepest {
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
    }
    if !audit.outcome.notices.is_empty() {
        writeln!(out)?;
        writeln!(out, "{}", p.paint(bold, "Notices"))?;
        for n in &audit.outcome.notices {
            writeln!(out, "  {}: {}", n.kind, sanitize(n.message.as_bytes()))?;
        }
    }
    Ok(())
}

/// Entries by chain depth, bucketed: `0: 1,234 (whole)`, `1-9: …`, `10-49: …`, `50+: …`.
fn depth_buckets(st: &crate::packs::Statistics) -> Vec<String> {
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

fn markdown(out: &mut dyn Write, audit: &Audit, verbose: bool) -> io::Result<()> {
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
        super::counts(&audit.outcome.summary)
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
            share(s.packed, disk)
        )?;
    }
    if r.unreachable.objects > 0 {
        writeln!(
            out,
            "| Unreachable objects | {} | {} | {} |",
            r.unreachable.objects,
            human_size(r.unreachable.packed),
            share(r.unreachable.packed, disk)
        )?;
    }
    for pattern in Pattern::ALL {
        let (offenders, hidden) = listed(audit, pattern, verbose);
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
                escape(&history(o)),
                human_size(o.packed),
                human_size(o.unpacked)
            )?;
        }
        if hidden > 0 {
            writeln!(out)?;
            writeln!(out, "… and {hidden} more path{}.", plural(hidden as u64))?;
        }
        writeln!(out)?;
        writeln!(out, "**Instead:** {}", escape(&audit_suggestion(audit, pattern)))?;
    }
    let (steps, hidden) = plan(audit, verbose);
    if !steps.is_empty() {
        writeln!(out)?;
        writeln!(out, "### Fix plan")?;
        writeln!(out)?;
        writeln!(out, "> {}", escape(REWRITE_WARNING))?;
        writeln!(out)?;
        writeln!(out, "```sh")?;
        for o in steps {
            writeln!(out, "{}  # frees {}", o.fix.command, human_size(o.fix.saves))?;
        }
        writeln!(out, "```")?;
        if hidden > 0 {
            writeln!(out, "… and {hidden} more.")?;
        }
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

/// The first step of the most severe finding about an offender's path.
fn first_step(audit: &Audit, o: &crate::audit::Offender) -> Option<String> {
    audit
        .outcome
        .findings
        .iter()
        .filter(|f| f.pattern == o.pattern && f.path.as_ref() == Some(&o.path))
        .max_by_key(|f| f.level)
        .map(|f| f.first_step())
}

fn audit_suggestion(audit: &Audit, pattern: Pattern) -> String {
    audit
        .offenders
        .iter()
        .find(|o| o.pattern == pattern)
        .map(|o| o.suggestion.clone())
        .unwrap_or_default()
}
