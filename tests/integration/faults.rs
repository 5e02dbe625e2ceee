//! The gate never writes and fails safe: the server repository after a rejected push, an
//! accepted push and a scan holds exactly what git itself put there (the one file pushgate
//! keeps there, the facts store, is brought up to date only by the audit, `pushgate index` and
//! a hook catching up with pushes accepted before), and a hook stopped by its time budget
//! follows `on_error` and says so.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::hooks::{Server, remote_text};
use crate::util::{fnv1a_hex, git, pushgate};

/// Every file and directory of a repository (refs, packed-refs, packs, loose objects,
/// config, hooks, ...), by relative path: a content hash for files, `dir` for directories,
/// with the permission bits. Plus `git for-each-ref`, in case refs live elsewhere.
fn snapshot(repo: &Path) -> BTreeMap<String, String> {
    fn visit(root: &Path, dir: &Path, out: &mut BTreeMap<String, String>) {
        let mut entries: Vec<PathBuf> = fs::read_dir(dir)
            .unwrap_or_else(|e| panic!("read {}: {e}", dir.display()))
            .map(|e| e.expect("dir entry").path())
            .collect();
        entries.sort();
        for path in entries {
            let rel = path.strip_prefix(root).expect("inside").display().to_string();
            let meta = fs::symlink_metadata(&path).expect("metadata");
            #[cfg(unix)]
            let mode = {
                use std::os::unix::fs::PermissionsExt;
                meta.permissions().mode()
            };
            #[cfg(not(unix))]
            let mode = 0;
            if meta.is_dir() {
                out.insert(rel, format!("dir {mode:o}"));
                visit(root, &path, out);
            } else {
                let bytes = fs::read(&path).unwrap_or_default();
                out.insert(rel, format!("{} {} {mode:o}", bytes.len(), fnv1a_hex(&bytes)));
            }
        }
    }
    let mut out = BTreeMap::new();
    visit(repo, repo, &mut out);
    out.insert(
        "<for-each-ref>".into(),
        git(repo, &["for-each-ref", "--format=%(objectname) %(refname)"]),
    );
    out
}

/// What changed between two snapshots: (path, before, after).
fn changes(before: &BTreeMap<String, String>, after: &BTreeMap<String, String>) -> Vec<(String, String, String)> {
    let mut keys: Vec<&String> = before.keys().chain(after.keys()).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .filter(|k| before.get(*k) != after.get(*k))
        .map(|k| {
            (
                k.clone(),
                before.get(k).cloned().unwrap_or_else(|| "-".into()),
                after.get(k).cloned().unwrap_or_else(|| "-".into()),
            )
        })
        .collect()
}

/// Run `action` and assert that `repo` is byte for byte what it was.
fn assert_read_only(repo: &Path, what: &str, action: impl FnOnce()) {
    assert_unchanged_but_the_store(repo, what, false, action)
}

/// Whether `path` (relative to the git directory) is a facts store.
fn is_store(path: &str) -> bool {
    path.starts_with("pushgate/facts-") || path == "pushgate"
}

/// Run `action` and assert that `repo` is byte for byte what it was, but for the facts store
/// when `store` (the audit and the server hook bring it up to date); what it left there is a
/// store that reads back.
fn assert_unchanged_but_the_store(repo: &Path, what: &str, store: bool, action: impl FnOnce()) {
    let before = snapshot(repo);
    action();
    let diff: Vec<_> = changes(&before, &snapshot(repo))
        .into_iter()
        .filter(|(path, _, _)| !(store && is_store(path)))
        .collect();
    assert!(diff.is_empty(), "{what} changed the repository: {diff:#?}");
    if store {
        let r = crate::util::pushgate_run(&["index", "--repo", repo.to_str().expect("utf-8")]);
        assert_eq!(
            r.code,
            0,
            "{what} left a store that does not read back: {}",
            r.describe()
        );
        assert!(
            !r.stdout.contains("rebuilt"),
            "{what} left a store that does not read back: {}",
            r.stdout
        );
    }
}

#[test]
fn hooks_and_scans_never_write_to_the_repository() {
    let server = Server::seeded("push", "main");
    let r = server.pushgate(&["install", "pre-receive"]);
    assert_eq!(r.code, 0, "{}", r.describe());

    // A rejected push: git discards the quarantine; nothing else may change.
    assert_read_only(&server.bare, "a rejected push", || {
        let r = server.push(&["dump:refs/heads/main"]);
        assert_ne!(r.code, 0, "{}", r.describe());
        assert!(r.stderr.contains("pre-receive hook declined"), "{}", r.describe());
    });

    // An accepted push changes exactly what the same push changes in a server without the
    // hook: the new objects and the ref.
    let plain = Server::seeded("push", "main");
    let diffs: Vec<Vec<(String, String, String)>> = [&server, &plain]
        .iter()
        .map(|s| {
            let before = snapshot(&s.bare);
            let r = s.push(&["clean:refs/heads/main"]);
            assert_eq!(r.code, 0, "{}", r.describe());
            changes(&before, &snapshot(&s.bare))
        })
        .collect();
    assert!(!diffs[0].is_empty(), "the push changed nothing?");
    assert!(
        diffs[0].iter().any(|(path, _, _)| path == "refs/heads/main"),
        "{:#?}",
        diffs[0]
    );
    assert_eq!(diffs[0], diffs[1], "the hook added changes of its own");
    assert!(remote_text(&server.push(&["clean:refs/heads/x"])).contains("pushgate: ok"));

    // Scans and hooks run by hand: nothing at all, but for the audit, which brings a server's
    // facts store up to date with the refs.
    for (args, store) in [
        (&["scan", "--all"][..], false),
        (&["scan", "--all", "--format", "sarif"][..], false),
        (&["audit"][..], true),
        (&["audit", "--include-unreachable", "--format", "json"][..], true),
        (&["policy", "show"][..], false),
        (&["explain"][..], false),
    ] {
        assert_unchanged_but_the_store(&server.bare, &format!("pushgate {args:?}"), store, || {
            let r = server.pushgate(args);
            assert!(r.code == 0 || r.code == 1, "{args:?}: {}", r.describe());
        });
    }
    // A server that took the dump without a hook (an import, say): judging the ref update
    // by hand reads it and writes nothing.
    let main = plain.rev("refs/heads/main").expect("main");
    let dump = plain.client_rev("dump");
    assert_eq!(plain.push(&["dump:refs/heads/dump"]).code, 0);
    git(&plain.bare, &["update-ref", "-d", "refs/heads/dump"]);
    assert_read_only(&plain.bare, "pre-receive by hand", || {
        let out = pushgate()
            .args(["pre-receive", "--repo"])
            .arg(&plain.bare)
            .write_stdin(format!("{main} {dump} refs/heads/main\n"))
            .output()
            .expect("run hook");
        assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    });
}

/// Whether `dir` holds anything pushgate left behind (its private object views).
fn leftovers(dir: &Path) -> Vec<String> {
    fs::read_dir(dir)
        .expect("temp dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("pushgate-"))
        .collect()
}

#[test]
fn a_push_past_its_time_budget_follows_on_error_and_says_so() {
    // 100,001 new blobs take the debug build several seconds to judge: far past a budget of
    // one second.
    let server = Server::seeded("hostile", "main");
    let r = server.pushgate(&["install", "pre-receive"]);
    assert_eq!(r.code, 0, "{}", r.describe());
    let tmp = tempfile::tempdir().expect("tempdir");
    let tmp_env = tmp.path().to_str().expect("utf-8 path");

    server.policy("[hook]\ntimeout = 1\non_error = \"reject\"\n");
    let started = Instant::now();
    let r = server.push_env(&["wide:refs/heads/wide"], &[("TMPDIR", tmp_env)]);
    let rejected_after = started.elapsed();
    assert_ne!(r.code, 0, "{}", r.describe());
    let text = remote_text(&r);
    assert!(
        text.contains("the check did not finish within its time budget of 1 s ([hook] timeout)"),
        "{text}"
    );
    assert!(text.contains("push rejected ([hook] on_error = \"reject\")"), "{text}");
    assert!(!text.contains("zz-dump.sql"), "no verdict was reached: {text}");
    assert_eq!(server.rev("refs/heads/wide"), None);

    server.policy("[hook]\ntimeout = 1\non_error = \"allow\"\n");
    let r = server.push_env(&["wide:refs/heads/wide"], &[("TMPDIR", tmp_env)]);
    assert_eq!(r.code, 0, "{}", r.describe());
    let text = remote_text(&r);
    assert!(text.contains("time budget of 1 s"), "{text}");
    assert!(
        text.contains("push allowed without a complete check ([hook] on_error = \"allow\")"),
        "{text}"
    );
    assert_eq!(server.rev("refs/heads/wide"), Some(server.client_rev("wide")));
    assert_eq!(
        leftovers(tmp.path()),
        Vec::<String>::new(),
        "temporary files left behind"
    );

    // With time enough, the same push is judged in full: the budget, not the push, ended it.
    let judged = Server::seeded("hostile", "main");
    assert_eq!(judged.pushgate(&["install", "pre-receive"]).code, 0);
    judged.policy("[hook]\ntimeout = 300\n");
    let started = Instant::now();
    let r = judged.push(&["wide:refs/heads/wide"]);
    let judged_after = started.elapsed();
    assert_ne!(r.code, 0, "{}", r.describe());
    assert!(remote_text(&r).contains("wide/zz-dump.sql"), "{}", r.describe());
    assert!(
        judged_after > rejected_after,
        "judging in full ({judged_after:?}) must take longer than the budget stop ({rejected_after:?})"
    );
}
