//! Shared helpers: fixture repositories, the pushgate command, JSON output.

#![allow(dead_code, clippy::unwrap_used)]

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process;
use std::sync::{Arc, Mutex, OnceLock};

use serde_json::Value;

/// The crate root (where `fixtures/` and `policy.example.toml` live).
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The built-in policy, word for word.
pub fn example_policy() -> String {
    fs::read_to_string(root().join("policy.example.toml")).expect("read policy.example.toml")
}

/// 64-bit FNV-1a: a hash that is the same in every build and on every host.
fn fnv1a(chunks: &[&[u8]]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for chunk in chunks {
        for &b in chunk.iter() {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
        // Separator, so that moving bytes between chunks changes the hash.
        h ^= 0xff;
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// A stable hash of `bytes` in hex, to compare file contents.
pub fn fnv1a_hex(bytes: &[u8]) -> String {
    format!("{:016x}", fnv1a(&[bytes]))
}

fn fixture_slot(name: &str) -> Arc<OnceLock<PathBuf>> {
    static SLOTS: OnceLock<Mutex<HashMap<String, Arc<OnceLock<PathBuf>>>>> = OnceLock::new();
    let slots = SLOTS.get_or_init(|| Mutex::new(HashMap::new()));
    let mut slots = slots.lock().unwrap_or_else(|e| e.into_inner());
    slots.entry(name.to_string()).or_default().clone()
}

/// The repository built by `fixtures/<name>.sh`, generated at most once per
/// test process and cached under the target's tmp directory, keyed by the
/// script's and `lib.sh`'s contents. `name` may name a script in a subfolder
/// (`shapes/s01_sqlite_rebuilt_by_job`), whose shared helpers (`kit.*` beside
/// it) are part of the key. Tests must not modify it: use [`fixture_copy`]
/// for a repository a test may write into.
pub fn fixture(name: &str) -> PathBuf {
    let slot = fixture_slot(name);
    slot.get_or_init(|| build_fixture(name)).clone()
}

fn build_fixture(name: &str) -> PathBuf {
    let dir = root().join("fixtures");
    let script = dir.join(format!("{name}.sh"));
    let script_text = fs::read(&script).unwrap_or_else(|e| panic!("read {}: {e}", script.display()));
    let lib_text = fs::read(dir.join("lib.sh")).expect("read fixtures/lib.sh");
    let events_text = fs::read(dir.join("events.py")).expect("read fixtures/events.py");
    // A script in a subfolder shares helpers with its neighbours: `kit.sh`, `kit.py`.
    let mut kit_texts: Vec<Vec<u8>> = Vec::new();
    let script_dir = script.parent().expect("a fixture script has a folder");
    if script_dir != dir {
        let mut kits: Vec<PathBuf> = fs::read_dir(script_dir)
            .unwrap_or_else(|e| panic!("list {}: {e}", script_dir.display()))
            .map(|entry| entry.expect("read fixture folder entry").path())
            .filter(|p| p.file_stem().is_some_and(|s| s == "kit"))
            .collect();
        kits.sort();
        for kit in kits {
            kit_texts.push(fs::read(&kit).unwrap_or_else(|e| panic!("read {}: {e}", kit.display())));
        }
    }
    let mut chunks: Vec<&[u8]> = vec![&script_text, &lib_text, &events_text];
    chunks.extend(kit_texts.iter().map(Vec::as_slice));
    let hash = fnv1a(&chunks);

    let cache = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("fixtures");
    fs::create_dir_all(&cache).expect("create fixture cache");
    // One flat cache folder: a subfolder's name becomes part of the key.
    let name = name.replace('/', "--");
    let name = name.as_str();
    let dest = cache.join(format!("{name}-{hash:016x}"));
    if dest.is_dir() {
        return dest;
    }

    // Generate beside the destination, then move it into place in one step:
    // a finished fixture is never seen half-built, by this process or another.
    let staging = tempfile::Builder::new()
        .prefix(&format!(".{name}-{hash:016x}-"))
        .tempdir_in(&cache)
        .expect("create staging dir");
    let out = staging.path().join("repo");
    let output = process::Command::new("bash")
        .arg(&script)
        .arg(&out)
        .current_dir(staging.path())
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
        .env_remove("GIT_INDEX_FILE")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("HOME", staging.path())
        .env("TMPDIR", staging.path())
        .output()
        .unwrap_or_else(|e| panic!("run bash {}: {e}", script.display()));
    if !output.status.success() {
        panic!(
            "fixture script {} failed ({}):\n--- stderr ---\n{}\n--- stdout ---\n{}",
            script.display(),
            output.status,
            String::from_utf8_lossy(&output.stderr),
            String::from_utf8_lossy(&output.stdout),
        );
    }
    match fs::rename(&out, &dest) {
        Ok(()) => {}
        // Another test process finished the same fixture first.
        Err(_) if dest.is_dir() => {}
        Err(e) => panic!("move fixture {} into place: {e}", dest.display()),
    }
    dest
}

/// A private, writable copy of a fixture repository (work tree and `.git`).
pub fn fixture_copy(name: &str) -> tempfile::TempDir {
    let src = fixture(name);
    let tmp = tempfile::tempdir().expect("tempdir");
    let status = process::Command::new("cp")
        .arg("-a")
        .arg(format!("{}/.", src.display()))
        .arg(tmp.path())
        .status()
        .expect("run cp");
    assert!(status.success(), "copy fixture {name}");
    tmp
}

/// An empty directory used as `HOME` for every pushgate run.
fn test_home() -> &'static Path {
    static HOME: OnceLock<PathBuf> = OnceLock::new();
    HOME.get_or_init(|| {
        let home = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("home");
        fs::create_dir_all(&home).expect("create test HOME");
        home
    })
}

/// The pushgate binary with a clean, pinned environment.
pub fn pushgate() -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::new(env!("CARGO_BIN_EXE_pushgate"));
    for var in [
        "PUSHGATE_POLICY",
        "GIT_DIR",
        "GIT_WORK_TREE",
        "GIT_INDEX_FILE",
        "GIT_OBJECT_DIRECTORY",
        "GIT_ALTERNATE_OBJECT_DIRECTORIES",
        "GIT_NAMESPACE",
        "GIT_QUARANTINE_PATH",
        "GIT_CONFIG",
        "GIT_CONFIG_PARAMETERS",
        "GIT_CONFIG_COUNT",
        "GIT_PUSH_OPTION_COUNT",
        "GL_ID",
        "GL_USERNAME",
        "XDG_CONFIG_HOME",
        "CLICOLOR_FORCE",
    ] {
        cmd.env_remove(var);
    }
    cmd.env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_NO_LAZY_FETCH", "1")
        .env("GIT_TERMINAL_PROMPT", "0")
        .env("NO_COLOR", "1")
        .env("TERM", "dumb")
        .env("HOME", test_home());
    cmd
}

/// Output of one run: exit code, stdout, stderr.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn describe(&self) -> String {
        format!(
            "exit code {}\n--- stdout ---\n{}\n--- stderr ---\n{}",
            self.code, self.stdout, self.stderr
        )
    }
}

pub fn run(cmd: &mut assert_cmd::Command) -> Run {
    let out = cmd.output().expect("run pushgate");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Runs pushgate with `args` and returns what it did.
pub fn pushgate_run<S: AsRef<std::ffi::OsStr>>(args: &[S]) -> Run {
    run(pushgate().args(args))
}

/// `pushgate scan --repo <repo> --format json <args...>`: the exit code and
/// the parsed report.
pub fn scan_json(repo: &Path, args: &[&str]) -> (i32, Value) {
    let r = scan_run(repo, args);
    let json = parse_report(&r);
    (r.code, json)
}

/// Like [`scan_json`], with the whole run returned as well.
pub fn scan_run(repo: &Path, args: &[&str]) -> Run {
    let mut cmd = pushgate();
    cmd.arg("scan")
        .arg("--repo")
        .arg(repo)
        .args(["--format", "json"])
        .args(args);
    run(&mut cmd)
}

pub fn parse_report(r: &Run) -> Value {
    serde_json::from_str(&r.stdout).unwrap_or_else(|e| panic!("stdout is not a JSON report ({e}):\n{}", r.describe()))
}

/// The findings of a report.
pub fn findings(report: &Value) -> &Vec<Value> {
    report["findings"]
        .as_array()
        .unwrap_or_else(|| panic!("report has no findings array: {report:#}"))
}

/// The notices of a report (an absent key counts as none).
pub fn notices(report: &Value) -> Vec<Value> {
    match &report["notices"] {
        Value::Null => Vec::new(),
        Value::Array(items) => items.clone(),
        other => panic!("notices is not an array: {other:#}"),
    }
}

/// The path of a finding, `-` when it has none.
pub fn path_of(finding: &Value) -> String {
    match &finding["path"] {
        Value::Null => "-".to_string(),
        Value::String(s) => s.clone(),
        other => panic!("path is neither a string nor null: {other:#}"),
    }
}

fn str_field(v: &Value, key: &str) -> String {
    v[key]
        .as_str()
        .unwrap_or_else(|| panic!("`{key}` is not a string in {v:#}"))
        .to_string()
}

/// Findings as a sorted list of (rule, path, level); a missing path is `-`.
/// Duplicates are kept, so the list also counts findings.
pub fn finding_set(report: &Value) -> Vec<(String, String, String)> {
    let mut set: Vec<_> = findings(report)
        .iter()
        .map(|f| (str_field(f, "rule"), path_of(f), str_field(f, "level")))
        .collect();
    set.sort();
    set
}

/// The findings at warn or deny as (rule, path, level), sorted like [`finding_set`].
pub fn loud(report: &Value) -> Vec<(String, String, String)> {
    let mut set = finding_set(report);
    set.retain(|(_, _, level)| level != "info");
    set
}

/// The finding of `rule` whose path (or subject) is `path`.
pub fn finding_at<'a>(report: &'a Value, rule: &str, path: &str) -> &'a Value {
    findings(report)
        .iter()
        .find(|f| f["rule"] == rule && f["path"] == path)
        .unwrap_or_else(|| panic!("no {rule} finding for {path}: {report:#}"))
}

/// A literal expected set, sorted like [`finding_set`].
pub fn set_of(items: &[(&str, &str, &str)]) -> Vec<(String, String, String)> {
    let mut set: Vec<_> = items
        .iter()
        .map(|(r, p, l)| (r.to_string(), p.to_string(), l.to_string()))
        .collect();
    set.sort();
    set
}

/// Kinds of the notices of a report, sorted.
pub fn notice_kinds(report: &Value) -> Vec<String> {
    let mut kinds: Vec<_> = notices(report).iter().map(|n| str_field(n, "kind")).collect();
    kinds.sort();
    kinds
}

/// `git -C repo args…` with an environment free of the caller's git settings.
pub fn git_command(repo: &Path, args: &[&str]) -> process::Command {
    let mut cmd = process::Command::new("git");
    cmd.arg("-C")
        .arg(repo)
        .args(args)
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_NO_LAZY_FETCH", "1");
    cmd
}

/// Runs git in `repo` and returns its trimmed stdout; panics on failure.
pub fn git(repo: &Path, args: &[&str]) -> String {
    let out = git_command(repo, args).output().expect("run git");
    assert!(
        out.status.success(),
        "git {args:?} in {} failed: {}",
        repo.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// Whether `haystack` has `:<line>:<col>` not followed by another digit.
pub fn has_location(haystack: &str, line: u32, col: u32) -> bool {
    let needle = format!(":{line}:{col}");
    haystack.match_indices(&needle).any(|(i, _)| {
        let after = haystack[i + needle.len()..].chars().next();
        after.is_none_or(|c| !c.is_ascii_digit())
    })
}

/// Writes `text` into `<dir>/<name>` and returns the path.
pub fn write_file(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).expect("create parent dir");
    }
    fs::write(&path, text).expect("write file");
    path
}

/// Collapses every run of whitespace into one space.
pub fn squash_ws(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The per-pattern suggestions of the built-in policy.
pub fn default_suggestion(pattern: &str) -> &'static str {
    match pattern {
        "large-churn" => {
            "Keep large, often-changing files out of git: store them in Amazon S3 and commit a small manifest or pointer, or track them with Git LFS if the team wants to stay git-native."
        }
        "database" => {
            "Git is not a database: every write stays in history forever and slows every clone. Use Amazon DynamoDB for consistent performance at any size, or a managed relational database when the data is relational."
        }
        "audit-trail" => {
            "Machine-made records grow without end and slow the repository down. Keep retained records in Amazon S3, AWS API activity in AWS CloudTrail, resource configuration history in AWS Config, and application and system logs in Amazon CloudWatch Logs."
        }
        "backup" => {
            "Git is not a backup store: dumps and images bloat every clone and push. Keep objects in Amazon S3 and S3 Glacier, files in Amazon EFS, volumes as Amazon EBS snapshots, and manage them with AWS Backup."
        }
        other => panic!("unknown pattern {other}"),
    }
}

/// What the built-in policy tells build output, compiled binaries, rendered output and release
/// archives to use instead (not its pattern's audit-log services).
pub const ARTIFACTS_SUGGESTION: &str = "Build output belongs to the build, not to history: let CI build it from the sources in git, and publish packages, binaries and release archives as build artifacts or release assets (AWS CodeArtifact for packages, Amazon S3 for files, Amazon S3 with Amazon CloudFront for a site).";

/// What the built-in policy tells text a job keeps rewriting to use instead (never Git LFS).
pub const JOB_DATA_SUGGESTION: &str = "Data a job keeps rewriting belongs in a store the job writes to, not in history: have it write to Amazon S3 (or Amazon DynamoDB for records) and publish what people read from there. Git LFS is no fix: it keeps every version whole.";

/// What the built-in policy tells finding `f` (JSON) to use instead: its pattern's
/// alternative, or the one that fits what it is.
pub fn default_suggestion_of(f: &Value) -> &'static str {
    let pattern = f["pattern"].as_str().expect("pattern");
    let evidence = &f["evidence"];
    match f["rule"].as_str().expect("rule") {
        "generated-artifact" if pattern == "audit-trail" => ARTIFACTS_SUGGESTION,
        "machine-cadence" if pattern == "audit-trail" && evidence["kind"] == "generated output" => ARTIFACTS_SUGGESTION,
        "archive-backup" if evidence.get("word").is_none() && evidence.get("dated").is_none() => ARTIFACTS_SUGGESTION,
        "churning-blob" if evidence["written_by_job"] == true => JOB_DATA_SUGGESTION,
        _ => default_suggestion(pattern),
    }
}

/// Every rule of the built-in policy: (id, pattern, default level).
pub const RULES: &[(&str, &str, &str)] = &[
    ("large-blob", "large-churn", "deny"),
    ("history-growth", "large-churn", "deny"),
    ("churning-blob", "large-churn", "deny"),
    ("deep-delta-chain", "large-churn", "warn"),
    ("lfs-bypassed", "large-churn", "deny"),
    ("database-file", "database", "deny"),
    ("data-churn", "database", "warn"),
    ("log-file", "audit-trail", "warn"),
    ("audit-record", "audit-trail", "warn"),
    ("generated-artifact", "audit-trail", "warn"),
    ("machine-cadence", "audit-trail", "warn"),
    ("database-dump", "backup", "deny"),
    ("archive-backup", "backup", "deny"),
    ("disk-image", "backup", "deny"),
    ("backup-file", "backup", "warn"),
];

pub fn pattern_of(rule: &str) -> &'static str {
    RULES
        .iter()
        .find(|(id, _, _)| *id == rule)
        .map(|(_, p, _)| *p)
        .unwrap_or_else(|| panic!("unknown rule id {rule}"))
}

/// Whether `text` suggests `want` for the misspelt `typo`: it names `want`
/// (beyond the typo itself), and when it also names an unrelated candidate
/// (`other`, i.e. it lists alternatives), it singles one out as the closest.
pub fn suggests(text: &str, typo: &str, want: &str, other: &str) -> bool {
    let rest = text.replace(typo, "");
    if !rest.contains(want) {
        return false;
    }
    if !rest.contains(other) {
        return true;
    }
    let lower = rest.to_lowercase();
    ["did you mean", "closest", "perhaps", "similar", "maybe"]
        .iter()
        .any(|w| lower.contains(w))
}

/// Commit what is staged in the work tree `dir`, as a fixed test identity, without hooks.
pub fn commit(dir: &Path, message: &str) {
    git(
        dir,
        &[
            "-c",
            "user.name=T",
            "-c",
            "user.email=t@example.com",
            "commit",
            "-q",
            "--no-verify",
            "-m",
            message,
        ],
    );
}

/// Stage everything in the work tree `dir` and [`commit`] it.
pub fn commit_all(dir: &Path, message: &str) {
    git(dir, &["add", "-A"]);
    commit(dir, message);
}

/// `pushgate <command> --repo <repo> --format <format> <args…>`.
pub fn report_as(command: &str, repo: &Path, format: &str, args: &[&str]) -> Run {
    let mut cmd = pushgate();
    cmd.arg(command)
        .arg("--repo")
        .arg(repo)
        .args(["--format", format])
        .args(args)
        .env_remove("GITHUB_STEP_SUMMARY");
    run(&mut cmd)
}

/// `pushgate scan --repo <repo> --format <format> <args…>`.
pub fn scan_as(repo: &Path, format: &str, args: &[&str]) -> Run {
    report_as("scan", repo, format, args)
}
