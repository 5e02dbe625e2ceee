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
