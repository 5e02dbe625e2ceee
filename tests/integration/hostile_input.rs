//! Hostile standard input and arguments: malformed hook lines, unknown objects and refs,
//! revisions that look like options. Each gets a clear message and the documented exit
//! status (2 for input and usage errors), never a panic.

use std::path::Path;

use crate::util::{Run, fixture, git, pushgate, run};

const ZERO: &str = "0000000000000000000000000000000000000000";

fn pre_receive(repo: &Path, stdin: impl Into<Vec<u8>>) -> Run {
    run(pushgate()
        .args(["pre-receive", "--repo"])
        .arg(repo)
        .write_stdin(stdin.into()))
}

fn pre_push(repo: &Path, stdin: impl Into<Vec<u8>>) -> Run {
    run(pushgate()
        .args(["pre-push", "origin", "file:///nowhere", "--repo"])
        .arg(repo)
        .write_stdin(stdin.into()))
}

fn no_panic(r: &Run) {
    assert!(
        !r.stderr.contains("panicked") && !r.stderr.contains("RUST_BACKTRACE"),
        "{}",
        r.describe()
    );
}

/// Exit status 2 and `malformed hook input, line <line>` with each of `mentions`.
fn malformed(r: &Run, line: usize, mentions: &[&str]) {
    no_panic(r);
    assert_eq!(r.code, 2, "{}", r.describe());
    assert!(
        r.stderr.contains(&format!("malformed hook input, line {line}:")),
        "{}",
        r.describe()
    );
    for m in mentions {
        assert!(r.stderr.contains(m), "`{m}` missing: {}", r.describe());
    }
}

#[test]
fn malformed_pre_receive_lines_are_usage_errors_naming_the_line() {
    let repo = fixture("plain");
    let head = git(&repo, &["rev-parse", "main"]);
    let ok = format!("{ZERO} {head} refs/heads/x\n");
    let cases: Vec<(String, Vec<&str>)> = vec![
        (
            format!("{ZERO} {head}\n"),
            vec!["expected 3 space-separated fields, found 2"],
        ),
        (
            format!("{ZERO} {head} refs/heads/x extra\n"),
            vec!["expected 3 space-separated fields, found 4"],
        ),
        (format!("{ZERO}  {head} refs/heads/x\n"), vec!["found 4"]),
        (
            format!("{ZERO} {}g refs/heads/x\n", &head[..39]),
            vec!["is not a hexadecimal object id"],
        ),
        (
            format!("{ZERO} {} refs/heads/x\n", &head[..39]),
            vec!["is not a 40-digit object id (sha1 repository)"],
        ),
        // SHA-256 ids in a SHA-1 repository.
        (
            format!("{} {} refs/heads/x\n", "0".repeat(64), "a".repeat(64)),
            vec!["40-digit object id"],
        ),
        (
            format!("{ZERO} {head} refs/heads/a..b\n"),
            vec!["is not a valid ref name"],
        ),
        (format!("{ZERO} {head} \x1b[2Jrefs/heads/x\n"), vec!["\\u{1b}[2J"]),
        (format!("{ZERO}\t{head}\trefs/heads/x\n"), vec!["found 1"]),
    ];
    for (bad, mentions) in cases {
        let r = pre_receive(&repo, format!("{ok}{bad}"));
        malformed(&r, 2, &mentions);
        assert!(!r.stderr.contains('\x1b'), "{}", r.describe());
    }
}

#[test]
fn long_lines_crlf_missing_newlines_and_empty_input() {
    let repo = fixture("plain");
    let head = git(&repo, &["rev-parse", "main"]);

    // A line of 1 MiB: refused, quoted only in part.
    let long = format!("{ZERO} {head} refs/heads/{}\n", "a ".repeat(512 * 1024));
    let r = pre_receive(&repo, long);
    malformed(&r, 1, &["found 524291", "(shortened)"]);
    assert!(
        r.stderr.len() < 4096,
        "the error quotes the whole line: {} bytes",
        r.stderr.len()
    );
    let long_ref = format!("{ZERO} {head} refs/heads/{}\n", "a".repeat(1 << 20));
    let r = pre_receive(&repo, long_ref);
    no_panic(&r);
    assert!(r.code == 0 || r.code == 2, "{}", r.describe());
    assert!(r.stderr.len() < 64 * 1024, "{} bytes of stderr", r.stderr.len());

    // CRLF line ends and a missing final newline are what some tools write: accepted.
    for input in [
        format!("{ZERO} {head} refs/heads/x\r\n"),
        format!("{ZERO} {head} refs/heads/x"),
        format!("\n\n{ZERO} {head} refs/heads/x\r\n\r\n"),
    ] {
        let r = pre_receive(&repo, input.clone());
        no_panic(&r);
        assert_eq!(r.code, 0, "{input:?}: {}", r.describe());
        assert!(r.stderr.contains("pushgate: ok"), "{input:?}: {}", r.describe());
    }

    // Empty input: nothing to judge.
    for input in ["", "\n", "\r\n\n"] {
        let r = pre_receive(&repo, input);
        assert_eq!(r.code, 0, "{input:?}: {}", r.describe());
        let r = pre_push(&repo, input);
        assert_eq!(r.code, 0, "{input:?}: {}", r.describe());
    }

    // More than git could ever write: refused before it is parsed.
    let huge = vec![b'\n'; (64 << 20) + 1];
    let r = pre_receive(&repo, huge);
    no_panic(&r);
    assert_eq!(r.code, 2, "{}", r.describe());
    assert!(r.stderr.contains("larger than 64 MiB"), "{}", r.describe());

    // Binary junk.
    let junk: Vec<u8> = (0..=255u8).cycle().take(10_000).collect();
    let r = pre_receive(&repo, junk);
    malformed(&r, 1, &[]);
}

/// Regression: malformed pre-push input was exit status 3 (internal) instead of 2.
#[test]
fn malformed_pre_push_lines_are_usage_errors() {
    let repo = fixture("plain");
    let head = git(&repo, &["rev-parse", "main"]);
    for (bad, mentions) in [
        (format!("refs/heads/main {head} refs/heads/main\n"), "found 3"),
        (format!("refs/heads/main {head} refs/heads/main {ZERO} x\n"), "found 5"),
        (
            format!("refs/heads/main zz{} refs/heads/main {ZERO}\n", &head[2..]),
            "hexadecimal",
        ),
        (
            format!("refs/heads/main {head} refs/heads/ma:in {ZERO}\n"),
            "valid ref name",
        ),
        (
            format!("refs/heads/main {head}{head} refs/heads/main {ZERO}\n"),
            "40-digit",
        ),
    ] {
        let r = pre_push(&repo, format!("\n{bad}"));
        malformed(&r, 2, &[mentions]);
    }
}

#[test]
fn objects_and_refs_the_repository_lacks() {
    let repo = fixture("plain");
    let head = git(&repo, &["rev-parse", "main"]);
    let missing = "0123456789abcdef0123456789abcdef01234567";

    // An old value and a ref the repository never had: judged as a new ref.
    let r = pre_receive(&repo, format!("{missing} {head} refs/heads/never-seen\n"));
    no_panic(&r);
    assert_eq!(r.code, 0, "{}", r.describe());

    // A new value git would never hand over: the check cannot run, on_error decides and
    // says why.
    let r = pre_receive(&repo, format!("{ZERO} {missing} refs/heads/x\n"));
    no_panic(&r);
    assert_eq!(r.code, 1, "{}", r.describe());
    assert!(
        r.stderr.contains("internal error") && r.stderr.contains(missing) && r.stderr.contains("push rejected"),
        "{}",
        r.describe()
    );

    // pre-push of an object the repository lacks: a repository error (3), named.
    let r = pre_push(&repo, format!("refs/heads/main {missing} refs/heads/main {ZERO}\n"));
    no_panic(&r);
    assert_eq!(r.code, 3, "{}", r.describe());
    assert!(r.stderr.contains(missing), "{}", r.describe());
}

#[test]
fn revisions_that_look_like_options_are_refused() {
    let repo = fixture("plain");
    let dir = tempfile::tempdir().expect("tempdir");
    let target = dir.path().join("written");
    let output = format!("--output={}", target.display());
    for args in [
        vec!["--", output.as_str()],
        vec!["main", "--", "--all"],
        vec!["--", "-n1"],
        vec!["--", "--upload-pack=touch /tmp/x"],
    ] {
        let r = run(pushgate().args(["scan", "--repo"]).arg(&repo).args(&args));
        no_panic(&r);
        assert_eq!(r.code, 2, "{args:?}: {}", r.describe());
        assert!(
            r.stderr.contains("unknown option") && r.stderr.contains("revisions never start with `-`"),
            "{args:?}: {}",
            r.describe()
        );
    }
    // Inside a range or after `^` an option is just an unknown revision.
    for arg in [format!("main..{output}"), format!("^{output}")] {
        let r = run(pushgate().args(["scan", "--repo"]).arg(&repo).arg(&arg));
        no_panic(&r);
        assert_eq!(r.code, 3, "{arg}: {}", r.describe());
        assert!(r.stderr.contains("unknown revision"), "{arg}: {}", r.describe());
    }
    assert!(!target.exists(), "an option inside a revision was obeyed");

    // Unknown subcommands and options: clap's usage error.
    for args in [&["scan", "--bogus"][..], &["frobnicate"][..], &["pre-push"][..]] {
        let r = run(pushgate().args(args));
        no_panic(&r);
        assert_eq!(r.code, 2, "{args:?}: {}", r.describe());
    }
    // A revision with control characters is named, sanitized.
    let r = run(pushgate().args(["scan", "--repo"]).arg(&repo).arg("bad\x1b[2Jrev"));
    assert_eq!(r.code, 3, "{}", r.describe());
    assert!(
        r.stderr.contains("bad\\u{1b}[2Jrev") && !r.stderr.contains('\x1b'),
        "{}",
        r.describe()
    );
}
