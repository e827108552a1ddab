//! The C ABI entry points as a C gateway calls them: a PEM upload
//! (`chainvet_validator_validate_pem`), a DER peer chain (`..._validate_der`, the input
//! split at 0xff 0x00 pairs) and a policy text (`chainvet_validator_new_from_policy`),
//! then every report accessor. Offline, at a fixed time.
#![no_main]

use core::ptr::null_mut;

use ffi::options::*;
use ffi::report::*;
use ffi::result::chainvet_result;
use ffi::validator::*;

libfuzzer_sys::fuzz_target!(|data: &[u8]| unsafe {
    let (mut validator, mut options, mut report) = (null_mut(), null_mut(), null_mut());
    let (policy, chain) = data.split_at(data.len() / 4);
    // A policy naming a trust store would make the fuzzer read files (`/dev/zero`).
    let policy: &[u8] = if policy.windows(5).any(|w| w == b"trust") {
        b""
    } else {
        policy
    };
    if chainvet_validator_new_from_policy(
        policy.as_ptr().cast(),
        policy.len(),
        &mut validator,
        null_mut(),
        0,
        null_mut(),
    ) != chainvet_result::Ok
    {
        assert_eq!(chainvet_validator_new(&mut validator), chainvet_result::Ok);
    }
    assert_eq!(chainvet_options_new(&mut options), chainvet_result::Ok);
    chainvet_options_set_time(options, 1_780_000_000);
    chainvet_options_set_offline(options, true);
    let certs: Vec<&[u8]> = chain.split(|&b| b == 0xff).collect();
    let (ptrs, lens): (Vec<*const u8>, Vec<usize>) =
        certs.iter().map(|c| (c.as_ptr(), c.len())).unzip();
    for der in [false, true] {
        let r = if der {
            chainvet_validator_validate_der(
                validator,
                ptrs.as_ptr(),
                lens.as_ptr(),
                ptrs.len(),
                options,
                &mut report,
            )
        } else {
            chainvet_validator_validate_pem(
                validator,
                chain.as_ptr(),
                chain.len(),
                options,
                &mut report,
            )
        };
        assert_eq!(r, chainvet_result::Ok);
        let (n, mut json) = (chainvet_report_findings_count(report), core::ptr::null());
        for i in 0..=n {
            let (mut code, mut msg) = (0, core::ptr::null());
            let _ = (
                chainvet_report_finding_code(report, i, &mut code),
                chainvet_report_finding_message(report, i, &mut msg),
            );
        }
        assert_eq!(chainvet_report_json(report, &mut json), chainvet_result::Ok);
        chainvet_report_free(report);
    }
    chainvet_options_free(options);
    chainvet_validator_free(validator);
});
