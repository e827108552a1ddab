//! The validator's revocation cache: verified OCSP answers and CRLs, kept until they
//! go stale, bounded in entries and bytes, shared by every clone of a `Validator`.
//!
//! OCSP answers are keyed by (issuer name and key, serial) and stored *evaluated*, so a
//! hit costs a hash lookup, not a signature verification. CRLs are keyed by URL and
//! remember which issuer key verified them.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use aws_lc_rs::digest;

use super::crl::{Crl, CrlError};
use crate::certificate::Certificate;
use crate::report::revocation::Answer;
use crate::time::Timestamp;

/// Accounting overhead per entry, so that tiny entries still count against the bound.
const ENTRY_OVERHEAD: usize = 256;

/// A cached OCSP answer.
#[derive(Debug, Clone)]
pub struct CachedOcsp {
    /// The evaluated answer.
    pub answer: Answer,
    /// The responder URL it was fetched from.
    pub responder: String,
    /// The DER response, e.g. for stapling.
    pub response: Arc<[u8]>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct OcspKey {
    /// SHA-256 over the issuer name (as in the certificate) and the issuer's SPKI.
    issuer: [u8; 32],
    serial: Vec<u8>,
}

#[derive(Debug)]
struct CrlEntry {
    crl: Arc<Crl>,
    /// SHA-256 of the SPKI that verified the CRL's signature.
    verified_by: [u8; 32],
    valid_until: Timestamp,
    inserted: Timestamp,
    seq: u64,
}

#[derive(Debug)]
struct OcspEntry {
    cached: CachedOcsp,
    /// SHA-256 of the issuer's SPKI: whose share of the budget the entry uses.
    issuer: [u8; 32],
    inserted: Timestamp,
    seq: u64,
}

#[derive(Debug, Default)]
struct Inner {
    ocsp: HashMap<OcspKey, OcspEntry>,
    crl: HashMap<String, CrlEntry>,
    bytes: usize,
    /// Bytes per issuer key.
    by_issuer: HashMap<[u8; 32], usize>,
    seq: u64,
}

/// An entry chosen for eviction.
enum Victim {
    Ocsp(OcspKey),
    Crl(String),
}

impl Inner {
    fn charge(&mut self, issuer: [u8; 32], size: usize) {
        self.bytes += size;
        *self.by_issuer.entry(issuer).or_insert(0) += size;
    }

    fn refund(&mut self, issuer: [u8; 32], size: usize) {
        self.bytes = self.bytes.saturating_sub(size);
        if let Some(b) = self.by_issuer.get_mut(&issuer) {
            *b = b.saturating_sub(size);
            if *b == 0 {
                self.by_issuer.remove(&issuer);
            }
        }
    }

    fn remove(&mut self, victim: Victim) {
        match victim {
            Victim::Ocsp(k) => {
                if let Some(e) = self.ocsp.remove(&k) {
                    self.refund(e.issuer, ocsp_size(&e.cached));
                }
            }
            Victim::Crl(url) => {
                if let Some(e) = self.crl.remove(&url) {
                    self.refund(e.verified_by, crl_size(&url, &e.crl));
                }
            }
        }
    }

    /// The entry to evict first (of `issuer` only, if given): the one whose clamped
    /// freshness ends soonest, the oldest insertion on ties. Freshness counts at most
    /// `clamp` seconds past insertion, so a CRL claiming nextUpdate 9999 ranks like any
    /// other entry that old instead of pinning the cache.
    fn lowest(&self, issuer: Option<[u8; 32]>, clamp: i64) -> Option<Victim> {
        let rank = |valid_until: Timestamp, inserted: Timestamp, seq: u64| {
            (valid_until.0.min(inserted.0.saturating_add(clamp)), seq)
        };
        let ocsp = self
            .ocsp
            .iter()
            .filter(|(_, e)| issuer.is_none_or(|i| e.issuer == i))
            .map(|(k, e)| (rank(e.cached.answer.valid_until, e.inserted, e.seq), k))
            .min_by_key(|(r, _)| *r);
        let crl = self
            .crl
            .iter()
            .filter(|(_, e)| issuer.is_none_or(|i| e.verified_by == i))
            .map(|(k, e)| (rank(e.valid_until, e.inserted, e.seq), k))
            .min_by_key(|(r, _)| *r);
        match (ocsp, crl) {
            (Some((a, k)), Some((b, _))) if a <= b => Some(Victim::Ocsp(k.clone())),
            (Some((_, k)), None) => Some(Victim::Ocsp(k.clone())),
            (_, Some((_, url))) => Some(Victim::Crl(url.clone())),
            (None, None) => None,
        }
    }
}

/// A thread-safe, bounded cache of OCSP answers and CRLs.
#[derive(Debug)]
pub struct Cache {
    inner: RwLock<Inner>,
    max_entries: usize,
    max_bytes: usize,
    /// Most bytes one issuer's entries may take.
    max_issuer_bytes: usize,
    /// Most seconds past insertion that count as freshness when ranking for eviction.
    clamp: i64,
}

fn sha256(parts: &[&[u8]]) -> [u8; 32] {
    let mut ctx = digest::Context::new(&digest::SHA256);
    for p in parts {
        ctx.update(p);
    }
    let mut out = [0u8; 32];
    out.copy_from_slice(ctx.finish().as_ref());
    out
}

fn ocsp_key(cert: &Certificate, issuer: &Certificate) -> OcspKey {
    OcspKey {
        issuer: sha256(&[cert.issuer_raw(), issuer.spki()]),
        serial: cert.serial_bytes().to_vec(),
    }
}

fn fresh(this_update: Timestamp, valid_until: Timestamp, at: Timestamp, skew: i64) -> bool {
    this_update.0 <= at.0.saturating_add(skew) && at.0.saturating_sub(skew) <= valid_until.0
}

fn ocsp_size(c: &CachedOcsp) -> usize {
    ENTRY_OVERHEAD + c.response.len() + c.responder.len() + c.answer.signer.len()
}

fn crl_size(url: &str, crl: &Crl) -> usize {
    // The index holds about 48 bytes per revoked serial besides the DER.
    ENTRY_OVERHEAD + url.len() + crl.der().len() + crl.len() * 48
}

/// Default eviction clamp: seven days.
const DEFAULT_CLAMP: i64 = 7 * 24 * 3600;

impl Cache {
    /// A cache holding at most `max_entries` items and about `max_bytes` bytes, any
    /// issuer may use all of it.
    pub fn new(max_entries: usize, max_bytes: usize) -> Cache {
        Cache::with_issuer_share(max_entries, max_bytes, 100, DEFAULT_CLAMP)
    }

    /// A cache holding at most `max_entries` items and about `max_bytes` bytes, of
    /// which one issuer's responses and CRLs take at most `issuer_share_percent`
    /// (1-100); for eviction, freshness counts at most `clamp_seconds` past insertion.
    pub fn with_issuer_share(
        max_entries: usize,
        max_bytes: usize,
        issuer_share_percent: u8,
        clamp_seconds: i64,
    ) -> Cache {
        let share = usize::from(issuer_share_percent.clamp(1, 100));
        Cache {
            inner: RwLock::new(Inner::default()),
            max_entries,
            max_bytes,
            max_issuer_bytes: max_bytes / 100 * share + max_bytes % 100 * share / 100,
            clamp: clamp_seconds.max(0),
        }
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, Inner> {
        // A panic while holding the lock leaves consistent maps; keep serving.
        self.inner.read().unwrap_or_else(|e| e.into_inner())
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, Inner> {
        self.inner.write().unwrap_or_else(|e| e.into_inner())
    }

    /// The cached OCSP answer for `cert` issued by `issuer`, if it is fresh at `at`
    /// (with `skew` seconds of slack).
    pub fn lookup_ocsp(
        &self,
        cert: &Certificate,
        issuer: &Certificate,
        at: Timestamp,
        skew: i64,
    ) -> Option<CachedOcsp> {
        let inner = self.read();
        // Nothing cached (no revocation source configured, or none answered yet): skip
        // hashing the key, which every validation would otherwise pay for.
        if inner.ocsp.is_empty() {
            return None;
        }
        let key = ocsp_key(cert, issuer);
        let entry = inner.ocsp.get(&key)?;
        let a = &entry.cached.answer;
        fresh(a.this_update, a.valid_until, at, skew).then(|| entry.cached.clone())
    }

    /// Stores an OCSP answer for `cert` issued by `issuer`; `cached.answer` must come from
    /// `ocsp::evaluate` for that pair. Expired entries are dropped first, then those that
    /// go stale soonest (freshness clamped), until the bounds hold.
    pub fn insert_ocsp(
        &self,
        cert: &Certificate,
        issuer: &Certificate,
        cached: CachedOcsp,
        at: Timestamp,
    ) {
        let size = ocsp_size(&cached);
        if size > self.max_issuer_bytes || self.max_entries == 0 {
            return;
        }
        let key = ocsp_key(cert, issuer);
        let issuer_id = sha256(&[issuer.spki()]);
        let mut inner = self.write();
        inner.seq += 1;
        let seq = inner.seq;
        inner.remove(Victim::Ocsp(key.clone()));
        inner.ocsp.insert(
            key,
            OcspEntry {
                cached,
                issuer: issuer_id,
                inserted: at,
                seq,
            },
        );
        inner.charge(issuer_id, size);
        self.shrink(&mut inner, issuer_id, at);
    }

    /// The cached CRL from `url`, if `issuer`'s key verified it and it is fresh at `at`.
    pub fn lookup_crl(
        &self,
        url: &str,
        issuer: &Certificate,
        at: Timestamp,
        skew: i64,
    ) -> Option<Arc<Crl>> {
        let inner = self.read();
        let entry = inner.crl.get(url)?;
        (entry.verified_by == sha256(&[issuer.spki()])
            && fresh(entry.crl.this_update(), entry.valid_until, at, skew))
        .then(|| Arc::clone(&entry.crl))
    }

    /// Stores a CRL fetched from `url` after verifying its signature with `issuer`'s
    /// key (once: lookups for that issuer skip the check). `valid_until` is
    /// `Crl::valid_until` under the policy in force.
    pub fn insert_crl(
        &self,
        url: &str,
        issuer: &Certificate,
        crl: Arc<Crl>,
        valid_until: Timestamp,
        at: Timestamp,
    ) -> Result<(), CrlError> {
        crl.verify_signature(issuer)?;
        let size = crl_size(url, &crl);
        if size > self.max_issuer_bytes || self.max_entries == 0 {
            return Ok(());
        }
        let issuer_id = sha256(&[issuer.spki()]);
        let mut inner = self.write();
        inner.seq += 1;
        let entry = CrlEntry {
            crl,
            verified_by: issuer_id,
            valid_until,
            inserted: at,
            seq: inner.seq,
        };
        inner.remove(Victim::Crl(url.to_owned()));
        inner.crl.insert(url.to_owned(), entry);
        inner.charge(issuer_id, size);
        self.shrink(&mut inner, issuer_id, at);
        Ok(())
    }

    fn shrink(&self, inner: &mut Inner, issuer: [u8; 32], at: Timestamp) {
        // The issuer just added to first gives back what exceeds its share.
        while inner.by_issuer.get(&issuer).copied().unwrap_or(0) > self.max_issuer_bytes {
            let Some(victim) = inner.lowest(Some(issuer), self.clamp) else {
                break;
            };
            inner.remove(victim);
        }
        let over =
            |i: &Inner| i.ocsp.len() + i.crl.len() > self.max_entries || i.bytes > self.max_bytes;
        if !over(inner) {
            return;
        }
        // Expired first.
        let expired: Vec<Victim> = inner
            .ocsp
            .iter()
            .filter(|(_, e)| e.cached.answer.valid_until.0 < at.0)
            .map(|(k, _)| Victim::Ocsp(k.clone()))
            .chain(
                inner
                    .crl
                    .iter()
                    .filter(|(_, e)| e.valid_until.0 < at.0)
                    .map(|(u, _)| Victim::Crl(u.clone())),
            )
            .collect();
        for victim in expired {
            inner.remove(victim);
        }
        // Then whatever goes stale soonest, freshness clamped.
        while over(inner) {
            let Some(victim) = inner.lowest(None, self.clamp) else {
                break;
            };
            inner.remove(victim);
        }
    }

    /// Number of cached OCSP answers and CRLs.
    pub fn len(&self) -> usize {
        let inner = self.read();
        inner.ocsp.len() + inner.crl.len()
    }

    /// Whether the cache is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Bytes accounted to the cached items.
    pub fn bytes(&self) -> usize {
        self.read().bytes
    }

    /// Drops everything.
    pub fn clear(&self) {
        *self.write() = Inner::default();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::revocation::{CertStatus, Method};

    fn certs(n: usize) -> (Certificate, Vec<Certificate>) {
        let chain = chainvet_testkit::Chain::standard();
        let issuer = Certificate::from_der(chain.certs[1].der.clone()).unwrap();
        let leaves = (0..n)
            .map(|i| {
                let mut spec = chainvet_testkit::Spec::leaf("Cached");
                spec.serial = Some(vec![0x40, u8::try_from(i).unwrap()]);
                let leaf = chainvet_testkit::issue(spec, &chain.certs[1]);
                Certificate::from_der(leaf.der).unwrap()
            })
            .collect();
        (issuer, leaves)
    }

    fn cached(valid_until: i64, response_len: usize) -> CachedOcsp {
        CachedOcsp {
            answer: Answer {
                status: CertStatus::Good,
                method: Method::Ocsp,
                this_update: Timestamp(0),
                next_update: Some(Timestamp(valid_until)),
                produced_at: None,
                valid_until: Timestamp(valid_until),
                signer: "CN=Test".to_owned(),
            },
            responder: "http://ocsp.example".to_owned(),
            response: vec![0u8; response_len].into(),
        }
    }

    #[test]
    fn bounded_in_entries_evicting_what_goes_stale_first() {
        let (issuer, leaves) = certs(3);
        let cache = Cache::new(2, 1 << 20);
        cache.insert_ocsp(&leaves[0], &issuer, cached(300, 10), Timestamp(10));
        cache.insert_ocsp(&leaves[1], &issuer, cached(100, 10), Timestamp(10));
        cache.insert_ocsp(&leaves[2], &issuer, cached(200, 10), Timestamp(10));
        assert_eq!(cache.len(), 2);
        let hit = |i: usize| cache.lookup_ocsp(&leaves[i], &issuer, Timestamp(50), 0);
        assert!(hit(1).is_none(), "the entry stale soonest was evicted");
        assert!(hit(0).is_some() && hit(2).is_some());
        // Freshness is judged at lookup time.
        assert!(
            cache
                .lookup_ocsp(&leaves[0], &issuer, Timestamp(301), 0)
                .is_none()
        );
        assert!(
            cache
                .lookup_ocsp(&leaves[0], &issuer, Timestamp(301), 5)
                .is_some()
        );
        // Another issuer never hits.
        assert!(
            cache
                .lookup_ocsp(&leaves[0], &leaves[1], Timestamp(50), 0)
                .is_none()
        );
        // Replacing an entry keeps the byte count exact.
        let before = cache.bytes();
        cache.insert_ocsp(&leaves[0], &issuer, cached(400, 10), Timestamp(10));
        assert_eq!(cache.bytes(), before);
        cache.clear();
        assert!(cache.is_empty() && cache.bytes() == 0);
    }

    #[test]
    fn bounded_in_bytes_dropping_expired_first() {
        let (issuer, leaves) = certs(3);
        let one = ocsp_size(&cached(0, 1000));
        let cache = Cache::new(100, 2 * one);
        cache.insert_ocsp(&leaves[0], &issuer, cached(50, 1000), Timestamp(10));
        cache.insert_ocsp(&leaves[1], &issuer, cached(500, 1000), Timestamp(10));
        assert_eq!(cache.bytes(), 2 * one);
        // At t=100 the first is expired: it goes, the fresher one stays.
        cache.insert_ocsp(&leaves[2], &issuer, cached(400, 1000), Timestamp(100));
        assert_eq!(cache.len(), 2);
        assert!(cache.bytes() <= 2 * one);
        assert!(
            cache
                .lookup_ocsp(&leaves[1], &issuer, Timestamp(100), 0)
                .is_some()
        );
        assert!(
            cache
                .lookup_ocsp(&leaves[2], &issuer, Timestamp(100), 0)
                .is_some()
        );
        // An item larger than the whole cache is not stored.
        cache.insert_ocsp(&leaves[0], &issuer, cached(900, 10 * one), Timestamp(100));
        assert!(
            cache
                .lookup_ocsp(&leaves[0], &issuer, Timestamp(100), 0)
                .is_none()
        );
    }

    fn cached_at(valid_until: i64) -> CachedOcsp {
        let mut c = cached(valid_until, 100);
        c.answer.this_update = Timestamp(0);
        c
    }

    #[test]
    fn a_far_future_next_update_cannot_pin_the_cache() {
        let (issuer, leaves) = certs(3);
        // Room for two; freshness counts at most 1000 s past insertion.
        let cache = Cache::with_issuer_share(2, 1 << 20, 100, 1000);
        // Inserted at t=10 claiming freshness until the year 9999.
        cache.insert_ocsp(
            &leaves[0],
            &issuer,
            cached_at(253_402_300_799),
            Timestamp(10),
        );
        cache.insert_ocsp(&leaves[1], &issuer, cached_at(5_000), Timestamp(2_000));
        cache.insert_ocsp(&leaves[2], &issuer, cached_at(6_000), Timestamp(2_100));
        let hit = |i: usize| cache.lookup_ocsp(&leaves[i], &issuer, Timestamp(2_200), 0);
        assert!(
            hit(0).is_none(),
            "the 9999 entry ranks as fresh until t=1010 only"
        );
        assert!(hit(1).is_some() && hit(2).is_some());
    }

    #[test]
    fn one_issuer_cannot_take_more_than_its_share() {
        let (issuer, leaves) = certs(4);
        let (other, others) = {
            let chain = chainvet_testkit::Chain::new(1, chainvet_testkit::KeyKind::P384);
            let issuer = Certificate::from_der(chain.certs[1].der.clone()).unwrap();
            let leaf = Certificate::from_der(chain.certs[0].der.clone()).unwrap();
            (issuer, vec![leaf])
        };
        let one = ocsp_size(&cached(0, 1000));
        // 4 entries' worth of bytes, 50 % per issuer.
        let cache = Cache::with_issuer_share(100, 4 * one, 50, 1 << 30);
        cache.insert_ocsp(&others[0], &other, cached(900, 1000), Timestamp(1));
        for (i, leaf) in leaves.iter().enumerate() {
            cache.insert_ocsp(leaf, &issuer, cached(500 + i as i64, 1000), Timestamp(1));
        }
        // The flooding issuer keeps two entries (its newest-lasting), the other keeps its one.
        assert!(
            cache
                .lookup_ocsp(&others[0], &other, Timestamp(2), 0)
                .is_some()
        );
        let kept = (0..4)
            .filter(|&i| {
                cache
                    .lookup_ocsp(&leaves[i], &issuer, Timestamp(2), 0)
                    .is_some()
            })
            .count();
        assert_eq!(kept, 2);
        assert_eq!(cache.bytes(), 3 * one);
    }

    #[test]
    fn the_validator_stays_send_sync_clone() {
        fn assert<T: Send + Sync + Clone + 'static>() {}
        assert::<crate::Validator>();
        assert::<Arc<Cache>>();
    }
}
