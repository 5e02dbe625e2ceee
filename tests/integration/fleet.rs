//! `pushgate audit --fleet` and `pushgate report merge`: a folder of repositories as servers
//! store them (fixture repositories cloned into GitLab's, Gitea's and a mirror folder's
//! layouts, a work tree, a corrupt one), the results each writes, resuming, shards, timeouts,
//! and the merged report.

use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::fs;
use std::path::{Path, PathBuf};
use std::process;
use std::time::{Duration, Instant, SystemTime};

use serde_json::Value;

use crate::util::*;

/// GitLab's hashed storage path of project 1.
const HASHED: &str = "gitlab/@hashed/6b/86/6b86b273ff34fce19d6b804eff5a3f5747ada4eaa22f1d49c01e52ddb7875b4b.git";

/// The repositories the fleet folder holds, by key, sorted.
const KEYS: [&str; 5] = [
    "gitea/alice/scraper.git",
    "gitea/bob/broken.git",
    HASHED,
    "mirrors/app_backups.git",
    "work/plain",
];

/// `git clone --bare` (or `--mirror`) of a fixture into `to`.
pub(crate) fn clone(fixture_name: &str, to: &Path, how: &str) {
    fs::create_dir_all(to.parent().unwrap()).unwrap();
    let from = fixture(fixture_name);
    let status = git_command(Path::new("."), &["clone", "-q", how])
        .arg(&from)
        .arg(to)
        .status()
        .unwrap();
    assert!(status.success(), "clone {fixture_name} to {}", to.display());
}

/// A folder of repositories as servers store them: GitLab's hashed storage (and an object pool
/// it must not enter), Gitea's `owner/name.git`, a mirror, a work tree (with a nested
/// repository inside it, which is the work tree's business), a repository whose root tree is
/// gone, and folders that hold no repository.
pub(crate) fn fleet_folder() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    clone("churn", &root.join(HASHED), "--bare");
    clone(
        "plain",
        &root.join("gitlab/@pools/d4/73/d4735e3a265e16eee03f59718b9b5d03019c07d8b6c51f90da3a666eec13ab35.git"),
        "--bare",
    );
    clone("scraper", &root.join("gitea/alice/scraper.git"), "--bare");
    clone("app_backups", &root.join("mirrors/app_backups.git"), "--mirror");
    let work = root.join("work/plain");
    fs::create_dir_all(&work).unwrap();
    let status = process::Command::new("cp")
        .arg("-a")
        .arg(format!("{}/.", fixture("plain").display()))
        .arg(&work)
        .status()
        .unwrap();
    assert!(status.success());
    git(&work, &["init", "-q", "vendor/inner"]);
    let broken = root.join("gitea/bob/broken.git");
    clone("plain", &broken, "--bare");
    let tree = git(&broken, &["rev-parse", "main^{tree}"]);
    fs::remove_file(broken.join("objects").join(&tree[..2]).join(&tree[2..])).expect("the root tree is a loose object");
    write_file(root, "notes/README.md", "# the repositories of the team\n");
    write_file(root, "old.git/README", "not a repository, whatever its name\n");
    dir
}

/// `pushgate audit --fleet <fleet> --results <results> <args…>`.
pub(crate) fn audit_fleet(fleet: &Path, results: &Path, args: &[&str]) -> Run {
    let mut cmd = pushgate();
    cmd.arg("audit")
        .arg("--fleet")
        .arg(fleet)
        .arg("--results")
        .arg(results)
        .args(args);
    run(&mut cmd)
}

/// The result files of a folder, by repository key.
fn results(folder: &Path) -> BTreeMap<String, (String, Value)> {
    let mut out = BTreeMap::new();
    for entry in fs::read_dir(folder).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        assert!(
            !name.starts_with('.'),
            "a temporary file is left in the results: {name}"
        );
        if !name.ends_with(".json") {
            continue;
        }
        let value: Value = serde_json::from_str(&fs::read_to_string(folder.join(&name)).unwrap()).unwrap();
        let key = value["repository"].as_str().unwrap().to_owned();
        assert!(out.insert(key, (name, value)).is_none());
    }
    out
}

/// A result without what depends on when it ran.
fn timeless(mut result: Value) -> Value {
    for key in ["started", "finished", "duration_ms"] {
        result.as_object_mut().unwrap().remove(key);
    }
    if let Some(summary) = result["report"]["summary"].as_object_mut() {
        summary.remove("duration_ms");
    }
    result
}

fn modified(path: &Path) -> SystemTime {
    fs::metadata(path).unwrap().modified().unwrap()
}

#[test]
fn a_fleet_folder_is_audited_one_result_per_repository_as_a_single_audit_judges() {
    let fleet = fleet_folder();
    let out = tempfile::tempdir().unwrap();
    let r = audit_fleet(fleet.path(), out.path(), &["--jobs", "1"]);
    assert_eq!(r.code, 0, "{}", r.describe());
    assert!(r.stdout.is_empty(), "{}", r.describe());
    assert!(
        r.stderr.contains("fleet of 5 repositories in ")
            && r.stderr
                .contains(": 0 already audited, 5 to audit, 1 at a time, at most 1 h each"),
        "{}",
        r.describe()
    );
    assert!(
        r.stderr.contains(": 4 ok, 1 failed; 0 skipped; results in "),
        "{}",
        r.describe()
    );
    assert_eq!(r.stderr.matches("] ok     ").count(), 4, "{}", r.describe());

    let results = results(out.path());
    assert_eq!(results.keys().map(String::as_str).collect::<Vec<_>>(), KEYS);
    let (name, broken) = &results["gitea/bob/broken.git"];
    assert_eq!(name, "gitea_bob_broken.git-52f4cd477e.json");
    assert_eq!(broken["status"], "failed", "{broken:#}");
    assert_eq!(broken["exit_code"], 3, "{broken:#}");
    assert_eq!(broken["report"], Value::Null);
    let commit = git(
        &fleet.path().join("gitea/bob/broken.git"),
        &["cat-file", "commit", "main"],
    );
    let tree = commit.lines().next().unwrap().strip_prefix("tree ").unwrap();
    let reason = broken["reason"].as_str().unwrap();
    assert!(
        reason.starts_with(&format!("reading tree {tree}: ")) && reason.ends_with("(exit status 3)"),
        "{reason}"
    );
    assert!(r.stderr.contains("failed gitea/bob/broken.git ("), "{}", r.describe());

    for key in KEYS.iter().filter(|k| **k != "gitea/bob/broken.git") {
        let (_, result) = &results[*key];
        assert_eq!(result["kind"], "pushgate-fleet-result");
        assert_eq!(result["version"], 1);
        assert_eq!(result["tool"]["version"], env!("CARGO_PKG_VERSION"));
        assert_eq!(result["status"], "ok", "{key}: {result:#}");
        assert_eq!(result["reason"], Value::Null);
        assert_eq!(
            result["path"].as_str().unwrap(),
            fleet.path().join(key).to_str().unwrap()
        );
        assert!(result["started"].as_str().unwrap().ends_with('Z'));
        // The report is the one `pushgate audit --format json` writes on its own.
        let single = run(pushgate()
            .args(["audit", "--format", "json", "--progress", "never", "--repo"])
            .arg(fleet.path().join(key)));
        assert_eq!(result["exit_code"], single.code, "{key}\n{}", single.describe());
        let single = parse_report(&single);
        let report = &result["report"];
        assert_eq!(finding_set(report), finding_set(&single), "{key}");
        assert!(
            !findings(report).is_empty() || *key == "work/plain",
            "{key}: {report:#}"
        );
        for part in ["offenders", "plan", "patterns", "repository", "overview"] {
            assert_eq!(report["audit"][part], single["audit"][part], "{key}: audit.{part}");
        }
        assert_eq!(report["notices"], single["notices"], "{key}");
    }
    // The order the single audit writes its document in is kept.
    let plain = fs::read_to_string(out.path().join(&results["work/plain"].0)).unwrap();
    let at = |needle: &str| plain.find(needle).unwrap_or_else(|| panic!("{needle} in {plain}"));
    assert!(
        at("\"report\": {\n  \"version\": 1,\n  \"tool\"") < at("\"summary\"") && at("\"summary\"") < at("\"audit\"")
    );
}

#[test]
fn jobs_change_the_pace_not_the_results() {
    let fleet = fleet_folder();
    let one = tempfile::tempdir().unwrap();
    let three = tempfile::tempdir().unwrap();
    let r = audit_fleet(fleet.path(), one.path(), &["--jobs", "1"]);
    assert_eq!(r.code, 0, "{}", r.describe());
    let r = audit_fleet(fleet.path(), three.path(), &["--jobs", "3"]);
    assert_eq!(r.code, 0, "{}", r.describe());
    assert!(r.stderr.contains(", 3 at a time"), "{}", r.describe());
    let (one, three) = (results(one.path()), results(three.path()));
    assert_eq!(one.len(), 5);
    for (key, (name, result)) in &one {
        let (other_name, other) = &three[key];
        assert_eq!(name, other_name);
        assert_eq!(timeless(result.clone()), timeless(other.clone()), "{key}");
    }
}

#[test]
fn a_rerun_audits_only_what_has_no_ok_result() {
    let fleet = fleet_folder();
    let out = tempfile::tempdir().unwrap();
    let r = audit_fleet(fleet.path(), out.path(), &[]);
    assert_eq!(r.code, 0, "{}", r.describe());
    let first = results(out.path());
    let times: BTreeMap<&String, SystemTime> = first
        .iter()
        .map(|(key, (name, _))| (key, modified(&out.path().join(name))))
        .collect();

    // The failed one is retried; the others are left as they are.
    let r = audit_fleet(fleet.path(), out.path(), &[]);
    assert_eq!(r.code, 0, "{}", r.describe());
    assert!(
        r.stderr.contains(": 4 already audited, 1 to audit, "),
        "{}",
        r.describe()
    );
    assert!(
        r.stderr.contains("[1/1] failed gitea/bob/broken.git"),
        "{}",
        r.describe()
    );
    assert!(r.stderr.contains(": 0 ok, 1 failed; 4 skipped;"), "{}", r.describe());
    for (key, (name, _)) in &first {
        let now = modified(&out.path().join(name));
        if key == "gitea/bob/broken.git" {
            assert!(now > times[key], "{key} rewritten");
        } else {
            assert_eq!(now, times[key], "{key} left alone");
        }
    }

    // --skip-failed leaves the failed one alone too.
    let r = audit_fleet(fleet.path(), out.path(), &["--skip-failed"]);
    assert_eq!(r.code, 0, "{}", r.describe());
    assert!(
        r.stderr
            .contains(": 4 already audited, 1 failed before (--skip-failed), 0 to audit, "),
        "{}",
        r.describe()
    );

    // What a killed run leaves — a result cut short by something else, a temporary file — is
    // redone; a result for another repository under the same name does not count.
    let (plain, _) = &first["work/plain"];
    let text = fs::read(out.path().join(plain)).unwrap();
    fs::write(out.path().join(plain), &text[..text.len() / 2]).unwrap();
    let (scraper, scraper_result) = &first["gitea/alice/scraper.git"];
    let mut other = scraper_result.clone();
    other["repository"] = "elsewhere/scraper.git".into();
    fs::write(out.path().join(scraper), other.to_string()).unwrap();
    fs::write(out.path().join(format!(".{scraper}.tmp")), "{").unwrap();
    let r = audit_fleet(fleet.path(), out.path(), &["--skip-failed"]);
    assert_eq!(r.code, 0, "{}", r.describe());
    assert!(
        r.stderr
            .contains(": 2 already audited, 1 failed before (--skip-failed), 2 to audit, "),
        "{}",
        r.describe()
    );
    assert!(r.stderr.contains("ok     work/plain"), "{}", r.describe());
    assert!(r.stderr.contains("ok     gitea/alice/scraper.git"), "{}", r.describe());
    assert!(!out.path().join(format!(".{scraper}.tmp")).exists());
    let again = results(out.path());
    assert_eq!(again["work/plain"].1["status"], "ok");
    assert_eq!(
        again["gitea/alice/scraper.git"].1["repository"],
        "gitea/alice/scraper.git"
    );
}

/// Let a process blocked on the FIFO `fifo` go on: the path becomes an empty file (for the
/// opens that follow), and the FIFO is opened for writing once and closed, which ends the
/// open that waits on it.
fn release(fifo: &Path) {
    let old = fifo.with_extension("fifo");
    fs::rename(fifo, &old).unwrap();
    fs::write(fifo, "").unwrap();
    let status = process::Command::new("timeout")
        .arg("10")
        .arg("sh")
        .arg("-c")
        .arg(r#": > "$1""#)
        .arg("sh")
        .arg(&old)
        .status()
        .unwrap();
    assert!(status.success(), "the killed run's audit was waiting on the FIFO");
}

/// A repository whose alternates file is a FIFO nobody writes: git and pushgate block reading
/// it, as they do on a network mount that hangs.
fn hanging_repository(at: &Path) {
    clone("plain", at, "--bare");
    let status = process::Command::new("mkfifo")
        .arg(at.join("objects/info/alternates"))
        .status()
        .unwrap();
    assert!(status.success());
}

#[test]
fn a_hung_audit_is_stopped_at_its_timeout_and_a_list_names_what_is_no_repository() {
    let dir = tempfile::tempdir().unwrap();
    hanging_repository(&dir.path().join("stuck.git"));
    clone("plain", &dir.path().join("plain.git"), "--bare");
    fs::create_dir_all(dir.path().join("empty")).unwrap();
    let list = write_file(
        dir.path(),
        "repos.txt",
        "# the team's repositories\n\nstuck.git\n  plain.git  \nempty\nmissing.git\nplain.git\n",
    );
    let out = dir.path().join("results");
    let started = Instant::now();
    let r = run(pushgate()
        .current_dir(dir.path())
        .args(["audit", "--fleet"])
        .arg(&list)
        .args(["--results", "results", "--jobs", "2", "--timeout", "0.5"]));
    let took = started.elapsed();
    assert_eq!(r.code, 0, "{}", r.describe());
    assert!(took < Duration::from_secs(20), "took {took:?}\n{}", r.describe());
    assert!(r.stderr.contains("fleet of 4 repositories in "), "{}", r.describe());
    assert!(r.stderr.contains("at most 500 ms each"), "{}", r.describe());
    let results = results(&out);
    let status = |key: &str| -> (String, String) {
        let v = &results[key].1;
        (
            v["status"].as_str().unwrap().to_owned(),
            v["reason"].as_str().unwrap_or("").to_owned(),
        )
    };
    assert_eq!(status("plain.git"), ("ok".into(), String::new()));
    assert_eq!(
        status("stuck.git"),
        ("failed".into(), "timed out after 500 ms; the audit was stopped".into())
    );
    assert_eq!(results["stuck.git"].1["exit_code"], Value::Null);
    assert!(results["stuck.git"].1["duration_ms"].as_u64().unwrap() >= 500);
    assert_eq!(
        status("empty"),
        (
            "failed".into(),
            "not a git repository (neither a work tree with .git nor a git directory with HEAD, objects/ and refs/)"
                .into()
        )
    );
    assert_eq!(
        status("missing.git"),
        ("failed".into(), "not a git repository (no such directory)".into())
    );
    // Relative paths are read from the current directory.
    assert_eq!(results["plain.git"].1["path"], "plain.git");
}

#[test]
fn a_rerun_after_a_killed_run_redoes_only_what_was_missing() {
    let dir = tempfile::tempdir().unwrap();
    let fleet = dir.path().join("fleet");
    clone("plain", &fleet.join("a/plain.git"), "--bare");
    hanging_repository(&fleet.join("b/stuck.git"));
    clone("scraper", &fleet.join("c/scraper.git"), "--bare");
    let out = dir.path().join("results");
    let fifo = fleet.join("b/stuck.git/objects/info/alternates");

    // One at a time, in order: `a` finishes, `b` hangs, `c` waits; then the run is killed.
    let mut killed = process::Command::new(env!("CARGO_BIN_EXE_pushgate"))
        .args(["audit", "--jobs", "1", "--fleet"])
        .arg(&fleet)
        .arg("--results")
        .arg(&out)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env_remove("PUSHGATE_POLICY")
        .stdout(process::Stdio::null())
        .stderr(process::Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    let first = loop {
        let done: Vec<PathBuf> = fs::read_dir(&out)
            .map(|entries| entries.flatten().map(|e| e.path()).collect())
            .unwrap_or_default();
        if let Some(path) = done.iter().find(|p| p.extension() == Some(OsStr::new("json"))) {
            break path.clone();
        }
        assert!(Instant::now() < deadline, "no result written");
        std::thread::sleep(Duration::from_millis(20));
    };
    // Let `b` start and hang.
    std::thread::sleep(Duration::from_millis(300));
    killed.kill().unwrap();
    killed.wait().unwrap();
    let written: Vec<String> = fs::read_dir(&out)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".json"))
        .collect();
    assert_eq!(written.len(), 1, "{written:?}");
    assert!(written[0].starts_with("a_plain.git-"), "{written:?}");
    let time = modified(&first);

    let r = audit_fleet(&fleet, &out, &["--jobs", "1", "--timeout", "1"]);
    release(&fifo);
    assert_eq!(r.code, 0, "{}", r.describe());
    assert!(
        r.stderr.contains(": 1 already audited, 2 to audit, "),
        "{}",
        r.describe()
    );
    assert!(r.stderr.contains("[1/2] failed b/stuck.git"), "{}", r.describe());
    assert!(r.stderr.contains("[2/2] ok     c/scraper.git"), "{}", r.describe());
    assert_eq!(modified(&first), time);
    let results = results(&out);
    assert_eq!(results.len(), 3);
    assert_eq!(results["c/scraper.git"].1["status"], "ok");
}

#[test]
fn shards_cover_the_fleet_once_and_merge_as_one_run() {
    let fleet = fleet_folder();
    let whole = tempfile::tempdir().unwrap();
    let parts = tempfile::tempdir().unwrap();
    let r = audit_fleet(fleet.path(), whole.path(), &["--jobs", "2"]);
    assert_eq!(r.code, 0, "{}", r.describe());
    // A dry run lists each shard's repositories and audits nothing: together they are the
    // fleet, each once.
    let planned = parts.path().join("not-yet");
    let mut listed: Vec<String> = Vec::new();
    for shard in ["0/2", "1/2"] {
        let r = audit_fleet(fleet.path(), &planned, &["--shard", shard, "--dry-run"]);
        assert_eq!(r.code, 0, "{}", r.describe());
        assert!(
            r.stderr.contains("(a dry run: their paths follow on the output)"),
            "{}",
            r.describe()
        );
        listed.extend(r.stdout.lines().map(str::to_owned));
    }
    listed.sort();
    let every: Vec<String> = KEYS
        .iter()
        .map(|k| fleet.path().join(k).display().to_string())
        .collect();
    assert_eq!(listed, every);
    assert!(!planned.exists(), "a dry run writes nothing");

    let mut held = Vec::new();
    for shard in ["0/2", "1/2"] {
        let r = audit_fleet(fleet.path(), parts.path(), &["--shard", shard]);
        assert_eq!(r.code, 0, "{}", r.describe());
        let lead = format!("; shard {shard} holds ");
        let at = r.stderr.find(&lead).unwrap_or_else(|| panic!("{}", r.describe())) + lead.len();
        let n: usize = r.stderr[at..].split(':').next().unwrap().parse().unwrap();
        assert!(
            r.stderr.contains(&format!(": 0 already audited, {n} to audit, ")),
            "{}",
            r.describe()
        );
        held.push(n);
    }
    assert_eq!(held.iter().sum::<usize>(), KEYS.len(), "{held:?}");
    let (a, b) = (results(whole.path()), results(parts.path()));
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
    for format in ["text", "json", "markdown", "html"] {
        let merged = |folder: &Path| {
            let r = run(pushgate().args(["report", "merge", "--format", format]).arg(folder));
            assert_eq!(r.code, 0, "{}", r.describe());
            r.stdout
        };
        assert_eq!(merged(whole.path()), merged(parts.path()), "{format}");
    }
    // Once audited, a dry run lists what a rerun would retry: the failed repository.
    let mut again: Vec<String> = Vec::new();
    for shard in ["0/2", "1/2"] {
        let r = audit_fleet(fleet.path(), parts.path(), &["--shard", shard, "--dry-run"]);
        again.extend(r.stdout.lines().map(str::to_owned));
    }
    assert_eq!(again, [fleet.path().join("gitea/bob/broken.git").display().to_string()]);
    // A shard of the fleet that holds nothing is no error.
    let r = audit_fleet(fleet.path(), tempfile::tempdir().unwrap().path(), &["--shard", "6/7"]);
    assert_eq!(r.code, 0, "{}", r.describe());
}

/// The merged report with the version and the folder's path made stable.
fn redact(text: &str, folder: &Path) -> String {
    text.replace(env!("CARGO_PKG_VERSION"), "[version]")
        .replace(&folder.display().to_string(), "[RESULTS]")
}

#[test]
fn the_merged_report_ranks_the_fleet_and_names_what_it_cannot_read() {
    let fleet = fleet_folder();
    let out = tempfile::tempdir().unwrap();
    let r = audit_fleet(fleet.path(), out.path(), &[]);
    assert_eq!(r.code, 0, "{}", r.describe());
    let written = results(out.path());
    // Files that are no result: not JSON, and JSON that is no fleet result (an audit's own
    // report); hidden files are a run's own and passed over.
    write_file(
        out.path(),
        "notes.json",
        "these are not the results you are looking for\n",
    );
    let single = pushgate_run(&[
        "audit",
        "--format",
        "json",
        "--progress",
        "never",
        "--repo",
        fleet.path().join("work/plain").to_str().unwrap(),
    ]);
    write_file(out.path(), "plain-audit.json", &single.stdout);
    write_file(out.path(), ".half.json", "{");

    let r = run(pushgate().args(["report", "merge", "--format", "json"]).arg(out.path()));
    assert_eq!(r.code, 0, "{}", r.describe());
    let merged: Value = serde_json::from_str(&r.stdout).unwrap();
    let ranked: Vec<&str> = merged["repositories"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["repository"].as_str().unwrap())
        .collect();
    assert_eq!(
        ranked,
        [
            HASHED,
            "mirrors/app_backups.git",
            "gitea/alice/scraper.git",
            "work/plain"
        ]
    );
    let frees: Vec<u64> = merged["repositories"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["frees"].as_u64().unwrap())
        .collect();
    assert!(
        frees.windows(2).all(|w| w[0] >= w[1]) && frees[0] > 0 && frees[3] == 0,
        "{frees:?}"
    );
    // Each repository's figure is its own plan's.
    let result = &written[HASHED].1;
    let steps: u64 = result["report"]["audit"]["plan"]["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["saves"].as_u64().unwrap())
        .sum();
    assert_eq!(frees[0], steps);
    assert_eq!(merged["totals"]["frees"], frees.iter().sum::<u64>());
    assert_eq!(merged["totals"]["ok"], 4);
    assert_eq!(merged["totals"]["failed"], 1);
    assert_eq!(merged["failed"][0]["repository"], "gitea/bob/broken.git");
    let offenders: Vec<u64> = merged["offenders"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["frees"].as_u64().unwrap())
        .collect();
    assert!(
        offenders.len() >= 4 && offenders.windows(2).all(|w| w[0] >= w[1]),
        "{offenders:?}"
    );
    let skipped: Vec<&str> = merged["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["file"].as_str().unwrap())
        .collect();
    assert_eq!(skipped, ["notes.json", "plain-audit.json"]);
    assert!(
        r.stderr.contains("notes.json is not read: not JSON: ")
            && r.stderr.contains("plain-audit.json is not read: not a fleet result"),
        "{}",
        r.describe()
    );
    insta::assert_snapshot!("merge-json", redact(&r.stdout, out.path()));

    for format in ["text", "markdown"] {
        let r = run(pushgate().args(["report", "merge", "--format", format]).arg(out.path()));
        assert_eq!(r.code, 0, "{}", r.describe());
        insta::assert_snapshot!(format!("merge-{format}"), redact(&r.stdout, out.path()));
    }
    // The text puts the costliest repository first, and fits the default width.
    let r = run(pushgate().args(["report", "merge"]).arg(out.path()));
    let rows: Vec<&str> = r
        .stdout
        .lines()
        .filter(|l| l.ends_with(".git") || l.ends_with("work/plain"))
        .collect();
    assert!(rows[0].ends_with(HASHED), "{}", r.stdout);
}

#[test]
fn fleet_usage_errors_are_clear() {
    let fleet = fleet_folder();
    let out = tempfile::tempdir().unwrap();
    let folder = fleet.path().to_str().unwrap();
    let results = out.path().to_str().unwrap();
    for (args, says) in [
        (
            vec!["audit", "--fleet", folder, "--results", results, "--shard", "2/2"],
            "the index 2 is not below the count 2",
        ),
        (
            vec!["audit", "--fleet", folder, "--results", results, "--shard", "1/0"],
            "the count is 0",
        ),
        (
            vec![
                "audit",
                "--fleet",
                folder,
                "--results",
                results,
                "--shard",
                "$JOB_COMPLETION_INDEX/2",
            ],
            "is not a whole number",
        ),
        (
            vec!["audit", "--fleet", folder, "--results", results, "--jobs", "0"],
            "--jobs",
        ),
        (
            vec!["audit", "--fleet", folder, "--results", results, "--timeout", "soon"],
            "is not a duration",
        ),
        (vec!["audit", "--fleet", folder], "needs --results DIR"),
        (
            vec!["audit", "--results", results],
            "--results applies to `pushgate audit --fleet",
        ),
        (
            vec!["audit", "--fleet", folder, "--results", results, "--format", "json"],
            "--format does not apply to `pushgate audit --fleet`",
        ),
        (
            vec!["audit", "--fleet", folder, "--results", results, "--repo", folder],
            "--repo does not apply to `pushgate audit --fleet`",
        ),
        (
            vec!["audit", "--fleet", "no/such/list", "--results", results],
            "--fleet no/such/list: no such file or folder",
        ),
        (
            vec![
                "audit",
                "--fleet",
                folder,
                "--results",
                results,
                "--policy",
                "no-such-policy.toml",
            ],
            "no-such-policy.toml",
        ),
        (vec!["report", "merge", "no/such/results"], "is not a folder of results"),
        (
            vec!["report", "merge", results, "--format", "sarif"],
            "`pushgate report merge` writes text, json, markdown, html, not sarif",
        ),
        (
            vec!["report", "merge", results, "--repo", folder],
            "--repo does not apply to `pushgate report`",
        ),
    ] {
        let r = pushgate_run(&args);
        assert_eq!(r.code, 2, "{args:?}\n{}", r.describe());
        assert!(r.stderr.contains(says), "{args:?}: `{says}`\n{}", r.describe());
        assert!(r.stdout.is_empty(), "{args:?}\n{}", r.describe());
    }
    // Nothing was audited by the refused runs.
    assert_eq!(fs::read_dir(out.path()).unwrap().count(), 0);
    // An empty results folder merges into an empty report.
    let r = pushgate_run(&["report", "merge", results]);
    assert_eq!(r.code, 0, "{}", r.describe());
    assert_eq!(r.stdout, "pushgate fleet: 0 repositories: 0 audited, 0 failed\n");
}
