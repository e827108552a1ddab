//! The whole bundle check on arbitrary bytes, as an onboarding upload would arrive.
#![no_main]

use std::sync::OnceLock;

use chainvet::{Options, Timestamp, Validator};

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    static VALIDATOR: OnceLock<Validator> = OnceLock::new();
    let validator = VALIDATOR.get_or_init(Validator::default);
    // Offline: the fuzz build has the `fetch` feature (through the C ABI crate), and a
    // mutated certificate must never make the fuzzer contact an OCSP responder.
    let mut options = Options::at(Timestamp(1_780_000_000));
    options.offline = true;
    let report = validator.validate_with(data, &options);
    assert_eq!(report.accepted, report.errors().next().is_none());
});
