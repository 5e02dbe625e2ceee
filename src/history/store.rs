//! The facts store: the [facts](super::Facts) of a repository's whole history, kept in its git
//! directory so that a push is judged against all of history at the cost of what it adds.
//!
//! One file per policy (what a path turns out to be depends on the rules' settings):
//! `<git-common-dir>/pushgate/facts-<16 hex digits>`, the digits a digest of the policy's
//! `[rules]`. The file is a fixed header, then the facts:
//!
//! | bytes | what |
//! | --- | --- |
//! | 0–7 | `PGFACTS\0` |
//! | 8–11 | format version, little-endian ([`FORMAT`]) |
//! | 12 | object hash: 1 SHA-1, 2 SHA-256 |
//! | 13 | payload encoding: 0 plain, 1 zlib |
//! | 14–15 | zero |
//! | 16–23 | payload length as stored |
//! | 24–31 | payload length decoded |
//! | 32–35 | CRC-32 of bytes 0–31 and the payload |
//!
//! The payload holds the rules' digest, when it was written and what building it cost, the ref
//! tips it covers, the identity and template tables, every commit (time, author time,
//! identity, template, merge), the paths (front-coded), and per path its versions' sizes, the
//! ids of the versions the rules may need to read (the newest ones of paths that can be
//! subjects), its changes, and what its newest version read turned out to be. Numbers are
//! LEB128 varints; times and sizes are stored as differences from the one before.
//!
//! A store is written to a temporary file beside it and renamed over it, so readers see the
//! old file or the new one, never part of one; concurrent writers each rename a whole file
//! and the last one wins. A file that is not exactly what this version writes (another
//! format version, a checksum that does not match, a truncated or overlong payload) is never
//! read: [`load`] says why, and the caller rebuilds it or judges without it.

use std::collections::{BTreeMap, HashMap};
use std::io::Write;
use std::path::{Path, PathBuf};

use gix::ObjectId;
use gix::bstr::{BString, ByteSlice};

use super::facts::{Change, CommitFacts, Facts, Read, Version};
use crate::candidate::Kind;

/// The format version this build reads and writes.
pub const FORMAT: u32 = 2;

const MAGIC: &[u8; 8] = b"PGFACTS\0";
const HEADER: usize = 36;

/// The directory under the git directory that holds the stores.
pub(crate) const DIR: &str = "pushgate";

/// How many of a path's newest changes keep the ids of their versions.
const KEEP_NEWEST: usize = 8;

/// Payloads at least this large are compressed.
const COMPRESS_FROM: usize = 4096;

/// A store as read: the facts and what the file says of itself.
#[derive(Debug, Clone)]
pub struct Stored {
    /// The facts.
    pub(crate) facts: Facts,
    /// The digest of the policy's rules it was built under.
    pub(crate) digest: u64,
    /// When it was written (seconds since the epoch).
    pub(crate) written: i64,
    /// What building it from scratch cost, in milliseconds (0: unknown).
    pub(crate) build_ms: u64,
    /// Files at least this large (the `churning-blob` rule's `min_size`) keep the size and id
    /// of every version; others only what the rules may read of them.
    pub(crate) large: u64,
}

/// Why a store cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// There is none.
    #[error("no facts store")]
    Missing,
    /// It could not be read or written.
    #[error("{what}: {source}")]
    Io {
        /// What was being done.
        what: String,
        /// What went wrong.
        source: std::io::Error,
    },
    /// It was written by another format version.
    #[error("the facts store has format version {found}; this pushgate reads version {FORMAT}")]
    Version {
        /// The version in the file.
        found: u32,
    },
    /// It is damaged: not a store, truncated, or its checksum does not match.
    #[error("the facts store is damaged ({0})")]
    Damaged(&'static str),
    /// It holds another object hash's ids.
    #[error("the facts store holds {found} ids; the repository uses {want}")]
    Hash {
        /// The hash in the file.
        found: &'static str,
        /// The repository's hash.
        want: &'static str,
    },
}

/// The digest of the policy's rules: what a path is judged to be depends on them.
pub(crate) fn digest(rules: &crate::policy::schema::Rules) -> u64 {
    // Serializing plain data to a Vec cannot fail; an empty text would only share a digest.
    let text = serde_json::to_vec(rules).unwrap_or_default();
    // FNV-1a, 64 bits.
    text.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// Where the store for the policy with `digest` lives.
pub(crate) fn location(repo: &gix::Repository, digest: u64) -> PathBuf {
    repo.common_dir().join(DIR).join(format!("facts-{digest:016x}"))
}

/// The store in `dir` written last, if any: a file named as [`location`] names them.
pub(crate) fn newest(dir: &Path) -> Option<PathBuf> {
    let named = |name: &str| {
        name.strip_prefix("facts-")
            .is_some_and(|digits| digits.len() == 16 && digits.bytes().all(|b| b.is_ascii_hexdigit()))
    };
    std::fs::read_dir(dir)
        .ok()?
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_str().is_some_and(named))
        .filter_map(|e| Some((e.metadata().ok()?.modified().ok()?, e.path())))
        .max()
        .map(|(_, path)| path)
}

/// Read the store at `path`, for a repository with object hash `hash`.
pub(crate) fn load(path: &Path, hash: gix::hash::Kind) -> Result<Stored, StoreError> {
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(StoreError::Missing),
        Err(source) => {
            return Err(StoreError::Io {
                what: format!("reading {}", path.display()),
                source,
            });
        }
    };
    decode(&bytes, hash)
}

/// Write `stored` to `path` atomically (a temporary file in the same directory, renamed);
/// the bytes written.
pub(crate) fn save(path: &Path, stored: &Stored) -> Result<u64, StoreError> {
    let io = |what: &str| {
        let what = format!("{what} {}", path.display());
        move |source| StoreError::Io { what, source }
    };
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(io("creating the directory of"))?;
    remove_stale_temporaries(dir);
    let bytes = encode(stored);
    let mut file = tempfile::Builder::new()
        .prefix(TEMPORARY)
        .tempfile_in(dir)
        .map_err(io("creating a temporary file for"))?;
    file.write_all(&bytes).map_err(io("writing"))?;
    // Readable by whoever reads the repository (a temporary file starts private).
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        file.as_file()
            .set_permissions(std::fs::Permissions::from_mode(0o644))
            .map_err(io("writing"))?;
    }
    file.persist(path).map_err(|e| io("replacing")(e.error))?;
    Ok(bytes.len() as u64)
}

/// The prefix of a store being written.
const TEMPORARY: &str = ".facts-";

/// A writer that catches a store up after a push holds this file beside it while it works, so
/// that pushes arriving meanwhile start no second one.
pub(crate) fn lock_location(store: &Path) -> PathBuf {
    let name = store
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    store.with_file_name(format!("{TEMPORARY}{name}.lock"))
}

/// A lock this old was left by a writer that was killed: it is taken over.
const LOCK_STALE_SECONDS: u64 = 600;

/// Whether a writer holds the lock at `path` (a lock left by a killed writer holds nothing).
pub(crate) fn locked(path: &Path) -> bool {
    std::fs::metadata(path)
        .ok()
        .and_then(|m| m.modified().ok())
        .and_then(|t| t.elapsed().ok())
        .is_some_and(|age| age.as_secs() <= LOCK_STALE_SECONDS)
}

/// The lock at `path`, held until dropped; `None` when another writer holds it (or it cannot
/// be made: the store is then left as it is).
#[derive(Debug)]
pub(crate) struct Lock(PathBuf);

impl Lock {
    /// Take the lock at `path`.
    pub(crate) fn take(path: &Path) -> Option<Lock> {
        let create = || std::fs::OpenOptions::new().write(true).create_new(true).open(path);
        match create() {
            Ok(_) => Some(Lock(path.to_owned())),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && !locked(path) => {
                // Left by a killed writer: whoever removes it first takes it.
                std::fs::remove_file(path).ok()?;
                create().ok().map(|_| Lock(path.to_owned()))
            }
            Err(_) => None,
        }
    }
}

impl Drop for Lock {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// A temporary file this old was left by a writer that was killed.
const STALE_SECONDS: u64 = 3600;

/// Remove what killed writers left in `dir` (best effort: another writer may be removing it).
fn remove_stale_temporaries(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let stale = entry
            .metadata()
            .ok()
            .and_then(|m| m.modified().ok())
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age.as_secs() > STALE_SECONDS);
        if stale && entry.file_name().as_encoded_bytes().starts_with(TEMPORARY.as_bytes()) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

fn hash_code(hash: gix::hash::Kind) -> u8 {
    match hash {
        gix::hash::Kind::Sha1 => 1,
        gix::hash::Kind::Sha256 => 2,
        // A hash gix adds later: no store of ours holds it.
        _ => 0,
    }
}

/// The file's bytes.
pub fn encode(stored: &Stored) -> Vec<u8> {
    let payload = payload(stored);
    let deflated = (payload.len() >= COMPRESS_FROM).then(|| deflate(&payload)).flatten();
    let (encoding, body): (u8, &[u8]) = match &deflated {
        Some(deflated) => (1, deflated),
        None => (0, &payload),
    };
    let mut out = Vec::with_capacity(HEADER + body.len());
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&FORMAT.to_le_bytes());
    out.push(hash_code(stored.facts.hash));
    out.push(encoding);
    out.extend_from_slice(&[0, 0]);
    out.extend_from_slice(&(body.len() as u64).to_le_bytes());
    out.extend_from_slice(&(payload.len() as u64).to_le_bytes());
    let mut crc = crc32fast::Hasher::new();
    crc.update(&out);
    crc.update(body);
    out.extend_from_slice(&crc.finalize().to_le_bytes());
    out.extend_from_slice(body);
    out
}

/// `data` compressed with zlib (`None` if that failed: it is then stored plain).
fn deflate(data: &[u8]) -> Option<Vec<u8>> {
    // The hook writes the store beside judging a push, and only once it lags behind.
    let mut out =
        gix::zlib::stream::deflate::Write::new(Vec::with_capacity(data.len() / 3), gix::zlib::Compression::DEFAULT);
    out.write_all(data).ok()?;
    out.flush().ok()?;
    Some(out.into_inner())
}

/// The store in `bytes`, for a repository with object hash `hash`.
pub fn decode(bytes: &[u8], hash: gix::hash::Kind) -> Result<Stored, StoreError> {
    decode_on(bytes, hash, Threads::BySize)
}

/// [`decode`], the paths read on `threads`.
fn decode_on(bytes: &[u8], hash: gix::hash::Kind, threads: Threads) -> Result<Stored, StoreError> {
    let header = bytes
        .get(..HEADER)
        .ok_or(StoreError::Damaged("shorter than its header"))?;
    let field = |at: usize, len: usize| header.get(at..at + len).unwrap_or_default();
    if field(0, 8) != MAGIC {
        return Err(StoreError::Damaged("not a facts store"));
    }
    let u32_at = |at| field(at, 4).try_into().map(u32::from_le_bytes).unwrap_or(0);
    let u64_at = |at| field(at, 8).try_into().map(u64::from_le_bytes).unwrap_or(0);
    let found = u32_at(8);
    if found != FORMAT {
        return Err(StoreError::Version { found });
    }
    let name = |code| match code {
        1 => "SHA-1",
        2 => "SHA-256",
        _ => "unknown",
    };
    if field(12, 1) != [hash_code(hash)] {
        return Err(StoreError::Hash {
            found: name(field(12, 1).first().copied().unwrap_or(0)),
            want: name(hash_code(hash)),
        });
    }
    let body = bytes.get(HEADER..).unwrap_or_default();
    if u64_at(16) != body.len() as u64 {
        return Err(StoreError::Damaged("its length does not match its header"));
    }
    let mut crc = crc32fast::Hasher::new();
    crc.update(header.get(..32).unwrap_or_default());
    crc.update(body);
    if crc.finalize() != u32_at(32) {
        return Err(StoreError::Damaged("checksum mismatch"));
    }
    let size = usize::try_from(u64_at(24)).map_err(|_| StoreError::Damaged("too large"))?;
    let payload = match field(13, 1) {
        [0] if size == body.len() => body.to_vec(),
        [1] => inflate(body, size).ok_or(StoreError::Damaged("its payload does not decompress"))?,
        _ => return Err(StoreError::Damaged("unknown payload encoding")),
    };
    let mut reader = Reader {
        bytes: &payload,
        at: 0,
        hash,
        threads,
    };
    let stored = reader.stored().ok_or(StoreError::Damaged("its payload is malformed"))?;
    if reader.at != payload.len() {
        return Err(StoreError::Damaged("its payload has trailing bytes"));
    }
    Ok(stored)
}

/// `body` decompressed to exactly `size` bytes.
fn inflate(body: &[u8], size: usize) -> Option<Vec<u8>> {
    // The checksum matched, so the size is what was written; still, never trust it further
    // than the compressed bytes can reach (zlib expands at most about 1032:1).
    if size / 1032 > body.len().saturating_add(64) {
        return None;
    }
    let mut out = vec![0u8; size];
    let mut inflate = gix::zlib::Inflate::default();
    let (status, consumed, written) = inflate.once(body, &mut out).ok()?;
    (status == gix::zlib::Status::StreamEnd && consumed == body.len() && written == size).then_some(out)
}

// ---------------------------------------------------------------------------------------
// The payload
// ---------------------------------------------------------------------------------------

fn put(out: &mut Vec<u8>, mut n: u64) {
    while n >= 0x80 {
        out.push((n as u8) | 0x80);
        n >>= 7;
    }
    out.push(n as u8);
}

fn zigzag(n: i64) -> u64 {
    ((n << 1) ^ (n >> 63)) as u64
}

fn unzigzag(n: u64) -> i64 {
    ((n >> 1) as i64) ^ -((n & 1) as i64)
}

fn put_bytes(out: &mut Vec<u8>, bytes: &[u8]) {
    put(out, bytes.len() as u64);
    out.extend_from_slice(bytes);
}

fn kind_code(read: &Read) -> u8 {
    let kind = match read.kind {
        None => 0,
        Some(Kind::Database) => 1,
        Some(Kind::Dump) => 2,
        Some(Kind::Archive) => 3,
        Some(Kind::DiskImage) => 4,
        Some(Kind::Log) => 5,
        Some(Kind::Record) => 6,
        Some(Kind::Data) => 7,
        Some(Kind::Rendered) => 8,
        Some(Kind::Binary) => 9,
        Some(Kind::Text) => 10,
    };
    kind | if read.wiredtiger { 0x80 } else { 0 }
}

fn read_of(code: u8) -> Option<Read> {
    let kind = match code & 0x7f {
        0 => None,
        1 => Some(Kind::Database),
        2 => Some(Kind::Dump),
        3 => Some(Kind::Archive),
        4 => Some(Kind::DiskImage),
        5 => Some(Kind::Log),
        6 => Some(Kind::Record),
        7 => Some(Kind::Data),
        8 => Some(Kind::Rendered),
        9 => Some(Kind::Binary),
        10 => Some(Kind::Text),
        _ => return None,
    };
    Some(Read {
        kind,
        wiredtiger: code & 0x80 != 0,
    })
}

/// A change's blob and previous version, coded against the path's versions so far: 0 none,
/// 1 a new version, 2 + k the path's version k.
fn version_code(local: Option<u32>, count: u32) -> u64 {
    match local {
        None => 0,
        Some(k) if k == count => 1,
        Some(k) => 2 + u64::from(k),
    }
}

fn payload(stored: &Stored) -> Vec<u8> {
    let facts = &stored.facts;
    let mut out = Vec::with_capacity(64 + facts.commits.len() * 6 + facts.changes.len() * 4);
    put(&mut out, stored.digest);
    put(&mut out, zigzag(stored.written));
    put(&mut out, stored.build_ms);
    put(&mut out, stored.large);
    out.push(u8::from(facts.truncated));
    put(&mut out, facts.tips.len() as u64);
    for tip in &facts.tips {
        out.extend_from_slice(tip.as_bytes());
    }
    for table in [&facts.identities, &facts.templates] {
        put(&mut out, table.len() as u64);
        for s in table.items() {
            put_bytes(&mut out, s.as_bytes());
        }
    }
    put(&mut out, facts.commits.len() as u64);
    let mut time = 0i64;
    // Identities and templates are numbered in the order commits first use them: the next
    // new one is 0, an earlier one its number + 1.
    let (mut identities, mut templates) = (0u32, 0u32);
    let numbered = |n: u32, next: &mut u32| {
        if n == *next {
            *next += 1;
            0
        } else {
            u64::from(n) + 1
        }
    };
    for c in &facts.commits {
        put(&mut out, zigzag(c.time.wrapping_sub(time)));
        put(&mut out, zigzag(c.authored.wrapping_sub(c.time)));
        put(&mut out, numbered(c.identity, &mut identities));
        put(
            &mut out,
            (numbered(c.template, &mut templates) << 1) | u64::from(c.merge),
        );
        time = c.time;
    }
    put(&mut out, facts.paths.len() as u64);
    let mut last: &[u8] = &[];
    for path in facts.paths.items() {
        let shared = last.iter().zip(path.iter()).take_while(|(a, b)| a == b).count();
        put(&mut out, shared as u64);
        put_bytes(&mut out, path.get(shared..).unwrap_or_default());
        last = path;
    }
    // Per path: its versions (sizes), the ids kept, its changes; first an index of what each
    // path's section holds and how long it is, so that a reader can read them on several
    // threads into lists sized once.
    let mut index: Vec<u8> = Vec::with_capacity(facts.paths.len() * 6);
    let mut sections: Vec<u8> = Vec::with_capacity(facts.changes.len() * 3);
    let mut by_path: Vec<Vec<&Change>> = vec![Vec::new(); facts.paths.len()];
    for change in &facts.changes {
        if let Some(list) = by_path.get_mut(change.path as usize) {
            list.push(change);
        }
    }
    let machine = super::jobs::classify(facts);
    let mut local: HashMap<u32, u32> = HashMap::new();
    for (path, changes) in facts.paths.items().iter().zip(&by_path) {
        local.clear();
        let mut order: Vec<u32> = Vec::new();
        for c in changes {
            for v in [c.previous(), c.blob()].into_iter().flatten() {
                local.entry(v).or_insert_with(|| {
                    order.push(v);
                    u32::try_from(order.len() - 1).unwrap_or(u32::MAX)
                });
            }
        }
        // A large file keeps every version's size; the others' sizes the rules never read.
        let large = order
            .iter()
            .any(|v| facts.version_size(*v).is_some_and(|s| s >= stored.large));
        let start = sections.len();
        let out = &mut sections;
        put(&mut index, ((order.len() as u64) << 1) | u64::from(large));
        if large {
            let mut size = 0u64;
            for v in &order {
                match facts.version_size(*v) {
                    Some(s) => {
                        put(out, (zigzag(s.wrapping_sub(size) as i64) << 1) | 1);
                        size = s;
                    }
                    None => put(out, 0),
                }
            }
        }
        let kept = if large {
            order.clone()
        } else {
            kept_versions(facts, &machine, path.as_bstr(), changes)
        };
        let kept: Vec<(u32, ObjectId)> = kept
            .into_iter()
            .filter_map(|v| Some((*local.get(&v)?, facts.version_blob(v)?)))
            .collect();
        put(&mut index, kept.len() as u64);
        put(&mut index, changes.len() as u64);
        for (k, id) in kept {
            put(out, u64::from(k));
            out.extend_from_slice(id.as_bytes());
        }
        let mut commit = 0i64;
        let mut count = 0u32;
        let mut before: Option<u32> = None;
        for c in changes {
            let delta = zigzag(i64::from(c.commit).wrapping_sub(commit));
            commit = i64::from(c.commit);
            let blob = c.blob().and_then(|v| local.get(&v).copied());
            let previous = c.previous().and_then(|v| local.get(&v).copied());
            // Versions are numbered in the order the changes name them, previous first.
            let previous_code = version_code(previous, count);
            if previous == Some(count) {
                count += 1;
            }
            let blob_code = version_code(blob, count);
            if blob == Some(count) {
                count += 1;
            }
            let mode = match previous {
                None => 0,
                Some(_) if previous == before && before.is_some() => 1,
                Some(_) => 2,
            };
            // The commit, and in two bits the common changes: a new version over the one
            // before, a new path, a deletion; anything else follows in full.
            let common = match (blob_code, mode) {
                (1, 1) => Some(0),
                (1, 0) => Some(1),
                (0, 1) => Some(2),
                _ => None,
            };
            match common {
                Some(code) => put(out, (delta << 2) | code),
                None => {
                    put(out, (delta << 2) | 3);
                    put(out, blob_code * 3 + mode);
                    if mode == 2 {
                        put(out, previous_code);
                    }
                }
            }
            before = blob;
        }
        put(&mut index, (sections.len() - start) as u64);
    }
    out.extend_from_slice(&index);
    out.extend_from_slice(&sections);
    put(&mut out, facts.read.len() as u64);
    for (path, read) in &facts.read {
        match facts.paths.get(path.as_bstr()) {
            Some(i) => put(&mut out, u64::from(i) + 1),
            None => {
                put(&mut out, 0);
                put_bytes(&mut out, path);
            }
        }
        out.push(kind_code(read));
    }
    out
}

/// The versions of a small file whose ids the store keeps: for a file a job writes whose
/// content the rules may compare (text, logs, rendered output), those of its newest changes,
/// by walk order and by time. (A large file keeps them all.)
fn kept_versions(facts: &Facts, jobs: &super::jobs::Jobs, path: &gix::bstr::BStr, changes: &[&Change]) -> Vec<u32> {
    let comparable = facts
        .read
        .get(path)
        .is_some_and(|r| matches!(r.kind, Some(Kind::Text | Kind::Log | Kind::Rendered)));
    if !comparable || !changes.iter().any(|c| jobs.writes(c.commit)) {
        return Vec::new();
    }
    let time = |c: &Change| facts.commits.get(c.commit as usize).map_or(0, |c| c.time);
    let mut by_time: Vec<&Change> = changes.iter().copied().filter(|c| c.blob().is_some()).collect();
    by_time.sort_by_key(|c| std::cmp::Reverse(time(c)));
    let mut kept: Vec<u32> = changes
        .iter()
        .rev()
        .take(KEEP_NEWEST)
        .chain(by_time.iter().take(KEEP_NEWEST))
        .flat_map(|c| [c.blob(), c.previous()])
        .flatten()
        .collect();
    kept.sort_unstable();
    kept.dedup();
    kept
}

/// What the index of a payload says of one path's section.
#[derive(Debug, Clone, Copy)]
struct Section {
    /// Its distinct versions.
    versions: u32,
    /// Each version's size follows.
    sized: bool,
    /// The versions whose ids follow.
    kept: usize,
    /// Its changes.
    changes: usize,
    /// Its length in bytes.
    len: usize,
}

/// Paths' sections read on a thread each when there are enough of them to pay for one.
const PARALLEL_SECTION_BYTES: usize = 256 * 1024;

/// Read the sections of every path (`body`, one after another) into `facts`; whether they
/// are all well formed. Long histories are read in parts of about equal length on several
/// threads, each into lists sized once, and put together in order.
fn read_sections(
    facts: &mut Facts,
    body: &[u8],
    hash: gix::hash::Kind,
    sections: &[Section],
    commits: i64,
    threads: Threads,
) -> bool {
    let threads = match threads {
        Threads::Fixed(n) => n.max(1),
        Threads::BySize if body.len() >= PARALLEL_SECTION_BYTES => {
            std::thread::available_parallelism().map_or(1, |n| n.get().min(4))
        }
        Threads::BySize => 1,
    };
    // Cut the paths where the bytes read reach each part's share.
    let share = body.len().div_ceil(threads).max(1);
    let mut parts: Vec<Part> = Vec::with_capacity(threads);
    let (mut path, mut at, mut version, mut blob) = (0usize, 0usize, 0u64, 0u64);
    let mut part = Part::default();
    for (i, section) in sections.iter().enumerate() {
        if part.len >= share {
            parts.push(std::mem::take(&mut part));
        }
        if part.paths.is_empty() {
            part = Part {
                paths: i..i,
                at,
                first_version: version,
                first_blob: blob,
                ..Part::default()
            };
        }
        part.paths.end = i + 1;
        part.len += section.len;
        at += section.len;
        version += u64::from(section.versions);
        blob += section.kept as u64;
        path = i + 1;
    }
    if !part.paths.is_empty() {
        parts.push(part);
    }
    if path != sections.len() || u32::try_from(version).is_err() || u32::try_from(blob).is_err() {
        return false;
    }
    // The first part's lists have room for all, so the others are appended without moving it.
    let room = (
        version as usize,
        blob as usize,
        sections.iter().map(|s| s.changes).sum::<usize>(),
    );
    let read = |i: usize, part: &Part| {
        let room = if i == 0 { Some(room) } else { None };
        read_part(body, hash, sections, part, commits, room)
    };
    let read: Vec<Option<Lists>> = if parts.len() > 1 {
        std::thread::scope(|scope| {
            let others: Vec<_> = parts
                .iter()
                .enumerate()
                .skip(1)
                .map(|(i, part)| scope.spawn(move || read(i, part)))
                .collect();
            let first = parts.first().and_then(|p| read(0, p));
            std::iter::once(first)
                .chain(others.into_iter().map(|h| h.join().ok().flatten()))
                .collect()
        })
    } else {
        parts.iter().enumerate().map(|(i, p)| read(i, p)).collect()
    };
    read.into_iter()
        .all(|lists| lists.is_some_and(|(versions, blobs, changes)| facts.adopt(versions, blobs, changes)))
}

/// Room kept in a list of `n` read from a store for what is added before it is written again
/// (the commits a hook catches up and is pushed): growing a list of hundreds of thousands
/// would move it whole.
fn room_to_grow(n: usize) -> usize {
    1024 + n / 64
}

/// How many threads read the paths' sections.
#[derive(Debug, Clone, Copy)]
enum Threads {
    /// One, or as many as the machine has (up to four) for a long history.
    BySize,
    /// This many.
    #[cfg_attr(not(test), allow(dead_code))]
    Fixed(usize),
}

/// A run of paths read together.
#[derive(Debug, Default)]
struct Part {
    paths: std::ops::Range<usize>,
    /// Where its first section starts.
    at: usize,
    /// Its bytes.
    len: usize,
    /// The facts' index of its first version and of its first id.
    first_version: u64,
    first_blob: u64,
}

/// A part's versions, ids and changes.
type Lists = (Vec<Version>, Vec<ObjectId>, Vec<Change>);

/// Read `part`'s sections, into lists with room for `room` (versions, ids, changes) if given.
fn read_part(
    body: &[u8],
    hash: gix::hash::Kind,
    sections: &[Section],
    part: &Part,
    commits: i64,
    room: Option<(usize, usize, usize)>,
) -> Option<Lists> {
    let own = sections.get(part.paths.clone())?;
    let room = room.unwrap_or_else(|| {
        (
            own.iter().map(|s| s.versions as usize).sum(),
            own.iter().map(|s| s.kept).sum(),
            own.iter().map(|s| s.changes).sum(),
        )
    });
    let mut versions: Vec<Version> = Vec::with_capacity(room.0);
    let mut blobs: Vec<ObjectId> = Vec::with_capacity(room.1);
    let mut changes: Vec<Change> = Vec::with_capacity(room.2);
    let first_version = u32::try_from(part.first_version).ok()?;
    let first_blob = u32::try_from(part.first_blob).ok()?;
    let mut at = part.at;
    for (path, section) in part.paths.clone().zip(own) {
        let bytes = body.get(at..at.checked_add(section.len)?)?;
        at += section.len;
        let mut r = Reader {
            bytes,
            at: 0,
            hash,
            threads: Threads::Fixed(1),
        };
        let path = u32::try_from(path).ok()?;
        // The path's first version: its index in the part's list and in the facts'.
        let local = versions.len();
        let first = first_version.checked_add(u32::try_from(local).ok()?)?;
        let count_of = section.versions;
        let mut size = 0u64;
        for _ in 0..count_of {
            let known = if section.sized {
                let code = r.num()?;
                if code & 1 == 1 {
                    size = size.wrapping_add(unzigzag(code >> 1) as u64);
                    Some(size)
                } else if code == 0 {
                    None
                } else {
                    return None;
                }
            } else {
                None
            };
            versions.push(Version::new(known, None));
        }
        for _ in 0..section.kept {
            let k = r.u32()?;
            let id = r.id()?;
            if k >= count_of {
                return None;
            }
            let blob = first_blob.checked_add(u32::try_from(blobs.len()).ok()?)?;
            let version = versions.get_mut(local + k as usize)?;
            if version.blob_index().is_some() {
                return None;
            }
            *version = Version::new(version.size(), Some(blob));
            blobs.push(id);
        }
        let mut commit = 0i64;
        let mut count = 0u32;
        let mut before: Option<u32> = None;
        // The path's version k, or the next new one.
        let resolve = |code: u64, count: &mut u32| -> Option<Option<u32>> {
            match code {
                0 => Some(None),
                1 => {
                    let k = *count;
                    *count += 1;
                    (k < count_of).then_some(Some(first + k))
                }
                code => {
                    let k = u32::try_from(code - 2).ok()?;
                    (k < *count).then_some(Some(first + k))
                }
            }
        };
        for _ in 0..section.changes {
            let head = r.num()?;
            commit = commit.wrapping_add(unzigzag(head >> 2));
            if !(0..commits).contains(&commit) {
                return None;
            }
            let (blob_code, mode) = match head & 3 {
                0 => (1, 1),
                1 => (1, 0),
                2 => (0, 1),
                _ => {
                    let code = r.num()?;
                    (code / 3, code % 3)
                }
            };
            let previous = match mode {
                0 => None,
                1 => Some(before?),
                _ => resolve(r.num()?, &mut count)?,
            };
            let blob = resolve(blob_code, &mut count)?;
            changes.push(Change::new(path, u32::try_from(commit).ok()?, blob, previous));
            before = blob;
        }
        // Every version is named by a change, and the section holds nothing more.
        if count != count_of || r.at != bytes.len() {
            return None;
        }
    }
    Some((versions, blobs, changes))
}

/// Reads a payload, refusing anything out of bounds.
struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
    hash: gix::hash::Kind,
    threads: Threads,
}

impl<'a> Reader<'a> {
    fn byte(&mut self) -> Option<u8> {
        let b = *self.bytes.get(self.at)?;
        self.at += 1;
        Some(b)
    }

    fn num(&mut self) -> Option<u64> {
        let mut n = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.byte()?;
            n |= u64::from(b & 0x7f).checked_shl(shift)?;
            if b & 0x80 == 0 {
                return Some(n);
            }
        }
        None
    }

    fn u32(&mut self) -> Option<u32> {
        u32::try_from(self.num()?).ok()
    }

    /// A count of items each at least `min` bytes long: never more than the bytes left allow.
    fn count(&mut self, min: usize) -> Option<usize> {
        let n = usize::try_from(self.num()?).ok()?;
        (n.saturating_mul(min.max(1)) <= self.bytes.len() - self.at).then_some(n)
    }

    fn take(&mut self, len: usize) -> Option<&'a [u8]> {
        let slice = self.bytes.get(self.at..self.at.checked_add(len)?)?;
        self.at += len;
        Some(slice)
    }

    fn bytes(&mut self) -> Option<&'a [u8]> {
        let len = usize::try_from(self.num()?).ok()?;
        self.take(len)
    }

    fn id(&mut self) -> Option<ObjectId> {
        let bytes = self.take(self.hash.len_in_bytes())?;
        ObjectId::try_from(bytes).ok()
    }

    fn string(&mut self) -> Option<String> {
        String::from_utf8(self.bytes()?.to_vec()).ok()
    }

    fn stored(&mut self) -> Option<Stored> {
        let digest = self.num()?;
        let written = unzigzag(self.num()?);
        let build_ms = self.num()?;
        let large = self.num()?;
        let mut facts = Facts::new(self.hash);
        facts.truncated = match self.byte()? {
            0 => false,
            1 => true,
            _ => return None,
        };
        let tips = self.count(self.hash.len_in_bytes())?;
        for _ in 0..tips {
            facts.tips.push(self.id()?);
        }
        for table in [&mut facts.identities, &mut facts.templates] {
            for _ in 0..self.count(1)? {
                let s = self.string()?;
                let before = table.len();
                table.intern(s.as_str());
                // A table holds each string once.
                if table.len() == before {
                    return None;
                }
            }
        }
        let commits = self.count(4)?;
        facts.commits.reserve_exact(commits + room_to_grow(commits));
        let mut time = 0i64;
        let (mut identities, mut templates) = (0u32, 0u32);
        let numbered = |code: u64, next: &mut u32| -> Option<u32> {
            if code == 0 {
                *next += 1;
                Some(*next - 1)
            } else {
                u32::try_from(code - 1).ok()
            }
        };
        for _ in 0..commits {
            time = time.wrapping_add(unzigzag(self.num()?));
            let authored = time.wrapping_add(unzigzag(self.num()?));
            let identity = numbered(self.num()?, &mut identities)?;
            let template = self.num()?;
            let (merge, template) = (template & 1 == 1, numbered(template >> 1, &mut templates)?);
            if identity as usize >= facts.identities.len() || template as usize >= facts.templates.len() {
                return None;
            }
            facts.commits.push(CommitFacts {
                time,
                authored,
                identity,
                template,
                merge,
            });
        }
        let paths = self.count(2)?;
        let mut last = BString::default();
        for _ in 0..paths {
            let shared = usize::try_from(self.num()?).ok()?;
            let mut path: BString = last.get(..shared)?.into();
            path.extend_from_slice(self.bytes()?);
            let before = facts.paths.len();
            facts.paths.intern(path.as_bstr());
            if facts.paths.len() == before {
                return None;
            }
            last = path;
        }
        let commit_count = facts.commits.len() as i64;
        let mut sections: Vec<Section> = Vec::with_capacity(paths);
        for _ in 0..paths {
            let head = self.num()?;
            let section = Section {
                versions: u32::try_from(head >> 1).ok()?,
                sized: head & 1 == 1,
                kept: self.count(1 + self.hash.len_in_bytes())?,
                changes: self.count(1)?,
                len: self.count(1)?,
            };
            // Every version is named by a change, and each change takes a byte at least.
            if section.versions as usize > section.changes.saturating_mul(2) || section.changes > section.len {
                return None;
            }
            sections.push(section);
        }
        let total = sections.iter().try_fold(0usize, |n, s| n.checked_add(s.len))?;
        let body = self.take(total)?;
        if !read_sections(&mut facts, body, self.hash, &sections, commit_count, self.threads) {
            return None;
        }
        let mut read: BTreeMap<BString, Read> = BTreeMap::new();
        for _ in 0..self.count(2)? {
            let path: BString = match self.num()? {
                0 => self.bytes()?.into(),
                i => facts.paths.at(u32::try_from(i - 1).ok()?)?.clone(),
            };
            read.insert(path, read_of(self.byte()?)?);
        }
        facts.read = read;
        Some(Stored {
            facts,
            digest,
            written,
            build_ms,
            large,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::history::commit::{Commit, Recorded};

    fn id(n: u32) -> ObjectId {
        let mut bytes = [7u8; 20];
        bytes[..4].copy_from_slice(&n.to_be_bytes());
        ObjectId::from_bytes_or_panic(&bytes)
    }

    /// `n` commits: a job rewriting a data file every hour, a person between its runs, a log
    /// that comes back to older versions and is deleted once, and a source file.
    fn sample(n: u32) -> Stored {
        let mut recorded = Recorded::default();
        let data = recorded.intern("data/prices.json".into());
        let log = recorded.intern("data/run.log".into());
        let src = recorded.intern("src/main.rs".into());
        let mut commits = Vec::new();
        for i in 0..n {
            commits.push(Commit {
                id: id(0),
                tree: id(0),
                parents: vec![id(0); if i == n - 1 { 2 } else { 1 }],
                time: 1_700_000_000 + i64::from(i) * 3600,
                authored: 1_700_000_000 + i64::from(i) * 3600 - 5,
                identity: if i % 2 == 0 { "bot@x" } else { "dev@x" }.into(),
                template: if i % 2 == 0 {
                    "latest data: #".into()
                } else {
                    format!("fix thing {}", i % 7)
                },
            });
            recorded.push(data, i, Some(id(i + 100_000)), (i > 0).then(|| id(i + 99_999)));
            if i % 5 == 0 {
                recorded.push(
                    log,
                    i,
                    (i != 35).then(|| id(i % 10 + 1)),
                    (i > 0).then(|| id((i - 5) % 10 + 1)),
                );
            }
        }
        recorded.push(src, 3, Some(id(250)), None);
        let mut sizes = crate::packs::Sizes::default();
        for i in 0..n {
            sizes.insert(id(i + 100_000), Some(1000 + u64::from(i) * 37 % 501));
        }
        sizes.insert(id(1), Some(5));
        let mut facts = Facts::new(gix::hash::Kind::Sha1);
        facts.extend(&commits, Some(&recorded), Some(&sizes));
        facts.tips = vec![id(7), id(9)];
        facts.truncated = true;
        facts.read.insert(
            "data/prices.json".into(),
            Read {
                kind: Some(Kind::Data),
                wiredtiger: false,
            },
        );
        facts.read.insert(
            "data/run.log".into(),
            Read {
                kind: Some(Kind::Log),
                wiredtiger: false,
            },
        );
        facts.read.insert(
            "refs/tags/blob".into(),
            Read {
                kind: None,
                wiredtiger: true,
            },
        );
        Stored {
            facts,
            digest: 42,
            written: 1_700_000_000,
            build_ms: 1234,
            large: 1400,
        }
    }

    /// What the rules can tell apart: per path, each change's commit and which of the path's
    /// versions it names (by first appearance), their sizes, and the ids kept.
    /// A change as the rules see it: commit, version left and replaced (numbered per path),
    /// the size left.
    type Seen = (u32, Option<usize>, Option<usize>, Option<u64>);

    fn shape(facts: &Facts) -> Vec<(BString, Vec<Seen>)> {
        facts
            .paths
            .items()
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let mut seen: Vec<u32> = Vec::new();
                let mut number = |v: Option<u32>| {
                    v.map(|v| match seen.iter().position(|s| *s == v) {
                        Some(k) => k,
                        None => {
                            seen.push(v);
                            seen.len() - 1
                        }
                    })
                };
                let changes = facts
                    .changes
                    .iter()
                    .filter(|c| c.path as usize == i)
                    .map(|c| {
                        let previous = number(c.previous());
                        let blob = number(c.blob());
                        (c.commit, blob, previous, c.blob().and_then(|v| facts.version_size(v)))
                    })
                    .collect();
                (p.clone(), changes)
            })
            .collect()
    }

    #[test]
    fn a_store_reads_back_what_was_written() {
        for n in [40, 2000] {
            let stored = sample(n);
            let bytes = encode(&stored);
            assert_eq!(bytes[13], u8::from(n > 40), "compressed when large");
            let back = decode(&bytes, gix::hash::Kind::Sha1).expect("decodes");
            assert_eq!(back.digest, 42);
            assert_eq!(back.written, stored.written);
            assert_eq!(back.build_ms, 1234);
            let (a, b) = (&stored.facts, &back.facts);
            assert_eq!(a.tips, b.tips);
            assert!(b.truncated);
            assert_eq!(a.commits, b.commits);
            assert_eq!(a.identities.items(), b.identities.items());
            assert_eq!(a.templates.items(), b.templates.items());
            assert_eq!(a.paths.items(), b.paths.items());
            assert_eq!(a.read, b.read);
            // A large file keeps every version's size; a small one none.
            let large = |facts: &Facts| {
                let mut shape = shape(facts);
                for (path, changes) in &mut shape {
                    if path != "data/prices.json" {
                        for c in changes.iter_mut() {
                            c.3 = None;
                        }
                    }
                }
                shape
            };
            assert_eq!(large(a), shape(b));
            // The newest versions of a path whose content was read keep their ids; others none.
            let data = b.paths.get("data/prices.json".as_bytes().as_bstr()).expect("path");
            let newest = b.changes.iter().rev().find(|c| c.path == data).expect("change");
            assert_eq!(b.version_blob(newest.blob().expect("blob")), Some(id(n - 1 + 100_000)));
            let first = b.changes.iter().find(|c| c.path == data).expect("change");
            assert_eq!(
                b.version_blob(first.blob().expect("blob")),
                Some(id(100_000)),
                "every id of a large file"
            );
            // A log a job writes keeps its newest versions' ids, to compare their contents.
            let log = b.paths.get("data/run.log".as_bytes().as_bstr()).expect("path");
            let last = b
                .changes
                .iter()
                .rev()
                .find(|c| c.path == log && c.blob().is_some())
                .expect("change");
            assert!(b.version_blob(last.blob().expect("blob")).is_some());
            let src = b.paths.get("src/main.rs".as_bytes().as_bstr()).expect("path");
            let added = b.changes.iter().find(|c| c.path == src).expect("change");
            assert_eq!(b.version_blob(added.blob().expect("blob")), None);
            assert_eq!(encode(&back), bytes, "writing what was read gives the same bytes");
        }
    }

    #[test]
    fn paths_read_on_several_threads_give_the_same_facts() {
        let stored = sample(2000);
        let bytes = encode(&stored);
        let one = decode_on(&bytes, gix::hash::Kind::Sha1, Threads::Fixed(1)).expect("decodes");
        for threads in [2, 3, 8] {
            let many = decode_on(&bytes, gix::hash::Kind::Sha1, Threads::Fixed(threads)).expect("decodes");
            assert_eq!(shape(&one.facts), shape(&many.facts), "{threads} threads");
            assert_eq!(one.facts.changes, many.facts.changes, "{threads} threads");
            let ids = |f: &Facts| {
                (0..f.versions.len() as u32)
                    .map(|v| f.version_blob(v))
                    .collect::<Vec<_>>()
            };
            assert_eq!(ids(&one.facts), ids(&many.facts), "{threads} threads");
            assert_eq!(encode(&many), bytes, "{threads} threads");
        }
    }

    #[test]
    fn a_damaged_or_foreign_store_is_refused() {
        for n in [40, 2000] {
            let bytes = encode(&sample(n));
            for at in [0, 9, 13, 20, 28, 33, HEADER + 3, bytes.len() / 2, bytes.len() - 1] {
                let mut flipped = bytes.clone();
                flipped[at] ^= 0x40;
                assert!(decode(&flipped, gix::hash::Kind::Sha1).is_err(), "byte {at} flipped");
            }
            assert!(matches!(
                decode(&bytes[..bytes.len() - 1], gix::hash::Kind::Sha1),
                Err(StoreError::Damaged(_))
            ));
            let mut later = bytes.clone();
            later[8] = FORMAT as u8 + 1;
            assert!(matches!(
                decode(&later, gix::hash::Kind::Sha1),
                Err(StoreError::Version { found }) if found == FORMAT + 1
            ));
            assert!(matches!(
                decode(&bytes, gix::hash::Kind::Sha256),
                Err(StoreError::Hash { .. })
            ));
        }
    }

    #[test]
    fn every_prefix_and_garbage_is_refused_without_panicking() {
        let bytes = encode(&sample(40));
        for len in 0..bytes.len() {
            assert!(decode(&bytes[..len], gix::hash::Kind::Sha1).is_err());
        }
        // A valid header over a payload of garbage: the checksum is right, the payload wrong.
        let garbage: Vec<u8> = (0..500u32).map(|i| (i * 7919 % 251) as u8).collect();
        let mut forged = Vec::new();
        forged.extend_from_slice(MAGIC);
        forged.extend_from_slice(&FORMAT.to_le_bytes());
        forged.extend_from_slice(&[1, 0, 0, 0]);
        forged.extend_from_slice(&(garbage.len() as u64).to_le_bytes());
        forged.extend_from_slice(&(garbage.len() as u64).to_le_bytes());
        let mut crc = crc32fast::Hasher::new();
        crc.update(&forged);
        crc.update(&garbage);
        forged.extend_from_slice(&crc.finalize().to_le_bytes());
        forged.extend_from_slice(&garbage);
        assert!(matches!(
            decode(&forged, gix::hash::Kind::Sha1),
            Err(StoreError::Damaged(_))
        ));
    }
}
