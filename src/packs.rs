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
    fn add(&mut self, packed: u64, unpacked: u64) {
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

/// One pack's entries, by their position in the index.
struct PackEntries {
    bundle: Bundle,
    kind: Vec<Option<Kind>>,
    packed: Vec<u64>,
    unpacked: Vec<u64>,
    depth: Vec<u32>,
}

/// What is kept of a pack once it is counted: ids (in index order, so sorted), kinds and
/// stored sizes. The pack itself is unmapped.
struct Kept {
    ids: Vec<ObjectId>,
    kind: Vec<Option<Kind>>,
    packed: Vec<u64>,
}

/// The database read once; answers per-object questions afterwards.
pub struct Packs {
    packs: Vec<Kept>,
    loose: Vec<(ObjectId, Kind, u64, u64)>,
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
        for bundle in crate::repo::open_bundles(&dirs, repo.object_hash()) {
            let entries = read_pack(bundle)?;
            statistics.packs += 1;
            statistics.pack_bytes = statistics
                .pack_bytes
                .saturating_add(std::fs::metadata(entries.bundle.pack.path()).map(|m| m.len()).unwrap_or(0));
            for i in 0..entries.kind.len() {
                let Some(kind) = entries.kind[i] else { continue };
                statistics
                    .kinds
                    .entry(kind)
                    .or_default()
                    .add(entries.packed[i], entries.unpacked[i]);
                *statistics.depths.entry(entries.depth[i]).or_default() += 1;
                if entries.depth[i] > 0 {
                    statistics.deltas += 1;
                }
                if entries.unpacked[i] >= large && entries.depth[i] > 0 {
                    deepest.push(Chain {
                        id: entries.bundle.index.oid_at_index(i as u32).to_owned(),
                        path: None,
                        size: entries.unpacked[i],
                        depth: entries.depth[i],
                    });
                    if deepest.len() > shown * 4 {
                        keep_deepest(&mut deepest, shown);
                    }
                }
            }
            packs.push(Kept {
                ids: (0..entries.kind.len() as u32)
                    .map(|i| entries.bundle.index.oid_at_index(i).to_owned())
                    .collect(),
                kind: entries.kind,
                packed: entries.packed,
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
            statistics,
        })
    }

    /// The bytes `id` occupies as stored (its pack entry, or its loose file).
    pub fn packed_size(&self, id: &gix::oid) -> Option<u64> {
        for pack in &self.packs {
            if let Ok(i) = pack.ids.binary_search_by(|probe| probe.as_ref().cmp(id)) {
                return pack.packed.get(i).copied();
            }
        }
        let i = self.loose.binary_search_by(|l| l.0.as_ref().cmp(id)).ok()?;
        self.loose.get(i).map(|l| l.2)
    }

    /// Every object with its kind and packed size (an object in several packs, or both
    /// packed and loose, more than once).
    pub fn each(&self, mut f: impl FnMut(ObjectId, Kind, u64)) {
        for pack in &self.packs {
            for i in 0..pack.kind.len() {
                if let Some(kind) = pack.kind[i] {
                    f(pack.ids[i], kind, pack.packed[i]);
                }
            }
        }
        for &(id, kind, on_disk, _) in &self.loose {
            f(id, kind, on_disk);
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
    let n = bundle.index.num_objects() as usize;
    // Entries in pack order: an entry's stored size ends where the next begins.
    let mut by_offset: Vec<(u64, u32)> = (0..n as u32)
        .map(|i| (bundle.index.pack_offset_at_index(i), i))
        .collect();
    by_offset.sort_unstable();
    let end = bundle.pack.pack_end() as u64;
    let mut kind = vec![None; n];
    let mut packed = vec![0u64; n];
    let mut unpacked = vec![0u64; n];
    // The position (in the index) of each delta's base; `u32::MAX` for a base outside the pack.
    let mut base: Vec<Option<u32>> = vec![None; n];
    let mut inflate = gix::zlib::Inflate::default();
    for (k, &(offset, i)) in by_offset.iter().enumerate() {
        let next = by_offset.get(k + 1).map_or(end, |(o, _)| *o);
        let i = i as usize;
        packed[i] = next.saturating_sub(offset);
        let entry = bundle
            .pack
            .entry(offset)
            .map_err(|e| bad(format!("entry at offset {offset}: {e}")))?;
        let base_offset = match entry.header {
            Header::Commit => Some(Kind::Commit),
            Header::Tree => Some(Kind::Tree),
            Header::Blob => Some(Kind::Blob),
            Header::Tag => Some(Kind::Tag),
            Header::OfsDelta { .. } | Header::RefDelta { .. } => None,
        }
        .map_or_else(
            || match entry.header {
                Header::OfsDelta { base_distance } => Some(entry.base_pack_offset(base_distance)),
                Header::RefDelta { base_id } => Some(
                    bundle
                        .index
                        .lookup(&base_id)
                        .map_or(u64::MAX, |b| bundle.index.pack_offset_at_index(b)),
                ),
                _ => None,
            },
            |k| {
                kind[i] = Some(k);
                None
            },
        );
        match base_offset {
            None => unpacked[i] = entry.decompressed_size,
            Some(u64::MAX) => {
                base[i] = Some(u32::MAX);
                unpacked[i] = delta_result_size(&bundle, &entry, &mut inflate)
                    .ok_or_else(|| bad(format!("delta at offset {offset} has no readable header")))?;
            }
            Some(o) => {
                let Ok(pos) = by_offset.binary_search_by_key(&o, |(off, _)| *off) else {
                    return Err(bad(format!("delta at offset {offset} names a base at {o}, where no entry begins")));
                };
                base[i] = Some(by_offset[pos].1);
                unpacked[i] = delta_result_size(&bundle, &entry, &mut inflate)
                    .ok_or_else(|| bad(format!("delta at offset {offset} has no readable header")))?;
            }
        }
    }
    // Depths and kinds down the chains, memoized.
    let mut depth: Vec<Option<u32>> = vec![None; n];
    let mut chain = Vec::new();
    for start in 0..n {
        let mut at = start;
        while depth[at].is_none() {
            match base[at] {
                None => depth[at] = Some(0),
                // A thin pack's base lives elsewhere: one delta deep from here, kind unknown.
                Some(u32::MAX) => depth[at] = Some(1),
                Some(b) => {
                    chain.push(at);
                    if chain.len() as u32 > MAX_CHAIN {
                        return Err(bad("a delta chain is circular or longer than any git writes".into()));
                    }
                    at = b as usize;
                }
            }
        }
        let (mut d, k) = (depth[at].unwrap_or(0), kind[at]);
        while let Some(i) = chain.pop() {
            d += 1;
            depth[i] = Some(d);
            kind[i] = kind[i].or(k);
        }
    }
    Ok(PackEntries {
        bundle,
        kind,
        packed,
        unpacked,
        depth: depth.into_iter().map(|d| d.unwrap_or(0)).collect(),
    })
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
            return Some((value, &bytes[i + 1..]));
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
            let Some(prefix) = name.to_str().filter(|n| n.len() == 2 && n.bytes().all(|b| b.is_ascii_hexdigit()))
            else {
                continue;
            };
            let Ok(files) = std::fs::read_dir(fan.path()) else { continue };
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
    fn varints_read_as_git_writes_them() {
        assert_eq!(varint(&[0x05, 0x99]), Some((5, &[0x99u8][..])));
        assert_eq!(varint(&[0x80 | 0x10, 0x01]), Some((0x90, &[][..])));
        assert_eq!(varint(&[0x80, 0x80]), None);
        assert_eq!(varint(&[]), None);
    }
}
