// Test code may unwrap, expect, panic and index: Cargo.toml's lint wall is for the code that
// handles untrusted input. (clippy.toml's allow-*-in-tests covers only `#[test]` functions,
// not the helpers around them.) The test crate has no public API to document.
#![allow(
    missing_docs,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::unreachable
)]

mod action;
mod advice;
mod architecture;
mod audit;
mod baseline;
mod behaviour;
mod ci;
mod ci_shallow;
mod cli;
mod completions;
mod facts_store;
mod faults;
mod fix_plan;
mod fleet;
mod formats;
mod history;
mod hooks;
mod hostile_input;
mod hostile_policy;
mod hostile_repo;
mod html;
mod install;
mod job_shapes;
mod left_alone;
mod max_size;
mod merge_html;
mod output;
mod overview;
mod platforms;
mod policy;
mod precommit;
mod properties;
mod push_output;
mod quiet_shapes;
mod ranges;
mod routes;
mod rules;
mod scan;
mod shapes;
mod staged;
mod suggestions;
mod tool_fixtures;
mod util;
