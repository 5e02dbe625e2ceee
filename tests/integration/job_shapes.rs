//! What a job writes, whatever its names (fixture `job_shapes`): the export rewritten with a
//! database file, a world's `level.dat` saved with its LevelDB directory, a log under a config
//! extension, address ranges in an extension no list knows, a monitor's summary and badges,
//! and copies kept in a backup folder. The audit and the push of the next commit agree on
//! each finding's rule, level and subject.

use serde_json::Value;

use crate::audit::audit_json;
use crate::util::{finding_at as finding, fixture, loud, set_of};

/// The audit's findings that are not info, one per (rule, subject, level).
const WANT: &[(&str, &str, &str)] = &[
    // a. A database file recommitted by hand, and its CSV export in the same commits.
    ("database-file", "stats/cases.sqlite", "deny"),
    ("data-churn", "stats/cases.csv", "warn"),
    // b. A LevelDB world and its metadata, saved together.
    ("database-file", "db/", "deny"),
    ("data-churn", "level.dat*", "warn"),
    // c. Address ranges, one a line, in an extension no list knows: data.
    ("data-churn", "nets/v4/*.nets", "warn"),
    // d. A monitor's summary and badges: its record and output.
    ("machine-cadence", "uptime/summary.json", "warn"),
    ("machine-cadence", "uptime/badges/*.json", "warn"),
    // e. A cron's data, and its log under a config extension.
    ("data-churn", "tally/standings.csv", "warn"),
    ("machine-cadence", "tally/run.ini", "warn"),
    // f. Copies kept in backup folders (the tarball is also an archive named as a backup).
    ("archive-backup", "saves/backup/Realm.tgz", "deny"),
    ("backup-file", "store/backup/schema.sql", "warn"),
];

fn members(f: &Value) -> Vec<String> {
    f["paths"]
        .as_array()
        .map(|a| a.iter().filter_map(|p| p.as_str().map(str::to_owned)).collect())
        .unwrap_or_default()
}

#[test]
fn what_a_job_writes_is_found_whatever_its_names() {
    let repo = fixture("job_shapes");
    let (_, report) = audit_json(&repo, &[]);
    assert_eq!(loud(&report), set_of(WANT), "{report:#}");

    let export = finding(&report, "data-churn", "stats/cases.csv");
    assert_eq!(export["pattern"], "database");
    assert_eq!(export["evidence"]["written_with"], "stats/cases.sqlite", "{export:#}");

    let world = finding(&report, "data-churn", "level.dat*");
    assert_eq!(members(world), ["level.dat", "level.dat_old"], "{world:#}");
    assert_eq!(world["evidence"]["written_with"], "db/", "{world:#}");

    let nets = finding(&report, "data-churn", "nets/v4/*.nets");
    assert_eq!(nets["pattern"], "database");
    // The region of a single range is one of them too.
    assert_eq!(members(nets).len(), 8, "{nets:#}");

    for path in ["uptime/summary.json", "uptime/badges/*.json"] {
        assert_eq!(finding(&report, "machine-cadence", path)["pattern"], "audit-trail");
    }
    let log = finding(&report, "machine-cadence", "tally/run.ini");
    assert_eq!(log["pattern"], "audit-trail");
    assert_eq!(log["evidence"]["kind"], "log", "{log:#}");

    assert_eq!(
        finding(&report, "backup-file", "store/backup/schema.sql")["pattern"],
        "backup"
    );
}

/// Push commit `rev` of the fixture onto a server holding its parent; the findings' lines.
fn push_at(rev: &str) -> (i32, Vec<String>, String) {
    let repo = fixture("job_shapes");
    let commit = crate::util::git(&repo, &["rev-parse", rev]);
    let server = crate::hooks::Server::seeded("job_shapes", &format!("{commit}~1"));
    assert_eq!(server.pushgate(&["install", "pre-receive"]).code, 0);
    let r = server.push(&[&format!("{commit}:refs/heads/main")]);
    (r.code, crate::hooks::finding_lines(&r), crate::hooks::remote_text(&r))
}

/// The newest commit that adds or changes `path`.
fn last_write(path: &str) -> String {
    let repo = fixture("job_shapes");
    crate::util::git(
        &repo,
        &["log", "-1", "--format=%H", "--diff-filter=AM", "main", "--", path],
    )
}

#[test]
fn the_push_of_the_next_write_agrees_with_the_audit() {
    let repo = fixture("job_shapes");
    let (_, report) = audit_json(&repo, &[]);
    let cases = [
        ("stats/cases.csv", "data-churn", "stats/cases.csv"),
        ("level.dat", "data-churn", "level.dat*"),
        ("nets/v4", "data-churn", "nets/v4/*.nets"),
        ("uptime/summary.json", "machine-cadence", "uptime/summary.json"),
        ("uptime/badges", "machine-cadence", "uptime/badges/*.json"),
        ("tally/run.ini", "machine-cadence", "tally/run.ini"),
        ("saves/backup/Realm.tgz", "archive-backup", "saves/backup/Realm.tgz"),
        ("store/backup/schema.sql", "backup-file", "store/backup/schema.sql"),
    ];
    for (path, rule, subject) in cases {
        let level = finding(&report, rule, subject)["level"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        let (_, lines, text) = push_at(&last_write(path));
        let agrees = lines.iter().any(|l| {
            l.starts_with(&format!("{level} "))
                && l.split_whitespace().any(|w| w == subject)
                && l.split_whitespace().any(|w| w == rule)
        });
        assert!(agrees, "push of {path}: no {level} {rule} on {subject}:\n{text}");
    }
}

#[test]
fn people_beside_a_job_stay_quiet() {
    let repo = fixture("job_shapes");
    let (_, report) = audit_json(&repo, &[]);
    for (_, path, _) in loud(&report) {
        for quiet in ["stats/notes.md", "README.md", "src/"] {
            assert!(!path.starts_with(quiet), "{path} flagged: {report:#}");
        }
    }
    for f in crate::util::findings(&report) {
        if f["level"] == "info" {
            continue;
        }
        for m in members(f) {
            assert!(
                !(m.starts_with("stats/notes") || m.starts_with("src/") || m == "README.md"),
                "{m} in {f:#}"
            );
        }
    }
}

#[test]
fn a_site_a_monitor_starts_watching_late_is_its_job_at_once() {
    let repo = fixture("late_site");
    let (_, report) = audit_json(&repo, &[]);
    // Eight runs are too few for a cadence of its own: the same runs, under the same
    // message, make it the monitor's output like the folders it has drawn for months.
    let late = finding(&report, "machine-cadence", "charts/shop-landing/*");
    assert_eq!(late["level"], "warn", "{report:#}");
    assert_eq!(members(late).len(), 3, "{late:#}");
    // People's files stay out.
    for (_, path, _) in loud(&report) {
        assert!(
            !path.starts_with("monitor.yml") && !path.starts_with("README"),
            "{report:#}"
        );
    }
    // The push of the newest run is told the same.
    let newest = crate::util::git(&repo, &["rev-parse", "main"]);
    let server = crate::hooks::Server::seeded("late_site", &format!("{newest}~1"));
    assert_eq!(server.pushgate(&["install", "pre-receive"]).code, 0);
    let r = server.push(&[&format!("{newest}:refs/heads/main")]);
    let lines = crate::hooks::finding_lines(&r);
    let text = crate::hooks::remote_text(&r);
    assert!(
        lines.iter().any(|l| l.starts_with("warn ")
            && l.split_whitespace().any(|w| w == "charts/shop-landing/*")
            && l.split_whitespace().any(|w| w == "machine-cadence")),
        "{text}"
    );
}

#[test]
fn a_maintainers_terse_commits_to_their_own_pages_are_no_job() {
    let repo = fixture("terse_maintainer");
    let (_, report) = audit_json(&repo, &[]);
    // A month of daily `refactor`s that keep the task list current is regular, terse and one
    // identity's; the pages are people's all the same: most of their changes are free text.
    assert!(loud(&report).is_empty(), "{report:#}");
    // The push of the newest `refactor` that touched the task list is told the same.
    let newest = crate::util::git(
        &repo,
        &[
            "log",
            "-1",
            "--format=%H",
            "--grep=^refactor$",
            "main",
            "--",
            "tasks.md",
        ],
    );
    let server = crate::hooks::Server::seeded("terse_maintainer", &format!("{newest}~1"));
    assert_eq!(server.pushgate(&["install", "pre-receive"]).code, 0);
    let r = server.push(&[&format!("{newest}:refs/heads/main")]);
    let text = crate::hooks::remote_text(&r);
    assert_eq!(r.code, 0, "{text}");
    let lines = crate::hooks::finding_lines(&r);
    assert!(
        !lines.iter().any(|l| l.starts_with("warn ") || l.starts_with("deny ")),
        "{text}"
    );
}
