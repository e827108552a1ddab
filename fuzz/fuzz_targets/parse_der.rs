//! One certificate from arbitrary DER, and a trust store from arbitrary PEM text: parsing
//! must fail with an error, never panic.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Ok(cert) = chainvet::Certificate::from_der(data.to_vec()) {
        let _ = (
            cert.subject_string(),
            cert.serial_hex(),
            cert.public_key().to_string(),
        );
    }
    let _ = chainvet::TrustStore::from_pem(data);
});
