//! `--format github`: GitHub Actions workflow commands.
//!
//! One annotation per finding (`::error` for deny, `::warning` for warn, `::notice` for info)
//! with the file and a title, the message, its first step and what to use instead; notices become
//! annotations as well; a last plain line gives the counts and the verdict. When a step
//! summary file is given (GitHub sets `GITHUB_STEP_SUMMARY`), the markdown summary is
//! appended to it.
//!
//! Escaping follows the runner's rules: in the message (`data`) `%`, `\r` and `\n` become
//! `%25`, `%0D` and `%0A`; in properties `:` and `,` become `%3A` and `%2C` as well. Paths and
//! messages from the repository are sanitized first, so no control character reaches the log.

use std::fs::OpenOptions;
use std::io::{self, Write};

use super::common::{counts, plural};
use super::format::Options;
use crate::outcome::Level;
use crate::outcome::Outcome;
use crate::outcome::Verdict;
use crate::policy::Policy;
use crate::util::{human_size, sanitize};

/// Write the workflow commands, and append the summary to `options.step_summary`.
pub(crate) fn report(out: &mut dyn Write, outcome: &Outcome, policy: &Policy, options: &Options) -> io::Result<()> {
    for f in &outcome.findings {
        let Some(command) = command(f.level) else {
            continue;
        };
        let mut properties = Vec::new();
        if let Some(path) = f.anchor() {
            properties.push(("file", sanitize(path)));
        }
        properties.push(("title", format!("pushgate {} ({})", f.rule, f.level)));
        let mut details = Vec::new();
        if let Some(size) = f.size {
            details.push(human_size(size));
        }
        if let Some(commit) = f.commit {
            details.push(format!("commit {}", commit.to_hex_with_len(10)));
        }
        let mut message = sanitize(f.message.as_bytes());
        if !details.is_empty() {
            message = format!("{message} ({})", details.join(", "));
        }
        let data = format!("{message}\nFix: {}\nInstead: {}", crate::advice::first_step(f), f.suggestion);
        workflow_command(out, command, &properties, &data)?;
    }
    for n in &outcome.notices {
        let command = command(n.level()).unwrap_or("notice");
        let mut properties = Vec::new();
        if let Some(path) = &n.path {
            properties.push(("file", sanitize(path.as_bytes())));
        }
        properties.push(("title", format!("pushgate notice: {}", n.kind)));
        workflow_command(out, command, &properties, &sanitize(n.message.as_bytes()))?;
    }
    let s = &outcome.summary;
    writeln!(
        out,
        "pushgate: {} in {} commit{}: {}",
        counts(s),
        s.commits,
        plural(s.commits),
        Verdict::of(outcome, policy).describe(policy)
    )?;
    if let Some(path) = &options.step_summary {
        let mut file = OpenOptions::new().create(true).append(true).open(path).map_err(|e| {
            io::Error::new(
                e.kind(),
                format!("cannot append the job summary to {}: {e}", path.display()),
            )
        })?;
        let mut summary = Vec::new();
        super::markdown::render(&mut summary, outcome, policy, options.verbose)?;
        file.write_all(&summary)?;
    }
    Ok(())
}

/// The workflow command of a level; `None` for `off`.
pub(crate) fn command(level: Level) -> Option<&'static str> {
    match level {
        Level::Deny => Some("error"),
        Level::Warn => Some("warning"),
        Level::Info => Some("notice"),
    }
}

/// `::command prop=value,prop=value::data`, escaped.
fn workflow_command(out: &mut dyn Write, command: &str, properties: &[(&str, String)], data: &str) -> io::Result<()> {
    let properties: Vec<String> = properties
        .iter()
        .map(|(key, value)| format!("{key}={}", escape_property(value)))
        .collect();
    let space = if properties.is_empty() { "" } else { " " };
    writeln!(out, "::{command}{space}{}::{}", properties.join(","), escape_data(data))
}

/// Escape a command's message: `%`, `\r`, `\n`.
pub(crate) fn escape_data(s: &str) -> String {
    s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// Escape a property value: what [`escape_data`] escapes, and `:` and `,`.
pub(crate) fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_as_the_runner_expects() {
        assert_eq!(escape_data("50% done\r\nnext: a,b"), "50%25 done%0D%0Anext: a,b");
        assert_eq!(escape_property("a:b,c%d\ne"), "a%3Ab%2Cc%25d%0Ae");
    }

    #[test]
    fn commands_carry_properties() {
        let mut out = Vec::new();
        let props = [("file", "x,y.bak".to_owned()), ("title", "t: 1".to_owned())];
        workflow_command(&mut out, "warning", &props, "line 1\nline 2").unwrap_or_default();
        assert_eq!(
            String::from_utf8_lossy(&out),
            "::warning file=x%2Cy.bak,title=t%3A 1::line 1%0Aline 2\n"
        );
    }
}
