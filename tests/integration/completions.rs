//! `pushgate completions <shell>` and `pushgate man [COMMAND]`.

#![allow(clippy::unwrap_used)]

use std::io::Write;
use std::process::{Command, Stdio};

use crate::util::*;

const SUBCOMMANDS: &[&str] = &["scan", "index", "policy", "init", "explain", "completions", "man"];

#[test]
fn completions_name_every_subcommand_in_every_shell() {
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let r = pushgate_run(&["completions", shell]);
        assert_eq!(r.code, 0, "{shell}\n{}", r.describe());
        for sub in SUBCOMMANDS {
            assert!(r.stdout.contains(sub), "{shell} completions lack {sub}");
        }
        // fish spells long options `-l format`, the others `--format`.
        assert!(r.stdout.contains("format"), "{shell} completions lack --format");
        // Elvish and PowerShell complete option names only.
        if ["bash", "zsh", "fish"].contains(&shell) {
            for value in ["sarif", "github", "junit", "markdown"] {
                assert!(r.stdout.contains(value), "{shell} completions lack --format {value}");
            }
        }
    }
    let r = pushgate_run(&["completions", "tcsh"]);
    assert_eq!(r.code, 2, "{}", r.describe());
    assert!(r.stderr.contains("bash"), "the error lists the shells\n{}", r.stderr);
}

#[test]
fn bash_completion_script_parses() {
    let r = pushgate_run(&["completions", "bash"]);
    let out = Command::new("bash").args(["-n", "-c", &r.stdout]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}

/// Renders roff with groff; a missing groff fails the (ignored by default) test that asks.
fn groff(roff: &str) -> String {
    let mut child = Command::new("groff")
        .args(["-man", "-Tutf8", "-ww", "-P-c", "-P-b", "-P-o", "-P-u"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("groff is needed to render the man page ({e}); .ci/run installs it"));
    child.stdin.take().unwrap().write_all(roff.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success() && stderr.trim().is_empty(), "groff: {stderr}");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn man_page_is_roff_with_the_usual_sections() {
    let r = pushgate_run(&["man"]);
    assert_eq!(r.code, 0, "{}", r.describe());
    assert!(
        r.stdout.lines().any(|l| l.starts_with(".TH pushgate 1 ")),
        "no .TH header\n{}",
        r.stdout
    );
    for section in [
        "NAME",
        "SYNOPSIS",
        "DESCRIPTION",
        "OPTIONS",
        "SUBCOMMANDS",
        "\"EXIT STATUS\"",
        "VERSION",
    ] {
        assert!(r.stdout.contains(&format!(".SH {section}")), "no {section} section");
    }
    for sub in SUBCOMMANDS {
        assert!(
            r.stdout.contains(&format!("pushgate\\-{sub}(1)")),
            "{sub} is not listed"
        );
    }

    let r = pushgate_run(&["man", "scan"]);
    assert_eq!(r.code, 0, "{}", r.describe());
    assert!(r.stdout.contains(".TH pushgate-scan 1 "), "{}", r.stdout);
    assert!(r.stdout.contains("\\-\\-ci"), "{}", r.stdout);
    assert!(r.stdout.contains(".SH \"EXIT STATUS\""), "{}", r.stdout);

    let r = pushgate_run(&["man", "nope"]);
    assert_eq!(r.code, 2, "{}", r.describe());
    assert!(r.stderr.contains("scan"), "{}", r.stderr);
}

#[test]
#[ignore = "needs groff (run with --include-ignored; .ci/run does)"]
fn man_page_renders_with_groff() {
    let text = groff(&pushgate_run(&["man"]).stdout);
    // groff justifies lines by widening spaces; compare words, not spacing.
    let plain = crate::util::squash_ws(&text.replace("\u{2010}", "-"));
    for words in ["SYNOPSIS", "EXIT STATUS", "2 A usage error", "--format"] {
        assert!(plain.contains(words), "rendered page lacks {words}\n{text}");
    }
    let text = groff(&pushgate_run(&["man", "scan"]).stdout);
    assert!(text.contains("REVISION"), "{text}");
}
