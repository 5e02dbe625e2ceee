//! What findings tell people to do: a first step that fits each finding (fixture
//! `suggestions`: an 11-byte backup copy, an 8 KiB test SQLite, a 2 MiB SQLite at the top, a
//! pg_dump, a log, a 6 MiB video), then the pattern's alternative in the policy's
//! `[suggestions] style`, or the policy's own text. Also pins `pushgate explain`.

#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::hooks::{Server, remote_text};
use crate::util::*;

/// Vendor and service names the neutral wording never uses: the list the library's unit tests
/// check the wording against.
#[path = "../../src/advice/vendors.rs"]
mod vendors;
use vendors::VENDORS;

/// A policy file that lives as long as the returned guard.
fn policy_file(text: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = write_file(dir.path(), "policy.toml", text);
    (dir, path)
}

fn fix_of<'a>(report: &'a Value, rule: &str, path: &str) -> &'a str {
    finding_at(report, rule, path)["fix"].as_str().unwrap()
}

#[test]
fn each_finding_gets_a_first_step_that_fits_it() {
    let repo = fixture("suggestions");
    let (code, report) = scan_json(&repo, &["--all"]);
    assert_eq!(code, 1, "{report:#}");
    assert_eq!(
        finding_set(&report),
        set_of(&[
            ("large-blob", "assets/intro.mp4", "warn"),
            ("database-file", "ledger.sqlite", "deny"),
            ("database-file", "tests/data/sample.sqlite", "info"),
            ("log-file", "app.log", "warn"),
            ("database-dump", "backups/ledger.sql", "deny"),
            ("backup-file", "config.yaml.bak", "warn"),
        ])
    );

    // The 11-byte backup copy: delete it and ignore the pattern; no backup service.
    let fix = fix_of(&report, "backup-file", "config.yaml.bak");
    assert!(fix.starts_with("Delete it"), "{fix}");
    assert!(fix.contains("Add `*.bak` to .gitignore"), "{fix}");
    // The 8 KiB SQLite under tests/: a fixture, with the exemption that keeps it.
    let fix = fix_of(&report, "database-file", "tests/data/sample.sqlite");
    assert!(fix.contains("keep it as a fixture"), "{fix}");
    assert!(
        fix.contains("[[allow]]\npaths = [\"tests/data/sample.sqlite\"]\nrules = [\"database-file\"]\n"),
        "{fix}"
    );
    // The 2 MiB SQLite at the top: out of git, into a database.
    let fix = fix_of(&report, "database-file", "ledger.sqlite");
    assert!(fix.starts_with("Take the database out of git"), "{fix}");
    assert!(
        fix.contains("`/ledger.sqlite` to .gitignore") && !fix.contains("[[allow]]"),
        "{fix}"
    );
    // The pg_dump: delete it, dumps go to backup storage, the schema stays.
    let fix = fix_of(&report, "database-dump", "backups/ledger.sql");
    assert!(
        fix.starts_with("Delete the dump") && fix.contains("`/backups/ledger.sql`"),
        "{fix}"
    );
    // The log by its name, the video to Git LFS by its extension.
    assert!(fix_of(&report, "log-file", "app.log").contains("`*.log` to .gitignore"));
    let fix = fix_of(&report, "large-blob", "assets/intro.mp4");
    assert!(fix.contains("git lfs track \"*.mp4\""), "{fix}");

    // The first step is the finding's own; the suggestion stays the pattern's alternative,
    // and neither repeats the other.
    for f in findings(&report) {
        let pattern = f["pattern"].as_str().unwrap();
        let (fix, suggestion) = (f["fix"].as_str().unwrap(), f["suggestion"].as_str().unwrap());
        assert_eq!(suggestion, default_suggestion(pattern), "{f:#}");
        assert!(!fix.is_empty() && !fix.contains(suggestion), "{f:#}");
        for word in VENDORS {
            assert!(!fix.contains(word), "a first step names no vendor: {f:#}");
        }
    }
}

#[test]
fn the_fixture_exemption_is_one_the_policy_accepts() {
    let repo = fixture("suggestions");
    let (_, report) = scan_json(&repo, &["--all"]);
    let fix = fix_of(&report, "database-file", "tests/data/sample.sqlite");
    let toml = &fix[fix.find("[[allow]]").unwrap()..];
    let (_dir, policy) = policy_file(toml);
    let check = pushgate_run(&["policy", "check", policy.to_str().unwrap()]);
    assert_eq!(check.code, 0, "{}", check.describe());
    let (_, exempted) = scan_json(&repo, &["--all", "--policy", policy.to_str().unwrap()]);
    let mut want = finding_set(&report);
    want.retain(|(rule, path, _)| !(rule == "database-file" && path == "tests/data/sample.sqlite"));
    assert_eq!(finding_set(&exempted), want);
    assert!(
        !notice_kinds(&exempted).iter().any(|k| k.contains("exemption")),
        "the exemption is used: {exempted:#}"
    );
}

#[test]
fn the_text_report_says_the_first_step_then_the_alternative() {
    let repo = fixture("suggestions");
    let r = report_as("scan", &repo, "text", &["--all"]);
    assert_eq!(r.code, 1, "{}", r.describe());
    let out = &r.stdout;
    // Within each pattern, every `Fix:` comes before the one `Instead:`.
    for section in out.split("\n\n").filter(|s| s.contains("Instead:")) {
        let instead = section.find("Instead:").unwrap();
        let fix = section.rfind("Fix:").unwrap_or_else(|| panic!("no Fix: in\n{section}"));
        assert!(fix < instead, "{section}");
        assert_eq!(section.matches("Instead:").count(), 1, "{section}");
    }
    let squashed = squash_ws(out);
    for pattern in ["large-churn", "database", "audit-trail", "backup"] {
        assert_eq!(
            squashed.matches(&squash_ws(default_suggestion(pattern))).count(),
            1,
            "{out}"
        );
    }
    // The aws style names the services.
    for service in [
        "Amazon S3",
        "Amazon DynamoDB",
        "AWS CloudTrail",
        "Amazon CloudWatch Logs",
        "AWS Backup",
    ] {
        assert!(squashed.contains(service), "{service}: {out}");
    }
}

/// Every output of a repository's findings under `policy`: each scan format, each audit
/// format, `explain` of every rule, `policy show`.
fn every_output(repo: &Path, policy: &Path) -> Vec<(String, Run)> {
    let p = policy.to_str().unwrap();
    let mut outs = Vec::new();
    for format in ["text", "json", "sarif", "github", "junit", "markdown"] {
        outs.push((
            format!("scan {format}"),
            report_as("scan", repo, format, &["--all", "--policy", p]),
        ));
    }
    for format in ["text", "json", "markdown"] {
        outs.push((
            format!("audit {format}"),
            report_as("audit", repo, format, &["--policy", p]),
        ));
    }
    outs.push(("explain".into(), pushgate_run(&["explain", "--policy", p])));
    for (rule, _, _) in RULES {
        outs.push((
            format!("explain {rule}"),
            pushgate_run(&["explain", rule, "--policy", p]),
        ));
    }
    outs
}

#[test]
fn the_neutral_style_names_no_vendor_in_any_output() {
    let repo = fixture("suggestions");
    let (_dir, policy) = policy_file("[suggestions]\nstyle = \"neutral\"\n");
    for (what, r) in every_output(&repo, &policy) {
        assert!(r.code <= 1, "{what}: {}", r.describe());
        assert!(!r.stdout.is_empty(), "{what}: {}", r.describe());
        for word in VENDORS {
            assert!(!r.stdout.contains(word), "{what} names {word}:\n{}", r.stdout);
        }
    }
    // ... and says what to use instead all the same.
    let r = report_as("scan", &repo, "text", &["--all", "--policy", policy.to_str().unwrap()]);
    let out = squash_ws(&r.stdout);
    for words in [
        "object storage",
        "managed key-value or document database",
        "log service",
        "backup service",
    ] {
        assert!(out.contains(words), "{words}: {}", r.stdout);
    }
    // The same outputs under the default style do name the services: the check above can fail.
    let (_dir, aws) = policy_file("[suggestions]\nstyle = \"aws\"\n");
    for (what, r) in every_output(&repo, &aws) {
        if what.starts_with("scan") || what.starts_with("audit text") {
            assert!(r.stdout.contains("Amazon"), "{what}:\n{}", r.stdout);
        }
    }
}

#[test]
fn the_pusher_gets_first_steps_and_the_neutral_alternative() {
    let server = Server::seeded("suggestions", "v1");
    let r = server.pushgate(&["install", "pre-receive"]);
    assert_eq!(r.code, 0, "{}", r.describe());
    server.policy("[suggestions]\nstyle = \"neutral\"\n");
    let r = server.push(&["main:refs/heads/main"]);
    assert_ne!(r.code, 0, "the dump and the database are denied: {}", r.describe());
    let text = remote_text(&r);
    let squashed = squash_ws(&text);
    assert!(
        squashed.contains(
            "Fix: Delete it: git history already keeps every version of the original. Add `*.bak` to .gitignore"
        ),
        "{text}"
    );
    assert!(squashed.contains("paths = [\"tests/data/sample.sqlite\"]"), "{text}");
    assert!(squashed.contains("Fix: Delete the dump"), "{text}");
    assert!(squashed.contains("object storage"), "{text}");
    for word in VENDORS {
        assert!(!text.contains(word), "the push report names {word}:\n{text}");
    }
}

#[test]
fn a_pattern_text_of_the_policy_wins_over_either_style() {
    let repo = fixture("suggestions");
    let ours = "Put it in the team Postgres (see the wiki).";
    for style in ["aws", "neutral"] {
        let (_dir, policy) = policy_file(&format!("[suggestions]\nstyle = \"{style}\"\ndatabase = \"{ours}\"\n"));
        let (_, report) = scan_json(&repo, &["--all", "--policy", policy.to_str().unwrap()]);
        let mut patterns = Vec::new();
        for f in findings(&report) {
            let pattern = f["pattern"].as_str().unwrap();
            let suggestion = f["suggestion"].as_str().unwrap();
            if pattern == "database" {
                assert_eq!(suggestion, ours, "{style}: {f:#}");
            } else {
                assert_ne!(suggestion, ours, "{style}: {f:#}");
                assert_eq!(suggestion.contains("Amazon"), style == "aws", "{style}: {f:#}");
            }
            patterns.push(pattern.to_owned());
        }
        assert!(patterns.iter().any(|p| p == "database") && patterns.iter().any(|p| p == "backup"));
        let r = pushgate_run(&["explain", "database-file", "--policy", policy.to_str().unwrap()]);
        assert!(
            r.stdout
                .contains("What to use instead ([suggestions] database in the policy):"),
            "{}",
            r.stdout
        );
        assert!(squash_ws(&r.stdout).contains(ours), "{}", r.stdout);
    }
}

#[test]
fn an_unknown_style_is_a_policy_error() {
    let repo = fixture("suggestions");
    let (_dir, policy) = policy_file("version = 1\n\n[suggestions]\nstyle = \"nuetral\"\n");
    let p = policy.to_str().unwrap();
    for r in [
        scan_run(&repo, &["--all", "--policy", p]),
        pushgate_run(&["policy", "check", p]),
        pushgate_run(&["explain", "--policy", p]),
    ] {
        assert_eq!(r.code, 2, "{}", r.describe());
        assert!(r.stdout.is_empty(), "{}", r.describe());
        assert!(
            r.stderr
                .contains("policy.toml:4:9: suggestions.style: unknown variant `nuetral`"),
            "{}",
            r.describe()
        );
        assert!(r.stderr.contains("did you mean `neutral`?"), "{}", r.describe());
    }
}

#[test]
fn explain_list_snapshot() {
    let r = pushgate_run(&["explain"]);
    assert_eq!(r.code, 0, "{}", r.describe());
    insta::assert_snapshot!("explain-list", r.stdout);
}

#[test]
fn explain_rule_snapshots() {
    for rule in ["database-file", "backup-file"] {
        let r = pushgate_run(&["explain", rule]);
        assert_eq!(r.code, 0, "{}", r.describe());
        insta::assert_snapshot!(format!("explain-{rule}"), r.stdout);
    }
}
