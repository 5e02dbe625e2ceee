//! `pushgate install pre-push|pre-receive` and `pushgate uninstall`: write (or take out) a hook
//! script that runs this binary by its absolute path.
//!
//! An existing hook is never replaced silently: without `--chain` or `--force` the install is
//! refused; `--chain` keeps the old hook and runs it first (both must pass); `--force` replaces
//! it and keeps a backup. Every path the script names is absolute, so it holds wherever git
//! runs the hook (a bare repository's git directory, any work tree of a clone). A script
//! pushgate wrote is recognised by its header whatever binary it runs: installing again
//! updates it, and `uninstall` removes it, putting a chained hook back byte for byte.
//!
//! The target is the repository's hooks directory, or a drop-in directory such as GitLab's
//! `custom_hooks/pre-receive.d/` or Gitea's and Forgejo's `hooks/pre-receive.d/`, where the
//! platform runs every executable and the script is called `pushgate`.

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
    pub(crate) fn name(self) -> &'static str {
        match self {
            HookKind::PrePush => "pre-push",
            HookKind::PreReceive => "pre-receive",
            HookKind::PreCommit => "pre-commit",
        }
    }
}

/// Where the hook script goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Target {
    /// The directory.
    pub(crate) dir: PathBuf,
    /// The script's file name in it.
    pub(crate) file: String,
    /// A drop-in directory (`*.d`): the platform runs every executable in it.
    pub(crate) dropin: bool,
}

impl Target {
    /// The hook `kind` in `dir`: a directory whose name ends in `.d` is a drop-in directory
    /// and the script is called `pushgate`; otherwise it is the hooks directory and the
    /// script has the hook's name.
    pub(crate) fn in_dir(dir: PathBuf, kind: HookKind) -> Target {
        let dropin = dir.file_name().is_some_and(|n| n.to_string_lossy().ends_with(".d"));
        let file = if dropin { "pushgate" } else { kind.name() }.to_owned();
        Target { dir, file, dropin }
    }

    /// The script's path.
    pub(crate) fn path(&self) -> PathBuf {
        self.dir.join(&self.file)
    }

    /// Where `--chain` keeps the previous hook.
    fn chained(&self) -> PathBuf {
        self.dir.join(format!("{}.pushgate-chained", self.file))
    }

    /// The `--force` backups of this hook, oldest first.
    fn backups(&self) -> Vec<PathBuf> {
        let stem = format!("{}.pushgate-backup", self.file);
        let mut found: Vec<PathBuf> = std::fs::read_dir(&self.dir)
            .map(|entries| {
                entries
                    .filter_map(Result::ok)
                    .filter(|e| e.file_name().to_string_lossy().starts_with(&stem))
                    .map(|e| e.path())
                    .collect()
            })
            .unwrap_or_default();
        found.sort();
        found
    }

    /// A free name for a `--force` backup. In a drop-in directory it ends in `~` (which GitLab
    /// skips) and is made non-executable (which Gitea and Forgejo skip).
    fn free_backup(&self) -> PathBuf {
        let tilde = if self.dropin { "~" } else { "" };
        (0..)
            .map(|i| {
                self.dir.join(if i == 0 {
                    format!("{}.pushgate-backup{tilde}", self.file)
                } else {
                    format!("{}.pushgate-backup.{i}{tilde}", self.file)
                })
            })
            .find(|p| !p.exists())
            .unwrap_or_else(|| self.dir.join(format!("{}.pushgate-backup{tilde}", self.file)))
    }
}

/// What to install.
#[derive(Debug, Clone)]
pub(crate) struct Request {
    /// Which hook.
    pub(crate) kind: HookKind,
    /// The pushgate binary the hook runs (absolute).
    pub(crate) binary: PathBuf,
    /// A policy file the hook passes with `--policy` (absolute).
    pub(crate) policy: Option<PathBuf>,
    /// A baseline file the hook passes with `--baseline` (absolute).
    pub(crate) baseline: Option<PathBuf>,
    /// Keep an existing hook and run it first.
    pub(crate) chain: bool,
    /// Replace an existing hook, keeping a backup.
    pub(crate) force: bool,
    /// The command that installs this hook again, without `--chain` or `--force` (shown when
    /// the binary has gone).
    pub(crate) reinstall: String,
}

/// What was done.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Installed {
    /// A new hook.
    Wrote(PathBuf),
    /// The same hook was there already.
    Unchanged(PathBuf),
    /// pushgate's hook was there, with another binary or other options: it now runs this one.
    Updated(PathBuf),
    /// The existing hook now runs first, from `previous`.
    Chained {
        /// The hook.
        path: PathBuf,
        /// Where the existing hook was moved.
        previous: PathBuf,
    },
    /// The existing hook (or the hook a chained install ran) was replaced and saved as
    /// `backup`.
    Replaced {
        /// The hook.
        path: PathBuf,
        /// The saved copy.
        backup: PathBuf,
    },
}

/// What `uninstall` did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Uninstalled {
    /// There was no hook.
    Absent(PathBuf),
    /// pushgate's hook was removed; `backups` are hooks an earlier `--force` replaced, left
    /// where they are.
    Removed {
        /// The hook.
        path: PathBuf,
        /// The `--force` backups found beside it.
        backups: Vec<PathBuf>,
    },
    /// pushgate's chained hook was removed and the previous hook put back.
    Restored {
        /// The hook.
        path: PathBuf,
        /// Where the previous hook was kept.
        from: PathBuf,
    },
}

/// The install could not be done.
#[derive(Debug, thiserror::Error)]
pub enum InstallError {
    /// A different hook is there, and neither `--chain` nor `--force` was given.
    #[error("{} exists and is not this pushgate hook; nothing was changed.\n{}", path.display(), exists_advice(dropin.as_deref()))]
    Exists {
        /// The hook.
        path: PathBuf,
        /// A drop-in directory beside it that the hook there probably runs.
        dropin: Option<PathBuf>,
    },
    /// `--chain` and `--force` together.
    #[error("--chain and --force exclude each other: keep the existing hook, or replace it")]
    Conflict,
    /// `--chain` into a drop-in directory.
    #[error(
        "--chain does not apply to {}: every hook in a drop-in directory runs already",
        dir.display()
    )]
    ChainInDropin {
        /// The directory.
        dir: PathBuf,
    },
    /// `--chain` when the chained hook's place is taken.
    #[error("{} exists already (an earlier --chain?); move it away first", path.display())]
    ChainTaken {
        /// The place.
        path: PathBuf,
    },
    /// `install pre-commit` into a bare repository, where no commit is ever made.
    #[error(
        "{} is a bare repository: no commit is made there, so a pre-commit hook would never run; install it in a clone with a work tree",
        repo.display()
    )]
    PreCommitInBare {
        /// The repository.
        repo: PathBuf,
    },
    /// `uninstall` of a hook pushgate did not write.
    #[error("{} is not a pushgate hook; nothing was changed", path.display())]
    NotOurs {
        /// The hook.
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

impl InstallError {
    /// The exit status: 2 for a refusal caused by what the user asked for, 3 for the file
    /// system's failures.
    pub(crate) fn exit_code(&self) -> u8 {
        match self {
            InstallError::Io { .. } => crate::error::exit::INTERNAL,
            _ => crate::error::exit::USAGE,
        }
    }
}

fn exists_advice(dropin: Option<&Path>) -> String {
    match dropin {
        Some(dir) => format!(
            "  It looks like a platform's dispatcher (Gitea and Forgejo write one, and rewrite it) that runs\n  every hook in {}: install pushgate there instead, with --hooks-dir {}",
            dir.display(),
            quote(dir)
        ),
        None => "  --chain  keep it and run it before pushgate (both must pass)\n  --force  replace it (a backup is kept next to it)".to_owned(),
    }
}

fn io(context: impl Into<String>) -> impl FnOnce(std::io::Error) -> InstallError {
    let context = context.into();
    move |source| InstallError::Io { context, source }
}

/// The directory git runs hooks from: `core.hooksPath` if set (relative to where hooks run:
/// the work tree, or the git directory of a bare repository), else `hooks/` in the common git
/// directory, which every work tree of a clone shares.
pub(crate) fn hooks_dir(repo: &gix::Repository) -> PathBuf {
    match repo.config_snapshot().string("core.hooksPath") {
        Some(p) => {
            let p = p.to_string();
            let home = std::env::var_os("HOME").filter(|h| !h.is_empty());
            let p = match (p.strip_prefix("~/"), home) {
                (Some(rest), Some(home)) => PathBuf::from(home).join(rest),
                _ => PathBuf::from(p),
            };
            if p.is_absolute() {
                p
            } else {
                repo.workdir().unwrap_or_else(|| repo.git_dir()).join(p)
            }
        }
        None => repo.common_dir().join("hooks"),
    }
}

/// Which kind of pushgate script a hook is, read from its header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ours {
    Plain,
    Chained,
}

/// The header line every script pushgate writes carries.
const MARK: &str = "written by `pushgate install";

fn ours(text: &[u8]) -> Option<Ours> {
    let text = String::from_utf8_lossy(text);
    let mut lines = text.lines();
    if !lines.next().is_some_and(|l| l.starts_with("#!")) {
        return None;
    }
    let header = lines.next()?;
    if !header.starts_with("# ") || !header.contains(MARK) {
        return None;
    }
    Some(if header.contains("`pushgate install --chain`") {
        Ours::Chained
    } else {
        Ours::Plain
    })
}

fn read_existing(path: &Path) -> Result<Option<Vec<u8>>, InstallError> {
    match std::fs::read(path) {
        Ok(bytes) => Ok(Some(bytes)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(io(format!("reading {}", path.display()))(e)),
    }
}

/// The directory made absolute and free of `..` and links, so that the paths written into a
/// script hold from any working directory.
fn resolved(dir: &Path) -> Result<PathBuf, InstallError> {
    std::fs::create_dir_all(dir).map_err(io(format!("creating {}", dir.display())))?;
    std::fs::canonicalize(dir).map_err(io(format!("resolving {}", dir.display())))
}

/// Install the hook into `target`.
pub(crate) fn install(target: &Target, request: &Request) -> Result<Installed, InstallError> {
    if request.chain && request.force {
        return Err(InstallError::Conflict);
    }
    if request.chain && target.dropin {
        return Err(InstallError::ChainInDropin {
            dir: target.dir.clone(),
        });
    }
    let target = Target {
        dir: resolved(&target.dir)?,
        ..target.clone()
    };
    let path = target.path();
    let previous = target.chained();
    let plain = script(request, None);
    let chained = script(request, Some(&previous));
    let Some(existing) = read_existing(&path)? else {
        write_hook(&path, &plain)?;
        return Ok(Installed::Wrote(path));
    };
    let rewrite = |text: &str| -> Result<Installed, InstallError> {
        if existing == text.as_bytes() {
            return Ok(Installed::Unchanged(path.clone()));
        }
        write_hook(&path, text)?;
        Ok(Installed::Updated(path.clone()))
    };
    match ours(&existing) {
        Some(Ours::Chained) if request.force => {
            if !previous.exists() {
                return rewrite(&plain);
            }
            let backup = target.free_backup();
            std::fs::rename(&previous, &backup).map_err(io(format!("backing up {}", previous.display())))?;
            write_hook(&path, &plain)?;
            Ok(Installed::Replaced { path, backup })
        }
        Some(Ours::Chained) => rewrite(&chained),
        Some(Ours::Plain) => rewrite(&plain),
        None if request.chain => {
            if previous.exists() {
                return Err(InstallError::ChainTaken { path: previous });
            }
            std::fs::rename(&path, &previous).map_err(io(format!("moving {} aside", path.display())))?;
            write_hook(&path, &chained)?;
            Ok(Installed::Chained { path, previous })
        }
        None if request.force => {
            let backup = target.free_backup();
            std::fs::rename(&path, &backup).map_err(io(format!("backing up {}", path.display())))?;
            if target.dropin {
                set_mode(&backup, 0o644)?;
            }
            write_hook(&path, &plain)?;
            Ok(Installed::Replaced { path, backup })
        }
        None => {
            let dropin = target.dir.join(format!("{}.d", target.file));
            Err(InstallError::Exists {
                path,
                dropin: (!target.dropin && dropin.is_dir()).then_some(dropin),
            })
        }
    }
}

/// Take pushgate's hook out of `target`: a chained install puts the previous hook back as it
/// was; a hook pushgate did not write is left alone.
pub(crate) fn uninstall(target: &Target) -> Result<Uninstalled, InstallError> {
    let path = target.path();
    let Some(existing) = read_existing(&path)? else {
        return Ok(Uninstalled::Absent(path));
    };
    let previous = target.chained();
    match ours(&existing) {
        None => Err(InstallError::NotOurs { path }),
        Some(Ours::Chained) if previous.exists() => {
            std::fs::rename(&previous, &path).map_err(io(format!("restoring {}", previous.display())))?;
            Ok(Uninstalled::Restored { path, from: previous })
        }
        Some(_) => {
            std::fs::remove_file(&path).map_err(io(format!("removing {}", path.display())))?;
            Ok(Uninstalled::Removed {
                path,
                backups: target.backups(),
            })
        }
    }
}

/// The hook script; with `previous`, one that runs the previous hook first on the same input.
/// Before anything else it checks that the binary is still there: if not, the hook fails
/// with one line that names it and the command to install the hook again.
fn script(request: &Request, previous: Option<&Path>) -> String {
    let name = request.kind.name();
    let mut command = format!("\"$pushgate\" {name}");
    if let Some(policy) = &request.policy {
        command.push_str(&format!(" --policy {}", quote(policy)));
    }
    if let Some(baseline) = &request.baseline {
        command.push_str(&format!(" --baseline {}", quote(baseline)));
    }
    command.push_str(" \"$@\"");
    let again = format!(
        "{} {}",
        request.reinstall,
        if previous.is_some() { "--chain" } else { "--force" }
    );
    let missing = |what: &str, fix: &str| {
        let line = format!("pushgate: cannot run the {name} hook: {what}; {fix}");
        format!(
            "  gl=; [ -z \"$GL_ID$GL_PROTOCOL\" ] || gl='GL-HOOK-ERR: '\n  printf '%s%s\\n' \"$gl\" {} >&2\n  exit 1\n",
            crate::util::shell_quote(&line)
        )
    };
    let check_binary = format!(
        "if [ ! -x \"$pushgate\" ]; then\n{}fi\n",
        missing(
            &format!("{} is missing", request.binary.display()),
            &format!("to reinstall it: {again}")
        )
    );
    match previous {
        None => format!(
            "#!/bin/sh\n# {name} hook written by `pushgate install`; `pushgate uninstall {name}` removes it.\npushgate={}\n{check_binary}exec {command}\n",
            quote(&request.binary)
        ),
        Some(previous) => format!(
            "#!/bin/sh\n# {name} hook written by `pushgate install --chain`: runs the previous hook, then pushgate, on the same\n# input; both must pass. `pushgate uninstall {name}` puts the previous hook back.\npushgate={}\nprevious={}\n{check_binary}if [ ! -x \"$previous\" ]; then\n{}fi\ninput=$(mktemp \"${{TMPDIR:-/tmp}}/pushgate-hook.XXXXXX\") || exit 1\ntrap 'rm -f \"$input\"' EXIT\ncat >\"$input\"\n\"$previous\" \"$@\" <\"$input\" || exit $?\n{command} <\"$input\"\n",
            quote(&request.binary),
            quote(previous),
            missing(
                &format!("the previous hook {} is missing", previous.display()),
                &format!("put it back, or run it no more: {} --force", request.reinstall)
            ),
        ),
    }
}

/// Write `text` to `path` as an executable script, in one step: git never runs a half-written
/// hook.
fn write_hook(path: &Path, text: &str) -> Result<(), InstallError> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut file = tempfile::Builder::new()
        .prefix(".pushgate-hook-")
        .tempfile_in(dir)
        .map_err(io(format!("writing into {}", dir.display())))?;
    std::io::Write::write_all(&mut file, text.as_bytes()).map_err(io(format!("writing {}", path.display())))?;
    set_mode(file.path(), 0o755)?;
    file.persist(path)
        .map_err(|e| io(format!("writing {}", path.display()))(e.error))?;
    Ok(())
}

fn set_mode(path: &Path, mode: u32) -> Result<(), InstallError> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
            .map_err(io(format!("setting the mode of {}", path.display())))?;
    }
    #[cfg(not(unix))]
    let _ = (path, mode);
    Ok(())
}

/// Single-quote a path for `/bin/sh`.
fn quote(p: &Path) -> String {
    crate::util::shell_quote(p.display().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(binary: &str) -> Request {
        Request {
            kind: HookKind::PreReceive,
            binary: binary.into(),
            policy: None,
            baseline: None,
            chain: false,
            force: false,
            reinstall: "pushgate install pre-receive --repo '/srv/x.git'".into(),
        }
    }

    #[test]
    fn scripts_are_recognised_by_their_header() {
        let r = request("/a/pushgate");
        assert_eq!(ours(script(&r, None).as_bytes()), Some(Ours::Plain));
        assert_eq!(
            ours(script(&r, Some(Path::new("/h/pre-receive.pushgate-chained"))).as_bytes()),
            Some(Ours::Chained)
        );
        // What earlier versions wrote.
        assert_eq!(
            ours(b"#!/bin/sh\n# pre-receive hook written by `pushgate install`.\nexec '/x' pre-receive \"$@\"\n"),
            Some(Ours::Plain)
        );
        assert_eq!(ours(b"#!/bin/sh\nexit 0\n"), None);
        assert_eq!(ours(b"#!/bin/sh\necho '# written by `pushgate install`'\n"), None);
    }

    #[test]
    fn a_quoted_path_survives_the_shell() {
        let r = request("/o'dd dir/pushgate");
        let text = script(&r, None);
        assert!(text.contains(r"pushgate='/o'\''dd dir/pushgate'"), "{text}");
    }

    #[cfg(unix)]
    #[test]
    fn in_a_drop_in_directory_a_backup_is_never_run_and_nothing_is_chained() {
        use std::os::unix::fs::PermissionsExt;
        let tmp = tempfile::tempdir().expect("tempdir");
        let dir = tmp.path().join("pre-receive.d");
        let target = Target::in_dir(dir.clone(), HookKind::PreReceive);
        std::fs::create_dir_all(&dir).expect("mkdir");
        write_hook(&dir.join("pushgate"), "#!/bin/sh\nexit 0\n").expect("theirs");
        let chain = Request {
            chain: true,
            ..request("/a/pushgate")
        };
        assert!(matches!(
            install(&target, &chain),
            Err(InstallError::ChainInDropin { .. })
        ));
        let force = Request {
            force: true,
            ..request("/a/pushgate")
        };
        let Ok(Installed::Replaced { backup, .. }) = install(&target, &force) else {
            panic!("replaced");
        };
        assert!(
            backup.to_string_lossy().ends_with("pushgate.pushgate-backup~"),
            "{backup:?}"
        );
        let mode = std::fs::metadata(&backup).expect("backup").permissions().mode();
        assert_eq!(mode & 0o111, 0, "the backup is not executable");
        assert!(matches!(
            install(&target, &request("/b/pushgate")),
            Ok(Installed::Updated(_))
        ));
        assert!(
            matches!(uninstall(&target), Ok(Uninstalled::Removed { backups, .. }) if backups == vec![backup.clone()])
        );
        assert!(matches!(uninstall(&target), Ok(Uninstalled::Absent(_))));
        std::fs::write(dir.join("pushgate"), "#!/bin/sh\n").expect("theirs");
        assert!(matches!(uninstall(&target), Err(InstallError::NotOurs { .. })));
    }

    #[test]
    fn drop_in_directories_get_a_script_called_pushgate() {
        let t = Target::in_dir("/r.git/custom_hooks/pre-receive.d".into(), HookKind::PreReceive);
        assert!(t.dropin);
        assert_eq!(t.path(), Path::new("/r.git/custom_hooks/pre-receive.d/pushgate"));
        let t = Target::in_dir("/r.git/hooks".into(), HookKind::PrePush);
        assert!(!t.dropin);
        assert_eq!(t.file, "pre-push");
    }
}
