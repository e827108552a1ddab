//! A bounded, sharded map keyed by exact bytes, shared by the validator's caches (verified
//! signatures, analyses of inputs seen before).
//!
//! Soundness does not rest on the shard hash: the full key bytes are stored and compared
//! on every hit, so a hit means the key is byte-for-byte one that was inserted. (Keys
//! are public certificate data or, for analyses, the SHA-256 of the input: never input
//! bytes, which may hold a private key.) The hash
//! (foldhash, seeded per cache from the OS) only picks the shard and slot; each slot
//! holds one entry, so colliding keys (even crafted ones) only cause misses, never long
//! chains or false hits.
//!
//! Threads contend only per shard (16 shards, read-mostly `RwLock`s); a hit takes a read
//! lock. Memory is bounded by entries and by bytes (key, value and bookkeeping), per
//! shard; eviction is CLOCK (second chance: entries hit since the hand last passed stay).

use core::hash::{BuildHasher, Hasher};
use core::sync::atomic::{AtomicBool, Ordering};
use std::collections::{HashMap, VecDeque};
use std::sync::RwLock;

const SHARDS: usize = 16;
/// Bytes charged per entry beyond key and value: map slot, queue slot, allocation headers.
const ENTRY_OVERHEAD: usize = 96;

/// Upper bounds on a cache's size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CacheLimit {
    /// At most this many entries (0 disables the cache).
    pub entries: usize,
    /// At most this many bytes of keys, values and bookkeeping.
    pub bytes: usize,
}

impl CacheLimit {
    /// A cache that holds nothing.
    pub const OFF: CacheLimit = CacheLimit {
        entries: 0,
        bytes: 0,
    };
}

struct Entry<V> {
    key: Box<[u8]>,
    value: V,
    cost: usize,
    referenced: AtomicBool,
}

struct Shard<V> {
    map: HashMap<u64, Entry<V>, PassThrough>,
    clock: VecDeque<u64>,
    bytes: usize,
}

impl<V> Default for Shard<V> {
    fn default() -> Self {
        Shard {
            map: HashMap::default(),
            clock: VecDeque::new(),
            bytes: 0,
        }
    }
}

/// The map's own keys are already foldhash outputs: hash them no further.
#[derive(Default, Clone, Copy)]
struct PassThrough;

impl BuildHasher for PassThrough {
    type Hasher = PassThroughHasher;
    fn build_hasher(&self) -> PassThroughHasher {
        PassThroughHasher(0)
    }
}

struct PassThroughHasher(u64);

impl Hasher for PassThroughHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

/// A bounded map from byte strings (given as a list of parts) to `V`.
pub(crate) struct BytesCache<V> {
    shards: Box<[RwLock<Shard<V>>]>,
    hasher: foldhash::quality::RandomState,
    shard_limit: CacheLimit,
}

impl<V> core::fmt::Debug for BytesCache<V> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        let (entries, bytes) = self.usage();
        f.debug_struct("BytesCache")
            .field("entries", &entries)
            .field("bytes", &bytes)
            .field("limit_per_shard", &self.shard_limit)
            .finish()
    }
}

/// The length prefix that keeps `["ab", "c"]` and `["a", "bc"]` distinct keys.
fn prefix(part: &[u8]) -> [u8; 4] {
    u32::try_from(part.len()).unwrap_or(u32::MAX).to_le_bytes()
}

impl<V> BytesCache<V> {
    pub(crate) fn new(limit: CacheLimit) -> Self {
        BytesCache {
            shards: (0..SHARDS).map(|_| RwLock::default()).collect(),
            hasher: foldhash::quality::RandomState::default(),
            shard_limit: CacheLimit {
                entries: limit.entries.div_ceil(SHARDS),
                bytes: limit.bytes / SHARDS,
            },
        }
    }

    fn hash(&self, parts: &[&[u8]]) -> u64 {
        let mut h = self.hasher.build_hasher();
        for part in parts {
            h.write(&prefix(part));
            h.write(part);
        }
        h.finish()
    }

    fn shard(&self, hash: u64) -> &RwLock<Shard<V>> {
        // The top bits pick the shard; the map uses the whole hash.
        &self.shards[(hash >> 60) as usize % SHARDS]
    }

    fn same_key(stored: &[u8], parts: &[&[u8]]) -> bool {
        let mut rest = stored;
        for part in parts {
            let Some((len, tail)) = rest.split_first_chunk::<4>() else {
                return false;
            };
            if *len != prefix(part) || !tail.starts_with(part) {
                return false;
            }
            rest = &tail[part.len()..];
        }
        rest.is_empty()
    }

    /// Whether the cache may hold anything at all.
    pub(crate) fn enabled(&self) -> bool {
        self.shard_limit.entries > 0
    }

    /// The value stored under exactly these key parts.
    pub(crate) fn get(&self, parts: &[&[u8]]) -> Option<V>
    where
        V: Clone,
    {
        if self.shard_limit.entries == 0 {
            return None;
        }
        let hash = self.hash(parts);
        let shard = self.shard(hash).read().unwrap_or_else(|e| e.into_inner());
        let entry = shard.map.get(&hash)?;
        if !Self::same_key(&entry.key, parts) {
            return None;
        }
        entry.referenced.store(true, Ordering::Relaxed);
        Some(entry.value.clone())
    }

    /// Stores `value` (whose heap size is about `value_bytes`) under the key parts,
    /// replacing whatever had the same hash and evicting as the limits require. An entry
    /// larger than a shard's byte budget is not stored.
    pub(crate) fn insert(&self, parts: &[&[u8]], value: V, value_bytes: usize) {
        let limit = self.shard_limit;
        let key_len: usize = parts.iter().map(|p| 4 + p.len()).sum();
        let cost = key_len + value_bytes + ENTRY_OVERHEAD;
        if limit.entries == 0 || cost > limit.bytes {
            return;
        }
        let mut key = Vec::with_capacity(key_len);
        for part in parts {
            key.extend_from_slice(&prefix(part));
            key.extend_from_slice(part);
        }
        let hash = self.hash(parts);
        let mut shard = self.shard(hash).write().unwrap_or_else(|e| e.into_inner());
        let entry = Entry {
            key: key.into_boxed_slice(),
            value,
            cost,
            referenced: AtomicBool::new(false),
        };
        match shard.map.insert(hash, entry) {
            Some(old) => shard.bytes -= old.cost,
            None => shard.clock.push_back(hash),
        }
        shard.bytes += cost;
        shard.evict(limit, hash);
    }

    /// Drops every entry.
    pub(crate) fn clear(&self) {
        for shard in self.shards.iter() {
            *shard.write().unwrap_or_else(|e| e.into_inner()) = Shard::default();
        }
    }

    /// (entries, bytes) currently held.
    pub(crate) fn usage(&self) -> (usize, usize) {
        self.shards.iter().fold((0, 0), |(n, b), s| {
            let s = s.read().unwrap_or_else(|e| e.into_inner());
            (n + s.map.len(), b + s.bytes)
        })
    }
}

impl<V> Shard<V> {
    /// CLOCK: sweep from the oldest entry, giving referenced entries a second chance,
    /// until the shard is within its limits. The entry just inserted is kept.
    fn evict(&mut self, limit: CacheLimit, keep: u64) {
        let mut budget = 2 * self.clock.len() + 1;
        while (self.map.len() > limit.entries || self.bytes > limit.bytes) && budget > 0 {
            budget -= 1;
            let Some(hash) = self.clock.pop_front() else {
                break;
            };
            let Some(entry) = self.map.get(&hash) else {
                continue;
            };
            if hash == keep || entry.referenced.swap(false, Ordering::Relaxed) {
                self.clock.push_back(hash);
                continue;
            }
            if let Some(old) = self.map.remove(&hash) {
                self.bytes -= old.cost;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limit(entries: usize, bytes: usize) -> CacheLimit {
        CacheLimit { entries, bytes }
    }

    #[test]
    fn hits_need_the_exact_key_parts() {
        let c = BytesCache::new(limit(100, 1 << 20));
        c.insert(&[b"ab", b"c"], 1u32, 0);
        assert_eq!(c.get(&[b"ab", b"c"]), Some(1));
        assert_eq!(c.get(&[b"a", b"bc"]), None);
        assert_eq!(c.get(&[b"abc"]), None);
        assert_eq!(c.get(&[b"ab", b"c", b""]), None);
        assert_eq!(c.get(&[b"ab", b"d"]), None);
    }

    #[test]
    fn a_colliding_slot_is_a_miss_not_a_false_hit() {
        let c = BytesCache::new(limit(100, 1 << 20));
        c.insert(&[b"key"], 7u32, 0);
        // Force a "collision": plant a different key under the same hash.
        let hash = c.hash(&[b"key"]);
        {
            let mut shard = c.shard(hash).write().unwrap();
            let entry = shard.map.get_mut(&hash).unwrap();
            entry.key = b"\x03\x00\x00\x00kez".to_vec().into_boxed_slice();
        }
        assert_eq!(c.get(&[b"key"]), None);
    }

    #[test]
    fn entries_and_bytes_stay_bounded() {
        let c = BytesCache::new(limit(64, 64 * 1024));
        for i in 0u32..10_000 {
            c.insert(&[&i.to_le_bytes(), &[0u8; 200]], i, 100);
            let (n, b) = c.usage();
            assert!(n <= 64 + SHARDS, "{n} entries");
            assert!(b <= 64 * 1024, "{b} bytes");
        }
        let too_big = vec![0u8; 64 * 1024];
        c.insert(&[&too_big], 1, 0);
        assert_eq!(c.get(&[&too_big]), None);
        c.clear();
        assert_eq!(c.usage(), (0, 0));
    }

    #[test]
    fn clock_keeps_what_is_used() {
        let c = BytesCache::new(limit(SHARDS * 4, 1 << 20));
        c.insert(&[b"hot"], 0u32, 0);
        for i in 0u32..2_000 {
            c.insert(&[&i.to_le_bytes()], i, 0);
            assert_eq!(c.get(&[b"hot"]), Some(0), "evicted after {i} inserts");
        }
    }

    #[test]
    fn off_holds_nothing() {
        let c = BytesCache::new(CacheLimit::OFF);
        c.insert(&[b"k"], 1u8, 0);
        assert_eq!(c.get(&[b"k"]), None);
    }

    #[test]
    fn shared_across_threads() {
        let c = std::sync::Arc::new(BytesCache::new(limit(1024, 1 << 20)));
        let handles: Vec<_> = (0u32..4)
            .map(|t| {
                let c = c.clone();
                std::thread::spawn(move || {
                    for i in 0u32..500 {
                        let k = (t * 1000 + i).to_le_bytes();
                        c.insert(&[&k], t * 1000 + i, 0);
                        if let Some(v) = c.get(&[&k]) {
                            assert_eq!(v, t * 1000 + i);
                        }
                    }
                })
            })
            .collect();
        for h in handles {
            h.join().unwrap();
        }
        assert!(c.usage().0 > 0);
    }
}
