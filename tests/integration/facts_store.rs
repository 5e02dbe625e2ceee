//! The facts store: a push is judged with the whole history, as `pushgate audit` judges the
//! repository after it; a store that is missing, damaged or of another format is never
//! trusted (the hook says it read a window instead); `pushgate index` builds, catches up and
//! rebuilds it; `pushgate install pre-receive` builds it; writers never leave a broken one.

use std::fs;
use std::path::{Path, PathBuf};
use std::process;

use serde_json::Value;

use crate::hooks::{Server, finding_lines, remote_text};
use crate::util::{Run, commit_all, finding_set, fixture, git, git_command, notices, parse_report, pushgate_run};

/// The facts store files in a git directory.
fn stores(git_dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = fs::read_dir(git_dir.join("pushgate")) else {
        return Vec::new();
    };
    let mut found: Vec<PathBuf> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.file_name().is_some_and(|n| n.to_string_lossy().starts_with("facts-")))
        .collect();
    found.sort();
    found
}

/// The one store of a git directory.
fn store(git_dir: &Path) -> PathBuf {
    let found = stores(git_dir);
    assert_eq!(found.len(), 1, "one facts store in {}: {found:?}", git_dir.display());
    found.into_iter().next().expect("a store")
}

/// The scraper's server: `main` pushed, the hook installed (which builds the store).
fn scraper_server() -> Server {
    let server = Server::seeded("scraper", "main");
    let r = server.pushgate(&["install", "pre-receive"]);
    assert_eq!(r.code, 0, "{}", r.describe());
    assert!(
        r.stdout.contains("facts store") && r.stdout.contains(" built: "),
        "{}",
        r.stdout
    );
    server
}

/// `(level, subject, rule)` of each finding line a push showed.
fn pushed_verdicts(r: &Run) -> Vec<(String, String, String)> {
    let mut verdicts: Vec<(String, String, String)> = finding_lines(r)
        .iter()
        .map(|line| {
            let cols: Vec<&str> = line.split("  ").map(str::trim).filter(|c| !c.is_empty()).collect();
            let level = cols[0].to_string();
            let rule = cols.last().expect("rule").to_string();
            // level, ref, commit, subject, (size), rule
            (level, cols[3].to_string(), rule)
        })
        .collect();
    verdicts.sort();
    verdicts
}

/// `(level, subject, rule)` of the audit's findings about `path` (as the path or a member).
fn audited_verdicts(repo: &Path, path: &str) -> Vec<(String, String, String)> {
    let r = pushgate_run(&["audit", "--format", "json", "--repo", repo.to_str().expect("utf-8")]);
    assert!(r.code == 0 || r.code == 1, "{}", r.describe());
    let report: Value = serde_json::from_str(&r.stdout).expect("json");
    let mut verdicts: Vec<(String, String, String)> = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["path"] == path || f["paths"].as_array().is_some_and(|m| m.iter().any(|p| p == path)))
        .map(|f| {
            (
                f["level"].as_str().expect("level").to_string(),
                f["path"].as_str().expect("path").to_string(),
                f["rule"].as_str().expect("rule").to_string(),
            )
        })
        .collect();
    verdicts.sort();
    verdicts
}

/// The client's next job run: `data/btc-price.json` rewritten on top of `base` by the
/// scraper's identity at `date`, as branch `branch`.
fn job_commit(client: &Path, base: &str, branch: &str, date: &str) {
    git(client, &["checkout", "-q", "-B", branch, base]);
    let data = client.join("data/btc-price.json");
    let mut text = fs::read_to_string(&data).expect("data file");
    text.push_str(&format!("{{\"updated\": \"{date}\"}}\n"));
    fs::write(&data, text).expect("write data");
    git(client, &["add", "-A"]);
    let out = git_command(client, &["commit", "-q", "-m", &format!("Latest data: {date}")])
        .env("GIT_AUTHOR_NAME", "Automated")
        .env("GIT_AUTHOR_EMAIL", "actions@users.noreply.github.com")
        .env("GIT_COMMITTER_NAME", "Automated")
        .env("GIT_COMMITTER_EMAIL", "actions@users.noreply.github.com")
        .env("GIT_AUTHOR_DATE", date)
        .env("GIT_COMMITTER_DATE", date)
        .output()
        .expect("git commit");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}

const WINDOW: &str = "judged with a look-back window";

#[test]
fn a_quiet_scraper_is_judged_at_push_time_as_the_audit_judges_it_after() {
    // Without a store the hook reads a 90-day window: three monthly runs, no job to see.
    let windowed = Server::seeded("scraper", "main");
    assert_eq!(windowed.pushgate(&["install", "pre-receive"]).code, 0);
    fs::remove_dir_all(windowed.bare.join("pushgate")).expect("remove the store");
    let r = windowed.push(&["next:refs/heads/main"]);
    assert_eq!(r.code, 0, "{}", r.describe());
    let text = remote_text(&r);
    assert!(pushed_verdicts(&r).is_empty(), "{text}");
    assert!(
        text.contains(WINDOW) && text.contains("no facts store; run `pushgate index`"),
        "{text}"
    );

    // With the store the same push is judged against its 650 hourly rewrites.
    let server = scraper_server();
    let r = server.push(&["next:refs/heads/main"]);
    assert_eq!(r.code, 0, "warnings pass: {}", r.describe());
    let text = remote_text(&r);
    assert!(!text.contains(WINDOW), "{text}");
    let pushed = pushed_verdicts(&r);
    assert_eq!(
        pushed,
        [(
            "warn".to_string(),
            "data/btc-price.json".to_string(),
            "data-churn".to_string()
        )],
        "{text}"
    );
    // The audit of the server after the push says the same of the same subject, in the same
    // words.
    assert_eq!(audited_verdicts(&server.bare, "data/btc-price.json"), pushed);
    let audit = pushgate_run(&[
        "audit",
        "--format",
        "json",
        "--repo",
        server.bare.to_str().expect("utf-8"),
    ]);
    let report: Value = serde_json::from_str(&audit.stdout).expect("json");
    let message = report["findings"][0]["message"].as_str().expect("message");
    // The hook wraps long lines.
    assert!(
        crate::util::squash_ws(&text).contains(&crate::util::squash_ws(message)),
        "the hook said it otherwise:\n{text}\nthe audit: {message}"
    );
    assert!(message.contains("from 2024-01-02 to 2024-09-27"), "{message}");

    // The clone reaches the same verdict before pushing: from the whole history of the path
    // without a store, and from its own store once `pushgate index` built one.
    let client = server.client.path();
    for with_store in [false, true] {
        if with_store {
            let r = pushgate_run(&["index", "--repo", client.to_str().expect("utf-8")]);
            assert_eq!(r.code, 0, "{}", r.describe());
        }
        let r = crate::util::scan_run(client, &["main..next"]);
        let report: Value = serde_json::from_str(&r.stdout).expect("json");
        let verdicts: Vec<(String, String, String)> = report["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .map(|f| {
                (
                    f["level"].as_str().expect("level").to_string(),
                    f["path"].as_str().expect("path").to_string(),
                    f["rule"].as_str().expect("rule").to_string(),
                )
            })
            .collect();
        assert_eq!(verdicts, pushed, "scan, store: {with_store}: {}", r.stdout);
        assert!(report["findings"][0]["message"] == message, "{}", r.stdout);
        // And the pre-push hook, before sending `next` over the old `main`.
        let (next, main) = (git(client, &["rev-parse", "next"]), git(client, &["rev-parse", "main"]));
        let out = crate::util::pushgate()
            .args(["pre-push", "origin", "file:///nowhere", "--repo"])
            .arg(client)
            .write_stdin(format!("refs/heads/next {next} refs/heads/main {main}\n"))
            .output()
            .expect("run pre-push");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("data-churn")
                && err.contains("data/btc-price.json")
                && crate::util::squash_ws(&err).contains(&crate::util::squash_ws(message)),
            "pre-push, store: {with_store}: {err}"
        );
    }
}

#[test]
fn a_store_that_holds_lost_history_is_rebuilt_by_the_hook() {
    let server = scraper_server();
    assert_eq!(server.push(&["next:refs/heads/main"]).code, 0);
    let r = server.pushgate(&["index"]);
    assert!(r.stdout.contains("caught up with 1 new commit"), "{}", r.stdout);
    // Rewrite: main back to its parent plus another run, forced.
    let client = server.client.path();
    job_commit(client, "next~1", "redo", "2024-09-28T06:12:00Z");
    let r = server.push(&["+redo:refs/heads/main"]);
    assert_eq!(r.code, 0, "{}", r.describe());
    // The store was caught up with `next`, which no ref reaches now: the next hook rebuilds
    // it (it took well within the time budget) and judges with the whole history.
    job_commit(client, "redo", "after", "2024-10-28T06:12:00Z");
    let r = server.push(&["after:refs/heads/main"]);
    let text = remote_text(&r);
    assert!(!text.contains(WINDOW), "{text}");
    assert_eq!(pushed_verdicts(&r).len(), 1, "{text}");
    // The hook wrote the store it rebuilt: what is left is the last push.
    let index = server.pushgate(&["index"]);
    assert!(index.stdout.contains("caught up with 1 new commit"), "{}", index.stdout);
    assert_eq!(
        audited_verdicts(&server.bare, "data/btc-price.json"),
        pushed_verdicts(&r)
    );
}

#[test]
fn a_store_of_another_policy_is_not_this_policys() {
    let server = scraper_server();
    // The server's policy changes its rules after the store was built.
    server.policy("[rules.data-churn]\nmin_commits = 10\n");
    let r = server.push(&["next:refs/heads/main"]);
    let text = remote_text(&r);
    assert!(
        text.contains(WINDOW) && text.contains("no facts store for this policy"),
        "{text}"
    );
    let r = server.pushgate(&["index"]);
    assert!(r.stdout.contains(" built in "), "{}", r.stdout);
    assert_eq!(stores(&server.bare).len(), 2, "one per policy");
}

#[test]
fn the_hook_catches_the_store_up_with_the_pushes_it_accepted() {
    let server = scraper_server();
    let path = store(&server.bare);
    let built = fs::read(&path).expect("store");
    assert_eq!(server.push(&["next:refs/heads/main"]).code, 0);
    // That push was judged from the store as built: the hook does not write what it has not
    // accepted.
    assert_eq!(fs::read(&path).expect("store"), built);
    // Twenty more runs, in one push; the next push's hook catches the store up with them
    // (and writes it, once it lags that far behind).
    let client = server.client.path();
    git(client, &["checkout", "-q", "-B", "later", "next"]);
    for day in 1..=20 {
        job_commit(client, "later", "later", &format!("2024-10-{day:02}T06:10:00Z"));
    }
    assert_eq!(server.push(&["later:refs/heads/main"]).code, 0);
    assert_eq!(fs::read(&path).expect("store"), built, "one commit behind: not written");
    job_commit(client, "later", "last", "2024-10-27T06:10:00Z");
    let r = server.push(&["last:refs/heads/main"]);
    assert_eq!(r.code, 0, "{}", r.describe());
    assert!(!remote_text(&r).contains(WINDOW), "{}", remote_text(&r));
    assert_eq!(pushed_verdicts(&r).len(), 1, "{}", remote_text(&r));
    // The hook returned without writing; the writer it started writes the store after it.
    written_after(&path, &built);
    // What is left is at most the last push, depending on when the writer read the refs.
    let r = server.pushgate(&["index"]);
    assert!(
        r.stdout.contains("caught up with 1 new commit") || r.stdout.contains(" is up to date: "),
        "{}",
        r.describe()
    );
}

/// The lock of the writer a hook starts, beside the store at `path`.
fn writer_lock(path: &Path) -> PathBuf {
    let name = path.file_name().expect("name").to_string_lossy();
    path.with_file_name(format!(".facts-{name}.lock"))
}

/// The store at `path` once a writer has replaced `before` and let go of its lock (waiting up
/// to a minute: the writer runs after the hook, in a process of its own).
fn written_after(path: &Path, before: &[u8]) -> Vec<u8> {
    for _ in 0..600 {
        let now = fs::read(path).expect("store");
        if now != before && !writer_lock(path).exists() {
            return now;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    panic!("no writer replaced {} within a minute", path.display());
}

#[test]
fn one_writer_at_a_time_catches_the_store_up_and_a_killed_ones_lock_is_taken_over() {
    let server = scraper_server();
    let path = store(&server.bare);
    let built = fs::read(&path).expect("store");
    assert_eq!(server.push(&["next:refs/heads/main"]).code, 0);
    let bare = server.bare.to_str().expect("utf-8");
    let writer = || pushgate_run(&["index", "--after-push", "--repo", bare]);
    // A writer is at work: another one does nothing, and says nothing.
    let lock = writer_lock(&path);
    fs::write(&lock, b"").expect("lock");
    let r = writer();
    assert_eq!(
        (r.code, r.stdout.as_str(), r.stderr.as_str()),
        (0, "", ""),
        "{}",
        r.describe()
    );
    assert_eq!(fs::read(&path).expect("store"), built);
    assert!(lock.exists(), "another writer's lock is left alone");
    // A lock twenty minutes old was left by a killed writer: the next one takes it over,
    // catches the store up and lets go.
    let old = process::Command::new("touch")
        .args(["-d", "20 minutes ago"])
        .arg(&lock)
        .status()
        .expect("touch");
    assert!(old.success());
    let r = writer();
    assert_eq!(r.code, 0, "{}", r.describe());
    assert_ne!(fs::read(&path).expect("store"), built);
    assert!(!lock.exists());
    let r = server.pushgate(&["index"]);
    assert!(r.stdout.contains(" is up to date: "), "{}", r.describe());
    // It never rebuilds: a damaged store is left for `pushgate index`.
    damage(&path);
    let damaged = fs::read(&path).expect("store");
    let r = writer();
    assert_eq!(r.code, 0, "{}", r.describe());
    assert_eq!(fs::read(&path).expect("store"), damaged);
}

/// Flip one byte of the store in the middle of its payload.
fn damage(path: &Path) {
    let mut bytes = fs::read(path).expect("store");
    let at = bytes.len() / 2;
    bytes[at] ^= 0x20;
    fs::write(path, bytes).expect("write store");
}

#[test]
fn a_damaged_store_is_never_trusted_and_index_rebuilds_it() {
    let server = scraper_server();
    damage(&store(&server.bare));
    let r = server.push(&["next:refs/heads/main"]);
    assert_eq!(r.code, 0, "{}", r.describe());
    let text = remote_text(&r);
    assert!(pushed_verdicts(&r).is_empty(), "{text}");
    assert!(
        text.contains(WINDOW) && text.contains("the facts store is damaged (checksum mismatch)"),
        "{text}"
    );

    let r = server.pushgate(&["index"]);
    assert_eq!(r.code, 0, "{}", r.describe());
    assert!(
        r.stdout.contains(" rebuilt in ") && r.stdout.contains("(the facts store is damaged (checksum mismatch))"),
        "{}",
        r.stdout
    );
    // Judged with the whole history again.
    job_commit(server.client.path(), "next", "later", "2024-10-27T06:10:00Z");
    let r = server.push(&["later:refs/heads/main"]);
    let text = remote_text(&r);
    assert!(!text.contains(WINDOW), "{text}");
    assert_eq!(pushed_verdicts(&r).len(), 1, "{text}");
}

#[test]
fn a_store_of_another_format_version_is_ignored() {
    let server = scraper_server();
    let path = store(&server.bare);
    let mut bytes = fs::read(&path).expect("store");
    bytes[8..12].copy_from_slice(&99u32.to_le_bytes());
    fs::write(&path, bytes).expect("write store");
    let r = server.push(&["next:refs/heads/main"]);
    let text = remote_text(&r);
    assert!(pushed_verdicts(&r).is_empty(), "{text}");
    assert!(
        text.contains(&format!(
            "the facts store has format version 99; this pushgate reads version {}",
            pushgate::history::store::FORMAT
        )),
        "{text}"
    );
    // A scan in the server reads the whole history of the paths instead, and says why.
    let r = server.pushgate(&["scan", "main~1..main", "--format", "json"]);
    let report: Value = serde_json::from_str(&r.stdout).expect("json");
    assert_eq!(report["findings"][0]["rule"], "data-churn", "{}", r.stdout);
    assert!(
        report["notices"]
            .as_array()
            .expect("notices")
            .iter()
            .any(|n| n["kind"] == "facts-store"
                && n["message"].as_str().is_some_and(|m| m.contains("format version 99"))),
        "{}",
        r.stdout
    );
}

/// `pushgate index --repo <dir>`.
fn index(repo: &Path, args: &[&str]) -> Run {
    let mut all = vec!["index", "--repo", repo.to_str().expect("utf-8")];
    all.extend_from_slice(args);
    pushgate_run(&all)
}

#[test]
fn index_says_what_it_did() {
    let dir = tempfile::tempdir().expect("tempdir");
    let repo = dir.path().join("r");
    let out = process::Command::new("git")
        .args(["clone", "-q", "--no-hardlinks"])
        .arg(crate::util::fixture("scraper"))
        .arg(&repo)
        .output()
        .expect("clone");
    assert!(out.status.success());

    let r = index(&repo, &[]);
    assert_eq!(r.code, 0, "{}", r.describe());
    let built = r.stdout.trim();
    let path = store(&repo.join(".git"));
    assert!(
        built.starts_with(&format!("facts store {} built in ", path.display())),
        "{built}"
    );
    assert!(
        built.contains(" s: ") && built.contains(" commits, 3 paths, "),
        "{built}"
    );
    assert!(built.contains("% of the packs' "), "{built}");
    assert_eq!(r.stdout.lines().count(), 1);

    let r = index(&repo, &[]);
    assert!(r.stdout.contains(" is up to date: "), "{}", r.stdout);

    job_commit(&repo, "main", "main", "2024-09-27T06:12:00Z");
    let r = index(&repo, &[]);
    assert!(r.stdout.contains(" caught up with 1 new commit in "), "{}", r.stdout);

    // History rewritten: the store holds a commit no ref reaches any more.
    git(&repo, &["reset", "-q", "--hard", "HEAD~1"]);
    job_commit(&repo, "main", "main", "2024-09-28T06:12:00Z");
    let r = index(&repo, &[]);
    assert!(
        r.stdout.contains(" rebuilt in ") && r.stdout.contains("history no ref reaches any more"),
        "{}",
        r.stdout
    );
    let r = index(&repo, &["--rebuild"]);
    assert!(r.stdout.contains("(a rebuild was asked for)"), "{}", r.stdout);
    assert_eq!(stores(&repo.join(".git")).len(), 1);
}

#[test]
fn install_pre_receive_builds_the_store_or_says_how() {
    let server = Server::seeded("scraper", "main");
    assert!(stores(&server.bare).is_empty());
    let r = server.pushgate(&["install", "pre-receive"]);
    assert_eq!(r.code, 0, "{}", r.describe());
    let path = store(&server.bare);
    assert!(
        r.stdout.contains(&format!("facts store {} built: ", path.display())),
        "{}",
        r.stdout
    );
    // From the first push on, the whole history.
    let r = server.push(&["next:refs/heads/main"]);
    assert!(!remote_text(&r).contains(WINDOW), "{}", remote_text(&r));

    // Into a drop-in directory with no repository named: one line says how.
    let dir = tempfile::tempdir().expect("tempdir");
    let hooks = dir.path().join("pre-receive.d");
    fs::create_dir_all(&hooks).expect("hooks dir");
    let r = pushgate_run(&["install", "pre-receive", "--hooks-dir", hooks.to_str().expect("utf-8")]);
    assert_eq!(r.code, 0, "{}", r.describe());
    let how: Vec<&str> = r.stdout.lines().filter(|l| l.contains("pushgate index")).collect();
    assert_eq!(how.len(), 1, "{}", r.stdout);
    assert!(how[0].contains("pushgate index --repo <repository>"), "{}", r.stdout);
}

#[test]
fn concurrent_writers_leave_a_valid_store_and_nothing_half_written() {
    let server = scraper_server();
    let bare = server.bare.to_str().expect("utf-8").to_owned();
    // A writer killed long ago left a temporary file.
    let stale = server.bare.join("pushgate/.facts-killed");
    fs::write(&stale, b"PGFACTS\0 half").expect("write");
    let old = process::Command::new("touch")
        .args(["-d", "2 hours ago"])
        .arg(&stale)
        .status()
        .expect("touch");
    assert!(old.success());

    let writers: Vec<process::Child> = (0..6)
        .map(|_| {
            let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_pushgate"));
            cmd.args(["index", "--rebuild", "--repo", &bare])
                .env("GIT_CONFIG_NOSYSTEM", "1")
                .env("GIT_CONFIG_GLOBAL", "/dev/null")
                .stdout(process::Stdio::null())
                .stderr(process::Stdio::null());
            cmd.spawn().expect("spawn index")
        })
        .collect();
    // Readers meanwhile: whatever they find is a whole store.
    for _ in 0..20 {
        let r = index(&server.bare, &[]);
        assert_eq!(r.code, 0, "{}", r.describe());
        assert!(!r.stdout.contains("damaged"), "{}", r.stdout);
    }
    for mut w in writers {
        assert!(w.wait().expect("wait").success());
    }
    let r = index(&server.bare, &[]);
    assert!(r.stdout.contains(" is up to date: "), "{}", r.stdout);
    let left: Vec<String> = fs::read_dir(server.bare.join("pushgate"))
        .expect("dir")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| !n.starts_with("facts-"))
        .collect();
    assert!(left.is_empty(), "left behind: {left:?}");

    // Concurrent pushes, each hook catching up with what the others had pushed.
    for i in 0..6 {
        job_commit(
            server.client.path(),
            "next",
            &format!("b{i}"),
            &format!("2024-10-0{}T06:10:00Z", i + 1),
        );
    }
    let pushes: Vec<process::Child> = (0..6)
        .map(|i| {
            let mut cmd =
                crate::hooks::push_command(server.client.path(), &server.url(), &[&format!("b{i}:refs/heads/b{i}")]);
            cmd.stdout(process::Stdio::null()).stderr(process::Stdio::null());
            cmd.spawn().expect("spawn push")
        })
        .collect();
    for mut p in pushes {
        assert!(p.wait().expect("wait").success());
    }
    let r = server.push(&["next:refs/heads/main"]);
    assert_eq!(r.code, 0, "{}", r.describe());
    let r = index(&server.bare, &[]);
    assert_eq!(r.code, 0, "{}", r.describe());
    assert!(
        !r.stdout.contains("rebuilt"),
        "a valid store, behind at most: {}",
        r.stdout
    );
}

#[test]
fn a_push_of_source_code_never_reads_the_store() {
    let server = scraper_server();
    let path = store(&server.bare);
    damage(&path);
    let client = server.client.path();
    git(client, &["checkout", "-q", "-B", "code", "main"]);
    fs::write(client.join("fetch.py"), "print('fetch')\n").expect("write source");
    commit_all(client, "Fetch in Python");
    let r = server.push(&["code:refs/heads/main"]);
    assert_eq!(r.code, 0, "{}", r.describe());
    let text = remote_text(&r);
    // Nothing could be a subject: the store was not opened, so its damage goes unseen.
    assert!(!text.contains("facts store") && !text.contains(WINDOW), "{text}");
    // A push that touches the job's data file reads it, and finds it damaged.
    job_commit(client, "code", "data", "2024-10-27T06:10:00Z");
    let r = server.push(&["data:refs/heads/main"]);
    let text = remote_text(&r);
    assert!(
        text.contains(WINDOW) && text.contains("the facts store is damaged (checksum mismatch)"),
        "{text}"
    );
}

#[test]
fn an_audit_that_cannot_write_the_store_says_so_and_reports_the_same() {
    // The store is written beside the audit's own work: when it cannot be (a file stands
    // where its folder goes), the audit reports the same findings as one that wrote it, with
    // a notice that says so, and nothing is left half written.
    let dir = tempfile::tempdir().expect("tempdir");
    let bare = dir.path().join("server.git");
    git(
        dir.path(),
        &[
            "clone",
            "-q",
            "--bare",
            fixture("rules").to_str().expect("utf-8"),
            "server.git",
        ],
    );
    let audit = |repo: &Path| {
        let r = pushgate_run(&["audit", "--repo", repo.to_str().expect("utf-8"), "--format", "json"]);
        let mut report = parse_report(&r);
        report["summary"]["duration_ms"] = Value::Null;
        report
    };
    let written = audit(&bare);
    assert!(bare.join("pushgate").is_dir(), "a server's audit writes the store");
    assert!(
        notices(&written).iter().all(|n| n["kind"] != "facts-store"),
        "{written}"
    );

    fs::remove_dir_all(bare.join("pushgate")).expect("remove the store");
    fs::write(bare.join("pushgate"), "in the way\n").expect("a file in the way");
    let refused = audit(&bare);
    let said: Vec<&Value> = refused["notices"]
        .as_array()
        .expect("notices")
        .iter()
        .filter(|n| n["kind"] == "facts-store")
        .collect();
    assert_eq!(said.len(), 1, "{refused}");
    assert!(
        said[0]["message"]
            .as_str()
            .is_some_and(|m| m.starts_with("the facts store was not written (")),
        "{refused}"
    );
    assert_eq!(finding_set(&refused), finding_set(&written));
    assert!(!finding_set(&written).is_empty());
    assert_eq!(
        fs::read_to_string(bare.join("pushgate")).expect("the file"),
        "in the way\n"
    );
}
