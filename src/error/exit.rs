//! Exit statuses (the man page's EXIT STATUS).

/// Nothing at a failing level (or `mode = "evaluate"`).
pub(crate) const PASS: u8 = 0;
/// Findings at a failing level: the check, push or commit fails.
pub(crate) const FAIL: u8 = 1;
/// A usage error, or an invalid policy or baseline file.
pub(crate) const USAGE: u8 = 2;
/// The repository could not be read, or an internal error.
pub(crate) const INTERNAL: u8 = 3;
