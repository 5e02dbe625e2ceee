//! `--format html`: the audit as one self-contained page — the verdict and summary, where the
//! space goes, the offenders of each pattern, the fix plan, the overview, the object database
//! and the notices, with charts drawn as inline SVG from the audit's
//! [`Timeline`](crate::audit::result::Timeline).
//!
//! The page loads nothing: no script, stylesheet, font or image from anywhere, its own
//! Content-Security-Policy forbids it, and it has no script of its own. Its stylesheet has a
//! light and a dark scheme (`prefers-color-scheme`) and a print one. Everything that came from
//! the repository (paths, ref names, messages, commands naming paths) is sanitized as the
//! other formats do it, then HTML-escaped.
//!
//! Of the commands that check a repository only the audit renders it: `scan` and `pre-commit`
//! refuse `--format html`. The merged fleet report's page ([`report::merge`](super::merge)) is
//! built from the same parts: the page's head and foot, its stylesheet, its escaping, its tables
//! and swatches.

use std::fmt::Write as _;
use std::io::{self, Write};

use super::audit::{
    Listed, audit_suggestions, date, depth_buckets, history, listed, reached,
    step_title,
};
use super::common::{counts, escape_html as escape, plural};
use super::format::Options;
use super::svg;
use crate::audit::result::{Audit, PATHS_FILE};
use crate::outcome::{Outcome, Pattern, Verdict};
use crate::overview::{Concern, Group};
use crate::policy::Policy;
use crate::util::{human_size, percent, sanitize};

/// Warn and deny offenders listed per pattern unless verbose (info ones are counted).
const OFFENDERS_SHOWN: usize = 25;
/// Rows of each overview table unless verbose (the overview keeps 25).
const ROWS_SHOWN: usize = 10;
/// Lines of the plan's paths file shown unless verbose.
const PATHS_LINES_SHOWN: usize = 100;
/// Notices of one kind listed unless verbose.
const NOTICES_SHOWN: usize = 10;

/// Why a report of findings alone is no page.
pub(crate) const AUDIT_ONLY: &str = "--format html renders an audit: run `pushgate audit --format html`";

/// The formats registry's entry: the page needs an audit, so a bare outcome is refused (the
/// commands that have one refuse `--format html` before they start).
pub(crate) fn report(_out: &mut dyn Write, _outcome: &Outcome, _policy: &Policy, _options: &Options) -> io::Result<()> {
    Err(io::Error::new(io::ErrorKind::Unsupported, AUDIT_ONLY))
}

/// Bytes from the repository (or a results file), sanitized and escaped.
pub(crate) fn repo_text(bytes: &[u8]) -> String {
    escape(&sanitize(bytes))
}

/// The stylesheet: light, dark (`prefers-color-scheme`) and print schemes; pattern colours
/// (Okabe and Ito's, which colour-blind readers tell apart) lighter on dark.
const STYLE: &str = r#"
:root{color-scheme:light dark;--bg:#fff;--fg:#1f2328;--muted:#59636e;--line:#d1d9e0;--panel:#f6f8fa;--grid:#e4e8ec;--hover:rgba(127,127,127,.18);
--large-churn:#0072b2;--database:#d69200;--audit-trail:#009e73;--backup:#d55e00;--other:#9aa3ad;--versions:#a3387a;
--deny:#cf222e;--warn:#9a6700;--info:#0969da;--pass:#1a7f37}
@media (prefers-color-scheme:dark){:root{--bg:#0d1117;--fg:#e6edf3;--muted:#9198a1;--line:#3d444d;--panel:#151b23;--grid:#262c36;
--large-churn:#56b4e9;--database:#f0c24b;--audit-trail:#3cc8a0;--backup:#f38b4f;--other:#6e7781;--versions:#e58fc6;
--deny:#ff7b72;--warn:#d29922;--info:#58a6ff;--pass:#3fb950}}
*{box-sizing:border-box}
body{margin:0 auto;max-width:1120px;padding:24px;background:var(--bg);color:var(--fg);font:14px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Liberation Sans",sans-serif}
h1{font-size:26px;margin:0 0 4px}h2{font-size:20px;margin:32px 0 8px;padding-bottom:4px;border-bottom:1px solid var(--line)}h3{font-size:16px;margin:20px 0 6px}
p{margin:6px 0}.muted,figcaption .note{color:var(--muted)}
nav a{margin-right:14px;color:var(--info);text-decoration:none}
code,pre{font:12.5px/1.45 ui-monospace,"SFMono-Regular","DejaVu Sans Mono","Liberation Mono",monospace}
pre{background:var(--panel);border:1px solid var(--line);border-radius:6px;padding:10px 12px;overflow-x:auto;white-space:pre-wrap;overflow-wrap:anywhere}
table{border-collapse:collapse;width:100%;margin:6px 0}
th,td{text-align:left;vertical-align:top;padding:5px 8px;border-bottom:1px solid var(--line)}
th{font-weight:600;background:var(--panel)}td.num,th.num{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}
td.path{overflow-wrap:anywhere;font-family:ui-monospace,"DejaVu Sans Mono","Liberation Mono",monospace;font-size:12.5px}
.nowrap{white-space:nowrap}.step{display:block;margin-top:3px;color:var(--muted);font-family:system-ui,sans-serif;font-size:12.5px}
.verdict{display:inline-block;font-weight:700;padding:2px 10px;border-radius:12px;border:2px solid currentColor}
.verdict.fail{color:var(--deny)}.verdict.wouldfail{color:var(--warn)}.verdict.pass{color:var(--pass)}
.level{font-weight:700;text-transform:uppercase;font-size:11.5px}.level.deny{color:var(--deny)}.level.warn{color:var(--warn)}.level.info{color:var(--info)}
.instead{border-left:4px solid var(--line);padding-left:10px;color:var(--muted)}
.warning{border-left:4px solid var(--warn);padding:6px 10px;background:var(--panel)}
figure{margin:12px 0;break-inside:avoid;page-break-inside:avoid}
figcaption{font-weight:600;margin-bottom:4px}
.legend{list-style:none;padding:0;margin:6px 0;display:flex;flex-wrap:wrap;gap:6px 18px}
.legend svg{vertical-align:-2px;margin-right:6px}
.grid-charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(320px,1fr));gap:10px 18px}
.grid-charts figcaption{font-weight:400;overflow-wrap:anywhere}
svg.chart{width:100%;height:auto;display:block;print-color-adjust:exact;-webkit-print-color-adjust:exact}
svg text{fill:var(--muted);font-size:12px}svg text.tick{text-anchor:middle}svg text.end{text-anchor:end}svg text.start{text-anchor:start}
svg.small text{font-size:11px}
svg .axis{stroke:var(--muted);fill:none}svg .grid{stroke:var(--grid);fill:none}
svg .area{stroke:var(--bg);stroke-width:.5}
svg.small .area{fill-opacity:.45;stroke-width:1.5}
svg .versions{fill:none;stroke:var(--versions);stroke-width:2}svg .point{fill:var(--versions)}
svg .track{fill:var(--line)}svg .frees{fill:var(--info)}
svg .hover rect{fill:transparent}svg .hover rect:hover{fill:var(--hover)}
.large-churn{fill:var(--large-churn);stroke:var(--large-churn)}.database{fill:var(--database);stroke:var(--database)}
.audit-trail{fill:var(--audit-trail);stroke:var(--audit-trail)}.backup{fill:var(--backup);stroke:var(--backup)}.other{fill:var(--other);stroke:var(--other)}
svg.chart .area.other,svg.chart .area{stroke:var(--bg)}svg.small .area{stroke:currentColor}
svg.small .area.large-churn{stroke:var(--large-churn)}svg.small .area.database{stroke:var(--database)}svg.small .area.audit-trail{stroke:var(--audit-trail)}svg.small .area.backup{stroke:var(--backup)}
.bar{display:inline-block;height:10px;vertical-align:middle;min-width:1px;print-color-adjust:exact;-webkit-print-color-adjust:exact}
footer{margin-top:36px;color:var(--muted);font-size:12.5px}
@media print{:root{color-scheme:light;--bg:#fff;--fg:#000;--muted:#333;--line:#999;--panel:#fff;--grid:#ccc;
--large-churn:#0072b2;--database:#d69200;--audit-trail:#009e73;--backup:#d55e00;--other:#9aa3ad;--versions:#a3387a;--deny:#b00;--warn:#7a5200;--info:#0550ae;--pass:#1a7f37}
body{max-width:none;padding:0;font-size:10pt}nav{display:none}pre{white-space:pre-wrap}
h2,h3,figcaption{break-after:avoid;page-break-after:avoid}tr,figure,pre,svg{break-inside:avoid;page-break-inside:avoid}
.grid-charts{grid-template-columns:repeat(2,1fr)}svg .hover{display:none}}
"#;

/// Render `audit` as the page. `verbose` lists every offender, overview row, paths-file line
/// and notice the audit holds.
pub(crate) fn page(out: &mut dyn Write, audit: &Audit, policy: &Policy, verbose: bool) -> io::Result<()> {
    let mut h = String::with_capacity(64 * 1024);
    head(&mut h, "pushgate audit");
    summary(&mut h, audit, policy);
    space(&mut h, audit);
    findings(&mut h, audit, verbose);
    over_time(&mut h, audit);
    plan(&mut h, audit, verbose);
    overview(&mut h, audit, verbose);
    database(&mut h, audit, verbose);
    notices(&mut h, audit, verbose);
    foot(
        &mut h,
        &format!(
            "Written by pushgate {} in {:.1} s.",
            env!("CARGO_PKG_VERSION"),
            audit.outcome.summary.duration_ms as f64 / 1000.0
        ),
    );
    out.write_all(h.as_bytes())
}

/// The page's start, up to its `<body>`: the policy that forbids loading anything, the
/// stylesheet, and `title` (plain text).
pub(crate) fn head(h: &mut String, title: &str) {
    h.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    h.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    h.push_str("<meta name=\"color-scheme\" content=\"light dark\">\n");
    // Nothing may be fetched: no script, no stylesheet, font or image from anywhere.
    h.push_str("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n");
    let _ = write!(h, "<title>{}</title>\n<style>", escape(title));
    h.push_str(STYLE);
    h.push_str("</style>\n</head>\n<body>\n");
}

/// The page's end: a footer that starts with `lead` (plain text) and says what the sizes mean.
pub(crate) fn foot(h: &mut String, lead: &str) {
    let _ = write!(
        h,
        "<footer>{} Sizes in KiB, MiB and GiB (1,024 bytes each); packed bytes are what the object database stores, whole bytes what a checkout writes.</footer>\n</body>\n</html>\n",
        escape(lead)
    );
}

fn summary(h: &mut String, audit: &Audit, policy: &Policy) {
    let r = &audit.repository;
    let st = &r.statistics;
    let verdict = Verdict::of(&audit.outcome, policy);
    let class = match verdict {
        Verdict::Fail => "fail",
        Verdict::WouldFail => "wouldfail",
        Verdict::Pass => "pass",
    };
    let _ = write!(
        h,
        "<header>\n<h1>pushgate audit</h1>\n<p><span class=\"verdict {class}\">{}</span> {}</p>\n",
        escape(&verdict.describe(policy)),
        escape(&counts(&audit.outcome.summary))
    );
    let _ = writeln!(
        h,
        "<p>{} commit{} from {} ref{}; {} object{}, {} on disk ({} whole).</p>",
        r.commits,
        plural(r.commits),
        r.refs,
        plural(r.refs),
        st.objects(),
        plural(st.objects()),
        human_size(st.disk_bytes()),
        human_size(st.unpacked_bytes())
    );
    h.push_str("<nav><a href=\"#space\">Where the space goes</a><a href=\"#findings\">Findings</a><a href=\"#over-time\">Offenders over time</a><a href=\"#plan\">Fix plan</a><a href=\"#overview\">Overview</a><a href=\"#database\">Object database</a>");
    if !audit.outcome.notices.is_empty() {
        h.push_str("<a href=\"#notices\">Notices</a>");
    }
    h.push_str("</nav>\n</header>\n");
}

/// A swatch of a pattern's colour, for legends and headings.
pub(crate) fn swatch(pattern: Option<Pattern>) -> String {
    swatch_of(svg::class(pattern))
}

/// A swatch of the colour of the marks of CSS class `class`.
pub(crate) fn swatch_of(class: &str) -> String {
    format!(
        r#"<svg width="12" height="12" aria-hidden="true"><rect class="{class}" width="12" height="12" rx="2"/></svg>"#
    )
}

fn space(h: &mut String, audit: &Audit) {
    let r = &audit.repository;
    let disk = r.statistics.disk_bytes();
    h.push_str("<section id=\"space\">\n<h2>Where the space goes</h2>\n");
    h.push_str("<p class=\"muted\">Packed bytes of the offending paths' versions, each counted once, and their share of the object database.</p>\n");
    h.push_str("<table>\n<thead><tr><th>Pattern</th><th class=\"num\">Paths</th><th class=\"num\">Packed</th><th class=\"num\">Share</th><th style=\"width:30%\"></th></tr></thead>\n<tbody>\n");
    let bar = |class: &str, part: u64| -> String {
        let width = if disk == 0 {
            0.0
        } else {
            (part as f64 * 100.0 / disk as f64).clamp(0.0, 100.0)
        };
        format!(
            r#"<svg class="bar" width="100%" height="10" preserveAspectRatio="none" viewBox="0 0 100 10" aria-hidden="true"><rect class="{class}" width="{width:.1}" height="10"/></svg>"#
        )
    };
    for s in &audit.patterns {
        let _ = writeln!(
            h,
            "<tr><td>{} {} <code>{}</code></td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td>{}</td></tr>",
            swatch(Some(s.pattern)),
            escape(s.pattern.title()),
            s.pattern.key(),
            s.paths,
            human_size(s.packed),
            percent(s.packed, disk),
            bar(s.pattern.key(), s.packed)
        );
    }
    if r.unreachable.objects > 0 {
        let _ = writeln!(
            h,
            "<tr><td>{} Unreachable (no ref reaches them)</td><td class=\"num\">{} object{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td>{}</td></tr>",
            swatch(None),
            r.unreachable.objects,
            plural(r.unreachable.objects),
            human_size(r.unreachable.packed),
            percent(r.unreachable.packed, disk),
            bar("other", r.unreachable.packed)
        );
    }
    h.push_str("</tbody>\n</table>\n");
    let t = &audit.timeline;
    match svg::size_over_time(t) {
        Some(chart) => {
            let _ = write!(
                h,
                "<figure>\n<figcaption>Repository size over time, by pattern <span class=\"note\">(packed bytes held at the end of each {})</span></figcaption>\n{chart}\n<ul class=\"legend\">",
                t.period
            );
            for layer in t.layers.iter().filter(|l| l.packed.last().copied().unwrap_or(0) > 0) {
                let _ = write!(
                    h,
                    "<li>{}{} · {}</li>",
                    swatch(layer.pattern),
                    escape(svg::layer_name(layer.pattern)),
                    human_size(layer.packed.last().copied().unwrap_or(0))
                );
            }
            h.push_str("</ul>\n<p class=\"muted\">Each blob counts once, in the month of the first commit that holds it, under the pattern of the first offender that holds it (the shares above); what no offender holds is “other”. Git stores most versions of a file as deltas of its newest, so the newest carries most of a file's packed bytes.</p>\n</figure>\n");
        }
        None => h.push_str("<p class=\"muted\">No commit: nothing to chart.</p>\n"),
    }
    h.push_str("</section>\n");
}

fn findings(h: &mut String, audit: &Audit, verbose: bool) {
    h.push_str("<section id=\"findings\">\n<h2>Findings</h2>\n");
    if audit.offenders.is_empty() {
        h.push_str("<p>No offender: no rule reported a path.</p>\n");
    }
    for pattern in Pattern::ALL {
        // What a person acts on: warn and deny offenders, costliest first; info ones counted.
        let listing: Listed<'_> = listed(audit, pattern, verbose, true, OFFENDERS_SHOWN);
        if listing.total == 0 {
            continue;
        }
        let _ = writeln!(
            h,
            "<h3>{} {} <code>{}</code> <span class=\"muted\">· {} path{}</span></h3>",
            swatch(Some(pattern)),
            escape(pattern.title()),
            pattern.key(),
            listing.total,
            plural(listing.total as u64)
        );
        if !listing.shown.is_empty() {
            h.push_str("<table>\n<thead><tr><th>Level</th><th>Path and first step</th><th>Rules</th><th>History</th><th class=\"num\">Packed</th><th class=\"num\">Whole</th><th>Plan</th></tr></thead>\n<tbody>\n");
        }
        for o in &listing.shown {
            let rules: Vec<String> = o.rules.iter().map(ToString::to_string).collect();
            let step = o.first_step.as_deref().map_or_else(String::new, |step| {
                // A sentence, and for a test fixture the TOML of the entry that exempts it.
                let (sentence, toml) = crate::advice::split(step);
                let mut html = format!("<span class=\"step\">{}</span>", repo_text(sentence.as_bytes()));
                if let Some(toml) = toml {
                    let lines: Vec<String> = toml.lines().map(|l| repo_text(l.as_bytes())).collect();
                    let _ = write!(html, "<pre><code>{}</code></pre>", lines.join("\n"));
                }
                html
            });
            let mut story = vec![history(o)];
            story.extend(reached(o));
            if o.unknown_versions > 0 {
                story.push(format!(
                    "{} version{} of unknown size",
                    o.unknown_versions,
                    plural(o.unknown_versions)
                ));
            }
            let fix = o.fix.as_ref().map_or_else(
                || "left as it is".to_owned(),
                |f| format!("{} · frees {}", f.action, human_size(f.saves)),
            );
            let _ = writeln!(
                h,
                "<tr><td><span class=\"level {level}\">{level}</span></td><td class=\"path\">{}{step}</td><td>{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td>{}</td></tr>",
                repo_text(&o.path),
                escape(&rules.join(", ")),
                escape(&sanitize(story.join(" · ").as_bytes())),
                human_size(o.packed),
                human_size(o.unpacked),
                escape(&fix),
                level = o.level,
            );
        }
        if !listing.shown.is_empty() {
            h.push_str("</tbody>\n</table>\n");
        }
        if listing.hidden > 0 {
            let lead = if listing.shown.is_empty() { "" } else { "… " };
            let _ = writeln!(
                h,
                "<p class=\"muted\">{lead}{} (--verbose lists them all; --format json has every one).</p>",
                escape(&listing.more())
            );
        }
        for text in audit_suggestions(audit, pattern, "") {
            let _ = writeln!(
                h,
                "<p class=\"instead\"><b>Instead:</b> {}</p>",
                escape(&sanitize(text.as_bytes()))
            );
        }
    }
    h.push_str("</section>\n");
}

fn over_time(h: &mut String, audit: &Audit) {
    let t = &audit.timeline;
    h.push_str("<section id=\"over-time\">\n<h2>Offenders over time</h2>\n");
    if t.offenders.is_empty() {
        h.push_str("<p class=\"muted\">The fix plan covers no offender with a history to chart.</p>\n</section>\n");
        return;
    }
    let _ = writeln!(
        h,
        "<p class=\"muted\">The {} costliest offenders the fix plan covers: their packed bytes (area, left axis) and versions (line, right axis) at the end of each {}, over the whole history.</p>",
        t.offenders.len(),
        t.period
    );
    h.push_str("<div class=\"grid-charts\">\n");
    for s in &t.offenders {
        let last = s.points.last();
        let _ = writeln!(
            h,
            "<figure><figcaption>{} <code>{}</code><br><span class=\"note\">{} version{}, {} packed</span></figcaption>{}</figure>",
            swatch(Some(s.pattern)),
            repo_text(&s.path),
            last.map_or(0, |p| p.versions),
            plural(last.map_or(0, |p| p.versions)),
            human_size(last.map_or(0, |p| p.packed)),
            svg::offender(t, s)
        );
    }
    h.push_str("</div>\n</section>\n");
}

fn plan(h: &mut String, audit: &Audit, verbose: bool) {
    let plan = &audit.plan;
    h.push_str("<section id=\"plan\">\n");
    if plan.steps.is_empty() {
        h.push_str("<h2>Fix plan: nothing to do</h2>\n");
    } else {
        let _ = writeln!(h, "<h2>Fix plan: frees {}</h2>", human_size(plan.frees));
        if plan.rewrite_warning.is_some() {
            h.push_str("<p>Run it in a fresh mirror clone: <code>git clone --mirror &lt;url&gt;</code>.</p>\n");
        }
    }
    if let Some(warning) = &plan.rewrite_warning {
        let _ = writeln!(h, "<p class=\"warning\">{}</p>", escape(warning));
    }
    if !plan.steps.is_empty() {
        h.push_str("<ol>\n");
    }
    for step in &plan.steps {
        let _ = write!(h, "<li><p>{}</p>", escape(&sanitize(step_title(step, verbose).as_bytes())));
        let mut block: Vec<String> = Vec::new();
        if step.action == "remove" {
            let shown = if verbose || step.lines.len() <= PATHS_LINES_SHOWN {
                step.lines.len()
            } else {
                PATHS_LINES_SHOWN
            };
            block.push(format!("cat > {PATHS_FILE} <<'PUSHGATE_PATHS'"));
            block.extend(step.lines.iter().take(shown).cloned());
            if shown < step.lines.len() {
                block.push(format!(
                    "# … and {} more lines (--verbose shows the whole file; --format json has it)",
                    step.lines.len() - shown
                ));
            }
            block.push("PUSHGATE_PATHS".into());
        }
        block.extend(step.command.iter().cloned());
        if !block.is_empty() {
            let lines: Vec<String> = block.iter().map(|l| repo_text(l.as_bytes())).collect();
            let _ = write!(h, "<pre><code>{}</code></pre>", lines.join("\n"));
        }
        h.push_str("</li>\n");
    }
    if !plan.steps.is_empty() {
        h.push_str("</ol>\n");
    }
    let left = super::audit::left_as_they_are(plan);
    if !left.is_empty() {
        let _ = writeln!(h, "<p class=\"muted\">Left as they are: {}.</p>", escape(&left.join("; ")));
    }
    h.push_str("</section>\n");
}

/// A table: `head` (a `num` column's heading starts with `#`; `Path`, `Name`, `Repository`
/// and `File` columns are set as paths) and rows of cells already escaped.
pub(crate) fn table(h: &mut String, head: &[&str], rows: impl IntoIterator<Item = Vec<String>>) {
    h.push_str("<table>\n<thead><tr>");
    let numeric: Vec<bool> = head.iter().map(|c| c.starts_with('#')).collect();
    for c in head {
        match c.strip_prefix('#') {
            Some(c) => {
                let _ = write!(h, "<th class=\"num\">{}</th>", escape(c));
            }
            None => {
                let _ = write!(h, "<th>{}</th>", escape(c));
            }
        }
    }
    h.push_str("</tr></thead>\n<tbody>\n");
    for row in rows {
        h.push_str("<tr>");
        for (i, cell) in row.iter().enumerate() {
            if numeric.get(i).copied().unwrap_or(false) {
                let _ = write!(h, "<td class=\"num\">{cell}</td>");
            } else if head
                .get(i)
                .is_some_and(|c| matches!(*c, "Path" | "Name" | "Repository" | "File"))
            {
                let _ = write!(h, "<td class=\"path\">{cell}</td>");
            } else {
                let _ = write!(h, "<td>{cell}</td>");
            }
        }
        h.push_str("</tr>\n");
    }
    h.push_str("</tbody>\n</table>\n");
}

/// `and 15 more (--verbose lists them)` under a table cut at `shown` of `total`.
fn more(h: &mut String, shown: usize, total: usize, what: &str) {
    if total > shown {
        let _ = writeln!(
            h,
            "<p class=\"muted\">… and {} more {what} (--verbose lists the {} kept; --format json has them).</p>",
            total - shown,
            total
        );
    }
}

fn groups(h: &mut String, title: &str, list: &[Group], rows: usize) {
    if list.is_empty() {
        return;
    }
    let _ = writeln!(h, "<h3>{}</h3>", escape(title));
    table(
        h,
        &["Name", "#Paths", "#Blobs", "#Packed", "#Whole"],
        list.iter().take(rows).map(|g| {
            vec![
                repo_text(&g.name),
                g.paths.to_string(),
                g.blobs.count.to_string(),
                human_size(g.blobs.packed),
                human_size(g.blobs.bytes),
            ]
        }),
    );
    more(h, rows.min(list.len()), list.len(), "entries");
}

fn overview(h: &mut String, audit: &Audit, verbose: bool) {
    let o = &audit.overview;
    let rows = if verbose { usize::MAX } else { ROWS_SHOWN };
    h.push_str("<section id=\"overview\">\n<h2>Overview</h2>\n");
    h.push_str("<p class=\"muted\">Objects the refs reach, whatever the rules conclude; levels of concern on git-sizer's scales.</p>\n");
    h.push_str("<h3>Objects</h3>\n");
    let total = |name: &str, t: &crate::overview::Total| {
        vec![
            name.to_owned(),
            t.count.to_string(),
            human_size(t.bytes),
            human_size(t.packed),
        ]
    };
    let mut objects = vec![
        total("commits", &o.commits),
        total("trees", &o.trees),
        total("blobs", &o.blobs),
        total("annotated tags", &o.tags),
    ];
    if o.unattributed.count > 0 {
        objects.push(total("blobs no file's change names", &o.unattributed));
    }
    table(h, &["Kind", "#Count", "#Whole", "#Packed"], objects);
    if o.absent_blobs > 0 {
        let _ = writeln!(
            h,
            "<p>{} blob{} absent (partial clone): not in the sums.</p>",
            o.absent_blobs,
            plural(o.absent_blobs)
        );
    }
    let refs = &o.refs;
    let kinds: Vec<String> = [
        (refs.branches, "branches"),
        (refs.tags, "tags"),
        (refs.remotes, "remote-tracking"),
        (refs.review, "pull/merge requests"),
        (refs.notes, "notes"),
        (refs.other, "other"),
    ]
    .iter()
    .filter(|(n, _)| *n > 0)
    .map(|(n, what)| format!("{what} {n}"))
    .collect();
    let _ = writeln!(
        h,
        "<p><b>Refs:</b> {}{}{}.</p>",
        refs.total,
        if kinds.is_empty() { "" } else { " — " },
        escape(&kinds.join(", "))
    );
    if let Some(c) = &o.checkout {
        let mut parts = vec![
            format!("{} file{}", c.files, plural(c.files)),
            human_size(c.bytes),
            format!("{} folder{}", c.folders, plural(c.folders)),
        ];
        if c.symlinks > 0 {
            parts.push(format!("{} symbolic link{}", c.symlinks, plural(c.symlinks)));
        }
        if c.submodules > 0 {
            parts.push(format!("{} submodule{}", c.submodules, plural(c.submodules)));
        }
        let _ = write!(
            h,
            "<p><b>HEAD's checkout</b> (<code>{}</code>): {}",
            c.commit.to_hex_with_len(10),
            escape(&parts.join(", "))
        );
        if c.files > 0 {
            let _ = write!(
                h,
                "; deepest path {} (<code>{}</code>); longest path {} B (<code>{}</code>)",
                c.depth,
                repo_text(&c.deepest),
                c.longest,
                repo_text(&c.longest_path)
            );
        }
        h.push_str(".</p>\n");
    }
    if !o.largest_blobs.is_empty() {
        h.push_str("<h3>Largest blobs</h3>\n");
        table(
            h,
            &["#Whole", "#Packed", "Path", "Blob"],
            o.largest_blobs.iter().take(rows).map(|b| {
                vec![
                    human_size(b.bytes),
                    human_size(b.packed),
                    if b.path.is_empty() {
                        "(no file path)".to_owned()
                    } else {
                        repo_text(&b.path)
                    },
                    format!("<code>{}</code>", b.id.to_hex_with_len(10)),
                ]
            }),
        );
        more(h, rows.min(o.largest_blobs.len()), o.largest_blobs.len(), "blobs");
    }
    if !o.largest_trees.is_empty() {
        h.push_str("<h3>Largest trees</h3>\n");
        table(
            h,
            &["#Whole", "#Entries", "Path", "Tree"],
            o.largest_trees.iter().take(rows).map(|t| {
                vec![
                    human_size(t.bytes),
                    t.entries.to_string(),
                    t.path
                        .as_ref()
                        .map_or_else(|| "(not in HEAD's checkout)".to_owned(), |p| repo_text(p)),
                    format!("<code>{}</code>", t.id.to_hex_with_len(10)),
                ]
            }),
        );
        more(h, rows.min(o.largest_trees.len()), o.largest_trees.len(), "trees");
    }
    groups(h, "By extension", &o.extensions, rows);
    groups(h, "By top folder", &o.folders, rows);
    if !o.deleted.is_empty() {
        let t = &o.deleted_total;
        let _ = writeln!(
            h,
            "<h3>Deleted paths</h3>\n<p>{} path{} the history deleted still {} {} packed ({} whole).</p>",
            t.paths,
            plural(t.paths),
            if t.paths == 1 { "takes" } else { "take" },
            human_size(t.blobs.packed),
            human_size(t.blobs.bytes)
        );
        table(
            h,
            &["Path", "Deleted", "#Blobs", "#Packed", "#Whole"],
            o.deleted.iter().take(rows).map(|d| {
                vec![
                    repo_text(&d.path),
                    date(Some(d.time)),
                    d.blobs.count.to_string(),
                    human_size(d.blobs.packed),
                    human_size(d.blobs.bytes),
                ]
            }),
        );
        more(h, rows.min(o.deleted.len()), o.deleted.len(), "paths");
    }
    if !o.biggest_commits.is_empty() {
        h.push_str("<h3>Commits that added the most</h3>\n");
        table(
            h,
            &["Commit", "Date", "#Blobs", "#Whole", "#Packed"],
            o.biggest_commits.iter().take(rows).map(|c| {
                vec![
                    format!("<code>{}</code>", c.id.to_hex_with_len(10)),
                    date(Some(c.time)),
                    c.blobs.to_string(),
                    human_size(c.bytes),
                    human_size(c.packed),
                ]
            }),
        );
        more(h, rows.min(o.biggest_commits.len()), o.biggest_commits.len(), "commits");
    }
    if !o.concern.is_empty() {
        h.push_str("<h3>Levels of concern</h3>\n<p class=\"muted\">A figure over the value git-sizer gives one star (its <code>sizes/output.go</code>).</p>\n");
        table(h, &["Figure", "#Value", "#Level", "Stars", "At"], o.concern.iter().map(concern_row));
    }
    h.push_str("</section>\n");
}

fn concern_row(c: &Concern) -> Vec<String> {
    vec![
        escape(super::overview::label(c.figure)),
        super::overview::value(c),
        format!("{:.2}", c.level),
        escape(&c.stars()),
        c.at.as_deref().map(|a| repo_text(a.as_bytes())).unwrap_or_default(),
    ]
}

fn database(h: &mut String, audit: &Audit, verbose: bool) {
    let r = &audit.repository;
    let st = &r.statistics;
    h.push_str("<section id=\"database\">\n<h2>Object database</h2>\n");
    table(
        h,
        &["Kind", "#Objects", "#Packed", "#Whole"],
        st.kinds.iter().map(|(kind, c)| {
            vec![
                format!("{kind:?}").to_lowercase(),
                c.objects.to_string(),
                human_size(c.packed),
                human_size(c.unpacked),
            ]
        }),
    );
    let _ = writeln!(
        h,
        "<p>{} pack{} ({}), {} loose object{} ({}). Delta chains: {}.</p>",
        st.packs,
        plural(st.packs),
        human_size(st.pack_bytes),
        st.loose.objects,
        plural(st.loose.objects),
        human_size(st.loose.packed),
        escape(&depth_buckets(st).join(", "))
    );
    if r.absent_blobs > 0 {
        let _ = writeln!(
            h,
            "<p>{} reachable blob{} absent (partial clone): their sizes are unknown.</p>",
            r.absent_blobs,
            plural(r.absent_blobs)
        );
    }
    if !st.deepest.is_empty() {
        let shown = if verbose { st.deepest.len() } else { st.deepest.len().min(3) };
        h.push_str("<h3>Deepest chains of large objects</h3>\n");
        table(
            h,
            &["#Depth", "#Whole", "Path", "Object"],
            st.deepest.iter().take(shown).map(|c| {
                vec![
                    c.depth.to_string(),
                    human_size(c.size),
                    c.path
                        .as_deref()
                        .map_or_else(|| "?".to_owned(), |p| repo_text(p.as_bytes())),
                    format!("<code>{}</code>", c.id.to_hex_with_len(10)),
                ]
            }),
        );
        more(h, shown, st.deepest.len(), "chains");
    }
    h.push_str("</section>\n");
}

fn notices(h: &mut String, audit: &Audit, verbose: bool) {
    let notices = &audit.outcome.notices;
    if notices.is_empty() {
        return;
    }
    h.push_str("<section id=\"notices\">\n<h2>Notices</h2>\n<ul>\n");
    let mut kinds = Vec::new();
    for n in notices {
        if !kinds.contains(&n.kind) {
            kinds.push(n.kind);
        }
    }
    for kind in kinds {
        let mine: Vec<_> = notices.iter().filter(|n| n.kind == kind).collect();
        let shown = if verbose { mine.len() } else { mine.len().min(NOTICES_SHOWN) };
        for n in mine.iter().take(shown) {
            let _ = writeln!(
                h,
                "<li><code>{kind}</code> {}</li>",
                repo_text(n.message.as_bytes())
            );
        }
        if mine.len() > shown {
            let _ = writeln!(
                h,
                "<li class=\"muted\"><code>{kind}</code> … and {} more (--verbose lists them all)</li>",
                mine.len() - shown
            );
        }
    }
    h.push_str("</ul>\n</section>\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_quotes() {
        assert_eq!(
            escape(r#"<script>alert("x")</script> & 'y'"#),
            "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39;"
        );
        assert_eq!(repo_text(b"a\x1b[2Jb<"), "a\\u{1b}[2Jb&lt;");
    }
}
