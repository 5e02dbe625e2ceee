//! Large files and binaries people commit once and leave alone, or remove again (fixture
//! `left_alone`): a manual untouched for months, a figure copied into a new locale folder, a
//! library copied in and moved out days later, a release helper built by mistake and deleted,
//! a probe shipped prebuilt and untouched for months. They are info; beside them a large file
//! with a fresh version, a new large file and a binary shipped prebuilt days before the end
//! stay loud. The audit and a push that brings it all give the
//! same rule, level and subject, and a push of one new large file is judged by its size.

use crate::audit::audit_json;
use crate::util::{finding_at as finding, fixture, loud, set_of};

const FIXTURE: &str = "left_alone";

const QUIET: &[(&str, &str, &str)] = &[
    ("large-blob", "docs/manual.pdf", "settled"),
    ("large-blob", "docs/en/figure.bin", "settled"),
    ("large-blob", "web/vendor-bundle.js", "removed"),
    ("generated-artifact", "tools/release-helper", "removed"),
    ("generated-artifact", "tools/probe", "left_alone"),
];

const LOUD: &[(&str, &str, &str)] = &[
    ("large-blob", "data/catalog.bin", "warn"),
    ("large-blob", "exports/atlas.bin", "warn"),
    ("generated-artifact", "tools/linkcheck", "warn"),
];

#[test]
fn large_files_left_alone_or_removed_are_info_in_the_audit() {
    let (_, report) = audit_json(&fixture(FIXTURE), &[]);
    assert_eq!(loud(&report), set_of(LOUD), "{report:#}");
    for (rule, path, why) in QUIET {
        let f = finding(&report, rule, path);
        assert_eq!(f["level"], "info", "{rule} {path}: {f:#}");
        assert_eq!(f["evidence"][why], true, "{rule} {path}: {f:#}");
    }
    let manual = finding(&report, "large-blob", "docs/manual.pdf");
    assert_eq!(manual["evidence"]["unchanged_days"], 197, "{manual:#}");
    // The copy made the week before the end is the blob that has stood for months.
    let figure = finding(&report, "large-blob", "docs/en/figure.bin");
    assert_eq!(
        figure["paths"],
        serde_json::json!(["docs/en/figure.bin", "docs/pt/figure.bin"]),
        "{figure:#}"
    );
}

#[test]
fn a_push_that_brings_them_agrees_with_the_audit() {
    let (_, report) = audit_json(&fixture(FIXTURE), &[]);
    let server = crate::hooks::Server::seeded(FIXTURE, "base");
    assert_eq!(server.pushgate(&["install", "pre-receive"]).code, 0);
    let r = server.push(&["main:refs/heads/main"]);
    let text = crate::hooks::remote_text(&r);
    assert_eq!(r.code, 0, "nothing here is denied: {text}");
    let seen = crate::hooks::finding_set(&r);
    for (rule, path, _) in QUIET {
        assert!(
            seen.contains(&("info".to_owned(), (*rule).to_owned(), (*path).to_owned())),
            "{rule} {path} is info at push time:\n{text}"
        );
    }
    for (rule, path) in QUIET
        .iter()
        .map(|(r, p, _)| (*r, *p))
        .chain(LOUD.iter().map(|(r, p, _)| (*r, *p)))
    {
        let level = finding(&report, rule, path)["level"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        assert!(
            seen.contains(&(level.clone(), rule.to_owned(), path.to_owned())),
            "audit says {level} {rule} {path}; the push showed:\n{text}"
        );
    }
}

#[test]
fn a_push_of_a_new_large_file_is_judged_by_its_size() {
    // The server holds everything but the newest commit, which adds a large file: it has had
    // no time to show that it is left alone.
    let server = crate::hooks::Server::seeded(FIXTURE, "main~1");
    assert_eq!(server.pushgate(&["install", "pre-receive"]).code, 0);
    let r = server.push(&["main:refs/heads/main"]);
    let text = crate::hooks::remote_text(&r);
    let seen = crate::hooks::finding_set(&r);
    assert!(
        seen.contains(&("warn".into(), "large-blob".into(), "exports/atlas.bin".into())),
        "{text}"
    );
}

#[test]
fn a_back_dated_commit_cannot_make_a_new_large_file_look_settled() {
    // A commit on top of the server's newest, dated two years before it: by its own date the
    // file has stood unchanged for years; by the history it is the push's newest.
    let server = crate::hooks::Server::seeded(FIXTURE, "main");
    assert_eq!(server.pushgate(&["install", "pre-receive"]).code, 0);
    let client = server.client.path();
    crate::util::git(client, &["checkout", "-q", "main"]);
    let mut bytes = b"a large file".to_vec();
    bytes.resize(5_767_168, 7);
    std::fs::write(client.join("backdated.bin"), bytes).expect("write");
    crate::util::git(client, &["add", "backdated.bin"]);
    let out = crate::util::git_command(client, &["commit", "-q", "-m", "Add the table"])
        .env("GIT_AUTHOR_NAME", "Someone")
        .env("GIT_AUTHOR_EMAIL", "someone@example.com")
        .env("GIT_COMMITTER_NAME", "Someone")
        .env("GIT_COMMITTER_EMAIL", "someone@example.com")
        .env("GIT_AUTHOR_DATE", "2021-01-04T10:00:00Z")
        .env("GIT_COMMITTER_DATE", "2021-01-04T10:00:00Z")
        .output()
        .expect("git commit");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let r = server.push(&["main:refs/heads/main"]);
    let text = crate::hooks::remote_text(&r);
    let seen = crate::hooks::finding_set(&r);
    assert!(
        seen.contains(&("warn".into(), "large-blob".into(), "backdated.bin".into())),
        "{text}"
    );
    // The audit of a repository holding that commit says the same.
    let (_, report) = audit_json(client, &[]);
    assert_eq!(finding(&report, "large-blob", "backdated.bin")["level"], "warn");
}
