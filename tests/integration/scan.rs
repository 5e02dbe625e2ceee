//! `pushgate scan` over the fixture repositories.

#![allow(clippy::unwrap_used)]

use std::collections::HashSet;
use std::fs;

use serde_json::Value;

use crate::util::*;

/// Findings of c2 (`v1..main~3`): large blob, database, dumps, backup archive.
pub const C2: &[(&str, &str, &str)] = &[
    ("large-blob", "assets/big.bin", "warn"),
    ("database-file", "data/app.sqlite", "deny"),
    ("database-dump", "db/dump.sql", "deny"),
    ("database-dump", "db/pg_backup.sql", "deny"),
    ("archive-backup", "backup-2024-05-01.tar.gz", "deny"),
];

/// Findings of c3: logs, generated output, LFS bypass, audit records.
pub const C3: &[(&str, &str, &str)] = &[
    ("log-file", "app.log", "warn"),
    ("generated-artifact", "dist/bundle.min.js", "info"),
    ("generated-artifact", "proto/api.pb.go", "info"),
    ("lfs-bypassed", "art/raw.psd", "deny"),
    ("audit-record", "audit/events.jsonl", "warn"),
    ("audit-record", "trail/cloudtrail.json", "warn"),
];

/// Findings of c4: disk images and a backup copy.
pub const C4: &[(&str, &str, &str)] = &[
    ("disk-image", "images/disk.iso", "deny"),
    ("disk-image", "vm/disk.qcow2", "deny"),
    ("backup-file", "config.yaml.bak", "warn"),
];

/// Findings of c5 in a range that also holds c4: a second version of
/// audit/events.jsonl, and the blob of config.yaml.bak at a second path.
pub const C5: &[(&str, &str, &str)] = &[
    ("audit-record", "audit/events.jsonl", "warn"),
    ("backup-file", "old/config.yaml.bak", "warn"),
];

/// Findings of `main~1..main`. The range uploads one new object, but it also puts the blob
/// of config.yaml.bak (reachable from main~1) at a new path, old/config.yaml.bak: judged
/// there, as every entry a range adds or changes.
pub const C5_ALONE: &[(&str, &str, &str)] = &[
    ("audit-record", "audit/events.jsonl", "warn"),
    ("backup-file", "old/config.yaml.bak", "warn"),
];

/// The findings of several commits together: one per path and rule, however many versions
/// of the path the range holds.
pub fn expected(parts: &[&[(&str, &str, &str)]]) -> Vec<(String, String, String)> {
    let all: Vec<(&str, &str, &str)> = parts.iter().flat_map(|p| p.iter().copied()).collect();
    let mut set = set_of(&all);
    set.dedup();
    set
}

/// Every finding the built-in policy gives for the whole rules fixture.
pub fn all_expected() -> Vec<(String, String, String)> {
    expected(&[C2, C3, C4, C5])
}

/// Paths of the rules fixture that must never be reported at warn or deny.
const LOOK_ALIKES: &[&str] = &[
    "README.md",
    "src/main.rs",
    "config/data.db",
    "db/migrations/001_create_users.sql",
    "tests/fixtures/sample.zip",
    "CHANGELOG.md",
    "proto/api.pb.go",
    ".gitattributes",
    "art/logo.psd",
    "vendor/lib",
];

fn assert_set(report: &Value, want: &[(String, String, String)], what: &str) {
    let got = finding_set(report);
    assert_eq!(got, want, "{what}: findings differ\nreport: {report:#}");
}

#[test]
fn all_refs_give_exactly_the_expected_findings() {
    let repo = fixture("rules");
    let r = scan_run(&repo, &["--all"]);
    let report = parse_report(&r);
    assert_set(&report, &all_expected(), "scan --all");
    assert_eq!(r.code, 1, "deny findings must fail the scan\n{}", r.describe());
}

#[test]
fn look_alikes_are_not_reported_at_warn_or_deny() {
    let repo = fixture("rules");
    let (_, report) = scan_json(&repo, &["--all"]);
    for f in findings(&report) {
        let path = path_of(f);
        let level = f["level"].as_str().unwrap_or_default();
        if LOOK_ALIKES.contains(&path.as_str()) {
            assert!(
                level != "warn" && level != "deny",
                "look-alike {path} reported at {level}: {f:#}"
            );
        }
    }
    // Generated protobuf code is reported, but only as info.
    let pb: Vec<_> = findings(&report)
        .iter()
        .filter(|f| f["path"] == "proto/api.pb.go")
        .collect();
    assert_eq!(pb.len(), 1, "proto/api.pb.go: {pb:#?}");
    assert_eq!(pb[0]["rule"], "generated-artifact");
    assert_eq!(pb[0]["level"], "info");
    // The gitlink is not a blob: never a finding, never an error.
    assert!(
        !findings(&report).iter().any(|f| f["path"] == "vendor/lib"),
        "gitlink reported: {report:#}"
    );
}

#[test]
fn report_shape_and_summary() {
    let repo = fixture("rules");
    let (code, report) = scan_json(&repo, &["--all"]);
    assert_eq!(code, 1);
    assert_eq!(report["version"], 1, "{report:#}");
    assert_eq!(report["tool"]["name"], "pushgate");
    assert_eq!(report["tool"]["version"], env!("CARGO_PKG_VERSION"));

    let list = findings(&report);
    let summary = &report["summary"];
    let count = |level: &str| list.iter().filter(|f| f["level"] == level).count() as u64;
    assert_eq!(summary["findings"].as_u64(), Some(list.len() as u64), "{summary:#}");
    assert_eq!(summary["deny"].as_u64(), Some(count("deny")), "{summary:#}");
    assert_eq!(summary["warn"].as_u64(), Some(count("warn")), "{summary:#}");
    assert_eq!(summary["info"].as_u64(), Some(count("info")), "{summary:#}");
    assert_eq!((count("deny"), count("warn"), count("info")), (7, 6, 2));
    assert_eq!(summary["commits"].as_u64(), Some(5), "{summary:#}");
    let blobs = summary["blobs"].as_u64().expect("summary.blobs");
    assert!(blobs >= 20, "at least every distinct blob of the fixture: {summary:#}");
    let bytes = summary["bytes"].as_u64().expect("summary.bytes");
    assert!(bytes >= 6 * 1024 * 1024, "{summary:#}");
    assert!(summary["duration_ms"].is_u64(), "{summary:#}");

    for f in list {
        let rule = f["rule"].as_str().expect("rule");
        let pattern = pattern_of(rule);
        assert_eq!(f["pattern"], pattern, "{f:#}");
        assert_eq!(f["suggestion"], default_suggestion_of(f), "{f:#}");
        assert!(
            f["message"].as_str().is_some_and(|m| !m.trim().is_empty()),
            "message: {f:#}"
        );
        assert!(f["evidence"].is_object(), "evidence: {f:#}");
        for key in ["blob", "commit"] {
            let oid = f[key].as_str().unwrap_or_else(|| panic!("{key}: {f:#}"));
            assert!(
                oid.len() == 40 && oid.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()),
                "{key} is not a 40-hex object id: {f:#}"
            );
        }
        assert!(f["size"].is_u64(), "size: {f:#}");
    }
}

/// The oldest commit of `main` whose tree holds `blob` at `path`.
fn introducing_commit(repo: &std::path::Path, path: &str, blob: &str) -> String {
    let commits = git(repo, &["rev-list", "--reverse", "--topo-order", "main"]);
    for c in commits.lines() {
        let tree_entry = git(repo, &["ls-tree", "--format=%(objectname)", c, "--", path]);
        if tree_entry == blob {
            return c.to_string();
        }
    }
    panic!("no commit of main has {blob} at {path}");
}

#[test]
fn each_finding_names_the_commit_that_introduced_its_blob() {
    let repo = fixture("rules");
    let (_, report) = scan_json(&repo, &["--all"]);
    for f in findings(&report) {
        let path = f["path"].as_str().unwrap_or_else(|| panic!("path: {f:#}"));
        let blob = f["blob"].as_str().expect("blob");
        let commit = f["commit"].as_str().expect("commit");
        assert_eq!(
            git(&repo, &["rev-parse", &format!("{commit}:{path}")]),
            blob,
            "the finding's commit must hold its blob at its path: {f:#}"
        );
        assert_eq!(commit, introducing_commit(&repo, path, blob), "{f:#}");

        let versions = git(&repo, &["log", "--format=%H", "--diff-filter=AM", "main", "--", path]);
        if versions.lines().count() == 1 {
            let added = git(&repo, &["log", "--format=%H", "--diff-filter=A", "main", "--", path]);
            assert_eq!(commit, added, "{path} was added once, by {added}: {f:#}");
        }
    }
}

#[test]
fn one_finding_per_blob_and_path_at_the_oldest_commit() {
    let repo = fixture("rules");
    let (_, report) = scan_json(&repo, &["--all"]);
    let list = findings(&report);

    let mut seen = HashSet::new();
    for f in list {
        let key = (f["rule"].to_string(), f["path"].to_string(), f["blob"].to_string());
        assert!(seen.insert(key), "duplicate finding: {f:#}");
    }

    // The same blob at two paths: one finding each, each at its own commit.
    let bak: Vec<_> = list.iter().filter(|f| f["rule"] == "backup-file").collect();
    assert_eq!(bak.len(), 2, "{bak:#?}");
    let blob = git(&repo, &["rev-parse", "main:config.yaml.bak"]);
    assert_eq!(git(&repo, &["rev-parse", "main:old/config.yaml.bak"]), blob);
    for f in &bak {
        assert_eq!(f["blob"], blob.as_str(), "{f:#}");
    }
    let commit_of = |p: &str| {
        bak.iter()
            .find(|f| f["path"] == p)
            .unwrap_or_else(|| panic!("no finding for {p}"))["commit"]
            .clone()
    };
    assert_eq!(
        commit_of("config.yaml.bak"),
        git(&repo, &["rev-parse", "main~1"]).as_str()
    );
    assert_eq!(
        commit_of("old/config.yaml.bak"),
        git(&repo, &["rev-parse", "main"]).as_str()
    );

    // Two versions of one path: one finding, about the newest, counting the versions.
    let events: Vec<_> = list.iter().filter(|f| f["path"] == "audit/events.jsonl").collect();
    assert_eq!(events.len(), 1, "{events:#?}");
    assert_eq!(
        events[0]["blob"].as_str(),
        Some(git(&repo, &["rev-parse", "main:audit/events.jsonl"]).as_str())
    );
    assert_eq!(
        events[0]["commit"].as_str(),
        Some(git(&repo, &["rev-parse", "main"]).as_str())
    );
    assert_eq!(events[0]["evidence"]["versions"], 2, "{:#}", events[0]);
}

#[test]
fn sizes_come_from_the_object_header() {
    let repo = fixture("rules");
    let (_, report) = scan_json(&repo, &["--all"]);
    for f in findings(&report) {
        let blob = f["blob"].as_str().expect("blob");
        let size: u64 = git(&repo, &["cat-file", "-s", blob]).parse().expect("size");
        assert_eq!(f["size"].as_u64(), Some(size), "{f:#}");
    }
    let big = findings(&report)
        .iter()
        .find(|f| f["path"] == "assets/big.bin")
        .expect("assets/big.bin finding");
    assert_eq!(big["size"].as_u64(), Some(6 * 1024 * 1024));
}

#[test]
fn range_syntaxes_agree() {
    let repo = fixture("rules");
    let forms: &[&[&str]] = &[&["v1..main"], &["^v1", "main"], &["main", "--not", "v1"]];
    for args in forms {
        let (code, report) = scan_json(&repo, args);
        assert_set(&report, &all_expected(), &format!("scan {args:?}"));
        assert_eq!(code, 1, "scan {args:?}");
        assert_eq!(
            report["summary"]["commits"].as_u64(),
            Some(4),
            "scan {args:?}: {:#}",
            report["summary"]
        );
    }
}

#[test]
fn options_may_follow_revisions() {
    // As in `pushgate scan origin/main..HEAD --format sarif`: options after
    // the revisions are still options.
    let repo = fixture("rules");
    let repo = repo.to_str().unwrap();
    let forms: &[&[&str]] = &[
        &["scan", "v1..main", "--format", "json", "--repo", repo],
        &["scan", "--repo", repo, "main", "--not", "v1", "--format", "json"],
        &["scan", "--all", "--repo", repo, "--format=json"],
    ];
    for args in forms {
        let r = pushgate_run(args);
        assert_eq!(r.code, 1, "pushgate {args:?}\n{}", r.describe());
        let report = parse_report(&r);
        assert_set(&report, &all_expected(), &format!("pushgate {args:?}"));
    }
}

#[test]
fn a_range_reports_only_what_it_introduces() {
    let repo = fixture("rules");

    // c4 and c5 only: app.log (added in c3) is outside.
    let (code, report) = scan_json(&repo, &["main~2..main"]);
    assert_set(&report, &expected(&[C4, C5]), "main~2..main");
    assert!(!findings(&report).iter().any(|f| f["path"] == "app.log"));
    assert_eq!(code, 1);
    assert_eq!(report["summary"]["commits"].as_u64(), Some(2));

    // c2 only: before app.log existed.
    let (code, report) = scan_json(&repo, &["v1..main~3"]);
    assert_set(&report, &expected(&[C2]), "v1..main~3");
    assert_eq!(code, 1);

    // c3 only: the commit that added app.log.
    let (_, report) = scan_json(&repo, &["main~3..main~2"]);
    assert_set(&report, &expected(&[C3]), "main~3..main~2");

    // Several tips, no negative revision: c1 and c2.
    let (_, report) = scan_json(&repo, &["v1", "main~3"]);
    assert_set(&report, &expected(&[C2]), "v1 main~3");
    assert_eq!(report["summary"]["commits"].as_u64(), Some(2));

    // c5 alone: the copied blob is not new to the repository, but new at its path.
    let (code, report) = scan_json(&repo, &["main~1..main"]);
    assert_set(&report, &expected(&[C5_ALONE]), "main~1..main");
    assert_eq!(code, 0, "warn only");

    // An empty range.
    let (code, report) = scan_json(&repo, &["main..v1"]);
    assert_set(&report, &[], "main..v1");
    assert_eq!(code, 0);
    assert_eq!(report["summary"]["commits"].as_u64(), Some(0));
}

#[test]
fn ordinary_source_code_gives_no_findings() {
    let repo = fixture("plain");
    let (code, report) = scan_json(&repo, &["--all"]);
    assert_set(&report, &[], "plain --all");
    assert_eq!(notices(&report), Vec::<Value>::new(), "{report:#}");
    assert_eq!(code, 0);
    let commits: u64 = git(&repo, &["rev-list", "--count", "--all"]).parse().unwrap();
    assert_eq!(report["summary"]["commits"].as_u64(), Some(commits));
    assert_eq!(report["summary"]["findings"].as_u64(), Some(0));
}

#[test]
fn absent_blobs_of_a_partial_clone_are_notices() {
    let repo = fixture("partial");
    let r = scan_run(&repo, &["--all"]);
    assert!(
        r.code == 0 || r.code == 1,
        "a partial clone must scan\n{}",
        r.describe()
    );
    let report = parse_report(&r);

    let tree = git(&repo, &["ls-tree", "-r", "--format=%(objectname) %(path)", "main"]);
    let absent: Vec<Value> = notices(&report)
        .into_iter()
        .filter(|n| n["kind"] == "absent-object")
        .collect();
    for line in tree.lines() {
        let (blob, path) = line.split_once(' ').unwrap();
        let n = absent
            .iter()
            .find(|n| n["path"] == path)
            .unwrap_or_else(|| panic!("no absent-object notice for {path}: {report:#}"));
        assert_eq!(n["blob"], blob, "{n:#}");
        assert!(n["message"].as_str().is_some_and(|m| !m.is_empty()), "{n:#}");
        if let Some(size) = n.get("size") {
            assert!(size.is_null(), "an absent blob has no known size: {n:#}");
        }
    }
    // Whatever is reported about an absent blob, by name only, has no size.
    for f in findings(&report) {
        assert!(f["size"].is_null(), "size of an absent blob: {f:#}");
    }
    assert_eq!(
        report["summary"]["commits"].as_u64(),
        Some(2),
        "{:#}",
        report["summary"]
    );
}

#[test]
fn text_format_lists_paths_rules_and_each_suggestion_once() {
    let repo = fixture("rules");
    let r = run(pushgate()
        .args(["scan", "--all", "--format", "text", "--repo"])
        .arg(&repo));
    assert_eq!(r.code, 1, "{}", r.describe());
    let out = squash_ws(&r.stdout);
    for (rule, path, _) in all_expected() {
        assert!(out.contains(&path), "{path} missing from the text report\n{}", r.stdout);
        assert!(out.contains(&rule), "{rule} missing from the text report\n{}", r.stdout);
    }
    for pattern in ["large-churn", "database", "audit-trail", "backup"] {
        let suggestion = squash_ws(default_suggestion(pattern));
        assert_eq!(
            out.matches(&suggestion).count(),
            1,
            "the {pattern} suggestion must appear exactly once\n{}",
            r.stdout
        );
    }
    assert!(
        !r.stdout.contains('\x1b'),
        "NO_COLOR: no escape sequences\n{}",
        r.stdout
    );
}

#[test]
fn text_format_is_the_default() {
    let repo = fixture("rules");
    let r = run(pushgate().args(["scan", "--all", "--repo"]).arg(&repo));
    assert_eq!(r.code, 1, "{}", r.describe());
    assert!(
        serde_json::from_str::<Value>(&r.stdout).is_err(),
        "default format is text"
    );
    assert!(r.stdout.contains("data/app.sqlite"), "{}", r.stdout);
}

#[test]
fn color_always_colors_and_never_does_not() {
    let repo = fixture("rules");
    let r = run(pushgate()
        .env_remove("NO_COLOR")
        .args(["scan", "--all", "--format", "text", "--color", "always", "--repo"])
        .arg(&repo));
    assert_eq!(r.code, 1, "{}", r.describe());
    assert!(r.stdout.contains("\x1b["), "--color always must color\n{}", r.stdout);

    let r = run(pushgate()
        .env_remove("NO_COLOR")
        .args(["scan", "--all", "--format", "text", "--color", "never", "--repo"])
        .arg(&repo));
    assert_eq!(r.code, 1, "{}", r.describe());
    assert!(!r.stdout.contains('\x1b'), "--color never\n{}", r.stdout);
}

#[test]
fn output_file_receives_the_report() {
    let repo = fixture("rules");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("report.json");
    let r = run(pushgate()
        .args(["scan", "--all", "--format", "json", "--repo"])
        .arg(&repo)
        .arg("--output")
        .arg(&file));
    assert_eq!(r.code, 1, "{}", r.describe());
    assert!(
        !r.stdout.contains("\"findings\""),
        "the report goes to the file, not stdout\n{}",
        r.stdout
    );
    let text = fs::read_to_string(&file).expect("--output file written");
    let report: Value = serde_json::from_str(&text).expect("--output file holds JSON");
    assert_set(&report, &all_expected(), "--output");
}

#[test]
fn not_a_repository_is_exit_3() {
    let dir = tempfile::tempdir().unwrap();
    let r = run(pushgate()
        .env("GIT_CEILING_DIRECTORIES", dir.path().parent().unwrap())
        .current_dir(dir.path())
        .args(["scan", "--all", "--format", "json", "--repo"])
        .arg(dir.path()));
    assert_eq!(r.code, 3, "{}", r.describe());
    assert!(
        !r.stderr.trim().is_empty(),
        "an error message on stderr\n{}",
        r.describe()
    );

    let missing = dir.path().join("does-not-exist");
    let r = run(pushgate().args(["scan", "--all", "--repo"]).arg(&missing));
    assert_eq!(r.code, 3, "{}", r.describe());
}

#[test]
fn unknown_revision_is_exit_3_and_named() {
    let repo = fixture("rules");
    for args in [
        &["no-such-rev"][..],
        &["v1..no-such-rev"],
        &["main", "--not", "no-such-rev"],
    ] {
        let r = scan_run(&repo, args);
        assert_eq!(r.code, 3, "scan {args:?}\n{}", r.describe());
        assert!(
            r.stderr.contains("no-such-rev"),
            "scan {args:?}: stderr must name the revision\n{}",
            r.describe()
        );
    }
}

#[test]
fn scanning_never_writes_to_the_repository() {
    let copy = fixture_copy("rules");
    let repo = copy.path();
    let before = git(repo, &["for-each-ref", "--format=%(objectname) %(refname)"]);
    let status_before = git(repo, &["status", "--porcelain", "--ignored"]);
    let (code, _) = scan_json(repo, &["--all"]);
    assert_eq!(code, 1);
    assert_eq!(
        git(repo, &["for-each-ref", "--format=%(objectname) %(refname)"]),
        before
    );
    assert_eq!(git(repo, &["status", "--porcelain", "--ignored"]), status_before);
}

#[test]
fn a_shallow_clone_scans_what_it_has_and_says_history_is_missing() {
    let src = fixture("rules");
    let dir = tempfile::tempdir().unwrap();
    let clone = dir.path().join("shallow");
    let url = format!("file://{}", src.display());
    git(
        dir.path(),
        &[
            "clone",
            "-q",
            "--depth",
            "2",
            "--no-checkout",
            &url,
            clone.to_str().unwrap(),
        ],
    );
    let expected_commits: u64 = git(&clone, &["rev-list", "--all", "--count"]).trim().parse().unwrap();
    assert_eq!(expected_commits, 2);
    for args in [&["--all"][..], &["HEAD"][..], &["HEAD~1..HEAD"][..]] {
        let r = scan_run(&clone, args);
        assert!(r.code == 0 || r.code == 1, "{args:?}\n{}", r.describe());
        let report = parse_report(&r);
        let whole = args != ["HEAD~1..HEAD"];
        let want_commits = if whole { expected_commits } else { 1 };
        assert_eq!(report["summary"]["commits"], want_commits, "{args:?}: {report:#}");
        // The shallow commit is a root here: only a range that contains it is truncated.
        assert_eq!(
            notice_kinds(&report).contains(&"history-truncated".to_string()),
            whole,
            "{args:?}: {report:#}"
        );
    }
}

#[test]
fn a_blob_is_attributed_to_its_oldest_commit_even_when_clocks_run_backwards() {
    let repo = fixture("odd");
    let p = git(&repo, &["rev-parse", "main~2"]);
    let c2 = git(&repo, &["rev-parse", "main"]);
    // The re-adding child really is dated before the commit that first added the blob.
    let date = |c: &str| -> i64 { git(&repo, &["show", "-s", "--format=%ct", c]).parse().unwrap() };
    assert!(date(&c2) < date(&p));
    let (_, report) = scan_json(&repo, &["--all"]);
    let x: Vec<&Value> = findings(&report).iter().filter(|f| f["path"] == "x.bak").collect();
    assert_eq!(x.len(), 1, "{report:#}");
    assert_eq!(x[0]["commit"], p.as_str(), "{report:#}");
}

#[test]
fn paths_are_printed_with_control_characters_escaped() {
    let repo = fixture("odd");
    let r = run(pushgate().args(["scan", "--all", "--repo"]).arg(&repo));
    assert_eq!(r.code, 0, "{}", r.describe());
    let out = &r.stdout;
    assert!(
        !out.contains('\u{1b}'),
        "an escape character reached the terminal:\n{out}"
    );
    assert!(out.contains("evil\\u{1b}[31mred.bak"), "{out}");
    assert!(out.contains("two\\nlines.bak"), "{out}");
    assert!(out.contains("caf\\xe9.bak"), "{out}");
    // Every line of the report is one the report wrote: the newline in a path did not
    // start a line of its own.
    assert!(!out.lines().any(|l| l.starts_with("lines.bak")), "{out}");
    // JSON carries the path as a string, escaped by JSON itself.
    let (_, report) = scan_json(&repo, &["--all"]);
    let paths: Vec<String> = findings(&report).iter().map(path_of).collect();
    assert!(paths.contains(&"evil\u{1b}[31mred.bak".to_string()), "{paths:?}");
    assert!(paths.contains(&"two\nlines.bak".to_string()), "{paths:?}");
}

#[test]
fn sha256_repositories_are_scanned() {
    let repo = fixture("sha256");
    assert_eq!(git(&repo, &["rev-parse", "--show-object-format"]), "sha256");
    let (code, report) = scan_json(&repo, &["--all"]);
    assert_eq!(
        finding_set(&report),
        set_of(&[
            ("database-file", "app.sqlite", "deny"),
            ("disk-image", "disk.qcow2", "deny"),
            ("backup-file", "settings.bak", "warn"),
        ])
    );
    assert_eq!(code, 1);
    let c2 = git(&repo, &["rev-parse", "main"]);
    assert_eq!(c2.len(), 64);
    for f in findings(&report) {
        assert_eq!(f["commit"], c2.as_str(), "{f:#}");
        let blob = f["blob"].as_str().unwrap();
        assert_eq!(blob.len(), 64, "{f:#}");
        let size: u64 = git(&repo, &["cat-file", "-s", blob]).parse().unwrap();
        assert_eq!(f["size"], size, "{f:#}");
    }
}

#[test]
fn an_unusable_repository_says_why() {
    let copy = fixture_copy("plain");
    git(copy.path(), &["config", "core.repositoryformatversion", "1"]);
    git(copy.path(), &["config", "extensions.objectFormat", "sha512"]);
    let r = scan_run(copy.path(), &["--all"]);
    assert_eq!(r.code, 3, "{}", r.describe());
    assert!(r.stderr.contains("cannot open the repository"), "{}", r.describe());
    assert!(r.stderr.contains("sha512"), "{}", r.describe());
    assert!(!r.stderr.contains("not a git repository"), "{}", r.describe());
}

#[test]
fn a_ref_to_a_missing_object_is_skipped_with_a_notice() {
    let copy = fixture_copy("plain");
    let missing = "0123456789abcdef0123456789abcdef01234567";
    fs::write(copy.path().join(".git/refs/heads/broken"), format!("{missing}\n")).unwrap();
    let (code, report) = scan_json(copy.path(), &["--all"]);
    assert_eq!(code, 0, "{report:#}");
    let broken: Vec<Value> = notices(&report)
        .into_iter()
        .filter(|n| n["kind"] == "broken-ref")
        .collect();
    assert_eq!(broken.len(), 1, "{report:#}");
    assert_eq!(broken[0]["blob"], missing);
    assert!(
        broken[0]["message"].as_str().unwrap().contains("refs/heads/broken"),
        "{report:#}"
    );
    let commits: u64 = git(copy.path(), &["rev-list", "--count", "main"]).parse().unwrap();
    assert_eq!(report["summary"]["commits"], commits, "{report:#}");
}

#[test]
fn a_corrupt_object_is_a_clear_error_not_a_panic() {
    let copy = fixture_copy("plain");
    // Garble one loose blob on disk.
    let blob = git(copy.path(), &["rev-parse", "main:Cargo.toml"]);
    let path = copy.path().join(".git/objects").join(&blob[..2]).join(&blob[2..]);
    assert!(path.is_file(), "fixture objects are loose: {}", path.display());
    let mut perms = fs::metadata(&path).unwrap().permissions();
    #[allow(clippy::permissions_set_readonly_false)]
    perms.set_readonly(false);
    fs::set_permissions(&path, perms).unwrap();
    fs::write(&path, b"this is not zlib").unwrap();
    let r = scan_run(copy.path(), &["--all"]);
    assert_eq!(r.code, 3, "{}", r.describe());
    assert!(r.stderr.contains(&blob), "{}", r.describe());
    assert!(!r.stderr.contains("panicked"), "{}", r.describe());
}
