//! What git writes on a hook's standard input (githooks(5)), parsed strictly: a malformed line
//! is an error naming the line, never a guess.

use gix::ObjectId;
use gix::bstr::{BString, ByteSlice};

/// Standard input is read up to this many bytes; a real push never comes near it.
pub(crate) const MAX_INPUT: u64 = 64 * 1024 * 1024;

/// One `<old> <new> <ref>` line of `pre-receive`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefUpdate {
    /// The ref's value before the push; `None` when the push creates it.
    pub old: Option<ObjectId>,
    /// Its value after the push; `None` when the push deletes it.
    pub new: Option<ObjectId>,
    /// The full ref name, e.g. `refs/heads/main`.
    pub name: BString,
}

/// One `<local ref> <local oid> <remote ref> <remote oid>` line of `pre-push`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PushUpdate {
    /// The local ref (or `(delete)`).
    pub local_ref: BString,
    /// What is pushed; `None` for a deletion.
    pub local: Option<ObjectId>,
    /// The ref on the remote.
    pub remote_ref: BString,
    /// What the remote has now; `None` when the ref is new there.
    pub remote: Option<ObjectId>,
}

/// Standard input is not what git writes.
#[derive(Debug, thiserror::Error)]
#[error("malformed hook input, line {line}: {reason}")]
pub struct InputError {
    /// 1-based line number.
    pub line: usize,
    /// What is wrong (sanitized).
    pub(crate) reason: String,
}

/// Parse `pre-receive` (and `post-receive`) input.
pub fn parse_pre_receive(input: &[u8], hash: gix::hash::Kind) -> Result<Vec<RefUpdate>, InputError> {
    lines(input)?
        .into_iter()
        .map(|(line, [old, new, name])| {
            Ok(RefUpdate {
                old: oid(old, hash, line)?,
                new: oid(new, hash, line)?,
                name: ref_name(name, line)?,
            })
        })
        .collect()
}

/// Parse `pre-push` input.
pub fn parse_pre_push(input: &[u8], hash: gix::hash::Kind) -> Result<Vec<PushUpdate>, InputError> {
    lines(input)?
        .into_iter()
        .map(|(line, [local_ref, local, remote_ref, remote])| {
            Ok(PushUpdate {
                local_ref: local_ref.into(),
                local: oid(local, hash, line)?,
                remote_ref: ref_name(remote_ref, line)?,
                remote: oid(remote, hash, line)?,
            })
        })
        .collect()
}

/// A line's number and its fields.
type Line<'a, const N: usize> = (usize, [&'a [u8]; N]);

/// How much of an offending line or field an error quotes.
const QUOTED: usize = 120;

/// Non-empty lines (a trailing `\r` dropped) split into exactly `N` space-separated fields.
fn lines<const N: usize>(input: &[u8]) -> Result<Vec<Line<'_, N>>, InputError> {
    let mut out = Vec::new();
    for (i, raw) in input.split(|b| *b == b'\n').enumerate() {
        let line = raw.strip_suffix(b"\r").unwrap_or(raw);
        if line.is_empty() {
            continue;
        }
        // Counted before anything is collected: a line of a million spaces costs no memory.
        let found = line.split(|b| *b == b' ').count();
        let fields = (found == N)
            .then(|| line.split(|b| *b == b' ').collect::<Vec<_>>().try_into().ok())
            .flatten();
        let Some(fields) = fields else {
            return Err(InputError {
                line: i + 1,
                reason: format!(
                    "expected {N} space-separated fields, found {found} in `{}`{}",
                    crate::util::sanitize(quoted(line)),
                    if line.len() > QUOTED { " (shortened)" } else { "" }
                ),
            });
        };
        out.push((i + 1, fields));
    }
    Ok(out)
}

/// The start of untrusted bytes, short enough to quote in an error.
fn quoted(bytes: &[u8]) -> &[u8] {
    bytes.get(..QUOTED).unwrap_or(bytes)
}

/// An object id in hex; all zeros means "none".
fn oid(hex: &[u8], hash: gix::hash::Kind, line: usize) -> Result<Option<ObjectId>, InputError> {
    let bad = |why: &str| InputError {
        line,
        reason: format!("`{}` is not {why}", crate::util::sanitize(quoted(hex))),
    };
    if hex.len() != hash.len_in_hex() {
        return Err(bad(&format!(
            "a {}-digit object id ({} repository)",
            hash.len_in_hex(),
            hash
        )));
    }
    let id = ObjectId::from_hex(hex).map_err(|_| bad("a hexadecimal object id"))?;
    Ok((!id.is_null()).then_some(id))
}

fn ref_name(name: &[u8], line: usize) -> Result<BString, InputError> {
    if gix::validate::reference::name(name.as_bstr()).is_err() {
        return Err(InputError {
            line,
            reason: format!("`{}` is not a valid ref name", crate::util::sanitize(quoted(name))),
        });
    }
    Ok(name.into())
}

/// The hook failed before it could judge the push.
#[derive(Debug, thiserror::Error)]
pub enum HookError {
    /// Standard input is malformed.
    #[error(transparent)]
    Input(#[from] InputError),
    /// The repository could not be read.
    #[error(transparent)]
    Repo(#[from] crate::repo::RepoError),
}

impl HookError {
    /// The exit status: 2 for malformed input, 3 when the repository could not be read.
    pub(crate) fn exit_code(&self) -> u8 {
        match self {
            HookError::Input(_) => crate::error::exit::USAGE,
            HookError::Repo(_) => crate::error::exit::INTERNAL,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SHA1: gix::hash::Kind = gix::hash::Kind::Sha1;
    const A: &str = "1111111111111111111111111111111111111111";
    const Z: &str = "0000000000000000000000000000000000000000";

    #[test]
    fn reads_creations_updates_and_deletions() {
        let input = format!("{Z} {A} refs/heads/new\n{A} {A} refs/tags/v1\r\n\n{A} {Z} refs/heads/gone");
        let updates = parse_pre_receive(input.as_bytes(), SHA1).expect("valid");
        assert_eq!(updates.len(), 3);
        assert_eq!(updates[0].old, None);
        assert_eq!(updates[0].name, "refs/heads/new");
        assert!(updates[1].old.is_some() && updates[1].new.is_some());
        assert_eq!(updates[2].new, None);
    }

    #[test]
    fn rejects_malformed_lines_with_their_number() {
        let cases = [
            format!("{A} {A}\n"),
            format!("{A} {A} refs/heads/a extra\n"),
            format!("{A} {} refs/heads/a\n", &A[..39]),
            format!("{A} {}g refs/heads/a\n", &A[..39]),
            format!("{A} {A} refs/heads/a..b\n"),
            format!("{A} {A}{A}{A} refs/heads/a\n"),
        ];
        for case in &cases {
            let err = parse_pre_receive(format!("{Z} {A} refs/heads/ok\n{case}").as_bytes(), SHA1).expect_err(case);
            assert_eq!(err.line, 2, "{case}: {err}");
        }
        let sha256 = format!("{Z}{} {A}{} refs/heads/x\n", &Z[..24], &A[..24]);
        assert!(parse_pre_receive(sha256.as_bytes(), SHA1).is_err());
        assert_eq!(
            parse_pre_receive(sha256.as_bytes(), gix::hash::Kind::Sha256)
                .expect("sha256 ids")
                .len(),
            1
        );
    }

    #[test]
    fn error_text_is_sanitized() {
        let err = parse_pre_receive(b"\x1b[31m x y z\n", SHA1).expect_err("four fields");
        assert!(!err.to_string().contains('\x1b'), "{err}");
    }

    #[test]
    fn reads_pre_push_lines() {
        let input = format!("refs/heads/main {A} refs/heads/main {Z}\n(delete) {Z} refs/heads/old {A}\n");
        let updates = parse_pre_push(input.as_bytes(), SHA1).expect("valid");
        assert_eq!(updates[0].remote, None);
        assert_eq!(updates[1].local, None);
        assert!(parse_pre_push(b"", SHA1).expect("empty").is_empty());
    }
}
