//! The policy file's schema, as serde reads it. Every table rejects unknown keys; every key
//! missing from a user's file takes its value from the built-in policy (`policy.example.toml`).

pub(crate) use crate::advice::wording::SuggestionStyle;
use serde::{Deserialize, Serialize};

use super::Globs;
use crate::outcome::{Mode, Setting};
use crate::rules::RuleId;
pub(crate) use crate::rules::Rules;

/// The whole policy file.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PolicyFile {
    /// Schema version; only `1` exists.
    pub version: u32,
    /// The lowest level that fails.
    pub(crate) fail_on: Setting,
    /// `enforce` or `evaluate`.
    pub(crate) mode: Mode,
    /// Look-back window in commits for history-aware rules.
    pub(crate) lookback_commits: u32,
    /// Look-back window in days, from the newest commit in scope.
    pub(crate) lookback_days: u32,
    /// Which refs the hooks check.
    pub(crate) refs: Refs,
    /// The server hook's limits.
    pub(crate) hook: Hook,
    /// Bypass by push option.
    pub(crate) bypass: Bypass,
    /// `scan --ci`.
    pub(crate) ci: Ci,
    /// What to use instead, per pattern.
    pub(crate) suggestions: Suggestions,
    /// Per-rule settings.
    pub(crate) rules: Rules,
    /// Exemptions.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub allow: Vec<Allow>,
    /// Not a key of the file: the size given with `--max-size`, over which every file is a
    /// `large-blob` finding at deny (see [`Policy::deny_larger_than`](super::Policy::deny_larger_than)).
    #[serde(skip)]
    pub(crate) max_size: Option<super::Size>,
}

/// What the hook does when its time budget runs out or it hits an internal error.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum OnError {
    /// Reject the push with a message.
    #[default]
    Reject,
    /// Let the push through with a warning.
    Allow,
}

/// `[refs]`
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub(crate) struct Refs {
    /// Globs of ref names to check.
    pub(crate) include: Globs,
    /// Globs of ref names never checked.
    pub(crate) exclude: Globs,
}

/// `[hook]`
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub(crate) struct Hook {
    /// Seconds.
    pub(crate) timeout: u64,
    /// See [`OnError`].
    pub(crate) on_error: OnError,
    /// Findings listed to the pusher before the rest are only counted.
    pub(crate) max_findings_shown: u32,
    /// JSON-lines log (relative to the git directory) of pushes `mode = "evaluate"` would have
    /// rejected; empty logs nothing.
    pub(crate) evaluate_log: String,
}

/// `[bypass]`
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub(crate) struct Bypass {
    /// Whether `-o pushgate.bypass=<reason>` is honoured.
    pub(crate) enabled: bool,
    /// Refuse empty reasons.
    pub(crate) require_reason: bool,
    /// Who may bypass; empty means everyone.
    pub(crate) users: Vec<String>,
    /// JSON-lines log, relative to the git directory.
    pub(crate) log: String,
}

/// `[ci]`
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub(crate) struct Ci {
    /// What `scan --ci` does when a shallow clone lacks commits of the range.
    pub(crate) on_shallow: OnShallow,
}

/// What `scan --ci` does when the range reaches the oldest commits of a shallow clone and the
/// clone lacks commits of the range (the base is not in it).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum OnShallow {
    /// Check what the clone holds (the oldest commits' whole trees, by the rules that judge one
    /// file, and the changes of the commits above them) and say what could not be checked.
    #[default]
    CheckHead,
    /// Fail the check (exit status 1) without scanning.
    Fail,
}

/// `[suggestions]`: the wording of what to use instead, and one text per pattern that
/// replaces it (an empty text keeps the style's wording, and `policy show` leaves it out).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default, rename_all = "kebab-case")]
pub(crate) struct Suggestions {
    /// Which built-in wording the patterns get: AWS services, or vendor-neutral categories.
    pub(crate) style: SuggestionStyle,
    /// large-churn
    #[serde(skip_serializing_if = "String::is_empty")]
    pub(crate) large_churn: String,
    /// database
    #[serde(skip_serializing_if = "String::is_empty")]
    pub(crate) database: String,
    /// audit-trail
    #[serde(skip_serializing_if = "String::is_empty")]
    pub(crate) audit_trail: String,
    /// backup
    #[serde(skip_serializing_if = "String::is_empty")]
    pub(crate) backup: String,
}

/// One `[[allow]]` exemption.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Allow {
    /// Paths exempted (all paths when empty and `blob` is set).
    #[serde(default, skip_serializing_if = "Globs::is_empty")]
    pub paths: Globs,
    /// Rules exempted (all when empty).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) rules: Vec<RuleId>,
    /// One blob id, in full hex.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) blob: Option<String>,
    /// Why the exemption exists.
    pub(crate) reason: String,
    /// The date after which the exemption stops applying.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) expires: Option<toml::value::Datetime>,
}
