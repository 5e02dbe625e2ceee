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

/// README.md and every page under docs/, as (path relative to the crate root, text); the docs
/// directory must hold at least one page.
fn documentation() -> Vec<(String, String)> {
    let mut pages: Vec<String> = std::fs::read_dir(root().join("docs"))
        .expect("docs/")
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".md"))
        .map(|name| format!("docs/{name}"))
        .collect();
    assert!(!pages.is_empty(), "docs/ holds no Markdown page");
    pages.sort();
    let mut files = vec!["README.md".to_string()];
    files.extend(pages);
    files
        .into_iter()
        .map(|f| {
            let text = std::fs::read_to_string(root().join(&f)).unwrap_or_else(|e| panic!("{f}: {e}"));
            (f, text)
        })
        .collect()
}

/// The lines of a Markdown text outside fenced code blocks, with their 1-based numbers.
fn prose_lines(text: &str) -> Vec<(usize, &str)> {
    let mut in_block = false;
    let mut lines = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if line.trim_start().starts_with("```") {
            in_block = !in_block;
        } else if !in_block {
            lines.push((n + 1, line));
        }
    }
    lines
}

/// Every `pushgate …` command in the code blocks of the README and of every page under docs/
/// (setups for servers, CI systems and pre-commit included) names a real subcommand with
/// options this build accepts.
#[test]
fn readme_commands_parse() {
    const COMMANDS: &[&str] = &[
        "scan",
        "audit",
        "index",
        "install",
        "uninstall",
        "pre-receive",
        "pre-push",
        "pre-commit",
        "policy",
        "init",
        "explain",
        "completions",
        "man",
        "report",
    ];
    // The commands a page has today, less a small margin: a page that loses its commands
    // (or a renamed page) is noticed.
    const AT_LEAST: &[(&str, usize)] = &[
        ("README.md", 15),
        ("docs/audit.md", 4),
        ("docs/baselines.md", 4),
        ("docs/ci.md", 4),
        ("docs/configuration.md", 1),
        ("docs/hooks.md", 7),
        ("docs/scanning.md", 3),
    ];
    let mut counts = std::collections::BTreeMap::new();
    for (file, text) in documentation() {
        let mut in_block = false;
        let mut checked = 0;
        for (n, line) in text.lines().enumerate() {
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
                assert_eq!(
                    r.code,
                    0,
                    "{file}:{}: `pushgate {}`\n{}",
                    n + 1,
                    words.join(" "),
                    r.describe()
                );
                checked += 1;
            }
        }
        counts.insert(file, checked);
    }
    for (file, least) in AT_LEAST {
        let found = counts.get(*file).copied();
        assert!(
            found.is_some_and(|n| n >= *least),
            "{file}: {found:?} commands checked, expected at least {least}"
        );
    }
    let docs: usize = counts
        .iter()
        .filter(|(f, _)| f.starts_with("docs/"))
        .map(|(_, n)| n)
        .sum();
    assert!(docs >= 25, "only {docs} commands found under docs/: {counts:?}");
}

/// GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens.
fn heading_slug(heading: &str) -> String {
    heading
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            '-' | '_' => Some(c),
            c if c.is_alphanumeric() => Some(c),
            _ => None,
        })
        .flat_map(char::to_lowercase)
        .collect()
}

/// The anchors the headings of a Markdown text produce (a repeated heading gets `-1`, `-2`, …).
fn anchors(text: &str) -> Vec<String> {
    let mut slugs: Vec<String> = Vec::new();
    let mut anchors = Vec::new();
    for (_, line) in prose_lines(text) {
        let hashes = line.chars().take_while(|&c| c == '#').count();
        if !(1..=6).contains(&hashes) || !line[hashes..].starts_with(' ') {
            continue;
        }
        let slug = heading_slug(line[hashes..].trim());
        let repeats = slugs.iter().filter(|s| **s == slug).count();
        anchors.push(if repeats == 0 {
            slug.clone()
        } else {
            format!("{slug}-{repeats}")
        });
        slugs.push(slug);
    }
    anchors
}

/// The targets of the relative Markdown links `](target)` of a text, outside code, with their
/// line numbers; links with a scheme (`https:`, `mailto:`) are left out.
fn relative_links(text: &str) -> Vec<(usize, String)> {
    let mut links = Vec::new();
    for (n, line) in prose_lines(text) {
        // Inline code is not a link: drop what lies between backticks.
        let prose: String = line.split('`').step_by(2).collect::<Vec<_>>().join(" ");
        let mut rest = prose.as_str();
        while let Some(at) = rest.find("](") {
            let tail = &rest[at + 2..];
            let end = tail.find(')').unwrap_or(tail.len());
            let target = &tail[..end];
            if !target.contains(':') {
                links.push((n, target.to_string()));
            }
            rest = &tail[end..];
        }
    }
    links
}

#[test]
fn heading_slugs_follow_github() {
    assert_eq!(
        heading_slug("What findings tell people to do: first steps and `[suggestions]`"),
        "what-findings-tell-people-to-do-first-steps-and-suggestions"
    );
    assert_eq!(heading_slug("The range `--ci` checks"), "the-range---ci-checks");
    assert_eq!(
        anchors("# A\n## Setup\n```\n# not a heading\n```\n### Setup\n## Setup guide\n"),
        ["a", "setup", "setup-1", "setup-guide"]
    );
}

/// Every relative link in the README and under docs/ points at a file that exists and, with an
/// anchor, at a heading of that file.
#[test]
fn docs_links_resolve() {
    let mut checked = 0;
    for (file, text) in documentation() {
        let dir = root().join(&file).parent().unwrap().to_path_buf();
        for (line, target) in relative_links(&text) {
            let (path, anchor) = target.split_once('#').unwrap_or((&target, ""));
            let target_file = if path.is_empty() {
                root().join(&file)
            } else {
                dir.join(path)
            };
            assert!(
                target_file.exists(),
                "{file}:{line}: link to `{target}`: {} does not exist",
                target_file.display()
            );
            if !anchor.is_empty() {
                let text = std::fs::read_to_string(&target_file).unwrap();
                assert!(
                    anchors(&text).iter().any(|a| a == anchor),
                    "{file}:{line}: link to `{target}`: no heading gives #{anchor}; it has {:?}",
                    anchors(&text)
                );
            }
            checked += 1;
        }
    }
    assert!(checked >= 30, "only {checked} relative links found");
}

/// The README links every page under docs/, and every page opens with its title and a sentence
/// saying what it covers.
#[test]
fn docs_pages_are_linked_and_titled() {
    let docs = documentation();
    let readme = &docs[0].1;
    for (file, text) in &docs[1..] {
        assert!(readme.contains(&format!("]({file})")), "README.md does not link {file}");
        let mut lines = text.lines().filter(|l| !l.trim().is_empty());
        let title = lines.next().unwrap_or_default();
        assert!(
            title.starts_with("# "),
            "{file}: the first line is not a `# Title`: {title:?}"
        );
        let first = lines.next().unwrap_or_default();
        assert!(
            first.starts_with("This page covers "),
            "{file}: the title is not followed by what the page covers: {first:?}"
        );
    }
}

/// The README stays short enough to read in a few minutes; the detail lives under docs/.
#[test]
fn readme_is_short() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let lines = readme.lines().count();
    assert!(lines < 250, "README.md has {lines} lines; move detail to docs/");
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

/// The lines of a `--help` text under `heading` (`Options:`, `Commands:`), up to the next
/// heading.
fn help_section<'a>(help: &'a str, heading: &str) -> Vec<&'a str> {
    help.lines()
        .skip_while(|l| l.trim_end() != heading)
        .skip(1)
        .take_while(|l| l.is_empty() || l.starts_with(' '))
        .collect()
}

/// The subcommands a `--help` text lists (without clap's `help`).
fn listed_commands(help: &str) -> Vec<String> {
    help_section(help, "Commands:")
        .iter()
        .filter(|l| l.starts_with("  ") && !l.starts_with("   "))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|name| *name != "help")
        .map(str::to_owned)
        .collect()
}

/// The options a `--help` text lists: long name, and the value name when it takes one.
fn listed_options(help: &str) -> Vec<(String, Option<String>)> {
    help_section(help, "Options:")
        .iter()
        // An option's own line; its description and possible values are indented further.
        .filter(|l| {
            let indent = l.len() - l.trim_start().len();
            indent <= 6 && l.trim_start().starts_with('-')
        })
        .filter_map(|l| {
            let words: Vec<&str> = l.split_whitespace().collect();
            let at = words.iter().position(|w| w.starts_with("--"))?;
            let long = words[at].trim_end_matches(',').trim_end_matches("...").to_owned();
            let value = words.get(at + 1).filter(|w| w.starts_with('<')).map(|w| {
                w.trim_matches(|c| c == '<' || c == '>')
                    .trim_end_matches(">...")
                    .to_owned()
            });
            Some((long, value))
        })
        .collect()
}

/// The possible values `--help` lists for the argument or option whose line starts with
/// `lead` (`<HOOK>`, `--format <FORMAT>`), in order: one per line (`- text: …`), or on the
/// argument's own line (`[possible values: bash, zsh]`).
fn possible_values(help: &str, lead: &str) -> Vec<String> {
    let mut lines = help.lines().skip_while(|l| !l.trim_start().starts_with(lead));
    let Some(first) = lines.next() else {
        return Vec::new();
    };
    if let Some((_, inline)) = first.split_once("[possible values: ") {
        let inline = inline.split(']').next().unwrap_or_default();
        return inline.split(", ").map(str::to_owned).collect();
    }
    lines
        .take_while(|l| !l.trim_start().starts_with('-') || l.trim_start().starts_with("- "))
        .filter_map(|l| l.trim_start().strip_prefix("- "))
        .filter_map(|l| l.split(':').next())
        .map(str::to_owned)
        .collect()
}

/// Every command's `--help` lists exactly the options it takes: each option listed is
/// accepted, and each common option not listed is refused with a usage error naming it. The
/// commands are read from the help itself, so a new command is covered.
#[test]
fn each_command_help_lists_exactly_the_options_it_takes() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("repo");
    git(dir.path(), &["init", "-q", "-b", "main", repo.to_str().unwrap()]);
    write_file(&repo, "README.md", "# notes\n");
    commit_all(&repo, "Initial commit");
    let policy = write_file(dir.path(), "policy.toml", "version = 1\n");

    let top = pushgate_run(&["--help"]);
    assert_eq!(top.code, 0, "{}", top.describe());
    let common: Vec<(String, Option<String>)> = listed_options(&top.stdout)
        .into_iter()
        .filter(|(long, _)| long != "--help" && long != "--version")
        .collect();
    assert!(common.len() >= 7, "{common:?}\n{}", top.stdout);

    // The commands, with subcommands of subcommands (`policy check`), leaves only.
    let mut pending: Vec<Vec<String>> = listed_commands(&top.stdout).into_iter().map(|c| vec![c]).collect();
    assert!(pending.len() >= 13, "{pending:?}");
    let mut leaves: Vec<(Vec<String>, String)> = Vec::new();
    while let Some(path) = pending.pop() {
        let mut args = path.clone();
        args.push("--help".into());
        let r = pushgate_run(&args);
        assert_eq!(r.code, 0, "{args:?}\n{}", r.describe());
        let subs = listed_commands(&r.stdout);
        if subs.is_empty() {
            leaves.push((path, r.stdout));
        } else {
            pending.extend(subs.into_iter().map(|s| [path.clone(), vec![s]].concat()));
        }
    }

    let mut checked = 0;
    for (path, help) in &leaves {
        // The positional arguments the usage line requires, filled with a value they take.
        let usage = help.lines().find(|l| l.starts_with("Usage: ")).unwrap();
        let mut base: Vec<String> = path.clone();
        for word in usage
            .split_whitespace()
            .filter(|w| w.starts_with('<') && w.ends_with('>'))
        {
            let value = possible_values(help, word)
                .into_iter()
                .next()
                .unwrap_or_else(|| "origin".into());
            base.push(value);
        }
        let value_for = |long: &str, name: &str| -> String {
            // A common option the command leaves out is described in the main help.
            for text in [help, &top.stdout] {
                if let Some(first) = possible_values(text, &format!("{long} <{name}>")).into_iter().next() {
                    return first;
                }
            }
            match (long, name) {
                ("--repo", _) => repo.display().to_string(),
                ("--policy", _) => policy.display().to_string(),
                (_, "DIR") => dir.path().join("hooks.d").display().to_string(),
                (_, "SIZE") => "500KiB".to_owned(),
                ("--fleet", _) => dir.path().join("repos.txt").display().to_string(),
                ("--jobs", _) => "2".to_owned(),
                ("--shard", _) => "0/2".to_owned(),
                ("--timeout", _) => "90s".to_owned(),
                (_, "FILE") => dir
                    .path()
                    .join(format!("{}{long}.out", path.join("-")))
                    .display()
                    .to_string(),
                _ => panic!("{path:?}: no value known for {long} <{name}>: add one here"),
            }
        };
        let with = |long: &str, value: &Option<String>| -> Vec<String> {
            let mut args = base.clone();
            args.push(long.to_owned());
            if let Some(name) = value {
                args.push(value_for(long, name));
            }
            args
        };
        let listed = listed_options(help);
        for (long, value) in listed.iter().filter(|(l, _)| l != "--help") {
            let args = with(long, value);
            let r = run(pushgate().current_dir(&repo).args(&args));
            assert!(
                !r.stderr.starts_with("error:") && !r.stderr.contains("does not apply"),
                "`pushgate {}` lists {long} in its help but refuses it\n{}",
                path.join(" "),
                r.describe()
            );
            checked += 1;
        }
        for (long, value) in common.iter().filter(|(c, _)| !listed.iter().any(|(l, _)| l == c)) {
            let args = with(long, value);
            let r = run(pushgate().current_dir(&repo).args(&args));
            assert_eq!(r.code, 2, "{args:?}\n{}", r.describe());
            assert!(
                r.stderr
                    .contains(&format!("{long} does not apply to `pushgate {}`", path[0])),
                "`pushgate {}` leaves {long} out of its help; giving it must say it does not apply\n{}",
                path.join(" "),
                r.describe()
            );
            checked += 1;
        }
    }
    let install = leaves.iter().find(|(p, _)| p == &["install"]).map(|(_, h)| h).unwrap();
    for hidden in ["--format", "--color", "--progress", "--verbose", "--output"] {
        assert!(!install.contains(hidden), "install --help lists {hidden}\n{install}");
    }
    assert!(
        checked > 80,
        "only {checked} options checked over {} commands",
        leaves.len()
    );

    // The manual page of a command lists only what it takes too.
    let r = pushgate_run(&["man", "install"]);
    assert_eq!(r.code, 0, "{}", r.describe());
    assert!(
        r.stdout.contains("\\-\\-hooks\\-dir") && !r.stdout.contains("\\-\\-format"),
        "{}",
        r.stdout
    );
}

/// clap's tip "to pass '--bogus' as a value, use '-- --bogus'" is offered only where a value
/// may begin with `-` (a file name); revisions, rule names, hooks and shells never do.
#[test]
fn no_dash_dash_tip_where_no_value_starts_with_a_dash() {
    let repo = fixture("plain");
    let repo = repo.to_str().unwrap();
    for args in [
        &["scan", "--repo", repo, "--bogus"][..],
        &["scan", "--repo", repo, "main", "--bogus"],
        &["explain", "--bogus"],
        &["man", "--bogus"],
        &["install", "pre-push", "--bogus"],
        &["completions", "--bogus"],
    ] {
        let r = pushgate_run(args);
        assert_eq!(r.code, 2, "{args:?}\n{}", r.describe());
        assert!(
            r.stderr.contains("unexpected argument '--bogus'"),
            "{args:?}\n{}",
            r.describe()
        );
        assert!(!r.stderr.contains("-- --bogus"), "{args:?}\n{}", r.describe());
    }
    // The tip would only lead to another error there:
    let r = pushgate_run(&["scan", "--repo", repo, "--", "--bogus"]);
    assert_eq!(r.code, 2, "{}", r.describe());
    assert!(r.stderr.contains("revisions never start with `-`"), "{}", r.describe());

    // A file name may begin with `-`: there the tip is right, and following it works.
    let r = pushgate_run(&["policy", "check", "--bogus"]);
    assert_eq!(r.code, 2, "{}", r.describe());
    assert!(r.stderr.contains("use '-- --bogus'"), "{}", r.describe());
    let dir = tempfile::tempdir().unwrap();
    write_file(dir.path(), "--bogus", "version = 1\n");
    let r = run(pushgate()
        .current_dir(dir.path())
        .args(["policy", "check", "--", "--bogus"]));
    assert_eq!(r.code, 0, "{}", r.describe());
}

/// `--repo` naming nothing, a file, or a directory outside any repository: one sentence for
/// all, exit status 3, from every command that opens the repository.
#[test]
fn a_repo_that_is_not_a_repository_reads_alike() {
    let dir = tempfile::tempdir().unwrap();
    let plain = dir.path().join("plain-dir");
    std::fs::create_dir(&plain).unwrap();
    let file = write_file(dir.path(), "file.txt", "text\n");
    let missing = dir.path().join("nonexistent");
    for (at, why) in [
        (&missing, "no such directory"),
        (&file, "not a directory"),
        (&plain, "or any of its parents"),
    ] {
        let at = at.to_str().unwrap();
        for args in [
            &["scan", "--all", "--repo", at][..],
            &["audit", "--repo", at],
            &["install", "pre-push", "--repo", at],
            &["explain", "--repo", at],
            &["policy", "show", "--repo", at],
            &["init", "--repo", at],
        ] {
            let r = run(pushgate().current_dir(dir.path()).args(args));
            assert_eq!(r.code, 3, "{args:?}\n{}", r.describe());
            assert_eq!(
                r.stderr,
                format!("pushgate: error: {at} is not a git repository ({why})\n"),
                "{args:?}"
            );
        }
    }
    assert!(!missing.exists(), "nothing was created");
}
