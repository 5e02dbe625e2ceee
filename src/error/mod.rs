//! The library's error: everything a command can fail with, and the exit status each failure
//! means (2 for what the user can fix: usage, a policy or baseline file, hook input; 3 for the
//! repository or the system).

use std::io;

use crate::baseline::BaselineError;
use crate::hook::input::{HookError, InputError};
use crate::hook::install::InstallError;
use crate::policy::PolicyError;
use crate::range::RangeError;
use crate::repo::RepoError;
use crate::rules::UnknownRule;

pub(crate) mod exit;

/// Why a command failed.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The policy file is missing or invalid.
    #[error(transparent)]
    Policy(#[from] PolicyError),
    /// The baseline file is missing or invalid, or could not be written.
    #[error(transparent)]
    Baseline(#[from] BaselineError),
    /// The revisions do not name a range.
    #[error(transparent)]
    Range(#[from] RangeError),
    /// The repository could not be read.
    #[error(transparent)]
    Repo(#[from] RepoError),
    /// A hook could not judge the push.
    #[error(transparent)]
    Hook(#[from] HookError),
    /// A hook's standard input is malformed.
    #[error(transparent)]
    Input(#[from] InputError),
    /// A hook could not be installed or uninstalled.
    #[error(transparent)]
    Install(#[from] InstallError),
    /// The facts store could not be read or written.
    #[error(transparent)]
    Store(#[from] crate::history::store::StoreError),
    /// `explain` was asked about a rule that does not exist.
    #[error(transparent)]
    UnknownRule(#[from] UnknownRule),
    /// Something the user asked for that cannot be done as asked (the sentence says why).
    #[error("{0}")]
    Usage(String),
    /// Reading or writing a file failed (`what` names it).
    #[error("{what}")]
    File {
        /// What was being read or written.
        what: String,
        /// Why it failed.
        source: io::Error,
    },
    /// Writing to standard output or error failed.
    #[error(transparent)]
    Io(#[from] io::Error),
}

impl Error {
    /// The exit status the failure means.
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Policy(_) | Error::UnknownRule(_) | Error::Usage(_) | Error::Input(_) => exit::USAGE,
            Error::Baseline(e) => e.exit_code(),
            Error::Range(e) => e.exit_code(),
            Error::Hook(e) => e.exit_code(),
            Error::Install(e) => e.exit_code(),
            Error::Repo(_) | Error::File { .. } | Error::Io(_) | Error::Store(_) => exit::INTERNAL,
        }
    }

    /// Whether the failure is a closed pipe on the output (`pushgate … | head`): not an
    /// error for the user.
    pub fn is_broken_pipe(&self) -> bool {
        match self {
            Error::Io(e) | Error::File { source: e, .. } => e.kind() == io::ErrorKind::BrokenPipe,
            _ => false,
        }
    }

    /// The message with its causes, `outer: inner: …`, as one line for `pushgate: error: `.
    pub fn chain(&self) -> String {
        chain(self)
    }
}

/// An error's message with its causes, `outer: inner: …` (the OS error last), as one line.
pub(crate) fn chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut text = error.to_string();
    let mut cause = error.source();
    while let Some(e) = cause {
        text.push_str(": ");
        text.push_str(&e.to_string());
        cause = e.source();
    }
    text
}
