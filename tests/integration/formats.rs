//! `--format sarif|github|junit|markdown`: snapshots over the fixture repositories, the
//! SARIF validator, and the escaping each format promises.

#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::process;

use serde_json::Value;

use crate::util::*;

/// A policy that makes `formats` produce a range-wide finding and a notice.
const GROWTH_POLICY: &str = r#"
[rules.history-growth]
warn_size = "1KiB"
deny_size = "1GiB"

[[allow]]
paths = ["nothing/matches/this/**"]
reason = "an exemption that no finding uses"
"#;

/// The report with the tool version replaced, so that snapshots survive a version bump.
fn redact(text: &str) -> String {
    text.replace(env!("CARGO_PKG_VERSION"), "[version]")
}

/// The growth policy written to a file that lives as long as the returned guard.
fn growth_policy() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = write_file(dir.path(), "growth.toml", GROWTH_POLICY);
    (dir, path)
}

/// The three cases every format is snapshotted over: findings with odd paths, no findings,
/// and a range-wide finding with a notice.
fn cases(format: &str) -> Vec<(&'static str, Run)> {
    let (_dir, policy) = growth_policy();
    let policy = policy.to_str().unwrap();
    vec![
        ("formats", scan_as(&fixture("formats"), format, &["--all"])),
        ("plain", scan_as(&fixture("plain"), format, &["--all"])),
        (
            "growth",
            scan_as(&fixture("formats"), format, &["--policy", policy, "v1..main"]),
        ),
    ]
}

fn snapshot_all(format: &str) {
    for (name, r) in cases(format) {
        let want = if name == "plain" { 0 } else { 1 };
        assert_eq!(r.code, want, "{format} over {name}\n{}", r.describe());
        assert_eq!(
            r.stderr,
            "",
            "{format} over {name}: nothing on stderr\n{}",
            r.describe()
        );
        insta::assert_snapshot!(format!("{format}-{name}"), redact(&r.stdout));
    }
}

#[test]
fn sarif_snapshots() {
    snapshot_all("sarif");
}

#[test]
fn github_snapshots() {
    snapshot_all("github");
}

#[test]
fn junit_snapshots() {
    snapshot_all("junit");
}

#[test]
fn markdown_snapshots() {
    snapshot_all("markdown");
}

/// The SARIF validator's executable: `SARIF_MULTITOOL` (`.ci/run` installs
/// `@microsoft/sarif-multitool` and points it at the platform binary). The test that needs it
/// is ignored by default; asked to run without it, it fails and says what is missing.
fn multitool() -> PathBuf {
    match std::env::var_os("SARIF_MULTITOOL").filter(|v| !v.is_empty()) {
        Some(path) => PathBuf::from(path),
        None => panic!(
            "SARIF_MULTITOOL is not set: install @microsoft/sarif-multitool and point it at the Sarif.Multitool binary (.ci/run does)"
        ),
    }
}

/// Validate `sarif` with Microsoft's validator, with the SARIF and the GitHub rule sets, and
/// return its errors and warnings (rule id and message).
fn validate(tool: &Path, name: &str, sarif: &str) -> Vec<(String, String)> {
    let dir = tempfile::tempdir().unwrap();
    let input = write_file(dir.path(), &format!("{name}.sarif"), sarif);
    let output = dir.path().join("validation.sarif");
    let out = process::Command::new(tool)
        .arg("validate")
        .arg(&input)
        .arg("--output")
        .arg(&output)
        .args([
            "--log",
            "ForceOverwrite",
            "--rule-kind",
            "Sarif;Gh",
            "--level",
            "Error;Warning",
        ])
        .output()
        .unwrap_or_else(|e| panic!("run {}: {e}", tool.display()));
    let console = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "the validator failed on {name}:\n{console}");
    let log: Value = serde_json::from_str(&std::fs::read_to_string(&output).unwrap())
        .unwrap_or_else(|e| panic!("the validator's log is not JSON ({e}):\n{console}"));
    log["runs"][0]["results"]
        .as_array()
        .unwrap_or_else(|| panic!("no results in the validator's log:\n{console}"))
        .iter()
        .map(|r| {
            (
                r["ruleId"].as_str().unwrap_or("?").to_owned(),
                r["message"]["text"]
                    .as_str()
                    .map(str::to_owned)
                    .unwrap_or_else(|| r["message"].to_string()),
            )
        })
        .collect()
}

#[test]
#[ignore = "needs Microsoft's SARIF validator in SARIF_MULTITOOL (run with --include-ignored; .ci/run does)"]
fn sarif_passes_microsofts_validator() {
    let tool = multitool();
    let (_dir, policy) = growth_policy();
    let mut runs = cases("sarif");
    runs.push(("rules", scan_as(&fixture("rules"), "sarif", &["--all"])));
    runs.push(("odd", scan_as(&fixture("odd"), "sarif", &["--all"])));
    runs.push((
        "rules-range",
        scan_as(
            &fixture("rules"),
            "sarif",
            &["--policy", policy.to_str().unwrap(), "v1..main"],
        ),
    ));
    for (name, r) in runs {
        assert!(r.code == 0 || r.code == 1, "{name}\n{}", r.describe());
        let problems: Vec<_> = validate(&tool, name, &r.stdout)
            .into_iter()
            // pushgate has no public home page to name as the tool's informationUri (the
            // validator words it "Warning_ProvideToolnformationUri" or spells it out).
            .filter(|(id, message)| !(id == "SARIF2005" && message.contains("nformationUri")))
            .collect();
        assert!(problems.is_empty(), "{name}: {problems:#?}\n{}", r.stdout);
    }
}

#[test]
fn sarif_results_match_the_json_findings() {
    let repo = fixture("formats");
    let (_, json) = scan_json(&repo, &["--all"]);
    let r = scan_as(&repo, "sarif", &["--all"]);
    let sarif: Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    let run = &sarif["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    assert_eq!(rules.len(), RULES.len(), "one reporting descriptor per rule");
    for ((id, _, level), descriptor) in RULES.iter().zip(rules) {
        assert_eq!(descriptor["id"], *id);
        let want = match *level {
            "deny" => "error",
            "warn" => "warning",
            _ => "note",
        };
        assert_eq!(descriptor["defaultConfiguration"]["level"], want, "{id}");
        for key in ["name", "shortDescription", "fullDescription", "help"] {
            assert!(!descriptor[key].is_null(), "{id} lacks {key}");
        }
    }
    let results = run["results"].as_array().unwrap();
    let findings = findings(&json);
    assert_eq!(results.len(), findings.len());
    for (result, finding) in results.iter().zip(findings) {
        assert_eq!(result["ruleId"], finding["rule"]);
        let rule_index = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[rule_index]["id"], finding["rule"]);
        let want = match finding["level"].as_str().unwrap() {
            "deny" => "error",
            "warn" => "warning",
            _ => "note",
        };
        assert_eq!(result["level"], want);
        assert_eq!(result["partialFingerprints"]["pushgate/v1"], finding["fingerprint"]);
        let uri = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            .as_str()
            .unwrap();
        assert!(
            uri.bytes().all(|b| b.is_ascii_alphanumeric() || b"-._~/%".contains(&b)),
            "{uri} is not a plain relative URI"
        );
        // Decoding the URI gives back the path's bytes (the JSON path is lossy for invalid UTF-8).
        let decoded = percent_decode(uri);
        assert_eq!(String::from_utf8_lossy(&decoded), path_of(finding));
    }
    let uris: Vec<&str> = results
        .iter()
        .map(|r| {
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .unwrap()
        })
        .collect();
    for want in [
        "caf%E9.bak",
        "two%0Alines.bak",
        "evil%1B%5B31mred.bak",
        "odd/100%25%2Cdone%3A%20%231%3F.bak",
        "donn%C3%A9es/r%C3%A9sum%C3%A9.bak",
    ] {
        assert!(uris.contains(&want), "{want} missing from {uris:#?}");
    }
}

fn percent_decode(s: &str) -> Vec<u8> {
    let bytes = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap();
            out.push(u8::from_str_radix(hex, 16).unwrap());
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    out
}

#[test]
fn github_annotations_are_escaped_and_one_line_each() {
    let r = scan_as(&fixture("formats"), "github", &["--all"]);
    assert_eq!(r.code, 1, "{}", r.describe());
    let lines: Vec<&str> = r.stdout.lines().collect();
    // Ten findings, then the summary line; a newline in a path or message never splits a command.
    assert_eq!(lines.len(), 11, "{}", r.stdout);
    assert_eq!(lines.iter().filter(|l| l.starts_with("::error ")).count(), 2);
    assert_eq!(lines.iter().filter(|l| l.starts_with("::warning ")).count(), 7);
    assert_eq!(lines.iter().filter(|l| l.starts_with("::notice ")).count(), 1);
    assert!(!r.stdout.contains('\u{1b}'), "an escape character reached the log");
    assert!(
        r.stdout
            .contains("::warning file=odd/100%25%2Cdone%3A #1?.bak,title=pushgate backup-file (warn)::"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("file=two\\nlines.bak,"), "{}", r.stdout);
    assert!(
        r.stdout.contains("::error file=data/app.sqlite,title=pushgate database-file (deny)::SQLite database (confirmed by content) (4.0 KiB, commit 97524ffcaa)%0AFix: Take the database out of git: "),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("to .gitignore, and commit the schema and migrations (or a script that builds it) instead.%0AInstead: Git is not a database"),
        "{}",
        r.stdout
    );
    assert!(lines[10].starts_with("pushgate: 10 findings"), "{}", lines[10]);
}

#[test]
fn github_appends_a_job_summary() {
    let dir = tempfile::tempdir().unwrap();
    let summary = write_file(dir.path(), "step_summary.md", "# earlier step\n");
    let mut cmd = pushgate();
    cmd.arg("scan")
        .arg("--repo")
        .arg(fixture("formats"))
        .args(["--format", "github", "--all"])
        .env("GITHUB_STEP_SUMMARY", &summary);
    let r = run(&mut cmd);
    assert_eq!(r.code, 1, "{}", r.describe());
    let text = std::fs::read_to_string(&summary).unwrap();
    assert!(text.starts_with("# earlier step\n## "), "{text}");
    let markdown = scan_as(&fixture("formats"), "markdown", &["--all"]);
    assert_eq!(text, format!("# earlier step\n{}", markdown.stdout));

    // Without findings the summary says so.
    let summary = write_file(dir.path(), "plain.md", "");
    let mut cmd = pushgate();
    cmd.arg("scan")
        .arg("--repo")
        .arg(fixture("plain"))
        .args(["--format", "github", "--all"])
        .env("GITHUB_STEP_SUMMARY", &summary);
    let r = run(&mut cmd);
    assert_eq!(r.code, 0, "{}", r.describe());
    assert!(std::fs::read_to_string(&summary).unwrap().contains("pass"));
}

#[test]
fn junit_has_a_suite_per_pattern_and_a_case_per_rule() {
    let r = scan_as(&fixture("formats"), "junit", &["--all"]);
    assert_eq!(r.code, 1, "{}", r.describe());
    let report = quick_junit::Report::deserialize_from_str(&r.stdout).unwrap();
    let suites: Vec<&str> = report.test_suites.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(suites, ["large-churn", "database", "audit-trail", "backup"]);
    let cases: Vec<&str> = report
        .test_suites
        .iter()
        .flat_map(|s| s.test_cases.iter().map(|c| c.name.as_str()))
        .collect();
    let rules: Vec<&str> = RULES.iter().map(|(id, _, _)| *id).collect();
    assert_eq!(cases, rules);
    // deny findings fail their rule's test case; warn and info findings do not (fail_on = deny).
    let failed: Vec<&str> = report
        .test_suites
        .iter()
        .flat_map(|s| s.test_cases.iter())
        .filter(|c| !matches!(c.status, quick_junit::TestCaseStatus::Success { .. }))
        .map(|c| c.name.as_str())
        .collect();
    assert_eq!(failed, ["database-file", "database-dump"]);
    assert_eq!(report.failures, 2);

    // A rule switched off is no test case; with fail_on = warn, warnings fail too.
    let dir = tempfile::tempdir().unwrap();
    let policy = write_file(
        dir.path(),
        "p.toml",
        "fail_on = \"warn\"\n[rules.log-file]\nlevel = \"off\"\n",
    );
    let r = scan_as(
        &fixture("formats"),
        "junit",
        &["--all", "--policy", policy.to_str().unwrap()],
    );
    let report = quick_junit::Report::deserialize_from_str(&r.stdout).unwrap();
    let names: Vec<&str> = report
        .test_suites
        .iter()
        .flat_map(|s| s.test_cases.iter().map(|c| c.name.as_str()))
        .collect();
    assert!(!names.contains(&"log-file"), "{names:?}");
    assert_eq!(names.len(), RULES.len() - 1);
    assert_eq!(report.failures, 3, "{}", r.stdout);
}

#[test]
fn markdown_tables_keep_their_columns() {
    let r = scan_as(&fixture("formats"), "markdown", &["--all"]);
    assert_eq!(r.code, 1, "{}", r.describe());
    let rows: Vec<&str> = r.stdout.lines().filter(|l| l.starts_with("| ")).collect();
    // Three header rows (one per pattern with findings, each with its rule line) and ten findings.
    assert_eq!(rows.len(), 3 * 2 + 10, "{}", r.stdout);
    for row in rows {
        let unescaped = row
            .char_indices()
            .filter(|&(i, c)| c == '|' && (i == 0 || row.as_bytes()[i - 1] != b'\\'))
            .count();
        assert_eq!(unescaped, 8, "a cell leaked into the next: {row}");
    }
    assert!(
        r.stdout.contains("reports/q1\\|q2 \\*draft\\* \\[v2\\] \\<b\\>.bak"),
        "{}",
        r.stdout
    );
    assert!(!r.stdout.contains('\u{1b}'));
    // Each distinct suggestion once per pattern (build output has its own beside the logs').
    let (_, report) = crate::util::scan_json(&fixture("formats"), &["--all"]);
    let distinct: std::collections::BTreeSet<(String, String)> = crate::util::findings(&report)
        .iter()
        .map(|f| (f["pattern"].to_string(), f["suggestion"].to_string()))
        .collect();
    assert_eq!(distinct.len(), 4, "{distinct:#?}");
    assert_eq!(r.stdout.matches("**Instead:**").count(), distinct.len(), "{}", r.stdout);
}
