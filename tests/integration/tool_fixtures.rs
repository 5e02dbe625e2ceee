//! Fixtures of tools whose domain is logs, dumps and databases, and history the tips already
//! fixed: a log viewer's sample logs and golden dumps, a benchmark's SQLite file since deleted,
//! an archive once committed past LFS and since removed, test archives and vendored files
//! regenerated with the code, a large fuzzing input. They are info; beside them the application's own database, a
//! server log and a raw archive at the tip stay loud. The audit and a push that brings it all
//! give the same rule, level and subject.

use crate::audit::audit_json;
use crate::util::{finding_at as finding, findings, fixture, loud, path_of, set_of};

const QUIET: &[(&str, &str)] = &[
    ("log-file", "tests/samples/syslog_basic.txt"),
    ("log-file", "tests/expected/render_syslog.out"),
    ("audit-record", "tests/samples/events_basic.json"),
    ("database-dump", "tests/expected/dump_table.out"),
    ("database-file", "bench/seed.db"),
    ("database-file", "scratch.db"),
    ("lfs-bypassed", "assets/baselines/old-run.tar.xz"),
    ("churning-blob", "tests/fixtures/generated/repo-layout.tar"),
    ("churning-blob", "vendor/example.net/cloudapi/api.json"),
    ("large-blob", "tests/fixtures/fuzzed/deep-path.input"),
];

const LOUD: &[(&str, &str, &str)] = &[
    ("database-file", "data/app.db", "deny"),
    ("log-file", "logs/server.log", "warn"),
    ("lfs-bypassed", "assets/baselines/current.tar.xz", "deny"),
    ("large-blob", "docs/reference-manual.txt", "warn"),
];

#[test]
fn fixtures_of_a_log_and_database_tool_and_fixed_history_are_info_in_the_audit() {
    let repo = fixture("tool_fixtures");
    let (_, report) = audit_json(&repo, &[]);
    assert_eq!(loud(&report), set_of(LOUD), "{report:#}");
    for (rule, path) in QUIET {
        assert_eq!(
            finding(&report, rule, path)["level"],
            "info",
            "{rule} {path}: {report:#}"
        );
    }
    let removed = finding(&report, "database-file", "bench/seed.db");
    assert_eq!(removed["evidence"]["removed"], true, "{removed:#}");
    let gone = finding(&report, "lfs-bypassed", "assets/baselines/old-run.tar.xz");
    assert_eq!(gone["evidence"]["held_at_tips"], false, "{gone:#}");
}

#[test]
fn a_push_that_brings_them_agrees_with_the_audit() {
    let repo = fixture("tool_fixtures");
    let (_, report) = audit_json(&repo, &[]);
    let server = crate::hooks::Server::seeded("tool_fixtures", "base");
    assert_eq!(server.pushgate(&["install", "pre-receive"]).code, 0);
    let r = server.push(&["main:refs/heads/main"]);
    let text = crate::hooks::remote_text(&r);
    assert_ne!(
        r.code, 0,
        "the database and the raw archive at the tip are denied: {text}"
    );
    let seen = crate::hooks::finding_set(&r);
    for (rule, path) in QUIET {
        assert!(
            seen.contains(&("info".to_owned(), (*rule).to_owned(), (*path).to_owned())),
            "{rule} {path} is info at push time:\n{text}"
        );
    }
    let wanted: Vec<(&str, &str)> = QUIET
        .iter()
        .copied()
        .chain(LOUD.iter().map(|(r, p, _)| (*r, *p)))
        .collect();
    for (rule, path) in wanted {
        let f = findings(&report)
            .iter()
            .find(|f| f["rule"] == rule && path_of(f) == path)
            .unwrap_or_else(|| panic!("no {rule} finding for {path}: {report:#}"));
        let level = f["level"].as_str().unwrap_or_default().to_owned();
        assert!(
            seen.contains(&(level.clone(), rule.to_owned(), path.to_owned())),
            "audit says {level} {rule} {path}; the push showed:\n{text}"
        );
    }
}
