//! The memory allocator's settings for whole-history walks (`audit`, `index`).
//!
//! glibc's allocator gives a freed block back to the system only when it was mapped on its own
//! (blocks of at least its mapping threshold) or lies at the top of its arena. By default that
//! threshold grows with the largest block freed so far, up to 32 MiB: once a walk frees a large
//! table, every block below that size comes from the arenas (one per thread), and what the walk's
//! threads freed stays in the process. Small blocks freed go to "fast bins", kept apart and not
//! merged with their free neighbours: a walk frees millions of small blocks, many on threads
//! other than the ones that made them, and how many sit in fast bins when larger blocks are
//! wanted depends on how the threads were scheduled. An audit of git/git's whole history peaked
//! anywhere between 720 and 960 MiB from one run to the next. With the threshold fixed at 1 MiB
//! (and an arena's top trimmed once 16 MiB of it are free), large tables are mapped on their own
//! and given back when freed; without fast bins, small blocks are merged as they are freed. The
//! same audit then peaks at 547–561 MiB in every run.
//!
//! glibc reads these settings (`GLIBC_TUNABLES`) when a process starts, and the crate has no
//! `unsafe` code to call `mallopt`: so the process runs itself again, once, with them set,
//! unless `GLIBC_TUNABLES` is set already (the user's choice, or this process's own run). Where
//! the re-run cannot start, the walk runs with the allocator as it is.

/// The settings: blocks of 1 MiB and more mapped on their own, an arena's top trimmed once
/// 16 MiB of it are free, no fast bins.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
const TUNABLES: &str = "glibc.malloc.mmap_threshold=1048576:glibc.malloc.trim_threshold=16777216:glibc.malloc.mxfast=0";

/// Run this process again with [`TUNABLES`], unless `GLIBC_TUNABLES` is set already. Returns
/// only when it does not (or cannot) run again.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
pub(crate) fn tune() {
    use std::os::unix::process::CommandExt;
    if std::env::var_os("GLIBC_TUNABLES").is_some() {
        return;
    }
    let Ok(binary) = std::env::current_exe() else {
        return;
    };
    let mut args = std::env::args_os();
    let mut again = std::process::Command::new(binary);
    if let Some(name) = args.next() {
        again.arg0(name);
    }
    again.args(args).env("GLIBC_TUNABLES", TUNABLES);
    // `exec` returns only when the process could not be replaced: go on as it is.
    let _ = again.exec();
}

/// Other systems' allocators are left as they are.
#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
pub(crate) fn tune() {}
