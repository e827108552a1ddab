//! The C ABI entry points as a C gateway calls them: a PEM upload
//! (`chainvet_validator_validate_pem`), a DER peer chain (`..._validate_der`, the input
//! split at 0xff bytes), the same pieces in trust-store mode (`..._validate_presented`:
//! the first is the leaf, the rest the pool; server usage, a peer name, a depth limit)
//! and a policy text (`chainvet_validator_new_from_policy`), then every report accessor.
//! Offline, at a fixed time.
#![no_main]

use core::ptr::null_mut;

use ffi::options::*;
use ffi::presented::*;
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
    let mut presented = null_mut();
    assert_eq!(
        chainvet_presented_options_new(&mut presented),
        chainvet_result::Ok
    );
    chainvet_presented_options_set_usage(presented, chainvet_usage::ServerAuth as u32);
    chainvet_presented_options_add_peer_name(
        presented,
        chainvet_peer_name_type::Dns as u32,
        c"api.example.com".as_ptr(),
        15,
    );
    chainvet_presented_options_set_max_depth(presented, 2);
    for mode in 0..3 {
        let r = if mode == 2 {
            chainvet_validator_validate_presented(
                validator,
                ptrs[0],
                lens[0],
                ptrs[1..].as_ptr(),
                lens[1..].as_ptr(),
                ptrs.len() - 1,
                presented,
                options,
                &mut report,
            )
        } else if mode == 1 {
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
    chainvet_presented_options_free(presented);
    chainvet_options_free(options);
    chainvet_validator_free(validator);
});
