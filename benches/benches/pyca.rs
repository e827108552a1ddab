//! pyca/cryptography's client verifier timed from Python on the same bundles (from PEM, and
//! prepared once on presented DER: `pyca_presented`), in the same
//! `cargo bench` run. The timing loop is `benches/pyca_verify.py`; its medians are written
//! where criterion writes its own (`target/criterion/pyca/CHAIN/new/estimates.json`) so
//! `benches/ratios.py` reads every peer the same way. Skipped, with a note, when `python3`
//! with cryptography >= 45 is not available. Does nothing unless run by `cargo bench`.

use std::path::PathBuf;
use std::process::Command;

fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target"))
}

fn main() {
    // `cargo bench` passes --bench; `cargo test` runs bench targets without it.
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    let dir = target_dir().join("pyca-fixtures");
    std::fs::create_dir_all(&dir).expect("fixture dir");
    for f in chainvet_benches::fixtures() {
        std::fs::write(dir.join(format!("{}.pem", f.name)), &f.pem).expect("write fixture");
    }
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("pyca_verify.py");
    let python = std::env::var("PYTHON").unwrap_or_else(|_| "python3".to_owned());
    let output = match Command::new(&python).arg(&script).arg(&dir).output() {
        Ok(o) if o.status.success() => o,
        Ok(o) => {
            eprintln!(
                "pyca: skipped ({python} {} failed: {})",
                script.display(),
                String::from_utf8_lossy(&o.stderr).trim()
            );
            return;
        }
        Err(e) => {
            eprintln!("pyca: skipped ({python} not runnable: {e})");
            return;
        }
    };
    let results: serde_json::Value =
        serde_json::from_slice(&output.stdout).expect("pyca_verify.py prints JSON");
    let Some(chains) = results.as_object() else {
        return;
    };
    for (key, r) in chains {
        // `presented:CHAIN` is the prepared verifier on DER input (trust-store mode's peer).
        let (group, chain) = match key.split_once(':') {
            Some((_, chain)) => ("pyca_presented", chain),
            None => ("pyca", key.as_str()),
        };
        let median = r["median_ns"].as_f64().unwrap_or(f64::NAN);
        let mean = r["mean_ns"].as_f64().unwrap_or(f64::NAN);
        println!(
            "{group}/{chain:<18} time:   {:.3} µs (median of 20 batches, from Python, cryptography {})",
            median / 1e3,
            r["cryptography"].as_str().unwrap_or("?")
        );
        let out = target_dir()
            .join("criterion")
            .join(group)
            .join(chain)
            .join("new");
        std::fs::create_dir_all(&out).expect("criterion dir");
        let estimates = serde_json::json!({
            "mean": {"point_estimate": mean},
            "median": {"point_estimate": median},
            "source": "benches/pyca_verify.py",
        });
        std::fs::write(out.join("estimates.json"), estimates.to_string()).expect("write");
    }
}
