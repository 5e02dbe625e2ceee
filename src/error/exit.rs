//! Exit statuses (the man page's EXIT STATUS).

/// Nothing at a failing level (or `mode = "evaluate"`).
pub const PASS: u8 = 0;
/// Findings at a failing level: the check, push or commit fails.
pub const FAIL: u8 = 1;
/// A usage error, or an invalid policy or baseline file.
pub const USAGE: u8 = 2;
/// The repository could not be read, or an internal error.
pub const INTERNAL: u8 = 3;
