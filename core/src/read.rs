//! Bounded reading of files and streams: every reader stops at its limit plus one byte
//! before anything else happens, so an oversized input is recognised as too large
//! (one byte over is enough to say so) without being held in memory, whatever it is:
//! a huge file, `/dev/zero`, a FIFO or a pipe that never ends.

use std::io::Read;
use std::path::Path;

/// The ceiling when a policy turns its own input limit off (`max_input_bytes = 0`):
/// nothing is ever read whole without a bound. 64 MiB.
pub const HARD_MAX_BYTES: usize = 64 << 20;
/// Largest policy file read. 1 MiB.
pub const MAX_POLICY_BYTES: usize = 1 << 20;
/// Largest trust store file read (a system CA bundle is about 200 KB). 16 MiB.
pub const MAX_TRUST_STORE_BYTES: usize = 16 << 20;
/// Largest registry file read (about 100,000 clients). 64 MiB.
pub const MAX_REGISTRY_BYTES: usize = 64 << 20;

/// Reads at most `limit + 1` bytes (`limit` 0: at most `HARD_MAX_BYTES + 1`). A result
/// longer than `limit` means the source is larger than allowed.
pub fn bounded(reader: impl Read, limit: usize) -> std::io::Result<Vec<u8>> {
    let limit = effective(limit);
    let mut buf = Vec::new();
    reader
        .take(u64::try_from(limit).unwrap_or(u64::MAX).saturating_add(1))
        .read_to_end(&mut buf)?;
    Ok(buf)
}

/// Opens `path` and reads at most `limit + 1` bytes of it (see `bounded`).
pub fn file(path: &Path, limit: usize) -> std::io::Result<Vec<u8>> {
    let file = std::fs::File::open(path)?;
    let hint = file
        .metadata()
        .ok()
        .filter(std::fs::Metadata::is_file)
        .map_or(0, |m| usize::try_from(m.len()).unwrap_or(usize::MAX));
    let limit = effective(limit);
    let mut buf = Vec::with_capacity(hint.min(limit.saturating_add(1)));
    file.take(u64::try_from(limit).unwrap_or(u64::MAX).saturating_add(1))
        .read_to_end(&mut buf)?;
    Ok(buf)
}

/// Reads a text file of at most `limit` bytes, failing with a message naming `what`
/// (not the path: the caller's error names the file) when it is larger or not UTF-8.
pub fn text_file(path: &Path, limit: usize, what: &str) -> Result<String, String> {
    let bytes = file(path, limit).map_err(|e| format!("cannot read {what}: {e}"))?;
    if bytes.len() > effective(limit) {
        return Err(format!(
            "cannot read {what}: it is larger than {} bytes",
            effective(limit)
        ));
    }
    String::from_utf8(bytes).map_err(|_| format!("cannot read {what}: it is not UTF-8 text"))
}

fn effective(limit: usize) -> usize {
    if limit == 0 { HARD_MAX_BYTES } else { limit }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_stop_one_byte_past_the_limit() {
        let endless = std::io::repeat(0);
        assert_eq!(bounded(endless, 100).unwrap().len(), 101);
        assert_eq!(bounded(&b"abc"[..], 100).unwrap(), b"abc");
        assert_eq!(
            bounded(std::io::repeat(1), 0).unwrap().len(),
            HARD_MAX_BYTES + 1
        );
    }

    #[cfg(unix)]
    #[test]
    fn dev_zero_is_bounded() {
        let zeros = file(Path::new("/dev/zero"), 4096).unwrap();
        assert_eq!(zeros.len(), 4097);
        let err = text_file(Path::new("/dev/zero"), 4096, "policy").unwrap_err();
        assert!(err.contains("larger than 4096 bytes"), "{err}");
    }
}
