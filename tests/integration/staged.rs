//! `pushgate pre-commit`: the files staged for a commit, judged by the rules that need no
//! history, before the commit exists — run directly, and as the git hook `pushgate install
//! pre-commit` writes, under `git commit` and `git commit -a`.

#![allow(clippy::unwrap_used)]

use std::fs;
use std::path::Path;

use crate::util::*;

/// A repository with one commit (README.md).
fn work() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    git(dir.path(), &["init", "-q", "-b", "main"]);
    write_file(dir.path(), "README.md", "# ledger\n");
    git(dir.path(), &["add", "-A"]);
    commit(dir.path(), "Initial commit");
    dir
}

fn sqlite(fill: u8) -> Vec<u8> {
    let mut bytes = b"SQLite format 3\0".to_vec();
    bytes.resize(4096, fill);
    bytes
}

fn pre_commit(dir: &Path, args: &[&str]) -> Run {
    run(pushgate().current_dir(dir).arg("pre-commit").args(args))
}

/// The report names each failing staged file and the command that takes them out of the
/// commit; that command, run as printed, leaves a commit that passes.
#[test]
fn pre_commit_reports_staged_files_and_the_command_that_unstages_them() {
    let dir = work();
    let work = dir.path();
    fs::create_dir_all(work.join("data")).unwrap();
    fs::write(work.join("data/app.sqlite"), sqlite(0)).unwrap();
    write_file(
        work,
        "backups/nightly dump.sql",
        "--\n-- PostgreSQL database dump\n--\n\nCOPY public.books (id, title) FROM stdin;\n1\tLedger\n\\.\n",
    );
    write_file(work, "src/ledger.py", "print('books')\n");
    git(work, &["add", "-A"]);

    let r = pre_commit(work, &[]);
    assert_eq!(r.code, 1, "{}", r.describe());
    insta::assert_snapshot!("pre-commit-report", r.stdout);

    // Follow the advice exactly as printed.
    let advice = r
        .stdout
        .lines()
        .find(|l| l.trim_start().starts_with("git restore --staged --"))
        .unwrap_or_else(|| panic!("no advice\n{}", r.stdout));
    let out = std::process::Command::new("sh")
        .args(["-c", advice.trim()])
        .current_dir(work)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{advice}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let r = pre_commit(work, &[]);
    assert_eq!(r.code, 0, "{}", r.describe());
    assert!(r.stdout.contains("1 staged file checked"), "{}", r.describe());
    assert_eq!(git(work, &["diff", "--cached", "--name-only"]), "src/ledger.py");
    assert!(work.join("data/app.sqlite").is_file(), "the work tree keeps the file");

    // JSON for tools.
    git(work, &["add", "-A"]);
    let r = pre_commit(work, &["--format", "json"]);
    assert_eq!(r.code, 1, "{}", r.describe());
    let report = parse_report(&r);
    let mut paths: Vec<String> = findings(&report).iter().map(path_of).collect();
    paths.sort();
    assert_eq!(paths, ["backups/nightly dump.sql", "data/app.sqlite"], "{}", r.stdout);
}

/// Only what differs from HEAD is judged: a database committed before is not reported again
/// until a new version of it is staged.
#[test]
fn pre_commit_judges_what_the_commit_changes() {
    let dir = work();
    let work = dir.path();
    fs::write(work.join("old.sqlite"), sqlite(0)).unwrap();
    git(work, &["add", "-A"]);
    commit(work, "An old database");

    write_file(work, "docs/usage.md", "Run `ledger`.\n");
    git(work, &["add", "-A"]);
    let r = pre_commit(work, &[]);
    assert_eq!(r.code, 0, "{}", r.describe());
    assert!(r.stdout.contains("1 staged file checked"), "{}", r.describe());

    fs::write(work.join("old.sqlite"), sqlite(1)).unwrap();
    git(work, &["add", "-A"]);
    let r = pre_commit(work, &["--format", "json"]);
    assert_eq!(r.code, 1, "{}", r.describe());
    let report = parse_report(&r);
    assert_eq!(finding_set(&report), set_of(&[("database-file", "old.sqlite", "deny")]));

    // Nothing staged: nothing to judge.
    commit(work, "New version");
    let r = pre_commit(work, &[]);
    assert_eq!(r.code, 0, "{}", r.describe());
    assert!(r.stdout.contains("0 staged files checked"), "{}", r.describe());
}

/// Attributes come from the `.gitattributes` being committed: a path it sends through LFS,
/// staged as a raw file, is reported.
#[test]
fn pre_commit_reads_the_staged_gitattributes() {
    let dir = work();
    let work = dir.path();
    write_file(work, ".gitattributes", "*.psd filter=lfs diff=lfs merge=lfs -text\n");
    fs::create_dir_all(work.join("art")).unwrap();
    fs::write(work.join("art/cover.psd"), vec![7u8; 4096]).unwrap();
    // Stage the raw file without running the LFS filter (git-lfs may not be installed).
    git(
        work,
        &[
            "-c",
            "filter.lfs.clean=cat",
            "-c",
            "filter.lfs.required=false",
            "add",
            "-A",
        ],
    );
    let r = pre_commit(work, &["--format", "json"]);
    assert_eq!(r.code, 1, "{}", r.describe());
    let report = parse_report(&r);
    assert_eq!(
        finding_set(&report),
        set_of(&[("lfs-bypassed", "art/cover.psd", "deny")])
    );
}

/// Before the first commit `git restore --staged` cannot run; the advice is `git rm --cached`.
#[test]
fn pre_commit_before_the_first_commit_advises_git_rm_cached() {
    let dir = tempfile::tempdir().unwrap();
    let work = dir.path();
    git(work, &["init", "-q", "-b", "main"]);
    let r = pre_commit(work, &[]);
    assert_eq!(r.code, 0, "no index yet\n{}", r.describe());
    fs::write(work.join("app.sqlite"), sqlite(0)).unwrap();
    git(work, &["add", "-A"]);
    let r = pre_commit(work, &[]);
    assert_eq!(r.code, 1, "{}", r.describe());
    assert!(
        r.stdout.contains("  git rm --cached -- app.sqlite\n"),
        "{}",
        r.describe()
    );
    assert!(!r.stdout.contains("git restore"), "{}", r.describe());
}

/// The hook `pushgate install pre-commit` writes stops `git commit` and `git commit -a` (which
/// commits from a temporary index, GIT_INDEX_FILE) while a database is in the commit.
#[test]
fn installed_pre_commit_hook_stops_git_commit() {
    let dir = work();
    let work = dir.path();
    let r = run(pushgate().args(["install", "pre-commit", "--repo"]).arg(work));
    assert_eq!(r.code, 0, "{}", r.describe());
    assert!(work.join(".git/hooks/pre-commit").is_file());
    let head = git(work, &["rev-parse", "HEAD"]);
    let try_commit = |args: &[&str]| {
        let mut all = vec![
            "-c",
            "user.name=T",
            "-c",
            "user.email=t@example.com",
            "commit",
            "-q",
            "-m",
            "x",
        ];
        all.extend_from_slice(args);
        git_command(work, &all).env("NO_COLOR", "1").output().unwrap()
    };

    fs::write(work.join("app.sqlite"), sqlite(0)).unwrap();
    git(work, &["add", "app.sqlite"]);
    let out = try_commit(&[]);
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!out.status.success(), "{text}");
    assert!(text.contains("git restore --staged -- app.sqlite"), "{text}");
    assert_eq!(git(work, &["rev-parse", "HEAD"]), head);

    // `git commit -a`: the README becomes a database; git stages it in a temporary index.
    git(work, &["restore", "--staged", "app.sqlite"]);
    fs::remove_file(work.join("app.sqlite")).unwrap();
    fs::write(work.join("README.md"), sqlite(2)).unwrap();
    let out = try_commit(&["-a"]);
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!out.status.success(), "{text}");
    assert!(text.contains("README.md"), "{text}");
    assert_eq!(git(work, &["rev-parse", "HEAD"]), head);

    // A clean change is committed.
    fs::write(work.join("README.md"), "# ledger, the books\n").unwrap();
    let out = try_commit(&["-a"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_ne!(git(work, &["rev-parse", "HEAD"]), head);
}

/// A commit with nothing to report gets one line, and none with `--quiet`; a commit with a
/// finding gets the whole report either way. Under `git commit`, through the installed hook.
#[test]
fn a_clean_pre_commit_says_one_line_and_nothing_when_quiet() {
    let dir = work();
    let work = dir.path();
    write_file(work, "docs/usage.md", "Run `ledger`.\n");
    git(work, &["add", "-A"]);
    let r = pre_commit(work, &[]);
    assert_eq!(r.code, 0, "{}", r.describe());
    assert_eq!(
        r.stdout,
        "pushgate: 1 staged file checked (14 B of new content): no findings\n",
        "{}",
        r.describe()
    );
    assert_eq!(r.stderr, "", "{}", r.describe());
    for quiet in ["--quiet", "-q"] {
        let r = pre_commit(work, &[quiet]);
        assert_eq!(r.code, 0, "{}", r.describe());
        assert_eq!((r.stdout.as_str(), r.stderr.as_str()), ("", ""), "{}", r.describe());
    }

    // Findings are reported in full, quiet or not.
    fs::write(work.join("app.sqlite"), sqlite(0)).unwrap();
    git(work, &["add", "-A"]);
    let loud = pre_commit(work, &[]);
    let quiet = pre_commit(work, &["--quiet"]);
    assert_eq!(loud.code, 1, "{}", loud.describe());
    assert_eq!((quiet.code, &quiet.stdout), (1, &loud.stdout));
    assert!(
        loud.stdout.contains("git restore --staged -- app.sqlite"),
        "{}",
        loud.describe()
    );
    git(work, &["restore", "--staged", "app.sqlite"]);

    // The installed hook: a clean commit prints the one line, and is made.
    let r = run(pushgate().args(["install", "pre-commit", "--repo"]).arg(work));
    assert_eq!(r.code, 0, "{}", r.describe());
    let out = git_command(
        work,
        &[
            "-c",
            "user.name=T",
            "-c",
            "user.email=t@example.com",
            "commit",
            "-q",
            "-m",
            "Usage",
        ],
    )
    .env("NO_COLOR", "1")
    .output()
    .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(said.lines().count(), 1, "{said}");
    assert!(said.starts_with("pushgate: 1 staged file checked"), "{said}");
}

/// A bare repository never makes a commit: installing the pre-commit hook there is refused
/// in one line, and nothing is written.
#[test]
fn install_pre_commit_in_a_bare_repository_is_refused_in_one_line() {
    let dir = tempfile::tempdir().unwrap();
    git(dir.path(), &["init", "-q", "--bare", "bare.git"]);
    let r = run(pushgate()
        .current_dir(dir.path())
        .args(["install", "pre-commit", "--repo", "bare.git"]));
    assert_eq!(r.code, 2, "{}", r.describe());
    assert_eq!(
        r.stderr,
        "pushgate: error: bare.git is a bare repository: no commit is made there, so a pre-commit hook \
         would never run; install it in a clone with a work tree\n",
        "{}",
        r.describe()
    );
    assert_eq!(r.stdout, "", "{}", r.describe());
    assert!(!dir.path().join("bare.git/hooks/pre-commit").exists());
    // The hooks a bare repository runs are installed as before.
    let r = run(pushgate()
        .current_dir(dir.path())
        .args(["install", "pre-receive", "--repo", "bare.git"]));
    assert_eq!(r.code, 0, "{}", r.describe());
}
