//! The pipeline of `scan`: workers take files from the walk's queue, vet each one and
//! hand the outcome on to the summary, wiping every input (it may hold a private key).

use std::path::PathBuf;
use std::sync::mpsc::{Receiver, SyncSender};
use std::time::{Duration, Instant};

use chainvet::{Report, Validator};

use super::walk::{Entry, read_bounded};

/// One unit of work or its outcome.
pub(super) enum Outcome {
    Vetted {
        path: PathBuf,
        report: Report,
        elapsed: Duration,
    },
    Unreadable {
        path: PathBuf,
        reason: String,
    },
}

pub(super) fn worker(
    rx: &std::sync::Mutex<Receiver<Entry>>,
    tx: SyncSender<Outcome>,
    validator: &Validator,
    options: &chainvet::Options,
    max_bytes: usize,
) {
    loop {
        let entry = {
            let rx = rx.lock().unwrap_or_else(|e| e.into_inner());
            rx.recv()
        };
        let Ok(entry) = entry else { return };
        let outcome = match entry {
            Entry::Problem(path, reason) => Outcome::Unreadable { path, reason },
            Entry::File(path) => match read_bounded(&path, max_bytes) {
                Err(reason) => Outcome::Unreadable { path, reason },
                Ok(mut input) => {
                    let start = Instant::now();
                    let report = validator.validate_with(&input, options);
                    let elapsed = start.elapsed();
                    // The bundle may have held a private key: do not leave it in freed memory.
                    input.fill(0);
                    std::hint::black_box(&input);
                    Outcome::Vetted {
                        path,
                        report,
                        elapsed,
                    }
                }
            },
        };
        if tx.send(outcome).is_err() {
            return;
        }
    }
}
