//! The engine every check runs on: [`inspect::inspect_walk`] walks commits on one thread
//! while another inspects each new blob, and [`conclude::conclude`] turns what they found into
//! an [`Outcome`](crate::outcome::Outcome). [`scan`](crate::scan) (ranges, pushes, staged
//! files) and [`audit`](crate::audit) (whole repositories) are its two clients; neither reaches
//! past this interface.

pub mod conclude;
pub mod inspect;

pub use conclude::{History, conclude};
pub use inspect::{Inspected, Inspector, OnBlob, Reading, inspect_walk, inspect_walk_with_packs};
