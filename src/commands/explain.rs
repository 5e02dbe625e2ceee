//! `pushgate explain`: every rule and pattern, or why one matters and how to fix a finding.

use std::io::Write;

use super::{Context, Status};
use crate::error::Error;
use crate::outcome::Pattern;
use crate::rules::RuleId;

/// Explain `topic` (a rule id or a pattern key; `None`: list them all) under the policy the
/// context finds, to `out`.
pub fn explain(context: &Context, topic: Option<&str>, out: &mut dyn Write) -> Result<Status, Error> {
    let repo = context.open_if_any()?;
    let policy = context.policy(repo.as_ref(), false)?;
    let Some(word) = topic else {
        crate::explain::list(out, &policy)?;
        return Ok(Status::Pass);
    };
    if let Some(pattern) = Pattern::ALL.into_iter().find(|p| p.key() == word) {
        crate::explain::pattern(out, &policy, pattern)?;
        return Ok(Status::Pass);
    }
    let id: RuleId = word.parse().map_err(|e: crate::rules::UnknownRule| {
        let names = RuleId::ALL
            .iter()
            .map(|r| r.as_str())
            .chain(Pattern::ALL.iter().map(|p| p.key()));
        let closest = crate::util::closest(word, names).or(e.suggestion);
        Error::Usage(format!(
            "unknown rule or pattern `{}`{} (`pushgate explain` lists every rule and pattern)",
            crate::util::sanitize(word.as_bytes()),
            closest.map(|c| format!("; did you mean `{c}`?")).unwrap_or_default()
        ))
    })?;
    crate::explain::rule(out, &policy, id)?;
    Ok(Status::Pass)
}
