//! Structured chain fuzzing: real certificates from `samples/`, picked, ordered and
//! mutated byte by byte under the fuzzer's control, then validated as a bundle and in
//! trust-store mode (first certificate presented, the rest as the pool).
#![no_main]

use std::sync::OnceLock;

use chainvet::{Options, Policy, PresentedOptions, Timestamp, TrustStore, Usage, Validator};

fn corpus() -> &'static [Vec<u8>] {
    static CERTS: OnceLock<Vec<Vec<u8>>> = OnceLock::new();
    CERTS.get_or_init(|| {
        let pem = concat!(
            include_str!("../../samples/good.pem"),
            include_str!("../../samples/good-rsa.pem"),
            include_str!("../../samples/sha1-signature.pem"),
            include_str!("../../samples/weak-key.pem"),
            include_str!("../../samples/unrelated.pem"),
            include_str!("../../samples/self-signed.pem"),
        );
        let store = TrustStore::from_pem(pem.as_bytes()).expect("samples parse");
        store.anchors().iter().map(|c| c.der().to_vec()).collect()
    })
}

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    // Each 4-byte record: certificate index, then one edit (offset u16, xor mask).
    let certs = corpus();
    let mut chain: Vec<Vec<u8>> = Vec::new();
    for rec in data.chunks_exact(4).take(64) {
        let (pick, offset, mask) = (rec[0], u16::from_le_bytes([rec[1], rec[2]]), rec[3]);
        if pick & 0x80 != 0 || chain.is_empty() {
            chain.push(certs[usize::from(pick & 0x7f) % certs.len()].clone());
        }
        let der = chain.last_mut().expect("one certificate");
        let at = usize::from(offset) % der.len();
        der[at] ^= mask;
    }
    let refs: Vec<&[u8]> = chain.iter().map(Vec::as_slice).collect();
    let at = Timestamp(1_780_000_000);
    let mut offline = Options::at(at);
    offline.offline = true;
    let _ = Validator::default().validate_der_with(&refs, &offline);
    static TRUSTING: OnceLock<Validator> = OnceLock::new();
    let trusting = TRUSTING.get_or_init(|| {
        let roots =
            TrustStore::from_pem(include_bytes!("../../samples/root-ca.pem")).expect("root");
        Validator::with_trust_store(Policy::cabf(), roots)
    });
    if let Some((leaf, pool)) = refs.split_first() {
        let mut options = PresentedOptions::new(at, Usage::ClientAuth);
        options.base.offline = true;
        let report = trusting.validate_presented(leaf, pool, &options);
        assert_eq!(report.accepted, report.errors().next().is_none());
    }
});
