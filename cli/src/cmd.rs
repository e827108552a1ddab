//! One module per subcommand, plus the options they share.

pub(crate) mod check;
pub(crate) mod csr;
pub(crate) mod fix;
pub(crate) mod match_;
pub(crate) mod policy_inputs;
pub(crate) mod revocation;
pub(crate) mod scan;
pub(crate) mod verify;
pub(crate) mod vet;

use std::path::{Path, PathBuf};

use chainvet::{Policy, Timestamp, Validator};

/// Options every vetting subcommand takes.
#[derive(Debug, clap::Args)]
pub(crate) struct Common {
    /// Policy file (TOML, or JSON starting with `{`); defaults to the mTLS onboarding policy.
    #[arg(long, value_name = "POLICY")]
    pub(crate) policy: Option<PathBuf>,
    /// Validate at this time instead of now (RFC 3339, e.g. 2026-12-01T00:00:00Z).
    #[arg(long, value_name = "RFC3339", value_parser = parse_time)]
    pub(crate) at: Option<Timestamp>,
}

fn parse_time(s: &str) -> Result<Timestamp, String> {
    Timestamp::parse_rfc3339(s)
}

impl Common {
    pub(crate) fn policy(&self) -> Result<Policy, String> {
        match &self.policy {
            Some(path) => Policy::from_file(path).map_err(|e| e.to_string()),
            None => Ok(Policy::default()),
        }
    }

    pub(crate) fn validator(&self) -> Result<Validator, String> {
        Validator::new(self.policy()?).map_err(|e| e.to_string())
    }

    pub(crate) fn time(&self) -> Timestamp {
        self.at.unwrap_or_else(Timestamp::now)
    }
}

/// Reads a file, or standard input for `-`: at most `limit + 1` bytes (`limit` 0: the
/// library's hard ceiling), so that an oversized input (a huge file, `/dev/zero`, an
/// endless pipe) is reported as too large by the validator without being read whole.
pub(crate) fn read_input(path: &Path, limit: usize) -> Result<Vec<u8>, String> {
    if path == Path::new("-") {
        chainvet::read::bounded(std::io::stdin().lock(), limit)
            .map_err(|e| format!("cannot read standard input: {e}"))
    } else {
        chainvet::read::file(path, limit)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))
    }
}

/// `read_input` for inputs that are not validated as a whole (a registered certificate,
/// a peer's certificates): larger than `limit` is an error.
pub(crate) fn read_input_within(path: &Path, limit: usize) -> Result<Vec<u8>, String> {
    let bytes = read_input(path, limit)?;
    let ceiling = if limit == 0 {
        chainvet::read::HARD_MAX_BYTES
    } else {
        limit
    };
    if bytes.len() > ceiling {
        wipe(bytes);
        let name = if path == Path::new("-") {
            "standard input".to_owned()
        } else {
            path.display().to_string()
        };
        return Err(format!("{name} is larger than {ceiling} bytes"));
    }
    Ok(bytes)
}

/// Overwrites a buffer that may have held private key material before it is freed.
pub(crate) fn wipe(mut buf: Vec<u8>) {
    buf.fill(0);
    std::hint::black_box(&buf);
}
