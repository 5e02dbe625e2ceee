//! Settings shapes several rules share, and what the registry asks of every rule's settings.

use serde::{Deserialize, Serialize};

use crate::outcome::{Level, Setting};
use crate::policy::{Globs, Size};

/// What every rule's settings give the registry: the level, the paths never reported, and
/// the checks serde cannot express.
pub(crate) trait RuleSettings {
    /// The configured level (`off` disables the rule).
    fn level(&self) -> Setting;
    /// Paths the rule never reports.
    fn exclude(&self) -> &Globs;
    /// The settings' own consistency: on error, the key at fault and a message.
    fn validate(&self, id: &str) -> Result<(), (String, String)> {
        let _ = id;
        Ok(())
    }
}

/// A rule with nothing to set but its level.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub(crate) struct LevelOnly {
    /// Highest level reported; `off` disables.
    pub(crate) level: Setting,
    /// Paths this rule never reports.
    #[serde(skip_serializing_if = "Globs::is_empty")]
    pub(crate) exclude: Globs,
}

/// A rule with a level and name globs.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub(crate) struct WithPaths {
    /// Highest level reported; `off` disables.
    pub(crate) level: Setting,
    /// Paths this rule never reports.
    #[serde(skip_serializing_if = "Globs::is_empty")]
    pub(crate) exclude: Globs,
    /// Names that signal the rule.
    pub(crate) paths: Globs,
}

/// A size-graded rule: warn at one size, deny at another.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub(crate) struct Graded {
    /// Highest level reported; `off` disables.
    pub(crate) level: Setting,
    /// Paths this rule never reports.
    #[serde(skip_serializing_if = "Globs::is_empty")]
    pub(crate) exclude: Globs,
    /// Reported at warn from this size.
    pub(crate) warn_size: Size,
    /// Reported at deny from this size.
    pub(crate) deny_size: Size,
}

impl Graded {
    /// The level `size` reaches: warn from `warn_size`, deny from `deny_size`, capped by `level`.
    pub(crate) fn grade(&self, size: u64) -> Option<Level> {
        let level = if size >= self.deny_size.0 {
            Level::Deny
        } else if size >= self.warn_size.0 {
            Level::Warn
        } else {
            return None;
        };
        Some(level.capped(self.level))
    }
}

/// `RuleSettings` for settings types whose checks serde expresses.
macro_rules! plain_settings {
    ($($ty:ty),* $(,)?) => {
        $(
            impl $crate::rules::settings::RuleSettings for $ty {
                fn level(&self) -> $crate::outcome::Setting {
                    self.level
                }
                fn exclude(&self) -> &$crate::policy::Globs {
                    &self.exclude
                }
            }
        )*
    };
}
pub(crate) use plain_settings;

plain_settings!(LevelOnly, WithPaths);

impl RuleSettings for Graded {
    fn level(&self) -> Setting {
        self.level
    }
    fn exclude(&self) -> &Globs {
        &self.exclude
    }
    fn validate(&self, id: &str) -> Result<(), (String, String)> {
        if self.warn_size > self.deny_size {
            return Err((
                "warn_size".into(),
                format!(
                    "rules.{id}: warn_size ({}) is larger than deny_size ({})",
                    self.warn_size, self.deny_size
                ),
            ));
        }
        Ok(())
    }
}

/// A share setting between 0.0 and 1.0.
pub(crate) fn share(id: &str, name: &str, value: f64) -> Result<(), (String, String)> {
    if (0.0..=1.0).contains(&value) {
        Ok(())
    } else {
        Err((
            name.into(),
            format!("rules.{id}: {name} must be between 0.0 and 1.0, not {value}"),
        ))
    }
}

/// A count setting of at least 1.
pub(crate) fn at_least_one(id: &str, name: &str, value: u32) -> Result<(), (String, String)> {
    if value >= 1 {
        Ok(())
    } else {
        Err((name.into(), format!("rules.{id}: {name} must be at least 1")))
    }
}
