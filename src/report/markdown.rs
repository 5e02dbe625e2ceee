//! `--format markdown`: a summary for a pull request comment or a CI job summary page.
//!
//! A heading with the verdict and the counts, then one section per pattern with a table of
//! its findings (level, rule, path, size, commit, what was found, the first step), the
//! exemptions its test fixtures can take, and the pattern's suggestion once, then the notices. Paths and messages from the repository are sanitized
//! (no control characters) and escaped, so a path can neither break the table (`|`) nor
//! turn into links, emphasis or HTML.

use std::io::{self, Write};

use super::common::{PerRule, by_pattern, counts, escape_markdown as escape, plural, suggestions};
use super::format::Options;
use crate::outcome::Outcome;
use crate::outcome::Verdict;
use crate::policy::Policy;
use crate::util::{human_size, sanitize};

/// Render `outcome` as `--format markdown` does.
pub(crate) fn report(
    out: &mut dyn Write,
    outcome: &Outcome,
    policy: &Policy,
    options: &Options,
) -> io::Result<()> {
    render(out, outcome, policy, options.verbose)
}

/// Render the summary. `verbose` lists every finding; otherwise at most
/// ten (`PER_RULE`) per rule, and a count of the rest.
pub(crate) fn render(out: &mut dyn Write, outcome: &Outcome, policy: &Policy, verbose: bool) -> io::Result<()> {
    let s = &outcome.summary;
    let verdict = Verdict::of(outcome, policy);
    let mark = match verdict {
        Verdict::Fail => "❌",
        Verdict::WouldFail => "⚠️",
        Verdict::Pass => "✅",
    };
    writeln!(out, "## {mark} pushgate: {}", escape(&verdict.describe(policy)))?;
    writeln!(out)?;
    writeln!(
        out,
        "{} in {} commit{} and {} new blob{} ({}).",
        counts(s),
        s.commits,
        plural(s.commits),
        s.blobs,
        plural(s.blobs),
        human_size(s.bytes)
    )?;
    for (pattern, findings) in by_pattern(outcome) {
        writeln!(out)?;
        writeln!(
            out,
            "### {} (`{}`): {} finding{}",
            pattern.title(),
            pattern.key(),
            findings.len(),
            plural(findings.len() as u64)
        )?;
        writeln!(out)?;
        writeln!(out, "| level | rule | path | size | commit | what | first step |")?;
        writeln!(out, "| --- | --- | --- | --- | --- | --- | --- |")?;
        let mut shown = PerRule::new(verbose);
        let mut exemptions = Vec::new();
        let mut previous = String::new();
        for f in findings.iter().copied() {
            if !shown.admit(f.rule) {
                continue;
            }
            let path = f
                .shown_path()
                .map(|p| escape(&p))
                .unwrap_or_else(|| "*(the whole range)*".to_owned());
            let step = crate::advice::first_step(f);
            let (sentence, toml) = crate::advice::split(&step);
            exemptions.extend(toml.map(str::to_owned));
            // A run of findings with the same first step says it once.
            let cell = if step == previous {
                "as above".to_owned()
            } else {
                escape(sentence)
            };
            writeln!(
                out,
                "| **{}** | `{}` | {} | {} | {} | {} | {} |",
                f.level,
                f.rule,
                path,
                f.size.map(human_size).unwrap_or_else(|| "–".to_owned()),
                f.commit
                    .map(|c| format!("`{}`", c.to_hex_with_len(10)))
                    .unwrap_or_else(|| "–".to_owned()),
                escape(&sanitize(f.message.as_bytes())),
                cell
            )?;
            previous = step;
        }
        let hidden: Vec<String> = shown
            .hidden()
            .iter()
            .map(|(rule, hidden)| format!("{hidden} more `{rule}`"))
            .collect();
        if !hidden.is_empty() {
            writeln!(out)?;
            writeln!(out, "…and {} (`--verbose` lists them all).", hidden.join(", "))?;
        }
        if !exemptions.is_empty() {
            let toml = exemptions.join("\n\n");
            let fence = "`".repeat(3.max(longest_run(&toml, '`') + 1));
            writeln!(out)?;
            writeln!(out, "Exemptions for the test fixtures above, to add to the policy:")?;
            writeln!(out)?;
            writeln!(out, "{fence}toml\n{toml}\n{fence}")?;
        }
        writeln!(out)?;
        for (i, text) in suggestions(findings.iter().copied(), policy.suggestion(pattern))
            .into_iter()
            .enumerate()
        {
            if i > 0 {
                writeln!(out)?;
            }
            writeln!(out, "**Instead:** {}", escape(text))?;
        }
    }
    if !outcome.notices.is_empty() {
        writeln!(out)?;
        writeln!(out, "### Notices")?;
        writeln!(out)?;
        for n in &outcome.notices {
            writeln!(out, "- `{}`: {}", n.kind, escape(&sanitize(n.message.as_bytes())))?;
        }
    }
    writeln!(out)?;
    writeln!(
        out,
        "<sub>pushgate {} · `pushgate explain <rule>` tells why a rule matters and how to fix a finding.</sub>",
        env!("CARGO_PKG_VERSION")
    )
}

/// The longest run of `c` in `text`.
fn longest_run(text: &str, c: char) -> usize {
    text.split(|x| x != c).map(str::len).max().unwrap_or(0)
}
