//! Details of what people read: long reasons wrapped at the width of the text around them,
//! objects counted once, percentages written one way, and the exit status of a run that
//! wrote a baseline.

use std::path::Path;

use serde_json::Value;

use crate::hooks::{Server, remote_lines};
use crate::util::*;

/// The width text wraps at off a terminal (and in hook output, which never is on one).
const TEXT_WIDTH: usize = 100;

/// An exemption whose reason is far longer than a line, expired long ago: every check says so
/// in a notice that quotes the reason.
const REASON: &str = "the vendored SDK ships its own SQLite fixtures, which the upstream project regenerates on \
                      every release; we keep them until the migration to the new SDK is finished and reviewed \
                      by the platform team";

fn expired_policy() -> String {
    format!("[[allow]]\npaths = [\"vendor/**\"]\nreason = \"{REASON}\"\nexpires = 2020-01-31\n")
}

/// The lines from the first that starts with `lead` to the last indented line after it.
fn block<'a>(lines: &'a [String], lead: &str) -> Vec<&'a str> {
    let Some(at) = lines.iter().position(|l| l.trim_start().starts_with(lead)) else {
        return Vec::new();
    };
    let indent = lines[at].len() - lines[at].trim_start().len();
    let mut block = vec![lines[at].as_str()];
    block.extend(
        lines[at + 1..]
            .iter()
            .take_while(|l| l.len() - l.trim_start().len() > indent)
            .map(String::as_str),
    );
    block
}

fn assert_wrapped(block: &[&str], all: &str) {
    assert!(block.len() > 1, "the notice is not wrapped:\n{all}");
    for line in block {
        assert!(
            line.chars().count() <= TEXT_WIDTH,
            "{} columns: {line:?}\n{all}",
            line.chars().count()
        );
    }
    let joined = squash_ws(&block.join(" "));
    assert!(joined.contains(&squash_ws(REASON)), "the reason is not whole:\n{all}");
}

#[test]
fn a_long_reason_wraps_in_the_scan_notices() {
    let dir = tempfile::tempdir().unwrap();
    let policy = write_file(dir.path(), "policy.toml", &expired_policy());
    let repo = fixture("plain");
    let r = run(pushgate()
        .args(["scan", "--all", "--repo"])
        .arg(&repo)
        .arg("--policy")
        .arg(&policy));
    assert!(r.code == 0 || r.code == 1, "{}", r.describe());
    let lines: Vec<String> = r.stdout.lines().map(str::to_owned).collect();
    assert_wrapped(&block(&lines, "expired-exemption: "), &r.stdout);
}

#[test]
fn a_long_reason_wraps_in_the_hook_report() {
    let server = Server::seeded("push", "main");
    let r = server.pushgate(&["install", "pre-receive"]);
    assert_eq!(r.code, 0, "{}", r.describe());
    server.policy(&expired_policy());
    let r = server.push(&["dump:refs/heads/dump"]);
    assert_ne!(r.code, 0, "the dump is rejected\n{}", r.describe());
    let lines = remote_lines(&r);
    assert_wrapped(&block(&lines, "note: expired-exemption: "), &r.stderr);
}

/// The objects `git` counts in a repository, each once.
fn distinct_objects(repo: &Path) -> u64 {
    git(
        repo,
        &["cat-file", "--batch-all-objects", "--batch-check=%(objectname)"],
    )
    .lines()
    .count() as u64
}

/// An object stored loose and in a pack, or in two packs, is one object in the audit.
#[test]
fn an_object_both_loose_and_packed_is_counted_once() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path();
    git(repo, &["init", "-q", "-b", "main"]);
    write_file(repo, "README.md", "# notes\n");
    write_file(repo, "src/main.rs", "fn main() {}\n");
    commit_all(repo, "Initial commit");
    // Without -d, repack leaves the loose objects where they are: each is packed and loose.
    git(repo, &["repack", "-a", "-q"]);
    let counts = git(repo, &["count-objects", "-v"]);
    assert!(counts.contains("count: 5") && counts.contains("in-pack: 5"), "{counts}");
    let objects = distinct_objects(repo);
    assert_eq!(objects, 5);

    let audit = |repo: &Path| {
        let r = run(pushgate().args(["audit", "--format", "json", "--repo"]).arg(repo));
        assert_eq!(r.code, 0, "{}", r.describe());
        let report: Value = parse_report(&r);
        let stats = report["audit"]["repository"]["statistics"].clone();
        let counted: u64 = stats["kinds"]
            .as_object()
            .unwrap()
            .values()
            .map(|k| k["objects"].as_u64().unwrap())
            .sum();
        let text = run(pushgate().args(["audit", "--repo"]).arg(repo));
        (counted, stats, text.stdout)
    };
    let (counted, stats, text) = audit(repo);
    assert_eq!(counted, objects, "{stats:#}");
    assert_eq!(
        stats["loose"]["objects"], 5,
        "the loose files are still there: {stats:#}"
    );
    assert!(text.contains(&format!("; {objects} objects, ")), "{text}");

    // A second pack holding every object again, and a new commit loose beside both.
    write_file(repo, "src/lib.rs", "pub fn f() {}\n");
    commit_all(repo, "A library");
    git(repo, &["repack", "-a", "-q"]);
    write_file(repo, "CHANGES.md", "- a library\n");
    commit_all(repo, "Changes");
    let counts = git(repo, &["count-objects", "-v"]);
    assert!(counts.contains("packs: 2"), "{counts}");
    let objects = distinct_objects(repo);
    let (counted, stats, text) = audit(repo);
    assert_eq!(counted, objects, "{stats:#}\n{counts}");
    assert!(text.contains(&format!("; {objects} objects, ")), "{text}");
}

/// Every percentage printed has one decimal, `0.0%` included.
#[test]
fn percentages_are_written_one_way() {
    let percentages = |text: &str| -> Vec<String> {
        text.split(|c: char| c.is_whitespace() || c == '(' || c == ')')
            .filter(|w| w.ends_with('%'))
            .map(str::to_owned)
            .collect()
    };
    let one_decimal = |p: &str| {
        let number = p.trim_end_matches('%');
        number.split_once('.').is_some_and(|(whole, tenth)| {
            !whole.is_empty() && whole.chars().all(|c| c.is_ascii_digit()) && tenth.len() == 1
        })
    };
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("empty");
    git(dir.path(), &["init", "-q", empty.to_str().unwrap()]);
    let copy = fixture_copy("plain");
    // `index` gives the store's share of the packs.
    git(copy.path(), &["repack", "-a", "-d", "-q"]);
    let mut seen = Vec::new();
    for (repo, args) in [
        (empty.as_path(), &["audit"][..]),
        (copy.path(), &["audit"]),
        (copy.path(), &["index"]),
    ] {
        let r = run(pushgate().args(args).arg("--repo").arg(repo));
        assert!(r.code == 0 || r.code == 1, "{args:?}\n{}", r.describe());
        let found = percentages(&format!("{}{}", r.stdout, r.stderr));
        assert!(!found.is_empty(), "{args:?}: no percentage\n{}", r.describe());
        for p in &found {
            assert!(one_decimal(p), "{args:?}: {p}\n{}", r.describe());
        }
        seen.extend(found);
    }
    assert!(seen.iter().any(|p| p == "0.0%"), "{seen:?}");
}

/// Writing a baseline accepts what the audit found: the run exits 0 once it wrote the file,
/// and a later audit with that baseline passes too.
#[test]
fn audit_write_baseline_exits_0_when_it_wrote_the_baseline() {
    let repo = fixture_copy("baseline");
    let r = run(pushgate().args(["audit", "--repo"]).arg(repo.path()));
    assert_eq!(r.code, 1, "the repository has failing findings\n{}", r.describe());
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("baseline.json");
    let r = run(pushgate()
        .args(["audit", "--repo"])
        .arg(repo.path())
        .arg("--write-baseline")
        .arg(&file));
    assert_eq!(r.code, 0, "{}", r.describe());
    assert!(r.stderr.contains("baseline entries to"), "{}", r.describe());
    assert!(file.is_file());
    let r = run(pushgate()
        .args(["audit", "--repo"])
        .arg(repo.path())
        .arg("--baseline")
        .arg(&file));
    assert_eq!(r.code, 0, "{}", r.describe());

    // A baseline that cannot be written is still an error.
    let r = run(pushgate()
        .args(["audit", "--repo"])
        .arg(repo.path())
        .arg("--write-baseline")
        .arg(dir.path().join("no/such/dir/baseline.json")));
    assert_ne!(r.code, 0, "{}", r.describe());
    assert_ne!(r.code, 1, "{}", r.describe());
}
