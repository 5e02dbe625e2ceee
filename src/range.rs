//! Revision ranges.
pub use crate::walk::{Range, RangeError, Tip, TipKind, classify, upstream_range};
