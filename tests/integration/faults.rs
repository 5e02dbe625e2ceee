//! The gate never writes and fails safe: the server repository after a rejected push, an
//! accepted push and a scan holds exactly what git itself put there (the one file pushgate
//! keeps there, the facts store, is brought up to date only by the audit, `pushgate index` and
//! a hook catching up with pushes accepted before); a hook stopped by its time budget follows
//! `on_error` and says so; the logs keep whole lines through failed writes; a broken `TMPDIR`
//! stops no push; and what a hook killed with `kill -9` leaves behind, the next one removes.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process;
use std::time::{Duration, Instant, SystemTime};

use crate::hooks::{Server, corrupt_gitattributes, finding_lines, output, push_command, remote_text};
use crate::util::{fnv1a_hex, git, pushgate};

/// Every file and directory of a repository (refs, packed-refs, packs, loose objects,
/// config, hooks, ...), by relative path: a content hash for files, `dir` for directories,
/// with the permission bits. Plus `git for-each-ref`, in case refs live elsewhere.
fn snapshot(repo: &Path) -> BTreeMap<String, String> {
    fn visit(root: &Path, dir: &Path, out: &mut BTreeMap<String, String>) {
        let mut entries: Vec<PathBuf> = fs::read_dir(dir)
            .unwrap_or_else(|e| panic!("read {}: {e}", dir.display()))
            .map(|e| e.expect("dir entry").path())
            .collect();
        entries.sort();
        for path in entries {
            let rel = path.strip_prefix(root).expect("inside").display().to_string();
            let meta = fs::symlink_metadata(&path).expect("metadata");
            #[cfg(unix)]
            let mode = {
                use std::os::unix::fs::PermissionsExt;
                meta.permissions().mode()
            };
            #[cfg(not(unix))]
            let mode = 0;
            if meta.is_dir() {
                out.insert(rel, format!("dir {mode:o}"));
                visit(root, &path, out);
            } else {
                let bytes = fs::read(&path).unwrap_or_default();
                out.insert(rel, format!("{} {} {mode:o}", bytes.len(), fnv1a_hex(&bytes)));
            }
        }
    }
    let mut out = BTreeMap::new();
    visit(repo, repo, &mut out);
    out.insert(
        "<for-each-ref>".into(),
        git(repo, &["for-each-ref", "--format=%(objectname) %(refname)"]),
    );
    out
}

/// What changed between two snapshots: (path, before, after).
fn changes(before: &BTreeMap<String, String>, after: &BTreeMap<String, String>) -> Vec<(String, String, String)> {
    let mut keys: Vec<&String> = before.keys().chain(after.keys()).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .filter(|k| before.get(*k) != after.get(*k))
        .map(|k| {
            (
                k.clone(),
                before.get(k).cloned().unwrap_or_else(|| "-".into()),
                after.get(k).cloned().unwrap_or_else(|| "-".into()),
            )
        })
        .collect()
}

/// Run `action` and assert that `repo` is byte for byte what it was.
fn assert_read_only(repo: &Path, what: &str, action: impl FnOnce()) {
    assert_unchanged_but_the_store(repo, what, false, action)
}

/// Whether `path` (relative to the git directory) is a facts store.
fn is_store(path: &str) -> bool {
    path.starts_with("pushgate/facts-") || path == "pushgate"
}

/// Run `action` and assert that `repo` is byte for byte what it was, but for the facts store
/// when `store` (the audit and the server hook bring it up to date); what it left there is a
/// store that reads back.
fn assert_unchanged_but_the_store(repo: &Path, what: &str, store: bool, action: impl FnOnce()) {
    let before = snapshot(repo);
    action();
    let diff: Vec<_> = changes(&before, &snapshot(repo))
        .into_iter()
        .filter(|(path, _, _)| !(store && is_store(path)))
        .collect();
    assert!(diff.is_empty(), "{what} changed the repository: {diff:#?}");
    if store {
        let r = crate::util::pushgate_run(&["index", "--repo", repo.to_str().expect("utf-8")]);
        assert_eq!(
            r.code,
            0,
            "{what} left a store that does not read back: {}",
            r.describe()
        );
        assert!(
            !r.stdout.contains("rebuilt"),
            "{what} left a store that does not read back: {}",
            r.stdout
        );
    }
}

#[test]
fn hooks_and_scans_never_write_to_the_repository() {
    let server = Server::seeded("push", "main");
    let r = server.pushgate(&["install", "pre-receive"]);
    assert_eq!(r.code, 0, "{}", r.describe());

    // A rejected push: git discards the quarantine; nothing else may change.
    assert_read_only(&server.bare, "a rejected push", || {
        let r = server.push(&["dump:refs/heads/main"]);
        assert_ne!(r.code, 0, "{}", r.describe());
        assert!(r.stderr.contains("pre-receive hook declined"), "{}", r.describe());
    });

    // An accepted push changes exactly what the same push changes in a server without the
    // hook: the new objects and the ref.
    let plain = Server::seeded("push", "main");
    let diffs: Vec<Vec<(String, String, String)>> = [&server, &plain]
        .iter()
        .map(|s| {
            let before = snapshot(&s.bare);
            let r = s.push(&["clean:refs/heads/main"]);
            assert_eq!(r.code, 0, "{}", r.describe());
            changes(&before, &snapshot(&s.bare))
        })
        .collect();
    assert!(!diffs[0].is_empty(), "the push changed nothing?");
    assert!(
        diffs[0].iter().any(|(path, _, _)| path == "refs/heads/main"),
        "{:#?}",
        diffs[0]
    );
    assert_eq!(diffs[0], diffs[1], "the hook added changes of its own");
    assert!(remote_text(&server.push(&["clean:refs/heads/x"])).contains("pushgate: ok"));

    // Scans and hooks run by hand: nothing at all, but for the audit, which brings a server's
    // facts store up to date with the refs.
    for (args, store) in [
        (&["scan", "--all"][..], false),
        (&["scan", "--all", "--format", "sarif"][..], false),
        (&["audit"][..], true),
        (&["audit", "--include-unreachable", "--format", "json"][..], true),
        (&["policy", "show"][..], false),
        (&["explain"][..], false),
    ] {
        assert_unchanged_but_the_store(&server.bare, &format!("pushgate {args:?}"), store, || {
            let r = server.pushgate(args);
            assert!(r.code == 0 || r.code == 1, "{args:?}: {}", r.describe());
        });
    }
    // A server that took the dump without a hook (an import, say): judging the ref update
    // by hand reads it and writes nothing.
    let main = plain.rev("refs/heads/main").expect("main");
    let dump = plain.client_rev("dump");
    assert_eq!(plain.push(&["dump:refs/heads/dump"]).code, 0);
    git(&plain.bare, &["update-ref", "-d", "refs/heads/dump"]);
    assert_read_only(&plain.bare, "pre-receive by hand", || {
        let out = pushgate()
            .args(["pre-receive", "--repo"])
            .arg(&plain.bare)
            .write_stdin(format!("{main} {dump} refs/heads/main\n"))
            .output()
            .expect("run hook");
        assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    });
}

/// Whether `dir` holds anything pushgate left behind (its private object views).
fn leftovers(dir: &Path) -> Vec<String> {
    fs::read_dir(dir)
        .expect("temp dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("pushgate-"))
        .collect()
}

#[test]
fn a_push_past_its_time_budget_follows_on_error_and_says_so() {
    // 100,001 new blobs take the debug build several seconds to judge: far past a budget of
    // one second.
    let server = Server::seeded("hostile", "main");
    let r = server.pushgate(&["install", "pre-receive"]);
    assert_eq!(r.code, 0, "{}", r.describe());
    let tmp = tempfile::tempdir().expect("tempdir");
    let tmp_env = tmp.path().to_str().expect("utf-8 path");

    server.policy("[hook]\ntimeout = 1\non_error = \"reject\"\n");
    let started = Instant::now();
    let r = server.push_env(&["wide:refs/heads/wide"], &[("TMPDIR", tmp_env)]);
    let rejected_after = started.elapsed();
    assert_ne!(r.code, 0, "{}", r.describe());
    let text = remote_text(&r);
    assert!(
        text.contains("the check did not finish within its time budget of 1 s ([hook] timeout)"),
        "{text}"
    );
    assert!(text.contains("push rejected ([hook] on_error = \"reject\")"), "{text}");
    assert!(!text.contains("zz-dump.sql"), "no verdict was reached: {text}");
    assert_eq!(server.rev("refs/heads/wide"), None);

    server.policy("[hook]\ntimeout = 1\non_error = \"allow\"\n");
    let r = server.push_env(&["wide:refs/heads/wide"], &[("TMPDIR", tmp_env)]);
    assert_eq!(r.code, 0, "{}", r.describe());
    let text = remote_text(&r);
    assert!(text.contains("time budget of 1 s"), "{text}");
    assert!(
        text.contains("push allowed without a complete check ([hook] on_error = \"allow\")"),
        "{text}"
    );
    assert_eq!(server.rev("refs/heads/wide"), Some(server.client_rev("wide")));
    assert_eq!(
        leftovers(tmp.path()),
        Vec::<String>::new(),
        "temporary files left behind"
    );
    // Let through unjudged: logged like a bypass.
    let log = json_lines(&server.bare.join("pushgate-bypass.jsonl"));
    assert_eq!(log.len(), 1, "{log:?}");
    assert_eq!(log[0]["event"], "fail-open");
    assert_eq!(log[0]["user"], "tester");
    assert_eq!(log[0]["refs"][0]["ref"], "refs/heads/wide");
    assert!(
        log[0]["error"]
            .as_str()
            .is_some_and(|e| e.contains("did not finish within its time budget of 1 s")),
        "{:?}",
        log[0]
    );

    // With time enough, the same push is judged in full: the budget, not the push, ended it.
    let judged = Server::seeded("hostile", "main");
    assert_eq!(judged.pushgate(&["install", "pre-receive"]).code, 0);
    judged.policy("[hook]\ntimeout = 300\n");
    let started = Instant::now();
    let r = judged.push(&["wide:refs/heads/wide"]);
    let judged_after = started.elapsed();
    assert_ne!(r.code, 0, "{}", r.describe());
    assert!(remote_text(&r).contains("wide/zz-dump.sql"), "{}", r.describe());
    assert!(
        judged_after > rejected_after,
        "judging in full ({judged_after:?}) must take longer than the budget stop ({rejected_after:?})"
    );
}

/// Every line of a JSON-lines log, parsed; the log ends with a newline.
fn json_lines(path: &Path) -> Vec<serde_json::Value> {
    let text = fs::read_to_string(path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
    assert!(
        text.ends_with('\n'),
        "the last line is unfinished: …{:?}",
        text.get(text.len().saturating_sub(300)..).unwrap_or_default()
    );
    text.lines()
        .map(|l| {
            serde_json::from_str(l).unwrap_or_else(|e| {
                let start: String = l.chars().take(300).collect();
                panic!("not a JSON line ({e}), {} bytes: {start:?}…", l.len())
            })
        })
        .collect()
}

/// A server with the hook, push options and bypasses for alice.
fn bypass_server() -> Server {
    let server = Server::seeded("push", "main");
    assert_eq!(server.pushgate(&["install", "pre-receive"]).code, 0);
    server.config("receive.advertisePushOptions", "true");
    server.policy("[bypass]\nenabled = true\nusers = [\"alice\"]\n");
    server
}

/// The start of a bypass record, `len` bytes of it, as a failed write leaves it.
fn fragment(len: usize) -> String {
    let mut text = String::from(
        r#"{"time":"2025-01-01T00:00:00Z","event":"bypass","user":"alice","reason":"full disk","refs":[],"findings":["#,
    );
    while text.len() < len {
        text.push_str(r#"{"rule":"log-file","level":"warn","path":"logs/app.log"},"#);
    }
    text.truncate(len);
    text
}

/// A disk that filled up during a bypass left a 17 KB fragment in the log (before writes that
/// fail were taken back). The next granted bypass is a line of its own, and the fragment a
/// `fragment` record: every line of the log is JSON.
#[test]
fn a_bypass_after_a_fragment_in_the_log_is_a_json_line_of_its_own() {
    let server = bypass_server();
    let log = server.bare.join("pushgate-bypass.jsonl");
    let earlier =
        r#"{"time":"2024-12-31T00:00:00Z","event":"bypass","user":"bob","reason":"earlier","refs":[],"findings":[]}"#;
    let cut = fragment(17 * 1024);
    fs::write(&log, format!("{earlier}\n{cut}")).expect("seed the log");

    let r = server.push_env(
        &[
            "-o",
            "pushgate.bypass=restore after incident 42",
            "dump:refs/heads/main",
        ],
        &[("USER", "alice")],
    );
    assert_eq!(r.code, 0, "{}", r.describe());
    assert!(
        remote_text(&r).contains("push accepted under a bypass by alice"),
        "{}",
        r.describe()
    );

    let lines = json_lines(&log);
    let events: Vec<&str> = lines.iter().map(|l| l["event"].as_str().expect("event")).collect();
    assert_eq!(events, ["bypass", "fragment", "bypass"], "{lines:?}");
    assert_eq!(lines[0]["reason"], "earlier");
    assert_eq!(lines[1]["bytes"], cut.len());
    assert_eq!(lines[1]["text"], cut.as_str(), "the fragment is kept, word for word");
    assert_eq!(lines[2]["user"], "alice");
    assert_eq!(lines[2]["reason"], "restore after incident 42");
    assert_eq!(lines[2]["findings"][0]["path"], "backup/shop.sql");
}

/// `git push` under bash with `setup` run first (in the hook's ancestry, so the hook inherits
/// it).
fn under_bash(cmd: process::Command, setup: &str) -> process::Command {
    let mut wrapped = process::Command::new("bash");
    wrapped
        .arg("-c")
        .arg(format!("{setup}; exec \"$@\""))
        .arg("bash")
        .arg(cmd.get_program())
        .args(cmd.get_args());
    for (key, value) in cmd.get_envs() {
        match value {
            Some(value) => wrapped.env(key, value),
            None => wrapped.env_remove(key),
        };
    }
    wrapped
}

/// A bypass whose record cannot be written in full (here a file size limit stops the write part
/// way, as a full disk does) is refused, and the log is left as it was: no partial line.
#[test]
fn a_bypass_whose_log_write_fails_part_way_is_refused_and_taken_back() {
    let server = bypass_server();
    let log = server.bare.join("pushgate-bypass.jsonl");
    // 64 KiB, the limit below, less 100 bytes: room for a fifth of the record.
    let line =
        r#"{"time":"2024-12-31T00:00:00Z","event":"bypass","user":"bob","reason":"earlier","refs":[],"findings":[]}"#;
    let mut seed = String::new();
    while seed.len() + line.len() < 64 * 1024 - 100 {
        seed.push_str(line);
        seed.push('\n');
    }
    let pad = 64 * 1024 - 100 - seed.len();
    seed.push_str(&format!("{{\"pad\":\"{}\"}}\n", "x".repeat(pad - 11)));
    assert_eq!(seed.len(), 64 * 1024 - 100);
    fs::write(&log, &seed).expect("seed the log");

    let mut cmd = push_command(
        server.client.path(),
        &server.url(),
        &[
            "-o",
            "pushgate.bypass=restore after incident 42",
            "dump:refs/heads/main",
        ],
    );
    cmd.env("USER", "alice");
    // bash's `ulimit -f` counts KiB; with SIGXFSZ ignored a write past the limit fails (EFBIG).
    let r = output(under_bash(cmd, "trap '' XFSZ; ulimit -f 64"));
    assert_ne!(r.code, 0, "{}", r.describe());
    let text = remote_text(&r);
    assert!(
        text.contains("bypass refused: the bypass log cannot be written (") && text.contains("pushgate-bypass.jsonl: "),
        "{text}"
    );
    assert!(text.contains("push rejected"), "{text}");
    assert_eq!(server.rev("refs/heads/main"), Some(server.client_rev("main")));
    let after = fs::read_to_string(&log).expect("log");
    assert!(
        after == seed,
        "the log changed: {} bytes, was {}; it ends {:?}",
        after.len(),
        seed.len(),
        after
            .get(seed.len().min(after.len()).saturating_sub(100)..)
            .unwrap_or_default()
    );

    // Without the limit, the same bypass is the next line.
    let r = server.push_env(
        &[
            "-o",
            "pushgate.bypass=restore after incident 42",
            "dump:refs/heads/main",
        ],
        &[("USER", "alice")],
    );
    assert_eq!(r.code, 0, "{}", r.describe());
    let lines = json_lines(&log);
    assert_eq!(lines.last().expect("a line")["reason"], "restore after incident 42");
}

/// `on_error = "allow"` lets a push through that could not be judged (an unreadable object):
/// the bypass log records it with the pusher, the refs and the error.
#[test]
fn a_fail_open_is_logged_with_the_pusher() {
    let server = Server::seeded("push", "main");
    assert_eq!(server.pushgate(&["install", "pre-receive"]).code, 0);
    corrupt_gitattributes(&server);
    server.policy("[hook]\non_error = \"allow\"\n");
    let r = server.push_env(&["clean:refs/heads/main"], &[("REMOTE_USER", "carol")]);
    assert_eq!(r.code, 0, "{}", r.describe());
    let text = remote_text(&r);
    assert!(
        text.contains(
            "pushgate: push allowed without a complete check ([hook] on_error = \"allow\"), logged in pushgate-bypass.jsonl"
        ),
        "{text}"
    );
    let lines = json_lines(&server.bare.join("pushgate-bypass.jsonl"));
    assert_eq!(lines.len(), 1, "{lines:?}");
    let entry = &lines[0];
    assert_eq!(entry["event"], "fail-open");
    assert_eq!(entry["user"], "carol");
    assert_eq!(entry["refs"][0]["ref"], "refs/heads/main");
    assert_eq!(entry["refs"][0]["new"], server.client_rev("clean").as_str());
    assert_eq!(entry["findings"], serde_json::json!([]));
    let error = entry["error"].as_str().expect("error");
    assert!(error.starts_with("internal error: "), "{entry}");
    assert!(
        text.contains(error),
        "the log and the pusher read the same error: {entry}\n{text}"
    );

    // A rejection is no fail-open: nothing more is logged.
    server.policy("");
    let r = server.push_env(&["warn:refs/heads/x"], &[("REMOTE_USER", "carol")]);
    assert_ne!(r.code, 0, "{}", r.describe());
    assert_eq!(json_lines(&server.bare.join("pushgate-bypass.jsonl")).len(), 1);
}

/// A `TMPDIR` where nothing can be created (here a regular file) used to reject every push
/// with `writing the temporary object directory`: the push's object view goes to the system's
/// temporary directory instead, and the push is judged as usual.
#[test]
fn a_broken_tmpdir_does_not_stop_pushes() {
    let server = Server::seeded("push", "main");
    assert_eq!(server.pushgate(&["install", "pre-receive"]).code, 0);
    let tmp = tempfile::tempdir().expect("tempdir");
    let file = tmp.path().join("not-a-directory");
    fs::write(&file, "").expect("file");
    for tmpdir in [file.clone(), tmp.path().join("missing")] {
        let tmpdir = tmpdir.to_str().expect("utf-8 path");
        let r = server.push_env(&["dump:refs/heads/main"], &[("TMPDIR", tmpdir)]);
        assert_ne!(r.code, 0, "{}", r.describe());
        let text = remote_text(&r);
        assert!(!text.contains("internal error"), "{text}");
        assert!(
            finding_lines(&r)
                .iter()
                .any(|l| l.contains("backup/shop.sql") && l.contains("database-dump")),
            "{text}"
        );
        let r = server.push_env(&["clean:refs/heads/main"], &[("TMPDIR", tmpdir)]);
        assert_eq!(r.code, 0, "{}", r.describe());
        git(
            &server.bare,
            &["update-ref", "refs/heads/main", &server.client_rev("main")],
        );
    }
}

/// Set a file's or directory's modification time `ago` into the past.
fn age(path: &Path, ago: Duration) {
    fs::File::open(path)
        .and_then(|f| f.set_modified(SystemTime::now() - ago))
        .unwrap_or_else(|e| panic!("age {}: {e}", path.display()));
}

/// A hook killed with `kill -9` cannot remove its object view. The next push's hook removes
/// it, and views left by older versions, while the view of a hook still running (its lock
/// held) and views made moments ago stay.
#[test]
fn views_killed_hooks_left_behind_are_removed_by_the_next_push() {
    let server = Server::seeded("hostile", "main");
    assert_eq!(server.pushgate(&["install", "pre-receive"]).code, 0);
    server.policy("[hook]\ntimeout = 300\n");
    let tmp = tempfile::tempdir().expect("tempdir");
    let tmp_env = tmp.path().to_str().expect("utf-8 path").to_owned();

    // A push that takes seconds to judge; its hook is killed while it judges.
    let mut cmd = push_command(server.client.path(), &server.url(), &["wide:refs/heads/wide"]);
    cmd.env("TMPDIR", &tmp_env)
        .stdout(process::Stdio::null())
        .stderr(process::Stdio::null());
    let mut push = cmd.spawn().expect("git push");
    let started = Instant::now();
    let killed = loop {
        // Made and locked once its alternates are written.
        if let Some(view) = leftovers(tmp.path()).pop()
            && tmp.path().join(&view).join("info/alternates").exists()
        {
            break tmp.path().join(view);
        }
        assert!(started.elapsed() < Duration::from_secs(120), "no view appeared");
        std::thread::sleep(Duration::from_millis(20));
    };
    // pushgate-odb-<pid>-<random>
    let name = killed.file_name().expect("name").to_string_lossy().into_owned();
    let pid = name.split('-').nth(2).expect("pid").to_owned();
    let status = process::Command::new("kill").args(["-9", &pid]).status().expect("kill");
    assert!(status.success(), "kill -9 {pid}");
    push.wait().expect("git push ends");
    assert!(killed.exists(), "a killed hook cleans nothing up");
    assert_eq!(server.rev("refs/heads/wide"), None);

    // Older than the grace a new view gets (minutes).
    age(&killed, Duration::from_secs(20 * 60));
    let make = |name: &str, lock: bool, ago: Duration| {
        let dir = tmp.path().join(name);
        fs::create_dir_all(dir.join("info")).expect("view");
        if lock {
            fs::File::create(dir.join("lock")).expect("lock");
        }
        age(&dir, ago);
        dir
    };
    let hours = Duration::from_secs(2 * 60 * 60);
    let older_version = make("pushgate-odb-Xa12bc", false, hours);
    let running = make("pushgate-odb-1-running", true, hours);
    let held = fs::File::open(running.join("lock")).expect("open");
    held.lock().expect("the running hook's lock");
    let starting = make("pushgate-odb-2-starting", true, Duration::ZERO);

    // Any judged push cleans up (this one is refused: a symlink's blob is a whole dump).
    let r = server.push_env(&["links:refs/heads/links"], &[("TMPDIR", &tmp_env)]);
    assert!(
        r.stderr.contains("links/dump.sql"),
        "the hook judged it: {}",
        r.describe()
    );
    assert!(!killed.exists(), "the killed hook's view stayed");
    assert!(!older_version.exists(), "an older version's view stayed");
    assert!(running.exists(), "a running hook's view was removed");
    assert!(starting.exists(), "a view made moments ago was removed");
    let mut left = leftovers(tmp.path());
    left.sort();
    assert_eq!(left, ["pushgate-odb-1-running", "pushgate-odb-2-starting"]);
    drop(held);
}
