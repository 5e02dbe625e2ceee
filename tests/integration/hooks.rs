//! The hooks end to end: a bare server repository with `pushgate install pre-receive`, and
//! real `git push` over file:// (a real receive-pack, with its quarantine), from a copy of the
//! `push` fixture.

use std::fs;
use std::path::{Path, PathBuf};
use std::process;

use crate::util::{Run, fixture_copy, git, pushgate_run};

/// A server repository seeded from a fixture, and a client (a copy of the fixture) to push from.
pub struct Server {
    _dir: tempfile::TempDir,
    pub client: tempfile::TempDir,
    pub bare: PathBuf,
}

impl Server {
    /// The server has `main` (whose history once held a dump) and the pre-receive hook.
    fn new() -> Server {
        let server = Server::without_hook();
        let r = server.pushgate(&["install", "pre-receive"]);
        assert_eq!(r.code, 0, "install: {}", r.describe());
        server
    }

    fn without_hook() -> Server {
        Server::seeded("push", "main")
    }

    /// A server holding `seed` (a revision of fixture `name`) as `main`, without a hook.
    pub fn seeded(name: &str, seed: &str) -> Server {
        let dir = tempfile::tempdir().expect("tempdir");
        let bare = dir.path().join("srv.git");
        let out = process::Command::new("git")
            .args(["init", "-q", "--bare", "-b", "main"])
            .arg(&bare)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .output()
            .expect("git init");
        assert!(out.status.success());
        let server = Server {
            _dir: dir,
            client: fixture_copy(name),
            bare,
        };
        let r = server.push(&[&format!("{seed}:refs/heads/main")]);
        assert_eq!(r.code, 0, "seed push: {}", r.describe());
        server
    }

    pub fn url(&self) -> String {
        format!("file://{}", self.bare.display())
    }

    /// `pushgate <args> --repo <server>`.
    pub fn pushgate(&self, args: &[&str]) -> Run {
        let mut all: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        all.push("--repo".into());
        all.push(self.bare.display().to_string());
        pushgate_run(&all)
    }

    pub fn policy(&self, text: &str) {
        fs::write(self.bare.join("pushgate.toml"), text).expect("write server policy");
    }

    pub fn config(&self, key: &str, value: &str) {
        git(&self.bare, &["config", key, value]);
    }

    pub fn push(&self, args: &[&str]) -> Run {
        self.push_env(args, &[])
    }

    pub fn push_env(&self, args: &[&str], env: &[(&str, &str)]) -> Run {
        let mut cmd = push_command(self.client.path(), &self.url(), args);
        for (k, v) in env {
            cmd.env(k, v);
        }
        output(cmd)
    }

    /// The server's value of `name`, if the ref exists.
    pub fn rev(&self, name: &str) -> Option<String> {
        let out = process::Command::new("git")
            .arg("-C")
            .arg(&self.bare)
            .args(["rev-parse", "-q", "--verify", name])
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .output()
            .expect("git rev-parse");
        out.status
            .success()
            .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
    }

    pub fn client_rev(&self, name: &str) -> String {
        git(self.client.path(), &["rev-parse", name])
    }
}

/// `git push <url> <args>` from `client`, in a pinned environment free of pushgate settings.
pub fn push_command(client: &Path, url: &str, args: &[&str]) -> process::Command {
    let mut cmd = process::Command::new("git");
    cmd.arg("-C").arg(client).arg("push").arg(url).args(args);
    for var in [
        "PUSHGATE_POLICY",
        "GIT_DIR",
        "GIT_WORK_TREE",
        "GL_ID",
        "GL_USERNAME",
        "GL_PROTOCOL",
        "GITHUB_USER_LOGIN",
        "REMOTE_USER",
    ] {
        cmd.env_remove(var);
    }
    cmd.env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_TERMINAL_PROMPT", "0")
        .env("NO_COLOR", "1")
        .env("USER", "tester");
    cmd
}

pub fn output(mut cmd: process::Command) -> Run {
    let out = cmd.output().expect("run git push");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// The `remote:` lines of a push, without git's prefix and padding.
pub fn remote_lines(r: &Run) -> Vec<String> {
    r.stderr
        .lines()
        .filter_map(|l| l.strip_prefix("remote: "))
        .map(|l| l.trim_end().to_string())
        .collect()
}

pub fn remote_text(r: &Run) -> String {
    remote_lines(r).join("\n")
}

/// The finding lines (`deny  <ref>  <commit>  <path>  (<size>)  <rule>`) a push showed
/// (`bypassed` instead of the level for findings a granted bypass let through).
pub fn finding_lines(r: &Run) -> Vec<String> {
    remote_lines(r)
        .into_iter()
        .filter(|l| {
            l.starts_with("deny ") || l.starts_with("warn ") || l.starts_with("info ") || l.starts_with("bypassed ")
        })
        .collect()
}

/// (level, rule, path) of each finding line a push showed.
pub fn finding_set(r: &Run) -> std::collections::BTreeSet<(String, String, String)> {
    finding_lines(r)
        .iter()
        .filter_map(|l| {
            let t: Vec<&str> = l.split_whitespace().collect();
            Some((t.first()?.to_string(), t.last()?.to_string(), t.get(3)?.to_string()))
        })
        .collect()
}

#[test]
fn a_mysqldump_is_rejected_with_the_path_rule_and_alternative() {
    let server = Server::new();
    let before = server.rev("refs/heads/main");
    let r = server.push(&["dump:refs/heads/main"]);
    assert_ne!(r.code, 0, "{}", r.describe());
    assert!(r.stderr.contains("pre-receive hook declined"), "{}", r.describe());
    let lines = finding_lines(&r);
    assert_eq!(lines.len(), 1, "{}", r.describe());
    let commit = server.client_rev("dump");
    let line = &lines[0];
    for part in [
        "deny",
        "refs/heads/main",
        &commit[..10],
        "backup/shop.sql",
        "(347 B)",
        "database-dump",
    ] {
        assert!(line.contains(part), "`{part}` missing from `{line}`\n{}", r.describe());
    }
    let text = remote_text(&r);
    assert!(text.contains("Amazon S3 and S3 Glacier"), "{text}");
    // The dump came in at the tip: amend it.
    assert!(
        text.contains(&format!(
            "backup/shop.sql: added in {} \"Nightly backup\", the tip of refs/heads/main",
            &commit[..10]
        )),
        "{text}"
    );
    assert!(
        text.contains("git rm --cached -- backup/shop.sql && git commit --amend --no-edit --allow-empty"),
        "{text}"
    );
    assert!(text.contains("push rejected: 1 finding"), "{text}");
    assert_eq!(server.rev("refs/heads/main"), before, "the ref must not move");
    // Only the quarantine was read: the legacy dump in main's history is not reported.
    assert!(!text.contains("legacy"), "{text}");
}

#[test]
fn a_clean_push_is_accepted() {
    let server = Server::new();
    let r = server.push(&["clean:refs/heads/main"]);
    assert_eq!(r.code, 0, "{}", r.describe());
    let text = remote_text(&r);
    assert!(text.contains("1 ref, 1 new commit, 1 new blob"), "{text}");
    assert!(text.contains("objects received"), "the quarantine was used: {text}");
    assert!(text.lines().any(|l| l == "pushgate: ok"), "{text}");
    assert_eq!(server.rev("refs/heads/main"), Some(server.client_rev("clean")));
}

#[test]
fn a_new_branch_of_existing_commits_checks_no_history() {
    let server = Server::new();
    // main's history holds a mysqldump; a branch of it adds nothing.
    let r = server.push(&["main:refs/heads/copy"]);
    assert_eq!(r.code, 0, "{}", r.describe());
    let text = remote_text(&r);
    assert!(text.contains("0 new commits, 0 new blobs"), "{text}");
    assert!(finding_lines(&r).is_empty(), "{text}");
    assert_eq!(server.rev("refs/heads/copy"), Some(server.client_rev("main")));
}

#[test]
fn a_deletion_passes() {
    let server = Server::new();
    assert_eq!(server.push(&["clean:refs/heads/topic"]).code, 0);
    let r = server.push(&[":refs/heads/topic"]);
    assert_eq!(r.code, 0, "{}", r.describe());
    assert_eq!(server.rev("refs/heads/topic"), None);
}

#[test]
fn tags_of_commits_and_of_blobs() {
    let server = Server::new();
    let r = server.push(&["refs/tags/v1"]);
    assert_eq!(r.code, 0, "annotated tag of main: {}", r.describe());
    assert!(server.rev("refs/tags/v1").is_some());

    let r = server.push(&["refs/tags/blob-dump"]);
    assert_ne!(r.code, 0, "{}", r.describe());
    let lines = finding_lines(&r);
    assert_eq!(lines.len(), 1, "{}", r.describe());
    assert!(
        lines[0].contains("refs/tags/blob-dump") && lines[0].contains("database-dump"),
        "{lines:?}"
    );
    assert_eq!(server.rev("refs/tags/blob-dump"), None);
}

#[test]
fn a_force_push_checks_only_what_is_new() {
    let server = Server::new();
    let r = server.push(&["+rewrite:refs/heads/main"]);
    assert_eq!(r.code, 0, "{}", r.describe());
    assert!(
        remote_text(&r).contains("1 new commit, 1 new blob "),
        "{}",
        r.describe()
    );
    assert_eq!(server.rev("refs/heads/main"), Some(server.client_rev("rewrite")));

    // The rewritten history plus a dump: only the dump is reported.
    let r = server.push(&["+rewrite-bad:refs/heads/main"]);
    assert_ne!(r.code, 0, "{}", r.describe());
    let lines = finding_lines(&r);
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(lines[0].contains("backup/rewrite.sql"), "{lines:?}");
}

#[test]
fn a_merge_that_brings_a_dump_is_rejected() {
    let server = Server::new();
    let r = server.push(&["merge:refs/heads/main"]);
    assert_ne!(r.code, 0, "{}", r.describe());
    let lines = finding_lines(&r);
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(lines[0].contains("exports/side.sql"), "{lines:?}");
    // The merge's own commit is attributed to the side commit that added the dump.
    assert!(lines[0].contains(&server.client_rev("side-dump")[..10]), "{lines:?}");
}

#[test]
fn notes_are_checked() {
    let server = Server::new();
    let r = server.push(&["refs/notes/commits"]);
    assert_ne!(r.code, 0, "{}", r.describe());
    let lines = finding_lines(&r);
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(
        lines[0].contains("refs/notes/commits") && lines[0].contains("database-dump"),
        "{lines:?}"
    );
}

#[test]
fn one_bad_ref_of_three_rejects_the_push_and_names_that_ref() {
    let server = Server::new();
    let r = server.push(&["clean:refs/heads/a", "dump:refs/heads/b", "warn:refs/heads/c"]);
    assert_ne!(r.code, 0, "{}", r.describe());
    let lines = finding_lines(&r);
    assert_eq!(lines.len(), 2, "{lines:?}");
    let deny: Vec<_> = lines.iter().filter(|l| l.starts_with("deny")).collect();
    assert_eq!(deny.len(), 1, "{lines:?}");
    assert!(
        deny[0].contains("refs/heads/b") && deny[0].contains("backup/shop.sql"),
        "{lines:?}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("warn") && l.contains("refs/heads/c")),
        "{lines:?}"
    );
    assert!(remote_text(&r).contains("3 refs"), "{}", r.describe());
    for name in ["refs/heads/a", "refs/heads/b", "refs/heads/c"] {
        assert_eq!(server.rev(name), None, "{name} must not be created");
    }
}

#[test]
fn warnings_are_shown_and_the_push_goes_through() {
    let server = Server::new();
    let r = server.push(&["warn:refs/heads/main"]);
    assert_eq!(r.code, 0, "{}", r.describe());
    let lines = finding_lines(&r);
    assert!(
        lines.len() == 1 && lines[0].contains("logs/app.log") && lines[0].contains("log-file"),
        "{lines:?}"
    );
    assert!(remote_text(&r).contains("push accepted"), "{}", r.describe());
}

#[test]
fn packed_and_loose_quarantines_are_both_read() {
    for limit in ["1", "100000"] {
        let server = Server::new();
        server.config("receive.unpackLimit", limit);
        let r = server.push(&["dump:refs/heads/main"]);
        assert_ne!(r.code, 0, "unpackLimit={limit}: {}", r.describe());
        assert_eq!(finding_lines(&r).len(), 1, "unpackLimit={limit}: {}", r.describe());
    }
    // More objects than the default limit of 100: git keeps the pack.
    let server = Server::new();
    let r = server.push(&["many:refs/heads/main"]);
    assert_ne!(r.code, 0, "{}", r.describe());
    let lines = finding_lines(&r);
    assert!(lines.len() == 1 && lines[0].contains("pages/export.sql"), "{lines:?}");
    assert!(remote_text(&r).contains("151 new blobs"), "{}", r.describe());
}

#[test]
fn refs_outside_the_policy_are_not_checked() {
    let server = Server::new();
    server.policy("[refs]\nexclude = [\"refs/heads/scratch/**\"]\n");
    let r = server.push(&["dump:refs/heads/scratch/tmp"]);
    assert_eq!(r.code, 0, "{}", r.describe());
    assert!(
        remote_text(&r).contains("refs/heads/scratch/tmp not checked"),
        "{}",
        r.describe()
    );
    // Checked refs still are.
    let r = server.push(&["sqlite:refs/heads/main"]);
    assert_ne!(r.code, 0, "{}", r.describe());
}

#[test]
fn escape_sequences_and_newlines_in_paths_are_shown_sanitized() {
    let server = Server::new();
    let r = server.push(&["evil:refs/heads/main"]);
    assert_ne!(r.code, 0, "{}", r.describe());
    let lines = finding_lines(&r);
    assert_eq!(lines.len(), 1, "{}", r.describe());
    // git would show a raw ESC as `^[`; pushgate escapes it before git sees it.
    assert!(lines[0].contains(r"x\u{1b}[31mred\nline.sql"), "{lines:?}");

    // The hook's own bytes, without git in between.
    let evil = server.client_rev("evil");
    let main = server.client_rev("main");
    let fallback = Server::without_hook();
    assert_eq!(fallback.push(&["evil:refs/heads/main"]).code, 0);
    let out = crate::util::pushgate()
        .args(["pre-receive", "--repo"])
        .arg(&fallback.bare)
        .write_stdin(format!("{main} {evil} refs/heads/main\n"))
        .output()
        .expect("run hook");
    assert_eq!(out.status.code(), Some(1));
    assert!(!out.stderr.contains(&0x1b), "{}", String::from_utf8_lossy(&out.stderr));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains(r"x\u{1b}[31mred\nline.sql"), "{stderr}");
    assert!(
        !stderr.contains("objects received"),
        "no quarantine when run by hand: {stderr}"
    );
}

#[test]
fn gitlab_gets_its_prefix_on_every_line() {
    let server = Server::new();
    let r = server.push_env(
        &["dump:refs/heads/main"],
        &[("GL_ID", "user-1"), ("GL_PROTOCOL", "ssh")],
    );
    assert_ne!(r.code, 0, "{}", r.describe());
    let lines = remote_lines(&r);
    let ours: Vec<_> = lines.iter().filter(|l| !l.is_empty()).collect();
    assert!(!ours.is_empty());
    assert!(ours.iter().all(|l| l.starts_with("GL-HOOK-ERR:")), "{ours:?}");
    assert!(ours.iter().any(|l| l.contains("backup/shop.sql")), "{ours:?}");
}

#[test]
fn evaluate_mode_accepts_and_logs_what_it_would_reject() {
    let server = Server::new();
    server.policy("mode = \"evaluate\"\n");
    let r = server.push(&["dump:refs/heads/main"]);
    assert_eq!(r.code, 0, "{}", r.describe());
    assert!(
        remote_text(&r).contains("would have rejected this push"),
        "{}",
        r.describe()
    );
    assert_eq!(server.rev("refs/heads/main"), Some(server.client_rev("dump")));
    let log = fs::read_to_string(server.bare.join("pushgate-evaluate.jsonl")).expect("evaluate log");
    let lines: Vec<serde_json::Value> = log
        .lines()
        .map(|l| serde_json::from_str(l).expect("json line"))
        .collect();
    assert_eq!(lines.len(), 1, "{log}");
    assert_eq!(lines[0]["event"], "evaluate");
    assert_eq!(lines[0]["findings"][0]["path"], "backup/shop.sql");
    assert_eq!(lines[0]["refs"][0]["ref"], "refs/heads/main");
}

const BYPASS_POLICY: &str = "[bypass]\nenabled = true\nusers = [\"alice\"]\n";

#[test]
fn bypass_by_an_allowed_user_with_a_reason_is_logged() {
    let server = Server::new();
    server.config("receive.advertisePushOptions", "true");
    server.policy(BYPASS_POLICY);
    let r = server.push_env(
        &[
            "-o",
            "pushgate.bypass=restore after incident 42",
            "dump:refs/heads/main",
        ],
        &[("USER", "alice")],
    );
    assert_eq!(r.code, 0, "{}", r.describe());
    let text = remote_text(&r);
    assert!(
        text.contains("push accepted under a bypass by alice (reason: restore after incident 42)"),
        "{text}"
    );
    assert!(
        finding_lines(&r)[0].starts_with("bypassed"),
        "the pusher still sees the finding: {text}"
    );
    assert_eq!(server.rev("refs/heads/main"), Some(server.client_rev("dump")));
    let log = fs::read_to_string(server.bare.join("pushgate-bypass.jsonl")).expect("bypass log");
    let entry: serde_json::Value = serde_json::from_str(log.trim()).expect("one json line");
    assert_eq!(entry["event"], "bypass");
    assert_eq!(entry["user"], "alice");
    assert_eq!(entry["reason"], "restore after incident 42");
    assert_eq!(entry["refs"][0]["ref"], "refs/heads/main");
    assert_eq!(entry["findings"][0]["rule"], "database-dump");
    assert_eq!(entry["findings"][0]["pattern"], "backup");
    assert!(entry["time"].as_str().is_some_and(|t| t.len() >= 20), "{entry}");
}

#[test]
fn bypass_is_refused_without_permission_or_reason() {
    let server = Server::new();
    server.config("receive.advertisePushOptions", "true");
    let cases: [(&str, &str, &str); 3] = [
        ("bob", "pushgate.bypass=please", "not among the users allowed"),
        ("alice", "pushgate.bypass", "a bypass needs a reason"),
        ("alice", "pushgate.bypass=", "a bypass needs a reason"),
    ];
    server.policy(BYPASS_POLICY);
    for (user, option, why) in cases {
        let r = server.push_env(&["-o", option, "dump:refs/heads/main"], &[("USER", user)]);
        assert_ne!(r.code, 0, "{user} {option}: {}", r.describe());
        assert!(remote_text(&r).contains(why), "{user} {option}: {}", r.describe());
    }
    // Not enabled at all (the built-in policy).
    server.policy("");
    let r = server.push_env(
        &["-o", "pushgate.bypass=please", "dump:refs/heads/main"],
        &[("USER", "alice")],
    );
    assert_ne!(r.code, 0, "{}", r.describe());
    assert!(remote_text(&r).contains("bypass is not enabled"), "{}", r.describe());
    assert!(!server.bare.join("pushgate-bypass.jsonl").exists());
    assert_eq!(server.rev("refs/heads/main"), Some(server.client_rev("main")));
}

/// A reason must say something: a zero-width space, a control character or a dash alone is
/// refused like no reason at all; words in any script are a reason.
#[test]
fn bypass_reasons_without_words_are_refused() {
    let server = Server::new();
    server.config("receive.advertisePushOptions", "true");
    server.policy(BYPASS_POLICY);
    for nothing in ["\u{200b}", "\x01", "-", "\u{feff}\u{200d} -- "] {
        let option = format!("pushgate.bypass={nothing}");
        let r = server.push_env(&["-o", &option, "dump:refs/heads/main"], &[("USER", "alice")]);
        assert_ne!(r.code, 0, "{nothing:?}: {}", r.describe());
        let text = remote_text(&r);
        assert!(
            text.contains("bypass refused: a bypass needs a reason, in words (letters or digits)"),
            "{nothing:?}: {text}"
        );
        assert!(!text.contains('\u{1}'), "{nothing:?}: {text}");
    }
    assert!(!server.bare.join("pushgate-bypass.jsonl").exists());
    assert_eq!(server.rev("refs/heads/main"), Some(server.client_rev("main")));

    let r = server.push_env(
        &["-o", "pushgate.bypass=rétablir la sauvegarde", "dump:refs/heads/main"],
        &[("USER", "alice")],
    );
    assert_eq!(r.code, 0, "{}", r.describe());
    assert!(
        remote_text(&r).contains("push accepted under a bypass by alice (reason: rétablir la sauvegarde)"),
        "{}",
        r.describe()
    );
}

/// A bypass leaves a record or does not happen: with `[bypass] log = ""` it is refused, and not
/// offered; `policy check` warns about such a policy.
#[test]
fn a_bypass_the_policy_would_not_log_is_refused() {
    let server = Server::new();
    server.config("receive.advertisePushOptions", "true");
    server.policy("[bypass]\nenabled = true\nlog = \"\"\n");
    let r = server.push_env(
        &[
            "-o",
            "pushgate.bypass=restore after incident 42",
            "dump:refs/heads/main",
        ],
        &[("USER", "alice")],
    );
    assert_ne!(r.code, 0, "{}", r.describe());
    let text = remote_text(&r);
    assert!(
        text.contains("bypass refused: the policy logs no bypasses ([bypass] log = \"\")"),
        "{text}"
    );
    assert!(text.contains("push rejected"), "{text}");
    assert_eq!(server.rev("refs/heads/main"), Some(server.client_rev("main")));

    // Not offered to a push that did not ask.
    let r = server.push(&["dump:refs/heads/main"]);
    assert_ne!(r.code, 0, "{}", r.describe());
    assert!(!remote_text(&r).contains("pushgate.bypass"), "{}", r.describe());

    let r = server.pushgate(&["policy", "check"]);
    assert_eq!(r.code, 0, "{}", r.describe());
    assert!(
        r.stdout
            .contains("warning: [bypass] enabled = true, but log = \"\": every bypass is refused"),
        "{}",
        r.describe()
    );
}

/// Break the server's stored `.gitattributes` blob, which git's own checks never read but
/// pushgate must, to judge the paths of a new commit.
pub fn corrupt_gitattributes(server: &Server) {
    let blob = git(&server.bare, &["rev-parse", "main:.gitattributes"]);
    let path = server.bare.join("objects").join(&blob[..2]).join(&blob[2..]);
    let mut perms = fs::metadata(&path).expect("loose object").permissions();
    #[allow(clippy::permissions_set_readonly_false)]
    perms.set_readonly(false);
    fs::set_permissions(&path, perms).expect("chmod");
    fs::write(&path, b"this is not zlib").expect("corrupt");
}

#[test]
fn on_error_decides_when_an_object_cannot_be_read() {
    let server = Server::new();
    corrupt_gitattributes(&server);
    let r = server.push(&["clean:refs/heads/main"]);
    assert_ne!(r.code, 0, "on_error = reject: {}", r.describe());
    let text = remote_text(&r);
    assert!(text.contains("internal error"), "{text}");
    assert!(text.contains("on_error = \"reject\""), "{text}");

    server.policy("[hook]\non_error = \"allow\"\n");
    let r = server.push(&["clean:refs/heads/main"]);
    assert_eq!(r.code, 0, "on_error = allow: {}", r.describe());
    assert!(
        remote_text(&r).contains("push allowed without a complete check"),
        "{}",
        r.describe()
    );
}

/// Sixteen pushes at once into one repository, each to its own ref: half clean, half with a
/// dump, and half of those bypassed. Each is judged on its own, nothing is lost, and the
/// bypass log holds one complete JSON line per bypass.
#[test]
fn thirty_two_concurrent_pushes_are_each_judged_and_every_bypass_is_logged() {
    let server = Server::new();
    server.config("receive.advertisePushOptions", "true");
    server.policy(BYPASS_POLICY);
    let url = server.url();
    // b1, b5, b9, b13: rejected; b3, b7, b11, b15: bypassed; the others: clean.
    let dump = |i: usize| i % 2 == 1 && i < 16;
    let bypassed = |i: usize| dump(i) && i % 4 == 3;
    let reason = |i: usize| format!("restore {i}: \"quoted\", back\\slash, ünïcode");
    let results: Vec<(usize, Run)> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..32)
            .map(|i| {
                let url = url.clone();
                let client = server.client.path().to_owned();
                let option = format!("pushgate.bypass={}", reason(i));
                s.spawn(move || {
                    let spec = format!("b{i}:refs/heads/b{i}");
                    let mut args = vec![spec.as_str()];
                    if bypassed(i) {
                        args.extend(["-o", option.as_str()]);
                    }
                    let mut cmd = push_command(&client, &url, &args);
                    cmd.env("USER", "alice");
                    (i, output(cmd))
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().expect("push thread")).collect()
    });
    assert_eq!(results.len(), 32);
    for (i, r) in results {
        let name = format!("refs/heads/b{i}");
        let text = remote_text(&r);
        if !dump(i) {
            assert_eq!(r.code, 0, "b{i}: {}", r.describe());
            assert!(finding_lines(&r).is_empty(), "b{i}: {text}");
            assert_eq!(
                server.rev(&name),
                Some(server.client_rev(&format!("b{i}"))),
                "b{i} landed"
            );
            continue;
        }
        // Judged with the whole history, the dumps the bypassed pushes landed before this one
        // may make a series with it; the dump itself is always there.
        let lines = finding_lines(&r);
        assert!(
            lines
                .iter()
                .any(|l| l.contains("database-dump") && l.contains(&format!("backup/b{i}.sql")) && l.contains(&name))
                && lines
                    .iter()
                    .all(|l| l.contains(&name) && (l.contains("database-dump") || l.contains("backup-file"))),
            "b{i}: {lines:?}"
        );
        if bypassed(i) {
            assert_eq!(r.code, 0, "b{i}: {}", r.describe());
            assert!(text.contains("push accepted under a bypass by alice"), "b{i}: {text}");
            assert_eq!(
                server.rev(&name),
                Some(server.client_rev(&format!("b{i}"))),
                "b{i} landed"
            );
        } else {
            assert_ne!(r.code, 0, "b{i}: {}", r.describe());
            assert!(text.contains("push rejected: 1 finding"), "b{i}: {text}");
            assert_eq!(server.rev(&name), None, "b{i} must not land");
        }
    }
    let log = fs::read_to_string(server.bare.join("pushgate-bypass.jsonl")).expect("bypass log");
    assert!(log.ends_with('\n'), "the last line is complete: {log:?}");
    let mut seen: Vec<String> = log
        .lines()
        .map(|line| {
            let entry: serde_json::Value =
                serde_json::from_str(line).unwrap_or_else(|e| panic!("not one JSON record ({e}): {line:?}"));
            assert_eq!(entry["event"], "bypass", "{entry}");
            assert_eq!(entry["user"], "alice", "{entry}");
            let r = entry["refs"][0]["ref"].as_str().expect("ref").to_owned();
            let i: usize = r.trim_start_matches("refs/heads/b").parse().expect("b<i>");
            assert_eq!(entry["reason"], reason(i).as_str(), "{entry}");
            assert_eq!(entry["findings"][0]["path"], format!("backup/b{i}.sql"), "{entry}");
            r
        })
        .collect();
    seen.sort();
    let mut want: Vec<String> = (0..32)
        .filter(|&i| bypassed(i))
        .map(|i| format!("refs/heads/b{i}"))
        .collect();
    want.sort();
    assert_eq!(seen, want, "one line per bypass, none lost, none doubled:\n{log}");
}

#[test]
fn a_policy_in_the_pushed_commits_is_never_read() {
    let server = Server::new();
    let r = server.push(&["sneaky:refs/heads/main"]);
    assert_ne!(r.code, 0, "{}", r.describe());
    let lines = finding_lines(&r);
    assert!(
        lines
            .iter()
            .any(|l| l.contains("backup/sneaky.sql") && l.contains("database-dump")),
        "{lines:?}"
    );
}

#[test]
fn a_broken_server_policy_rejects_with_its_location() {
    let server = Server::new();
    server.policy("fail_on = \"sometimes\"\n");
    let r = server.push(&["clean:refs/heads/main"]);
    assert_ne!(r.code, 0, "{}", r.describe());
    let text = remote_text(&r);
    assert!(
        text.contains("policy is invalid") && text.contains("pushgate.toml:1:"),
        "{text}"
    );
}

#[test]
fn malformed_hook_input_is_a_usage_error() {
    let server = Server::without_hook();
    let out = crate::util::pushgate()
        .args(["pre-receive", "--repo"])
        .arg(&server.bare)
        .write_stdin("not a ref update\n")
        .output()
        .expect("run hook");
    assert_eq!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stderr).contains("line 1"));
}

// ---- pre-push --------------------------------------------------------------------------

#[test]
fn pre_push_stops_a_sqlite_file_and_sends_nothing() {
    let server = Server::without_hook();
    let client = server.client.path();
    git(client, &["remote", "add", "origin", &server.url()]);
    git(client, &["fetch", "-q", "origin"]);
    let r = crate::util::pushgate_run(&["install", "pre-push", "--repo", &client.display().to_string()]);
    assert_eq!(r.code, 0, "{}", r.describe());
    let objects_before = git(&server.bare, &["count-objects", "-v"]);

    let mut cmd = process::Command::new("git");
    cmd.arg("-C")
        .arg(client)
        .args(["push", "origin", "sqlite:refs/heads/main"]);
    cmd.env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("NO_COLOR", "1")
        .env_remove("PUSHGATE_POLICY");
    let r = output(cmd);
    assert_ne!(r.code, 0, "{}", r.describe());
    assert!(
        r.stderr.contains("data/app.db") && r.stderr.contains("database-file"),
        "{}",
        r.describe()
    );
    assert!(r.stderr.contains("git push --no-verify"), "{}", r.describe());
    assert!(
        !r.stderr.contains('\x1b'),
        "no colours off a terminal: {}",
        r.describe()
    );
    assert!(r.stderr.contains("failed to push"), "{}", r.describe());
    assert_eq!(server.rev("refs/heads/main"), Some(server.client_rev("main")));
    assert_eq!(
        git(&server.bare, &["count-objects", "-v"]),
        objects_before,
        "nothing was sent"
    );

    // A clean push goes through the same hook.
    let mut cmd = process::Command::new("git");
    cmd.arg("-C")
        .arg(client)
        .args(["push", "origin", "clean:refs/heads/main"]);
    cmd.env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null");
    let r = output(cmd);
    assert_eq!(r.code, 0, "{}", r.describe());
    assert!(r.stderr.contains("pushgate: ok"), "{}", r.describe());
}

#[test]
fn pre_push_judges_only_what_the_remote_lacks() {
    let server = Server::without_hook();
    let client = server.client.path();
    let main = server.client_rev("main");
    let dump = server.client_rev("dump");
    let zero = "0".repeat(40);
    let run = |stdin: String| {
        let out = crate::util::pushgate()
            .args(["pre-push", "origin", "file:///nowhere", "--repo"])
            .arg(client)
            .write_stdin(stdin)
            .output()
            .expect("run pre-push");
        (out.status.code(), String::from_utf8_lossy(&out.stderr).into_owned())
    };
    // The remote has main: only the dump commit is new.
    let (code, err) = run(format!("refs/heads/dump {dump} refs/heads/main {main}\n"));
    assert_eq!(code, Some(1), "{err}");
    assert!(err.contains("1 new commit") && err.contains("backup/shop.sql"), "{err}");
    // A new remote branch with no remote-tracking refs: everything is new, so the legacy
    // dump in main's history is found too.
    let (code, err) = run(format!("refs/heads/main {main} refs/heads/main {zero}\n"));
    assert_eq!(code, Some(1), "{err}");
    assert!(err.contains("legacy/old-dump.sql"), "{err}");
    // Deleting pushes pass.
    let (code, err) = run(format!("(delete) {zero} refs/heads/main {main}\n"));
    assert_eq!(code, Some(0), "{err}");

    // Pushing to a URL (no remote name, no remote-tracking refs) works the same.
    for remote in ["https://example.com/shop.git", "../odd..path"] {
        let out = crate::util::pushgate()
            .args(["pre-push", remote, remote, "--repo"])
            .arg(client)
            .write_stdin(format!("refs/heads/dump {dump} refs/heads/main {main}\n"))
            .output()
            .expect("run pre-push");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{remote}: {err}");
        assert!(err.contains("1 new commit") && err.contains("backup/shop.sql"), "{err}");
    }
}

// ---- install ---------------------------------------------------------------------------

fn write_hook(path: &Path, text: &str) {
    fs::create_dir_all(path.parent().expect("hooks dir")).expect("mkdir hooks");
    fs::write(path, text).expect("write hook");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(path, fs::Permissions::from_mode(0o755)).expect("chmod");
    }
}

#[test]
fn install_refuses_to_replace_another_hook() {
    let server = Server::without_hook();
    let hook = server.bare.join("hooks/pre-receive");
    write_hook(&hook, "#!/bin/sh\nexit 0\n");
    let r = server.pushgate(&["install", "pre-receive"]);
    assert_eq!(r.code, 2, "{}", r.describe());
    assert!(
        r.stderr.contains("--chain") && r.stderr.contains("--force"),
        "{}",
        r.describe()
    );
    assert_eq!(fs::read_to_string(&hook).expect("hook"), "#!/bin/sh\nexit 0\n");

    // Installing twice is harmless.
    let other = Server::without_hook();
    assert_eq!(other.pushgate(&["install", "pre-receive"]).code, 0);
    let r = other.pushgate(&["install", "pre-receive"]);
    assert_eq!(r.code, 0, "{}", r.describe());
    assert!(r.stdout.contains("installed already"), "{}", r.describe());
}

#[test]
fn install_chain_runs_both_hooks() {
    let server = Server::without_hook();
    let hook = server.bare.join("hooks/pre-receive");
    let marker = server.bare.join("previous-hook-ran");
    write_hook(
        &hook,
        &format!(
            "#!/bin/sh\ncat > '{}'\nexit \"${{PREVIOUS_EXIT:-0}}\"\n",
            marker.display()
        ),
    );
    let r = server.pushgate(&["install", "pre-receive", "--chain"]);
    assert_eq!(r.code, 0, "{}", r.describe());
    assert!(server.bare.join("hooks/pre-receive.pushgate-chained").exists());

    // Both see the same input; pushgate still rejects a dump.
    let r = server.push(&["dump:refs/heads/main"]);
    assert_ne!(r.code, 0, "{}", r.describe());
    let seen = fs::read_to_string(&marker).expect("the previous hook ran");
    assert!(seen.contains("refs/heads/main"), "{seen}");
    assert!(!finding_lines(&r).is_empty(), "{}", r.describe());
    // A clean push passes both.
    let r = server.push(&["clean:refs/heads/main"]);
    assert_eq!(r.code, 0, "{}", r.describe());
    // The previous hook alone can stop a push.
    let r = server.push_env(&["clean:refs/heads/other"], &[("PREVIOUS_EXIT", "1")]);
    assert_ne!(r.code, 0, "{}", r.describe());
    assert_eq!(server.rev("refs/heads/other"), None);
}

#[test]
fn install_force_keeps_a_backup() {
    let server = Server::without_hook();
    let hook = server.bare.join("hooks/pre-receive");
    write_hook(&hook, "#!/bin/sh\nexit 0\n");
    let r = server.pushgate(&["install", "pre-receive", "--force"]);
    assert_eq!(r.code, 0, "{}", r.describe());
    let backup = server.bare.join("hooks/pre-receive.pushgate-backup");
    assert_eq!(fs::read_to_string(backup).expect("backup"), "#!/bin/sh\nexit 0\n");
    let r = server.push(&["dump:refs/heads/main"]);
    assert_ne!(r.code, 0, "the new hook runs: {}", r.describe());
    let r = server.pushgate(&["install", "pre-receive", "--force", "--chain"]);
    assert_eq!(r.code, 2, "{}", r.describe());
}

#[test]
fn install_names_the_policy_by_absolute_path() {
    let server = Server::without_hook();
    let policy = server.client.path().join("server-policy.toml");
    fs::write(&policy, "mode = \"evaluate\"\n").expect("policy");
    let r = crate::util::pushgate()
        .current_dir(server.client.path())
        .args(["install", "pre-receive", "--policy", "server-policy.toml", "--repo"])
        .arg(&server.bare)
        .output()
        .expect("install");
    assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
    let script = fs::read_to_string(server.bare.join("hooks/pre-receive")).expect("hook");
    assert!(
        script.contains(&format!(
            "--policy {}",
            pushgate::util::shell_quote(policy.canonicalize().expect("abs").display().to_string())
        )),
        "{script}"
    );
    let r = server.push(&["dump:refs/heads/main"]);
    assert_eq!(r.code, 0, "evaluate mode from --policy: {}", r.describe());
}
