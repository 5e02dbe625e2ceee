//! One repository's result: the audit's JSON document, as `pushgate audit --format json`
//! writes it, in an envelope that says which repository, whether the audit finished, and
//! when.
//!
//! ```json
//! {"kind": "pushgate-fleet-result", "version": 1,
//!  "tool": {"name": "pushgate", "version": "…"},
//!  "repository": "gitea/alice/scraper.git", "path": "/srv/git/gitea/alice/scraper.git",
//!  "status": "ok", "reason": null, "exit_code": 1,
//!  "started": "2026-12-01T10:00:00Z", "finished": "2026-12-01T10:00:01Z", "duration_ms": 812,
//!  "report": {"version": 1, "tool": {…}, "summary": {…}, "findings": […], "notices": […], "audit": {…}}}
//! ```
//!
//! A result file is written whole or not at all: to a temporary file beside it, then renamed.

use std::fs::File;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use super::Member;

/// What the envelope's `kind` says.
pub(crate) const KIND: &str = "pushgate-fleet-result";

/// The envelope's schema version.
pub(crate) const VERSION: u32 = 1;

/// Whether the audit of one repository finished: the envelope's `status`, `ok` or `failed`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Completion {
    /// It finished, findings or not: `report` holds its document.
    Ok,
    /// It did not (not a repository, corrupt, killed, timed out): `reason` says why.
    Failed,
}

/// The envelope, as written.
#[derive(Debug, Serialize)]
pub(crate) struct Envelope<'a> {
    /// [`KIND`].
    pub(crate) kind: &'static str,
    /// [`VERSION`].
    pub(crate) version: u32,
    /// The pushgate that wrote it.
    pub(crate) tool: Tool,
    /// The repository's key (the list's line, or its path below the folder).
    pub(crate) repository: &'a str,
    /// Where it was audited.
    pub(crate) path: String,
    /// Whether the audit finished.
    pub(crate) status: Completion,
    /// Why it did not.
    pub(crate) reason: Option<&'a str>,
    /// The audit's exit status (1: findings at a failing level); `null` when it was killed or
    /// never started.
    pub(crate) exit_code: Option<i32>,
    /// When the audit started and finished (RFC 3339, UTC).
    pub(crate) started: String,
    /// See `started`.
    pub(crate) finished: String,
    /// How long it took.
    pub(crate) duration_ms: u64,
    /// The audit's document, as it wrote it (`null` when it failed).
    pub(crate) report: Option<&'a RawValue>,
}

/// Which pushgate wrote a result.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Tool {
    /// `pushgate`.
    pub(crate) name: String,
    /// Its version.
    pub(crate) version: String,
}

impl Tool {
    /// This build.
    pub(crate) fn this() -> Tool {
        Tool {
            name: env!("CARGO_PKG_NAME").into(),
            version: env!("CARGO_PKG_VERSION").into(),
        }
    }
}

/// The first fields of a result, as read back (the report is checked, not kept).
#[derive(Debug, Deserialize)]
pub(crate) struct Head {
    /// Must be [`KIND`].
    pub(crate) kind: String,
    /// The repository's key.
    pub(crate) repository: String,
    /// Whether its audit finished.
    pub(crate) status: Completion,
}

/// Characters of a key a file name keeps (its end).
const KEPT: usize = 120;

/// The file that holds `member`'s result: its key with every character but letters, digits
/// and `.`, `_`, `-`, `@`, `+` made `_` (at most its last 120), a `-`, and ten hex digits of
/// the key's digest, which keep two keys that read alike apart:
/// `gitea_alice_scraper.git-6a1a40e770.json`.
pub(crate) fn file_name(member: &Member) -> String {
    let safe: Vec<char> = member
        .key
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '@' | '+') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let cut = safe.len().saturating_sub(KEPT);
    let mut tail: String = safe.iter().skip(cut).collect();
    // A cut key starts at a folder's name where it can.
    if cut > 0
        && let Some(at) = tail.find('_').filter(|&at| at + 1 < tail.len())
    {
        tail = tail.split_off(at + 1);
    }
    // A name never starts with a dot: temporary files do, and a hidden file is easy to miss.
    let tail = tail.trim_start_matches(['.', '_']);
    let tail = if tail.is_empty() { "repository" } else { tail };
    format!("{tail}-{}.json", member.digest().to_hex_with_len(10))
}

/// What the result file `path` says, when it is one of ours.
pub(crate) fn read_head(path: &Path) -> Option<Head> {
    let text = std::fs::read(path).ok()?;
    let head: Head = serde_json::from_slice(&text).ok()?;
    (head.kind == KIND).then_some(head)
}

/// Write `envelope` to `path` whole: into a temporary file beside it, flushed to disk, then
/// renamed over it.
pub(crate) fn write(path: &Path, envelope: &Envelope<'_>) -> io::Result<()> {
    let temporary = temporary(path, "tmp");
    let written = (|| {
        let mut file = io::BufWriter::new(File::create(&temporary)?);
        serde_json::to_writer_pretty(&mut file, envelope)?;
        writeln!(file)?;
        file.into_inner().map_err(io::IntoInnerError::into_error)?.sync_all()
    })();
    match written.and_then(|()| std::fs::rename(&temporary, path)) {
        Ok(()) => Ok(()),
        Err(e) => {
            let _ = std::fs::remove_file(&temporary);
            Err(e)
        }
    }
}

/// A temporary file beside `path`: `.<name>.<suffix>` (hidden, so `report merge` passes over it).
pub(crate) fn temporary(path: &Path, suffix: &str) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    path.with_file_name(format!(".{name}.{suffix}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn member(key: &str) -> Member {
        Member {
            key: key.into(),
            path: PathBuf::from(key),
        }
    }

    #[test]
    fn file_names_are_safe_stable_and_apart() {
        assert_eq!(
            file_name(&member("gitea/alice/scraper.git")),
            "gitea_alice_scraper.git-6a1a40e770.json"
        );
        let a = file_name(&member("a/b"));
        let b = file_name(&member("a_b"));
        assert!(a.starts_with("a_b-") && b.starts_with("a_b-") && a != b, "{a} {b}");
        assert!(file_name(&member(".")).starts_with("repository-"));
        assert!(file_name(&member("/srv/git/x.git")).starts_with("srv_git_x.git-"));
        let long = file_name(&member(&format!("{}/{}/end.git", "d".repeat(300), "e".repeat(100))));
        assert_eq!(long, format!("{}_end.git-{}.json", "e".repeat(100), &long[109..119]));
        let odd = file_name(&member("we\u{1b}[31mird/\u{e9}t\u{e9}.git"));
        assert!(odd.chars().all(|c| c.is_ascii_graphic()), "{odd}");
    }
}
