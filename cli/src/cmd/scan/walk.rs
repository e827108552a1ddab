//! The walk of `scan`: which files to vet (a directory tree, or paths listed on standard
//! input), every entry that cannot be used reported with its reason instead (dangling or
//! looping symlink, FIFO, socket, device, permission denied, vanished), and the bounded,
//! non-blocking read of each file.

use std::collections::HashSet;
use std::fs::File;
use std::io::{BufRead, Read};
use std::path::{Path, PathBuf};
use std::sync::mpsc::SyncSender;

use super::Progress;

/// Longest path line read from standard input (Linux's PATH_MAX).
const MAX_PATH_LINE: usize = 4096;

/// What the walker found: a file to vet, or an entry it could not use.
pub(super) enum Entry {
    File(PathBuf),
    Problem(PathBuf, String),
}

/// Which files a directory walk vets.
pub(super) struct Filter {
    extensions: Vec<String>,
}

impl Filter {
    pub(super) fn new(ext: &[String]) -> Filter {
        Filter {
            extensions: ext
                .iter()
                .map(|e| e.trim().trim_start_matches('.').to_ascii_lowercase())
                .filter(|e| !e.is_empty())
                .collect(),
        }
    }

    fn wants(&self, path: &Path) -> bool {
        let hidden = path
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with('.'));
        if hidden {
            return false;
        }
        self.extensions.is_empty()
            || path
                .extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| self.extensions.contains(&e.to_ascii_lowercase()))
    }
}

pub(super) struct Walker {
    tx: SyncSender<Entry>,
    filter: Filter,
    /// (device, inode) of every directory entered: a symlink back to one is a loop.
    seen_dirs: HashSet<(u64, u64)>,
    progress: Progress,
    /// The workers are gone (the printer failed, e.g. a closed pipe): walk no further.
    stopped: bool,
}

impl Walker {
    /// A walker that sends what it finds to `tx`, counting it on `progress`.
    pub(super) fn new(tx: SyncSender<Entry>, filter: Filter, progress: Progress) -> Walker {
        Walker {
            tx,
            filter,
            seen_dirs: HashSet::new(),
            progress,
            stopped: false,
        }
    }

    fn send(&mut self, entry: Entry) {
        if self.stopped {
            return;
        }
        self.progress.found();
        // The receivers only go away if the printer failed; then there is nothing to do.
        if self.tx.send(entry).is_err() {
            self.stopped = true;
        }
    }

    fn problem(&mut self, path: &Path, reason: impl Into<String>) {
        self.send(Entry::Problem(path.to_path_buf(), reason.into()));
    }

    pub(super) fn walk_stdin(&mut self) {
        let stdin = std::io::stdin();
        let mut lines = stdin.lock();
        let mut line = Vec::new();
        while !self.stopped {
            line.clear();
            // One path per line, each read with a bound: a stream without newlines
            // (`/dev/zero`) is not held in memory.
            let read = (&mut lines)
                .take(MAX_PATH_LINE as u64 + 1)
                .read_until(b'\n', &mut line);
            match read {
                Ok(0) => return,
                Ok(_) if line.len() > MAX_PATH_LINE && !line.ends_with(b"\n") => {
                    self.problem(
                        Path::new("-"),
                        format!("a line of standard input is longer than {MAX_PATH_LINE} bytes: not a path, skipped"),
                    );
                    // Skip the rest of that line, a bounded chunk at a time.
                    loop {
                        line.clear();
                        match (&mut lines).take(64 * 1024).read_until(b'\n', &mut line) {
                            Ok(0) => return,
                            Ok(_) if line.ends_with(b"\n") => break,
                            Ok(_) => {}
                            Err(_) => return,
                        }
                    }
                }
                Ok(_) => {
                    let text = String::from_utf8_lossy(&line);
                    let path = text.trim_end_matches(['\n', '\r']);
                    if !path.trim().is_empty() {
                        let path = PathBuf::from(path);
                        self.walk(&path, true);
                    }
                }
                Err(e) => {
                    self.problem(Path::new("-"), format!("cannot read standard input: {e}"));
                    return;
                }
            }
        }
    }

    /// Vets `path` if it is a file, descends if it is a directory. `named` entries (the
    /// scan root, listed paths) are vetted whatever their name.
    pub(super) fn walk(&mut self, path: &Path, named: bool) {
        if self.stopped {
            return;
        }
        // Follows symlinks: a dangling one or a self-referencing one fails here.
        let meta = match std::fs::metadata(path) {
            Ok(m) => m,
            Err(e) => return self.problem(path, describe_io(path, &e)),
        };
        if meta.is_dir() {
            if !self.seen_dirs.insert(dir_id(&meta)) {
                return self.problem(
                    path,
                    "symlink loop: this directory was already entered, skipped",
                );
            }
            let listing = match std::fs::read_dir(path) {
                Ok(l) => l,
                Err(e) => return self.problem(path, format!("cannot list directory: {e}")),
            };
            let mut children = Vec::new();
            for entry in listing {
                match entry {
                    Ok(e) => children.push(e.path()),
                    Err(e) => self.problem(path, format!("cannot list directory: {e}")),
                }
            }
            // Sorted, so the order of JSON lines is stable for a given tree.
            children.sort();
            for child in children {
                let name_ok = child
                    .file_name()
                    .and_then(|n| n.to_str())
                    .is_none_or(|n| !n.starts_with('.'));
                if name_ok {
                    self.walk(&child, false);
                }
            }
        } else if meta.is_file() {
            if named || self.filter.wants(path) {
                self.send(Entry::File(path.to_path_buf()));
            }
        } else if named || self.filter.wants(path) {
            self.problem(path, format!("not a regular file ({})", kind(&meta)));
        }
    }
}

#[cfg(unix)]
pub(super) fn dir_id(meta: &std::fs::Metadata) -> (u64, u64) {
    use std::os::unix::fs::MetadataExt;
    (meta.dev(), meta.ino())
}

#[cfg(not(unix))]
pub(super) fn dir_id(meta: &std::fs::Metadata) -> (u64, u64) {
    // No inode numbers: tell directories apart by their timestamps as well as we can.
    let t = meta
        .modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos() as u64);
    (t, meta.len())
}

pub(super) fn kind(meta: &std::fs::Metadata) -> &'static str {
    if meta.is_dir() {
        return "a directory";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let t = meta.file_type();
        if t.is_fifo() {
            return "a FIFO";
        }
        if t.is_socket() {
            return "a socket";
        }
        if t.is_block_device() || t.is_char_device() {
            return "a device";
        }
    }
    let _ = meta;
    "not a file or directory"
}

pub(super) fn describe_io(path: &Path, e: &std::io::Error) -> String {
    let dangling = std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
    match e.kind() {
        std::io::ErrorKind::NotFound if dangling => {
            "dangling symlink: its target does not exist".to_owned()
        }
        std::io::ErrorKind::NotFound => "vanished before it could be read".to_owned(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_owned(),
        _ if e.raw_os_error() == Some(40) => {
            "symlink loop: too many levels of symbolic links".to_owned()
        }
        _ => e.to_string(),
    }
}

/// Opens without blocking (a FIFO without a writer would block a plain open), checks the
/// opened file is a regular file, reads at most `max + 1` bytes.
pub(super) fn read_bounded(path: &Path, max: usize) -> Result<Vec<u8>, String> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    let file: File = options.open(path).map_err(|e| describe_io(path, &e))?;
    let meta = file.metadata().map_err(|e| e.to_string())?;
    if !meta.is_file() {
        return Err(format!("not a regular file ({})", kind(&meta)));
    }
    let max = if max == 0 {
        chainvet::read::HARD_MAX_BYTES
    } else {
        max
    };
    let limit = max as u64 + 1;
    let mut buf = Vec::with_capacity(meta.len().min(limit) as usize);
    file.take(limit)
        .read_to_end(&mut buf)
        .map_err(|e| format!("read failed: {e}"))?;
    Ok(buf)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_are_bounded_and_never_block() {
        let dir = tempfile::tempdir().unwrap();
        let big = dir.path().join("big.pem");
        std::fs::write(&big, vec![b'A'; 10_000]).unwrap();
        assert_eq!(read_bounded(&big, 100).unwrap().len(), 101);
        assert_eq!(read_bounded(&big, 0).unwrap().len(), 10_000);

        let gone = dir.path().join("gone.pem");
        std::fs::write(&gone, b"x").unwrap();
        std::fs::remove_file(&gone).unwrap();
        let err = read_bounded(&gone, 100).unwrap_err();
        assert!(err.contains("vanished"), "{err}");

        // A FIFO with no writer: a blocking open would hang here forever.
        let fifo = dir.path().join("fifo.pem");
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap();
        assert!(made.success());
        let err = read_bounded(&fifo, 100).unwrap_err();
        assert!(err.contains("FIFO"), "{err}");

        let err = read_bounded(dir.path(), 100).unwrap_err();
        assert_eq!(err, "not a regular file (a directory)");
    }
}
