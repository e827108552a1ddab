"""Issue 17 through Python: the odd shapes uploads come in (one finding each, and `fix`
repairing them), and negative serial numbers shown as OpenSSL shows them."""

from __future__ import annotations

import subprocess
from pathlib import Path

import chains
from chains import NOW, pem

import chainvet

GOOD = chains.chain(("p256", "p256", "p256"), slot=7)


def test_utf16_and_escaped_newlines_are_one_finding_each_and_fixed() -> None:
    text = pem(GOOD).decode()
    validator = chainvet.Validator()
    for data, code in [
        (b"\xff\xfe" + text.replace("\n", "\r\n").encode("utf-16-le"), "input.utf16"),
        (text.replace("\n", "\\n").encode(), "pem.escaped_newlines"),
        # `cat` of files saved without a final newline.
        (text.replace("-----END CERTIFICATE-----\n-----BEGIN", "-----END CERTIFICATE----------BEGIN")
         .encode(), "pem.boundaries_joined"),
    ]:
        report = validator.validate(data, at=NOW)
        assert [f.code for f in report.findings if f.severity != "info"] == [code]
        assert "`chainvet fix FILE -o fixed.pem` does this" in report.findings[0].hint
        fixed = validator.fix(data, at=NOW)
        assert fixed == pem(GOOD)
        assert validator.validate(fixed, at=NOW).accepted


def test_negative_serials_are_negative_ints(tmp_path: Path) -> None:
    def openssl(*args: str) -> None:
        subprocess.run(["openssl", *args], cwd=tmp_path, check=True, capture_output=True)

    openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
            "-keyout", "ca.key", "-out", "ca.pem", "-subj", "/CN=Serial CA", "-days", "3650",
            "-addext", "basicConstraints=critical,CA:TRUE",
            "-addext", "keyUsage=critical,keyCertSign,cRLSign")
    openssl("req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
            "-keyout", "leaf.key", "-out", "leaf.csr", "-subj", "/CN=serial.example")
    (tmp_path / "ext.cnf").write_text(
        "basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\n"
        "extendedKeyUsage=clientAuth\n")
    openssl("x509", "-req", "-in", "leaf.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
            "-set_serial", "-0x04316693ED", "-days", "365", "-extfile", "ext.cnf", "-out", "leaf.pem")
    bundle = (tmp_path / "leaf.pem").read_bytes() + (tmp_path / "ca.pem").read_bytes()
    report = chainvet.Validator().validate(bundle)
    leaf = report.certificates[0]
    assert leaf.serial == -0x04316693ED
    assert leaf.serial_hex == "-04316693ed"
    assert [(f.code, f.severity) for f in report.findings] == [
        ("certificate.nonconforming", "warning")]
    assert report.accepted
