//! Routes around the gate, each with real `git push` into a bare server running the installed
//! `pre-receive` hook under the built-in policy: what reaches a checked ref must have been
//! judged at the path where it is, whatever the server stored before and whichever way it
//! came in.

use std::fs;
use std::io::{Read, Write};
use std::path::Path;
use std::process::{self, Stdio};

use crate::hooks::{Server, finding_lines, remote_text};
use crate::util::{git, scan_json};

/// A server holding the `routes` fixture's `main`, with the hook installed.
fn server() -> Server {
    let server = Server::seeded("routes", "main");
    let r = server.pushgate(&["install", "pre-receive"]);
    assert_eq!(r.code, 0, "install: {}", r.describe());
    server
}

/// The push was refused, `main` did not move, and a finding of `rule` names `path`.
fn assert_refused(server: &Server, r: &crate::util::Run, rule: &str, path: &str) {
    assert_refused_at(server, r, rule, path, "main");
}

/// [`assert_refused`], with `main` left at the client's `at`.
fn assert_refused_at(server: &Server, r: &crate::util::Run, rule: &str, path: &str, at: &str) {
    assert_ne!(r.code, 0, "{}", r.describe());
    let lines = finding_lines(r);
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("deny") && l.contains(rule) && l.contains(path)),
        "{rule} at {path}: {}",
        r.describe()
    );
    assert_eq!(server.rev("refs/heads/main"), Some(server.client_rev(at)));
}

#[test]
fn a_symlink_whose_blob_is_a_database_is_judged_as_content() {
    let server = server();
    let r = server.push(&["link:refs/heads/main"]);
    assert_refused(&server, &r, "database-file", "data/app.sqlite");
}

#[test]
fn a_symlink_then_a_mode_flip_is_rejected() {
    let server = server();
    let r = server.push(&["flip:refs/heads/main"]);
    assert_refused(&server, &r, "database-file", "data/app.sqlite");
}

#[test]
fn a_mode_flip_of_a_stored_symlink_is_judged_at_push_time() {
    // The symlink reached the server before the gate was installed: flipping its mode is a
    // change of its own, judged at its path.
    let server = Server::seeded("routes", "link");
    assert_eq!(server.pushgate(&["install", "pre-receive"]).code, 0);
    let r = server.push(&["flip:refs/heads/main"]);
    assert_refused_at(&server, &r, "database-file", "data/app.sqlite", "link");
    assert!(remote_text(&r).contains("1 new commit"), "{}", r.describe());
}

#[test]
fn a_stored_fixture_copied_to_a_new_path_is_judged_there() {
    let server = server();
    let r = server.push(&["fixture:refs/heads/main"]);
    assert_eq!(
        r.code,
        0,
        "a small database under tests/ is a fixture: {}",
        r.describe()
    );
    let r = server.push(&["copied:refs/heads/main"]);
    assert_refused_at(&server, &r, "database-file", "data/app.sqlite", "fixture");
}

#[test]
fn an_exemption_does_not_follow_a_rename() {
    let server = server();
    server.policy(
        "[[allow]]\npaths = [\"data/seed.sqlite\"]\nrules = [\"database-file\"]\nreason = \"seed data the app reads\"\n",
    );
    let r = server.push(&["seed:refs/heads/main"]);
    assert_eq!(r.code, 0, "the exempt path: {}", r.describe());
    for (branch, path) in [("seed-upper", "data/SEED.sqlite"), ("seed-prod", "data/prod.sqlite")] {
        let r = server.push(&[&format!("{branch}:refs/heads/main")]);
        assert_refused_at(&server, &r, "database-file", path, "seed");
    }
}

/// A server where alice pushed the dump to `hotfix` under a granted bypass.
fn bypassed_hotfix() -> Server {
    let server = server();
    server.config("receive.advertisePushOptions", "true");
    server.policy("[bypass]\nenabled = true\nusers = [\"alice\"]\n");
    let r = server.push_env(
        &["-o", "pushgate.bypass=hotfix for incident 7", "dump:refs/heads/hotfix"],
        &[("USER", "alice")],
    );
    assert_eq!(r.code, 0, "granted: {}", r.describe());
    server
}

#[test]
fn a_bypass_covers_its_own_push_only() {
    let server = bypassed_hotfix();
    assert_eq!(server.push(&[":refs/heads/hotfix"]).code, 0);
    // The commits are stored, but no checked ref reaches them: main is judged afresh.
    let r = server.push_env(&["dump:refs/heads/main"], &[("USER", "bob")]);
    assert_refused(&server, &r, "database-dump", "backup/shop.sql");
    assert!(remote_text(&r).contains("1 new commit"), "{}", r.describe());
    let log = fs::read_to_string(server.bare.join("pushgate-bypass.jsonl")).expect("bypass log");
    assert_eq!(log.lines().count(), 1, "only alice's bypass is logged: {log}");
}

#[test]
fn what_a_bypassed_ref_still_holds_counts_as_judged() {
    let server = bypassed_hotfix();
    // hotfix is a checked ref now: main reaching the same commit brings nothing new to the
    // checked refs, so only the bypassed push carries the finding.
    let r = server.push_env(&["dump:refs/heads/main"], &[("USER", "bob")]);
    assert_eq!(r.code, 0, "{}", r.describe());
    assert!(remote_text(&r).contains("0 new commits"), "{}", r.describe());
}

#[test]
fn excluded_refs_do_not_count_as_judged() {
    let server = server();
    server.policy("[refs]\nexclude = [\"refs/heads/sandbox/**\", \"refs/tags/**\"]\n");
    let r = server.push(&["dump:refs/heads/sandbox/x"]);
    assert_eq!(r.code, 0, "{}", r.describe());
    assert!(remote_text(&r).contains("not checked"), "{}", r.describe());
    let r = server.push(&["dump:refs/tags/parked"]);
    assert_eq!(r.code, 0, "{}", r.describe());
    let r = server.push(&["dump:refs/heads/main"]);
    assert_refused(&server, &r, "database-dump", "backup/shop.sql");
}

#[test]
fn refs_outside_an_include_list_do_not_count_as_judged() {
    let server = server();
    server.policy("[refs]\ninclude = [\"refs/heads/**\"]\n");
    let r = server.push(&["dump:refs/notes/parked"]);
    assert_eq!(r.code, 0, "{}", r.describe());
    let r = server.push(&["dump:refs/heads/main"]);
    assert_refused(&server, &r, "database-dump", "backup/shop.sql");
}

#[test]
fn commits_lent_by_alternates_are_judged() {
    // A fork network: the server borrows the objects of another repository that holds the
    // commit already, so the push uploads nothing.
    let lender = Server::seeded("routes", "dump");
    let server = server();
    let objects = lender.bare.join("objects");
    fs::write(
        server.bare.join("objects/info/alternates"),
        format!("{}\n", objects.display()),
    )
    .expect("write alternates");
    let r = server.push(&["dump:refs/heads/main"]);
    assert_refused(&server, &r, "database-dump", "backup/shop.sql");
}

#[test]
fn objects_smuggled_under_a_refused_ref_name_are_judged_when_a_checked_ref_reaches_them() {
    let server = server();
    let dump = server.client_rev("dump");
    let main = server.client_rev("main");
    let zero = "0".repeat(40);
    // A protocol client asks for a ref git refuses; the hook passes it (not checked) and git
    // keeps the pack it already received.
    smuggle(
        server.client.path(),
        &server.bare,
        &format!("{zero} {dump} notrefs/x"),
        &dump,
        &main,
    );
    assert!(
        git(&server.bare, &["cat-file", "-t", &dump]).trim() == "commit",
        "the pack was kept"
    );
    assert_eq!(server.rev("notrefs/x"), None);
    let r = server.push(&["dump:refs/heads/main"]);
    assert_refused(&server, &r, "database-dump", "backup/shop.sql");
}

/// Speak receive-pack's protocol to `bare` directly: one command line and a pack of what
/// `want` adds to `have`.
fn smuggle(client: &Path, bare: &Path, command: &str, want: &str, have: &str) {
    let pack = process::Command::new("git")
        .arg("-C")
        .arg(client)
        .args(["pack-objects", "--stdout", "--revs", "-q"])
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("git pack-objects");
    let mut pack = pack;
    pack.stdin
        .take()
        .expect("stdin")
        .write_all(format!("{want}\n^{have}\n").as_bytes())
        .expect("write revs");
    let mut bytes = Vec::new();
    pack.stdout
        .take()
        .expect("stdout")
        .read_to_end(&mut bytes)
        .expect("read pack");
    assert!(pack.wait().expect("wait").success());

    let mut receive = process::Command::new("git")
        .arg("receive-pack")
        .arg(bare)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env_remove("PUSHGATE_POLICY")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("git receive-pack");
    let mut stdin = receive.stdin.take().expect("stdin");
    let mut stdout = receive.stdout.take().expect("stdout");
    // The advertisement ends with a flush packet.
    let mut advert = Vec::new();
    loop {
        let mut len = [0u8; 4];
        stdout.read_exact(&mut len).expect("pkt-line length");
        let n = usize::from_str_radix(std::str::from_utf8(&len).expect("hex"), 16).expect("hex length");
        if n == 0 {
            break;
        }
        let mut line = vec![0u8; n - 4];
        stdout.read_exact(&mut line).expect("pkt-line");
        advert.extend(line);
    }
    let line = format!("{command}\0report-status\n");
    let mut request = format!("{:04x}{line}0000", line.len() + 4).into_bytes();
    request.extend(bytes);
    stdin.write_all(&request).expect("send");
    drop(stdin);
    let mut rest = Vec::new();
    stdout.read_to_end(&mut rest).expect("read report");
    let _ = receive.wait().expect("wait");
    let report = String::from_utf8_lossy(&rest);
    assert!(report.contains("unpack ok"), "the pack was unpacked: {report}");
    assert!(report.contains("ng notrefs/x"), "git refused the ref: {report}");
}

#[test]
fn a_merge_brings_only_what_none_of_its_judged_parents_held() {
    // main already holds the dump (from before the gate): merging it into a topic brings
    // nothing new to the checked refs.
    let holding = Server::seeded("routes", "dump");
    assert_eq!(holding.pushgate(&["install", "pre-receive"]).code, 0);
    let r = holding.push(&["merge-main:refs/heads/topic"]);
    assert_eq!(r.code, 0, "{}", r.describe());
    assert!(finding_lines(&r).is_empty(), "{}", r.describe());
    // A server without it judges the dump the merge brings.
    let fresh = server();
    let r = fresh.push(&["merge-main:refs/heads/topic"]);
    assert_ne!(r.code, 0, "{}", r.describe());
}

#[test]
fn a_submodule_is_named_in_the_report() {
    let server = server();
    let r = server.push(&["submodule:refs/heads/main"]);
    assert_eq!(r.code, 0, "{}", r.describe());
    let text = remote_text(&r);
    assert!(text.contains("submodule vendor/lib"), "{text}");
}

#[test]
fn scan_judges_a_range_as_the_hook_judges_the_push() {
    // The blob is reachable from the range's boundary, but not at this path.
    let server = server();
    let client = server.client.path();
    let (code, report) = scan_json(client, &["fixture..copied"]);
    assert_eq!(code, 1, "{report}");
    assert!(
        report["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .any(|f| f["rule"] == "database-file" && f["path"] == "data/app.sqlite" && f["level"] == "deny"),
        "{report}"
    );
    let (code, report) = scan_json(client, &["link..flip"]);
    assert_eq!(code, 1, "a mode change is a change: {report}");
}

/// A history of branches and merges whose clocks run backwards in places, built with real
/// git: `(name, parents, seconds)` commits, each adding one file.
fn skewed_history(dir: &Path) {
    git(dir, &["init", "-q", "-b", "main"]);
    let commits: &[(&str, &[&str], i64)] = &[
        ("a", &[], 1_000_000),
        ("b", &["a"], 1_002_000),
        ("c", &["b"], 1_003_000),
        // A clock set an hour back.
        ("d", &["c"], 1_003_000 - 3600),
        ("e", &["d"], 1_005_000),
        ("f", &["b"], 1_009_000),
        ("g", &["f", "e"], 1_006_000),
        ("h", &["g"], 1_007_000),
        ("x", &["c"], 1_000_100),
        ("y", &["x"], 1_000_200),
    ];
    for (name, parents, time) in commits {
        let blob = git_stdin_id(dir, &["hash-object", "-w", "--stdin"], name);
        let tree = git_stdin_id(dir, &["mktree"], &format!("100644 blob {blob}\t{name}.txt\n"));
        let mut args = vec!["commit-tree".to_string(), tree, "-m".into(), name.to_string()];
        for p in *parents {
            args.push("-p".into());
            args.push(format!("refs/tags/{p}"));
        }
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let id = process::Command::new("git")
            .arg("-C")
            .arg(dir)
            .args(&args)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_AUTHOR_NAME", "A")
            .env("GIT_AUTHOR_EMAIL", "a@example.com")
            .env("GIT_COMMITTER_NAME", "A")
            .env("GIT_COMMITTER_EMAIL", "a@example.com")
            .env("GIT_AUTHOR_DATE", format!("@{time} +0000"))
            .env("GIT_COMMITTER_DATE", format!("@{time} +0000"))
            .output()
            .expect("git commit-tree");
        assert!(id.status.success(), "{}", String::from_utf8_lossy(&id.stderr));
        let id = String::from_utf8_lossy(&id.stdout).trim().to_string();
        git(dir, &["tag", name, &id]);
    }
}

fn git_stdin_id(dir: &Path, args: &[&str], input: &str) -> String {
    let mut child = process::Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("git");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input.as_bytes())
        .expect("write");
    let out = child.wait_with_output().expect("wait");
    assert!(out.status.success());
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

#[test]
fn the_commits_a_push_brings_are_what_git_rev_list_finds() {
    use std::collections::BTreeSet;
    let dir = tempfile::tempdir().expect("tempdir");
    skewed_history(dir.path());
    let repo = gix::open(dir.path()).expect("open");
    let id = |name: &str| {
        gix::ObjectId::from_hex(git(dir.path(), &["rev-parse", &format!("{name}^{{commit}}")]).as_bytes()).expect("id")
    };
    let cases: &[(&[&str], &[&str])] = &[
        (&["h"], &["c"]),
        (&["h"], &["e"]),
        (&["h"], &["f", "d"]),
        (&["h"], &["a"]),
        (&["h"], &[]),
        (&["y", "h"], &["b"]),
        (&["g"], &["h"]),
        (&["d"], &["y"]),
    ];
    for (tips, hidden) in cases {
        let mut args = vec!["rev-list".to_string()];
        args.extend(tips.iter().map(|t| t.to_string()));
        args.push("--not".into());
        args.extend(hidden.iter().map(|t| t.to_string()));
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let want: BTreeSet<String> = git(dir.path(), &args).lines().map(str::to_string).collect();
        let tip_ids: Vec<gix::ObjectId> = tips.iter().map(|t| id(t)).collect();
        let hidden_ids: Vec<gix::ObjectId> = hidden.iter().map(|t| id(t)).collect();
        // Walked by time from both sides.
        let got: BTreeSet<String> =
            pushgate::hook::reach::unjudged(&repo, &tip_ids, &[], &|| Ok(hidden_ids.clone()), None)
                .expect("unjudged")
                .commits
                .iter()
                .map(|i| i.to_string())
                .collect();
        assert_eq!(got, want, "{tips:?} --not {hidden:?}");
        // As a server sees it: every commit stored, so the walk goes on past the uploaded ones.
        let stored = |_: &gix::oid| true;
        let got: BTreeSet<String> =
            pushgate::hook::reach::unjudged(&repo, &tip_ids, &[], &|| Ok(hidden_ids.clone()), Some(&stored))
                .expect("unjudged")
                .commits
                .iter()
                .map(|i| i.to_string())
                .collect();
        assert_eq!(got, want, "stored: {tips:?} --not {hidden:?}");
        // Nothing stored but the hidden side: the uploaded commits are the new ones.
        let hidden_reach: BTreeSet<String> = if hidden.is_empty() {
            BTreeSet::new()
        } else {
            let mut args = vec!["rev-list".to_string()];
            args.extend(hidden.iter().map(|t| t.to_string()));
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            git(dir.path(), &args).lines().map(str::to_string).collect()
        };
        let stored = |i: &gix::oid| hidden_reach.contains(&i.to_string());
        let got: BTreeSet<String> =
            pushgate::hook::reach::unjudged(&repo, &tip_ids, &[], &|| Ok(hidden_ids.clone()), Some(&stored))
                .expect("unjudged")
                .commits
                .iter()
                .map(|i| i.to_string())
                .collect();
        assert_eq!(got, want, "uploaded: {tips:?} --not {hidden:?}");
    }
}
