//! `pushgate install` and `pushgate uninstall`: put a hook in place (or take it out) that runs
//! this binary.

use std::io::Write;
use std::path::{Path, PathBuf};

use super::{Context, Status};
use crate::baseline::Baseline;
use crate::error::Error;
use crate::hook::install::{self, HookKind, Installed, Uninstalled};
use crate::policy::{Policy, Source};

/// Which hook, where, and how.
#[derive(Debug)]
pub struct Options {
    /// The hook.
    pub kind: HookKind,
    /// A directory of hooks to install into instead of the repository's (`pre-receive.d/`).
    pub hooks_dir: Option<PathBuf>,
    /// Keep an existing hook and run it first.
    pub chain: bool,
    /// Replace an existing hook (keeping a backup).
    pub force: bool,
    /// A baseline for the hook to apply.
    pub baseline: Option<PathBuf>,
    /// The pushgate binary the hook runs (absolute).
    pub binary: PathBuf,
}

fn absolute(path: &Path) -> Result<PathBuf, Error> {
    std::fs::canonicalize(path).map_err(|source| Error::File {
        what: format!("cannot find {}", path.display()),
        source,
    })
}

/// Where the hook goes (`--hooks-dir`, or the repository's hooks directory), and the start of
/// the command that installs it again, naming it by absolute paths.
fn target(context: &Context, kind: HookKind, hooks_dir: Option<&Path>) -> Result<(install::Target, String), Error> {
    let mut command = format!("pushgate install {}", kind.name());
    let dir = match hooks_dir {
        Some(dir) => {
            let dir = std::path::absolute(dir).map_err(|source| Error::File {
                what: format!("cannot find {}", dir.display()),
                source,
            })?;
            command.push_str(&format!(
                " --hooks-dir {}",
                crate::util::shell_quote(dir.display().to_string())
            ));
            dir
        }
        None => {
            let repo = context.open()?;
            let top = repo.workdir().unwrap_or_else(|| repo.git_dir());
            let top = std::fs::canonicalize(top).unwrap_or_else(|_| top.to_path_buf());
            command.push_str(&format!(
                " --repo {}",
                crate::util::shell_quote(top.display().to_string())
            ));
            install::hooks_dir(&repo)
        }
    };
    Ok((install::Target::in_dir(dir, kind), command))
}

/// Install the hook `options` describe; say what was done on `out`.
pub fn install(context: &Context, options: Options, out: &mut dyn Write) -> Result<Status, Error> {
    if options.kind == HookKind::PreCommit && options.hooks_dir.is_none() {
        let repo = context.open()?;
        if repo.is_bare() {
            let repo = context.repo.clone().unwrap_or_else(|| repo.git_dir().to_owned());
            return Err(install::InstallError::PreCommitInBare { repo }.into());
        }
    }
    let policy = match &context.policy {
        Some(p) => {
            // The hook runs with another working directory: check the file now, and name it
            // by its absolute path.
            Policy::from_file(p, Source::Flag(p.clone()))?;
            Some(absolute(p)?)
        }
        None => None,
    };
    let baseline = match &options.baseline {
        Some(p) => {
            Baseline::load(p)?;
            Some(absolute(p)?)
        }
        None => None,
    };
    let (target, mut reinstall) = target(context, options.kind, options.hooks_dir.as_deref())?;
    for (flag, path) in [("--policy", &policy), ("--baseline", &baseline)] {
        if let Some(path) = path {
            reinstall.push_str(&format!(
                " {flag} {}",
                crate::util::shell_quote(path.display().to_string())
            ));
        }
    }
    let request = install::Request {
        kind: options.kind,
        binary: absolute(&options.binary)?,
        policy,
        baseline,
        chain: options.chain,
        force: options.force,
        reinstall,
    };
    let installed = install::install(&target, &request)?;
    match installed {
        Installed::Wrote(p) => writeln!(out, "installed {}", p.display()),
        Installed::Unchanged(p) => writeln!(out, "{} is installed already; nothing changed", p.display()),
        Installed::Updated(p) => writeln!(
            out,
            "updated {}: pushgate's hook now runs {}",
            p.display(),
            request.binary.display()
        ),
        Installed::Chained { path, previous } => writeln!(
            out,
            "installed {}; the previous hook, now {}, runs first",
            path.display(),
            previous.display()
        ),
        Installed::Replaced { path, backup } => writeln!(
            out,
            "installed {}; the previous hook was saved as {}",
            path.display(),
            backup.display()
        ),
    }?;
    if options.kind == HookKind::PreReceive {
        writeln!(
            out,
            "{}",
            build_facts(context, options.hooks_dir.is_some(), &reinstall_policy(&request))
        )?;
    }
    Ok(Status::Pass)
}

/// ` --policy '<file>'` when the hook names a policy.
fn reinstall_policy(request: &install::Request) -> String {
    request
        .policy
        .as_ref()
        .map(|p| format!(" --policy {}", crate::util::shell_quote(p.display().to_string())))
        .unwrap_or_default()
}

/// Build the facts store of the repository a pre-receive hook was installed into (under the
/// policy the hook reads), so that it judges with the whole history from its first push; or
/// say in one line how to build it.
fn build_facts(context: &Context, hooks_dir: bool, policy: &str) -> String {
    let how = |repo: &str| format!("pushgate index --repo {repo}{policy}");
    if hooks_dir && context.repo.is_none() {
        return format!(
            "to judge pushes with the whole history from the first one, build each repository's facts store: {}",
            how("<repository>")
        );
    }
    let built = context.open().and_then(|repo| {
        let policy = context.policy(Some(&repo), true)?;
        let updated = crate::index::update(&repo, &policy, false, &crate::progress::Silent)?;
        Ok(super::index::describe(&updated, crate::index::pack_bytes(&repo), false))
    });
    match built {
        Ok(line) => line,
        Err(e) => {
            let repo = context
                .repo
                .as_ref()
                .map(|r| crate::util::shell_quote(r.display().to_string()))
                .unwrap_or_else(|| ".".to_owned());
            format!(
                "the facts store was not built ({}); pushes are judged with a look-back window until `{}` builds it",
                e.chain(),
                how(&repo)
            )
        }
    }
}

/// Take pushgate's `kind` hook out (putting back a hook it chained); say what was done on `out`.
pub fn uninstall(
    context: &Context,
    kind: HookKind,
    hooks_dir: Option<&Path>,
    out: &mut dyn Write,
) -> Result<Status, Error> {
    let (target, _) = target(context, kind, hooks_dir)?;
    match install::uninstall(&target)? {
        Uninstalled::Absent(p) => writeln!(out, "{} does not exist; nothing to uninstall", p.display())?,
        Uninstalled::Removed { path, backups } => {
            writeln!(out, "removed {}", path.display())?;
            for backup in backups {
                writeln!(
                    out,
                    "{} (a hook `install --force` replaced) is left where it is",
                    backup.display()
                )?;
            }
        }
        Uninstalled::Restored { path, from } => writeln!(
            out,
            "removed pushgate from {}; the previous hook is back (from {})",
            path.display(),
            from.display()
        )?,
    }
    Ok(Status::Pass)
}
