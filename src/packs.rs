//! What the object database holds and costs: every pack entry's kind, stored (packed) and
//! whole (unpacked) size and delta-chain depth, read from pack indexes and entry headers
//! (a delta's result size from its first inflated bytes; nothing is rebuilt), plus loose
//! objects. The audit's statistics and its per-path packed bytes come from here.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufReader, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use gix::ObjectId;
use gix::odb::pack::cache::DecodeEntry;
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
pub(crate) struct Count {
    /// Objects.
    pub(crate) objects: u64,
    /// Bytes as stored (compressed, deltified).
    pub(crate) packed: u64,
    /// Bytes whole (what checking them out would write).
    pub(crate) unpacked: u64,
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
pub(crate) struct Chain {
    /// The object.
    #[serde(serialize_with = "hex")]
    pub(crate) id: ObjectId,
    /// A path it had, when the walk reached it.
    pub(crate) path: Option<String>,
    /// Its whole size.
    pub(crate) size: u64,
    /// Deltas between it and its base.
    pub(crate) depth: u32,
}

/// The object database at a glance.
#[derive(Debug, Clone, Default, Serialize)]
pub(crate) struct Statistics {
    /// Pack files.
    pub(crate) packs: u64,
    /// Their size on disk.
    pub(crate) pack_bytes: u64,
    /// Objects by kind, packed and loose, each once (an object in several packs, or packed
    /// and loose, is counted in the first pack that holds it).
    pub(crate) kinds: BTreeMap<Kind, Count>,
    /// Loose object files, a packed object's loose copy included (their `packed` bytes are
    /// the files' sizes).
    pub(crate) loose: Count,
    /// Pack entries stored as deltas.
    pub(crate) deltas: u64,
    /// Pack entries by delta-chain depth (0: stored whole).
    pub(crate) depths: BTreeMap<u32, u64>,
    /// The deepest chains among objects of at least `large` bytes, deepest first.
    pub(crate) deepest: Vec<Chain>,
}

impl Statistics {
    /// Every object, packed or loose.
    pub(crate) fn objects(&self) -> u64 {
        self.kinds.values().map(|c| c.objects).sum()
    }

    /// What the database occupies on disk: packs and loose objects.
    pub(crate) fn disk_bytes(&self) -> u64 {
        self.pack_bytes.saturating_add(self.loose.packed)
    }

    /// Everything whole.
    pub(crate) fn unpacked_bytes(&self) -> u64 {
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
    index: gix::odb::pack::index::File,
    pack: File,
    entries: Vec<Entry>,
}

/// What is kept of a pack once it is counted: ids (in index order, so sorted), kinds,
/// offsets and stored sizes, and the pack file, which is read, never mapped (its pages stay
/// in the page cache, not in this process).
struct Kept {
    pack: Mutex<File>,
    /// The pack file's path, for the readers of [`Objects`], each of which opens it.
    path: PathBuf,
    ids: Vec<ObjectId>,
    offset: Vec<u64>,
    kind: Vec<Option<Kind>>,
    packed: Vec<u64>,
    unpacked: Vec<u64>,
    /// Each entry's delta base: its position in `ids`, [`WHOLE`] for an entry stored whole,
    /// [`OUTSIDE`] for a base in another pack (a thin pack's).
    base: Vec<u32>,
    /// Where the ids of each leading [`Fan::bits`] begin in `ids` (and, last, where they end).
    fan: Fan,
}

/// [`Kept::base`] of an entry stored whole.
const WHOLE: u32 = u32::MAX;
/// [`Kept::base`] of a delta whose base the pack does not hold.
const OUTSIDE: u32 = u32::MAX - 1;

impl Kept {
    /// Whether the entry at `i` is stored as a delta.
    fn delta(&self, i: usize) -> Option<bool> {
        self.base.get(i).map(|&b| b != WHOLE)
    }

    /// The position of `id` in `ids`.
    fn position(&self, id: &gix::oid) -> Option<usize> {
        let bucket = self.fan.bucket(id)?;
        let start = *self.fan.starts.get(bucket)? as usize;
        let end = *self.fan.starts.get(bucket + 1)? as usize;
        // Ids compared by their first eight bytes as a number, which nearly always decides,
        // and in full only when those are equal.
        let prefix = |bytes: &[u8]| {
            bytes
                .get(..8)
                .and_then(|b| <[u8; 8]>::try_from(b).ok())
                .map_or(0, u64::from_be_bytes)
        };
        let (key, wanted) = (id.as_bytes(), prefix(id.as_bytes()));
        let i = self
            .ids
            .get(start..end)?
            .binary_search_by(|probe| {
                let probe = probe.as_bytes();
                prefix(probe).cmp(&wanted).then_with(|| probe.cmp(key))
            })
            .ok()?;
        Some(start + i)
    }
}

/// A fan-out table over sorted ids, as a pack index has one by first byte, but by as many
/// leading bits as it takes for buckets of a few ids each: a lookup then searches those
/// few, in one place, instead of a thousand across a large pack's index.
struct Fan {
    bits: u32,
    /// Where the ids of each bucket begin, and, last, where they end.
    starts: Vec<u32>,
}

impl Fan {
    /// At most 2^16 buckets (256 KiB).
    const MAX_BITS: u32 = 16;

    /// The table for `ids`, sorted.
    fn new(ids: &[ObjectId]) -> Fan {
        let bits = usize::BITS - ids.len().leading_zeros();
        let bits = bits.clamp(8, Self::MAX_BITS);
        let mut fan = Fan {
            bits,
            starts: vec![0u32; (1 << bits) + 1],
        };
        for id in ids {
            if let Some(bucket) = fan.bucket(id)
                && let Some(slot) = fan.starts.get_mut(bucket + 1)
            {
                *slot += 1;
            }
        }
        for i in 1..fan.starts.len() {
            let before = fan.starts.get(i - 1).copied().unwrap_or(0);
            if let Some(slot) = fan.starts.get_mut(i) {
                *slot += before;
            }
        }
        fan
    }

    /// The bucket of `id`: its leading `bits` bits.
    fn bucket(&self, id: &gix::oid) -> Option<usize> {
        let lead = id.as_bytes().get(..2)?;
        let lead = u16::from_be_bytes([*lead.first()?, *lead.get(1)?]);
        Some(usize::from(lead >> (16 - self.bits)))
    }
}

/// Up to `n` leading bytes of the object whose pack entry starts `entry` (the entry's bytes
/// from its header on, at pack offset `offset`), inflating only those. `None` for a delta,
/// which must be rebuilt.
pub(crate) fn whole_prefix(
    entry: &[u8],
    offset: u64,
    hash: gix::hash::Kind,
    n: usize,
) -> Result<Option<Vec<u8>>, String> {
    let header = gix::odb::pack::data::Entry::from_bytes(entry, offset, hash).map_err(|e| e.to_string())?;
    if !header.header.is_base() {
        return Ok(None);
    }
    let mut out = vec![0u8; n.min(usize::try_from(header.decompressed_size).unwrap_or(usize::MAX))];
    let data = entry.get(header.header_size()..).unwrap_or_default();
    let (_, _, written) = gix::zlib::Inflate::default()
        .prefix(data, &mut out)
        .map_err(|e| format!("inflating: {e}"))?;
    out.truncate(written);
    Ok(Some(out))
}

/// Where a pack keeps an object: which pack, and its position in that pack's index.
#[derive(Debug, Clone, Copy)]
pub struct Located {
    pack: usize,
    index: usize,
    /// Its number (see [`Packs::number`]).
    number: Option<usize>,
}

/// The database read once; answers per-object questions afterwards.
pub struct Packs {
    packs: Vec<Kept>,
    /// Where each pack's entries start in the numbering of every entry of the packs (see
    /// [`Packs::number`]), and, last, how many entries there are.
    starts: Vec<usize>,
    loose: Vec<(ObjectId, Kind, u64, u64)>,
    /// The delta chain (depth, bytes inflated to rebuild) of each packed object of at least
    /// `large` bytes, from the first pack holding it.
    chains: gix::hashtable::HashMap<ObjectId, (u32, u64)>,
    hash: gix::hash::Kind,
    /// The totals.
    pub(crate) statistics: Statistics,
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
        for index in crate::repo::pack_indexes(&dirs) {
            // A pack that cannot be opened is left out here; reading its objects through the
            // object store reports it.
            let Ok(entries) = open_pack(&index, repo.object_hash()) else {
                continue;
            };
            let entries = read_pack(entries, &index, repo.object_hash())?;
            statistics.packs += 1;
            statistics.pack_bytes = statistics
                .pack_bytes
                .saturating_add(entries.pack.metadata().map(|m| m.len()).unwrap_or(0));
            for (i, e) in entries.entries.iter().enumerate() {
                if e.kind.is_none() {
                    continue;
                }
                let depth = e.depth.unwrap_or(0);
                *statistics.depths.entry(depth).or_default() += 1;
                if depth > 0 {
                    statistics.deltas += 1;
                }
                if e.unpacked >= large {
                    chains
                        .entry(entries.index.oid_at_index(i as u32).to_owned())
                        .or_insert((depth, e.chain_bytes));
                }
                if e.unpacked >= large && depth > 0 {
                    deepest.push(Chain {
                        id: entries.index.oid_at_index(i as u32).to_owned(),
                        path: None,
                        size: e.unpacked,
                        depth,
                    });
                    if deepest.len() > shown * 4 {
                        keep_deepest(&mut deepest, shown);
                    }
                }
            }
            let ids: Vec<ObjectId> = entries.index.iter().map(|e| e.oid).collect();
            packs.push(Kept {
                fan: Fan::new(&ids),
                offset: (0..entries.index.num_objects())
                    .map(|i| entries.index.pack_offset_at_index(i))
                    .collect(),
                pack: Mutex::new(entries.pack),
                path: index.with_extension("pack"),
                ids,
                kind: entries.entries.iter().map(|e| e.kind).collect(),
                packed: entries.entries.iter().map(|e| e.packed).collect(),
                unpacked: entries.entries.iter().map(|e| e.unpacked).collect(),
                base: entries
                    .entries
                    .iter()
                    .map(|e| match e.base {
                        None => WHOLE,
                        Some(u32::MAX) => OUTSIDE,
                        Some(b) => b,
                    })
                    .collect(),
            });
        }
        keep_deepest(&mut deepest, shown);
        statistics.deepest = deepest;
        let mut loose = read_loose(repo, &dirs)?;
        loose.sort_by_key(|l| l.0);
        loose.dedup_by_key(|l| l.0);
        for &(_, _, on_disk, size) in &loose {
            statistics.loose.add(on_disk, size);
        }
        let mut starts = Vec::with_capacity(packs.len() + 1);
        let mut total = 0usize;
        for pack in &packs {
            starts.push(total);
            total += pack.ids.len();
        }
        starts.push(total);
        let mut packs = Packs {
            packs,
            starts,
            loose,
            chains,
            hash: repo.object_hash(),
            statistics,
        };
        // Objects by kind, each once: one in several packs, or packed and loose, is one object.
        let mut kinds: BTreeMap<Kind, Count> = BTreeMap::new();
        packs.each(|_, kind, packed, unpacked| kinds.entry(kind).or_default().add(packed, unpacked));
        packs.statistics.kinds = kinds;
        Ok(packs)
    }

    /// The bytes `id` occupies as stored (its pack entry, or its loose file).
    pub(crate) fn packed_size(&self, id: &gix::oid) -> Option<u64> {
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
        match self.locate(id) {
            Some(at) => self.header_at(at),
            None => {
                let i = self.loose.binary_search_by(|l| l.0.as_ref().cmp(id)).ok()?;
                self.loose.get(i).map(|l| (l.3, false))
            }
        }
    }

    /// Where the first pack holding `id` keeps it.
    pub fn locate(&self, id: &gix::oid) -> Option<Located> {
        self.packs.iter().enumerate().find_map(|(pack, p)| {
            p.position(id).map(|index| Located {
                pack,
                index,
                number: self.starts.get(pack).map(|start| start + index),
            })
        })
    }

    /// [`Packs::header`] of a located object.
    pub(crate) fn header_at(&self, at: Located) -> Option<(u64, bool)> {
        let pack = self.packs.get(at.pack)?;
        Some((*pack.unpacked.get(at.index)?, pack.delta(at.index)?))
    }

    /// Up to `n` leading bytes of the blob `id`, located `at`, when its pack holds it whole
    /// (not as a delta): only those are inflated, read from the pack file without mapping it.
    /// `None` when it is a delta.
    pub fn prefix(&self, id: &gix::oid, at: Located, n: usize) -> Result<Option<Vec<u8>>, RepoError> {
        let (Some(pack), i) = (self.packs.get(at.pack), at.index) else {
            return Ok(None);
        };
        let (Some(&offset), Some(&packed), Some(&size), Some(false)) = (
            pack.offset.get(i),
            pack.packed.get(i),
            pack.unpacked.get(i),
            pack.delta(i),
        ) else {
            return Ok(None);
        };
        let bad = |what: String| RepoError::read(format!("reading blob {id}"), what);
        let want = n.min(usize::try_from(size).unwrap_or(usize::MAX));
        // Deflate never grows data by more than a few bytes per block: this much of the
        // entry (header included) holds the first `want` bytes, unless the entry is shorter.
        let mut read = packed.min(want as u64 + 1024);
        let mut bytes = Vec::new();
        loop {
            {
                let mut file = pack.pack.lock().map_err(|_| bad("the pack reader failed".into()))?;
                file.seek(SeekFrom::Start(offset)).map_err(|e| bad(e.to_string()))?;
                bytes.clear();
                (&mut *file)
                    .take(read)
                    .read_to_end(&mut bytes)
                    .map_err(|e| bad(e.to_string()))?;
            }
            let out = whole_prefix(&bytes, offset, self.hash, want).map_err(bad)?;
            match out {
                Some(out) if out.len() < want && read < packed => read = packed,
                out => return Ok(out),
            }
        }
    }

    /// The delta chain behind a packed object of at least `large` bytes (see [`Packs::read`]):
    /// its depth and the bytes rebuilding it inflates, as
    /// [`ContentReader::delta_chain`](crate::repo::ContentReader::delta_chain) measures them.
    pub(crate) fn chain(&self, id: &gix::oid) -> Option<(u32, u64)> {
        self.chains.get(id).copied()
    }

    /// Every object once, with its kind, packed and whole size: an object in several packs is
    /// taken from the first that holds it, and a loose copy of a packed object is left out.
    pub fn each(&self, mut f: impl FnMut(ObjectId, Kind, u64, u64)) {
        let mut emit = |pack: &Kept, i: usize| {
            if let (Some(id), Some(Some(kind)), Some(packed), Some(unpacked)) = (
                pack.ids.get(i),
                pack.kind.get(i),
                pack.packed.get(i),
                pack.unpacked.get(i),
            ) {
                f(*id, *kind, *packed, *unpacked);
            }
        };
        match self.packs.as_slice() {
            [] => {}
            [pack] => (0..pack.ids.len()).for_each(|i| emit(pack, i)),
            packs => {
                // Each pack's ids are sorted: merge them, smallest id first, the earlier pack
                // first among equal ids, and keep the first of each id.
                use std::cmp::Reverse;
                use std::collections::BinaryHeap;
                let mut heads: BinaryHeap<Reverse<(ObjectId, usize, usize)>> = packs
                    .iter()
                    .enumerate()
                    .filter_map(|(p, pack)| pack.ids.first().map(|id| Reverse((*id, p, 0))))
                    .collect();
                let mut last: Option<ObjectId> = None;
                while let Some(Reverse((id, p, i))) = heads.pop() {
                    let Some(pack) = packs.get(p) else { continue };
                    if last != Some(id) {
                        emit(pack, i);
                        last = Some(id);
                    }
                    if let Some(next) = pack.ids.get(i + 1) {
                        heads.push(Reverse((*next, p, i + 1)));
                    }
                }
            }
        }
        for &(id, kind, on_disk, size) in &self.loose {
            if self.locate(&id).is_none() {
                f(id, kind, on_disk, size);
            }
        }
    }
}

/// A value for every entry of the packs, by its position: facts about objects kept in an
/// array instead of a map keyed by id.
#[derive(Debug, Clone, Default)]
pub(crate) struct ByPosition<T> {
    values: Vec<T>,
}

impl<T: Clone> ByPosition<T> {
    /// The value at `at`.
    pub(crate) fn get(&self, at: Located) -> Option<&T> {
        self.values.get(at.number?)
    }

    /// The value at `at`, to change.
    pub(crate) fn get_mut(&mut self, at: Located) -> Option<&mut T> {
        self.values.get_mut(at.number?)
    }

    /// The value of the entry numbered `n` (see [`Packs::number`]).
    pub(crate) fn at_number(&self, n: u32) -> Option<&T> {
        self.values.get(n as usize)
    }

    /// Every entry's number (see [`Packs::number`]) and its value.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (u32, &T)> {
        self.values
            .iter()
            .enumerate()
            .map(|(n, v)| (u32::try_from(n).unwrap_or(u32::MAX), v))
    }

    /// The same positions with `f` of each value.
    pub(crate) fn map<U>(&self, f: impl FnMut(&T) -> U) -> ByPosition<U> {
        ByPosition {
            values: self.values.iter().map(f).collect(),
        }
    }
}

impl Packs {
    /// `value` for every entry of the packs.
    pub(crate) fn by_position<T: Clone>(&self, value: T) -> ByPosition<T> {
        ByPosition {
            values: vec![value; self.entries()],
        }
    }

    /// How many entries the packs hold (an object two packs hold counts twice).
    pub(crate) fn entries(&self) -> usize {
        self.starts.last().copied().unwrap_or(0)
    }

    /// The number of the entry at `at`: its position in the packs' entries, one pack's after
    /// the other's, below [`Packs::entries`]. Facts about many objects are kept in arrays by
    /// this number ([`ByPosition`]) instead of in maps keyed by id.
    pub(crate) fn number(&self, at: Located) -> Option<u32> {
        at.number.and_then(|n| u32::try_from(n).ok())
    }

    /// Where the entry numbered `n` is.
    pub(crate) fn located(&self, n: u32) -> Option<Located> {
        let n = n as usize;
        if n >= self.entries() {
            return None;
        }
        // The last pack starting at or before `n`.
        let pack = self.starts.partition_point(|&start| start <= n).checked_sub(1)?;
        let start = *self.starts.get(pack)?;
        Some(Located {
            pack,
            index: n - start,
            number: Some(n),
        })
    }

    /// The number of `id`'s entry in the first pack holding it (see [`Packs::number`]).
    pub(crate) fn number_of(&self, id: &gix::oid) -> Option<u32> {
        self.locate(id).and_then(|at| self.number(at))
    }

    /// The bytes the object at `at` occupies as stored.
    pub(crate) fn packed_at(&self, at: Located) -> Option<u64> {
        self.packs.get(at.pack)?.packed.get(at.index).copied()
    }

    /// The id of the object at `at`.
    pub(crate) fn id_at(&self, at: Located) -> Option<ObjectId> {
        self.packs.get(at.pack)?.ids.get(at.index).copied()
    }
}

/// The size of every blob an inspection read: for the blobs the packs hold, whether each was
/// read, by its number there (the packs know its size); the others' sizes by id (`None`:
/// absent). A history of hundreds of thousands of blobs then takes a byte each, not a map
/// entry of 50.
#[derive(Default)]
pub(crate) struct Sizes {
    packs: Option<Arc<Packs>>,
    /// By number in `packs`: read.
    read: ByPosition<bool>,
    /// Blobs read that `packs` do not hold.
    others: gix::hashtable::HashMap<ObjectId, Option<u64>>,
}

impl std::fmt::Debug for Sizes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sizes").field("blobs", &self.len()).finish()
    }
}

impl Sizes {
    /// The size of `id` (`None`: absent), if it was read.
    pub(crate) fn get(&self, id: &gix::oid) -> Option<Option<u64>> {
        if let Some(packs) = &self.packs
            && let Some(at) = packs.locate(id)
            && self.read.get(at).copied().unwrap_or(false)
        {
            return Some(packs.header_at(at).map(|(size, _)| size));
        }
        self.others.get(id).copied()
    }

    /// Sizes kept for the blobs `packs` hold by a flag each (`read`, by number), the others'
    /// by id.
    pub(crate) fn new(
        packs: Option<Arc<Packs>>,
        read: ByPosition<bool>,
        others: gix::hashtable::HashMap<ObjectId, Option<u64>>,
    ) -> Sizes {
        Sizes { packs, read, others }
    }

    /// [`Sizes::get`] of the entry numbered `n` in `packs` (see [`Packs::number`]); `None`
    /// when these sizes are not kept by those packs' numbers (ask by id then).
    pub(crate) fn get_by_number(&self, packs: &Arc<Packs>, n: u32) -> Option<Option<Option<u64>>> {
        let own = self.packs.as_ref().filter(|own| Arc::ptr_eq(own, packs))?;
        let at = own.located(n)?;
        if self.read.at_number(n).copied().unwrap_or(false) {
            return Some(Some(own.header_at(at).map(|(size, _)| size)));
        }
        Some(own.id_at(at).and_then(|id| self.others.get(&id).copied()))
    }

    /// Whether `id` was read.
    pub(crate) fn contains(&self, id: &gix::oid) -> bool {
        self.get(id).is_some()
    }

    /// Keep the size of `id`.
    pub(crate) fn insert(&mut self, id: ObjectId, size: Option<u64>) {
        if let Some(packs) = &self.packs
            && let Some(at) = packs.locate(&id)
            && packs.header_at(at).map(|(size, _)| size) == size
            && let Some(read) = self.read.get_mut(at)
        {
            *read = true;
            return;
        }
        self.others.insert(id, size);
    }

    /// Every blob read and its size.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (ObjectId, Option<u64>)> + '_ {
        let packed = self.packs.iter().flat_map(move |packs| {
            self.read.iter().filter(|(_, read)| **read).filter_map(move |(n, _)| {
                let at = packs.located(n)?;
                Some((packs.id_at(at)?, packs.header_at(at).map(|(size, _)| size)))
            })
        });
        packed.chain(self.others.iter().map(|(id, size)| (*id, *size)))
    }

    /// How many blobs read were absent (the packs hold none of those).
    pub(crate) fn absent(&self) -> usize {
        self.others.values().filter(|size| size.is_none()).count()
    }

    /// How many blobs were read.
    pub(crate) fn len(&self) -> usize {
        self.read.iter().filter(|(_, read)| **read).count() + self.others.len()
    }

    /// Add the sizes another inspection read.
    pub(crate) fn absorb(&mut self, other: Sizes) {
        if self.packs.is_none() && self.others.is_empty() {
            *self = other;
            return;
        }
        for (id, size) in other.iter() {
            self.insert(id, size);
        }
    }
}

/// Memory for the objects an [`Objects`] reader rebuilt (each a delta base of its neighbours,
/// or a tree a diff reads twice), per reader.
const REBUILT_CACHE_BYTES: usize = 24 * 1024 * 1024;

/// Reads whole objects from the packs [`Packs::read`] counted, without mapping them: each
/// entry with one positioned read of its stored bytes, a delta rebuilt from its base (kept in
/// a memory-capped cache, so a run of deltas rebuilds each base once). The pages read stay in
/// the page cache, not in this process, however much of the packs a history walk touches.
/// What the packs do not hold (loose objects, a thin pack's outside base) comes from
/// `fallback`. One per thread.
pub struct Objects<'p> {
    packs: &'p Packs,
    fallback: gix::OdbHandle,
    /// Each pack's file, opened on first use.
    files: std::cell::RefCell<Vec<Option<File>>>,
    state: std::cell::RefCell<Rebuild>,
}

/// What rebuilding objects reuses.
struct Rebuild {
    cache: gix::odb::pack::cache::lru::MemoryCappedHashmap,
    inflate: gix::zlib::Inflate,
    /// An entry's stored bytes.
    entry: Vec<u8>,
    /// A delta's instructions.
    instructions: Vec<u8>,
    /// The base a delta applies to.
    base: Vec<u8>,
}

impl Packs {
    /// A reader of whole objects from these packs (see [`Objects`]); `fallback` reads what
    /// they do not hold.
    pub fn objects(&self, fallback: gix::OdbHandle) -> Objects<'_> {
        Objects {
            packs: self,
            fallback,
            files: std::cell::RefCell::new(Vec::new()),
            state: std::cell::RefCell::new(Rebuild {
                cache: gix::odb::pack::cache::lru::MemoryCappedHashmap::new(REBUILT_CACHE_BYTES),
                inflate: gix::zlib::Inflate::default(),
                entry: Vec::new(),
                instructions: Vec::new(),
                base: Vec::new(),
            }),
        }
    }
}

impl Objects<'_> {
    /// The object at `at` into `out`, and its kind; `None` when its chain leads out of the
    /// pack (the fallback then reads it).
    fn rebuild(&self, at: Located, out: &mut Vec<u8>) -> Result<Option<gix::object::Kind>, String> {
        let Some(pack) = self.packs.packs.get(at.pack) else {
            return Ok(None);
        };
        let Some(kind) = pack.kind.get(at.index).copied().flatten() else {
            return Ok(None);
        };
        let kind = match kind {
            Kind::Commit => gix::object::Kind::Commit,
            Kind::Tree => gix::object::Kind::Tree,
            Kind::Blob => gix::object::Kind::Blob,
            Kind::Tag => gix::object::Kind::Tag,
        };
        let pack_id = u32::try_from(at.pack).unwrap_or(u32::MAX);
        let mut state = self.state.borrow_mut();
        let state = &mut *state;
        // Down the chain to an entry stored whole or rebuilt before.
        let mut chain: Vec<usize> = Vec::new();
        let mut i = at.index;
        loop {
            let offset = *pack.offset.get(i).ok_or("an entry outside the index")?;
            if state.cache.get(pack_id, offset, &mut state.base).is_some() {
                break;
            }
            match *pack.base.get(i).ok_or("an entry outside the index")? {
                WHOLE => {
                    self.entry(at.pack, pack, i, &mut state.entry)?;
                    inflate(
                        &mut state.inflate,
                        &state.entry,
                        offset,
                        self.packs.hash,
                        &mut state.base,
                    )?;
                    state.cache.put(pack_id, offset, &state.base, kind, 0);
                    break;
                }
                OUTSIDE => return Ok(None),
                base => {
                    chain.push(i);
                    if chain.len() > MAX_CHAIN as usize {
                        return Err("a delta chain longer than any git writes".into());
                    }
                    i = base as usize;
                }
            }
        }
        // Back up the chain, each delta applied to the object below it.
        while let Some(i) = chain.pop() {
            let offset = *pack.offset.get(i).ok_or("an entry outside the index")?;
            self.entry(at.pack, pack, i, &mut state.entry)?;
            inflate(
                &mut state.inflate,
                &state.entry,
                offset,
                self.packs.hash,
                &mut state.instructions,
            )?;
            apply_delta(&state.base, &state.instructions, out)?;
            std::mem::swap(&mut state.base, out);
            state.cache.put(pack_id, offset, &state.base, kind, 0);
        }
        std::mem::swap(&mut state.base, out);
        Ok(Some(kind))
    }

    /// The stored bytes (header included) of entry `i` of pack number `n`, into `out`.
    fn entry(&self, n: usize, pack: &Kept, i: usize, out: &mut Vec<u8>) -> Result<(), String> {
        let (Some(&offset), Some(&len)) = (pack.offset.get(i), pack.packed.get(i)) else {
            return Err("an entry outside the index".into());
        };
        let len = usize::try_from(len).map_err(|e| e.to_string())?;
        out.clear();
        out.resize(len, 0);
        let mut files = self.files.borrow_mut();
        if files.len() <= n {
            files.resize_with(n + 1, || None);
        }
        let slot = files.get_mut(n).ok_or("no such pack")?;
        let file = match slot {
            Some(file) => file,
            None => slot.insert(File::open(&pack.path).map_err(|e| e.to_string())?),
        };
        read_exact_at(file, out, offset).map_err(|e| format!("reading the entry at offset {offset}: {e}"))
    }
}

impl gix::objs::Find for Objects<'_> {
    fn try_find<'a>(&self, id: &gix::oid, buffer: &'a mut Vec<u8>) -> gix::Result<Option<gix::objs::Data<'a>>> {
        if let Some(at) = self.packs.locate(id) {
            match self.rebuild(at, buffer) {
                Ok(Some(kind)) => {
                    return Ok(Some(gix::objs::Data {
                        kind,
                        object_hash: self.packs.hash,
                        data: buffer.as_slice(),
                    }));
                }
                Ok(None) => {}
                Err(e) => {
                    return Err(gix::Error::from_error(std::io::Error::other(format!(
                        "reading object {id}: {e}"
                    ))));
                }
            }
        }
        self.fallback.try_find(id, buffer)
    }
}

/// Read exactly `out.len()` bytes of `file` at `offset`.
#[cfg(unix)]
fn read_exact_at(file: &File, out: &mut [u8], offset: u64) -> std::io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(file, out, offset)
}

/// Read exactly `out.len()` bytes of `file` at `offset`.
#[cfg(not(unix))]
fn read_exact_at(mut file: &File, out: &mut [u8], offset: u64) -> std::io::Result<()> {
    file.seek(SeekFrom::Start(offset))?;
    file.read_exact(out)
}

/// Inflate the pack entry `entry` (header included, at pack `offset`) whole into `out`.
fn inflate(
    inflate: &mut gix::zlib::Inflate,
    entry: &[u8],
    offset: u64,
    hash: gix::hash::Kind,
    out: &mut Vec<u8>,
) -> Result<(), String> {
    let header = gix::odb::pack::data::Entry::from_bytes(entry, offset, hash).map_err(|e| e.to_string())?;
    let size = usize::try_from(header.decompressed_size).map_err(|e| e.to_string())?;
    out.clear();
    out.resize(size, 0);
    inflate.reset();
    let data = entry.get(header.header_size()..).unwrap_or_default();
    let (status, _, written) = inflate
        .once(data, out)
        .map_err(|e| format!("inflating the entry at offset {offset}: {e}"))?;
    if written != size || status != gix::zlib::Status::StreamEnd {
        return Err(format!("the entry at offset {offset} inflates to other than its size"));
    }
    Ok(())
}

/// Rebuild an object from its `base` and a delta's `instructions` (git's format: the base's
/// size and the result's, then copies from the base and literal inserts), into `out`.
fn apply_delta(base: &[u8], instructions: &[u8], out: &mut Vec<u8>) -> Result<(), String> {
    let corrupt = |what: &str| format!("a corrupt delta: {what}");
    let (base_size, rest) = varint(instructions).ok_or_else(|| corrupt("no base size"))?;
    let (size, mut rest) = varint(rest).ok_or_else(|| corrupt("no result size"))?;
    if base_size != base.len() as u64 {
        return Err(corrupt("its base has another size"));
    }
    let size = usize::try_from(size).map_err(|e| e.to_string())?;
    out.clear();
    out.reserve(size);
    while let Some((&cmd, after)) = rest.split_first() {
        rest = after;
        if cmd & 0x80 != 0 {
            // Copy: the offset's and the size's bytes present, as the command's bits say.
            let mut field = |bits: u8, shifts: &[u32]| -> Result<usize, String> {
                let mut value = 0usize;
                for (k, &shift) in shifts.iter().enumerate() {
                    if bits & (1 << k) != 0 {
                        let (&b, after) = rest.split_first().ok_or_else(|| corrupt("a truncated copy"))?;
                        rest = after;
                        value |= usize::from(b) << shift;
                    }
                }
                Ok(value)
            };
            let from = field(cmd & 0x0f, &[0, 8, 16, 24])?;
            let mut len = field((cmd >> 4) & 0x07, &[0, 8, 16])?;
            if len == 0 {
                len = 0x10000;
            }
            let copied = from
                .checked_add(len)
                .and_then(|end| base.get(from..end))
                .ok_or_else(|| corrupt("a copy beyond its base"))?;
            out.extend_from_slice(copied);
        } else if cmd != 0 {
            let len = usize::from(cmd);
            let (inserted, after) = rest
                .split_at_checked(len)
                .ok_or_else(|| corrupt("a truncated insert"))?;
            out.extend_from_slice(inserted);
            rest = after;
        } else {
            return Err(corrupt("the reserved command 0"));
        }
        if out.len() > size {
            return Err(corrupt("more bytes than it promised"));
        }
    }
    if out.len() != size {
        return Err(corrupt("fewer bytes than it promised"));
    }
    Ok(())
}

fn hex<S: serde::Serializer>(id: &ObjectId, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(id)
}

fn keep_deepest(chains: &mut Vec<Chain>, shown: usize) {
    chains.sort_by(|a, b| (b.depth, b.size, a.id).cmp(&(a.depth, a.size, b.id)));
    chains.truncate(shown);
}

/// The index at `index` and its pack file, whose header must agree with it.
fn open_pack(index: &Path, hash: gix::hash::Kind) -> Result<(gix::odb::pack::index::File, File), RepoError> {
    let bad = |what: String| RepoError::read(format!("reading pack index {}", index.display()), what);
    let idx = gix::odb::pack::index::File::at(index, hash).map_err(|e| bad(e.to_string()))?;
    let mut pack = File::open(index.with_extension("pack")).map_err(|e| bad(e.to_string()))?;
    let mut head = [0u8; 12];
    pack.read_exact(&mut head).map_err(|e| bad(e.to_string()))?;
    let count = head
        .get(8..12)
        .and_then(|c| <[u8; 4]>::try_from(c).ok())
        .map(u32::from_be_bytes);
    if head.get(..4) != Some(b"PACK") || count != Some(idx.num_objects()) {
        return Err(bad("its pack does not match it".into()));
    }
    Ok((idx, pack))
}

/// How much of an entry is read to learn its kind, size and base: the header, and for a delta
/// enough of its compressed start to inflate the two sizes it begins with.
const ENTRY_HEAD: u64 = 512;

fn read_pack(
    (index, pack): (gix::odb::pack::index::File, File),
    path: &Path,
    hash: gix::hash::Kind,
) -> Result<PackEntries, RepoError> {
    let pack_name = path.with_extension("pack").display().to_string();
    let bad = |what: String| RepoError::read(format!("reading pack {pack_name}"), what);
    let n = index.num_objects();
    // Entries in pack order: an entry's stored size ends where the next begins, and the pack
    // is read front to back once.
    let mut by_offset: Vec<(u64, u32)> = (0..n).map(|i| (index.pack_offset_at_index(i), i)).collect();
    by_offset.sort_unstable();
    let len = pack.metadata().map_err(|e| bad(e.to_string()))?.len();
    let end = len.saturating_sub(hash.len_in_bytes() as u64);
    let mut entries = vec![Entry::default(); n as usize];
    let mut inflate = gix::zlib::Inflate::default();
    // Small reads: entries far apart (large whole objects) are skipped, not read.
    let mut reader = BufReader::with_capacity(64 * 1024, &pack);
    let mut at = reader.stream_position().map_err(|e| bad(e.to_string()))?;
    let mut head = Vec::with_capacity(ENTRY_HEAD as usize);
    let nexts = by_offset.iter().skip(1).map(|(o, _)| *o).chain(std::iter::once(end));
    for (&(offset, i), next) in by_offset.iter().zip(nexts) {
        if next <= offset || next > end {
            return Err(bad(format!("the entry at offset {offset} lies outside its pack")));
        }
        let want = (next - offset).min(ENTRY_HEAD);
        read_at(&mut reader, &mut at, offset, want, &mut head)
            .map_err(|e| bad(format!("entry at offset {offset}: {e}")))?;
        let header = gix::odb::pack::data::Entry::from_bytes(&head, offset, hash)
            .map_err(|e| bad(format!("entry at offset {offset}: {e}")))?;
        let Some(e) = entries.get_mut(i as usize) else { continue };
        e.packed = next - offset;
        e.inflated = header.decompressed_size;
        let base_offset = match header.header {
            Header::Commit => Err(Kind::Commit),
            Header::Tree => Err(Kind::Tree),
            Header::Blob => Err(Kind::Blob),
            Header::Tag => Err(Kind::Tag),
            Header::OfsDelta { base_distance } => match header.checked_base_pack_offset(base_distance) {
                Some(base) => Ok(Some(base)),
                None => return Err(bad(format!("delta at offset {offset} names a base before the pack"))),
            },
            Header::RefDelta { base_id } => Ok(index.lookup(base_id).map(|b| index.pack_offset_at_index(b))),
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
        let data = head.get(header.header_size()..).unwrap_or_default();
        e.unpacked = match delta_result_size(data, &mut inflate) {
            Some(size) => size,
            // A start that compresses worse than any git writes: read the whole entry.
            None if want < next - offset => {
                let mut whole = Vec::new();
                read_at(&mut reader, &mut at, offset, next - offset, &mut whole)
                    .map_err(|e| bad(format!("entry at offset {offset}: {e}")))?;
                delta_result_size(whole.get(header.header_size()..).unwrap_or_default(), &mut inflate)
                    .ok_or_else(|| bad(format!("delta at offset {offset} has no readable header")))?
            }
            None => return Err(bad(format!("delta at offset {offset} has no readable header"))),
        };
    }
    resolve_chains(&mut entries).map_err(|()| bad("a delta chain is circular or longer than any git writes".into()))?;
    Ok(PackEntries { index, pack, entries })
}

/// Read `len` bytes at `offset` of the file behind `reader`, which stands at `*at`, into `out`.
fn read_at(
    reader: &mut BufReader<&File>,
    at: &mut u64,
    offset: u64,
    len: u64,
    out: &mut Vec<u8>,
) -> std::io::Result<()> {
    match offset.checked_sub(*at).and_then(|d| i64::try_from(d).ok()) {
        Some(forward) => reader.seek_relative(forward)?,
        None => {
            reader.seek(SeekFrom::Start(offset))?;
        }
    }
    out.clear();
    reader.by_ref().take(len).read_to_end(out)?;
    *at = offset + out.len() as u64;
    if (out.len() as u64) < len {
        return Err(std::io::ErrorKind::UnexpectedEof.into());
    }
    Ok(())
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

/// A delta's result size: the second varint of its inflated header (`data`: the delta's
/// compressed bytes, or their start).
fn delta_result_size(data: &[u8], inflate: &mut gix::zlib::Inflate) -> Option<u64> {
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
            pack: Mutex::new(tempfile::tempfile().expect("a temporary file")),
            offset: vec![0; ids.len()],
            fan: Fan::new(&ids),
            ids: ids.clone(),
            kind: vec![Some(Kind::Blob); ids.len()],
            packed: vec![1; ids.len()],
            unpacked: vec![2; ids.len()],
            base: vec![WHOLE; ids.len()],
            path: PathBuf::new(),
        };
        for (i, id) in ids.iter().enumerate() {
            assert_eq!(kept.position(id), Some(i));
        }
        let absent = ObjectId::from_hex(format!("{:0<40}", "7f01").as_bytes()).expect("valid hex");
        assert_eq!(kept.position(&absent), None);
        assert_eq!(kept.fan.starts.last().copied(), Some(5));
        assert_eq!(kept.fan.bits, 8, "a small pack's fan is by first byte");
        // A large pack's, by more bits: every id is found in its bucket.
        let many: Vec<ObjectId> = {
            let mut many: Vec<ObjectId> = (0u32..70_000)
                .map(|i| {
                    ObjectId::from_hex(format!("{:0>8x}{:0<32}", i.wrapping_mul(2_654_435_761), "").as_bytes())
                        .expect("valid hex")
                })
                .collect();
            many.sort();
            many
        };
        let fan = Fan::new(&many);
        assert_eq!(fan.bits, 16);
        assert_eq!(fan.starts.last().copied(), Some(70_000));
        for (i, id) in many.iter().enumerate().step_by(97) {
            let bucket = fan.bucket(id).expect("a bucket");
            let (start, end) = (fan.starts[bucket] as usize, fan.starts[bucket + 1] as usize);
            assert!((start..end).contains(&i), "{id} at {i}, bucket {start}..{end}");
        }
    }

    #[test]
    fn varints_read_as_git_writes_them() {
        assert_eq!(varint(&[0x05, 0x99]), Some((5, &[0x99u8][..])));
        assert_eq!(varint(&[0x80 | 0x10, 0x01]), Some((0x90, &[][..])));
        assert_eq!(varint(&[0x80, 0x80]), None);
        assert_eq!(varint(&[]), None);
    }
}
