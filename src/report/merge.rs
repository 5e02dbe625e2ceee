//! `pushgate report merge`: the merged fleet ([`Merged`]) in text (a terminal's screen or
//! two), JSON (all of it), markdown (an issue or a wiki page) or HTML (one self-contained page
//! with charts, built from the audit page's parts in [`html`](super::html)).

use std::fmt::Write as _;
use std::io::{self, Write};

use anstyle::Style;
use serde::Serialize;

use super::common::{Painter, escape_html, escape_markdown as escape, plural, wrap_at, wrapped};
use super::format::{Format, Options};
use super::html::{foot, head, repo_text, swatch, swatch_of, table};
use super::svg::{self, Bar};
use crate::fleet::merge::{Merged, Offender};
use crate::fleet::result::Tool;
use crate::outcome::Level;
use crate::util::{human_size, percent, sanitize};

/// The formats `report merge` writes.
pub(crate) const FORMATS: [Format; 4] = [Format::Text, Format::Json, Format::Markdown, Format::Html];

/// The merged document's schema version (`--format json`).
pub(crate) const VERSION: u32 = 1;

/// Repositories, offenders and failures the text lists unless `verbose`.
const TEXT_SHOWN: usize = 10;

/// … and markdown and HTML's tables.
const MARKDOWN_SHOWN: usize = 25;

/// Repositories the HTML page's chart shows (its table lists more).
const CHART_SHOWN: usize = 15;

/// Render `merged` in `options.format` (one of [`FORMATS`]).
pub(crate) fn render(out: &mut dyn Write, merged: &Merged, options: &Options) -> io::Result<()> {
    match options.format {
        Format::Text => text(out, merged, options),
        Format::Json => json(out, merged),
        Format::Markdown => markdown(out, merged, options.verbose),
        Format::Html => html(out, merged, options.verbose),
        other => Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("`pushgate report merge` does not write {}", other.name()),
        )),
    }
}

#[derive(Serialize)]
struct Document<'a> {
    version: u32,
    tool: Tool,
    #[serde(flatten)]
    merged: &'a Merged,
}

fn json(out: &mut dyn Write, merged: &Merged) -> io::Result<()> {
    let doc = Document {
        version: VERSION,
        tool: Tool::this(),
        merged,
    };
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    writeln!(out)
}

/// `5 repositories: 4 audited, 1 failed`.
fn headline(merged: &Merged) -> String {
    let t = &merged.totals;
    format!(
        "{} repositor{}: {} audited, {} failed",
        t.repositories,
        if t.repositories == 1 { "y" } else { "ies" },
        t.ok,
        t.failed
    )
}

/// `3.2 MiB on disk; fixes free 2.9 MiB (90.6%)`.
fn sizes(merged: &Merged) -> String {
    let t = &merged.totals;
    format!(
        "{} on disk; fixes free {} ({})",
        human_size(t.disk),
        human_size(t.frees),
        percent(t.frees, t.disk)
    )
}

/// `5 findings (3 deny, 2 warn, 0 info); 3 repositories fail their policy`.
fn findings(merged: &Merged) -> String {
    let t = &merged.totals;
    format!(
        "{} finding{} ({} deny, {} warn, {} info); {} repositor{} with findings at a failing level",
        t.findings,
        plural(t.findings),
        t.deny,
        t.warn,
        t.info,
        t.failing,
        if t.failing == 1 { "y" } else { "ies" },
    )
}

/// The offenders a report lists: the costliest `shown`, warn and deny only unless `verbose`;
/// and how many warn or deny and info ones it leaves out.
fn listed(merged: &Merged, shown: usize, verbose: bool) -> (Vec<&Offender>, usize, usize) {
    if verbose {
        return (merged.offenders.iter().collect(), 0, 0);
    }
    let loud: Vec<&Offender> = merged.offenders.iter().filter(|o| o.level > Level::Info).collect();
    let info = merged.offenders.len() - loud.len();
    let more = loud.len().saturating_sub(shown);
    (loud.into_iter().take(shown).collect(), more, info)
}

/// `… and 3 more, and 12 info offenders (--verbose lists them all)`.
fn left_out(more: usize, info: usize) -> Option<String> {
    let mut parts = Vec::new();
    if more > 0 {
        parts.push(format!("{more} more"));
    }
    if info > 0 {
        parts.push(format!("{info} info offender{}", plural(info as u64)));
    }
    (!parts.is_empty()).then(|| format!("… and {} (--verbose lists them all)", parts.join(", and ")))
}

/// What a fix does, in a few words.
fn action(o: &Offender) -> &str {
    match o.action.as_deref() {
        Some("remove") => "remove from history",
        Some("move-out") => "move out, then remove",
        Some("move-to-lfs") => "move to Git LFS",
        Some("ask-host") => "ask the host",
        Some("prune-unreachable") => "prune",
        Some(other) => other,
        None => "left as it is",
    }
}

fn text(out: &mut dyn Write, merged: &Merged, options: &Options) -> io::Result<()> {
    let p = Painter { color: options.color };
    let bold = Style::new().bold();
    let dim = Style::new().dimmed();
    let width = options.width;
    let verbose = options.verbose;
    writeln!(
        out,
        "{}",
        p.paint(bold, &format!("pushgate fleet: {}", headline(merged)))
    )?;
    if merged.totals.ok > 0 {
        wrapped(out, &sizes(merged), width, "  ", "  ")?;
        wrapped(out, &findings(merged), width, "  ", "  ")?;
    }

    if !merged.repositories.is_empty() {
        writeln!(out)?;
        writeln!(out, "{}", p.paint(bold, "Repositories, by what a fix frees"))?;
        writeln!(
            out,
            "  {:>10}  {:>10}  {:>5} {:>5} {:>5}  repository",
            "frees", "disk", "deny", "warn", "info"
        )?;
        let shown = if verbose { merged.repositories.len() } else { TEXT_SHOWN };
        for r in merged.repositories.iter().take(shown) {
            writeln!(
                out,
                "  {:>10}  {:>10}  {:>5} {:>5} {:>5}  {}",
                human_size(r.frees),
                human_size(r.disk),
                r.deny,
                r.warn,
                r.info,
                sanitize(r.repository.as_bytes())
            )?;
        }
        let more = merged.repositories.len().saturating_sub(shown);
        if more > 0 {
            writeln!(out, "  … and {more} more (--verbose lists them all)")?;
        }

        writeln!(out)?;
        writeln!(out, "{}", p.paint(bold, "Patterns across the fleet"))?;
        // On a narrow terminal the patterns go by their keys.
        let label = if width < 96 { 12 } else { 56 };
        writeln!(
            out,
            "  {:<label$} {:>12} {:>7} {:>10} {:>10}",
            "pattern", "repositories", "paths", "packed", "whole"
        )?;
        for t in &merged.patterns {
            let name = if width < 96 {
                t.pattern.key().to_owned()
            } else {
                format!("{} ({})", t.pattern.title(), t.pattern.key())
            };
            writeln!(
                out,
                "  {name:<label$} {:>12} {:>7} {:>10} {:>10}",
                t.repositories,
                t.paths,
                human_size(t.packed),
                human_size(t.unpacked)
            )?;
        }

        let (offenders, more, info) = listed(merged, TEXT_SHOWN, verbose);
        let left = left_out(more, info);
        if !offenders.is_empty() || left.is_some() {
            writeln!(out)?;
            writeln!(out, "{}", p.paint(bold, "Top offenders, by what a fix frees"))?;
        }
        let indent = " ".repeat(19);
        for o in offenders {
            writeln!(
                out,
                "  {} {:>10}  {}",
                p.level(o.level),
                human_size(o.frees),
                sanitize(o.path.as_bytes())
            )?;
            let details = format!(
                "{} ({}) · {} version{}, {} packed · {} · in {}",
                o.pattern.key(),
                o.rules.join(", "),
                o.versions,
                plural(o.versions),
                human_size(o.packed),
                action(o),
                sanitize(o.repository.as_bytes()),
            );
            for line in wrap_at(&details, " · ", width.saturating_sub(indent.len()).max(20)) {
                writeln!(out, "{indent}{}", p.paint(dim, &line))?;
            }
        }
        if let Some(left) = left {
            writeln!(out, "  {left}")?;
        }
    }

    if !merged.failed.is_empty() {
        writeln!(out)?;
        writeln!(out, "{}", p.paint(bold, &format!("Failed ({})", merged.failed.len())))?;
        let shown = if verbose { merged.failed.len() } else { TEXT_SHOWN };
        for f in merged.failed.iter().take(shown) {
            let text = format!(
                "{}: {}",
                sanitize(f.repository.as_bytes()),
                sanitize(f.reason.as_bytes())
            );
            wrapped(out, &text, width, "  ", "    ")?;
        }
        let more = merged.failed.len().saturating_sub(shown);
        if more > 0 {
            writeln!(out, "  … and {more} more (--verbose lists them all)")?;
        }
    }

    if !merged.skipped.is_empty() {
        writeln!(out)?;
        writeln!(
            out,
            "{}",
            p.paint(bold, &format!("Not read ({})", merged.skipped.len()))
        )?;
        for s in &merged.skipped {
            let text = format!("{}: {}", sanitize(s.file.as_bytes()), sanitize(s.reason.as_bytes()));
            wrapped(out, &text, width, "  ", "    ")?;
        }
    }
    Ok(())
}

/// A repository or a path for a table cell: in a code span, so that GitLab's `@hashed/…` or a
/// package's `@types/…` mentions nobody; escaped text when a backtick or a `|` would end it.
fn code(text: &str) -> String {
    let text = sanitize(text.as_bytes());
    if text.contains(['`', '|']) {
        escape(&text)
    } else {
        format!("`{text}`")
    }
}

fn markdown(out: &mut dyn Write, merged: &Merged, verbose: bool) -> io::Result<()> {
    let cell = |text: &str| escape(&sanitize(text.as_bytes()));
    writeln!(out, "## pushgate fleet")?;
    writeln!(out)?;
    if merged.totals.ok > 0 {
        writeln!(out, "{}. {}. {}.", headline(merged), sizes(merged), findings(merged))?;
    } else {
        writeln!(out, "{}.", headline(merged))?;
    }
    if !merged.repositories.is_empty() {
        writeln!(out)?;
        writeln!(out, "### Repositories, by what a fix frees")?;
        writeln!(out)?;
        writeln!(out, "| # | Repository | Frees | Disk | Deny | Warn | Info | Fix plan |")?;
        writeln!(out, "|---:|---|---:|---:|---:|---:|---:|---|")?;
        let shown = if verbose {
            merged.repositories.len()
        } else {
            MARKDOWN_SHOWN
        };
        for (i, r) in merged.repositories.iter().take(shown).enumerate() {
            writeln!(
                out,
                "| {} | {} | {} | {} | {} | {} | {} | {} |",
                i + 1,
                code(&r.repository),
                human_size(r.frees),
                human_size(r.disk),
                r.deny,
                r.warn,
                r.info,
                cell(&r.steps.join(", "))
            )?;
        }
        let more = merged.repositories.len().saturating_sub(shown);
        if more > 0 {
            writeln!(out)?;
            writeln!(
                out,
                "… and {more} more repositor{}.",
                if more == 1 { "y" } else { "ies" }
            )?;
        }

        writeln!(out)?;
        writeln!(out, "### Patterns across the fleet")?;
        writeln!(out)?;
        writeln!(out, "| Pattern | Repositories | Paths | Packed | Whole |")?;
        writeln!(out, "|---|---:|---:|---:|---:|")?;
        for t in &merged.patterns {
            writeln!(
                out,
                "| {} | {} | {} | {} | {} |",
                t.pattern.title(),
                t.repositories,
                t.paths,
                human_size(t.packed),
                human_size(t.unpacked)
            )?;
        }

        let (offenders, more, info) = listed(merged, MARKDOWN_SHOWN, verbose);
        if !offenders.is_empty() {
            writeln!(out)?;
            writeln!(out, "### Top offenders, by what a fix frees")?;
            writeln!(out)?;
            writeln!(
                out,
                "| Level | Repository | Path | Pattern | Rules | Versions | Packed | Frees | Fix |"
            )?;
            writeln!(out, "|---|---|---|---|---|---:|---:|---:|---|")?;
            for o in offenders {
                writeln!(
                    out,
                    "| {} | {} | {} | {} | {} | {} | {} | {} | {} |",
                    o.level,
                    code(&o.repository),
                    code(&o.path),
                    o.pattern.key(),
                    cell(&o.rules.join(", ")),
                    o.versions,
                    human_size(o.packed),
                    human_size(o.frees),
                    action(o)
                )?;
            }
            if let Some(left) = left_out(more, info) {
                writeln!(out)?;
                writeln!(out, "{left}")?;
            }
        }
    }
    if !merged.failed.is_empty() {
        writeln!(out)?;
        writeln!(out, "### Failed ({})", merged.failed.len())?;
        writeln!(out)?;
        writeln!(out, "| Repository | Reason |")?;
        writeln!(out, "|---|---|")?;
        for f in &merged.failed {
            writeln!(out, "| {} | {} |", code(&f.repository), cell(&f.reason))?;
        }
    }
    if !merged.skipped.is_empty() {
        writeln!(out)?;
        writeln!(out, "### Not read ({})", merged.skipped.len())?;
        writeln!(out)?;
        for s in &merged.skipped {
            writeln!(out, "- {}: {}", code(&s.file), cell(&s.reason))?;
        }
    }
    Ok(())
}

/// `… and 3 more repositories (--verbose lists them all; --format json has every one).` under
/// an HTML table cut at `shown` of `total`.
fn more_rows(h: &mut String, shown: usize, total: usize, what: &str) {
    if total > shown {
        let _ = writeln!(
            h,
            "<p class=\"muted\">… and {} more {what} (--verbose lists them all; --format json has every one).</p>",
            total - shown
        );
    }
}

fn html(out: &mut dyn Write, merged: &Merged, verbose: bool) -> io::Result<()> {
    let mut h = String::with_capacity(32 * 1024);
    head(&mut h, "pushgate fleet");
    let _ = writeln!(
        h,
        "<header>\n<h1>pushgate fleet</h1>\n<p>{}.</p>",
        escape_html(&headline(merged))
    );
    if merged.totals.ok > 0 {
        let _ = writeln!(
            h,
            "<p>{}.</p>\n<p>{}.</p>",
            escape_html(&sizes(merged)),
            escape_html(&findings(merged))
        );
    }
    let mut nav = Vec::new();
    if !merged.repositories.is_empty() {
        nav.extend([
            ("repositories", "Repositories"),
            ("patterns", "Patterns"),
            ("offenders", "Top offenders"),
        ]);
    }
    if !merged.failed.is_empty() {
        nav.push(("failed", "Failed"));
    }
    if !merged.skipped.is_empty() {
        nav.push(("skipped", "Not read"));
    }
    if !nav.is_empty() {
        h.push_str("<nav>");
        for (id, name) in nav {
            let _ = write!(h, "<a href=\"#{id}\">{name}</a>");
        }
        h.push_str("</nav>\n");
    }
    h.push_str("</header>\n");
    if merged.repositories.is_empty() {
        h.push_str("<p class=\"muted\">No repository was audited: nothing to rank.</p>\n");
    } else {
        html_repositories(&mut h, merged, verbose);
        html_patterns(&mut h, merged);
        html_offenders(&mut h, merged, verbose);
    }
    html_failed(&mut h, merged);
    html_skipped(&mut h, merged);
    foot(
        &mut h,
        &format!(
            "Written by pushgate {} from {} result{}.",
            env!("CARGO_PKG_VERSION"),
            merged.totals.repositories,
            plural(merged.totals.repositories)
        ),
    );
    out.write_all(h.as_bytes())
}

fn html_repositories(h: &mut String, merged: &Merged, verbose: bool) {
    let repos = &merged.repositories;
    h.push_str("<section id=\"repositories\">\n<h2>Repositories, by what a fix frees</h2>\n");
    let charted = repos.len().min(CHART_SHOWN);
    let rows: Vec<Bar> = repos
        .iter()
        .take(charted)
        .map(|r| {
            let key = sanitize(r.repository.as_bytes());
            Bar {
                tip: format!(
                    "{key}: a fix frees {} of {} on disk ({})\n{} deny, {} warn, {} info",
                    human_size(r.frees),
                    human_size(r.disk),
                    percent(r.frees, r.disk),
                    r.deny,
                    r.warn,
                    r.info
                ),
                label: key,
                class: "frees",
                value: r.frees,
                track: Some(r.disk),
                note: human_size(r.frees),
            }
        })
        .collect();
    if let Some(chart) = svg::bars(
        "Repositories by the bytes a fix frees, beside their size on disk",
        &rows,
    ) {
        let which = if charted < repos.len() {
            format!("The {charted} that free the most")
        } else {
            "Each repository".to_owned()
        };
        let _ = writeln!(
            h,
            "<figure>\n<figcaption>{which}: what its fix plan frees <span class=\"note\">(packed bytes), beside its object database on disk</span></figcaption>\n{chart}\n<ul class=\"legend\"><li>{}Frees · {}</li><li>{}On disk · {}</li></ul>\n</figure>",
            swatch_of("frees"),
            human_size(merged.totals.frees),
            swatch_of("track"),
            human_size(merged.totals.disk)
        );
    }
    let shown = if verbose { repos.len() } else { MARKDOWN_SHOWN };
    table(
        h,
        &[
            "#Rank",
            "Repository",
            "#Frees",
            "#Disk",
            "#Share",
            "#Commits",
            "#Deny",
            "#Warn",
            "#Info",
            "Fix plan",
        ],
        repos.iter().take(shown).enumerate().map(|(i, r)| {
            vec![
                (i + 1).to_string(),
                repo_text(r.repository.as_bytes()),
                human_size(r.frees),
                human_size(r.disk),
                percent(r.frees, r.disk),
                r.commits.to_string(),
                r.deny.to_string(),
                r.warn.to_string(),
                r.info.to_string(),
                if r.steps.is_empty() {
                    "nothing to do".to_owned()
                } else {
                    repo_text(r.steps.join(", ").as_bytes())
                },
            ]
        }),
    );
    more_rows(h, shown.min(repos.len()), repos.len(), "repositories");
    h.push_str("</section>\n");
}

fn html_patterns(h: &mut String, merged: &Merged) {
    h.push_str("<section id=\"patterns\">\n<h2>Patterns across the fleet</h2>\n");
    h.push_str("<p class=\"muted\">The audits' shares added up: each offending path under one pattern, each of its versions counted once.</p>\n");
    let rows: Vec<Bar> = merged
        .patterns
        .iter()
        .map(|t| Bar {
            label: t.pattern.title().to_owned(),
            class: t.pattern.key(),
            value: t.packed,
            track: None,
            note: human_size(t.packed),
            tip: format!(
                "{}: {} packed ({} whole), {} path{} in {} repositor{}",
                t.pattern.title(),
                human_size(t.packed),
                human_size(t.unpacked),
                t.paths,
                plural(t.paths),
                t.repositories,
                if t.repositories == 1 { "y" } else { "ies" }
            ),
        })
        .collect();
    if let Some(chart) = svg::bars("Packed bytes of each pattern's offenders across the fleet", &rows) {
        let _ = writeln!(
            h,
            "<figure>\n<figcaption>Packed bytes of each pattern's offenders</figcaption>\n{chart}\n</figure>"
        );
    }
    table(
        h,
        &["Pattern", "#Repositories", "#Paths", "#Packed", "#Whole"],
        merged.patterns.iter().map(|t| {
            vec![
                format!(
                    "{} {} <code>{}</code>",
                    swatch(Some(t.pattern)),
                    escape_html(t.pattern.title()),
                    t.pattern.key()
                ),
                t.repositories.to_string(),
                t.paths.to_string(),
                human_size(t.packed),
                human_size(t.unpacked),
            ]
        }),
    );
    h.push_str("</section>\n");
}

fn html_offenders(h: &mut String, merged: &Merged, verbose: bool) {
    let (offenders, more, info) = listed(merged, MARKDOWN_SHOWN, verbose);
    h.push_str("<section id=\"offenders\">\n<h2>Top offenders, by what a fix frees</h2>\n");
    if offenders.is_empty() && more == 0 {
        let _ = writeln!(
            h,
            "<p>No warn or deny offender in the fleet{}.</p>",
            if info > 0 { " (info ones are counted below)" } else { "" }
        );
    }
    if !offenders.is_empty() {
        table(
            h,
            &[
                "Level",
                "Path",
                "Pattern and rules",
                "#Versions",
                "#Packed",
                "#Frees",
                "Fix",
            ],
            offenders.into_iter().map(|o| {
                vec![
                    format!("<span class=\"level {0}\">{0}</span>", o.level),
                    format!(
                        "{}<span class=\"step\">in {}</span>",
                        repo_text(o.path.as_bytes()),
                        repo_text(o.repository.as_bytes())
                    ),
                    format!(
                        "<span class=\"nowrap\">{} <code>{}</code></span><span class=\"step\">{}</span>",
                        swatch(Some(o.pattern)),
                        o.pattern.key(),
                        repo_text(o.rules.join(", ").as_bytes())
                    ),
                    o.versions.to_string(),
                    human_size(o.packed),
                    human_size(o.frees),
                    repo_text(action(o).as_bytes()),
                ]
            }),
        );
    }
    if let Some(left) = left_out(more, info) {
        let _ = writeln!(h, "<p class=\"muted\">{}</p>", escape_html(&left));
    }
    h.push_str("</section>\n");
}

fn html_failed(h: &mut String, merged: &Merged) {
    if merged.failed.is_empty() {
        return;
    }
    let _ = writeln!(
        h,
        "<section id=\"failed\">\n<h2>Failed ({})</h2>\n<p class=\"muted\">Repositories whose audit did not finish; a rerun of <code>pushgate audit --fleet</code> retries them.</p>",
        merged.failed.len()
    );
    table(
        h,
        &["Repository", "Reason"],
        merged.failed.iter().map(|f| {
            vec![
                format!(
                    "{}<span class=\"step\">{}</span>",
                    repo_text(f.repository.as_bytes()),
                    repo_text(f.file.as_bytes())
                ),
                repo_text(f.reason.as_bytes()),
            ]
        }),
    );
    h.push_str("</section>\n");
}

fn html_skipped(h: &mut String, merged: &Merged) {
    if merged.skipped.is_empty() {
        return;
    }
    let _ = writeln!(
        h,
        "<section id=\"skipped\">\n<h2>Not read ({})</h2>\n<p class=\"muted\">Files of the results folder that are no result this pushgate reads.</p>",
        merged.skipped.len()
    );
    table(
        h,
        &["File", "Reason"],
        merged
            .skipped
            .iter()
            .map(|s| vec![repo_text(s.file.as_bytes()), repo_text(s.reason.as_bytes())]),
    );
    h.push_str("</section>\n");
}
