//! The memory allocator's settings for whole-history walks (`audit`, `index`).
//!
//! glibc's allocator gives a freed block back to the system only when it was mapped on its own
//! (blocks of at least its mapping threshold) or lies at the top of its arena. By default that
//! threshold grows with the largest block freed so far, up to 32 MiB: once a walk frees a large
//! table, every block below that size comes from the arenas (one per thread), and what the walk's
//! threads freed stays in the process. A walk of git/git then peaked anywhere between 720 and
//! 960 MiB from one run to the next. With the threshold fixed at 1 MiB (and the arenas' tops
//! trimmed past 16 MiB free), large tables are mapped on their own and given back when freed:
//! the same walk peaks at about 620 MiB every run, with no more page faults.
//!
//! glibc reads these settings (`GLIBC_TUNABLES`) when a process starts, and the crate has no
//! `unsafe` code to call `mallopt`: so the process runs itself again, once, with them set,
//! unless `GLIBC_TUNABLES` is set already (the user's choice, or this process's own run). Where
//! the re-run cannot start, the walk runs with the allocator as it is.

/// The settings: blocks of 1 MiB and more mapped on their own, an arena's top trimmed once
/// 16 MiB of it are free.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
const TUNABLES: &str = "glibc.malloc.mmap_threshold=1048576:glibc.malloc.trim_threshold=16777216";

/// Run this process again with [`TUNABLES`], unless `GLIBC_TUNABLES` is set already. Returns
/// only when it does not (or cannot) run again.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
pub fn tune() {
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
pub fn tune() {}
