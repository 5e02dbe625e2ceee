//! `--max-size SIZE` on `scan` and `pre-commit`: every file larger than SIZE is a `large-blob`
//! finding at deny, on top of the policy, in every output format; a size that does not parse
//! is a usage error.

#![allow(clippy::unwrap_used)]

use std::fs;
use std::path::Path;

use crate::util::*;

/// `len` bytes no detector recognises (a fixed pseudo-random sequence).
fn opaque(len: usize, seed: u64) -> Vec<u8> {
    let mut state = seed;
    (0..len)
        .map(|_| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (state >> 56) as u8
        })
        .collect()
}

/// A repository whose second commit adds `assets/` files of 600 KiB, exactly 500 KiB and
/// 100 KiB.
fn repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let work = dir.path();
    git(work, &["init", "-q", "-b", "main"]);
    write_file(work, "README.md", "# assets\n");
    commit_all(work, "Initial commit");
    fs::create_dir_all(work.join("assets")).unwrap();
    fs::write(work.join("assets/video.bin"), opaque(600 << 10, 1)).unwrap();
    fs::write(work.join("assets/exact.bin"), opaque(500 << 10, 2)).unwrap();
    fs::write(work.join("assets/icon.bin"), opaque(100 << 10, 3)).unwrap();
    commit_all(work, "Add the assets");
    dir
}

fn scan(work: &Path, args: &[&str]) -> Run {
    run(pushgate().current_dir(work).arg("scan").arg("HEAD~1..HEAD").args(args))
}

#[test]
fn scan_denies_files_over_the_size_and_nothing_else() {
    let dir = repo();
    let work = dir.path();

    // The built-in policy alone says nothing about files this small.
    let r = scan(work, &["--format", "json"]);
    assert_eq!(r.code, 0, "{}", r.describe());
    assert!(finding_set(&parse_report(&r)).is_empty(), "{}", r.describe());

    let r = scan(work, &["--max-size", "500KiB", "--format", "json"]);
    assert_eq!(r.code, 1, "{}", r.describe());
    let report = parse_report(&r);
    // Over 500 KiB only: a file of exactly 500 KiB is not over it.
    assert_eq!(
        finding_set(&report),
        set_of(&[("large-blob", "assets/video.bin", "deny")]),
        "{}",
        r.describe()
    );
    let f = finding_at(&report, "large-blob", "assets/video.bin");
    assert_eq!(f["message"], "600.0 KiB file, over --max-size 500KiB");
    assert_eq!(f["evidence"]["max_size"], 500 << 10);
    assert_eq!(f["size"], 600 << 10);
    assert!(f["fix"].as_str().unwrap().contains("git lfs track"), "{f:#}");

    // Plain bytes, and decimal units, as in the policy.
    let r = scan(work, &["--max-size", "512000", "--format", "json"]);
    assert_eq!(finding_set(&parse_report(&r)).len(), 1, "{}", r.describe());
    let r = scan(work, &["--max-size", "100KB", "--format", "json"]);
    assert_eq!(
        finding_set(&parse_report(&r)),
        set_of(&[
            ("large-blob", "assets/exact.bin", "deny"),
            ("large-blob", "assets/icon.bin", "deny"),
            ("large-blob", "assets/video.bin", "deny"),
        ]),
        "{}",
        r.describe()
    );
}

#[test]
fn the_finding_reads_like_the_others_in_text_and_sarif() {
    let dir = repo();
    let work = dir.path();
    let r = scan(work, &["--max-size", "500KiB"]);
    assert_eq!(r.code, 1, "{}", r.describe());
    let text = squash_ws(&r.stdout);
    assert!(
        text.contains("deny assets/video.bin large-blob · 600.0 KiB"),
        "{}",
        r.stdout
    );
    assert!(text.contains("600.0 KiB file, over --max-size 500KiB"), "{}", r.stdout);
    assert!(text.contains("FAIL (fail_on = deny)"), "{}", r.stdout);
    assert!(
        !r.stdout.contains("exact.bin") && !r.stdout.contains("icon.bin"),
        "{}",
        r.stdout
    );

    let r = scan(work, &["--max-size", "500KiB", "--format", "sarif"]);
    assert_eq!(r.code, 1, "{}", r.describe());
    let sarif: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 1, "{sarif:#}");
    assert_eq!(results[0]["ruleId"], "large-blob");
    assert_eq!(results[0]["level"], "error");
    assert!(
        results[0]["message"]["text"]
            .as_str()
            .unwrap()
            .contains("over --max-size 500KiB"),
        "{sarif:#}"
    );
    assert_eq!(
        results[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "assets/video.bin"
    );
}

/// On top of the policy: the size denies even with `large-blob` switched off; the policy's own
/// thresholds still report; an `[[allow]]` exemption still exempts.
#[test]
fn the_size_adds_to_the_policy() {
    let dir = repo();
    let work = dir.path();
    let policy = |name: &str, text: &str| {
        let path = work.join(name);
        fs::write(&path, text).unwrap();
        path.to_str().unwrap().to_owned()
    };
    let off = policy("off.toml", "[rules.large-blob]\nlevel = \"off\"\n");
    let r = scan(work, &["--policy", &off, "--max-size", "500KiB", "--format", "json"]);
    assert_eq!(r.code, 1, "{}", r.describe());
    assert_eq!(
        finding_set(&parse_report(&r)),
        set_of(&[("large-blob", "assets/video.bin", "deny")]),
        "{}",
        r.describe()
    );

    let warn = policy("warn.toml", "[rules.large-blob]\nwarn_size = \"50KiB\"\n");
    let r = scan(work, &["--policy", &warn, "--max-size", "550KiB", "--format", "json"]);
    assert_eq!(r.code, 1, "{}", r.describe());
    assert_eq!(
        finding_set(&parse_report(&r)),
        set_of(&[
            ("large-blob", "assets/exact.bin", "warn"),
            ("large-blob", "assets/icon.bin", "warn"),
            ("large-blob", "assets/video.bin", "deny"),
        ]),
        "{}",
        r.describe()
    );

    let allowed = policy(
        "allow.toml",
        "[[allow]]\npaths = [\"assets/video.bin\"]\nrules = [\"large-blob\"]\nreason = \"the demo video\"\n",
    );
    let r = scan(
        work,
        &["--policy", &allowed, "--max-size", "500KiB", "--format", "json"],
    );
    assert_eq!(r.code, 0, "{}", r.describe());
    assert!(finding_set(&parse_report(&r)).is_empty(), "{}", r.describe());
}

#[test]
fn pre_commit_denies_a_staged_file_over_the_size() {
    let dir = tempfile::tempdir().unwrap();
    let work = dir.path();
    git(work, &["init", "-q", "-b", "main"]);
    write_file(work, "README.md", "# assets\n");
    commit_all(work, "Initial commit");
    fs::write(work.join("model.bin"), opaque(600 << 10, 4)).unwrap();
    git(work, &["add", "model.bin"]);

    let pre_commit = |args: &[&str]| run(pushgate().current_dir(work).arg("pre-commit").args(args));
    let r = pre_commit(&[]);
    assert_eq!(
        r.code,
        0,
        "the built-in policy alone lets it through:\n{}",
        r.describe()
    );

    let r = pre_commit(&["--max-size", "500KiB"]);
    assert_eq!(r.code, 1, "{}", r.describe());
    let text = squash_ws(&r.stdout);
    assert!(text.contains("deny model.bin large-blob"), "{}", r.stdout);
    assert!(text.contains("over --max-size 500KiB"), "{}", r.stdout);
    assert!(text.contains("git restore --staged -- model.bin"), "{}", r.stdout);

    let r = pre_commit(&["--max-size", "500KiB", "--format", "json"]);
    assert_eq!(r.code, 1, "{}", r.describe());
    assert_eq!(
        finding_set(&parse_report(&r)),
        set_of(&[("large-blob", "model.bin", "deny")])
    );

    // Under the size, or exactly at it: the commit may go ahead.
    let r = pre_commit(&["--max-size", "1MiB"]);
    assert_eq!(r.code, 0, "{}", r.describe());
    let r = pre_commit(&["--max-size", "600KiB"]);
    assert_eq!(r.code, 0, "exactly 600 KiB is not over 600 KiB:\n{}", r.describe());
}

#[test]
fn an_invalid_size_is_a_usage_error() {
    let dir = repo();
    let work = dir.path();
    for bad in ["5XB", "1.5MB", "MiB", "99999999999999999999"] {
        let r = scan(work, &["--max-size", bad]);
        assert_eq!(r.code, 2, "{bad}\n{}", r.describe());
        assert!(r.stderr.contains("--max-size"), "{bad}\n{}", r.stderr);
        assert!(r.stderr.contains(&format!("`{bad}`")), "{bad}\n{}", r.stderr);
        assert_eq!(r.stdout, "", "{bad}");
        let r = run(pushgate().current_dir(work).args(["pre-commit", "--max-size", bad]));
        assert_eq!(r.code, 2, "{bad}\n{}", r.describe());
        assert!(
            r.stderr.contains("invalid size") || r.stderr.contains("too large"),
            "{bad}\n{}",
            r.stderr
        );
    }
}
