//! Progress of long runs (the audit, whole-history scans) as the engine reports it: commits
//! walked, blobs read and their bytes, then the steps that read the history after the walk.
//! The binary draws it; the library only reports.

/// Where the engine reports progress. Every method does nothing by default, so a sink draws
/// only what it wants; the walk and the blob reader report from different threads.
pub trait Progress: Sync {
    /// `n` more commits to walk.
    fn add_commits(&self, _n: u64) {}
    /// One commit walked.
    fn commit(&self) {}
    /// One blob read, of `bytes` bytes.
    fn blob(&self, _bytes: u64) {}
    /// A message for people, above any bars.
    fn phase(&self, _message: &str) {}
    /// The phase after the walk starts: `steps` steps under `prefix` (`history`), the first
    /// one `message`.
    fn steps(&self, _prefix: &str, _steps: u64, _message: &str) {}
    /// One step of the phase done; the next is `message`.
    fn step(&self, _message: &str) {}
    /// The run is over: remove whatever was drawn.
    fn finish(&self) {}
}

/// Reports nowhere: hooks, tests, and runs that draw nothing.
#[derive(Debug, Clone, Copy, Default)]
pub struct Silent;

impl Progress for Silent {}
