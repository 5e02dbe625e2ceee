//! pushgate guards git repositories against four misuses — large files that change often,
//! git used as a database, audit trails and generated output committed at machine cadence,
//! and backups, dumps and disk images — and says what to use instead.
//!
//! The crate is organised as a pipeline:
//!
//! - [`repo`] opens the repository and reads objects cheaply (sizes from headers, content
//!   from a bounded prefix);
//! - [`range`] resolves revisions (`A..B`, `^A`, `--all`, the upstream) into a range;
//! - [`walk`] walks a range and yields the blobs it introduces, each with its path and the
//!   oldest commit that added it;
//! - [`detect`] classifies a content prefix (magic bytes, dump headers, timestamped lines);
//! - [`attributes`] reads `.gitattributes` from a commit's tree;
//! - [`history`] is the model the behaviour rules read: each commit's identity, time and
//!   message template, every change it made, and which commits a job made;
//! - [`rules`] turns one blob into findings, one module per pattern, and the history into
//!   findings about subjects (what a job rewrites, snapshots or copies);
//! - [`policy`] says which rules run at which level and what fails;
//! - [`advice`] says what each finding's first step is, and words each pattern's alternative;
//! - [`scan`] runs the pipeline and returns an [`scan::Outcome`];
//! - [`staged`] finds the files staged for a commit (the `pre-commit` hook);
//! - [`ci`] finds the range to check from a CI system's (or pre-commit's) environment;
//! - [`baseline`] records today's findings by fingerprint and leaves them out of later checks;
//! - [`report`] renders an outcome in each output format;
//! - [`hook`] runs the same pipeline as git's `pre-receive` and `pre-push` hooks, over what a
//!   push adds, and installs them.
//!
//! The binary (`src/bin/pushgate/`) only parses arguments, picks the policy and the format, and maps
//! outcomes to exit codes.

#![deny(missing_docs)]
// Everything here handles untrusted input (pushed objects, hook stdin, policy files): no
// panics outside tests, and every exception carries a comment proving it cannot fail.
#![deny(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::todo,
    clippy::unimplemented,
    clippy::unreachable,
    clippy::indexing_slicing
)]
#![cfg_attr(
    test,
    allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)
)]

pub mod advice;
pub mod attributes;
pub mod audit;
pub mod baseline;
pub mod candidate;
pub mod ci;
pub mod detect;
pub mod explain;
pub mod finding;
pub mod history;
pub mod hook;
pub mod packs;
pub mod policy;
pub mod progress;
pub mod range;
pub mod repo;
pub mod report;
pub mod rules;
pub mod scan;
pub mod staged;
pub mod util;
pub mod walk;

pub use candidate::Candidate;
pub use finding::{Finding, Level, Notice, Pattern, Setting};
pub use policy::Policy;
pub use rules::RuleId;
