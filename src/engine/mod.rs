//! The engine every check runs on: [`inspect::inspect_walk`] walks commits on one thread
//! while another inspects each new blob, and [`conclude::conclude`] turns what they found into
//! an [`Outcome`](crate::outcome::Outcome). [`scan`](crate::scan) (ranges, pushes, staged
//! files) and [`audit`](crate::audit) (whole repositories) are its two clients; neither reaches
//! past this interface.

pub(crate) mod conclude;
pub(crate) mod inspect;

pub(crate) use conclude::{Past, conclude};
pub(crate) use inspect::{Inspected, Inspector, OnBlob, Reading, inspect_walk, inspect_walk_with_packs};
