//! The behaviour rules on fixtures that reproduce real shapes: on-change scrapers, `date` and
//! data-diff messages, a status monitor under its owner's identity, appended journals, a
//! regenerated card, a burst of a save script, a folder snapshotted every half hour, a dated
//! series of SQLite copies, a LevelDB world on date-named branches, weekly dumps on a side
//! branch; and a clean project full of look-alikes that must stay quiet.

use serde_json::Value;

use crate::audit::audit_json;
use crate::util::{finding_at as finding, findings, fixture, loud, path_of, set_of};

fn members(f: &Value) -> Vec<String> {
    f["paths"]
        .as_array()
        .map(|a| a.iter().filter_map(|p| p.as_str().map(str::to_owned)).collect())
        .unwrap_or_default()
}

#[test]
fn jobs_are_found_by_behaviour_whatever_their_names_and_messages() {
    let repo = fixture("jobs");
    let (_, report) = audit_json(&repo, &[]);
    let mut want = vec![
        // Scrapers committing on change, with data-diff summaries and `date` output.
        ("data-churn", "feeds/stations.geojson", "warn"),
        ("data-churn", "feeds/stations.json", "warn"),
        ("data-churn", "weather/forecast=72h.json", "warn"),
        // A status monitor under the owner's identity: records, summary, README, graphs.
        ("machine-cadence", "status/*.yml", "warn"),
        ("machine-cadence", "status/summary.json", "warn"),
        ("machine-cadence", "README.md", "warn"),
        // A daily journal, a regenerated card, a save script's appended log.
        ("machine-cadence", "notes/activity-journal.txt", "warn"),
        ("machine-cadence", "assets/profile-card.svg", "warn"),
        ("machine-cadence", "ops/runLog", "warn"),
        // The save script's dated archives.
        ("backup-file", "ops/archive_*.*", "warn"),
        // A daily export written as a new dated file each morning: data, not copies.
        ("data-churn", "exports/daily/*.csv", "warn"),
    ];
    let graphs: Vec<String> = ["api", "blog", "cdn", "docs", "mail", "shop"]
        .iter()
        .map(|s| format!("graphs/{s}/response-time.png"))
        .collect();
    for g in &graphs {
        want.push(("machine-cadence", g.as_str(), "warn"));
    }
    assert_eq!(loud(&report), set_of(&want), "{report:#}");

    let records = finding(&report, "machine-cadence", "status/*.yml");
    assert_eq!(records["pattern"], "audit-trail");
    assert_eq!(members(records).len(), 6, "{records:#}");
    assert_eq!(records["evidence"]["job"]["identity"], "mara@kovac.example");

    // 38 message shapes, one job: the data-diff summaries fold to one template.
    let stations = finding(&report, "data-churn", "feeds/stations.geojson");
    assert_eq!(stations["evidence"]["job"]["template"], "# data-diff", "{stations:#}");
    let forecast = finding(&report, "data-churn", "weather/forecast=72h.json");
    assert_eq!(forecast["evidence"]["job"]["template"], "#", "{forecast:#}");

    let exports = finding(&report, "data-churn", "exports/daily/*.csv");
    assert_eq!(members(exports).len(), 60, "{exports:#}");

    // The save script's burst is a log because it appends.
    let run_log = finding(&report, "machine-cadence", "ops/runLog");
    assert!(run_log["evidence"]["append_growth"].is_object(), "{run_log:#}");
}

#[test]
fn snapshots_series_and_engines_are_one_finding_each() {
    let repo = fixture("snapshots");
    let (_, report) = audit_json(&repo, &[]);
    let want = [
        ("machine-cadence", "srv/game/", "warn"),
        ("log-file", "srv/game/logs/*", "warn"),
        ("backup-file", "srv/game/logs/*.log.*", "warn"),
        ("database-file", "archive/*/*/*", "deny"),
        ("backup-file", "archive/*/*/shopdb-*.*", "warn"),
        ("database-file", "realm/db/", "deny"),
        ("machine-cadence", "realm/", "warn"),
        ("database-dump", "dumps/app-2.0-mysqldump.sql", "deny"),
        ("database-dump", "dumps/app-2.0-pgdump.sql", "deny"),
        ("database-dump", "dumps/app-2.1-mysqldump.sql", "deny"),
        ("database-dump", "dumps/app-2.1-pgdump.sql", "deny"),
    ];
    assert_eq!(loud(&report), set_of(&want), "{report:#}");

    let snapshot = finding(&report, "machine-cadence", "srv/game/");
    assert_eq!(snapshot["pattern"], "backup");
    assert!(members(snapshot).len() >= 190, "{snapshot:#}");
    // The copies are a series of new files; the misnamed first copy is one of them.
    let series = finding(&report, "backup-file", "archive/*/*/shopdb-*.*");
    let copies = members(series);
    assert_eq!(copies.len(), 120);
    assert!(copies.iter().any(|p| p.ends_with(".py")), "{copies:?}");
    // The engine's files, its write-ahead logs included, are one database.
    let engine = finding(&report, "database-file", "realm/db/");
    assert_eq!(engine["evidence"]["engine"], "LevelDB");
    assert!(members(engine).iter().any(|p| p.ends_with(".log")));
    assert!(
        !findings(&report)
            .iter()
            .any(|f| f["rule"] == "log-file" && f["path"].as_str().is_some_and(|p| p.starts_with("realm/"))),
        "an engine's write-ahead log is no log file"
    );
}

#[test]
fn look_alikes_stay_quiet() {
    let repo = fixture("lookalikes");
    let (code, report) = audit_json(&repo, &[]);
    assert_eq!(loud(&report), Vec::<(String, String, String)>::new(), "{report:#}");
    assert_eq!(code, 0);
    // The raw PSD of 2019: no tip sends it through LFS any more.
    let psd = finding(&report, "lfs-bypassed", "assets/logo.psd");
    assert_eq!(psd["level"], "info");
    assert_eq!(psd["evidence"]["lfs_at_tips"], false);
}

/// The subject finding of `rule` at `path` with the ids that change with the machine's
/// zlib and SQLite builds left out, for a snapshot of the JSON shape.
fn shape(report: &Value, rule: &str, path: &str) -> Value {
    let mut f = finding(report, rule, path).clone();
    for key in ["blob", "commit", "size"] {
        if f[key].is_string() || f[key].is_number() {
            f[key] = Value::String(format!("[{key}]"));
        }
    }
    f
}

#[test]
fn a_subject_finding_names_its_files_in_json() {
    let repo = fixture("jobs");
    let (_, report) = audit_json(&repo, &[]);
    insta::assert_json_snapshot!(
        "subject-status-records",
        shape(&report, "machine-cadence", "status/*.yml")
    );
}

/// Push the newest commit that changed `path` on `branch` into a server holding its parent,
/// and return the pusher's finding lines.
fn push_next(name: &str, branch: &str, path: &str) -> (i32, Vec<String>, String) {
    let repo = fixture(name);
    let last = crate::util::git(&repo, &["log", "-1", "--format=%H", branch, "--", path]);
    let server = crate::hooks::Server::seeded(name, &format!("{last}~1"));
    assert_eq!(server.pushgate(&["install", "pre-receive"]).code, 0);
    let r = server.push(&[&format!("{last}:refs/heads/main")]);
    (r.code, crate::hooks::finding_lines(&r), crate::hooks::remote_text(&r))
}

#[test]
fn the_next_rewrite_of_a_scraper_is_a_finding_at_push_time() {
    let (code, lines, text) = push_next("jobs", "main", "feeds/stations.geojson");
    assert_eq!(code, 0, "warnings pass: {text}");
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("warn") && l.contains("feeds/stations.geojson") && l.contains("data-churn")),
        "{text}"
    );
    assert!(
        text.contains("rewritten by a job") && text.contains("# data-diff"),
        "{text}"
    );
}

#[test]
fn the_next_snapshot_of_a_folder_is_a_finding_at_push_time() {
    let (_, lines, text) = push_next("snapshots", "main", "srv/game");
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("warn") && l.contains("srv/game/ (") && l.contains("machine-cadence")),
        "{text}"
    );
    assert!(text.contains("a folder snapshotted by a job"), "{text}");
}

#[test]
fn the_next_dated_copy_is_a_finding_at_push_time() {
    let (code, lines, text) = push_next("snapshots", "main", "archive");
    assert_ne!(code, 0, "a SQLite copy is denied: {text}");
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("warn") && l.contains("archive/*/*/shopdb-*.*") && l.contains("backup-file")),
        "{text}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("deny") && l.contains("archive/") && l.contains("database-file")),
        "{text}"
    );
}

#[test]
fn a_folder_where_people_keep_source_is_never_a_snapshot() {
    let repo = fixture("app_backups");
    let (_, report) = audit_json(&repo, &[]);
    let loud_findings: Vec<&Value> = findings(&report)
        .iter()
        .filter(|f| f["level"] == "warn" || f["level"] == "deny")
        .collect();
    // The job's archives are a series of backups.
    assert!(
        loud_findings
            .iter()
            .any(|f| f["rule"] == "backup-file" && f["path"] == "src/main/sql/backup_*.sql.tar.*"),
        "{report:#}"
    );
    // No subject swallows people's files.
    for f in &loud_findings {
        assert_ne!(f["evidence"]["subject"], "snapshot", "{f:#}");
        for path in members(f).iter().chain(std::iter::once(&path_of(f))) {
            assert!(
                !(path.ends_with(".scala")
                    || path.ends_with(".py")
                    || path.ends_with("create_schema.sql")
                    || path.ends_with("pom.xml")
                    || path.ends_with(".sh")),
                "{path} in {f:#}"
            );
        }
    }
    // The same at push time: the job's next archive.
    let (_, lines, text) = push_next("app_backups", "main", "src/main/sql");
    assert!(
        lines
            .iter()
            .any(|l| l.contains("backup_") && l.contains("src/main/sql/")),
        "{text}"
    );
    assert!(!text.contains("a folder snapshotted by a job"), "{text}");
}

#[test]
fn the_evaluate_log_names_a_subjects_files() {
    let repo = fixture("snapshots");
    let last = crate::util::git(&repo, &["log", "-1", "--format=%H", "main", "--", "srv/game"]);
    let server = crate::hooks::Server::seeded("snapshots", &format!("{last}~1"));
    assert_eq!(server.pushgate(&["install", "pre-receive"]).code, 0);
    server.policy("mode = \"evaluate\"\nfail_on = \"warn\"\n");
    let r = server.push(&[&format!("{last}:refs/heads/main")]);
    assert_eq!(r.code, 0, "{}", r.describe());
    let log = std::fs::read_to_string(server.bare.join("pushgate-evaluate.jsonl")).expect("evaluate log");
    let entry: Value = serde_json::from_str(log.lines().next().expect("a line")).expect("json");
    let snapshot = entry["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|f| f["rule"] == "machine-cadence" && f["path"] == "srv/game/")
        .unwrap_or_else(|| panic!("{entry:#}"));
    assert_eq!(snapshot["pattern"], "backup");
    let paths = snapshot["paths"].as_array().expect("paths");
    assert!(paths.len() >= 190, "{snapshot:#}");
    assert!(
        paths
            .iter()
            .all(|p| p.as_str().is_some_and(|p| p.starts_with("srv/game/")))
    );
}
