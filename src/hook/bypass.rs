//! `git push -o pushgate.bypass="<reason>"`, and the JSON-lines logs of bypasses and of pushes
//! that `mode = "evaluate"` would have rejected.

use std::io::Write;
use std::path::{Path, PathBuf};

use gix::bstr::ByteSlice;
use serde::Serialize;

use super::env::HookEnv;
use super::input::RefUpdate;
use crate::outcome::Finding;
use crate::policy::Policy;

/// The push option that asks for a bypass.
pub(crate) const OPTION: &str = "pushgate.bypass";

/// What became of a bypass request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Decision {
    /// The push carried no bypass option.
    NotAsked,
    /// Granted: failing findings become warnings.
    Granted {
        /// Who pushed, when the server knows (logged as `null` otherwise, as in the evaluate
        /// log).
        user: Option<String>,
        /// Why (sanitized).
        reason: String,
    },
    /// Refused, and why; the push is judged as usual.
    Refused(String),
}

/// The reason's bytes as pushed (empty for a bare `-o pushgate.bypass`).
fn raw_reason(env: &HookEnv) -> Option<&[u8]> {
    env.push_options.iter().find_map(|option| {
        let option = option.as_bstr();
        if option == OPTION {
            return Some(&b""[..]);
        }
        option.strip_prefix(format!("{OPTION}=").as_bytes())
    })
}

/// Whether a reason says something: at least one letter or digit, of any script, once control
/// characters and invisible format characters (zero-width spaces and joiners, the byte-order
/// mark, bidirectional controls) are set aside. `-`, `\x01` or a zero-width space alone say
/// nothing. Judged on the bytes as pushed, before sanitizing turns `\x01` into the visible
/// text `\u{1}`.
pub(crate) fn has_words(reason: &[u8]) -> bool {
    String::from_utf8_lossy(reason)
        .chars()
        .filter(|c| !c.is_control() && !is_format(*c))
        .any(char::is_alphanumeric)
}

/// Unicode's format characters (general category Cf): invisible, they shape or reorder text.
fn is_format(c: char) -> bool {
    matches!(
        c,
        '\u{ad}'
            | '\u{600}'..='\u{605}'
            | '\u{61c}'
            | '\u{6dd}'
            | '\u{70f}'
            | '\u{890}'..='\u{891}'
            | '\u{8e2}'
            | '\u{180e}'
            | '\u{200b}'..='\u{200f}'
            | '\u{202a}'..='\u{202e}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{206f}'
            | '\u{feff}'
            | '\u{fff9}'..='\u{fffb}'
            | '\u{110bd}'
            | '\u{110cd}'
            | '\u{13430}'..='\u{1343f}'
            | '\u{1bca0}'..='\u{1bca3}'
            | '\u{1d173}'..='\u{1d17a}'
            | '\u{e0001}'
            | '\u{e0020}'..='\u{e007f}'
    )
}

/// Whether the policy can grant a bypass at all: enabled, with a log to record it in.
pub(crate) fn possible(policy: &Policy) -> bool {
    policy.file.bypass.enabled && !policy.file.bypass.log.is_empty()
}

/// Decide a bypass request under the policy's `[bypass]` table.
pub(crate) fn decide(policy: &Policy, env: &HookEnv) -> Decision {
    let Some(raw) = raw_reason(env) else {
        return Decision::NotAsked;
    };
    let reason = crate::util::sanitize(raw.trim());
    let settings = &policy.file.bypass;
    if !settings.enabled {
        return Decision::Refused("bypass is not enabled on this server ([bypass] enabled = false)".into());
    }
    if settings.log.is_empty() {
        return Decision::Refused(
            "the policy logs no bypasses ([bypass] log = \"\"), and a bypass is only granted with a record of it; \
             ask the server's administrators to name a log"
                .into(),
        );
    }
    let user = known_user(env);
    if !settings.users.is_empty() && !user.is_some_and(|u| settings.users.iter().any(|allowed| allowed == u)) {
        let who = match user {
            None => "an unknown pusher".to_owned(),
            Some(user) => format!("`{}`", crate::util::sanitize(user.as_bytes())),
        };
        return Decision::Refused(format!(
            "{who} is not among the users allowed to bypass ([bypass] users)"
        ));
    }
    if settings.require_reason && !has_words(raw) {
        return Decision::Refused(format!(
            "a bypass needs a reason, in words (letters or digits): git push -o {OPTION}=\"<why this push must go through>\""
        ));
    }
    Decision::Granted {
        user: user.map(|u| crate::util::sanitize(u.as_bytes())),
        reason,
    }
}

/// The pusher as both logs record it: the name the environment gives, or `None` (JSON `null`)
/// when it gives none.
pub(crate) fn known_user(env: &HookEnv) -> Option<&str> {
    env.user.as_deref().map(str::trim).filter(|u| !u.is_empty())
}

/// Push options that start with `pushgate.` but are not one pushgate knows (a misspelt
/// `pushgate.bypas=…`), for a warning that names them (sanitized).
pub(crate) fn unknown_options(env: &HookEnv) -> Vec<String> {
    env.push_options
        .iter()
        .filter(|option| {
            let option = option.as_bstr();
            option.starts_with(b"pushgate.") && option != OPTION && !option.starts_with(format!("{OPTION}=").as_bytes())
        })
        .map(|option| {
            let name = option.split(|b| *b == b'=').next().unwrap_or_default();
            format!(
                "unknown push option `{}` ignored; the known one is `{OPTION}=<reason>`",
                crate::util::sanitize(name)
            )
        })
        .collect()
}

/// One line of a log.
#[derive(Serialize)]
struct Entry<'a> {
    time: String,
    event: &'a str,
    user: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<&'a str>,
    refs: Vec<LoggedRef>,
    findings: Vec<LoggedFinding<'a>>,
}

#[derive(Serialize)]
struct LoggedRef {
    #[serde(rename = "ref")]
    name: String,
    old: Option<String>,
    new: Option<String>,
}

#[derive(Serialize)]
struct LoggedFinding<'a> {
    rule: &'a str,
    pattern: String,
    level: &'a str,
    #[serde(rename = "ref")]
    reference: Option<String>,
    path: Option<String>,
    blob: Option<String>,
    commit: Option<String>,
    size: Option<u64>,
    /// The files of a finding about many (a job's folder, a series).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    paths: Vec<String>,
}

/// What to log.
pub(crate) struct Record<'a> {
    /// `bypass`, `evaluate` or `fail-open`.
    pub(crate) event: &'a str,
    /// Who pushed.
    pub(crate) user: Option<&'a str>,
    /// The bypass reason.
    pub(crate) reason: Option<&'a str>,
    /// Why the hook could not judge the push (`fail-open`; sanitized).
    pub(crate) error: Option<&'a str>,
    /// The ref updates of the push.
    pub(crate) refs: &'a [RefUpdate],
    /// The findings concerned.
    pub(crate) findings: &'a [&'a Finding],
}

/// Append one JSON line to `log` (relative to `git_dir`), under an exclusive lock, in one
/// write: concurrent pushes never interleave or lose lines. A write that fails part way (a
/// full disk) is taken back, so the log holds only complete lines.
pub(crate) fn append(git_dir: &Path, log: &str, record: &Record<'_>) -> std::io::Result<PathBuf> {
    let path = git_dir.join(log);
    let entry = Entry {
        time: jiff::Timestamp::now().to_string(),
        event: record.event,
        user: record.user,
        reason: record.reason,
        error: record.error,
        refs: record
            .refs
            .iter()
            .map(|u| LoggedRef {
                name: u.name.to_str_lossy().into_owned(),
                old: u.old.map(|o| o.to_string()),
                new: u.new.map(|n| n.to_string()),
            })
            .collect(),
        findings: record
            .findings
            .iter()
            .map(|f| LoggedFinding {
                rule: f.rule.as_str(),
                pattern: f.pattern.to_string(),
                level: f.level.as_str(),
                reference: f.reference.as_ref().map(|r| r.to_str_lossy().into_owned()),
                path: f.path.as_ref().map(|p| p.to_str_lossy().into_owned()),
                blob: f.blob.map(|b| b.to_string()),
                commit: f.commit.map(|c| c.to_string()),
                size: f.size,
                paths: f.paths.iter().map(|p| p.to_str_lossy().into_owned()).collect(),
            })
            .collect(),
    };
    let mut line = serde_json::to_vec(&entry).map_err(std::io::Error::other)?;
    line.push(b'\n');
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .read(true)
        .append(true)
        .open(&path)?;
    file.lock()?;
    let written = append_line(&mut file, &line);
    let _ = file.unlock();
    written.map(|()| path)
}

/// The line a crash or a failed write left unfinished at the end of a log, replaced by this
/// record: its length and its text (lossy UTF-8), so that every line of the log is JSON and
/// nothing it held is lost.
#[derive(Serialize)]
struct FragmentEntry<'a> {
    time: String,
    event: &'a str,
    bytes: u64,
    text: &'a str,
}

/// An unfinished last line longer than this is left in place, on a line of its own: reading
/// it back whole could take any amount of memory.
const MAX_FRAGMENT: u64 = 16 << 20;

/// What [`append_line`] needs of a log file: a [`std::fs::File`] opened for appending, or in
/// tests a disk that fills up.
trait LogFile {
    /// The length in bytes.
    fn size(&mut self) -> std::io::Result<u64>;
    /// Fill `buf` from `offset`.
    fn read_exact_from(&mut self, offset: u64, buf: &mut [u8]) -> std::io::Result<()>;
    /// Write all of `bytes` at the end, and onto the disk.
    fn append(&mut self, bytes: &[u8]) -> std::io::Result<()>;
    /// Cut the file to `len` bytes.
    fn truncate(&mut self, len: u64) -> std::io::Result<()>;
}

impl LogFile for std::fs::File {
    fn size(&mut self) -> std::io::Result<u64> {
        Ok(self.metadata()?.len())
    }

    fn read_exact_from(&mut self, offset: u64, buf: &mut [u8]) -> std::io::Result<()> {
        use std::io::{Read, Seek, SeekFrom};
        // Opened for appending: the position moves reads only, every write goes to the end.
        self.seek(SeekFrom::Start(offset))?;
        self.read_exact(buf)
    }

    fn append(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        self.write_all(bytes)?;
        self.sync_data()
    }

    fn truncate(&mut self, len: u64) -> std::io::Result<()> {
        self.set_len(len)
    }
}

/// Append `line` (one JSON record and its newline) so that the log holds only complete lines,
/// whatever happens:
///
/// - the line goes out in one write; if that write fails part way (a full disk, a file size
///   limit), the log is cut back to its length before it, and the error returned;
/// - an unfinished last line found in the log (a crash, or a write an older pushgate did not
///   take back) is replaced by a `fragment` record holding its text, then the line follows;
///   if that write fails, the unfinished line is put back as it was.
fn append_line(file: &mut impl LogFile, line: &[u8]) -> std::io::Result<()> {
    let len = file.size()?;
    let fragment = unfinished_line(file, len)?;
    let mut bytes = Vec::with_capacity(line.len() + 1);
    let keep = match &fragment {
        None => len,
        Some(Unfinished::Readable { start, text }) => {
            let entry = FragmentEntry {
                time: jiff::Timestamp::now().to_string(),
                event: "fragment",
                bytes: len - start,
                text: &String::from_utf8_lossy(text),
            };
            bytes = serde_json::to_vec(&entry).map_err(std::io::Error::other)?;
            bytes.push(b'\n');
            *start
        }
        Some(Unfinished::TooLong) => {
            bytes.push(b'\n');
            len
        }
    };
    bytes.extend_from_slice(line);
    if keep < len {
        file.truncate(keep)?;
    }
    let written = file.append(&bytes);
    if written.is_err() {
        // Take the partial write back (best effort: the error already says the record was
        // not written), and put back the unfinished line that was cut.
        if file.truncate(keep).is_ok()
            && let Some(Unfinished::Readable { text, .. }) = &fragment
        {
            let _ = file.append(text);
        }
    }
    written
}

/// An unfinished last line of a log.
enum Unfinished {
    /// It starts at `start` and reads `text`.
    Readable { start: u64, text: Vec<u8> },
    /// It is longer than [`MAX_FRAGMENT`].
    TooLong,
}

/// The last line of a log of `len` bytes, if it does not end in a newline.
fn unfinished_line(file: &mut impl LogFile, len: u64) -> std::io::Result<Option<Unfinished>> {
    const BLOCK: u64 = 64 << 10;
    if len == 0 {
        return Ok(None);
    }
    let mut last = [0u8];
    file.read_exact_from(len - 1, &mut last)?;
    if last == *b"\n" {
        return Ok(None);
    }
    // Walk back a block at a time to the newline before it, or the start of the file.
    let mut end = len;
    let start = loop {
        if len - end >= MAX_FRAGMENT {
            return Ok(Some(Unfinished::TooLong));
        }
        let from = end.saturating_sub(BLOCK);
        let mut block = vec![0u8; usize::try_from(end - from).map_err(std::io::Error::other)?];
        file.read_exact_from(from, &mut block)?;
        if let Some(i) = block.iter().rposition(|b| *b == b'\n') {
            break from + i as u64 + 1;
        }
        if from == 0 {
            break 0;
        }
        end = from;
    };
    let mut text = vec![0u8; usize::try_from(len - start).map_err(std::io::Error::other)?];
    file.read_exact_from(start, &mut text)?;
    Ok(Some(Unfinished::Readable { start, text }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(options: &[&str], user: &str) -> HookEnv {
        HookEnv {
            push_options: options.iter().map(|o| (*o).into()).collect(),
            user: Some(user.into()),
            ..Default::default()
        }
    }

    #[test]
    fn decides_by_policy() {
        let mut policy = Policy::builtin();
        assert_eq!(decide(&policy, &env(&[], "ann")), Decision::NotAsked);
        assert!(matches!(
            decide(&policy, &env(&["pushgate.bypass=hotfix"], "ann")),
            Decision::Refused(_)
        ));
        policy.file.bypass.enabled = true;
        assert_eq!(
            decide(&policy, &env(&["other", "pushgate.bypass= hotfix "], "ann")),
            Decision::Granted {
                user: Some("ann".into()),
                reason: "hotfix".into()
            }
        );
        assert!(matches!(
            decide(&policy, &env(&["pushgate.bypass"], "ann")),
            Decision::Refused(_)
        ));
        assert!(matches!(
            decide(&policy, &env(&["pushgate.bypass="], "ann")),
            Decision::Refused(_)
        ));
        policy.file.bypass.require_reason = false;
        assert!(matches!(
            decide(&policy, &env(&["pushgate.bypass"], "ann")),
            Decision::Granted { .. }
        ));
        policy.file.bypass.users = vec!["bob".into()];
        assert!(matches!(
            decide(&policy, &env(&["pushgate.bypass=x"], "ann")),
            Decision::Refused(_)
        ));
        assert!(matches!(
            decide(&policy, &env(&["pushgate.bypass=x"], "bob")),
            Decision::Granted { .. }
        ));
    }

    #[test]
    fn unknown_pushgate_options_are_named() {
        let e = env(
            &["pushgate.bypas=x", "pushgate.bypass=y", "ci.skip", "pushgate.\x1b[2J"],
            "ann",
        );
        let warnings = unknown_options(&e);
        assert_eq!(warnings.len(), 2, "{warnings:?}");
        assert!(warnings[0].contains("`pushgate.bypas`"), "{warnings:?}");
        assert!(!warnings[1].contains('\x1b'), "{warnings:?}");
        assert!(unknown_options(&env(&["pushgate.bypass"], "ann")).is_empty());
    }

    #[test]
    fn an_unknown_user_is_none() {
        let mut policy = Policy::builtin();
        policy.file.bypass.enabled = true;
        let mut e = env(&["pushgate.bypass=why"], "");
        assert_eq!(known_user(&e), None);
        assert_eq!(
            decide(&policy, &e),
            Decision::Granted {
                user: None,
                reason: "why".into()
            }
        );
        e.user = None;
        assert_eq!(known_user(&e), None);
        policy.file.bypass.users = vec![String::new()];
        assert!(
            matches!(decide(&policy, &e), Decision::Refused(_)),
            "an empty name allows nobody"
        );
    }

    #[test]
    fn a_reason_needs_a_letter_or_a_digit() {
        let mut policy = Policy::builtin();
        policy.file.bypass.enabled = true;
        for nothing in [
            "pushgate.bypass=\u{200b}",
            "pushgate.bypass=\x01",
            "pushgate.bypass=-",
            "pushgate.bypass= \u{feff}\u{200d}\u{202e} -- ",
        ] {
            let Decision::Refused(why) = decide(&policy, &env(&[nothing], "ann")) else {
                panic!("{nothing:?} was taken for a reason");
            };
            assert!(why.starts_with("a bypass needs a reason"), "{why}");
        }
        for reason in ["restore after incident 42", "42", "hotfix: rollback", "修正"] {
            assert!(
                matches!(
                    decide(&policy, &env(&[&format!("pushgate.bypass={reason}")], "ann")),
                    Decision::Granted { .. }
                ),
                "{reason:?}"
            );
        }
        assert!(!has_words(b"\xff\xfe"), "invalid UTF-8 is no word");
        assert!(has_words("x\u{200b}".as_bytes()));
        policy.file.bypass.require_reason = false;
        assert!(matches!(
            decide(&policy, &env(&["pushgate.bypass=-"], "ann")),
            Decision::Granted { .. }
        ));
    }

    #[test]
    fn a_policy_that_logs_no_bypasses_grants_none() {
        let mut policy = Policy::builtin();
        policy.file.bypass.enabled = true;
        policy.file.bypass.log = String::new();
        assert!(!possible(&policy));
        let Decision::Refused(why) = decide(&policy, &env(&["pushgate.bypass=hotfix"], "ann")) else {
            panic!("granted without a log");
        };
        assert!(why.contains("the policy logs no bypasses"), "{why}");
    }

    /// A disk with room for `room` bytes: a write beyond it stores what fits and fails, as a
    /// full disk does.
    struct Disk {
        bytes: Vec<u8>,
        room: usize,
    }

    impl LogFile for Disk {
        fn size(&mut self) -> std::io::Result<u64> {
            Ok(self.bytes.len() as u64)
        }

        fn read_exact_from(&mut self, offset: u64, buf: &mut [u8]) -> std::io::Result<()> {
            let start = usize::try_from(offset).expect("small");
            buf.copy_from_slice(&self.bytes[start..start + buf.len()]);
            Ok(())
        }

        fn append(&mut self, bytes: &[u8]) -> std::io::Result<()> {
            let fits = self.room.saturating_sub(self.bytes.len()).min(bytes.len());
            self.bytes.extend_from_slice(&bytes[..fits]);
            if fits < bytes.len() {
                return Err(std::io::ErrorKind::StorageFull.into());
            }
            Ok(())
        }

        fn truncate(&mut self, len: u64) -> std::io::Result<()> {
            self.bytes.truncate(usize::try_from(len).expect("small"));
            Ok(())
        }
    }

    fn json_lines(bytes: &[u8]) -> Vec<serde_json::Value> {
        let text = std::str::from_utf8(bytes).expect("utf-8");
        assert!(text.is_empty() || text.ends_with('\n'), "unfinished line: {text:?}");
        text.lines()
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l:?}")))
            .collect()
    }

    const RECORD: &[u8] = b"{\"event\":\"bypass\",\"reason\":\"x\"}\n";

    #[test]
    fn a_write_that_fails_part_way_is_taken_back() {
        let mut disk = Disk {
            bytes: RECORD.to_vec(),
            room: RECORD.len() + 10,
        };
        let e = append_line(&mut disk, RECORD).expect_err("no room");
        assert_eq!(e.kind(), std::io::ErrorKind::StorageFull);
        assert_eq!(disk.bytes, RECORD, "the partial line was left in the log");
        // Room again: the next record is a line of its own.
        disk.room = usize::MAX;
        append_line(&mut disk, RECORD).expect("written");
        assert_eq!(json_lines(&disk.bytes).len(), 2);
    }

    #[test]
    fn an_unfinished_line_becomes_a_fragment_record_and_the_next_record_its_own_line() {
        // What a failed write of an older version left: the start of a record, no newline.
        let fragment = br#"{"time":"2025-01-01T00:00:00Z","event":"bypass","user":"alice","reason":"disk ful"#;
        for before in [&b""[..], RECORD] {
            let mut bytes = before.to_vec();
            bytes.extend_from_slice(fragment);
            let mut disk = Disk {
                bytes,
                room: usize::MAX,
            };
            append_line(&mut disk, RECORD).expect("written");
            let lines = json_lines(&disk.bytes);
            let [.., cut, last] = &lines[..] else {
                panic!("{lines:?}")
            };
            assert_eq!(lines.len(), 2 + usize::from(!before.is_empty()), "{lines:?}");
            assert_eq!(cut["event"], "fragment");
            assert_eq!(cut["bytes"], fragment.len());
            assert_eq!(cut["text"], std::str::from_utf8(fragment).expect("utf-8"));
            assert_eq!(last["event"], "bypass");
        }
    }

    #[test]
    fn a_failed_write_puts_the_unfinished_line_back() {
        let mut bytes = RECORD.to_vec();
        bytes.extend_from_slice(b"{\"event\":\"by");
        let mut disk = Disk {
            room: bytes.len() + 20,
            bytes: bytes.clone(),
        };
        assert!(append_line(&mut disk, RECORD).is_err());
        assert_eq!(disk.bytes, bytes);
    }

    #[test]
    fn a_long_unfinished_line_is_found_across_blocks() {
        let mut bytes = RECORD.to_vec();
        let start = bytes.len();
        bytes.extend(std::iter::repeat_n(b'a', 200 << 10));
        let mut disk = Disk {
            bytes,
            room: usize::MAX,
        };
        let len = disk.bytes.len() as u64;
        let Some(Unfinished::Readable { start: found, text }) = unfinished_line(&mut disk, len).expect("read") else {
            panic!("not found");
        };
        assert_eq!(found, start as u64);
        assert_eq!(text.len(), 200 << 10);
    }

    #[test]
    fn the_log_file_on_disk_stays_json_lines() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("log.jsonl");
        std::fs::write(&path, b"{\"event\":\"bypass\",\"user\":\"al").expect("seed");
        let record = Record {
            event: "bypass",
            user: Some("bob"),
            reason: Some("hotfix"),
            error: None,
            refs: &[],
            findings: &[],
        };
        append(dir.path(), "log.jsonl", &record).expect("append");
        append(dir.path(), "log.jsonl", &record).expect("append");
        let lines = json_lines(&std::fs::read(&path).expect("read"));
        let events: Vec<&str> = lines.iter().filter_map(|l| l["event"].as_str()).collect();
        assert_eq!(events, ["fragment", "bypass", "bypass"]);
    }

    #[test]
    fn reasons_are_sanitized() {
        let env = env(&["pushgate.bypass=a\x1b[2Jb"], "x");
        let Some(reason) = raw_reason(&env).map(|reason| crate::util::sanitize(reason.trim())) else {
            panic!("requested");
        };
        assert!(!reason.contains('\x1b'));
    }
}
