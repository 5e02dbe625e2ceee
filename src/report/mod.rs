//! Output formats. Each format renders an [`Outcome`](crate::scan::Outcome) into a writer;
//! nothing else in the crate prints.

use std::io::{self, Write};

use crate::policy::Policy;
use crate::scan::Outcome;

pub mod json;
pub mod push;
pub mod text;

/// The output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    /// For people: grouped by pattern, suggestion once per pattern.
    #[default]
    Text,
    /// Versioned, stable JSON (`version: 1`).
    Json,
}

/// How to render.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// The format.
    pub format: Format,
    /// ANSI colours (text only).
    pub color: bool,
    /// List every finding in text output.
    pub verbose: bool,
}

/// Render `outcome` in the chosen format.
pub fn render(out: &mut dyn Write, outcome: &Outcome, policy: &Policy, options: &Options) -> io::Result<()> {
    match options.format {
        Format::Text => text::render(
            out,
            outcome,
            policy,
            &text::Options {
                color: options.color,
                verbose: options.verbose,
            },
        ),
        Format::Json => json::render(out, outcome),
    }
}
