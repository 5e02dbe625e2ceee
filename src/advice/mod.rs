//! What a finding tells people to do, in proportion to what it found.
//!
//! Every finding gets a first step chosen from what it is: an 11-byte `config.yaml.bak` is
//! deleted and its pattern ignored; a small database under `tests/` stays as a fixture with an
//! exemption (the exact `[[allow]]` entry); a large file goes to Git LFS; what a job writes
//! stops being committed by the job. Then comes the pattern's alternative store, worded by
//! `[suggestions] style` (AWS services or vendor-neutral categories) unless the policy gives
//! its own text for the pattern.
//!
//! Each rule words its own first step and names its alternative, in its file (see
//! `rules::Rule`), from the lines of `advice::wording`; this module asks the rule and
//! adds a note where a .gitignore line cannot spell the name.
//!
//! A first step is one sentence, followed for an exemption by the TOML lines of the
//! `[[allow]]` entry. Everything taken from a path is sanitized, so it prints as it is.

use crate::outcome::{Finding, Pattern};
use crate::rules::RuleId;

pub(crate) mod wording;

pub(crate) use wording::{Alternative, alternative_text};

/// Which alternative fits a finding of `rule` under `pattern` with `evidence`: the rule's to
/// say (its `Rule::alternative`).
pub(crate) fn alternative_of(pattern: Pattern, rule: RuleId, evidence: &crate::outcome::Evidence) -> Alternative {
    rule.alternative(pattern, evidence)
}

/// The first step for `f`: what fits this finding, before the pattern's alternative.
pub fn first_step(f: &Finding) -> String {
    let step = f.rule.first_step(&wording::Step::of(f));
    let spelt = f.path.as_ref().is_none_or(|p| !unspellable(p));
    if spelt || split(&step).1.is_some() || !stands_in(&step) {
        return step;
    }
    step + UNSPELLABLE
}

/// Whether a pattern the step quotes (between backticks) has a `?` standing in for a byte (an
/// unescaped one: [`wording::ignore_glob`] escapes a `?` the name has).
fn stands_in(step: &str) -> bool {
    step.split('`').skip(1).step_by(2).any(|quoted| {
        let mut escaped = false;
        quoted.chars().any(|c| {
            let hit = c == '?' && !escaped;
            escaped = c == '\\' && !escaped;
            hit
        })
    })
}

/// Whether a .gitignore line for `bytes` has a `?` in place of what it cannot spell.
fn unspellable(bytes: &[u8]) -> bool {
    bytes.utf8_chunks().any(|c| {
        !c.invalid().is_empty()
            || c.valid()
                .chars()
                .any(|c| c.is_control() || crate::util::is_bidi_control(c))
    })
}

/// What a first step adds when its .gitignore line could not spell the name.
const UNSPELLABLE: &str = " Each `?` in that pattern stands for a byte of the name that a line of .gitignore cannot hold as it is (it matches any one byte).";

/// The sentence of a first step, and the TOML lines that follow it (an exemption), if any.
pub fn split(step: &str) -> (&str, Option<&str>) {
    match step.split_once('\n') {
        Some((sentence, toml)) => (sentence, Some(toml)),
        None => (step, None),
    }
}

#[cfg(test)]
mod vendors;

#[cfg(test)]
mod tests {
    use super::vendors::VENDORS;
    use super::wording::ignore_path;
    use super::*;
    use crate::outcome::Level;
    use crate::policy::SuggestionStyle;
    use gix::bstr::ByteSlice;

    fn finding(rule: RuleId, path: &str, size: u64) -> Finding {
        Finding {
            size: Some(size),
            ..crate::testing::finding(rule, Level::Warn, path)
        }
    }

    #[test]
    fn a_backup_copy_is_deleted_and_ignored_by_its_name() {
        let step = first_step(&finding(RuleId::BackupFile, "config.yaml.bak", 11));
        assert!(
            step.starts_with("Delete it") && step.contains("`*.bak` to .gitignore"),
            "{step}"
        );
        let step = first_step(&finding(RuleId::BackupFile, "src/main.rs~", 11));
        assert!(step.contains("`*~`"), "{step}");
    }

    #[test]
    fn a_small_fixture_gets_the_exemption_the_policy_accepts() {
        let step = first_step(&finding(RuleId::DatabaseFile, "tests/data/a*b.sqlite", 8192));
        let (sentence, toml) = split(&step);
        assert!(sentence.contains("keep it as a fixture"), "{step}");
        let toml = toml.expect("an exemption");
        let policy = crate::policy::Policy::from_text(toml, crate::policy::Source::BuiltIn).expect("valid");
        let allow = policy.file.allow.first().expect("one entry");
        assert!(allow.paths.is_match(b"tests/data/a*b.sqlite"));
        assert!(!allow.paths.is_match(b"tests/data/axb.sqlite"));
        // A control character in the name: a TOML escape that matches the real path.
        let step = first_step(&finding(RuleId::DatabaseFile, "tests/evil\x1b[31m.db", 8192));
        let toml = split(&step).1.expect("an exemption");
        assert!(!toml.contains('\x1b') && toml.contains("\\u001b"), "{toml}");
        let policy = crate::policy::Policy::from_text(toml, crate::policy::Source::BuiltIn).expect("valid");
        let allow = policy.file.allow.first().expect("one entry");
        assert!(allow.paths.is_match(b"tests/evil\x1b[31m.db"), "{toml}");
        assert_eq!(allow.rules, vec![RuleId::DatabaseFile]);
        // The same file, larger or outside a test directory, is not a fixture.
        assert!(
            split(&first_step(&finding(RuleId::DatabaseFile, "tests/big.sqlite", 2 << 20)))
                .1
                .is_none()
        );
        assert!(
            split(&first_step(&finding(RuleId::DatabaseFile, "app.sqlite", 8192)))
                .1
                .is_none()
        );
    }

    #[test]
    fn root_files_are_anchored_and_escaped() {
        use crate::rules::log_file::{Evidence, Lines, Matched};
        let step = first_step(&finding(RuleId::DatabaseDump, "#dump[1].sql", 100));
        assert!(step.contains("`/#dump\\[1].sql`"), "{step}");
        let told = |matched, lines| {
            crate::outcome::Evidence::of(crate::rules::RuleEvidence::from(Evidence {
                matched,
                lines,
                published_sample: false,
            }))
        };
        let mut log = finding(RuleId::LogFile, "logs/app.log.3", 100);
        log.evidence = told(Matched::Name, None);
        let step = first_step(&log);
        assert!(step.contains("`*.log.*`"), "{step}");
        // A log told by its content is ignored by its path, not by a guess at its name.
        let lines = Lines {
            lines: 40,
            timestamped_lines: 40,
        };
        log.evidence = told(Matched::Lines, Some(lines));
        let step = first_step(&log);
        assert!(step.contains("`/logs/app.log.3`"), "{step}");
    }

    #[test]
    fn gitignore_lines_spell_odd_names_as_patterns_that_match_them() {
        assert_eq!(ignore_path(b"x\ty\nz.db".as_bstr(), false), "/x?y?z.db");
        assert_eq!(ignore_path(b"caf\xe9 dump.sql".as_bstr(), false), "/caf? dump.sql");
        assert_eq!(ignore_path(b"notes.log  ".as_bstr(), false), "/notes.log\\ \\ ");
        assert_eq!(ignore_path(b"a*b?[c]\\d".as_bstr(), false), "/a\\*b\\?\\[c]\\\\d");
        // A bidi override is three bytes: three `?`.
        assert_eq!(ignore_path("x\u{202e}y".as_bytes().as_bstr(), false), "/x???y");
        let step = first_step(&finding(RuleId::DatabaseDump, "caf\u{1}e.sql", 100));
        assert!(step.contains("`/caf?e.sql`") && step.ends_with(UNSPELLABLE), "{step}");
        // A name pattern that needs no stand-in says nothing of them.
        let step = first_step(&finding(RuleId::BackupFile, "caf\u{1}e.bak", 100));
        assert!(step.contains("`*.bak`") && !step.contains("stands for"), "{step}");
        // A name with a `?` of its own has it escaped: nothing stands in.
        let step = first_step(&finding(RuleId::DatabaseDump, "what?.sql", 100));
        assert!(
            step.contains("`/what\\?.sql`") && !step.contains("stands for"),
            "{step}"
        );
    }

    #[test]
    fn every_rule_has_a_first_step_that_names_no_vendor() {
        for rule in RuleId::ALL {
            for path in ["data/file.bin", "tests/small.bin"] {
                let step = first_step(&finding(rule, path, 100));
                assert!(step.len() > 20 && step.ends_with(['.', '"']), "{rule}: {step}");
                for vendor in VENDORS {
                    assert!(!step.contains(vendor), "{rule}: {step}");
                }
            }
        }
    }

    #[test]
    fn neutral_wording_names_no_vendor() {
        for pattern in Pattern::ALL {
            let text = alternative_text(SuggestionStyle::Neutral, Alternative::Pattern(pattern));
            for vendor in VENDORS {
                assert!(!text.contains(vendor), "{pattern}: {text}");
            }
        }
    }
}
