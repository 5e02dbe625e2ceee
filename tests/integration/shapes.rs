//! The shapes of docs/shapes.md, each on its generated fixture (`fixtures/shapes/sNN_*.sh`),
//! judged twice: by `pushgate audit` over the whole history, and at push time by the real
//! pre-receive hook, receiving the shape's newest commit into a server that holds its parent.
//!
//! A shape's subject must get the pattern, rule and highest level the catalogue gives it,
//! and the hook must say the same of it: the same rules at warn and deny at that subject.
//! (Where the audit folds one rule's findings on many files into one pattern, `sql/*.sql` for
//! a dump a day, the hook's finding on the one file the push brings is that finding.)
//! A look-alike must get nothing at warn or deny, from either.
//!
//! The fixtures are built once per test process and the audits made once per fixture; each
//! case pushes into a server of its own.
//!
//! Every shape of the catalogue has its case: each subject of a shape of misuse, and each
//! look-alike, the shapes that stand as look-alikes on their own included.

use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Mutex, OnceLock};

use serde_json::Value;

use crate::audit::audit_json;
use crate::util::{findings, fixture, git, path_of};

/// What a shape's subject should get.
struct Expect {
    /// The script under `fixtures/shapes/`, without `.sh`.
    fixture: &'static str,
    /// The branch whose newest commit touching `touch` is pushed.
    branch: &'static str,
    /// A path (file or folder) the subject's newest commit writes.
    touch: &'static str,
    /// The subject as findings name it: a path, a folder (`dir/`) or a series' pattern.
    subject: &'static str,
    rule: &'static str,
    pattern: &'static str,
    /// The highest level at the subject, and the level of `rule`'s finding.
    level: &'static str,
}

/// A look-alike: files that must get nothing at warn or deny.
struct Quiet {
    fixture: &'static str,
    branch: &'static str,
    /// Paths and folders (`dir/`) of the look-alike: no loud finding's subject starts with one.
    paths: &'static [&'static str],
}

const fn expect(
    fixture: &'static str,
    touch: &'static str,
    subject: &'static str,
    rule: &'static str,
    pattern: &'static str,
    level: &'static str,
) -> Expect {
    Expect {
        fixture,
        branch: "main",
        touch,
        subject,
        rule,
        pattern,
        level,
    }
}

const fn quiet(fixture: &'static str, paths: &'static [&'static str]) -> Quiet {
    Quiet {
        fixture,
        branch: "main",
        paths,
    }
}

fn rank(level: &str) -> u8 {
    match level {
        "info" => 1,
        "warn" => 2,
        "deny" => 3,
        other => panic!("unknown level {other}"),
    }
}

fn fixture_name(script: &str) -> String {
    format!("shapes/{script}")
}

/// The audit report of a shape's fixture, made once per test process.
fn audit_of(script: &str) -> Value {
    static REPORTS: OnceLock<Mutex<HashMap<String, Arc<OnceLock<Value>>>>> = OnceLock::new();
    let slot = {
        let mut map = REPORTS
            .get_or_init(|| Mutex::new(HashMap::new()))
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        map.entry(script.to_string()).or_default().clone()
    };
    slot.get_or_init(|| audit_json(&fixture(&fixture_name(script)), &[]).1)
        .clone()
}

/// One finding line of a push: `<level>  <ref>  <commit>  <subject>[ (…)| ×N]  (<size>)  <rule>`.
#[derive(Debug)]
struct Line {
    level: String,
    subject: String,
    rule: String,
}

fn parse_line(line: &str) -> Line {
    let fields: Vec<&str> = line.split("  ").map(str::trim).filter(|f| !f.is_empty()).collect();
    assert!(fields.len() >= 5, "not a finding line: {line:?}");
    // The subject, without the file count of a folder or the member count of a series.
    let mut subject = fields[3];
    for cut in [" (", " ×"] {
        if let Some(i) = subject.find(cut) {
            subject = &subject[..i];
        }
    }
    Line {
        level: fields[0].to_string(),
        subject: subject.to_string(),
        rule: fields[fields.len() - 1].to_string(),
    }
}

/// Pushes the newest commit of `branch` that writes (not only deletes) any of `paths` into a
/// server holding its parent, through the installed pre-receive hook: the exit code, the
/// finding lines and the hook's whole text.
fn push(script: &str, branch: &str, paths: &[&str]) -> (i32, Vec<Line>, String) {
    let name = fixture_name(script);
    let repo = fixture(&name);
    let mut args = vec!["log", "-1", "--diff-filter=ACMRT", "--format=%H", branch, "--"];
    args.extend(paths.iter().map(|p| p.trim_end_matches('/')));
    let last = git(&repo, &args);
    assert!(!last.is_empty(), "{script}: no commit on {branch} writes {paths:?}");
    let server = crate::hooks::Server::seeded(&name, &format!("{last}~1"));
    let installed = server.pushgate(&["install", "pre-receive"]);
    assert_eq!(installed.code, 0, "{}", installed.describe());
    let r = server.push(&[&format!("{last}:refs/heads/main")]);
    let text = crate::hooks::remote_text(&r);
    let lines = crate::hooks::finding_lines(&r).iter().map(|l| parse_line(l)).collect();
    (r.code, lines, text)
}

fn summary(report: &Value) -> String {
    findings(report)
        .iter()
        .map(|f| format!("  {} {} {}\n", f["level"], f["rule"], path_of(f)))
        .collect()
}

/// The files a finding names: its `paths` (a subject's members, or the paths an audit folds
/// into one pattern), else its path.
fn members(f: &Value) -> Vec<String> {
    match f["paths"].as_array() {
        Some(list) if !list.is_empty() => list.iter().filter_map(|p| p.as_str().map(str::to_owned)).collect(),
        _ => vec![path_of(f)],
    }
}

fn loud_pairs<'a>(pairs: impl Iterator<Item = (&'a str, &'a str)>) -> BTreeSet<(String, String)> {
    pairs
        .filter(|(_, level)| *level != "info")
        .map(|(rule, level)| (rule.to_string(), level.to_string()))
        .collect()
}

/// Whether a push line's `dir/*.ext` (or `dir/*`) names `path` among the files it lists.
fn listed_together(line: &str, path: &str) -> bool {
    let (Some((dir, pattern)), Some((path_dir, name))) = (line.rsplit_once('/'), path.rsplit_once('/')) else {
        return false;
    };
    dir == path_dir
        && match pattern.strip_prefix('*') {
            Some("") => true,
            Some(ext) => ext.starts_with('.') && !ext[1..].contains(['*', '/']) && name.ends_with(ext),
            None => false,
        }
}

fn check(e: &Expect) {
    let report = audit_of(e.fixture);
    let at: Vec<&Value> = findings(&report).iter().filter(|f| path_of(f) == e.subject).collect();
    let found = at.iter().find(|f| f["rule"] == e.rule).unwrap_or_else(|| {
        panic!(
            "{}: audit has no {} finding at {}; it has:\n{}",
            e.fixture,
            e.rule,
            e.subject,
            summary(&report)
        )
    });
    assert_eq!(found["level"], e.level, "{}: {found:#}", e.fixture);
    assert_eq!(found["pattern"], e.pattern, "{}: {found:#}", e.fixture);
    let top = at.iter().filter_map(|f| f["level"].as_str()).map(rank).max();
    assert_eq!(
        top,
        Some(rank(e.level)),
        "{}: highest level at {}:\n{}",
        e.fixture,
        e.subject,
        summary(&report)
    );

    // At push time the hook judges the subject's newest commit. It names a subject as the
    // audit does; a finding the audit folds over many files (`sql/*.sql`: one dump per day)
    // is, in a push that brings one of them, about that file.
    let folded: BTreeSet<(String, String)> = at
        .iter()
        .flat_map(|f| {
            let rule = f["rule"].as_str().unwrap_or("").to_string();
            members(f).into_iter().map(move |m| (rule.clone(), m))
        })
        .collect();
    let (code, lines, text) = push(e.fixture, e.branch, &[e.touch]);
    // The hook's text lists several per-file findings of one rule in one directory as one
    // line (`dir/*.mp4 ×6`): that line is about each of them (unless the audit has a subject
    // of its own by that name).
    let audit_subjects: BTreeSet<String> = findings(&report).iter().map(path_of).collect();
    let here: Vec<&Line> = lines
        .iter()
        .filter(|l| {
            l.subject == e.subject
                || folded.contains(&(l.rule.clone(), l.subject.clone()))
                || (l.rule == e.rule && !audit_subjects.contains(&l.subject) && listed_together(&l.subject, e.subject))
        })
        .collect();
    assert!(
        here.iter().any(|l| l.rule == e.rule && l.level == e.level),
        "{}: the push has no {} {} at {}:\n{text}",
        e.fixture,
        e.level,
        e.rule,
        e.subject
    );
    let top = here.iter().map(|l| rank(&l.level)).max();
    assert_eq!(
        top,
        Some(rank(e.level)),
        "{}: highest level at {} at push time:\n{text}",
        e.fixture,
        e.subject
    );
    let audit_says = loud_pairs(
        at.iter()
            .map(|f| (f["rule"].as_str().unwrap_or(""), f["level"].as_str().unwrap_or(""))),
    );
    let push_says = loud_pairs(here.iter().map(|l| (l.rule.as_str(), l.level.as_str())));
    assert_eq!(
        push_says,
        audit_says,
        "{}: the hook and the audit disagree at {}:\n{text}\n--- audit ---\n{}",
        e.fixture,
        e.subject,
        summary(&report)
    );
    if e.level == "deny" {
        assert_ne!(code, 0, "{}: a deny refuses the push:\n{text}", e.fixture);
    }
}

fn check_quiet(q: &Quiet) {
    let covers = |subject: &str| q.paths.iter().any(|p| subject.starts_with(p));
    let report = audit_of(q.fixture);
    let loud: Vec<&Value> = findings(&report)
        .iter()
        .filter(|f| f["level"] != "info" && covers(&path_of(f)))
        .collect();
    assert!(
        loud.is_empty(),
        "{}: look-alike reported by the audit: {loud:#?}",
        q.fixture
    );

    let (_, lines, text) = push(q.fixture, q.branch, q.paths);
    let loud: Vec<&Line> = lines
        .iter()
        .filter(|l| l.level != "info" && covers(&l.subject))
        .collect();
    assert!(
        loud.is_empty(),
        "{}: look-alike reported at push time: {loud:?}\n{text}",
        q.fixture
    );
}

/// One test per case: `name => expect(...)` or `name => quiet(...)`, optionally ignored.
macro_rules! cases {
    ($($(#[$attr:meta])* $name:ident => $kind:ident($($arg:expr),* $(,)?) $(.on($branch:expr))?;)*) => {
        $(
            #[test]
            $(#[$attr])*
            fn $name() {
                #[allow(unused_mut)]
                let mut case = $kind($($arg),*);
                $(case.branch = $branch;)?
                cases!(@run $kind, case);
            }
        )*
    };
    (@run expect, $case:ident) => { check(&$case) };
    (@run quiet, $case:ident) => { check_quiet(&$case) };
}

// Shapes of misuse: the subject's finding.
cases! {
    s01_sqlite_rebuilt_by_job => expect("s01_sqlite_rebuilt_by_job", "data/cases.db", "data/cases.db", "database-file", "database", "deny");
    s02_app_database_by_developer => expect("s02_app_database_by_developer", "instance/data-dev.sqlite", "instance/data-dev.sqlite", "database-file", "database", "deny");
    s04_scraper_feed_file => expect("s04_scraper_feed_file", "outages.json", "outages.json", "data-churn", "database", "warn");
    s05_flat_data_commits => expect("s05_flat_data_commits", "btc-price.json", "*.json", "data-churn", "database", "warn");
    // A product the bot names in fewer than eight runs of its own (`🤖: laravel`) is still its write.
    s06_role_files_rewritten_by_job => expect("s06_role_files_rewritten_by_job", "releases/laravel.json", "releases/*.json", "data-churn", "database", "warn");
    s07_csv_appended_daily => expect("s07_csv_appended_daily", "game_scores.csv", "game_scores.csv", "data-churn", "database", "warn");
    s07_log_under_config_extension => expect("s07_csv_appended_daily", "log.ini", "log.ini", "machine-cadence", "audit-trail", "warn");
    s08_spreadsheets_rewritten_by_script => expect("s08_spreadsheets_rewritten_by_script", "src/datas.xlsx", "src/datas.xlsx", "data-churn", "database", "warn");
    s09_mongodb_data_directory => expect("s09_mongodb_data_directory", "data/db", "data/db/", "database-file", "database", "deny");
    s10_leveldb_game_world => expect("s10_leveldb_game_world", "world/db", "world/db/", "database-file", "database", "deny");
    s13_lucene_index => expect("s13_lucene_index", "data/nodes", "data/nodes/0/indices/bKl2HgyBQ9KWmEqCZ7xa3w/0/index/", "database-file", "database", "deny");
    s18_benchmark_history_by_ci => expect("s18_benchmark_history_by_ci", "dev/bench/data.js", "dev/bench/data.js", "data-churn", "database", "warn").on("gh-pages");
    s19_application_datastore => expect("s19_application_datastore", "store/posts", "store/posts/*.json", "data-churn", "database", "warn");
    s20_appliance_recorder_database => expect("s20_appliance_config_with_database", "home-assistant_v2.db", "home-assistant_v2.db", "database-file", "database", "deny");
    s20_appliance_log => expect("s20_appliance_config_with_database", "home-assistant.log", "home-assistant.log", "log-file", "audit-trail", "warn");
    s21_editor_workspace_auto_backup => expect("s21_editor_workspace_auto_backup", ".obsidian/workspace.json", ".obsidian/workspace.json", "data-churn", "database", "warn");
    s22_compiled_document_recommitted => expect("s22_compiled_document_recommitted", "thesis.pdf", "thesis.pdf", "churning-blob", "large-churn", "deny");
    s23_bundles_rebuilt_at_release => expect("s23_bundles_rebuilt_at_release", "dist/lib.js", "dist/lib.js", "churning-blob", "large-churn", "deny");
    s24_large_text_rewritten_by_job => expect("s24_large_text_rewritten_by_job", "docs/lists/ads.txt", "docs/lists/ads.txt", "churning-blob", "large-churn", "deny");
    s25_huge_generated_source => expect("s25_huge_generated_source", "crates/dict/src/word_codegen.rs", "crates/dict/src/word_codegen.rs", "churning-blob", "large-churn", "deny");
    s26_model_checkpoints => expect("s26_model_checkpoints", "checkpoints/last.ckpt", "checkpoints/last.ckpt", "churning-blob", "large-churn", "deny");
    s27_container_image_artifacts => expect("s27_container_image_artifacts", "bookworm/rootfs.tar.xz", "bookworm/rootfs.tar.xz", "large-blob", "large-churn", "warn").on("dist-amd64");
    s28_lfs_path_committed_raw => expect("s28_lfs_path_committed_raw", "docs/img/form-text.png", "docs/img/form-text.png", "lfs-bypassed", "large-churn", "deny");
    s29_uptime_status_records => expect("s29_uptime_status_records", "history", "history/*.yml", "machine-cadence", "audit-trail", "warn");
    s30_health_check_logs_job => expect("s30_health_check_logs", "logs", "logs/*.log", "machine-cadence", "audit-trail", "warn");
    s30_health_check_logs_log => expect("s30_health_check_logs", "logs/google_report.log", "logs/google_report.log", "log-file", "audit-trail", "warn");
    s31_tiny_status_file => expect("s31_tiny_status_file", "summary.md", "summary.md", "machine-cadence", "audit-trail", "warn");
    s32_line_appended_daily => expect("s32_line_appended_daily", "daily-log.txt", "daily-log.txt", "machine-cadence", "audit-trail", "warn");
    s33_new_log_per_run => expect("s33_new_log_per_run", "logs", "logs/*.log", "machine-cadence", "audit-trail", "warn");
    s34_cloud_audit_records_synced => expect("s34_cloud_audit_records_synced", "Slack", "Slack/ocsf-logs/", "audit-record", "audit-trail", "warn");
    s35_crash_dumps_jvm_error_log => expect("s35_crash_dumps", "hs_err_pid4242.log", "hs_err_pid4242.log", "log-file", "audit-trail", "warn");
    s37_coverage_reports_by_job => expect("s37_coverage_reports", "coverage/clover.xml", "coverage/clover.xml", "generated-artifact", "audit-trail", "warn");
    s37_coverage_report_swept_once => expect("s37_coverage_reports", "htmlcov", "htmlcov/*.html", "generated-artifact", "audit-trail", "info");
    s40_notebook_executed_on_schedule => expect("s40_notebook_executed_on_schedule", "trend_analysis.ipynb", "trend_analysis.ipynb", "machine-cadence", "audit-trail", "warn");
    s41_profile_metrics_card => expect("s41_profile_metrics_card", "github-metrics.svg", "github-metrics.svg", "machine-cadence", "audit-trail", "warn");
    s42_dated_report_per_day => expect("s42_dated_report_per_day", "2024", "2024/*.md", "machine-cadence", "audit-trail", "warn");
    s43_reports_rendered_from_scrape => expect("s43_reports_rendered_from_scrape", "battleground-state-changes.txt", "battleground-state-changes.txt", "machine-cadence", "audit-trail", "warn");
    s44_server_folder_snapshots => expect("s44_server_folder_snapshots", "server", "server/", "machine-cadence", "backup", "warn");
    s45_branch_per_backup => expect("s45_branch_per_backup", "world/db", "world/db/", "database-file", "database", "deny").on("backup-2024-03-04-21");
    s46_dated_database_copies_store => expect("s46_dated_database_copies", "backups", "backups/*/*/*", "database-file", "database", "deny");
    s46_dated_database_copies_series => expect("s46_dated_database_copies", "backups", "backups/*/*/bot-*.*", "backup-file", "backup", "warn");
    s47_scheduled_sql_dumps => expect("s47_scheduled_sql_dumps", "sql", "sql/*.sql", "database-dump", "backup", "deny");
    s48_dated_tarballs => expect("s48_dated_tarballs", "backups", "backups/*.gz", "archive-backup", "backup", "deny");
    s49_database_exported_as_json => expect("s49_database_exported_as_json", "backup/posts.json", "backup/*.json", "data-churn", "database", "warn");
    s49_database_exported_sql_dump => expect("s49_database_exported_as_json", "backup/dump.sql", "backup/dump.sql", "database-dump", "backup", "deny");
    s50_game_saves_by_script => expect("s50_game_saves_by_script", "backup", "backup/*.tgz", "archive-backup", "backup", "deny");
    s51_mongodump_directory => expect("s51_mongodump_directory", "dump/matcal/users.bson", "dump/matcal/users.bson", "database-dump", "backup", "deny");
    s52_redis_rdb => expect("s52_redis_rdb_and_aof", "dump.rdb", "dump.rdb", "database-dump", "backup", "deny");
    s53_dump_by_commit_hook => expect("s53_dump_by_commit_hook", "database.sql", "database.sql", "database-dump", "backup", "deny");
    s54_backup_plugin_archives => expect("s54_backup_plugin_archives", "wp-content/updraft", "wp-content/updraft/backup_2024-06-03-0215_Site_1a2b3c4d5e6f-db.gz", "archive-backup", "backup", "deny");
    s55_vm_disk_images => expect("s55_vm_disk_images", "src/vm/tools.qcow2", "src/vm/tools.qcow2", "disk-image", "backup", "deny");
    s56_merge_leftover => expect("s56_editor_merge_leftovers", "Gemfile.lock.orig", "Gemfile.lock.orig", "backup-file", "backup", "warn");
    s56_editor_backup_copy => expect("s56_editor_merge_leftovers", "src/main.c~", "src/main.c~", "backup-file", "backup", "warn");
    s03_sqlite_wal_sidecars => expect("s03_sqlite_wal_sidecars", "data/gateway.db-wal", "data/gateway.db-wal", "database-file", "database", "deny");
    s11_prometheus_tsdb_directory => expect("s11_prometheus_tsdb_directory", "prometheus/data", "prometheus/data/", "database-file", "database", "deny");
    s12_influxdb_data_directory => expect("s12_influxdb_data_directory", "influxdb", "influxdb/", "database-file", "database", "deny");
    s14_h2_database_files => expect("s14_h2_database_files", "data/test.mv.db", "data/test.mv.db", "database-file", "database", "deny");
    s15_realm_database => expect("s15_realm_database", "default.realm", "default.realm", "database-file", "database", "deny");
    s16_firebase_emulator_export => expect("s16_firebase_emulator_export", "emulator-data", "emulator-data/", "data-churn", "database", "warn");
    s17_terraform_state_by_deploy => expect("s17_terraform_state_by_deploy", "terraform.tfstate", "terraform.tfstate", "database-file", "database", "deny");
    s35_crash_dumps_core_file => expect("s35_crash_dumps", "core.12345", "core.12345", "generated-artifact", "audit-trail", "deny");
    s36_profiler_output => expect("s36_profiler_output", "perf.data", "perf.data", "generated-artifact", "audit-trail", "warn");
    s38_test_run_recordings => expect("s38_test_run_recordings", "cypress/videos", "cypress/videos/examples/actions.spec.js.mp4", "generated-artifact", "audit-trail", "warn");
    s39_build_tool_caches => expect("s39_build_tool_caches", ".gradle", ".gradle/8.5/executionHistory/executionHistory.bin", "generated-artifact", "audit-trail", "warn");
    s54_migration_archive => expect("s54_backup_plugin_archives", "wp-content/ai1wm-backups", "wp-content/ai1wm-backups/site-20240610-101500-123.wpress", "archive-backup", "backup", "deny");
}

// Look-alikes beside each shape, and the look-alike shapes of their own (S57 .. S72).
cases! {
    s01_lookalike => quiet("s01_sqlite_rebuilt_by_job", &["tests/"]);
    s02_lookalike => quiet("s02_app_database_by_developer", &["data/words.db", "migrations/"]);
    s03_lookalike => quiet("s03_sqlite_wal_sidecars", &["internal/", "tests/"]);
    s04_lookalike => quiet("s04_scraper_feed_file", &["scrape.sh", ".github/", "README.md", "areas.geojson"]);
    s05_lookalike => quiet("s05_flat_data_commits", &["postprocess.js", ".github/", "assets/", "geocode.json"]);
    s06_lookalike => quiet("s06_role_files_rewritten_by_job", &["package.json", "package-lock.json", ".github/", "src/"]);
    s07_lookalike => quiet("s07_csv_appended_daily", &[".venv/", "tests/"]);
    s08_lookalike => quiet("s08_spreadsheets_rewritten_by_script", &["docs/", "src/app.py"]);
    s09_lookalike => quiet("s09_mongodb_data_directory", &["server/", "docker-compose.yml"]);
    s10_lookalike => quiet("s10_leveldb_game_world", &["resource_packs/"]);
    s11_lookalike => quiet("s11_prometheus_tsdb_directory", &["prometheus/prometheus.yml", "prometheus/alerts.yml", "grafana/"]);
    s12_lookalike => quiet("s12_influxdb_data_directory", &["telegraf.conf", "influxdb.conf", "queries/", "tests/"]);
    s13_lookalike => quiet("s13_lucene_index", &["mappings/", "docker-compose.yml"]);
    s14_lookalike => quiet("s14_h2_database_files", &["src/main/resources/"]);
    s15_lookalike => quiet("s15_realm_database", &["src/", "package.json"]);
    s16_lookalike => quiet("s16_firebase_emulator_export", &["firestore.rules", "firestore.indexes.json", "src/"]);
    s17_lookalike => quiet("s17_terraform_state_by_deploy", &["main.tf", "variables.tf", ".terraform.lock.hcl", "internal/"]);
    s18_lookalike => quiet("s18_benchmark_history_by_ci", &["benches/", "dev/bench/index.html"]).on("gh-pages");
    s19_lookalike => quiet("s19_application_datastore", &["content/"]);
    s20_lookalike => quiet("s20_appliance_config_with_database", &["configuration.yaml", "automations.yaml", "scripts.yaml", "dashboards/"]);
    s21_lookalike_notes => quiet("s21_editor_workspace_auto_backup", &["notes/"]);
    s22_lookalike => quiet("s22_compiled_document_recommitted", &["chapters/", "thesis.cls", "figures/"]);
    s23_lookalike => quiet("s23_bundles_rebuilt_at_release", &["src/", "test/"]);
    s24_lookalike => quiet("s24_large_text_rewritten_by_job", &["templates/"]);
    s25_lookalike => quiet("s25_huge_generated_source", &["crates/dict/assets/", "Cargo.lock"]);
    s26_lookalike => quiet("s26_model_checkpoints", &["tests/", "train.py"]);
    s27_lookalike => quiet("s27_container_image_artifacts", &["Dockerfile", "scripts/", "bookworm/rootfs.tar.xz.sha256", "bookworm/oci/"]).on("dist-amd64");
    s28_lookalike => quiet("s28_lfs_path_committed_raw", &["docs/img/logo.png"]);
    s29_lookalike => quiet("s29_uptime_status_records", &[".upptimerc.yml", ".github/"]);
    s30_lookalike => quiet("s30_health_check_logs", &["health-check.sh", "index.html"]);
    s31_lookalike => quiet("s31_tiny_status_file", &["templates/", "src/"]);
    s32_lookalike => quiet("s32_line_appended_daily", &["til.md"]);
    s33_lookalike => quiet("s33_new_log_per_run", &["sync.sh"]);
    s34_lookalike => quiet("s34_cloud_audit_records_synced", &["sync.ps1", "features/"]);
    s35_lookalike => quiet("s35_crash_dumps", &["testdata/"]);
    s36_lookalike => quiet("s36_profiler_output", &["profile/"]);
    s37_lookalike => quiet("s37_coverage_reports", &[".coveragerc", "codecov.yml"]);
    s38_lookalike => quiet("s38_test_run_recordings", &["cypress/e2e/", "docs/"]);
    s39_lookalike => quiet("s39_build_tool_caches", &["gradle/", "build.gradle"]);
    s40_lookalike => quiet("s40_notebook_executed_on_schedule", &["chapters/"]);
    s41_lookalike => quiet("s41_profile_metrics_card", &["README.md"]);
    s42_lookalike => quiet("s42_dated_report_per_day", &["_posts/"]);
    s43_lookalike => quiet("s43_reports_rendered_from_scrape", &["print-battleground-state-changes.py", "templates/"]);
    s44_lookalike => quiet("s44_server_folder_snapshots", &["server/server.properties"]);
    s45_lookalike => quiet("s45_branch_per_backup", &["tools/"]).on("release/1.1");
    s46_lookalike => quiet("s46_dated_database_copies", &["minutes/"]);
    s47_lookalike => quiet("s47_scheduled_sql_dumps", &["sql/create_schema.sql", "backup.sh"]);
    s48_lookalike => quiet("s48_dated_tarballs", &["scripts/"]);
    s49_lookalike => quiet("s49_database_exported_as_json", &["metadata.yml", ".github/"]);
    s50_lookalike => quiet("s50_game_saves_by_script", &["save_world.sh", "mods/"]);
    s51_lookalike => quiet("s51_mongodump_directory", &["tests/"]);
    s53_lookalike => quiet("s53_dump_by_commit_hook", &["schema.sql", "wp-content/themes/"]);
    s54_lookalike => quiet("s54_backup_plugin_archives", &["wp-content/plugins/"]);
    s56_lookalike => quiet("s56_editor_merge_leftovers", &["test/"]);
    s57_migrations_and_schema => quiet("s57_migrations_and_schema", &["db/"]);
    s58_demo_seed_data => quiet("s58_demo_seed_data", &["app/"]);
    s59_sample_datasets_csv => quiet("s59_sample_datasets", &["datasets/", "Apache/Apache_2k.log_structured.csv"]);
    s60_tool_fixtures_database_and_archive => quiet("s60_tool_fixtures_of_the_domain", &["tests/sqlite/", "testdata/"]);
    s61_archive_fixtures => quiet("s61_archive_fixtures", &["tests/", "testdata/"]);
    s62_golden_snapshot_outputs => quiet("s62_golden_snapshot_outputs", &["packages/", "tests/"]);
    s63_vendored_minified_libraries => quiet("s63_vendored_minified_libraries", &["theme/"]);
    s64_lock_files_and_bot_bumps => quiet("s64_lock_files_and_bot_bumps", &["package-lock.json", "package.json", "Cargo.lock", ".github/"]);
    s65_changelogs => quiet("s65_changelogs", &["CHANGELOG.md", "ChangeLog", "changelog/"]);
    s66_docs_screenshots_and_icons => quiet("s66_docs_screenshots_and_icons", &["en/", "icons/"]);
    s67_curated_data_file => quiet("s67_curated_data_file", &["words.csv"]);
    s68_translation_platform_updates => quiet("s68_translation_platform_updates", &["locale/"]);
    s69_generated_code_with_sources => quiet("s69_generated_code_with_sources", &["gen/", "proto/"]);
    s70_lfs_pointers => quiet("s70_lfs_pointers", &["image.tar"]);
    s72_backup_folder_of_scripts => quiet("s72_backup_folder_of_scripts", &["backup/"]);
    s52_lookalike_test_asset => quiet("s52_redis_rdb_and_aof", &["tests/"]);
    s55_lookalike_test_image => quiet("s55_vm_disk_images", &["tests/", "packer/", "cloud-init/"]);
    s59_sample_log => quiet("s59_sample_datasets", &["Apache/"]);
    s71_configuration_history_tool => quiet("s71_configuration_history_tool", &["configs/"]);
    s60_tool_fixtures_logs_and_dump => quiet("s60_tool_fixtures_of_the_domain", &["test/", "tests/stubs/"]);
}

/// S73: small databases and binaries people committed once or a few times and then left alone
/// are info, in the audit and in a push that brings their whole history; beside them a working
/// database people kept recommitting, a binary a CI job keeps rebuilding, a database the job
/// committed twice, a database of more than 1 MiB and a database new in the newest commit keep
/// their level. A push that brings a new version of a file left alone
/// has had no time to show it, and is judged by its content, as the audit right after it is.
mod s73_small_files_left_alone {
    use crate::audit::audit_json;
    use crate::util::{finding_at, fixture, git, loud, parse_report, set_of};

    const SCRIPT: &str = "s73_small_files_left_alone";

    const LEFT_ALONE: &[(&str, &str)] = &[
        ("database-file", "bench/results.sqlite"),
        ("database-file", "examples/todo/todo.db"),
        ("generated-artifact", "tools/fmt-helper"),
    ];

    const LOUD: &[(&str, &str, &str)] = &[
        ("database-file", "instance/app.sqlite", "deny"),
        ("database-file", "exports/report.db", "deny"),
        ("generated-artifact", "agent/agent", "warn"),
        ("database-file", "agent/state.db", "deny"),
        ("database-file", "maps/atlas.sqlite", "deny"),
    ];

    fn name() -> String {
        super::fixture_name(SCRIPT)
    }

    #[test]
    fn the_audit_says_info_for_files_left_alone_and_keeps_the_rest() {
        let (_, report) = audit_json(&fixture(&name()), &[]);
        assert_eq!(loud(&report), set_of(LOUD), "{report:#}");
        for (rule, path) in LEFT_ALONE {
            let f = finding_at(&report, rule, path);
            assert_eq!(f["level"], "info", "{rule} {path}: {f:#}");
            assert_eq!(f["evidence"]["left_alone"], true, "{rule} {path}: {f:#}");
        }
        let results = finding_at(&report, "database-file", "bench/results.sqlite");
        assert_eq!(results["evidence"]["unchanged_days"], 201, "{results:#}");
        let message = results["message"].as_str().unwrap_or_default();
        assert!(message.contains("committed 3 times by people"), "{message}");
    }

    #[test]
    fn a_push_of_the_whole_history_agrees_with_the_audit() {
        let (_, report) = audit_json(&fixture(&name()), &[]);
        let server = crate::hooks::Server::seeded(&name(), "base");
        assert_eq!(server.pushgate(&["install", "pre-receive"]).code, 0);
        let r = server.push(&["main:refs/heads/main"]);
        let text = crate::hooks::remote_text(&r);
        assert_ne!(r.code, 0, "the working database and the new export are denied: {text}");
        let seen = crate::hooks::finding_set(&r);
        for (rule, path) in LEFT_ALONE {
            assert!(
                seen.contains(&("info".to_owned(), (*rule).to_owned(), (*path).to_owned())),
                "{rule} {path} is info at push time:\n{text}"
            );
        }
        for (rule, path) in LEFT_ALONE.iter().copied().chain(LOUD.iter().map(|(r, p, _)| (*r, *p))) {
            let level = finding_at(&report, rule, path)["level"]
                .as_str()
                .unwrap_or_default()
                .to_owned();
            assert!(
                seen.contains(&(level.clone(), rule.to_owned(), path.to_owned())),
                "audit says {level} {rule} {path}; the push showed:\n{text}"
            );
        }
    }

    #[test]
    fn a_push_of_a_new_version_is_judged_by_content_as_the_audit_after_it() {
        // The server holds everything before the commit that wrote the third version of the
        // benchmark's results; the push brings that version, new at the push's newest commit.
        let repo = fixture(&name());
        let third = git(
            &repo,
            &["log", "-1", "--format=%H", "main", "--", "bench/results.sqlite"],
        );
        let server = crate::hooks::Server::seeded(&name(), &format!("{third}~1"));
        assert_eq!(server.pushgate(&["install", "pre-receive"]).code, 0);
        let r = server.push(&[&format!("{third}:refs/heads/main")]);
        let text = crate::hooks::remote_text(&r);
        assert_ne!(r.code, 0, "{text}");
        let seen = crate::hooks::finding_set(&r);
        let wanted = (
            "deny".to_owned(),
            "database-file".to_owned(),
            "bench/results.sqlite".to_owned(),
        );
        assert!(seen.contains(&wanted), "{text}");
        // The audit of the server right after the push says the same.
        let after = server.pushgate(&["audit", "--format", "json"]);
        let report = parse_report(&after);
        let f = finding_at(&report, "database-file", "bench/results.sqlite");
        assert_eq!(f["level"], "deny", "{f:#}");
    }

    #[test]
    fn a_back_dated_commit_cannot_make_a_new_database_look_left_alone() {
        // A commit on top of the server's newest one, dated two years before it: by its dates
        // the database has stood unchanged for years; by the history it is the push's newest.
        let server = crate::hooks::Server::seeded(&name(), "main");
        assert_eq!(server.pushgate(&["install", "pre-receive"]).code, 0);
        let client = server.client.path();
        git(client, &["checkout", "-q", "main"]);
        let mut db = b"SQLite format 3\0".to_vec();
        db.resize(8192, 0);
        std::fs::create_dir_all(client.join("data")).expect("mkdir");
        std::fs::write(client.join("data/app.sqlite"), db).expect("write");
        git(client, &["add", "data/app.sqlite"]);
        let out = crate::util::git_command(client, &["commit", "-q", "-m", "Add the app's data"])
            .env("GIT_AUTHOR_NAME", "Someone")
            .env("GIT_AUTHOR_EMAIL", "someone@example.com")
            .env("GIT_COMMITTER_NAME", "Someone")
            .env("GIT_COMMITTER_EMAIL", "someone@example.com")
            .env("GIT_AUTHOR_DATE", "2022-01-03T10:00:00Z")
            .env("GIT_COMMITTER_DATE", "2022-01-03T10:00:00Z")
            .output()
            .expect("git commit");
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let r = server.push(&["main:refs/heads/main"]);
        let text = crate::hooks::remote_text(&r);
        assert_ne!(r.code, 0, "{text}");
        let wanted = (
            "deny".to_owned(),
            "database-file".to_owned(),
            "data/app.sqlite".to_owned(),
        );
        assert!(crate::hooks::finding_set(&r).contains(&wanted), "{text}");
        // The audit of a repository holding that commit says the same.
        git(client, &["update-ref", "refs/heads/probe", "main"]);
        let (_, report) = audit_json(client, &[]);
        let f = finding_at(&report, "database-file", "data/app.sqlite");
        assert_eq!(f["level"], "deny", "{f:#}");
    }
}
