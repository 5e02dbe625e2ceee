//! `pushgate explain`: what each rule looks for, why it matters, its thresholds in the
//! effective policy, how to fix a finding, and what to use instead.

use std::io::{self, Write};

use crate::outcome::Pattern;
use crate::policy::Policy;
use crate::rules::RuleId;

/// The list of every rule: id, pattern, level in the effective and the built-in policy, summary.
pub(crate) fn list(out: &mut dyn Write, policy: &Policy) -> io::Result<()> {
    let builtin = Policy::builtin();
    writeln!(out, "{:<20} {:<12} {:<7} WHAT IT REPORTS", "RULE", "PATTERN", "LEVEL")?;
    rows(out, policy, &builtin, RuleId::ALL.into_iter(), true)?;
    writeln!(
        out,
        "\nRun `pushgate explain <rule>` for the details of one rule, `pushgate explain <pattern>` for a pattern's rules."
    )
}

/// The rules of one pattern, as [`list`] shows them, and what to use instead.
pub(crate) fn pattern(out: &mut dyn Write, policy: &Policy, pattern: Pattern) -> io::Result<()> {
    writeln!(out, "{} ({})", pattern.title(), pattern.key())?;
    writeln!(out)?;
    writeln!(out, "{:<20} {:<7} WHAT IT REPORTS", "RULE", "LEVEL")?;
    let rules = RuleId::ALL.into_iter().filter(|r| r.pattern() == pattern);
    rows(out, policy, &Policy::builtin(), rules, false)?;
    writeln!(out)?;
    section(out, "What to use instead", policy.suggestion(pattern))?;
    writeln!(out, "Run `pushgate explain <rule>` for the details of one rule.")
}

/// One line per rule: id, its pattern (`with_pattern`), level (and the default when it
/// differs), summary.
fn rows(
    out: &mut dyn Write,
    policy: &Policy,
    builtin: &Policy,
    rules: impl Iterator<Item = RuleId>,
    with_pattern: bool,
) -> io::Result<()> {
    for rule in rules {
        let level = rule_level(policy, rule);
        let default = rule_level(builtin, rule);
        let shown = if level == default {
            level
        } else {
            format!("{level} (default {default})")
        };
        if with_pattern {
            writeln!(
                out,
                "{:<20} {:<12} {:<7} {}",
                rule.as_str(),
                rule.pattern().key(),
                shown,
                rule.doc().summary
            )?;
        } else {
            writeln!(out, "{:<20} {:<7} {}", rule.as_str(), shown, rule.doc().summary)?;
        }
    }
    Ok(())
}

/// The whole text for one rule.
pub(crate) fn rule(out: &mut dyn Write, policy: &Policy, rule: RuleId) -> io::Result<()> {
    let doc = rule.doc();
    let pattern = rule.pattern();
    writeln!(out, "{} ({}: {})", rule, pattern.key(), pattern.title())?;
    writeln!(
        out,
        "level: {} (built-in default: {})",
        rule_level(policy, rule),
        rule_level(&Policy::builtin(), rule)
    )?;
    writeln!(out)?;
    section(out, "What it reports", doc.summary)?;
    section(out, "Why it matters", doc.why)?;
    section(out, "Signals", doc.signals)?;
    writeln!(
        out,
        "Settings ([rules.{rule}] in the effective policy, from {}):",
        policy.source
    )?;
    for line in rule_table(policy, rule).lines() {
        writeln!(out, "  {line}")?;
    }
    writeln!(out)?;
    section(out, "How to fix a finding", doc.fix)?;
    section(out, &instead_title(policy, rule), policy.suggestion_for_rule(rule))
}

/// Where the text of what to use instead for `rule` comes from: the policy's own text for its
/// pattern, or the style's wording.
fn instead_title(policy: &Policy, rule: RuleId) -> String {
    let pattern = rule.pattern();
    let alternative = crate::advice::alternative_of(pattern, rule, &crate::outcome::Evidence::default());
    let builtin = crate::advice::alternative_text(policy.file.suggestions.style, alternative);
    if policy.suggestion_for_rule(rule) == builtin {
        let style = match policy.file.suggestions.style {
            crate::policy::SuggestionStyle::Aws => "aws",
            crate::policy::SuggestionStyle::Neutral => "neutral",
        };
        format!("What to use instead ([suggestions] style = \"{style}\")")
    } else {
        format!("What to use instead ([suggestions] {} in the policy)", pattern.key())
    }
}

fn section(out: &mut dyn Write, title: &str, text: &str) -> io::Result<()> {
    writeln!(out, "{title}:")?;
    for line in crate::util::wrap(text, WIDTH) {
        writeln!(out, "  {line}")?;
    }
    writeln!(out)
}

/// Paragraph width of explanations.
const WIDTH: usize = 88;

/// The rule's table of the effective policy, as TOML.
fn rule_table(policy: &Policy, rule: RuleId) -> String {
    toml::Value::try_from(&policy.file.rules)
        .ok()
        .and_then(|rules| rules.get(rule.as_str()).cloned())
        .and_then(|table| toml::to_string_pretty(&table).ok())
        .unwrap_or_default()
}

/// The rule's `level` in `policy`.
pub(crate) fn rule_level(policy: &Policy, rule: RuleId) -> String {
    policy.file.rules.level(rule).to_string()
}
