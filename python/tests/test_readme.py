"""python/README.md's examples run as written, from the repository root."""

from __future__ import annotations

import contextlib
import io
import os
import re
from typing import Any

import chains
from conftest import REPO
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.x509.oid import NameOID
from pki import Pki


def python_section_code() -> list[str]:
    readme = (REPO / "python" / "README.md").read_text(encoding="utf-8")
    # The gateway section's examples run in test_readme_gateways.py.
    readme = readme.split("\n## Gateways", 1)[0]
    blocks: list[str] = re.findall(r"```python\n(.*?)```", readme, flags=re.S)
    assert len(blocks) == 2
    return blocks


def run(code: str, names: dict[str, Any]) -> str:
    out = io.StringIO()
    cwd = os.getcwd()
    os.chdir(REPO)
    try:
        with contextlib.redirect_stdout(out):
            exec(compile(code, "python/README.md", "exec"), dict(names))
    finally:
        os.chdir(cwd)
    return out.getvalue()


def test_readme_example_runs() -> None:
    code = python_section_code()[0]
    assert len(code.strip().splitlines()) <= 16
    printed = run(code, {})
    assert "error chain.order_reversed (certificate None)" in printed
    assert "hint: Reverse the bundle" in printed
    last = printed.strip().splitlines()[-1]
    assert last.startswith("True CN=acme-payments client")
    assert "2044-01-01 00:00:00+00:00" in last


def test_readme_binding_csr_and_stapled_ocsp_example_runs(pki: Pki) -> None:
    code = python_section_code()[1]
    assert len(code.strip().splitlines()) <= 12
    subject = chains.name("Good Client", (NameOID.COUNTRY_NAME, "DE"),
                          (NameOID.ORGANIZATION_NAME, "Example Client GmbH"))
    csr = x509.CertificateSigningRequestBuilder().subject_name(subject).sign(
        chains.key("p256", 72), hashes.SHA256())
    names = {
        "csr_pem": csr.public_bytes(serialization.Encoding.PEM),
        "registered_pem": chains.pem([pki.good]),
        "peer_chain": pki.chain(pki.good),
        "stapled": pki.response(pki.good),
    }
    lines = run(code, names).strip().splitlines()
    assert lines == [
        "True CN=Good Client,O=Example Client GmbH,C=DE EC P-256",
        "True good stapled CN=Revocation Issuing CA,C=DE,O=Example CA",
    ]
    # The same example with the revoked leaf registered and presented is rejected.
    names.update(registered_pem=chains.pem([pki.revoked]), peer_chain=pki.chain(pki.revoked),
                 stapled=pki.response(pki.revoked))
    assert run(code, names).strip().splitlines()[1].startswith("False revoked stapled")
