//! The pre-commit framework runs pushgate from this repository's `.pre-commit-hooks.yaml`:
//! at the `pre-push` stage (hook `pushgate`) a push of a SQLite file is stopped and a clean
//! push goes through; at the `pre-commit` stage (hook `pushgate-commit`) a staged SQLite file
//! stops the commit, with the command that unstages it.
//!
//! The test commits the current sources to a scratch repository (pinned identity and date,
//! so the same sources give the same commit), writes the `.pre-commit-config.yaml` docs/ci.md
//! gives into a fixture repository (the URL replaced by the scratch repository's, `rev` pinned
//! to the full commit id `git ls-remote` prints, as the page says), and lets the real
//! `pre-commit` build the hook with `cargo install` — as it does for every user — into a
//! target directory cached under
//! Cargo's tmp dir, so only the first run pays for a release build.

#![allow(clippy::unwrap_used)]

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{self, Command};

use crate::util::*;

/// The `pre-commit` executable: `PRE_COMMIT_BIN`, else `pre-commit` on PATH. The tests that
/// need it are ignored by default; asked to run without it, they fail and say what is missing.
fn pre_commit() -> PathBuf {
    if let Some(bin) = std::env::var_os("PRE_COMMIT_BIN").filter(|v| !v.is_empty()) {
        return PathBuf::from(bin);
    }
    let on_path = Command::new("pre-commit")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        on_path,
        "pre-commit is not installed: set PRE_COMMIT_BIN or put it on PATH (.ci/run installs it)"
    );
    PathBuf::from("pre-commit")
}

/// A command with a pinned git identity and no user or system git configuration (HOME stays,
/// so that cargo and rustup find their toolchain and crate cache).
fn pinned(program: impl AsRef<std::ffi::OsStr>, cwd: &Path) -> Command {
    let mut cmd = Command::new(program);
    cmd.current_dir(cwd)
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
        .env_remove("GIT_INDEX_FILE")
        .env_remove("PUSHGATE_POLICY")
        .env_remove("GITHUB_ACTIONS")
        .env_remove("GITLAB_CI")
        .env_remove("CODEBUILD_BUILD_ID")
        .env_remove("JENKINS_URL")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_TERMINAL_PROMPT", "0")
        .env("GIT_AUTHOR_NAME", "Fixture Author")
        .env("GIT_AUTHOR_EMAIL", "author@fixtures.example")
        .env("GIT_COMMITTER_NAME", "Fixture Committer")
        .env("GIT_COMMITTER_EMAIL", "committer@fixtures.example")
        .env("GIT_AUTHOR_DATE", "@1717200000 +0000")
        .env("GIT_COMMITTER_DATE", "@1717200000 +0000")
        .env("NO_COLOR", "1");
    cmd
}

fn check(cmd: &mut Command, what: &str) -> process::Output {
    let out = cmd.output().unwrap_or_else(|e| panic!("{what}: {e}"));
    assert!(
        out.status.success(),
        "{what} failed ({})\n--- stdout ---\n{}\n--- stderr ---\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// The crate's files (tracked and untracked, not ignored) committed to `dest`; returns the commit.
fn commit_sources(dest: &Path) -> String {
    let root = root();
    let list = check(
        pinned("git", &root).args(["ls-files", "-z", "--cached", "--others", "--exclude-standard"]),
        "git ls-files",
    );
    for name in list.stdout.split(|&b| b == 0).filter(|n| !n.is_empty()) {
        let name = Path::new(std::str::from_utf8(name).unwrap());
        let from = root.join(name);
        if !from.is_file() {
            continue; // deleted in the work tree, or a submodule
        }
        let to = dest.join(name);
        fs::create_dir_all(to.parent().unwrap()).unwrap();
        fs::copy(&from, &to).unwrap();
    }
    check(pinned("git", dest).args(["init", "-q", "-b", "main"]), "git init");
    check(pinned("git", dest).args(["add", "-A"]), "git add");
    check(
        pinned("git", dest).args(["commit", "-q", "--no-verify", "-m", "pushgate sources"]),
        "git commit",
    );
    git_out(dest, &["rev-parse", "HEAD"])
}

/// The `.pre-commit-config.yaml` docs/ci.md gives, for the hooks repository `hooks`: its URL
/// replaced by `hooks`, and `rev` pinned as the page says, to the full commit id
/// `git ls-remote <repo> HEAD` prints.
fn documented_config(hooks: &Path) -> String {
    let page = fs::read_to_string(root().join("docs/ci.md")).unwrap();
    let section = page
        .split("\n### pre-commit\n")
        .nth(1)
        .expect("docs/ci.md: ### pre-commit");
    let block = section
        .split("```yaml\n")
        .nth(1)
        .and_then(|b| b.split("```").next())
        .expect("docs/ci.md: the pre-commit configuration");
    let url = "https://git.example.com/platform/pushgate.git";
    assert!(block.contains(&format!("repo: {url}")), "{block}");
    let rev_line = block
        .lines()
        .find(|l| l.trim_start().starts_with("rev: "))
        .unwrap_or_else(|| panic!("no rev in\n{block}"));
    // The page pins a full commit id, and says where it comes from.
    let placeholder = rev_line
        .trim_start()
        .trim_start_matches("rev: ")
        .split_whitespace()
        .next()
        .unwrap();
    assert!(
        placeholder.len() == 40 && placeholder.chars().all(|c| c.is_ascii_hexdigit()),
        "rev is not a full commit id: {rev_line}"
    );
    assert!(rev_line.contains("git ls-remote <repo> HEAD"), "{rev_line}");
    let listed = git_out(hooks, &["ls-remote", hooks.to_str().unwrap(), "HEAD"]);
    let id = listed.split_whitespace().next().unwrap();
    assert_eq!(id, git_out(hooks, &["rev-parse", "HEAD"]));
    block.replace(url, hooks.to_str().unwrap()).replace(placeholder, id)
}

fn git_out(repo: &Path, args: &[&str]) -> String {
    let out = check(pinned("git", repo).args(args), &format!("git {args:?}"));
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

/// `git push origin main` with the pre-push hook; the whole output.
fn push(work: &Path, store: &Path, cache: &Path) -> (bool, String) {
    let out = pinned("git", work)
        .args(["push", "origin", "main"])
        .env("PRE_COMMIT_HOME", store)
        .env("CARGO_TARGET_DIR", cache.join("cargo-target"))
        // Build from the crates `cargo test` has already fetched, as Cargo.lock pins them.
        .env("CARGO_NET_OFFLINE", "true")
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

#[test]
#[ignore = "needs the pre-commit framework (PRE_COMMIT_BIN; run with --include-ignored; .ci/run does)"]
fn pre_commit_pre_push_stops_a_database_and_lets_a_clean_push_through() {
    let pre_commit = pre_commit();
    let tmp = tempfile::tempdir().unwrap();
    // Cached across runs: the target directory `cargo install` builds in. pre-commit's
    // store is this run's own (its entries are keyed by the repository's path).
    let cache = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("pre-commit-cache");
    fs::create_dir_all(&cache).unwrap();
    let store = tmp.path().join("pre-commit-home");

    let hooks = tmp.path().join("pushgate-hooks");
    let rev = commit_sources(&hooks);

    let remote = tmp.path().join("remote.git");
    check(
        pinned("git", tmp.path()).args(["init", "-q", "--bare", "-b", "main", "remote.git"]),
        "git init --bare",
    );
    let work = tmp.path().join("work");
    check(
        pinned("git", tmp.path()).args(["init", "-q", "-b", "main", "work"]),
        "git init",
    );
    write_file(&work, "README.md", "# ledger\n");
    // The configuration docs/ci.md gives, pinned as it says.
    let config = documented_config(&hooks);
    assert!(config.contains(&format!("rev: {rev}")), "{config}");
    write_file(&work, ".pre-commit-config.yaml", &config);
    git_out(&work, &["add", "-A"]);
    git_out(&work, &["commit", "-q", "-m", "Initial commit"]);
    git_out(&work, &["remote", "add", "origin", remote.to_str().unwrap()]);
    check(
        pinned(&pre_commit, &work)
            .args(["install", "--hook-type", "pre-push"])
            .env("PRE_COMMIT_HOME", &store),
        "pre-commit install",
    );
    assert!(work.join(".git/hooks/pre-push").is_file());

    // The first push: pre-commit builds the hook and checks the whole new branch.
    let (ok, out) = push(&work, &store, &cache);
    assert!(ok, "a clean first push must go through:\n{out}");
    assert!(out.contains("pushgate"), "{out}");
    let first = git_out(&work, &["rev-parse", "HEAD"]);
    assert_eq!(git_out(&remote, &["rev-parse", "main"]), first);

    // A SQLite database: the push is stopped and the remote keeps its ref.
    let mut sqlite = b"SQLite format 3\0".to_vec();
    sqlite.resize(4096, 0);
    fs::create_dir_all(work.join("data")).unwrap();
    fs::write(work.join("data/app.sqlite"), &sqlite).unwrap();
    git_out(&work, &["add", "-A"]);
    git_out(&work, &["commit", "-q", "-m", "Add the database"]);
    let (ok, out) = push(&work, &store, &cache);
    assert!(!ok, "the push must be stopped:\n{out}");
    assert!(out.contains("database-file"), "{out}");
    assert!(out.contains("data/app.sqlite"), "{out}");
    assert!(out.contains("pre-commit (pre-push stage)"), "{out}");
    assert_eq!(git_out(&remote, &["rev-parse", "main"]), first);

    // Drop that commit, push a clean one: it goes through.
    git_out(&work, &["reset", "-q", "--hard", &first]);
    write_file(&work, "docs/usage.md", "Run `ledger` to see the books.\n");
    git_out(&work, &["add", "-A"]);
    git_out(&work, &["commit", "-q", "-m", "Document usage"]);
    let (ok, out) = push(&work, &store, &cache);
    assert!(ok, "a clean push must go through:\n{out}");
    let clean = git_out(&work, &["rev-parse", "HEAD"]);
    assert_eq!(git_out(&remote, &["rev-parse", "main"]), clean);
}

/// `git commit` with the pre-commit hook; the whole output.
fn commit(work: &Path, store: &Path, cache: &Path, message: &str) -> (bool, String) {
    let out = pinned("git", work)
        .args(["commit", "-q", "-m", message])
        .env("PRE_COMMIT_HOME", store)
        .env("CARGO_TARGET_DIR", cache.join("cargo-target"))
        .env("CARGO_NET_OFFLINE", "true")
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

/// The `pushgate-commit` hook at the pre-commit stage: a staged database stops the commit
/// with the command that unstages it; following that advice, the commit goes through without it.
#[test]
#[ignore = "needs the pre-commit framework (PRE_COMMIT_BIN; run with --include-ignored; .ci/run does)"]
fn pre_commit_stage_stops_a_staged_database_before_the_commit() {
    let pre_commit = pre_commit();
    let tmp = tempfile::tempdir().unwrap();
    let cache = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("pre-commit-cache");
    fs::create_dir_all(&cache).unwrap();
    let store = tmp.path().join("pre-commit-home");
    let hooks = tmp.path().join("pushgate-hooks");
    let rev = commit_sources(&hooks);

    let work = tmp.path().join("work");
    check(
        pinned("git", tmp.path()).args(["init", "-q", "-b", "main", "work"]),
        "git init",
    );
    write_file(&work, "README.md", "# ledger\n");
    // The configuration docs/ci.md gives, pinned as it says.
    let config = documented_config(&hooks);
    assert!(config.contains(&format!("rev: {rev}")), "{config}");
    write_file(&work, ".pre-commit-config.yaml", &config);
    git_out(&work, &["add", "-A"]);
    git_out(&work, &["commit", "-q", "-m", "Initial commit"]);
    check(
        pinned(&pre_commit, &work)
            .args(["install", "--hook-type", "pre-commit"])
            .env("PRE_COMMIT_HOME", &store),
        "pre-commit install",
    );
    assert!(work.join(".git/hooks/pre-commit").is_file());

    // A clean commit: pre-commit builds the hook, which lets it through.
    write_file(&work, "docs/usage.md", "Run `ledger` to see the books.\n");
    git_out(&work, &["add", "-A"]);
    let (ok, out) = commit(&work, &store, &cache, "Document usage");
    assert!(ok, "a clean commit must go through:\n{out}");
    assert!(out.contains("pushgate"), "{out}");
    let clean = git_out(&work, &["rev-parse", "HEAD"]);

    // A staged SQLite database: no commit, and the advice names the file.
    let mut sqlite = b"SQLite format 3\0".to_vec();
    sqlite.resize(4096, 0);
    fs::create_dir_all(work.join("data")).unwrap();
    fs::write(work.join("data/app.sqlite"), &sqlite).unwrap();
    write_file(&work, "src/ledger.py", "print('books')\n");
    git_out(&work, &["add", "-A"]);
    let (ok, out) = commit(&work, &store, &cache, "Add the ledger");
    assert!(!ok, "the commit must be stopped:\n{out}");
    assert!(out.contains("database-file"), "{out}");
    assert!(out.contains("git restore --staged -- data/app.sqlite"), "{out}");
    assert_eq!(git_out(&work, &["rev-parse", "HEAD"]), clean, "no commit was made");

    // The advice works: unstage, commit again; the database stays in the work tree only.
    git_out(&work, &["restore", "--staged", "--", "data/app.sqlite"]);
    let (ok, out) = commit(&work, &store, &cache, "Add the ledger");
    assert!(ok, "the commit without the database must go through:\n{out}");
    let files = git_out(&work, &["ls-tree", "-r", "--name-only", "HEAD"]);
    assert!(files.lines().any(|l| l == "src/ledger.py"), "{files}");
    assert!(!files.contains("app.sqlite"), "{files}");
    assert!(work.join("data/app.sqlite").is_file());
}

/// The `pushgate-commit` hook with `args: [--max-size, 500KiB]`, as pre-commit's
/// `check-added-large-files` takes `--maxkb`: a staged file over the size stops the commit, one
/// under it does not.
#[test]
#[ignore = "needs the pre-commit framework (PRE_COMMIT_BIN; run with --include-ignored; .ci/run does)"]
fn pre_commit_stage_takes_a_max_size() {
    let pre_commit = pre_commit();
    let tmp = tempfile::tempdir().unwrap();
    let cache = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("pre-commit-cache");
    fs::create_dir_all(&cache).unwrap();
    let store = tmp.path().join("pre-commit-home");
    let hooks = tmp.path().join("pushgate-hooks");
    let rev = commit_sources(&hooks);

    let work = tmp.path().join("work");
    check(
        pinned("git", tmp.path()).args(["init", "-q", "-b", "main", "work"]),
        "git init",
    );
    write_file(
        &work,
        ".pre-commit-config.yaml",
        &format!(
            "repos:\n  - repo: {}\n    rev: {rev}\n    hooks:\n      - id: pushgate-commit\n        args: [--max-size, 500KiB]\n",
            hooks.display()
        ),
    );
    git_out(&work, &["add", "-A"]);
    git_out(&work, &["commit", "-q", "-m", "Initial commit"]);
    check(
        pinned(&pre_commit, &work)
            .args(["install", "--hook-type", "pre-commit"])
            .env("PRE_COMMIT_HOME", &store),
        "pre-commit install",
    );
    let first = git_out(&work, &["rev-parse", "HEAD"]);

    // 600 KiB of bytes no rule recognises: only the size stops it.
    let bytes: Vec<u8> = (0..600u32 << 10)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8)
        .collect();
    fs::write(work.join("model.bin"), &bytes).unwrap();
    git_out(&work, &["add", "model.bin"]);
    let (ok, out) = commit(&work, &store, &cache, "Add the model");
    assert!(!ok, "the commit must be stopped:\n{out}");
    assert!(out.contains("large-blob"), "{out}");
    assert!(out.contains("over --max-size 500KiB"), "{out}");
    assert_eq!(git_out(&work, &["rev-parse", "HEAD"]), first, "no commit was made");

    // Under the size: the commit is made.
    fs::write(work.join("model.bin"), &bytes[..400 << 10]).unwrap();
    git_out(&work, &["add", "model.bin"]);
    let (ok, out) = commit(&work, &store, &cache, "Add a smaller model");
    assert!(ok, "a file under the size must go through:\n{out}");
    assert_ne!(git_out(&work, &["rev-parse", "HEAD"]), first);
}
