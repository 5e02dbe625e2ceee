//! Opening the repository and reading objects cheaply: sizes from headers, content from a
//! bounded prefix.

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

use gix::ObjectId;
use gix::odb::pack::Bundle;

/// The repository could not be opened or read. Exit status 3.
#[derive(Debug, thiserror::Error)]
pub enum RepoError {
    /// No repository at or above the directory, or no such directory: one sentence for both,
    /// `<dir> is not a git repository (<why>)`.
    #[error("{} is not a git repository ({why})", dir.display())]
    NotARepository {
        /// Where we looked.
        dir: PathBuf,
        /// `or any of its parents`, `no such directory`, `not a directory`.
        why: &'static str,
    },
    /// Any other failure reading the repository.
    #[error("{context}")]
    Read {
        /// What we were doing.
        context: String,
        /// What went wrong.
        source: Box<dyn std::error::Error + Send + Sync>,
    },
}

impl RepoError {
    /// Wrap an error with what we were doing.
    pub(crate) fn read(
        context: impl Into<String>,
        source: impl Into<Box<dyn std::error::Error + Send + Sync>>,
    ) -> Self {
        RepoError::Read {
            context: context.into(),
            source: source.into(),
        }
    }
}

/// Memory for delta bases kept between object lookups, per object-store handle (a whole-history
/// walk has several: its diff threads and the blob reader). Larger caches measured slower.
const PACK_CACHE_BYTES: usize = 16 * 1024 * 1024;

/// Open the repository at `dir` (work tree or bare, searching upwards), or around the current
/// directory honoring `GIT_DIR` when `dir` is `None`.
pub fn open(dir: Option<&Path>) -> Result<gix::Repository, RepoError> {
    let (at, result) = match dir {
        // A path that is not a directory reads as one that holds no repository.
        Some(d) if !d.is_dir() => {
            let why = if d.exists() {
                "not a directory"
            } else {
                "no such directory"
            };
            return Err(RepoError::NotARepository { dir: d.to_owned(), why });
        }
        // Searched from its absolute path: gix's upward search mistakes a relative path that
        // climbs out of a work tree (`../srv.git` from inside one) for that work tree's `.git`.
        Some(d) => (
            d.to_owned(),
            gix::discover(std::fs::canonicalize(d).unwrap_or_else(|_| d.to_owned())),
        ),
        None => (PathBuf::from("."), gix::discover_with_environment_overrides(".")),
    };
    let mut repo = result.map_err(|e| {
        if e.downcast_any_ref::<gix::discover::upwards::Error>().is_some() {
            RepoError::NotARepository {
                dir: at,
                why: "or any of its parents",
            }
        } else {
            // A repository is there, but it cannot be used (an unsupported object format,
            // broken configuration, ...): say why.
            RepoError::read(format!("cannot open the repository at {}", at.display()), e)
        }
    })?;
    tune(&mut repo);
    Ok(repo)
}

/// Set the caches a scan wants (again after the object store is replaced).
pub(crate) fn tune(repo: &mut gix::Repository) {
    // Commits and trees are looked up more than once (walk, diff, attributes); blobs are not
    // kept whole.
    repo.object_cache_size_if_unset(8 * 1024 * 1024);
    // Delta bases shared by neighbouring versions are worth keeping: a memory-capped cache
    // beats the default small LRU on history walks.
    repo.objects
        .set_pack_cache(|| Box::new(gix::odb::pack::cache::lru::MemoryCappedHashmap::new(PACK_CACHE_BYTES)));
}

/// Reads the first bytes of blobs without inflating them whole where the storage allows:
/// loose objects and non-delta pack entries are inflated only as far as needed; delta entries
/// must be rebuilt, which only objects up to `max_rebuild` bytes are.
pub(crate) struct ContentReader {
    object_dirs: Vec<PathBuf>,
    packs: Option<Vec<Bundle>>,
    hash: gix::hash::Kind,
    max_rebuild: u64,
}

/// Deltas larger than this are not rebuilt to read their first bytes: such a blob is judged
/// by its name and size.
pub(crate) const MAX_REBUILD: u64 = 64 * 1024 * 1024;

/// Blobs up to this size are simply read whole: cheaper than locating pack entries.
const READ_WHOLE_BELOW: u64 = 256 * 1024;

/// The repository's object directories: its own, then its alternates'.
pub(crate) fn object_dirs(repo: &gix::Repository) -> Vec<PathBuf> {
    let store = repo.objects.store_ref();
    let mut dirs = vec![store.path().to_owned()];
    dirs.extend(store.alternate_db_paths().unwrap_or_default());
    dirs
}

/// Every pack (with its index) in `dirs`. Packs that cannot be opened are left out; reading
/// their objects through the object store reports them.
pub(crate) fn open_bundles(dirs: &[PathBuf], hash: gix::hash::Kind) -> Vec<Bundle> {
    pack_indexes(dirs)
        .iter()
        .filter_map(|p| Bundle::at(p, hash).ok())
        .collect()
}

/// The pack index files in `dirs`, in order (each directory's sorted by name).
pub(crate) fn pack_indexes(dirs: &[PathBuf]) -> Vec<PathBuf> {
    let mut indexes = Vec::new();
    for dir in dirs {
        let Ok(entries) = std::fs::read_dir(dir.join("pack")) else {
            continue;
        };
        let mut paths: Vec<PathBuf> = entries
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "idx"))
            .collect();
        paths.sort();
        indexes.extend(paths);
    }
    indexes
}

impl ContentReader {
    /// A reader over the repository's object directories (and their alternates).
    pub(crate) fn new(repo: &gix::Repository) -> Self {
        ContentReader {
            object_dirs: object_dirs(repo),
            packs: None,
            hash: repo.object_hash(),
            max_rebuild: MAX_REBUILD,
        }
    }

    /// Up to `n` leading bytes of blob `oid` of `size` bytes. `Ok(None)` when the content cannot
    /// be had cheaply (a huge delta) — callers then judge by name and size alone.
    pub(crate) fn prefix(
        &mut self,
        repo: &gix::Repository,
        oid: ObjectId,
        size: u64,
        n: usize,
    ) -> Result<Option<Vec<u8>>, RepoError> {
        if size > READ_WHOLE_BELOW {
            if let Some(bytes) = self.pack_prefix(oid, n)? {
                return Ok(Some(bytes));
            }
            if let Some(bytes) = self.loose_prefix(oid, n)? {
                return Ok(Some(bytes));
            }
            if size > self.max_rebuild {
                return Ok(None);
            }
        }
        let object = repo
            .find_object(oid)
            .map_err(|e| RepoError::read(format!("reading blob {oid}"), e))?;
        let data = &object.data;
        Ok(Some(data.get(..n).unwrap_or(data).to_vec()))
    }

    fn bundles(&mut self) -> &[Bundle] {
        let (dirs, hash) = (&self.object_dirs, self.hash);
        self.packs.get_or_insert_with(|| open_bundles(dirs, hash))
    }

    /// A non-delta pack entry: inflate only the first `n` bytes.
    fn pack_prefix(&mut self, oid: ObjectId, n: usize) -> Result<Option<Vec<u8>>, RepoError> {
        let hash = self.hash;
        for bundle in self.bundles() {
            let Some(index) = bundle.index.lookup(oid) else {
                continue;
            };
            let offset = bundle.index.pack_offset_at_index(index);
            let bad = |what: String| RepoError::read(format!("reading pack entry of {oid}"), what);
            let entry = bundle
                .pack
                .entry_slice(offset..bundle.pack.pack_end() as u64)
                .ok_or_else(|| bad("the entry lies outside its pack".into()))?;
            return crate::packs::whole_prefix(entry, offset, hash, n).map_err(bad);
        }
        Ok(None)
    }

    /// The delta chain behind a packed object: its depth and the bytes that must be inflated
    /// to rebuild it (the sizes of every entry of the chain, base included). Read from the pack
    /// index and entry headers only. `None` when the object is not packed (loose, absent).
    pub(crate) fn delta_chain(&mut self, oid: ObjectId) -> Result<Option<(u32, u64)>, RepoError> {
        use gix::odb::pack::data::entry::Header;
        /// Longer chains than git ever writes mean a corrupt pack; stop there.
        const MAX_CHAIN: u32 = 10_000;
        let read = |e: gix::Error| RepoError::read(format!("reading the delta chain of {oid}"), e);
        for bundle in self.bundles() {
            let Some(index) = bundle.index.lookup(oid) else {
                continue;
            };
            let mut offset = bundle.index.pack_offset_at_index(index);
            let (mut depth, mut bytes) = (0u32, 0u64);
            loop {
                let entry = bundle.pack.entry(offset).map_err(read)?;
                bytes = bytes.saturating_add(entry.decompressed_size);
                let next = match entry.header {
                    Header::OfsDelta { base_distance } => Some(entry.base_pack_offset(base_distance)),
                    Header::RefDelta { base_id } => match bundle.index.lookup(base_id) {
                        Some(i) => Some(bundle.index.pack_offset_at_index(i)),
                        // A base outside this pack (a thin pack's) ends the chain here.
                        None => {
                            depth += 1;
                            None
                        }
                    },
                    _ => None,
                };
                let Some(next) = next else { break };
                depth += 1;
                if depth > MAX_CHAIN || next >= offset && matches!(entry.header, Header::OfsDelta { .. }) {
                    return Err(RepoError::read(
                        format!("reading the delta chain of {oid}"),
                        "the delta chain is circular or longer than any git writes",
                    ));
                }
                offset = next;
            }
            return Ok(Some((depth, bytes)));
        }
        Ok(None)
    }

    /// A loose object: inflate the header and the first `n` bytes of content.
    fn loose_prefix(&self, oid: ObjectId, n: usize) -> Result<Option<Vec<u8>>, RepoError> {
        let hex = oid.to_string();
        for dir in &self.object_dirs {
            let path = dir.join(&hex[..2]).join(&hex[2..]);
            let Ok(file) = File::open(&path) else { continue };
            // zlib never expands incompressible input by more than a few bytes per block, so
            // this much compressed input always yields `n` bytes of content plus the header.
            let mut compressed = Vec::new();
            file.take((n + 4096) as u64)
                .read_to_end(&mut compressed)
                .map_err(|e| RepoError::read(format!("reading {}", path.display()), e))?;
            let mut out = vec![0u8; n + 64];
            let (_, _, written) = gix::zlib::Inflate::default()
                .prefix(&compressed, &mut out)
                .map_err(|e| RepoError::read(format!("inflating {}", path.display()), e))?;
            out.truncate(written);
            let Some(nul) = out.iter().position(|b| *b == 0) else {
                return Err(RepoError::read(
                    format!("reading {}", path.display()),
                    "loose object without a header",
                ));
            };
            out.drain(..=nul);
            out.truncate(n);
            return Ok(Some(out));
        }
        Ok(None)
    }
}
