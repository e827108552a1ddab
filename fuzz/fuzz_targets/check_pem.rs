//! The whole bundle check on arbitrary bytes, as an onboarding upload would arrive.
#![no_main]

use std::sync::OnceLock;

use chainvet::{Timestamp, Validator};

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    static VALIDATOR: OnceLock<Validator> = OnceLock::new();
    let validator = VALIDATOR.get_or_init(Validator::default);
    let report = validator.validate_at(data, Timestamp(1_780_000_000));
    assert_eq!(report.accepted, report.errors().next().is_none());
});
