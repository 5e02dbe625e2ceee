//! Shapes that look like misuse but are not, and the shape of reports about what is: a person
//! committing under a bot's name, a person's file beside a job's files of the same extension, a
//! burst of versions long ago, one blob copied into many folders, large files churning side by
//! side (fixture `quiet_shapes`). Each is judged alike by the audit and by the push that brings
//! the next commit through the installed hook.

use serde_json::Value;

use crate::audit::audit_json;
use crate::util::{findings, fixture, git};

const FIXTURE: &str = "quiet_shapes";

/// Whether `f` is about `path`: its path, or one of the files of its subject.
fn covers(f: &Value, path: &str) -> bool {
    f["path"] == path || f["paths"].as_array().is_some_and(|a| a.iter().any(|p| p == path))
}

fn is_loud(f: &Value) -> bool {
    f["level"] == "warn" || f["level"] == "deny"
}

/// The audit's findings.
fn audited() -> Vec<Value> {
    let (_, report) = audit_json(&fixture(FIXTURE), &[]);
    findings(&report).clone()
}

/// Push the newest commit that changed `path` into a server holding its parent, the hook in
/// evaluate mode, and return the findings the evaluate log holds for that push.
fn pushed(path: &str) -> Vec<Value> {
    pushed_with_lines(path).0
}

/// Whether the push of the newest commit that changed `path` says nothing loud about it, in
/// its evaluate log or in the lines it shows.
fn quiet_at_push(path: &str) -> bool {
    let (logged, lines) = pushed_with_lines(path);
    verdicts(&logged, path).is_empty()
        && !lines
            .iter()
            .any(|l| (l.starts_with("warn") || l.starts_with("deny")) && l.contains(path))
}

/// What [`pushed`] returns, and the finding lines the pusher saw.
fn pushed_with_lines(path: &str) -> (Vec<Value>, Vec<String>) {
    let repo = fixture(FIXTURE);
    let last = git(&repo, &["log", "-1", "--format=%H", "main", "--", path]);
    let server = crate::hooks::Server::seeded(FIXTURE, &format!("{last}~1"));
    assert_eq!(server.pushgate(&["install", "pre-receive"]).code, 0);
    server.policy("mode = \"evaluate\"\nfail_on = \"warn\"\n");
    let r = server.push(&[&format!("{last}:refs/heads/main")]);
    assert_eq!(r.code, 0, "{}", r.describe());
    // The log has an entry only when the push would have failed.
    let log = std::fs::read_to_string(server.bare.join("pushgate-evaluate.jsonl")).unwrap_or_default();
    let logged = log
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .flat_map(|entry| entry["findings"].as_array().cloned().unwrap_or_default())
        .collect();
    (logged, crate::hooks::finding_lines(&r))
}

/// The (rule, level, subject) of the loud findings about `path`.
fn verdicts(findings: &[Value], path: &str) -> Vec<(String, String, String)> {
    let mut v: Vec<(String, String, String)> = findings
        .iter()
        .filter(|f| is_loud(f) && covers(f, path))
        .map(|f| {
            let s = |k: &str| f[k].as_str().unwrap_or("-").to_owned();
            (s("rule"), s("level"), s("path"))
        })
        .collect();
    v.sort();
    v
}

#[test]
fn a_person_committing_under_a_bots_name_is_not_its_job() {
    let audit = audited();
    // The bot's own logs are its job's.
    assert!(
        audit
            .iter()
            .any(|f| f["rule"] == "machine-cadence" && f["path"] == "health/*.log" && is_loud(f)),
        "{audit:#?}"
    );
    // The page someone edits by hand under the same identity, with free-text messages (one of
    // them retried nine times within the hour), is nobody's job.
    assert_eq!(verdicts(&audit, "site/index.html"), vec![], "{audit:#?}");
    assert!(quiet_at_push("site/index.html"));
}

#[test]
fn a_persons_file_is_not_grouped_with_a_jobs_files_of_its_extension() {
    let audit = audited();
    let reports = audit
        .iter()
        .find(|f| f["rule"] == "machine-cadence" && f["path"] == "reports/*.md")
        .unwrap_or_else(|| panic!("the dated pages: {audit:#?}"));
    assert_eq!(reports["level"], "warn");
    assert_eq!(reports["paths"].as_array().map(Vec::len), Some(200), "{reports:#}");
    // Each page is written once: the message says so rather than "rewritten".
    let message = reports["message"].as_str().unwrap_or_default();
    assert!(message.contains("written by a job as a new file each run"), "{message}");
    assert_eq!(reports["evidence"]["new_file_each_run"], true, "{reports:#}");
    // The README the maintainer edits beside the pages, and the owner's translation beside
    // the regenerated profile, are people's files.
    assert_eq!(verdicts(&audit, "reports/README.md"), vec![], "{audit:#?}");
    assert_eq!(verdicts(&audit, "profile/README-pt.md"), vec![], "{audit:#?}");
    assert_eq!(
        verdicts(&audit, "profile/README.md"),
        vec![("machine-cadence".into(), "warn".into(), "profile/README.md".into())]
    );
    // The push agrees: the next page is the job's subject, the hand edits are nobody's.
    let newest_page = git(
        &fixture(FIXTURE),
        &["log", "-1", "--format=", "--name-only", "main", "--", "reports/2*"],
    );
    assert_eq!(verdicts(&audit, &newest_page).len(), 1, "{newest_page}");
    assert_eq!(
        verdicts(&pushed(&newest_page), &newest_page),
        verdicts(&audit, &newest_page)
    );
    assert!(quiet_at_push("reports/README.md"));
    assert!(quiet_at_push("profile/README-pt.md"));
}

#[test]
fn a_burst_of_versions_long_ago_is_not_churn() {
    let audit = audited();
    let regions = audit
        .iter()
        .find(|f| f["rule"] == "churning-blob" && f["path"] == "maps/regions.geojson")
        .unwrap_or_else(|| panic!("told at info: {audit:#?}"));
    assert_eq!(regions["level"], "info", "{regions:#}");
    let message = regions["message"].as_str().unwrap_or_default();
    assert!(
        message.starts_with("5 versions in 11 days (2021-03-01 to 2021-03-12)")
            && message.contains("a burst long over"),
        "{message}"
    );
    assert_eq!(verdicts(&audit, "maps/regions.geojson"), vec![]);
    assert_eq!(verdicts(&audit, "legacy/regions.geojson"), vec![]);
    // A burst that reached the deny count stays churn, however long ago.
    assert!(
        audit
            .iter()
            .any(|f| f["rule"] == "churning-blob" && f["path"] == "exports/catalog.json" && f["level"] == "deny"),
        "{audit:#?}"
    );
    // The push of the rename years later finds nothing either.
    assert!(quiet_at_push("legacy/regions.geojson"));
}

#[test]
fn one_blob_copied_into_many_folders_is_one_finding() {
    let audit = audited();
    let large: Vec<&Value> = audit.iter().filter(|f| f["rule"] == "large-blob").collect();
    assert_eq!(large.len(), 1, "{large:#?}");
    let figure = large[0];
    assert_eq!(figure["paths"].as_array().map(Vec::len), Some(15), "{figure:#}");
    assert_eq!(figure["evidence"]["copies"], 15, "{figure:#}");
    let push = pushed("docs/de/assets/figure.bin");
    let at_push: Vec<&Value> = push.iter().filter(|f| f["rule"] == "large-blob").collect();
    assert_eq!(at_push.len(), 1, "{push:#?}");
    assert_eq!(verdicts(&audit, "docs/zh/assets/figure.bin").len(), 1);
    assert_eq!(
        verdicts(&push, "docs/zh/assets/figure.bin"),
        verdicts(&audit, "docs/zh/assets/figure.bin")
    );
}

#[test]
fn large_files_churning_side_by_side_are_one_finding() {
    let audit = audited();
    let tiles: Vec<&Value> = audit
        .iter()
        .filter(|f| f["rule"] == "churning-blob" && f["path"].as_str().is_some_and(|p| p.starts_with("tiles/")))
        .collect();
    assert_eq!(tiles.len(), 1, "{tiles:#?}");
    assert_eq!(tiles[0]["path"], "tiles/z4/*.bin");
    assert_eq!(tiles[0]["level"], "warn");
    assert_eq!(tiles[0]["paths"].as_array().map(Vec::len), Some(13), "{:#}", tiles[0]);
    let push = pushed("tiles/z4/t-7.bin");
    assert_eq!(verdicts(&audit, "tiles/z4/t-7.bin").len(), 1);
    assert_eq!(
        verdicts(&push, "tiles/z4/t-7.bin"),
        verdicts(&audit, "tiles/z4/t-7.bin")
    );
}
