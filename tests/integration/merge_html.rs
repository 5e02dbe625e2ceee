//! `pushgate report merge --format html`: the merged fleet as one self-contained page (every
//! tag closed, nothing loaded, what came from the results escaped) whose tables and charts say
//! what the merged JSON says; under `--include-ignored` it is rendered in headless Chromium and
//! screenshots are saved under `target/html-report/`.

use std::path::Path;

use serde_json::Value;

use crate::fleet::{audit_fleet, clone, fleet_folder};
use crate::html::{Rendered, assert_whole_and_self_contained, human, titles};
use crate::util::{pushgate, run, write_file};

/// A repository whose folder name is markup, with quotes: Gitea's layout, the scraper's history.
const HOSTILE: &str = "gitea/eve/a<b>&\"c'.git";

/// `text` escaped as the page escapes it.
fn escaped(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

/// The fleet folder, with the hostile repository, audited; then a file that is no result and
/// whose name is markup.
fn audited() -> (tempfile::TempDir, tempfile::TempDir) {
    let fleet = fleet_folder();
    clone("scraper", &fleet.path().join(HOSTILE), "--bare");
    let out = tempfile::tempdir().unwrap();
    let r = audit_fleet(fleet.path(), out.path(), &[]);
    assert_eq!(r.code, 0, "{}", r.describe());
    write_file(out.path(), "<i>notes&.json", "not a result\n");
    (fleet, out)
}

fn merge(results: &Path, format: &str, args: &[&str]) -> String {
    let r = run(pushgate()
        .args(["report", "merge", "--format", format])
        .args(args)
        .arg(results));
    assert_eq!(r.code, 0, "{}", r.describe());
    r.stdout
}

/// The part of `html` from `<section id="{id}">` to its `</section>`.
fn section<'a>(html: &'a str, id: &str) -> &'a str {
    let start = html
        .find(&format!("<section id=\"{id}\">"))
        .unwrap_or_else(|| panic!("no section {id}"));
    let end = start + html[start..].find("</section>").unwrap();
    &html[start..end]
}

/// The cells of each body row of the first table in `html`, as written (escaped).
fn rows(html: &str) -> Vec<Vec<String>> {
    let start = html.find("<tbody>").expect("a table");
    let body = &html[start..start + html[start..].find("</tbody>").unwrap()];
    body.split("<tr>")
        .skip(1)
        .map(|row| {
            row.split("<td")
                .skip(1)
                .map(|cell| {
                    let open = cell.find('>').unwrap() + 1;
                    cell[open..cell.find("</td>").unwrap()].to_owned()
                })
                .collect()
        })
        .collect()
}

/// The chart (`<svg class="chart bars"…</svg>`) in `html`.
fn chart(html: &str) -> &str {
    let start = html.find("<svg class=\"chart bars\"").expect("a chart");
    &html[start..start + html[start..].find("</svg>").unwrap()]
}

/// The width of each `<rect class="{class}"` in `svg`, in order.
fn widths(svg: &str, class: &str) -> Vec<f64> {
    let lead = format!("<rect class=\"{class}\"");
    svg.match_indices(&lead)
        .map(|(i, _)| {
            let rest = &svg[i..];
            let at = rest.find("width=\"").unwrap() + 7;
            rest[at..at + rest[at..].find('"').unwrap()].parse().unwrap()
        })
        .collect()
}

fn u(v: &Value) -> u64 {
    v.as_u64().unwrap_or_else(|| panic!("not a count: {v}"))
}

fn s(v: &Value) -> &str {
    v.as_str().unwrap_or_else(|| panic!("not text: {v}"))
}

#[test]
fn the_merged_page_is_whole_self_contained_escaped_and_says_what_the_json_says() {
    let (_fleet, out) = audited();
    let html = merge(out.path(), "html", &[]);
    let json: Value = serde_json::from_str(&merge(out.path(), "json", &[])).unwrap();
    assert_whole_and_self_contained(&html);
    assert!(html.contains("<title>pushgate fleet</title>"));

    // The hostile names are text wherever they are shown: the repositories' chart (label and
    // tooltip) and table, the offenders, the file that is no result.
    let key = escaped(HOSTILE);
    assert!(!html.contains("a<b>") && !html.contains("<i>notes"));
    assert!(html.matches(&key).count() >= 4, "{}", html.matches(&key).count());
    assert!(section(&html, "skipped").contains("&lt;i&gt;notes&amp;.json"));

    // The fleet's figures.
    let t = &json["totals"];
    assert_eq!((u(&t["ok"]), u(&t["failed"]), u(&t["skipped"])), (5, 1, 1));
    assert!(html.contains("<p>6 repositories: 5 audited, 1 failed.</p>"), "{html}");
    assert!(html.contains(&format!(
        "<p>{} on disk; fixes free {} (",
        human(u(&t["disk"])),
        human(u(&t["frees"]))
    )));
    assert!(html.contains(&format!(
        "<p>{} findings ({} deny, {} warn, {} info); {} repositories with findings at a failing level.</p>",
        u(&t["findings"]),
        u(&t["deny"]),
        u(&t["warn"]),
        u(&t["info"]),
        u(&t["failing"])
    )));

    // The repositories, in the JSON's order, with its figures: table, chart and tooltips.
    let repos = json["repositories"].as_array().unwrap();
    let part = section(&html, "repositories");
    let table = rows(part);
    assert_eq!(table.len(), repos.len());
    for (i, (row, r)) in table.iter().zip(repos).enumerate() {
        let steps: Vec<&str> = r["steps"].as_array().unwrap().iter().map(s).collect();
        let want = [
            (i + 1).to_string(),
            escaped(s(&r["repository"])),
            human(u(&r["frees"])),
            human(u(&r["disk"])),
            format!("{:.1}%", u(&r["frees"]) as f64 * 100.0 / u(&r["disk"]) as f64),
            u(&r["commits"]).to_string(),
            u(&r["deny"]).to_string(),
            u(&r["warn"]).to_string(),
            u(&r["info"]).to_string(),
            if steps.is_empty() {
                "nothing to do".to_owned()
            } else {
                escaped(&steps.join(", "))
            },
        ];
        assert_eq!(row.as_slice(), want.as_slice(), "row {}", i + 1);
    }
    let svg = chart(part);
    let tips = titles(svg);
    assert_eq!(
        tips.len(),
        repos.len() + 1,
        "the chart's title and one per row: {tips:?}"
    );
    let (frees, disk) = (widths(svg, "frees"), widths(svg, "track"));
    let widest = disk.iter().cloned().fold(0.0, f64::max);
    for (i, r) in repos.iter().enumerate() {
        let want = format!(
            "{}: a fix frees {} of {} on disk (",
            escaped(s(&r["repository"])),
            human(u(&r["frees"])),
            human(u(&r["disk"]))
        );
        assert!(tips[i + 1].starts_with(&want), "{want} / {}", tips[i + 1]);
        // The bars are to scale: each pair as frees to disk, the largest disk the widest.
        let (f, d) = (u(&r["frees"]) as f64, u(&r["disk"]) as f64);
        assert!(
            (frees[i] - disk[i] * f / d).abs() <= 0.2,
            "{i}: {} / {} vs {f} / {d}",
            frees[i],
            disk[i]
        );
        let largest = repos.iter().map(|r| u(&r["disk"])).max().unwrap() as f64;
        assert!(
            (disk[i] - widest * d / largest).abs() <= 0.2,
            "{i}: {} of {widest}",
            disk[i]
        );
    }
    assert!(frees[0] > 0.0 && frees[repos.len() - 1] == 0.0, "{frees:?}");

    // Each pattern, as the JSON adds it up.
    let patterns = json["patterns"].as_array().unwrap();
    let part = section(&html, "patterns");
    let table = rows(part);
    assert_eq!(table.len(), 4);
    let tips = titles(chart(part));
    for (i, (row, p)) in table.iter().zip(patterns).enumerate() {
        assert!(
            row[0].contains(&format!("<code>{}</code>", s(&p["pattern"]))),
            "{row:?}"
        );
        assert_eq!(
            row[1..],
            [
                u(&p["repositories"]).to_string(),
                u(&p["paths"]).to_string(),
                human(u(&p["packed"])),
                human(u(&p["unpacked"])),
            ]
        );
        let paths = u(&p["paths"]);
        let repositories = u(&p["repositories"]);
        assert!(
            tips[i + 1].ends_with(&format!(
                ": {} packed ({} whole), {paths} path{} in {repositories} repositor{}",
                human(u(&p["packed"])),
                human(u(&p["unpacked"])),
                if paths == 1 { "" } else { "s" },
                if repositories == 1 { "y" } else { "ies" }
            )),
            "{}",
            tips[i + 1]
        );
    }
    let database = patterns.iter().find(|p| p["pattern"] == "database").unwrap();
    assert_eq!(u(&database["repositories"]), 2, "the scraper and its hostile twin");

    // The warn and deny offenders, costliest first.
    let loud: Vec<&Value> = json["offenders"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|o| o["level"] != "info")
        .collect();
    let table = rows(section(&html, "offenders"));
    assert_eq!(table.len(), loud.len());
    assert!(loud.len() >= 5, "{loud:?}");
    for (row, o) in table.iter().zip(&loud) {
        let rules: Vec<&str> = o["rules"].as_array().unwrap().iter().map(s).collect();
        assert!(row[0].contains(&format!(">{}</span>", s(&o["level"]))), "{row:?}");
        assert_eq!(
            row[1],
            format!(
                "{}<span class=\"step\">in {}</span>",
                escaped(s(&o["path"])),
                escaped(s(&o["repository"]))
            )
        );
        assert!(
            row[2].ends_with(&format!(
                "<code>{}</code></span><span class=\"step\">{}</span>",
                s(&o["pattern"]),
                escaped(&rules.join(", "))
            )),
            "{row:?}"
        );
        assert_eq!(
            row[3..6],
            [
                u(&o["versions"]).to_string(),
                human(u(&o["packed"])),
                human(u(&o["frees"])),
            ]
        );
    }
    assert!(
        table.iter().any(|row| row[1].ends_with(&format!("in {key}</span>"))),
        "the hostile repository's offender"
    );

    // The failed repository with its reason, and the file that is no result.
    let failed = rows(section(&html, "failed"));
    let f = &json["failed"][0];
    assert_eq!(
        failed,
        [vec![
            format!(
                "{}<span class=\"step\">{}</span>",
                escaped(s(&f["repository"])),
                escaped(s(&f["file"]))
            ),
            escaped(s(&f["reason"])),
        ]]
    );
    let skipped = rows(section(&html, "skipped"));
    assert_eq!(skipped.len(), 1);
    assert_eq!(skipped[0][0], escaped(s(&json["skipped"][0]["file"])));
    assert!(skipped[0][1].starts_with("not JSON: "), "{skipped:?}");
}

#[test]
fn a_long_fleet_is_cut_unless_verbose_and_an_empty_one_is_a_page_too() {
    // One audited repository, and 29 results like its own under other keys.
    let fleet = tempfile::tempdir().unwrap();
    clone("scraper", &fleet.path().join("team/scraper-00.git"), "--bare");
    let out = tempfile::tempdir().unwrap();
    let r = audit_fleet(fleet.path(), out.path(), &[]);
    assert_eq!(r.code, 0, "{}", r.describe());
    let name = std::fs::read_dir(out.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .find(|n| n.ends_with(".json"))
        .unwrap();
    let result: Value = serde_json::from_str(&std::fs::read_to_string(out.path().join(name)).unwrap()).unwrap();
    for i in 1..30 {
        let mut copy = result.clone();
        copy["repository"] = format!("team/scraper-{i:02}.git").into();
        write_file(out.path(), &format!("copy-{i:02}.json"), &copy.to_string());
    }

    let html = merge(out.path(), "html", &[]);
    assert_whole_and_self_contained(&html);
    // The chart shows the first 15, the tables the first 25 of 30.
    let part = section(&html, "repositories");
    assert_eq!(titles(chart(part)).len(), 16, "the chart's title and 15 rows");
    assert!(part.contains("<figcaption>The 15 that free the most:"));
    assert_eq!(rows(part).len(), 25);
    assert!(part.contains("… and 5 more repositories (--verbose lists them all;"));
    let part = section(&html, "offenders");
    assert_eq!(rows(part).len(), 25);
    assert!(part.contains("… and 5 more (--verbose lists them all)"), "{part}");

    let html = merge(out.path(), "html", &["--verbose"]);
    assert_whole_and_self_contained(&html);
    let part = section(&html, "repositories");
    assert_eq!(titles(chart(part)).len(), 16, "the chart stays at 15 rows");
    assert_eq!(rows(part).len(), 30);
    assert!(!part.contains("more repositories"));
    assert_eq!(rows(section(&html, "offenders")).len(), 30);

    // Nothing to merge is a page that says so.
    let empty = tempfile::tempdir().unwrap();
    let html = merge(empty.path(), "html", &[]);
    assert_whole_and_self_contained(&html);
    assert!(html.contains("<p>0 repositories: 0 audited, 0 failed.</p>"));
    assert!(html.contains("No repository was audited: nothing to rank."));
    assert!(!html.contains("<nav>") && !html.contains("<svg class=\"chart"));
}

#[test]
#[ignore = "needs chromium (run with --include-ignored; .ci/run does)"]
fn the_merged_page_renders_in_chromium_without_errors_or_requests() {
    let (_fleet, out) = audited();
    let mut page = Rendered::open("merge", &merge(out.path(), "html", &[]));

    // Two bar charts, drawn full width: the five audited repositories (a bar and its track each), four
    // patterns.
    let drawn = page.evaluate(
        "JSON.stringify([...document.querySelectorAll('svg.chart')].map(e => { const r = e.getBoundingClientRect(); return [Math.round(r.width), Math.round(r.height), e.querySelectorAll('g').length, e.querySelectorAll('rect.track').length]; }))",
    );
    let drawn: Vec<(u64, u64, u64, u64)> = serde_json::from_str(drawn.as_str().unwrap()).unwrap();
    assert_eq!(drawn.len(), 2, "{drawn:?}");
    assert!(drawn.iter().all(|d| d.0 > 1000 && d.1 > 100), "{drawn:?}");
    assert_eq!((drawn[0].2, drawn[0].3), (5, 5), "{drawn:?}");
    assert_eq!((drawn[1].2, drawn[1].3), (4, 0), "{drawn:?}");
    // The hostile name is shown as it is, not read as markup.
    let shown = page.evaluate("document.querySelector('#repositories tbody').textContent");
    assert!(shown.as_str().unwrap().contains(HOSTILE), "{shown}");
    assert_eq!(page.evaluate("document.querySelectorAll('b, i').length"), 0);

    assert_eq!(page.background(), "rgb(255, 255, 255)");
    page.shoot("merge.png");
    page.emulate("", "dark");
    assert_eq!(page.background(), "rgb(13, 17, 23)", "the dark scheme");
    page.shoot("merge-dark.png");
    page.emulate("print", "dark");
    assert_eq!(page.background(), "rgb(255, 255, 255)", "print is light");
    page.shoot("merge-print.png");
    page.assert_quiet();
}
