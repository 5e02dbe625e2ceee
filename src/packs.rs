//! What the object database holds and costs: every pack entry's kind, stored (packed) and
//! whole (unpacked) size and delta-chain depth, read from pack indexes and entry headers
//! (a delta's result size from its first inflated bytes; nothing is rebuilt), plus loose
//! objects. The audit's statistics and its per-path packed bytes come from here.

use std::collections::BTreeMap;
use std::path::PathBuf;

use gix::ObjectId;
use gix::odb::pack::Bundle;
use gix::odb::pack::data::entry::Header;
use serde::Serialize;

use crate::repo::RepoError;

/// Chains longer than git ever writes mean a corrupt pack.
const MAX_CHAIN: u32 = 10_000;

/// The kinds of objects, as counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// Commits.
    Commit,
    /// Trees.
    Tree,
    /// Blobs.
    Blob,
    /// Annotated tags.
    Tag,
}

impl Kind {
    fn of(kind: gix::object::Kind) -> Kind {
        match kind {
            gix::object::Kind::Commit => Kind::Commit,
            gix::object::Kind::Tree => Kind::Tree,
            gix::object::Kind::Blob => Kind::Blob,
            gix::object::Kind::Tag => Kind::Tag,
        }
    }
}

/// How many objects, and their bytes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Count {
    /// Objects.
    pub objects: u64,
    /// Bytes as stored (compressed, deltified).
    pub packed: u64,
    /// Bytes whole (what checking them out would write).
    pub unpacked: u64,
}

impl Count {
    /// One more object of these sizes.
    pub(crate) fn add(&mut self, packed: u64, unpacked: u64) {
        self.objects += 1;
        self.packed = self.packed.saturating_add(packed);
        self.unpacked = self.unpacked.saturating_add(unpacked);
    }
}

/// A large object at the end of a deep delta chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Chain {
    /// The object.
    #[serde(serialize_with = "hex")]
    pub id: ObjectId,
    /// A path it had, when the walk reached it.
    pub path: Option<String>,
    /// Its whole size.
    pub size: u64,
    /// Deltas between it and its base.
    pub depth: u32,
}

/// The object database at a glance.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Statistics {
    /// Pack files.
    pub packs: u64,
    /// Their size on disk.
    pub pack_bytes: u64,
    /// Objects by kind, packed and loose.
    pub kinds: BTreeMap<Kind, Count>,
    /// Loose objects (their `packed` bytes are the files' sizes).
    pub loose: Count,
    /// Pack entries stored as deltas.
    pub deltas: u64,
    /// Pack entries by delta-chain depth (0: stored whole).
    pub depths: BTreeMap<u32, u64>,
    /// The deepest chains among objects of at least `large` bytes, deepest first.
    pub deepest: Vec<Chain>,
}

impl Statistics {
    /// Every object, packed or loose.
    pub fn objects(&self) -> u64 {
        self.kinds.values().map(|c| c.objects).sum()
    }

    /// What the database occupies on disk: packs and loose objects.
    pub fn disk_bytes(&self) -> u64 {
        self.pack_bytes.saturating_add(self.loose.packed)
    }

    /// Everything whole.
    pub fn unpacked_bytes(&self) -> u64 {
        self.kinds.values().map(|c| c.unpacked).sum()
    }
}

/// One pack entry, by its position in the index.
#[derive(Debug, Clone, Copy, Default)]
struct Entry {
    kind: Option<Kind>,
    packed: u64,
    unpacked: u64,
    /// The base's position in the index; `u32::MAX` for a base outside the pack.
    base: Option<u32>,
    depth: Option<u32>,
    /// The entry's own inflated bytes (a delta's: the delta's).
    inflated: u64,
    /// What rebuilding it inflates: its own bytes and its bases', down the chain.
    chain_bytes: u64,
}

/// One pack's entries, by their position in the index.
struct PackEntries {
    bundle: Bundle,
    entries: Vec<Entry>,
}

/// What is kept of a pack once it is counted: ids (in index order, so sorted), kinds and
/// stored sizes. The pack itself is unmapped.
struct Kept {
    ids: Vec<ObjectId>,
    kind: Vec<Option<Kind>>,
    packed: Vec<u64>,
    unpacked: Vec<u64>,
    /// Whether each entry is stored as a delta.
    delta: Vec<bool>,
    /// Where the ids of each first byte begin in `ids` (and, last, where they end).
    fan: Vec<u32>,
}

impl Kept {
    /// The position of `id` in `ids`.
    fn position(&self, id: &gix::oid) -> Option<usize> {
        let first = usize::from(*id.as_bytes().first()?);
        let start = *self.fan.get(first)? as usize;
        let end = *self.fan.get(first + 1)? as usize;
        let i = self
            .ids
            .get(start..end)?
            .binary_search_by(|probe| probe.as_ref().cmp(id))
            .ok()?;
        Some(start + i)
    }
}

/// For ids in order: where those of each first byte begin, and where the last ones end.
fn fan_out(ids: &[ObjectId]) -> Vec<u32> {
    let mut fan = vec![0u32; 257];
    for id in ids {
        if let Some(&first) = id.as_bytes().first()
            && let Some(slot) = fan.get_mut(usize::from(first) + 1)
        {
            *slot += 1;
        }
    }
    for i in 1..fan.len() {
        let before = fan.get(i - 1).copied().unwrap_or(0);
        if let Some(slot) = fan.get_mut(i) {
            *slot += before;
        }
    }
    fan
}

/// The database read once; answers per-object questions afterwards.
pub struct Packs {
    packs: Vec<Kept>,
    loose: Vec<(ObjectId, Kind, u64, u64)>,
    /// The delta chain (depth, bytes inflated to rebuild) of each packed object of at least
    /// `large` bytes, from the first pack holding it.
    chains: gix::hashtable::HashMap<ObjectId, (u32, u64)>,
    /// The totals.
    pub statistics: Statistics,
}

impl Packs {
    /// Read every pack index and entry header, and every loose object's header. Objects of at
    /// least `large` bytes are candidates for [`Statistics::deepest`] (the `shown` deepest).
    pub fn read(repo: &gix::Repository, large: u64, shown: usize) -> Result<Packs, RepoError> {
        let dirs = crate::repo::object_dirs(repo);
        let mut statistics = Statistics::default();
        let mut packs = Vec::new();
        let mut deepest: Vec<Chain> = Vec::new();
        let mut chains: gix::hashtable::HashMap<ObjectId, (u32, u64)> = Default::default();
        for bundle in crate::repo::open_bundles(&dirs, repo.object_hash()) {
            let entries = read_pack(bundle)?;
            statistics.packs += 1;
            statistics.pack_bytes = statistics.pack_bytes.saturating_add(
                std::fs::metadata(entries.bundle.pack.path())
                    .map(|m| m.len())
                    .unwrap_or(0),
            );
            for (i, e) in entries.entries.iter().enumerate() {
                let Some(kind) = e.kind else { continue };
                let depth = e.depth.unwrap_or(0);
                statistics.kinds.entry(kind).or_default().add(e.packed, e.unpacked);
                *statistics.depths.entry(depth).or_default() += 1;
                if depth > 0 {
                    statistics.deltas += 1;
                }
                if e.unpacked >= large {
                    chains
                        .entry(entries.bundle.index.oid_at_index(i as u32).to_owned())
                        .or_insert((depth, e.chain_bytes));
                }
                if e.unpacked >= large && depth > 0 {
                    deepest.push(Chain {
                        id: entries.bundle.index.oid_at_index(i as u32).to_owned(),
                        path: None,
                        size: e.unpacked,
                        depth,
                    });
                    if deepest.len() > shown * 4 {
                        keep_deepest(&mut deepest, shown);
                    }
                }
            }
            let ids: Vec<ObjectId> = entries.bundle.index.iter().map(|e| e.oid).collect();
            packs.push(Kept {
                fan: fan_out(&ids),
                ids,
                kind: entries.entries.iter().map(|e| e.kind).collect(),
                packed: entries.entries.iter().map(|e| e.packed).collect(),
                unpacked: entries.entries.iter().map(|e| e.unpacked).collect(),
                delta: entries.entries.iter().map(|e| e.depth.unwrap_or(0) > 0).collect(),
            });
        }
        keep_deepest(&mut deepest, shown);
        statistics.deepest = deepest;
        let mut loose = read_loose(repo, &dirs)?;
        loose.sort_by_key(|l| l.0);
        loose.dedup_by_key(|l| l.0);
        for &(_, kind, on_disk, size) in &loose {
            statistics.kinds.entry(kind).or_default().add(on_disk, size);
            statistics.loose.add(on_disk, size);
        }
        Ok(Packs {
            packs,
            loose,
            chains,
            statistics,
        })
    }

    /// The bytes `id` occupies as stored (its pack entry, or its loose file).
    pub fn packed_size(&self, id: &gix::oid) -> Option<u64> {
        for pack in &self.packs {
            if let Some(i) = pack.position(id) {
                return pack.packed.get(i).copied();
            }
        }
        let i = self.loose.binary_search_by(|l| l.0.as_ref().cmp(id)).ok()?;
        self.loose.get(i).map(|l| l.2)
    }

    /// What the object store's header of `id` says: its whole size, and whether it is stored
    /// as a delta (the first pack holding it decides; a loose object is whole). `None` when
    /// the database read here does not hold it.
    pub fn header(&self, id: &gix::oid) -> Option<(u64, bool)> {
        for pack in &self.packs {
            if let Some(i) = pack.position(id) {
                return Some((*pack.unpacked.get(i)?, *pack.delta.get(i)?));
            }
        }
        let i = self.loose.binary_search_by(|l| l.0.as_ref().cmp(id)).ok()?;
        self.loose.get(i).map(|l| (l.3, false))
    }

    /// The delta chain behind a packed object of at least `large` bytes (see [`Packs::read`]):
    /// its depth and the bytes rebuilding it inflates, as
    /// [`ContentReader::delta_chain`](crate::repo::ContentReader::delta_chain) measures them.
    pub fn chain(&self, id: &gix::oid) -> Option<(u32, u64)> {
        self.chains.get(id).copied()
    }

    /// Every object with its kind, packed and whole size (an object in several packs, or
    /// both packed and loose, more than once).
    pub fn each(&self, mut f: impl FnMut(ObjectId, Kind, u64, u64)) {
        for pack in &self.packs {
            let sizes = pack.packed.iter().zip(&pack.unpacked);
            for ((id, kind), (packed, unpacked)) in pack.ids.iter().zip(&pack.kind).zip(sizes) {
                if let Some(kind) = kind {
                    f(*id, *kind, *packed, *unpacked);
                }
            }
        }
        for &(id, kind, on_disk, size) in &self.loose {
            f(id, kind, on_disk, size);
        }
    }
}

fn hex<S: serde::Serializer>(id: &ObjectId, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(id)
}

fn keep_deepest(chains: &mut Vec<Chain>, shown: usize) {
    chains.sort_by(|a, b| (b.depth, b.size, a.id).cmp(&(a.depth, a.size, b.id)));
    chains.truncate(shown);
}

fn read_pack(bundle: Bundle) -> Result<PackEntries, RepoError> {
    let pack_name = bundle.pack.path().display().to_string();
    let bad = |what: String| RepoError::read(format!("reading pack {pack_name}"), what);
    let n = bundle.index.num_objects();
    // Entries in pack order: an entry's stored size ends where the next begins.
    let mut by_offset: Vec<(u64, u32)> = (0..n).map(|i| (bundle.index.pack_offset_at_index(i), i)).collect();
    by_offset.sort_unstable();
    let end = bundle.pack.pack_end() as u64;
    let mut entries = vec![Entry::default(); n as usize];
    let mut inflate = gix::zlib::Inflate::default();
    let nexts = by_offset.iter().skip(1).map(|(o, _)| *o).chain(std::iter::once(end));
    for (&(offset, i), next) in by_offset.iter().zip(nexts) {
        let header = bundle
            .pack
            .entry(offset)
            .map_err(|e| bad(format!("entry at offset {offset}: {e}")))?;
        let Some(e) = entries.get_mut(i as usize) else { continue };
        e.packed = next.saturating_sub(offset);
        e.inflated = header.decompressed_size;
        let base_offset = match header.header {
            Header::Commit => Err(Kind::Commit),
            Header::Tree => Err(Kind::Tree),
            Header::Blob => Err(Kind::Blob),
            Header::Tag => Err(Kind::Tag),
            Header::OfsDelta { base_distance } => Ok(Some(header.base_pack_offset(base_distance))),
            Header::RefDelta { base_id } => Ok(bundle
                .index
                .lookup(base_id)
                .map(|b| bundle.index.pack_offset_at_index(b))),
        };
        match base_offset {
            Err(kind) => {
                e.kind = Some(kind);
                e.unpacked = header.decompressed_size;
                continue;
            }
            // A thin pack's base lives elsewhere.
            Ok(None) => e.base = Some(u32::MAX),
            Ok(Some(o)) => {
                let Ok(pos) = by_offset.binary_search_by_key(&o, |(off, _)| *off) else {
                    return Err(bad(format!(
                        "delta at offset {offset} names a base at {o}, where no entry begins"
                    )));
                };
                e.base = by_offset.get(pos).map(|(_, b)| *b);
            }
        }
        e.unpacked = delta_result_size(&bundle, &header, &mut inflate)
            .ok_or_else(|| bad(format!("delta at offset {offset} has no readable header")))?;
    }
    resolve_chains(&mut entries).map_err(|()| bad("a delta chain is circular or longer than any git writes".into()))?;
    Ok(PackEntries { bundle, entries })
}

/// Depths and kinds down the delta chains, each entry resolved once.
fn resolve_chains(entries: &mut [Entry]) -> Result<(), ()> {
    let mut chain: Vec<usize> = Vec::new();
    for start in 0..entries.len() {
        let mut at = start;
        // Follow bases until one whose depth is known.
        let (depth, kind, bytes) = loop {
            let Some(e) = entries.get_mut(at) else { return Err(()) };
            if let Some(d) = e.depth {
                break (d, e.kind, e.chain_bytes);
            }
            match e.base {
                None => {
                    e.depth = Some(0);
                    e.chain_bytes = e.inflated;
                    break (0, e.kind, e.chain_bytes);
                }
                // One delta deep from here; the kind is the outside base's, unknown.
                Some(u32::MAX) => {
                    e.depth = Some(1);
                    e.chain_bytes = e.inflated;
                    break (1, e.kind, e.chain_bytes);
                }
                Some(b) => {
                    chain.push(at);
                    if chain.len() > MAX_CHAIN as usize {
                        return Err(());
                    }
                    at = b as usize;
                }
            }
        };
        let (mut d, mut b) = (depth, bytes);
        while let Some(i) = chain.pop() {
            d += 1;
            if let Some(e) = entries.get_mut(i) {
                b = b.saturating_add(e.inflated);
                e.depth = Some(d);
                e.chain_bytes = b;
                e.kind = e.kind.or(kind);
            }
        }
    }
    Ok(())
}

/// A delta's result size: the second varint of its inflated header.
fn delta_result_size(
    bundle: &Bundle,
    entry: &gix::odb::pack::data::Entry,
    inflate: &mut gix::zlib::Inflate,
) -> Option<u64> {
    let data = bundle
        .pack
        .entry_slice(entry.data_offset..bundle.pack.pack_end() as u64)?;
    let mut head = [0u8; 32];
    inflate.reset();
    let (_, _, written) = inflate.prefix(data, &mut head).ok()?;
    let head = head.get(..written)?;
    let (_, rest) = varint(head)?;
    varint(rest).map(|(size, _)| size)
}

/// A little-endian base-128 number, and what follows it.
fn varint(bytes: &[u8]) -> Option<(u64, &[u8])> {
    let mut value = 0u64;
    for (i, b) in bytes.iter().enumerate().take(10) {
        value |= u64::from(b & 0x7f) << (7 * i);
        if b & 0x80 == 0 {
            return Some((value, bytes.get(i + 1..).unwrap_or_default()));
        }
    }
    None
}

/// Every loose object: id, kind, bytes on disk, whole size.
fn read_loose(repo: &gix::Repository, dirs: &[PathBuf]) -> Result<Vec<(ObjectId, Kind, u64, u64)>, RepoError> {
    let mut loose = Vec::new();
    let hex_len = repo.object_hash().len_in_hex();
    for dir in dirs {
        let Ok(fans) = std::fs::read_dir(dir) else { continue };
        for fan in fans.flatten() {
            let name = fan.file_name();
            let Some(prefix) = name
                .to_str()
                .filter(|n| n.len() == 2 && n.bytes().all(|b| b.is_ascii_hexdigit()))
            else {
                continue;
            };
            let Ok(files) = std::fs::read_dir(fan.path()) else {
                continue;
            };
            for file in files.flatten() {
                let rest = file.file_name();
                let Some(rest) = rest.to_str() else { continue };
                let Ok(id) = ObjectId::from_hex(format!("{prefix}{rest}").as_bytes()) else {
                    continue;
                };
                if 2 + rest.len() != hex_len {
                    continue;
                }
                let on_disk = file.metadata().map(|m| m.len()).unwrap_or(0);
                let header = repo
                    .try_find_header(id)
                    .map_err(|e| RepoError::read(format!("reading the header of loose object {id}"), e))?;
                if let Some(header) = header {
                    loose.push((id, Kind::of(header.kind()), on_disk, header.size()));
                }
            }
        }
    }
    Ok(loose)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_found_through_the_fan_out() {
        let hex = ["00aa", "00ab", "7f00", "ff01", "ff02"];
        let ids: Vec<ObjectId> = hex
            .iter()
            .map(|h| ObjectId::from_hex(format!("{h:0<40}").as_bytes()).expect("valid hex"))
            .collect();
        let kept = Kept {
            fan: fan_out(&ids),
            ids: ids.clone(),
            kind: vec![Some(Kind::Blob); ids.len()],
            packed: vec![1; ids.len()],
            unpacked: vec![2; ids.len()],
            delta: vec![false; ids.len()],
        };
        for (i, id) in ids.iter().enumerate() {
            assert_eq!(kept.position(id), Some(i));
        }
        let absent = ObjectId::from_hex(format!("{:0<40}", "7f01").as_bytes()).expect("valid hex");
        assert_eq!(kept.position(&absent), None);
        assert_eq!(kept.fan.last().copied(), Some(5));
    }

    #[test]
    fn varints_read_as_git_writes_them() {
        assert_eq!(varint(&[0x05, 0x99]), Some((5, &[0x99u8][..])));
        assert_eq!(varint(&[0x80 | 0x10, 0x01]), Some((0x90, &[][..])));
        assert_eq!(varint(&[0x80, 0x80]), None);
        assert_eq!(varint(&[]), None);
    }
}
