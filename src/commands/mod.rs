//! The commands, one module each, in one shape: what the command reads (a repository, a
//! policy, its `Options`, streams), a progress sink where it reports, and the writer its report
//! goes to; each returns the [`Status`] the process exits with, or an [`Error`] that knows its
//! own. They never decide colours, terminals or exit codes; the binary does, and parses the
//! command line into these options.

pub mod audit;
pub mod explain;
pub mod fleet;
pub mod hooks;
pub mod index;
pub mod install;
pub mod policy;
pub mod scan;

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::baseline::{Baseline, BaselineError};
use crate::error::{Error, exit};
use crate::outcome::Outcome;
use crate::policy::{Discovery, Policy, PolicyError};

/// How a command ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Nothing at a failing level: exit 0.
    Pass,
    /// Findings at a failing level: exit 1.
    Fail,
    /// A hook's own answer to git (0 lets the push through).
    Exit(u8),
}

impl Status {
    /// The exit status.
    pub fn code(self) -> u8 {
        match self {
            Status::Pass => exit::PASS,
            Status::Fail => exit::FAIL,
            Status::Exit(code) => code,
        }
    }

    /// `Fail` when `fails`, else `Pass`.
    pub(crate) fn of(fails: bool) -> Status {
        if fails { Status::Fail } else { Status::Pass }
    }
}

/// Where a command finds its repository and policy: `--repo` and `--policy` as given.
#[derive(Debug, Clone, Default)]
pub struct Context {
    /// The repository (work tree or bare); `None`: the one around the current directory.
    pub repo: Option<PathBuf>,
    /// The policy file; `None`: the lookup of [`Discovery`].
    pub policy: Option<PathBuf>,
}

impl Context {
    /// Open the repository.
    pub(crate) fn open(&self) -> Result<gix::Repository, Error> {
        Ok(crate::repo::open(self.repo.as_deref())?)
    }

    /// The repository, for the commands that also work outside one: `--repo` must name a
    /// repository; without it, `None` where the current directory is in none.
    pub(crate) fn open_if_any(&self) -> Result<Option<gix::Repository>, Error> {
        match self.open() {
            Ok(repo) => Ok(Some(repo)),
            Err(e) if self.repo.is_some() => Err(e),
            Err(_) => Ok(None),
        }
    }

    /// The policy the command finds (`server`: as the pre-receive hook reads it).
    pub(crate) fn policy(&self, repo: Option<&gix::Repository>, server: bool) -> Result<Policy, PolicyError> {
        Discovery {
            flag: self.policy.clone(),
            repo,
            server,
        }
        .load()
    }

    /// The repository and its policy, for the commands that check one: everything wrong with
    /// the user's input is reported before any work starts.
    pub fn open_with_policy(&self) -> Result<(gix::Repository, Policy), Error> {
        let repo = self.open()?;
        let policy = self.policy(Some(&repo), false)?;
        Ok((repo, policy))
    }
}

/// The baseline at `path`, if one is given.
/// A command that reports findings alone (`scan`, `pre-commit`) refuses a format only the
/// audit renders (the HTML page), before it reads anything.
pub fn findings_format(format: crate::report::Format, command: &str) -> Result<(), Error> {
    if !format.audit_only() {
        return Ok(());
    }
    let takes: Vec<&str> = crate::report::Format::ALL
        .iter()
        .filter(|f| !f.audit_only())
        .map(|f| f.name())
        .collect();
    Err(Error::Usage(format!(
        "`pushgate {command}` does not write --format {}, which only `pushgate audit` and `pushgate report merge` render; it writes {}",
        format.name(),
        takes.join(", ")
    )))
}

pub(crate) fn load_baseline(path: Option<&Path>) -> Result<Option<Baseline>, BaselineError> {
    path.map(Baseline::load).transpose()
}

/// Record the findings as a baseline in `write` (saying so on `err`), then leave out what
/// `baseline` records; `whole` says the check covered the whole history.
pub(crate) fn record_and_apply(
    outcome: &mut Outcome,
    repo: &gix::Repository,
    write: Option<&Path>,
    baseline: Option<&Baseline>,
    whole: bool,
    err: &mut dyn Write,
) -> Result<(), Error> {
    if let Some(path) = write {
        let written = Baseline::from_findings(&outcome.findings);
        written.write(path)?;
        writeln!(
            err,
            "pushgate: wrote {} baseline entr{} to {}",
            written.len(),
            if written.len() == 1 { "y" } else { "ies" },
            crate::util::sanitize(path.as_os_str().as_encoded_bytes())
        )?;
    }
    if let Some(baseline) = baseline {
        baseline.apply(outcome, repo, whole);
    }
    Ok(())
}
