//! Policy files: errors, discovery, `policy check|show`, `init`, exemptions,
//! levels, `fail_on` and `mode`.

#![allow(clippy::unwrap_used)]

use std::fs;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::scan::{C2, C3, C4, C5, C5_ALONE, all_expected, expected};
use crate::util::*;

/// `expected` minus the findings of `rule`.
fn without_rule(set: Vec<(String, String, String)>, rule: &str) -> Vec<(String, String, String)> {
    set.into_iter().filter(|(r, _, _)| r != rule).collect()
}

/// Scans the rules fixture (`--all` unless `args` say otherwise) with a
/// policy file holding `policy`.
fn scan_rules_with(policy: &str, args: &[&str]) -> (i32, Value) {
    let dir = tempfile::tempdir().unwrap();
    let file = write_file(dir.path(), "policy.toml", policy);
    let repo = fixture("rules");
    let mut full = vec!["--policy", file.to_str().unwrap()];
    if args.is_empty() {
        full.push("--all");
    } else {
        full.extend_from_slice(args);
    }
    let r = scan_run(&repo, &full);
    assert!(
        r.code == 0 || r.code == 1,
        "policy:\n{policy}\nmust be accepted\n{}",
        r.describe()
    );
    (r.code, parse_report(&r))
}

// ---------------------------------------------------------------------------
// Policy errors
// ---------------------------------------------------------------------------

struct BadPolicy {
    file: &'static str,
    text: &'static str,
    line: u32,
    col: u32,
    /// Substrings stderr must contain.
    mentions: &'static [&'static str],
}

/// Runs both `policy check FILE` and `scan --policy FILE` on a bad policy and
/// checks the error: exit 2, the file's name, `:line:col`, the mentions.
/// Returns the stderr of `policy check`.
fn assert_policy_error(bad: &BadPolicy) -> String {
    let dir = tempfile::tempdir().unwrap();
    let file = write_file(dir.path(), bad.file, bad.text);
    let plain = fixture("plain");

    let check = run(pushgate().args(["policy", "check"]).arg(&file));
    let scan = run(pushgate()
        .args(["scan", "--all", "--format", "json", "--repo"])
        .arg(&plain)
        .arg("--policy")
        .arg(&file));
    for (what, r) in [("policy check", &check), ("scan --policy", &scan)] {
        let ctx = format!("{what} on {}:\n{}\n{}", bad.file, bad.text, r.describe());
        assert_eq!(r.code, 2, "{ctx}");
        assert!(r.stderr.contains(bad.file), "stderr must name the file\n{ctx}");
        assert!(
            has_location(&r.stderr, bad.line, bad.col),
            "stderr must give :{}:{}\n{ctx}",
            bad.line,
            bad.col
        );
        for m in bad.mentions {
            assert!(r.stderr.contains(m), "stderr must mention {m:?}\n{ctx}");
        }
    }
    assert!(
        !scan.stdout.contains("\"findings\""),
        "no report on a policy error\n{}",
        scan.describe()
    );
    check.stderr
}

#[test]
fn unknown_top_level_key_suggests_the_closest() {
    let stderr = assert_policy_error(&BadPolicy {
        file: "typo-key.toml",
        text: "version = 1\nfail_onn = \"warn\"\n",
        line: 2,
        col: 1,
        mentions: &["fail_onn"],
    });
    assert!(
        suggests(&stderr, "fail_onn", "fail_on", "lookback_days"),
        "must suggest fail_on\n{stderr}"
    );
}

#[test]
fn unknown_rule_table_suggests_the_closest_rule() {
    let stderr = assert_policy_error(&BadPolicy {
        file: "typo-rule.toml",
        text: "# rules\n\n[rules.large-blobs]\nlevel = \"warn\"\n",
        line: 3,
        col: 8,
        mentions: &["large-blobs"],
    });
    assert!(
        suggests(&stderr, "large-blobs", "large-blob", "history-growth"),
        "must suggest large-blob\n{stderr}"
    );
}

#[test]
fn bad_glob_is_reported_at_the_glob() {
    assert_policy_error(&BadPolicy {
        file: "bad-glob.toml",
        text: "[rules.backup-file]\npaths = [\n  \"*.bak\",\n  \"a[b\",\n]\n",
        line: 4,
        col: 3,
        mentions: &["a[b"],
    });
}

#[test]
fn bad_size_is_reported_at_the_value() {
    assert_policy_error(&BadPolicy {
        file: "bad-size.toml",
        text: "[rules.large-blob]\nwarn_size = \"5XB\"\n",
        line: 2,
        col: 13,
        mentions: &["5XB"],
    });
}

#[test]
fn wrong_type_is_reported_at_the_value() {
    let stderr = assert_policy_error(&BadPolicy {
        file: "wrong-type.toml",
        text: "lookback_days = \"ten\"\n",
        line: 1,
        col: 17,
        mentions: &["lookback_days"],
    });
    let lower = stderr.to_lowercase();
    assert!(
        lower.contains("integer") || lower.contains("type"),
        "must say the type is wrong\n{stderr}"
    );
}

#[test]
fn exemption_without_reason_is_refused() {
    assert_policy_error(&BadPolicy {
        file: "no-reason.toml",
        text: "[[allow]]\npaths = [\"assets/**\"]\n",
        line: 1,
        col: 1,
        mentions: &["reason"],
    });
}

#[test]
fn unknown_level_is_refused() {
    assert_policy_error(&BadPolicy {
        file: "bad-level.toml",
        text: "[rules.large-blob]\nlevel = \"fatal\"\n",
        line: 2,
        col: 9,
        mentions: &["fatal"],
    });
}

#[test]
fn missing_policy_file_is_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nowhere.toml");
    let r = run(pushgate()
        .args(["scan", "--all", "--repo"])
        .arg(fixture("plain"))
        .arg("--policy")
        .arg(&missing));
    assert_eq!(r.code, 2, "{}", r.describe());
    assert!(r.stderr.contains("nowhere.toml"), "{}", r.describe());

    let r = run(pushgate().args(["policy", "check"]).arg(&missing));
    assert_eq!(r.code, 2, "{}", r.describe());
    assert!(r.stderr.contains("nowhere.toml"), "{}", r.describe());
}

// ---------------------------------------------------------------------------
// policy check / show
// ---------------------------------------------------------------------------

#[test]
fn policy_check_accepts_valid_files() {
    let example = root().join("policy.example.toml");
    let r = run(pushgate().args(["policy", "check"]).arg(&example));
    assert_eq!(r.code, 0, "{}", r.describe());
    assert!(r.stdout.contains("ok"), "{}", r.describe());
    assert!(r.stdout.contains("policy.example.toml"), "{}", r.describe());

    let dir = tempfile::tempdir().unwrap();
    for (name, text) in [
        (
            "partial.toml",
            "fail_on = \"warn\"\n[rules.large-blob]\nwarn_size = \"1MB\"\ndeny_size = 200000000\n",
        ),
        ("empty.toml", ""),
    ] {
        let file = write_file(dir.path(), name, text);
        let r = run(pushgate().args(["policy", "check"]).arg(&file));
        assert_eq!(r.code, 0, "{name}\n{}", r.describe());
        assert!(
            r.stdout.contains("ok") && r.stdout.contains(name),
            "{name}\n{}",
            r.describe()
        );
    }
}

fn policy_show(repo: &Path, extra: &[&str]) -> Run {
    let r = run(pushgate().args(["policy", "show", "--repo"]).arg(repo).args(extra));
    assert_eq!(r.code, 0, "{}", r.describe());
    r
}

fn source_line(r: &Run) -> &str {
    let first = r.stdout.lines().next().unwrap_or_default();
    assert!(
        first.starts_with("# source:"),
        "first line must be `# source: …`\n{}",
        r.stdout
    );
    first
}

#[test]
fn policy_show_default_names_the_built_in_policy() {
    let r = policy_show(&fixture("plain"), &[]);
    assert!(source_line(&r).contains("built-in default"), "{}", r.stdout);
    assert!(r.stdout.contains("fail_on = \"deny\""), "{}", r.stdout);
    assert!(r.stdout.contains("mode = \"enforce\""), "{}", r.stdout);
    for (rule, _, _) in RULES {
        assert!(
            r.stdout.contains(&format!("[rules.{rule}]")),
            "[rules.{rule}] missing\n{}",
            r.stdout
        );
    }

    // What it prints is a valid policy with the same effect.
    let dir = tempfile::tempdir().unwrap();
    let file = write_file(dir.path(), "shown.toml", &r.stdout);
    let check = run(pushgate().args(["policy", "check"]).arg(&file));
    assert_eq!(check.code, 0, "{}", check.describe());
    let (code, report) = scan_rules_with(&r.stdout, &[]);
    assert_eq!(code, 1);
    assert_eq!(finding_set(&report), all_expected());
}

#[test]
fn policy_show_lists_only_the_pattern_texts_a_policy_sets() {
    // Without a text of its own a pattern gets the style's wording: nothing to show.
    let r = policy_show(&fixture("plain"), &[]);
    let suggestions = r.stdout.split("[suggestions]").nth(1).unwrap_or_default();
    let section = suggestions.split("\n[").next().unwrap_or_default();
    assert_eq!(section.trim(), "style = \"aws\"", "{}", r.stdout);

    let dir = tempfile::tempdir().unwrap();
    let user = write_file(
        dir.path(),
        "team.toml",
        "[suggestions]\nstyle = \"neutral\"\nbackup = \"Use the team's backup vault.\"\n",
    );
    let r = policy_show(&fixture("plain"), &["--policy", user.to_str().unwrap()]);
    let suggestions = r.stdout.split("[suggestions]").nth(1).unwrap_or_default();
    let section = suggestions.split("\n[").next().unwrap_or_default();
    assert_eq!(
        section.trim(),
        "style = \"neutral\"\nbackup = \"Use the team's backup vault.\"",
        "{}",
        r.stdout
    );
}

#[test]
fn policy_show_merges_a_user_policy_over_the_defaults() {
    let dir = tempfile::tempdir().unwrap();
    let user = write_file(
        dir.path(),
        "team.toml",
        "fail_on = \"warn\"\n[rules.large-blob]\nlevel = \"off\"\n",
    );
    let r = policy_show(&fixture("plain"), &["--policy", user.to_str().unwrap()]);
    let src = source_line(&r);
    assert!(
        src.contains(user.to_str().unwrap()),
        "source must be the file\n{}",
        r.stdout
    );
    assert!(r.stdout.contains("fail_on = \"warn\""), "{}", r.stdout);
    // Keys the user left out keep the built-in values.
    assert!(r.stdout.contains("lookback_commits = 1000"), "{}", r.stdout);
    assert!(r.stdout.contains("[rules.disk-image]"), "{}", r.stdout);

    // The merged policy, fed back, has the user's effect.
    let (code, report) = scan_rules_with(&r.stdout, &[]);
    assert_eq!(finding_set(&report), without_rule(all_expected(), "large-blob"));
    assert_eq!(code, 1);
    let (code, report) = scan_rules_with(&r.stdout, &["main~1..main"]);
    assert_eq!(finding_set(&report), expected(&[C5_ALONE]));
    assert_eq!(code, 1, "fail_on = warn survives the round trip");
}

// ---------------------------------------------------------------------------
// Discovery
// ---------------------------------------------------------------------------

struct Discovery {
    _copy: tempfile::TempDir,
    _dir: tempfile::TempDir,
    repo: PathBuf,
    /// large-blob off, written to `.pushgate.toml` in the work tree.
    work_tree: PathBuf,
    /// backup-file off, named by git config `pushgate.policy`.
    config: PathBuf,
    /// log-file off, for `PUSHGATE_POLICY`.
    env: PathBuf,
    /// disk-image off, for `--policy`.
    flag: PathBuf,
}

fn discovery() -> Discovery {
    let copy = fixture_copy("rules");
    let repo = copy.path().to_path_buf();
    let dir = tempfile::tempdir().unwrap();
    let off = |rule: &str| format!("[rules.{rule}]\nlevel = \"off\"\n");
    let work_tree = write_file(&repo, ".pushgate.toml", &off("large-blob"));
    let config = write_file(dir.path(), "from-config.toml", &off("backup-file"));
    let env = write_file(dir.path(), "from-env.toml", &off("log-file"));
    let flag = write_file(dir.path(), "from-flag.toml", &off("disk-image"));
    Discovery {
        _copy: copy,
        _dir: dir,
        repo,
        work_tree,
        config,
        env,
        flag,
    }
}

fn scan_cmd(repo: &Path) -> assert_cmd::Command {
    let mut cmd = pushgate();
    cmd.args(["scan", "--all", "--format", "json", "--repo"]).arg(repo);
    cmd
}

fn report_of(cmd: &mut assert_cmd::Command) -> Value {
    let r = run(cmd);
    assert_eq!(r.code, 1, "{}", r.describe());
    parse_report(&r)
}

#[test]
fn work_tree_policy_is_found() {
    let d = discovery();
    let report = report_of(&mut scan_cmd(&d.repo));
    assert_eq!(finding_set(&report), without_rule(all_expected(), "large-blob"));

    // From a subdirectory, without --repo: still the file at the root.
    let report = report_of(
        pushgate()
            .current_dir(d.repo.join("src"))
            .args(["scan", "--all", "--format", "json"]),
    );
    assert_eq!(finding_set(&report), without_rule(all_expected(), "large-blob"));

    let r = policy_show(&d.repo, &[]);
    assert!(source_line(&r).contains(".pushgate.toml"), "{}", r.stdout);
    assert!(d.work_tree.exists());
}

#[test]
fn git_config_beats_the_work_tree_file() {
    let d = discovery();
    git(&d.repo, &["config", "pushgate.policy", d.config.to_str().unwrap()]);
    let report = report_of(&mut scan_cmd(&d.repo));
    assert_eq!(finding_set(&report), without_rule(all_expected(), "backup-file"));
    let r = policy_show(&d.repo, &[]);
    assert!(source_line(&r).contains("from-config.toml"), "{}", r.stdout);
}

#[test]
fn environment_beats_git_config_and_the_work_tree_file() {
    let d = discovery();
    git(&d.repo, &["config", "pushgate.policy", d.config.to_str().unwrap()]);
    let report = report_of(scan_cmd(&d.repo).env("PUSHGATE_POLICY", &d.env));
    assert_eq!(finding_set(&report), without_rule(all_expected(), "log-file"));

    let r = run(pushgate()
        .env("PUSHGATE_POLICY", &d.env)
        .args(["policy", "show", "--repo"])
        .arg(&d.repo));
    assert_eq!(r.code, 0, "{}", r.describe());
    assert!(source_line(&r).contains("from-env.toml"), "{}", r.stdout);
}

#[test]
fn flag_beats_everything() {
    let d = discovery();
    git(&d.repo, &["config", "pushgate.policy", d.config.to_str().unwrap()]);
    let report = report_of(
        scan_cmd(&d.repo)
            .env("PUSHGATE_POLICY", &d.env)
            .arg("--policy")
            .arg(&d.flag),
    );
    assert_eq!(finding_set(&report), without_rule(all_expected(), "disk-image"));

    let r = run(pushgate()
        .env("PUSHGATE_POLICY", &d.env)
        .args(["policy", "show", "--repo"])
        .arg(&d.repo)
        .arg("--policy")
        .arg(&d.flag));
    assert_eq!(r.code, 0, "{}", r.describe());
    assert!(source_line(&r).contains("from-flag.toml"), "{}", r.stdout);
}

#[test]
fn a_bad_discovered_policy_is_exit_2() {
    let copy = fixture_copy("plain");
    write_file(copy.path(), ".pushgate.toml", "fail_on = \"sometimes\"\n");
    let r = run(&mut scan_cmd(copy.path()));
    assert_eq!(r.code, 2, "{}", r.describe());
    assert!(r.stderr.contains(".pushgate.toml"), "{}", r.describe());
    assert!(has_location(&r.stderr, 1, 11), "{}", r.describe());
}

// ---------------------------------------------------------------------------
// init
// ---------------------------------------------------------------------------

fn new_repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let out = std::process::Command::new("git")
        .args(["init", "-q", "-b", "main"])
        .arg(dir.path())
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .output()
        .unwrap();
    assert!(out.status.success());
    fs::create_dir_all(dir.path().join("sub/dir")).unwrap();
    dir
}

#[test]
fn init_writes_the_built_in_policy_and_never_clobbers() {
    let dir = new_repo();
    let file = dir.path().join(".pushgate.toml");

    let r = run(pushgate().args(["init", "--repo"]).arg(dir.path()));
    assert_eq!(r.code, 0, "{}", r.describe());
    assert_eq!(fs::read_to_string(&file).expect(".pushgate.toml"), example_policy());

    let mine = "fail_on = \"warn\"\n";
    fs::write(&file, mine).unwrap();
    let r = run(pushgate().args(["init", "--repo"]).arg(dir.path()));
    assert_eq!(r.code, 2, "an existing policy is refused\n{}", r.describe());
    assert!(r.stderr.contains(".pushgate.toml"), "{}", r.describe());
    assert_eq!(fs::read_to_string(&file).unwrap(), mine, "file untouched");

    let r = run(pushgate().args(["init", "--force", "--repo"]).arg(dir.path()));
    assert_eq!(r.code, 0, "{}", r.describe());
    assert_eq!(fs::read_to_string(&file).unwrap(), example_policy());

    let r = policy_show(dir.path(), &[]);
    assert!(source_line(&r).contains(".pushgate.toml"), "{}", r.stdout);
}

#[test]
fn init_from_a_subdirectory_writes_at_the_work_tree_root() {
    let dir = new_repo();
    let r = run(pushgate().current_dir(dir.path().join("sub/dir")).arg("init"));
    assert_eq!(r.code, 0, "{}", r.describe());
    assert!(dir.path().join(".pushgate.toml").is_file(), "{}", r.describe());
    assert!(!dir.path().join("sub/dir/.pushgate.toml").exists());
}

// ---------------------------------------------------------------------------
// Exemptions
// ---------------------------------------------------------------------------

#[test]
fn exemption_removes_the_findings_it_matches() {
    let (code, report) = scan_rules_with(
        "[[allow]]\npaths = [\"assets/**\"]\nreason = \"game assets, moving to S3\"\n",
        &[],
    );
    assert_eq!(finding_set(&report), without_rule(all_expected(), "large-blob"));
    // The fixture's gitlink (vendor/lib) is named; nothing else is said.
    assert_eq!(notice_kinds(&report), ["submodule"], "{report:#}");
    assert_eq!(code, 1);
}

#[test]
fn exemption_limited_to_rules() {
    let (_, report) = scan_rules_with(
        "[[allow]]\npaths = [\"db/**\", \"data/**\"]\nrules = [\"database-dump\"]\nreason = \"sample dumps\"\n",
        &[],
    );
    assert_eq!(finding_set(&report), without_rule(all_expected(), "database-dump"));
    assert!(finding_set(&report).contains(&("database-file".into(), "data/app.sqlite".into(), "deny".into())));
}

#[test]
fn exemption_by_blob_id_covers_every_path_of_the_blob() {
    let blob = git(&fixture("rules"), &["rev-parse", "main:config.yaml.bak"]);
    let (_, report) = scan_rules_with(
        &format!("[[allow]]\nblob = \"{blob}\"\nreason = \"kept on purpose\"\n"),
        &[],
    );
    assert_eq!(finding_set(&report), without_rule(all_expected(), "backup-file"));
}

#[test]
fn expired_exemption_no_longer_applies() {
    let (code, report) = scan_rules_with(
        "[[allow]]\npaths = [\"assets/**\"]\nreason = \"until the migration\"\nexpires = 2020-01-01\n",
        &[],
    );
    assert_eq!(finding_set(&report), all_expected());
    assert!(
        notice_kinds(&report).contains(&"expired-exemption".to_string()),
        "{report:#}"
    );
    assert_eq!(code, 1);

    let (_, report) = scan_rules_with(
        "[[allow]]\npaths = [\"assets/**\"]\nreason = \"until the migration\"\nexpires = 2099-12-31\n",
        &[],
    );
    assert_eq!(finding_set(&report), without_rule(all_expected(), "large-blob"));
    assert!(
        !notice_kinds(&report).contains(&"expired-exemption".to_string()),
        "{report:#}"
    );
}

#[test]
fn unused_exemption_is_reported() {
    let (code, report) = scan_rules_with("[[allow]]\npaths = [\"nothing/here/**\"]\nreason = \"stale\"\n", &[]);
    assert_eq!(finding_set(&report), all_expected());
    assert_eq!(
        notice_kinds(&report),
        vec!["submodule".to_string(), "unused-exemption".to_string()],
        "{report:#}"
    );
    assert_eq!(code, 1);
}

// ---------------------------------------------------------------------------
// Levels, thresholds, fail_on, mode, suggestions
// ---------------------------------------------------------------------------

#[test]
fn level_off_removes_the_rule() {
    let (_, report) = scan_rules_with("[rules.large-blob]\nlevel = \"off\"\n", &[]);
    assert_eq!(finding_set(&report), without_rule(all_expected(), "large-blob"));
}

#[test]
fn level_caps_the_rule() {
    let (_, report) = scan_rules_with("[rules.database-file]\nlevel = \"warn\"\n", &[]);
    let mut want = without_rule(all_expected(), "database-file");
    want.push(("database-file".into(), "data/app.sqlite".into(), "warn".into()));
    want.sort();
    assert_eq!(finding_set(&report), want);
}

#[test]
fn size_thresholds_are_inclusive_and_accept_units_and_integers() {
    let big = |level: &str| {
        vec![(
            "large-blob".to_string(),
            "assets/big.bin".to_string(),
            level.to_string(),
        )]
    };
    let (_, report) = scan_rules_with(
        "[rules.large-blob]\nwarn_size = \"1MiB\"\ndeny_size = \"6MiB\"\n",
        &["v1..main~3"],
    );
    assert_eq!(
        finding_set(&report)
            .into_iter()
            .filter(|f| f.0 == "large-blob")
            .collect::<Vec<_>>(),
        big("deny")
    );
    let (_, report) = scan_rules_with(
        "[rules.large-blob]\nwarn_size = \"1MB\"\ndeny_size = 6291457\n",
        &["v1..main~3"],
    );
    assert_eq!(
        finding_set(&report)
            .into_iter()
            .filter(|f| f.0 == "large-blob")
            .collect::<Vec<_>>(),
        big("warn")
    );
    let (_, report) = scan_rules_with("[rules.large-blob]\nwarn_size = \"7MiB\"\n", &["v1..main~3"]);
    assert_eq!(
        finding_set(&report),
        expected(&[C2])
            .into_iter()
            .filter(|f| f.0 != "large-blob")
            .collect::<Vec<_>>()
    );
}

#[test]
fn fail_on_warn_fails_a_warn_only_scan() {
    let repo = fixture("rules");
    let (code, report) = scan_json(&repo, &["main~1..main"]);
    assert_eq!(finding_set(&report), expected(&[C5_ALONE]));
    assert_eq!(code, 0, "warn findings do not fail by default");

    let (code, report) = scan_rules_with("fail_on = \"warn\"\n", &["main~1..main"]);
    assert_eq!(finding_set(&report), expected(&[C5_ALONE]));
    assert_eq!(code, 1, "fail_on = warn");
}

#[test]
fn evaluate_mode_reports_but_never_fails() {
    let (code, report) = scan_rules_with("mode = \"evaluate\"\n", &[]);
    assert_eq!(finding_set(&report), all_expected());
    assert_eq!(code, 0);
}

const GROWTH_1MIB: &str = "[rules.history-growth]\nwarn_size = \"1MiB\"\n";

fn with_growth(mut set: Vec<(String, String, String)>) -> Vec<(String, String, String)> {
    set.push(("history-growth".into(), "-".into(), "warn".into()));
    set.sort();
    set
}

#[test]
fn history_growth_has_no_path() {
    let (code, report) = scan_rules_with(GROWTH_1MIB, &["v1..main"]);
    assert_eq!(finding_set(&report), with_growth(all_expected()));
    let growth = findings(&report)
        .iter()
        .find(|f| f["rule"] == "history-growth")
        .unwrap();
    assert!(growth["path"].is_null(), "{growth:#}");
    assert_eq!(growth["pattern"], "large-churn");
    assert_eq!(growth["level"], "warn");
    assert_eq!(code, 1);

    // The blobs c2 adds reach 1 MiB; those c5 adds do not.
    let (_, report) = scan_rules_with(GROWTH_1MIB, &["v1..main~3"]);
    assert_eq!(finding_set(&report), with_growth(expected(&[C2])));
    let (_, report) = scan_rules_with(GROWTH_1MIB, &["main~1..main"]);
    assert_eq!(finding_set(&report), expected(&[C5_ALONE]));
}

#[test]
fn history_growth_needs_a_range_that_excludes_something() {
    // `--all` and a lone tip exclude nothing: they are whole histories, not
    // additions to one, so growth is not reported however large they are.
    for args in [&["--all"][..], &["main"][..]] {
        let (code, report) = scan_rules_with(GROWTH_1MIB, args);
        assert_eq!(finding_set(&report), all_expected(), "{args:?}");
        assert_eq!(code, 1);
    }
}

#[test]
fn suggestion_text_can_be_replaced_per_pattern() {
    let ours = "Put it in the team Postgres (see the wiki).";
    let (_, report) = scan_rules_with(&format!("[suggestions]\ndatabase = \"{ours}\"\n"), &[]);
    assert_eq!(finding_set(&report), all_expected());
    for f in findings(&report) {
        let pattern = f["pattern"].as_str().unwrap();
        let want = if pattern == "database" {
            ours
        } else {
            default_suggestion_of(f)
        };
        assert_eq!(f["suggestion"], want, "{f:#}");
    }
}

#[test]
fn a_partial_policy_keeps_every_other_default() {
    let (_, report) = scan_rules_with("lookback_days = 30\n", &[]);
    assert_eq!(finding_set(&report), expected(&[C2, C3, C4, C5]));
}

// ---------------------------------------------------------------------------
// One lookup: what the command that reads the policy finds
// ---------------------------------------------------------------------------

/// `pushgate init --repo srv.git` (a relative path, as a user types it) writes the file the
/// pre-receive hook reads; `policy show`, `policy check` and `scan` there report that file,
/// and a real push shows the hook obeys it.
#[test]
fn init_policy_show_and_the_hook_agree_in_a_bare_repository() {
    let server = crate::hooks::Server::seeded("push", "main");
    let dir = server.bare.parent().unwrap().to_owned();
    let at = |args: &[&str]| run(pushgate().current_dir(&dir).args(args));

    let r = at(&["init", "--repo", "srv.git"]);
    assert_eq!(r.code, 0, "{}", r.describe());
    assert!(r.stdout.contains("srv.git/pushgate.toml"), "{}", r.describe());
    let file = server.bare.join("pushgate.toml");
    assert_eq!(fs::read_to_string(&file).unwrap(), example_policy());

    let r = at(&["policy", "show", "--repo", "srv.git"]);
    assert_eq!(r.code, 0, "{}", r.describe());
    // Named by its absolute path: the one the hook reads, wherever it runs.
    let shown = fs::canonicalize(&file).unwrap();
    assert_eq!(
        source_line(&r),
        format!("# source: {} (git directory)", shown.display())
    );
    let r = at(&["policy", "check", "--repo", "srv.git"]);
    assert_eq!(r.code, 0, "{}", r.describe());
    assert_eq!(
        r.stdout.trim(),
        format!("ok: {} (git directory) is a valid pushgate policy", shown.display())
    );

    // The hook reads the same file: in evaluate mode a database goes through, and back in
    // enforce mode it is rejected.
    let r = server.pushgate(&["install", "pre-receive"]);
    assert_eq!(r.code, 0, "{}", r.describe());
    let client = server.client.path();
    let commit_database = |name: &str, fill: u8| {
        let mut sqlite = b"SQLite format 3\0".to_vec();
        sqlite.resize(4096, fill);
        fs::write(client.join(name), &sqlite).unwrap();
        git(client, &["add", name]);
        git(
            client,
            &[
                "-c",
                "user.name=T",
                "-c",
                "user.email=t@example.com",
                "commit",
                "-q",
                "-m",
                name,
            ],
        );
    };
    let enforce = fs::read_to_string(&file).unwrap();
    fs::write(&file, enforce.replace("mode = \"enforce\"", "mode = \"evaluate\"")).unwrap();
    let r = at(&["policy", "show", "--repo", "srv.git"]);
    assert!(r.stdout.contains("mode = \"evaluate\""), "{}", r.describe());
    commit_database("ledger.sqlite", 0);
    let r = server.push(&["HEAD:refs/heads/evaluated"]);
    assert_eq!(
        r.code,
        0,
        "evaluate mode, read from srv.git/pushgate.toml\n{}",
        r.describe()
    );
    assert!(r.stderr.contains("ledger.sqlite"), "{}", r.describe());
    fs::write(&file, &enforce).unwrap();
    commit_database("books.sqlite", 1);
    let r = server.push(&["HEAD:refs/heads/enforced"]);
    assert_ne!(r.code, 0, "enforce mode rejects the database\n{}", r.describe());
    assert!(r.stderr.contains("books.sqlite"), "{}", r.describe());
    assert_eq!(server.rev("refs/heads/enforced"), None);

    // `scan` in the bare repository reads that file too: the database the evaluated push
    // brought is found under the built-in levels, and not once the file turns its rule off.
    let database_findings = || {
        let r = run(pushgate()
            .current_dir(&dir)
            .args(["scan", "--all", "--format", "json", "--repo", "srv.git"]));
        assert!(r.code == 0 || r.code == 1, "{}", r.describe());
        findings(&parse_report(&r))
            .iter()
            .filter(|f| f["rule"] == "database-file")
            .count()
    };
    assert!(database_findings() > 0);
    fs::write(&file, "[rules.database-file]\nlevel = \"off\"\n").unwrap();
    assert_eq!(database_findings(), 0);
}

/// In a repository with a work tree, the pre-receive hook reads `$GIT_DIR/pushgate.toml` and
/// never `.pushgate.toml`; `--for pre-receive` shows, checks and writes that file.
#[test]
fn policy_for_pre_receive_in_a_work_tree_repository() {
    let dir = new_repo();
    let r = run(pushgate()
        .args(["init", "--for", "pre-receive", "--repo"])
        .arg(dir.path()));
    assert_eq!(r.code, 0, "{}", r.describe());
    assert!(dir.path().join(".git/pushgate.toml").is_file(), "{}", r.describe());
    assert!(!dir.path().join(".pushgate.toml").exists());
    write_file(dir.path(), ".pushgate.toml", "fail_on = \"warn\"\n");

    let r = policy_show(dir.path(), &[]);
    assert!(source_line(&r).ends_with(".pushgate.toml (work tree)"), "{}", r.stdout);
    let r = policy_show(dir.path(), &["--for", "pre-receive"]);
    assert!(
        source_line(&r).ends_with(".git/pushgate.toml (git directory)"),
        "{}",
        r.stdout
    );
    let r = policy_show(dir.path(), &["--for", "pre-push"]);
    assert!(source_line(&r).ends_with(".pushgate.toml (work tree)"), "{}", r.stdout);
    let r = run(pushgate()
        .args(["policy", "check", "--for", "pre-receive", "--repo"])
        .arg(dir.path()));
    assert_eq!(r.code, 0, "{}", r.describe());
    assert!(
        r.stdout.contains(".git/pushgate.toml (git directory)"),
        "{}",
        r.describe()
    );

    // `init` says so when another source comes first in the lookup.
    let elsewhere = write_file(dir.path(), "team.toml", "");
    let r = run(pushgate()
        .env("PUSHGATE_POLICY", &elsewhere)
        .args(["init", "--force", "--repo"])
        .arg(dir.path()));
    assert_eq!(r.code, 0, "{}", r.describe());
    assert!(
        r.stderr.contains("team.toml (PUSHGATE_POLICY) comes first"),
        "{}",
        r.describe()
    );
}

#[test]
fn policy_check_without_a_file_says_the_built_in_default_applies() {
    let dir = new_repo();
    let r = run(pushgate().args(["policy", "check", "--repo"]).arg(dir.path()));
    assert_eq!(r.code, 0, "{}", r.describe());
    assert!(
        r.stdout.contains("the built-in default applies") && r.stdout.contains(".pushgate.toml"),
        "{}",
        r.describe()
    );
}

/// `policy check` warns about exemptions that expired, whose paths match no file in HEAD, or
/// whose blob the repository lacks, and is quiet about the one that matches.
#[test]
fn policy_check_reports_expired_and_never_matching_exemptions() {
    let repo = fixture("plain");
    let dir = tempfile::tempdir().unwrap();
    write_file(
        dir.path(),
        "exemptions.toml",
        concat!(
            "[[allow]]\npaths = [\"tests/data/*.json\"]\nreason = \"the sample stays\"\n\n",
            "[[allow]]\npaths = [\"dumps/*.sql\"]\nreason = \"old dumps\"\nexpires = 2020-01-31\n\n",
            "[[allow]]\npaths = [\"asset/**\", \"*.psd\"]\nreason = \"design files\"\n\n",
            "[[allow]]\nblob = \"0123456789abcdef0123456789abcdef01234567\"\nreason = \"a blob long gone\"\n",
        ),
    );
    let r = run(pushgate()
        .current_dir(dir.path())
        .args(["policy", "check", "exemptions.toml", "--repo"])
        .arg(&repo));
    assert_eq!(r.code, 0, "warnings do not fail the check\n{}", r.describe());
    insta::assert_snapshot!("policy-check-exemptions", r.stdout);

    let r = run(pushgate()
        .current_dir(dir.path())
        .args(["policy", "check", "exemptions.toml", "--format", "json", "--repo"])
        .arg(&repo));
    assert_eq!(r.code, 0, "{}", r.describe());
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["valid"], true);
    assert_eq!(v["path"], "exemptions.toml");
    assert_eq!(v["warnings"].as_array().map(Vec::len), Some(3), "{}", r.stdout);

    // Without a commit there is nothing to match paths against: said once, expiry still checked.
    let empty = new_repo();
    let r = run(pushgate()
        .current_dir(dir.path())
        .args(["policy", "check", "exemptions.toml", "--repo"])
        .arg(empty.path()));
    assert_eq!(r.code, 0, "{}", r.describe());
    assert!(r.stdout.contains("expired on 2020-01-31"), "{}", r.describe());
    assert!(!r.stdout.contains("matches no file"), "{}", r.describe());
    assert!(r.stdout.contains("note: HEAD has no commit yet"), "{}", r.describe());
}

#[test]
fn policy_show_and_check_write_json() {
    let r = policy_show(&fixture("plain"), &["--format", "json"]);
    let v: Value = serde_json::from_str(&r.stdout).unwrap_or_else(|e| panic!("{e}\n{}", r.stdout));
    assert_eq!(v["source"], "built-in default");
    assert_eq!(v["path"], Value::Null);
    assert_eq!(v["policy"]["fail_on"], "deny");
    assert_eq!(v["policy"]["rules"]["large-blob"]["warn_size"], "5MiB", "{}", r.stdout);

    let r = run(pushgate().args(["policy", "show", "--format", "sarif"]));
    assert_eq!(r.code, 2, "{}", r.describe());
    assert!(r.stderr.contains("text or json"), "{}", r.describe());
}

/// A missing file, a directory, a file given twice: one line each, exit 2.
#[test]
fn policy_check_file_errors_are_one_line() {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir(dir.path().join("policies")).unwrap();
    write_file(dir.path(), "a.toml", "");
    let plain = fixture("plain");
    let plain = plain.to_str().unwrap();
    for (args, want) in [
        (
            &["policy", "check", "nowhere.toml"][..],
            "pushgate: error: policy file nowhere.toml does not exist\n",
        ),
        (
            &["policy", "check", "policies"],
            "pushgate: error: policy file policies is a directory, not a file\n",
        ),
        (
            &["scan", "--all", "--policy", "nowhere.toml", "--repo", plain],
            "pushgate: error: policy file nowhere.toml (--policy) does not exist\n",
        ),
        (
            &["policy", "check", "a.toml", "--policy", "a.toml"],
            "pushgate: error: two policy files: a.toml and --policy; check one at a time\n",
        ),
    ] {
        let r = run(pushgate().current_dir(dir.path()).args(args));
        assert_eq!(r.code, 2, "{args:?}\n{}", r.describe());
        assert_eq!(r.stderr, want, "{args:?}\n{}", r.describe());
    }
}

/// The messages of representative policy errors, as a user sees them.
#[test]
fn policy_error_snapshots() {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in [
        ("unknown-key", "version = 1\nfail_onn = \"warn\"\n"),
        ("bad-size", "[rules.large-blob]\nwarn_size = \"5XB\"\n"),
        (
            "bad-glob",
            "[rules.backup-file]\npaths = [\n  \"*.bak\",\n  \"a[b\",\n]\n",
        ),
        ("bad-level", "[rules.large-blob]\nlevel = \"fatal\"\n"),
        ("no-reason", "[[allow]]\npaths = [\"assets/**\"]\n"),
    ] {
        let file = format!("{name}.toml");
        write_file(dir.path(), &file, text);
        let r = run(pushgate().current_dir(dir.path()).args(["policy", "check", &file]));
        assert_eq!(r.code, 2, "{name}\n{}", r.describe());
        insta::assert_snapshot!(format!("policy-error-{name}"), r.stderr);
    }
    let r = run(pushgate()
        .current_dir(dir.path())
        .args(["policy", "check", "missing.toml"]));
    assert_eq!(r.code, 2, "{}", r.describe());
    insta::assert_snapshot!("policy-error-missing-file", r.stderr);
}

/// `policy check` of a policy file holding `text`.
fn check_text(text: &str) -> Run {
    let dir = tempfile::tempdir().unwrap();
    let file = write_file(dir.path(), "p.toml", text);
    pushgate_run(&["policy".as_ref(), "check".as_ref(), file.as_os_str()])
}

/// Every table of the policy, read from the effective policy `policy show` prints (so a new
/// table is covered), and `[[allow]]`: a misspelt key in any of them is refused at its line,
/// named with its table, with the key it was meant to be.
#[test]
fn a_misspelt_key_in_any_table_gets_did_you_mean() {
    let r = pushgate_run(&["policy", "show", "--format", "json"]);
    assert_eq!(r.code, 0, "{}", r.describe());
    let shown: Value = serde_json::from_str(&r.stdout).unwrap();
    // (dotted table path, its keys), depth first.
    fn tables(value: &Value, path: &str, out: &mut Vec<(String, Vec<String>)>) {
        let Value::Object(map) = value else { return };
        out.push((path.to_owned(), map.keys().cloned().collect()));
        for (key, inner) in map {
            let inner_path = if path.is_empty() {
                key.clone()
            } else {
                format!("{path}.{key}")
            };
            tables(inner, &inner_path, out);
        }
    }
    let mut all = Vec::new();
    tables(&shown["policy"], "", &mut all);
    assert!(all.len() >= 20, "{all:?}");
    let mut cases: Vec<(String, String, String)> = Vec::new();
    for (table, keys) in &all {
        let Some(key) = keys.iter().find(|k| k.len() >= 4) else {
            continue;
        };
        // A letter dropped from the middle, as typed in a hurry.
        let mid = key.len() / 2;
        let typo = format!("{}{}", &key[..mid], &key[mid + 1..]);
        let text = if table.is_empty() {
            format!("{typo} = 1\n")
        } else {
            format!("[{table}]\n{typo} = 1\n")
        };
        let named = if table.is_empty() {
            typo.clone()
        } else {
            format!("{table}.{typo}")
        };
        cases.push((text, named, key.clone()));
    }
    cases.push((
        "[[allow]]\npaths = [\"a\"]\nreason = \"why\"\n\n[[allow]]\npaths = [\"b\"]\nreasn = \"why\"\n".into(),
        "allow[1].reasn".into(),
        "reason".into(),
    ));
    for (text, named, meant) in &cases {
        let r = check_text(text);
        assert_eq!(r.code, 2, "{text}\n{}", r.describe());
        let line = if text.starts_with("[[") {
            7
        } else {
            text.lines().count()
        };
        assert!(
            r.stderr.contains(&format!("p.toml:{line}:")),
            "{text}: not at line {line}\n{}",
            r.describe()
        );
        assert!(
            r.stderr.contains(named.as_str()),
            "{text}: `{named}` not named\n{}",
            r.describe()
        );
        assert!(
            r.stderr.contains(&format!("did you mean `{meant}`?")),
            "{text}\n{}",
            r.describe()
        );
        assert_eq!(r.stderr.lines().count(), 1, "{}", r.describe());
    }
}

/// A key or a table given twice is refused at the second, naming it by its dotted path.
#[test]
fn a_duplicated_key_is_named() {
    for (text, at, named) in [
        (
            "fail_on = \"warn\"\nfail_on = \"deny\"\n",
            "p.toml:2:1:",
            "duplicate key `fail_on`",
        ),
        (
            "[hook]\ntimeout = 3\ntimeout = 4\n",
            "p.toml:3:1:",
            "duplicate key `hook.timeout`",
        ),
        (
            "[rules.large-blob]\nlevel = \"warn\"\n\n[rules.large-blob]\nlevel = \"deny\"\n",
            "p.toml:4:8:",
            "duplicate key `rules.large-blob`: the table [rules.large-blob] is defined twice",
        ),
        (
            "[rules]\nlarge-blob.level = \"warn\"\nlarge-blob.level = \"off\"\n",
            "p.toml:3:12:",
            "duplicate key `rules.large-blob.level`",
        ),
        (
            "[[allow]]\npaths = [\"a\"]\nreason = \"x\"\n[[allow]]\npaths = [\"b\"]\nreason = \"y\"\nreason = \"z\"\n",
            "p.toml:7:1:",
            "duplicate key `allow[1].reason`",
        ),
        (
            "hook = { timeout = 3, timeout = 4 }\n",
            "p.toml:1:23:",
            "duplicate key `timeout`",
        ),
    ] {
        let r = check_text(text);
        assert_eq!(r.code, 2, "{text}\n{}", r.describe());
        assert!(
            r.stderr.contains(at) && r.stderr.contains(named),
            "{text}: want {at} {named}\n{}",
            r.describe()
        );
    }
}

/// `policy show --format json` prints an exemption's date as the date it is.
#[test]
fn policy_show_json_prints_dates_as_dates() {
    let dir = tempfile::tempdir().unwrap();
    let file = write_file(
        dir.path(),
        "p.toml",
        "[[allow]]\npaths = [\"vendor/**\"]\nreason = \"third-party code, reviewed\"\nexpires = 2020-01-31\n",
    );
    let r = pushgate_run(&[
        "policy".as_ref(),
        "show".as_ref(),
        "--format".as_ref(),
        "json".as_ref(),
        "--policy".as_ref(),
        file.as_os_str(),
    ]);
    assert_eq!(r.code, 0, "{}", r.describe());
    let shown: Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(shown["policy"]["allow"][0]["expires"], "2020-01-31", "{}", r.stdout);
    assert!(!r.stdout.contains("toml_private"), "{}", r.stdout);
}
