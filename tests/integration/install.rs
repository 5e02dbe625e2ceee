//! `pushgate install` and `pushgate uninstall` end to end: the scripts they write must run
//! wherever git runs them (a relative `--repo`, every work tree of a clone), pushgate's own
//! hook is recognised whichever binary wrote it, a chained hook comes back byte for byte, and
//! a hook whose binary has gone says so in one line. Every case ends in real `git push`es.

use std::fs;
use std::path::{Path, PathBuf};

use crate::hooks::{Server, finding_lines, output, push_command, remote_lines, remote_text};
use crate::util::{Run, git, pushgate, run};

/// Write an executable script.
pub fn hook_file(path: &Path, text: &str) {
    fs::create_dir_all(path.parent().expect("hooks dir")).expect("mkdir hooks");
    fs::write(path, text).expect("write hook");
    set_mode(path, 0o755);
}

fn set_mode(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(path, fs::Permissions::from_mode(mode)).expect("chmod");
}

fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    fs::metadata(path).expect("stat").permissions().mode() & 0o7777
}

/// A previous hook that appends what it reads to `marker` and exits with `$PREVIOUS_EXIT`.
fn recording_hook(marker: &Path) -> String {
    format!(
        "#!/bin/sh\ncat >> '{}'\nexit \"${{PREVIOUS_EXIT:-0}}\"\n",
        marker.display()
    )
}

fn lines_of(path: &Path) -> usize {
    fs::read_to_string(path).map(|t| t.lines().count()).unwrap_or(0)
}

/// Copies of the pushgate binary under other paths (hard links where the file system allows),
/// in a directory of their own.
struct Binaries {
    dir: tempfile::TempDir,
}

impl Binaries {
    fn new() -> Binaries {
        let root = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
        Binaries {
            dir: tempfile::tempdir_in(root).expect("tempdir"),
        }
    }

    fn copy(&self, name: &str) -> PathBuf {
        let dir = self.dir.path().join(name);
        fs::create_dir_all(&dir).expect("mkdir");
        let to = dir.join("pushgate");
        let from = env!("CARGO_BIN_EXE_pushgate");
        if fs::hard_link(from, &to).is_err() {
            fs::copy(from, &to).expect("copy the binary");
        }
        to.canonicalize().expect("canonical")
    }
}

/// A pushgate command that runs `binary`, in the same pinned environment as `util::pushgate`.
fn pushgate_at(binary: &Path) -> assert_cmd::Command {
    let reference = pushgate();
    let mut cmd = assert_cmd::Command::new(binary);
    for (key, value) in reference.get_envs() {
        match value {
            Some(v) => cmd.env(key, v),
            None => cmd.env_remove(key),
        };
    }
    cmd
}

/// `text` with the run's temporary paths replaced by stable names.
pub fn redact(text: &str, paths: &[(&Path, &str)]) -> String {
    let mut text = text.to_owned();
    for (path, name) in paths {
        text = text.replace(&path.display().to_string(), name);
    }
    text
}

fn hook_path(server: &Server) -> PathBuf {
    server.bare.join("hooks/pre-receive")
}

#[test]
fn a_chained_pre_receive_installed_with_a_relative_repo_runs_both_hooks() {
    let server = Server::seeded("push", "main");
    let parent = server.bare.parent().expect("parent").to_path_buf();
    let marker = parent.join("previous-ran");
    let previous = recording_hook(&marker);
    hook_file(&hook_path(&server), &previous);

    let r = run(pushgate()
        .current_dir(&parent)
        .args(["install", "pre-receive", "--chain", "--repo", "srv.git"]));
    assert_eq!(r.code, 0, "{}", r.describe());
    let chained = server
        .bare
        .canonicalize()
        .expect("canonical")
        .join("hooks/pre-receive.pushgate-chained");
    let script = fs::read_to_string(hook_path(&server)).expect("hook");
    assert!(
        script.contains(&format!(
            "previous={}",
            pushgate::util::shell_quote(chained.display().to_string())
        )),
        "the previous hook is named by its absolute path:\n{script}"
    );
    assert_eq!(fs::read_to_string(&chained).expect("kept"), previous);

    // git runs the hook in the bare repository: the paths hold there.
    let r = server.push(&["dump:refs/heads/main"]);
    assert_ne!(r.code, 0, "{}", r.describe());
    assert!(
        finding_lines(&r).iter().any(|l| l.contains("backup/shop.sql")),
        "{}",
        r.describe()
    );
    assert_eq!(lines_of(&marker), 1, "the previous hook ran: {}", r.describe());
    assert_eq!(server.rev("refs/heads/main"), Some(server.client_rev("main")));

    let r = server.push(&["clean:refs/heads/main"]);
    assert_eq!(r.code, 0, "{}", r.describe());
    assert!(remote_lines(&r).iter().any(|l| l == "pushgate: ok"), "{}", r.describe());
    assert_eq!(lines_of(&marker), 2);
    assert_eq!(server.rev("refs/heads/main"), Some(server.client_rev("clean")));

    // The previous hook alone can still stop a push.
    let r = server.push_env(&["clean:refs/heads/other"], &[("PREVIOUS_EXIT", "1")]);
    assert_ne!(r.code, 0, "{}", r.describe());
    assert_eq!(server.rev("refs/heads/other"), None);
}

/// `git push` from `dir` (any work tree) to the remote `origin`.
fn push_from(dir: &Path, args: &[&str]) -> Run {
    output(push_command(dir, "origin", args))
}

#[test]
fn a_chained_pre_push_installed_from_a_linked_worktree_runs_in_every_worktree() {
    chained_pre_push_in_worktrees(true);
}

#[test]
fn a_chained_pre_push_installed_from_the_main_worktree_runs_in_a_linked_one() {
    chained_pre_push_in_worktrees(false);
}

/// A clone with a linked work tree and a pre-push hook of its own; pushgate installed with
/// `--chain` from one of the work trees, as a developer would (no `--repo`); pushes from both.
fn chained_pre_push_in_worktrees(from_linked: bool) {
    let server = Server::seeded("push", "main");
    let client = server.client.path();
    git(client, &["remote", "add", "origin", &server.url()]);
    git(client, &["fetch", "-q", "origin"]);
    let place = tempfile::tempdir().expect("tempdir");
    let linked = place.path().join("linked");
    git(
        client,
        &[
            "worktree",
            "add",
            "-q",
            "-b",
            "topic",
            &linked.display().to_string(),
            "clean",
        ],
    );
    let marker = place.path().join("previous-ran");
    hook_file(&client.join(".git/hooks/pre-push"), &recording_hook(&marker));

    let from = if from_linked {
        linked.clone()
    } else {
        client.to_path_buf()
    };
    let r = run(pushgate().current_dir(&from).args(["install", "pre-push", "--chain"]));
    assert_eq!(r.code, 0, "{}", r.describe());
    let script = fs::read_to_string(client.join(".git/hooks/pre-push")).expect("hook");
    let chained = client
        .canonicalize()
        .expect("canonical")
        .join(".git/hooks/pre-push.pushgate-chained");
    assert!(
        script.contains(&format!(
            "previous={}",
            pushgate::util::shell_quote(chained.display().to_string())
        )),
        "{script}"
    );
    assert!(!script.contains("worktrees"), "no path through a work tree: {script}");

    // From the main work tree.
    let r = push_from(client, &["clean:refs/heads/a"]);
    assert_eq!(r.code, 0, "{}", r.describe());
    assert!(r.stderr.contains("pushgate: ok"), "{}", r.describe());
    assert_eq!(lines_of(&marker), 1, "the previous hook ran: {}", r.describe());
    assert_eq!(server.rev("refs/heads/a"), Some(server.client_rev("clean")));

    // From the linked work tree: a SQLite file is stopped, a clean push goes through.
    let r = push_from(&linked, &["sqlite:refs/heads/b"]);
    assert_ne!(r.code, 0, "{}", r.describe());
    assert!(
        r.stderr.contains("data/app.db") && r.stderr.contains("database-file"),
        "{}",
        r.describe()
    );
    assert_eq!(lines_of(&marker), 2);
    assert_eq!(server.rev("refs/heads/b"), None);
    let r = push_from(&linked, &["HEAD:refs/heads/c"]);
    assert_eq!(r.code, 0, "{}", r.describe());
    assert!(r.stderr.contains("pushgate: ok"), "{}", r.describe());
    assert_eq!(lines_of(&marker), 3);

    // The hook outlives the linked work tree.
    git(
        client,
        &["worktree", "remove", "--force", &linked.display().to_string()],
    );
    let r = push_from(client, &["clean:refs/heads/d"]);
    assert_eq!(r.code, 0, "{}", r.describe());
    assert!(r.stderr.contains("pushgate: ok"), "{}", r.describe());
    assert_eq!(lines_of(&marker), 4);
}

#[test]
fn install_recognises_its_own_hook_whichever_binary_wrote_it() {
    let bins = Binaries::new();
    let (a, b) = (bins.copy("a"), bins.copy("b"));
    let server = Server::seeded("push", "main");
    let bare = server.bare.canonicalize().expect("canonical");
    let install = |binary: &Path, extra: &[&str]| {
        let mut cmd = pushgate_at(binary);
        cmd.args(["install", "pre-receive", "--repo"]).arg(&bare).args(extra);
        run(&mut cmd)
    };
    let mut seen = Vec::new();
    for (binary, extra) in [(&a, &[][..]), (&b, &[]), (&b, &[]), (&a, &["--chain"])] {
        let r = install(binary, extra);
        assert_eq!(r.code, 0, "{}", r.describe());
        assert!(r.stderr.is_empty(), "{}", r.describe());
        seen.push(r.stdout);
    }
    let script = fs::read_to_string(hook_path(&server)).expect("hook");
    assert!(
        script.contains(&format!(
            "pushgate={}",
            pushgate::util::shell_quote(a.display().to_string())
        )),
        "{script}"
    );
    assert!(!script.contains(&b.display().to_string()), "{script}");
    assert!(!script.contains("previous="), "nothing was chained: {script}");
    // The store is named by a digest of the policy's rules, which changes with any default.
    let store = fs::read_dir(bare.join("pushgate"))
        .expect("the facts store was built")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .find(|n| n.starts_with("facts-"))
        .expect("a store");
    // ... and its size with the format's details.
    let text: String = redact(
        &seen.concat(),
        &[
            (&a, "[A]"),
            (&b, "[B]"),
            (&bare, "[SRV]"),
            (Path::new(&store), "facts-[DIGEST]"),
        ],
    )
    .lines()
    .map(|line| match line.rsplit_once(", ") {
        Some((head, _)) if line.starts_with("facts store ") => format!("{head}, [SIZE]\n"),
        _ => format!("{line}\n"),
    })
    .collect();
    insta::assert_snapshot!("install-across-binaries", text);
    let r = server.push(&["dump:refs/heads/main"]);
    assert_ne!(r.code, 0, "the hook runs: {}", r.describe());

    // A chained install keeps its chain when another binary installs it again.
    let server = Server::seeded("push", "main");
    let marker = server.bare.parent().expect("parent").join("previous-ran");
    hook_file(&hook_path(&server), &recording_hook(&marker));
    let bare = server.bare.canonicalize().expect("canonical");
    let mut cmd = pushgate_at(&a);
    cmd.args(["install", "pre-receive", "--chain", "--repo"]).arg(&bare);
    assert_eq!(run(&mut cmd).code, 0);
    let mut cmd = pushgate_at(&b);
    cmd.args(["install", "pre-receive", "--repo"]).arg(&bare);
    let r = run(&mut cmd);
    assert_eq!(r.code, 0, "{}", r.describe());
    assert!(r.stdout.starts_with("updated "), "{}", r.describe());
    let script = fs::read_to_string(hook_path(&server)).expect("hook");
    assert!(
        script.contains(&format!(
            "pushgate={}",
            pushgate::util::shell_quote(b.display().to_string())
        )) && script.contains("previous="),
        "{script}"
    );
    let r = server.push(&["dump:refs/heads/main"]);
    assert_ne!(r.code, 0, "{}", r.describe());
    assert_eq!(lines_of(&marker), 1, "the chained hook still runs");
}

#[test]
fn force_replaces_a_chained_install_and_keeps_the_previous_hook() {
    let server = Server::seeded("push", "main");
    let marker = server.bare.parent().expect("parent").join("previous-ran");
    let previous = recording_hook(&marker);
    hook_file(&hook_path(&server), &previous);
    assert_eq!(server.pushgate(&["install", "pre-receive", "--chain"]).code, 0);

    let r = server.pushgate(&["install", "pre-receive", "--force"]);
    assert_eq!(r.code, 0, "{}", r.describe());
    let backup = server.bare.join("hooks/pre-receive.pushgate-backup");
    assert!(
        r.stdout.contains("saved as") && r.stdout.contains("pre-receive.pushgate-backup"),
        "{}",
        r.describe()
    );
    assert_eq!(fs::read_to_string(&backup).expect("backup"), previous);
    assert!(!server.bare.join("hooks/pre-receive.pushgate-chained").exists());
    let script = fs::read_to_string(hook_path(&server)).expect("hook");
    assert!(!script.contains("previous="), "{script}");

    let r = server.push(&["clean:refs/heads/main"]);
    assert_eq!(r.code, 0, "{}", r.describe());
    let r = server.push(&["dump:refs/heads/other"]);
    assert_ne!(r.code, 0, "{}", r.describe());
    assert_eq!(lines_of(&marker), 0, "the replaced hook no longer runs");

    // Installing again with --chain now has nothing to chain: pushgate's hook stays as it is.
    let r = server.pushgate(&["install", "pre-receive", "--chain"]);
    assert_eq!(r.code, 0, "{}", r.describe());
    assert!(r.stdout.contains("installed already"), "{}", r.describe());
}

#[test]
fn uninstall_puts_the_chained_hook_back_byte_for_byte() {
    let server = Server::seeded("push", "main");
    let hook = hook_path(&server);
    // No final newline, a tab, an unusual mode: all of it must come back.
    let previous = "#!/bin/sh\n# the team's own hook\t(keep)\ncat >/dev/null\nexit 0";
    hook_file(&hook, previous);
    set_mode(&hook, 0o750);
    assert_eq!(server.pushgate(&["install", "pre-receive", "--chain"]).code, 0);
    let r = server.push(&["dump:refs/heads/main"]);
    assert_ne!(r.code, 0, "pushgate runs: {}", r.describe());

    let r = server.pushgate(&["uninstall", "pre-receive"]);
    assert_eq!(r.code, 0, "{}", r.describe());
    let bare = server.bare.canonicalize().expect("canonical");
    insta::assert_snapshot!("uninstall-chained", redact(&r.stdout, &[(&bare, "[SRV]")]));
    assert_eq!(fs::read(&hook).expect("hook"), previous.as_bytes());
    assert_eq!(mode(&hook), 0o750);
    assert!(!server.bare.join("hooks/pre-receive.pushgate-chained").exists());
    let r = server.push(&["dump:refs/heads/main"]);
    assert_eq!(r.code, 0, "only the team's hook runs now: {}", r.describe());
    assert!(finding_lines(&r).is_empty(), "{}", r.describe());

    // That hook is not pushgate's: uninstall leaves it alone.
    let r = server.pushgate(&["uninstall", "pre-receive"]);
    assert_eq!(r.code, 2, "{}", r.describe());
    assert!(r.stderr.contains("is not a pushgate hook"), "{}", r.describe());
    assert_eq!(fs::read(&hook).expect("hook"), previous.as_bytes());
}

/// The names in a directory, sorted.
fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .expect("read dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn uninstall_without_a_previous_hook_removes_just_pushgates() {
    let server = Server::seeded("push", "main");
    let hooks = server.bare.join("hooks");
    let before = listing(&hooks);
    assert_eq!(server.pushgate(&["install", "pre-receive"]).code, 0);
    let r = server.pushgate(&["uninstall", "pre-receive"]);
    assert_eq!(r.code, 0, "{}", r.describe());
    assert!(r.stdout.starts_with("removed "), "{}", r.describe());
    assert_eq!(listing(&hooks), before);
    let r = server.push(&["dump:refs/heads/main"]);
    assert_eq!(r.code, 0, "no hook runs: {}", r.describe());
    let r = server.pushgate(&["uninstall", "pre-receive"]);
    assert_eq!(r.code, 0, "{}", r.describe());
    assert!(r.stdout.contains("nothing to uninstall"), "{}", r.describe());

    // The local hook the same way.
    let client = server.client.path().display().to_string();
    let client_hooks = server.client.path().join(".git/hooks");
    let before = listing(&client_hooks);
    let r = crate::util::pushgate_run(&["install", "pre-push", "--repo", &client]);
    assert_eq!(r.code, 0, "{}", r.describe());
    assert!(client_hooks.join("pre-push").exists());
    let r = crate::util::pushgate_run(&["uninstall", "pre-push", "--repo", &client]);
    assert_eq!(r.code, 0, "{}", r.describe());
    assert_eq!(listing(&client_hooks), before);
}

/// The command after "to reinstall it: " in the hook's one line, run with the test binary.
fn follow_advice(line: &str, cwd: &Path) -> Run {
    let (_, command) = line.split_once("to reinstall it: ").expect("advice");
    let command = command.strip_prefix("pushgate ").expect("a pushgate command");
    let mut sh = assert_cmd::Command::new("sh");
    for (key, value) in pushgate().get_envs() {
        match value {
            Some(v) => sh.env(key, v),
            None => sh.env_remove(key),
        };
    }
    sh.current_dir(cwd)
        .arg("-c")
        .arg(format!("exec '{}' {command}", env!("CARGO_BIN_EXE_pushgate")));
    run(&mut sh)
}

#[test]
fn a_hook_whose_binary_is_gone_says_so_in_one_line() {
    let bins = Binaries::new();
    let gone = bins.copy("gone");
    let server = Server::seeded("push", "main");
    let bare = server.bare.canonicalize().expect("canonical");
    let mut cmd = pushgate_at(&gone);
    cmd.args(["install", "pre-receive", "--repo"]).arg(&bare);
    assert_eq!(run(&mut cmd).code, 0);
    fs::remove_file(&gone).expect("remove the binary");

    let r = server.push(&["clean:refs/heads/main"]);
    assert_ne!(r.code, 0, "a server without its check rejects: {}", r.describe());
    let lines: Vec<String> = remote_lines(&r).into_iter().filter(|l| !l.is_empty()).collect();
    assert_eq!(lines.len(), 1, "one line: {}", r.describe());
    insta::assert_snapshot!(
        "missing-binary-pre-receive",
        redact(&lines[0], &[(&gone, "[GONE]"), (&bare, "[SRV]")])
    );
    assert_eq!(server.rev("refs/heads/main"), Some(server.client_rev("main")));
    // Under GitLab the line carries GitLab's prefix.
    let r = server.push_env(&["clean:refs/heads/main"], &[("GL_ID", "user-1")]);
    let lines: Vec<String> = remote_lines(&r).into_iter().filter(|l| !l.is_empty()).collect();
    assert!(
        lines.len() == 1 && lines[0].starts_with("GL-HOOK-ERR: pushgate: cannot run"),
        "{}",
        r.describe()
    );

    // The advice works.
    let r = follow_advice(&lines[0], server.client.path());
    assert_eq!(r.code, 0, "{}", r.describe());
    let r = server.push(&["clean:refs/heads/main"]);
    assert_eq!(r.code, 0, "{}", r.describe());
    assert!(remote_text(&r).contains("pushgate: ok"), "{}", r.describe());

    // The local hook, chained.
    let gone = bins.copy("gone-too");
    let client = server.client.path();
    git(client, &["remote", "add", "origin", &server.url()]);
    let marker = client.join("previous-ran");
    hook_file(&client.join(".git/hooks/pre-push"), &recording_hook(&marker));
    let mut cmd = pushgate_at(&gone);
    cmd.current_dir(client).args(["install", "pre-push", "--chain"]);
    assert_eq!(run(&mut cmd).code, 0);
    fs::remove_file(&gone).expect("remove the binary");
    let r = push_from(client, &["sqlite:refs/heads/fresh"]);
    assert_ne!(r.code, 0, "{}", r.describe());
    let ours: Vec<&str> = r.stderr.lines().filter(|l| l.starts_with("pushgate:")).collect();
    assert_eq!(ours.len(), 1, "{}", r.describe());
    let client_top = client.canonicalize().expect("canonical");
    insta::assert_snapshot!(
        "missing-binary-pre-push",
        redact(ours[0], &[(&gone, "[GONE]"), (&client_top, "[CLONE]")])
    );
    let r = follow_advice(ours[0], client);
    assert_eq!(r.code, 0, "{}", r.describe());
    let r = push_from(client, &["sqlite:refs/heads/fresh"]);
    assert_ne!(r.code, 0, "{}", r.describe());
    assert!(r.stderr.contains("data/app.db"), "pushgate judged it: {}", r.describe());
    assert_eq!(lines_of(&marker), 1, "the chain was kept: {}", r.describe());
}

#[test]
fn a_relative_repo_that_climbs_out_of_a_work_tree_is_the_repository_named() {
    // `--repo ../srv.git` typed inside a clone's work tree names the bare repository beside it,
    // never the clone around the current directory.
    let server = Server::seeded("push_output", "main");
    let parent = server.bare.parent().expect("parent");
    let bare_name = server.bare.file_name().expect("name").to_str().expect("utf-8");
    let work = tempfile::tempdir_in(parent).expect("tempdir");
    git(work.path(), &["init", "-q"]);
    let relative = format!("../{bare_name}");
    let at = |args: &[&str]| run(pushgate().current_dir(work.path()).args(args));
    let r = at(&["install", "pre-receive", "--repo", &relative]);
    assert_eq!(r.code, 0, "{}", r.describe());
    assert!(server.bare.join("hooks/pre-receive").is_file(), "{}", r.describe());
    assert!(!work.path().join(".git/hooks/pre-receive").exists());
    let r = at(&["policy", "show", "--repo", &relative]);
    assert_eq!(r.code, 0, "{}", r.describe());
    let r = at(&["uninstall", "pre-receive", "--repo", &relative]);
    assert_eq!(r.code, 0, "{}", r.describe());
    assert!(!server.bare.join("hooks/pre-receive").exists(), "{}", r.describe());
}
