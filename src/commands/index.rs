//! `pushgate index`: build the facts store, or bring it up to date with the refs, and say what
//! was done.

use std::io::Write;

use super::Status;
use crate::error::Error;
use crate::index::{self, Done, Updated};
use crate::policy::Policy;
use crate::progress::Progress;
use crate::util::human_size;

/// What to do.
#[derive(Debug, Default)]
pub struct Options {
    /// Build the store anew, whatever there is.
    pub rebuild: bool,
}

/// Build or update the facts store of `repo` for `policy`; say what was done on `out`.
pub fn index(
    repo: &gix::Repository,
    policy: &Policy,
    options: Options,
    progress: &dyn Progress,
    out: &mut dyn Write,
) -> Result<Status, Error> {
    let updated = index::update(repo, policy, options.rebuild, progress)?;
    writeln!(out, "{}", describe(&updated, index::pack_bytes(repo), true))?;
    Ok(Status::Pass)
}

/// The writer the pre-receive hook starts once the store lags (see
/// [`crate::index::after_push`]): the policy is read as the hook reads it, and nothing is said.
pub fn after_push(context: &super::Context) -> Result<Status, Error> {
    let repo = context.open()?;
    let policy = context.policy(Some(&repo), true)?;
    index::after_push(&repo, &policy)?;
    Ok(Status::Pass)
}

/// One line: what was done (and, when `timed`, how long it took), where the store is, what
/// it holds and what it weighs beside the packs.
pub(crate) fn describe(updated: &Updated, packs: u64, timed: bool) -> String {
    let Updated {
        done,
        path,
        bytes,
        commits,
        paths,
        ms,
    } = updated;
    let took = |text: String| if timed { text } else { String::new() };
    let what = match done {
        Done::UpToDate => "is up to date".to_owned(),
        Done::CaughtUp(n) => format!(
            "caught up with {n} new commit{}{}",
            plural(*n),
            took(format!(" in {ms} ms"))
        ),
        Done::Built(None) => format!("built{}", took(format!(" in {}", seconds(*ms)))),
        Done::Built(Some(why)) => format!("rebuilt{} ({why})", took(format!(" in {}", seconds(*ms)))),
    };
    let share = if packs > 0 {
        format!(
            " ({} of the packs' {})",
            crate::util::percent(*bytes, packs),
            human_size(packs)
        )
    } else {
        String::new()
    };
    format!(
        "facts store {} {what}: {commits} commit{}, {paths} path{}, {}{share}",
        crate::util::sanitize(path.as_os_str().as_encoded_bytes()),
        plural(*commits),
        plural(*paths),
        human_size(*bytes),
    )
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

fn seconds(ms: u64) -> String {
    format!("{:.2} s", ms as f64 / 1000.0)
}
