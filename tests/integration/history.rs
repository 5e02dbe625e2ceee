//! History-aware rules over fixtures with deterministic dates: churn, machine cadence, delta
//! chains, append-only growth and dated series; and the look-alikes that must stay quiet.

use crate::hooks::{Server, finding_lines, remote_text};
use crate::util::{
    finding_at as finding, findings, fixture, fixture_copy, git, git_command, loud, notice_kinds, pushgate, run,
    scan_json, set_of, write_file,
};

#[test]
fn machine_made_history_is_found_and_look_alikes_stay_quiet() {
    let repo = fixture("cadence");
    let (code, report) = scan_json(&repo, &["--all"]);
    assert_eq!(code, 1, "the dumps deny");
    let mut want = vec![
        ("data-churn", "data/incidents.json", "warn"),
        ("machine-cadence", "logs/health.log", "warn"),
        ("log-file", "logs/health.log", "warn"),
        ("backup-file", "backups/*-db.*", "warn"),
    ];
    let dumps: Vec<String> = (0..10)
        .map(|i| {
            let t = jiff::Timestamp::from_second(1_709_251_200 + (30 + i) * 86_400).expect("date");
            format!("backups/{}-db.sql", t.strftime("%Y-%m-%d"))
        })
        .collect();
    for d in &dumps {
        want.push(("database-dump", d.as_str(), "deny"));
    }
    // A person's three numbered exports are no schedule: quiet.
    assert_eq!(loud(&report), set_of(&want));

    // The data file is one subject, with the job that rewrites it.
    let churn = finding(&report, "data-churn", "data/incidents.json");
    assert_eq!(churn["pattern"], "database");
    let job = &churn["evidence"]["job"];
    assert_eq!(job["commits"], 200, "{churn:#}");
    assert_eq!(job["identity"], "ops@shop.example");
    assert_eq!(job["template"], "latest data: #");
    assert_eq!(job["period_seconds"], 3607);

    // The job writing the log: every 5 minutes, appending.
    let log = finding(&report, "machine-cadence", "logs/health.log");
    assert_eq!(log["pattern"], "audit-trail");
    assert_eq!(log["evidence"]["job"]["identity"], "root@shop-host");
    let period = log["evidence"]["job"]["period_seconds"].as_i64().expect("period");
    assert!((290..=310).contains(&period), "{log:#}");
    let growth = &log["evidence"]["append_growth"];
    assert_eq!(growth["commits"], 60, "{log:#}");
    assert!(growth["bytes_per_day"].as_u64().is_some_and(|b| b > 10_000), "{log:#}");
    assert_eq!(
        finding(&report, "log-file", "logs/health.log")["evidence"]["versions"],
        60
    );

    // The nightly dumps are a dated series: one subject listing every copy.
    let series = finding(&report, "backup-file", "backups/*-db.*");
    assert_eq!(series["pattern"], "backup");
    let mut members: Vec<String> = series["paths"]
        .as_array()
        .expect("paths")
        .iter()
        .filter_map(|p| p.as_str().map(str::to_owned))
        .collect();
    members.sort();
    assert_eq!(members, dumps);
    assert_eq!(series["evidence"]["job"]["period_seconds"], 86_400);
    assert!(
        series["fingerprint"]
            .as_str()
            .is_some_and(|f| f.starts_with("subject:"))
    );
}

#[test]
fn a_range_sees_the_history_behind_its_base() {
    let repo = fixture("cadence");
    let last = git(&repo, &["log", "-1", "--format=%H", "--", "data/incidents.json"]);
    let range = format!("{last}~1..{last}");
    let (_, report) = scan_json(&repo, &[&range]);
    assert_eq!(report["summary"]["commits"], 1);
    let churn = finding(&report, "data-churn", "data/incidents.json");
    assert_eq!(
        churn["evidence"]["job"]["commits"], 200,
        "the look-back reaches behind the base"
    );

    // The look-back window bounds only a server hook without a facts store: a scan reads the
    // whole history of the paths it touches, whatever `lookback_commits` says.
    let dir = tempfile::tempdir().expect("tempdir");
    let policy = write_file(dir.path(), "p.toml", "lookback_commits = 10\n");
    let (_, report) = scan_json(&repo, &[&range, "--policy", policy.to_str().expect("utf-8")]);
    let churn = finding(&report, "data-churn", "data/incidents.json");
    assert_eq!(churn["evidence"]["job"]["commits"], 200, "{report:#}");
}

#[test]
fn a_large_file_with_many_versions_churns() {
    let repo = fixture("churn");
    let (code, report) = scan_json(&repo, &["--all"]);
    assert_eq!(code, 1);
    // One finding for the file: its size is part of the churn finding.
    assert_eq!(loud(&report), set_of(&[("churning-blob", "assets/model.bin", "deny")]));
    let churn = finding(&report, "churning-blob", "assets/model.bin");
    assert_eq!(churn["evidence"]["large_blob"]["level"], "warn", "{churn:#}");
    assert_eq!(churn["evidence"]["versions"], 12);
    assert_eq!(churn["evidence"]["max_size"], 6 * 1024 * 1024);
    assert_eq!(churn["evidence"]["total_size"], 12 * 6 * 1024 * 1024);
    assert_eq!(churn["evidence"]["first"], "2024-06-01");
    assert_eq!(churn["evidence"]["last"], "2024-06-12");

    // Versions are counted in the busiest stretch of `lookback_days` of the path's whole
    // history: fewer in a shorter stretch, warn, then nothing.
    let dir = tempfile::tempdir().expect("tempdir");
    for (days, want) in [("5", Some("warn")), ("1", None)] {
        let policy = write_file(dir.path(), "p.toml", &format!("lookback_days = {days}\n"));
        let (_, report) = scan_json(&repo, &["--all", "--policy", policy.to_str().expect("utf-8")]);
        let level = findings(&report)
            .iter()
            .find(|f| f["rule"] == "churning-blob")
            .map(|f| f["level"].as_str().unwrap_or_default().to_string());
        assert_eq!(level.as_deref(), want, "lookback_days = {days}");
    }
}

/// `git verify-pack -v`'s depth column, per object.
fn verify_pack_depths(repo: &std::path::Path) -> std::collections::HashMap<String, u64> {
    let packs = std::fs::read_dir(repo.join(".git/objects/pack")).expect("pack dir");
    let mut depths = std::collections::HashMap::new();
    for idx in packs
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "idx"))
    {
        let out = git(repo, &["verify-pack", "-v", idx.to_str().expect("utf-8")]);
        for line in out.lines() {
            let cols: Vec<&str> = line.split_whitespace().collect();
            if cols.len() >= 5 && cols[0].len() == 40 {
                let depth = if cols.len() >= 7 {
                    cols[5].parse().unwrap_or(0)
                } else {
                    0
                };
                depths.insert(cols[0].to_string(), depth);
            }
        }
    }
    depths
}

#[test]
fn deep_delta_chains_are_read_from_entry_headers() {
    let repo = fixture("churn");
    let depths = verify_pack_depths(&repo);
    let deepest = depths.values().copied().max().expect("packed objects");
    assert!(deepest >= 8, "gc --aggressive chained the versions: {depths:?}");

    // The default limit is git's own pack.depth (50): nothing to report.
    let (_, report) = scan_json(&repo, &["--all"]);
    assert!(findings(&report).iter().all(|f| f["rule"] != "deep-delta-chain"));

    let dir = tempfile::tempdir().expect("tempdir");
    let policy = write_file(dir.path(), "p.toml", "[rules.deep-delta-chain]\nmax_depth = 5\n");
    let (_, report) = scan_json(&repo, &["--all", "--policy", policy.to_str().expect("utf-8")]);
    let chain = finding(&report, "deep-delta-chain", "assets/model.bin");
    let blob = chain["blob"].as_str().expect("blob");
    assert_eq!(
        chain["evidence"]["depth"].as_u64(),
        Some(deepest),
        "the deepest stands for the path"
    );
    assert_eq!(
        depths.get(blob).copied(),
        Some(deepest),
        "same depth as git verify-pack"
    );
    assert!(
        chain["evidence"]["inflate_bytes"]
            .as_u64()
            .is_some_and(|b| b > 6 * 1024 * 1024)
    );
    let versions = depths
        .iter()
        .filter(|(id, d)| **d > 5 && git(&repo, &["cat-file", "-s", id]).parse::<u64>().unwrap_or(0) > 1 << 20)
        .count();
    assert_eq!(chain["evidence"]["versions"].as_u64(), Some(versions as u64));
}

#[test]
fn pre_receive_rejects_the_tenth_version_and_warns_on_the_second() {
    // The server has nine versions of the 6 MiB model; the tenth is one too many.
    let server = Server::seeded("churn", "main~3");
    assert_eq!(server.pushgate(&["install", "pre-receive"]).code, 0);
    let r = server.push(&["main~2:refs/heads/main"]);
    assert_ne!(r.code, 0, "{}", r.describe());
    let lines = finding_lines(&r);
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("deny") && l.contains("assets/model.bin") && l.contains("churning-blob")),
        "{}",
        r.describe()
    );
    assert!(
        remote_text(&r).contains("10 versions within 90 days"),
        "{}",
        r.describe()
    );

    // One version on the server; the second only warns (it is large).
    let server = Server::seeded("churn", "main~11");
    assert_eq!(server.pushgate(&["install", "pre-receive"]).code, 0);
    let r = server.push(&["main~10:refs/heads/main"]);
    assert_eq!(r.code, 0, "{}", r.describe());
    let lines = finding_lines(&r);
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(
        lines[0].starts_with("warn") && lines[0].contains("large-blob"),
        "{lines:?}"
    );
}

#[test]
fn pre_receive_sees_cadence_behind_the_old_tip() {
    let repo = fixture("cadence");
    let last = git(&repo, &["log", "-1", "--format=%H", "--", "data/incidents.json"]);
    let server = Server::seeded("cadence", &format!("{last}~1"));
    assert_eq!(server.pushgate(&["install", "pre-receive"]).code, 0);
    let r = server.push(&[&format!("{last}:refs/heads/main")]);
    assert_eq!(r.code, 0, "warnings only: {}", r.describe());
    let text = remote_text(&r);
    assert!(text.contains("data-churn"), "{text}");
    assert!(
        text.contains("rewritten by a job: 200 commits") && text.contains("every 1 h"),
        "{text}"
    );
}

#[test]
fn pre_push_sees_cadence_too() {
    let repo = fixture("cadence");
    let last = git(&repo, &["log", "-1", "--format=%H", "--", "data/incidents.json"]);
    let parent = git(&repo, &["rev-parse", &format!("{last}~1")]);
    let client = fixture_copy("cadence");
    let out = pushgate()
        .args(["pre-push", "origin", "file:///nowhere", "--repo"])
        .arg(client.path())
        .write_stdin(format!("refs/heads/main {last} refs/heads/main {parent}\n"))
        .output()
        .expect("run pre-push");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(err.contains("data-churn") && err.contains("latest data: #"), "{err}");
}

#[test]
fn a_shallow_clone_is_analysed_as_far_as_it_goes() {
    let src = fixture("cadence");
    let dir = tempfile::tempdir().expect("tempdir");
    let clone = dir.path().join("shallow");
    let out = git_command(dir.path(), &["clone", "-q", "--depth", "30"])
        .arg(format!("file://{}", src.display()))
        .arg(&clone)
        .output()
        .expect("git clone");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let r = run(pushgate()
        .args(["scan", "--all", "--format", "json", "--repo"])
        .arg(&clone));
    assert!(r.code == 0 || r.code == 1, "{}", r.describe());
    let report: serde_json::Value = serde_json::from_str(&r.stdout).expect("json");
    let kinds = notice_kinds(&report);
    assert!(kinds.contains(&"history-truncated".to_string()), "{kinds:?}");
    assert!(r.stdout.contains("git fetch --unshallow"), "{}", r.describe());
    // A range behind the shallow boundary reads the history of its paths as far as it goes,
    // and says that it stops.
    let data = clone.join("data/incidents.json");
    let mut text = std::fs::read_to_string(&data).expect("data file");
    text.push_str("{\"incident\": \"next\"}\n");
    std::fs::write(&data, text).expect("write");
    git(&clone, &["add", "-A"]);
    let out = git_command(&clone, &["commit", "-q", "-m", "Latest data: 2024-06-01T00:00:00Z"])
        .env("GIT_AUTHOR_NAME", "Ops")
        .env("GIT_AUTHOR_EMAIL", "ops@shop.example")
        .env("GIT_COMMITTER_NAME", "Ops")
        .env("GIT_COMMITTER_EMAIL", "ops@shop.example")
        .output()
        .expect("git commit");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let last = git(&clone, &["rev-parse", "HEAD"]);
    let r = run(pushgate()
        .args(["scan", &format!("{last}~1..{last}"), "--format", "json", "--repo"])
        .arg(&clone));
    assert!(r.code == 0 || r.code == 1, "{}", r.describe());
    let report: serde_json::Value = serde_json::from_str(&r.stdout).expect("json");
    assert!(
        notice_kinds(&report).contains(&"lookback-truncated".to_string()),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("git fetch --unshallow"), "{}", r.describe());
}
