//! `[[allow]]` exemptions: dropping the findings a team has accepted, and saying when an
//! exemption has expired or no longer matches anything.

use super::Policy;
use crate::outcome::{Finding, Notice};

/// A calendar date (year, month, day), the unit of `expires`.
pub(crate) type Date = (u16, u8, u8);

/// Today's date in UTC.
pub(crate) fn today() -> Date {
    let date = jiff::Timestamp::now().to_zoned(jiff::tz::TimeZone::UTC).date();
    (
        u16::try_from(date.year()).unwrap_or(u16::MAX),
        u8::try_from(date.month()).unwrap_or(12),
        u8::try_from(date.day()).unwrap_or(31),
    )
}

impl Policy {
    /// Remove the findings that an active exemption covers; return notices for exemptions that
    /// have expired or matched nothing.
    pub(crate) fn apply_exemptions(&self, findings: &mut Vec<Finding>, today: Date) -> Vec<Notice> {
        let allows = &self.file.allow;
        let mut used = vec![false; allows.len()];
        let is_expired = |a: &super::schema::Allow| {
            a.expires
                .and_then(|e| e.date)
                .is_some_and(|d| (d.year, d.month, d.day) < today)
        };
        findings.retain(|f| {
            let covering = allows.iter().enumerate().find(|(_, a)| {
                !is_expired(a)
                    && (a.rules.is_empty() || a.rules.contains(&f.rule))
                    && (a.paths.is_empty() || f.path.as_ref().is_some_and(|p| a.paths.is_match(p)))
                    && a.blob
                        .as_ref()
                        .is_none_or(|b| f.blob.is_some() && gix::ObjectId::from_hex(b.as_bytes()).ok() == f.blob)
            });
            match covering {
                Some((i, _)) => {
                    if let Some(used) = used.get_mut(i) {
                        *used = true;
                    }
                    false
                }
                None => true,
            }
        });
        let mut notices = Vec::new();
        for (i, (allow, used)) in allows.iter().zip(used).enumerate() {
            let what = format!(
                "exemption #{} ({})",
                i + 1,
                crate::util::sanitize(allow.reason.as_bytes())
            );
            if is_expired(allow) {
                let date = allow.expires.map(|e| e.to_string()).unwrap_or_default();
                notices.push(Notice {
                    kind: crate::outcome::NoticeKind::ExpiredExemption,
                    message: format!("{what} expired on {date} and no longer applies"),
                    path: None,
                    blob: allow.blob.clone(),
                });
            } else if !used {
                notices.push(Notice {
                    kind: crate::outcome::NoticeKind::UnusedExemption,
                    message: format!("{what} matched no finding; remove it if it is no longer needed"),
                    path: None,
                    blob: allow.blob.clone(),
                });
            }
        }
        notices
    }
}

/// What `policy check` says about the exemptions, beyond their syntax.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct ExemptionReport {
    /// One line per exemption that has expired, names no path of HEAD's tree, or names a blob
    /// the repository does not hold.
    pub(crate) warnings: Vec<String>,
    /// Why the paths could not be checked (no repository, no commit at HEAD), if so.
    pub(crate) unchecked: Option<String>,
}

impl Policy {
    /// Check the `[[allow]]` exemptions against `today` and, when a repository is given,
    /// against the files of HEAD's tree: an exemption whose path globs match none of them
    /// (or whose blob the repository lacks) never matches anything there.
    pub(crate) fn check_exemptions(&self, repo: Option<&gix::Repository>, today: Date) -> ExemptionReport {
        let allows = &self.file.allow;
        let mut report = ExemptionReport::default();
        if allows.is_empty() {
            return report;
        }
        let paths = match repo.map(head_paths) {
            Some(Ok(paths)) => Some(paths),
            Some(Err(why)) => {
                report.unchecked = Some(why);
                None
            }
            None => {
                report.unchecked = Some("not in a git repository, so exemption paths were not checked".into());
                None
            }
        };
        for (i, allow) in allows.iter().enumerate() {
            let what = format!(
                "exemption #{} ({})",
                i + 1,
                crate::util::sanitize(allow.reason.as_bytes())
            );
            let expired = allow
                .expires
                .and_then(|e| e.date)
                .filter(|d| (d.year, d.month, d.day) < today);
            if let Some(date) = expired {
                report
                    .warnings
                    .push(format!("{what} expired on {date} and no longer applies"));
                continue;
            }
            if let Some(paths) = &paths
                && !allow.paths.is_empty()
                && !paths.iter().any(|p| allow.paths.is_match(p))
            {
                let globs: Vec<String> = allow
                    .paths
                    .patterns()
                    .iter()
                    .map(|g| format!("`{}`", crate::util::sanitize(g.as_bytes())))
                    .collect();
                report.warnings.push(format!(
                    "{what} matches no file in HEAD ({}); check the paths, or remove it",
                    globs.join(", ")
                ));
                continue;
            }
            if let (Some(repo), Some(blob)) = (repo, &allow.blob)
                && let Ok(id) = gix::ObjectId::from_hex(blob.as_bytes())
                && !repo.has_object(id)
            {
                report
                    .warnings
                    .push(format!("{what} names blob {blob}, which is not in this repository"));
            }
        }
        report
    }
}

/// Every file path in HEAD's tree, or why there is none to check against.
fn head_paths(repo: &gix::Repository) -> Result<Vec<gix::bstr::BString>, String> {
    let unchecked = |e: &dyn std::fmt::Display| format!("exemption paths were not checked: {e}");
    let commit = match repo.head_commit() {
        Ok(commit) => commit,
        Err(_) => return Err("HEAD has no commit yet, so exemption paths were not checked".into()),
    };
    let tree = commit.tree().map_err(|e| unchecked(&e))?;
    let mut recorder = gix::traverse::tree::Recorder::default();
    tree.traverse().breadthfirst(&mut recorder).map_err(|e| unchecked(&e))?;
    Ok(recorder
        .records
        .into_iter()
        .filter(|e| !e.mode.is_tree())
        .map(|e| e.filepath)
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::Source;

    #[test]
    fn expired_exemptions_are_reported_without_a_repository() {
        let policy = Policy::from_text(
            "[[allow]]\npaths = [\"a/**\"]\nreason = \"old\"\nexpires = 2024-03-01\n\n\
             [[allow]]\npaths = [\"b/**\"]\nreason = \"current\"\nexpires = 2024-03-02\n",
            Source::BuiltIn,
        )
        .expect("valid");
        let report = policy.check_exemptions(None, (2024, 3, 2));
        assert_eq!(
            report.warnings,
            ["exemption #1 (old) expired on 2024-03-01 and no longer applies"]
        );
        assert!(report.unchecked.is_some_and(|u| u.contains("not in a git repository")));
        let none = Policy::builtin().check_exemptions(None, (2024, 3, 2));
        assert_eq!(none, ExemptionReport::default());
    }
}
