//! Policy loading from arbitrary TOML (and JSON) text: an error, never a panic or a hang.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(policy) = chainvet::Policy::from_text(text) {
            // What loads must survive a round trip through TOML unchanged.
            assert_eq!(
                chainvet::Policy::from_toml(&policy.to_toml()).ok(),
                Some(policy)
            );
        }
    }
});
