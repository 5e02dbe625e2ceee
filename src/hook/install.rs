//! `pushgate install pre-push|pre-receive`: write a hook script that runs this binary by its
//! absolute path. An existing hook is never replaced silently: without `--chain` or `--force`
//! the install is refused; `--chain` keeps the old hook and runs it first (both must pass);
//! `--force` replaces it and keeps a backup.

use std::path::{Path, PathBuf};

/// Which hook.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HookKind {
    /// The local hook.
    PrePush,
    /// The server hook.
    PreReceive,
    /// The commit hook.
    PreCommit,
}

impl HookKind {
    /// The hook's file name (and subcommand).
    pub fn name(self) -> &'static str {
        match self {
            HookKind::PrePush => "pre-push",
            HookKind::PreReceive => "pre-receive",
            HookKind::PreCommit => "pre-commit",
        }
    }
}

/// What to install.
#[derive(Debug, Clone)]
pub struct Request {
    /// Which hook.
    pub kind: HookKind,
    /// The pushgate binary the hook runs (absolute).
    pub binary: PathBuf,
    /// A policy file the hook passes with `--policy` (absolute).
    pub policy: Option<PathBuf>,
    /// A baseline file the hook passes with `--baseline` (absolute).
    pub baseline: Option<PathBuf>,
    /// Keep an existing hook and run it first.
    pub chain: bool,
    /// Replace an existing hook, keeping a backup.
    pub force: bool,
}

/// What was done.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Installed {
    /// A new hook.
    Wrote(PathBuf),
    /// The same hook was there already.
    Unchanged(PathBuf),
    /// The existing hook now runs first, from `previous`.
    Chained {
        /// The hook.
        path: PathBuf,
        /// Where the existing hook was moved.
        previous: PathBuf,
    },
    /// The existing hook was replaced and saved as `backup`.
    Replaced {
        /// The hook.
        path: PathBuf,
        /// The saved copy.
        backup: PathBuf,
    },
}

/// The install could not be done.
#[derive(Debug, thiserror::Error)]
pub enum InstallError {
    /// A different hook is there, and neither `--chain` nor `--force` was given.
    #[error(
        "{} exists and is not this pushgate hook; nothing was changed.\n  --chain  keep it and run it before pushgate (both must pass)\n  --force  replace it (a backup is kept next to it)",
        path.display()
    )]
    Exists {
        /// The hook.
        path: PathBuf,
    },
    /// `--chain` and `--force` together.
    #[error("--chain and --force exclude each other: keep the existing hook, or replace it")]
    Conflict,
    /// `--chain` when the chained hook's place is taken.
    #[error("{} exists already (an earlier --chain?); move it away first", path.display())]
    ChainTaken {
        /// The place.
        path: PathBuf,
    },
    /// Reading or writing files.
    #[error("{context}: {source}")]
    Io {
        /// What we were doing.
        context: String,
        /// What went wrong.
        source: std::io::Error,
    },
}

fn io(context: impl Into<String>) -> impl FnOnce(std::io::Error) -> InstallError {
    let context = context.into();
    move |source| InstallError::Io { context, source }
}

/// The directory git runs hooks from: `core.hooksPath` if set, else `hooks/` in the common git
/// directory.
pub fn hooks_dir(repo: &gix::Repository) -> PathBuf {
    match repo.config_snapshot().string("core.hooksPath") {
        Some(p) => {
            let p = PathBuf::from(p.to_string());
            if p.is_absolute() {
                p
            } else {
                repo.workdir().unwrap_or_else(|| repo.git_dir()).join(p)
            }
        }
        None => repo.common_dir().join("hooks"),
    }
}

/// Install the hook into `hooks_dir`.
pub fn install(hooks_dir: &Path, request: &Request) -> Result<Installed, InstallError> {
    if request.chain && request.force {
        return Err(InstallError::Conflict);
    }
    std::fs::create_dir_all(hooks_dir).map_err(io(format!("creating {}", hooks_dir.display())))?;
    let name = request.kind.name();
    let path = hooks_dir.join(name);
    let plain = script(request, None);
    let existing = match std::fs::read(&path) {
        Ok(bytes) => Some(bytes),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(io(format!("reading {}", path.display()))(e)),
    };
    let Some(existing) = existing else {
        write_hook(&path, &plain)?;
        return Ok(Installed::Wrote(path));
    };
    let previous = hooks_dir.join(format!("{name}.pushgate-chained"));
    let chained = script(request, Some(&previous));
    if existing == plain.as_bytes() || existing == chained.as_bytes() {
        return Ok(Installed::Unchanged(path));
    }
    if request.chain {
        if previous.exists() {
            return Err(InstallError::ChainTaken { path: previous });
        }
        std::fs::rename(&path, &previous).map_err(io(format!("moving {} aside", path.display())))?;
        write_hook(&path, &chained)?;
        return Ok(Installed::Chained { path, previous });
    }
    if request.force {
        let backup = (0..)
            .map(|i| {
                hooks_dir.join(if i == 0 {
                    format!("{name}.pushgate-backup")
                } else {
                    format!("{name}.pushgate-backup.{i}")
                })
            })
            .find(|p| !p.exists())
            .unwrap_or_else(|| hooks_dir.join(format!("{name}.pushgate-backup")));
        std::fs::rename(&path, &backup).map_err(io(format!("backing up {}", path.display())))?;
        write_hook(&path, &plain)?;
        return Ok(Installed::Replaced { path, backup });
    }
    Err(InstallError::Exists { path })
}

/// The hook script; with `previous`, one that runs the previous hook first on the same input.
fn script(request: &Request, previous: Option<&Path>) -> String {
    let name = request.kind.name();
    let mut command = format!("{} {name}", quote(&request.binary));
    if let Some(policy) = &request.policy {
        command.push_str(&format!(" --policy {}", quote(policy)));
    }
    if let Some(baseline) = &request.baseline {
        command.push_str(&format!(" --baseline {}", quote(baseline)));
    }
    command.push_str(" \"$@\"");
    match previous {
        None => format!("#!/bin/sh\n# {name} hook written by `pushgate install`.\nexec {command}\n"),
        Some(previous) => format!(
            "#!/bin/sh\n# {name} hook written by `pushgate install --chain`: runs the previous hook, then\n# pushgate, on the same input; both must pass.\ninput=$(mktemp \"${{TMPDIR:-/tmp}}/pushgate-hook.XXXXXX\") || exit 1\ntrap 'rm -f \"$input\"' EXIT\ncat >\"$input\"\n{} \"$@\" <\"$input\" || exit $?\n{command} <\"$input\"\n",
            quote(previous)
        ),
    }
}

fn write_hook(path: &Path, text: &str) -> Result<(), InstallError> {
    std::fs::write(path, text).map_err(io(format!("writing {}", path.display())))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755))
            .map_err(io(format!("making {} executable", path.display())))?;
    }
    Ok(())
}

/// Single-quote a path for `/bin/sh`.
fn quote(p: &Path) -> String {
    format!("'{}'", p.display().to_string().replace('\'', r"'\''"))
}
