//! Hostile policy files: deep nesting, huge arrays, pathological globs, sizes that overflow,
//! duplicate rules. Each is refused with exit status 2, the file's line and column, and in
//! bounded time.

use std::time::{Duration, Instant};

use crate::util::{has_location, pushgate_run, write_file};

/// Far above what `policy check` of any of these files takes.
const BOUND: Duration = Duration::from_secs(10);

/// `policy check` on `text`: exit status 2, within [`BOUND`], at `line:col`, mentioning each of
/// `mentions`.
fn refused_at(text: &str, line: u32, col: u32, mentions: &[&str]) {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = write_file(dir.path(), "hostile.toml", text);
    let started = Instant::now();
    let r = pushgate_run(&["policy".as_ref(), "check".as_ref(), file.as_os_str()]);
    let took = started.elapsed();
    let shown: String = text.chars().take(80).collect();
    assert_eq!(r.code, 2, "{shown}…\n{}", r.describe());
    assert!(took < BOUND, "{shown}…: took {took:?}");
    assert!(!r.stderr.contains("panicked"), "{}", r.describe());
    assert!(
        r.stderr.contains("hostile.toml") && has_location(&r.stderr, line, col),
        "{shown}…: expected hostile.toml:{line}:{col}\n{}",
        r.describe()
    );
    for m in mentions {
        assert!(r.stderr.contains(m), "{shown}…: `{m}` missing\n{}", r.describe());
    }
}

#[test]
fn deep_nesting_is_refused_with_its_line() {
    let depth = 100_000;
    refused_at(
        &format!("version = 1\nx = {}{}\n", "[".repeat(depth), "]".repeat(depth)),
        2,
        85,
        &["recursion"],
    );
    refused_at(
        &format!("version = 1\nx = {}1{}\n", "{a = ".repeat(5000), "}".repeat(5000)),
        2,
        405,
        &["recursion"],
    );
    // Dotted table headers: the parser gives no position, pushgate finds the line.
    let dotted = vec!["a"; 20_000].join(".");
    refused_at(&format!("version = 1\n\n[{dotted}]\n"), 3, 1, &["recursion"]);
}

#[test]
fn huge_arrays_and_files_are_refused() {
    let globs: Vec<String> = (0..10_001).map(|i| format!("\"*.x{i}\"")).collect();
    refused_at(
        &format!("[rules.backup-file]\npaths = [{}]\n", globs.join(",")),
        2,
        9,
        &["rules.backup-file.paths", "10001 globs", "at most 10000"],
    );
    // A file past the size limit is refused before it is parsed.
    let dir = tempfile::tempdir().expect("tempdir");
    let big = format!("# {}\n", "x".repeat(2 << 20));
    let file = write_file(dir.path(), "big.toml", &big);
    let r = pushgate_run(&["policy".as_ref(), "check".as_ref(), file.as_os_str()]);
    assert_eq!(r.code, 2, "{}", r.describe());
    assert!(r.stderr.contains("larger than 1024 KiB"), "{}", r.describe());
}

#[test]
fn pathological_globs_are_refused_or_cheap() {
    refused_at(
        &format!(
            "[rules.backup-file]\npaths = [\"{}b{}\"]\n",
            "{a,".repeat(200),
            "}".repeat(200)
        ),
        2,
        10,
        &["nested too deeply"],
    );
    refused_at(
        &format!("[rules.log-file]\npaths = [\"{}\"]\n", "**/".repeat(2000)),
        2,
        9,
        &["longer than 4096 bytes"],
    );
    refused_at("[rules.log-file]\npaths = [\"a[b\"]\n", 2, 10, &["a[b"]);
    refused_at("[refs]\ninclude = [\"\"]\n", 2, 12, &["empty"]);

    // A glob that is valid but as bad as they come still matches in linear time: scan a
    // repository with it.
    let dir = tempfile::tempdir().expect("tempdir");
    let nasty = format!("{}x", "*a".repeat(500));
    let policy = write_file(
        dir.path(),
        "policy.toml",
        &format!(
            "[rules.backup-file]\npaths = [\"{nasty}\", \"**/{}**/z\"]\n",
            "**/".repeat(300)
        ),
    );
    let repo = crate::util::fixture("odd");
    let started = Instant::now();
    let r = pushgate_run(&[
        "scan".as_ref(),
        "--all".as_ref(),
        "--repo".as_ref(),
        repo.as_os_str(),
        "--policy".as_ref(),
        policy.as_os_str(),
    ]);
    assert!(r.code == 0 || r.code == 1, "{}", r.describe());
    assert!(started.elapsed() < BOUND, "{:?}", started.elapsed());
}

#[test]
fn sizes_that_overflow_are_refused_at_the_value() {
    for (value, mention) in [
        ("\"99999999999999999999MiB\"", "too large"),
        ("\"17179869184TiB\"", "too large"),
        ("18446744073709551616", "18446744073709551616"),
        ("-1", "cannot be negative"),
        ("\"1e30\"", "invalid size"),
    ] {
        refused_at(
            &format!("[rules.large-blob]\nwarn_size = {value}\n"),
            2,
            13,
            &["rules.large-blob.warn_size", mention],
        );
    }
    refused_at("lookback_commits = 99999999999\n", 1, 20, &["lookback_commits"]);
    refused_at("[hook]\ntimeout = 18446744073709551615\n", 2, 11, &["hook.timeout"]);
}

#[test]
fn duplicate_rules_and_keys_are_refused_at_the_second() {
    refused_at(
        "[rules.large-blob]\nlevel = \"warn\"\n\n[rules.large-blob]\nlevel = \"deny\"\n",
        4,
        8,
        &["duplicate key"],
    );
    refused_at(
        "[rules.large-blob]\nlevel = \"warn\"\nlevel = \"deny\"\n",
        3,
        1,
        &["duplicate key"],
    );
    refused_at(
        "[rules]\nlarge-blob.level = \"warn\"\n[rules.large-blob]\nlevel = \"off\"\n",
        3,
        8,
        &["duplicate key"],
    );
}
