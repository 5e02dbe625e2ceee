//! Notices: what the user should know that is not a finding.

use std::fmt;

use serde::Serialize;

use super::Level;

/// What a notice is about: a stable kebab-case kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum NoticeKind {
    /// An object the check needed is not in the repository (a shallow or partial clone).
    AbsentObject,
    /// A ref points at an object the repository does not have.
    BrokenRef,
    /// An exemption matches nothing the check read.
    UnusedExemption,
    /// An exemption is past its expiry date.
    ExpiredExemption,
    /// A baseline entry matches no finding any more.
    StaleBaseline,
    /// A baseline left findings out of the report.
    BaselineApplied,
    /// The history the history-aware rules read was cut short.
    HistoryTruncated,
    /// The look-back behind a push was cut at `lookback_commits`.
    LookbackTruncated,
    /// A submodule entry (gitlink) was added or moved: its content lives in another
    /// repository, where this check does not reach.
    Submodule,
    /// The facts store could not be written or read (the check went on without it).
    FactsStore,
}

impl NoticeKind {
    /// The kebab-case name (`absent-object`).
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            NoticeKind::AbsentObject => "absent-object",
            NoticeKind::BrokenRef => "broken-ref",
            NoticeKind::UnusedExemption => "unused-exemption",
            NoticeKind::ExpiredExemption => "expired-exemption",
            NoticeKind::StaleBaseline => "stale-baseline",
            NoticeKind::BaselineApplied => "baseline-applied",
            NoticeKind::HistoryTruncated => "history-truncated",
            NoticeKind::LookbackTruncated => "lookback-truncated",
            NoticeKind::Submodule => "submodule",
            NoticeKind::FactsStore => "facts-store",
        }
    }

    /// How much it matters: notices that say the check saw less than it should (absent
    /// objects, truncated history, broken refs) are warnings; stale exemptions and baseline
    /// entries, and what a baseline left out, are information.
    pub(crate) fn level(self) -> Level {
        match self {
            NoticeKind::UnusedExemption
            | NoticeKind::ExpiredExemption
            | NoticeKind::StaleBaseline
            | NoticeKind::BaselineApplied
            | NoticeKind::Submodule
            | NoticeKind::FactsStore => Level::Info,
            NoticeKind::AbsentObject
            | NoticeKind::BrokenRef
            | NoticeKind::HistoryTruncated
            | NoticeKind::LookbackTruncated => Level::Warn,
        }
    }
}

impl fmt::Display for NoticeKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Something the user should know that is not a finding: an absent object, a stale exemption.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct Notice {
    /// What it is about.
    pub(crate) kind: NoticeKind,
    /// One sentence for people.
    pub(crate) message: String,
    /// The path concerned, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) path: Option<String>,
    /// The object concerned, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) blob: Option<String>,
}

impl Notice {
    /// How much it matters (see [`NoticeKind::level`]).
    pub(crate) fn level(&self) -> Level {
        self.kind.level()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every kind.
    const ALL: [NoticeKind; 10] = [
        NoticeKind::AbsentObject,
        NoticeKind::BrokenRef,
        NoticeKind::UnusedExemption,
        NoticeKind::ExpiredExemption,
        NoticeKind::StaleBaseline,
        NoticeKind::BaselineApplied,
        NoticeKind::HistoryTruncated,
        NoticeKind::LookbackTruncated,
        NoticeKind::Submodule,
        NoticeKind::FactsStore,
    ];

    #[test]
    fn kinds_are_unique_and_serialize_as_their_names() {
        let names: std::collections::BTreeSet<&str> = ALL.iter().map(|k| k.as_str()).collect();
        assert_eq!(names.len(), ALL.len());
        for kind in ALL {
            assert_eq!(serde_json::to_value(kind).unwrap(), serde_json::json!(kind.as_str()));
        }
    }
}
