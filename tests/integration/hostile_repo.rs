//! Hostile repositories and pushes: corrupt and truncated packs, broken loose objects,
//! missing objects, a tree of 100,000 entries, 4 KiB paths, paths with invalid UTF-8 and
//! terminal escapes, a 1 GiB blob, a header claiming exabytes, deep nesting, a merge of 2,000
//! parents, symlinks and gitlinks. Each gives a finding or a clear error with the right exit
//! status, in bounded time and memory.

use std::fs;
use std::path::Path;
use std::process;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::hooks::{Server, finding_lines, remote_text};
use crate::util::{
    Run, findings, fixture, fixture_copy, git, notices, parse_report, path_of, pushgate, scan_run, squash_ws,
};

/// Far above what any of these scans takes in a debug build.
const BOUND: Duration = Duration::from_secs(60);

/// A dump's findings: (rule, path) pairs of a report.
fn rules_and_paths(report: &Value) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = findings(report)
        .iter()
        .map(|f| (f["rule"].as_str().unwrap_or_default().to_owned(), path_of(f)))
        .collect();
    out.sort();
    out
}

fn no_panic(r: &Run) {
    assert!(!r.stderr.contains("panicked"), "{}", r.describe());
}

/// `pushgate <args>` run by python3, which reports the peak resident memory of its child
/// (`ru_maxrss` of `RUSAGE_CHILDREN`, in KiB on Linux): the exit status, stdout and the peak.
fn with_peak_memory(args: &[&str]) -> (i32, String, u64) {
    let out = process::Command::new("python3")
        .args([
            "-I",
            "-S",
            "-c",
            "import resource, subprocess, sys\n\
             r = subprocess.run(sys.argv[1:], stdout=subprocess.PIPE)\n\
             sys.stderr.write('%d %d\\n' % (r.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))\n\
             sys.stdout.buffer.write(r.stdout)\n",
            env!("CARGO_BIN_EXE_pushgate"),
        ])
        .args(args)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env_remove("PUSHGATE_POLICY")
        .output()
        .expect("run python3");
    let err = String::from_utf8_lossy(&out.stderr);
    let last = err.lines().last().unwrap_or_default();
    let (code, peak) = last.split_once(' ').expect("exit status and peak memory");
    (
        code.parse().expect("exit status"),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        peak.trim().parse().expect("peak memory in KiB"),
    )
}

#[test]
fn a_one_gib_blob_is_sized_from_its_header_in_little_memory() {
    let repo = fixture("big");
    assert_eq!(git(&repo, &["cat-file", "-s", "big:big/zeros.bin"]), "1073741824");
    let started = Instant::now();
    let (report, large, peak_kib) = large_blob_of(&repo, "main..big");
    let took = started.elapsed();
    assert_eq!(large["path"], "big/zeros.bin");
    assert_eq!(large["size"], 1u64 << 30);
    assert_eq!(report["summary"]["bytes"], 1u64 << 30);
    // Inflating the blob would take a GiB and seconds; its header takes neither.
    assert!(peak_kib < 200 * 1024, "peak memory {peak_kib} KiB for a 1 GiB blob");
    assert!(took < Duration::from_secs(20), "took {took:?}");
}

/// Scan `range` of `repo` (exit 1), and return the report, its `large-blob` finding and the
/// scan's peak memory in KiB.
fn large_blob_of(repo: &std::path::Path, range: &str) -> (Value, Value, u64) {
    let repo_arg = repo.to_str().expect("utf-8 path");
    let (code, stdout, peak_kib) = with_peak_memory(&["scan", "--repo", repo_arg, "--format", "json", range]);
    assert_eq!(code, 1, "{stdout}");
    let report: Value = serde_json::from_str(&stdout).expect("json report");
    let large = findings(&report)
        .iter()
        .find(|f| f["rule"] == "large-blob")
        .cloned()
        .unwrap_or_else(|| panic!("no large-blob finding: {report:#}"));
    (report, large, peak_kib)
}

#[test]
fn a_header_claiming_exabytes_is_a_finding_not_an_allocation() {
    let repo = fixture("big");
    let (report, large, peak_kib) = large_blob_of(&repo, "main..claims");
    assert_eq!(large["size"], 1u64 << 62, "{report:#}");
    assert!(peak_kib < 200 * 1024, "peak memory {peak_kib} KiB");
    // The text report prints the claimed size in words.
    let r = crate::util::run(pushgate().args(["scan", "main..claims", "--repo"]).arg(&repo));
    assert!(r.stdout.contains("4.0 EiB"), "{}", r.describe());
}

#[test]
fn a_tree_of_100k_entries_is_scanned_in_bounded_time() {
    let repo = fixture("hostile");
    assert_eq!(git(&repo, &["ls-tree", "wide:wide"]).lines().count(), 100_001);
    let started = Instant::now();
    let r = scan_run(&repo, &["main..wide"]);
    assert!(started.elapsed() < BOUND, "took {:?}", started.elapsed());
    no_panic(&r);
    assert_eq!(r.code, 1, "{}", r.describe());
    let report = parse_report(&r);
    assert_eq!(
        rules_and_paths(&report),
        [("database-dump".to_owned(), "wide/zz-dump.sql".to_owned())]
    );
    assert_eq!(report["summary"]["blobs"], 100_001);
}

/// The odd paths of the `hostile` fixture, as pushgate prints them.
const ODD_SHOWN: &[&str] = &[
    "bell\\u{7}back\\u{8}.sql",
    "caf\\xe9-\\xff\\xfe.sql",
    "carriage\\rreturn.sql",
    "c1\\u{9b}31m.sql",
    "clear\\u{1b}[2J\\u{1b}[H.sql",
    "rtl\\u{202e}gnp.sql",
    "title\\u{1b}]0;owned\\u{7}.sql",
];

/// Bytes that would reach a terminal as control: C0 but newline, DEL, a UTF-8 encoded C1 or
/// bidirectional override.
fn control_bytes(out: &[u8]) -> Vec<String> {
    let text = String::from_utf8_lossy(out);
    text.chars()
        .filter(|c| (c.is_control() && *c != '\n') || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'))
        .map(|c| format!("U+{:04X}", c as u32))
        .collect()
}

#[test]
fn long_paths_invalid_utf8_and_escape_sequences_are_reported_harmlessly() {
    let repo = fixture("hostile");
    let r = scan_run(&repo, &["main..odd-paths"]);
    no_panic(&r);
    assert_eq!(r.code, 1, "{}", r.describe());
    let report = parse_report(&r);
    let paths: Vec<String> = findings(&report).iter().map(path_of).collect();
    assert_eq!(paths.len(), 8, "{paths:?}");
    let long = format!("long/{}.sql", "a".repeat(4091));
    assert_eq!(long.len(), 4100);
    assert!(paths.contains(&long), "the 4 KiB path is reported whole in JSON");
    assert!(paths.contains(&"clear\u{1b}[2J\u{1b}[H.sql".to_owned()), "{paths:?}");
    assert!(findings(&report).iter().all(|f| f["rule"] == "database-dump"));

    let text = crate::util::run(pushgate().args(["scan", "main..odd-paths", "--repo"]).arg(&repo));
    let out = pushgate()
        .args(["scan", "main..odd-paths", "--repo"])
        .arg(&repo)
        .output()
        .expect("scan");
    assert_eq!(control_bytes(&out.stdout), Vec::<String>::new(), "{}", text.stdout);
    for shown in ODD_SHOWN {
        assert!(text.stdout.contains(shown), "`{shown}` missing:\n{}", text.stdout);
    }
}

#[test]
fn deep_nesting_a_2000_parent_merge_symlinks_and_gitlinks() {
    let repo = fixture("hostile");
    let started = Instant::now();

    let r = scan_run(&repo, &["main..deep"]);
    no_panic(&r);
    assert_eq!(r.code, 1, "{}", r.describe());
    let deep = format!("{}x.sql", "d/".repeat(3000));
    assert_eq!(rules_and_paths(&parse_report(&r)), [("database-dump".to_owned(), deep)]);

    let r = scan_run(&repo, &["main..octopus"]);
    no_panic(&r);
    assert_eq!(r.code, 1, "{}", r.describe());
    let report = parse_report(&r);
    assert_eq!(git(&repo, &["rev-list", "--count", "--parents", "-1", "octopus"]), "1");
    let parents = git(&repo, &["rev-list", "--parents", "-1", "octopus"]);
    assert_eq!(parents.split(' ').count(), 2002, "the merge has 2,001 parents");
    assert_eq!(report["summary"]["commits"], 2001, "{}", report["summary"]);
    let found = findings(&report);
    assert_eq!(found.len(), 1, "{report:#}");
    assert_eq!(found[0]["path"], "octo/dump-1234.sql");
    // Attributed to the side commit that added it, not to the merge.
    let merge = git(&repo, &["rev-parse", "octopus"]);
    assert_ne!(found[0]["commit"], merge.as_str());

    // A symlink whose "target" is a whole dump is content; a real target is not; gitlinks
    // are named, never read.
    let r = scan_run(&repo, &["main..links"]);
    no_panic(&r);
    assert_eq!(r.code, 1, "{}", r.describe());
    let report = parse_report(&r);
    let found = findings(&report);
    assert_eq!(found.len(), 1, "{report:#}");
    assert_eq!(found[0]["path"], "links/dump.sql");
    assert_eq!(found[0]["rule"], "database-dump");
    assert_eq!(report["summary"]["blobs"], 2, "{report:#}");
    let submodules: Vec<String> = notices(&report)
        .iter()
        .filter(|n| n["kind"] == "submodule")
        .map(|n| n["path"].as_str().unwrap_or_default().to_string())
        .collect();
    assert_eq!(submodules, ["links/backup.tar", "links/vendor.sql"], "{report:#}");

    // The whole repository at once.
    let r = scan_run(&repo, &["--all"]);
    no_panic(&r);
    assert_eq!(r.code, 1, "{}", r.describe());
    assert_eq!(
        findings(&parse_report(&r)).len(),
        8 + 1 + 1 + 1 + 1,
        "{}",
        r.stdout.len()
    );
    assert!(started.elapsed() < BOUND, "took {:?}", started.elapsed());
}

#[test]
fn hostile_pushes_are_judged() {
    let server = Server::seeded("hostile", "main");
    let r = server.pushgate(&["install", "pre-receive"]);
    assert_eq!(r.code, 0, "{}", r.describe());

    // (The deep path is longer than git's own client can pack: it is scanned above.)
    for (branch, paths) in [("odd-paths", 8usize), ("octopus", 1), ("wide", 1)] {
        let started = Instant::now();
        let r = server.push(&[&format!("{branch}:refs/heads/{branch}")]);
        assert!(started.elapsed() < BOUND, "{branch}: took {:?}", started.elapsed());
        assert_ne!(r.code, 0, "{branch}: {}", r.describe());
        assert!(
            r.stderr.contains("pre-receive hook declined"),
            "{branch}: {}",
            r.describe()
        );
        assert_eq!(finding_lines(&r).len(), paths, "{branch}: {}", r.describe());
        assert_eq!(server.rev(&format!("refs/heads/{branch}")), None);
        assert!(!r.stderr.contains("panicked"), "{branch}: {}", r.describe());
    }
    let r = server.push(&["odd-paths:refs/heads/odd-paths"]);
    let text = remote_text(&r);
    for shown in ODD_SHOWN {
        assert!(text.contains(shown), "`{shown}` missing:\n{text}");
    }
    assert_eq!(control_bytes(r.stderr.as_bytes()), Vec::<String>::new(), "{text}");

    let r = server.push(&["links:refs/heads/links"]);
    assert_ne!(r.code, 0, "{}", r.describe());
    let lines = finding_lines(&r);
    assert!(
        lines.len() == 1 && lines[0].contains("links/dump.sql"),
        "{}",
        r.describe()
    );
    assert!(
        remote_text(&r).contains("submodule links/vendor.sql"),
        "{}",
        r.describe()
    );
    assert_eq!(server.rev("refs/heads/links"), None);
}

/// Make a copy's loose object writable and replace its bytes.
fn overwrite(path: &Path, bytes: &[u8]) {
    let mut perms = fs::metadata(path).expect("object").permissions();
    #[allow(clippy::permissions_set_readonly_false)]
    perms.set_readonly(false);
    fs::set_permissions(path, perms).expect("chmod");
    fs::write(path, bytes).expect("overwrite");
}

fn loose_path(repo: &Path, oid: &str) -> std::path::PathBuf {
    repo.join(".git/objects").join(&oid[..2]).join(&oid[2..])
}

fn zlib(data: &[u8]) -> Vec<u8> {
    let out = process::Command::new("python3")
        .args([
            "-I",
            "-S",
            "-c",
            "import sys, zlib; sys.stdout.buffer.write(zlib.compress(sys.stdin.buffer.read()))",
        ])
        .stdin(process::Stdio::piped())
        .stdout(process::Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            use std::io::Write;
            child.stdin.take().expect("stdin").write_all(data)?;
            child.wait_with_output()
        })
        .expect("python3 zlib");
    out.stdout
}

/// A scan of a broken repository: exit status 3 naming what broke, quickly, no panic.
fn broken(repo: &Path, names: &str) -> Run {
    let started = Instant::now();
    let r = scan_run(repo, &["--all"]);
    assert!(started.elapsed() < BOUND, "took {:?}", started.elapsed());
    no_panic(&r);
    assert_eq!(r.code, 3, "{}", r.describe());
    assert!(r.stderr.contains(names), "`{names}` missing: {}", r.describe());
    r
}

#[test]
fn broken_loose_objects_are_clear_errors() {
    let blob_of = |repo: &Path| git(repo, &["rev-parse", "main:Cargo.toml"]);
    // A zlib stream cut in half.
    let copy = fixture_copy("plain");
    let blob = blob_of(copy.path());
    let path = loose_path(copy.path(), &blob);
    let whole = fs::read(&path).expect("loose object");
    overwrite(&path, &whole[..whole.len() / 2]);
    broken(copy.path(), &blob);

    // A valid stream whose header is nonsense.
    for header in [&b"blob notanumber\0x"[..], b"blob 12", b"frob 3\0abc", b"\0\0\0\0"] {
        let copy = fixture_copy("plain");
        let blob = blob_of(copy.path());
        overwrite(&loose_path(copy.path(), &blob), &zlib(header));
        broken(copy.path(), &blob);
    }

    // A tree that is gone: not a partial clone, so an error naming it.
    let copy = fixture_copy("plain");
    let tree = git(copy.path(), &["rev-parse", "main^{tree}"]);
    fs::remove_file(loose_path(copy.path(), &tree)).expect("remove tree");
    broken(copy.path(), &tree);
}

#[test]
fn truncated_and_corrupt_packs_are_clear_errors() {
    // The audit reads the packs itself, for its statistics.
    let audit_of = |repo: &Path| {
        let r = crate::util::pushgate_run(&["audit", "--repo", repo.to_str().expect("utf-8"), "--progress", "never"]);
        no_panic(&r);
        r
    };
    let pack_of = |repo: &Path| {
        git(repo, &["repack", "-adq"]);
        fs::read_dir(repo.join(".git/objects/pack"))
            .expect("pack dir")
            .map(|e| e.expect("entry").path())
            .find(|p| p.extension().is_some_and(|e| e == "pack"))
            .expect("a pack")
    };
    let copy = fixture_copy("plain");
    let pack = pack_of(copy.path());
    let bytes = fs::read(&pack).expect("pack");
    overwrite(&pack, &bytes[..bytes.len() / 2]);
    let r = broken(copy.path(), "");
    assert!(!r.stderr.trim().is_empty());
    let r = audit_of(copy.path());
    assert_eq!(r.code, 3, "{}", r.describe());
    assert!(r.stderr.starts_with("pushgate: error: "), "{}", r.describe());

    // Garbage in the middle of every entry's data: each read fails or yields garbage; either
    // way the scan ends with an error or a verdict.
    let copy = fixture_copy("plain");
    let pack = pack_of(copy.path());
    let mut bytes = fs::read(&pack).expect("pack");
    let len = bytes.len();
    for b in bytes[12..len - 20].iter_mut().step_by(7) {
        *b ^= 0x5a;
    }
    overwrite(&pack, &bytes);
    let started = Instant::now();
    let r = scan_run(copy.path(), &["--all"]);
    assert!(started.elapsed() < BOUND);
    no_panic(&r);
    assert!([1, 3].contains(&r.code) || r.code == 0, "{}", r.describe());
    if r.code == 3 {
        assert!(r.stderr.starts_with("pushgate: error: "), "{}", r.describe());
    }
    let r = audit_of(copy.path());
    assert!(started.elapsed() < BOUND * 2);
    assert!([0, 1, 3].contains(&r.code), "{}", r.describe());
}

#[test]
fn a_partial_clone_is_judged_by_pre_push_without_fetching() {
    let repo = fixture("partial");
    assert!(
        fs::read_dir(repo.join(".git/objects/pack")).expect("packs").any(|e| e
            .expect("entry")
            .path()
            .extension()
            .is_some_and(|x| x == "promisor")),
        "the fixture has promisor packs"
    );
    let main = git(&repo, &["rev-parse", "main"]);
    let zero = "0".repeat(40);
    let r = crate::util::run(
        pushgate()
            // No remote-tracking refs for this remote: everything is new.
            .args(["pre-push", "elsewhere", "file:///nonexistent", "--repo"])
            .arg(&repo)
            .write_stdin(format!("refs/heads/main {main} refs/heads/main {zero}\n")),
    );
    no_panic(&r);
    // Every absent blob is named with an unknown size; what names alone show is reported.
    assert_eq!(r.code, 0, "{}", r.describe());
    // Long notes are wrapped.
    let said = squash_ws(&r.stderr);
    for path in ["README.md", "notes.bak", "data/app.sqlite"] {
        assert!(
            said.contains("note: absent-object: blob")
                && said.contains(&format!("at {path} is not in the object database")),
            "{path}: {}",
            r.describe()
        );
    }
    assert!(r.stderr.contains("notes.bak  backup-file"), "{}", r.describe());
    let r = scan_run(&repo, &["--all"]);
    let report = parse_report(&r);
    assert!(
        notices(&report).iter().any(|n| n["kind"] == "absent-object"),
        "{report:#}"
    );
}
