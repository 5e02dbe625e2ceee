//! pushgate guards git repositories against four misuses — large files that change often,
//! git used as a database, audit trails and generated output committed at machine cadence,
//! and backups, dumps and disk images — and says what to use instead.
//!
//! # Module map
//!
//! The library is layered; each layer reads only the ones above it.
//!
//! **Input.** [`repo`] opens a repository and reads objects cheaply (sizes from headers,
//! content from a bounded prefix); [`range`] turns revisions (`A..B`, `--not`, `--all`, an
//! upstream) into tips and hidden commits; [`ci`] finds that range from a CI system's
//! environment, one provider per file; [`hook`] reads git's hook protocols and a push's
//! quarantine, and installs hooks; [`staged`] finds the files staged for a commit;
//! [`policy`] finds, parses and compiles the TOML policy.
//!
//! **Engine.** [`walk`] walks commits and yields each blob a range introduces as a
//! [`Candidate`](candidate::Candidate) (path, commit, attributes); [`detect`] classifies a content prefix;
//! [`attributes`] reads `.gitattributes`; [`packs`] reads the pack statistics the audit
//! costs; [`history`] models commits, changes and which of them a job made; [`rules`] holds
//! every rule, one file each, listed once in a registry; [`engine`] runs the walk, the
//! inspection of each blob and the conclusion on two threads, reporting to a [`progress`]
//! sink.
//!
//! **Outcome.** [`outcome`] is what the engine writes and everything after it reads: the
//! [`Finding`], the [`Notice`](outcome::Notice), the [`Summary`](outcome::Summary), the
//! [`Outcome`](outcome::Outcome) and the one [`Judgement`](outcome::Judgement) on it; [`advice`] words each finding's first step and each pattern's alternative;
//! [`baseline`] leaves recorded findings out; [`explain`] documents the rules.
//!
//! **Clients and output.** [`scan`] (ranges, pushes, staged files) and [`audit`] (whole
//! repositories, with a fix plan) are the engine's two clients; [`index`] keeps the facts
//! store (the whole history's facts, in the git directory) up to date with the engine's walk;
//! [`report`] renders outcomes in each format, one file per format, listed once in a registry.
//! [`fleet`] runs the audit over many repositories, each in a child process, and merges their
//! results.
//!
//! **Commands.** [`commands`] holds one function per command, each taking a repository, a
//! policy, its options, a progress sink and writers, and returning a
//! [`Status`](commands::Status) or an [`Error`] that knows its exit code ([`error`]).
//! The binary (`src/bin/pushgate/`) only parses the command line, decides colours, width,
//! where the report goes and whether to draw progress bars, and exits with the status.
//! [`util`] holds small shared helpers (sanitising what came from a push, sizes, wrapping).
//!
//! Only what the binary, the integration tests and the fuzz targets use is `pub`; the rest is
//! crate-private, and this map is read with `cargo doc --document-private-items`.

pub mod advice;
mod attributes;
pub mod audit;
mod baseline;
pub mod candidate;
pub mod ci;
pub mod commands;
pub mod detect;
mod engine;
mod error;
mod explain;
pub mod fleet;
pub mod history;
pub mod hook;
mod index;
mod outcome;
mod overview;
pub mod packs;
pub mod policy;
pub mod progress;
pub mod range;
pub mod repo;
pub mod report;
mod rules;
pub mod scan;
mod staged;
#[cfg(test)]
mod testing;
pub mod util;
pub mod walk;

pub use error::Error;
pub use outcome::finding::{Finding, Level};
pub use rules::registry::RuleId;
