//! The CLI under hostile input: no private key echoed by any command whatever its
//! shape; every reader bounded (`/dev/zero`, an endless FIFO, an endless stdin);
//! quiet exit on a closed pipe (`scan --json | head -1` ends); `fix` never writes a
//! bundle without its leaf; `fix` and `scan` take the revocation flags.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use chainvet_testkit::TempDir;
use chainvet_testkit::key_shapes::{self, leaked};
use serde_json::Value;

const AT: &str = "2026-06-01T00:00:00Z";

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn bin() -> PathBuf {
    assert_cmd::cargo::cargo_bin("chainvet")
}

/// Runs chainvet with a timeout; stdout and stderr as text, and the exit code.
fn run(args: &[&str], stdin: Option<&[u8]>) -> (Option<i32>, String, String) {
    let mut cmd = assert_cmd::Command::new(bin());
    cmd.args(args)
        .current_dir(root())
        .timeout(Duration::from_secs(60));
    if let Some(input) = stdin {
        cmd.write_stdin(input.to_vec());
    }
    let out = cmd.output().expect("runs");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn no_panic(what: &str, code: Option<i32>, stderr: &str) {
    assert_ne!(code, Some(101), "{what}: {stderr}");
    assert!(!stderr.contains("panicked"), "{what}: {stderr}");
}

#[test]
fn no_command_echoes_a_private_key_in_any_shape() {
    let dir = TempDir::new("cli-key-echo");
    let shapes = key_shapes::all(dir.path());
    let good = std::fs::read(root().join("samples/good.pem")).expect("sample");
    let roots = root().join("samples/good.pem");
    let scan_dir = dir.path().join("scan");
    std::fs::create_dir_all(&scan_dir).expect("dir");
    for (i, shape) in shapes.iter().enumerate() {
        let file = dir.write(&format!("shape-{i}.key"), &shape.bytes);
        let file = file.to_str().expect("utf-8");
        let mut with_chain = good.clone();
        with_chain.extend_from_slice(&shape.bytes);
        let bundle = dir.write(&format!("bundle-{i}.pem"), &with_chain);
        let bundle = bundle.to_str().expect("utf-8");
        std::fs::write(scan_dir.join(format!("{i}.pem")), &with_chain).expect("write");
        std::fs::write(scan_dir.join(format!("{i}.key")), &shape.bytes).expect("write");
        let registry = dir.write(
            &format!("registry-{i}.toml"),
            format!("[clients.acme]\ncertificates = [\"shape-{i}.key\"]\n"),
        );
        let registry = registry.to_str().expect("utf-8");
        let runs: Vec<(Vec<&str>, Option<&[u8]>)> = vec![
            (vec!["check", file, "--at", AT], None),
            (vec!["check", file, "--json", "--at", AT], None),
            (vec!["check", bundle, "--json", "--at", AT], None),
            (vec!["check", "-", "--at", AT], Some(&shape.bytes)),
            (vec!["fix", bundle, "--at", AT, "--offline"], None),
            (vec!["fix", file, "--at", AT], None),
            (vec!["csr", file], None),
            (vec!["csr", file, "--json"], None),
            (
                vec![
                    "match",
                    "--registered",
                    file,
                    "--presented",
                    "samples/good.pem",
                ],
                None,
            ),
            (
                vec![
                    "match",
                    "--registered",
                    "samples/good.pem",
                    "--presented",
                    bundle,
                    "--json",
                ],
                None,
            ),
            (
                vec![
                    "check",
                    "samples/good.pem",
                    "--registry",
                    registry,
                    "--client",
                    "acme",
                ],
                None,
            ),
            (
                vec![
                    "verify",
                    file,
                    "--trust-store",
                    roots.to_str().expect("utf-8"),
                ],
                None,
            ),
            (
                vec![
                    "verify",
                    bundle,
                    "--trust-store",
                    roots.to_str().expect("utf-8"),
                    "--json",
                ],
                None,
            ),
            (vec!["revocation", bundle, "--offline"], None),
        ];
        for (args, stdin) in runs {
            let (code, out, err) = run(&args, stdin);
            let what = format!("{}: chainvet {}", shape.name, args.join(" "));
            no_panic(&what, code, &err);
            if let Some(run) = leaked(&format!("{out}\n{err}"), &shape.secrets) {
                panic!("{what} echoes key material `{run}`:\n{out}\n{err}");
            }
        }
        // check recognises the key (or the PKCS#12 archive) and rejects.
        let (code, out, _) = run(&["check", file, "--json", "--at", AT], None);
        assert_eq!(code, Some(1), "{}", shape.name);
        let json: Value = serde_json::from_str(&out).expect("json");
        let codes: Vec<&str> = json["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .filter_map(|f| f["code"].as_str())
            .collect();
        assert!(
            codes.contains(&"pem.private_key_present") || shape.name.ends_with("/p12"),
            "{}: {codes:?}",
            shape.name
        );
    }
    for args in [
        vec![
            "scan",
            scan_dir.to_str().expect("utf-8"),
            "--json",
            "--at",
            AT,
            "--offline",
        ],
        vec!["scan", scan_dir.to_str().expect("utf-8"), "--at", AT],
    ] {
        let (code, out, err) = run(&args, None);
        no_panic("scan", code, &err);
        assert_eq!(code, Some(1));
        for shape in &shapes {
            if let Some(run) = leaked(&format!("{out}\n{err}"), &shape.secrets) {
                panic!("scan echoes key material of {} `{run}`", shape.name);
            }
        }
    }
}

fn codes_of(json: &str) -> Vec<String> {
    let v: Value = serde_json::from_str(json).unwrap_or_else(|e| panic!("{e}: {json}"));
    v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| f["code"].as_str().expect("code").to_owned())
        .collect()
}

#[test]
fn every_reader_stops_at_its_limit() {
    // /dev/zero as every kind of file.
    let (code, out, err) = run(&["check", "/dev/zero", "--json"], None);
    no_panic("check /dev/zero", code, &err);
    assert_eq!(code, Some(1));
    assert_eq!(codes_of(&out), ["input.too_large"]);
    for args in [
        vec!["fix", "/dev/zero"],
        vec!["csr", "/dev/zero"],
        vec!["revocation", "/dev/zero"],
    ] {
        let (code, _, err) = run(&args, None);
        no_panic(&args.join(" "), code, &err);
    }
    for (args, word) in [
        (
            vec!["check", "samples/good.pem", "--policy", "/dev/zero"],
            "larger than",
        ),
        (
            vec!["verify", "samples/good.pem", "--trust-store", "/dev/zero"],
            "larger than",
        ),
        (
            vec!["verify", "/dev/zero", "--trust-store", "samples/good.pem"],
            "larger than",
        ),
        (
            vec![
                "match",
                "--registered",
                "/dev/zero",
                "--presented",
                "samples/good.pem",
            ],
            "larger than",
        ),
        (
            vec![
                "match",
                "--registered",
                "samples/good.pem",
                "--presented",
                "/dev/zero",
            ],
            "larger than",
        ),
        (
            vec![
                "check",
                "samples/good.pem",
                "--registry",
                "/dev/zero",
                "--client",
                "x",
            ],
            "larger than",
        ),
    ] {
        let (code, _, err) = run(&args, None);
        no_panic(&args.join(" "), code, &err);
        assert_eq!(code, Some(2), "{}: {err}", args.join(" "));
        assert!(err.contains(word), "{}: {err}", args.join(" "));
    }
    // A policy file of junk that is also too large is refused before it is parsed.
    let dir = TempDir::new("cli-bounds");
    let policy = dir.write("policy.toml", format!("# {}\n", "x".repeat(2 << 20)));
    let (code, _, err) = run(
        &[
            "check",
            "samples/good.pem",
            "--policy",
            policy.to_str().expect("utf-8"),
        ],
        None,
    );
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("larger than 1048576 bytes"), "{err}");
}

/// A writer that never stops, into a child's stdin or a FIFO: the reader must stop.
fn endless(mut sink: impl Write + Send + 'static) -> std::thread::JoinHandle<u64> {
    std::thread::spawn(move || {
        let chunk = vec![b'A'; 64 * 1024];
        let mut written = 0u64;
        while sink.write_all(&chunk).is_ok() {
            written += chunk.len() as u64;
            if written > 1 << 30 {
                break; // a reader that never stops: the test fails below
            }
        }
        written
    })
}

fn wait(mut child: Child, limit: Duration) -> std::process::Output {
    let start = Instant::now();
    loop {
        if child.try_wait().expect("wait").is_some() {
            return child.wait_with_output().expect("output");
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            panic!("chainvet did not end within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn endless_stdin_and_fifo_are_read_only_up_to_the_limit() {
    let mut child = Command::new(bin())
        .args(["check", "-", "--json"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let writer = endless(child.stdin.take().expect("stdin"));
    let out = wait(child, Duration::from_secs(60));
    let written = writer.join().expect("writer");
    assert!(written < 1 << 30, "the whole stream was read");
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        codes_of(&String::from_utf8_lossy(&out.stdout)),
        ["input.too_large"]
    );

    let dir = TempDir::new("cli-fifo");
    let fifo = dir.path().join("bundle.pem");
    assert!(
        Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .expect("mkfifo")
            .success()
    );
    let child = Command::new(bin())
        .args(["check", fifo.to_str().expect("utf-8"), "--json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    // Opening for writing waits for the reader: chainvet has the FIFO open then.
    let sink = std::fs::OpenOptions::new()
        .write(true)
        .open(&fifo)
        .expect("open fifo");
    let writer = endless(sink);
    let out = wait(child, Duration::from_secs(60));
    assert!(writer.join().expect("writer") < 1 << 30);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        codes_of(&String::from_utf8_lossy(&out.stdout)),
        ["input.too_large"]
    );

    // scan's list of paths on stdin: an endless line is not a path.
    let mut child = Command::new(bin())
        .args(["scan", "-", "--json"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut stdin = child.stdin.take().expect("stdin");
    stdin.write_all(&vec![b'x'; 10_000]).expect("write");
    stdin.write_all(b"\nsamples/good.pem\n").expect("write");
    drop(stdin);
    let out = wait(child, Duration::from_secs(60));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("longer than 4096 bytes"), "{text}");
}

#[cfg(unix)]
fn ended_quietly(what: &str, out: &std::process::Output) {
    use std::os::unix::process::ExitStatusExt;
    let stderr = String::from_utf8_lossy(&out.stderr);
    no_panic(what, out.status.code(), &stderr);
    assert!(stderr.is_empty(), "{what}: {stderr}");
    // Ended by SIGPIPE, as `cat` or `grep` would be, or exited normally.
    let by_sigpipe = out.status.signal() == Some(libc_sigpipe());
    assert!(
        by_sigpipe || matches!(out.status.code(), Some(0 | 1)),
        "{what}: {:?}",
        out.status
    );
}

fn libc_sigpipe() -> i32 {
    13
}

#[cfg(unix)]
#[test]
fn a_closed_pipe_ends_the_cli_quietly_and_promptly() {
    let dir = TempDir::new("cli-pipe");
    let good = std::fs::read(root().join("samples/good.pem")).expect("sample");
    for i in 0..1500 {
        dir.write(&format!("b/{i:04}.pem"), &good);
    }
    // `chainvet scan --json DIR | head -1`: read one line, close the pipe.
    let mut child = Command::new(bin())
        .args([
            "scan",
            dir.path().join("b").to_str().expect("utf-8"),
            "--json",
            "--offline",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut first = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut first)
        .expect("one line");
    assert!(first.contains("\"accepted\""), "{first}");
    let out = wait(child, Duration::from_secs(60));
    ended_quietly("scan | head -1", &out);

    // A report to a pipe closed before it is written.
    for args in [
        vec!["check", "samples/reversed.pem", "--json", "--at", AT],
        vec!["check", "samples/reversed.pem", "--at", AT],
        vec!["fix", "samples/reversed.pem", "--at", AT],
    ] {
        let mut child = Command::new(bin())
            .args(&args)
            .current_dir(root())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn");
        drop(child.stdout.take());
        let out = wait(child, Duration::from_secs(60));
        ended_quietly(&args.join(" "), &out);
    }
}

#[test]
fn fix_refuses_to_write_a_bundle_without_its_leaf() {
    let dir = TempDir::new("cli-fix-leaf");
    let good = std::fs::read_to_string(root().join("samples/good.pem")).expect("sample");
    let leaf_end = good.find("-----END CERTIFICATE-----").expect("leaf");
    // Damaged base64 in the leaf block; a leaf block that is not X.509.
    let damaged = format!("{}*{}", &good[..60], &good[61..]);
    let not_x509 = format!(
        "-----BEGIN CERTIFICATE-----\nMAMCAQA=\n{}",
        &good[leaf_end..]
    );
    for (name, bundle, why) in [
        ("damaged.pem", damaged, "base64"),
        ("not-x509.pem", not_x509, "not a valid X.509 certificate"),
    ] {
        let path = dir.write(name, bundle);
        let out_path = dir.path().join(format!("{name}.fixed"));
        let (code, out, err) = run(
            &[
                "fix",
                path.to_str().expect("utf-8"),
                "-o",
                out_path.to_str().expect("utf-8"),
                "--at",
                AT,
                "--offline",
                "--revocation",
                "off",
            ],
            None,
        );
        no_panic(name, code, &err);
        assert_eq!(code, Some(1), "{name}: {err}");
        assert!(out.is_empty(), "{name}: {out}");
        assert!(!out_path.exists(), "{name}: a bundle was written");
        assert!(err.contains("certificate 1 at lines 1-"), "{name}: {err}");
        assert!(err.contains(why), "{name}: {err}");
        assert!(err.contains("leaf"), "{name}: {err}");
    }
    // The same bundles unbroken are repaired as before, with the flags accepted.
    let (code, out, err) = run(
        &[
            "fix",
            "samples/reversed.pem",
            "--at",
            AT,
            "--offline",
            "--revocation",
            "soft",
        ],
        None,
    );
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(out.matches("BEGIN CERTIFICATE").count(), 3);
}

#[test]
fn scan_takes_the_revocation_flags() {
    let dir = TempDir::new("cli-scan-flags");
    let good = std::fs::read(root().join("samples/good.pem")).expect("sample");
    dir.write("a.pem", &good);
    let (code, out, err) = run(
        &[
            "scan",
            dir.path().to_str().expect("utf-8"),
            "--json",
            "--at",
            AT,
            "--offline",
            "--revocation",
            "off",
        ],
        None,
    );
    assert_eq!(code, Some(0), "{err}");
    let first: Value = serde_json::from_str(out.lines().next().expect("line")).expect("json");
    assert_eq!(first["accepted"], true);
    // Revocation off: nothing was checked, so nothing is listed.
    assert_eq!(
        first["revocation"].as_array().map(Vec::len),
        Some(0),
        "{first}"
    );
}
