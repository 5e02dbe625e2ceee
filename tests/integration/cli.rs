//! `pushgate explain`, help and usage errors.

#![allow(clippy::unwrap_used)]

use crate::util::*;

#[test]
fn explain_lists_every_rule() {
    let r = pushgate_run(&["explain"]);
    assert_eq!(r.code, 0, "{}", r.describe());
    for (rule, _, _) in RULES {
        assert!(r.stdout.contains(rule), "{rule} missing from `explain`\n{}", r.stdout);
    }
}

#[test]
fn explain_a_rule_gives_its_pattern_and_default_level() {
    for (rule, pattern, level) in RULES {
        let r = pushgate_run(&["explain", rule]);
        assert_eq!(r.code, 0, "explain {rule}\n{}", r.describe());
        for word in [*rule, *pattern, *level] {
            assert!(
                r.stdout.contains(word),
                "`explain {rule}` must mention {word}\n{}",
                r.stdout
            );
        }
    }
}

#[test]
fn explain_differs_per_rule() {
    let a = pushgate_run(&["explain", "large-blob"]);
    let b = pushgate_run(&["explain", "database-dump"]);
    assert_eq!((a.code, b.code), (0, 0));
    assert_ne!(a.stdout, b.stdout);
}

#[test]
fn explain_unknown_rule_suggests_the_closest() {
    let r = pushgate_run(&["explain", "large-blobs"]);
    assert_eq!(r.code, 2, "{}", r.describe());
    let all = format!("{}{}", r.stdout, r.stderr);
    assert!(
        suggests(&all, "large-blobs", "large-blob", "history-growth"),
        "must suggest large-blob\n{}",
        r.describe()
    );

    let r = pushgate_run(&["explain", "backup-files"]);
    assert_eq!(r.code, 2, "{}", r.describe());
    let all = format!("{}{}", r.stdout, r.stderr);
    assert!(
        suggests(&all, "backup-files", "backup-file", "disk-image"),
        "must suggest backup-file\n{}",
        r.describe()
    );

    let r = pushgate_run(&["explain", "zzzz-not-a-rule"]);
    assert_eq!(r.code, 2, "{}", r.describe());
    assert!(r.stderr.contains("zzzz-not-a-rule"), "{}", r.describe());
}

#[test]
fn help_exits_0() {
    let r = pushgate_run(&["--help"]);
    assert_eq!(r.code, 0, "{}", r.describe());
    for cmd in ["scan", "policy", "explain", "init"] {
        assert!(r.stdout.contains(cmd), "--help must list {cmd}\n{}", r.stdout);
    }

    let r = pushgate_run(&["scan", "--help"]);
    assert_eq!(r.code, 0, "{}", r.describe());
    for opt in ["--all", "--repo", "--policy", "--format", "--output", "--color"] {
        assert!(r.stdout.contains(opt), "scan --help must list {opt}\n{}", r.stdout);
    }

    let r = pushgate_run(&["policy", "--help"]);
    assert_eq!(r.code, 0, "{}", r.describe());
    for cmd in ["check", "show"] {
        assert!(r.stdout.contains(cmd), "policy --help must list {cmd}\n{}", r.stdout);
    }
}

#[test]
fn usage_errors_exit_2() {
    let repo = fixture("plain");
    let repo = repo.to_str().unwrap();
    for args in [
        &["no-such-subcommand"][..],
        &["scan", "--repo", repo, "--all", "--format", "xml"],
        &["scan", "--repo", repo, "--all", "--color", "sometimes"],
        &["scan", "--repo", repo, "--all", "--no-such-flag"],
    ] {
        let r = pushgate_run(args);
        assert_eq!(r.code, 2, "pushgate {args:?}\n{}", r.describe());
        assert!(
            !r.stderr.trim().is_empty(),
            "pushgate {args:?}: say why\n{}",
            r.describe()
        );
    }
}

/// Every `pushgate …` command in the README's code blocks (setups for servers, CI systems and
/// pre-commit included) names a real subcommand with options this build accepts.
#[test]
fn readme_commands_parse() {
    const COMMANDS: &[&str] = &[
        "scan",
        "audit",
        "install",
        "pre-receive",
        "pre-push",
        "policy",
        "init",
        "explain",
        "completions",
        "man",
    ];
    let readme = std::fs::read_to_string(root().join("README.md")).expect("README.md");
    let mut in_block = false;
    let mut checked = 0;
    for line in readme.lines() {
        if line.trim_start().starts_with("```") {
            in_block = !in_block;
            continue;
        }
        if !in_block {
            continue;
        }
        let mut rest = line;
        while let Some(at) = rest.find("pushgate ") {
            let before = rest[..at].chars().last();
            let tail = &rest[at + "pushgate ".len()..];
            rest = tail;
            if before.is_some_and(|c| !(c.is_whitespace() || matches!(c, '/' | '\'' | '"' | '-'))) {
                continue;
            }
            let end = tail
                .find([';', '|', '&', '#', '>', '<', '\'', '\\'])
                .unwrap_or(tail.len());
            let words: Vec<String> = tail[..end]
                .split_whitespace()
                .map(|w| w.trim_matches('"').to_string())
                .map(|w| if w.contains('$') { "x".to_string() } else { w })
                .collect();
            if !words.first().is_some_and(|w| COMMANDS.contains(&w.as_str())) {
                continue;
            }
            let mut args = words.clone();
            args.push("--help".into());
            let r = pushgate_run(&args);
            assert_eq!(r.code, 0, "README: `pushgate {}`\n{}", words.join(" "), r.describe());
            checked += 1;
        }
    }
    assert!(checked >= 15, "only {checked} commands found in the README");
}

/// An option a command does not use is a usage error that names it, never silently ignored.
#[test]
fn options_a_command_does_not_use_are_usage_errors() {
    let repo = fixture("plain");
    let repo = repo.to_str().unwrap();
    for (args, flag) in [
        (
            &["install", "pre-push", "--repo", repo, "--format", "json"][..],
            "--format",
        ),
        (&["explain", "--format", "json"], "--format"),
        (&["explain", "large-blob", "--verbose"], "--verbose"),
        (&["init", "--repo", repo, "--policy", "p.toml"], "--policy"),
        (&["completions", "bash", "--repo", repo], "--repo"),
        (&["man", "--color", "always"], "--color"),
        (&["policy", "show", "--progress", "never"], "--progress"),
    ] {
        let r = pushgate_run(args);
        assert_eq!(r.code, 2, "pushgate {args:?}\n{}", r.describe());
        let command = args[0];
        assert!(
            r.stderr
                .contains(&format!("{flag} does not apply to `pushgate {command}`")),
            "pushgate {args:?}\n{}",
            r.describe()
        );
        assert!(r.stdout.is_empty(), "nothing done: {args:?}\n{}", r.describe());
    }
    // Nothing was installed by the refused `install`.
    assert!(!std::path::Path::new(repo).join(".git/hooks/pre-push").exists());

    // Options a command uses are accepted.
    for args in [
        &["explain", "--repo", repo, "--output", "/dev/null"][..],
        &["policy", "show", "--format", "json", "--repo", repo],
        &[
            "scan",
            "--all",
            "--repo",
            repo,
            "--format",
            "json",
            "--verbose",
            "--progress",
            "never",
        ],
    ] {
        let r = pushgate_run(args);
        assert!(r.code == 0 || r.code == 1, "pushgate {args:?}\n{}", r.describe());
    }
}

#[test]
fn explain_a_pattern_lists_its_rules() {
    for pattern in ["large-churn", "database", "audit-trail", "backup"] {
        let r = pushgate_run(&["explain", pattern]);
        assert_eq!(r.code, 0, "explain {pattern}\n{}", r.describe());
        for (rule, of, _) in RULES {
            let listed = r.stdout.lines().any(|l| l.starts_with(&format!("{rule} ")));
            assert_eq!(listed, *of == pattern, "explain {pattern}: {rule}\n{}", r.stdout);
        }
        assert!(
            squash_ws(&r.stdout).contains(&squash_ws(default_suggestion(pattern))),
            "explain {pattern} gives the pattern's suggestion\n{}",
            r.stdout
        );
    }
    let r = pushgate_run(&["explain", "databse"]);
    assert_eq!(r.code, 2, "{}", r.describe());
    assert!(r.stderr.contains("did you mean `database`?"), "{}", r.describe());
}

/// `scan` with no revision checks what HEAD adds to its upstream, and says so; without an
/// upstream it says why and exits 2.
#[test]
fn scan_without_a_revision_checks_the_upstream_range() {
    let dir = tempfile::tempdir().unwrap();
    let remote = dir.path().join("remote.git");
    let work = dir.path().join("work");
    git(
        dir.path(),
        &["init", "-q", "--bare", "-b", "main", remote.to_str().unwrap()],
    );
    git(dir.path(), &["init", "-q", "-b", "main", work.to_str().unwrap()]);
    let commit = |message: &str| crate::util::commit_all(&work, message);
    let scan = || run(pushgate().current_dir(&work).args(["scan", "--format", "json"]));
    let mut sqlite = b"SQLite format 3\0".to_vec();
    sqlite.resize(4096, 0);
    std::fs::write(work.join("old.sqlite"), &sqlite).unwrap();
    commit("An old database");

    let r = scan();
    assert_eq!(r.code, 2, "{}", r.describe());
    assert!(r.stderr.contains("branch `main` has no upstream"), "{}", r.describe());

    git(&work, &["remote", "add", "origin", remote.to_str().unwrap()]);
    git(&work, &["push", "-q", "-u", "origin", "main"]);
    let r = scan();
    assert_eq!(r.code, 0, "nothing beyond the upstream\n{}", r.describe());
    assert!(
        r.stderr.contains("checking what HEAD adds to its upstream origin/main"),
        "{}",
        r.describe()
    );
    assert_eq!(parse_report(&r)["summary"]["commits"], 0);

    sqlite[100] = 1;
    std::fs::write(work.join("new.sqlite"), &sqlite).unwrap();
    commit("A new database");
    let r = scan();
    assert_eq!(r.code, 1, "{}", r.describe());
    let report = parse_report(&r);
    assert_eq!(report["summary"]["commits"], 1);
    let paths: Vec<String> = findings(&report).iter().map(path_of).collect();
    assert_eq!(paths, ["new.sqlite"], "{}", r.describe());

    git(&work, &["checkout", "-q", "--detach"]);
    let r = scan();
    assert_eq!(r.code, 2, "{}", r.describe());
    assert!(r.stderr.contains("HEAD is detached"), "{}", r.describe());
}
