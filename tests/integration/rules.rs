//! Edge cases of the content and name rules, on `fixtures/more_rules.sh`.

#![allow(clippy::unwrap_used)]

use std::fs;
use std::path::Path;

use serde_json::Value;

use crate::util::*;

/// Every finding the built-in policy gives for `more_rules --all`.
const ALL: &[(&str, &str, &str)] = &[
    // Logs: a text file in a log directory, timestamped lines elsewhere, a
    // rotated and compressed log (a log, not a dated backup archive).
    ("log-file", "logs/worker.txt", "warn"),
    ("log-file", "status/health-check", "warn"),
    ("log-file", "logs/app-2024-05-01.log.gz", "warn"),
    // Event captures by content.
    ("audit-record", "security/events.evtx", "warn"),
    ("audit-record", "net/capture.pcap", "warn"),
    // A compiled binary, a generated source, a linguist-generated file.
    ("generated-artifact", "bin/tool", "warn"),
    ("generated-artifact", "gen/api.ts", "info"),
    ("generated-artifact", "gen/schema.json", "info"),
    // A database file by name only; binary dumps.
    ("database-file", "store/cache.db", "warn"),
    ("database-dump", "dumps/users.bson", "deny"),
    ("database-dump", "redis/dump.rdb", "deny"),
    ("database-dump", "db/app.dump", "deny"),
    // A large archive, a dated one.
    ("archive-backup", "releases/app-1.2.3.tar.gz", "warn"),
    ("large-blob", "releases/app-1.2.3.tar.gz", "warn"),
    ("archive-backup", "exports/site_20240501.zip", "deny"),
    // A disk image by name only.
    ("disk-image", "vm/disk.vmdk", "deny"),
    // A file in a backup directory: the directory name alone is worth knowing, no more.
    ("backup-file", "backup/settings.txt", "info"),
    // A raw blob where the nested .gitattributes asks for LFS.
    ("lfs-bypassed", "assets/raw.bin", "deny"),
];

/// Paths of the fixture that no rule may report under the built-in policy.
const SILENT: &[&str] = &[
    "README.md",
    "logs/parser.py",
    "src/backup/mod.rs",
    "ChangeLog",
    "data/metrics.csv",
    ".gitattributes",
    "tests/data/old.orig",
    "empty.log",
    "latest.log",
    "assets/.gitattributes",
    "other/raw.bin",
    "raw.psd",
];

fn all_expected() -> Vec<(String, String, String)> {
    set_of(ALL)
}

fn assert_set(report: &Value, want: &[(String, String, String)], what: &str) {
    assert_eq!(finding_set(report), want, "{what}: findings differ\nreport: {report:#}");
}

/// The only finding of `rule` at `path`.
fn finding<'a>(report: &'a Value, rule: &str, path: &str) -> &'a Value {
    let hits: Vec<&Value> = findings(report)
        .iter()
        .filter(|f| f["rule"] == rule && f["path"] == path)
        .collect();
    assert_eq!(hits.len(), 1, "one {rule} finding at {path}: {report:#}");
    hits[0]
}

/// Scans `repo --all` with a policy file holding `policy`.
fn scan_with_policy(repo: &Path, policy: &str) -> (i32, Value) {
    let dir = tempfile::tempdir().unwrap();
    let file = write_file(dir.path(), "policy.toml", policy);
    let r = scan_run(repo, &["--policy", file.to_str().unwrap(), "--all"]);
    assert!(
        r.code == 0 || r.code == 1,
        "policy:\n{policy}\nmust be accepted\n{}",
        r.describe()
    );
    (r.code, parse_report(&r))
}

#[test]
fn all_refs_give_exactly_the_expected_findings() {
    let repo = fixture("more_rules");
    let r = scan_run(&repo, &["--all"]);
    let report = parse_report(&r);
    assert_set(&report, &all_expected(), "more_rules --all");
    assert_eq!(r.code, 1, "deny findings fail the scan\n{}", r.describe());
    assert_eq!(notices(&report), Vec::<Value>::new(), "{report:#}");

    let summary = &report["summary"];
    assert_eq!(summary["commits"].as_u64(), Some(4), "{summary:#}");
    assert_eq!(summary["findings"].as_u64(), Some(18), "{summary:#}");
    assert_eq!(summary["deny"].as_u64(), Some(6), "{summary:#}");
    assert_eq!(summary["warn"].as_u64(), Some(9), "{summary:#}");
    assert_eq!(summary["info"].as_u64(), Some(3), "{summary:#}");
}

#[test]
fn look_alikes_empty_files_and_symlinks_are_silent() {
    let repo = fixture("more_rules");
    // The fixture holds what the test claims: an empty blob and a symlink.
    assert_eq!(git(&repo, &["cat-file", "-s", "main:empty.log"]), "0");
    assert_eq!(
        git(
            &repo,
            &["ls-tree", "--format=%(objectmode)", "main", "--", "latest.log"]
        ),
        "120000"
    );
    assert_eq!(
        git(&repo, &["cat-file", "-p", "main:latest.log"]),
        "status/health-check"
    );

    let (_, report) = scan_json(&repo, &["--all"]);
    for f in findings(&report) {
        let path = path_of(f);
        assert!(!SILENT.contains(&path.as_str()), "{path} must not be reported: {f:#}");
    }
    // Every path of the fixture is either expected or silent.
    let tree = git(&repo, &["ls-tree", "-r", "--name-only", "main"]);
    for path in tree.lines() {
        assert!(
            SILENT.contains(&path) || ALL.iter().any(|(_, p, _)| *p == path),
            "{path} is neither expected nor silent"
        );
    }
}

#[test]
fn log_findings_say_how_they_matched() {
    let repo = fixture("more_rules");
    let (_, report) = scan_json(&repo, &["--all"]);

    let dir_log = finding(&report, "log-file", "logs/worker.txt");
    assert_eq!(dir_log["evidence"]["matched"], "log directory", "{dir_log:#}");
    assert_eq!(dir_log["commit"], git(&repo, &["rev-parse", "main~2"]).as_str());

    let ts_log = finding(&report, "log-file", "status/health-check");
    assert_eq!(ts_log["evidence"]["matched"], "timestamped lines", "{ts_log:#}");

    let rotated = finding(&report, "log-file", "logs/app-2024-05-01.log.gz");
    assert_eq!(rotated["evidence"]["matched"], "name", "{rotated:#}");
    assert!(
        !findings(&report)
            .iter()
            .any(|f| f["path"] == "logs/app-2024-05-01.log.gz" && f["rule"] == "archive-backup"),
        "a rotated log is not a dated backup archive: {report:#}"
    );
}

#[test]
fn content_and_name_evidence() {
    let repo = fixture("more_rules");
    let (_, report) = scan_json(&repo, &["--all"]);

    let by_name: &[(&str, &str)] = &[
        ("database-file", "store/cache.db"),
        ("disk-image", "vm/disk.vmdk"),
        ("database-dump", "dumps/users.bson"),
    ];
    for (rule, path) in by_name {
        let f = finding(&report, rule, path);
        assert_eq!(f["evidence"]["matched"], "name", "{f:#}");
    }
    let by_content: &[(&str, &str)] = &[
        ("database-dump", "redis/dump.rdb"),
        ("database-dump", "db/app.dump"),
        ("generated-artifact", "bin/tool"),
        ("generated-artifact", "gen/api.ts"),
    ];
    for (rule, path) in by_content {
        let f = finding(&report, rule, path);
        assert_eq!(f["evidence"]["matched"], "content", "{f:#}");
    }
    let schema = finding(&report, "generated-artifact", "gen/schema.json");
    assert_eq!(schema["evidence"]["matched"], "attribute", "{schema:#}");

    let backup = finding(&report, "backup-file", "backup/settings.txt");
    assert_eq!(backup["evidence"]["matched"], "directory", "{backup:#}");

    let dated = finding(&report, "archive-backup", "exports/site_20240501.zip");
    assert_eq!(dated["evidence"]["dated"], true, "{dated:#}");

    let big = "releases/app-1.2.3.tar.gz";
    let size: u64 = git(&repo, &["cat-file", "-s", &format!("main:{big}")]).parse().unwrap();
    assert!(size >= 10 * 1024 * 1024, "the fixture's archive is large: {size}");
    for rule in ["archive-backup", "large-blob"] {
        let f = finding(&report, rule, big);
        assert_eq!(f["size"].as_u64(), Some(size), "{f:#}");
    }
}

#[test]
fn lfs_attributes_of_a_subdirectory_apply_only_below_it() {
    let repo = fixture("more_rules");
    let (_, report) = scan_json(&repo, &["--all"]);
    let f = finding(&report, "lfs-bypassed", "assets/raw.bin");
    assert_eq!(f["commit"], git(&repo, &["rev-parse", "main"]).as_str(), "{f:#}");
    assert_eq!(f["blob"], git(&repo, &["rev-parse", "main:assets/raw.bin"]).as_str());
    assert!(
        !findings(&report).iter().any(|f| f["path"] == "other/raw.bin"),
        "{report:#}"
    );
}

#[test]
fn info_attributes_send_a_raw_file_through_lfs() {
    let copy = fixture_copy("more_rules");
    let repo = copy.path();
    let git_dir = git(repo, &["rev-parse", "--absolute-git-dir"]);
    write_file(
        Path::new(&git_dir),
        "info/attributes",
        "*.psd filter=lfs diff=lfs merge=lfs -text\n",
    );

    let (code, report) = scan_json(repo, &["--all"]);
    let mut want = all_expected();
    want.push(("lfs-bypassed".into(), "raw.psd".into(), "deny".into()));
    want.sort();
    assert_set(&report, &want, "with $GIT_DIR/info/attributes");
    assert_eq!(code, 1);
    let f = finding(&report, "lfs-bypassed", "raw.psd");
    assert_eq!(f["blob"], git(repo, &["rev-parse", "main:raw.psd"]).as_str(), "{f:#}");

    // Without the file, the same copy is back to the default findings.
    fs::remove_file(Path::new(&git_dir).join("info/attributes")).unwrap();
    let (_, report) = scan_json(repo, &["--all"]);
    assert_set(&report, &all_expected(), "without $GIT_DIR/info/attributes");
}

#[test]
fn empty_backup_file_exclude_reports_test_data() {
    let repo = fixture("more_rules");
    let (code, report) = scan_with_policy(&repo, "[rules.backup-file]\nexclude = []\n");
    let mut want = all_expected();
    want.push(("backup-file".into(), "tests/data/old.orig".into(), "warn".into()));
    want.sort();
    assert_set(&report, &want, "backup-file exclude = []");
    assert_eq!(code, 1);
}

#[test]
fn log_file_exclude_removes_only_the_log_directory_findings() {
    let repo = fixture("more_rules");
    let (code, report) = scan_with_policy(&repo, "[rules.log-file]\nexclude = [\"logs/**\"]\n");
    let want: Vec<_> = all_expected()
        .into_iter()
        .filter(|(rule, path, _)| !(rule == "log-file" && path.starts_with("logs/")))
        .collect();
    assert_eq!(want.len(), ALL.len() - 2);
    assert_set(&report, &want, "log-file exclude = [\"logs/**\"]");
    assert_eq!(code, 1);
}
