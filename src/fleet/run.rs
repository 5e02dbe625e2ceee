//! Auditing the fleet: each repository in a child process of the same binary (`pushgate audit
//! --repo <path> --format json`), at most `jobs` at a time, each within its timeout. A child
//! that fails, crashes, hangs or runs out of memory is recorded as failed with its reason, and
//! the others go on.
//!
//! The parent waits on the children's standard error: a reader thread per child keeps its last
//! lines and says when it closed, which is when the child ends, so a finished audit is noticed
//! at once and the next one starts; a child still running at its deadline is killed.

use std::fs::File;
use std::io::{self, Read, Write};
use std::path::PathBuf;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use serde::Deserialize;
use serde_json::value::RawValue;

use super::Member;
use super::discover::is_repository;
use super::result::{self, Completion, Envelope, Tool};
use crate::error::Error;
use crate::util::sanitize;

/// How to audit the fleet.
#[derive(Debug, Clone)]
pub struct Options {
    /// The pushgate binary the children run (this one).
    pub binary: PathBuf,
    /// `--policy` for every audit; `None`: each repository's own lookup.
    pub policy: Option<PathBuf>,
    /// `--include-unreachable` for every audit.
    pub include_unreachable: bool,
    /// Where the results go, one file per repository.
    pub results: PathBuf,
    /// Audits at a time (at least 1).
    pub jobs: usize,
    /// How long one audit may take; `None`: no limit.
    pub timeout: Option<Duration>,
    /// Leave repositories whose last audit failed alone too (by default they are retried).
    pub skip_failed: bool,
    /// A line on standard error per repository audited.
    pub progress: bool,
}

/// What a run will do: the repositories to audit, and those a previous run finished.
#[derive(Debug, Default)]
pub(crate) struct Plan {
    /// To audit.
    pub(crate) todo: Vec<Member>,
    /// Left alone: their result is `ok`.
    pub(crate) done: usize,
    /// Left alone: their result is `failed`, and failures are not retried.
    pub(crate) failed_before: usize,
}

/// How a run went.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct Counts {
    /// Audits that finished.
    pub(crate) ok: usize,
    /// Audits that did not.
    pub(crate) failed: usize,
}

/// The variables that point git at a repository: the children audit `--repo`, and nothing the
/// parent's environment (a hook's, a CI job's) says about another one.
const LOCATION_VARIABLES: [&str; 8] = [
    "GIT_DIR",
    "GIT_WORK_TREE",
    "GIT_INDEX_FILE",
    "GIT_OBJECT_DIRECTORY",
    "GIT_ALTERNATE_OBJECT_DIRECTORIES",
    "GIT_NAMESPACE",
    "GIT_QUARANTINE_PATH",
    "GIT_COMMON_DIR",
];

/// Bytes of a child's standard error kept (its end, where the error is).
const STDERR_KEPT: usize = 16 * 1024;

/// Characters of a reason kept.
const REASON_CHARS: usize = 400;

/// How long a child that has exited may keep its standard error open (a process it started
/// holds it): then it is concluded without the rest.
const STDERR_GRACE: Duration = Duration::from_secs(1);

/// Which repositories to audit: those without a result, or whose result is `failed` (unless
/// `skip_failed`).
pub(crate) fn plan(members: Vec<Member>, options: &Options) -> Plan {
    let mut plan = Plan::default();
    for member in members {
        let path = options.results.join(result::file_name(&member));
        match result::read_head(&path).filter(|head| head.repository == member.key) {
            Some(head) if head.status == Completion::Ok => plan.done += 1,
            Some(_) if options.skip_failed => plan.failed_before += 1,
            _ => plan.todo.push(member),
        }
    }
    plan
}

/// One audit under way.
struct Running {
    /// Its number, for the reader thread's messages.
    id: usize,
    member: Member,
    /// The result file.
    target: PathBuf,
    /// The child's standard output: the report.
    report: PathBuf,
    child: Child,
    started: Instant,
    started_at: jiff::Timestamp,
    deadline: Option<Instant>,
    /// Its standard error, once closed.
    stderr: Option<Vec<u8>>,
    /// Its exit status, and when it was seen.
    exited: Option<(ExitStatus, Instant)>,
}

/// How an audit ended.
enum End {
    /// It exited.
    Exited(ExitStatus, Vec<u8>),
    /// It was still running at its deadline, and was killed.
    TimedOut(Duration),
    /// It could not be started, or the path is no repository.
    NotRun(String),
}

/// Audit `todo`, writing each result into the results folder, and say on `err` how each went
/// (when `options.progress`).
pub(crate) fn execute(todo: Vec<Member>, options: &Options, err: &mut dyn Write) -> Result<Counts, Error> {
    std::fs::create_dir_all(&options.results).map_err(|source| Error::File {
        what: format!(
            "cannot create the results folder {}",
            sanitize(options.results.as_os_str().as_encoded_bytes())
        ),
        source,
    })?;
    let total = todo.len();
    let mut counts = Counts::default();
    let mut queue = todo.into_iter().enumerate();
    let mut running: Vec<Running> = Vec::new();
    let (sender, receiver) = mpsc::channel::<(usize, Vec<u8>)>();
    let outcome = (|| -> Result<(), Error> {
        loop {
            while running.len() < options.jobs.max(1) {
                let Some((id, member)) = queue.next() else {
                    break;
                };
                let target = options.results.join(result::file_name(&member));
                let started_at = jiff::Timestamp::now();
                match start(id, member, target, options, &sender)? {
                    Ok(r) => running.push(r),
                    Err((member, target, why)) => {
                        let done = counts.ok + counts.failed + 1;
                        conclude(
                            &member,
                            &target,
                            None,
                            started_at,
                            Instant::now(),
                            End::NotRun(why),
                            options,
                            &mut counts,
                            (done, total),
                            err,
                        )?;
                    }
                }
            }
            if running.is_empty() {
                return Ok(());
            }
            let now = Instant::now();
            let wait = running.iter().map(|r| next_look(r, now)).min().unwrap_or_default();
            if let Ok(message) = receiver.recv_timeout(wait) {
                closed(&mut running, message);
            }
            while let Ok(message) = receiver.try_recv() {
                closed(&mut running, message);
            }
            let mut i = 0;
            while let Some(r) = running.get_mut(i) {
                let now = Instant::now();
                if r.exited.is_none()
                    && let Some(status) = r
                        .child
                        .try_wait()
                        .map_err(|e| io_error("cannot wait for an audit", e))?
                {
                    r.exited = Some((status, now));
                }
                let end = match (&r.exited, &r.deadline) {
                    (Some((status, at)), _) if r.stderr.is_some() || now.duration_since(*at) >= STDERR_GRACE => {
                        Some(End::Exited(*status, r.stderr.take().unwrap_or_default()))
                    }
                    (None, Some(deadline)) if now >= *deadline => {
                        // Killing a child that has just exited fails harmlessly.
                        let _ = r.child.kill();
                        let _ = r.child.wait();
                        Some(End::TimedOut(options.timeout.unwrap_or_default()))
                    }
                    _ => None,
                };
                let Some(end) = end else {
                    i += 1;
                    continue;
                };
                let r = running.remove(i);
                let done = counts.ok + counts.failed + 1;
                conclude(
                    &r.member,
                    &r.target,
                    Some(&r.report),
                    r.started_at,
                    r.started,
                    end,
                    options,
                    &mut counts,
                    (done, total),
                    err,
                )?;
            }
        }
    })();
    // Whatever stopped the run (a results folder that cannot be written), no audit outlives it.
    for mut r in running {
        let _ = r.child.kill();
        let _ = r.child.wait();
        let _ = std::fs::remove_file(&r.report);
    }
    outcome.map(|()| counts)
}

/// How long to wait before looking at `r` again.
fn next_look(r: &Running, now: Instant) -> Duration {
    match (&r.exited, &r.stderr) {
        // Exited; its standard error is being read to the end.
        (Some(_), None) => Duration::from_millis(5),
        // Its standard error closed: it is exiting.
        (None, Some(_)) => Duration::from_millis(1),
        // Running: until its deadline, looking every second (a child whose standard error a
        // process it started keeps open ends without saying so).
        _ => r
            .deadline
            .map_or(Duration::MAX, |d| d.saturating_duration_since(now))
            .min(Duration::from_secs(1)),
    }
}

/// A reader thread's message: child `id`'s standard error closed, with its last bytes.
fn closed(running: &mut [Running], (id, bytes): (usize, Vec<u8>)) {
    if let Some(r) = running.iter_mut().find(|r| r.id == id) {
        r.stderr = Some(bytes);
    }
}

/// An I/O failure of the parent itself.
fn io_error(what: &str, source: io::Error) -> Error {
    Error::File {
        what: what.to_owned(),
        source,
    }
}

/// Start `member`'s audit; `Ok(Err(…))` when it cannot be (the path is no repository, the
/// binary cannot be run): a failed result, not the run's end.
#[allow(clippy::type_complexity)]
fn start(
    id: usize,
    member: Member,
    target: PathBuf,
    options: &Options,
    sender: &mpsc::Sender<(usize, Vec<u8>)>,
) -> Result<Result<Running, (Member, PathBuf, String)>, Error> {
    if !member.path.is_dir() {
        let why = if member.path.exists() {
            "not a git repository (not a directory)"
        } else {
            "not a git repository (no such directory)"
        };
        return Ok(Err((member, target, why.to_owned())));
    }
    if !is_repository(&member.path) {
        return Ok(Err((
            member,
            target,
            "not a git repository (neither a work tree with .git nor a git directory with HEAD, objects/ and refs/)"
                .to_owned(),
        )));
    }
    let report = result::temporary(&target, "out");
    let stdout = File::create(&report).map_err(|source| Error::File {
        what: format!(
            "cannot write into the results folder ({})",
            sanitize(report.as_os_str().as_encoded_bytes())
        ),
        source,
    })?;
    let mut command = Command::new(&options.binary);
    command.arg("audit").arg("--repo").arg(&member.path).args([
        "--format",
        "json",
        "--progress",
        "never",
        "--color",
        "never",
    ]);
    if let Some(policy) = &options.policy {
        command.arg("--policy").arg(policy);
    }
    if options.include_unreachable {
        command.arg("--include-unreachable");
    }
    for variable in LOCATION_VARIABLES {
        command.env_remove(variable);
    }
    command.stdin(Stdio::null()).stdout(stdout).stderr(Stdio::piped());
    let started = Instant::now();
    let mut child = match command.spawn() {
        Ok(child) => child,
        Err(e) => {
            let _ = std::fs::remove_file(&report);
            return Ok(Err((member, target, format!("cannot start the audit: {e}"))));
        }
    };
    if let Some(mut stderr) = child.stderr.take() {
        let sender = sender.clone();
        std::thread::spawn(move || {
            let mut kept: Vec<u8> = Vec::new();
            let mut buffer = [0u8; 4096];
            loop {
                match stderr.read(&mut buffer) {
                    Ok(0) => break,
                    Ok(n) => {
                        kept.extend_from_slice(buffer.get(..n).unwrap_or_default());
                        if kept.len() > 2 * STDERR_KEPT {
                            kept.drain(..kept.len() - STDERR_KEPT);
                        }
                    }
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                    Err(_) => break,
                }
            }
            // The run may have ended: nobody listens any more.
            let _ = sender.send((id, kept));
        });
    }
    Ok(Ok(Running {
        id,
        member,
        target,
        report,
        child,
        started,
        started_at: jiff::Timestamp::now(),
        deadline: options.timeout.map(|t| started + t),
        stderr: None,
        exited: None,
    }))
}

/// The audit's document, as far as a result needs to know it is one.
#[derive(Deserialize)]
struct Probe {
    #[allow(dead_code)]
    version: u32,
    #[allow(dead_code)]
    audit: serde::de::IgnoredAny,
}

/// Write `member`'s result, count it, and say how it went.
#[allow(clippy::too_many_arguments)]
fn conclude(
    member: &Member,
    target: &std::path::Path,
    report: Option<&std::path::Path>,
    started_at: jiff::Timestamp,
    started: Instant,
    end: End,
    options: &Options,
    counts: &mut Counts,
    (done, total): (usize, usize),
    err: &mut dyn Write,
) -> Result<(), Error> {
    let took = started.elapsed();
    let text = match (&end, report) {
        (End::Exited(status, _), Some(path)) if matches!(status.code(), Some(0 | 1)) => std::fs::read(path).ok(),
        _ => None,
    };
    if let Some(path) = report {
        let _ = std::fs::remove_file(path);
    }
    let document: Option<&RawValue> = text.as_deref().and_then(|t| serde_json::from_slice(t).ok());
    let readable = text
        .as_deref()
        .map(|t| serde_json::from_slice::<Probe>(t).map_err(|e| e.to_string()));
    let (status, reason, exit_code) = match (&end, readable) {
        (End::Exited(status, _), Some(Ok(_))) if document.is_some() => (Completion::Ok, None, status.code()),
        (End::Exited(status, _), Some(Err(e))) => (
            Completion::Failed,
            Some(format!("the audit's report is not an audit's JSON document: {e}")),
            status.code(),
        ),
        (End::Exited(status, stderr), _) => (Completion::Failed, Some(failure(*status, stderr)), status.code()),
        (End::TimedOut(limit), _) => (
            Completion::Failed,
            Some(format!("timed out after {}; the audit was stopped", duration(*limit))),
            None,
        ),
        (End::NotRun(why), _) => (Completion::Failed, Some(why.clone()), None),
    };
    let reason = reason.map(|r| clip(&sanitize(r.as_bytes())));
    let envelope = Envelope {
        kind: result::KIND,
        version: result::VERSION,
        tool: Tool::this(),
        repository: &member.key,
        path: member.path.to_string_lossy().into_owned(),
        status,
        reason: reason.as_deref(),
        exit_code,
        started: seconds(started_at),
        finished: seconds(jiff::Timestamp::now()),
        duration_ms: u64::try_from(took.as_millis()).unwrap_or(u64::MAX),
        report: if status == Completion::Ok { document } else { None },
    };
    result::write(target, &envelope).map_err(|source| Error::File {
        what: format!(
            "cannot write the result {}",
            sanitize(target.as_os_str().as_encoded_bytes())
        ),
        source,
    })?;
    match status {
        Completion::Ok => counts.ok += 1,
        Completion::Failed => counts.failed += 1,
    }
    if options.progress {
        let key = sanitize(member.key.as_bytes());
        match &reason {
            None => writeln!(err, "pushgate: [{done}/{total}] ok     {key} ({})", duration(took))?,
            Some(why) => writeln!(
                err,
                "pushgate: [{done}/{total}] failed {key} ({}): {why}",
                duration(took)
            )?,
        }
    }
    Ok(())
}

/// Why a child that exited did not finish its audit: the error it printed (`pushgate: error:
/// …`), a panic's message, its last line, or its exit status.
fn failure(status: ExitStatus, stderr: &[u8]) -> String {
    let text = String::from_utf8_lossy(stderr);
    let lines: Vec<&str> = text.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
    let said = lines
        .iter()
        .rev()
        .find_map(|l| l.strip_prefix("pushgate: error: "))
        .map(str::to_owned)
        .or_else(|| {
            let at = lines.iter().position(|l| l.contains("panicked at"))?;
            let message = lines.get(at + 1).copied().unwrap_or_default();
            Some(format!("crashed: {message}"))
        })
        .or_else(|| lines.last().map(|l| (*l).to_owned()));
    let how = exit(status);
    match said {
        Some(said) => format!("{said} ({how})"),
        None => how,
    }
}

/// `exit status 3`, `killed by signal 9 (SIGKILL: out of memory, or killed)`.
fn exit(status: ExitStatus) -> String {
    if let Some(code) = status.code() {
        return format!("exit status {code}");
    }
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if let Some(signal) = status.signal() {
            let name = match signal {
                4 => "SIGILL",
                6 => "SIGABRT: aborted",
                7 => "SIGBUS",
                9 => "SIGKILL: out of memory, or killed",
                11 => "SIGSEGV: crashed",
                15 => "SIGTERM",
                _ => "",
            };
            return if name.is_empty() {
                format!("killed by signal {signal}")
            } else {
                format!("killed by signal {signal} ({name})")
            };
        }
    }
    status.to_string()
}

/// At most [`REASON_CHARS`] characters.
fn clip(text: &str) -> String {
    if text.chars().count() <= REASON_CHARS {
        return text.to_owned();
    }
    let mut kept: String = text.chars().take(REASON_CHARS).collect();
    kept.push('…');
    kept
}

/// RFC 3339, to the second.
fn seconds(t: jiff::Timestamp) -> String {
    jiff::Timestamp::from_second(t.as_second()).unwrap_or(t).to_string()
}

/// `12 ms`, `3.4 s`, `5.0 min`, `1.5 h`.
pub(crate) fn duration(d: Duration) -> String {
    let s = d.as_secs_f64();
    if s < 1.0 {
        format!("{} ms", d.as_millis())
    } else if s < 120.0 {
        format!("{} s", tenths(s))
    } else if s < 3600.0 {
        format!("{} min", tenths(s / 60.0))
    } else {
        format!("{} h", tenths(s / 3600.0))
    }
}

/// `5`, `1.5`: one decimal, none when it is 0.
fn tenths(n: f64) -> String {
    let text = format!("{n:.1}");
    text.strip_suffix(".0").map_or(text.clone(), str::to_owned)
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::process::ExitStatusExt;

    #[test]
    fn a_failure_says_what_the_child_said_and_how_it_ended() {
        let status = ExitStatus::from_raw(3 << 8);
        assert_eq!(
            failure(status, b"pushgate: error: cannot read pack x.pack: truncated\n"),
            "cannot read pack x.pack: truncated (exit status 3)"
        );
        let panicked =
            b"\nthread 'main' panicked at src/x.rs:1:1:\nindex out of bounds\nnote: run with `RUST_BACKTRACE=1`\n";
        assert_eq!(
            failure(ExitStatus::from_raw(101 << 8), panicked),
            "crashed: index out of bounds (exit status 101)"
        );
        assert_eq!(failure(status, b""), "exit status 3");
        assert_eq!(
            failure(ExitStatus::from_raw(9), b""),
            "killed by signal 9 (SIGKILL: out of memory, or killed)"
        );
        assert_eq!(
            failure(ExitStatus::from_raw(11), b""),
            "killed by signal 11 (SIGSEGV: crashed)"
        );
    }

    #[test]
    fn durations_read_well() {
        assert_eq!(duration(Duration::from_millis(12)), "12 ms");
        assert_eq!(duration(Duration::from_millis(3400)), "3.4 s");
        assert_eq!(duration(Duration::from_secs(1)), "1 s");
        assert_eq!(duration(Duration::from_secs(300)), "5 min");
        assert_eq!(duration(Duration::from_secs(330)), "5.5 min");
        assert_eq!(duration(Duration::from_secs(3600)), "1 h");
        assert_eq!(duration(Duration::from_secs(5400)), "1.5 h");
        assert_eq!(clip(&"x".repeat(500)).chars().count(), REASON_CHARS + 1);
    }
}
