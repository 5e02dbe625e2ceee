//! What people are told, followed as printed: a fix plan whose steps hold each path once and
//! add up to at most the packs (fixture `county_scraper`: a file in a folded data-churn subject
//! that also churns on its own); data a job rewrites moved out, never to Git LFS, in every
//! output (fixture `bench_bot`); what only a pull request's ref reaches left to the host; a
//! rejected push whose printed commands, run through `sh -c`, take every pushed version of a
//! churning file out, rewrite a tag as a tag, and turn a raw file into an LFS pointer;
//! `.gitignore` lines that match odd names (`git check-ignore`); an alternative that fits each
//! rule; `history-growth` naming its largest files.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process;

use serde_json::Value;

use crate::audit::audit_json;
use crate::hooks::{Server, finding_lines, remote_lines, remote_text};
use crate::push_output::{follow, holds};
use crate::util::*;

/// Files of 64 KiB and more churn (the fixtures keep their data small).
const CHURN_POLICY: &str = "[rules.churning-blob]\nmin_size = \"64KiB\"\n";

fn policy_file(text: &str) -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = write_file(dir.path(), "policy.toml", text);
    (dir, path.to_str().unwrap().to_owned())
}

fn audit(repo: &Path, args: &[&str]) -> Run {
    let mut cmd = pushgate();
    cmd.arg("audit").arg("--repo").arg(repo).args(args);
    run(&mut cmd)
}

fn plan_steps(report: &Value) -> Vec<Value> {
    report["audit"]["plan"]["steps"].as_array().unwrap().clone()
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .map(|a| a.iter().filter_map(|s| s.as_str().map(str::to_owned)).collect())
        .unwrap_or_default()
}

/// The text report's fix plan: from `Fix plan` to the object database.
fn plan_text(stdout: &str) -> String {
    stdout
        .split("\nFix plan")
        .nth(1)
        .unwrap_or_else(|| panic!("a fix plan:\n{stdout}"))
        .split("\nOverview")
        .next()
        .unwrap()
        .to_owned()
}

/// What the packs and loose objects take on disk, as `git count-objects -v` says (KiB).
fn disk_bytes(repo: &Path) -> u64 {
    let out = git(repo, &["count-objects", "-v"]);
    let field = |name: &str| -> u64 {
        out.lines()
            .find_map(|l| l.strip_prefix(&format!("{name}: ")))
            .and_then(|v| v.trim().parse().ok())
            .unwrap()
    };
    (field("size-pack") + field("size")) * 1024
}

#[test]
fn the_fix_plan_holds_each_path_once_and_adds_up_to_at_most_the_packs() {
    let repo = fixture("county_scraper");
    let (_dir, policy) = policy_file(CHURN_POLICY);
    let (code, report) = audit_json(&repo, &["--policy", &policy]);
    assert_eq!(code, 1, "{report:#}");
    // The shape that double-counted: a file of a folded data-churn subject that churns on its own.
    let offenders = report["audit"]["offenders"].as_array().unwrap();
    let paths: Vec<&str> = offenders.iter().filter_map(|o| o["path"].as_str()).collect();
    assert!(
        paths.contains(&"data/*.json") && paths.contains(&"data/counties.json"),
        "{paths:?}"
    );

    // Each offending path in one step only, and no step that stores the data in LFS.
    let steps = plan_steps(&report);
    let mut seen: BTreeMap<String, String> = BTreeMap::new();
    for step in &steps {
        let action = step["action"].as_str().unwrap().to_owned();
        for path in strings(&step["paths"]) {
            assert!(
                seen.insert(path.clone(), action.clone()).is_none(),
                "{path} is in two steps: {:#}",
                report["audit"]["plan"]
            );
        }
    }
    assert!(
        seen.contains_key("data/counties.json") && seen.contains_key("data/*.json"),
        "{seen:?}"
    );
    assert!(
        !steps.iter().any(|s| s["action"] == "move-to-lfs"),
        "data a job rewrites never goes to LFS: {:#}",
        report["audit"]["plan"]
    );
    for o in offenders {
        if o["path"] == "data/counties.json" || o["path"] == "data/*.json" {
            assert_eq!(o["fix"]["action"], "move-out", "{o:#}");
        }
    }

    // The steps and the shares add up to at most what the packs hold.
    let disk = disk_bytes(&repo);
    let total: u64 = steps.iter().map(|s| s["saves"].as_u64().unwrap()).sum();
    assert!(total > 0 && total <= disk, "the plan frees {total} of {disk} bytes");
    let shares: u64 = report["audit"]["patterns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["packed"].as_u64().unwrap())
        .sum();
    assert!(shares <= disk, "the shares add up to {shares} of {disk} bytes");

    // The text says what the JSON says: each step's figure, and the total.
    let r = audit(&repo, &["--policy", &policy]);
    let plan = plan_text(&r.stdout);
    let flat = squash_ws(&plan);
    assert!(
        flat.starts_with(&format!(": frees {} ", pushgate::util::human_size(total))),
        "{plan}"
    );
    for step in &steps {
        let saves = pushgate::util::human_size(step["saves"].as_u64().unwrap());
        assert!(flat.contains(&format!("frees {saves}")), "{saves}: {plan}");
    }
    assert_eq!(flat.matches("frees ").count(), steps.len() + 1, "{plan}");
    assert!(!plan.contains("git lfs"), "{plan}");
}

#[test]
#[ignore = "needs git filter-repo (run with --include-ignored; .ci/run does)"]
fn the_printed_plan_run_on_a_mirror_takes_every_version_out() {
    let found = process::Command::new("git")
        .args(["filter-repo", "--version"])
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        found,
        "needs git filter-repo on PATH (pip install git-filter-repo; .ci/run installs it)"
    );
    let repo = fixture("county_scraper");
    let (_dir, policy) = policy_file(CHURN_POLICY);
    let r = audit(&repo, &["--policy", &policy]);
    // The removal's block, as printed: the here-document and the command.
    let plan = plan_text(&r.stdout);
    let block: Vec<&str> = plan
        .lines()
        .skip_while(|l| !l.trim_start().starts_with("cat > ../pushgate-paths.txt"))
        .take_while(|l| !l.trim_start().starts_with("Left as they are"))
        .map(str::trim_start)
        .collect();
    assert!(
        block
            .last()
            .is_some_and(|l| l.starts_with("git filter-repo --paths-from-file")),
        "{plan}"
    );
    let work = tempfile::tempdir().unwrap();
    let url = format!("file://{}", repo.display());
    let out = git_command(work.path(), &["clone", "-q", "--mirror", &url, "mirror.git"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let mirror = work.path().join("mirror.git");
    let before = disk_bytes(&mirror);
    let out = process::Command::new("sh")
        .arg("-c")
        .arg(block.join("\n"))
        .current_dir(&mirror)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let objects = git(&mirror, &["rev-list", "--objects", "--all"]);
    assert!(!objects.contains("data/"), "no version of the data is left:\n{objects}");
    assert!(objects.contains("scrape.py"), "the code stays");
    let after = disk_bytes(&mirror);
    assert!(after < before / 2, "{before} -> {after} bytes");
}

/// Every output of an audit and a scan of `repo` under `policy`, by name.
fn outputs(repo: &Path, policy: &str, range: &str) -> Vec<(String, String)> {
    let mut all = Vec::new();
    for format in ["text", "json", "markdown"] {
        let r = audit(repo, &["--policy", policy, "--format", format]);
        assert!(r.code <= 1, "{}", r.describe());
        all.push((format!("audit {format}"), r.stdout));
    }
    for format in ["text", "json", "markdown", "sarif", "github", "junit"] {
        let r = scan_as(repo, format, &[range, "--policy", policy]);
        assert!(r.code <= 1, "{}", r.describe());
        // SARIF describes every rule in general; what it tells about the findings is theirs.
        let out = if format == "sarif" {
            let sarif: Value = serde_json::from_str(&r.stdout).unwrap();
            sarif["runs"][0]["results"].to_string()
        } else {
            r.stdout
        };
        all.push((format!("scan {format}"), out));
    }
    all
}

/// [`CHURN_POLICY`], and delta chains of 64 KiB objects deeper than 10 reported.
const BENCH_POLICY: &str =
    "[rules.churning-blob]\nmin_size = \"64KiB\"\n[rules.deep-delta-chain]\nmin_size = \"64KiB\"\nmax_depth = 10\n";

#[test]
fn a_benchmark_bots_results_file_is_moved_out_never_to_lfs() {
    let repo = fixture("bench_bot");
    let (_dir, policy) = policy_file(BENCH_POLICY);
    // The shape: every version of data.js but the first is the bot's.
    let authors = git(&repo, &["log", "--format=%an", "gh-pages", "--", "dev/bench/data.js"]);
    let bot = authors.lines().filter(|a| *a == "github-action-benchmark").count();
    assert_eq!((bot, authors.lines().count()), (100, 101), "{authors}");

    let (_, report) = audit_json(&repo, &["--policy", &policy]);
    // Whichever large-churn rule reports it: its churn, and its delta chain.
    for rule in ["churning-blob", "deep-delta-chain"] {
        let f = finding_at(&report, rule, "dev/bench/data.js");
        assert_eq!(f["evidence"]["written_by_job"], true, "{f:#}");
        assert_eq!(f["suggestion"], JOB_DATA_SUGGESTION, "{f:#}");
        assert!(f["fix"].as_str().unwrap().starts_with("A job keeps rewriting"), "{f:#}");
    }
    let offender = report["audit"]["offenders"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["path"] == "dev/bench/data.js")
        .expect("the offender");
    assert_eq!(offender["fix"]["action"], "move-out", "{offender:#}");
    assert!(
        !plan_steps(&report).iter().any(|s| s["action"] == "move-to-lfs"),
        "{:#}",
        report["audit"]["plan"]
    );

    // Every output: no LFS command, no LFS store, no `git lfs track`; the data is moved out.
    for (what, out) in outputs(&repo, &policy, "gh-pages..next-bench") {
        for bad in ["git lfs", "LFS store", "track it with Git LFS", "Move to Git LFS"] {
            assert!(!out.contains(bad), "{what} says {bad:?}:\n{out}");
        }
        assert!(out.contains("dev/bench/data.js"), "{what}:\n{out}");
        assert!(out.contains("Git LFS is no fix"), "{what}:\n{out}");
    }

    // And the pusher of the bot's next run.
    let server = Server::seeded("bench_bot", "gh-pages");
    server.policy(BENCH_POLICY);
    assert_eq!(server.pushgate(&["install", "pre-receive"]).code, 0);
    let r = server.push(&["next-bench:refs/heads/main"]);
    assert_ne!(r.code, 0, "{}", r.describe());
    let text = remote_text(&r);
    assert!(text.contains("churning-blob"), "{text}");
    assert!(
        !text.contains("git lfs") && !text.contains("keep them in Git LFS"),
        "{text}"
    );
    assert!(squash_ws(&text).contains("Git LFS is no fix"), "{text}");
}

/// A MySQL dump with rows.
const DUMP: &str = "-- MySQL dump 10.13  Distrib 8.0.36, for Linux (x86_64)\n--\n-- Host: localhost    Database: shop\n-- ------------------------------------------------------\nINSERT INTO `t` VALUES (1),(2);\n";

#[test]
fn what_only_a_pull_requests_ref_reaches_is_left_to_the_host() {
    let repo = fixture_copy("plain");
    let dir = repo.path();
    git(dir, &["checkout", "-q", "-b", "contributor"]);
    write_file(dir, "exports/shop.sql", DUMP);
    commit_all(dir, "Add the export");
    let pull = git(dir, &["rev-parse", "HEAD"]);
    git(dir, &["update-ref", "refs/pull/1/head", &pull]);
    git(dir, &["checkout", "-q", "-"]);
    git(dir, &["branch", "-q", "-D", "contributor"]);

    let (code, report) = audit_json(dir, &[]);
    assert_eq!(code, 1, "{report:#}");
    let offender = report["audit"]["offenders"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["path"] == "exports/shop.sql")
        .expect("the dump")
        .clone();
    assert_eq!(strings(&offender["refs"]), ["refs/pull/1/head"], "{offender:#}");
    assert_eq!(offender["host_refs_only"], true, "{offender:#}");
    assert_eq!(offender["fix"]["action"], "ask-host", "{offender:#}");
    assert!(offender["fix"]["command"].is_null(), "{offender:#}");
    let steps = plan_steps(&report);
    let actions: Vec<&str> = steps.iter().filter_map(|s| s["action"].as_str()).collect();
    assert_eq!(actions, ["ask-host"], "{:#}", report["audit"]["plan"]);
    assert_eq!(strings(&steps[0]["refs"]), ["refs/pull/1/head"]);
    assert!(report["audit"]["rewrite_warning"].is_null(), "nothing to rewrite");
    let r = audit(dir, &[]);
    let plan = squash_ws(&plan_text(&r.stdout));
    assert!(plan.contains("Ask the host"), "{plan}");
    assert!(plan.contains("(refs/pull/1/head) reach exports/shop.sql"), "{plan}");
    assert!(!plan.contains("force-push every branch"), "{plan}");
    assert!(
        !plan.contains("git filter-repo") && !plan.contains("mirror clone"),
        "{plan}"
    );
    assert!(
        squash_ws(&r.stdout).contains("only in the host's refs/pull/1/head"),
        "{}",
        r.stdout
    );

    // A dump a branch holds too is rewritten, and the warning says what the host's refs keep.
    write_file(dir, "db/dump.sql", DUMP.replace("(1),(2)", "(3)").as_str());
    commit_all(dir, "Add a dump");
    let (_, report) = audit_json(dir, &[]);
    let dump = report["audit"]["offenders"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["path"] == "db/dump.sql")
        .unwrap()
        .clone();
    assert_eq!(dump["host_refs_only"], false, "{dump:#}");
    assert!(
        strings(&dump["refs"]).contains(&"refs/heads/main".to_owned()),
        "{dump:#}"
    );
    let actions: Vec<String> = plan_steps(&report)
        .iter()
        .filter_map(|s| s["action"].as_str().map(str::to_owned))
        .collect();
    assert_eq!(actions, ["remove", "ask-host"]);
    let warning = report["audit"]["rewrite_warning"].as_str().unwrap();
    assert!(warning.contains("force-push every branch and tag"), "{warning}");
    assert!(
        warning.contains("refs/pull/*") && warning.contains("not --mirror"),
        "{warning}"
    );
}

/// The commands of a push's fix advice, as printed: four spaces in, after the heading.
fn advice_commands(lines: &[String]) -> Vec<String> {
    lines
        .iter()
        .skip_while(|l| !l.starts_with("How to fix the commits"))
        .filter_map(|l| l.strip_prefix("    "))
        .filter(|l| !l.starts_with('#'))
        .map(str::to_owned)
        .collect()
}

/// 100 KiB that do not compress, different for each `seed`.
fn noise(seed: u32) -> Vec<u8> {
    let mut x = seed.wrapping_mul(2_654_435_761) | 1;
    (0..100 * 1024)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            (x >> 11) as u8
        })
        .collect()
}

fn commit_as_pusher(dir: &Path, message: &str) {
    git(dir, &["add", "-A"]);
    git(
        dir,
        &[
            "-c",
            "user.name=Pusher",
            "-c",
            "user.email=pusher@example.com",
            "commit",
            "-q",
            "--no-verify",
            "-m",
            message,
        ],
    );
}

#[test]
fn a_file_pushed_in_ten_versions_leaves_the_push_with_every_version() {
    let server = Server::seeded("push_output", "main");
    server.policy(CHURN_POLICY);
    assert_eq!(server.pushgate(&["install", "pre-receive"]).code, 0);
    let client = server.client.path();
    git(client, &["checkout", "-q", "-b", "weights", "main"]);
    for v in 1..=10 {
        std::fs::create_dir_all(client.join("model")).unwrap();
        std::fs::write(client.join("model/weights.bin"), noise(v)).unwrap();
        write_file(client, "train.py", &format!("EPOCHS = {v}\n"));
        commit_as_pusher(client, &format!("weights v{v}"));
    }
    let first = server.client_rev("weights~9");
    let tip = server.client_rev("weights");
    let r = server.push(&["weights:refs/heads/main"]);
    assert_ne!(r.code, 0, "ten versions of a 100 KiB file are denied: {}", r.describe());
    let lines = remote_lines(&r);
    let text = lines.join("\n");
    // The commit that first added it, not the tip that changed it last.
    assert!(
        text.contains(&format!(
            "model/weights.bin: added in {} \"weights v1\", 9 commits below the tip of refs/heads/main, then changed in 9 more pushed commits",
            &first[..10]
        )),
        "{text}"
    );
    assert!(!text.contains(&tip[..10]), "the tip is not named: {text}");
    assert!(
        finding_lines(&r)
            .iter()
            .any(|l| l.contains(&first[..10]) && l.contains("model/weights.bin")),
        "{text}"
    );
    let steps = advice_commands(&lines);
    assert!(
        steps
            .first()
            .is_some_and(|s| s.contains("git filter-branch") && s.ends_with("..HEAD")),
        "{steps:?}"
    );

    // Follow it word for word, on the branch that was pushed.
    for step in &steps {
        follow(client, step, "true");
    }
    assert!(
        client.join("model/weights.bin").is_file(),
        "the file stays in the work tree"
    );
    assert_eq!(std::fs::read(client.join("model/weights.bin")).unwrap(), noise(10));
    assert!(
        git(client, &["status", "--porcelain"]).contains("?? model/"),
        "and is untracked"
    );
    for rev in ["weights", "weights~5", "weights~9"] {
        assert!(!holds(client, rev, "model/weights.bin"), "{rev} still holds it");
        assert!(holds(client, rev, "train.py"), "{rev} keeps its other changes");
    }
    let objects = git(client, &["rev-list", "--objects", "main..weights"]);
    assert!(
        !objects.contains("model/weights.bin"),
        "no version is pushed:\n{objects}"
    );
    let r = server.push(&["weights:refs/heads/main"]);
    assert_eq!(r.code, 0, "the push goes through: {}", r.describe());
    assert!(
        !finding_lines(&r).iter().any(|l| l.contains("weights.bin")),
        "{}",
        r.describe()
    );
    assert_eq!(server.rev("refs/heads/main"), Some(server.client_rev("weights")));
}

#[test]
fn a_rejected_tag_gets_a_tag_recipe_that_leaves_every_branch_alone() {
    let server = Server::seeded("push_output", "main");
    assert_eq!(server.pushgate(&["install", "pre-receive"]).code, 0);
    let client = server.client.path();
    git(client, &["checkout", "-q", "-b", "release", "main"]);
    write_file(client, "backup/release.sql", DUMP);
    commit_as_pusher(client, "Keep the release data");
    write_file(client, "docs/release.md", "Release 9.\n");
    commit_as_pusher(client, "Release notes");
    git(
        client,
        &[
            "-c",
            "user.name=Pusher",
            "-c",
            "user.email=pusher@example.com",
            "tag",
            "-a",
            "v9",
            "-m",
            "Release 9",
        ],
    );
    git(client, &["checkout", "-q", "main"]);
    write_file(client, "wip.txt", "unrelated work on main\n");
    commit_as_pusher(client, "Unrelated work");
    let branches_before = git(client, &["for-each-ref", "refs/heads"]);
    let head_before = git(client, &["symbolic-ref", "HEAD"]);

    let r = server.push(&["refs/tags/v9"]);
    assert_ne!(r.code, 0, "{}", r.describe());
    let lines = remote_lines(&r);
    let text = lines.join("\n");
    assert!(text.contains("on the tag refs/tags/v9:"), "{text}");
    let steps = advice_commands(&lines);
    assert_eq!(steps.len(), 1, "{steps:?}");
    assert!(
        steps[0].contains("--tag-name-filter cat") && steps[0].ends_with("..refs/tags/v9"),
        "{steps:?}"
    );
    for bad in ["--amend", "git rebase", "HEAD"] {
        assert!(!steps[0].contains(bad), "{bad}: {steps:?}");
    }
    follow(client, &steps[0], "true");
    assert_eq!(
        git(client, &["for-each-ref", "refs/heads"]),
        branches_before,
        "no branch moves"
    );
    assert_eq!(git(client, &["symbolic-ref", "HEAD"]), head_before);
    assert!(!holds(client, "v9", "backup/release.sql"), "the tag lost the dump");
    assert!(holds(client, "v9", "docs/release.md"));
    assert_eq!(git(client, &["cat-file", "-t", "v9"]), "tag", "still an annotated tag");
    let r = server.push(&["refs/tags/v9"]);
    assert_eq!(r.code, 0, "{}", r.describe());
    assert_eq!(
        server.rev("refs/tags/v9^{commit}"),
        Some(server.client_rev("v9^{commit}"))
    );
}

/// Run `command` in `repo` through `sh -c` with a home of its own (git-lfs writes its filters
/// to the global configuration: never `/dev/null`).
fn follow_at_home(repo: &Path, home: &Path, command: &str) {
    let out = process::Command::new("sh")
        .arg("-c")
        .arg(command)
        .current_dir(repo)
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
        .env("HOME", home)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", home.join(".gitconfig"))
        .env("GIT_TERMINAL_PROMPT", "0")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "`{command}` failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A server, and a client whose branch `lfs` commits a model raw where `.gitattributes` asks
/// for Git LFS, one commit below the tip; the rejected push's lines.
fn raw_model_push() -> (Server, Vec<String>) {
    let server = Server::seeded("push_output", "main");
    assert_eq!(server.pushgate(&["install", "pre-receive"]).code, 0);
    let client = server.client.path();
    git(client, &["checkout", "-q", "-b", "lfs", "main"]);
    write_file(client, ".gitattributes", "*.bin filter=lfs diff=lfs merge=lfs -text\n");
    commit_as_pusher(client, "Track binaries with Git LFS");
    std::fs::create_dir_all(client.join("assets")).unwrap();
    std::fs::write(client.join("assets/model.bin"), noise(7)).unwrap();
    // Committed without the LFS filters: a raw blob.
    commit_as_pusher(client, "Add the model");
    write_file(client, "docs/model.md", "The model.\n");
    commit_as_pusher(client, "Document the model");
    let r = server.push(&["lfs:refs/heads/main"]);
    assert_ne!(r.code, 0, "{}", r.describe());
    (server, remote_lines(&r))
}

fn push_at_home(server: &Server, home: &Path, refspec: &str) -> Run {
    let mut cmd = process::Command::new("git");
    cmd.arg("-C")
        .arg(server.client.path())
        .args(["push", &server.url(), refspec])
        .env_remove("PUSHGATE_POLICY")
        .env("HOME", home)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", home.join(".gitconfig"))
        .env("GIT_TERMINAL_PROMPT", "0");
    crate::hooks::output(cmd)
}

#[test]
#[ignore = "needs git-lfs (run with --include-ignored; .ci/run does)"]
fn a_raw_file_for_lfs_becomes_a_pointer_clean_or_after_lfs_install() {
    let lfs = process::Command::new("git").args(["lfs", "version"]).output();
    assert!(
        lfs.is_ok_and(|o| o.status.success()),
        "needs git-lfs on PATH (apt-get install git-lfs; .ci/run installs it)"
    );
    for lfs_installed_first in [false, true] {
        let (server, lines) = raw_model_push();
        let client = server.client.path();
        let home = tempfile::tempdir().unwrap();
        let text = lines.join("\n");
        assert!(text.contains("lfs-bypassed"), "{text}");
        let steps = advice_commands(&lines);
        let boundary = server.client_rev("lfs~3");
        assert_eq!(steps.len(), 3, "{steps:?}");
        assert_eq!(steps[0], "git lfs install");
        assert!(
            steps[1].contains("lfs migrate import --include=assets/model.bin --include-ref=HEAD")
                && steps[1].ends_with(&format!("--exclude-ref={}", &boundary[..10])),
            "the pushed commits only: {steps:?}"
        );
        assert_eq!(steps[2], "git lfs checkout");
        assert!(
            !text.contains("git rm --cached -- assets/model.bin"),
            "converted, not removed: {text}"
        );
        let raw = server.client_rev("lfs~1:assets/model.bin");
        if lfs_installed_first {
            // What `git lfs install` leaves: the filters on, the raw file now reads as changed.
            follow_at_home(client, home.path(), "git lfs install");
        }
        for step in &steps {
            follow_at_home(client, home.path(), step);
        }
        let objects = git(client, &["rev-list", "--objects", &format!("{boundary}..lfs")]);
        assert!(
            !objects.contains(&raw),
            "the raw blob left the pushed range:\n{objects}"
        );
        let pointer = git(client, &["cat-file", "-p", "lfs~1:assets/model.bin"]);
        assert!(
            pointer.starts_with("version https://git-lfs.github.com/spec/v1"),
            "{pointer}"
        );
        assert_eq!(
            std::fs::read(client.join("assets/model.bin")).unwrap(),
            noise(7),
            "the work tree keeps the content"
        );
        assert_eq!(
            server.client_rev("lfs~3"),
            boundary,
            "what was pushed before is untouched"
        );
        let r = push_at_home(&server, home.path(), "lfs:refs/heads/main");
        assert_eq!(
            r.code,
            0,
            "lfs installed first: {lfs_installed_first}: {}",
            r.describe()
        );
    }
}

/// `name` as an OS path.
fn os(name: &[u8]) -> &std::ffi::OsStr {
    use std::os::unix::ffi::OsStrExt;
    std::ffi::OsStr::from_bytes(name)
}

#[test]
fn gitignore_lines_for_odd_names_match_the_real_files() {
    let repo = fixture_copy("plain");
    let dir = repo.path();
    let sqlite = {
        let mut db = b"SQLite format 3\0".to_vec();
        db.extend(std::iter::repeat_n(0u8, 4096 - db.len()));
        db
    };
    let names: [(&[u8], Vec<u8>); 3] = [
        (b"x\ty\nz.db", sqlite),
        (b"caf\xe9 dump.sql", DUMP.as_bytes().to_vec()),
        (b"notes dump.sql ", DUMP.replace("(1)", "(9)").into_bytes()),
    ];
    for (name, content) in &names {
        std::fs::write(dir.join(os(name)), content).unwrap();
    }
    commit_all(dir, "Odd names");
    let (_, report) = scan_json(dir, &["HEAD~1..HEAD"]);
    for (name, content) in &names {
        // The finding about this file: its blob.
        let mut hash = git_command(dir, &["hash-object", "--stdin"])
            .stdin(process::Stdio::piped())
            .stdout(process::Stdio::piped())
            .spawn()
            .unwrap();
        {
            use std::io::Write;
            hash.stdin.take().unwrap().write_all(content).unwrap();
        }
        let blob = String::from_utf8(hash.wait_with_output().unwrap().stdout).unwrap();
        let f = findings(&report)
            .iter()
            .find(|f| f["blob"] == blob.trim())
            .unwrap_or_else(|| panic!("a finding for {name:?}: {report:#}"));
        let fix = f["fix"].as_str().unwrap();
        // The line, as printed between backticks before "to .gitignore".
        let line = fix
            .split('`')
            .collect::<Vec<_>>()
            .windows(2)
            .find(|w| w[1].trim_start().starts_with("to .gitignore"))
            .map(|w| w[0].to_owned())
            .unwrap_or_else(|| panic!("{fix}"));
        assert!(
            !line.contains("\\t") && !line.contains("\\x"),
            "an escape matches nothing: {line}"
        );
        std::fs::write(dir.join(".gitignore"), format!("{line}\n")).unwrap();
        let out = git_command(dir, &["check-ignore", "--no-index", "-q", "--"])
            .arg(os(name))
            .output()
            .unwrap();
        assert!(out.status.success(), "{line:?} does not match {name:?}: {fix}");
        let unshown = name.iter().any(|b| b.is_ascii_control() || !b.is_ascii());
        assert_eq!(
            fix.contains("stands for a byte of the name"),
            unshown,
            "say when the line cannot spell the name: {fix}"
        );
    }
}

/// What each rule is told to use instead: a word the alternative must have and one it must not.
const ALTERNATIVES: &[(&str, &str, &str)] = &[
    ("large-blob", "Git LFS", "CloudTrail"),
    ("history-growth", "Git LFS", "CloudTrail"),
    ("churning-blob", "Git LFS", "CloudTrail"),
    ("deep-delta-chain", "Git LFS", "CloudTrail"),
    ("lfs-bypassed", "Git LFS", "CloudTrail"),
    ("database-file", "DynamoDB", "Git LFS"),
    ("data-churn", "DynamoDB", "Git LFS"),
    ("log-file", "CloudWatch Logs", "Git LFS"),
    ("audit-record", "CloudTrail", "Git LFS"),
    ("generated-artifact", "build artifacts or release assets", "CloudTrail"),
    ("machine-cadence", "retained records", "Git LFS"),
    ("database-dump", "AWS Backup", "CloudTrail"),
    ("archive-backup", "AWS Backup", "CloudTrail"),
    ("disk-image", "EBS snapshots", "CloudTrail"),
    ("backup-file", "AWS Backup", "CloudTrail"),
];

#[test]
fn every_rule_is_told_an_alternative_that_fits_it() {
    // Every rule `pushgate explain` lists is in the table.
    let r = pushgate_run(&["explain"]);
    assert_eq!(r.code, 0, "{}", r.describe());
    let listed: BTreeSet<String> = r
        .stdout
        .lines()
        .skip(1)
        .take_while(|l| !l.trim().is_empty())
        .filter_map(|l| l.split_whitespace().next().map(str::to_owned))
        .collect();
    let table: BTreeSet<String> = ALTERNATIVES.iter().map(|(r, _, _)| (*r).to_owned()).collect();
    assert_eq!(listed, table, "{}", r.stdout);
    for (rule, has, lacks) in ALTERNATIVES {
        let r = pushgate_run(&["explain", rule]);
        let instead = squash_ws(r.stdout.split("What to use instead").nth(1).unwrap_or_default());
        assert!(instead.contains(has), "{rule}: {instead}");
        assert!(!instead.contains(lacks), "{rule}: {instead}");
    }

    // Build output is told about the build and release storage, whatever its kind.
    let repo = fixture_copy("plain");
    let dir = repo.path();
    write_file(dir, "dist/app.min.js", "!function(){var a=1;console.log(a)}();\n");
    let mut pyc = vec![0xa7, 0x0d, 0x0d, 0x0a, 0, 0, 0, 0];
    pyc.extend(std::iter::repeat_n(0xe3u8, 200));
    std::fs::create_dir_all(dir.join("pkg/__pycache__")).unwrap();
    std::fs::write(dir.join("pkg/__pycache__/mod.cpython-312.pyc"), pyc).unwrap();
    let mut whl = b"PK\x03\x04".to_vec();
    whl.extend(std::iter::repeat_n(7u8, 300));
    std::fs::write(dir.join("dist/pkg-1.0-py3-none-any.whl"), whl).unwrap();
    commit_all(dir, "Build output");
    let (_, report) = scan_json(dir, &["HEAD~1..HEAD"]);
    for path in [
        "dist/app.min.js",
        "pkg/__pycache__/mod.cpython-312.pyc",
        "dist/pkg-1.0-py3-none-any.whl",
    ] {
        let f = findings(&report)
            .iter()
            .find(|f| f["path"] == path)
            .unwrap_or_else(|| panic!("{path}: {report:#}"));
        let suggestion = f["suggestion"].as_str().unwrap();
        assert_eq!(suggestion, ARTIFACTS_SUGGESTION, "{f:#}");
        assert!(!suggestion.contains("CloudTrail"), "{f:#}");
    }
    let r = scan_as(dir, "text", &["HEAD~1..HEAD"]);
    assert!(!r.stdout.contains("CloudTrail"), "{}", r.stdout);
    assert!(
        squash_ws(&r.stdout).contains("build artifacts or release assets"),
        "{}",
        r.stdout
    );
}

#[test]
fn history_growth_names_its_largest_files() {
    let repo = fixture_copy("plain");
    let dir = repo.path();
    std::fs::create_dir_all(dir.join("media")).unwrap();
    for (name, seed, kib) in [("media/a.bin", 1, 3), ("media/b.bin", 2, 2), ("media/c.bin", 3, 1)] {
        let bytes: Vec<u8> = noise(seed).into_iter().take(kib * 1024).collect();
        std::fs::write(dir.join(name), bytes).unwrap();
    }
    commit_all(dir, "Media");
    let (_dir, policy) = policy_file("[rules.history-growth]\nwarn_size = \"4KiB\"\ndeny_size = \"1GiB\"\n");
    let (_, report) = scan_json(dir, &["HEAD~1..HEAD", "--policy", &policy]);
    let growth = findings(&report)
        .iter()
        .find(|f| f["rule"] == "history-growth")
        .unwrap_or_else(|| panic!("{report:#}"));
    let message = growth["message"].as_str().unwrap();
    assert!(
        message.contains("the largest: media/a.bin (3.0 KiB), media/b.bin (2.0 KiB), media/c.bin (1.0 KiB)"),
        "{message}"
    );
    let largest = growth["evidence"]["largest"].as_array().unwrap();
    assert_eq!(largest[0]["path"], "media/a.bin");
    assert_eq!(largest[0]["size"], 3072);
    let fix = growth["fix"].as_str().unwrap();
    assert!(
        fix.contains("(media/a.bin, 3.0 KiB; media/b.bin, 2.0 KiB; media/c.bin, 1.0 KiB)"),
        "{fix}"
    );
    let r = scan_as(dir, "text", &["HEAD~1..HEAD", "--policy", &policy]);
    assert!(squash_ws(&r.stdout).contains("media/a.bin (3.0 KiB)"), "{}", r.stdout);
}
