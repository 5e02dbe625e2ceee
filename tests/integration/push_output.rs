//! What the pusher reads, pinned: real `git push` into a bare repository with the
//! pre-receive hook (and the pre-push hook on the client), the report snapshotted with commit
//! ids and timings normalised. The fix advice is followed as printed, and the push retried.

use std::fs;
use std::path::Path;
use std::process;

use crate::hooks::{Server, finding_lines, output, push_command, remote_lines, remote_text};
use crate::util::{git, git_command};

/// A server seeded with `main` of the `push_output` fixture, with the pre-receive hook.
fn server() -> Server {
    let server = Server::seeded("push_output", "main");
    let r = server.pushgate(&["install", "pre-receive"]);
    assert_eq!(r.code, 0, "install: {}", r.describe());
    server
}

/// `text` with every commit id of `repo` (full, 10 and 7 characters) replaced by its name
/// relative to a branch (`<deep~2>`), and the timing replaced by `<ms>`.
fn normalise(text: &str, repo: &Path) -> String {
    let mut out = text.to_owned();
    let ids = git(repo, &["rev-list", "--all"]);
    for id in ids.lines() {
        let name = git(repo, &["name-rev", "--name-only", "--refs=refs/heads/*", id]);
        for len in [40, 10, 7] {
            out = out.replace(&id[..len], &format!("<{name}>"));
        }
    }
    let mut result = String::new();
    let mut rest = out.as_str();
    while let Some(i) = rest.find("checked in ") {
        let (head, tail) = rest.split_at(i + "checked in ".len());
        result.push_str(head);
        let digits = tail.chars().take_while(char::is_ascii_digit).count();
        result.push_str("<ms>");
        rest = &tail[digits..];
    }
    result.push_str(rest);
    result
}

/// The lines of the fix advice that are commands: four spaces in, after the heading.
pub fn commands(lines: &[String]) -> Vec<String> {
    lines
        .iter()
        .skip_while(|l| !l.starts_with("How to fix the commits"))
        .filter_map(|l| l.strip_prefix("    "))
        .filter(|l| l.starts_with("git "))
        .map(str::to_owned)
        .collect()
}

/// Run one advised command in `repo` through a shell, as a pusher would paste it, with
/// `editor` standing in for the editor of `git rebase -i`.
pub fn follow(repo: &Path, command: &str, editor: &str) {
    follow_in("sh", repo, command, editor);
}

/// [`follow`] in a given shell.
fn follow_in(shell: &str, repo: &Path, command: &str, editor: &str) {
    let out = process::Command::new(shell)
        .arg("-c")
        .arg(command)
        .current_dir(repo)
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_SEQUENCE_EDITOR", editor)
        .env("GIT_EDITOR", "true")
        .env("GIT_AUTHOR_NAME", "Pusher")
        .env("GIT_AUTHOR_EMAIL", "pusher@example.com")
        .env("GIT_COMMITTER_NAME", "Pusher")
        .env("GIT_COMMITTER_EMAIL", "pusher@example.com")
        .output()
        .expect("run sh");
    assert!(
        out.status.success(),
        "`{command}` failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Whether the tree of `rev` in `repo` holds `path`.
pub fn holds(repo: &Path, rev: &str, path: &str) -> bool {
    git_command(repo, &["cat-file", "-e", &format!("{rev}:{path}")])
        .stderr(process::Stdio::null())
        .status()
        .expect("git cat-file")
        .success()
}

#[test]
fn a_deny_comes_first_and_repeated_logs_share_one_line() {
    let server = server();
    let r = server.push(&["logs30:refs/heads/main"]);
    assert_ne!(r.code, 0, "{}", r.describe());
    let lines = finding_lines(&r);
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert!(
        lines[0].starts_with("deny") && lines[0].contains("var/db.sql"),
        "{lines:?}"
    );
    assert!(
        lines[1].starts_with("warn") && lines[1].contains("out/*.log ×30"),
        "{lines:?}"
    );
    let text = remote_text(&r);
    assert!(
        text.contains("push rejected: 1 finding at or above fail_on = deny (and 1 below it)"),
        "{text}"
    );
    insta::assert_snapshot!("pre-receive-logs30", normalise(&text, server.client.path()));
}

#[test]
fn the_cap_never_cuts_a_deny() {
    let server = server();
    // Three directories of eight logs: each directory shares a line.
    let r = server.push(&["logs-spread:refs/heads/main"]);
    assert_ne!(r.code, 0, "{}", r.describe());
    let lines = finding_lines(&r);
    assert_eq!(lines.len(), 4, "{lines:?}");
    assert!(
        lines[0].starts_with("deny") && lines[0].contains("var/db.sql"),
        "{lines:?}"
    );
    for (line, dir) in lines[1..].iter().zip(["out/a/", "out/b/", "out/c/"]) {
        assert!(line.contains(&format!("{dir}*.log ×8")), "{lines:?}");
    }
    assert!(
        remote_text(&r).contains("1 finding at or above fail_on = deny (and 24 below it)"),
        "{}",
        r.describe()
    );

    // A cap of one line still lists the deny, and counts what it leaves out.
    server.policy("[hook]\nmax_findings_shown = 1\n");
    let r = server.push(&["logs-spread:refs/heads/main"]);
    assert_ne!(r.code, 0, "{}", r.describe());
    let lines = finding_lines(&r);
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(
        lines[0].starts_with("deny") && lines[0].contains("var/db.sql"),
        "{lines:?}"
    );
    let text = remote_text(&r);
    assert!(
        text.contains("… and 24 more findings below fail_on not shown ([hook] max_findings_shown = 1)"),
        "{text}"
    );
    insta::assert_snapshot!("pre-receive-logs-spread-capped", normalise(&text, server.client.path()));
}

#[test]
fn a_dump_two_commits_below_the_tip_gets_a_rebase_that_works() {
    let server = server();
    let client = server.client.path();
    let dump_commit = server.client_rev("deep~2");
    let r = server.push(&["deep:refs/heads/main"]);
    assert_ne!(r.code, 0, "{}", r.describe());
    let lines = remote_lines(&r);
    let text = lines.join("\n");
    assert!(
        text.contains(&format!(
            "backup/d.sql: added in {} \"Nightly dump\", 2 commits below the tip of refs/heads/main",
            &dump_commit[..10]
        )),
        "{text}"
    );
    assert!(!text.contains("--amend --no-edit &&"), "no amend of the tip: {text}");
    insta::assert_snapshot!("pre-receive-deep", normalise(&text, client));

    // Follow the advice word for word; the editor step marks the first line `edit`.
    let steps = commands(&lines);
    assert_eq!(steps.len(), 4, "{steps:?}");
    assert!(steps[0].starts_with("git rebase -i "), "{steps:?}");
    git(client, &["checkout", "-q", "deep"]);
    for step in &steps {
        follow(client, step, "sed -i 1s/^pick/edit/");
    }
    assert!(!holds(client, "deep", "backup/d.sql"), "the dump left the history");
    assert!(client.join("backup/d.sql").is_file(), "the file stays in the work tree");
    assert_eq!(git(client, &["rev-list", "--count", "main..deep"]), "3");
    let r = server.push(&["deep:refs/heads/main"]);
    assert_eq!(r.code, 0, "the push goes through after the fix: {}", r.describe());
    assert!(remote_text(&r).contains("pushgate: ok"), "{}", r.describe());
    assert_eq!(server.rev("refs/heads/main"), Some(server.client_rev("deep")));
}

#[test]
fn dumps_in_two_commits_get_one_rebase_with_two_stops() {
    let server = server();
    let client = server.client.path();
    let r = server.push(&["two-deep:refs/heads/main"]);
    assert_ne!(r.code, 0, "{}", r.describe());
    let lines = remote_lines(&r);
    let one = server.client_rev("two-deep~3");
    let two = server.client_rev("two-deep~1");
    let text = lines.join("\n");
    assert!(
        text.contains(&format!("added in {} \"Dump one\", 3 commits below", &one[..10])),
        "{text}"
    );
    assert!(
        text.contains(&format!("added in {} \"Dump two\", 1 commit below", &two[..10])),
        "{text}"
    );
    insta::assert_snapshot!("pre-receive-two-deep", normalise(&text, client));

    let steps = commands(&lines);
    assert_eq!(steps.len(), 7, "{steps:?}");
    git(client, &["checkout", "-q", "two-deep"]);
    let editor = format!(
        "sed -i -e '/^pick {}/s/^pick/edit/' -e '/^pick {}/s/^pick/edit/'",
        &one[..7],
        &two[..7]
    );
    for step in &steps {
        follow(client, step, &editor);
    }
    for path in ["backup/one.sql", "backup/two.sql"] {
        assert!(!holds(client, "two-deep", path), "{path} left the history");
    }
    let r = server.push(&["two-deep:refs/heads/main"]);
    assert_eq!(r.code, 0, "{}", r.describe());
}

#[test]
fn a_dump_at_the_tip_is_amended() {
    let server = server();
    let client = server.client.path();
    let r = server.push(&["tip:refs/heads/main"]);
    assert_ne!(r.code, 0, "{}", r.describe());
    let lines = remote_lines(&r);
    let steps = commands(&lines);
    assert_eq!(
        steps,
        vec!["git rm --cached -- backup/shop.sql && git commit --amend --no-edit --allow-empty".to_owned()],
        "{lines:?}"
    );
    insta::assert_snapshot!("pre-receive-tip", normalise(&lines.join("\n"), client));
    git(client, &["checkout", "-q", "tip"]);
    for step in &steps {
        follow(client, step, "true");
    }
    let r = server.push(&["tip:refs/heads/main"]);
    assert_eq!(r.code, 0, "{}", r.describe());
}

#[test]
fn pre_push_gives_the_same_advice_and_it_works() {
    let server = Server::seeded("push_output", "main");
    let client = server.client.path();
    git(client, &["remote", "add", "origin", &server.url()]);
    git(client, &["fetch", "-q", "origin"]);
    let r = crate::util::pushgate_run(&["install", "pre-push", "--repo", &client.display().to_string()]);
    assert_eq!(r.code, 0, "{}", r.describe());
    git(client, &["checkout", "-q", "deep"]);
    let push = || {
        let mut cmd = process::Command::new("git");
        cmd.arg("-C")
            .arg(client)
            .args(["push", "origin", "deep:refs/heads/main"]);
        cmd.env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("NO_COLOR", "1")
            .env_remove("PUSHGATE_POLICY");
        output(cmd)
    };
    let r = push();
    assert_ne!(r.code, 0, "{}", r.describe());
    let ours: Vec<String> = r
        .stderr
        .lines()
        .take_while(|l| !l.starts_with("error: failed to push"))
        .map(str::to_owned)
        .collect();
    let text = ours.join("\n");
    assert!(
        text.contains("\"Nightly dump\", 2 commits below the tip of refs/heads/main"),
        "{text}"
    );
    assert!(text.contains("to push anyway: git push --no-verify"), "{text}");
    insta::assert_snapshot!("pre-push-deep", normalise(&text, client));
    for step in commands(&ours) {
        follow(client, &step, "sed -i 1s/^pick/edit/");
    }
    let r = push();
    assert_eq!(r.code, 0, "{}", r.describe());
    assert_eq!(server.rev("refs/heads/main"), Some(server.client_rev("deep")));
}

const BYPASS_POLICY: &str = "[bypass]\nenabled = true\nusers = [\"alice\"]\n";

#[test]
fn a_granted_bypass_reads_as_accepted_under_bypass() {
    let server = server();
    server.config("receive.advertisePushOptions", "true");
    server.policy(BYPASS_POLICY);
    let r = server.push_env(
        &["-o", "pushgate.bypass=restore after incident 42", "tip:refs/heads/main"],
        &[("USER", "alice")],
    );
    assert_eq!(r.code, 0, "{}", r.describe());
    let text = remote_text(&r);
    assert!(
        text.contains(
            "push accepted under a bypass by alice (reason: restore after incident 42), logged in pushgate-bypass.jsonl"
        ),
        "{text}"
    );
    assert!(
        !finding_lines(&r).iter().any(|l| l.starts_with("deny")),
        "no line reads `deny`: {text}"
    );
    let bypassed: Vec<String> = remote_lines(&r)
        .into_iter()
        .filter(|l| l.starts_with("bypassed  refs/heads/main"))
        .collect();
    assert!(
        bypassed.len() == 1 && bypassed[0].contains("backup/shop.sql"),
        "the pusher still sees what went through: {text}"
    );
    assert!(
        !text.contains("push again") && !text.contains("rejected") && !text.contains("to push anyway"),
        "{text}"
    );
    insta::assert_snapshot!("pre-receive-bypass-granted", normalise(&text, server.client.path()));
    assert_eq!(server.rev("refs/heads/main"), Some(server.client_rev("tip")));
}

#[test]
fn a_refused_bypass_is_not_offered_again() {
    let server = server();
    server.config("receive.advertisePushOptions", "true");
    server.policy(BYPASS_POLICY);
    let r = server.push_env(
        &["-o", "pushgate.bypass=please", "tip:refs/heads/main"],
        &[("USER", "bob")],
    );
    assert_ne!(r.code, 0, "{}", r.describe());
    let text = remote_text(&r);
    assert!(
        text.contains("bypass refused: `bob` is not among the users allowed"),
        "{text}"
    );
    assert!(!text.contains("to push anyway"), "{text}");
    insta::assert_snapshot!("pre-receive-bypass-refused", normalise(&text, server.client.path()));
    // Without a bypass request the offer stands.
    let r = server.push_env(&["tip:refs/heads/main"], &[("USER", "bob")]);
    assert!(
        remote_text(&r).contains("to push anyway, if you may: git push -o pushgate.bypass="),
        "{}",
        r.describe()
    );
}

#[test]
fn a_misspelt_pushgate_option_is_named() {
    let server = server();
    server.config("receive.advertisePushOptions", "true");
    server.policy(BYPASS_POLICY);
    let r = server.push_env(
        &["-o", "pushgate.bypas=hotfix", "-o", "ci.skip", "tip:refs/heads/main"],
        &[("USER", "alice")],
    );
    assert_ne!(r.code, 0, "{}", r.describe());
    let lines = remote_lines(&r);
    let warnings: Vec<&String> = lines.iter().filter(|l| l.starts_with("pushgate: warning:")).collect();
    assert_eq!(
        warnings,
        vec![
            "pushgate: warning: unknown push option `pushgate.bypas` ignored; the known one is `pushgate.bypass=<reason>`"
        ],
        "{lines:?}"
    );
    assert_eq!(server.rev("refs/heads/main"), Some(server.client_rev("main")));
}

#[test]
fn evaluate_mode_says_it_accepted() {
    let server = server();
    server.policy("mode = \"evaluate\"\n");
    let r = server.push(&["tip:refs/heads/main"]);
    assert_eq!(r.code, 0, "{}", r.describe());
    let text = remote_text(&r);
    assert!(
        !text.contains("push again") && !text.contains("to push anyway"),
        "{text}"
    );
    insta::assert_snapshot!("pre-receive-evaluate", normalise(&text, server.client.path()));
}

#[test]
fn an_unknown_user_is_logged_the_same_in_both_logs() {
    let server = server();
    server.config("receive.advertisePushOptions", "true");
    server.policy("[bypass]\nenabled = true\n");
    let r = server.push_env(&["-o", "pushgate.bypass=why", "tip:refs/heads/main"], &[("USER", "")]);
    assert_eq!(r.code, 0, "{}", r.describe());
    assert!(remote_text(&r).contains("by an unknown pusher"), "{}", r.describe());

    server.policy("mode = \"evaluate\"\n");
    let r = server.push_env(&["deep:refs/heads/other"], &[("USER", "")]);
    assert_eq!(r.code, 0, "{}", r.describe());

    let entry = |log: &str| -> serde_json::Value {
        let text = fs::read_to_string(server.bare.join(log)).unwrap_or_else(|e| panic!("{log}: {e}"));
        serde_json::from_str(text.trim()).expect("one JSON line")
    };
    let bypass = entry("pushgate-bypass.jsonl");
    let evaluate = entry("pushgate-evaluate.jsonl");
    assert_eq!(bypass["event"], "bypass");
    assert_eq!(evaluate["event"], "evaluate");
    assert!(bypass.get("user").is_some_and(serde_json::Value::is_null), "{bypass}");
    assert!(
        evaluate.get("user").is_some_and(serde_json::Value::is_null),
        "{evaluate}"
    );
}

#[test]
fn a_known_user_is_logged_by_name_in_both_logs() {
    let server = server();
    server.config("receive.advertisePushOptions", "true");
    server.policy("[bypass]\nenabled = true\n");
    let r = server.push_env(
        &["-o", "pushgate.bypass=why", "tip:refs/heads/main"],
        &[("USER", "carol")],
    );
    assert_eq!(r.code, 0, "{}", r.describe());
    server.policy("mode = \"evaluate\"\n");
    let mut cmd = push_command(server.client.path(), &server.url(), &["deep:refs/heads/other"]);
    cmd.env("USER", "carol");
    assert_eq!(output(cmd).code, 0);
    for log in ["pushgate-bypass.jsonl", "pushgate-evaluate.jsonl"] {
        let text = fs::read_to_string(server.bare.join(log)).expect("log");
        let entry: serde_json::Value = serde_json::from_str(text.trim()).expect("one JSON line");
        assert_eq!(entry["user"], "carol", "{log}: {entry}");
    }
}

#[test]
fn a_dump_merged_from_a_side_branch_gets_a_rebase_that_keeps_the_merge() {
    // The `push` fixture: `merge` is `clean` with `side-dump` (a dump) merged in.
    let server = Server::seeded("push", "main");
    assert_eq!(server.pushgate(&["install", "pre-receive"]).code, 0);
    let client = server.client.path();
    let side = server.client_rev("side-dump");
    let r = server.push(&["merge:refs/heads/main"]);
    assert_ne!(r.code, 0, "{}", r.describe());
    let lines = remote_lines(&r);
    let text = lines.join("\n");
    assert!(
        text.contains(&format!(
            "exports/side.sql: added in {} \"Side export\", a commit merged into refs/heads/main",
            &side[..10]
        )),
        "{text}"
    );
    let steps = commands(&lines);
    assert_eq!(steps.len(), 4, "{text}");
    assert!(steps[0].starts_with("git rebase -i --rebase-merges "), "{text}");
    git(client, &["checkout", "-q", "merge"]);
    let editor = format!("sed -i -e '/^pick {}/s/^pick/edit/'", &side[..7]);
    for step in &steps {
        follow(client, step, &editor);
    }
    assert!(!holds(client, "merge", "exports/side.sql"));
    assert_eq!(
        git(client, &["rev-list", "--count", "--merges", "main..merge"]),
        "1",
        "the merge is kept"
    );
    let r = server.push(&["merge:refs/heads/main"]);
    assert_eq!(r.code, 0, "{}", r.describe());
}

#[test]
fn odd_file_names_in_the_advice_name_the_real_files() {
    // The `hostile` fixture: `odd-paths` adds dumps whose names hold escapes, invalid UTF-8,
    // a bidi override and a very long directory.
    let server = Server::seeded("hostile", "main");
    assert_eq!(server.pushgate(&["install", "pre-receive"]).code, 0);
    let client = server.client.path();
    let r = server.push(&["odd-paths:refs/heads/main"]);
    assert_ne!(r.code, 0, "{}", r.describe());
    let lines = remote_lines(&r);
    let steps = commands(&lines);
    assert_eq!(steps.len(), 1, "{lines:?}");
    assert!(
        steps[0].is_ascii() && !steps[0].chars().any(|c| c.is_control()),
        "{steps:?}"
    );
    assert!(steps[0].contains(r"$'bell\x07back\x08.sql'"), "{steps:?}");
    git(client, &["checkout", "-q", "odd-paths"]);
    // `$'…'` words need bash, zsh or ksh.
    follow_in("bash", client, &steps[0], "true");
    let left = git(client, &["ls-tree", "-r", "--name-only", "-z", "odd-paths"]);
    assert!(!left.split('\0').any(|p| p.ends_with(".sql")), "{left:?}");
    let r = server.push(&["odd-paths:refs/heads/main"]);
    assert_eq!(r.code, 0, "{}", r.describe());
}

#[test]
fn a_dump_below_a_merge_gets_a_rebase_that_keeps_the_merge() {
    let server = server();
    let client = server.client.path();
    let dump = server.client_rev("below-merge^1");
    let r = server.push(&["below-merge:refs/heads/main"]);
    assert_ne!(r.code, 0, "{}", r.describe());
    let lines = remote_lines(&r);
    let text = lines.join("\n");
    assert!(
        text.contains(&format!(
            "backup/m.sql: added in {} \"Nightly dump\", 1 commit below the tip of refs/heads/main",
            &dump[..10]
        )),
        "{text}"
    );
    let steps = commands(&lines);
    assert_eq!(steps.len(), 4, "{text}");
    assert!(steps[0].starts_with("git rebase -i --rebase-merges "), "{text}");
    git(client, &["checkout", "-q", "below-merge"]);
    let editor = format!("sed -i -e '/^pick {}/s/^pick/edit/'", &dump[..7]);
    for step in &steps {
        follow(client, step, &editor);
    }
    assert!(!holds(client, "below-merge", "backup/m.sql"));
    assert!(holds(client, "below-merge", "docs/side.md"));
    assert_eq!(
        git(client, &["rev-list", "--count", "--merges", "main..below-merge"]),
        "1",
        "the merge is kept"
    );
    let r = server.push(&["below-merge:refs/heads/main"]);
    assert_eq!(r.code, 0, "{}", r.describe());
}

#[test]
#[ignore = "needs git-lfs (run with --include-ignored; .ci/run does)"]
fn the_git_lfs_form_of_the_advice_works() {
    let lfs = process::Command::new("git").args(["lfs", "version"]).output();
    assert!(
        lfs.is_ok_and(|o| o.status.success()),
        "needs git-lfs on PATH (apt-get install git-lfs; .ci/run installs it)"
    );
    let server = server();
    server.policy("[rules.large-blob]\nwarn_size = \"64KiB\"\ndeny_size = \"128KiB\"\n");
    let client = server.client.path();
    // A large binary two commits below the tip: large-churn, so the advice offers Git LFS.
    git(client, &["checkout", "-q", "-b", "media", "main"]);
    git(client, &["config", "user.name", "Pusher"]);
    git(client, &["config", "user.email", "pusher@example.com"]);
    let video: Vec<u8> = (0u32..200_000)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    fs::create_dir_all(client.join("media")).expect("mkdir");
    fs::write(client.join("media/video.mp4"), &video).expect("write video");
    git(client, &["add", "-A"]);
    git(client, &["commit", "-q", "-m", "Add the launch video"]);
    for (file, text) in [("docs/a.md", "A.\n"), ("docs/b.md", "B.\n")] {
        crate::util::write_file(client, file, text);
        git(client, &["add", "-A"]);
        git(client, &["commit", "-q", "-m", &format!("Add {file}")]);
    }
    let r = server.push(&["media:refs/heads/main"]);
    assert_ne!(r.code, 0, "{}", r.describe());
    let lines = remote_lines(&r);
    let lfs_line = lines
        .iter()
        .find_map(|l| l.trim_start().strip_prefix("or, to keep them in Git LFS instead: "))
        .unwrap_or_else(|| panic!("an LFS form: {lines:?}"))
        .to_owned();
    assert!(
        lfs_line.starts_with("git lfs migrate import --include=media/video.mp4 --include-ref=HEAD --exclude-ref="),
        "{lfs_line}"
    );
    follow(client, &lfs_line, "true");
    for rev in ["media~2", "media~1", "media"] {
        let blob = git(client, &["cat-file", "-p", &format!("{rev}:media/video.mp4")]);
        assert!(
            blob.starts_with("version https://git-lfs.github.com/spec/v1"),
            "{rev}: {blob}"
        );
    }
    assert_eq!(
        git(client, &["rev-parse", "media~3"]),
        git(client, &["rev-parse", "main"]),
        "main is untouched"
    );
    let r = server.push(&["media:refs/heads/main"]);
    assert_eq!(r.code, 0, "the push goes through with pointers: {}", r.describe());
}
