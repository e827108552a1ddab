//! `chainvet scan` over real directories: good and defective samples side by side with
//! hostile entries (dangling and looping symlinks, a directory loop, a FIFO, a socket, a
//! directory named like a bundle, binary garbage, an oversized file, a permission-denied
//! file), each reported and none fatal; paths from standard input; the summary.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use assert_cmd::Command;
use serde_json::Value;

fn samples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../samples")
}

fn chainvet() -> Command {
    let mut cmd = Command::cargo_bin("chainvet").expect("binary");
    // A FIFO or a blocking read would hang the scan: fail instead.
    cmd.timeout(Duration::from_secs(60));
    cmd
}

/// JSON lines by path, and the summary object.
fn parse(stdout: &[u8]) -> (HashMap<String, Value>, Value) {
    let text = String::from_utf8(stdout.to_vec()).expect("utf-8");
    let mut lines: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    let summary = lines.pop().expect("summary line");
    assert!(summary.get("summary").is_some(), "{summary}");
    let by_path = lines
        .into_iter()
        .map(|v| (v["path"].as_str().expect("path").to_owned(), v))
        .collect();
    (by_path, summary["summary"].clone())
}

fn mkfifo(path: &Path) {
    let ok = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .expect("mkfifo");
    assert!(ok.success());
}

fn is_root() -> bool {
    std::process::Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout.trim_ascii() == b"0")
}

/// A tree with every sample, a nested copy, and hostile entries; the hostile entries
/// that must be reported unreadable, with a word of the expected reason.
fn hostile_tree() -> (tempfile::TempDir, Vec<(&'static str, &'static str)>) {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    for entry in std::fs::read_dir(samples()).expect("samples") {
        let path = entry.expect("entry").path();
        if path.extension().is_some_and(|e| e == "pem") {
            std::fs::copy(&path, root.join(path.file_name().expect("name"))).expect("copy");
        }
    }
    std::fs::create_dir(root.join("nested")).expect("mkdir");
    std::fs::copy(samples().join("good.pem"), root.join("nested/good.pem")).expect("copy");
    let p = |name: &str| root.join(name);
    std::os::unix::fs::symlink("/nonexistent/chain.pem", p("dangling.pem")).expect("symlink");
    std::os::unix::fs::symlink("self-loop.pem", p("self-loop.pem")).expect("symlink");
    std::os::unix::fs::symlink("..", p("nested/up")).expect("symlink");
    mkfifo(&p("fifo.pem"));
    let socket = std::os::unix::net::UnixListener::bind(p("socket.pem")).expect("socket");
    // Keep the socket file for the scan; the tempdir removes it afterwards.
    std::mem::forget(socket);
    std::fs::create_dir(p("directory.pem")).expect("mkdir");
    std::fs::write(
        p("garbage.pem"),
        [0u8, 0xff, 0x30, 0x82, 0x13, 0x37].repeat(300),
    )
    .expect("write");
    std::fs::write(p("empty.pem"), b"").expect("write");
    std::fs::write(p("huge.pem"), vec![b'A'; 3 << 20]).expect("write");
    std::fs::write(p(".hidden.pem"), b"not scanned").expect("write");

    let expected = vec![
        ("dangling.pem", "dangling symlink"),
        ("self-loop.pem", "symlink loop"),
        ("nested/up", "symlink loop"),
        ("fifo.pem", "FIFO"),
        ("socket.pem", "socket"),
    ];
    (dir, expected)
}

#[test]
fn scan_survives_a_hostile_tree_and_reports_everything() {
    let (dir, unreadable) = hostile_tree();
    let root = dir.path();
    let out = chainvet()
        .args([
            "scan",
            "--json",
            "--at",
            "2026-06-01T00:00:00Z",
            "--jobs",
            "2",
        ])
        .arg(root)
        .output()
        .expect("runs");
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let (lines, summary) = parse(&out.stdout);
    let line = |name: &str| {
        lines
            .get(&root.join(name).display().to_string())
            .unwrap_or_else(|| panic!("no line for {name}: {:#?}", lines.keys()))
    };

    for (name, reason) in &unreadable {
        let l = line(name);
        let err = l["error"].as_str().unwrap_or_else(|| panic!("{name}: {l}"));
        assert!(err.contains(reason), "{name}: {err}");
    }
    assert_eq!(line("good.pem")["accepted"], true);
    assert_eq!(line("nested/good.pem")["accepted"], true);
    assert_eq!(line("good-rsa.pem")["accepted"], true);
    let codes = |name: &str| -> Vec<String> {
        line(name)["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .map(|f| f["code"].as_str().expect("code").to_owned())
            .collect()
    };
    assert!(codes("reversed.pem").contains(&"chain.order_reversed".to_owned()));
    assert!(codes("private-key.pem").contains(&"pem.private_key_present".to_owned()));
    assert!(codes("garbage.pem").contains(&"input.not_pem".to_owned()));
    assert!(codes("empty.pem").contains(&"input.empty".to_owned()));
    assert!(codes("huge.pem").contains(&"input.too_large".to_owned()));
    // A directory named like a bundle is walked (it is empty), not read as a file.
    assert!(!lines.contains_key(&root.join("directory.pem").display().to_string()));
    assert!(!lines.contains_key(&root.join(".hidden.pem").display().to_string()));
    // The private key is never echoed.
    let key = std::fs::read_to_string(samples().join("private-key.pem")).expect("sample");
    let body = key
        .lines()
        .skip_while(|l| !l.contains("PRIVATE KEY"))
        .nth(1)
        .expect("key body");
    assert!(!String::from_utf8_lossy(&out.stdout).contains(body));

    let vetted = lines
        .values()
        .filter(|l| l.get("accepted").is_some())
        .count();
    let accepted = lines.values().filter(|l| l["accepted"] == true).count();
    let errors = lines.values().filter(|l| l.get("error").is_some()).count();
    assert_eq!(summary["accepted"], accepted);
    assert_eq!(summary["rejected"], vetted - accepted);
    assert_eq!(summary["unreadable"], errors);
    assert_eq!(errors, unreadable.len());
    assert_eq!(summary["bundles"], lines.len());
    let per_code: u64 = summary["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| f["count"].as_u64().expect("count"))
        .sum();
    let total_findings: usize = lines
        .values()
        .filter_map(|l| l["findings"].as_array())
        .map(Vec::len)
        .sum();
    assert_eq!(per_code, total_findings as u64);
    assert!(
        summary["slowest"]
            .as_array()
            .is_some_and(|s| !s.is_empty() && s.len() <= 10)
    );
}

#[test]
fn paths_from_stdin_including_unreadable_ones() {
    let dir = tempfile::tempdir().expect("tempdir");
    let good = samples().join("good.pem");
    let mut list = vec![
        good.display().to_string(),
        dir.path().join("missing.pem").display().to_string(),
        format!("{}/child.pem", good.display()), // a file where a directory is expected
        "/dev/null".to_owned(),
        samples().display().to_string(), // a directory: walked
    ];
    // A real "permission denied": chmod 000 does not stop root, so as root the scan runs
    // as nobody (setpriv); otherwise chmod 000 is enough.
    let locked = dir.path().join("locked.pem");
    std::fs::copy(&good, &locked).expect("copy");
    let set_mode = |path: &Path, mode: u32| {
        let mut perms = std::fs::metadata(path).expect("meta").permissions();
        std::os::unix::fs::PermissionsExt::set_mode(&mut perms, mode);
        std::fs::set_permissions(path, perms).expect("chmod");
    };
    set_mode(&locked, 0o000);
    set_mode(dir.path(), 0o755);
    list.push(locked.display().to_string());

    let mut cmd = if is_root() {
        let mut c = Command::new("setpriv");
        c.args(["--reuid=65534", "--regid=65534", "--clear-groups"])
            .arg(assert_cmd::cargo::cargo_bin("chainvet"))
            .timeout(Duration::from_secs(60));
        c
    } else {
        chainvet()
    };
    let out = cmd
        .args(["scan", "-", "--json", "--at", "2026-06-01T00:00:00Z"])
        .write_stdin(list.join("\n"))
        .output()
        .expect("runs");
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let (lines, summary) = parse(&out.stdout);
    let error = |p: &str| {
        lines
            .get(p)
            .and_then(|l| l["error"].as_str())
            .unwrap_or_else(|| panic!("no error line for {p}: {lines:#?}"))
            .to_owned()
    };
    assert_eq!(lines[&list[0]]["accepted"], true);
    assert!(error(&list[1]).contains("vanished"), "{}", error(&list[1]));
    assert!(
        error(&list[2]).to_lowercase().contains("not a directory"),
        "{}",
        error(&list[2])
    );
    assert!(error(&list[3]).contains("device"), "{}", error(&list[3]));
    assert!(
        error(&list[5]).contains("permission denied"),
        "{}",
        error(&list[5])
    );
    // The samples directory was walked: every sample has a line.
    let walked = lines.keys().filter(|p| p.starts_with(&list[4])).count();
    assert!(walked >= 15, "{walked}");
    assert_eq!(summary["unreadable"], 4);
}

#[test]
fn human_summary_counts_expiring_certificates_and_draws_no_bar_when_piped() {
    let dir = tempfile::tempdir().expect("tempdir");
    for name in ["good.pem", "good-rsa.pem", "reversed.pem"] {
        std::fs::copy(samples().join(name), dir.path().join(name)).expect("copy");
    }
    // The sample leaves expire on 2044-01-01: two weeks before, they are expiring.
    let out = chainvet()
        .args(["scan", "--at", "2043-12-18T00:00:00Z", "--expiring", "30d"])
        .arg(dir.path())
        .output()
        .expect("runs");
    let stdout = String::from_utf8(out.stdout).expect("utf-8");
    let stderr = String::from_utf8(out.stderr).expect("utf-8");
    assert_eq!(out.status.code(), Some(1), "{stdout}{stderr}");
    assert!(
        stdout.contains("reversed.pem: rejected: chain.order_reversed"),
        "{stdout}"
    );
    assert!(stdout.contains("scanned 3 bundle(s)"), "{stdout}");
    assert!(stdout.contains("accepted    2"), "{stdout}");
    assert!(stdout.contains("rejected    1"), "{stdout}");
    assert!(stdout.contains("validity.expires_soon"), "{stdout}");
    // Each of the three bundles holds one leaf expiring on 2044-01-01.
    assert!(
        stdout.contains("certificates expiring within 30 day(s): 3"),
        "{stdout}"
    );
    assert!(stdout.contains("2044-01-01"), "{stdout}");
    assert!(stdout.contains("slowest bundles:"), "{stdout}");
    assert!(
        !stderr.contains('\r') && !stderr.contains("\x1b["),
        "{stderr:?}"
    );
}

#[test]
fn a_missing_target_is_a_usage_error() {
    chainvet()
        .args(["scan", "/nonexistent/bundles"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "cannot scan /nonexistent/bundles",
        ));
}
