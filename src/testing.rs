//! What the crate's own tests share: `git` run with a fixed identity and date, away from the
//! user's configuration, the few ways they build a repository with it, and a finding to start
//! from.

use std::io::Write;
use std::path::Path;

use crate::outcome::{Finding, Level};
use crate::rules::RuleId;

/// A finding of `rule` at `level` about `path`, with nothing else known (struct update syntax
/// sets what a test needs besides).
pub(crate) fn finding(rule: RuleId, level: Level, path: &str) -> Finding {
    Finding {
        rule,
        pattern: rule.pattern(),
        level,
        path: Some(path.into()),
        blob: None,
        commit: None,
        reference: None,
        size: None,
        message: String::new(),
        suggestion: String::new(),
        evidence: Default::default(),
        paths: Vec::new(),
    }
}

/// `git args` in `dir`, not yet run.
pub(crate) fn git_command(dir: &Path, args: &[&str]) -> std::process::Command {
    let mut cmd = std::process::Command::new("git");
    cmd.current_dir(dir)
        .args(args)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.com")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.com")
        .env("GIT_AUTHOR_DATE", "@1700000000 +0000")
        .env("GIT_COMMITTER_DATE", "@1700000000 +0000");
    cmd
}

/// Run `git args` in `dir`; its output, trimmed (it must succeed).
pub(crate) fn git(dir: &Path, args: &[&str]) -> String {
    let out = git_command(dir, args).output().expect("git runs");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8").trim().to_owned()
}

/// Write `text` to `path` under `dir`.
pub(crate) fn write_file(dir: &Path, path: &str, text: &str) {
    std::fs::write(dir.join(path), text).expect("write");
}

/// Commit everything in the work tree of `dir`.
pub(crate) fn commit_all(dir: &Path, message: &str) {
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "-q", "-m", message]);
}

/// Feed `stream` to `git fast-import` in `dir` (forcing branch updates).
pub(crate) fn fast_import(dir: &Path, stream: &str) {
    let mut import = git_command(dir, &["fast-import", "--quiet", "--force"]);
    import.stdin(std::process::Stdio::piped());
    let mut child = import.spawn().expect("fast-import runs");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stream.as_bytes())
        .expect("write the stream");
    assert!(child.wait().expect("fast-import ends").success());
}
