//! `pushgate audit --format html`: one self-contained page (every tag closed, nothing loaded
//! from anywhere, what came from the repository escaped), whose charts show the numbers of the
//! audit's timeline, which git's own history confirms; `scan` and `pre-commit` refuse the
//! format. Under `--include-ignored` the page is rendered in headless Chromium over the DevTools
//! protocol: no console error, no request but the page itself, and screenshots (light, dark,
//! print) and a PDF under `target/html-report/` to look at.

use std::collections::{BTreeMap, HashMap};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use serde_json::{Value, json};

use crate::util::{fixture, fixture_copy, git, parse_report, pushgate, report_as, run};

/// The fixture: four patterns over eight months, a dump named as markup.
fn repo() -> PathBuf {
    fixture("html_report")
}

fn audit_html(repo: &Path, args: &[&str]) -> String {
    let r = report_as("audit", repo, "html", args);
    assert_eq!(r.code, 1, "deny findings fail the audit: {}", r.describe());
    assert!(r.stderr.is_empty(), "{}", r.describe());
    r.stdout
}

fn audit_json(repo: &Path, args: &[&str]) -> Value {
    let r = report_as("audit", repo, "json", args);
    assert!(r.code == 0 || r.code == 1, "{}", r.describe());
    parse_report(&r)
}

/// `size` as the report prints it (`6.0 MiB`, `512 B`).
pub(crate) fn human(bytes: u64) -> String {
    if bytes < 1024 {
        return format!("{bytes} B");
    }
    let mut value = bytes as f64 / 1024.0;
    let mut unit = 0;
    while value >= 1024.0 && unit < 5 {
        value /= 1024.0;
        unit += 1;
    }
    format!("{value:.1} {}", ["KiB", "MiB", "GiB", "TiB", "PiB", "EiB"][unit])
}

/// The first tag `html` opens and leaves open, or closes without opening, if any: every
/// element the page opens is closed, in order (void elements and `<x/>` aside; the
/// stylesheet's text skipped).
pub(crate) fn unbalanced(html: &str) -> Option<String> {
    const VOID: &[&str] = &[
        "meta", "br", "hr", "img", "link", "input", "wbr", "col", "area", "base", "source",
    ];
    let mut open: Vec<String> = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find('<') {
        rest = &rest[i + 1..];
        let Some(end) = rest.find('>') else {
            return Some("a `<` that no `>` ends".into());
        };
        let tag = &rest[..end];
        rest = &rest[end + 1..];
        if tag.starts_with('!') {
            continue;
        }
        if let Some(name) = tag.strip_prefix('/') {
            match open.pop() {
                Some(o) if o == name.trim() => continue,
                other => return Some(format!("</{name}> closes {other:?}")),
            }
        }
        let name: String = tag
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
            .collect();
        if name.is_empty() {
            return Some(format!("`<{tag}>` is no tag"));
        }
        if tag.ends_with('/') || VOID.contains(&name.as_str()) {
            continue;
        }
        if name == "style" {
            let close = rest.find("</style>")?;
            rest = &rest[close + "</style>".len()..];
            continue;
        }
        open.push(name);
    }
    (!open.is_empty()).then(|| format!("left open: {open:?}"))
}

/// The page is whole (a document, every tag closed) and self-contained: no script, no external
/// resource, a policy that forbids both, no link out of the page.
pub(crate) fn assert_whole_and_self_contained(html: &str) {
    assert!(
        html.starts_with("<!DOCTYPE html>\n<html lang=\"en\">"),
        "{}",
        &html[..80]
    );
    assert!(html.trim_end().ends_with("</html>"));
    assert_eq!(unbalanced(html), None);

    let lower = html.to_lowercase();
    for needle in [
        "<script", "<link", "<img", "<iframe", "<object", "<embed", "@import", "url(", "src=", "http://", "https://",
        "//fonts", "<base",
    ] {
        assert!(!lower.contains(needle), "the page holds {needle:?}");
    }
    assert!(html.contains(r#"content="default-src 'none'; style-src 'unsafe-inline'""#));
    for href in lower.match_indices("href=\"").map(|(i, _)| &lower[i + 6..]) {
        assert!(
            href.starts_with('#'),
            "a link out of the page: {}",
            &href[..href.find('"').unwrap_or(0)]
        );
    }
}

#[test]
fn the_page_is_whole_self_contained_and_escapes_the_repository() {
    let html = audit_html(&repo(), &[]);
    assert_whole_and_self_contained(&html);
    // A tag checker that can fail.
    assert!(unbalanced("<p><b>x</p></b>").is_some());
    assert!(unbalanced("<div><svg><rect/></svg>").is_some());

    // The dump named as markup is text, wherever it is shown: findings, plan, series, overview.
    let hostile = "x&lt;script&gt;alert(1)&lt;/script&gt;.sql";
    assert!(html.matches(hostile).count() >= 4, "{}", html.matches(hostile).count());
    assert!(
        html.contains("x&lt;script&gt;alert(1)&lt;/"),
        "its folder, in the overview"
    );
    assert!(html.contains("reports/Q1 &amp; &quot;Q2&quot; &#39;draft&#39;.xlsx.bak"));
    assert!(!html.contains("alert(1)</script>"));

    // What the page holds: verdict, findings by pattern, plan, charts, overview.
    for section in [
        "FAIL (fail_on = deny)",
        "15 findings (10 deny, 5 warn, 0 info)",
        "<h2>Where the space goes</h2>",
        "<h2>Findings</h2>",
        "Large files that change often",
        "Git used as a database",
        "Audit trails, logs and generated output",
        "Backups, dumps and disk images",
        "<h2>Offenders over time</h2>",
        "<h2>Fix plan: frees",
        "git filter-repo --paths-from-file ../pushgate-paths.txt --invert-paths",
        "git lfs migrate import --include=assets/model.bin --everything",
        "<h2>Overview</h2>",
        "<h3>Largest blobs</h3>",
        "<h3>By extension</h3>",
        "<h3>By top folder</h3>",
        "<h3>Levels of concern</h3>",
        "<h2>Object database</h2>",
    ] {
        assert!(html.contains(section), "no {section:?} in the page");
    }
    assert_eq!(
        html.matches("<svg class=\"chart\"").count(),
        1,
        "one size-over-time chart"
    );
    assert_eq!(
        html.matches("<svg class=\"chart small\"").count(),
        6,
        "a chart per offender the plan covers, a series' members in their series"
    );
}

/// Every `<title>` text in `svg`, in order.
pub(crate) fn titles(svg: &str) -> Vec<&str> {
    svg.match_indices("<title>")
        .map(|(i, _)| {
            let rest = &svg[i + 7..];
            &rest[..rest.find("</title>").expect("a closed title")]
        })
        .collect()
}

#[test]
fn the_charts_show_the_timelines_numbers_which_git_confirms() {
    let repo = repo();
    let report = audit_json(&repo, &[]);
    let audit = &report["audit"];
    let t = &audit["timeline"];
    let periods: Vec<&str> = t["periods"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_str().unwrap())
        .collect();
    assert_eq!(t["period"], "month");
    assert_eq!(
        periods,
        [
            "2024-01", "2024-02", "2024-03", "2024-04", "2024-05", "2024-06", "2024-07", "2024-08"
        ]
    );
    let layer = |key: &str| -> Vec<u64> {
        let l = t["layers"]
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["pattern"] == key)
            .unwrap();
        l["packed"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_u64().unwrap())
            .collect()
    };
    let keys = ["large-churn", "database", "audit-trail", "backup", "other"];

    // Each pattern's layer ends at its share, and the layers at the blobs the changes name.
    for share in audit["patterns"].as_array().unwrap() {
        let key = share["pattern"].as_str().unwrap();
        assert_eq!(layer(key).last().copied(), share["packed"].as_u64(), "{key}");
    }
    let o = &audit["overview"];
    let named = o["blobs"]["packed"].as_u64().unwrap() - o["unattributed"]["packed"].as_u64().unwrap();
    assert_eq!(keys.iter().map(|k| *layer(k).last().unwrap()).sum::<u64>(), named);

    // git's own history: each blob in the month of the first commit that holds it, at its size
    // on disk; the model's versions apart.
    let log = git(
        &repo,
        &[
            "log",
            "--all",
            "--reverse",
            "--root",
            "--raw",
            "--no-abbrev",
            "--no-renames",
            "--format=@%cs",
        ],
    );
    let mut month = String::new();
    let mut first: Vec<(String, String, String)> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for line in log.lines() {
        if let Some(day) = line.strip_prefix('@') {
            month = day[..7].to_owned();
        } else if let Some((meta, path)) = line.split_once('\t') {
            let blob = meta.split_whitespace().nth(3).unwrap().to_owned();
            if blob.bytes().any(|b| b != b'0') && seen.insert(blob.clone()) {
                first.push((month.clone(), blob, path.to_owned()));
            }
        }
    }
    let ids: Vec<String> = first.iter().map(|f| f.1.clone()).collect();
    let disk = disk_sizes(&repo, &ids);
    let mut by_month: BTreeMap<&str, u64> = BTreeMap::new();
    let mut model: BTreeMap<&str, u64> = BTreeMap::new();
    for ((month, _, path), size) in first.iter().zip(&disk) {
        *by_month.entry(month).or_default() += size;
        if path == "assets/model.bin" {
            *model.entry(month).or_default() += size;
        }
    }
    let mut total = 0;
    let mut churn = 0;
    for (i, p) in periods.iter().enumerate() {
        total += by_month.get(p).copied().unwrap_or(0);
        churn += model.get(p).copied().unwrap_or(0);
        let all: u64 = keys.iter().map(|k| layer(k)[i]).sum();
        assert_eq!(all, total, "{p}: what the history holds");
        assert_eq!(layer("large-churn")[i], churn, "{p}: the model's versions");
    }

    // The page's chart says the same, period by period.
    let html = audit_html(&repo, &[]);
    let start = html.find("<svg class=\"chart\"").unwrap();
    let chart = &html[start..start + html[start..].find("</svg>").unwrap()];
    let tips: Vec<&str> = titles(chart);
    for (i, p) in periods.iter().enumerate() {
        let all: u64 = keys.iter().map(|k| layer(k)[i]).sum();
        let tip = tips
            .iter()
            .find(|t| t.starts_with(&format!("{p}: ")))
            .unwrap_or_else(|| panic!("no tooltip for {p} in {tips:?}"));
        assert!(tip.starts_with(&format!("{p}: {} in all", human(all))), "{tip}");
        for (key, title) in [
            ("large-churn", "Large files that change often"),
            ("database", "Git used as a database"),
            ("audit-trail", "Audit trails, logs and generated output"),
            ("backup", "Backups, dumps and disk images"),
            ("other", "Other (no offender)"),
        ] {
            let v = layer(key)[i];
            if v > 0 {
                assert!(tip.contains(&format!("\n{title}: {}", human(v))), "{tip}");
            }
        }
    }
    // Each offender's small chart: its points, and the last is the offender's whole count.
    for series in t["offenders"].as_array().unwrap() {
        let path = series["path"].as_str().unwrap();
        let offender = audit["offenders"]
            .as_array()
            .unwrap()
            .iter()
            .find(|o| o["path"] == path)
            .unwrap();
        let points = series["points"].as_array().unwrap();
        let last = points.last().unwrap();
        assert_eq!(last["versions"], offender["versions"], "{path}");
        assert_eq!(last["packed"], offender["packed"], "{path}");
        let shown = path
            .replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;")
            .replace('\'', "&#39;");
        let at = html
            .find(&format!("<title>{shown}: versions and packed bytes"))
            .unwrap_or_else(|| panic!("no chart for {path}"));
        let small = &html[at..at + html[at..].find("</svg>").unwrap()];
        let tips = titles(small);
        for p in points {
            let versions = p["versions"].as_u64().unwrap();
            let want = format!(
                "{}: {versions} version{}, {} packed",
                p["period"].as_str().unwrap(),
                if versions == 1 { "" } else { "s" },
                human(p["packed"].as_u64().unwrap())
            );
            assert!(tips.contains(&want.as_str()), "{want} not in {tips:?}");
        }
    }
    let model = t["offenders"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["path"] == "assets/model.bin")
        .unwrap();
    let versions: Vec<u64> = model["points"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["versions"].as_u64().unwrap())
        .collect();
    assert_eq!(versions, [1, 2, 3, 4, 5, 6, 7, 8], "a version a month");
}

/// `git cat-file --batch-check` sizes on disk of `ids`.
fn disk_sizes(repo: &Path, ids: &[String]) -> Vec<u64> {
    let mut child = crate::util::git_command(repo, &["cat-file", "--batch-check=%(objectsize:disk)"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("run git cat-file");
    {
        let mut stdin = child.stdin.take().expect("stdin");
        for id in ids {
            writeln!(stdin, "{id}").expect("write id");
        }
    }
    let out = child.wait_with_output().expect("git cat-file");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| l.parse().expect("a size"))
        .collect()
}

#[test]
fn a_baseline_leaves_the_timeline_to_what_is_left() {
    let copy = fixture_copy("html_report");
    let repo = copy.path();
    let baseline = repo.join("baseline.json");
    let before = audit_json(repo, &["--write-baseline", baseline.to_str().unwrap()]);
    let after = audit_json(repo, &["--baseline", baseline.to_str().unwrap()]);
    let layers = |r: &Value| -> HashMap<String, u64> {
        r["audit"]["timeline"]["layers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| {
                (
                    l["pattern"].as_str().unwrap().to_owned(),
                    l["packed"].as_array().unwrap().last().unwrap().as_u64().unwrap(),
                )
            })
            .collect()
    };
    let (b, a) = (layers(&before), layers(&after));
    assert!(b["large-churn"] > 0 && b["backup"] > 0);
    assert_eq!(
        a["large-churn"] + a["database"] + a["audit-trail"] + a["backup"],
        0,
        "{a:?}"
    );
    assert_eq!(
        a["other"],
        b.values().sum::<u64>(),
        "what the offenders held is now no offender's"
    );
    assert_eq!(after["audit"]["timeline"]["offenders"], json!([]));
    let html = audit_html_code(repo, &["--baseline", baseline.to_str().unwrap()], 0);
    assert!(html.contains("The fix plan covers no offender with a history to chart."));
    assert_eq!(unbalanced(&html), None);
}

fn audit_html_code(repo: &Path, args: &[&str], code: i32) -> String {
    let r = report_as("audit", repo, "html", args);
    assert_eq!(r.code, code, "{}", r.describe());
    r.stdout
}

#[test]
fn scan_and_pre_commit_refuse_the_page_before_reading_anything() {
    let repo = repo();
    let out = tempfile::tempdir().unwrap();
    let file = out.path().join("page.html");
    for command in [vec!["scan", "--all"], vec!["pre-commit"]] {
        let mut cmd = pushgate();
        cmd.args(&command)
            .arg("--repo")
            .arg(&repo)
            .args(["--format", "html", "--output"])
            .arg(&file);
        let r = run(&mut cmd);
        assert_eq!(r.code, 2, "{}", r.describe());
        assert_eq!(
            r.stderr,
            format!(
                "pushgate: error: `pushgate {}` does not write --format html, which only `pushgate audit` and `pushgate report merge` render; it writes text, json, sarif, github, junit, markdown\n",
                command[0]
            )
        );
        assert!(!file.exists(), "no report file for a refused format");
    }
    // Outside any repository too: the usage error comes first.
    let mut cmd = pushgate();
    cmd.current_dir(out.path()).args(["scan", "--format", "html"]);
    assert_eq!(run(&mut cmd).code, 2);
    // The audit writes it to --output.
    let r = report_as("audit", &repo, "html", &["--output", file.to_str().unwrap()]);
    assert_eq!((r.code, r.stdout.as_str()), (1, ""), "{}", r.describe());
    assert!(std::fs::read_to_string(&file).unwrap().starts_with("<!DOCTYPE html>"));
}

// --- headless Chromium -----------------------------------------------------------------------

/// The Chromium executable: `CHROMIUM`, else `chromium` on PATH (Debian's package, which
/// `.ci/run` installs). The test that needs it is ignored by default; asked to run without it,
/// it fails and says what is missing.
fn chromium() -> PathBuf {
    if let Some(bin) = std::env::var_os("CHROMIUM").filter(|v| !v.is_empty()) {
        return PathBuf::from(bin);
    }
    let found = std::env::var_os("PATH")
        .into_iter()
        .flat_map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .map(|dir| dir.join("chromium"))
        .find(|p| p.is_file());
    found.unwrap_or_else(|| {
        panic!("chromium is not installed: apt-get install chromium, or set CHROMIUM (.ci/run installs it)")
    })
}

/// Chromium driven over the DevTools protocol on a pipe (`--remote-debugging-pipe`: it reads
/// commands on descriptor 3 and writes answers on 4, each message ending in a NUL byte).
struct Browser {
    child: Child,
    commands: ChildStdin,
    answers: mpsc::Receiver<Value>,
    next: u64,
    /// Events received while waiting for answers.
    events: Vec<Value>,
    _profile: tempfile::TempDir,
}

impl Browser {
    fn launch(log: &Path) -> Browser {
        let profile = tempfile::tempdir().unwrap();
        let mut child = Command::new("sh")
            // The shell hands its standard input and output to Chromium as descriptors 3 and 4.
            .arg("-c")
            .arg(r#"exec "$0" "$@" 3<&0 4>&1 0</dev/null 1>/dev/null"#)
            .arg(chromium())
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-extensions",
                "--hide-scrollbars",
                "--remote-debugging-pipe",
            ])
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .arg("about:blank")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(log).unwrap())
            .spawn()
            .expect("start chromium");
        let commands = child.stdin.take().unwrap();
        let mut pipe = BufReader::new(child.stdout.take().unwrap());
        let (tx, answers) = mpsc::channel();
        std::thread::spawn(move || {
            let mut message = Vec::new();
            while pipe.read_until(0, &mut message).is_ok_and(|n| n > 0) {
                message.pop();
                if let Ok(v) = serde_json::from_slice::<Value>(&message)
                    && tx.send(v).is_err()
                {
                    break;
                }
                message.clear();
            }
        });
        Browser {
            child,
            commands,
            answers,
            next: 0,
            events: Vec::new(),
            _profile: profile,
        }
    }

    /// Send `method` (to `session`, or the browser) and wait for its answer.
    fn call(&mut self, session: Option<&str>, method: &str, params: Value) -> Value {
        self.next += 1;
        let id = self.next;
        let mut message = json!({"id": id, "method": method, "params": params});
        if let Some(s) = session {
            message["sessionId"] = json!(s);
        }
        let mut bytes = serde_json::to_vec(&message).unwrap();
        bytes.push(0);
        self.commands.write_all(&bytes).unwrap();
        self.commands.flush().unwrap();
        loop {
            let v = self
                .answers
                .recv_timeout(Duration::from_secs(60))
                .unwrap_or_else(|e| panic!("no answer to {method} from chromium: {e}"));
            if v["id"] == id {
                assert!(v.get("error").is_none(), "{method}: {v}");
                return v["result"].clone();
            }
            self.events.push(v);
        }
    }

    /// Wait for the event `method`.
    fn wait_for(&mut self, method: &str) {
        if self.events.iter().any(|e| e["method"] == method) {
            return;
        }
        loop {
            let v = self
                .answers
                .recv_timeout(Duration::from_secs(60))
                .unwrap_or_else(|e| panic!("no {method} from chromium: {e}"));
            let done = v["method"] == method;
            self.events.push(v);
            if done {
                return;
            }
        }
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Standard base64 (the protocol's screenshots and PDFs).
fn base64(text: &str) -> Vec<u8> {
    let value = |c: u8| -> u32 {
        match c {
            b'A'..=b'Z' => u32::from(c - b'A'),
            b'a'..=b'z' => u32::from(c - b'a') + 26,
            b'0'..=b'9' => u32::from(c - b'0') + 52,
            b'+' => 62,
            b'/' => 63,
            _ => panic!("not base64: {c}"),
        }
    };
    let bytes: Vec<u8> = text.bytes().filter(|&c| c != b'=').collect();
    let mut out = Vec::with_capacity(bytes.len() * 3 / 4);
    for chunk in bytes.chunks(4) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, &c)| n | value(c) << (18 - 6 * i));
        out.extend_from_slice(&n.to_be_bytes()[1..chunk.len()]);
    }
    out
}

/// Where the screenshots go: `target/html-report/`.
pub(crate) fn shots() -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .unwrap()
        .join("html-report");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A page written to `target/html-report/` and opened in headless Chromium, 1200 pixels wide,
/// with the page, runtime, log and network events recorded.
pub(crate) struct Rendered {
    browser: Browser,
    session: String,
    url: String,
    dir: PathBuf,
}

impl Rendered {
    /// Write `html` to `target/html-report/<name>.html` and load it.
    pub(crate) fn open(name: &str, html: &str) -> Rendered {
        let dir = shots();
        let page = dir.join(format!("{name}.html"));
        std::fs::write(&page, html).unwrap();
        let url = format!("file://{}", page.display());
        let mut b = Browser::launch(&dir.join(format!("chromium-{name}.log")));
        let target = b.call(None, "Target.createTarget", json!({"url": "about:blank"}));
        let attached = b.call(
            None,
            "Target.attachToTarget",
            json!({"targetId": target["targetId"], "flatten": true}),
        );
        let session = attached["sessionId"].as_str().unwrap().to_owned();
        let s = Some(session.as_str());
        for domain in ["Page", "Runtime", "Log", "Network"] {
            b.call(s, &format!("{domain}.enable"), json!({}));
        }
        b.call(
            s,
            "Emulation.setDeviceMetricsOverride",
            json!({"width": 1200, "height": 900, "deviceScaleFactor": 1, "mobile": false}),
        );
        b.call(s, "Page.navigate", json!({"url": url}));
        b.wait_for("Page.loadEventFired");
        Rendered {
            browser: b,
            session,
            url,
            dir,
        }
    }

    /// Send `method` to the page.
    pub(crate) fn call(&mut self, method: &str, params: Value) -> Value {
        self.browser.call(Some(&self.session), method, params)
    }

    /// The value of `expression` in the page.
    pub(crate) fn evaluate(&mut self, expression: &str) -> Value {
        self.call(
            "Runtime.evaluate",
            json!({"expression": expression, "returnByValue": true}),
        )["result"]["value"]
            .clone()
    }

    /// The body's background colour (`rgb(…)`).
    pub(crate) fn background(&mut self) -> Value {
        self.evaluate("getComputedStyle(document.body).backgroundColor")
    }

    /// Emulate `media` (`print`, or `""` for the screen) in the colour `scheme`.
    pub(crate) fn emulate(&mut self, media: &str, scheme: &str) {
        self.call(
            "Emulation.setEmulatedMedia",
            json!({"media": media, "features": [{"name": "prefers-color-scheme", "value": scheme}]}),
        );
    }

    /// A screenshot of the whole page, saved as `target/html-report/<name>`.
    pub(crate) fn shoot(&mut self, name: &str) {
        let metrics = self.call("Page.getLayoutMetrics", json!({}));
        let size = &metrics["cssContentSize"];
        let shot = self.call(
            "Page.captureScreenshot",
            json!({"format": "png", "captureBeyondViewport": true,
                   "clip": {"x": 0, "y": 0, "width": size["width"], "height": size["height"], "scale": 1}}),
        );
        let png = base64(shot["data"].as_str().unwrap());
        assert!(png.starts_with(b"\x89PNG"), "{name} is a PNG");
        std::fs::write(self.dir.join(name), png).unwrap();
    }

    /// The page printed to `target/html-report/<name>`.
    pub(crate) fn print(&mut self, name: &str) {
        let pdf = self.call("Page.printToPDF", json!({"printBackground": false}));
        let pdf = base64(pdf["data"].as_str().unwrap());
        assert!(pdf.starts_with(b"%PDF"));
        std::fs::write(self.dir.join(name), pdf).unwrap();
    }

    /// Nothing went wrong and nothing was asked of the network: no console error, no exception,
    /// and the one request is the page.
    pub(crate) fn assert_quiet(&mut self) {
        self.browser.call(None, "Browser.getVersion", json!({}));
        let errors: Vec<&Value> = self
            .browser
            .events
            .iter()
            .filter(|e| match e["method"].as_str() {
                Some("Runtime.exceptionThrown") => true,
                Some("Runtime.consoleAPICalled") => matches!(e["params"]["type"].as_str(), Some("error" | "assert")),
                Some("Log.entryAdded") => e["params"]["entry"]["level"] == "error",
                _ => false,
            })
            .collect();
        assert!(errors.is_empty(), "console errors: {errors:#?}");
        let requests: Vec<&str> = self
            .browser
            .events
            .iter()
            .filter(|e| e["method"] == "Network.requestWillBeSent")
            .filter_map(|e| e["params"]["request"]["url"].as_str())
            .collect();
        assert_eq!(requests, [self.url.as_str()], "the page is the only request");
    }
}

#[test]
#[ignore = "needs chromium (run with --include-ignored; .ci/run does)"]
fn the_page_renders_in_chromium_without_errors_or_requests() {
    let mut page = Rendered::open("audit", &audit_html(&repo(), &[]));

    // The charts are there and drawn: the size chart with a band per pattern, six small ones.
    let drawn = page.evaluate(
        "JSON.stringify([...document.querySelectorAll('svg.chart')].map(e => { const r = e.getBoundingClientRect(); return [e.classList.contains('small'), Math.round(r.width), Math.round(r.height), e.querySelectorAll('path.area').length]; }))",
    );
    let drawn: Vec<(bool, u64, u64, u64)> = serde_json::from_str(drawn.as_str().unwrap()).unwrap();
    assert_eq!(drawn.len(), 7, "{drawn:?}");
    let (small, large): (Vec<&(bool, u64, u64, u64)>, Vec<_>) = drawn.iter().partition(|d| d.0);
    assert_eq!(small.len(), 6);
    assert!(large[0].1 > 800 && large[0].2 > 250 && large[0].3 == 5, "{large:?}");
    assert!(small.iter().all(|d| d.1 > 250 && d.2 > 100 && d.3 == 1), "{small:?}");

    assert_eq!(page.background(), "rgb(255, 255, 255)");
    page.shoot("audit.png");
    page.emulate("", "dark");
    assert_eq!(page.background(), "rgb(13, 17, 23)", "the dark scheme");
    page.shoot("audit-dark.png");
    // Printed from a dark screen: no dark background on paper.
    page.emulate("print", "dark");
    assert_eq!(page.background(), "rgb(255, 255, 255)", "print is light");
    page.shoot("audit-print.png");
    page.print("audit.pdf");
    page.assert_quiet();
}
