//! Output formats. Each printer renders what it is handed (an [`Outcome`], an audit, a merged
//! fleet, a push) into a writer; nothing else in the crate prints.
//!
//! The printers import only the leaves beside them: [`format`](mod@format) (the formats and
//! the rendering [`Options`]) and `common` (the helpers they share). This module only
//! dispatches.

use std::io::{self, Write};

use crate::audit::result::Audit;
use crate::outcome::Outcome;
use crate::policy::Policy;

pub(crate) mod audit;
pub(crate) mod common;
pub(crate) mod format;
pub(crate) mod merge;
pub(crate) mod overview;
pub(crate) mod push;
pub(crate) mod staged;
mod svg;

pub use format::{Format, MIN_WIDTH, Options, TEXT_WIDTH};

/// The printers of the formats registry ([`format`](mod@format)'s `each_format!`): a module
/// each, and [`render`], which hands an outcome to the chosen one.
macro_rules! printers {
    ($( $(#[$meta:meta])* $variant:ident => $module:ident = $name:literal, $help:literal, )*) => {
        $( pub(crate) mod $module; )*

        /// Render `outcome` in the chosen format.
        pub(crate) fn render(out: &mut dyn Write, outcome: &Outcome, policy: &Policy, options: &Options) -> io::Result<()> {
            match options.format { $( Format::$variant => $module::report(out, outcome, policy, options), )* }
        }
    };
}

format::each_format!(printers);

/// Render `audit` in the chosen format: text, JSON (the scan's document plus an `audit`
/// section), markdown or the HTML page; the other formats are the scan's and render its
/// findings.
pub(crate) fn render_audit(out: &mut dyn Write, audit: &Audit, policy: &Policy, options: &Options) -> io::Result<()> {
    match options.format {
        Format::Text => audit::text(out, audit, policy, options),
        Format::Json => json::render_with(out, &audit.outcome, Some(audit::section(audit)?)),
        Format::Markdown => audit::markdown(out, audit, options.verbose),
        Format::Html => html::page(out, audit, policy, options.verbose),
        _ => render(out, &audit.outcome, policy, options),
    }
}
